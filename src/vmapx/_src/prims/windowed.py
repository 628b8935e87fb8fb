"""Windowed reductions: ``reduce_window_sum``, ``reduce_window_max``,
``reduce_window_min``, ``reduce_window_prod``, and the two linear primitives behind the derivative of
a windowed max/min, ``select_and_gather_add`` and ``select_and_scatter_add``.

Also the window geometry shared with ``conv``: dilating and padding a base
array (``dilate_pad``) and a strided, copy-free view of its windows
(``window_view``).  Every impl is a handful of whole-array NumPy calls: the
windows are an ``as_strided`` view reduced over its trailing axes, no Python
loop over positions or batch.

Each primitive takes, per operand axis, ``window_dimensions``,
``window_strides``, ``padding`` (``(lo, hi)`` pairs; negative crops),
``base_dilation`` and ``window_dilation`` (as ``lax.reduce_window``).  Padding
and the holes of a base dilation never contribute to a window: they hold the
reduction's identity.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import inputs
from ..core import get_aval, Primitive, shape_of, ShapedArray
from ..batching import matchaxis
from . import elementwise as ew

# ------------------------------------------------------------------ geometry


def dilate_dim(n: int, d: int) -> int:
    """Size of an axis of ``n`` elements with ``d - 1`` holes between each two."""
    return 0 if n == 0 else (n - 1) * d + 1


def out_dim(n: int, window: int, stride: int) -> int:
    """Number of windows of size ``window`` at ``stride`` in ``n`` elements."""
    return (n - window) // stride + 1 if n >= window else 0


def windowed_shape(shape, window_dimensions, window_strides, padding, base_dilation,
                   window_dilation, what="reduce_window"):
    """The output shape of a windowed operation over ``shape`` (all axes)."""
    out = []
    for n, w, s, (lo, hi), bd, wd in zip(shape, window_dimensions, window_strides, padding,
                                         base_dilation, window_dilation, strict=True):
        padded = dilate_dim(n, bd) + lo + hi
        if padded < 0:
            raise ValueError(f"{what}: negative padding {(lo, hi)} is larger than the dilated "
                             f"dimension of size {dilate_dim(n, bd)}")
        out.append(out_dim(padded, dilate_dim(w, wd), s))
    return tuple(out)


def dilate_pad(x, lead: int, base_dilation, padding, fill):
    """``x`` with its axes after the first ``lead`` dilated (``fill`` in the
    holes) and padded with ``fill`` (a negative pad crops)."""
    x = np.asarray(x)
    if all(d == 1 for d in base_dilation) and all(lo == 0 and hi == 0 for lo, hi in padding):
        return x
    spatial = x.shape[lead:]
    grown, place, crop = [], [], []
    for n, d, (lo, hi) in zip(spatial, base_dilation, padding, strict=True):
        m = dilate_dim(n, d)
        plo, phi = max(lo, 0), max(hi, 0)
        size = plo + m + phi
        grown.append(size)
        place.append(slice(plo, plo + m, d))
        crop.append(slice(max(-lo, 0), size - max(-hi, 0)))
    out = np.full(x.shape[:lead] + tuple(grown), fill, x.dtype)
    out[(slice(None),) * lead + tuple(place)] = x
    if any(lo < 0 or hi < 0 for lo, hi in padding):
        out = out[(slice(None),) * lead + tuple(crop)]
    return out


def window_view(x, lead: int, window_dimensions, window_strides, window_dilation):
    """A read-only view of shape ``x.shape[:lead] + out_positions + window``:
    element ``[..., p, k]`` is ``x[..., p * stride + k * dilation]``."""
    spatial = x.shape[lead:]
    outs = [out_dim(n, dilate_dim(w, wd), s)
            for n, w, s, wd in zip(spatial, window_dimensions, window_strides, window_dilation,
                                   strict=True)]
    st = x.strides[lead:]
    shape = x.shape[:lead] + tuple(outs) + tuple(window_dimensions)
    strides = (x.strides[:lead] + tuple(a * s for a, s in zip(st, window_strides, strict=True))
               + tuple(a * d for a, d in zip(st, window_dilation, strict=True)))
    if 0 in shape:
        return np.zeros(shape, x.dtype)
    return as_strided(x, shape, strides, writeable=False)


# ------------------------------------------------------------ reductions

_PARAMS = ("window_dimensions", "window_strides", "padding", "base_dilation", "window_dilation")


def identity(kind: str, dtype):
    """The identity of the windowed reduction ``kind`` for ``dtype``."""
    dtype = np.dtype(dtype)
    if kind == "sum":
        return np.zeros((), dtype)
    if kind == "prod":
        return np.ones((), dtype)
    big = kind == "min"
    if inputs.kind(dtype) == "f":
        return np.array(np.inf if big else -np.inf, dtype)
    if dtype.kind == "b":
        return np.array(big, dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.array(info.max if big else info.min, dtype)
    raise TypeError(f"reduce_window_{kind} does not support dtype {dtype.name}")


def _windows(x, kind, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
    x = np.asarray(x)
    xp = dilate_pad(x, 0, base_dilation, padding, identity(kind, x.dtype))
    return window_view(xp, 0, window_dimensions, window_strides, window_dilation)


def _reducer(kind, fn):
    def impl(x, **params):
        v = _windows(x, kind, **params)
        nd = np.ndim(x)
        dt = np.asarray(x).dtype
        kw = {"initial": identity(kind, dt)} if kind in ("max", "min") else {}
        return np.asarray(fn(v, axis=tuple(range(nd, 2 * nd)), **kw), dtype=dt)

    def abstract(a, **params):
        identity(kind, a.dtype)  # raises for unsupported dtypes
        return ShapedArray(windowed_shape(a.shape, *(params[k] for k in _PARAMS)), a.dtype,
                           a.weak_type)

    prim = Primitive(f"reduce_window_{kind}", impl, abstract=abstract)

    def batch(axis, vals, dims, **params):
        (x,), (d,) = vals, dims
        return prim.bind(x, **_with_batch_axis(params, d)), d

    prim.batch = batch
    return prim


def _with_batch_axis(params, d):
    """Window parameters for an operand with an extra (batch) axis at ``d``:
    a window of one, stride one, no padding, no dilation there."""
    out = {}
    for k in _PARAMS:
        v = list(params[k])
        v.insert(d, (0, 0) if k == "padding" else 1)
        out[k] = tuple(v)
    return out


reduce_window_sum_p = _reducer("sum", np.sum)
reduce_window_max_p = _reducer("max", np.max)
reduce_window_min_p = _reducer("min", np.min)
reduce_window_prod_p = _reducer("prod", np.prod)

# ------------------------------------------------ select and gather / scatter
# ``select_and_gather_add(t, x, select, ...)``: per window, the element of ``t``
# at the position where ``x`` is largest (``select='max'``; first one on ties)
# or smallest -- the tangent of a windowed max/min.  Its transpose
# ``select_and_scatter_add(s, x, select, ...)`` adds each window's ``s`` into
# that position (``x``'s shape).  Both are linear in their first operand.


def _selected_flat(x, select, params):
    """Per window, the flat index (into the dilated, padded ``x``) of its
    selected element, and the dilated, padded shape."""
    x = np.asarray(x)
    xp = dilate_pad(x, 0, params["base_dilation"], params["padding"], identity(select, x.dtype))
    nd = x.ndim
    v = window_view(xp, 0, params["window_dimensions"], params["window_strides"],
                    params["window_dilation"])
    out_shape = v.shape[:nd]
    flat = v.reshape(out_shape + (int(np.prod(params["window_dimensions"], dtype=np.int64)),))
    k = (np.argmax if select == "max" else np.argmin)(flat, axis=-1)
    # window offset k -> position: p * stride + k_idx * dilation per axis
    kidx = np.unravel_index(k, params["window_dimensions"]) if nd else ()
    pos = []
    for ax in range(nd):
        p = np.arange(out_shape[ax]).reshape((-1,) + (1,) * (nd - ax - 1))
        pos.append(p * params["window_strides"][ax] + kidx[ax] * params["window_dilation"][ax])
    return np.ravel_multi_index(tuple(pos), xp.shape) if nd else np.zeros((), np.intp), xp.shape


def _select_and_gather_add(t, x, *, select, **params):
    t = np.asarray(t)
    idx, _ = _selected_flat(x, select, params)
    tp = dilate_pad(t, 0, params["base_dilation"], params["padding"], 0)
    return tp.reshape(-1)[idx] if tp.size else np.zeros(np.shape(idx), t.dtype)


def _select_and_scatter_add(s, x, *, select, **params):
    s = np.asarray(s)
    x = np.asarray(x)
    idx, pshape = _selected_flat(x, select, params)
    size = int(np.prod(pshape, dtype=np.int64))
    flat = idx.reshape(-1)
    w = s.reshape(-1)
    if s.dtype.kind == "c":
        full = (np.bincount(flat, w.real, size) + 1j * np.bincount(flat, w.imag, size))
    else:
        full = np.bincount(flat, w, size)
    full = full.astype(s.dtype, copy=False).reshape(pshape)
    # undo padding (negative pads were crops: put zeros back) and dilation
    index, pads = [], []
    for n, d, (lo, hi) in zip(x.shape, params["base_dilation"], params["padding"], strict=True):
        pads.append((max(-lo, 0), max(-hi, 0)))
        start = max(lo, 0)
        index.append(slice(start, start + dilate_dim(n, d), d))
    if any(a or b for a, b in pads):
        full = np.pad(full, pads)
    return full[tuple(index)]


def _sga_abstract(t, x, *, select, **params):
    return ShapedArray(windowed_shape(x.shape, *(params[k] for k in _PARAMS)), t.dtype)


select_and_gather_add_p = Primitive("select_and_gather_add", _select_and_gather_add,
                                    abstract=_sga_abstract)
select_and_scatter_add_p = Primitive(
    "select_and_scatter_add", _select_and_scatter_add,
    abstract=lambda s, x, *, select, **params: ShapedArray(x.shape, s.dtype))


def _select_batch(prim):
    def batch(axis, vals, dims, *, select, **params):
        (a, x), (da, dx) = vals, dims
        d = da if da is not None else dx
        a = matchaxis(a, da, d, axis.size)
        x = matchaxis(x, dx, d, axis.size)
        return prim.bind(a, x, select=select, **_with_batch_axis(params, d)), d
    return batch


select_and_gather_add_p.batch = _select_batch(select_and_gather_add_p)
select_and_scatter_add_p.batch = _select_batch(select_and_scatter_add_p)

# --------------------------------------------------------- differentiation

from ..autodiff import aval_of, is_undefined, linear_jvp  # noqa: E402


def vjp_padding(in_shape, window_dimensions, window_strides, out_shape, padding,
                 base_dilation, window_dilation):
    """Padding of the cotangent convolution that transposes a windowed sum
    (or a convolution) with respect to its operand."""
    pads = []
    for n, w, s, o, (lo, _), bd, wd in zip(in_shape, window_dimensions, window_strides,
                                           out_shape, padding, base_dilation, window_dilation,
                                           strict=True):
        before = dilate_dim(w, wd) - lo - 1
        after = dilate_dim(n, bd) + dilate_dim(w, wd) - 1 - dilate_dim(o, s) - before
        pads.append((before, after))
    return tuple(pads)


def _reduce_window_sum_transpose(ct, x, **params):
    a = aval_of(x)
    pads = vjp_padding(a.shape, params["window_dimensions"], params["window_strides"],
                        shape_of(ct), params["padding"], params["base_dilation"],
                        params["window_dilation"])
    r = reduce_window_sum_p.bind(
        ct, window_dimensions=params["window_dimensions"],
        window_strides=params["base_dilation"], padding=pads,
        base_dilation=params["window_strides"], window_dilation=params["window_dilation"])
    return [r]


reduce_window_sum_p.jvp = linear_jvp(reduce_window_sum_p)
reduce_window_sum_p.transpose = _reduce_window_sum_transpose


def _chooser_jvp(prim, select):
    def jvp(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        out = prim.bind(x, **params)
        return out, select_and_gather_add_p.bind(t, x, select=select, **params)
    return jvp


reduce_window_max_p.jvp = _chooser_jvp(reduce_window_max_p, "max")
reduce_window_min_p.jvp = _chooser_jvp(reduce_window_min_p, "min")


def _reduce_window_prod_jvp(primals, tangents, **params):
    """Exact where ``x`` has zeros: per window, with ``z`` zeros and ``P`` the
    product of its nonzero elements, ``P * sum(t / x)`` if ``z == 0``,
    ``P * (t at the zero)`` if ``z == 1``, else 0."""
    (x,), (t,) = primals, tangents
    out = reduce_window_prod_p.bind(x, **params)
    dt = get_aval(x).dtype
    one, zero = np.ones((), dt), np.zeros((), dt)
    is0 = ew.equal_p.bind(x, zero)
    xs = ew.where_p.bind(is0, one, x)
    wsum = lambda v: reduce_window_sum_p.bind(v, **params)  # noqa: E731
    z = wsum(ew.convert_element_type_p.bind(is0, dtype=np.dtype(np.int64)))
    p = reduce_window_prod_p.bind(xs, **params)
    none_zero = ew.multiply_p.bind(p, wsum(ew.divide_p.bind(ew.where_p.bind(is0, zero, t), xs)))
    one_zero = ew.multiply_p.bind(p, wsum(ew.where_p.bind(is0, t, zero)))
    tan = ew.where_p.bind(ew.equal_p.bind(z, 0), none_zero,
                          ew.where_p.bind(ew.equal_p.bind(z, 1), one_zero, zero))
    return out, tan


reduce_window_prod_p.jvp = _reduce_window_prod_jvp


def _select_jvp(prim):
    """Linear in the first operand; the selection does not move with ``x``."""
    def jvp(primals, tangents, *, select, **params):
        (a, x), (ta, _) = primals, tangents
        out = prim.bind(a, x, select=select, **params)
        return out, None if ta is None else prim.bind(ta, x, select=select, **params)
    return jvp


select_and_gather_add_p.jvp = _select_jvp(select_and_gather_add_p)
select_and_scatter_add_p.jvp = _select_jvp(select_and_scatter_add_p)


def _sga_transpose(ct, t, x, *, select, **params):
    assert is_undefined(t) and not is_undefined(x)
    return [select_and_scatter_add_p.bind(ct, x, select=select, **params), None]


def _ssa_transpose(ct, s, x, *, select, **params):
    assert is_undefined(s) and not is_undefined(x)
    return [select_and_gather_add_p.bind(ct, x, select=select, **params), None]


select_and_gather_add_p.transpose = _sga_transpose
select_and_scatter_add_p.transpose = _ssa_transpose
