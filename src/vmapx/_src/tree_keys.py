"""Key paths: JAX's key objects (``SequenceKey``, ``DictKey``, ``GetAttrKey``,
``FlattenedIndexKey``), optree's path entries converted to them, and ``keystr``.
"""
from __future__ import annotations

import optree


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

