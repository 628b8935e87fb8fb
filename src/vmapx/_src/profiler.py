"""A host-side profiler in JAX's ``jax.profiler`` shape: trace sessions,
annotations, and the Chrome trace-event file TensorBoard and Perfetto read.

While a trace is active (``start_trace`` ... ``stop_trace``, or ``with
trace(log_dir)``), every ``TraceAnnotation`` / ``StepTraceAnnotation`` block,
every ``annotate_function`` call and every run of a jitted program (named
``jit(f)``, recorded by ``jit.py``) is kept as a complete event: name, start,
duration, thread and the annotation's keyword arguments.  ``stop_trace``
writes them as gzipped Chrome trace-event JSON at
``<log_dir>/plugins/profile/<YYYY_MM_DD_HH_MM_SS>/<hostname>.trace.json.gz``
(TensorBoard's profile plugin layout; the same file, without its
``metadata``, as ``perfetto_trace.json.gz`` with ``create_perfetto_trace``).

With no trace active an annotation costs one global check; ``jit`` makes the
same check per run.  Only the host is traced: vmapx runs NumPy calls, so there
are no device timelines, no XLA ops and no ``xplane.pb``.

>>> import tempfile
>>> log_dir = tempfile.mkdtemp()
>>> with trace(log_dir):
...     with TraceAnnotation("setup"):
...         pass
>>> [e["name"] for e in LAST_EVENTS if e["ph"] == "X"]
['setup']
"""
from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import gzip
import http.server
import json
import os
import pathlib
import socket
import socketserver
import threading
import time
import tracemalloc

import numpy as np

from . import core

SESSION = None
"""The active ``_Session`` or ``None``: the one check an annotation or a jit
run makes."""

LAST_EVENTS: list = []
"""The trace events of the last trace written (``stop_trace``), for inspection."""

_lock = threading.Lock()


class _Session:
    """One trace: where it goes, and its events as they come."""
    __slots__ = ("log_dir", "perfetto_trace", "perfetto_link", "origin", "events",
                 "pid")

    def __init__(self, log_dir, perfetto_trace, perfetto_link):
        self.log_dir = str(log_dir)
        self.perfetto_trace = perfetto_trace or perfetto_link
        self.perfetto_link = perfetto_link
        self.origin = time.perf_counter_ns()
        self.events: list = []    # (name, start_ns, end_ns, thread, args); list.append is atomic
        self.pid = os.getpid()

    def now(self) -> int:
        return time.perf_counter_ns()

    def add(self, name: str, start: int, args) -> None:
        """Keep the event ``name`` that began at ``start`` and ends now."""
        self.events.append((name, start, time.perf_counter_ns(), threading.get_native_id(), args))

    def trace_events(self) -> list:
        """The events as Chrome trace events (times in microseconds from the start)."""
        threads = {t.native_id: t.name for t in threading.enumerate()}
        out = [{"ph": "M", "pid": self.pid, "name": "process_name",
                "args": {"name": "/host:CPU"}},
               {"ph": "M", "pid": self.pid, "name": "process_sort_index",
                "args": {"sort_index": self.pid}}]
        seen = []
        for _, _, _, thread, _ in self.events:
            if thread not in seen:
                seen.append(thread)
        for rank, thread in enumerate(seen, start=1):
            name = threads.get(thread, f"thread {thread}")
            out.append({"ph": "M", "pid": self.pid, "tid": thread, "name": "thread_name",
                        "args": {"name": "python" if thread == threading.main_thread().native_id
                                 else name}})
            out.append({"ph": "M", "pid": self.pid, "tid": thread,
                        "name": "thread_sort_index", "args": {"sort_index": rank}})
        for name, start, end, thread, args in sorted(self.events, key=lambda e: e[1]):
            event = {"ph": "X", "pid": self.pid, "tid": thread,
                     "ts": (start - self.origin) / 1e3, "dur": (end - start) / 1e3,
                     "name": name}
            if args:
                event["args"] = args
            out.append(event)
        return out


