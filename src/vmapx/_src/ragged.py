"""``x[mask]`` with a batched mask: a ragged selection, kept batched while it can be.

Each example selects its own number of elements, so the result has no batched
shape.  ``Masked`` holds the whole (flattened) data and the mask instead, and
stays batched through what does not need the number of elements:

* elementwise ufuncs and operators with scalars, unmapped values or another
  selection by the same mask give another ``Masked``;
* reductions over the selection (``sum``, ``mean``, ``max``, ``min``, ``prod``,
  ``any``, ``all``, ``std``, ``var``, ``count_nonzero``; methods or NumPy
  functions, whole selection or axis 0) are masked reductions, a batched value.
  Floating-point sums add the same terms with zeros between them, so they equal
  the loop up to reassociation (``max``/``min``/``any``/``all`` exactly).

Anything else (``len``, ``.shape``, indexing, other functions, returning it)
*materializes* it: the examples are grouped by their number of selected
elements (``concrete_size``, which splits an eager batch) and each group
gathers its elements, a regular traced value.  Returned from ``vmap``, groups
of different sizes cannot be stacked: the error names the shapes, as the loop's
``np.stack`` would fail.
"""
from __future__ import annotations

import numpy as np

from . import inputs
from .core import Tracer
from .jnp import reductions
from .jnp.base import asarray_like, concrete_size
from .jnp.shapes import reshape
from .prims.elementwise import where_p
from .prims.indexing import take_p


def _materialized(a):
    """``a`` with every selection in it (also inside lists and tuples, as
    ``np.concatenate([x[m], y])`` passes them) materialized."""
    if type(a) is Masked:
        return a.materialize()
    if isinstance(a, (list, tuple)) and any(type(x) is Masked or isinstance(x, (list, tuple))
                                            for x in a):
        return (list if isinstance(a, list) else tuple)(_materialized(x) for x in a)
    return a


