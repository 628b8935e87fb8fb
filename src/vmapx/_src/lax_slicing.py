"""Slicing in ``vmapx.lax``: static slices (``slice``, ``slice_in_dim``,
``index_in_dim``, ``split``), slices at traced positions (``dynamic_slice``,
``dynamic_update_slice`` and their ``_in_dim`` / ``index`` forms, starts
clamped so the slice stays in bounds), ``lax.gather`` and the ``lax.scatter``
family (``scatter``, ``scatter_add``, ``scatter_sub``, ``scatter_mul``,
``scatter_min``, ``scatter_max``, ``scatter_apply``), with their
dimension-number types and ``GatherScatterMode``.

The front-ends check and normalise arguments (dimension numbers as tuples of
ints, the mode as a ``GatherScatterMode``, a static fill value) and bind the
``lax_gather`` / ``lax_scatter`` primitives of ``prims/gather_scatter.py``.
``scatter_sub`` is a scatter-add of the negated updates; ``scatter_apply``
counts how often each operand element is hit and applies ``func`` that many
times (a ``while_loop`` over the largest count), as XLA's scatter does with
duplicate indices.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from .core import Tracer, get_aval, is_python_scalar
from .jnp.advanced import advanced_getitem
from .jnp.base import asarray_like, canonicalize_axis
from .jnp.index_updates import IndexUpdateHelper
from .prims import elementwise as ew
from .prims.gather_scatter import (GatherDimensionNumbers, GatherScatterMode,
                                   ScatterDimensionNumbers, lax_gather_p, lax_scatter_p)
from .prims.checks import OOBMessage, check_p, index_checks_on
from .prims.reductions import reduce_max_p
from .lax_loops import while_loop
from . import numpy_api as jnp
from .lax_ops import _aval, _out

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "gather",
           "scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min",
           "scatter_max", "scatter_apply", "slice", "split", "slice_in_dim", "index_in_dim",
           "dynamic_slice", "dynamic_update_slice", "dynamic_slice_in_dim",
           "dynamic_index_in_dim", "dynamic_update_slice_in_dim", "dynamic_update_index_in_dim"]


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


# --------------------------------------------------------- static slicing


def slice(operand, start_indices, limit_indices, strides=None):  # noqa: A001
    """The static slice ``operand[start:limit:stride, ...]``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.slice(np.arange(10), (1,), (8,), (3,))
    array([1, 4, 7])
    """
    x = asarray_like(operand)
    shape = tuple(_aval(x).shape)
    start_indices, limit_indices = tuple(start_indices), tuple(limit_indices)
    strides = (1,) * len(shape) if strides is None else tuple(strides)
    for what, v in (("start_indices", start_indices), ("limit_indices", limit_indices),
                    ("strides", strides)):
        if len(v) != len(shape):
            raise TypeError(f"slice {what} must have length equal to the number of "
                            f"dimensions of the operand, got {what} {v} for operand shape "
                            f"{shape}.")
    if any(st <= 0 for st in strides):
        raise TypeError(f"slice strides must have every element be positive, got {strides}.")
    if any(lim > n for lim, n in zip(limit_indices, shape, strict=True)):
        raise TypeError(f"slice limit_indices must be less than or equal to operand shape, got "
                        f"limit_indices {limit_indices} for operand shape {shape}.")
    if any(lim < st for st, lim in zip(start_indices, limit_indices, strict=True)):
        raise TypeError(f"slice limit_indices must be greater than or equal to start_indices, "
                        f"got start_indices {start_indices} and limit_indices "
                        f"{limit_indices}.")
    idx = tuple(builtins.slice(s, l, st)
                for s, l, st in zip(start_indices, limit_indices, strides, strict=True))
    return _out(x[idx])


def split(operand, sizes, axis: int = 0):
    """``operand`` cut along ``axis`` into pieces of the given ``sizes``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.split(np.arange(6), (2, 4))
    [array([0, 1]), array([2, 3, 4, 5])]
    """
    x = asarray_like(operand)
    shape = tuple(_aval(x).shape)
    axis = canonicalize_axis(axis, len(shape))
    sizes = [operator.index(z) for z in sizes]
    if sum(sizes) != shape[axis] or any(z < 0 for z in sizes):
        raise ValueError(f"Sum of sizes {sum(sizes)} must be equal to dimension {shape[axis]} "
                         f"of the operand shape {shape}")
    out, start = [], 0
    for z in sizes:
        out.append(slice_in_dim(x, start, start + z, 1, axis))
        start += z
    return out


def slice_in_dim(operand, start_index, limit_index, stride: int = 1, axis: int = 0):
    """The static slice ``start_index:limit_index:stride`` along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.slice_in_dim(np.arange(10), -3, None)
    array([7, 8, 9])
    """
    x = asarray_like(operand)
    nd = len(_aval(x).shape)
    axis = canonicalize_axis(axis, nd)
    idx = [builtins.slice(None)] * nd
    idx[axis] = builtins.slice(start_index, limit_index, stride)
    return _out(x[tuple(idx)])


def index_in_dim(operand, index: int, axis: int = 0, keepdims: bool = True):
    """The static index ``index`` along ``axis`` (kept as a size-1 dimension).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.index_in_dim(np.arange(10), -1, keepdims=False)
    array(9)
    """
    x = asarray_like(operand)
    n = _aval(x).shape[canonicalize_axis(axis, len(_aval(x).shape))]
    index = operator.index(index)
    if not -n <= index < n:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")
    index %= n
    out = slice_in_dim(x, index, index + 1, 1, axis)
    return out if keepdims else _out(jnp.squeeze(out, axis))


# ------------------------------------------------------- dynamic slicing


def _starts(start_indices, shape, what):
    """Start indices as a list of scalars (a 1-D array of them is split)."""
    if isinstance(start_indices, (np.ndarray, Tracer)):
        a = _aval(start_indices)
        if len(a.shape) != 1:
            raise TypeError(f"{what} start_indices must be a sequence of scalars or a 1-D "
                            f"array, got shape {a.shape}")
        start_indices = [start_indices[i] for i in range(a.shape[0])]
    starts = list(start_indices)
    if len(starts) != len(shape):
        raise ValueError(f"Length of slice indices must match number of operand dimensions "
                         f"({len(starts)} vs {tuple(shape)})")
    for s in starts:
        if _aval(s).shape != () or _aval(s).dtype.kind not in "iu":
            raise TypeError(f"index arguments to {what} must be integer scalars, got "
                            f"{_aval(s).str_short()}")
    return starts


def _clamped(start, n, size, allow_negative, shape=None, axis=None):
    """``start`` made a valid start of a slice of ``size`` in ``n``, as lax does.

    While ``checkify`` traces with ``index_checks`` (and ``shape`` / ``axis``
    say where the slice is), a traced start that needs clamping fails a
    bounds check, as JAX's ``dynamic_slice`` does."""
    if not isinstance(start, Tracer):
        s = int(start)
        if s < 0:
            if not allow_negative:
                raise ValueError(f"Index {s} is out of bounds for dimension {n} if "
                                 "allow_negative_indices=False")
            s += n
        return min(max(s, 0), n - size)
    if allow_negative:
        start = jnp.where(start < 0, start + n, start)
    if shape is not None and index_checks_on():
        check_p.bind(~((start < 0) | (start + size > n)), start, error="oob",
                     message=OOBMessage(shape, axis), fmt_tree=None)
    return jnp.clip(start, 0, n - size)


