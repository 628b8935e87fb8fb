"""Pytrees: the module the rest of vmapx imports for them (as ``tu``).

JAX's rules: ``None`` is an empty node, dict keys are sorted (also in the
trees rebuilt from a treedef, as in JAX), namedtuples, OrderedDict and
defaultdict are nodes.  Key paths are made of JAX's key objects
(``SequenceKey``, ``DictKey``, ``GetAttrKey``, ``FlattenedIndexKey``).
Everything else in vmapx sees flat lists of leaves plus a treedef, produced
here.  The ``tree_*`` modules are the only importers of optree: key paths
(``tree_keys``), flattening (``tree_flattening``) and axis specs as tree
prefixes (``tree_prefixes``) are re-exported here; this module holds the rest
of ``tree_util``: reductions, transposition and broadcasting, treedefs,
registration of node types, flattening one level (``flatten_one_level``,
``is_tree_node``, ``default_registry``), and ``Partial``.
"""
from __future__ import annotations

import dataclasses
import functools

import optree

from .tree_keys import (DictKey, FlattenedIndexKey, GetAttrKey, KeyEntry,  # noqa: F401
                        KeyPath, SequenceKey, _key_of, keystr)
from .tree_flattening import (NAMESPACE, PyTreeDef, _canonical, tree_flatten,  # noqa: F401
                              tree_flatten_with_path, tree_leaves, tree_leaves_with_path,
                              tree_map, tree_map_with_path, tree_structure, tree_unflatten)
from .tree_prefixes import (PytreeLeaf, broadcast_prefix, flatten_axes,  # noqa: F401
                            prefix_errors, spec_leaves)

# -------------------------------------------------------------- reductions


def tree_all(tree, *, is_leaf=None) -> bool:
    """Whether every leaf of ``tree`` is truthy.

    >>> tree_all([True, {'a': 1}]), tree_all([True, (0,)])
    (True, False)
    """
    return all(tree_leaves(tree, is_leaf))


_NO_INIT = object()


def tree_reduce(function, tree, initializer=_NO_INIT, is_leaf=None):
    """``functools.reduce`` over the leaves of ``tree``.

    >>> import operator
    >>> tree_reduce(operator.add, {'a': 1, 'b': (2, 3)}), tree_reduce(operator.add, [], 10)
    (6, 10)
    """
    if initializer is _NO_INIT:
        return functools.reduce(function, tree_leaves(tree, is_leaf))
    return functools.reduce(function, tree_leaves(tree, is_leaf), initializer)


def tree_reduce_associative(operation, tree, *, identity=_NO_INIT, is_leaf=None):
    """Reduce the leaves of ``tree`` with an associative ``operation`` as a
    balanced binary tree (the grouping may differ from left to right).

    >>> tree_reduce_associative(lambda a, b: a + b, [1, (2, 3), 4])
    10
    """
    leaves = tree_leaves(tree, is_leaf)
    if not leaves:
        if identity is _NO_INIT:
            raise TypeError("Must specify identity for parallel reduction of empty sequence.")
        return identity
    while len(leaves) > 1:
        nxt = [operation(a, b) for a, b in zip(leaves[0::2], leaves[1::2])]
        if len(leaves) % 2:
            nxt.append(leaves[-1])
        leaves = nxt
    return leaves[0]


