"""Staging: tracing a function to a small typed IR (a *jaxpr*), and evaluating it.

The IR is a flat list of equations ``outvars = prim[params] invars`` over
variables (each with an abstract value) and literals (Python/NumPy scalars).
``StagingTrace`` records an equation for every primitive applied to at least
one of its own tracers; a primitive applied only to values it does not own is
forwarded to the parent trace (so it is computed at trace time: constant
folding, and the partial evaluation reverse-mode autodiff relies on).  Arrays
and outer tracers that staged equations read become *constvars*, passed to
the jaxpr as extra leading inputs.

This module also owns the public views of staging (``make_jaxpr``,
``eval_shape``, ``ShapeDtypeStruct``) and ``batch_jaxpr``, the batching of a
jaxpr into another jaxpr that higher-order primitives use for their rules.
"""
from __future__ import annotations

import itertools
import threading
from typing import Any, NamedTuple

import numpy as np

from . import core, tree as tu
from .core import (AxisData, AxisPrimitive, ShapedArray, Trace, Tracer, get_aval, no_rule, set_trace,
                   current_trace, primitives, _state)
from .errors import api_boundary
from .batching import BatchTrace, BatchTracer, matchaxis


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
        self.cache: dict = {}   # only single atomic calls, or under _derived_lock

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


class StagingTrace(Trace):
    """Records primitives applied to its own tracers as equations.

    With ``stage_foreign`` it also records primitives applied only to tracers
    of enclosing traces (they become consts): the branches of ``cond`` keep
    the work on values they close over inside the branch, as JAX stages them."""
    __slots__ = ("eqns", "const_vars", "const_vals", "stage_foreign")

    def __init__(self, parent, stage_foreign=False):
        self.parent = parent
        self.stage_foreign = stage_foreign
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
            return outs
        if not out_avals.weak_type and prim.name in _PROMOTING:
            for v in invars:
                if type(v) is Var and v.aval.weak_type and v.aval.dtype != out_avals.dtype:
                    invars = self._promote_weak_operands(prim, invars, out_avals.dtype)
                    break
        var = Var(out_avals)
        self.eqns.append(_new_eqn(Eqn, (prim, invars, [var], params)))
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
    { lambda ; a:f64[3]. let
        b:f64[3] = sin a
        c:f64[3] = multiply b 2.0
      in (c,) }
    """
    trace = StagingTrace(current_trace() if parent is None else parent, stage_foreign)
    args = [trace.new_arg(a) for a in in_avals]
    with set_trace(trace):
        outs = fun(*args)
    outvars = [trace.to_var(o) for o in outs]
    jaxpr = Jaxpr(list(trace.const_vars.values()), [a._var for a in args], trace.eqns, outvars)
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


# ------------------------------------------------------- pytree-level tracing


_LEAF_TYPES = (np.ndarray, np.generic, Tracer, bool, int, float, complex)


def flatten_fun_trace(fun, args, kwargs=None, *, origin=None):
    """Stage ``fun(*args, **kwargs)`` where the leaves of the arguments are
    arrays, scalars, ``ShapeDtypeStruct``s or tracers (their avals are used).
    ``origin`` is the user's function (named in errors; default ``fun``).
    Returns ``(closed_jaxpr, out_tree)``."""
    box = []
    origin = fun if origin is None else origin
    if not kwargs and all(isinstance(a, _LEAF_TYPES) for a in args):
        # common case: positional arrays, no pytree flattening of the inputs
        def flat(*xs):
            return _flatten_out(fun(*xs), box, origin)
        return trace_to_jaxpr(flat, [abstractify(x) for x in args]), box[0]
    kwargs = {} if kwargs is None else kwargs
    leaves, in_tree = tu.tree_flatten((args, kwargs))

    def flat(*xs):
        a, k = tu.tree_unflatten(in_tree, xs)
        return _flatten_out(fun(*a, **k), box, origin)

    return trace_to_jaxpr(flat, [abstractify(x) for x in leaves]), box[0]


_LEAF_TREE = tu.tree_structure(0)


def _flatten_out(out, box, origin):
    if isinstance(out, _LEAF_TYPES):
        box.append(_LEAF_TREE)
        return [out]
    leaves, tree = tu.tree_flatten(out)
    for i, x in enumerate(leaves):
        if not isinstance(x, _LEAF_TYPES) and not _array_like_output(x):
            _bad_output(out, tree, i, x, origin)
    box.append(tree)
    return leaves


def _array_like_output(x) -> bool:
    if type(x) is ShapeDtypeStruct:
        return False
    if hasattr(x, "__array__"):
        return np.asarray(x).dtype.kind not in "OUSV"
    return hasattr(x, "shape") and hasattr(x, "dtype")


def _bad_output(out, tree, i, x, origin):
    """JAX's error for a traced function returning something that is not an array."""
    name = getattr(origin, "__name__", type(origin).__name__)
    code = getattr(origin, "__code__", None)
    where = f"{name} at {code.co_filename}:{code.co_firstlineno}" if code else name
    at = ""
    if not tree.is_leaf():
        path = tu.tree_flatten_with_path(out)[0][i][0]
        at = f" at output component {tu.keystr(path)}"
    raise TypeError(f"function {where} traced for jit returned a value of type {type(x)}{at}, "
                    "which is not a valid JAX type")


