"""Regression tests for behaviour differences from JAX found by running the
same programs under ``jax`` and ``vmapx`` (transforms, ``lax``, pytrees).

Expected values are JAX 0.10.2's, hard-coded (JAX is not needed); the last
test re-derives a few of them from JAX when it is importable.
"""
import collections
import dataclasses
import functools
import operator

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax, tree_util as tu


def f32(*shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def assert_same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------ pytrees


def test_rebuilt_dicts_have_sorted_keys_as_in_jax():
    d = {'z': 1, 'a': 2}
    assert list(tu.tree_map(lambda x: x, d)) == ['a', 'z']
    leaves, td = tu.tree_flatten(d)
    assert list(tu.tree_unflatten(td, leaves)) == ['a', 'z']
    dd = tu.tree_map(lambda x: x, collections.defaultdict(list, d))
    assert type(dd) is collections.defaultdict and list(dd) == ['a', 'z']
    od = tu.tree_map(lambda x: x, collections.OrderedDict(d))
    assert list(od) == ['z', 'a']          # OrderedDict keeps its own order


def test_transforms_see_and_return_sorted_dicts():
    p = {'w': np.ones(2), 'b': np.ones(2)}
    seen = []
    vmapx.vmap(lambda d: seen.append(list(d)) or d['w'])(p)
    vmapx.jit(lambda d: seen.append(list(d)) or d['w'])(p)
    assert seen == [['b', 'w'], ['b', 'w']]
    g = vmapx.grad(lambda d: (d['w'] * d['b']).sum())(p)
    assert list(g) == ['b', 'w']
    assert list(vmapx.vmap(lambda x: {'z': x, 'a': x})(np.ones(3))) == ['a', 'z']


def test_key_paths_are_jax_key_objects():
    Pt = collections.namedtuple("Pt", "x y")
    pairs, _ = tu.tree_flatten_with_path({'b': (1, [2]), 'a': Pt(3, 4)})
    paths = [p for p, _ in pairs]
    assert paths[0] == (tu.DictKey('a'), tu.GetAttrKey('x'))
    assert paths[3] == (tu.DictKey('b'), tu.SequenceKey(1), tu.SequenceKey(0))
    assert [tu.keystr(p) for p in paths] == ["['a'].x", "['a'].y", "['b'][0]", "['b'][1][0]"]
    assert repr(paths[2]) == "(DictKey(key='b'), SequenceKey(idx=0))"
    assert [str(k) for k in paths[0]] == ["['a']", ".x"]
    assert tu.keystr(paths[3], simple=True, separator='/') == "b/1/0"
    assert str(tu.FlattenedIndexKey(1)) == "[<flat index 1>]"
    assert hash(tu.DictKey('a')) == hash(tu.DictKey('a')) and tu.SequenceKey(0) != 0


def test_custom_nodes_get_flattened_index_keys_or_their_own_keys():
    class Box:
        def __init__(self, a, b):
            self.a, self.b = a, b
    tu.register_pytree_node(Box, lambda b: ((b.a, b.b), None), lambda _, c: Box(*c))
    pairs, _ = tu.tree_flatten_with_path(Box(1, 2))
    assert [p for p, _ in pairs] == [(tu.FlattenedIndexKey(0),), (tu.FlattenedIndexKey(1),)]

    class Keyed:
        def __init__(self, a, b):
            self.a, self.b = a, b
    tu.register_pytree_with_keys(
        Keyed, lambda k: (((tu.GetAttrKey('a'), k.a), (tu.GetAttrKey('b'), k.b)), None),
        lambda _, c: Keyed(*c))
    pairs, _ = tu.tree_flatten_with_path([Keyed(1, 2)])
    assert [tu.keystr(p) for p, _ in pairs] == ["[0].a", "[0].b"]
    out = vmapx.vmap(lambda k: Keyed(k.a * 2, k.b))(Keyed(np.arange(3.0), np.ones(3)))
    assert_same(out.a, np.arange(3.0) * 2)


def test_map_and_leaves_with_path():
    out = tu.tree_map_with_path(lambda p, x, y: tu.keystr(p) + str(x + y),
                                {'a': [1, 2], 'b': 3}, {'a': [10, 20], 'b': 30})
    assert out == {'a': ["['a'][0]11", "['a'][1]22"], 'b': "['b']33"}
    assert [(tu.keystr(p), x) for p, x in tu.tree_leaves_with_path({'a': [1], 'b': 2})] == \
        [("['a'][0]", 1), ("['b']", 2)]
    pairs = tu.tree_leaves_with_path({'a': [1, 2], 'b': 3}, is_leaf_takes_path=True,
                                     is_leaf=lambda p, x: p == (tu.DictKey('a'),))
    assert pairs == [((tu.DictKey('a'),), [1, 2]), ((tu.DictKey('b'),), 3)]


def test_tree_reductions_transpose_broadcast():
    assert tu.tree_all([True, (True, 1)]) and not tu.tree_all([True, (False, 1)])
    assert tu.tree_all([])
    assert tu.tree_reduce(operator.add, {'a': 1, 'b': (2, 3)}) == 6
    assert tu.tree_reduce(operator.add, [], 100) == 100
    with pytest.raises(TypeError, match="reduce\\(\\) of empty iterable"):
        tu.tree_reduce(operator.add, [])
    assert tu.tree_reduce_associative(operator.add, [1, 2, (3, 4, 5)]) == 15
    with pytest.raises(TypeError, match="Must specify identity"):
        tu.tree_reduce_associative(operator.add, [])
    outer, inner = tu.tree_structure([0, 0, 0]), tu.tree_structure((0, 0))
    assert tu.tree_transpose(outer, inner, [(1, 2), (3, 4), (5, 6)]) == ([1, 3, 5], [2, 4, 6])
    assert tu.tree_transpose(outer, None, [(1, 2), (3, 4), (5, 6)]) == ([1, 3, 5], [2, 4, 6])
    with pytest.raises(TypeError, match="Mismatch"):
        tu.tree_transpose(outer, inner, [(1, 2), (3, 4), (5, 6, 7)])
    assert tu.tree_broadcast((1, 2), ((3, 4), 5)) == ((1, 1), 2)
    assert tu.all_leaves([1, 2.0]) and not tu.all_leaves([1, (2,)])
    assert not tu.all_leaves([1, None])


def test_treedef_helpers():
    assert tu.treedef_is_leaf(tu.tree_structure(1))
    assert not tu.treedef_is_leaf(tu.tree_structure((1,)))
    kids = tu.treedef_children(tu.tree_structure((1, {'a': 2, 'b': 3})))
    assert [k.num_leaves for k in kids] == [1, 2]
    td = tu.treedef_tuple([tu.tree_structure(1), tu.tree_structure((1, 2))])
    assert tu.tree_unflatten(td, [1, 2, 3]) == (1, (2, 3))


def test_partial_is_a_pytree_through_jit_and_vmap():
    p = tu.Partial(lambda a, b: a * b, np.float32(2.0))
    assert tu.tree_leaves(p) == [np.float32(2.0)]
    assert_same(vmapx.jit(lambda f, x: f(x))(p, np.ones(2, np.float32)),
                np.full(2, 2.0, np.float32))
    q = tu.Partial(lambda a, b: a + b, np.arange(3.0))
    assert_same(vmapx.vmap(lambda f, x: f(x))(q, np.ones(3)), np.arange(3.0) + 1)
    nested = tu.Partial(functools.partial(lambda a, b, c: a + b + c, 1), 2)
    assert nested(3) == 6 and tu.tree_leaves(nested) == [2]


def test_register_dataclass_and_static():
    @tu.register_dataclass
    @dataclasses.dataclass
    class Point:
        x: object
        y: object
        tag: str = dataclasses.field(default="p", metadata=dict(static=True))
    out = tu.tree_map(lambda v: v * 10, Point(1, 2, "q"))
    assert out == Point(10, 20, "q")
    assert [tu.keystr(p) for p, _ in tu.tree_flatten_with_path(Point(1, 2))[0]] == [".x", ".y"]
    assert_same(vmapx.vmap(lambda p: p.x + p.y)(Point(np.ones(3), np.ones(3))), np.full(3, 2.0))

    @dataclasses.dataclass
    class D:
        x: int
        y: int = 0
    with pytest.raises(ValueError, match="Missing fields"):
        tu.register_dataclass(D, data_fields=['x'], meta_fields=[])

    class NotDC:
        pass
    with pytest.raises(TypeError, match="required when nodetype is not a dataclass"):
        tu.register_dataclass(NotDC)

    class Tag(str):
        pass
    tu.register_static(Tag)
    assert tu.tree_leaves([Tag("a"), 1]) == [1]


def test_vmapx_tree_module_mirrors_jax_tree():
    t = {'a': 1, 'b': (2, None)}
    assert vmapx.tree.map(lambda x: x + 1, t) == {'a': 2, 'b': (3, None)}
    assert vmapx.tree.leaves(t) == [1, 2]
    leaves, td = vmapx.tree.flatten(t)
    assert vmapx.tree.unflatten(td, [5, 6]) == {'a': 5, 'b': (6, None)}
    assert vmapx.tree.structure(t) == td
    assert vmapx.tree.reduce(operator.add, [1, 2, 3]) == 6
    assert vmapx.tree.all([1, 0]) is False
    s = vmapx.tree.structure
    assert vmapx.tree.transpose(s([0, 0]), s((0, 0)), [(1, 2), (3, 4)]) == ([1, 3], [2, 4])
    assert vmapx.tree.map_with_path(lambda p, x: len(p), {'a': [1], 'b': 2}) == \
        {'a': [2], 'b': 1}
    assert [tu.keystr(p) for p, _ in vmapx.tree.leaves_with_path({'a': [1]})] == ["['a'][0]"]
    assert vmapx.tree.broadcast((1, 2), ((3, 4), 5)) == ((1, 1), 2)


# ------------------------------------------------------------- transforms


def test_grad_of_integer_power_zero_is_zero_at_zero():
    assert_same(vmapx.grad(lambda x: x ** 0)(0.0), np.float64(0.0))
    assert_same(vmapx.grad(lambda x: jnp.power(x, np.int32(0)))(0.0), np.float64(0.0))
    g = vmapx.grad(lambda x: jnp.power(x, np.array([0, 1, 2])).sum())(np.zeros(3))
    assert_same(g, np.array([0.0, 1.0, 0.0]))
    with np.errstate(all="ignore"):
        assert np.isnan(vmapx.grad(lambda x: x ** 0.0)(0.0))   # float exponent: as JAX
    out = vmapx.vmap(vmapx.grad(lambda x, n: x ** n))(np.zeros(3), np.array([0, 1, 2]))
    assert_same(out, np.array([0.0, 1.0, 0.0]))


def test_autodiff_error_messages_match_jax():
    with pytest.raises(TypeError, match="primal and tangent arguments to jax.jvp must be "
                                        "tuples or lists; found ndarray and ndarray."):
        vmapx.jvp(jnp.sin, np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="Argument 'a' of type <class 'str'> is not a valid "
                                        "JAX type."):
        vmapx.grad(lambda x: 1.0)("a")
    _, f_jvp = vmapx.linearize(lambda x: x, np.ones(3, np.float32))
    with pytest.raises(ValueError, match="Got tangent aval float32\\[2\\] for primal aval "
                                         "float32\\[3\\] but expected float32\\[3\\]."):
        f_jvp(np.ones(2, np.float32))


def test_jit_rejects_non_array_outputs_like_jax():
    with pytest.raises(TypeError, match="traced for jit returned a value of type <class 'str'> "
                                        "at output component \\[1\\], which is not a valid"):
        vmapx.jit(lambda x: (x, "a"))(1.0)
    with pytest.raises(TypeError, match="returned a value of type <class 'object'>, which"):
        vmapx.eval_shape(lambda x: object(), 1.0)
    out = vmapx.jit(lambda x: [1, np.float32(2)])(1.0)
    assert_same(out[1], np.float32(2))


def test_linear_transpose_checkpoint_jacobian():
    f_t = vmapx.linear_transpose(lambda x, y: (2 * x + y, y), 1.0, 2.0)
    assert f_t((1.0, 1.0)) == (np.array(2.0), np.array(2.0))
    f_t = vmapx.linear_transpose(lambda x: x * 3, vmapx.ShapeDtypeStruct((2,), np.float32))
    assert_same(f_t(np.ones(2, np.float32))[0], np.full(2, 3.0, np.float32))
    g = vmapx.grad(vmapx.checkpoint(lambda x: jnp.sin(x) ** 2))(1.0)
    assert_same(g, np.float64(np.sin(2.0)))
    assert vmapx.remat is vmapx.checkpoint and vmapx.jacobian is vmapx.jacrev


def test_grad_argnums_bool_is_an_index_and_duplicates_are_rejected():
    assert_same(vmapx.grad(lambda a, b: a * b, argnums=True)(2.0, 3.0), np.float64(2.0))
    with pytest.raises(ValueError, match="must not name an argument twice"):
        vmapx.grad(lambda a, b: a * b, argnums=(0, 0))(1.0, 2.0)


def test_jit_validates_static_argnames_against_the_signature():
    with pytest.raises(ValueError, match="Jitted function has invalid argnames \\{'y'\\} in "
                                         "static_argnames. Function does not take these args."):
        vmapx.jit(lambda x: x, static_argnames=('y',))
    with pytest.raises(ValueError, match="These are positional-only"):
        vmapx.jit(lambda x, /: x, static_argnames=('x',))
    assert vmapx.jit(lambda x, **kw: x * kw['k'], static_argnames=('k',))(2.0, k=3) == 6.0


def test_vmap_unmapped_collective_output_is_an_array():
    out = vmapx.vmap(lambda x: lax.psum(x, 'i'), axis_name='i', out_axes=None)(
        np.ones(3, np.float32))
    assert type(out) is vmapx.Array
    assert_same(out, np.float32(3.0))


def test_custom_vjp_fwd_must_return_a_pair_message():
    @vmapx.custom_vjp
    def f(x):
        return x * 2
    f.defvjp(lambda x: f(x), lambda r, g: (g,))
    with pytest.raises(TypeError, match="but instead of a pair the fwd rule <lambda> "
                                        "produced"):
        vmapx.grad(f)(2.0)


# ---------------------------------------------------------------- control


def test_control_flow_messages_match_jax():
    with pytest.raises(TypeError, match="scan body output must be a pair, got float32\\[\\]\\."):
        lax.scan(lambda c, x: c + x, np.float32(0), np.ones(3, np.float32))
    with pytest.raises(TypeError, match=r"got \[\(3,\), \(2,\)\]"):
        lax.select(np.array([True, False]), np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="same dtypes, got int32, float32"):
        lax.select(np.array([True, False]), np.ones(2, np.float32), np.ones(2, np.int32))
    with pytest.raises(TypeError, match="Argument 'abc' of type <class 'str'> is not a valid"):
        lax.cond(True, lambda s: 1.0, lambda s: 2.0, "abc")
    with pytest.raises(TypeError, match="traced for cond returned a value of type <class 'str'>"
                                        ", which is not a valid JAX type"):
        lax.cond(True, lambda: "a", lambda: "b")
    with pytest.raises(TypeError, match="traced for scan returned a value of type <class 'str'> "
                                        "at output component \\[1\\]"):
        lax.scan(lambda c, x: (c, "a"), 0.0, np.ones(3))
    # a weak initial carry takes the body's dtype first, so only the shapes differ
    with pytest.raises(TypeError, match="The input carry c has type float32\\[\\] but the "
                                        "corresponding output carry component has type "
                                        "float32\\[2\\], so the shapes do not match."):
        lax.scan(lambda c, x: (c + x, x), 0.0, np.ones((3, 2), np.float32))


# ---------------------------------------------------------------- lax ops


def test_lax_binary_ops_require_equal_dtypes_and_ranks():
    x = np.ones(3, np.float32)
    with pytest.raises(TypeError, match="got float32, float64"):
        lax.add(x, 1.0)     # a Python float is float64 (x64 on)
    assert_same(lax.add(x, np.float32(1)), np.full(3, 2.0, np.float32))
    assert_same(lax.add(x, np.ones(1, np.float32)), np.full(3, 2.0, np.float32))
    with pytest.raises(TypeError, match="lax.add requires arguments to have the same dtypes, "
                                        "got float32, int32. \\(Tip: jnp.add"):
        lax.add(x, np.ones(3, np.int32))
    with pytest.raises(TypeError, match="requires arguments to have the same dtypes"):
        lax.add(np.ones(3, np.int32), 1.5)
    with pytest.raises(TypeError, match="add: arrays must have the same number of "
                                        "dimensions, got \\{1, 2\\}"):
        lax.add(x, np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match="add got incompatible shapes for broadcasting: "
                                        "\\(3,\\), \\(2,\\)."):
        lax.add(x, np.ones(2, np.float32))
    with pytest.raises(TypeError, match="sin does not accept dtype int32"):
        lax.sin(np.array([1], np.int32))
    assert_same(lax.pow(np.array([2.0, 3.0], np.float32), np.array([3, 2], np.int32)),
                np.array([8.0, 9.0], np.float32))


def test_lax_integer_division_remainder_and_rounding():
    a, b = np.array([-7, 7, -7], np.int32), np.array([2, -2, -2], np.int32)
    assert_same(lax.div(a, b), np.array([-3, -3, 3], np.int32))
    assert_same(lax.rem(np.array([-7, 7], np.int32), np.array([2, -2], np.int32)),
                np.array([-1, 1], np.int32))
    x = np.array([0.5, 1.5, -0.5, 2.5, -2.5], np.float32)
    assert_same(lax.round(x), np.array([1, 2, -1, 3, -3], np.float32))
    assert_same(lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
                np.array([0, 2, -0.0, 2, -2], np.float32))


def test_lax_bit_ops_and_logistic():
    assert_same(lax.population_count(np.array([7, -1], np.int32)), np.array([3, 32], np.int32))
    assert_same(lax.shift_right_logical(np.array([-8, 8], np.int32), np.array([1, 1], np.int32)),
                np.array([2147483644, 4], np.int32))
    assert_same(lax.shift_right_arithmetic(np.array([-8], np.int32), np.array([1], np.int32)),
                np.array([-4], np.int32))
    x = np.array([-100.0, 0.0, 100.0], np.float32)
    assert_same(lax.logistic(x), np.array([0.0, 0.5, 1.0], np.float32))
    g = vmapx.grad(lambda x: lax.logistic(x).sum())(x)
    assert_same(g, np.array([0.0, 0.25, 0.0], np.float32))


def test_dynamic_slice_clamps_and_wraps_negative_starts():
    a = np.arange(10, dtype=np.int32)
    got = [lax.dynamic_slice(a, (s,), (4,)) for s in (0, 3, 8, -3, -20, 100)]
    want = [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9], [6, 7, 8, 9], [0, 1, 2, 3], [6, 7, 8, 9]]
    for g, w in zip(got, want, strict=True):
        assert_same(g, np.array(w, np.int32))
    with pytest.raises(ValueError, match="Length of slice indices must match number of "
                                         "operand dimensions \\(2 vs \\(10,\\)\\)"):
        lax.dynamic_slice(a, (1, 2), (2,))
    with pytest.raises(TypeError, match="slice slice_sizes must be less than or equal to "
                                        "operand shape"):
        lax.dynamic_slice(a, (1,), (12,))