def start_trace(log_dir, create_perfetto_link: bool = False,
                create_perfetto_trace: bool = False, profiler_options=None) -> None:
    """Start a trace written to ``log_dir`` by ``stop_trace``.

    One trace at a time: a second ``start_trace`` raises ``RuntimeError``.
    ``create_perfetto_trace`` also writes ``perfetto_trace.json.gz`` (for
    ui.perfetto.dev); ``create_perfetto_link`` does too, then serves it on
    ``127.0.0.1:9001`` and prints the link, blocking ``stop_trace`` until the
    Perfetto UI has fetched it (as JAX).  ``profiler_options`` is accepted for
    JAX's signature; vmapx's profiler has no options.

    >>> import tempfile
    >>> start_trace(tempfile.mkdtemp())
    >>> start_trace(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    RuntimeError: Profile has already been started. Only one profile may be run at a time.
    >>> stop_trace()
    """
    global SESSION
    with _lock:
        if SESSION is not None:
            raise RuntimeError("Profile has already been started. "
                               "Only one profile may be run at a time.")
        SESSION = _Session(log_dir, create_perfetto_trace, create_perfetto_link)


def stop_trace() -> None:
    """Stop the active trace and write its file; ``RuntimeError`` without one.

    >>> stop_trace()
    Traceback (most recent call last):
    ...
    RuntimeError: No profile started
    """
    global SESSION
    with _lock:
        session = SESSION
        if session is None:
            raise RuntimeError("No profile started")
        SESSION = None
    events = session.trace_events()
    LAST_EVENTS[:] = events
    folder = (pathlib.Path(session.log_dir) / "plugins" / "profile" /
              datetime.datetime.now().strftime("%Y_%m_%d_%H_%M_%S"))
    folder.mkdir(parents=True, exist_ok=True)
    document = {"displayTimeUnit": "ns", "metadata": {"highres-ticks": True},
                "traceEvents": events}
    _write_gzip_json(folder / f"{socket.gethostname()}.trace.json.gz", document)
    if session.perfetto_trace:
        del document["metadata"]   # the Perfetto UI rejects it
        perfetto = folder / "perfetto_trace.json.gz"
        _write_gzip_json(perfetto, document)
        if session.perfetto_link:
            _serve_for_perfetto(perfetto)


def _write_gzip_json(path, document) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as file:
        json.dump(document, file)


PERFETTO_PORT = 9001
"""Where ``create_perfetto_link`` serves the trace (the port ui.perfetto.dev asks)."""


class _PerfettoHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self):
        self.server.last_path = self.path
        super().do_GET()

    def log_message(self, *args):
        pass


class _Server(socketserver.TCPServer):
    allow_reuse_address = True


def _serve_for_perfetto(path) -> None:
    """Serve ``path`` on ``127.0.0.1:PERFETTO_PORT`` until it has been fetched once."""
    folder, name = os.path.split(str(path))
    handler = functools.partial(_PerfettoHandler, directory=folder)
    with _Server(("127.0.0.1", PERFETTO_PORT), handler) as server:
        server.last_path = None
        print(f"Open URL in browser: https://ui.perfetto.dev/#!/?url=http://127.0.0.1:"
              f"{PERFETTO_PORT}/{name}", flush=True)
        while server.last_path != "/" + name:
            server.handle_request()


@contextlib.contextmanager
def trace(log_dir, create_perfetto_link=False, create_perfetto_trace=False,
          profiler_options=None):
    """``with trace(log_dir): ...``: ``start_trace`` on entry, ``stop_trace``
    on exit (an exception too).

    >>> import os, tempfile
    >>> log_dir = tempfile.mkdtemp()
    >>> with trace(log_dir, create_perfetto_trace=True):
    ...     pass
    >>> [folder] = os.listdir(os.path.join(log_dir, "plugins", "profile"))
    >>> "perfetto_trace.json.gz" in os.listdir(os.path.join(log_dir, "plugins", "profile", folder))
    True
    """
    start_trace(log_dir, create_perfetto_link, create_perfetto_trace, profiler_options)
    try:
        yield
    finally:
        stop_trace()


