"""Transforms used from several threads at once: shared jitted and vmapped
functions, ``clear_caches()`` racing with calls and with the creation of new
jitted functions, ``disable_jit`` per thread, and every cache bounded.

The races are made likely by a tiny thread switch interval (the interpreter
switches threads almost every few bytecodes) and by loops that stop after a
fixed time; each test stays under about a second."""
from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx._src import api, caches, derived_jaxprs, tree_flattening


@pytest.fixture
def fast_switching():
    prev = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(prev)


def run_threads(workers, seconds=0.6):
    """Run each ``worker(i, stop)`` in its own thread; ``stop()`` turns true
    after ``seconds``.  Re-raises the first exception any thread raised."""
    errors = []
    deadline = time.monotonic() + seconds

    def stop():
        return time.monotonic() > deadline or bool(errors)

    def guard(worker, i):
        try:
            worker(i, stop)
        except BaseException as e:  # noqa: BLE001  (reported to the main thread)
            errors.append(e)

    threads = [threading.Thread(target=guard, args=(w, i)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_eight_threads_vmapping_one_jitted_function_over_many_batch_sizes(
        fast_switching, monkeypatch):
    # every batch size batches the jaxpr anew; a tiny derived-jaxpr cache makes the
    # evictions (which once iterated the cache while others inserted) constant
    monkeypatch.setattr(derived_jaxprs, "_DERIVED_MAX", 4)
    f = vmapx.jit(lambda x: jnp.sin(x) * 2.0 + x.sum())

    xs = [np.full((b, 3), float(b)) for b in range(1, 40)]
    vf = vmapx.vmap(f)

    def work(i, stop):
        while not stop():
            for x in xs[i::2]:
                vf(x)
    run_threads([work] * 8, seconds=1.2)
    for x in xs:
        out = vf(x)
        assert out.shape == x.shape
        np.testing.assert_allclose(out, np.sin(x) * 2.0 + 3.0 * x[:, :1])


def test_clear_caches_while_other_threads_call_jitted_functions(fast_switching):
    f = vmapx.jit(lambda x: x * 2.0)
    g = vmapx.jit(lambda d: d["a"] + 1.0)
    xs = [np.full(1, 0.5)]

    def clear(i, stop):
        while not stop():
            vmapx.clear_caches()

    def call(i, stop):
        while not stop():
            for x in xs:   # a tight loop of cache hits and re-traces
                f(x)
                g({"a": x})
    run_threads([clear] + [call] * 4, seconds=1.2)
    for x in xs:
        np.testing.assert_array_equal(f(x), 2.0 * x)
        np.testing.assert_array_equal(g({"a": x}), x + 1.0)


def test_clear_caches_while_other_threads_create_jitted_functions(fast_switching):
    keep = []

    def clear(i, stop):
        while not stop():
            vmapx.clear_caches()

    def create(i, stop):
        while not stop():
            keep.append(vmapx.jit(lambda x: x + 1))
            if len(keep) > 3000:
                del keep[:1000]
    run_threads([clear, create, create])
    assert keep[-1](1.0) == 2.0


def test_disable_jit_in_one_thread_leaves_other_threads_jitted():
    inside = threading.Event()
    done = threading.Event()
    traces = []
    seen = {}

    def disabled_thread():
        with vmapx.disable_jit():
            seen["inside"] = vmapx.config.jax_disable_jit
            inside.set()
            done.wait(5)

    def jitted_thread():
        inside.wait(5)
        seen["other"] = vmapx.config.jax_disable_jit
        g = vmapx.jit(lambda x: (traces.append(1), x * 2.0)[1])
        assert g(1.0) == 2.0 and g(3.0) == 6.0
        done.set()

    threads = [threading.Thread(target=disabled_thread), threading.Thread(target=jitted_thread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"inside": True, "other": False}
    assert len(traces) == 1        # traced once: jit stayed on in the other thread


def test_threads_entering_and_leaving_disable_jit_leave_it_off(fast_switching):
    def toggle(i, stop):
        while not stop():
            with vmapx.disable_jit():
                assert vmapx.config.jax_disable_jit
            assert not vmapx.config.jax_disable_jit
    run_threads([toggle] * 4, seconds=0.3)
    assert vmapx.config.jax_disable_jit is False
    traces = []
    g = vmapx.jit(lambda x: (traces.append(1), x)[1])
    g(1.0), g(2.0)
    assert len(traces) == 1


def test_disable_jit_nests_and_the_config_option_stays_process_wide():
    calls = []
    g = vmapx.jit(lambda x: (calls.append(1), x)[1])
    with vmapx.disable_jit():
        with vmapx.disable_jit(False):
            g(1.0), g(1.0)
        assert len(calls) == 1
        g(1.0)
        assert len(calls) == 2
    vmapx.config.update("jax_disable_jit", True)
    try:
        seen = []
        t = threading.Thread(target=lambda: seen.append(vmapx.config.jax_disable_jit))
        t.start()
        t.join()
        assert seen == [True]
    finally:
        vmapx.config.update("jax_disable_jit", False)


def test_vmap_structure_cache_is_bounded_and_cleared_by_clear_caches():
    f = vmapx.vmap(lambda d: sum(d.values()))
    x = np.ones(2)
    for i in range(api.SPEC_CACHE_SIZE + 50):
        out = f({f"k{i}": x, "v": x})
        np.testing.assert_array_equal(out, 2 * x)
    assert len(api._spec_cache) == api.SPEC_CACHE_SIZE
    assert 0 < len(tree_flattening._CANONICAL) <= tree_flattening._CANONICAL.maxsize
    vmapx.clear_caches()
    assert len(api._spec_cache) == 0
    assert len(tree_flattening._CANONICAL) == 0     # pytree structures seen: also freed
    np.testing.assert_array_equal(f({"a": x}), x)


def test_lru_cache_keeps_the_most_recently_used_entries():
    c = caches.LRUCache(3)
    for k in "abc":
        c[k] = k.upper()
    assert c.lookup("a") == "A"
    c["d"] = "D"
    assert list(c) == ["c", "a", "d"]
    assert c.lookup("b") is None
