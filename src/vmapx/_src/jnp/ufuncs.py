"""Elementwise functions of ``vmapx.numpy``: one per ufunc primitive, plus
``where``, ``clip`` and friends built from them."""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, shape_of
from ..prims import elementwise as ew
from . import dtypes as _dt
from .base import asarray_like, astype, make_ufunc, promote_args, _check_no_out
from .indexing import nonzero

_INEXACT = {np.true_divide, np.arctan2, np.hypot, np.logaddexp, np.logaddexp2, np.copysign,
            np.nextafter, np.heaviside, np.float_power, np.sqrt, np.cbrt, np.exp, np.exp2,
            np.expm1, np.log, np.log2, np.log10, np.log1p, np.sin, np.cos, np.tan, np.arcsin,
            np.arccos, np.arctan, np.sinh, np.cosh, np.tanh, np.arcsinh, np.arccosh,
            np.arctanh, np.deg2rad, np.rad2deg, np.spacing, np.reciprocal}
_NUMERIC = {np.floor_divide, np.remainder, np.fmod, np.left_shift, np.right_shift, np.square}
_NONE = {np.logical_and, np.logical_or, np.logical_xor, np.logical_not, np.isnan, np.isinf,
         np.isfinite, np.signbit, np.floor, np.ceil, np.trunc, np.negative, np.positive,
         np.absolute, np.sign, np.conjugate, np.invert}


def _rule(name, uf):
    """The dtype rule of a ufunc (``base.make_ufunc``), as JAX's x64 promotion."""
    if uf in _INEXACT:
        return "inexact"
    if uf in _NUMERIC:
        return "numeric"
    if uf in _NONE:
        return "none"
    return {np.power: "power", np.ldexp: "ldexp", np.rint: "rint"}.get(uf, "promote")


# name in vmapx.numpy -> (primitive, number of inputs, numpy ufunc)
UFUNCS = {}
for _name, _uf in [
        ("negative", np.negative), ("positive", np.positive), ("abs", np.absolute),
        ("absolute", np.absolute), ("sign", np.sign),
        ("floor", np.floor), ("ceil", np.ceil), ("rint", np.rint), ("trunc", np.trunc),
        ("fix", np.trunc), ("sqrt", np.sqrt), ("cbrt", np.cbrt), ("exp", np.exp),
        ("exp2", np.exp2), ("expm1", np.expm1), ("log", np.log), ("log2", np.log2),
        ("log10", np.log10), ("log1p", np.log1p), ("sin", np.sin), ("cos", np.cos),
        ("tan", np.tan), ("arcsin", np.arcsin), ("arccos", np.arccos), ("arctan", np.arctan),
        ("sinh", np.sinh), ("cosh", np.cosh), ("tanh", np.tanh), ("arcsinh", np.arcsinh),
        ("arccosh", np.arccosh), ("arctanh", np.arctanh), ("square", np.square),
        ("reciprocal", np.reciprocal), ("deg2rad", np.deg2rad), ("rad2deg", np.rad2deg),
        ("radians", np.deg2rad), ("degrees", np.rad2deg), ("conjugate", np.conjugate),
        ("conj", np.conjugate), ("logical_not", np.logical_not), ("invert", np.invert),
        ("bitwise_not", np.invert), ("bitwise_invert", np.invert), ("isnan", np.isnan),
        ("isinf", np.isinf), ("isfinite", np.isfinite), ("signbit", np.signbit),
        ("spacing", np.spacing),
        ("asin", np.arcsin), ("acos", np.arccos), ("atan", np.arctan), ("asinh", np.arcsinh),
        ("acosh", np.arccosh), ("atanh", np.arctanh),
        ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
        ("divide", np.true_divide), ("true_divide", np.true_divide),
        ("floor_divide", np.floor_divide), ("remainder", np.remainder), ("mod", np.remainder),
        ("fmod", np.fmod), ("power", np.power), ("pow", np.power),
        ("float_power", np.float_power), ("arctan2", np.arctan2), ("atan2", np.arctan2),
        ("hypot", np.hypot), ("maximum", np.maximum), ("minimum", np.minimum),
        ("fmax", np.fmax), ("fmin", np.fmin), ("logaddexp", np.logaddexp),
        ("logaddexp2", np.logaddexp2), ("copysign", np.copysign), ("nextafter", np.nextafter),
        ("ldexp", np.ldexp), ("heaviside", np.heaviside), ("equal", np.equal),
        ("not_equal", np.not_equal), ("less", np.less), ("less_equal", np.less_equal),
        ("greater", np.greater), ("greater_equal", np.greater_equal),
        ("logical_and", np.logical_and), ("logical_or", np.logical_or),
        ("logical_xor", np.logical_xor), ("bitwise_and", np.bitwise_and),
        ("bitwise_or", np.bitwise_or), ("bitwise_xor", np.bitwise_xor),
        ("left_shift", np.left_shift), ("right_shift", np.right_shift),
        ("bitwise_left_shift", np.left_shift), ("bitwise_right_shift", np.right_shift),
        ("gcd", np.gcd), ("lcm", np.lcm)]:
    _prim_name = {np.absolute: "abs", np.true_divide: "divide", np.conjugate: "conjugate",
                  np.invert: "invert"}.get(_uf, _uf.__name__)
    _prim = getattr(ew, _prim_name + "_p")
    UFUNCS[_name] = (_prim, _uf.nin, _uf)
    globals()[_name] = make_ufunc(_prim, _uf.nin, _name, _uf, _rule(_name, _uf))

