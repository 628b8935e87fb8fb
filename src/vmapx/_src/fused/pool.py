"""A bounded, thread-safe pool of free NumPy buffers, keyed by shape and dtype.

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

import threading

import numpy as np

MIN_BYTES = 1 << 16
"""Arrays smaller than this are allocated as usual (malloc reuses them cheaply)."""

CAP_BYTES = 256 << 20
"""Most bytes of free buffers the pool keeps."""

_lock = threading.Lock()
_free: dict = {}      # (shape, dtype) -> list of free arrays
_held = [0]           # bytes of free buffers held


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


def clear() -> None:
    """Free every pooled buffer (``vmapx.clear_caches`` calls this)."""
    with _lock:
        _free.clear()
        _held[0] = 0


def held_bytes() -> int:
    """Bytes of free buffers the pool holds now."""
    return _held[0]
