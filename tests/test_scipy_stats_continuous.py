"""The continuous distributions of ``vmapx.scipy.stats`` (issue 10): ``beta``,
``cauchy``, ``chi2``, ``expon``, ``gamma``, ``gennorm``, ``gumbel_l``,
``gumbel_r``, ``laplace``, ``logistic``, ``pareto``, ``t``, ``truncnorm``,
``uniform``, ``vonmises``, ``wrapcauchy``.

References: SciPy's distributions for values inside the support, the loop for
``vmap``, eager for ``jit``, central finite differences for derivatives, and
JAX (x64) for values everywhere (out-of-support and bad-parameter
conventions included), derivatives, function sets and signatures when it is
installed.
"""
from __future__ import annotations

import importlib
import inspect
import warnings

import numpy as np
import pytest
import scipy.stats

import vmapx

NAN, INF = np.nan, np.inf
Q = [-0.1, 0.0, 0.01, 0.3, 0.5, 0.9, 1.0, 1.1, NAN]   # quantile arguments
EDGES = [-INF, INF, NAN]   # added to every distribution's points


# distribution -> (points of the first argument, parameter tuples SciPy accepts,
# parameter tuples JAX treats as bad or degenerate, derivative points:
# (interior first arguments, one valid parameter tuple)).  Parameters are in
# the order of the signature after the first argument (loc and scale included
# where the distribution has them).
SPECS = {
    "beta": ([-0.5, 0.0, 0.1, 0.3, 0.5, 0.9, 1.0, 1.5],
             [(2.0, 3.0, 0.0, 1.0), (0.5, 0.7, 0.0, 1.0), (2.5, 1.5, -0.2, 1.5)],
             [(-1.0, 2.0, 0.0, 1.0), (2.0, 0.0, 0.0, 1.0), (2.0, 3.0, 0.0, -1.0)],
             ([0.2, 0.45, 0.8], (2.5, 1.5, -0.1, 1.3))),
    "cauchy": ([-50.0, -1.0, 0.0, 0.3, 2.0, 1e3],
               [(0.0, 1.0), (1.0, 2.0), (-0.5, 0.3)], [],
               ([-2.0, 0.3, 4.0], (0.5, 1.5))),
    "chi2": ([-1.0, 0.0, 0.5, 1.0, 3.0, 10.0, 50.0],
             [(1.0, 0.0, 1.0), (2.0, 0.0, 1.0), (3.5, 0.5, 2.0), (10.0, 0.0, 1.0)], [],
             ([0.7, 2.0, 5.0], (3.5, 0.2, 1.5))),
    "expon": ([-1.0, 0.0, 0.5, 2.0, 30.0], [(0.0, 1.0), (1.0, 2.0), (-1.0, 0.5)], [],
              ([0.5, 1.0, 4.0], (0.2, 1.5))),
    "gamma": ([-1.0, 0.0, 0.5, 1.0, 3.0, 20.0],
              [(1.0, 0.0, 1.0), (0.5, 0.0, 1.0), (2.5, 0.5, 2.0), (7.0, 0.0, 0.5)], [],
              ([0.7, 2.0, 5.0], (2.5, 0.2, 1.5))),
    "gennorm": ([-3.0, -1.0, -0.2, 0.0, 0.5, 2.0], [(0.5,), (1.0,), (2.0,), (4.0,)], [],
                ([-1.3, 0.4, 2.0], (1.5,))),
    "gumbel_l": ([-5.0, -1.0, 0.0, 0.5, 2.0, 10.0], [(0.0, 1.0), (1.0, 2.0)],
                 [(0.0, -1.0), (0.0, 0.0)], ([-1.0, 0.3, 2.0], (0.2, 1.5))),
    "gumbel_r": ([-5.0, -1.0, 0.0, 0.5, 2.0, 10.0], [(0.0, 1.0), (1.0, 2.0)],
                 [(0.0, -1.0), (0.0, 0.0)], ([-1.0, 0.3, 2.0], (0.2, 1.5))),
    "laplace": ([-3.0, -0.5, 0.0, 0.5, 3.0], [(0.0, 1.0), (1.0, 2.0)], [],
                ([-1.0, 0.6, 2.0], (0.2, 1.5))),
    "logistic": ([-40.0, -1.0, 0.0, 1.0, 40.0], [(0.0, 1.0), (1.0, 2.0)], [],
                 ([-1.0, 0.6, 2.0], (0.2, 1.5))),
    "pareto": ([0.5, 1.0, 1.5, 3.0, 100.0],
               [(1.0, 0.0, 1.0), (2.5, 0.0, 1.0), (3.0, -1.0, 2.0)], [],
               ([1.5, 3.0, 10.0], (2.5, -0.5, 1.2))),
    "t": ([-10.0, -1.0, 0.0, 0.5, 3.0], [(1.0, 0.0, 1.0), (2.5, 0.0, 1.0), (30.0, 1.0, 2.0)],
          [], ([-2.0, 0.3, 4.0], (3.5, 0.2, 1.5))),
    "truncnorm": ([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.5, 10.5, 12.0],
                  [(-1.0, 1.0, 0.0, 1.0), (0.0, INF, 0.0, 1.0), (-INF, 0.5, 0.0, 1.0),
                   (2.0, 4.0, 0.0, 1.0), (10.0, 11.0, 0.0, 1.0), (-11.0, -10.0, 0.0, 1.0),
                   (0.5, 2.0, 1.0, 2.0)],
                  [(1.0, 1.0, 0.0, 1.0), (2.0, 1.0, 0.0, 1.0)],
                  ([-0.5, 0.2, 0.9], (-1.0, 1.2, 0.1, 0.9))),
    "uniform": ([-1.0, 0.0, 0.25, 1.0, 1.5, 3.0], [(0.0, 1.0), (1.0, 2.0)], [],
                ([0.3, 0.8, 1.5], (0.1, 2.0))),
    "vonmises": ([-3.0, 0.0, 1.0, 3.0, 7.0], [(0.5,), (2.0,), (50.0,)], [(0.0,), (-1.0,)],
                 ([-1.0, 0.5, 2.0], (2.0,))),
    "wrapcauchy": ([-1.0, 0.0, 1.0, 3.0, 6.2, 7.0], [(0.1,), (0.5,), (0.9,)],
                   [(0.0,), (1.0,), (1.5,)], ([0.5, 2.0, 5.0], (0.4,))),
}

