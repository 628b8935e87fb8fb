"""Control-flow primitives: ``cond``, ``while``, ``scan``.

Each holds the ``ClosedJaxpr``s of its bodies (staged by ``vmapx.lax``; values
of enclosing transforms that a body closes over are passed as leading
operands).  The rules transform those bodies:

* impl: run the compiled bodies (``jit_program.runner``) in a Python loop, or pick a
  branch.
* batching: a batched ``cond`` predicate runs every branch on the batch and
  selects (or, on concrete values with expensive branches, runs each branch
  only on its part of the batch); a batched ``while`` predicate iterates until
  every element is done, freezing finished elements with a select; ``scan``
  carries become batched as far as the body makes them (a fixpoint).
* JVP: ``while`` carries tangents along (forward mode only).  ``cond`` on a
  concrete predicate differentiates the chosen branch inline; on a traced one,
  and ``scan`` always, split into a primal part that also returns residuals
  and a *linear* part from the residuals and the tangents, which is what
  reverse mode transposes (their transpose rules run the transposed bodies,
  a ``scan`` in the opposite direction).
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import Primitive, ShapedArray, Tracer, get_aval, AxisData
from ..staging import (ClosedJaxpr, Jaxpr, Var, batch_jaxpr, batched_eval, cache_derived,
                       eval_jaxpr, hoist_tracer_consts, trace_to_jaxpr)
from ..autodiff import add_tangents, backward_pass, is_undefined, jvp_flat, linearize_flat
from ..batching import bdim_to_front, broadcast_batched, moveaxis
from ..jit_program import jit_p, native_scan, native_while, runner
from . import elementwise as ew
from .elementwise import convert_element_type_p
from .reductions import reduce_any_p
from .shapes import reshape_p


def _runner(closed):
    return runner(closed, finish=False)


def _dealias(outs, ins):
    """Outputs never alias the operands (a branch or a loop that returns its
    input, or a view of it): jit may hand a loop pooled buffers, given back
    once the loop is done."""
    res = []
    for o in outs:
        if isinstance(o, np.ndarray):
            for a in ins:
                if o is a or (isinstance(a, np.ndarray) and np.may_share_memory(o, a)):
                    o = o.copy()
                    break
        res.append(o)
    return res


def _zeros(aval):
    return np.zeros(aval.shape, aval.dtype)


def join_branches(branches):
    """Hoist the tracer consts of several jaxprs taking the same operands.

    Returns ``(new_branches, extra)``: each new branch takes ``extra`` (all the
    hoisted values, in order) before the operands and ignores the others'.
    """
    hoisted = [hoist_tracer_consts(b) for b in branches]
    if not any(t for _, t in hoisted):
        return list(branches), []
    extra = [t for _, ts in hoisted for t in ts]
    out = []
    for k, (b, ts) in enumerate(hoisted):
        j = b.jaxpr
        n = len(ts)
        pre = [Var(get_aval(t)) for _, tt in hoisted[:k] for t in tt]
        post = [Var(get_aval(t)) for _, tt in hoisted[k + 1:] for t in tt]
        invars = pre + j.invars[:n] + post + j.invars[n:]
        out.append(ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, j.outvars), b.consts))
    return out, extra


def _is_diff(aval):
    return inputs.is_inexact(np.dtype(aval.dtype))


# ---------------------------------------------------------- linearization


class Linearized:
    """``closed`` split at the tangents of some of its inputs.

    * ``known``: inputs -> outputs + residuals (a ``ClosedJaxpr``).
    * ``lin``: residuals + the nonzero input tangents -> the nonzero output
      tangents; linear in the tangents.
    * ``out_nz``: which outputs have a (nonzero) tangent.
    """
    __slots__ = ("known", "lin", "n_res", "out_nz", "res_avals")

    def __init__(self, known, lin, n_res, out_nz, res_avals):
        self.known, self.lin, self.n_res = known, lin, n_res
        self.out_nz, self.res_avals = out_nz, res_avals


def linearize_jaxpr(closed: ClosedJaxpr, nonzero, instantiate=None) -> Linearized:
    """Linearize ``closed`` with respect to the inputs flagged in ``nonzero``.

    Traced with ``autodiff.linearize_flat`` inside a staging trace: the primal
    computations are staged into ``known``, the tangent ones into ``lin``, and
    the values ``lin`` reads from ``known`` are the residuals.  Output tangents
    flagged in ``instantiate`` are made explicit zeros when they are zero.
    """
    nonzero = tuple(bool(n) for n in nonzero)
    n_out = len(closed.out_avals)
    instantiate = tuple(instantiate) if instantiate is not None else (False,) * n_out
    key = ("lin", nonzero, instantiate)
    hit = closed.cache.get(key)
    if hit is not None:
        return hit
    box = []

    def known_fun(*ins):
        nz = [x for x, n in zip(ins, nonzero, strict=True) if n]

        def f(xs):
            it = iter(xs)
            full = [next(it) if n else x for x, n in zip(ins, nonzero, strict=True)]
            return eval_jaxpr(closed.jaxpr, closed.consts, *full)

        res = linearize_flat(f, nz)
        outs, lin = res[0], res[1]
        box.append(lin)
        return list(outs) + [c for c in lin.consts if isinstance(c, Tracer)]

    known = trace_to_jaxpr(known_fun, closed.in_avals)
    lin = box[0]
    j = lin.jaxpr
    res_vars, keep_vars, keep_vals = [], [], []
    for v, c in zip(j.constvars, lin.consts, strict=True):
        if isinstance(c, Tracer):
            res_vars.append(v)
        else:
            keep_vars.append(v)
            keep_vals.append(c)
    out_nz = []
    outvars = []
    for v, a, inst in zip(lin.out_vars, lin.out_avals, instantiate, strict=True):
        if v is None and inst and _is_diff(a):
            z = Var(ShapedArray(a.shape, a.dtype, a.weak_type))
            keep_vars.append(z)
            keep_vals.append(_zeros(a))
            v = z
        out_nz.append(v is not None)
        if v is not None:
            outvars.append(v)
    lin_closed = ClosedJaxpr(Jaxpr(keep_vars, res_vars + list(j.invars), j.eqns, outvars),
                             keep_vals)
    res_avals = [v.aval for v in res_vars]
    result = Linearized(known, lin_closed, len(res_vars), tuple(out_nz), res_avals)
    return cache_derived(closed, key, result, known, lin_closed)


def transpose_jaxpr(closed: ClosedJaxpr, linear, ct_nz=None) -> ClosedJaxpr:
    """The transpose of ``closed`` (linear in the inputs flagged ``linear``):
    (non-linear inputs..., output cotangents...) -> cotangents of the linear
    inputs (explicit zeros where zero).  ``ct_nz`` flags the outputs whose
    cotangent is passed (others are zero and not inputs)."""
    linear = tuple(bool(x) for x in linear)
    out_avals = closed.out_avals
    ct_nz = tuple(ct_nz) if ct_nz is not None else (True,) * len(out_avals)
    key = ("transpose", linear, ct_nz)
    hit = closed.cache.get(key)
    if hit is not None:
        return hit
    j = closed.jaxpr
    nl_vars = [v for v, lin in zip(j.invars, linear, strict=True) if not lin]
    lin_vars = [v for v, lin in zip(j.invars, linear, strict=True) if lin]
    n_nl = len(nl_vars)

    def fun(*args):
        nl, cts = args[:n_nl], args[n_nl:]
        jj = Jaxpr(list(j.constvars) + nl_vars, lin_vars, j.eqns, j.outvars)
        ct_env = {}
        it = iter(cts)
        for v, nz in zip(j.outvars, ct_nz, strict=True):
            if not nz:
                continue
            ct = next(it)
            if isinstance(v, Var):
                ct_env[v] = add_tangents(ct_env.get(v), ct)
        got = backward_pass(jj, list(closed.consts) + list(nl), ct_env, undefined=lin_vars)
        res = []
        for v in lin_vars:
            c = got.get(v)
            if c is None:
                c = _zeros(v.aval)
            elif get_aval(c).dtype != v.aval.dtype:
                c = convert_element_type_p.bind(c, dtype=v.aval.dtype)
            res.append(c)
        return res

    avals = [v.aval for v in nl_vars] + [a for a, nz in zip(out_avals, ct_nz, strict=True) if nz]
    out = trace_to_jaxpr(fun, avals)
    return cache_derived(closed, key, out, out)


# ===================================================================== cond


def _clamp_index(i, n):
    return min(max(int(i), 0), n - 1)


def _cond_impl(index, *ops, branches):
    outs = _runner(branches[_clamp_index(index, len(branches))])(*ops)
    return _dealias(outs, ops)


def _cond_abstract(index, *avals, branches):
    outs = []
    for k, a in enumerate(branches[0].out_avals):
        weak = all(b.out_avals[k].weak_type for b in branches)
        outs.append(ShapedArray(a.shape, a.dtype, weak))
    return outs


def _branch_cost(closed):
    cost = 0
    for e in closed.jaxpr.eqns:
        cost += 1000 if e.prim.name in ("while", "scan") else (
            20 if e.prim.name in ("cond", "dot_general", "jit") else 1)
    return cost


def _cond_batch(axis, vals, dims, *, branches):
    index, ops = vals[0], list(vals[1:])
    idim, odims = dims[0], list(dims[1:])
    n_out = len(branches[0].out_avals)
    if idim is None:
        natural = [batch_jaxpr(b, odims, axis)[1] for b in branches]
        force = []
        for k in range(n_out):
            ds = [nd[k] for nd in natural if nd[k] is not None]
            force.append(ds[0] if ds else None)
        new = tuple(batch_jaxpr(b, odims, axis, force)[0] for b in branches)
        return cond_p.bind(index, *ops, branches=new), force
    index = bdim_to_front(index, idim)
    concrete = not any(isinstance(v, Tracer) for v in vals)
    if concrete and _worth_partition(branches, ops, axis.size):
        return _cond_partition(axis, np.asarray(index), ops, odims, branches), [0] * n_out
    guarded = [_is_diff(get_aval(v)) and isinstance(v, Tracer) for v in ops]
    if any(guarded):
        ops = [broadcast_batched(v, d, axis.size) if g else v
               for v, d, g in zip(ops, odims, guarded, strict=True)]
        odims = [0 if g else d for d, g in zip(odims, guarded, strict=True)]
    outs = []
    for i, b in enumerate(branches):
        ops_i = _gradient_only_where_taken(index, i, ops, guarded) if any(guarded) else ops
        outs.append(jit_p.bind(*ops_i, jaxpr=batch_jaxpr(b, odims, axis, [0] * n_out)[0],
                               name="branch"))
    return _select_outputs(index, outs, len(branches)), [0] * n_out


def _gradient_only_where_taken(index, i, ops, guarded):
    """The operands of branch ``i`` under a batched predicate: each guarded operand
    (batch axis 0) is itself where the branch is taken and ``stop_gradient`` of
    itself elsewhere, so the derivative of a branch at elements where it is not
    taken (a ``sqrt`` at 0 guarded by the predicate) cannot reach the operands as
    ``0 * inf = nan`` in reverse mode (as JAX does)."""
    pick = ew.equal_p.bind(index, i) if i else ew.less_equal_p.bind(index, 0)
    out = []
    for v, g in zip(ops, guarded, strict=True):
        if g:
            nd = len(get_aval(v).shape)
            p = reshape_p.bind(pick, new_sizes=(get_aval(pick).shape[0],) + (1,) * (nd - 1))
            v = ew.where_p.bind(p, v, ew.stop_gradient_p.bind(v))
        out.append(v)
    return out


def _select_outputs(index, outs_per_branch, n):
    """``outs_per_branch[index[b]][k][b]`` for every element ``b`` (batch axis 0)."""
    idx = index
    if n > 2:
        idx = ew.minimum_p.bind(ew.maximum_p.bind(idx, 0), n - 1)
    res = []
    for k in range(len(outs_per_branch[0])):
        acc = outs_per_branch[n - 1][k]
        nd = len(get_aval(acc).shape)
        B = get_aval(idx).shape[0]
        for i in range(n - 2, -1, -1):
            pick = ew.less_equal_p.bind(idx, i) if i == 0 else ew.equal_p.bind(idx, i)
            pick = reshape_p.bind(pick, new_sizes=(B,) + (1,) * (nd - 1))
            acc = ew.where_p.bind(pick, outs_per_branch[i][k], acc)
        res.append(acc)
    return res


def _worth_partition(branches, ops, size):
    """Running each branch on its part of the batch pays off when the branches
    are expensive (loops, products, many equations) relative to gathering the
    operands and scattering the results."""
    if size < 2:
        return False
    cost = sum(_branch_cost(b) for b in branches)
    if cost >= 1000:
        return True
    moved = len(ops) + len(branches[0].out_avals)
    return size >= 4096 and cost >= 4 * moved


def _cond_partition(axis, index, ops, odims, branches):
    n = len(branches)
    idx = np.clip(index, 0, n - 1)
    out_avals = branches[0].out_avals
    outs = [np.empty((axis.size,) + tuple(a.shape), a.dtype) for a in out_avals]
    for i, b in enumerate(branches):
        sel = np.flatnonzero(idx == i)
        if sel.size == 0:
            continue
        sub = [v if d is None else np.take(v, sel, axis=d) for v, d in zip(ops, odims, strict=True)]
        part_axis = AxisData(axis.name, int(sel.size), axis.spmd_name)
        res, _ = batched_eval(b, sub, odims, part_axis, [0] * len(out_avals))
        for buf, r in zip(outs, res, strict=True):
            buf[sel] = r
    return outs


def _cond_jvp(primals, tangents, *, branches):
    index, ops = primals[0], list(primals[1:])
    tans = list(tangents[1:])
    nonzero = [t is not None and _is_diff(get_aval(p)) for p, t in zip(ops, tans, strict=True)]
    n_out = len(branches[0].out_avals)
    if not any(nonzero):
        return cond_p.bind(*primals, branches=branches), [None] * n_out
    if not isinstance(index, Tracer):
        b = branches[_clamp_index(index, len(branches))]
        outs, out_t = jvp_flat(lambda xs: eval_jaxpr(b.jaxpr, b.consts, *xs), ops,
                               [t if n else None for t, n in zip(tans, nonzero, strict=True)])
        return outs, out_t
    lins = [linearize_jaxpr(b, nonzero) for b in branches]
    out_nz = tuple(any(lz.out_nz[k] for lz in lins) for k in range(n_out))
    lins = [linearize_jaxpr(b, nonzero, out_nz) for b in branches]
    known, lin = _join_residuals(lins, n_out)
    known, extra = join_branches(known)
    res = cond_p.bind(index, *extra, *ops, branches=tuple(known))
    outs, residuals = res[:n_out], res[n_out:]
    t_in = [t if t is not None else _zeros(get_aval(p))
            for p, t, n in zip(ops, tans, nonzero, strict=True) if n]
    lin, extra = join_branches(lin)
    t_out = iter(cond_p.bind(index, *extra, *residuals, *t_in, branches=tuple(lin)))
    return outs, [next(t_out) if nz else None for nz in out_nz]


def _join_residuals(lins, n_out):
    """Give every branch the same residual outputs (its own; zeros for the
    others') and every linear branch the same residual inputs."""
    all_res = [a for lz in lins for a in lz.res_avals]
    known, lin = [], []
    off = 0
    for lz in lins:
        mine = range(off, off + lz.n_res)

        def kfun(*ops, lz=lz, mine=mine):
            out = eval_jaxpr(lz.known.jaxpr, lz.known.consts, *ops)
            own = iter(out[n_out:])
            return list(out[:n_out]) + [next(own) if r in mine else _zeros(a)
                                        for r, a in enumerate(all_res)]
        known.append(trace_to_jaxpr(kfun, lz.known.in_avals))
        j = lz.lin.jaxpr
        pad_pre = [Var(a) for a in all_res[:off]]
        pad_post = [Var(a) for a in all_res[off + lz.n_res:]]
        invars = pad_pre + j.invars[:lz.n_res] + pad_post + j.invars[lz.n_res:]
        lin.append(ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, j.outvars), lz.lin.consts))
        off += lz.n_res
    return known, lin


