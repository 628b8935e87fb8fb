"""The methods of ``vmapx.Array`` that compute with ``vmapx.numpy``: ``x.at[idx]``
(JAX's functional updates), indexing with traced indices, and JAX's extra
keywords of ``argsort``, ``nonzero`` and ``take``.

``Array`` itself sits in the foundation (every layer hands out Arrays), so these
methods are defined here, in the numpy layer, and attached to the class when
this module is imported -- ``numpy_api`` imports it, and ``vmapx`` imports
``numpy_api`` before anything runs (as JAX's ``array_methods`` module attaches
``jax.Array``'s methods).  Concrete results are handed out as ``Array``s.
"""
from __future__ import annotations

import numpy as np

from ..core import Tracer, finish_output
from . import ufuncs
from .base import binary_casts, _binary_targets
from .index_updates import IndexUpdateHelper
from .array import Array, as_array
from .index_parsing import non_integer_index_error
from .indexing import getitem, nonzero, take
from .reductions import argsort


def _has_tracer(index) -> bool:
    if isinstance(index, Tracer):
        return True
    if type(index) in (tuple, list):
        return any(_has_tracer(i) for i in index)
    if type(index) is slice:   # traced bounds: our indexing explains the error
        return any(isinstance(b, Tracer) for b in (index.start, index.stop, index.step))
    return False


def _at(self):
    """JAX's functional updates: ``x.at[idx].set(v)``, ``.add``, ``.get``, ...

    >>> import vmapx.numpy as jnp
    >>> jnp.zeros(3).at[1].add(2.0)
    array([0., 2., 0.])
    """
    return _ArrayAt(self.view(np.ndarray))


def _getitem(self, index):
    """``x[index]``; an index holding traced values goes through vmapx.numpy.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> vmapx.vmap(lambda i: jnp.arange(4.0)[i])(np.array([3, 1]))
    array([3., 1.])
    """
    if _has_tracer(index):
        return getitem(self.view(np.ndarray), index)
    try:
        return np.ndarray.__getitem__(self, index)
    except IndexError as error:
        _check_indexer_types(index, error)   # JAX's error for a float index (TypeError too)
        raise


def _check_indexer_types(index, error):
    for item in index if isinstance(index, tuple) else (index,):
        dtype = getattr(item, "dtype", None)
        if dtype is None and isinstance(item, (float, complex)):
            dtype = np.dtype(type(item))
        if dtype is not None and np.dtype(dtype).kind in "fc":
            raise non_integer_index_error(dtype, str(error))