# JAX's function sets (``dir(jax.scipy.stats.<name>)``), pinned here so the
# tests run without JAX; ``test_function_sets_and_signatures_match_jax`` checks them.
FUNCTIONS = {
    "beta": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
    "cauchy": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"],
    "chi2": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
    "expon": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"],
    "gamma": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
    "gennorm": ["logpdf", "pdf", "cdf"],
    "gumbel_l": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"],
    "gumbel_r": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"],
    "laplace": ["logpdf", "pdf", "cdf"],
    "logistic": ["logpdf", "pdf", "cdf", "sf", "ppf", "isf"],
    "pareto": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"],
    "t": ["logpdf", "pdf"],
    "truncnorm": ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"],
    "uniform": ["logpdf", "pdf", "cdf", "ppf"],
    "vonmises": ["logpdf", "pdf"],
    "wrapcauchy": ["logpdf", "pdf"],
}

CASES = [(name, fn) for name in SPECS for fn in FUNCTIONS[name]]
IDS = [f"{name}.{fn}" for name, fn in CASES]
QUANTILE = ("ppf", "isf")


def vx(name, fn):
    return getattr(importlib.import_module(f"vmapx.scipy.stats.{name}"), fn)


def grid(name, fn, bad=True):
    """The first argument as a column against every parameter tuple as a row:
    arguments broadcasting to ``(points, tuples)``.  ``bad=False``: valid
    parameters and finite points only (where SciPy's conventions are JAX's)."""
    points, good, bad_params, _ = SPECS[name]
    first = np.array(Q if fn in QUANTILE else points + (EDGES if bad else []))[:, None]
    params = good + (bad_params if bad else [])
    return (first,) + tuple(np.array(column) for column in zip(*params, strict=True))