_float_power_numpy = float_power   # noqa: F821 - made in the loop above
_float_power_jax = make_ufunc(ew.power_p, 2, "float_power", np.float_power, "inexact")


def float_power(x, y, /, out=None, *, where=True, dtype=None):
    """``x ** y`` in an inexact dtype, as ``jax.numpy.float_power``: the operands
    promoted and made inexact (int32 gives float32); NumPy's ``float_power``
    (float64 at least) when NumPy code calls it on traced values.

    >>> float_power(np.array([2, 3], np.int32), 2)
    array([4., 9.], dtype=float32)
    """
    fn = _float_power_numpy if _dt.numpy_semantics() else _float_power_jax
    return fn(x, y, out, where=where, dtype=dtype)


float_power._prim = ew.power_p   # converts its own results (array.wrap_namespace)
UFUNC_TO_FN = {}
for _name, (_p, _n, _uf) in UFUNCS.items():
    UFUNC_TO_FN.setdefault(_uf, globals()[_name])


def real(x):
    """Real part, as ``numpy.real``.

    >>> real(np.array([1 + 2j]))
    array([1.])
    """
    x = asarray_like(x)
    if dtype_of(x).kind != "c":
        return x
    return ew.real_p.bind(x)


def imag(x):
    """Imaginary part, as ``numpy.imag``.

    >>> imag(np.array([1 + 2j]))
    array([2.])
    """
    return ew.imag_p.bind(asarray_like(x))


def angle(z, deg=False):
    """Complex argument, as ``numpy.angle``.

    >>> angle(1j)
    np.float64(1.5707963267948966)
    """
    a = ew.angle_p.bind(asarray_like(z))
    return ew.multiply_p.bind(a, 180.0 / np.pi) if deg else a


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """Elementwise choice, as ``numpy.where``; the one-argument form is ``nonzero``
    (with JAX's static ``size`` and ``fill_value`` under tracing).

    >>> where(np.array([True, False]), 1.0, np.array([5.0, 6.0]))
    array([1., 6.])
    >>> where(np.array([0, 3, 4]), size=3, fill_value=-1)
    (array([ 1,  2, -1]),)
    """
    if x is None and y is None:
        return nonzero(asarray_like(condition), size=size, fill_value=fill_value)
    if size is not None or fill_value is not None:
        raise ValueError("size and fill_value arguments cannot be used in three-term where "
                         "function.")
    if x is None or y is None:
        raise ValueError("Either both or neither of the x and y arguments should be provided "
                         "to vmapx.numpy.where.")
    condition = asarray_like(condition)
    x, y = promote_args(x, y)   # JAX's promotion
    if inputs.RANK_CHECK[0]:
        inputs.check_rank_promotion("where", (shape_of(condition), shape_of(x), shape_of(y)))
    return ew.where_p.bind(condition, x, y)


def clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    """Limit values to ``[a_min, a_max]``, as ``numpy.clip``.

    >>> clip(np.arange(5), 1, 3)
    array([1, 1, 2, 3, 3])
    """
    if out is not None:
        raise TypeError("vmapx.numpy.clip: the 'out' argument is not supported: traced "
                        "arrays are immutable; use the returned value.")
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    a = asarray_like(a)
    if not _dt.numpy_semantics() and any(
            v is not None and _dt.key_of(v) in (complex, _C64, _C128) for v in (a, lo, hi)):
        raise ValueError("Clip received a complex value either through the input or the "
                         "min/max keywords. Complex values have no ordering and cannot be "
                         "clipped. Please convert to a real value or array by taking the real "
                         "or imaginary components via jax.numpy.real/imag respectively.")
    if lo is not None:
        a = maximum(a, lo)   # noqa: F821 - made by make_ufunc above (JAX's promotion)
    if hi is not None:
        a = minimum(a, hi)   # noqa: F821
    return a


_C64, _C128 = np.dtype(np.complex64), np.dtype(np.complex128)


