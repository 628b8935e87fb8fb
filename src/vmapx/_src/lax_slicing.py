"""``lax.gather`` and the ``lax.scatter`` family (``scatter``, ``scatter_add``,
``scatter_sub``, ``scatter_mul``, ``scatter_min``, ``scatter_max``,
``scatter_apply``), with their dimension-number types and ``GatherScatterMode``.

The front-ends check and normalise arguments (dimension numbers as tuples of
ints, the mode as a ``GatherScatterMode``, a static fill value) and bind the
``lax_gather`` / ``lax_scatter`` primitives of ``prims/gather_scatter.py``.
``scatter_sub`` is a scatter-add of the negated updates; ``scatter_apply``
counts how often each operand element is hit and applies ``func`` that many
times (a ``while_loop`` over the largest count), as XLA's scatter does with
duplicate indices.
"""
from __future__ import annotations

import numpy as np

from .core import get_aval, is_python_scalar
from .jnp.base import asarray_like
from .prims import elementwise as ew
from .prims.gather_scatter import (GatherDimensionNumbers, GatherScatterMode,
                                   ScatterDimensionNumbers, lax_gather_p, lax_scatter_p)
from .prims.reductions import reduce_max_p
from .lax_control import while_loop

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "gather",
           "scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min",
           "scatter_max", "scatter_apply"]


def _ints(dims) -> tuple:
    return tuple(int(d) for d in dims)


def _gather_dnums(dn) -> GatherDimensionNumbers:
    if not hasattr(dn, "offset_dims"):
        raise TypeError(f"dimension_numbers must be a GatherDimensionNumbers, got {dn!r}")
    return GatherDimensionNumbers(
        _ints(dn.offset_dims), _ints(dn.collapsed_slice_dims), _ints(dn.start_index_map),
        _ints(getattr(dn, "operand_batching_dims", ())),
        _ints(getattr(dn, "start_indices_batching_dims", ())))


def _scatter_dnums(dn) -> ScatterDimensionNumbers:
    if not hasattr(dn, "update_window_dims"):
        raise TypeError(f"dimension_numbers must be a ScatterDimensionNumbers, got {dn!r}")
    return ScatterDimensionNumbers(
        _ints(dn.update_window_dims), _ints(dn.inserted_window_dims),
        _ints(dn.scatter_dims_to_operand_dims),
        _ints(getattr(dn, "operand_batching_dims", ())),
        _ints(getattr(dn, "scatter_indices_batching_dims", ())))


def _static_fill(fill_value):
    if fill_value is None:
        return None
    a = np.asarray(fill_value)
    if a.ndim:
        raise TypeError(f"fill_value must be a scalar, got shape {a.shape}")
    return a.item()


def _mode(mode) -> GatherScatterMode:
    m = GatherScatterMode.from_any(mode)
    if m is GatherScatterMode.ONE_HOT:
        raise NotImplementedError("mode='one_hot' is not supported by vmapx")
    return m


def gather(operand, start_indices, dimension_numbers, slice_sizes, *, unique_indices=False,
           indices_are_sorted=False, mode=None, fill_value=None):
    """XLA's gather: for every index vector (the last axis of ``start_indices``), a
    slice of ``operand`` of size ``slice_sizes`` starting there.

    ``mode`` is ``'fill'`` (default: out-of-bounds slices hold ``fill_value``,
    NaN for floats), ``'clip'`` or ``'promise_in_bounds'``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
    ...                                 start_index_map=(0,))
    >>> lax.gather(np.arange(12.0).reshape(4, 3), np.array([[2], [0]]), dn, (1, 3))
    array([[6., 7., 8.],
           [0., 1., 2.]])
    """
    x = asarray_like(operand)
    idx = asarray_like(start_indices)
    params = dict(dimension_numbers=_gather_dnums(dimension_numbers),
                  slice_sizes=_ints(slice_sizes), mode=_mode(mode),
                  fill_value=_static_fill(fill_value),
                  indices_are_sorted=bool(indices_are_sorted),
                  unique_indices=bool(unique_indices))
    lax_gather_p.abstract(get_aval(x), get_aval(idx), **params)  # JAX's shape errors
    return lax_gather_p.bind(x, idx, **params)