def check(got, want, rtol=1e-12, atol=0.0):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.fixture(scope="module")
def jax_stats():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.stats
    return jax


# XLA's CPU backend without its expensive optimizations: the references compile
# about a quarter faster (truncnorm's: 22 s instead of 28 s on the loaded test
# machine) and agree with vmapx to the same tolerances
FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}


@pytest.fixture(scope="module")
def jax_reference(jax_stats):
    """``reference(name)``: JAX's values of every function of a distribution on
    its grid (``("value", fn)`` keys) and derivatives at its derivative points
    (``("grad", fn)`` keys), all from one jitted program per distribution
    (compiling one program per function would cost minutes)."""
    jax = jax_stats
    cache = {}

    def everything(name):
        module = getattr(jax.scipy.stats, name)
        out = {}
        for fn in FUNCTIONS[name]:
            jf = getattr(module, fn)
            out["value", fn] = jf(*grid(name, fn))
            args = _derivative_points(name, fn)
            argnums = JAX_ARGNUMS.get((name, fn), tuple(range(len(args))))
            out["grad", fn] = jax.grad(lambda *a, jf=jf: jf(*a).sum(), argnums=argnums)(*args)
        return out

    def reference(name):
        if name not in cache:
            program = jax.jit(everything, static_argnums=0, compiler_options=FAST_COMPILE)
            cache[name] = program(name)
        return cache[name]
    return reference


# ------------------------------------------------------------------ values


