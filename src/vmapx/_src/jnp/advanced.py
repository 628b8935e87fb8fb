"""NumPy advanced indexing on traced arrays: reading.

``x[index]`` (``advanced_getitem``: integer arrays and lists, concrete boolean
masks, traced integer arrays, with ints, slices, ``None`` and ``Ellipsis``),
``take_along_axis`` and static-size ``nonzero``, all gathers.  The index is
parsed, and out-of-range indices handled, in ``index_parsing.py``; JAX's
``.at[...]`` updates are in ``index_updates.py``.

Out-of-bounds indices: concrete ones raise ``IndexError`` as in NumPy; traced
ones follow JAX (negative indices wrap once; then ``x[idx]`` clamps and
``take_along_axis`` fills), unless a ``mode`` is given.
"""
from __future__ import annotations

import operator

import numpy as np

from ..batching import splittable
from ..core import Tracer, dtype_of, ndim_of, shape_of
from ..prims import elementwise as ew, shapes as sp
from ..prims.indexing import FULL, gather_p
from ..prims.reductions import argsort_p, reduce_sum_p
from ..ragged import masked_getitem
from .base import asarray_like, astype, canonicalize_axis
from .index_parsing import _GET_MODES, _Index, _apply_fill, _parse, _prepare
from .shapes import ravel

__all__ = ["advanced_getitem", "take_along_axis", "nonzero_sized"]


# ------------------------------------------------------------------ reading


def _gather(ix: _Index):
    if not ix.arrays and all(e == FULL for e in ix.template):
        return ix.x
    if not ix.arrays:
        return sp.static_index_p.bind(ix.x, index=ix.template)
    return gather_p.bind(ix.x, *ix.arrays, index=ix.template)


def _traced_masks(x, index, mode):
    """``x[mask]`` for a batched boolean mask in eager vmap: a lazy ragged
    selection (``_src/ragged.py``); a mask among other indices is made concrete
    (the batch splits by mask).  ``None`` when there is no such mask."""
    items = index if isinstance(index, tuple) else (index,)
    masks = [i for i, it in enumerate(items) if isinstance(it, Tracer) and it.dtype == np.bool_
             and ndim_of(it) > 0 and splittable(it)]
    if not masks or mode is not None:
        return None
    if len(items) == 1:
        return masked_getitem(x, items[0])
    items = list(items)
    for i in masks:
        items[i] = items[i].to_concrete(True)
    return advanced_getitem(x, tuple(items))


def advanced_getitem(x, index, mode=None, fill_value=None):
    """``x[index]`` with NumPy semantics, for traced or concrete ``x`` and indices.

    ``index`` may hold ints, slices, ``None``, ``Ellipsis``, integer arrays or
    lists (concrete or traced) and concrete boolean masks.  Out-of-range traced
    indices are clamped (``mode='fill'`` fills them with ``fill_value`` instead).

    >>> x = np.arange(12).reshape(3, 4)
    >>> advanced_getitem(x, (np.array([0, 2]), slice(None), None)).shape
    (2, 4, 1)
    >>> advanced_getitem(x, (slice(None), np.array([True, False, False, True])))
    array([[ 0,  3],
           [ 4,  7],
           [ 8, 11]])
    """
    if mode not in _GET_MODES:
        raise ValueError(f"Invalid mode={mode!r} for a read; expected one of {_GET_MODES}")
    ragged = _traced_masks(x, index, mode)
    if ragged is not None:
        return ragged
    ix = _parse(asarray_like(x), index, mode)
    ix, valid, _ = _prepare(ix, mode)
    out = _gather(ix)
    return out if valid is None else _apply_fill(out, valid, ix, fill_value)


