"""Searching and counting: the ``searchsorted`` and ``bincount`` primitives.

``searchsorted(sorted, query, side)``: ``sorted`` has shape ``(*L, N)`` (sorted
along its last axis), ``query`` has shape ``(*L, *Q)``; the result, of shape
``(*L, *Q)`` and dtype ``intp``, holds for each query value its insertion
index into the matching row of ``sorted``.  With no leading axes this is
``numpy.searchsorted``; with some (what batching a mapped ``sorted`` makes),
every query of every row runs its own binary search at once: log2(N) rounds
of one gather and one comparison (in NumPy's order, NaN last).

``bincount(x[, weights], length)``: ``x`` (integers) of shape ``(*L, N)``, with
optional ``weights`` of the same shape; the result, of shape ``(*L, length)``,
counts (or sums the weights of) each value in ``[0, length)`` per row; other
values are dropped.  Rows are counted at once by offsetting each row's values
into its own range of one ``numpy.bincount`` call, which sums in the same
order as per-row calls would.

``bincount``'s transpose computes with the basic numpy sections, so this module
sits above them (docs/layers.md).
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import Primitive, ShapedArray, ndim_of
from ..batching import broadcast_batched
from . import elementwise as ew
from ..jnp import basic_api as jnp


def _before(a, b):
    """``a`` sorts before ``b`` in NumPy's order (NaN last)."""
    lt = a < b
    if inputs.is_inexact(np.asarray(a).dtype):
        lt = lt | (np.isnan(b) & ~np.isnan(a))
    return lt


def _searchsorted(a, v, *, side):
    a, v = np.asarray(a), np.asarray(v)
    if a.ndim == 1:
        return np.searchsorted(a, v, side=side)
    # One binary search per query, all rows at once: log2(N) gathers and compares.
    lead = a.shape[:-1]
    n = a.shape[-1]
    q = v.shape[len(lead):]
    flat = v.reshape(lead + (int(np.prod(q, dtype=np.int64)),))
    lo = np.zeros(flat.shape, np.intp)
    hi = np.full(flat.shape, n, np.intp)
    for _ in range(int(n).bit_length()):
        mid = (lo + hi) >> 1
        here = np.take_along_axis(a, np.minimum(mid, n - 1), axis=-1)
        right = _before(here, flat) if side == "left" else ~_before(flat, here)
        right &= mid < hi
        lo = np.where(right, mid + 1, lo)
        hi = np.where(right, hi, mid)
    return lo.reshape(lead + q)


def _searchsorted_abstract(a, v, *, side):
    if len(a.shape) == 0:
        raise ValueError("object of too small depth for desired array")
    if tuple(v.shape[:len(a.shape) - 1]) != tuple(a.shape[:-1]):
        raise ValueError(f"searchsorted: leading axes of the query {v.shape} must match those "
                         f"of the sorted array {a.shape}")
    return ShapedArray(tuple(v.shape), np.dtype(np.intp))


searchsorted_p = Primitive("searchsorted", _searchsorted, abstract=_searchsorted_abstract)


def _searchsorted_batch(axis, vals, dims, *, side):
    (a, v), (da, dv) = vals, dims
    if da is None and ndim_of(a) == 1:  # one shared sorted array: a plain search
        return searchsorted_p.bind(a, v, side=side), dv
    a = broadcast_batched(a, da, axis.size)
    v = broadcast_batched(v, dv, axis.size)
    return searchsorted_p.bind(a, v, side=side), 0


def _searchsorted_jvp(primals, tangents, *, side):
    return searchsorted_p.bind(*primals, side=side), None


searchsorted_p.batch = _searchsorted_batch
searchsorted_p.jvp = _searchsorted_jvp


# --------------------------------------------------------------------- bincount


def _bincount(x, *weights, length):
    x = np.asarray(x)
    w = np.asarray(weights[0]) if weights else None
    lead = x.shape[:-1]
    rows = int(np.prod(lead, dtype=np.int64))
    flat = x.reshape(rows, x.shape[-1]).astype(np.intp, copy=False)
    valid = (flat >= 0) & (flat < length)
    offsets = (np.arange(rows, dtype=np.intp) * length)[:, None]
    idx = np.where(valid, flat + offsets, rows * length).ravel()  # invalid -> a spare bin
    wf = None if w is None else np.broadcast_to(w, x.shape).reshape(-1)
    out = np.bincount(idx, weights=wf, minlength=rows * length + 1)[:rows * length]
    return out.astype(np.float64 if weights else np.intp, copy=False).reshape(lead + (length,))


def _bincount_abstract(x, *weights, length):
    if x.dtype.kind not in "biu":
        raise TypeError(f"bincount: x must be an integer array, got {x.dtype}")
    if weights and tuple(weights[0].shape) != tuple(x.shape):
        raise ValueError("The weights and list don't have the same length.")
    dt = np.dtype(np.float64) if weights else np.dtype(np.intp)
    return ShapedArray(tuple(x.shape[:-1]) + (length,), dt)


bincount_p = Primitive("bincount", _bincount, abstract=_bincount_abstract)


def _bincount_batch(axis, vals, dims, *, length):
    return bincount_p.bind(*[broadcast_batched(v, d, axis.size)
                             for v, d in zip(vals, dims, strict=True)], length=length), 0


def _bincount_jvp(primals, tangents, *, length):
    """Counts are piecewise constant; weighted sums are linear in the weights."""
    out = bincount_p.bind(*primals, length=length)
    if len(primals) == 1 or tangents[1] is None:
        return out, None
    return out, bincount_p.bind(primals[0], tangents[1], length=length)


def _bincount_transpose(ct, x, w, *, length):
    """The weight of each element receives the cotangent of its bin (0 if dropped)."""
    if ct is None:
        return [None, None]
    valid = ew.logical_and_p.bind(ew.greater_equal_p.bind(x, 0), ew.less_p.bind(x, length))
    idx = jnp.clip(x, 0, max(length - 1, 0))
    got = jnp.take_along_axis(ct, jnp.astype(idx, np.intp), axis=-1, mode="clip")
    return [None, ew.where_p.bind(valid, got, np.zeros((), got.dtype))]


bincount_p.batch = _bincount_batch
bincount_p.jvp = _bincount_jvp
bincount_p.transpose = _bincount_transpose