def _argsort(self, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """As ``ndarray.argsort``, with JAX's ``descending``.

    >>> import vmapx.numpy as jnp
    >>> jnp.array([3, 1, 2]).argsort(descending=True)
    array([0, 2, 1])
    """
    if descending:
        return as_array(argsort(self.view(np.ndarray), axis, stable=stable, descending=True))
    return np.ndarray.argsort(self, axis, kind, order, stable=stable)


def _nonzero(self, *, size=None, fill_value=None):
    """As ``ndarray.nonzero``, with JAX's static ``size`` and ``fill_value``.

    >>> import vmapx.numpy as jnp
    >>> jnp.array([0, 5, 0, 7]).nonzero(size=3)
    (array([1, 3, 0]),)
    """
    if size is None and fill_value is None:
        return np.ndarray.nonzero(self)
    return nonzero(self.view(np.ndarray), size=size, fill_value=fill_value)


def _take(self, indices, axis=None, out=None, mode="raise", *, unique_indices=False,
          indices_are_sorted=False, fill_value=None):
    """As ``ndarray.take``, with JAX's ``mode='fill'`` and ``fill_value``.

    >>> import numpy as np, vmapx.numpy as jnp
    >>> jnp.array([1.0, 2.0]).take(np.array([1, 5]), mode="fill")
    array([ 2., nan])
    """
    if mode == "fill" or fill_value is not None or isinstance(indices, Tracer):
        return take(self.view(np.ndarray), indices, axis, out, mode,
                    unique_indices=unique_indices, indices_are_sorted=indices_are_sorted,
                    fill_value=fill_value)
    return np.ndarray.take(self, indices, axis, out, mode)


class _ArrayAt:
    """``Array.at``: JAX's index updates, whose concrete results are ``Array``s."""
    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _ArrayAtRef(self.array, index)


class _ArrayAtRef:
    """``Array.at[index]``: each update method (``set``, ``add``, ``get``, ...) of
    the numpy layer's reference, with a concrete result handed out as an ``Array``."""
    __slots__ = ("ref",)

    def __init__(self, array, index):
        self.ref = IndexUpdateHelper(array)[index]

    def __getattr__(self, name):
        method = getattr(self.ref, name)

        def update(*args, **kwargs):
            return finish_output(method(*args, **kwargs))
        update.__name__ = name
        return update


def _attach():
    for name, method in (("__getitem__", _getitem), ("argsort", _argsort),
                         ("nonzero", _nonzero), ("take", _take)):
        method.__name__, method.__qualname__ = name, f"Array.{name}"
        setattr(Array, name, method)
    _at.__name__, _at.__qualname__ = "at", "Array.at"
    Array.at = property(_at)


_attach()


# ------------------------------------------------------------ operators: JAX's promotion
# ``Array``'s operators (foundation: NumPy's operator with JAX's shape errors)
# are wrapped here so that mixed dtypes promote as in JAX (``int32 + float32``
# is float32): operands of one dtype go straight to NumPy's operator; others
# are cast first by the rule of the matching ufunc (``base.binary_casts``).
# A traced operand is left to the tracer's own operator (JAX's rules too).

def _promoting(dunder, rule, table, reflected):
    inner = getattr(Array, dunder)
    cast_alone = {d for d in map(np.dtype, "?bBhHiIlLqQefdgFDG")   # int / int is float
                  if _binary_targets(rule, d, d)[0] is not None}

    def method(self, other):
        t = type(other)
        if (t is Array or t is np.ndarray) and other.dtype is self.dtype \
                and self.dtype not in cast_alone or t is float or t is complex:
            return inner(self, other)   # a weak float / complex: NEP 50 agrees with JAX
        if isinstance(other, Tracer):
            return NotImplemented
        if t is not Array and t is not np.ndarray and t not in _SCALARS:
            if not isinstance(other, (np.ndarray, np.generic, list, tuple)):
                return inner(self, other)   # NumPy decides (NotImplemented, object arrays)
            other = np.asarray(other)
        if reflected:
            other, me = binary_casts(rule, table, other, self)
        else:
            me, other = binary_casts(rule, table, self, other)
        return inner(me.view(Array) if type(me) is np.ndarray else me, other)
    method.__name__ = method.__qualname__ = dunder
    return method


_SCALARS = (bool, int, float, complex)
for _op, _fn in {"add": ufuncs.add, "sub": ufuncs.subtract, "mul": ufuncs.multiply,
                 "truediv": ufuncs.true_divide, "floordiv": ufuncs.floor_divide,
                 "mod": ufuncs.remainder, "pow": ufuncs.power, "and": ufuncs.bitwise_and,
                 "or": ufuncs.bitwise_or, "xor": ufuncs.bitwise_xor,
                 "lshift": ufuncs.left_shift, "rshift": ufuncs.right_shift,
                 "matmul": ufuncs.multiply, "lt": ufuncs.less, "le": ufuncs.less_equal,
                 "gt": ufuncs.greater, "ge": ufuncs.greater_equal, "eq": ufuncs.equal,
                 "ne": ufuncs.not_equal}.items():
    _rule = _fn._dtype_rule[0]
    _table: dict = {}
    setattr(Array, f"__{_op}__", _promoting(f"__{_op}__", _rule, _table, False))
    if _op not in ("lt", "le", "gt", "ge", "eq", "ne"):
        setattr(Array, f"__r{_op}__", _promoting(f"__r{_op}__", _rule, _table, True))
del _op, _fn, _rule, _table
