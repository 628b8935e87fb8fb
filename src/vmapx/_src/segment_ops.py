"""Segment reductions (``jax.ops``): ``segment_sum``, ``segment_prod``,
``segment_max`` and ``segment_min``.

Each is a scatter into an output of ``num_segments`` rows filled with the
reduction's identity (0, 1, the dtype's lowest / highest value or -inf / +inf,
False / True for booleans), composed from ``vmapx.numpy``'s ``full`` and the
``.at[ids].add / multiply / max / min`` updates, so ``vmap``, ``grad`` and
``jit`` apply through the scatter primitive's own rules; no primitive is added.

Out-of-range ids, negative ones included, are dropped by default
(``mode=None``, 'fill', 'drop', ``GatherScatterMode.FILL_OR_DROP``; JAX does not
count negative ids from the end here); ``mode='clip'`` clamps them into
``[0, num_segments)``.  ``num_segments`` fixes the output's shape, so it must be
concrete: without it, traced ``segment_ids`` raise JAX's
``ConcretizationTypeError``.  ``bucket_size`` reduces each bucket of that many
consecutive rows separately, then reduces the buckets (numerical stability of
long sums and products), as JAX does.

>>> segment_sum(np.arange(5), np.array([0, 0, 1, 1, 2]))
array([1, 5, 4])
"""
from __future__ import annotations

import math
import operator

import numpy as np

from . import numpy_api as jnp
from .core import Tracer
from .errors import ConcretizationTypeError
from .inputs import invalid_dtype
from .prims.gather_scatter import GatherScatterMode

__all__ = ["segment_sum", "segment_prod", "segment_max", "segment_min"]

# The ``.at[ids]`` update method and the reducer of the buckets, per operation.
_UPDATES = {"sum": ("add", jnp.sum), "prod": ("multiply", jnp.prod),
            "max": ("max", jnp.max), "min": ("min", jnp.min)}


def _identity(op, dtype):
    """The value an empty segment gets: the identity of ``op`` in ``dtype``."""
    if op == "sum":
        return 0
    if op == "prod":
        return 1
    if dtype == np.bool_:
        return op == "min"
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.max if op == "min" else info.min
    return np.inf if op == "min" else -np.inf


def _check_arraylike(name, *args):
    for pos, arg in enumerate(args):
        if not (isinstance(arg, (np.ndarray, Tracer, np.generic, bool, int, float, complex))):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(arg)} at "
                            f"position {pos}.")


def _concrete_num_segments(value):
    """``num_segments`` as a Python int: JAX's errors for a traced or negative one."""
    if isinstance(value, Tracer):
        raise ConcretizationTypeError(
            "Abstract tracer value encountered where concrete value is expected: traced "
            f"array with shape {value.aval.str_short()}\nsegment_sum() `num_segments` "
            "argument.\nThe output's shape depends on it, so it must be static: pass "
            "num_segments as a Python int (under jit, a static argument).")
    n = operator.index(value)
    if n < 0:
        raise ValueError("num_segments must be non-negative.")
    return n


def _in_range_ids(segment_ids, num_segments, mode):
    """The ids the update uses: negative ids moved past the end (dropped, as JAX
    does not count them from the end) or, with ``mode='clip'``, clamped."""
    if segment_ids.dtype == np.bool_:
        return segment_ids  # a mask, as JAX's indexing reads it
    ids = jnp.astype(segment_ids, np.intp)
    if mode == GatherScatterMode.CLIP:
        return jnp.clip(ids, 0, num_segments - 1)
    return jnp.where(ids < 0, num_segments, ids)


