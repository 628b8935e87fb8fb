"""The native (Numba) jit backend equals the NumPy one; the buffer pool never
changes a result.  Tests needing Numba skip without it."""
import os
import re
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx._src import fused, jit_program
from vmapx._src import pool
from vmapx._src.fused import regions
from vmapx._src.ir import Eqn

try:
    import numba  # noqa: F401
    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False

needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="numba (vmapx[fast]) not installed")

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


def both(jit_backend, f, *args):
    """``jit(f)(*args)`` on the NumPy path and on the Numba path."""
    jit_backend("numpy")
    ref = vmapx.jit(f)(*args)
    jit_backend("numba")
    jf = vmapx.jit(f)
    out = jf(*args)
    return ref, out, jf


def fused_kernels(jf, closed=None):
    """How many fused kernels the program of ``jf`` calls (the only
    multiple-result calls, ``v1, v2, = f3(...)``, in these programs)."""
    if closed is None:
        (closed,) = jf._jaxprs()
    src = closed.cache["run"].__source__
    return len(re.findall(r"^ +v[v\d, ]*, = f\d+\(", src, flags=re.M))


def assert_bits_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.view(np.uint8), b.view(np.uint8))


# --------------------------------------------------------------- the switch


def test_backend_option_rejects_unknown_names():
    with pytest.raises(ValueError, match="must be in"):
        vmapx.config.update("vmapx_jit_backend", "llvm")


def test_backend_default_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("VMAPX_JIT_BACKEND", "numpy")
    assert fused.default_backend() == "numpy"
    monkeypatch.setenv("VMAPX_JIT_BACKEND", "nonsense")
    with pytest.warns(UserWarning, match="using 'auto'"):
        assert fused.default_backend() == "auto"


# ------------------------------------------------------- exact elementwise


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elementwise_chain_is_bit_identical_to_numpy(jit_backend, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1000).astype(dtype)
    y = rng.standard_normal(1000).astype(dtype)
    x[:6] = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-40]
    y[:6] = [-0.0, 0.0, 1.0, np.nan, 0.0, 0.0]

    def f(x, y):
        a = (x * 1.7 - y) / (y * y + 0.1)          # weak literals stay in the dtype
        b = jnp.maximum(a, x) - jnp.minimum(y, -a)  # NumPy's NaN and signed-zero choice
        c = jnp.where(x > y, jnp.sqrt(jnp.abs(b)), b / x)   # division by zero: inf / nan
        return c ** 2 + jnp.floor(a) * 0.5, (a > 0.0) & ~jnp.isnan(c)

    with np.errstate(all="ignore"):
        (r1, m1), (r2, m2), jf = both(jit_backend, f, x, y)
    assert fused_kernels(jf) >= 1
    assert_bits_equal(r2, r1)
    assert_bits_equal(m2, m1)


@needs_numba
def test_mixed_dtypes_promote_as_numpy(jit_backend):
    x = np.arange(-500, 500, dtype=np.int64)
    y = np.linspace(-1, 1, 1000, dtype=np.float32)

    def f(x, y):
        z = x * 3 + 1                         # int64 arithmetic
        return z / 7, y.astype(np.float64) * z - 0.25, z > y

    r1, r2, jf = both(jit_backend, f, x, y)
    assert fused_kernels(jf) >= 1
    for a, b in zip(r2, r1, strict=True):
        assert_bits_equal(a, b)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_transcendentals_are_fused_only_where_libm_equals_numpy(jit_backend, dtype):
    from vmapx._src.fused import codegen
    same = codegen.libm_matches_numpy(dtype)
    x = np.linspace(-3.0, 3.0, 2001).astype(dtype)

    def f(x):
        return jnp.exp(x * 0.5) * 3.0 + jnp.sin(x) * jnp.cos(x) - jnp.tanh(x)

    closed = vmapx.make_jaxpr(f)(x)
    items = regions.partition(jit_program.simplify(closed)[3])
    fused_names = {e.prim.name for it in items if not isinstance(it, Eqn) for e in it[0]}
    for name in ("exp", "sin", "cos", "tanh"):
        assert (name in fused_names) == (name in same)
    r1, r2, _ = both(jit_backend, f, x)
    assert_bits_equal(r2, r1)


# ---------------------------------------------------------------- reductions


