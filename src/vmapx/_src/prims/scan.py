"""The ``scan`` primitive (``lax.scan``, ``lax.map``, and ``lax.fori_loop``
with a static trip count).  Carries become batched as far as the body makes
them (a fixpoint); the JVP splits the body into a primal scan returning
residuals and a linear scan, whose transpose runs in the opposite direction.
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray, get_aval
from ..staging import eval_jaxpr, hoist_tracer_consts, trace_to_jaxpr
from ..derived_jaxprs import batch_jaxpr, cache_derived
from ..ir import ClosedJaxpr, Jaxpr, Var
from ..autodiff import add_tangents, is_undefined
from ..batching import bdim_to_front, broadcast_batched, moveaxis
from ..jit_program import native_scan
from .control_bodies import _runner, _dealias, _zeros, _is_diff, linearize_jaxpr, transpose_jaxpr


def _scan_split(args, num_consts, num_carry):
    return (list(args[:num_consts]), list(args[num_consts:num_consts + num_carry]),
            list(args[num_consts + num_carry:]))


def _scan_impl(*args, jaxpr, num_consts, num_carry, length, reverse, unroll=1):
    native = native_scan(jaxpr, num_consts, num_carry, length, len(args) - num_consts - num_carry)
    if native is not None:   # a fori_loop: one fused kernel (vmapx[fast])
        return native(*args)
    consts, carry, xs = _scan_split(args, num_consts, num_carry)
    body = _runner(jaxpr)
    ys = [np.empty((length,) + tuple(a.shape), a.dtype) for a in jaxpr.out_avals[num_carry:]]
    xs = [np.asarray(x) for x in xs]
    for i in (range(length - 1, -1, -1) if reverse else range(length)):
        out = body(*consts, *carry, *[x[i] for x in xs])
        carry = out[:num_carry]
        for buf, y in zip(ys, out[num_carry:], strict=True):
            buf[i] = y
    return _dealias(carry, args) + ys


def _scan_abstract(*avals, jaxpr, num_consts, num_carry, length, reverse, unroll=1):
    outs = jaxpr.out_avals
    return list(outs[:num_carry]) + [ShapedArray((length,) + tuple(a.shape), a.dtype,
                                                 a.weak_type) for a in outs[num_carry:]]


def _scan_batch(axis, vals, dims, *, jaxpr, num_consts, num_carry, length, reverse, unroll=1):
    consts, init, xs = _scan_split(vals, num_consts, num_carry)
    cd, initd, xsd = _scan_split(dims, num_consts, num_carry)
    consts = [v if d is None else bdim_to_front(v, d) for v, d in zip(consts, cd, strict=True)]
    xs = [v if d is None else moveaxis(v, d, 1) for v, d in zip(xs, xsd, strict=True)]
    cdims = [None if d is None else 0 for d in cd]
    xdims = [None if d is None else 0 for d in xsd]
    carry_b = [d is not None for d in initd]
    while True:
        in_dims = cdims + [0 if b else None for b in carry_b] + xdims
        _, out_dims = batch_jaxpr(jaxpr, in_dims, axis)
        new = [b or d is not None for b, d in zip(carry_b, out_dims[:num_carry], strict=True)]
        if new == carry_b:
            break
        carry_b = new
    car = [0 if b else None for b in carry_b]
    ny = len(jaxpr.out_avals) - num_carry
    body_b, out_dims = batch_jaxpr(jaxpr, cdims + car + xdims, axis, car + [None] * ny)
    init = [broadcast_batched(v, d, axis.size) if b else v
            for v, d, b in zip(init, initd, carry_b, strict=True)]
    out = scan_p.bind(*consts, *init, *xs, jaxpr=body_b, num_consts=num_consts,
                      num_carry=num_carry, length=length, reverse=reverse, unroll=unroll)
    y_dims = [None if d is None else d + 1 for d in out_dims[num_carry:]]
    return out, car + y_dims


def _scan_jvp(primals, tangents, *, jaxpr, num_consts, num_carry, length, reverse, unroll=1):
    """Split into a primal scan that also stacks the residuals of each step
    and a linear scan over the residuals and the tangents."""
    nc, ncar = num_consts, num_carry
    ny = len(jaxpr.out_avals) - ncar
    nz = [t is not None and _is_diff(get_aval(p)) for p, t in zip(primals, tangents, strict=True)]
    if not any(nz):
        return scan_p.bind(*primals, jaxpr=jaxpr, num_consts=nc, num_carry=ncar, length=length,
                           reverse=reverse, unroll=unroll), [None] * (ncar + ny)
    consts_nz, carry_nz, xs_nz = _scan_split(nz, nc, ncar)
    while True:
        lz = linearize_jaxpr(jaxpr, consts_nz + carry_nz + xs_nz)
        new = [a or b for a, b in zip(carry_nz, lz.out_nz[:ncar], strict=True)]
        if new == carry_nz:
            break
        carry_nz = new
    lz = linearize_jaxpr(jaxpr, consts_nz + carry_nz + xs_nz, carry_nz + [False] * ny)
    y_nz = list(lz.out_nz[ncar:])
    # primal scan: carries, ys and the per-step residuals (loop-invariant
    # residuals that are consts of the body are passed on as consts instead)
    known, extra = hoist_tracer_consts(lz.known)
    kj = known.jaxpr
    n_extra = len(extra)
    const_invars = kj.invars[:n_extra + nc]
    res_out = kj.outvars[ncar + ny:]
    invariant = {}
    for r, v in enumerate(res_out):
        if isinstance(v, Var) and v in const_invars:
            invariant[r] = const_invars.index(v)
    stacked = [r for r in range(len(res_out)) if r not in invariant]
    kj2 = Jaxpr(kj.constvars, kj.invars, kj.eqns,
                kj.outvars[:ncar + ny] + [res_out[r] for r in stacked])
    known2 = ClosedJaxpr(kj2, known.consts)
    consts, init, xs = _scan_split(primals, nc, ncar)
    outs = scan_p.bind(*extra, *consts, *init, *xs, jaxpr=known2, num_consts=n_extra + nc,
                       num_carry=ncar, length=length, reverse=reverse, unroll=unroll)
    primal_out = outs[:ncar + ny]
    res_stacked = outs[ncar + ny:]
    all_consts = list(extra) + consts
    res_inv = [all_consts[invariant[r]] for r in sorted(invariant)]
    # linear scan: consts = invariant residuals + const tangents; carry = carry
    # tangents; xs = stacked residuals + xs tangents
    tc, tcar, tx = _scan_split(tangents, nc, ncar)
    t_consts = [t for t, n in zip(tc, consts_nz, strict=True) if n]
    t_init = [t if t is not None else _zeros(get_aval(p))
              for p, t, n in zip(init, tcar, carry_nz, strict=True) if n]
    t_xs = [t for t, n in zip(tx, xs_nz, strict=True) if n]
    lj = lz.lin.jaxpr
    n_res = lz.n_res
    res_vars, t_vars = lj.invars[:n_res], lj.invars[n_res:]
    n_tc, n_tcar = len(t_consts), len(t_init)
    inv_vars = [res_vars[r] for r in sorted(invariant)]
    st_vars = [res_vars[r] for r in stacked]
    invars = (inv_vars + t_vars[:n_tc] + t_vars[n_tc:n_tc + n_tcar] + st_vars
              + t_vars[n_tc + n_tcar:])
    lin = ClosedJaxpr(Jaxpr(lj.constvars, invars, lj.eqns, lj.outvars), lz.lin.consts)
    t_out = scan_p.bind(*res_inv, *t_consts, *t_init, *res_stacked, *t_xs, jaxpr=lin,
                        num_consts=len(res_inv) + n_tc, num_carry=n_tcar, length=length,
                        reverse=reverse, unroll=unroll)
    it = iter(t_out)
    t_res = [next(it) if n else None for n in carry_nz] + [next(it) if n else None for n in y_nz]
    return primal_out, t_res


def _scan_transpose(cts, *args, jaxpr, num_consts, num_carry, length, reverse, unroll=1):
    """Transpose a scan linear in (some of) its consts, its carries and (some
    of) its xs: a scan in the other direction whose carry accumulates the
    const cotangents alongside the carry cotangents, and whose ys are the xs
    cotangents."""
    nc, ncar = num_consts, num_carry
    consts, init, xs = _scan_split(args, nc, ncar)
    c_lin = [is_undefined(c) for c in consts]
    x_lin = [is_undefined(x) for x in xs]
    out_avals = jaxpr.out_avals
    ct_carry = [c if c is not None else _zeros(a)
                for c, a in zip(cts[:ncar], out_avals[:ncar], strict=True)]
    ct_ys = [c if c is not None else np.zeros((length,) + tuple(a.shape), a.dtype)
             for c, a in zip(cts[ncar:], out_avals[ncar:], strict=True)]
    linear = c_lin + [True] * ncar + x_lin
    tj = transpose_jaxpr(jaxpr, linear)     # (nl consts, nl xs, ct carry, ct ys) -> cts
    lin_c_avals = [a for a, lin in zip(jaxpr.in_avals[:nc], c_lin, strict=True) if lin]
    n_lc = len(lin_c_avals)
    n_nlc = nc - n_lc
    n_nlx = len(xs) - sum(x_lin)

    key = ("scan_T", tuple(linear))
    body_t = jaxpr.cache.get(key)
    if body_t is None:

        def body(*a):
            nl_c = a[:n_nlc]
            acc = a[n_nlc:n_nlc + n_lc]
            ctc = a[n_nlc + n_lc:n_nlc + n_lc + ncar]
            nl_x = a[n_nlc + n_lc + ncar:n_nlc + n_lc + ncar + n_nlx]
            cty = a[n_nlc + n_lc + ncar + n_nlx:]
            got = eval_jaxpr(tj.jaxpr, tj.consts, *nl_c, *nl_x, *ctc, *cty)
            g_c, g_carry, g_x = got[:n_lc], got[n_lc:n_lc + ncar], got[n_lc + ncar:]
            return [add_tangents(s, g) for s, g in zip(acc, g_c, strict=True)] + \
                list(g_carry) + list(g_x)

        in_avals = ([a for a, lin in zip(jaxpr.in_avals[:nc], c_lin, strict=True) if not lin]
                    + lin_c_avals + list(out_avals[:ncar])
                    + [a for a, lin in zip(jaxpr.in_avals[nc + ncar:], x_lin, strict=True)
                       if not lin] + list(out_avals[ncar:]))
        body_t = trace_to_jaxpr(body, in_avals)
        cache_derived(jaxpr, key, body_t, body_t)
    body_t, extra = hoist_tracer_consts(body_t)
    nl_consts = [c for c, lin in zip(consts, c_lin, strict=True) if not lin]
    nl_xs = [x for x, lin in zip(xs, x_lin, strict=True) if not lin]
    acc0 = [_zeros(a) for a in lin_c_avals]
    out = scan_p.bind(*extra, *nl_consts, *acc0, *ct_carry, *nl_xs, *ct_ys, jaxpr=body_t,
                      num_consts=len(extra) + n_nlc, num_carry=n_lc + ncar, length=length,
                      reverse=not reverse, unroll=unroll)
    g_consts, g_init, g_xs = out[:n_lc], out[n_lc:n_lc + ncar], out[n_lc + ncar:]
    ic, ix = iter(g_consts), iter(g_xs)
    res = [next(ic) if lin else None for lin in c_lin]
    res += [g if is_undefined(a) else None for g, a in zip(g_init, init, strict=True)]
    res += [next(ix) if lin else None for lin in x_lin]
    return res


scan_p = Primitive("scan", _scan_impl, abstract=_scan_abstract, batch=_scan_batch,
                   jvp=_scan_jvp, transpose=_scan_transpose, multiple_results=True)
