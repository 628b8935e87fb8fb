"""Differentiation rules, generated from the primitive registry.

For every registered primitive with samples (``samples.py``) and a float
output, at jittered sample inputs:

* forward mode: ``jvp`` against central finite differences, with tangents of
  the output's shape and dtype;
* reverse mode: ``vjp`` against ``jvp`` by the dot-product test
  ``Re<ct, J t> == Re<J^T ct, t>`` (JAX's transpose convention);
* second order (float64 cases): ``jvp`` of ``jvp`` against finite differences
  of ``jvp``, ``vjp`` of ``jvp`` by the dot-product test, and ``vjp`` of
  ``vjp`` against finite differences.

Primitives in ``ZERO_DERIVATIVE`` must give zero tangents.  Meta-tests fail
when a primitive lacks a JVP rule (unless listed in ``NO_JVP`` with a reason)
or when a primitive in ``LINEAR`` lacks a transpose rule.
"""
from __future__ import annotations

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx._src import core
from samples import SAMPLES

# Derivative zero wherever defined (integer/boolean outputs, step functions).
ZERO_DERIVATIVE = {
    "sign", "floor", "ceil", "rint", "trunc", "spacing", "nextafter", "heaviside",
    "floor_divide", "isnan", "isinf", "isfinite", "signbit", "logical_not", "invert",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
    "right_shift", "gcd", "lcm", "argmax", "argmin", "argsort", "reduce_any", "reduce_all",
    "bitwise_count", "searchsorted", "bitcast", "threefry2x32", "stop_gradient",
}

# Forward mode is an error by design (as in JAX): reverse mode is checked
# against finite differences instead of against jvp.
NO_FORWARD = {"custom_vjp_call"}

# Reverse mode is an error by design (as in JAX: a custom batching rule has no
# linearization); forward mode is checked.
NO_REVERSE = {"custom_vmap_call"}

# Registered primitives that have no JVP rule, and why.
NO_JVP = {
    "pmax": "not differentiable, as in JAX ('Differentiation rule for pmax not implemented')",
    "pmin": "not differentiable, as in JAX",
    "axis_index": "takes no operands: never reaches a JVP trace",
    "axis_size": "takes no operands: never reaches a JVP trace",
    "custom_lin": "the linear placeholder of custom_vjp: only ever transposed",
    "pure_callback": "not differentiable, as in JAX ('Pure callbacks do not support JVP')",
    "io_callback": "not differentiable, as in JAX ('IO callbacks do not support JVP')",
    "schur": "not differentiable, as in JAX ('Differentiation rule for schur not implemented')",
    "hessenberg": "not differentiable, as in JAX (no differentiation rule for hessenberg)",
}

# Primitives linear in (some of) their operands: they must have a transpose rule.
LINEAR = {
    "add", "subtract", "negative", "positive", "multiply", "divide", "conjugate", "real",
    "imag", "convert_element_type", "where", "transpose", "reshape", "broadcast_in_dim",
    "squeeze", "concatenate", "pad", "rev", "static_index", "reduce_sum", "cumsum",
    "dot_general", "einsum", "take", "gather", "scatter", "psum", "all_gather", "ppermute",
    "all_to_all", "psum_scatter", "custom_lin", "conv_general_dilated", "reduce_window_sum",
    "select_and_gather_add", "select_and_scatter_add", "lax_gather", "lax_scatter",
    "reduce_precision",
}

# No finite differences for these (the samples sit where they are not smooth).
NO_FD = {
    "remainder": "samples straddle the jumps of x mod y often enough to be flaky",
    "fmod": "as remainder",
}


def _diff_prims(forward=False, reverse=False):
    return sorted(n for n in SAMPLES if n in core.primitives and n not in ZERO_DERIVATIVE
                  and n not in NO_JVP and not isinstance(core.primitives[n], core.AxisPrimitive)
                  and not (forward and n in NO_FORWARD) and not (reverse and n in NO_REVERSE))


def _is_float(x):
    return isinstance(x, (np.ndarray, np.generic)) and np.result_type(x).kind in "fc"


def _rand_like(rng, x):
    x = np.asarray(x)
    r = rng.standard_normal(x.shape)
    if x.dtype.kind == "c":
        r = r + 1j * rng.standard_normal(x.shape)
    return np.asarray(r).astype(x.dtype)


def _cases(name, seed=0):
    """Sample cases with every float operand jittered (breaks ties at kinks)."""
    rng = np.random.default_rng(seed)
    out = []
    for args, params in SAMPLES[name](np.random.default_rng(seed)):
        args = tuple(np.asarray(a + 1e-3 * _rand_like(rng, a)).astype(np.result_type(a))
                     if _is_float(a) else a for a in args)
        out.append((args, params))
    return out


