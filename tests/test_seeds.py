"""The users' seed examples (the programs the demo runs), each as a test with
the values the seed prints.  Where a seed disagrees with JAX, the test follows JAX (checked with
JAX 0.10.2) and says so.  vmapx computes in NumPy's dtypes, so where the seed
shows JAX's float32 the values are compared, not the dtype names.
"""
from __future__ import annotations

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax, vmap


# --------------------------------------------- 000: the jax.vmap docstring


def test_seed_000_matrix_products_from_vector_dots():
    vv = lambda x, y: jnp.vdot(x, y)  # ([a], [a]) -> []  # noqa: E731
    mv = vmap(vv, (0, None), 0)       # ([b,a], [a]) -> [b]
    mm = vmap(mv, (None, 1), 1)       # ([b,a], [a,c]) -> [b,c]
    r = np.random.default_rng(0)
    a, b, c = 4, 3, 5
    A, B = r.normal(size=(b, a)), r.normal(size=(a, c))
    assert mv(A, B[:, 0]).shape == (b,)
    out = mm(A, B)
    assert out.shape == (b, c)
    np.testing.assert_allclose(out, A @ B, rtol=1e-12)

    mv1 = vmap(vv, (0, 0), 0)         # ([b,a], [b,a]) -> [b]
    mv2 = vmap(vv, (0, 1), 0)         # ([b,a], [a,b]) -> [b]
    mm2 = vmap(mv2, (1, 1), 0)        # ([b,c,a], [a,c,b]) -> [c,b]
    X, Y = r.normal(size=(b, a)), r.normal(size=(b, a))
    np.testing.assert_allclose(mv1(X, Y), (X * Y).sum(1), rtol=1e-12)
    np.testing.assert_allclose(mv2(X, Y.T), (X * Y).sum(1), rtol=1e-12)
    P, Q = r.normal(size=(b, c, a)), r.normal(size=(a, c, b))
    out2 = mm2(P, Q)
    assert out2.shape == (c, b)
    np.testing.assert_allclose(out2, np.einsum("bca,acb->cb", P, Q), rtol=1e-12)


def test_seed_000_pytree_in_axes():
    A, B, C, D = 2, 3, 4, 5
    x, y, z = np.ones((A, B)), np.ones((B, C)), np.ones((C, D))

    def foo(tree_arg):
        x, (y, z) = tree_arg
        return jnp.dot(x, jnp.dot(y, z))
    np.testing.assert_array_equal(foo((x, (y, z))), np.full((2, 5), 12.))
    K = 6
    x, y, z = np.ones((K, A, B)), np.ones((B, K, C)), np.ones((C, D, K))
    vfoo = vmap(foo, in_axes=((0, (1, 2)),))
    assert vfoo((x, (y, z))).shape == (6, 2, 5)


def test_seed_000_dict_in_axes():
    dct = {"a": 0., "b": np.arange(5.)}

    def foo(dct, x):
        return dct["a"] + dct["b"] + x
    out = vmap(foo, in_axes=({"a": None, "b": 0}, None))(dct, 1.)
    np.testing.assert_array_equal(out, [1., 2., 3., 4., 5.])


def test_seed_000_unmapped_output_with_out_axes_none():
    out = vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=(0, None))(
        np.arange(2.), 4.)
    np.testing.assert_array_equal(out[0], [4., 5.])
    assert out[1] == 8.0


def test_seed_000_unmapped_output_broadcast_by_int_out_axes():
    out = vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=0)(np.arange(2.), 4.)
    np.testing.assert_array_equal(out[0], [4., 5.])
    np.testing.assert_array_equal(out[1], [8., 8.])


def test_seed_000_psum_over_a_named_axis():
    xs = np.arange(3. * 4.).reshape(3, 4)
    out = vmap(lambda x: lax.psum(x, "i"), axis_name="i")(xs)
    np.testing.assert_array_equal(out, [[12., 15., 18., 21.]] * 3)


# ------------------------------------------- 001: vmap vs numpy.vectorize


def test_seed_001_vmap_of_grad():
    def f(x):
        return jnp.exp(-x) * jnp.sin(x)
    gf = vmapx.grad(f)
    x = np.arange(0, 1, 0.1)
    np.testing.assert_allclose(
        vmap(gf)(x), [1., 0.80998397, 0.63975394, 0.4888039, 0.35637075, 0.24149445,
                      0.14307144, 0.05990037, -0.00927836, -0.06574923], rtol=1e-6, atol=1e-7)


def test_seed_001_vmap_maps_only_the_leading_axis(capsys):
    def print_shape(x, y):
        print(f"x.shape = {x.shape}")
        print(f"y.shape = {y.shape}")
        return x + y
    x, y = np.zeros((20, 10)), np.zeros((20, 10))
    vmap(print_shape)(x, y)
    assert capsys.readouterr().out == "x.shape = (10,)\ny.shape = (10,)\n"


def _add(x, y):
    # vectorize always maps over all axes, such that the function is applied elementwise
    assert x.shape == y.shape == ()
    return x + y


