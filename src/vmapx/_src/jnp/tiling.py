"""``vmapx.numpy``'s tiling, rolling and padding: ``tile``, ``repeat``, ``roll``
and ``pad`` (every NumPy mode; ``repeat`` with traced repeats needs
``total_repeat_length``).
"""
from __future__ import annotations

import operator

import numpy as np

from .. import inputs
from ..core import Tracer, shape_of, ndim_of, dtype_of
from ..errors import ConcretizationTypeError
from ..prims import elementwise as ew, shapes as sp
from . import order_statistics, reductions
from .base import asarray_like, astype, canonicalize_axis
from .indexing import take
from .searching import searchsorted_intp as searchsorted
from .shapes import (_max2, broadcast_to, concatenate, expand_dims, ravel, reshape,
                     slice_along)
from .ufuncs import remainder, subtract

__all__ = ["tile", "repeat", "roll", "pad"]


def tile(A, reps):
    """As ``numpy.tile``.

    >>> tile(np.array([1, 2]), 2)
    array([1, 2, 1, 2])
    """
    A = asarray_like(A)
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    nd = _max2(ndim_of(A), len(reps))
    shape = (1,) * (nd - ndim_of(A)) + tuple(shape_of(A))
    reps = (1,) * (nd - len(reps)) + reps
    A = reshape(A, shape)
    # interleave: (r0, s0, r1, s1, ...) then merge
    expanded = reshape(A, tuple(x for s in shape for x in (1, s)))
    b = broadcast_to(expanded, tuple(x for r, s in zip(reps, shape, strict=True) for x in (r, s)))
    return reshape(b, tuple(r * s for r, s in zip(reps, shape, strict=True)))


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """As ``numpy.repeat``. ``repeats`` must be concrete unless JAX's
    ``total_repeat_length`` fixes the output length: the result is then cut to that
    length, or padded with the last element of ``a`` along ``axis`` (as JAX does).

    >>> repeat(np.array([1, 2]), 2)
    array([1, 1, 2, 2])
    >>> repeat(np.array([1, 2]), 2, total_repeat_length=5)
    array([1, 1, 2, 2, 2])
    """
    a = asarray_like(a)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = canonicalize_axis(axis, ndim_of(a))
    n = shape_of(a)[ax]
    if isinstance(repeats, Tracer):
        if total_repeat_length is None:
            raise ConcretizationTypeError(
                "vmapx.numpy.repeat needs concrete repeats: the output shape depends on "
                "them. Pass a NumPy array or Python int for 'repeats', or give "
                "total_repeat_length=... to fix the output length.")
        reps = broadcast_to(repeats, (n,)) if ndim_of(repeats) == 0 else repeats
        ends = reductions.cumsum(reps)
        idx = searchsorted(ends, np.arange(total_repeat_length), side="right")
        return take(a, ew.minimum_p.bind(idx, max(n - 1, 0)), axis=ax)
    rep = np.asarray(repeats)
    if rep.ndim == 0 and total_repeat_length is None:
        r = int(rep)
        s = shape_of(a)
        e = expand_dims(a, ax + 1)
        b = broadcast_to(e, s[:ax + 1] + (r,) + s[ax + 1:])
        return reshape(b, s[:ax] + (s[ax] * r,) + s[ax + 1:])
    idx = np.repeat(np.arange(n), rep)
    if total_repeat_length is not None:
        length = operator.index(total_repeat_length)
        idx = idx[:length]
        if len(idx) < length:  # JAX pads with the array's last element
            idx = np.concatenate([idx, np.full(length - len(idx), max(n - 1, 0), idx.dtype)])
    return take(a, idx, axis=ax)


