"""Reductions, statistics, cumulative ops and sorting of ``vmapx.numpy``."""
from __future__ import annotations

import builtins

import numpy as np

from .. import inputs
from ..core import Tracer, shape_of, ndim_of, dtype_of
from . import dtypes as _dt
from ..prims import elementwise as ew, reductions as rp, shapes as sp
from .base import asarray_like, astype, canonicalize_axes, canonicalize_axis, _check_no_out
from .shapes import broadcast_to, concatenate


def _reducer(prim, name, bool_out=False):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
        _check_no_out(name, {"out": out})
        a = asarray_like(a)
        axes = canonicalize_axes(axis, ndim_of(a))
        if where is not True:
            a = _masked(prim, a, where, initial)
        params = dict(axes=axes, keepdims=bool(keepdims))
        if prim in (rp.reduce_sum_p, rp.reduce_prod_p):
            params["dtype"] = None if dtype is None else np.dtype(dtype)
        elif dtype is not None:
            a = astype(a, dtype)
        if initial is not None:
            return _with_initial(prim, a, params, initial)
        if prim in (rp.reduce_max_p, rp.reduce_min_p) and 0 in [shape_of(a)[i] for i in axes]:
            raise ValueError(f"zero-size array to reduction operation {name} which has no "
                             "identity")
        return prim.bind(a, **params)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}``, with ``axis`` and ``keepdims``.\n\n"
                  f">>> {name}(np.array([[1, 2], [3, 4]]), axis=0)\n"
                  f"{np.array(getattr(np, name)(np.array([[1, 2], [3, 4]]), axis=0))!r}\n")
    return fn


_UFUNC_NAMES = {rp.reduce_max_p: "maximum", rp.reduce_min_p: "minimum"}


def _masked(prim, a, where, initial):
    """``a`` with the elements outside NumPy's ``where`` mask replaced by the reduction's
    identity (``initial`` for max and min, which have none)."""
    dt = dtype_of(a)
    if prim in _UFUNC_NAMES:
        if initial is None:
            raise ValueError(f"reduction operation '{_UFUNC_NAMES[prim]}' does not have an "
                             "identity, so to use a where mask one has to specify 'initial'")
        identity = astype(initial, dt)
    else:
        identity = np.asarray(prim in (rp.reduce_prod_p, rp.reduce_all_p), dt)
    return _where_broadcast(where, a, identity)


def _where_broadcast(where, a, other):
    """``where(mask, a, other)`` with the mask broadcast to ``a``'s shape (as NumPy's
    ``where=`` arguments are)."""
    mask = asarray_like(where)
    if tuple(shape_of(mask)) != tuple(shape_of(a)):
        mask = broadcast_to(mask, shape_of(a))
    return ew.where_p.bind(mask, a, other)


def _where_count(a, where, axes, keepdims):
    """How many elements of each reduced slice NumPy's ``where`` mask selects."""
    mask = astype(broadcast_to(asarray_like(where), shape_of(a)), np.bool_)
    return rp.reduce_sum_p.bind(mask, axes=axes, keepdims=keepdims, dtype=np.dtype(np.intp))


def _with_initial(prim, a, params, initial):
    """``initial`` joins the reduction in the result's dtype, as NumPy casts it; over an
    empty axis the result is ``initial`` itself."""
    if prim in (rp.reduce_sum_p, rp.reduce_prod_p):
        r = prim.bind(a, **params)
        return (ew.add_p if prim is rp.reduce_sum_p else ew.multiply_p).bind(
            r, astype(initial, dtype_of(r)))
    init = astype(initial, dtype_of(a))
    if 0 in [shape_of(a)[i] for i in params["axes"]]:
        out_shape = tuple(1 if i in params["axes"] else n for i, n in enumerate(shape_of(a))
                          if params["keepdims"] or i not in params["axes"])
        return broadcast_to(init, out_shape)
    r = prim.bind(a, **params)
    return (ew.maximum_p if prim is rp.reduce_max_p else ew.minimum_p).bind(r, init)


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
    _check_no_out("mean", {"out": out})
    a = asarray_like(a)
    axes = canonicalize_axes(axis, ndim_of(a))
    dt = dtype_of(a)
    if dtype is None and dt.kind in "biu":
        dtype = _dt.to_inexact(dt)   # JAX: float32 for int32, float64 for int64
    if dtype is None and dt == np.float16:  # NumPy accumulates half floats in float32
        return astype(globals()["mean"](a, axes, np.float32, None, keepdims, where=where), dt)
    n = _count(a, axes)
    if where is not True:
        n = _where_count(a, where, axes, bool(keepdims))
        a = _where_broadcast(where, a, np.zeros((), dt))
    s = rp.reduce_sum_p.bind(a, axes=axes, keepdims=bool(keepdims),
                             dtype=None if dtype is None else np.dtype(dtype))
    r = ew.divide_p.bind(s, n)
    out_dt = np.dtype(dtype) if dtype is not None else dt
    return astype(r, out_dt) if dtype_of(r) != out_dt else r


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """Variance, as ``numpy.var`` (``ddof`` / ``correction``).

    >>> var(np.array([1.0, 2.0, 3.0, 4.0]))
    np.float64(1.25)
    """
    _check_no_out("var", {"out": out})
    if correction is not None:
        ddof = correction
    a = asarray_like(a)
    if dtype is None and not inputs.is_inexact(dtype_of(a)):
        a = astype(a, _dt.to_inexact(dtype_of(a)))   # JAX: int32 gives float32
    axes = canonicalize_axes(axis, ndim_of(a))
    m = globals()["mean"](a, axis=axes, dtype=dtype, keepdims=True, where=where) \
        if mean is None else asarray_like(mean)
    d = ew.subtract_p.bind(a, m)
    if dtype_of(d).kind == "c":
        sq = ew.real_p.bind(ew.multiply_p.bind(d, ew.conjugate_p.bind(d)))
    else:
        sq = ew.multiply_p.bind(d, d)
    if where is True:
        dof = builtins.max(_count(a, axes) - ddof, 0)
    else:
        sq = _where_broadcast(where, sq, np.zeros((), dtype_of(sq)))
        dof = ew.maximum_p.bind(
            ew.subtract_p.bind(_where_count(a, where, axes, bool(keepdims)), ddof), 0)
    s = rp.reduce_sum_p.bind(sq, axes=axes, keepdims=bool(keepdims), dtype=None)
    r = ew.divide_p.bind(s, dof)
    if dtype_of(r) != dtype_of(s):  # NumPy divides in place, in the sum's dtype
        r = astype(r, dtype_of(s))
    return r if dtype is None else astype(r, dtype)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """Standard deviation, as ``numpy.std``.

    >>> std(np.array([1.0, 3.0]))
    np.float64(1.0)
    """
    return ew.sqrt_p.bind(var(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                              correction=correction))


