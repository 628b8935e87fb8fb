"""Tracers as arrays: operators, methods and attributes, and NumPy's own
dispatch (``__array_ufunc__``, ``__array_function__``) through an explicit
table from NumPy callables to ``vmapx.numpy``.  Conversions that would need a
concrete value raise errors that say why and what to use instead."""
from __future__ import annotations

import functools
import operator
import sys

import numpy as np

from . import concrete, inplace, inputs, numpy_api as jnp, numpy_hooks, numpy_linalg_errors
from .batching import CLASS_SEEN_BY_USER, VALUE_SEEN_BY_USER, BatchTracer, splittable
from .callbacks import pure_callback
from .core import Tracer, copy_box, shape_of, _state as _core_state
from .staging_api import ShapeDtypeStruct
from .errors import (ConcretizationTypeError, TracerArrayConversionError,
                     TracerBoolConversionError, TracerIntegerConversionError)
from .jnp import histograms
from .jnp.dtypes import numpy_semantics_off as _numpy_semantics_off, \
    numpy_semantics_on as _numpy_semantics_on
from .jnp.base import _FAST, _check_operand, asarray_like, binary_casts, canonicalize_axis
from .jnp.ufuncs import UFUNC_TO_FN
from .prims import reductions as rp
from .prims.bits import bitcast_p
from .prims.folds import ufunc_fold_p


# ------------------------------------------------------------ dispatch tables

_UFUNC_METHODS = {
    (np.add, "reduce"): "sum", (np.multiply, "reduce"): "prod",
    (np.maximum, "reduce"): "max", (np.minimum, "reduce"): "min",
    (np.fmax, "reduce"): "nanmax", (np.fmin, "reduce"): "nanmin",
    (np.logical_and, "reduce"): "all", (np.logical_or, "reduce"): "any",
    (np.add, "accumulate"): "cumsum", (np.multiply, "accumulate"): "cumprod",
    (np.maximum, "accumulate"): "_cummax", (np.minimum, "accumulate"): "_cummin",
}

_function_table: dict = {}
# vmapx.numpy itself (its functions defined by vmap, ``apply_along_axis``, are above
# ``numpy_api``), vmapx.numpy.linalg and vmapx.numpy.fft: public modules above this
# layer, handed over by vmapx.numpy when it calls ``_install``.
_submodules: dict = {}


def _build_function_table():
    table = {}
    for modname, npmod, ours in (("numpy", np, _submodules.get("numpy", jnp)),
                                 ("numpy.linalg", np.linalg, _submodules.get("linalg")),
                                 ("numpy.fft", np.fft, _submodules.get("fft"))):
        if ours is None:
            continue
        for name in dir(ours):
            if name.startswith("_"):
                continue
            f = getattr(npmod, name, None)
            f = getattr(f, "vmapx_original", f)   # numpy_hooks' wrapper: the original
            g = getattr(ours, name)
            if callable(f) and callable(g) and not isinstance(f, type) and g is not f:
                table[f] = g
    table.pop(np.ndim, None)
    table[np.ndim] = jnp.ndim
    table[np.shape] = jnp.shape
    table[np.size] = jnp.size
    table[np.result_type] = jnp.result_type
    for name, fn in histograms.NUMPY_SEMANTICS.items():   # NumPy's dtypes, not JAX's
        table[getattr(np, name)] = fn
    table[np.lib.stride_tricks.sliding_window_view] = _sliding_window_view
    linalg = _submodules.get("linalg")
    if linalg is not None:   # NumPy reads one triangle; JAX's default symmetrizes first
        for name in ("cholesky", "eigh", "eigvalsh"):
            table[getattr(np.linalg, name)] = functools.partial(getattr(linalg, name),
                                                                symmetrize_input=False)
    return table


def _sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """``numpy.lib.stride_tricks.sliding_window_view`` of a traced array: the
    windows gathered (a copy: traced arrays have no strides to share), in NumPy's
    layout (each windowed axis shortened, the window axes appended in order).

    >>> import vmapx
    >>> vmapx.vmap(lambda v: np.lib.stride_tricks.sliding_window_view(v, 2))(
    ...     np.arange(6.0).reshape(2, 3))
    array([[[0., 1.],
            [1., 2.]],
    <BLANKLINE>
           [[3., 4.],
            [4., 5.]]])
    """
    if writeable:
        raise TypeError("sliding_window_view(..., writeable=True) of a traced array: traced "
                        "arrays are immutable (the windows are a copy)")
    x = jnp.asarray(x)
    shape = (window_shape,) if isinstance(window_shape, (int, np.integer)) else \
        tuple(window_shape)
    if axis is None:
        axes = tuple(range(x.ndim))
        if len(shape) != len(axes):
            raise ValueError(f"Since axis is `None`, must provide window_shape for all "
                             f"dimensions of `x`; got {len(shape)} window_shape elements and "
                             f"`x.ndim` is {x.ndim}.")
    else:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        if len(shape) != len(axes):
            raise ValueError(f"Must provide matching length window_shape and axis; got "
                             f"{len(shape)} window_shape elements and {len(axes)} axes "
                             "elements.")
    if any(w < 0 for w in shape):
        raise ValueError("`window_shape` cannot contain negative values")
    out = x
    for w, ax in zip(shape, axes):
        ax = canonicalize_axis(ax, x.ndim)
        n = out.shape[ax]
        if n < w:
            raise ValueError("window shape cannot be larger than input array shape")
        idx = np.arange(n - w + 1)[:, None] + np.arange(w)[None, :]
        out = jnp.moveaxis(jnp.take(out, idx, axis=ax), ax + 1, -1)
    return out


