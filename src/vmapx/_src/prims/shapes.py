"""Structural primitives: transpose, reshape, broadcast, squeeze, concatenate,
pad, static (basic) indexing, flip.  All are linear in their array operand."""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray, ndim_of, shape_of


def _front(vals, dims, size):
    """Every operand with its batch axis first (unmapped ones broadcast)."""
    from ..batching import broadcast_batched
    return [broadcast_batched(v, d, size) for v, d in zip(vals, dims, strict=True)]


def _shift(axes, d):
    """Per-example axes -> axes of the batched array whose batch axis is ``d``."""
    return tuple(a + (a >= d) for a in axes)


# -------------------------------------------------------------------- transpose

transpose_p = Primitive(
    "transpose", lambda x, *, perm: np.transpose(x, perm),
    abstract=lambda a, *, perm: ShapedArray(tuple(a.shape[p] for p in perm), a.dtype, a.weak_type))


def _transpose_batch(axis, vals, dims, *, perm):
    (x,), (d,) = vals, dims
    full = [p + (p >= d) for p in perm]
    full.insert(d, d)
    return transpose_p.bind(x, perm=tuple(full)), d


transpose_p.batch = _transpose_batch

# ---------------------------------------------------------------------- reshape

reshape_p = Primitive(
    "reshape", lambda x, *, new_sizes: np.reshape(x, new_sizes),
    abstract=lambda a, *, new_sizes: ShapedArray(tuple(new_sizes), a.dtype, a.weak_type))


def _reshape_batch(axis, vals, dims, *, new_sizes):
    from ..batching import bdim_to_front
    x = bdim_to_front(vals[0], dims[0])
    return reshape_p.bind(x, new_sizes=(shape_of(x)[0],) + tuple(new_sizes)), 0


reshape_p.batch = _reshape_batch

# ------------------------------------------------------------- broadcast_in_dim


def _broadcast_in_dim(x, *, shape, dims):
    xs = np.shape(x)
    if len(xs) != len(shape):
        expanded = [1] * len(shape)
        for i, dd in enumerate(dims):
            expanded[dd] = xs[i]
        x = np.reshape(x, expanded)
    return np.broadcast_to(x, shape)


broadcast_in_dim_p = Primitive(
    "broadcast_in_dim", _broadcast_in_dim,
    abstract=lambda a, *, shape, dims: ShapedArray(tuple(shape), a.dtype, a.weak_type))


def _bid_batch(axis, vals, dims_, *, shape, dims):
    from ..batching import bdim_to_front
    x = bdim_to_front(vals[0], dims_[0])
    return broadcast_in_dim_p.bind(x, shape=(axis.size,) + tuple(shape),
                                   dims=(0,) + tuple(d + 1 for d in dims)), 0


broadcast_in_dim_p.batch = _bid_batch

# ---------------------------------------------------------------------- squeeze

squeeze_p = Primitive(
    "squeeze", lambda x, *, axes: np.squeeze(x, axes),
    abstract=lambda a, *, axes: ShapedArray(
        tuple(s for i, s in enumerate(a.shape) if i not in axes), a.dtype, a.weak_type))


def _squeeze_batch(axis, vals, dims, *, axes):
    (x,), (d,) = vals, dims
    full = _shift(axes, d)
    return squeeze_p.bind(x, axes=full), d - sum(1 for a in full if a < d)


squeeze_p.batch = _squeeze_batch

# ------------------------------------------------------------------ concatenate


def _concat_abstract(*avals, axis):
    shape = list(avals[0].shape)
    shape[axis] = sum(a.shape[axis] for a in avals)
    dtype = np.result_type(*[a.dtype for a in avals])
    return ShapedArray(tuple(shape), dtype, all(a.weak_type for a in avals))


concatenate_p = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis),
                          abstract=_concat_abstract)


def _concat_batch(ax, vals, dims, *, axis):
    return concatenate_p.bind(*_front(vals, dims, ax.size), axis=axis + 1), 0


concatenate_p.batch = _concat_batch

# -------------------------------------------------------------------------- pad


def _pad(x, *, pad_width, value):
    return np.pad(x, pad_width, mode="constant", constant_values=value)


pad_p = Primitive("pad", _pad, abstract=lambda a, *, pad_width, value: ShapedArray(
    tuple(s + lo + hi for s, (lo, hi) in zip(a.shape, pad_width, strict=True)),
    a.dtype, a.weak_type))


def _pad_batch(axis, vals, dims, *, pad_width, value):
    (x,), (d,) = vals, dims
    pw = list(pad_width)
    pw.insert(d, (0, 0))
    return pad_p.bind(x, pad_width=tuple(pw), value=value), d


pad_p.batch = _pad_batch

# ------------------------------------------------------------------------- flip

rev_p = Primitive("rev", lambda x, *, axes: np.flip(x, axes),
                  abstract=lambda a, *, axes: a)
rev_p.batch = lambda axis, vals, dims, *, axes: (
    rev_p.bind(vals[0], axes=_shift(axes, dims[0])), dims[0])

# -------------------------------------------------------------- basic indexing
# ``index`` is a tuple with one entry per item of a NumPy basic index, already
# made explicit (no Ellipsis): an int, None (new axis), or ('s', start, stop, step).


def to_numpy_index(index):
    return tuple(slice(i[1], i[2], i[3]) if type(i) is tuple else i for i in index)


def _static_index(x, *, index):
    return x[to_numpy_index(index)]


def _static_index_abstract(a, *, index):
    out = np.empty(a.shape, dtype=np.bool_) if a.size < 4096 else None
    if out is None:
        from numpy.lib.stride_tricks import as_strided
        out = as_strided(np.zeros(1, np.bool_), a.shape, [0] * a.ndim)
    return ShapedArray(out[to_numpy_index(index)].shape, a.dtype, a.weak_type)


static_index_p = Primitive("static_index", _static_index, abstract=_static_index_abstract)


def _static_index_batch(axis, vals, dims, *, index):
    from ..batching import bdim_to_front
    x = bdim_to_front(vals[0], dims[0])
    return static_index_p.bind(x, index=(("s", None, None, None),) + tuple(index)), 0


static_index_p.batch = _static_index_batch

LINEAR = (transpose_p, reshape_p, broadcast_in_dim_p, squeeze_p, concatenate_p, rev_p,
          static_index_p)
