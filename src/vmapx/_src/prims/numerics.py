"""Bit-level numeric primitives of ``lax``: ``reduce_precision`` (round a float
to fewer exponent and mantissa bits, keeping its dtype) and ``mulhi`` (the high
half of the double-width integer product).

Both are elementwise (the broadcasting batching rule of the elementwise
family).  ``reduce_precision`` is treated as linear, as JAX does: its tangent
and cotangent are rounded the same way.  ``mulhi`` has a zero derivative
(integers only).
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import ShapedArray
from .elementwise import broadcasting_batch, elementwise, _nondiff

# ------------------------------------------------------------ reduce_precision

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _float_layout(dtype):
    info = np.finfo(dtype)
    return int(info.nexp), int(info.nmant)


def _reduce_precision_real(x, exponent_bits, mantissa_bits):
    exp_src, mant_src = _float_layout(x.dtype)
    ut = _UINT[x.dtype.itemsize]
    bits = x.view(ut).copy()
    one = ut(1)
    if mantissa_bits < mant_src:
        # round to nearest, ties to even, on the kept mantissa bits
        drop = ut(mant_src - mantissa_bits)
        last_kept = one << drop
        bias = ((bits & last_kept) >> drop) + ((last_kept >> one) - one)
        bits = (bits + bias) & ~(last_kept - one)
    if exponent_bits < exp_src:
        src_bias = (1 << (exp_src - 1)) - 1
        dst_bias = (1 << (exponent_bits - 1)) - 1
        exp_mask = ut(((1 << exp_src) - 1) << mant_src)
        sign = bits & ut(1 << (exp_src + mant_src))
        exponent = bits & exp_mask
        over = exponent > ut((src_bias + dst_bias) << mant_src)
        under = exponent <= ut((src_bias - dst_bias) << mant_src)
        bits = np.where(over, sign | exp_mask, np.where(under, sign, bits)).astype(ut)
    return np.where(np.isnan(x), x, bits.view(x.dtype))  # NaN stays NaN


def _reduce_precision(x, *, exponent_bits, mantissa_bits):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        re = _reduce_precision_real(x.real.copy(), exponent_bits, mantissa_bits)
        im = _reduce_precision_real(x.imag.copy(), exponent_bits, mantissa_bits)
        return (re + 1j * im).astype(x.dtype)
    return _reduce_precision_real(x.copy(), exponent_bits, mantissa_bits)


def _reduce_precision_abstract(a, *, exponent_bits, mantissa_bits):
    if not inputs.is_inexact(a.dtype):
        raise TypeError(f"reduce_precision does not accept dtype {a.dtype.name}. Accepted "
                        "dtypes are subtypes of floating, complexfloating.")
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError(f"reduce_precision: exponent_bits must be positive and "
                         f"mantissa_bits non-negative, got {exponent_bits}, {mantissa_bits}")
    return ShapedArray(a.shape, a.dtype, a.weak_type)


reduce_precision_p = elementwise("reduce_precision", _reduce_precision)
reduce_precision_p.abstract = _reduce_precision_abstract
reduce_precision_p.batch = broadcasting_batch(reduce_precision_p)


def _reduce_precision_jvp(primals, tangents, **params):
    (x,), (t,) = primals, tangents
    out = reduce_precision_p.bind(x, **params)
    return out, None if t is None else reduce_precision_p.bind(t, **params)


reduce_precision_p.jvp = _reduce_precision_jvp
reduce_precision_p.transpose = lambda ct, x, **params: [reduce_precision_p.bind(ct, **params)]

# ----------------------------------------------------------------------- mulhi

_WIDER = {np.dtype(np.int8): np.int16, np.dtype(np.int16): np.int32,
          np.dtype(np.int32): np.int64, np.dtype(np.uint8): np.uint16,
          np.dtype(np.uint16): np.uint32, np.dtype(np.uint32): np.uint64}


def _mulhi_u64(a, b):
    lo32 = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    a_lo, a_hi = a & lo32, a >> s32
    b_lo, b_hi = b & lo32, b >> s32
    lo_lo, hi_lo, lo_hi, hi_hi = a_lo * b_lo, a_hi * b_lo, a_lo * b_hi, a_hi * b_hi
    cross = (lo_lo >> s32) + (hi_lo & lo32) + lo_hi
    return hi_hi + (hi_lo >> s32) + (cross >> s32)


def _mulhi(x, y):
    x, y = np.asarray(x), np.asarray(y)
    dt = np.result_type(x, y)
    if dt.kind not in "iu":
        raise TypeError(f"mulhi does not accept dtype {dt.name}. Accepted dtypes are subtypes "
                        "of integer.")
    x, y = x.astype(dt), y.astype(dt)
    bits = dt.itemsize * 8
    if dt in _WIDER:
        w = _WIDER[dt]
        return ((x.astype(w) * y.astype(w)) >> bits).astype(dt)
    with np.errstate(over="ignore"):
        ux, uy = x.astype(np.uint64), y.astype(np.uint64)
        hi = _mulhi_u64(ux, uy)
        if dt.kind == "i":  # two's complement correction of the unsigned product
            hi = hi - np.where(x < 0, uy, np.uint64(0)) - np.where(y < 0, ux, np.uint64(0))
    return hi.astype(dt)


mulhi_p = elementwise("mulhi", _mulhi, _nondiff)
