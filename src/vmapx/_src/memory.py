"""The memory budget and the chunk size ``vmap(chunk_size='auto')`` picks from it.

This module owns the budget (the option ``vmapx_memory_budget`` is read by
``_src/config.py``; here, its default: a share of the machine's available
memory) and the estimate of a batched function's peak memory: a liveness walk
over the jaxpr that ``vmap(f)`` stages to, at a probe batch size, giving the
bytes alive at each equation as ``fixed + n * per_example`` for a chunk of
``n`` examples.  Estimates are cached per signature (bounded, thread-safe).
See docs/scale.md.
"""
from __future__ import annotations

import collections
import os
import threading

import numpy as np

from .config import config
from .core import AxisData, ShapedArray, Tracer, get_aval
from .staging import trace_to_jaxpr
from .ir import ClosedJaxpr, Jaxpr, Literal

PROBE = 7919
"""The batch size the function is staged at: a prime no other dimension is
likely to be a multiple of, so a value is per-example when a dimension is."""

def available_memory() -> int:
    """Bytes of memory available now: ``MemAvailable`` of /proc/meminfo, else
    the available physical pages, else 8 GiB."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


_default_budget: list = []


def memory_budget() -> int:
    """The budget in bytes: the config option, else half the memory available
    when first asked (then kept).

    >>> import vmapx
    >>> vmapx.config.update('vmapx_memory_budget', '64MB')
    >>> memory_budget()
    64000000
    >>> vmapx.config.update('vmapx_memory_budget', None)
    """
    n = config.vmapx_memory_budget
    if n is not None:
        return n
    if not _default_budget:
        _default_budget.append(available_memory() // 2)
    return _default_budget[0]


# ------------------------------------------------------------- the estimate


def _nbytes(aval) -> int:
    return int(np.prod(aval.shape, dtype=np.int64)) * aval.dtype.itemsize


def _cost(aval, probe) -> tuple[int, float]:
    """``(fixed, per_example)`` bytes of a value staged at batch size ``probe``."""
    n = _nbytes(aval)
    if any(s and s % probe == 0 for s in aval.shape):
        return 0, n / probe
    return n, 0.0


def _inner_jaxprs(params):
    for v in params.values():
        for w in (v if isinstance(v, (tuple, list)) else (v,)):
            if isinstance(w, ClosedJaxpr):
                yield w.jaxpr
            elif isinstance(w, Jaxpr):
                yield w


def live_points(jaxpr: Jaxpr, probe: int = PROBE) -> list[tuple[int, float]]:
    """The live bytes of ``jaxpr``'s values at each equation, as
    ``(fixed, per_example)`` pairs: a value is live from its equation to its
    last use (the outputs to the end); inputs and constants are not counted;
    a higher-order equation adds its bodies' points to what is live around it.

    >>> import numpy as np
    >>> from vmapx._src.prims.elementwise import sin_p, multiply_p
    >>> cj = trace_to_jaxpr(lambda x: [multiply_p.bind(sin_p.bind(x), 2.0).sum()],
    ...                     [ShapedArray((3, 1000), np.dtype('float64'))])
    >>> live_points(cj.jaxpr, probe=1000)
    [(0, 24.0), (0, 48.0), (8, 24.0)]
    """
    last = {}
    n_eqns = len(jaxpr.eqns)
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.invars:
            if type(v) is not Literal:
                last[v] = i
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            last[v] = n_eqns
    outer = set(jaxpr.invars) | set(jaxpr.constvars)
    fixed, per = 0, 0.0
    points = []
    frees: dict = collections.defaultdict(list)
    for v, i in last.items():
        if v not in outer:
            frees[i].append(v)
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.outvars:
            f, p = _cost(v.aval, probe)
            fixed += f
            per += p
            if v not in last:  # never used: freed at once, but it existed
                frees[i].append(v)
        points.append((fixed, per))
        for inner in _inner_jaxprs(eqn.params):
            points.extend((fixed + f, per + p) for f, p in live_points(inner, probe))
        for v in frees.pop(i, ()):
            f, p = _cost(v.aval, probe)
            fixed -= f
            per -= p
    return points


HEADROOM = 0.9
"""The share of the budget the estimate may fill: the rest is for what the
jaxpr does not show (temporaries inside NumPy kernels, small values)."""


def largest_chunk(points, out_bytes: int, budget: int, size: int) -> int:
    """The largest ``n <= size`` with ``out_bytes + fixed + n * per`` within
    ``HEADROOM`` of the budget at every point (at least 1).

    >>> largest_chunk([(0, 10.0), (100, 5.0)], out_bytes=400, budget=1000, size=1000)
    50
    """
    n = size
    room = int(budget * HEADROOM) - out_bytes
    for fixed, per in points:
        if per > 0:
            n = min(n, int((room - fixed) // per))
    return max(n, 1)


class Model:
    """The memory model of one signature: live points and output bytes, and
    the largest batch that runs whole under the budget it was last asked
    with (so a call where the budget does not bind costs one comparison)."""
    __slots__ = ("points", "out_fixed", "out_per", "limit")

    def __init__(self, points, out_fixed, out_per):
        self.points, self.out_fixed, self.out_per = points, out_fixed, out_per
        self.limit = (None, 0)  # (budget, largest whole batch), replaced as one value

    def chunk_size(self, size: int, budget: int) -> int | None:
        seen, whole_up_to = self.limit
        if budget != seen:
            room = int(budget * HEADROOM) - self.out_fixed
            whole_up_to = float("inf")
            for fixed, per in self.points:
                if per + self.out_per > 0:
                    whole_up_to = min(whole_up_to, (room - fixed) // (per + self.out_per))
            self.limit = (budget, whole_up_to)
        if size <= whole_up_to:
            return None
        n = largest_chunk(self.points, self.out_fixed + int(self.out_per * size), budget, size)
        return None if n >= size else n


class Estimates:
    """Memory models per mapped function and signature, bounded (oldest first
    out) and thread-safe, as jit's cache."""
    MAX = 256

    def __init__(self):
        self._lock = threading.Lock()
        self._models: dict = {}

    def chunk_size(self, stage, fun_key, leaves, in_dims, axis: AxisData) -> int | None:
        """The chunk size for this call, or ``None`` when it fits unchunked (or
        cannot be estimated).  ``stage(leaves, axis)`` runs the vmap on
        (abstract) leaves and returns the flat list of outputs; ``fun_key``
        names the mapped function (function, input tree, out_axes)."""
        key = (fun_key, axis.name, tuple(
            _example_key(x, d) for x, d in zip(leaves, in_dims, strict=True)))
        model = self._models.get(key)
        if model is None:
            model = _model(stage, leaves, in_dims, axis)
            with self._lock:
                self._models[key] = model
                while len(self._models) > self.MAX:
                    del self._models[next(iter(self._models))]
        if model is False:
            return None
        return model.chunk_size(axis.size, memory_budget())


