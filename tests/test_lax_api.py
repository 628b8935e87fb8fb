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


# --------------------------------------------------------------- small ops


def _jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


@pytest.mark.parametrize("shape", [(8,), (3, 4, 5)])
def test_optimization_barrier_is_the_identity_under_vmap(shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(np.float32)
    for bdims in all_bdims(shape):
        check_vmap(lax.optimization_barrier, (x,), bdims, rng)
    x8 = np.arange(8)
    out = vmapx.vmap(lax.optimization_barrier, in_axes=((0, 1),), out_axes=(0, 1))(
        (x8, x8.reshape(1, 8)))
    np.testing.assert_array_equal(out[0], x8)
    np.testing.assert_array_equal(out[1], x8.reshape(1, 8))


@pytest.mark.parametrize("shape", [(5,), (3, 4, 5), (2, 3, 4, 5)])
def test_fft_vmap_matches_loop_for_every_rank(shape):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(np.complex64)
    for k in range(0, min(3, len(shape)) + 1):
        lengths = shape[len(shape) - k:]
        f = lambda x: lax.fft(x, lax.FftType.FFT, lengths)  # noqa: E731
        assert f(x).dtype == np.complex64
        for bdims in all_bdims(shape):
            check_vmap(f, (x,), bdims, rng, rtol=1e-4, atol=1e-4)


def test_fft_kinds_match_numpy_and_round_trip():
    x = np.random.default_rng(0).normal(size=(3, 8))
    r = lax.fft(x, "rfft", (8,))
    np.testing.assert_allclose(r, np.fft.rfft(x))
    np.testing.assert_allclose(lax.fft(r, lax.FftType.IRFFT, (8,)), x, atol=1e-12)
    c = lax.fft(x, "FFT", (3, 8))
    assert c.dtype == np.complex128
    np.testing.assert_allclose(lax.fft(c, "ifft", (3, 8)), x, atol=1e-12)
    with pytest.raises(ValueError, match="Unknown FFT type 'Fft'"):
        lax.fft(x, "Fft", (8,))
    # Parseval: sum |fft(x)|^2 = 8 * sum x^2, so its gradient is 16 x
    g = vmapx.grad(lambda x: jnp.sum(jnp.abs(lax.fft(x, "fft", (8,))) ** 2))(x)
    np.testing.assert_allclose(g, 16 * x, rtol=1e-12)


def test_reduce_precision_matches_jax_and_keeps_dtype():
    jax = _jax()
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=50) * 10.0 ** rng.integers(-8, 8, size=50),
                        [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e38, 1e-40, 65504.0, 65520.0]])
    for dtype in (np.float16, np.float32, np.float64):
        with np.errstate(over="ignore"):
            xd = x.astype(dtype)  # float16 overflows to inf on purpose
        for e, m in ((5, 10), (8, 7), (8, 23), (11, 52), (4, 3), (1, 0), (3, 2), (5, 4)):
            got = lax.reduce_precision(xd, e, m)
            assert got.dtype == np.dtype(dtype)
            want = jax.lax.reduce_precision(xd, e, m)
            np.testing.assert_array_equal(got, np.asarray(want), err_msg=f"{dtype} {e} {m}")


def test_reduce_precision_batches_and_its_tangent_is_rounded():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    f = lambda x: lax.reduce_precision(x, 5, 10)  # noqa: E731
    for bdims in all_bdims(x.shape):
        check_vmap(f, (x,), bdims, rng)
    t = np.full_like(x, 1.2345678)
    _, tan = vmapx.jvp(f, (x,), (t,))
    np.testing.assert_array_equal(tan, f(t))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64])
