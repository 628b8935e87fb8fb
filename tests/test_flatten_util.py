"""``vmapx.flatten_util.ravel_pytree``: one vector for a pytree, and back, with
JAX's dtype rules; it composes with vmap / grad / jit."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.flatten_util import ravel_pytree


def test_ravel_concatenates_leaves_in_tree_order_and_unravel_inverts_it():
    tree = {"w": np.arange(6.0).reshape(2, 3), "b": np.array([7.0, 8.0]), "s": 9.0}
    flat, unravel = ravel_pytree(tree)
    assert flat.shape == (9,) and flat.dtype == np.float64
    np.testing.assert_array_equal(flat, [7.0, 8.0, 9.0, 0, 1, 2, 3, 4, 5])   # sorted keys
    back = unravel(flat)
    assert vmapx.tree.structure(back) == vmapx.tree.structure(tree)
    for k in tree:
        np.testing.assert_array_equal(back[k], tree[k])
        assert np.shape(back[k]) == np.shape(tree[k])


def test_mixed_dtypes_promote_and_come_back_in_their_own_dtypes():
    tree = (np.array([1, 2], np.int32), np.float32(0.5), np.array([True]))
    flat, unravel = ravel_pytree(tree)
    assert flat.dtype == np.float32        # int32 + float32 + bool promote as JAX (x64)
    back = unravel(flat)
    assert [b.dtype for b in back] == [np.int32, np.float32, np.bool_]
    with pytest.raises(TypeError, match="unravel function given array of dtype float64"):
        unravel(flat.astype(np.float64))


def test_one_dtype_unravel_keeps_the_vectors_dtype():
    flat, unravel = ravel_pytree([np.ones(2), np.zeros((1, 1))])
    back = unravel(flat.astype(np.float32))
    assert [b.dtype for b in back] == [np.float32, np.float32]


def test_empty_pytree_gives_an_empty_float32_vector():
    flat, unravel = ravel_pytree({})
    assert flat.shape == (0,) and flat.dtype == np.float32
    assert unravel(flat) == {}


def test_complex_vector_unravels_real_leaves_as_their_real_part_without_warning():
    flat, unravel = ravel_pytree((np.ones(2, np.complex64), np.ones(1)))
    assert flat.dtype == np.complex128
    with np.testing.assert_no_warnings():
        back = unravel(flat * (1 + 2j))
    np.testing.assert_array_equal(back[1], [1.0])
    assert back[0].dtype == np.complex64


def test_wrong_length_is_a_value_error():
    _, unravel = ravel_pytree({"a": np.ones(3)})
    with pytest.raises(ValueError, match=r"expected an array of shape \(3,\), got shape \(4,\)"):
        unravel(np.ones(4))


def test_unravel_under_vmap_matches_the_loop_and_grad_flows_through_it():
    params = {"w": np.ones((2, 2)), "b": np.zeros(2)}
    flat, unravel = ravel_pytree(params)
    vs = np.random.default_rng(0).normal(size=(5, flat.size))
    loss = lambda v: jnp.sum(unravel(v)["w"] @ np.ones(2) + unravel(v)["b"]) ** 2
    got = vmapx.vmap(loss)(vs)
    np.testing.assert_allclose(got, np.stack([loss(v) for v in vs]))
    g = vmapx.jit(vmapx.grad(loss))(flat)
    eps = 1e-6
    fd = [(loss(flat + eps * e) - loss(flat - eps * e)) / (2 * eps) for e in np.eye(flat.size)]
    np.testing.assert_allclose(g, fd, rtol=1e-6)


def test_ravel_of_traced_leaves_under_jit_and_vmap():
    f = lambda x: ravel_pytree({"a": x, "b": 2 * x[:1]})[0]
    xs = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(vmapx.vmap(f)(xs), np.stack([f(x) for x in xs]))
    np.testing.assert_array_equal(vmapx.jit(f)(xs[0]), f(xs[0]))
