"""JAX's functional updates, ``x.at[index]``: ``set``, ``add``, ``subtract``,
``multiply``, ``divide``, ``power``, ``min``, ``max``, ``apply`` and ``get``
(:class:`IndexUpdateHelper`), as ``scatter`` binds.

The index is parsed as for reading (``index_parsing.py``).  Out-of-range
indices, concrete or traced, are dropped by updates and clamped by ``get``
(JAX's defaults), unless a ``mode`` is given: dropped ``set`` updates go to an
extra slot cut off afterwards, dropped accumulating updates become the
operation's identity.
"""
from __future__ import annotations

import numpy as np

from ..core import dtype_of, shape_of
from ..prims import elementwise as ew, shapes as sp
from ..prims.indexing import FULL, gather_shape, numpy_index, scatter_p
from .advanced import advanced_getitem
from .base import asarray_like, astype
from .creation import ones_like
from .index_parsing import _UPDATE_MODES, _at_adv_dims, _identity, _parse, _prepare

__all__ = ["IndexUpdateHelper"]


def _fmt_shape(shape) -> str:
    """A shape as NumPy prints it in indexing errors: ``(2,4)``, ``(3,)``."""
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


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
