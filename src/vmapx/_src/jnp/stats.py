"""Statistics of ``vmapx.numpy``: NaN-ignoring reductions, ``ptp``,
``average``, ``median`` / ``quantile`` / ``percentile`` (every NumPy method,
through a sort) and ``cov`` / ``corrcoef``.  Histograms are in
``histograms.py``.

Results follow NumPy's dtypes.  Where NumPy raises on data it only sees at run
time (an all-NaN slice for ``nanargmax``, weights summing to zero for
``average``), concrete input raises as in NumPy and traced input cannot: it
gives JAX's result instead (-1, inf or nan).
"""
from __future__ import annotations

import functools
import builtins

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from .base import asarray_like, canonicalize_axis
from .static_args import scalar_like_numpy
from . import basic_api as jnp

__all__ = ["nansum", "nanprod", "nanmax", "nanmin", "nanargmax", "nanargmin", "nanmean",
           "nanvar", "nanstd", "nancumsum", "nancumprod", "nanmedian", "nanquantile",
           "nanpercentile", "ptp", "average", "median", "quantile", "percentile", "cov",
           "corrcoef"]


def _returns_numpy_scalars(fn):

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return scalar_like_numpy(fn(*args, **kwargs))
    return wrapped


def _axes(axis, nd):
    """NumPy's ``normalize_axis_tuple`` (order kept); None -> all axes."""
    if axis is None:
        return tuple(range(nd))
    axes = tuple(canonicalize_axis(a, nd) for a in
                 (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


def _inexact(a):
    return inputs.is_inexact(dtype_of(a))


# -------------------------------------------------------- NaN-ignoring reductions


def _nan_to(a, value):
    return jnp.where(jnp.isnan(a), value, a) if _inexact(a) else a


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Sum treating NaNs as zero, as ``numpy.nansum``.

    >>> nansum(np.array([1.0, np.nan, 2.0]))
    np.float64(3.0)
    """
    a = asarray_like(a)
    return jnp.sum(_nan_to(a, 0), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                      initial=initial, where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product treating NaNs as one, as ``numpy.nanprod``.

    >>> nanprod(np.array([2.0, np.nan, 3.0]))
    np.float64(6.0)
    """
    a = asarray_like(a)
    return jnp.prod(_nan_to(a, 1), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                       initial=initial, where=where)


def _nan_extreme(name, fill_sign):
    def fn(a, axis=None, out=None, keepdims=False, initial=None, where=True):
        a = asarray_like(a)
        red = getattr(jnp, name)
        if not _inexact(a):
            return red(a, axis=axis, out=out, keepdims=keepdims, initial=initial, where=where)
        nan = jnp.isnan(a)
        res = red(jnp.where(nan, fill_sign * np.inf, a), axis=axis, out=out,
                  keepdims=keepdims, initial=initial, where=where)
        if initial is not None:
            return res
        return jnp.where(jnp.all(nan, axis=axis, keepdims=keepdims), np.nan, res)
    fn.__name__ = fn.__qualname__ = "nan" + name
    example = getattr(np, "nan" + name)(np.array([1.0, np.nan, 3.0]))
    fn.__doc__ = (f"``{name}`` ignoring NaNs (NaN for an all-NaN slice), as "
                  f"``numpy.nan{name}``.\n\n>>> nan{name}(np.array([1.0, np.nan, 3.0]))\n"
                  f"{example!r}\n")
    return fn


nanmax = _nan_extreme("max", -1)
nanmin = _nan_extreme("min", 1)


def _nan_arg(name, fill_sign):
    def fn(a, axis=None, out=None, *, keepdims=False):
        a = asarray_like(a)
        arg = getattr(jnp, name)
        if not _inexact(a):
            return arg(a, axis=axis, out=out, keepdims=keepdims)
        nan = jnp.isnan(a)
        res = arg(jnp.where(nan, fill_sign * np.inf, a), axis=axis, out=out, keepdims=keepdims)
        all_nan = jnp.all(nan, axis=axis, keepdims=keepdims)
        if not isinstance(all_nan, Tracer) and np.any(all_nan):
            raise ValueError("All-NaN slice encountered")
        return jnp.where(all_nan, -1, res)
    fn.__name__ = fn.__qualname__ = "nan" + name
    fn.__doc__ = (f"``{name}`` ignoring NaNs, as ``numpy.nan{name}`` (an all-NaN slice raises "
                  f"on concrete input and gives -1 on traced input).\n\n"
                  f">>> nan{name}(np.array([1.0, np.nan, 3.0]))\n"
                  f"{getattr(np, 'nan' + name)(np.array([1.0, np.nan, 3.0]))!r}\n")
    return fn


nanargmax = _nan_arg("argmax", -1)
nanargmin = _nan_arg("argmin", 1)


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


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaNs as zero, as ``numpy.nancumsum``.

    >>> nancumsum(np.array([1.0, np.nan, 2.0]))
    array([1., 1., 3.])
    """
    return jnp.cumsum(_nan_to(asarray_like(a), 0), axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaNs as one, as ``numpy.nancumprod``.

    >>> nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    return jnp.cumprod(_nan_to(asarray_like(a), 1), axis=axis, dtype=dtype, out=out)


def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum minus minimum), as ``numpy.ptp``.

    >>> ptp(np.array([[1, 5], [2, 9]]), axis=1)
    array([4, 7])
    """
    a = asarray_like(a)
    if dtype_of(a) == np.bool_:
        raise TypeError("numpy boolean subtract, the `-` operator, is not supported, use the "
                        "bitwise_xor, the `^` operator, or the logical_xor function instead.")
    return jnp.subtract(jnp.max(a, axis=axis, keepdims=keepdims),
                        jnp.min(a, axis=axis, keepdims=keepdims))


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
        if dtype_of(a).kind in "biu":
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


# ----------------------------------------------------------------- quantiles

_QUANTILE_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                     "interpolated_inverted_cdf", "hazen", "weibull", "linear",
                     "median_unbiased", "normal_unbiased", "lower", "higher", "midpoint",
                     "nearest")
_ALPHA_BETA = {"interpolated_inverted_cdf": (0, 1), "hazen": (0.5, 0.5), "weibull": (0, 0),
               "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}


def _reduce_to_last(a, axis, keepdims):
    """Move the reduced axes of ``a`` to one trailing axis; the kept shape with keepdims."""
    nd = ndim_of(a)
    axes = _axes(axis, nd)
    keep = [i for i in range(nd) if i not in axes]
    s = shape_of(a)
    moved = jnp.transpose(a, tuple(keep) + axes)
    n = int(np.prod([s[i] for i in axes], dtype=np.int64))
    flat = jnp.reshape(moved, tuple(s[i] for i in keep) + (n,))
    kept_shape = tuple(1 if i in axes else s[i] for i in range(nd)) if keepdims else None
    return flat, n, kept_shape


def _virtual_index(n, q, method):
    """NumPy's virtual (fractional) index into the sorted data, and whether it is integral."""
    if method in ("linear", "midpoint", "lower", "higher", "nearest"):
        v = (n - 1) * q
        if method == "lower":
            return jnp.astype(jnp.floor(v), np.intp), True
        if method == "higher":
            return jnp.astype(jnp.ceil(v), np.intp), True
        if method == "nearest":
            return jnp.astype(jnp.round(v), np.intp), True
        if method == "midpoint":
            return 0.5 * (jnp.floor(v) + jnp.ceil(v)), False
        return v, dtype_of(v).kind in "iu"
    if method == "inverted_cdf":
        index = n * q - 1
        prev = jnp.floor(index)
        return jnp.maximum(jnp.astype(jnp.where(index - prev == 0, prev, prev + 1), np.intp),
                           0), True
    if method == "closest_observation":
        index = n * q - 1 - 0.5
        prev = jnp.floor(index)
        cond = (index - prev == 0) & (jnp.floor(index) % 2 == 1)
        return jnp.maximum(jnp.astype(jnp.where(cond, prev, prev + 1), np.intp), 0), True
    if method == "averaged_inverted_cdf":
        return n * q - 1, False
    alpha, beta = _ALPHA_BETA[method]
    return n * q + (alpha + q * (1 - alpha - beta)) - 1, False


def _quantile_core(sorted_, n, q, method, weak_q, nan_slices):
    """Quantiles of each row of ``sorted_`` (NaNs last); ``n`` the valid count (int or array).

    Returns an array shaped ``q.shape + rows``.
    """
    r = ndim_of(sorted_) - 1
    per_slice = not isinstance(n, int)
    n_arith = n
    if per_slice:  # one count per row: the query axes go in front of the row axes
        q = jnp.reshape(q, tuple(shape_of(q)) + (1,) * r)
        # NumPy computes each row with its count as a Python int (weak)
        n_arith = jnp.astype(n, np.result_type(dtype_of(q), 0))
    v, integral = _virtual_index(n_arith, q, method)
    last = n - 1
    if integral:
        idx = jnp.clip(v, 0, jnp.maximum(last, 0) if per_slice else builtins.max(last, 0))
        res = _take_rows(sorted_, idx, per_slice)
    else:
        fl = jnp.floor(v)
        above = v >= last
        below = v < 0
        nan_v = jnp.isnan(v)
        prev_for_gamma = jnp.where(above | nan_v, -1.0, jnp.where(below, 0.0, fl))
        gamma = v - prev_for_gamma
        if method == "averaged_inverted_cdf":
            gamma = jnp.where(gamma == 0, 0.5, 1.0)
        elif method == "midpoint":
            gamma = jnp.where(v % 1 == 0, 0.0, 0.5)
        gamma = jnp.astype(gamma, dtype_of(v))
        top = jnp.maximum(last, 0)
        prev = jnp.where(above | nan_v, top, jnp.where(below, 0, fl))
        nxt = jnp.where(above | nan_v, top, jnp.where(below, 0, fl + 1))
        lo = _take_rows(sorted_, jnp.astype(prev, np.intp), per_slice)
        hi = _take_rows(sorted_, jnp.astype(nxt, np.intp), per_slice)
        if not per_slice:
            gamma = jnp.reshape(gamma, tuple(shape_of(gamma)) + (1,) * r)
        t, omt = gamma, 1 - gamma
        if weak_q:  # NumPy's Python-float gamma: rounded once to the data's float type
            rdt = np.result_type(dtype_of(lo), 0.0)
            t, omt = jnp.astype(t, rdt), jnp.astype(omt, rdt)
        diff_ = hi - lo
        res = jnp.where(gamma >= 0.5, hi - diff_ * omt, lo + diff_ * t)
    if nan_slices is not None:
        res = jnp.where(nan_slices, np.nan, res)
    return res


def _take_rows(sorted_, idx, per_slice):
    """Values of each row of ``sorted_`` at ``idx`` (shape ``Q``, or ``Q + rows`` per slice)."""
    r = ndim_of(sorted_) - 1
    if not per_slice:
        nq = ndim_of(idx)
        got = jnp.take(sorted_, idx, axis=-1)
        return jnp.moveaxis(got, tuple(range(r, r + nq)), tuple(range(nq)))
    nq = ndim_of(idx) - r
    src = jnp.reshape(sorted_, (1,) * nq + tuple(shape_of(sorted_)))
    return jnp.take_along_axis(src, jnp.expand_dims(idx, -1), axis=-1, mode="clip")[..., 0]


def _quantile(a, q, axis, method, keepdims, weak_q, ignore_nan):
    a = asarray_like(a)
    if dtype_of(a).kind == "c":
        raise TypeError("a must be an array of real numbers")
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: "
                         f"{_QUANTILE_METHODS}")
    if ndim_of(q) > 2:
        raise ValueError("q must be a scalar or 1d")
    if not isinstance(q, Tracer):
        qa = np.asarray(q)
        if not (np.all(qa >= 0) and np.all(qa <= 1)):
            raise ValueError("Quantiles must be in the range [0, 1]")
    if ignore_nan and int(np.prod(shape_of(a), dtype=np.int64)) == 0:
        return nanmean(a, axis, keepdims=keepdims)  # NumPy's answer for empty input
    flat, n, kept_shape = _reduce_to_last(a, axis, keepdims)
    sorted_ = jnp.sort(flat, axis=-1)
    count, nan_slices = n, None
    if _inexact(a) and n:  # NaNs sort last
        if ignore_nan:
            count = jnp.sum(~jnp.isnan(sorted_), axis=-1, dtype=np.intp)
            nan_slices = count == 0
        else:
            nan_slices = jnp.isnan(sorted_[..., -1])
    res = _quantile_core(sorted_, count, q, method, weak_q, nan_slices)
    if kept_shape is not None:
        res = jnp.reshape(res, tuple(shape_of(q)) + kept_shape)
    return res


def _q_of(q, percent=False):
    """``q`` (a fraction) as an array, and whether it was a Python scalar (NumPy's weak
    ``q``)."""
    weak = type(q) in (int, float)
    if percent:
        q = jnp.true_divide(q, 100) if isinstance(q, Tracer) else np.true_divide(q, 100)
    return (q if isinstance(q, Tracer) else np.asanyarray(q)), weak


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """The ``q``-th quantiles along ``axis``, as ``numpy.quantile`` (all 13 methods).

    >>> quantile(np.array([1.0, 2.0, 3.0, 4.0]), [0.25, 0.5])
    array([1.75, 2.5 ])
    """
    if weights is not None:
        raise NotImplementedError("vmapx.numpy.quantile does not support weights")
    if interpolation is not None:
        method = interpolation
    q, weak = _q_of(q)
    return _quantile(a, q, axis, method, keepdims, weak, False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """The ``q``-th percentiles along ``axis``, as ``numpy.percentile``.

    >>> percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50)
    np.float64(2.5)
    """
    if weights is not None:
        raise NotImplementedError("vmapx.numpy.percentile does not support weights")
    if interpolation is not None:
        method = interpolation
    q, weak = _q_of(q, percent=True)
    return _quantile(a, q, axis, method, keepdims, weak, False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None, interpolation=None):
    """Quantiles ignoring NaNs (NaN for an all-NaN slice), as ``numpy.nanquantile``.

    >>> nanquantile(np.array([1.0, np.nan, 3.0]), 0.5)
    np.float64(2.0)
    """
    if weights is not None:
        raise NotImplementedError("vmapx.numpy.nanquantile does not support weights")
    if interpolation is not None:
        method = interpolation
    q, weak = _q_of(q)
    return _quantile(a, q, axis, method, keepdims, weak, True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None):
    """Percentiles ignoring NaNs, as ``numpy.nanpercentile``.

    >>> nanpercentile(np.array([1.0, np.nan, 3.0]), 50)
    np.float64(2.0)
    """
    if weights is not None:
        raise NotImplementedError("vmapx.numpy.nanpercentile does not support weights")
    if interpolation is not None:
        method = interpolation
    q, weak = _q_of(q, percent=True)
    return _quantile(a, q, axis, method, keepdims, weak, True)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median along ``axis`` (the mean of the two middle values), as ``numpy.median``.

    >>> median(np.array([[1.0, 7.0, 3.0], [4.0, 2.0, 6.0]]), axis=1)
    array([3., 4.])
    """
    a = asarray_like(a)
    flat, n, kept_shape = _reduce_to_last(a, axis, keepdims)
    sorted_ = jnp.sort(flat, axis=-1)
    h = n // 2
    mid = sorted_[..., h:h + 1] if n % 2 else sorted_[..., builtins.max(h - 1, 0):h + 1]
    res = jnp.mean(mid, axis=-1)
    if _inexact(a) and n:
        res = jnp.where(jnp.isnan(sorted_[..., -1]), np.nan, res)
    if kept_shape is not None:
        res = jnp.reshape(res, kept_shape)
    return res


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median ignoring NaNs (NaN for an all-NaN slice), as ``numpy.nanmedian``.

    >>> nanmedian(np.array([1.0, np.nan, 3.0, 10.0]))
    np.float64(3.0)
    """
    a = asarray_like(a)
    if not _inexact(a):
        return median(a, axis, keepdims=keepdims)
    if int(np.prod(shape_of(a), dtype=np.int64)) == 0:
        return nanmean(a, axis, keepdims=keepdims)  # NumPy's answer for empty input
    flat, n, kept_shape = _reduce_to_last(a, axis, keepdims)
    sorted_ = jnp.sort(flat, axis=-1)
    count = jnp.sum(~jnp.isnan(sorted_), axis=-1, dtype=np.intp)
    h = count // 2
    lo_idx = jnp.where(count % 2 == 1, h, jnp.maximum(h - 1, 0))
    lo = jnp.take_along_axis(sorted_, jnp.expand_dims(lo_idx, -1), axis=-1, mode="clip")[..., 0]
    hi = jnp.take_along_axis(sorted_, jnp.expand_dims(jnp.minimum(h, builtins.max(n - 1, 0)), -1),
                             axis=-1, mode="clip")[..., 0]
    res = jnp.mean(jnp.stack([lo, hi], axis=-1), axis=-1)
    res = jnp.where(count == 0, np.nan, res)
    if kept_shape is not None:
        res = jnp.reshape(res, kept_shape)
    return res


# ------------------------------------------------------------ cov, corrcoef


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """Covariance matrix of the rows (variables) of ``m``, as ``numpy.cov``.

    >>> cov(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = asarray_like(m)
    if ndim_of(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = asarray_like(y)
        if ndim_of(y) > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        dtype = np.result_type(dtype_of(m), *([dtype_of(y)] if y is not None else []),
                               np.float64)
    X = jnp.astype(jnp.atleast_2d(m), dtype)
    if not rowvar and ndim_of(m) != 1:
        X = jnp.transpose(X)
    if shape_of(X)[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        Y = jnp.astype(jnp.atleast_2d(y), dtype)
        if not rowvar and shape_of(Y)[0] != 1:
            Y = jnp.transpose(Y)
        X = jnp.concatenate((X, Y), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    w = None
    if fweights is not None:
        fweights = asarray_like(fweights)
        if not isinstance(fweights, Tracer) and not np.all(fweights == np.around(fweights)):
            raise TypeError("fweights must be integer")
        if ndim_of(fweights) > 1:
            raise RuntimeError("cannot handle multidimensional fweights")
        if shape_of(fweights)[0] != shape_of(X)[1]:
            raise RuntimeError("incompatible numbers of samples and fweights")
        if not isinstance(fweights, Tracer) and np.any(fweights < 0):
            raise ValueError("fweights cannot be negative")
        w = jnp.astype(fweights, np.float64)
    if aweights is not None:
        aweights = jnp.astype(asarray_like(aweights), np.float64)
        if ndim_of(aweights) > 1:
            raise RuntimeError("cannot handle multidimensional aweights")
        if shape_of(aweights)[0] != shape_of(X)[1]:
            raise RuntimeError("incompatible numbers of samples and aweights")
        if not isinstance(aweights, Tracer) and np.any(aweights < 0):
            raise ValueError("aweights cannot be negative")
        w = aweights if w is None else w * aweights
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = shape_of(X)[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * jnp.sum(w * aweights) / w_sum
    if isinstance(fact, int):
        fact = builtins.max(fact, 0.0)
    else:
        fact = jnp.where(fact <= 0, 0.0, fact)
    X = X - avg[:, None]
    X_T = jnp.transpose(X) if w is None else jnp.transpose(X * w)
    c = jnp.dot(X, jnp.conjugate(X_T) if dtype_of(X_T).kind == "c" else X_T)
    c = jnp.astype(c * jnp.true_divide(1, fact), dtype_of(c))  # NumPy scales in place
    return jnp.squeeze(c)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients, as ``numpy.corrcoef``.

    >>> corrcoef(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]])).round(6)
    array([[ 1.      , -0.981981],
           [-0.981981,  1.      ]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if ndim_of(c) != 2:
        return c / c
    d = jnp.diagonal(c)
    stddev = jnp.sqrt(jnp.real(d))
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    if dtype_of(c).kind == "c":
        return jnp.clip(jnp.real(c), -1, 1) + 1j * jnp.clip(jnp.imag(c), -1, 1)
    return jnp.clip(c, -1, 1)


# NumPy returns scalars, not 0-d arrays, from these on concrete input.
for _name in ("nansum", "nanprod", "nanmax", "nanmin", "nanargmax", "nanargmin", "nanmean",
              "nanvar", "nanstd", "ptp", "average", "quantile", "percentile", "nanquantile",
              "nanpercentile", "median", "nanmedian"):
    globals()[_name] = _returns_numpy_scalars(globals()[_name])
