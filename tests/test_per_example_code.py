"""Real per-example NumPy code under eager ``vmap``: the loop is the oracle.

Each construct (Python control flow on batched values, conversions, ``math``,
``np.asarray``/``np.array``, item assignment, masks, buffers, data-dependent
sizes) runs under ``vmap`` and must equal ``np.stack([f(x) for x in xs])`` in
shape, dtype and value: alone, inside ``grad``, nested, chunked, for batches
whose examples all agree, all differ, and of size 0 and 1.
"""
import math
import threading
import warnings

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src.concrete import VmapLoopWarning


def loop(f, *xs):
    return np.stack([np.asarray(f(*a)) for a in zip(*xs)])


def assert_loop(f, *xs, exact=True, **vmap_kw):
    """vmap(f) equals the loop over copies of the examples (f may write into them)."""
    want = loop(f, *[x.copy() for x in xs])
    got = vmapx.vmap(f, **vmap_kw)(*xs)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    return got


RNG = np.random.default_rng(0)
XS = RNG.standard_normal((12, 4))


# --------------------------------------------------------------- functions


def branch(x):
    if x.sum() > 0:
        return x * 2.0
    return -x


def nested_branch(x):
    if x[0] > 0:
        if x[1] > 0:
            return x + 1.0
        return x - 1.0
    return x * 0.5


def newton_sqrt(a):
    x = a
    dx = 1.0
    while abs(dx) > 1e-12:
        dx = (x * x - a) / (2.0 * x)
        x = x - dx
    return x


def power_iteration(A):
    v = np.ones(A.shape[0])
    for _ in range(int(A.shape[0]) * 3):
        v = A @ v
        norm = np.linalg.norm(v)
        if norm == 0:
            break
        v = v / norm
    return v


def to_float(x):
    return x * float(x[0])


def data_range(x):
    n = int(abs(x[0]) * 3) % 4
    total = 0.0
    for i in range(n):
        total = total + x[i]
    return total


