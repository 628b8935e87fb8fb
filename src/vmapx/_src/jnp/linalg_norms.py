"""``numpy.linalg``'s norms and other numbers: ``norm``, ``vector_norm``,
``matrix_norm``, ``cond``, ``det``, ``slogdet``, ``matrix_rank``, ``trace``.
"""
from __future__ import annotations

import operator

import numpy as np
from numpy.linalg import LinAlgError

from .. import inputs
from ..core import ndim_of as _ndim_of, shape_of as _shape_of
from .array import wrap_namespace as _wrap_namespace
from .base import asarray_like as _asarray_like, canonicalize_axis as _canonicalize_axis
from .static_args import scalar_like_numpy as _scalar_like_numpy
from ..prims import linalg as _lp, linalg_solve as _solve
from . import basic_api as jnp
from . import dtypes as _dt
from .dtypes import result_type as _result_type
from .linalg_decompositions import SlogdetResult, _square, _square_inexact, svd
from .linalg_solve import inv

__all__ = ["cond", "det", "matrix_norm", "matrix_rank", "norm", "slogdet", "trace", "vector_norm"]


def det(a):
    """Determinant, as ``numpy.linalg.det``.

    >>> det(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array(-2.)
    """
    return _solve.det_p.bind(_square_inexact(a))


def slogdet(a):
    """Sign and log of the absolute determinant, as ``numpy.linalg.slogdet``.

    >>> slogdet(np.array([[2.0, 0.0], [0.0, -3.0]]))
    SlogdetResult(sign=array(-1.), logabsdet=array(1.79175947))
    """
    return SlogdetResult(*_solve.slogdet_p.bind(_square_inexact(a)))


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """Rank from the singular values, as ``numpy.linalg.matrix_rank``.

    >>> matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))
    array(1)
    """
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = _asarray_like(A)
    if _ndim_of(A) < 2:
        return jnp.astype(jnp.any(A != 0), np.int64)
    s = svd(A, compute_uv=False, hermitian=hermitian)
    smax = jnp.max(s, axis=-1, keepdims=True, initial=0)
    if tol is None:
        if rtol is None:
            rtol = max(_shape_of(A)[-2:]) * np.finfo(_result_type(s)).eps
        else:
            rtol = jnp.expand_dims(_asarray_like(rtol), -1)
        tol = smax * rtol
    else:
        tol = jnp.expand_dims(_asarray_like(tol), -1)
    return jnp.count_nonzero(s > tol, axis=-1)


def cond(x, p=None):
    """Condition number, as ``numpy.linalg.cond`` (``p`` in None, ±1, ±2, ±inf, 'fro', 'nuc').

    >>> cond(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array(2.)
    """
    x = _asarray_like(x)
    s = _shape_of(x)
    if len(s) >= 2 and s[-1] * s[-2] == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in (2, -2):
        sv = svd(x, compute_uv=False)
        r = sv[..., -1] / sv[..., 0] if p == -2 else sv[..., 0] / sv[..., -1]
    else:
        x = _square(x)
        r = norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))
        r = jnp.astype(r, _lp.real_dtype(_lp.linalg_dtype(_result_type(x))))
    nan_mask = jnp.isnan(r) & ~jnp.any(jnp.isnan(x), axis=(-2, -1))
    return _scalar_like_numpy(jnp.where(nan_mask, np.inf, r))


def _as_inexact(x):
    return x if inputs.is_inexact(_result_type(x)) else jnp.astype(
        x, _dt.to_inexact(_result_type(x)))


def _abs2(x):
    if _result_type(x).kind == "c":
        re, im = jnp.real(x), jnp.imag(x)
        return re * re + im * im
    return x * x


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm`` (every ``ord`` NumPy accepts).

    >>> norm(np.array([3.0, 4.0])), norm(np.eye(2), 'nuc'), norm(np.arange(4.0), 1)
    (array(5.), array(2.), array(6.))
    """
    x = _as_inexact(_asarray_like(x))
    nd = _ndim_of(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            ret = jnp.sqrt(jnp.sum(_abs2(jnp.ravel(x))))
            return jnp.reshape(ret, (1,) * nd) if keepdims else ret
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        ax = axis
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        if ord == np.inf:
            return jnp.max(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord == -np.inf:
            return jnp.min(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord == 0:
            return jnp.sum(jnp.astype(x != 0, _result_type(jnp.real(x))), axis=ax,
                           keepdims=keepdims)
        if ord == 1:
            return jnp.sum(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord is None or ord == 2:
            return jnp.sqrt(jnp.sum(_abs2(x), axis=ax, keepdims=keepdims))
        ret = jnp.sum(jnp.abs(x) ** ord, axis=ax, keepdims=keepdims)
        return ret ** (1.0 / ord)
    if len(axis) == 2:
        row, col = (_canonicalize_axis(a, nd) for a in axis)
        if row == col:
            raise ValueError("Duplicate axes given.")
        if ord in (2, -2, "nuc"):
            sv = svd(jnp.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
            ret = (jnp.max(sv, axis=-1) if ord == 2 else
                   jnp.min(sv, axis=-1) if ord == -2 else jnp.sum(sv, axis=-1))
        elif ord in (1, -1):
            c = col - 1 if col > row else col
            s = jnp.sum(jnp.abs(x), axis=row)
            ret = jnp.max(s, axis=c) if ord == 1 else jnp.min(s, axis=c)
        elif ord in (np.inf, -np.inf):
            r = row - 1 if row > col else row
            s = jnp.sum(jnp.abs(x), axis=col)
            ret = jnp.max(s, axis=r) if ord == np.inf else jnp.min(s, axis=r)
        elif ord in (None, "fro", "f"):
            ret = jnp.sqrt(jnp.sum(_abs2(x), axis=(row, col)))
        else:
            raise ValueError("Invalid norm order for matrices.")
        if keepdims:
            s = list(_shape_of(x))
            s[row] = s[col] = 1
            ret = jnp.reshape(ret, tuple(s))
        return ret
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over ``axis`` (all axes when None), as ``numpy.linalg.vector_norm``.

    >>> vector_norm(np.ones((2, 2)))
    array(2.)
    """
    x = _asarray_like(x)
    shape = list(_shape_of(x))
    nd = len(shape)
    if axis is None:
        res = norm(jnp.ravel(x), ord=ord, axis=0)
        axes = tuple(range(nd))
    elif isinstance(axis, tuple):
        axes = tuple(_canonicalize_axis(a, nd) for a in axis)
        rest = tuple(i for i in range(nd) if i not in axes)
        y = jnp.transpose(x, axes + rest)
        y = jnp.reshape(y, (int(np.prod([shape[i] for i in axes], dtype=np.int64)),)
                        + tuple(shape[i] for i in rest))
        res = norm(y, ord=ord, axis=0)
    else:
        axes = (_canonicalize_axis(axis, nd),)
        res = norm(x, ord=ord, axis=axes[0])
    if keepdims:
        for a in axes:
            shape[a] = 1
        res = jnp.reshape(res, tuple(shape))
    return res


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm over the last two axes, as ``numpy.linalg.matrix_norm``.

    >>> matrix_norm(np.eye(3), ord=1)
    array(1.)
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def trace(x, /, *, offset=0, dtype=None):
    """Traces of the last two axes, as ``numpy.linalg.trace``.

    >>> trace(np.ones((2, 3, 3)))
    array([3., 3.])
    """
    return jnp.trace(x, offset, -2, -1, dtype=dtype)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
