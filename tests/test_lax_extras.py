"""``vmapx.lax``'s extra names (``_src/lax_extras.py``): NumPy loops as the
oracle for values, JAX 0.10.2 (x64, where installed) for values, shapes and
dtypes, the loop for ``vmap``, eager for ``jit``, finite differences for
derivatives, and JAX's errors.
"""
import numpy as np
import pytest

import vmapx
from vmapx import lax

RNG = np.random.default_rng(11)


def _same(got, want, rtol=1e-13):
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-13)


def _fd_jacobian(f, x, eps=1e-6):
    cols = []
    for e in np.eye(x.size):
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + eps * e)) - np.asarray(f(x - eps * e))) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(np.shape(f(x)) + x.shape)


# ------------------------------------------------------------ broadcast_to_rank

def test_broadcast_to_rank_adds_leading_ones_only():
    _same(lax.broadcast_to_rank(np.arange(3), 3), np.arange(3)[None, None])
    _same(lax.broadcast_to_rank(2.5, 2), np.array([[2.5]]))
    x = np.ones((2, 3), np.float32)
    _same(lax.broadcast_to_rank(x, 1), x)
    got = vmapx.vmap(lambda v: lax.broadcast_to_rank(v, 3))(np.ones((4, 2)))
    assert got.shape == (4, 1, 1, 2)


# -------------------------------------------------------------------- index_take

@pytest.mark.parametrize("axes", [(0, 2), (1,), (2, 0), (-1,)])
def test_index_take_is_fancy_indexing_with_wrapped_indices(axes):
    src = RNG.normal(size=(3, 4, 5))
    idxs = tuple(RNG.integers(-8, 8, (6,)) for _ in axes)
    moved = np.moveaxis(src, axes, tuple(range(len(axes))))
    sizes = [src.shape[a] for a in axes]
    want = moved[tuple(i % n for i, n in zip(idxs, sizes, strict=True))]
    _same(lax.index_take(src, idxs, axes), want)


def test_index_take_batches_and_differentiates():
    src, idx = RNG.normal(size=(4, 3)), np.array([3, 0, 0, -1])
    f = lambda s: lax.index_take(s, (idx,), (0,))  # noqa: E731
    xs = RNG.normal(size=(2, 4, 3))
    _same(vmapx.vmap(f)(xs), np.stack([f(x) for x in xs]))
    idxs = np.array([[0, 1, 2, 3], [1, 1, 1, 1]])
    g = lambda i: lax.index_take(src, (i,), (0,))  # noqa: E731
    _same(vmapx.vmap(g)(idxs), np.stack([g(i) for i in idxs]))
    np.testing.assert_allclose(vmapx.jacrev(f)(src), _fd_jacobian(f, src), atol=1e-8)


# ----------------------------------------------------------------- approx top k

@pytest.mark.parametrize("dim", [-1, 0])
def test_approx_max_and_min_k_are_the_exact_top_k(dim):
    x = RNG.normal(size=(6, 7))
    values, indices = lax.approx_max_k(x, 3, reduction_dimension=dim)
    want = -np.sort(-x, axis=dim).take(range(3), axis=dim)
    _same(values, want)
    assert indices.dtype == np.int32
    _same(np.take_along_axis(x, indices, axis=dim), want)
    values, indices = lax.approx_min_k(x, 2, reduction_dimension=dim, recall_target=0.5)
    want = np.sort(x, axis=dim).take(range(2), axis=dim)
    _same(values, want)
    _same(np.take_along_axis(x, indices, axis=dim), want)


def test_approx_max_k_matches_jax_and_batches():
    x = RNG.normal(size=(3, 9)).astype(np.float32)
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        for ours, theirs in [(lax.approx_max_k, jax.lax.approx_max_k),
                             (lax.approx_min_k, jax.lax.approx_min_k)]:
            for got, want in zip(ours(x, 4), theirs(x, 4), strict=True):
                _same(got, want)
    f = lambda v: lax.approx_max_k(v, 2)[0]  # noqa: E731
    _same(vmapx.vmap(f)(x), np.stack([f(v) for v in x]))
    x64 = x[0].astype(float)
    np.testing.assert_allclose(vmapx.jacrev(f)(x64), _fd_jacobian(f, x64), atol=1e-8)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: lax.approx_max_k(np.arange(4), 2), ValueError, "operand must be a floating type"),
    (lambda: lax.approx_max_k(np.ones(3), 0), ValueError, "k must be positive, got 0"),
    (lambda: lax.approx_min_k(np.ones(3), 4), ValueError, "k must be smaller than the size"),
    (lambda: lax.approx_max_k(np.float64(1.0), 1), TypeError, "must have >= 1 dimension"),
])
def test_approx_k_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------- conv_general_dilated_patches

