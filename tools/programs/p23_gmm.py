"""EM for a Gaussian mixture: logsumexp, einsum, cholesky and cho_solve, a
while_loop with a tolerance, one_hot, segment_sum, stop_gradient, argsort."""
import jax, jax.numpy as jnp
from jax import random, lax
from jax.scipy.special import logsumexp
from jax.scipy.linalg import cho_factor, cho_solve


def sample(key, n):
    ks = random.split(key, 3)
    comp = random.categorical(ks[0], jnp.log(jnp.array([0.3, 0.7])), shape=(n,))
    means = jnp.array([[-2.0, 0.0], [2.0, 1.0]])
    return means[comp] + 0.5 * random.normal(ks[1], (n, 2)), comp


def log_gauss(x, mu, cov):
    c, low = cho_factor(cov, lower=True)
    d = x - mu
    sol = jax.vmap(lambda v: cho_solve((c, low), v))(d)
    logdet = 2 * jnp.sum(jnp.log(jnp.diag(c)))
    return -0.5 * (jnp.einsum("nd,nd->n", d, sol) + logdet + 2 * jnp.log(2 * jnp.pi))


def em(x, k=2, tol=1e-8, max_iter=200):
    mu0 = x[jnp.argsort(x[:, 0])[jnp.array([0, -1])]]
    state = (mu0, jnp.stack([jnp.eye(2)] * k), jnp.full(k, 1.0 / k), -jnp.inf, jnp.inf, 0)

    def cond(s):
        return (s[4] > tol) & (s[5] < max_iter)

    def body(s):
        mu, cov, w, ll_old, _, it = s
        logp = jnp.stack([log_gauss(x, mu[j], cov[j]) for j in range(k)], 1) + jnp.log(w)
        ll = logsumexp(logp, axis=1)
        r = jnp.exp(logp - ll[:, None])
        nk = r.sum(0)
        mu = (r.T @ x) / nk[:, None]
        d = x[None] - mu[:, None]
        cov = jnp.einsum("kn,knd,kne->kde", r.T, d, d) / nk[:, None, None] + 1e-6 * jnp.eye(2)
        w = nk / x.shape[0]
        llm = ll.mean()
        return mu, cov, w, llm, jnp.abs(llm - ll_old), it + 1

    return lax.while_loop(cond, body, state)


x, comp = sample(random.PRNGKey(0), 400)
mu, cov, w, ll, delta, it = jax.jit(em)(x)
print("iters", it)
print("mu", mu)
print("w", w, "ll", ll)
hard = jnp.argmax(jax.nn.one_hot(comp, 2), axis=1)
counts = jax.ops.segment_sum(jnp.ones_like(hard), hard, num_segments=2)
print("counts", counts)
g = jax.grad(lambda m: jnp.sum(log_gauss(x[:5], lax.stop_gradient(m) + m, jnp.eye(2))))(mu[0])
print("grad", g)
