"""vmapx.custom_batching: custom_vmap rules are used under vmap (and under vmap of
jvp / jvp of vmap); sequential_vmap equals the loop."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx.custom_batching import custom_vmap, sequential_vmap


def _sin_with_cos_rule(log=None):
    @custom_vmap
    def f(x):
        return jnp.sin(x)

    @f.def_vmap
    def rule(axis_size, in_batched, xs):
        if log is not None:
            log.append((axis_size, in_batched))
        return jnp.cos(xs), in_batched[0]

    return f


def test_unbatched_call_runs_the_function_and_vmap_runs_the_rule():
    log = []
    f = _sin_with_cos_rule(log)
    np.testing.assert_allclose(f(1.0), np.sin(1.0))
    xs = np.arange(3.0)
    ys = vmapx.vmap(f)(xs)
    assert ys.shape == (3,) and ys.dtype == np.float64
    np.testing.assert_allclose(ys, np.cos(xs))
    (size, in_batched), = log
    assert type(size) is int and size == 3
    assert type(in_batched) is list and in_batched == [True]


def test_rule_gets_batch_axis_first_and_mixed_in_batched():
    log = []

    @custom_vmap
    def dot(u, v):
        return u @ v

    @dot.def_vmap
    def rule(axis_size, in_batched, u, v):
        log.append(list(in_batched))
        ub, vb = in_batched
        out = jnp.sum(u * v, axis=-1) if ub and vb else (u @ v if ub else v @ u)
        return out, ub or vb

    u, v = np.arange(12.0).reshape(3, 4), np.arange(4.0)
    np.testing.assert_allclose(vmapx.vmap(dot, in_axes=(1, None))(u.T, v), u @ v)
    np.testing.assert_allclose(vmapx.vmap(dot, in_axes=(0, 0))(u, u), (u * u).sum(1))
    assert log == [[True, False], [True, True]]


def test_jvp_of_vmap_and_vmap_of_jvp_differentiate_the_rule():
    f = _sin_with_cos_rule()
    xs, ts = np.arange(3.0), np.array([1.0, 2.0, 3.0])
    ys, tys = vmapx.jvp(vmapx.vmap(f), [xs], [ts])
    np.testing.assert_allclose(ys, np.cos(xs))
    np.testing.assert_allclose(tys, -np.sin(xs) * ts)
    ys2, tys2 = vmapx.vmap(lambda x, t: vmapx.jvp(f, [x], [t]))(xs, ts)
    np.testing.assert_allclose(ys2, ys)
    np.testing.assert_allclose(tys2, tys)


def test_extra_batched_tangents_keep_primal_unbatched():
    f = _sin_with_cos_rule()
    ts = np.arange(3.0) + 2.0
    y, tys = vmapx.vmap(lambda x, t: vmapx.jvp(f, [x], [t]), in_axes=(None, 0),
                        out_axes=(None, 0))(1.0, ts)
    assert y.shape == () and tys.shape == (3,)
    np.testing.assert_allclose(y, np.cos(1.0))
    np.testing.assert_allclose(tys, -np.sin(1.0) * ts)


def test_jacfwd_uses_the_rule():
    f = _sin_with_cos_rule()
    x = np.arange(3.0) + 0.5
    np.testing.assert_allclose(vmapx.jacfwd(f)(x), -np.diag(np.sin(x)))


def test_reverse_mode_is_an_error_with_jaxs_message():
    f = _sin_with_cos_rule()
    with pytest.raises(ValueError, match="Linearization failed to produce known values"):
        vmapx.grad(f)(0.5)


def test_rule_structure_errors():
    @custom_vmap
    def f(x):
        return jnp.sin(x)

    @f.def_vmap
    def bad_spec(axis_size, in_batched, xs):
        return [jnp.sin(xs), jnp.cos(xs)], in_batched

    with pytest.raises(ValueError, match=r"output batching specification returned by "
                                         r"custom vmap rule \(bad_spec\) do not match"):
        vmapx.vmap(f)(np.arange(3.0))

    @f.def_vmap
    def bad_out(axis_size, in_batched, xs):
        return [jnp.sin(xs)], in_batched

    with pytest.raises(ValueError, match=r"rule \(bad_out\) does not match that of original"):
        vmapx.vmap(f)(np.arange(3.0))


def test_undefined_rule_and_unresolvable_arguments():
    @custom_vmap
    def f(x, y, *, z=None):
        return x * y

    with pytest.raises(AttributeError, match="No batching rule defined for custom_vmap "
                                             "function f"):
        f(1.0, 2.0)
    f.def_vmap(lambda n, b, x, y: (x * y, True))
    with pytest.raises(TypeError, match="missing a required argument: 'y'"):
        f(0.5)
    with pytest.raises(TypeError, match="could not be resolved to positions: z"):
        f(0.5, 0.1, z=1.0)


def test_custom_vjp_over_custom_vmap_keeps_def_vmap():
    @vmapx.custom_vjp
    @custom_vmap
    def f(x, y):
        return jnp.sin(x) * y

    @f.def_vmap
    def rule(axis_size, in_batched, xs, ys):
        return jnp.cos(xs) * ys, True

    f.defvjp(lambda x, y: (f(x, y), (jnp.cos(x), jnp.sin(x), y)),
             lambda res, g: (res[0] * g * res[2], res[1] * g))
    xs, ys = np.linspace(0, 1, 4), np.linspace(-0.1, 0.1, 4)
    np.testing.assert_allclose(vmapx.vmap(f)(xs, ys), np.cos(xs) * ys)
    np.testing.assert_allclose(vmapx.grad(f)(0.3, 2.0), np.cos(0.3) * 2.0)


def test_sequential_vmap_equals_the_loop_and_lax_map():
    calls = []

    @sequential_vmap
    def f(x, y):
        calls.append(np.shape(x))
        assert np.ndim(x) == 0
        return x * y + 1.0

    xs = np.arange(4.0)
    got = vmapx.vmap(f, in_axes=(0, None))(xs, 3.0)
    assert got.shape == (4,) and got.dtype == np.float64
    np.testing.assert_allclose(got, np.stack([f(x, 3.0) for x in xs]))
    np.testing.assert_allclose(got, lax.map(lambda x: f(x, 3.0), xs))
    assert set(calls) == {()}
    assert (str(vmapx.make_jaxpr(vmapx.vmap(f, in_axes=(0, None)))(xs, 3.0))
            == str(vmapx.make_jaxpr(lambda xs, y: lax.map(lambda x: f(x, y), xs))(xs, 3.0)))
