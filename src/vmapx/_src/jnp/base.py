"""Shared helpers of the numpy layer: input conversion, axis handling, and the
elementwise wrappers (one per ufunc primitive)."""
from __future__ import annotations

import operator

import numpy as np

from .. import fperrors, inputs
from . import dtypes as _dt
from ..errors import ConcretizationTypeError
from ..batching import BatchTracer as _BatchTracer
from ..core import FAST_TYPES, Tracer, ndim_of, shape_of, dtype_of, _state as _core_state
from ..prims import elementwise as ew
from ..prims.shapes import concatenate_p, reshape_p
from .array import Array, as_array, to_result

_PASS = (np.ndarray, np.generic, Tracer, bool, int, float, complex)


class StandIn(np.ndarray):
    """A NumPy array that stands for another value, which ``resolve()`` returns:
    the base of ``inplace.Buffer`` (a buffer made by ``np.zeros`` & co. in eager
    ``vmap``, into which a traced value may have been written).  Declared here so
    that the numpy functions resolve buffers without importing ``inplace``,
    which computes with them."""

    def resolve(self):
        return self.view(np.ndarray)
_VALID_KINDS = inputs.VALID_KINDS
_RANK_CHECK = inputs.RANK_CHECK
_INT64_MIN, _INT64_MAX = inputs.INT64_MIN, inputs.INT64_MAX


def _check_operand(x, path):
    """An elementwise operand of a type the fast path passes (``FAST_TYPES``):
    raise JAX's error for a non-numeric array or an out-of-range Python int."""
    t = type(x)
    if t is np.ndarray:
        if x.dtype.kind not in _VALID_KINDS:
            inputs.reject_dtype(x.dtype)
    elif t is int and not _INT64_MIN <= x <= _INT64_MAX:
        raise inputs.int_overflow(x, path)


def asarray_like(x):
    """Tracers, arrays and scalars as they are; anything else through np.asarray.
    Inputs JAX rejects raise its errors (``inputs``); ``np.matrix`` becomes a
    plain ndarray."""
    if isinstance(x, _PASS):
        if isinstance(x, np.ndarray):
            t = type(x)
            if t is not np.ndarray and t is not Array:   # a stand-in, masked array, matrix?
                if isinstance(x, StandIn):
                    return x.resolve()
                if isinstance(x, (np.ma.MaskedArray, np.matrix)):
                    x = inputs.plain_input(x)
            if x.dtype.kind not in _VALID_KINDS:
                inputs.reject_dtype(x.dtype)
        elif type(x) is int and not _INT64_MIN <= x <= _INT64_MAX:
            raise inputs.int_too_large(x)
        return x
    if isinstance(x, (list, tuple)) and any(isinstance(e, Tracer) or isinstance(e, (list, tuple))
                                            for e in x):
        if _has_traced_item(x):
            return stack_nested(x)
        return accepted_array(x, np.array(x), None)
    return np.asarray(x)


def accepted_array(obj, out, dtype):
    """The NumPy array ``out`` made from ``obj``, as an ``Array``, if JAX would
    accept it (see ``inputs``): masked arrays, Python ints outside int64 and
    non-numeric dtypes raise JAX's errors; ``np.matrix`` becomes plain."""
    if isinstance(obj, np.ma.MaskedArray):
        raise ValueError(inputs.MASKED_MESSAGE)
    if type(obj) is int and not inputs.fits_int64(obj):
        raise inputs.int_too_large(obj)
    kind = out.dtype.kind
    if dtype is None and isinstance(obj, (list, tuple)) and (
            kind == "O" or (kind in "uf" and out.size and np.max(np.abs(out)) >= 2.0 ** 63)):
        inputs.check_python_ints(obj)   # e.g. [2**64, 1]: NumPy makes float64 or object
    if kind not in inputs.VALID_KINDS:
        if kind == "O" and _holds_none(obj):
            raise ValueError("None is not a valid value for jnp.array")   # JAX's error
        inputs.reject_dtype(out.dtype)
    if type(out) is not np.ndarray:
        out = out.view(np.ndarray)       # np.matrix and other subclasses
    return as_array(out)


