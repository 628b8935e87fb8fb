"""Reductions, statistics, cumulative ops and sorting of ``vmapx.numpy``."""
from __future__ import annotations

import builtins

import numpy as np

from ..core import Tracer, shape_of, ndim_of, dtype_of
from ..prims import elementwise as ew
from ..prims import reductions as rp
from ..prims import shapes as sp
from .base import asarray_like, astype, canonicalize_axes, canonicalize_axis, _check_no_out


def _reducer(prim, name, bool_out=False):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
        _check_no_out(name, {"out": out, "where": where})
        a = asarray_like(a)
        axes = canonicalize_axes(axis, ndim_of(a))
        params = dict(axes=axes, keepdims=bool(keepdims))
        if prim in (rp.reduce_sum_p, rp.reduce_prod_p):
            params["dtype"] = None if dtype is None else np.dtype(dtype)
        elif dtype is not None:
            a = astype(a, dtype)
        if initial is not None:
            if prim in (rp.reduce_sum_p, rp.reduce_prod_p):
                r = prim.bind(a, **params)
                return (ew.add_p if prim is rp.reduce_sum_p else ew.multiply_p).bind(r, initial)
            r = prim.bind(a, **params)
            return (ew.maximum_p if prim is rp.reduce_max_p else ew.minimum_p).bind(r, initial)
        if prim in (rp.reduce_max_p, rp.reduce_min_p) and 0 in [shape_of(a)[i] for i in axes]:
            raise ValueError(f"zero-size array to reduction operation {name} which has no "
                             "identity")
        return prim.bind(a, **params)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}``, with ``axis`` and ``keepdims``.\n\n"
                  f">>> {name}(np.array([[1, 2], [3, 4]]), axis=0)\n"
                  f"{np.array(getattr(np, name)(np.array([[1, 2], [3, 4]]), axis=0))!r}\n")
    return fn


sum = _reducer(rp.reduce_sum_p, "sum")  # noqa: A001
prod = _reducer(rp.reduce_prod_p, "prod")
max = _reducer(rp.reduce_max_p, "max")  # noqa: A001
min = _reducer(rp.reduce_min_p, "min")  # noqa: A001
amax, amin = max, min
any = _reducer(rp.reduce_any_p, "any")  # noqa: A001
all = _reducer(rp.reduce_all_p, "all")  # noqa: A001


def _count(a, axes):
    s = shape_of(a)
    return int(np.prod([s[i] for i in axes], dtype=np.int64))


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean, as ``numpy.mean`` (integers give float64).

    >>> mean(np.array([[1, 2], [3, 4]]), axis=1)
    array([1.5, 3.5])
    """
    _check_no_out("mean", {"out": out, "where": where})
    a = asarray_like(a)
    axes = canonicalize_axes(axis, ndim_of(a))
    dt = dtype_of(a)
    if dtype is None and dt.kind in "biu":
        dtype = np.float64
    s = rp.reduce_sum_p.bind(a, axes=axes, keepdims=bool(keepdims),
                             dtype=None if dtype is None else np.dtype(dtype))
    n = _count(a, axes)
    r = ew.divide_p.bind(s, n)
    out_dt = np.dtype(dtype) if dtype is not None else dt
    return astype(r, out_dt) if dtype_of(r) != out_dt else r


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """Variance, as ``numpy.var`` (``ddof`` / ``correction``).

    >>> var(np.array([1.0, 2.0, 3.0, 4.0]))
    np.float64(1.25)
    """
    _check_no_out("var", {"out": out, "where": where})
    if correction is not None:
        ddof = correction
    a = asarray_like(a)
    axes = canonicalize_axes(axis, ndim_of(a))
    m = globals()["mean"](a, axis=axes, dtype=dtype, keepdims=True)
    d = ew.subtract_p.bind(a, m)
    if dtype_of(d).kind == "c":
        sq = ew.real_p.bind(ew.multiply_p.bind(d, ew.conjugate_p.bind(d)))
    else:
        sq = ew.multiply_p.bind(d, d)
    s = rp.reduce_sum_p.bind(sq, axes=axes, keepdims=bool(keepdims), dtype=None)
    return ew.divide_p.bind(s, builtins.max(_count(a, axes) - ddof, 0))


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """Standard deviation, as ``numpy.std``.

    >>> std(np.array([1.0, 3.0]))
    np.float64(1.0)
    """
    return ew.sqrt_p.bind(var(a, axis, dtype, out, ddof, keepdims, where=where,
                              correction=correction))


def _arg(prim, name):
    def fn(a, axis=None, out=None, *, keepdims=False):
        _check_no_out(name, {"out": out})
        a = asarray_like(a)
        if axis is None:
            a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
            r = prim.bind(a, axis=0, keepdims=False)
            if keepdims:
                r = sp.reshape_p.bind(r, new_sizes=(1,) * len(shape_of(a)))
            return r
        return prim.bind(a, axis=canonicalize_axis(axis, ndim_of(a)), keepdims=bool(keepdims))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}``.\n\n>>> {name}(np.array([3, 1, 4]))\n"
                  f"{getattr(np, name)(np.array([3, 1, 4]))!r}\n")
    return fn


argmax = _arg(rp.argmax_p, "argmax")
argmin = _arg(rp.argmin_p, "argmin")


def _cumulative(prim, name):
    def fn(a, axis=None, dtype=None, out=None):
        _check_no_out(name, {"out": out})
        a = asarray_like(a)
        if axis is None:
            a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
            axis = 0
        params = {}
        if prim in (rp.cumsum_p, rp.cumprod_p):
            params["dtype"] = None if dtype is None else np.dtype(dtype)
        return prim.bind(a, axis=canonicalize_axis(axis, ndim_of(a)), **params)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}``.\n\n>>> {name}(np.array([1, 2, 3]))\n"
                  f"{getattr(np, name)(np.array([1, 2, 3]))!r}\n")
    return fn


cumsum = _cumulative(rp.cumsum_p, "cumsum")
cumprod = _cumulative(rp.cumprod_p, "cumprod")
cumulative_sum = cumsum
cumulative_prod = cumprod


def sort(a, axis=-1, kind=None, order=None, *, stable=True, descending=False):
    """Sorted copy, as ``numpy.sort`` (stable; ``descending`` as in the array API).

    >>> sort(np.array([3, 1, 2]))
    array([1, 2, 3])
    """
    a = asarray_like(a)
    if axis is None:
        a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
        axis = 0
    ax = canonicalize_axis(axis, ndim_of(a))
    r = rp.sort_p.bind(a, axis=ax)
    return sp.rev_p.bind(r, axes=(ax,)) if descending else r


def argsort(a, axis=-1, kind=None, order=None, *, stable=True, descending=False):
    """Indices that sort ``a``, as ``numpy.argsort`` (stable).

    >>> argsort(np.array([3, 1, 2]))
    array([1, 2, 0])
    """
    a = asarray_like(a)
    if axis is None:
        a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
        axis = 0
    ax = canonicalize_axis(axis, ndim_of(a))
    if descending:
        n = shape_of(a)[ax]
        idx = rp.argsort_p.bind(sp.rev_p.bind(a, axes=(ax,)), axis=ax)
        return sp.rev_p.bind(ew.subtract_p.bind(n - 1, idx), axes=(ax,))
    return rp.argsort_p.bind(a, axis=ax)


__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