class Masked:
    """The elements of ``data`` (leading axis) where ``mask`` holds, lazily."""
    __slots__ = ("data", "mask")
    __array_priority__ = 2000

    def __init__(self, data, mask):
        self.data = data
        self.mask = mask

    # ------------------------------------------------------------ materializing

    def materialize(self):
        c = concrete_size(reductions.count_nonzero(self.mask), "__getitem__",
                          "a boolean mask's number of True entries is the output shape")
        order = reductions.argsort(np.logical_not(self.mask), stable=True)[:c]
        return take_p.bind(asarray_like(self.data), order, axis=0)   # in range: no fill

    def __getattr__(self, name):
        return getattr(self.materialize(), name)

    def __getitem__(self, index):
        return self.materialize()[index]

    def __setitem__(self, index, value):  # writes into a copy, as NumPy's x[mask][i] = v
        m = self.materialize()
        m[index] = value

    def __len__(self):
        return len(self.materialize())

    def __iter__(self):
        return iter(self.materialize())

    def __bool__(self):
        return bool(self.materialize())

    def __float__(self):
        return float(self.materialize())

    def __int__(self):
        return int(self.materialize())

    def __index__(self):
        return self.materialize().__index__()

    def __repr__(self):
        return f"Masked<{self.data!r} where {self.mask!r}>"

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.materialize(), dtype=dtype)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return np.ndim(self.data)

    # ----------------------------------------------------------- elementwise

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs.get("out") and ufunc.nout == 1:
            mask = None
            args = []
            for a in inputs:
                if type(a) is Masked:
                    if mask is not None and a.mask is not mask:
                        break
                    mask = a.mask
                    args.append(a.data)
                elif np.ndim(a) == 0 or (isinstance(a, (np.ndarray, Tracer))
                                         and np.ndim(a) < np.ndim(self.data)):
                    args.append(a)   # scalars and per-row values broadcast as in NumPy
                else:
                    break
            else:
                return Masked(ufunc(*args, **kwargs), mask)
        return getattr(ufunc, method)(*[_materialized(a) for a in inputs], **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        reducer = _REDUCERS.get(getattr(func, "__name__", None))
        if reducer is not None and args and args[0] is self and len(args) == 1:
            return reducer(self, **kwargs)
        return func(*[_materialized(a) for a in args],
                    **{k: _materialized(v) for k, v in kwargs.items()})

    # ------------------------------------------------------------ reductions

    def _fill(self, value):
        m = self.mask
        extra = np.ndim(self.data) - 1
        if extra:
            m = reshape(m, tuple(m.shape) + (1,) * extra)
        return where_p.bind(m, asarray_like(self.data), value)

    def _axis(self, axis, keepdims=False):
        """The axis of the filled data to reduce (``None``: all), or ``False`` where
        the reduction needs the materialized selection."""
        if keepdims or axis not in (None, 0, -np.ndim(self.data)):
            return False
        return None if axis is None else 0

    def _reduce(self, name, fill, axis=None, keepdims=False, **kw):
        ax = self._axis(axis, keepdims)
        if ax is False:
            return getattr(self.materialize(), name)(axis=axis, keepdims=keepdims, **kw)
        return getattr(reductions, name)(self._fill(fill), axis=ax, **kw)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        if out is not None or kw:
            return self.materialize().sum(axis=axis, dtype=dtype, keepdims=keepdims, **kw)
        return self._reduce("sum", 0, axis, keepdims, dtype=dtype)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        if out is not None or kw:
            return self.materialize().prod(axis=axis, dtype=dtype, keepdims=keepdims, **kw)
        return self._reduce("prod", 1, axis, keepdims, dtype=dtype)

    def any(self, axis=None, out=None, keepdims=False, **kw):
        if out is not None or kw:
            return self.materialize().any(axis=axis, keepdims=keepdims, **kw)
        return self._reduce("any", False, axis, keepdims)

    def all(self, axis=None, out=None, keepdims=False, **kw):
        if out is not None or kw:
            return self.materialize().all(axis=axis, keepdims=keepdims, **kw)
        return self._reduce("all", True, axis, keepdims)

    def _extreme(self, name, axis, keepdims, kw):
        ax = self._axis(axis, keepdims)
        if ax is False or kw:
            return getattr(self.materialize(), name)(axis=axis, keepdims=keepdims, **kw)
        if bool(np.logical_not(reductions.any(self.mask))):   # as NumPy: no identity
            raise ValueError(f"zero-size array to reduction operation "
                             f"{'maximum' if name == 'max' else 'minimum'} which has no "
                             "identity")
        dt = np.dtype(self.dtype)
        if inputs.kind(dt) == "f":
            fill = -np.inf if name == "max" else np.inf
        elif dt.kind in "iu":
            info = np.iinfo(dt)
            fill = info.min if name == "max" else info.max
        elif dt.kind == "b":
            fill = name != "max"
        else:
            return getattr(self.materialize(), name)(axis=axis)
        return getattr(reductions, name)(self._fill(fill), axis=ax)

    def max(self, axis=None, out=None, keepdims=False, **kw):
        return self._extreme("max", axis, keepdims, kw)

    def min(self, axis=None, out=None, keepdims=False, **kw):
        return self._extreme("min", axis, keepdims, kw)

    def _count(self, ax):
        """The number of elements each example reduces over."""
        n = reductions.sum(self.mask, dtype=np.intp)
        if ax is None:
            n = n * int(np.prod(np.shape(self.data)[1:], dtype=np.int64))
        return n

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        ax = self._axis(axis, keepdims)
        if ax is False or out is not None or kw:
            return self.materialize().mean(axis=axis, dtype=dtype, keepdims=keepdims, **kw)
        dt = dtype if dtype is not None else (
            self.dtype if inputs.is_inexact(np.dtype(self.dtype)) else np.float64)
        total = self._reduce("sum", 0, axis, dtype=dt)
        return np.true_divide(total, self._count(ax)).astype(dt)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        ax = self._axis(axis, keepdims)
        if ax is False or out is not None or kw:
            return self.materialize().var(axis=axis, dtype=dtype, ddof=ddof,
                                          keepdims=keepdims, **kw)
        dev = Masked(self.data - self.mean(axis=axis, dtype=dtype), self.mask)
        if np.dtype(self.dtype).kind == "c":   # |dev|^2, real, as NumPy's var
            sq = Masked((dev.data * np.conjugate(dev.data)).real, self.mask)
        else:
            sq = dev * dev
        total = sq._reduce("sum", 0, axis, dtype=dtype)
        return np.true_divide(total, self._count(ax) - ddof)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        v = self.var(axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)
        return np.sqrt(v)



def _op(ufunc, swap=False):
    if swap:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


for _name, _uf in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                   ("truediv", np.true_divide), ("floordiv", np.floor_divide),
                   ("mod", np.remainder), ("pow", np.power), ("and", np.bitwise_and),
                   ("or", np.bitwise_or), ("xor", np.bitwise_xor)]:
    setattr(Masked, f"__{_name}__", _op(_uf))
    setattr(Masked, f"__r{_name}__", _op(_uf, swap=True))
for _name, _uf in [("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)]:
    setattr(Masked, f"__{_name}__", _op(_uf))
Masked.__neg__ = lambda self: np.negative(self)
Masked.__pos__ = lambda self: self
Masked.__abs__ = lambda self: np.absolute(self)
Masked.__invert__ = lambda self: np.invert(self)
Masked.__hash__ = None

_REDUCERS = {
    "sum": Masked.sum, "prod": Masked.prod, "any": Masked.any, "all": Masked.all,
    "max": Masked.max, "amax": Masked.max, "min": Masked.min, "amin": Masked.min,
    "mean": Masked.mean, "var": Masked.var, "std": Masked.std,
    "count_nonzero": lambda self, axis=None, keepdims=False: (self != 0).sum(axis=axis),
}


def masked_getitem(x, mask):
    """``x[mask]`` for a batched boolean ``mask`` over the leading axes of ``x``."""
    k = np.ndim(mask)
    shape = tuple(np.shape(x))
    if tuple(np.shape(mask)) != shape[:k]:
        raise IndexError(
            f"boolean index did not match indexed array along axis 0; size of axis is "
            f"{shape[0] if shape else 0} but size of corresponding boolean axis is "
            f"{np.shape(mask)[0] if k else 0}")
    n = int(np.prod(shape[:k], dtype=np.int64))
    data = reshape(x, (n,) + shape[k:])
    return Masked(data, reshape(mask, (n,)))


def materialize_tree(leaves):
    """Output leaves with every ``Masked`` materialized."""
    return [leaf.materialize() if type(leaf) is Masked else leaf for leaf in leaves]