def test_dynamic_slice_under_vmap_matches_the_loop():
    x = f32(4, 6, 3)
    starts = np.array([0, 2, 5, -1], np.int32)
    f = lambda x, i: lax.dynamic_slice(x, (i, np.int32(1)), (3, 2))  # noqa: E731
    got = vmapx.vmap(f)(x, starts)
    want = np.stack([f(x[k], starts[k]) for k in range(4)])
    assert_same(got, want)
    assert_same(got[3], x[3, 3:6, 1:3])
    got = vmapx.vmap(f, in_axes=(None, 0))(x[0], starts)
    assert_same(got, np.stack([f(x[0], s) for s in starts]))
    empty = vmapx.vmap(f)(x[:0], starts[:0])
    assert empty.shape == (0, 3, 2) and empty.dtype == np.float32


def test_dynamic_slice_and_update_differentiate_and_jit():
    g = vmapx.grad(lambda x, i: (lax.dynamic_slice(x, (i,), (2,)) ** 2).sum())(
        np.arange(5.0, dtype=np.float32), 4)
    assert_same(g, np.array([0, 0, 0, 6, 8], np.float32))
    gx, gu = vmapx.grad(lambda x, u: (lax.dynamic_update_slice(x, u, (2,)) ** 2).sum(),
                        argnums=(0, 1))(np.ones(5, np.float32), np.full(2, 3.0, np.float32))
    assert_same(gx, np.array([2, 2, 0, 0, 2], np.float32))
    assert_same(gu, np.full(2, 6.0, np.float32))
    out = vmapx.jit(lambda x, i: lax.dynamic_slice(x, (i, i), (2, 2)))(
        np.arange(16.0).reshape(4, 4), 3)
    assert_same(out, np.array([[10.0, 11.0], [14.0, 15.0]]))


