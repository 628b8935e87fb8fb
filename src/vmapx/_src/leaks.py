"""``checking_leaks``: find traced values that outlive their transformation.

JAX checks for leaked tracers when each transformation ends.  vmapx's tracers
need no bookkeeping to run, so the check is done where it costs nothing on
the normal path: when the ``with checking_leaks():`` block ends, a garbage
collection runs and every tracer still alive whose transformation is over
(stored in a global, a closure, an object, a list, ...) is reported in an
``UnexpectedTracerError`` that says where it came from.  Tracers already
alive when the block began are not blamed.
"""
from __future__ import annotations

import contextlib
import gc

from .core import Tracer, current_trace
from .errors import UnexpectedTracerError


def _active_traces():
    out, t = set(), current_trace()
    while t is not None:
        out.add(id(t))
        t = t.parent
    return out


def _live_tracers():
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Tracer)]


@contextlib.contextmanager
def checking_leaks():
    """Raise ``UnexpectedTracerError`` at the end of the block if a traced value
    created in it outlives its transformation (kept in a global, a closure, ...).

    >>> import vmapx, vmapx.numpy as jnp
    >>> saved = []
    >>> with vmapx.checking_leaks():
    ...     _ = vmapx.grad(lambda x: saved.append(x * 2) or jnp.sin(x))(1.0)
    Traceback (most recent call last):
    ...
    vmapx.errors.UnexpectedTracerError: Leaked 1 traced value ...
    >>> saved.clear()
    >>> with vmapx.checking_leaks():
    ...     print(vmapx.grad(jnp.sin)(0.0))
    1.0
    """
    before = {id(t) for t in _live_tracers()}
    yield
    active = _active_traces()
    leaked = [t for t in _live_tracers()
              if id(t) not in before and id(t._trace) not in active]
    # Report what the program kept, not the tracers inside it (a JVP tracer's tangent).
    inner = {id(r) for t in leaked for r in gc.get_referents(t) if isinstance(r, Tracer)}
    leaked = [t for t in leaked if id(t) not in inner]
    if leaked:
        shown = ", ".join(repr(t) for t in leaked[:5]) + (" ..." if len(leaked) > 5 else "")
        raise UnexpectedTracerError(
            f"Leaked {len(leaked)} traced value{'s' if len(leaked) > 1 else ''} from a "
            f"transformation that has ended: {shown}. A function transformed by vmapx kept a "
            "traced value beyond its call, for example in a global, a closure or an object "
            "attribute; return it from the transformed function instead.")
