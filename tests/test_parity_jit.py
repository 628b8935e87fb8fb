"""jit traces a function once, as JAX does: also a custom_jvp function (its body
is not run again to evaluate the staged call), and across jit wrappers of the
same function (the trace cache is shared by function and options)."""
import gc
import weakref
import threading

import numpy as np

import vmapx
import vmapx.numpy as jnp


def _counting_custom_jvp(runs):
    @vmapx.custom_jvp
    def f(x):
        runs.append(x)
        return jnp.sin(x)

    f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * t[0]))
    return f


def test_jit_of_custom_jvp_runs_python_body_once():
    runs = []
    f = _counting_custom_jvp(runs)
    out = vmapx.jit(f)(3.0)
    assert out.shape == () and out.dtype == np.float64
    np.testing.assert_allclose(out, np.sin(3.0))
    assert len(runs) == 1
    np.testing.assert_allclose(vmapx.jit(f)(4.0), np.sin(4.0))
    assert len(runs) == 1


def test_jit_of_custom_jvp_still_differentiates_with_the_rule():
    runs = []
    f = _counting_custom_jvp(runs)
    np.testing.assert_allclose(vmapx.grad(vmapx.jit(f))(3.0), np.cos(3.0))
    xs = np.arange(3.0)
    np.testing.assert_allclose(vmapx.vmap(vmapx.jit(f))(xs), np.sin(xs))


def test_fresh_jit_wrappers_of_one_function_share_the_trace():
    traced = []

    def g(x):
        traced.append(1)
        return x * 2

    assert vmapx.jit(g)(1.0) == 2.0
    assert vmapx.jit(g)(5.0) == 10.0
    assert len(traced) == 1
    # other options are another cache
    assert vmapx.jit(g, static_argnums=0)(3.0) == 6.0
    assert len(traced) == 2


def test_shared_trace_cache_dies_with_the_function():
    from vmapx._src import jit as jit_mod

    def h(x):
        return x + 1

    vmapx.jit(h)(1.0)
    assert h in jit_mod._shared_caches
    n = len(jit_mod._shared_caches)
    alive = weakref.ref(h)
    del h
    gc.collect()
    # nothing else keeps the function (its cache entry holds it weakly); other
    # functions of the suite may die in the same collection, hence "at most"
    assert alive() is None
    assert len(jit_mod._shared_caches) <= n - 1


def test_shared_trace_cache_under_concurrent_wrappers():
    def k(x):
        return jnp.cos(x) * x

    xs = [np.full(3, float(i)) for i in range(8)]
    results = [None] * len(xs)

    def work(i):
        for _ in range(20):
            results[i] = vmapx.jit(k)(xs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(xs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for x, r in zip(xs, results, strict=True):
        np.testing.assert_allclose(r, np.cos(x) * x)