def _split(prim, args, params):
    """``f(*diff_args)`` binding the primitive with the other operands fixed,
    and the positions of the float operands."""
    pos = [i for i, a in enumerate(args) if _is_float(a)]

    def f(*d):
        full = list(args)
        for i, v in zip(pos, d, strict=True):
            full[i] = v
        out = prim.bind(*full, **params)
        return list(out) if prim.multiple_results else out
    return f, pos


def _float_outs(prim, args, params):
    out = prim.impl(*args, **params)
    outs = out if prim.multiple_results else [out]
    return all(np.result_type(o).kind in "fc" for o in outs)


def _tol(args, outs=()):
    single = any(np.result_type(a) in (np.float32, np.complex64)
                 for a in list(args) + list(outs) if _is_float(a))
    return (1e-3, 3e-2) if single else (1e-6, 1e-5)


def _close(a, b, rtol, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
    err = float(np.max(np.abs(a - b), initial=0.0))
    assert err <= rtol * scale, f"{what}: max error {err:.3g} (scale {scale:.3g})\n{a}\n{b}"


def _finite_difference(f, primals, tangents, eps):
    up = f(*[np.asarray(p + eps * t).astype(p.dtype) for p, t in zip(primals, tangents)])
    dn = f(*[np.asarray(p - eps * t).astype(p.dtype) for p, t in zip(primals, tangents)])
    if isinstance(up, list):
        return [(np.asarray(u, np.complex128) - d) / (2 * eps) for u, d in zip(up, dn)]
    return (np.asarray(up, np.complex128) - dn) / (2 * eps)


def _tree_dot(a, b):
    a = a if isinstance(a, list) else [a]
    b = b if isinstance(b, list) else [b]
    return sum(float(np.real(np.sum(np.asarray(x, np.complex128) * np.asarray(y))))
               for x, y in zip(a, b, strict=True))


# ------------------------------------------------------------------ meta-tests


def test_every_primitive_has_a_jvp_rule_or_a_stated_reason():
    missing = sorted(n for n, p in core.primitives.items() if p.jvp is None and n not in NO_JVP)
    assert not missing, f"primitives without a JVP rule: {missing}"


def test_every_linear_primitive_has_a_transpose_rule():
    registered = {n for n in LINEAR if n in core.primitives}
    missing = sorted(n for n in registered if core.primitives[n].transpose is None)
    assert not missing, f"linear primitives without a transpose rule: {missing}"


def test_jvp_exemptions_name_registered_primitives():
    assert set(NO_JVP) <= set(core.primitives)


# ------------------------------------------------------- zero derivatives


@pytest.mark.parametrize("name", sorted(n for n in ZERO_DERIVATIVE if n in SAMPLES
                                        and n in core.primitives))
def test_zero_derivative_primitives_give_zero_tangents(name):
    prim = core.primitives[name]
    for args, params in _cases(name):
        f, pos = _split(prim, args, params)
        if not pos:
            continue
        primals = tuple(args[i] for i in pos)
        tangents = tuple(np.ones_like(p) for p in primals)
        out, tan = vmapx.jvp(f, primals, tangents)
        for o, t in zip(out if isinstance(out, list) else [out],
                        tan if isinstance(tan, list) else [tan], strict=True):
            t = np.asarray(t)
            assert t.shape == np.shape(o)
            if t.dtype != vmapx.float0:
                assert not np.any(t), f"{name}: nonzero tangent {t}"


# -------------------------------------------------------------- first order


@pytest.mark.parametrize("name", _diff_prims(forward=True))
def test_jvp_matches_finite_differences(name):
    prim = core.primitives[name]
    rng = np.random.default_rng(1)
    checked = 0
    for args, params in _cases(name):
        if not _float_outs(prim, args, params):
            continue
        f, pos = _split(prim, args, params)
        if not pos:
            continue
        primals = tuple(args[i] for i in pos)
        tangents = tuple(_rand_like(rng, p) for p in primals)
        out, tan = vmapx.jvp(f, primals, tangents)
        outs = out if isinstance(out, list) else [out]
        tans = tan if isinstance(tan, list) else [tan]
        for o, t in zip(outs, tans, strict=True):
            assert np.shape(t) == np.shape(o) and np.result_type(t) == np.result_type(o), \
                f"{name}{params}: tangent {np.result_type(t)}{np.shape(t)} for output " \
                f"{np.result_type(o)}{np.shape(o)}"
        if name in NO_FD:
            continue
        eps, rtol = _tol(args, outs)
        up = f(*[np.asarray(p + eps * t).astype(p.dtype) for p, t in zip(primals, tangents)])
        dn = f(*[np.asarray(p - eps * t).astype(p.dtype) for p, t in zip(primals, tangents)])
        ups, dns = (up, dn) if isinstance(up, list) else ([up], [dn])
        for t, u, d in zip(tans, ups, dns, strict=True):
            fd = (np.asarray(u, np.complex128) - np.asarray(d)) / (2 * eps)
            if np.asarray(t).dtype.kind != "c":
                fd = fd.real
            _close(t, fd, rtol, f"{name}{params} jvp vs finite differences")
        checked += 1
    assert checked or name in NO_FD or not any(
        _float_outs(core.primitives[name], a, p) for a, p in _cases(name))


@pytest.mark.parametrize("name", _diff_prims(reverse=True))
def test_vjp_is_the_transpose_of_jvp(name):
    prim = core.primitives[name]
    rng = np.random.default_rng(2)
    for args, params in _cases(name):
        if not _float_outs(prim, args, params):
            continue
        f, pos = _split(prim, args, params)
        if not pos:
            continue
        primals = tuple(args[i] for i in pos)
        tangents = tuple(_rand_like(rng, p) for p in primals)
        if name in NO_FORWARD:
            tan = _finite_difference(f, primals, tangents, _tol(args)[0])
        else:
            _, tan = vmapx.jvp(f, primals, tangents)
        out, f_vjp = vmapx.vjp(f, *primals)
        ct = [_rand_like(rng, o) for o in out] if isinstance(out, list) else _rand_like(rng, out)
        cts = f_vjp(ct)
        for c, p in zip(cts, primals, strict=True):
            assert c.shape == p.shape and c.dtype == p.dtype, \
                f"{name}{params}: cotangent {c.dtype}{c.shape} for input {p.dtype}{p.shape}"
        lhs = _tree_dot(ct, tan)
        rhs = _tree_dot(list(cts), list(tangents))
        rtol = _tol(args)[1]
        assert abs(lhs - rhs) <= rtol * max(1.0, abs(lhs)), f"{name}{params}: {lhs} != {rhs}"


# ------------------------------------------------------------- second order


def _second_order_cases(name):
    prim = core.primitives[name]
    for args, params in _cases(name):
        if not _float_outs(prim, args, params) or _tol(args)[1] > 1e-4:
            continue
        f, pos = _split(prim, args, params)
        if pos:
            yield f, tuple(args[i] for i in pos), params


@pytest.mark.parametrize("name", [n for n in _diff_prims(forward=True) if n not in NO_FD])
def test_second_order_forward_and_reverse(name):
    rng = np.random.default_rng(3)
    for f, primals, params in list(_second_order_cases(name))[:2]:
        t1 = tuple(_rand_like(rng, p) for p in primals)
        t2 = tuple(_rand_like(rng, p) for p in primals)

        def df(*xs):  # x -> J(x) t1
            return vmapx.jvp(f, xs, t1)[1]

        _, ddf = vmapx.jvp(df, primals, t2)
        eps = 1e-5
        up = df(*[p + eps * t for p, t in zip(primals, t2)])
        dn = df(*[p - eps * t for p, t in zip(primals, t2)])
        ups, dns = (up, dn) if isinstance(up, list) else ([up], [dn])
        dds = ddf if isinstance(ddf, list) else [ddf]
        for d, u, w in zip(dds, ups, dns, strict=True):
            fd = (np.asarray(u, np.complex128) - np.asarray(w)) / (2 * eps)
            if np.asarray(d).dtype.kind != "c":
                fd = fd.real
            _close(d, fd, 1e-4, f"{name}{params} second-order jvp vs finite differences")
        if name in NO_REVERSE:
            with pytest.raises(ValueError, match="Linearization failed"):
                vmapx.vjp(df, *primals)
            continue
        out, f_vjp = vmapx.vjp(df, *primals)
        ct = [_rand_like(rng, o) for o in out] if isinstance(out, list) else _rand_like(rng, out)
        lhs = _tree_dot(ct, ddf)
        rhs = _tree_dot(list(f_vjp(ct)), list(t2))
        assert abs(lhs - rhs) <= 1e-6 * max(1.0, abs(lhs)), f"{name}{params}: {lhs} != {rhs}"

        # reverse over reverse: x -> Re<J(x)^T ct, t1>, differentiated by vjp in direction t2
        def pulled(*xs):
            cts = vmapx.vjp(f, *xs)[1](ct)
            return sum(jnp.real(jnp.sum(c * t)) for c, t in zip(cts, t1, strict=True))

        _, f2 = vmapx.vjp(pulled, *primals)
        rr = _tree_dot(list(f2(np.ones(()))), list(t2))
        fd = (pulled(*[p + eps * t for p, t in zip(primals, t2)])
              - pulled(*[p - eps * t for p, t in zip(primals, t2)])) / (2 * eps)
        assert abs(rr - float(fd)) <= 1e-4 * max(1.0, abs(rr)), f"{name}{params}: {rr} != {fd}"
