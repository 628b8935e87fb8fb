"""``vmapx.random``'s raw samplers: ``bits``, ``uniform``, ``randint``,
``bernoulli`` and ``rademacher`` (JAX's exact streams).
"""
from __future__ import annotations


import numpy as _np

from .. import inputs as _inputs
from .. import numpy_api as _jnp
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from .keys import (_INT, _INT32, _UINT, _broadcast_to, _canonical_shape, _check_key, _check_shape,
                   _default_typed, _float_dtype, _is_array, _out, _random_bits,
                   _split, key)

__all__ = ["bits", "uniform", "randint", "bernoulli", "rademacher"]


# ------------------------------------------------------------------ raw samplers


def bits(key, shape=(), dtype=None):
    """Uniform random bits as unsigned integers (default ``uint64``, as JAX with x64).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.bits(random.PRNGKey(0), (2,))
    array([7719171245655871230, 3989946895414531357], dtype=uint64)
    >>> random.bits(random.PRNGKey(0), (3,), np.uint32)
    array([4070199207, 4202968722, 1427181096], dtype=uint32)
    """
    key = _check_key("bits", key)
    dtype = _np.dtype(_UINT[64] if dtype is None else dtype)
    if dtype.kind != "u":
        raise ValueError(f"dtype argument to `bits` must be an unsigned int dtype, got {dtype}")
    return _out(_random_bits(key, dtype.itemsize * 8, _canonical_shape(shape)))


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in ``[minval, maxval)`` (default dtype ``float64``).

    The mantissa of each value is filled with random bits, as in JAX, so the
    values are JAX's (``float64`` ones as with ``jax_enable_x64``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.uniform(random.PRNGKey(0), (3,))
    array([0.41845711, 0.21629545, 0.96532146])
    >>> random.uniform(random.PRNGKey(0), (2,), np.float64, minval=-1.0, maxval=1.0)
    array([-0.16308578, -0.56740909])
    """
    key = _check_key("uniform", key)
    dtype = _float_dtype("uniform", dtype)
    return _out(_uniform(key, _canonical_shape(shape), dtype, minval, maxval))


def _uniform(key, shape, dtype, minval, maxval, fused=True):
    finfo = _np.finfo(dtype)
    nbits, nmant = finfo.bits, finfo.nmant
    minval = _jnp.astype(minval, dtype)
    maxval = _jnp.astype(maxval, dtype)
    _check_shape("uniform", shape, _shape_of(minval), _shape_of(maxval))
    raw = _random_bits(key, nbits, shape)
    # JAX ORs the top ``nmant`` bits into the mantissa of 1.0 and subtracts 1;
    # the same value, exactly, is that integer times 2**-nmant.
    floats = _jnp.multiply(_jnp.astype(_jnp.right_shift(raw, nbits - nmant), dtype),
                          _np.asarray(2.0 ** -nmant, dtype))
    if _is_concrete_value(minval, 0.0) and _is_concrete_value(maxval, 1.0):
        return floats
    # XLA fuses the scale and shift into one fused multiply-add for 32- and
    # 64-bit floats (float16 rounds after each operation).  Callers whose span
    # is a power of two (so the product is exact) pass ``fused=False``.
    span = _jnp.subtract(maxval, minval)
    scaled = (_fma(floats, span, minval) if fused and nbits >= 32
              else _jnp.add(_jnp.multiply(floats, span), minval))
    return _jnp.maximum(minval, scaled)


def _is_concrete_value(x, value):
    return isinstance(x, (_np.ndarray, _np.generic)) and x.size == 1 and bool(x == value)


def _two_sum(a, b):
    """``(s, e)`` with ``s = fl(a + b)`` and ``s + e == a + b`` exactly (Knuth)."""
    s = _jnp.add(a, b)
    bb = _jnp.subtract(s, a)
    return s, _jnp.add(_jnp.subtract(a, _jnp.subtract(s, bb)), _jnp.subtract(b, bb))


def _split_halves(x, splitter):
    """Veltkamp's split: ``x == hi + lo`` with each half of the significand."""
    t = _jnp.multiply(x, splitter)
    hi = _jnp.subtract(t, _jnp.subtract(t, x))
    return hi, _jnp.subtract(x, hi)


