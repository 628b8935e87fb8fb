"""``jit``: one trace per input signature (counted), a bounded cache, the
simplified program (CSE, dead code), compiled execution, errors naming the
user's line, and composition with vmap, grad and itself."""
import traceback

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src import jit as jit_mod, jit_program
from vmapx._src.jit_program import simplify


def counting(f):
    """``f`` plus a counter of how many times it ran (i.e. was traced)."""
    calls = []

    def g(*args, **kwargs):
        calls.append(1)
        return f(*args, **kwargs)
    g.calls = calls
    return g


def f10(x, y):
    a = jnp.sin(x) * y
    b = a + jnp.cos(y)
    c = b * b - x
    d = jnp.exp(-c) / (1.0 + y * y)
    return jnp.tanh(d) + a


def f10_np(x, y):
    a = np.sin(x) * y
    b = a + np.cos(y)
    c = b * b - x
    d = np.exp(-c) / (1.0 + y * y)
    return np.tanh(d) + a


RNG = np.random.default_rng(0)
X, Y = RNG.normal(size=(2, 8, 16))


# ------------------------------------------------------------ correctness


def test_jit_matches_numpy_over_many_calls():
    jf = vmapx.jit(f10)
    for _ in range(4):   # interpreted first, compiled afterwards: same results
        out = jf(X, Y)
        assert out.shape == (8, 16) and out.dtype == np.float64
        np.testing.assert_allclose(out, f10_np(X, Y), rtol=1e-13)


def test_jit_of_vmap_matches_the_loop():
    jf = vmapx.jit(vmapx.vmap(f10))
    want = np.stack([f10_np(x, y) for x, y in zip(X, Y)])
    for _ in range(3):
        np.testing.assert_allclose(jf(X, Y), want, rtol=1e-13)


def test_pytrees_kwargs_and_tuple_outputs():
    @vmapx.jit
    def f(p, x, *, scale):
        return {"out": (x @ p["w"] + p["b"]) * scale, "n": x.sum()}, [x.shape[0]]
    p = {"w": RNG.normal(size=(3, 2)), "b": np.ones(2)}
    x = RNG.normal(size=(4, 3))
    for _ in range(3):
        out, extra = f(p, x, scale=2.0)
        np.testing.assert_allclose(out["out"], (x @ p["w"] + p["b"]) * 2.0)
        np.testing.assert_allclose(out["n"], x.sum())
        assert extra == [np.asarray(4)] and isinstance(extra[0], np.ndarray)


def test_python_scalars_are_weak():
    f = vmapx.jit(lambda x, y: x * y)
    out = f(np.ones(3, np.float32), 2.0)
    assert out.dtype == np.float32
    assert f(2.0, 3.0).dtype == np.float64 and isinstance(f(2.0, 3.0), np.ndarray)
    assert f(np.int32(2), 3).dtype == np.int32


def test_outputs_are_fresh_writeable_arrays():
    a = np.arange(3.0)
    f = vmapx.jit(lambda x: (x, jnp.broadcast_to(x, (2, 3)), x.reshape(3, 1)))
    for _ in range(3):
        same, b, r = f(a)
        assert same is not a and not np.shares_memory(same, a)
        assert b.flags.writeable
        same[0] = 100.0
        assert a[0] == 0.0


VIEWS_OF_THE_INPUT = {
    "reshape": lambda v: v.reshape(2, 3), "T": lambda v: v.T, "row": lambda v: v[0],
    "reversed": lambda v: v[::-1], "new_axis": lambda v: v[None], "pair": lambda v: (v.T, v),
    "squeeze": lambda v: jnp.squeeze(v[:1]), "ravel": lambda v: jnp.ravel(v),
    "real": lambda v: jnp.real(v), "same_dtype": lambda v: v.astype(np.float64),
}


@pytest.mark.parametrize("name", VIEWS_OF_THE_INPUT)
def test_results_never_alias_the_input_interpreted_or_compiled(name):
    f = vmapx.jit(VIEWS_OF_THE_INPUT[name])
    for call in range(jit_program.COMPILE_WORK + 2):   # interpreted first, then compiled
        v = np.arange(6.0).reshape(3, 2)
        outs = f(v)
        if call in (0, jit_program.COMPILE_WORK + 1):
            outs = outs if isinstance(outs, tuple) else (outs,)
            for o in outs:
                assert o.flags.writeable and not np.shares_memory(o, v)
                o[...] = -1.0
            np.testing.assert_array_equal(v, np.arange(6.0).reshape(3, 2))


