import numpy as np
import jax, jax.numpy as jnp
from jax import grad, jit, vmap, random

def lj_energy(R, sigma=1.0, eps=1.0, rc=2.5):
    dR = R[:, None, :] - R[None, :, :]
    r2 = jnp.sum(dR ** 2, axis=-1)
    n = R.shape[0]
    mask = ~jnp.eye(n, dtype=bool) & (r2 < rc ** 2)
    r2s = jnp.where(mask, r2, 1.0)
    inv6 = (sigma ** 2 / r2s) ** 3
    e = 4 * eps * (inv6 ** 2 - inv6)
    return 0.5 * jnp.sum(jnp.where(mask, e, 0.0))

force = jit(lambda R: -grad(lj_energy)(R))
key = random.PRNGKey(0)
g = jnp.stack(jnp.meshgrid(jnp.arange(3.0), jnp.arange(3.0), jnp.arange(3.0), indexing="ij"), -1).reshape(-1, 3) * 1.2
R = g + 0.05 * random.normal(key, g.shape)
V = jnp.zeros_like(R)
dt = 0.002
@jit
def step(state, _):
    R, V = state
    F = force(R)
    V = V + dt * F
    R = R + dt * V
    return (R, V), lj_energy(R) + 0.5 * jnp.sum(V ** 2)
(Rf, Vf), E = jax.lax.scan(step, (R, V), None, length=100)
print(np.round(np.asarray(E[::20]), 6))
Rs = R[None] + 0.01 * random.normal(random.PRNGKey(1), (4,) + R.shape)
print(np.round(np.asarray(vmap(lj_energy)(Rs)), 6))
print(np.round(float(jnp.abs(vmap(force)(Rs)).max()), 5))
h = jax.hessian(lj_energy)(R[:4])
print(h.shape, np.round(float(jnp.trace(h.reshape(12, 12))), 5))
