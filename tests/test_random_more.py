"""``vmapx.random``'s counting samplers (``poisson``, ``binomial``,
``multinomial``): JAX's values bit for bit (JAX 0.10.2 with x64 as the
oracle, where installed), the loop as the oracle under ``vmap``, ``jit``,
dtypes, and JAX's errors for bad shapes and parameters.
"""
import contextlib

import numpy as np
import pytest

import vmapx
from vmapx import random

SEEDS = (0, 1, 42)
RNG = np.random.default_rng(1234)

POISSON_CASES = {
    "small-lam": (3.0, (300,), None),
    "large-lam": (37.5, (300,), None),
    "lam-array-broadcast": (RNG.uniform(0.0, 40.0, (12,)), (5, 12), None),
    "lam-shape-default": (RNG.uniform(0.0, 25.0, (4, 6)), None, None),
    "edges": (np.array([np.nan, -1.0, 0.0, 1e9, 9.99, 10.0, np.inf]), None, None),
    "int8": (5.0, (40,), np.int8),
    "uint8-float32-lam": (np.float32(60.0), (40,), np.uint8),
    "int32-int-lam": (7, (40,), np.int32),
    "empty": (3.0, (0, 4), None),
}

BINOMIAL_CASES = {
    "inversion": (10, 0.3, (300,), None),
    "btrs-reflected": (200, 0.7, (300,), None),
    "arrays-broadcast": (RNG.integers(0, 120, (9,)).astype(float), RNG.uniform(0, 1, (4, 1)),
                         None, None),
    "edges": (np.array([np.nan, -1.0, 5, 5, 5, np.inf, 5, 1e6, 0, 7.5, 30, 30]),
              np.array([0.3, 0.3, np.nan, -0.1, 1.2, 0.3, 1.0, 0.999, 0.3, 0.5, 0.0, 0.5]),
              None, None),
    "float32-p": (50, np.array([0.1, 0.6], np.float32), (100, 2), np.float32),
    "int-p": (5, np.array([0, 1], np.int32), None, None),
    "float16": (40, 0.3, (50,), np.float16),
}

MULTINOMIAL_CASES = {
    "three": (10, np.array([0.2, 0.3, 0.5]), {}),
    "batch-of-p": (1000, RNG.dirichlet(np.ones(6), (8,)), {}),
    "n-array-shape": (RNG.integers(0, 500, (6,)).astype(float), RNG.dirichlet(np.ones(4)),
                      {"shape": (6, 4)}),
    "float32-int32-out": (np.int32(30), RNG.uniform(0, 1, (5,)).astype(np.float32),
                          {"dtype": np.int32}),
    "zero-probabilities": (30, np.array([0.0, 0.0, 1.0]), {}),
    "unnormalised-broadcast": (np.array([5.0, 50.0, 500.0]), np.array([[2.0, 3.0, 5.0]]),
                               {"shape": (3, 3)}),
    "sixteen-categories": (1000, RNG.dirichlet(np.ones(16)), {}),
    "no-categories": (5, np.zeros((2, 0)), {}),
}


@contextlib.contextmanager
def _jax_x64():
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        yield jax


def _assert_same(got, want):
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)   # NaN equals NaN here


_JAX_SAMPLERS = {}


def _jax_sampler(name, case, make):
    """JAX's sampler for one case, compiled once as a function of the key (so
    the seeds of a case share one compilation)."""
    if (name, case) not in _JAX_SAMPLERS:
        with _jax_x64() as jax:
            _JAX_SAMPLERS[name, case] = jax.jit(make(jax))
    return _JAX_SAMPLERS[name, case]


def _jax_values(name, case, make, seed):
    with _jax_x64() as jax:
        return _jax_sampler(name, case, make)(jax.random.PRNGKey(seed))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", sorted(POISSON_CASES))
def test_poisson_matches_jax_bit_for_bit(case, seed):
    lam, shape, dtype = POISSON_CASES[case]
    got = random.poisson(random.PRNGKey(seed), lam, shape, dtype)
    want = _jax_values("poisson", case, lambda jax: lambda k: jax.random.poisson(
        k, lam, shape, dtype), seed)
    _assert_same(got, want)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", sorted(BINOMIAL_CASES))
