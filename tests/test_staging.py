"""Staging: the IR printed by ``make_jaxpr``, ``eval_shape`` and
``ShapeDtypeStruct``, constant folding while tracing, closed-over tracers
becoming inputs, and ``batch_jaxpr`` against the loop."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src.core import ShapedArray
from vmapx._src.staging import eval_jaxpr, hoist_tracer_consts, trace_to_jaxpr
from vmapx._src.derived_jaxprs import batch_jaxpr
from vmapx._src.ir import ClosedJaxpr
from vmapx._src.core import AxisData

F64 = np.dtype("float64")


# ---------------------------------------------------------------- make_jaxpr


def test_make_jaxpr_prints_equations_in_jax_form():
    out = str(vmapx.make_jaxpr(lambda x, y: jnp.sin(x) * y + 2.0)(np.ones(3), np.ones(3)))
    assert out == ("{ lambda ; a:f64[3] b:f64[3]. let\n"
                   "    c:f64[3] = sin a\n"
                   "    d:f64[3] = mul c b\n"
                   "    e:f64[3] = add d 2.0:f64[]\n"
                   "  in (e,) }")


def test_short_jaxprs_print_on_one_line_with_jaxs_names():
    # JAX's layout: a jaxpr that fits in 80 columns is one line, equations
    # separated by "; "; primitives under JAX's names, typed literals
    assert str(vmapx.make_jaxpr(lambda x: jnp.exp(jnp.tanh(x)))(np.ones(5))) == \
        "{ lambda ; a:f64[5]. let b:f64[5] = tanh a; c:f64[5] = exp b in (c,) }"
    assert str(vmapx.make_jaxpr(lambda x: x + 1)(5)) == \
        "{ lambda ; a:i64[]. let b:i64[] = add a 1:i64[] in (b,) }"
    assert str(vmapx.make_jaxpr(lambda x: x)(np.ones(3, np.int64))) == \
        "{ lambda ; a:i64[3]. let  in (a,) }"
    # where(c, x, y) prints as JAX's select_n(c, y, x): cases in JAX's order
    text = str(vmapx.make_jaxpr(lambda x: jnp.where(x > 0, x * 2, -x) / 3)(1.0))
    assert "b:bool[] = gt a 0.0:f64[]" in text and "e:f64[] = select_n b d c" in text
    assert "c:f64[] = mul a 2.0:f64[]" in text and "d:f64[] = neg a" in text
    # a Python scalar prints at the dtype it takes in its equation, where that keeps its value
    assert str(vmapx.make_jaxpr(lambda x: (x > 0.5, x + 1))(1)).splitlines()[1:3] == [
        "    b:bool[] = gt a 0.5:f64[]", "    c:i64[] = add a 1:i64[]"]


def test_make_jaxpr_multiple_outputs_and_pytree_arguments():
    cj = vmapx.make_jaxpr(lambda p, x: (p["w"] * x, x.sum()))({"w": np.float32(2)},
                                                               np.ones(4, np.float32))
    assert [str(a.str_short()) for a in cj.in_avals] == ["float32[]", "float32[4]"]
    assert [a.shape for a in cj.out_avals] == [(4,), ()]
    assert str(cj).endswith("in (c, d) }")


def test_make_jaxpr_static_argnums_and_return_shape():
    cj, shape = vmapx.make_jaxpr(lambda x, n: x ** n, static_argnums=1,
                                 return_shape=True)(np.ones(2), 3)
    assert len(cj.in_avals) == 1
    assert "pow a 3" in str(cj)
    assert shape == vmapx.ShapeDtypeStruct((2,), np.float64)


def test_make_jaxpr_of_jit_prints_the_nested_jaxpr():
    text = str(vmapx.make_jaxpr(lambda x: vmapx.jit(jnp.sin)(x) * 2)(np.ones(3)))
    # JAX's layout: the nested jaxpr names its variables on from the outer ones
    assert "= jit[" in text and "jaxpr={ lambda ; c:f64[3]. let d:f64[3] = sin c in (d,) }" in text
    assert "name=sin" in text


def test_make_jaxpr_of_control_flow_shows_bodies():
    text = str(vmapx.make_jaxpr(lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x))(True, 1.0))
    assert "convert_element_type" in text and "= cond[" in text and "branches=(" in text
    assert "f:f64[] = cos e" in text and "h:f64[] = sin g" in text
    text = str(vmapx.make_jaxpr(lambda x: lax.scan(lambda c, y: (c + y, c), 0.0, x))(np.ones(3)))
    assert "= scan[" in text and "length=3" in text and "num_carry=1" in text


def test_constant_subcomputations_are_folded_while_tracing():
    w = np.arange(3.0)
    cj = vmapx.make_jaxpr(lambda x: x * jnp.sin(w) + jnp.cos(w).sum())(np.ones(3))
    assert [e.prim.name for e in cj.eqns] == ["multiply", "add"]
    assert len(cj.jaxpr.constvars) == 1   # sin(w), computed once
    np.testing.assert_allclose(cj.consts[0], np.sin(w))
    assert f"add c {np.cos(w).sum().item()!r}:f64[]" in str(cj)   # the folded scalar, a literal


def test_eval_jaxpr_reproduces_the_function():
    def f(x, y):
        return [jnp.tanh(x) @ y, (x ** 2).sum(axis=0)]
    x, y = np.random.default_rng(0).normal(size=(2, 3, 3))
    cj = trace_to_jaxpr(f, [ShapedArray((3, 3), F64)] * 2)
    got = eval_jaxpr(cj.jaxpr, cj.consts, x, y)
    want = f(x, y)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w)


def test_closed_jaxpr_hashes_by_identity_and_unpacks():
    cj = trace_to_jaxpr(lambda x: [jnp.sin(x)], [ShapedArray((2,), F64)])
    jaxpr, consts = cj
    assert jaxpr is cj.jaxpr and consts == []
    assert {cj: 1}[cj] == 1
    other = ClosedJaxpr(cj.jaxpr, [])
    assert other != cj


# ------------------------------------------------------ closed-over tracers


def test_closed_over_tracers_become_leading_inputs():
    seen = {}

    def f(x):
        def inner(y):
            return [x * y]
        cj = trace_to_jaxpr(inner, [ShapedArray((), F64)])
        hoisted, tracers = hoist_tracer_consts(cj)
        seen["n"] = len(tracers)
        seen["invars"] = len(hoisted.jaxpr.invars)
        return eval_jaxpr(hoisted.jaxpr, hoisted.consts, *tracers, 2.0)[0]

    out = vmapx.vmap(f)(np.arange(3.0))
    np.testing.assert_allclose(out, 2.0 * np.arange(3.0))
    assert seen == {"n": 1, "invars": 2}


# ------------------------------------------------------------ eval_shape


def test_eval_shape_seed_example_prints_the_batched_shape(capsys):
    batched_f = vmapx.vmap(lambda x: x * 2.0 + 1.0)
    x = np.zeros((10, 3), np.float32)
    print(vmapx.eval_shape(batched_f, x))
    assert capsys.readouterr().out.strip() == "ShapeDtypeStruct(shape=(10, 3), dtype=float32)"


def test_eval_shape_accepts_shape_dtype_structs_in_pytrees():
    def f(p, x):
        return {"y": x @ p["w"] + p["b"], "n": x.sum()}
    params = {"w": vmapx.ShapeDtypeStruct((4, 5), np.float32),
              "b": vmapx.ShapeDtypeStruct((5,), np.float32)}
    out = vmapx.eval_shape(f, params, vmapx.ShapeDtypeStruct((3, 4), np.float32))
    assert out == {"y": vmapx.ShapeDtypeStruct((3, 5), np.float32),
                   "n": vmapx.ShapeDtypeStruct((), np.float32)}


def test_eval_shape_does_not_compute():
    huge = vmapx.ShapeDtypeStruct((10 ** 6, 10 ** 6), np.float64)   # 8 TB if allocated
    out = vmapx.eval_shape(lambda a: jnp.exp(a).sum(axis=1), huge)
    assert out == vmapx.ShapeDtypeStruct((10 ** 6,), np.float64)


def test_eval_shape_python_scalars_are_weak():
    out = vmapx.eval_shape(lambda x: x * 2, 1.0)
    assert out == vmapx.ShapeDtypeStruct((), np.float64, weak_type=True)
    assert repr(out) == "ShapeDtypeStruct(shape=(), dtype=float64, weak_type=True)"
    out = vmapx.eval_shape(lambda x, y: x * y, vmapx.ShapeDtypeStruct((2,), np.float32), 2.0)
    assert out == vmapx.ShapeDtypeStruct((2,), np.float32)


def test_eval_shape_of_vmap_and_grad():
    out = vmapx.eval_shape(vmapx.vmap(vmapx.grad(lambda x: (x ** 2).sum())),
                           vmapx.ShapeDtypeStruct((7, 3), np.float32))
    assert out == vmapx.ShapeDtypeStruct((7, 3), np.float32)


def test_shape_dtype_struct_equality_hash_and_attributes():
    a = vmapx.ShapeDtypeStruct((3, 4), np.float32)
    b = vmapx.ShapeDtypeStruct([3, 4], np.dtype("float32"))
    assert a == b and hash(a) == hash(b)
    assert a != vmapx.ShapeDtypeStruct((3, 4), np.float64)
    assert (a.ndim, a.size, len(a)) == (2, 12, 3)
    assert repr(a) == "ShapeDtypeStruct(shape=(3, 4), dtype=float32)"


def test_eval_shape_rejects_non_arrays():
    with pytest.raises(TypeError, match="not a valid JAX type"):
        vmapx.eval_shape(lambda s: s, "text")


# ------------------------------------------------------------ batch_jaxpr


@pytest.mark.parametrize("dims", [(0, None), (1, 0), (None, 1), (0, 0)])
def test_batch_jaxpr_matches_the_loop(dims):
    rng = np.random.default_rng(1)
    cj = trace_to_jaxpr(lambda x, y: [jnp.sin(x) * y, (x @ y).sum()],
                        [ShapedArray((3, 3), F64)] * 2)
    B = 4
    xs = [rng.normal(size=(B, 3, 3)) for _ in range(2)]
    args = [x if d is None else np.moveaxis(x, 0, d) for x, d in zip(xs, dims)]
    args = [a[0] if d is None else a for a, d in zip(args, dims)]
    bj, out_dims = batch_jaxpr(cj, dims, AxisData(None, B))
    got = eval_jaxpr(bj.jaxpr, bj.consts, *args)
    for k in range(2):
        want = np.stack([eval_jaxpr(cj.jaxpr, cj.consts,
                                    *[a if d is None else np.take(a, b, axis=d)
                                      for a, d in zip(args, dims)])[k] for b in range(B)])
        g = got[k] if out_dims[k] is None else np.moveaxis(got[k], out_dims[k], 0)
        if out_dims[k] is None:
            g = np.broadcast_to(g, want.shape)
        np.testing.assert_allclose(g, want, rtol=1e-12)


def test_batch_jaxpr_is_traced_once_per_dims_and_axis():
    cj = trace_to_jaxpr(lambda x: [x * 2.0], [ShapedArray((3,), F64)])
    a = batch_jaxpr(cj, (0,), AxisData(None, 5))
    assert batch_jaxpr(cj, (0,), AxisData(None, 5)) is a
    assert batch_jaxpr(cj, (1,), AxisData(None, 5)) is not a
    assert batch_jaxpr(cj, (0,), AxisData(None, 6)) is not a


def test_batch_jaxpr_force_out_moves_or_broadcasts():
    cj = trace_to_jaxpr(lambda x, y: [x + 1.0, y * 2.0], [ShapedArray((3,), F64)] * 2)
    bj, dims = batch_jaxpr(cj, (1, None), AxisData(None, 2), force_out=(0, 0))
    assert tuple(dims) == (0, 0)
    x, y = np.arange(6.0).reshape(3, 2), np.arange(3.0)
    a, b = eval_jaxpr(bj.jaxpr, bj.consts, x, y)
    np.testing.assert_allclose(a, x.T + 1)
    np.testing.assert_allclose(b, np.stack([y * 2] * 2))
