"""Staging: tracing a function to a small typed IR (a *jaxpr*), and evaluating it.

The IR is a flat list of equations ``outvars = prim[params] invars`` over
variables (each with an abstract value) and literals (Python/NumPy scalars).
``StagingTrace`` records an equation for every primitive applied to at least
one of its own tracers; a primitive applied only to values it does not own is
forwarded to the parent trace (so it is computed at trace time: constant
folding, and the partial evaluation reverse-mode autodiff relies on).  Arrays
and outer tracers that staged equations read become *constvars*, passed to
the jaxpr as extra leading inputs.
"""
from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np

from .core import (AxisPrimitive, ShapedArray, Trace, Tracer, get_aval, no_rule, set_trace,
                   current_trace, _state)


class Var:
    """A variable of the IR, typed by an abstract value."""
    __slots__ = ("aval", "count")
    _counter = itertools.count()

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.count = next(Var._counter)

    def __repr__(self):
        return f"Var({self.aval.str_short()})"


class Literal:
    """A scalar constant inlined into an equation (kept weak if a Python scalar)."""
    __slots__ = ("val", "aval")

    def __init__(self, val):
        self.val = val
        self.aval = get_aval(val)

    def __repr__(self):
        return repr(self.val)


class Eqn(NamedTuple):
    prim: Any
    invars: list
    outvars: list
    params: dict


class Jaxpr:
    """``{ lambda constvars ; invars . let eqns in outvars }``."""
    __slots__ = ("constvars", "invars", "eqns", "outvars", "__weakref__")

    def __init__(self, constvars, invars, eqns, outvars):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.eqns = list(eqns)
        self.outvars = list(outvars)

    @property
    def in_avals(self):
        return [v.aval for v in self.invars]

    @property
    def out_avals(self):
        return [v.aval for v in self.outvars]

    def __str__(self):
        return pp_jaxpr(self)

    __repr__ = __str__


class ClosedJaxpr(NamedTuple):
    """A jaxpr with the values of its constvars."""
    jaxpr: Jaxpr
    consts: list

    def __str__(self):
        return pp_jaxpr(self.jaxpr)

    __repr__ = __str__

    @property
    def in_avals(self):
        return self.jaxpr.in_avals

    @property
    def out_avals(self):
        return self.jaxpr.out_avals


# ------------------------------------------------------------------ the trace


class StagingTracer(Tracer):
    __slots__ = ("_aval", "var")

    def __init__(self, trace, aval, var):
        self._trace = trace
        self._aval = aval
        self.var = var

    @property
    def aval(self):
        return self._aval


class StagingTrace(Trace):
    """Records primitives applied to its own tracers as equations."""
    __slots__ = ("eqns", "const_vars", "const_vals")

    def __init__(self, parent):
        self.parent = parent
        self.eqns = []
        self.const_vars = {}   # id(value) -> Var
        self.const_vals = []   # values, in constvar order (kept alive)

    def new_arg(self, aval):
        return StagingTracer(self, aval, Var(aval))

    def to_var(self, x):
        if type(x) is StagingTracer and x._trace is self:
            return x.var
        if isinstance(x, (bool, int, float, complex, np.generic)):
            return Literal(x)
        if not isinstance(x, (np.ndarray, Tracer)):
            x = np.asarray(x)
        v = self.const_vars.get(id(x))
        if v is None:
            v = self.const_vars[id(x)] = Var(get_aval(x))
            self.const_vals.append(x)
        return v

    def process(self, prim, args, params):
        mine = False
        for a in args:
            if type(a) is StagingTracer and a._trace is self:
                mine = True
                break
        if not mine:
            return self.parent.process(prim, args, params)
        if prim.abstract is None:
            raise no_rule(prim, "abstract evaluation (shape/dtype)")
        invars = [self.to_var(a) for a in args]
        avals = [v.aval for v in invars]
        st = _state
        prev = st.trace
        st.trace = self.parent
        try:
            out_avals = prim.abstract(*avals, **params)
        finally:
            st.trace = prev
        if prim.multiple_results:
            outs = [self.new_arg(a) for a in out_avals]
            self.eqns.append(Eqn(prim, invars, [t.var for t in outs], params))
            return outs
        out = self.new_arg(out_avals)
        self.eqns.append(Eqn(prim, invars, [out.var], params))
        return out


