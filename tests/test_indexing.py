"""NumPy indexing of traced arrays and ``.at[]`` updates, against the loop oracle.

The oracle is NumPy itself: ``vmap(f)`` over a batch must equal stacking the
NumPy result of ``x[idx]`` (or ``x[idx] = v`` / ``ufunc.at``) per example,
under batch dims None / 0 / last / -1 for each operand, batch sizes 0, 1 and 3,
and vmap of vmap.  The gather/scatter rules (abstract, JVP, transpose) are
checked directly against NumPy and finite differences.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import vmapx
import vmapx.numpy as jnp
from vmapx._src.autodiff import UndefinedPrimal
from vmapx.errors import NonConcreteBooleanIndexError
from vmapx._src.jnp.advanced import advanced_getitem, nonzero_sized, take_along_axis
from vmapx._src.jnp.index_updates import IndexUpdateHelper
from vmapx._src.jnp.indexing import getitem
from vmapx._src.prims.indexing import gather_p, gather_shape, index_layout, scatter_p

SIZES = (0, 1, 3)
S = slice(None)


# ------------------------------------------------------------------ harness


def _stack(values, axis, like):
    if values:
        return np.stack([np.asarray(v) for v in values], axis=axis)
    like = np.asarray(like)
    return np.moveaxis(np.empty((0,) + like.shape, like.dtype), 0, axis)


def _compare(got, want, where, exact=True):
    assert isinstance(got, np.ndarray), f"{where}: got {type(got).__name__}"
    assert got.shape == want.shape, f"{where}: shape {got.shape} != loop's {want.shape}"
    assert got.dtype == want.dtype, f"{where}: dtype {got.dtype} != loop's {want.dtype}"
    if exact:
        np.testing.assert_array_equal(got, want, err_msg=where)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=where)


def _dims_choices(examples):
    """Every assignment of None / 0 / last / -1 to the operands (not all None)."""
    nds = [np.ndim(a) for a in examples[0]]
    per = [(None, 0, nd, -1) for nd in nds]
    out = []
    for c in itertools.product(*per):
        if any(d is not None for d in c) and c not in out:
            out.append(c)
    return out


def check_loop(f_vmap, f_numpy, make, seed=0, exact=True, dims_list=None):
    """``vmap(f_vmap)`` == stacking ``f_numpy`` per example, for each batch size and
    each choice of batch dims; ``make(rng)`` draws the operands of one example."""
    rng = np.random.default_rng(seed)
    examples = [make(rng) for _ in range(max(SIZES))]
    for dims in dims_list or _dims_choices(examples):
        for n in SIZES:
            where = f"in_axes={dims}, batch size {n}"
            batched = [examples[0][k] if d is None else
                       _stack([e[k] for e in examples[:n]], d, examples[0][k])
                       for k, d in enumerate(dims)]
            got = vmapx.vmap(f_vmap, in_axes=dims)(*batched)
            eff = [[examples[0][k] if d is None else e[k] for k, d in enumerate(dims)]
                   for e in examples[:n]]
            want = _stack([f_numpy(*a) for a in eff], 0, f_numpy(*examples[0]))
            _compare(got, want, where, exact)


def check_nested(f_vmap, f_numpy, make, seed=1, exact=True):
    """vmap of vmap (inner over axis 1 of mapped operands, outer over axis 0)."""
    rng = np.random.default_rng(seed)
    b1, b2 = 2, 3
    ex = [[make(rng) for _ in range(b2)] for _ in range(b1)]
    nops = len(ex[0][0])
    choices = [(0,) * nops, (None,) + (0,) * (nops - 1), (0,) + (None,) * (nops - 1)]
    for dims in dict.fromkeys(c for c in choices if any(d is not None for d in c)):
        batched = []
        for k, d in enumerate(dims):
            batched.append(ex[0][0][k] if d is None else
                           np.stack([np.stack([ex[i][j][k] for j in range(b2)], 0)
                                     for i in range(b1)], 0))
        inner = vmapx.vmap(f_vmap, in_axes=dims)
        got = vmapx.vmap(inner, in_axes=dims)(*batched)
        want = np.stack([np.stack([
            f_numpy(*[ex[0][0][k] if d is None else ex[i][j][k] for k, d in enumerate(dims)])
            for j in range(b2)]) for i in range(b1)])
        _compare(got, want, f"nested, in_axes={dims}", exact)


# ----------------------------------------------------------- basic indexing

BASIC = {
    "int": (1,),
    "negative int": (-1,),
    "slice": (S, slice(1, 3)),
    "strided slice with newaxis": (Ellipsis, None, slice(None, None, 2)),
    "int slice int": (-1, S, 2),
    "empty tuple": (),
    "reversed": (slice(None, None, -1), 0),
    "empty slice": (slice(2, 1),),
}


@pytest.mark.parametrize("name", sorted(BASIC))
def test_basic_indexing_matches_loop(name):
    idx = BASIC[name]
    check_loop(lambda x: x[idx], lambda x: x[idx],
               lambda r: (r.normal(size=(3, 4, 5)),))


def test_basic_indexing_nested_vmap():
    check_nested(lambda x: x[1, ::2, None], lambda x: x[1, ::2, None],
                 lambda r: (r.normal(size=(3, 4, 5)),))


# ----------------------------------------------------- integer-array indexing
# Each case: per-example x shape, index-array shapes and ranges, and the index
# built from the index arrays (i, j).

X = (3, 4, 5)
ARRAY_CASES = {
    "x[i]": ([((2,), 3)], lambda i: (i,)),
    "x[:, i] adjacent after slice": ([((2, 2), 4)], lambda i: (S, i)),
    "x[:, i, j] adjacent pair": ([((2,), 4), ((2,), 5)], lambda i, j: (S, i, j)),
    "x[i, j] broadcast (2,1) x (3,)": ([((2, 1), 3), ((3,), 4)], lambda i, j: (i, j)),
    "x[i, :, j] non-adjacent": ([((2,), 3), ((2,), 5)], lambda i, j: (i, S, j)),
    "x[0, :, i] int makes it non-adjacent": ([((2,), 5)], lambda i: (0, S, i)),
    "x[:, i, 1] int adjacent": ([((3,), 4)], lambda i: (S, i, 1)),
    "x[i, None, j] newaxis splits": ([((2,), 3), ((2,), 4)], lambda i, j: (i, None, j)),
    "x[None, :, i] newaxis before": ([((2,), 4)], lambda i: (None, S, i)),
    "x[..., i] ellipsis": ([((2, 3), 5)], lambda i: (Ellipsis, i)),
    "x[i, 1:3, ::-1] slices after": ([((4,), 3)],
                                     lambda i: (i, slice(1, 3), slice(None, None, -1))),
    "x[k] traced scalar": ([((), 3)], lambda k: (k,)),
    "x[:, k, j] traced scalar and array": ([((), 4), ((2,), 5)], lambda k, j: (S, k, j)),
    "x[k, :, l] two traced scalars": ([((), 3), ((), 5)], lambda k, l: (k, S, l)),
    "x[i] negative indices": ([((3,), -3)], lambda i: (i,)),
    "x[i] empty index": ([((0,), 3)], lambda i: (i,)),
}


def _case_maker(specs):
    def make(r):
        ops = [r.normal(size=X)]
        for shape, hi in specs:
            lo, hi = (hi, 0) if hi < 0 else (-hi, hi)  # in-range, negatives included
            ops.append(r.integers(lo, hi, size=shape).astype(np.intp))
        return tuple(ops)
    return make


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_integer_array_indexing_matches_loop(name):
    specs, build = ARRAY_CASES[name]
    check_loop(lambda x, *ix: getitem(x, build(*ix)), lambda x, *ix: x[build(*ix)],
               _case_maker(specs))


@pytest.mark.parametrize("name", ["x[i, :, j] non-adjacent", "x[:, i, j] adjacent pair",
                                  "x[:, k, j] traced scalar and array"])
def test_integer_array_indexing_nested_vmap(name):
    specs, build = ARRAY_CASES[name]
    check_nested(lambda x, *ix: getitem(x, build(*ix)), lambda x, *ix: x[build(*ix)],
                 _case_maker(specs))


def test_batched_indices_into_unbatched_array_need_no_broadcast_of_it():
    x = np.arange(60.0).reshape(3, 4, 5)
    i = np.array([[0, 2], [1, 1], [3, 0]])
    got = vmapx.vmap(lambda i: advanced_getitem(x, (S, i, 4)))(i)
    assert got.shape == (3, 3, 2)
    np.testing.assert_array_equal(got, np.stack([x[:, r, 4] for r in i]))


def test_tracer_index_syntax_on_traced_array():
    """``x[i]`` with both traced goes through the tracer's ``__getitem__``."""
    x = np.arange(12.0).reshape(4, 3)
    i = np.array([3, 0, 2])
    got = vmapx.vmap(lambda x, i: x[i])(np.stack([x] * 3), i)
    np.testing.assert_array_equal(got, x[i])


