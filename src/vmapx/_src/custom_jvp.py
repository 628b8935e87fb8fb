"""``custom_jvp``: a function with a user-defined JVP rule, and its primitive.

A call binds ``custom_jvp_call(*args, fun, jvp)``: evaluation calls ``fun``;
the JVP rule calls the user's ``jvp`` (reverse mode transposes what that rule
staged, so the rule must be linear in the tangents, as in JAX).  Under
``vmap`` it runs through a ``BatchTrace`` rule that re-enters the vmap's trace
around each user function, so rules may close over the vmap's tracers.
"""
from __future__ import annotations

import numpy as np

from . import inputs
from . import tree as tu
from .core import Primitive, Tracer, get_aval, set_trace
from .batching import BatchTracer, trace_rules
from .staging import eval_jaxpr, trace_to_jaxpr
from .autodiff import aval_of, float0, is_differentiable, is_undefined, zeros_like_aval
from .jnp.base import astype
from .prims.control_bodies import transpose_jaxpr
from .custom_functions import (SymbolicZero, _conform, _CustomFunction, _flat_user_fun, _label,
                               _name, _Named, _tangent_aval, _tangent_zeros, _trace_out_avals)

# --------------------------------------------------------------- custom_jvp


def _custom_jvp_call_impl(*args, fun, jvp):
    return fun(*args)


custom_jvp_call_p = Primitive("custom_jvp_call", _custom_jvp_call_impl, multiple_results=True,
                              abstract=lambda *avals, fun, jvp: _trace_out_avals(fun, avals))


def _custom_jvp_call_jvp(primals, tangents, *, fun, jvp):
    # Zero tangents stay None: the rule wrapper makes them explicit zeros, or
    # SymbolicZeros for a rule defined with symbolic_zeros=True.
    outs, touts = jvp(list(primals), list(tangents))
    return outs, [t if is_differentiable(get_aval(o).dtype) else None
                  for o, t in zip(outs, touts, strict=True)]


def _custom_jvp_call_trace_rule(trace, vals, dims, params):
    """vmap of ``custom_jvp_call``: ``fun`` and ``jvp`` run with this vmap's trace
    re-entered, so they may close over its tracers (also hidden in nondiff args)."""
    fun, jvp = params["fun"], params["jvp"]
    n, size = len(vals), trace.axis.size
    out_dims: list = []
    jvp_dims: list = []

    def flat_jvp(*xs):
        outs, touts = jvp(list(xs[:n]), list(xs[n:]))
        return list(outs) + list(touts)

    batched_fun = trace.reenter(fun, dims, out_dims)

    def batched_jvp(primals, tangents):
        tangent_dims = [None if t is None else d for t, d in zip(tangents, dims, strict=True)]
        both = trace.reenter(flat_jvp, list(dims) + tangent_dims, jvp_dims)(*primals,
                                                                             *tangents)
        m = len(both) // 2
        outs, touts, final = both[:m], both[m:], []
        for i, (dp, dt) in enumerate(zip(jvp_dims[:m], jvp_dims[m:], strict=True)):
            d = dp if dp is not None else dt
            outs[i] = _conform(outs[i], dp, d, size)
            touts[i] = _conform(touts[i], dt, d, size)
            final.append(d)
        out_dims[:] = final
        return outs, touts

    with set_trace(trace.parent):
        outs = custom_jvp_call_p.bind(*vals, fun=_Named(batched_fun, _label(fun)),
                                      jvp=_Named(batched_jvp, _label(jvp)))
    dims_out = out_dims or [None] * len(outs)
    return [o if d is None else BatchTracer(trace, o, d)
            for o, d in zip(outs, dims_out, strict=True)]


def _custom_jvp_call_transpose(cts, *args, fun, jvp):
    """Reverse mode through a ``custom_jvp`` call that is linear in its undefined
    inputs (a linear JVP rule calling the function on tangents): transpose the
    function itself, as JAX does."""
    linear = [is_undefined(a) for a in args]
    closed = trace_to_jaxpr(lambda *xs: list(fun(*xs)), [aval_of(a) for a in args])
    ct_nz = tuple(c is not None for c in cts)
    if not any(ct_nz):
        return [None] * len(args)
    transposed = transpose_jaxpr(closed, linear, ct_nz)
    known = [a for a, lin in zip(args, linear, strict=True) if not lin]
    out = iter(eval_jaxpr(transposed.jaxpr, transposed.consts, *known,
                          *[c for c in cts if c is not None]))
    return [next(out) if lin else None for lin in linear]


