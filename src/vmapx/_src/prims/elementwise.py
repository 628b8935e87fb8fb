"""Elementwise primitives: one row per NumPy ufunc, with NumPy's broadcasting.

Each row gives the name, the ufunc, and the derivative (as a function of the
inputs and the output, in primitives) from which the JVP rule is made.  The
batching rule, shape/dtype rule and JVP come from the family.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import (dummy_of, get_aval, is_python_scalar, ndim_of, Primitive, primitives,
                    shape_of, ShapedArray, Tracer)
from ..batching import bdim_to_front
from .shapes import broadcast_in_dim_p, reshape_p

# ------------------------------------------------------------------ family rules

_dtype_cache: dict = {}


def _ew_abstract(ufunc):
    name = getattr(ufunc, "__name__", type(ufunc).__name__)   # for the broadcasting error

    def abstract(*avals, **params):
        key = (ufunc, tuple((a.dtype, a.weak_type) for a in avals), tuple(params.items()))
        out = _dtype_cache.get(key)
        if out is None:
            with np.errstate(all="ignore"):
                r = ufunc(*[dummy_of(a) for a in avals], **params)
            out = _dtype_cache[key] = np.result_type(r)
        shape = inputs.broadcast_shapes(name, *[a.shape for a in avals])
        return ShapedArray(shape, out, all(a.weak_type for a in avals))
    return abstract


_SCALAR_TYPES = (bool, int, float, complex)


def broadcasting_batch(prim):
    """Batching rule for n-ary ops with NumPy broadcasting.

    If every mapped operand has its batch axis at the same position ``d`` and the
    same rank, and unmapped operands are short enough that trailing alignment
    cannot reach the batch axis, the op runs on the values as they are (output
    batched at ``d``).  Otherwise mapped operands get their batch axis moved to
    the front and padded with unit axes to the common rank.
    """
    def rule(axis, vals, dims, **params):
        d0 = None
        nd0 = 0
        aligned = True
        for v, d in zip(vals, dims):
            if d is not None:
                if d0 is None:
                    d0, nd0 = d, v.ndim
                elif d != d0 or v.ndim != nd0:
                    aligned = False
                    break
        if aligned:
            lim = nd0 - 1 - d0
            for v, d in zip(vals, dims):
                if d is None and type(v) not in _SCALAR_TYPES and ndim_of(v) > lim:
                    aligned = False
                    break
        if aligned:
            return prim.bind(*vals, **params), d0
        ranks = [ndim_of(v) - (d is not None) for v, d in zip(vals, dims, strict=True)]
        r = max(ranks)
        new = []
        for v, d, k in zip(vals, dims, ranks):
            if d is not None:
                v = bdim_to_front(v, d)
                if k < r:
                    s = shape_of(v)
                    v = reshape_p.bind(v, new_sizes=(s[0],) + (1,) * (r - k) + tuple(s[1:]))
            new.append(v)
        return prim.bind(*new, **params), 0
    return rule


def _unbroadcast(g, shape):
    """Sum ``g`` down to ``shape`` (the transpose of NumPy broadcasting)."""
    gs = shape_of(g)
    if tuple(gs) == tuple(shape):
        return g
    lead = len(gs) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
    if axes:
        # reduce_sum is declared in prims/reductions, whose rules use this module
        g = primitives["reduce_sum"].bind(g, axes=axes, keepdims=False, dtype=None)
    if tuple(shape_of(g)) != tuple(shape):
        g = reshape_p.bind(g, new_sizes=tuple(shape))
    return g


def _make_jvp(prim, partials):
    """JVP from partial derivatives ``partials(*xs, out) -> [d out / d x_i]``.

    A partial is a value, ``None`` (zero), ``_ONE`` / ``_NEG_ONE``, a
    ``_DivBy(y)`` (the tangent is divided by ``y``), or a zero-argument callable
    computing one of those (evaluated only when that operand has a tangent).
    The tangent is made to have the output's shape and dtype.
    """
    def jvp(primals, tangents, **params):
        out = prim.bind(*primals, **params)
        ds = partials(*primals, out)
        tan = None
        for t, d in zip(tangents, ds, strict=True):
            if t is None or d is None:
                continue
            if callable(d):
                d = d()
                if d is None:
                    continue
            if d is _ONE:
                term = t
            elif d is _NEG_ONE:
                term = negative_p.bind(t)
            elif type(d) is _DivBy:
                term = divide_p.bind(t, d.y)
            else:
                term = multiply_p.bind(t, d)
            tan = term if tan is None else add_p.bind(tan, term)
        return out, (None if tan is None else _fit_tangent(tan, out))
    return jvp


def _fit_tangent(t, out):
    """``t`` with the shape and dtype of ``out`` (a broadcast operand's tangent
    is broadcast, a promoted one converted); ``None`` for non-float outputs."""
    oa, ta = get_aval(out), get_aval(t)
    if oa.dtype.kind not in "fc" and not inputs.is_ml_float(oa.dtype):
        return None
    if ta.dtype != oa.dtype:
        if ta.dtype.kind == "c" and oa.dtype.kind != "c":
            t = real_p.bind(t)
        t = convert_element_type_p.bind(t, dtype=oa.dtype)
    if tuple(ta.shape) != tuple(oa.shape):
        n, m = len(oa.shape), len(ta.shape)
        t = broadcast_in_dim_p.bind(t, shape=tuple(oa.shape), dims=tuple(range(n - m, n)))
    return t


def _ct_for(ct, operand):
    """A cotangent of an elementwise output turned into one for ``operand``
    (an ``UndefinedPrimal`` or a value): summed over broadcast axes, cast to the
    operand's dtype (the real part for a real operand)."""
    a = operand.aval if hasattr(operand, "aval") else get_aval(operand)
    ct = _unbroadcast(ct, a.shape)
    ca = get_aval(ct)
    if ca.dtype != a.dtype and inputs.is_inexact(a.dtype):
        if ca.dtype.kind == "c" and a.dtype.kind != "c":
            ct = real_p.bind(ct)
        ct = convert_element_type_p.bind(ct, dtype=a.dtype)
    return ct