@needs_numba
@pytest.mark.parametrize("n", [3, 8, 32, 100, 129, 1000])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sum_over_last_axis_replays_numpy_pairwise_sum(jit_backend, n, dtype):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((40, n)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    r1, r2, jf = both(jit_backend, lambda a, b: jnp.sum((a - b) ** 2, axis=-1), a, b)
    assert fused_kernels(jf) == 1
    assert_bits_equal(r2, r1)


@needs_numba
def test_nested_vmap_squared_distance_equals_the_loop(jit_backend):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((30, 8)).astype(np.float32)
    B = rng.standard_normal((20, 8)).astype(np.float32)

    def d(a, b):
        return jnp.sum((a - b) ** 2)

    f = vmapx.vmap(vmapx.vmap(d, in_axes=(None, 0)), in_axes=(0, None))
    r1, r2, jf = both(jit_backend, f, A, B)
    loop = np.array([[d(a, b) for b in B] for a in A])
    assert r2.shape == loop.shape and r2.dtype == loop.dtype == np.float32
    assert_bits_equal(r2, r1)
    np.testing.assert_allclose(r2, loop, rtol=1e-6)


@needs_numba
@pytest.mark.parametrize("kind", ["sum", "max", "min"])
def test_reductions_over_leading_axes_match_within_reassociation(jit_backend, kind):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((50, 7, 6))
    a[3, 2, 1] = np.nan
    red = {"sum": jnp.sum, "max": jnp.max, "min": jnp.min}[kind]

    def f(a):
        return red(a * 2.0 + 1.0, axis=(0, 2))

    r1, r2, jf = both(jit_backend, f, a)
    assert fused_kernels(jf) == 1
    assert r2.shape == r1.shape == (7,) and r2.dtype == r1.dtype
    if kind == "sum":
        np.testing.assert_allclose(r2, r1, rtol=300 * np.finfo(float).eps)
    else:
        assert_bits_equal(r2, r1)     # max / min: exact, NaN propagated


@needs_numba
def test_keepdims_reduction_into_a_pooled_buffer(jit_backend):
    x = np.random.default_rng(3).standard_normal((16384, 24))

    def f(x):
        s = jnp.sum(x * 2.0 + 1.0, axis=1, keepdims=True)   # pooled, read by a ufunc
        return jnp.tanh(s) * x

    for _ in range(2):
        r1, r2, jf = both(jit_backend, f, x)
        assert "out=(_take(" in jf._jaxprs()[0].cache["run"].__source__
        assert_bits_equal(r2, r1)


@needs_numba
def test_grad_under_vmap_on_the_native_path_equals_the_loop(jit_backend):
    x = np.linspace(0.0, 10.0, 501)
    g1 = vmapx.grad(lambda x: jnp.exp(-x) * jnp.sin(x))
    r1, r2, jf = both(jit_backend, vmapx.vmap(g1), x)
    loop = np.stack([g1(v) for v in x])
    assert r2.shape == loop.shape and r2.dtype == loop.dtype
    assert_bits_equal(r2, r1)
    np.testing.assert_allclose(r2, loop, rtol=1e-13, atol=1e-300)


@needs_numba
def test_while_loop_body_runs_fused_and_equals_the_loop(jit_backend):
    def newton(a):
        def body(x):
            return x - (x * x - a) / (2.0 * x)
        return vmapx.lax.while_loop(lambda x: jnp.abs(x * x - a) > 1e-9 * a, body, a)

    a = np.linspace(1.0, 50.0, 300)
    r1, r2, jf = both(jit_backend, vmapx.vmap(newton), a)
    (closed,) = jf._jaxprs()
    (loop_eqn,) = [e for e in closed.jaxpr.eqns if e.prim.name == "while"]
    natives = [v for k, v in loop_eqn.params["body_jaxpr"].cache.items()
               if isinstance(k, tuple) and k[0] == "fused_while"]
    assert natives and callable(natives[0])     # the whole loop ran as one kernel
    jit_backend("numpy")
    loop = np.stack([newton(v) for v in a])
    assert r2.shape == loop.shape and r2.dtype == loop.dtype
    assert_bits_equal(r2, r1)
    np.testing.assert_array_equal(r2, loop)


def _native_loops(jf, prim_name):
    (closed,) = jf._jaxprs()
    (eqn,) = [e for e in closed.jaxpr.eqns if e.prim.name == prim_name]
    body = eqn.params["body_jaxpr" if prim_name == "while" else "jaxpr"]
    return [v for k, v in body.cache.items() if isinstance(k, tuple) and k[0].startswith("fused")]


@needs_numba
def test_fori_loop_with_static_bounds_runs_as_one_kernel(jit_backend):
    def f(x):
        return vmapx.lax.fori_loop(0, 12, lambda i, x: x * 0.5 + i - x * x * 0.01, x)

    x = np.linspace(-2.0, 2.0, 500)
    r1, r2, jf = both(jit_backend, vmapx.vmap(f), x)
    natives = _native_loops(jf, "scan")
    assert natives and callable(natives[0])
    jit_backend("numpy")
    loop = np.stack([f(v) for v in x])
    assert r2.shape == loop.shape and r2.dtype == loop.dtype
    assert_bits_equal(r2, r1)
    np.testing.assert_array_equal(r2, loop)


@needs_numba
def test_loop_with_a_scalar_counter_and_traced_bound_runs_as_one_kernel(jit_backend):
    def f(x, n):
        return vmapx.lax.fori_loop(0, n, lambda i, x: x * 0.75 + 1.0 * i, x.astype(np.float32))

    x = np.linspace(-2.0, 2.0, 400)
    r1, r2, jf = both(jit_backend, vmapx.vmap(f, in_axes=(0, None)), x, 9)
    natives = _native_loops(jf, "while")
    assert natives and callable(natives[0])
    jit_backend("numpy")
    loop = np.stack([f(v, 9) for v in x])
    assert r2.shape == loop.shape and r2.dtype == loop.dtype == np.float32
    assert_bits_equal(r2, r1)
    np.testing.assert_array_equal(r2, loop)


@needs_numba
def test_while_loop_with_a_transcendental_body_is_fused_only_where_libm_agrees(jit_backend):
    # exp is fused only where the kernel's libm gives NumPy's bits on this CPU
    # (NumPy's SIMD exp, on AVX-512 machines, does not)
    from vmapx._src.fused.codegen import libm_matches_numpy

    def f(x):
        return vmapx.lax.while_loop(lambda x: x > 0.5, lambda x: jnp.exp(-x) * x, x)

    x = np.linspace(0.6, 3.0, 200)
    r1, r2, jf = both(jit_backend, vmapx.vmap(f), x)
    (closed,) = jf._jaxprs()
    (loop_eqn,) = [e for e in closed.jaxpr.eqns if e.prim.name == "while"]
    cache = loop_eqn.params["body_jaxpr"].cache
    (runner,) = [v for k, v in cache.items() if isinstance(k, tuple) and k[0] == "fused_while"]
    assert callable(runner) == ("exp" in libm_matches_numpy(np.float64))
    assert_bits_equal(r2, r1)


# --------------------------------------------------------- when it compiles


def _run_script(code, cache_dir, backend="auto"):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC), VMAPX_CACHE_DIR=str(cache_dir),
               VMAPX_JIT_BACKEND=backend)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@needs_numba