def _holds_none(obj) -> bool:
    if obj is None:
        return True
    return isinstance(obj, (list, tuple)) and any(_holds_none(o) for o in obj)


def stack_nested(obj, dtype=None):
    """``numpy.array(obj)`` for a (nested) list or tuple holding traced values:
    the items converted in turn, cast to ``dtype`` or their common dtype (JAX's
    promotion with Python scalars weak, as ``jnp.array([x_f32, 2.0])`` is
    float32; NumPy's rule, a Python scalar counting with its default dtype, while
    NumPy's own functions run on traced values) and stacked along a new leading
    axis, with the primitives ``stack`` binds.  Shared by ``creation.array`` and
    ``asarray_like`` (which converts every operand of the numpy layer).

    >>> stack_nested([np.ones(2), [0, 1]])
    array([[1., 1.],
           [0., 1.]])
    """
    parts, keys = [], []
    for o in obj:
        if isinstance(o, Tracer):
            parts.append(o)
        elif isinstance(o, (list, tuple)) and _has_traced_item(o):
            parts.append(stack_nested(o))
        else:
            parts.append(accepted_array(o, np.array(o), None))
        keys.append(_key_of(o) if type(o) in (int, float, complex) or isinstance(o, Tracer)
                    else _list_key(o, parts[-1]))
    if dtype is not None:
        common = np.dtype(dtype)
    elif _dt.numpy_semantics():   # NumPy's np.array on traced values: NumPy's rule
        common = np.result_type(*[dtype_of(p) for p in parts])
    else:                         # jnp.array: JAX's, with Python scalars weak
        common = _dt.promote_keys(*keys)[0]
    parts = [astype(p, common) for p in parts]
    shapes = {tuple(shape_of(p)) for p in parts}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    new_sizes = (1,) + shapes.pop()
    parts = [reshape_p.bind(p, new_sizes=new_sizes) for p in parts]
    return parts[0] if len(parts) == 1 else concatenate_p.bind(*parts, axis=0)


_WEAK_OF_KIND = {"i": int, "u": int, "f": float, "c": complex}


def _list_key(o, converted):
    """The promotion key of an item of ``jnp.array``'s list: a nested list of
    Python numbers is weak, as its numbers are (JAX's ``[x_f32, [1.0, 2.0]]`` is
    float32); anything else by its converted dtype."""
    dt = dtype_of(converted)
    if isinstance(o, (list, tuple)) and _python_numbers_only(o):
        return _WEAK_OF_KIND.get(dt.kind, dt)
    return dt


def _python_numbers_only(obj) -> bool:
    return all(type(v) in (int, float, complex) or
               (isinstance(v, (list, tuple)) and _python_numbers_only(v)) for v in obj)


def _has_traced_item(obj) -> bool:
    return any(isinstance(o, Tracer) or (isinstance(o, (list, tuple)) and _has_traced_item(o))
               for o in obj)


def concrete_value(x):
    """The concrete value of ``x`` (a tracer, or a list or tuple holding some),
    or ``None`` where a traced part has none."""
    if isinstance(x, Tracer):
        return x.to_concrete(True)
    if isinstance(x, (list, tuple)):
        parts = []
        for v in x:
            c = concrete_value(v)
            if c is None and v is not None:
                return None
            parts.append(c)
        return type(x)(parts) if type(x) in (list, tuple) else parts
    return x


def concrete_size(count, name, why):
    """A data-dependent size (a count, often traced) as a Python int: in eager
    ``vmap`` the batch splits into groups of equal size; elsewhere a traced count
    raises ``ConcretizationTypeError``."""
    if isinstance(count, Tracer):
        value = count.to_concrete()
        if value is None:
            raise ConcretizationTypeError(
                f"Abstract tracer value encountered where concrete value is expected in "
                f"vmapx.numpy.{name}: {why}. The value depends on a traced (transformed) "
                "input, so it has no concrete value here.")
        return int(value)
    return int(count)