def test_constant_boolean_mask_inside_vmap():
    mask = np.array([True, False, True, True])
    check_loop(lambda x: x[:, mask], lambda x: x[:, mask], lambda r: (r.normal(size=(3, 4)),))
    check_loop(lambda x: x[mask.reshape(2, 2)], lambda x: x[mask.reshape(2, 2)],
               lambda r: (r.normal(size=(2, 2, 3)),))


def test_scalar_boolean_index_adds_axis_like_numpy():
    x = np.arange(12.0).reshape(3, 4)
    for idx in (True, False, ([0, 1], True), (0, True, [1, 2])):
        check_loop(lambda x: advanced_getitem(x, idx), lambda x: x[idx],
                   lambda r: (r.normal(size=(3, 4)),))
        assert advanced_getitem(x, idx).shape == x[idx].shape


def test_index_with_list_of_traced_scalars():
    x = np.arange(10.0)
    got = vmapx.vmap(lambda a, b: advanced_getitem(x, [a, b, a]))(np.array([1, 2]),
                                                                    np.array([3, 9]))
    np.testing.assert_array_equal(got, [[1.0, 3.0, 1.0], [2.0, 9.0, 2.0]])


def test_traced_out_of_range_reads_clamp_like_jax():
    x = np.arange(10.0)
    got = vmapx.vmap(lambda i: advanced_getitem(x, i))(np.array([12, -12, -3, 9]))
    np.testing.assert_array_equal(got, [9.0, 0.0, 7.0, 9.0])


