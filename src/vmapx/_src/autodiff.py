"""The automatic differentiation transform: forward mode (``JVPTrace``) and
reverse mode as linearize + transpose (``linearize_flat``, ``backward_pass``),
with the helpers the primitives' JVP and transpose rules share.  The
user-facing ``grad``, ``jvp``, ``vjp``, Jacobians etc. are in ``autodiff_api``.

Forward mode.  A ``JVPTracer`` holds ``(primal, tangent)``.  ``JVPTrace``
unboxes its own tracers (anything else has a zero tangent), and applies the
primitive's JVP rule ``jvp(primals, tangents, **params)`` with its parent trace
current, so the rule's binds go one level down.  A tangent of ``None`` is a
symbolic zero: a primitive whose tangents are all zero is simply bound on the
parent, and a zero output tangent leaves the output unboxed.

Reverse mode.  ``linearize_flat`` runs the function under a ``JVPTrace`` whose
parent is a ``StagingTrace``, with the actual primal values and fresh staging
tracers as tangents.  Primal computations touch no staging tracer, so the
staging trace forwards them to its parent: they run eagerly (on plain arrays,
or on the tracers of enclosing transforms).  Tangent computations are staged
into a *linear* jaxpr whose constants are the residuals.  ``backward_pass``
walks that jaxpr in reverse, calling each linear primitive's transpose rule
``transpose(ct, *args, **params)`` -- ``UndefinedPrimal`` marks the linear
inputs -- and binding primitives for every cotangent, so reverse mode composes
with any enclosing transform (``vmap(grad(f))``) and any inner one
(``grad(vmap(f))``: batching rules bind linear primitives on the JVP trace).
"""
from __future__ import annotations

import numpy as np

from . import inputs
from .core import (ShapedArray, Trace, Tracer, _state, current_trace, get_aval, no_rule,
                   primitives, set_trace)
from .staging import eval_jaxpr, StagingTrace, StagingTracer
from .ir import Jaxpr, Literal, type_str

float0 = np.dtype([("float0", np.void, 0)])
"""The dtype of tangents and cotangents of integer and boolean values (as JAX's)."""

# ------------------------------------------------------------------ helpers


class UndefinedPrimal:
    """Marks a linear input of a transpose rule (its value is what we solve for)."""
    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x) -> bool:
    """Whether a transpose-rule argument is a linear (undefined) input."""
    return type(x) is UndefinedPrimal


def aval_of(x) -> ShapedArray:
    """The aval of a transpose-rule argument, defined or not."""
    return x.aval if type(x) is UndefinedPrimal else get_aval(x)


def is_differentiable(dtype) -> bool:
    dt = np.dtype(dtype)   # the common case is one kind test; bfloat16 & co. by name
    return dt.kind in "fc" or dt.name in inputs.ML_FLOATS


def zeros_like_aval(aval: ShapedArray):
    """Concrete zeros of ``aval``'s shape and dtype (``float0`` for non-float dtypes)."""
    return np.zeros(aval.shape, aval.dtype if is_differentiable(aval.dtype) else float0)


def instantiate(t, primal):
    """A tangent made concrete: zeros of ``primal``'s aval when symbolically zero."""
    if t is not None:
        return t
    a = get_aval(primal)
    return np.zeros(a.shape, a.dtype)


def linear_jvp(prim, linear=None):
    """JVP rule of a primitive linear in the operands at positions ``linear``
    (all by default; the others, e.g. index arrays, are passed as they are)."""
    def jvp(primals, tangents, **params):
        out = prim.bind(*primals, **params)
        targs = []
        for i, (p, t) in enumerate(zip(primals, tangents, strict=True)):
            if linear is not None and i not in linear:
                targs.append(p)
            else:
                targs.append(instantiate(t, p))
        return out, prim.bind(*targs, **params)
    return jvp


