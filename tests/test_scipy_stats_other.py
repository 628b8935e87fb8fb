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
    assert_same(stats.multinomial.logpmf(x[0], 6, P3),
                np.float64(st.multinomial.logpmf(x[0], 6, P3)))
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
    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731
    for args in [(XS[0], MEAN, covs), (XS[:2], means, covs), (f32(XS), f32(MEAN), f32(COV)),
                 (f32(XS), f32(MEAN), 2.0), (f32(XS), f32(0.5), f32(2.0)),
                 (np.arange(3), np.array([0, 1, 0]), np.eye(3, dtype=int)), (XS, MEAN, -np.eye(3))]:
        tol = tolerance(np.result_type(*args, np.float16))
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
    assert_same(stats.dirichlet.pdf(SIMPLEX[:, 0], ALPHA),
                np.float64(st.dirichlet.pdf(SIMPLEX[:, 0], ALPHA)))


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


# ------------------------------------------------------ mode, rankdata, sem

TIES = RNG.integers(0, 4, size=(5, 3, 4))
WITH_NANS = TIES.astype(float)
WITH_NANS[:3, 0, 0] = np.nan


@pytest.mark.parametrize("axis", [0, 1, -1, None])
@pytest.mark.parametrize("keepdims", [False, True])
def test_mode_matches_scipy(axis, keepdims):
    got = stats.mode(TIES, axis=axis, keepdims=keepdims)
    want = st.mode(TIES, axis=axis, keepdims=keepdims)
    assert type(got).__name__ == "ModeResult"
    assert_same(got.mode, want.mode)
    assert_same(got.count, want.count.astype(np.int64))


def test_mode_nans_ties_empty_inputs_dtypes_and_errors_match_jax(jstats):
    cases = [(WITH_NANS, {}), (np.array([1.0, np.nan, np.nan, 2.0, 2.0]), {}),
             (np.array([1.0, np.nan, np.nan, np.nan, 2.0]), {}), (np.array(5.0), {}),
             (np.zeros((0, 3)), {}), (TIES.astype(np.float32), {"axis": 1}),
             (np.array([True, False, True]), {}), (TIES, {"axis": None, "keepdims": True})]
    for a, kwargs in cases:
        got, want = stats.mode(a, **kwargs), jstats.mode(a, **kwargs)
        assert_same(got.mode, want.mode)
        assert_same(got.count, want.count)
    for policy, error in [("omit", NotImplementedError), ("raise", NotImplementedError),
                          ("bogus", ValueError)]:
        with pytest.raises(error) as ours:
            stats.mode(TIES, nan_policy=policy)
        with pytest.raises(error) as theirs:
            jstats.mode(TIES, nan_policy=policy)
        assert str(ours.value) == str(theirs.value)


def test_mode_vmap_equals_the_loop_and_jit_equals_eager():
    rows = TIES.reshape(5, 12).astype(float)
    got = vmapx.vmap(lambda r: stats.mode(r))(rows)
    assert_same(got.mode, loop(lambda r: stats.mode(r).mode, rows))
    assert_same(got.count, loop(lambda r: stats.mode(r).count, rows))
    jitted = vmapx.jit(lambda a: stats.mode(a, axis=1))(TIES)
    assert_same(jitted.mode, stats.mode(TIES, axis=1).mode)
    assert_same(jitted.count, stats.mode(TIES, axis=1).count)


@pytest.mark.parametrize("method", ["average", "min", "max", "dense", "ordinal"])
def test_rankdata_matches_scipy_flattened_and_along_an_axis(method):
    a = TIES[0]
    assert_same(stats.rankdata(a, method), st.rankdata(a, method).astype(float).ravel())
    for axis in (0, 1, -1):
        assert_same(stats.rankdata(a, method, axis=axis),
                    st.rankdata(a, method, axis=axis).astype(float))