def _lookup_function(func):
    if not _function_table:
        _function_table.update(_build_function_table())
    return _function_table.get(func)


def _unsupported(name, hint=""):
    return TypeError(
        f"NumPy function {name} is not supported on traced arrays by vmapx{hint}. "
        "Use the vmapx.numpy equivalent if there is one, or compute it from supported "
        "functions (see vmapx.numpy).")


def _foreign_ufunc(ufunc, inputs, kwargs):
    """A ufunc vmapx does not know (SciPy's special functions, a library's own):
    elementwise by definition, so it runs as one callback on the whole batch
    (``pure_callback`` with ``vmap_method='broadcast_all'``; no derivative)."""
    name = f"numpy.{ufunc.__name__}"
    if all("O" in t for t in ufunc.types):   # np.frompyfunc: a Python function per element
        concrete.request_loop("calls a Python function on each element (np.frompyfunc)",
                              "To keep it batched, write the element function with NumPy "
                              "operations on the whole array.")
        raise _unsupported(name)
    if kwargs:
        raise _unsupported(name)
    probe = ufunc(*[np.zeros((), x.dtype) if isinstance(x, Tracer) else x for x in inputs])
    probes = probe if ufunc.nout > 1 else (probe,)
    dtypes = [np.asarray(p).dtype for p in probes]
    if any(d.kind not in "biufc" for d in dtypes):
        raise _unsupported(name)   # e.g. np.frompyfunc's object results
    shape = np.broadcast_shapes(*[tuple(x.shape) if isinstance(x, Tracer) else np.shape(x)
                                  for x in inputs])
    # every operand at the per-example shape, so the batched call broadcasts as one example does
    inputs = [jnp.broadcast_to(x, shape) for x in inputs]
    results = tuple(ShapeDtypeStruct(shape, d) for d in dtypes)
    return pure_callback(ufunc, results if ufunc.nout > 1 else results[0], *inputs,
                         vmap_method="broadcast_all")


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """NumPy's ufunc called on a traced value: the ``vmapx.numpy`` function, run
    with NumPy's promotion (``dtypes.numpy_semantics``: the loop over NumPy is
    the oracle here, so ``np.sqrt(int32)`` stays float64, not JAX's float32)."""
    token = _numpy_semantics_on()
    try:
        return _array_ufunc_impl(self, ufunc, method, *inputs, **kwargs)
    finally:
        _numpy_semantics_off(token)


