"""``vmapx.random``: JAX's explicit-key pseudo-random numbers, on NumPy.

This module owns the public PRNG API: key construction (``key``, ``PRNGKey``),
key derivation (``split``, ``fold_in``) and the samplers.  Every random bit
comes from one primitive, ``threefry2x32`` (``_src/prims/random_bits.py``);
the samplers are built from it and the ordinary array primitives, so they work
under ``vmap`` (and every other transform) with no special case: a batch of
keys is a batch of cipher inputs, and the cipher runs once on the whole batch.

Compatibility with JAX (``jax_default_prng_impl='threefry2x32'`` and the
default ``jax_threefry_partitionable=True`` of JAX 0.10):

* ``key``/``PRNGKey``, ``split``, ``fold_in``, ``bits``, ``uniform``,
  ``randint``, ``bernoulli``, ``permutation`` and ``choice`` without ``p``
  give JAX's values bit for bit; ``normal`` and the other float samplers
  (``gamma``, ``beta``, ``dirichlet`` included) agree to float rounding (the
  inverse error function is XLA's polynomial), so ``categorical`` and
  ``choice`` with ``p`` draw JAX's indices except where a last-bit difference
  decides.
* Defaults are JAX's with ``jax_enable_x64=True``, vmapx's one dtype model:
  float samplers give ``float64``, ``randint`` and indices (``permutation`` of
  an int, ``choice``, ``categorical``, ``rademacher``, ``geometric``) give
  ``int64``, ``bits`` gives ``uint64`` and keys stay ``uint32``.  Python
  numbers, and lists of them, passed as parameters are int64, float64 or
  complex128.  A Python-int seed is a 64-bit seed, bit-cast to its two 32-bit
  words (``PRNGKey(-1)`` is ``[0xFFFFFFFF, 0xFFFFFFFF]``; an int outside the
  int64 range raises OverflowError).
* An explicit 32-bit dtype gives JAX's 32-bit values (the same in both of
  JAX's modes); NumPy arrays keep their dtype, so float32 parameters (``p``,
  ``logits``) sample in float32, and a narrower integer seed is sign-extended
  to 32 bits under a zero high word.

Keys are raw key data: ``uint32`` arrays of shape ``(2,)`` (JAX's legacy
``PRNGKey`` representation).  ``key(seed)`` returns the same raw array, since
NumPy has no typed key arrays; ``key_data`` and ``wrap_key_data`` convert
between the two views, both of which are that array.  A batch of keys is an
array of shape ``(..., 2)`` -- map over it with ``vmap``:

>>> import numpy as np, vmapx
>>> from vmapx import random
>>> keys = random.split(random.PRNGKey(0), 3)
>>> vmapx.vmap(lambda k: random.uniform(k, (2,)))(keys)
array([[0.969948  , 0.31518186],
       [0.08062437, 0.92394884],
       [0.65192226, 0.87954519]])
>>> random.uniform(keys[0], (2,), np.float32)
array([0.8423141 , 0.18237865], dtype=float32)
"""
import math as _math
import operator as _operator
from collections.abc import Sequence as _Sequence

import numpy as _np

from . import lax as _lax, numpy as _jnp
from ._src.api import vmap as _vmap
from ._src.custom_derivatives import custom_jvp as _custom_jvp
from ._src.core import (Tracer as _Tracer, dtype_of as _dtype_of, finish_output as _finish_output,
                        shape_of as _shape_of)
from ._src.jnp.base import canonicalize_axis as _canonicalize_axis
from ._src.prims.random_bits import threefry2x32_p as _threefry2x32_p

__all__ = ["PRNGKey", "key", "key_data", "wrap_key_data", "key_impl", "clone", "split",
           "fold_in", "bits", "uniform", "randint", "normal", "truncated_normal",
           "multivariate_normal", "bernoulli", "categorical", "gumbel", "choice",
           "permutation", "exponential", "gamma", "loggamma", "beta", "dirichlet", "cauchy",
           "laplace", "logistic", "rademacher", "pareto", "weibull_min", "rayleigh", "maxwell",
           "double_sided_maxwell", "lognormal", "geometric", "triangular", "wald", "orthogonal"]

_U32 = _np.dtype(_np.uint32)
_UINT = {8: _np.dtype(_np.uint8), 16: _np.dtype(_np.uint16), 32: _U32,
         64: _np.dtype(_np.uint64)}
_IMPL = "threefry2x32"
_INT32 = _np.dtype(_np.int32)
_INT = _np.dtype(_np.int64)      # JAX's default int and float with jax_enable_x64
_FLOAT = _np.dtype(_np.float64)
# JAX's x64 dtype for Python numbers of each kind.
_DEFAULT_OF_KIND = {"i": _INT, "u": _INT, "O": _INT, "f": _FLOAT,
                    "c": _np.dtype(_np.complex128)}

# ---------------------------------------------------------------------- helpers


def _is_array(x):
    return isinstance(x, (_np.ndarray, _np.generic, _Tracer))


def _default_typed(x):
    """``x`` as an array.  Arrays and NumPy scalars keep their dtype; Python
    numbers and lists of them take JAX's x64 types, as ``jax.numpy.asarray``:
    int64 (OverflowError outside its range), float64, complex128."""
    if _is_array(x):
        return x
    arr = _jnp.asarray(x)
    dtype = _dtype_of(arr)
    target = _DEFAULT_OF_KIND.get(dtype.kind, dtype)
    if target == dtype:
        return arr
    if target == _INT and isinstance(arr, _np.ndarray) and arr.size:
        info = _np.iinfo(_INT)
        lo, hi = int(arr.min()), int(arr.max())
        if lo < info.min or hi > info.max:
            raise OverflowError(
                f"Python int {lo if lo < info.min else hi} too large to convert to int64")
    return _jnp.astype(arr, target)


def _out(x):
    """Concrete results leave as writeable ``vmapx.Array``s (NumPy scalars as 0-d
    arrays); traced ones as they are."""
    return _finish_output(x)


