"""NumPy advanced indexing on traced arrays and functional ``.at[]`` updates.

This module owns the translation of a NumPy index expression (ints, slices,
``None``, ``Ellipsis``, integer arrays and lists, concrete boolean masks and
traced integer arrays) into the static template of the ``gather`` / ``scatter``
primitives, the out-of-bounds policy, ``x.at[idx]`` (:class:`IndexUpdateHelper`),
``take_along_axis`` and static-size ``nonzero``.

Out-of-bounds indices: concrete ones raise ``IndexError`` as in NumPy; traced
ones follow JAX (negative indices wrap once; then reads clamp and updates drop
out-of-range positions), unless a ``mode`` is given, which then applies to all.
The ``.at[...]`` methods, being JAX's API, follow JAX for concrete indices too.
"""
from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from .. import inputs
from ..batching import splittable
from ..core import Tracer, dtype_of, ndim_of, shape_of
from ..errors import NonConcreteBooleanIndexError
from ..prims import elementwise as ew, shapes as sp
from ..prims.indexing import (FULL, gather_p, gather_shape, index_layout, numpy_index,
                              scatter_p)
from ..prims.reductions import argsort_p, reduce_sum_p
from ..ragged import masked_getitem
from .base import asarray_like, astype, canonicalize_axis
from .creation import ones_like
from .shapes import ravel

__all__ = ["advanced_getitem", "take_along_axis", "nonzero_sized", "IndexUpdateHelper"]

_VALID_MSG = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
              "integer or boolean arrays are valid indices")
_INT_MSG = "arrays used as indices must be of integer (or boolean) type"
_GET_MODES = (None, "clip", "fill", "promise_in_bounds", "jax")
_UPDATE_MODES = (None, "clip", "drop", "promise_in_bounds", "jax")
# "jax": the default of ``x.at[...]`` methods, JAX's out-of-bounds policy for concrete
# indices too (reads clamp, updates drop), since ``.at`` is JAX's API, not NumPy's.


def _fmt_shape(shape) -> str:
    """A shape as NumPy prints it in indexing errors: ``(2,4)``, ``(3,)``."""
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


# ----------------------------------------------------------------- parsing


def _static_int(v, what):
    """A slice bound as a Python int (or None); traced bounds are an error."""
    if v is None:
        return None
    if isinstance(v, Tracer):
        raise IndexError(
            f"Array slice indices must have static start/stop/step to be used with NumPy "
            f"indexing syntax. Found {what}. To index a statically sized array at a dynamic "
            "position, use integer-array indexing (x[i + np.arange(n)]) or "
            "vmapx.lax.dynamic_slice / dynamic_update_slice where available.")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError("slice indices must be integers or None or have an __index__ "
                        "method") from None


def _convert_item(i):
    """One index item as None, Ellipsis, an int, a ('s', ...) slice, ('bool', b),
    ('mask', concrete bool array) or ('arr', integer array or tracer)."""
    if i is None or i is Ellipsis:
        return i
    if isinstance(i, slice):
        return ("s", _static_int(i.start, i), _static_int(i.stop, i), _static_int(i.step, i))
    if isinstance(i, (bool, np.bool_)):
        return ("bool", bool(i))
    if isinstance(i, (int, np.integer)):
        return int(i)
    given_array = isinstance(i, np.ndarray)
    if not isinstance(i, Tracer):
        if isinstance(i, (float, complex, np.inexact, str, bytes)):
            raise IndexError(_VALID_MSG)
        i = asarray_like(i)  # a list may hold traced values
    if isinstance(i, Tracer):
        kind = i.dtype.kind
        if kind == "b":
            raise NonConcreteBooleanIndexError(
                f"Array boolean indices must be concrete; got {i.aval.str_short()}. The "
                "shape of the result would depend on the values of the mask. Use "
                "vmapx.numpy.where(mask, x, fill) to select values, or "
                "vmapx.numpy.nonzero(mask, size=...) for a static number of indices.")
        if kind not in "iu":
            raise IndexError(_INT_MSG)
        return ("arr", i if i.dtype == np.intp else astype(i, np.intp))
    a = np.asarray(i)
    if a.dtype.kind not in "iub":
        if a.size == 0 and inputs.kind(a.dtype) == "f" and not given_array:
            a = a.astype(np.intp)  # x[[]] and x[:, ()] are empty integer indices, as in NumPy
        else:
            raise IndexError(_INT_MSG)
    if a.dtype.kind == "b":
        return ("bool", bool(a)) if a.ndim == 0 else ("mask", a)
    return int(a) if a.ndim == 0 else ("arr", a)