def test_dynamic_update_slice_and_in_dim_variants():
    a = np.arange(10, dtype=np.int32)
    assert_same(lax.dynamic_update_slice(a, np.array([-1, -2], np.int32), (9,)),
                np.array([0, 1, 2, 3, 4, 5, 6, 7, -1, -2], np.int32))
    with pytest.raises(TypeError, match="lax.dynamic_update_slice requires arguments to have "
                                        "the same dtypes, got float32, int32."):
        lax.dynamic_update_slice(np.zeros(3, np.float32), np.ones(1, np.int32), (0,))
    m = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert_same(lax.dynamic_index_in_dim(m, -1, keepdims=False), m[2])
    assert_same(lax.dynamic_slice_in_dim(m, 1, 2, axis=1), m[:, 1:3])
    assert_same(lax.dynamic_update_index_in_dim(m, np.array([7, 7, 7], np.int32), 1, axis=1),
                np.array([[0, 7, 2, 3], [4, 7, 6, 7], [8, 7, 10, 11]], np.int32))
    assert_same(lax.dynamic_update_slice_in_dim(m, np.zeros((3, 2), np.int32), 3, axis=1),
                np.array([[0, 1, 0, 0], [4, 5, 0, 0], [8, 9, 0, 0]], np.int32))
    got = vmapx.vmap(lambda x, u, i: lax.dynamic_update_slice(x, u, (i,)))(
        np.zeros((3, 5), np.float32), np.ones((3, 2), np.float32), np.array([0, 3, 4], np.int32))
    want = np.zeros((3, 5), np.float32)
    want[0, 0:2] = want[1, 3:5] = want[2, 3:5] = 1
    assert_same(got, want)