def _canonical_shape(shape) -> tuple:
    """An int or a sequence of ints as a shape tuple (JAX's rules and wording)."""
    if isinstance(shape, (int, _np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        out = tuple(_operator.index(d) for d in shape)
    except TypeError:
        raise TypeError("Shapes must be 1D sequences of concrete values of integer type, "
                        f"got {shape!r}.") from None
    if any(d < 0 for d in out):
        raise ValueError(f"negative dimensions are not allowed, got shape {out}")
    return out


def _check_shape(name, shape, *param_shapes):
    if param_shapes:
        got = _np.broadcast_shapes(shape, *param_shapes)
        if tuple(got) != tuple(shape):
            raise ValueError(
                f"{name} parameter shapes must be broadcast-compatible with shape argument, "
                "and the result of broadcasting the shapes must equal the shape argument, "
                f"but got result {tuple(got)} for shape argument {tuple(shape)}.")


def _check_key_data(data):
    """``data`` as an array of raw threefry keys (``uint32[..., 2]``), or an error."""
    if not isinstance(data, (_np.ndarray, _np.generic, _Tracer)):
        if not (hasattr(data, "__array__") and hasattr(data, "dtype")):
            raise TypeError(f"unexpected PRNG key type {type(data)}")
        data = _np.asarray(data)
    shape, dtype = _shape_of(data), _dtype_of(data)
    if dtype != _U32:
        raise TypeError("vmapx encountered invalid PRNG key data: expected key_data.dtype = "
                        f"uint32; got dtype={dtype}")
    if tuple(shape[-1:]) != (2,):
        raise TypeError("vmapx encountered invalid PRNG key data: expected key_data.shape "
                        f"to end with (2,); got shape={tuple(shape)} for impl={_IMPL}")
    return data


def _check_key(name, key):
    """One raw key (``uint32[2]``); batches of keys are for ``vmap``."""
    key = _check_key_data(key)
    if len(_shape_of(key)) != 1:
        raise ValueError(f"{name} accepts a single key, but was given a key array of shape "
                         f"{tuple(_shape_of(key))} != (). Use vmapx.vmap for batching.")
    return key


def _check_impl(impl):
    if impl is not None and impl != _IMPL:
        raise ValueError(f'unrecognized PRNG implementation "{impl}". vmapx implements '
                         f'only "{_IMPL}".')


def _float_dtype(name, dtype, kinds="f", what="a float dtype"):
    dtype = _np.dtype(_FLOAT if dtype is None else dtype)
    if dtype.kind not in kinds:
        raise ValueError(f"dtype argument to `{name}` must be {what}, got {dtype}")
    return dtype


def _iota_2x32(shape):
    """Counters ``0 .. prod(shape)-1`` in C order, as (high, low) uint32 words."""
    count = _np.arange(_math.prod(shape), dtype=_np.uint64).reshape(shape)
    return (count >> _np.uint64(32)).astype(_U32), count.astype(_U32)


def _hash_counters(key, shape):
    """The threefry pair for every counter of ``shape``: two ``uint32[shape]``."""
    hi, lo = _iota_2x32(shape)
    return _threefry2x32_p.bind(key[0], key[1], hi, lo)


def _split(key, shape=(2,)):
    b1, b2 = _hash_counters(key, shape)
    return _jnp.stack([b1, b2], axis=-1)


def _random_bits(key, bit_width, shape):
    """``bit_width``-bit unsigned random integers of ``shape`` (JAX's partitionable
    threefry stream: one cipher call per element, on its flat index)."""
    b1, b2 = _hash_counters(key, shape)
    if bit_width == 64:
        u64 = _UINT[64]
        return _jnp.bitwise_or(_jnp.left_shift(_jnp.astype(b1, u64), 32), _jnp.astype(b2, u64))
    bits_ = _jnp.bitwise_xor(b1, b2)
    return bits_ if bit_width == 32 else _jnp.astype(bits_, _UINT[bit_width])


def _broadcast_to(x, shape):
    return x if tuple(_shape_of(x)) == tuple(shape) else _jnp.broadcast_to(x, shape)


# ------------------------------------------------------------------------- keys


def _seed_to_key(ctor, seed):
    if isinstance(seed, (list, tuple)) or (
            hasattr(seed, "shape") and len(_shape_of(seed)) != 0):
        raise TypeError(f"{ctor} accepts a scalar seed, but was given an array of shape "
                        f"{_np.shape(seed) if not isinstance(seed, _Tracer) else seed.shape} "
                        "!= (). Use vmapx.vmap for batching")
    given = seed
    if isinstance(seed, int):
        # JAX with x64: a Python int (or bool) is an int64 seed (an OverflowError
        # beyond that range), bit-cast to its two 32-bit words, high word first.
        bits64 = int(_np.int64(seed)) & 0xFFFFFFFFFFFFFFFF
        return _out(_np.array([bits64 >> 32, bits64 & 0xFFFFFFFF], _U32))
    if not isinstance(seed, (_np.ndarray, _np.generic, _Tracer)):
        seed = _np.asarray(seed)
        if seed.dtype.kind not in "biufc":
            raise TypeError(f"Value {given!r} with dtype {seed.dtype} is not a valid seed. "
                            "Only arrays of numeric types are supported.")
    dtype = _dtype_of(seed)
    if dtype.kind not in "iu":
        raise TypeError(f"PRNG key seed must be an integer; got {given!r}")
    # A 64-bit seed is bit-cast to its two 32-bit words (high word first); a
    # narrower one is taken as 32 bits (sign-extended) under a zero high word.
    lo = _jnp.astype(seed, _U32)
    if dtype.itemsize == 8:
        hi = _jnp.astype(_jnp.right_shift(_jnp.astype(seed, _np.uint64), 32), _U32)
    else:
        hi = _np.zeros((), _U32)
    return _out(_jnp.stack([hi, lo]))


def PRNGKey(seed, *, impl=None):  # noqa: N802  (JAX's name)
    """A PRNG key (raw ``uint32[2]`` key data) from an integer seed.

    A Python int, or a NumPy ``int64``/``uint64``, is a 64-bit seed bit-cast
    to its two 32-bit words, as JAX's key with ``jax_enable_x64``; Python ints
    outside the int64 range raise OverflowError.  A narrower NumPy integer is
    sign-extended to 32 bits under a zero high word.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.PRNGKey(42)
    array([ 0, 42], dtype=uint32)
    >>> random.PRNGKey(-1)
    array([4294967295, 4294967295], dtype=uint32)
    >>> random.PRNGKey(2**32 + 7)
    array([1, 7], dtype=uint32)
    >>> random.PRNGKey(np.int32(-1))
    array([         0, 4294967295], dtype=uint32)
    """
    _check_impl(impl)
    return _seed_to_key("PRNGKey", seed)


def key(seed, *, impl=None, dtype=None):
    """A PRNG key from an integer seed, as ``jax.random.key``.

    NumPy has no typed key arrays, so the key is represented by its raw key
    data, exactly what ``PRNGKey`` returns (``key_data`` is the identity on it);
    seeds are read as by ``PRNGKey``.

    >>> from vmapx import random
    >>> random.key(3)
    array([0, 3], dtype=uint32)
    """
    if dtype is not None:
        if impl is not None:
            raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                             "vmapx.random.key")
        impl = dtype
    _check_impl(impl)
    return _seed_to_key("key", seed)


def key_data(keys):
    """The raw ``uint32[..., 2]`` data of a key or an array of keys.

    Keys are represented by their data, so this checks and returns ``keys``.

    >>> from vmapx import random
    >>> random.key_data(random.key(7))
    array([0, 7], dtype=uint32)
    """
    return _check_key_data(keys)


def wrap_key_data(key_bits_array, *, impl=None, dtype=None):
    """Keys from raw key data (``uint32[..., 2]``): checks and returns it.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.wrap_key_data(np.array([0, 7], np.uint32))
    array([0, 7], dtype=uint32)
    """
    if dtype is not None:
        if impl is not None:
            raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                             "vmapx.random.wrap_key_data")
        impl = dtype
    _check_impl(impl)
    return _check_key_data(key_bits_array)