def _patches_loop(x, window, strides, pads):
    """NCHW patches by explicit loops: feature c * prod(window) + j is channel
    c at window position j (C order) of each output position."""
    n, c, *spatial = x.shape
    xp = np.pad(x, [(0, 0), (0, 0)] + list(pads))
    outs = [(s + lo + hi - w) // st + 1
            for s, (lo, hi), w, st in zip(spatial, pads, window, strides, strict=True)]
    positions = list(np.ndindex(*window))
    out = np.zeros((n, c * len(positions), *outs))
    for o in np.ndindex(*outs):
        for j, w in enumerate(positions):
            at = tuple(oi * st + wi for oi, st, wi in zip(o, strides, w, strict=True))
            out[(slice(None), slice(j, None, len(positions))) + o] = xp[(slice(None), slice(None))
                                                                       + at]
    return out


@pytest.mark.parametrize("window, strides, pads", [
    ((2, 2), (1, 1), ((0, 0), (0, 0))), ((3, 2), (2, 1), ((1, 1), (0, 1))), ((3,), (2,), ((1, 2),)),
])
def test_patches_are_the_windows_of_each_position(window, strides, pads):
    x = RNG.normal(size=(2, 3, 6, 5)[:2 + len(window)])
    got = lax.conv_general_dilated_patches(x, window, strides, list(pads))
    _same(got, _patches_loop(x, window, strides, pads))


@pytest.mark.parametrize("kwargs", [
    {"window_strides": (1, 1), "padding": "VALID"},
    {"window_strides": (2, 1), "padding": "SAME", "rhs_dilation": (1, 2)},
    {"window_strides": (1, 1), "padding": [(1, 0), (0, 2)], "lhs_dilation": (2, 1),
     "dimension_numbers": ("NHWC", "HWIO", "CNHW")},
    {"window_strides": (1, 2), "padding": "SAME", "dimension_numbers": ("NHWC", "OIHW", "NHWC")},
])
def test_patches_match_jax(kwargs):
    jax = pytest.importorskip("jax")
    x = RNG.normal(size=(2, 5, 6, 3)) if kwargs.get("dimension_numbers") else \
        RNG.normal(size=(2, 3, 5, 6))
    with jax.enable_x64(True):
        want = jax.lax.conv_general_dilated_patches(x, (2, 3), **kwargs)
        want32 = jax.lax.conv_general_dilated_patches(x.astype(np.float32), (2, 3), **kwargs)
    _same(lax.conv_general_dilated_patches(x, (2, 3), **kwargs), want)
    _same(lax.conv_general_dilated_patches(x.astype(np.float32), (2, 3), **kwargs), want32,
          rtol=1e-6)


def test_patches_batch_jit_and_differentiate():
    f = lambda v: lax.conv_general_dilated_patches(v, (2, 2), (1, 1), "SAME")  # noqa: E731
    xs = RNG.normal(size=(3, 1, 2, 3, 3))
    _same(vmapx.vmap(f)(xs), np.stack([f(x) for x in xs]))
    _same(vmapx.jit(f)(xs[0]), f(xs[0]))
    x = xs[0]
    np.testing.assert_allclose(vmapx.jacrev(f)(x), _fd_jacobian(f, x), atol=1e-8)


# -------------------------------------------------------------------- ragged dot

def _ragged_dot_loop(lhs, rhs, sizes):
    out = np.zeros((lhs.shape[0], rhs.shape[-1]), np.result_type(lhs, rhs))
    start = 0
    for g, size in enumerate(sizes):
        out[start:start + size] = lhs[start:start + size] @ rhs[g]
        start += size
    return out


@pytest.mark.parametrize("sizes", [[2, 0, 4], [7, 0, 0], [1, 1, 1], [0, 0, 0]])
def test_ragged_dot_multiplies_each_group_by_its_matrix(sizes):
    lhs, rhs = RNG.normal(size=(7, 3)), RNG.normal(size=(3, 3, 4))
    sizes = np.array(sizes)
    _same(lax.ragged_dot(lhs, rhs, sizes), _ragged_dot_loop(lhs, rhs, sizes))
    _same(lax.ragged_dot(lhs, rhs, sizes.astype(np.int32)), _ragged_dot_loop(lhs, rhs, sizes))