def test_pad_with_negative_and_interior_padding():
    a = np.arange(1, 5, dtype=np.int32)
    assert_same(lax.pad(a[:3], np.int32(0), [(1, 2, 1)]),
                np.array([0, 1, 0, 2, 0, 3, 0, 0], np.int32))
    assert_same(lax.pad(a, np.int32(0), [(-1, -1, 0)]), np.array([2, 3], np.int32))
    assert_same(lax.pad(a, np.int32(0), [(-2, 1, 1)]), np.array([2, 0, 3, 0, 4, 0], np.int32))
    g = vmapx.grad(lambda x: (lax.pad(x, 0.0, [(1, -1, 2)]) * np.arange(7.0)).sum())(np.ones(3))
    assert_same(g, np.array([1.0, 4.0, 0.0]))
    out = vmapx.vmap(lambda x, v: lax.pad(x, v, [(1, 0, 1)]))(np.ones((2, 2)), np.array([5., 6.]))
    assert_same(out, np.array([[5.0, 1.0, 5.0, 1.0], [6.0, 1.0, 6.0, 1.0]]))


def test_sort_top_k_and_cumulative_ops():
    k, v = lax.sort((np.array([1, 1, 0, 0]), np.array([5, 3, 9, 2]), np.arange(4)),
                    num_keys=2)[1:]
    assert_same(k, np.array([2, 9, 3, 5]))
    assert_same(v, np.array([3, 2, 1, 0]))
    vals, idx = lax.top_k(np.array([[3, 1, 3, 2], [1, 2, 2, 5]], np.int32), 2)
    assert_same(vals, np.array([[3, 3], [5, 2]], np.int32))
    assert_same(idx, np.array([[0, 2], [3, 1]], np.int32))
    assert_same(lax.cumsum(np.arange(4), reverse=True), np.array([6, 6, 5, 3]))
    assert_same(lax.cummax(np.array([1, 3, 2, 5]), reverse=True), np.array([5, 5, 5, 5]))
    assert_same(lax.cumlogsumexp(np.log(np.array([1.0, 2.0, 3.0]))), np.log([1.0, 3.0, 6.0]))