def test_a_second_process_loads_kernels_from_the_disk_cache(tmp_path):
    code = """
        import numpy as np, vmapx, vmapx.numpy as jnp
        from vmapx._src.fused import kernel_cache
        f = vmapx.jit(lambda x, y: jnp.sum((x - y) ** 2, axis=-1) * 0.5)
        x = np.ones((50, 16))
        f(x, x[0])
        loaded = kernel_cache._loaded.values()
        misses = sum(sum(k.stats.cache_misses.values()) for k in loaded)
        hits = sum(sum(k.stats.cache_hits.values()) for k in loaded)
        print(len(kernel_cache._loaded), misses, hits)
    """
    first = _run_script(code, tmp_path, backend="numba")
    second = _run_script(code, tmp_path, backend="numba")
    assert first[0] == second[0] == "1"
    assert first[1] == "1"                       # compiled once
    assert second[1] == "0" and second[2] == "1"  # then loaded, nothing compiled


@needs_numba
def test_auto_never_imports_numba_for_a_small_program_and_swaps_in_large_ones(tmp_path):
    code = """
        import sys
        import numpy as np, vmapx, vmapx.numpy as jnp
        from vmapx._src import fused
        f = vmapx.jit(lambda x: jnp.sqrt(x * x + 1.0) - x)
        for _ in range(300):
            f(np.ones(16))
        print("numba" in sys.modules)
        x = np.linspace(0, 1, 1 << 17)
        r = f(x)                    # NumPy program while the kernel compiles
        fused.wait()
        (closed,) = [c for c in f._jaxprs() if c.in_avals[0].shape == x.shape]
        print(", = f" in closed.cache["run"].__source__, np.array_equal(f(x), r))
    """
    small, swapped, same = _run_script(code, tmp_path)
    assert small == "False"
    assert swapped == "True" and same == "True"


