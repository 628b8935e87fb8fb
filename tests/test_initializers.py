"""``vmapx.nn.initializers``: JAX's initializers, JAX's values for the same key.

Hard-coded reference values below were produced by JAX 0.10.2 with
``jax_enable_x64=True`` (``jax.nn.initializers``, key ``PRNGKey(42)``).  With
JAX installed, every initializer is also compared with it directly.
"""
import numpy as np
import pytest

import vmapx
from vmapx import random
from vmapx.nn import initializers as init

KEY = random.PRNGKey(42)


def _assert_array(x, shape, dtype):
    assert type(x) is vmapx.Array
    assert x.shape == shape and x.dtype == dtype


def test_glorot_uniform_is_jax_bit_for_bit():
    w = init.glorot_uniform()(KEY, (2, 3))
    _assert_array(w, (2, 3), np.float64)
    np.testing.assert_array_equal(w, [[-0.16053185835655454, -1.0625597003572986,
                                       0.16244228078666093],
                                      [0.5035079759024822, 0.41144993279659403,
                                       0.31535179249633755]])


def test_uniform_float32_is_jax_bit_for_bit():
    w = init.uniform(2.0)(KEY, (3,), np.float32)
    _assert_array(w, (3,), np.float32)
    np.testing.assert_array_equal(w, np.array([0.9774191379547119, 1.3595943450927734,
                                               1.2325429916381836], np.float32))


def test_complex_variance_scaling_uniform_is_jax_bit_for_bit():
    w = init.variance_scaling(1.0, "fan_in", "uniform")(KEY, (2, 2), np.complex128)
    _assert_array(w, (2, 2), np.complex128)
    np.testing.assert_array_equal(
        w, [[-0.024028971942065852 - 0.4848634207852085j, -0.6027703618237628 - 0.1840102615309868j],
            [0.9082386439637451 + 0.3588541411250997j, -0.28487200686921244 + 0.5855131933366035j]])


def test_he_normal_matches_jax_to_rounding():
    w = init.he_normal()(KEY, (2, 3))
    _assert_array(w, (2, 3), np.float64)
    np.testing.assert_allclose(w, [[-0.20033253597379388, -2.030021558632832,
                                    0.20274189246826677],
                                   [0.6604485423606329, 0.5293360729996152,
                                    0.39958717082402606]], rtol=1e-15)


def test_constants_and_default_dtype_is_float64():
    _assert_array(init.zeros(KEY, (2, 3)), (2, 3), np.float64)
    _assert_array(init.ones(KEY, 4, np.float32), (4,), np.float32)
    c = init.constant(-7)(KEY, (2,))
    _assert_array(c, (2,), np.float64)
    np.testing.assert_array_equal(c, [-7.0, -7.0])
    np.testing.assert_array_equal(init.constant(3, np.int32)(KEY, (2,)), [3, 3])


@pytest.mark.parametrize("name, scale, mode", [
    ("glorot_uniform", 1.0, "fan_avg"), ("glorot_normal", 1.0, "fan_avg"),
    ("lecun_uniform", 1.0, "fan_in"), ("lecun_normal", 1.0, "fan_in"),
    ("he_uniform", 2.0, "fan_in"), ("he_normal", 2.0, "fan_in")])
def test_named_initializers_have_their_variance(name, scale, mode):
    shape = (300, 200)
    w = getattr(init, name)()(KEY, shape)
    _assert_array(w, shape, np.float64)
    fan = {"fan_in": 300, "fan_avg": 250}[mode]
    assert abs(w.var() / (scale / fan) - 1) < 0.03
    assert abs(w.mean()) < 0.01


def test_aliases_are_the_same_initializers():
    assert init.xavier_uniform is init.glorot_uniform
    assert init.xavier_normal is init.glorot_normal
    assert init.kaiming_uniform is init.he_uniform
    assert init.kaiming_normal is init.he_normal


def test_variance_scaling_fans_with_receptive_field_and_axes():
    # A 3x3 conv kernel with 4 inputs and 8 outputs: fan_in = 36, fan_out = 72.
    w = init.variance_scaling(1.0, "fan_in", "normal")(KEY, (3, 3, 4, 8))
    assert abs(np.sqrt(w.var()) * 6 - 1) < 0.15
    w = init.variance_scaling(1.0, "fan_out", "uniform", in_axis=0, out_axis=1)(KEY, (100, 400))
    assert abs(w.var() * 400 - 1) < 0.05
    w = init.variance_scaling(1.0, "fan_in", "uniform", batch_axis=0)(KEY, (7, 200, 3))
    assert abs(w.var() * 200 - 1) < 0.05


def test_truncated_normal_stays_within_its_bounds():
    w = init.truncated_normal(0.5, lower=-1.0, upper=0.5)(KEY, (5000,))
    assert w.min() > -0.5 and w.max() < 0.25
    v = init.variance_scaling(1.0, "fan_in", "truncated_normal")(KEY, (100, 50))
    assert np.abs(v).max() < 2 * 0.1 / 0.87962566103423978


