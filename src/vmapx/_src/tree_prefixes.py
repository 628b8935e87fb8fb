"""Axis specs as tree prefixes (``in_axes``, ``out_axes``, ``in_dims``): ``None``
is a value there, broadcast over the matching subtree; JAX's reports of why a
spec is not a tree prefix of a value.
"""
from __future__ import annotations

import textwrap
import difflib

import optree

from .tree_flattening import NAMESPACE, tree_flatten, tree_unflatten
from .tree_keys import _DICT_KINDS, _key_of, keystr


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


# Prefix errors name its class, as they always have: where tree re-exports it.
PytreeLeaf.__module__ = "vmapx._src.tree"


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


def flatten_axes(name: str, treedef_tree, axis_tree, *, kws_note=False, is_leaf=None):
    """Broadcast an axis spec (``None`` a value) to one axis per leaf of the value
    (``is_leaf``: values taken as leaves of the value tree)."""
    try:
        return broadcast_prefix(axis_tree, treedef_tree, is_leaf)
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
