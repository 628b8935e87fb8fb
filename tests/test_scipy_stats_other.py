"""vmapx.scipy.stats beyond ``norm``: the discrete distributions (bernoulli,
betabinom, binom, geom, nbinom, poisson), the multivariate ones (multinomial,
multivariate_normal, dirichlet) and the functions (mode, rankdata, sem,
gaussian_kde).  Oracles: SciPy for values, JAX (x64, optional) for values,
dtypes, out-of-support results and errors, the loop for ``vmap``, central
finite differences for ``grad``, eager evaluation for ``jit``."""
import warnings

import numpy as np
import pytest
import scipy.stats as st

import vmapx
from vmapx import random
from vmapx.scipy import stats

RNG = np.random.default_rng(20261207)


@pytest.fixture(scope="module")
def jstats():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.stats as jstats
    return jstats


def assert_same(got, want, rtol=1e-12, atol=1e-12):
    """``got`` has ``want``'s dtype and shape, and its values (NaNs and
    infinities at the same places)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


def tolerance(dtype):
    return 2e-5 if np.dtype(dtype) == np.float32 else 1e-11


def finite_difference(f, x, eps=1e-6):
    """The central-difference gradient of the scalar function ``f`` at ``x``."""
    x = np.asarray(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (float(f(x + step)) - float(f(x - step))) / (2 * eps)
    return grad


def loop(f, *args):
    """The loop oracle: ``f`` per example, stacked."""
    return np.stack([np.asarray(f(*[a[i] for a in args])) for i in range(len(args[0]))])


# ------------------------------------------------------ discrete: values

K = np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, np.nan])

# (distribution, function, argument tuples after k): support edges, degenerate
# and invalid parameters, a location shift
DISCRETE_CASES = [
    ("bernoulli", "logpmf", [(0.3,), (0.0,), (1.0,), (0.3, 1.0)]),
    ("bernoulli", "pmf", [(0.3,)]),
    ("bernoulli", "cdf", [(0.3,), (1.5,), (-0.1,), (np.nan,)]),
    ("betabinom", "logpmf", [(5, 2.0, 3.0), (0, 2.0, 3.0), (5, -1.0, 3.0), (-1, 2.0, 3.0),
                             (5, 2.0, 0.0), (5.0, 2.0, 3.0, 1.0)]),
    ("betabinom", "pmf", [(5, 2.0, 3.0)]),
    ("binom", "logpmf", [(5, 0.3), (0, 0.3), (5, 0.0), (5, 1.0), (5, 0.3, 2), (5.5, 0.3)]),
    ("binom", "pmf", [(5, 0.3)]),
    ("geom", "logpmf", [(0.3,), (1.0,), (0.0,), (0.3, 2)]),
    ("geom", "pmf", [(0.3,)]),
    ("nbinom", "logpmf", [(3, 0.3), (3, 0.0), (3, 1.0), (0.5, 0.3, 1)]),
    ("nbinom", "pmf", [(3, 0.3)]),
    ("poisson", "logpmf", [(2.0,), (0.0,), (2.0, 1)]),
    ("poisson", "pmf", [(2.0,)]),
    ("poisson", "cdf", [(2.0,), (0.0,), (2.0, 1)]),
]


def _jax_rtol(dist, dtype):
    # JAX's betaln loses about 1e-6 relative accuracy once an argument is >= 8
    # (its asymptotic branch); vmapx's is gammaln(a) + gammaln(b) - gammaln(a + b),
    # which is checked against SciPy below.
    return 2e-6 if dist == "betabinom" and dtype != np.float32 else tolerance(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dist,fn,argsets", DISCRETE_CASES)
def test_discrete_values_dtypes_and_out_of_support_match_jax(jstats, dist, fn, argsets, dtype):
    for args in argsets:
        k = K.astype(dtype)
        want = getattr(getattr(jstats, dist), fn)(k, *args)
        got = getattr(getattr(stats, dist), fn)(k, *args)
        tol = _jax_rtol(dist, dtype)
        assert_same(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dist,fn,argsets", DISCRETE_CASES)
def test_discrete_integer_arguments_give_float64(dist, fn, argsets):
    k = np.array([0, 1, 2, 3])
    args = [np.int64(a) if float(a).is_integer() else a for a in argsets[0]]
    out = getattr(getattr(stats, dist), fn)(k, *args)
    assert isinstance(out, vmapx.Array)
    assert out.dtype == np.float64 and out.shape == (4,)


@pytest.mark.parametrize("dist,fn,scipy_args", [
    ("bernoulli", "logpmf", (0.3,)), ("bernoulli", "cdf", (0.3,)),
    ("betabinom", "logpmf", (6, 2.0, 3.0)), ("betabinom", "pmf", (40, 9.5, 12.0)),
    ("binom", "logpmf", (6, 0.3)), ("geom", "logpmf", (0.3,)),
    ("nbinom", "logpmf", (3, 0.3)), ("poisson", "logpmf", (2.5,)), ("poisson", "cdf", (2.5,)),
])
def test_discrete_values_match_scipy_on_the_support(dist, fn, scipy_args):
    k = np.arange(0.0, 8.0)
    assert_same(getattr(getattr(stats, dist), fn)(k, *scipy_args),
                getattr(getattr(st, dist), fn)(k, *scipy_args), rtol=1e-11, atol=1e-300)


def test_bernoulli_ppf_matches_jax_including_invalid_quantiles(jstats):
    q = np.array([-0.1, 0.0, 0.3, 0.7, 0.71, 1.0, 1.1, np.nan])
    for p in (0.3, 1.2, np.nan):
        assert_same(stats.bernoulli.ppf(q, p), jstats.bernoulli.ppf(q, p))
    assert_same(stats.bernoulli.ppf(q.astype(np.float32), np.float32(0.3)),
                jstats.bernoulli.ppf(q.astype(np.float32), np.float32(0.3)))


def test_poisson_entropy_follows_jax_regimes_and_scipy_values(jstats):
    mu = np.array([0.0, 0.5, 1.0, 5.0, 9.9, 10.0, 50.0, 99.0, 100.0, 1000.0, -1.0, np.nan])
    assert_same(stats.poisson.entropy(mu), jstats.poisson.entropy(mu))
    assert_same(stats.poisson.entropy(mu.astype(np.float32)),
                jstats.poisson.entropy(mu.astype(np.float32)), rtol=2e-5, atol=2e-5)
    inside = mu[1:8]   # the truncated sums are within 1e-5 of SciPy's (JAX's bound)
    np.testing.assert_allclose(stats.poisson.entropy(inside), st.poisson.entropy(inside),
                               rtol=1e-5)
    # loc broadcasts into the shape and changes nothing else
    out = stats.poisson.entropy(np.array([1.0, 2.0]), np.zeros((3, 1)))
    assert out.shape == (3, 2)
    assert_same(out[2], stats.poisson.entropy(np.array([1.0, 2.0])))


# ------------------------------------------ discrete: vmap, grad and jit

# (function of (k, theta), k values, theta values): theta is the continuous
# parameter the gradient is taken with respect to
DISCRETE_TRANSFORMS = {
    "bernoulli.logpmf": (lambda k, p: stats.bernoulli.logpmf(k, p), [0.0, 1.0, 0.0, 1.0]),
    "bernoulli.pmf": (lambda k, p: stats.bernoulli.pmf(k, p, 1.0), [1.0, 2.0, 1.0, 2.0]),
    "bernoulli.cdf": (lambda k, p: stats.bernoulli.cdf(k, p), [0.0, 0.5, -1.0, 2.0]),
    "betabinom.logpmf": (lambda k, a: stats.betabinom.logpmf(k, 5, a, 2.0), [0, 1, 3, 5]),
    "betabinom.pmf": (lambda k, b: stats.betabinom.pmf(k, 5, 2.0, b * 3), [0, 1, 3, 5]),
    "binom.logpmf": (lambda k, p: stats.binom.logpmf(k, 5, p), [0, 1, 3, 5]),
    "binom.pmf": (lambda k, p: stats.binom.pmf(k, 5, p), [0, 1, 3, 5]),
    "geom.logpmf": (lambda k, p: stats.geom.logpmf(k, p), [1, 2, 3, 5]),
    "geom.pmf": (lambda k, p: stats.geom.pmf(k, p), [1, 2, 3, 5]),
    "nbinom.logpmf": (lambda k, n: stats.nbinom.logpmf(k, n * 5, 0.3), [0, 1, 3, 5]),
    "nbinom.pmf": (lambda k, p: stats.nbinom.pmf(k, 3, p), [0, 1, 3, 5]),
    "poisson.logpmf": (lambda k, mu: stats.poisson.logpmf(k, mu * 5), [0, 1, 3, 5]),
    "poisson.pmf": (lambda k, mu: stats.poisson.pmf(k, mu * 5), [0, 1, 3, 5]),
    "poisson.cdf": (lambda k, mu: stats.poisson.cdf(k, mu * 5), [0, 1, 3, 5]),
    # mu in each of entropy's three regimes (away from the mask's jumps)
    "poisson.entropy": (lambda k, mu: stats.poisson.entropy(mu ** 3 * 300), [0, 0, 0, 0]),
}
THETA = np.array([0.23, 0.41, 0.57, 0.86])


@pytest.mark.parametrize("name", sorted(DISCRETE_TRANSFORMS))
def test_discrete_vmap_equals_the_loop_and_jit_equals_eager(name):
    f, k = DISCRETE_TRANSFORMS[name]
    k = np.asarray(k, float)
    want = loop(f, k, THETA)
    got = vmapx.vmap(f)(k, THETA)
    assert_same(got, want)
    assert_same(vmapx.jit(vmapx.vmap(f))(k, THETA), want)
    assert_same(vmapx.vmap(f, in_axes=(None, 0))(k[1], THETA), loop(lambda t: f(k[1], t), THETA))


@pytest.mark.parametrize("name", sorted(DISCRETE_TRANSFORMS))
def test_discrete_grad_matches_finite_differences(name):
    f, k = DISCRETE_TRANSFORMS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no 0 * inf in the backward pass
        grads = vmapx.vmap(vmapx.grad(f, argnums=1))(np.asarray(k, float), THETA)
    want = [finite_difference(lambda t: f(ki, t), ti) for ki, ti in zip(k, THETA, strict=True)]
    np.testing.assert_allclose(grads, want, rtol=1e-6, atol=1e-8)


def test_poisson_entropy_grad_matches_jax(jstats):
    jax = pytest.importorskip("jax")
    for mu in (0.6, 3.3, 15.2, 150.0):
        np.testing.assert_allclose(vmapx.grad(stats.poisson.entropy)(mu),
                                   jax.grad(jstats.poisson.entropy)(mu), rtol=1e-10)


# ---------------------------------------------------------- multinomial

P3 = np.array([0.2, 0.3, 0.5])


def test_multinomial_matches_scipy_and_is_minus_inf_when_counts_miss_n():
    x = np.array([[1, 2, 3], [0, 0, 6], [6, 0, 0]])
    assert_same(stats.multinomial.logpmf(x[0], 6, P3), np.float64(st.multinomial.logpmf(x[0], 6, P3)))
    assert_same(stats.multinomial.pmf(x[1], 6, P3), np.float64(st.multinomial.pmf(x[1], 6, P3)))
    assert_same(stats.multinomial.logpmf(x[0], 5, P3), np.float64(-np.inf))
    assert_same(vmapx.vmap(lambda c: stats.multinomial.logpmf(c, 6, P3))(x),
                st.multinomial.logpmf(x, 6, P3))


def test_multinomial_dtypes_and_errors_match_jax(jstats):
    x = np.array([1, 2, 3])
    for args in [(x, 6, P3), (x, 6, P3.astype(np.float32)), (x.astype(np.int32), np.int32(6), P3),
                 (np.array([[1, 2, 3], [2, 2, 2]]), 6, P3), (x, 6, np.array([1, 0, 0]))]:
        assert_same(stats.multinomial.logpmf(*args), jstats.multinomial.logpmf(*args),
                    rtol=2e-6, atol=2e-6)
    for bad in [(x.astype(float), 6, P3), (x, 6.0, P3)]:
        with pytest.raises(ValueError) as ours:
            stats.multinomial.logpmf(*bad)
        with pytest.raises(ValueError) as theirs:
            jstats.multinomial.logpmf(*bad)
        assert str(ours.value) == str(theirs.value)


def test_multinomial_vmap_over_probabilities_and_grad():
    ps = RNG.dirichlet(np.ones(3), size=4)
    x = np.array([1, 2, 3])
    f = lambda p: stats.multinomial.logpmf(x, 6, p)  # noqa: E731
    assert_same(vmapx.vmap(f)(ps), loop(f, ps))
    assert_same(vmapx.jit(vmapx.vmap(f))(ps), loop(f, ps))
    np.testing.assert_allclose(vmapx.grad(f)(ps[0]), finite_difference(f, ps[0]), rtol=1e-6)


# --------------------------------------------------- multivariate_normal

def _spd(n, rng=RNG):
    a = rng.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


COV = _spd(3)
MEAN = RNG.normal(size=3)
XS = RNG.normal(size=(5, 3))


def test_multivariate_normal_matches_scipy_for_matrix_scalar_and_univariate_cov():
    mvn = stats.multivariate_normal
    assert_same(mvn.logpdf(XS, MEAN, COV), st.multivariate_normal.logpdf(XS, MEAN, COV))
    assert_same(mvn.pdf(XS, MEAN, COV), st.multivariate_normal.pdf(XS, MEAN, COV), atol=0)
    assert_same(mvn.logpdf(XS, MEAN, 2.0), st.multivariate_normal.logpdf(XS, MEAN, 2.0))
    assert_same(mvn.logpdf(XS[:, 0], 0.5, 2.0), st.norm.logpdf(XS[:, 0], 0.5, np.sqrt(2.0)))


def test_multivariate_normal_batches_cov_and_mean_and_matches_jax(jstats):
    covs = np.stack([COV, 2 * COV])
    means = np.stack([MEAN, -MEAN])
    for dtype in (np.float64, np.float32):
        c = lambda a: np.asarray(a, dtype)  # noqa: E731
        for args in [(c(XS), c(MEAN), c(COV)), (c(XS[0]), c(MEAN), c(covs)),
                     (c(XS[:2]), c(means), c(covs)), (c(XS), c(MEAN), 2.0),
                     (c(XS), c(0.5), c(2.0)), (np.arange(3), np.array([0, 1, 0]), np.eye(3, dtype=int)),
                     (XS, MEAN, -np.eye(3))]:
            tol = tolerance(dtype)
            assert_same(stats.multivariate_normal.logpdf(*args),
                        jstats.multivariate_normal.logpdf(*args), rtol=tol, atol=tol)


def test_multivariate_normal_errors_match_jax(jstats):
    for bad_cov in (np.ones(3), np.eye(2)):
        with pytest.raises(ValueError, match="incompatible shapes"):
            stats.multivariate_normal.logpdf(XS, MEAN, bad_cov)
        with pytest.raises(ValueError, match="incompatible shapes"):
            jstats.multivariate_normal.logpdf(XS, MEAN, bad_cov)
    for flag in (True, False):
        with pytest.raises(NotImplementedError, match="allow_singular"):
            stats.multivariate_normal.logpdf(XS, MEAN, COV, allow_singular=flag)


def test_multivariate_normal_logpdf_vmaps_over_x_and_over_mean():
    f = stats.multivariate_normal.logpdf
    assert_same(vmapx.vmap(f, in_axes=(0, None, None))(XS, MEAN, COV),
                loop(lambda x: f(x, MEAN, COV), XS))
    assert_same(vmapx.vmap(f, in_axes=(None, 0, None))(MEAN, XS, COV),
                loop(lambda m: f(MEAN, m, COV), XS))
    covs = np.stack([_spd(3) for _ in range(5)])
    assert_same(vmapx.vmap(f)(XS, XS[::-1], covs), loop(f, XS, XS[::-1], covs))
    assert_same(vmapx.jit(vmapx.vmap(f, in_axes=(0, None, None)))(XS, MEAN, COV),
                loop(lambda x: f(x, MEAN, COV), XS))


def test_multivariate_normal_grad_with_respect_to_mean_and_cov():
    f = lambda m, c: stats.multivariate_normal.logpdf(XS[0], m, c)  # noqa: E731
    g_mean, g_cov = vmapx.grad(f, argnums=(0, 1))(MEAN, COV)
    np.testing.assert_allclose(g_mean, finite_difference(lambda m: f(m, COV), MEAN), rtol=1e-6)
    # the Cholesky factorisation reads the symmetrised matrix, so the gradient
    # is symmetric and equals the finite differences of single entries
    np.testing.assert_allclose(g_cov, finite_difference(lambda c: f(MEAN, c), COV), rtol=1e-6,
                               atol=1e-9)
    np.testing.assert_allclose(g_cov, g_cov.T)
    # under vmap over the means, per-example gradients
    per_example = vmapx.vmap(vmapx.grad(f, argnums=1), in_axes=(0, None))(XS, COV)
    assert_same(per_example, loop(lambda m: vmapx.grad(f, argnums=1)(m, COV), XS))


def test_multivariate_normal_grad_matches_jax(jstats):
    jax = pytest.importorskip("jax")
    f = lambda m, c: stats.multivariate_normal.logpdf(XS, m, c).sum()  # noqa: E731
    jf = lambda m, c: jstats.multivariate_normal.logpdf(XS, m, c).sum()  # noqa: E731
    for ours, theirs in zip(vmapx.grad(f, argnums=(0, 1))(MEAN, COV),
                            jax.grad(jf, argnums=(0, 1))(MEAN, COV), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------ dirichlet

ALPHA = np.array([1.5, 2.0, 3.0])
SIMPLEX = RNG.dirichlet(ALPHA, size=5).T          # (3, 5): coordinates first


def test_dirichlet_matches_scipy_with_full_and_reduced_coordinates():
    want = st.dirichlet.logpdf(SIMPLEX, ALPHA)
    assert_same(stats.dirichlet.logpdf(SIMPLEX, ALPHA), want)
    assert_same(stats.dirichlet.logpdf(SIMPLEX[:2], ALPHA), want)
    assert_same(stats.dirichlet.pdf(SIMPLEX[:, 0], ALPHA), np.float64(st.dirichlet.pdf(SIMPLEX[:, 0], ALPHA)))


def test_dirichlet_off_the_simplex_dtypes_and_errors_match_jax(jstats):
    for args in [(np.array([0.5, 0.6, -0.1]), ALPHA), (np.array([0.5, 0.6, 0.1]), ALPHA),
                 (np.array([0.0, 0.5, 0.5]), ALPHA), (np.array([1, 0, 0]), np.array([1, 1, 1])),
                 (SIMPLEX.astype(np.float32), ALPHA.astype(np.float32)),
                 (SIMPLEX[:2].astype(np.float32), ALPHA.astype(np.float32))]:
        tol = tolerance(args[0].dtype if args[0].dtype.kind == "f" else np.float64)
        assert_same(stats.dirichlet.logpdf(*args), jstats.dirichlet.logpdf(*args), rtol=tol,
                    atol=tol)
    for bad in [(SIMPLEX, ALPHA[None]), (SIMPLEX[:1], ALPHA)]:
        with pytest.raises(ValueError) as ours:
            stats.dirichlet.logpdf(*bad)
        with pytest.raises(ValueError) as theirs:
            jstats.dirichlet.logpdf(*bad)
        assert str(ours.value) == str(theirs.value)


def test_dirichlet_vmap_over_points_and_concentrations_and_grad():
    points = SIMPLEX.T
    alphas = RNG.uniform(0.5, 3.0, size=(5, 3))
    f = stats.dirichlet.logpdf
    assert_same(vmapx.vmap(f)(points, alphas), loop(f, points, alphas))
    assert_same(vmapx.jit(vmapx.vmap(f, in_axes=(0, None)))(points, ALPHA),
                loop(lambda x: f(x, ALPHA), points))
    np.testing.assert_allclose(vmapx.grad(f, argnums=1)(points[0], ALPHA),
                               finite_difference(lambda a: f(points[0], a), ALPHA), rtol=1e-6)
    # with K - 1 coordinates a perturbed point stays on the simplex
    np.testing.assert_allclose(vmapx.grad(f)(points[0, :2], ALPHA),
                               finite_difference(lambda x: f(x, ALPHA), points[0, :2]), rtol=1e-6)
