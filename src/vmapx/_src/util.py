"""Small helpers JAX programs import from ``jax._src.util`` (JAX's custom
interpreter tutorial uses ``safe_map``): the same names and behaviour, so such
programs run with ``jax`` swapped for vmapx.
"""
from __future__ import annotations


def safe_map(f, *args):
    """``list(map(f, *args))`` for sequences of one length (else ``ValueError``).

    >>> safe_map(lambda a, b: a + b, [1, 2], [10, 20])
    [11, 22]
    """
    args = [list(a) for a in args]
    n = len(args[0])
    for a in args[1:]:
        if len(a) != n:
            raise ValueError(f"length mismatch: {list(map(len, args))}")
    return list(map(f, *args))


def safe_zip(*args):
    """``list(zip(*args))`` for sequences of one length (else ``ValueError``).

    >>> safe_zip([1, 2], "ab")
    [(1, 'a'), (2, 'b')]
    """
    args = [list(a) for a in args]
    n = len(args[0])
    for a in args[1:]:
        if len(a) != n:
            raise ValueError(f"length mismatch: {list(map(len, args))}")
    return list(zip(*args))


def unzip2(pairs):
    """Two tuples from a sequence of pairs.

    >>> unzip2([(1, 'a'), (2, 'b')])
    ((1, 2), ('a', 'b'))
    """
    xs, ys = [], []
    for x, y in pairs:
        xs.append(x)
        ys.append(y)
    return tuple(xs), tuple(ys)


def split_list(args, ns):
    """``args`` cut into pieces of lengths ``ns`` and the rest.

    >>> split_list([1, 2, 3, 4], [1, 2])
    [[1], [2, 3], [4]]
    """
    args = list(args)
    out = []
    for n in ns:
        out.append(args[:n])
        args = args[n:]
    return out + [args]


def partition_list(bs, lst):
    """The items of ``lst`` where ``bs`` is false, and where it is true.

    >>> partition_list([True, False, True], [1, 2, 3])
    ([2], [1, 3])
    """
    lists = [], []
    for b, x in zip(bs, lst, strict=True):
        lists[bool(b)].append(x)
    return lists