def key_impl(keys):
    """The name of the PRNG implementation of ``keys`` (always ``'threefry2x32'``).

    >>> from vmapx import random
    >>> random.key_impl(random.key(0))
    'threefry2x32'
    """
    _check_key_data(keys)
    return _IMPL


def clone(key):
    """A copy of ``key`` (keys are immutable values; provided for JAX parity).

    >>> from vmapx import random
    >>> random.clone(random.key(1))
    array([0, 1], dtype=uint32)
    """
    key = _check_key_data(key)
    return _out(key.copy()) if isinstance(key, _np.ndarray) else key


def split(key, num=2):
    """Split a key into ``num`` new keys (``num`` may be a shape tuple).

    Returns keys of shape ``(num, 2)`` (or ``num + (2,)``), as ``jax.random.split``.

    >>> from vmapx import random
    >>> random.split(random.PRNGKey(0))
    array([[1797259609, 2579123966],
           [ 928981903, 3453687069]], dtype=uint32)
    """
    key = _check_key("split", key)
    shape = tuple(num) if isinstance(num, _Sequence) else (_operator.index(num),)
    return _out(_split(key, _canonical_shape(shape)))


def fold_in(key, data):
    """A new key from ``key`` and a 32-bit integer ``data``, as ``jax.random.fold_in``.

    >>> from vmapx import random
    >>> random.fold_in(random.PRNGKey(0), 7)
    array([2716826189,  292468403], dtype=uint32)
    """
    key = _check_key("fold_in", key)
    if len(_shape_of(data)):
        raise TypeError("fold_in accepts a scalar, but was given an array of shape "
                        f"{tuple(_shape_of(data))} != (). Use vmapx.vmap for batching.")
    if isinstance(data, _Tracer):
        data = _jnp.astype(data, _U32)
    else:
        data = _np.asarray(data, dtype=_U32)  # OverflowError for out-of-range Python ints
    # The seed of a uint32 is (0, data); one cipher call on that counter pair.
    y1, y2 = _threefry2x32_p.bind(key[0], key[1], _np.zeros((), _U32), data)
    return _out(_jnp.stack([y1, y2]))


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


# ------------------------------------------------ special functions (XLA's kernels)

_ERFINV32 = (  # Giles' single-precision erfinv (w = -log1p(-x*x)), as XLA / JAX
    (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
    (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682))
_ERFINV64 = (  # Giles' double-precision erfinv: w < 6.25, w < 16, w >= 16
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221))
# Cephes erf / erfc (double precision), as XLA's f64 kernels.
_ERF_T = (9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3,
          7.00332514112805075473E3, 5.55923013010394962768E4)
_ERF_U = (1.0, 3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3,
          2.26290000613890934246E4, 4.92673942608635921086E4)
_ERFC_P = (2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
           4.86371970985681366614E1, 1.96520832956077098242E2, 5.26445194995477358631E2,
           9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2)
_ERFC_Q = (1.0, 1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2,
           9.75708501743205489753E2, 1.82390916687909736289E3, 2.24633760818710981792E3,
           1.65666309194161350182E3, 5.57535340817727675546E2)
_ERFC_R = (5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
           6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0)
_ERFC_S = (1.0, 2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
           1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0)
_MAXLOG = 7.09782712893383996843E2


def _horner(x, coeffs):
    """``coeffs[0] * x**(n-1) + ... + coeffs[-1]`` in ``x``'s dtype."""
    p = _jnp.add(_jnp.multiply(x, coeffs[0]), coeffs[1])
    for c in coeffs[2:]:
        p = _jnp.add(_jnp.multiply(p, x), c)
    return p


def _erf_inv_tail(w, wide):
    """The erfinv polynomial beyond the central region (``w`` past its bound)."""
    sw = _jnp.sqrt(w)
    if wide:
        _, c2, c3 = _ERFINV64
        return _jnp.where(_jnp.less(w, 16.0), _horner(_jnp.subtract(sw, 3.25), c2),
                         _horner(_jnp.subtract(sw, 5.0), c3))
    return _horner(_jnp.subtract(sw, 3.0), _ERFINV32[1])


def _erf_inv(x):
    """Inverse error function (XLA's polynomial kernels; float32 math below 64 bits)."""
    dtype = _dtype_of(x)
    wide = dtype == _np.float64
    if not wide:
        x = _jnp.astype(x, _np.float32)
    bound, center, coeffs = (6.25, 3.125, _ERFINV64[0]) if wide else (5.0, 2.5, _ERFINV32[0])
    with _np.errstate(divide="ignore", invalid="ignore"):
        w = _jnp.negative(_jnp.log1p(_jnp.multiply(x, _jnp.negative(x))))
        p = _horner(_jnp.subtract(w, center), coeffs)
        if isinstance(w, _np.ndarray):
            # Concrete values: the tail polynomials only where they apply (|x| near 1);
            # the same elementwise operations as the traced branch below.
            p = _np.array(p)
            tail = _np.logical_not(_np.less(w, bound))
            if tail.any():
                p[tail] = _erf_inv_tail(w[tail], wide)
        else:
            # The tail is evaluated at w >= bound only, so that no infinite
            # derivative (sqrt at 0) meets the mask under differentiation.
            central = _jnp.less(w, bound)
            p = _jnp.where(central, p, _erf_inv_tail(_jnp.where(central, bound, w), wide))
        out = _jnp.where(_jnp.equal(_jnp.abs(x), 1.0), _jnp.multiply(_jnp.sign(x), _np.inf),
                        _jnp.multiply(p, x))
    return _jnp.astype(out, dtype)