def test_mulhi_is_the_high_half_of_the_exact_product(dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(0)
    x = rng.integers(info.min, info.max, size=20, endpoint=True, dtype=dtype)
    y = rng.integers(info.min, info.max, size=20, endpoint=True, dtype=dtype)
    got = lax.mulhi(x, y)
    assert got.dtype == np.dtype(dtype)
    want = np.array([(int(a) * int(b)) >> info.bits for a, b in zip(x, y, strict=True)],
                    dtype=dtype)  # Python's exact product, arithmetic shift
    np.testing.assert_array_equal(got, want)
    check_vmap(lax.mulhi, (x, y), (0, None), rng)


def test_betainc_values_gradient_in_x_and_vmap():
    from vmapx.scipy import special
    sp = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    a, b, x = rng.uniform(0.5, 3, 5), rng.uniform(0.5, 3, 5), rng.uniform(0.05, 0.95, 5)
    np.testing.assert_allclose(lax.betainc(a, b, x), sp.betainc(a, b, x), rtol=1e-14)
    np.testing.assert_allclose(special.betainc(a, b, x), sp.betainc(a, b, x), rtol=1e-14)
    g = vmapx.vmap(vmapx.grad(lambda a, b, x: lax.betainc(a, b, x), argnums=2))(a, b, x)
    pdf = x ** (a - 1) * (1 - x) ** (b - 1) / sp.beta(a, b)
    np.testing.assert_allclose(g, pdf, rtol=1e-12)
    ga = vmapx.vmap(vmapx.grad(lambda a, b, x: lax.betainc(a, b, x)))(a, b, x)
    h = 1e-6
    np.testing.assert_allclose(ga, (sp.betainc(a + h, b, x) - sp.betainc(a - h, b, x)) / (2 * h),
                               rtol=1e-6)
    check_vmap(lax.betainc, (a, b, x), (None, 0, 0), rng)
    with pytest.raises(TypeError, match="same dtypes"):
        lax.betainc(np.float32(1.0), 2.0 * np.ones(1), 0.5)


@pytest.mark.parametrize("arg_shape,reps", [((3,), (2,)), ((2, 3), (1, 2)), ((2, 3), (2, 1)),
                                            ((2, 1, 3), (1, 2, 3))])
@pytest.mark.parametrize("in_axis,out_axis", [(0, 0), (1, -1), (-1, 1)])
def test_tile_batching(arg_shape, reps, in_axis, out_axis):
    x = np.random.default_rng(0).normal(size=arg_shape).astype(np.float32)
    xs = np.stack([x, 2 * x], axis=in_axis)
    out = vmapx.vmap(lambda v: lax.tile(v, reps), in_axes=in_axis, out_axes=out_axis)(xs)
    want = np.stack([np.tile(x, reps), np.tile(2 * x, reps)], axis=out_axis)
    assert out.shape == want.shape and out.dtype == np.float32
    np.testing.assert_array_equal(out, want)
    with pytest.raises(ValueError, match="reps length must be equal to the ndim of x"):
        lax.tile(np.ones((2, 3)), (2,))


def test_stack_and_unstack():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    check_vmap(lambda x, y: lax.stack([x, y], axis=1), (x, y), (0, 1), rng)
    parts = vmapx.vmap(lambda x: lax.unstack(x, axis=1))(np.stack([x, y]))
    assert len(parts) == 3 and parts[0].shape == (2, 2)
    np.testing.assert_array_equal(parts[2], np.stack([x[:, 2], y[:, 2]]))


def test_broadcast_shapes_python_ints_and_errors():
    out = lax.broadcast_shapes((1, 2, 3), (2, 3))
    assert out == (1, 2, 3) and all(type(s) is int for s in out)
    assert lax.broadcast_shapes((np.int64(4), 1), (3,)) == (4, 3)
    with pytest.raises(TypeError, match="Only non-negative indices are allowed"):
        lax.broadcast_shapes((-1,))
    with pytest.raises(TypeError, match="Shapes must be 1D sequences"):
        lax.broadcast_shapes("hello")
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        lax.broadcast_shapes((2,), (3,))


@pytest.mark.parametrize("shape", [(4,), (3, 5, 3)])
@pytest.mark.parametrize("k,axis", [(1, 0), (3, -1), (3, 0)])
def test_top_k_along_any_axis_batches(shape, k, axis):
    rng = np.random.default_rng(0)
    x = rng.permutation(int(np.prod(shape))).reshape(shape).astype(np.float32)
    vals, idx = lax.top_k(x, k, axis=axis)
    want = -np.sort(-x, axis=axis).take(range(k), axis=axis)
    np.testing.assert_array_equal(vals, want)
    np.testing.assert_array_equal(np.take_along_axis(x, idx, axis=axis), want)
    assert idx.dtype == np.int32
    for bdims in all_bdims(shape):
        check_vmap(lambda x: lax.top_k(x, k, axis=axis), (x,), bdims, rng)


# ------------------------------------------------------------- collectives


@pytest.mark.parametrize("tiled", [False, True])
@pytest.mark.parametrize("split,concat", [(0, 0), (0, 2), (2, 1)])
@pytest.mark.parametrize("names", [("i", "j"), ("j", "i")])
def test_all_to_all_over_two_axis_names_is_one_exchange_over_their_product(
        tiled, split, concat, names):
    rng = np.random.default_rng(0)
    shape = [3, 4, 5]
    shape[split] = 6 * (2 if tiled else 1)
    x = rng.normal(size=(2, 3) + tuple(shape))
    f = vmapx.vmap(vmapx.vmap(lambda v: lax.all_to_all(v, names, split, concat, tiled=tiled),
                              axis_name="j"), axis_name="i")
    got = f(x)
    # the same exchange written with one flattened axis 'k' (first name major)
    order = (0, 1) if names == ("i", "j") else (1, 0)
    flat = np.transpose(x, order + tuple(range(2, x.ndim)))
    flat = flat.reshape((6,) + tuple(shape))
    want = vmapx.vmap(lambda v: lax.all_to_all(v, "k", split, concat, tiled=tiled),
                      axis_name="k")(flat)
    want = want.reshape(tuple(np.array([2, 3])[list(order)]) + want.shape[1:])
    want = np.transpose(want, order + tuple(range(2, want.ndim)))
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------ linalg

from vmapx.lax import linalg as lalg  # noqa: E402


def _spd(rng, n, batch=()):
    a = rng.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def test_linalg_conventions_match_jax():
    jax = _jax()
    jl = jax.lax.linalg
    rng = np.random.default_rng(0)
    s = _spd(rng, 4)
    np.testing.assert_allclose(lalg.cholesky(s), jl.cholesky(s), rtol=1e-12)
    v, w = lalg.eigh(s)
    jv, jw = jl.eigh(s)
    np.testing.assert_allclose(w, jw, rtol=1e-12)
    np.testing.assert_allclose(np.abs(v), np.abs(jv), rtol=1e-10, atol=1e-12)
    v2, w2 = lalg.eigh(s, subset_by_index=(1, 3))
    assert v2.shape == (4, 2) and np.allclose(w2, jw[1:3])
    a = rng.normal(size=(4, 4))
    for x in (a, rng.normal(size=(3, 5)), rng.normal(size=(5, 3))):
        for got, want in zip(lalg.lu(x), jl.lu(x), strict=True):
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    q, r = lalg.qr(rng.normal(size=(4, 3)))
    assert q.shape == (4, 4) and r.shape == (4, 3)
    u, sv, vh = lalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(sv, jl.svd(a, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose((u * sv) @ vh, a, atol=1e-12)
    w, vl, vr = lalg.eig(a)
    jw, jvl, jvr = jl.eig(a)
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.asarray(jw)), rtol=1e-10)
    np.testing.assert_allclose(np.conj(vl).T @ a, w[:, None] * np.conj(vl).T, atol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(vl, axis=0), 1.0, rtol=1e-12)
    perm = lalg.lu_pivots_to_permutation(np.array([[2, 2, 2], [1, 2, 3]], np.int32), 4)
    np.testing.assert_array_equal(
        perm, jl.lu_pivots_to_permutation(np.array([[2, 2, 2], [1, 2, 3]], np.int32), 4))


@pytest.mark.parametrize("left_side", [False, True])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("transpose_a,conjugate_a", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("unit_diagonal", [False, True])
def test_triangular_solve_flags_match_jax(left_side, lower, transpose_a, conjugate_a,
                                          unit_diagonal):
    jax = _jax()
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)) + 4 * np.eye(4)
    b = rng.normal(size=(4, 3) if left_side else (3, 4)) + 0j
    kw = dict(left_side=left_side, lower=lower, transpose_a=transpose_a,
              conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    np.testing.assert_allclose(lalg.triangular_solve(a, b, **kw),
                               jax.lax.linalg.triangular_solve(a, b, **kw), rtol=1e-12)


def test_linalg_functions_batch_like_the_loop():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))
    eye3 = 3 * np.eye(3)
    # check_vmap draws new values for mapped arguments: conditioning happens inside f
    for f, args in [(lambda a: lalg.cholesky(a @ a.T + eye3), (a,)),
                    (lambda a: lalg.eigh(a @ a.T)[1], (a,)),
                    (lambda a: lalg.lu(a)[0], (a,)), (lambda a: lalg.lu(a)[2], (a,)),
                    (lambda a: lalg.svd(a, compute_uv=False), (a,)),
                    (lambda a, b: lalg.triangular_solve(a + jnp.sign(jnp.diag(a)) * eye3, b,
                                                        left_side=True, lower=True), (a, b)),
                    (lambda dl, d, du, b: lalg.tridiagonal_solve(dl, d + 4 * jnp.sign(d), du, b),
                     (rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), b))]:
        for bdims in itertools.product(*[[None, 0] for _ in args]):
            if any(d is not None for d in bdims):
                check_vmap(f, args, bdims, rng, rtol=1e-9)


