"""``vmapx.numpy``'s averages and variances (NumPy's "Statistics" section of
that name) not among the reductions: ``average`` with weights and the
NaN-ignoring ``nanmean``, ``nanvar`` and ``nanstd``.  ``mean``, ``var`` and
``std`` are in ``reductions.py``; ``median`` and ``nanmedian``, computed by
sorting, are in ``order_statistics.py``.

Results follow NumPy's dtypes.  Where NumPy raises on data it only sees at run
time (weights summing to zero for ``average``), concrete input raises as in
NumPy and traced input cannot: it gives JAX's result instead (inf or nan).
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from . import dtypes as _dt
from .base import asarray_like
from .nan_reductions import _axes, _inexact, _nan_to, _returns_numpy_scalars
from . import basic_api as jnp

__all__ = ["nanmean", "nanvar", "nanstd", "average"]


def _check_inexact_dtype(dtype):
    if dtype is not None and not inputs.is_inexact(np.dtype(dtype)):
        raise TypeError("If a is inexact, then dtype must be inexact")


def _count_valid(a, axis, keepdims, where=True):
    return jnp.sum(~jnp.isnan(a), axis=axis, keepdims=keepdims, dtype=np.intp, where=where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean of the non-NaN elements, as ``numpy.nanmean``.

    >>> nanmean(np.array([1.0, np.nan, 3.0]))
    np.float64(2.0)
    """
    a = asarray_like(a)
    if not _inexact(a):
        return jnp.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where)
    _check_inexact_dtype(dtype)
    total = jnp.sum(_nan_to(a, 0), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                    where=where)
    res = total / _count_valid(a, axis, keepdims, where)
    return jnp.astype(res, dtype_of(total))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
           mean=None, correction=None):
    """Variance of the non-NaN elements, as ``numpy.nanvar``.

    >>> nanvar(np.array([1.0, np.nan, 3.0]))
    np.float64(1.0)
    """
    a = asarray_like(a)
    if correction is not None:
        ddof = correction
    if not _inexact(a):
        return jnp.var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                       where=where)
    _check_inexact_dtype(dtype)
    axes = _axes(axis, ndim_of(a))
    nan = jnp.isnan(a)
    cnt = _count_valid(a, axes, True, where)
    total = jnp.sum(_nan_to(a, 0), axis=axes, dtype=dtype, keepdims=True, where=where)
    avg = jnp.astype(total / cnt, dtype_of(total))
    dev = jnp.where(nan, 0, a - avg)
    sq = jnp.real(dev * jnp.conjugate(dev)) if dtype_of(dev).kind == "c" else dev * dev
    total = jnp.sum(sq, axis=axes, dtype=dtype, keepdims=keepdims, where=where)
    dof = _count_valid(a, axes, keepdims, where) - ddof
    res = jnp.where(dof > 0, total / jnp.where(dof > 0, dof, 1), np.nan)
    return jnp.astype(res, dtype_of(total))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
           mean=None, correction=None):
    """Standard deviation of the non-NaN elements, as ``numpy.nanstd``.

    >>> nanstd(np.array([1.0, np.nan, 3.0]))
    np.float64(1.0)
    """
    return jnp.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where,
                              correction=correction))


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted average, as ``numpy.average``.

    >>> average(np.array([1.0, 2.0, 4.0]), weights=np.array([1.0, 1.0, 2.0]))
    np.float64(2.75)
    """
    a = asarray_like(a)
    nd = ndim_of(a)
    axes = None if axis is None else _axes(axis, nd)
    if weights is None:
        avg = jnp.mean(a, axis=axes, keepdims=keepdims)
        n_avg = int(np.prod(shape_of(avg), dtype=np.int64))
        scl = np.asarray(int(np.prod(shape_of(a), dtype=np.int64)) / builtins.max(n_avg, 1),
                         dtype_of(avg))[()]
    else:
        w = asarray_like(weights)
        if not _dt.numpy_semantics():   # JAX: int32 data and weights give float32
            result_dtype = _dt.to_inexact(_dt.promote(dtype_of(a), dtype_of(w)))
        elif dtype_of(a).kind in "biu":
            result_dtype = np.result_type(dtype_of(a), dtype_of(w), "f8")
        else:
            result_dtype = np.result_type(dtype_of(a), dtype_of(w))
        if tuple(shape_of(a)) != tuple(shape_of(w)):
            if axes is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if tuple(shape_of(w)) != tuple(shape_of(a)[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            w = jnp.transpose(w, tuple(np.argsort(axes)))
            w = jnp.reshape(w, tuple(s if ax in axes else 1 for ax, s in
                                     enumerate(shape_of(a))))
        scl = jnp.sum(w, axis=axes, dtype=result_dtype, keepdims=keepdims)
        if not isinstance(scl, Tracer) and np.any(scl == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        prod = jnp.multiply(jnp.astype(a, result_dtype), jnp.astype(w, result_dtype))
        avg = jnp.sum(prod, axis=axes, keepdims=keepdims) / scl
    if returned:
        if tuple(shape_of(scl)) != tuple(shape_of(avg)):
            scl = jnp.broadcast_to(scl, shape_of(avg))
        return avg, scl
    return avg


# NumPy returns scalars, not 0-d arrays, from these on concrete input.
for _name in ("nanmean", "nanvar", "nanstd", "average"):
    globals()[_name] = _returns_numpy_scalars(globals()[_name])