def _updates(operand, updates, name):
    xa = get_aval(operand)
    if is_python_scalar(updates):
        return np.asarray(updates, xa.dtype)
    u = asarray_like(updates)
    ua = get_aval(u)
    if ua.dtype != xa.dtype:
        if ua.weak_type:
            return ew.convert_element_type_p.bind(u, dtype=xa.dtype)
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        f"{xa.dtype.name}, {ua.dtype.name}.")
    return u


def _scatter(kind, name, operand, scatter_indices, updates, dimension_numbers,
             indices_are_sorted, unique_indices, mode, negate=False):
    x = asarray_like(operand)
    if is_python_scalar(x):
        x = np.asarray(x)
    u = _updates(x, updates, name)
    if negate:
        u = ew.negative_p.bind(u)
    idx = asarray_like(scatter_indices)
    params = dict(dimension_numbers=_scatter_dnums(dimension_numbers), kind=kind,
                  mode=_mode(mode), indices_are_sorted=bool(indices_are_sorted),
                  unique_indices=bool(unique_indices))
    lax_scatter_p.abstract(get_aval(x), get_aval(idx), get_aval(u), **params)
    return lax_scatter_p.bind(x, idx, u, **params)


_SCATTER_DOC = """XLA's scatter: {what} ``updates`` into ``operand`` at the windows
    that ``scatter_indices`` start (index vectors on its last axis).

    ``mode`` is ``'fill'``/``'drop'`` (default: out-of-bounds windows are
    dropped), ``'clip'`` or ``'promise_in_bounds'``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                                  scatter_dims_to_operand_dims=(0,))
    >>> lax.{name}(np.ones(4), np.array([[1], [3], [1]]), np.array([2.0, 3.0, 4.0]), dn)
    {example}
    """


def _make_scatter(kind, name, what, example, negate=False):
    def fn(operand, scatter_indices, updates, dimension_numbers, *,
           indices_are_sorted=False, unique_indices=False, mode=None):
        return _scatter(kind, name, operand, scatter_indices, updates, dimension_numbers,
                        indices_are_sorted, unique_indices, mode, negate)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _SCATTER_DOC.format(what=what, name=name, example=example)
    return fn


scatter = _make_scatter("set", "scatter", "write (duplicates: one of them wins)",
                        "array([1., 4., 1., 3.])")
scatter_add = _make_scatter("add", "scatter_add", "add (duplicates accumulate)",
                            "array([1., 7., 1., 4.])")
scatter_sub = _make_scatter("add", "scatter_sub", "subtract (duplicates accumulate)",
                            "array([ 1., -5.,  1., -2.])", negate=True)
scatter_mul = _make_scatter("mul", "scatter_mul", "multiply by (duplicates accumulate)",
                            "array([1., 8., 1., 3.])")
scatter_min = _make_scatter("min", "scatter_min", "take the minimum with",
                            "array([1., 1., 1., 1.])")
scatter_max = _make_scatter("max", "scatter_max", "take the maximum with",
                            "array([1., 4., 1., 3.])")


def scatter_apply(operand, scatter_indices, func, dimension_numbers, *, update_shape=(),
                  indices_are_sorted=False, unique_indices=False, mode=None):
    """Replace the elements of ``operand`` that the windows of ``scatter_indices``
    cover with ``func`` of them; an element covered ``k`` times gets ``func``
    applied ``k`` times.  ``update_shape`` is the shape the updates of
    :func:`scatter` would have.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                                  scatter_dims_to_operand_dims=(0,))
    >>> lax.scatter_apply(np.ones(4), np.array([[1], [3], [1]]), lambda v: v * 10, dn,
    ...                   update_shape=(3,))
    array([  1., 100.,   1.,  10.])
    """
    x = asarray_like(operand)
    xa = get_aval(x)
    if 0 in xa.shape:
        return x
    ones = np.ones(tuple(update_shape), np.int64)
    hits = _scatter("add", "scatter_apply", np.zeros(xa.shape, np.int64), scatter_indices,
                    ones, dimension_numbers, indices_are_sorted, unique_indices, mode)
    most = reduce_max_p.bind(hits, axes=tuple(range(len(xa.shape)))) if xa.shape else hits

    def body(carry):
        k, v = carry
        return k + 1, ew.where_p.bind(ew.greater_p.bind(hits, k), func(v), v)

    return while_loop(lambda c: c[0] < most, body, (np.int64(0), x))[1]
