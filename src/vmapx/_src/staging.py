"""Staging: tracing a function to the IR of ``ir.py`` (a *jaxpr*), and evaluating it.

``StagingTrace`` records an equation for every primitive applied to at least
one of its own tracers; a primitive applied only to values it does not own is
forwarded to the parent trace (so it is computed at trace time: constant
folding, and the partial evaluation reverse-mode autodiff relies on).  Arrays
and outer tracers that staged equations read become *constvars*, passed to
the jaxpr as extra leading inputs.

Staging of pytree-level functions and the public views (``make_jaxpr``,
``eval_shape``, ``ShapeDtypeStruct``) are in ``staging_api.py``; jaxprs derived
from others (``batch_jaxpr``) and their cache in ``derived_jaxprs.py``.
"""
from __future__ import annotations

import os
import sys
import threading

import numpy as np

from . import core
from .batching import BatchTrace
from .core import (AxisPrimitive, Primitive, ShapedArray, Trace, Tracer, get_aval, no_rule,
                   set_trace, current_trace, primitives, _state)
from .errors import PACKAGE_DIR, instruction_position
from .ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var, _new_eqn


# ------------------------------------------------------------------ the trace


class StagingTracer(Tracer):
    __slots__ = ("_aval", "_var")   # not "var": that is the array method

    def __init__(self, trace, aval, var):
        self._trace = trace
        self._aval = aval
        self._var = var

    @property
    def aval(self):
        return self._aval

    def __repr__(self):   # JAX's: JitTracer(float64[3]), ~ for a weak type
        return f"JitTracer({self._aval})"


_aval_cache: dict = {}

_PROMOTING = frozenset({
    "add", "subtract", "multiply", "divide", "floor_divide", "power", "maximum", "minimum",
    "fmax", "fmin", "remainder", "fmod", "arctan2", "hypot", "copysign", "nextafter",
    "logaddexp", "logaddexp2", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
    "right_shift", "heaviside", "xlogy", "xlog1py", "gcd", "lcm", "where"})
"""Elementwise primitives whose operands share the result's dtype (weak ones promoted)."""
_AVAL_CACHE_MAX = 1 << 16


def _aval_key(prim, avals, params):
    """Cache key of an abstract evaluation; parameter types are part of it
    (``1``, ``1.0`` and ``True`` are equal as dict keys but may type differently)."""
    if not params:
        return (prim, *avals)
    return (prim, *avals, *[(k, type(v), v) for k, v in params.items()])


def abstract_eval(prim, avals, params):
    """``prim.abstract`` with a process-wide cache keyed by the input avals and
    the params (when they are hashable).  Called with the trace below current."""
    try:
        key = _aval_key(prim, avals, params)
        out = _aval_cache.get(key)
    except TypeError:
        key = out = None
    if out is None:
        if prim.abstract is None:
            raise no_rule(prim, "abstract evaluation (shape/dtype)")
        out = prim.abstract(*avals, **params)
        if prim.multiple_results:
            out = tuple(out)
        if key is not None:
            if len(_aval_cache) >= _AVAL_CACHE_MAX:
                _aval_cache.clear()
            _aval_cache[key] = out
    return out


_LITERAL_TYPES = {bool, int, float, complex, np.float64, np.float32, np.int64, np.int32,
                  np.bool_}


class _Sites(threading.local):
    table = None     # Var -> "file:line:column (function)" while recording, else None
    current = None   # the site of the equation ``eval_jaxpr`` is binding


SITES = _Sites()
"""Source sites of staged values, recorded only while ``saved_residuals`` asks
(``SITES.table`` a dict): the user's line that computed each value, carried
through ``eval_jaxpr`` (so values of a re-evaluated jaxpr, and the derivative
equations of a JVP rule, keep the line of the equation they come from)."""

_NOT_USERS = tuple({os.path.dirname(m.__file__) + os.sep for m in (np, os, threading)}) + \
    (PACKAGE_DIR + os.sep,)   # NumPy, the standard library, vmapx


def _record_site(outvars):
    site = SITES.current
    if site is None:
        f = sys._getframe(2)
        while f is not None and f.f_code.co_filename.startswith(_NOT_USERS):
            f = f.f_back
        if f is None:
            return
        code = f.f_code
        pos = instruction_position(f)
        line, col = (pos[0], pos[2]) if pos is not None else (f.f_lineno, 0)
        site = (f"{code.co_filename}:{line}:{col} ({code.co_qualname})" if col else
                f"{code.co_filename}:{line} ({code.co_qualname})")
    for v in outvars:
        SITES.table[v] = site


