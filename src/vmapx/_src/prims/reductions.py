"""Reductions (sum, prod, max, min, any, all, argmax, argmin), cumulative ops
and sorting.  Each takes static, non-negative per-example axes."""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray, dummy_of

_cache: dict = {}


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _reduction(name, fn):
    def impl(x, *, axes, keepdims=False, dtype=None):
        if dtype is None:
            return fn(x, axis=axes, keepdims=keepdims)
        return fn(x, axis=axes, keepdims=keepdims, dtype=dtype)

    def abstract(a, *, axes, keepdims=False, dtype=None):
        key = (name, a.dtype, a.weak_type, dtype)
        dt = _cache.get(key)
        if dt is None:
            d = np.zeros((1,), a.dtype) if not a.weak_type else np.asarray([dummy_of(a)])
            dt = _cache[key] = impl(d, axes=(0,), dtype=dtype).dtype
        return ShapedArray(_reduced_shape(a.shape, axes, keepdims), dt)

    prim = Primitive(name, impl, abstract=abstract)

    def batch(axis, vals, dims, *, axes, keepdims=False, dtype=None):
        (x,), (d,) = vals, dims
        full = tuple(a + (a >= d) for a in axes)
        out_d = d if keepdims else d - sum(1 for a in full if a < d)
        return prim.bind(x, axes=full, keepdims=keepdims, dtype=dtype), out_d

    prim.batch = batch
    return prim


reduce_sum_p = _reduction("reduce_sum", np.sum)
reduce_prod_p = _reduction("reduce_prod", np.prod)
reduce_max_p = _reduction("reduce_max", lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims))
reduce_min_p = _reduction("reduce_min", lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims))
reduce_any_p = _reduction("reduce_any", lambda x, axis, keepdims: np.any(x, axis, keepdims=keepdims))
reduce_all_p = _reduction("reduce_all", lambda x, axis, keepdims: np.all(x, axis, keepdims=keepdims))


# --------------------------------------------------- single-axis index reductions


def _arg_reduction(name, fn):
    prim = Primitive(
        name, lambda x, *, axis, keepdims=False: fn(x, axis=axis, keepdims=keepdims),
        abstract=lambda a, *, axis, keepdims=False: ShapedArray(
            _reduced_shape(a.shape, (axis,), keepdims), np.dtype(np.intp)))

    def batch(ax, vals, dims, *, axis, keepdims=False):
        (x,), (d,) = vals, dims
        full = axis + (axis >= d)
        out_d = d if keepdims or full > d else d - 1
        return prim.bind(x, axis=full, keepdims=keepdims), out_d

    prim.batch = batch
    return prim


argmax_p = _arg_reduction("argmax", np.argmax)
argmin_p = _arg_reduction("argmin", np.argmin)


# ------------------------------------------------- cumulative ops and sorting
# Shape-preserving along one axis: the batch axis stays where it is.


def _along_axis(name, fn, out_dtype=None):
    def abstract(a, *, axis, **params):
        if out_dtype is not None:
            return ShapedArray(a.shape, np.dtype(out_dtype))
        key = (name, a.dtype, a.weak_type, tuple(params.items()))
        dt = _cache.get(key)
        if dt is None:
            dt = _cache[key] = fn(np.zeros((1,), a.dtype), axis=0, **params).dtype
        return ShapedArray(a.shape, dt)

    prim = Primitive(name, fn, abstract=abstract)

    def batch(ax, vals, dims, *, axis, **params):
        (x,), (d,) = vals, dims
        return prim.bind(x, axis=axis + (axis >= d), **params), d

    prim.batch = batch
    return prim


cumsum_p = _along_axis("cumsum", lambda x, *, axis, dtype=None: np.cumsum(x, axis, dtype=dtype))
cumprod_p = _along_axis("cumprod", lambda x, *, axis, dtype=None: np.cumprod(x, axis, dtype=dtype))
cummax_p = _along_axis("cummax", lambda x, *, axis: np.maximum.accumulate(x, axis))
cummin_p = _along_axis("cummin", lambda x, *, axis: np.minimum.accumulate(x, axis))
sort_p = _along_axis("sort", lambda x, *, axis: np.sort(x, axis, kind="stable"))
argsort_p = _along_axis("argsort", lambda x, *, axis: np.argsort(x, axis, kind="stable"),
                        out_dtype=np.intp)