def test_lu_and_solves_differentiate():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))

    def recon(a):
        lu, _, perm = lalg.lu(a)
        lower = jnp.tril(lu, -1) + jnp.eye(3)
        return jnp.sum(jnp.sin(lu)), (lower @ jnp.triu(lu), perm)
    g = vmapx.grad(lambda a: recon(a)[0])(a)
    h = 1e-6
    fd = np.zeros_like(a)
    for i, j in itertools.product(range(3), range(3)):
        e = np.zeros_like(a)
        e[i, j] = h
        fd[i, j] = (recon(a + e)[0] - recon(a - e)[0]) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
    prod, perm = recon(a)[1]
    np.testing.assert_allclose(prod, a[perm], atol=1e-12)
    jax = _jax()
    gt = vmapx.grad(lambda a: jnp.sum(lalg.triangular_solve(a, np.ones((3, 2)), left_side=True,
                                                            lower=True)))(a + 3 * np.eye(3))
    jt = jax.grad(lambda a: jax.numpy.sum(jax.lax.linalg.triangular_solve(
        a, np.ones((3, 2)), left_side=True, lower=True)))(a + 3 * np.eye(3))
    np.testing.assert_allclose(gt, jt, rtol=1e-10, atol=1e-12)


def test_reduce_structure_errors():
    with pytest.raises(ValueError, match="same tree structure as init_values"):
        lax.reduce((np.ones(3), np.ones(3)), 0.0, lax.add, (0,))
    with pytest.raises(ValueError, match="same tree structure as the operands"):
        lax.reduce((np.ones(3), np.ones(3)), (0.0, 0.0), lambda a, b: a[0] + b[0], (0,))
    with pytest.raises(TypeError, match="init_values to be scalars"):
        lax.reduce_window(np.ones(3), np.zeros(2), lambda a, b: a + b, (2,), (1,))