def test_traced_out_of_range_reads_fill_with_mode_fill():
    x = np.arange(6.0).reshape(2, 3)
    got = vmapx.vmap(lambda i: IndexUpdateHelper(x)[:, i].get(mode="fill", fill_value=-1))(
        np.array([[0, 3], [-1, -4]]))
    np.testing.assert_array_equal(got, [[[0.0, -1.0], [3.0, -1.0]],
                                        [[2.0, -1.0], [5.0, -1.0]]])


# ----------------------------------------------------------------- errors


def test_traced_boolean_mask_raises_nonconcrete_error():
    with pytest.raises(NonConcreteBooleanIndexError,
                       match=r"(?s)Array boolean indices must be concrete; got bool\[4\].*where"):
        vmapx.vmap(lambda x: x[x > 0], strict=True)(np.ones((2, 4)))
    with pytest.raises(NonConcreteBooleanIndexError):
        vmapx.jit(vmapx.vmap(lambda x: x[x > 0]))(np.ones((2, 4)))
    assert issubclass(NonConcreteBooleanIndexError, IndexError)


def test_traced_slice_bound_raises():
    with pytest.raises(IndexError, match="Array slice indices must have static start/stop"):
        vmapx.vmap(lambda x, i: x[i:], strict=True)(np.ones((2, 4)), np.array([1, 2]))
    # per-example code: each example its own slice; returned ragged, as the loop's stack fails
    with pytest.raises(ValueError, match="per-example outputs of different shapes"):
        vmapx.vmap(lambda x, i: x[i:])(np.ones((2, 4)), np.array([1, 2]))