def _array_ufunc_impl(self, ufunc, method, *inputs, **kwargs):
    out = kwargs.get("out")
    if out is not None and method == "__call__" and len(out) == 1 and inputs \
            and out[0] is inputs[0] and not isinstance(out[0], Tracer):
        # ``c += v`` with ``c`` a NumPy array and ``v`` traced: NumPy's in-place
        # operator asks for ufunc(c, v, out=c).  As in JAX, the result is the new
        # value ``c + v`` (Python rebinds the name to it) and ``c`` is unchanged.
        kwargs.pop("out")
        return _array_ufunc_impl(self, ufunc, method, *inputs, **kwargs)
    if out is not None:
        if all(inplace.is_box(o) for o in out):   # per-example code writing into its arrays
            kwargs.pop("out")
            where = kwargs.pop("where", True)
            result = _array_ufunc_impl(self, ufunc, method, *inputs, **kwargs)
            if where is not True and method == "__call__":   # elsewhere out keeps its values
                mask = jnp.asarray(inplace.resolve(where))
                result = (jnp.where(mask, r, inplace.resolve(o))
                          for r, o in zip(result if ufunc.nout > 1 else (result,), out,
                                          strict=True))
                result = tuple(result) if ufunc.nout > 1 else next(result)
            return inplace.write_outputs(out, result)
        raise TypeError(
            f"numpy.{ufunc.__name__}(..., out=...) cannot write into a traced array: traced "
            "arrays are immutable. Use the returned value instead (for a partial update, "
            "x = x.at[idx].set(value)).")
    kwargs.pop("out", None)
    if method == "__call__":
        fn = UFUNC_TO_FN.get(ufunc)
        if fn is None:
            fn = getattr(jnp, ufunc.__name__, None)
        if fn is None:
            return _foreign_ufunc(ufunc, inputs, kwargs)
        return fn(*inputs, **kwargs)
    if method == "outer":
        fn = UFUNC_TO_FN.get(ufunc)
        if fn is None:
            raise _unsupported(f"numpy.{ufunc.__name__}.outer")
        a, b = inputs
        a, b = jnp.asarray(a), jnp.asarray(b)
        return fn(jnp.reshape(a, jnp.shape(a) + (1,) * jnp.ndim(b)), b)
    if method == "at":
        if inplace.is_box(inputs[0]):
            return inplace.ufunc_at(ufunc, *inputs)
        raise TypeError(
            f"numpy.{ufunc.__name__}.at modifies its first argument in place, which traced "
            "arrays cannot do: they are immutable. Use the functional form "
            "x = x.at[idx].add(v) (or .multiply, .min, .max, .set).")
    if method == "reduceat" and ufunc.nin == 2 and ufunc.nout == 1:
        return _reduceat(ufunc, *inputs, **kwargs)
    name = _UFUNC_METHODS.get((ufunc, method))
    if name is None:
        if method in ("reduce", "accumulate") and ufunc.nin == 2 and ufunc.nout == 1:
            fn = UFUNC_TO_FN.get(ufunc)
            if fn is not None:
                return _fold(ufunc, fn, method, *inputs, **kwargs)
        raise _unsupported(f"numpy.{ufunc.__name__}.{method}")
    (x,) = inputs
    if method == "reduce":
        kwargs.setdefault("axis", 0)
        return getattr(jnp, name)(x, **kwargs)
    axis = kwargs.pop("axis", 0)
    dtype = kwargs.pop("dtype", None)
    if name.startswith("_cum"):
        prim = rp.cummax_p if name == "_cummax" else rp.cummin_p
        return prim.bind(x, axis=canonicalize_axis(axis, x.ndim))
    return getattr(jnp, name)(x, axis=axis, dtype=dtype)


def _fold(ufunc, fn, method, x, axis=0, dtype=None, keepdims=False, initial=None, **kw):
    """``ufunc.reduce`` / ``ufunc.accumulate`` of any binary ufunc: NumPy's own
    method does the work (``ufunc_fold_p``), so the result is exactly NumPy's,
    whatever order NumPy evaluates in.  NumPy first checks the arguments on a
    dummy of the operand's dtype, so invalid ones raise NumPy's own errors."""
    del fn  # NumPy's method computes; the JVP rule folds with vmapx.numpy
    if kw.get("where", True) is not True:
        raise TypeError(f"numpy.{ufunc.__name__}.{method}: the 'where' argument is not "
                        "supported on traced arrays; use numpy.where on the input instead.")
    x = jnp.asarray(x)
    if dtype is not None:
        x = jnp.astype(x, dtype)
    extra = {"keepdims": keepdims} if method == "reduce" else {}
    if initial is not None:
        extra["initial"] = initial
    getattr(ufunc, method)(np.ones((1,) * x.ndim, x.dtype), axis=axis, **extra)
    if initial is not None:
        initial = np.asarray(initial).item()
    if axis is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axis, tuple):
        axes = tuple(canonicalize_axis(a, x.ndim) for a in axis)
    else:
        axes = (canonicalize_axis(axis, x.ndim),)
    if len(axes) == 1:
        return ufunc_fold_p.bind(x, ufunc=ufunc, method=method, axis=axes[0],
                                 keepdims=keepdims, initial=initial, batched=0)
    # several axes (NumPy allows them for reorderable ufuncs): merged into one, last
    kept = [a for a in range(x.ndim) if a not in axes]
    merged = jnp.reshape(jnp.transpose(x, kept + list(axes)),
                         tuple(x.shape[a] for a in kept) + (-1,))
    out = ufunc_fold_p.bind(merged, ufunc=ufunc, method=method, axis=len(kept),
                            keepdims=False, initial=initial, batched=0)
    if keepdims:
        out = jnp.reshape(out, tuple(1 if a in axes else x.shape[a] for a in range(x.ndim)))
    return out