def test_platform_dependent_runs_the_cpu_branch_under_transforms():
    x = np.arange(3, dtype=np.float32)
    f = lambda x: lax.platform_dependent(x, cpu=jnp.sin, default=jnp.cos)  # noqa: E731
    np.testing.assert_allclose(f(x), np.sin(x))
    np.testing.assert_allclose(vmapx.vmap(f)(x), np.sin(x))
    np.testing.assert_allclose(vmapx.jit(vmapx.grad(f))(1.0), np.cos(1.0))
    no_args = lax.platform_dependent(cpu=lambda: jnp.sin(x), default=lambda: jnp.cos(x))
    np.testing.assert_allclose(no_args, np.sin(x))
    np.testing.assert_allclose(lax.platform_dependent(x, tpu=jnp.sin, default=jnp.cos),
                               np.cos(x))
    with pytest.raises(NotImplementedError, match="translation rule .* not found for platform"):
        lax.platform_dependent(3.0, tpu=lambda x: x + 2.0)


def test_empty_has_the_shape_and_dtype():
    out = lax.empty((2, 2), dtype=np.float32)
    assert out.shape == (2, 2) and out.dtype == np.float32


def test_random_gamma_grad_is_the_implicit_derivative_of_a_gamma_sample():
    a, x = np.array([0.3, 1.0, 2.5, 7.0]), np.array([0.1, 0.5, 2.0, 9.0])
    got = lax.random_gamma_grad(a, x)
    sp = pytest.importorskip("scipy.special")
    # x(a) keeping the CDF fixed: x(a + h) = gammaincinv(a + h, P(a, x))
    h = 1e-6
    u = sp.gammainc(a, x)
    fd = (sp.gammaincinv(a + h, u) - sp.gammaincinv(a - h, u)) / (2 * h)
    np.testing.assert_allclose(got, fd, rtol=1e-6)
    check_vmap(lambda a, x: lax.random_gamma_grad(jnp.abs(a) + 0.5, jnp.abs(x) + 0.1), (a, x),
               (0, None), np.random.default_rng(0))


