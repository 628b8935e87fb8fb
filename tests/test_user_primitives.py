"""Primitives a user declares with JAX's API (``vmapx.extend.core.Primitive``,
``vmapx.interpreters.ad`` / ``batching`` / ``mlir``), through every transform:
the oracle is the same computation written with vmapx.numpy."""
import numpy as np
import pytest

import vmapx
import vmapx.core
import vmapx.numpy as jnp
from vmapx import lax
from vmapx.extend.core import Primitive
from vmapx.interpreters import ad, batching, mlir


def make_fma():
    """x * y + z as a new primitive, its rules registered one by one."""
    p = Primitive("fma")

    def fma(x, y, z):
        return p.bind(x, y, z)

    p.def_impl(lambda x, y, z: np.add(np.multiply(x, y), z))

    def abstract(x, y, z):
        assert x.shape == y.shape == z.shape
        return vmapx.core.ShapedArray(x.shape, x.dtype)
    p.def_abstract_eval(abstract)
    mlir.register_lowering(p, lambda ctx, *args: args, platform="cpu")

    def jvp(primals, tangents):
        x, y, z = primals
        xt, yt, zt = (lax.full_like(x, 0) if type(t) is ad.Zero else t for t in tangents)
        return fma(x, y, z), fma(xt, y, fma(x, yt, zt))
    ad.primitive_jvps[p] = jvp

    def transpose(ct, x, y, z):
        if ad.is_undefined_primal(x):
            return fma(ct, y, jnp.zeros_like(ct)), None, ct
        return None, fma(x, ct, jnp.zeros_like(ct)), ct
    ad.primitive_transposes[p] = transpose

    def batch(vals, dims):
        size = next(v.shape[d] for v, d in zip(vals, dims) if d is not batching.not_mapped)
        moved = [jnp.broadcast_to(v, (size,) + v.shape) if d is batching.not_mapped
                 else jnp.moveaxis(v, d, 0) for v, d in zip(vals, dims)]
        return fma(*moved), 0
    batching.primitive_batchers[p] = batch
    return p, fma


def test_missing_rules_raise_jax_errors():
    p = Primitive("fresh")
    with pytest.raises(NotImplementedError, match="Evaluation rule for 'fresh' not implemented"):
        p.bind(1.0)
    p.def_impl(np.sin)
    assert float(p.bind(0.0)) == 0.0
    with pytest.raises(NotImplementedError, match="Abstract evaluation for 'fresh'"):
        vmapx.jit(p.bind)(1.0)
    with pytest.raises(NotImplementedError, match="Differentiation rule for 'fresh'"):
        vmapx.jvp(p.bind, (1.0,), (1.0,))
    with pytest.raises(NotImplementedError, match="Batching rule for 'fresh'"):
        vmapx.vmap(p.bind)(np.ones(3))


def test_user_primitive_through_every_transform():
    p, fma = make_fma()

    def f(a, b):
        return jnp.sum(fma(a, a, b) * jnp.sin(a))

    def oracle(a, b):
        return jnp.sum((a * a + b) * jnp.sin(a))

    a = np.linspace(0.1, 1.0, 4)
    b = np.linspace(-1.0, 1.0, 4)
    A = np.stack([a, a + 1, a * 2])
    B = np.stack([b, b - 1, b / 2])
    for transform in (lambda g: g, vmapx.jit, vmapx.grad, vmapx.jacfwd, vmapx.hessian,
                      lambda g: vmapx.jit(vmapx.grad(g)), lambda g: vmapx.grad(g, argnums=1)):
        got, want = transform(f)(a, b), transform(oracle)(a, b)
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    for transform in (vmapx.vmap, lambda g: vmapx.jit(vmapx.vmap(g)),
                      lambda g: vmapx.vmap(vmapx.grad(g)), lambda g: vmapx.grad(
                          lambda x, y: jnp.sum(vmapx.vmap(g)(x, y)))):
        np.testing.assert_allclose(transform(f)(A, B), transform(oracle)(A, B), rtol=1e-12)
    loop = np.stack([f(x, y) for x, y in zip(A, B)])
    np.testing.assert_allclose(vmapx.vmap(f)(A, B), loop, rtol=1e-12)
    np.testing.assert_allclose(vmapx.vmap(f, in_axes=(0, None))(A, b),
                               np.stack([f(x, b) for x in A]), rtol=1e-12)


def test_rule_results_are_arrays_and_tangents_of_scalars_work():
    sq_p = Primitive("sq")
    sq_p.def_impl(np.square)
    ad.defjvp(sq_p, lambda t, x: 2 * x * t)
    out, tangent = vmapx.jvp(sq_p.bind, (3.0,), (1.0,))
    assert type(out) is vmapx.Array and type(tangent) is vmapx.Array
    assert float(out) == 9.0 and float(tangent) == 6.0


def test_defvectorized_deflinear2_and_multiple_results():
    scale_p = Primitive("scale3")
    scale_p.def_impl(lambda x: 3.0 * np.asarray(x))
    scale_p.def_abstract_eval(lambda x: x)
    ad.deflinear2(scale_p, lambda ct, x: [scale_p.bind(ct)])
    batching.defvectorized(scale_p)
    xs = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(vmapx.vmap(scale_p.bind)(xs), 3 * xs)
    np.testing.assert_array_equal(
        vmapx.grad(lambda x: jnp.sum(scale_p.bind(x) ** 2))(xs[0]), 18 * xs[0])

    split_p = Primitive("split_sign")
    split_p.multiple_results = True
    split_p.def_impl(lambda x: [np.maximum(x, 0), np.minimum(x, 0)])
    split_p.def_abstract_eval(lambda x: [x, x])
    batching.primitive_batchers[split_p] = lambda vals, dims: (split_p.bind(*vals), [dims[0]] * 2)
    pos, neg = vmapx.jit(vmapx.vmap(split_p.bind))(np.array([[-1.0, 2.0], [3.0, -4.0]]))
    np.testing.assert_array_equal(pos, [[0.0, 2.0], [3.0, 0.0]])
    np.testing.assert_array_equal(neg, [[-1.0, 0.0], [0.0, -4.0]])


def test_user_names_may_repeat_and_do_not_shadow_vmapx_primitives():
    first, second = Primitive("add"), Primitive("add")
    first.def_impl(lambda x: x + 1)
    second.def_impl(lambda x: x + 2)
    assert float(first.bind(0.0)) == 1.0 and float(second.bind(0.0)) == 2.0
    # vmapx's own add (used by the machinery, e.g. to sum tangents) is unchanged
    np.testing.assert_allclose(vmapx.grad(lambda x: x * x + x * x)(3.0), 12.0)
    np.testing.assert_array_equal(vmapx.vmap(lambda x: x + x)(np.ones(2)), [2.0, 2.0])


def test_rule_tables_reject_non_primitives():
    with pytest.raises(TypeError, match="expected a Primitive"):
        batching.primitive_batchers["not a primitive"] = lambda vals, dims: None
