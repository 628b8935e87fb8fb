"""Sample inputs per primitive, for the registry-driven loop-oracle harness.

``SAMPLES[name](rng)`` returns a list of cases ``(args, params)``: the
positional operands of ONE example (NumPy arrays, or Python scalars which the
harness always leaves unmapped) and the static parameters passed to
``prim.bind``.  The harness calls the generator once per example with a
different ``rng``; the *structure* of the cases (count, shapes, dtypes, params)
must not depend on ``rng`` — only the values do, so every example of a batch
differs.  Values are drawn inside each primitive's domain (no NaN from
``log(-1)``), and float32, float64, integer, bool and complex cases are included
where the primitive takes them.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
i32, i64 = np.dtype(np.int32), np.dtype(np.int64)
c64, c128 = np.dtype(np.complex64), np.dtype(np.complex128)
boolean = np.dtype(bool)

Case = tuple[tuple, dict]
SAMPLES: dict[str, Callable[[np.random.Generator], list[Case]]] = {}


def sample(*names):
    """Register the decorated generator for each primitive in ``names``."""
    def register(gen):
        for n in names:
            if n in SAMPLES:
                raise ValueError(f"samples for {n!r} declared twice")
            SAMPLES[n] = gen
        return gen
    return register


# ---------------------------------------------------------------- value makers


def fl(rng, shape, dtype=f64, lo=-2.0, hi=2.0):
    return np.asarray(rng.uniform(lo, hi, size=shape)).astype(dtype)


def it(rng, shape, dtype=i64, lo=-5, hi=6):
    return np.asarray(rng.integers(lo, hi, size=shape)).astype(dtype)


def bo(rng, shape):
    return np.asarray(rng.integers(0, 2, size=shape)).astype(bool)


def cx(rng, shape, dtype=c128):
    return (fl(rng, shape) + 1j * fl(rng, shape)).astype(dtype)


def nonzero(rng, shape, dtype=f64, lo=0.5, hi=2.0):
    """Values bounded away from zero, with random signs."""
    mag = fl(rng, shape, f64, lo, hi)
    sign = np.where(bo(rng, shape), 1.0, -1.0)
    return (mag * sign).astype(dtype)


def specials(rng, shape, dtype=f64):
    """Floats sprinkled with nan, +-inf and signed zeros."""
    x = fl(rng, shape, dtype)
    pick = rng.integers(0, 6, size=shape)
    x = np.where(pick == 0, np.nan, x)
    x = np.where(pick == 1, np.inf, x)
    x = np.where(pick == 2, -np.inf, x)
    x = np.where(pick == 3, -0.0, x)
    return np.asarray(x).astype(dtype)


# ------------------------------------------------------------------ elementwise


def _unary_float(lo, hi):
    def gen(rng):
        return [((fl(rng, (3,), f32, lo, hi),), {}),
                ((fl(rng, (2, 3), f64, lo, hi),), {}),
                ((fl(rng, (), f64, lo, hi),), {}),
                ((fl(rng, (2, 1, 2), f32, lo, hi),), {})]
    return gen


for _names, _lo, _hi in [
        (("floor", "ceil", "rint", "trunc", "cbrt", "exp", "exp2", "expm1", "sin", "cos", "tan",
          "arctan", "sinh", "cosh", "tanh", "arcsinh", "deg2rad", "rad2deg", "spacing"), -2.0, 2.0),
        (("sqrt", "log", "log2", "log10"), 0.1, 3.0),
        (("log1p",), -0.5, 2.0),
        (("arcsin", "arccos", "arctanh"), -0.9, 0.9),
        (("arccosh",), 1.1, 3.0)]:
    sample(*_names)(_unary_float(_lo, _hi))


@sample("negative", "positive", "abs", "sign", "square")
def _signed_unary(rng):
    return [((fl(rng, (3,), f32),), {}), ((fl(rng, (2, 3)),), {}), ((fl(rng, ()),), {}),
            ((it(rng, (2, 3)),), {}), ((it(rng, (4,), i32),), {})]


@sample("reciprocal")
def _reciprocal(rng):
    return [((nonzero(rng, (3,), f32),), {}), ((nonzero(rng, (2, 3)),), {}),
            ((nonzero(rng, ()),), {})]


@sample("isnan", "isinf", "isfinite", "signbit")
def _float_predicates(rng):
    return [((specials(rng, (6,)),), {}), ((specials(rng, (2, 3), f32),), {}),
            ((specials(rng, ()),), {})]


@sample("conjugate", "real", "imag", "angle")
def _complex_unary(rng):
    return [((cx(rng, (3,)),), {}), ((cx(rng, (2, 2), c64),), {}), ((fl(rng, (3,), f32),), {}),
            ((cx(rng, ()),), {})]


@sample("logical_not")
def _logical_not(rng):
    return [((bo(rng, (4,)),), {}), ((bo(rng, (2, 3)),), {}), ((fl(rng, (3,)),), {})]


@sample("invert")
def _invert(rng):
    return [((it(rng, (4,)),), {}), ((it(rng, (2, 3), i32),), {}), ((bo(rng, (3,)),), {})]


def _binary(make_x, make_y, ints=None, scalar=1.5):
    """Cases for a broadcasting binary op: same shapes, both ranks broadcasting,
    size-1 axes, float32/float64 mixing, a weak Python scalar on either side,
    and (``ints``) integer cases."""
    def gen(rng):
        cases = [((make_x(rng, (3,), f32), make_y(rng, (3,), f32)), {}),
                 ((make_x(rng, (2, 3), f64), make_y(rng, (3,), f64)), {}),
                 ((make_x(rng, (2, 1), f64), make_y(rng, (1, 4), f32)), {}),
                 ((make_x(rng, (), f64), make_y(rng, (2, 2), f64)), {}),
                 ((make_x(rng, (3,), f32), scalar), {}),
                 ((scalar, make_y(rng, (2, 3), f64)), {})]
        if ints is not None:
            mx, my = ints
            cases += [((mx(rng, (2, 3), i64), my(rng, (3,), i64)), {}),
                      ((mx(rng, (4,), i32), my(rng, (4,), i32)), {}),
                      ((mx(rng, (4,), i32), 2), {})]
        return cases
    return gen


def _pos_int(rng, shape, dtype=i64):
    return it(rng, shape, dtype, 1, 7)


def _small_nonneg_int(rng, shape, dtype=i64):
    return it(rng, shape, dtype, 0, 4)


sample("add", "subtract", "multiply", "maximum", "minimum", "fmax", "fmin")(
    _binary(fl, fl, ints=(it, it)))
sample("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")(
    _binary(lambda r, s, d: it(r, s, i64, -2, 3).astype(d),
            lambda r, s, d: it(r, s, i64, -2, 3).astype(d), ints=(it, it), scalar=1.0))
sample("arctan2", "hypot", "logaddexp", "logaddexp2", "copysign", "nextafter")(
    _binary(fl, fl))
sample("divide")(_binary(fl, nonzero, ints=(it, lambda r, s, d: it(r, s, d, 1, 5))))
sample("floor_divide", "remainder", "fmod")(
    _binary(fl, nonzero, ints=(it, lambda r, s, d: it(r, s, d, 1, 5))))
sample("power")(_binary(lambda r, s, d: fl(r, s, d, 0.2, 2.0), fl,
                        ints=(it, _small_nonneg_int), scalar=2.0))
sample("float_power")(_binary(lambda r, s, d: fl(r, s, d, 0.2, 2.0), fl, scalar=2.0))
sample("heaviside")(_binary(lambda r, s, d: it(r, s, i64, -2, 3).astype(d), fl, scalar=0.5))


@sample("ldexp")
def _ldexp(rng):
    return [((fl(rng, (3,), f32), it(rng, (3,), i32, -3, 4)), {}),
            ((fl(rng, (2, 3)), it(rng, (3,), i64, -3, 4)), {}),
            ((fl(rng, (2, 2)), 3), {})]


@sample("logical_and", "logical_or", "logical_xor")
def _logical(rng):
    return [((bo(rng, (4,)), bo(rng, (4,))), {}), ((bo(rng, (2, 3)), bo(rng, (3,))), {}),
            ((fl(rng, (3,)), it(rng, (3,))), {}), ((bo(rng, (3,)), True), {})]


@sample("bitwise_and", "bitwise_or", "bitwise_xor")
def _bitwise(rng):
    return [((it(rng, (4,), i64, 0, 64), it(rng, (4,), i64, 0, 64)), {}),
            ((it(rng, (2, 3), i32, -8, 8), it(rng, (3,), i32, 0, 8)), {}),
            ((bo(rng, (3,)), bo(rng, (3,))), {}), ((it(rng, (3,), i64, 0, 64), 5), {})]


@sample("left_shift", "right_shift")
def _shifts(rng):
    return [((it(rng, (4,), i64, 0, 100), it(rng, (4,), i64, 0, 5)), {}),
            ((it(rng, (2, 3), i32, -50, 50), it(rng, (3,), i32, 0, 5)), {}),
            ((it(rng, (3,), i64, 0, 100), 2), {})]


@sample("gcd", "lcm")
def _gcd(rng):
    return [((it(rng, (4,), i64, -12, 13), it(rng, (4,), i64, -12, 13)), {}),
            ((it(rng, (2, 3), i32, 0, 20), it(rng, (3,), i32, 1, 20)), {}),
            ((it(rng, (3,), i64, 0, 30), 6), {})]


@sample("where")
def _where(rng):
    return [((bo(rng, (3,)), fl(rng, (3,), f32), fl(rng, (3,), f32)), {}),
            ((bo(rng, (2, 3)), fl(rng, (3,)), fl(rng, (2, 1))), {}),
            ((bo(rng, (2, 2)), it(rng, (2, 2)), 0), {}),
            ((bo(rng, ()), fl(rng, (3,)), 1.5), {}),
            ((bo(rng, (4,)), fl(rng, (4,), f32), it(rng, (4,), i32)), {})]


@sample("convert_element_type")
def _convert(rng):
    return [((fl(rng, (3,), f64, -5, 5),), {"dtype": i32}),
            ((it(rng, (2, 3)),), {"dtype": f32}),
            ((fl(rng, (2, 2), f32),), {"dtype": f64}),
            ((it(rng, (4,), i64, -1, 2),), {"dtype": boolean}),
            ((fl(rng, (), f64),), {"dtype": c64})]


# ------------------------------------------------------------------ structural


@sample("transpose")
def _transpose(rng):
    return [((fl(rng, (2, 3)),), {"perm": (1, 0)}),
            ((fl(rng, (2, 3, 4), f32),), {"perm": (2, 0, 1)}),
            ((it(rng, (2, 3, 4)),), {"perm": (0, 2, 1)}),
            ((fl(rng, ()),), {"perm": ()})]


@sample("reshape")
def _reshape(rng):
    return [((fl(rng, (2, 3, 4)),), {"new_sizes": (6, 4)}),
            ((fl(rng, (2, 3), f32),), {"new_sizes": (3, 2)}),
            ((it(rng, (6,)),), {"new_sizes": (1, 2, 3)}),
            ((fl(rng, ()),), {"new_sizes": (1, 1)}),
            ((fl(rng, (1, 1)),), {"new_sizes": ()})]


@sample("broadcast_in_dim")
def _broadcast_in_dim(rng):
    return [((fl(rng, (3,)),), {"shape": (2, 3), "dims": (1,)}),
            ((fl(rng, (3, 1), f32),), {"shape": (3, 2, 4), "dims": (0, 1)}),
            ((it(rng, ()),), {"shape": (2, 3), "dims": ()}),
            ((fl(rng, (2,)),), {"shape": (2, 3), "dims": (0,)}),
            ((bo(rng, (2, 3)),), {"shape": (2, 3), "dims": (0, 1)})]


@sample("squeeze")
def _squeeze(rng):
    return [((fl(rng, (2, 1, 3)),), {"axes": (1,)}),
            ((fl(rng, (1, 3, 1), f32),), {"axes": (0, 2)}),
            ((it(rng, (1,)),), {"axes": (0,)}),
            ((fl(rng, (2, 3)),), {"axes": ()})]


@sample("concatenate")
def _concatenate(rng):
    return [((fl(rng, (2, 3)), fl(rng, (4, 3))), {"axis": 0}),
            ((fl(rng, (2, 3), f32), fl(rng, (2, 1), f32)), {"axis": 1}),
            ((it(rng, (2,)), fl(rng, (3,)), it(rng, (1,), i32)), {"axis": 0}),
            ((fl(rng, (1, 2)),), {"axis": 0})]


@sample("pad")
def _pad(rng):
    return [((fl(rng, (2, 3)),), {"pad_width": ((1, 0), (2, 1)), "value": 0.0}),
            ((fl(rng, (3,), f32),), {"pad_width": ((0, 2),), "value": -1.5}),
            ((it(rng, (2, 2)),), {"pad_width": ((0, 0), (1, 1)), "value": 7}),
            ((fl(rng, (2, 3)),), {"pad_width": ((0, 0), (0, 0)), "value": 0.0})]


@sample("rev")
def _rev(rng):
    return [((fl(rng, (2, 3)),), {"axes": (0,)}),
            ((fl(rng, (2, 3), f32),), {"axes": (1,)}),
            ((it(rng, (2, 3, 2)),), {"axes": (0, 2)}),
            ((fl(rng, (3,)),), {"axes": ()})]


@sample("static_index")
def _static_index(rng):
    s = lambda *a: ("s",) + a  # noqa: E731
    return [((fl(rng, (4, 5)),), {"index": (1, s(None, None, 2))}),
            ((fl(rng, (4, 5), f32),), {"index": (None, s(1, 3, None))}),
            ((it(rng, (3, 4, 2)),), {"index": (s(None, None, -1), 2, -1)}),
            ((fl(rng, (5,)),), {"index": (s(4, 0, -2),)}),
            ((fl(rng, (2, 3)),), {"index": (-1, None, s(None, None, None))}),
            ((fl(rng, ()),), {"index": (None,)})]


# ------------------------------------------------------------------ reductions


def _reduce_cases(make, dtype=f64, with_dtype_param=False):
    def gen(rng):
        cases = [((make(rng, (2, 3), dtype),), {"axes": (0,), "keepdims": False}),
                 ((make(rng, (2, 3), dtype),), {"axes": (1,), "keepdims": True}),
                 ((make(rng, (2, 3, 2), dtype),), {"axes": (0, 2), "keepdims": False}),
                 ((make(rng, (4,), dtype),), {"axes": (0,), "keepdims": False}),
                 ((make(rng, (2, 3), dtype),), {"axes": (), "keepdims": False}),
                 ((make(rng, (), dtype),), {"axes": (), "keepdims": True})]
        if with_dtype_param:
            cases += [((fl(rng, (3, 2), f32),), {"axes": (1,), "keepdims": False,
                                                 "dtype": f64}),
                      ((it(rng, (3, 2), i32),), {"axes": (0,), "keepdims": False,
                                                 "dtype": None})]
        return cases
    return gen


sample("reduce_sum", "reduce_prod")(_reduce_cases(fl, f32, with_dtype_param=True))
sample("reduce_max", "reduce_min")(_reduce_cases(lambda r, s, d: it(r, s, i64, -9, 10).astype(d)))
sample("reduce_any", "reduce_all")(
    _reduce_cases(lambda r, s, d: np.asarray(r.uniform(size=s) < 0.7)))


@sample("argmax", "argmin")
def _argreduce(rng):
    return [((fl(rng, (2, 3)),), {"axis": 0, "keepdims": False}),
            ((fl(rng, (2, 3), f32),), {"axis": 1, "keepdims": True}),
            ((it(rng, (3, 2, 2), i64, 0, 3),), {"axis": 2, "keepdims": False}),
            ((fl(rng, (5,)),), {"axis": 0, "keepdims": False})]


@sample("cumsum", "cumprod")
def _cumulative(rng):
    return [((fl(rng, (2, 3)),), {"axis": 0, "dtype": None}),
            ((fl(rng, (2, 3), f32),), {"axis": 1, "dtype": None}),
            ((it(rng, (4,), i32),), {"axis": 0, "dtype": i64}),
            ((fl(rng, (2, 2, 3)),), {"axis": 2, "dtype": None})]


@sample("cummax", "cummin", "sort", "argsort")
def _along_axis(rng):
    return [((fl(rng, (2, 3)),), {"axis": 0}),
            ((fl(rng, (2, 3), f32),), {"axis": 1}),
            ((it(rng, (6,), i64, 0, 3),), {"axis": 0}),
            ((it(rng, (2, 2, 3), i32),), {"axis": 2})]


@sample("ufunc_fold")
def _ufunc_fold(rng):
    fold = lambda ufunc, method, axis, **kw: dict(  # noqa: E731
        ufunc=ufunc, method=method, axis=axis, keepdims=kw.get("keepdims", False),
        initial=kw.get("initial"), batched=0)
    return [((fl(rng, (5,)),), fold(np.subtract, "reduce", 0)),
            ((nonzero(rng, (2, 3)),), fold(np.divide, "accumulate", 1)),
            ((fl(rng, (3, 2), f32, 0.5, 1.5),), fold(np.power, "reduce", 0, keepdims=True)),
            ((fl(rng, (1,), lo=0.5, hi=1.5),), fold(np.power, "reduce", 0, initial=1.5)),
            ((fl(rng, (2, 4)),), fold(np.logaddexp, "accumulate", 1)),
            ((it(rng, (6,), i64, 0, 8),), fold(np.bitwise_xor, "reduce", 0))]


# -------------------------------------------------------------------- products


@sample("dot_general")
def _dot_general(rng):
    dn = lambda lc, rc, lb=(), rb=(): ((lc, rc), (lb, rb))  # noqa: E731
    return [((fl(rng, (2, 3)), fl(rng, (3, 4))), {"dimension_numbers": dn((1,), (0,))}),
            ((fl(rng, (3,), f32), fl(rng, (3,), f32)), {"dimension_numbers": dn((0,), (0,))}),
            ((fl(rng, (2, 3, 4)), fl(rng, (2, 4, 5))),
             {"dimension_numbers": dn((2,), (1,), (0,), (0,))}),
            ((fl(rng, (3, 2)), fl(rng, (4,))), {"dimension_numbers": dn((), ())}),
            ((it(rng, (2, 3)), it(rng, (3,))), {"dimension_numbers": dn((1,), (0,))}),
            ((fl(rng, (4, 3), f32), fl(rng, (2, 4))),
             {"dimension_numbers": dn((0,), (1,)), "preferred_element_type": f32}),
            ((fl(rng, ()), fl(rng, (2,))), {"dimension_numbers": dn((), ())})]


@sample("einsum")
def _einsum(rng):
    return [((fl(rng, (2, 3)), fl(rng, (3, 4))), {"spec": "ij,jk->ik"}),
            ((fl(rng, (3, 3), f32),), {"spec": "ii->i"}),
            ((fl(rng, (2, 3)),), {"spec": "ij->"}),
            ((fl(rng, (2, 3, 4)), fl(rng, (2, 4, 5))), {"spec": "bij,bjk->bki"}),
            ((fl(rng, (2, 3)), fl(rng, (3, 4)), fl(rng, (4,))), {"spec": "ij,jk,k->i"}),
            ((it(rng, (3,)), it(rng, (2,))), {"spec": "i,j->ij"})]


# -------------------------------------------------------------------- indexing


@sample("take")
def _take(rng):
    return [((fl(rng, (5, 3)), it(rng, (4,), np.intp, -5, 5)), {"axis": 0}),
            ((fl(rng, (2, 4), f32), it(rng, (2, 2), np.intp, 0, 4)), {"axis": 1}),
            ((it(rng, (3, 4, 2)), it(rng, (), np.intp, -4, 4)), {"axis": 1}),
            ((fl(rng, (6,)), it(rng, (3,), i32, 0, 6)), {"axis": 0})]


@sample("stop_gradient")
def _stop_gradient(rng):
    return [((fl(rng, (3,), f32),), {}), ((fl(rng, (2, 3)),), {}), ((it(rng, ()),), {})]


# ------------------------------------------------------------------------ bits


@sample("bitwise_count")
def _bitwise_count(rng):
    return [((it(rng, (4,), i64, -100, 100),), {}), ((it(rng, (2, 3), i32, 0, 1000),), {}),
            ((it(rng, (3,), np.dtype(np.uint8), 0, 256),), {})]


@sample("frexp")
def _frexp(rng):
    return [((fl(rng, (4,), f64, -100, 100),), {}), ((specials(rng, (2, 3), f32),), {}),
            ((fl(rng, ()),), {})]


@sample("bitcast")
def _bitcast(rng):
    return [((fl(rng, (2, 3), f32),), {"dtype": i32}),            # same item size
            ((fl(rng, (3,)),), {"dtype": np.dtype(np.uint8)}),    # last axis grows
            ((it(rng, (2, 8), np.dtype(np.uint8), 0, 256),), {"dtype": f32}),  # shrinks
            ((fl(rng, ()),), {"dtype": i64})]


# ------------------------------------------------------------------ searching


def _sorted(rng, shape, dtype=f64):
    return np.sort(it(rng, shape, i64, -4, 5), axis=-1).astype(dtype)


@sample("searchsorted")
def _searchsorted(rng):
    return [((_sorted(rng, (6,)), it(rng, (4,), i64, -5, 6).astype(f64)), {"side": "left"}),
            ((_sorted(rng, (6,)), it(rng, (2, 3), i64, -5, 6).astype(f64)), {"side": "right"}),
            ((_sorted(rng, (2, 5), f32), it(rng, (2, 3), i64, -5, 6).astype(f32)),
             {"side": "left"}),
            ((_sorted(rng, (5,), i64), it(rng, (), i64, -5, 6)), {"side": "right"})]


@sample("bincount")
def _bincount(rng):
    return [((it(rng, (6,), i64, -1, 6),), {"length": 5}),
            ((it(rng, (5,), i32, 0, 4), fl(rng, (5,))), {"length": 4}),
            ((it(rng, (2, 6), i64, 0, 3),), {"length": 3}),
            ((it(rng, (0,), i64, 0, 3),), {"length": 2})]


# ---------------------------------------------------------------------- random


def _u32(rng, shape):
    return np.asarray(rng.integers(0, 2 ** 32, size=shape, dtype=np.uint64)).astype(np.uint32)


@sample("threefry2x32")
def _threefry2x32(rng):
    return [((_u32(rng, ()), _u32(rng, ()), _u32(rng, (4,)), _u32(rng, (4,))), {}),
            ((_u32(rng, (3,)), _u32(rng, (3,)), _u32(rng, (3,)), _u32(rng, (3,))), {}),
            ((_u32(rng, (2, 1)), _u32(rng, (2, 1)), _u32(rng, (3,)), _u32(rng, ())), {})]


# ------------------------------------------------------------------------- fft


@sample("fft")
def _fft(rng):
    p = lambda kind, axes, norm="backward", n=None: {  # noqa: E731
        "kind": kind, "axes": axes, "norm": norm, "n": n}
    return [((cx(rng, (4,)),), p("fft", (0,))),
            ((cx(rng, (2, 4), c64),), p("ifft", (0, 1), "ortho")),
            ((fl(rng, (6,)),), p("rfft", (0,), n=6)),
            ((fl(rng, (3, 5), f32),), p("rfft", (0, 1), "forward", n=5)),
            ((cx(rng, (2, 4)),), p("irfft", (1,), n=6)),
            ((cx(rng, (3, 2, 3)),), p("fft", (2, 0)))]


# ---------------------------------------------------------------------- linalg


def _wellcond(rng, shape, dtype=f64):
    """Matrices with a dominant diagonal (far from singular)."""
    n = shape[-1]
    return (fl(rng, shape, f64, -1, 1) + 3 * np.eye(n)).astype(dtype)


def _spd(rng, shape, dtype=f64):
    a = fl(rng, shape, f64, -1, 1)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


@sample("inv", "det", "slogdet", "eig", "eigvals")
def _square_matrix(rng):
    return [((_wellcond(rng, (3, 3)),), {}), ((_wellcond(rng, (2, 2), f32),), {}),
            ((_wellcond(rng, (2, 3, 3)),), {})]


@sample("solve")
def _solve(rng):
    return [((_wellcond(rng, (3, 3)), fl(rng, (3, 2))), {}),
            ((_wellcond(rng, (2, 2), f32), fl(rng, (2, 1), f32)), {}),
            ((_wellcond(rng, (2, 3, 3)), fl(rng, (3, 1))), {})]


@sample("cholesky")
def _cholesky(rng):
    return [((_spd(rng, (3, 3)),), {"upper": False}), ((_spd(rng, (2, 2), f32),), {"upper": True}),
            ((_spd(rng, (2, 3, 3)),), {"upper": False})]


@sample("eigh", "eigvalsh")
def _eigh(rng):
    return [((_spd(rng, (3, 3)),), {"UPLO": "L"}), ((_spd(rng, (2, 2), f32),), {"UPLO": "U"}),
            ((_spd(rng, (2, 3, 3)),), {"UPLO": "L"})]


@sample("qr")
def _qr(rng):
    return [((fl(rng, (4, 3)),), {"mode": "reduced"}),
            ((fl(rng, (3, 3), f32),), {"mode": "complete"}),
            ((fl(rng, (2, 3, 4)),), {"mode": "complete"})]


@sample("lu")
def _lu(rng):
    # distinct pivots with margin, so finite differences never cross a pivot change;
    # square only: the JVP is for square matrices (test_lax_api checks rectangular values)
    return [((_wellcond(rng, (3, 3)),), {}), ((_wellcond(rng, (2, 2), f32),), {}),
            ((_wellcond(rng, (2, 3, 3)),), {})]


@sample("svd")
def _svd(rng):
    p = lambda full, uv, herm=False: {  # noqa: E731
        "full_matrices": full, "compute_uv": uv, "hermitian": herm}
    # full_matrices=True on a square input: for a non-square one the extra columns of U
    # or V are not unique, so (as in JAX) it has no derivative
    return [((fl(rng, (4, 3)),), p(False, True)), ((fl(rng, (3, 3), f32),), p(True, True)),
            ((fl(rng, (2, 3, 4)),), p(False, False)), ((_spd(rng, (3, 3)),), p(False, False, True))]


@sample("pinv")
def _pinv(rng):
    return [((fl(rng, (4, 3)),), {"rcond": 1e-15, "hermitian": False}),
            ((fl(rng, (2, 3), f32),), {"rcond": 1e-6, "hermitian": False}),
            ((_spd(rng, (3, 3)),), {"rcond": 1e-15, "hermitian": True})]


# ----------------------------------------------------- user derivative rules
# The flat functions a custom_jvp / custom_vjp call binds (module-level, so
# every draw of the samples has the same parameters).


def _cd_fun(x, y):
    import vmapx.numpy as jnp
    return [jnp.sin(x) * y, x + 1.0]


def _cd_jvp(primals, tangents):
    import vmapx.numpy as jnp
    (x, y), (tx, ty) = primals, tangents
    return _cd_fun(x, y), [jnp.cos(x) * y * tx + jnp.sin(x) * ty, tx]


def _cd_fwd(perturbed, x, y):
    # The flat fwd parameter of custom_vjp_call: which operands carry tangents, then them.
    return _cd_fun(x, y), [x, y]


def _cd_bwd(res, cts):
    import vmapx.numpy as jnp
    (x, y), (c0, c1) = res, cts
    return [c0 * jnp.cos(x) * y + c1, c0 * jnp.sin(x)]


@sample("custom_jvp_call")
def _custom_jvp_call(rng):
    return [((fl(rng, (3,)), fl(rng, (3,))), {"fun": _cd_fun, "jvp": _cd_jvp}),
            ((fl(rng, (2, 3), f32), fl(rng, (3,), f32)), {"fun": _cd_fun, "jvp": _cd_jvp})]


@sample("custom_vjp_call")
def _custom_vjp_call(rng):
    # Same-shaped operands: the user's bwd returns cotangents of the operands' shapes.
    return [((fl(rng, (3,)), fl(rng, (3,))), {"fun": _cd_fun, "fwd": _cd_fwd, "bwd": _cd_bwd}),
            ((fl(rng, (2, 3), f32), fl(rng, (2, 3), f32)),
             {"fun": _cd_fun, "fwd": _cd_fwd, "bwd": _cd_bwd})]


def _cv_rule(axis_size, in_batched, xs):
    # The natural batching of _cd_fun (elementwise): unbatched operands broadcast.
    import vmapx.numpy as jnp
    x, y = (v if b else jnp.broadcast_to(v, (axis_size,) + v.shape)
            for v, b in zip(xs, in_batched, strict=True))
    return _cd_fun(x, y), [True, True]


@sample("custom_vmap_call")
def _custom_vmap_call(rng):
    return [((fl(rng, (3,)), fl(rng, (3,))), {"fun": _cd_fun, "rule": _cv_rule}),
            ((fl(rng, (2, 3), f32), fl(rng, (2, 3), f32)), {"fun": _cd_fun, "rule": _cv_rule})]


# ------------------------------------------------------------ gather / scatter
# Index templates: int, None (new axis), ("s", start, stop, step), ("a", k) for
# the k-th index array operand.

_ALL = ("s", None, None, None)


def _ix(rng, shape, n, lo=None):
    return it(rng, shape, np.dtype(np.intp), -n if lo is None else lo, n)


def _unique_ix(rng, count, n):
    return np.asarray(rng.permutation(n)[:count]).astype(np.intp)


@sample("gather")
def _gather(rng):
    return [((fl(rng, (5, 3)), _ix(rng, (4,), 5)), {"index": (("a", 0),)}),
            ((fl(rng, (4, 5), f32), _ix(rng, (2, 3), 5, 0)), {"index": (_ALL, ("a", 0))}),
            ((it(rng, (3, 4, 5)), _ix(rng, (2,), 3), _ix(rng, (2,), 5)),
             {"index": (("a", 0), _ALL, ("a", 1))}),
            ((fl(rng, (3, 4, 5)), _ix(rng, (2,), 4)),
             {"index": (1, ("a", 0), ("s", None, None, 2))}),
            ((fl(rng, (3, 4)), _ix(rng, (2, 1), 3), _ix(rng, (3,), 4)),
             {"index": (None, ("a", 0), ("a", 1))}),
            ((fl(rng, (4, 3)),), {"index": (("s", 1, None, None), -1)})]


@sample("scatter")
def _scatter(rng):
    return [((fl(rng, (5, 3)), fl(rng, (3, 3)), _unique_ix(rng, 3, 5)),
             {"index": (("a", 0),), "mode": "set"}),
            ((fl(rng, (5,)), fl(rng, (4,)), _ix(rng, (4,), 5)),  # duplicates accumulate
             {"index": (("a", 0),), "mode": "add"}),
            ((fl(rng, (4, 5), f32), fl(rng, (), f32), _ix(rng, (3,), 5)),
             {"index": (_ALL, ("a", 0)), "mode": "mul"}),
            ((fl(rng, (3, 4)), fl(rng, (2,)), _ix(rng, (2,), 3), _ix(rng, (2,), 4)),
             {"index": (("a", 0), ("a", 1)), "mode": "max"}),
            ((fl(rng, (4, 5)), fl(rng, (2, 5))), {"index": (("s", 1, 3, None),), "mode": "min"}),
            ((it(rng, (6,)), it(rng, (3,)), _ix(rng, (3,), 6)),
             {"index": (("a", 0),), "mode": "add"})]


# ------------------------------------------------- lax.gather / lax.scatter
# XLA's general gather/scatter (``prims/gather_scatter.py``); index vectors on
# the last axis of the indices.


def _gs():
    from vmapx._src.prims import gather_scatter as gs
    return gs


@sample("lax_gather")
def _lax_gather(rng):
    gs = _gs()
    G, M = gs.GatherDimensionNumbers, gs.GatherScatterMode

    def p(dn, sizes, mode=M.CLIP, fill=None):
        return {"dimension_numbers": dn, "slice_sizes": sizes, "mode": mode, "fill_value": fill,
                "indices_are_sorted": False, "unique_indices": False}
    return [
        ((fl(rng, (5,)), it(rng, (2, 1), i64, 0, 5)), p(G((), (0,), (0,)), (1,))),
        ((fl(rng, (10,), f32), it(rng, (3, 1), i32, -2, 12)), p(G((1,), (), (0,)), (2,))),
        ((fl(rng, (6, 5)), it(rng, (3, 2), i64, -1, 7)),  # some windows out of bounds
         p(G((1,), (0,), (0, 1)), (1, 3), M.FILL_OR_DROP, 0.0)),
        ((it(rng, (6, 5)), it(rng, (3, 2), i64, -1, 7)),
         p(G((1,), (0,), (0, 1)), (1, 3), M.FILL_OR_DROP)),
        ((fl(rng, (2, 5)), it(rng, (2, 2, 1), i64, 0, 5)),
         p(G((), (1,), (1,), (0,), (0,)), (1, 1))),
        ((cx(rng, (2, 3, 10)), it(rng, (3, 2, 1), i64, 0, 8)),
         p(G((2,), (), (2,), (0, 1), (1, 0)), (1, 1, 3), M.PROMISE_IN_BOUNDS)),
        ((fl(rng, (4, 6)), it(rng, (2, 3, 1), i64, 0, 6)),  # window axis before the batch
         p(G((0,), (1,), (1,)), (4, 1)))]


@sample("lax_scatter")
def _lax_scatter(rng):
    gs = _gs()
    S, M = gs.ScatterDimensionNumbers, gs.GatherScatterMode

    def p(dn, kind, mode=M.FILL_OR_DROP):
        return {"dimension_numbers": dn, "kind": kind, "mode": mode,
                "indices_are_sorted": False, "unique_indices": False}
    one = S((), (0,), (0,))
    return [
        ((fl(rng, (5,)), _unique_ix(rng, 3, 5).astype(i64)[:, None], fl(rng, (3,))),
         p(one, "set")),
        ((fl(rng, (5,)), it(rng, (4, 1), i64, -1, 6), fl(rng, (4,))), p(one, "add")),
        ((fl(rng, (10,), f32), it(rng, (3, 1), i32, 0, 12), fl(rng, (3, 2), f32)),
         p(S((1,), (), (0,)), "add", M.CLIP)),
        ((fl(rng, (6, 5)), it(rng, (3, 1), i64, 0, 6), nonzero(rng, (3, 3))),
         p(S((1,), (0,), (0,)), "mul")),
        ((fl(rng, (2, 5)), it(rng, (2, 2, 1), i64, 0, 5), fl(rng, (2, 2))),
         p(S((), (1,), (1,), (0,), (0,)), "max")),
        ((fl(rng, (2, 3, 10)), it(rng, (3, 2, 1), i64, 0, 8), fl(rng, (3, 2, 3))),
         p(S((2,), (), (2,), (0, 1), (1, 0)), "min", M.CLIP)),
        ((it(rng, (6,)), it(rng, (3, 1), i64, 0, 6), it(rng, (3,))), p(one, "add"))]


# ------------------------------------------------- reduce_precision / mulhi


@sample("reduce_precision")
def _reduce_precision(rng):
    # Only precisions the dtype already has: rounding to fewer bits is piecewise
    # constant, which the derivative harness cannot check (JAX calls it linear);
    # test_lax_api checks the rounding itself.
    return [((fl(rng, (3,)),), {"exponent_bits": 11, "mantissa_bits": 52}),
            ((fl(rng, (2, 3), f32, -1e3, 1e3),), {"exponent_bits": 8, "mantissa_bits": 23}),
            ((cx(rng, (2,), c64),), {"exponent_bits": 8, "mantissa_bits": 23})]


@sample("mulhi")
def _mulhi(rng):
    big = np.iinfo(np.int64)
    return [((it(rng, (3,), i32, -2**31, 2**31 - 1), it(rng, (3,), i32, -2**31, 2**31 - 1)),
             {}),
            ((it(rng, (2, 3), i64, big.min, big.max), it(rng, (3,), i64, big.min, big.max)), {}),
            ((it(rng, (3,), np.dtype(np.uint64), 0, big.max).astype(np.uint64) * np.uint64(2),
              it(rng, (3,), np.dtype(np.uint64), 0, big.max)), {})]


# ------------------------------------------------------------------- lu


@sample("lu_pivots_to_permutation")
def _lu_pivots(rng):
    return [((np.asarray([rng.integers(j, 4) for j in range(3)], np.int32),),
             {"permutation_size": 4}),
            ((np.asarray([[rng.integers(j, 3) for j in range(3)] for _ in range(2)],
                         np.int32),), {"permutation_size": 3})]


# ------------------------------------------------------------ control flow
# Higher-order primitives hold staged bodies (ClosedJaxprs).  The bodies are
# staged once per operand signature and cached, so every draw of a case has
# the very same parameters.

@functools.lru_cache(maxsize=None)
def _staged(body, sig):
    """``body`` (flat: arrays in, list out) staged at ``sig`` ((shape, dtype) pairs)."""
    from vmapx._src.core import ShapedArray
    from vmapx._src.staging import trace_to_jaxpr
    return trace_to_jaxpr(body, [ShapedArray(tuple(s), np.dtype(d)) for s, d in sig])


def _sig(*arrays):
    return tuple((np.shape(a), np.result_type(a).str) for a in arrays)


def _jit_body(x, y):
    import vmapx.numpy as jnp
    return [jnp.sin(x) * y, jnp.sum(x)]


@sample("jit")
def _jit(rng):
    cases = []
    for x, y in [(fl(rng, (3,)), fl(rng, (3,))), (fl(rng, (2, 3), f32), fl(rng, (3,), f32))]:
        cases.append(((x, y), {"jaxpr": _staged(_jit_body, _sig(x, y)), "name": "body"}))
    return cases


def _branch_scale(x, y):
    return [x * y]


def _branch_sin(x, y):
    import vmapx.numpy as jnp
    return [jnp.sin(x) + y]


def _branch_sub(x, y):
    return [x - 2.0 * y]


@sample("cond")
def _cond(rng):
    # The index is an operand: mapped, it selects a branch per example (out-of-range
    # values are clamped, as in JAX).
    cases = []
    for x, y, n in [(fl(rng, (3,)), fl(rng, ()), 3), (fl(rng, (2, 2), f32), fl(rng, (2,), f32), 2)]:
        sig = _sig(x, y)
        branches = tuple(_staged(b, sig) for b in (_branch_scale, _branch_sin, _branch_sub)[:n])
        index = it(rng, (), i32, -1, n + 1)
        cases.append(((index, x, y), {"branches": branches}))
    return cases


def _while_cond(limit, i, x):
    return [i < limit]


def _while_body(i, x):
    return [i + 1, x * 1.5 + 0.25]


@sample("while")
def _while(rng):
    # Per-example trip counts differ: a mapped predicate runs until all are done.
    cases = []
    for x in (fl(rng, (3,)), fl(rng, (2, 2), f32)):
        limit, i0 = it(rng, (), i64, 0, 5), it(rng, (), i64, 0, 3)
        cases.append(((limit, i0, x),
                      {"cond_jaxpr": _staged(_while_cond, _sig(limit, i0, x)),
                       "body_jaxpr": _staged(_while_body, _sig(i0, x)),
                       "cond_nconsts": 1, "body_nconsts": 0}))
    return cases


def _scan_body(scale, c, x):
    import vmapx.numpy as jnp
    return [c * 0.5 + x * scale, jnp.sum(c) + x]


@sample("scan")
def _scan(rng):
    cases = []
    for dt, reverse in ((f64, False), (f32, True)):
        scale, c0, xs = fl(rng, (3,), dt), fl(rng, (3,), dt), fl(rng, (4, 3), dt)
        cases.append(((scale, c0, xs),
                      {"jaxpr": _staged(_scan_body, _sig(scale, c0, xs[0])), "num_consts": 1,
                       "num_carry": 1, "length": 4, "reverse": reverse}))
    return cases


import samples_special  # noqa: E402,F401  (registers the special-function samples)
import samples_callbacks  # noqa: E402,F401  (registers the pure_callback samples)
import samples_conv  # noqa: E402,F401  (registers the convolution / windowed-reduction samples)
import samples_implicit  # noqa: E402,F401  (registers the custom_linear_solve samples)
import samples_scipy_linalg  # noqa: E402,F401  (registers the schur / hessenberg samples)


def _ckpt_linear_body(r, t):
    import vmapx.numpy as jnp
    return [jnp.cos(r) * t]


@sample("checkpoint")
def _checkpoint(rng):
    import vmapx
    cases = []
    for x, y in [(fl(rng, (3,)), fl(rng, (3,))), (fl(rng, (2, 3), f32), fl(rng, (3,), f32))]:
        for policy in (None, vmapx.checkpoint_policies.everything_saveable):
            cases.append(((x, y), {"jaxpr": _staged(_jit_body, _sig(x, y)),
                                   "prevent_cse": True, "policy": policy}))
    return cases


@sample("checkpoint_linear")
def _checkpoint_linear(rng):
    # the first n_res operands are kept values, the rest tangents
    return [((r, t), {"jaxpr": _staged(_ckpt_linear_body, _sig(r, t)), "n_res": 1})
            for r, t in [(fl(rng, (3,)), fl(rng, (3,))),
                         (fl(rng, (2, 3), f32), fl(rng, (2, 3), f32))]]


@sample("name")
def _name(rng):
    return [((fl(rng, (3,)),), {"name": "a"}), ((it(rng, (2, 2)),), {"name": "b"})]
