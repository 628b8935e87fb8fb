"""``vmapx.random``'s derived samplers (``t``, ``chisquare``, ``f``,
``generalized_normal``, ``ball``) and ``key_dtype``: JAX's values for a key to
float rounding (JAX 0.10.2 with x64 as the oracle, where installed), SciPy's
distributions, the loop as the oracle under ``vmap``, ``jit`` equal to eager,
derivatives against finite differences, and errors.
"""
import contextlib

import numpy as np
import pytest
import scipy.special
import scipy.stats

import vmapx
from vmapx import random

SEEDS = (0, 42)
DF = np.array([0.6, 1.0, 3.5, 40.0])

# name -> (vmapx call, JAX call) on one key; float32 ones use float32 parameters.
CASES = {
    "t-scalar": lambda r, k, dt: r.t(k, 0.7, (200,), dt),
    "t-array-df": lambda r, k, dt: r.t(k, DF.astype(dt or np.float64), (50, 4), dt),
    "chisquare-array-default-shape": lambda r, k, dt: r.chisquare(k, DF.astype(dt or np.float64),
                                                                  None, dt),
    "f-scalars": lambda r, k, dt: r.f(k, 5.0, 2.5, (200,), dt),
    "f-arrays-default-shape": lambda r, k, dt: r.f(k, DF.astype(dt or np.float64),
                                                   DF[::-1].astype(dt or np.float64), None, dt),
    "generalized-normal-1.5": lambda r, k, dt: r.generalized_normal(k, 1.5, (200,), dt),
    "generalized-normal-int-p": lambda r, k, dt: r.generalized_normal(k, 2, (3, 40), dt),
    "generalized-normal-small-p": lambda r, k, dt: r.generalized_normal(k, 0.4, (2, 30), dt),
    "ball-default-p": lambda r, k, dt: r.ball(k, 3, shape=(60,), dtype=dt),
    "ball-p1-scalar-shape": lambda r, k, dt: r.ball(k, 5, 1.0, (), dt),
}


@contextlib.contextmanager
def _jax_x64():
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        yield jax


_JAX_VALUES = {}


def _jax_values(dtype, seed):
    """JAX's samples of every case for one key, from one compiled program per
    dtype (compiling JAX's gamma loops dominates the cost)."""
    if (dtype, seed) not in _JAX_VALUES:
        with _jax_x64() as jax:
            if dtype not in _JAX_VALUES:
                names = sorted(CASES) if dtype is None else FLOAT32_CASES
                _JAX_VALUES[dtype] = jax.jit(
                    lambda k: {case: CASES[case](jax.random, k, dtype) for case in names})
            out = _JAX_VALUES[dtype](jax.random.PRNGKey(seed))
            _JAX_VALUES[dtype, seed] = {case: np.asarray(v) for case, v in out.items()}
    return _JAX_VALUES[dtype, seed]


# float32 on a subset: compiling JAX's gamma loops is most of this file's time.
FLOAT32_CASES = ("t-array-df", "chisquare-array-default-shape", "f-scalars",
                 "generalized-normal-1.5", "ball-default-p")


@pytest.mark.parametrize("case, dtype, rtol",
                         [(c, None, 1e-12) for c in sorted(CASES)]
                         + [(c, np.float32, 2e-5) for c in FLOAT32_CASES],
                         ids=[f"{c}-float64" for c in sorted(CASES)]
                         + [f"{c}-float32" for c in FLOAT32_CASES])
def test_values_match_jax_to_float_rounding(case, dtype, rtol):
    """Same splits and draws as JAX: equal up to the last-bit differences the
    normal and gamma kernels already carry (XLA's own erf_inv / log rounding)."""
    for seed in SEEDS:
        want = _jax_values(dtype, seed)[case]
        got = CASES[case](random, random.PRNGKey(seed), dtype)
        assert got.shape == want.shape
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0)


def test_default_dtypes_and_shapes_are_jaxs():
    key = random.PRNGKey(0)
    assert random.t(key, 2.0).shape == () and random.t(key, 2.0).dtype == np.float64
    assert random.t(key, np.ones((2, 3))).shape == (2, 3)
    assert random.chisquare(key, 3).dtype == np.float64   # an int df is cast
    assert random.f(key, np.ones(3), np.ones((2, 1))).shape == (2, 3)
    assert random.generalized_normal(key, 1.0).shape == ()
    assert random.ball(key, 4).shape == (4,)
    assert random.ball(key, 4, shape=(2, 3)).shape == (2, 3, 4)
    assert random.ball(key, 0, shape=(2,)).shape == (2, 0)
    for sample in (random.t(key, 3.0, (2,), np.float32),
                   random.chisquare(key, 3.0, (2,), np.float32),
                   random.f(key, 3.0, 4.0, (2,), np.float32),
                   random.generalized_normal(key, 1.5, (2,), np.float32),
                   random.ball(key, 3, 2, (2,), np.float32)):
        assert sample.dtype == np.float32
    assert random.chisquare(key, 2.0, (0, 3)).shape == (0, 3)


