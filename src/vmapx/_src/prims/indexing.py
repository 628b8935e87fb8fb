"""Indexing primitives: ``take`` (integer-array indexing along one axis).

The general gather/scatter family (NumPy advanced indexing, ``.at[]``) lives
here too.
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray, shape_of, ndim_of


def _take_abstract(x, idx, *, axis):
    return ShapedArray(x.shape[:axis] + idx.shape + x.shape[axis + 1:], x.dtype, x.weak_type)


take_p = Primitive("take", lambda x, idx, *, axis: np.take(x, idx, axis=axis),
                   abstract=_take_abstract)


def _take_batch(ax, vals, dims, *, axis):
    from ..batching import bdim_to_front, broadcast_batched, moveaxis
    (x, idx), (xd, idd) = vals, dims
    if idd is None:
        full = axis + (axis >= xd)
        out_d = xd if xd < full else xd + ndim_of(idx) - 1
        return take_p.bind(x, idx, axis=full), out_d
    # Batched indices: x[b, ..., idx[b]] via one flat take on (B * n) rows.
    x = broadcast_batched(x, xd, ax.size)
    idx = bdim_to_front(idx, idd)
    n = shape_of(x)[axis + 1]
    x2 = moveaxis(x, axis + 1, 1)  # (B, n, rest...)
    rest = shape_of(x2)[2:]
    from .shapes import reshape_p
    flat = reshape_p.bind(x2, new_sizes=(ax.size * n,) + tuple(rest))
    offs = np.arange(ax.size, dtype=np.intp).reshape((ax.size,) + (1,) * (ndim_of(idx) - 1)) * n
    from .elementwise import add_p, remainder_p
    gidx = add_p.bind(remainder_p.bind(idx, n) if n else idx, offs)
    out = take_p.bind(flat, gidx, axis=0)  # (B, idx..., rest...)
    k = ndim_of(idx) - 1
    # per example: x.shape[:axis] + idx.shape + x.shape[axis+1:]; we have idx dims first
    if axis:
        perm = [0] + list(range(1 + k, 1 + k + axis)) + list(range(1, 1 + k)) + \
            list(range(1 + k + axis, ndim_of(out)))
        from .shapes import transpose_p
        out = transpose_p.bind(out, perm=tuple(perm))
    return out, 0


take_p.batch = _take_batch
