"""User-defined batching rules: ``custom_vmap`` and ``sequential_vmap``.

A call of a ``custom_vmap`` function binds ``custom_vmap_call(*leaves, fun,
rule)``: evaluation (and staging) runs ``fun``; under ``vmap`` the batching
rule calls the user's rule ``rule(axis_size, in_batched, *args) -> (out,
out_batched)`` on the arguments with their batch axes at the front. Its JVP is
another ``custom_vmap_call`` whose function is the JVP of ``fun`` and whose
rule differentiates the user's rule (inputs batched in both primal and tangent
go to the user's rule; those batched in only one of them are mapped over with
an inner vmap that infers its output axes), so ``vmap`` of ``jvp`` and ``jvp``
of ``vmap`` both use the rule, as in JAX.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from . import tree as tu
from .autodiff import NOT_LINEARIZABLE, jvp_flat, zeros_like_aval
from .batching import BatchTrace, BatchTracer, bdim_to_front
from .core import AxisData, Primitive, Tracer, current_trace, get_aval, set_trace
from .custom_functions import _flat_user_fun, _Named, _name, _trace_out_avals
from .lax_loops import scan

__all__ = ["custom_vmap", "sequential_vmap", "custom_vmap_call_p"]

def _custom_vmap_call_impl(*args, fun, rule):
    return fun(*args)


def _custom_vmap_call_abstract(*avals, fun, rule):
    return _trace_out_avals(fun, avals)


def _custom_vmap_call_batch(axis, vals, dims, *, fun, rule):
    front = [v if d is None else bdim_to_front(v, d) for v, d in zip(vals, dims, strict=True)]
    outs, out_batched = rule(axis.size, [d is not None for d in dims], front)
    return outs, [0 if b else None for b in out_batched]


def _vmap_unrestricted(fun, args, in_dims, size):
    """``fun`` (flat) mapped over ``in_dims``; returns the outputs and their batch dims
    (``None`` for an output the mapping left unbatched)."""
    trace = BatchTrace(current_trace(), AxisData(None, size))
    boxed = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims,
                                                                           strict=True)]
    with set_trace(trace):
        outs = fun(*boxed)
    return trace.unbox(outs)


def _custom_vmap_call_jvp(primals, tangents, *, fun, rule):
    n = len(primals)
    tangents = [zeros_like_aval(get_aval(p)) if t is None else t
                for p, t in zip(primals, tangents, strict=True)]

    def jvp_fun(*xs):
        outs, touts = jvp_flat(lambda ps: fun(*ps), list(xs[:n]), list(xs[n:]))
        return list(outs) + [zeros_like_aval(get_aval(o)) if t is None else t
                             for o, t in zip(outs, touts, strict=True)]

    def jvp_rule(axis_size, in_batched, leaves):
        pb, tb = in_batched[:n], in_batched[n:]
        mutual = [p and t for p, t in zip(pb, tb, strict=True)]
        extra = ([0 if p and not t else None for p, t in zip(pb, tb, strict=True)]
                 + [0 if t and not p else None for p, t in zip(pb, tb, strict=True)])
        rule_batched: list = []

        def user_rule_jvp(*xs):
            def at(ps):
                outs, ob = rule(axis_size, mutual, list(ps))
                rule_batched[:] = ob
                return outs
            outs, touts = jvp_flat(at, list(xs[:n]), list(xs[n:]))
            return list(outs) + [zeros_like_aval(get_aval(o)) if t is None else t
                                 for o, t in zip(outs, touts, strict=True)]

        outs, dims = _vmap_unrestricted(user_rule_jvp, leaves, extra, axis_size)
        outs = [o if d is None else bdim_to_front(o, d) for o, d in zip(outs, dims,
                                                                         strict=True)]
        m = len(outs) // 2
        batched = [rule_batched[i % m] or d is not None for i, d in enumerate(dims)]
        return outs, batched

    outs = custom_vmap_call_p.bind(*primals, *tangents, fun=_Named(jvp_fun, "jvp"),
                                   rule=jvp_rule)
    m = len(outs) // 2
    return outs[:m], outs[m:]


def _custom_vmap_call_transpose(cts, *args, fun, rule):
    raise ValueError(NOT_LINEARIZABLE)


custom_vmap_call_p = Primitive("custom_vmap_call", _custom_vmap_call_impl,
                               abstract=_custom_vmap_call_abstract,
                               batch=_custom_vmap_call_batch, jvp=_custom_vmap_call_jvp,
                               transpose=_custom_vmap_call_transpose, multiple_results=True)


def _rule_name(rule):
    return getattr(rule, "__name__", "<unnamed rule>")


class custom_vmap:
    """A function with a custom batching rule (``jax.custom_batching.custom_vmap``).

    ``def_vmap(rule)`` sets ``rule(axis_size, in_batched, *args) -> (out,
    out_batched)``: ``in_batched`` is a list with one pytree of bools per
    argument (batched arguments have their batch axis first), ``out_batched``
    a pytree of bools with the structure of ``out``.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx.custom_batching import custom_vmap
    >>> @custom_vmap
    ... def f(x):
    ...     return jnp.sin(x)
    >>> @f.def_vmap
    ... def rule(axis_size, in_batched, xs):
    ...     return jnp.cos(xs), in_batched[0]
    >>> f(0.0), vmapx.vmap(f)(np.zeros(2))
    (array(0.), array([1., 1.]))
    """

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.vmap_rule = None

    def def_vmap(self, vmap_rule):
        """Set the batching rule (returned, so this works as a decorator)."""
        self.vmap_rule = vmap_rule
        return vmap_rule

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def _resolve(self, args, kwargs):
        """The call's arguments as positional ones (JAX's error when they cannot be)."""
        try:
            signature = inspect.signature(self.fun)
        except (TypeError, ValueError):  # no signature to check against
            if kwargs:
                raise TypeError("keyword arguments need a function with a signature") from None
            return tuple(args)
        try:
            bound = signature.bind(*args, **kwargs)  # defaults stay the function's own
            if bound.kwargs:
                raise TypeError("The following keyword arguments could not be resolved to "
                                f"positions: {', '.join(bound.kwargs)}")
        except TypeError as e:
            raise TypeError("The input arguments to the custom_vmap-decorated function "
                            f"{_name(self.fun)} could not be resolved to positional-only "
                            f"arguments. Binding failed with the error:\n{e}") from e
        return bound.args

    def __call__(self, *args, **kwargs):
        name = _name(self.fun)
        args = self._resolve(args, kwargs)
        if self.vmap_rule is None:
            raise AttributeError(f"No batching rule defined for custom_vmap function {name} "
                                 "using def_vmap.")
        leaves, in_tree = tu.tree_flatten(args)
        out_trees: list = []
        user_fun, user_rule = self.fun, self.vmap_rule

        flat_fun = _flat_user_fun(user_fun, in_tree, out_trees)

        def flat_rule(axis_size, flat_in_batched, xs):
            in_batched = tu.tree_unflatten(in_tree, list(flat_in_batched))
            out, out_batched = user_rule(int(axis_size), list(in_batched),
                                         *tu.tree_unflatten(in_tree, xs))
            out_leaves, tree1 = tu.tree_flatten(out)
            batched_leaves, tree2 = tu.tree_flatten(out_batched)
            if tree1 != tree2:
                raise ValueError("structure of output value and output batching "
                                 f"specification returned by custom vmap rule "
                                 f"({_rule_name(user_rule)}) do not match.\n"
                                 f"Output values: {tree1}\nBatching spec: {tree2}")
            if tree1 != out_trees[0]:
                raise ValueError(f"structure of output returned by custom vmap rule "
                                 f"({_rule_name(user_rule)}) does not match that of original "
                                 f"custom-vmapped function.\nOriginal output: "
                                 f"{out_trees[0]}\nRule output: {tree1}")
            return out_leaves, [bool(b) for b in batched_leaves]

        fun = _Named(flat_fun, name)
        _trace_out_avals(fun, [get_aval(x) for x in leaves])  # the output tree, traced once
        outs = custom_vmap_call_p.bind(*leaves, fun=fun,
                                       rule=_Named(flat_rule, _rule_name(user_rule)))
        outs = [o if isinstance(o, (np.ndarray, Tracer)) else np.asarray(o) for o in outs]
        return tu.tree_unflatten(out_trees[0], outs)


def sequential_vmap(f):
    """``custom_vmap`` whose rule maps ``f`` over the batch with ``lax.map`` (one
    call per element): for functions that cannot handle a batch axis.

    >>> import numpy as np, vmapx
    >>> from vmapx.custom_batching import sequential_vmap
    >>> @sequential_vmap
    ... def f(x):
    ...     assert x.ndim == 0
    ...     return x + 1.0
    >>> vmapx.vmap(f)(np.arange(3.0))
    array([1., 2., 3.])
    """
    f = custom_vmap(f)

    @f.def_vmap
    def rule(axis_size, in_batched, *args):
        mapped = tu.tree_map(lambda b, x: x if b else None, in_batched, list(args))
        fixed = tu.tree_map(lambda b, x: None if b else x, in_batched, list(args))

        def one(mapped_args):
            merged = tu.tree_map(lambda b, m, c: m if b else c, in_batched, mapped_args, fixed,
                                 is_leaf=lambda x: x is None)
            return f(*merged)

        _, out = scan(lambda _, m: ((), one(m)), (), mapped)   # lax.map, one at a time
        return out, tu.tree_map(lambda _: True, out)

    return f
