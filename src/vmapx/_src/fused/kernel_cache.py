"""The on-disk cache of fused kernels, and the prelude every kernel module starts with.

A kernel's source names no sizes and no constants (they are arguments), only
ranks, dtypes and the broadcasting pattern, so one kernel serves every size;
its SHA-256 names the file ``k_<hash>.py`` in the cache directory, and Numba
caches the machine code beside it: a new process that meets the kernel
compiles nothing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading

_HEADER = '''\
import numpy as np
import numba

_jit = numba.njit(cache={cache}, error_model="numpy", nogil=True)


@numba.njit(inline="always")
def _max(a, b):
    return a if (a > b or a != a) else b


@numba.njit(inline="always")
def _min(a, b):
    return a if (a < b or a != a) else b


@_jit
def _block(a, lo, n, zero):
    # NumPy's pairwise_sum for n <= 128: 8 accumulators, then the rest in order
    if n < 8:
        res = zero
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    m = n - n % 8
    i = 8
    while i < m:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@_jit
def _pairwise(a, lo, n, zero):
    # NumPy's recursive halving (at multiples of 8) with an explicit stack:
    # Numba's cache cannot hold recursive functions.
    if n <= 128:
        return _block(a, lo, n, zero)
    los = np.empty(128, np.int64)
    ns = np.empty(128, np.int64)
    combine = np.zeros(128, np.bool_)
    vals = np.empty(128, a.dtype)
    los[0] = lo
    ns[0] = n
    top = 1
    nv = 0
    while top > 0:
        top -= 1
        l = los[top]
        m = ns[top]
        if combine[top]:
            combine[top] = False
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]
        elif m <= 128:
            vals[nv] = _block(a, l, m, zero)
            nv += 1
        else:
            n2 = m // 2
            n2 -= n2 % 8
            combine[top] = True
            top += 1
            los[top] = l + n2
            ns[top] = m - n2
            top += 1
            los[top] = l
            ns[top] = n2
            top += 1
    return vals[0]
'''

CACHE_ENTRIES = 1024
"""Kernels kept loaded in this process (by source hash)."""

_loaded: dict = {}
_lock = threading.Lock()


def cache_dir() -> str:
    """Where kernel sources (and Numba's machine code beside them) are kept."""
    d = os.environ.get("VMAPX_CACHE_DIR")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "vmapx")
    return os.path.join(d, "fused")


def load(source: str):
    """The compiled ``kernel`` of ``source`` (a module written once to the cache dir)."""
    digest = hashlib.sha256((_HEADER + source).encode()).hexdigest()[:32]
    with _lock:
        fn = _loaded.get(digest)
        if fn is not None:
            return fn
        fn = _import(digest, source)
        if len(_loaded) >= CACHE_ENTRIES:
            _loaded.pop(next(iter(_loaded)))
        _loaded[digest] = fn
        return fn


def _import(digest, source):
    d = cache_dir()
    path = os.path.join(d, f"k_{digest}.py")
    text = _HEADER.format(cache=True) + source
    try:
        if not os.path.exists(path):
            os.makedirs(d, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.replace(tmp, path)
        modname = f"vmapx_fused_k_{digest}"
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[modname] = mod   # Numba's cache looks the module up by name
        spec.loader.exec_module(mod)
        return mod.kernel
    except OSError:
        ns: dict = {}
        exec(compile(_HEADER.format(cache=False) + source, f"<vmapx fused {digest}>", "exec"),
             ns)
        return ns["kernel"]
