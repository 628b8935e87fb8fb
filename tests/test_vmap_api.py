"""The ``vmap`` API: in_axes forms (int, None, tuple, list, pytree prefixes,
negative axes), keyword arguments (axis 0, or per-keyword ``kwargs_axes``),
pass-through of unmapped non-array leaves, Python scalars, out_axes as a pytree
prefix (None for unmapped outputs, broadcasting of unmapped outputs), axis_size,
empty batches, nested vmaps, wrapper metadata, sum_match, spmd_axis_name.

Every result is checked against the loop over examples where one exists.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import vmapx
import vmapx.numpy as jnp

rng = np.random.default_rng(0)


def loop(f, *xs, in_axes=0, out_axis=0):
    """Reference: apply ``f`` to each example and stack the results."""
    in_axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(xs)
    size = next(np.shape(x)[d] for x, d in zip(xs, in_axes, strict=True) if d is not None)
    outs = [f(*[x if d is None else np.take(x, b, axis=d) for x, d in zip(xs, in_axes,
                                                                         strict=True)])
            for b in range(size)]
    return np.stack(outs, axis=out_axis)


def assert_same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------- in_axes


def test_in_axes_int_maps_every_positional_argument_on_that_axis():
    f = lambda a, b: a * b.sum()  # noqa: E731
    x, y = rng.normal(size=(2, 4)), rng.normal(size=(3, 4))
    out = vmapx.vmap(f, in_axes=1)(x, y)
    assert out.shape == (4, 2)
    assert_same(out, loop(f, x, y, in_axes=1))


def test_in_axes_tuple_gives_one_axis_per_argument():
    x, y = rng.normal(size=(10, 3)), rng.normal(size=(3, 10))
    out = vmapx.vmap(lambda a, b: a + b, in_axes=(0, 1))(x, y)
    assert out.shape == (10, 3)
    assert_same(out, x + y.T)


def test_in_axes_list_is_accepted_as_a_tuple():
    x, w = rng.normal(size=(5, 3)), rng.normal(size=(3,))
    assert_same(vmapx.vmap(jnp.dot, in_axes=[0, None])(x, w), x @ w)


def test_in_axes_none_broadcasts_an_argument():
    x, b = rng.normal(size=(10, 3)), np.array([1., 2., 3.])
    assert_same(vmapx.vmap(lambda a, c: a + c, in_axes=(0, None))(x, b), x + b)


@pytest.mark.parametrize("axis", [-1, -2, -3])
def test_negative_in_axes_count_from_the_end(axis):
    x = rng.normal(size=(2, 3, 4))
    f = lambda a: jnp.sum(a * a, axis=0)  # noqa: E731
    assert_same(vmapx.vmap(f, in_axes=axis)(x), loop(lambda a: np.sum(a * a, axis=0), x,
                                                     in_axes=axis))


def test_in_axes_nested_tuple_prefix_from_the_jax_docstring():
    A, B, C, D, K = 2, 3, 4, 5, 6
    x, y, z = np.ones((K, A, B)), np.ones((B, K, C)), np.ones((C, D, K))

    def foo(tree):
        x, (y, z) = tree
        return jnp.dot(x, jnp.dot(y, z))
    out = vmapx.vmap(foo, in_axes=((0, (1, 2)),))((x, (y, z)))
    assert out.shape == (6, 2, 5)
    np.testing.assert_array_equal(out, np.full((6, 2, 5), 12.0))


def test_in_axes_dict_prefix_from_the_jax_docstring():
    dct = {"a": 0., "b": np.arange(5.)}
    out = vmapx.vmap(lambda d, x: d["a"] + d["b"] + x, in_axes=({"a": None, "b": 0}, None))(dct, 1.)
    assert_same(out, np.array([1., 2., 3., 4., 5.]))


def test_in_axes_dict_prefix_maps_leaves_on_different_axes():
    p = {"w": rng.normal(size=(2, 3)), "b": rng.normal(size=(4,))}
    x = rng.normal(size=(3, 4))
    f = lambda p, x: p["w"] @ x + p["b"]  # noqa: E731
    out = vmapx.vmap(f, in_axes=({"w": None, "b": 0}, 1))(p, x)
    want = np.stack([p["w"] @ x[:, i] + p["b"][i] for i in range(4)])
    assert_same(out, want)


def test_none_for_a_whole_pytree_argument():
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=(2,))}
    x = rng.normal(size=(7, 3))
    g = lambda p, v: v @ p["W"] + p["b"]  # noqa: E731
    a = vmapx.vmap(g, in_axes=({"W": None, "b": None}, 0))(params, x)
    b = vmapx.vmap(g, in_axes=(None, 0))(params, x)
    assert_same(a, x @ params["W"] + params["b"])
    assert_same(b, a)


def test_none_leaves_in_the_arguments_are_empty_subtrees():
    out = vmapx.vmap(lambda t: t[0] * 2)((np.arange(3.), None))
    assert_same(out, np.array([0., 2., 4.]))


# ------------------------------------------------------------------ keywords


def test_keyword_arguments_are_mapped_at_axis_zero():
    x, y = np.arange(3, dtype=np.float32), np.ones(3, np.float32)
    out = vmapx.vmap(lambda x, y: x + y)(x, y=y)
    assert_same(out, x + y)


def test_in_axes_applies_to_positional_arguments_only():
    out = vmapx.vmap(lambda x, *, y: x + y, in_axes=None)(np.zeros(3), y=np.ones(3))
    assert_same(out, np.ones((3, 3)))


def test_kwargs_axes_gives_per_keyword_axes():
    x = rng.normal(size=(4, 3))
    scale = rng.normal(size=(3,))
    w = rng.normal(size=(3, 4))
    f = lambda x, scale, w: x * scale + w  # noqa: E731
    out = vmapx.vmap(f, kwargs_axes={"scale": None, "w": 1})(x, scale=scale, w=w)
    assert_same(out, x * scale + w.T)


def test_kwargs_axes_leaves_unnamed_keywords_at_axis_zero():
    x, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    out = vmapx.vmap(lambda x, s, b: x * s + b, kwargs_axes={"s": None})(x, s=2.0, b=b)
    assert_same(out, x * 2.0 + b)


def test_kwargs_axes_accepts_a_pytree_prefix_per_keyword():
    p = {"a": rng.normal(size=(5,)), "c": rng.normal(size=(2,))}
    out = vmapx.vmap(lambda x, p: x * p["a"] + p["c"].sum(),
                     kwargs_axes={"p": {"a": 0, "c": None}})(np.ones(5), p=p)
    assert_same(out, p["a"] + p["c"].sum())


# ----------------------------------------------------- non-array and scalars


def test_unmapped_non_array_leaves_pass_through():
    def f(x, mode, fn):
        return fn(x) * 2 if mode == "double" else fn(x)
    out = vmapx.vmap(f, in_axes=(0, None, None))(np.arange(3.), "double", jnp.sin)
    assert_same(out, np.sin(np.arange(3.)) * 2)


def test_unmapped_python_scalars_are_weakly_typed():
    x = np.arange(3, dtype=np.float32)
    out = vmapx.vmap(lambda a, s: a * s + 1, in_axes=(0, None))(x, 2.5)
    assert out.dtype == np.float32
    assert_same(out, x * np.float32(2.5) + np.float32(1))
    xi = np.arange(3, dtype=np.int32)
    assert vmapx.vmap(lambda a: a + 1)(xi).dtype == np.int32


def test_dtypes_follow_numpy():
    x32 = rng.normal(size=(4, 3)).astype(np.float32)
    assert vmapx.vmap(lambda a: jnp.sum(jnp.sin(a) * 2.0))(x32).dtype == np.float32
    assert vmapx.vmap(lambda a: a @ a)(x32).dtype == np.float32
    assert vmapx.vmap(lambda a, b: a + b)(x32, x32.astype(np.float64)).dtype == np.float64


def test_plain_numpy_code_works_inside_vmap():
    W = rng.normal(size=(3, 2))
    x = rng.normal(size=(5, 3))
    f = lambda v: np.tanh(v @ W).sum() + np.max(v) + v.mean()  # noqa: E731
    assert_same(vmapx.vmap(f)(x), loop(f, x))


# ------------------------------------------------------------------ out_axes


def test_out_axes_moves_the_batch_axis():
    f = lambda x: jnp.array([x, x ** 2])  # noqa: E731
    x = np.arange(10.)
    assert vmapx.vmap(f)(x).shape == (10, 2)
    out = vmapx.vmap(f, out_axes=1)(x)
    assert out.shape == (2, 10)
    assert_same(out, np.stack([x, x ** 2]))
    assert_same(vmapx.vmap(f, out_axes=-2)(x), vmapx.vmap(f)(x))


def test_out_axes_none_keeps_unmapped_outputs_unmapped():
    out = vmapx.vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=(0, None))(
        np.arange(2.), 4.)
    assert_same(out[0], np.array([4., 5.]))
    assert out[1] == 8.0


def test_int_out_axes_broadcasts_unmapped_outputs():
    out = vmapx.vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=0)(
        np.arange(2.), 4.)
    assert_same(out[0], np.array([4., 5.]))
    assert_same(out[1], np.array([8., 8.]))


def test_out_axes_pytree_prefix():
    x = rng.normal(size=(3, 2))
    out = vmapx.vmap(lambda v: {"u": v.sum(), "v": 3.0, "w": (v, v * 2)},
                     out_axes={"u": 0, "v": None, "w": (1, -1)})(x)
    assert_same(out["u"], x.sum(1))
    assert out["v"] == 3.0
    assert_same(out["w"][0], x.T)
    assert_same(out["w"][1], 2 * x.T)


def test_unmapped_output_broadcast_to_a_nonzero_out_axis():
    out = vmapx.vmap(lambda x, c: c, in_axes=(0, None), out_axes=1)(np.zeros(4), np.arange(3.))
    assert_same(out, np.broadcast_to(np.arange(3.)[:, None], (3, 4)))


def test_none_outputs_pass_through():
    x = np.arange(6.).reshape(2, 3)
    out = vmapx.vmap(lambda v: (v, None))(x)
    assert out[1] is None
    assert_same(out[0], x)


def test_results_are_writeable_ndarrays():
    out = vmapx.vmap(lambda x, c: c, in_axes=(0, None))(np.zeros(4), np.arange(3.))
    assert isinstance(out, np.ndarray) and out.flags.writeable
    out[0, 0] = 1.0


# ---------------------------------------------------------------- axis_size


def test_axis_size_with_nothing_mapped_broadcasts():
    x = np.arange(6.).reshape(2, 3)
    out = vmapx.vmap(lambda v: v * 2, in_axes=None, axis_size=4)(x)
    assert_same(out, np.broadcast_to(x * 2, (4, 2, 3)))
    out = vmapx.vmap(lambda v: v, in_axes=None, axis_size=2, out_axes=-1)(x)
    assert out.shape == (2, 3, 2)


def test_axis_size_with_no_arguments():
    out = vmapx.vmap(lambda: np.float32(1.5), axis_size=3)()
    assert_same(out, np.full(3, 1.5, np.float32))


def test_axis_size_agreeing_with_the_mapped_size():
    x = np.arange(3.)
    assert_same(vmapx.vmap(lambda v: v + 1, axis_size=3)(x), x + 1)


# ------------------------------------------------------------- empty batches


@pytest.mark.parametrize("f, per_example, want_shape", [
    (lambda x: x.sum(), (3,), (0,)),
    (lambda x: jnp.dot(x, np.ones((3, 2), np.float32)), (3,), (0, 2)),
    (lambda x: jnp.sort(x)[::-1], (4,), (0, 4)),
    (lambda x: jnp.cumsum(x, axis=1), (2, 3), (0, 2, 3)),
    (lambda x: (x.T, x.max()), (2, 3), None),
])
def test_batch_of_zero_examples(f, per_example, want_shape):
    x = np.zeros((0,) + per_example, np.float32)
    out = vmapx.vmap(f)(x)
    if want_shape is None:
        assert out[0].shape == (0, 3, 2) and out[1].shape == (0,)
        assert out[0].dtype == out[1].dtype == np.float32
    else:
        assert out.shape == want_shape
        assert out.dtype == np.float32


def test_batch_of_zero_with_unmapped_arguments():
    out = vmapx.vmap(lambda x, w: x @ w, in_axes=(0, None))(np.zeros((0, 3)), np.ones((3, 2)))
    assert out.shape == (0, 2)


# --------------------------------------------------------------- nesting


def test_nested_vmap_builds_an_outer_sum():
    x, y = np.arange(10), np.arange(20)
    out = vmapx.vmap(vmapx.vmap(lambda a, b: a + b, in_axes=(None, 0)), in_axes=(0, None))(x, y)
    assert out.shape == (10, 20)
    assert_same(out, x[:, None] + y[None, :])


def test_matrix_product_from_vector_dots_as_in_the_jax_docstring():
    vv = lambda x, y: jnp.vdot(x, y)  # noqa: E731
    mv = vmapx.vmap(vv, (0, None), 0)
    mm = vmapx.vmap(mv, (None, 1), 1)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5))
    assert_same(mm(a, b), a @ b)
    mv2 = vmapx.vmap(vv, (0, 1), 0)
    mm2 = vmapx.vmap(mv2, (1, 1), 0)
    p, q = rng.normal(size=(4, 2, 3)), rng.normal(size=(3, 2, 4))
    assert_same(mm2(p, q), np.einsum("bca,acb->cb", p, q))


def test_three_levels_of_nesting_against_the_loop():
    x = rng.normal(size=(2, 3, 4, 5))
    f = lambda v: jnp.tanh(v).sum() * v[0]  # noqa: E731
    out = vmapx.vmap(vmapx.vmap(vmapx.vmap(f, in_axes=0), in_axes=1), in_axes=2)(x)
    want = np.stack([np.stack([np.stack([np.tanh(x[i, j, k]).sum() * x[i, j, k, 0]
                                         for i in range(2)]) for j in range(3)])
                     for k in range(4)])
    assert_same(out, want)


def test_inner_vmap_closing_over_an_outer_batched_value():
    xs, ys = rng.normal(size=(3, 2)), rng.normal(size=(4,))
    out = vmapx.vmap(lambda x: vmapx.vmap(lambda y: x * y)(ys))(xs)
    assert_same(out, xs[:, None, :] * ys[None, :, None])


# ------------------------------------------------------------- metadata


def test_wrapper_keeps_metadata_and_describes_itself():
    def predict(params, x):
        """Apply the model."""
        return x
    v = vmapx.vmap(predict)
    assert v.__name__ == "predict"
    assert v.__wrapped__ is predict
    assert v.__doc__ == ("Vectorized version of predict. Takes similar arguments as predict but "
                         "with additional array axes over which predict is mapped.\n\n"
                         "Original documentation:\n\nApply the model.")
    assert vmapx.vmap(lambda x: x).__doc__.startswith("Vectorized version of <lambda>.")


# ---------------------------------------------------------- sum_match, spmd


def test_sum_match_sums_mapped_outputs_with_out_axes_none():
    x = np.arange(6.).reshape(2, 3)
    assert_same(vmapx.vmap(lambda v: v * 2, out_axes=None, sum_match=True)(x), [6., 10., 14.])
    assert_same(vmapx.vmap(lambda v: v * 2, in_axes=1, out_axes=None, sum_match=True)(x),
                [6., 24.])
    out = vmapx.vmap(lambda v: (v * 2, 1.0), out_axes=(None, None), sum_match=True)(x)
    assert_same(out[0], [6., 10., 14.])
    assert out[1] == 1.0


def test_spmd_axis_name_is_accepted_and_does_not_change_results():
    x = rng.normal(size=(3, 2))
    assert_same(vmapx.vmap(jnp.sin, spmd_axis_name="data")(x), np.sin(x))
    assert_same(vmapx.vmap(jnp.sin, spmd_axis_name=("a", "b"))(x), np.sin(x))


# ---------------------------------------------------------- property test


@given(data=st.data())
def test_random_in_axes_and_out_axes_match_the_loop(data):
    """f(x, y, c) on per-example x: (2, 3), y: (3,), c unmapped; x and y mapped
    at any (positive or negative) axis or not at all; outputs a pytree whose
    leaves go to random out_axes."""
    size = data.draw(st.integers(0, 4), label="batch size")
    dx = data.draw(st.one_of(st.none(), st.integers(-3, 2)), label="x axis")
    dy = data.draw(st.one_of(st.none(), st.integers(-2, 1)), label="y axis")
    oa = data.draw(st.integers(-1, 0), label="out axis of a")
    ob = data.draw(st.integers(-2, 1), label="out axis of b")
    seed = data.draw(st.integers(0, 2 ** 16), label="seed")
    r = np.random.default_rng(seed)
    xs = r.normal(size=(max(size, 1), 2, 3)).astype(np.float32)
    ys = r.normal(size=(max(size, 1), 3))
    c = r.normal(size=(3,))

    def f(x, y, c):
        return {"a": jnp.tanh(x) @ (y + c), "b": jnp.max(x, axis=0) * 2.0 + y}

    def f_np(x, y, c):
        return {"a": np.tanh(x) @ (y + c), "b": np.max(x, axis=0) * 2.0 + y}

    if dx is None and dy is None:
        size = 3
    x_in = xs[0] if dx is None else np.moveaxis(xs[:size], 0, dx)
    y_in = ys[0] if dy is None else np.moveaxis(ys[:size], 0, dy)
    out = vmapx.vmap(f, in_axes=(dx, dy, None), out_axes={"a": oa, "b": ob},
                     axis_size=size if dx is None and dy is None else None)(x_in, y_in, c)
    per = [f_np(xs[0] if dx is None else xs[b], ys[0] if dy is None else ys[b], c)
           for b in range(size)]
    for key, axis in (("a", oa), ("b", ob)):
        if per:
            want = np.stack([p[key] for p in per], axis=axis)
        else:
            like = f_np(xs[0], ys[0], c)[key]
            want = np.moveaxis(np.empty((0,) + like.shape, like.dtype), 0, axis)
        assert out[key].shape == want.shape
        assert out[key].dtype == want.dtype
        np.testing.assert_allclose(out[key], want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------- differential fixes (vs JAX 0.10.2)


def test_wraps_names_partials_and_callable_objects_as_jax():
    import functools
    v = vmapx.vmap(functools.partial(lambda a, b: a + b, 1.0))
    assert v.__name__ == "<lambda>"

    class Doubler:
        def __call__(self, a):
            return a * 2
    w = vmapx.vmap(Doubler())
    assert w.__name__ == "<unnamed function>"
    out = w(np.arange(3.0))
    assert out.shape == (3,) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])


def test_wraps_keeps_name_doc_and_wrapped():
    def foo(a):
        "doc of foo"
        return a
    v = vmapx.vmap(foo)
    assert (v.__name__, v.__qualname__, v.__wrapped__) == ("foo", foo.__qualname__, foo)
    assert v.__doc__ == ("Vectorized version of foo. Takes similar arguments as foo but with "
                         "additional array axes over which foo is mapped.\n\nOriginal "
                         "documentation:\n\ndoc of foo")


def test_axis_size_disagreeing_with_mapped_axis_is_inconsistent_sizes():
    # JAX reports a negative or non-int axis_size as inconsistent sizes
    for bad in (-1, 2.0):
        with pytest.raises(ValueError) as e:
            vmapx.vmap(lambda a: a, axis_size=bad)(np.arange(4.0))
        assert str(e.value) == (
            "vmap got inconsistent sizes for array axes to be mapped:\n"
            f"  * the `axis_size` argument was {bad};\n"
            "  * one axis had size 4: axis 0 of argument a of type float64[4]")


def test_axis_size_negative_with_nothing_mapped_is_an_error():
    with pytest.raises(TypeError, match="axis_size must be a non-negative int"):
        vmapx.vmap(lambda a: a, in_axes=None, axis_size=-1)(np.arange(4.0))


def test_in_axes_may_be_a_namedtuple_as_in_jax():
    import collections
    Axes = collections.namedtuple("Axes", "x y")
    out = vmapx.vmap(lambda x, y: x + y, in_axes=Axes(0, None))(np.arange(3.0), 10.0)
    np.testing.assert_array_equal(out, [10.0, 11.0, 12.0])


def test_ml_dtypes_floats_are_computed_with_and_narrow_ints_raise_a_clear_type_error():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    import vmapx.numpy as jnp
    assert jnp.bfloat16 is ml_dtypes.bfloat16
    x = np.arange(6.0).reshape(2, 3).astype(ml_dtypes.bfloat16)
    out = vmapx.vmap(lambda a: a * 2)(x)
    assert out.shape == (2, 3) and out.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(out.astype(np.float32), np.stack([a * 2 for a in x]))
    with pytest.raises(TypeError, match="int4 is not supported by vmapx"):
        vmapx.vmap(lambda a: a * 2)(np.ones((2, 3), ml_dtypes.int4))


@pytest.mark.parametrize("f", [lambda v: v, lambda v: v.T, lambda v: v[::-1],
                               lambda v: v.reshape(-1, 1), lambda v: (v, v[0])],
                         ids=["identity", "T", "reversed", "reshape", "tuple"])
def test_vmap_results_never_alias_the_inputs(f):
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    out = vmapx.vmap(f)(x)
    for o in out if isinstance(out, tuple) else (out,):
        assert not np.shares_memory(o, x)
        o[...] = -1.0            # writing into a result leaves the caller's array alone
    np.testing.assert_array_equal(x, before)
