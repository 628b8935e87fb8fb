import numpy as np
import jax, jax.numpy as jnp
from jax import ops, random, grad, jit, vmap
senders = jnp.array([0, 1, 2, 3, 0, 2]); receivers = jnp.array([1, 2, 3, 0, 2, 0])
N = 4
def gnn(params, x):
    msg = x[senders] @ params["w"]
    agg = ops.segment_sum(msg, receivers, num_segments=N)
    deg = ops.segment_sum(jnp.ones_like(receivers, dtype=x.dtype), receivers, N)
    h = jax.nn.relu(agg / jnp.maximum(deg, 1)[:, None] + x @ params["s"])
    return ops.segment_max(h, jnp.array([0, 0, 1, 1]), 2)
key = random.PRNGKey(0)
params = {"w": random.normal(key, (3, 3)), "s": random.normal(random.PRNGKey(1), (3, 3))}
x = random.normal(random.PRNGKey(2), (N, 3))
print(np.round(np.asarray(gnn(params, x)), 6))
print(np.round(np.asarray(grad(lambda p: gnn(p, x).sum())(params)["w"]), 6))
xs = random.normal(random.PRNGKey(3), (5, N, 3))
print(np.round(np.asarray(jit(vmap(gnn, (None, 0)))(params, xs)).sum((1, 2)), 6))
v = jnp.array([3., 1., 2., 5., 4.])
print(jnp.argsort(v), jnp.sort(v)[::-1], jax.lax.top_k(v, 2))
print(jnp.unique(jnp.array([3, 1, 3, 2, 1])), jnp.bincount(jnp.array([0, 1, 1, 3]), length=5))
print(jnp.searchsorted(jnp.array([1., 2., 3.]), jnp.array([0.5, 2.5])), jnp.cumsum(v), jnp.argmax(v))
print(np.round(np.asarray(jax.nn.one_hot(jnp.array([0, 2]), 3)), 2), jnp.nonzero(v > 2, size=4, fill_value=-1))