def canonicalize_axis(axis, ndim) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


def canonicalize_axes(axis, ndim) -> tuple:
    """``None`` -> all axes; int or sequence -> sorted non-negative tuple."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        out = tuple(canonicalize_axis(a, ndim) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError("duplicate value in 'axis'")
        return tuple(sorted(out))
    return (canonicalize_axis(axis, ndim),)


def _check_no_out(name, kwargs):
    if kwargs.get("out") is not None:
        raise TypeError(
            f"vmapx.numpy.{name}: the 'out' argument is not supported: traced arrays are "
            "immutable. Use the returned value instead (for updating part of an array, "
            "x = x.at[idx].set(value)).")
    if kwargs.get("where", True) is not True:
        raise TypeError(f"vmapx.numpy.{name}: the 'where' argument is not supported; use "
                        "vmapx.numpy.where on the result instead.")



# ------------------------------------------------------------ dtype rules of the ufuncs
#
# Each ufunc has one of these rules, which say to what dtype its operands are
# cast before the primitive is bound (the primitives compute with NumPy's own
# loops, so operands of one dtype give that dtype):
#   promote: JAX's promotion of the operands (``dtypes.promote_keys``);
#   inexact: that, then ``to_inexact`` (``divide``, ``sqrt``, ``arctan2``...);
#   numeric: that, with bool made int32 (``floor_divide``, ``square``, shifts);
#   power:   numeric, but a Python-int exponent leaves the base's dtype alone;
#   ldexp:   the mantissa made inexact on its own (the exponent is an integer);
#   rint:    non-inexact inputs made float64;
#   none:    no cast (logical functions, predicates, rounding of ints).
# Weakly typed operands (Python scalars, weak traced values) are never cast:
# NumPy's NEP 50 already makes them take the other operand's dtype. The casts
# are cached per (rule, operand keys); while NumPy code runs on traced values
# (``dtypes.numpy_semantics``) nothing is cast, so NumPy's promotion applies.

_weak = _dt.is_weak_key
_key_of = _dt.key_of
_INT64 = np.dtype(np.int64)
_INT32 = np.dtype(np.int32)
_F64 = np.dtype(np.float64)


def _jax_inexact(dt, weak):
    if weak:
        return _F64 if dt.kind in "biu" else dt
    return _dt._TO_INEXACT.get(dt, dt)


def _binary_targets(rule, kx, ky):
    """(dtype for x or None, dtype for y or None): the casts ``rule`` makes."""
    if rule == "none":
        return _NO_CAST
    if rule == "ldexp":
        tx = None if _weak(kx) else _dt._TO_INEXACT.get(kx)
        return tx, (_INT64 if not _weak(ky) and ky.kind in "bu" and ky.itemsize == 8 else None)
    if rule == "power" and ky is int:
        if not _weak(kx) and kx.kind == "b":
            return _INT32, None
        return None, None
    dt, weak = _dt.promote_keys(kx, ky)
    if rule == "inexact":
        dt = _jax_inexact(dt, weak)
    elif (rule == "numeric" or rule == "power") and dt.kind == "b":
        dt = _INT32
    if rule == "power" and dt.kind in "fc" and not _weak(ky) and ky.kind in "iu" \
            and np.result_type(dt, ky) == dt:
        # an integer exponent stays integer, as JAX's pow takes it (x ** 0 has
        # derivative 0 at 0), where NumPy's loop keeps the base's dtype
        return (None if _weak(kx) or kx == dt else dt), None
    return (None if _weak(kx) or kx == dt else dt,
            None if _weak(ky) or ky == dt else dt)


def _unary_target(rule, k):
    if _weak(k) or rule == "promote":
        return None
    if rule == "inexact":
        return _dt._TO_INEXACT.get(k)
    if rule == "numeric":
        return _INT32 if k.kind == "b" else None
    if rule == "rint":
        return None if inputs.is_inexact(k) else _F64
    return None


_NO_CAST = (None, None)


def binary_casts(rule, table, x, y):
    """``x, y`` cast as ``rule`` (with ``table``, its cache) says."""
    kx, ky = _key_of(x), _key_of(y)
    # the common cases first, without the table: one float / complex dtype, or one
    # with a weak Python scalar, needs no cast under any rule
    wx = kx is float or kx is int or kx is complex
    if kx is ky:
        if wx or kx.kind in "fc":
            return x, y
    elif ky is float or ky is int or ky is complex:
        if not wx and kx.kind in "fc":
            return x, y
    elif wx and ky.kind in "fc":
        return x, y
    casts = table.get((kx, ky))
    if casts is None:
        casts = _binary_targets(rule, kx, ky)
        if casts[0] is None and casts[1] is None:   # not ==: dtype('float64') == None
            casts = _NO_CAST
        if len(table) < 1024:
            table[(kx, ky)] = casts
    if casts is _NO_CAST or _dt.numpy_semantics():
        if kx is int and type(x) is int and not _weak(ky) and ky.kind in "iu":
            x = _wrapped_int(x, ky)
        elif ky is int and type(y) is int and not _weak(kx) and kx.kind in "iu":
            y = _wrapped_int(y, kx)
        return x, y
    cx, cy = casts
    if cx is not None:
        x = astype(x, cx)
    if cy is not None:
        y = astype(y, cy)
    return x, y


def _wrapped_int(v, dt):
    """A Python int taken into an integer dtype: itself where it fits; else, as
    in JAX, the value wrapped around (``jnp.int8(3) + 1000`` is int8 -21: NumPy
    raises ``OverflowError``).  Not under NumPy's semantics (NumPy's error)."""
    info = _iinfo(dt)
    if info.min <= v <= info.max or _dt.numpy_semantics():
        return v
    return np.asarray(v).astype(dt)


_iinfo_cache: dict = {}


def _iinfo(dt):
    out = _iinfo_cache.get(dt)
    if out is None:
        out = _iinfo_cache[dt] = np.iinfo(dt)
    return out


def unary_cast(rule, x):
    """``x`` cast as ``rule`` says (``None`` where no cast)."""
    k = _key_of(x)
    if _weak(k):
        if rule == "inexact" and type(x) is int:
            return float(x)        # a weak int made a weak float (reciprocal(2) is 0.5)
        return None
    if k.kind in "fc":
        return None
    return _unary_target(rule, k)


def make_ufunc(prim, nin, name, ufunc, rule="promote"):
    """The numpy-layer function for an elementwise primitive; ``rule``: how its
    operands' dtypes are promoted (see above)."""
    same = {}   # dtype -> cast for operands of one dtype (None: none)
    for d in "?bBhHiIlLqQefdgFDG":
        d = np.dtype(d)
        same[d] = (_unary_target(rule, d) if nin == 1 else
                   _binary_targets(rule, d, d)[0])
    table: dict = {}
    both_alike = rule != "ldexp"   # one dtype: both operands cast alike (not ldexp's exponent)
    if nin == 1:
        def fn(x, /, out=None, *, where=True, dtype=None, **kw):
            if out is not None or where is not True:
                _check_no_out(name, {"out": out, "where": where})
            t = type(x)
            if t is np.ndarray:   # the checks are inlined: this is every eager op's path
                if x.dtype.kind not in _VALID_KINDS:
                    inputs.reject_dtype(x.dtype)
            elif t not in _FAST:
                x = asarray_like(x)
            elif t is int and not _INT64_MIN <= x <= _INT64_MAX:
                raise inputs.int_overflow(x, "x")
            if dtype is not None:
                x = astype(x, dtype)
            if t is np.ndarray or t is Array:
                cast = None if x.dtype.kind in "fc" else same.get(x.dtype)
            elif t is _BatchTracer and type(x.val) is np.ndarray:   # batched: as an array
                cast = None if x.val.dtype.kind in "fc" else same.get(x.val.dtype)
            else:
                cast = unary_cast(rule, x)
                if type(cast) is float:
                    x, cast = cast, None
            if cast is not None and not _dt.numpy_semantics():
                x = astype(x, cast)
            if isinstance(x, Tracer):
                return _core_state.trace.process(prim, (x,), {})
            token = fperrors.enter()   # silent floating-point errors, as JAX
            try:
                return to_result(prim.impl(x))
            finally:
                fperrors.leave(token)
    elif nin == 2:
        def fn(x, y, /, out=None, *, where=True, dtype=None, **kw):
            if out is not None or where is not True:
                _check_no_out(name, {"out": out, "where": where})
            t = type(x)
            if t is np.ndarray:   # the checks are inlined: this is every eager op's path
                if x.dtype.kind not in _VALID_KINDS:
                    inputs.reject_dtype(x.dtype)
            elif t not in _FAST:
                x = asarray_like(x)
            elif t is int and not _INT64_MIN <= x <= _INT64_MAX:
                raise inputs.int_overflow(x, "x")
            t = type(y)
            if t is np.ndarray:
                if y.dtype.kind not in _VALID_KINDS:
                    inputs.reject_dtype(y.dtype)
            elif t not in _FAST:
                y = asarray_like(y)
            elif t is int and not _INT64_MIN <= y <= _INT64_MAX:
                raise inputs.int_overflow(y, "y")
            if dtype is not None:
                x, y = astype(x, dtype), astype(y, dtype)
            tx = type(x)
            if (t is np.ndarray or t is Array) and (tx is np.ndarray or tx is Array) \
                    and x.dtype is y.dtype and both_alike:
                cast = None if x.dtype.kind in "fc" else same.get(x.dtype)
                if cast is not None and not _dt.numpy_semantics():
                    x, y = astype(x, cast), astype(y, cast)
            elif (t is float or t is complex or tx is float or tx is complex) and both_alike:
                pass   # a weak float / complex: NumPy's NEP 50 agrees with JAX for any dtype
            else:
                x, y = binary_casts(rule, table, x, y)
            if _RANK_CHECK[0]:
                inputs.check_rank_promotion(name, (shape_of(x), shape_of(y)))
            if isinstance(x, Tracer) or isinstance(y, Tracer):
                return _core_state.trace.process(prim, (x, y), {})
            token = fperrors.enter()   # silent floating-point errors, as JAX
            try:
                return to_result(prim.impl(x, y))
            except ValueError:   # JAX's error when the shapes are what does not fit
                inputs.broadcast_shapes(prim.name, shape_of(x), shape_of(y))
                raise
            finally:
                fperrors.leave(token)
    else:  # pragma: no cover
        raise ValueError(nin)
    fn.__name__ = fn.__qualname__ = name
    args, result = _doc_example(ufunc, nin)
    fn.__doc__ = (f"Elementwise ``{name}``, as ``numpy.{ufunc.__name__}`` "
                  f"(batched under vmap).\n\n"
                  f">>> import vmapx.numpy as jnp\n>>> jnp.{name}({args})\n{result}\n")
    fn._prim = prim
    fn._dtype_rule = (rule, table)
    return fn


