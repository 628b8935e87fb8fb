import numpy as np
import jax, jax.numpy as jnp
from jax import vmap, grad, jit
from jax.scipy import stats, special
from jax.scipy.optimize import minimize
from jax.experimental.ode import odeint
x = jnp.linspace(0.1, 3, 5)
print(np.round(np.asarray(stats.gamma.logpdf(x, 2.0, scale=1.5)), 8))
print(np.round(np.asarray(stats.t.pdf(x, 3.0)), 8), np.round(np.asarray(stats.beta.ppf(jnp.array([0.1, 0.5]), 2., 3.)) if hasattr(stats.beta, 'ppf') else 0, 8))
print(np.round(np.asarray(stats.poisson.logpmf(jnp.arange(4), 2.0)), 8), np.round(np.asarray(stats.binom.pmf(2, 5, 0.3)), 8))
cov = jnp.array([[2., .3], [.3, 1.]])
print(np.round(np.asarray(vmap(stats.multivariate_normal.logpdf, (0, None, None))(jnp.ones((3, 2)) * jnp.arange(3.)[:, None], jnp.zeros(2), cov)), 8))
print(np.round(np.asarray(grad(lambda m: stats.multivariate_normal.logpdf(jnp.ones(2), m, cov))(jnp.zeros(2))), 8))
print(np.round(np.asarray(stats.dirichlet.logpdf(jnp.array([0.2, 0.3, 0.5]), jnp.array([1., 2., 3.]))), 8))
kde = stats.gaussian_kde(jnp.array([0., 1., 1.5, 3.]))
print(np.round(np.asarray(kde.evaluate(jnp.array([0.5, 2.]))), 8))
rosen = lambda x: jnp.sum(100. * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
r = minimize(rosen, jnp.zeros(3), method="BFGS")
print(np.round(np.asarray(r.x), 6), r.success, int(r.nit))
f = lambda y, t, k: -k * y
ys = odeint(f, jnp.array([1., 2.]), jnp.linspace(0., 1., 4), 0.5)
print(np.round(np.asarray(ys), 8))
print(np.round(float(grad(lambda k: odeint(f, jnp.ones(1), jnp.array([0., 1.]), k)[-1, 0])(0.5)), 8))
print(np.round(np.asarray(special.logsumexp(x)), 8), np.round(np.asarray(special.gammaln(x)), 8), np.round(float(special.betainc(2., 3., 0.4)), 8))
print(np.round(np.asarray(stats.norm.ppf(jnp.array([0.025, 0.5]))), 8), stats.mode(jnp.array([1, 2, 2, 3])).mode)