def _arg(prim, name):
    def fn(a, axis=None, out=None, *, keepdims=False):
        _check_no_out(name, {"out": out})
        a = asarray_like(a)
        if axis is None or ndim_of(a) == 0:  # NumPy takes a 0-d array as 1-d here
            nd = ndim_of(a)
            if axis is not None:
                canonicalize_axis(axis, 1)
            a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
            r = prim.bind(a, axis=0, keepdims=False)
            if keepdims:
                r = sp.reshape_p.bind(r, new_sizes=(1,) * nd)
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
        if axis is None or ndim_of(a) == 0:  # NumPy takes a 0-d array as 1-d here
            if axis is not None:
                canonicalize_axis(axis, 1)
            a = sp.reshape_p.bind(a, new_sizes=(int(np.prod(shape_of(a), dtype=np.int64)),))
            axis = 0
        params = {}
        if prim in (rp.cumsum_p, rp.cumprod_p):
            dt = dtype_of(a)
            if dtype is None and dt.kind in "iu" and not _dt.numpy_semantics():
                dtype = dt   # JAX does not widen cumulative sums and products of integers
            params["dtype"] = None if dtype is None else np.dtype(dtype)
        return prim.bind(a, axis=canonicalize_axis(axis, ndim_of(a)), **params)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}``.\n\n>>> {name}(np.array([1, 2, 3]))\n"
                  f"{getattr(np, name)(np.array([1, 2, 3]))!r}\n")
    return fn


cumsum = _cumulative(rp.cumsum_p, "cumsum")
cumprod = _cumulative(rp.cumprod_p, "cumprod")


def _cumulative_api(fn, name, identity):
    def cumulative(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
        x = asarray_like(x)
        if axis is None:
            if ndim_of(x) > 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` "
                                 "argument is required.")
            axis = 0
        if ndim_of(x) == 0:
            x = sp.reshape_p.bind(x, new_sizes=(1,))
        if dtype is None and identity == 0 and dtype_of(x).kind in "biu":
            # JAX's cumulative_sum widens integers as sum does (its cumsum does not)
            dtype = np.uint64 if dtype_of(x).kind == "u" else np.int64
        r = fn(x, axis=axis, dtype=dtype, out=out)
        if not include_initial:
            return r
        ax = canonicalize_axis(axis, ndim_of(r))
        first = tuple(1 if i == ax else n for i, n in enumerate(shape_of(r)))
        return concatenate([np.full(first, identity, dtype_of(r)), r], axis=ax)
    cumulative.__name__ = cumulative.__qualname__ = name
    cumulative.__doc__ = (
        f"As ``numpy.{name}`` (the array API's cumulative {fn.__name__[3:]}): ``axis`` is "
        f"required above 1-d, ``include_initial`` prepends {identity}.\n\n"
        f">>> {name}(np.array([1, 2, 3]), include_initial=True)\n"
        f"{getattr(np, name)(np.array([1, 2, 3]), include_initial=True)!r}\n")
    return cumulative


cumulative_sum = _cumulative_api(cumsum, "cumulative_sum", 0)
cumulative_prod = _cumulative_api(cumprod, "cumulative_prod", 1)


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


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of nonzero elements, as ``numpy.count_nonzero``.

    >>> count_nonzero(np.array([[0, 1], [2, 3]]), axis=0)
    array([1, 2])
    """
    a = asarray_like(a)
    nonzero = ew.not_equal_p.bind(a, np.zeros((), dtype_of(a)))
    return sum(nonzero, axis=axis, keepdims=keepdims, dtype=np.intp)


__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
