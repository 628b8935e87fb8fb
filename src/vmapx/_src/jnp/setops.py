"""Set operations, sorting helpers and index finding of ``vmapx.numpy``:
``unique`` and the array-API ``unique_*``, ``intersect1d``, ``union1d``,
``setdiff1d``, ``setxor1d``, ``isin``, ``lexsort``, ``partition`` /
``argpartition``, ``sort_complex``, ``argwhere``, ``flatnonzero``.

Their result sizes depend on the data.  On concrete input without ``size``
they are NumPy's.  With ``size=`` (as in JAX) the result has exactly that many
entries, padded with ``fill_value`` (by default the first entry), and is
computed from sorts and searches, so it is batched under ``vmap``; traced input
without ``size`` raises ``ConcretizationTypeError``.  Results are sorted (NumPy
2.3+ leaves the order of the ``unique_*`` functions unspecified).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from . import dtypes as _dt
from .base import asarray_like, canonicalize_axis, concrete_size
from .static_args import concrete_or_error
from . import basic_api as jnp
from .reductions import count_nonzero
from .searching import searchsorted_intp as searchsorted

__all__ = ["unique", "unique_all", "unique_counts", "unique_inverse", "unique_values",
           "intersect1d", "union1d", "setdiff1d", "setxor1d", "isin", "lexsort", "partition",
           "argpartition", "sort_complex", "argwhere", "flatnonzero"]


class UniqueAllResult(NamedTuple):
    values: object
    indices: object
    inverse_indices: object
    counts: object


class UniqueCountsResult(NamedTuple):
    values: object
    counts: object


class UniqueInverseResult(NamedTuple):
    values: object
    inverse_indices: object


_SIZE_HINT = ("its output shape depends on the values of its input; pass size=... for a "
              "static one")


def _row_order(rows, valid):
    """Stable lexicographic order of the rows of ``rows`` (``(n, k)`` or ``(n,)``),
    entries with ``valid`` False last."""
    if ndim_of(rows) == 1:
        order = jnp.argsort(rows)
    else:
        k = shape_of(rows)[1]
        order = np.arange(shape_of(rows)[0])
        for c in reversed(range(k)):  # least significant column first
            order = jnp.take(order, jnp.argsort(jnp.take(rows[:, c], order)))
    if valid is not None:
        order = jnp.take(order, jnp.argsort(~jnp.take(valid, order)))
    return order


def _sized_unique(x, size, fill_value, *, valid=None, equal_nan=True):
    """Unique rows of ``x`` (sorted), exactly ``size`` of them, with first indices,
    inverse and counts.  Rows where ``valid`` is False are ignored."""
    n = shape_of(x)[0]
    if n == 0:
        raise ValueError("unique with size= needs at least one element")
    order = _row_order(x, valid)
    s = jnp.take(x, order, axis=0)
    if ndim_of(x) == 1:
        differs = s[1:] != s[:-1]
        if equal_nan and inputs.is_inexact(dtype_of(x)):
            differs = differs & ~(jnp.isnan(s[1:]) & jnp.isnan(s[:-1]))
    else:
        differs = jnp.any(s[1:] != s[:-1], axis=1)
    new = jnp.concatenate([np.ones(1, bool), differs])
    n_valid = n
    if valid is not None:
        sv = jnp.take(valid, order)
        new = new & sv
        n_valid = jnp.sum(sv, dtype=np.intp)
    cs = jnp.cumsum(jnp.astype(new, np.intp))
    count = cs[-1]
    starts = searchsorted(cs, np.arange(1, size + 2), side="left")
    first = jnp.clip(starts[:-1], 0, n - 1)
    ok = np.arange(size) < count
    ends = jnp.where(np.arange(1, size + 1) < count, starts[1:], n_valid)
    okx = jnp.reshape(ok, (size,) + (1,) * (ndim_of(x) - 1))
    values = jnp.take(s, first, axis=0)
    fill = values[0] if fill_value is None else jnp.astype(fill_value, dtype_of(x))
    values = jnp.where(okx, values, fill)
    index = jnp.take(order, first)
    index = jnp.where(ok, index, index[0])
    counts = jnp.where(ok, ends - first, 0)
    inverse = jnp.take(cs - 1, jnp.argsort(order))
    return values, index, inverse, counts


def _count_unique(x, equal_nan):
    """The number of distinct values of 1-d ``x`` (NaNs one value with ``equal_nan``)."""
    n = shape_of(x)[0]
    if n == 0:
        return 0
    s = jnp.sort(x)
    new = jnp.not_equal(s[1:], s[:-1])
    if equal_nan and inputs.is_inexact(dtype_of(x)):
        new = new & ~(jnp.isnan(s[1:]) & jnp.isnan(s[:-1]))
    return 1 + jnp.sum(new, dtype=np.intp)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, sorted=True, size=None, fill_value=None):  # noqa: A002
    """Sorted unique elements (or slices along ``axis``), as ``numpy.unique``.

    ``size`` (and ``fill_value``) give a static result size, as in JAX; traced
    input needs them.

    >>> unique(np.array([3, 1, 3, 2]), return_counts=True)
    (array([1, 2, 3]), array([1, 1, 2]))
    >>> unique(np.array([3, 1, 3]), size=4)
    array([1, 3, 1, 1])
    """
    ar = asarray_like(ar)
    if size is None and axis is None and isinstance(ar, Tracer):
        # in eager vmap: examples grouped by their number of distinct values
        size = concrete_size(_count_unique(jnp.ravel(ar), equal_nan), "unique", _SIZE_HINT)
    if size is None:
        ar = concrete_or_error(ar, "unique", _SIZE_HINT)
        return np.unique(ar, return_index, return_inverse, return_counts, axis,
                         equal_nan=equal_nan)
    if axis is None:
        shape = shape_of(ar)
        x = jnp.ravel(ar)
        values, index, inverse, counts = _sized_unique(x, size, fill_value, equal_nan=equal_nan)
        inverse = jnp.reshape(inverse, shape)
    else:
        axis = canonicalize_axis(axis, ndim_of(ar))
        moved = jnp.moveaxis(ar, axis, 0)
        rest = shape_of(moved)[1:]
        rows = jnp.reshape(moved, (shape_of(moved)[0], -1))
        values, index, inverse, counts = _sized_unique(rows, size, fill_value)
        values = jnp.moveaxis(jnp.reshape(values, (size,) + tuple(rest)), 0, axis)
    out = [values]
    if return_index:
        out.append(index)
    if return_inverse:
        out.append(inverse)
    if return_counts:
        out.append(counts)
    return out[0] if len(out) == 1 else tuple(out)


def unique_all(x, /, *, size=None, fill_value=None):
    """Unique values with first indices, inverse and counts, as ``numpy.unique_all``.

    >>> r = unique_all(np.array([2, 1, 2]))
    >>> r.values, r.indices, r.inverse_indices, r.counts
    (array([1, 2]), array([1, 0]), array([1, 0, 1]), array([1, 2]))
    """
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False, size=size,
                                   fill_value=fill_value))


def unique_counts(x, /, *, size=None, fill_value=None):
    """Unique values and their counts, as ``numpy.unique_counts``.

    >>> unique_counts(np.array([2, 1, 2]))
    UniqueCountsResult(values=array([1, 2]), counts=array([1, 2]))
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size,
                                      fill_value=fill_value))


