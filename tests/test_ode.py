"""``vmapx.experimental.ode.odeint``: values against JAX (same algorithm, so to
rounding) and against closed-form solutions, gradients by the adjoint method
against JAX and finite differences, pytree states, dtypes, and the transforms
(``vmap`` against the loop, ``jit`` against eager)."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.experimental.ode import odeint


def pendulum(np_):
    def f(y, t, b, c):
        theta, omega = y[0], y[1]
        return np_.stack([omega, -b * omega - c * np_.sin(theta)])
    return f


Y0 = np.array([np.pi - 0.1, 0.0])
T = np.linspace(0.0, 10.0, 11)


def _jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.experimental.ode import odeint as jax_odeint
    return jax, jax_odeint


def test_odeint_matches_jax_on_a_damped_pendulum():
    jax, jax_odeint = _jax()
    ours = odeint(pendulum(jnp), Y0, T, 0.25, 5.0)
    theirs = np.asarray(jax_odeint(pendulum(jax.numpy), Y0, T, 0.25, 5.0))
    assert type(ours) is vmapx.Array
    assert ours.shape == theirs.shape == (11, 2) and ours.dtype == theirs.dtype == np.float64
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-10, atol=1e-12)


def test_odeint_solves_exponential_decay_to_its_tolerance():
    t = np.linspace(0.0, 2.0, 5)
    ys = np.asarray(odeint(lambda y, t, k: -k * y, np.array([1.0, 2.0]), t, 1.5))
    np.testing.assert_allclose(ys, np.exp(-1.5 * t)[:, None] * [1.0, 2.0], rtol=1e-7)


def test_odeint_time_dependent_right_hand_side():
    t = np.linspace(0.0, 3.0, 7)
    ys = np.asarray(odeint(lambda y, t: jnp.cos(t) * jnp.ones_like(y), np.zeros(1), t))
    np.testing.assert_allclose(ys[:, 0], np.sin(t), atol=1e-6)   # local tolerance 1.4e-8


def test_gradients_match_jax_for_y0_t_and_args():
    jax, jax_odeint = _jax()

    def loss(np_, solve):
        return lambda y0, t, b, c: np_.sum(solve(pendulum(np_), y0, t, b, c) ** 2)

    t = np.linspace(0.0, 3.0, 4)
    ours = vmapx.grad(loss(jnp, odeint), argnums=(0, 1, 2, 3))(Y0, t, 0.25, 5.0)
    theirs = jax.grad(loss(jax.numpy, jax_odeint), argnums=(0, 1, 2, 3))(Y0, t, 0.25, 5.0)
    for a, b in zip(ours, theirs, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_gradients_match_finite_differences():
    def loss(y0, k):
        return jnp.sum(odeint(lambda y, t, k: -k * y + jnp.sin(y), y0, np.array([0.0, 0.5, 1.0]),
                              k) ** 2)

    y0, k = np.array([0.3, -0.7]), 1.3
    g_y0, g_k = vmapx.grad(loss, argnums=(0, 1))(y0, k)
    eps = 1e-6
    fd_y0 = [(float(loss(y0 + eps * e, k)) - float(loss(y0 - eps * e, k))) / (2 * eps)
             for e in np.eye(2)]
    fd_k = (float(loss(y0, k + eps)) - float(loss(y0, k - eps))) / (2 * eps)
    np.testing.assert_allclose(np.asarray(g_y0), fd_y0, rtol=1e-5)
    np.testing.assert_allclose(float(g_k), fd_k, rtol=1e-5)


def test_gradient_through_a_closed_over_value():
    """Values the dynamics close over are hoisted (closure_convert) and get
    cotangents: d/dk of y(1) for y' = -k y is -exp(-k)."""
    def final(k):
        return odeint(lambda y, t: -k * y, np.array([1.0]), np.array([0.0, 1.0]))[-1, 0]
    np.testing.assert_allclose(float(vmapx.grad(final)(2.0)), -np.exp(-2.0), rtol=1e-6)


