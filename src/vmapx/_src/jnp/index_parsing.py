"""NumPy index expressions as ``gather`` / ``scatter`` templates, and the
out-of-bounds policy of reads and updates.

This module owns the translation of a NumPy index expression (ints, slices,
``None``, ``Ellipsis``, integer arrays and lists, concrete boolean masks and
traced integer arrays) into the static template of the ``gather`` / ``scatter``
primitives (``_parse``), and what happens to out-of-range indices
(``_prepare``).  Reading (``x[idx]``, ``take_along_axis``) is in
``advanced.py``, JAX's ``.at[...]`` updates in ``index_updates.py``; item
assignment on eager buffers (``inplace.py``) parses its index here too.

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
from ..core import Tracer, dtype_of, ndim_of, shape_of
from ..errors import IndexerTypeError, NonConcreteBooleanIndexError
from ..prims import elementwise as ew, shapes as sp
from ..prims.indexing import FULL, index_layout
from ..prims.checks import check_p, index_checks_on, OOBMessage
from .base import asarray_like, astype
from .reductions import any as _any, argmax as _argmax, sum as _sum
from .shapes import ravel as _ravel

_VALID_MSG = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
              "integer or boolean arrays are valid indices")
_INT_MSG = "arrays used as indices must be of integer (or boolean) type"


def non_integer_index_error(dtype, numpy_msg=_INT_MSG):
    """JAX's error for an index of a non-integer type: a TypeError and NumPy's
    IndexError at once, in JAX's words followed by NumPy's."""
    if np.dtype(dtype).kind not in "fc":
        return IndexError(numpy_msg)
    return IndexerTypeError("Indexer must have integer or boolean type, got indexer with type "
                            f"{np.dtype(dtype).name} ({numpy_msg})")
_GET_MODES = (None, "clip", "fill", "promise_in_bounds", "jax")
_UPDATE_MODES = (None, "clip", "drop", "promise_in_bounds", "jax")
# "jax": the default of ``x.at[...]`` methods, JAX's out-of-bounds policy for concrete
# indices too (reads clamp, updates drop), since ``.at`` is JAX's API, not NumPy's.


# ----------------------------------------------------------------- parsing


def _static_int(v, what):
    """A slice bound as a Python int (or None); a traced bound is its concrete
    value (the batch splits on it, in per-example code) or JAX's error."""
    if v is None:
        return None
    if isinstance(v, Tracer):
        c = v.to_concrete()   # per-example code in an eager vmap: the example's bound
        if c is not None and np.ndim(c) == 0:
            return operator.index(c[()] if isinstance(c, np.ndarray) else c)
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
        if isinstance(i, (float, complex, np.inexact)):
            raise non_integer_index_error(np.asarray(i).dtype, _VALID_MSG)
        if isinstance(i, (str, bytes)):
            raise IndexError(_VALID_MSG)
        i = asarray_like(i)  # a list may hold traced values
    if isinstance(i, Tracer):
        kind = i.dtype.kind
        if kind == "b":
            raise NonConcreteBooleanIndexError(
                f"Array boolean indices must be concrete; got {i.aval.str_short()}\nThe "
                "shape of the result would depend on the values of the mask. Use "
                "vmapx.numpy.where(mask, x, fill) to select values, or "
                "vmapx.numpy.nonzero(mask, size=...) for a static number of indices.")
        if kind not in "iu":
            raise non_integer_index_error(i.dtype)
        return ("arr", i if i.dtype == np.intp else astype(i, np.intp))
    a = np.asarray(i)
    if a.dtype.kind not in "iub":
        if a.size == 0 and inputs.kind(a.dtype) == "f" and not given_array:
            a = a.astype(np.intp)  # x[[]] and x[:, ()] are empty integer indices, as in NumPy
        else:
            raise non_integer_index_error(a.dtype)
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
        if index_checks_on() and isinstance(a, Tracer):
            _stage_bounds_check(a, ax, shape)
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


def _stage_bounds_check(a, ax, shape):
    """While ``checkify`` traces with ``index_checks``: a check that every
    index of ``a`` lies in ``[-n, n)`` for axis ``ax`` of ``shape``, whose
    payload is the first index that does not (a negative one with ``n``
    added, as JAX reports it)."""
    n = shape[ax]
    a = ew.where_p.bind(ew.less_p.bind(a, 0), ew.add_p.bind(a, n), a)
    bad = ew.logical_or_p.bind(ew.less_p.bind(a, 0), ew.greater_equal_p.bind(a, n))
    flat_bad, flat_a = _ravel(bad), _ravel(a)
    # The first offending index, picked without indexing (which would check again).
    positions = np.arange(flat_a.shape[0])
    first = _sum(ew.where_p.bind(ew.equal_p.bind(positions, _argmax(flat_bad)), flat_a, 0)) \
        if flat_a.shape[0] else _sum(flat_a)
    check_p.bind(ew.logical_not_p.bind(_any(bad)), first, error="oob",
                 message=OOBMessage(shape, ax), fmt_tree=None)


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