def zero_jvp(prim):
    """JVP rule of a primitive with a zero (or integer-valued) derivative."""
    def jvp(primals, tangents, **params):
        return prim.bind(*primals, **params), (
            [None] * len(prim.abstract(*map(get_aval, primals), **params))
            if prim.multiple_results else None)
    return jvp


def add_tangents(a, b):
    """Sum of two (co)tangents, either of which may be a symbolic zero."""
    if a is None:
        return b
    if b is None:
        return a
    return primitives["add"].bind(a, b)


# -------------------------------------------------------------- forward mode


class JVPTracer(Tracer):
    """A value being differentiated: its primal and its (nonzero) tangent."""
    __slots__ = ("primal", "tangent", "_aval")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self._aval = None

    @property
    def aval(self):
        a = self._aval
        if a is None:
            a = self._aval = get_aval(self.primal)
        return a

    def __repr__(self):
        # JAX's: GradTracer(primal=1.0, typeof(tangent)=f64[]) while the tangent is
        # staged (grad, vjp, linearize), JVPTracer(primal=1.0, tangent=1.0) under jvp
        t = self.tangent
        if type(t) is StagingTracer:
            return f"GradTracer(primal={self.primal}, typeof(tangent)={type_str(t.aval)})"
        shown = f"Zero({type_str(self.aval)})" if t is None else t
        return f"JVPTracer(primal={self.primal}, tangent={shown})"

    def is_concrete(self):
        p = self.primal
        return p.is_concrete() if isinstance(p, Tracer) else True

    def to_concrete(self, data=False):
        # Decisions see the primal (Python control flow under grad, as in JAX); as
        # data the value has none: its derivative would silently be lost.
        if data:
            return None
        p = self.primal
        return p.to_concrete() if isinstance(p, Tracer) else np.asarray(p)


class JVPTrace(Trace):
    """The trace of one forward-mode differentiation."""
    __slots__ = ()

    def __init__(self, parent):
        self.parent = parent

    def process(self, prim, args, params):
        primals = []
        tangents = []
        zero = True
        for a in args:
            if type(a) is JVPTracer and a._trace is self:
                primals.append(a.primal)
                tangents.append(a.tangent)
                zero = False
            else:
                primals.append(a)
                tangents.append(None)
        if zero:  # none of ours: a constant to this trace
            return self.parent.process(prim, args, params)
        rule = prim.jvp
        if rule is None:
            raise no_rule(prim, "JVP")
        st = _state
        prev = st.trace
        st.trace = self.parent
        try:
            out, tan = rule(primals, tangents, **params)
        finally:
            st.trace = prev
        if prim.multiple_results:
            return [o if t is None else JVPTracer(self, o, t)
                    for o, t in zip(out, tan, strict=True)]
        return out if tan is None else JVPTracer(self, out, tan)


def unbox(trace, x):
    """(primal, tangent) of an output of a function run under ``trace``."""
    if type(x) is JVPTracer and x._trace is trace:
        return x.primal, x.tangent
    return x, None


def jvp_flat(fun, primals, tangents):
    """Push ``tangents`` (``None`` = zero) through ``fun`` (flat: list -> list)
    at ``primals``; returns the output primals and tangents (``None`` = zero).

    >>> import numpy as np
    >>> from vmapx._src.prims.elementwise import sin_p
    >>> jvp_flat(lambda xs: [sin_p.bind(xs[0]), xs[1]], [0.0, 1.0], [2.0, None])
    ([np.float64(0.0), 1.0], [np.float64(2.0), None])
    """
    outs, tans, _ = jvp_traced(fun, primals, tangents)
    return outs, tans


def jvp_traced(fun, primals, tangents):
    """``jvp_flat`` that also returns the JVP trace (to unbox auxiliary outputs)."""
    trace = JVPTrace(current_trace())
    boxed = [p if t is None else JVPTracer(trace, p, t)
             for p, t in zip(primals, tangents, strict=True)]
    with set_trace(trace):
        outs = fun(boxed)
    pairs = [unbox(trace, o) for o in outs]
    return [p for p, _ in pairs], [t for _, t in pairs], trace