def quat_to_matrix(q):
    q = np.asarray(q, dtype=float)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def lorenz_rhs(s, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = s
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def rk4_lorenz(s, dt=0.01):
    k1 = lorenz_rhs(s)
    k2 = lorenz_rhs(s + dt / 2 * k1)
    k3 = lorenz_rhs(s + dt / 2 * k2)
    k4 = lorenz_rhs(s + dt * k3)
    return s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def lorenz_buffer(s):
    out = np.zeros(3)
    out[0] = 10.0 * (s[1] - s[0])
    out[1] = s[0] * (28.0 - s[2]) - s[1]
    out[2] = s[0] * s[1] - 8.0 / 3.0 * s[2]
    return out


def black_scholes(S, K=100.0, T=1.0, r=0.05, sigma=0.2):
    from scipy.stats import norm
    d1 = (math.log(S / K) + (r + sigma ** 2 / 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * norm.cdf(d1) - K * math.exp(-r * T) * norm.cdf(d2)


def clip_negative(x):
    x = np.array(x)
    x[x < 0] = 0.0
    return x


def positive_sum(x):
    return x[x > 0].sum()


def setitem_loop(x):
    y = np.asarray(x).copy()
    for i in range(1, y.shape[0]):
        y[i] += y[i - 1]
    return y


def safe_normalize(v):
    n = np.linalg.norm(v)
    if np.isclose(n, 0.0):
        return v
    return v / n


CASES = {
    "if": (branch, XS),
    "nested if": (nested_branch, XS),
    "while (Newton)": (newton_sqrt, np.abs(XS[:, 0]) + 0.5),
    "for/break (power iteration)": (power_iteration, RNG.standard_normal((5, 3, 3))),
    "float()": (to_float, XS),
    "range(data)": (data_range, XS),
    "np.asarray + unpacking (rotation)": (quat_to_matrix, XS),
    "np.array of traced scalars (RK4)": (rk4_lorenz, XS[:, :3] * 5),
    "buffer fill": (lorenz_buffer, XS[:, :3]),
    "math + scipy.stats.norm": (black_scholes, np.linspace(80.0, 120.0, 7)),
    "mask assignment": (clip_negative, XS),
    "masked sum": (positive_sum, XS),
    "item assignment in a loop": (setitem_loop, XS),
    "np.isclose branch": (safe_normalize, np.vstack([XS[:3], np.zeros((2, 4))])),
}
# Bit-identical where the work is elementwise; reductions (norms, masked sums) may
# associate differently in a batch, so they match to rounding.
INEXACT = {"masked sum", "math + scipy.stats.norm", "np.asarray + unpacking (rotation)",
           "for/break (power iteration)", "np.isclose branch"}


@pytest.mark.parametrize("name", list(CASES))
def test_per_example_function_equals_the_loop(name):
    f, xs = CASES[name]
    assert_loop(f, xs, exact=name not in INEXACT)


@pytest.mark.parametrize("name", list(CASES))
def test_batches_of_one_and_of_identical_examples(name):
    f, xs = CASES[name]
    exact = name not in INEXACT
    assert_loop(f, xs[:1], exact=exact)
    assert_loop(f, np.repeat(xs[:1], 3, axis=0), exact=exact)


@pytest.mark.parametrize("name", ["if", "nested if", "float()", "np.asarray + unpacking "
                                  "(rotation)", "buffer fill", "mask assignment"])
def test_an_empty_batch_gives_an_empty_result_of_the_right_shape(name):
    f, xs = CASES[name]
    got = vmapx.vmap(f)(xs[:0])
    want = np.asarray(f(np.zeros_like(xs[0])))
    assert got.shape == (0,) + want.shape and got.dtype == want.dtype


@pytest.mark.parametrize("name", ["if", "np.asarray + unpacking (rotation)",
                                  "np.array of traced scalars (RK4)", "buffer fill",
                                  "math + scipy.stats.norm", "mask assignment", "masked sum",
                                  "item assignment in a loop"])
def test_array_shaped_patterns_stay_batched(name):
    # No per-example loop: the function runs a bounded number of times.
    f, xs = CASES[name]
    calls = []

    def counted(x):
        calls.append(1)
        return f(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error", VmapLoopWarning)
        vmapx.vmap(counted)(np.concatenate([xs] * 10))
    assert len(calls) <= 2


# ----------------------------------------------------------- how it splits


def test_if_splits_into_two_runs_each_on_its_own_examples():
    seen = []

    def f(x):
        seen.append(x.shape)   # the per-example shape: one entry per run
        if x > 0:
            return x + 1.0
        return x - 1.0
    xs = np.array([1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 4.0, -4.0, 5.0])
    np.testing.assert_array_equal(vmapx.vmap(f)(xs), np.where(xs > 0, xs + 1.0, xs - 1.0))
    assert len(seen) == 2
    # a group of fewer than four examples runs as the loop (cheaper than a replay)
    seen.clear()
    np.testing.assert_array_equal(vmapx.vmap(f)(xs[:5]), [2.0, -2.0, 3.0, -3.0, 4.0])
    assert len(seen) == 1 + 2


def _lis(a):
    """Length of the longest increasing subsequence (a quadratic dynamic
    program deciding on every pair of elements)."""
    best = [1] * len(a)
    for i in range(len(a)):
        for j in range(i):
            if a[j] < a[i] and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
    return max(best)


def test_code_deciding_per_element_runs_about_as_the_loop():
    # A dynamic program decides per pair of elements: the batch splits
    # into ever smaller groups.  Runs stop once every group is small, and groups go
    # to the loop where it is estimated cheaper than a traced replay, so few runs
    # are traced (each example had its own traced replay before: 48 here).
    traced = []

    def counted(a):
        traced.append(isinstance(a, vmapx.core.Tracer))
        return _lis(a)
    xs = RNG.standard_normal((48, 12))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VmapLoopWarning)
        got = vmapx.vmap(counted)(xs)
    np.testing.assert_array_equal(got, [_lis(x) for x in xs])
    # (the choice between replay and loop is timed: a margin for a noisy machine)
    assert sum(traced) <= 16 and len(traced) <= 48 + 16


def test_per_element_decisions_under_grad_stay_differentiable():
    # Under grad (around the vmap) the small groups replay batched: a loop would
    # meet grad's tracers in the NumPy buffer
    def f(x):
        out = np.zeros(3)
        for i in range(3):
            out[i] = x[i] if x[i] > 0 else -x[i]
        return out

    def g(a):
        acc = a[0]
        for v in a[1:]:
            acc = min(acc, v) + 0.1 * v * v
        return acc
    z = RNG.standard_normal((40, 3))
    np.testing.assert_allclose(vmapx.grad(lambda x: vmapx.vmap(f)(x).sum())(z), np.sign(z))
    xs = RNG.standard_normal((40, 12))
    want = np.stack([vmapx.grad(g)(x) for x in xs])
    np.testing.assert_allclose(vmapx.grad(lambda x: vmapx.vmap(g)(x).sum())(xs), want)
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(g))(xs), want)


def test_examples_that_all_agree_run_once_without_a_split():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2 if x.sum() > -100 else x
    vmapx.vmap(f)(XS)
    assert len(calls) == 1


def test_all_different_values_fall_back_to_a_loop_with_a_warning_naming_the_line():
    xs = RNG.standard_normal((40, 3))
    with pytest.warns(VmapLoopWarning, match=r"test_per_example_code\.py:\d+") as rec:
        assert_loop(to_float, xs)
    assert "once per example" in str(rec[0].message) and "40 examples" in str(rec[0].message)


def test_the_loop_fallback_does_not_write_into_the_callers_array():
    xs = RNG.standard_normal((30, 3))
    before = xs.copy()

    def f(x):
        x[0] = float(x[1])  # per-example float: loop; writes into its own example
        return x
    with pytest.warns(VmapLoopWarning):
        vmapx.vmap(f)(xs)
    np.testing.assert_array_equal(xs, before)


def test_print_never_runs_more_often_than_in_the_loop(capsys):
    def f(x):
        print("run")
        return branch(x)
    vmapx.vmap(f)(XS)
    assert capsys.readouterr().out.count("run") <= len(XS)


# ------------------------------------------------------------- composition


def test_vmap_of_grad_differentiates_each_example_along_its_branch():
    def f(x):
        if x > 0:
            return x ** 3
        return np.sin(x)
    xs = np.array([-1.0, 2.0, 0.5, -0.3])
    got = vmapx.vmap(vmapx.grad(f))(xs)
    np.testing.assert_allclose(got, [vmapx.grad(f)(x) for x in xs], rtol=1e-14)
    np.testing.assert_allclose(got, np.where(xs > 0, 3 * xs ** 2, np.cos(xs)), rtol=1e-14)


def test_grad_of_vmap_with_a_branch():
    def f(x):
        if x.sum() > 0:
            return (x ** 2).sum()
        return x.sum()
    g = vmapx.grad(lambda xs: vmapx.vmap(f)(xs).sum())(XS)
    want = np.where(XS.sum(1, keepdims=True) > 0, 2 * XS, 1.0)
    np.testing.assert_allclose(g, want, rtol=1e-14)


def test_vmap_of_grad_through_asarray_and_item_assignment():
    def f(x):
        y = np.asarray(x, dtype=float)
        y = y.copy()
        y[0] = y[0] * 3.0
        return (y ** 2).sum()
    got = vmapx.vmap(vmapx.grad(f))(XS)
    want = 2 * XS * np.array([9.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(got, want, rtol=1e-14)


def _square_sum_jnp(x):
    return (jnp.asarray(x) ** 2).sum()


def _square_sum_numpy(x):
    y = np.asarray(x, dtype=float).copy()
    y[0] = y[0] * 3.0
    return (y ** 2).sum()


def test_which_numpy_functions_a_function_uses_is_remembered_per_code_not_per_wrapper():
    # grad's wrapper has one code object for every function it wraps: the scan
    # for NumPy calls must follow each wrapper's closure, not reuse an answer
    want_jnp = 2 * XS
    want_np = 2 * XS * np.array([9.0, 1.0, 1.0, 1.0])
    for _ in range(2):
        np.testing.assert_allclose(vmapx.vmap(vmapx.grad(_square_sum_jnp))(XS), want_jnp)
        np.testing.assert_allclose(vmapx.vmap(vmapx.grad(_square_sum_numpy))(XS), want_np)
    # functions made anew from one code object (no closure) share the scan
    codes = set()
    for k in range(3):
        def f(x):
            return (np.asarray(x) * 2.0).sum()
        codes.add(f.__code__)
        np.testing.assert_allclose(vmapx.vmap(f)(XS), 2 * XS.sum(1))
    assert len(codes) == 1


def test_float_of_a_differentiated_value_is_refused_not_silently_constant():
    with pytest.raises(vmapx.ConcretizationTypeError):
        vmapx.vmap(vmapx.grad(lambda x: float(x) * x))(np.array([1.0, 2.0]))


def test_nested_vmap_splits_inner_and_outer():
    xs = RNG.standard_normal((5, 6, 3))
    got = vmapx.vmap(vmapx.vmap(nested_branch))(xs)
    want = np.stack([np.stack([nested_branch(r) for r in m]) for m in xs])
    np.testing.assert_array_equal(got, want)


def test_nested_vmap_with_a_decision_on_an_outer_value():
    def outer(x, ys):
        return vmapx.vmap(lambda y: y * 2 if x.sum() > 0 else y - 1)(ys)
    xs, yss = XS[:6], RNG.standard_normal((6, 5))
    got = vmapx.vmap(outer)(xs, yss)
    np.testing.assert_array_equal(got, loop(outer, xs, yss))


@pytest.mark.parametrize("chunk", [1, 3, 5])
def test_chunked_vmap_splits_each_chunk(chunk):
    assert_loop(nested_branch, XS, chunk_size=chunk)
    assert_loop(quat_to_matrix, XS, chunk_size=chunk, exact=False)


def test_in_axes_and_out_axes():
    def f(a, x):
        if x[0] > 0:
            return a * x, x.sum()
        return -a * x, x.max()
    xs = XS.T.copy()   # mapped along axis 1
    got1, got2 = vmapx.vmap(f, in_axes=(None, 1), out_axes=(1, 0))(2.0, xs)
    want = [f(2.0, x) for x in XS]
    np.testing.assert_array_equal(got1, np.stack([w[0] for w in want], axis=1))
    np.testing.assert_array_equal(got2, np.stack([w[1] for w in want]))


def test_pytree_outputs_and_keyword_arguments():
    def f(x, scale=1.0):
        if x[0] > 0:
            return {"y": x * scale, "n": np.int64(1)}
        return {"y": -x, "n": np.int64(2)}
    got = vmapx.vmap(f)(XS, scale=np.full(12, 3.0))
    want = [f(x, 3.0) for x in XS]
    np.testing.assert_array_equal(got["y"], np.stack([w["y"] for w in want]))
    np.testing.assert_array_equal(got["n"], [w["n"] for w in want])


def test_collective_after_a_split_is_a_clear_error():
    def f(x):
        y = x * 2 if x > 0 else x
        return lax.psum(y, "i")
    with pytest.raises(ValueError, match="collective 'psum'"):
        vmapx.vmap(f, axis_name="i")(np.array([1.0, -1.0]))


def test_collective_before_a_split_is_a_clear_error():
    def f(x):
        s = lax.psum(x, "i")
        return x * 2 if x > 0 else s
    with pytest.raises(ValueError, match="collective over the named axis"):
        vmapx.vmap(f, axis_name="i")(np.array([1.0, -1.0]))


def test_collective_with_agreeing_examples_still_works():
    def f(x):
        s = lax.psum(x, "i")
        return x / s if s > 0 else x
    np.testing.assert_allclose(vmapx.vmap(f, axis_name="i")(np.array([1.0, 3.0])),
                               [0.25, 0.75])


# ----------------------------------------------- JAX's behaviour where asked


def test_strict_vmap_and_jit_keep_jax_errors():
    for mapped in (vmapx.vmap(branch, strict=True), vmapx.jit(vmapx.vmap(branch))):
        with pytest.raises(vmapx.errors.TracerBoolConversionError):
            mapped(XS)


def test_strict_config_option_restores_jax_errors_everywhere():
    vmapx.config.update("vmapx_strict_vmap", True)
    try:
        with pytest.raises(vmapx.errors.TracerBoolConversionError):
            vmapx.vmap(branch)(XS)
        with pytest.raises(vmapx.errors.TracerArrayConversionError):
            vmapx.vmap(lambda x: np.asarray(x))(XS)
    finally:
        vmapx.config.update("vmapx_strict_vmap", False)
    assert_loop(branch, XS)


def test_ragged_output_is_a_clear_error_naming_the_shapes():
    with pytest.raises(ValueError, match=r"different shapes \(\(1,\), \(2,\)"):
        vmapx.vmap(lambda x: x[x > 0])(np.array([[1.0, -1.0], [1.0, 1.0]]))


def test_out_of_range_index_raises_as_the_loop_does():
    def f(x, i):
        x[i] = 0.0
        return x
    with pytest.raises(IndexError, match="out of bounds"):
        vmapx.vmap(f)(np.zeros((2, 3)), np.array([1, 3]))
    assert_loop(f, np.ones((2, 3)), np.array([1, -1]))


# -------------------------------------------------- masks and sizes (NumPy)


@pytest.mark.parametrize("f", [
    lambda x: x[x > 0].max(), lambda x: np.mean(x[x > 0]), lambda x: (x[x > 0] ** 2).sum(),
    lambda x: len(x[x > 0]), lambda x: x[x > 0].std(), lambda x: np.count_nonzero(x[x > 0]),
    lambda x: np.nonzero(x > 0)[0].sum(), lambda x: np.where(x > 0)[0].size,
    lambda x: np.unique(np.round(x)).size, lambda x: np.flatnonzero(x < 0).max(initial=-1),
], ids=["max", "mean", "sumsq", "len", "std", "count_nonzero", "nonzero", "where1", "unique",
        "flatnonzero"])
def test_masks_and_data_dependent_sizes(f):
    xs = XS.copy()
    xs[:, 0] = np.abs(xs[:, 0])   # every example selects something
    assert_loop(f, xs, exact=False)


def test_masked_reduction_with_different_counts_stays_batched():
    xs = RNG.standard_normal((200, 6))   # every count 0..6 occurs
    calls = []

    def f(x):
        calls.append(1)
        return x[x > 0].sum()
    got = vmapx.vmap(f)(xs)
    assert len(calls) == 1
    np.testing.assert_allclose(got, [x[x > 0].sum() for x in xs], rtol=1e-13, atol=1e-15)


def test_variance_of_a_complex_selection_is_real_and_stays_batched():
    xs = RNG.standard_normal((40, 6)) + 1j * RNG.standard_normal((40, 6))
    xs[:, :2] = np.abs(xs[:, :2].real) + 1j * xs[:, :2].imag   # each selects two or more
    calls = []

    def f(x):
        calls.append(1)
        s = x[x.real > 0]
        return s.var(), s.std(), np.var(s, ddof=1)
    got = vmapx.vmap(f)(xs)
    assert len(calls) == 1
    want = [np.stack(col) for col in zip(*[f(x) for x in xs], strict=True)]
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_max_of_an_empty_selection_raises_as_numpy_does():
    with pytest.raises(ValueError, match="zero-size array"):
        vmapx.vmap(lambda x: x[x > 0].max())(np.array([[1.0, 2.0], [-1.0, -2.0]]))


def test_mask_assignment_from_a_selection():
    def f(x):
        y = x.copy()
        y[y < 0] = y[y < 0] * 10.0
        return y
    assert_loop(f, XS)


def test_views_share_writes_as_in_numpy():
    def f(x):
        m = np.asarray(x).reshape(2, 2).copy()
        row = m[0]
        row[1] = 100.0          # through the view into m
        m[1, 0] = -100.0        # into m; the view of row 1 sees it
        r1 = m[1]
        return np.concatenate([m.ravel(), r1])
    assert_loop(f, XS)


def test_an_empty_index_list_or_tuple_selects_nothing_as_numpy():
    xs = np.arange(24.0).reshape(2, 3, 4)
    assert_loop(lambda m: m[:, ()], xs)
    assert_loop(lambda m: m[[]], xs)
    assert_loop(lambda m: m[()], xs)


# ----------------------------------------- NumPy itself stays NumPy


def test_numpy_functions_are_restored_after_a_call_returns_or_raises():
    originals = (np.asarray, np.array, np.zeros, math.sqrt)
    vmapx.vmap(quat_to_matrix)(XS)
    assert (np.asarray, np.array, np.zeros, math.sqrt) == originals
    with pytest.raises(ZeroDivisionError):
        vmapx.vmap(lambda x: 1 / 0)(XS)
    assert (np.asarray, np.array, np.zeros, math.sqrt) == originals
    assert type(np.zeros(2)) is np.ndarray


def test_other_threads_see_numpy_unchanged_during_a_vmap_call():
    errors = []
    started, release = threading.Event(), threading.Event()

    def slow(x):
        started.set()
        release.wait(5)
        return np.asarray(x) * 2

    def other():
        started.wait(5)
        try:
            for _ in range(200):
                a = np.asarray([1.5, 2.5], dtype=np.float32)
                assert type(a) is np.ndarray and a.dtype == np.float32
                z = np.zeros(3)
                assert type(z) is np.ndarray
                assert math.sqrt(4.0) == 2.0 and type(math.sqrt(4.0)) is float
        except Exception as e:   # noqa: BLE001
            errors.append(e)
        finally:
            release.set()
    t = threading.Thread(target=other)
    t.start()
    out = vmapx.vmap(slow)(XS)
    t.join()
    assert not errors
    np.testing.assert_array_equal(out, XS * 2)


def test_concurrent_vmap_calls_that_split():
    results, errors = [], []

    def work(seed):
        try:
            xs = np.random.default_rng(seed).standard_normal((50, 4))
            for _ in range(5):
                got = vmapx.vmap(nested_branch)(xs)
                np.testing.assert_array_equal(got, loop(nested_branch, xs))
                got = vmapx.vmap(quat_to_matrix)(xs)
                np.testing.assert_allclose(got, loop(quat_to_matrix, xs), rtol=1e-13)
            results.append(seed)
        except Exception as e:   # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(results) == [0, 1, 2, 3]
    assert np.asarray.__module__ == "numpy"


_OPS = {"double": lambda x: np.asarray(x, dtype=float) * 2.0}   # reached through a dict


def test_a_conversion_the_code_scan_misses_still_stays_batched():
    # numpy_hooks.needs cannot see into _OPS: the first conversion retries the call
    # with every wrapper installed, and later calls install them from the start.
    calls = []

    def f(x):
        calls.append(1)
        return _OPS["double"](x).sum()
    g = vmapx.vmap(f)
    with warnings.catch_warnings():
        warnings.simplefilter("error", VmapLoopWarning)
        np.testing.assert_array_equal(g(XS), XS.sum(1) * 2)
        assert len(calls) == 2          # one abandoned run, then one batched run
        g(XS)
    assert len(calls) == 3


def test_scipy_stats_imported_inside_the_function_on_first_use():
    # scipy.stats loaded by the call itself: the retry installs its wrappers too, and
    # never asks for a second retry.
    def price(p):
        from scipy.stats import norm
        S, K = p
        return S * norm.cdf(float(S) / K)
    xs = np.array([[100.0, 90.0], [90.0, 100.0], [80.0, 70.0]])
    np.testing.assert_allclose(vmapx.vmap(price)(xs), [price(x) for x in xs], rtol=1e-13)


@pytest.mark.parametrize("name", ["expit", "erfcx", "jv", "sici"])
def test_scipy_special_ufuncs_run_batched_as_one_callback(name):
    import scipy.special as sp
    f = {"expit": lambda x: sp.expit(x), "erfcx": lambda x: sp.erfcx(x) * 2.0,
         "jv": lambda x: sp.jv(1, x), "sici": lambda x: sp.sici(x)[0]}[name]
    calls = []

    def g(x):
        calls.append(1)
        return f(x)
    got = vmapx.vmap(g)(XS)
    want = np.stack([f(x) for x in XS])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["savgol_filter", "gaussian_filter1d", "simpson",
                                  "find_peaks", "CubicSpline", "median_filter"])
def test_library_code_gets_concrete_values_and_stays_correct(name):
    # SciPy's own np.asarray calls get NumPy's function (its C parts need real arrays):
    # the value converts concretely, the batch splits or loops, results equal the loop.
    import scipy.integrate as integ
    import scipy.interpolate as interp
    import scipy.ndimage as ndi
    import scipy.signal as sig
    f = {"savgol_filter": lambda x: sig.savgol_filter(x, 5, 2),
         "gaussian_filter1d": lambda x: ndi.gaussian_filter1d(x, 1.5),
         "simpson": lambda x: integ.simpson(x),
         "find_peaks": lambda x: len(sig.find_peaks(x)[0]),
         "CubicSpline": lambda x: interp.CubicSpline(np.arange(16.0), x)(3.5),
         "median_filter": lambda x: ndi.median_filter(x, 3)}[name]
    xs = np.random.default_rng(1).standard_normal((6, 16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VmapLoopWarning)
        got = vmapx.vmap(f)(xs)
    want = np.stack([np.asarray(f(x)) for x in xs])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("maker", ["empty_like", "zeros_like", "ones_like"])
def test_buffers_shaped_like_a_traced_value_are_filled_per_example(maker):
    # np.empty_like(x) of a traced x reaches vmapx.numpy through NumPy's dispatch;
    # the result must still be a buffer that takes traced values, element by element
    def f(x):
        out = getattr(np, maker)(x)
        for i in range(len(x)):
            out[i] = x[i] * 2 if x[i] > 0 else 0.0
        return out

    xs = np.random.default_rng(7).normal(size=(6, 5))
    assert_loop(f, xs)


def test_in_place_operators_on_an_untraced_buffer_keep_it_an_array():
    # ufuncs with out= on a buffer return the buffer, not a 1-tuple (that made
    # ``acc + x`` gain an axis)
    def f(x):
        acc = np.zeros(3)
        acc += 1
        np.multiply(acc, 2, out=acc)
        return acc + x
    assert_loop(f, XS[:, :3])


def test_accumulating_into_rows_of_a_buffer_equals_the_loop():
    def f(pos):
        pos = pos.reshape(2, 2)
        acc = np.zeros((2, 2))
        for i in range(2):
            acc[i] += pos[i] * 2          # a view of the buffer, written in place
            acc[i, 0] -= pos[1 - i, 1]
        return acc

    def g(x):
        acc = np.zeros(4)
        row = acc[1:3]
        row += x[:2]                      # through a view held in a variable
        return acc

    assert_loop(f, XS, exact=False)
    assert_loop(g, XS)


def test_tracked_views_of_a_buffer_see_every_write_and_stay_batched():
    def base_write_seen_by_view(x):
        acc = np.zeros((2, 3))
        row = acc[0]
        acc[0, 1] = x[0]
        return row * 1.0

    def view_write_seen_by_base(x):
        acc = np.zeros((2, 3))
        row = acc[1]
        row[2] = x[1]
        return acc

    def two_views(x):
        acc = np.ones((2, 2))
        a, b = acc[0], acc[1]
        a += x[:2]
        b *= x[2:]
        return np.concatenate([acc.ravel(), a, b])

    def plain_then_traced(x):
        acc = np.zeros((2, 2))
        row = acc[0]
        row[0] = 5.0                  # a plain write, into the buffer's memory
        acc[1] = x[:2]                # then a traced one: the view keeps its 5.0
        return np.concatenate([row, acc.ravel()])

    def view_of_a_view(x):
        acc = np.zeros((2, 4))
        sub = acc[0][1:]              # not tracked: the write is made concrete
        sub += x[:3]
        return acc

    for f in (base_write_seen_by_view, view_write_seen_by_base, two_views, plain_then_traced,
              view_of_a_view):
        assert_loop(f, XS)


def test_accumulation_into_buffer_rows_runs_as_one_batched_call():
    from test_numpy_corpus import nbody_accel
    xs = np.random.default_rng(3).normal(size=(64, 12))
    with warnings.catch_warnings():
        warnings.simplefilter("error", VmapLoopWarning)
        got = vmapx.vmap(nbody_accel)(xs)
    np.testing.assert_allclose(got, np.stack([nbody_accel(x) for x in xs]), rtol=1e-12)


def test_reading_buffer_rows_in_a_loop_keeps_no_dead_view_links():
    seen = []

    def f(x):
        acc = np.zeros((4, 3))
        total = 0.0
        for k in range(5000):             # each acc[k % 4] is a tracked view that dies
            total = total + acc[k % 4][0]
        seen.append(len(getattr(acc, "__dict__", {}).get("_views", ())))   # (a buffer in vmap)
        acc[1] += x                       # a traced write still reaches the live views
        return acc + total

    assert_loop(f, XS[:, :3])
    assert 0 < max(seen) <= 64


# ------------------------------------------- NumPy's functions that write in place

PTS = RNG.standard_normal((5, 4, 2))


def _nearest_other(p):
    d = np.sqrt(((p[:, None] - p[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)        # into a traced array: the distance matrix
    return d.min(1)


def _put_cycled(p):
    y = p.ravel().copy()
    np.put(y, [0, 2, -1], [9.0, 8.0])  # values repeat, a negative index counts back
    return y


def _put_traced_values(p):
    y = np.zeros(8)
    np.put(y, [1, 3], p[0])            # into a buffer
    return y


def _copyto_where(p):
    y = np.zeros_like(p)
    np.copyto(y, p, where=p > 0)
    return y


def _putmask_cycled(p):
    y = p.copy()
    np.putmask(y, y < 0, [7.0, 8.0, 9.0])   # values by flat position
    return y


def _place_in_order(p):
    y = p.copy()
    np.place(y, y > 0, [1.0, 2.0])     # the k-th selected element takes vals[k % 2]
    return y


def _fill_diagonal_wrapped(p):
    d = np.outer(p.ravel(), p.ravel())[:, :3].copy()
    np.fill_diagonal(d, [5.0, 6.0], wrap=True)
    return d


@pytest.mark.parametrize("f", [_nearest_other, _put_cycled, _put_traced_values, _copyto_where,
                               _putmask_cycled, _place_in_order, _fill_diagonal_wrapped],
                         ids=lambda f: f.__name__)
def test_numpy_functions_that_write_in_place_equal_the_loop(f):
    assert_loop(f, PTS)


def test_in_place_numpy_functions_under_jit_keep_jaxs_immutability_error():
    with pytest.raises(TypeError, match="modifies its argument in place"):
        vmapx.jit(lambda p: (np.fill_diagonal(p, 0.0), p)[1])(np.ones((3, 3)))
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        vmapx.vmap(lambda p: (np.put(p.ravel().copy(), [9], 1.0), p)[1])(PTS)


def _clip_out(p):
    y = p.copy()
    np.clip(y, -0.5, 0.5, out=y)       # a NumPy function writing into its out=
    return y


def _ufunc_outs(p):
    y = p.copy()
    np.exp(y, out=y)
    np.add(y, 1.0, out=y)
    q, r = np.zeros_like(p), np.zeros_like(p)
    np.divmod(p, 0.7, out=(q, r))      # two outputs
    return y + q + 10 * r


def _add_at_counts(p):
    counts = np.zeros(3)
    np.add.at(counts, (np.abs(p.ravel()) * 2).astype(int) % 3, 1)   # traced indices
    return counts


def _ufunc_at_mixed(p):
    y = p.ravel().copy()
    np.maximum.at(y, [0, 0, 2], [5.0, 7.0, -9.0])   # repeated indices all apply
    np.subtract.at(y, [1], p[0, 0])
    np.multiply.at(y, [3, 3], 2.0)
    return y


@pytest.mark.parametrize("f", [_clip_out, _ufunc_outs, _add_at_counts, _ufunc_at_mixed],
                         ids=lambda f: f.__name__)
def test_out_arguments_and_ufunc_at_write_per_example_as_numpy(f):
    assert_loop(f, PTS, exact=False)


def test_out_into_a_traced_array_under_jit_is_still_refused():
    with pytest.raises(TypeError, match="cannot write into a traced array"):
        vmapx.jit(lambda p: np.exp(p, out=p))(np.ones(3))
    with pytest.raises(TypeError, match="modifies its first argument in place"):
        vmapx.jit(lambda p: np.add.at(p, [0], 1.0))(np.ones(3))


# ------------------------------------------- NumPy's global random state


def _noisy(p):
    return p + np.random.normal(size=p.shape)


def _two_draws(p):
    a = np.random.rand()
    return p * a + np.random.randint(0, 10)


def test_draws_from_numpys_global_random_state_are_the_loops():
    # each example draws from the advancing state, as the loop does (the call runs as
    # the loop, with a warning naming the line); one batched draw would repeat it
    for f in (_noisy, _two_draws):
        np.random.seed(0)
        want = loop(f, PTS)
        np.random.seed(0)
        with pytest.warns(VmapLoopWarning, match="draws from NumPy's global random state"):
            got = vmapx.vmap(f)(PTS)
        np.testing.assert_array_equal(got, want)
    np.random.seed(1)
    want = np.stack([vmapx.grad(lambda v: (v * np.random.rand()).sum())(p) for p in PTS])
    np.random.seed(1)
    with pytest.warns(VmapLoopWarning):
        got = vmapx.vmap(vmapx.grad(lambda v: (v * np.random.rand()).sum()))(PTS)
    np.testing.assert_allclose(got, want)


def test_under_jit_or_strict_a_global_draw_is_made_once_as_in_jax():
    for g in (vmapx.jit(vmapx.vmap(_noisy)), vmapx.vmap(vmapx.jit(_noisy)),
              vmapx.vmap(_noisy, strict=True)):
        np.random.seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", VmapLoopWarning)
            out = g(PTS)
        np.testing.assert_allclose(out[0] - PTS[0], out[1] - PTS[1])


@pytest.mark.parametrize("kw", [dict(window_shape=3), dict(window_shape=(2, 2), axis=(1, 0)),
                                dict(window_shape=(2, 2), axis=(1, 1))], ids=str)
def test_sliding_window_view_of_a_traced_array_equals_the_loop(kw):
    from numpy.lib.stride_tricks import sliding_window_view
    xs = RNG.standard_normal((3, 5, 6))
    kw = dict(kw, axis=kw.get("axis", -1))
    assert_loop(lambda x: sliding_window_view(x, **kw), xs)
    assert_loop(lambda x: sliding_window_view(x[0], 4).mean(-1), xs, exact=False)


def _frompyfunc_double(p):
    return np.frompyfunc(lambda v: v * 2 if v > 0 else -v, 1, 1)(p).astype(float)


def _structured_record(p):
    r = np.zeros(3, dtype=[("a", float), ("b", float)])
    r["a"] = p[0, :3] if p.ndim == 2 else p[:3]
    r["b"] = 1.0
    return r["a"] + r["b"]


@pytest.mark.parametrize("f", [_frompyfunc_double, _structured_record], ids=lambda f: f.__name__)
def test_what_only_the_loop_defines_runs_as_the_loop(f):
    # a Python function per element, a structured array: no batched counterpart
    with pytest.warns(VmapLoopWarning, match="once per example"):
        assert_loop(f, XS)


# ------------------------------------------- what per-example code asks of its arrays


def test_isinstance_checks_see_what_the_loop_sees():
    from array_checks import loop_equals_vmap

    def f(x):
        y = x * 2 if isinstance(x, np.ndarray) and x.ndim == 1 else x
        s = x[0]
        kinds = [isinstance(s, float), isinstance(s, np.floating), isinstance(s, np.ndarray),
                 isinstance(x.sum(), np.ndarray)]
        return y, np.array(kinds)
    loop_equals_vmap(f, XS)
    # vmapx's own rule elsewhere: under jit or strict vmap a tracer is no ndarray (JAX's)
    seen = []

    def g(x):
        seen.append(isinstance(x, np.ndarray))
        return x
    vmapx.jit(vmapx.vmap(g))(XS)
    vmapx.vmap(g, strict=True)(XS)
    assert seen == [False, False]


def test_flags_strides_and_fromiter():
    from array_checks import loop_equals_vmap

    def f(x):
        y = np.ascontiguousarray(x)
        c = y.flags["C_CONTIGUOUS"] and y.flags.c_contiguous and y.flags.writeable
        pairs = (a * b for a, b in zip(x[:-1], x[1:]))
        return (y.sum() if c else -1.0), np.array(y.strides), np.fromiter(pairs, float, 3)
    loop_equals_vmap(f, XS)
    with pytest.raises(ValueError, match="iterator too short"):
        vmapx.vmap(lambda x: np.fromiter(iter(x), float, 10))(XS)
    # plain iterables still go to NumPy's fromiter
    assert vmapx.vmap(lambda x: x + np.fromiter(range(4), float))(XS).shape == XS.shape


def test_put_along_axis_writes_into_a_traced_array():
    from array_checks import loop_equals_vmap

    def f(m):
        m = m.copy()
        np.put_along_axis(m, np.argmax(m, axis=1, keepdims=True), 0.0, axis=1)
        return m
    loop_equals_vmap(f, RNG.standard_normal((6, 3, 3)))


def test_names_imported_by_name_stay_batched_and_are_restored():
    # ``from math import sqrt`` / ``from numpy import asarray, zeros`` bind the
    # functions in the user's module: the wrappers are put there for the call
    import math

    import per_example_imports as m
    from array_checks import loop_equals_vmap
    ps = RNG.standard_normal((20, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", VmapLoopWarning)
        for f in (m.radius, m.fill, m.calls_a_helper):
            loop_equals_vmap(f, ps, rtol=1e-12, atol=1e-12)
    assert m.sqrt is math.sqrt and m.asarray is np.asarray and m.zeros is np.zeros


def test_names_imported_by_name_in_a_process_without_scipy():
    # SciPy's tables are missing there, so the table of wrapped functions is
    # completed under the hooks' lock on every scan: a scan taking that lock
    # again deadlocked (a fresh process, the first call)
    import os
    import subprocess
    import sys
    code = ("import sys, numpy as np, vmapx, per_example_imports as m\n"
            "out = vmapx.vmap(m.radius)(np.ones((3, 3)))\n"
            "assert 'scipy' not in sys.modules, 'scipy was loaded'\n"
            "print(np.allclose(out, [m.radius(p) for p in np.ones((3, 3))]))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(__file__)] + sys.path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_installed_libraries_get_concrete_values(tmp_path, monkeypatch):
    # Code of an installed package (here a module under a site-packages folder)
    # is not the user's: np.asarray there gives NumPy's array (the value converts
    # concretely: split or loop), as for SciPy's code, never a tracer its C parts
    # could not take.
    lib = tmp_path / "site-packages"
    lib.mkdir()
    (lib / "vmapx_fake_lib.py").write_text(
        "import numpy as np\n"
        "def twice(x):\n"
        "    a = np.asarray(x)\n"
        "    if type(a) is not np.ndarray:\n"
        "        raise TypeError('needs a real array')\n"
        "    return a * 2\n")
    monkeypatch.syspath_prepend(str(lib))
    import vmapx_fake_lib
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VmapLoopWarning)
        got = vmapx.vmap(lambda x: vmapx_fake_lib.twice(x) + 1)(XS)
    np.testing.assert_array_equal(got, XS * 2 + 1)


_OUTSIDE_RNG = np.random.default_rng(5)


def _noisy_from_outside(x):
    return x + _OUTSIDE_RNG.normal(size=x.shape)


def test_a_generator_made_outside_the_function_draws_per_example_as_the_loop():
    global _OUTSIDE_RNG
    xs = np.zeros((6, 2))
    _OUTSIDE_RNG = np.random.default_rng(5)
    with pytest.warns(VmapLoopWarning, match="Generator made outside"):
        got = vmapx.vmap(_noisy_from_outside)(xs)
    _OUTSIDE_RNG = np.random.default_rng(5)
    want = np.stack([_noisy_from_outside(x) for x in xs])
    np.testing.assert_array_equal(got, want)
    assert len({tuple(r) for r in got}) == 6     # a draw per example, not one for all

    def closure_over(state):
        return lambda x: x * state.rand()
    with pytest.warns(VmapLoopWarning, match="Generator made outside"):
        got = vmapx.vmap(closure_over(np.random.RandomState(1)))(np.ones(4))
    f = closure_over(np.random.RandomState(1))
    np.testing.assert_array_equal(got, [f(1.0) for _ in range(4)])
    # under jit or strict, drawn once at trace time, as JAX
    for g in (vmapx.jit(vmapx.vmap(_noisy_from_outside)),
              vmapx.vmap(vmapx.jit(_noisy_from_outside)),
              vmapx.vmap(_noisy_from_outside, strict=True)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", VmapLoopWarning)
            out = g(xs)
        np.testing.assert_array_equal(out[0], out[1])
    # a generator made inside the function: batched, as the loop's own per example
    with warnings.catch_warnings():
        warnings.simplefilter("error", VmapLoopWarning)
        got = vmapx.vmap(lambda x: x + np.random.default_rng(3).normal())(xs)
    np.testing.assert_array_equal(got, xs + np.random.default_rng(3).normal())


# ------------------------------------- in-place methods, nested selections, foreign calls


def test_in_place_ndarray_methods_write_into_the_example():
    xs = RNG.standard_normal((6, 8))

    def sort_copy(x):
        y = x.copy()
        y.sort()
        return y

    def sort_row_view(x):
        y = x.reshape(2, 4).copy()
        y[1].sort()          # through a view into its base
        return y

    def fill_put(x):
        y = x.copy()
        y.fill(x.max())
        y.put([0, 3], [x[1], 5.0])
        return y

    def partition_kth(x):
        y = x.copy()
        y.partition(3)
        return y[3]

    for f in (sort_copy, sort_row_view, fill_put, partition_kth):
        assert_loop(f, xs)
    with pytest.raises(TypeError, match="sorts in place"):
        vmapx.jit(lambda x: x.sort())(np.ones(3))


def test_selections_inside_lists_materialize_for_numpy_functions():
    xs = RNG.standard_normal((6, 8))
    assert_loop(lambda x: np.concatenate([x[x > 0], x[x <= 0]]), xs)
    assert_loop(lambda x: np.hstack((x[x > 0], [0.0])).sum(), xs)


def test_numpy_functions_without_a_batched_form_run_as_the_loop():
    import io

    def through_text(x):
        s = io.StringIO()
        np.savetxt(s, x[:3])
        return np.loadtxt(io.StringIO(s.getvalue())).sum()

    with pytest.warns(VmapLoopWarning, match="numpy.savetxt"):
        assert_loop(through_text, RNG.standard_normal((4, 5)), exact=False)
    with pytest.raises(TypeError, match="numpy.savetxt is not supported on traced arrays"):
        vmapx.jit(lambda x: np.savetxt(io.StringIO(), x))(np.ones(3))


def test_str_and_repr_in_user_code_show_the_examples_value(capsys):
    xs = np.array([[0.25, 1.0], [3.5, -2.0], [0.25, 7.0]])
    assert_loop(lambda x: float(len(str(np.round(x[0], 1)))), xs)
    assert_loop(lambda x: float(len(f"{x[0]}") + len(repr(x[1]))), xs)
    assert_loop(lambda x: float(len(str(x))), xs)
    vmapx.vmap(lambda x: print(x[0]) or x)(xs)
    assert sorted(capsys.readouterr().out.split()) == ["0.25", "3.5"]   # once per value group
    # JAX's tracer form under jit / strict, and in vmapx's own messages
    vmapx.vmap(lambda x: print(x[0]) or x, strict=True)(xs)
    vmapx.jit(vmapx.vmap(lambda x: print(x[0]) or x))(xs)
    assert capsys.readouterr().out.split("\n")[:2] == [
        "VmapTracer(aval=float64[], batched=float64[3])", "VmapTracer(aval=float64[], "
        "batched=float64[3])"]


def test_transposed_and_reshaped_views_write_through_as_numpys():
    a3 = RNG.standard_normal((5, 4, 3))

    def via_T(a):
        b = a.copy()
        b.T[0] = 1.0
        return b

    def via_ravel(a):
        b = a.copy()
        f = b.ravel()
        f[::2] += 1.0
        return b

    def base_refreshes_view(a):
        b = a.copy()
        t = b.T
        b[0, 0] = 7.0
        return t

    def swapaxes_then_index(a):
        b = a.copy()
        b.swapaxes(0, 1)[2][1] = 3.0
        return b

    def reshape_of_a_transpose_copies(a):   # NumPy copies: b is unchanged
        b = a.copy()
        c = b.T.reshape(-1)
        c[0] = 100.0
        return b + c.sum()

    def flatten_copies(a):
        b = a.copy()
        b.flatten()[0] = 5.0
        return b

    for f in (via_T, via_ravel, base_refreshes_view, swapaxes_then_index,
              reshape_of_a_transpose_copies, flatten_copies):
        assert_loop(f, a3)


def test_ufunc_where_into_out_and_traced_slice_bounds():
    xs = RNG.standard_normal((6, 10))
    idx = np.array([0, 3, 7, 2, 2, 5])

    def safe_reciprocal(x):
        y = np.ones_like(x)
        np.divide(1.0, x, out=y, where=np.abs(x) > 0.5)   # elsewhere y keeps its ones
        return y

    assert_loop(safe_reciprocal, xs)
    assert_loop(lambda x, i: x[i:i + 3].sum(), xs, idx, exact=False)
    assert_loop(lambda x, i: x[:i].sum(), xs, idx, exact=False)   # a size per example
    with pytest.raises(IndexError, match="Array slice indices must have static"):
        vmapx.jit(lambda x, i: x[i:i + 2])(np.ones(5), 1)


def test_astype_to_a_non_numeric_dtype_runs_as_the_loop():
    ints = np.arange(12).reshape(4, 3) * 7
    with pytest.warns(VmapLoopWarning, match="converts a value to dtype"):
        assert_loop(lambda i: float(sum(len(s) for s in i.astype(str))), ints)
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        vmapx.jit(lambda x: x.astype(str))(np.ones(2))


def test_hash_and_pickle_of_an_example_are_the_loops():
    import collections
    import pickle
    ints = np.array([[0, 1, 1, 2], [3, 3, 3, 0], [1, 2, 1, 2]])
    xs = RNG.standard_normal((3, 4))

    def group_means(i, x):   # traced integers as dict keys
        d = collections.defaultdict(list)
        for k, v in zip(i, x):
            d[k].append(v)
        return float(sum(np.mean(v) for v in d.values()))

    assert_loop(group_means, ints, xs, exact=False)
    assert_loop(lambda x: pickle.loads(pickle.dumps(x))[:2].sum(), xs)
    with pytest.raises(TypeError, match="unhashable type"):
        vmapx.jit(lambda x: hash(x))(1.0)
    with pytest.raises(TypeError, match="cannot pickle a traced value"):
        vmapx.jit(lambda x: pickle.dumps(x))(1.0)
