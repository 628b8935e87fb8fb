import numpy as np
import jax, jax.numpy as jnp
from jax import random, jit, grad, vmap, lax
from jax.example_libraries import optimizers, stax
from jax.example_libraries.stax import Dense, Relu, LogSoftmax, Conv, Flatten, MaxPool, BatchNorm, Dropout
init_fn, apply_fn = stax.serial(Conv(4, (3, 3), padding="SAME"), Relu, MaxPool((2, 2), strides=(2, 2)), Flatten, Dense(16), Relu, Dense(3), LogSoftmax)
key = random.PRNGKey(0)
out_shape, params = init_fn(key, (-1, 8, 8, 1))
print(out_shape, len(params))
X = random.normal(random.PRNGKey(1), (12, 8, 8, 1)); y = jax.nn.one_hot(jnp.arange(12) % 3, 3)
def loss(p, X, y): return -jnp.mean(jnp.sum(apply_fn(p, X) * y, 1))
opt_init, opt_update, get_params = optimizers.adam(1e-2)
st = opt_init(params)
@jit
def update(i, st):
    return opt_update(i, grad(loss)(get_params(st), X, y), st)
for i in range(20): st = update(i, st)
print("%.6f" % loss(get_params(st), X, y))
opt_init, opt_update, get_params = optimizers.momentum(optimizers.exponential_decay(0.1, 10, 0.5), 0.9)
st = opt_init(params)
for i in range(5): st = opt_update(i, grad(loss)(get_params(st), X, y), st)
print("%.6f" % loss(get_params(st), X, y))
print(optimizers.l2_norm(params).round(6) if hasattr(optimizers.l2_norm(params), 'round') else optimizers.l2_norm(params))
print(np.round(np.asarray(optimizers.clip_grads(grad(loss)(params, X, y), 0.1)[-2][1]), 6))