class _DivBy:
    """Partial derivative ``1 / y``: the tangent is divided by ``y``."""
    __slots__ = ("y",)

    def __init__(self, y):
        self.y = y


_ONE = object()      # partial derivative exactly 1 (no multiply)
_NEG_ONE = object()  # partial derivative exactly -1


def elementwise(name, ufunc, partials=None, *, linear=False, samples=None):
    prim = Primitive(name, ufunc, abstract=_ew_abstract(ufunc))
    prim.batch = broadcasting_batch(prim)
    prim.elementwise = True
    if partials is not None:
        prim.jvp = _make_jvp(prim, partials)
    prim.samples = samples
    return prim


def _nondiff(*xs):
    return [None] * (len(xs) - 1)


# --------------------------------------------------------------------- unary rows
# partials receive (x, out) and return [d out / d x].
B = lambda p, *a: p.bind(*a)  # noqa: E731  (short name for rows below)

negative_p = elementwise("negative", np.negative, lambda x, y: [_NEG_ONE])
positive_p = elementwise("positive", np.positive, lambda x, y: [_ONE])
abs_p = elementwise("abs", np.absolute)
sign_p = elementwise("sign", np.sign, _nondiff)
floor_p = elementwise("floor", np.floor, _nondiff)
ceil_p = elementwise("ceil", np.ceil, _nondiff)
rint_p = elementwise("rint", np.rint, _nondiff)
trunc_p = elementwise("trunc", np.trunc, _nondiff)
sqrt_p = elementwise("sqrt", np.sqrt, lambda x, y: [B(divide_p, 0.5, y)])
cbrt_p = elementwise("cbrt", np.cbrt,
                     lambda x, y: [B(divide_p, 1.0 / 3.0, B(multiply_p, y, y))])
exp_p = elementwise("exp", np.exp, lambda x, y: [y])
exp2_p = elementwise("exp2", np.exp2, lambda x, y: [B(multiply_p, y, float(np.log(2.0)))])
expm1_p = elementwise("expm1", np.expm1, lambda x, y: [B(add_p, y, 1.0)])
log_p = elementwise("log", np.log, lambda x, y: [B(reciprocal_p, x)])
log2_p = elementwise("log2", np.log2,
                     lambda x, y: [B(divide_p, 1.0 / float(np.log(2.0)), x)])
log10_p = elementwise("log10", np.log10,
                      lambda x, y: [B(divide_p, 1.0 / float(np.log(10.0)), x)])
