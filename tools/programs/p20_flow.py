"""RealNVP-style normalizing flow on 2-D data: pytree classes, nn.initializers,
scan over coupling layers, value_and_grad with aux, fold_in keys, Adam by hand."""
import functools
import numpy as np
import jax, jax.numpy as jnp
from jax import random, lax
from jax.tree_util import register_pytree_node_class, tree_map
from jax.scipy.stats import multivariate_normal


@register_pytree_node_class
class Coupling:
    def __init__(self, w1, b1, w2, b2, mask):
        self.w1, self.b1, self.w2, self.b2, self.mask = w1, b1, w2, b2, mask

    def tree_flatten(self):
        return (self.w1, self.b1, self.w2, self.b2), (tuple(self.mask.tolist()),)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children, np.array(aux[0]))

    def forward(self, x):
        xm = x * self.mask
        h = jnp.tanh(xm @ self.w1 + self.b1)
        st = h @ self.w2 + self.b2
        s, t = jnp.split(st, 2, axis=-1)
        s = jnp.tanh(s) * (1 - self.mask)
        t = t * (1 - self.mask)
        y = xm + (1 - self.mask) * (x * jnp.exp(s) + t)
        return y, s.sum(-1)


def init(key, n_layers=4, hidden=16):
    glorot = jax.nn.initializers.glorot_normal()
    layers = []
    for i in range(n_layers):
        k1, k2 = random.split(random.fold_in(key, i))
        mask = np.array([1.0, 0.0]) if i % 2 == 0 else np.array([0.0, 1.0])
        layers.append(Coupling(glorot(k1, (2, hidden)), jnp.zeros(hidden),
                               glorot(k2, (hidden, 4)) * 0.1, jnp.zeros(4), mask))
    return layers


def log_prob(layers, x):
    logdet = 0.0
    for layer in layers:
        x, ld = layer.forward(x)
        logdet = logdet + ld
    base = multivariate_normal.logpdf(x, jnp.zeros(2), jnp.eye(2))
    return base + logdet


def loss(layers, batch):
    lp = jax.vmap(functools.partial(log_prob, layers))(batch)
    return -lp.mean(), {"max": lp.max(), "min": lp.min()}


def data(key, n):
    k1, k2 = random.split(key)
    theta = random.uniform(k1, (n,), minval=0.0, maxval=2 * jnp.pi)
    r = 2.0 + 0.1 * random.normal(k2, (n,))
    return jnp.stack([r * jnp.cos(theta), r * jnp.sin(theta)], axis=1)


@jax.jit
def step(state, batch):
    params, m, v, t = state
    (l, aux), g = jax.value_and_grad(loss, has_aux=True)(params, batch)
    t = t + 1
    m = tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    params = tree_map(lambda p, m, v: p - 1e-2 * (m / (1 - 0.9 ** t)) /
                      (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-8), params, m, v)
    return (params, m, v, t), l, aux


key = random.PRNGKey(42)
params = init(key)
zeros = tree_map(jnp.zeros_like, params)
state = (params, zeros, zeros, 0)
x = data(random.PRNGKey(1), 256)
for i in range(30):
    state, l, aux = step(state, x)
    if i % 10 == 0:
        print(i, float(l), float(aux["max"]))
print("final", float(l))
print("leaves", len(jax.tree_util.tree_leaves(state[0])))
print("logp", jax.vmap(functools.partial(log_prob, state[0]))(x[:3]))
