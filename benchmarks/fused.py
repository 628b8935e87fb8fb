"""Benchmark of the fused native jit (issue 11): each workload on each system
in a fresh process pinned to one core (``taskset -c 0`` when available).

    python benchmarks/fused.py              # the table
    python benchmarks/fused.py --rows       # also benchmarks/run.py's rows under jit,
                                            # NumPy path vs. auto (native) path

Systems: hand-batched NumPy, vmapx eager, ``vmapx.jit`` on the NumPy path,
``vmapx.jit`` on the Numba path, and ``jax.jit`` if JAX is importable.  Times
are the best of several calls after warm-up calls (which include any kernel
compilation or cache load); ratios are to hand NumPy in the same run.  "peak"
is the resident memory a call adds at its peak over what the process held
before it (inputs included before), from Linux's VmHWM after resetting it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, os.pardir, "src")

WORKLOADS = {}


def workload(name):
    def deco(fn):
        WORKLOADS[name] = fn
        return fn
    return deco


# ------------------------------------------------------------------ workloads


@workload("sqdist: nested vmap squared distance, 2000x2000 points, dim 32, f32")
def sqdist(system):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((2000, 32)).astype(np.float32)
    B = rng.standard_normal((2000, 32)).astype(np.float32)
    if system == "hand":
        return lambda: ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)
    if system == "jax":
        import jax
        import jax.numpy as xnp
        d = lambda a, b: xnp.sum((a - b) ** 2)  # noqa: E731
        f = jax.jit(jax.vmap(jax.vmap(d, in_axes=(None, 0)), in_axes=(0, None)))
        return lambda: f(A, B).block_until_ready()
    import vmapx
    import vmapx.numpy as jnp
    d = lambda a, b: jnp.sum((a - b) ** 2)  # noqa: E731
    f = vmapx.vmap(vmapx.vmap(d, in_axes=(None, 0)), in_axes=(0, None))
    return _wrap(f, system, A, B)


@workload("newton: vmap of a Newton lax.while_loop, 100,000 inputs")
def newton(system):
    xs = np.random.default_rng(7).uniform(0.5, 1e4, 100_000)
    if system == "hand":
        def hand():
            x = xs.copy()
            active = np.abs(x * x - xs) > 1e-9 * xs
            while active.any():
                x = np.where(active, 0.5 * (x + xs / x), x)
                active &= np.abs(x * x - xs) > 1e-9 * xs
            return x
        return hand
    if system == "jax":
        import jax
        import jax.numpy as xnp

        def one(a):
            return jax.lax.while_loop(lambda x: xnp.abs(x * x - a) > 1e-9 * a,
                                      lambda x: 0.5 * (x + a / x), a)
        f = jax.jit(jax.vmap(one))
        return lambda: f(xs).block_until_ready()
    import vmapx
    import vmapx.numpy as jnp

    def one(a):
        return vmapx.lax.while_loop(lambda x: jnp.abs(x * x - a) > 1e-9 * a,
                                    lambda x: 0.5 * (x + a / x), a)
    return _wrap(vmapx.vmap(one), system, xs)


@workload("grad: vmap(grad(exp(-x)*sin(x))) over 1,000,000 values")
def grad(system):
    x = np.linspace(0.0, 10.0, 1_000_000)
    if system == "hand":
        return lambda: np.exp(-x) * (np.cos(x) - np.sin(x))
    if system == "jax":
        import jax
        import jax.numpy as xnp
        f = jax.jit(jax.vmap(jax.grad(lambda x: xnp.exp(-x) * xnp.sin(x))))
        return lambda: f(x).block_until_ready()
    import vmapx
    import vmapx.numpy as jnp
    return _wrap(vmapx.vmap(vmapx.grad(lambda x: jnp.exp(-x) * jnp.sin(x))), system, x)


def _wrap(f, system, *args):
    import vmapx
    if system != "eager":
        f = vmapx.jit(f)
    return lambda: f(*args)


def _ten_op_first_call():
    """Seconds of the first call of jit(vmap(f)), tracing included, for the
    10-op dispatch benchmark of benchmarks/run.py (core/d)."""
    import vmapx
    import vmapx.numpy as jnp
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((8, 16)), rng.standard_normal((8, 16))

    def f(x, y):
        a = jnp.sin(x) * y
        b = jnp.exp(-a) + x
        c = jnp.tanh(b * 0.5) - y
        d = jnp.maximum(c, 0.0) * 2.0
        return jnp.sqrt(d * d + 1.0)

    g = vmapx.jit(vmapx.vmap(f))
    t0 = time.perf_counter()
    g(X, Y)
    return time.perf_counter() - t0


# --------------------------------------------------------------- one process


def _rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _peak_added_mb(fn):
    """MB of resident memory ``fn()`` adds at its peak (Linux only, else nan)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")                    # reset VmHWM to the current RSS
    except OSError:
        fn()
        return float("nan")
    before = _rss_kb("VmRSS:")
    r = fn()
    del r
    return (_rss_kb("VmHWM:") - before) / 1024


