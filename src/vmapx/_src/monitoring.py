"""Listeners for named events (JAX's ``jax.monitoring``), and the events vmapx
records itself.

Code marks a point with ``record_event(name, **kwargs)`` (or a duration, a
time span, a scalar); every listener registered for that kind of record is
called with the name, the value(s) and the keyword arguments.  A typical
listener forwards them to a metrics collector.

Thread safety: the four listener lists are tuples replaced as a whole under a
lock (copy on write), so a ``record_*`` call iterates a consistent snapshot
without taking the lock, and listeners may be registered or removed from any
thread, even from inside a listener.

Events vmapx records (names as JAX's, ``fun_name`` as keyword argument):

- ``/jax/core/compile/jaxpr_trace_duration`` (``fun_name='f'``): ``jit``
  traced ``f`` to a jaxpr, outside any other transformation (a scalar with the
  start time when tracing starts; a duration and a time span when it ends).
- ``/jax/core/compile/backend_compile_duration`` (``fun_name='jit(f)'``):
  the traced program was compiled to Python source (vmapx interprets a
  program for its first calls and compiles it once it has run often enough,
  so this comes after a few calls, not on the first).

JAX's other compile events (MLIR lowering, the persistent compilation cache)
have no vmapx counterpart and are never recorded.

>>> seen = []
>>> listener = lambda event, **kwargs: seen.append((event, kwargs))
>>> register_event_listener(listener)
>>> record_event("/my/event", phase="test")
>>> unregister_event_listener(listener)
>>> seen
[('/my/event', {'phase': 'test'})]
"""
from __future__ import annotations

import threading
import time

JAXPR_TRACE_EVENT = "/jax/core/compile/jaxpr_trace_duration"
BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"

_lock = threading.Lock()
_event_listeners: tuple = ()
_duration_listeners: tuple = ()
_time_span_listeners: tuple = ()
_scalar_listeners: tuple = ()

LISTENING = False
"""Whether any duration, time-span or scalar listener is registered: the one
check instrumented code makes before timing anything."""


def _update():
    global LISTENING
    LISTENING = bool(_duration_listeners or _time_span_listeners or _scalar_listeners)


def record_event(event: str, **kwargs) -> None:
    """Call every event listener with ``event`` and ``kwargs``.

    >>> seen = []
    >>> listener = lambda event, **kwargs: seen.append(event)
    >>> register_event_listener(listener)
    >>> record_event("/my/app/started")
    >>> unregister_event_listener(listener)
    >>> seen
    ['/my/app/started']
    """
    for callback in _event_listeners:
        callback(event, **kwargs)


def record_event_duration_secs(event: str, duration: float, **kwargs) -> None:
    """Call every duration listener with ``event``, ``duration`` (seconds)
    and ``kwargs``.

    >>> seen = []
    >>> listener = lambda event, secs, **kwargs: seen.append((event, secs, kwargs))
    >>> register_event_duration_secs_listener(listener)
    >>> record_event_duration_secs("/my/step", 0.5, step=3)
    >>> unregister_event_duration_listener(listener)
    >>> seen
    [('/my/step', 0.5, {'step': 3})]
    """
    for callback in _duration_listeners:
        callback(event, duration, **kwargs)


def record_event_time_span(event: str, start_time: float, end_time: float,
                           **kwargs) -> None:
    """Call every time-span listener with ``event``, the start and end times
    (seconds, ``time.time()``'s clock) and ``kwargs``.

    >>> seen = []
    >>> listener = lambda event, start, end, **kwargs: seen.append(end - start)
    >>> register_event_time_span_listener(listener)
    >>> record_event_time_span("/my/span", 10.0, 12.5)
    >>> unregister_event_time_span_listener(listener)
    >>> seen
    [2.5]
    """
    for callback in _time_span_listeners:
        callback(event, start_time, end_time, **kwargs)


def record_scalar(event: str, value, **kwargs) -> None:
    """Call every scalar listener with ``event``, ``value`` and ``kwargs``.

    >>> seen = []
    >>> listener = lambda event, value, **kwargs: seen.append((event, value))
    >>> register_scalar_listener(listener)
    >>> record_scalar("/my/loss", 0.25)
    >>> unregister_scalar_listener(listener)
    >>> seen
    [('/my/loss', 0.25)]
    """
    for callback in _scalar_listeners:
        callback(event, value, **kwargs)


def register_event_listener(callback) -> None:
    """Call ``callback(event, **kwargs)`` on every ``record_event``.

    >>> listener = lambda event, **kwargs: None
    >>> register_event_listener(listener)
    >>> listener in get_event_listeners()
    True
    >>> unregister_event_listener(listener)
    """
    global _event_listeners
    with _lock:
        _event_listeners = _event_listeners + (callback,)


def register_event_duration_secs_listener(callback) -> None:
    """Call ``callback(event, duration_secs, **kwargs)`` on every
    ``record_event_duration_secs``.

    >>> listener = lambda event, secs, **kwargs: None
    >>> register_event_duration_secs_listener(listener)
    >>> listener in get_event_duration_listeners()
    True
    >>> unregister_event_duration_listener(listener)
    """
    global _duration_listeners
    with _lock:
        _duration_listeners = _duration_listeners + (callback,)
        _update()


