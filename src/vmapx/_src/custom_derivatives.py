"""User-defined derivative rules: ``custom_jvp`` and ``custom_vjp``.

A call of a decorated function binds one higher-order primitive whose
parameters are the flat user functions:

* ``custom_jvp_call(*args, fun, jvp)``: evaluation calls ``fun``; the JVP rule
  calls the user's ``jvp`` (reverse mode transposes what that rule staged, so
  the rule must be linear in the tangents, as in JAX).
* ``custom_vjp_call(*args, fun, fwd, bwd)``: evaluation calls ``fun``; the JVP
  rule runs ``fwd`` and emits ``custom_lin(*residuals, *tangents, bwd)``, a
  linear primitive that cannot be evaluated (forward mode over a custom_vjp
  function is an error, as in JAX) but whose transpose calls ``bwd``.

Under ``vmap`` both run through a ``BatchTrace`` rule (``batching.trace_rules``)
that re-enters the vmap's trace around each user function wherever it is
called, so rules may close over the vmap's tracers (as in JAX).
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from . import inputs
from . import tree as tu
from .core import Primitive, ShapedArray, Tracer, get_aval, set_trace
from .batching import BatchTracer, matchaxis, trace_rules
from .prims.reductions import reduce_sum_p
from .staging import eval_jaxpr, trace_to_jaxpr
from .jit_program import runner
from .autodiff import aval_of, float0, is_differentiable, is_undefined, zeros_like_aval
from .jnp.base import astype
from .prims.control_bodies import transpose_jaxpr

# ------------------------------------------------------------------ helpers


def _resolve_args(fun, args, kwargs):
    """Keyword arguments moved to their positions (defaults filled in)."""
    if not kwargs:
        return tuple(args)
    try:
        ba = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{e}") from None
    ba.apply_defaults()
    if ba.kwargs:
        raise TypeError("keyword arguments could not be resolved to positions")
    return ba.args


def _nondiff_positions(fun, nondiff_argnums, nondiff_argnames):
    """``nondiff_argnums`` with the positions of ``nondiff_argnames`` added."""
    nums = set(int(i) for i in nondiff_argnums)
    if nondiff_argnames:
        params = list(inspect.signature(fun).parameters)
        for name in nondiff_argnames:
            if name not in params:
                raise ValueError(f"nondiff_argnames: {name!r} is not a parameter of "
                                 f"{_name(fun)}")
            nums.add(params.index(name))
    return tuple(sorted(nums))


class SymbolicZero:
    """A zero tangent or cotangent known to be zero without its values: what rules
    defined with ``symbolic_zeros=True`` receive (``jax.custom_derivatives.SymbolicZero``).

    >>> import numpy as np
    >>> from vmapx.custom_derivatives import SymbolicZero
    >>> z = SymbolicZero(ShapedArray((2,), np.dtype('float64')))
    >>> z.shape, z.dtype, z.instantiate()
    ((2,), dtype('float64'), array([0., 0.]))
    """

    def __init__(self, aval):
        self.aval = aval

    @property
    def shape(self):
        return tuple(self.aval.shape)

    @property
    def dtype(self):
        return self.aval.dtype

    def instantiate(self):
        """Explicit zeros of this shape and dtype."""
        return np.zeros(self.aval.shape, self.aval.dtype)

    def __repr__(self):
        return f"SymbolicZero({self.aval.str_short()})"


class CustomVJPPrimal:
    """A primal input as a ``custom_vjp`` fwd rule defined with
    ``symbolic_zeros=True`` receives it: ``value`` and whether it is
    ``perturbed`` (has a non-zero tangent).

    >>> CustomVJPPrimal(1.0, True)
    CustomVJPPrimal(value=1.0, perturbed=True)
    """

    def __init__(self, value, perturbed):
        self.value = value
        self.perturbed = perturbed

    def __repr__(self):
        return f"CustomVJPPrimal(value={self.value!r}, perturbed={self.perturbed!r})"


def _tangent_aval(x):
    a = get_aval(x)
    return ShapedArray(a.shape, a.dtype if is_differentiable(a.dtype) else np.dtype(float0))


def zero_from_primal(val, symbolic_zeros=False):
    """The zero tangent of the pytree ``val``: ``SymbolicZero``s with
    ``symbolic_zeros``, else explicit zeros (``float0`` for non-float leaves).

    >>> import numpy as np
    >>> z = zero_from_primal({'a': np.ones(2), 'n': 3})
    >>> z['a'], z['n'].dtype == float0
    (array([0., 0.]), True)
    >>> zero_from_primal(np.ones(2), symbolic_zeros=True)
    SymbolicZero(float64[2])
    """
    def zero(x):
        z = SymbolicZero(_tangent_aval(x))
        return z if symbolic_zeros else z.instantiate()
    return tu.tree_map(zero, val)


def _is_zero(x):
    return x is None or isinstance(x, SymbolicZero)


def _split_nondiff(args, nondiff_argnums):
    nondiff = {i: args[i] for i in nondiff_argnums}
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)
    return nondiff, dyn


def _merge(nondiff, dyn, n):
    it = iter(dyn)
    return tuple(nondiff[i] if i in nondiff else next(it) for i in range(n))


def _tangent_zeros(x):
    return zeros_like_aval(get_aval(x))


def _trace_out_avals(fun, avals):
    """The output avals of ``fun`` at ``avals``; the jaxpr traced to find them is
    kept on ``fun`` so that evaluating the staged call does not run the user's
    Python function a second time (``jit`` of a custom function traces it once)."""
    closed = trace_to_jaxpr(lambda *xs: list(fun(*xs)), avals)
    if isinstance(fun, _Named) and not closed.has_tracer_consts():
        fun.staged = (tuple(avals), closed)
    return closed.out_avals


def _name(fun):
    return getattr(fun, "__name__", repr(fun))


class _Named:
    """A flat user function as a primitive parameter, printed by its role and
    the user function's name in jaxprs (hashed by identity)."""
    __slots__ = ("fn", "label", "staged")

    def __init__(self, fn, label):
        self.fn = fn
        self.label = label
        self.staged = None  # (avals, ClosedJaxpr) once traced by abstract evaluation

    def __call__(self, *args):
        """``fn(*args)``, or its staged jaxpr where abstract evaluation traced it at
        these avals (the user's Python function runs once per staging)."""
        staged = self.staged
        if staged is not None and staged[0] == tuple(get_aval(a) for a in args):
            if any(isinstance(a, Tracer) for a in args):
                return eval_jaxpr(staged[1].jaxpr, staged[1].consts, *args)
            return runner(staged[1], finish=False)(*args)
        return self.fn(*args)

    def __repr__(self):
        return self.label


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


