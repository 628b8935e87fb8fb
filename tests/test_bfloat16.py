"""ml_dtypes' floating types (bfloat16 first) computed with, as JAX does:
accepted by vmap/jit/grad and vmapx.numpy, results keep bfloat16 where JAX's
do, bfloat16 is differentiable; the loop is the oracle, JAX an optional oracle
for the promotion table (dtypes only).  Skipped without ml_dtypes."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

ml_dtypes = pytest.importorskip("ml_dtypes")
BF16 = np.dtype(ml_dtypes.bfloat16)


def _xs(shape=(3, 4, 5), dtype=BF16):
    """Values in (0.1, 1.1) rounded to ``dtype``: safe for logs, roots, divisions."""
    rng = np.random.default_rng(0)
    return (rng.random(shape) + 0.1).astype(dtype)


def _assert_matches_loop(out, f, xs):
    ref = np.stack([np.asarray(f(x)) for x in xs])
    assert out.shape == ref.shape
    assert out.dtype == ref.dtype
    np.testing.assert_allclose(np.asarray(out, np.float64), np.asarray(ref, np.float64),
                               rtol=1e-2, atol=1e-2)


ELEMENTWISE = {
    "sin": jnp.sin, "exp": jnp.exp, "log": jnp.log, "sqrt": jnp.sqrt, "tanh": jnp.tanh,
    "add_python_float": lambda v: v + 1.5, "mul": lambda v: v * v, "div": lambda v: v / 3,
    "pow": lambda v: v ** 2, "abs": lambda v: jnp.abs(-v), "floor": jnp.floor,
    "where": lambda v: jnp.where(v > 0.5, v, 0.0), "clip": lambda v: jnp.clip(v, 0.2, 0.8),
    "maximum": lambda v: jnp.maximum(v, v[::-1]), "arctan2": lambda v: jnp.arctan2(v, v + 1),
}
REDUCTIONS = {
    "sum": jnp.sum, "mean": jnp.mean, "max": jnp.max, "prod": lambda v: jnp.prod(v, axis=1),
    "var": lambda v: jnp.var(v, axis=0), "std": jnp.std, "cumsum": lambda v: jnp.cumsum(v, 1),
    "argmax": jnp.argmax, "sort": lambda v: jnp.sort(v, axis=1), "median": jnp.median,
}
PRODUCTS = {
    "dot": lambda v: jnp.dot(v, v.T), "matmul": lambda v: jnp.matmul(v, v.T),
    "einsum": lambda v: jnp.einsum("ij,kj->ik", v, v), "lax.dot": lambda v: lax.dot(v, v.T),
}
LAX = {
    "lax.add": lambda v: lax.add(v, v), "lax.exp": lax.exp, "lax.sin": lax.sin,
    "lax.reduce_max": lambda v: lax.reduce_max(v, (0,)),
    "lax.convert_to_f32": lambda v: lax.convert_element_type(v, np.float32),
    "lax.reduce_precision": lambda v: lax.reduce_precision(v, 5, 2),
    "lax.cond": lambda v: lax.cond(True, lambda a: a * 2, lambda a: a, v),
    "lax.scan": lambda v: lax.scan(lambda c, a: (c + a, c), jnp.zeros(5, v.dtype), v)[0],
    "lax.conv": lambda v: lax.conv(v[None, None], v[None, None, :2, :2], (1, 1), "SAME"),
}
ALL = {**ELEMENTWISE, **REDUCTIONS, **PRODUCTS, **LAX}


@pytest.mark.parametrize("name", sorted(ALL))
def test_vmap_of_bfloat16_inputs_equals_the_loop(name):
    f = ALL[name]
    xs = _xs()
    _assert_matches_loop(vmapx.vmap(f)(xs), f, xs)


@pytest.mark.parametrize("name", sorted(ALL))
def test_jit_of_vmap_of_bfloat16_inputs_equals_the_loop(name):
    f = ALL[name]
    xs = _xs()
    _assert_matches_loop(vmapx.jit(vmapx.vmap(f))(xs), f, xs)


@pytest.mark.parametrize("name", ["sin", "mul", "div", "where", "clip", "sum", "mean", "std",
                                  "prod", "dot", "einsum", "lax.exp", "lax.cond", "lax.scan"])
def test_grad_of_bfloat16_is_bfloat16_and_close_to_float32s(name):
    f = ALL[name]
    loss = lambda v: jnp.sum(f(v).astype(np.float32))  # noqa: E731
    xs = _xs()
    out = vmapx.vmap(vmapx.grad(loss))(xs)
    _assert_matches_loop(out, vmapx.grad(loss), xs)
    assert out.dtype == BF16
    wide = vmapx.vmap(vmapx.grad(loss))(xs.astype(np.float32))
    np.testing.assert_allclose(np.asarray(out, np.float32), wide, rtol=5e-2, atol=5e-2)


def test_bfloat16_results_keep_bfloat16():
    x = _xs((4,))
    assert vmapx.jit(lambda a: a * 2.0 + 1)(x).dtype == BF16
    assert jnp.sum(x).dtype == BF16
    assert jnp.dot(x, x).dtype == BF16
    assert jnp.matmul(x[None], x[:, None]).dtype == BF16   # NumPy's loop gives float32
    assert jnp.zeros(3, jnp.bfloat16).dtype == BF16
    assert jnp.asarray([1.0, 2.0], dtype=jnp.bfloat16).dtype == BF16
    assert vmapx.vmap(lambda a: a.astype(jnp.bfloat16))(np.ones((2, 3))).dtype == BF16


def test_jvp_and_hessian_of_bfloat16():
    x = _xs((3,))
    y, t = vmapx.jvp(lambda a: jnp.sin(a) * a, (x,), (np.ones(3, BF16),))
    assert y.dtype == t.dtype == BF16
    h = vmapx.hessian(lambda a: jnp.sum(a ** 3))(x)
    assert h.shape == (3, 3) and h.dtype == BF16
    np.testing.assert_allclose(np.asarray(h, np.float32), np.diag(6 * x.astype(np.float32)),
                               rtol=2e-2)


def test_bfloat16_is_floating_with_its_finfo():
    from vmapx import dtypes
    assert jnp.issubdtype(jnp.bfloat16, np.floating)
    assert jnp.issubdtype(BF16, np.inexact)
    assert not jnp.issubdtype(BF16, np.integer)
    assert dtypes.issubdtype(ml_dtypes.float8_e4m3fn, np.floating)
    assert jnp.finfo(BF16).eps == ml_dtypes.finfo(BF16).eps
    assert dtypes.finfo(np.ones(2, ml_dtypes.float8_e4m3fn)).bits == 8


def test_float8_arrays_compute_too():
    xs = _xs((2, 3), np.dtype(ml_dtypes.float8_e4m3fn))
    f = lambda v: jnp.sum(v * 2)  # noqa: E731
    _assert_matches_loop(vmapx.vmap(f)(xs), f, xs)


def test_lax_binary_ops_still_require_equal_dtypes():
    x = _xs((3,))
    with pytest.raises(TypeError, match="lax.add requires arguments to have the same dtypes, "
                                        "got bfloat16, float32"):
        lax.add(x, x.astype(np.float32))
    with pytest.raises(TypeError, match="got bfloat16, float64"):
        lax.add(x, 1.0)   # a Python float is float64 (JAX with x64 on): no promotion in lax
    assert lax.add(x, np.asarray(1.0, BF16)).dtype == BF16


def test_ml_dtypes_narrow_integers_are_still_rejected_clearly():
    x = np.ones((2, 3), ml_dtypes.int4)
    with pytest.raises(TypeError, match="Dtype int4 is not supported by vmapx"):
        vmapx.vmap(lambda a: a * 2)(x)
    with pytest.raises(TypeError, match="Dtype int4 is not supported by vmapx"):
        vmapx.jit(lambda a: a * 2)(x)
    with pytest.raises(TypeError, match="Dtype int4 is not supported by vmapx"):
        jnp.sin(x)


# Operand pairs whose promotion NumPy (with ml_dtypes) and JAX (x64) agree on.
PROMOTION_PARTNERS = {
    "bfloat16": np.ones(2, BF16), "float16": np.ones(2, np.float16),
    "float32": np.ones(2, np.float32), "float64": np.ones(2, np.float64),
    "complex64": np.ones(2, np.complex64), "int8": np.ones(2, np.int8),
    "uint8": np.ones(2, np.uint8), "bool": np.ones(2, bool), "python_float": 1.5,
    "python_int": 2, "python_complex": 1j,
}


@pytest.mark.parametrize("partner", sorted(PROMOTION_PARTNERS))
def test_bfloat16_promotion_is_jaxs(partner):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    x, y = np.ones(2, BF16), PROMOTION_PARTNERS[partner]
    expected = jax.numpy.add(x, y).dtype
    assert jnp.add(x, y).dtype == expected
    assert vmapx.vmap(jnp.add, in_axes=(0, None))(np.ones((3, 2), BF16), y).dtype == expected
    assert vmapx.jit(jnp.add)(x, y).dtype == expected


@pytest.mark.parametrize("other", [np.int16, np.int32, np.int64, np.uint64])
def test_bfloat16_with_wide_ints_follows_jaxs_lattice(other):
    # vmapx promotes as JAX (x64): any integer with bfloat16 is bfloat16, as int32
    # with float16 is float16 (docs/dtypes-and-results.md; NumPy gives float32/64).
    x, y = np.ones(2, BF16), np.ones(2, other)
    expected = np.dtype(BF16)
    assert jnp.add(x, y).dtype == expected
    assert vmapx.vmap(jnp.add)(np.ones((3, 2), BF16), np.ones((3, 2), other)).dtype == expected
