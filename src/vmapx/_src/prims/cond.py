"""The ``cond`` primitive (``lax.cond`` and ``lax.switch``): pick a branch by
index.  A batched index runs every branch on the batch and selects (or, on
concrete values with expensive branches, runs each branch only on its part of
the batch); the JVP of a concrete index differentiates the chosen branch
inline, of a traced one splits every branch into a primal part returning
residuals and a linear part, which the transpose rule runs transposed.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import Primitive, ShapedArray, Tracer, get_aval, AxisData
from ..staging import eval_jaxpr, trace_to_jaxpr
from ..derived_jaxprs import batch_jaxpr, batched_eval
from ..ir import ClosedJaxpr, Jaxpr, Var
from ..autodiff import is_undefined, jvp_flat
from ..batching import bdim_to_front, broadcast_batched
from ..jit_program import jit_p
from . import elementwise as ew
from .shapes import reshape_p
from .control_bodies import (_runner, _dealias, _zeros, join_branches, _is_diff, linearize_jaxpr,
                             transpose_jaxpr)


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