def promote_args(*args):
    """The arguments (arrays, traced values, Python scalars) converted to the
    dtype they promote to, as JAX's ``promote_dtypes`` (``dtypes.promote_keys``;
    NumPy's ``result_type`` while NumPy code runs on traced values).  Python
    scalars become 0-d arrays of that dtype, so composed functions (``outer``,
    ``kron``...) keep a weak scalar weak however they reshape it.

    >>> [a.dtype for a in promote_args(np.ones(2, np.float16), 1.0)]
    [dtype('float16'), dtype('float16')]
    """
    args = [asarray_like(a) for a in args]
    if _dt.numpy_semantics():   # NumPy's functions: the primitives promote as NumPy
        return args
    return _convert_all(args, _dt.promote_values(*args))


def promote_args_inexact(*args, numpy_default=np.float64):
    """``promote_args``, then the common dtype made inexact (``dtypes.to_inexact``:
    int32 gives float32, int64 float64; NumPy's float64 under NumPy's semantics).

    >>> [a.dtype for a in promote_args_inexact(np.ones(2, np.int32), 2)]
    [dtype('float32'), dtype('float32')]
    """
    args = [asarray_like(a) for a in args]
    dt, weak = (_dt.promote_values(*args), False) if _dt.numpy_semantics() else \
        _dt.promote_keys(*[_dt.key_of(a) for a in args])
    dt = _dt.to_inexact(dt, numpy_default) if _dt.numpy_semantics() else _jax_inexact(dt, weak)
    return _convert_all(args, dt)


