"""``numpy.linalg``'s matrix and vector products and other matrix operations:
``matmul``, ``tensordot``, ``vecdot``, ``outer``, ``cross``, ``multi_dot``,
``matrix_power``, ``matrix_transpose``, ``diagonal``.
"""
from __future__ import annotations

import operator

import numpy as np
from numpy.linalg import LinAlgError

from ..core import ndim_of as _ndim_of, shape_of as _shape_of
from .array import wrap_namespace as _wrap_namespace
from .base import asarray_like as _asarray_like
from . import basic_api as jnp
from .dtypes import result_type as _result_type
from .linalg_decompositions import _square
from .linalg_solve import inv

__all__ = ["cross", "diagonal", "matmul", "matrix_power", "matrix_transpose", "multi_dot", "outer",
           "tensordot", "vecdot"]


def matrix_power(a, n):
    """``a`` to the integer power ``n`` by repeated squaring, as ``numpy.linalg.matrix_power``.

    >>> matrix_power(np.array([[1, 1], [0, 1]]), 3)
    array([[1, 3],
           [0, 1]])
    """
    a = _square(a)
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return jnp.broadcast_to(np.eye(_shape_of(a)[-1], dtype=_result_type(a)), _shape_of(a))
    if n < 0:
        a, n = inv(a), -n
    z = result = None
    while n > 0:
        z = a if z is None else jnp.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else jnp.matmul(result, z)
    return result


def _chain_order(shapes):
    """Optimal parenthesisation of a matrix chain (the textbook dynamic program)."""
    n = len(shapes)
    p = [s[0] for s in shapes] + [shapes[-1][1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(arrays, *, out=None):
    """Product of a chain of matrices in the cheapest order, as ``numpy.linalg.multi_dot``.

    >>> multi_dot([np.ones((2, 3)), np.ones((3, 4)), np.ones(4)])
    array([12., 12.])
    """
    if out is not None:
        raise TypeError("vmapx.numpy.linalg.multi_dot: the 'out' argument is not supported: "
                        "traced arrays are immutable; use the returned value.")
    arrays = [_asarray_like(a) for a in arrays]
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    if n == 2:
        return jnp.dot(arrays[0], arrays[1])
    first, last = _ndim_of(arrays[0]), _ndim_of(arrays[-1])
    if first == 1:
        arrays[0] = jnp.reshape(arrays[0], (1, -1))
    if last == 1:
        arrays[-1] = jnp.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if _ndim_of(a) != 2:
            raise LinAlgError(f"{_ndim_of(a)}-dimensional array given. Array must be "
                              "two-dimensional")
    split = _chain_order([_shape_of(a) for a in arrays])

    def prod(i, j):
        if i == j:
            return arrays[i]
        k = split[i][j]
        return jnp.dot(prod(i, k), prod(k + 1, j))

    result = prod(0, n - 1)
    if first == 1 and last == 1:
        return result[0, 0]
    if first == 1 or last == 1:
        return jnp.ravel(result)
    return result


def matmul(x1, x2, /):
    """As ``numpy.linalg.matmul``.

    >>> matmul(np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return jnp.matmul(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """As ``numpy.linalg.tensordot``.

    >>> tensordot(np.ones((2, 3)), np.ones((3, 2)), axes=1)
    array([[3., 3.],
           [3., 3.]])
    """
    return jnp.tensordot(x1, x2, axes=axes)


def vecdot(x1, x2, /, *, axis=-1):
    """As ``numpy.linalg.vecdot``.

    >>> vecdot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    array(11.)
    """
    return jnp.vecdot(x1, x2, axis=axis)


def matrix_transpose(x, /):
    """As ``numpy.linalg.matrix_transpose``.

    >>> matrix_transpose(np.zeros((2, 3))).shape
    (3, 2)
    """
    return jnp.matrix_transpose(x)


def outer(x1, x2, /):
    """Outer product of two vectors, as ``numpy.linalg.outer``.

    >>> outer(np.array([1, 2]), np.array([3, 4]))
    array([[3, 4],
           [6, 8]])
    """
    if _ndim_of(x1) != 1 or _ndim_of(x2) != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={_ndim_of(x1)} and x2.ndim={_ndim_of(x2)}.")
    return jnp.outer(x1, x2)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors, as ``numpy.linalg.cross``.

    >>> cross(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    array([1., 0., 0.])
    """
    s1, s2 = _shape_of(x1), _shape_of(x2)
    if s1[axis] != 3 or s2[axis] != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but "
                         f"they are {s1[axis]} and {s2[axis]} dimensional instead.")
    return jnp.cross(x1, x2, axis=axis)


def diagonal(x, /, *, offset=0):
    """Diagonals of the last two axes, as ``numpy.linalg.diagonal``.

    >>> diagonal(np.arange(4).reshape(2, 2))
    array([0, 3])
    """
    return jnp.diagonal(x, offset, -2, -1)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