class _Index(NamedTuple):
    """A parsed index: the operand (with axes inserted for scalar booleans), the
    gather/scatter template, its index arrays and the operand axis of each."""
    x: Any
    template: tuple
    arrays: list
    axes: list


def _consumed(item) -> int:
    if item is None or item is Ellipsis:
        return 0
    if type(item) is tuple:
        tag = item[0]
        if tag == "mask":
            return item[1].ndim
        return 0 if tag == "bool" else 1
    return 1


def _parse(x, index, mode=None) -> _Index:
    """``index`` on ``x`` as a gather/scatter template; with an out-of-bounds ``mode``,
    an out-of-range integer becomes a 0-d index array, left to that mode."""
    if not isinstance(index, tuple):
        index = (index,)
    items = [_convert_item(i) for i in index]
    shape = tuple(shape_of(x))
    nd = len(shape)
    n_real = sum(_consumed(i) for i in items)
    if n_real > nd:
        raise IndexError(f"too many indices for array: array is {nd}-dimensional, but "
                         f"{n_real} were indexed")
    if sum(1 for i in items if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    template, arrays, axes = [], [], []
    k = 0
    for item in items:
        if item is Ellipsis:
            template.extend([FULL] * (nd - n_real))
            k += nd - n_real
        elif item is None:
            template.append(None)
        elif type(item) is int:
            n = shape[k]
            if not -n <= item < n:
                if mode not in ("clip", "fill", "drop", "jax"):
                    raise IndexError(f"index {item} is out of bounds for axis {k} with size "
                                     f"{n}")
                template.append(("a", len(arrays)))
                arrays.append(np.asarray(item, np.intp))
                axes.append(k)
            else:
                template.append(item)
            k += 1
        elif item[0] == "s":
            template.append(item)
            k += 1
        elif item[0] == "arr":
            template.append(("a", len(arrays)))
            arrays.append(item[1])
            axes.append(k)
            k += 1
        elif item[0] == "mask":
            m = item[1]
            for j, (s_m, s_x) in enumerate(zip(m.shape, shape[k:k + m.ndim], strict=True)):
                if s_m != s_x:
                    raise IndexError(
                        f"boolean index did not match indexed array along axis {k + j}; size "
                        f"of axis is {s_x} but size of corresponding boolean axis is {s_m}")
            for j, nz in enumerate(np.nonzero(m)):
                template.append(("a", len(arrays)))
                arrays.append(nz)
                axes.append(k + j)
            k += m.ndim
        else:  # a scalar boolean: a new unit axis, indexed by [0] (True) or [] (False)
            shape = shape[:k] + (1,) + shape[k:]
            x = sp.reshape_p.bind(x, new_sizes=shape)
            template.append(("a", len(arrays)))
            arrays.append(np.zeros(1 if item[1] else 0, np.intp))
            axes.append(k)
            k += 1
    return _Index(x, tuple(template), arrays, axes)


# ------------------------------------------------------- out-of-bounds policy


def _out_of_bounds(a, n) -> bool:
    return bool(a.size) and bool(a.max() >= n or a.min() < -n)


def _check_concrete(a, axis, n):
    if a.size and (a.max() >= n or a.min() < -n):
        bad = a[(a >= n) | (a < -n)].flat[0]
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")


def _prepare(ix: _Index, mode, *, kind=None):
    """Apply the out-of-bounds policy to the index arrays of a read (``kind``
    None) or an update of ``kind``.

    Returns ``(ix, valid, pad_axes)``.  Clamped indices are limited to
    ``[-n, n - 1]`` (NumPy wraps the negative ones).  ``valid`` is the in-bounds
    mask where out-of-range positions must be filled (reads with
    ``mode='fill'``) or their updates neutralised (dropped accumulating
    updates); else None.  Dropped ``set`` updates are sent instead to an extra
    slot at the end of each axis in ``pad_axes``, cut off afterwards.
    """
    if mode == "promise_in_bounds" or not ix.arrays:
        return ix, None, ()
    shape = shape_of(ix.x)
    if mode is None and not any(isinstance(a, Tracer) for a in ix.arrays):
        for a, ax in zip(ix.arrays, ix.axes, strict=True):
            _check_concrete(a, ax, shape[ax])
        return ix, None, ()
    if mode == "jax":
        if not any(isinstance(a, Tracer) or _out_of_bounds(a, shape[ax])
                   for a, ax in zip(ix.arrays, ix.axes, strict=True)):
            return ix, None, ()
        mode = "clip" if kind is None else "drop"
    arrays, valid, pad_axes = list(ix.arrays), None, []
    for j, (a, ax) in enumerate(zip(ix.arrays, ix.axes, strict=True)):
        n = shape[ax]
        policy = mode
        if policy is None:
            if not isinstance(a, Tracer):
                _check_concrete(a, ax, n)
                continue
            policy = "clip" if kind is None else "drop"
        if policy == "drop" and (kind == "set" or n == 0):
            w = ew.where_p.bind(ew.less_p.bind(a, 0), ew.add_p.bind(a, n), a)
            oob = ew.logical_or_p.bind(ew.less_p.bind(w, 0), ew.greater_equal_p.bind(w, n))
            arrays[j] = ew.where_p.bind(oob, n, w)
            pad_axes.append(ax)
            continue
        if n == 0 and a.size:
            raise IndexError(f"index is out of bounds for axis {ax} with size 0")
        if policy != "clip":  # 'fill', or 'drop' of an accumulating update
            ok = ew.logical_and_p.bind(ew.greater_equal_p.bind(a, -n), ew.less_p.bind(a, n))
            valid = ok if valid is None else ew.logical_and_p.bind(valid, ok)
        arrays[j] = ew.minimum_p.bind(ew.maximum_p.bind(a, -n), n - 1)
    return ix._replace(arrays=arrays), valid, tuple(pad_axes)


def _extreme(dtype, low: bool):
    dtype = np.dtype(dtype)
    if inputs.kind(dtype) == "f":
        return np.array(-np.inf if low else np.inf, dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.array(info.min if low else info.max, dtype)
    return np.array(not low, dtype)


def _default_fill(dtype):
    """JAX's fill for out-of-bounds reads: NaN, the most negative signed int,
    the largest unsigned int, True."""
    dtype = np.dtype(dtype)
    if inputs.is_inexact(dtype):
        return np.array(np.nan, dtype)
    return _extreme(dtype, low=dtype.kind == "i")


def _identity(kind, dtype):
    """The update that leaves an element unchanged under ``kind``."""
    if kind == "add":
        return np.zeros((), dtype)
    if kind == "mul":
        return np.ones((), dtype)
    return _extreme(dtype, low=kind == "max")


def _at_adv_dims(valid, ix: _Index, ndim: int):
    """The in-bounds mask shaped to broadcast against ``x[index]`` (of rank ``ndim``)."""
    layout = index_layout(ix.template, [shape_of(a) for a in ix.arrays])
    n_after = ndim - layout.adv_pos - len(layout.adv_shape)
    if n_after:
        valid = sp.reshape_p.bind(valid, new_sizes=tuple(shape_of(valid)) + (1,) * n_after)
    return valid


def _apply_fill(out, valid, ix: _Index, fill_value):
    """``out`` with positions whose index was out of bounds set to ``fill_value``."""
    dt = dtype_of(out)
    fill = _default_fill(dt) if fill_value is None else astype(asarray_like(fill_value), dt)
    return ew.where_p.bind(_at_adv_dims(valid, ix, ndim_of(out)), out, fill)


# ------------------------------------------------------------------ reading


def _gather(ix: _Index):
    if not ix.arrays and all(e == FULL for e in ix.template):
        return ix.x
    if not ix.arrays:
        return sp.static_index_p.bind(ix.x, index=ix.template)
    return gather_p.bind(ix.x, *ix.arrays, index=ix.template)


def _traced_masks(x, index, mode):
    """``x[mask]`` for a batched boolean mask in eager vmap: a lazy ragged
    selection (``_src/ragged.py``); a mask among other indices is made concrete
    (the batch splits by mask).  ``None`` when there is no such mask."""
    items = index if isinstance(index, tuple) else (index,)
    masks = [i for i, it in enumerate(items) if isinstance(it, Tracer) and it.dtype == np.bool_
             and ndim_of(it) > 0 and splittable(it)]
    if not masks or mode is not None:
        return None
    if len(items) == 1:
        return masked_getitem(x, items[0])
    items = list(items)
    for i in masks:
        items[i] = items[i].to_concrete(True)
    return advanced_getitem(x, tuple(items))


def advanced_getitem(x, index, mode=None, fill_value=None):
    """``x[index]`` with NumPy semantics, for traced or concrete ``x`` and indices.

    ``index`` may hold ints, slices, ``None``, ``Ellipsis``, integer arrays or
    lists (concrete or traced) and concrete boolean masks.  Out-of-range traced
    indices are clamped (``mode='fill'`` fills them with ``fill_value`` instead).

    >>> x = np.arange(12).reshape(3, 4)
    >>> advanced_getitem(x, (np.array([0, 2]), slice(None), None)).shape
    (2, 4, 1)
    >>> advanced_getitem(x, (slice(None), np.array([True, False, False, True])))
    array([[ 0,  3],
           [ 4,  7],
           [ 8, 11]])
    """
    if mode not in _GET_MODES:
        raise ValueError(f"Invalid mode={mode!r} for a read; expected one of {_GET_MODES}")
    ragged = _traced_masks(x, index, mode)
    if ragged is not None:
        return ragged
    ix = _parse(asarray_like(x), index, mode)
    ix, valid, _ = _prepare(ix, mode)
    out = _gather(ix)
    return out if valid is None else _apply_fill(out, valid, ix, fill_value)


# ------------------------------------------------------------------ updates


def _scatter(x, index, values, kind, mode):
    """``x`` with ``x[index]`` combined with ``values`` by ``kind`` ('set', 'add', ...)."""
    if mode not in _UPDATE_MODES:
        raise ValueError(f"Invalid mode={mode!r} for an update; expected one of "
                         f"{_UPDATE_MODES}")
    x = asarray_like(x)
    ix = _parse(x, index, mode)
    if ix.x is not x:
        # scalar booleans: update the operand with its extra unit axes, then drop them
        out = _scatter(ix.x, numpy_index(ix.template, ix.arrays), values, kind, mode)
        return sp.reshape_p.bind(out, new_sizes=tuple(shape_of(x)))
    values = astype(asarray_like(values), dtype_of(x))
    g = gather_shape(tuple(shape_of(x)), ix.template, [shape_of(a) for a in ix.arrays])
    us = tuple(shape_of(values))
    try:
        ok = np.broadcast_shapes(us, g) == g
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"shape mismatch: value array of shape {_fmt_shape(us)} could not "
                         f"be broadcast to indexing result of shape {_fmt_shape(g)}")
    ix, valid, pad_axes = _prepare(ix, mode, kind=kind)
    if valid is not None:
        values = ew.where_p.bind(_at_adv_dims(valid, ix, len(g)), values,
                                 _identity(kind, dtype_of(x)))
    if not pad_axes:
        return scatter_p.bind(x, values, *ix.arrays, index=ix.template, mode=kind)
    shape = shape_of(x)
    pad = tuple((0, 1) if ax in pad_axes else (0, 0) for ax in range(len(shape)))
    padded = sp.pad_p.bind(x, pad_width=pad, value=0)
    out = scatter_p.bind(padded, values, *ix.arrays, index=ix.template, mode=kind)
    return sp.static_index_p.bind(out, index=tuple(
        ("s", None, n, None) if ax in pad_axes else FULL for ax, n in enumerate(shape)))


def _at_mode(mode):
    return "jax" if mode is None else mode


class _IndexUpdateRef:
    """``x.at[index]``: methods return updated copies of ``x`` (the input is untouched).

    Out-of-range indices, concrete or traced, are dropped for updates and
    clamped for ``get`` (JAX's defaults; plain ``x[i]`` on a concrete array keeps
    NumPy's ``IndexError``); ``mode``
    ('clip', 'drop', 'fill' for ``get``, 'promise_in_bounds') overrides this.
    ``indices_are_sorted`` and ``unique_indices`` are accepted as hints.
    """
    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None,
            fill_value=None):
        """Equivalent to ``x[idx]``.

        >>> IndexUpdateHelper(np.arange(5.0))[np.array([3, 1])].get()
        array([3., 1.])
        """
        return advanced_getitem(self.array, self.index, mode=_at_mode(mode), fill_value=fill_value)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] = values``.

        >>> IndexUpdateHelper(np.zeros(3))[1].set(7.0)
        array([0., 7., 0.])
        """
        return _scatter(self.array, self.index, values, "set", _at_mode(mode))

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] += values``; repeated indices accumulate.

        >>> IndexUpdateHelper(np.zeros(3))[np.array([0, 0, 2])].add(1.0)
        array([2., 0., 1.])
        """
        return _scatter(self.array, self.index, values, "add", _at_mode(mode))

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] -= values``; repeated indices accumulate.

        >>> IndexUpdateHelper(np.ones(3))[np.array([1, 1])].subtract(2.0)
        array([ 1., -3.,  1.])
        """
        values = ew.negative_p.bind(astype(asarray_like(values), dtype_of(self.array)))
        return _scatter(self.array, self.index, values, "add", _at_mode(mode))

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] *= values``; repeated indices accumulate.

        >>> IndexUpdateHelper(np.ones(3))[np.array([2, 2])].multiply(3.0)
        array([1., 1., 9.])
        """
        return _scatter(self.array, self.index, values, "mul", _at_mode(mode))

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] /= values`` (the result is inexact, as in JAX).

        >>> IndexUpdateHelper(np.ones(3))[0].divide(4.0)
        array([0.25, 1.  , 1.  ])
        """
        scale = _scatter(ones_like(self.array), self.index, values, "mul", _at_mode(mode))
        return ew.divide_p.bind(asarray_like(self.array), scale)

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] **= values``.

        >>> IndexUpdateHelper(np.full(3, 2.0))[1].power(3)
        array([2., 8., 2.])
        """
        expo = _scatter(ones_like(self.array), self.index, values, "mul", _at_mode(mode))
        return ew.power_p.bind(asarray_like(self.array), expo)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] = minimum(x[idx], values)``.

        >>> IndexUpdateHelper(np.arange(3.0))[np.array([1, 2])].min(1.5)
        array([0. , 1. , 1.5])
        """
        return _scatter(self.array, self.index, values, "min", _at_mode(mode))

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """Pure equivalent of ``x[idx] = maximum(x[idx], values)``.

        >>> IndexUpdateHelper(np.arange(3.0))[np.array([0, 1])].max(0.5)
        array([0.5, 1. , 2. ])
        """
        return _scatter(self.array, self.index, values, "max", _at_mode(mode))

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with the unary ``func`` applied at ``idx`` (``x[idx] = func(x[idx])``).

        >>> IndexUpdateHelper(np.arange(4.0))[1:3].apply(np.negative)
        array([ 0., -1., -2.,  3.])
        """
        mode = _at_mode(mode)
        vals = advanced_getitem(self.array, self.index,
                                mode="clip" if mode == "drop" else mode)
        return _scatter(self.array, self.index, func(vals), "set", mode)


