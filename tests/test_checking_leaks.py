"""``vmapx.checking_leaks``: traced values kept beyond their transformation are
reported when the block ends; clean code passes untouched."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.errors import UnexpectedTracerError


@pytest.mark.parametrize("transform", ["vmap", "grad", "jit", "jvp"])
def test_a_tracer_kept_in_a_global_list_is_reported(transform):
    saved = []

    def f(x):
        saved.append(jnp.sin(x))
        return jnp.sum(x * 2.0)

    x = np.ones(3)
    with pytest.raises(UnexpectedTracerError, match="Leaked 1 traced value"):
        with vmapx.checking_leaks():
            if transform == "vmap":
                vmapx.vmap(f)(np.ones((2, 3)))
            elif transform == "grad":
                vmapx.grad(f)(x)
            elif transform == "jit":
                vmapx.jit(f)(x)
            else:
                vmapx.jvp(f, (x,), (x,))
    saved.clear()


def test_a_tracer_kept_in_an_object_attribute_is_reported():
    class Model:
        last = None

    model = Model()

    def f(x):
        model.last = x
        return x * 2

    with pytest.raises(UnexpectedTracerError, match="return it from the transformed function"):
        with vmapx.checking_leaks():
            vmapx.vmap(f)(np.ones(3))
    model.last = None


def test_clean_code_passes_and_returns_normally():
    with vmapx.checking_leaks():
        out = vmapx.vmap(vmapx.grad(lambda x: jnp.sum(jnp.tanh(x))))(np.ones((2, 3)))
        jout = vmapx.jit(lambda x: x * 2)(np.ones(2))
    assert out.shape == (2, 3) and jout.shape == (2,)


def test_tracers_leaked_before_the_block_are_not_blamed():
    old = []
    vmapx.vmap(lambda x: old.append(x) or x)(np.ones(2))
    with vmapx.checking_leaks():
        vmapx.vmap(lambda x: x + 1)(np.ones(2))
    old.clear()


def test_inside_a_transformation_its_own_live_tracers_are_not_leaks():
    def f(x):
        with vmapx.checking_leaks():
            y = vmapx.grad(lambda v: v * x)(2.0)   # x is live: its vmap is still running
        return y

    np.testing.assert_array_equal(vmapx.vmap(f)(np.arange(3.0)), np.arange(3.0))


def test_jaxs_check_tracer_leaks_option_checks_each_outermost_transformation():
    saved = []
    try:
        vmapx.config.update("jax_check_tracer_leaks", True)
        assert vmapx.config.jax_check_tracer_leaks is True
        np.testing.assert_allclose(vmapx.jit(vmapx.vmap(jnp.sin))(np.zeros(3)), np.zeros(3))
        with pytest.raises(vmapx.errors.UnexpectedTracerError, match="Leaked 1 traced value"):
            vmapx.grad(lambda x: saved.append(x * 2) or jnp.sin(x))(1.0)
        saved.clear()
        with pytest.raises(vmapx.errors.UnexpectedTracerError):
            vmapx.lax.fori_loop(0, 2, lambda i, c: (saved.append(c), c + 1.0)[1], 0.0)
        saved.clear()
    finally:
        vmapx.config.update("jax_check_tracer_leaks", False)
    vmapx.grad(lambda x: saved.append(x * 2) or jnp.sin(x))(1.0)   # off: not checked
    assert len(saved) == 1
