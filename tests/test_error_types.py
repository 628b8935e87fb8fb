"""Errors that JAX and NumPy type differently are both: a shape that does not
fit is JAX's ``TypeError`` and NumPy's ``ValueError`` (``ShapeError``); a float
index is JAX's ``TypeError`` and NumPy's ``IndexError`` (``IndexerTypeError``),
worded as JAX's.  JAX programs' ``except TypeError`` and NumPy users'
``except ValueError`` / ``IndexError`` both keep working."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.errors import IndexerTypeError, ShapeError

SHAPE_CASES = {
    "reshape": (lambda: jnp.reshape(jnp.ones(3), 4),
                "cannot reshape array of shape (3,) (size 3) into shape 4 (size 4)"),
    "Array.reshape": (lambda: jnp.ones(3).reshape(2, 2),
                      "cannot reshape array of shape (3,) (size 3) into shape (2, 2) (size 4)"),
    "reshape -1": (lambda: jnp.ones(3).reshape(-1, 2),
                   "cannot reshape array of shape (3,) (size 3) into shape (-1, 2) because the "
                   "product of specified axis sizes (2) does not evenly divide 3"),
    "two -1": (lambda: jnp.reshape(jnp.ones(4), (-1, -1)),
               "can only specify one unknown axis size with a `-1` value, got (-1, -1)"),
    "jit reshape": (lambda: vmapx.jit(lambda a: a.reshape(4))(np.ones(3)), "cannot reshape"),
    "add": (lambda: jnp.add(jnp.ones(3), jnp.ones(4)),
            "add got incompatible shapes for broadcasting: (3,), (4,)."),
    "Array +": (lambda: jnp.ones(3) + jnp.ones(4),
                "add got incompatible shapes for broadcasting: (3,), (4,)."),
    "reflected -": (lambda: np.ones(4) - jnp.ones(3),
                    "sub got incompatible shapes for broadcasting: (4,), (3,)."),
    "jit +": (lambda: vmapx.jit(lambda a, b: a + b)(np.ones(3), np.ones(4)),
              "got incompatible shapes for broadcasting"),
    # ranks that differ: JAX's numpy layer words it so (before promoting ranks)
    "ranks *": (lambda: jnp.ones(100) * jnp.ones((100, 10)),
                "Incompatible shapes for broadcasting: shapes=[(100,), (100, 10)]"),
    "jit ranks": (lambda: vmapx.jit(jnp.multiply)(np.ones(3), np.ones((2, 4))),
                  "Incompatible shapes for broadcasting: shapes=[(3,), (2, 4)]"),
    "dot": (lambda: jnp.dot(jnp.ones((3, 4)), jnp.ones((5, 4))),
            "dot_general requires contracting dimensions to have the same shape, got (4,) and "
            "(5,)."),
    "Array @": (lambda: jnp.ones((3, 4)) @ jnp.ones((5, 4)),
                "dot_general requires contracting dimensions to have the same shape, got (4,) "
                "and (5,)."),
    "tensordot": (lambda: jnp.tensordot(jnp.ones((3, 4)), jnp.ones((5, 4)), 1),
                  "dot_general requires contracting dimensions"),
    "vmap dot": (lambda: vmapx.vmap(jnp.dot)(np.ones((2, 3, 4)), np.ones((2, 5, 4))),
                 "dot_general requires contracting dimensions"),
    "concatenate": (lambda: jnp.concatenate([jnp.ones((2, 3)), jnp.ones((2, 4))], axis=0),
                    "Cannot concatenate arrays with shapes that differ"),
}


@pytest.mark.parametrize("name", list(SHAPE_CASES))
def test_shape_errors_are_jaxs_type_error_and_numpys_value_error(name):
    f, msg = SHAPE_CASES[name]
    with pytest.raises(ShapeError) as info:
        f()
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert msg in str(info.value)


def test_jaxs_tutorial_pattern_catches_the_type_error():
    """JAX's NN tutorial calls an unbatched ``predict`` on a batch and catches
    TypeError; a NumPy user catching ValueError still works."""
    predict = lambda w, x: jnp.dot(w, x)
    w, batch = np.ones((3, 4)), np.ones((5, 4))
    for handler in (TypeError, ValueError):
        try:
            predict(w, batch)
        except handler:
            pass
        else:  # pragma: no cover
            pytest.fail("no error")
    assert vmapx.vmap(predict, (None, 0))(w, batch).shape == (5, 3)


@pytest.mark.parametrize("index", [1.5, np.array([1.5]), (0, np.array([0.5]))],
                         ids=["float", "float array", "float in tuple"])
def test_float_indices_are_jaxs_type_error_and_numpys_index_error(index):
    x = jnp.zeros((3, 3))
    with pytest.raises(IndexerTypeError, match="Indexer must have integer or boolean type, got "
                                               "indexer with type float64") as info:
        x[index]
    assert isinstance(info.value, TypeError) and isinstance(info.value, IndexError)
    with pytest.raises(TypeError, match="Indexer must have integer or boolean type"):
        vmapx.jit(lambda a: a[index])(np.zeros((3, 3)))


def test_out_of_bounds_integer_index_stays_numpys_index_error():
    with pytest.raises(IndexError, match="index 5 is out of bounds") as info:
        jnp.zeros(3)[5]
    assert not isinstance(info.value, TypeError)


def test_traced_shape_under_jit_is_jaxs_error_and_concrete_per_example():
    with pytest.raises(TypeError, match="Shapes must be 1D sequences of concrete values of "
                                        "integer type"):
        vmapx.jit(lambda n: jnp.zeros(n))(3)
    # per-example code: each example's own length
    got = vmapx.vmap(lambda n: jnp.ones(n).sum())(np.array([2, 3]))
    np.testing.assert_array_equal(got, [2.0, 3.0])


def test_shaped_array_repr_is_jaxs():
    assert repr(vmapx.typeof(np.ones((2, 3), np.float32))) == "ShapedArray(float32[2,3])"
    assert repr(vmapx.typeof(1.0)) == "ShapedArray(float64[], weak_type=True)"
    assert repr(vmapx.make_jaxpr(lambda x: x)(1.0).out_avals) == \
        "[ShapedArray(float64[], weak_type=True)]"


def test_array_operators_keep_numpys_results():
    a, b = jnp.arange(3.0), np.arange(3.0)
    for op in ("__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__lt__", "__eq__",
               "__radd__", "__rsub__", "__rtruediv__", "__rpow__"):
        got = getattr(a, op)(b + 1)
        with np.errstate(all="ignore"):
            want = getattr(np.ndarray, op)(b, b + 1)
        assert type(got) is vmapx.Array
        np.testing.assert_array_equal(got, want)
    assert (jnp.ones((2, 2)) @ np.ones(2)).tolist() == [2.0, 2.0]


def test_array_operators_are_silent_on_floating_point_errors():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = jnp.array([1.0, -1.0, 0.0]) / 0.0
    np.testing.assert_array_equal(np.isinf(got), [True, True, False])


@pytest.mark.parametrize("make", [lambda: jnp.zeros((2, -1)), lambda: jnp.ones(-3),
                                  lambda: jnp.empty(-1), lambda: jnp.full(-1, 2.0)])
def test_negative_dimensions_are_jaxs_type_error_and_numpys_value_error(make):
    with pytest.raises(ShapeError, match="shape must have every element be nonnegative"):
        make()
    with pytest.raises(TypeError):
        make()
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("value", [None, [1, None], [[1.0], [None]]])
def test_none_in_an_array_is_jaxs_value_error(value):
    with pytest.raises(ValueError, match="None is not a valid value for jnp.array"):
        jnp.asarray(value)
    with pytest.raises(ValueError, match="None is not a valid value for jnp.array"):
        jnp.array(value)


def test_donated_arguments_are_checked_against_the_signature_as_in_jax():
    with pytest.raises(ValueError, match=r"donate_argnums=\(5,\), but only accepts 1 "
                                         "positional arguments"):
        vmapx.jit(lambda x: x * 2, donate_argnums=5)
    with pytest.raises(ValueError, match=r"invalid argnames \{'y'\} in donate_argnames"):
        vmapx.jit(lambda x: x * 2, donate_argnames="y")
    assert vmapx.jit(lambda x: x * 2, donate_argnums=0)(1.0) == 2.0
    assert vmapx.jit(lambda *a: a[0], donate_argnums=3)(1.0) == 1.0   # *args: any number


FLOATS = np.array([np.nan, np.inf, -np.inf, 1e10, -1e10, 1e19, -1e19, -1.5, 2.7, 300.0, -300.0])
# JAX 0.10.2 (x64) values of FLOATS.astype(dtype): XLA's cast truncates toward zero,
# saturates at the bounds and sends NaN to 0.
SATURATED = {
    np.int8: [0, 127, -128, 127, -128, 127, -128, -1, 2, 127, -128],
    np.int32: [0, 2**31 - 1, -2**31, 2**31 - 1, -2**31, 2**31 - 1, -2**31, -1, 2, 300, -300],
    np.int64: [0, 2**63 - 1, -2**63, 10**10, -10**10, 2**63 - 1, -2**63, -1, 2, 300, -300],
    np.uint8: [0, 255, 0, 255, 0, 255, 0, 0, 2, 255, 0],
    np.uint32: [0, 2**32 - 1, 0, 2**32 - 1, 0, 2**32 - 1, 0, 0, 2, 300, 0],
    np.uint64: [0, 2**64 - 1, 0, 10**10, 0, 10**19, 0, 0, 2, 300, 0],
}


@pytest.mark.parametrize("dtype", list(SATURATED))
def test_float_to_int_casts_saturate_as_jaxs(dtype):
    want = SATURATED[dtype]
    with np.errstate(all="raise"):    # and no "invalid value encountered in cast"
        assert jnp.asarray(FLOATS).astype(dtype).tolist() == want            # Array.astype
        assert jnp.astype(FLOATS, dtype).tolist() == want                    # vmapx.numpy
        assert vmapx.jit(lambda x: x.astype(dtype))(FLOATS).tolist() == want  # the primitive
        assert vmapx.vmap(lambda x: jnp.astype(x, dtype))(FLOATS).tolist() == want
        assert jnp.asarray(FLOATS.astype(np.float32)).astype(dtype).dtype == dtype
    assert jnp.astype(float("nan"), dtype).tolist() == 0
    assert jnp.asarray([1.9 + 5j]).astype(dtype).tolist() == [1]   # the real part


def test_in_range_casts_are_numpys():
    x = np.linspace(-100, 100, 41)
    np.testing.assert_array_equal(jnp.asarray(x).astype(np.int16), x.astype(np.int16))
    assert jnp.arange(3).astype(float).dtype == np.float64
    assert type(jnp.asarray(x).astype(np.int16)) is vmapx.Array