def _fma(a, b, c):
    """``a * b + c`` rounded once, in ``a``'s float dtype, from ordinary float
    operations: Dekker's exact product, then Boldo and Melquiond's correctly
    rounded three-term sum (round-to-odd on the small terms)."""
    dtype = _dtype_of(a)
    half = (_np.finfo(dtype).nmant + 2) // 2
    splitter = _np.asarray(2.0 ** half + 1.0, dtype)
    with _np.errstate(over="ignore", invalid="ignore"):
        uh = _jnp.multiply(a, b)
        ah, al = _split_halves(a, splitter)
        bh, bl = _split_halves(b, splitter)
        ul = _jnp.add(_jnp.add(_jnp.add(_jnp.subtract(_jnp.multiply(ah, bh), uh),
                                     _jnp.multiply(ah, bl)), _jnp.multiply(al, bh)),
                     _jnp.multiply(al, bl))  # uh + ul == a * b exactly
        th, tl = _two_sum(c, uh)
        vh, vl = _two_sum(tl, ul)
        # v = vh rounded to odd: an inexact vh with an even last bit steps toward vl.
        mag = _jnp.abs(vh)
        even = _jnp.equal(_jnp.remainder(_jnp.divide(mag, _jnp.spacing(mag)), 2.0), 0.0)
        step = _jnp.nextafter(vh, _jnp.where(_jnp.greater(vl, 0.0), _np.asarray(_np.inf, dtype),
                                           _np.asarray(-_np.inf, dtype)))
        v = _jnp.where(_jnp.logical_and(_jnp.not_equal(vl, 0.0), even), step, vh)
        out = _jnp.add(th, v)
        # Overflowing or non-finite operands: the plain expression has the same value.
        return _jnp.where(_jnp.isfinite(out), out, _jnp.add(uh, c))


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in ``[minval, maxval)`` (default dtype ``int64``).

    JAX's algorithm (two words of random bits per value, reduced modulo the
    span), so the values are JAX's.  Python-int bounds are int64 (OverflowError
    outside that range); NumPy bounds keep their dtype; both are clipped to the
    range of ``dtype``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.randint(random.PRNGKey(0), (5,), 0, 10)
    array([5, 1, 5, 7, 3])
    >>> random.randint(random.PRNGKey(0), (5,), 0, 10, np.int32)
    array([9, 0, 2, 3, 1], dtype=int32)
    """
    key = _check_key("randint", key)
    dtype = _np.dtype(_INT if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dtype}")
    shape = _canonical_shape(shape)
    minval, maxval = _int_bound(minval), _int_bound(maxval)
    info = _np.iinfo(dtype)
    sampling = dtype
    if info.bits < 32:
        # Sample in 32 bits, to keep the modulo bias small.
        sampling = _INT32
        minval = _jnp.clip(_jnp.astype(minval, _INT32), int(info.min), int(info.max))
        maxval = _jnp.clip(_jnp.astype(maxval, _INT32), int(info.min), int(info.max) + 1)
    return _out(_jnp.astype(_randint(key, shape, minval, maxval, sampling), dtype))


def _int_bound(val):
    """A ``randint`` bound as an integer array: Python numbers in JAX's x64
    types; non-integers truncated (``astype``) to int64, or int32 from 32 bits."""
    if not _is_array(val):
        val = _default_typed(val)
    dtype = _dtype_of(val)
    if dtype.kind not in "iu":
        val = _jnp.astype(val, _INT if dtype.itemsize == 8 else _INT32)
    return val


def _convert_and_clip(val, dtype):
    """Integer ``val`` in ``dtype``, clipped to its range instead of wrapped."""
    src, dst = _np.iinfo(_dtype_of(val)), _np.iinfo(dtype)
    lo, hi = max(int(src.min), int(dst.min)), min(int(src.max), int(dst.max))
    return _jnp.astype(_jnp.clip(val, lo, hi), dtype)


def _urem(x, span):
    """``x % span`` with XLA's unsigned semantics (``x % 0 == x``)."""
    zero = _jnp.equal(span, 0)
    return _jnp.where(zero, x, _jnp.remainder(x, _jnp.where(zero, 1, span)))