class IndexUpdateHelper:
    """The object behind ``x.at``: ``x.at[idx].set(v)``, ``.add(v)``, ``.get()``, ...

    Works on traced values and on plain NumPy arrays alike (a new array is
    returned; the input is never modified).

    >>> import vmapx, vmapx.numpy as jnp
    >>> IndexUpdateHelper(np.zeros(4))[np.array([1, 1, 3])].add(1.0)
    array([0., 2., 0., 1.])
    >>> vmapx.vmap(lambda x, i: x.at[i].set(-1.0))(np.zeros((2, 3)), np.array([0, 2]))
    array([[-1.,  0.,  0.],
           [ 0.,  0., -1.]])
    """
    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


# -------------------------------------------------------------- along axis


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """As ``numpy.take_along_axis``; ``indices`` may be traced.

    Concrete out-of-range indices raise; traced ones are filled with
    ``fill_value`` (NaN for inexact types), as JAX's default ``mode='fill'``;
    ``mode='clip'`` clamps them.

    >>> take_along_axis(np.array([[10, 30, 20], [5, 4, 6]]), np.array([[1], [2]]), axis=1)
    array([[30],
           [ 6]])
    """
    arr = asarray_like(arr)
    indices = asarray_like(indices)
    if dtype_of(indices).kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if ndim_of(indices) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = ravel(arr), 0
    nd = ndim_of(arr)
    if ndim_of(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = canonicalize_axis(axis, nd)
    a_shape, i_shape = shape_of(arr), shape_of(indices)
    arrays = []
    for d in range(nd):
        if d == axis:
            arrays.append(indices)
            continue
        if a_shape[d] != i_shape[d] and 1 not in (a_shape[d], i_shape[d]):
            raise ValueError(f"shape mismatch: arr and indices cannot be broadcast together "
                             f"along axis {d}: {a_shape[d]} vs {i_shape[d]}")
        shape = [1] * nd
        shape[d] = a_shape[d]
        arrays.append(np.arange(a_shape[d], dtype=np.intp).reshape(shape))
    if mode is None and isinstance(indices, Tracer):
        mode = "fill"
    if isinstance(indices, Tracer) and indices.dtype != np.intp:
        arrays[axis] = astype(indices, np.intp)
    ix = _Index(arr, tuple(("a", d) for d in range(nd)), arrays, list(range(nd)))
    ix, valid, _ = _prepare(ix, mode)
    out = gather_p.bind(ix.x, *ix.arrays, index=ix.template)
    return out if valid is None else _apply_fill(out, valid, ix, fill_value)


# ------------------------------------------------------------------ nonzero


def nonzero_sized(a, size, fill_value):
    """Indices of the nonzero elements of ``a``, exactly ``size`` of them per axis.

    As ``jax.numpy.nonzero(a, size=size, fill_value=fill_value)``: the first
    ``size`` nonzero positions in row-major order, padded with ``fill_value``
    (0 by default; a scalar or one value per axis).

    >>> nonzero_sized(np.array([[0, 5], [7, 0]]), 3, -1)
    (array([ 0,  1, -1]), array([ 1,  0, -1]))
    """
    a = asarray_like(a)
    shape = tuple(shape_of(a))
    nd = len(shape)
    if nd == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead.")
    size = operator.index(size)
    if size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    if fill_value is None:
        fills = (0,) * nd
    elif isinstance(fill_value, (tuple, list)):
        if len(fill_value) != nd:
            raise ValueError(f"fill_value must be a scalar or a tuple of length {nd}; got "
                             f"{fill_value!r}")
        fills = tuple(fill_value)
    else:
        fills = (fill_value,) * nd
    total = int(np.prod(shape, dtype=np.int64))
    flat = sp.reshape_p.bind(a, new_sizes=(total,))
    mask = flat if dtype_of(flat) == np.bool_ else ew.not_equal_p.bind(flat, 0)
    # A stable sort of "is zero" lists the nonzero positions first, in order.
    order = argsort_p.bind(ew.logical_not_p.bind(mask), axis=0)
    if size <= total:
        first = sp.static_index_p.bind(order, index=(("s", None, size, None),))
    else:
        first = sp.pad_p.bind(order, pad_width=((0, size - total),), value=0)
    count = reduce_sum_p.bind(mask, axes=(0,), keepdims=False, dtype=np.intp)
    valid = ew.less_p.bind(np.arange(size, dtype=np.intp), count)
    out = []
    for d, fill in enumerate(fills):
        # (an empty array has no valid positions: any stride will do)
        stride = max(int(np.prod(shape[d + 1:], dtype=np.int64)), 1)
        coord = ew.floor_divide_p.bind(first, stride) if stride != 1 else first
        if d:
            coord = ew.remainder_p.bind(coord, max(shape[d], 1))
        fill = astype(asarray_like(fill), np.intp)
        out.append(ew.where_p.bind(valid, coord, fill))
    return tuple(out)
