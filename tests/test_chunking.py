"""Memory-bounded batches: ``vmap(chunk_size=...)`` and ``lax.map(batch_size=...)``
give the unchunked results (axes, pytrees, unmapped outputs, remainders,
nesting, transforms) with a lower peak memory (measured with tracemalloc)."""
import tracemalloc

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

RNG = np.random.default_rng(0)


def same(got, want, rtol=0.0):
    """Same structure, shapes and dtypes; values equal (``rtol=0``) or equal up
    to floating-point reassociation (a matmul blocked differently per chunk)."""
    got_l, want_l = vmapx.tree_util.tree_leaves(got), vmapx.tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l)
    for g, w in zip(got_l, want_l, strict=True):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype
        if rtol:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=0)
        else:
            np.testing.assert_array_equal(g, w)


def f(x, w):
    return {"y": jnp.tanh(x @ w), "s": (x ** 2).sum()}


@pytest.mark.parametrize("chunk", [1, 3, 4, 7, 50])
@pytest.mark.parametrize("in_axes,out_axes", [((0, None), 0), ((1, None), -1),
                                              ((-1, 0), {"y": 1, "s": 0})])
def test_chunked_equals_unchunked(chunk, in_axes, out_axes):
    B = 7
    x = RNG.normal(size=(B, 4, 3))
    w = RNG.normal(size=(3, 2))
    if in_axes[0] != 0:
        x = np.moveaxis(x, 0, in_axes[0])
    if in_axes[1] == 0:
        w = np.stack([w] * B)
    want = vmapx.vmap(f, in_axes=in_axes, out_axes=out_axes)(x, w)
    got = vmapx.vmap(f, in_axes=in_axes, out_axes=out_axes, chunk_size=chunk)(x, w)
    same(got, want, rtol=1e-12)   # matmul: equal up to reassociation


@pytest.mark.parametrize("chunk", [1, 5, 64, 100])
def test_chunked_matmul_equals_unchunked_up_to_reassociation(chunk):
    # big enough that BLAS blocks a (batch*rows, k) @ (k, n) product by its size
    x = RNG.normal(size=(300, 8, 96))
    w = RNG.normal(size=(96, 64))
    g = lambda v: jnp.tanh(v @ w).sum(0)   # noqa: E731
    want = vmapx.vmap(g)(x)
    same(vmapx.vmap(g, chunk_size=chunk)(x), want, rtol=1e-12)


@pytest.mark.parametrize("chunk", [1, 3, 64])
def test_chunked_elementwise_program_is_bit_identical(chunk):
    x = RNG.normal(size=(200, 17))
    y = RNG.normal(size=(17,))
    g = lambda v, c: {"a": jnp.exp(jnp.sin(v) * c) - v ** 3, "b": jnp.where(v > c, v, c)}  # noqa
    same(vmapx.vmap(g, in_axes=(0, None), chunk_size=chunk)(x, y),
         vmapx.vmap(g, in_axes=(0, None))(x, y))


def test_unmapped_outputs_and_axis_size_dependent_rules():
    x = RNG.normal(size=(9, 3))
    g = lambda v: (v.sum(), jnp.ones(2), jnp.concatenate([v, jnp.zeros(1)]))  # noqa: E731
    for out_axes in (0, (0, None, 1)):
        same(vmapx.vmap(g, out_axes=out_axes, chunk_size=4)(x),
             vmapx.vmap(g, out_axes=out_axes)(x))


def test_chunking_a_named_axis_combines_collectives_across_chunks():
    """Collectives over a chunked axis see every example (passes over the chunks)."""
    x = np.arange(6.0)
    same(vmapx.vmap(lambda v: v * lax.axis_index("i"), axis_name="i", chunk_size=2)(x),
         x * np.arange(6))
    same(vmapx.vmap(lambda v: v - lax.psum(v, "i"), axis_name="i", chunk_size=4)(x),
         x - x.sum())


def test_nested_and_transformed_chunked_vmap():
    x = RNG.normal(size=(5, 4, 3))
    inner = lambda v: jnp.sin(v).sum()  # noqa: E731
    want = vmapx.vmap(vmapx.vmap(inner))(x)
    same(vmapx.vmap(vmapx.vmap(inner, chunk_size=3), chunk_size=2)(x), want)
    # under jit (traced inputs) and grad the chunks are concatenated
    same(vmapx.jit(vmapx.vmap(vmapx.vmap(inner), chunk_size=2))(x), want)
    g = vmapx.grad(lambda v: vmapx.vmap(inner, chunk_size=2)(v).sum())(x[0])
    np.testing.assert_allclose(g, np.cos(x[0]))


def test_lax_map_batch_size_equals_scan_map():
    xs = {"a": RNG.normal(size=(11, 3)), "b": np.arange(11)}
    fn = lambda d: (d["a"].sum() * d["b"], d["a"][::-1])  # noqa: E731
    want = lax.map(fn, xs)
    for bs in (1, 2, 4, 11, 20):
        same(lax.map(fn, xs, batch_size=bs), want)
    same(vmapx.jit(lambda v: lax.map(fn, v, batch_size=4))(xs), want)


# --------------------------------------------------------------- memory


def _peak(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, peak


def pairwise_energy(p, q):
    """Per example: a (n, m) intermediate of pairwise distances, reduced to a scalar."""
    d = p[:, None, :] - q[None, :, :]
    return jnp.exp(-(d ** 2).sum(-1)).sum()


def test_chunk_size_lowers_peak_memory():
    B, n, m = 64, 60, 50
    p = RNG.normal(size=(B, n, 3))
    q = RNG.normal(size=(m, 3))
    full, peak_full = _peak(lambda: vmapx.vmap(pairwise_energy, in_axes=(0, None))(p, q))
    chunked, peak_chunked = _peak(
        lambda: vmapx.vmap(pairwise_energy, in_axes=(0, None), chunk_size=8)(p, q))
    np.testing.assert_allclose(chunked, full, rtol=1e-12)
    intermediate = B * n * m * 3 * 8       # the batched difference array, in bytes
    assert peak_full > intermediate
    assert peak_chunked < peak_full / 4


def test_lax_map_batch_size_lowers_peak_memory():
    p = RNG.normal(size=(64, 60, 3))
    q = RNG.normal(size=(50, 3))
    fn = lambda a: pairwise_energy(a, q)  # noqa: E731
    full, peak_full = _peak(lambda: lax.map(fn, p, batch_size=64))
    chunked, peak_chunked = _peak(lambda: lax.map(fn, p, batch_size=8))
    np.testing.assert_allclose(chunked, full, rtol=1e-12)
    assert peak_chunked < peak_full / 4
