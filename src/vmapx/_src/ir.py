"""The IR that staging produces: a *jaxpr*, a flat list of equations
``outvars = prim[params] invars`` over variables (each with an abstract value)
and literals (Python/NumPy scalars), with its constvars' values in a
``ClosedJaxpr``; and its printing in JAX's readable form.
"""
from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np

from .core import ShapedArray, Tracer, get_aval


class Var:
    """A variable of the IR, typed by an abstract value."""
    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

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

    @property
    def primitive(self):
        """The primitive (JAX's name for the field)."""
        return self.prim


_new_eqn = tuple.__new__  # Eqn without NamedTuple's Python-level __new__ (hot in tracing)


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


class ClosedJaxpr:
    """A jaxpr with the values of its constvars.

    Hashed and compared by identity, so it can be a primitive's parameter; it
    carries a cache for what is derived from it (its compiled form, batched
    and differentiated versions), which dies with it.  Unpacks as
    ``jaxpr, consts``.
    """
    __slots__ = ("jaxpr", "consts", "cache", "__weakref__")

    def __init__(self, jaxpr: Jaxpr, consts):
        self.jaxpr = jaxpr
        self.consts = list(consts)
        self.cache: dict = {}   # single atomic calls, or under derived_jaxprs' lock

    def __iter__(self):
        return iter((self.jaxpr, self.consts))

    def __getitem__(self, i):
        return (self.jaxpr, self.consts)[i]

    def __len__(self):
        return 2

    def __str__(self):
        return pp_jaxpr(self.jaxpr)

    __repr__ = __str__

    @property
    def in_avals(self):
        return self.jaxpr.in_avals

    @property
    def out_avals(self):
        return self.jaxpr.out_avals

    @property
    def eqns(self):
        return self.jaxpr.eqns

    @property
    def literals(self):
        """The constants' values (JAX's newer name for ``consts``)."""
        return self.consts

    def has_tracer_consts(self) -> bool:
        """Whether a const is a value of some trace (then it must not be cached)."""
        return any(isinstance(c, Tracer) for c in self.consts)


# ------------------------------------------------------------------- printing

# JAX's name (without "_p") -> vmapx's primitive name, where the names differ.
RENAMED = {
    "acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh",
    "atan": "arctan", "atan2": "arctan2", "atanh": "arctanh", "and": "bitwise_and",
    "or": "bitwise_or", "xor": "bitwise_xor", "not": "invert", "conj": "conjugate",
    "div": "divide", "eq": "equal", "ne": "not_equal", "ge": "greater_equal", "gt": "greater",
    "le": "less_equal", "lt": "less", "is_finite": "isfinite", "max": "maximum",
    "min": "minimum", "mul": "multiply", "neg": "negative", "sub": "subtract", "pow": "power",
    "rem": "fmod", "reduce_and": "reduce_all", "reduce_or": "reduce_any",
    "regularized_incomplete_beta": "betainc", "shift_left": "left_shift",
    "shift_right_arithmetic": "right_shift", "population_count": "bitwise_count",
    "gather": "lax_gather", "scatter": "lax_scatter",
}

_DISPLAY = {ours: jax for jax, ours in RENAMED.items()}


def display_name(prim) -> str:
    """The name jaxprs print for ``prim``: JAX's where vmapx's primitive has
    JAX's meaning under another name (``multiply`` prints as ``mul``)."""
    return _DISPLAY.get(prim.name, prim.name)


_SHORT = {"float64": "f64", "float32": "f32", "float16": "f16", "int64": "i64",
          "int32": "i32", "int16": "i16", "int8": "i8", "uint32": "u32", "uint64": "u64",
          "uint16": "u16", "uint8": "u8", "bool": "bool", "complex128": "c128",
          "complex64": "c64"}


def type_str(aval):
    """``f64[2,3]``: an aval as jaxprs print it."""
    return f"{_SHORT.get(aval.dtype.name, aval.dtype.name)}[{','.join(map(str, aval.shape))}]"


def _names():
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in itertools.count(1):
        for combo in itertools.product(letters, repeat=n):
            yield "".join(combo)


def _is_jaxpr(v):
    return isinstance(v, (ClosedJaxpr, Jaxpr))