@pytest.mark.parametrize("idx, msg", [
    (np.array([5]), "index 5 is out of bounds for axis 0 with size 3"),
    ((S, np.array([-6])), "index -6 is out of bounds for axis 1 with size 4"),
    ((0, 0, 0), "too many indices for array: array is 2-dimensional, but 3 were indexed"),
    ((Ellipsis, Ellipsis), r"an index can only have a single ellipsis \('...'\)"),
    (np.array([1.0]), r"arrays used as indices must be of integer \(or boolean\) type"),
    (1.5, "only integers, slices"),
    (np.array([True, False]), "boolean index did not match indexed array along axis 0; "
                              "size of axis is 3 but size of corresponding boolean axis is 2"),
    ((np.array([0, 1]), np.array([0, 1, 2])),
     r"shape mismatch: indexing arrays could not be broadcast together with shapes \(2,\) \(3,\)"),
])
def test_index_errors_are_numpys(idx, msg):
    x = np.zeros((3, 4))
    with pytest.raises(IndexError, match=msg):
        x[idx]  # the oracle raises the same
    with pytest.raises(IndexError, match=msg):
        vmapx.vmap(lambda x: advanced_getitem(x, idx))(np.zeros((2, 3, 4)))


def test_update_value_shape_mismatch_is_numpys_error():
    msg = r"shape mismatch: value array of shape \(3,\) could not be broadcast to indexing " \
          r"result of shape \(2,4\)"
    with pytest.raises(ValueError, match=msg):
        np.zeros((3, 4))[[0, 1]] = np.ones(3)
    with pytest.raises(ValueError, match=msg):
        vmapx.vmap(lambda x: x.at[np.array([0, 1])].set(np.ones(3)))(np.zeros((2, 3, 4)))


# ------------------------------------------------------------------ take

def test_take_with_batched_indices_matches_loop():
    check_loop(lambda x, i: jnp.take(x, i, axis=1), lambda x, i: np.take(x, i, axis=1),
               lambda r: (r.normal(size=(3, 4)), r.integers(-4, 4, size=(2, 2))))


def test_take_along_axis_matches_loop():
    for axis in (0, 1, -1):
        check_loop(lambda x, i: take_along_axis(x, i, axis),
                   lambda x, i: np.take_along_axis(x, i, axis),
                   lambda r: (r.normal(size=(3, 4)),
                              r.integers(-3, 3, size=(3, 4)).astype(np.intp)))
    check_loop(lambda x, i: take_along_axis(x, i, None),
               lambda x, i: np.take_along_axis(x, i, None),
               lambda r: (r.normal(size=(3, 4)), r.integers(0, 12, size=(5,))))


def test_take_along_axis_broadcasts_unit_dims_and_nests():
    check_loop(lambda x, i: jnp.take_along_axis(x, i, 1),
               lambda x, i: np.take_along_axis(x, i, 1),
               lambda r: (r.normal(size=(3, 4)), r.integers(0, 4, size=(1, 2))))
    check_nested(lambda x, i: jnp.take_along_axis(x, i, 0),
                 lambda x, i: np.take_along_axis(x, i, 0),
                 lambda r: (r.normal(size=(3, 2)), r.integers(0, 3, size=(4, 2))))


def test_take_along_axis_traced_out_of_range_fills_nan_like_jax():
    got = vmapx.vmap(lambda i: take_along_axis(np.arange(10.0), i, 0))(np.array([[12, -1]]))
    np.testing.assert_array_equal(got, [[np.nan, 9.0]])


def test_take_along_axis_errors():
    with pytest.raises(ValueError, match="`indices` and `arr` must have the same number"):
        take_along_axis(np.zeros((3, 4)), np.zeros(3, int), 0)
    with pytest.raises(IndexError, match="`indices` must be an integer array"):
        take_along_axis(np.zeros((3, 4)), np.zeros((3, 4)), 0)


# -------------------------------------------------------------- .at[] updates


def _np_update(x, idx, v, kind):
    out = np.array(x, copy=True)
    if kind == "set":
        out[idx] = v
    elif kind in ("divide", "power"):  # JAX: x / prod(v), x ** prod(v)
        scale = np.ones_like(out)
        np.multiply.at(scale, idx, v)
        out = out / scale if kind == "divide" else out ** scale
    else:
        ufunc = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
                 "min": np.minimum, "max": np.maximum}[kind]
        ufunc.at(out, idx, v)
    return out


