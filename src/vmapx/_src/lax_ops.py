"""The array operations of ``vmapx.lax`` (JAX's ``jax.lax`` semantics):
elementwise operations without type promotion, conversions, sorting and
``dot_general`` (iotas and shape operations are in ``lax_shapes.py``, static and
dynamic slicing in ``lax_slicing.py``, reductions and cumulative reductions in
``lax_reduce.py``).

Each is written with ``vmapx.numpy`` and the primitives, so all of them batch
and differentiate.  Where ``lax`` differs from NumPy it follows ``lax``:
binary operations require equal dtypes (Python scalars are weak and adapt),
integer ``div`` truncates toward zero, ``rem`` takes the dividend's sign,
``round`` rounds half away from zero, and out-of-range ``dynamic_slice``
starts are clamped so the slice stays in bounds.
"""
from __future__ import annotations

import enum
import operator

import numpy as np

from . import inputs
from .core import Tracer, get_aval, is_python_scalar
from .errors import ShapeError
from .jnp.base import asarray_like, astype, canonicalize_axis
from .prims.products import dot_general_p
from . import numpy_api as jnp
from .prims.bits import bitcast_p


def _out(x):
    """Results outside any transform are arrays (never NumPy or Python scalars)."""
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def _aval(x):
    return get_aval(asarray_like(x))


# ------------------------------------------------------------ elementwise


def _check_binary(name, args, tip=True):
    """lax's rule: equal dtypes, weak or not (a Python scalar has its x64
    dtype, so ``lax.add(x_f32, 1.0)`` raises as in JAX with x64 on, while
    ``lax.add(x_f64, 1.0)`` holds) and equal ranks (0-d operands broadcast)."""
    avals = [_aval(a) for a in args]
    if len({a.dtype for a in avals}) > 1:
        hint = (f" (Tip: jnp.{_JNP_NAME.get(name, name)} is a similar function that does "
                "automatic type promotion on inputs).") if tip else ""
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        f"{', '.join(a.dtype.name for a in avals)}.{hint}")
    ranks = {len(a.shape) for a in avals if a.shape != ()}
    if len(ranks) > 1:
        raise TypeError(f"{name}: arrays must have the same number of dimensions, got "
                        f"{{{', '.join(map(str, sorted(ranks)))}}}")
    inputs.broadcast_shapes(name, *[a.shape for a in avals if a.shape != ()])


_JNP_NAME = {"sub": "subtract", "mul": "multiply", "div": "divide", "max": "maximum",
             "min": "minimum", "pow": "power", "rem": "remainder", "ne": "not_equal",
             "eq": "equal", "lt": "less", "le": "less_equal", "gt": "greater",
             "ge": "greater_equal"}

_ACCEPTED = {"iufc": "subtypes of integer, floating, complexfloating",
             "iuf": "subtypes of integer, floating", "iu": "subtypes of integer",
             "fc": "subtypes of floating, complexfloating", "f": "subtypes of floating",
             "c": "subtypes of complexfloating", "iub": "bool, subtypes of integer"}


def _check_unary(name, x, kinds):
    dt = _aval(x).dtype
    if kinds is not None and inputs.kind(dt) not in kinds:
        raise TypeError(f"{name} does not accept dtype {dt.name}. Accepted dtypes are "
                        f"{_ACCEPTED[kinds]}.")


