"""``vmapx.numpy``'s grids and index arithmetic: ``meshgrid``, ``indices``,
``ix_``, ``unravel_index``, ``ravel_multi_index`` and ``fromfunction``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from ..core import Tracer, dtype_of, ndim_of, shape_of
from . import dtypes as _dt
from .base import asarray_like, astype
from .creation import linspace
from .shapes import concatenate, reshape, swapaxes, transpose
from . import basic_api as jnp
from .static_args import concrete_or_error

__all__ = ["meshgrid", "indices", "ix_", "unravel_index", "ravel_multi_index",
           "fromfunction", "r_", "c_"]


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


class _AxisConcatenator:
    """NumPy's (and JAX's) ``r_`` / ``c_``: index syntax for concatenation along an axis.

    Slices become ranges (``a:b:s``) or ``linspace`` (an imaginary step ``a:b:nj`` gives
    ``n`` points); arrays, traced values and scalars are joined along ``axis`` after being
    given at least ``ndmin`` dimensions (the 1-d ones laid along ``trans1d``). A leading
    string ``'axis'`` or ``'axis,ndmin[,trans1d]'`` overrides the defaults.

    >>> r_[np.array([1, 2]), 0, 5:7]
    array([1, 2, 0, 5, 6])
    >>> r_["0,2", [1, 2], [3, 4]]
    array([[1, 2],
           [3, 4]])
    >>> c_[np.array([1, 2]), np.array([3, 4])]
    array([[1, 3],
           [2, 4]])
    """
    __slots__ = ("axis", "ndmin", "trans1d")

    def __init__(self, axis=0, ndmin=1, trans1d=-1):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs, kinds = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    raise NotImplementedError(f"the {item!r} directive (a NumPy matrix) is not "
                                              "supported: vmapx has no matrix type")
                try:
                    parts = [int(v) for v in item.split(",")]
                except ValueError:
                    raise ValueError(f"unknown special directive {item!r}") from None
                axis = parts[0]
                if len(parts) > 1:
                    ndmin = parts[1]
                if len(parts) > 2:
                    trans1d = parts[2]
                continue
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                if isinstance(step, (complex, np.complexfloating)):
                    obj = linspace(start, item.stop, num=int(abs(step)))
                else:
                    obj = np.arange(start, item.stop, step)
                kinds.append(dtype_of(obj))
            elif type(item) in (bool, int, float, complex):
                obj = item
                kinds.append(item)  # a weak scalar in the result dtype
            else:
                obj = asarray_like(item)
                kinds.append(dtype_of(obj))
            nd = ndim_of(obj)
            if nd < ndmin:
                obj = reshape(obj, (1,) * (ndmin - nd) + tuple(shape_of(obj)))
                if trans1d != -1 and not isinstance(item, slice):
                    k2, k1 = ndmin - nd, trans1d
                    if k1 < 0:
                        k1 += k2 + 1
                    order = list(range(ndmin))
                    obj = transpose(obj, order[:k1] + order[k2:] + order[k1:k2])
                elif trans1d != -1 and isinstance(item, slice):
                    obj = swapaxes(obj, -1, trans1d)
            objs.append(obj)
        if not objs:
            raise ValueError("need at least one array to concatenate")
        dt = _dt.result_type(*kinds)   # JAX's promotion (Python scalars weak)
        return concatenate([astype(o, dt) for o in objs], axis=axis)

    def __len__(self):
        return 0


r_ = _AxisConcatenator()
c_ = _AxisConcatenator(-1, ndmin=2, trans1d=0)