def roll(a, shift, axis=None):
    """As ``numpy.roll``; a traced ``shift`` (as JAX allows) becomes a gather.

    >>> roll(np.arange(4), 1)
    array([3, 0, 1, 2])
    >>> import vmapx
    >>> vmapx.vmap(roll)(np.arange(6).reshape(2, 3), np.array([1, -1]))
    array([[2, 0, 1],
           [4, 5, 3]])
    """
    a = asarray_like(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    if isinstance(shift, Tracer) or (type(shift) in (tuple, list)
                                     and any(isinstance(s, Tracer) for s in shift)):
        return _roll_traced(a, shift, axis)
    shifts = (shift,) if isinstance(shift, (int, np.integer)) else tuple(shift)
    for s, ax, n in _roll_steps(a, shifts, axis):
        s = int(s) % n
        if s:
            a = concatenate([slice_along(a, ax, n - s, n), slice_along(a, ax, 0, n - s)], ax)
    return a


def _roll_traced(a, shift, axis):
    """``roll`` with traced shifts: gather ``(arange(n) - shift) % n`` along each axis."""
    if isinstance(shift, Tracer):
        if ndim_of(shift) > 1:
            raise ValueError("roll: shift must be a scalar or 1D sequence")
        shifts = [shift] if ndim_of(shift) == 0 else [shift[i] for i in range(shape_of(shift)[0])]
    else:
        shifts = list(shift)
    for s, ax, n in _roll_steps(a, shifts, axis):
        idx = remainder(subtract(np.arange(n), s), n)
        a = take(a, idx, axis=ax, mode="clip")
    return a


def _roll_steps(a, shifts, axis):
    """``(shift, axis, length)`` per rolled axis of ``a`` (one shift for several axes
    applies to each; empty axes are skipped)."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = tuple(shifts) * len(axes)
    for s, ax in zip(shifts, axes, strict=True):
        ax = canonicalize_axis(ax, ndim_of(a))
        n = shape_of(a)[ax]
        if n:
            yield s, ax, n


_PAD_KWARGS = {"constant": {"constant_values"}, "empty": set(), "edge": set(), "wrap": set(),
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
               "linear_ramp": {"end_values"}, "maximum": {"stat_length"},
               "minimum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"}}


def _as_pairs(x, nd, as_index=False):
    """NumPy's ``_as_pairs``: ``x`` broadcast to one ``(before, after)`` pair per axis.

    Scalars may be traced; sequences must be concrete."""
    if x is None:
        return ((None, None),) * nd
    if isinstance(x, Tracer):
        if ndim_of(x) != 0:
            raise ValueError("vmapx.numpy.pad: a traced pad value must be a scalar")
        return ((x, x),) * nd
    x = np.array(x)
    if as_index:
        if x.dtype.kind not in "iu":
            raise TypeError("`pad_width` must be of integral type.")
        x = x.astype(np.intp)
        if x.size and x.min() < 0:
            raise ValueError("index can't contain negative values")
    if x.ndim < 3:
        if x.size == 1:
            x = x.ravel()
            return ((x[0], x[0]),) * nd
        if x.size == 2 and x.shape != (2, 1):
            x = x.ravel()
            return ((x[0], x[1]),) * nd
    return tuple(tuple(p) for p in np.broadcast_to(x, (nd, 2)))


def _pad_block(a, ax, width, value):
    """``value`` (broadcastable) filling ``width`` positions along ``ax``, in ``a``'s dtype."""
    shape_ = list(shape_of(a))
    shape_[ax] = width
    return broadcast_to(astype(value, dtype_of(a)), tuple(shape_))


def _join(a, ax, left, right):
    parts = [p for p in (left, a, right) if p is not None]
    return concatenate(parts, ax) if len(parts) > 1 else a


def _pad_odd_reflection(a, ax, lo, hi, mode):
    """Odd reflection is linear in the values: NumPy's pad of the identity gives, for each
    output position, the (few) input positions and integer weights it combines."""
    n = shape_of(a)[ax]
    weights = np.pad(np.eye(n, dtype=np.int64), ((lo, hi), (0, 0)), mode=mode,
                     reflect_type="odd")
    k = int(np.max(np.count_nonzero(weights, axis=1)))
    order = np.argsort(weights == 0, axis=1, kind="stable")[:, :k]
    coef = np.take_along_axis(weights, order, axis=1)
    bshape = [1] * ndim_of(a)
    bshape[ax] = lo + n + hi
    out = None
    for j in range(k):
        c = coef[:, j].astype(dtype_of(a)).reshape(bshape)
        term = ew.multiply_p.bind(take(a, order[:, j], axis=ax), c)
        term = ew.where_p.bind((coef[:, j] != 0).reshape(bshape), term, np.zeros((), c.dtype))
        out = term if out is None else ew.add_p.bind(out, term)
    return out


def pad(array, pad_width, mode="constant", **kwargs):
    """As ``numpy.pad``: every NumPy mode ('constant', 'edge', 'wrap', 'reflect' and
    'symmetric' with ``reflect_type``, 'linear_ramp', 'maximum', 'minimum', 'mean',
    'median'; 'empty' pads with zeros). Widths are concrete; a constant value may be
    traced.

    >>> pad(np.array([1, 2]), 1)
    array([0, 1, 2, 0])
    >>> pad(np.array([1.0, 2.0, 4.0]), 2, mode="linear_ramp")
    array([0. , 0.5, 1. , 2. , 4. , 2. , 0. ])
    """
    a = asarray_like(array)
    if callable(mode):
        raise NotImplementedError("vmapx.numpy.pad: a callable mode is not supported; "
                                  "pad with a named mode and adjust the border instead")
    if mode not in _PAD_KWARGS:
        raise ValueError(f"mode {mode!r} is not supported")
    unsupported = set(kwargs) - _PAD_KWARGS[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode {mode!r}: {unsupported}")
    nd = ndim_of(a)
    pw = tuple((int(lo), int(hi)) for lo, hi in _as_pairs(pad_width, nd, as_index=True))
    if nd == 0 or not any(lo or hi for lo, hi in pw):
        return a
    if mode in ("constant", "empty"):
        cv = _as_pairs(kwargs.get("constant_values", 0), nd)
        value = cv[0][0]
        if not isinstance(value, Tracer) and all(p == (value, value) for p in cv):
            return sp.pad_p.bind(a, pad_width=pw, value=np.asarray(value).item())
        for ax, ((lo, hi), (vlo, vhi)) in enumerate(zip(pw, cv, strict=True)):
            a = _join(a, ax, _pad_block(a, ax, lo, vlo) if lo else None,
                      _pad_block(a, ax, hi, vhi) if hi else None)
        return a
    for ax, (lo, hi) in enumerate(pw):
        if shape_of(a)[ax] == 0 and (lo or hi):
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
    if mode in ("reflect", "symmetric") and kwargs.get("reflect_type", "even") == "odd":
        for ax, (lo, hi) in enumerate(pw):
            if lo or hi:
                a = _pad_odd_reflection(a, ax, lo, hi, mode)
        return a
    if mode in ("edge", "wrap", "reflect", "symmetric"):
        if kwargs.get("reflect_type", "even") != "even":
            raise ValueError(f"reflect_type must be 'even' or 'odd', got "
                             f"{kwargs['reflect_type']!r}")
        for ax, (lo, hi) in enumerate(pw):
            if lo or hi:
                idx = np.pad(np.arange(shape_of(a)[ax]), (lo, hi), mode=mode)
                a = take(a, idx, axis=ax)
        return a
    dt = dtype_of(a)
    if mode == "linear_ramp":
        ends = _as_pairs(kwargs.get("end_values", 0), nd)
        calc = np.result_type(dt, 1.0)
        for ax, ((lo, hi), (elo, ehi)) in enumerate(zip(pw, ends, strict=True)):
            n = shape_of(a)[ax]
            ramps = []
            for width, end, edge_at, reverse in ((lo, elo, 0, False), (hi, ehi, n - 1, True)):
                if not width:
                    ramps.append(None)
                    continue
                edge = astype(slice_along(a, ax, edge_at, edge_at + 1), calc)
                end = astype(end, calc)
                t = np.arange(width, dtype=calc).reshape(
                    (1,) * ax + (width,) + (1,) * (nd - ax - 1))
                step = ew.divide_p.bind(ew.subtract_p.bind(edge, end), width)
                ramp = ew.add_p.bind(ew.multiply_p.bind(t, step), end)
                if dt.kind in "iub":
                    ramp = ew.floor_p.bind(ramp)
                ramp = astype(ramp, dt)
                ramps.append(sp.rev_p.bind(ramp, axes=(ax,)) if reverse else ramp)
            a = _join(a, ax, *ramps)
        return a
    stat = {"maximum": reductions.max, "minimum": reductions.min, "mean": reductions.mean,
            "median": order_statistics.median}[mode]
    lengths = _as_pairs(kwargs.get("stat_length"), nd, as_index=True)
    for ax, ((lo, hi), (llo, lhi)) in enumerate(zip(pw, lengths, strict=True)):
        if not (lo or hi):
            continue
        n = shape_of(a)[ax]
        llo = n if llo is None or llo > n else int(llo)
        lhi = n if lhi is None or lhi > n else int(lhi)
        if (llo == 0 or lhi == 0) and mode in ("maximum", "minimum"):
            raise ValueError("stat_length of 0 yields no value for padding")
        blocks = []
        for width, (start, stop) in ((lo, (0, llo)), (hi, (n - lhi, n))):
            if not width:
                blocks.append(None)
                continue
            v = stat(slice_along(a, ax, start, stop), axis=ax, keepdims=True)
            if dt.kind in "iu" and inputs.kind(dtype_of(v)) == "f":
                v = ew.rint_p.bind(v)
            blocks.append(_pad_block(a, ax, width, v))
        a = _join(a, ax, *blocks)
    return a
