"""vmapx.monitoring, vmapx.profiler, vmapx.stages and vmapx.dlpack: listeners
called with JAX's event names and keyword arguments by jit, trace files
written in Chrome's trace-event format with annotation and jit events, and
JAX's errors."""
import glob
import gzip
import json
import os
import threading

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import dlpack, monitoring, profiler, stages
from vmapx._src import jit_program

TRACE_EVENT = "/jax/core/compile/jaxpr_trace_duration"
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@pytest.fixture
def records():
    """Every record of the four kinds, as (kind, event, values, kwargs)."""
    seen = []
    listeners = [
        (monitoring.register_event_listener, monitoring.unregister_event_listener,
         lambda event, **kw: seen.append(("event", event, (), kw))),
        (monitoring.register_event_duration_secs_listener,
         monitoring.unregister_event_duration_listener,
         lambda event, secs, **kw: seen.append(("duration", event, (secs,), kw))),
        (monitoring.register_event_time_span_listener,
         monitoring.unregister_event_time_span_listener,
         lambda event, start, end, **kw: seen.append(("span", event, (start, end), kw))),
        (monitoring.register_scalar_listener, monitoring.unregister_scalar_listener,
         lambda event, value, **kw: seen.append(("scalar", event, (value,), kw))),
    ]
    for register, _, listener in listeners:
        register(listener)
    yield seen
    for _, unregister, listener in listeners:
        unregister(listener)


# ------------------------------------------------------------ monitoring


def test_jit_records_the_trace_event_once_per_signature_with_fun_name(records):
    def my_fun(x):
        return jnp.sin(x) * 2.0

    f = vmapx.jit(my_fun)
    f(np.ones(3))
    f(np.ones(3) * 2)          # cached signature: no new trace
    assert [(kind, event, kw) for kind, event, _, kw in records] == [
        ("scalar", TRACE_EVENT, {"fun_name": "my_fun"}),
        ("duration", TRACE_EVENT, {"fun_name": "my_fun"}),
        ("span", TRACE_EVENT, {"fun_name": "my_fun"})]
    (start,), (secs,), (span_start, span_end) = [values for _, _, values, _ in records]
    assert start == span_start and span_end - span_start == pytest.approx(secs)
    assert secs >= 0
    records.clear()
    f(np.ones(4))              # a new signature traces again
    assert [kind for kind, *_ in records] == ["scalar", "duration", "span"]


def test_jit_under_another_transformation_records_no_trace_event(records):
    # As JAX: the event is recorded only for tracing outside any other trace.
    f = vmapx.jit(lambda x: x * 2.0)
    vmapx.vmap(f)(np.ones((2, 3)))
    vmapx.grad(lambda x: f(x).sum())(np.ones(3))
    outer = vmapx.jit(lambda x: f(x) + 1.0)
    outer(np.ones(3))
    assert [kw["fun_name"] for kind, _, _, kw in records if kind == "duration"] == ["<lambda>"]


def test_jit_records_the_compile_event_when_it_compiles_the_program(records):
    def big(x):
        return x * 2.0 + 1.0

    # A program with a large array is compiled to Python source at once.
    n = jit_program.COMPILE_NOW_BYTES // 8
    vmapx.jit(big)(np.ones(n))
    compiles = [(kind, kw) for kind, event, _, kw in records if event == COMPILE_EVENT]
    assert compiles == [("scalar", {"fun_name": "jit(big)"}),
                        ("duration", {"fun_name": "jit(big)"}),
                        ("span", {"fun_name": "jit(big)"})]


def test_trace_and_lower_record_the_trace_event(records):
    def g(x):
        return x + 1.0
    vmapx.jit(g).lower(np.ones(2))
    assert [(kind, kw) for kind, event, _, kw in records if event == TRACE_EVENT][1] == \
        ("duration", {"fun_name": "g"})


def test_record_functions_pass_values_and_kwargs_to_their_listeners(records):
    monitoring.record_event("/app/start", stage="a", count=2)
    monitoring.record_event_duration_secs("/app/step", 0.25, count=1)
    monitoring.record_event_time_span("/app/span", 1.0, 3.0)
    monitoring.record_scalar("/app/loss", 0.5, step=7)
    assert records == [("event", "/app/start", (), {"stage": "a", "count": 2}),
                       ("duration", "/app/step", (0.25,), {"count": 1}),
                       ("span", "/app/span", (1.0, 3.0), {}),
                       ("scalar", "/app/loss", (0.5,), {"step": 7})]