log1p_p = elementwise("log1p", np.log1p, lambda x, y: [B(reciprocal_p, B(add_p, x, 1.0))])
sin_p = elementwise("sin", np.sin, lambda x, y: [B(cos_p, x)])
cos_p = elementwise("cos", np.cos, lambda x, y: [B(negative_p, B(sin_p, x))])
tan_p = elementwise("tan", np.tan, lambda x, y: [B(add_p, 1.0, B(multiply_p, y, y))])
arcsin_p = elementwise("arcsin", np.arcsin, lambda x, y: [
    B(reciprocal_p, B(sqrt_p, B(subtract_p, 1.0, B(multiply_p, x, x))))])
arccos_p = elementwise("arccos", np.arccos, lambda x, y: [
    B(negative_p, B(reciprocal_p, B(sqrt_p, B(subtract_p, 1.0, B(multiply_p, x, x)))))])
arctan_p = elementwise("arctan", np.arctan, lambda x, y: [
    B(reciprocal_p, B(add_p, 1.0, B(multiply_p, x, x)))])
sinh_p = elementwise("sinh", np.sinh, lambda x, y: [B(cosh_p, x)])
cosh_p = elementwise("cosh", np.cosh, lambda x, y: [B(sinh_p, x)])
tanh_p = elementwise("tanh", np.tanh, lambda x, y: [B(subtract_p, 1.0, B(multiply_p, y, y))])
arcsinh_p = elementwise("arcsinh", np.arcsinh, lambda x, y: [
    B(reciprocal_p, B(sqrt_p, B(add_p, B(multiply_p, x, x), 1.0)))])
arccosh_p = elementwise("arccosh", np.arccosh, lambda x, y: [
    B(reciprocal_p, B(sqrt_p, B(subtract_p, B(multiply_p, x, x), 1.0)))])
arctanh_p = elementwise("arctanh", np.arctanh, lambda x, y: [
    B(reciprocal_p, B(subtract_p, 1.0, B(multiply_p, x, x)))])
square_p = elementwise("square", np.square, lambda x, y: [B(multiply_p, 2.0, x)])
reciprocal_p = elementwise("reciprocal", np.reciprocal,
                           lambda x, y: [B(negative_p, B(multiply_p, y, y))])
deg2rad_p = elementwise("deg2rad", np.deg2rad, lambda x, y: [float(np.pi / 180.0)])
rad2deg_p = elementwise("rad2deg", np.rad2deg, lambda x, y: [float(180.0 / np.pi)])
conjugate_p = elementwise("conjugate", np.conjugate)
logical_not_p = elementwise("logical_not", np.logical_not, _nondiff)
invert_p = elementwise("invert", np.invert, _nondiff)
isnan_p = elementwise("isnan", np.isnan, _nondiff)
isinf_p = elementwise("isinf", np.isinf, _nondiff)
isfinite_p = elementwise("isfinite", np.isfinite, _nondiff)
signbit_p = elementwise("signbit", np.signbit, _nondiff)
real_p = elementwise("real", np.real)
imag_p = elementwise("imag", np.imag)
angle_p = elementwise("angle", np.angle)
spacing_p = elementwise("spacing", np.spacing, _nondiff)

# -------------------------------------------------------------------- binary rows
# partials receive (x, y, out) and return [d out / dx, d out / dy].

add_p = elementwise("add", np.add, lambda x, y, o: [_ONE, _ONE])
subtract_p = elementwise("subtract", np.subtract, lambda x, y, o: [_ONE, _NEG_ONE])
multiply_p = elementwise("multiply", np.multiply, lambda x, y, o: [y, x])
divide_p = elementwise("divide", np.true_divide, lambda x, y, o: [
    _DivBy(y), lambda: B(negative_p, B(divide_p, o, y))])
floor_divide_p = elementwise("floor_divide", np.floor_divide, _nondiff)
remainder_p = elementwise("remainder", np.remainder, lambda x, y, o: [
    _ONE, lambda: B(negative_p, B(floor_divide_p, x, y))])
fmod_p = elementwise("fmod", np.fmod, lambda x, y, o: [
    _ONE, lambda: B(negative_p, B(trunc_p, B(divide_p, x, y)))])
power_p = elementwise("power", np.power, lambda x, y, o: _power_partials(power_p, x, y, o))
float_power_p = elementwise("float_power", np.float_power,
                            lambda x, y, o: _power_partials(float_power_p, x, y, o))
