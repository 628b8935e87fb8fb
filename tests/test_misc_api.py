"""The top-level API besides the transforms: devices and transfers, config,
disable_jit, debug printing and callbacks, pure_callback, custom_gradient and
the small helpers (named_call, named_scope, typeof, clear_caches, ...)."""
import warnings

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx._src import config as config_mod, fperrors  # noqa: F401

# ------------------------------------------------------------ devices


def test_one_cpu_device_with_jax_repr():
    devs = vmapx.devices()
    assert devs == vmapx.local_devices() == [vmapx.devices("cpu")[0]]
    assert repr(devs[0]) == "CpuDevice(id=0)" and str(devs[0]) == "cpu:0"
    assert devs[0].platform == "cpu" and devs[0].id == 0 and devs[0].process_index == 0
    assert vmapx.device_count() == vmapx.local_device_count() == vmapx.process_count() == 1
    assert vmapx.default_backend() == "cpu" and vmapx.process_index() == 0


def test_devices_of_unknown_backend_raise():
    with pytest.raises(RuntimeError, match="Unknown backend: 'gpu' requested, but no platforms "
                                           "that are instances of gpu are present. Platforms "
                                           "present are: cpu"):
        vmapx.devices("gpu")


def test_device_put_converts_leaves_and_copies_numpy_inputs():
    x = np.zeros(2, np.float32)
    out = vmapx.device_put({"x": x, "s": 3.0, "l": [1, True]}, vmapx.devices()[0])
    assert out["x"].shape == (2,) and out["x"].dtype == np.float32
    assert isinstance(out["s"], np.ndarray) and out["s"].dtype == np.float64
    assert out["l"][0].dtype == np.int64 and out["l"][1].dtype == np.bool_
    x[0] = 7.0
    np.testing.assert_array_equal(out["x"], [0.0, 0.0])