def test_shape_ops_products_and_select_n():
    assert lax.broadcast_in_dim(np.ones(2), (3, 2, 4), (1,)).shape == (3, 2, 4)
    with pytest.raises(TypeError, match="broadcast_in_dim operand dimension sizes must either "
                                        "be 1"):
        lax.broadcast_in_dim(np.ones(2), (3, 4), (1,))
    assert_same(lax.reshape(np.arange(6).reshape(2, 3), (3, 2), dimensions=(1, 0)),
                np.array([[0, 3], [1, 4], [2, 5]]))
    assert lax.collapse(np.ones((2, 3, 4)), 0, 2).shape == (6, 4)
    assert [p.tolist() for p in lax.split(np.arange(6), (2, 4))] == [[0, 1], [2, 3, 4, 5]]
    out = lax.dot_general(f32(2, 3, 4), f32(2, 4, 5, seed=1), (((2,), (1,)), ((0,), (0,))))
    assert_same(out, np.einsum('bij,bjk->bik', f32(2, 3, 4), f32(2, 4, 5, seed=1)))
    assert lax.dot(np.ones((2, 3)), np.ones(3), precision=lax.Precision.HIGHEST).shape == (2,)
    with pytest.raises(ValueError, match="dimension_numbers must be specified"):
        lax.dot(np.ones((2, 3, 4)), np.ones((4, 5)))
    assert_same(lax.select_n(np.array([0, 1, 2]), np.zeros(3), np.ones(3), np.full(3, 2.0)),
                np.array([0.0, 1.0, 2.0]))
    with pytest.raises(TypeError, match="select with boolean `which` cannot have > 2 cases."):
        lax.select_n(np.array([True, False]), np.ones(2), np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="lax.concatenate requires arguments to have the same"):
        lax.concatenate([np.ones(2, np.float32), np.ones(2, np.int32)], 0)


