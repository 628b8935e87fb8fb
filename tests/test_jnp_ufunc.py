"""``vmapx.numpy.ufunc`` / ``frompyfunc``: NumPy's own ufunc methods as the
oracle for values, JAX 0.10.2 (x64, where installed) for dtypes, the loop for
``vmap``, eager for ``jit``, finite differences for derivatives, and errors.
"""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp

RNG = np.random.default_rng(7)

add = jnp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
sub = jnp.frompyfunc(lambda a, b: a - b, 2, 1)
mul = jnp.frompyfunc(lambda a, b: a * b, 2, 1, identity=1)
neg = jnp.frompyfunc(lambda a: -a, 1, 1)
divmod_ = jnp.frompyfunc(lambda a, b: (a // b, a % b), 2, 2)


def _same(got, want):
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def test_attributes_repr_and_equality():
    assert (add.nin, add.nout, add.nargs, add.identity) == (2, 1, 2, 0)
    assert (divmod_.nin, divmod_.nout, neg.identity) == (2, 2, None)
    assert repr(add) == "<jnp.ufunc '<lambda>'>"
    named = jnp.ufunc(np.add, 2, 1, name="plus", identity=0)
    assert repr(named) == "<jnp.ufunc 'plus'>" and named.__name__ == "plus"
    assert named == jnp.ufunc(np.add, 2, 1, name="plus", identity=0)
    assert hash(named) == hash(jnp.ufunc(np.add, 2, 1, name="plus", identity=0))
    assert named != jnp.ufunc(np.add, 2, 1, name="plus", identity=1)
    assert isinstance(add, jnp.ufunc)


def test_call_broadcasts_and_returns_each_output():
    x, y = RNG.integers(1, 20, (3, 1)), RNG.integers(1, 5, (4,))
    _same(sub(x, y), np.subtract(x, y))
    q, r = divmod_(x, y)
    _same(q, x // y)
    _same(r, x % y)
    _same(neg(np.float32(2.5)), np.float32(-2.5))


@pytest.mark.parametrize("kwargs", [
    {}, {"axis": 1}, {"axis": -1, "keepdims": True}, {"initial": 100.0},
    {"axis": 1, "initial": 1.5, "where": np.array([True, False, True, True])},
])
def test_reduce_is_numpys_left_fold(kwargs):
    x = RNG.normal(size=(3, 4))
    _same(sub.reduce(x, **kwargs), np.subtract.reduce(x, **kwargs))


@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_over_no_axis_folds_the_flattened_array(keepdims):
    # NumPy refuses axis=None for a non-reorderable ufunc; JAX folds in C order.
    x = RNG.normal(size=(3, 4))
    want = np.subtract.reduce(x.ravel())
    _same(sub.reduce(x, axis=None, keepdims=keepdims),
          np.reshape(want, (1, 1)) if keepdims else want)


def test_reduce_of_empty_input_uses_the_identity():
    _same(add.reduce(np.zeros((0, 3))), np.add.reduce(np.zeros((0, 3))))
    _same(mul.reduce(np.zeros((2, 0)), axis=1, keepdims=True),
          np.multiply.reduce(np.zeros((2, 0)), axis=1, keepdims=True))
    with pytest.raises(ValueError, match="zero-size array to reduction operation"):
        sub.reduce(np.zeros((0, 2)))


def test_reduce_dtypes_follow_the_function():
    ints = np.arange(1, 5)
    assert mul.reduce(ints).dtype == np.int64
    assert mul.reduce(ints.astype(np.int32)).dtype == np.int32
    assert mul.reduce(ints, dtype=np.float32).dtype == np.float32
    half = jnp.frompyfunc(lambda a, b: (a + b) / 2, 2, 1)
    assert half.reduce(ints).dtype == np.float64
    _same(half.reduce(ints), ((1 + 2) / 2 + 3) / 2 / 2 + 4 / 2)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_accumulate_is_numpys(axis):
    x = RNG.integers(-9, 9, (3, 4))
    _same(sub.accumulate(x, axis=axis), np.subtract.accumulate(x, axis=axis))
    _same(mul.accumulate(x.astype(float), axis=axis), np.multiply.accumulate(x.astype(float),
                                                                             axis=axis))
    assert add.accumulate(np.zeros((0, 2))).shape == (0, 2)


@pytest.mark.parametrize("indices, shape_b", [
    (np.array([0, 2, 2, 5, 0]), (5,)),       # repeated indices apply in turn
    (np.array([[1], [3]]), (2, 3)),          # broadcast index arrays
    (3, ()),                                 # one position
    (slice(1, 4), ()),                       # a slice takes the whole update
    ((np.array([0, 1, 1]), np.array([2, 0, 0])), (3,)),   # (row, column) pairs, one repeated
])
def test_at_matches_numpys_unbuffered_at(indices, shape_b):
    a = RNG.normal(size=(6,)) if not isinstance(indices, tuple) else RNG.normal(size=(2, 3))
    b = RNG.normal(size=shape_b)
    if isinstance(indices, np.ndarray) and indices.ndim == 2:
        b = RNG.normal(size=(2, 1))
    want = a.copy()
    np.multiply.at(want, indices, b)
    _same(mul.at(a, indices, b, inplace=False), want)
    want = a.copy()
    np.negative.at(want, indices)
    _same(neg.at(a, indices, inplace=False), want)


def test_at_result_takes_the_functions_dtype():
    got = add.at(np.zeros(3, np.int64), np.array([0, 0]), 0.5, inplace=False)
    _same(got, np.array([1.0, 0.0, 0.0]))


@pytest.mark.parametrize("indices, axis", [
    (np.array([0, 4, 1, 5]), 0), (np.array([0, 3, 3, 6]), 0), (np.array([2]), 0),
    (np.array([0, 2]), 1), (np.array([5, 1]), -1),
])
def test_reduceat_is_numpys(indices, axis):
    x = RNG.integers(-5, 9, (7, 7))
    _same(add.reduceat(x, indices, axis=axis), np.add.reduceat(x, indices, axis=axis))
    _same(sub.reduceat(x.astype(float), indices, axis=axis),
          np.subtract.reduceat(x.astype(float), indices, axis=axis))


def test_outer_is_numpys():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(4,))
    _same(sub.outer(a, b), np.subtract.outer(a, b))
    _same(mul.outer(3.0, b), np.multiply.outer(3.0, b))


METHODS = {
    "call": lambda x: sub(x, x[::-1]),
    "reduce": lambda x: sub.reduce(x),
    "reduce-where": lambda x: sub.reduce(x, initial=1.0, where=x > 0),
    "accumulate": lambda x: sub.accumulate(x),
    "at": lambda x: mul.at(x, np.array([0, 2, 2]), x[:3], inplace=False),
    "reduceat": lambda x: sub.reduceat(x, np.array([0, 3, 1])),
    "outer": lambda x: sub.outer(x, x[:2]),
}


@pytest.mark.parametrize("name", sorted(METHODS))
def test_vmap_equals_the_loop(name):
    f = METHODS[name]
    xs = RNG.normal(size=(3, 5))
    got = vmapx.vmap(f)(xs)
    want = np.stack([f(x) for x in xs])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_jit_equals_eager(name):
    f = METHODS[name]
    x = RNG.normal(size=(5,))
    got, want = vmapx.jit(f)(x), f(x)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("name", ["call", "reduce", "accumulate", "at", "reduceat", "outer"])
def test_gradients_match_finite_differences(name):
    f = METHODS[name]
    x, eps = RNG.normal(size=(5,)), 1e-6
    jac = vmapx.jacrev(f)(x)
    fd = np.stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(5)], axis=-1)
    assert jac.shape == fd.shape
    np.testing.assert_allclose(jac, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(vmapx.jacfwd(f)(x), jac, rtol=1e-12, atol=1e-14)


def test_dtypes_match_jax():
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        jmul = jax.numpy.frompyfunc(lambda a, b: a * b, 2, 1, identity=1)
        jhalf = jax.numpy.frompyfunc(lambda a, b: (a + b) / 2, 2, 1)
        ints = np.arange(1, 6)
        half = jnp.frompyfunc(lambda a, b: (a + b) / 2, 2, 1)
        for ours, theirs in [
            (mul.reduce(ints), jmul.reduce(ints)),
            (mul.accumulate(ints.astype(np.int32)), jmul.accumulate(ints.astype(np.int32))),
            (half.reduce(ints), jhalf.reduce(ints)),
            (half.accumulate(ints), jhalf.accumulate(ints)),
            (mul.outer(ints, np.int32(2)), jmul.outer(ints, np.int32(2))),
            (mul.at(ints, 1, 3, inplace=False), jmul.at(ints, 1, 3, inplace=False)),
            (mul.reduceat(ints, np.array([0, 2])), jmul.reduceat(ints, np.array([0, 2]))),
            (mul(ints, 2.5), jmul(ints, 2.5)),
        ]:
            _same(ours, theirs)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: neg.reduce(np.ones(3)), ValueError, "reduce only supported for binary ufuncs"),
    (lambda: divmod_.accumulate(np.ones(3)), ValueError,
     "accumulate only supported for functions returning a single value"),
    (lambda: neg.outer(np.ones(3), np.ones(2)), ValueError,
     "outer only supported for binary ufuncs"),
    (lambda: add.at(np.ones(3), 0, 1.0), NotImplementedError, "inplace=False"),
    (lambda: sub.reduce(np.ones(3), where=np.array([True, False, True])), ValueError,
     "does not have an identity"),
    (lambda: add.reduce(np.ones(3), where=np.ones(3)), ValueError,
     "where argument must have dtype=bool"),
    (lambda: add([1, 2], 3), TypeError, "requires ndarray or scalar arguments"),
    (lambda: add(np.ones(2), 1, out=np.ones(2)), NotImplementedError, "out argument"),
    (lambda: add.reduce(np.ones((2, 2)), axis=(0, 1)), NotImplementedError, "tuple of axes"),
    (lambda: add.reduceat(np.ones((3,)), np.array([[0]])), ValueError,
     "indices must be one-dimensional"),
    (lambda: add.reduceat(np.ones(3), np.array([0]), axis=None), ValueError,
     "reduceat requires a single integer axis."),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_vmap_over_indices_equals_the_loop():
    x = RNG.normal(size=(6,))
    idx = np.array([[0, 0, 3], [5, 1, 1], [2, 2, 2]])
    f = lambda i: mul.at(x, i, 2.0, inplace=False)  # noqa: E731
    got, want = vmapx.vmap(f)(idx), np.stack([f(i) for i in idx])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    g = lambda i: add.reduceat(x, i)  # noqa: E731
    starts = np.array([[0, 2, 4], [1, 1, 5], [3, 0, 2]])
    got, want = vmapx.vmap(g)(starts), np.stack([g(i) for i in starts])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-14)
