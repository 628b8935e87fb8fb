"""``checkpoint`` (``remat``), ``checkpoint_policies``, ``checkpoint_name``
and ``saved_residuals``: under reverse mode a checkpointed function keeps only
its inputs and the values its policy saves; the rest is recomputed in the
backward pass (docs/parity.md, "checkpoint").
"""
from __future__ import annotations

import functools
import inspect
import types

import numpy as np

from . import tree as tu
from .autodiff import (JVPTrace, add_tangents, backward_pass, jvp_flat, linearize_flat)
from .autodiff_api import _check_callable
from .core import Primitive, Tracer, current_trace, get_aval
from .derived_jaxprs import batch_jaxpr, batched_eval
from .jit_program import IDENTITIES, INLINED
from .staging import SITES, StagingTrace, eval_jaxpr, trace_to_jaxpr
from .staging_api import flatten_fun_trace
from .ir import ClosedJaxpr, Jaxpr, Literal, display_name, type_str


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=(), static_argnames=()):
    """``jax.checkpoint`` (``remat``): the same function, with the same values
    and derivatives, whose reverse mode keeps only its inputs and the values
    ``policy`` saves (``checkpoint_policies``; none by default) and recomputes
    the rest in the backward pass.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import print_saved_residuals
    >>> f = lambda x: jnp.sin(jnp.sin(x))
    >>> bool(vmapx.grad(vmapx.checkpoint(f))(1.0) == vmapx.grad(f)(1.0))
    True
    >>> print_saved_residuals(f, np.ones(3))           # both cosines
    f64[3] output of cos from <doctest ...>:1:22 (<lambda>)
    f64[3] output of cos from <doctest ...>:1:14 (<lambda>)
    >>> print_saved_residuals(vmapx.checkpoint(f), np.ones(3))   # the input only
    f64[3] from the argument x
    """
    _check_callable(fun)
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)

    @functools.wraps(fun)
    def checkpointed(*args, **kwargs):
        if not _differentiated_or_staged():
            return fun(*args, **kwargs)    # nothing to save or recompute: a plain call
        static = {i % len(args) for i in nums if -len(args) <= i < len(args)}
        dyn_args = [a for i, a in enumerate(args) if i not in static]
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in names}

        def call(*dargs, **dkwargs):
            it = iter(dargs)
            full = [args[i] if i in static else next(it) for i in range(len(args))]
            return fun(*full, **dkwargs, **{k: v for k, v in kwargs.items() if k in names})

        closed, out_tree = flatten_fun_trace(call, dyn_args, dyn_kwargs, origin=fun)
        leaves = tu.tree_leaves((dyn_args, dyn_kwargs))
        outs = checkpoint_p.bind(*closed.consts, *leaves, jaxpr=_lift_consts(closed),
                                 prevent_cse=prevent_cse, policy=policy)
        return tu.tree_unflatten(out_tree, outs)

    return checkpointed


def _differentiated_or_staged() -> bool:
    """Whether a derivative or a staging trace is in progress (else a
    checkpoint has nothing to do)."""
    t = current_trace()
    while t is not None:
        if isinstance(t, (JVPTrace, StagingTrace)):
            return True
        t = t.parent
    return False


def _lift_consts(closed: ClosedJaxpr) -> ClosedJaxpr:
    """``closed`` with its constants as leading arguments: a closed-over tracer
    of an enclosing transform becomes an input that transform sees."""
    j = closed.jaxpr
    return ClosedJaxpr(Jaxpr([], list(j.constvars) + list(j.invars), j.eqns, j.outvars), [])


def _eval(jaxpr):
    return lambda xs: eval_jaxpr(jaxpr.jaxpr, (), *xs)


def _checkpoint_impl(*args, jaxpr, prevent_cse, policy):
    return eval_jaxpr(jaxpr.jaxpr, (), *args)


def _out_avals(*avals, jaxpr, **params):
    return jaxpr.out_avals


def _checkpoint_batch(axis, vals, dims, *, jaxpr, **params):
    batched, out_dims = batch_jaxpr(jaxpr, dims, axis)
    return (checkpoint_p.bind(*batched.consts, *vals, jaxpr=_lift_consts(batched), **params),
            list(out_dims))


def _aval(v):
    return get_aval(v.val) if type(v) is Literal else v.aval


