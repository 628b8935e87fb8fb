"""Per-example NumPy code under ``vmap`` (issue 9), batch 100,000.

    python benchmarks/per_example.py

Each (workload, system) pair is timed in a fresh process pinned to one CPU
(``taskset -c 0`` where available), best of several repeats after a warm-up
call; the table gives vmapx's time as a ratio to the baseline the target names.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np

from run import best_time   # the same timing loop as benchmarks/run.py

N = 100_000


# ------------------------------------------------------------------ workloads


def branch_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 8))
    x[rng.random(N) < 0.5] += 1.0      # about half the examples on each side
    return x


def branch_f(x):                       # one example, plain NumPy with a Python `if`
    if x.sum() > 0:
        return np.tanh(x) * 2.0
    return np.exp(x) - 1.0


def branch_hand(x):
    pos = x.sum(axis=1, keepdims=True) > 0
    return np.where(pos, np.tanh(x) * 2.0, np.exp(x) - 1.0)


def newton_data():
    return np.random.default_rng(7).uniform(0.5, 1e4, N)


def newton_python(a):                  # a Python while loop on a batched value
    x = a
    while abs(x * x - a) > 1e-9 * a:
        x = 0.5 * (x + a / x)
    return x


def newton_lax(a):                     # the same iteration with lax.while_loop
    import vmapx
    return vmapx.lax.while_loop(lambda x: abs(x * x - a) > 1e-9 * a,
                                lambda x: 0.5 * (x + a / x), a)


def lorenz_data():
    return np.random.default_rng(1).standard_normal((N, 3)) * 5 + np.array([0, 0, 25.0])


def lorenz_rhs(s, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = s
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def rk4_step(s, dt=0.01):
    k1 = lorenz_rhs(s)
    k2 = lorenz_rhs(s + dt / 2 * k1)
    k3 = lorenz_rhs(s + dt / 2 * k2)
    k4 = lorenz_rhs(s + dt * k3)
    return s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def lorenz_rhs_hand(S, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = S[:, 0], S[:, 1], S[:, 2]
    return np.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z], axis=1)


def rk4_hand(S, dt=0.01):
    k1 = lorenz_rhs_hand(S)
    k2 = lorenz_rhs_hand(S + dt / 2 * k1)
    k3 = lorenz_rhs_hand(S + dt / 2 * k2)
    k4 = lorenz_rhs_hand(S + dt * k3)
    return S + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def loop_data():
    return np.random.default_rng(2).standard_normal((N, 4))


def needs_loop(x):                     # float() of a value that differs in every example
    scale = float(x[0])
    return x * scale + 1.0


def plain_loop(x):
    return np.stack([needs_loop(r) for r in x])


MASSES = np.array([1.0, 2.0, 0.5, 1.5])


def nbody_data():
    return np.random.default_rng(4).standard_normal((N, 12))


def nbody_accel(pos, eps=1e-3):        # accumulates into rows of a buffer: acc[i] += ...
    pos = pos.reshape(-1, 3)
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            d = pos[j] - pos[i]
            r2 = np.dot(d, d) + eps ** 2
            acc[i] += MASSES[j] * d / r2 ** 1.5
    return acc


def nbody_hand(P, eps=1e-3):
    pos = P.reshape(len(P), -1, 3)
    acc = np.zeros_like(pos)
    for i in range(pos.shape[1]):      # the same order of terms as the per-example loop
        for j in range(pos.shape[1]):
            if i == j:
                continue
            d = pos[:, j] - pos[:, i]
            r2 = np.einsum("bk,bk->b", d, d) + eps ** 2
            acc[:, i] += MASSES[j] * d / (r2 ** 1.5)[:, None]
    return acc


DTW_N = 2_000   # a plain Python loop over every cell: the loop is the baseline


def dtw_data():
    return np.random.default_rng(5).standard_normal((DTW_N, 16))


def dtw(a):                            # decides per cell: min() of three traced values
    s, t = a[:8], a[8:]
    d = np.full((9, 9), np.inf)
    d[0, 0] = 0.0
    for i in range(1, 9):
        for j in range(1, 9):
            d[i, j] = abs(s[i - 1] - t[j - 1]) + min(d[i - 1, j], d[i, j - 1], d[i - 1, j - 1])
    return d[8, 8]


def dtw_loop(x):
    return np.array([dtw(v) for v in x])


def _systems(name):
    import vmapx
    import warnings
    warnings.simplefilter("ignore")
    if name == "branch":
        x = branch_data()
        return x, {"vmapx": lambda: vmapx.vmap(branch_f)(x), "base": lambda: branch_hand(x)}
    if name == "newton":
        a = newton_data()
        return a, {"vmapx": lambda: vmapx.vmap(newton_python)(a),
                   "base": lambda: vmapx.vmap(newton_lax)(a)}
    if name == "rk4":
        s = lorenz_data()
        return s, {"vmapx": lambda: vmapx.vmap(rk4_step)(s), "base": lambda: rk4_hand(s)}
    if name == "nbody":
        p = nbody_data()
        return p, {"vmapx": lambda: vmapx.vmap(nbody_accel)(p), "base": lambda: nbody_hand(p)}
    if name == "loop":
        x = loop_data()
        return x, {"vmapx": lambda: vmapx.vmap(needs_loop)(x), "base": lambda: plain_loop(x)}
    if name == "dtw":
        x = dtw_data()
        return x, {"vmapx": lambda: vmapx.vmap(dtw)(x), "base": lambda: dtw_loop(x)}
    raise KeyError(name)


WORKLOADS = [
    ("branch", "`if x.sum() > 0:` half on each side, (100000, 8)", "hand-written np.where",
     2.5),
    ("newton", "Newton sqrt with a Python `while abs(...) > tol:`, 100,000 inputs",
     "lax.while_loop under vmap", 3.0),
    ("rk4", "RK4 step of Lorenz, rhs returns np.array([dx, dy, dz]), 100,000 states",
     "hand-batched NumPy", 1.5),
    ("nbody", "n-body forces, `acc[i] += m * d / r2 ** 1.5` in Python loops, 100,000 x 4 bodies",
     "hand-batched NumPy", 2.0),
    ("loop", "per-example loop fallback (float() differs per example), 100,000 x 4",
     "plain Python loop", 1.2),
    ("dtw", "DTW of 8 x 8 cells, `min()` of traced values per cell, 2,000 examples",
     "plain Python loop", 3.0),
]


def _one(name, system):
    _, systems = _systems(name)
    fn = systems[system]
    slow = name in ("loop", "dtw")
    repeat = 3 if slow else 7
    print(json.dumps({"t": best_time(fn, min_time=0.05 if slow else 0.2,
                                     repeat=repeat)}))


def _check(name):
    """The vmapx result equals the baseline's (outside the timing)."""
    import warnings
    x, systems = _systems(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = systems["vmapx"](), systems["base"]()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def main():
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    env = dict(os.environ, PYTHONHASHSEED="0")
    print(f"NumPy {np.__version__}; each system in a fresh process"
          f"{', pinned to CPU 0' if pin else ''}")
    print(f"{'workload':<78} {'vmapx':>10} {'baseline':>10} {'ratio':>7} {'target':>7}")
    rows = []
    for name, desc, base, target in WORKLOADS:
        _check(name)
        times = {}
        for system in ("vmapx", "base"):
            out = subprocess.run(pin + [sys.executable, __file__, "--one", name, system],
                                 capture_output=True, text=True, env=env, check=True)
            times[system] = json.loads(out.stdout.strip().splitlines()[-1])["t"]
        ratio = times["vmapx"] / times["base"]
        ok = "ok" if ratio <= target else "MISS"
        rows.append((desc, times, ratio, target, ok, base))
        print(f"{desc:<78} {fmt(times['vmapx']):>10} {fmt(times['base']):>10} "
              f"{ratio:>6.2f}x {'<' + str(target) + 'x':>7} {ok}  (baseline: {base})")


def fmt(s):
    return f"{s * 1e6:.1f}us" if s < 1e-3 else f"{s * 1e3:.2f}ms"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        _one(sys.argv[2], sys.argv[3])
    else:
        main()
