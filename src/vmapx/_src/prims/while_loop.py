"""The ``while`` primitive (``lax.while_loop``, and ``lax.fori_loop`` with a
traced trip count).  A batched predicate iterates until every element is
done, freezing finished elements with a select (or runs as one native kernel
with the Numba backend); the JVP carries tangents along (forward mode only:
reverse mode raises JAX's error).
"""
from __future__ import annotations

from ..core import Primitive, get_aval
from ..staging import eval_jaxpr, trace_to_jaxpr
from ..derived_jaxprs import batch_jaxpr, cache_derived
from ..autodiff import REVERSE_ERRORS, jvp_flat
from ..batching import bdim_to_front, broadcast_batched
from ..jit_program import jit_p, native_while
from . import elementwise as ew
from .reductions import reduce_any_p
from .shapes import reshape_p
from .control_bodies import _runner, _dealias, _zeros, _is_diff


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
REVERSE_ERRORS[while_p] = _WHILE_REVERSE_MSG

