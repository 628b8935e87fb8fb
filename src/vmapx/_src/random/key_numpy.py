"""``vmapx.numpy`` functions on typed key arrays: the array-building and shape
functions JAX programs apply to keys (``stack``, ``concatenate``, ``where``,
``array``, ``asarray``, ``reshape``, ``broadcast_to``, ``expand_dims``,
``take``, ``squeeze``, ``ravel``, ``transpose``, ``swapaxes``), and ``issubdtype`` of
key dtypes.

``install`` wraps those names of the public ``vmapx.numpy`` namespace: a call
whose arguments hold a ``KeyArray`` computes on the keys' raw data (the word
axis kept last) and wraps the result again; any other call goes to the
function as it was, after one type check.  The internal numpy namespace
(``numpy_api``), which the library itself uses, is not wrapped.
"""
from __future__ import annotations

import functools
import operator

import numpy as np

from .. import numpy_api as _jnp
from ..prng import KEY_DTYPE, KeyArray, key_issubdtype

__all__ = ["install"]

_MIX = "dtype=key<fry> is not a valid dtype for vmapx type promotion."


def _all_keys(arrays):
    arrays = list(arrays)
    if not all(type(a) is KeyArray for a in arrays):
        raise ValueError(_MIX)
    return arrays


def _axis(axis, ndim, name):
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _stack(arrays, axis=0, out=None, dtype=None):
    arrays = _all_keys(arrays)
    ax = _axis(axis, arrays[0].ndim + 1, "stack")
    return KeyArray(_jnp.stack([a._base for a in arrays], axis=ax))


def _concatenate(arrays, axis=0, dtype=None):
    arrays = _all_keys(arrays)
    if axis is None:
        arrays, axis = [a.ravel() for a in arrays], 0
    if not arrays[0].ndim:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    ax = _axis(axis, arrays[0].ndim, "concatenate")
    return KeyArray(_jnp.concatenate([a._base for a in arrays], axis=ax))


def _where(condition, x=None, y=None, /, **kwargs):
    if type(x) is not KeyArray or type(y) is not KeyArray:
        raise ValueError(_MIX)
    cond = _jnp.expand_dims(_jnp.asarray(condition), -1)
    return KeyArray(_jnp.where(cond, x._base, y._base))


def _nested_keys(obj):
    """A (nested) list or tuple of key arrays as one key array (stacked)."""
    if type(obj) is KeyArray:
        return obj
    return _stack([_nested_keys(o) for o in obj])


def _array(object, dtype=None, copy=True, *args, **kwargs):  # noqa: A002 (NumPy's name)
    if dtype is not None and dtype != KEY_DTYPE:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            pass
        raise ValueError(f"Cannot convert_element_type from key<fry> to {dtype}")
    out = _nested_keys(object)
    return out.copy() if copy and out is object else out


def _asarray(a, dtype=None, *args, **kwargs):
    return _array(a, dtype, False)


def _broadcast_to(array, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return KeyArray(_jnp.broadcast_to(array._base, shape + (2,)))


def _expand_dims(a, axis):
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    nd = a.ndim + len(axes)
    axes = sorted(_axis(ax, nd, "expand_dims") for ax in axes)
    shape = list(a.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return a.reshape(tuple(shape))


def _take(a, indices, axis=None, **kwargs):
    if axis is None:
        a, axis = a.ravel(), 0
    ax = _axis(axis, a.ndim, "take")
    return KeyArray(_jnp.take(a._base, indices, axis=ax, **kwargs))


def _method(name):
    def call(a, *args, **kwargs):
        return getattr(a, name)(*args, **kwargs)
    return call


def _reshape(a, shape=None, order="C", *args, newshape=None, **kwargs):
    return a.reshape(shape if shape is not None else newshape, order=order)


def _first_is_key(args, kwargs):
    return bool(args) and type(args[0]) is KeyArray


def _seq_has_key(args, kwargs):
    """The first argument (a sequence of arrays) holds a key array."""
    seq = args[0] if args else kwargs.get("arrays", ())
    return type(seq) in (list, tuple) and any(type(a) is KeyArray for a in seq)


def _has_key_anywhere(args, kwargs):
    return any(type(a) is KeyArray for a in args) or any(
        type(a) is KeyArray for a in kwargs.values())


def _array_has_key(args, kwargs):
    obj = args[0] if args else kwargs.get("object", kwargs.get("a"))
    if type(obj) is KeyArray:
        return True
    while type(obj) in (list, tuple) and obj:
        obj = obj[0]
        if type(obj) is KeyArray:
            return True
    return False


_FUNCTIONS = {
    "stack": (_stack, _seq_has_key),
    "concatenate": (_concatenate, _seq_has_key),
    "where": (_where, _has_key_anywhere),
    "array": (_array, _array_has_key),
    "asarray": (_asarray, _array_has_key),
    "broadcast_to": (_broadcast_to, _first_is_key),
    "expand_dims": (_expand_dims, _first_is_key),
    "reshape": (_reshape, _first_is_key),
    "take": (_take, _first_is_key),
    "squeeze": (_method("squeeze"), _first_is_key),
    "ravel": (_method("ravel"), _first_is_key),
    "transpose": (_method("transpose"), _first_is_key),
    "swapaxes": (_method("swapaxes"), _first_is_key),
}


def _key_aware(fn, on_keys, has_key):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if has_key(args, kwargs):
            return on_keys(*args, **kwargs)
        return fn(*args, **kwargs)
    wrapper._returns_arrays = True
    return wrapper


def _issubdtype(fn):
    @functools.wraps(fn)
    def issubdtype(arg1, arg2):
        keyed = key_issubdtype(arg1, arg2)
        return fn(arg1, arg2) if keyed is None else keyed
    issubdtype._returns_arrays = True
    return issubdtype


def install(namespace: dict):
    """Make the functions above of ``namespace`` (the public ``vmapx.numpy``'s
    globals) accept key arrays, and its ``issubdtype`` key dtypes."""
    for name, (on_keys, has_key) in _FUNCTIONS.items():
        namespace[name] = _key_aware(namespace[name], on_keys, has_key)
    namespace["issubdtype"] = _issubdtype(namespace["issubdtype"])
