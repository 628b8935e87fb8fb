"""``vmapx.numpy``'s grids and index arithmetic: ``meshgrid``, ``indices``,
``ix_``, ``unravel_index``, ``ravel_multi_index`` and ``fromfunction``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from ..core import Tracer, dtype_of, ndim_of, shape_of
from .base import asarray_like
from . import basic_api as jnp
from .static_args import concrete_or_error

__all__ = ["meshgrid", "indices", "ix_", "unravel_index", "ravel_multi_index",
           "fromfunction"]


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors, as ``numpy.meshgrid``.

    >>> [g.tolist() for g in meshgrid(np.array([1, 2]), np.array([3, 4, 5]))]
    [[[1, 2], [1, 2], [1, 2]], [[3, 3], [4, 4], [5, 5]]]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    nd = len(xi)
    out = []
    for i, x in enumerate(xi):
        shape = [1] * nd
        shape[i] = -1
        if indexing == "xy" and nd > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(jnp.reshape(asarray_like(x), tuple(shape)))
    if not sparse:
        out = jnp.broadcast_arrays(*out)
    return tuple(out)


def indices(dimensions, dtype=int, sparse=False):
    """Grid of indices of the given (concrete) shape, as ``numpy.indices``.

    >>> indices((2, 2))[0]
    array([[0, 0],
           [1, 1]])
    """
    dimensions = concrete_or_error(dimensions, "indices", "the dimensions are the output shape")
    return np.indices(tuple(dimensions), dtype=dtype, sparse=sparse)


def ix_(*args):
    """Open mesh for cross-indexing, as ``numpy.ix_`` (boolean masks must be concrete).

    >>> [a.shape for a in ix_(np.array([0, 1]), np.array([2, 3, 4]))]
    [(2, 1), (1, 3)]
    """
    out = []
    nd = len(args)
    for k, a in enumerate(args):
        a = asarray_like(a)
        if ndim_of(a) != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if dtype_of(a) == np.bool_:
            a = concrete_or_error(a, "ix_", "a boolean mask's number of True entries is the "
                              "output shape")
            a = np.nonzero(a)[0]
        elif isinstance(a, np.ndarray) and a.size == 0:
            a = a.astype(np.intp)
        shape = [1] * nd
        shape[k] = shape_of(a)[0]
        out.append(jnp.reshape(a, tuple(shape)))
    return tuple(out)


def unravel_index(indices, shape, order="C"):
    """Coordinate arrays from flat indices, as ``numpy.unravel_index``.

    Concrete out-of-bounds indices raise; traced ones wrap around.

    >>> unravel_index(np.array([5, 7]), (3, 4))
    (array([1, 1]), array([1, 3]))
    """
    indices = asarray_like(indices)
    if dtype_of(indices).kind not in "iu":
        raise TypeError("only int indices permitted")
    shape = (operator.index(shape),) if np.ndim(shape) == 0 else tuple(map(operator.index, shape))
    size = int(np.prod(shape, dtype=np.int64))
    if not isinstance(indices, Tracer):
        bad = (np.asarray(indices) < 0) | (np.asarray(indices) >= size)
        if np.any(bad):
            raise ValueError(f"index {np.asarray(indices)[bad].flat[0]} is out of bounds for "
                             f"array with size {size}")
    indices = jnp.astype(indices, np.intp)
    dims = shape if order == "C" else shape[::-1]
    out = []
    rest = jnp.remainder(indices, builtins.max(size, 1))
    for d in reversed(dims):
        out.append(jnp.remainder(rest, d) if d else rest)
        rest = jnp.floor_divide(rest, d) if d else rest
    out = out[::-1]
    return tuple(out if order == "C" else out[::-1])


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices from coordinate arrays, as ``numpy.ravel_multi_index``.

    ``mode='raise'`` checks concrete indices (traced ones are clipped).

    >>> ravel_multi_index((np.array([1, 2]), np.array([3, 0])), (3, 4))
    array([7, 8])
    """
    dims = tuple(map(operator.index, dims))
    if len(multi_index) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    coords = []
    for i, (c, d, m) in enumerate(zip(multi_index, dims, modes, strict=True)):
        c = asarray_like(c)
        if dtype_of(c).kind not in "iu":
            raise TypeError("only int indices permitted")
        if m == "raise":
            if not isinstance(c, Tracer) and np.any((np.asarray(c) < 0) |
                                                    (np.asarray(c) >= d)):
                raise ValueError("invalid entry in coordinates array")
            c = jnp.clip(c, 0, d - 1)
        elif m == "wrap":
            c = jnp.remainder(c, d)
        elif m == "clip":
            c = jnp.clip(c, 0, d - 1)
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
        coords.append(jnp.astype(c, np.intp))
    if order == "F":
        coords, dims = coords[::-1], dims[::-1]
    out = coords[0]
    for c, d in zip(coords[1:], dims[1:], strict=True):
        out = out * d + c
    return out


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function`` applied to the index grids of ``shape``, as ``numpy.fromfunction``.

    >>> fromfunction(lambda i, j: i + 10 * j, (2, 2), dtype=int)
    array([[ 0, 10],
           [ 1, 11]])
    """
    return function(*indices(shape, dtype=dtype), **kwargs)