ESTIMATES = Estimates()


def _example_key(x, d):
    """The per-example type of a leaf (its shape without the batch axis)."""
    if type(x) is np.ndarray:
        shape = x.shape
        if d is not None:
            d = d % len(shape)
            shape = shape[:d] + shape[d + 1:]
        return shape, x.dtype, d
    a = get_aval(x)
    if d is not None:
        d = d % len(a.shape)
        a = ShapedArray(a.shape[:d] + a.shape[d + 1:], a.dtype, a.weak_type)
    return a, d


def _model(stage, leaves, in_dims, axis):
    """Stage at the probe size; ``False`` when staging fails (then 'auto' does
    not chunk and the real call reports the real error)."""
    avals = []
    for x, d in zip(leaves, in_dims, strict=True):
        a = get_aval(x)
        if d is not None:
            d = d % len(a.shape)
            a = ShapedArray(a.shape[:d] + (PROBE,) + a.shape[d + 1:], a.dtype, a.weak_type)
        avals.append(a)
    probe_axis = AxisData(axis.name, PROBE, axis.spmd_name)
    try:
        closed = trace_to_jaxpr(lambda *xs: stage(list(xs), probe_axis), avals)
    except Exception:  # noqa: BLE001  (reported by the real call)
        return False
    out_fixed, out_per = 0, 0.0
    for a in closed.out_avals:
        f, p = _cost(a, PROBE)
        out_fixed += f
        out_per += p
    return Model(live_points(closed.jaxpr), out_fixed, out_per)


def is_top_level(leaves) -> bool:
    """Whether no leaf is a tracer (the vmap is not inside another transform)."""
    return not any(isinstance(x, Tracer) for x in leaves)
