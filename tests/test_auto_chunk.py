"""``vmap(chunk_size='auto')``: chunks chosen from ``vmapx_memory_budget`` keep the
measured peak under the budget and give the unchunked results; no chunking when
the budget does not bind; only the outermost vmap is chunked; collectives over a
chunked axis combine across chunks."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

RNG = np.random.default_rng(0)
SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


@pytest.fixture
def budget():
    """Set the budget for one test, restoring the default afterwards."""
    def set_budget(value):
        vmapx.config.update("vmapx_memory_budget", value)
    yield set_budget
    vmapx.config.update("vmapx_memory_budget", None)
    vmapx.config.update("vmapx_auto_chunk", False)


def same(got, want):
    got_l, want_l = vmapx.tree_util.tree_leaves(got), vmapx.tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l)
    for g, w in zip(got_l, want_l, strict=True):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def sqdist(a, b):
    return jnp.sum((a - b) ** 2)


def counting(fn):
    """``fn`` that counts its calls (one per chunk, one for the abstract staging)."""
    def wrapped(*args):
        wrapped.calls += 1
        return fn(*args)
    wrapped.calls = 0
    return wrapped


_PEAK_SCRIPT = """
import json, sys, tracemalloc
import numpy as np, vmapx, vmapx.numpy as jnp
n, dim, budget = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
x = np.random.default_rng(0).normal(size=(n, dim))
sq = lambda a, b: jnp.sum((a - b) ** 2)
mode = sys.argv[4]
f = vmapx.vmap(vmapx.vmap(sq, (None, 0)), (0, None),
               chunk_size="auto" if mode == "auto" else None)
