"""Benchmark runner: per workload, vmapx's time as a ratio to hand-batched NumPy
and to a Python loop, all measured in the same run.

    python benchmarks/run.py            # every workload
    python benchmarks/run.py core       # only workloads whose name contains 'core'

Each system of each workload (vmapx, hand-batched NumPy, the loop) is timed in a
fresh process pinned to one CPU, as the best of several repeats after a warm-up
call, so ratios compare steady-state costs without one system's allocator state
leaking into another's.  Targets come from the issues; the runner marks
each row ok / MISS.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import numpy as np

import vmapx
import vmapx.numpy as jnp

WORKLOADS = []


def _identity(f):
    return f


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


def _mlp_hand(params, X):
    """The tanh MLP forward of core/a and numpy/a, hand-batched: rows of ``X``."""
    h = X
    for W, b in params[:-1]:
        h = np.tanh(h @ W.T + b)
    W, b = params[-1]
    return h @ W.T + b


@workload("core/a mlp forward 784-512-512-10, batch 4096, in_axes=(None, 0)", target=1.3)
def mlp_forward(wrap=_identity):
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

    f = wrap(vmapx.vmap(predict, in_axes=(None, 0)))
    np.testing.assert_allclose(f(params, X), _mlp_hand(params, X), rtol=1e-9, atol=1e-9)
    return (lambda: f(params, X), lambda: _mlp_hand(params, X),
            lambda: np.stack([predict(params, x) for x in X[:256]]), 4096 / 256)


@workload("core/b nested vmap sq. distance, 2000 x 2000 points, dim 32", target=None)
def sqdist(wrap=_identity):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((2000, 32))
    B = rng.standard_normal((2000, 32))

    def d(a, b):
        return jnp.sum((a - b) ** 2)

    f = wrap(vmapx.vmap(vmapx.vmap(d, in_axes=(None, 0)), in_axes=(0, None)))

    def hand(A, B):
        return ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)

    np.testing.assert_allclose(f(A, B), hand(A, B), rtol=1e-9)
    return (lambda: f(A, B), lambda: hand(A, B),
            lambda: np.array([[d(a, b) for b in B[:50]] for a in A[:50]]), (2000 * 2000) / 2500)


@workload("core/c batched matvec, 20000 pairs of 32x64 @ 64", target=1.3)
def matvec(wrap=_identity):
    rng = np.random.default_rng(2)
    M = rng.standard_normal((20000, 32, 64))
    v = rng.standard_normal((20000, 64))
    f = wrap(vmapx.vmap(lambda m, x: m @ x))

    def hand(M, v):
        return np.matmul(M, v[:, :, None])[:, :, 0]

    np.testing.assert_allclose(f(M, v), hand(M, v), rtol=1e-9)
    return (lambda: f(M, v), lambda: hand(M, v),
            lambda: np.stack([m @ x for m, x in zip(M[:2000], v[:2000])]), 10)


def ten_ops(x, y, xp=jnp):
    """The 10-op elementwise function of the overhead workloads (``xp``: the
    namespace it computes with: vmapx.numpy, or NumPy for the hand version)."""
    a = xp.sin(x) * y
    b = xp.exp(-a) + x
    c = xp.tanh(b * 0.5) - y
    d = xp.maximum(c, 0.0) * 2.0
    return xp.sqrt(d * d + 1.0)


@workload("core/d per-call overhead, 10-op elementwise fn, 8 vectors of 16", target=60e-6,
          unit="seconds")
def overhead(wrap=_identity):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 16))
    Y = rng.standard_normal((8, 16))
    f = ten_ops

    def hand(x, y):
        return ten_ops(x, y, xp=np)

    g = wrap(vmapx.vmap(f))
    np.testing.assert_allclose(g(X, Y), hand(X, Y), rtol=1e-12)
    return (lambda: g(X, Y), lambda: hand(X, Y),
            lambda: np.stack([f(x, y) for x, y in zip(X, Y)]), 1)


# ----------------------------------------------------------- autodiff (issue 3)


def _xent_mlp(rng, sizes=(784, 128, 10)):
    params = [(rng.standard_normal((o, i)) / np.sqrt(i), np.zeros(o))
              for i, o in zip(sizes[:-1], sizes[1:])]
    return params


@workload("grad/a per-example grads, softmax-xent MLP 784-128-10, batch 256", target=2.0)
def per_example_grads(wrap=_identity):
    rng = np.random.default_rng(4)
    (W1, b1), (W2, b2) = _xent_mlp(rng)
    X = rng.standard_normal((256, 784))
    Y = rng.integers(0, 10, 256)
    params = (W1, b1, W2, b2)

    def loss(params, x, y):
        W1, b1, W2, b2 = params
        h = jnp.tanh(W1 @ x + b1)
        logits = W2 @ h + b2
        logits = logits - jnp.max(logits)
        return jnp.log(jnp.sum(jnp.exp(logits))) - logits[y]

    f = wrap(vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0, 0)))

    def hand(params, X, Y):
        W1, b1, W2, b2 = params
        h = np.tanh(X @ W1.T + b1)
        z = h @ W2.T + b2
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(Y)), Y] -= 1.0              # d loss / d logits
        gW2 = p[:, :, None] * h[:, None, :]
        gh = p @ W2
        gz1 = gh * (1.0 - h * h)
        gW1 = gz1[:, :, None] * X[:, None, :]
        return gW1, gz1, gW2, p

    ours, ref = f(params, X, Y), hand(params, X, Y)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    g1 = vmapx.grad(loss)
    return (lambda: f(params, X, Y), lambda: hand(params, X, Y),
            lambda: [g1(params, x, y) for x, y in zip(X[:32], Y[:32])], 256 / 32)


@workload("grad/b vmap(grad(exp(-x) * sin(x))) over 1,000,000 scalars", target=1.5)
def scalar_grads(wrap=_identity):
    x = np.linspace(0.0, 10.0, 1_000_000)
    f = wrap(vmapx.vmap(vmapx.grad(lambda x: jnp.exp(-x) * jnp.sin(x))))

    def hand(x):
        e = np.exp(-x)
        return e * (np.cos(x) - np.sin(x))

    np.testing.assert_allclose(f(x), hand(x), rtol=1e-10, atol=1e-14)
    g1 = vmapx.grad(lambda x: jnp.exp(-x) * jnp.sin(x))
    return (lambda: f(x), lambda: hand(x), lambda: [g1(v) for v in x[:2000]], 500)


def _jac_problem():
    rng = np.random.default_rng(5)
    W1 = rng.standard_normal((256, 256)) / 16
    W2 = rng.standard_normal((256, 256)) / 16
    x = rng.standard_normal(256)

    def f(x):
        return jnp.tanh(W2 @ jnp.tanh(W1 @ x))

    def analytic(x):
        h = np.tanh(W1 @ x)
        y = np.tanh(W2 @ h)
        return ((1 - y * y)[:, None] * W2) @ ((1 - h * h)[:, None] * W1)

    return f, analytic, x


@workload("grad/c jacrev of tanh(W2 @ tanh(W1 @ x)), R^256 -> R^256", target=2.0)
def jacrev_bench(wrap=_identity):
    f, analytic, x = _jac_problem()
    J = wrap(vmapx.jacrev(f))
    np.testing.assert_allclose(J(x), analytic(x), rtol=1e-9, atol=1e-12)
    row = lambda i: vmapx.grad(lambda x: f(x)[i])(x)  # noqa: E731
    return (lambda: J(x), lambda: analytic(x), lambda: [row(i) for i in range(16)], 16)


@workload("grad/c jacfwd of tanh(W2 @ tanh(W1 @ x)), R^256 -> R^256", target=2.0)
def jacfwd_bench(wrap=_identity):
    f, analytic, x = _jac_problem()
    J = wrap(vmapx.jacfwd(f))
    np.testing.assert_allclose(J(x), analytic(x), rtol=1e-9, atol=1e-12)
    e = np.eye(256)
    col = lambda i: vmapx.jvp(f, (x,), (e[i],))[1]  # noqa: E731
    return (lambda: J(x), lambda: analytic(x), lambda: [col(i) for i in range(16)], 16)


@workload("grad/d per-example grads, CNN 28x28x1 conv3x3x16-conv3x3x32-dense, batch 128, f32",
          target=2.0)
def per_example_cnn_grads(wrap=_identity):
    from numpy.lib.stride_tricks import sliding_window_view as windows
    from vmapx import lax
    rng = np.random.default_rng(5)
    f32 = np.float32
    params = {"w1": (rng.standard_normal((3, 3, 1, 16)) * 0.3).astype(f32),
              "w2": (rng.standard_normal((3, 3, 16, 32)) * 0.1).astype(f32),
              "wd": (rng.standard_normal((32, 10)) * 0.1).astype(f32)}
    X = rng.standard_normal((128, 28, 28, 1)).astype(f32)
    Y = rng.integers(0, 10, 128)
    dn = ("NHWC", "HWIO", "NHWC")

    def loss(p, x, y):                               # one image
        h = jnp.maximum(lax.conv_general_dilated(x[None], p["w1"], (1, 1), "VALID",
                                                 dimension_numbers=dn), 0)
        h = jnp.maximum(lax.conv_general_dilated(h, p["w2"], (1, 1), "VALID",
                                                 dimension_numbers=dn), 0)
        logits = jnp.mean(h, axis=(0, 1, 2)) @ p["wd"]
        return jnp.log(jnp.sum(jnp.exp(logits))) - logits[y]

    def conv(x, w):                                  # (B,H,W,C) * (3,3,C,O), VALID
        return np.tensordot(windows(x, (3, 3), axis=(1, 2)), w, axes=([3, 4, 5], [2, 0, 1]))

    def hand(p, x, y):                               # the whole batch, backprop by hand
        w1, w2, wd = p["w1"], p["w2"], p["wd"]
        a1 = conv(x, w1)
        h1 = np.maximum(a1, 0)
        a2 = conv(h1, w2)
        h2 = np.maximum(a2, 0)
        f = h2.mean((1, 2))
        logits = f @ wd
        e = np.exp(logits - logits.max(1, keepdims=True))
        d = e / e.sum(1, keepdims=True)
        d[np.arange(len(y)), y] -= 1
        dwd = f[:, :, None] * d[:, None, :]
        da2 = (a2 > 0) * ((d @ wd.T)[:, None, None, :] / (a2.shape[1] * a2.shape[2]))
        dw2 = np.einsum("bhwcij,bhwo->bijco", windows(h1, (3, 3), axis=(1, 2)), da2,
                        optimize=True)
        dpad = np.pad(da2, ((0, 0), (2, 2), (2, 2), (0, 0)))
        da1 = np.tensordot(windows(dpad, (3, 3), axis=(1, 2)), w2[::-1, ::-1],
                           axes=([3, 4, 5], [3, 0, 1])) * (a1 > 0)
        dw1 = np.einsum("bhwcij,bhwo->bijco", windows(x, (3, 3), axis=(1, 2)), da1,
                        optimize=True)
        return {"w1": dw1, "w2": dw2, "wd": dwd}

    f = wrap(vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0, 0)))
    ours, ref = f(params, X, Y), hand(params, X, Y)
    for k in params:
        assert ours[k].dtype == np.float32
        np.testing.assert_allclose(ours[k], ref[k], rtol=2e-3, atol=1e-5)
    g1 = vmapx.grad(loss)
    return (lambda: f(params, X, Y), lambda: hand(params, X, Y),
            lambda: [g1(params, x, y) for x, y in zip(X[:16], Y[:16])], 128 / 16)


# ---------------------------------------------------- staging / control (issue 4)


@workload("stage/a vectorize(dot, '(n),(n)->()') over (500,400,64) x (400,64)", target=2.0)
def vectorize_dot():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((500, 400, 64))
    b = rng.standard_normal((400, 64))
    f = jnp.vectorize(jnp.dot, signature="(n),(n)->()")

    def hand(a, b):
        return np.einsum("ijk,jk->ij", a, b)

    np.testing.assert_allclose(f(a, b), hand(a, b), rtol=1e-10)
    npv = np.vectorize(np.dot, signature="(n),(n)->()")
    return (lambda: f(a, b), lambda: hand(a, b), lambda: npv(a[:10], b), 50)


@workload("stage/b vmap Newton sqrt with lax.while_loop, data-dependent stop, 100,000 inputs",
          target=1.5)
def newton_sqrt():
    rng = np.random.default_rng(7)
    xs = rng.uniform(0.5, 1e4, 100_000)

    def sqrt_newton(a):                      # one example; stops when converged
        def cond(x):
            return jnp.abs(x * x - a) > 1e-9 * a

        def body(x):
            return 0.5 * (x + a / x)

        return vmapx.lax.while_loop(cond, body, a)

    f = vmapx.vmap(sqrt_newton)

    def hand(a):                             # the same algorithm, batched by hand
        x = a.copy()
        active = np.abs(x * x - a) > 1e-9 * a
        while active.any():
            x = np.where(active, 0.5 * (x + a / x), x)
            active &= np.abs(x * x - a) > 1e-9 * a
        return x

    np.testing.assert_allclose(f(xs), hand(xs), rtol=1e-12)
    return (lambda: f(xs), lambda: hand(xs), lambda: [sqrt_newton(a) for a in xs[:200]], 500)


@workload("stage/c first jit call (tracing included) / warm call, 10-op fn", target=10.0)
def jit_first_call():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 16))

    def make():
        def f(x):
            a = jnp.sin(x) * x
            b = jnp.exp(-a) + x
            c = jnp.tanh(b * 0.5) - x
            d = jnp.maximum(c, 0.0) * 2.0
            return jnp.sqrt(d * d + 1.0)
        return vmapx.jit(vmapx.vmap(f))

    warm = make()
    warm(X)

    def first():
        make()(X)

    # "numpy" column: the warm jitted call, so "x numpy" is first-call / warm-call
    return (first, lambda: warm(X), lambda: warm(X), 1)


# --------------------------------------------- unmodified NumPy code (issue 5)


@workload("numpy/a MLP forward written with plain np, 784-512-512-10, batch 4096", target=1.3)
def numpy_mlp():
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    params = [(rng.standard_normal((o, i)) / np.sqrt(i), rng.standard_normal(o))
              for i, o in zip(sizes[:-1], sizes[1:])]
    X = rng.standard_normal((4096, 784))

    def predict(params, x):                      # plain NumPy, one example
        h = x
        for W, b in params[:-1]:
            h = np.tanh(np.dot(W, h) + b)
        W, b = params[-1]
        return W @ h + b

    f = vmapx.vmap(predict, in_axes=(None, 0))
    np.testing.assert_allclose(f(params, X), _mlp_hand(params, X), rtol=1e-9, atol=1e-9)
    flat = [a for wb in params for a in wb]
    sig = "(m,n),(m),(k,m),(k),(j,k),(j),(n)->(j)"
    npv = np.vectorize(lambda W1, b1, W2, b2, W3, b3, x: predict(
        [(W1, b1), (W2, b2), (W3, b3)], x), signature=sig)
    # "x loop" column: np.vectorize with a signature (NumPy's own batching of plain code)
    return (lambda: f(params, X), lambda: _mlp_hand(params, X),
            lambda: npv(*flat, X[:512]), 8)


# -------------------------------- every earlier workload again, under jit (issue 4)

for _name, _target, _unit, _make in list(WORKLOADS):
    if _name.startswith(("core/", "grad/")):
        _t = 1.5 if _name.startswith("core/d") else _target
        _u = "ratio" if _name.startswith("core/d") else _unit
        WORKLOADS.append((f"jit/{_name}", _t, _u,
                          lambda _make=_make: _make(wrap=vmapx.jit)))


def _measure_one(name, which):
    """Time one system of one workload (``which``: 0 vmapx, 1 hand NumPy, 2 loop)."""
    for n, _target, _unit, make in WORKLOADS:
        if n == name:
            fns = make()
            if which == 2:
                return best_time(fns[2], repeat=2) * fns[3]
            return best_time(fns[which])
    raise KeyError(name)


def _fresh(name, which):
    """``_measure_one`` in a fresh interpreter pinned to CPU 0 (allocator state
    and warm caches of earlier work change large-array timings by several x)."""
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    out = subprocess.run(pin + [sys.executable, __file__, "--one", name, str(which)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv):
    pattern = argv[1] if len(argv) > 1 else ""
    print(f"vmapx {vmapx.__version__}, NumPy {np.__version__}; each system of each workload "
          "in a fresh process pinned to one CPU")
    print(f"{'workload':<70} {'vmapx':>10} {'numpy':>10} {'x numpy':>8} {'x loop':>8} "
          f"{'target':>8}")
    for name, target, unit, make in WORKLOADS:
        if pattern not in name:
            continue
        t_ours, t_hand, t_loop = (_fresh(name, k) for k in range(3))
        ratio = t_ours / t_hand
        if unit == "seconds":
            ok = t_ours <= target
            tgt = f"<{target * 1e6:.0f}us"
        else:
            ok = target is None or ratio <= target
            tgt = "-" if target is None else f"<{target}x"
        print(f"{name:<70} {fmt(t_ours):>10} {fmt(t_hand):>10} {ratio:>7.2f}x "
              f"{t_loop / t_ours:>7.1f}x {tgt:>8} {'ok' if ok else 'MISS'}", flush=True)
    print("x numpy: vmapx time / hand-batched NumPy time (lower is better); "
          "x loop: Python-loop time / vmapx time (speed-up over the loop).")


def fmt(s):
    return f"{s * 1e6:.1f}us" if s < 1e-3 else f"{s * 1e3:.2f}ms"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(_measure_one(sys.argv[2], int(sys.argv[3])))
    else:
        main(sys.argv)
