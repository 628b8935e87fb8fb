"""Scale benchmarks (issue 12): automatic chunks under a memory budget, and Dask.

    python benchmarks/scale.py              # every workload, each in a fresh process
    python benchmarks/scale.py sqdist-auto  # one workload, in this process

Workloads:

* ``sqdist-*``: nested-vmap squared distances of 2000 points of dim 32 to
  themselves; ``none`` unchunked, ``auto`` with ``chunk_size='auto'`` and a
  64 MB budget, ``hand`` hand-written NumPy (``(x*x).sum(1)`` and a matmul).
  Peak is tracemalloc's peak of NumPy allocations above the inputs.
* ``overhead-*``: the 10-op elementwise function of ``core/d`` in
  ``benchmarks/run.py`` (8 vectors of 16), per-call time with a plain vmap and
  with ``vmapx_auto_chunk`` on (the budget does not bind).
* ``dask-*``: per-example gradient norms of a logistic model over 400k x 256
  float32 examples: ``cluster`` on a LocalCluster of 2 worker processes
  (1 thread, 1 GB each) from a Dask array in blocks of 25k, ``local`` the same
  vmap on the NumPy array in this process. Reports throughput and each
  worker's peak resident memory.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np

import vmapx
import vmapx.numpy as jnp
from run import ten_ops


def _sqdist_inputs():
    return np.random.default_rng(0).standard_normal((2000, 32))


def _sq(a, b):
    return jnp.sum((a - b) ** 2)


def sqdist(mode):
    x = _sqdist_inputs()
    if mode == "hand":
        def run():
            n2 = (x * x).sum(1)
            return np.maximum(n2[:, None] + n2[None, :] - 2.0 * (x @ x.T), 0.0)
    else:
        if mode == "auto":
            vmapx.config.update("vmapx_memory_budget", "64MB")
        f = vmapx.vmap(vmapx.vmap(_sq, (None, 0)), (0, None),
                       chunk_size="auto" if mode == "auto" else None)

        def run():
            return f(x, x)
    run()  # warm-up (and the one abstract staging of 'auto')
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    print(f"sqdist-{mode}: best of 3 {min(times) * 1e3:.0f} ms, peak above inputs "
          f"{peak / 1e6:.1f} MB")


def overhead(mode):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 16))
    Y = rng.standard_normal((8, 16))
    f = ten_ops        # the same function as benchmarks/run.py's core/d

    if mode == "auto":
        vmapx.config.update("vmapx_auto_chunk", True)
    g = vmapx.vmap(f)
    g(X, Y)
    best = float("inf")
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(2000):
            g(X, Y)
        best = min(best, (time.perf_counter() - t0) / 2000)
    print(f"overhead-{mode}: {best * 1e6:.1f} us per call")


N_DASK, D_DASK, BLOCK = 400_000, 256, 25_000


def _grad_norm(w, x, y):
    def loss(w):
        z = jnp.dot(x, w)
        return jnp.logaddexp(0.0, z) - y * z
    g = vmapx.grad(loss)(w)
    return jnp.sqrt(jnp.sum(g * g))


def dask_bench(mode):
    import dask.array as da
    w = (np.random.default_rng(1).standard_normal(D_DASK) / 16).astype(np.float32)
    per_example = vmapx.vmap(_grad_norm, in_axes=(None, 0, 0))
    if mode == "local":
        t0 = time.perf_counter()
        rs = np.random.RandomState(0)
        x = rs.standard_normal((N_DASK, D_DASK)).astype(np.float32)
        y = (rs.random_sample(N_DASK) > 0.5).astype(np.float32)
        t1 = time.perf_counter()
        norms = per_example(w, x, y)
        t2 = time.perf_counter()
        import resource
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        print(f"dask-local: {N_DASK / (t2 - t0):,.0f} examples/s ({t2 - t0:.2f} s: generating "
              f"the inputs {t1 - t0:.2f} s, the vmap {t2 - t1:.2f} s), process peak RSS "
              f"{rss:.0f} MB, mean norm {norms.mean():.6f}")
        return
    import distributed
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       memory_limit="1GB", dashboard_address=None)
    with distributed.Client(cluster) as client:
        rs = da.random.RandomState(0)
        x = rs.standard_normal((N_DASK, D_DASK), chunks=(BLOCK, D_DASK)).astype(np.float32)
        y = (rs.random_sample(N_DASK, chunks=BLOCK) > 0.5).astype(np.float32)
        norms = per_example(w, x, y)
        t0 = time.perf_counter()
        mean = float(client.compute(norms.mean()).result())
        dt = time.perf_counter() - t0

        def peak_rss():
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        peaks = client.run(peak_rss)
        print(f"dask-cluster: {N_DASK / dt:,.0f} examples/s ({dt:.2f} s, inputs generated "
              f"lazily in the tasks), worker peak RSS "
              f"{', '.join(f'{v:.0f} MB' for v in peaks.values())}, mean norm {mean:.6f}")
    cluster.close()


WORKLOADS = {
    "sqdist-none": lambda: sqdist("none"),
    "sqdist-auto": lambda: sqdist("auto"),
    "sqdist-hand": lambda: sqdist("hand"),
    "overhead-plain": lambda: overhead("plain"),
    "overhead-auto": lambda: overhead("auto"),
    "dask-local": lambda: dask_bench("local"),
    "dask-cluster": lambda: dask_bench("cluster"),
}


def main(argv):
    if argv:
        for name in argv:
            WORKLOADS[name]()
        return
    pin = ["taskset", "-c", "0"] if sys.platform.startswith("linux") else []
    for name in WORKLOADS:
        cmd = ([] if name == "dask-cluster" else pin) + [sys.executable, __file__, name]
        subprocess.run(cmd, check=True, env=os.environ)


if __name__ == "__main__":
    main(sys.argv[1:])