vmapx.config.update("vmapx_memory_budget", budget)
tracemalloc.start()
tracemalloc.reset_peak()
out = f(x, x)
peak = tracemalloc.get_traced_memory()[1]
rows = [0, n // 2, n - 1]
loop = np.stack([[float(np.sum((x[i] - x[j]) ** 2)) for j in range(n)] for i in rows])
print(json.dumps({"peak": peak, "shape": list(out.shape), "dtype": str(out.dtype),
                  "err": float(np.abs(out[rows] - loop).max())}))
"""


def _measure(n, dim, budget, mode):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    env.pop("VMAPX_MEMORY_BUDGET", None)
    res = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, str(n), str(dim), budget, mode],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_auto_chunks_keep_the_measured_peak_under_the_budget():
    """Nested-vmap squared distances: unchunked the (n, n, dim) difference
    dominates; with 'auto' the peak above the inputs (tracemalloc, fresh
    process) stays under the budget, and the values equal the loop's."""
    n, dim = 700, 32
    full = _measure(n, dim, "16MB", "none")
    auto = _measure(n, dim, "16MB", "auto")
    assert auto["shape"] == full["shape"] == [n, n] and auto["dtype"] == "float64"
    assert full["peak"] > 2 * n * n * dim * 8 * 0.9   # the unchunked intermediates
    assert auto["peak"] <= 16_000_000
    assert auto["err"] < 1e-9 and full["err"] < 1e-9


@pytest.mark.parametrize("in_axes,out_axes", [((0, None), 0), ((1, None), -1),
                                              ((-1, 0), {"y": 1, "s": 0})])
def test_auto_chunks_give_the_unchunked_results(budget, in_axes, out_axes):
    def f(x, w):
        return {"y": jnp.tanh(x * w.sum()) * 2.0, "s": (x ** 2).sum()}
    B = 37
    x = RNG.normal(size=(B, 40, 30))
    w = RNG.normal(size=(3, 2))
    if in_axes[0] != 0:
        x = np.moveaxis(x, 0, in_axes[0])
    if in_axes[1] == 0:
        w = np.stack([w] * B)
    want = vmapx.vmap(f, in_axes=in_axes, out_axes=out_axes)(x, w)
    budget(200_000)  # a few examples of (40, 30) float64 per chunk
    counted = counting(f)
    got = vmapx.vmap(counted, in_axes=in_axes, out_axes=out_axes, chunk_size="auto")(x, w)
    same(got, want)
    assert counted.calls > 3  # staged once, then several chunks


def test_auto_does_not_chunk_when_the_budget_does_not_bind(budget):
    budget("1GB")
    f = counting(lambda v: jnp.sin(v).sum())
    g = vmapx.vmap(f, chunk_size="auto")
    x = RNG.normal(size=(50, 8))
    same(g(x), np.sin(x).sum(1))
    assert f.calls == 2  # the abstract staging, then the whole batch at once
    g(RNG.normal(size=(80, 8)))  # same signature, another batch size: no staging
    assert f.calls == 3


def test_auto_chunk_sizes_follow_the_budget(budget):
    x = RNG.normal(size=(64, 100))
    per_example = 100 * 8
    for mb, most_chunks in ((0.02, 64), (1.0, 1)):
        budget(int(mb * 1e6))
        f = counting(lambda v: jnp.exp(v) * 2.0)
        same(vmapx.vmap(f, chunk_size="auto")(x), np.exp(x) * 2.0)
        chunks = f.calls - 1
        assert 1 <= chunks <= most_chunks
    assert per_example * 64 * 3 < 1e6  # the large budget holds the whole batch


def test_only_the_outermost_vmap_is_chunked(budget):
    budget(100_000)
    inner = counting(sqdist)
    x = RNG.normal(size=(60, 16))
    got = vmapx.vmap(vmapx.vmap(inner, (None, 0), chunk_size="auto"), (0, None),
                     chunk_size="auto")(x, x)
    want = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    assert got.shape == (60, 60)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    outer_chunks = inner.calls - 1   # one inner call per outer chunk, plus the staging
    assert outer_chunks > 1


def test_auto_chunk_config_chunks_plain_vmaps_and_jacobians(budget):
    x = RNG.normal(size=300)
    fn = lambda v: jnp.tanh(v) * v.sum()  # noqa: E731
    want_fwd, want_rev = vmapx.jacfwd(fn)(x), vmapx.jacrev(fn)(x)
    budget(300_000)  # far less than the (300, 300) basis and tangents at once
    vmapx.config.update("vmapx_auto_chunk", True)
    counted = counting(fn)
    np.testing.assert_allclose(vmapx.jacfwd(counted)(x), want_fwd, rtol=1e-13)
    assert counted.calls > 2
    np.testing.assert_allclose(vmapx.jacrev(fn)(x), want_rev, rtol=1e-13)
    plain = counting(lambda v: jnp.exp(v) * 2.0)
    big = RNG.normal(size=(200, 300))
    same(vmapx.vmap(plain)(big), np.exp(big) * 2.0)
    assert plain.calls > 2


def test_memory_budget_option_reads_units_and_rejects_nonsense(budget):
    for value, nbytes in (("64MB", 64_000_000), ("2GiB", 2 * 2**30), ("1.5kb", 1500),
                          (4096, 4096)):
        budget(value)
        assert vmapx.config.vmapx_memory_budget == nbytes
    with pytest.raises(ValueError, match="cannot read"):
        budget("lots")
    with pytest.raises(ValueError, match="positive"):
        budget(0)
    with pytest.raises(TypeError):
        budget(1.5)
    with pytest.raises(ValueError, match="positive int or 'auto'"):
        vmapx.vmap(jnp.sin, chunk_size="big")


def test_memory_budget_environment_variable_sets_the_default():
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC), VMAPX_MEMORY_BUDGET="3GB")
    res = subprocess.run([sys.executable, "-c", "import vmapx; "
                          "print(vmapx.config.vmapx_memory_budget)"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.stdout.strip() == "3000000000", res.stderr


def test_default_budget_is_a_share_of_available_memory():
    from vmapx._src import memory
    assert 0 < memory.memory_budget() <= memory.available_memory()


# ------------------------------------------------- collectives over chunks


def _collectives(v):
    return {"centred": v - lax.pmean(v, "i"),
            "index": v * lax.axis_index("i"),
            "range": lax.pmax(v, "i") - lax.pmin(v, "i"),
            "gathered": lax.all_gather(v, "i", axis=1).sum(0),
            "tiled": lax.all_gather(v, "i", tiled=True)[:5],
            "total": lax.psum(jnp.ones(()), "i"),
            "ints": lax.psum(v.astype(np.int64), "i")}


@pytest.mark.parametrize("chunk", [1, 3, 4, 9])
def test_collectives_over_a_chunked_axis_equal_the_unchunked(chunk):
    x = RNG.normal(size=(9, 2)) * 10
    want = vmapx.vmap(_collectives, axis_name="i")(x)
    got = vmapx.vmap(_collectives, axis_name="i", chunk_size=chunk)(x)
    for k in want:
        assert got[k].shape == want[k].shape and got[k].dtype == want[k].dtype
        np.testing.assert_allclose(got[k], want[k], rtol=1e-13, atol=1e-12)


def test_grad_through_collectives_over_a_chunked_axis():
    x = RNG.normal(size=(10, 3))
    g = vmapx.grad(lambda v: jnp.sum(jnp.sin(v) * lax.psum(v, "i"))
                   + lax.pmean(v ** 2, "i").sum())
    np.testing.assert_allclose(vmapx.vmap(g, axis_name="i", chunk_size=4)(x),
                               vmapx.vmap(g, axis_name="i")(x), rtol=1e-13)


def test_collectives_that_move_data_between_chunks_raise():
    x = np.arange(6.0)
    with pytest.raises(NotImplementedError, match="ppermute over the axis 'i'"):
        vmapx.vmap(lambda v: lax.ppermute(v, "i", [(0, 1)]), axis_name="i",
                   chunk_size=2)(x)
    with pytest.raises(NotImplementedError, match="inside jit"):
        vmapx.vmap(vmapx.jit(lambda v: lax.psum(v, "i")), axis_name="i", chunk_size=2)(x)


def test_auto_chunks_with_collectives_combine_across_chunks(budget):
    x = RNG.normal(size=(40, 50))
    want = vmapx.vmap(_collectives, axis_name="i")(x)
    budget(60_000)
    f = counting(_collectives)
    got = vmapx.vmap(f, axis_name="i", chunk_size="auto")(x)
    assert f.calls > 2
    for k in want:
        assert got[k].shape == want[k].shape and got[k].dtype == want[k].dtype
        np.testing.assert_allclose(got[k], want[k], rtol=1e-13, atol=1e-12)


def test_estimates_are_bounded_and_safe_under_concurrent_calls(budget, monkeypatch):
    import threading
    from vmapx._src import memory
    monkeypatch.setattr(memory.Estimates, "MAX", 8)
    budget(20_000)
    f = vmapx.vmap(lambda v: jnp.exp(v) * 2.0, chunk_size="auto")
    errors = []

    def work(k):
        try:
            for width in range(1, 12):
                x = np.full((30, width + k), float(k))
                np.testing.assert_array_equal(f(x), np.exp(x) * 2.0)
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(e)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(memory.ESTIMATES._models) <= 8
