"""Collectives over named vmap axes: psum, pmean, pmax, pmin, all_gather,
axis_index, axis_size, ppermute, pshuffle, all_to_all, psum_scatter.

Three oracles:

* ``JAX_CASES``: values computed once with JAX 0.10.2 (``jax_enable_x64``) and
  hard-coded here; the same table is re-run against a live ``jax`` when it is
  importable (``test_collectives_match_live_jax``, skipped otherwise).
* ``test_collective_matches_formula``: every collective under every choice of
  batch dim, batch sizes 1 and 3, and nested under a second vmap (named or not,
  outside or inside), against a NumPy formula applied to the stacked examples.
* Scoping: tuple axis names, different names per level, an inner vmap
  shadowing an outer one of the same name, and the unbound-name error.
"""
from __future__ import annotations

import numpy as np
import pytest

import vmapx
from vmapx import lax
from vmapx._src import core

AR = np.arange

# name -> (builder(lax, vmap) -> function of the input, input, expected value).
# Expected values: JAX 0.10.2 with jax_enable_x64, printed with .tolist().
JAX_CASES = {
    "psum": (lambda L, V: V(lambda x: L.psum(x, "i"), axis_name="i"),
             AR(12.).reshape(3, 4), [[12., 15., 18., 21.]] * 3),
    "pmean": (lambda L, V: V(lambda x: L.pmean(x, "i"), axis_name="i"),
              AR(12.).reshape(3, 4), [[4., 5., 6., 7.]] * 3),
    "pmean_of_ints_is_true_division": (lambda L, V: V(lambda x: L.pmean(x, "i"), axis_name="i"),
                                       np.array([1, 2, 4]), [2.3333333333333335] * 3),
    "psum_of_ints": (lambda L, V: V(lambda x: L.psum(x, "i"), axis_name="i"),
                     np.array([1, 2, 4], np.int32), [7, 7, 7]),
    "pmax": (lambda L, V: V(lambda x: L.pmax(x, "i"), axis_name="i"),
             np.array([[3., 1.], [0., 5.], [2., 2.]]), [[3., 5.]] * 3),
    "pmin": (lambda L, V: V(lambda x: L.pmin(x, "i"), axis_name="i"),
             np.array([[3., 1.], [0., 5.], [2., 2.]]), [[0., 1.]] * 3),
    "pmax_of_ints": (lambda L, V: V(lambda x: L.pmax(x, "i"), axis_name="i"),
                     np.array([1, 5, 2]), [5, 5, 5]),
    "psum_mapped_on_axis_1": (lambda L, V: V(lambda x: L.psum(x, "i"), in_axes=1, axis_name="i"),
                              AR(12.).reshape(3, 4), [[6., 22., 38.]] * 4),
    "psum_of_unmapped_scales_by_size": (
        lambda L, V: V(lambda x, y: L.psum(y, "i") + 0 * x, in_axes=(0, None), axis_name="i"),
        (np.zeros(3), np.array([1., 2.])), [[3., 6.]] * 3),
    "psum_of_python_constant": (lambda L, V: V(lambda x: L.psum(1, "i"), axis_name="i"),
                                np.zeros(3), [3, 3, 3]),
    "psum_of_pytree": (lambda L, V: V(lambda x: L.psum({"a": x, "b": 2 * x}, "i"), axis_name="i"),
                       AR(3.), {"a": [3., 3., 3.], "b": [6., 6., 6.]}),
    "psum_batch_of_zero": (lambda L, V: V(lambda x: L.psum(x, "i"), axis_name="i"),
                           np.zeros((0, 2)), np.zeros((0, 2))),
    "all_gather": (lambda L, V: V(lambda x: L.all_gather(x, "i"), axis_name="i"),
                   AR(6.).reshape(3, 2), [[[0., 1.], [2., 3.], [4., 5.]]] * 3),
    "all_gather_axis_1": (lambda L, V: V(lambda x: L.all_gather(x, "i", axis=1), axis_name="i"),
                          AR(6.).reshape(3, 2), [[[0., 2., 4.], [1., 3., 5.]]] * 3),
    "all_gather_axis_negative": (
        lambda L, V: V(lambda x: L.all_gather(x, "i", axis=-1), axis_name="i"),
        AR(6.).reshape(3, 2), [[[0., 2., 4.], [1., 3., 5.]]] * 3),
    "all_gather_tiled": (lambda L, V: V(lambda x: L.all_gather(x, "i", tiled=True), axis_name="i"),
                         AR(6.).reshape(3, 2), [[0., 1., 2., 3., 4., 5.]] * 3),
    "all_gather_tiled_axis_1": (
        lambda L, V: V(lambda x: L.all_gather(x, "i", axis=1, tiled=True), axis_name="i"),
        AR(12.).reshape(2, 2, 3),
        [[[0., 1., 2., 6., 7., 8.], [3., 4., 5., 9., 10., 11.]]] * 2),
    "all_gather_of_scalars": (lambda L, V: V(lambda x: L.all_gather(x, "i"), axis_name="i"),
                              AR(3.), [[0., 1., 2.]] * 3),
    "axis_index": (lambda L, V: V(lambda x: L.axis_index("i"), axis_name="i"),
                   np.zeros(4), [0, 1, 2, 3]),
    "axis_size": (lambda L, V: V(lambda x: x * 0 + L.axis_size("i"), axis_name="i"),
                  np.zeros(4), [4., 4., 4., 4.]),
    "ppermute_cycle": (
        lambda L, V: V(lambda x: L.ppermute(x, "i", [(0, 1), (1, 2), (2, 0)]), axis_name="i"),
        AR(6.).reshape(3, 2), [[4., 5.], [0., 1.], [2., 3.]]),
    "pshuffle": (lambda L, V: V(lambda x: L.pshuffle(x, "i", [2, 0, 1]), axis_name="i"),
                 AR(6.).reshape(3, 2), [[4., 5.], [0., 1.], [2., 3.]]),
    "all_to_all_split_0_concat_0": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 0, 0), axis_name="i"),
        AR(18.).reshape(3, 3, 2),
        [[[0., 1.], [6., 7.], [12., 13.]], [[2., 3.], [8., 9.], [14., 15.]],
         [[4., 5.], [10., 11.], [16., 17.]]]),
    "all_to_all_split_0_concat_1": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 0, 1), axis_name="i"),
        AR(18.).reshape(3, 3, 2),
        [[[0., 6., 12.], [1., 7., 13.]], [[2., 8., 14.], [3., 9., 15.]],
         [[4., 10., 16.], [5., 11., 17.]]]),
    "all_to_all_split_1_concat_0": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 1, 0), axis_name="i"),
        AR(18.).reshape(3, 2, 3),
        [[[0., 3.], [6., 9.], [12., 15.]], [[1., 4.], [7., 10.], [13., 16.]],
         [[2., 5.], [8., 11.], [14., 17.]]]),
    "all_to_all_tiled_split_0_concat_0": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 0, 0, tiled=True), axis_name="i"),
        AR(36.).reshape(3, 6, 2),
        [[[0., 1.], [2., 3.], [12., 13.], [14., 15.], [24., 25.], [26., 27.]],
         [[4., 5.], [6., 7.], [16., 17.], [18., 19.], [28., 29.], [30., 31.]],
         [[8., 9.], [10., 11.], [20., 21.], [22., 23.], [32., 33.], [34., 35.]]]),
    "all_to_all_tiled_split_0_concat_1": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 0, 1, tiled=True), axis_name="i"),
        AR(36.).reshape(3, 6, 2),
        [[[0., 1., 12., 13., 24., 25.], [2., 3., 14., 15., 26., 27.]],
         [[4., 5., 16., 17., 28., 29.], [6., 7., 18., 19., 30., 31.]],
         [[8., 9., 20., 21., 32., 33.], [10., 11., 22., 23., 34., 35.]]]),
    "all_to_all_tiled_split_1_concat_0": (
        lambda L, V: V(lambda x: L.all_to_all(x, "i", 1, 0, tiled=True), axis_name="i"),
        AR(36.).reshape(3, 2, 6),
        [[[0., 1.], [6., 7.], [12., 13.], [18., 19.], [24., 25.], [30., 31.]],
         [[2., 3.], [8., 9.], [14., 15.], [20., 21.], [26., 27.], [32., 33.]],
         [[4., 5.], [10., 11.], [16., 17.], [22., 23.], [28., 29.], [34., 35.]]]),
    "psum_scatter": (lambda L, V: V(lambda x: L.psum_scatter(x, "i"), axis_name="i"),
                     AR(18.).reshape(3, 3, 2), [[18., 21.], [24., 27.], [30., 33.]]),
    "psum_scatter_dimension_1": (
        lambda L, V: V(lambda x: L.psum_scatter(x, "i", scatter_dimension=1), axis_name="i"),
        AR(18.).reshape(3, 2, 3), [[18., 27.], [21., 30.], [24., 33.]]),
    "psum_scatter_tiled": (
        lambda L, V: V(lambda x: L.psum_scatter(x, "i", tiled=True), axis_name="i"),
        AR(36.).reshape(3, 6, 2),
        [[[36., 39.], [42., 45.]], [[48., 51.], [54., 57.]], [[60., 63.], [66., 69.]]]),
    "psum_scatter_tiled_dimension_1": (
        lambda L, V: V(lambda x: L.psum_scatter(x, "i", scatter_dimension=1, tiled=True),
                       axis_name="i"),
        AR(36.).reshape(3, 2, 6),
        [[[36., 39.], [54., 57.]], [[42., 45.], [60., 63.]], [[48., 51.], [66., 69.]]]),
    "tuple_names_psum": (
        lambda L, V: V(V(lambda x: L.psum(x, ("i", "j")), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[15., 15., 15.]] * 2),
    "tuple_names_pmax": (
        lambda L, V: V(V(lambda x: L.pmax(x, ("i", "j")), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[5., 5., 5.]] * 2),
    "tuple_names_pmean": (
        lambda L, V: V(V(lambda x: L.pmean(x, ("i", "j")), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[2.5, 2.5, 2.5]] * 2),
    "tuple_names_axis_index_is_row_major": (
        lambda L, V: V(V(lambda x: L.axis_index(("i", "j")), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[0, 1, 2], [3, 4, 5]]),
    "tuple_names_axis_size": (
        lambda L, V: V(V(lambda x: x * 0 + L.axis_size(("i", "j")), axis_name="j"),
                       axis_name="i"),
        AR(6.).reshape(2, 3), [[6., 6., 6.]] * 2),
    "outer_name_used_inside_inner_vmap": (
        lambda L, V: V(V(lambda x: L.psum(x, "i"), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[3., 5., 7.]] * 2),
    "inner_name": (
        lambda L, V: V(V(lambda x: L.psum(x, "j"), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[3., 3., 3.], [12., 12., 12.]]),
    "inner_shadows_outer_of_same_name": (
        lambda L, V: V(V(lambda x: L.psum(x, "i"), axis_name="i"), axis_name="i"),
        AR(6.).reshape(2, 3), [[3., 3., 3.], [12., 12., 12.]]),
    "inner_shadows_outer_axis_index": (
        lambda L, V: V(V(lambda x: L.axis_index("i"), axis_name="i"), axis_name="i"),
        AR(6.).reshape(2, 3), [[0, 1, 2], [0, 1, 2]]),
    "outer_axis_index_inside_inner": (
        lambda L, V: V(V(lambda x: L.axis_index("i"), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[0, 0, 0], [1, 1, 1]]),
    "outer_all_gather_inside_inner": (
        lambda L, V: V(V(lambda x: L.all_gather(x, "i"), axis_name="j"), axis_name="i"),
        AR(6.).reshape(2, 3), [[[0., 3.], [1., 4.], [2., 5.]]] * 2),
    "outer_ppermute_inside_inner": (
        lambda L, V: V(V(lambda x: L.ppermute(x, "i", [(0, 1), (1, 0)]), axis_name="j"),
                       axis_name="i"),
        AR(6.).reshape(2, 3), [[3., 4., 5.], [0., 1., 2.]]),
    "outer_psum_of_value_unmapped_by_inner": (
        lambda L, V: V(lambda x: V(lambda y: L.psum(x, "i") + y)(np.ones(2)), axis_name="i"),
        AR(3.), [[4., 4.]] * 3),
    "pmean_keeps_float32": (lambda L, V: V(lambda x: L.pmean(x, "i"), axis_name="i"),
                            AR(3, dtype=np.float32), np.array([1., 1., 1.], np.float32)),
}


def _call(builder, L, V, inp):
    f = builder(L, V)
    return f(*inp) if isinstance(inp, tuple) else f(inp)


def _assert_tree_close(got, want):
    got_leaves, got_def = vmapx.tree_util.tree_flatten(got)
    want_leaves, want_def = vmapx.tree_util.tree_flatten(
        want, is_leaf=lambda x: isinstance(x, list))
    assert got_def == want_def
    for g, w in zip(got_leaves, want_leaves, strict=True):
        w = np.asarray(w)
        assert np.shape(g) == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("case", list(JAX_CASES))
def test_collectives_match_jax_values(case):
    builder, inp, want = JAX_CASES[case]
    _assert_tree_close(_call(builder, lax, vmapx.vmap, inp), want)


@pytest.mark.parametrize("case", list(JAX_CASES))
def test_collectives_match_live_jax(case):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    builder, inp, _ = JAX_CASES[case]
    want = jax.tree_util.tree_map(np.asarray, _call(builder, jax.lax, jax.vmap, inp))
    _assert_tree_close(_call(builder, lax, vmapx.vmap, inp), want)


def test_pmean_of_ints_gives_floats_and_psum_keeps_ints():
    x = np.array([1, 2, 4])
    assert vmapx.vmap(lambda v: lax.pmean(v, "i"), axis_name="i")(x).dtype == np.float64
    assert vmapx.vmap(lambda v: lax.psum(v, "i"), axis_name="i")(x).dtype == np.int64


def test_axis_index_is_int32():
    out = vmapx.vmap(lambda x: lax.axis_index("i"), axis_name="i")(np.zeros(3))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [0, 1, 2])


def test_ppermute_with_partial_perm_fills_zeros():
    out = vmapx.vmap(lambda x: lax.ppermute(x, "i", [(0, 2)]), axis_name="i")(AR(6.).reshape(3, 2))
    np.testing.assert_array_equal(out, [[0., 0.], [0., 0.], [0., 1.]])


# ------------------------------------------------------- formula oracle


def _chunks(a, n, axis):
    return np.split(a, n, axis=axis)


# name -> (fn(x) under axis name "i", per-example shape for batch size B,
#          oracle(X) with X the stacked examples (B, ...) -> stacked outputs)
FORMULAS = {
    "psum": (lambda x: lax.psum(x, "i"), lambda B: (2, 3),
             lambda X: np.broadcast_to(X.sum(0), X.shape)),
    "pmean": (lambda x: lax.pmean(x, "i"), lambda B: (2, 3),
              lambda X: np.broadcast_to(X.mean(0), X.shape)),
    "pmax": (lambda x: lax.pmax(x, "i"), lambda B: (2, 3),
             lambda X: np.broadcast_to(X.max(0), X.shape)),
    "pmin": (lambda x: lax.pmin(x, "i"), lambda B: (3,),
             lambda X: np.broadcast_to(X.min(0), X.shape)),
    "axis_index_plus_x": (lambda x: x + lax.axis_index("i"), lambda B: (2,),
                          lambda X: X + np.arange(len(X)).reshape(-1, 1)),
    "axis_size_times_x": (lambda x: x * lax.axis_size("i"), lambda B: (2,),
                          lambda X: X * len(X)),
    "all_gather_axis_0": (lambda x: lax.all_gather(x, "i"), lambda B: (2, 3),
                          lambda X: np.stack([X] * len(X))),
    "all_gather_axis_2": (lambda x: lax.all_gather(x, "i", axis=2), lambda B: (2, 3),
                          lambda X: np.stack([np.moveaxis(X, 0, 2)] * len(X))),
    "all_gather_tiled_axis_1": (
        lambda x: lax.all_gather(x, "i", axis=1, tiled=True), lambda B: (2, 3),
        lambda X: np.stack([np.concatenate(list(X), axis=1)] * len(X))),
    "ppermute_shift": (
        lambda x: lax.ppermute(x, "i", [(j, (j + 1) % 3) for j in range(3)]), lambda B: (2,),
        lambda X: np.roll(X, 1, axis=0)),
    "pshuffle_reverse": (lambda x: lax.pshuffle(x, "i", [2, 1, 0]), lambda B: (2,),
                         lambda X: X[::-1]),
    "all_to_all_split_1_concat_0": (
        lambda x: lax.all_to_all(x, "i", 1, 0), lambda B: (2, B),
        lambda X: np.stack([np.stack([X[j].take(k, axis=1) for j in range(len(X))], axis=0)
                            for k in range(len(X))])),
    "all_to_all_split_0_concat_1": (
        lambda x: lax.all_to_all(x, "i", 0, 1), lambda B: (B, 2),
        lambda X: np.stack([np.stack([X[j].take(k, axis=0) for j in range(len(X))], axis=1)
                            for k in range(len(X))])),
    "all_to_all_tiled_split_1_concat_0": (
        lambda x: lax.all_to_all(x, "i", 1, 0, tiled=True), lambda B: (2, 2 * B),
        lambda X: np.stack([np.concatenate([_chunks(X[j], len(X), 1)[k] for j in range(len(X))],
                                           axis=0) for k in range(len(X))])),
    "psum_scatter_dimension_1": (
        lambda x: lax.psum_scatter(x, "i", scatter_dimension=1), lambda B: (2, B),
        lambda X: np.stack([X.sum(0).take(k, axis=1) for k in range(len(X))])),
    "psum_scatter_tiled": (
        lambda x: lax.psum_scatter(x, "i", tiled=True), lambda B: (2 * B, 2),
        lambda X: np.stack(_chunks(X.sum(0), len(X), 0))),
}

# Exactly the collectives whose names must appear below for test coverage.
COLLECTIVE_PRIMITIVES_TESTED = {"psum", "pmax", "pmin", "axis_index", "axis_size", "all_gather",
                                "ppermute", "all_to_all", "psum_scatter"}


def test_every_collective_primitive_is_tested_here():
    registered = {n for n, p in core.primitives.items() if isinstance(p, core.AxisPrimitive)}
    assert registered == COLLECTIVE_PRIMITIVES_TESTED


def _stack_at(xs, d):
    return np.stack(xs, axis=d)


@pytest.mark.parametrize("name", list(FORMULAS))
@pytest.mark.parametrize("nesting", ["single", "unnamed_outer", "named_outer_unnamed_inner",
                                     "named_outer_other_named_inner"])
def test_collective_matches_formula(name, nesting):
    """Collective over 'i' with the 'i' batch at dims 0 / last / -1 / middle,
    sizes 1 and 3, and with a second (extra, size-2) vmap level around or
    inside it; each value is compared with the formula on the stacked 'i'
    examples for every index of the extra level."""
    fn, shape_for, oracle = FORMULAS[name]
    sizes = (3,) if name.startswith(("ppermute", "pshuffle")) else (1, 3)
    rng = np.random.default_rng(0)
    for B in sizes:
        S = shape_for(B)
        r = len(S) + 1
        M = 2
        E = rng.uniform(-2, 2, size=(B, M) + S)  # E[i, m]: the example at 'i' index i, extra m
        # want[i, m]
        want = np.stack([oracle(E[:, m]) for m in range(M)], axis=1)
        for d in sorted({0, r - 1, -1, r // 2}):
            if nesting == "single":
                for m in range(M):
                    xs = _stack_at(list(E[:, m]), d)
                    got = vmapx.vmap(fn, in_axes=d, axis_name="i")(xs)
                    np.testing.assert_allclose(got, want[:, m], rtol=1e-12,
                                               err_msg=f"{name} in_axes={d} B={B}")
                continue
            # inner level maps the inner index at dim d (of the per-outer value),
            # the outer level maps the outer index at dim -1 (of the whole).
            if nesting == "unnamed_outer":
                inner = [_stack_at(list(E[:, m]), d) for m in range(M)]  # inner = 'i'
                xs = _stack_at(inner, -1)
                f = vmapx.vmap(vmapx.vmap(fn, in_axes=d, axis_name="i"), in_axes=-1)
                got = f(xs)  # (M, B, ...)
                np.testing.assert_allclose(got, np.swapaxes(want, 0, 1), rtol=1e-12,
                                           err_msg=f"{name} {nesting} in_axes={d} B={B}")
            else:
                inner_name = None if nesting == "named_outer_unnamed_inner" else "j"
                inner = [_stack_at(list(E[i]), d) for i in range(B)]  # inner = extra
                xs = _stack_at(inner, -1)
                f = vmapx.vmap(vmapx.vmap(fn, in_axes=d, axis_name=inner_name), in_axes=-1,
                               axis_name="i")
                got = f(xs)  # (B, M, ...)
                np.testing.assert_allclose(got, want, rtol=1e-12,
                                           err_msg=f"{name} {nesting} in_axes={d} B={B}")


# ------------------------------------------------------------- scoping errors


def test_unbound_axis_name_inside_vmap_raises_name_error():
    with pytest.raises(NameError, match="unbound axis name: k"):
        vmapx.vmap(lambda x: lax.psum(x, "k"), axis_name="i")(np.zeros(3))


def test_unbound_axis_name_outside_any_vmap():
    with pytest.raises(vmapx.UnboundAxisNameError, match="unbound axis name: i"):
        lax.psum(np.ones(2), "i")


@pytest.mark.parametrize("call", [
    lambda: lax.axis_index("i"), lambda: lax.axis_size("i"),
    lambda: lax.all_gather(np.ones(2), "i"), lambda: lax.pmax(np.ones(2), "i"),
    lambda: lax.ppermute(np.ones(2), "i", [(0, 1)]),
])
def test_every_collective_reports_unbound_names(call):
    with pytest.raises(NameError, match="unbound axis name"):
        call()


def test_unbound_name_after_the_vmap_that_bound_it_has_returned():
    vmapx.vmap(lambda x: lax.psum(x, "i"), axis_name="i")(np.zeros(2))
    with pytest.raises(NameError, match="unbound axis name"):
        vmapx.vmap(lambda x: lax.psum(x, "i"))(np.zeros(2))


def test_collectives_need_an_axis_name():
    # JAX: None is just a name no vmap binds
    with pytest.raises(NameError, match="Found an unbound axis name: None"):
        vmapx.vmap(lambda x: lax.psum(x, None))(np.zeros(2))


def test_all_to_all_split_size_must_equal_axis_size():
    with pytest.raises(ValueError, match=r"all_to_all requires the size of the mapped axis "
                                         r"axis_name to equal x.shape\[split_axis\], but they "
                                         r"are 3 and 2 respectively"):
        vmapx.vmap(lambda x: lax.all_to_all(x, "i", 0, 0), axis_name="i")(np.zeros((3, 2)))


def test_psum_scatter_dimension_must_match_axis_size():
    with pytest.raises(ValueError, match="psum_scatter"):
        vmapx.vmap(lambda x: lax.psum_scatter(x, "i"), axis_name="i")(np.zeros((3, 2)))


def test_ppermute_rejects_duplicate_destinations():
    with pytest.raises(ValueError, match="ppermute sources and destinations must be unique"):
        vmapx.vmap(lambda x: lax.ppermute(x, "i", [(0, 1), (1, 1)]), axis_name="i")(np.zeros(3))


def test_mapped_output_with_axis_name_and_out_axes_none_raises():
    with pytest.raises(ValueError, match=r"vmap has mapped output \(axis_name=i\) but out_axes "
                                         r"is None"):
        vmapx.vmap(lambda x: x, out_axes=None, axis_name="i")(np.zeros(3))


def test_psum_output_is_unmapped_so_out_axes_none_is_allowed():
    out = vmapx.vmap(lambda x: lax.psum(x, "i"), out_axes=None, axis_name="i")(AR(6.).reshape(3, 2))
    np.testing.assert_array_equal(out, [6., 9.])


# ------------------------------------------- all_gather over a tuple of names
# JAX 0.10.2 raises under vmap here ("Please open a feature request!"); the
# semantics are those of pmap/shard_map: gather over the product of the named
# axes, major to minor in the order given (position = axis_index(names)).


def _gather_tuple_oracle(xs, order, axis, tiled):
    """xs: examples stacked as (Ni, Nj, *shape); the value every example gets."""
    ni, nj = xs.shape[:2]
    flat = [xs[i, j] if order == ("i", "j") else xs[i, j]
            for i, j in (((k // nj, k % nj) for k in range(ni * nj)) if order == ("i", "j")
                         else ((k % ni, k // ni) for k in range(ni * nj)))]
    if tiled:
        return np.concatenate(flat, axis=axis)
    return np.stack(flat, axis=axis)


@pytest.mark.parametrize("order", [("i", "j"), ("j", "i")])
@pytest.mark.parametrize("axis,tiled", [(0, False), (1, False), (-1, False), (0, True),
                                        (1, True)])
def test_all_gather_over_a_tuple_of_names_orders_major_to_minor(order, axis, tiled):
    xs = np.arange(2 * 3 * 2 * 4, dtype=np.float32).reshape(2, 3, 2, 4)
    f = vmapx.vmap(vmapx.vmap(lambda v: lax.all_gather(v, order, axis=axis, tiled=tiled),
                              axis_name="j"), axis_name="i")
    got = f(xs)
    want = _gather_tuple_oracle(xs, order, axis, tiled)
    assert got.shape == (2, 3) + want.shape and got.dtype == np.float32
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(got[i, j], want)


def test_all_gather_tuple_position_is_axis_index_of_the_tuple():
    def f(v):
        g = lax.all_gather(v, ("j", "i"))
        return g[lax.axis_index(("j", "i"))] - v
    out = vmapx.vmap(vmapx.vmap(f, axis_name="j"), axis_name="i")(np.random.rand(2, 3, 4))
    np.testing.assert_array_equal(out, np.zeros((2, 3, 4)))


def test_all_gather_tuple_with_batch_dims_unmapped_operands_and_three_levels():
    x = np.arange(24.0).reshape(2, 3, 4)
    # batch axes not in front
    f = vmapx.vmap(vmapx.vmap(lambda v: lax.all_gather(v, ("i", "j")), axis_name="j",
                              in_axes=1), axis_name="i", in_axes=2)
    got = f(x)
    ex = np.moveaxis(x, (2, 1), (0, 1))  # (i=4, j=3, 2)
    assert got.shape == (4, 3, 12, 2)
    np.testing.assert_array_equal(got[1, 2], ex.reshape(12, 2))
    # operand unmapped by the inner vmap: every j holds the same value
    g = vmapx.vmap(vmapx.vmap(lambda v, w: lax.all_gather(v, ("i", "j")), axis_name="j",
                              in_axes=(None, 0)), axis_name="i")
    got = g(np.arange(2.0), np.zeros((2, 3)))
    assert got.shape == (2, 3, 6)
    np.testing.assert_array_equal(got[0, 0], [0, 0, 0, 1, 1, 1])
    # three vmaps, two of the names gathered
    h = vmapx.vmap(vmapx.vmap(vmapx.vmap(lambda v: lax.all_gather(v, ("k", "i")),
                                         axis_name="k"), axis_name="j"), axis_name="i")
    x3 = np.arange(12.0).reshape(2, 3, 2)
    got = h(x3)
    assert got.shape == (2, 3, 2, 4)
    np.testing.assert_array_equal(got[0, 1, 0], [x3[0, 1, 0], x3[1, 1, 0],
                                                 x3[0, 1, 1], x3[1, 1, 1]])


def test_all_gather_tuple_gradient_is_scattered_back():
    w = np.arange(6.0)

    def loss(x):
        per = vmapx.vmap(vmapx.vmap(lambda v: (lax.all_gather(v, ("i", "j")) * w).sum(),
                                    axis_name="j"), axis_name="i")(x)
        return per.sum()
    g = vmapx.grad(loss)(np.ones((2, 3)))
    np.testing.assert_array_equal(g, 6 * w.reshape(2, 3))


def test_all_gather_tuple_under_jit_and_pytrees():
    f = vmapx.jit(vmapx.vmap(vmapx.vmap(
        lambda v: lax.all_gather({"a": v, "b": 2 * v}, ("i", "j"), tiled=True),
        axis_name="j"), axis_name="i"))
    out = f(np.arange(6.0).reshape(2, 3, 1))
    assert out["a"].shape == (2, 3, 6)
    np.testing.assert_array_equal(out["b"][1, 1], 2 * np.arange(6.0))


# ---------------------------------------------- differential fixes (vs JAX 0.10.2)


def test_psum_keeps_int32_and_sums_booleans_as_int32():
    x = np.arange(6).reshape(2, 3).astype(np.int32)
    out = vmapx.vmap(lambda a: lax.psum(a, 'i'), axis_name='i')(x)
    assert out.shape == (2, 3) and out.dtype == np.int32
    np.testing.assert_array_equal(out, [[3, 5, 7], [3, 5, 7]])
    b = vmapx.vmap(lambda a: lax.psum(a > 1, 'i'), axis_name='i')(x)
    assert b.shape == (2, 3) and b.dtype == np.int32
    np.testing.assert_array_equal(b, [[1, 1, 2], [1, 1, 2]])


def test_pmax_and_pmin_over_an_empty_batch_give_empty_results():
    for op in (lax.pmax, lax.pmin):
        out = vmapx.vmap(lambda a: op(a, 'i'), axis_name='i')(np.zeros((0, 3)))
        assert out.shape == (0, 3) and out.dtype == np.float64


def test_all_gather_axis_out_of_bounds_is_a_value_error():
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match="axis 1 is out of bounds for array of dimension 1"):
        vmapx.vmap(lambda a: lax.all_gather(a, 'i', axis=1, tiled=True), axis_name='i')(x)
    with pytest.raises(ValueError, match="axis 2 is out of bounds for array of dimension 2"):
        vmapx.vmap(lambda a: lax.all_gather(a, 'i', axis=2), axis_name='i')(x)
    with pytest.raises(ValueError, match="axis 0 is out of bounds for array of dimension 0"):
        vmapx.vmap(lambda a: lax.all_gather(1.0, 'i', tiled=True), axis_name='i')(x)


def test_collective_with_axis_name_none_is_unbound():
    with pytest.raises(NameError, match="Found an unbound axis name: None"):
        vmapx.vmap(lambda a: lax.psum(a, None), axis_name='i')(np.arange(3.0))


def test_axis_index_groups_rejected_by_every_collective_with_jax_wording():
    msg = "axis_index_groups not supported in vmap collectives"
    for op in (lax.psum, lax.pmax, lax.pmin, lax.pmean, lax.all_gather, lax.psum_scatter):
        with pytest.raises(NotImplementedError, match=msg):
            vmapx.vmap(lambda a: op(a, 'i', axis_index_groups=[[0], [1]]),
                       axis_name='i')(np.arange(4.0).reshape(2, 2))


def test_all_to_all_tiled_indivisible_split_axis_message():
    with pytest.raises(ValueError, match=r"The size of all_to_all split_axis \(5\) has to be "
                                         r"divisible by the size of the named axis i \(2\)"):
        vmapx.vmap(lambda a: lax.all_to_all(a, 'i', 0, 0, tiled=True),
                   axis_name='i')(np.arange(10.0).reshape(2, 5))


def test_ppermute_out_of_range_pair_is_a_value_error():
    with pytest.raises(ValueError, match="out of range"):
        vmapx.vmap(lambda a: lax.ppermute(a, 'i', [(0, 2)]), axis_name='i')(np.arange(2.0))


def test_psum_scatter_over_several_names_is_not_silently_partial():
    # (all_to_all over several names is supported: tests/test_parity_collectives.py)
    y = np.arange(24.0).reshape(2, 3, 4)
    f = lambda a: lax.psum_scatter(a, ('i', 'j'))  # noqa: E731
    with pytest.raises(NotImplementedError, match="several axis names"):
        vmapx.vmap(vmapx.vmap(f, axis_name='j'), axis_name='i')(y)