arctan2_p = elementwise("arctan2", np.arctan2, lambda x, y, o: [
    lambda: B(divide_p, y, B(add_p, B(multiply_p, x, x), B(multiply_p, y, y))),
    lambda: B(divide_p, B(negative_p, x), B(add_p, B(multiply_p, x, x), B(multiply_p, y, y)))])
hypot_p = elementwise("hypot", np.hypot, lambda x, y, o: [lambda: B(divide_p, x, o),
                                                          lambda: B(divide_p, y, o)])
maximum_p = elementwise("maximum", np.maximum, lambda x, y, o: _minmax_partials(x, y, greater_p))
minimum_p = elementwise("minimum", np.minimum, lambda x, y, o: _minmax_partials(x, y, less_p))
fmax_p = elementwise("fmax", np.fmax, lambda x, y, o: _fminmax_partials(x, y, greater_p))
fmin_p = elementwise("fmin", np.fmin, lambda x, y, o: _fminmax_partials(x, y, less_p))
logaddexp_p = elementwise("logaddexp", np.logaddexp, lambda x, y, o: [
    lambda: B(exp_p, B(subtract_p, x, o)), lambda: B(exp_p, B(subtract_p, y, o))])
logaddexp2_p = elementwise("logaddexp2", np.logaddexp2, lambda x, y, o: [
    lambda: B(exp2_p, B(subtract_p, x, o)), lambda: B(exp2_p, B(subtract_p, y, o))])
copysign_p = elementwise("copysign", np.copysign, lambda x, y, o: [
    B(multiply_p, B(sign_p, x), B(sign_p, o)), None])
nextafter_p = elementwise("nextafter", np.nextafter, _nondiff)
ldexp_p = elementwise("ldexp", np.ldexp, lambda x, y, o: [
    lambda: B(ldexp_p, _one_like(o), y), None])
heaviside_p = elementwise("heaviside", np.heaviside, _nondiff)
equal_p = elementwise("equal", np.equal, _nondiff)
not_equal_p = elementwise("not_equal", np.not_equal, _nondiff)
less_p = elementwise("less", np.less, _nondiff)
less_equal_p = elementwise("less_equal", np.less_equal, _nondiff)
greater_p = elementwise("greater", np.greater, _nondiff)
greater_equal_p = elementwise("greater_equal", np.greater_equal, _nondiff)
logical_and_p = elementwise("logical_and", np.logical_and, _nondiff)
logical_or_p = elementwise("logical_or", np.logical_or, _nondiff)
logical_xor_p = elementwise("logical_xor", np.logical_xor, _nondiff)
bitwise_and_p = elementwise("bitwise_and", np.bitwise_and, _nondiff)
bitwise_or_p = elementwise("bitwise_or", np.bitwise_or, _nondiff)
bitwise_xor_p = elementwise("bitwise_xor", np.bitwise_xor, _nondiff)
left_shift_p = elementwise("left_shift", np.left_shift, _nondiff)
right_shift_p = elementwise("right_shift", np.right_shift, _nondiff)
gcd_p = elementwise("gcd", np.gcd, _nondiff)
lcm_p = elementwise("lcm", np.lcm, _nondiff)

# ------------------------------------------------------------------- ternary rows

where_p = elementwise("where", np.where)


def _minmax_partials(x, y, cmp):
    """Weight 1 to the operand picked, 1/2 each on a tie (as JAX)."""
    dt = np.result_type(get_aval(x).dtype, get_aval(y).dtype)
    dt = dt if inputs.is_inexact(dt) else np.dtype(np.float64)
    one, half, zero = np.ones((), dt), np.asarray(0.5, dt), np.zeros((), dt)
    wx = B(where_p, B(equal_p, x, y), half, B(where_p, B(cmp, x, y), one, zero))
    return [wx, lambda: B(subtract_p, one, wx)]


def _fminmax_partials(x, y, cmp):
    """``fmax``/``fmin`` pick ``x`` where it wins or ``y`` is NaN, else ``y`` (ties
    included), as JAX's ``where(x > y | isnan(y), x, y)``."""
    dt = np.result_type(get_aval(x).dtype, get_aval(y).dtype)
    dt = dt if inputs.is_inexact(dt) else np.dtype(np.float64)
    one, zero = np.ones((), dt), np.zeros((), dt)
    wx = B(where_p, B(logical_or_p, B(cmp, x, y), B(isnan_p, y)), one, zero)
    return [wx, lambda: B(subtract_p, one, wx)]


