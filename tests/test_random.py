"""``vmapx.random``: bit compatibility with JAX, the loop oracle under ``vmap``,
distributions, dtypes and error messages.

Reference values come from ``data/random_vectors.json``: hard-coded outputs of
JAX 0.10.2 with ``jax_enable_x64=True``, produced by
``data/make_random_vectors.py``.  Each case says its mode: ``x64`` (a ``null``
dtype calls both libraries without one, which pins vmapx's defaults, float64
and int64, against JAX's) or ``both`` (an explicit 32-bit dtype, the same in
both of JAX's modes).  A case with ``error`` holds the exception JAX raised,
which vmapx must raise too.
"""
from __future__ import annotations

import json
import math
import os
from fractions import Fraction

import numpy as np
import pytest

import vmapx
from vmapx import random
from vmapx._src.prims.random_bits import threefry2x32_p

with open(os.path.join(os.path.dirname(__file__), "data", "random_vectors.json")) as _fh:
    VECTORS = json.load(_fh)

KEY = random.PRNGKey(0)
ERRORS = {"OverflowError": OverflowError}


def _decode(out):
    if out["dtype"].startswith("complex"):
        v = np.array(out["values"]).reshape(-1, 2)
        return (v[:, 0] + 1j * v[:, 1]).astype(out["dtype"]).reshape(out["shape"])
    return np.array(out["values"], dtype=out["dtype"]).reshape(out["shape"])


def _typed(value, dtype):
    """A case's parameter: as given (Python numbers) or a NumPy value of ``dtype``."""
    if dtype is None:
        return value
    return np.array(value).astype(dtype)[()] if not isinstance(value, list) else np.array(
        value, dtype)


def _ids(name, fields):
    return [f"{name}-{e['mode']}-" + "-".join(f"{f}={e[f]}" for f in fields)
            for e in VECTORS[name]]