def _randint(key, shape, minval, maxval, dtype):
    _check_shape("randint", shape, _shape_of(minval), _shape_of(maxval))
    minval, maxval = _jnp.asarray(minval), _jnp.asarray(maxval)
    info = _np.iinfo(dtype)
    # Wrapping integer arithmetic below: keep every operand an array of rank >= 1
    # (NumPy warns on overflow only for scalars).
    work = shape or (1,)
    maxval_out_of_range = _jnp.greater(
        maxval, _convert_and_clip(_np.asarray(info.max, dtype), _dtype_of(maxval)))
    minval = _broadcast_to(_convert_and_clip(minval, dtype), work)
    maxval = _broadcast_to(_convert_and_clip(maxval, dtype), work)
    k1, k2 = _split(key)
    nbits = info.bits
    higher = _random_bits(k1, nbits, work)
    lower = _random_bits(k2, nbits, work)
    udtype = _UINT[nbits]
    span = _jnp.astype(_jnp.subtract(maxval, minval), udtype)
    # maxval <= minval gives span 1 (minval is returned); a maxval beyond the
    # dtype's range makes the span one larger (wrapping to 0 for the full range,
    # where the remainders below then have no effect).
    span = _jnp.where(_jnp.less_equal(maxval, minval), _np.asarray(1, udtype), span)
    span = _jnp.where(_jnp.logical_and(maxval_out_of_range, _jnp.greater(maxval, minval)),
                     _jnp.add(span, _np.asarray(1, udtype)), span)
    # (hi * 2**nbits + lo) % span, without overflow: 2**nbits % span by squaring.
    multiplier = _urem(_np.asarray(2 ** (nbits // 2), udtype), span)
    multiplier = _urem(_jnp.multiply(multiplier, multiplier), span)
    offset = _jnp.add(_jnp.multiply(_urem(higher, span), multiplier), _urem(lower, span))
    offset = _urem(offset, span)
    out = _jnp.add(minval, _jnp.astype(offset, dtype))
    return out if shape else _jnp.reshape(out, ())

def bernoulli(key, p=0.5, shape=None, mode="low"):
    """Booleans that are ``True`` with probability ``p`` (``uniform < p``).

    The uniform values have ``p``'s float dtype: float64 for a Python float (as
    JAX with x64), float32 for a float32 ``p``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.bernoulli(random.PRNGKey(0), 0.5, (4,))
    array([ True,  True, False, False])
    >>> random.bernoulli(random.PRNGKey(0), np.array([0.1, 0.9]))
    array([False,  True])
    """
    if shape is not None:
        shape = _canonical_shape(shape)
    if mode not in ("high", "low"):
        raise ValueError(f"got mode={mode!r}, expected 'high' or 'low'")
    key = _check_key("bernoulli", key)
    p = _default_typed(p)
    dtype = _dtype_of(p)
    if _inputs.kind(dtype) != "f":
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dtype}.")
    if shape is None:
        shape = tuple(_shape_of(p))
    else:
        _check_shape("bernoulli", shape, _shape_of(p))
    if mode == "high":
        u = _uniform(key, (2,) + shape, dtype, 0.0, 1.0)
        u2 = _jnp.multiply(u[1], 2.0 ** -int(_np.finfo(dtype).nmant))
        return _out(_jnp.less(u2, _jnp.subtract(p, u[0])))
    return _out(_jnp.less(_uniform(key, shape, dtype, 0.0, 1.0), p))

def rademacher(key, shape=(), dtype=None):
    """Random signs, -1 or +1 with equal probability (int64 by default).

    >>> from vmapx import random
    >>> random.rademacher(random.PRNGKey(0), (6,))
    array([ 1,  1, -1, -1, -1,  1])
    """
    key = _check_key("rademacher", key)
    dtype = _np.dtype(_INT if dtype is None else dtype)
    b = _jnp.astype(bernoulli(key, 0.5, _canonical_shape(shape)), dtype)
    return _out(_jnp.astype(_jnp.subtract(_jnp.multiply(2, b), 1), dtype))