def test_pytree_state_keeps_structure_shapes_and_dtypes():
    jax, jax_odeint = _jax()

    def oscillator(np_):
        return lambda s, t: {"x": s["v"], "v": -s["x"]}

    s0 = {"x": np.ones(2), "v": np.zeros(2)}
    t = np.linspace(0.0, 1.0, 3)
    ours = odeint(oscillator(jnp), s0, t)
    theirs = jax_odeint(oscillator(jax.numpy), s0, t)
    assert sorted(ours) == ["v", "x"]
    for key in ours:
        assert ours[key].shape == (3, 2) and ours[key].dtype == np.float64
        np.testing.assert_allclose(np.asarray(ours[key]), np.asarray(theirs[key]), rtol=1e-10,
                                   atol=1e-12)
    np.testing.assert_allclose(np.asarray(ours["x"])[:, 0], np.cos(t), rtol=1e-7)


def test_float32_state_stays_float32():
    ys = odeint(lambda y, t: -y, np.array([1.0], np.float32), np.array([0.0, 1.0]))
    assert ys.dtype == np.float32
    np.testing.assert_allclose(np.asarray(ys)[-1, 0], np.exp(-1.0), rtol=1e-5)


def test_vmap_over_y0_equals_the_loop():
    starts = np.stack([Y0, 0.5 * Y0, np.array([0.1, 1.0])])
    solve = lambda y0: odeint(pendulum(jnp), y0, T, 0.25, 5.0)   # noqa: E731
    batched = np.asarray(vmapx.vmap(solve)(starts))
    looped = np.stack([np.asarray(solve(y0)) for y0 in starts])
    assert batched.shape == looped.shape == (3, 11, 2)
    np.testing.assert_allclose(batched, looped, rtol=1e-12, atol=1e-14)


def test_vmap_over_args_equals_the_loop():
    rates = np.array([0.5, 1.0, 2.0])
    solve = lambda k: odeint(lambda y, t, k: -k * y, np.ones(1), np.array([0.0, 1.0]), k)  # noqa
    batched = np.asarray(vmapx.vmap(solve)(rates))
    looped = np.stack([np.asarray(solve(k)) for k in rates])
    np.testing.assert_allclose(batched, looped, rtol=1e-12)


def test_vmap_of_grad_equals_the_loop():
    def final(y0):
        return odeint(pendulum(jnp), y0, np.array([0.0, 1.0]), 0.25, 5.0)[-1, 0]
    starts = np.stack([Y0, 0.5 * Y0])
    batched = np.asarray(vmapx.vmap(vmapx.grad(final))(starts))
    looped = np.stack([np.asarray(vmapx.grad(final)(y0)) for y0 in starts])
    np.testing.assert_allclose(batched, looped, rtol=1e-10)


def test_jit_equals_eager():
    solve = lambda y0: odeint(pendulum(jnp), y0, T, 0.25, 5.0)   # noqa: E731
    np.testing.assert_allclose(np.asarray(vmapx.jit(solve)(Y0)), np.asarray(solve(Y0)),
                               rtol=1e-13)


def test_mxstep_limits_the_steps_per_output_time():
    """With one step allowed, the solution cannot reach t = 10: it is
    extrapolated from the last step, far from the true value."""
    full = np.asarray(odeint(pendulum(jnp), Y0, np.array([0.0, 10.0]), 0.25, 5.0))
    cut = np.asarray(odeint(pendulum(jnp), Y0, np.array([0.0, 10.0]), 0.25, 5.0, mxstep=1))
    assert np.abs(full - cut).max() > 1e-3


def test_integer_times_and_non_array_args_are_rejected():
    with pytest.raises(TypeError, match="t must be an array of floats"):
        odeint(lambda y, t: -y, np.ones(1), np.array([0, 1]))
    with pytest.raises(TypeError, match="The contents of odeint \\*args must be arrays"):
        odeint(lambda y, t, s: -y, np.ones(1), np.array([0.0, 1.0]), "fast")


def test_vmap_over_times_equals_the_loop_and_the_time_gradient_is_the_flow():
    ts = np.array([[0.0, 1.0], [0.0, 2.0]])
    solve = lambda t: odeint(lambda y, t: -y, np.ones(1), t)   # noqa: E731
    batched = np.asarray(vmapx.vmap(solve)(ts))
    looped = np.stack([np.asarray(solve(t)) for t in ts])
    assert batched.shape == looped.shape == (2, 2, 1)
    np.testing.assert_allclose(batched, looped, rtol=1e-12)
    # d y(t1) / d t1 = -y(t1) and d y(t1) / d t0 = +y(t1) for y' = -y
    g = np.asarray(vmapx.grad(lambda t: solve(t)[-1, 0])(ts[0]))
    np.testing.assert_allclose(g, [np.exp(-1.0), -np.exp(-1.0)], rtol=1e-6)
