import numpy as np
import jax, jax.numpy as jnp
from jax import lax, vmap, jit, grad

F = jnp.array([[1.0, 1.0], [0.0, 1.0]]); H = jnp.array([[1.0, 0.0]])
def kf(q, r, ys):
    Q = q * jnp.eye(2); R = jnp.array([[r]])
    def step(carry, y):
        m, P = carry
        m = F @ m; P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = jnp.linalg.solve(S, H @ P).T
        resid = y - H @ m
        m = m + K @ resid
        P = (jnp.eye(2) - K @ H) @ P
        ll = -0.5 * (resid @ jnp.linalg.solve(S, resid) + jnp.linalg.slogdet(S)[1] + jnp.log(2 * jnp.pi))
        return (m, P), (m, ll)
    (_, _), (ms, lls) = lax.scan(step, (jnp.zeros(2), jnp.eye(2)), ys)
    return ms, lls.sum()
rng = np.random.RandomState(1)
ys = jnp.asarray(np.cumsum(rng.randn(50, 1), 0))
ms, ll = jit(kf)(0.1, 0.5, ys)
print(ms.shape, np.round(float(ll), 6))
print(np.round(np.asarray(grad(lambda q, r: kf(q, r, ys)[1], argnums=(0, 1))(0.1, 0.5)), 6))
yb = jnp.stack([ys, ys * 0.5, ys + 1])
print(np.round(np.asarray(vmap(lambda y: kf(0.1, 0.5, y)[1])(yb)), 6))
print(np.round(np.asarray(vmap(kf, in_axes=(0, None, None))(jnp.array([0.1, 0.2]), 0.5, ys)[1]), 6))