def _unary(name, fn, kinds, example):
    def op(x):
        _check_unary(name, x, kinds)
        return _out(fn(asarray_like(x)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Elementwise ``{name}`` (``jax.lax.{name}``).\n\n"
                  f">>> import numpy as np\n>>> from vmapx import lax\n{example}\n")
    return op


def _binary(name, fn, example, kinds=None):
    def op(x, y):
        if kinds is not None:   # JAX's accepted dtypes (checked before the equal-dtype rule)
            for i, a in enumerate((x, y) if name != "pow" else (x,)):
                dt = _aval(a).dtype
                if inputs.kind(dt) not in kinds:
                    raise TypeError(f"{name} does not accept dtype {dt.name} at position {i}. "
                                    f"Accepted dtypes at position {i} are "
                                    f"{_ACCEPTED[kinds]}.")
        if name == "pow" and _aval(y).dtype.kind in "iu":
            _check_binary(name, (x, astype(asarray_like(y), _aval(x).dtype)))
        else:
            _check_binary(name, (x, y))
        return _out(fn(asarray_like(x), asarray_like(y)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Elementwise ``{name}`` of two arrays of one dtype (``jax.lax.{name}``; "
                  "no type promotion, Python scalars adapt).\n\n"
                  f">>> import numpy as np\n>>> from vmapx import lax\n{example}\n")
    return op


def _is_int_op(x, y):
    return _aval(x).dtype.kind in "iu" or (_aval(y).dtype.kind in "iu" and
                                           _aval(x).dtype.kind in "iub")


def _div(x, y):
    """Integer division truncates toward zero; ``x / 0`` is -1 (all bits set), as in XLA."""
    if _is_int_op(x, y):
        zero = y == 0
        q = jnp.floor_divide(jnp.abs(x), jnp.abs(jnp.where(zero, 1, y)))
        q = jnp.where((x < 0) != (y < 0), -q, q)
        return jnp.where(zero, np.array(-1).astype(_aval(q).dtype), q)
    return jnp.true_divide(x, y)


def _rem(x, y):
    """C's remainder (the dividend's sign); integer ``x % 0`` is ``x``, as in XLA."""
    if _is_int_op(x, y):
        zero = y == 0
        return jnp.where(zero, x, jnp.fmod(x, jnp.where(zero, 1, y)))
    return jnp.fmod(x, y)


def _pow(x, y):
    dt = _aval(x).dtype
    out = jnp.power(x, y)
    return astype(out, dt) if _aval(out).dtype != dt and not is_python_scalar(x) else out


def _logistic(x):
    """``1 / (1 + exp(-x))`` through ``exp(-|x|)``: no overflow, finite derivatives."""
    e = jnp.exp(jnp.negative(jnp.abs(x)))
    return jnp.where(x >= 0, jnp.reciprocal(e + 1), e / (e + 1))


def _population_count(x):
    """Set bits of the two's-complement representation (NumPy counts |x| for signed)."""
    dt = _aval(x).dtype
    u = np.dtype(f"uint{dt.itemsize * 8}")
    return astype(jnp.bitwise_count(astype(x, u) if dt.kind == "i" else x), dt)


def _clz(x):
    """Leading zero bits: smear the highest set bit rightwards, count the ones."""
    dt = _aval(x).dtype
    bits = dt.itemsize * 8
    u = astype(x, np.dtype(f"uint{bits}")) if dt.kind == "i" else x
    shift = 1
    while shift < bits:
        u = jnp.bitwise_or(u, jnp.right_shift(u, np.array(shift, u.dtype)))
        shift *= 2
    return astype(bits - jnp.bitwise_count(u), dt)


def _shift_right_logical(x, y):
    dt = _aval(x).dtype
    if dt.kind != "i":
        return jnp.right_shift(x, y)
    u = np.dtype(f"uint{dt.itemsize * 8}")
    return astype(jnp.right_shift(astype(x, u), astype(y, u)), dt)


def _populate():
    unary = [
        ("neg", jnp.negative, None, ">>> lax.neg(np.array([1, -2]))\narray([-1,  2])"),
        ("abs", jnp.abs, None, ">>> lax.abs(np.array([-1.5, 2.0]))\narray([1.5, 2. ])"),
        ("sign", jnp.sign, None, ">>> lax.sign(np.array([-2, 0, 3]))\narray([-1,  0,  1])"),
        ("floor", jnp.floor, "fc", ">>> lax.floor(np.array([-1.5, 1.5]))\narray([-2.,  1.])"),
        ("ceil", jnp.ceil, "fc", ">>> lax.ceil(np.array([-1.5, 1.5]))\narray([-1.,  2.])"),
        ("is_finite", jnp.isfinite, "fc",
         ">>> lax.is_finite(np.array([1.0, np.inf]))\narray([ True, False])"),
        ("exp", jnp.exp, "fc", ">>> lax.exp(np.array([0.0]))\narray([1.])"),
        ("exp2", jnp.exp2, "fc", ">>> lax.exp2(np.array([3.0]))\narray([8.])"),
        ("expm1", jnp.expm1, "fc", ">>> lax.expm1(np.array([0.0]))\narray([0.])"),
        ("log", jnp.log, "fc", ">>> lax.log(np.array([1.0]))\narray([0.])"),
        ("log1p", jnp.log1p, "fc", ">>> lax.log1p(np.array([0.0]))\narray([0.])"),
        ("sin", jnp.sin, "fc", ">>> lax.sin(np.array([0.0]))\narray([0.])"),
        ("cos", jnp.cos, "fc", ">>> lax.cos(np.array([0.0]))\narray([1.])"),
        ("tan", jnp.tan, "fc", ">>> lax.tan(np.array([0.0]))\narray([0.])"),
        ("asin", jnp.arcsin, "fc", ">>> lax.asin(np.array([0.0]))\narray([0.])"),
        ("acos", jnp.arccos, "fc", ">>> lax.acos(np.array([1.0]))\narray([0.])"),
        ("atan", jnp.arctan, "fc", ">>> lax.atan(np.array([0.0]))\narray([0.])"),
        ("sinh", jnp.sinh, "fc", ">>> lax.sinh(np.array([0.0]))\narray([0.])"),
        ("cosh", jnp.cosh, "fc", ">>> lax.cosh(np.array([0.0]))\narray([1.])"),
        ("tanh", jnp.tanh, "fc", ">>> lax.tanh(np.array([0.0]))\narray([0.])"),
        ("asinh", jnp.arcsinh, "fc", ">>> lax.asinh(np.array([0.0]))\narray([0.])"),
        ("acosh", jnp.arccosh, "fc", ">>> lax.acosh(np.array([1.0]))\narray([0.])"),
        ("atanh", jnp.arctanh, "fc", ">>> lax.atanh(np.array([0.0]))\narray([0.])"),
        ("sqrt", jnp.sqrt, "fc", ">>> lax.sqrt(np.array([4.0]))\narray([2.])"),
        ("rsqrt", lambda x: jnp.reciprocal(jnp.sqrt(x)), "fc",
         ">>> lax.rsqrt(np.array([4.0]))\narray([0.5])"),
        ("cbrt", jnp.cbrt, "f", ">>> lax.cbrt(np.array([8.0]))\narray([2.])"),
        ("logistic", _logistic, "fc", ">>> lax.logistic(np.array([0.0]))\narray([0.5])"),
        ("square", jnp.square, None, ">>> lax.square(np.array([3, -2]))\narray([9, 4])"),
        ("reciprocal", jnp.reciprocal, "fc",
         ">>> lax.reciprocal(np.array([4.0]))\narray([0.25])"),
        ("conj", jnp.conjugate, None, ">>> lax.conj(np.array([1 + 2j]))\narray([1.-2.j])"),
        ("real", jnp.real, "c", ">>> lax.real(np.array([1 + 2j]))\narray([1.])"),
        ("imag", jnp.imag, "c", ">>> lax.imag(np.array([1 + 2j]))\narray([2.])"),
        ("bitwise_not", jnp.invert, "iub",
         ">>> lax.bitwise_not(np.array([0], np.int32))\narray([-1], dtype=int32)"),
        ("population_count", _population_count, "iu",
         ">>> lax.population_count(np.array([7], np.int32))\narray([3], dtype=int32)"),
        ("clz", _clz, "iu",
         ">>> lax.clz(np.array([1, 0, -1], np.int32))\narray([31, 32,  0], dtype=int32)"),
    ]
    binary = [
        ("add", jnp.add, ">>> lax.add(np.array([1.0, 2.0]), 1.0)\narray([2., 3.])"),
        ("sub", jnp.subtract, ">>> lax.sub(np.array([1, 2]), np.array([2, 2]))\narray([-1,  0])"),
        ("mul", jnp.multiply, ">>> lax.mul(np.array([2.0]), np.array([3.0]))\narray([6.])"),
        ("div", _div, ">>> lax.div(np.array([-7, 7]), np.array([2, 2]))\narray([-3,  3])"),
        ("rem", _rem, ">>> lax.rem(np.array([-7, 7]), np.array([2, -2]))\narray([-1,  1])"),
        ("pow", _pow, ">>> lax.pow(np.array([2.0]), np.array([3.0]))\narray([8.])"),
        ("max", jnp.maximum, ">>> lax.max(np.array([1.0, 5.0]), np.array([2.0, 0.0]))\n"
                             "array([2., 5.])"),
        ("min", jnp.minimum, ">>> lax.min(np.array([1.0, 5.0]), np.array([2.0, 0.0]))\n"
                             "array([1., 0.])"),
        ("atan2", jnp.arctan2, ">>> lax.atan2(np.array([0.0]), np.array([1.0]))\narray([0.])"),
        ("nextafter", jnp.nextafter,
         ">>> lax.nextafter(np.array([0.0]), np.array([1.0]))\narray([5.e-324])"),
        ("eq", jnp.equal, ">>> lax.eq(np.array([1, 2]), np.array([1, 3]))\n"
                          "array([ True, False])"),
        ("ne", jnp.not_equal, ">>> lax.ne(np.array([1, 2]), np.array([1, 3]))\n"
                              "array([False,  True])"),
        ("lt", jnp.less, ">>> lax.lt(np.array([1, 2]), 2)\narray([ True, False])"),
        ("le", jnp.less_equal, ">>> lax.le(np.array([1, 2]), 2)\narray([ True,  True])"),
        ("gt", jnp.greater, ">>> lax.gt(np.array([1, 2]), 1)\narray([False,  True])"),
        ("ge", jnp.greater_equal, ">>> lax.ge(np.array([1, 2]), 2)\narray([False,  True])"),
        ("bitwise_and", jnp.bitwise_and,
         ">>> lax.bitwise_and(np.array([6]), np.array([3]))\narray([2])"),
        ("bitwise_or", jnp.bitwise_or,
         ">>> lax.bitwise_or(np.array([6]), np.array([3]))\narray([7])"),
        ("bitwise_xor", jnp.bitwise_xor,
         ">>> lax.bitwise_xor(np.array([6]), np.array([3]))\narray([5])"),
        ("shift_left", jnp.left_shift,
         ">>> lax.shift_left(np.array([1]), np.array([3]))\narray([8])"),
        ("shift_right_arithmetic", jnp.right_shift,
         ">>> lax.shift_right_arithmetic(np.array([-8]), np.array([1]))\narray([-4])"),
        ("shift_right_logical", _shift_right_logical,
         ">>> lax.shift_right_logical(np.array([-8], np.int32), np.array([28], np.int32))\n"
         "array([15], dtype=int32)"),
        ("complex", lambda x, y: jnp.add(x, jnp.multiply(y, 1j)),
         ">>> lax.complex(np.array([1.0]), np.array([2.0]))\narray([1.+2.j])"),
    ]
    out = {}
    for name, fn, kinds, ex in unary:
        out[name] = _unary(name, fn, kinds, ex)
    for name, fn, ex in binary:
        out[name] = _binary(name, fn, ex, _BINARY_KINDS.get(name))
    return out


_BINARY_KINDS = {"add": "iufc", "sub": "iufc", "mul": "iufc", "div": "iufc", "rem": "iuf",
                 "pow": "fc", "atan2": "f", "nextafter": "f", "complex": "f",
                 "bitwise_and": "iub", "bitwise_or": "iub", "bitwise_xor": "iub",
                 "shift_left": "iu", "shift_right_arithmetic": "iu",
                 "shift_right_logical": "iu"}
"""The dtype kinds JAX's binary ``lax`` operations accept (the others: any)."""


class Precision(enum.Enum):
    """Matrix-product precision requests (accepted for compatibility: NumPy
    always computes at the full precision of the operands' dtype).

    >>> Precision.HIGHEST
    <Precision.HIGHEST: 2>
    """
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2


class RoundingMethod(enum.IntEnum):
    """How ``round`` breaks ties: away from zero (JAX's default) or to even.

    >>> RoundingMethod.TO_NEAREST_EVEN
    <RoundingMethod.TO_NEAREST_EVEN: 1>
    """
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):  # noqa: A001
    """Round to the nearest integer; ties away from zero unless
    ``rounding_method=RoundingMethod.TO_NEAREST_EVEN``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.round(np.array([0.5, 1.5, -0.5, 2.5]))
    array([ 1.,  2., -1.,  3.])
    >>> lax.round(np.array([0.5, 1.5, -0.5, 2.5]), lax.RoundingMethod.TO_NEAREST_EVEN)
    array([ 0.,  2., -0.,  2.])
    """
    _check_unary("round", x, "f")
    x = asarray_like(x)
    if RoundingMethod(rounding_method) is RoundingMethod.TO_NEAREST_EVEN:
        return _out(jnp.rint(x))
    return _out(jnp.where(x < 0, -jnp.floor(0.5 - x), jnp.floor(x + 0.5)))


def integer_pow(x, y: int):
    """``x ** y`` for a Python int ``y`` (the dtype of ``x`` is kept).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.integer_pow(np.array([2.0, 3.0]), 3)
    array([ 8., 27.])
    """
    x = asarray_like(x)
    y = operator.index(y)
    a = _aval(x)
    if y < 0 and a.dtype.kind in "iub":
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({a.str_short()}, {y})")
    return _out(jnp.power(x, y))


def clamp(min, x, max):  # noqa: A002
    """``x`` clipped to ``[min, max]`` (bounds scalars or of ``x``'s shape).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.clamp(0.0, np.array([-1.0, 0.5, 2.0]), 1.0)
    array([0. , 0.5, 1. ])
    """
    _check_binary("clamp", (min, x, max), tip=False)
    return _out(jnp.minimum(jnp.maximum(asarray_like(x), min), max))


def select_n(which, *cases):
    """``cases[which]`` elementwise: ``which`` boolean (two cases) or integer.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.select_n(np.array([0, 1, 2]), np.zeros(3), np.ones(3), np.full(3, 2.0))
    array([0., 1., 2.])
    """
    if not cases:
        raise ValueError("select_n() must have at least one case")
    which = asarray_like(which)
    wa = _aval(which)
    if wa.dtype.kind == "b" and len(cases) > 2:
        raise TypeError("select with boolean `which` cannot have > 2 cases.")
    _check_binary("select_n", cases, tip=False)
    shape = tuple(_aval(cases[0]).shape)
    if wa.shape != () and tuple(wa.shape) != shape:
        raise TypeError(f"select `which` must be scalar or have the same shape as cases, got "
                        f"`which` shape {tuple(wa.shape)} but case shape {shape}.")
    out = asarray_like(cases[0])
    for i, c in enumerate(cases[1:], start=1):
        out = jnp.where(which if wa.dtype.kind == "b" else which == i, c, out)
    return _out(out)


def convert_element_type(operand, new_dtype):
    """``operand`` as ``new_dtype``.  Floats to ints truncate toward zero and,
    as in XLA, saturate at the integer range (NaN gives 0); ints to ints wrap.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.convert_element_type(np.array([1.7, -1.7, 1e10, np.nan]), np.int32)
    array([         1,         -1, 2147483647,          0], dtype=int32)
    """
    x = asarray_like(operand)
    dt = np.dtype(new_dtype)
    if dt.kind in "iu" and inputs.kind(_aval(x).dtype) == "f":
        return _out(_saturating_cast(x, dt))
    return _out(astype(x, dt))


def bitcast_convert_type(operand, new_dtype):
    """Reinterpret the bits of ``operand`` as ``new_dtype`` (JAX's shapes: a smaller
    item size adds a trailing axis of the size ratio, a larger one consumes it).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.bitcast_convert_type(np.array([1.0], np.float32), np.int32)
    array([1065353216], dtype=int32)
    >>> lax.bitcast_convert_type(np.array([1.0]), np.int32).shape
    (1, 2)
    """
    x = asarray_like(operand)
    dt = np.dtype(new_dtype)
    shape = tuple(_aval(x).shape)
    old_bits, new_bits = _aval(x).dtype.itemsize * 8, dt.itemsize * 8
    if old_bits == new_bits:
        return _out(bitcast_p.bind(x, dtype=dt))
    if old_bits > new_bits:
        return _out(bitcast_p.bind(jnp.reshape(x, shape + (1,)), dtype=dt))
    if not shape or shape[-1] * old_bits != new_bits:
        raise ValueError(f"Attempting to convert array of shape {shape} from "
                         f"{_aval(x).dtype.name} of size {old_bits} bits to {dt.name} of size "
                         f"{new_bits}, bits but {shape[-1] if shape else 1} * {old_bits} != "
                         f"{new_bits}")
    return _out(jnp.reshape(bitcast_p.bind(x, dtype=dt), shape[:-1]))


def _saturating_cast(x, dt):
    """Float ``x`` to integer ``dt``, clamped to its range, NaN to 0."""
    info = np.iinfo(dt)
    # ``hi`` may round up in x's dtype (2**31 - 1 -> 2**31 in float32): ``x >= hi``
    # then still marks exactly the values that do not fit.
    hi, lo = x >= info.max, x <= info.min
    inside = astype(jnp.where(hi | lo | jnp.isnan(x), 0, x), dt)
    return jnp.where(hi, np.array(info.max, dt), jnp.where(lo, np.array(info.min, dt), inside))


# ----------------------------------------------------------------- sorting


def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort along ``dimension``.  ``operand`` may be a tuple of arrays: all are
    permuted by the lexicographic order of the first ``num_keys`` of them.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.sort((np.array([3, 1, 2]), np.array([10, 20, 30])))
    (array([1, 2, 3]), array([20, 30, 10]))
    """
    if not isinstance(operand, (tuple, list)):
        return _out(jnp.sort(asarray_like(operand), axis=dimension))
    ops = [asarray_like(o) for o in operand]
    if not 1 <= num_keys <= len(ops):
        raise ValueError(f"num_keys={num_keys} must be between 1 and len(operand)={len(ops)}")
    shape = tuple(_aval(ops[0]).shape)
    if any(tuple(_aval(o).shape) != shape for o in ops):
        raise TypeError(f"sort arguments must all have the same shape, got "
                        f"{[tuple(_aval(o).shape) for o in ops]}")
    perm = None
    for key in reversed(ops[:num_keys]):
        k = key if perm is None else jnp.take_along_axis(key, perm, axis=dimension)
        order = jnp.argsort(k, axis=dimension, stable=True)
        perm = order if perm is None else jnp.take_along_axis(perm, order, axis=dimension)
    return tuple(_out(jnp.take_along_axis(o, perm, axis=dimension)) for o in ops)


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sort ``keys`` along ``dimension`` and permute ``values`` the same way.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.sort_key_val(np.array([3, 1, 2]), np.array([10, 20, 30]))
    (array([1, 2, 3]), array([20, 30, 10]))
    """
    return sort((keys, values), dimension, is_stable, num_keys=1)


def top_k(operand, k: int, *, axis: int = -1):
    """The ``k`` largest entries along ``axis`` (the last by default), descending,
    and their int32 indices (the lower index first among equal values).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.top_k(np.array([3, 1, 4, 1, 5]), 2)
    [array([5, 4]), array([4, 2], dtype=int32)]
    >>> lax.top_k(np.array([[3, 1], [4, 5]]), 1, axis=0)[1]
    array([[1, 1]], dtype=int32)
    """
    x = asarray_like(operand)
    k = operator.index(k)
    shape = _aval(x).shape
    if not shape:
        raise TypeError("top_k operand must have >= 1 dimension, got ()")
    axis = canonicalize_axis(axis, len(shape))
    n = shape[axis]
    if not 0 <= k <= n:
        raise ValueError(f"k argument to top_k must be nonnegative and at most the size of the "
                         f"reduced axis ({n}), got {k}")
    last = jnp.moveaxis(x, axis, -1)
    order = jnp.flip(jnp.argsort(jnp.flip(last, -1), axis=-1, stable=True), -1)[..., :k]
    idx = (n - 1) - order
    vals = jnp.take_along_axis(last, idx, axis=-1)
    return [_out(jnp.moveaxis(vals, -1, axis)),
            _out(jnp.moveaxis(astype(idx, np.int32), -1, axis))]


# ---------------------------------------------------------------- products


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None,
                out_sharding=None):
    """Generalized tensor contraction: ``dimension_numbers`` is
    ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``; the result has
    the batch dimensions, then the free ones of ``lhs``, then of ``rhs``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dot_general(np.ones((2, 3, 4)), np.ones((2, 4, 5)), (((2,), (1,)), ((0,), (0,)))).shape
    (2, 3, 5)
    """
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(map(int, lc)), tuple(map(int, rc))), (tuple(map(int, lb)), tuple(map(int, rb))))
    x, y = asarray_like(lhs), asarray_like(rhs)
    xa, ya = _aval(x), _aval(y)
    for i, j in zip(dn[0][0], dn[0][1], strict=True):
        if xa.shape[i] != ya.shape[j]:
            raise ShapeError(f"dot_general requires contracting dimensions to have the same "
                             f"shape, got {tuple(xa.shape[k] for k in dn[0][0])} and "
                             f"{tuple(ya.shape[k] for k in dn[0][1])}.")
    for i, j in zip(dn[1][0], dn[1][1], strict=True):
        if xa.shape[i] != ya.shape[j]:
            raise TypeError(f"dot_general requires lhs batch dimensions and rhs batch "
                            f"dimensions to have the same shape, got "
                            f"{tuple(xa.shape[k] for k in dn[1][0])} and "
                            f"{tuple(ya.shape[k] for k in dn[1][1])}.")
    dt = np.result_type(xa.dtype, ya.dtype)
    if xa.dtype != dt:
        x = astype(x, dt)
    if ya.dtype != dt:
        y = astype(y, dt)
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    return _out(dot_general_p.bind(x, y, dimension_numbers=dn, preferred_element_type=pet))


