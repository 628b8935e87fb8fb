"""``vmapx.numpy``'s matrix helpers: triangles (``tril``, ``triu`` and their
index functions), diagonals (``diag``, ``diagflat``, ``fill_diagonal``...),
``mask_indices``, ``vander``, and the matrix-vector products ``matvec`` /
``vecmat``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from ..core import dtype_of, ndim_of, shape_of
from .base import asarray_like
from . import basic_api as jnp
from .static_args import _functional_only, _static_int

__all__ = ["tril", "triu", "tril_indices", "triu_indices", "tril_indices_from",
           "triu_indices_from", "diag", "diagflat", "diag_indices", "diag_indices_from",
           "fill_diagonal", "mask_indices", "vander", "matvec", "vecmat"]


# ------------------------------------------------ triangles, diagonals, grids


def tril(m, k=0):
    """Lower triangle of the last two axes, as ``numpy.tril``.

    >>> tril(np.ones((3, 3), int))
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    m = asarray_like(m)
    mask = np.tri(*shape_of(m)[-2:], k=k, dtype=bool)
    return jnp.where(mask, m, np.zeros(1, dtype_of(m)))


def triu(m, k=0):
    """Upper triangle of the last two axes, as ``numpy.triu``.

    >>> triu(np.ones((3, 3), int), 1)
    array([[0, 1, 1],
           [0, 0, 1],
           [0, 0, 0]])
    """
    m = asarray_like(m)
    mask = np.tri(*shape_of(m)[-2:], k=k - 1, dtype=bool)
    return jnp.where(mask, np.zeros(1, dtype_of(m)), m)

def tril_indices(n, k=0, m=None):
    """Indices of the lower triangle of an ``(n, m)`` array, as ``numpy.tril_indices``.

    >>> tril_indices(2)
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    return np.tril_indices(_static_int(n, "tril_indices"), k, m)


def triu_indices(n, k=0, m=None):
    """Indices of the upper triangle of an ``(n, m)`` array, as ``numpy.triu_indices``.

    >>> triu_indices(2)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return np.triu_indices(_static_int(n, "triu_indices"), k, m)


def tril_indices_from(arr, k=0):
    """``tril_indices`` for the shape of a 2-D ``arr``, as ``numpy.tril_indices_from``.

    >>> tril_indices_from(np.zeros((2, 3)))
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    if ndim_of(arr) != 2:
        raise ValueError("input array must be 2-d")
    return np.tril_indices(shape_of(arr)[-2], k=k, m=shape_of(arr)[-1])


def triu_indices_from(arr, k=0):
    """``triu_indices`` for the shape of a 2-D ``arr``, as ``numpy.triu_indices_from``.

    >>> triu_indices_from(np.zeros((2, 2)))
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    if ndim_of(arr) != 2:
        raise ValueError("input array must be 2-d")
    return np.triu_indices(shape_of(arr)[-2], k=k, m=shape_of(arr)[-1])


def diag(v, k=0):
    """Diagonal of a 2-D array, or a 2-D array with ``v`` on a diagonal, as ``numpy.diag``.

    >>> diag(np.array([1, 2]), 1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]])
    """
    v = asarray_like(v)
    nd = ndim_of(v)
    if nd == 2:
        return jnp.diagonal(v, k)
    if nd != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = shape_of(v)[0]
    size = n + abs(k)
    src = np.full((size, size), n, dtype=np.intp)  # n points at an appended zero
    i = np.arange(n)
    src[i + builtins.max(-k, 0), i + builtins.max(k, 0)] = i
    return jnp.take(jnp.concatenate([v, np.zeros(1, dtype_of(v))]), src)


def diagflat(v, k=0):
    """``diag`` of the flattened input, as ``numpy.diagflat``.

    >>> diagflat(np.array([[1, 2]]))
    array([[1, 0],
           [0, 2]])
    """
    return diag(jnp.ravel(asarray_like(v)), k)


def diag_indices(n, ndim=2):
    """Indices of the main diagonal of an ``n**ndim`` array, as ``numpy.diag_indices``.

    >>> diag_indices(2)
    (array([0, 1]), array([0, 1]))
    """
    return np.diag_indices(_static_int(n, "diag_indices"), ndim)


def diag_indices_from(arr):
    """``diag_indices`` for the shape of ``arr`` (all sides equal), as ``numpy.diag_indices_from``.

    >>> diag_indices_from(np.zeros((2, 2)))
    (array([0, 1]), array([0, 1]))
    """
    s = shape_of(arr)
    if len(s) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(s)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return np.diag_indices(s[0], len(s))

def fill_diagonal(a, val, wrap=False, inplace=True):
    """Set the main diagonal, as ``numpy.fill_diagonal``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> fill_diagonal(np.zeros((2, 3)), 5.0, inplace=False)
    array([[5., 0., 0.],
           [0., 5., 0.]])
    """
    if inplace:
        _functional_only("fill_diagonal", a)
        return np.fill_diagonal(a, val, wrap)
    a = asarray_like(a)
    s = shape_of(a)
    if len(s) < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if len(s) == 2:
        step = s[1] + 1
        if not wrap:
            end = s[1] * s[1]
    else:
        if len(set(s)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(s[:-1]).sum())
    size = int(np.prod(s, dtype=np.int64))
    positions = np.arange(size)[:end:step]
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    val = jnp.ravel(asarray_like(val))
    nval = shape_of(val)[0]
    if nval == 0:
        return a
    which = np.zeros(size, dtype=np.intp)
    which[positions] = np.arange(len(positions)) % nval
    vals = jnp.astype(jnp.take(val, which), dtype_of(a))
    return jnp.reshape(jnp.where(mask, vals, jnp.ravel(a)), s)


def mask_indices(n, mask_func, k=0):
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero, as ``numpy.mask_indices``.

    >>> mask_indices(2, triu)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    m = np.ones((_static_int(n, "mask_indices"),) * 2, int)
    return np.nonzero(np.asarray(mask_func(m, k)) != 0)


def vander(x, N=None, increasing=False):
    """Vandermonde matrix (successive products, as NumPy), as ``numpy.vander``.

    >>> vander(np.array([1, 2, 3]), 3)
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]])
    """
    x = asarray_like(x)
    if ndim_of(x) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = shape_of(x)[0]
    N = n if N is None else operator.index(N)
    dt = np.promote_types(dtype_of(x), np.int_)
    cols = [jnp.ones((n, builtins.min(N, 1)), dt)]
    if N > 1:
        powers = jnp.cumprod(jnp.broadcast_to(jnp.astype(x, dt)[:, None], (n, N - 1)), axis=1)
        cols.append(powers)
    out = jnp.concatenate(cols, axis=1) if len(cols) > 1 else cols[0]
    return out if increasing else jnp.flip(out, axis=1)

# ------------------------------------------------------------- products, bits


def matvec(x1, x2, /):
    """Matrix-vector product over the last axes, as ``numpy.matvec``.

    >>> matvec(np.array([[1, 2], [3, 4]]), np.array([1, 1]))
    array([3, 7])
    """
    return jnp.squeeze(jnp.matmul(x1, jnp.expand_dims(asarray_like(x2), -1)), -1)


def vecmat(x1, x2, /):
    """Vector-matrix product (conjugating the vector), as ``numpy.vecmat``.

    >>> vecmat(np.array([1, 1]), np.array([[1, 2], [3, 4]]))
    array([4, 6])
    """
    x1 = asarray_like(x1)
    if dtype_of(x1).kind == "c":
        x1 = jnp.conjugate(x1)
    return jnp.squeeze(jnp.matmul(jnp.expand_dims(x1, -2), x2), -2)