def register_event_time_span_listener(callback) -> None:
    """Call ``callback(event, start_time, end_time, **kwargs)`` on every
    ``record_event_time_span``.

    >>> listener = lambda event, start, end, **kwargs: None
    >>> register_event_time_span_listener(listener)
    >>> listener in get_event_time_span_listeners()
    True
    >>> unregister_event_time_span_listener(listener)
    """
    global _time_span_listeners
    with _lock:
        _time_span_listeners = _time_span_listeners + (callback,)
        _update()


def register_scalar_listener(callback) -> None:
    """Call ``callback(event, value, **kwargs)`` on every ``record_scalar``.

    >>> listener = lambda event, value, **kwargs: None
    >>> register_scalar_listener(listener)
    >>> listener in get_scalar_listeners()
    True
    >>> unregister_scalar_listener(listener)
    """
    global _scalar_listeners
    with _lock:
        _scalar_listeners = _scalar_listeners + (callback,)
        _update()


def _without(listeners: tuple, callback, kind: str) -> tuple:
    """``listeners`` less the first occurrence of ``callback``; like JAX, an
    unknown listener is an ``AssertionError``."""
    for i, registered in enumerate(listeners):
        if registered == callback:
            return listeners[:i] + listeners[i + 1:]
    raise AssertionError(f"{callback!r} is not a registered {kind} listener")


def unregister_event_listener(callback) -> None:
    """Remove an event listener; ``AssertionError`` if it is not registered.

    >>> unregister_event_listener(print)
    Traceback (most recent call last):
    ...
    AssertionError: <built-in function print> is not a registered event listener
    """
    global _event_listeners
    with _lock:
        _event_listeners = _without(_event_listeners, callback, "event")


def unregister_event_duration_listener(callback) -> None:
    """Remove a duration listener; ``AssertionError`` if it is not registered.

    >>> listener = lambda event, secs, **kwargs: None
    >>> register_event_duration_secs_listener(listener)
    >>> unregister_event_duration_listener(listener)
    >>> listener in get_event_duration_listeners()
    False
    """
    global _duration_listeners
    with _lock:
        _duration_listeners = _without(_duration_listeners, callback, "event duration")
        _update()


def unregister_event_time_span_listener(callback) -> None:
    """Remove a time-span listener; ``AssertionError`` if it is not registered.

    >>> listener = lambda event, start, end, **kwargs: None
    >>> register_event_time_span_listener(listener)
    >>> unregister_event_time_span_listener(listener)
    >>> listener in get_event_time_span_listeners()
    False
    """
    global _time_span_listeners
    with _lock:
        _time_span_listeners = _without(_time_span_listeners, callback, "event time span")
        _update()


def unregister_scalar_listener(callback) -> None:
    """Remove a scalar listener; ``AssertionError`` if it is not registered.

    >>> listener = lambda event, value, **kwargs: None
    >>> register_scalar_listener(listener)
    >>> unregister_scalar_listener(listener)
    >>> listener in get_scalar_listeners()
    False
    """
    global _scalar_listeners
    with _lock:
        _scalar_listeners = _without(_scalar_listeners, callback, "scalar")
        _update()


def clear_event_listeners() -> None:
    """Remove every listener of the four kinds.

    >>> register_event_listener(lambda event, **kwargs: None)
    >>> clear_event_listeners()
    >>> get_event_listeners()
    []
    """
    global _event_listeners, _duration_listeners, _time_span_listeners, _scalar_listeners
    with _lock:
        _event_listeners = _duration_listeners = _time_span_listeners = ()
        _scalar_listeners = ()
        _update()


def get_event_listeners() -> list:
    """The registered event listeners (a new list).

    >>> isinstance(get_event_listeners(), list)
    True
    """
    return list(_event_listeners)


def get_event_duration_listeners() -> list:
    """The registered duration listeners (a new list).

    >>> isinstance(get_event_duration_listeners(), list)
    True
    """
    return list(_duration_listeners)


def get_event_time_span_listeners() -> list:
    """The registered time-span listeners (a new list).

    >>> isinstance(get_event_time_span_listeners(), list)
    True
    """
    return list(_time_span_listeners)


def get_scalar_listeners() -> list:
    """The registered scalar listeners (a new list).

    >>> isinstance(get_scalar_listeners(), list)
    True
    """
    return list(_scalar_listeners)


class elapsed:
    """``with elapsed(event, fun_name): ...`` records, as JAX does for its
    compile stages, a scalar (the start time) on entry and a duration and a
    time span on exit (an exception too, as in JAX), each with ``fun_name=fun_name``.  Instrumented
    code enters it only when ``LISTENING``.

    >>> spans = []
    >>> listener = lambda event, start, end, **kwargs: spans.append((event, kwargs))
    >>> register_event_time_span_listener(listener)
    >>> with elapsed("/my/stage", "f"):
    ...     pass
    >>> unregister_event_time_span_listener(listener)
    >>> spans
    [('/my/stage', {'fun_name': 'f'})]
    """
    __slots__ = ("event", "fun_name", "start")

    def __init__(self, event: str, fun_name: str):
        self.event = event
        self.fun_name = fun_name

    def __enter__(self):
        self.start = time.time()
        record_scalar(self.event, self.start, fun_name=self.fun_name)
        return self

    def __exit__(self, exc_type, exc, tb):
        end = time.time()
        record_event_duration_secs(self.event, end - self.start, fun_name=self.fun_name)
        record_event_time_span(self.event, self.start, end, fun_name=self.fun_name)
        return False