def _cond_transpose(cts, index, *args, branches):
    linear = [is_undefined(a) for a in args]
    ct_nz = tuple(c is not None for c in cts)
    if not any(ct_nz):
        return [None] * (1 + len(args))
    transposed = [transpose_jaxpr(b, linear, ct_nz) for b in branches]
    transposed, extra = join_branches(transposed)
    nl = [a for a, lin in zip(args, linear, strict=True) if not lin]
    out = iter(cond_p.bind(index, *extra, *nl, *[c for c in cts if c is not None],
                           branches=tuple(transposed)))
    return [None] + [next(out) if lin else None for lin in linear]


cond_p = Primitive("cond", _cond_impl, abstract=_cond_abstract, batch=_cond_batch,
                   jvp=_cond_jvp, transpose=_cond_transpose, multiple_results=True)


# ==================================================================== while


def _while_split(args, cond_nconsts, body_nconsts):
    cc = list(args[:cond_nconsts])
    bc = list(args[cond_nconsts:cond_nconsts + body_nconsts])
    return cc, bc, list(args[cond_nconsts + body_nconsts:])


def _while_impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    native = native_while(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts)
    if native is not None:   # one fused kernel for the whole loop (vmapx[fast])
        return native(*args)
    cc, bc, carry = _while_split(args, cond_nconsts, body_nconsts)
    cond = _runner(cond_jaxpr)
    body = _runner(body_jaxpr)
    while cond(*cc, *carry)[0]:
        carry = body(*bc, *carry)
    return _dealias(carry, args)