def _assert_same(got, want):
    """Shape, dtype, then bits."""
    assert isinstance(got, np.ndarray), type(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


def _check_case(case, call, compare=_assert_same):
    """``call()`` against the case: JAX's exception, or its output."""
    if "error" in case:
        with pytest.raises(ERRORS[case["error"]]):
            call()
        return
    compare(call(), _decode(case["out"]))


def _close(rtol32, rtol64=1e-13):
    def compare(got, want):
        assert isinstance(got, np.ndarray), type(got)
        assert got.shape == want.shape and got.dtype == want.dtype, (
            got.shape, got.dtype, want.shape, want.dtype)
        wide = want.dtype in (np.float64, np.complex128)
        np.testing.assert_allclose(got, want, rtol=rtol64 if wide else rtol32, atol=0)
    return compare


# ----------------------------------------------------------- JAX bit compatibility


@pytest.mark.parametrize("case", VECTORS["key"], ids=_ids("key", ["seed", "seed_dtype"]))
def test_prngkey_and_key_match_jax(case):
    seed = _typed(case["seed"], case["seed_dtype"])
    _check_case(case, lambda: random.PRNGKey(seed))
    _check_case(case, lambda: random.key_data(random.key(seed)))


def test_python_int_seeds_are_jax_x64_64_bit_seeds():
    # With x64, JAX bit-casts the int64 value to its two 32-bit words, high first.
    np.testing.assert_array_equal(random.PRNGKey(-1), [2**32 - 1, 2**32 - 1])
    np.testing.assert_array_equal(random.PRNGKey(2**32 + 7), [1, 7])
    np.testing.assert_array_equal(random.PRNGKey(np.int64(-1)), [2**32 - 1, 2**32 - 1])
    # A 32-bit seed is sign-extended to 32 bits under a zero high word.
    np.testing.assert_array_equal(random.PRNGKey(np.int32(-1)), [0, 2**32 - 1])
    with pytest.raises(OverflowError, match="Python int too large to convert to C long"):
        random.PRNGKey(2**63)


@pytest.mark.parametrize("case", VECTORS["split"], ids=_ids("split", ["key", "num"]))
def test_split_matches_jax(case):
    num = tuple(case["num"]) if isinstance(case["num"], list) else case["num"]
    _check_case(case, lambda: random.split(np.array(case["key"], np.uint32), num))


@pytest.mark.parametrize("case", VECTORS["fold_in"],
                         ids=_ids("fold_in", ["key", "data", "data_dtype"]))
def test_fold_in_matches_jax(case):
    data = _typed(case["data"], case["data_dtype"])
    _check_case(case, lambda: random.fold_in(np.array(case["key"], np.uint32), data))


@pytest.mark.parametrize("case", VECTORS["bits"], ids=_ids("bits", ["key", "shape", "dtype"]))
def test_bits_match_jax(case):
    _check_case(case, lambda: random.bits(np.array(case["key"], np.uint32),
                                          tuple(case["shape"]), case["dtype"]))


@pytest.mark.parametrize("case", VECTORS["uniform"],
                         ids=_ids("uniform", ["key", "shape", "dtype", "minval", "maxval"]))
def test_uniform_matches_jax_bit_for_bit(case):
    lo, hi = (np.array(v) if isinstance(v, list) else v for v in (case["minval"], case["maxval"]))
    _check_case(case, lambda: random.uniform(np.array(case["key"], np.uint32),
                                             tuple(case["shape"]), case["dtype"], lo, hi))


@pytest.mark.parametrize("case", VECTORS["randint"],
                         ids=_ids("randint", ["key", "minval", "maxval", "bounds_dtype", "dtype"]))
def test_randint_matches_jax(case):
    lo, hi = (_typed(v, case["bounds_dtype"]) for v in (case["minval"], case["maxval"]))
    lo, hi = (np.array(v) if isinstance(v, list) else v for v in (lo, hi))
    _check_case(case, lambda: random.randint(np.array(case["key"], np.uint32),
                                             tuple(case["shape"]), lo, hi, case["dtype"]))


@pytest.mark.parametrize("case", VECTORS["normal"], ids=_ids("normal", ["key", "shape", "dtype"]))
def test_normal_matches_jax_to_rounding(case):
    _check_case(case, lambda: random.normal(np.array(case["key"], np.uint32),
                                            tuple(case["shape"]), case["dtype"]),
                _close(4e-7, 1e-15))


def test_default_normal_is_jax_x64_float64():
    got = vmapx.random.normal(vmapx.random.PRNGKey(0), (5, 3, 4))
    case, = [c for c in VECTORS["normal"]
             if c["key"] == [0, 0] and c["shape"] == [5, 3, 4] and c["dtype"] is None]
    assert case["mode"] == "x64"
    want = _decode(case["out"])
    assert got.shape == (5, 3, 4) and got.dtype == want.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


@pytest.mark.parametrize("case", VECTORS["exponential"], ids=_ids("exponential", ["key", "dtype"]))
def test_exponential_matches_jax_to_rounding(case):
    _check_case(case, lambda: random.exponential(np.array(case["key"], np.uint32),
                                                 tuple(case["shape"]), case["dtype"]),
                _close(4e-7))


@pytest.mark.parametrize("case", VECTORS["bernoulli"],
                         ids=_ids("bernoulli", ["key", "p", "p_dtype"]))
def test_bernoulli_matches_jax(case):
    p = _typed(case["p"], case["p_dtype"])
    p = np.array(p) if isinstance(p, list) else p  # jnp.array(list): float64 with x64
    shape = None if case["shape"] is None else tuple(case["shape"])
    _check_case(case, lambda: random.bernoulli(np.array(case["key"], np.uint32), p, shape))


@pytest.mark.parametrize("case", VECTORS["permutation"],
                         ids=_ids("permutation", ["key", "x_dtype"]))
def test_permutation_matches_jax(case):
    x = _typed(case["x"], case["x_dtype"])
    _check_case(case, lambda: random.permutation(np.array(case["key"], np.uint32), x))


@pytest.mark.parametrize("case", VECTORS["choice"],
                         ids=_ids("choice", ["key", "a", "shape", "replace", "p_dtype"]))
def test_choice_matches_jax(case):
    p = _typed(case["p"], case["p_dtype"])  # a Python list is float64, as jnp.array(list)
    _check_case(case, lambda: random.choice(np.array(case["key"], np.uint32), case["a"],
                                            tuple(case["shape"]), case["replace"], p),
                _assert_same)


@pytest.mark.parametrize("case", VECTORS["categorical"],
                         ids=_ids("categorical", ["key", "logits_dtype"]))
def test_categorical_matches_jax(case):
    logits = _typed(case["logits"], case["logits_dtype"])  # a list: float64 logits
    _check_case(case, lambda: random.categorical(np.array(case["key"], np.uint32), logits,
                                                 shape=tuple(case["shape"])),
                _assert_same)


_P4, _P6 = [0.1, 0.2, 0.3, 0.4], [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]
_LOGITS_3x2 = np.log(np.array([[0.2, 0.8], [0.5, 0.5], [0.3, 0.7]]))
_F32, _F64 = np.float32, np.float64
EXTRA = {  # name -> (vmapx call, bit-exact?); the JAX calls are in make_random_vectors.py
    "choice_p": (lambda k: random.choice(k, 4, (8,), p=_P4), True),
    "choice_p_no_replace": (lambda k: random.choice(k, 6, (3,), replace=False, p=_P6), True),
    "choice_array_axis1": (lambda k: random.choice(
        k, np.arange(12.0).reshape(3, 4), (2,), axis=1), True),
    "categorical_no_replace": (lambda k: random.categorical(k, np.zeros(6), shape=(3,),
                                                            replace=False), True),
    "categorical_axis0": (lambda k: random.categorical(k, _LOGITS_3x2, axis=0,
                                                       shape=(4, 2)), True),
    "permutation_axis1": (lambda k: random.permutation(
        k, np.arange(12).reshape(3, 4), axis=1), True),
    "permutation_independent": (lambda k: random.permutation(
        k, np.arange(12).reshape(3, 4), axis=1, independent=True), True),
    "bernoulli_high": (lambda k: random.bernoulli(k, 0.3, (8,), mode="high"), True),
    "gumbel": (lambda k: random.gumbel(k, (4,)), False),
    "gumbel_high": (lambda k: random.gumbel(k, (4,), mode="high"), False),
    "cauchy": (lambda k: random.cauchy(k, (4,)), False),
    "laplace": (lambda k: random.laplace(k, (4,)), False),
    "logistic": (lambda k: random.logistic(k, (4,)), False),
    "truncated_normal": (lambda k: random.truncated_normal(k, -0.5, 1.5, (5,)), False),
    "multivariate_normal": (lambda k: random.multivariate_normal(
        k, [1.0, -2.0], [[2.0, 0.6], [0.6, 1.0]], (3,)), False),
    "choice_array_axis1_f64": (lambda k: random.choice(
        k, np.arange(12.0).reshape(3, 4), (2,), axis=1, p=np.array(_P4)), True),
    "categorical_axis0_f64": (lambda k: random.categorical(k, _LOGITS_3x2, axis=0,
                                                           shape=(4, 2)), True),
    "bernoulli_high_f64": (lambda k: random.bernoulli(k, _F64(0.3), (8,), mode="high"), True),
    "gumbel_f64": (lambda k: random.gumbel(k, (4,), _F64), False),
    "gumbel_high_f64": (lambda k: random.gumbel(k, (4,), _F64, mode="high"), False),
    "cauchy_f64": (lambda k: random.cauchy(k, (4,), _F64), False),
    "laplace_f64": (lambda k: random.laplace(k, (4,), _F64), False),
    "logistic_f64": (lambda k: random.logistic(k, (4,), _F64), False),
    "truncated_normal_f64": (lambda k: random.truncated_normal(k, -0.5, 1.5, (5,), _F64), False),
    "uniform_f16": (lambda k: random.uniform(k, (5,), np.float16, -1.0, 2.0), True),
    "normal_f32_explicit": (lambda k: random.normal(k, (5,), _F32), False),
}


def test_extra_cases_cover_the_reference_file():
    assert set(EXTRA) == set(VECTORS["extra"])


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_further_samplers_match_jax(name):
    call, exact = EXTRA[name]
    case = VECTORS["extra"][name]
    got = call(np.array(case["key"], np.uint32))
    want = _decode(case["out"])
    if exact:
        _assert_same(got, want)
    else:
        _close(1e-6)(got, want)


def test_seed_003_example_runs():
    matrices = random.normal(random.PRNGKey(0), (5, 3, 4))
    vectors = random.normal(random.PRNGKey(1), (5, 4))
    assert matrices.shape == (5, 3, 4) and matrices.dtype == np.float64
    assert vectors.shape == (5, 4) and vectors.dtype == np.float64
    result = vmapx.vmap(lambda m, v: m @ v, in_axes=(0, 0))(matrices, vectors)
    assert result.shape == (5, 3) and result.dtype == np.float64
    np.testing.assert_allclose(result, np.einsum("bij,bj->bi", matrices, vectors), rtol=1e-5)


# ----------------------------------------------------------------- the primitive


def test_threefry_primitive_broadcasts_keys_and_counters():
    k1, k2 = np.uint32(7), np.array([1, 2, 3], np.uint32)
    x1, x2 = np.zeros((2, 1), np.uint32), np.arange(3, dtype=np.uint32)
    y1, y2 = threefry2x32_p.bind(k1, k2, x1, x2)
    assert y1.shape == y2.shape == (2, 3) and y1.dtype == y2.dtype == np.uint32
    for i in range(2):
        for j in range(3):
            e1, e2 = threefry2x32_p.bind(k1, k2[j], x1[i, 0], x2[j])
            assert (y1[i, j], y2[i, j]) == (e1, e2)


def test_large_draws_are_hashed_in_blocks_without_seams():
    n = 2**16 + 10  # more than one block of the implementation
    big = random.bits(KEY, (n,), np.uint32)
    counts = np.arange(n - 20, n, dtype=np.uint32)
    y1, y2 = threefry2x32_p.bind(KEY[0], KEY[1], np.zeros(20, np.uint32), counts)
    np.testing.assert_array_equal(big[-20:], y1 ^ y2)


def test_threefry_abstract_rejects_non_uint32():
    from vmapx._src.core import ShapedArray
    a = ShapedArray((3,), np.dtype(np.uint32))
    b = ShapedArray((3,), np.dtype(np.int32))
    assert threefry2x32_p.abstract(a, a, a, a)[0] == a
    with pytest.raises(TypeError, match="must have uint32 type"):
        threefry2x32_p.abstract(a, a, b, a)


def test_vmap_over_keys_runs_threefry_once_on_the_whole_batch(monkeypatch):
    calls = []
    impl = threefry2x32_p.impl

    def counting(*args):
        calls.append([np.shape(a) for a in args])
        return impl(*args)

    keys = random.split(KEY, 50)
    monkeypatch.setattr(threefry2x32_p, "impl", counting)
    out = vmapx.vmap(lambda k: random.normal(k, (3,)))(keys)
    assert out.shape == (50, 3)
    assert len(calls) == 1 and calls[0][0][0] == 50, calls


# ---------------------------------------------------------------- the loop oracle

SAMPLERS = {
    "normal": lambda k: random.normal(k, (3,)),
    "normal_f32_2d": lambda k: random.normal(k, (2, 3), np.float32),
    "normal_complex": lambda k: random.normal(k, (2,), np.complex64),
    "uniform_range": lambda k: random.uniform(k, (4,), minval=-2.0, maxval=3.0),
    "randint": lambda k: random.randint(k, (4,), -5, 5),
    "randint_int8_scalar": lambda k: random.randint(k, (), -5, 5, np.int8),
    "bits": lambda k: random.bits(k, (2, 2)),
    "split": lambda k: random.split(k, 3),
    "fold_in": lambda k: random.fold_in(k, 3),
    "bernoulli": lambda k: random.bernoulli(k, 0.3, (5,)),
    "categorical": lambda k: random.categorical(k, np.zeros((2, 4)), axis=1),
    "categorical_no_replace": lambda k: random.categorical(k, np.zeros(5), shape=(3,),
                                                           replace=False),
    "permutation": lambda k: random.permutation(k, 6),
    "permutation_independent": lambda k: random.permutation(
        k, np.arange(12.0).reshape(3, 4), axis=1, independent=True),
    "choice_p": lambda k: random.choice(k, 4, (3,), p=np.array([0.1, 0.2, 0.3, 0.4])),
    "choice_no_replace": lambda k: random.choice(k, np.arange(10.0), (3,), replace=False),
    "gamma": lambda k: random.gamma(k, np.array([0.5, 1.0, 3.0]), (2, 3)),
    "beta": lambda k: random.beta(k, 2.0, 3.0, (4,)),
    "dirichlet": lambda k: random.dirichlet(k, np.array([1.0, 2.0, 3.0])),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 1.0, (3,)),
    "exponential": lambda k: random.exponential(k, (3,)),
    "gumbel_high": lambda k: random.gumbel(k, (3,), mode="high"),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@pytest.mark.parametrize("size", [0, 1, 4])
@pytest.mark.parametrize("in_axis", [0, 1, -1])
def test_vmap_over_keys_equals_loop(name, size, in_axis):
    f = SAMPLERS[name]
    keys = random.split(KEY, size)
    batched = keys if in_axis == 0 else keys.T
    got = vmapx.vmap(f, in_axes=in_axis)(batched)
    one = f(KEY)
    want = (np.stack([f(k) for k in keys]) if size else
            np.empty((0,) + one.shape, one.dtype))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_vmap_of_vmap_over_a_grid_of_keys_equals_loop():
    keys = random.split(KEY, (3, 4))
    f = lambda k: random.uniform(k, (2,), np.float32, -1.0, 1.0)  # noqa: E731
    got = vmapx.vmap(vmapx.vmap(f), in_axes=1)(keys)
    want = np.stack([np.stack([f(k) for k in keys[:, j]]) for j in range(4)])
    assert got.shape == (4, 3, 2) and got.dtype == np.float32
    np.testing.assert_array_equal(got, want)


def test_batched_keys_draw_independent_streams():
    out = vmapx.vmap(lambda k: random.normal(k, (3,)))(random.split(KEY, 5))
    assert len({tuple(row) for row in out}) == 5


def _loop_check(f, *args):
    got = vmapx.vmap(f)(*args)
    want = np.stack([f(*a) for a in zip(*args, strict=True)])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_vmap_over_seeds_and_fold_in_data_equals_loop():
    _loop_check(random.PRNGKey, np.array([0, 1, -1, 2**40 + 3]))
    _loop_check(lambda s: random.key_data(random.key(s)), np.array([0, 1, -1, 7], np.int32))
    _loop_check(lambda d: random.fold_in(KEY, d), np.arange(5))
    _loop_check(random.fold_in, random.split(KEY, 5), np.arange(5, dtype=np.uint32))


def test_vmap_over_sampler_parameters_equals_loop():
    keys = random.split(KEY, 3)
    _loop_check(lambda lo: random.uniform(KEY, (4,), minval=lo, maxval=5.0),
                np.array([-1.0, 0.0, 2.0]))
    _loop_check(lambda k, lo: random.randint(k, (4,), lo, 10, np.int16), keys,
                np.array([-3, 0, 5]))
    _loop_check(lambda p: random.bernoulli(KEY, p, (6,)), np.array([0.1, 0.5, 0.9]))
    _loop_check(lambda a: random.gamma(KEY, a, (5,)), np.array([0.5, 2.0, 7.0]))
    _loop_check(lambda lg: random.categorical(KEY, lg, shape=(4,)),
                np.log(np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])))
    _loop_check(lambda k, x: random.permutation(k, x), keys, np.arange(15.0).reshape(3, 5))
    _loop_check(lambda lo, hi: random.truncated_normal(KEY, lo, hi, (3,)),
                np.array([-1.0, 0.0, 0.5]), np.array([1.0, 3.0, 0.6]))
    _loop_check(lambda a: random.dirichlet(KEY, a), np.array([[1.0, 2.0], [3.0, 0.5]]))
    _loop_check(lambda lg: random.categorical(KEY, lg, shape=(0,)), np.zeros((2, 3)))