def test_auto_without_numba_is_the_numpy_path(jit_backend, monkeypatch):
    monkeypatch.setattr(fused, "_numba_available", [False])
    jit_backend("auto")
    jf = vmapx.jit(lambda x: jnp.sum((x * 2.0 - 1.0) ** 2, axis=-1))
    x = np.linspace(0.0, 1.0, 1 << 18).reshape(512, 512)
    r = jf(x)
    fused.wait()
    assert fused_kernels(jf) == 0
    assert_bits_equal(r, np.sum((x * 2.0 - 1.0) ** 2, axis=-1))


# ----------------------------------------------------------------- the pool


def test_pooled_temporaries_never_leak_into_results(jit_backend):
    jit_backend("numpy")

    @vmapx.jit
    def f(x):
        a = jnp.sin(x) * 2.0      # temporaries big enough for the pool
        b = jnp.cos(a) + x
        return a * b + jnp.tanh(b), b

    x = np.linspace(0.0, 1.0, 1 << 15)
    results = [f(x + k) for k in range(jit_program.COMPILE_WORK)]
    src = f._jaxprs()[0].cache["run"].__source__
    assert "_take(" in src and "_give(" in src
    for k, (p, q) in enumerate(results):       # earlier results were not overwritten
        a = np.sin(x + k) * 2.0
        b = np.cos(a) + (x + k)
        assert p.shape == x.shape and p.dtype == x.dtype
        assert_bits_equal(p, a * b + np.tanh(b))
        assert_bits_equal(q, b)


def test_pool_is_bounded_and_cleared():
    pool.clear()
    cap = pool.CAP_BYTES
    try:
        pool.CAP_BYTES = 3 * (1 << 20)
        bufs = [pool.take((1 << 17,), np.dtype(np.float64)) for _ in range(5)]  # 1 MiB each
        for b in bufs:
            pool.give(b)
        assert pool.held_bytes() == 3 * (1 << 20)
        again = pool.take((1 << 17,), np.dtype(np.float64))
        assert any(again is b for b in bufs)
        vmapx.clear_caches()
        assert pool.held_bytes() == 0
    finally:
        pool.CAP_BYTES = cap


def test_eager_results_in_pooled_memory_are_never_reused_while_held():
    pool.clear()
    x = np.linspace(0.0, 1.0, 1 << 18)            # 2 MiB: pooled in eager evaluation
    g = vmapx.vmap(lambda v: jnp.sin(v) * 2.0 + v)
    first = g(x)
    kept = first.copy()
    second = g(x + 1.0)                         # must not write into ``first``
    assert first.shape == x.shape and first.dtype == x.dtype
    assert_bits_equal(first, kept)
    assert_bits_equal(first, np.sin(x) * 2.0 + x)
    assert_bits_equal(second, np.sin(x + 1.0) * 2.0 + (x + 1.0))
    del first, second
    n_bases = sum(len(bs) for bs in pool._shared.values())
    assert n_bases >= 1                         # big temporaries went through the pool
    for _ in range(3):
        assert_bits_equal(g(x), kept)
    # and their memory is reused once dead: no new base was needed
    assert sum(len(bs) for bs in pool._shared.values()) == n_bases


@pytest.mark.parametrize("backend", ["numpy", pytest.param("numba", marks=needs_numba)])
def test_concurrent_calls_do_not_share_buffers(jit_backend, backend):
    jit_backend(backend)

    @vmapx.jit
    def f(x):
        return jnp.sum(jnp.tanh(x * 3.0 + 1.0) * x, axis=-1)

    xs = [np.random.default_rng(k).standard_normal((64, 1024)) for k in range(4)]
    want = [np.sum(np.tanh(x * 3.0 + 1.0) * x, axis=-1) for x in xs]
    for _ in range(jit_program.COMPILE_AFTER):
        f(xs[0])
    errors = []

    def worker(k):
        for _ in range(20):
            if not np.allclose(f(xs[k]), want[k], rtol=1e-12):
                errors.append(k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
