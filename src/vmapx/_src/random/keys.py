"""Keys of ``vmapx.random`` (``PRNGKey``, ``key``, ``split``, ``fold_in``,
``key_data``, ...) and the helpers every sampler shares: threefry bits, shape
and dtype checks, JAX's x64 default dtypes.
"""
from __future__ import annotations

import math as _math
import operator as _operator
from collections.abc import Sequence as _Sequence

import numpy as _np

from .. import inputs as _inputs
from .. import numpy_api as _jnp
from ..core import (Tracer as _Tracer, dtype_of as _dtype_of, finish_output as _finish_output,
                    shape_of as _shape_of)
from ..prims.random_bits import threefry2x32_p as _threefry2x32_p
from ..prng import KeyArray, KeyDType, KEY_DTYPE as _KEY_DTYPE

__all__ = ["PRNGKey", "key", "key_data", "wrap_key_data", "key_impl", "key_dtype", "clone",
           "split", "fold_in", "KeyArray"]


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
    target = _DEFAULT_OF_KIND.get(_inputs.kind(dtype), dtype)
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
    """``data`` as an array of raw threefry keys (``uint32[..., 2]``), or an error:
    a typed key array gives its data."""
    if type(data) is KeyArray:
        return data._base
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
    """One key's raw data (``uint32[2]``), from a typed key or raw data; batches
    of keys are for ``vmap``."""
    typed = type(key) is KeyArray
    key = _check_key_data(key)
    if len(_shape_of(key)) != 1:
        shape = tuple(_shape_of(key))
        raise ValueError(f"{name} accepts a single key, but was given a key array of shape "
                         f"{shape[:-1] if typed else shape} != (). Use vmapx.vmap for batching.")
    return key


def _like(key, data):
    """``data`` (raw key data) as the kind of key ``key`` is: typed in, typed out."""
    return KeyArray(data) if type(key) is KeyArray else data


def _resolve_impl(impl):
    """The implementation's name from ``None``, a name or a ``KeyDType``."""
    if impl is None:
        return _IMPL
    if isinstance(impl, KeyDType):
        return impl.impl
    if isinstance(impl, str):
        if impl != _IMPL:
            raise ValueError(f'unrecognized PRNG implementation "{impl}". vmapx implements '
                             f'only "{_IMPL}".')
        return impl
    raise TypeError(f"unrecognized type {type(impl)} for specifying PRNG implementation.")


def _check_impl(impl):
    _resolve_impl(impl)


def _float_dtype(name, dtype, kinds="f", what="a float dtype"):
    dtype = _np.dtype(_FLOAT if dtype is None else dtype)
    if _inputs.kind(dtype) not in kinds:
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
        if _inputs.kind(seed.dtype) not in "biufc":
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
    """A typed PRNG key (a ``KeyArray`` of shape ``()``, dtype ``key<fry>``)
    from an integer seed, as ``jax.random.key``; its data is what ``PRNGKey``
    returns for the seed.

    >>> from vmapx import random
    >>> k = random.key(3)
    >>> k
    Array((), dtype=key<fry>) overlaying:
    [0 3]
    >>> k.shape, random.split(k, 6).reshape(2, 3).shape
    ((), (2, 3))
    """
    if dtype is not None:
        if impl is not None:
            raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                             "vmapx.random.key")
        impl = dtype
    _check_impl(impl)
    return KeyArray(_seed_to_key("key", seed))


def key_data(keys):
    """The raw ``uint32[..., 2]`` data of a key array (typed keys), or raw key
    data checked and returned as it is.

    >>> from vmapx import random
    >>> random.key_data(random.split(random.key(7), 3)).shape
    (3, 2)
    >>> random.key_data(random.PRNGKey(7))
    array([0, 7], dtype=uint32)
    """
    data = _check_key_data(keys)
    if type(keys) is KeyArray and isinstance(data, _np.ndarray):
        return _out(data.copy())    # the key's own data stays unaliased
    return data