def _convert_all(args, dt):
    out = []
    for a in args:
        if type(a) in (bool, int, float, complex):
            try:
                a = np.asarray(a, dt)
            except OverflowError:   # a weak int outside a narrower integer type wraps,
                a = np.asarray(np.int64(a)).astype(dt)   # as in JAX (uint8 and -1: 255)
        elif dtype_of(a) != dt:
            a = astype(a, dt)
        out.append(a)
    return out


def _doc_example(ufunc, nin):
    """A runnable docstring example: float arguments, or ints where the ufunc needs them."""
    for args in ((0.5,), (3,)) if nin == 1 else ((3.0, 2.0), (6, 4)):
        try:
            with np.errstate(all="ignore"):
                r = ufunc(*args)
        except TypeError:
            continue
        return ", ".join(map(repr, args)), repr(to_result(r))
    raise TypeError(f"no example for {ufunc}")


_FAST = FAST_TYPES


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` converted to ``dtype`` (a no-op on traced values that already have it).

    ``copy=False`` (JAX's default) may return ``x`` itself when no conversion is
    needed; ``device`` is accepted for JAX compatibility (only ``None``).

    >>> astype(np.arange(3), np.float32)
    array([0., 1., 2.], dtype=float32)
    >>> a = np.ones(2)
    >>> astype(a, np.float64, copy=False) is a
    True
    """
    if device is not None:
        raise ValueError(f"vmapx.numpy.astype: only device=None is supported (got {device!r})")
    dtype = np.dtype(dtype)
    if isinstance(x, Tracer):
        if x.dtype == dtype:
            return x
        return ew.convert_element_type_p.bind(x, dtype=dtype)
    x = asarray_like(x)
    if dtype.kind in "iu" and type(x) in (float, complex):
        return to_result(inputs.float_to_int(np.asarray(x), dtype))
    if isinstance(x, (bool, int, float, complex)):
        return np.asarray(x, dtype)
    if dtype.kind in "iu" and inputs.kind(x.dtype) in "fc":
        return to_result(inputs.float_to_int(x, dtype))   # JAX's saturating cast
    return x.astype(dtype, copy=copy)


def _info_dtype(x):
    return x.dtype if isinstance(x, (np.ndarray, Tracer)) else x


def finfo(dtype):
    """``numpy.finfo`` that also accepts arrays and traced values, as ``jnp.finfo``.

    >>> float(finfo(np.ones(2, np.float32)).eps)
    1.1920928955078125e-07
    """
    return np.finfo(_info_dtype(dtype))


def iinfo(int_type):
    """``numpy.iinfo`` that also accepts arrays and traced values, as ``jnp.iinfo``.

    >>> iinfo(np.arange(3, dtype=np.int8)).max
    127
    """
    return np.iinfo(_info_dtype(int_type))


__all__ = ["promote_args", "promote_args_inexact", "asarray_like", "accepted_array", "stack_nested", "canonicalize_axis",
           "canonicalize_axes", "make_ufunc", "astype", "shape_of", "ndim_of", "dtype_of",
           "finfo", "iinfo"]