custom_jvp_call_p.jvp = _custom_jvp_call_jvp
custom_jvp_call_p.transpose = _custom_jvp_call_transpose
trace_rules[custom_jvp_call_p] = _custom_jvp_call_trace_rule


class custom_jvp(_CustomFunction):
    """A function with a custom JVP rule (``jax.custom_jvp``).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> @vmapx.custom_jvp
    ... def f(x):
    ...     return jnp.sin(x)
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return f(x), 2.0 * t          # a deliberately different derivative
    >>> vmapx.vmap(vmapx.grad(f))(np.array([0.0, 1.0]))
    array([2., 2.])
    """

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self.jvp = None
        self.symbolic_zeros = False

    def defjvp(self, jvp, symbolic_zeros=False):
        """Set the rule ``jvp(*nondiff_args, primals, tangents) -> (out, tangent_out)``
        (returned, so this works as a decorator). With ``symbolic_zeros`` the rule
        receives a ``SymbolicZero`` for each zero tangent, and may return them."""
        self.jvp = jvp
        self.symbolic_zeros = bool(symbolic_zeros)
        return jvp

    def defjvps(self, *jvps):
        """Set the JVP from one rule per argument, ``jvp_i(t_i, out, *primals)``
        (``None`` for an argument with a zero derivative)."""
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals, tangents):
            out = self(*primals)
            tan = None
            for rule, t in zip(jvps, tangents, strict=True):
                if rule is None:
                    continue
                term = rule(t, out, *primals)
                tan = term if tan is None else tu.tree_map(lambda a, b: a + b, tan, term)
            if tan is None:
                tan = tu.tree_map(lambda o: zeros_like_aval(get_aval(o)), out)
            return out, tan
        self.defjvp(jvp)

    def __call__(self, *args, **kwargs):
        name = _name(self.fun)
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        n, nondiff, _, leaves, in_tree, nd_vals = self._split_call(args, kwargs)
        out_trees = []
        user_fun, user_jvp = self.fun, self.jvp

        flat_fun = _flat_user_fun(user_fun, in_tree, out_trees, nondiff, n)

        symbolic = self.symbolic_zeros

        def flat_jvp(primals, tangents):
            tangents = [(SymbolicZero(_tangent_aval(x)) if symbolic else _tangent_zeros(x))
                        if t is None else t for x, t in zip(primals, tangents, strict=True)]
            p = tu.tree_unflatten(in_tree, primals)
            t = tu.tree_unflatten(in_tree, tangents)
            res = user_jvp(*nd_vals, p, t)
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise TypeError(f"Custom JVP rule {_name(user_jvp)} for function {name} must "
                                "produce a pair (list or tuple of length two) representing "
                                f"primal and tangent outputs, but got {res!r}.")
            out, tan = res
            out_leaves, out_tree = tu.tree_flatten(out)
            tan_leaves, tan_tree = tu.tree_flatten(tan)
            if out_tree != tan_tree:
                raise TypeError(f"Custom JVP rule {_name(user_jvp)} for function {name} must "
                                "produce primal and tangent outputs with equal container "
                                f"(pytree) structures, but got {out_tree} and {tan_tree} "
                                "respectively.")
            tan_arrays = []
            for o, t_ in zip(out_leaves, tan_leaves, strict=True):
                if isinstance(t_, SymbolicZero):
                    tan_arrays.append(None)  # stays a symbolic zero downstream
                    continue
                oa, ta = get_aval(o), get_aval(t_)
                expected = oa.dtype if is_differentiable(oa.dtype) else float0
                if tuple(oa.shape) != tuple(ta.shape) or (
                        ta.dtype != expected and not (ta.weak_type and inputs.is_inexact(expected))):
                    exp = f"{expected.name}[{','.join(map(str, oa.shape))}]"
                    raise TypeError("Custom JVP rule must produce primal and tangent outputs "
                                    f"with corresponding shapes and dtypes. Expected {exp} "
                                    f"(tangent type of {oa.str_short()}) but got "
                                    f"{ta.str_short()}.")
                # A weak-typed tangent (a Python scalar) becomes an array of the
                # output's dtype, as JAX's tangents always are.
                cast = expected != float0 and (ta.dtype != expected or
                                               not isinstance(t_, (Tracer, np.ndarray)))
                tan_arrays.append(astype(t_, expected) if cast else t_)
            out_trees.append(out_tree)
            return out_leaves, tan_arrays

        outs = custom_jvp_call_p.bind(*leaves, fun=_Named(flat_fun, name),
                                      jvp=_Named(flat_jvp, _name(user_jvp)))
        return tu.tree_unflatten(out_trees[0], outs)
