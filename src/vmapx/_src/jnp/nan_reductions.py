"""``vmapx.numpy``'s NaN-ignoring sums, products and extrema: ``nansum``,
``nanprod``, ``nanmax``, ``nanmin``, ``nanargmax``, ``nanargmin``,
``nancumsum`` and ``nancumprod`` (NumPy lists them with the functions they
mirror; its own ``nanfunctions`` implement them together), and what the
statistics modules (``averages``, ``order_statistics``) share: the axes of a
reduction, inexact dtypes, NumPy scalars from concrete input.

Results follow NumPy's dtypes.  Where NumPy raises on data it only sees at run
time (an all-NaN slice for ``nanargmax``), concrete input raises as in NumPy
and traced input cannot: it gives JAX's result instead (-1).
"""
from __future__ import annotations

import functools

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of
from .base import asarray_like, canonicalize_axis
from .static_args import scalar_like_numpy
from . import basic_api as jnp

__all__ = ["nansum", "nanprod", "nanmax", "nanmin", "nanargmax", "nanargmin", "nancumsum",
           "nancumprod"]


# ------------------------------------------------- shared by the statistics modules


def _returns_numpy_scalars(fn):

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return scalar_like_numpy(fn(*args, **kwargs))
    return wrapped


def _axes(axis, nd):
    """NumPy's ``normalize_axis_tuple`` (order kept); None -> all axes."""
    if axis is None:
        return tuple(range(nd))
    axes = tuple(canonicalize_axis(a, nd) for a in
                 (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


def _inexact(a):
    return inputs.is_inexact(dtype_of(a))


# -------------------------------------------------------- NaN-ignoring reductions


def _nan_to(a, value):
    return jnp.where(jnp.isnan(a), value, a) if _inexact(a) else a


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Sum treating NaNs as zero, as ``numpy.nansum``.

    >>> nansum(np.array([1.0, np.nan, 2.0]))
    np.float64(3.0)
    """
    a = asarray_like(a)
    return jnp.sum(_nan_to(a, 0), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                      initial=initial, where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product treating NaNs as one, as ``numpy.nanprod``.

    >>> nanprod(np.array([2.0, np.nan, 3.0]))
    np.float64(6.0)
    """
    a = asarray_like(a)
    return jnp.prod(_nan_to(a, 1), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                       initial=initial, where=where)


def _nan_extreme(name, fill_sign):
    def fn(a, axis=None, out=None, keepdims=False, initial=None, where=True):
        a = asarray_like(a)
        red = getattr(jnp, name)
        if not _inexact(a):
            return red(a, axis=axis, out=out, keepdims=keepdims, initial=initial, where=where)
        nan = jnp.isnan(a)
        res = red(jnp.where(nan, fill_sign * np.inf, a), axis=axis, out=out,
                  keepdims=keepdims, initial=initial, where=where)
        if initial is not None:
            return res
        return jnp.where(jnp.all(nan, axis=axis, keepdims=keepdims), np.nan, res)
    fn.__name__ = fn.__qualname__ = "nan" + name
    example = getattr(np, "nan" + name)(np.array([1.0, np.nan, 3.0]))
    fn.__doc__ = (f"``{name}`` ignoring NaNs (NaN for an all-NaN slice), as "
                  f"``numpy.nan{name}``.\n\n>>> nan{name}(np.array([1.0, np.nan, 3.0]))\n"
                  f"{example!r}\n")
    return fn


nanmax = _nan_extreme("max", -1)
nanmin = _nan_extreme("min", 1)


def _nan_arg(name, fill_sign):
    def fn(a, axis=None, out=None, *, keepdims=False):
        a = asarray_like(a)
        arg = getattr(jnp, name)
        if not _inexact(a):
            return arg(a, axis=axis, out=out, keepdims=keepdims)
        nan = jnp.isnan(a)
        res = arg(jnp.where(nan, fill_sign * np.inf, a), axis=axis, out=out, keepdims=keepdims)
        all_nan = jnp.all(nan, axis=axis, keepdims=keepdims)
        if not isinstance(all_nan, Tracer) and np.any(all_nan):
            raise ValueError("All-NaN slice encountered")
        return jnp.where(all_nan, -1, res)
    fn.__name__ = fn.__qualname__ = "nan" + name
    fn.__doc__ = (f"``{name}`` ignoring NaNs, as ``numpy.nan{name}`` (an all-NaN slice raises "
                  f"on concrete input and gives -1 on traced input).\n\n"
                  f">>> nan{name}(np.array([1.0, np.nan, 3.0]))\n"
                  f"{getattr(np, 'nan' + name)(np.array([1.0, np.nan, 3.0]))!r}\n")
    return fn


nanargmax = _nan_arg("argmax", -1)
nanargmin = _nan_arg("argmin", 1)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaNs as zero, as ``numpy.nancumsum``.

    >>> nancumsum(np.array([1.0, np.nan, 2.0]))
    array([1., 1., 3.])
    """
    return jnp.cumsum(_nan_to(asarray_like(a), 0), axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaNs as one, as ``numpy.nancumprod``.

    >>> nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    return jnp.cumprod(_nan_to(asarray_like(a), 1), axis=axis, dtype=dtype, out=out)


# NumPy returns scalars, not 0-d arrays, from these on concrete input.
for _name in ("nansum", "nanprod", "nanmax", "nanmin", "nanargmax", "nanargmin"):
    globals()[_name] = _returns_numpy_scalars(globals()[_name])