def test_seed_001_vmap_of_mismatched_sizes_fails():
    x2, y2 = np.arange(10), np.arange(20).reshape(20, 1)
    with pytest.raises(ValueError) as info:
        vmap(_add)(x2, y2)
    # JAX 0.10's wording (the seed quotes an older one).
    assert str(info.value) == (
        "vmap got inconsistent sizes for array axes to be mapped:\n"
        "  * one axis had size 10: axis 0 of argument x of type int64[10];\n"
        "  * one axis had size 20: axis 0 of argument y of type int64[20,1]")


def test_seed_001_nested_vmap_gives_the_outer_mapped_size_first():
    # The seed says (20, 10); JAX 0.10.2 returns (10, 20): the outer vmap maps x2
    # (size 10), the inner one y2[:, 0] (size 20).
    x2, y2 = np.arange(10), np.arange(20).reshape(20, 1)
    out = vmap(vmap(_add, in_axes=(None, 0)), in_axes=(0, None))(x2, y2[:, 0])
    assert out.shape == (10, 20)
    np.testing.assert_array_equal(out, x2[:, None] + y2[:, 0][None, :])


def test_seed_001_swapping_the_nesting_gives_the_vectorize_layout():
    x2, y2 = np.arange(10), np.arange(20).reshape(20, 1)
    out = vmap(vmap(_add, in_axes=(0, None)), in_axes=(None, 0))(x2, y2[:, 0])
    assert out.shape == (20, 10)
    np.testing.assert_array_equal(out, np.vectorize(lambda a, b: a + b)(x2, y2))


# ------------------------------------------- 002: in_axes=(None, 0) vs (None, 1)


def _predict(params, input_vec):
    assert input_vec.ndim == 1
    activations = input_vec
    for W, b in params:
        outputs = jnp.dot(W, activations) + b
        activations = jnp.tanh(outputs)
    return outputs


def _ones_params(dims=(2, 3, 5)):
    return [(np.ones((d_out, d_in)), np.ones((d_out,)))
            for d_in, d_out in zip(dims, dims[1:], strict=False)]


def test_seed_002_predict_on_a_batch_of_ones():
    params = _ones_params()
    input_batch = np.ones((2, 2))
    predictions = vmap(_predict, in_axes=(None, 0))(params, input_batch)
    assert predictions.shape == (2, 5)
    # layer 1: 1+1+1 = 3 -> tanh(3); layer 2: 3 * tanh(3) + 1
    np.testing.assert_allclose(predictions, np.full((2, 5), 3 * np.tanh(3.0) + 1), rtol=1e-15)
    np.testing.assert_array_equal(vmap(_predict, in_axes=(None, 1))(params, input_batch),
                                  predictions)


def test_seed_002_axes_0_and_1_differ_for_non_constant_inputs():
    params = _ones_params()
    x = np.array([[0.1, 0.2], [0.3, -0.4]])
    by_rows = vmap(_predict, in_axes=(None, 0))(params, x)
    by_cols = vmap(_predict, in_axes=(None, 1))(params, x)
    np.testing.assert_allclose(by_rows, np.stack([_predict(params, r) for r in x]), rtol=1e-14)
    np.testing.assert_allclose(by_cols, np.stack([_predict(params, c) for c in x.T]), rtol=1e-14)
    assert not np.allclose(by_rows, by_cols)


def test_seed_002_in_axes_needs_one_entry_per_argument():
    with pytest.raises(ValueError, match=r"vmap in_axes must be an int, None, or a tuple of "
                                         r"entries corresponding to the positional arguments "
                                         r"passed to the function, but got len\(in_axes\)=1, "
                                         r"len\(args\)=2"):
        vmap(_predict, in_axes=(0,))(_ones_params(), np.ones((2, 2)))


def test_seed_002_scalar_in_axes_maps_the_params_too():
    with pytest.raises(ValueError, match="vmap got inconsistent sizes for array axes to be "
                                         "mapped"):
        vmap(_predict, in_axes=0)(_ones_params(), np.ones((2, 2)))


# ------------------------------------------------ 003: in_axes and out_axes


def test_seed_003_in_axes_forms():
    def f(x, y):
        return x + y
    assert vmap(f)(np.zeros((10, 3)), np.zeros((10, 3))).shape == (10, 3)
    assert vmap(f, in_axes=(0, 1))(np.zeros((10, 3)), np.zeros((3, 10))).shape == (10, 3)
    out = vmap(f, in_axes=(0, None))(np.zeros((10, 3)), np.array([1., 2., 3.]))
    np.testing.assert_array_equal(out, np.tile([1., 2., 3.], (10, 1)))


def test_seed_003_pytree_params_broadcast():
    def g(params, x):
        return x @ params["W"] + params["b"]
    params = {"W": np.arange(6.).reshape(3, 2), "b": np.array([1., -1.])}
    x = np.arange(12.).reshape(4, 3)
    a = vmap(g, in_axes=({"W": None, "b": None}, 0))(params, x)
    b = vmap(g, in_axes=(None, 0))(params, x)
    np.testing.assert_allclose(a, x @ params["W"] + params["b"], rtol=1e-15)
    np.testing.assert_array_equal(a, b)


