"""What ``checkpoint`` saves: peak memory and time of ``grad`` through a deep
network, plain and with each layer checkpointed (``policy=None``: keep only
each layer's input) or with dots saveable.

    python benchmarks/checkpoint.py

Each configuration runs in a fresh process pinned to one CPU (``taskset -c 0``
where available); peak memory is how much the process's peak resident size
grows during its first ``grad`` call (vmapx's buffer pool allocates outside
``tracemalloc``'s view), time the best of 3 after that call.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

LAYERS, BATCH, WIDTH = 24, 2048, 256


def _one(mode):
    import resource
    import numpy as np
    import vmapx
    import vmapx.numpy as jnp

    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH) for _ in range(LAYERS)]
    x = rng.standard_normal((BATCH, WIDTH))

    def layer(w, h):
        return jnp.tanh(h @ w)

    policy = {"plain": None, "checkpoint": None,
              "checkpoint_dots": vmapx.checkpoint_policies.dots_saveable}[mode]
    step = layer if mode == "plain" else vmapx.checkpoint(layer, policy=policy)

    def loss(ws, x):
        h = x
        for w in ws:
            h = step(w, h)
        return jnp.sum(h ** 2)

    g = vmapx.grad(loss)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    g(ws, x)
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024   # KiB
    times = []
    for _ in range(3):
        t = time.perf_counter()
        g(ws, x)
        times.append(time.perf_counter() - t)
    print(json.dumps({"time": min(times), "peak": peak}))


def main():
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    print(f"grad of a {LAYERS}-layer tanh network, batch {BATCH} x width {WIDTH} (float64); "
          "each row a fresh process pinned to one CPU")
    print(f"{'layers':<34}{'peak memory':>14}{'time':>12}")
    rows = {}
    for mode, title in [("plain", "plain"), ("checkpoint", "checkpoint(layer)"),
                        ("checkpoint_dots", "checkpoint(layer, dots_saveable)")]:
        out = subprocess.run(pin + [sys.executable, __file__, "--one", mode],
                             capture_output=True, text=True, check=True)
        r = rows[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{title:<34}{r['peak'] / 2**20:>11.1f} MiB{r['time'] * 1e3:>9.1f} ms")
    base = rows["plain"]
    for mode in ("checkpoint", "checkpoint_dots"):
        r = rows[mode]
        print(f"{mode}: {r['peak'] / base['peak']:.2f}x the memory, "
              f"{r['time'] / base['time']:.2f}x the time of the plain grad")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        _one(sys.argv[2])
    else:
        main()
