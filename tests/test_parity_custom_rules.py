"""custom_jvp / custom_vjp under vmap when the rules close over the vmap's tracers.

The loop is the oracle: the same function applied example by example.
"""
from functools import partial

import numpy as np

import vmapx
import vmapx.numpy as jnp


def _closing_jvp_fn(x):
    @vmapx.custom_jvp
    def g(y):
        return x * y

    @g.defjvp
    def g_jvp(primals, tangents):
        (y,), (ydot,) = primals, tangents
        return x * y, 3.0 * x * ydot  # a rule different from the true derivative

    return g


def test_custom_jvp_rule_closing_over_vmap_tracer_under_outer_jvp():
    xs = np.arange(3.0, dtype=np.float32)

    def h(z):
        return vmapx.vmap(lambda x: _closing_jvp_fn(x)(z))(xs)

    primal, tangent = vmapx.jvp(h, (np.float32(1.5),), (np.float32(2.0),))
    loop = [vmapx.jvp(lambda z, x=x: _closing_jvp_fn(x)(z), (np.float32(1.5),),
                      (np.float32(2.0),)) for x in xs]
    assert primal.shape == tangent.shape == (3,)
    assert primal.dtype == tangent.dtype == np.float32
    np.testing.assert_allclose(primal, np.stack([p for p, _ in loop]))
    np.testing.assert_allclose(tangent, np.stack([t for _, t in loop]))
    np.testing.assert_allclose(tangent, 3.0 * xs * 2.0)


def test_custom_jvp_rule_closing_over_vmap_tracer_under_grad_of_vmap():
    xs = np.array([0.5, 1.0, 2.0])
    grad_h = vmapx.grad(lambda z: vmapx.vmap(lambda x: _closing_jvp_fn(x)(z))(xs).sum())
    expected = sum(vmapx.grad(lambda z, x=x: _closing_jvp_fn(x)(z))(0.7) for x in xs)
    got = grad_h(0.7)
    assert got.shape == () and got.dtype == np.float64
    np.testing.assert_allclose(got, expected)


def test_custom_vjp_rules_closing_over_vmap_tracer_under_grad():
    def make(x):
        @vmapx.custom_vjp
        def g(y):
            return x * y

        def g_fwd(y):
            return x * y, (x,)

        def g_bwd(res, ct):
            (xx,) = res
            return (2.0 * xx * ct,)  # deliberately twice the true cotangent

        g.defvjp(g_fwd, g_bwd)
        return g

    xs = np.array([1.0, 2.0, 3.0])
    got = vmapx.grad(lambda z: vmapx.vmap(lambda x: make(x)(z))(xs).sum())(3.0)
    loop = sum(vmapx.grad(lambda z, x=x: make(x)(z))(3.0) for x in xs)
    assert got.shape == () and got.dtype == np.float64
    np.testing.assert_allclose(got, loop)
    np.testing.assert_allclose(got, 2.0 * xs.sum())


def test_custom_jvp_batched_nondiff_arg_with_unbatched_jvp_tracer():
    @partial(vmapx.custom_jvp, nondiff_argnums=(0,))
    def f(x, y):
        return x * y

    @f.defjvp
    def f_jvp(x, primals, tangents):
        (y,), (t,) = primals, tangents
        return f(x, y), 5.0 * x * t

    xs = np.array([2.0, -1.0])
    primal, tangent = vmapx.jvp(lambda y: vmapx.vmap(f, in_axes=(0, None))(xs, y),
                                (3.0,), (1.0,))
    loop = [vmapx.jvp(lambda y, x=x: f(x, y), (3.0,), (1.0,)) for x in xs]
    assert primal.shape == tangent.shape == (2,)
    np.testing.assert_allclose(primal, np.stack([p for p, _ in loop]))
    np.testing.assert_allclose(tangent, np.stack([t for _, t in loop]))


def test_custom_jvp_with_unbatched_inputs_keeps_unbatched_output_in_vmap():
    @vmapx.custom_jvp
    def f(y):
        return jnp.sin(y)

    f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * t[0]))
    out = vmapx.vmap(lambda x: x + f(1.0))(np.arange(3.0))
    np.testing.assert_allclose(out, np.arange(3.0) + np.sin(1.0))
    pair = vmapx.vmap(lambda x: (x, f(1.0)), out_axes=(0, None))(np.arange(3.0))
    assert pair[1].shape == ()


# ------------------------------------------------------------- symbolic zeros

from vmapx.custom_derivatives import (CustomVJPPrimal, SymbolicZero,  # noqa: E402
                                      zero_from_primal)


