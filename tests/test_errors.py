"""Errors of ``vmap``: JAX's wording (JAX 0.10), the per-argument detail of the
inconsistent-sizes message, the concreteness errors raised by Python control
flow / ``float`` / ``np.asarray`` on traced values, and the traceback filter
that keeps vmapx's internal frames out of the user's view."""
from __future__ import annotations

import os
import traceback

import numpy as np
import pytest
from numpy.exceptions import AxisError

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src import core

IN_AXES_MSG = ("vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
               "positional arguments passed to the function")
SRC_DIR = os.path.dirname(os.path.abspath(vmapx.__file__))


def _raises(exc, fn, *args, **kwargs):
    with pytest.raises(exc) as info:
        fn(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------- inconsistent sizes


def test_inconsistent_sizes_names_each_argument():
    # The seed's example (JAX 0.10's wording; vmapx keeps NumPy's int64).
    def add(x, y):
        return x + y
    msg = _raises(ValueError, vmapx.vmap(add), np.arange(10), np.arange(20).reshape(20, 1))
    assert msg == ("vmap got inconsistent sizes for array axes to be mapped:\n"
                   "  * one axis had size 10: axis 0 of argument x of type int64[10];\n"
                   "  * one axis had size 20: axis 0 of argument y of type int64[20,1]")


def test_inconsistent_sizes_groups_the_majority_and_reports_axis_size():
    msg = _raises(ValueError, vmapx.vmap(lambda x, y, z: x, axis_size=4),
                  np.zeros((10, 3)), np.zeros((10, 3)), np.zeros(5))
    assert msg == ("vmap got inconsistent sizes for array axes to be mapped:\n"
                   "  * the `axis_size` argument was 4;\n"
                   "  * most axes (2 of them) had size 10, e.g. axis 0 of argument x of type "
                   "float64[10,3];\n"
                   "  * one axis had size 5: axis 0 of argument z of type float64[5]")


def test_inconsistent_sizes_reports_the_mapped_axis_and_key_paths():
    msg = _raises(ValueError, vmapx.vmap(lambda p: p["a"], in_axes=({"a": 1, "b": 0},)),
                  {"a": np.zeros((2, 3)), "b": np.zeros(4)})
    assert "axis 1 of argument p['a'] of type float64[2,3]" in msg
    assert "axis 0 of argument p['b'] of type float64[4]" in msg


def test_inconsistent_sizes_names_keywords_and_varargs_as_jax_does():
    msg = _raises(ValueError, vmapx.vmap(lambda x, y: x + y), np.zeros(3), y=np.zeros(4))
    assert "axis 0 of kwargs['y'] of type float64[4]" in msg
    msg = _raises(ValueError, vmapx.vmap(lambda *a: a[0]), np.zeros(3), np.zeros(4))
    assert "axis 0 of argument a of type float64[3]" in msg
    assert "axis 0 of args[1] of type float64[4]" in msg


def test_seed_003_batches_of_10_and_20_are_inconsistent():
    f = vmapx.vmap(lambda x, y: x + y, in_axes=(0, 0))
    with pytest.raises(ValueError, match="vmap got inconsistent sizes for array axes to be "
                                         "mapped:\n  \\* one axis had size 10"):
        f(np.zeros((10, 3)), np.zeros((20, 3)))


# ------------------------------------------------------------- in_axes errors


def test_in_axes_of_wrong_type_is_rejected_at_vmap_time():
    msg = _raises(TypeError, vmapx.vmap, lambda x: x, in_axes="a")
    assert msg == f"{IN_AXES_MSG}, but got a."
    msg = _raises(TypeError, vmapx.vmap, lambda a, b: a, in_axes={"a": 0})
    assert msg.startswith(IN_AXES_MSG)


def test_in_axes_with_non_int_leaf_is_rejected():
    msg = _raises(TypeError, vmapx.vmap, lambda x: x, in_axes=(0.5,))
    assert msg == ("vmap in_axes must be an int, None, or (nested) container with those types "
                   "as leaves, but got (0.5,).")


def test_in_axes_tuple_length_must_match_positional_arguments():
    msg = _raises(ValueError, vmapx.vmap(lambda x, y: x, in_axes=(0,)), np.zeros(2), np.zeros(2))
    assert msg == f"{IN_AXES_MSG}, but got len(in_axes)=1, len(args)=2"


def test_seed_002_in_axes_must_cover_every_positional_argument():
    params = [(np.ones((3, 2)), np.ones(3))]
    with pytest.raises(ValueError, match=r"but got len\(in_axes\)=1, len\(args\)=2"):
        vmapx.vmap(lambda p, x: x, in_axes=(0,))(params, np.ones((2, 2)))


@pytest.mark.parametrize("axis, rank, need", [(1, 1, 2), (-3, 1, 3), (0, 0, 1), (2, 2, 3)])
def test_mapped_axis_out_of_range_says_which_rank_it_implies(axis, rank, need):
    x = np.zeros((3,) * rank)
    msg = _raises(ValueError, vmapx.vmap(lambda v: v, in_axes=axis), x)
    assert msg == (f"vmap was requested to map its argument along axis {axis}, which implies "
                   f"that its rank should be at least {need}, but is only {rank} (its shape is "
                   f"{x.shape})")


def test_python_scalar_cannot_be_mapped():
    with pytest.raises(ValueError, match="which implies that its rank should be at least 1, but "
                                         "is only 0"):
        vmapx.vmap(lambda x, y: x * y)(np.arange(3.), 2.0)


def test_nothing_mapped_needs_axis_size():
    msg = _raises(ValueError, vmapx.vmap(lambda x: x, in_axes=None), np.zeros(3))
    assert msg == ("vmap must have at least one non-None value in in_axes or axis_size must be "
                   "specified")


def test_no_arguments_at_all_needs_axis_size():
    msg = _raises(ValueError, vmapx.vmap(lambda: 1.0))
    assert msg.startswith("vmap wrapped function must be passed at least one argument containing "
                          "an array or axis_size must be specified")


def test_in_axes_must_be_a_tree_prefix_of_the_arguments():
    with pytest.raises(ValueError, match="vmap in_axes specification must be a tree prefix of the "
                                         "corresponding value"):
        vmapx.vmap(lambda d: d, in_axes=({"a": 0},))({"b": np.zeros(2)})
    with pytest.raises(ValueError, match="tree prefix"):
        vmapx.vmap(lambda t: t, in_axes=((0, 0, 0),))((np.zeros(2), np.zeros(2)))


def test_mapped_argument_must_be_an_array():
    msg = _raises(TypeError, vmapx.vmap(lambda x, y: x, in_axes=(0, 0)), np.zeros(3), "abc")
    assert msg == "Argument 'abc' of type <class 'str'> is not a valid JAX type"


def test_other_vmap_arguments_are_validated():
    with pytest.raises(TypeError, match="Expected a callable value, got 3"):
        vmapx.vmap(3)
    with pytest.raises(TypeError, match="vmap out_axes must be an int, None, or \\(nested\\) "
                                        "container with those types as leaves, but got a."):
        vmapx.vmap(lambda x: x, out_axes="a")
    with pytest.raises(TypeError, match="axis_name"):
        vmapx.vmap(lambda x: x, axis_name=["i"])
    with pytest.raises(TypeError, match="spmd_axis_name"):
        vmapx.vmap(lambda x: x, spmd_axis_name=["i"])
    with pytest.raises(TypeError, match="axis_size"):  # at call time, as JAX
        vmapx.vmap(lambda x: x, in_axes=None, axis_size=-1)(np.zeros(2))
    with pytest.raises(TypeError, match="kwargs_axes"):
        vmapx.vmap(lambda x: x, kwargs_axes=[("y", 0)])
    with pytest.raises(TypeError, match="kwargs_axes"):
        vmapx.vmap(lambda x: x, kwargs_axes={"y": 0.5})


# ------------------------------------------------------------ out_axes errors


def test_out_axes_none_on_a_mapped_output_names_the_key_path():
    x = np.zeros(3)
    assert _raises(ValueError, vmapx.vmap(lambda v: v, out_axes=None), x) == \
        "at vmap out_axes, got axis spec None but output was batched on axis 0"
    assert _raises(ValueError, vmapx.vmap(lambda v: (v, v), out_axes=(0, None)), x) == \
        "at vmap out_axes[1], got axis spec None but output was batched on axis 0"
    assert _raises(ValueError, vmapx.vmap(lambda v: {"a": v}, out_axes={"a": None}), x) == \
        "at vmap out_axes['a'], got axis spec None but output was batched on axis 0"


def test_out_axes_none_with_axis_name_on_a_mapped_output():
    assert _raises(ValueError, vmapx.vmap(lambda v: v, out_axes=None, axis_name="i"),
                   np.zeros(3)) == "vmap has mapped output (axis_name=i) but out_axes is None"


@pytest.mark.parametrize("out_axes, ndim", [(2, 2), (-3, 2)])
def test_out_axes_out_of_bounds(out_axes, ndim):
    msg = _raises(ValueError, vmapx.vmap(lambda v: v, out_axes=out_axes), np.zeros((3, 2)))
    assert msg == f"axis {out_axes} is out of bounds for array of dimension {ndim}"


def test_seed_003_out_axes_1_on_scalar_outputs_is_out_of_bounds():
    # The seed claims out_axes=(0, 1) works for two per-example scalars; as in JAX,
    # a batched scalar has one axis, so axis 1 is out of bounds.
    f = vmapx.vmap(lambda x: (x ** 2, x ** 3), out_axes=(0, 1))
    with pytest.raises(AxisError, match="axis 1 is out of bounds for array of dimension 1"):
        f(np.arange(10.))


def test_out_axes_must_be_a_tree_prefix_of_the_output():
    with pytest.raises(ValueError, match="vmap out_axes specification must be a tree prefix of "
                                         "the corresponding value"):
        vmapx.vmap(lambda v: v, out_axes=(0,))(np.zeros(3))


def test_output_must_be_an_array():
    msg = _raises(TypeError, vmapx.vmap(lambda v: "abc"), np.zeros(3))
    assert msg == ("Output from batched function 'abc' with type <class 'str'> is not a valid "
                   "JAX type")


# ------------------------------------------------------------ axis names


def test_unbound_axis_name():
    with pytest.raises(NameError, match="unbound axis name: j"):
        vmapx.vmap(lambda v: lax.psum(v, "j"), axis_name="i")(np.zeros(3))
    with pytest.raises(vmapx.UnboundAxisNameError, match="unbound axis name: j"):
        lax.psum(1.0, "j")


# ------------------------------------------------------------ concreteness


def _if_positive(x):
    if x > 0:
        return x
    return -x


def test_python_if_on_a_batched_value_says_to_use_where_or_cond():
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.vmap(_if_positive, strict=True)(np.arange(3.))
    msg = str(info.value)
    assert msg.startswith("Attempted boolean conversion of traced array with shape bool[]")
    assert "where" in msg and "lax.cond" in msg
    assert isinstance(info.value, vmapx.ConcretizationTypeError)
    assert isinstance(info.value, TypeError)


def test_while_and_assert_on_batched_values_raise_the_same_error():
    def loop(x):
        while x < 3:
            x = x + 1
        return x
    with pytest.raises(vmapx.TracerBoolConversionError):
        vmapx.vmap(loop, strict=True)(np.arange(3.))

    def check(x):
        assert x >= 0
        return x
    with pytest.raises(vmapx.TracerBoolConversionError):
        vmapx.vmap(check, strict=True)(np.arange(3.))


def test_float_of_a_batched_value_says_to_use_astype():
    with pytest.raises(vmapx.ConcretizationTypeError) as info:
        vmapx.vmap(lambda x: float(x), strict=True)(np.arange(3.))
    msg = str(info.value)
    assert msg.startswith("Abstract tracer value encountered where concrete value is expected: "
                          "traced array with shape float64[]")
    assert "The problem arose with the `float` function" in msg
    assert "astype" in msg


def test_int_and_index_of_a_batched_value():
    with pytest.raises(vmapx.ConcretizationTypeError, match="`int` function"):
        vmapx.vmap(lambda x: int(x), strict=True)(np.arange(3.))
    with pytest.raises(vmapx.TracerIntegerConversionError, match="__index__"):
        vmapx.vmap(lambda x: [1, 2, 3][x], strict=True)(np.arange(3))
    with pytest.raises(vmapx.ConcretizationTypeError, match=r"\.item\(\)"):
        vmapx.vmap(lambda x: x.item(), strict=True)(np.arange(3.))


def test_np_asarray_of_a_batched_value_says_to_use_vmapx_numpy():
    with pytest.raises(vmapx.TracerArrayConversionError) as info:
        vmapx.vmap(lambda x: np.asarray(x), strict=True)(np.arange(3.))
    msg = str(info.value)
    assert msg.startswith("The numpy.ndarray conversion method __array__() was called on traced "
                          "array with shape float64[]")
    assert "vmapx.numpy" in msg


def test_item_assignment_on_a_batched_value_says_to_use_at():
    def f(x):
        x[0] = 1.0
        return x
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set\(v\)"):
        vmapx.vmap(f, strict=True)(np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set\(v\)"):
        vmapx.jit(vmapx.vmap(f))(np.zeros((3, 2)))


def test_unmapped_values_stay_concrete():
    # Python control flow on values that vmap does not map is fine.
    def f(x, n):
        return x * 2 if n > 1 else x
    np.testing.assert_array_equal(vmapx.vmap(f, in_axes=(0, None))(np.arange(3.), 2), [0., 2., 4.])


def test_leaked_tracer_is_an_unexpected_tracer_error():
    leaked = []

    def f(x):
        leaked.append(x)
        return x
    vmapx.vmap(f)(np.arange(3.))
    with pytest.raises(vmapx.UnexpectedTracerError, match="unexpected tracer"):
        jnp.sin(leaked[0])


def test_missing_batching_rule_names_the_primitive():
    prim = core.Primitive("test_only_no_batch_rule", lambda x: x,
                          abstract=lambda a: a)
    try:
        with pytest.raises(NotImplementedError, match="no batching rule for "
                                                      "'test_only_no_batch_rule'"):
            vmapx.vmap(prim.bind)(np.zeros(3))
    finally:
        del core.primitives["test_only_no_batch_rule"]


def test_unsupported_numpy_function_names_it():
    with pytest.raises(TypeError, match="numpy.real_if_close"):
        vmapx.jit(lambda x: np.real_if_close(x))(np.zeros((2, 3)))
    # per-example code in an eager vmap runs such a call as the loop instead
    with pytest.warns(vmapx.errors.VmapLoopWarning, match="numpy.real_if_close"):
        out = vmapx.vmap(lambda x: np.real_if_close(x))(np.zeros((2, 3)) + 0j)
    assert out.dtype == np.float64 and out.shape == (2, 3)


# ---------------------------------------------------------------- tracebacks


def _frames(exc):
    return traceback.extract_tb(exc.__traceback__)


def test_traceback_ends_at_the_users_line_for_control_flow():
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.vmap(_if_positive, strict=True)(np.arange(3.))
    frames = _frames(info.value)
    assert frames[-1].filename == __file__
    assert frames[-1].name == "_if_positive"
    assert frames[-1].line == "if x > 0:"
    assert not [f for f in frames if f.filename.startswith(SRC_DIR)]


def test_traceback_ends_at_the_users_call_for_vmap_argument_errors():
    with pytest.raises(ValueError) as info:
        vmapx.vmap(lambda x, y: x)(np.zeros(3), np.zeros(4))
    frames = _frames(info.value)
    assert frames[-1].filename == __file__
    assert not [f for f in frames if f.filename.startswith(SRC_DIR)]


def test_traceback_has_no_internal_frames_through_nested_vmaps():
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.vmap(vmapx.vmap(_if_positive, strict=True), strict=True)(np.ones((2, 3)))
    frames = _frames(info.value)
    assert frames[-1].name == "_if_positive"
    assert not [f for f in frames if f.filename.startswith(SRC_DIR)]

    def outer(x):
        return vmapx.vmap(lambda y, z: y)(x, np.zeros(4))
    with pytest.raises(ValueError) as info:
        vmapx.vmap(outer)(np.ones((2, 3)))
    frames = _frames(info.value)
    assert frames[-1].name == "outer"
    assert not [f for f in frames if f.filename.startswith(SRC_DIR)]


def test_traceback_filtering_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("VMAPX_TRACEBACK_FILTERING", "off")
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.vmap(_if_positive, strict=True)(np.arange(3.))
    assert [f for f in _frames(info.value) if f.filename.startswith(SRC_DIR)]


def test_jaxs_traceback_filtering_option_turns_it_off():
    try:
        vmapx.config.update("jax_traceback_filtering", "off")
        with pytest.raises(vmapx.TracerBoolConversionError) as info:
            vmapx.vmap(_if_positive, strict=True)(np.arange(3.))
        assert [f for f in _frames(info.value) if f.filename.startswith(SRC_DIR)]
    finally:
        vmapx.config.update("jax_traceback_filtering", "auto")
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.vmap(_if_positive, strict=True)(np.arange(3.))
    assert not [f for f in _frames(info.value) if f.filename.startswith(SRC_DIR)]
    with pytest.raises(ValueError, match="new enum value must be in"):
        vmapx.config.update("jax_traceback_filtering", "none")


# ------------------------------------- tree-prefix mismatch details (JAX 0.10.2 wording)

_PREFIX_HEAD = "vmap {} specification must be a tree prefix of the corresponding value; \n"


def test_in_axes_prefix_mismatch_reports_different_types_at_key_path():
    z = np.arange(4.0)
    with pytest.raises(ValueError) as e:
        vmapx.vmap(lambda a, b: a, in_axes=(0, (0, 0)))(z, [z, z])
    assert str(e.value) == _PREFIX_HEAD.format("in_axes") + (
        "  Mismatch details (1 found):\n"
        "  pytree structure error: different types at key path\n"
        "    vmap in_axes[1]\n"
        "At that key path, the prefix pytree vmap in_axes has a subtree of type\n"
        "    <class 'tuple'>\n"
        "but at the same key path the full pytree has a subtree of different type\n"
        "    <class 'list'>.")


def test_in_axes_prefix_mismatch_reports_every_error_and_tuple_lengths():
    z = np.arange(4.0)
    with pytest.raises(ValueError) as e:
        vmapx.vmap(lambda a, b: a, in_axes=((0, 0), (0, 0, 0)))(z, (z, z))
    msg = str(e.value)
    assert "Mismatch details (2 found):" in msg
    assert "different types at key path\n    vmap in_axes[0]\n" in msg
    assert msg.endswith(
        "  pytree structure error: different lengths of tuple at key path\n"
        "    vmap in_axes[1]\n"
        "At that key path, the prefix pytree vmap in_axes has a subtree of type tuple of "
        "length 3, but the full pytree has a subtree of the same type but of length 2.")


def test_in_axes_prefix_mismatch_reports_dict_keys():
    z = np.arange(4.0)
    with pytest.raises(ValueError) as e:
        vmapx.vmap(lambda a, b: a, in_axes=(0, {'a': 0}))(z, {'a': {'b': z}, 'c': z})
    assert str(e.value).endswith(
        "  pytree structure error: different numbers of pytree children at key path\n"
        "    vmap in_axes[1]\n"
        "At that key path, the prefix pytree vmap in_axes has a subtree of type\n"
        "    <class 'dict'>\n"
        "with 1 child keys\n"
        "    a\n"
        "but at the same key path the full pytree has a subtree of the same type but with 2 "
        "child keys\n"
        "    a c\n"
        "so the symmetric difference on key sets is\n"
        "    c")


def test_out_axes_prefix_mismatch_reports_dict_metadata_diff():
    with pytest.raises(ValueError) as e:
        vmapx.vmap(lambda a: (a, {'k': a}), out_axes=(0, {'j': 0}))(np.arange(4.0))
    assert str(e.value) == _PREFIX_HEAD.format("out_axes") + (
        "  Mismatch details (1 found):\n"
        "  pytree structure error: different pytree metadata at key path\n"
        "    vmap out_axes[1]\n"
        "At that key path, the prefix pytree vmap out_axes has a subtree of type\n"
        "    <class 'dict'>\n"
        "with metadata\n"
        "    ('j',)\n"
        "but at the same key path the full pytree has a subtree of the same type but with "
        "metadata\n"
        "    ('k',)\n"
        "so the diff in the metadata at these pytree nodes is\n"
        "    - ('j',)\n"
        "    ?   ^\n"
        "\n"
        "    + ('k',)\n"
        "    ?   ^\n")


def test_out_axes_tuple_for_single_output_reports_leaf_type():
    with pytest.raises(ValueError) as e:
        vmapx.vmap(lambda a: a, out_axes=(0,))(np.arange(4.0))
    msg = str(e.value)
    assert "different types at key path\n    vmap out_axes\n" in msg
    assert "has a subtree of different type\n    <class 'vmapx._src.tree.PytreeLeaf'>." in msg


def test_invalid_mapped_argument_type_quotes_value_and_type_as_jax():
    obj = object()
    with pytest.raises(TypeError) as e:
        vmapx.vmap(lambda a, b: a, in_axes=(0, 0))(np.arange(4.0), obj)
    assert str(e.value) == (f"Argument '{obj}' of type '<class 'object'>' is not a valid "
                            "JAX type")


# ------------------------------------------------ error types of shape mismatches


DOT_MSG = "dot_general requires contracting dimensions to have the same shape, got (4,) and (5,)."


@pytest.mark.parametrize("call", [
    lambda: jnp.dot(np.ones((3, 4)), np.ones((5, 2))),
    lambda: jnp.matmul(np.ones((3, 4)), np.ones((5, 2))),
    lambda: vmapx.vmap(lambda x: x @ np.ones((5, 2)))(np.ones((2, 3, 4))),
    lambda: vmapx.vmap(lambda x: np.dot(x, np.ones(5)))(np.ones((2, 4))),
    lambda: vmapx.jit(lambda x: jnp.dot(x, np.ones((5, 2))))(np.ones((3, 4))),
], ids=["dot", "matmul", "vmap_matmul_operator", "vmap_numpy_dot", "jit_dot"])
def test_contracting_dimension_mismatch_is_jax_type_error(call):
    assert _raises(TypeError, call) == DOT_MSG


def test_unbatched_predict_on_a_batch_raises_type_error_as_in_jax_nn_tutorial():
    w = np.ones((784, 10))
    predict = lambda image: jnp.tanh(jnp.dot(w.T, image))   # noqa: E731  (one example)
    batch = np.ones((10, 28 * 28))
    try:
        predict(batch)
        raise AssertionError("expected a TypeError")
    except TypeError as e:
        assert "dot_general requires contracting dimensions" in str(e)
    assert vmapx.vmap(predict)(batch).shape == (10, 10)


def test_plain_numpy_dot_and_reshape_keep_numpys_errors():
    with pytest.raises(ValueError, match="not aligned"):
        np.dot(np.ones((3, 4)), np.ones((5, 2)))
    with pytest.raises(ValueError, match="cannot reshape array of size 6 into shape"):
        np.reshape(np.ones(6), (4, 2))
    with pytest.raises(ValueError, match="cannot reshape array of shape"):
        jnp.reshape(np.ones(6), (4, 2))                      # concrete: NumPy's type


def test_matmul_rank_and_batch_errors_are_jaxs():
    assert _raises(ValueError, jnp.matmul, 2.0, np.ones(3)) == (
        "matmul input operand 0 must have ndim at least 1, but it has ndim 0")
    assert _raises(ValueError, jnp.matmul, np.ones((2, 3, 4)), np.ones((3, 4, 5))) == (
        "Incompatible types for matmul arguments: float64[2,3,4] and float64[3,4,5]")


@pytest.mark.parametrize("shape, msg", [
    ((4, 2), "cannot reshape array of shape (6,) (size 6) into shape (4, 2) (size 8)"),
    ((4, -1), "cannot reshape array of shape (6,) (size 6) into shape (4, -1) because the "
              "product of specified axis sizes (4) does not evenly divide 6"),
    ((-1, -1), "can only specify one unknown axis size with a `-1` value, got (-1, -1)"),
])
def test_traced_reshape_mismatch_is_jax_type_error(shape, msg):
    assert _raises(TypeError, vmapx.vmap(lambda x: x.reshape(shape)), np.ones((2, 6))) == msg
    assert _raises(TypeError, vmapx.jit(lambda x: jnp.reshape(x, shape)), np.ones(6)) == msg


def test_concatenate_mismatches_are_jax_type_errors():
    assert _raises(TypeError, jnp.concatenate, [np.ones((2, 3)), np.ones((2, 4))]) == (
        "Cannot concatenate arrays with shapes that differ in dimensions other than the one "
        "being concatenated: concatenating along dimension 0 for shapes (2, 3), (2, 4).")
    assert _raises(TypeError, vmapx.vmap(lambda x: jnp.concatenate([x, np.ones(3)])),
                   np.ones((5, 2, 3))) == (
        "Cannot concatenate arrays with different numbers of dimensions: got (2, 3), (3,).")
    assert _raises(ValueError, jnp.concatenate, [np.float64(1.0), np.float64(2.0)]) == (
        "Zero-dimensional arrays cannot be concatenated.")
    np.testing.assert_array_equal(
        vmapx.vmap(lambda x: jnp.concatenate([x, np.ones((2, 1))], axis=1))(np.zeros((3, 2, 2))),
        np.concatenate([np.zeros((3, 2, 2)), np.ones((3, 2, 1))], axis=2))


@pytest.mark.parametrize("args, dtypes", [
    ((1, 1.0), "int64, float64"), ((np.ones(2), 1), "float64, int64"),
    ((np.ones(2, np.float32), np.ones(2)), "float32, float64"), ((2.0, 1j), "float64, complex128"),
])
def test_lax_binary_ops_do_not_promote(args, dtypes):
    msg = _raises(TypeError, lax.add, *args)
    assert msg == (f"lax.add requires arguments to have the same dtypes, got {dtypes}. (Tip: "
                   "jnp.add is a similar function that does automatic type promotion on inputs).")


def test_lax_binary_ops_take_python_scalars_at_their_x64_dtype():
    # JAX with x64 on: a Python float is float64 and a Python int int64; lax
    # never promotes, so they combine only with operands of that dtype
    assert lax.add(np.ones(2), 1.0).dtype == np.float64
    assert lax.mul(np.ones(2, np.int64), 3).dtype == np.int64
    assert lax.add(1, 2) == 3 and lax.add(1.5, 2.0) == 3.5
    for x, y, got in [(np.ones(2, np.float32), 1.0, "float32, float64"),
                      (np.ones(2, np.int32), 3, "int32, int64"),
                      (np.float32(1), 1.0, "float32, float64")]:
        with pytest.raises(TypeError, match=f"lax.add requires arguments to have the same "
                                            f"dtypes, got {got}. \\(Tip: jnp.add"):
            lax.add(x, y)


@pytest.mark.parametrize("call", [
    lambda t: vmapx.tree.map(lambda x: x, t),
    lambda t: vmapx.tree_util.tree_flatten(t),
    lambda t: vmapx.tree_util.tree_structure(t),
    lambda t: vmapx.jit(lambda d: d)(t),
], ids=["tree.map", "tree_flatten", "tree_structure", "jit"])
def test_dict_keys_that_cannot_be_ordered_raise_as_jax(call):
    assert _raises(ValueError, call, {1: 1.0, "a": 2.0}) == (
        "Comparator raised exception while sorting pytree dictionary keys.")


def test_concretization_errors_open_with_jaxs_sentence_alone_on_the_first_line():
    # programs and JAX's pages match the first line; vmapx's advice follows
    cases = [
        (vmapx.jit(lambda x: 1 if x > 0 else 2), vmapx.errors.TracerBoolConversionError,
         "Attempted boolean conversion of traced array with shape bool[]."),
        (vmapx.jit(lambda x: float(x)), vmapx.errors.ConcretizationTypeError,
         "Abstract tracer value encountered where concrete value is expected: traced array "
         "with shape int64[]."),
        (vmapx.jit(lambda x: [1, 2][x]), vmapx.errors.TracerIntegerConversionError,
         "The __index__() method was called on traced array with shape int64[]."),
        (vmapx.jit(lambda x: np.asarray(x)), vmapx.errors.TracerArrayConversionError,
         "The numpy.ndarray conversion method __array__() was called on traced array with "
         "shape int64[]."),
        (vmapx.jit(lambda x: jnp.arange(3)[jnp.arange(3) > x]),
         vmapx.errors.NonConcreteBooleanIndexError,
         "Array boolean indices must be concrete; got bool[3]"),
    ]
    for f, cls, first in cases:
        with pytest.raises(cls) as info:
            f(1)
        lines = str(info.value).splitlines()
        assert lines[0] == first and len(lines) > 1


def test_reshape_to_a_traced_size_raises_jaxs_error():
    f = vmapx.jit(lambda x, n: x.reshape(n))
    with pytest.raises(TypeError, match="Shapes must be 1D sequences of concrete values of "
                                        "integer type, got \\(JitTracer"):
        f(np.ones((2, 3)), 6)
    # a concrete 0-d array is a size, as in NumPy (JAX traces it under jit)
    g = vmapx.jit(lambda x: x.reshape(jnp.array(x.shape).prod()))
    np.testing.assert_array_equal(g(np.ones((2, 3))), np.ones(6))
    with pytest.raises(TypeError):
        jnp.ones(6).reshape(2.0, 3)
    # per-example sizes in eager vmap: each example its own reshape
    out = vmapx.vmap(lambda x, n: x.reshape(n, -1).sum(1)[0])(np.ones((3, 4)), np.array([1, 2, 4]))
    np.testing.assert_array_equal(out, [4.0, 2.0, 1.0])


def test_pure_callback_without_operands_runs_at_each_jit_execution_unless_unused():
    calls = []

    def cb():
        calls.append(1)
        return np.int32(0)

    @vmapx.jit
    def unused():
        vmapx.pure_callback(cb, np.int32(0))
        return 1.0

    @vmapx.jit
    def used():
        return vmapx.pure_callback(cb, np.int32(0)) + 1

    unused(), unused()
    assert calls == []          # dead code, as JAX drops an unused pure callback
    assert used() == 1 and used() == 1
    assert len(calls) == 2      # staged: run at each execution, not once while tracing


def test_pure_callback_inside_a_custom_jvp_rule_under_grad():
    import scipy.special

    @vmapx.custom_jvp
    def jv(v, z):
        spec = vmapx.ShapeDtypeStruct(np.shape(z), np.float64)
        return vmapx.pure_callback(lambda v, z: scipy.special.jv(v, z).astype(np.float64),
                                   spec, v, z, vmap_method="broadcast_all")

    @jv.defjvp
    def _jv_jvp(primals, tangents):
        v, z = primals
        return jv(v, z), tangents[1] * 0.5 * (jv(v - 1, z) - jv(v + 1, z))

    np.testing.assert_allclose(vmapx.grad(lambda z: jv(1, z))(2.0),
                               0.5 * (scipy.special.jv(0, 2.0) - scipy.special.jv(2, 2.0)))


def test_lax_binary_ops_accept_jaxs_dtype_kinds_only():
    b = np.array([True, False])
    for name, accepted in [("add", "integer, floating, complexfloating"),
                           ("mul", "integer, floating, complexfloating"),
                           ("rem", "integer, floating"), ("pow", "floating, complexfloating"),
                           ("atan2", "floating"), ("complex", "floating")]:
        with pytest.raises(TypeError, match=f"{name} does not accept dtype bool at position 0. "
                                            f"Accepted dtypes at position 0 are subtypes of "
                                            f"{accepted}."):
            getattr(lax, name)(b, b)
    assert lax.max(b, b).dtype == bool and lax.bitwise_and(b, b).dtype == bool
    with pytest.raises(TypeError, match="pad operand and padding_value must be same dtype: "
                                        "got float32 and float64."):
        lax.pad(np.ones(3, np.float32), 0.0, [(1, 1, 0)])