def one(name, system):
    """Run in a fresh process: prints a JSON line."""
    if system == "first":
        t = _ten_op_first_call()
        from vmapx._src.fused import kernel_cache
        misses = sum(sum(k.stats.cache_misses.values()) for k in kernel_cache._loaded.values())
        print(json.dumps({"first_s": t, "compiled": misses, "numba": "numba" in sys.modules}))
        return
    t_start = time.perf_counter()
    fn = WORKLOADS[name](system)
    fn()
    cold = time.perf_counter() - t_start
    if system.startswith("jit"):
        from vmapx._src import fused
        fused.wait()
    for _ in range(2):
        fn()
    peak = _peak_added_mb(fn)
    best = float("inf")
    reps = 0
    t_total = time.perf_counter()
    while reps < 3 or (reps < 50 and time.perf_counter() - t_total < 1.0):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        reps += 1
    print(json.dumps({"best_s": best, "cold_s": cold, "peak_mb": peak}))


# ------------------------------------------------------------------- driver

SYSTEMS = {  # system -> environment for its process
    "hand": {},
    "eager": {"VMAPX_JIT_BACKEND": "numpy"},
    "jit-numpy": {"VMAPX_JIT_BACKEND": "numpy"},
    "jit-numba": {"VMAPX_JIT_BACKEND": "numba"},
    "jit-auto": {"VMAPX_JIT_BACKEND": "auto"},
    "jax": {"JAX_ENABLE_X64": "1", "JAX_PLATFORMS": "cpu"},
}


def spawn(args, env_extra):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC), **env_extra)
    env.setdefault("OMP_NUM_THREADS", "1")
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has_module(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None


def fmt(s):
    return f"{s * 1e3:.2f}ms" if s >= 1e-3 else f"{s * 1e6:.0f}us"


def main(argv):
    systems = [s for s in SYSTEMS if s != "jax" or _has_module("jax")]
    if not _has_module("numba"):
        systems = [s for s in systems if s not in ("jit-numba", "jit-auto")]
    print(f"NumPy {np.__version__}; each cell: best time (ratio to hand NumPy) "
          "[peak MB added by one call]")
    for name in WORKLOADS:
        print(f"\n{name}")
        hand = None
        for system in systems:
            r = spawn(["--one", name, system], SYSTEMS[system])
            if "error" in r:
                print(f"  {system:<10} error: {r['error']}")
                continue
            hand = r["best_s"] if system == "hand" else hand
            ratio = f"{r['best_s'] / hand:6.2f}x" if hand else "   -   "
            print(f"  {system:<10} {fmt(r['best_s']):>10} ({ratio})  [{r['peak_mb']:7.1f} MB]"
                  f"  first call in a fresh process {fmt(r['cold_s'])}")
    print("\nfirst call of jit(vmap(f)), 10-op dispatch benchmark, fresh process "
          "(numba: twice, on an empty kernel cache, then on the one the first filled):")
    import tempfile
    cache = tempfile.mkdtemp(prefix="vmapx-kernels-")
    for backend in ("auto", "numpy") + (("numba", "numba") if "jit-numba" in systems else ()):
        env = {"VMAPX_JIT_BACKEND": backend}
        if backend == "numba":
            env["VMAPX_CACHE_DIR"] = cache
        r = spawn(["--one", "-", "first"], env)
        print(f"  backend={backend:<6} {fmt(r['first_s']):>8}  numba imported: {r['numba']}, "
              f"kernels compiled: {r['compiled']}")
    shutil.rmtree(cache, ignore_errors=True)
    if "--rows" in argv:
        rows()


def rows():
    """benchmarks/run.py's workloads that take ``wrap``, under jit: NumPy path
    vs. auto (each in a fresh process, best of two processes)."""
    print("\nbenchmarks/run.py rows under vmapx.jit (fresh process each):")
    import inspect
    sys.path.insert(0, HERE)
    import run as runmod
    for name, _, unit, make in runmod.WORKLOADS:
        if "wrap" not in inspect.signature(make).parameters:
            continue
        best = {"numpy": float("inf"), "auto": float("inf")}
        for _ in range(2):          # alternate, best of two processes each: the
            for b in best:          # machine's load moves between processes
                r = spawn(["--row", name], {"VMAPX_JIT_BACKEND": b})
                best[b] = min(best[b], r.get("best_s", float("inf")))
        print(f"  {name[:66]:<66} numpy {fmt(best['numpy']):>9}  auto {fmt(best['auto']):>9}"
              f"  ({best['auto'] / best['numpy']:.2f}x)")


def row(name):
    import vmapx
    sys.path.insert(0, HERE)
    import run as runmod
    from vmapx._src import fused
    make = next(m for n, _, _, m in runmod.WORKLOADS if n == name)
    ours, _, _, _ = make(wrap=vmapx.jit)
    ours()
    fused.wait()
    best = runmod.best_time(ours)
    print(json.dumps({"best_s": best}))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--row":
        row(sys.argv[2])
    else:
        main(sys.argv)
