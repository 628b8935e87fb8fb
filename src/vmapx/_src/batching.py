"""The batching transform: ``BatchTrace`` and the helpers batching rules share.

A ``BatchTracer`` holds ``(val, bdim)``: the whole batch as one array and the
position of the batch axis in it (``None`` never occurs inside a tracer; an
unmapped value is simply not boxed).  A batching rule receives the unboxed
values and their dims and returns the batched output and its dim, computing
with primitives bound on the parent trace, so each rule runs as a handful of
whole-batch NumPy calls.
"""
from __future__ import annotations

import sys

import numpy as np
from numpy.exceptions import AxisError

from .core import (apply_elementwise, axis_names_of, AxisData, AxisPrimitive, get_aval, no_rule,
                   primitives, ShapedArray, _state, Trace, Tracer)
from . import pool
from .jnp.array import Array


_POOLED = pool.SHARED_MIN_BYTES   # results this large go through apply_elementwise (pool)

_SCALARS = {bool, int, float, complex, np.float64, np.float32, np.int64, np.int32, np.bool_}

trace_rules: dict = {}
"""Rules that a ``BatchTrace`` runs for a primitive whether or not it owns an input:
``rule(trace, vals, dims, params)``.  Higher-order primitives whose user functions
may close over this trace's tracers (``custom_jvp_call``, ``custom_vjp_call``)
register one, so that the functions run with this trace re-entered on top of
whatever trace calls them (see ``docs/parity.md``)."""


# ``interop`` installs the class a batch tracer shows to ``isinstance`` in the
# user's per-example NumPy code (``CLASS_SEEN_BY_USER[0](tracer)``: a class, or
# ``None`` for its own): ``isinstance(x, np.ndarray)`` there is what the loop's
# per-example array gives, not ``False``.
CLASS_SEEN_BY_USER = [None]

# ... and the value ``str`` / ``repr`` / ``f"{x}"`` show there
# (``VALUE_SEEN_BY_USER[0](tracer, calling_frame)``: the example's concrete value,
# which splits the batch as any Python use of a value does, or ``None``: JAX's
# ``VmapTracer(...)`` form, as everywhere else).
VALUE_SEEN_BY_USER = [None]


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim", "_aval")

    @property
    def __class__(self):   # consulted by isinstance only when type() does not match
        hook = CLASS_SEEN_BY_USER[0]
        if hook is not None:
            cls = hook(self)
            if cls is not None:
                return cls
        return type(self)

    def to_concrete(self, data=False):
        return self._trace.concretize(self, data)

    def is_concrete(self):
        v = self.val
        return v.is_concrete() if isinstance(v, Tracer) else True

    def __init__(self, trace, val, bdim):
        self._trace = trace
        # A vmapx.Array (a constant mixed into the batch) is held as a plain ndarray,
        # the type the fast paths below look for.
        self.val = val if type(val) is not Array else val.view(np.ndarray)
        self.bdim = bdim
        self._aval = None

    def __repr__(self):   # JAX's: VmapTracer(aval=float64[], batched=float64[3])
        return self._shown(repr, sys._getframe(1))

    def __str__(self):
        return self._shown(str, sys._getframe(1))

    def __hash__(self):   # unhashable, as JAX's tracers, but for the user's per-example code
        v = self._value_for(sys._getframe(1))
        if v is None:
            raise TypeError(f"unhashable type: '{type(self).__name__}'")
        return hash(v)   # a per-example array stays unhashable, as NumPy's

    def __reduce_ex__(self, protocol):   # pickle / copyreg: the example's value
        v = self._value_for(sys._getframe(1))
        return super().__reduce_ex__(protocol) if v is None else v.__reduce_ex__(protocol)

    def _value_for(self, caller):
        hook = VALUE_SEEN_BY_USER[0]
        return hook(self, caller) if hook is not None else None

    def _shown(self, form, caller):
        """``form`` (``str`` / ``repr``) of the example's value for the user's
        code (``VALUE_SEEN_BY_USER``), else JAX's tracer form."""
        v = self._value_for(caller)
        if v is not None:
            return form(v)
        return f"VmapTracer(aval={self.aval}, batched={get_aval(self.val)})"

    @property
    def aval(self):
        a = self._aval
        if a is None:
            va = get_aval(self.val)
            shape = va.shape
            d = self.bdim
            a = self._aval = ShapedArray(shape[:d] + shape[d + 1:], va.dtype, va.weak_type)
        return a