def test_seed_003_out_axes():
    def f(x):
        return jnp.array([x, x ** 2])
    assert vmap(f)(np.arange(10.)).shape == (10, 2)
    out = vmap(f, out_axes=1)(np.arange(10.))
    assert out.shape == (2, 10)
    np.testing.assert_array_equal(out, [np.arange(10.), np.arange(10.) ** 2])


def test_seed_003_out_axes_1_for_scalar_outputs_is_an_error():
    # The seed claims out_axes=(0, 1) gives two (10,) arrays; as in JAX, axis 1 of
    # a batched scalar is out of bounds.
    def h(x):
        return x ** 2, x ** 3
    with pytest.raises(ValueError, match="axis 1 is out of bounds for array of dimension 1"):
        vmap(h, out_axes=(0, 1))(np.arange(10.))
    y_sq, y_cu = vmap(h, out_axes=(0, 0))(np.arange(10.))
    np.testing.assert_array_equal(y_sq, np.arange(10.) ** 2)
    np.testing.assert_array_equal(y_cu, np.arange(10.) ** 3)


def test_seed_003_common_patterns_and_nesting():
    def model_apply(params, x):
        return jnp.tanh(x @ params)

    def loss_fn(params, x, y):
        return jnp.sum((model_apply(params, x) - y) ** 2)

    def attention(q, k, v):
        w = jnp.exp(k @ q)
        return (w / w.sum()) @ v
    r = np.random.default_rng(0)
    P, X, Y = r.normal(size=(3, 2)), r.normal(size=(8, 3)), r.normal(size=(8, 2))
    assert vmap(model_apply, in_axes=(None, 0))(P, X).shape == (8, 2)
    losses = vmap(loss_fn, in_axes=(None, 0, 0))(P, X, Y)
    np.testing.assert_allclose(losses, [np.sum((np.tanh(x @ P) - y) ** 2) for x, y in zip(X, Y)],
                               rtol=1e-12)
    Q, K, V = r.normal(size=(5, 4)), r.normal(size=(6, 4)), r.normal(size=(6, 3))
    att = vmap(attention, in_axes=(0, None, None))(Q, K, V)
    assert att.shape == (5, 3)
    np.testing.assert_allclose(att, [attention(q, K, V) for q in Q], rtol=1e-12)
    double_batched = vmap(vmap(lambda x, y: x + y, in_axes=0), in_axes=0)
    assert double_batched(np.zeros((4, 5, 3)), np.ones((4, 5, 3))).shape == (4, 5, 3)


def test_seed_003_mismatched_batch_sizes():
    with pytest.raises(ValueError, match="inconsistent sizes"):
        vmap(lambda x, y: x + y, in_axes=(0, 0))(np.zeros((10, 3)), np.zeros((20, 3)))


def test_seed_003_batched_dot():
    def dot_product(a, b):
        return jnp.sum(a * b)
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    B = np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(vmap(dot_product, in_axes=(0, 0))(A, B), [1.5, 3.0, 6.0])


def test_seed_003_scale_and_add():
    def scale_and_add(x, scale, bias):
        return x * scale + bias
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = vmap(scale_and_add, in_axes=(0, None, None))(X, np.array(2.0), np.array([0.1, 0.2]))
    np.testing.assert_allclose(out, [[2.1, 4.2], [6.1, 8.2], [10.1, 12.2]], rtol=1e-15)


def test_seed_003_matrix_vector_product():
    r = np.random.default_rng(0)
    matrices, vectors = r.normal(size=(5, 3, 4)), r.normal(size=(5, 4))
    result = vmap(lambda m, v: m @ v, in_axes=(0, 0))(matrices, vectors)
    assert result.shape == (5, 3)
    np.testing.assert_allclose(result, np.einsum("bij,bj->bi", matrices, vectors), rtol=1e-12)


def test_seed_003_out_axes_position():
    assert vmap(lambda x: x ** 2)(np.ones((5, 3))).shape == (5, 3)
    assert vmap(lambda x: x ** 2, out_axes=1)(np.ones((5, 3))).shape == (3, 5)


def test_seed_003_exercise_three_arguments():
    def f(a, b, c):
        return a * b.sum() + c
    a, b, c = np.ones(3), np.arange(8.).reshape(4, 2), np.full(3, 0.5)
    out = vmap(f, in_axes=(None, 0, None))(a, b, c)
    assert out.shape == (4, 3)
    np.testing.assert_array_equal(out, [a * row.sum() + c for row in b])
    a2 = np.arange(12.).reshape(4, 3)
    out2 = vmap(f, in_axes=(0, 0, None))(a2, b, c)
    assert out2.shape == (4, 3)
    np.testing.assert_array_equal(out2, [x * row.sum() + c for x, row in zip(a2, b)])