def fabs(x, /, out=None, *, where=True):
    """Absolute value as a float, as ``numpy.fabs`` (integers and booleans become the
    smallest float that holds them; complex input is an error).

    >>> fabs(np.array([-2, 3]))
    array([2., 3.])
    """
    _check_no_out("fabs", {"out": out, "where": where})
    x = asarray_like(x)
    dt = np.asarray(x).dtype if isinstance(x, (bool, int, float, complex)) else dtype_of(x)
    if dt.kind == "c":
        raise TypeError("ufunc 'fabs' not supported for the input types, and the inputs could "
                        "not be safely coerced to any supported types according to the "
                        "casting rule ''safe''")
    if dt.kind in "biu":
        x = astype(x, np.promote_types(dt, np.float16))
    return ew.abs_p.bind(x)


def sinc(x):
    """Normalized sinc, as ``numpy.sinc``.

    >>> sinc(np.array([0.0, 0.5]))
    array([1.        , 0.63661977])
    """
    x = asarray_like(x)
    px = ew.multiply_p.bind(np.pi, x)
    safe = ew.where_p.bind(ew.equal_p.bind(x, 0), 1.0, px)
    return ew.where_p.bind(ew.equal_p.bind(x, 0), 1.0, ew.divide_p.bind(ew.sin_p.bind(safe), safe))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """As ``numpy.isclose``.

    >>> isclose(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    array([ True, False])
    """
    a, b = asarray_like(a), asarray_like(b)
    dt = _dt.promote_values(a, b)
    if not inputs.is_inexact(dt):
        if not _dt.numpy_semantics():
            return equal(a, b)   # noqa: F821 - JAX: integers and bools compare exactly
        a, b = astype(a, np.float64), astype(b, np.float64)   # NumPy: as floats
    diff = ew.abs_p.bind(ew.subtract_p.bind(a, b))
    tol = ew.add_p.bind(atol, ew.multiply_p.bind(rtol, ew.abs_p.bind(b)))
    out = ew.less_equal_p.bind(diff, tol)
    exact = ew.equal_p.bind(a, b)
    out = ew.logical_or_p.bind(out, exact)
    if equal_nan:
        out = ew.logical_or_p.bind(out, ew.logical_and_p.bind(ew.isnan_p.bind(a),
                                                              ew.isnan_p.bind(b)))
    return out


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """As ``numpy.nan_to_num``.

    >>> nan_to_num(np.array([np.nan, 1.0]))
    array([0., 1.])
    """
    x = asarray_like(x)
    if isinstance(x, (bool, int, float, complex)):
        x = np.asarray(x)
    dt = dtype_of(x)
    if not inputs.is_inexact(dt):
        return x
    if dt.kind == "c":  # the real and imaginary parts separately
        parts = [nan_to_num(part, copy, nan, posinf, neginf)
                 for part in (ew.real_p.bind(x), ew.imag_p.bind(x))]
        return ew.add_p.bind(parts[0], ew.multiply_p.bind(parts[1], np.asarray(1j, dt)))
    info = np.finfo(dt)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    x = ew.where_p.bind(ew.isnan_p.bind(x), np.asarray(nan, dt), x)
    x = ew.where_p.bind(ew.logical_and_p.bind(ew.isinf_p.bind(x), ew.greater_p.bind(x, 0)),
                        np.asarray(posinf, dt), x)
    return ew.where_p.bind(ew.logical_and_p.bind(ew.isinf_p.bind(x), ew.less_p.bind(x, 0)),
                           np.asarray(neginf, dt), x)


def round(a, decimals=0, out=None):  # noqa: A001 - NumPy's name
    """Round half to even, as ``numpy.round``.

    >>> round(np.array([0.5, 1.5, 2.675]), 2)
    array([0.5 , 1.5 , 2.68])
    """
    a = asarray_like(a)
    dt = np.asarray(a).dtype if isinstance(a, (bool, int, float, complex)) else dtype_of(a)
    if dt.kind in "iu":  # integers stay integers: exact for decimals >= 0
        if decimals >= 0:
            return np.asarray(a, dt) if isinstance(a, (int, bool)) else a
        f = 10.0 ** -decimals
        return astype(ew.multiply_p.bind(ew.rint_p.bind(
            ew.divide_p.bind(astype(a, np.float64), f)), f), dt)
    if decimals == 0:
        return ew.rint_p.bind(a)
    if decimals > 0:
        f = 10.0 ** decimals
        return ew.divide_p.bind(ew.rint_p.bind(ew.multiply_p.bind(a, f)), f)
    f = 10.0 ** -decimals
    return ew.multiply_p.bind(ew.rint_p.bind(ew.divide_p.bind(a, f)), f)


around = round


__all__ = list(UFUNCS) + ["fabs", "real", "imag", "angle", "where", "clip", "sinc", "isclose",
                          "nan_to_num", "round", "around"]