def wrap_key_data(key_bits_array, *, impl=None, dtype=None):
    """Typed keys from raw key data (``uint32[..., 2]``): a ``KeyArray`` of
    shape ``key_bits_array.shape[:-1]``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.wrap_key_data(np.array([[0, 7], [0, 8]], np.uint32)).shape
    (2,)
    """
    if dtype is not None:
        if impl is not None:
            raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                             "vmapx.random.wrap_key_data")
        impl = dtype
    _check_impl(impl)
    if type(key_bits_array) is KeyArray:
        raise TypeError("vmapx encountered invalid PRNG key data: expected key_data.dtype = "
                        "uint32; got dtype=key<fry>")
    data = _check_key_data(key_bits_array)
    return KeyArray(_out(data.copy()) if isinstance(data, _np.ndarray) else data)


def key_impl(keys):
    """The name of the PRNG implementation of ``keys`` (always ``'threefry2x32'``),
    typed keys or raw key data.

    >>> from vmapx import random
    >>> random.key_impl(random.key(0)), random.key_impl(random.PRNGKey(0))
    ('threefry2x32', 'threefry2x32')
    """
    _check_key_data(keys)
    return _IMPL


def key_dtype(impl_spec=None):
    """The key dtype of a PRNG implementation (default and only one: threefry),
    as ``jax.random.key_dtype``; ``impl_spec`` is None, ``'threefry2x32'`` or a
    key dtype.  Unknown names raise ValueError, other types TypeError.  It is
    the dtype of typed key arrays.

    >>> from vmapx import random
    >>> random.key_dtype()
    key<fry>
    >>> random.key(0, dtype=random.key_dtype()).dtype == random.key_dtype()
    True
    >>> random.key_dtype(random.key_impl(random.key(0))) == random.key_dtype()
    True
    """
    impl = _resolve_impl(impl_spec)
    return _KEY_DTYPE if impl == _KEY_DTYPE.impl else KeyDType(impl)


def clone(key):
    """A copy of ``key`` (keys are immutable values; provided for JAX parity),
    of the kind it is: typed keys give typed keys, raw key data raw data.

    >>> from vmapx import random
    >>> random.clone(random.PRNGKey(1))
    array([0, 1], dtype=uint32)
    >>> random.clone(random.key(1)).shape
    ()
    """
    data = _check_key_data(key)
    return _like(key, _out(data.copy()) if isinstance(data, _np.ndarray) else data)


def split(key, num=2):
    """Split a key into ``num`` new keys (``num`` may be a shape tuple), as
    ``jax.random.split``: typed keys of shape ``num`` from a typed key, raw key
    data of shape ``num + (2,)`` from raw key data.

    >>> from vmapx import random
    >>> random.split(random.PRNGKey(0))
    array([[1797259609, 2579123966],
           [ 928981903, 3453687069]], dtype=uint32)
    >>> random.split(random.key(0), (2, 3)).shape
    (2, 3)
    """
    data = _check_key("split", key)
    shape = tuple(num) if isinstance(num, _Sequence) else (_operator.index(num),)
    return _like(key, _out(_split(data, _canonical_shape(shape))))


def fold_in(key, data):
    """A new key from ``key`` and a 32-bit integer ``data``, as ``jax.random.fold_in``
    (typed in, typed out; raw in, raw out).

    >>> from vmapx import random
    >>> random.fold_in(random.PRNGKey(0), 7)
    array([2716826189,  292468403], dtype=uint32)
    """
    raw = _check_key("fold_in", key)
    if len(_shape_of(data)):
        raise TypeError("fold_in accepts a scalar, but was given an array of shape "
                        f"{tuple(_shape_of(data))} != (). Use vmapx.vmap for batching.")
    if isinstance(data, _Tracer):
        data = _jnp.astype(data, _U32)
    else:
        data = _np.asarray(data, dtype=_U32)  # OverflowError for out-of-range Python ints
    # The seed of a uint32 is (0, data); one cipher call on that counter pair.
    y1, y2 = _threefry2x32_p.bind(raw[0], raw[1], _np.zeros((), _U32), data)
    return _like(key, _out(_jnp.stack([y1, y2])))
