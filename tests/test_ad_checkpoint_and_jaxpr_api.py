"""``vmapx.ad_checkpoint`` (``checkpoint_name``, ``print_saved_residuals``) and
the jaxpr-level API programs use: ``lax.<name>_p`` primitives, custom
interpreters over ``make_jaxpr``'s equations."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx.ad_checkpoint import checkpoint_name, print_saved_residuals, saved_residuals
from vmapx._src import core
from vmapx.extend.core import Literal


def test_saved_residuals_name_arguments_producers_and_lines(capsys):
    def g(W, x):
        return jnp.sin(jnp.dot(W, x))

    line = g.__code__.co_firstlineno + 1
    W, x = np.ones((4, 3)), np.ones(3)
    found = [(a.shape, what) for a, what in saved_residuals(g, W, x)]
    site = f"{__file__}:{line}:15 ({g.__qualname__})"   # JAX's file:line:column (function)
    assert found == [((4, 3), "from the argument W"), ((3,), "from the argument x"),
                     ((4,), f"output of cos from {site}")]
    print_saved_residuals(g, W, x)
    assert capsys.readouterr().out.splitlines() == [
        "f64[4,3] from the argument W", "f64[3] from the argument x",
        f"f64[4] output of cos from {site}"]


def test_saved_residuals_of_pytree_arguments_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax._src.ad_checkpoint import saved_residuals as jax_saved

    def loss(params, x):
        h = jnp.tanh(params["w"] @ x)
        return jnp.sum(h * params["b"])

    params = {"b": np.ones(2), "w": np.ones((2, 3))}
    x = np.ones(3)
    ours = sorted(a.shape for a, _ in saved_residuals(loss, params, x))
    theirs = sorted(a.shape for a, _ in jax_saved(
        lambda p, x: jax.numpy.sum(jax.numpy.tanh(p["w"] @ x) * p["b"]), params, x))
    assert ours == theirs


def test_checkpoint_name_is_the_value_under_every_transform():
    f = lambda x: jnp.sum(jnp.sin(checkpoint_name(x * 2.0, "h")))  # noqa: E731
    policy = vmapx.checkpoint_policies.save_only_these_names("h")
    g = vmapx.checkpoint(f, policy=policy)
    xs = np.linspace(0, 1, 6).reshape(2, 3)
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(g))(xs), 2 * np.cos(2 * xs))
    np.testing.assert_allclose(vmapx.jit(g)(xs[0]), np.sum(np.sin(2 * xs[0])))


def test_lax_primitive_names_are_the_staged_primitives():
    closed = vmapx.make_jaxpr(lambda x, y: lax.mul(jnp.exp(x), y) - x)(1.0, 2.0)
    prims = [eqn.primitive for eqn in closed.jaxpr.eqns]
    assert prims == [lax.exp_p, lax.mul_p, lax.sub_p]
    assert lax.mul_p.bind(np.float64(3.0), np.float64(2.0)) == 6.0
    names = {"cond_p": "cond", "while_p": "while", "scan_p": "scan", "gt_p": "greater",
             "dot_general_p": "dot_general", "reduce_sum_p": "reduce_sum", "gather_p": "lax_gather"}
    for jax_name, ours in names.items():
        assert getattr(lax, jax_name) is core.primitives[ours]


def eval_jaxpr_with(jaxpr, consts, *args, overrides=None):
    """A minimal custom interpreter: evaluate equations, letting ``overrides``
    replace chosen primitives (as JAX's interpreter tutorial does)."""
    env = {}

    def read(v):
        return v.val if type(v) is Literal else env[v]

    for v, val in zip(jaxpr.constvars, consts):
        env[v] = val
    for v, val in zip(jaxpr.invars, args):
        env[v] = val
    for eqn in jaxpr.eqns:
        invals = [read(v) for v in eqn.invars]
        fn = (overrides or {}).get(eqn.primitive)
        out = fn(*invals) if fn else eqn.primitive.bind(*invals, **eqn.params)
        outs = out if eqn.primitive.multiple_results else [out]
        for v, o in zip(eqn.outvars, outs):
            env[v] = o
    return [read(v) for v in jaxpr.outvars]


def test_custom_interpreter_composes_with_transforms():
    closed = vmapx.make_jaxpr(lambda x: jnp.exp(jnp.tanh(x)))(1.0)
    inverse = {lax.exp_p: jnp.log, lax.tanh_p: jnp.arctanh}

    def f_inv(y):
        # run the equations backwards, each replaced by its inverse
        eqns = closed.jaxpr.eqns[::-1]
        v = y
        for eqn in eqns:
            v = inverse[eqn.primitive](v)
        return v

    ys = np.exp(np.tanh(np.linspace(0.1, 0.9, 5)))
    np.testing.assert_allclose(vmapx.jit(vmapx.vmap(f_inv))(ys), np.linspace(0.1, 0.9, 5))
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(f_inv))(ys),
                               1 / (ys * (1 - np.log(ys) ** 2)))
    out = vmapx.vmap(lambda x: eval_jaxpr_with(closed.jaxpr, closed.consts, x)[0])(
        np.arange(3.0))
    np.testing.assert_allclose(out, np.exp(np.tanh(np.arange(3.0))))


def test_closed_jaxpr_literals_and_shape_dtype_struct_like():
    closed = vmapx.make_jaxpr(lambda x: x + np.arange(3.0))(np.ones(3))
    assert closed.literals is closed.consts and len(closed.literals) == 1
    assert vmapx.ShapeDtypeStruct.like(np.ones((2, 3), np.float32)) == vmapx.ShapeDtypeStruct(
        (2, 3), np.float32)
    assert vmapx.ShapeDtypeStruct.like(2.0).weak_type
    spec = vmapx.vmap(lambda x: vmapx.pure_callback(
        np.sin, vmapx.ShapeDtypeStruct.like(x), x, vmap_method="sequential"))(np.ones(2))
    np.testing.assert_allclose(spec, np.sin(np.ones(2)))