def test_jax_oracle_when_available():
    jax = pytest.importorskip("jax")
    jlax = jax.lax
    x = f32(4, 6)
    starts = np.array([0, 2, 5, -1], np.int32)
    for mod, vm in ((jlax, jax.vmap), (lax, vmapx.vmap)):
        out = vm(lambda r, i, mod=mod: mod.dynamic_slice(r, (i,), (3,)))(x, starts)
        if mod is jlax:
            want = np.asarray(out)
        else:
            assert_same(out, want)
    assert list(jax.tree.map(lambda v: v, {'z': 1, 'a': 2})) == \
        list(vmapx.tree.map(lambda v: v, {'z': 1, 'a': 2}))


# ------------------------------------------- weak types in staged programs


def test_jit_results_have_the_dtypes_of_their_avals_when_weak_values_mix():
    # JAX 0.10.2 (x64): int32, float32, float32 -- and eval_shape agrees.
    f = vmapx.jit(lambda a, b: a + b * 2)
    assert f(np.int32(1), 3).dtype == np.int32 and f(np.int32(1), 3) == 7
    assert f(np.float32(1), 3.0).dtype == np.float32
    g = lambda a, b: a + jnp.sin(b)  # noqa: E731
    assert vmapx.jit(g)(np.float32(1), 3.0).dtype == vmapx.eval_shape(g, np.float32(1), 3.0).dtype
    jaxpr = str(vmapx.make_jaxpr(lambda a, b: a + b * 2)(np.int32(1), 3))
    assert "convert_element_type" in jaxpr


def test_scan_carry_keeps_its_dtype_next_to_a_weak_carry():
    body = lambda c, _: ((c[0] + 1, c[1] + c[0]), None)  # noqa: E731
    (n, s), _ = lax.scan(body, (0, np.int32(0)), None, length=3)
    assert_same(s, np.int32(3))            # JAX: int32
    assert_same(n, np.int64(3))


def test_fori_loop_with_concrete_bounds_has_a_weak_default_int_index():
    # JAX turns concrete bounds into Python ints, whatever their dtype.
    assert_same(lax.fori_loop(np.int32(0), np.int32(3), lambda i, c: i, 0), np.int64(2))
    assert_same(lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, 0), np.int64(3))
    assert_same(lax.fori_loop(0, 3, lambda i, c: c + i, np.int32(0)), np.int32(3))


def test_jit_traces_numpy_scalars_and_0d_arrays_once():
    calls = []
    f = vmapx.jit(lambda x: calls.append(1) or x * 2)
    for a in (1.0, 2.0, np.float64(1.0), np.array(1.0), np.float32(1.0), 1):
        f(a)
    assert len(calls) == 4                 # as JAX: weak f64, f64, f32, weak int


def test_custom_jvp_tangents_from_python_scalars_are_arrays():
    @vmapx.custom_jvp
    def f(x, y):
        return x * y
    f.defjvps(lambda t, ans, x, y: t * y * 10, lambda t, ans, x, y: t * x * 100)
    out, tan = vmapx.jvp(f, (2.0, 3.0), (1.0, 1.0))
    assert type(tan) is vmapx.Array and tan.dtype == np.float64 and tan == 230.0
    _, tan32 = vmapx.jvp(f, (np.float32(2), np.float32(3)), (np.float32(1), np.float32(1)))
    assert tan32.dtype == np.float32