KINDS = ("set", "add", "subtract", "multiply", "divide", "power", "min", "max")
UPDATE_CASES = {
    "1-d duplicates": ((6,), [((5,), 6)], (5,), lambda i: (i,)),
    "scalar update broadcast": ((4, 3), [((3,), 4)], (), lambda i: (i,)),
    "row update broadcast": ((4, 3), [((2,), 4)], (3,), lambda i: (i,)),
    "non-adjacent": ((3, 4, 5), [((2,), 3), ((2,), 5)], (2, 4), lambda i, j: (i, S, j)),
    "adjacent after slice with int": ((3, 4, 5), [((2,), 4)], (3, 2), lambda i: (S, i, 1)),
    "basic int and slice": ((3, 4), [], (2,), lambda: (1, slice(1, 3))),
    "traced scalar": ((5, 2), [((), 5)], (2,), lambda k: (k,)),
}


def _update_maker(x_shape, specs, v_shape, kind):
    def make(r):
        x = r.uniform(0.5, 2.0, size=x_shape)
        ix = [r.integers(-n, n, size=s).astype(np.intp) for s, n in specs]
        v = r.uniform(0.5, 2.0, size=v_shape)
        return (x, v, *ix)
    return make


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(UPDATE_CASES))
def test_at_update_matches_loop(case, kind):
    x_shape, specs, v_shape, build = UPDATE_CASES[case]
    dims_list = None
    if len(specs) == 2:  # keep the product of dims choices small
        dims_list = [(0, 0, 0, 0), (None, 0, -1, None), (-1, None, 0, 0), (0, None, None, None),
                     (None, None, 0, -1), (2, 1, None, 0)]
    check_loop(lambda x, v, *ix: getattr(IndexUpdateHelper(x)[build(*ix)], kind)(v),
               lambda x, v, *ix: _np_update(x, build(*ix), v, kind),
               _update_maker(x_shape, specs, v_shape, kind),
               exact=kind in ("set", "min", "max"), dims_list=dims_list)


@pytest.mark.parametrize("kind", ("set", "add", "min"))
def test_at_update_nested_vmap(kind):
    x_shape, specs, v_shape, build = UPDATE_CASES["non-adjacent"]
    check_nested(lambda x, v, *ix: getattr(IndexUpdateHelper(x)[build(*ix)], kind)(v),
                 lambda x, v, *ix: _np_update(x, build(*ix), v, kind),
                 _update_maker(x_shape, specs, v_shape, kind), exact=kind != "add")


def test_at_add_accumulates_duplicate_indices():
    x = np.zeros((2, 4))
    got = vmapx.vmap(lambda x, i: x.at[i].add(1.0))(x, np.array([[1, 1, 1], [0, 3, 0]]))
    np.testing.assert_array_equal(got, [[0.0, 3.0, 0.0, 0.0], [2.0, 0.0, 0.0, 1.0]])