def _while_abstract(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    return body_jaxpr.out_avals


def _while_batch(axis, vals, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc, init = _while_split(vals, cond_nconsts, body_nconsts)
    ccd, bcd, initd = _while_split(dims, cond_nconsts, body_nconsts)
    ccd = [None if d is None else 0 for d in ccd]
    bcd = [None if d is None else 0 for d in bcd]
    cc = [v if d is None else bdim_to_front(v, d0) for v, d, d0 in
          zip(cc, ccd, dims[:cond_nconsts], strict=True)]
    bc = [v if d is None else bdim_to_front(v, d0) for v, d, d0 in
          zip(bc, bcd, dims[cond_nconsts:cond_nconsts + body_nconsts], strict=True)]
    carry_b = [d is not None for d in initd]
    while True:
        cdims = [0 if b else None for b in carry_b]
        _, out_dims = batch_jaxpr(body_jaxpr, bcd + cdims, axis)
        new = [b or d is not None for b, d in zip(carry_b, out_dims, strict=True)]
        _, (pred_dim,) = batch_jaxpr(cond_jaxpr, ccd + cdims, axis)
        if pred_dim is not None:
            new = [True] * len(new)
        if new == carry_b:
            break
        carry_b = new
    cdims = [0 if b else None for b in carry_b]
    init = [broadcast_batched(v, d, axis.size) if b else v
            for v, d, b in zip(init, initd, carry_b, strict=True)]
    body_b, _ = batch_jaxpr(body_jaxpr, bcd + cdims, axis, cdims)
    cond_b, _ = batch_jaxpr(cond_jaxpr, ccd + cdims, axis, None if pred_dim is None else [0])
    if pred_dim is None:
        out = while_p.bind(*cc, *bc, *init, cond_jaxpr=cond_b, body_jaxpr=body_b,
                           cond_nconsts=cond_nconsts, body_nconsts=body_nconsts)
        return out, cdims
    (pred,) = jit_p.bind(*cc, *init, jaxpr=cond_b, name="cond_fun")
    cond_any, body_sel = _masked_loop(cond_b, body_b, cond_nconsts, body_nconsts, axis.size)
    out = while_p.bind(*bc, *cc, pred, *init, cond_jaxpr=cond_any, body_jaxpr=body_sel,
                       cond_nconsts=0, body_nconsts=body_nconsts + cond_nconsts)
    return out[1:], cdims


def _masked_loop(cond_b, body_b, ncc, nbc, size):
    """For a batched predicate: the carry gains the predicate of each element;
    loop while any element runs; a step computes every element, keeps the new
    carry only where the predicate held, and evaluates the predicate on the
    result (finished elements stay finished: their carry no longer changes).

    Returns ``(cond, body)``: ``cond(pred, *carry) -> any(pred)`` and
    ``body(*body_consts, *cond_consts, pred, *carry) -> (pred', *carry')``.
    """
    key = ("masked", body_b, ncc, nbc)
    hit = cond_b.cache.get(key)
    if hit is not None:
        return hit

    def any_fun(pred, *carry):
        return [reduce_any_p.bind(pred, axes=(0,), keepdims=False, dtype=None)]

    def sel_fun(*args):
        bc, cc = args[:nbc], args[nbc:nbc + ncc]
        pred, carry = args[nbc + ncc], args[nbc + ncc + 1:]
        new = eval_jaxpr(body_b.jaxpr, body_b.consts, *bc, *carry)
        out = []
        for n, c in zip(new, carry, strict=True):
            nd = len(get_aval(c).shape)
            p = reshape_p.bind(pred, new_sizes=(size,) + (1,) * (nd - 1)) if nd > 1 else pred
            out.append(ew.where_p.bind(p, n, c))
        (new_pred,) = eval_jaxpr(cond_b.jaxpr, cond_b.consts, *cc, *out)
        return [new_pred] + out

    carry_avals = body_b.in_avals[nbc:]
    pred_aval = cond_b.out_avals[0]
    any_j = trace_to_jaxpr(any_fun, [pred_aval] + carry_avals)
    sel_j = trace_to_jaxpr(sel_fun, body_b.in_avals[:nbc] + cond_b.in_avals[:ncc] + [pred_aval]
                           + carry_avals)
    return cache_derived(cond_b, key, (any_j, sel_j), any_j, sel_j)


def _while_jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc, init = _while_split(primals, cond_nconsts, body_nconsts)
    _, tbc, tinit = _while_split(tangents, cond_nconsts, body_nconsts)
    bc_nz = [t is not None and _is_diff(get_aval(p)) for p, t in zip(bc, tbc, strict=True)]
    carry_nz = [t is not None and _is_diff(get_aval(p)) for p, t in zip(init, tinit, strict=True)]
    if not any(bc_nz) and not any(carry_nz):
        return while_p.bind(*primals, cond_jaxpr=cond_jaxpr, body_jaxpr=body_jaxpr,
                            cond_nconsts=cond_nconsts, body_nconsts=body_nconsts), \
            [None] * len(init)
    nb, nc = len(bc), len(init)
    while True:
        body_t, out_nz = _jvp_body(body_jaxpr, bc_nz, carry_nz, nb)
        new = [a or b for a, b in zip(carry_nz, out_nz, strict=True)]
        if new == carry_nz:
            break
        carry_nz = new
    body_t, _ = _jvp_body(body_jaxpr, bc_nz, carry_nz, nb, instantiate=True)
    n_tc = sum(carry_nz)

    def cond_fun(*args):
        return eval_jaxpr(cond_jaxpr.jaxpr, cond_jaxpr.consts, *args[:cond_nconsts + nc])

    cond_avals = cond_jaxpr.in_avals + [a for a, n in zip(body_jaxpr.out_avals, carry_nz,
                                                          strict=True) if n]
    cond_t = trace_to_jaxpr(cond_fun, cond_avals)
    t_bc = [t for t, n in zip(tbc, bc_nz, strict=True) if n]
    t_init = [t if t is not None else _zeros(get_aval(p))
              for p, t, n in zip(init, tinit, carry_nz, strict=True) if n]
    out = while_p.bind(*cc, *bc, *t_bc, *init, *t_init, cond_jaxpr=cond_t, body_jaxpr=body_t,
                       cond_nconsts=cond_nconsts, body_nconsts=nb + len(t_bc))
    primal_out, t_out = out[:nc], iter(out[nc:])
    return primal_out, [next(t_out) if n else None for n in carry_nz]


def _jvp_body(body_jaxpr, bc_nz, carry_nz, nb, instantiate=False):
    """The body on (consts, const tangents, carry, carry tangents) -> (carry,
    carry tangents), for the flagged nonzero tangents."""
    key = ("jvp_body", tuple(bc_nz), tuple(carry_nz), instantiate)
    hit = body_jaxpr.cache.get(key)
    if hit is not None:
        return hit
    avals = body_jaxpr.in_avals
    bc_av, c_av = avals[:nb], avals[nb:]
    n_tb = sum(bc_nz)
    out_nz_box = []

    def fun(*args):
        bc = args[:nb]
        tb = iter(args[nb:nb + n_tb])
        carry = args[nb + n_tb:nb + n_tb + len(c_av)]
        tc = iter(args[nb + n_tb + len(c_av):])
        tans = [next(tb) if n else None for n in bc_nz] + [next(tc) if n else None
                                                          for n in carry_nz]
        outs, out_t = jvp_flat(lambda xs: eval_jaxpr(body_jaxpr.jaxpr, body_jaxpr.consts, *xs),
                               list(bc) + list(carry), tans)
        out_nz_box.append([t is not None for t in out_t])
        if instantiate:
            t_res = [t if t is not None else _zeros(a) for t, a, n in
                     zip(out_t, body_jaxpr.out_avals, carry_nz, strict=True) if n]
        else:
            t_res = [t for t in out_t if t is not None]
        return list(outs) + t_res

    in_avals = (bc_av + [a for a, n in zip(bc_av, bc_nz, strict=True) if n] + c_av +
                [a for a, n in zip(c_av, carry_nz, strict=True) if n])
    j = trace_to_jaxpr(fun, in_avals)
    return cache_derived(body_jaxpr, key, (j, out_nz_box[0]), j)


_WHILE_REVERSE_MSG = ("Reverse-mode differentiation does not work for lax.while_loop or "
                      "lax.fori_loop with dynamic start/stop values. Try using lax.scan, or "
                      "using fori_loop with static start/stop.")


def _while_transpose(cts, *args, **params):
    raise ValueError(_WHILE_REVERSE_MSG)


while_p = Primitive("while", _while_impl, abstract=_while_abstract, batch=_while_batch,
                    jvp=_while_jvp, transpose=_while_transpose, multiple_results=True)


# ===================================================================== scan


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