def test_rankdata_nans_scalars_empty_and_errors_match_jax(jstats):
    float32 = RNG.normal(size=(3, 4)).astype(np.float32)
    for method in ("average", "min", "max", "dense", "ordinal"):
        assert_same(stats.rankdata(WITH_NANS[:, :, 0], method, axis=0),
                    jstats.rankdata(WITH_NANS[:, :, 0], method, axis=0))
    for a in (np.array([1.0, np.nan]), np.array(4.0), np.zeros(0), float32):
        assert_same(stats.rankdata(a), jstats.rankdata(a))
    for kwargs, error in [({"method": "bogus"}, ValueError),
                          ({"nan_policy": "omit"}, NotImplementedError),
                          ({"nan_policy": "raise"}, NotImplementedError),
                          ({"nan_policy": "bogus"}, ValueError)]:
        with pytest.raises(error) as ours:
            stats.rankdata(np.arange(3), **kwargs)
        with pytest.raises(error) as theirs:
            jstats.rankdata(np.arange(3), **kwargs)
        assert str(ours.value) == str(theirs.value)


def test_rankdata_vmap_equals_the_loop_and_jit_equals_eager():
    rows = TIES.reshape(5, 12).astype(float)
    rows[1, 3] = np.nan
    for method in ("average", "min", "max", "dense", "ordinal"):
        f = lambda r: stats.rankdata(r, method)  # noqa: E731,B023
        assert_same(vmapx.vmap(f)(rows), loop(f, rows))
        assert_same(vmapx.jit(f)(rows[0]), f(rows[0]))
    assert_same(vmapx.vmap(lambda r: stats.rankdata(r, axis=1))(TIES),
                loop(lambda r: stats.rankdata(r, axis=1), TIES))


def test_sem_matches_scipy_and_jax_with_both_nan_policies(jstats):
    a = RNG.normal(size=(4, 5))
    nans = a.copy()
    nans[0, 1] = nans[2, 3] = np.nan
    for axis in (0, 1, -1, None):
        for ddof in (0, 1, 2):
            assert_same(stats.sem(a, axis=axis, ddof=ddof), st.sem(a, axis=axis, ddof=ddof))
            assert_same(stats.sem(nans, axis=axis, ddof=ddof, nan_policy="omit"),
                        st.sem(nans, axis=axis, ddof=ddof, nan_policy="omit"))
    for axis, keepdims in [(0, False), (None, True)]:
        for x in (nans, a.astype(np.float32), np.arange(20).reshape(4, 5)):
            for policy in ("propagate", "omit"):
                tol = tolerance(x.dtype if x.dtype.kind == "f" else np.float64)
                assert_same(stats.sem(x, axis, 2, policy, keepdims=keepdims),
                            jstats.sem(x, axis, 2, policy, keepdims=keepdims), rtol=tol, atol=tol)
    with pytest.raises(ValueError, match="raise is not supported"):
        stats.sem(a, nan_policy="raise")


def test_sem_vmap_grad_and_jit():
    a = RNG.normal(size=(4, 6))
    assert_same(vmapx.vmap(stats.sem)(a), loop(stats.sem, a))
    assert_same(vmapx.jit(lambda x: stats.sem(x, axis=None))(a), stats.sem(a, axis=None))
    np.testing.assert_allclose(vmapx.grad(stats.sem)(a[0]), finite_difference(stats.sem, a[0]),
                               rtol=1e-6)


# ---------------------------------------------------------- gaussian_kde

DATA1 = RNG.normal(size=7)
DATA2 = RNG.normal(size=(2, 9))
WEIGHTS = RNG.uniform(0.5, 2.0, size=9)
KDE_CASES = [(DATA1, {}), (DATA2, {}), (DATA2, {"weights": WEIGHTS}),
             (DATA2, {"bw_method": "silverman"}), (DATA1, {"bw_method": 0.3}),
             (DATA2, {"bw_method": lambda kde: 0.7}), (DATA2.astype(np.float32), {}),
             (DATA2, {"bw_method": np.array(0.4)}), (np.arange(5), {})]