class StagingTrace(Trace):
    """Records primitives applied to its own tracers as equations.

    With ``stage_foreign`` it also records primitives applied only to tracers
    of enclosing traces (they become consts): the branches of ``cond`` keep
    the work on values they close over inside the branch, as JAX stages them."""
    __slots__ = ("eqns", "const_vars", "const_vals", "stage_foreign", "linear")

    def __init__(self, parent, stage_foreign=False):
        self.parent = parent
        self.stage_foreign = stage_foreign
        self.linear = False    # linearize's trace of tangents (primal values run at once)
        self.eqns = []
        self.const_vars = {}   # id(value) -> Var
        self.const_vals = []   # values, in constvar order (kept alive)

    def new_arg(self, aval):
        return StagingTracer(self, aval, Var(aval))

    def to_var(self, x):
        if type(x) is StagingTracer and x._trace is self:
            return x._var
        if type(x) in _LITERAL_TYPES or isinstance(x, (bool, int, float, complex, np.generic)):
            return Literal(x)
        if type(x) is core.result_type and not x.shape:  # a 0-d vmapx.Array: its scalar
            return Literal(x.view(np.ndarray)[()])
        if not isinstance(x, (np.ndarray, Tracer)):
            x = np.asarray(x)
        v = self.const_vars.get(id(x))
        if v is None:
            v = self.const_vars[id(x)] = Var(get_aval(x))
            self.const_vals.append(x)
        return v

    def process(self, prim, args, params):
        invars = []
        mine = False
        for a in args:
            if type(a) is StagingTracer and a._trace is self:
                invars.append(a._var)
                mine = True
            else:
                invars.append(None)
        if not mine and not (self.stage_foreign and prim.__class__ is not AxisPrimitive
                             and any(isinstance(a, Tracer) for a in args)):
            return self.parent.process(prim, args, params)
        avals = []
        i = 0
        for v in invars:
            if v is None:
                v = invars[i] = self.to_var(args[i])
            avals.append(v.aval)
            i += 1
        try:
            out_avals = _aval_cache.get(_aval_key(prim, avals, params) if params else
                                        (prim, *avals))
        except TypeError:
            out_avals = None
        if out_avals is None:
            st = _state
            prev = st.trace
            st.trace = self.parent
            try:
                out_avals = abstract_eval(prim, avals, params)
            finally:
                st.trace = prev
        if prim.multiple_results:
            outs = [StagingTracer(self, a, Var(a)) for a in out_avals]
            self.eqns.append(_new_eqn(Eqn, (prim, invars, [t._var for t in outs], params)))
            if SITES.table is not None:
                _record_site(self.eqns[-1].outvars)
            return outs
        if not out_avals.weak_type and prim.name in _PROMOTING:
            for v in invars:
                if type(v) is Var and v.aval.weak_type and v.aval.dtype != out_avals.dtype:
                    invars = self._promote_weak_operands(prim, invars, out_avals.dtype)
                    break
        var = Var(out_avals)
        self.eqns.append(_new_eqn(Eqn, (prim, invars, [var], params)))
        if SITES.table is not None:
            _record_site([var])
        return StagingTracer(self, out_avals, var)

    def _promote_weak_operands(self, prim, invars, dtype):
        """Weakly typed variables converted to the result dtype, as JAX stages it.

        The abstract rules let a weak operand take the other operand's dtype, but
        at run time a weak variable holds a NumPy array or scalar, which NumPy
        promotes as a strong type (``int32 + int64 -> int64``): without the
        conversion the program's results would disagree with its own avals."""
        convert_element_type_p = primitives["convert_element_type"]
        new = list(invars)
        for i, v in enumerate(invars):
            if (type(v) is Var and v.aval.weak_type and v.aval.dtype != dtype
                    and not (i == 0 and prim.name == "where")):
                a = ShapedArray(v.aval.shape, dtype, False)
                cv = Var(a)
                self.eqns.append(_new_eqn(Eqn, (convert_element_type_p, [v], [cv],
                                                {"dtype": dtype})))
                new[i] = cv
        return new