def _one_like(x):
    return np.ones((), get_aval(x).dtype)


def _power_partials(prim, x, y, o):
    """d/dx = y x^(y-1), d/dy = x^y log(x) (0 where x == 0); a Python scalar
    exponent stays a weak scalar (so float32 stays float32).  An integer
    exponent 0 has d/dx = 0 even at x == 0 (as JAX; 0 * 0^-1 would be NaN)."""

    def dx():
        if is_python_scalar(y):
            if type(y) is int and y == 0:
                return B(multiply_p, B(prim, x, 0), 0)
            return B(multiply_p, y, B(prim, x, y - 1))
        if get_aval(y).dtype.kind in "iu":   # y * x^(y-1) with y == 0 read as 0 * x^0
            return B(multiply_p, y, B(prim, x, B(subtract_p, B(where_p, B(equal_p, y, 0), 1, y),
                                                 1)))
        return B(multiply_p, y, B(prim, x, B(subtract_p, y, 1)))

    def dy():
        return B(multiply_p, o, B(log_p, B(where_p, B(equal_p, x, 0), 1, x)))
    return [dx, dy]


# ------------------------------------------------------------- dtype conversion


def _convert(x, *, dtype):
    if not isinstance(x, np.generic):
        x = np.asarray(x)
    if np.dtype(dtype).kind in "iu" and inputs.kind(x.dtype) in "fc":
        return inputs.float_to_int(x, np.dtype(dtype))    # XLA's saturating cast
    return x.astype(dtype)


convert_element_type_p = Primitive(
    "convert_element_type", _convert,
    abstract=lambda a, *, dtype: ShapedArray(a.shape, np.dtype(dtype), False))
convert_element_type_p.batch = lambda axis, vals, dims, *, dtype: (
    convert_element_type_p.bind(vals[0], dtype=dtype), dims[0])


def _convert_jvp(primals, tangents, *, dtype):
    out = convert_element_type_p.bind(primals[0], dtype=dtype)
    t = tangents[0]
    if t is None or not inputs.is_inexact(np.dtype(dtype)):
        return out, None
    return out, convert_element_type_p.bind(t, dtype=dtype)


convert_element_type_p.jvp = _convert_jvp


def _convert_transpose(ct, x, *, dtype):
    return [_ct_for(ct, x)]


convert_element_type_p.transpose = _convert_transpose

# ------------------------------------------------------------- stop_gradient

stop_gradient_p = Primitive("stop_gradient", lambda x: x, abstract=lambda a: a)
stop_gradient_p.batch = lambda axis, vals, dims: (vals[0], dims[0])
stop_gradient_p.jvp = lambda primals, tangents: (primals[0], None)

# ------------------------------------------- JVP rules not made from partials


def _abs_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    out = abs_p.bind(x)
    if _is_complex(x):
        # d|z| = Re(conj(z) dz) / |z|, taking |z| = 1 at z = 0 (as JAX).
        safe = where_p.bind(equal_p.bind(out, 0), _one_like(out), out)
        return out, real_p.bind(multiply_p.bind(t, divide_p.bind(conjugate_p.bind(x), safe)))
    dt = _float_dtype(x)
    sign = where_p.bind(greater_equal_p.bind(x, 0), np.ones((), dt), -np.ones((), dt))
    return out, _fit_tangent(multiply_p.bind(t, sign), out)


def _angle_jvp(primals, tangents):
    (z,), (t,) = primals, tangents
    out = angle_p.bind(z)
    if not _is_complex(z):
        return out, None
    # d angle(z) = Im(conj(z) dz) / |z|^2
    cz = conjugate_p.bind(z)
    return out, divide_p.bind(imag_p.bind(multiply_p.bind(cz, t)),
                              real_p.bind(multiply_p.bind(cz, z)))


def _where_jvp(primals, tangents):
    (c, x, y), (_, tx, ty) = primals, tangents
    out = where_p.bind(c, x, y)
    if tx is None and ty is None:
        return out, None
    zero = np.zeros((), get_aval(out).dtype)
    return out, _fit_tangent(where_p.bind(c, zero if tx is None else tx,
                                          zero if ty is None else ty), out)


def _is_complex(x):
    return (x.aval if hasattr(x, "aval") else get_aval(x)).dtype.kind == "c"