def test_householder_product_rebuilds_q_and_cholesky_update_is_the_rank_one_factor():
    sl = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3)) + 1j * rng.normal(size=(5, 3))
    (packed, tau), _ = sl.qr(x, mode="raw")
    q = lalg.householder_product(np.asarray(packed), tau)
    assert q.shape == (5, 3) and q.dtype == np.complex128
    np.testing.assert_allclose(q @ np.triu(np.asarray(packed))[:3], x, atol=1e-12)
    r = np.triu(rng.normal(size=(3, 3))) + 3 * np.eye(3)
    w = rng.normal(size=3)
    up = lalg.cholesky_update(r, w)
    np.testing.assert_allclose(up.T @ up, r.T @ r + np.outer(w, w), atol=1e-12)
    assert np.all(np.diag(up) > 0) and np.allclose(np.tril(up, -1), 0)
    check_vmap(lambda a, t: lalg.householder_product(a, t), (np.asarray(packed), tau), (0, None),
               rng)


@pytest.mark.parametrize("split,concat,vmap_axis",
                         list(itertools.product(range(2), range(2), range(3))))
def test_all_to_all_over_two_names_is_a_moveaxis_of_the_unrolled_input(split, concat,
                                                                       vmap_axis):
    """batching_test's testAllToAllSplitAxis: with the batch axis unrolled into
    (i, j) = (2, 2), the exchange moves the batch axis and the split axis."""
    shape = (4, 4, 4)
    x = np.arange(64).reshape(shape)
    f = vmapx.vmap(vmapx.vmap(lambda v: lax.all_to_all(v, ("i", "j"), split, concat),
                              in_axes=vmap_axis, axis_name="j"),
                   in_axes=vmap_axis, axis_name="i")
    unrolled = list(shape)
    unrolled[vmap_axis:vmap_axis + 1] = (2, 2)
    y = f(x.reshape(unrolled)).reshape(shape)
    s = split + (vmap_axis <= split)
    np.testing.assert_array_equal(y, np.moveaxis(x, (vmap_axis, s), (concat + 1, 0)))


def test_lax_zeta_is_the_hurwitz_zeta_without_promotion():
    from vmapx import lax as vlax
    scipy_special = pytest.importorskip("scipy.special")
    x, q = np.array([2.0, 3.0, 4.5]), np.array([1.0, 2.0, 0.5])
    np.testing.assert_allclose(vlax.zeta(x, q), scipy_special.zeta(x, q), rtol=1e-13)
    out = vmapx.vmap(vlax.zeta)(x, q)
    np.testing.assert_allclose(out, np.stack([vlax.zeta(a, b) for a, b in zip(x, q)]))
    with pytest.raises(TypeError, match="lax.zeta requires arguments to have the same dtypes"):
        vlax.zeta(np.float32(2.0), np.float64(1.0))
