"""Numerical calculus and signal helpers of ``vmapx.numpy``: differences
(``diff``, ``ediff1d``, ``gradient``), integrals (``trapezoid``), convolution
and correlation, piecewise-linear interpolation and phase unwrapping, with
NumPy's formulas (so concrete results match NumPy's to the last bit where
NumPy's are exact) built from primitives.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from . import dtypes as _dt
from .base import asarray_like, canonicalize_axis
from .shapes import slice_along
from . import basic_api as jnp
from ..prims import shapes as sp
from .searching import searchsorted_intp as searchsorted

__all__ = ["diff", "ediff1d", "gradient", "trapezoid", "convolve", "correlate", "interp",
           "unwrap"]


# ------------------------------------------- differences, integrals, convolution


def _slice(a, axis, start, stop):
    return slice_along(a, axis, start, stop)


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """``n``-th discrete difference along ``axis``, as ``numpy.diff``.

    >>> diff(np.array([1, 4, 9, 16]), n=2)
    array([2, 2])
    """
    a = asarray_like(a)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    nd = ndim_of(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = canonicalize_axis(axis, nd)
    parts = []
    for extra, first in ((prepend, True), (append, False)):
        if extra is None:
            continue
        extra = asarray_like(extra)
        if ndim_of(extra) == 0:
            shape = list(shape_of(a))
            shape[axis] = 1
            extra = jnp.broadcast_to(extra, tuple(shape))
        parts.append((first, extra))
    if parts:
        a = jnp.concatenate([e for f, e in parts if f] + [a] + [e for f, e in parts if not f],
                            axis=axis)
    op = jnp.not_equal if dtype_of(a) == np.bool_ else jnp.subtract
    for _ in range(n):
        a = op(_slice(a, axis, 1, None), _slice(a, axis, None, -1))
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with optional ends, as ``numpy.ediff1d``.

    >>> ediff1d(np.array([1, 2, 4, 7]), to_begin=-99)
    array([-99,   1,   2,   3])
    """
    ary = jnp.ravel(asarray_like(ary))
    dt = dtype_of(ary)
    parts = [diff(ary)]
    for extra, first in ((to_begin, True), (to_end, False)):
        if extra is None:
            continue
        extra = jnp.ravel(asarray_like(extra))
        if not np.can_cast(dtype_of(extra), dt, casting="same_kind"):
            raise TypeError(f"dtype of `{'to_begin' if first else 'to_end'}` must be "
                            f"compatible with input `ary` under the `same_kind` rule.")
        extra = jnp.astype(extra, dt)
        parts.insert(0, extra) if first else parts.append(extra)
    return jnp.concatenate(parts) if len(parts) > 1 else parts[0]