class TraceAnnotation:
    """``with TraceAnnotation(name, **kwargs): ...`` marks the block as an
    event ``name`` of the active trace; the keyword arguments become the
    event's ``args`` (as strings).  Nothing is kept when no trace is active.

    >>> import tempfile
    >>> with trace(tempfile.mkdtemp()):
    ...     with TraceAnnotation("load", batch=4):
    ...         pass
    >>> [(e["name"], e["args"]) for e in LAST_EVENTS if e["ph"] == "X"]
    [('load', {'batch': '4'})]
    """
    __slots__ = ("name", "kwargs", "_session", "_start")

    def __init__(self, name: str, **kwargs):
        self.name = name
        self.kwargs = kwargs

    def __enter__(self):
        session = self._session = SESSION
        if session is not None:
            self._start = time.perf_counter_ns()
        return self

    def __exit__(self, *exc):
        session = self._session
        if session is not None:
            self._session = None
            session.add(self.name, self._start,
                        {k: str(v) for k, v in self.kwargs.items()})
        return False


class StepTraceAnnotation(TraceAnnotation):
    """A ``TraceAnnotation`` for one step of a loop: pass ``step_num=`` to
    number it (kept in the event's ``args``).

    >>> import tempfile
    >>> with trace(tempfile.mkdtemp()):
    ...     for step in range(2):
    ...         with StepTraceAnnotation("train", step_num=step):
    ...             pass
    >>> [e["args"]["step_num"] for e in LAST_EVENTS if e["ph"] == "X"]
    ['0', '1']
    """
    __slots__ = ()


def annotate_function(func, name: str | None = None, **decorator_kwargs):
    """Decorate ``func`` so that each call is a ``TraceAnnotation`` named
    ``name`` (default: the function's qualified name); keyword arguments go to
    the annotation (use ``functools.partial`` to pass them as a decorator).

    >>> import tempfile
    >>> @annotate_function
    ... def step(x):
    ...     return x + 1
    >>> with trace(tempfile.mkdtemp()):
    ...     step(1)
    2
    >>> [e["name"] for e in LAST_EVENTS if e["ph"] == "X"]
    ['step']
    """
    name = name or getattr(func, "__qualname__", None) or func.__name__

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with TraceAnnotation(name, **decorator_kwargs):
            return func(*args, **kwargs)
    return wrapper


def start_server(port: int, requires_backend: bool = True):
    """Not available: JAX's profiler server is the TensorFlow / XLA profiler
    service that TensorBoard connects to; vmapx has no such service.  Use
    ``start_trace`` / ``trace``, which write the same file format.

    >>> start_server(9999)
    Traceback (most recent call last):
    ...
    NotImplementedError: vmapx has no profiler server (JAX's is the XLA profiler service TensorBoard connects to); record a trace with vmapx.profiler.trace / start_trace instead
    """
    raise NotImplementedError(
        "vmapx has no profiler server (JAX's is the XLA profiler service TensorBoard "
        "connects to); record a trace with vmapx.profiler.trace / start_trace instead")


def stop_server():
    """Not available (see ``start_server``).

    >>> stop_server()
    Traceback (most recent call last):
    ...
    NotImplementedError: vmapx has no profiler server (JAX's is the XLA profiler service TensorBoard connects to); record a trace with vmapx.profiler.trace / start_trace instead
    """
    start_server(0)



# ------------------------------------------------------- memory profile
# pprof's profile.proto, written by hand: each message is a list of fields
# (number, wire type 0 = varint or 2 = length-delimited bytes).

def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1          # int64 fields: two's complement, as protobuf
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value) if value else b""


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _packed_field(number: int, values) -> bytes:
    return _bytes_field(number, b"".join(_varint(v) for v in values)) if values else b""