def test_device_put_passes_tracers_through():
    def f(x):
        y = vmapx.device_put(x)
        assert isinstance(y, vmapx._src.core.Tracer)
        return y * 2
    np.testing.assert_array_equal(vmapx.vmap(f)(np.arange(3.0)), [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(vmapx.jit(f)(np.arange(3.0)), [0.0, 2.0, 4.0])


def test_device_get_returns_plain_ndarrays_and_leaves_others():
    out = vmapx.device_get({"a": jnp.ones(2), "b": 1, "c": "text"})
    assert type(out["a"]) is np.ndarray and out["b"] == 1 and out["c"] == "text"


def test_block_until_ready_is_identity_on_pytrees_and_arrays():
    tree = {"a": np.ones(2), "b": (1, 2.0)}
    assert vmapx.block_until_ready(tree) is tree
    a = jnp.ones(3)
    assert a.block_until_ready() is a


# ------------------------------------------------------------- config


@pytest.fixture
def restore_config():
    saved = dict(vmapx.config._values)
    yield
    for k, v in saved.items():
        vmapx.config._values[k] = v
    vmapx._src.jit.DISABLED = saved["jax_disable_jit"]
    for option in ("jax_debug_nans", "jax_debug_infs"):   # the switch those options steer
        fperrors.set_global(option, saved[option])
    vmapx._src.jit.EXPLAIN_CACHE_MISSES[0] = saved["jax_explain_cache_misses"]


def test_config_defaults_read_as_attributes_and_values():
    assert vmapx.config.jax_enable_x64 is True
    assert vmapx.config.jax_numpy_rank_promotion == "allow"
    assert vmapx.config.values["jax_debug_nans"] is False
    assert vmapx.config.jax_disable_jit is False


def test_config_unknown_option_raises_jax_attribute_error():
    with pytest.raises(AttributeError, match="^Unrecognized config option: jax_foo$"):
        vmapx.config.update("jax_foo", 1)
    with pytest.raises(AttributeError, match="'Config' object has no attribute 'jax_foo'"):
        vmapx.config.jax_foo


def test_config_x64_false_is_stored_warns_once_and_keeps_numpy_dtypes(restore_config):
    config_mod._warned.discard("x64")
    with pytest.warns(UserWarning, match="does not change any dtype"):
        vmapx.config.update("jax_enable_x64", False)
    assert vmapx.config.jax_enable_x64 is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vmapx.config.update("jax_enable_x64", False)   # once only
    assert jnp.ones(2).dtype == np.float64
    assert vmapx.vmap(jnp.sin)(np.ones(2)).dtype == np.float64
    vmapx.config.update("jax_enable_x64", 1)
    assert vmapx.config.jax_enable_x64 is True


def test_config_platforms_accept_cpu_only(restore_config):
    vmapx.config.update("jax_platforms", "cpu")
    vmapx.config.update("jax_platform_name", "cpu")
    vmapx.config.update("jax_platforms", "cuda,cpu")
    assert vmapx.config.jax_platforms == "cuda,cpu"
    with pytest.raises(RuntimeError, match="Unknown backend: 'gpu' requested"):
        vmapx.config.update("jax_platform_name", "gpu")


def test_config_rank_promotion_modes(restore_config):
    vmapx.config.update("jax_numpy_rank_promotion", "raise")
    try:
        with pytest.raises(ValueError, match="jax_numpy_rank_promotion='raise'"):
            vmapx.numpy.add(np.ones(2), np.ones((3, 2)))
    finally:
        vmapx.config.update("jax_numpy_rank_promotion", "allow")
    with pytest.raises(ValueError, match=r"new enum value must be in \['allow', 'warn', "
                                         r"'raise'\], got bogus of type <class 'str'>\."):
        vmapx.config.update("jax_numpy_rank_promotion", "bogus")
    assert vmapx.config.jax_numpy_rank_promotion == "allow"


def test_config_debug_nans_is_read_back_and_takes_effect(restore_config):
    vmapx.config.update("jax_debug_nans", True)
    assert vmapx.config.jax_debug_nans is True
    with pytest.raises(FloatingPointError, match="invalid value"):
        vmapx.numpy.log(-1.0)


def test_config_disable_jit_runs_python_each_call(restore_config):
    calls = []
    f = vmapx.jit(lambda x: calls.append(1) or x + 1)
    f(1.0)
    f(2.0)
    assert len(calls) == 1
    vmapx.config.update("jax_disable_jit", True)
    f(3.0)
    f(4.0)
    assert len(calls) == 3


def test_config_attributes_are_not_assignable():
    with pytest.raises(AttributeError, match="config.update"):
        vmapx.config.jax_enable_x64 = False


# --------------------------------------------------------- disable_jit


def test_disable_jit_runs_python_side_effects_on_concrete_values():
    seen = []

    @vmapx.jit
    def f(x):
        seen.append(type(x))
        if x > 0:          # concrete: Python control flow works
            return x
        return -x

    with vmapx.disable_jit():
        assert vmapx.config.jax_disable_jit is True
        assert f(2.0) == 2.0 and f(-3.0) == 3.0 and f(-3.0) == 3.0
    assert seen == [float, float, float]
    assert vmapx.config.jax_disable_jit is False
    with pytest.raises(vmapx.TracerBoolConversionError):   # traced again outside
        f(np.float64(1.0))


def test_disable_jit_false_and_nesting_restore_previous_state():
    with vmapx.disable_jit():
        with vmapx.disable_jit(False):
            assert vmapx.config.jax_disable_jit is False
        assert vmapx.config.jax_disable_jit is True
    assert vmapx.config.jax_disable_jit is False


def test_disable_jit_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with vmapx.disable_jit():
            1 / 0
    assert vmapx.config.jax_disable_jit is False and vmapx._src.jit.DISABLED is False


def test_disable_jit_under_vmap_matches_jit():
    f = vmapx.jit(lambda x: jnp.sin(x) * 2)
    xs = np.linspace(0, 1, 4)
    with vmapx.disable_jit():
        got = vmapx.vmap(f)(xs)
    assert got.shape == (4,) and got.dtype == np.float64
    np.testing.assert_allclose(got, vmapx.vmap(f)(xs))


# ------------------------------------------------------- debug.print


def _f_prints(x):
    vmapx.debug.print("x={x}", x=x)
    vmapx.debug.print("y={} {}", x, 2)
    return x * 2


def test_debug_print_eager(capsys):
    _f_prints(1.5)
    assert capsys.readouterr().out == "x=1.5\ny=1.5 2\n"


def test_debug_print_under_jit_prints_at_each_execution(capsys):
    f = vmapx.jit(_f_prints)
    for v in (1.0, 2.0, 3.0, 4.0, 5.0):   # past the compile threshold too
        f(np.float64(v))
    out = capsys.readouterr().out
    assert out == "".join(f"x={v}\ny={v} 2\n" for v in (1.0, 2.0, 3.0, 4.0, 5.0))


def test_debug_print_under_vmap_prints_each_example_in_order(capsys):
    out = vmapx.vmap(_f_prints)(np.arange(3.0))
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])
    assert capsys.readouterr().out == "x=0.0\nx=1.0\nx=2.0\ny=0.0 2\ny=1.0 2\ny=2.0 2\n"


