import numpy as np
import jax, jax.numpy as jnp
from jax import random, lax, grad, jit, vmap
from jax.scipy.stats import norm
from jax.scipy.special import expit

key = random.PRNGKey(42)
k1, k2, k3 = random.split(key, 3)
N, D = 100, 3
X = random.normal(k1, (N, D))
w_true = jnp.array([1.5, -2.0, 0.5])
y = (random.uniform(k2, (N,)) < expit(X @ w_true)).astype(jnp.float64)

def logp(w):
    logits = X @ w
    ll = jnp.sum(y * jax.nn.log_sigmoid(logits) + (1 - y) * jax.nn.log_sigmoid(-logits))
    return ll + jnp.sum(norm.logpdf(w, 0.0, 3.0))

def leapfrog(w, p, eps, n):
    def body(i, state):
        w, p = state
        p = p + 0.5 * eps * grad(logp)(w)
        w = w + eps * p
        p = p + 0.5 * eps * grad(logp)(w)
        return w, p
    return lax.fori_loop(0, n, body, (w, p))

def hmc_step(w, key):
    kp, ku = random.split(key)
    p0 = random.normal(kp, w.shape)
    w1, p1 = leapfrog(w, p0, 0.05, 10)
    h0 = -logp(w) + 0.5 * p0 @ p0
    h1 = -logp(w1) + 0.5 * p1 @ p1
    accept = jnp.log(random.uniform(ku)) < h0 - h1
    return jnp.where(accept, w1, w), accept

@jit
def chain(key, w0):
    keys = random.split(key, 200)
    w, (ws, acc) = lax.scan(lambda w, k: (lambda r: (r[0], r))(hmc_step(w, k)), w0, keys)
    return ws, acc

keys = random.split(k3, 4)
ws, acc = vmap(chain)(keys, jnp.zeros((4, D)))
print(ws.shape, acc.dtype, acc.mean(1))
print(np.round(np.asarray(ws[:, 100:].mean(1)), 4))