def _symbolic_jvp_fn(seen):
    @vmapx.custom_jvp
    def f(x, y):
        return x * y

    @partial(f.defjvp, symbolic_zeros=True)
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        seen.append((type(tx), type(ty)))
        if type(ty) is SymbolicZero:
            assert ty.shape == np.shape(y)
            return f(x, y), tx * y
        return f(x, y), tx * y + x * ty

    return f


def test_custom_jvp_symbolic_zeros_reach_the_rule_under_vmap_and_jit():
    seen = []
    f = _symbolic_jvp_fn(seen)
    xs, ys = np.arange(3.0), np.array([2.0, 3.0, 4.0])
    for wrap in (lambda g: g, vmapx.jit):
        seen.clear()
        primal, tangent = vmapx.jvp(wrap(lambda x: vmapx.vmap(f)(x, ys)), (xs,), (np.ones(3),))
        np.testing.assert_allclose(primal, xs * ys)
        np.testing.assert_allclose(tangent, ys)
        assert seen and all(t is SymbolicZero for _, t in seen)
        assert all(t is not SymbolicZero for t, _ in seen)


def test_custom_jvp_symbolic_zero_output_tangent_stays_symbolic():
    seen = []

    @vmapx.custom_jvp
    def f(x, y):
        return y

    @partial(f.defjvp, symbolic_zeros=True)
    def f_jvp(primals, tangents):
        seen.append(type(tangents[1]))
        return primals[1], tangents[1]

    primal, tangent = vmapx.jvp(vmapx.vmap(lambda x: f(x, f(x, 1.0))), (np.ones(3),),
                                (np.ones(3),))
    np.testing.assert_allclose(primal, np.ones(3))
    np.testing.assert_allclose(tangent, np.zeros(3))
    assert seen == [SymbolicZero, SymbolicZero]


def test_custom_vjp_symbolic_zeros_perturbed_flags_and_zero_cotangents():
    log = []

    @vmapx.custom_vjp
    def f(x, y):
        return x * y, y

    def fwd(x, y):
        assert isinstance(x, CustomVJPPrimal) and isinstance(y, CustomVJPPrimal)
        log.append(("fwd", x.perturbed, y.perturbed))
        return f(x.value, y.value), (x.value, y.value)

    def bwd(res, g):
        x, y = res
        g_prod, g_y = g
        log.append(("bwd", type(g_y) is SymbolicZero))
        return (g_prod * y, None)

    f.defvjp(fwd, bwd, symbolic_zeros=True)
    xs, y = np.arange(3.0), 2.0
    grad = vmapx.grad(lambda x: vmapx.vmap(f, in_axes=(0, None))(x, y)[0].sum())(xs)
    np.testing.assert_allclose(grad, np.full(3, 2.0))
    assert log == [("fwd", True, False), ("bwd", True)]


def test_zero_from_primal():
    z = zero_from_primal({"a": np.ones(2, np.float32), "b": 1.0}, symbolic_zeros=True)
    assert type(z["a"]) is SymbolicZero and z["a"].shape == (2,)
    assert z["a"].dtype == np.float32
    explicit = zero_from_primal(np.ones(2))
    np.testing.assert_array_equal(explicit, np.zeros(2))


# ------------------------------------------------- transpose of a custom_jvp call


def _linear_rule_div():
    @vmapx.custom_jvp
    def div(x, y):
        return x / y

    @div.defjvp
    def div_jvp(primals, tangents):
        (x, y), (x_dot, _) = primals, tangents
        return div(x, y), div(x_dot, y)  # the rule calls the function on a tangent

    return div


def test_reverse_mode_through_custom_jvp_with_a_linear_rule():
    div = _linear_rule_div()
    _, f_vjp = vmapx.vjp(lambda x: div(x, 2.0), 1.0)
    (ct,) = f_vjp(1.0)
    assert ct.shape == () and ct.dtype == np.float64
    np.testing.assert_allclose(ct, 0.5)
    xs = np.arange(3.0)
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(lambda x: div(x, 4.0)))(xs),
                               np.stack([vmapx.grad(lambda x: div(x, 4.0))(x) for x in xs]))
    np.testing.assert_allclose(vmapx.jit(vmapx.grad(lambda x: div(x, 2.0)))(1.0), 0.5)


def test_linear_transpose_of_custom_jvp_function():
    @vmapx.custom_jvp
    def double(x):
        return 2.0 * x

    double.defjvp(lambda p, t: (double(p[0]), double(t[0])))
    (ct,) = vmapx.linear_transpose(double, np.ones(3))(np.arange(3.0))
    np.testing.assert_allclose(ct, 2.0 * np.arange(3.0))
