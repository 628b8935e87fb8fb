"""``custom_vjp``: a function with user-defined forward and backward passes.

A call binds ``custom_vjp_call(*args, fun, fwd, bwd)``: evaluation calls
``fun``; the JVP rule runs ``fwd`` and emits ``custom_lin(*residuals,
*tangents, bwd)``, a linear primitive that cannot be evaluated (forward mode
over a custom_vjp function is an error, as in JAX) but whose transpose calls
``bwd``.  Under ``vmap`` it runs through a ``BatchTrace`` rule that re-enters
the vmap's trace around each user function.
"""
from __future__ import annotations

import numpy as np

from . import tree as tu
from .core import Primitive, get_aval, set_trace
from .batching import BatchTracer, trace_rules
from .prims.reductions import reduce_sum_p
from .autodiff import is_differentiable, zeros_like_aval
from .custom_functions import (CustomVJPPrimal, SymbolicZero, _conform, _CustomFunction,
                               _flat_user_fun, _is_zero, _label, _merge, _name, _Named,
                               _tangent_aval, _tangent_zeros, _trace_out_avals)

# --------------------------------------------------------------- custom_vjp


def _bwd_leaves(got, dyn):
    """The leaves of a bwd rule's output, one per leaf of the differentiable
    arguments ``dyn`` (``None`` for a zero cotangent, also for a whole argument)."""
    is_none = lambda x: x is None  # noqa: E731
    ok = isinstance(got, tuple) and len(got) == len(dyn)
    leaves = []
    if ok:
        for g, d in zip(got, dyn):
            d_tree = tu.tree_structure(d)
            if g is None:
                leaves += [None] * d_tree.num_leaves
            elif tu.tree_structure(g, is_leaf=is_none) == d_tree:
                leaves += tu.tree_leaves(g, is_leaf=is_none)
            else:
                ok = False
    if not ok:
        raise TypeError(
            "Custom VJP bwd rule must produce an output with the same container (pytree) "
            "structure as the args tuple of the primal function, and in particular must "
            "produce a tuple of length equal to the number of arguments to the primal "
            f"function, but got bwd output structure {tu.tree_structure(got)} for primal "
            f"input structure {tu.tree_structure(dyn)}.")
    return leaves


_NO_FORWARD = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."


def _custom_lin_impl(*args, num_res, bwd, out_avals):
    raise TypeError(_NO_FORWARD)


def _custom_lin_batch(axis, vals, dims, *, num_res, bwd, out_avals):
    raise TypeError(_NO_FORWARD)


custom_lin_p = Primitive("custom_lin", _custom_lin_impl, multiple_results=True,
                         abstract=lambda *avals, num_res, bwd, out_avals: list(out_avals))
custom_lin_p.batch = _custom_lin_batch


def _custom_lin_transpose(cts, *args, num_res, bwd, out_avals):
    # Zero cotangents stay None: the bwd wrapper makes them explicit zeros, or
    # SymbolicZeros for rules defined with symbolic_zeros=True.
    return [None] * num_res + list(bwd(list(args[:num_res]), list(cts)))


custom_lin_p.transpose = _custom_lin_transpose


def _custom_vjp_call_impl(*args, fun, fwd, bwd):
    return fun(*args)


custom_vjp_call_p = Primitive("custom_vjp_call", _custom_vjp_call_impl, multiple_results=True,
                              abstract=lambda *avals, fun, fwd, bwd: _trace_out_avals(fun, avals))


def _custom_vjp_call_jvp(primals, tangents, *, fun, fwd, bwd):
    outs, res = fwd(tuple(t is not None for t in tangents), *primals)
    tans = [_tangent_zeros(p) if t is None else t
            for p, t in zip(primals, tangents, strict=True)]
    out_avals = tuple(get_aval(o) for o in outs)
    touts = custom_lin_p.bind(*res, *tans, num_res=len(res), bwd=bwd, out_avals=out_avals)
    return outs, [t if is_differentiable(a.dtype) else None
                  for t, a in zip(touts, out_avals, strict=True)]


def _custom_vjp_call_trace_rule(trace, vals, dims, params):
    """vmap of ``custom_vjp_call``: ``fun``, ``fwd`` and ``bwd`` run with this vmap's
    trace re-entered (they may close over its tracers); an input cotangent that
    ``bwd`` returns batched for an unbatched input is summed over the batch."""
    fun, fwd, bwd = params["fun"], params["fwd"], params["bwd"]
    size = trace.axis.size
    out_dims: list = []
    res_dims: list = []
    fwd_dims: list = []
    num_out: list = []

    batched_fun = trace.reenter(fun, dims, out_dims)

    def batched_fwd(perturbed, *xs):
        def flat_fwd(*ys):
            outs, res = fwd(perturbed, *ys)
            num_out[:] = [len(outs)]
            return list(outs) + list(res)
        both = trace.reenter(flat_fwd, dims, fwd_dims)(*xs)
        m = num_out[0]
        out_dims[:] = fwd_dims[:m]
        res_dims[:] = fwd_dims[m:]
        return both[:m], both[m:]

    def batched_bwd(res, cts):
        nr = len(res)
        ct_dims: list = []
        ct_in_dims = [None if c is None else d for c, d in zip(cts, out_dims, strict=True)]
        flat_bwd = trace.reenter(lambda *a: list(bwd(list(a[:nr]), list(a[nr:]))),
                                 list(res_dims) + ct_in_dims, ct_dims)
        in_cts = flat_bwd(*res, *cts)
        out = []
        for c, cd, d in zip(in_cts, ct_dims, dims, strict=True):
            if c is not None and d is None and cd is not None:
                c = reduce_sum_p.bind(c, axes=(cd,), keepdims=False, dtype=None)
            elif c is not None and d is not None:
                c = _conform(c, cd, d, size)
            out.append(c)
        return out

    with set_trace(trace.parent):
        outs = custom_vjp_call_p.bind(*vals, fun=_Named(batched_fun, _label(fun)),
                                      fwd=_Named(batched_fwd, _label(fwd)),
                                      bwd=_Named(batched_bwd, _label(bwd)))
    dims_out = out_dims or [None] * len(outs)
    return [o if d is None else BatchTracer(trace, o, d)
            for o, d in zip(outs, dims_out, strict=True)]