def test_samplers_compose_with_grad():
    g = vmapx.grad(lambda m: random.uniform(KEY, (3,), minval=m, maxval=m + 2.0).sum())(0.5)
    assert g == pytest.approx(3.0, rel=1e-12)
    z = random.normal(KEY, (3,))
    assert vmapx.grad(lambda s: (s * random.normal(KEY, (3,))).sum())(1.0) == pytest.approx(
        z.sum(), rel=1e-12)
    # d/d lower of truncated_normal(key(0), lower, 2.0, (3,)).sum() at lower = -1, from JAX
    # with x64: float64 by default, and with an explicit float32 dtype.
    g = vmapx.grad(lambda lo: random.truncated_normal(KEY, lo, 2.0, (3,)).sum())(-1.0)
    assert g == pytest.approx(0.9527300279563479, rel=1e-9)
    g = vmapx.grad(lambda lo: random.truncated_normal(KEY, lo, 2.0, (3,), np.float32).sum())(-1.0)
    assert g == pytest.approx(0.570186197757721, rel=1e-6)
    keys = random.split(KEY, 4)
    f = vmapx.grad(lambda m, k: random.uniform(k, (2,), minval=m, maxval=3.0).sum())
    got = vmapx.vmap(f, in_axes=(None, 0))(0.5, keys)
    np.testing.assert_allclose(got, [f(0.5, k) for k in keys], rtol=1e-12)


