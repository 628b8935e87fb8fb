"""``vmapx.test_util``: numerical derivative checks with JAX's semantics."""
import functools

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.test_util import check_grads, check_jvp, check_vjp


def _wrong_sin():
    f = vmapx.custom_jvp(jnp.sin)
    f.defjvps(lambda t, ans, x: 2.0 * t)
    return f


def _wrong_second_derivative():
    """First derivative right (cos), second wrong (the rule's derivative is 0)."""
    @vmapx.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        return jnp.sin(x), vmapx.lax.stop_gradient(jnp.cos(x)) * tangents[0]
    return f


CORRECT = [
    (lambda x: jnp.sin(x) * x, (1.5,)),
    (lambda x, y: jnp.sum(jnp.tanh(x) * y ** 2), (np.linspace(-1, 1, 5), np.arange(5.0))),
    (lambda p: p["w"] @ p["b"], ({"w": np.ones((2, 3)), "b": np.arange(3.0)},)),
    (lambda x: (jnp.exp(x), jnp.log1p(x * x)), (np.array([0.3, -0.2]),)),
    (lambda z: jnp.sum(jnp.abs(z) ** 2), (np.array([1.0 + 2.0j, -0.5j]),)),
]


@pytest.mark.parametrize("f, args", CORRECT)
@pytest.mark.parametrize("modes", [("fwd",), ("rev",), ("fwd", "rev")])
def test_correct_derivatives_pass_to_second_order(f, args, modes):
    check_grads(f, args, order=2, modes=modes)


def test_third_order_in_both_modes():
    check_grads(lambda x: jnp.sin(x) * jnp.exp(x), (0.7,), order=3)


@pytest.mark.parametrize("modes", [("fwd",), ("rev",)])
def test_a_wrong_first_derivative_fails(modes):
    with pytest.raises(AssertionError):
        check_grads(_wrong_sin(), (1.0,), order=1, modes=modes)


def test_a_wrong_second_derivative_fails_only_at_order_two():
    f = _wrong_second_derivative()
    check_grads(f, (1.0,), order=1)
    with pytest.raises(AssertionError, match="JVP of JVP"):
        check_grads(f, (1.0,), order=2, modes=["fwd"])


def test_a_wrong_vjp_fails_the_cotangent_projection():
    @vmapx.custom_vjp
    def f(x):
        return x * 3.0
    f.defvjp(lambda x: (x * 3.0, None), lambda _, g: (g * 2.0,))
    with pytest.raises(AssertionError, match="cotangent projection"):
        check_vjp(f, functools.partial(vmapx.vjp, f), (np.ones(3),))


def test_check_jvp_draws_jax_directions_from_random_state_zero():
    seen = []

    def f_jvp(primals, tangents):
        seen.append(tangents)
        return vmapx.jvp(jnp.sin, primals, tangents)

    check_jvp(jnp.sin, f_jvp, (np.zeros((2, 3)),))
    want = np.random.RandomState(0).randn(2, 3)
    assert seen[0][0].shape == (2, 3) and seen[0][0].dtype == np.float64
    np.testing.assert_array_equal(seen[0][0], want)


def test_tolerances_as_numbers_and_dicts():
    f = _wrong_sin()   # off by |2 - cos(1)| ~ 1.46 times the direction's 1.76
    check_grads(f, (1.0,), order=1, atol=3.0, rtol=0.0)
    check_grads(f, (1.0,), order=1, atol={np.float64: 3.0}, rtol={np.float64: 0.0})
    with pytest.raises(AssertionError):
        check_grads(f, (1.0,), order=1, atol={np.float32: 3.0})


def test_float32_arguments_use_the_float32_tolerance():
    x = np.linspace(0.1, 1.0, 4, dtype=np.float32)
    check_grads(lambda v: jnp.sum(jnp.sin(v) * v), (x,), order=1, eps=1e-2)


def test_dtype_mismatch_between_primal_and_tangent_is_reported():
    def f_jvp(primals, tangents):
        out, t = vmapx.jvp(jnp.sin, primals, tangents)
        return out, t.astype(np.float32)
    with pytest.raises(AssertionError, match="dtypes differ"):
        check_jvp(jnp.sin, f_jvp, (np.ones(2),))


def test_agrees_with_jax_test_util_on_the_same_cases():
    jax = pytest.importorskip("jax")
    from jax import test_util as jtu
    jax_sin = jax.custom_jvp(jax.numpy.sin)
    jax_sin.defjvps(lambda t, ans, x: 2.0 * t)
    with jax.enable_x64(True):
        jtu.check_grads(lambda x: jax.numpy.sin(x) * x, (1.5,), order=2)
        with pytest.raises(AssertionError):
            jtu.check_grads(jax_sin, (1.0,), order=1)
        jtu.check_grads(jax_sin, (1.0,), order=1, atol=3.0, rtol=0.0)
    check_grads(lambda x: jnp.sin(x) * x, (1.5,), order=2)
    with pytest.raises(AssertionError):
        check_grads(_wrong_sin(), (1.0,), order=1)
    check_grads(_wrong_sin(), (1.0,), order=1, atol=3.0, rtol=0.0)
