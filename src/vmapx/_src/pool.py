"""A bounded, thread-safe pool of NumPy buffers, keyed by shape and dtype (jit and eager).

Large NumPy allocations are fresh memory maps: every new temporary faults in
its pages one by one (about 2 us per 4 KiB page).  A program that gives its
dead temporaries back here and takes them again on the next call (or for the
next equation) writes into pages that are already mapped.

Only arrays of at least ``MIN_BYTES`` are pooled; the pool holds at most
``CAP_BYTES`` of free buffers in all (a buffer given back beyond that is
dropped, i.e. freed as usual).  Taken buffers are not tracked: one that
escapes (is returned to a user) is simply never given back.
"""
from __future__ import annotations

import sys
import threading

import numpy as np

MIN_BYTES = 1 << 16
"""Arrays smaller than this are allocated as usual (malloc reuses them cheaply)."""

SHARED_MIN_BYTES = 1 << 20
"""Eager results smaller than this are allocated as usual: the pool holds, per
shape, as many bases as were ever live at once, which for a chain of
differently shaped temporaries is more than NumPy's own peak; only large
arrays, whose fresh pages are costly, are worth that."""

CAP_BYTES = 256 << 20
"""Most bytes of free buffers the pool keeps."""

_lock = threading.Lock()
_free: dict = {}      # (shape, dtype) -> list of free arrays
_held = [0]           # bytes of free buffers held
_shared: dict = {}    # (shape, dtype) -> list of base arrays handed out as views
_shared_bytes = [0]


def _baseline_refs():
    """``sys.getrefcount`` of a base seen while scanning its list, when the list
    holds the only reference (measured, not assumed, for this interpreter)."""
    bases = [np.empty(1)]
    for b in bases:
        return sys.getrefcount(b)


_FREE_REFS = _baseline_refs()


def poolable(shape, dtype) -> bool:
    """Whether arrays of this shape and dtype go through the pool."""
    n = np.dtype(dtype).itemsize
    for s in shape:
        n *= s
    return n >= MIN_BYTES


def take(shape, dtype):
    """A writeable C-contiguous array of ``shape`` and ``dtype`` (contents undefined)."""
    key = (shape, dtype)
    with _lock:
        free = _free.get(key)
        if free:
            buf = free.pop()
            _held[0] -= buf.nbytes
            return buf
    return np.empty(shape, dtype)


def give(buf) -> None:
    """Give back a buffer from ``take`` that nothing references any more."""
    with _lock:
        if _held[0] + buf.nbytes > CAP_BYTES:
            return
        _free.setdefault((buf.shape, buf.dtype), []).append(buf)
        _held[0] += buf.nbytes


def take_shared(shape, dtype):
    """For eager evaluation: a view of a pooled base array whose only
    reference was the pool's (so nothing can see its old contents), or of a
    new one; ``None`` when the pool is full (allocate as usual).  The base
    stays in the pool: it is free again once every view of it is gone."""
    key = (shape, dtype)
    with _lock:
        bases = _shared.get(key)
        if bases is None:
            bases = _shared[key] = []
        for b in bases:
            if sys.getrefcount(b) <= _FREE_REFS:
                return b[...]
        nbytes = np.dtype(dtype).itemsize * _size(shape)
        if _shared_bytes[0] + nbytes > CAP_BYTES:
            return None
        b = np.empty(shape, dtype)
        bases.append(b)
        _shared_bytes[0] += nbytes
        return b[...]


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def clear() -> None:
    """Free every pooled buffer (``vmapx.clear_caches`` calls this).  Arrays
    handed out earlier stay valid (they keep their memory alive)."""
    with _lock:
        _free.clear()
        _held[0] = 0
        _shared.clear()
        _shared_bytes[0] = 0


def held_bytes() -> int:
    """Bytes of free buffers the pool holds now."""
    return _held[0]
