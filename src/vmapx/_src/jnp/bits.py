"""``vmapx.numpy``'s bit packing: ``packbits`` and ``unpackbits``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from ..core import dtype_of, ndim_of, shape_of
from .base import asarray_like, canonicalize_axis
from .shapes import slice_along
from . import basic_api as jnp
from ..prims import shapes as sp

__all__ = ["packbits", "unpackbits"]


def packbits(a, axis=None, bitorder="big"):
    """Pack the truth values of ``a`` into the bits of uint8, as ``numpy.packbits``.

    >>> packbits(np.array([1, 0, 1, 1, 0, 0, 0, 0, 1]))
    array([176, 128], dtype=uint8)
    """
    a = asarray_like(a)
    if dtype_of(a).kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    bits_ = jnp.astype(jnp.not_equal(a, 0), np.uint8)
    n = shape_of(bits_)[axis]
    pad = (-n) % 8
    if pad:
        pw = [(0, 0)] * ndim_of(bits_)
        pw[axis] = (0, pad)
        bits_ = sp.pad_p.bind(bits_, pad_width=tuple(pw), value=0)
    bits_ = jnp.moveaxis(bits_, axis, -1)
    s = shape_of(bits_)
    bits_ = jnp.reshape(bits_, s[:-1] + (s[-1] // 8, 8))
    weights = (1 << np.arange(8, dtype=np.uint8))
    if bitorder == "big":
        weights = weights[::-1].copy()
    packed = jnp.sum(bits_ * weights, axis=-1, dtype=np.uint8)
    return jnp.moveaxis(packed, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """Unpack the bits of a uint8 array, as ``numpy.unpackbits``.

    >>> unpackbits(np.array([176], dtype=np.uint8))
    array([1, 0, 1, 1, 0, 0, 0, 0], dtype=uint8)
    """
    a = asarray_like(a)
    if dtype_of(a) != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    bits_ = jnp.bitwise_and(jnp.right_shift(jnp.expand_dims(a, -1), shifts), np.uint8(1))
    bits_ = jnp.moveaxis(bits_, ndim_of(a), axis + 1)
    s = shape_of(bits_)
    bits_ = jnp.reshape(bits_, s[:axis] + (s[axis] * 8,) + s[axis + 2:])
    if count is not None:
        total = shape_of(bits_)[axis]
        count = operator.index(count)
        if count < 0:
            count = builtins.max(total + count, 0)
        if count <= total:
            bits_ = slice_along(bits_, axis, 0, count)
        else:
            pw = [(0, 0)] * ndim_of(bits_)
            pw[axis] = (0, count - total)
            bits_ = sp.pad_p.bind(bits_, pad_width=tuple(pw), value=0)
    return bits_
