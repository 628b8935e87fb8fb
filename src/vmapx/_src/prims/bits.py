"""Bit-level primitives: ``frexp`` (mantissa and exponent), ``bitwise_count``
(population count) and ``bitcast`` (reinterpreting the bytes, ``x.view``).

All three act elementwise (``bitcast`` on the bytes of the last axis), so
their batching rules keep the batch axis where it is; ``bitcast`` between
dtypes of different sizes resizes the last axis, so a batch axis found there
is moved to the front first.
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray
from . import elementwise as ew
from ..batching import bdim_to_front

# ------------------------------------------------------------------------ frexp

_frexp_cache: dict = {}


def _frexp_abstract(a):
    dt = _frexp_cache.get(a.dtype)
    if dt is None:
        dt = _frexp_cache[a.dtype] = np.frexp(np.zeros((), a.dtype))[0].dtype
    return [ShapedArray(a.shape, dt), ShapedArray(a.shape, np.dtype(np.int32))]


frexp_p = Primitive("frexp", lambda x: list(np.frexp(x)), abstract=_frexp_abstract,
                    multiple_results=True)


def _frexp_batch(axis, vals, dims):
    (x,), (d,) = vals, dims
    return frexp_p.bind(x), [d, d]


def _frexp_jvp(primals, tangents):
    """The mantissa is ``x * 2**-e`` with ``e`` locally constant."""
    (x,), (t,) = primals, tangents
    m, e = frexp_p.bind(x)
    if t is None:
        return [m, e], [None, None]
    return [m, e], [ew.ldexp_p.bind(t, ew.negative_p.bind(e)), None]


frexp_p.batch = _frexp_batch
frexp_p.jvp = _frexp_jvp

# ---------------------------------------------------------------- bitwise_count

bitwise_count_p = ew.elementwise("bitwise_count", np.bitwise_count, ew._nondiff)

# ---------------------------------------------------------------------- bitcast


def _bitcast(x, *, dtype):
    x = np.asarray(x)
    if x.ndim and not x.flags.c_contiguous:  # a view to another item size needs it
        x = np.ascontiguousarray(x)
    return x.view(dtype)


def _bitcast_abstract(a, *, dtype):
    dtype = np.dtype(dtype)
    old, new = a.dtype.itemsize, dtype.itemsize
    if old == new:
        return ShapedArray(a.shape, dtype)
    if not a.shape:
        raise ValueError("Changing the dtype of a 0d array is only supported if the itemsize "
                         "is unchanged")
    if (a.shape[-1] * old) % new:
        raise ValueError("When changing to a larger dtype, its size must be a divisor of the "
                         "total size in bytes of the last axis of the array.")
    return ShapedArray(a.shape[:-1] + (a.shape[-1] * old // new,), dtype)


bitcast_p = Primitive("bitcast", _bitcast, abstract=_bitcast_abstract)


def _bitcast_batch(axis, vals, dims, *, dtype):
    (x,), (d,) = vals, dims
    if d == len(x.shape) - 1 and np.dtype(dtype).itemsize != x.dtype.itemsize:
        x, d = bdim_to_front(x, d), 0
    return bitcast_p.bind(x, dtype=dtype), d


def _bitcast_jvp(primals, tangents, *, dtype):
    return bitcast_p.bind(primals[0], dtype=dtype), None


bitcast_p.batch = _bitcast_batch
bitcast_p.jvp = _bitcast_jvp
