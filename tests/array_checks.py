"""Checks shared by the test modules of vmapx's SciPy counterparts: results are
``vmapx.Array``s of the expected shape and dtype, ``vmap`` equals the loop over
the examples, ``jit`` equals eager evaluation."""
import numpy as np

import vmapx


def _parts(x):
    return x if isinstance(x, tuple) else (x,)


def same(got, want, rtol=1e-9, atol=1e-10, *, exact_type=True):
    """``got`` (an array, or a tuple of them) equals ``want``: type (exactly
    ``vmapx.Array``, or a subclass with ``exact_type=False``), shape, dtype, then
    values."""
    got, want = _parts(got), _parts(want)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        w = np.asarray(w)
        assert (type(g) is vmapx.Array) if exact_type else isinstance(g, vmapx.Array), type(g)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_allclose(np.asarray(g), w, rtol=rtol, atol=atol)


def loop_equals_vmap(f, *args, in_axes=0, rtol=1e-9, atol=1e-11):
    """``vmap(f, in_axes)`` equals stacking ``f`` over the examples (each output,
    when ``f`` returns a tuple)."""
    batched = vmapx.vmap(f, in_axes=in_axes)(*args)
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    size = next(a.shape[ax] for a, ax in zip(args, axes, strict=True) if ax is not None)
    rows = [_parts(f(*[a if ax is None else np.take(a, i, ax)
                       for a, ax in zip(args, axes, strict=True)])) for i in range(size)]
    for got, parts in zip(_parts(batched), zip(*rows), strict=True):
        want = np.stack([np.asarray(p) for p in parts])
        assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape)
        np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=atol)


def jit_equals_eager(f, *args, rtol=1e-12, atol=1e-12):
    """``jit(f)`` gives ``f``'s results (each output of a tuple)."""
    eager, staged = f(*args), vmapx.jit(f)(*args)
    for g, w in zip(_parts(staged), _parts(eager), strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=rtol, atol=atol)
