"""``vmapx.numpy``'s order statistics: ``ptp``, ``quantile`` /
``percentile`` and their NaN-ignoring versions (every NumPy method, through a
sort), and ``median`` / ``nanmedian``, computed the same way (NumPy lists them
with the averages).

Results follow NumPy's dtypes; a slice holding a NaN gives NaN (for the
NaN-ignoring versions, an all-NaN slice).
"""
from __future__ import annotations

import builtins

import numpy as np

from ..core import Tracer, dtype_of, ndim_of, shape_of
from .averages import nanmean
from . import dtypes as _dt
from .base import asarray_like
from .nan_reductions import _axes, _inexact, _returns_numpy_scalars
from . import basic_api as jnp

__all__ = ["ptp", "quantile", "percentile", "nanquantile", "nanpercentile", "median",
           "nanmedian"]


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
    if not _dt.numpy_semantics() and not _inexact(a):
        a = jnp.astype(a, _dt.to_inexact(dtype_of(a)))   # JAX: int32 data gives float32
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


def _quantile_call(name, a, q, axis, method, keepdims, weights, interpolation, *, percent,
                   nan):
    """The public quantile functions' common body (``interpolation`` is NumPy's
    old name of ``method``; ``weights`` are not supported)."""
    if weights is not None:
        raise NotImplementedError(f"vmapx.numpy.{name} does not support weights")
    if interpolation is not None:
        method = interpolation
    q, weak = _q_of(q, percent=percent)
    return _quantile(a, q, axis, method, keepdims, weak, nan)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """The ``q``-th quantiles along ``axis``, as ``numpy.quantile`` (all 13 methods).

    >>> quantile(np.array([1.0, 2.0, 3.0, 4.0]), [0.25, 0.5])
    array([1.75, 2.5 ])
    """
    return _quantile_call("quantile", a, q, axis, method, keepdims, weights, interpolation,
                          percent=False, nan=False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """The ``q``-th percentiles along ``axis``, as ``numpy.percentile``.

    >>> percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50)
    np.float64(2.5)
    """
    return _quantile_call("percentile", a, q, axis, method, keepdims, weights, interpolation,
                          percent=True, nan=False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None, interpolation=None):
    """Quantiles ignoring NaNs (NaN for an all-NaN slice), as ``numpy.nanquantile``.

    >>> nanquantile(np.array([1.0, np.nan, 3.0]), 0.5)
    np.float64(2.0)
    """
    return _quantile_call("nanquantile", a, q, axis, method, keepdims, weights, interpolation,
                          percent=False, nan=True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None):
    """Percentiles ignoring NaNs, as ``numpy.nanpercentile``.

    >>> nanpercentile(np.array([1.0, np.nan, 3.0]), 50)
    np.float64(2.0)
    """
    return _quantile_call("nanpercentile", a, q, axis, method, keepdims, weights, interpolation,
                          percent=True, nan=True)


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


# NumPy returns scalars, not 0-d arrays, from these on concrete input.
for _name in ("ptp", "quantile", "percentile", "nanquantile", "nanpercentile", "median",
              "nanmedian"):
    globals()[_name] = _returns_numpy_scalars(globals()[_name])