@pytest.mark.parametrize("data,kwargs", KDE_CASES)
def test_gaussian_kde_matches_scipy(data, kwargs):
    ours = stats.gaussian_kde(data, **kwargs)
    if isinstance(kwargs.get("bw_method"), np.ndarray):   # SciPy takes Python scalars only
        kwargs = {"bw_method": float(kwargs["bw_method"])}
    scipys = st.gaussian_kde(data, **kwargs)
    rtol = 1e-5 if data.dtype == np.float32 else 1e-10
    d = ours.d
    assert (ours.d, ours.n) == (scipys.d, scipys.n)
    np.testing.assert_allclose(ours.covariance, scipys.covariance, rtol=rtol)
    np.testing.assert_allclose(ours.neff, scipys.neff, rtol=rtol)
    points = RNG.normal(size=(d, 6))
    for method in ("evaluate", "pdf", "logpdf", "__call__"):
        np.testing.assert_allclose(getattr(ours, method)(points), getattr(scipys, method)(points),
                                   rtol=rtol)
    np.testing.assert_allclose(ours.logpdf(points * 40), scipys.logpdf(points * 40), rtol=rtol)
    np.testing.assert_allclose(ours.integrate_gaussian(np.zeros(d), np.eye(d)),
                               scipys.integrate_gaussian(np.zeros(d), np.eye(d)), rtol=rtol)
    other = RNG.normal(size=(d, 4))
    np.testing.assert_allclose(ours.integrate_kde(stats.gaussian_kde(other)),
                               scipys.integrate_kde(st.gaussian_kde(other)), rtol=rtol)
    if d == 1:
        np.testing.assert_allclose(ours.integrate_box_1d(-0.5, 1.0),
                                   scipys.integrate_box_1d(-0.5, 1.0), rtol=rtol)


@pytest.mark.parametrize("data,kwargs", KDE_CASES)
def test_gaussian_kde_fields_dtypes_and_resample_match_jax(jstats, data, kwargs):
    jax = pytest.importorskip("jax")
    ours, theirs = stats.gaussian_kde(data, **kwargs), jstats.gaussian_kde(data, **kwargs)
    tol = tolerance(np.float32 if data.dtype == np.float32 else np.float64)
    for field in ("neff", "dataset", "weights", "covariance", "inv_cov"):
        assert_same(getattr(ours, field), getattr(theirs, field), rtol=tol, atol=tol)
    points = RNG.normal(size=(ours.d, 3)).astype(ours.dataset.dtype)
    assert_same(ours.logpdf(points), theirs.logpdf(points), rtol=tol, atol=tol)
    for shape in ((), (6,)):
        # the same keys draw the same indices and the same noise as JAX
        assert_same(ours.resample(random.PRNGKey(3), shape),
                    theirs.resample(jax.random.PRNGKey(3), shape), rtol=max(tol, 1e-9),
                    atol=max(tol, 1e-9))


def test_gaussian_kde_errors_match_jax(jstats):
    constructions = [dict(dataset=np.array([1.0])), dict(dataset=DATA2, weights=np.ones(3)),
                     dict(dataset=DATA2, weights=np.ones((9, 1))),
                     dict(dataset=DATA2, bw_method="bogus"), dict(dataset=DATA2 + 1j),
                     dict(dataset=[1.0, 2.0])]
    calls = [lambda m: m.gaussian_kde(DATA2).evaluate(np.ones((3, 2))),
             lambda m: m.gaussian_kde(DATA2).integrate_box_1d(0.0, 1.0),
             lambda m: m.gaussian_kde(DATA1).integrate_box_1d(np.zeros(2), 1.0),
             lambda m: m.gaussian_kde(DATA2).integrate_gaussian(np.zeros(3), np.eye(2)),
             lambda m: m.gaussian_kde(DATA2).integrate_gaussian(np.zeros(2), np.eye(3)),
             lambda m: m.gaussian_kde(DATA2).integrate_kde(m.gaussian_kde(DATA1)),
             lambda m: m.gaussian_kde(DATA2).evaluate(np.ones(2) + 1j),
             lambda m: m.gaussian_kde(DATA2).integrate_box(0.0, 1.0),
             lambda m: m.gaussian_kde(DATA2).set_bandwidth("scott")]
    attempts = [lambda m, kw=kw: m.gaussian_kde(**kw) for kw in constructions] + calls
    for attempt in attempts:
        outcomes = []
        for module in (stats, jstats):
            try:
                attempt(module)
                outcomes.append(None)
            except Exception as error:  # noqa: BLE001 (the errors are what is compared)
                outcomes.append((type(error), str(error)))
        assert outcomes[0] is not None and outcomes[0] == outcomes[1], outcomes


def test_gaussian_kde_one_point_of_d_values_is_a_column():
    kde = stats.gaussian_kde(DATA2)
    point = np.array([0.3, -0.2])
    assert_same(kde.evaluate(point), kde.evaluate(point[:, None]))