def _checkpoint_jvp(primals, tangents, *, jaxpr, prevent_cse, policy):
    """Forward mode with concrete tangents: the body under the JVP trace.  With
    staged (or otherwise traced) tangents: JAX's partial evaluation with the
    policy, as docs/parity.md describes."""
    primals, tangents = list(primals), list(tangents)
    if not any(isinstance(t, Tracer) for t in tangents if t is not None):
        return jvp_flat(_eval(jaxpr), primals, tangents)
    n, n_out = len(primals), len(jaxpr.out_avals)
    nonzero = [t is not None for t in tangents]
    out_nonzero = []

    def jvp_fun(*xs):
        it = iter(xs[n:])
        outs, touts = jvp_flat(_eval(jaxpr), list(xs[:n]),
                               [next(it) if z else None for z in nonzero])
        out_nonzero.extend(t is not None for t in touts)
        return list(outs) + [t for t in touts if t is not None]

    jj = trace_to_jaxpr(jvp_fun, list(jaxpr.in_avals) +
                        [get_aval(t) for t in tangents if t is not None])
    J = jj.jaxpr
    p_in, t_in = J.invars[:n], J.invars[n:]
    p_out, t_out = J.outvars[:n_out], J.outvars[n_out:]
    unknown = set(t_in)
    known, tangent_eqns = [], []
    for e in J.eqns:
        if any(type(v) is not Literal and v in unknown for v in e.invars):
            tangent_eqns.append(e)
            unknown.update(e.outvars)
        else:
            known.append(e)
    if any(type(v) is not Literal and v in unknown for v in p_out):
        # a rule computed a primal together with its tangent (while_loop): no split
        return jvp_flat(_eval(jaxpr), primals, tangents)
    # what the tangent side reads of the known side: kept (inputs, values the
    # policy saves) or recomputed (walking the known equations backwards)
    wanted = {v for e in tangent_eqns for v in e.invars
              if type(v) is not Literal and v not in unknown}
    wanted.update(v for v in t_out if type(v) is not Literal and v not in unknown)
    recompute = []
    for e in reversed(known):
        if not any(v in wanted for v in e.outvars):
            continue
        if policy is None or not policy(e.prim, *[_aval(v) for v in e.invars], **e.params):
            recompute.append(e)
            wanted.update(v for v in e.invars if type(v) is not Literal)
    recompute.reverse()
    recomputed = {v for e in recompute for v in e.outvars}
    order = list(J.constvars) + list(p_in) + [v for e in known for v in e.outvars]
    residuals = [v for v in order if v in wanted and v not in recomputed]
    # the forward pass: only the known equations the primal outputs and the kept values need
    need = {v for v in p_out if type(v) is not Literal} | set(residuals)
    forward = []
    for e in reversed(known):
        if any(v in need for v in e.outvars):
            forward.append(e)
            need.update(v for v in e.invars if type(v) is not Literal)
    forward.reverse()
    kept = [v for v in p_out if type(v) is not Literal] + residuals
    env = dict(zip(kept, eval_jaxpr(Jaxpr(J.constvars, p_in, forward, kept), jj.consts,
                                    *primals)))

    def read(v):
        return v.val if type(v) is Literal else env[v]

    linear = ClosedJaxpr(Jaxpr([], residuals + list(t_in), recompute + tangent_eqns, t_out), [])
    touts = iter(checkpoint_linear_p.bind(*[env[v] for v in residuals],
                                          *[t for t in tangents if t is not None],
                                          jaxpr=linear, n_res=len(residuals)))
    return [read(v) for v in p_out], [next(touts) if z else None for z in out_nonzero]


checkpoint_p = Primitive("checkpoint", _checkpoint_impl, abstract=_out_avals,
                         batch=_checkpoint_batch, jvp=_checkpoint_jvp, multiple_results=True)
"""A checkpointed call: ``jaxpr`` (no constants), ``policy``, ``prevent_cse``."""


def _linear_impl(*args, jaxpr, n_res):
    return eval_jaxpr(jaxpr.jaxpr, (), *args)


def _linear_jvp(primals, tangents, *, jaxpr, n_res):
    return jvp_flat(_eval(jaxpr), list(primals), list(tangents))


def _linear_batch(axis, vals, dims, *, jaxpr, n_res):
    return batched_eval(jaxpr, list(vals), list(dims), axis)