def _segment_update(name, op, data, segment_ids, num_segments, bucket_size, mode):
    _check_arraylike(name, data, segment_ids)
    mode = GatherScatterMode.from_any(mode)
    data = jnp.asarray(data)
    segment_ids = jnp.asarray(segment_ids)
    dtype = np.dtype(data.dtype)
    if segment_ids.dtype.kind not in "biu":
        if segment_ids.dtype.kind not in "fc":
            raise invalid_dtype(segment_ids.dtype)
        raise TypeError("Indexer must have integer or boolean type, got indexer with type "
                        f"{segment_ids.dtype}")
    if dtype == np.bool_ and op in ("sum", "prod"):
        scatter = "add" if op == "sum" else "mul"
        raise TypeError(f"{scatter} does not accept dtype bool at position 0. Accepted dtypes "
                        "at position 0 are subtypes of integer, floating, complexfloating.")
    if num_segments is None:
        # JAX's default, max(segment_ids) + 1, which traced ids leave traced
        num_segments = (jnp.max(segment_ids) + 1 if isinstance(segment_ids, Tracer)
                        else int(np.max(np.asarray(segment_ids))) + 1)
    num_segments = _concrete_num_segments(num_segments)
    ids = _in_range_ids(segment_ids, num_segments, mode)
    method, reducer = _UPDATES[op]
    fill = _identity(op, dtype)
    if bucket_size is None:
        out = jnp.full((num_segments,) + tuple(data.shape[1:]), fill, dtype=dtype)
        return getattr(out.at[ids], method)(data, mode="drop")
    num_buckets = math.ceil(segment_ids.size / bucket_size)
    out = jnp.full((num_buckets, num_segments) + tuple(data.shape[1:]), fill, dtype=dtype)
    buckets = jnp.arange(segment_ids.shape[0]) // bucket_size
    out = getattr(out.at[buckets, ids[None, :]], method)(data, mode="drop")
    return jnp.astype(reducer(out, axis=0), dtype)


def segment_sum(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """The sum of the rows of ``data`` within each segment (``jax.ops.segment_sum``).

    ``segment_ids`` (integers, one per row of ``data``) name the segment each
    row belongs to; the result has shape ``(num_segments,) + data.shape[1:]``,
    ``num_segments`` defaulting to ``max(segment_ids) + 1`` (it must be given
    when the ids are traced, e.g. under ``jit``).  Empty segments are 0; ids
    outside ``[0, num_segments)`` are dropped (``mode='clip'`` clamps them).
    ``indices_are_sorted`` and ``unique_indices`` are hints.

    >>> import vmapx
    >>> data, ids = np.arange(5.0), np.array([0, 0, 1, 1, 2])
    >>> segment_sum(data, ids)
    array([1., 5., 4.])
    >>> vmapx.jit(segment_sum, static_argnums=2)(data, ids, 4)
    array([1., 5., 4., 0.])
    """
    return _segment_update("segment_sum", "sum", data, segment_ids, num_segments,
                           bucket_size, mode)


def segment_prod(data, segment_ids, num_segments=None, indices_are_sorted=False,
                 unique_indices=False, bucket_size=None, mode=None):
    """The product of the rows of ``data`` within each segment
    (``jax.ops.segment_prod``); empty segments are 1.  Arguments as
    :func:`segment_sum`'s.

    >>> segment_prod(np.arange(1, 7), np.array([0, 0, 1, 1, 2, 2]))
    array([ 2, 12, 30])
    """
    return _segment_update("segment_prod", "prod", data, segment_ids, num_segments,
                           bucket_size, mode)


def segment_max(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """The maximum of the rows of ``data`` within each segment
    (``jax.ops.segment_max``); empty segments are -inf (the dtype's lowest
    value for integers, False for booleans).  Arguments as :func:`segment_sum`'s;
    the gradient is shared equally among the rows that tie for a maximum.

    >>> segment_max(np.array([1.0, 3.0, 2.0]), np.array([0, 0, 2]))
    array([  3., -inf,   2.])
    """
    return _segment_update("segment_max", "max", data, segment_ids, num_segments,
                           bucket_size, mode)


def segment_min(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """The minimum of the rows of ``data`` within each segment
    (``jax.ops.segment_min``); empty segments are +inf (the dtype's highest
    value for integers, True for booleans).  Arguments as :func:`segment_sum`'s.

    >>> segment_min(np.array([4, 3, 2], dtype=np.int8), np.array([0, 0, 2]))
    array([  3, 127,   2], dtype=int8)
    """
    return _segment_update("segment_min", "min", data, segment_ids, num_segments,
                           bucket_size, mode)
