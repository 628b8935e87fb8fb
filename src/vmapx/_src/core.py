"""The data model and dispatch: abstract values, primitives, traces, tracers, ``bind``.

Every array operation in vmapx reduces to ``prim.bind(*arrays, **params)``.
Dispatch is stackless: a thread-local *current trace* with a parent link.

* A primitive applied to no tracers at all is evaluated at once by its NumPy
  ``impl`` (every trace would forward it to its parent anyway).
* Otherwise the current trace processes it.  A trace recognises its own tracers
  by identity (``tracer._trace is self``); everything else is a constant to it.
  With no tracer of its own among the inputs it forwards to its parent; with
  some, it applies its rule for the primitive while its parent is current, so
  the rule's own ``bind`` calls go one level down.
* The evaluation trace at the bottom calls the NumPy implementation.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, NamedTuple

import numpy as np

from . import fperrors, pool
from .errors import UnexpectedTracerError, UnboundAxisNameError

# --------------------------------------------------------------------------- avals


class ShapedArray(NamedTuple):
    """Abstract value: shape, dtype and weak type (Python scalars are weak).

    >>> ShapedArray((2, 3), np.dtype('float32'))
    ShapedArray(float32[2,3])
    >>> ShapedArray((), np.dtype('float64'), True)
    ShapedArray(float64[], weak_type=True)
    """
    shape: tuple
    dtype: np.dtype
    weak_type: bool = False

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def str_short(self):
        return f"{self.dtype.name}[{','.join(map(str, self.shape))}]"

    def __str__(self):  # JAX's: float32[2,3], and ~float32[] for a weak type
        return ("~" if self.weak_type else "") + self.str_short()

    def __repr__(self):  # JAX's: ShapedArray(float32[2,3]), weak_type shown when set
        return (f"ShapedArray({self.str_short()}"
                f"{', weak_type=True' if self.weak_type else ''})")


_SCALAR_TYPES = (bool, int, float, complex)
_WEAK_DTYPES = {bool: np.dtype(bool), int: np.dtype(np.int64), float: np.dtype(np.float64),
                complex: np.dtype(np.complex128)}


_WEAK_AVALS = {t: ShapedArray((), d, t is not bool) for t, d in _WEAK_DTYPES.items()}


def is_python_scalar(x) -> bool:
    return type(x) in _WEAK_DTYPES


_new_aval = tuple.__new__  # ShapedArray without NamedTuple's Python-level __new__


def get_aval(x) -> ShapedArray:
    """The abstract value of a tracer, array, NumPy scalar or Python scalar."""
    if isinstance(x, Tracer):
        return x.aval
    t = type(x)
    if t in _WEAK_AVALS:
        return _WEAK_AVALS[t]
    if isinstance(x, (np.ndarray, np.generic)):
        return _new_aval(ShapedArray, (x.shape, x.dtype, False))
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return ShapedArray(tuple(x.shape), np.dtype(x.dtype))
    a = np.asarray(x)
    if a.dtype == object:
        raise TypeError(f"Value {x!r} of type {type(x).__name__} is not a valid array type.")
    return ShapedArray(a.shape, a.dtype)


def shape_of(x) -> tuple:
    if isinstance(x, (np.ndarray, np.generic, Tracer)):
        return x.shape
    return np.shape(x)


def ndim_of(x) -> int:
    if isinstance(x, (np.ndarray, np.generic, Tracer)):
        return x.ndim
    return np.ndim(x)


def dtype_of(x) -> np.dtype:
    if isinstance(x, (np.ndarray, np.generic, Tracer)):
        return x.dtype
    return get_aval(x).dtype


def dummy_of(aval: ShapedArray):
    """A 0-d stand-in with the aval's dtype (a Python scalar if weak) for dtype rules."""
    if aval.weak_type:
        return {"i": 0, "f": 0.0, "c": 0j, "b": False}.get(aval.dtype.kind, 0.0)
    return np.zeros((), aval.dtype)


# The array type of every result vmapx hands out: ``vmapx.Array`` (an ndarray
# subclass with JAX's ``.at`` and traced indexing).  ``_src/jnp/array.py``
# defines it (it needs this module) and registers it here at import.
result_type = np.ndarray


def register_result_type(cls):
    global result_type
    result_type = cls


def unaliased(x: np.ndarray, sources) -> np.ndarray:
    """``x`` itself, or a copy where it shares memory with one of ``sources`` (a
    transform's inputs and constants): results never alias what the caller
    passed in.  A fresh array (``base`` None) costs an identity check."""
    if x.base is None:
        for a in sources:
            if x is a:
                return x.copy()
        return x
    for a in sources:
        if isinstance(a, np.ndarray) and np.may_share_memory(x, a):
            return x.copy()
    return x