@pytest.mark.parametrize("name, sample, dist", [
    ("t", lambda k: random.t(k, 4.5, (4000,)), scipy.stats.t(4.5)),
    ("t-small-df", lambda k: random.t(k, 0.8, (4000,)), scipy.stats.t(0.8)),
    ("chisquare", lambda k: random.chisquare(k, 3.0, (4000,)), scipy.stats.chi2(3.0)),
    ("chisquare-small-df", lambda k: random.chisquare(k, 0.3, (4000,)), scipy.stats.chi2(0.3)),
    ("f", lambda k: random.f(k, 4.0, 7.0, (4000,)), scipy.stats.f(4.0, 7.0)),
    ("generalized-normal", lambda k: random.generalized_normal(k, 1.5, (4000,)),
     scipy.stats.gennorm(1.5)),
    ("generalized-normal-p1", lambda k: random.generalized_normal(k, 1.0, (4000,)),
     scipy.stats.laplace()),
])
def test_samples_follow_scipys_distribution(name, sample, dist):
    x = sample(random.PRNGKey(7))
    assert scipy.stats.kstest(x, dist.cdf).pvalue > 1e-3


@pytest.mark.parametrize("p", [1.0, 2, 3.5])
def test_ball_is_uniform_in_the_unit_p_ball(p):
    d = 3
    x = random.ball(random.PRNGKey(3), d, p, (4000,))
    radius = np.sum(np.abs(x) ** p, axis=-1) ** (1 / p)
    assert np.all(radius < 1)
    # Uniform in a ball: P(radius <= s) = s ** d for the p-norm radius.
    assert scipy.stats.kstest(radius, lambda s: np.clip(s, 0, 1) ** d).pvalue > 1e-3
    # ... and symmetric under coordinate sign flips.
    assert abs(np.mean(np.sign(x))) < 0.05


SAMPLERS_OF_A_PARAMETER = {
    "t": lambda k, a: random.t(k, a, (3,)),
    "chisquare": lambda k, a: random.chisquare(k, a, (3,)),
    "f": lambda k, a: random.f(k, a, 2.0 * a, (3,)),
    "generalized_normal": lambda k, a: random.generalized_normal(k, a, (3,)),
    "ball": lambda k, a: random.ball(k, 2, a, (3,)),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS_OF_A_PARAMETER))
def test_vmap_over_keys_and_parameters_equals_the_loop(name):
    sample = SAMPLERS_OF_A_PARAMETER[name]
    keys = random.split(random.PRNGKey(5), 4)
    params = np.array([0.7, 1.5, 2.0, 6.0])
    got = vmapx.vmap(lambda k: sample(k, 2.5))(keys)
    want = np.stack([sample(k, 2.5) for k in keys])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    got = vmapx.vmap(sample)(keys, params)
    want = np.stack([sample(k, a) for k, a in zip(keys, params, strict=True)])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", sorted(SAMPLERS_OF_A_PARAMETER))
def test_jit_equals_eager(name):
    sample = SAMPLERS_OF_A_PARAMETER[name]
    key = random.PRNGKey(9)
    got = vmapx.jit(sample)(key, 1.7)
    want = sample(key, 1.7)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


def _gamma_da(g, a):
    """d g / d a for a Gamma(a) draw ``g`` reparameterized through its CDF (a
    fixed quantile): ``-dF/da / pdf``, with dF/da by central differences of
    SciPy's regularized incomplete gamma function -- an oracle independent of
    vmapx's gamma derivative."""
    e = 1e-6 * a
    dfda = (scipy.special.gammainc(a + e, g) - scipy.special.gammainc(a - e, g)) / (2 * e)
    return -dfda / scipy.stats.gamma.pdf(g, a)


def _draws_and_formula(name, key, a):
    """The gamma draws a sampler makes from ``key`` (through the public
    samplers, on the same split keys), their derivatives in ``a`` from
    :func:`_gamma_da`, and the sampler's value as a function of ``a`` and those
    draws."""
    k1, k2 = random.split(key)
    if name == "t":                      # normal(k1) * sqrt((a/2) / Gamma(a/2)(k2))
        n, g = random.normal(k1, (3,)), random.gamma(k2, a / 2, (3,))
        return [g], [0.5 * _gamma_da(g, a / 2)], lambda a, g: n * np.sqrt(a / 2 / g)
    if name == "chisquare":              # 2 * Gamma(a/2)(key)
        g = random.gamma(key, a / 2, (3,))
        return [g], [0.5 * _gamma_da(g, a / 2)], lambda a, g: 2 * g
    if name == "f":                      # (chi2(a)(k2) / a) / (chi2(2a)(k1) / 2a)
        g_num, g_den = random.gamma(k2, a / 2, (3,)), random.gamma(k1, a, (3,))
        return ([g_num, g_den], [0.5 * _gamma_da(g_num, a / 2), _gamma_da(g_den, a)],
                lambda a, gn, gd: (2 * gn / a) / (2 * gd / (2 * a)))
    if name == "generalized_normal":     # sign(k2) * Gamma(1/a)(k1) ** (1/a)
        g, r = random.gamma(k1, 1 / a, (3,)), random.rademacher(k2, (3,), np.float64)
        return [g], [-_gamma_da(g, 1 / a) / a**2], lambda a, g: r * g ** (1 / a)
    assert name == "ball"                # generalized normal points over an exponential
    kg, kr = random.split(k1)
    g, r = random.gamma(kg, 1 / a, (3, 2)), random.rademacher(kr, (3, 2), np.float64)
    e = random.exponential(k2, (3,))

    def point(a, g):
        x = r * g ** (1 / a)
        return x / ((np.sum(np.abs(x) ** a, axis=-1) + e) ** (1 / a))[:, None]
    return [g], [-_gamma_da(g, 1 / a) / a**2], point


