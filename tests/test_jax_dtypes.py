"""``vmapx.numpy``'s result dtypes are JAX's with x64 on (``docs/dtypes-and-results.md``,
"Promotion: JAX's lattice"), and NumPy's own functions called on traced values
keep NumPy's.

The reference table ``data/jax_dtypes.json`` was taken from JAX 0.10.2 (x64) by
``data/make_jax_dtypes.py``: 90 functions over 13 dtypes and the scalars ``1``,
``1.0``, ``1j``.  JAX is not needed to run these tests.
"""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "data"))
import make_jax_dtypes as cases_mod  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "data", "jax_dtypes.json")) as _fh:
    JAX = json.load(_fh)["dtypes"]

# Where vmapx knowingly differs from the table, by function: (predicate, why).
_COMPLEX = ("complex64", "complex128", "1j")
KNOWN = {
    # JAX raises, vmapx returns
    "convolve": (lambda a, b: b in ("1", "1.0", "1j"), "0-d operand: NumPy's ravel"),
    "correlate": (lambda a, b: b in ("1", "1.0", "1j"), "0-d operand: NumPy's ravel"),
    "polymul": (lambda a, b: b in ("1", "1.0", "1j"), "0-d operand: NumPy's ravel"),
    "polyadd": (lambda a, b: True, "JAX rejects bool and 0-d coefficients"),
    "dot": (lambda a, b: b in ("1", "1j"), "JAX refuses some scalar dot products"),
    "fix": (lambda a, b: True, "JAX's fix raises AttributeError on these dtypes"),
    "kron": (lambda a, b: a == b == "bool", "JAX refuses bool kron"),
    "median_": (lambda a, b: a in _COMPLEX, "JAX refuses complex median"),
    "round_": (lambda a, b: a == "bool", "JAX refuses bool round"),
    # vmapx raises, JAX returns (NumPy has no complex loop)
    "arctan2": (lambda a, b: a in _COMPLEX or b in _COMPLEX, "complex arctan2"),
    "logaddexp": (lambda a, b: a in _COMPLEX or b in _COMPLEX, "complex logaddexp"),
    "deg2rad": (lambda a, b: a in _COMPLEX, "complex deg2rad"),
    # weakly typed arrays (vmapx's concrete arrays are never weak)
    "cross_": (lambda a, b: b in ("1", "1.0", "1j"), "stack of weak scalars"),
    "linalg_solve_": (lambda a, b: a == "bool", "bool + 1 is a weak int64 array in JAX"),
}


def _parse(key):
    name, rest = key.split("(", 1)
    args = rest[:-1].split(",")
    return name, args[0], (args[1] if len(args) > 1 else None)


def _known(key):
    name, a, b = _parse(key)
    rule = KNOWN.get(name)
    return rule is not None and rule[0](a, b)


def _vmapx_table():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {key: cases_mod.result_dtype(jnp, name, d1, d2)
                for key, name, d1, d2 in cases_mod.cases()}


def test_the_table_covers_the_sweep():
    assert len(JAX) == 11700 == len(list(cases_mod.cases()))


def test_result_dtypes_are_jax_x64s():
    got = _vmapx_table()
    wrong = []
    for key, want in JAX.items():
        have = got[key]
        if have == want or (have.startswith("ERR") and want.startswith("ERR")):
            continue   # both raise (the exception classes may differ)
        if not _known(key):
            wrong.append(f"{key}: JAX {want}, vmapx {have}")
    assert not wrong, f"{len(wrong)} dtypes differ from JAX (x64):\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("d1,d2,want", [
    ("int32", "float32", "float32"), ("float16", "int64", "float16"),
    ("complex64", "int64", "complex64"), ("uint32", "float32", "float32"),
    ("uint64", "int64", "float64"), ("int8", "uint8", "int16"), ("bool", "int8", "int8")])
def test_binary_promotion_examples(d1, d2, want):
    a, b = jnp.ones(2, d1), jnp.ones(2, d2)
    assert (a + b).dtype == want and (b * a).dtype == want
    assert jnp.add(a, b).dtype == want
    assert jnp.result_type(a, b) == want == jnp.promote_types(d1, d2)
    assert vmapx.dtypes.result_type(np.dtype(d1), np.dtype(d2)) == want