def _window_index(starts, sizes, shape):
    """An index selecting the window ``starts + [0, sizes)``: static slices
    where the start is concrete, broadcast integer arrays (a gather) otherwise."""
    nd = len(shape)
    if not any(isinstance(s, Tracer) for s in starts):
        return tuple(builtins.slice(s, s + z) for s, z in zip(starts, sizes, strict=True))
    idx = []
    for d, (s, z) in enumerate(zip(starts, sizes, strict=True)):
        r = jnp.arange(z) + s
        idx.append(jnp.reshape(r, tuple(z if k == d else 1 for k in range(nd))))
    return tuple(idx)


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """The slice of ``slice_sizes`` starting at ``start_indices``, which may be
    traced (under ``vmap``, one start per example).  Negative starts count from
    the end; starts are clamped so the slice stays in bounds.

    >>> import numpy as np, vmapx
    >>> from vmapx import lax
    >>> lax.dynamic_slice(np.arange(10), (8,), (4,))
    array([6, 7, 8, 9])
    >>> vmapx.vmap(lambda i: lax.dynamic_slice(np.arange(10), (i,), (2,)))(np.array([0, 5]))
    array([[0, 1],
           [5, 6]])
    """
    x = asarray_like(operand)
    shape = tuple(_aval(x).shape)
    starts = _starts(start_indices, shape, "dynamic_slice")
    sizes = tuple(operator.index(z) for z in slice_sizes)
    if len(sizes) != len(shape):
        raise TypeError(f"dynamic_slice slice_sizes must have the same length as operand shape, "
                        f"got slice_sizes {sizes} for operand shape {shape}.")
    if any(z > n or z < 0 for z, n in zip(sizes, shape, strict=True)):
        raise TypeError(f"slice slice_sizes must be less than or equal to operand shape, got "
                        f"slice_sizes {sizes} for operand shape {shape}.")
    starts = [_clamped(s, n, z, allow_negative_indices, shape, axis)
              for axis, (s, n, z) in enumerate(zip(starts, shape, sizes, strict=True))]
    return _out(advanced_getitem(x, _window_index(starts, sizes, shape)))


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    """``operand`` with ``update`` written at ``start_indices`` (clamped so it
    fits; may be traced).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dynamic_update_slice(np.arange(6), np.array([-1, -2]), (5,))
    array([ 0,  1,  2,  3, -1, -2])
    """
    x, u = asarray_like(operand), asarray_like(update)
    xa, ua = _aval(x), _aval(u)
    shape, ushape = tuple(xa.shape), tuple(ua.shape)
    if xa.dtype != ua.dtype:
        raise TypeError(f"lax.dynamic_update_slice requires arguments to have the same dtypes, "
                        f"got {xa.dtype.name}, {ua.dtype.name}.")
    starts = _starts(start_indices, shape, "dynamic_update_slice")
    if len(ushape) != len(shape) or any(z > n for z, n in zip(ushape, shape, strict=True)):
        raise TypeError(f"dynamic_update_slice update shape must be smaller than operand shape, "
                        f"got update shape {ushape} for operand shape {shape}.")
    starts = [_clamped(s, n, z, allow_negative_indices, shape, axis)
              for axis, (s, n, z) in enumerate(zip(starts, shape, ushape, strict=True))]
    return _out(IndexUpdateHelper(x)[_window_index(starts, ushape, shape)].set(u))