def trace_to_jaxpr(fun, in_avals, *, parent=None, stage_foreign=False) -> ClosedJaxpr:
    """Stage ``fun`` (flat: arrays in, list of arrays out) at ``in_avals``.

    >>> import numpy as np
    >>> from vmapx._src.prims.elementwise import sin_p, multiply_p
    >>> cj = trace_to_jaxpr(lambda x: [multiply_p.bind(sin_p.bind(x), 2.0)],
    ...                     [ShapedArray((3,), np.dtype('float64'))])
    >>> print(cj)
    { lambda ; a:f64[3]. let b:f64[3] = sin a; c:f64[3] = mul b 2.0:f64[] in (c,) }
    """
    trace = StagingTrace(current_trace() if parent is None else parent, stage_foreign)
    args = [trace.new_arg(a) for a in in_avals]
    with set_trace(trace):
        outs = fun(*args)
    outvars = [trace.to_var(o) for o in outs]
    jaxpr = Jaxpr(list(trace.const_vars.values()), [a._var for a in args], trace.eqns, outvars)
    return ClosedJaxpr(jaxpr, list(trace.const_vals))


class EffectPrimitive(Primitive):
    """A primitive run for its effect (and the results ``result_avals`` in its
    parameters, if any): callbacks, ``checkify``'s checks.  Applied to values no
    trace owns while ``jit`` traces (under any ``vmap``s), it is still staged,
    so it runs at every execution rather than once while tracing (``linearize``'s
    trace, which stages only tangents, runs it at once: its values are known)."""
    __slots__ = ()

    def bind(self, *args, **params):
        for a in args:
            if isinstance(a, Tracer):
                return _state.trace.process(self, args, params)
        trace = _state.trace
        while type(trace) is BatchTrace:
            trace = trace.parent
        if type(trace) is StagingTrace and not trace.linear:   # (linearize: values are known)
            ins = [trace.to_var(a) for a in args]
            self.validate([v.aval for v in ins], params)
            outs = [StagingTracer(trace, a, Var(a)) for a in params.get("result_avals", ())]
            trace.eqns.append(Eqn(self, ins, [t._var for t in outs], params))
            return outs
        return self.impl(*args, **params)

    def validate(self, avals, params):
        """Check the operands before staging (nothing by default)."""


def eval_jaxpr(jaxpr: Jaxpr, consts, *args, apply=None):
    """Evaluate ``jaxpr`` by binding each equation's primitive (so it runs
    under whatever traces are current: this is how transforms apply to IR).
    ``apply(eqn, ins)``, when given, runs each equation instead and returns its
    outputs as a list (``checkify`` evaluates with its checks this way)."""
    env = {}
    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        env[v] = x

    def read(v):
        return v.val if type(v) is Literal else env[v]

    if SITES.table is not None:
        apply = _with_site(apply)
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        if apply is not None:
            for v, o in zip(eqn.outvars, apply(eqn, ins), strict=True):
                env[v] = o
            continue
        out = eqn.prim.bind(*ins, **eqn.params)
        if eqn.prim.multiple_results:
            for v, o in zip(eqn.outvars, out, strict=True):
                env[v] = o
        else:
            env[eqn.outvars[0]] = out
    return [read(v) for v in jaxpr.outvars]


def _with_site(apply):
    """``apply`` (default: bind) with ``SITES.current`` set to the equation's site."""
    def run(eqn, ins):
        prev = SITES.current
        SITES.current = (SITES.table.get(eqn.outvars[0]) if eqn.outvars else None) or prev
        try:
            if apply is not None:
                return apply(eqn, ins)
            out = eqn.prim.bind(*ins, **eqn.params)
            return out if eqn.prim.multiple_results else [out]
        finally:
            SITES.current = prev
    return run


def hoist_tracer_consts(closed: ClosedJaxpr):
    """Consts that are tracers of enclosing traces become leading inputs.

    Returns ``(closed', tracers)``: ``closed'`` keeps only concrete consts and
    takes the tracers (in order) before its own inputs.  This is how a staged
    body that closes over values of outer transforms is passed them as
    operands, so the outer transforms see them.
    """
    if not closed.has_tracer_consts():
        return closed, []
    j = closed.jaxpr
    tv, tc, cv, cc = [], [], [], []
    for v, c in zip(j.constvars, closed.consts, strict=True):
        if isinstance(c, Tracer):
            tv.append(v)
            tc.append(c)
        else:
            cv.append(v)
            cc.append(c)
    return ClosedJaxpr(Jaxpr(cv, tv + j.invars, j.eqns, j.outvars), cc), tc