def _label(fn):
    return fn.label if isinstance(fn, _Named) else _name(fn)


def _conform(x, src, dst, size):
    """``x`` with its batch axis moved (or an unmapped ``x`` broadcast) to ``dst``."""
    if src == dst or x is None:
        return x
    return matchaxis(x, src, dst, size)


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


class _CustomFunction:
    """What ``custom_jvp`` and ``custom_vjp`` share: the wrapped function, its
    non-differentiable positions, method binding, and the split of a call's
    arguments into non-differentiable values and flattened differentiable leaves."""

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_positions(fun, nondiff_argnums, nondiff_argnames)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __getattr__(self, name):
        """Other attributes are the wrapped function's (``custom_vjp(custom_vmap(f))``
        still has ``def_vmap``), as in JAX."""
        fun = self.__dict__.get("fun")
        if fun is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(fun, name)

    def _split_call(self, args, kwargs):
        """``(n_args, nondiff, dyn, leaves, in_tree, nondiff_values)`` of a call: ``dyn``
        the differentiable arguments, ``leaves`` and ``in_tree`` their flattening."""
        args = _resolve_args(self.fun, args, kwargs)
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tu.tree_flatten(dyn)
        nd_vals = tuple(nondiff[i] for i in sorted(nondiff))
        return len(args), nondiff, dyn, leaves, in_tree, nd_vals


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

        def flat_fun(*xs):
            out = user_fun(*_merge(nondiff, tu.tree_unflatten(in_tree, xs), n))
            out_leaves, out_tree = tu.tree_flatten(out)
            out_trees.append(out_tree)
            return out_leaves

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

        def flat_fun(*xs):
            out = user_fun(*_merge(nondiff, tu.tree_unflatten(in_tree, xs), n))
            out_leaves, out_tree = tu.tree_flatten(out)
            out_trees.append(out_tree)
            return out_leaves

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


__all__ = ["custom_jvp", "custom_vjp", "SymbolicZero", "CustomVJPPrimal", "zero_from_primal", "custom_jvp_call_p", "custom_vjp_call_p", "custom_lin_p"]
