"""Floating-point errors in vmapx's own computations are silent, as in JAX
(NaN / inf results, no RuntimeWarning), under every transform and eagerly; the
user's own NumPy code keeps NumPy's settings."""
import warnings

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

NEG = -np.ones(2)

CASES = {
    "eager ufunc": lambda: jnp.sqrt(-1.0),
    "eager binary": lambda: jnp.divide(1.0, 0.0),
    "eager composite": lambda: jnp.nanmean(jnp.array([np.nan])),
    "nn": lambda: vmapx.nn.softmax(jnp.array([-np.inf, -np.inf])),
    "special": lambda: vmapx.scipy.special.gammaln(-1.0),
    "lax": lambda: lax.log(0.0),
    "jit": lambda: vmapx.jit(jnp.sqrt)(-1.0),
    "vmap": lambda: vmapx.vmap(jnp.sqrt)(NEG),
    "vmap of NumPy code": lambda: vmapx.vmap(lambda v: np.log(v + 1.0))(NEG),
    "grad": lambda: vmapx.grad(jnp.sqrt)(-1.0),
    "grad of where": lambda: vmapx.grad(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0))(-1.0),
    "vjp function": lambda: vmapx.vjp(jnp.sqrt, -1.0)[1](1.0),
    "linearized function": lambda: vmapx.linearize(jnp.sqrt, -1.0)[1](1.0),
    "hessian": lambda: vmapx.hessian(lambda v: jnp.sum(jnp.log(v)))(jnp.zeros(2)),
    "scan": lambda: lax.scan(lambda c, v: (c, jnp.log(v)), 0.0, jnp.zeros(3)),
    "singular inverse": lambda: jnp.linalg.inv(jnp.zeros((2, 2))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_no_floating_point_warning(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = CASES[name]()
    leaves = vmapx.tree.leaves(out)
    assert leaves and all(isinstance(x, (np.ndarray, np.generic, float)) for x in leaves)


def test_results_are_still_nan_and_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = vmapx.vmap(lambda x: jnp.stack([jnp.sqrt(x), jnp.log(x + 1.0), 1.0 / (x + 1.0)]))(
            NEG)
    assert np.isnan(got[:, 0]).all() and np.isneginf(got[:, 1]).all()
    assert np.isposinf(got[:, 2]).all()


def test_the_users_numpy_error_state_is_left_as_it_was():
    before = np.geterr()
    with np.errstate(divide="raise"):
        jnp.log(0.0)                                     # silent inside vmapx
        with pytest.raises(FloatingPointError):
            np.log(np.zeros(1))                          # the user's own call: their setting
    vmapx.jit(jnp.log)(0.0)
    assert np.geterr() == before


def test_error_state_is_restored_when_the_function_raises():
    before = np.geterr()
    with pytest.raises(TypeError):
        vmapx.jit(lambda x: x + "a")(1.0)
    assert np.geterr() == before


def _raises_fpe(f):
    try:
        f()
    except FloatingPointError as e:
        return str(e)
    return None


def test_debug_nans_raises_at_the_operation_that_makes_the_nan():
    with vmapx.debug_nans(True):
        assert "invalid value" in _raises_fpe(lambda: jnp.log(-1.0))
        assert "sqrt" in _raises_fpe(lambda: vmapx.jit(lambda x: jnp.sin(x) + jnp.sqrt(x))(-1.0))
        assert _raises_fpe(lambda: vmapx.vmap(jnp.sqrt)(np.array([1.0, -1.0])))
        assert _raises_fpe(lambda: vmapx.grad(jnp.sqrt)(-1.0))
        assert vmapx.jit(jnp.sqrt)(4.0) == 2.0
    assert np.isnan(jnp.log(-1.0))                      # off again outside the scope


def test_debug_nans_under_jit_checks_results_only():
    """As JAX: a jitted program whose NaN is masked (``where``) does not raise;
    a NaN that comes in as an input is reported against the function."""
    with vmapx.debug_nans(True):
        assert vmapx.jit(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0))(-1.0) == 0.0
        msg = _raises_fpe(lambda: vmapx.jit(lambda x: x * 2, )(np.nan))
    assert msg == "invalid value (nan) encountered in jit(<lambda>)"


def test_debug_infs_raises_on_division_by_zero():
    with vmapx.debug_infs(True):
        assert "divide by zero" in _raises_fpe(lambda: vmapx.jit(lambda x: 1.0 / x)(0.0))
        assert np.isnan(jnp.sqrt(-1.0))                # NaNs are not infinities


def test_debug_nans_from_config_update_holds_process_wide():
    vmapx.config.update("jax_debug_nans", True)
    try:
        assert _raises_fpe(lambda: jnp.sqrt(-1.0))
    finally:
        vmapx.config.update("jax_debug_nans", False)
    assert np.isnan(jnp.sqrt(-1.0))


def test_debug_nans_scope_holds_in_its_thread_only():
    import threading
    entered, done, seen = threading.Event(), threading.Event(), []

    def other():
        entered.wait()
        seen.append(np.isnan(jnp.sqrt(-1.0)))          # not raising here
        done.set()

    t = threading.Thread(target=other)
    t.start()
    with vmapx.debug_nans(True):
        entered.set()
        done.wait()
        assert _raises_fpe(lambda: jnp.sqrt(-1.0))
    t.join()
    assert seen == [True]