def abstractify(x) -> ShapedArray:
    """The aval of an argument leaf (``ShapeDtypeStruct`` included)."""
    if type(x) is ShapeDtypeStruct:
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    if isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex)):
        return get_aval(x)
    if hasattr(x, "__array__") or (hasattr(x, "shape") and hasattr(x, "dtype")):
        return get_aval(np.asarray(x))
    raise TypeError(f"Argument {x!r} of type {type(x)} is not a valid JAX type")


# ------------------------------------------------------------ public views


class ShapeDtypeStruct:
    """A shape and dtype standing for an array (what ``eval_shape`` returns and
    accepts).

    >>> ShapeDtypeStruct((3, 4), np.float32)
    ShapeDtypeStruct(shape=(3, 4), dtype=float32)
    """
    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, *, weak_type: bool = False, sharding=None):
        self.shape = tuple(int(s) for s in shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = bool(weak_type)

    @classmethod
    def like(cls, x):
        """The shape and dtype of ``x`` (an array, a scalar or a tracer).

        >>> ShapeDtypeStruct.like(np.ones((2, 3), np.float32))
        ShapeDtypeStruct(shape=(2, 3), dtype=float32)
        """
        aval = abstractify(x)
        return cls(aval.shape, aval.dtype, weak_type=aval.weak_type)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return (type(other) is ShapeDtypeStruct and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def make_jaxpr(fun, static_argnums=(), *, return_shape: bool = False):
    """A function that returns the jaxpr ``fun`` stages to for its arguments.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> print(vmapx.make_jaxpr(lambda x: jnp.sin(x) * 2.0)(np.ones(3)))
    { lambda ; a:f64[3]. let
        b:f64[3] = sin a
        c:f64[3] = multiply b 2.0
      in (c,) }
    """
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)
    static_argnums = tuple(static_argnums)

    @api_boundary
    def make_jaxpr_f(*args, **kwargs):
        nums = {i % len(args) if -len(args) <= i < len(args) else i for i in static_argnums}
        dyn = [a for i, a in enumerate(args) if i not in nums]

        def call(*dargs, **kw):
            it = iter(dargs)
            full = [args[i] if i in nums else next(it) for i in range(len(args))]
            return fun(*full, **kw)

        closed, out_tree = flatten_fun_trace(call, tuple(dyn), kwargs, origin=fun)
        if return_shape:
            shapes = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)
                      for a in closed.out_avals]
            return closed, tu.tree_unflatten(out_tree, shapes)
        return closed

    make_jaxpr_f.__name__ = f"make_jaxpr({getattr(fun, '__name__', 'fun')})"
    return make_jaxpr_f


@api_boundary
def eval_shape(fun, *args, **kwargs):
    """Shapes and dtypes of ``fun(*args, **kwargs)``, computed without running it.

    Arguments may be arrays, scalars or ``ShapeDtypeStruct``s (in pytrees).

    >>> import numpy as np, vmapx
    >>> vmapx.eval_shape(lambda x, y: (x @ y, x.sum()),
    ...                  vmapx.ShapeDtypeStruct((3, 4), np.float32), np.ones((4, 5), np.float32))
    (ShapeDtypeStruct(shape=(3, 5), dtype=float32), ShapeDtypeStruct(shape=(), dtype=float32))
    """
    closed, out_tree = flatten_fun_trace(fun, args, kwargs)
    shapes = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)
              for a in closed.out_avals]
    return tu.tree_unflatten(out_tree, shapes)


# ---------------------------------------------------- batching of jaxprs


def batched_eval(closed: ClosedJaxpr, vals, dims, axis: AxisData, force_out=None):
    """Evaluate ``closed`` on batched values (batch dims ``dims``) under a fresh
    batch trace; returns the output values and their batch dims.

    ``force_out`` optionally gives, per output, an int (move or broadcast the
    batch axis there) or ``None`` (leave it where the rules put it).
    """
    trace = BatchTrace(current_trace(), axis)
    boxed = [a if d is None else BatchTracer(trace, a, d)
             for a, d in zip(vals, dims, strict=True)]
    with set_trace(trace):
        outs = eval_jaxpr(closed.jaxpr, closed.consts, *boxed)
    if force_out is None:
        force_out = (None,) * len(outs)
    out_vals, out_dims = [], []
    for o, f in zip(outs, force_out, strict=True):
        if type(o) is BatchTracer and o._trace is trace:
            v, d = o.val, o.bdim
        else:
            v, d = o, None
        if f is not None and f != d:
            v, d = matchaxis(v, d, f, axis.size), f
        out_vals.append(v)
        out_dims.append(d)
    return out_vals, out_dims