def test_unregistering_an_unknown_listener_raises_assertion_error():
    for unregister in (monitoring.unregister_event_listener,
                       monitoring.unregister_event_duration_listener,
                       monitoring.unregister_event_time_span_listener,
                       monitoring.unregister_scalar_listener):
        with pytest.raises(AssertionError):
            unregister(lambda *a, **k: None)


def test_unregistered_listener_is_not_called_and_others_still_are():
    calls_a, calls_b = [], []
    a = lambda event, **kw: calls_a.append(event)  # noqa: E731
    b = lambda event, **kw: calls_b.append(event)  # noqa: E731
    monitoring.register_event_listener(a)
    monitoring.register_event_listener(b)
    monitoring.record_event("/one")
    monitoring.unregister_event_listener(a)
    monitoring.record_event("/two")
    monitoring.unregister_event_listener(b)
    monitoring.record_event("/three")
    assert calls_a == ["/one"] and calls_b == ["/one", "/two"]


def test_clear_event_listeners_removes_all_four_kinds():
    saved = [monitoring.get_event_listeners(), monitoring.get_event_duration_listeners(),
             monitoring.get_event_time_span_listeners(), monitoring.get_scalar_listeners()]
    try:
        monitoring.register_event_listener(lambda e, **k: None)
        monitoring.register_event_duration_secs_listener(lambda e, d, **k: None)
        monitoring.register_event_time_span_listener(lambda e, s, t, **k: None)
        monitoring.register_scalar_listener(lambda e, v, **k: None)
        monitoring.clear_event_listeners()
        assert [monitoring.get_event_listeners(), monitoring.get_event_duration_listeners(),
                monitoring.get_event_time_span_listeners(),
                monitoring.get_scalar_listeners()] == [[], [], [], []]
        from vmapx._src import monitoring as impl
        assert impl.LISTENING is False
    finally:
        for register, listeners in zip(
                (monitoring.register_event_listener,
                 monitoring.register_event_duration_secs_listener,
                 monitoring.register_event_time_span_listener,
                 monitoring.register_scalar_listener), saved, strict=True):
            for listener in listeners:
                register(listener)


def test_listeners_registered_and_recorded_from_many_threads():
    counts = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)
    listeners = []

    def work(i):
        def listener(event, **kw):
            with lock:
                counts.append((i, event))
        listeners.append(listener)
        barrier.wait()
        for _ in range(50):
            monitoring.register_event_listener(listener)
            monitoring.record_event(f"/thread/{i}")
            monitoring.unregister_event_listener(listener)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each thread's own listener saw each of its own 50 records (and perhaps
    # others'); no registration was lost and none is left behind.
    for i in range(8):
        assert sum(1 for j, event in counts if j == i and event == f"/thread/{i}") == 50
    assert not set(listeners) & set(monitoring.get_event_listeners())