def test_checkpoint_policies_are_accepted_and_change_no_value():
    cp = vmapx.checkpoint_policies
    for policy in (cp.everything_saveable, cp.nothing_saveable, cp.dots_saveable,
                   cp.dots_with_no_batch_dims_saveable, cp.save_only_these_names('a'),
                   cp.save_from_both_policies(cp.dots_saveable, cp.nothing_saveable)):
        f = vmapx.checkpoint(lambda x: jnp.sin(x) @ x, policy=policy)
        assert_same(vmapx.grad(f)(np.array([0.5, 1.0])),
                    np.cos([0.5, 1.0]) * [0.5, 1.0] + np.sin([0.5, 1.0]))


def test_lax_float_to_int_conversion_saturates_and_maps_nan_to_zero():
    x = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, -1.5, 255.9, 256.0], np.float32)
    # JAX 0.10.2's values (XLA saturates; NumPy's astype wraps or is undefined).
    assert_same(lax.convert_element_type(x, np.int32),
                np.array([0, 2147483647, -2147483648, 2147483647, -2147483648, -1, 255, 256],
                         np.int32))
    assert_same(lax.convert_element_type(x, np.uint8),
                np.array([0, 255, 0, 255, 0, 0, 255, 255], np.uint8))
    assert_same(lax.convert_element_type(x, np.int8),
                np.array([0, 127, -128, 127, -128, -1, 127, 127], np.int8))
    assert_same(lax.convert_element_type(np.array([1e300, -1e300]), np.int64),
                np.array([2**63 - 1, -2**63], np.int64))
    # integers to integers still wrap, as in JAX
    assert_same(lax.convert_element_type(np.array([300, -1]), np.uint8),
                np.array([44, 255], np.uint8))
    xs = np.array([[1e10, -2.5], [np.nan, 7.9]])
    got = vmapx.vmap(lambda r: lax.convert_element_type(r, np.int16), in_axes=1)(xs)
    assert_same(got, np.stack([lax.convert_element_type(xs[:, i], np.int16) for i in range(2)]))


def test_lax_integer_division_and_remainder_by_zero_follow_xla():
    x = np.array([7, -7, 0], np.int8)
    # JAX: x // 0 is -1 (all bits set), x % 0 is x.
    assert_same(lax.div(x, np.zeros(3, np.int8)), np.array([-1, -1, -1], np.int8))
    assert_same(lax.rem(x, np.zeros(3, np.int8)), x)
    u = np.array([7, 0], np.uint8)
    assert_same(lax.div(u, np.zeros(2, np.uint8)), np.array([255, 255], np.uint8))
    assert_same(lax.rem(u, np.zeros(2, np.uint8)), u)
    a, b = np.array([7, -7, 5], np.int32), np.array([0, 2, 0], np.int32)
    assert_same(vmapx.vmap(lax.div)(a, b), np.array([-1, -3, -1], np.int32))
    assert_same(vmapx.jit(lax.rem)(a, b), np.array([7, -1, 5], np.int32))


def test_lax_clz_counts_leading_zero_bits():
    assert_same(lax.clz(np.array([1, 0, -1, 255], np.int32)), np.array([31, 32, 0, 24], np.int32))
    assert_same(lax.clz(np.array([1, 0, 200], np.uint8)), np.array([7, 8, 0], np.uint8))
    xs = np.array([[3, 8], [1, 1 << 14]], np.int16)
    assert_same(vmapx.vmap(lax.clz, in_axes=1)(xs), np.array([[14, 15], [12, 1]], np.int16))


def test_lax_bitcast_convert_type_adds_or_consumes_a_trailing_axis():
    # JAX 0.10.2's values
    assert_same(lax.bitcast_convert_type(np.array([1.0, -2.0], np.float32), np.int32),
                np.array([1065353216, -1073741824], np.int32))
    assert_same(lax.bitcast_convert_type(np.array([1.0, -2.0]), np.int32),
                np.array([[0, 1072693248], [0, -1073741824]], np.int32))
    assert_same(lax.bitcast_convert_type(np.float32(1.0), np.uint8),
                np.array([0, 0, 128, 63], np.uint8))
    with pytest.raises(ValueError, match=r"Attempting to convert array of shape \(2, 3\) from "
                                         r"int16 of size 16 bits to int32 of size 32, bits but "
                                         r"3 \* 16 != 32"):
        lax.bitcast_convert_type(np.ones((2, 3), np.int16), np.int32)
    xs = np.arange(12, dtype=np.int32).reshape(3, 2, 2)
    to64 = lambda x: lax.bitcast_convert_type(x, np.int64)  # noqa: E731
    for ax in (0, 1, 2):
        got = vmapx.vmap(to64, in_axes=ax)(xs)
        assert_same(got, np.stack([to64(np.take(xs, i, ax)) for i in range(xs.shape[ax])]))
    to16 = lambda x: lax.bitcast_convert_type(x, np.uint16)  # noqa: E731
    assert_same(vmapx.vmap(to16, in_axes=1)(xs), np.stack([to16(xs[:, i]) for i in range(2)]))
    assert_same(vmapx.grad(lambda x: lax.bitcast_convert_type(x, np.float32).sum())(
        np.ones(2, np.float32)), np.zeros(2, np.float32))