def test_binomial_matches_jax_bit_for_bit(case, seed):
    n, p, shape, dtype = BINOMIAL_CASES[case]
    got = random.binomial(random.PRNGKey(seed), n, p, shape, dtype)
    want = _jax_values("binomial", case, lambda jax: lambda k: jax.random.binomial(
        k, n, p, shape, dtype), seed)
    _assert_same(got, want)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", sorted(MULTINOMIAL_CASES))
def test_multinomial_matches_jax_bit_for_bit(case, seed):
    n, p, kwargs = MULTINOMIAL_CASES[case]
    got = random.multinomial(random.PRNGKey(seed), n, p, **kwargs)
    want = _jax_values("multinomial", case, lambda jax: lambda k: jax.random.multinomial(
        k, n, p, **kwargs), seed)
    _assert_same(got, want)


# ------------------------------------------------------------ without the oracle

def test_default_dtypes_are_jax_x64s():
    key = random.PRNGKey(0)
    assert random.poisson(key, 3.0, (2,)).dtype == np.int64
    assert random.binomial(key, 10, 0.5, (2,)).dtype == np.float64
    assert random.multinomial(key, 10, np.array([0.5, 0.5])).dtype == np.float64
    # float32 parameters compute in float32 but still return the default float64
    assert random.binomial(key, 10, np.float32(0.5), (2,)).dtype == np.float64


def test_samples_have_the_distributions_moments():
    key = random.PRNGKey(3)
    for lam in (2.5, 40.0):          # Knuth's method and the rejection method
        x = random.poisson(key, lam, (20000,))
        assert abs(x.mean() - lam) < 4 * np.sqrt(lam / 20000)
        assert abs(x.var() - lam) < 0.1 * lam
    for n, p in ((12, 0.25), (500, 0.6)):   # inversion; BTRS on the reflected p
        x = random.binomial(key, n, p, (20000,))
        assert x.min() >= 0 and x.max() <= n and np.all(x == np.floor(x))
        assert abs(x.mean() - n * p) < 4 * np.sqrt(n * p * (1 - p) / 20000)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    x = random.multinomial(key, 50, p, shape=(5000, 4))
    np.testing.assert_array_equal(x.sum(-1), np.full(5000, 50.0))
    np.testing.assert_allclose(x.mean(0), 50 * p, atol=0.2)


def test_poisson_and_binomial_edge_values():
    key = random.PRNGKey(0)
    np.testing.assert_array_equal(random.poisson(key, np.array([0.0, np.nan, -2.0])),
                                  [0, -1, -1])
    out = random.binomial(key, np.array([np.nan, 5.0, 5.0, np.inf, 0.0]),
                          np.array([0.5, np.nan, -0.5, 0.5, 0.5]))
    np.testing.assert_array_equal(out, [np.nan, np.nan, np.nan, np.inf, 0.0])
    # p = 1 reflects to q = 0: every trial succeeds
    np.testing.assert_array_equal(random.binomial(key, 7.0, 1.0, (3,)), [7.0, 7.0, 7.0])


@pytest.mark.parametrize("name", ["poisson", "binomial", "multinomial"])
def test_vmap_over_keys_equals_the_loop(name):
    keys = random.split(random.PRNGKey(5), 4)
    f = {
        "poisson": lambda k: random.poisson(k, np.array([1.5, 4.0, 15.0, 80.0]), (3, 4)),
        "binomial": lambda k: random.binomial(k, np.array([3.0, 30.0, 300.0]), 0.4, (2, 3)),
        "multinomial": lambda k: random.multinomial(k, 40.0, np.array([0.1, 0.5, 0.4]),
                                                    shape=(2, 3)),
    }[name]
    got = vmapx.vmap(f)(keys)
    want = np.stack([f(k) for k in keys])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_vmap_over_parameters_equals_the_loop():
    key = random.PRNGKey(2)
    lams = np.array([0.5, 6.0, 12.0, 90.0])
    got = vmapx.vmap(lambda lam: random.poisson(key, lam, (5,)))(lams)
    want = np.stack([random.poisson(key, lam, (5,)) for lam in lams])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    ps = np.array([0.05, 0.5, 0.95])
    got = vmapx.vmap(lambda p: random.binomial(key, 60.0, p, (4,)))(ps)
    want = np.stack([random.binomial(key, 60.0, p, (4,)) for p in ps])
    np.testing.assert_array_equal(got, want)
    probs = RNG.dirichlet(np.ones(3), 4)
    got = vmapx.vmap(lambda p: random.multinomial(key, 25.0, p))(probs)
    want = np.stack([random.multinomial(key, 25.0, p) for p in probs])
    np.testing.assert_array_equal(got, want)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_jit_equals_eager():
    # A jitted program runs its NumPy kernels outside the samplers' errstate,
    # so log(0) of a uniform draw may warn there (JAX never warns).
    key = random.PRNGKey(9)
    lam = np.array([2.0, 11.0, 50.0])
    f = vmapx.jit(lambda k, lam: random.poisson(k, lam, (4, 3)))
    np.testing.assert_array_equal(f(key, lam), random.poisson(key, lam, (4, 3)))
    g = vmapx.jit(lambda k, n, p: random.binomial(k, n, p))
    n, p = np.array([4.0, 40.0, 400.0]), np.array([0.2, 0.5, 0.9])
    np.testing.assert_array_equal(g(key, n, p), random.binomial(key, n, p))
    h = vmapx.jit(lambda k, p: random.multinomial(k, 30.0, p))
    p = np.array([0.25, 0.25, 0.5])
    np.testing.assert_array_equal(h(key, p), random.multinomial(key, 30.0, p))