_DERIVED_MAX = 64
"""Derived jaxprs (batched, linearized, ...) cached per ClosedJaxpr."""

_derived_lock = threading.Lock()


def cache_derived(closed: ClosedJaxpr, key, result, *made):
    """Remember ``result`` on ``closed`` unless a jaxpr involved captured tracers.

    Lookups elsewhere are single ``dict.get`` calls; the eviction (all derived
    entries at once, the runners kept) works on a snapshot under a lock, so it
    is safe while other threads look up and insert."""
    if closed.has_tracer_consts() or any(m.has_tracer_consts() for m in made):
        return result
    cache = closed.cache
    with _derived_lock:
        if len(cache) >= _DERIVED_MAX:
            for k in list(cache):
                if k not in ("run", "run_raw"):
                    cache.pop(k, None)
        cache[key] = result
    return result


def batch_jaxpr(closed: ClosedJaxpr, in_dims, axis: AxisData, force_out=None):
    """The jaxpr computing ``closed`` on a batch, and the batch dims of its outputs.

    ``in_dims`` holds an int (batch axis position) or ``None`` per input;
    ``force_out`` as in ``batched_eval``.  Traced once (``eval_jaxpr`` under a
    batch trace inside a staging trace) and cached on ``closed`` per (dims,
    axis) unless the result captures outer tracers.
    """
    in_dims = tuple(in_dims)
    force_out = tuple(force_out) if force_out is not None else (None,) * len(closed.out_avals)
    key = ("batch", in_dims, axis, force_out)
    hit = closed.cache.get(key)
    if hit is not None:
        return hit
    out_dims_box = []

    def fun(*args):
        vals, dims = batched_eval(closed, args, in_dims, axis, force_out)
        out_dims_box.append(tuple(dims))
        return vals

    avals = []
    for a, d in zip(closed.in_avals, in_dims, strict=True):
        if d is not None:
            shape = list(a.shape)
            shape.insert(d, axis.size)
            a = ShapedArray(tuple(shape), a.dtype, a.weak_type)
        avals.append(a)
    batched = trace_to_jaxpr(fun, avals)
    return cache_derived(closed, key, (batched, out_dims_box[0]), batched)


# ------------------------------------------------------------------- printing

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


def _fmt_param(v, indent):
    if _is_jaxpr(v):
        return pp_jaxpr(v.jaxpr if isinstance(v, ClosedJaxpr) else v, indent).lstrip()
    if isinstance(v, tuple) and v and all(_is_jaxpr(b) for b in v):
        inner = f",\n{' ' * (indent + 2)}".join(_fmt_param(b, indent + 2) for b in v)
        return f"(\n{' ' * (indent + 2)}{inner}\n{' ' * indent})"
    if isinstance(v, np.dtype):
        return v.name
    if isinstance(v, type) and issubclass(v, np.generic):
        return np.dtype(v).name
    return repr(v)


def pp_jaxpr(jaxpr: Jaxpr, indent: int = 0) -> str:
    """The IR in JAX's readable form (nested jaxprs in params are printed too)."""
    names = {}
    gen = _names()

    def name(v):
        if type(v) is Literal:
            if isinstance(v.val, np.generic):
                return f"{v.val.item()!r}:{type_str(v.aval)}"
            return repr(v.val)
        if v not in names:
            names[v] = next(gen)
        return names[v]

    def decl(v):
        return f"{name(v)}:{type_str(v.aval)}"

    pad = " " * indent
    head = (f"{{ lambda {' '.join(decl(v) for v in jaxpr.constvars)}; "
            f"{' '.join(decl(v) for v in jaxpr.invars)}. let")
    lines = [pad + head]
    for eqn in jaxpr.eqns:
        lhs = " ".join(decl(v) for v in eqn.outvars)
        args = " ".join(name(v) for v in eqn.invars)
        items = [(k, v) for k, v in eqn.params.items() if v is not None]
        if any(_is_jaxpr(v) or (isinstance(v, tuple) and v and all(_is_jaxpr(b) for b in v))
               for _, v in items):
            sub = indent + 6
            body = "\n".join(f"{' ' * sub}{k}={_fmt_param(v, sub)}" for k, v in items)
            lines.append(f"{pad}    {lhs} = {eqn.prim.name}[\n{body}\n{pad}    ] {args}".rstrip())
            continue
        params = ", ".join(f"{k}={_fmt_param(v, 0)}" for k, v in items)
        rhs = eqn.prim.name + (f"[{params}]" if params else "") + " " + args
        lines.append(f"{pad}    {lhs} = {rhs.rstrip()}")
    outs = ", ".join(name(v) for v in jaxpr.outvars)
    lines.append(f"{pad}  in ({outs}{',' if len(jaxpr.outvars) == 1 else ''}) }}")
    return "\n".join(lines)
