"""The lax API of issue 10: ``gather``/``scatter*``, ``reduce``/``reduce_window``
with any computation, and the small ops (``optimization_barrier``, ``fft``,
``reduce_precision``, ``tile``, ``mulhi``, ``betainc``, ``broadcast_shapes``,
``top_k(axis=)``, ``lax.linalg``).

The loop is the oracle: ``vmap(f)`` over every choice of mapped argument and
batch position (as JAX's ``lax_vmap_test`` does) equals stacking ``f`` per
example.  JAX, when installed, is an optional oracle for unbatched values.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

B = 3


def _example(x, d, b):
    return x if d is None else np.take(x, b, axis=d)


def check_vmap(f, args, in_axes, rng, *, rtol=1e-6, atol=1e-9, int_args=None):
    """vmap(f, in_axes) over B examples equals the loop; each mapped argument gets
    B different values (integer index arrays are kept in range by shuffling
    the given one)."""
    batched = []
    for k, (a, d) in enumerate(zip(args, in_axes, strict=True)):
        a = np.asarray(a)
        if d is None:
            batched.append(a)
            continue
        if a.dtype.kind in "iu" or a.dtype == bool:
            flat = [rng.permutation(a.reshape(-1)).reshape(a.shape) for _ in range(B)]
        elif a.dtype.kind == "c":
            flat = [(rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape)).astype(a.dtype)
                    for _ in range(B)]
        else:
            flat = [rng.normal(size=a.shape).astype(a.dtype) for _ in range(B)]
        batched.append(np.stack(flat, axis=d))
    got = vmapx.vmap(f, in_axes=tuple(in_axes))(*batched)
    want = [f(*[_example(a, d, b) for a, d in zip(batched, in_axes, strict=True)])
            for b in range(B)]
    got_leaves = vmapx.tree_util.tree_leaves(got)
    want_leaves = [vmapx.tree_util.tree_leaves(w) for w in want]
    for i, g in enumerate(got_leaves):
        w = np.stack([np.asarray(ws[i]) for ws in want_leaves])
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)


def all_bdims(*shapes):
    """As JAX's ``lax_test_util.all_bdims``: per argument None or any axis of the
    batched array, at least one mapped."""
    choices = [[None] + list(range(len(s) + 1)) for s in shapes]
    return [c for c in itertools.product(*choices) if any(d is not None for d in c)]


# ----------------------------------------------------------------- gather

G, S = lax.GatherDimensionNumbers, lax.ScatterDimensionNumbers

GATHER_CASES = [
    ((5,), np.array([[0], [2]]), G(offset_dims=(), collapsed_slice_dims=(0,),
                                   start_index_map=(0,)), (1,)),
    ((10,), np.array([[0], [0], [0]]), G(offset_dims=(1,), collapsed_slice_dims=(),
                                         start_index_map=(0,)), (2,)),
    ((10, 5), np.array([[0], [2], [1]]), G(offset_dims=(1,), collapsed_slice_dims=(0,),
                                           start_index_map=(0,)), (1, 3)),
    ((10, 5), np.array([[0, 2], [1, 0]]), G(offset_dims=(1,), collapsed_slice_dims=(0,),
                                            start_index_map=(0, 1)), (1, 3)),
    ((2, 5), np.array([[[0], [2]], [[1], [1]]]),
     G(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
       operand_batching_dims=(0,), start_indices_batching_dims=(0,)), (1, 1)),
    ((2, 3, 10), np.array([[[0], [1]], [[2], [3]], [[4], [5]]]),
     G(offset_dims=(2,), collapsed_slice_dims=(), start_index_map=(2,),
       operand_batching_dims=(0, 1), start_indices_batching_dims=(1, 0)), (1, 1, 3)),
]


@pytest.mark.parametrize("case", range(len(GATHER_CASES)))
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex128, np.bool_])
def test_gather_vmap_matches_loop_for_every_batch_layout(case, dtype):
    shape, idx, dn, sizes = GATHER_CASES[case]
    rng = np.random.default_rng(case)
    x = (rng.normal(size=shape) * 4).astype(dtype)
    f = lambda x, i: lax.gather(x, i, dimension_numbers=dn, slice_sizes=sizes)  # noqa: E731
    out = f(x, idx)
    assert out.dtype == np.dtype(dtype)
    for bdims in all_bdims(shape, idx.shape):
        check_vmap(f, (x, idx), bdims, rng)


def test_gather_matches_numpy_indexing_for_rows_and_points():
    x = np.arange(20.0).reshape(4, 5)
    rows = lax.gather(x, np.array([[3], [0]]), G((1,), (0,), (0,)), (1, 5))
    np.testing.assert_array_equal(rows, x[[3, 0]])
    points = lax.gather(x, np.array([[1, 2], [3, 4]]), G((), (0, 1), (0, 1)), (1, 1))
    np.testing.assert_array_equal(points, x[[1, 3], [2, 4]])


def test_gather_out_of_bounds_fill_clip_and_default_fill_values():
    x = np.arange(10.0)
    dn = G(offset_dims=(1,), collapsed_slice_dims=(), start_index_map=(0,))
    idx = np.array([[-1], [8], [9], [2]])
    filled = lax.gather(x, idx, dn, (2,))  # default mode: fill with NaN
    assert filled.shape == (4, 2)
    np.testing.assert_array_equal(filled, [[np.nan] * 2, [8, 9], [np.nan] * 2, [2, 3]])
    np.testing.assert_array_equal(lax.gather(x, idx, dn, (2,), mode="fill", fill_value=-1.0),
                                  [[-1, -1], [8, 9], [-1, -1], [2, 3]])
    np.testing.assert_array_equal(lax.gather(x, idx, dn, (2,), mode=lax.GatherScatterMode.CLIP),
                                  [[0, 1], [8, 9], [8, 9], [2, 3]])
    for dtype, fill in ((np.int32, np.iinfo(np.int32).min), (np.uint8, 255), (np.bool_, True)):
        got = lax.gather(np.zeros(3, dtype), np.array([[5]]), G((), (0,), (0,)), (1,))
        assert got.dtype == np.dtype(dtype) and got[0] == fill


def test_gather_mode_strings_and_unknown_mode():
    assert lax.GatherScatterMode.from_any("promise_in_bounds") is \
        lax.GatherScatterMode.PROMISE_IN_BOUNDS
    assert lax.GatherScatterMode.from_any("drop") is lax.GatherScatterMode.FILL_OR_DROP
    with pytest.raises(ValueError, match='Unknown gather mode "wrap"'):
        lax.gather(np.ones(3), np.array([[0]]), G((), (0,), (0,)), (1,), mode="wrap")


def test_gather_shape_errors():
    with pytest.raises(TypeError, match="one slice size for every input dimension"):
        lax.gather(np.ones((3, 4)), np.array([[0]]), G((), (0,), (0,)), (1,))
    with pytest.raises(TypeError, match="collapse slice dims with bound 1"):
        lax.gather(np.ones(4), np.array([[0]]), G((), (0,), (0,)), (2,))


def test_gather_gradient_is_a_scatter_add_and_matches_jax():
    x = np.random.default_rng(0).normal(size=(10, 5))
    idx = np.array([[0, 2], [1, 0], [0, 2], [9, 4]])  # a repeat and an out-of-bounds window
    dn = G(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0, 1))
    for mode in ("clip", "fill"):
        f = lambda x: jnp.sum(jnp.sin(lax.gather(x, idx, dn, (1, 3), mode=mode)))  # noqa
        g = vmapx.grad(f)(x)
        assert g.shape == x.shape
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
        jdn = jax.lax.GatherDimensionNumbers((1,), (0,), (0, 1))
        want = jax.grad(lambda x: jax.numpy.sum(jax.numpy.sin(
            jax.lax.gather(x, idx, jdn, (1, 3), mode=mode))))(x)
        np.testing.assert_allclose(g, want, rtol=1e-12)


def test_gather_batching_does_not_broadcast_the_operand():
    """Batched indices with an unbatched operand gather from the one operand."""
    x = np.arange(12.0).reshape(4, 3)
    idx = np.array([[[0]], [[3]], [[1]]])  # batch of 3
    f = lambda i: lax.gather(x, i, G((1,), (0,), (0,)), (1, 3))  # noqa: E731
    jaxpr = vmapx.make_jaxpr(vmapx.vmap(f))(idx)
    assert "broadcast_in_dim" not in str(jaxpr)
    np.testing.assert_array_equal(vmapx.vmap(f)(idx), x[[[0], [3], [1]]])


# ----------------------------------------------------------------- scatter

SCATTER_CASES = [
    ((5,), np.array([[0], [2]]), (2,), S(update_window_dims=(), inserted_window_dims=(0,),
                                         scatter_dims_to_operand_dims=(0,))),
    ((10,), np.array([[0], [0], [0]]), (3, 2), S(update_window_dims=(1,), inserted_window_dims=(),
                                                 scatter_dims_to_operand_dims=(0,))),
    ((10, 5), np.array([[0], [2], [1]]), (3, 3), S(update_window_dims=(1,),
                                                   inserted_window_dims=(0,),
                                                   scatter_dims_to_operand_dims=(0,))),
    ((2, 5), np.array([[[0], [2]], [[1], [1]]]), (2, 2),
     S(update_window_dims=(), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,),
       operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))),
    ((2, 3, 10), np.array([[[0], [1]], [[2], [3]], [[4], [5]]]), (3, 2, 3),
     S(update_window_dims=(2,), inserted_window_dims=(), scatter_dims_to_operand_dims=(2,),
       operand_batching_dims=(0, 1), scatter_indices_batching_dims=(1, 0))),
]

SCATTERS = {"add": lax.scatter_add, "sub": lax.scatter_sub, "mul": lax.scatter_mul,
            "min": lax.scatter_min, "max": lax.scatter_max, "set": lax.scatter}


@pytest.mark.parametrize("case", range(len(SCATTER_CASES)))
@pytest.mark.parametrize("kind", sorted(SCATTERS))
def test_scatter_vmap_matches_loop_for_every_batch_layout(case, kind):
    shape, idx, ushape, dn = SCATTER_CASES[case]
    rng = np.random.default_rng(case)
    x, u = rng.normal(size=shape).astype(np.float32), rng.normal(size=ushape).astype(np.float32)
    f = lambda x, i, u: SCATTERS[kind](x, i, u, dimension_numbers=dn)  # noqa: E731
    assert f(x, idx, u).dtype == np.float32
    for bdims in all_bdims(shape, idx.shape, ushape):
        check_vmap(f, (x, idx, u), bdims, rng, rtol=1e-5)


@pytest.mark.parametrize("kind", sorted(SCATTERS))
def test_scatter_values_match_numpy_ufunc_at(kind):
    x = np.arange(6.0) + 1
    idx = np.array([[4], [1], [4], [7]])  # a duplicate and an out-of-bounds index (dropped)
    u = np.array([2.0, -3.0, 5.0, 100.0])
    got = SCATTERS[kind](x, idx, u, S((), (0,), (0,)))
    want = x.copy()
    ufunc = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "min": np.minimum,
             "max": np.maximum}.get(kind)
    if ufunc is None:
        want[[4, 1]] = [5.0, -3.0]  # set: the last duplicate wins
    else:
        ufunc.at(want, [4, 1, 4], u[:3])
    np.testing.assert_array_equal(got, want)
    clipped = SCATTERS[kind](x, idx, u, S((), (0,), (0,)), mode="clip")
    want = x.copy()  # index 7 clamped onto the last element
    if ufunc is None:
        want[[4, 1, 5]] = [5.0, -3.0, 100.0]
    else:
        ufunc.at(want, [4, 1, 4, 5], u)
    np.testing.assert_array_equal(clipped, want)


def test_scatter_requires_equal_dtypes():
    with pytest.raises(TypeError, match="requires arguments to have the same dtypes"):
        lax.scatter_add(np.zeros(3, np.float32), np.array([[1]]), np.ones(1),
                        S((), (0,), (0,)))
    out = lax.scatter_add(np.zeros(3, np.float32), np.array([1]), 2.0, S((), (0,), (0,)))
    assert out.dtype == np.float32 and out[1] == 2


@pytest.mark.parametrize("kind", ["add", "set", "mul", "max"])
def test_scatter_gradients_match_jax(kind):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(1)
    x, u = rng.normal(size=(6, 3)), rng.normal(size=(3, 3))
    idx = np.array([[4], [1], [2]])
    dn = S((1,), (0,), (0,))
    jdn = jax.lax.ScatterDimensionNumbers((1,), (0,), (0,))
    f = lambda x, u: jnp.sum(jnp.sin(SCATTERS[kind](x, idx, u, dn)))  # noqa: E731
    jfn = {"add": jax.lax.scatter_add, "set": jax.lax.scatter, "mul": jax.lax.scatter_mul,
           "max": jax.lax.scatter_max}[kind]
    jf = lambda x, u: jax.numpy.sum(jax.numpy.sin(jfn(x, idx, u, jdn,  # noqa: E731
                                                      unique_indices=True)))
    got = vmapx.grad(f, argnums=(0, 1))(x, u)
    want = jax.grad(jf, argnums=(0, 1))(x, u)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", range(len(SCATTER_CASES)))
def test_scatter_apply_applies_once_per_hit_and_batches(case):
    shape, idx, ushape, dn = SCATTER_CASES[case]
    rng = np.random.default_rng(case)
    x = rng.normal(size=shape)
    f = lambda x, i: lax.scatter_apply(x, i, jnp.sin, dn, update_shape=ushape)  # noqa: E731
    hits = np.asarray(lax.scatter_add(np.zeros(shape), idx, np.ones(ushape), dn))
    want = x.copy()
    for k in range(int(hits.max())):
        want = np.where(hits > k, np.sin(want), want)
    np.testing.assert_allclose(f(x, idx), want, rtol=1e-12)
    for bdims in all_bdims(shape, idx.shape):
        check_vmap(f, (x, idx), bdims, rng)


# ------------------------------------------------------------------ reduce

REDUCE_DIMS = [(0,), (1, 2), (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("op,init,dtype", [
    (lax.add, 0, np.float32), (lax.mul, 1, np.int32), (lax.max, 0, np.bool_),
    (lax.max, 0, np.uint32), (lax.min, np.iinfo(np.int64).max, np.int64),
    (lax.max, -np.inf, np.float64)])
@pytest.mark.parametrize("dims", REDUCE_DIMS)
def test_reduce_monoids_keep_dtype_and_batch(op, init, dtype, dims):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(3, 4, 5)) * 3).astype(dtype)
    init = np.asarray(init, dtype)
    f = lambda x: lax.reduce(x, init, op, dims)  # noqa: E731
    out = f(x)
    assert out.dtype == np.dtype(dtype)
    ref = {lax.add: np.add, lax.mul: np.multiply, lax.max: np.maximum, lax.min: np.minimum}[op]
    if dtype == np.bool_:
        ref = np.logical_or
    np.testing.assert_allclose(out, ref(ref.reduce(x, axis=dims), init), rtol=1e-5)
    for bdims in all_bdims(x.shape):
        check_vmap(f, (x,), bdims, rng, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dims", REDUCE_DIMS)
def test_reduce_generic_computation_folds_pairwise(dims):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5))
    logaddexp = lambda a, b: jnp.logaddexp(a, b)  # noqa: E731  (not a recognised monoid)
    f = lambda x: lax.reduce(x, -np.inf, logaddexp, dims)  # noqa: E731
    np.testing.assert_allclose(f(x), np.log(np.sum(np.exp(x), axis=dims)), rtol=1e-12)
    for bdims in all_bdims(x.shape):
        check_vmap(f, (x,), bdims, rng)
    g = vmapx.grad(lambda x: jnp.sum(f(x)))(x)  # the fold differentiates
    np.testing.assert_allclose(g, np.exp(x - np.log(np.sum(np.exp(x), axis=dims,
                                                           keepdims=True))), rtol=1e-10)


@pytest.mark.parametrize("dims", REDUCE_DIMS)
def test_variadic_reduce_batches(dims):
    def op(a, b):
        return a[0] + b[0], a[1] * b[1]
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    f = lambda x, y: lax.reduce((x, y), (0.0, 1.0), op, dims)  # noqa: E731
    s, p = f(x, y)
    np.testing.assert_allclose(s, x.sum(dims))
    np.testing.assert_allclose(p, y.prod(dims))
    for bdims in all_bdims(x.shape, y.shape):
        check_vmap(f, (x, y), bdims, rng)


def test_variadic_reduce_argmax_keeps_the_first_of_ties():
    vals = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 1.0, 2.0]])
    idx = np.broadcast_to(np.arange(4), vals.shape)

    def pick(a, b):
        keep = a[0] >= b[0]
        return jnp.where(keep, a[0], b[0]), jnp.where(keep, a[1], b[1])
    best, where = lax.reduce((vals, idx), (-np.inf, 0), pick, (1,))
    np.testing.assert_array_equal(best, [3.0, 2.0])
    np.testing.assert_array_equal(where, [1, 0])


def test_reduce_xor():
    x = np.array([[1, 2, 3], [4, 4, 1]], np.int32)
    out = lax.reduce_xor(x, (1,))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, np.bitwise_xor.reduce(x, axis=1))


# ------------------------------------------------------------- reduce_window

WINDOW_CASES = list(itertools.chain(
    itertools.product([(4, 6)], [(2, 1), (1, 2)], [(1, 1), (2, 1), (1, 2)],
                      ["VALID", "SAME", [(0, 3), (1, 2)]], [(1, 1), (2, 3)], [(1, 1), (1, 2)]),
    itertools.product([(3, 2, 4, 6)], [(2, 1, 2, 1)], [(1, 2, 2, 1)],
                      ["SAME", [(0, 1), (1, 0), (2, 3), (0, 2)]], [(2, 1, 3, 2)],
                      [(1, 2, 2, 1)])))


@pytest.mark.parametrize("case", range(0, len(WINDOW_CASES), 3))
def test_reduce_window_generic_equals_monoid_path_and_batches(case):
    shape, dims, strides, padding, bdil, wdil = WINDOW_CASES[case]
    rng = np.random.default_rng(case)
    x = rng.normal(size=shape).astype(np.float32)
    generic = lambda x: lax.reduce_window(x, np.float32(-np.inf),  # noqa: E731
                                          lambda a, b: jnp.maximum(a, b), dims, strides,
                                          padding, bdil, wdil)
    monoid = lambda x: lax.reduce_window(x, np.float32(-np.inf), lax.max, dims,  # noqa: E731
                                         strides, padding, bdil, wdil)
    got = generic(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, monoid(x))
    for bdims in all_bdims(shape):
        check_vmap(generic, (x,), bdims, rng)


def test_variadic_reduce_window_normpool_under_vmap():
    """JAX's test_variadic_reduce_window: per window of two rows, the row of
    largest norm."""
    def normpool(x):
        norms = jnp.linalg.norm(x, axis=-1)
        idxs = jnp.arange(x.shape[0])

        def g(a, b):
            which = a[0] >= b[0]
            return jnp.where(which, a[0], b[0]), jnp.where(which, a[1], b[1])
        _, idxs = lax.reduce_window((norms, idxs), (-np.inf, np.int64(-1)), g,
                                    window_dimensions=(2,), window_strides=(2,),
                                    padding=((0, 0),))
        return x[idxs]
    x = np.array([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0], [3.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    out = vmapx.vmap(normpool)(x[None])
    np.testing.assert_array_equal(out, [[[2.0, 2.0, 0.0], [3.0, 0.0, 1.0]]])
    check_vmap(normpool, (x,), (0,), np.random.default_rng(0))


def test_reduce_window_generic_gradient_matches_product_rule():
    x = np.array([1.5, -2.0, 0.5, 3.0])
    f = lambda x: jnp.sum(lax.reduce_window(x, 1.0, lambda a, b: a * b, (2,), (1,)))  # noqa
    g = vmapx.grad(f)(x)
    np.testing.assert_allclose(g, [x[1], x[0] + x[2], x[1] + x[3], x[2]])