def _linear_transpose(cts, *args, jaxpr, n_res):
    j = jaxpr.jaxpr
    residuals, tangent_vars = j.invars[:n_res], j.invars[n_res:]
    out_cts = {}
    linear = set(tangent_vars)
    for v, ct in zip(j.outvars, cts, strict=True):
        if ct is not None and type(v) is not Literal and (v in linear or v not in residuals):
            out_cts[v] = add_tangents(out_cts.get(v), ct)
    inner = Jaxpr(list(residuals), list(tangent_vars), j.eqns, j.outvars)
    in_cts = backward_pass(inner, list(args[:n_res]), out_cts)
    return [None] * n_res + [in_cts.get(v) for v in tangent_vars]


checkpoint_linear_p = Primitive("checkpoint_linear", _linear_impl, abstract=_out_avals,
                                batch=_linear_batch, jvp=_linear_jvp,
                                transpose=_linear_transpose, multiple_results=True)
"""The linear part of a checkpointed call: its first ``n_res`` arguments are the
kept values, the rest tangents; the body recomputes what was not kept."""

INLINED.update((checkpoint_p, checkpoint_linear_p))   # jit runs their bodies inline


remat = checkpoint


def _dot_saveable(prim, *avals, **params):
    return (prim.name in ("dot_general", "conv_general_dilated")
            or (prim.name == "einsum" and len(avals) == 2))   # JAX lowers it to dot_general


def _dot_no_batch_saveable(prim, *avals, **params):
    if prim.name == "dot_general":
        (_, _), (lhs_batch, rhs_batch) = params["dimension_numbers"]
        return not lhs_batch and not rhs_batch
    if prim.name == "einsum" and len(avals) == 2:   # batch letters: in both inputs and output
        ins, out = params["spec"].split("->")
        a, b = ins.split(",")
        return not (set(a) & set(b) & set(out))
    return False


def _save_only_these_names(*names_which_can_be_saved):
    names = set(names_which_can_be_saved)
    return lambda prim, *avals, **params: prim.name == "name" and params.get("name") in names


def _save_anything_except_these_names(*names_not_to_save):
    return lambda prim, *avals, **params: True   # JAX's: the names are not looked at


def _save_any_names_but_these(*names_not_to_save):
    names = set(names_not_to_save)
    return lambda prim, *avals, **params: prim.name == "name" and params["name"] not in names


def _save_from_both_policies(policy_1, policy_2):
    return lambda prim, *avals, **params: bool(policy_1(prim, *avals, **params)
                                               or policy_2(prim, *avals, **params))


def _offload_dot_with_no_batch_dims(offload_src, offload_dst):
    return _dot_no_batch_saveable


def _save_and_offload_only_these_names(*, names_which_can_be_saved, names_which_can_be_offloaded,
                                       offload_src, offload_dst):
    return _save_only_these_names(*names_which_can_be_saved, *names_which_can_be_offloaded)


checkpoint_policies = types.SimpleNamespace(
    everything_saveable=lambda *_, **__: True,
    nothing_saveable=lambda *_, **__: False,
    dots_saveable=_dot_saveable,
    checkpoint_dots=_dot_saveable,
    dots_with_no_batch_dims_saveable=_dot_no_batch_saveable,
    checkpoint_dots_with_no_batch_dims=_dot_no_batch_saveable,
    save_only_these_names=_save_only_these_names,
    save_any_names_but_these=_save_any_names_but_these,
    save_anything_except_these_names=_save_anything_except_these_names,
    save_from_both_policies=_save_from_both_policies,
    offload_dot_with_no_batch_dims=_offload_dot_with_no_batch_dims,
    save_and_offload_only_these_names=_save_and_offload_only_these_names,
)
"""``jax.checkpoint_policies``: the ``policy=`` values ``checkpoint`` accepts.

Each is JAX's predicate ``policy(prim, *avals, **params) -> bool`` (may this
primitive's output be saved for the backward pass).  vmapx saves every
intermediate whatever the policy, so they change no value.

>>> import vmapx, vmapx.numpy as jnp
>>> f = vmapx.checkpoint(jnp.sin, policy=vmapx.checkpoint_policies.nothing_saveable)
>>> vmapx.grad(f)(0.0)
array(1.)
"""