def _fmt_param(v, indent, namer=None):
    if _is_jaxpr(v):
        return pp_jaxpr(v.jaxpr if isinstance(v, ClosedJaxpr) else v, indent, namer).lstrip()
    if isinstance(v, tuple) and v and all(_is_jaxpr(b) for b in v):
        inner = f"\n{' ' * (indent + 2)}".join(_fmt_param(b, indent + 2, namer) for b in v)
        return f"(\n{' ' * (indent + 2)}{inner}\n{' ' * indent})"
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, type) and issubclass(v, np.generic):
        return np.dtype(v).name
    if isinstance(v, str):
        return v              # JAX prints names unquoted: name=sin
    return repr(v)


def _literal_aval(lit, eqn):
    """A weakly typed Python scalar prints at the dtype it takes in its equation,
    as JAX stages it (``add b 1.0:f64[]``, ``gt a 0.0:f64[]``): the result's dtype,
    or for a comparison the other operand's, where that keeps the value."""
    val, aval = lit.val, lit.aval
    if not aval.weak_type or isinstance(val, (bool, np.bool_)) or not eqn.outvars:
        return aval
    target = eqn.outvars[0].aval.dtype
    if target.kind == "b":
        target = next((v.aval.dtype for v in eqn.invars if type(v) is not Literal), target)
    kinds = {int: "iufc", float: "fc", complex: "c"}.get(type(val), "")
    if target.kind in kinds and target.kind != "b":
        return aval._replace(dtype=target)
    return aval


def pp_jaxpr(jaxpr: Jaxpr, indent: int = 0, _names_of=None) -> str:
    """The IR in JAX's readable form (nested jaxprs in params are printed too,
    their variables named on from the enclosing ones', as JAX does); a jaxpr
    that fits in the line is printed on one line."""
    names, gen = _names_of if _names_of is not None else ({}, _names())

    def name(v, eqn=None):
        if type(v) is Literal:
            if isinstance(v.val, (np.generic, bool, int, float, complex)):
                aval = _literal_aval(v, eqn) if eqn is not None else v.aval
                return f"{np.asarray(v.val, aval.dtype).item()!r}:{type_str(aval)}"
            return repr(v.val)
        if v not in names:
            names[v] = next(gen)
        return names[v]

    def decl(v):
        return f"{name(v)}:{type_str(v.aval)}"

    pad = " " * indent
    nested = False
    head = (f"{{ lambda {' '.join(decl(v) for v in jaxpr.constvars)}; "
            f"{' '.join(decl(v) for v in jaxpr.invars)}. let")
    lines = [pad + head]
    for eqn in jaxpr.eqns:
        lhs = " ".join(decl(v) for v in eqn.outvars)
        items = [(k, v) for k, v in eqn.params.items() if v is not None]
        if any(_is_jaxpr(v) or (isinstance(v, tuple) and v and all(_is_jaxpr(b) for b in v))
               for _, v in items):
            sub = indent + 6
            body = "\n".join(f"{' ' * sub}{k}={_fmt_param(v, sub, (names, gen))}"
                             for k, v in items)
            args = " ".join(name(v, eqn) for v in eqn.invars)
            lines.append(f"{pad}    {lhs} = {display_name(eqn.prim)}[\n{body}\n{pad}    ] "
                         f"{args}".rstrip())
            nested = True
            continue
        args = " ".join(name(v, eqn) for v in eqn.invars)
        params = " ".join(f"{k}={_fmt_param(v, 0)}" for k, v in items)
        prim = display_name(eqn.prim)
        if prim == "where" and len(eqn.invars) == 3:   # JAX's select_n(pred, on_false, on_true)
            prim = "select_n"
            args = " ".join(name(v, eqn) for v in (eqn.invars[0], eqn.invars[2], eqn.invars[1]))
        rhs = prim + (f"[{params}]" if params else "") + " " + args
        lines.append(f"{pad}    {lhs} = {rhs.rstrip()}")
    outs = ", ".join(name(v) for v in jaxpr.outvars)
    tail = f"in ({outs}{',' if len(jaxpr.outvars) == 1 else ''}) }}"
    flat = f"{head} {'; '.join(ln.strip() for ln in lines[1:])} {tail}"
    if not nested and indent + len(flat) <= _WIDTH:   # JAX's layout: one line if it fits
        return pad + flat
    lines.append(f"{pad}  {tail}")
    return "\n".join(lines)


_WIDTH = 80   # JAX's pretty printer's line width
