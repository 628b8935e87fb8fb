"""``vmapx.example_libraries``: ``stax`` layers and ``optimizers``, with JAX's
shapes, key splitting and update formulas (JAX, when installed, as the oracle)."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import random
from vmapx.example_libraries import optimizers, stax

KEY = random.PRNGKey(0)
X = np.random.default_rng(0).standard_normal((5, 3))


def _mlp(s):
    return s.serial(s.Dense(4), s.Relu, s.Dense(2), s.LogSoftmax)


def test_serial_mlp_initializes_and_applies_as_written_by_hand():
    init, apply = _mlp(stax)
    out_shape, params = init(KEY, (-1, 3))
    assert out_shape == (-1, 2)
    (w1, b1), (), (w2, b2), () = params
    assert w1.shape == (3, 4) and b1.shape == (4,) and w2.shape == (4, 2) and b2.shape == (2,)
    logits = np.maximum(X @ w1 + b1, 0) @ w2 + b2
    want = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    got = apply(params, X)
    assert type(got) is vmapx.Array and got.shape == (5, 2) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_per_example_gradients_of_a_stax_model_equal_the_loop():
    init, apply = _mlp(stax)
    _, params = init(KEY, (-1, 3))
    loss = lambda p, x: -apply(p, x[None])[0, 0]  # noqa: E731
    batched = vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0))(params, X)
    looped = [vmapx.grad(loss)(params, x) for x in X]
    for got, *wants in zip(vmapx.tree_util.tree_leaves(batched),
                           *[vmapx.tree_util.tree_leaves(w) for w in looped], strict=True):
        np.testing.assert_allclose(got, np.stack(wants), rtol=1e-12)


def test_conv_pool_and_combinator_shapes():
    init, apply = stax.serial(
        stax.Conv(4, (3, 3), padding="SAME"), stax.BatchNorm(), stax.Relu,
        stax.MaxPool((2, 2), (2, 2)), stax.FanOut(2),
        stax.parallel(stax.AvgPool((2, 2), (1, 1), "SAME"), stax.SumPool((1, 1))),
        stax.FanInConcat(), stax.Flatten, stax.Dense(3))
    out_shape, params = init(KEY, (2, 6, 6, 1))
    assert out_shape == (2, 3)
    y = apply(params, np.ones((2, 6, 6, 1)))
    assert y.shape == (2, 3) and y.dtype == np.float64


def test_dropout_keeps_with_probability_rate_and_needs_a_key():
    _, apply = stax.Dropout(0.8)
    y = apply((), np.ones(10000), rng=KEY)
    kept = y != 0
    assert abs(kept.mean() - 0.8) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.8)
    with pytest.raises(ValueError, match="requires apply_fun to be called with a PRNG key"):
        apply((), np.ones(3))
    np.testing.assert_array_equal(stax.Dropout(0.5, mode="test")[1]((), np.ones(3), rng=KEY),
                                  np.ones(3))


def _quadratic_run(opt, steps=5):
    init, update, get_params = opt
    params = {"a": np.array([1.0, -2.0]), "b": (np.array(0.5),)}
    state = init(params)
    for i in range(steps):
        p = get_params(state)
        grads = vmapx.tree_util.tree_map(lambda v: 2.0 * v + 0.1, p)
        state = update(i, grads, state)
    return get_params(state)


OPTIMIZERS = {
    "sgd": lambda o: o.sgd(0.1),
    "sgd_schedule": lambda o: o.sgd(o.exponential_decay(0.1, 2, 0.5)),
    "momentum": lambda o: o.momentum(0.1, 0.9),
    "nesterov": lambda o: o.nesterov(0.1, 0.9),
    "adagrad": lambda o: o.adagrad(0.1),
    "rmsprop": lambda o: o.rmsprop(0.1),
    "rmsprop_momentum": lambda o: o.rmsprop_momentum(0.1),
    "adam": lambda o: o.adam(0.1),
    "adamax": lambda o: o.adamax(0.1),
    "sm3": lambda o: o.sm3(0.1),
    "adam_piecewise": lambda o: o.adam(o.piecewise_constant([2], [0.1, 0.01])),
    "sgd_polynomial": lambda o: o.sgd(o.polynomial_decay(0.1, 3, 0.01)),
    "sgd_inverse_time": lambda o: o.sgd(o.inverse_time_decay(0.1, 2, 0.5, staircase=True)),
}


def test_sgd_and_momentum_follow_their_formulas():
    got = _quadratic_run(optimizers.sgd(0.1), steps=3)
    x = np.array([1.0, -2.0])
    for _ in range(3):
        x = x - 0.1 * (2.0 * x + 0.1)
    np.testing.assert_allclose(got["a"], x, rtol=1e-15)
    got = _quadratic_run(optimizers.momentum(0.1, 0.9), steps=3)
    x, v = np.array([1.0, -2.0]), np.zeros(2)
    for _ in range(3):
        v = 0.9 * v + (2.0 * x + 0.1)
        x = x - 0.1 * v
    np.testing.assert_allclose(got["a"], x, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_decrease_a_quadratic_and_keep_the_tree(name):
    got = _quadratic_run(OPTIMIZERS[name](optimizers), steps=20)
    assert set(got) == {"a", "b"} and isinstance(got["b"], tuple)
    assert type(got["a"]) is vmapx.Array and got["a"].dtype == np.float64
    assert np.all(np.abs(got["a"] + 0.05) < np.abs(np.array([1.0, -2.0]) + 0.05))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizers_give_jax_iterates(name):
    jax = pytest.importorskip("jax")
    from jax.example_libraries import optimizers as jax_optimizers
    with jax.enable_x64(True):
        want = _quadratic_run(OPTIMIZERS[name](jax_optimizers))
        want = jax.tree_util.tree_map(np.asarray, want)
    got = _quadratic_run(OPTIMIZERS[name](optimizers))
    for g, w in zip(vmapx.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want),
                    strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-14, atol=1e-16)


def test_optimizer_state_is_a_pytree_that_passes_through_jit():
    init, update, get_params = optimizers.adam(0.1)
    state = init({"w": np.ones(3)})
    step = vmapx.jit(lambda i, s: update(i, {"w": get_params(s)["w"] * 2.0}, s))
    eager = update(0, {"w": np.ones(3) * 2.0}, state)
    np.testing.assert_allclose(get_params(step(0, state))["w"], get_params(eager)["w"],
                               rtol=1e-15)
    with pytest.raises(TypeError, match="did not match the parameter tree structure"):
        update(0, {"v": np.ones(3)}, state)


def test_pack_unpack_clip_and_norm():
    init, _, get_params = optimizers.momentum(0.1, 0.9)
    state = init({"w": np.ones(2), "b": np.zeros(1)})
    again = optimizers.pack_optimizer_state(optimizers.unpack_optimizer_state(state))
    np.testing.assert_array_equal(get_params(again)["w"], np.ones(2))
    assert float(optimizers.l2_norm([np.array([3.0]), np.array([4.0])])) == 5.0
    clipped = optimizers.clip_grads({"g": np.array([30.0, 40.0])}, 5.0)
    np.testing.assert_allclose(clipped["g"], [3.0, 4.0])
    np.testing.assert_array_equal(optimizers.clip_grads([np.array([0.3])], 5.0)[0], [0.3])
    with pytest.raises(ValueError, match="one shorter than values"):
        optimizers.piecewise_constant([1, 2], [0.1])


def test_stax_models_match_jax_stax():
    jax = pytest.importorskip("jax")
    from jax.example_libraries import stax as jax_stax

    def model(s):
        return s.serial(s.Conv(3, (2, 2), padding="SAME"), s.BatchNorm(), s.Relu,
                        s.AvgPool((2, 2), (2, 2)), s.Flatten, s.Dense(4), s.Tanh,
                        s.Dropout(0.9), s.Dense(2), s.LogSoftmax)

    x = np.random.default_rng(1).standard_normal((2, 4, 4, 1))
    with jax.enable_x64(True):
        init, apply = model(jax_stax)
        shape_j, params_j = init(jax.random.PRNGKey(3), x.shape)
        out_j = np.asarray(apply(params_j, x, rng=jax.random.PRNGKey(4)))
        params_j = jax.tree_util.tree_map(np.asarray, params_j)
    init, apply = model(stax)
    shape_v, params_v = init(random.PRNGKey(3), x.shape)
    assert tuple(shape_v) == tuple(shape_j)
    for g, w in zip(vmapx.tree_util.tree_leaves(params_v), jax.tree_util.tree_leaves(params_j),
                    strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)
    out_v = apply(params_v, x, rng=random.PRNGKey(4))
    np.testing.assert_allclose(out_v, out_j, rtol=1e-10)
    assert jnp.ndim(out_v) == 2