def checkpoint_name(x, name):
    """Name the value ``x`` for ``checkpoint_policies.save_only_these_names``
    and friends (``jax.ad_checkpoint.checkpoint_name``): ``x`` itself, marked
    (a primitive ``name``) so a policy can keep it.

    >>> import vmapx, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import checkpoint_name
    >>> vmapx.grad(lambda x: jnp.sin(checkpoint_name(x * 2.0, "h")))(0.0)
    array(2.)
    """
    return tu.tree_map(lambda v: name_p.bind(v, name=name), x)


name_p = Primitive(
    "name", lambda x, *, name: x, abstract=lambda a, *, name: a,
    batch=lambda axis, vals, dims, *, name: (name_p.bind(vals[0], name=name), dims[0]),
    jvp=lambda primals, tangents, *, name: (name_p.bind(primals[0], name=name), tangents[0]),
    transpose=lambda ct, x, *, name: [ct])
"""``checkpoint_name``: the identity, its ``name`` parameter seen by policies."""

IDENTITIES.add(name_p)   # jit drops it before running


def saved_residuals(f, *args, **kwargs) -> list:
    """The values reverse mode keeps from the forward pass of ``f`` at
    ``args``: a list of ``(aval, description)``, a description saying where
    each comes from (an argument by name, or the primitive computing it).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import saved_residuals
    >>> for aval, where in saved_residuals(lambda w, x: jnp.sin(w @ x), np.ones((2, 3)),
    ...                                    np.ones(3)):
    ...     print(aval.shape, where)
    (2, 3) from the argument w
    (3,) from the argument x
    (2,) output of cos from <doctest ...:1:48 (<lambda>)
    """
    leaves, in_tree = tu.tree_flatten((args, kwargs))

    def flat_fun(xs):
        a, k = tu.tree_unflatten(in_tree, xs)
        out = f(*a, **k)
        return tu.tree_leaves(out)

    def residuals(*xs):
        _, lin, _ = linearize_flat(flat_fun, list(xs))
        return list(lin.consts)

    prev, SITES.table = SITES.table, {}
    try:
        closed = trace_to_jaxpr(residuals, [get_aval(np.asarray(x) if not hasattr(x, "dtype")
                                                     else x) for x in leaves])
    finally:
        sites, SITES.table = SITES.table, prev
    jaxpr = closed.jaxpr
    names = _argument_names(f, args, kwargs)
    producer = {}
    for k, eqn in enumerate(jaxpr.eqns):
        for v in eqn.outvars:
            producer[v] = (k, eqn)
    arguments, computed, constants, seen = [], [], [], set()
    for v in jaxpr.outvars:       # as JAX lists them: arguments, then in program order
        if type(v) is Literal or v in seen:
            continue
        seen.add(v)
        if v in jaxpr.invars:
            i = jaxpr.invars.index(v)
            arguments.append((i, (v.aval, f"from the argument {names[i]}")))
        elif v in producer:
            k, eqn = producer[v]
            what = (f"named {eqn.params['name']!r}" if eqn.prim is name_p
                    else f"output of {display_name(eqn.prim)}")
            site = sites.get(v)
            computed.append((k, (v.aval, what + (f" from {site}" if site else ""))))
        else:
            constants.append((v.aval, "a constant"))
    found = [r for _, r in sorted(arguments, key=lambda p: p[0])]
    found += [r for _, r in sorted(computed, key=lambda p: p[0])]
    found += constants
    return found


def print_saved_residuals(f, *args, **kwargs):
    """Print ``saved_residuals(f, *args, **kwargs)``, one per line
    (``jax.ad_checkpoint.print_saved_residuals``).

    >>> import numpy as np, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import print_saved_residuals
    >>> print_saved_residuals(lambda x: jnp.exp(jnp.sin(x)), np.ones(3))
    f64[3] output of cos from <doctest ...>:1:40 (<lambda>)
    f64[3] output of exp from <doctest ...>:1:32 (<lambda>)
    """
    for aval, what in saved_residuals(f, *args, **kwargs):
        print(f"{type_str(aval)} {what}")


def _argument_names(f, args, kwargs):
    """A name per argument leaf: the parameter's name (with its path inside a
    pytree), else its position."""
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for path, _ in tu.tree_flatten_with_path((args, kwargs))[0]:
        head, first, rest = path[0], path[1], path[2:]
        if getattr(head, "idx", None) == 0:
            i = first.idx
            base = params[i] if i < len(params) else f"args[{i}]"
        else:
            base = str(getattr(first, "key", first))
        names.append(base + tu.keystr(rest))
    return names
