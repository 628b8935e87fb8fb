"""Every array vmapx hands out is a ``vmapx.Array``: an ndarray with JAX's ``.at``
updates and traced indexing, so JAX idioms on ``jnp`` constants, samples and
transform results work, in transforms and out of them."""
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
    assert type(x + np.ones(2)) is vmapx.Array  # mixed with plain arrays: still an Array


@pytest.mark.parametrize("make", [jnp.ones, jnp.zeros, np.ones])
def test_transform_results_are_writeable_arrays(make):
    out = vmapx.vmap(lambda v: v * 2.0)(make((3, 2)))
    assert type(out) is vmapx.Array and out.flags.writeable
    g = vmapx.grad(lambda v: jnp.sum(v * v))(make(3))
    assert type(g) is vmapx.Array and g.flags.writeable


def test_isinstance_array_holds_for_transform_results_and_tracers_as_jax_array():
    seen = []

    def f(x):
        seen.append(isinstance(x, vmapx.Array))
        return x * 2

    out = vmapx.vmap(f)(np.ones(3))
    vmapx.jit(f)(np.ones(3))
    vmapx.grad(lambda x: f(x).sum())(np.ones(3))
    assert isinstance(out, vmapx.Array) and type(out) is vmapx.Array
    assert seen == [True, True, True]
    assert isinstance(np.zeros(2), vmapx.Array)
    assert not isinstance(3.0, vmapx.Array) and not isinstance(np.float64(1.0), vmapx.Array)
    assert not isinstance([1.0], vmapx.Array)


# ------------------------------------------------ every result is an Array


def _assert_array(x, shape, dtype):
    assert type(x) is vmapx.Array, type(x)
    assert x.shape == shape and x.dtype == dtype
    assert x.flags.writeable


def test_random_samples_plus_a_scalar_keep_at():
    x = vmapx.random.normal(vmapx.random.PRNGKey(0), (3,)) + 3.0
    _assert_array(x, (3,), np.float64)
    y = x.at[0].set(-1.0)
    _assert_array(y, (3,), np.float64)
    np.testing.assert_array_equal(y, np.concatenate([[-1.0], np.asarray(x)[1:]]))
    _assert_array(vmapx.random.PRNGKey(0), (2,), np.uint32)
    _assert_array(vmapx.random.split(vmapx.random.PRNGKey(0)), (2, 2), np.uint32)
    _assert_array(vmapx.random.randint(vmapx.random.PRNGKey(0), (), 0, 5), (), np.int64)


def test_every_transform_returns_arrays():
    x = np.array([1.0, 2.0, 3.0])
    f = lambda v: jnp.sin(v) * v  # noqa: E731
    _assert_array(vmapx.vmap(f)(x), (3,), np.float64)
    _assert_array(vmapx.grad(lambda v: f(v).sum())(x), (3,), np.float64)
    primal, tangent = vmapx.jvp(f, (x,), (np.ones(3),))
    _assert_array(primal, (3,), np.float64)
    _assert_array(tangent, (3,), np.float64)
    out, pullback = vmapx.vjp(f, x)
    _assert_array(out, (3,), np.float64)
    _assert_array(pullback(np.ones(3))[0], (3,), np.float64)
    _assert_array(vmapx.jacfwd(f)(x), (3, 3), np.float64)
    _assert_array(vmapx.jacrev(f)(x), (3, 3), np.float64)
    _assert_array(vmapx.hessian(lambda v: f(v).sum())(x), (3, 3), np.float64)
    value, g = vmapx.value_and_grad(lambda v: f(v).sum())(x)
    _assert_array(value, (), np.float64)
    _assert_array(g, (3,), np.float64)


def test_jit_results_are_arrays_before_and_after_compilation():
    jf = vmapx.jit(lambda v, w: (v * 2.0, v, w.sum(), v[0]))
    for _ in range(12):  # interpreted first, then compiled to Python source
        doubled, same, total, first = jf(np.ones(3), np.ones(2))
        _assert_array(doubled, (3,), np.float64)
        _assert_array(same, (3,), np.float64)
        _assert_array(total, (), np.float64)
        _assert_array(first, (), np.float64)


def test_array_mixed_with_ndarrays_stays_an_array_as_numpy_subclasses_do():
    a, b = jnp.arange(3.0), np.ones(3)
    for out in (a + b, b + a, b * a, np.exp(a), a @ np.eye(3), np.maximum(b, a), a.reshape(3, 1)):
        assert type(out) is vmapx.Array
        out.at[0].set(7.0)
    # Full reductions give 0-d Arrays (NumPy's rule for subclasses); items are scalars.
    total = a.sum()
    assert type(total) is vmapx.Array and total.shape == () and float(total) == 3.0
    assert type(a[1]) is np.float64
    assert type(np.asarray(a)) is np.ndarray  # the way back to a plain ndarray


def test_tracers_hold_plain_ndarrays_when_an_array_is_closed_over():
    w = vmapx.random.normal(vmapx.random.PRNGKey(1), (3,))
    seen = []

    def f(x):
        y = x * w
        seen.append(type(y.val))
        return y

    out = vmapx.vmap(f)(np.ones((2, 3)))
    assert seen == [np.ndarray]
    _assert_array(out, (2, 3), np.float64)
    np.testing.assert_array_equal(out, np.stack([np.asarray(w)] * 2))


def test_arrays_report_their_device_and_sharding_as_jax_arrays_do():
    x = vmapx.random.uniform(vmapx.random.PRNGKey(0), (2,))
    assert x.devices() == {vmapx.devices()[0]}
    assert x.sharding.device_set == {vmapx.devices()[0]}
    assert repr(x.sharding) == "SingleDeviceSharding(device=CpuDevice(id=0), memory_kind=device)"


def test_augmented_assignment_makes_a_new_array_as_in_jax():
    import vmapx.numpy as jnp
    a = jnp.array([10, 20])
    b = a
    b += 10
    assert a.tolist() == [10, 20] and b.tolist() == [20, 30]
    history, x = [], jnp.zeros(2)
    for _ in range(3):
        history.append(x)
        x += 1.0
    assert [h.tolist() for h in history] == [[0, 0], [1, 1], [2, 2]]
    i = jnp.arange(3)
    i += 0.5                      # promotes, as JAX does (NumPy would refuse the cast)
    assert i.dtype == np.float64 and i.tolist() == [0.5, 1.5, 2.5]
    m = jnp.eye(2)
    m @= jnp.array([[1.0, 2.0], [3.0, 4.0]])
    assert m.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    for op in ("-=", "*=", "/=", "//=", "%=", "**="):
        y = jnp.array([4.0, 6.0])
        z = y
        exec(f"z {op} 2.0")
        assert y.tolist() == [4.0, 6.0]


def test_item_assignment_still_writes_in_place():
    import vmapx.numpy as jnp
    a = jnp.zeros(3)
    b = a
    b[1] = 5.0
    b[2] += 1.0
    assert a.tolist() == [0.0, 5.0, 1.0]


def test_augmented_assignment_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import vmapx.numpy as vjnp
    for mod in (jax.numpy, vjnp):
        x = mod.arange(4)
        y = x
        y += 1.5
        assert np.asarray(x).tolist() == [0, 1, 2, 3]
        assert np.asarray(y).dtype == np.float64