def test_at_on_numpy_array_returns_new_array_and_keeps_input():
    x = np.arange(5.0)
    before = x.copy()
    out = IndexUpdateHelper(x)[np.array([0, 0])].add(2.0)
    np.testing.assert_array_equal(out, [4.0, 1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(x, before)
    assert IndexUpdateHelper(x)[1:3].get().tolist() == [1.0, 2.0]


def test_at_casts_updates_to_array_dtype():
    x = np.arange(3, dtype=np.float32)
    got = vmapx.vmap(lambda x: x.at[0].add(1.5))(np.stack([x, x]))
    assert got.dtype == np.float32
    got = vmapx.vmap(lambda x: x.at[0].add(1.5))(np.arange(6).reshape(2, 3))
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, [[1, 1, 2], [4, 4, 5]])


def test_at_traced_out_of_range_updates_are_dropped_like_jax():
    x = np.arange(10.0)
    got = vmapx.vmap(lambda i: IndexUpdateHelper(x)[i].set(100.0))(np.array([12, -3, -30]))
    want = np.stack([x, x, x])
    want[1, 7] = 100.0
    np.testing.assert_array_equal(got, want)
    got = vmapx.vmap(lambda i: IndexUpdateHelper(x)[i].add(1.0, mode="clip"))(np.array([12]))
    np.testing.assert_array_equal(got[0], x + (np.arange(10) == 9))


def test_at_scalar_boolean_index():
    check_loop(lambda x, v: IndexUpdateHelper(x)[True].set(v),
               lambda x, v: _np_update(x, True, v, "set"),
               lambda r: (r.normal(size=(2, 3)), r.normal(size=(1, 2, 3))))


# ---------------------------------------------------------------- nonzero


def test_nonzero_with_size_matches_numpy_padded():
    def want(a, size=5, fill=-1):
        return np.stack([np.concatenate([r[:size], np.full(max(0, size - len(r)), fill)])
                         for r in np.nonzero(a)])

    check_loop(lambda a: jnp.stack(nonzero_sized(a, 5, -1)), want,
               lambda r: (r.integers(0, 2, size=(2, 3)) * r.integers(1, 5, size=(2, 3)),))
    check_loop(lambda a: jnp.stack(nonzero_sized(a, 2, None)),
               lambda a: want(a, 2, 0), lambda r: (r.integers(0, 2, size=(4,)).astype(bool),))


def test_nonzero_with_size_per_axis_fill_and_empty():
    got = nonzero_sized(np.zeros((0, 3)), 2, (7, 8))
    assert [g.tolist() for g in got] == [[7, 7], [8, 8]]
    with pytest.raises(ValueError, match="Calling nonzero on 0d arrays is not allowed"):
        nonzero_sized(np.array(1.0), 2, None)


# -------------------------------------------- gather / scatter primitive rules


def _abstract_matches_impl(prim, args, params):
    from vmapx._src.core import get_aval
    aval = prim.abstract(*[get_aval(a) for a in args], **params)
    out = np.asarray(prim.impl(*args, **params))
    assert aval.shape == out.shape, (aval, out.shape)
    assert aval.dtype == out.dtype


TEMPLATES = [
    ((("a", 0),), [(2, 3)]),
    ((("s", None, None, None), ("a", 0), 1), [(4,)]),
    ((("a", 0), None, ("a", 1)), [(2, 1), (3,)]),
    ((0, ("s", 1, None, 2), ("a", 0)), [(2,)]),
    ((None, ("a", 0), ("s", None, None, -1)), [()]),
    ((("s", 3, 1, None), 1), []),
]


@pytest.mark.parametrize("template, shapes", TEMPLATES)
def test_gather_and_scatter_abstract_rules_match_impl(template, shapes):
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.int32, np.bool_):
        x = rng.normal(size=(3, 4, 5)).astype(dtype)
        ix = [rng.integers(0, 3, size=s) for s in shapes]
        _abstract_matches_impl(gather_p, [x, *ix], {"index": template})
        g = np.asarray(gather_p.impl(x, *ix, index=template))
        assert g.shape == gather_shape(x.shape, template, shapes)
        for mode in ("set", "add", "max"):
            if dtype == np.bool_ and mode == "add":
                continue
            _abstract_matches_impl(scatter_p, [x, g, *ix], {"index": template, "mode": mode})


@given(st.data())
def test_random_advanced_index_matches_numpy(data):
    """Random mixes of ints, slices, None and index arrays: shape rule, value, vmap."""
    nd = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=nd, max_size=nd)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    index, arrays = [], []
    for n in shape:
        kind = data.draw(st.sampled_from(["int", "slice", "array", "newaxis+array"]))
        if kind == "newaxis+array":
            index.append(None)
        if kind == "int":
            index.append(int(rng.integers(-n, n)))
        elif kind == "slice":
            index.append(slice(data.draw(st.integers(-n, n)), None,
                               data.draw(st.sampled_from([1, 2, -1]))))
        else:
            arr_shape = data.draw(st.sampled_from([(2,), (1, 2), ()]))
            arrays.append(rng.integers(-n, n, size=(3,) + arr_shape))
            index.append(("arr", len(arrays) - 1))
    xs = rng.normal(size=(3,) + shape)

    def build(ix):
        return tuple(ix[i[1]] if type(i) is tuple else i for i in index)

    try:
        want = np.stack([xs[b][build([a[b] for a in arrays])] for b in range(3)])
    except IndexError:  # index arrays that do not broadcast: same error expected
        with pytest.raises(IndexError):
            vmapx.vmap(lambda x, *ix: advanced_getitem(x, build(ix)))(xs, *arrays)
        return
    got = vmapx.vmap(lambda x, *ix: advanced_getitem(x, build(ix)))(xs, *arrays)
    _compare(got, want, f"index {index}")
    if not arrays:
        return
    # the unbatched operand and the batched-operand/unbatched-index paths
    got = vmapx.vmap(lambda *ix: advanced_getitem(xs[0], build(ix)))(*arrays)
    _compare(got, np.stack([xs[0][build([a[b] for a in arrays])] for b in range(3)]),
             f"index {index}, unbatched operand")
    got = vmapx.vmap(lambda x: advanced_getitem(x, build([a[0] for a in arrays])))(xs)
    _compare(got, np.stack([x[build([a[0] for a in arrays])] for x in xs]),
             f"index {index}, unbatched indices")