# ------------------------------------------------------------ dtypes and shapes


def test_defaults_are_jax_x64_types():
    for f in (random.uniform, random.normal, random.truncated_normal, random.exponential,
              random.gamma, random.loggamma, random.beta, random.dirichlet, random.cauchy,
              random.laplace, random.logistic, random.gumbel):
        assert _sample(f, None).dtype == np.float64, f.__name__
    assert random.multivariate_normal(KEY, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]).dtype == \
        np.float64
    assert random.randint(KEY, (2,), 0, 3).dtype == np.int64
    assert random.bits(KEY, (2,)).dtype == np.uint64
    assert random.categorical(KEY, np.zeros(4), shape=(3,)).dtype == np.int64
    # JAX's top-k indices are int32 even with x64.
    assert random.categorical(KEY, np.zeros(4), shape=(3,), replace=False).dtype == np.int32
    assert random.choice(KEY, 5, (2,)).dtype == np.int64
    assert random.choice(KEY, 5, (2,), p=np.full(5, 0.2)).dtype == np.int64
    assert random.choice(KEY, 5, (2,), replace=False, p=np.full(5, 0.2)).dtype == np.int64
    assert random.choice(KEY, 5, (0,)).dtype == np.int64
    assert random.permutation(KEY, 4).dtype == np.int64
    assert random.rademacher(KEY, (2,)).dtype == np.int64
    assert random.geometric(KEY, 0.5, (2,)).dtype == np.int64
    assert random.PRNGKey(3).dtype == np.uint32 and random.PRNGKey(3).shape == (2,)