def unique_inverse(x, /, *, size=None, fill_value=None):
    """Unique values and the inverse indices, as ``numpy.unique_inverse``.

    >>> unique_inverse(np.array([2, 1, 2]))
    UniqueInverseResult(values=array([1, 2]), inverse_indices=array([1, 0, 1]))
    """
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False, size=size,
                                       fill_value=fill_value))


def unique_values(x, /, *, size=None, fill_value=None):
    """Unique values, sorted, as ``numpy.unique_values``.

    >>> unique_values(np.array([2, 1, 2]))
    array([1, 2])
    """
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Elementwise membership of ``element`` in ``test_elements``, as ``numpy.isin``.

    >>> isin(np.array([1, 2, 3]), [2, 5])
    array([False,  True, False])
    """
    element = asarray_like(element)
    test = jnp.ravel(asarray_like(test_elements))
    n = shape_of(test)[0]
    if n == 0:
        found = jnp.zeros(shape_of(element), bool)
    else:
        dt = _dt.promote(dtype_of(element), dtype_of(test))   # JAX's (NumPy's for NumPy code)
        srt = jnp.sort(jnp.astype(test, dt))
        e = jnp.astype(element, dt)
        pos = jnp.clip(searchsorted(srt, e, side="left"), 0, n - 1)
        found = jnp.take(srt, pos) == e
    return ~found if invert else found


def _sized(name, size, *arrays):
    """``(True, arrays)`` with a static ``size``; else ``(False, their concrete
    values)`` (in eager vmap the batch splits by value; elsewhere a traced array
    raises ``ConcretizationTypeError``)."""
    if size is None:
        return False, [concrete_or_error(a, name, _SIZE_HINT) for a in arrays]
    return True, list(arrays)


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """Sorted union of two arrays, as ``numpy.union1d``.

    >>> union1d([3, 1], [2, 1])
    array([1, 2, 3])
    """
    sized, (ar1, ar2) = _sized("union1d", size, ar1, ar2)
    if not sized:
        return np.union1d(ar1, ar2)
    both = jnp.concatenate([jnp.ravel(asarray_like(ar1)), jnp.ravel(asarray_like(ar2))])
    return unique(both, size=size, fill_value=fill_value)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None,
                fill_value=None):
    """Sorted common values (and first indices), as ``numpy.intersect1d``.

    >>> intersect1d([3, 1, 2], [2, 3, 5])
    array([2, 3])
    """
    sized, (ar1, ar2) = _sized("intersect1d", size, ar1, ar2)
    if not sized:
        return np.intersect1d(ar1, ar2, assume_unique, return_indices)
    a, b = jnp.ravel(asarray_like(ar1)), jnp.ravel(asarray_like(ar2))
    values, ind1, _, _ = _sized_unique(a, size, fill_value, valid=isin(a, b))
    if not return_indices:
        return values
    order = jnp.argsort(b)
    pos = jnp.clip(searchsorted(jnp.take(b, order), values, side="left"), 0,
                   shape_of(b)[0] - 1)
    return values, ind1, jnp.take(order, pos)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Values of ``ar1`` not in ``ar2``, as ``numpy.setdiff1d`` (sorted unique values,
    or ``ar1``'s order when ``assume_unique``).

    >>> setdiff1d([3, 1, 2, 1], [2])
    array([1, 3])
    """
    sized, (ar1, ar2) = _sized("setdiff1d", size, ar1, ar2)
    if not sized:
        return np.setdiff1d(ar1, ar2, assume_unique)
    a, b = jnp.ravel(asarray_like(ar1)), jnp.ravel(asarray_like(ar2))
    keep = ~isin(a, b)
    fill_value = 0 if fill_value is None else fill_value  # JAX pads a difference with 0
    if assume_unique:
        (idx,) = jnp.nonzero(keep, size=size, fill_value=0)
        values = jnp.take(a, idx)
        fill = jnp.astype(fill_value, dtype_of(a))
        return jnp.where(np.arange(size) < jnp.sum(keep), values, fill)
    return _sized_unique(a, size, fill_value, valid=keep)[0]


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Sorted values in exactly one of the arrays, as ``numpy.setxor1d``.

    >>> setxor1d([1, 2, 3], [2, 3, 4])
    array([1, 4])
    """
    sized, (ar1, ar2) = _sized("setxor1d", size, ar1, ar2)
    if not sized:
        return np.setxor1d(ar1, ar2, assume_unique)
    a, b = jnp.ravel(asarray_like(ar1)), jnp.ravel(asarray_like(ar2))
    both = jnp.concatenate([a, b])
    only = jnp.concatenate([~isin(a, b), ~isin(b, a)])
    return _sized_unique(both, size, fill_value, valid=only)[0]


def lexsort(keys, axis=-1):
    """Indirect stable sort on several keys (the last is primary), as ``numpy.lexsort``.

    >>> lexsort((np.array([1, 0, 2]), np.array([0, 1, 0])))
    array([0, 2, 1])
    """
    if isinstance(keys, (list, tuple)):
        keys = [asarray_like(k) for k in keys]
    else:
        keys = asarray_like(keys)
        keys = [keys[i] for i in range(shape_of(keys)[0])]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = np.broadcast_shapes(*[shape_of(k) for k in keys])
    keys = [jnp.broadcast_to(k, shape) for k in keys]
    if not shape:
        return np.intp(0)
    axis = canonicalize_axis(axis, len(shape))
    idx = jnp.argsort(keys[0], axis=axis)
    for k in keys[1:]:
        order = jnp.argsort(jnp.take_along_axis(k, idx, axis=axis), axis=axis)
        idx = jnp.take_along_axis(idx, order, axis=axis)
    return idx


def _check_kth(a, kth, axis):
    n = shape_of(a)[axis]
    for k in np.ravel(kth):
        if not -n <= int(k) < n:
            raise ValueError(f"kth(={int(k)}) out of bounds ({n})")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """A partition around the ``kth`` elements, as ``numpy.partition``.

    The result is fully sorted along ``axis``, which is one valid partition
    (NumPy leaves the order within each side unspecified).

    >>> partition(np.array([3, 4, 2, 1]), 2)
    array([1, 2, 3, 4])
    """
    a = asarray_like(a)
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    _check_kth(a, kth, axis)
    return jnp.sort(a, axis=axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition ``a`` around ``kth``, as ``numpy.argpartition`` (a full,
    stable argsort, one valid answer).

    >>> argpartition(np.array([3, 4, 2, 1]), 2)
    array([3, 2, 0, 1])
    """
    a = asarray_like(a)
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    _check_kth(a, kth, axis)
    return jnp.argsort(a, axis=axis)