custom_vjp_call_p.jvp = _custom_vjp_call_jvp
trace_rules[custom_vjp_call_p] = _custom_vjp_call_trace_rule


class custom_vjp(_CustomFunction):
    """A function with a custom VJP rule (``jax.custom_vjp``): ``fwd`` returns
    ``(out, residuals)``, ``bwd(residuals, ct)`` the tuple of input cotangents.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> @vmapx.custom_vjp
    ... def clip_grad(x):
    ...     return x
    >>> clip_grad.defvjp(lambda x: (x, None), lambda res, g: (jnp.clip(g, -1.0, 1.0),))
    >>> vmapx.grad(lambda x: 3.0 * clip_grad(x))(2.0)
    array(1.)
    """

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self.fwd = None
        self.bwd = None
        self.symbolic_zeros = False

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        """Set ``fwd(*args) -> (out, res)`` and ``bwd(*nondiff_args, res, ct) -> cts``.

        With ``symbolic_zeros`` each argument leaf reaches ``fwd`` as a
        ``CustomVJPPrimal(value, perturbed)`` and each zero output cotangent
        reaches ``bwd`` as a ``SymbolicZero``."""
        self.fwd = fwd
        self.bwd = bwd
        self.symbolic_zeros = bool(symbolic_zeros)

    def __call__(self, *args, **kwargs):
        name = _name(self.fun)
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        n, nondiff, dyn, leaves, in_tree, nd_vals = self._split_call(args, kwargs)
        in_avals = [get_aval(x) for x in leaves]
        user_fun, user_fwd, user_bwd = self.fun, self.fwd, self.bwd
        out_trees, res_trees = [], []

        flat_fun = _flat_user_fun(user_fun, in_tree, out_trees, nondiff, n)

        symbolic = self.symbolic_zeros
        out_avals_box: list = []

        def flat_fwd(perturbed, *xs):
            if symbolic:
                xs = [CustomVJPPrimal(x, p) for x, p in zip(xs, perturbed, strict=True)]
            res = user_fwd(*_merge(nondiff, tu.tree_unflatten(in_tree, xs), n))
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise TypeError(f"Custom VJP fwd rule {_name(user_fwd)} for function {name} "
                                "must produce a pair (list or tuple of length two) where the "
                                "first element represents the primal output (equal to those "
                                f"of the custom_vjp-decorated function {name}) and the "
                                "second element represents residuals (i.e. values stored "
                                "from the forward pass for use on the backward pass), but "
                                f"instead of a pair the fwd rule {_name(user_fwd)} produced "
                                f"{res}.")
            out, r = res
            out_leaves, out_tree = tu.tree_flatten(out)
            r_leaves, r_tree = tu.tree_flatten(r)
            out_trees.append(out_tree)
            res_trees.append(r_tree)
            out_avals_box[:] = [_tangent_aval(o) for o in out_leaves]
            return out_leaves, r_leaves

        def flat_bwd(res, cts):
            r = tu.tree_unflatten(res_trees[-1], res)
            cts = [(SymbolicZero(a) if symbolic else zeros_like_aval(a)) if c is None else c
                   for c, a in zip(cts, out_avals_box, strict=True)]
            ct = tu.tree_unflatten(out_trees[-1], cts)
            got = user_bwd(*nd_vals, r, ct)
            if isinstance(got, list):
                got = tuple(got)
            got_leaves = _bwd_leaves(got, dyn)
            out = []
            for k, (c, a) in enumerate(zip(got_leaves, in_avals, strict=True)):
                if not is_differentiable(a.dtype):
                    out.append(None)
                    continue
                if _is_zero(c):
                    out.append(zeros_like_aval(a))
                    continue
                ca = get_aval(c)
                if tuple(ca.shape) != tuple(a.shape):
                    raise ValueError(
                        "Custom VJP bwd rule must produce an output with the same type as the "
                        f"args tuple of the primal function, but at output[{k}] the bwd rule "
                        f"produced an output of type {ca.str_short()} corresponding to an "
                        f"input of type {a.str_short()}, so the shapes do not match")
                out.append(c)
            return out

        outs = custom_vjp_call_p.bind(*leaves, fun=_Named(flat_fun, name),
                                      fwd=_Named(flat_fwd, _name(user_fwd)),
                                      bwd=_Named(flat_bwd, _name(user_bwd)))
        return tu.tree_unflatten(out_trees[-1], outs)
