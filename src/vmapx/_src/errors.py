"""Exception classes (subclassing the built-in ones, named as in JAX) and the
traceback filter that keeps vmapx's internal frames out of the user's view."""
from __future__ import annotations

import functools
import itertools
import os
import sys
import threading
import types

from . import fperrors

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""vmapx's package directory: frames of files below it are vmapx's own."""


def instruction_position(frame):
    """``(line, end_line, column, end_column)`` of the instruction ``frame`` is
    executing (a call: its whole call expression), from its code's positions
    (columns in UTF-8 bytes); ``None`` where they are not known."""
    pos = next(itertools.islice(frame.f_code.co_positions(), frame.f_lasti // 2, None), None)
    return None if not pos or None in pos else pos


class UnexpectedTracerError(Exception):
    """A traced value escaped the transformation that created it."""


class UnboundAxisNameError(NameError):
    """A collective named an axis that no enclosing ``vmap`` binds."""


class ConcretizationTypeError(TypeError):
    """A traced value was used where a concrete Python value is required."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool(tracer)``: Python control flow on a traced value."""


class TracerIntegerConversionError(ConcretizationTypeError):
    """``int(tracer)`` / ``operator.index(tracer)`` on a traced value."""


class NonConcreteBooleanIndexError(IndexError):
    """A traced boolean mask was used as an index (the result shape would depend on it)."""


class ShapeError(TypeError, ValueError):
    """Operand shapes that do not fit (broadcasting, contracting dimensions,
    reshapes, concatenation).  JAX raises ``TypeError`` here and NumPy
    ``ValueError``; this is both, so a JAX program's ``except TypeError`` and a
    NumPy user's ``except ValueError`` each catch it (as NumPy's own
    ``AxisError`` is both a ``ValueError`` and an ``IndexError``)."""


class IndexerTypeError(TypeError, IndexError):
    """An index of a type that cannot index (a float array, a float).  JAX
    raises ``TypeError`` and NumPy ``IndexError``; this is both."""


class TracerArrayConversionError(TypeError):
    """``np.asarray(tracer)``: conversion of a traced value to a NumPy array."""


for _cls in (UnexpectedTracerError, UnboundAxisNameError, ConcretizationTypeError,
             TracerBoolConversionError, TracerIntegerConversionError, TracerArrayConversionError,
             NonConcreteBooleanIndexError, ShapeError, IndexerTypeError):
    _cls.__module__ = "vmapx.errors"


def _is_internal(frame) -> bool:
    fn = frame.f_code.co_filename
    return fn.startswith(PACKAGE_DIR) and "/tests/" not in fn and not fn.endswith("demo.py")


def filter_traceback(tb):
    """Drop vmapx's own frames from ``tb``, keeping the user's."""
    frames = []
    while tb is not None:
        if not _is_internal(tb.tb_frame):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    new = None
    for frame, lasti, lineno in reversed(frames):
        new = types.TracebackType(new, frame, lasti, lineno)
    return new


FILTERING = ["auto"]
"""``jax_traceback_filtering`` (set by ``config``): "off" keeps vmapx's frames."""

LEAK_CHECK = [None]
"""``jax_check_tracer_leaks`` (set by ``config``): the context manager
(``leaks.checking_leaks``) wrapped around each outermost transformation call."""

_calls = threading.local()


def _checked_for_leaks(fun, args, kwargs):
    """``fun(*args, **kwargs)`` inside the leak check when it is the outermost
    transformation call of this thread (inner ones are covered by it)."""
    if getattr(_calls, "inside", False):
        return fun(*args, **kwargs)
    _calls.inside = True
    try:
        with LEAK_CHECK[0]():
            return fun(*args, **kwargs)
    finally:
        _calls.inside = False


def api_boundary(fun):
    """Decorator for public entry points: errors raised inside vmapx are re-raised
    with the internal frames removed, so the user's line is the last one shown.
    Set ``VMAPX_TRACEBACK_FILTERING=off`` (or the option ``jax_traceback_filtering``
    to "off") to see everything.  Floating-point
    errors inside are silent (``fperrors``: NaN / inf results, no warning)."""
    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        token = fperrors.enter()   # floating-point errors are silent, as in JAX
        try:
            if LEAK_CHECK[0] is not None:
                return _checked_for_leaks(fun, args, kwargs)
            return fun(*args, **kwargs)
        except Exception as e:
            if FILTERING[0] == "off" or os.environ.get("VMAPX_TRACEBACK_FILTERING", "on") == "off":
                raise
            # Every boundary filters (nested transforms add internal frames above the
            # inner boundary), and re-raises bare so that this frame is not added.
            e.with_traceback(filter_traceback(e.__traceback__))
            raise
        finally:
            fperrors.leave(token)
    wrapped._api_boundary = True
    return wrapped


def user_frame_summary() -> str:
    """``file:line`` of the innermost frame outside vmapx, for error messages."""
    f = sys._getframe(1)
    while f is not None and _is_internal(f):
        f = f.f_back
    if f is None:
        return ""
    return f"{f.f_code.co_filename}:{f.f_lineno}"
