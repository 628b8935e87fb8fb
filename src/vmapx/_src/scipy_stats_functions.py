"""The functions of ``vmapx.scipy.stats`` (``jax.scipy.stats.mode``,
``rankdata`` and ``sem``), with JAX's signatures, defaults, dtypes, NaN
policies and errors, composed from ``numpy_api``, ``lax`` and ``vmap`` (so
they sit in the layer built on vmap): ``mode`` counts each column's distinct
values with a fixed-size ``unique`` mapped over the columns, ``rankdata``
ranks by a stable key/index sort (``apply_along_axis`` along ``axis``).

>>> from vmapx.scipy.stats import rankdata
>>> rankdata(np.array([30, 10, 20, 20]))
array([4. , 1. , 2.5, 2.5])
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import numpy_api as jnp
from .api import vmap
from .core import dtype_of, shape_of
from .jnp.base import asarray_like, canonicalize_axis
from .jnp.vectorize import apply_along_axis
from .lax_ops import sort_key_val
from .scipy_special import _out, _promote_inexact
from .scipy_stats_support import _quiet

_NAN_POLICIES = ("propagate", "omit", "raise")
_RANK_METHODS = ("average", "min", "max", "dense", "ordinal")


class ModeResult(NamedTuple):
    """The result of ``mode``: the modal values and how often they occur."""
    mode: object
    count: object


def _check_nan_policy(nan_policy):
    if nan_policy not in _NAN_POLICIES:
        raise ValueError(f"Illegal nan_policy value {nan_policy!r}; expected one of "
                         "{'propagate', 'omit', 'raise'}")


def _mode_of_column(column):
    """The most frequent value of a 1-D ``column`` (the smallest one on a tie;
    NaNs count as one value, sorted last) and its count; NaN and 0. (floats)
    for an empty column."""
    if shape_of(column)[0] == 0:
        return np.asarray(np.nan), np.asarray(0.0)
    values, counts = jnp.unique(column, return_counts=True, size=shape_of(column)[0])
    return values[jnp.argmax(counts)], jnp.max(counts)


def mode(a, axis=0, nan_policy="propagate", keepdims=False):
    """The most frequent value along ``axis`` (every element with ``axis=None``)
    and its count, as ``ModeResult(mode, count)``; ties go to the smallest
    value.  ``nan_policy='propagate'`` counts NaNs as one value; ``'omit'`` and
    ``'raise'`` raise NotImplementedError, as in JAX.

    >>> from vmapx.scipy.stats import mode
    >>> mode(np.array([[1, 2, 2], [3, 3, 1], [1, 3, 2]]))
    ModeResult(mode=array([1, 3, 2]), count=array([2, 2, 2]))
    >>> mode(np.array([1.0, 5.0, 5.0]), axis=None, keepdims=True)
    ModeResult(mode=array([5.]), count=array([2]))
    """
    x = jnp.atleast_1d(asarray_like(a))
    _check_nan_policy(nan_policy)
    if nan_policy == "omit":
        raise NotImplementedError(f"Logic for `nan_policy` of {nan_policy} is not implemented")
    if nan_policy == "raise":
        raise NotImplementedError(
            "In order to best JIT compile `mode`, we cannot know whether `x` contains nans. "
            "Please check if nans exist in `x` outside of the `mode` function.")
    shape = shape_of(x)
    if axis is None:
        out_shape = (1,) * len(shape) if keepdims else ()
        x = jnp.ravel(x)
        axis = 0
    else:
        axis = canonicalize_axis(axis, len(shape))
        out_shape = tuple(1 if keepdims and i == axis else s for i, s in enumerate(shape)
                          if keepdims or i != axis)
    x = jnp.moveaxis(x, axis, 0)
    columns = jnp.reshape(x, (shape_of(x)[0], math.prod(shape_of(x)[1:])))
    values, counts = vmap(_mode_of_column, in_axes=1)(columns)
    return ModeResult(_out(jnp.reshape(values, out_shape)), _out(jnp.reshape(counts, out_shape)))


def _rank_1d(a, method):
    """The ranks (float64, from 1) of the 1-D ``a`` by ``method``; NaN
    everywhere if ``a`` holds a NaN."""
    size = shape_of(a)[0]
    ordered, order = sort_key_val(a, jnp.arange(size))
    position = jnp.zeros_like(order).at[order].set(jnp.arange(size, dtype=dtype_of(order)))
    if method == "ordinal":
        ranks = jnp.astype(position + 1, np.float64)
    else:
        starts_group = jnp.concatenate([np.ones(1, bool), ordered[1:] != ordered[:-1]])
        dense = jnp.cumsum(starts_group)[position]
        if method == "dense":
            ranks = jnp.astype(dense, np.float64)
        else:
            # group_end[g]: how many elements sort before group g + 1 (``size`` at the end)
            group_end = jnp.astype(jnp.nonzero(starts_group, size=size + 1, fill_value=size)[0],
                                   np.float64)
            if method == "max":
                ranks = group_end[dense]
            elif method == "min":
                ranks = group_end[dense - 1] + 1
            else:
                ranks = 0.5 * (group_end[dense] + group_end[dense - 1] + 1)
    return jnp.where(jnp.any(jnp.isnan(a)), np.float64(np.nan), ranks)


def rankdata(a, method="average", *, axis=None, nan_policy="propagate"):
    """The ranks (from 1, float64) of the elements of ``a``, flattened, or of
    each 1-D slice along ``axis``; equal values share a rank by ``method``:
    ``'average'`` (the mean of their ordinal ranks), ``'min'``, ``'max'``,
    ``'dense'`` (consecutive ranks for distinct values) or ``'ordinal'`` (in
    order of appearance).  A NaN makes its whole slice NaN (``'propagate'``);
    the other NaN policies raise NotImplementedError, as in JAX.

    >>> from vmapx.scipy.stats import rankdata
    >>> rankdata(np.array([30, 10, 20, 20]), "min")
    array([4., 1., 2., 2.])
    >>> rankdata(np.array([[3.0, 1.0], [2.0, 2.0]]), axis=1)
    array([[2. , 1. ],
           [1.5, 1.5]])
    """
    a = asarray_like(a)
    _check_nan_policy(nan_policy)
    if nan_policy == "omit":
        raise NotImplementedError(f"Logic for `nan_policy` of {nan_policy} is not implemented")
    if nan_policy == "raise":
        raise NotImplementedError(
            "In order to best JIT compile `rankdata`, we cannot know whether `x` contains "
            "nans. Please check if nans exist in `x` outside of the `rankdata` function.")
    if method not in _RANK_METHODS:
        raise ValueError(f"unknown method '{method}'")
    if axis is not None:
        return _out(apply_along_axis(rankdata, axis, a, method))
    return _out(_rank_1d(jnp.ravel(a), method))


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """The standard error of the mean along ``axis`` (all elements with
    ``axis=None``): ``std(a, ddof=ddof) / sqrt(n)``.  ``nan_policy='omit'``
    leaves NaNs out of both the deviation and ``n``; ``'propagate'`` keeps
    them; anything else raises ValueError.

    >>> from vmapx.scipy.stats import sem
    >>> sem(np.array([1, 2, 3, 4]))
    array(0.64549722)
    >>> sem(np.array([1.0, np.nan, 3.0]), nan_policy="omit")
    array(1.)
    """
    with _quiet():
        (b,) = _promote_inexact(a)
        if nan_policy == "propagate":
            size = math.prod(shape_of(b)) if axis is None else shape_of(b)[axis]
            deviation = jnp.std(b, axis, ddof=ddof, keepdims=keepdims)
            return _out(deviation / np.asarray(np.sqrt(size), dtype_of(b)))
        if nan_policy == "omit":
            count = jnp.sum(~jnp.isnan(b), axis, keepdims=keepdims)
            deviation = jnp.nanstd(b, axis, ddof=ddof, keepdims=keepdims)
            return _out(deviation / jnp.astype(jnp.sqrt(count), dtype_of(b)))
        raise ValueError(f"{nan_policy} is not supported")


__all__ = ["ModeResult", "mode", "rankdata", "sem"]
