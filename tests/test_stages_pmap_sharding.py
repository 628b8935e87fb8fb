"""JAX's ahead-of-time stages (``jit(f).trace/lower/compile``), ``pmap``,
meshes and shardings on vmapx's one device, and ``vmapx.core.eval_jaxpr``."""
import threading

import numpy as np
import pytest

import vmapx
import vmapx.core
import vmapx.numpy as jnp
from vmapx import lax
from vmapx.sharding import NamedSharding, PartitionSpec as P


# ----------------------------------------------------------- AOT stages

def f_affine(x, y):
    return jnp.sin(x) * y + 1.0


def test_compiled_gives_the_jitted_result():
    x = np.linspace(0.0, 1.0, 5)
    compiled = vmapx.jit(f_affine).lower(x, 2.0).compile()
    out = compiled(x, 3.0)
    assert type(out) is vmapx.Array and out.shape == (5,) and out.dtype == np.float64
    np.testing.assert_array_equal(out, vmapx.jit(f_affine)(x, 3.0))


def test_stages_report_input_and_output_types():
    traced = vmapx.jit(f_affine).trace(np.ones((2, 3), np.float32), 2.0)
    (x_aval, y_aval), kwargs = traced.in_avals
    assert kwargs == {}
    assert x_aval.shape == (2, 3) and x_aval.dtype == np.float32
    assert y_aval.shape == () and y_aval.weak_type
    assert traced.out_info == vmapx.ShapeDtypeStruct((2, 3), np.float32)
    assert "sin" in str(traced.jaxpr)
    lowered = traced.lower()
    assert lowered.as_text() == str(traced.jaxpr)
    assert lowered.compile().out_info == traced.out_info
    assert vmapx.jit(f_affine).eval_shape(np.ones(4), 1.0) == vmapx.ShapeDtypeStruct(
        (4,), np.float64)


def test_lowering_from_shape_dtype_structs():
    spec = vmapx.ShapeDtypeStruct((3,), np.float32)
    compiled = vmapx.jit(lambda x: x * 2).lower(spec).compile()
    out = compiled(np.arange(3, dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])


@pytest.mark.parametrize("args, message", [
    ((np.ones(4), 2.0), "Argument 'x' compiled with float64[3] and called with float64[4]"),
    ((np.ones(3, np.float32), 2.0), "Argument 'x' compiled with float64[3] and called with "
                                    "float32[3]"),
    ((np.ones(3), np.ones(2)), "Argument 'y' compiled with float64[] and called with float64[2]"),
])
def test_compiled_rejects_other_shapes_and_dtypes(args, message):
    compiled = vmapx.jit(f_affine).lower(np.ones(3), 2.0).compile()
    with pytest.raises(TypeError, match="Argument types differ") as info:
        compiled(*args)
    assert message in str(info.value)


def test_compiled_rejects_another_pytree_structure():
    compiled = vmapx.jit(f_affine).lower(np.ones(3), 2.0).compile()
    with pytest.raises(TypeError, match="input pytree does not match.*lengths do not match"):
        compiled(np.ones(3))
    with pytest.raises(TypeError, match=r"at args\[0\], seen an array leaf but now given a dict"):
        compiled({"a": np.ones(3)}, 2.0)


def test_compiled_cannot_be_transformed():
    compiled = vmapx.jit(lambda x: x + 4.0).lower(1.0).compile()
    with pytest.raises(TypeError, match="lowered and compiled for a particular signature. "
                                        "Detected argument of Tracer type .*BatchTracer"):
        vmapx.vmap(lambda x: compiled(x) + 2)(jnp.ones(3))
    with pytest.raises(TypeError, match="Tracer type"):
        vmapx.grad(lambda x: compiled(x))(1.0)


def test_static_arguments_are_fixed_at_lowering_and_omitted_at_call():
    jitted = vmapx.jit(lambda x, n, *, scale: scale * x ** n, static_argnums=1)
    compiled = jitted.lower(np.ones(2), 3, scale=2.0).compile()
    np.testing.assert_array_equal(compiled(np.full(2, 2.0), scale=1.0), [8.0, 8.0])
    with pytest.raises(TypeError, match="Argument 'x'"):
        compiled(np.ones(3), scale=1.0)


