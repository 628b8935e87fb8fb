"""Native jit backend: fusible regions of a jit program run as Numba kernels.

``start`` is the one hook ``jit.runner`` calls when it creates the runner of
a program.  By backend (``vmapx_jit_backend`` option, env var
``VMAPX_JIT_BACKEND``):

* ``"numpy"``: nothing happens.
* ``"numba"``: the program is fused and compiled now, synchronously (Numba
  required); the native program runs from the first call.
* ``"auto"``: if Numba is installed and a region of at least
  ``FUSE_MIN_SIZE`` elements exists, a background thread compiles (or loads
  from the disk cache) the kernels and then swaps the native program in;
  calls run the NumPy program until then.  Small programs never touch Numba.

See docs/fused-jit.md.
"""
from __future__ import annotations

import importlib.util
import os
import threading
import warnings

from . import pool, regions  # noqa: F401  (used by jit and clear_caches)

FUSE_MIN_SIZE = 1 << 16
"""Elements a region's iteration space needs before ``"auto"`` compiles it."""

BACKENDS = ("auto", "numba", "numpy")

LOCK = threading.Lock()
"""Guards the swap of a program's runner (background thread vs. jit's tiers)."""

_numba_available = []
_threads: list = []


def default_backend() -> str:
    """The backend named by ``VMAPX_JIT_BACKEND`` (``"auto"`` when unset or unknown,
    with a warning)."""
    value = os.environ.get("VMAPX_JIT_BACKEND", "auto").strip().lower() or "auto"
    if value not in BACKENDS:
        warnings.warn(f"VMAPX_JIT_BACKEND={value!r} is not one of {BACKENDS}; using 'auto'",
                      UserWarning, stacklevel=2)
        value = "auto"
    return value


BACKEND = default_backend()
"""The current backend (set through ``vmapx.config.update('vmapx_jit_backend', ...)``)."""


def numba_available() -> bool:
    """Whether Numba can be imported (found without importing it)."""
    if not _numba_available:
        _numba_available.append(importlib.util.find_spec("numba") is not None)
    return _numba_available[0]


def _largest(eqns):
    best = 0
    for e in eqns:
        for v in e.outvars:
            n = 1
            for s in v.aval.shape:
                n *= s
            best = max(best, n)
    return best


def start(closed, key, compile_native):
    """Called once per runner.  ``compile_native(min_size)`` returns the
    native runner (or ``None`` if the program has no region).  Returns the
    native runner when it was built synchronously, else ``None``."""
    if BACKEND == "numpy":
        return None
    if BACKEND == "numba":
        return compile_native(0)
    if not numba_available() or _largest(closed.jaxpr.eqns) < FUSE_MIN_SIZE:
        return None

    def build():
        try:
            run = compile_native(FUSE_MIN_SIZE)
        except Exception:   # a kernel Numba cannot type: keep the NumPy program
            return
        if run is not None:
            with LOCK:
                closed.cache[key] = run

    t = threading.Thread(target=build, name="vmapx-fuse", daemon=True)
    _threads[:] = [other for other in _threads if other.is_alive()]
    _threads.append(t)
    t.start()
    return None


def wait() -> None:
    """Wait for every background compilation started so far (tests, benchmarks)."""
    while _threads:
        _threads.pop().join()
