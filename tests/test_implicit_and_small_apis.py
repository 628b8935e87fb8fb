"""Implicit differentiation (``lax.custom_linear_solve``, ``lax.custom_root``),
the one-level pytree API (``flatten_one_level``, ``is_tree_node``,
``default_registry``) and the small top-level APIs (scoped config setters,
``closure_convert``, ``live_arrays``, ``effects_barrier``, host aliases,
``vmapx.custom_derivatives`` and the experimental x64 scopes).

The loop is the oracle for ``vmap``; closed forms or finite differences for
derivatives; JAX (when installed) for JAX's containers and values.
"""
import collections
import dataclasses
import gc
import os
import subprocess
import sys
import threading
import warnings
import weakref
from pathlib import Path

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax, tree_util

RNG = np.random.default_rng(0)
A = np.array([[3.0, 1.0, 0.5], [0.2, 2.5, -0.4], [0.3, -0.1, 4.0]])   # not symmetric
B = np.array([1.0, -2.0, 0.5])


def _assert_same(actual, expected, rtol=1e-7, atol=1e-9):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _fd_grad(f, x, eps=1e-6):
    """Central finite differences of a scalar function of an array."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


# --------------------------------------------------------- custom_linear_solve


def _richardson(matvec, b):
    """An iterative solver in a while_loop (not differentiable in reverse mode)."""
    def body(carry):
        i, x = carry
        return i + 1, x + 0.25 * (b - matvec(x))
    return lax.while_loop(lambda c: c[0] < 300, body, (0, jnp.zeros_like(b)))[1]


def _direct(matvec, b):
    return jnp.linalg.solve(vmapx.jacfwd(matvec)(b), b)


def _solve(A, b, solver=_direct, symmetric=False):
    return lax.custom_linear_solve(lambda x: A @ x, b, solver,
                                   None if symmetric else solver, symmetric=symmetric)


def test_custom_linear_solve_returns_the_solvers_solution():
    x = _solve(A, B)
    _assert_same(x, np.linalg.solve(A, B))


def test_custom_linear_solve_gradients_match_the_closed_form():
    # d/db sum(A^-1 b) = A^-T 1 ; d/dA sum(A^-1 b) = -(A^-T 1) x^T
    ga, gb = vmapx.grad(lambda A, b: _solve(A, b).sum(), (0, 1))(A, B)
    w = np.linalg.solve(A.T, np.ones(3))
    _assert_same(gb, w)
    _assert_same(ga, -np.outer(w, np.linalg.solve(A, B)))


def test_custom_linear_solve_forward_and_reverse_jacobians_agree_with_finite_differences():
    jf = vmapx.jacfwd(lambda A: _solve(A, B))(A)
    jr = vmapx.jacrev(lambda A: _solve(A, B))(A)
    fd = np.stack([_fd_grad(lambda a: np.linalg.solve(a, B)[k], A) for k in range(3)])
    _assert_same(jf, jr)
    np.testing.assert_allclose(jf, fd, rtol=1e-6, atol=1e-8)


def test_custom_linear_solve_second_derivatives_match_the_closed_form():
    # f(b) = (1^T A^-1 b)^2 has the Hessian 2 w w^T with w = A^-T 1
    h = vmapx.hessian(lambda b: _solve(A, b).sum() ** 2)(B)
    w = np.linalg.solve(A.T, np.ones(3))
    _assert_same(h, 2.0 * np.outer(w, w))


def test_custom_linear_solve_does_not_differentiate_the_solvers_iterations():
    S = A @ A.T / 10 + np.eye(3)      # Richardson converges for this one
    # reverse mode through the while_loop itself is an error ...
    with pytest.raises(ValueError):
        vmapx.grad(lambda b: _richardson(lambda x: S @ x, b).sum())(B)
    # ... but not through the implicit derivative, which solves the system again
    g = vmapx.grad(lambda S, b: _solve(S, b, _richardson, symmetric=True).sum(), (0, 1))(S, B)
    w = np.linalg.solve(S, np.ones(3))
    _assert_same(g[1], w)
    _assert_same(g[0], -np.outer(w, np.linalg.solve(S, B)))


def test_custom_linear_solve_under_vmap_matches_the_loop():
    As = A + 0.1 * RNG.normal(size=(4, 3, 3))
    bs = RNG.normal(size=(4, 3))
    for in_axes, args, pick in [((0, 0), (As, bs), lambda i: (As[i], bs[i])),
                                ((None, 0), (A, bs), lambda i: (A, bs[i])),
                                ((0, None), (As, B), lambda i: (As[i], B))]:
        out = vmapx.vmap(_solve, in_axes)(*args)
        _assert_same(out, np.stack([np.linalg.solve(*pick(i)) for i in range(4)]))


def test_custom_linear_solve_vmap_of_grad_matches_the_loop():
    As = A + 0.1 * RNG.normal(size=(3, 3, 3))
    bs = RNG.normal(size=(3, 3))
    f = vmapx.grad(lambda A, b: (_solve(A, b) ** 2).sum(), (0, 1))
    ga, gb = vmapx.vmap(f)(As, bs)
    loop = [f(As[i], bs[i]) for i in range(3)]
    _assert_same(ga, np.stack([g[0] for g in loop]))
    _assert_same(gb, np.stack([g[1] for g in loop]))


def test_custom_linear_solve_under_jit_equals_eager():
    f = vmapx.jit(vmapx.value_and_grad(lambda A, b: _solve(A, b).sum(), (0, 1)))
    v, (ga, gb) = f(A, B)
    v0, (ga0, gb0) = vmapx.value_and_grad(lambda A, b: _solve(A, b).sum(), (0, 1))(A, B)
    _assert_same(v, v0)
    _assert_same(ga, ga0)
    _assert_same(gb, gb0)


def test_custom_linear_solve_takes_pytrees_and_auxiliary_outputs():
    def matvec(t):
        return {"u": 2.0 * t["u"], "v": (3.0 * t["v"][0],)}

    def solver(mv, t):
        return {"u": t["u"] / 2.0, "v": (t["v"][0] / 3.0,)}, jnp.sum(t["u"] > 0)

    def f(b):
        return lax.custom_linear_solve(matvec, b, solver, solver, has_aux=True)

    b = {"u": np.array([1.0, -2.0]), "v": (np.array(6.0),)}
    x, aux = f(b)
    _assert_same(x["u"], np.array([0.5, -1.0]))
    _assert_same(x["v"][0], np.array(2.0))
    assert int(aux) == 1
    g = vmapx.grad(lambda b: f(b)[0]["u"].sum() + f(b)[0]["v"][0])(b)
    _assert_same(g["u"], np.array([0.5, 0.5]))
    _assert_same(g["v"][0], np.array(1.0 / 3.0))


def test_custom_linear_solve_forward_mode_needs_no_transpose_solve():
    f = lambda b: lax.custom_linear_solve(lambda x: A @ x, b, _direct)
    x, t = vmapx.jvp(f, (B,), (np.ones(3),))
    _assert_same(t, np.linalg.solve(A, np.ones(3)))
    with pytest.raises(TypeError, match="transpose_solve required for backwards mode"):
        vmapx.grad(lambda b: f(b).sum())(B)


@pytest.mark.parametrize("call, error, message", [
    (lambda: lax.custom_linear_solve(lambda x: jnp.ones(4), B, _direct), ValueError,
     r"matvec\(\) output shapes must match b, got \[\(4,\)\] and \[\(3,\)\]"),
    (lambda: lax.custom_linear_solve(lambda x: [x], B, _direct), TypeError,
     r"matvec\(\) output pytree structure must match b"),
    (lambda: lax.custom_linear_solve(lambda x: x, B, lambda mv, b: (b,)), TypeError,
     r"solve\(\) output pytree structure must match b"),
    (lambda: lax.custom_linear_solve(lambda x: x, (B,), lambda mv, b: b, has_aux=True),
     ValueError, r"solve\(\) produced a pytree with structure .* but a pytree tuple with "
                 "auxiliary output was expected because has_aux was set to True"),
])
def test_custom_linear_solve_errors_use_jax_wording(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_custom_linear_solve_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)

    def make(m, lx, np_):
        def f(A, b):
            solver = lambda mv, r: np_.linalg.solve(m.jacfwd(mv)(r), r)
            return lx.custom_linear_solve(lambda x: A @ x, b, solver, solver)
        return m.jacrev(lambda A, b: np_.sin(f(A, b)), (0, 1))

    ours = make(vmapx, lax, jnp)(A, B)
    theirs = make(jax, jax.lax, jax.numpy)(A, B)
    for o, t in zip(ours, theirs, strict=True):
        _assert_same(o, np.asarray(t))


# ---------------------------------------------------------------- custom_root


def _newton(f, x0):
    return lax.fori_loop(0, 30, lambda i, x: x - f(x) / vmapx.grad(f)(x), x0)


def _newton_until_converged(f, x0):
    def body(x):
        return x - f(x) / vmapx.grad(f)(x)
    return lax.while_loop(lambda x: jnp.abs(f(x)) > 1e-12, body, x0)


def _sqrt(a, solver=_newton):
    return lax.custom_root(lambda x: x ** 2 - a, 1.0, solver, lambda g, y: y / g(1.0))


def test_custom_root_value_and_implicit_derivative():
    _assert_same(_sqrt(2.0), np.sqrt(2.0))
    _assert_same(vmapx.grad(_sqrt)(2.0), 0.5 / np.sqrt(2.0))
    _, t = vmapx.jvp(_sqrt, (4.0,), (1.0,))
    _assert_same(t, np.array(0.25))


def test_custom_root_differentiates_a_while_loop_solver_in_reverse_mode():
    _assert_same(vmapx.grad(lambda a: _sqrt(a, _newton_until_converged))(9.0), 1.0 / 6.0)


def test_custom_root_gradient_with_respect_to_the_initial_guess_is_zero():
    g = vmapx.grad(lambda x0: lax.custom_root(lambda x: x - 3.0, x0, _newton,
                                              lambda g, y: y / g(1.0)))(1.0)
    _assert_same(g, np.array(0.0))


def test_custom_root_under_vmap_matches_the_loop():
    a = np.array([1.0, 4.0, 9.0, 2.0])
    _assert_same(vmapx.vmap(_sqrt)(a), np.stack([_sqrt(x) for x in a]))
    _assert_same(vmapx.vmap(vmapx.grad(_sqrt))(a), np.stack([vmapx.grad(_sqrt)(x) for x in a]))
    _assert_same(vmapx.jit(vmapx.vmap(vmapx.grad(_sqrt)))(a), 0.5 / np.sqrt(a))


def _vector_root(p):
    def f(x):
        return jnp.tanh(x) + p * x - np.array([0.3, -0.2])

    def newton(f, x0):
        return lax.fori_loop(0, 30, lambda i, x: x - jnp.linalg.solve(vmapx.jacfwd(f)(x), f(x)),
                             x0)

    def tangent_solve(g, y):
        return jnp.linalg.solve(vmapx.jacfwd(g)(y), y)
    return lax.custom_root(f, jnp.zeros(2), newton, tangent_solve)


def test_custom_root_vector_jacobians_match_finite_differences():
    p = np.array([1.5, 2.0])
    jf = vmapx.jacfwd(_vector_root)(p)
    jr = vmapx.jacrev(_vector_root)(p)
    fd = np.stack([_fd_grad(lambda q: np.asarray(_vector_root(q))[k], p) for k in range(2)])
    _assert_same(jf, jr)
    np.testing.assert_allclose(jf, fd, rtol=1e-6, atol=1e-8)


def test_custom_root_with_auxiliary_output_and_pytrees():
    def f(t):
        return {"a": t["a"] ** 3 - 8.0 * c[0], "b": (t["b"][0] - c[1] * t["a"],)}

    def solver(f, t):
        def step(i, t):
            return {"a": t["a"] - f(t)["a"] / (3 * t["a"] ** 2), "b": (t["b"][0] - f(t)["b"][0],)}
        return lax.fori_loop(0, 40, step, t), jnp.int64(40)

    def tangent_solve(g, y):
        # g is lower triangular in (a, b): solve by substitution
        da = y["a"] / g({"a": 1.0, "b": (0.0,)})["a"]
        return {"a": da, "b": (y["b"][0] - g({"a": da, "b": (0.0,)})["b"][0],)}

    def root(c_):
        nonlocal c
        c = c_
        return lax.custom_root(f, {"a": 1.0, "b": (0.0,)}, solver, tangent_solve, has_aux=True)

    c = None
    sol, iters = root(np.array([1.0, 0.5]))
    _assert_same(sol["a"], np.array(2.0))
    _assert_same(sol["b"][0], np.array(1.0))
    assert int(iters) == 40
    # a = 2 c0^(1/3), b = c1 a
    g = vmapx.grad(lambda c_: root(c_)[0]["b"][0])(np.array([1.0, 0.5]))
    _assert_same(g, np.array([0.5 * 2.0 / 3.0, 2.0]))


@pytest.mark.parametrize("call, error, message", [
    (lambda: lax.custom_root(lambda x: (x,), 1.0, _newton, lambda g, y: y), TypeError,
     r"f\(\) output pytree structure must match initial_guess"),
    (lambda: lax.custom_root(lambda x: x, 1.0, lambda f, x: [x], lambda g, y: y), TypeError,
     r"solve\(\) output pytree structure must match initial_guess"),
    (lambda: lax.custom_root(lambda x: x, 1.0, lambda f, x: x, lambda g, y: y, has_aux=True),
     ValueError, "but a pytree tuple with auxiliary output was expected"),
    (lambda: lax.custom_root(lambda x: x, 1.0, lambda f, x: x, lambda g, y: (y,)), TypeError,
     r"tangent_solve\(\) output pytree structure must match x"),
])
def test_custom_root_errors_use_jax_wording(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_custom_root_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)

    def make(m, lx, np_):
        def root(p):
            f = lambda x: np_.tanh(x) + p * x - 0.3
            newton = lambda f, x0: lx.fori_loop(0, 30, lambda i, x: x - f(x) / m.grad(f)(x), x0)
            return lx.custom_root(f, 0.0, newton, lambda g, y: y / g(1.0))
        return m.vmap(m.value_and_grad(root))

    ps = np.array([0.5, 1.0, 3.0])
    for o, t in zip(make(vmapx, lax, jnp)(ps), make(jax, jax.lax, jax.numpy)(ps), strict=True):
        _assert_same(o, np.asarray(t))


# ------------------------------------------------------------ tree_util: one level

_Point = collections.namedtuple("_Point", "x y")


class _Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b


tree_util.register_pytree_node(_Pair, lambda p: ([p.a, p.b], "aux"), lambda aux, ch: _Pair(*ch))


@dataclasses.dataclass
class _Data:
    x: float
    m: int


tree_util.register_dataclass(_Data, data_fields=["x"], meta_fields=["m"])


@pytest.mark.parametrize("tree, children, metadata", [
    ([1, 2], [1, 2], None),
    ((1, [2]), (1, [2]), None),
    ({"b": 1, "a": (2, 3)}, ((2, 3), 1), ("a", "b")),
    (collections.OrderedDict(b=1, a=2), [1, 2], ("b", "a")),
    (collections.defaultdict(list, b=1, a=2), [2, 1], (list, ("a", "b"))),
    (None, (), None),
    (_Point(1, 2), [1, 2], _Point),
    (_Data(1.0, 7), [1.0], (7,)),
])
def test_flatten_one_level_returns_children_and_metadata(tree, children, metadata):
    got_children, got_metadata = tree_util.flatten_one_level(tree)
    assert type(got_children) is type(children)
    assert got_children == children
    assert got_metadata == metadata


def test_flatten_one_level_of_a_custom_node_keeps_its_aux_data():
    children, aux = tree_util.flatten_one_level(_Pair(1, {"z": 2}))
    assert children == [1, {"z": 2}] and aux == "aux"


def test_flatten_one_level_with_keys_names_each_child():
    K = tree_util
    assert K.flatten_one_level_with_keys({"b": 1, "a": 2}) == (
        ((K.DictKey("a"), 2), (K.DictKey("b"), 1)), ("a", "b"))
    assert K.flatten_one_level_with_keys([5, 6]) == (
        ((K.SequenceKey(0), 5), (K.SequenceKey(1), 6)), None)
    assert K.flatten_one_level_with_keys(_Point(1, 2)) == (
        [(K.GetAttrKey("x"), 1), (K.GetAttrKey("y"), 2)], _Point)
    assert K.flatten_one_level_with_keys(_Pair(1, 2)) == (
        [(K.FlattenedIndexKey(0), 1), (K.FlattenedIndexKey(1), 2)], "aux")


@pytest.mark.parametrize("leaf", [1.0, "s", np.ones(2), jnp.ones(2)])
def test_flatten_one_level_of_a_leaf_raises_jax_error(leaf):
    for fn in (tree_util.flatten_one_level, tree_util.flatten_one_level_with_keys):
        with pytest.raises(ValueError, match=f"can't tree-flatten type: {type(leaf)}"):
            fn(leaf)
    assert tree_util.default_registry.flatten_one_level(leaf) is None


def test_is_tree_node_knows_builtins_namedtuples_and_registered_types():
    for typ in (list, tuple, dict, type(None), collections.OrderedDict, _Point, _Pair, _Data,
                tree_util.Partial):
        assert tree_util.is_tree_node(typ), typ
    for typ in (int, float, str, np.ndarray, vmapx.Array, 1):
        assert not tree_util.is_tree_node(typ), typ


def test_default_registry_flattens_as_the_module_functions():
    reg = tree_util.default_registry
    tree = [1, (2, None), {"k": 3}]
    assert reg.flatten(tree) == tree_util.tree_flatten(tree)
    assert reg.flatten(tree, lambda x: isinstance(x, tuple)) == tree_util.tree_flatten(
        tree, lambda x: isinstance(x, tuple))
    assert reg.flatten_with_path(tree) == tree_util.tree_flatten_with_path(tree)
    assert reg.flatten_one_level({"a": 1}) == ((1,), ("a",))
    assert reg.is_node(dict) and not reg.is_node(float)

    class Box:
        def __init__(self, v):
            self.v = v
    reg.register_node(Box, lambda b: ((b.v,), None), lambda aux, ch: Box(*ch))
    assert tree_util.tree_leaves([Box(4)]) == [4]


def test_flatten_one_level_matches_jax():
    jax = pytest.importorskip("jax")
    jt = jax.tree_util
    for tree in ([1, 2], (1, [2]), {"b": 1, "a": (2, 3)}, collections.OrderedDict(b=1, a=2),
                 collections.defaultdict(list, b=1, a=2), None, _Point(1, 2), (), {}):
        assert tree_util.flatten_one_level(tree) == jt.flatten_one_level(tree)
        ours = tree_util.flatten_one_level_with_keys(tree)
        theirs = jt.flatten_one_level_with_keys(tree)
        assert type(ours[0]) is type(theirs[0]) and ours[1] == theirs[1]
        assert [(str(k), c) for k, c in ours[0]] == [(str(k), c) for k, c in theirs[0]] \
            or isinstance(tree, _Point)   # JAX 0.10.2 names both namedtuple fields .x
    for typ in (list, dict, type(None), _Point, int, str):
        assert tree_util.is_tree_node(typ) == jt.is_tree_node(typ)


# ---------------------------------------------------------- scoped config setters


@pytest.mark.parametrize("name, option", [("debug_nans", "jax_debug_nans"),
                                          ("debug_infs", "jax_debug_infs"),
                                          ("log_compiles", "jax_log_compiles")])
def test_boolean_scoped_setters_hold_in_scope_and_thread_only(name, option):
    setter = getattr(vmapx, name)
    seen_elsewhere = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with setter():          # no value: True, as JAX's boolean options
            assert getattr(vmapx.config, option) is True
            t = threading.Thread(target=lambda: seen_elsewhere.append(
                getattr(vmapx.config, option)))
            t.start()
            t.join()
            with setter(False):
                assert getattr(vmapx.config, option) is False
            assert getattr(vmapx.config, option) is True
    assert getattr(vmapx.config, option) is False
    assert seen_elsewhere == [False]

    @setter(True)
    def read():
        return getattr(vmapx.config, option)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert read() is True


def test_scoped_setter_of_a_non_boolean_option_needs_a_value():
    with pytest.raises(TypeError, match="requires an argument representing the new value"):
        with vmapx.numpy_rank_promotion():
            pass


def test_default_device_accepts_the_cpu_only():
    cpu = vmapx.devices()[0]
    for dev in (cpu, "cpu", None):
        with vmapx.default_device(dev):
            assert vmapx.config.jax_default_device is dev
            assert jnp.ones(2).devices() == {cpu}
    assert vmapx.config.jax_default_device is None
    with pytest.raises(ValueError, match="default_device must be passed either a Device"):
        with vmapx.default_device("gpu"):
            pass


def test_enable_x64_is_a_no_op_and_disabling_raises():
    from vmapx.experimental import disable_x64, enable_x64
    for scope in (vmapx.enable_x64(), vmapx.enable_x64(True), enable_x64()):
        with scope:
            assert jnp.arange(2.0).dtype == np.float64
            assert vmapx.config.jax_enable_x64 is True
    for scope in (vmapx.enable_x64(False), disable_x64(), enable_x64(False)):
        with pytest.raises(NotImplementedError, match="always computes with 64-bit types"):
            with scope:
                pass
    assert vmapx.config.jax_enable_x64 is True


# ------------------------------------------------------------ closure_convert


def test_closure_convert_hoists_only_values_being_differentiated():
    counts = []

    def g(a, k):
        f = lambda x: x * a + k
        converted, consts = vmapx.closure_convert(f, 1.0)
        counts.append(len(consts))
        return converted(2.0, *consts).sum()

    a = np.array([1.0, 2.0])
    _assert_same(vmapx.grad(g)(a, 3), np.array([2.0, 2.0]))      # a: hoisted
    _assert_same(vmapx.vmap(g)(np.ones((2, 2)), np.arange(2)), np.array([4.0, 6.0]))  # batch: no
    _assert_same(vmapx.jit(g)(a, 1), np.array(8.0))               # staged float: hoisted
    assert counts == [1, 0, 1]
    assert g(a, 1) == 8.0 and counts[-1] == 0                     # concrete: kept inside


def test_closure_convert_lets_custom_vjp_differentiate_closed_over_values():
    def apply(fn, x, *consts):
        return fn(x, *consts)

    def fwd(fn, x, *consts):
        return fn(x, *consts), (x, consts)

    def bwd(fn, res, ct):      # a hand-written rule for fn(x, c) = x * c
        x, consts = res
        return ct * consts[0], ct * x

    apply = vmapx.custom_vjp(apply, nondiff_argnums=(0,))
    apply.defvjp(fwd, bwd)

    def loss(c):
        fn, consts = vmapx.closure_convert(lambda x: x * c, 2.0)
        return apply(fn, 2.0, *consts)

    _assert_same(vmapx.grad(loss)(3.0), np.array(2.0))


def test_closure_convert_checks_the_argument_structure():
    converted, consts = vmapx.closure_convert(lambda x, y: {"s": x["a"] + y}, {"a": 1.0}, 2.0)
    assert consts == []
    _assert_same(converted({"a": 3.0}, 4.0)["s"], np.array(7.0))
    with pytest.raises(TypeError, match="must have the same Pytree structure as the example"):
        converted((3.0,), 4.0)


# --------------------------------------------------- live arrays, hosts, modules


def test_live_arrays_lists_the_results_still_referenced():
    x = jnp.arange(5.0)
    ref = weakref.ref(x)
    assert any(a is x for a in vmapx.live_arrays())
    assert any(a is x for a in vmapx.live_arrays("cpu"))
    del x
    gc.collect()
    assert ref() is None or not any(a is ref() for a in vmapx.live_arrays())
    with pytest.raises(RuntimeError, match="Unknown backend"):
        vmapx.live_arrays("gpu")


def test_effects_barrier_returns_after_callbacks_ran(capsys):
    vmapx.jit(lambda x: vmapx.debug.print("v={}", x))(1.5)
    assert vmapx.effects_barrier() is None
    assert capsys.readouterr().out == "v=1.5\n"


def test_process_indices_and_the_old_host_names():
    assert vmapx.process_indices() == [0]
    for old, value in (("host_id", 0), ("host_count", 1), ("host_ids", [0])):
        with pytest.warns(UserWarning, match=f"vmapx.{old} is an old name"):
            assert getattr(vmapx, old)() == value


def test_public_submodules_are_attributes_after_import_vmapx():
    src = str(Path(vmapx.__file__).resolve().parents[1])
    code = ("import vmapx; "
            "print(vmapx.custom_derivatives.closure_convert is vmapx.closure_convert, "
            "vmapx.experimental.disable_x64.__name__, vmapx.lax.custom_root.__name__, "
            "vmapx.tree_util.default_registry)")
    env = dict(os.environ, PYTHONPATH=src)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.split() == ["True", "disable_x64", "custom_root",
                           "vmapx.tree_util.default_registry"]