@pytest.mark.parametrize("shape, column_axis", [((5, 3), -1), ((3, 5), -1), ((4, 2, 3), 0)])
def test_orthogonal_gives_orthonormal_columns_or_rows(shape, column_axis):
    w = init.orthogonal(2.0, column_axis=column_axis)(KEY, shape)
    _assert_array(w, shape, np.float64)
    m = np.moveaxis(np.asarray(w), column_axis, -1).reshape(-1, shape[column_axis]) / 2.0
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-12)


def test_delta_orthogonal_puts_an_orthogonal_matrix_at_the_center():
    w = init.delta_orthogonal()(KEY, (3, 3, 2, 4))
    _assert_array(w, (3, 3, 2, 4), np.float64)
    center = np.asarray(w[1, 1])
    np.testing.assert_allclose(center @ center.T, np.eye(2), atol=1e-12)
    rest = np.asarray(w).copy()
    rest[1, 1] = 0
    assert not rest.any()


def test_errors():
    with pytest.raises(ValueError, match="Can't compute input and output sizes of a 1-dim"):
        init.glorot_uniform()(KEY, (5,))
    with pytest.raises(ValueError, match="invalid mode for variance scaling initializer: x"):
        init.variance_scaling(1.0, "x", "normal")(KEY, (2, 2))
    with pytest.raises(ValueError, match="invalid distribution for variance scaling"):
        init.variance_scaling(1.0, "fan_in", "x")(KEY, (2, 2))
    with pytest.raises(ValueError, match="orthogonal initializer requires at least a 2D shape"):
        init.orthogonal()(KEY, (3,))
    with pytest.raises(ValueError, match="requires a 3D, 4D or 5D shape"):
        init.delta_orthogonal()(KEY, (3, 3))
    with pytest.raises(ValueError, match="`fan_in` must be less or equal than `fan_out`"):
        init.delta_orthogonal()(KEY, (3, 4, 2))


def test_initializers_under_vmap_over_keys_equal_the_loop():
    keys = random.split(KEY, 3)
    for make in (init.glorot_normal(), init.uniform(), init.he_uniform()):
        batched = vmapx.vmap(lambda k: make(k, (4, 3)))(keys)
        looped = np.stack([make(k, (4, 3)) for k in keys])
        assert batched.shape == looped.shape == (3, 4, 3)
        assert batched.dtype == looped.dtype
        np.testing.assert_array_equal(batched, looped)


def test_init_results_take_at_updates():
    w = init.normal()(KEY, (2, 2))
    w2 = w.at[0, 0].set(1.0)
    assert type(w2) is vmapx.Array and w2[0, 0] == 1.0


CASES = [
    ("zeros", lambda I: I.zeros, (2, 3), None, True),
    ("constant", lambda I: I.constant(-7), (2, 3), None, True),
    ("uniform", lambda I: I.uniform(), (4, 5), None, True),
    ("uniform32", lambda I: I.uniform(3.0), (4, 5), np.float32, True),
    ("normal", lambda I: I.normal(), (4, 5), None, False),
    ("truncated_normal", lambda I: I.truncated_normal(2.0, lower=-1.0, upper=0.5), (7,), None,
     False),
    ("glorot_uniform", lambda I: I.glorot_uniform(), (30, 20), None, True),
    ("glorot_normal", lambda I: I.glorot_normal(), (30, 20), None, False),
    ("lecun_uniform", lambda I: I.lecun_uniform(), (3, 3, 4, 8), None, True),
    ("lecun_normal", lambda I: I.lecun_normal(), (3, 3, 4, 8), None, False),
    ("he_uniform", lambda I: I.he_uniform(), (5, 6), None, True),
    ("he_normal", lambda I: I.he_normal(), (5, 6), None, False),
    ("geo_avg", lambda I: I.variance_scaling(0.5, "fan_geo_avg", "uniform", in_axis=0,
                                              out_axis=(1, 2)), (5, 6, 2), None, True),
    ("batch_axis", lambda I: I.variance_scaling(1.0, "fan_avg", "truncated_normal",
                                                 batch_axis=0), (3, 5, 6), None, False),
    ("complex_uniform", lambda I: I.variance_scaling(1.0, "fan_in", "uniform"), (4, 3),
     np.complex128, True),
    ("complex_truncated", lambda I: I.variance_scaling(1.0, "fan_in", "truncated_normal"),
     (4, 3), np.complex128, False),
    ("orthogonal", lambda I: I.orthogonal(2.0), (3, 6), None, False),
    ("orthogonal_axis0", lambda I: I.orthogonal(column_axis=0), (3, 2, 4), None, False),
    ("delta_orthogonal", lambda I: I.delta_orthogonal(), (3, 3, 2, 4), None, False),
]


@pytest.mark.parametrize("name, make, shape, dtype, exact", CASES, ids=[c[0] for c in CASES])
def test_every_initializer_matches_jax_x64(name, make, shape, dtype, exact):
    jax = pytest.importorskip("jax")
    kw = {} if dtype is None else {"dtype": dtype}
    with jax.enable_x64(True):
        want = np.asarray(make(jax.nn.initializers)(jax.random.PRNGKey(42), shape, **kw))
    got = make(init)(KEY, shape, **kw)
    _assert_array(got, want.shape, want.dtype)
    if exact:
        np.testing.assert_array_equal(got, want)
    else:  # normal draws and QR: JAX's values to the last bits
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