def test_text_forms():
    lowered = vmapx.jit(jnp.cos).lower(np.ones(2))
    assert "cos" in lowered.as_text("jaxpr")
    assert lowered.compiler_ir() is lowered.jaxpr
    with pytest.raises(NotImplementedError, match="no hlo form"):
        lowered.as_text("hlo")
    with pytest.raises(ValueError, match="unknown dialect"):
        lowered.as_text("tpu-asm")
    assert "cos" in lowered.compile().as_text()


def test_stages_match_jax_errors():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    for mod in (jax, vmapx):
        compiled = mod.jit(lambda x: x * 2).lower(np.ones(3)).compile()
        with pytest.raises(TypeError, match="Argument 'x' compiled with float64\\[3\\] and "
                                            "called with float64\\[2\\]"):
            compiled(np.ones(2))


def test_cost_analysis_counts_the_numpy_calls():
    matmul = vmapx.jit(lambda a, b: a @ b).lower(np.ones((4, 5)), np.ones((5, 6))).compile()
    assert matmul.cost_analysis() == {"flops": 2.0 * 4 * 5 * 6, "transcendentals": 0.0,
                                      "bytes accessed": 8.0 * (20 + 30 + 24)}
    cost = vmapx.jit(lambda x: jnp.sin(x).sum()).lower(np.ones(100)).cost_analysis()
    assert cost["transcendentals"] == 100.0 and cost["flops"] == 200.0


# ------------------------------------------------------------------ pmap

def test_pmap_equals_the_loop_over_one_device():
    n = vmapx.local_device_count()
    xs = np.arange(n * 3.0).reshape(n, 3)
    out = vmapx.pmap(lambda x: jnp.tanh(x) * 2)(xs)
    np.testing.assert_allclose(out, np.stack([np.tanh(x) * 2 for x in xs]))


def test_pmap_collectives_and_static_arguments():
    n = vmapx.local_device_count()
    xs = np.full((n, 2), 4.0)
    normalised = vmapx.pmap(lambda x: x / lax.psum(x, "i"), axis_name="i")(xs)
    np.testing.assert_array_equal(normalised, np.full((n, 2), 1.0 / n))
    scaled = vmapx.pmap(lambda x, k: x * k, static_broadcasted_argnums=1)(xs, 3)
    np.testing.assert_array_equal(scaled, xs * 3)
    first = vmapx.pmap(lambda k, x: x - k, static_broadcasted_argnums=0,
                       in_axes=(None, 0))(1.0, xs)
    np.testing.assert_array_equal(first, xs - 1)


def test_pmap_keyword_arguments_out_axes_and_jit():
    n = vmapx.local_device_count()
    xs = np.ones((n, 3))
    f = vmapx.pmap(lambda a, b: a + b)
    np.testing.assert_array_equal(f(a=xs, b=xs), 2 * xs)
    np.testing.assert_array_equal(vmapx.jit(f)(xs, xs), f(a=xs, b=xs))
    assert vmapx.pmap(lambda x: x, out_axes=1)(xs).shape == (3, n)


def test_pmap_mapped_axis_larger_than_the_devices_is_an_error():
    n = vmapx.local_device_count()
    with pytest.raises(ValueError, match=f"size {n + 1}, but only {n} device"):
        vmapx.pmap(jnp.sin)(np.ones((n + 1, 2)))
    with pytest.raises(ValueError, match="at least one argument with a mapped axis"):
        vmapx.pmap(jnp.sin, in_axes=None)(np.ones(3))
    with pytest.raises(ValueError, match="static_broadcasted_argnums"):
        vmapx.pmap(lambda x, k: x, static_broadcasted_argnums=3)(np.ones((1, 2)), 1)


def test_pmap_compiles_so_python_branches_on_values_raise():
    def f(x):
        return x if x.sum() > 0 else -x
    with pytest.raises(vmapx.errors.TracerBoolConversionError):
        vmapx.pmap(f)(np.ones((1, 2)))


# -------------------------------------------------------- meshes, shardings

def test_make_mesh_on_one_device():
    mesh = vmapx.make_mesh((1, 1), ("data", "model"))
    assert mesh.axis_names == ("data", "model") and mesh.size == 1
    assert dict(mesh.shape) == {"data": 1, "model": 1}
    assert mesh.axis_types == (vmapx.sharding.AxisType.Explicit,) * 2
    with pytest.raises(ValueError, match="Number of devices 1 must be >= the product"):
        vmapx.make_mesh((2,), ("data",))
    with pytest.raises(ValueError, match="same length"):
        vmapx.make_mesh((1,), ("a", "b"))


