"""Small ``lax`` operations: ``optimization_barrier``, ``fft`` with ``FftType``,
``reduce_precision``, ``mulhi``, ``betainc``, ``tile``, ``stack``, ``unstack``,
``broadcast_shapes``, ``platform_dependent`` (vmapx always runs the ``cpu``
branch) and ``empty``.

``fft`` binds the ``fft`` primitive (``prims/fft.py``), ``reduce_precision``
and ``mulhi`` their primitives in ``prims/numerics.py``, ``betainc`` the
``betainc`` primitive of ``prims/special.py``; the rest are shape operations
written with ``vmapx.numpy``.  ``optimization_barrier`` has nothing to prevent
here (there is no compiler): it returns its operands as arrays.
"""
from __future__ import annotations

import enum
import operator

import numpy as np

from . import inputs
from . import numpy_api as jnp, tree as tu
from .core import Tracer, get_aval, is_python_scalar
from .jnp.base import asarray_like, astype
from .prims.fft import fft_p
from .prims.numerics import mulhi_p, reduce_precision_p
from .prims.special import betainc_p

__all__ = ["optimization_barrier", "FftType", "fft", "reduce_precision", "mulhi", "betainc",
           "tile", "stack", "unstack", "broadcast_shapes", "platform_dependent", "empty"]