class BatchTrace(Trace):
    """The trace of one ``vmap``: mapped values are ``BatchTracer``s.

    ``split`` is the ``SplitState`` of an eager ``vmap`` call that may split its
    batch on concrete per-example values (``None`` for strict and internal
    traces); ``successor`` is set once the batch was narrowed (``narrow``).
    """
    __slots__ = ("axis", "split", "successor")

    def __init__(self, parent, axis: AxisData, split=None):
        self.parent = parent
        self.axis = axis
        self.split = split
        self.successor = None

    def process(self, prim, args, params):
        if prim.elementwise and not params:
            # Fastest paths: x op scalar, op x, x op y with matching batch layout.  A
            # value that is an outer trace's tracer goes to the parent trace as it is
            # (what the batching rule would bind, one trace down).
            n = len(args)
            if n == 2:
                x, y = args
                if type(x) is BatchTracer and x._trace is self:
                    ty = type(y)
                    xv = x.val
                    if ty in _SCALARS:
                        if type(xv) is np.ndarray:
                            return BatchTracer(self, prim.impl(xv, y) if xv.nbytes < _POOLED else
                                           apply_elementwise(prim, xv, y), x.bdim)
                        if isinstance(xv, Tracer):
                            return BatchTracer(self, self.parent.process(prim, (xv, y), params),
                                               x.bdim)
                    elif ty is BatchTracer and y._trace is self and x.bdim == y.bdim:
                        yv = y.val
                        if type(xv) is np.ndarray:
                            if type(yv) is np.ndarray and xv.ndim == yv.ndim:
                                return BatchTracer(self, prim.impl(xv, yv) if xv.nbytes < _POOLED
                                               else apply_elementwise(prim, xv, yv), x.bdim)
                        elif isinstance(xv, Tracer) and isinstance(yv, (Tracer, np.ndarray)) \
                                and len(xv.aval.shape) == len(yv.shape):
                            return BatchTracer(self, self.parent.process(prim, (xv, yv), params),
                                               x.bdim)
                elif type(y) is BatchTracer and y._trace is self and type(x) in _SCALARS:
                    yv = y.val
                    if type(yv) is np.ndarray:
                        return BatchTracer(self, prim.impl(x, yv) if yv.nbytes < _POOLED else
                                           apply_elementwise(prim, x, yv), y.bdim)
                    if isinstance(yv, Tracer):
                        return BatchTracer(self, self.parent.process(prim, (x, yv), params),
                                           y.bdim)
            elif n == 1:
                x = args[0]
                if type(x) is BatchTracer and x._trace is self:
                    xv = x.val
                    if type(xv) is np.ndarray:
                        return BatchTracer(self, prim.impl(xv) if xv.nbytes < _POOLED else
                                           apply_elementwise(prim, xv), x.bdim)
                    if isinstance(xv, Tracer):
                        return BatchTracer(self, self.parent.process(prim, (xv,), params),
                                           x.bdim)
        if prim.elementwise:
            # Inline fast path: the aligned case of ``broadcasting_batch`` for NumPy
            # values of this trace (same batch axis and rank) with scalars or short
            # unmapped arrays.  Anything else takes the general path below.
            d0 = None
            nd0 = unmapped_nd = 0
            plain = True  # every value a NumPy array or scalar: call impl directly
            fast = []
            for a in args:
                t = type(a)
                if t is BatchTracer and a._trace is self:
                    v = a.val
                    if type(v) is np.ndarray:
                        nd = v.ndim
                    elif isinstance(v, Tracer):  # a value of an outer trace
                        nd = len(v.aval.shape)
                        plain = False
                    else:
                        break
                    if d0 is None:
                        d0 = a.bdim
                        nd0 = nd
                    elif a.bdim != d0 or nd != nd0:
                        break
                    fast.append(v)
                elif t in _SCALARS:
                    fast.append(a)
                elif t is np.ndarray:
                    if a.ndim > unmapped_nd:
                        unmapped_nd = a.ndim
                    fast.append(a)
                elif isinstance(a, Tracer):  # unmapped, of an outer trace
                    if t is BatchTracer and a._trace.successor is not None:
                        break  # a value from before a narrowing: the general path
                    nd = len(a.aval.shape)
                    if nd > unmapped_nd:
                        unmapped_nd = nd
                    plain = False
                    fast.append(a)
                else:
                    break
            else:
                if d0 is not None and unmapped_nd <= nd0 - 1 - d0:
                    if plain:
                        out = apply_elementwise(prim, *fast) if not params else \
                            prim.impl(*fast, **params)
                        return BatchTracer(self, out, d0)
                    # The rule would bind the op as it is, one trace down.
                    return BatchTracer(self, self.parent.process(prim, fast, params), d0)
        vals = list(args)
        dims = [None] * len(vals)
        mine = False
        for i, a in enumerate(vals):
            if type(a) is BatchTracer:
                if a._trace is not self and a._trace.successor is not None:
                    a = refresh(a)
                if a._trace is self:
                    vals[i] = a.val
                    dims[i] = a.bdim
                    mine = True
        if trace_rules and prim in trace_rules:
            return trace_rules[prim](self, vals, dims, params)
        binds = prim.__class__ is AxisPrimitive and self._binds(params)
        if binds and self.split is not None:
            self.split.note_collective(prim)
        if not mine and not binds:
            return self.parent.process(prim, args, params)
        rule = prim.batch
        if rule is None:
            raise no_rule(prim, "batching")
        st = _state
        prev = st.trace
        st.trace = self.parent
        try:
            out, out_dim = rule(self.axis, vals, dims, **params)
        finally:
            st.trace = prev
        if prim.multiple_results:
            return [o if d is None else BatchTracer(self, o, d)
                    for o, d in zip(out, out_dim, strict=True)]
        return out if out_dim is None else BatchTracer(self, out, out_dim)

    def narrow(self, keep):
        """Go on with only the examples ``keep`` (indices into this batch).

        A new trace of ``len(keep)`` examples takes over: this one forwards
        every operation to it, and a value of this trace is narrowed (gathered at
        ``keep``) when it is next used (``refresh``).
        """
        new = BatchTrace(self.parent, AxisData(self.axis.name, len(keep), self.axis.spmd_name),
                         self.split)
        self.successor = (new, keep)
        self.__class__ = NarrowedBatchTrace
        if _state.trace is self:
            _state.trace = new
        return new

    def concretize(self, x: "BatchTracer", data=False):
        """The value ``x`` has in every example of the batch, as an ndarray, or
        ``None`` where it has none (abstract values, strict ``vmap``).  Where the
        examples disagree, the batch is split by value (``SplitState.split``)."""
        if x._trace.successor is not None:
            x = refresh(x)
        val = x.val
        if isinstance(val, Tracer):
            val = val.to_concrete(data)
            if val is None:
                return None
        trace = x._trace
        if trace.split is None:
            return None
        full = np.moveaxis(np.asarray(val), x.bdim, 0)
        return trace.split.split(trace, full, x.aval, data)

    def reenter(self, fun, in_dims, out_dims):
        """``fun`` as a function of unboxed values: when called (by a trace below this
        one, or by evaluation), this trace is re-entered on top of the trace current
        at that time, the arguments are boxed with ``in_dims``, and the results are
        unboxed; their batch dims are written into the list ``out_dims``.  ``fun``
        takes and returns flat lists; ``None`` (a symbolic zero) passes as it is."""

        def reentered(*xs):
            st = _state
            saved_parent, prev = self.parent, st.trace
            self.parent = prev
            st.trace = self
            try:
                boxed = [x if d is None or x is None else BatchTracer(self, x, d)
                         for x, d in zip(xs, in_dims, strict=True)]
                outs = fun(*boxed)
            finally:
                st.trace = prev
                self.parent = saved_parent
            vals, out_dims[:] = self.unbox(outs)
            return vals

        return reentered

    def unbox(self, outs):
        """``(values, batch dims)`` of ``outs``: this trace's tracers unboxed, anything
        else as it is with dim ``None``."""
        vals, dims = [], []
        for o in outs:
            if type(o) is BatchTracer and o._trace is self:
                vals.append(o.val)
                dims.append(o.bdim)
            else:
                vals.append(o)
                dims.append(None)
        return vals, dims

    def _binds(self, params):
        name = self.axis.name
        return name is not None and name in axis_names_of(params.get("axis_name"))

    def bound_axis_names(self):
        here = () if self.axis.name is None else (self.axis.name,)
        return here + self.parent.bound_axis_names()