def _sample(f, dtype):
    """One call of a float sampler with an explicit ``dtype`` (None: the default)."""
    shaped = {random.truncated_normal: (-1.0, 1.0, (2,)), random.gamma: (2.0, (2,)),
              random.loggamma: (2.0, (2,)), random.beta: (2.0, 3.0, (2,)),
              random.dirichlet: (np.ones(3), (2,))}
    return f(KEY, *shaped.get(f, ((2,),)), dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("f", [random.uniform, random.normal, random.truncated_normal,
                               random.exponential, random.gamma, random.loggamma, random.beta,
                               random.dirichlet, random.cauchy, random.laplace, random.logistic,
                               random.gumbel], ids=lambda f: f.__name__)
def test_float_samplers_honour_dtype(f, dtype):
    x = _sample(f, dtype)
    assert isinstance(x, np.ndarray) and x.dtype == dtype
    assert np.all(np.isfinite(x))


def test_integer_and_complex_dtypes_are_honoured():
    for dtype in (np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64,
                  np.uint64):
        assert random.randint(KEY, (2,), 0, 3, dtype).dtype == dtype
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        assert random.bits(KEY, (2,), dtype).dtype == dtype
    for dtype in (np.complex64, np.complex128):
        assert random.normal(KEY, (2,), dtype).dtype == dtype
    for dtype in (np.float32, np.float64):
        mvn = random.multivariate_normal(KEY, np.zeros(2, np.float32), np.eye(2, dtype=np.float32),
                                         dtype=dtype)
        assert mvn.dtype == dtype
    # Float parameters decide the dtype where JAX has no dtype argument.
    assert random.bernoulli(KEY, np.float32(0.5), (2,)).dtype == np.bool_


def test_python_numbers_take_jax_x64_types_and_arrays_keep_theirs():
    # A list of probabilities is float64 (jnp.array with x64); a float32 array
    # samples in float32.
    np.testing.assert_array_equal(random.choice(KEY, 4, (50,), p=[0.1, 0.2, 0.3, 0.4]),
                                  random.choice(KEY, 4, (50,),
                                                p=np.array([0.1, 0.2, 0.3, 0.4], np.float64)))
    assert random.choice(KEY, [1.5, 2.5], (2,)).dtype == np.float64
    assert random.choice(KEY, np.array([1.5, 2.5], np.float32), (2,)).dtype == np.float32
    assert random.permutation(KEY, [3, 1, 2]).dtype == np.int64
    np.testing.assert_array_equal(random.bernoulli(KEY, 0.3, (50,)),
                                  random.bernoulli(KEY, np.float64(0.3), (50,)))
    np.testing.assert_array_equal(random.bernoulli(KEY, np.float32(0.3), (50,)),
                                  random.uniform(KEY, (50,), np.float32) < np.float32(0.3))
    # randint: Python-int bounds are int64 (an OverflowError beyond); they and int64
    # arrays are clipped to the dtype's range.
    with pytest.raises(OverflowError, match="Python int 9223372036854775808 too large"):
        random.randint(KEY, (3,), 0, 2**63)
    assert random.randint(KEY, (3,), 0, 2**40, np.int64).dtype == np.int64
    x = random.randint(KEY, (100,), np.int64(0), np.int64(2**32), np.uint32)
    assert x.dtype == np.uint32 and x.max() > 2**31


def test_module_exports_only_its_api():
    public = {name for name in dir(random) if not name.startswith("_")}
    assert public == set(random.__all__)


def test_scalar_shapes_give_0d_arrays():
    for x in (random.uniform(KEY), random.normal(KEY), random.randint(KEY, (), 0, 5),
              random.bits(KEY), random.gamma(KEY, 2.0), random.bernoulli(KEY)):
        assert isinstance(x, np.ndarray) and x.shape == (), type(x)


def test_int_shape_and_numpy_int_dims_are_accepted():
    assert random.normal(KEY, 3).shape == (3,)
    assert random.uniform(KEY, (np.int64(2), 3)).shape == (2, 3)


def test_prefix_of_a_larger_draw_is_the_smaller_draw():
    # The partitionable threefry stream hashes each element's flat index.
    np.testing.assert_array_equal(random.bits(KEY, (10,), np.uint32)[:4],
                                  random.bits(KEY, (4,), np.uint32))


def test_randint_stays_in_range_for_every_dtype():
    for dtype, lo, hi in ((np.int8, -128, 128), (np.uint8, 0, 256), (np.int16, -7, 9),
                          (np.uint32, 0, np.int64(2**32)), (np.int64, -2**63, 2**63 - 1)):
        x = random.randint(KEY, (500,), lo, hi, dtype)
        assert x.dtype == dtype and int(x.min()) >= lo and int(x.max()) < hi


def test_randint_with_empty_range_returns_minval():
    np.testing.assert_array_equal(random.randint(KEY, (3,), 5, 2), np.full(3, 5))


# --------------------------------------------------------------- distributions
# Loose statistical checks: the samplers are meant to be right, not bit-compatible.


def test_uniform_and_normal_moments():
    u = random.uniform(KEY, (20000,), minval=-1.0, maxval=3.0)
    assert u.min() >= -1.0 and u.max() < 3.0
    assert abs(u.mean() - 1.0) < 0.03 and abs(u.var() - 16 / 12) < 0.05
    z = random.normal(KEY, (20000,))
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03


@pytest.mark.parametrize("a", [0.2, 1.0, 4.5])
def test_gamma_mean_and_variance(a):
    x = random.gamma(KEY, a, (20000,))
    assert np.all(x > 0)
    assert abs(x.mean() - a) < 0.05 * max(a, 1.0)
    assert abs(x.var() - a) < 0.1 * max(a, 1.0)


def test_gamma_with_an_array_of_shapes():
    a = np.array([0.5, 2.0, 10.0])
    x = random.gamma(KEY, a, (20000, 3))
    np.testing.assert_allclose(x.mean(0), a, rtol=0.05)
    np.testing.assert_allclose(np.exp(random.loggamma(KEY, a, (20000, 3))).mean(0), a, rtol=0.05)


def test_loggamma_of_tiny_shape_is_finite():
    x = random.loggamma(KEY, 1e-3, (1000,))
    assert np.all(np.isfinite(x))


def test_beta_and_dirichlet_moments():
    x = random.beta(KEY, 2.0, 5.0, (20000,))
    assert x.min() >= 0 and x.max() <= 1
    assert abs(x.mean() - 2 / 7) < 0.01
    assert abs(x.var() - 10 / (49 * 8)) < 0.005
    alpha = np.array([1.0, 2.0, 5.0])
    d = random.dirichlet(KEY, alpha, (20000,))
    assert d.shape == (20000, 3)
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(d.mean(0), alpha / alpha.sum(), atol=0.01)


def test_exponential_and_bernoulli_moments():
    assert abs(random.exponential(KEY, (20000,)).mean() - 1.0) < 0.03
    assert abs(random.bernoulli(KEY, 0.3, (20000,)).mean() - 0.3) < 0.015
    assert abs(random.bernoulli(KEY, 0.3, (20000,), mode="high").mean() - 0.3) < 0.015


def test_truncated_normal_bounds_and_mean():
    lo, hi = -0.5, 2.0
    x = random.truncated_normal(KEY, lo, hi, (20000,))
    assert x.min() > lo and x.max() < hi
    pdf = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda t: 0.5 * (1 + math.erf(t / math.sqrt(2)))  # noqa: E731
    mean = (pdf(lo) - pdf(hi)) / (cdf(hi) - cdf(lo))
    assert abs(x.mean() - mean) < 0.02


def test_categorical_and_choice_frequencies():
    p = np.array([0.1, 0.2, 0.7])
    c = random.categorical(KEY, np.log(p), shape=(20000,))
    np.testing.assert_allclose(np.bincount(c, minlength=3) / 20000, p, atol=0.015)
    s = random.choice(KEY, 3, (20000,), p=p)
    np.testing.assert_allclose(np.bincount(s, minlength=3) / 20000, p, atol=0.015)
    r = random.choice(KEY, 5, (20000,))
    np.testing.assert_allclose(np.bincount(r, minlength=5) / 20000, 0.2, atol=0.015)


def test_without_replacement_draws_are_distinct():
    assert len(set(random.choice(KEY, 10, (10,), replace=False).tolist())) == 10
    assert len(set(random.choice(KEY, 6, (4,), replace=False,
                                 p=np.array([0.1, 0.1, 0.2, 0.2, 0.2, 0.2])).tolist())) == 4
    assert len(set(random.categorical(KEY, np.zeros(6), shape=(6,), replace=False).tolist())) == 6


def test_permutations_are_permutations():
    np.testing.assert_array_equal(np.sort(random.permutation(KEY, 2000)), np.arange(2000))
    x = np.arange(12).reshape(3, 4)
    p = random.permutation(KEY, x, axis=1)
    assert np.all(p[1] - p[0] == 4)  # whole columns move together
    q = random.permutation(KEY, x, axis=1, independent=True)
    np.testing.assert_array_equal(np.sort(q, axis=1), x)


def test_multivariate_normal_covariance():
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    mean = np.array([1.0, -2.0])
    for method in ("cholesky", "eigh", "svd"):
        x = random.multivariate_normal(KEY, mean, cov, (20000,), method=method)
        assert x.shape == (20000, 2) and x.dtype == np.float64
        np.testing.assert_allclose(x.mean(0), mean, atol=0.04)
        np.testing.assert_allclose(np.cov(x.T), cov, atol=0.06)


# ------------------------------------------------- numerical kernels (private)


def test_erf_inv_kernel_matches_scipy():
    from scipy import special                  # a runtime dependency of vmapx
    from vmapx.random import _erf_inv
    x = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [-1 + 1e-12, 1 - 1e-15]])
    np.testing.assert_allclose(_erf_inv(x), special.erfinv(x), rtol=1e-12)
    x32 = x[:-2].astype(np.float32)
    np.testing.assert_allclose(_erf_inv(x32), special.erfinv(x32.astype(np.float64)),
                               rtol=3e-6)
    assert _erf_inv(np.float64(1.0)) == np.inf and _erf_inv(np.float64(-1.0)) == -np.inf
    # The traced path (all polynomials, then a select) equals the concrete one.
    for xs in (x, x32):
        np.testing.assert_array_equal(vmapx.vmap(_erf_inv)(xs), _erf_inv(xs))