def test_gaussian_kde_is_a_pytree_through_jit_and_vmap():
    kde = stats.gaussian_kde(DATA2, weights=WEIGHTS)
    leaves, treedef = vmapx.tree_util.tree_flatten(kde)
    assert len(leaves) == 5
    rebuilt = vmapx.tree_util.tree_unflatten(treedef, leaves)
    assert type(rebuilt) is stats.gaussian_kde
    points = RNG.normal(size=(2, 5))
    assert_same(rebuilt.logpdf(points), kde.logpdf(points))
    assert_same(vmapx.jit(lambda k, p: k.logpdf(p))(kde, points), kde.logpdf(points))
    datasets = RNG.normal(size=(4, 2, 9))
    kdes = vmapx.vmap(stats.gaussian_kde)(datasets)
    assert kdes.covariance.shape == (4, 2, 2)
    assert_same(vmapx.vmap(lambda k: k.logpdf(points))(kdes),
                loop(lambda d: stats.gaussian_kde(d).logpdf(points), datasets))


def test_gaussian_kde_vmap_over_points_equals_the_loop():
    kde = stats.gaussian_kde(DATA2)
    points = RNG.normal(size=(6, 2))
    for method in ("evaluate", "logpdf"):
        f = lambda p: getattr(kde, method)(p[:, None])[0]  # noqa: E731,B023
        assert_same(vmapx.vmap(f)(points), loop(f, points))
    f = lambda m: kde.integrate_gaussian(m, np.eye(2))  # noqa: E731
    assert_same(vmapx.vmap(f)(points), loop(f, points))
    one_d = stats.gaussian_kde(DATA1)
    lows = np.array([-1.0, 0.0, 0.5])
    g = lambda low: one_d.integrate_box_1d(low, 2.0)  # noqa: E731
    assert_same(vmapx.vmap(g)(lows), loop(g, lows))


def test_gaussian_kde_grad_with_respect_to_points_data_and_bandwidth():
    points = RNG.normal(size=(2, 3))
    f = lambda p: stats.gaussian_kde(DATA2).logpdf(p).sum()  # noqa: E731
    np.testing.assert_allclose(vmapx.grad(f)(points), finite_difference(f, points), rtol=1e-6)
    g = lambda d: stats.gaussian_kde(d).logpdf(points).sum()  # noqa: E731
    np.testing.assert_allclose(vmapx.grad(g)(DATA2), finite_difference(g, DATA2), rtol=1e-5,
                               atol=1e-8)
    h = lambda bw: stats.gaussian_kde(DATA2, bw_method=bw).integrate_kde(  # noqa: E731
        stats.gaussian_kde(DATA2[:, :4]))
    np.testing.assert_allclose(vmapx.grad(h)(0.6), finite_difference(h, 0.6), rtol=1e-6)


def test_gaussian_kde_resample_shapes_keys_under_vmap_and_jit():
    kde = stats.gaussian_kde(DATA2)
    assert kde.resample(random.PRNGKey(0)).shape == (2,)
    assert kde.resample(random.PRNGKey(0), (5,)).shape == (2, 5)
    keys = random.split(random.PRNGKey(1), 3)
    draws = vmapx.vmap(lambda key: kde.resample(key, (4,)))(keys)
    assert_same(draws, loop(lambda key: kde.resample(key, (4,)), keys))
    assert_same(vmapx.jit(lambda key: kde.resample(key, (4,)))(keys[0]), draws[0])
    many = kde.resample(random.PRNGKey(2), (20000,))
    np.testing.assert_allclose(np.cov(many), kde.covariance + np.cov(DATA2, bias=True),
                               rtol=0.1, atol=0.05)


def test_gaussian_kde_resample_follows_its_own_cdf():
    """Draws pass a Kolmogorov-Smirnov test against the estimate's CDF, which
    is ``integrate_box_1d(-inf, x)`` vmapped over ``x``."""
    kde = stats.gaussian_kde(DATA1, weights=RNG.uniform(0.5, 2.0, size=7))
    samples = np.asarray(kde.resample(random.PRNGKey(5), (1000,)))[0]

    def cdf(x):
        return np.asarray(vmapx.vmap(lambda high: kde.integrate_box_1d(-np.inf, high))(x))

    assert st.kstest(samples, cdf).pvalue > 0.01