def _in_dim_starts(x, index, axis):
    shape = tuple(_aval(x).shape)
    axis = canonicalize_axis(axis, len(shape))
    starts = [0] * len(shape)
    starts[axis] = index
    return shape, axis, starts


def dynamic_slice_in_dim(operand, start_index, slice_size: int = 1, axis: int = 0, *,
                         allow_negative_indices=True):
    """``dynamic_slice`` along one ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dynamic_slice_in_dim(np.arange(12).reshape(3, 4), 1, 2, axis=1)
    array([[ 1,  2],
           [ 5,  6],
           [ 9, 10]])
    """
    x = asarray_like(operand)
    shape, axis, starts = _in_dim_starts(x, start_index, axis)
    sizes = list(shape)
    sizes[axis] = slice_size
    return dynamic_slice(x, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand, index, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices=True):
    """The element ``index`` (maybe traced) along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dynamic_index_in_dim(np.arange(12).reshape(3, 4), 1, axis=1, keepdims=False)
    array([1, 5, 9])
    """
    x = asarray_like(operand)
    axis = canonicalize_axis(axis, len(_aval(x).shape))
    out = dynamic_slice_in_dim(x, index, 1, axis, allow_negative_indices=allow_negative_indices)
    return out if keepdims else _out(jnp.squeeze(out, axis))


def dynamic_update_slice_in_dim(operand, update, start_index, axis: int, *,
                                allow_negative_indices=True):
    """``dynamic_update_slice`` along one ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dynamic_update_slice_in_dim(np.zeros(5, int), np.array([1, 1]), 1, axis=0)
    array([0, 1, 1, 0, 0])
    """
    x = asarray_like(operand)
    _, _, starts = _in_dim_starts(x, start_index, axis)
    return dynamic_update_slice(x, update, starts,
                                allow_negative_indices=allow_negative_indices)


def dynamic_update_index_in_dim(operand, update, index, axis: int, *,
                                allow_negative_indices=True):
    """Write ``update`` (without or with the size-1 ``axis``) at ``index`` along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dynamic_update_index_in_dim(np.zeros((2, 3), int), np.array([7, 7]), 1, axis=1)
    array([[0, 7, 0],
           [0, 7, 0]])
    """
    x, u = asarray_like(operand), asarray_like(update)
    axis = canonicalize_axis(axis, len(_aval(x).shape))
    if len(_aval(u).shape) == len(_aval(x).shape) - 1:
        u = jnp.expand_dims(u, axis)
    return dynamic_update_slice_in_dim(x, u, index, axis,
                                       allow_negative_indices=allow_negative_indices)