def test_to_inexact_and_weak_scalars():
    i8, i32, i64 = (jnp.ones(2, d) for d in ("int8", "int32", "int64"))
    assert jnp.sqrt(i8).dtype == jnp.sqrt(i32).dtype == np.float32
    assert jnp.sqrt(i64).dtype == np.float64
    assert (i32 / i32).dtype == jnp.divide(i32, 2).dtype == np.float32
    assert jnp.reciprocal(i32).dtype == np.float32 and jnp.reciprocal(2) == 0.5
    assert jnp.mean(i32).dtype == jnp.std(i32).dtype == jnp.median(i32).dtype == np.float32
    assert jnp.cumsum(i8).dtype == np.int8 and jnp.sum(i8).dtype == np.int64
    assert jnp.searchsorted(jnp.arange(3), 1).dtype == np.int32
    assert jnp.outer(jnp.ones(2, np.complex64), 1).dtype == np.complex64
    assert jnp.kron(jnp.ones(2, np.float16), 1.0).dtype == np.float16
    assert (i8 + 1000).dtype == np.int8 and int(jnp.int8(3) + 1000) == -21


def test_values_are_numpys_where_only_the_dtype_is_jaxs():
    a, v = np.arange(6), np.arange(2)
    got = jnp.convolve(a, v, "valid")
    assert got.dtype == np.float64   # JAX convolves in an inexact dtype
    np.testing.assert_array_equal(got, np.convolve(a, v, "valid"))
    srt, q = np.array([-1.0, 0.0, 0.0, 1.5]), np.array([[-2.0, 0.0], [0.5, 9.0]])
    for side in ("left", "right"):
        got = jnp.searchsorted(srt, q, side=side)
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, np.searchsorted(srt, q, side=side))
    x = np.arange(8.0).reshape(2, 4).astype(np.float32)
    assert jnp.cov(x).dtype == np.float32 and jnp.cov(x.astype(np.int32)).dtype == np.float32
    np.testing.assert_allclose(jnp.cov(x), np.cov(x), rtol=1e-6)
    assert jnp.linalg.inv(np.eye(2, dtype=np.int32)).dtype == np.float32
    assert jnp.linalg.norm(np.ones(3, np.int64)).dtype == np.float64


def _batched(d):
    return (np.arange(6).reshape(3, 2) % 2 + 1).astype(d)


@pytest.mark.parametrize("fn", [
    lambda a, b: a + b, lambda a, b: a / b, lambda a, b: jnp.divide(a, b),
    lambda a, b: jnp.sqrt(a) * b, lambda a, b: jnp.arctan2(a, b), lambda a, b: a ** b,
    lambda a, b: jnp.where(a > 0, a, b), lambda a, b: jnp.dot(a, b),
    lambda a, b: jnp.outer(a, 1) + b[0], lambda a, b: jnp.mean(a) + jnp.cumsum(b),
    lambda a, b: jnp.concatenate([a, b]), lambda a, b: a // b],
    ids=["add", "truediv", "divide", "sqrt", "arctan2", "pow", "where", "dot", "outer",
         "mean_cumsum", "concatenate", "floordiv"])
@pytest.mark.parametrize("d1,d2", [("int32", "float32"), ("int8", "int8"), ("bool", "int16"),
                                   ("float16", "int64"), ("uint32", "float32")])
def test_vmap_and_jit_give_the_eager_dtypes(fn, d1, d2):
    if fn(np.ones(2, bool), np.ones(2, bool)) is None:   # pragma: no cover
        return
    A, B = _batched(d1), _batched(d2)
    try:
        eager = fn(jnp.asarray(A[0]), jnp.asarray(B[0]))
    except TypeError:
        return   # not defined for these dtypes (bool ** bool... follows JAX)
    assert vmapx.vmap(fn)(A, B).dtype == eager.dtype
    assert vmapx.jit(fn)(A[0], B[0]).dtype == eager.dtype
    assert vmapx.jit(vmapx.vmap(fn))(A, B).dtype == eager.dtype


def test_grad_keeps_the_input_dtype_through_promotion():
    def f(x):   # float32 with an int32 array: float32 throughout, as in JAX
        return jnp.sum(x * jnp.arange(3, dtype=np.int32) / 2)
    x = np.ones(3, np.float32)
    assert f(x).dtype == np.float32
    g = vmapx.grad(f)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [0.0, 0.5, 1.0])
    assert vmapx.vmap(vmapx.grad(f))(np.ones((2, 3), np.float32)).dtype == np.float32