def _erf(x):
    """Error function, computed in float64 (Cephes, as XLA's f64 kernel)."""
    dtype = _dtype_of(x)
    x = _jnp.astype(x, _np.float64)
    with _np.errstate(over="ignore", invalid="ignore"):
        ax = _jnp.abs(x)
        x2 = _jnp.multiply(x, x)
        small = _jnp.divide(_jnp.multiply(x, _horner(x2, _ERF_T)), _horner(x2, _ERF_U))
        ez = _jnp.exp(_jnp.negative(x2))
        erfc = _jnp.where(_jnp.less(ax, 8.0),
                         _jnp.divide(_jnp.multiply(ez, _horner(ax, _ERFC_P)), _horner(ax, _ERFC_Q)),
                         _jnp.divide(_jnp.multiply(ez, _horner(ax, _ERFC_R)), _horner(ax, _ERFC_S)))
        erfc = _jnp.where(_jnp.greater(x2, _MAXLOG), 0.0, erfc)
        large = _jnp.where(_jnp.less(x, 0.0), _jnp.subtract(erfc, 1.0), _jnp.subtract(1.0, erfc))
        out = _jnp.where(_jnp.less(ax, 1.0), small, large)
    return _jnp.astype(out, dtype)


# --------------------------------------------------------------- float samplers


def normal(key, shape=(), dtype=None):
    """Standard normal values (default dtype ``float64``; complex dtypes allowed).

    ``sqrt(2) * erfinv(u)`` for ``u`` uniform in ``(-1, 1)``, as in JAX.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.normal(random.PRNGKey(0), (3,))
    array([-0.20584214, -0.78476578,  1.81608667])
    >>> random.normal(random.PRNGKey(0), (2,), np.float64)
    array([-0.20584214, -0.78476578])
    """
    key = _check_key("normal", key)
    dtype = _float_dtype("normal", dtype, "fc", "a float or complex dtype")
    return _out(_normal(key, _canonical_shape(shape), dtype))


def _normal(key, shape, dtype):
    if dtype.kind == "c":
        real = _np.dtype(_np.float32 if dtype == _np.complex64 else _np.float64)
        k_re, k_im = _split(key)
        re = _jnp.astype(_normal_real(k_re, shape, real), dtype)
        im = _jnp.astype(_normal_real(k_im, shape, real), dtype)
        return _jnp.divide(_jnp.add(re, _jnp.multiply(im, _np.asarray(1j, dtype))),
                          _np.asarray(_np.sqrt(2), dtype))
    return _normal_real(key, shape, dtype)


def _normal_real(key, shape, dtype):
    lo = _np.nextafter(_np.array(-1.0, dtype), _np.array(0.0, dtype))
    # 1 - lo rounds to 2: the scaling is exact, so no fused multiply-add is needed.
    u = _uniform(key, shape, dtype, lo, _np.array(1.0, dtype), fused=False)
    return _jnp.multiply(_np.asarray(_np.sqrt(2), dtype), _erf_inv(u))


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal values conditioned on ``lower < x < upper``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.truncated_normal(random.PRNGKey(0), -1.0, 2.0, (1000,))
    >>> bool(x.min() > -1.0 and x.max() < 2.0)
    True
    """
    key = _check_key("truncated_normal", key)
    dtype = _float_dtype("truncated_normal", dtype)
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(lower), _shape_of(upper)))
    else:
        shape = _canonical_shape(shape)
        _check_shape("truncated_normal", shape, _shape_of(lower), _shape_of(upper))
    sqrt2 = _np.asarray(_np.sqrt(2), dtype)
    lower, upper = _jnp.astype(lower, dtype), _jnp.astype(upper, dtype)
    a = _erf(_jnp.divide(lower, sqrt2))
    b = _erf(_jnp.divide(upper, sqrt2))
    u = _uniform(key, shape, dtype, a, b)
    out = _jnp.multiply(sqrt2, _erf_inv(u))
    # Keep rounding from reaching the bounds: clip into the open interval.
    return _out(_jnp.clip(out, _jnp.nextafter(lower, _np.asarray(_np.inf, dtype)),
                         _jnp.nextafter(upper, _np.asarray(-_np.inf, dtype))))


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Multivariate normal values with the given mean ``(..., n)`` and covariance
    ``(..., n, n)``; ``method`` factors ``cov`` ('cholesky', 'eigh' or 'svd').

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.multivariate_normal(random.PRNGKey(0), np.zeros(2), np.eye(2), (4,)).shape
    (4, 2)
    """
    key = _check_key("multivariate_normal", key)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    dtype = _float_dtype("multivariate_normal", dtype)
    mean, cov = _jnp.asarray(_default_typed(mean)), _jnp.asarray(_default_typed(cov))
    common = _np.result_type(_dtype_of(mean), _dtype_of(cov), _np.float16)
    mean, cov = _jnp.astype(mean, common), _jnp.astype(cov, common)
    if len(_shape_of(mean)) < 1:
        raise ValueError("multivariate_normal requires mean.ndim >= 1, got mean.ndim == "
                         f"{len(_shape_of(mean))}")
    if len(_shape_of(cov)) < 2:
        raise ValueError("multivariate_normal requires cov.ndim >= 2, got cov.ndim == "
                         f"{len(_shape_of(cov))}")
    n = _shape_of(mean)[-1]
    if tuple(_shape_of(cov)[-2:]) != (n, n):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {tuple(_shape_of(cov))}.")
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(mean)[:-1], _shape_of(cov)[:-2]))
    else:
        shape = _canonical_shape(shape)
        _check_shape("normal", shape, _shape_of(mean)[:-1], _shape_of(cov)[:-2])
    if method == "svd":
        u, s, _ = _jnp.linalg.svd(cov)
        factor = _jnp.multiply(u, _jnp.expand_dims(_jnp.sqrt(s), -2))
    elif method == "eigh":
        w, v = _jnp.linalg.eigh(cov)
        factor = _jnp.multiply(v, _jnp.expand_dims(_jnp.sqrt(w), -2))
    else:
        factor = _jnp.linalg.cholesky(cov)
    z = _normal(key, shape + (n,), dtype)
    return _out(_jnp.add(mean, _jnp.squeeze(_jnp.matmul(factor, _jnp.expand_dims(z, -1)), -1)))