def test_ragged_dot_general_contracting_groups_lead_the_result():
    lhs, rhs, sizes = RNG.normal(size=(4, 6)), RNG.normal(size=(6, 5)), np.array([2, 3, 1])
    dn = lax.RaggedDotDimensionNumbers((((1,), (0,)), ((), ())), [1], [])
    ends = np.cumsum(sizes)
    want = np.stack([lhs[:, e - s:e] @ rhs[e - s:e] for s, e in zip(sizes, ends, strict=True)])
    _same(lax.ragged_dot_general(lhs, rhs, sizes, dn), want)


RAGGED_CASES = {
    # name: (lhs shape, rhs shape, group_sizes, dimension numbers)
    "noncontracting-batched": ((2, 6, 3), (3, 2, 3, 5), np.array([[1, 2, 3], [4, 0, 1]]),
                               ((((2,), (2,)), ((0,), (1,))), [1], [0])),
    "noncontracting-outer-free": ((2, 5, 3), (2, 3, 4), np.array([[1, 4], [3, 1]]),
                                  ((((2,), (1,)), ((), ())), [1], [0])),
    "contracting-batched": ((2, 4, 6), (2, 6, 5), np.array([[2, 3, 1], [0, 6, 0]]),
                            ((((2,), (1,)), ((0,), (0,))), [2], [])),
    "batch": ((2, 4, 6), (2, 6, 5), np.array([1, 1]), ((((2,), (1,)), ((0,), (0,))), [0], [])),
    "basic-float32": ((5, 3), (2, 3, 2), np.array([2, 3]), ((((1,), (1,)), ((), ())), [0], [0])),
}


@pytest.mark.parametrize("case", sorted(RAGGED_CASES))
def test_ragged_dot_general_matches_jax(case):
    jax = pytest.importorskip("jax")
    lshape, rshape, sizes, dn = RAGGED_CASES[case]
    dtype = np.float32 if "float32" in case else np.float64
    lhs, rhs = RNG.normal(size=lshape).astype(dtype), RNG.normal(size=rshape).astype(dtype)
    with jax.enable_x64(True):
        want = jax.lax.ragged_dot_general(lhs, rhs, sizes,
                                          jax.lax.RaggedDotDimensionNumbers(*dn))
    _same(lax.ragged_dot_general(lhs, rhs, sizes, lax.RaggedDotDimensionNumbers(*dn)), want,
          rtol=1e-6 if dtype == np.float32 else 1e-13)


def test_ragged_dot_batches_jits_and_differentiates():
    lhs, rhs = RNG.normal(size=(5, 2)), RNG.normal(size=(2, 2, 3))
    sizes = np.array([[2, 3], [5, 0], [0, 4]])
    f = lambda s: lax.ragged_dot(lhs, rhs, s)  # noqa: E731
    _same(vmapx.vmap(f)(sizes), np.stack([f(s) for s in sizes]))
    lhss = RNG.normal(size=(3, 5, 2))
    g = lambda a: lax.ragged_dot(a, rhs, sizes[0])  # noqa: E731
    _same(vmapx.vmap(g)(lhss), np.stack([g(a) for a in lhss]))
    _same(vmapx.jit(lax.ragged_dot)(lhs, rhs, sizes[0]), lax.ragged_dot(lhs, rhs, sizes[0]))
    np.testing.assert_allclose(vmapx.jacrev(g)(lhs), _fd_jacobian(g, lhs), atol=1e-8)
    h = lambda b: lax.ragged_dot(lhs, b, sizes[0])  # noqa: E731
    np.testing.assert_allclose(vmapx.jacfwd(h)(rhs), _fd_jacobian(h, rhs), atol=1e-8)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: lax.ragged_dot(np.ones((3, 2)), np.ones((2, 2, 2)), np.array([1, 2]),
                            group_offset=np.array([0])), NotImplementedError, "group_offset"),
    (lambda: lax.ragged_dot(np.ones((3, 2)), np.ones((2, 2, 2)), np.array([1.0, 2.0])),
     TypeError, "integer dtype"),
    (lambda: lax.ragged_dot_general(np.ones((3, 2)), np.ones((2, 2)), np.array([1, 2]),
                                    lax.RaggedDotDimensionNumbers((((1,), (0,)), ((), ())),
                                                                  [5], [])),
     TypeError, "lhs_ragged_dim 5 not found"),
])
def test_ragged_dot_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------- rng_bit_generator

@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
def test_rng_bit_generator_shapes_dtypes_and_new_key(dtype):
    key = np.array([7, 8, 0, 41], np.uint32)
    new_key, bits = lax.rng_bit_generator(key, (4, 5), dtype)
    assert new_key.dtype == np.uint32 and new_key.shape == (4,)
    assert bits.dtype == dtype and bits.shape == (4, 5)
    np.testing.assert_array_equal(new_key, [7, 8, 0, 42])
    again = lax.rng_bit_generator(key, (4, 5), dtype)[1]
    np.testing.assert_array_equal(again, bits)                  # a pure function of the key
    fresh = lax.rng_bit_generator(new_key, (4, 5), dtype)[1]
    assert not np.array_equal(fresh, bits)