def all_leaves(iterable, is_leaf=None) -> bool:
    """Whether every element of ``iterable`` is a leaf (``None`` is not).

    >>> all_leaves([1, 2.0]), all_leaves([1, (2,)]), all_leaves([1, None])
    (True, False, False)
    """
    if is_leaf is None:
        return all(optree.tree_is_leaf(x, none_is_leaf=False, namespace=NAMESPACE)
                   for x in iterable)
    return all(tree_leaves(x, is_leaf) == [x] for x in iterable)


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turn a tree of trees (``outer`` of ``inner``) into ``inner`` of ``outer``.
    ``inner_treedef=None`` takes the structure of the first inner subtree.

    >>> outer, inner = tree_structure([0, 0, 0]), tree_structure((0, 0))
    >>> tree_transpose(outer, inner, [(1, 2), (3, 4), (5, 6)])
    ([1, 3, 5], [2, 4, 6])
    """
    if inner_treedef is None:
        inner_treedef = tree_structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    flat, treedef = tree_flatten(pytree_to_transpose)
    inner_size, outer_size = inner_treedef.num_leaves, outer_treedef.num_leaves
    expected = outer_treedef.compose(inner_treedef)
    if treedef.num_leaves != inner_size * outer_size or treedef != expected:
        raise TypeError(f"Mismatch\n{treedef}\n != \n{expected}")
    rows = [flat[i * inner_size:(i + 1) * inner_size] for i in range(outer_size)]
    columns = [tree_unflatten(outer_treedef, [row[j] for row in rows])
               for j in range(inner_size)]
    return tree_unflatten(inner_treedef, columns)


def tree_broadcast(prefix_tree, full_tree, is_leaf=None):
    """Repeat each leaf of ``prefix_tree`` over the matching subtree of
    ``full_tree``.

    >>> tree_broadcast((1, 2), ((3, 4), 5))
    ((1, 1), 2)
    """
    full_def = tree_structure(full_tree, is_leaf)
    return tree_unflatten(full_def, optree.broadcast_prefix(
        prefix_tree, full_tree, is_leaf, none_is_leaf=False, namespace=NAMESPACE))


# ------------------------------------------------------------- treedefs


def treedef_is_leaf(treedef) -> bool:
    """Whether ``treedef`` is the structure of a single leaf.

    >>> treedef_is_leaf(tree_structure(1)), treedef_is_leaf(tree_structure((1,)))
    (True, False)
    """
    return treedef.is_leaf()


def treedef_children(treedef) -> list:
    """The treedefs of the children of the root of ``treedef``.

    >>> treedef_children(tree_structure((1, {'a': 2})))
    [PyTreeSpec(*), PyTreeSpec({'a': *})]
    """
    return [_canonical(c) for c in treedef.children()]


def treedef_tuple(treedefs):
    """The treedef of a tuple whose children have the given treedefs.

    >>> treedef_tuple([tree_structure(1), tree_structure((1, 2))])
    PyTreeSpec((*, (*, *)))
    """
    return optree.treespec_tuple(list(treedefs), none_is_leaf=False, namespace=NAMESPACE)


def treedef_children_count(treedef) -> int:
    return treedef.num_leaves


# ------------------------------------------------------------ registration


def register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func=None):
    """Register a container type: ``flatten_func(x) -> (children, aux)``,
    ``unflatten_func(aux, children) -> x`` (JAX's convention).  Its children's
    key paths are ``FlattenedIndexKey``s unless ``flatten_with_keys_func``
    (``x -> ([(key, child), ...], aux)``) names them.

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
    ...                      lambda aux, ch: Pair(*ch))
    >>> tree_leaves(Pair(1, 2))
    [1, 2]
    """
    if flatten_with_keys_func is not None:
        register_pytree_with_keys(nodetype, flatten_with_keys_func, unflatten_func)
        return
    optree.register_pytree_node(nodetype, flatten_func, unflatten_func, namespace=NAMESPACE)


def register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func, flatten_func=None):
    """Register a container type whose children carry keys:
    ``flatten_with_keys(x) -> ([(key, child), ...], aux)``.

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_with_keys(
    ...     Pair, lambda p: (((GetAttrKey('a'), p.a), (GetAttrKey('b'), p.b)), None),
    ...     lambda aux, ch: Pair(*ch))
    >>> [keystr(p) for p, _ in tree_flatten_with_path(Pair(1, 2))[0]]
    ['.a', '.b']
    """
    def flatten(x):
        pairs, aux = flatten_with_keys(x)
        pairs = list(pairs)
        return [c for _, c in pairs], aux, tuple(k for k, _ in pairs)
    optree.register_pytree_node(nodetype, flatten, unflatten_func, namespace=NAMESPACE)


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


def register_pytree_with_keys_class(cls):
    """Class decorator: register ``cls`` using its ``tree_flatten_with_keys``
    method and ``tree_unflatten`` classmethod.

    >>> @register_pytree_with_keys_class
    ... class Box:
    ...     def __init__(self, v): self.v = v
    ...     def tree_flatten_with_keys(self): return ((GetAttrKey('v'), self.v),), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> keystr(tree_flatten_with_path(Box(3))[0][0][0])
    '.v'
    """
    register_pytree_with_keys(cls, lambda x: x.tree_flatten_with_keys(), cls.tree_unflatten)
    return cls


def register_dataclass(nodetype, data_fields=None, meta_fields=None, drop_fields=()):
    """Register a dataclass: ``data_fields`` are children (key paths
    ``.name``), ``meta_fields`` static metadata.  Without the lists, fields
    with ``metadata={'static': True}`` are metadata and the others data.
    Usable as a class decorator.

    >>> import dataclasses
    >>> @register_dataclass
    ... @dataclasses.dataclass
    ... class Point:
    ...     x: float
    ...     y: float
    >>> tree_map(lambda v: v * 2, Point(1.0, 2.0))
    Point(x=2.0, y=4.0)
    """
    if data_fields is None or meta_fields is None:
        if (data_fields is None) != (meta_fields is None):
            raise TypeError("register_dataclass: data_fields and meta_fields must both be "
                            f"specified when either is specified. Got data_fields={data_fields} "
                            f"meta_fields={meta_fields}.")
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError("register_dataclass: data_fields and meta_fields are required when "
                            f"nodetype is not a dataclass. Got nodetype={nodetype!r}.")
        fields = [f for f in dataclasses.fields(nodetype) if f.init]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if dataclasses.is_dataclass(nodetype):
        init = {f.name for f in dataclasses.fields(nodetype) if f.init}
        given = set(data_fields) | set(meta_fields)
        missing = init - given - set(drop_fields)
        extra = given - init
        if missing or extra:
            msg = ("data_fields and meta_fields must include all dataclass fields with "
                   "``init=True`` and only them.")
            if missing:
                msg += (f" Missing fields: {missing}. Add them to drop_fields to suppress "
                        "this error.")
            if extra:
                msg += f" Unexpected fields: {extra}."
            raise ValueError(msg)
    keys = tuple(GetAttrKey(n) for n in data_fields)

    def flatten(x):
        return ([getattr(x, n) for n in data_fields],
                tuple(getattr(x, n) for n in meta_fields), keys)

    def unflatten(meta, children):
        kw = dict(zip(meta_fields, meta, strict=True))
        kw.update(zip(data_fields, children, strict=True))
        return nodetype(**kw)

    optree.register_pytree_node(nodetype, flatten, unflatten, namespace=NAMESPACE)
    return nodetype


def register_static(cls):
    """Register ``cls`` as a node with no children: its values are static
    metadata of the tree (compared and hashed, never traced).

    >>> class Tag(str): pass
    >>> _ = register_static(Tag)
    >>> tree_leaves([Tag('a'), 1])
    [1]
    """
    optree.register_pytree_node(cls, lambda x: ((), x), lambda x, _: x, namespace=NAMESPACE)
    return cls


# ------------------------------------------------------------ one level

_KIND = optree.PyTreeKind
# Node kinds whose children JAX returns in a tuple, and those whose key/child
# pairs it returns in a tuple; the others come in a list.
_TUPLE_KINDS = frozenset({_KIND.NONE, _KIND.TUPLE, _KIND.DICT})
_TUPLE_PAIR_KINDS = _TUPLE_KINDS | {_KIND.LIST}


def _registration(typ):
    """optree's registry entry for node type ``typ`` in vmapx's namespace, or None."""
    if not isinstance(typ, type):
        return None
    return optree.register_pytree_node.get(typ, namespace=NAMESPACE)


def is_tree_node(typ) -> bool:
    """Whether ``typ`` is a pytree node type: a built-in container (tuple,
    list, dict, ``None``'s type, ...), a namedtuple class or a registered type.

    >>> is_tree_node(dict), is_tree_node(type(None)), is_tree_node(float)
    (True, True, False)
    """
    return _registration(typ) is not None


def _one_level(tree):
    entry = _registration(type(tree))
    if entry is None:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    one = optree.tree_flatten_one_level(tree, none_is_leaf=False, namespace=NAMESPACE)
    return entry, one


def flatten_one_level(tree):
    """``(children, metadata)`` of the root node of ``tree``: its children
    (not flattened further) and its static data (dict keys, a custom node's
    auxiliary data).  A leaf raises ``ValueError``.

    >>> flatten_one_level({'b': [1, 2], 'a': 3})
    ((3, [1, 2]), ('a', 'b'))
    >>> flatten_one_level((1, None))
    ((1, None), None)
    """
    entry, one = _one_level(tree)
    kind = entry.kind
    if kind is _KIND.CUSTOM:
        children = entry.flatten_func(tree)[0]   # as the node's flatten returns them
        return (children if isinstance(children, (tuple, list)) else list(children),
                one.metadata)
    children = tuple(one.children) if kind in _TUPLE_KINDS else list(one.children)
    metadata = one.metadata
    if kind in (_KIND.DICT, _KIND.ORDEREDDICT):
        metadata = tuple(metadata)
    elif kind is _KIND.DEFAULTDICT:
        metadata = (metadata[0], tuple(metadata[1]))
    return children, metadata


def flatten_one_level_with_keys(tree):
    """``flatten_one_level`` with each child paired with its key
    (``SequenceKey``, ``DictKey``, ``GetAttrKey`` or ``FlattenedIndexKey``).

    >>> flatten_one_level_with_keys({'a': 1, 'b': 2})
    (((DictKey(key='a'), 1), (DictKey(key='b'), 2)), ('a', 'b'))
    """
    entry, one = _one_level(tree)
    kind = entry.kind
    pairs = [(_key_of(e, kind, type(tree)), c)
             for e, c in zip(one.entries, one.children, strict=True)]
    _, metadata = flatten_one_level(tree)
    return (tuple(pairs) if kind in _TUPLE_PAIR_KINDS else pairs), metadata


class PyTreeRegistry:
    """The registry of pytree node types, as an object (``default_registry``):
    ``flatten``, ``flatten_one_level``, ``flatten_one_level_with_keys``,
    ``flatten_with_path``, ``is_node``, ``register_node`` and
    ``register_dataclass_node``.  vmapx has the one registry; these methods
    are the module's functions.

    >>> from vmapx.tree_util import default_registry
    >>> default_registry.flatten({'a': 1, 'b': None})
    ([1], PyTreeSpec({'a': *, 'b': None}))
    >>> default_registry.is_node(list)
    True
    """

    def flatten(self, tree, leaf_predicate=None):
        """``(leaves, treedef)``, as ``tree_flatten``."""
        return tree_flatten(tree, leaf_predicate)

    def flatten_one_level(self, tree):
        """``(children, metadata)`` of a node, or ``None`` for a leaf."""
        try:
            return flatten_one_level(tree)
        except ValueError:
            return None

    def flatten_one_level_with_keys(self, tree):
        """``(key/child pairs, metadata)`` of a node, or ``None`` for a leaf."""
        try:
            return flatten_one_level_with_keys(tree)
        except ValueError:
            return None

    def flatten_with_path(self, tree, leaf_predicate=None):
        """``([(key_path, leaf), ...], treedef)``, as ``tree_flatten_with_path``."""
        return tree_flatten_with_path(tree, leaf_predicate)

    def is_node(self, typ) -> bool:
        """Whether ``typ`` is a node type (``is_tree_node``)."""
        return is_tree_node(typ)

    def register_node(self, nodetype, flatten_func, unflatten_func,
                      flatten_with_keys_func=None):
        """``register_pytree_node``."""
        register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func)

    def register_dataclass_node(self, nodetype, data_fields, meta_fields):
        """``register_dataclass`` with explicit field lists."""
        register_dataclass(nodetype, data_fields, meta_fields)

    def __repr__(self):
        return "vmapx.tree_util.default_registry"


default_registry = PyTreeRegistry()


# ----------------------------------------------------------------- Partial


class Partial(functools.partial):
    """``functools.partial`` that is a pytree: its bound arguments are the
    children and the function is static, so it can be passed through
    ``jit``, ``vmap`` and ``grad`` like an array container.

    >>> import numpy as np, vmapx
    >>> add = Partial(lambda a, b: a + b, np.array([1.0, 2.0]))
    >>> vmapx.jit(lambda f, x: f(x))(add, np.array([10.0, 20.0]))
    array([11., 22.])
    """

    def __new__(cls, func, *args, **kw):
        if isinstance(func, functools.partial):
            # functools.partial would merge a partial's arguments into this one;
            # keep them out of the pytree, as JAX does, by wrapping it
            inner = func
            func = functools.wraps(inner)(lambda *a, **k: inner(*a, **k))
        return super().__new__(cls, func, *args, **kw)


optree.register_pytree_node(
    Partial, lambda p: ((p.args, p.keywords), p.func),
    lambda func, children: Partial(func, *children[0], **children[1]), namespace=NAMESPACE)

for _cls in (SequenceKey, DictKey, GetAttrKey, FlattenedIndexKey, Partial, PyTreeRegistry):
    _cls.__module__ = "vmapx.tree_util"
