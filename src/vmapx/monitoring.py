"""Listeners for named events (``jax.monitoring``).

Register a callback for one kind of record (an event, a duration, a time
span, a scalar); every ``record_*`` of that kind calls it with the event's
name, value(s) and keyword arguments.  vmapx records JAX's
``/jax/core/compile/jaxpr_trace_duration`` when ``jit`` traces a function and
``/jax/core/compile/backend_compile_duration`` when it compiles the program
(docs/profiler-monitoring.md).

>>> import numpy as np, vmapx
>>> traced = []
>>> listener = lambda event, secs, **kwargs: traced.append((event, kwargs))
>>> vmapx.monitoring.register_event_duration_secs_listener(listener)
>>> _ = vmapx.jit(lambda x: x + 1.0)(np.ones(2))
>>> vmapx.monitoring.unregister_event_duration_listener(listener)
>>> traced
[('/jax/core/compile/jaxpr_trace_duration', {'fun_name': '<lambda>'})]
"""
from ._src.monitoring import (  # noqa: F401
    clear_event_listeners, record_event, record_event_duration_secs, record_event_time_span,
    record_scalar, register_event_duration_secs_listener, register_event_listener,
    register_event_time_span_listener, register_scalar_listener,
    unregister_event_duration_listener, unregister_event_listener,
    unregister_event_time_span_listener, unregister_scalar_listener, get_event_listeners,
    get_event_duration_listeners, get_event_time_span_listeners, get_scalar_listeners)

__all__ = ["clear_event_listeners", "record_event", "record_event_duration_secs",
           "record_event_time_span", "record_scalar", "register_event_duration_secs_listener",
           "register_event_listener", "register_event_time_span_listener",
           "register_scalar_listener", "unregister_event_duration_listener",
           "unregister_event_listener", "unregister_event_time_span_listener",
           "unregister_scalar_listener"]
