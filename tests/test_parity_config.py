"""JAX's scoped configuration setters (``vmapx.numpy_rank_promotion`` and friends):
context managers and decorators that set an option for a scope and restore it."""
import numpy as np
import pytest

import vmapx


@pytest.mark.parametrize("setter, option, value", [
    (vmapx.numpy_rank_promotion, "jax_numpy_rank_promotion", "allow"),
    (vmapx.numpy_dtype_promotion, "jax_numpy_dtype_promotion", "standard"),
    (vmapx.default_matmul_precision, "jax_default_matmul_precision", "float32"),
    (vmapx.legacy_prng_key, "jax_legacy_prng_key", "error"),
    (vmapx.enable_checks, "jax_enable_checks", True),
])
def test_scoped_setter_sets_and_restores(setter, option, value):
    before = vmapx.config.values[option]
    with setter(value):
        assert vmapx.config.values[option] == value
    assert vmapx.config.values[option] == before

    @setter(value)
    def read():
        return vmapx.config.values[option]

    assert read() == value
    assert vmapx.config.values[option] == before


def test_scoped_setter_restores_after_an_exception():
    before = vmapx.config.values["jax_default_matmul_precision"]
    with pytest.raises(RuntimeError):
        with vmapx.default_matmul_precision("highest"):
            raise RuntimeError
    assert vmapx.config.values["jax_default_matmul_precision"] == before


def test_unsupported_modes_are_refused():
    with pytest.raises(NotImplementedError, match="always broadcasts ranks"):
        with vmapx.numpy_rank_promotion("raise"):
            pass
    with pytest.raises(NotImplementedError, match="'standard' mode"):
        with vmapx.numpy_dtype_promotion("strict"):
            pass
    with pytest.raises(ValueError, match="new enum value must be in"):
        with vmapx.legacy_prng_key("sometimes"):
            pass


def test_vmap_under_a_decorated_test_method_still_works():
    @vmapx.numpy_rank_promotion("allow")
    def f(xs):
        return vmapx.vmap(lambda x: x + np.ones(3))(xs)

    np.testing.assert_array_equal(f(np.zeros((2, 3))), np.ones((2, 3)))