def test_index_layout_follows_numpy_adjacency_rule():
    assert index_layout((("s", None, None, None), ("a", 0), 1), [(2,)]).adjacent
    assert not index_layout((("a", 0), None, ("a", 1)), [(2,), (2,)]).adjacent
    assert not index_layout((0, ("s", None, None, None), ("a", 0)), [(2,)]).adjacent
    assert not index_layout((0, ("s", None, None, None), 1), []).has_adv  # ints alone: basic


# JVP and transpose rules, checked directly (no autodiff engine involved): the
# JVP against central finite differences, the transpose by the dot-product test
# <ct, L t> == <L^T ct, t>.


def _fd(f, args, tangents, eps=1e-6):
    plus = [a + eps * t for a, t in zip(args, tangents, strict=True)]
    minus = [a - eps * t for a, t in zip(args, tangents, strict=True)]
    return (f(*plus) - f(*minus)) / (2 * eps)


IDX = (np.array([1, 3, 1, 0]),)
TMPL = (("a", 0),)


def test_gather_jvp_is_gather_of_tangent():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    out, tan = gather_p.jvp((x, *IDX), (t, None), index=TMPL)
    np.testing.assert_array_equal(out, x[IDX])
    np.testing.assert_array_equal(tan, t[IDX])


def test_gather_transpose_is_scatter_add():
    from vmapx._src.core import get_aval
    rng = np.random.default_rng(1)
    t, ct = rng.normal(size=(5, 2)), rng.normal(size=(4, 2))
    ct_x, ct_i = gather_p.transpose(ct, UndefinedPrimal(get_aval(t)), *IDX, index=TMPL)
    assert ct_i is None
    np.testing.assert_allclose(np.vdot(ct, t[IDX]), np.vdot(ct_x, t))


@pytest.mark.parametrize("mode", ["set", "add", "mul", "min", "max"])
def test_scatter_jvp_matches_finite_differences(mode):
    rng = np.random.default_rng(2)
    x, u = rng.uniform(0.5, 2, size=(5, 2)), rng.uniform(0.5, 2, size=(4, 2))
    if mode == "mul":
        u[2, 0] = 0.0  # zero updates, one of them sharing an index with another
    tx, tu = rng.normal(size=x.shape), rng.normal(size=u.shape)

    def f(x, u):
        return scatter_p.impl(x, u, *IDX, index=TMPL, mode=mode)

    out, tan = scatter_p.jvp((x, u, *IDX), (tx, tu, None), index=TMPL, mode=mode)
    np.testing.assert_array_equal(out, f(x, u))
    np.testing.assert_allclose(tan, _fd(f, [x, u], [tx, tu]), rtol=1e-6, atol=1e-8)
    _, tan_x = scatter_p.jvp((x, u, *IDX), (tx, None, None), index=TMPL, mode=mode)
    np.testing.assert_allclose(tan_x, _fd(lambda x: f(x, u), [x], [tx]), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["set", "add"])
def test_scatter_transpose_passes_dot_product_test(mode):
    from vmapx._src.core import get_aval
    rng = np.random.default_rng(3)
    tx, tu, ct = rng.normal(size=(5, 2)), rng.normal(size=(2,)), rng.normal(size=(5, 2))
    # updates of shape (2,) broadcast to the gathered (4, 2): transpose sums them
    lin = scatter_p.impl(tx, tu, *IDX, index=TMPL, mode=mode)
    ct_x, ct_u, ct_i = scatter_p.transpose(ct, UndefinedPrimal(get_aval(tx)),
                                           UndefinedPrimal(get_aval(tu)), *IDX, index=TMPL,
                                           mode=mode)
    assert ct_i is None and ct_u.shape == tu.shape
    np.testing.assert_allclose(np.vdot(ct, lin), np.vdot(ct_x, tx) + np.vdot(ct_u, tu))