def test_erf_kernel_matches_math_erf():
    from vmapx.random import _erf
    x = np.linspace(-9.0, 9.0, 3001)
    np.testing.assert_allclose(_erf(x), [math.erf(t) for t in x], rtol=1e-15, atol=1e-16)


def _round_to(value: Fraction, dtype):
    """``value`` rounded to nearest-even in ``dtype`` (exactly)."""
    c = np.array(float(value), dtype)
    cands = [c, np.nextafter(c, np.array(np.inf, dtype)), np.nextafter(c, np.array(-np.inf, dtype))]
    dist = [abs(Fraction(float(v)) - value) for v in cands]
    best = min(dist)
    ties = [v for v, d in zip(cands, dist, strict=True) if d == best]
    if len(ties) > 1:
        ties = [v for v in ties if int(np.array(v).view(f"u{np.dtype(dtype).itemsize}")) % 2 == 0]
    return ties[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_multiply_add_rounds_once(dtype):
    from vmapx.random import _fma
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 300).astype(dtype)
    b = (rng.uniform(-10, 10, 300) * 10.0 ** rng.integers(-3, 4, 300)).astype(dtype)
    c = (rng.uniform(-10, 10, 300) * 10.0 ** rng.integers(-3, 4, 300)).astype(dtype)
    a[:3], b[:3], c[:3] = dtype(0.5), dtype(3.0), dtype(-1.5)  # an exact case
    c[3:60] = -(a[3:60] * b[3:60])  # cancellation: the result is the product's rounding error
    c[60:120] *= dtype(1e-12)  # an addend far below the product's last bit
    a[120:180] = (rng.integers(1, 2**20, 60) * 2.0**-20).astype(dtype)  # uniform's floats
    got = _fma(a, b, c)
    assert got.dtype == dtype
    want = [_round_to(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), dtype)
            for x, y, z in zip(a, b, c, strict=True)]
    np.testing.assert_array_equal(got, np.array(want, dtype))


# ------------------------------------------------------------------- keys


