"""Inputs JAX rejects raise JAX's exception types and wording wherever they
enter (vmap mapped and unmapped, jit, vmapx.numpy conversions and functions);
np.matrix becomes a plain array; ``c += traced`` on a NumPy array computes the
new value and leaves ``c`` alone."""
from __future__ import annotations

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp

DTYPE_MSG = "is not a valid JAX array type. Only arrays of numeric types are supported by JAX."
MASKED_MSG = ("numpy masked arrays are not supported as direct inputs to JAX functions. "
              "Use arr.filled() to convert the value to a standard numpy array.")

NON_NUMERIC = {
    "object": np.array([1, 2], dtype=object),
    "structured": np.zeros(2, dtype=[("a", "f8"), ("b", "i4")]),
    "string": np.array(["a", "b"]),
    "bytes": np.array([b"a", b"b"]),
    "datetime": np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"),
    "timedelta": np.array([1, 2], dtype="timedelta64[s]"),
}

ENTRY_POINTS = {
    "vmap_mapped": lambda a: vmapx.vmap(lambda x: x)(a),
    "vmap_unmapped": lambda a: vmapx.vmap(lambda x, y: x, in_axes=(0, None))(np.ones(2), a),
    "vmap_pytree": lambda a: vmapx.vmap(lambda d: d["a"])({"a": a}),
    "jit": lambda a: vmapx.jit(lambda x: x)(a),
    "jit_kwarg": lambda a: vmapx.jit(lambda x=None: x)(x=a),
    "asarray": lambda a: jnp.asarray(a),
    "array": lambda a: jnp.array(a),
    "sum": lambda a: jnp.sum(a),
    "add": lambda a: jnp.add(a, a),
    "sin": lambda a: jnp.sin(a),
    "traced_operand": lambda a: vmapx.vmap(lambda x: x + a)(np.ones((2, 2))),
}


@pytest.mark.parametrize("kind", NON_NUMERIC)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_non_numeric_arrays_raise_type_error(kind, entry):
    with pytest.raises(TypeError) as info:
        ENTRY_POINTS[entry](NON_NUMERIC[kind])
    msg = str(info.value)
    if entry.startswith("jit"):
        assert msg.startswith("Error interpreting argument to ") and "as an abstract array" in msg
        assert "at path x." in msg
    else:
        assert msg == f"Dtype {NON_NUMERIC[kind].dtype} {DTYPE_MSG}"


@pytest.mark.parametrize("value", [2 ** 63, 2 ** 70, -2 ** 63 - 1])
def test_python_ints_outside_int64_overflow_as_in_jax(value):
    with pytest.raises(OverflowError, match=f"^Python int {value} too large to convert to "
                                            "int64$"):
        jnp.asarray(value)
    with pytest.raises(OverflowError, match="too large to convert to C long"):
        jnp.array([value, 1])
    with pytest.raises(OverflowError, match="whose argument path is x. Got <class 'int'>"):
        vmapx.jit(lambda x: x)(value)
    with pytest.raises(OverflowError, match="whose argument path is y. Got <class 'int'>"):
        vmapx.vmap(lambda x: x + value)(np.ones(2))
    with pytest.raises(OverflowError, match="whose argument path is y"):
        jnp.add(np.ones(2), value)


def test_python_ints_at_the_int64_limits_are_accepted():
    for value in (2 ** 63 - 1, -2 ** 63):
        out = jnp.asarray(value)
        assert out.dtype == np.int64 and int(out) == value
        assert vmapx.jit(lambda x: x)(value) == value
    assert jnp.array([2 ** 63 - 1, 1]).dtype == np.int64


MASKED_ENTRIES = {
    "jit_sum": lambda m: vmapx.jit(jnp.sum)(m),
    "sum": lambda m: jnp.sum(m),
    "asarray": lambda m: jnp.asarray(m),
    "vmap": lambda m: vmapx.vmap(lambda x: x * 2)(m),
    "vmap_unmapped": lambda m: vmapx.vmap(lambda x, y: x + y, in_axes=(0, None))(np.ones(3), m),
    "jit_pytree": lambda m: vmapx.jit(lambda d: d["m"])({"m": m}),
}


@pytest.mark.parametrize("entry", MASKED_ENTRIES)
def test_masked_arrays_raise_instead_of_dropping_the_mask(entry):
    m = np.ma.array([1, 2, 3], mask=[0, 1, 0])
    with pytest.raises(ValueError) as info:
        MASKED_ENTRIES[entry](m)
    assert str(info.value) == MASKED_MSG


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_matrix_inputs_become_plain_arrays():
    m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    plain = np.asarray(m).view(np.ndarray)
    for out, want in [(vmapx.jit(lambda x: x * 2)(m), plain * 2),
                      (vmapx.vmap(lambda r: r * 2)(m), plain * 2),
                      (jnp.asarray(m), plain), (vmapx.jit(lambda x: x[0])(m), plain[0]),
                      (vmapx.vmap(lambda r: r.sum())(m), plain.sum(1))]:
        assert not isinstance(out, np.matrix)
        assert out.shape == want.shape and out.dtype == want.dtype
        np.testing.assert_array_equal(out, want)


def test_in_place_operator_on_a_numpy_array_with_a_traced_operand_rebinds_the_name():
    c = np.zeros(3)

    def f(v):
        acc = c
        acc += v        # NumPy's in-place add with a traced operand
        acc *= 2.0
        return acc
    xs = np.arange(6.0).reshape(2, 3)
    out = vmapx.vmap(f)(xs)
    assert out.shape == (2, 3) and out.dtype == np.float64
    np.testing.assert_array_equal(out, np.stack([(c + x) * 2.0 for x in xs]))
    np.testing.assert_array_equal(c, np.zeros(3))     # c itself is unchanged
    np.testing.assert_array_equal(vmapx.jit(f)(xs[1]), (xs[1]) * 2.0)
    np.testing.assert_array_equal(c, np.zeros(3))
    np.testing.assert_allclose(vmapx.grad(lambda v: f(v).sum())(xs[0]), np.full(3, 2.0))


def test_out_arguments_other_than_in_place_still_raise():
    # into an array made inside the function (a buffer): NumPy's result, as the loop
    out = vmapx.vmap(lambda v: np.add(v, 1.0, out=np.zeros(3)))(np.ones((2, 3)))
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))
    # into an array of the caller's: it cannot hold every example's values
    outside = np.zeros(3)
    with pytest.raises(TypeError, match="out=..."):
        vmapx.vmap(lambda v: np.add(v, 1.0, out=outside))(np.ones((2, 3)))
    np.testing.assert_array_equal(outside, np.zeros(3))