def test_debug_print_under_vmap_of_vmap_matches_jax_order(capsys):
    vmapx.vmap(vmapx.vmap(_f_prints))(np.arange(4.0).reshape(2, 2))
    # JAX 0.10.2 prints in this order (inner axis unrolled first)
    assert capsys.readouterr().out == ("x=0.0\nx=2.0\nx=1.0\nx=3.0\n"
                                       "y=0.0 2\ny=2.0 2\ny=1.0 2\ny=3.0 2\n")


def test_debug_print_under_vmap_batch_dims_and_sizes(capsys):
    xs = np.arange(6.0).reshape(2, 3)
    vmapx.vmap(lambda x: vmapx.debug.print("{}", x), in_axes=1)(xs)
    assert capsys.readouterr().out == "[0. 3.]\n[1. 4.]\n[2. 5.]\n"
    vmapx.vmap(lambda x: vmapx.debug.print("{}", x), in_axes=-1)(xs)
    assert capsys.readouterr().out == "[0. 3.]\n[1. 4.]\n[2. 5.]\n"
    vmapx.vmap(lambda x: vmapx.debug.print("{}", x))(np.zeros((0, 2)))
    assert capsys.readouterr().out == ""


def test_debug_print_under_grad_prints_primal_once(capsys):
    g = vmapx.grad(_f_prints)(3.0)
    assert float(g) == 2.0
    assert capsys.readouterr().out == "x=3.0\ny=3.0 2\n"


def test_debug_print_under_grad_of_jit_and_vmap_of_jit(capsys):
    vmapx.grad(vmapx.jit(_f_prints))(3.0)
    assert capsys.readouterr().out == "x=3.0\ny=3.0 2\n"
    vmapx.vmap(vmapx.jit(_f_prints))(np.arange(2.0))
    assert sorted(capsys.readouterr().out.splitlines()) == ["x=0.0", "x=1.0", "y=0.0 2",
                                                           "y=1.0 2"]
    vmapx.jit(vmapx.vmap(_f_prints))(np.arange(2.0))
    assert capsys.readouterr().out == "x=0.0\nx=1.0\ny=0.0 2\ny=1.0 2\n"


def test_debug_print_of_constants_under_jit_runs_each_call(capsys):
    f = vmapx.jit(lambda x: (vmapx.debug.print("hi"), x + 1)[1])
    f(1.0)
    f(2.0)
    assert capsys.readouterr().out == "hi\nhi\n"


def test_debug_print_with_unused_result_and_duplicates_is_kept_by_jit(capsys):
    f = vmapx.jit(lambda x: (vmapx.debug.print("v {}", x), vmapx.debug.print("v {}", x),
                             1.0)[2])
    for _ in range(4):
        f(np.float64(2.0))
    assert capsys.readouterr().out == "v 2.0\n" * 8