def gradient(f, *varargs, axis=None, edge_order=1):
    """Second-order accurate central differences, as ``numpy.gradient``.

    Spacings are scalars or coordinate arrays (traced coordinates always use
    the non-uniform formula).

    >>> gradient(np.array([1.0, 2.0, 4.0, 7.0]))
    array([1. , 1.5, 2.5, 3. ])
    """
    f = asarray_like(f)
    nd = ndim_of(f)
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(canonicalize_axis(a, nd) for a in
                     (axis if isinstance(axis, (tuple, list)) else (axis,)))
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
    n = len(varargs)
    if n == 0:
        dx = [1.0] * len(axes)
    elif n == 1 and ndim_of(varargs[0]) == 0:
        dx = list(varargs) * len(axes)
    elif n == len(axes):
        dx = []
        for i, d in enumerate(varargs):
            d = asarray_like(d)
            if ndim_of(d) == 0:
                dx.append(d)
                continue
            if ndim_of(d) != 1:
                raise ValueError("distances must be either scalars or 1d")
            if shape_of(d)[0] != shape_of(f)[axes[i]]:
                raise ValueError("when 1d, distances must match the length of the "
                                 "corresponding dimension")
            if dtype_of(d).kind in "iub":
                d = jnp.astype(d, np.float64)
            d = diff(d)
            if not isinstance(d, Tracer) and (d == d[0]).all():
                d = d[0]
            dx.append(d)
    else:
        raise TypeError("invalid number of arguments")
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    otype = dtype_of(f)
    if not inputs.is_inexact(otype):
        if otype.kind in "iu":
            f = jnp.astype(f, np.float64)
        otype = np.dtype(np.float64)
    outs = []
    for ax, h in zip(axes, dx, strict=True):
        if shape_of(f)[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at "
                             "least (edge_order + 1) elements are required.")
        at = lambda i, j=None, _ax=ax: _slice(f, _ax, i, j)  # noqa: E731
        first = lambda k, _ax=ax: _slice(f, _ax, k, k + 1 if k != -1 else None)  # noqa: E731
        uniform = ndim_of(h) == 0
        shape = [1] * nd
        shape[ax] = -1

        def col(v, _shape=shape):
            return jnp.reshape(v, tuple(_shape))

        if uniform:
            inner = (at(2, None) - at(None, -2)) / (2.0 * h)
        else:
            h1, h2 = h[:-1], h[1:]
            a = -h2 / (h1 * (h1 + h2))
            b = (h2 - h1) / (h1 * h2)
            c = h1 / (h2 * (h1 + h2))
            inner = col(a) * at(None, -2) + col(b) * at(1, -1) + col(c) * at(2, None)
        if edge_order == 1:
            h0 = h if uniform else h[0]
            hn = h if uniform else h[-1]
            lo = (first(1) - first(0)) / h0
            hi = (first(-1) - first(-2)) / hn
        else:
            if uniform:
                a, b, c = -1.5 / h, 2.0 / h, -0.5 / h
            else:
                h1, h2 = h[0], h[1]
                a = -(2.0 * h1 + h2) / (h1 * (h1 + h2))
                b = (h1 + h2) / (h1 * h2)
                c = -h1 / (h2 * (h1 + h2))
            lo = a * first(0) + b * first(1) + c * first(2)
            if uniform:
                a, b, c = 0.5 / h, -2.0 / h, 1.5 / h
            else:
                h1, h2 = h[-2], h[-1]
                a = h2 / (h1 * (h1 + h2))
                b = -(h2 + h1) / (h1 * h2)
                c = (2.0 * h2 + h1) / (h2 * (h1 + h2))
            hi = a * first(-3) + b * first(-2) + c * first(-1)
        parts = [jnp.astype(p, otype) for p in (lo, inner, hi)]
        outs.append(jnp.concatenate(parts, axis=ax))
    return outs[0] if len(axes) == 1 else tuple(outs)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral by the trapezoidal rule, as ``numpy.trapezoid``.

    >>> trapezoid(np.array([1.0, 2.0, 3.0]), x=np.array([0.0, 1.0, 3.0]))
    array(6.5)
    """
    y = asarray_like(y)
    nd = ndim_of(y)
    axis = canonicalize_axis(axis, nd)
    if x is None:
        d = dx
    else:
        x = asarray_like(x)
        if ndim_of(x) == 1:
            d = diff(x)
            shape = [1] * nd
            shape[axis] = shape_of(d)[0]
            d = jnp.reshape(d, tuple(shape))
        else:
            d = diff(x, axis=axis)
    return jnp.sum(d * (_slice(y, axis, 1, None) + _slice(y, axis, None, -1)) / 2.0, axis=axis)


def _full_correlation(a, v):
    """``c[k] = sum_n a[n + k - (len(v) - 1)] * v[n]`` for every overlap (length la + lv - 1)."""
    la, lv = shape_of(a)[0], shape_of(v)[0]
    padded = sp.pad_p.bind(a, pad_width=((lv - 1, lv - 1),), value=0)
    windows = np.arange(la + lv - 1)[:, None] + np.arange(lv)[None, :]
    return jnp.matmul(jnp.take(padded, windows, axis=0), v)


def _correlate_mode(full, la, lv, mode):
    if mode == "full":
        return full
    n = la + lv - 1
    if mode == "same":
        length = builtins.max(la, lv)
        start = (n - length) // 2 if la >= lv else (n - length + 1) // 2
    elif mode == "valid":
        length = builtins.max(la, lv) - builtins.min(la, lv) + 1
        start = builtins.min(la, lv) - 1
    else:
        raise ValueError(f"mode must be one of 'full', 'same' or 'valid', got {mode!r}")
    return full[start:start + length]


def _conv_inputs(a, v, name):
    a, v = jnp.ravel(asarray_like(a)), jnp.ravel(asarray_like(v))
    if ndim_of(a) != 1 or ndim_of(v) != 1:
        raise ValueError(f"{name}: object too deep for desired array")
    if shape_of(a)[0] == 0:
        raise ValueError("a cannot be empty")
    if shape_of(v)[0] == 0:
        raise ValueError("v cannot be empty")
    dt = _dt.promote(dtype_of(a), dtype_of(v))
    if not _dt.numpy_semantics():
        dt = _dt.to_inexact(dt)   # JAX convolves in an inexact dtype (int32: float32)
    return jnp.astype(a, dt), jnp.astype(v, dt)


def convolve(a, v, mode="full"):
    """Discrete linear convolution of two 1-D arrays, as ``numpy.convolve``.

    >>> convolve(np.array([1, 2, 3]), np.array([0, 1, 0.5]))
    array([0. , 1. , 2.5, 4. , 1.5])
    """
    a, v = _conv_inputs(a, v, "convolve")
    la, lv = shape_of(a)[0], shape_of(v)[0]
    full = _full_correlation(a, jnp.flip(v))
    if mode == "same" and lv > la:  # NumPy convolves the longer with the shorter
        return _correlate_mode(full, lv, la, mode)
    return _correlate_mode(full, la, lv, mode)


def correlate(a, v, mode="valid"):
    """Cross-correlation ``c[k] = sum_n a[n + k] * conj(v[n])``, as ``numpy.correlate``.

    >>> correlate(np.array([1, 2, 3]), np.array([0, 1, 0.5]))
    array([3.5])
    """
    a, v = _conv_inputs(a, v, "correlate")
    la, lv = shape_of(a)[0], shape_of(v)[0]
    full = _full_correlation(a, jnp.conjugate(v) if dtype_of(v).kind == "c" else v)
    return _correlate_mode(full, la, lv, mode)


def interp(x, xp, fp, left=None, right=None, period=None):
    """One-dimensional piecewise-linear interpolation, as ``numpy.interp``.

    >>> interp(np.array([0.5, 1.5, 3.0]), np.array([0.0, 1.0, 2.0]), np.array([0.0, 10.0, 0.0]))
    array([5., 5., 0.])
    """
    x, xp, fp = asarray_like(x), asarray_like(xp), asarray_like(fp)
    if ndim_of(xp) != 1 or ndim_of(fp) != 1:
        raise ValueError("Data points must be 1-D sequences")
    if shape_of(xp)[0] != shape_of(fp)[0]:
        raise ValueError("fp and xp are not of the same length")
    if shape_of(xp)[0] == 0:
        raise ValueError("array of sample points is empty")
    if _dt.numpy_semantics():
        out_dt = np.dtype(np.complex128) if dtype_of(fp).kind == "c" else np.dtype(np.float64)
        x_dt = np.float64
    else:   # JAX: points and values made inexact apart, then promoted together
        if dtype_of(x).kind == "c" or dtype_of(xp).kind == "c":
            raise ValueError("jnp.interp: complex x values not supported.")
        pts, weak = _dt.promote_keys(dtype_of(x), dtype_of(xp))   # uint64 with int8: weak
        pts = _dt.to_inexact(pts)
        out_dt = _dt.promote_keys(float if weak else pts, _dt.to_inexact(dtype_of(fp)))[0]
        x_dt = np.finfo(pts).dtype
    x = jnp.astype(x, x_dt)
    xp = jnp.astype(xp, x_dt)
    fp = jnp.astype(fp, out_dt)
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = x % period
        xp = xp % period
        order = jnp.argsort(xp)
        xp, fp = jnp.take(xp, order), jnp.take(fp, order)
        xp = jnp.concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = jnp.concatenate([fp[-1:], fp, fp[0:1]])
    n = shape_of(xp)[0]
    if n == 1:
        res = jnp.broadcast_to(fp[0], shape_of(x))
    else:
        j = jnp.clip(searchsorted(xp, x, side="right") - 1, 0, n - 2)
        x0, x1 = jnp.take(xp, j), jnp.take(xp, j + 1)
        y0, y1 = jnp.take(fp, j), jnp.take(fp, j + 1)
        slope = (y1 - y0) / (x1 - x0)
        res = slope * (x - x0) + y0
        res = jnp.where(jnp.isnan(res), jnp.where(y0 == y1, y0, slope * (x - x1) + y1), res)
        res = jnp.where(x == x0, y0, res)
    res = jnp.where(x == xp[-1], fp[-1], res)
    res = jnp.where(x < xp[0], fp[0] if left is None else jnp.astype(left, out_dt), res)
    res = jnp.where(x > xp[-1], fp[-1] if right is None else jnp.astype(right, out_dt), res)
    return res if dtype_of(res) == out_dt else jnp.astype(res, out_dt)


def unwrap(p, discont=None, axis=-1, *, period=2 * np.pi):
    """Unwrap jumps larger than ``discont`` by multiples of ``period``, as ``numpy.unwrap``.

    >>> unwrap(np.array([0.0, 0.5, 6.5]))
    array([0.        , 0.5       , 0.21681469])
    """
    p = asarray_like(p)
    nd = ndim_of(p)
    axis = canonicalize_axis(axis, nd)
    dd = diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    dtype = np.result_type(dtype_of(dd), period)
    if dtype.kind in "iu":
        interval_high, rem = builtins.divmod(period, 2)
        ambiguous = rem == 0
    else:
        interval_high = period / 2
        ambiguous = True
    interval_low = -interval_high
    ddmod = jnp.mod(dd - interval_low, period) + interval_low
    if ambiguous:
        ddmod = jnp.where((ddmod == interval_low) & (dd > 0), interval_high, ddmod)
    correct = ddmod - dd
    correct = jnp.where(jnp.abs(dd) < discont, 0, correct)
    up = jnp.astype(p, dtype)
    rest = jnp.astype(_slice(p, axis, 1, None) + jnp.cumsum(correct, axis=axis), dtype)
    return jnp.concatenate([_slice(up, axis, 0, 1), rest], axis=axis)