def test_results_never_alias_a_captured_array():
    w = np.arange(6.0).reshape(3, 2)
    f = vmapx.jit(lambda x: (w.T, w[0] + 0 * x))
    t, row = f(1.0)
    t[...] = 0.0
    row[...] = 0.0
    np.testing.assert_array_equal(w, np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(f(1.0)[0], np.arange(6.0).reshape(3, 2).T)


def test_fresh_and_unrelated_results_are_returned_without_a_copy():
    x, y = np.ones(4), np.ones((2, 3))
    fresh = np.sin(x)
    out = jit_program._finish(fresh, (x, y))   # the same memory, seen as a vmapx.Array
    assert type(out) is vmapx.Array and out.base is fresh
    view_of_other = fresh[::2]
    assert jit_program._finish(view_of_other, (x, y)).base is view_of_other
    assert not np.shares_memory(jit_program._finish(y.T, (x, y)), y)
    assert not np.shares_memory(jit_program._finish(x, (x,)), x)


def test_constant_outputs_are_not_shared_between_calls():
    c = np.arange(3.0)
    f = vmapx.jit(lambda: c * 2)
    first = f()
    first[0] = 99.0
    np.testing.assert_allclose(f(), c * 2)


# -------------------------------------------------------------- caching


def test_same_signature_traces_once():
    g = counting(lambda x, y: jnp.sin(x) + y)
    jf = vmapx.jit(g)
    for _ in range(5):
        jf(X, Y)
    assert len(g.calls) == 1
    assert jf._cache_size() == 1


@pytest.mark.parametrize("other", [
    lambda: (np.ones((2, 3)), 1.0),                 # shape
    lambda: (np.ones((8, 16), np.float32), 1.0),    # dtype
    lambda: (np.ones((8, 16)), np.float64(1.0)),    # weak -> strong
    lambda: (np.ones((8, 16)), 1),                  # python int instead of float
])
def test_signature_changes_retrace(other):
    g = counting(lambda x, y: x * y)
    jf = vmapx.jit(g)
    jf(np.ones((8, 16)), 1.0)
    jf(np.ones((8, 16)), 2.0)        # same signature: value changes do not retrace
    assert len(g.calls) == 1
    jf(*other())
    assert len(g.calls) == 2
    jf(*other())
    assert len(g.calls) == 2


def test_pytree_structure_and_static_values_are_part_of_the_key():
    g = counting(lambda d, n: d["a"] * n)
    jf = vmapx.jit(g, static_argnums=1)
    jf({"a": np.ones(2)}, 2)
    jf({"a": np.ones(2)}, 2)
    assert len(g.calls) == 1
    jf({"a": np.ones(2)}, 3)
    assert len(g.calls) == 2
    jf({"a": np.ones(2), "b": np.ones(1)}, 3)
    assert len(g.calls) == 3


def test_cache_is_bounded_lru(monkeypatch):
    monkeypatch.setattr(jit_mod, "CACHE_SIZE", 2)
    g = counting(lambda x: x + 1)
    jf = vmapx.jit(g)
    for n in (1, 2, 3):
        jf(np.ones(n))
    assert jf._cache_size() == 2
    jf(np.ones(3))   # most recent: still cached
    assert len(g.calls) == 3
    jf(np.ones(1))   # evicted: traced again
    assert len(g.calls) == 4


def test_static_argnames_and_argnums_infer_each_other():
    def g(x, mode="a"):
        return x * (2 if mode == "a" else 3)
    jf = vmapx.jit(g, static_argnames="mode")
    np.testing.assert_allclose(jf(np.ones(2), mode="b"), 3 * np.ones(2))
    np.testing.assert_allclose(jf(np.ones(2), "b"), 3 * np.ones(2))   # positional
    jf2 = vmapx.jit(lambda x, n: x * n, static_argnums=-1)
    np.testing.assert_allclose(jf2(np.ones(2), n=4), 4 * np.ones(2))
    np.testing.assert_allclose(jf2(np.ones(2), 4), 4 * np.ones(2))


def test_decorator_forms_and_donate_argnums_accepted():
    @vmapx.jit(static_argnums=(1,), donate_argnums=0)
    def f(x, k):
        return x[:k]
    np.testing.assert_allclose(f(np.arange(5.0), 2), [0.0, 1.0])
    assert f.__name__ == "f"


def test_batching_of_a_jitted_function_is_cached():
    g = counting(lambda x: jnp.sin(x) * 2)
    vf = vmapx.vmap(vmapx.jit(g))
    xs = RNG.normal(size=(5, 3))
    for _ in range(3):
        np.testing.assert_allclose(vf(xs), np.sin(xs) * 2)
    assert len(g.calls) == 1


# ------------------------------------------------------ the simplified program


def test_common_subexpressions_are_shared_and_dead_code_removed():
    def f(x):
        a = jnp.sin(x) * 2
        b = jnp.sin(x) * 2        # same as a
        jnp.exp(x)                # dead
        return a + b
    cj = vmapx.make_jaxpr(f)(np.ones(3))
    assert len(cj.eqns) == 6
    _, _, _, eqns, _ = simplify(cj)
    assert [e.prim.name for e in eqns] == ["sin", "multiply", "add"]


def test_nested_jit_is_inlined_into_one_program():
    inner = vmapx.jit(lambda y: jnp.cos(y) + 1)
    outer = vmapx.jit(lambda x: inner(x) * inner(x))
    cj = vmapx.make_jaxpr(outer)(np.ones(2))
    _, _, _, eqns, _ = simplify(cj)
    assert [e.prim.name for e in eqns] == ["cos", "add", "multiply"]
    np.testing.assert_allclose(outer(np.zeros(2)), [4.0, 4.0])


def test_program_is_compiled_once_called_enough(jit_backend):
    jit_backend("numpy")   # the NumPy program: one line per equation
    jf = vmapx.jit(f10)
    for _ in range(jit_program.COMPILE_WORK):
        jf(X, Y)
    (closed,) = jf._jaxprs()
    src = closed.cache["run"].__source__
    assert "def f10(a0, a1):" in src
    assert src.count(" = f") == 13    # one line per equation


# ---------------------------------------------------------------- errors


def test_tracing_error_names_the_users_line():
    def f(x):
        if x > 0:   # the offending line
            return x
        return -x
    with pytest.raises(vmapx.TracerBoolConversionError) as info:
        vmapx.jit(f)(1.0)
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert last.filename == __file__ and "if x > 0" in last.line
    assert "while tracing the function f" in str(info.value)


def test_non_array_argument_error():
    with pytest.raises(TypeError, match="Error interpreting argument to .* as an abstract "
                                        "array.*passed to the function at path x"):
        vmapx.jit(lambda x: x)("a")


def test_unhashable_static_argument_error():
    with pytest.raises(ValueError, match="Non-hashable static arguments are not supported"):
        vmapx.jit(lambda x, n: x * n, static_argnums=1)(1.0, [1])


def test_static_argnums_out_of_range_error():
    with pytest.raises(ValueError, match=r"static_argnums=\(3,\), but only accepts 2 positional"):
        vmapx.jit(lambda x, n: x * n, static_argnums=3)


# ------------------------------------------------------------ composition


def test_vmap_of_jit_and_vmap_of_vmap_of_jit_match_loops():
    f = vmapx.jit(lambda x, w: jnp.tanh(x @ w))
    xs, w = RNG.normal(size=(4, 3, 2)), RNG.normal(size=(2, 5))
    got = vmapx.vmap(f, in_axes=(0, None))(xs, w)
    np.testing.assert_allclose(got, np.stack([np.tanh(x @ w) for x in xs]))
    got2 = vmapx.vmap(vmapx.vmap(f, in_axes=(0, None)), in_axes=(None, 0))(xs[0], np.stack([w, w]))
    np.testing.assert_allclose(got2, np.stack([np.tanh(xs[0] @ w)] * 2))


def test_jit_of_grad_and_grad_of_jit():
    f = lambda x: jnp.sum(jnp.sin(x) ** 2)   # noqa: E731
    x = RNG.normal(size=4)
    want = 2 * np.sin(x) * np.cos(x)
    np.testing.assert_allclose(vmapx.jit(vmapx.grad(f))(x), want)
    np.testing.assert_allclose(vmapx.grad(vmapx.jit(f))(x), want)
    np.testing.assert_allclose(vmapx.jit(vmapx.jit(vmapx.grad(vmapx.jit(f))))(x), want)
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(vmapx.jit(f)))(x[:, None]),
                               want[:, None])