# -------------------------------------------------------------- reverse mode


class LinearFunction:
    """The linearization of a function at a point: a linear jaxpr from input
    tangents to output tangents, with the residuals as its constants.

    ``in_vars[i]``/``out_vars[j]`` is the jaxpr variable of the i-th input /
    j-th output tangent, or ``None`` where it is zero (integer inputs, outputs
    that do not depend on the inputs).
    """
    __slots__ = ("jaxpr", "consts", "in_avals", "out_avals", "in_vars", "out_vars")

    def __init__(self, jaxpr, consts, in_avals, out_avals, in_vars, out_vars):
        self.jaxpr = jaxpr
        self.consts = consts
        self.in_avals = in_avals
        self.out_avals = out_avals
        self.in_vars = in_vars
        self.out_vars = out_vars

    def __call__(self, tangents):
        """Evaluate: input tangents -> output tangents (zeros instantiated)."""
        env_in = [t for t, v in zip(tangents, self.in_vars, strict=True) if v is not None]
        live = [v for v in self.out_vars if v is not None]
        jaxpr = Jaxpr(self.jaxpr.constvars, self.jaxpr.invars, self.jaxpr.eqns, live)
        vals = iter(eval_jaxpr(jaxpr, self.consts, *env_in))
        return [zeros_like_aval(a) if v is None else next(vals)
                for v, a in zip(self.out_vars, self.out_avals, strict=True)]

    def transpose(self, cts):
        """Cotangents of the inputs from those of the outputs (``None`` = zero);
        zero input cotangents stay ``None``."""
        out_cts = {}
        for v, ct in zip(self.out_vars, cts, strict=True):
            if v is not None and ct is not None:
                out_cts[v] = add_tangents(out_cts.get(v), ct)
        in_cts = backward_pass(self.jaxpr, self.consts, out_cts)
        res = []
        consts = {id(c) for c in self.consts}
        for v, a in zip(self.in_vars, self.in_avals, strict=True):
            ct = None if v is None else in_cts.get(v)
            if id(ct) in consts and isinstance(ct, np.ndarray):
                ct = ct.copy()  # never hand out a residual (possibly the caller's array)
            if ct is not None and get_aval(ct).dtype != a.dtype:
                ct = primitives["convert_element_type"].bind(ct, dtype=a.dtype)
            res.append(ct)
        return res


NOT_LINEARIZABLE = (
    "Linearization failed to produce known values for all output primals. This is typically "
    "caused by attempting to differentiate a function uses an operation that does not support "
    "reverse-mode autodiff.")
"""JAX's error for reverse mode through an operation without a linearization."""

REVERSE_ERRORS: dict = {}
"""Primitive -> the error reverse mode through it raises, for primitives whose
JVP computes primal and tangent in one call (no linearization), where JAX has a
message of its own (``while_loop``); the others raise ``NOT_LINEARIZABLE``."""