def test_named_sharding_checks_its_axis_names():
    mesh = vmapx.make_mesh((1,), ("batch",))
    assert NamedSharding(mesh, P("batch")).spec == P("batch")
    with pytest.raises(ValueError, match="Resource axis: model .* is not found in mesh"):
        NamedSharding(mesh, P("model"))
    assert repr(P("batch", None)) == "P('batch', None)"


def test_placing_and_resharding_keep_values():
    mesh = vmapx.make_mesh((1,), ("batch",))
    x = np.arange(6.0).reshape(3, 2)
    placed = vmapx.device_put(x, NamedSharding(mesh, P("batch")))
    np.testing.assert_array_equal(placed, x)
    x[0, 0] = 100.0
    assert placed[0, 0] == 0.0          # a copy, as a transfer is
    tree = vmapx.reshard({"a": x, "b": [1.0]}, NamedSharding(mesh, P()))
    np.testing.assert_array_equal(tree["a"], x)
    with pytest.raises(TypeError, match="expected a sharding"):
        vmapx.reshard(x, "batch")
    with pytest.raises(ValueError, match="only accepts `None`.*Received invalid value: 'gpu'"):
        vmapx.device_put(x, "gpu")      # JAX's type and wording
    with pytest.raises(ValueError, match="Received invalid value: 3"):
        vmapx.device_put(x, 3)
    with pytest.raises(ValueError, match="Received invalid value: 'cpu'"):
        vmapx.device_put(x, "cpu")      # a platform name is not a device, as in JAX


def test_sharding_constraints_under_transforms():
    mesh = vmapx.make_mesh((1,), ("batch",))
    s = NamedSharding(mesh, P("batch"))

    def loss(w, x):
        h = lax.with_sharding_constraint(x @ w, s)
        return jnp.sum(jnp.tanh(h) ** 2)

    w = np.linspace(-1, 1, 6).reshape(3, 2)
    xs = np.linspace(0, 1, 12).reshape(4, 3)
    with vmapx.set_mesh(mesh):
        got = vmapx.jit(vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0)))(w, xs)
    want = np.stack([vmapx.grad(lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2))(w, x) for x in xs])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_current_mesh_is_per_thread():
    mesh = vmapx.make_mesh((1,), ("batch",))
    seen = []
    with vmapx.set_mesh(mesh):
        t = threading.Thread(target=lambda: seen.append(vmapx.sharding.get_mesh().empty))
        t.start()
        t.join()
        assert vmapx.sharding.get_mesh() == mesh
    assert seen == [True] and vmapx.sharding.get_mesh().empty


# ------------------------------------------------------- core.eval_jaxpr

def test_eval_jaxpr_runs_under_vmap_and_grad():
    closed = vmapx.make_jaxpr(lambda x: jnp.sin(x) * x)(1.0)

    def run(x):
        return vmapx.core.eval_jaxpr(closed.jaxpr, closed.consts, x)[0]

    xs = np.linspace(0, 2, 5)
    np.testing.assert_allclose(vmapx.vmap(run)(xs), np.sin(xs) * xs)
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(run))(xs), np.cos(xs) * xs + np.sin(xs))
    out = vmapx.core.eval_jaxpr(closed.jaxpr, closed.consts, 2.0)
    assert type(out) is list and type(out[0]) is vmapx.Array


def test_debug_key_reuse_is_a_scoped_option():
    with vmapx.debug_key_reuse(True):
        assert vmapx.config.jax_debug_key_reuse is True
    assert vmapx.config.jax_debug_key_reuse is False


def test_jaxpr_as_fun_runs_a_closed_jaxpr_under_transforms():
    closed = vmapx.make_jaxpr(lambda x, y: jnp.sin(x) * y)(1.0, 2.0)
    fun = vmapx.core.jaxpr_as_fun(closed)
    xs, ys = np.linspace(0, 1, 4), np.linspace(1, 2, 4)
    np.testing.assert_allclose(vmapx.vmap(lambda a, b: fun(a, b)[0])(xs, ys), np.sin(xs) * ys)
    np.testing.assert_allclose(vmapx.grad(lambda a: fun(a, 2.0)[0])(0.5), 2 * np.cos(0.5))
    from vmapx.extend.core import jaxpr_as_fun
    assert jaxpr_as_fun is vmapx.core.jaxpr_as_fun
