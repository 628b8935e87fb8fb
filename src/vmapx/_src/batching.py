"""The batching transform: ``BatchTrace`` and the helpers batching rules share.

A ``BatchTracer`` holds ``(val, bdim)``: the whole batch as one array and the
position of the batch axis in it (``None`` never occurs inside a tracer; an
unmapped value is simply not boxed).  A batching rule receives the unboxed
values and their dims and returns the batched output and its dim, computing
with primitives bound on the parent trace, so each rule runs as a handful of
whole-batch NumPy calls.
"""
from __future__ import annotations

import numpy as np

from .core import (AxisData, AxisPrimitive, ShapedArray, Trace, Tracer, _state,
                   apply_elementwise, axis_names_of, no_rule)


_SCALARS = {bool, int, float, complex, np.float64, np.float32, np.int64, np.int32, np.bool_}


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim", "_aval")

    def __init__(self, trace, val, bdim):
        self._trace = trace
        self.val = val
        self.bdim = bdim
        self._aval = None

    @property
    def aval(self):
        a = self._aval
        if a is None:
            from .core import get_aval
            va = get_aval(self.val)
            shape = va.shape
            d = self.bdim
            a = self._aval = ShapedArray(shape[:d] + shape[d + 1:], va.dtype, va.weak_type)
        return a


class BatchTrace(Trace):
    """The trace of one ``vmap``: mapped values are ``BatchTracer``s."""
    __slots__ = ("axis",)

    def __init__(self, parent, axis: AxisData):
        self.parent = parent
        self.axis = axis

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
                            return BatchTracer(self, apply_elementwise(prim, xv, y), x.bdim)
                        if isinstance(xv, Tracer):
                            return BatchTracer(self, self.parent.process(prim, (xv, y), params),
                                               x.bdim)
                    elif ty is BatchTracer and y._trace is self and x.bdim == y.bdim:
                        yv = y.val
                        if type(xv) is np.ndarray:
                            if type(yv) is np.ndarray and xv.ndim == yv.ndim:
                                return BatchTracer(self, apply_elementwise(prim, xv, yv), x.bdim)
                        elif isinstance(xv, Tracer) and isinstance(yv, (Tracer, np.ndarray)) \
                                and len(xv.aval.shape) == len(yv.shape):
                            return BatchTracer(self, self.parent.process(prim, (xv, yv), params),
                                               x.bdim)
                elif type(y) is BatchTracer and y._trace is self and type(x) in _SCALARS:
                    yv = y.val
                    if type(yv) is np.ndarray:
                        return BatchTracer(self, apply_elementwise(prim, x, yv), y.bdim)
                    if isinstance(yv, Tracer):
                        return BatchTracer(self, self.parent.process(prim, (x, yv), params),
                                           y.bdim)
            elif n == 1:
                x = args[0]
                if type(x) is BatchTracer and x._trace is self:
                    xv = x.val
                    if type(xv) is np.ndarray:
                        return BatchTracer(self, apply_elementwise(prim, xv), x.bdim)
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
            if type(a) is BatchTracer and a._trace is self:
                vals[i] = a.val
                dims[i] = a.bdim
                mine = True
        if not mine and not (prim.__class__ is AxisPrimitive and self._binds(params)):
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

    def _binds(self, params):
        name = self.axis.name
        return name is not None and name in axis_names_of(params.get("axis_name"))

    def bound_axis_names(self):
        here = () if self.axis.name is None else (self.axis.name,)
        return here + self.parent.bound_axis_names()


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
    from .prims.shapes import transpose_p
    return transpose_p.bind(x, perm=tuple(perm))


def bdim_to_front(x, d):
    """Batch axis of ``x`` to position 0 (``d`` must not be None)."""
    return x if d == 0 else moveaxis(x, d, 0)


def broadcast_batched(x, d, size: int):
    """``x`` with its batch axis at 0; an unmapped ``x`` is broadcast to ``size``."""
    if d is None:
        from .prims.shapes import broadcast_in_dim_p
        shape = tuple(np.shape(x)) if not isinstance(x, Tracer) else x.shape
        return broadcast_in_dim_p.bind(x, shape=(size,) + tuple(shape),
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
        from numpy.exceptions import AxisError
        raise AxisError(f"{what} {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else 0