def sort_complex(a):
    """Sort by real then imaginary part, as complex, as ``numpy.sort_complex``.

    >>> sort_complex(np.array([2, 1 + 1j, 1]))
    array([1.+0.j, 1.+1.j, 2.+0.j])
    """
    b = jnp.sort(asarray_like(a))
    dt = dtype_of(b)
    if dt.kind != "c":
        dt = np.dtype(np.complex64) if dt.char in "bhBH" else np.dtype(np.complex128)
    return jnp.astype(b, dt)


def argwhere(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements, one row each, as ``numpy.argwhere``.

    >>> argwhere(np.array([[0, 1], [2, 0]]))
    array([[0, 1],
           [1, 0]])
    """
    a = asarray_like(a)
    if size is None and isinstance(a, Tracer):
        size = concrete_size(count_nonzero(a), "argwhere", _SIZE_HINT)
    if size is None:
        a = concrete_or_error(a, "argwhere", _SIZE_HINT)
        return np.argwhere(a)
    if ndim_of(a) == 0:
        return jnp.zeros((size, 0), np.intp)
    return jnp.stack(jnp.nonzero(a, size=size, fill_value=fill_value), axis=1)


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements of the flattened array, as ``numpy.flatnonzero``.

    >>> flatnonzero(np.array([[0, 1], [2, 0]]))
    array([1, 2])
    """
    a = jnp.ravel(asarray_like(a))
    if size is None and isinstance(a, Tracer):
        size = concrete_size(count_nonzero(a), "flatnonzero", _SIZE_HINT)
    if size is None:
        a = concrete_or_error(a, "flatnonzero", _SIZE_HINT)
        return np.flatnonzero(a)
    return jnp.nonzero(a, size=size, fill_value=fill_value)[0]