# ------------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, exc, match", [
    (lambda k: random.poisson(k, 3.0, (2,), np.float32), ValueError,
     "Invalid integer data type 'f'."),
    (lambda k: random.poisson(k, np.ones(3), (2,)), ValueError,
     r"Incompatible types for broadcasting: input type=float64\[3\] and requested "
     r"type=float64\[2\]"),
    (lambda k: random.poisson(k, np.ones((2, 3)), (3,)), ValueError,
     r"Cannot broadcast to shape with fewer dimensions: arr_shape=\(2, 3\) shape=\(3,\)"),
    (lambda k: random.poisson(k, [1.0, 2.0]), TypeError,
     "broadcast_to requires ndarray or scalar arguments, got <class 'list'> at position 0."),
    (lambda k: random.binomial(k, 5, 0.3, (2,), np.int32), ValueError,
     "dtype argument to `binomial` must be a float dtype, got int32"),
    (lambda k: random.binomial(k, [5, 3], 0.3), TypeError,
     "binomial requires ndarray or scalar arguments, got <class 'list'> at position 0."),
    (lambda k: random.binomial(k, np.ones(3), 0.3, (2,)), ValueError,
     r"Incompatible shapes for broadcasting: shapes=\[\(2,\), \(3,\), \(\)\]"),
    (lambda k: random.binomial(k, np.ones((2, 3)), 0.3, (3,)), ValueError,
     "binomial parameter shapes must be broadcast-compatible with shape argument"),
    (lambda k: random.multinomial(k, 10, [0.2, 0.8]), TypeError,
     "multinomial requires ndarray or scalar arguments, got <class 'list'> at position 1."),
    (lambda k: random.multinomial(k, 10, np.array([0.2, 0.3, 0.5]), shape=(4,)), ValueError,
     r"Incompatible types for broadcasting: input type=float64\[3\] and requested "
     r"type=float64\[4\]"),
    (lambda k: random.multinomial(k, 10, 0.5), ValueError,
     "axis -1 is out of bounds for array of dimension 0"),
    (lambda k: random.poisson(random.split(k), 3.0), ValueError,
     "poisson accepts a single key"),
], ids=lambda v: v.__name__ if isinstance(v, type) else "")
def test_errors_are_jaxs(call, exc, match):
    with pytest.raises(exc, match=match):
        call(random.PRNGKey(0))


def test_error_wording_matches_jax():
    """The same bad calls raise the same exception types and messages in JAX."""
    with _jax_x64() as jax:
        k = jax.random.PRNGKey(0)
        for ours, theirs in [
            (lambda: random.poisson(random.PRNGKey(0), np.ones(3), (2,)),
             lambda: jax.random.poisson(k, np.ones(3), (2,))),
            (lambda: random.binomial(random.PRNGKey(0), np.ones(3), 0.3, (2,)),
             lambda: jax.random.binomial(k, np.ones(3), 0.3, (2,))),
            (lambda: random.multinomial(random.PRNGKey(0), 10, [0.2, 0.8]),
             lambda: jax.random.multinomial(k, 10, [0.2, 0.8])),
        ]:
            with pytest.raises(Exception) as mine:
                ours()
            with pytest.raises(Exception) as jaxs:
                theirs()
            assert type(mine.value) is type(jaxs.value)
            assert str(mine.value) == str(jaxs.value)