def finish_output(x):
    """A result leaving the last transform: a writeable ``vmapx.Array`` (broadcast
    views are copied, NumPy scalars become 0-d arrays); tracers and other values pass."""
    t = type(x)
    if t is np.ndarray:
        return (x if x.flags.writeable else x.copy()).view(result_type)
    if t is result_type:
        return x if x.flags.writeable else x.copy()
    if isinstance(x, np.ndarray):
        return np.array(x, copy=not x.flags.writeable, subok=False).view(result_type)
    if isinstance(x, np.generic):
        return np.asarray(x).view(result_type)
    return x


# ---------------------------------------------------------------------- primitives

primitives: dict[str, "Primitive"] = {}
"""Registry of every primitive by name; the test harness generates cases from it.
The machinery below ``prims`` (batching, staging, autodiff) binds the few
structural primitives it needs through it -- ``primitives["transpose"]``,
``"broadcast_in_dim"``, ``"take"``, ``"add"``, ``"convert_element_type"``,
``"reduce_sum"`` -- instead of importing the modules that declare them, which
sit above it (docs/layers.md).  They are declared when ``vmapx`` is imported,
before anything is bound."""


class Primitive:
    """One operation, declared once with all of its rules.

    * ``impl(*arrays, **params)`` — NumPy evaluation.
    * ``abstract(*avals, **params) -> aval`` — shape/dtype rule (staging).
    * ``batch(axis, vals, dims, **params) -> (out, out_dim)`` — vmap rule;
      ``dims`` holds an int or ``None`` (not mapped) per input.
    * ``jvp(primals, tangents, **params) -> (primal_out, tangent_out)``.
    * ``transpose(cts, *args, **params)`` for linear primitives.
    Multiple-result primitives return lists, and their rules lists of dims.
    """
    __slots__ = ("name", "impl", "abstract", "batch", "jvp", "transpose",
                 "multiple_results", "samples", "elementwise", "__weakref__")

    def __init__(self, name: str, impl: Callable, *, abstract=None, batch=None, jvp=None,
                 transpose=None, multiple_results: bool = False, samples=None):
        if name in primitives:
            raise ValueError(f"primitive {name!r} declared twice")
        self.name = name
        self.impl = impl
        self.abstract = abstract
        self.batch = batch
        self.jvp = jvp
        self.transpose = transpose
        self.multiple_results = multiple_results
        self.samples = samples
        self.elementwise = False  # NumPy-broadcasting elementwise (enables fast paths)
        primitives[name] = self

    def bind(self, *args, **params):
        for a in args:
            if isinstance(a, Tracer):
                return _state.trace.process(self, args, params)
        token = fperrors.enter()   # silent floating-point errors, as JAX
        try:
            if self.elementwise and not params:   # eager: big results into pooled memory
                return apply_elementwise(self, *args)
            return self.impl(*args, **params)
        finally:
            fperrors.leave(token)

    def __repr__(self):
        return self.name


class AxisPrimitive(Primitive):
    """A primitive that names a mapped axis (collectives, ``axis_index``).

    It always goes to the current trace, even with no tracer inputs, because the
    trace that binds its axis name must see it.
    """
    __slots__ = ()

    def bind(self, *args, **params):
        return _state.trace.process(self, args, params)


def axis_names_of(axis_name) -> tuple:
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


# -------------------------------------------------------------------------- traces


class Trace:
    """A transformation in progress.  ``parent`` is the trace below it."""
    __slots__ = ("parent",)

    def process(self, prim: Primitive, args, params):  # pragma: no cover - abstract
        raise NotImplementedError

    def bound_axis_names(self):
        return self.parent.bound_axis_names() if self.parent is not None else ()


class EvalTrace(Trace):
    """The bottom of every chain: calls the NumPy implementation."""
    __slots__ = ()

    def __init__(self):
        self.parent = None

    def process(self, prim, args, params):
        for a in args:
            if isinstance(a, Tracer):
                raise UnexpectedTracerError(
                    f"Encountered an unexpected tracer ({a!r}) in '{prim.name}'. A function "
                    "transformed by vmapx leaked a traced value out of its own scope, for "
                    "example by storing it in a global or a closure that outlived the "
                    "call. Return values from the transformed function instead.")
        if isinstance(prim, AxisPrimitive):
            names = axis_names_of(params.get("axis_name"))
            raise UnboundAxisNameError(
                f"Found an unbound axis name: {names[0]}. No enclosing vmap binds this name "
                f"for '{prim.name}': call it inside vmapx.vmap(..., axis_name={names[0]!r}).")
        token = fperrors.enter()
        try:
            return prim.impl(*args, **params)
        finally:
            fperrors.leave(token)

    def bound_axis_names(self):
        return ()


