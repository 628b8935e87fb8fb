"""Pytrees: the one module that imports optree.

JAX's rules: ``None`` is an empty node, dict keys are sorted (also in the
trees rebuilt from a treedef, as in JAX), namedtuples, OrderedDict and
defaultdict are nodes.  Key paths are made of JAX's key objects
(``SequenceKey``, ``DictKey``, ``GetAttrKey``, ``FlattenedIndexKey``).
Everything else in vmapx sees flat lists of leaves plus a treedef, produced here.
"""
from __future__ import annotations

import textwrap
import difflib
import dataclasses
import functools

import optree

NAMESPACE = "vmapx"

PyTreeDef = optree.PyTreeSpec

# ------------------------------------------------------------------ key paths


class _Key:
    """A key entry of a key path: one step from a node to one of its children."""
    __slots__ = ()
    _field = ""

    def __init__(self, value):
        object.__setattr__(self, self._field, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _value(self):
        return getattr(self, self._field)

    def __repr__(self):
        return f"{type(self).__name__}({self._field}={self._value()!r})"

    def __eq__(self, other):
        return type(other) is type(self) and other._value() == self._value()

    def __hash__(self):
        return hash((type(self).__name__, self._value()))

    def __reduce__(self):
        return type(self), (self._value(),)


class SequenceKey(_Key):
    """Key of a tuple or list child: ``SequenceKey(idx=0)``, shown as ``[0]``.

    >>> str(SequenceKey(0))
    '[0]'
    """
    __slots__ = ("idx",)
    __match_args__ = ("idx",)
    _field = "idx"

    def __str__(self):
        return f"[{self.idx!r}]"


class DictKey(_Key):
    """Key of a dict child: ``DictKey(key='w')``, shown as ``['w']``.

    >>> str(DictKey('w'))
    "['w']"
    """
    __slots__ = ("key",)
    __match_args__ = ("key",)
    _field = "key"

    def __str__(self):
        return f"[{self.key!r}]"


class GetAttrKey(_Key):
    """Key of a namedtuple field or dataclass attribute, shown as ``.name``.

    >>> str(GetAttrKey('x'))
    '.x'
    """
    __slots__ = ("name",)
    __match_args__ = ("name",)
    _field = "name"

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    """Key of the i-th child of a custom node registered without keys.

    >>> str(FlattenedIndexKey(1))
    '[<flat index 1>]'
    """
    __slots__ = ("key",)
    __match_args__ = ("key",)
    _field = "key"

    def __str__(self):
        return f"[<flat index {self.key}>]"


KeyEntry = object
KeyPath = tuple

_SEQUENCE_KINDS = frozenset({optree.PyTreeKind.TUPLE, optree.PyTreeKind.LIST,
                             optree.PyTreeKind.DEQUE})
_DICT_KINDS = frozenset({optree.PyTreeKind.DICT, optree.PyTreeKind.ORDEREDDICT,
                         optree.PyTreeKind.DEFAULTDICT})
_FIELD_KINDS = frozenset({optree.PyTreeKind.NAMEDTUPLE, optree.PyTreeKind.STRUCTSEQUENCE})


def _key_of(entry, kind, node_type):
    """JAX's key object for one child ``entry`` of a node of ``kind``."""
    if isinstance(entry, _Key):
        return entry
    if kind in _SEQUENCE_KINDS:
        return SequenceKey(entry)
    if kind in _DICT_KINDS:
        return DictKey(entry)
    if kind in _FIELD_KINDS:
        return GetAttrKey(node_type._fields[entry] if isinstance(entry, int) else entry)
    return FlattenedIndexKey(entry)


def _convert_accessor(accessor):
    return tuple(_key_of(e.entry, e.kind, e.type) for e in accessor)


def keystr(keys, *, simple: bool = False, separator: str = "") -> str:
    """Render a key path as JAX does: ``[0]['w'].x``; with ``simple=True``
    only the bare keys, joined by ``separator``.

    >>> path = (SequenceKey(0), DictKey('w'), GetAttrKey('x'))
    >>> keystr(path)
    "[0]['w'].x"
    >>> keystr(path, simple=True, separator='/')
    '0/w/x'
    """
    if simple:
        return separator.join(str(k._value()) if isinstance(k, _Key) else str(k)
                              for k in keys)
    return separator.join(str(k) for k in keys)


# ------------------------------------------------------- canonical treedefs

_CANONICAL: dict = {}
_CANONICAL_MAX = 8192


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
    if len(_CANONICAL) >= _CANONICAL_MAX:
        _CANONICAL.clear()
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

for _cls in (SequenceKey, DictKey, GetAttrKey, FlattenedIndexKey, Partial):
    _cls.__module__ = "vmapx.tree_util"


# ------------------------------------------------------------ axis specs


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


class PytreeLeaf:
    """Stand-in for each leaf of a value tree in ``prefix_errors`` reports."""
    __slots__ = ()

    def __repr__(self):
        return "*"


def _strict_leaf(x, is_leaf):
    return x is not None and optree.tree_structure(
        x, is_leaf, none_is_leaf=False, namespace=NAMESPACE).is_leaf()


def _one_level(x):
    """``(children, metadata, keys)`` of the root node of ``x`` (JAX's view:
    dict metadata is the tuple of sorted keys)."""
    out = optree.tree_flatten_one_level(x, none_is_leaf=False, namespace=NAMESPACE)
    kind = optree.tree_structure(x, none_is_leaf=False, namespace=NAMESPACE).kind
    meta = tuple(out.metadata) if kind in _DICT_KINDS else out.metadata
    return (tuple(out.children), meta,
            tuple(_key_of(e, kind, type(x)) for e in out.entries))


def prefix_errors(prefix_tree, full_tree, is_leaf=None, key_path=()):
    """JAX's reports of why ``prefix_tree`` is not a tree prefix of
    ``full_tree``: a list of functions from the trees' name to a ValueError
    (empty when it is a prefix).

    >>> [e('spec').args[0].splitlines()[0] for e in prefix_errors((0, 0), [1, 2])]
    ['pytree structure error: different types at key path']
    """
    return list(_prefix_error(key_path, prefix_tree, full_tree, is_leaf))


def _prefix_error(key_path, prefix_tree, full_tree, is_leaf):
    if _strict_leaf(prefix_tree, is_leaf):
        return
    path = keystr(key_path)
    if type(prefix_tree) is not type(full_tree):
        yield lambda name: ValueError(
            "pytree structure error: different types at key path\n"
            f"    {name}{path}\n"
            f"At that key path, the prefix pytree {name} has a subtree of type\n"
            f"    {type(prefix_tree)}\n"
            f"but at the same key path the full pytree has a subtree of different type\n"
            f"    {type(full_tree)}.")
        return
    p_children, p_meta, p_keys = _one_level(prefix_tree)
    f_children, f_meta, f_keys = _one_level(full_tree)
    if isinstance(prefix_tree, (list, tuple)):
        if len(prefix_tree) != len(full_tree):
            ty = type(prefix_tree).__name__
            yield lambda name: ValueError(
                f"pytree structure error: different lengths of {ty} at key path\n"
                f"    {name}{path}\n"
                f"At that key path, the prefix pytree {name} has a subtree of type "
                f"{ty} of length {len(prefix_tree)}, but the full pytree "
                f"has a subtree of the same type but of length {len(full_tree)}.")
            return
    elif len(p_children) != len(f_children):
        def names(keys):
            return " ".join(str(k._value()) for k in keys)
        try:
            diff = set(p_keys).symmetric_difference(set(f_keys))
        except TypeError:
            diff = None
        yield lambda name: ValueError(
            "pytree structure error: different numbers of pytree children at key path\n"
            f"    {name}{path}\n"
            f"At that key path, the prefix pytree {name} has a subtree of type\n"
            f"    {type(prefix_tree)}\n"
            f"with {len(p_children)} child keys\n"
            f"    {names(p_keys)}\n"
            f"but at the same key path the full pytree has a subtree of the same "
            f"type but with {len(f_children)} child keys\n"
            f"    {names(f_keys)}\n"
            + ("" if diff is None else
               f"so the symmetric difference on key sets is\n    {names(diff)}"))
        return
    if p_meta != f_meta:
        p_str, f_str = str(p_meta), str(f_meta)
        diff = textwrap.indent("\n".join(difflib.ndiff(p_str.splitlines(),
                                                        f_str.splitlines())), prefix="    ")
        yield lambda name: ValueError(
            "pytree structure error: different pytree metadata at key path\n"
            f"    {name}{path}\n"
            f"At that key path, the prefix pytree {name} has a subtree of type\n"
            f"    {type(prefix_tree)}\n"
            f"with metadata\n"
            f"    {p_str}\n"
            f"but at the same key path the full pytree has a subtree of the same "
            f"type but with metadata\n"
            f"    {f_str}\n"
            f"so the diff in the metadata at these pytree nodes is\n"
            f"{diff}")
        return
    for k, t1, t2 in zip(p_keys, p_children, f_children, strict=True):
        yield from _prefix_error((*key_path, k), t1, t2, is_leaf)


def spec_leaves(spec):
    """Leaves of an axis spec, treating ``None`` as a leaf.

    >>> spec_leaves((0, {'a': None}))
    [0, None]
    """
    return optree.tree_leaves(spec, none_is_leaf=True, namespace=NAMESPACE)


def flatten_axes(name: str, treedef_tree, axis_tree, *, kws_note=False):
    """Broadcast an axis spec (``None`` a value) to one axis per leaf of the value."""
    try:
        return broadcast_prefix(axis_tree, treedef_tree)
    except ValueError:
        if kws_note:  # report on the positional arguments only, as JAX does
            axis_tree, treedef_tree = axis_tree[0], treedef_tree[0]
        leaves, treedef = tree_flatten(treedef_tree)
        dummy = tree_unflatten(treedef, [PytreeLeaf()] * len(leaves))
        errors = prefix_errors(axis_tree, dummy)
        details = "\n  ".join(e(name).args[0] for e in errors)
        raise ValueError(
            f"{name} specification must be a tree prefix of the corresponding value; "
            f"\n  Mismatch details ({len(errors)} found):\n  {details}") from None