# -------------------------------------------------------------- along axis


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """As ``numpy.take_along_axis``; ``indices`` may be traced.

    Concrete out-of-range indices raise; traced ones are filled with
    ``fill_value`` (NaN for inexact types), as JAX's default ``mode='fill'``;
    ``mode='clip'`` clamps them.

    >>> take_along_axis(np.array([[10, 30, 20], [5, 4, 6]]), np.array([[1], [2]]), axis=1)
    array([[30],
           [ 6]])
    """
    arr = asarray_like(arr)
    indices = asarray_like(indices)
    if dtype_of(indices).kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if ndim_of(indices) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = ravel(arr), 0
    nd = ndim_of(arr)
    if ndim_of(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = canonicalize_axis(axis, nd)
    a_shape, i_shape = shape_of(arr), shape_of(indices)
    arrays = []
    for d in range(nd):
        if d == axis:
            arrays.append(indices)
            continue
        if a_shape[d] != i_shape[d] and 1 not in (a_shape[d], i_shape[d]):
            raise ValueError(f"shape mismatch: arr and indices cannot be broadcast together "
                             f"along axis {d}: {a_shape[d]} vs {i_shape[d]}")
        shape = [1] * nd
        shape[d] = a_shape[d]
        arrays.append(np.arange(a_shape[d], dtype=np.intp).reshape(shape))
    if mode is None and isinstance(indices, Tracer):
        mode = "fill"
    if isinstance(indices, Tracer) and indices.dtype != np.intp:
        arrays[axis] = astype(indices, np.intp)
    ix = _Index(arr, tuple(("a", d) for d in range(nd)), arrays, list(range(nd)))
    ix, valid, _ = _prepare(ix, mode)
    out = gather_p.bind(ix.x, *ix.arrays, index=ix.template)
    return out if valid is None else _apply_fill(out, valid, ix, fill_value)


# ------------------------------------------------------------------ nonzero


def nonzero_sized(a, size, fill_value):
    """Indices of the nonzero elements of ``a``, exactly ``size`` of them per axis.

    As ``jax.numpy.nonzero(a, size=size, fill_value=fill_value)``: the first
    ``size`` nonzero positions in row-major order, padded with ``fill_value``
    (0 by default; a scalar or one value per axis).

    >>> nonzero_sized(np.array([[0, 5], [7, 0]]), 3, -1)
    (array([ 0,  1, -1]), array([ 1,  0, -1]))
    """
    a = asarray_like(a)
    shape = tuple(shape_of(a))
    nd = len(shape)
    if nd == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead.")
    size = operator.index(size)
    if size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    if fill_value is None:
        fills = (0,) * nd
    elif isinstance(fill_value, (tuple, list)):
        if len(fill_value) != nd:
            raise ValueError(f"fill_value must be a scalar or a tuple of length {nd}; got "
                             f"{fill_value!r}")
        fills = tuple(fill_value)
    else:
        fills = (fill_value,) * nd
    total = int(np.prod(shape, dtype=np.int64))
    flat = sp.reshape_p.bind(a, new_sizes=(total,))
    mask = flat if dtype_of(flat) == np.bool_ else ew.not_equal_p.bind(flat, 0)
    # A stable sort of "is zero" lists the nonzero positions first, in order.
    order = argsort_p.bind(ew.logical_not_p.bind(mask), axis=0)
    if size <= total:
        first = sp.static_index_p.bind(order, index=(("s", None, size, None),))
    else:
        first = sp.pad_p.bind(order, pad_width=((0, size - total),), value=0)
    count = reduce_sum_p.bind(mask, axes=(0,), keepdims=False, dtype=np.intp)
    valid = ew.less_p.bind(np.arange(size, dtype=np.intp), count)
    out = []
    for d, fill in enumerate(fills):
        # (an empty array has no valid positions: any stride will do)
        stride = max(int(np.prod(shape[d + 1:], dtype=np.int64)), 1)
        coord = ew.floor_divide_p.bind(first, stride) if stride != 1 else first
        if d:
            coord = ew.remainder_p.bind(coord, max(shape[d], 1))
        fill = astype(asarray_like(fill), np.intp)
        out.append(ew.where_p.bind(valid, coord, fill))
    return tuple(out)