def _reduceat(ufunc, x, indices, axis=0, dtype=None):
    """``ufunc.reduceat`` with concrete ``indices``: segment ``i`` reduces
    ``x[indices[i]:indices[i+1]]`` along ``axis`` (just ``x[indices[i]]`` where the
    next index is not larger), as NumPy; one reduction per segment."""
    x = jnp.asarray(x)
    if dtype is not None:
        x = jnp.astype(x, dtype)
    axis = canonicalize_axis(axis, x.ndim)
    n = x.shape[axis]
    idx = [int(i) for i in np.asarray(indices).reshape(-1)]
    for i in idx:
        if not 0 <= i < n:
            raise IndexError(f"index {i} out-of-bounds in {ufunc.__name__}.reduceat [0, {n})")
    x = jnp.moveaxis(x, axis, 0)
    parts = []
    for k, start in enumerate(idx):
        stop = idx[k + 1] if k + 1 < len(idx) else n
        if stop > start + 1:
            parts.append(ufunc.reduce(x[start:stop], axis=0))
        else:
            parts.append(x[start])
    if not parts:
        return jnp.moveaxis(jnp.zeros((0,) + x.shape[1:], x.dtype), 0, axis)
    return jnp.moveaxis(jnp.stack(parts), 0, axis)


def _array_function(self, func, types, args, kwargs):
    out = kwargs.get("out")
    if out is not None and inplace.is_box(out):   # ``np.clip(y, a, b, out=y)`` per example
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
        return inplace.write_outputs((out,), _array_function(self, func, types, args, kwargs))
    if out is not None:
        raise TypeError(
            f"numpy.{func.__name__}(..., out=...) cannot write into an array inside a "
            "transformed function: traced arrays are immutable. Use the returned value "
            "instead (for a partial update, x = x.at[idx].set(value)).")
    write = inplace.IN_PLACE_FUNCTIONS.get(func)
    if write is not None and args and isinstance(args[0], Tracer) and splittable(args[0]):
        return write(*args, **kwargs)   # per-example code writing into a traced array
    fn = _lookup_function(func)
    if fn is None:
        mod = getattr(func, "__module__", "numpy") or "numpy"
        mod = "numpy" if mod.startswith("numpy._core") or mod == "numpy" else mod
        # per-example code in an eager vmap: the call runs as the loop (the oracle)
        concrete.request_loop(f"calls {mod}.{func.__name__}, which vmapx has no batched form of",
                              "To keep it batched, use vmapx.numpy functions for this step, "
                              "or call it on the results after the vmap.")
        raise _unsupported(f"{mod}.{func.__name__}")
    token = _numpy_semantics_on()   # NumPy's function: NumPy's promotion (as _array_ufunc)
    try:
        if numpy_linalg_errors.checked(func):   # LinAlgError where NumPy raises, per example
            return numpy_linalg_errors.call(func, fn, args, kwargs)
        return fn(*args, **kwargs)
    finally:
        _numpy_semantics_off(token)


# ------------------------------------------------------- concrete values
# Each conversion first asks the tracer for its concrete value (in eager vmap
# the batch splits on it: ``_src/concrete.py``); only a value with none (under
# jit, or a strict vmap) raises JAX's error.


def _bool(self):
    v = self.to_concrete()
    if v is not None:
        return bool(v)
    raise TracerBoolConversionError(
        f"Attempted boolean conversion of traced array with shape {self.aval.str_short()}.\n"
        "The value depends on the mapped/traced input, so Python control flow (`if`, "
        "`while`, `and`/`or`, `assert`) cannot branch on it. Use vmapx.numpy.where(cond, x, "
        "y) to select elementwise, or vmapx.lax.cond / vmapx.lax.while_loop for control "
        "flow.")


def _conv(kind, fix):
    convert = {"float": float, "int": int, "complex": complex,
               "tobytes": lambda v: v.tobytes()}[kind]

    data = kind != "int"

    def f(self, *a):
        v = self.to_concrete(data)
        if v is not None:
            return convert(v)
        raise ConcretizationTypeError(
            f"Abstract tracer value encountered where concrete value is expected: traced array "
            f"with shape {self.aval.str_short()}.\nThe problem arose with the `{kind}` "
            f"function: the value depends on a traced input, so it has no concrete value "
            f"here. {fix}")
    return f


def _index(self):
    v = self.to_concrete()
    if v is not None:
        return operator.index(v)
    raise TracerIntegerConversionError(
        f"The __index__() method was called on traced array with shape "
        f"{self.aval.str_short()}.\nA traced value cannot be used as a Python int (for "
        "example as a list index, a shape or a range bound). Use it as an array index "
        "(x[i] indexes with a traced i), or pass the value as a static argument.")


def _array(self, dtype=None, copy=None):
    v = self.to_concrete(True)
    if v is not None:
        return np.array(v, dtype=dtype) if copy else np.asarray(v, dtype=dtype)
    raise TracerArrayConversionError(
        f"The numpy.ndarray conversion method __array__() was called on traced array with "
        f"shape {self.aval.str_short()}.\nnp.asarray / np.array cannot turn a traced value "
        "into a concrete NumPy array inside a transformed function. Use vmapx.numpy "
        "functions (or NumPy functions called directly on the traced value, such as "
        "np.sin(x) or np.sum(x)), which vmapx traces, instead of converting; to build an "
        "array from several traced values use np.stack([...]) or vmapx.numpy.array([...]); "
        "to index a NumPy array with a traced index, convert the array first: "
        "vmapx.numpy.asarray(a)[i].")