def _float_dtype(x):
    dt = get_aval(x).dtype
    return dt if inputs.is_inexact(dt) else np.dtype(np.float64)


def _unary_linear(prim, x, t):
    out = prim.bind(x)
    return out, _fit_tangent(prim.bind(t), out)


abs_p.jvp = _abs_jvp
angle_p.jvp = _angle_jvp
where_p.jvp = _where_jvp
for _p in (real_p, imag_p, conjugate_p):
    _p.jvp = (lambda prim: lambda primals, tangents: _unary_linear(prim, primals[0],
                                                                    tangents[0]))(_p)

# ------------------------------------------------------- transpose rules
# ``ct`` is the output cotangent; operands that are linear inputs are
# ``UndefinedPrimal``s (they have an ``aval`` and are not arrays or tracers).


def _undefined(x):
    return not isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex))


def _add_transpose(ct, x, y):
    return [_ct_for(ct, x) if _undefined(x) else None,
            _ct_for(ct, y) if _undefined(y) else None]


def _subtract_transpose(ct, x, y):
    return [_ct_for(ct, x) if _undefined(x) else None,
            _ct_for(negative_p.bind(ct), y) if _undefined(y) else None]


def _multiply_transpose(ct, x, y):
    if _undefined(x) and _undefined(y):
        raise ValueError("multiply is not linear in both of its operands at once")
    if _undefined(x):
        return [_ct_for(_times(ct, y), x), None]
    return [None, _ct_for(_times(ct, x), y)]


def _times(ct, c):
    """``ct * c``, skipping the multiplication for a unit seed cotangent of shape ()."""
    if (type(ct) is np.ndarray and ct.shape == () and inputs.kind(ct.dtype) == "f" and ct == 1
            and isinstance(c, (np.ndarray, Tracer))):
        if np.result_type(get_aval(c).dtype, ct.dtype) == get_aval(c).dtype:
            return c
    return multiply_p.bind(ct, c)


def _divide_transpose(ct, x, y):
    if _undefined(y):
        raise ValueError("divide is linear only in its numerator")
    return [_ct_for(divide_p.bind(ct, y), x), None]


def _where_transpose(ct, c, x, y):
    if _undefined(c):
        raise ValueError("where is not linear in its condition")
    zero = np.zeros((), get_aval(ct).dtype)
    return [None,
            _ct_for(where_p.bind(c, ct, zero), x) if _undefined(x) else None,
            _ct_for(where_p.bind(c, zero, ct), y) if _undefined(y) else None]


def _real_transpose(ct, x):
    # the embedding of the reals in the complex plane
    return [_complex_ct(ct, x)]


def _imag_transpose(ct, x):
    # Im(z) = Re(-i z): the transpose is ct -> -i ct
    if not _is_complex(x):
        return [None]
    return [_complex_ct(multiply_p.bind(ct, -1j), x)]


def _complex_ct(ct, x):
    dt = x.aval.dtype
    if get_aval(ct).dtype != dt:
        ct = convert_element_type_p.bind(ct, dtype=dt)
    return ct


add_p.transpose = _add_transpose
subtract_p.transpose = _subtract_transpose
multiply_p.transpose = _multiply_transpose
divide_p.transpose = _divide_transpose
where_p.transpose = _where_transpose
negative_p.transpose = lambda ct, x: [negative_p.bind(ct)]
positive_p.transpose = lambda ct, x: [ct]
conjugate_p.transpose = lambda ct, x: [_ct_for(conjugate_p.bind(ct), x)]
ldexp_p.transpose = lambda ct, x, e: [_ct_for(ldexp_p.bind(ct, e), x), None]
real_p.transpose = _real_transpose
imag_p.transpose = _imag_transpose

UNARY = [p for p in (negative_p, positive_p, abs_p, sign_p, floor_p, ceil_p, rint_p, trunc_p,
                     sqrt_p, cbrt_p, exp_p, exp2_p, expm1_p, log_p, log2_p, log10_p, log1p_p,
                     sin_p, cos_p, tan_p, arcsin_p, arccos_p, arctan_p, sinh_p, cosh_p, tanh_p,
                     arcsinh_p, arccosh_p, arctanh_p, square_p, reciprocal_p, deg2rad_p,
                     rad2deg_p, conjugate_p, logical_not_p, invert_p, isnan_p, isinf_p,
                     isfinite_p, signbit_p, real_p, imag_p, angle_p, spacing_p)]