@pytest.mark.parametrize("name", sorted(SAMPLERS_OF_A_PARAMETER))
def test_parameter_derivatives_match_finite_differences(name):
    """d sample / d parameter at a fixed key, the gamma draws reparameterized
    through their CDF as JAX: the total derivative of the sampler's formula
    by central differences along (1, d draws / d a), the draws' derivatives
    from SciPy's CDF."""
    sample = SAMPLERS_OF_A_PARAMETER[name]
    key, a, eps = random.PRNGKey(11), 2.3, 1e-6
    draws, tangents, formula = _draws_and_formula(name, key, a)
    np.testing.assert_allclose(formula(a, *draws), sample(key, a), rtol=1e-13)
    plus = formula(a + eps, *[g + eps * dg for g, dg in zip(draws, tangents, strict=True)])
    minus = formula(a - eps, *[g - eps * dg for g, dg in zip(draws, tangents, strict=True)])
    fd = (plus - minus) / (2 * eps)
    jac = vmapx.jacfwd(lambda a: sample(key, a))(a)
    assert jac.shape == fd.shape and jac.dtype == np.float64
    np.testing.assert_allclose(jac, fd, rtol=1e-5, atol=1e-8)
    rev = vmapx.jacrev(lambda a: sample(key, a))(a)
    np.testing.assert_allclose(rev, jac, rtol=1e-12, atol=1e-14)


def test_parameter_derivatives_match_jax():
    samplers = {
        "t": lambda r, k, a: r.t(k, a, (4,)).sum(),
        "chisquare": lambda r, k, a: r.chisquare(k, a, (4,)).sum(),
        "generalized_normal": lambda r, k, a: r.generalized_normal(k, a, (4,)).sum(),
    }
    with _jax_x64() as jax:
        jax_grads = jax.jit(lambda a: {name: jax.grad(lambda a: f(jax.random, jax.random.PRNGKey(1),
                                                                  a))(a)
                                       for name, f in samplers.items()})
        for a in (0.8, 3.0):
            want = jax_grads(a)
            for name, f in samplers.items():
                got = vmapx.grad(lambda a: f(random, random.PRNGKey(1), a))(a)
                np.testing.assert_allclose(got, want[name], rtol=1e-10, err_msg=name)


# -------------------------------------------------------------------- key_dtype

def test_key_dtype_names_threefry_and_is_accepted_by_key():
    kd = random.key_dtype()
    assert str(kd) == repr(kd) == kd.name == "key<fry>"
    assert kd == random.key_dtype("threefry2x32") == random.key_dtype(kd)
    assert hash(kd) == hash(random.key_dtype("threefry2x32"))
    assert kd.itemsize == 8
    np.testing.assert_array_equal(random.key_data(random.key(5, dtype=kd)),
                                  random.key_data(random.key(5)))
    np.testing.assert_array_equal(
        random.key_data(random.wrap_key_data(np.array([0, 5], np.uint32), impl=kd)),
        random.key_data(random.key(5)))
    assert random.key(5).dtype == kd


def test_key_dtype_agrees_with_jax():
    with _jax_x64() as jax:
        assert str(random.key_dtype()) == str(jax.random.key_dtype())
        assert random.key_dtype().itemsize == jax.random.key_dtype().itemsize


# ------------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, exc, match", [
    (lambda k: random.t(k, 3.0, (2,), np.int32), ValueError,
     "dtype argument to `t` must be a float dtype, got int32"),
    (lambda k: random.chisquare(k, np.ones((2, 3)), (3,)), ValueError,
     "chisquare parameter shapes must be broadcast-compatible with shape argument"),
    (lambda k: random.f(k, np.ones(3), np.ones(2)), ValueError, "shape mismatch"),
    (lambda k: random.generalized_normal(k, 1.0, (-1,)), ValueError,
     "negative dimensions are not allowed"),
    (lambda k: random.ball(k, 2.5), TypeError, "must be a concrete integer"),
    (lambda k: random.ball(random.split(k), 2), ValueError, "ball accepts a single key"),
    (lambda k: random.key_dtype("rbg"), ValueError, 'unrecognized PRNG implementation "rbg"'),
    (lambda k: random.key_dtype(3), TypeError,
     "unrecognized type <class 'int'> for specifying PRNG implementation."),
], ids=lambda v: v.__name__ if isinstance(v, type) else "")
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call(random.PRNGKey(0))
