"""``vmapx.scipy.optimize.minimize``: BFGS and the experimental L-BFGS against
JAX (x64) on standard test functions, SciPy's minimiser on the solution, and
the transforms (``vmap`` over ``x0`` and ``args`` against the loop, ``jit``
against eager)."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.scipy.optimize import OptimizeResults, minimize

LBFGS = "l-bfgs-experimental-do-not-rely-on-this"


def rosenbrock(np_):
    return lambda x: np_.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def himmelblau(np_):
    return lambda p: (p[0] ** 2 + p[1] - 11.0) ** 2 + (p[0] + p[1] ** 2 - 7.0) ** 2


def eggholder(np_):
    def f(p):
        x, y = p[0], p[1] + 47.0
        return (-y * np_.sin(np_.sqrt(np_.abs(x / 2.0 + y)))
                - x * np_.sin(np_.sqrt(np_.abs(x - y))))
    return f


def quadratic(np_):
    return lambda x, c: np_.sum((x - c) ** 2 * np_.arange(1.0, x.shape[0] + 1.0))


PROBLEMS = [("rosenbrock", rosenbrock, [-1.2, 1.0, 0.5, 2.0]),
            ("himmelblau", himmelblau, [1.0, 1.0]),
            ("eggholder", eggholder, [10.0, 20.0])]


def _as_numpy(results):
    return {f: None if getattr(results, f) is None else np.asarray(getattr(results, f))
            for f in OptimizeResults._fields}


@pytest.mark.parametrize("method", ["BFGS", LBFGS])
@pytest.mark.parametrize("name,make,x0", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_minimize_matches_jax_in_float64(name, make, x0, method):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jax_np
    from jax.scipy.optimize import minimize as jax_minimize
    ours = _as_numpy(minimize(make(jnp), np.array(x0), method=method))
    theirs = _as_numpy(jax_minimize(make(jax_np), jax_np.array(x0), method=method))
    for field in OptimizeResults._fields:
        a, b = ours[field], theirs[field]
        if b is None:
            assert a is None, field
            continue
        assert a.shape == b.shape and a.dtype == b.dtype, field
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10, err_msg=field)


def test_minimize_bfgs_finds_scipys_minimum():
    import scipy.optimize
    x0 = np.array([1.0, 1.0])
    r = minimize(himmelblau(jnp), x0, method="BFGS")
    ref = scipy.optimize.minimize(himmelblau(np), x0, method="BFGS")
    assert bool(r.success) and int(r.status) == 0
    np.testing.assert_allclose(np.asarray(r.x), ref.x, atol=1e-5)
    np.testing.assert_allclose(np.asarray(r.x), [3.0, 2.0], atol=1e-5)
    assert np.abs(np.asarray(r.jac)).max() < 1e-5


def test_a_failed_line_search_is_reported_as_jax_does():
    """BFGS from (-1.2, 1) on the 2-D Rosenbrock function stops when the zoom
    fails (status 2 + 1), as JAX's does (pinned against JAX above)."""
    r = minimize(rosenbrock(jnp), np.array([-1.2, 1.0]), method="BFGS")
    assert int(r.status) == 3 and not bool(r.success)


def test_minimize_results_are_a_pytree_of_arrays_with_jax_dtypes():
    r = minimize(himmelblau(jnp), np.array([1.0, 1.0]), method="BFGS")
    assert isinstance(r, OptimizeResults)
    assert type(r.x) is vmapx.Array and r.x.dtype == np.float64 and r.x.shape == (2,)
    assert r.success.dtype == np.bool_ and r.status.dtype == np.int64
    assert r.hess_inv.shape == (2, 2)
    assert r.nfev.dtype == np.int64 and r.njev.dtype == np.int64 and r.nit.dtype == np.int64
    assert int(r.nfev) == int(r.njev) >= int(r.nit) > 0


@pytest.mark.parametrize("method", ["BFGS", LBFGS])
def test_float32_x0_gives_float32_results(method):
    r = minimize(himmelblau(jnp), np.array([1.0, 1.0], np.float32), method=method)
    assert r.x.dtype == np.float32 and r.fun.dtype == np.float32 and r.jac.dtype == np.float32
    assert bool(r.success)
    np.testing.assert_allclose(np.asarray(r.x), [3.0, 2.0], atol=1e-4)


@pytest.mark.parametrize("method", ["BFGS", LBFGS])
def test_vmap_over_x0_equals_the_loop(method):
    starts = np.array([[-1.2, 1.0, 0.5], [0.0, 0.0, 0.0], [2.0, 2.0, 2.0]])
    solve = lambda x0: minimize(rosenbrock(jnp), x0, method=method)   # noqa: E731
    batched = vmapx.vmap(solve)(starts)
    for field in OptimizeResults._fields:
        got = getattr(batched, field)
        if got is None:
            continue
        looped = np.stack([np.asarray(getattr(solve(x0), field)) for x0 in starts])
        assert np.asarray(got).shape == looped.shape and np.asarray(got).dtype == looped.dtype
        np.testing.assert_allclose(np.asarray(got), looped, rtol=1e-12, atol=1e-14,
                                   err_msg=field)
    # the examples took different numbers of iterations, each its own
    assert len(set(np.asarray(batched.nit).tolist())) > 1


def test_vmap_over_args_equals_the_loop():
    centres = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
    solve = lambda c: minimize(quadratic(jnp), jnp.zeros(3), (c,), method="BFGS").x  # noqa: E731
    batched = np.asarray(vmapx.vmap(solve)(centres))
    looped = np.stack([np.asarray(solve(c)) for c in centres])
    assert batched.shape == looped.shape == (2, 3)
    np.testing.assert_allclose(batched, looped, rtol=1e-12)
    np.testing.assert_allclose(batched, centres, atol=1e-5)   # gtol=1e-5


@pytest.mark.parametrize("method", ["BFGS", LBFGS])
def test_jit_equals_eager(method):
    x0 = np.array([-1.2, 1.0, 0.5, 2.0])
    eager = minimize(rosenbrock(jnp), x0, method=method)
    jitted = vmapx.jit(lambda x: minimize(rosenbrock(jnp), x, method=method))(x0)
    for field in OptimizeResults._fields:
        a, b = getattr(eager, field), getattr(jitted, field)
        if a is None:
            assert b is None
            continue
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-12, err_msg=field)


def test_maxiter_option_stops_with_status_1():
    r = minimize(rosenbrock(jnp), np.array([-1.2, 1.0]), method="BFGS",
                 options={"maxiter": 3})
    assert int(r.nit) == 3 and int(r.status) == 1 and not bool(r.success)


def test_method_name_is_case_insensitive_and_checked():
    r = minimize(himmelblau(jnp), np.array([1.0, 1.0]), method="bfgs")
    assert bool(r.success)
    with pytest.raises(ValueError, match="Method Newton-CG not recognized"):
        minimize(himmelblau(jnp), np.array([1.0, 1.0]), method="Newton-CG")


def test_args_must_be_a_tuple():
    with pytest.raises(TypeError, match="args argument to .*minimize must be a tuple"):
        minimize(quadratic(jnp), np.zeros(2), [np.ones(2)], method="BFGS")
