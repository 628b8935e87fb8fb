"""PRNG bits: the ``threefry2x32`` primitive, the one place random numbers come from.

``threefry2x32(k1, k2, x1, x2) -> (y1, y2)`` is the Threefry-2x32 block cipher
(20 rounds; Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011)
keyed by ``(k1, k2)`` and applied elementwise to the counter pairs ``(x1, x2)``.
All four operands are ``uint32`` arrays and broadcast against each other like
NumPy operands; both results have the broadcast shape.  It is the primitive of
JAX's ``threefry2x32_p``, bit for bit.

The implementation is vectorized NumPy ``uint32`` arithmetic (which wraps
modulo 2**32): twenty add / rotate / xor rounds, each one ufunc call over all
elements (large arrays in cache-sized blocks of 65536, which is 2.5x faster
than whole-array passes; the work per call is memory-bound).
The batching rule is the broadcasting one: a batch of keys and a batch of
counters are just more elements, so a ``vmap`` over keys runs the cipher once,
on the whole batch.  The outputs are integers and carry no derivative; the JVP
rule says so (symbolic-zero tangents), which lets samplers sit inside
differentiated code.  ``vmapx.random`` builds every sampler from this primitive
and the ordinary array primitives.

>>> import numpy as np
>>> from vmapx._src.prims.random_bits import threefry2x32_p
>>> counts = np.arange(2, dtype=np.uint32)
>>> threefry2x32_p.bind(np.uint32(0), np.uint32(0), np.zeros(2, np.uint32), counts)
[array([1797259609,  928981903], dtype=uint32), array([2579123966, 3453687069], dtype=uint32)]
"""
from __future__ import annotations

import math

import numpy as np

from ..core import Primitive, ShapedArray
from .elementwise import broadcasting_batch

_U32 = np.dtype(np.uint32)


def _c(v):
    # Constants as 0-d arrays: the cheapest operand for a ufunc on small arrays.
    return np.array(v, _U32)


_ROTATIONS = tuple(tuple((_c(r), _c(32 - r)) for r in rs)
                   for rs in ((13, 15, 26, 6), (17, 29, 16, 24)))
_PARITY = _c(0x1BD11BDA)
_INJECTION = tuple(_c(i + 1) for i in range(5))


_BLOCK = 1 << 16  # elements per pass: the rounds' operands stay in cache


def _threefry2x32(k1, k2, x1, x2):
    """NumPy Threefry-2x32 over broadcast operands (the primitive's impl)."""
    ops = [np.asarray(a, _U32) for a in (k1, k2, x1, x2)]
    shape = np.broadcast_shapes(*(a.shape for a in ops))
    # Operands that are one value stay 0-d; the others are flattened to full size.
    flat = [a.reshape(()) if a.size == 1 else np.broadcast_to(a, shape).reshape(-1) for a in ops]
    n = math.prod(shape)
    y1, y2 = np.empty(n, _U32), np.empty(n, _U32)
    for start in range(0, n, _BLOCK):
        part = slice(start, start + _BLOCK)
        _rounds(*[a if a.ndim == 0 else a[part] for a in flat], y1[part], y2[part])
    return [y1.reshape(shape), y2.reshape(shape)]


def _rounds(k1, k2, x1, x2, v0, v1):
    """The 20 rounds on one block, written into ``v0``, ``v1`` (uint32 wraps)."""
    add, xor = np.add, np.bitwise_xor
    ks = (k1, k2, np.asarray(xor(xor(k1, k2), _PARITY)))
    add(x1, ks[0], out=v0)
    add(x2, ks[1], out=v1)
    tmp = np.empty_like(v0)
    for block in range(5):
        for left, right in _ROTATIONS[block % 2]:
            add(v0, v1, out=v0)
            # v1 = rotate_left(v1, r) ^ v0, in place
            np.right_shift(v1, right, out=tmp)
            np.left_shift(v1, left, out=v1)
            np.bitwise_or(v1, tmp, out=v1)
            xor(v1, v0, out=v1)
        add(v0, ks[(block + 1) % 3], out=v0)
        add(v1, ks[(block + 2) % 3], out=v1)
        add(v1, _INJECTION[block], out=v1)


def _threefry2x32_abstract(*avals):
    if any(a.dtype != _U32 for a in avals):
        raise TypeError(f"Arguments to threefry2x32 must have uint32 type, got "
                        f"{[a.dtype.name for a in avals]}")
    try:
        shape = np.broadcast_shapes(*[a.shape for a in avals])
    except ValueError:
        raise TypeError(f"threefry2x32 got incompatible shapes for broadcasting: "
                        f"{', '.join(str(a.shape) for a in avals)}") from None
    out = ShapedArray(tuple(shape), _U32)
    return [out, out]


threefry2x32_p = Primitive("threefry2x32", _threefry2x32, abstract=_threefry2x32_abstract,
                           multiple_results=True)

_broadcasting_rule = broadcasting_batch(threefry2x32_p)


def _threefry2x32_batch(axis, vals, dims):
    # Elementwise over keys and counters alike: batch axes are aligned (moved
    # to the front where they differ) and the same primitive runs once.
    outs, d = _broadcasting_rule(axis, vals, dims)
    return outs, [d, d]


def _threefry2x32_jvp(primals, tangents):
    return threefry2x32_p.bind(*primals), [None, None]


threefry2x32_p.batch = _threefry2x32_batch
threefry2x32_p.jvp = _threefry2x32_jvp
