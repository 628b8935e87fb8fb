"""``lax.cond`` behaviours JAX documents and vmapx matches: operands passed through
unchanged stay as they are (unbatched stays unbatched), and a batched predicate
guards the derivatives of the branch that is not taken."""
import warnings

import numpy as np

import vmapx
import vmapx.numpy as jnp
from vmapx import lax


def _pass_y_through(x, y):
    return lax.cond(x < 3, lambda x, y: (x * 2, y), lambda x, y: (x * 3, y), x, y)


def test_cond_operand_passed_through_stays_unbatched_under_vmap():
    x, y = np.arange(5), np.array(3.0)
    x2, y2 = vmapx.vmap(_pass_y_through, in_axes=(0, None), out_axes=(0, None))(x, y)
    loop = [_pass_y_through(xi, y) for xi in x]
    assert x2.shape == (5,) and x2.dtype == np.int64
    assert y2.shape == () and y2.dtype == np.float64
    np.testing.assert_array_equal(x2, np.stack([a for a, _ in loop]))
    np.testing.assert_array_equal(y2, y)


def test_cond_forwarded_operand_is_not_staged_into_the_cond():
    text = str(vmapx.make_jaxpr(_pass_y_through)(1, 2.0))
    assert text.rstrip().endswith("in (e, b) }"), text


def test_cond_forwarded_concrete_operand_is_a_copy():
    y = np.array([1.0, 2.0])
    out = lax.cond(True, lambda a: a, lambda a: a, y)
    np.testing.assert_array_equal(out, y)
    out[0] = 7.0
    assert y[0] == 1.0


def _safe_sqrt(x):
    eps = 1e-3
    return lax.cond(x < eps, lambda _: eps, lambda _: jnp.sqrt(x), ())


def _loop_grad(xs):
    return np.stack([vmapx.grad(_safe_sqrt)(x) for x in xs])


def test_grad_of_vmapped_cond_guarding_sqrt_has_no_nan():
    xs = np.array([0.0, 0.0, 4.0, 1e-4])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = vmapx.grad(lambda x: vmapx.vmap(_safe_sqrt)(x).sum())(xs)
        swapped = vmapx.vmap(vmapx.grad(_safe_sqrt))(xs)
    assert got.shape == swapped.shape == (4,)
    assert not np.isnan(got).any() and not np.isnan(swapped).any()
    np.testing.assert_allclose(got, _loop_grad(xs))
    np.testing.assert_allclose(swapped, _loop_grad(xs))


def test_cond_branch_stages_work_on_closed_over_tracers():
    def f(x):
        return lax.cond(x > 0, lambda: jnp.sin(x), lambda: jnp.cos(x))

    text = str(vmapx.make_jaxpr(f)(1.0))
    head = text.split("cond[")[0]
    assert "sin" not in head and "cos" not in head, text
    xs = np.array([-1.0, 2.0])
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(f))(xs),
                               np.stack([vmapx.grad(f)(x) for x in xs]))


def test_jaxpr_equations_name_their_primitive_and_lax_exports_control_flow_primitives():
    def f(x):
        return lax.while_loop(lambda c: c[0] < 4, lambda c: (c[0] + 1, c[1] + 1), (0, x))

    eqn = vmapx.make_jaxpr(vmapx.vmap(f))(np.arange(3)).jaxpr.eqns[0]
    assert eqn.primitive is lax.while_p
    assert eqn.params["cond_jaxpr"].in_avals[0].shape == ()
    assert lax.cond_p.name == "cond" and lax.scan_p.name == "scan"
