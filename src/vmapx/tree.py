"""``vmapx.tree``: the short names for pytree utilities, as ``jax.tree``
(``vmapx.tree.map`` is ``vmapx.tree_util.tree_map``, and so on).

>>> import vmapx
>>> vmapx.tree.map(lambda x: x + 1, {'a': 1, 'b': (2, None)})
{'a': 2, 'b': (3, None)}
"""
from ._src import tree as _tu

__all__ = ["all", "broadcast", "flatten", "flatten_with_path", "leaves", "leaves_with_path",
           "map", "map_with_path", "reduce", "reduce_associative", "structure", "transpose",
           "unflatten"]


def all(tree, *, is_leaf=None) -> bool:  # noqa: A001
    """Whether every leaf of ``tree`` is truthy.

    >>> import vmapx
    >>> vmapx.tree.all({'a': True, 'b': (1, 2)})
    True
    """
    return _tu.tree_all(tree, is_leaf=is_leaf)


def broadcast(prefix_tree, full_tree, is_leaf=None):
    """Repeat each leaf of ``prefix_tree`` over the matching subtree of ``full_tree``.

    >>> import vmapx
    >>> vmapx.tree.broadcast((1, 2), ((3, 4), 5))
    ((1, 1), 2)
    """
    return _tu.tree_broadcast(prefix_tree, full_tree, is_leaf)


def flatten(tree, is_leaf=None):
    """``(leaves, treedef)`` of ``tree``.

    >>> import vmapx
    >>> vmapx.tree.flatten({'b': 2, 'a': (1, None)})[0]
    [1, 2]
    """
    return _tu.tree_flatten(tree, is_leaf)


def flatten_with_path(tree, is_leaf=None, is_leaf_takes_path: bool = False):
    """``([(key_path, leaf), ...], treedef)`` of ``tree``.

    >>> import vmapx
    >>> vmapx.tree.flatten_with_path({'a': [5]})[0]
    [((DictKey(key='a'), SequenceKey(idx=0)), 5)]
    """
    return _tu.tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)


def leaves(tree, is_leaf=None):
    """The leaves of ``tree``.

    >>> import vmapx
    >>> vmapx.tree.leaves({'b': 2, 'a': (1, None)})
    [1, 2]
    """
    return _tu.tree_leaves(tree, is_leaf)


def leaves_with_path(tree, is_leaf=None, is_leaf_takes_path: bool = False):
    """``[(key_path, leaf), ...]`` of ``tree``.

    >>> import vmapx
    >>> [(vmapx.tree_util.keystr(p), x) for p, x in vmapx.tree.leaves_with_path([3, {'k': 4}])]
    [('[0]', 3), ("[1]['k']", 4)]
    """
    return _tu.tree_leaves_with_path(tree, is_leaf, is_leaf_takes_path)


def map(f, tree, *rest, is_leaf=None):  # noqa: A001
    """Apply ``f`` leafwise to ``tree`` and the matching leaves of ``rest``.

    >>> import vmapx
    >>> vmapx.tree.map(lambda x, y: x * y, [1, 2], [3, 4])
    [3, 8]
    """
    return _tu.tree_map(f, tree, *rest, is_leaf=is_leaf)


def map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path: bool = False):
    """``map`` whose ``f`` also receives the key path of each leaf.

    >>> import vmapx
    >>> vmapx.tree.map_with_path(lambda p, x: len(p) * x, {'a': [1], 'b': 2})
    {'a': [2], 'b': 2}
    """
    return _tu.tree_map_with_path(f, tree, *rest, is_leaf=is_leaf,
                                  is_leaf_takes_path=is_leaf_takes_path)


def reduce(function, tree, initializer=_tu._NO_INIT, is_leaf=None):
    """``functools.reduce`` over the leaves of ``tree``.

    >>> import vmapx, operator
    >>> vmapx.tree.reduce(operator.add, {'a': 1, 'b': [2, 3]})
    6
    """
    return _tu.tree_reduce(function, tree, initializer, is_leaf)


def reduce_associative(operation, tree, *, identity=_tu._NO_INIT, is_leaf=None):
    """Reduce the leaves with an associative ``operation`` as a balanced tree.

    >>> import vmapx, operator
    >>> vmapx.tree.reduce_associative(operator.mul, [1, 2, (3, 4)])
    24
    """
    return _tu.tree_reduce_associative(operation, tree, identity=identity, is_leaf=is_leaf)


def structure(tree, is_leaf=None):
    """The treedef of ``tree``.

    >>> import vmapx
    >>> vmapx.tree.structure({'a': 1}) == vmapx.tree.structure({'a': 2})
    True
    """
    return _tu.tree_structure(tree, is_leaf)


def transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turn an ``outer`` tree of ``inner`` trees into an ``inner`` tree of ``outer`` trees.

    >>> import vmapx
    >>> s = vmapx.tree.structure
    >>> vmapx.tree.transpose(s([0, 0]), s((0, 0)), [(1, 2), (3, 4)])
    ([1, 3], [2, 4])
    """
    return _tu.tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose)


def unflatten(treedef, leaves):
    """Rebuild a tree of ``treedef``'s structure from ``leaves``.

    >>> import vmapx
    >>> vmapx.tree.unflatten(vmapx.tree.structure((0, [0])), [1, 2])
    (1, [2])
    """
    return _tu.tree_unflatten(treedef, leaves)
