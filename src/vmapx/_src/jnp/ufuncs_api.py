"""``vmapx.numpy.ufunc`` and ``frompyfunc``: NumPy's ufunc protocol for any
scalar function, as JAX's class.

A ``ufunc`` wraps a function of ``nin`` scalars returning ``nout`` scalars.
Calling it broadcasts the function over arrays with ``vectorize`` (so with
``vmap``); the methods of binary one-output ufuncs are loops over one axis:
``reduce`` a left fold (``scan``), ``accumulate`` the same fold keeping every
partial result, ``reduceat`` a fold per segment, ``at`` a sequential update of
indexed elements (repeated indices applied in turn, as NumPy's unbuffered
``ufunc.at``) and ``outer`` two nested ``vmap``\\ s.  Each is built from
``vmap`` and ``lax.scan``, so ``vmap``, ``jit`` and derivatives go through it.
Specialised implementations can replace any method (``call=``, ``reduce=``, ...
in the constructor), as in JAX.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import numpy_api as jnp
from ..api import vmap
from ..core import Tracer, dtype_of, shape_of
from ..lax_loops import scan
from ..staging_api import eval_shape
from .base import canonicalize_axis
from .vectorize import vectorize

__all__ = ["ufunc", "frompyfunc"]


def _check_arraylike(name, *args):
    """JAX's rule for ufunc arguments: arrays or scalars, never lists or tuples."""
    for pos, arg in enumerate(args):
        if not isinstance(arg, (np.ndarray, Tracer, np.generic, bool, int, float, complex)):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(arg)} at "
                            f"position {pos}.")


def _one(x):
    """A scalar 1 of ``x``'s dtype (to find the function's result dtype)."""
    return np.ones((), dtype_of(jnp.asarray(x)))


def _index_tuple(indices):
    """An index as a tuple of its parts; a list is refused (JAX's rule)."""
    if isinstance(indices, tuple):
        return indices
    if isinstance(indices, list):
        raise TypeError("Using a non-tuple sequence for multidimensional indexing is not "
                        "allowed; use `arr[array(seq)]` instead of `arr[seq]`. See "
                        "https://github.com/jax-ml/jax/issues/4564 for more information.")
    return (indices,)