def test_debug_print_inside_scan_prints_each_iteration(capsys):
    def body(c, x):
        vmapx.debug.print("c={}", c)
        return c + x, None
    vmapx.lax.scan(body, 0.0, np.arange(3.0))
    assert capsys.readouterr().out == "c=0.0\nc=0.0\nc=1.0\n"


def test_debug_print_pytree_argument(capsys):
    vmapx.debug.print("{a}", a={"p": np.ones(2)})
    assert capsys.readouterr().out == "{'p': array([1., 1.])}\n"


def test_debug_print_passes_non_array_arguments_through_as_jax(capsys):
    # JAX keeps non-array arguments (names, objects) static and prints them as they are
    f = vmapx.jit(lambda x: (vmapx.debug.print("{name}: {x}", name="layer", x=x), x)[1])
    f(np.arange(2.0))
    vmapx.vmap(lambda x: vmapx.debug.callback(lambda s, v: print(s, v), "row", x))(np.eye(2))
    vmapx.debug.print("{}", None)
    assert capsys.readouterr().out == "layer: [0. 1.]\nrow [1. 0.]\nrow [0. 1.]\nNone\n"


def test_debug_print_checks_its_format_at_the_call_as_jax():
    with pytest.raises(ValueError, match=r"Unused positional arguments to `jax.debug.print`: "
                                         r"\[2.0\]"):
        vmapx.debug.print("{}", 1.0, 2.0)
    with pytest.raises(ValueError, match=r"Unused keyword arguments to `jax.debug.print`: "
                                         r"\['b'\]"):
        vmapx.debug.print("{a}", a=1.0, b=2.0)
    with pytest.raises(KeyError):
        vmapx.debug.print("{a}")


def test_debug_print_two_call_form_and_print_options_of_the_call(capsys):
    vmapx.debug.print(ordered=True)("{} two", np.float64(1.0))
    vmapx.debug.callback(ordered=True)(lambda a: print("cb", a), np.float64(2.0))
    vmapx.debug.print("no placeholders", np.float64(3.0), skip_format_check=True)
    with np.printoptions(precision=2):   # JAX uses the options in force when traced
        f = vmapx.jit(lambda x: (vmapx.debug.print("{}", x), x)[1])
        f(np.array([1 / 3]))
    f(np.array([2 / 3]))
    assert capsys.readouterr().out == ("1.0 two\ncb 2.0\nno placeholders 3.0\n[0.33]\n"
                                       "[0.67]\n")


# ----------------------------------------------------- debug.callback


def test_debug_callback_receives_numpy_examples_under_vmap():
    seen = []
    out = vmapx.vmap(lambda x, y: (vmapx.debug.callback(lambda a, b: seen.append((a, b)), x,
                                                        b=y), x)[1],
                     in_axes=(0, None))(np.arange(6.0).reshape(3, 2), np.float32(5))
    assert out.shape == (3, 2)
    assert len(seen) == 3
    for i, (a, b) in enumerate(seen):
        assert type(a) is np.ndarray and a.shape == (2,) and a.dtype == np.float64
        np.testing.assert_array_equal(a, [2 * i, 2 * i + 1])
        assert b.dtype == np.float32 and b == 5


def test_debug_callback_returns_none_and_checks_callable():
    assert vmapx.debug.callback(lambda: None) is None
    with pytest.raises(TypeError, match="must be callable"):
        vmapx.debug.callback(3)


def test_debug_callback_under_jit_of_grad_sees_primal_values():
    seen = []

    def f(x):
        vmapx.debug.callback(lambda v: seen.append(float(v)), x)
        return x ** 2
    g = vmapx.jit(vmapx.grad(f))
    assert float(g(3.0)) == 6.0 and float(g(4.0)) == 8.0
    assert seen == [3.0, 4.0]


# ------------------------------------------------------- pure_callback


def _cb(x, y):
    return (np.sin(x) * y).astype(x.dtype)


_SPEC = vmapx.ShapeDtypeStruct((3,), np.float32)