def test_lax_broadcast_in_dim_accepts_unsorted_broadcast_dimensions():
    x = np.arange(12.0).reshape(3, 4)
    assert_same(lax.broadcast_in_dim(x, (4, 3), (1, 0)), x.T)   # JAX 0.10.2 accepts these
    assert_same(lax.broadcast_in_dim(x, (4, 2, 3), (2, 0)),
                np.broadcast_to(x.T[:, None, :], (4, 2, 3)))
    got = vmapx.vmap(lambda r: lax.broadcast_in_dim(r, (4, 2, 3), (2, 0)), in_axes=2)(
        np.stack([x, -x], axis=2))
    assert_same(got, np.stack([lax.broadcast_in_dim(m, (4, 2, 3), (2, 0)) for m in (x, -x)]))
    with pytest.raises(TypeError, match="broadcast_in_dim operand dimension sizes"):
        lax.broadcast_in_dim(x, (4, 3), (0, 0))


def test_lax_shape_ops_validate_their_static_arguments_like_jax():
    x = np.arange(12.0).reshape(3, 4)
    with pytest.raises(TypeError, match="slice limit_indices must be less than or equal to "
                                        r"operand shape"):
        lax.slice(x, (0, 0), (3, 5))          # NumPy slicing would silently clip
    with pytest.raises(TypeError, match="must be greater than or equal to start_indices"):
        lax.slice(x, (2, 0), (1, 4))          # NumPy slicing would silently give empty
    with pytest.raises(TypeError, match=r"slice strides must have length equal to the number "
                                        r"of dimensions of the operand, got strides \(1,\)"):
        lax.slice(x, (0, 0), (3, 4), (1,))
    with pytest.raises(TypeError, match="slice strides must have every element be positive"):
        lax.slice(x, (0, 0), (3, 4), (1, -1))
    with pytest.raises(ValueError, match=r"Dimension size after padding is not at least 0, got "
                                         r"result shape \(-1, 4\)"):
        lax.pad(x, 0.0, ((-2, -2, 0), (0, 0, 0)))
    assert lax.pad(x, 0.0, ((-3, 0, 0), (0, 0, 0))).shape == (0, 4)
    with pytest.raises(TypeError, match="pad operand and padding_value must be same dtype: got "
                                        "float64 and float32."):
        lax.pad(x, np.float32(0), ((1, 1, 0), (0, 0, 0)))
    with pytest.raises(TypeError, match="iota shape must have every element be nonnegative"):
        lax.iota(np.int32, -1)
    with pytest.raises(TypeError, match=r"transpose permutation isn't a permutation of operand "
                                        r"dimensions, got permutation \(0, 0\)"):
        lax.transpose(x, (0, 0))
    with pytest.raises(TypeError, match=r"rev dimensions must be unique, got \(0, 0\)."):
        lax.rev(x, (0, 0))
    with pytest.raises(TypeError, match="rev dimensions must have every element be nonneg"):
        lax.rev(x, (-1,))
    with pytest.raises(TypeError, match="reshape dimensions must be a permutation of operand "
                                        r"dimensions, got dimensions \(0,\) for shape \(3, 4\)"):
        lax.reshape(x, (12,), dimensions=(0,))
    with pytest.raises(TypeError, match=r"Integers cannot be raised to negative powers, got "
                                        r"integer_pow\(int64\[2\], -1\)"):
        lax.integer_pow(np.array([2, 3]), -1)
    with pytest.raises(ValueError, match="Index -1 is out of bounds for dimension 3 if "
                                         "allow_negative_indices=False"):
        lax.dynamic_slice(x, (-1, 0), (2, 2), allow_negative_indices=False)
    # traced negative starts clamp to 0 instead (JAX 0.10.2's values)
    got = vmapx.vmap(lambda i: lax.dynamic_slice(x, (i, 0), (2, 2),
                                                 allow_negative_indices=False))(np.array([-1, 2]))
    assert_same(got, np.array([[[0., 1.], [4., 5.]], [[4., 5.], [8., 9.]]]))


def test_tracers_print_as_jaxs():
    # what JAX 0.10.2 prints for a value printed inside each transform
    seen = []

    def show(x):
        seen.append(repr(x))
        assert str(x) == repr(x) == f"{x}"
        return x.sum() if np.ndim(x) else x

    vmapx.jit(show)(1.0)
    vmapx.jit(show)(np.ones(3))
    vmapx.vmap(show, strict=True)(np.ones((3, 2), np.int32))   # eager: the example's value
    vmapx.grad(show)(1.0)
    vmapx.grad(show)(np.ones(2))
    vmapx.jvp(show, (1.0,), (1.0,))
    vmapx.jvp(show, (np.ones(2),), (np.ones(2),))
    vmapx.vmap(vmapx.grad(show))(np.ones(2))
    assert seen == [
        "JitTracer(~float64[])",
        "JitTracer(float64[3])",
        "VmapTracer(aval=int32[2], batched=int32[3,2])",
        "GradTracer(primal=1.0, typeof(tangent)=f64[])",
        "GradTracer(primal=[1. 1.], typeof(tangent)=f64[2])",
        "JVPTracer(primal=1.0, tangent=1.0)",
        "JVPTracer(primal=[1. 1.], tangent=[1. 1.])",
        "GradTracer(primal=VmapTracer(aval=float64[], batched=float64[2]), "
        "typeof(tangent)=f64[])",
    ]
