"""Benchmark runner: per workload, vmapx's time as a ratio to hand-batched NumPy
and to a Python loop, all measured in the same run.

    python benchmarks/run.py            # every workload
    python benchmarks/run.py core       # only workloads whose name contains 'core'

Each timing is the best of several repeats (after a warm-up call), so ratios
compare steady-state costs.  Targets come from the issues; the runner marks
each row ok / MISS.
"""
from __future__ import annotations

import sys
import time

import numpy as np

import vmapx
import vmapx.numpy as jnp

WORKLOADS = []


def workload(name, target=None, unit="ratio"):
    def deco(fn):
        WORKLOADS.append((name, target, unit, fn))
        return fn
    return deco


def best_time(fn, min_time=0.2, repeat=5):
    """Best per-call seconds of ``fn`` over ``repeat`` rounds of >= ``min_time`` each."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time / repeat or n >= 1 << 20:
            break
        n *= 2
    best = dt / n
    for _ in range(repeat - 1):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


# --------------------------------------------------------------- core (issue 2)


@workload("core/a mlp forward 784-512-512-10, batch 4096, in_axes=(None, 0)", target=1.3)
def mlp_forward():
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    params = [(rng.standard_normal((o, i)) / np.sqrt(i), rng.standard_normal(o))
              for i, o in zip(sizes[:-1], sizes[1:])]
    X = rng.standard_normal((4096, 784))

    def predict(params, x):
        h = x
        for W, b in params[:-1]:
            h = jnp.tanh(W @ h + b)
        W, b = params[-1]
        return W @ h + b

    def hand(params, X):
        h = X
        for W, b in params[:-1]:
            h = np.tanh(h @ W.T + b)
        W, b = params[-1]
        return h @ W.T + b

    f = vmapx.vmap(predict, in_axes=(None, 0))
    np.testing.assert_allclose(f(params, X), hand(params, X), rtol=1e-9, atol=1e-9)
    return (lambda: f(params, X), lambda: hand(params, X),
            lambda: np.stack([predict(params, x) for x in X[:256]]), 4096 / 256)


@workload("core/b nested vmap sq. distance, 2000 x 2000 points, dim 32", target=None)
def sqdist():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((2000, 32))
    B = rng.standard_normal((2000, 32))

    def d(a, b):
        return jnp.sum((a - b) ** 2)

    f = vmapx.vmap(vmapx.vmap(d, in_axes=(None, 0)), in_axes=(0, None))

    def hand(A, B):
        return ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)

    np.testing.assert_allclose(f(A, B), hand(A, B), rtol=1e-9)
    return (lambda: f(A, B), lambda: hand(A, B),
            lambda: np.array([[d(a, b) for b in B[:50]] for a in A[:50]]), (2000 * 2000) / 2500)


@workload("core/c batched matvec, 20000 pairs of 32x64 @ 64", target=1.3)
def matvec():
    rng = np.random.default_rng(2)
    M = rng.standard_normal((20000, 32, 64))
    v = rng.standard_normal((20000, 64))
    f = vmapx.vmap(lambda m, x: m @ x)

    def hand(M, v):
        return np.matmul(M, v[:, :, None])[:, :, 0]

    np.testing.assert_allclose(f(M, v), hand(M, v), rtol=1e-9)
    return (lambda: f(M, v), lambda: hand(M, v),
            lambda: np.stack([m @ x for m, x in zip(M[:2000], v[:2000])]), 10)


@workload("core/d per-call overhead, 10-op elementwise fn, 8 vectors of 16", target=60e-6,
          unit="seconds")
def overhead():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 16))
    Y = rng.standard_normal((8, 16))

    def f(x, y):
        a = jnp.sin(x) * y
        b = jnp.exp(-a) + x
        c = jnp.tanh(b * 0.5) - y
        d = jnp.maximum(c, 0.0) * 2.0
        return jnp.sqrt(d * d + 1.0)

    def hand(x, y):
        a = np.sin(x) * y
        b = np.exp(-a) + x
        c = np.tanh(b * 0.5) - y
        d = np.maximum(c, 0.0) * 2.0
        return np.sqrt(d * d + 1.0)

    g = vmapx.vmap(f)
    np.testing.assert_allclose(g(X, Y), hand(X, Y), rtol=1e-12)
    return (lambda: g(X, Y), lambda: hand(X, Y),
            lambda: np.stack([f(x, y) for x, y in zip(X, Y)]), 1)


def main(argv):
    pattern = argv[1] if len(argv) > 1 else ""
    print(f"vmapx {vmapx.__version__}, NumPy {np.__version__}")
    print(f"{'workload':<70} {'vmapx':>10} {'numpy':>10} {'x numpy':>8} {'x loop':>8} "
          f"{'target':>8}")
    for name, target, unit, make in WORKLOADS:
        if pattern not in name:
            continue
        ours, hand, loop, loop_scale = make()
        t_ours, t_hand = best_time(ours), best_time(hand)
        t_loop = best_time(loop, repeat=2) * loop_scale
        ratio = t_ours / t_hand
        if unit == "seconds":
            ok = t_ours <= target
            tgt = f"<{target * 1e6:.0f}us"
        else:
            ok = target is None or ratio <= target
            tgt = "-" if target is None else f"<{target}x"
        print(f"{name:<70} {fmt(t_ours):>10} {fmt(t_hand):>10} {ratio:>7.2f}x "
              f"{t_loop / t_ours:>7.1f}x {tgt:>8} {'ok' if ok else 'MISS'}")
    print("x numpy: vmapx time / hand-batched NumPy time (lower is better); "
          "x loop: Python-loop time / vmapx time (speed-up over the loop).")


def fmt(s):
    return f"{s * 1e6:.1f}us" if s < 1e-3 else f"{s * 1e3:.2f}ms"


if __name__ == "__main__":
    main(sys.argv)