def linearize_flat(fun, primals):
    """Run ``fun`` (flat: list -> list) at ``primals`` under forward mode with
    staged tangents.  Returns ``(out_primals, LinearFunction, jvp_trace)``.

    Primal computations run eagerly (the staging trace forwards them to the
    enclosing trace); only the tangent computations are staged.

    >>> from vmapx._src.prims.elementwise import sin_p
    >>> outs, lin, _ = linearize_flat(lambda xs: [sin_p.bind(xs[0])], [np.array([0.0, 0.5])])
    >>> print(lin.jaxpr)  # the residual cos(x) is the constant a
    { lambda a:f64[2]; b:f64[2]. let
        c:f64[2] = mul b a
      in (c,) }
    >>> lin([np.ones(2)]), lin.transpose([np.ones(2)])
    ([array([1.        , 0.87758256])], [array([1.        , 0.87758256])])
    """
    staging = StagingTrace(current_trace())
    staging.linear = True
    trace = JVPTrace(staging)
    boxed, in_vars, in_avals = [], [], []
    for p in primals:
        a = get_aval(p)
        in_avals.append(a)
        if is_differentiable(a.dtype):
            t = staging.new_arg(ShapedArray(a.shape, a.dtype, a.weak_type))
            boxed.append(JVPTracer(trace, p, t))
            in_vars.append(t._var)
        else:
            boxed.append(p)
            in_vars.append(None)
    with set_trace(trace):
        outs = fun(boxed)
    out_primals, out_vars, out_avals = [], [], []
    for o in outs:
        p, t = unbox(trace, o)
        if type(p) is StagingTracer and p._trace is staging:
            # a rule computed a primal output together with a tangent (one
            # primitive call on both): it has no value known before the linear part
            raise ValueError(next((REVERSE_ERRORS[e.prim] for e in staging.eqns
                                   if e.prim in REVERSE_ERRORS), NOT_LINEARIZABLE))
        out_primals.append(p)
        out_avals.append(get_aval(p))
        out_vars.append(t._var if type(t) is StagingTracer and t._trace is staging else None)
    jaxpr = Jaxpr(list(staging.const_vars.values()), [v for v in in_vars if v is not None],
                  staging.eqns, [v for v in out_vars if v is not None])
    return out_primals, LinearFunction(jaxpr, list(staging.const_vals), in_avals, out_avals,
                                       in_vars, out_vars), trace


def backward_pass(jaxpr: Jaxpr, consts, cts: dict, undefined=None) -> dict:
    """Transpose ``jaxpr`` (linear in the variables that depend on ``undefined``,
    by default all its invars).

    ``cts`` maps output variables to their cotangents.  Equations with no
    linear input are evaluated forwards first (binding their primitives); then
    the linear ones are walked in reverse, calling transpose rules.  Returns a
    dict from the linear invars to their cotangents (absent = zero).

    >>> import numpy as np
    >>> from vmapx._src.prims.elementwise import multiply_p, negative_p
    >>> from vmapx._src.staging import trace_to_jaxpr
    >>> from vmapx._src.core import ShapedArray
    >>> cj = trace_to_jaxpr(lambda t: [negative_p.bind(multiply_p.bind(t, 3.0))],
    ...                     [ShapedArray((), np.dtype('float64'))])
    >>> cts = backward_pass(cj.jaxpr, cj.consts, {cj.jaxpr.outvars[0]: 1.0})
    >>> cts[cj.jaxpr.invars[0]]
    np.float64(-3.0)
    """
    env = {v: x for v, x in zip(jaxpr.constvars, consts, strict=True)}
    linear = set(jaxpr.invars if undefined is None else undefined)
    lin_eqns = []
    for eqn in jaxpr.eqns:
        if any(type(v) is not Literal and v in linear for v in eqn.invars):
            lin_eqns.append(eqn)
            linear.update(eqn.outvars)
        else:
            out = eqn.prim.bind(*[v.val if type(v) is Literal else env[v] for v in eqn.invars],
                                **eqn.params)
            if eqn.prim.multiple_results:
                env.update(zip(eqn.outvars, out, strict=True))
            else:
                env[eqn.outvars[0]] = out
    ct_env = dict(cts)
    for eqn in reversed(lin_eqns):
        if eqn.prim.multiple_results:
            ct = [ct_env.pop(v, None) for v in eqn.outvars]
            if all(c is None for c in ct):
                continue
        else:
            ct = ct_env.pop(eqn.outvars[0], None)
            if ct is None:
                continue
        rule = eqn.prim.transpose
        if rule is None:
            raise no_rule(eqn.prim, "transpose")
        args = []
        for v in eqn.invars:
            if type(v) is Literal:
                args.append(v.val)
            elif v in linear:
                args.append(UndefinedPrimal(v.aval))
            else:
                args.append(env[v])
        cts_in = rule(ct, *args, **eqn.params)
        for v, c in zip(eqn.invars, cts_in, strict=True):
            if c is not None and type(v) is not Literal and v in linear:
                ct_env[v] = add_tangents(ct_env.get(v), c)
    return ct_env