def _item(self, *args):
    v = self.to_concrete(True)
    if v is not None:
        return v.item(*args)
    raise ConcretizationTypeError(
        f"Abstract tracer value encountered where concrete value is expected: .item() was "
        f"called on traced array with shape {self.aval.str_short()}.\nKeep the value as an "
        "array (x.reshape(()) or x[()] for a 0-d array).")


def _tolist(self):
    v = self.to_concrete(True)
    if v is not None:
        return v.tolist()
    raise ConcretizationTypeError(
        f"Abstract tracer value encountered where concrete value is expected: .tolist() was "
        f"called on traced array with shape {self.aval.str_short()}.\nKeep the value as an "
        "array; iterate with `for row in x` (over the leading axis) if needed.")


def _setitem(self, idx, value):
    if splittable(self):
        inplace.setitem(self, idx, value)
        return
    raise TypeError(
        "Traced arrays are immutable: item assignment `x[idx] = v` (and `x[idx] += v`) is not "
        "supported inside a transformed function. Use the functional form "
        "`x = x.at[idx].set(v)` (or `.add(v)`, `.multiply(v)`, `.min(v)`, `.max(v)`).")


def _basic(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if not (i is None or i is Ellipsis or type(i) is int or type(i) is slice
                and not isinstance(i.start, Tracer) and not isinstance(i.stop, Tracer)
                and not isinstance(i.step, Tracer) or isinstance(i, np.integer)):
            return False
    return True


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    for i in range(self.shape[0]):
        yield self[i]


# ------------------------------------------------------------------- methods


_FLAG_NAMES = {"C": "C_CONTIGUOUS", "CONTIGUOUS": "C_CONTIGUOUS", "F": "F_CONTIGUOUS",
               "FORTRAN": "F_CONTIGUOUS", "O": "OWNDATA", "W": "WRITEABLE", "A": "ALIGNED",
               "X": "WRITEBACKIFCOPY"}


class _Flags:
    """``x.flags`` of a traced value, as per-example NumPy code reads it (``if
    x.flags['C_CONTIGUOUS']``): what the loop's freshly made per-example array
    would say, a C-contiguous, aligned, writeable array owning its data."""

    __slots__ = ("_d",)

    def __init__(self, ndim):
        self._d = {"C_CONTIGUOUS": True, "F_CONTIGUOUS": ndim <= 1, "OWNDATA": True,
                   "WRITEABLE": True, "ALIGNED": True, "WRITEBACKIFCOPY": False,
                   # the combinations NumPy derives from those (C-contiguous, so not FNC)
                   "FNC": False, "FORC": True, "BEHAVED": True, "CARRAY": True,
                   "FARRAY": False}

    def __getitem__(self, key):
        return self._d[_FLAG_NAMES.get(key, key)]

    def __getattr__(self, name):
        try:
            return self[name.upper()]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        return "\n".join(f"  {k} : {v}" for k, v in list(self._d.items())[:6])


def _flags(self):
    return _Flags(len(self.aval.shape))


def _strides(self):
    """C-order strides of the per-example shape (what the loop's array has)."""
    shape, step, out = self.aval.shape, self.aval.dtype.itemsize, []
    for n in reversed(shape):
        out.append(step)
        step *= n
    return tuple(reversed(out))


def _class_seen_by_user(t):
    """The class ``isinstance`` sees for batch tracer ``t`` in the user's
    per-example NumPy code in an eager vmap: ``np.ndarray`` for a per-example
    array, the dtype's NumPy scalar type (``np.float64``, a ``float``) for a
    per-example scalar, as the loop's values are; ``None`` elsewhere (vmapx's,
    NumPy's and other libraries' code, ``jit``, strict vmap: JAX's answer)."""
    if not numpy_hooks.in_eager_vmap():
        return None
    f = sys._getframe(2)   # the frame calling isinstance (1: the property)
    if not numpy_hooks.is_user_code(f.f_code, f.f_globals.get("__name__", "")) or \
            not splittable(t) or not numpy_hooks.calls(f, "isinstance"):
        return None   # (a compiled library called from the user's line sees the tracer)
    aval = t.aval
    return np.ndarray if aval.shape else aval.dtype.type


def _value_seen_by_user(t, caller):
    """What ``str`` / ``repr`` of batch tracer ``t`` show when called from the
    user's per-example NumPy code (frame ``caller``) in an eager vmap: the
    example's value, as in the loop (a NumPy scalar for a 0-d value, as the
    loop's ``x[i]`` is); ``None`` elsewhere (JAX's tracer form)."""
    if not numpy_hooks.in_eager_vmap() or not splittable(t) or \
            not numpy_hooks.is_user_code(caller.f_code, caller.f_globals.get("__name__", "")):
        return None
    v = t.to_concrete(True)
    if v is None:
        return None
    return v[()] if np.ndim(v) == 0 else v


def _install(numpy=None, linalg=None, fft=None):
    """Give traced values NumPy's operators and methods; ``numpy`` / ``linalg`` /
    ``fft``: the namespaces that NumPy's ``numpy`` / ``numpy.linalg`` /
    ``numpy.fft`` functions dispatch to (``numpy``: ``numpy_api`` when not given)."""
    _submodules.update(numpy=numpy if numpy is not None else jnp, linalg=linalg, fft=fft)
    _function_table.clear()
    T = Tracer


    def binop(name, swap=False):
        fn = getattr(jnp, name)
        prim = getattr(fn, "_prim", None)
        if prim is not None:  # the common case: straight to the current trace
            state = _core_state
            rank_check = inputs.RANK_CHECK
            rule, table = fn._dtype_rule
            any_same = rule in ("promote", "none")   # one dtype never casts

            if swap:
                def op(self, other):
                    if type(other) not in _FAST:
                        if _defers(other):
                            return NotImplemented
                        other = asarray_like(other)
                    else:
                        _check_operand(other, "x")
                    if rank_check[0]:
                        inputs.check_rank_promotion(name, (shape_of(other), self.aval.shape))
                    if not _needs_no_cast(self, other, any_same):
                        other, self = binary_casts(rule, table, other, self)   # JAX's rules
                    return state.trace.process(prim, (other, self), {})
            else:
                def op(self, other):
                    if type(other) not in _FAST:
                        if _defers(other):
                            return NotImplemented
                        other = asarray_like(other)
                    else:
                        _check_operand(other, "y")
                    if rank_check[0]:
                        inputs.check_rank_promotion(name, (self.aval.shape, shape_of(other)))
                    if not _needs_no_cast(self, other, any_same):
                        self, other = binary_casts(rule, table, self, other)   # JAX's rules
                    return state.trace.process(prim, (self, other), {})
            return op

        def op(self, other):
            if _defers(other):
                return NotImplemented
            return fn(other, self) if swap else fn(self, other)
        return op

    for dunder, name in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                         ("truediv", "true_divide"), ("floordiv", "floor_divide"),
                         ("mod", "remainder"), ("pow", "power"), ("matmul", "matmul"),
                         ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                         ("lshift", "left_shift"), ("rshift", "right_shift")]:
        setattr(T, f"__{dunder}__", binop(name))
        setattr(T, f"__r{dunder}__", binop(name, swap=True))
    for dunder, name in [("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                         ("ge", "greater_equal"), ("eq", "equal"), ("ne", "not_equal")]:
        setattr(T, f"__{dunder}__", binop(name))
    T.__hash__ = None
    T.__divmod__ = lambda s, o: (jnp.floor_divide(s, o), jnp.remainder(s, o))
    T.__rdivmod__ = lambda s, o: (jnp.floor_divide(o, s), jnp.remainder(o, s))
    T.__neg__ = lambda s: jnp.negative(s)
    T.__pos__ = copy_box
    T.__abs__ = lambda s: jnp.abs(s)
    T.__invert__ = lambda s: jnp.invert(s)
    T.__round__ = lambda s, nd=0: jnp.round(s, nd)
    getitem = jnp._getitem

    def __getitem__(self, idx):
        out = getitem(self, idx)
        if numpy_hooks.in_eager_vmap() and isinstance(out, Tracer) and _basic(idx):
            inplace.note_view(out, self, idx)   # a view: writes reach its base
        return out
    T.__getitem__ = __getitem__
    T.__setitem__ = _setitem
    T.__iter__ = _iter
    T.__bool__ = _bool
    T.__float__ = _conv("float", "To convert the data type of a value, use x.astype(float) "
                                 "or vmapx.numpy.asarray(x, float) instead.")
    T.__int__ = _conv("int", "To convert the data type of a value, use x.astype(int) "
                             "instead.")
    T.__complex__ = _conv("complex", "To convert the data type, use x.astype(complex).")
    T.__index__ = _index
    T.__array__ = _array
    T.__array_ufunc__ = _array_ufunc
    T.__array_function__ = _array_function
    T.item = _item
    T.tolist = _tolist
    T.T = property(lambda s: _transposed(s, None))
    T.mT = property(lambda s: _transposed(s, _swap(s.ndim, -1, -2)))
    T.real = property(lambda s: jnp.real(s))
    T.imag = property(lambda s: jnp.imag(s))
    T.flat = property(lambda s: jnp.ravel(s))
    T.at = property(lambda s: jnp._IndexUpdateHelper(s))
    T.itemsize = property(lambda s: s.dtype.itemsize)
    T.nbytes = property(lambda s: s.size * s.dtype.itemsize)
    T.flags = property(_flags)
    T.strides = property(_strides)
    CLASS_SEEN_BY_USER[0] = _class_seen_by_user
    VALUE_SEEN_BY_USER[0] = _value_seen_by_user

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
            shape = shape[0]
        return _reshaped(self, jnp.reshape(self, shape, order=order), order)

    def transpose(self, *axes):
        if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
            axes = axes[0]
        return _transposed(self, tuple(axes) if axes else None)

    T.reshape = reshape
    T.transpose = transpose
    T.astype = _astype
    T.view = _view
    T.copy = lambda s, order="C": copy_box(s)
    T.conj = T.conjugate = lambda s: jnp.conjugate(s)
    T.flatten = lambda s, order="C": jnp.ravel(s, order)
    T.ravel = lambda s, order="C": _reshaped(s, jnp.ravel(s, order), order)
    T.squeeze = lambda s, axis=None: jnp.squeeze(s, axis)
    T.swapaxes = lambda s, a, b: _transposed(s, _swap(s.ndim, a, b))
    T.dot = _method(lambda s, b, out=None: jnp.dot(s, b))
    T.clip = _method(lambda s, min=None, max=None, out=None, **kw: jnp.clip(s, min, max))
    T.round = _method(lambda s, decimals=0, out=None: jnp.round(s, decimals))
    T.repeat = lambda s, repeats, axis=None: jnp.repeat(s, repeats, axis)
    T.take = lambda s, indices, axis=None, out=None, mode=None, **kw: jnp.take(
        s, indices, axis, mode=mode, **kw)
    T.diagonal = lambda s, offset=0, axis1=0, axis2=1: jnp.diagonal(s, offset, axis1, axis2)
    T.trace = _method(lambda s, offset=0, axis1=0, axis2=1, dtype=None, out=None: jnp.trace(
        s, offset, axis1, axis2, dtype))
    T.sort = _sort_method
    T.argsort = lambda s, axis=-1, kind=None, order=None, **kw: jnp.argsort(s, axis, **kw)
    T.nonzero = lambda s, **kw: jnp.nonzero(s, **kw)
    T.fill = _in_place("fill", "x = vmapx.numpy.full_like(x, value)",
                       lambda s, value: jnp.full_like(s, value))
    T.put = _in_place("put", "x = vmapx.numpy.put(x, ind, v, inplace=False)",
                      lambda s, ind, v, mode="raise": jnp.put(s, ind, v, mode=mode,
                                                              inplace=False))
    T.partition = _in_place("partition", "x = vmapx.numpy.partition(x, kth)",
                            lambda s, kth, axis=-1, kind="introselect", order=None:
                            jnp.partition(s, kth, axis))
    T.resize = _in_place("resize", "x = vmapx.numpy.resize(x, shape)")
    T.argpartition = lambda s, kth, axis=-1, kind="introselect", order=None: jnp.argpartition(
        s, kth, axis)
    T.searchsorted = _method(lambda s, v, side="left", sorter=None: jnp.searchsorted(
        s, v, side, sorter))
    T.compress = lambda s, condition, axis=None, out=None: jnp.compress(condition, s, axis)
    T.choose = lambda s, choices, out=None, mode="raise": jnp.choose(s, choices, mode=mode)
    T.tobytes = _conv("tobytes", "Return the array and convert it after the transformation.")
    T.__copy__ = copy_box
    T.__deepcopy__ = lambda s, memo: copy_box(s)
    T.__format__ = _format
    T.__array_namespace__ = lambda s, api_version=None: jnp
    T.device = property(lambda s: "cpu")   # as a NumPy array reports it (array API)
    for name in ("sum", "prod", "mean", "var", "std", "max", "min", "any", "all", "argmax",
                 "argmin", "cumsum", "cumprod", "ptp"):
        if hasattr(jnp, name):
            setattr(T, name, _method(getattr(jnp, name)))


def _needs_no_cast(t, other, any_same):
    """Whether ``t`` (a traced value) and ``other`` need no cast under any promotion
    rule, decided without ``binary_casts`` (the common cases of ``x * 0.5`` and
    ``x + y``): a Python float or complex (weak: NumPy's NEP 50 agrees with JAX
    for every dtype), or two batched values of one dtype (for ``any_same`` rules,
    of any dtype; else float / complex), or a Python int with a float batch."""
    to = type(other)
    if to is float or to is complex:
        return True
    if type(t) is not BatchTracer:
        return False
    v = t.val
    if type(v) is not np.ndarray:
        return False
    if to is BatchTracer:
        w = other.val
        return type(w) is np.ndarray and w.dtype is v.dtype and (
            any_same or v.dtype.kind in "fc")
    return to is int and v.dtype.kind in "fc"


def _defers(other):
    """Operands we leave to their own reflected operator (e.g. unknown objects)."""
    if isinstance(other, (np.ndarray, np.generic, Tracer, bool, int, float, complex, list,
                          tuple)):
        return False
    return not hasattr(other, "__array__") and not hasattr(other, "__array_interface__")


def _method(fn):
    """A NumPy array method on traced values, with NumPy's dtypes: a concrete
    ``vmapx.Array``'s methods are ndarray's, so ``x.mean()`` on an int32 value
    is float64 traced or not (the functions of ``vmapx.numpy`` follow JAX)."""
    def m(self, *args, **kwargs):
        token = _numpy_semantics_on()
        try:
            return fn(self, *args, **kwargs)
        finally:
            _numpy_semantics_off(token)
    m.__name__ = getattr(fn, "__name__", "method")
    return m


def _astype(self, dtype, copy=True, **kw):
    if np.dtype(dtype).kind in "OSUVMm":   # strings, objects, dates: NumPy's values only
        concrete.request_loop(f"converts a value to dtype {np.dtype(dtype).name}",
                              "To keep it batched, convert the results after the vmap.")
        inputs.reject_dtype(np.dtype(dtype))
    out = jnp.astype(self, dtype)
    return copy_box(out) if out is self and copy else out


def _view(self, dtype=None, type=None):
    """``x.view(dtype)``: the same bytes read as another dtype (a new traced array)."""
    if dtype is None or np.dtype(dtype) == self.dtype:
        return self     # as JAX: the same array, so gradients flow through
    return bitcast_p.bind(self, dtype=np.dtype(dtype))


def _in_place(name, fix, new_value=None):
    """An in-place ndarray method: per-example code in an eager vmap writes the
    result of ``new_value(x, *args, **kwargs)`` into ``x`` (as item assignment
    does: views and bases follow); elsewhere traced arrays are immutable."""
    def method(self, *args, **kwargs):
        if new_value is not None and splittable(self):
            inplace.setitem(self, Ellipsis, new_value(self, *args, **kwargs))
            return None
        raise TypeError(f"x.{name}() modifies the array in place, which traced arrays cannot "
                        f"do: they are immutable. Use the functional form: {fix}.")
    method.__name__ = name
    return method


def _swap(ndim, a, b):
    perm = list(range(ndim))
    a, b = canonicalize_axis(a, ndim), canonicalize_axis(b, ndim)
    perm[a], perm[b] = perm[b], perm[a]
    return tuple(perm)


def _transposed(x, axes):
    """``x.T`` / ``x.transpose(axes)``: in per-example code in an eager vmap a
    view of ``x`` as in NumPy (a write into either reaches the other)."""
    out = jnp.transpose(x, axes)
    if out is not x and numpy_hooks.in_eager_vmap() and splittable(x):
        inverse = None if axes is None else tuple(np.argsort([a % x.ndim for a in axes]))
        inplace.note_view(out, x, inplace.Bijection(lambda b: jnp.transpose(b, axes),
                                                     lambda v: jnp.transpose(v, inverse)))
    return out


def _reshaped(x, out, order):
    """``x.reshape(...)`` / ``x.ravel()``: a view of ``x`` where NumPy makes one
    without copying (C order, ``x`` not itself a view: a fresh array is
    C-contiguous), linked as ``_transposed``'s; otherwise a new value."""
    if out is not x and order == "C" and numpy_hooks.in_eager_vmap() and splittable(x) \
            and isinstance(out, Tracer) and not inplace.is_view(x):
        shape, old = tuple(out.shape), tuple(x.shape)
        inplace.note_view(out, x, inplace.Bijection(lambda b: jnp.reshape(b, shape),
                                                    lambda v: jnp.reshape(v, old)))
    return out


def _format(self, spec):
    if not spec:      # f"{x}": str(x), for a per-example value its value's
        v = self._value_for(sys._getframe(1)) if isinstance(self, BatchTracer) else None
        return str(v) if v is not None else repr(self)
    v = self.to_concrete(True)
    if v is not None:
        return format(v, spec)
    raise ConcretizationTypeError(
        f"Abstract tracer value encountered where concrete value is expected: formatting "
        f"traced array with shape {self.aval.str_short()} as {spec!r} needs its value. "
        "Return the value from the transformed function and format it afterwards.")


def _sort_method(self, axis=-1, kind=None, order=None, **kw):
    if splittable(self):    # per-example code: sorts the example's array in place
        inplace.setitem(self, Ellipsis, jnp.sort(self, axis=axis))
        return None
    raise TypeError("x.sort() sorts in place, which traced arrays cannot do: they are "
                    "immutable. Use x = vmapx.numpy.sort(x, axis) (or np.sort(x, axis)).")
