"""Floating-point errors in vmapx's own NumPy calls: silent, as in JAX.

JAX computes ``log(0.0)``, ``sqrt(-1.0)`` or ``1.0 / 0.0`` as ``-inf`` /
``nan`` / ``inf`` without a warning (a NaN result is the signal; the
``jax_debug_nans`` option turns it into an error).  NumPy warns instead, and a
program run under ``-W error`` (JAX's own test configuration, many projects'
pytest settings) would fail on a ``RuntimeWarning`` that JAX never gives.

NumPy keeps its error state in a context variable; vmapx sets it to "ignore"
around its own computations (eager primitives and ``vmapx.numpy`` functions,
everything under a public transform: ``errors.api_boundary``) and restores it
after, so the user's own NumPy code keeps the user's settings.  Setting and
resetting the variable costs ~0.1 µs; ``np.errstate`` (~1-3 µs) is the
fallback on a NumPy without that variable.  The binary operators of a
``vmapx.Array`` (``x / 0``) are silent the same way (``jnp/array.py``).

``jax_debug_nans`` / ``jax_debug_infs`` use the same switch: the error state
becomes "raise" for invalid values (NaN) / division by zero and overflow
(inf), so the operation that makes one raises ``FloatingPointError``, as in
JAX.  A ``jit`` program runs silently and checks its results; on a NaN it runs
again operation by operation to raise at the culprit (``check_results``).

>>> import numpy as np
>>> token = enter()
>>> np.log(np.zeros(1))            # no RuntimeWarning
array([-inf])
>>> leave(token)
"""
from __future__ import annotations

import threading

import numpy as np

try:   # NumPy >= 2.0: the error state is a context variable
    from numpy._core._ufunc_config import _extobj_contextvar as _STATE
    from numpy._core.umath import _make_extobj

    def _state_for(nans, infs):
        return _make_extobj(all="ignore", invalid="raise" if nans else "ignore",
                            divide="raise" if infs else "ignore",
                            over="raise" if infs else "ignore")

    def _set(state):
        return _STATE.set(state)

    def leave(token):
        """Restore the error state ``enter`` replaced."""
        _STATE.reset(token)
except (ImportError, AttributeError, TypeError):   # pragma: no cover - older NumPy
    def _state_for(nans, infs):
        return dict(all="ignore", invalid="raise" if nans else "ignore",
                    divide="raise" if infs else "ignore", over="raise" if infs else "ignore")

    def _set(state):
        errstate = np.errstate(**state)
        errstate.__enter__()
        return errstate

    def leave(token):
        """Restore the error state ``enter`` replaced."""
        token.__exit__(None, None, None)

# ``jax_debug_nans`` / ``jax_debug_infs``: a NaN (an infinity) made by an
# operation raises ``FloatingPointError`` instead (NumPy's "raise" error state).
_STATES = {(n, i): _state_for(n, i) for n in (False, True) for i in (False, True)}
_QUIET = _STATES[False, False]
_GLOBAL = [False, False]              # config.update's (nans, infs)
_ACTIVE = [_QUIET]                    # the state for _GLOBAL
_SCOPES_OPEN = [0]                    # scoped settings open in any thread
_COUNT_LOCK = threading.Lock()


class _Local(threading.local):
    def __init__(self):
        self.checks = None            # this thread's scoped (nans, infs), or None


_local = _Local()


def checks():
    """This thread's ``(debug_nans, debug_infs)``."""
    if _SCOPES_OPEN[0] and _local.checks is not None:
        return _local.checks
    return tuple(_GLOBAL)


def enter():
    """Make floating-point errors silent (or raise, under ``debug_nans`` /
    ``debug_infs``); returns the token for ``leave``."""
    if _SCOPES_OPEN[0] and _local.checks is not None:
        return _set(_STATES[_local.checks])
    return _set(_ACTIVE[0])


def enter_quiet():
    """Make floating-point errors silent whatever the debug options (a ``jit``
    program runs so and checks its results after, as JAX does)."""
    return _set(_QUIET)


def enter_checking(nans, infs):
    """Raise on NaNs (``nans``) / infinities (``infs``) made from here on."""
    return _set(_STATES[bool(nans), bool(infs)])


def set_global(option, value):
    """``config.update('jax_debug_nans' | 'jax_debug_infs', value)``."""
    _GLOBAL[0 if option == "jax_debug_nans" else 1] = bool(value)
    _ACTIVE[0] = _STATES[tuple(_GLOBAL)]


def enter_scope(option, value):
    """This thread's scoped ``debug_nans`` / ``debug_infs``; returns the token
    for ``exit_scope``."""
    previous = _local.checks
    current = list(checks())
    current[0 if option == "jax_debug_nans" else 1] = bool(value)
    _local.checks = tuple(current)
    with _COUNT_LOCK:   # ``+=`` on a shared counter is not atomic across threads
        _SCOPES_OPEN[0] += 1
    return previous


def exit_scope(previous):
    """Close the scope ``enter_scope`` opened (``previous``: its token)."""
    _local.checks = previous
    with _COUNT_LOCK:
        _SCOPES_OPEN[0] -= 1


def any_checks():
    """Whether ``debug_nans`` / ``debug_infs`` may be on in some thread (cheap)."""
    return _SCOPES_OPEN[0] > 0 or _ACTIVE[0] is not _QUIET


def check_results(values, rerun, name):
    """Under ``debug_nans`` / ``debug_infs``: when ``values`` (a jit program's
    results, computed silently) hold a NaN / an infinity, run the program
    again with ``rerun`` operation by operation, raising at the operation that
    made it (JAX's de-optimized rerun); if none does, the NaN came from an input
    and the error names the function."""
    nans, infs = checks()
    if not (nans or infs):
        return
    bad = None
    for v in values:
        a = np.asarray(v)
        if a.dtype.kind not in "fc":
            continue
        if nans and np.isnan(a).any():
            bad = "invalid value (nan)"
            break
        if infs and np.isinf(a).any():
            bad = "divide by zero or overflow (inf)"
            break
    if bad is None:
        return
    token = enter_checking(nans, infs)
    try:
        rerun()
    finally:
        leave(token)
    raise FloatingPointError(f"{bad} encountered in {name}")