def _out(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def optimization_barrier(operand, /):
    """Returns ``operand`` (any pytree), its leaves as arrays.  In JAX it stops
    XLA from moving computations across it; vmapx has no compiler to stop.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.optimization_barrier((1.0, np.arange(2)))
    (array(1.), array([0, 1]))
    """
    return tu.tree_map(lambda x: _out(asarray_like(x)), operand)


class FftType(enum.IntEnum):
    """The kind of ``lax.fft``: complex forward/inverse, real-to-complex, and
    complex-to-real.

    >>> FftType.RFFT
    <FftType.RFFT: 2>
    """
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


_FFT_NAMES = {**{t.name: t for t in FftType}, **{t.name.lower(): t for t in FftType}}


def _fft_type(fft_type):
    if isinstance(fft_type, str):  # 'fft' or 'FFT', as JAX accepts
        if fft_type not in _FFT_NAMES:
            raise ValueError(f"Unknown FFT type '{fft_type}'")
        return _FFT_NAMES[fft_type]
    return FftType(fft_type)


def fft(x, fft_type, fft_lengths):
    """An FFT over the last ``len(fft_lengths)`` axes of ``x``: ``FFT``/``IFFT``
    (complex to complex), ``RFFT`` (real to complex: the last axis becomes
    ``n // 2 + 1`` long) or ``IRFFT`` (complex to real, of lengths
    ``fft_lengths``).  ``fft_type`` may be a ``FftType`` or its name.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.fft(np.array([1.0, 2.0, 3.0, 4.0]), 'rfft', (4,))
    array([10.+0.j, -2.+2.j, -2.+0.j])
    >>> lax.fft(np.ones((2, 2), np.complex64), lax.FftType.FFT, (2, 2)).dtype
    dtype('complex64')
    """
    kind = _fft_type(fft_type)
    lengths = tuple(operator.index(n) for n in fft_lengths)
    x = asarray_like(x)
    a = get_aval(x)
    nd = len(a.shape)
    k = len(lengths)
    if k > nd:
        raise ValueError(f"fft: {k} fft_lengths for an operand of rank {nd}")
    axes = tuple(range(nd - k, nd))
    if kind is FftType.IRFFT:
        if lengths and (tuple(a.shape[nd - k:-1]) != lengths[:-1]
                        or a.shape[-1] != lengths[-1] // 2 + 1):
            raise ValueError(f"IRFFT fft_lengths {lengths} do not match operand shape "
                             f"{tuple(a.shape)}")
    elif tuple(a.shape[nd - k:]) != lengths:
        raise ValueError(f"fft_lengths {lengths} must equal the last {k} dimensions of the "
                         f"operand, {tuple(a.shape)}")
    if kind is FftType.RFFT:
        if a.dtype.kind == "c":
            raise TypeError(f"RFFT requires a real operand, got {a.dtype.name}")
        if inputs.kind(a.dtype) != "f":
            x = astype(x, np.float64)
    elif a.dtype.kind != "c":
        x = astype(x, np.complex64 if a.dtype == np.float32 else np.complex128)
    if not k:
        return _out(x)
    name = {FftType.FFT: "fft", FftType.IFFT: "ifft", FftType.RFFT: "rfft",
            FftType.IRFFT: "irfft"}[kind]
    return _out(fft_p.bind(x, kind=name, axes=axes, norm="backward", n=lengths[-1]))


def reduce_precision(operand, exponent_bits, mantissa_bits):
    """Round floats to ``exponent_bits`` exponent and ``mantissa_bits`` mantissa
    bits (round to nearest even; too large to infinity, too small to zero),
    keeping the dtype: e.g. ``(8, 7)`` emulates bfloat16, ``(5, 10)`` float16.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.reduce_precision(np.float32(1.2345678), 5, 10)
    array(1.234375, dtype=float32)
    >>> lax.reduce_precision(np.array([1e5, 1e-9]), 5, 10)
    array([inf,  0.])
    """
    x = asarray_like(operand)
    if is_python_scalar(x):
        x = np.asarray(x)
    params = dict(exponent_bits=operator.index(exponent_bits),
                  mantissa_bits=operator.index(mantissa_bits))
    reduce_precision_p.abstract(get_aval(x), **params)
    return _out(reduce_precision_p.bind(x, **params))


def mulhi(x, y, /):
    """The high half of the double-width product of two integers of one dtype
    (``(x * y) >> bits``, exactly, signed or unsigned).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.mulhi(np.uint8(200), np.uint8(200))
    array(156, dtype=uint8)
    >>> lax.mulhi(np.int64(-5), np.int64(3))
    array(-1)
    """
    x, y = asarray_like(x), asarray_like(y)
    dx, dy = get_aval(x), get_aval(y)
    if not dx.weak_type and not dy.weak_type and dx.dtype != dy.dtype:
        raise TypeError(f"lax.mulhi requires arguments to have the same dtypes, got "
                        f"{dx.dtype.name}, {dy.dtype.name}.")
    for a in (dx, dy):
        if a.dtype.kind not in "iu":
            raise TypeError(f"mulhi does not accept dtype {a.dtype.name}. Accepted dtypes "
                            "are subtypes of integer.")
    return _out(mulhi_p.bind(x, y))


def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)`` (differentiable in
    all three arguments; in ``x`` in closed form).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.betainc(np.array(2.0), np.array(3.0), np.array([0.0, 0.5, 1.0]))
    array([0.    , 0.6875, 1.    ])
    """
    args = [asarray_like(v) for v in (a, b, x)]
    avals = [get_aval(v) for v in args]
    strong = {v.dtype for v in avals if not v.weak_type}
    if len(strong) > 1:
        raise TypeError(f"lax.betainc requires arguments to have the same dtypes, got "
                        f"{', '.join(v.dtype.name for v in avals)}.")
    for v in avals:
        if inputs.kind(v.dtype) != "f":
            raise TypeError(f"betainc does not accept dtype {v.dtype.name}. Accepted dtypes "
                            "are subtypes of floating.")
    return _out(betainc_p.bind(*args))


def tile(operand, reps):
    """``operand`` repeated ``reps[i]`` times along axis ``i`` (one rep per axis).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.tile(np.array([[1, 2]]), (2, 2))
    array([[1, 2, 1, 2],
           [1, 2, 1, 2]])
    """
    x = asarray_like(operand)
    reps = tuple(operator.index(r) for r in reps)
    nd = len(get_aval(x).shape)
    if len(reps) != nd:
        raise ValueError(f"reps length must be equal to the ndim of x, got len(reps)="
                         f"{len(reps)} and x.ndim={nd}.")
    return _out(jnp.tile(x, reps))


def stack(operands, axis: int = 0):
    """Arrays of one shape and dtype stacked along a new axis ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.stack([np.zeros(2), np.ones(2)], axis=1)
    array([[0., 1.],
           [0., 1.]])
    """
    ops = [asarray_like(o) for o in operands]
    if not ops:
        raise ValueError("stack requires at least one operand")
    dtypes = {get_aval(o).dtype for o in ops}
    if len(dtypes) > 1:
        raise TypeError(f"lax.stack requires arguments to have the same dtypes, got "
                        f"{', '.join(get_aval(o).dtype.name for o in ops)}.")
    return _out(jnp.stack(ops, axis=axis))


def unstack(x, axis: int = 0):
    """The slices of ``x`` along ``axis``, as a tuple.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.unstack(np.arange(4).reshape(2, 2), axis=1)
    (array([0, 2]), array([1, 3]))
    """
    x = asarray_like(x)
    n = get_aval(x).shape[axis]
    moved = jnp.moveaxis(x, axis, 0)
    return tuple(_out(moved[i]) for i in range(n))


def _shape_tuple(shape):
    try:
        if isinstance(shape, (str, bytes)):
            raise TypeError
        dims = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, got "
                        f"{shape}.") from None
    if any(d < 0 for d in dims):
        raise TypeError(f"Only non-negative indices are allowed when broadcasting static "
                        f"shapes, but got shape {dims}.")
    return dims


def broadcast_shapes(*shapes):
    """The shape NumPy-style broadcasting of ``shapes`` gives, as Python ints.

    >>> from vmapx import lax
    >>> lax.broadcast_shapes((1, 2, 3), (2, 3))
    (1, 2, 3)
    """
    if not shapes:
        raise ValueError("broadcast_shapes requires at least one shape")
    dims = [_shape_tuple(s) for s in shapes]
    nd = max(len(d) for d in dims)
    padded = [(1,) * (nd - len(d)) + d for d in dims]
    out = []
    for sizes in zip(*padded, strict=True):
        big = {s for s in sizes if s != 1}
        if len(big) > 1:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={list(dims)}")
        out.append(int(big.pop()) if big else 1)
    return tuple(out)


PLATFORM = "cpu"
"""The platform ``platform_dependent`` picks: vmapx computes with NumPy on the CPU."""


def platform_dependent(*args, default=None, **per_platform):
    """Call the branch for the current platform (``cpu`` for vmapx), else
    ``default``, on ``args``.  The other branches are never traced.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.platform_dependent(np.array([0.0]), cpu=np.cos, default=np.sin)
    array([1.])
    """
    branch = per_platform.get(PLATFORM, default)
    if branch is None:
        raise NotImplementedError(f"translation rule for platform_dependent not found for "
                                  f"platform {PLATFORM} (branches given: "
                                  f"{sorted(per_platform)}, no default)")
    return branch(*args)


def empty(shape, dtype):
    """An array of ``shape`` and ``dtype`` whose contents are unspecified (zeros
    here).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.empty((2,), np.float32)
    array([0., 0.], dtype=float32)
    """
    return np.zeros(tuple(operator.index(d) for d in shape), np.dtype(dtype))
