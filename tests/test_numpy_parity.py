"""Parity of ``vmapx.numpy`` with NumPy (concrete input) and with ``jax.numpy``'s
extra keywords, pinned where a differential sweep once found them apart.

Each test is named after the behaviour it pins.  NumPy is the oracle on concrete
input; under ``vmap`` the oracle is the loop over the batch (batch axis first and
last); JAX-only keywords are checked against values taken from JAX 0.10.2 (x64).
"""
from __future__ import annotations

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp

# empty or fully masked slices warn in NumPy and here alike; np.cross warns on 2-vectors
pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

RNG = np.random.default_rng(1234)
A = RNG.uniform(-1, 1, (3, 4))
AI = RNG.integers(-5, 6, (3, 4))


def same(got, want, tol=1e-12):
    """Shape, dtype, then values."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def loop_check(f, xs, in_axes=(0, -1), tol=1e-12):
    """``vmap(f)`` over ``xs`` (batch axis ``a`` for each ``a`` in ``in_axes``) equals
    stacking ``f`` of each example; every output leaf."""
    want = [f(x) for x in xs]
    want_leaves = [vmapx.tree_util.tree_leaves(w) for w in want]
    for ax in in_axes:
        got = vmapx.tree_util.tree_leaves(vmapx.vmap(f, in_axes=ax)(np.stack(xs, axis=ax)))
        assert len(got) == len(want_leaves[0])
        for j, g in enumerate(got):
            same(g, np.stack([np.asarray(w[j]) for w in want_leaves]), tol)


# ------------------------------------------------------------------ elementwise


@pytest.mark.parametrize("x", [AI, AI.astype(np.int8), AI.astype(np.uint8) % 7, AI > 0, 3,
                               A.astype(np.float32)])
def test_fabs_returns_floats_like_numpy(x):
    same(jnp.fabs(x), np.fabs(x))


def test_fabs_of_complex_is_a_type_error_like_numpy():
    with pytest.raises(TypeError, match="ufunc 'fabs' not supported"):
        jnp.fabs(np.array([1 + 1j]))


@pytest.mark.parametrize("decimals", [0, 1, -1, -2])
@pytest.mark.parametrize("x", [AI * 37, (AI * 37).astype(np.int32), A * 300,
                               (A * 300).astype(np.float32), 1234, np.array([150, 250, -150])])
def test_round_keeps_integers_integer_and_rounds_like_numpy(x, decimals):
    same(jnp.round(x, decimals), np.round(x, decimals))
    same(jnp.around(x, decimals), np.around(x, decimals))


def test_round_of_integers_under_vmap_matches_the_loop():
    loop_check(lambda x: np.round(x, -1), [AI * 37, AI * 11, AI * 3])


@pytest.mark.parametrize("x", [3, True, np.array([1, 2], np.int8)])
def test_nan_to_num_leaves_integers_and_booleans_alone(x):
    same(jnp.nan_to_num(x), np.nan_to_num(x))


def test_nan_to_num_replaces_infinities_in_both_complex_parts():
    x = np.array([complex(np.nan, np.inf), complex(-np.inf, np.nan), 1 + 2j])
    same(jnp.nan_to_num(x), np.nan_to_num(x))
    same(jnp.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0),
         np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0))


# ------------------------------------------------------------------ reductions


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "nansum", "nanmax"])
@pytest.mark.parametrize("initial", [0.5, 10, -1])
def test_reduction_initial_is_cast_to_the_result_dtype(name, initial):
    for x in (AI, AI > 0, AI.astype(np.int8)):
        same(getattr(jnp, name)(x, axis=0, initial=initial),
             getattr(np, name)(x, axis=0, initial=initial))


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_with_initial_over_an_empty_axis_give_initial(name):
    x = np.zeros((0, 3))
    same(getattr(jnp, name)(x, axis=0, initial=2.5), getattr(np, name)(x, axis=0, initial=2.5))
    same(getattr(jnp, name)(x, axis=0, initial=2.5, keepdims=True),
         getattr(np, name)(x, axis=0, initial=2.5, keepdims=True))


@pytest.mark.parametrize("name", ["argmax", "argmin", "nanargmax", "nanargmin"])
@pytest.mark.parametrize("x", [A, RNG.uniform(size=(2, 3, 4)), np.array(2.5)])
def test_arg_reductions_keepdims_without_axis_keep_every_axis(name, x):
    same(getattr(jnp, name)(x, keepdims=True), getattr(np, name)(x, keepdims=True))


@pytest.mark.parametrize("name", ["argmax", "cumsum", "cumprod"])
def test_zero_d_input_with_axis_zero_is_taken_as_one_d_like_numpy(name):
    x = np.array(2.5)
    same(getattr(jnp, name)(x, axis=0), getattr(np, name)(x, axis=0))
    same(getattr(jnp, name)(x, axis=-1), getattr(np, name)(x, axis=-1))


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_var_and_std_return_the_requested_dtype(name, dtype):
    for x in (A, AI, A.astype(np.float32)):
        same(getattr(jnp, name)(x, axis=0, dtype=dtype), getattr(np, name)(x, axis=0, dtype=dtype),
             tol=1e-6)


@pytest.mark.parametrize("name", ["nanmean", "nanvar", "nanstd"])
def test_nan_statistics_reject_an_integer_dtype_for_float_input(name):
    with pytest.raises(TypeError, match="dtype must be inexact"):
        getattr(jnp, name)(A, dtype=np.int64)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "var", "std", "any", "all",
                                  "nansum", "nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_honour_numpy_where_masks(name, axis):
    mask = A > -0.3
    x = AI > 0 if name in ("any", "all") else A
    same(getattr(jnp, name)(x, axis=axis, where=mask), getattr(np, name)(x, axis=axis, where=mask))
    row = np.array([True, False, True, True])
    same(getattr(jnp, name)(x, axis=axis, where=row, keepdims=True),
         getattr(np, name)(x, axis=axis, where=row, keepdims=True))


@pytest.mark.parametrize("name", ["max", "min", "nanmax", "nanmin"])
def test_max_and_min_with_where_need_initial_like_numpy(name):
    mask = A > 0
    same(getattr(jnp, name)(A, axis=1, where=mask, initial=-0.5),
         getattr(np, name)(A, axis=1, where=mask, initial=-0.5))
    with pytest.raises(ValueError, match="to use a where mask one has to specify 'initial'"):
        jnp.max(A, where=mask)


def test_where_masked_reductions_under_vmap_match_the_loop():
    xs = [RNG.uniform(-1, 1, (3, 4)) for _ in range(3)]
    loop_check(lambda x: (np.sum(x, axis=1, where=x > 0), np.mean(x, where=x > -0.5),
                          np.var(x, axis=0, where=x < 0.9), np.max(x, initial=-9.0, where=x < 0)),
               xs)


def test_cumulative_sum_and_prod_follow_the_array_api():
    v = np.array([1, 2, 3], np.int8)
    same(jnp.cumulative_sum(v, include_initial=True), np.cumulative_sum(v, include_initial=True))
    # JAX (x64) keeps int8 in cumulative products (NumPy widens to int64)
    same(jnp.cumulative_prod(v, include_initial=True),
         np.cumulative_prod(v, include_initial=True).astype(np.int8))
    same(jnp.cumulative_sum(AI, axis=1, include_initial=True),
         np.cumulative_sum(AI, axis=1, include_initial=True))
    same(jnp.cumulative_sum(np.array(3.0)), np.cumulative_sum(np.array(3.0)))
    with pytest.raises(ValueError, match="``axis`` argument is required"):
        jnp.cumulative_sum(AI)
    loop_check(lambda x: np.cumulative_sum(x, axis=0, include_initial=True), [A, 2 * A])


@pytest.mark.parametrize("name", ["nanmedian", "nanquantile", "nanpercentile"])
def test_nan_quantiles_of_empty_input_are_nan_like_numpy(name):
    args = {"nanmedian": (), "nanquantile": (0.5,), "nanpercentile": (50,)}[name]
    for x, axis in ((np.zeros((0, 3)), None), (np.zeros((0, 3)), 0), (np.zeros((2, 0)), 1)):
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
            want = getattr(np, name)(x, *args, axis=axis)
        same(getattr(jnp, name)(x, *args, axis=axis), want)


def test_mean_of_half_floats_accumulates_in_float32_like_numpy():
    x = RNG.uniform(0, 1, (50, 100)).astype(np.float16)
    same(jnp.mean(x), np.mean(x))
    same(jnp.mean(x, axis=1), np.mean(x, axis=1))
    loop_check(lambda r: np.mean(r), list(x[:4]))


def test_cov_returns_the_requested_dtype():
    same(jnp.cov(A, dtype=np.float32), np.cov(A, dtype=np.float32), tol=1e-6)


# ------------------------------------------------------------------ shapes, creation


@pytest.mark.parametrize("shape", [(4, 3), (-1,), (2, -1), (12,), (3, 2, 2)])
def test_reshape_in_fortran_order_like_numpy(shape):
    same(jnp.reshape(A, shape, order="F"), np.reshape(A, shape, order="F"))
    same(jnp.ravel(A, order="F"), np.ravel(A, order="F"))
    loop_check(lambda x: x.reshape(shape, order="F"), [A, 2 * A])
    loop_check(lambda x: x.flatten("F"), [A, 2 * A])


def test_vsplit_of_a_one_d_array_is_an_error_like_numpy():
    with pytest.raises(ValueError, match="vsplit only works on arrays of 2 or more dimensions"):
        jnp.vsplit(np.arange(4), 2)


def test_arange_accepts_stop_as_a_keyword():
    same(jnp.arange(stop=5), np.arange(stop=5))
    same(jnp.arange(start=1, stop=5), np.arange(start=1, stop=5))


def test_linspace_of_traced_float32_bounds_stays_float32():
    xs = [np.array([0.0, 1.0], np.float32), np.array([-2.0, 3.0], np.float32)]
    loop_check(lambda x: np.linspace(x[0], x[1], 5), xs, tol=1e-6)
    loop_check(lambda x: np.linspace(x[0], x[1] * 10, 4, dtype=int), [np.array([0.0, 1.0]),
                                                                    np.array([-2.0, 3.0])])


# ------------------------------------------------------------------ pad


PAD_CASES = [
    ("linear_ramp", {}), ("linear_ramp", {"end_values": (5, -2)}), ("maximum", {}),
    ("minimum", {"stat_length": 2}), ("mean", {}), ("mean", {"stat_length": ((1, 2),)}),
    ("median", {}), ("reflect", {"reflect_type": "odd"}),
    ("symmetric", {"reflect_type": "odd"}), ("reflect", {}), ("wrap", {}), ("edge", {}),
    ("constant", {"constant_values": ((1, 2), (3, 4))}),
]


@pytest.mark.parametrize("mode,kw", PAD_CASES)
@pytest.mark.parametrize("width", [1, (2, 3), ((1, 0), (0, 5)), 7])
@pytest.mark.parametrize("x", [A, AI, np.arange(5.0)], ids=["float", "int", "1d"])
def test_pad_supports_every_numpy_mode(x, width, mode, kw):
    if np.ndim(x) == 1 and np.ndim(width) == 2 and np.shape(width)[0] == 2:
        width = width[0]
    if np.ndim(x) == 1 and np.ndim(kw.get("constant_values", 0)) == 2:
        kw = {"constant_values": (1, 2)}
    same(jnp.pad(x, width, mode=mode, **kw), np.pad(x, width, mode=mode, **kw))


@pytest.mark.parametrize("mode,kw", PAD_CASES)
def test_pad_modes_under_vmap_match_the_loop(mode, kw):
    loop_check(lambda x: np.pad(x, (2, 3), mode=mode, **kw), [A, 2 * A - 1, A ** 2])


def test_pad_constant_value_may_be_traced():
    loop_check(lambda x: jnp.pad(x, 1, constant_values=x[0, 0]), [A, 2 * A])


def test_pad_argument_errors_are_numpys():
    same(jnp.pad(np.array(3.0), 2), np.pad(np.array(3.0), 2))
    with pytest.raises(ValueError, match="index can't contain negative values"):
        jnp.pad(A, -1)
    with pytest.raises(ValueError, match="unsupported keyword arguments for mode 'edge'"):
        jnp.pad(A, 1, mode="edge", constant_values=3)
    with pytest.raises(ValueError, match="mode 'foo' is not supported"):
        jnp.pad(A, 1, mode="foo")
    with pytest.raises(ValueError, match="can't extend empty axis 0"):
        jnp.pad(np.zeros((0, 3)), 1, mode="edge")


# ------------------------------------------------------------------ products


def test_vecdot_keeps_the_integer_dtype_like_numpy():
    v = np.array([1, 2, 3], np.int8)
    same(jnp.vecdot(v, v), np.vecdot(v, v))
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        jnp.vecdot(2.0, A)


def test_einsum_accepts_numpys_sublist_form():
    B = RNG.uniform(size=(4, 5))
    same(jnp.einsum(A, [0, 1], B, [1, 2], [0, 2]), np.einsum(A, [0, 1], B, [1, 2], [0, 2]))
    same(jnp.einsum(A, [0, 1], [1]), np.einsum(A, [0, 1], [1]))
    T = RNG.uniform(size=(2, 3, 4))
    same(jnp.einsum(T, [Ellipsis, 1, 2], A.T, [2, 3]),
         np.einsum(T, [Ellipsis, 1, 2], A.T, [2, 3]))
    loop_check(lambda x: np.einsum(x, [0, 1], x, [2, 1], [0, 2]), [A, 2 * A])


def test_einsum_dtype_follows_numpys_casting_rule():
    same(jnp.einsum("ij->i", AI, dtype=np.float64), np.einsum("ij->i", AI, dtype=np.float64))
    with pytest.raises(TypeError, match="could not be cast"):
        jnp.einsum("ij->i", A, dtype=np.float32)
    same(jnp.einsum("ij->i", A, dtype=np.float32, casting="same_kind"),
         np.einsum("ij->i", A, dtype=np.float32, casting="same_kind"), tol=1e-6)


def test_preferred_element_type_sets_the_product_dtype_as_in_jax():
    B = RNG.uniform(size=(4, 5))
    for got in (jnp.dot(A, B, preferred_element_type=np.float32),
                jnp.matmul(A, B, preferred_element_type=np.float32),
                jnp.einsum("ij,jk->ik", A, B, preferred_element_type=np.float32)):
        same(got, (A @ B).astype(np.float32), tol=1e-6)
    i8 = np.full((2, 3), 100, np.int8)
    same(jnp.matmul(i8, i8.T, preferred_element_type=np.int32), np.full((2, 2), 30000, np.int32))


def test_cross_of_two_vectors_is_the_z_component():
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    same(jnp.cross(a, b), np.array(-2.0))  # JAX: -2.0; NumPy 2: the same, deprecated
    a3 = np.array([1.0, 2.0, 3.0])
    with pytest.warns(DeprecationWarning):
        want = np.cross(a3, b)
    same(jnp.cross(a3, b), want)
    loop_check(lambda x: np.cross(x[:, :2], x[:, 2:]), [A, 2 * A])


# ------------------------------------------------------------------ indexing


def test_take_with_jax_modes():
    v = np.array([3, -1, 0, 5, 2, 7])
    idx = np.array([0, 7, -1, -9])
    same(jnp.take(v, idx, mode="fill", fill_value=-5), np.array([3, -5, 7, -5]))
    same(jnp.take(v, idx, mode="fill"), np.array([3, np.iinfo(np.int64).min, 7,
                                                  np.iinfo(np.int64).min]))
    same(jnp.take(v, idx, mode="clip"), np.take(v, idx, mode="clip"))
    same(jnp.take(v, idx, mode="wrap"), np.take(v, idx, mode="wrap"))
    same(jnp.take(A, np.array([0, 7, -1]), axis=1, mode="fill"),
         np.stack([A[:, 0], np.full(3, np.nan), A[:, -1]], axis=1))
    # the default mode fills, as JAX's, with concrete operands too (so vmap = loop)
    same(jnp.take(v, idx), jnp.take(v, idx, mode="fill"))
    same(vmapx.vmap(lambda i: jnp.take(v, i))(idx), jnp.take(v, idx))
    with pytest.raises(IndexError, match="index 7 is out of bounds for axis 0 with size 6"):
        jnp.take(v, idx, mode="raise")


def test_take_of_traced_indices_fills_out_of_range_by_default_as_in_jax():
    table = np.arange(10.0) * 2
    out = vmapx.vmap(lambda i: jnp.take(table, i))(np.array([[0, 12], [-1, 3]]))
    same(out, np.array([[0.0, np.nan], [18.0, 6.0]]))
    out = vmapx.vmap(lambda i: jnp.take(table, i, mode="clip"))(np.array([[0, 12], [-1, 3]]))
    same(out, np.array([[0.0, 18.0], [0.0, 6.0]]))


def test_take_along_axis_passes_mode_and_fill_value_on():
    idx = np.array([[0, 5, -1]] * 3)
    same(jnp.take_along_axis(A, idx, axis=1, mode="fill", fill_value=0.5),
         np.stack([A[:, 0], np.full(3, 0.5), A[:, -1]], axis=1))
    # JAX's clip for take_along_axis counts a negative index from the end first
    same(jnp.take_along_axis(A, np.array([[0, 5, -1, -9]] * 3), axis=1, mode="clip"),
         A[:, [0, 3, 3, 0]])


def test_at_with_an_out_of_range_integer_follows_the_given_mode():
    x = np.arange(6.0).reshape(2, 3)
    out = vmapx.vmap(lambda r: (r.at[5].get(mode="fill", fill_value=-1.0),
                                r.at[5].get(mode="clip"), r.at[-5].get(mode="clip"),
                                r.at[5].set(9.0, mode="drop"), r.at[5].add(9.0, mode="clip")))(x)
    same(out[0], np.array([-1.0, -1.0]))
    same(out[1], np.array([2.0, 5.0]))
    same(out[2], np.array([0.0, 3.0]))
    same(out[3], x)
    same(out[4], x + np.array([0.0, 0.0, 9.0]))
    helper = jnp._IndexUpdateHelper(x)
    same(helper[1, 7].get(mode="fill"), np.array(np.nan))
    same(helper[1, 7].get(), np.array(5.0))      # JAX's default for .at: clamp


def test_at_follows_jax_out_of_bounds_defaults_for_concrete_indices_too():
    x = jnp.arange(4.0)
    same(x.at[5].get(), np.array(3.0))            # reads clamp
    same(x.at[-7].get(), np.array(0.0))
    same(x.at[5].add(1.0), np.arange(4.0))        # updates drop
    same(x.at[np.array([1, 9])].set(7.0), np.array([0.0, 7.0, 2.0, 3.0]))
    same(x.at[-5].set(3.0), np.arange(4.0))
    with pytest.raises(IndexError, match="index 5 is out of bounds"):
        x[5]                                      # plain indexing keeps NumPy's error
    idx = np.array([0, 5, 2])                     # vmap agrees with the loop
    f = lambda i: x.at[i].set(9.0)                # noqa: E731
    same(vmapx.vmap(f)(idx), np.stack([f(i) for i in idx]))


def test_at_apply_applies_a_unary_function_at_the_index():
    x = jnp.arange(4.0)
    same(x.at[1:3].apply(np.negative), np.array([0.0, -1.0, -2.0, 3.0]))
    f = lambda i: x.at[i].apply(jnp.sin)          # noqa: E731
    idx = np.array([1, 5, 3])
    same(vmapx.vmap(f)(idx), np.stack([f(i) for i in idx]))
    g = vmapx.grad(lambda v: jnp.sum(v.at[2].apply(jnp.square)))
    same(g(np.arange(4.0)), np.array([1.0, 1.0, 4.0, 1.0]))


def test_one_argument_where_takes_jax_size_and_fill_value():
    b = np.array([True, False, True, True, False])
    same(jnp.where(b, size=4, fill_value=99)[0], np.array([0, 2, 3, 99]))
    same(jnp.where(b)[0], np.where(b)[0])
    with pytest.raises(ValueError, match="cannot be used in three-term where"):
        jnp.where(b, 1, 0, size=3)


def test_nonzero_with_size_takes_one_fill_value_per_axis():
    m = A > 0
    rows, cols = jnp.nonzero(m, size=10, fill_value=(-1, -2))
    r, c = np.nonzero(m)
    same(rows, np.concatenate([r, np.full(10 - len(r), -1)]))
    same(cols, np.concatenate([c, np.full(10 - len(c), -2)]))


def test_setdiff1d_pads_with_zero_by_default_as_in_jax():
    v = np.array([3, -1, 0, 5, 2, 7])
    same(jnp.setdiff1d(v, np.array([0, 5]), size=6), np.array([-1, 2, 3, 7, 0, 0]))
    same(jnp.setdiff1d(np.array([5, 6, 7]), np.array([5]), size=4), np.array([6, 7, 0, 0]))
    same(jnp.setdiff1d(np.array([5, 6, 7]), np.array([5]), assume_unique=True, size=4),
         np.array([6, 7, 0, 0]))


def test_repeat_with_total_repeat_length_cuts_or_pads_with_the_last_element():
    # JAX pads with the array's last element, even when its own repeat count is 0
    same(jnp.repeat(np.arange(4.0), np.array([1, 0, 0, 0]), total_repeat_length=4),
         np.array([0.0, 3.0, 3.0, 3.0]))
    v = np.array([3, -1, 0, 5, 2, 7])
    same(jnp.repeat(v, 2, total_repeat_length=15),
         np.concatenate([np.repeat(v, 2), np.full(3, 7)]))
    same(jnp.repeat(v, np.array([1, 0, 2, 1, 1, 1]), total_repeat_length=5),
         np.array([3, 0, 0, 5, 2]))
    reps = np.array([[1, 0, 2, 1, 1, 1], [0, 0, 0, 0, 0, 7]])
    same(vmapx.vmap(lambda r: jnp.repeat(v, r, total_repeat_length=7))(reps),
         np.array([[3, 0, 0, 5, 2, 7, 7], [7] * 7]))


def test_array_method_take_and_argsort_accept_jax_keywords():
    x = np.array([[3.0, 1.0, 2.0], [1.0, 1.0, 0.0]])
    same(vmapx.vmap(lambda r: r.argsort(descending=True))(x), np.array([[0, 2, 1], [0, 1, 2]]))
    same(vmapx.vmap(lambda r: r.take(np.array([0, 5]), mode="fill", fill_value=-1.0))(x),
         np.array([[3.0, -1.0], [1.0, -1.0]]))


# ------------------------------------------------------------------ dtype of lists


@pytest.mark.parametrize("dt", [np.float32, np.int8, np.float64])
def test_array_of_a_list_mixing_traced_values_and_python_scalars_matches_the_loop(dt):
    xs = [np.arange(1, 4).astype(dt), np.arange(4, 7).astype(dt)]
    loop_check(lambda r: jnp.array([r[0], 2.0, r[1]]), xs)
    loop_check(lambda r: jnp.array([[r[0], 2], [3, r[1]]]), xs)
    loop_check(lambda r: jnp.array([r[0], np.float32(2)]), xs)
    loop_check(lambda r: jnp.asarray([r[0], 1], dtype=np.float32), xs)


def test_choose_treats_python_scalar_choices_as_weak_like_numpy():
    idx = np.array([0, 1, 0])
    x = np.ones(3, np.float32)
    same(jnp.choose(idx, [x, 2.0]), np.choose(idx, [x, 2.0]))
    loop_check(lambda r: np.choose(idx, [r, 2.0]), [x, 2 * x])


# ------------------------------------------------------------------ index tricks


R_CASES = [
    lambda m: m.r_[np.array([1, 2]), 0, 5:7], lambda m: m.r_[-1:1:5j, 0],
    lambda m: m.r_["0,2", [1, 2], [3, 4]], lambda m: m.r_["1,2,0", [1, 2], [3, 4]],
    lambda m: m.r_["0,3,1", np.array([1, 2]), np.array([3.0, 4.0])],
    lambda m: m.r_["-1", np.ones((2, 2)), np.zeros((2, 1))],
    lambda m: m.r_[np.array([1], np.float32), 2.5], lambda m: m.c_[np.array([1, 2]), np.array([3, 4])],
    lambda m: m.c_[np.ones((2, 2)), np.array([3, 4])], lambda m: m.c_[1:3, np.array([5, 6])],
]


@pytest.mark.parametrize("k", range(len(R_CASES)))
def test_r_and_c_concatenate_like_numpy(k):
    same(R_CASES[k](jnp), R_CASES[k](np))


def test_r_and_c_take_traced_values():
    x = np.arange(6.0).reshape(2, 3)
    loop_check(lambda r: jnp.r_[r, 0, r[:1]], list(x))
    loop_check(lambda r: jnp.c_[r, 2 * r], list(x))
    loop_check(lambda r: jnp.r_["0,2", r, r], list(x))


def test_static_index_tricks_are_numpys():
    same(jnp.mgrid[0:2, 0:3], np.mgrid[0:2, 0:3])
    assert jnp.s_[1:2, ::-1] == np.s_[1:2, ::-1]
    assert jnp.index_exp[1] == np.index_exp[1]
    assert [a.shape for a in jnp.ogrid[0:2, 0:3]] == [(2, 1), (1, 3)]


# ------------------------------------------------ gradients pinned against JAX 0.10.2


@pytest.mark.parametrize("name,x,y,want", [
    ("fmax", 2.0, 1.0, (1.0, 0.0)), ("fmax", 1.0, 1.0, (0.0, 1.0)),
    ("fmax", 1.0, np.nan, (1.0, 0.0)), ("fmax", np.nan, 1.0, (0.0, 1.0)),
    ("fmin", 2.0, 1.0, (0.0, 1.0)), ("fmin", 1.0, 1.0, (0.0, 1.0)),
    ("fmin", 2.0, np.nan, (1.0, 0.0)), ("fmin", np.nan, 2.0, (0.0, 1.0)),
])
def test_fmax_and_fmin_send_the_gradient_to_the_operand_they_return(name, x, y, want):
    # JAX's fmax is where((x > y) | isnan(y), x, y): a NaN operand is skipped, a tie goes to y
    f = getattr(jnp, name)
    gx, gy = vmapx.grad(f, argnums=(0, 1))(x, y)
    same(np.stack([gx, gy]), np.array(want))
    xs, ys = np.array([x, 2.0, 0.5]), np.array([y, 0.5, 2.0])
    got = vmapx.vmap(vmapx.grad(lambda a, b: getattr(np, name)(a, b)))(xs, ys)
    same(got, np.array([want[0], 1.0 if name == "fmax" else 0.0,
                        0.0 if name == "fmax" else 1.0]))


def test_frexp_mantissa_is_differentiable_like_jax():
    # d mantissa / dx = 2**-exponent (JAX: 0.5 at 1.3, 4.0 at 0.2)
    g = vmapx.grad(lambda x: np.frexp(x)[0])
    same(np.stack([g(1.3), g(0.2)]), np.array([0.5, 4.0]))
    xs = np.array([[1.3, 0.2], [-3.0, 8.0]])
    got = vmapx.vmap(vmapx.grad(lambda x: np.frexp(x)[0].sum()))(xs)
    same(got, 2.0 ** -np.frexp(xs)[1])
    same(vmapx.jacrev(lambda x: np.ldexp(x, np.array([1, -2])))(np.ones(2)), np.diag([2.0, 0.25]))


def test_row_stack_and_the_casting_keyword_of_joining_functions_work_on_traced_values():
    # numpy.row_stack forwards casting= to vstack; every joining function takes it
    x = np.arange(6.0).reshape(2, 3)
    loop_check(lambda r: np.row_stack([r, 2 * r]), list(x))
    loop_check(lambda r: np.concatenate([r, r], dtype=np.float32, casting="same_kind"), list(x))
    loop_check(lambda r: np.stack([r, r], dtype=np.int64, casting="unsafe"), list(x))
    loop_check(lambda r: np.hstack([r, r], dtype=np.float32, casting="same_kind"), list(x))


@pytest.mark.parametrize("call", [
    lambda r: np.concatenate([r, r], dtype=np.int64, casting="same_kind"),
    lambda r: np.vstack([r], dtype=np.int32, casting="safe"),
    lambda r: np.stack([r], dtype=np.float32, casting="safe"),
])
def test_a_cast_that_the_casting_rule_forbids_is_numpys_type_error(call):
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(TypeError) as want:
        call(x[0])
    with pytest.raises(TypeError) as got:
        vmapx.vmap(call)(x)
    assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="casting must be one of"):
        jnp.concatenate([x], casting="bogus")


@pytest.mark.parametrize("in_axes", [0, 1, -1])
def test_roll_with_a_batched_shift_matches_the_loop(in_axes):
    x = RNG.uniform(-1, 1, (3, 4, 5))
    shifts = np.array([1, -7, 0])
    xs = np.moveaxis(x, 0, in_axes)
    got = vmapx.vmap(lambda a, s: jnp.roll(a, s, axis=1), in_axes=(in_axes, 0))(xs, shifts)
    same(got, np.stack([np.roll(np.moveaxis(xs, in_axes, 0)[i], s, 1)
                        for i, s in enumerate(shifts)]))
    flat = vmapx.vmap(jnp.roll)(x, shifts)
    same(flat, np.stack([np.roll(x[i], s) for i, s in enumerate(shifts)]))
    pair = np.array([[1, 2], [3, -1], [0, 9]])
    same(vmapx.vmap(lambda a, s: jnp.roll(a, s, axis=(0, 1)))(x, pair),
         np.stack([np.roll(x[i], tuple(s), (0, 1)) for i, s in enumerate(pair)]))
    empty = vmapx.vmap(lambda a, s: jnp.roll(a, s, axis=0))(np.zeros((0, 4)),
                                                            np.zeros(0, int))
    same(empty, np.zeros((0, 4)))


def test_roll_with_a_traced_shift_under_jit_and_grad():
    x = np.arange(4.0)
    same(vmapx.jit(jnp.roll)(x, 1), np.roll(x, 1))
    g = vmapx.grad(lambda a, s: (jnp.roll(a, s) * np.arange(4.0)).sum())(x, 1)
    same(g, np.roll(np.arange(4.0), -1))


def test_astype_accepts_jax_copy_and_device_keywords():
    a = jnp.ones(3)
    assert jnp.astype(a, np.float64, copy=False) is a
    same(jnp.astype(a, np.float32, copy=False), a.astype(np.float32))
    assert jnp.astype(a, np.float64, copy=True) is not a
    same(vmapx.vmap(lambda r: jnp.astype(r, np.int32, copy=False))(A), A.astype(np.int32))
    with pytest.raises(ValueError, match="device"):
        jnp.astype(a, np.float32, device="gpu")


def test_finfo_and_iinfo_accept_arrays_and_tracers():
    assert jnp.finfo(np.ones(2, np.float32)).eps == np.finfo(np.float32).eps
    assert jnp.iinfo(np.arange(3, dtype=np.int8)).max == 127
    assert jnp.finfo(jnp.float64) == np.finfo(np.float64)
    got = vmapx.vmap(lambda r: r * jnp.finfo(r).eps)(np.ones((2, 3), np.float32))
    same(got, np.full((2, 3), np.finfo(np.float32).eps, np.float32))


def test_searchsorted_rejects_an_unknown_method_like_jax():
    with pytest.raises(ValueError, match=r"invalid argument method='bad'"):
        jnp.searchsorted(np.array([1, 3]), 2, method="bad")
    for method in ("compare_all", "scan", "scan_unrolled", "sort"):
        same(jnp.searchsorted(np.array([1, 3, 5]), np.array([0, 3, 6]), method=method),
             np.array([0, 1, 3], np.int32))   # int32 indices, as JAX's (x64 too)


def test_array_methods_accept_jax_keywords_on_concrete_arrays():
    a = jnp.asarray(A)
    same(a.argsort(descending=True), np.argsort(-A, axis=-1, stable=True))
    same(a.argsort(axis=0), np.argsort(A, axis=0))
    same(a.var(correction=1), A.var(ddof=1))
    same(a.std(correction=1, axis=0), A.std(ddof=1, axis=0))
    same(np.var(a, axis=1), A.var(axis=1))
    with pytest.raises(ValueError, match="ddof and correction"):
        a.var(ddof=1, correction=1)
    same(a.take(np.array([0, 13]), mode="fill"), np.array([A.flat[0], np.nan]))
    same(a.take(np.array([0, 13]), mode="fill", fill_value=-1.0), np.array([A.flat[0], -1.0]))
    same(np.take(a, [1, 2], axis=1), A[:, 1:3])
    same(a.ptp(), np.ptp(A))
    same(np.ptp(a, axis=0), np.ptp(A, axis=0))
    m = jnp.asarray(np.array([0, 5, 0, 7]))
    rows, = m.nonzero(size=3, fill_value=-1)
    same(rows, np.array([1, 3, -1]))
    same(m.nonzero()[0], np.array([1, 3]))
    same(vmapx.vmap(lambda i: a.take(i, mode="fill"))(np.array([[0, 99], [1, 2]])),
         np.array([[A.flat[0], np.nan], [A.flat[1], A.flat[2]]]))