def trace_to_jaxpr(fun, in_avals, *, parent=None) -> ClosedJaxpr:
    """Stage ``fun`` (flat: arrays in, list of arrays out) at ``in_avals``.

    >>> import numpy as np
    >>> from vmapx._src.prims.elementwise import sin_p, multiply_p
    >>> cj = trace_to_jaxpr(lambda x: [multiply_p.bind(sin_p.bind(x), 2.0)],
    ...                     [ShapedArray((3,), np.dtype('float64'))])
    >>> print(cj)
    { lambda ; a:f64[3]. let
        b:f64[3] = sin a
        c:f64[3] = multiply b 2.0
      in (c,) }
    """
    trace = StagingTrace(current_trace() if parent is None else parent)
    args = [trace.new_arg(a) for a in in_avals]
    with set_trace(trace):
        outs = fun(*args)
    outvars = [trace.to_var(o) for o in outs]
    jaxpr = Jaxpr(list(trace.const_vars.values()), [a.var for a in args], trace.eqns, outvars)
    return ClosedJaxpr(jaxpr, list(trace.const_vals))


def eval_jaxpr(jaxpr: Jaxpr, consts, *args):
    """Evaluate ``jaxpr`` by binding each equation's primitive (so it runs
    under whatever traces are current: this is how transforms apply to IR)."""
    env = {}
    for v, x in zip(jaxpr.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(jaxpr.invars, args, strict=True):
        env[v] = x

    def read(v):
        return v.val if type(v) is Literal else env[v]

    for eqn in jaxpr.eqns:
        out = eqn.prim.bind(*[read(v) for v in eqn.invars], **eqn.params)
        if eqn.prim.multiple_results:
            for v, o in zip(eqn.outvars, out, strict=True):
                env[v] = o
        else:
            env[eqn.outvars[0]] = out
    return [read(v) for v in jaxpr.outvars]


# ------------------------------------------------------------------- printing

_SHORT = {"float64": "f64", "float32": "f32", "float16": "f16", "int64": "i64",
          "int32": "i32", "int16": "i16", "int8": "i8", "uint32": "u32", "uint64": "u64",
          "uint8": "u8", "bool": "bool", "complex128": "c128", "complex64": "c64"}


def _type_str(aval):
    return f"{_SHORT.get(aval.dtype.name, aval.dtype.name)}[{','.join(map(str, aval.shape))}]"


def _names():
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in itertools.count(1):
        for combo in itertools.product(letters, repeat=n):
            yield "".join(combo)


def _fmt_param(v):
    if isinstance(v, (ClosedJaxpr, Jaxpr)):
        return "{ ... }"
    if isinstance(v, np.dtype):
        return v.name
    return repr(v)


def pp_jaxpr(jaxpr: Jaxpr, indent: int = 0) -> str:
    """The IR in JAX's readable form."""
    names = {}
    gen = _names()

    def name(v):
        if type(v) is Literal:
            return repr(v.val)
        if v not in names:
            names[v] = next(gen)
        return names[v]

    def decl(v):
        return f"{name(v)}:{_type_str(v.aval)}"

    pad = " " * indent
    head = (f"{{ lambda {' '.join(decl(v) for v in jaxpr.constvars)}; "
            f"{' '.join(decl(v) for v in jaxpr.invars)}. let")
    lines = [pad + head]
    for eqn in jaxpr.eqns:
        params = ", ".join(f"{k}={_fmt_param(v)}" for k, v in eqn.params.items()
                           if v is not None)
        lhs = " ".join(decl(v) for v in eqn.outvars)
        rhs = eqn.prim.name + (f"[{params}]" if params else "") + " " + \
            " ".join(name(v) for v in eqn.invars)
        lines.append(f"{pad}    {lhs} = {rhs.rstrip()}")
    outs = ", ".join(name(v) for v in jaxpr.outvars)
    lines.append(f"{pad}  in ({outs},) }}")
    return "\n".join(lines)
