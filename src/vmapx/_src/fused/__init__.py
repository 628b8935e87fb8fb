"""Native jit backend: fusible regions of a jit program, and whole loops, run
as Numba kernels.

``start`` is the hook ``jit`` calls when it creates the runner of a program;
``while_runner`` / ``scan_runner`` are asked by the ``while`` and ``scan``
impls for a kernel running the whole loop.  By backend
(``vmapx_jit_backend`` option, env var ``VMAPX_JIT_BACKEND``):

* ``"numpy"``: nothing happens.
* ``"numba"``: the program is fused and compiled now, synchronously (Numba
  required); the native program runs from the first call.
* ``"auto"``: if Numba is installed and the program (loop) holds a value of
  at least ``FUSE_MIN_SIZE`` elements, a background thread compiles (or
  loads from the disk cache) the kernels and then swaps the native program
  in; calls run the NumPy program until then.  Small programs never touch
  Numba.

See docs/fused-jit.md.
"""
from __future__ import annotations

import importlib.util
import os
import threading
import warnings

from . import kernel_cache, loop_kernels, regions

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


def largest(closed):
    """``(elements, bytes)`` of the largest values the equations of ``closed``
    produce, found in one pass and remembered on the program (``jit``'s runner
    and the native backend both ask, once per program)."""
    found = closed.cache.get("largest")
    if found is None:
        elements = nbytes = 0
        for e in closed.jaxpr.eqns:
            for v in e.outvars:
                a = v.aval
                n = _size(a.shape)
                if n > elements:
                    elements = n
                if n * a.dtype.itemsize > nbytes:
                    nbytes = n * a.dtype.itemsize
        found = closed.cache["largest"] = (elements, nbytes)
    return found


def _launch(size, build, install):
    """Build a native runner now (``"numba"``), in a background thread that
    ``install``s it when ready (``"auto"``, for ``size`` elements or more), or
    not at all.  Returns the runner when built synchronously."""
    if BACKEND == "numpy":
        return None
    if BACKEND == "numba":
        return build()
    if size < FUSE_MIN_SIZE or not numba_available():   # (find_spec costs ms)
        return None

    def work():
        try:
            run = build()
        except Exception:   # a kernel Numba cannot type: keep the NumPy program
            return
        if run is not None:
            with LOCK:
                install(run)

    t = threading.Thread(target=work, name="vmapx-fuse", daemon=True)
    _threads[:] = [other for other in _threads if other.is_alive()]
    _threads.append(t)
    t.start()
    return None


def start(closed, key, compile_native):
    """Called once per runner.  ``compile_native(min_size)`` returns the
    native runner (or ``None`` if the program has no region).  Returns the
    native runner when it was built synchronously, else ``None``."""
    min_size = FUSE_MIN_SIZE if BACKEND == "auto" else 0
    return _launch(largest(closed)[0], lambda: compile_native(min_size),
                   lambda run: closed.cache.__setitem__(key, run))


def while_runner(cond_jaxpr, body_jaxpr, ncc, nbc, simplify):
    """A function running the ``while`` loop ``(*cond_consts, *body_consts,
    *init) -> carry`` as one native kernel, or ``None`` (not fusible, not
    worth it, or still compiling).  Decided once per loop, cached on the
    body."""
    def programs():
        return simplify(cond_jaxpr), simplify(body_jaxpr)

    def call(impl, c_consts, b_consts):
        def run(*args):
            cc, bc, init = args[:ncc], args[ncc:ncc + nbc], args[ncc + nbc:]
            return impl(*c_consts, *cc, *b_consts, *bc, *init)
        return run

    return _loop_runner(("fused_while", cond_jaxpr, ncc, nbc), body_jaxpr, nbc, programs,
                        ncc, None, call)


def scan_runner(jaxpr, num_consts, num_carry, length, nxs, simplify):
    """A function running a ``scan`` with no ``xs`` and no ``ys`` (a
    ``fori_loop`` with static bounds) as one native kernel, or ``None``."""
    if nxs or len(jaxpr.out_avals) != num_carry or length <= 0:
        return None

    def programs():
        return None, simplify(jaxpr)

    def call(impl, c_consts, b_consts):
        return lambda *args: impl(*b_consts, *args)

    return _loop_runner(("fused_scan", num_consts, length), jaxpr, num_consts, programs, 0,
                        length, call)


def _loop_runner(key, body_jaxpr, nbc, programs, ncc, length, call):
    if BACKEND == "numpy":
        return None
    cache = body_jaxpr.cache
    hit = cache.get(key)
    if hit is not None:
        return hit or None
    cache[key] = False
    carry_avals = body_jaxpr.in_avals[nbc:]
    size = max((_size(a.shape) for a in carry_avals), default=0)
    if BACKEND == "auto" and (size < FUSE_MIN_SIZE or not numba_available()):
        return None
    cond_prog, body_prog = programs()
    shape = loop_kernels.loop_shape(cond_prog, body_prog, nbc)
    if shape is None:
        return None

    def build():
        kernel = loop_kernels.generate_loop(cond_prog, body_prog, ncc, nbc, shape, length)
        impl = regions.FusedRegion(kernel, kernel_cache.load(kernel.source)).impl
        return call(impl, [] if cond_prog is None else cond_prog[1], body_prog[1])

    run = _launch(size, build, lambda run: cache.__setitem__(key, run))
    if run is not None:
        cache[key] = run
    return run


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def wait() -> None:
    """Wait for every background compilation started so far (tests, benchmarks)."""
    while _threads:
        _threads.pop().join()