class NarrowedBatchTrace(BatchTrace):
    """A batch trace whose batch was narrowed: it hands every operation, with its
    own values narrowed, to the trace that took over (traces above it still name
    it as their parent)."""
    __slots__ = ()

    def process(self, prim, args, params):
        args = [refresh(a) if type(a) is BatchTracer and a._trace.successor is not None else a
                for a in args]
        return latest(self).process(prim, args, params)


def splittable(x) -> bool:
    """Whether tracer ``x`` has concrete per-example values that an eager,
    non-strict ``vmap`` may split its batch on (``concrete``, docs/per-example-code.md)."""
    if not x.is_concrete():
        return False
    t = x._trace
    while t is not None:
        if isinstance(t, BatchTrace) and t.split is not None:
            return True
        t = t.parent
    return False


def latest(trace: BatchTrace) -> BatchTrace:
    """The trace that has taken over from ``trace`` (itself if not narrowed)."""
    while trace.successor is not None:
        trace = trace.successor[0]
    return trace


def refresh(x: BatchTracer) -> BatchTracer:
    """Bring a value from before a narrowing up to date, in place: its batch is
    gathered at the examples kept (each narrowing in turn)."""
    while x._trace.successor is not None:
        new, keep = x._trace.successor
        val = x.val
        if type(val) is np.ndarray:
            val = val.take(keep, axis=x.bdim)
        else:
            st = _state
            prev = st.trace
            st.trace = new.parent
            try:
                val = primitives["take"].bind(val, keep, axis=x.bdim)
            finally:
                st.trace = prev
        x.val = val
        x._trace = new
    return x


