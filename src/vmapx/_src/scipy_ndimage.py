"""``vmapx.scipy.ndimage`` (``jax.scipy.ndimage``): ``map_coordinates``,
interpolation of an N-dimensional array at arbitrary coordinates, of order 0
(nearest, rounding half away from zero) or 1 (linear), with JAX's boundary
modes ``'constant'``, ``'nearest'``, ``'wrap'``, ``'mirror'`` and
``'reflect'``.

As in JAX, ``'constant'`` and ``'wrap'`` treat the input as a grid of samples
(SciPy's ``'grid-constant'`` and ``'grid-wrap'``): a linear interpolation
near the edge blends with ``cval`` rather than snapping to it.

Each of the ``2 ** N`` corners (``1`` for order 0) is one gather of the
input at index arrays computed from the coordinates, weighted by products of
1-D weights, so the result is batched under ``vmap`` and differentiable in
the input and in the coordinates (piecewise linear).  Integer inputs give
rounded results in their own dtype.

>>> map_coordinates(np.arange(6.0).reshape(2, 3), [np.array([0.5]), np.array([1.0])], order=1)
array([2.5])
"""
from __future__ import annotations

import functools
import itertools
import operator

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp.base import asarray_like
from . import lax_ops, numpy_api as jnp

__all__ = ["map_coordinates"]


def _mirror(index, size):
    period = size - 1
    return jnp.abs((index + period) % (2 * period) - period)


def _reflect(index, size):
    return jnp.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


_INDEX_FIXERS = {
    # out-of-grid samples are replaced by cval; gather at a clipped index
    "constant": lambda index, size: jnp.clip(index, 0, size - 1),
    "nearest": lambda index, size: jnp.clip(index, 0, size - 1),
    "wrap": lambda index, size: index % size,
    "mirror": _mirror,
    "reflect": _reflect,
}


def _round_half_away(x):
    return x if dtype_of(x).kind in "iub" else lax_ops.round(x)


def _nearest(coordinate):
    index = jnp.astype(_round_half_away(coordinate), np.int64)
    return [(index, None)]


def _linear(coordinate):
    lower = jnp.floor(coordinate)
    upper_weight = coordinate - lower
    index = jnp.astype(lower, np.int64)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def map_coordinates(input, coordinates, order, mode="constant", cval=0.0):
    """The values of ``input`` at ``coordinates`` (a sequence of ``input.ndim``
    arrays of one shape), interpolated with ``order`` 0 or 1, as
    ``jax.scipy.ndimage.map_coordinates``; points outside take ``cval`` in
    ``'constant'`` mode.

    >>> image = np.arange(12.0).reshape(3, 4)
    >>> map_coordinates(image, [np.array([0.5, 2.0]), np.array([0.5, 3.5])], order=1)
    array([2.5, 5.5])
    >>> map_coordinates(image, [np.array([-1.0]), np.array([0.0])], order=0, mode="wrap")
    array([8.])
    """
    x = jnp.asarray(input)   # a vmapx array: traced indices can index it
    coordinates = [asarray_like(c) for c in coordinates]
    if len(coordinates) != ndim_of(x):
        raise ValueError("coordinates must be a sequence of length input.ndim, but "
                         f"{len(coordinates)} != {ndim_of(x)}")
    fixer = _INDEX_FIXERS.get(mode)
    if fixer is None:
        raise NotImplementedError(
            f"jax.scipy.ndimage.map_coordinates does not yet support mode {mode}. "
            f"Currently supported modes are {set(_INDEX_FIXERS)}.")
    if order == 0:
        nodes_of = _nearest
    elif order == 1:
        nodes_of = _linear
    else:
        raise NotImplementedError(
            "jax.scipy.ndimage.map_coordinates currently requires order<=1")
    cval = jnp.astype(asarray_like(cval), dtype_of(x))
    per_axis = []
    for coordinate, size in zip(coordinates, shape_of(x), strict=True):
        nodes = []
        for index, weight in nodes_of(coordinate):
            valid = (index >= 0) & (index < size) if mode == "constant" else None
            nodes.append((fixer(index, size), valid, weight))
        per_axis.append(nodes)
    terms = []
    for corner in itertools.product(*per_axis):
        indices = tuple(index for index, _, _ in corner)
        value = x[indices]
        valids = [v for _, v, _ in corner if v is not None]
        if valids:
            value = jnp.where(functools.reduce(operator.and_, valids), value, cval)
        weights = [w for _, _, w in corner if w is not None]
        if weights:
            value = functools.reduce(operator.mul, weights) * value
        terms.append(value)
    result = functools.reduce(operator.add, terms)
    if dtype_of(x).kind in "iu":
        result = _round_half_away(result)
    return jnp.astype(result, dtype_of(x))