def exponential(key, shape=(), dtype=None):
    """Exponential values with rate 1 (``-log1p(-u)``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.exponential(random.PRNGKey(0), (3,))
    array([0.54207056, 0.24372319, 3.36163426])
    """
    key = _check_key("exponential", key)
    dtype = _float_dtype("exponential", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, 0.0, 1.0)
    return _out(_jnp.negative(_jnp.log1p(_jnp.negative(u))))


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy values (``tan(pi * (u - 1/2))``).

    >>> from vmapx import random
    >>> random.cauchy(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("cauchy", key)
    dtype = _float_dtype("cauchy", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, _np.finfo(dtype).eps, 1.0)
    return _out(_jnp.tan(_jnp.multiply(_jnp.subtract(u, 0.5), _np.asarray(_np.pi, dtype))))


def laplace(key, shape=(), dtype=None):
    """Standard Laplace values (density ``exp(-|x|) / 2``).

    >>> from vmapx import random
    >>> random.laplace(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("laplace", key)
    dtype = _float_dtype("laplace", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, -1.0 + _np.finfo(dtype).epsneg, 1.0)
    return _out(_jnp.multiply(_jnp.sign(u), _jnp.log1p(_jnp.negative(_jnp.abs(u)))))


def logistic(key, shape=(), dtype=None):
    """Standard logistic values (``log(u / (1 - u))``).

    >>> from vmapx import random
    >>> random.logistic(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("logistic", key)
    dtype = _float_dtype("logistic", dtype)
    x = _uniform(key, _canonical_shape(shape), dtype, _np.finfo(dtype).tiny, 1.0)
    return _out(_jnp.subtract(_jnp.log(x), _jnp.log1p(_jnp.negative(x))))


def _param(x, dtype):
    """A distribution parameter (JAX's default types for Python numbers) as ``dtype``."""
    return _jnp.astype(_default_typed(x), dtype)


def _params_shape(name, shape, *params):
    shapes = [tuple(_shape_of(p)) for p in params]
    if shape is None:
        return tuple(_np.broadcast_shapes(*shapes))
    shape = _canonical_shape(shape)
    _check_shape(name, shape, *shapes)
    return shape


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


def pareto(key, b, shape=None, dtype=None):
    """Pareto values with shape parameter ``b`` (``exp(exponential / b)``).

    >>> from vmapx import random
    >>> random.pareto(random.PRNGKey(0), 2.0, (2,))
    array([1.31132133, 1.12959775])
    """
    key = _check_key("pareto", key)
    dtype = _float_dtype("pareto", dtype)
    b = _param(b, dtype)
    shape = _params_shape("pareto", shape, b)
    return _out(_jnp.exp(_jnp.divide(exponential(key, shape, dtype), b)))


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull values (inverse CDF of a uniform draw).

    >>> from vmapx import random
    >>> random.weibull_min(random.PRNGKey(0), 2.0, 1.5, (2,))
    array([1.32963939, 0.78035921])
    """
    key = _check_key("weibull_min", key)
    dtype = _float_dtype("weibull_min", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, 0.0, 1.0)
    scale = _param(scale, dtype)
    concentration = _param(concentration, dtype)
    return _out(_jnp.multiply(_jnp.power(_jnp.negative(_jnp.log1p(_jnp.negative(u))),
                                         _jnp.divide(1.0, concentration)), scale))


def rayleigh(key, scale, shape=None, dtype=None):
    """Rayleigh values (``scale * sqrt(-2 log u)``).

    >>> from vmapx import random
    >>> random.rayleigh(random.PRNGKey(0), 2.0, (2,))
    array([2.63997102, 3.49983995])
    """
    key = _check_key("rayleigh", key)
    dtype = _float_dtype("rayleigh", dtype)
    scale = _param(scale, dtype)
    shape = _params_shape("rayleigh", shape, scale)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    return _out(_jnp.multiply(scale, _jnp.sqrt(_jnp.multiply(_jnp.log(u),
                                                            _np.asarray(-2, dtype)))))


def maxwell(key, shape=(), dtype=None):
    """Maxwell values: the length of a standard normal 3-vector.

    >>> from vmapx import random
    >>> random.maxwell(random.PRNGKey(0), (2,))
    array([1.98906991, 0.42460738])
    """
    key = _check_key("maxwell", key)
    dtype = _float_dtype("maxwell", dtype)
    z = _normal(key, _canonical_shape(shape) + (3,), dtype)
    return _out(_jnp.sqrt(_jnp.sum(_jnp.multiply(z, z), axis=-1)))


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Maxwell values with a random sign, scaled and shifted.

    >>> from vmapx import random
    >>> random.double_sided_maxwell(random.PRNGKey(0), 1.0, 2.0, (2,))
    array([ 4.96922408, -3.9564148 ])
    """
    key = _check_key("double_sided_maxwell", key)
    dtype = _float_dtype("double_sided_maxwell", dtype)
    params = tuple(_np.broadcast_shapes(_np.shape(loc), _np.shape(scale))) \
        if not (_is_array(loc) or _is_array(scale)) else tuple(
            _np.broadcast_shapes(tuple(_shape_of(loc)), tuple(_shape_of(scale))))
    shape = _canonical_shape(shape)
    shape = (shape or params) + params
    k1, k2 = _split(key)
    rvs = maxwell(k1, shape, dtype)
    sign = rademacher(k2, shape, dtype)
    return _out(_jnp.add(_jnp.multiply(_jnp.multiply(sign, rvs), _default_typed(scale)),
                         _default_typed(loc)))


def lognormal(key, sigma=1.0, shape=None, dtype=None):
    """Log-normal values (``exp(sigma * normal)``).

    >>> from vmapx import random
    >>> random.lognormal(random.PRNGKey(0), 0.5, (2,))
    array([0.90219818, 0.67544544])
    """
    key = _check_key("lognormal", key)
    dtype = _float_dtype("lognormal", dtype, "fc", "a float or complex dtype")
    sigma = _param(sigma, dtype)
    shape = _params_shape("lognormal", shape, sigma)
    return _out(_jnp.exp(_jnp.multiply(_normal(key, shape, dtype), sigma)))


def geometric(key, p, shape=None, dtype=None):
    """Geometric values: the number of trials up to the first success (int64).

    >>> from vmapx import random
    >>> random.geometric(random.PRNGKey(0), 0.3, (4,))
    array([3, 5, 1, 2])
    """
    key = _check_key("geometric", key)
    dtype = _np.dtype(_INT if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dtype}")
    p = _default_typed(p)
    if _dtype_of(p).kind not in "fc":
        p = _jnp.astype(p, _FLOAT)
    shape = _params_shape("geometric", shape, p)
    u = _uniform(key, shape, _dtype_of(p), 0.0, 1.0)
    u = _jnp.where(_jnp.equal(u, 0), _np.asarray(1, _dtype_of(p)), u)
    g = _jnp.add(_jnp.floor(_jnp.divide(_jnp.log(u), _jnp.log1p(_jnp.negative(p)))), 1)
    return _out(_jnp.astype(g, dtype))


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular values on ``[left, right]`` peaking at ``mode``.

    >>> from vmapx import random
    >>> random.triangular(random.PRNGKey(0), 0.0, 0.5, 1.0, (2,))
    array([0.45741508, 0.32885822])
    """
    key = _check_key("triangular", key)
    dtype = _float_dtype("triangular", dtype)
    left, mode, right = (_param(v, dtype) for v in (left, mode, right))
    shape = _params_shape("triangular", shape, left, mode, right)
    left, mode, right = (_jnp.broadcast_to(v, shape) for v in (left, mode, right))
    width = _jnp.subtract(right, left)
    fc = _jnp.divide(_jnp.subtract(mode, left), width)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    out1 = _jnp.add(left, _jnp.sqrt(_jnp.multiply(_jnp.multiply(u, width),
                                                  _jnp.subtract(mode, left))))
    out2 = _jnp.subtract(right, _jnp.sqrt(_jnp.multiply(_jnp.multiply(
        _jnp.subtract(1, u), width), _jnp.subtract(right, mode))))
    return _out(_jnp.where(_jnp.less(u, fc), out1, out2))


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian) values with the given ``mean``.

    >>> from vmapx import random
    >>> random.wald(random.PRNGKey(0), 1.0, (2,))
    array([0.18700294, 1.61073217])
    """
    key = _check_key("wald", key)
    dtype = _float_dtype("wald", dtype)
    mean = _param(mean, dtype)
    shape = _params_shape("wald", shape, mean)
    k1, k2 = _split(key)
    mean = _jnp.broadcast_to(mean, shape)
    v = _normal(k1, shape, dtype)
    z = _uniform(k2, shape, dtype, 0.0, 1.0)
    y = _jnp.multiply(v, v)
    y_sq = _jnp.multiply(y, y)
    mean_sq = _jnp.multiply(mean, mean)
    sqrt_term = _jnp.sqrt(_jnp.add(_jnp.multiply(_jnp.multiply(4, mean), y),
                                   _jnp.multiply(mean_sq, y_sq)))
    x = _jnp.subtract(_jnp.add(mean, _jnp.divide(_jnp.multiply(mean_sq, y), 2)),
                      _jnp.multiply(_jnp.divide(mean, 2), sqrt_term))
    return _out(_jnp.where(_jnp.less_equal(z, _jnp.divide(mean, _jnp.add(mean, x))), x,
                           _jnp.divide(mean_sq, x)))


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel values; ``mode='high'`` spends twice the bits for a wider range.

    >>> from vmapx import random
    >>> random.gumbel(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("gumbel", key)
    dtype = _float_dtype("gumbel", dtype)
    return _out(_gumbel(key, _canonical_shape(shape), dtype, _gumbel_mode(mode)))


def _gumbel_mode(mode):
    if mode is None:
        return "low"
    if mode not in ("high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    return mode


def _gumbel(key, shape, dtype, mode):
    finfo = _np.finfo(dtype)
    if mode == "high":
        u = _uniform(key, (2,) + shape, dtype, 0.0, 1.0)
        high, low = u[0], u[1]
        x = _jnp.where(_jnp.greater_equal(high, 0.5), high,
                      _jnp.add(_jnp.add(high, _jnp.multiply(low, 2.0 ** -int(finfo.nmant))),
                              _np.asarray(finfo.tiny, dtype)))
        return _jnp.negative(_jnp.log(_jnp.negative(_jnp.log1p(_jnp.negative(x)))))
    u = _uniform(key, shape, dtype, finfo.tiny, 1.0)
    return _jnp.negative(_jnp.log(_jnp.negative(_jnp.log(u))))


# ------------------------------------------------------------- discrete samplers


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
    if dtype.kind != "f":
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


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Indices drawn from ``softmax(logits, axis)``: Gumbel-max (``int64``), or
    Gumbel-top-k without replacement (``int32``, as JAX's), with Gumbel noise in
    ``logits``' dtype.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.categorical(random.PRNGKey(0), np.log([0.1, 0.2, 0.7]).astype(np.float32),
    ...                    shape=(5,))
    array([1, 2, 2, 1, 2])
    """
    key = _check_key("categorical", key)
    mode = _gumbel_mode(mode)
    logits = _jnp.asarray(_default_typed(logits))
    lshape = tuple(_shape_of(logits))
    ndim = len(lshape)
    axis = _canonicalize_axis(axis, ndim)
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    if shape is None:
        shape = batch_shape
    else:
        shape = _canonical_shape(shape)
        _check_shape("categorical", shape, batch_shape)
    prefix = shape[:len(shape) - len(batch_shape)]
    dtype = _float_dtype("gumbel", _dtype_of(logits))
    if replace:
        full = list(shape[len(prefix):])
        full.insert(axis, lshape[axis])
        g = _gumbel(key, prefix + tuple(full), dtype, mode)
        return _out(_jnp.astype(_jnp.argmax(_jnp.add(g, logits), axis=len(prefix) + axis),
                                _INT))
    k = _math.prod(prefix)
    if k > lshape[axis]:
        raise ValueError(f"Number of samples without replacement ({k}) cannot exceed number "
                         f"of categories ({lshape[axis]}).")
    perturbed = _jnp.moveaxis(_jnp.add(logits, _gumbel(key, lshape, dtype, mode)), axis, -1)
    top = _jnp.argsort(_jnp.negative(perturbed), axis=-1)[..., :k]  # top-k, ties to low index
    # JAX's top-k gives int32 indices, even with x64.
    return _out(_jnp.astype(_jnp.reshape(_jnp.moveaxis(top, -1, 0), shape), _INT32))


def _shuffle(key, x, axis):
    # Sort by fresh 32-bit keys, enough rounds that ties are unlikely (JAX's rule).
    size = _math.prod(_shape_of(x))
    rounds = int(_np.ceil(3 * _np.log(max(1, size)) / _np.log(_np.iinfo(_np.uint32).max)))
    for _ in range(rounds):
        pair = _split(key)
        key, subkey = pair[0], pair[1]
        order = _jnp.argsort(_random_bits(subkey, 32, tuple(_shape_of(x))), axis=axis)
        x = _jnp.take_along_axis(x, order, axis=axis)  # a stable sort by the random keys
    return x


def permutation(key, x, axis=0, independent=False):
    """A random permutation of ``arange(x)`` (``int64``, for an int ``x``) or of
    ``x`` along ``axis`` (each slice independently when ``independent``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.permutation(random.PRNGKey(0), 5)
    array([0, 1, 4, 3, 2])
    >>> random.permutation(random.PRNGKey(0), np.arange(10).reshape(5, 2))
    array([[0, 1],
           [2, 3],
           [8, 9],
           [6, 7],
           [4, 5]])
    """
    key = _check_key("permutation", key)
    if isinstance(x, (list, tuple)):
        x = _default_typed(x)
    ndim = len(_shape_of(x))
    if not ndim:
        if _dtype_of(x).kind not in "iu":
            raise TypeError("x must be an integer or at least 1-dimensional")
        return _out(_shuffle(key, _np.arange(_operator.index(x), dtype=_INT), 0))
    axis = _canonicalize_axis(axis, ndim)
    if independent or ndim == 1:
        return _out(_shuffle(key, x, axis))
    order = _shuffle(key, _np.arange(_shape_of(x)[axis]), 0)
    return _out(_jnp.take(x, order, axis=axis))


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """A random sample of ``a`` (an array, or ``int64`` ``arange(a)`` for an int)
    along ``axis``, uniform or with probabilities ``p``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.choice(random.PRNGKey(0), 10, (3,), replace=False)
    array([0, 1, 8])
    >>> random.choice(random.PRNGKey(0), np.array([1.5, 2.5, 3.5]), (4,), p=[0.2, 0.3, 0.5])
    array([3.5, 3.5, 1.5, 2.5])
    """
    key = _check_key("choice", key)
    mode = _gumbel_mode(mode)
    if not isinstance(shape, _Sequence):
        raise TypeError("shape argument of vmapx.random.choice must be a sequence, "
                        f"got {shape}")
    shape = _canonical_shape(shape)
    arr = _jnp.asarray(_default_typed(a))
    ndim = len(_shape_of(arr))
    if ndim == 0:
        n_inputs = _operator.index(a)
    else:
        axis = _canonicalize_axis(axis, ndim)
        n_inputs = _shape_of(arr)[axis]
    n_draws = _math.prod(shape)
    if n_draws == 0:
        return _out(_np.zeros(shape, dtype=_dtype_of(arr)))
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = _randint(key, shape, 0, n_inputs, _INT)
            result = ind if ndim == 0 else _jnp.take(arr, ind, axis=axis)
        else:
            perm = permutation(key, n_inputs if ndim == 0 else arr, axis)
            index = (slice(None),) * (axis if ndim else 0) + (slice(n_draws),)
            result = perm[index]
    else:
        p = _jnp.asarray(_default_typed(p))
        pdtype = _dtype_of(p)
        if pdtype.kind not in "fc":
            p = _jnp.astype(p, _FLOAT if pdtype.itemsize == 8 else _np.float32)
        if tuple(_shape_of(p)) != (n_inputs,):
            raise ValueError(
                "p must be None or a 1D vector with the same size as a.shape[axis]. "
                f"p has shape {tuple(_shape_of(p))} and a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = _jnp.cumsum(p)
            r = _jnp.multiply(p_cuml[-1],
                             _jnp.subtract(1, _uniform(key, shape, _dtype_of(p_cuml), 0.0, 1.0)))
            ind = _jnp.astype(_jnp.searchsorted(p_cuml, r), _INT)
        else:
            g = _jnp.add(_gumbel(key, (n_inputs,), _dtype_of(p), mode), _jnp.log(p))
            ind = _jnp.astype(_jnp.argsort(_jnp.negative(g))[:n_draws], _INT)
        result = ind if ndim == 0 else _jnp.take(arr, ind, axis=axis)
    out_shape = shape if ndim == 0 else (
        tuple(_shape_of(arr))[:axis] + shape + tuple(_shape_of(arr))[axis + 1:])
    return _out(_jnp.reshape(result, out_shape))


# -------------------------------------------------------------- gamma family

def _gamma_one(key, alpha, log_space):
    """One Gamma(alpha) sample (or its log) from one key, with JAX's stream:
    Marsaglia and Tsang's rejection method, each proposal drawn from keys split
    off in JAX's order (a normal redrawn while ``v <= 0``, then a uniform), and
    ``alpha < 1`` boosted to ``alpha + 1`` with a final uniform."""
    dtype = _dtype_of(alpha)
    zero, one = _np.zeros((), dtype), _np.ones((), dtype)
    third = _np.asarray(1.0 / 3.0, dtype)
    boost = _jnp.greater_equal(alpha, one)
    alpha_orig = alpha
    alpha = _jnp.where(boost, alpha, _jnp.add(alpha, one))
    d = _jnp.subtract(alpha, third)
    c = _jnp.divide(third, _jnp.sqrt(d))

    def rejected(state):
        _, X, V, U = state
        with _np.errstate(divide="ignore", invalid="ignore"):
            squeeze = _jnp.greater_equal(
                U, _jnp.subtract(one, _jnp.multiply(_np.asarray(0.0331, dtype),
                                                    _jnp.multiply(X, X))))
            full = _jnp.greater_equal(
                _jnp.log(U), _jnp.add(_jnp.multiply(X, _np.asarray(0.5, dtype)),
                                      _jnp.multiply(d, _jnp.add(_jnp.subtract(one, V),
                                                                _jnp.log(V)))))
        return _jnp.logical_and(squeeze, full)

    def next_normal(state):
        k = state[0]
        pair = _split(k)
        x = _normal_real(pair[1], (), dtype)
        return pair[0], x, _jnp.add(one, _jnp.multiply(x, c))

    def propose(state):
        keys = _split(state[0], (3,))
        _, x, v = _lax.while_loop(lambda kxv: _jnp.less_equal(kxv[2], zero), next_normal,
                                  (keys[1], zero, -one))
        X = _jnp.multiply(x, x)
        V = _jnp.multiply(_jnp.multiply(v, v), v)
        return keys[0], X, V, _uniform(keys[2], (), dtype, 0.0, 1.0)

    pair = _split(key)
    _, _, V, _ = _lax.while_loop(rejected, propose, (pair[0], zero, one, one + one))
    with _np.errstate(divide="ignore"):
        if log_space:
            u = _uniform(pair[1], (), dtype, 0.0, 1.0)
            log_samples = _jnp.log1p(_jnp.negative(u))      # -exponential(subkey)
            log_boost = _jnp.where(_jnp.logical_or(boost, _jnp.equal(log_samples, 0)), zero,
                                   _jnp.multiply(log_samples, _jnp.divide(one, alpha_orig)))
            return _jnp.add(_jnp.add(_jnp.log(d), _jnp.log(V)), log_boost)
        samples = _jnp.subtract(1, _uniform(pair[1], (), dtype, 0.0, 1.0))
        factor = _jnp.where(boost, one, _jnp.power(samples, _jnp.divide(one, alpha_orig)))
        return _jnp.multiply(_jnp.multiply(d, V), factor)


def _gamma_samples(key, a, log_space):
    """Samples for every element of ``a`` (already of its final shape and dtype),
    one key split off per element, as JAX."""
    shape = tuple(_shape_of(a))
    n = _math.prod(shape)
    keys = _split(key, (n,))
    flat = _vmap(lambda k, al: _gamma_one(k, al, log_space))(keys, _jnp.reshape(a, (n,)))
    return _jnp.reshape(flat, shape)


def _gamma_tangent(a, sample, log_space):
    """d sample / d a by implicit differentiation of the CDF: ``-dF/da / dF/dx``
    with ``F = igamma(a, x)`` (in log space, divided by the sample)."""
    x = _jnp.exp(sample) if log_space else sample
    with _np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_pdf = _jnp.subtract(_jnp.subtract(_jnp.multiply(_jnp.subtract(a, 1), _jnp.log(x)), x),
                                _lax.lgamma(a))
        dx = _jnp.negative(_jnp.divide(_lax.igamma_grad_a(a, x), _jnp.exp(log_pdf)))
        return _jnp.divide(dx, x) if log_space else dx


def _make_gamma(log_space):
    @_custom_jvp
    def sample(key, a):
        return _gamma_samples(key, a, log_space)

    def jvp(primals, tangents):
        key, a = primals
        out = sample(key, a)
        return out, _jnp.multiply(_gamma_tangent(a, out, log_space), tangents[1])
    sample.defjvp(jvp)
    return sample


_gamma_sample = _make_gamma(False)
_loggamma_sample = _make_gamma(True)


def _loggamma_impl(key, a, shape, dtype, log_space):
    """Gamma(a) samples of ``shape`` (or their logs), JAX's values for the key."""
    a = _broadcast_to(_jnp.astype(a, dtype), shape)
    if _math.prod(shape) == 0:
        return _jnp.zeros(shape, dtype)
    return (_loggamma_sample if log_space else _gamma_sample)(key, a)


def _gamma_args(name, key, a, shape, dtype):
    key = _check_key(name, key)
    dtype = _float_dtype(name, dtype)
    if shape is None:
        shape = tuple(_shape_of(a))
    else:
        shape = _canonical_shape(shape)
        _check_shape(name, shape, _shape_of(a))
    return key, shape, dtype


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a, 1) values, for ``a > 0``: JAX's values for the key (Marsaglia and
    Tsang's method on JAX's key stream, all elements' rejection loops run as one
    batched ``while_loop``).

    Derivatives with respect to ``a`` are JAX's implicit reparameterization
    (``-dF/da / dF/dx`` of the CDF ``F = igamma(a, x)``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.gamma(random.PRNGKey(0), 3.0, (20000,))
    >>> bool(abs(x.mean() - 3.0) < 0.05)
    True
    """
    key, shape, dtype = _gamma_args("gamma", key, a, shape, dtype)
    return _out(_loggamma_impl(key, a, shape, dtype, log_space=False))


def loggamma(key, a, shape=None, dtype=None):
    """Logs of Gamma(a, 1) values, accurate for small ``a`` too.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.loggamma(random.PRNGKey(0), 0.01, (4,))
    >>> bool(np.all(np.isfinite(x)) and np.all(x < 0))
    True
    """
    key, shape, dtype = _gamma_args("loggamma", key, a, shape, dtype)
    return _out(_loggamma_impl(key, a, shape, dtype, log_space=True))


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) values, as ``Ga / (Ga + Gb)`` computed from log-gammas.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.beta(random.PRNGKey(0), 2.0, 6.0, (20000,))
    >>> bool(abs(x.mean() - 0.25) < 0.01)
    True
    """
    key = _check_key("beta", key)
    dtype = _float_dtype("beta", dtype)
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(a), _shape_of(b)))
    else:
        shape = _canonical_shape(shape)
        _check_shape("beta", shape, _shape_of(a), _shape_of(b))
    keys = _split(key)
    key_a, key_b = keys[0], keys[1]
    log_a = _loggamma_impl(key_a, a, shape, dtype, True)
    log_b = _loggamma_impl(key_b, b, shape, dtype, True)
    log_max = _jnp.maximum(log_a, log_b)
    ga = _jnp.exp(_jnp.subtract(log_a, log_max))
    gb = _jnp.exp(_jnp.subtract(log_b, log_max))
    return _out(_jnp.divide(ga, _jnp.add(ga, gb)))


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) values over the last axis of ``alpha``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.dirichlet(random.PRNGKey(0), np.array([1.0, 2.0, 3.0]), (5,))
    >>> x.shape, bool(np.allclose(x.sum(-1), 1.0))
    ((5, 3), True)
    """
    key = _check_key("dirichlet", key)
    dtype = _float_dtype("dirichlet", dtype)
    ashape = tuple(_shape_of(alpha))
    if len(ashape) < 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {len(ashape)}")
    if shape is None:
        shape = ashape[:-1]
    else:
        shape = _canonical_shape(shape)
        _check_shape("dirichlet", shape, ashape[:-1])
    logs = _loggamma_impl(key, alpha, shape + ashape[-1:], dtype, True)
    # softmax over the last axis
    e = _jnp.exp(_jnp.subtract(logs, _jnp.max(logs, axis=-1, keepdims=True)))
    return _out(_jnp.divide(e, _jnp.sum(e, axis=-1, keepdims=True)))


def orthogonal(key, n, shape=(), dtype=None, m=None):
    """A random ``n x m`` matrix (``m`` defaults to ``n``) with orthonormal rows or
    columns, whichever are fewer, uniform over the orthogonal (unitary, for a
    complex dtype) group; ``shape`` gives batch dimensions in front.

    As JAX: the Q factor of a normal matrix, its columns' signs fixed by the
    diagonal of R (Mezzadri's method).

    >>> import numpy as np
    >>> from vmapx import random
    >>> q = random.orthogonal(random.PRNGKey(0), 3)
    >>> q.shape, bool(np.allclose(q @ q.T, np.eye(3)))
    ((3, 3), True)
    """
    key = _check_key("orthogonal", key)
    dtype = _float_dtype("orthogonal", dtype, "fc", "a float or complex dtype")
    shape = _canonical_shape(shape)
    n = _operator.index(n)
    m = n if m is None else _operator.index(m)
    z = _normal(key, shape + (max(n, m), min(n, m)), dtype)
    q, r = _jnp.linalg.qr(z)
    signs = _jnp.sign(_jnp.diagonal(r, axis1=-2, axis2=-1))
    x = _jnp.multiply(q, _jnp.expand_dims(signs, -2))
    return _out(_jnp.swapaxes(x, -1, -2) if n < m else x)
