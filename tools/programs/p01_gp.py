import numpy as np
import jax, jax.numpy as jnp
from jax import jit, value_and_grad, vmap
from jax.scipy.linalg import solve_triangular, cho_solve, cho_factor
from functools import partial

def rbf(x1, x2, ls, amp):
    d = jnp.sum((x1[:, None, :] - x2[None, :, :]) ** 2, -1)
    return amp * jnp.exp(-0.5 * d / ls ** 2)

@jit
def nll(params, X, y):
    ls, amp, noise = jnp.exp(params["log_ls"]), jnp.exp(params["log_amp"]), jnp.exp(params["log_noise"])
    K = rbf(X, X, ls, amp) + (noise + 1e-6) * jnp.eye(X.shape[0])
    L = jnp.linalg.cholesky(K)
    alpha = solve_triangular(L.T, solve_triangular(L, y, lower=True), lower=False)
    return 0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(L))) + 0.5 * len(y) * jnp.log(2 * jnp.pi)

rng = np.random.RandomState(0)
X = rng.uniform(-3, 3, (30, 1))
y = np.sin(X[:, 0]) + 0.1 * rng.randn(30)
params = {"log_ls": 0.0, "log_amp": 0.0, "log_noise": -1.0}
vg = jit(value_and_grad(nll))
for i in range(50):
    v, g = vg(params, X, y)
    params = jax.tree_util.tree_map(lambda p, g: p - 0.05 * g, params, g)
print("nll %.6f" % v)
print({k: round(float(v), 5) for k, v in params.items()})
# predictive mean with cho_factor
ls, amp, noise = [float(jnp.exp(params[k])) for k in ("log_ls", "log_amp", "log_noise")]
K = rbf(X, X, ls, amp) + noise * jnp.eye(30)
c = cho_factor(K)
Xs = jnp.linspace(-3, 3, 5)[:, None]
mu = rbf(Xs, X, ls, amp) @ cho_solve(c, y)
print(np.round(np.asarray(mu), 5))
# per-example nll grads wrt X rows via vmap over datasets
Xb = jnp.stack([X, X + 0.1, X - 0.1])
print(np.round(np.asarray(vmap(nll, in_axes=(None, 0, None))(params, Xb, y)), 5))