class _Strings:
    """pprof's string table: index 0 is the empty string."""

    def __init__(self):
        self.index = {"": 0}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))


def _live_buffers():
    """The distinct buffers under the live ``vmapx.Array`` values: the arrays
    that own their memory (views are followed to their base)."""
    buffers = {}
    for obj in gc.get_objects():
        if type(obj) is not core.result_type:
            continue
        owner = obj
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        if id(owner) not in buffers:
            buffers[id(owner)] = owner
    return list(buffers.values())


def device_memory_profile(backend: str | None = None) -> bytes:
    """A snapshot of vmapx's live arrays as a gzipped ``pprof`` profile, the
    format of JAX's device memory profile (``pprof`` and other tools read it).

    Each distinct buffer under the live ``vmapx.Array`` values (a view counts
    with its base, once) is one sample: ``allocations`` (count) and ``space``
    (bytes), labelled ``kind=buffer``, ``device=cpu:0`` and its dtype and
    shape (the buffer's own).  The allocation site is the buffer's stack when ``tracemalloc`` is
    tracing (``tracemalloc.start(depth)``); otherwise a sample has no stack,
    since NumPy records none.  ``backend`` may be ``None`` or ``'cpu'``.

    >>> import gzip, vmapx.numpy as jnp
    >>> x = jnp.ones((256, 256))
    >>> profile = device_memory_profile()
    >>> gzip.decompress(profile)[:2]   # a protocol buffer: field 1 (sample_type)
    b'\\n\\x04'
    """
    if backend not in (None, "cpu"):
        raise RuntimeError(f"Unknown backend {backend}: vmapx has the CPU only")
    strings = _Strings()
    functions, locations = {}, {}
    samples = []
    for owner in _live_buffers():
        trace = tracemalloc.get_object_traceback(owner)
        stack = []
        for frame in reversed(trace or ()):        # pprof: the innermost frame first
            key = (frame.filename, frame.lineno)
            if key not in locations:
                function = functions.setdefault(frame.filename, len(functions) + 1)
                locations[key] = (len(locations) + 1, function, frame.lineno)
            stack.append(locations[key][0])
        labels = [(strings("kind"), strings("buffer")), (strings("device"), strings("cpu:0")),
                  (strings("dtype"), strings(owner.dtype.name)),
                  (strings("shape"), strings(str(tuple(owner.shape))))]
        samples.append(_packed_field(1, stack) + _packed_field(2, [1, owner.nbytes]) + b"".join(
            _bytes_field(3, _int_field(1, k) + _int_field(2, v)) for k, v in labels))
    message = [_bytes_field(1, _int_field(1, strings("allocations")) +
                            _int_field(2, strings("count"))),
               _bytes_field(1, _int_field(1, strings("space")) + _int_field(2, strings("bytes")))]
    message += [_bytes_field(2, sample) for sample in samples]
    for identifier, function, line in locations.values():
        message.append(_bytes_field(4, _int_field(1, identifier) + _bytes_field(
            4, _int_field(1, function) + _int_field(2, line))))
    for filename, identifier in functions.items():
        name = strings(os.path.basename(filename))
        message.append(_bytes_field(5, _int_field(1, identifier) + _int_field(2, name) +
                                    _int_field(3, name) + _int_field(4, strings(filename))))
    message += [_bytes_field(6, text.encode("utf-8")) for text in strings.index]
    message.append(_int_field(9, time.time_ns()))
    return gzip.compress(b"".join(message))


def save_device_memory_profile(filename, backend: str | None = None) -> None:
    """Write ``device_memory_profile(backend)`` to ``filename``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "memory.prof")
    >>> save_device_memory_profile(path)
    >>> open(path, "rb").read(2) == b"\\x1f\\x8b"    # gzip
    True
    """
    profile = device_memory_profile(backend)
    with open(filename, "wb") as file:
        file.write(profile)
