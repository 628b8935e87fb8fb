"""Iotas, ``full`` and the shape operations of ``vmapx.lax`` (``broadcast``,
``broadcast_in_dim``, ``reshape``, ``transpose``, ``squeeze``, ``expand_dims``,
``rev``, ``collapse``, ``concatenate``, ``pad`` with interior padding), with
``lax``'s rules (see ``lax_ops.py``).
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from .jnp.index_updates import IndexUpdateHelper
from .jnp.base import asarray_like, astype, canonicalize_axis
from . import numpy_api as jnp
from .lax_ops import _aval, _out

__all__ = ["iota", "broadcasted_iota", "full", "full_like", "broadcast", "broadcast_in_dim",
           "reshape", "transpose", "squeeze", "expand_dims", "rev", "collapse", "concatenate",
           "pad"]


# ------------------------------------------------------------- creation


def iota(dtype, size: int):
    """``[0, 1, ..., size - 1]`` as ``dtype``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.iota(np.int32, 4)
    array([0, 1, 2, 3], dtype=int32)
    """
    size = operator.index(size)
    if size < 0:
        raise TypeError(f"iota shape must have every element be nonnegative, got ({size},).")
    return np.arange(size, dtype=dtype)


def broadcasted_iota(dtype, shape, dimension: int):
    """An array of ``shape`` holding each element's index along ``dimension``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.broadcasted_iota(np.int32, (2, 3), 1)
    array([[0, 1, 2],
           [0, 1, 2]], dtype=int32)
    """
    shape = tuple(operator.index(s) for s in shape)
    d = canonicalize_axis(dimension, len(shape))
    r = np.arange(shape[d], dtype=dtype).reshape([-1 if i == d else 1 for i in range(len(shape))])
    return np.broadcast_to(r, shape).copy()


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value``.

    >>> from vmapx import lax
    >>> lax.full((2,), 3.0)
    array([3., 3.])
    """
    return _out(jnp.full(tuple(shape), fill_value, dtype))


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like ``x`` (its dtype and shape unless given) filled with ``fill_value``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.full_like(np.ones(2, np.int32), 3.7)
    array([3, 3], dtype=int32)
    """
    a = _aval(x)
    return _out(jnp.full(tuple(a.shape) if shape is None else tuple(shape), fill_value,
                            a.dtype if dtype is None else dtype))


# ---------------------------------------------------------------- shapes


def broadcast(operand, sizes):
    """``operand`` with new leading dimensions ``sizes``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.broadcast(np.array([1, 2]), (3,)).shape
    (3, 2)
    """
    x = asarray_like(operand)
    return _out(jnp.broadcast_to(x, tuple(sizes) + tuple(_aval(x).shape)))


def broadcast_in_dim(operand, shape, broadcast_dimensions):
    """``operand`` broadcast to ``shape``, its dimension ``i`` becoming
    dimension ``broadcast_dimensions[i]`` of the result.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.broadcast_in_dim(np.array([1, 2]), (3, 2, 4), (1,)).shape
    (3, 2, 4)
    """
    x = asarray_like(operand)
    in_shape = tuple(_aval(x).shape)
    shape = tuple(shape)
    dims = tuple(broadcast_dimensions)
    if len(dims) != len(in_shape) or any(
            not (in_shape[i] == shape[d] or in_shape[i] == 1) for i, d in enumerate(dims)) \
            or len(set(dims)) != len(dims) or any(not 0 <= d < len(shape) for d in dims):
        raise TypeError("broadcast_in_dim operand dimension sizes must either be 1, or be "
                        "equal to their corresponding dimensions in the target broadcast "
                        f"shape; got operand of shape {in_shape}, target broadcast shape "
                        f"{shape}, broadcast_dimensions {dims} ")
    if list(dims) != sorted(dims):  # operand axes land in another order: transpose first
        perm = tuple(sorted(range(len(dims)), key=dims.__getitem__))
        x, in_shape, dims = (jnp.transpose(x, perm), tuple(in_shape[i] for i in perm),
                             tuple(dims[i] for i in perm))
    inter = [1] * len(shape)
    for i, d in enumerate(dims):
        inter[d] = in_shape[i]
    return _out(jnp.broadcast_to(jnp.reshape(x, tuple(inter)), shape))


def reshape(operand, new_sizes, dimensions=None):
    """``operand`` reshaped to ``new_sizes`` (after transposing by ``dimensions``).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.reshape(np.arange(6), (2, 3))
    array([[0, 1, 2],
           [3, 4, 5]])
    """
    x = asarray_like(operand)
    if dimensions is not None:
        dims = tuple(operator.index(d) for d in dimensions)
        if sorted(dims) != list(range(len(_aval(x).shape))):
            raise TypeError(f"reshape dimensions must be a permutation of operand dimensions, "
                            f"got dimensions {dims} for shape {tuple(_aval(x).shape)}.")
        x = jnp.transpose(x, dims)
    return _out(jnp.reshape(x, tuple(new_sizes)))


def transpose(operand, permutation):
    """``operand`` with its dimensions permuted.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.transpose(np.ones((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    x = asarray_like(operand)
    perm = tuple(operator.index(p) for p in permutation)
    shape = tuple(_aval(x).shape)
    if sorted(perm) != list(range(len(shape))):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, got "
                        f"permutation {perm} for operand shape {shape}.")
    return _out(jnp.transpose(x, perm))


def squeeze(array, dimensions):
    """``array`` without the size-1 ``dimensions``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.squeeze(np.ones((1, 2, 1)), (0,)).shape
    (2, 1)
    """
    return _out(jnp.squeeze(asarray_like(array), tuple(dimensions)))


def expand_dims(array, dimensions):
    """``array`` with new size-1 ``dimensions``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.expand_dims(np.ones(2), (0, 2)).shape
    (1, 2, 1)
    """
    return _out(jnp.expand_dims(asarray_like(array), tuple(dimensions)))


def rev(operand, dimensions):
    """``operand`` reversed along ``dimensions``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.rev(np.arange(4), (0,))
    array([3, 2, 1, 0])
    """
    x = asarray_like(operand)
    dims = tuple(operator.index(d) for d in dimensions)
    if len(set(dims)) != len(dims):
        raise TypeError(f"rev dimensions must be unique, got {dims}.")
    nd = len(_aval(x).shape)
    if any(d < 0 for d in dims):
        raise TypeError(f"rev dimensions must have every element be nonnegative, got {dims}.")
    if any(d >= nd for d in dims):
        raise TypeError(f"rev dimensions must all be less than operand ndim, got dimensions "
                        f"{dims} for operand ndim {nd}.")
    return _out(jnp.flip(x, dims))


def collapse(operand, start_dimension: int, stop_dimension: int | None = None):
    """``operand`` with dimensions ``start_dimension:stop_dimension`` merged into one.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.collapse(np.ones((2, 3, 4)), 1).shape
    (2, 12)
    """
    x = asarray_like(operand)
    shape = tuple(_aval(x).shape)
    stop = len(shape) if stop_dimension is None else stop_dimension
    size = int(np.prod(shape[start_dimension:stop], dtype=np.int64))
    return _out(jnp.reshape(x, shape[:start_dimension] + (size,) + shape[stop:]))


def concatenate(operands, dimension: int):
    """Join arrays of one dtype along ``dimension``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.concatenate([np.ones(2), np.zeros(3)], 0)
    array([1., 1., 0., 0., 0.])
    """
    ops = [asarray_like(o) for o in operands]
    dts = {_aval(o).dtype for o in ops}
    if len(dts) > 1:
        raise TypeError("lax.concatenate requires arguments to have the same dtypes, got "
                        f"{', '.join(_aval(o).dtype.name for o in ops)}. (Tip: "
                        "jnp.concatenate is a similar function that does automatic type "
                        "promotion on inputs).")
    return _out(jnp.concatenate(ops, axis=dimension))


def pad(operand, padding_value, padding_config):
    """Pad with ``padding_value``: ``padding_config`` holds ``(low, high,
    interior)`` per dimension (negative ``low``/``high`` crop).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.pad(np.array([1, 2, 3]), 0, [(1, 2, 1)])
    array([0, 1, 0, 2, 0, 3, 0, 0])
    """
    x = asarray_like(operand)
    a = _aval(x)
    config = [tuple(operator.index(v) for v in c) for c in padding_config]
    if len(config) != len(a.shape):
        raise ValueError(f"length of padding_config must equal the number of axes of operand, "
                         f"got padding_config {padding_config} for operand shape {a.shape}")
    if any(c[2] < 0 for c in config):
        raise ValueError(f"interior padding in padding_config must be nonnegative, got "
                         f"padding_config {padding_config}")
    out_shape = tuple(int(lo + hi + n + max(n - 1, 0) * interior)
                      for n, (lo, hi, interior) in zip(a.shape, config, strict=True))
    if any(n < 0 for n in out_shape):
        raise ValueError(f"Dimension size after padding is not at least 0, got result shape "
                         f"{out_shape}, for padding_config {tuple(config)} and operand shape "
                         f"{tuple(a.shape)}")
    pv = _aval(padding_value)
    if pv.dtype != a.dtype:   # a Python scalar has its x64 dtype, as in JAX
        raise TypeError(f"pad operand and padding_value must be same dtype: got "
                        f"{a.dtype.name} and {pv.dtype.name}.")
    grown, place, crop = [], [], []
    for n, (lo, hi, interior) in zip(a.shape, config, strict=True):
        core = n + max(n - 1, 0) * interior
        full_lo, full_hi = max(lo, 0), max(hi, 0)
        grown.append(full_lo + core + full_hi)
        place.append(builtins.slice(full_lo, full_lo + core, interior + 1))
        crop.append(builtins.slice(full_lo - lo, full_lo + core + hi if hi < 0 else None))
    base = jnp.full(tuple(grown), 0, a.dtype)
    base = base + astype(asarray_like(padding_value), a.dtype)
    out = IndexUpdateHelper(base)[tuple(place)].set(x)
    return _out(out[tuple(crop)])