def dot(lhs, rhs, precision=None, preferred_element_type=None, out_sharding=None):
    """Vector/matrix products (``lhs`` and ``rhs`` of rank 1 or 2).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.dot(np.ones((2, 3)), np.ones(3))
    array([3., 3.])
    """
    xa, ya = _aval(lhs), _aval(rhs)
    if not (1 <= len(xa.shape) <= 2 and 1 <= len(ya.shape) <= 2):
        raise ValueError("jax.lax.dot: dimension_numbers must be specified when not performing "
                         "simple un-batched matrix-matrix, matrix-vector, or vector-vector "
                         f"products; got lhs_shape={tuple(xa.shape)} "
                         f"rhs_shape={tuple(ya.shape)}")
    return dot_general(lhs, rhs, (((len(xa.shape) - 1,), (0,)), ((), ())),
                       preferred_element_type=preferred_element_type)


def batch_matmul(lhs, rhs, precision=None):
    """Matrix products batched over the leading dimensions (equal in both).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.batch_matmul(np.ones((2, 3, 4)), np.ones((2, 4, 5))).shape
    (2, 3, 5)
    """
    xa, ya = _aval(lhs), _aval(rhs)
    nd = len(xa.shape)
    if nd < 2 or len(ya.shape) != nd or tuple(xa.shape[:-2]) != tuple(ya.shape[:-2]):
        raise ValueError(f"batch_matmul requires arguments of equal rank >= 2 with equal batch "
                         f"dimensions, got {tuple(xa.shape)} and {tuple(ya.shape)}")
    batch = tuple(range(nd - 2))
    return dot_general(lhs, rhs, (((nd - 1,), (nd - 2,)), (batch, batch)))


_OPS = _populate()
globals().update(_OPS)

__all__ = sorted(_OPS) + [
    "Precision", "RoundingMethod", "round", "integer_pow", "clamp", "select_n",
    "convert_element_type", "bitcast_convert_type", "sort", "sort_key_val", "top_k",
    "dot_general", "dot", "batch_matmul"]