class ufunc:
    """A NumPy-style universal function built from a scalar function ``func`` of
    ``nin`` inputs and ``nout`` outputs, as ``jax.numpy.ufunc``.

    ``identity`` is the value ``reduce`` starts from on empty input or under a
    ``where`` mask; ``call``, ``reduce``, ``accumulate``, ``at`` and
    ``reduceat`` optionally replace the generic implementations.

    >>> import numpy as np, vmapx.numpy as jnp
    >>> add = jnp.ufunc(lambda a, b: a + b, 2, 1, name="add", identity=0)
    >>> add, add.nin, add.nout, add.identity
    (<jnp.ufunc 'add'>, 2, 1, 0)
    >>> add(np.arange(3), 10)
    array([10, 11, 12])
    >>> add.reduce(np.arange(5))
    array(10)
    """

    def __init__(self, func, /, nin, nout, *, name=None, nargs=None, identity=None, call=None,
                 reduce=None, accumulate=None, at=None, reduceat=None):
        self.__doc__ = func.__doc__
        self.__name__ = name or func.__name__
        self._static = {
            "func": func, "nin": operator.index(nin), "nout": operator.index(nout),
            "nargs": operator.index(nargs or nin), "identity": identity, "call": call,
            "reduce": reduce, "accumulate": accumulate, "at": at, "reduceat": reduceat,
        }

    _func = property(lambda self: self._static["func"])
    nin = property(lambda self: self._static["nin"], doc="The number of inputs.")
    nout = property(lambda self: self._static["nout"], doc="The number of outputs.")
    nargs = property(lambda self: self._static["nargs"], doc="The number of arguments.")
    identity = property(lambda self: self._static["identity"],
                        doc="The identity of the operation, or None.")

    def _key(self):
        return (self._func, self.__name__, self.identity, self.nin, self.nout, self.nargs)

    def __hash__(self):
        return hash(self._key())

    def __eq__(self, other):
        return isinstance(other, ufunc) and self._key() == other._key()

    def __repr__(self):
        return f"<jnp.ufunc '{self.__name__}'>"

    def _check_binary(self, method):
        if self.nin != 2:
            raise ValueError(f"{method} only supported for binary ufuncs")
        if self.nout != 1:
            raise ValueError(f"{method} only supported for functions returning a single value")

    def _result_dtype(self, *args):
        return eval_shape(self._func, *(_one(a) for a in args)).dtype

    # ----------------------------------------------------------------- __call__

    def __call__(self, *args, out=None, where=None):
        """The function broadcast over its array arguments.

        >>> import numpy as np, vmapx.numpy as jnp
        >>> hyp = jnp.frompyfunc(lambda a, b: jnp.sqrt(a * a + b * b), 2, 1)
        >>> hyp(np.array([3.0, 5.0]), np.array([[4.0], [12.0]]))
        array([[ 5.        ,  6.40312424],
               [12.36931688, 13.        ]])
        """
        _check_arraylike(self.__name__, *args)
        if out is not None:
            raise NotImplementedError(f"out argument of {self}")
        if where is not None:
            raise NotImplementedError(f"where argument of {self}")
        call = self._static["call"] or vectorize(self._func)
        return call(*args)

    # ------------------------------------------------------------------- reduce

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=None):
        """Fold the binary function over ``axis`` from the left (``axis=None``
        folds the flattened array), starting from ``initial`` if given, else from
        the first element; ``where`` masks elements out (it needs ``initial`` or
        an identity).

        >>> import numpy as np, vmapx.numpy as jnp
        >>> sub = jnp.frompyfunc(lambda a, b: a - b, 2, 1)
        >>> sub.reduce(np.array([[10, 1], [2, 3]]), axis=1)
        array([ 9, -1])
        >>> sub.reduce(np.array([1.0, 2.0, 3.0]), initial=10.0, where=np.array([True, False, True]))
        array(6.)
        """
        name = f"{self.__name__}.reduce"
        _check_arraylike(name, a)
        self._check_binary("reduce")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduce()")
        if initial is not None:
            _check_arraylike(name, initial)
        if where is not None:
            _check_arraylike(name, where)
            if self.identity is None and initial is None:
                raise ValueError(f"reduction operation {self.__name__!r} does not have an "
                                 "identity, so to use a where mask one has to specify "
                                 "'initial'.")
            if dtype_of(jnp.asarray(where)) != np.bool_:
                raise ValueError("where argument must have dtype=bool; got "
                                 f"dtype={dtype_of(jnp.asarray(where))}")
        reduce = self._static["reduce"] or self._reduce_via_scan
        return reduce(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
                      where=where)

    def _reduce_via_scan(self, arr, axis=0, dtype=None, keepdims=False, initial=None,
                         where=None):
        arr = jnp.asarray(arr)
        ndim = len(shape_of(arr))
        if initial is None:
            initial = self.identity
        dtype = self._result_dtype(arr, arr) if dtype is None else np.dtype(dtype)
        if where is not None:
            where = jnp.broadcast_to(where, shape_of(arr))
        if isinstance(axis, tuple):
            raise NotImplementedError("tuple of axes")
        if axis is None:
            final_shape = (1,) * ndim if keepdims else ()
            arr = jnp.ravel(arr)
            where = None if where is None else jnp.ravel(where)
            axis = 0
        else:
            axis = canonicalize_axis(axis, ndim)
            shape = tuple(shape_of(arr))
            final_shape = shape[:axis] + ((1,) if keepdims else ()) + shape[axis + 1:]
            arr = jnp.moveaxis(arr, axis, 0)
            where = None if where is None else jnp.moveaxis(where, axis, 0)
        if shape_of(arr)[0] == 0:
            if initial is None:
                raise ValueError("zero-size array to reduction operation "
                                 f"{self.__name__} which has no identity")
            return jnp.full(final_shape, initial, dtype)
        if initial is None:
            start, rest = arr[0], arr[1:]
            where = None if where is None else where[1:]
        else:
            start, rest = initial, arr
        start = jnp.broadcast_to(jnp.astype(jnp.asarray(start), dtype), shape_of(arr)[1:])

        def step(acc, xs):
            x, keep = xs
            new = self(acc, jnp.astype(x, dtype))
            return (new if keep is None else jnp.where(keep, new, acc)), None
        result, _ = scan(step, start, (rest, where))
        return jnp.reshape(result, final_shape) if keepdims else result

    # --------------------------------------------------------------- accumulate

    def accumulate(self, a, axis=0, dtype=None, out=None):
        """Every partial left fold along ``axis`` (``add.accumulate`` is ``cumsum``).

        >>> import numpy as np, vmapx.numpy as jnp
        >>> sub = jnp.frompyfunc(lambda a, b: a - b, 2, 1)
        >>> sub.accumulate(np.array([10, 1, 2, 3]))
        array([10,  9,  7,  4])
        """
        self._check_binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.accumulate()")
        accumulate = self._static["accumulate"] or self._accumulate_via_scan
        return accumulate(a, axis=axis, dtype=dtype)

    def _accumulate_via_scan(self, arr, axis=0, dtype=None):
        _check_arraylike(f"{self.__name__}.accumulate", arr)
        arr = jnp.asarray(arr)
        dtype = self._result_dtype(arr, arr) if dtype is None else np.dtype(dtype)
        if axis is None or isinstance(axis, tuple):
            raise ValueError("accumulate does not allow multiple axes")
        axis = canonicalize_axis(axis, len(shape_of(arr)))
        if math.prod(shape_of(arr)) == 0:
            return jnp.zeros(shape_of(arr), dtype)
        arr = jnp.moveaxis(arr, axis, 0)
        first = jnp.astype(arr[0], dtype)

        def step(acc, x):
            new = self(acc, jnp.astype(x, dtype))
            return new, new
        _, rest = scan(step, first, arr[1:])
        result = jnp.concatenate([jnp.expand_dims(first, 0), jnp.astype(rest, dtype)])
        return jnp.moveaxis(result, 0, axis)

    # ----------------------------------------------------------------------- at

    def at(self, a, indices, b=None, /, *, inplace=True):
        """``a`` with the function applied at ``indices`` (with ``b`` for a binary
        ufunc), repeated indices applied once per occurrence, in order.  Arrays
        are immutable: pass ``inplace=False`` and use the returned array.

        >>> import numpy as np, vmapx.numpy as jnp
        >>> mul = jnp.frompyfunc(lambda a, b: a * b, 2, 1)
        >>> mul.at(np.ones(4), np.array([0, 2, 2]), 3.0, inplace=False)
        array([3., 1., 9., 1.])
        """
        if inplace:
            raise NotImplementedError(
                "vmapx arrays are immutable, so ufunc.at cannot update its argument in "
                "place as numpy.ufunc.at does: pass inplace=False and use the returned "
                "array, e.g. arr = jnp.add.at(arr, ind, val, inplace=False)")
        at = self._static["at"] or self._at_via_scan
        return at(a, indices) if b is None else at(a, indices, b)

    def _at_via_scan(self, a, indices, *args):
        _check_arraylike(f"{self.__name__}.at", a, *args)
        dtype = self._result_dtype(a, *args)
        a = jnp.astype(jnp.asarray(a), dtype)
        args = tuple(jnp.astype(jnp.asarray(arg), dtype) for arg in args)
        indices = _index_tuple(indices)
        if not indices:
            return a

        def passes(idx):             # slices, Ellipsis and None apply to every update
            return isinstance(idx, slice) or idx is None or idx is Ellipsis
        shapes = [tuple(shape_of(jnp.asarray(i))) for i in indices if not passes(i)]
        shape = tuple(np.broadcast_shapes(*shapes)) if shapes else ()
        if not shape:
            return a.at[indices].set(self(a.at[indices].get(), *args))
        n = math.prod(shape)
        if args:
            arg = args[0]
            tail = tuple(shape_of(arg))[len(shape):]
            args = (jnp.reshape(jnp.broadcast_to(arg, shape + tail), (n,) + tail),)
        flat = [None if passes(i) else jnp.ravel(jnp.broadcast_to(i, shape)) for i in indices]

        def step(acc, xs):
            picks, updates = xs
            it = iter(picks)
            idx = tuple(i if passes(i) else next(it) for i in indices)
            return acc.at[idx].set(self(acc.at[idx].get(), *updates)), None
        out, _ = scan(step, a, ([f for f in flat if f is not None], list(args)))
        return out

    # ----------------------------------------------------------------- reduceat

    def reduceat(self, a, indices, axis=0, dtype=None, out=None):
        """Fold the binary function over the segments ``a[indices[i]:indices[i+1]]``
        along ``axis`` (the last one runs to the end; where
        ``indices[i] >= indices[i+1]`` the result is ``a[indices[i]]``), as NumPy.

        >>> import numpy as np, vmapx.numpy as jnp
        >>> add = jnp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
        >>> add.reduceat(np.arange(8), np.array([0, 4, 1, 5]))
        array([ 6,  4, 10, 18])
        """
        self._check_binary("reduceat")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduceat()")
        reduceat = self._static["reduceat"] or self._reduceat_via_scan
        return reduceat(a, indices, axis=axis, dtype=dtype)

    def _reduceat_via_scan(self, a, indices, axis=0, dtype=None):
        _check_arraylike(f"{self.__name__}.reduceat", a, indices)
        a = jnp.asarray(a)
        idx = _index_tuple(indices)
        if len(idx) != 1:
            raise ValueError("reduceat: indices must be one array of integers")
        indices = jnp.asarray(idx[0])
        if len(shape_of(a)) == 0:
            raise ValueError("reduceat: a must have 1 or more dimension, got "
                             f"a.shape={tuple(shape_of(a))}")
        if len(shape_of(indices)) != 1:
            raise ValueError("reduceat: indices must be one-dimensional, got "
                             f"indices.shape={tuple(shape_of(indices))}")
        if axis is None or isinstance(axis, (tuple, list)):
            raise ValueError("reduceat requires a single integer axis.")
        axis = canonicalize_axis(axis, len(shape_of(a)))
        length = shape_of(a)[axis]
        moved = jnp.moveaxis(a, axis, 0)
        result = jnp.take(moved, indices, axis=0)
        if dtype is not None:
            result = jnp.astype(result, dtype)
        ends = jnp.concatenate([indices[1:], jnp.asarray([length], dtype_of(indices))])
        # One boolean per segment, broadcast over the other axes.
        rank = len(shape_of(result))

        def per_segment(v):
            return jnp.reshape(v, tuple(shape_of(v)) + (1,) * (rank - 1))
        starts, ends = per_segment(indices), per_segment(ends)

        def step(acc, xs):
            i, row = xs
            inside = jnp.logical_and(jnp.greater(i, starts), jnp.less(i, ends))
            return jnp.where(inside, self(acc, row), acc), None
        result, _ = scan(step, result, (jnp.arange(length), moved))
        return jnp.moveaxis(result, 0, axis)

    # -------------------------------------------------------------------- outer

    def outer(self, A, B, /):
        """The function at every pair of elements: shape ``A.shape + B.shape``.

        >>> import numpy as np, vmapx.numpy as jnp
        >>> mul = jnp.frompyfunc(lambda a, b: a * b, 2, 1)
        >>> mul.outer(np.arange(1, 4), np.arange(1, 3))
        array([[1, 2],
               [2, 4],
               [3, 6]])
        """
        self._check_binary("outer")
        _check_arraylike(f"{self.__name__}.outer", A, B)
        A, B = jnp.asarray(A), jnp.asarray(B)
        pairs = vmap(vmap(self, (None, 0)), (0, None))(jnp.ravel(A), jnp.ravel(B))
        return jnp.reshape(pairs, tuple(shape_of(A)) + tuple(shape_of(B)))


def frompyfunc(func, /, nin, nout, *, identity=None):
    """A ``ufunc`` from a scalar function of ``nin`` inputs and ``nout`` outputs.

    >>> import numpy as np, vmapx.numpy as jnp
    >>> logaddexp = jnp.frompyfunc(lambda a, b: jnp.log(jnp.exp(a) + jnp.exp(b)), 2, 1)
    >>> logaddexp.accumulate(np.zeros(3))
    array([0.        , 0.69314718, 1.09861229])
    """
    return ufunc(func, nin, nout, identity=identity)
