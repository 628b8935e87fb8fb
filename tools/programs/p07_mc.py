import numpy as np
import jax, jax.numpy as jnp
from jax import random, vmap, jit, grad
from functools import partial

@partial(jit, static_argnums=(1, 2))
def paths(key, n, steps, s0=100., mu=0.05, sigma=0.2, T=1.0):
    dt = T / steps
    z = random.normal(key, (n, steps))
    logs = jnp.cumsum((mu - 0.5 * sigma ** 2) * dt + sigma * jnp.sqrt(dt) * z, axis=1)
    return s0 * jnp.exp(logs)
def price(sigma, key, K=100.):
    s = paths(key, 2000, 50, sigma=sigma)
    return jnp.exp(-0.05) * jnp.mean(jnp.maximum(s[:, -1] - K, 0.))
keys = random.split(random.PRNGKey(7), 5)
print(np.round(np.asarray(vmap(price, (None, 0))(0.2, keys)), 6))
print(np.round(float(grad(price)(0.2, keys[0])), 6))
asian = lambda key: jnp.mean(jnp.maximum(paths(key, 1000, 50).mean(1) - 100., 0.))
print(np.round(float(jnp.mean(vmap(asian)(keys))), 6))
def pi_est(key):
    xy = random.uniform(key, (10000, 2), minval=-1, maxval=1)
    return 4 * jnp.mean(jnp.sum(xy ** 2, 1) <= 1)
print(np.round(np.asarray(vmap(pi_est)(keys)), 6))
k = random.PRNGKey(3)
print(random.choice(k, 10, (5,), replace=False), random.permutation(k, 6), random.bernoulli(k, 0.3, (6,)))
print(np.round(np.asarray(random.gamma(k, 2.0, (3,))), 8), np.round(np.asarray(random.beta(k, 2.0, 3.0, (3,))), 8))
print(np.round(np.asarray(random.dirichlet(k, jnp.ones(3))), 8), random.categorical(k, jnp.log(jnp.array([0.2, 0.3, 0.5])), shape=(8,)))
print(np.round(np.asarray(random.truncated_normal(k, -1., 1., (3,))), 8), np.round(np.asarray(random.laplace(k, (2,))), 8))
print(np.round(np.asarray(random.multivariate_normal(k, jnp.zeros(2), jnp.array([[1., .5], [.5, 2.]]), (3,))), 8))
