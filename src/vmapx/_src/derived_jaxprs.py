"""Jaxprs derived from a ``ClosedJaxpr`` and cached on it: ``batch_jaxpr`` (the
batching of a jaxpr into another jaxpr, which higher-order primitives use for
their rules, with ``batched_eval``), and ``cache_derived``, the bounded,
thread-safe cache that also keeps their linearized and transposed bodies.
"""
from __future__ import annotations

import threading

from .core import AxisData, ShapedArray, current_trace, set_trace
from .batching import BatchTrace, BatchTracer, matchaxis
from .ir import ClosedJaxpr
from .staging import eval_jaxpr, trace_to_jaxpr


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