# ------------------------------------------------ NumPy's functions keep NumPy's dtypes

NUMPY_CALLS = {
    "add": lambda x, y: np.add(x, y), "divide": lambda x, y: np.divide(x, y),
    "sqrt": lambda x, y: np.sqrt(x), "mean": lambda x, y: np.mean(x),
    "std": lambda x, y: np.std(x), "median": lambda x, y: np.median(x),
    "arctan2": lambda x, y: np.arctan2(x, y), "power": lambda x, y: np.power(x, y),
    "outer": lambda x, y: np.outer(x, 1), "concatenate": lambda x, y: np.concatenate([x, y]),
    "where": lambda x, y: np.where(x > 0, x, y), "dot": lambda x, y: np.dot(x, y),
    "cumsum": lambda x, y: np.cumsum(x), "reciprocal": lambda x, y: np.reciprocal(y),
    "interp": lambda x, y: np.interp(x, np.sort(y), y),
    "convolve": lambda x, y: np.convolve(x, y), "float_power": lambda x, y: np.float_power(x, y),
    "linalg.norm": lambda x, y: np.linalg.norm(x), "searchsorted": lambda x, y: np.searchsorted(
        np.sort(y), x), "isclose": lambda x, y: np.isclose(x, y), "cov": lambda x, y: np.cov(x, y),
    "average": lambda x, y: np.average(x, weights=y), "clip": lambda x, y: np.clip(x, y, 5),
}


@pytest.mark.parametrize("name", sorted(NUMPY_CALLS))
@pytest.mark.parametrize("d1,d2", [("int32", "float32"), ("int8", "int8"), ("int16", "float16"),
                                   ("bool", "int32"), ("uint8", "int64")])
def test_numpy_functions_on_traced_values_keep_numpys_dtypes(name, d1, d2):
    fn = NUMPY_CALLS[name]
    X = (np.arange(12).reshape(3, 4) % 3 + 1).astype(d1)
    Y = (np.arange(12).reshape(3, 4)[::-1] % 4 + 1).astype(d2)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            want = np.stack([np.asarray(fn(x, y)) for x, y in zip(X, Y)])
        except TypeError:
            return   # NumPy itself refuses these dtypes
        got = vmapx.vmap(fn)(X, Y)
    assert got.dtype == want.dtype, f"np.{name}({d1}, {d2}): {got.dtype} != NumPy's {want.dtype}"
    np.testing.assert_allclose(np.asarray(got, float) if got.dtype.kind != "c" else got,
                               np.asarray(want, float) if want.dtype.kind != "c" else want,
                               rtol=2e-3 if want.dtype == np.float16 else 1e-6)


def test_operators_in_numpy_code_follow_jax():
    X = np.ones((3, 2), np.int32)
    out = vmapx.vmap(lambda x: x / np.float32(2) + np.sqrt(x))(X)   # np.sqrt: NumPy's float64
    assert out.dtype == np.float64
    assert vmapx.vmap(lambda x: x / 2)(X).dtype == np.float32      # the operator: JAX's


# ------------------------------------------------------------ scalar types