# ---------------------------------------------------------------- helpers for rules
# They work on plain arrays and on tracers of outer traces alike (binding
# primitives), with a direct NumPy path when no tracer is involved.


def moveaxis(x, src: int, dst: int):
    """Move axis ``src`` of ``x`` to ``dst`` (both non-negative)."""
    if src == dst:
        return x
    nd = x.ndim
    perm = list(range(nd))
    perm.pop(src)
    perm.insert(dst, src)
    return primitives["transpose"].bind(x, perm=tuple(perm))


def bdim_to_front(x, d):
    """Batch axis of ``x`` to position 0 (``d`` must not be None)."""
    return x if d == 0 else moveaxis(x, d, 0)


def broadcast_batched(x, d, size: int):
    """``x`` with its batch axis at 0; an unmapped ``x`` is broadcast to ``size``."""
    if d is None:
        shape = tuple(np.shape(x)) if not isinstance(x, Tracer) else x.shape
        return primitives["broadcast_in_dim"].bind(x, shape=(size,) + tuple(shape),
                                                   dims=tuple(range(1, len(shape) + 1)))
    return bdim_to_front(x, d)


def matchaxis(x, src, dst, size: int):
    """Put the batch axis of ``x`` (at ``src`` or unmapped) at ``dst``."""
    if src == dst:
        return x
    if src is None:
        x = broadcast_batched(x, None, size)
        src = 0
    return moveaxis(x, src, dst)


def canonical_axis(axis: int, ndim: int, what="axis") -> int:
    if not -ndim <= axis < max(ndim, 1) and not (ndim == 0 and axis in (0, -1)):
        raise AxisError(f"{what} {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else 0