def test_scatter_mul_transpose_in_operand():
    from vmapx._src.core import get_aval
    rng = np.random.default_rng(4)
    tx, u, ct = rng.normal(size=(5, 2)), rng.normal(size=(4, 2)), rng.normal(size=(5, 2))
    lin = scatter_p.impl(tx, u, *IDX, index=TMPL, mode="mul")
    ct_x, ct_u, _ = scatter_p.transpose(ct, UndefinedPrimal(get_aval(tx)), u, *IDX, index=TMPL,
                                        mode="mul")
    assert ct_u is None
    np.testing.assert_allclose(np.vdot(ct, lin), np.vdot(ct_x, tx))


def test_gather_and_scatter_rules_batch():
    """The JVP of a batched gather/scatter, built from binds, runs under vmap."""
    rng = np.random.default_rng(5)
    xs, ts = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))
    idx = rng.integers(0, 5, size=(3, 4))
    got = vmapx.vmap(lambda x, t, i: gather_p.jvp((x, i), (t, None), index=TMPL)[1])(xs, ts, idx)
    np.testing.assert_array_equal(got, np.stack([t[i] for t, i in zip(ts, idx)]))
    us = rng.uniform(0.5, 2, size=(3, 4, 2))
    got = vmapx.vmap(lambda x, u, t, i: scatter_p.jvp((x, u, i), (t, None, None), index=TMPL,
                                                       mode="max")[1])(xs, us, ts, idx)
    want = np.stack([scatter_p.jvp((x, u, i), (t, None, None), index=TMPL, mode="max")[1]
                     for x, u, t, i in zip(xs, us, ts, idx)])
    np.testing.assert_allclose(got, want)


# ------------------------------------------------- through the autodiff engine


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = eps
        g[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


_X = np.random.default_rng(6).uniform(0.5, 2.0, size=(5, 3))
_U = np.random.default_rng(7).uniform(0.5, 2.0, size=(4, 3))
_I = np.array([1, 3, 1, 0])


@pytest.mark.parametrize("kind", KINDS)
def test_grad_of_at_update_matches_finite_differences(kind):
    def in_x(x):
        return jnp.sum(jnp.sin(getattr(IndexUpdateHelper(x)[_I], kind)(_U)))

    def in_u(u):
        return jnp.sum(jnp.sin(getattr(IndexUpdateHelper(_X)[_I], kind)(u)) * _X)

    np.testing.assert_allclose(vmapx.grad(in_x)(_X), _fd_grad(in_x, _X), atol=1e-6)
    np.testing.assert_allclose(vmapx.grad(in_u)(_U), _fd_grad(in_u, _U), atol=1e-6)


def test_grad_of_advanced_read_matches_finite_differences():
    def f(x):
        return jnp.sum(jnp.sin(x[_I[:2], 1:, None]) * 3.0) + jnp.sum(x[_I] ** 2)

    np.testing.assert_allclose(vmapx.grad(f)(_X), _fd_grad(f, _X), atol=1e-6)


def test_vmap_of_grad_and_grad_of_vmap_through_gather_and_scatter():
    rng = np.random.default_rng(8)
    xs = rng.uniform(0.5, 2.0, size=(2, 5, 3))
    idx = np.array([[1, 3, 1, 0], [4, 4, 2, 2]])

    def f(x, i):
        return jnp.sum(jnp.sin(IndexUpdateHelper(x)[i].add(getitem(x, i[::-1]) * 2.0)))

    want = np.stack([_fd_grad(lambda x: f(x, i), x) for x, i in zip(xs, idx)])
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(f))(xs, idx), want, atol=1e-6)
    got = vmapx.grad(lambda xs: jnp.sum(vmapx.vmap(f)(xs, idx)))(xs)
    np.testing.assert_allclose(got, want, atol=1e-6)
