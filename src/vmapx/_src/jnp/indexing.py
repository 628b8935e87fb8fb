"""Indexing of ``vmapx.numpy``: ``x[...]`` on traced arrays, ``take``,
``diagonal`` and slicing helpers."""
from __future__ import annotations

import numpy as np

from ..core import Tracer, shape_of, ndim_of, dtype_of
from ..prims import elementwise as ew, shapes as sp
from ..prims.indexing import take_p
from .base import asarray_like, canonicalize_axis, concrete_size
from .advanced import advanced_getitem, nonzero_sized, take_along_axis as _tal
from .reductions import count_nonzero
from .shapes import moveaxis, ravel, reshape


def _is_basic_item(i):
    if isinstance(i, slice):  # traced bounds go to advanced_getitem, which explains
        return not any(isinstance(b, Tracer) for b in (i.start, i.stop, i.step))
    return i is None or i is Ellipsis or (isinstance(i, (int, np.integer))
                                          and not isinstance(i, bool))


def _explicit_basic(index, ndim):
    """Make a basic index explicit: no Ellipsis, slices as hashable tuples."""
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{n_real} were indexed")
    out = []
    seen_ell = False
    for i in index:
        if i is Ellipsis:
            if seen_ell:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen_ell = True
            out.extend([("s", None, None, None)] * (ndim - n_real))
        elif isinstance(i, slice):
            out.append(("s", i.start, i.stop, i.step))
        elif i is None:
            out.append(None)
        else:
            out.append(int(i))
    return tuple(out)


def getitem(x, index):
    """``x[index]`` for a traced ``x``: basic indices here, everything else (arrays,
    masks, traced integers) by ``advanced_getitem``."""
    if not isinstance(index, tuple):
        index = (index,)
    nd = ndim_of(x)
    if all(_is_basic_item(i) for i in index):
        exp = _explicit_basic(index, nd)
        shape = shape_of(x)
        k = 0
        for i in exp:
            if isinstance(i, int):
                if not -shape[k] <= i < shape[k]:
                    raise IndexError(f"index {i} is out of bounds for axis {k} with size "
                                     f"{shape[k]}")
            if i is not None:
                k += 1
        if all(i == ("s", None, None, None) for i in exp):
            return x
        return sp.static_index_p.bind(x, index=exp)
    return advanced_getitem(x, index)


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False,
         indices_are_sorted=False, fill_value=None):
    """As ``numpy.take``, with JAX's modes.

    ``mode`` None: out-of-range indices are filled, JAX's default (the same with
    concrete and traced operands, so ``vmap`` equals the loop over examples).
    'raise': concrete indices raise NumPy's IndexError, traced ones fill.  'fill': indices
    outside ``[-n, n)`` give ``fill_value`` (NaN for inexact types, the most negative
    signed integer, the largest unsigned one, True). 'clip': clamped to ``[0, n - 1]``. 'wrap': taken modulo ``n``.

    >>> take(np.array([10, 20, 30]), [2, 0])
    array([30, 10])
    >>> take(np.array([1.0, 2.0]), [1, 5])
    array([ 2., nan])
    """
    a = asarray_like(a)
    if out is not None:
        raise TypeError("vmapx.numpy.take: the 'out' argument is not supported: traced "
                        "arrays are immutable; use the returned value.")
    if mode not in (None, "raise", "fill", "clip", "wrap"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', 'wrap', or 'fill' "
                         f"(got {mode!r})")
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = canonicalize_axis(axis, ndim_of(a))
    n = shape_of(a)[ax]
    if not isinstance(indices, Tracer):
        indices = np.asarray(indices)
        if indices.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
    elif dtype_of(indices).kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    if not isinstance(indices, Tracer) and mode == "raise":
        if indices.size and (indices.max() >= n or indices.min() < -n):
            bad = indices[(indices >= n) | (indices < -n)].flat[0]
            raise IndexError(f"index {bad} is out of bounds for axis {ax} with size {n}")
        mode = "wrap"  # in range: negative indices count from the end
    if mode in (None, "raise", "fill"):
        # traced indices cannot raise: they fill, JAX's default
        return advanced_getitem(a, (slice(None),) * ax + (indices,), mode="fill",
                                fill_value=fill_value)
    if n == 0 and int(np.prod(shape_of(indices), dtype=np.int64)):
        raise IndexError("cannot do a non-empty take from an empty axes.")
    if not isinstance(indices, Tracer):
        indices = np.clip(indices, 0, n - 1) if mode == "clip" else indices % max(n, 1)
    elif mode == "clip":
        indices = ew.minimum_p.bind(ew.maximum_p.bind(indices, 0), n - 1)
    else:
        indices = ew.remainder_p.bind(indices, n)
    return take_p.bind(a, indices, axis=ax)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """As ``numpy.take_along_axis``, with JAX's ``mode`` ('fill' or 'clip') and
    ``fill_value`` for out-of-range indices.

    >>> take_along_axis(np.array([[10, 30, 20]]), np.array([[1, 2]]), axis=1)
    array([[30, 20]])
    """
    return _tal(arr, indices, axis, mode=mode, fill_value=fill_value)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """As ``numpy.diagonal`` (the diagonal becomes the last axis).

    >>> diagonal(np.arange(9).reshape(3, 3))
    array([0, 4, 8])
    """
    a = asarray_like(a)
    nd = ndim_of(a)
    a1, a2 = canonicalize_axis(axis1, nd), canonicalize_axis(axis2, nd)
    a = moveaxis(a, (a1, a2), (-2, -1))
    n, m = shape_of(a)[-2:]
    rows = np.arange(max(0, -offset), min(n, m - offset)) if offset < m and -offset < n else \
        np.arange(0)
    lead = shape_of(a)[:-2]
    flat = reshape(a, lead + (n * m,))
    idx = rows * m + rows + offset
    return take_p.bind(flat, idx.astype(np.intp), axis=len(lead))


def nonzero(a, *, size=None, fill_value=None):
    """As ``numpy.nonzero``; under tracing ``size`` must be given (static shape).

    >>> nonzero(np.array([0, 3, 0, 4]))
    (array([1, 3]),)
    """
    if isinstance(a, Tracer):
        if size is None:  # in eager vmap: examples grouped by their number of nonzeros
            size = concrete_size(
                count_nonzero(a), "nonzero", "the number of nonzero entries is the "
                "output shape; pass size=... (and fill_value) to get a static shape, or use "
                "vmapx.numpy.where with three arguments")
        return nonzero_sized(a, size, fill_value)
    if size is not None:
        return nonzero_sized(a, size, fill_value)
    return np.nonzero(np.asarray(a))
