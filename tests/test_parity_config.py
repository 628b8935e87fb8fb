"""JAX's scoped configuration setters (``vmapx.numpy_rank_promotion`` and friends):
context managers and decorators that set an option for a scope and restore it."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp


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


def test_rank_promotion_raise_and_warn():
    import warnings
    rank2, rank1, rank0 = np.zeros((2, 3)), np.zeros(3), np.float64(1.0)
    with vmapx.numpy_rank_promotion("raise"):
        with pytest.raises(ValueError, match=r"for add on shapes \(2, 3\) \(3,\) and with the "
                                             r"config option jax_numpy_rank_promotion='raise'"):
            jnp.add(rank2, rank1)
        with pytest.raises(ValueError, match="for multiply"):
            vmapx.jit(lambda a, b: a * b)(rank2, rank1)     # operators of traced values
        with pytest.raises(ValueError, match="for where"):
            jnp.where(rank1 > 0, rank2, 0.0)
        np.testing.assert_array_equal(jnp.add(rank2, rank0), rank2 + 1)   # scalars are free
        np.testing.assert_array_equal(jnp.add(rank2, rank2), 2 * rank2)
        # under vmap the per-example ranks count: (3,) + (3,) is fine
        np.testing.assert_array_equal(vmapx.vmap(jnp.add)(rank2, rank2), 2 * rank2)
        f = jnp.vectorize(jnp.add, signature="(),()->()")
        with pytest.raises(ValueError, match=r"require rank promotion for jnp.vectorize"):
            f(rank2, rank1)
        f(rank2, rank0)
        jnp.vectorize(jnp.add, signature="(n),()->(n)")(np.zeros((3, 2)), rank1)
    assert vmapx.config.jax_numpy_rank_promotion == "allow"
    np.testing.assert_array_equal(jnp.add(rank2, rank1), rank2)        # restored
    with vmapx.numpy_rank_promotion("warn"):
        with pytest.warns(UserWarning, match="Following NumPy automatic rank promotion for add"):
            jnp.add(rank2, rank1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jnp.add(rank2, rank1)
    with pytest.raises(ValueError, match="new enum value must be in"):
        vmapx.config.update("jax_numpy_rank_promotion", "sometimes")


def test_scoped_settings_hold_in_their_thread_only():
    import threading
    seen = {}
    inside = threading.Event()
    done = threading.Event()

    def other():
        inside.wait()
        seen["mode"] = vmapx.config.jax_numpy_rank_promotion
        seen["add"] = jnp.add(np.ones(3), np.ones((2, 3))).shape   # not checked here
        done.set()

    t = threading.Thread(target=other)
    t.start()
    with vmapx.numpy_rank_promotion("raise"), vmapx.legacy_prng_key("error"):
        assert vmapx.config.jax_numpy_rank_promotion == "raise"
        assert vmapx.config.values["jax_legacy_prng_key"] == "error"
        inside.set()
        done.wait(10)
        with pytest.raises(ValueError, match="jax_numpy_rank_promotion='raise'"):
            jnp.add(np.ones(3), np.ones((2, 3)))
    t.join()
    assert seen == {"mode": "allow", "add": (2, 3)}
    assert vmapx.config.jax_legacy_prng_key == "allow"
    jnp.add(np.ones(3), np.ones((2, 3)))
