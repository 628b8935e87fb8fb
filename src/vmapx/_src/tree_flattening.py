"""Flattening pytrees with optree, under JAX's rules: ``None`` is an empty
node, dict keys are sorted (also in the trees rebuilt from a treedef, as in
JAX, through canonical treedefs), namedtuples, OrderedDict and defaultdict are
nodes; flattening with key paths made of ``tree_keys``' objects.
"""
from __future__ import annotations

import optree

from .caches import LRUCache, register
from .tree_keys import _convert_accessor, _key_of, keystr  # noqa: F401 (keystr: doctests)

NAMESPACE = "vmapx"

PyTreeDef = optree.PyTreeSpec

# ------------------------------------------------------- canonical treedefs

_CANONICAL = register(LRUCache(8192))
"""treedef -> its canonical form: bounded, emptied by ``vmapx.clear_caches``."""


def _sorted_node(spec):
    """A one-level dict/defaultdict spec whose unflattening inserts keys sorted.
    Keys that cannot be ordered raise JAX's error (optree would fall back to
    insertion order, so equal dicts could flatten differently)."""
    kind = spec.kind
    if kind in (optree.PyTreeKind.DICT, optree.PyTreeKind.DEFAULTDICT):
        try:
            sorted(spec.entries())
        except TypeError:
            raise ValueError("Comparator raised exception while sorting pytree dictionary "
                             "keys.") from None
    if kind is optree.PyTreeKind.DICT:
        leaf = optree.treespec_leaf(namespace=spec.namespace)
        return optree.treespec_dict([(k, leaf) for k in spec.entries()],
                                    namespace=spec.namespace)
    if kind is optree.PyTreeKind.DEFAULTDICT:
        leaf = optree.treespec_leaf(namespace=spec.namespace)
        factory = optree.tree_unflatten(spec, [0] * spec.num_children).default_factory
        return optree.treespec_defaultdict(factory, [(k, leaf) for k in spec.entries()],
                                           namespace=spec.namespace)
    return spec


def _canonical(treedef):
    """``treedef`` with every dict rebuilt in sorted key order (as JAX does).

    optree remembers each dict's insertion order and restores it when
    unflattening; JAX always rebuilds dicts with sorted keys.  Equal treedefs
    share one canonical form, so the result is cached by treedef."""
    try:
        return _CANONICAL[treedef]
    except KeyError:
        pass
    except TypeError:           # unhashable node metadata
        return treedef.transform(_sorted_node)
    out = treedef.transform(_sorted_node)
    _CANONICAL[treedef] = out
    return out


# --------------------------------------------------------------- flattening


def tree_flatten(tree, is_leaf=None):
    """Flatten ``tree`` into ``(leaves, treedef)``.

    >>> tree_flatten({'b': 2, 'a': (1, None)})
    ([1, 2], PyTreeSpec({'a': (*, None), 'b': *}))
    """
    leaves, treedef = optree.tree_flatten(tree, is_leaf, none_is_leaf=False,
                                          namespace=NAMESPACE)
    try:
        return leaves, _CANONICAL[treedef]
    except (KeyError, TypeError):
        return leaves, _canonical(treedef)


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
    return _canonical(optree.tree_structure(tree, is_leaf, none_is_leaf=False,
                                            namespace=NAMESPACE))


def tree_map(f, tree, *rest, is_leaf=None):
    """Apply ``f`` leafwise to ``tree`` (and the matching leaves of ``rest``,
    each of which must have ``tree``'s structure, or one it is a prefix of).

    >>> tree_map(lambda x, y: x + y, (1, {'a': 2}), (10, {'a': 20}))
    (11, {'a': 22})
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten(map(f, leaves, *others))


def _paths_and_leaves(tree, is_leaf):
    accessors, leaves, treedef = optree.tree_flatten_with_accessor(
        tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE)
    return [_convert_accessor(a) for a in accessors], leaves, _canonical(treedef)


def _walk_with_path(tree, is_leaf):
    """Flatten with ``is_leaf(path, x)``: ``(paths, leaves, treedef)``."""
    paths, leaves = [], []

    class Mark:
        __slots__ = ()

    def rec(path, x):
        if is_leaf(path, x) or optree.tree_is_leaf(x, none_is_leaf=False,
                                                   namespace=NAMESPACE):
            paths.append(path)
            leaves.append(x)
            return Mark()
        one = optree.tree_flatten_one_level(x, none_is_leaf=False, namespace=NAMESPACE)
        kind = optree.tree_structure(x, none_is_leaf=False, namespace=NAMESPACE).kind
        kids = [rec(path + (_key_of(e, kind, type(x)),), c)
                for e, c in zip(one.entries, one.children, strict=True)]
        return one.unflatten_func(one.metadata, kids)

    marked = rec((), tree)
    treedef = tree_structure(marked, is_leaf=lambda v: isinstance(v, Mark))
    return paths, leaves, treedef


def tree_flatten_with_path(tree, is_leaf=None, is_leaf_takes_path: bool = False):
    """Flatten into ``([(key_path, leaf), ...], treedef)``; key paths are tuples
    of ``SequenceKey`` / ``DictKey`` / ``GetAttrKey`` / ``FlattenedIndexKey``.

    >>> pairs, _ = tree_flatten_with_path({'w': [1, 2]})
    >>> pairs[1]
    ((DictKey(key='w'), SequenceKey(idx=1)), 2)
    >>> keystr(pairs[1][0])
    "['w'][1]"
    """
    if is_leaf_takes_path and is_leaf is not None:
        paths, leaves, treedef = _walk_with_path(tree, is_leaf)
    else:
        paths, leaves, treedef = _paths_and_leaves(tree, is_leaf)
    return list(zip(paths, leaves, strict=True)), treedef


def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path: bool = False):
    """``[(key_path, leaf), ...]``: the leaves with their key paths.

    >>> [(keystr(p), x) for p, x in tree_leaves_with_path({'a': [1, 2], 'b': 3})]
    [("['a'][0]", 1), ("['a'][1]", 2), ("['b']", 3)]
    """
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path: bool = False):
    """``tree_map`` whose ``f`` also receives each leaf's key path first.

    >>> tree_map_with_path(lambda p, x: keystr(p) + '=' + str(x), {'a': [1], 'b': 2})
    {'a': ["['a'][0]=1"], 'b': "['b']=2"}
    """
    pairs, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    others = [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten(f(p, x, *xs) for (p, x), *xs in zip(pairs, *others, strict=True))