def test_key_data_and_wrap_key_data_convert_between_typed_keys_and_raw_data():
    k = random.key(11)
    np.testing.assert_array_equal(random.key_data(k), random.PRNGKey(11))
    w = random.wrap_key_data(random.key_data(k))
    assert w.shape == () and w.dtype == random.key_dtype()
    np.testing.assert_array_equal(random.key_data(w), random.key_data(k))
    np.testing.assert_array_equal(random.key_data(random.split(k, 3)),
                                  random.split(random.PRNGKey(11), 3))
    assert random.key_impl(k) == "threefry2x32"
    c = random.clone(k)
    np.testing.assert_array_equal(random.key_data(c), random.key_data(k))
    assert c is not k


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("call, exc, match", [
    (lambda: random.normal(np.zeros(3, np.uint32)), TypeError,
     r"expected key_data.shape to end with \(2,\); got shape=\(3,\)"),
    (lambda: random.normal(np.zeros(2, np.float32)), TypeError,
     "expected key_data.dtype = uint32; got dtype=float32"),
    (lambda: random.normal([0, 0]), TypeError, "unexpected PRNG key type <class 'list'>"),
    (lambda: random.normal(random.split(KEY, 5)), ValueError,
     r"normal accepts a single key, but was given a key array of shape \(5, 2\) != \(\)\. "
     "Use vmapx.vmap for batching."),
    (lambda: random.split(random.split(KEY, 5)), ValueError, "split accepts a single key"),
    (lambda: random.fold_in(KEY, np.arange(3)), TypeError,
     r"fold_in accepts a scalar, but was given an array of shape \(3,\) != \(\)"),
    (lambda: random.fold_in(KEY, -1), OverflowError, "out of bounds for uint32"),
    (lambda: random.uniform(KEY, (2,), np.int32), ValueError,
     "dtype argument to `uniform` must be a float dtype, got int32"),
    (lambda: random.normal(KEY, (2,), np.int32), ValueError,
     "dtype argument to `normal` must be a float or complex dtype, got int32"),
    (lambda: random.randint(KEY, (2,), 0, 5, np.float32), TypeError,
     "randint only accepts integer dtypes, got float32"),
    (lambda: random.bits(KEY, (2,), np.int32), ValueError,
     "dtype argument to `bits` must be an unsigned int dtype, got int32"),
    (lambda: random.normal(KEY, (2.0,)), TypeError,
     "Shapes must be 1D sequences of concrete values of integer type"),
    (lambda: random.normal(KEY, (-1,)), ValueError, "negative dimensions are not allowed"),
    (lambda: random.randint(KEY, (3,), np.zeros((2, 3), int), 5), ValueError,
     r"randint parameter shapes must be broadcast-compatible with shape argument, and the "
     r"result of broadcasting the shapes must equal the shape argument, but got result "
     r"\(2, 3\) for shape argument \(3,\)\."),
    (lambda: random.uniform(KEY, (3,), minval=np.zeros((2, 3))), ValueError,
     "uniform parameter shapes must be broadcast-compatible"),
    (lambda: random.PRNGKey(1.5), TypeError, "PRNG key seed must be an integer; got 1.5"),
    (lambda: random.PRNGKey(np.zeros(2, int)), TypeError,
     r"PRNGKey accepts a scalar seed, but was given an array of shape \(2,\) != \(\)"),
    (lambda: random.key(np.zeros(2, int)), TypeError, "key accepts a scalar seed"),
    (lambda: random.PRNGKey(2**64), OverflowError, "too large"),
    (lambda: random.PRNGKey(0, impl="rbg"), ValueError,
     'unrecognized PRNG implementation "rbg"'),
    (lambda: random.bernoulli(KEY, 1), TypeError,
     "bernoulli probability `p` must have a floating dtype, got int64."),
    (lambda: random.bernoulli(KEY, 0.5, mode="x"), ValueError,
     "got mode='x', expected 'high' or 'low'"),
    (lambda: random.gamma(KEY, 1.0, dtype=np.int32), ValueError,
     "dtype argument to `gamma` must be a float dtype, got int32"),
    (lambda: random.choice(KEY, 5, (7,), replace=False), ValueError,
     r"Cannot take a larger sample \(size 7\) than population \(size 5\) when 'replace=False'"),
    (lambda: random.choice(KEY, 5, 3), TypeError,
     "shape argument of vmapx.random.choice must be a sequence, got 3"),
    (lambda: random.choice(KEY, 5, (3,), p=np.ones(4) / 4), ValueError,
     r"p has shape \(4,\) and a.shape\[axis\] is 5."),
    (lambda: random.categorical(KEY, np.zeros(3), shape=(4,), replace=False), ValueError,
     r"Number of samples without replacement \(4\) cannot exceed number of categories \(3\)"),
    (lambda: random.permutation(KEY, 3.0), TypeError,
     "x must be an integer or at least 1-dimensional"),
    (lambda: random.dirichlet(KEY, 1.0), ValueError,
     "dirichlet requires alpha.ndim >= 1, got alpha.ndim == 0"),
    (lambda: random.multivariate_normal(KEY, np.zeros(3), np.eye(2)), ValueError,
     r"multivariate_normal requires cov.shape == \(..., n, n\) for n=3, but got "
     r"cov.shape == \(2, 2\)."),
    (lambda: random.multivariate_normal(KEY, np.zeros(2), np.eye(2), method="x"), ValueError,
     "method must be one of {'svd', 'eigh', 'cholesky'}"),
    (lambda: random.gumbel(KEY, mode="x"), ValueError,
     "Must provide valid mode for gumbel got: x"),
    (lambda: random.categorical(KEY, np.zeros(3), mode="x"), ValueError,
     "Must provide valid mode for gumbel got: x"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_error_messages(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------ samplers added after the JAX diff (values from JAX 0.10.2 with x64)

_K0 = random.PRNGKey(0)


@pytest.mark.parametrize("fn, expected, dtype", [
    (lambda k: random.rademacher(k, (6,)), [1, 1, -1, -1, -1, 1], np.int64),
    (lambda k: random.rademacher(k, (6,), dtype=np.float32), [1, 1, -1, -1, -1, 1],
     np.float32),
    (lambda k: random.pareto(k, 2.0, (4,)),
     [1.3113213298190585, 1.129597746173524, 5.369942118088253, 1.5330294228017152],
     np.float64),
    (lambda k: random.pareto(k, np.array([1., 3.], np.float32)),
     [1.7195636300384236, 1.0846323283402735], np.float64),
    (lambda k: random.weibull_min(k, 2.0, 1.5, (4,)),
     [1.3296393946277114, 0.7803592074120229, 4.488111486200361, 1.8009508304754442],
     np.float64),
    (lambda k: random.rayleigh(k, 2.0, (4,)),
     [2.639971022975167, 3.499839951255364, 0.5313688947226182, 2.105714610604503],
     np.float64),
    (lambda k: random.maxwell(k, (4,)),
     [1.9890699115189192, 0.42460738321377167, 1.2403079123658307, 2.0746335163022582],
     np.float64),
    (lambda k: random.double_sided_maxwell(k, 1.0, 2.0, (4,)),
     [4.969224084752314, -3.9564147973766293, -2.266963006648971, -2.964421583444985],
     np.float64),
    (lambda k: random.lognormal(k, 0.5, (4,)),
     [0.9021981814084403, 0.6754454443368441, 2.479466302303905, 1.0984740686804704],
     np.float64),
    (lambda k: random.lognormal(k, shape=(4,)),
     [0.813961558536697, 0.45622654827539666, 6.147753144260601, 1.2066452795634266],
     np.float64),
    (lambda k: random.geometric(k, 0.3, (4,)), [3, 5, 1, 2], np.int64),
    (lambda k: random.triangular(k, 0.0, 0.5, 1.0, (4,)),
     [0.45741508048838225, 0.32885821762996237, 0.8683213402236292, 0.538751983054401],
     np.float64),
    (lambda k: random.wald(k, 1.0, (4,)),
     [0.18700294186884836, 1.6107321735678946, 1.5106286515739922, 0.13261639561521177],
     np.float64),
])
def test_added_samplers_match_jax_values(fn, expected, dtype):
    out = fn(_K0)
    assert out.shape == np.shape(expected) and out.dtype == dtype
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=0)


def test_added_samplers_under_vmap_match_jax_values():
    keys = random.split(_K0, 2)
    out = vmapx.vmap(lambda k: random.rademacher(k, (3,)))(keys)
    assert out.shape == (2, 3) and out.dtype == np.int64
    np.testing.assert_array_equal(out, [[-1, 1, -1], [1, -1, -1]])
    out = vmapx.vmap(lambda k: random.pareto(k, 2.0, (3,)))(keys)
    assert out.shape == (2, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, [[5.7685052920734865, 1.2084046063019624, 1.7177576954052927],
                                     [1.0429260261342523, 3.6261608606183096, 1.9387431771705415]],
                               rtol=1e-13)
    out = vmapx.vmap(lambda k: random.maxwell(k, (3,)))(keys)
    np.testing.assert_allclose(out, [[1.984612042376157, 2.4782073986883146, 1.6334815033244856],
                                     [2.098548062403852, 0.6134764196978628, 2.070454721859315]],
                               rtol=1e-13)


def test_added_samplers_equal_their_loop_under_vmap():
    keys = random.split(_K0, 3)
    for f in (lambda k: random.wald(k, 1.5, (2,)), lambda k: random.triangular(k, 0., .3, 1.),
              lambda k: random.geometric(k, 0.4, (2,)), lambda k: random.lognormal(k, 0.2)):
        batched = vmapx.vmap(f)(keys)
        looped = np.stack([f(k) for k in keys])
        assert batched.shape == looped.shape and batched.dtype == looped.dtype
        np.testing.assert_array_equal(batched, looped)


@pytest.mark.parametrize("n, m, shape", [(3, None, ()), (4, 2, ()), (2, 5, (3,))])
def test_orthogonal_has_orthonormal_rows_or_columns_and_matches_jax(n, m, shape):
    q = random.orthogonal(KEY, n, shape, m=m)
    cols = n if m is None else m
    assert type(q) is vmapx.Array and q.shape == shape + (n, cols) and q.dtype == np.float64
    small = min(n, cols)
    gram = q @ np.swapaxes(q, -1, -2) if n <= cols else np.swapaxes(q, -1, -2) @ q
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(small), gram.shape), atol=1e-12)
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        want = np.asarray(jax.random.orthogonal(jax.random.PRNGKey(0), n, shape, m=m))
    np.testing.assert_allclose(q, want, rtol=1e-13, atol=1e-15)


# ------------------------- gamma family: JAX's stream (values from JAX 0.10.2, x64)

_K7 = random.PRNGKey(7)


@pytest.mark.parametrize("call, expected, dtype", [
    (lambda: random.gamma(_K7, np.array([0.3, 1.0, 4.5])),
     [2.0991715320635806e-06, 0.1612633792217553, 2.909350875453645], np.float64),
    (lambda: random.loggamma(_K7, 0.05, (3,)),
     [-83.97012834840358, -30.760890290467653, -16.463278443288637], np.float64),
    (lambda: random.beta(_K7, 2.0, 0.5, (3,)),
     [0.6317628056665001, 0.9848540956188013, 0.6932594290286815], np.float64),
    (lambda: random.dirichlet(_K7, np.array([0.5, 1.0, 2.0])),
     [0.0006152187090669396, 0.14846285190901112, 0.8509219293819218], np.float64),
    (lambda: random.gamma(_K7, 2.0, (3,), np.float32),
     [2.0724189281463623, 0.8636598587036133, 0.9369039535522461], np.float32),
])
def test_gamma_family_gives_jax_values(call, expected, dtype):
    out = call()
    assert type(out) is vmapx.Array and out.shape == np.shape(expected) and out.dtype == dtype
    np.testing.assert_allclose(out, np.array(expected, dtype),
                               rtol=1e-13 if dtype == np.float64 else 1e-6)


def test_gamma_gradients_are_jax_implicit_reparameterization():
    g = vmapx.grad(lambda a: random.gamma(_K7, a, (20,)).sum())(1.5)
    assert g == pytest.approx(20.002731842005367, rel=1e-12)
    g = vmapx.grad(lambda a: random.loggamma(_K7, a, (20,)).sum())(0.4)
    assert g == pytest.approx(222.43049980438687, rel=1e-12)


def test_gamma_under_vmap_and_jit_equals_the_loop():
    keys = random.split(_K7, 3)
    f = lambda k: random.gamma(k, np.array([0.5, 2.0]))  # noqa: E731
    batched = vmapx.vmap(f)(keys)
    looped = np.stack([f(k) for k in keys])
    assert batched.shape == looped.shape == (3, 2) and batched.dtype == looped.dtype
    np.testing.assert_array_equal(batched, looped)
    np.testing.assert_array_equal(vmapx.jit(f)(keys[0]), looped[0])