def test_jit_from_many_threads_records_a_trace_event_for_each_function(records):
    fns = []
    for k in range(4):
        def scaled(x, k=k):
            return x * k
        scaled.__name__ = f"scaled{k}"
        fns.append(vmapx.jit(scaled))
    barrier = threading.Barrier(4)

    def work(f):
        barrier.wait()
        for _ in range(20):
            f(np.ones(3))
    threads = [threading.Thread(target=work, args=(f,)) for f in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    durations = [kw["fun_name"] for kind, event, _, kw in records
                 if kind == "duration" and event == TRACE_EVENT]
    assert sorted(durations) == ["scaled0", "scaled1", "scaled2", "scaled3"]


# ------------------------------------------------------------ profiler


def _read_trace(log_dir):
    [folder] = glob.glob(os.path.join(log_dir, "plugins", "profile", "*"))
    name = os.path.basename(folder)
    assert len(name) == len("2026_01_01_00_00_00") and name.replace("_", "").isdigit()
    [path] = glob.glob(os.path.join(folder, "*.trace.json.gz"))
    with gzip.open(path, "rt") as file:
        return folder, json.load(file)


def test_trace_writes_chrome_trace_json_with_annotations_and_jit_runs(tmp_path):
    def model(x):
        return jnp.tanh(x) @ x

    f = vmapx.jit(model)

    @profiler.annotate_function
    def train_step(x):
        return f(x)

    with profiler.trace(str(tmp_path)):
        with profiler.TraceAnnotation("load", batch=4):
            x = np.ones((3, 3))
        for step in range(2):
            with profiler.StepTraceAnnotation("train", step_num=step):
                train_step(x)
    folder, document = _read_trace(str(tmp_path))
    assert not os.path.exists(os.path.join(folder, "perfetto_trace.json.gz"))
    assert document["displayTimeUnit"] == "ns" and "metadata" in document
    complete = [e for e in document["traceEvents"] if e["ph"] == "X"]
    assert [(e["name"], e.get("args")) for e in complete] == [
        ("load", {"batch": "4"}),
        ("train", {"step_num": "0"}),
        ("test_trace_writes_chrome_trace_json_with_annotations_and_jit_runs.<locals>."
         "train_step", None),
        ("jit(model)", None),
        ("train", {"step_num": "1"}),
        ("test_trace_writes_chrome_trace_json_with_annotations_and_jit_runs.<locals>."
         "train_step", None),
        ("jit(model)", None)]
    for e in complete:
        assert e["dur"] >= 0 and e["ts"] >= 0 and e["pid"] == os.getpid()
        assert e["tid"] == threading.get_native_id()
    # Nesting: each jit run lies inside its step's span.
    step0, _, run0 = complete[1], complete[2], complete[3]
    assert step0["ts"] <= run0["ts"] and run0["ts"] + run0["dur"] <= step0["ts"] + step0["dur"]
    names = [e for e in document["traceEvents"] if e["ph"] == "M"]
    assert {"process_name", "thread_name"} <= {e["name"] for e in names}


def test_perfetto_trace_is_the_trace_without_metadata(tmp_path):
    with profiler.trace(str(tmp_path), create_perfetto_trace=True):
        vmapx.jit(lambda x: x + 1.0)(np.ones(2))
    folder, document = _read_trace(str(tmp_path))
    with gzip.open(os.path.join(folder, "perfetto_trace.json.gz"), "rt") as file:
        perfetto = json.load(file)
    assert "metadata" not in perfetto
    assert perfetto["traceEvents"] == document["traceEvents"]


def test_events_from_other_threads_carry_their_thread_id(tmp_path):
    f = vmapx.jit(lambda x: x * 3.0)
    ids = []

    def work():
        ids.append(threading.get_native_id())
        with profiler.TraceAnnotation("worker"):
            f(np.ones(2))

    with profiler.trace(str(tmp_path)):
        threads = [threading.Thread(target=work, name=f"w{i}") for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    _, document = _read_trace(str(tmp_path))
    complete = [e for e in document["traceEvents"] if e["ph"] == "X"]
    assert sorted(e["name"] for e in complete) == ["jit(<lambda>)"] * 3 + ["worker"] * 3
    assert {e["tid"] for e in complete} == set(ids)


def test_perfetto_link_serves_the_trace_until_it_is_fetched(tmp_path, monkeypatch, capsys):
    import socket
    import time
    import urllib.request
    from vmapx._src import profiler as impl
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(impl, "PERFETTO_PORT", port)
    profiler.start_trace(str(tmp_path), create_perfetto_link=True)
    with profiler.TraceAnnotation("served"):
        pass
    stopper = threading.Thread(target=profiler.stop_trace)
    stopper.start()
    url = f"http://127.0.0.1:{port}/perfetto_trace.json.gz"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.headers["Access-Control-Allow-Origin"] == "*"
                served = response.read()
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    stopper.join(20)
    assert not stopper.is_alive()          # stop_trace returned once the file was fetched
    folder, _ = _read_trace(str(tmp_path))
    with open(os.path.join(folder, "perfetto_trace.json.gz"), "rb") as file:
        assert served == file.read()
    assert f"https://ui.perfetto.dev/#!/?url={url}" in capsys.readouterr().out


def test_nothing_is_recorded_outside_a_trace(tmp_path):
    with profiler.TraceAnnotation("before"):
        vmapx.jit(lambda x: x - 1.0)(np.ones(2))
    with profiler.trace(str(tmp_path)):
        pass
    _, document = _read_trace(str(tmp_path))
    assert [e for e in document["traceEvents"] if e["ph"] == "X"] == []


def test_start_and_stop_trace_errors_as_jax(tmp_path):
    profiler.start_trace(str(tmp_path))
    try:
        with pytest.raises(RuntimeError, match="^Profile has already been started. Only one "
                           "profile may be run at a time.$"):
            profiler.start_trace(str(tmp_path))
    finally:
        profiler.stop_trace()
    with pytest.raises(RuntimeError, match="^No profile started$"):
        profiler.stop_trace()


def test_trace_context_stops_the_trace_on_an_exception(tmp_path):
    with pytest.raises(ValueError, match="inside"):
        with profiler.trace(str(tmp_path)):
            with profiler.TraceAnnotation("failing"):
                raise ValueError("inside")
    _, document = _read_trace(str(tmp_path))
    assert [e["name"] for e in document["traceEvents"] if e["ph"] == "X"] == ["failing"]
    profiler.start_trace(str(tmp_path / "again"))   # the session was closed
    profiler.stop_trace()


def test_annotate_function_takes_a_name_and_keeps_the_function(tmp_path):
    import functools

    @functools.partial(profiler.annotate_function, name="custom", tag="x")
    def add(a, b):
        """Adds."""
        return a + b

    assert add.__name__ == "add" and add.__doc__ == "Adds."
    with profiler.trace(str(tmp_path)):
        assert add(1, 2) == 3
    _, document = _read_trace(str(tmp_path))
    assert [(e["name"], e["args"]) for e in document["traceEvents"] if e["ph"] == "X"] == \
        [("custom", {"tag": "x"})]


def test_server_is_not_available():
    with pytest.raises(NotImplementedError, match="no profiler server"):
        profiler.start_server(9012)
    with pytest.raises(NotImplementedError, match="no profiler server"):
        profiler.stop_server()


# A protocol-buffer reader (wire types 0 and 2), independent of the writer.

def _read_varint(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _message(data):
    """{field number: [values]}: ints for varints, bytes for the rest."""
    fields, i = {}, 0
    while i < len(data):
        key, i = _read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(data, i)
        else:
            assert wire == 2, wire
            size, i = _read_varint(data, i)
            value, i = data[i:i + size], i + size
        fields.setdefault(number, []).append(value)
    return fields


def _packed(data):
    values, i = [], 0
    while i < len(data):
        value, i = _read_varint(data, i)
        values.append(value)
    return values


def _decode_profile(blob):
    """The profile's sample types and, per sample, (values, labels, stack of
    (filename, line))."""
    profile = _message(gzip.decompress(blob))
    strings = [s.decode() for s in profile[6]]
    assert strings[0] == ""
    types = [tuple(strings[_message(t)[k][0]] for k in (1, 2)) for t in profile[1]]
    functions = {m[1][0]: strings[m[4][0]] for m in map(_message, profile.get(5, []))}
    locations = {}
    for m in map(_message, profile.get(4, [])):
        line = _message(m[4][0])
        locations[m[1][0]] = (functions[line[1][0]], line[2][0])
    samples = []
    for m in map(_message, profile.get(2, [])):
        labels = {strings[_message(l)[1][0]]: strings[_message(l)[2][0]] for l in m[3]}
        stack = [locations[i] for i in _packed(m[1][0])] if 1 in m else []
        samples.append((_packed(m[2][0]), labels, stack))
    return types, samples


def test_device_memory_profile_is_a_pprof_profile_of_live_buffers():
    import tracemalloc
    if tracemalloc.is_tracing():
        pytest.skip("tracemalloc is already tracing in this process")
    tracemalloc.start(25)
    try:
        big = jnp.zeros((123, 45), dtype=jnp.float32)   # the line the stack must show
        line = __import__("inspect").currentframe().f_lineno - 1
        view = big[1:]
        blob = profiler.device_memory_profile()
    finally:
        tracemalloc.stop()
    types, samples = _decode_profile(blob)
    assert types == [("allocations", "count"), ("space", "bytes")]
    mine = [s for s in samples if s[1].get("shape") == "(123, 45)"]
    assert len(mine) == 1      # the view counts with its base, once
    values, labels, stack = mine[0]
    assert values == [1, 123 * 45 * 4]
    assert labels == {"kind": "buffer", "device": "cpu:0", "dtype": "float32",
                      "shape": "(123, 45)"}
    assert (__file__, line) in stack      # the allocation site, innermost first
    assert stack.index((__file__, line)) < len(stack) - 1
    del view


def test_device_memory_profile_without_tracemalloc_has_samples_without_stacks(tmp_path):
    import tracemalloc
    if tracemalloc.is_tracing():
        pytest.skip("tracemalloc is tracing in this process")
    x = jnp.ones(1000)
    path = tmp_path / "memory.prof"
    profiler.save_device_memory_profile(str(path))
    types, samples = _decode_profile(path.read_bytes())
    assert [s for s in samples if s[1]["shape"] == "(1000,)"][0][:1] == ([1, 8000],)
    assert all(stack == [] for _, _, stack in samples)
    with pytest.raises(RuntimeError, match="Unknown backend"):
        profiler.device_memory_profile("gpu")
    del x


def test_device_memory_profile_sample_types_match_jax():
    jax = pytest.importorskip("jax")
    import jax.profiler
    x = jax.numpy.ones(10)
    theirs, their_samples = _decode_profile(jax.profiler.device_memory_profile())
    ours, _ = _decode_profile(profiler.device_memory_profile())
    assert ours == theirs
    assert "buffer" in {labels["kind"] for _, labels, _ in their_samples}
    del x


def test_jit_results_are_unchanged_while_tracing(tmp_path):
    f = vmapx.jit(lambda x: jnp.exp(x).sum())
    x = np.linspace(0, 1, 5)
    eager = f(x)
    with profiler.trace(str(tmp_path)):
        traced = f(x)
        batched = vmapx.vmap(f)(np.stack([x, x]))
    assert traced.dtype == eager.dtype and traced == eager
    np.testing.assert_array_equal(batched, np.stack([eager, eager]))


# ------------------------------------------------------------ stages


def test_stage_types_are_those_jit_returns():
    f = vmapx.jit(lambda x: x * 2.0)
    traced = f.trace(np.ones(2))
    lowered = traced.lower()
    compiled = lowered.compile()
    assert isinstance(traced, stages.Traced) and isinstance(lowered, stages.Lowered)
    assert isinstance(compiled, stages.Compiled)
    assert isinstance(f, stages.Wrapped) and not isinstance(np.sin, stages.Wrapped)
    np.testing.assert_array_equal(compiled(np.arange(2.0)), [0.0, 2.0])


# ------------------------------------------------------------ dlpack


def test_from_dlpack_shares_memory_unless_copy_is_true():
    x = np.arange(4.0, dtype=np.float32)
    shared = dlpack.from_dlpack(x)
    copied = dlpack.from_dlpack(x, copy=True)
    assert type(shared) is vmapx.Array and shared.dtype == np.float32 and shared.shape == (4,)
    assert np.shares_memory(shared, x) and not np.shares_memory(copied, x)
    assert np.shares_memory(dlpack.from_dlpack(x, copy=False), x)
    np.testing.assert_array_equal(copied, x)


def test_from_dlpack_results_work_in_transforms():
    x = dlpack.from_dlpack(np.linspace(0.0, 1.0, 3))
    np.testing.assert_allclose(vmapx.grad(lambda v: jnp.sum(v ** 2))(x), 2 * np.asarray(x))
    np.testing.assert_allclose(vmapx.vmap(jnp.sin)(x), np.sin(np.asarray(x)))


def test_from_dlpack_errors():
    with pytest.raises(TypeError, match="must have __dlpack__ and __dlpack_device__"):
        dlpack.from_dlpack([1.0, 2.0])

    class OnGpu:
        def __dlpack__(self, stream=None):
            raise AssertionError("not reached")

        def __dlpack_device__(self):
            return (2, 0)    # kDLCUDA

    with pytest.raises(TypeError, match="unsupported device type"):
        dlpack.from_dlpack(OnGpu())
    with pytest.raises(ValueError, match="Received invalid value: 'gpu'"):
        dlpack.from_dlpack(np.ones(2), device="gpu")


@pytest.mark.parametrize("dtype", ["int8", "uint64", "float16", "float32", "complex128",
                                   "bool", "U3", "datetime64[s]", "object"])
def test_is_supported_dtype_matches_jax(dtype):
    jax = pytest.importorskip("jax")
    import jax.dlpack
    assert dlpack.is_supported_dtype(dtype) == jax.dlpack.is_supported_dtype(dtype)


def test_is_supported_dtype_rejects_none():
    with pytest.raises(TypeError, match="Expected a string or dtype-like object"):
        dlpack.is_supported_dtype(None)


def test_from_dlpack_matches_jax_values_and_dtypes():
    jax = pytest.importorskip("jax")
    import jax.dlpack
    jax.config.update("jax_enable_x64", True)
    for x in (np.arange(3), np.ones((2, 2), np.float32), np.array([1 + 2j])):
        ours, theirs = dlpack.from_dlpack(x), jax.dlpack.from_dlpack(x)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, np.asarray(theirs))


def test_monitoring_names_match_jax():
    jax = pytest.importorskip("jax")
    import jax.monitoring
    theirs = {n for n in dir(jax.monitoring) if not n.startswith("_")}
    assert theirs <= set(monitoring.__all__)


def test_trace_event_names_match_jax_for_the_same_function():
    jax = pytest.importorskip("jax")
    import jax.monitoring
    theirs = []
    listener = lambda event, secs, **kw: theirs.append((event, kw))  # noqa: E731
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        def same_name(x):
            return x * 2.0
        jax.jit(same_name)(1.0)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    ours = []
    mine = lambda event, secs, **kw: ours.append((event, kw))  # noqa: E731
    monitoring.register_event_duration_secs_listener(mine)
    try:
        vmapx.jit(same_name)(1.0)
    finally:
        monitoring.unregister_event_duration_listener(mine)
    assert ours[0] in theirs and ours[0] == (TRACE_EVENT, {"fun_name": "same_name"})