@pytest.mark.parametrize("method", ["sequential", "expand_dims", "broadcast_all"])
@pytest.mark.parametrize("in_axes", [(0, None), (1, 0), (-1, None), (None, 0)])
@pytest.mark.parametrize("size", [0, 1, 4])
def test_pure_callback_under_vmap_equals_the_loop(method, in_axes, size):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(size, 3)).astype(np.float32)
    y = rng.normal(size=(size, 3)).astype(np.float32)
    xb = x if in_axes[0] is None else np.moveaxis(x, 0, in_axes[0])
    yb = y if in_axes[1] is None else np.moveaxis(y, 0, in_axes[1])
    if in_axes[0] is None:
        xb = x[0] if size else np.zeros(3, np.float32)
        x = np.broadcast_to(xb, (size, 3))
    if in_axes[1] is None:
        yb = y[0] if size else np.zeros(3, np.float32)
        y = np.broadcast_to(yb, (size, 3))

    def f(a, b):
        return vmapx.pure_callback(_cb, _SPEC, a, b, vmap_method=method)
    got = vmapx.vmap(f, in_axes=in_axes)(xb, yb)
    want = np.stack([_cb(x[i], y[i]) for i in range(size)]) if size else np.zeros((0, 3))
    assert got.shape == (size, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_pure_callback_vmap_methods_pass_the_operands_jax_documents():
    shapes = []

    def cb(x, y):
        shapes.append((x.shape, y.shape))
        return (x + y).astype(np.float32)
    x, y = np.ones((2, 3), np.float32), np.ones(3, np.float32)
    for method in ("sequential", "expand_dims", "broadcast_all", "legacy_vectorized"):
        shapes.clear()
        out = vmapx.vmap(lambda a, b: vmapx.pure_callback(cb, _SPEC, a, b, vmap_method=method),
                         in_axes=(0, None))(x, y)
        assert out.shape == (2, 3)
        assert shapes == {"sequential": [((3,), (3,))] * 2,
                          "expand_dims": [((2, 3), (1, 3))],
                          "broadcast_all": [((2, 3), (2, 3))],
                          "legacy_vectorized": [((2, 3), (3,))]}[method]


def test_pure_callback_vmap_of_vmap_expand_dims_equals_the_loop():
    x = np.arange(24.0).reshape(2, 4, 3)
    spec = vmapx.ShapeDtypeStruct((), np.float64)
    f = lambda v: vmapx.pure_callback(lambda a: np.sum(a, axis=-1), spec, v,  # noqa: E731
                                      vmap_method="expand_dims")
    got = vmapx.vmap(vmapx.vmap(f))(x)
    assert got.shape == (2, 4) and got.dtype == np.float64
    np.testing.assert_array_equal(got, x.sum(-1))


def test_pure_callback_without_vmap_method_raises_under_vmap_only():
    f = lambda v: vmapx.pure_callback(np.sin, vmapx.ShapeDtypeStruct((), np.float64), v)  # noqa
    assert float(f(0.0)) == 0.0
    with pytest.raises(NotImplementedError, match="Got vmap_method=None"):
        vmapx.vmap(f)(np.zeros(2))
    # nothing mapped: called once, result broadcast (as in JAX)
    out = vmapx.vmap(lambda _: f(np.float64(0.5)))(np.zeros(3))
    np.testing.assert_allclose(out, np.full(3, np.sin(0.5)))


def test_pure_callback_checks_results_against_result_shape_dtypes():
    with pytest.raises(RuntimeError, match=r"Incorrect output shape for return value #0: "
                                           r"Expected: \(3,\), Actual: \(4,\)"):
        vmapx.pure_callback(lambda x: np.ones(4, np.float32), _SPEC, np.ones(3))
    with pytest.raises(RuntimeError, match="Incorrect output dtype for return value #0: "
                                           "Expected: float32, Actual: float64"):
        vmapx.jit(lambda x: vmapx.pure_callback(lambda v: np.ones(3), _SPEC, x))(np.ones(3))


def test_pure_callback_pytree_results_kwargs_and_jit():
    spec = {"s": vmapx.ShapeDtypeStruct((), np.float64), "d": np.zeros(2)}

    def cb(x, *, k):
        return {"s": np.sum(x) * k, "d": x[:2] * k}
    f = vmapx.jit(lambda x: vmapx.pure_callback(cb, spec, x, k=2.0))
    out = f(np.arange(3.0))
    assert out["s"].shape == () and out["d"].shape == (2,)
    assert float(out["s"]) == 6.0
    np.testing.assert_array_equal(out["d"], [0.0, 2.0])


def test_pure_callback_bad_vmap_method_and_grad_errors():
    with pytest.raises(ValueError, match="vmap_method must be on of the allowed methods"):
        vmapx.pure_callback(np.sin, _SPEC, np.ones(3), vmap_method="bogus")
    spec = vmapx.ShapeDtypeStruct((), np.float64)
    with pytest.raises(ValueError, match="Pure callbacks do not support JVP"):
        vmapx.grad(lambda x: vmapx.pure_callback(lambda v: v, spec, x))(1.0)


# ----------------------------------------------------- custom_gradient


@vmapx.custom_gradient
def _scaled_sin(x):
    return jnp.sin(x), lambda g: (g * 100.0 * jnp.cos(x),)


def test_custom_gradient_value_and_gradient():
    assert float(_scaled_sin(1.0)) == pytest.approx(np.sin(1.0))
    assert float(vmapx.grad(_scaled_sin)(1.0)) == pytest.approx(100 * np.cos(1.0))


def test_custom_gradient_single_argument_rule_may_return_a_bare_cotangent():
    @vmapx.custom_gradient
    def f(x):
        return x * 2, lambda g: g * 3
    assert float(vmapx.grad(f)(1.0)) == 3.0


def test_custom_gradient_two_arguments():
    @vmapx.custom_gradient
    def f(x, y):
        return x * y, lambda g: (g * y, g * x * 10)
    gx, gy = vmapx.grad(f, argnums=(0, 1))(2.0, 3.0)
    assert float(gx) == 3.0 and float(gy) == 20.0


def test_custom_gradient_under_vmap_and_jit_equals_the_loop():
    xs = np.linspace(-1, 1, 5)
    want = 100 * np.cos(xs)
    for g in (vmapx.vmap(vmapx.grad(_scaled_sin)),
              vmapx.jit(vmapx.vmap(vmapx.grad(_scaled_sin))),
              vmapx.grad(lambda v: vmapx.vmap(_scaled_sin)(v).sum())):
        got = g(xs)
        assert got.shape == (5,) and got.dtype == np.float64
        np.testing.assert_allclose(got, want)
    assert float(vmapx.jit(vmapx.grad(_scaled_sin))(0.5)) == pytest.approx(100 * np.cos(0.5))


def test_custom_gradient_rule_closing_over_an_array_argument():
    @vmapx.custom_gradient
    def f(w, x):
        y = w @ x
        return y, lambda g: (jnp.outer(g, x), w.T @ g)
    w, x = np.arange(6.0).reshape(2, 3), np.ones(3)
    gw, gx = vmapx.grad(lambda w, x: f(w, x).sum(), argnums=(0, 1))(w, x)
    np.testing.assert_array_equal(gw, np.ones((2, 3)))
    np.testing.assert_array_equal(gx, w.sum(0))


# ------------------------------------------------------------- helpers


def test_named_call_and_named_scope():
    f = vmapx.named_call(lambda x: x + 1, name="inc")
    assert f(1.0) == 2.0
    assert float(vmapx.grad(f)(1.0)) == 1.0
    with vmapx.named_scope("block"):
        assert float(jnp.sin(0.0)) == 0.0
    with pytest.raises(TypeError, match="named_scope name argument must be a string."):
        with vmapx.named_scope(3):
            pass


def test_ensure_compile_time_eval_allows_concrete_python_values_under_jit():
    @vmapx.jit
    def f(x):
        with vmapx.ensure_compile_time_eval():
            n = int(jnp.arange(5).sum())
        return x * n
    np.testing.assert_array_equal(f(np.ones(2)), [10.0, 10.0])


def test_typeof_matches_jax():
    assert vmapx.typeof(np.ones((2, 3), np.float32)) == vmapx.ShapedArray(
        (2, 3), np.dtype(np.float32), False)
    assert vmapx.typeof(1) == vmapx.ShapedArray((), np.dtype(np.int64), True)
    assert vmapx.typeof(np.float32(1)) == vmapx.ShapedArray((), np.dtype(np.float32), False)
    seen = []
    vmapx.vmap(lambda x: seen.append(vmapx.typeof(x)) or x)(np.ones((4, 2)))
    assert seen == [vmapx.ShapedArray((2,), np.dtype(np.float64), False)]
    with pytest.raises(TypeError, match="Argument 'a' of type <class 'str'> is not a valid "
                                        "JAX type"):
        vmapx.typeof("a")


def test_clear_caches_retraces_jitted_functions():
    traces = []
    f = vmapx.jit(lambda x: traces.append(1) or x * 2)
    f(np.ones(2))
    f(np.ones(2))
    assert len(traces) == 1
    vmapx.clear_caches()
    f(np.ones(2))
    assert len(traces) == 2


def test_print_environment_info(capsys):
    text = vmapx.print_environment_info(return_string=True)
    assert text.startswith(f"vmapx:  {vmapx.__version__}\nnumpy:  {np.__version__}\n")
    assert vmapx.print_environment_info() is None
    assert capsys.readouterr().out.startswith("vmapx:")


@pytest.mark.parametrize("option, value", [
    ("jax_persistent_cache_min_compile_time_secs", 0), ("jax_enable_compilation_cache", False),
    ("jax_persistent_cache_min_entry_size_bytes", -1), ("jax_use_shardy_partitioner", True),
    ("jax_transfer_guard", "disallow"), ("jax_softmax_custom_jvp", True),
    ("jax_explain_cache_misses", True), ("jax_threefry_partitionable", True),
    ("jax_default_prng_impl", "threefry2x32"), ("jax_num_cpu_devices", 1)])
def test_options_jax_programs_set_are_accepted_and_read_back(restore_config, option, value):
    """Programs start with ``jax.config.update(...)`` for XLA's cache, devices or
    the PRNG; vmapx accepts what it can honour and reads the value back."""
    vmapx.config.update(option, value)
    assert getattr(vmapx.config, option) == value


@pytest.mark.parametrize("option, value, error", [
    ("jax_threefry_partitionable", False, NotImplementedError),
    ("jax_default_prng_impl", "rbg", NotImplementedError),
    ("jax_num_cpu_devices", 8, ValueError),
    ("jax_transfer_guard", "sometimes", ValueError),
    ("jax_persistent_cache_min_compile_time_secs", "soon", TypeError)])
def test_options_vmapx_cannot_honour_raise(restore_config, option, value, error):
    before = getattr(vmapx.config, option)
    with pytest.raises(error, match=option if error is not ValueError or "devices" in option
                       else "new enum value"):
        vmapx.config.update(option, value)
    assert getattr(vmapx.config, option) == before


def test_explain_cache_misses_logs_why_a_jitted_function_traces_again(restore_config, caplog):
    vmapx.config.update("jax_explain_cache_misses", True)
    f = vmapx.jit(lambda x: x * 2)
    with caplog.at_level("WARNING", logger="vmapx"):
        f(np.ones(2))
        f(np.ones(2))                 # a cache hit: nothing logged
        assert not caplog.records
        f(np.ones(3))
    (record,) = caplog.records
    assert "TRACING CACHE MISS" in record.getMessage()
    assert "float64[3]" in record.getMessage() and "float64[2]" in record.getMessage()
    assert "test_misc_api.py" in record.getMessage()     # the user's line
    vmapx.config.update("jax_explain_cache_misses", False)
    caplog.clear()
    with caplog.at_level("WARNING", logger="vmapx"):
        f(np.ones(4))
    assert not caplog.records
