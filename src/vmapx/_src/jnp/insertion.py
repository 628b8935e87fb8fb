"""``vmapx.numpy``'s adding, removing and rearranging of elements:
``append``, ``insert``, ``delete``, ``resize``, ``trim_zeros``, ``rot90``,
``block`` and ``unstack``.  Result shapes that would depend on traced values
raise ``ConcretizationTypeError``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from ..core import dtype_of, ndim_of, shape_of
from .base import asarray_like, canonicalize_axis, promote_args
from . import basic_api as jnp
from .static_args import concrete_or_error

__all__ = ["rot90", "append", "insert", "delete", "block", "resize", "trim_zeros",
           "unstack"]


# ------------------------------------------------------ rearranging and editing


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``, as ``numpy.rot90``.

    >>> rot90(np.array([[1, 2], [3, 4]]))
    array([[2, 4],
           [1, 3]])
    """
    m = asarray_like(m)
    axes = tuple(axes)
    nd = ndim_of(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or builtins.abs(axes[0] - axes[1]) == nd:
        raise ValueError("Axes must be different.")
    if axes[0] >= nd or axes[0] < -nd or axes[1] >= nd or axes[1] < -nd:
        raise ValueError(f"Axes={axes} out of range for array of ndim={nd}.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return jnp.flip(jnp.flip(m, axes[0]), axes[1])
    perm = list(range(nd))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return jnp.transpose(jnp.flip(m, axes[1]), perm)
    return jnp.flip(jnp.transpose(m, perm), axes[1])


def append(arr, values, axis=None):
    """``values`` appended along ``axis`` (flattened when None), as ``numpy.append``.

    >>> append(np.array([1, 2]), [[3, 4]])
    array([1, 2, 3, 4])
    """
    arr, values = promote_args(arr, values)   # JAX's promotion (a weak scalar stays weak)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        values = jnp.ravel(values)
        axis = ndim_of(arr) - 1
    return jnp.concatenate((arr, values), axis=axis)


def _static_positions(obj, n, name):
    obj = concrete_or_error(obj, name, "the positions determine the output shape")
    if isinstance(obj, slice):
        return np.arange(*obj.indices(n), dtype=np.intp), False
    idx = np.asarray(obj)
    if idx.dtype == bool:
        if idx.ndim != 1:
            raise ValueError(f"boolean array argument obj to {name} must be one dimensional")
        return np.flatnonzero(idx), False
    if idx.ndim > 1:
        raise ValueError(f"index array argument obj to {name} must be one dimensional or "
                         "scalar")
    if idx.size == 0:
        idx = idx.astype(np.intp)
    if idx.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return idx, idx.ndim == 0


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the (concrete) positions ``obj``, as ``numpy.insert``.

    >>> insert(np.array([1, 2, 3]), 1, [9, 8])
    array([1, 9, 8, 2, 3])
    """
    arr = asarray_like(arr)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        axis = ndim_of(arr) - 1
    nd = ndim_of(arr)
    axis = canonicalize_axis(axis, nd)
    shape = list(shape_of(arr))
    n = shape[axis]
    idx, scalar = _static_positions(obj, n, "insert")
    values = asarray_like(values)
    if idx.size == 1:
        index = int(idx.reshape(()))
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        if index < 0:
            index += n
        vnd = ndim_of(values)
        if vnd < nd:
            values = jnp.reshape(values, (1,) * (nd - vnd) + tuple(shape_of(values)))
        if scalar:
            values = jnp.moveaxis(values, 0, axis)
        numnew = shape_of(values)[axis]
        positions = np.arange(index, index + numnew)
    else:
        idx = np.where(idx < 0, idx + n, idx)
        numnew = len(idx)
        order = np.argsort(idx, kind="stable")
        positions = idx.copy()
        positions[order] += np.arange(numnew)
    vshape = list(shape)
    vshape[axis] = numnew
    values = jnp.astype(jnp.broadcast_to(values, tuple(vshape)), dtype_of(arr))
    source = np.empty(n + numnew, dtype=np.intp)
    old = np.ones(n + numnew, dtype=bool)
    old[positions] = False
    source[old] = np.arange(n)
    source[positions] = n + np.arange(numnew)
    return jnp.take(jnp.concatenate([arr, values], axis=axis), source, axis=axis)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries at the (concrete) positions ``obj``, as ``numpy.delete``.

    >>> delete(np.array([1, 2, 3, 4]), [0, 2])
    array([2, 4])
    """
    arr = asarray_like(arr)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        axis = ndim_of(arr) - 1
    axis = canonicalize_axis(axis, ndim_of(arr))
    n = shape_of(arr)[axis]
    if isinstance(obj, (bool, np.bool_)) or (isinstance(obj, np.ndarray) and
                                             obj.dtype == bool and obj.ndim == 1):
        obj = concrete_or_error(obj, "delete", "the positions determine the output shape")
        keep = ~np.asarray(obj)
        if keep.shape != (n,):
            raise ValueError(f"boolean array argument obj to delete must be one dimensional "
                             f"and match the axis length of {n}")
    else:
        idx, _ = _static_positions(obj, n, "delete")
        idx = idx.ravel()
        if np.any((idx < -n) | (idx >= n)):
            raise IndexError(f"index {idx[(idx < -n) | (idx >= n)][0]} is out of bounds for "
                             f"axis {axis} with size {n}")
        keep = np.ones(n, dtype=bool)
        keep[idx] = False
    return jnp.take(arr, np.flatnonzero(keep), axis=axis)


def _block_depth(x, path=()):
    if isinstance(x, tuple):
        raise TypeError(f"{list(path)} is a tuple. Only lists can be used to arrange blocks, "
                        "and np.block does not allow implicit conversion from tuple to "
                        "ndarray.")
    if isinstance(x, list):
        if not x:
            raise ValueError(f"List at {list(path)} cannot be empty")
        depths = {_block_depth(e, path + (i,)) for i, e in enumerate(x)}
        if len(depths) != 1:
            raise ValueError("List depths are mismatched.")
        return depths.pop() + 1
    return 0


def block(arrays):
    """Assemble an array from nested lists of blocks, as ``numpy.block``.

    >>> block([[np.eye(2), np.zeros((2, 1))], [np.ones((1, 2)), np.ones((1, 1))]])
    array([[1., 0., 0.],
           [0., 1., 0.],
           [1., 1., 1.]])
    """
    depth = _block_depth(arrays)

    def max_ndim(x):
        return builtins.max(max_ndim(e) for e in x) if isinstance(x, list) else ndim_of(x)

    nd = builtins.max(depth, max_ndim(arrays))

    def assemble(x, level):
        if not isinstance(x, list):
            x = asarray_like(x)
            return jnp.reshape(x, (1,) * (nd - ndim_of(x)) + tuple(shape_of(x)))
        parts = [assemble(e, level + 1) for e in x]
        return jnp.concatenate(parts, axis=-(depth - level))

    return assemble(arrays, 0)


def resize(a, new_shape):
    """Repeat the flattened ``a`` cyclically to ``new_shape``, as ``numpy.resize``.

    >>> resize(np.array([1, 2, 3]), (2, 2))
    array([[1, 2],
           [3, 1]])
    """
    a = jnp.ravel(asarray_like(a))
    new_shape = (operator.index(new_shape),) if np.ndim(new_shape) == 0 else \
        tuple(map(operator.index, new_shape))
    if builtins.any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    total = int(np.prod(new_shape, dtype=np.int64))
    n = shape_of(a)[0]
    if n == 0 or total == 0:
        return np.zeros(new_shape, dtype_of(a))
    return jnp.reshape(jnp.take(a, np.arange(total) % n), new_shape)


def trim_zeros(filt, trim="fb", axis=None):
    """Trim leading/trailing zeros of a concrete array, as ``numpy.trim_zeros``.

    >>> trim_zeros(np.array([0, 1, 2, 0]))
    array([1, 2])
    """
    filt = concrete_or_error(filt, "trim_zeros", "the number of zeros trimmed is the output shape")
    return np.trim_zeros(filt, trim, axis)


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple, as ``numpy.unstack``.

    >>> unstack(np.array([[1, 2], [3, 4]]))
    (array([1, 2]), array([3, 4]))
    """
    x = asarray_like(x)
    if ndim_of(x) == 0:
        raise ValueError("Input array must be at least 1-d.")
    x = jnp.moveaxis(x, axis, 0)
    return tuple(x[i] for i in range(shape_of(x)[0]))
