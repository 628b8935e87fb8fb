"""``vmapx.scipy.interpolate`` (``jax.scipy.interpolate``):
``RegularGridInterpolator``, linear or nearest interpolation on a
rectilinear grid, a pytree (grid, values and fill value are its leaves; the
method and ``bounds_error`` its static data) as in JAX.

Cells are located with ``searchsorted`` on each axis (clipped to the last
cell, so points outside extrapolate linearly when ``fill_value=None``); a
linear interpolation gathers the ``2 ** N`` corners and weights them by
products of the normalised distances.  ``bounds_error=True`` raises
NotImplementedError, as in JAX (a data-dependent error under a transform).
Each grid axis must be strictly increasing (JAX's requirement; SciPy also
accepts decreasing axes).

>>> interp = RegularGridInterpolator((np.array([0.0, 1.0, 2.0]),), np.array([0.0, 10.0, 40.0]))
>>> interp(np.array([0.5, 1.5, 3.0]))
array([ 5., 25., nan])
"""
from __future__ import annotations

import itertools

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp.base import asarray_like
from .scipy_special import _promote_inexact
from .tree import register_pytree_node
from . import numpy_api as jnp

__all__ = ["RegularGridInterpolator"]

_METHODS = ("linear", "nearest")


def _points_array(points, ndim):
    """Sample points as one ``(..., ndim)`` array: a tuple of coordinate
    arrays is stacked on a new last axis; a 1-D array is ``(-1, ndim)``."""
    if isinstance(points, tuple) and len(points) == 1:
        points = points[0]
    if isinstance(points, tuple):
        parts = jnp.broadcast_arrays(*[asarray_like(p) for p in points])
        return jnp.stack([jnp.astype(p, np.float64) for p in parts], axis=-1)
    points = asarray_like(points)
    if ndim_of(points) == 1:
        points = jnp.reshape(points, (-1, ndim))
    return points


class RegularGridInterpolator:
    """Interpolation on a regular (rectilinear) grid, as
    ``scipy.interpolate.RegularGridInterpolator`` with JAX's restrictions:
    ``method`` is ``'linear'`` or ``'nearest'``; points outside the grid
    take ``fill_value`` (NaN by default; ``None`` extrapolates).

    >>> x, y = np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0])
    >>> values = np.array([[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]])
    >>> RegularGridInterpolator((x, y), values)(np.array([[0.5, 1.5]]))
    array([6.5])
    """

    def __init__(self, points, values, method="linear", bounds_error=False,
                 fill_value=np.nan):
        """The interpolator of ``values`` (``(len(g) for g in points) + trailing``)
        on the grid ``points`` (one strictly increasing 1-D array per axis).

        >>> RegularGridInterpolator((np.array([0.0, 1.0]),), np.ones((2, 3))).values.shape
        (2, 3)
        """
        if method not in _METHODS:
            raise ValueError(f"method {method!r} is not defined")
        self.method = method
        self.bounds_error = bounds_error
        if bounds_error:
            raise NotImplementedError("`bounds_error` takes no effect under JIT")
        values = asarray_like(values)
        if len(points) > ndim_of(values):
            raise ValueError(f"there are {len(points)} point arrays, but values has "
                             f"{ndim_of(values)} dimensions")
        (values,) = _promote_inexact(values)
        if fill_value is not None:
            weak = isinstance(fill_value, (bool, int, float, complex))
            fill_value = asarray_like(fill_value)
            if not np.can_cast(dtype_of(fill_value), dtype_of(values), casting="same_kind"):
                raise ValueError("fill_value must be either 'None' or of a type compatible "
                                 "with values")
            if weak:   # a Python number is weakly typed: float32 values stay float32
                fill_value = jnp.astype(fill_value, dtype_of(values))
        self.fill_value = fill_value
        # vmapx arrays (not plain ndarrays), so that traced cell indices can index them
        self.grid = tuple(jnp.asarray(p) for p in points)
        self.values = jnp.asarray(values)

    def __call__(self, xi, method=None):
        """The interpolated values at ``xi`` (``(..., ndim)``, or a tuple of
        coordinate arrays), with this interpolator's method unless ``method``.

        >>> interp = RegularGridInterpolator((np.array([0.0, 2.0]),), np.array([1.0, 3.0]))
        >>> interp(np.array([0.4, 1.6]), method="nearest")
        array([1., 3.])
        """
        method = self.method if method is None else method
        if method not in _METHODS:
            raise ValueError(f"method {method!r} is not defined")
        ndim = len(self.grid)
        xi = _points_array(xi, ndim)
        if shape_of(xi)[-1] != ndim:
            raise ValueError(f"the requested sample points xi have dimension "
                             f"{shape_of(xi)[-1]}, but this RegularGridInterpolator has "
                             f"dimension {ndim}")
        lead = shape_of(xi)[:-1]
        xi = jnp.reshape(xi, (-1, ndim))
        indices, distances, outside = self._find_cells(xi)
        if method == "linear":
            result = self._linear(indices, distances)
        else:
            result = self._nearest(indices, distances)
        if self.fill_value is not None:
            mask = jnp.reshape(outside, shape_of(outside) + (1,) * (ndim_of(result) - 1))
            result = jnp.where(mask, self.fill_value, result)
        return jnp.reshape(result, lead + shape_of(self.values)[ndim:])

    def _find_cells(self, xi):
        indices, distances = [], []
        outside = None
        for axis, g in enumerate(self.grid):
            x = xi[:, axis]
            i = jnp.clip(jnp.searchsorted(g, x) - 1, 0, shape_of(g)[0] - 2)
            lo, hi = g[i], g[i + 1]
            indices.append(i)
            distances.append((x - lo) / (hi - lo))
            out = (x < g[0]) | (x > g[-1])
            outside = out if outside is None else outside | out
        return indices, distances, outside

    def _linear(self, indices, distances):
        trailing = ndim_of(self.values) - len(indices)
        result = None
        for corner in itertools.product((0, 1), repeat=len(indices)):
            weight = None
            for upper, y in zip(corner, distances, strict=True):
                w = y if upper else 1 - y
                weight = w if weight is None else weight * w
            at = tuple(i + upper for i, upper in zip(indices, corner, strict=True))
            weight = jnp.reshape(weight, shape_of(weight) + (1,) * trailing)
            term = self.values[at] * weight
            result = term if result is None else result + term
        return result

    def _nearest(self, indices, distances):
        at = tuple(jnp.where(y <= 0.5, i, i + 1)
                   for i, y in zip(indices, distances, strict=True))
        return self.values[at]


register_pytree_node(
    RegularGridInterpolator,
    lambda r: ((r.grid, r.values, r.fill_value), (r.method, r.bounds_error)),
    lambda static, leaves: RegularGridInterpolator(leaves[0], leaves[1], static[0],
                                                   static[1], leaves[2]),
)
