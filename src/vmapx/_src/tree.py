"""Pytrees: the one module that imports optree.

JAX's rules: ``None`` is an empty node, dict keys are sorted, namedtuples,
OrderedDict and defaultdict are nodes.  Everything else in vmapx sees flat lists
of leaves plus a treedef, produced here.
"""
from __future__ import annotations

import optree

NAMESPACE = "vmapx"

PyTreeDef = optree.PyTreeSpec


def tree_flatten(tree, is_leaf=None):
    """Flatten ``tree`` into ``(leaves, treedef)``.

    >>> tree_flatten({'b': 2, 'a': (1, None)})
    ([1, 2], PyTreeSpec({'a': (*, None), 'b': *}))
    """
    return optree.tree_flatten(tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE)


def tree_unflatten(treedef, leaves):
    """Rebuild a tree from ``treedef`` and an iterable of leaves.

    >>> leaves, td = tree_flatten((1, [2, 3]))
    >>> tree_unflatten(td, [x * 10 for x in leaves])
    (10, [20, 30])
    """
    return optree.tree_unflatten(treedef, leaves)


def tree_leaves(tree, is_leaf=None):
    """The leaves of ``tree`` in flattening order.

    >>> tree_leaves({'x': [1, 2], 'y': None})
    [1, 2]
    """
    return optree.tree_leaves(tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE)


def tree_structure(tree, is_leaf=None):
    """The treedef of ``tree``.

    >>> tree_structure((1, {'a': 2}))
    PyTreeSpec((*, {'a': *}))
    """
    return optree.tree_structure(tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE)


def tree_map(f, tree, *rest, is_leaf=None):
    """Apply ``f`` leafwise to ``tree`` (and the matching leaves of ``rest``).

    >>> tree_map(lambda x, y: x + y, (1, {'a': 2}), (10, {'a': 20}))
    (11, {'a': 22})
    """
    return optree.tree_map(f, tree, *rest, is_leaf=is_leaf, none_is_leaf=False,
                           namespace=NAMESPACE)


def tree_flatten_with_path(tree, is_leaf=None):
    """Flatten into ``([(path, leaf), ...], treedef)``; paths are tuples of keys.

    >>> tree_flatten_with_path({'w': [1, 2]})[0]
    [(('w', 0), 1), (('w', 1), 2)]
    """
    paths, leaves, treedef = optree.tree_flatten_with_path(
        tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE)
    return list(zip(paths, leaves, strict=True)), treedef


def keystr(path) -> str:
    """Render a key path as JAX does, e.g. ``[0]['w']``.

    >>> keystr((0, 'w'))
    "[0]['w']"
    """
    return "".join(f"[{k!r}]" for k in path)


def treedef_children_count(treedef) -> int:
    return treedef.num_leaves


def register_pytree_node(nodetype, flatten_func, unflatten_func):
    """Register a container type: ``flatten_func(x) -> (children, aux)``,
    ``unflatten_func(aux, children) -> x`` (JAX's convention).

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
    ...                      lambda aux, ch: Pair(*ch))
    >>> tree_leaves(Pair(1, 2))
    [1, 2]
    """
    optree.register_pytree_node(nodetype, flatten_func, unflatten_func, namespace=NAMESPACE)


def register_pytree_node_class(cls):
    """Class decorator: register ``cls`` using its ``tree_flatten`` method and
    ``tree_unflatten`` classmethod (JAX's convention).

    >>> @register_pytree_node_class
    ... class Box:
    ...     def __init__(self, v): self.v = v
    ...     def tree_flatten(self): return (self.v,), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> tree_leaves(Box(3))
    [3]
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


class _NoneLeaf:
    """Stand-in for ``None`` inside axis specs, where None is a value, not a node."""
    __slots__ = ()

    def __repr__(self):
        return "None"


NONE_LEAF = _NoneLeaf()


def broadcast_prefix(prefix, full_tree, is_leaf=None):
    """Broadcast ``prefix`` (a tree prefix of ``full_tree``; ``None`` counts as a
    value, as in ``in_axes``) to one entry per leaf of ``full_tree``.

    Raises ValueError when ``prefix`` is not a tree prefix.

    >>> broadcast_prefix((0, None), ([1, 2], {'a': 3}))
    [0, 0, None]
    """
    marked = optree.tree_map(lambda x: NONE_LEAF if x is None else x, prefix,
                             none_is_leaf=True, namespace=NAMESPACE)
    out = optree.broadcast_prefix(marked, full_tree, is_leaf, none_is_leaf=False,
                                  namespace=NAMESPACE)
    return [None if x is NONE_LEAF else x for x in out]


def spec_leaves(spec):
    """Leaves of an axis spec, treating ``None`` as a leaf.

    >>> spec_leaves((0, {'a': None}))
    [0, None]
    """
    return optree.tree_leaves(spec, none_is_leaf=True, namespace=NAMESPACE)