def test_rng_bit_generator_shapes_and_dtypes_are_jaxs():
    jax = pytest.importorskip("jax")
    for key in (np.array([1, 2, 3, 4], np.uint32), np.array([5, 6], np.uint64)):
        for dtype in (np.uint8, np.uint32, np.uint64):
            with jax.enable_x64(True):
                want = jax.lax.rng_bit_generator(key, (3, 2), dtype)
            got = lax.rng_bit_generator(key, (3, 2), dtype)
            for g, w in zip(got, want, strict=True):
                assert g.shape == w.shape and g.dtype == w.dtype


def test_rng_bit_generator_counter_carries_and_bits_are_uniform():
    new_key, _ = lax.rng_bit_generator(np.array([1, 2, 0, 2**32 - 1], np.uint32), ())
    np.testing.assert_array_equal(new_key, [1, 2, 1, 0])
    new_key, _ = lax.rng_bit_generator(np.array([3, 2**64 - 1], np.uint64), (), np.uint64)
    np.testing.assert_array_equal(new_key, np.array([3, 0], np.uint64))
    _, bits = lax.rng_bit_generator(np.array([0, 1, 2, 3], np.uint32), (20000,))
    u = bits / 2.0**32
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    per_bit = np.unpackbits(bits.view(np.uint8)).mean()
    assert abs(per_bit - 0.5) < 0.005


def test_rng_bit_generator_vmaps_over_keys_and_jits():
    keys = np.array([[0, 1, 0, 0], [0, 1, 0, 1], [9, 9, 9, 9]], np.uint32)
    f = lambda k: lax.rng_bit_generator(k, (2, 3), np.uint16)  # noqa: E731
    got = vmapx.vmap(f)(keys)
    for g, w in zip(got, [np.stack(col) for col in zip(*[f(k) for k in keys], strict=True)],
                    strict=True):
        _same(g, w)
    for g, w in zip(vmapx.jit(f)(keys[0]), f(keys[0]), strict=True):
        _same(g, w)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: lax.rng_bit_generator(np.zeros(4, np.uint32), (2,), np.int32), TypeError,
     "rng_bit_generator: unsupported dtype int32"),
    (lambda: lax.rng_bit_generator(np.zeros(2, np.uint32), (2,)), TypeError,
     r"requires a uint32\[4\] or uint64\[2\] key"),
])
def test_rng_bit_generator_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# -------------------------------------------------------------- types and aliases

def test_types_agree_with_jax():
    jax = pytest.importorskip("jax")
    assert [m.name for m in lax.DotAlgorithmPreset] == \
        [m.name for m in jax.lax.DotAlgorithmPreset]
    assert {m.name: int(m) for m in lax.RandomAlgorithm} == \
        {m.name: int(m) for m in jax.lax.RandomAlgorithm}
    assert lax.DotAlgorithm._fields == jax.lax.DotAlgorithm._fields
    dn = lax.RaggedDotDimensionNumbers([[[1], [1]], [[], []]], [0], [0])
    jdn = jax.lax.RaggedDotDimensionNumbers([[[1], [1]], [[], []]], [0], [0])
    assert (dn.dot_dimension_numbers, dn.lhs_ragged_dimensions, dn.rhs_group_dimensions) == \
        (jdn.dot_dimension_numbers, jdn.lhs_ragged_dimensions, jdn.rhs_group_dimensions)
    assert hash(dn) == hash(lax.RaggedDotDimensionNumbers(((( 1,), (1,)), ((), ())), (0,), (0,)))


def test_precision_kinds_are_accepted_by_products():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(3, 2))
    for precision in (lax.DotAlgorithmPreset.F64_F64_F64, lax.Precision.HIGHEST,
                      lax.DotAlgorithm(np.float64, np.float64, np.float64)):
        _same(lax.dot(a, b, precision=precision), a @ b)


def test_new_primitive_aliases_are_the_primitives_staged():
    closed = vmapx.make_jaxpr(lambda x: lax.zeta(x, 2.0))(3.0)
    assert any(eqn.primitive is lax.zeta_p for eqn in closed.jaxpr.eqns)
    closed = vmapx.make_jaxpr(lambda x: (lax.dce_sink(x), x)[1])(3.0)
    assert any(eqn.primitive is lax.dce_sink_p for eqn in closed.jaxpr.eqns)