def test_scalar_types_make_arrays_and_stay_dtypes():
    x = jnp.float32(3.0)
    assert type(x) is vmapx.Array and x.dtype == np.float32 and x.shape == ()
    assert jnp.int8(3.7).dtype == np.int8 and int(jnp.int8(3.7)) == 3
    assert jnp.bool_(2).dtype == np.bool_ and jnp.complex64(1).dtype == np.complex64
    assert jnp.float32([1, 2]).shape == (2,)
    assert jnp.int8(3) + 1000 == -21 and (jnp.int8(3) + 1000).dtype == np.int8
    assert np.dtype(jnp.float32) == np.float32 and jnp.dtype(jnp.int8) == np.int8
    assert jnp.zeros(3, jnp.float32).dtype == np.float32
    assert jnp.ones(2).astype(jnp.int16).dtype == np.int16
    assert np.ones(2).astype(jnp.uint8).dtype == np.uint8
    assert jnp.issubdtype(jnp.float32, jnp.floating) and np.issubdtype(jnp.int8, np.integer)
    assert jnp.issubdtype(x.dtype, jnp.floating)
    assert isinstance(np.float32(1), jnp.float32) and not isinstance(x, jnp.float32)
    assert jnp.float32 == np.float32 and np.float32 == jnp.float32
    assert {np.float32: 1}[jnp.float32] == 1 and jnp.finfo(jnp.float32).bits == 32
    assert jnp.float64 == jnp.float_ and jnp.bool is jnp.bool_


def test_scalar_types_work_on_traced_values():
    out = vmapx.vmap(lambda t: jnp.float32(t) * 2)(np.arange(3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0, 2, 4])
    assert vmapx.jit(lambda t: jnp.int16(t))(3.9).dtype == np.int16
    assert vmapx.grad(lambda t: jnp.sum(jnp.float32(t) * 2.0))(1.0) == 2.0


# JAX 0.10.2 (x64): a traced float32 value with Python numbers in jnp.array / stack
_ARRAY_OF_TRACED = {
    "jit [x32, 2.0]": (lambda x: vmapx.jit(lambda v: jnp.array([v[0], 2.0]))(x), "float32"),
    "jit [i32, 2]": (lambda x: vmapx.jit(lambda v: jnp.array([v[0].astype(np.int32), 2]))(x),
                     "int32"),
    "jit [i32, 2.5]": (lambda x: vmapx.jit(
        lambda v: jnp.array([v[0].astype(np.int32), 2.5]))(x), "float64"),
    "jit [x32, [1., 2., 3.]]": (lambda x: vmapx.jit(lambda v: jnp.array([v, [1.0, 2.0, 3.0]]))(x),
                                "float32"),
    "vmap [x32, 1.0]": (lambda x: vmapx.vmap(lambda v: jnp.array([v, 1.0]))(x), "float32"),
    "jit stack": (lambda x: vmapx.jit(lambda v: jnp.stack([v[0], 2.0]))(x), "float32"),
}


@pytest.mark.parametrize("name", list(_ARRAY_OF_TRACED))
def test_python_numbers_are_weak_in_jnp_array_of_traced_values(name):
    f, want = _ARRAY_OF_TRACED[name]
    assert f(np.ones(3, np.float32)).dtype == np.dtype(want)


@pytest.mark.parametrize("f", [lambda x: np.array([x[0], 2.0]), lambda x: np.stack([x[0], 2.0]),
                               lambda x: np.array([x, [1.0, 2.0, 3.0]])])
def test_numpys_own_array_and_stack_on_traced_values_keep_numpys_dtype(f):
    xs = np.ones((4, 3), np.float32)
    want = np.stack([f(x) for x in xs])
    got = vmapx.vmap(f)(xs)
    assert got.dtype == want.dtype == np.float64
    np.testing.assert_array_equal(got, want)


def test_concrete_lists_promote_as_jax_with_python_numbers_weak():
    # JAX 0.10.2 (x64) dtypes; the same rule as for lists holding traced values
    cases = [([np.float32(1), 2.0], "float32"), ([1, 2.0], "float64"),
             ([np.int8(1), 2], "int8"), ([[np.float32(1)], [2.0]], "float32"),
             ([np.float16(1), 3], "float16"), ([np.int32(1), 2.5], "float64"),
             ([True, 2], "int64")]
    for obj, want in cases:
        assert jnp.array(obj).dtype == np.dtype(want), obj
        assert jnp.asarray(obj).dtype == np.dtype(want), obj
    assert jnp.array([np.float32(1), 2.0], dtype=np.float64).dtype == np.float64
