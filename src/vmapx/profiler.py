"""Tracing vmapx programs (``jax.profiler``): annotations and trace files.

Between ``start_trace(log_dir)`` and ``stop_trace()`` (or inside ``with
trace(log_dir)``) each ``TraceAnnotation`` block, ``annotate_function`` call
and jitted-program run (``jit(f)``) is recorded; ``stop_trace`` writes a
Chrome trace-event file at
``<log_dir>/plugins/profile/<timestamp>/<host>.trace.json.gz`` that
TensorBoard's profile plugin and ui.perfetto.dev open.  Host only: vmapx has
no devices to trace.  ``device_memory_profile`` gives the live arrays as a
pprof profile (docs/profiler-monitoring.md).

>>> import glob, gzip, json, os, tempfile
>>> import numpy as np, vmapx
>>> f = vmapx.jit(lambda x: x * 2.0)
>>> log_dir = tempfile.mkdtemp()
>>> with vmapx.profiler.trace(log_dir):
...     with vmapx.profiler.TraceAnnotation("step"):
...         _ = f(np.ones(3))
>>> [path] = glob.glob(os.path.join(log_dir, "plugins/profile/*/*.trace.json.gz"))
>>> events = json.load(gzip.open(path))["traceEvents"]
>>> [e["name"] for e in events if e["ph"] == "X"]
['step', 'jit(<lambda>)']
"""
from ._src.profiler import (  # noqa: F401
    TraceAnnotation, StepTraceAnnotation, annotate_function, trace, start_trace, stop_trace,
    start_server, stop_server, device_memory_profile, save_device_memory_profile)

__all__ = ["TraceAnnotation", "StepTraceAnnotation", "annotate_function", "trace",
           "start_trace", "stop_trace", "start_server", "stop_server",
           "device_memory_profile", "save_device_memory_profile"]