def test_jacfwd_and_hessian_of_jit():
    f = vmapx.jit(lambda x: jnp.sum(x ** 3))
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(vmapx.hessian(f)(x), np.diag(6 * x))
    np.testing.assert_allclose(vmapx.jacfwd(vmapx.jit(lambda x: x ** 2))(x), np.diag(2 * x))


def test_jit_closing_over_a_batched_value():
    out = vmapx.vmap(lambda x: vmapx.jit(lambda y: x * y + 1)(2.0))(np.arange(3.0))
    np.testing.assert_allclose(out, 2 * np.arange(3.0) + 1)


def test_jit_with_collectives_inside_a_named_vmap():
    f = vmapx.vmap(vmapx.jit(lambda x: x - lax.pmean(x, "i")), axis_name="i")
    xs = np.arange(4.0)
    np.testing.assert_allclose(f(xs), xs - xs.mean())


def test_jit_of_control_flow_is_compiled_once():
    g = counting(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, x))
    jf = vmapx.jit(g)
    for _ in range(3):
        np.testing.assert_allclose(jf(2.0), 16.0)
    assert len(g.calls) == 1


def test_dead_code_is_skipped_from_the_first_call(monkeypatch):
    from vmapx._src.prims import elementwise as ew
    calls = []
    real = ew.exp_p.impl
    monkeypatch.setattr(ew.exp_p, "impl", lambda x: calls.append(1) or real(x))

    def f(x):
        jnp.exp(x)            # result unused
        return jnp.sin(x)
    jf = vmapx.jit(f)
    for _ in range(jit_program.COMPILE_WORK + 2):   # interpreted, then compiled
        np.testing.assert_allclose(jf(np.ones(3)), np.sin(np.ones(3)))
    assert calls == []
