"""vmapx.numpy constructors return ``vmapx.Array``: an ndarray with JAX's ``.at``
updates and traced indexing, so JAX idioms on ``jnp`` constants work in transforms."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp


def test_one_hot_by_at_set_under_vmap_equals_loop():
    labels = np.array([0, 2, 3, 2])
    out = vmapx.vmap(lambda y: jnp.zeros(4).at[y].set(1.0))(labels)
    assert out.shape == (4, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out, np.eye(4)[labels])


def test_identity_rows_indexed_by_traced_labels_under_vmap():
    labels = np.array([2, 0, 1])
    out = vmapx.vmap(lambda y: jnp.eye(3)[y])(labels)
    np.testing.assert_array_equal(out, np.eye(3)[labels])


def test_traced_index_into_arange_under_jit_and_grad():
    assert vmapx.jit(lambda i: jnp.arange(5.0)[i])(3) == 3.0
    g = vmapx.grad(lambda w, y: jnp.sum(w * jnp.zeros(3).at[y].set(1.0)))(np.ones(3), 1)
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0])


def test_at_updates_outside_transforms_return_new_arrays():
    x = jnp.zeros(3)
    y = x.at[1].add(2.0)
    np.testing.assert_array_equal(y, [0.0, 2.0, 0.0])
    np.testing.assert_array_equal(x, [0.0, 0.0, 0.0])


def test_constructor_results_print_and_compute_like_ndarrays():
    x = jnp.ones(2)
    assert isinstance(x, np.ndarray) and isinstance(x, vmapx.Array)
    assert repr(x) == "array([1., 1.])"
    x[0] = 5.0                               # still a mutable NumPy array outside traces
    assert x[0] == 5.0
    assert type(x + np.ones(2)) is np.ndarray  # mixed with plain arrays: plain result


@pytest.mark.parametrize("make", [jnp.ones, jnp.zeros])
def test_transform_results_are_plain_ndarrays(make):
    out = vmapx.vmap(lambda v: v * 2.0)(make((3, 2)))
    assert type(out) is np.ndarray
    assert type(vmapx.grad(lambda v: jnp.sum(v * v))(make(3))) is np.ndarray


def test_isinstance_array_holds_for_transform_results_and_tracers_as_jax_array():
    seen = []

    def f(x):
        seen.append(isinstance(x, vmapx.Array))
        return x * 2

    out = vmapx.vmap(f)(np.ones(3))
    vmapx.jit(f)(np.ones(3))
    vmapx.grad(lambda x: f(x).sum())(np.ones(3))
    assert isinstance(out, vmapx.Array) and type(out) is np.ndarray
    assert seen == [True, True, True]
    assert isinstance(np.zeros(2), vmapx.Array)
    assert not isinstance(3.0, vmapx.Array) and not isinstance(np.float64(1.0), vmapx.Array)
    assert not isinstance([1.0], vmapx.Array)
