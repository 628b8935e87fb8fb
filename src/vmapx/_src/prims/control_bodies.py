"""The bodies of the control-flow primitives (``cond``, ``while``, ``scan``):
each holds ``ClosedJaxpr``s, staged by ``vmapx.lax``.  Here: running a body
(its compiled program, ``jit_program.runner``), results that never alias
operands, joining the hoisted constants of several branches, and the two
transformations reverse mode needs: linearizing a body (a primal part that
also returns residuals, and a linear part) and transposing a linear body.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import ShapedArray, Tracer, get_aval
from ..staging import eval_jaxpr, hoist_tracer_consts, trace_to_jaxpr
from ..derived_jaxprs import cache_derived
from ..ir import ClosedJaxpr, Jaxpr, Var
from ..autodiff import add_tangents, backward_pass, linearize_flat
from ..jit_program import runner
from .elementwise import convert_element_type_p


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