def _scipy_reference(name, fn, args):
    """SciPy's value for vmapx's argument list (JAX's parameter order)."""
    dist = getattr(scipy.stats, name)
    first, params = args[0], args[1:]
    if name in ("gennorm", "vonmises", "wrapcauchy"):
        return getattr(dist, fn)(first, *params)
    shapes, (loc, scale) = params[:-2], params[-2:]
    return getattr(dist, fn)(first, *shapes, loc=loc, scale=scale)


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_values_match_scipy_for_valid_parameters(name, fn):
    args = grid(name, fn, bad=False)
    got = vx(name, fn)(*args)
    with np.errstate(all="ignore"):
        want = _scipy_reference(name, fn, args)
    if name == "vonmises":   # SciPy reduces x modulo 2 pi; JAX's density does not
        want = np.where(np.abs(args[0]) <= np.pi, want, np.asarray(got))
    if fn in QUANTILE and name in ("cauchy", "logistic"):
        # JAX's formulas: no NaN outside [0, 1]; tan(+-pi/2) is finite at 0 and 1
        inside = (args[0] > 0) & (args[0] < 1)
        want = np.where(inside, want, np.asarray(got))
    if (name, fn) == ("chi2", "logpdf"):   # JAX's (df/2 - 1) log(0) is NaN at x = loc, df = 2
        want = np.where((args[0] == 0) & (args[1] == 2), NAN, want)
    if (name, fn) == ("chi2", "pdf"):
        want = np.where((args[0] == 0) & (args[1] == 2), NAN, want)
    if fn == "ppf" and name.startswith("gumbel"):   # JAX's quantiles are NaN at 0 and 1
        want = np.where((args[0] > 0) & (args[0] < 1), want, NAN)
    # JAX's log(cdf) and 1 - P lose what lies below 1e-16 (in absolute terms) of 1
    check(got, np.asarray(want, np.float64), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_values_match_jax_everywhere(jax_reference, name, fn):
    """Out of the support and for bad parameters too: JAX's -inf, 0 and NaN."""
    want = jax_reference(name)["value", fn]
    check(vx(name, fn)(*grid(name, fn)), np.asarray(want), rtol=1e-11, atol=1e-300)


# ------------------------------------------------------------------ dtypes


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_float32_stays_float32_and_integers_promote_to_float64(name, fn):
    first, *params = grid(name, fn, bad=False)
    f = vx(name, fn)
    low = f(first.astype(np.float32), *[float(p[0]) for p in params])
    assert low.dtype == np.float32
    exact = np.asarray(f(first, *[p[0] for p in params]))
    # tan(+-pi/2) (Cauchy quantiles at 0 and 1) is only "large" in either precision
    exact = np.where(np.abs(exact) > 1e10, np.asarray(low, np.float64), exact)
    np.testing.assert_allclose(np.asarray(low), exact, rtol=2e-4, atol=1e-6, equal_nan=True)
    assert f(np.array([1, 2]), *[p[0] for p in params]).dtype == np.float64
    assert f(np.float32(0.5), *[p[0].astype(np.float32) for p in params]).dtype == np.float32


def test_results_are_vmapx_arrays_with_jax_names():
    from vmapx.scipy.stats import gamma
    out = gamma.cdf(np.array([1.0]), 2.0)
    assert isinstance(out, vmapx.Array)
    assert gamma.cdf.__name__ == "cdf" and gamma.cdf.__module__ == "vmapx.scipy.stats.gamma"
    assert list(inspect.signature(gamma.cdf).parameters) == ["x", "a", "loc", "scale"]


# --------------------------------------------------------------- transforms


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_vmap_over_every_argument_equals_the_loop(name, fn):
    first, *params = grid(name, fn)
    f = vx(name, fn)
    rows = [np.ravel(p) for p in params]   # one batch of parameter tuples, bad ones too
    points = np.ravel(first)
    got = vmapx.vmap(f, in_axes=(None,) + (0,) * len(rows))(points, *rows)
    want = np.stack([np.asarray(f(points, *[r[i] for r in rows]))
                     for i in range(len(rows[0]))])
    check(got, want, rtol=1e-15)
    got = vmapx.vmap(f, in_axes=(0,) + (None,) * len(rows))(points, *[r[0] for r in rows])
    want = np.stack([np.asarray(f(p, *[r[0] for r in rows])) for p in points])
    check(got, want, rtol=1e-15)


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_jit_equals_eager(name, fn):
    args = grid(name, fn)
    f = vx(name, fn)
    with np.errstate(all="ignore"):   # the staged program runs outside f's own errstate
        staged = vmapx.jit(f)(*args)
    check(staged, f(*args), rtol=1e-13, atol=1e-300)


def _derivative_points(name, fn):
    points, params = SPECS[name][3]
    first = np.array([0.1, 0.4, 0.8] if fn in QUANTILE else points)
    return (first,) + tuple(np.float64(p) for p in params)


def _summed(f):
    return lambda *args: vmapx.numpy.sum(f(*args))


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_derivatives_match_finite_differences(name, fn):
    args = _derivative_points(name, fn)
    f = vx(name, fn)
    grads = vmapx.grad(_summed(f), argnums=tuple(range(len(args))))(*args)
    for i, g in enumerate(grads):
        h = 1e-6
        up = list(args)
        down = list(args)
        if i == 0:   # elementwise in the first argument: one step per point
            up[0], down[0] = args[0] + h, args[0] - h
            want = (np.asarray(f(*up)) - np.asarray(f(*down))) / (2 * h)
        else:
            up[i], down[i] = args[i] + h, args[i] - h
            want = (np.sum(np.asarray(f(*up))) - np.sum(np.asarray(f(*down)))) / (2 * h)
        assert np.shape(g) == np.shape(args[i])
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-5, atol=1e-7,
                                   err_msg=f"argument {i}")


# the arguments JAX differentiates, where not all: its betainc has no derivative
# in a and b (it raises), and its Gumbel xlogy(-1, .) fails under grad (a
# float0 error) in the scale of logpdf and in p of ppf
JAX_ARGNUMS = {("beta", fn): (0, 3, 4) for fn in ("cdf", "logcdf", "sf", "logsf")}
JAX_ARGNUMS.update({(g, fn): (0, 1) for g in ("gumbel_l", "gumbel_r") for fn in ("logpdf", "pdf")})
JAX_ARGNUMS.update({(g, "ppf"): (1, 2) for g in ("gumbel_l", "gumbel_r")})


