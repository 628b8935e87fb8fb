"""Autodiff transforms (``jvp``, ``linearize``, ``vjp``, ``grad``,
``value_and_grad``, ``jacfwd``, ``jacrev``, ``hessian``, ``custom_jvp``,
``custom_vjp``, ``stop_gradient``) and how they compose with ``vmap`` and with
each other, checked against closed forms, against the loop oracle, and (for
collectives and error messages) against what JAX does.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax


def f(x):
    return jnp.exp(-x) * jnp.sin(x)


def df(x):
    return np.exp(-x) * (np.cos(x) - np.sin(x))


def d2f(x):
    return -2.0 * np.exp(-x) * np.cos(x)


def check(got, want, rtol=1e-10, atol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ------------------------------------------------------------------ seed 001


def test_vmap_of_grad_matches_the_published_values():
    x = np.arange(0, 1, 0.1)
    want = [1., 0.80998397, 0.63975394, 0.4888039, 0.35637075, 0.24149445, 0.14307144,
            0.05990037, -0.00927836, -0.06574923]
    got = vmapx.vmap(vmapx.grad(f))(x)
    assert got.shape == (10,) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, atol=1e-6)


# ------------------------------------------------------- vmap and grad, both ways


@pytest.mark.parametrize("n", [0, 1, 5])
def test_vmap_of_grad_is_the_derivative_for_every_batch_size(n):
    x = np.linspace(-1, 2, n)
    check(vmapx.vmap(vmapx.grad(f))(x), df(x))


@pytest.mark.parametrize("in_axes,out_axes", [(0, 0), (1, 1), (-1, 0), (0, -1)])
def test_vmap_of_grad_honours_in_and_out_axes(in_axes, out_axes):
    xs = np.linspace(-1, 2, 12).reshape(3, 4)
    g = vmapx.vmap(vmapx.grad(lambda v: jnp.sum(f(v))), in_axes=in_axes, out_axes=out_axes)
    want = np.moveaxis(np.moveaxis(df(xs), in_axes, 0), 0, out_axes)
    check(g(xs), want)


def test_vmap_of_vmap_of_grad():
    x = np.linspace(-1, 2, 6).reshape(2, 3)
    check(vmapx.vmap(vmapx.vmap(vmapx.grad(f)))(x), df(x))


def test_grad_of_vmap_is_the_elementwise_derivative():
    x = np.linspace(-1, 2, 7)
    check(vmapx.grad(lambda v: vmapx.vmap(f)(v).sum())(x), df(x))


def test_grad_of_grad_and_its_vmap():
    x = np.linspace(-1, 2, 5)
    check(vmapx.grad(vmapx.grad(f))(0.3), np.asarray(d2f(0.3)))
    check(vmapx.vmap(vmapx.grad(vmapx.grad(f)))(x), d2f(x))
    check(vmapx.grad(lambda v: vmapx.vmap(vmapx.grad(f))(v).sum())(x), d2f(x))


def test_third_order_grad():
    check(vmapx.grad(vmapx.grad(vmapx.grad(lambda x: x ** 4)))(2.0), np.asarray(48.0))


def test_jvp_of_vmap_and_vmap_of_jvp():
    x = np.linspace(-1, 2, 5)
    t = np.linspace(1, 2, 5)
    y, ty = vmapx.jvp(vmapx.vmap(f), (x,), (t,))
    check(y, np.exp(-x) * np.sin(x))
    check(ty, df(x) * t)
    y2, ty2 = vmapx.vmap(lambda a, b: vmapx.jvp(f, (a,), (b,)))(x, t)
    check(y2, y)
    check(ty2, ty)


def test_forward_over_reverse_and_reverse_over_forward():
    g = lambda x: x ** 4  # noqa: E731
    check(vmapx.jvp(vmapx.grad(g), (2.0,), (1.0,))[1], np.asarray(48.0))
    check(vmapx.grad(lambda x: vmapx.jvp(g, (x,), (1.0,))[1])(2.0), np.asarray(48.0))


def test_per_example_gradients_of_a_shared_parameter():
    rng = np.random.default_rng(0)
    w, xs = rng.standard_normal(3), rng.standard_normal((4, 3))
    loss = lambda w, x: jnp.dot(w, x) ** 2  # noqa: E731
    got = vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0))(w, xs)
    check(got, 2 * (xs @ w)[:, None] * xs)
    # and the gradient of the mean loss is their mean
    mean = vmapx.grad(lambda w: vmapx.vmap(loss, in_axes=(None, 0))(w, xs).mean())(w)
    check(mean, got.mean(0))


def test_mlp_per_example_gradients_match_hand_derived():
    rng = np.random.default_rng(1)
    W1, b1 = rng.standard_normal((6, 5)) * 0.3, rng.standard_normal(5) * 0.1
    W2, b2 = rng.standard_normal((5, 3)) * 0.3, rng.standard_normal(3) * 0.1
    X, Y = rng.standard_normal((4, 6)), np.eye(3)[[0, 2, 1, 2]]

    def loss(params, x, y):
        W1, b1, W2, b2 = params
        h = jnp.maximum(x @ W1 + b1, 0.0)
        logits = h @ W2 + b2
        m = lax.stop_gradient(jnp.max(logits))
        lse = jnp.log(jnp.sum(jnp.exp(logits - m))) + m
        return -jnp.sum(y * (logits - lse))

    gW1, gb1, gW2, gb2 = vmapx.vmap(vmapx.grad(loss), in_axes=(None, 0, 0))(
        (W1, b1, W2, b2), X, Y)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    logits = h @ W2 + b2
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d2 = p - Y
    d1 = (d2 @ W2.T) * (z1 > 0)
    check(gW2, h[:, :, None] * d2[:, None, :])
    check(gb2, d2)
    check(gW1, X[:, :, None] * d1[:, None, :])
    check(gb1, d1)


# --------------------------------------------------------------- the loop oracle

LOOP_FUNS = {
    "dot_tanh": lambda x: jnp.tanh(x @ np.arange(12.0).reshape(3, 4) / 10).sum(),
    "reductions": lambda x: jnp.prod(x) + jnp.max(x) * jnp.min(x) + jnp.mean(x ** 2),
    "cumulative": lambda x: (jnp.cumsum(x) * jnp.cumprod(x)).sum() + jnp.sort(x)[1],
    "indexing": lambda x: x[0] * x[-1] + x[::2].sum() + x[np.array([2, 2, 0])].sum(),
    "where_clip": lambda x: jnp.where(x > 0, x ** 2, -x).sum() + jnp.clip(x, -0.5, 0.5).sum(),
    "shapes": lambda x: (jnp.concatenate([x, x[::-1]]) * jnp.arange(6.0)).sum()
    + jnp.outer(x, x)[1, 2],
    "einsum": lambda x: jnp.einsum("i,j,ij->", x, x, np.arange(9.0).reshape(3, 3)),
}


@pytest.mark.parametrize("name", sorted(LOOP_FUNS))
def test_vmapped_derivatives_match_the_loop(name):
    g = LOOP_FUNS[name]
    xs = np.random.default_rng(2).uniform(-1, 1, (4, 3))
    loop = np.stack([vmapx.grad(g)(x) for x in xs])
    check(vmapx.vmap(vmapx.grad(g))(xs), loop)
    check(vmapx.grad(lambda v: vmapx.vmap(g)(v).sum())(xs), loop)
    hess = np.stack([vmapx.hessian(g)(x) for x in xs])
    check(vmapx.vmap(vmapx.hessian(g))(xs), hess, rtol=1e-9)
    check(vmapx.vmap(vmapx.jacrev(vmapx.jacrev(g)))(xs), hess, rtol=1e-9)
    check(vmapx.vmap(vmapx.jacfwd(vmapx.jacfwd(g)))(xs), hess, rtol=1e-9)
    # and against central differences of the gradient
    eps = 1e-6
    fd = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(3)
                   for x in xs[:1]])
    np.testing.assert_allclose(loop[0], fd, rtol=1e-5, atol=1e-7)


# ----------------------------------------------------------------- Jacobians


def test_jacfwd_and_jacrev_of_pytrees():
    g = lambda x: {"a": x[0] * x, "b": x.sum()}  # noqa: E731
    x = np.array([1.0, 2.0])
    for jac in (vmapx.jacfwd(g)(x), vmapx.jacrev(g)(x)):
        check(jac["a"], np.array([[2.0, 0.0], [2.0, 1.0]]))
        check(jac["b"], np.array([1.0, 1.0]))


def test_jacobians_with_argnums_tuple():
    g = lambda x, y: (x * y, y)  # noqa: E731
    x = np.array([1.0, 2.0])
    for jacobian in (vmapx.jacfwd, vmapx.jacrev):
        (dxa, dya), (dxb, dyb) = jacobian(g, argnums=(0, 1))(x, 2.0)
        check(dxa, 2.0 * np.eye(2))
        check(dya, x)
        check(dxb, np.zeros(2))
        check(dyb, np.asarray(1.0))


def test_jacobians_with_aux():
    g = lambda x: (x ** 2, x * 3)  # noqa: E731
    x = np.array([1.0, 2.0])
    for jacobian in (vmapx.jacfwd, vmapx.jacrev):
        jac, aux = jacobian(g, has_aux=True)(x)
        check(jac, np.diag(2 * x))
        check(aux, 3 * x)


def test_hessian_of_a_quadratic_form_and_of_a_cubic():
    A = np.arange(9.0).reshape(3, 3)
    check(vmapx.hessian(lambda x: x @ A @ x)(np.ones(3)), A + A.T)
    x = np.array([1.0, 2.0])
    check(vmapx.hessian(lambda x: (x ** 3).sum())(x), np.diag(6 * x))


def test_vmap_of_jacrev_is_the_per_example_jacobian():
    xs = np.random.default_rng(3).uniform(-1, 1, (2, 3))
    got = vmapx.vmap(vmapx.jacrev(lambda x: jnp.sin(x) * x[::-1]))(xs)
    for x, J in zip(xs, got):
        want = np.diag(np.cos(x) * x[::-1]) + np.diag(np.sin(x))[:, ::-1]
        check(J, want)
    check(vmapx.vmap(vmapx.jacfwd(lambda x: jnp.sin(x) * x[::-1]))(xs), got)


def test_jacobian_of_a_vmapped_function_is_block_diagonal():
    x = np.array([0.5, 1.0, 1.5])
    check(vmapx.jacfwd(vmapx.vmap(f))(x), np.diag(df(x)))
    check(vmapx.jacrev(vmapx.vmap(f))(x), np.diag(df(x)))


def test_jacobian_dtype_follows_the_input():
    x = np.array([1.0, 2.0], np.float32)
    assert vmapx.jacrev(lambda x: x * 2)(x).dtype == np.float32
    assert vmapx.jacfwd(lambda x: x * 2)(x).dtype == np.float32


# ------------------------------------------------------------------ the API


def test_grad_with_argnums_kwargs_and_pytrees():
    g = lambda x, y, *, scale: scale * x["a"] * y[0] ** 2  # noqa: E731
    x, y = {"a": 2.0}, [3.0]
    check(vmapx.grad(g)(x, y, scale=2.0)["a"], np.asarray(18.0))
    gx, gy = vmapx.grad(g, argnums=(0, 1))(x, y, scale=2.0)
    check(gy[0], np.asarray(24.0))
    check(vmapx.grad(g, argnums=-1)(x, y, scale=1.0)[0], np.asarray(12.0))


def test_value_and_grad_and_has_aux():
    v, g = vmapx.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
    check(v, np.asarray(5.0))
    check(g, np.array([2.0, 4.0]))
    (v, aux), g = vmapx.value_and_grad(lambda x: (x.sum(), x * 3), has_aux=True)(np.ones(2))
    check(aux, np.full(2, 3.0))
    g, aux = vmapx.grad(lambda x: (x.sum(), {"a": x}), has_aux=True)(np.ones(2))
    check(aux["a"], np.ones(2))


def test_grad_keeps_float32_and_gives_zeros_for_unused_inputs():
    x = np.array([1.0, 2.0], np.float32)
    check(vmapx.grad(lambda x: (x * 2).sum())(x), np.full(2, 2.0, np.float32))
    check(vmapx.grad(lambda x, y: y.sum(), argnums=0)(x, x), np.zeros(2, np.float32))
    check(vmapx.grad(lambda x: 1.0)(1.0), np.asarray(0.0))


def test_grad_does_not_hand_out_the_callers_array():
    w = np.array([1.0, 2.0])
    g = vmapx.grad(lambda x: (x * w).sum())(np.ones(2))
    check(g, w)
    assert g is not w and not np.shares_memory(g, w)


def test_grad_with_allow_int_gives_float0():
    gx, gi = vmapx.grad(lambda x, i: x * 2, argnums=(0, 1), allow_int=True)(1.0, 3)
    check(gx, np.asarray(2.0))
    assert gi.dtype == vmapx.float0 and gi.shape == ()


@pytest.mark.parametrize("call,exc,msg", [
    (lambda: vmapx.grad(lambda x: x * 2)(np.ones(3)), TypeError,
     "Gradient only defined for scalar-output functions. Output had shape: (3,)."),
    (lambda: vmapx.grad(lambda x: (x, 1))(1.0), TypeError,
     "Gradient only defined for scalar-output functions. Output was"),
    (lambda: vmapx.grad(lambda x: x)(1), TypeError,
     "grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
     "np.inexact), but got int64. If you want to use Boolean- or integer-valued inputs, use "
     "vjp or set allow_int to True."),
    (lambda: vmapx.grad(lambda x: (x > 0).astype(int))(1.0), TypeError,
     "grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
     "but got int64. For differentiation of functions with integer outputs, use jax.vjp "
     "directly."),
    (lambda: vmapx.grad(lambda x: x.sum() * 1j)(np.ones(2)), TypeError,
     "grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
     "but got complex128. For holomorphic differentiation, pass holomorphic=True."),
    (lambda: vmapx.grad(lambda x: x, argnums=2)(1.0), TypeError,
     "differentiating with respect to argnums=2 requires at least 3 positional arguments to "
     "be passed by the caller, but got only 1 positional arguments."),
    (lambda: vmapx.grad(lambda x: x, has_aux=True)(1.0), TypeError,
     "expected function with aux output to return a two-element tuple"),
    (lambda: vmapx.grad(1.0), TypeError, "Expected a callable value, got 1.0"),
    (lambda: vmapx.jacrev(lambda x: x)(1), TypeError,
     "jacrev requires real- or complex-valued inputs"),
    (lambda: vmapx.jacfwd(lambda x: x)(1), TypeError,
     "jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), "
     "but got int64."),
    (lambda: vmapx.jacrev(lambda x: x > 0)(1.0), TypeError,
     "jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
     "but got bool."),
    (lambda: vmapx.jvp(lambda x: x, (1.0,), (np.float32(1),)), TypeError,
     "primal and tangent arguments to jax.jvp do not match; dtypes must be equal, or in case "
     "of int/bool primal dtype the tangent dtype must be float0.Got primal dtype float64 and "
     "so expected tangent dtype float64, but got tangent dtype float32 instead."),
    (lambda: vmapx.jvp(lambda x: x, (np.ones(2),), (np.ones(3),)), ValueError,
     "jvp called with different primal and tangent shapes;Got primal shape (2,) and tangent "
     "shape as (3,)"),
    (lambda: vmapx.jvp(lambda x: x, (1.0,), [1.0]), TypeError,
     "primal and tangent arguments to jax.jvp must have the same tree structure"),
    (lambda: vmapx.vjp(lambda x: x, 1.0)[1](np.ones(2)), ValueError,
     "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got float64[2], "
     "but expected float64[] because the corresponding output of the differentiated function "
     "had JAX type float64[]"),
    (lambda: vmapx.vjp(lambda x: x, 1.0)[1]((1.0,)), ValueError, "unexpected tree structure"),
    (lambda: vmapx.jvp(lambda x: lax.psum(x, "i"), (1.0,), (1.0,)), NameError,
     "unbound axis name"),
])
def test_errors_are_worded_like_jax(call, exc, msg):
    with pytest.raises(exc) as info:
        call()
    assert msg.lower() in str(info.value).lower(), str(info.value)


def test_missing_jvp_rule_names_the_primitive():
    with pytest.raises(NotImplementedError, match="no JVP rule for 'pmax'"):
        vmapx.vmap(vmapx.grad(lambda x: lax.pmax(x, "i")), axis_name="i")(np.ones(3))


def test_jvp_with_integer_primals_uses_float0():
    y, t = vmapx.jvp(lambda x: x * 2, (1,), (np.zeros((), vmapx.float0),))
    assert y == 2 and t.dtype == vmapx.float0
    y, t = vmapx.jvp(lambda x: x > 0, (1.0,), (1.0,))
    assert t.dtype == vmapx.float0 and t.shape == ()


def test_jvp_of_a_constant_output_is_a_zero_of_its_dtype():
    y, t = vmapx.jvp(lambda x: np.ones(3, np.float32), (1.0,), (1.0,))
    check(t, np.zeros(3, np.float32))


def test_jvp_and_vjp_with_aux():
    y, t, aux = vmapx.jvp(lambda x: (x * 2, x), (1.0,), (1.0,), has_aux=True)
    assert (y, t, aux) == (2.0, 2.0, 1.0)
    y, f_vjp, aux = vmapx.vjp(lambda x: (x * 2, x + 1), np.ones(2), has_aux=True)
    check(aux, np.full(2, 2.0))
    check(f_vjp(np.ones(2))[0], np.full(2, 2.0))


def test_vjp_of_several_arguments_and_integer_inputs():
    y, f_vjp = vmapx.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    gx, gy = f_vjp(np.ones(2))
    check(gx, np.array([3.0, 4.0]))
    check(gy, np.array([1.0, 2.0]))
    _, f_vjp = vmapx.vjp(lambda x, n: x * n, 2.0, 3)
    gx, gn = f_vjp(1.0)
    check(gx, np.asarray(3.0))
    assert gn.dtype == vmapx.float0


def test_linearize_evaluates_the_derivative_without_recomputing_the_primal():
    x = np.array([0.0, 1.0])
    y, f_jvp = vmapx.linearize(jnp.sin, x)
    check(y, np.sin(x))
    check(f_jvp(np.array([2.0, 2.0])), 2 * np.cos(x))
    check(f_jvp(np.array([1.0, 0.0])), np.array([1.0, 0.0]))
    check(vmapx.vmap(f_jvp)(np.eye(2)), np.diag(np.cos(x)))


def test_stop_gradient():
    check(vmapx.grad(lambda x: lax.stop_gradient(x) * x)(3.0), np.asarray(3.0))
    x = np.array([0.5, 2.0])
    check(vmapx.vmap(vmapx.grad(lambda x: lax.stop_gradient(x ** 2) * x))(x), x ** 2)
    tree = lax.stop_gradient({"a": np.ones(2), "b": 1})
    check(tree["a"], np.ones(2))
    assert tree["b"] == 1


def test_complex_derivatives_follow_jax_conventions():
    # values from jax.grad
    z = 3.0 + 4.0j
    check(vmapx.grad(lambda z: jnp.abs(z))(z), np.asarray(0.6 - 0.8j))
    check(vmapx.grad(lambda z: jnp.real(z * z))(z), np.asarray(6 + 8j))
    check(vmapx.grad(lambda z: jnp.imag(z * z))(z), np.asarray(8 - 6j))
    check(vmapx.grad(lambda z: jnp.angle(z))(z), np.asarray(-0.16 - 0.12j))
    check(vmapx.grad(lambda z: jnp.real(jnp.conj(z) * z))(z), np.asarray(6 - 8j))


def test_derivatives_at_kinks_follow_jax():
    # values from jax.grad
    check(vmapx.grad(jnp.abs)(0.0), np.asarray(1.0))
    check(vmapx.grad(lambda x: jnp.maximum(x, 1.0))(1.0), np.asarray(0.5))
    check(vmapx.grad(lambda x: jnp.max(x))(np.array([1.0, 3.0, 3.0, 2.0])),
          np.array([0.0, 0.5, 0.5, 0.0]))
    check(vmapx.grad(lambda x: jnp.prod(x))(np.array([1.0, 0.0, 3.0, 2.0])),
          np.array([0.0, 6.0, 0.0, 0.0]))
    check(vmapx.grad(lambda x: jnp.cumprod(x).sum())(np.array([1.0, 0.0, 3.0, 2.0])),
          np.array([1.0, 10.0, 0.0, 0.0]))
    check(vmapx.grad(lambda x: x ** 2)(0.0), np.asarray(0.0))
    check(vmapx.grad(lambda x, y: x ** y, 1)(0.0, 2.0), np.asarray(0.0))


# ------------------------------------------------------------- collectives
# Numbers from JAX: the transpose of psum is psum, so under vmap each example's
# gradient is that of the sum of every example's output.


def test_grad_through_psum_under_a_named_vmap():
    x = np.arange(1.0, 4.0)
    g = lambda h: vmapx.vmap(vmapx.grad(h), axis_name="i")(x)  # noqa: E731
    check(g(lambda x: lax.psum(x, "i").sum()), np.array([3.0, 3.0, 3.0]))
    check(g(lambda x: lax.psum(x * x, "i")), np.array([6.0, 12.0, 18.0]))
    check(g(lambda x: x * lax.psum(x, "i")), np.array([12.0, 12.0, 12.0]))
    check(g(lambda x: lax.pmean(x * x, "i")), np.array([2.0, 4.0, 6.0]))


def test_grad_of_a_vmap_with_psum():
    x = np.arange(1.0, 4.0)
    h = lambda x, k: vmapx.vmap(k, axis_name="i")(x).sum()  # noqa: E731
    check(vmapx.grad(h)(x, lambda y: lax.psum(y * y, "i")), np.array([6.0, 12.0, 18.0]))
    check(vmapx.grad(h)(x, lambda y: y * lax.psum(y, "i")), np.array([12.0, 12.0, 12.0]))


def test_grad_through_all_gather_and_ppermute():
    x = np.arange(1.0, 4.0)
    c = np.arange(3.0)
    got = vmapx.vmap(vmapx.grad(lambda x: lax.all_gather(x, "i") @ c), axis_name="i")(x)
    check(got, np.array([0.0, 3.0, 6.0]))
    perm = [(0, 1), (1, 2), (2, 0)]
    got = vmapx.vmap(vmapx.grad(lambda x, ci: lax.ppermute(x, "i", perm) * ci),
                     axis_name="i")(x, c)
    check(got, np.array([1.0, 2.0, 0.0]))


@pytest.mark.parametrize("k", [lambda x: lax.all_to_all(x, "i", 0, 0),
                               lambda x: lax.psum_scatter(x, "i"),
                               lambda x: lax.psum_scatter(x, "i", tiled=True),
                               lambda x: lax.all_gather(x, "i", axis=1, tiled=True)])
def test_grad_through_exchanging_collectives_matches_finite_differences(k):
    xs = np.random.default_rng(4).standard_normal((2, 2, 3))

    def loss(x):
        y = vmapx.vmap(k, axis_name="i")(x)
        return (y * jnp.sin(y)).sum()

    g = vmapx.grad(loss)(xs)
    assert g.shape == xs.shape
    eps = 1e-6
    for idx in [(0, 0, 0), (1, 0, 2), (1, 1, 1)]:
        e = np.zeros_like(xs)
        e[idx] = 1
        fd = (loss(xs + eps * e) - loss(xs - eps * e)) / (2 * eps)
        np.testing.assert_allclose(g[idx], fd, rtol=1e-6, atol=1e-8)


# ----------------------------------------------------- custom derivatives


@vmapx.custom_jvp
def sin_2x(x, y):
    return jnp.sin(x) * y


@sin_2x.defjvp
def _sin_2x_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    return sin_2x(x, y), 2.0 * jnp.cos(x) * y * tx + jnp.sin(x) * ty  # twice the true d/dx


@vmapx.custom_vjp
def sin_3x(x, y):
    return jnp.sin(x) * y


def _sin_3x_fwd(x, y):
    return sin_3x(x, y), (jnp.cos(x), jnp.sin(x), y)


def _sin_3x_bwd(res, ct):
    c, s, y = res
    return 3.0 * c * y * ct, s * ct  # three times the true d/dx


sin_3x.defvjp(_sin_3x_fwd, _sin_3x_bwd)

X = np.array([0.0, 0.5, 1.0])
Y = np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("fn,k", [(sin_2x, 2.0), (sin_3x, 3.0)])
def test_custom_rules_are_used_under_vmap_and_grad_in_either_order(fn, k):
    want = k * np.cos(X) * Y
    check(fn(X, Y), np.sin(X) * Y)
    check(vmapx.vmap(fn)(X, Y), np.sin(X) * Y)
    check(vmapx.vmap(vmapx.grad(fn))(X, Y), want)
    check(vmapx.grad(lambda x: vmapx.vmap(fn)(x, Y).sum())(X), want)
    check(vmapx.grad(lambda y: vmapx.vmap(fn, in_axes=(0, None))(X, y).sum())(2.0),
          np.asarray(np.sin(X).sum()))
    check(vmapx.vmap(vmapx.jacrev(lambda x: fn(x, Y)))(np.stack([X, X])),
          np.stack([np.diag(want)] * 2))
    check(vmapx.grad(vmapx.grad(lambda x: fn(x, 1.0)))(0.5), np.asarray(-k * np.sin(0.5)))


def test_custom_jvp_in_forward_mode_under_vmap():
    y, t = vmapx.jvp(vmapx.vmap(sin_2x), (X, Y), (np.ones(3), np.zeros(3)))
    check(t, 2 * np.cos(X) * Y)
    y, t = vmapx.vmap(lambda a, b: vmapx.jvp(sin_2x, (a, b), (1.0, 0.0)))(X, Y)
    check(t, 2 * np.cos(X) * Y)


def test_custom_vjp_cannot_be_differentiated_in_forward_mode():
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        vmapx.jvp(sin_3x, (0.5, 1.0), (1.0, 0.0))


def test_custom_rules_with_nondiff_argnums_defjvps_and_keywords():
    @functools.partial(vmapx.custom_jvp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    @apply.defjvp
    def _apply_jvp(fn, primals, tangents):
        return apply(fn, primals[0]), 10.0 * tangents[0]

    check(vmapx.vmap(vmapx.grad(lambda x: apply(jnp.sin, x)))(X), np.full(3, 10.0))

    @functools.partial(vmapx.custom_vjp, nondiff_argnums=(1,))
    def scale(x, c):
        return x * c

    scale.defvjp(lambda x, c: (x * c, None), lambda c, res, g: (g * c * 100,))
    check(vmapx.vmap(vmapx.grad(lambda x: scale(x, 2.0)))(X), np.full(3, 200.0))

    @vmapx.custom_jvp
    def mul(x, y):
        return x * y

    mul.defjvps(lambda t, ans, x, y: t * y * 7, lambda t, ans, x, y: t * x)
    gx, gy = vmapx.grad(mul, argnums=(0, 1))(2.0, 3.0)
    check(gx, np.asarray(21.0))
    check(gy, np.asarray(2.0))
    check(vmapx.grad(lambda x: sin_3x(x, y=2.0))(0.5), np.asarray(6 * np.cos(0.5)))


@pytest.mark.parametrize("bwd,exc,msg", [
    (lambda r, g: (g, g), TypeError, "Custom VJP bwd rule must produce an output with the "
     "same container (pytree) structure as the args tuple of the primal function"),
    (lambda r, g: (np.ones(3),), ValueError, "at output[0] the bwd rule produced an output "
     "of type float64[3] corresponding to an input of type float64[]"),
])
def test_custom_vjp_bwd_output_is_checked(bwd, exc, msg):
    @vmapx.custom_vjp
    def h(x):
        return x * 2

    h.defvjp(lambda x: (x * 2, None), bwd)
    with pytest.raises(exc) as info:
        vmapx.grad(h)(1.0)
    assert msg in str(info.value)


def test_custom_vjp_bwd_may_return_none_for_a_zero_cotangent():
    @vmapx.custom_vjp
    def h(x):
        return x * 2

    h.defvjp(lambda x: (x * 2, None), lambda r, g: (None,))
    check(vmapx.grad(h)(1.0), np.asarray(0.0))


@pytest.mark.parametrize("rule,msg", [
    (lambda p, t: (p[0] * 2, t[0] * 2, 1), "must produce a pair (list or tuple of length two)"),
    (lambda p, t: (p[0] * 2, (t[0] * 2,)), "must produce primal and tangent outputs with equal "
     "container (pytree) structures"),
    (lambda p, t: (p[0] * 2, jnp.ones(2)), "Custom JVP rule must produce primal and tangent "
     "outputs with corresponding shapes and dtypes. Expected float64[] (tangent type of "
     "float64[]) but got float64[2]."),
])
def test_custom_jvp_rule_output_is_checked(rule, msg):
    @vmapx.custom_jvp
    def k(x):
        return x * 2

    k.defjvp(rule)
    with pytest.raises(TypeError) as info:
        vmapx.jvp(k, (1.0,), (1.0,))
    assert msg in str(info.value)


def test_custom_functions_without_rules_raise_like_jax():
    @vmapx.custom_jvp
    def k(x):
        return x

    with pytest.raises(AttributeError, match="No JVP defined for custom_jvp function k using "
                                             "defjvp."):
        k(1.0)

    @vmapx.custom_vjp
    def v(x):
        return x

    with pytest.raises(AttributeError, match="No VJP defined for custom_vjp function v using "
                                             "defvjp."):
        v(1.0)


def test_custom_rules_with_nondiff_argnames():
    @functools.partial(vmapx.custom_vjp, nondiff_argnames=("c",))
    def scale(x, c):
        return x * c

    scale.defvjp(lambda x, c: (x * c, None), lambda c, res, g: (g * c * 100,))
    check(vmapx.grad(lambda x: scale(x, c=2.0))(1.0), np.asarray(200.0))


def test_custom_rules_compose_with_jit():
    check(vmapx.jit(sin_2x)(X, Y), np.sin(X) * Y)
    check(vmapx.grad(vmapx.jit(lambda x: sin_2x(x, 1.0)))(0.5), np.asarray(2 * np.cos(0.5)))
    check(vmapx.vmap(vmapx.jit(vmapx.grad(lambda x: sin_3x(x, 1.0))))(X), 3 * np.cos(X))
    text = str(vmapx.make_jaxpr(lambda x: sin_3x(x, 1.0))(0.5))
    assert "custom_vjp_call[fun=sin_3x fwd=_sin_3x_fwd bwd=_sin_3x_bwd]" in text


# ---------------------------------------------------- other transforms inside


def test_grad_composes_with_jit_in_either_order():
    x = np.linspace(-1, 2, 4)
    check(vmapx.grad(vmapx.jit(f))(0.5), np.asarray(df(0.5)))
    check(vmapx.jit(vmapx.grad(f))(0.5), np.asarray(df(0.5)))
    check(vmapx.vmap(vmapx.grad(vmapx.jit(f)))(x), df(x))
    check(vmapx.jit(vmapx.vmap(vmapx.grad(f)))(x), df(x))


def test_grad_through_control_flow_under_vmap():
    x = np.linspace(0.1, 1, 4)
    check(vmapx.vmap(vmapx.grad(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, 1.0)))(x),
          3 * x ** 2)
    check(vmapx.vmap(vmapx.grad(lambda x: lax.cond(x > 0.5, jnp.sin, jnp.cos, x)))(x),
          np.where(x > 0.5, np.cos(x), -np.sin(x)))


# --------------------------------------------------- the numpy layer, in float

NUMPY_FUNS = {
    "mean_var_std": lambda x: jnp.mean(x) + jnp.var(x) + jnp.std(x),
    "logsumexp": lambda x: jnp.log(jnp.sum(jnp.exp(x - jnp.max(x)))) + jnp.max(x),
    "matmul_tanh": lambda x: jnp.tanh(x.reshape(2, 3) @ x.reshape(3, 2)).sum(),
    "sort_cumsum": lambda x: (jnp.sort(x) * jnp.cumsum(x)).sum(),
    "take_flip_pad": lambda x: jnp.take(x, np.array([5, 0, 0])).sum()
    + (jnp.pad(jnp.flip(x), 1) ** 2).sum(),
    "sqrt_hypot_arctan2": lambda x: jnp.sum(jnp.sqrt(x * x + 1) + jnp.hypot(x, 2.0)
                                            + jnp.arctan2(x, 1.5)),
    "power_abs_clip": lambda x: jnp.sum(jnp.abs(x) ** 1.5 + jnp.clip(x, -0.3, 0.3)),
    "prod_max_where": lambda x: jnp.prod(x) + jnp.max(x) + jnp.where(x > 0, x, 0.0).sum(),
}


@pytest.mark.parametrize("name", sorted(NUMPY_FUNS))
def test_gradients_through_vmapx_numpy_are_float_and_match_finite_differences(name):
    g = NUMPY_FUNS[name]
    x = np.array([0.3, -0.7, 1.1, 0.4, -0.2, 0.9])
    grad = vmapx.grad(g)(x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    eps = 1e-6
    fd = np.array([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(6)])
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-7)
    x32 = x.astype(np.float32)
    g32 = vmapx.grad(g)(x32)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, grad, rtol=1e-3, atol=1e-4)
    b32 = vmapx.vmap(vmapx.grad(g))(np.stack([x32, x32[::-1]]))
    assert b32.dtype == np.float32 and b32.shape == (2, 6)


def test_custom_vjp_with_pytree_arguments_and_none_cotangents():
    @vmapx.custom_vjp
    def affine(p, x):
        return p["a"] * x + p["b"]

    affine.defvjp(lambda p, x: (affine(p, x), (p, x)),
                  lambda res, g: ({"a": g * res[1], "b": None}, g * res[0]["a"]))
    gp, gx = vmapx.grad(affine, argnums=(0, 1))({"a": 2.0, "b": 1.0}, 3.0)
    check(gp["a"], np.asarray(3.0))
    check(gp["b"], np.asarray(0.0))
    check(gx, np.asarray(2.0))
    affine.defvjp(lambda p, x: (affine(p, x), (p, x)), lambda res, g: (None, g))
    gp, gx = vmapx.grad(affine, argnums=(0, 1))({"a": 2.0, "b": 1.0}, 3.0)
    check(gp["a"], np.asarray(0.0))
    check(gx, np.asarray(1.0))


_ALIASING = {
    "jvp primal": lambda x: vmapx.jvp(lambda y: y, (x,), (x,))[0],
    "jvp tangent": lambda x: vmapx.jvp(lambda y: y.T, (x,), (x,))[1],
    "jvp aux": lambda x: vmapx.jvp(lambda y: (y.sum(), y[0]), (x,), (x,), has_aux=True)[2],
    "vjp primal": lambda x: vmapx.vjp(lambda y: y, x)[0],
    "vjp cotangent": lambda x: vmapx.vjp(lambda y: y, x)[1](x)[0],
    "vjp aux": lambda x: vmapx.vjp(lambda y: (y.sum(), y[::-1]), x, has_aux=True)[2],
    "linearize primal": lambda x: vmapx.linearize(lambda y: y.reshape(3, 2), x)[0],
    "linearize tangent": lambda x: vmapx.linearize(lambda y: y, x)[1](x),
    "value_and_grad value": lambda x: vmapx.value_and_grad(lambda y: y[0, 0])(x)[0],
    "value_and_grad aux": lambda x: vmapx.value_and_grad(lambda y: (y.sum(), y),
                                                         has_aux=True)(x)[0][1],
    "grad aux": lambda x: vmapx.grad(lambda y: (y.sum(), y[None]), has_aux=True)(x)[1],
}


@pytest.mark.parametrize("name", list(_ALIASING))
def test_transform_results_never_alias_the_callers_arrays(name):
    # JAX's results are new arrays: writing into one must not change an input
    x = np.arange(6.0).reshape(2, 3)
    out = _ALIASING[name](x)
    assert not np.shares_memory(out, x) and out.flags.writeable
    out[...] = -1.0
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))