def apply_elementwise(prim, *args):
    """``prim.impl(*args)`` for an elementwise primitive without parameters,
    on NumPy values (eager evaluation).  A large result is written into
    pooled memory (``pool.take_shared``), so big temporaries stop costing
    fresh pages; the values are the same."""
    for a in args:
        if type(a) is np.ndarray and a.nbytes >= pool.SHARED_MIN_BYTES:
            impl = prim.impl
            if isinstance(impl, np.ufunc) and impl.nout == 1:
                aval = prim.abstract(*[get_aval(a) for a in args])
                out = pool.take_shared(tuple(aval.shape), aval.dtype)
                if out is not None:
                    return impl(*args, out=out)
            break
    return prim.impl(*args)


class _State(threading.local):
    def __init__(self):
        self.trace = EvalTrace()


_state = _State()
eval_trace = _state.trace


def current_trace() -> Trace:
    return _state.trace


class set_trace:
    """Context manager making ``trace`` current (its parent is the old current)."""
    __slots__ = ("trace", "prev")

    def __init__(self, trace):
        self.trace = trace

    def __enter__(self):
        self.prev = _state.trace
        _state.trace = self.trace
        return self.trace

    def __exit__(self, *exc):
        _state.trace = self.prev
        return False


def run_rule(trace: Trace, rule, *args, **kwargs):
    """Run ``rule`` with ``trace.parent`` current (so its binds go one level down)."""
    st = _state
    prev = st.trace
    st.trace = trace.parent
    try:
        return rule(*args, **kwargs)
    finally:
        st.trace = prev


def no_rule(prim: Primitive, what: str):
    return NotImplementedError(f"no {what} rule for '{prim.name}'")


# ------------------------------------------------------------------------- tracers


# Operand types the numpy layer passes on as they are (no conversion): NumPy
# arrays and scalars, Python scalars, and every Tracer class (added on definition).
FAST_TYPES = {np.ndarray, np.float64, np.float32, np.int64, np.int32, np.bool_, bool, int,
              float, complex}


class Tracer:
    """A boxed value owned by one trace.  Subclasses provide ``aval``.

    Tracers behave like arrays: operators, methods and attributes, and NumPy's
    own dispatch (``__array_ufunc__``, ``__array_function__``) all lower to
    ``vmapx.numpy`` and so to primitives.  They are filled in by ``_src.interop``.
    """
    __slots__ = ("_trace", "__weakref__")   # weak references: inplace's view links
    __array_priority__ = 1000

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        FAST_TYPES.add(cls)  # the numpy layer passes tracers through untouched

    @property
    def aval(self) -> ShapedArray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __reduce_ex__(self, protocol):   # not an object to pickle with its trace
        raise TypeError(f"cannot pickle a traced value ({type(self).__name__}): its value "
                        "is not known while it is traced; return it from the function and "
                        "pickle that")

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @property
    def ndim(self):
        return len(self.aval.shape)

    @property
    def size(self):
        return int(np.prod(self.aval.shape, dtype=np.int64))

    def is_concrete(self) -> bool:
        """Whether this value has concrete (per-example) values beneath it, as in
        eager ``vmap`` and ``grad``, rather than abstract ones (``jit``)."""
        return False

    def to_concrete(self, data: bool = False):
        """This value as a concrete ndarray (per example, for the function being
        transformed), or ``None`` where it has none (abstract values).

        ``data=True`` asks for the value as data (``float(x)``, ``np.asarray(x)``)
        rather than for a decision (``if``, ``range``, a size): a value being
        differentiated has none then, since its derivative would be lost."""
        return None

    def __len__(self):
        shape = self.aval.shape
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

    def __repr__(self):
        return f"Traced<{self.aval.str_short()}>with<{type(self._trace).__name__}>"


def copy_box(t: Tracer) -> Tracer:
    """A new tracer holding ``t``'s value: what NumPy's copies (``x.copy()``,
    ``np.array(x)``) return, so that item assignment into the copy (in eager
    ``vmap``, where it swaps a tracer's contents) leaves ``t`` unchanged."""
    new = object.__new__(type(t))
    for cls in type(t).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot != "__weakref__" and hasattr(t, slot):
                setattr(new, slot, getattr(t, slot))
    return new


# ----------------------------------------------------------------- axis environment


class AxisData(NamedTuple):
    """What a batching rule knows of the axis being mapped."""
    name: Any
    size: int
    spmd_name: Any = None