@pytest.mark.parametrize("name, fn", CASES, ids=IDS)
def test_derivatives_match_jax(jax_reference, name, fn):
    """Every argument JAX differentiates (``JAX_ARGNUMS``; vmapx's derivatives
    in the others are checked against finite differences above)."""
    args = _derivative_points(name, fn)
    argnums = JAX_ARGNUMS.get((name, fn), tuple(range(len(args))))
    want = jax_reference(name)["grad", fn]
    got = vmapx.grad(_summed(vx(name, fn)), argnums=argnums)(*args)
    for g, w in zip(got, want, strict=True):
        check(g, np.asarray(w), rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("name, params", [
    ("t", (0.3, 3.0, 0.1, 1.5)), ("gamma", (1.7, 2.5, 0.2, 1.3)),
    ("truncnorm", (0.4, -1.0, 1.2, 0.1, 0.9)), ("vonmises", (0.5, 2.0)),
    ("beta", (0.3, 2.5, 1.5, -0.1, 1.3))])
def test_hessians_of_logpdf_in_every_argument_match_jax(jax_stats, name, params):
    jax = jax_stats
    jf = getattr(jax.scipy.stats, name).logpdf
    f = vx(name, "logpdf")
    point = np.array(params)
    want = jax.jit(jax.hessian(lambda p: jf(*p)), compiler_options=FAST_COMPILE)(point)
    check(vmapx.hessian(lambda p: f(*p))(point), np.asarray(want), rtol=1e-9, atol=1e-12)


def test_second_derivative_of_logpdf_in_the_location():
    from vmapx.scipy.stats import logistic
    d2 = vmapx.grad(vmapx.grad(lambda m: logistic.logpdf(0.3, m, 1.0)))(0.0)
    z = 0.3
    # d2/dm2 of -z - 2 log(1 + exp(-z)) at z = x - m: -2 exp(-z) / (1 + exp(-z))**2
    np.testing.assert_allclose(d2, -2 * np.exp(-z) / (1 + np.exp(-z)) ** 2, rtol=1e-12)


# ------------------------------------------------------------- conventions


def test_outside_the_support_log_densities_are_minus_infinity_and_densities_zero():
    from vmapx.scipy.stats import beta, expon, gamma, pareto, uniform, wrapcauchy
    assert np.asarray(expon.logpdf(-1.0)) == -INF
    assert np.asarray(gamma.pdf(-1.0, 2.0)) == 0.0
    assert np.asarray(beta.logpdf(1.5, 2.0, 2.0)) == -INF
    assert np.asarray(pareto.logpdf(0.5, 2.0)) == -INF
    assert np.asarray(uniform.pdf(1.5)) == 0.0
    assert np.asarray(wrapcauchy.logpdf(7.0, 0.5)) == -INF


def test_bad_parameters_give_nan_where_jax_checks_them():
    from vmapx.scipy.stats import beta, gumbel_l, gumbel_r, truncnorm, vonmises, wrapcauchy
    assert np.isnan(beta.logpdf(0.5, -1.0, 2.0))
    assert np.isnan(gumbel_l.cdf(0.5, 0.0, -1.0))
    assert np.isnan(gumbel_r.logpdf(0.5, 0.0, 0.0))
    assert np.isnan(truncnorm.cdf(0.5, 2.0, 1.0))
    assert np.isnan(vonmises.pdf(0.5, 0.0))
    assert np.isnan(wrapcauchy.pdf(0.5, 1.0))


def test_lists_are_rejected_with_jaxs_message():
    from vmapx.scipy.stats import cauchy
    with pytest.raises(TypeError, match=r"cauchy.cdf requires ndarray or scalar arguments, "
                                        r"got <class 'list'> at position 0."):
        cauchy.cdf([0.0, 1.0])


def test_infinite_and_nan_arguments_follow_jax():
    """JAX's formulas at the edges: a NaN point is 0 in ``uniform.cdf`` (its
    select has no NaN case) and NaN elsewhere; infinite points reach the limits."""
    from vmapx.scipy.stats import expon, logistic, uniform
    assert np.asarray(uniform.cdf(NAN)) == 0.0
    assert np.isnan(expon.cdf(NAN))
    assert np.asarray(expon.cdf(INF)) == 1.0 and np.asarray(expon.logpdf(-INF)) == -INF
    assert np.asarray(logistic.cdf(-INF)) == 0.0 and np.asarray(logistic.sf(-INF)) == 1.0


def test_quantiles_outside_the_unit_interval_are_nan():
    from vmapx.scipy.stats import expon, gumbel_l, gumbel_r, pareto, uniform
    for ppf, params in [(expon.ppf, ()), (pareto.ppf, (2.0,)), (uniform.ppf, ()),
                        (gumbel_l.ppf, ()), (gumbel_r.ppf, ())]:
        assert np.isnan(np.asarray(ppf(np.array([-0.1, 1.1]), *params))).all()


def test_no_floating_point_warnings_from_masked_branches():
    from vmapx.scipy.stats import beta, chi2, pareto, truncnorm
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        beta.logpdf(np.array([-1.0, 2.0]), 2.0, 3.0)
        chi2.logpdf(np.array([-1.0]), 3.0)
        pareto.cdf(np.array([0.0]), 2.0)
        truncnorm.logcdf(np.array([-5.0, 5.0]), -1.0, 1.0)


def test_truncnorm_far_tails_keep_their_digits():
    """Mass between bounds 10 and 11 standard deviations out is about 7.6e-24:
    computed from log_ndtr differences, not 1 - 1."""
    from vmapx.scipy.stats import truncnorm
    x = np.array([10.2, 10.5, 10.9])
    for a, b, points in [(10.0, 11.0, x), (-11.0, -10.0, -x)]:
        for fn in ("logpdf", "logcdf", "logsf"):
            got = getattr(truncnorm, fn)(points, a, b)
            want = getattr(scipy.stats.truncnorm, fn)(points, a, b)
            check(got, want, rtol=1e-9)


def test_log_distribution_functions_are_accurate_in_the_tails():
    from vmapx.scipy.stats import expon, gumbel_l, gumbel_r, logistic
    check(gumbel_r.logsf(np.array([40.0])), scipy.stats.gumbel_r.logsf(np.array([40.0])))
    check(gumbel_l.logcdf(np.array([-40.0])), scipy.stats.gumbel_l.logcdf(np.array([-40.0])))
    check(logistic.logpdf(np.array([800.0])), np.array([-800.0]))
    check(expon.logsf(np.array([1000.0])), np.array([-1000.0]))


def test_gradients_flow_through_bounds_and_shapes_under_vmap():
    """Per-example parameter gradients: vmap of grad equals the loop of grads."""
    from vmapx.scipy.stats import gamma, truncnorm
    a = np.array([0.7, 2.5, 6.0])
    g = vmapx.vmap(vmapx.grad(lambda a: gamma.logcdf(1.5, a)))(a)
    want = np.stack([np.asarray(vmapx.grad(lambda s: gamma.logcdf(1.5, s))(ai)) for ai in a])
    check(g, want, rtol=1e-15)
    bounds = np.array([-1.0, 0.5, 2.0])
    g = vmapx.vmap(vmapx.grad(lambda lo: truncnorm.logpdf(2.5, lo, 3.0)))(bounds)
    want = np.stack([np.asarray(vmapx.grad(lambda lo: truncnorm.logpdf(2.5, lo, 3.0))(b))
                     for b in bounds])
    check(g, want, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_function_sets_and_signatures_match_jax(jax_stats, name):
    jmod = getattr(jax_stats.scipy.stats, name)
    mod = importlib.import_module(f"vmapx.scipy.stats.{name}")
    public = sorted(n for n in dir(jmod) if not n.startswith("_"))
    assert sorted(mod.__all__) == public == sorted(FUNCTIONS[name])
    for fn in public:
        want = inspect.signature(getattr(jmod, fn)).parameters
        got = inspect.signature(getattr(mod, fn)).parameters
        assert [(p.name, p.default) for p in got.values()] == \
            [(p.name, p.default) for p in want.values()], fn
