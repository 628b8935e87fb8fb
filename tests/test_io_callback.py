"""``vmapx.experimental.io_callback``: host calls with effects and results."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.experimental import io_callback

F64 = vmapx.ShapeDtypeStruct((), np.float64)


def counter():
    calls = []

    def record(x):
        calls.append(np.asarray(x).copy())
        return np.float64(len(calls))
    return calls, record


def test_runs_at_every_jit_execution_in_order():
    calls, record = counter()
    f = vmapx.jit(lambda x: io_callback(record, F64, x) * 10.0)
    assert float(f(1.0)) == 10.0 and float(f(2.0)) == 20.0
    assert [float(c) for c in calls] == [1.0, 2.0]


def test_kept_when_its_result_is_unused():
    calls, record = counter()

    @vmapx.jit
    def f(x):
        io_callback(record, F64, x)
        return x + 1.0
    f(1.0)
    f(1.0)
    assert len(calls) == 2
    printed = []

    @vmapx.jit
    def g(x):
        io_callback(lambda: printed.append("hello"), None)   # no operands, no results
        return x
    g(1.0)
    g(2.0)
    assert printed == ["hello", "hello"]


def test_vmap_calls_once_per_example_and_equals_the_loop():
    calls, record = counter()
    xs = np.arange(6.0).reshape(3, 2)
    out = vmapx.vmap(lambda x: io_callback(lambda v: np.sin(v), x, x) + x)(xs)
    np.testing.assert_allclose(out, np.stack([np.sin(x) + x for x in xs]))
    vmapx.vmap(lambda x: io_callback(record, F64, x))(xs)
    assert [c.tolist() for c in calls] == xs.tolist()


def test_inside_scan_runs_per_iteration():
    calls, record = counter()

    def body(carry, x):
        return carry + io_callback(record, F64, x, ordered=True), None
    total, _ = vmapx.lax.scan(body, 0.0, jnp.arange(4.0))
    assert float(total) == 1 + 2 + 3 + 4 and len(calls) == 4


def test_ordered_callbacks_cannot_be_vmapped_and_none_are_differentiable():
    with pytest.raises(ValueError, match="Cannot `vmap` ordered IO callback"):
        vmapx.vmap(lambda x: io_callback(np.sin, x, x, ordered=True))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="IO callbacks do not support JVP"):
        vmapx.grad(lambda x: io_callback(np.sin, x, x).sum())(np.ones(3))


def test_wrong_result_shapes_are_reported():
    with pytest.raises(RuntimeError, match="Incorrect output shape"):
        io_callback(lambda x: np.ones(4), vmapx.ShapeDtypeStruct((3,), np.float64), np.ones(3))
    with pytest.raises(TypeError, match="expected a callable"):
        io_callback(3, F64)


def test_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.experimental import io_callback as jax_io_callback
    xs = np.linspace(0, 1, 6).reshape(3, 2)
    for mod, cb in ((jax, jax_io_callback), (vmapx, io_callback)):
        f = mod.jit(mod.vmap(lambda x: cb(lambda v: np.cos(v), x, x) * 2))
        np.testing.assert_allclose(f(xs), 2 * np.cos(xs))


def test_dce_sink_keeps_an_unused_computation_and_composes():
    def f(x):
        vmapx.lax.dce_sink({"a": x * 2.0, "b": [jnp.sin(x)]})
        return x + 1.0

    text = str(vmapx.make_jaxpr(f)(1.0))
    assert "dce_sink" in text and "sin" in text           # not removed as dead code
    xs = np.arange(3.0)
    np.testing.assert_array_equal(vmapx.jit(vmapx.vmap(f))(xs), xs + 1.0)
    np.testing.assert_array_equal(vmapx.vmap(vmapx.grad(lambda x: f(x)))(xs), np.ones(3))
    assert vmapx.lax.dce_sink(xs) is None
