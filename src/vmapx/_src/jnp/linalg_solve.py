"""``numpy.linalg``'s solving equations and inverting matrices: ``solve``,
``tensorsolve``, ``lstsq``, ``inv``, ``pinv``, ``tensorinv``.  ``lstsq``
always returns the residuals ``|b - a x|^2``, as in ``jax.numpy.linalg``
(NumPy returns an empty array unless ``a`` has full column rank and more rows
than columns).
"""
from __future__ import annotations

import numpy as np
from numpy.linalg import LinAlgError

from ..core import ndim_of as _ndim_of, shape_of as _shape_of
from .array import wrap_namespace as _wrap_namespace
from .base import asarray_like as _asarray_like
from ..prims import (linalg as _lp, linalg_decompositions as _decompositions,
                     linalg_solve as _solve)
from . import basic_api as jnp
from .dtypes import result_type as _result_type
from .linalg_decompositions import _inexact, _square, _square_inexact, _static_float, _symmetrize

__all__ = ["inv", "lstsq", "pinv", "solve", "tensorinv", "tensorsolve"]


def inv(a):
    """Matrix inverse over the last two axes, as ``numpy.linalg.inv``.

    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return _solve.inv_p.bind(_square_inexact(a))


def solve(a, b):
    """Solve ``a @ x = b``, as ``numpy.linalg.solve`` (``b`` a vector iff 1-D).

    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))
    array([1. , 0.5])
    """
    a, b = _inexact(a, b)
    a = _square(a)
    if _ndim_of(b) == 1:
        return jnp.squeeze(_solve.solve_p.bind(a, jnp.expand_dims(b, -1)), -1)
    return _solve.solve_p.bind(a, b)


def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    """Moore-Penrose pseudo-inverse, as ``numpy.linalg.pinv`` (scalar ``rcond``).

    >>> pinv(np.array([[2.0, 0.0], [0.0, 0.0]]))
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    a = _inexact(a)[0]
    if len(_shape_of(a)) < 2:
        raise LinAlgError(f"{len(_shape_of(a))}-dimensional array given. Array must be at "
                          "least two-dimensional")
    if rcond is not None and rtol is not None:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if rcond is None:
        rcond = rtol if rtol is not None else 1e-15
    if hermitian:  # invert the Hermitian part, as JAX does
        _lp.check_square(_shape_of(a))
        a = _symmetrize(a)
    return _solve.pinv_p.bind(a, rcond=_static_float(rcond, "rcond"), hermitian=bool(hermitian))


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` via the SVD, as ``numpy.linalg.lstsq``.

    Returns ``(x, residuals, rank, s)``; the residuals ``|b - a x|^2`` are always
    computed (shape ``(k,)``, ``(1,)`` for a vector ``b``), as in JAX.

    >>> x, res, rank, s = lstsq(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
    ...                         np.array([1.0, 1.0, 2.0]))
    >>> x, rank
    (array([1., 1.]), array(2, dtype=int32))
    """
    a, b = _asarray_like(a), _asarray_like(b)
    is_1d = _ndim_of(b) == 1
    if is_1d:
        b = jnp.expand_dims(b, -1)
    if _ndim_of(a) != 2 or _ndim_of(b) != 2:
        raise LinAlgError(f"{max(_ndim_of(a), _ndim_of(b))}-dimensional array given. Array must "
                          "be two-dimensional")
    m, n = _shape_of(a)
    if _shape_of(b)[0] != m:
        raise LinAlgError("Incompatible dimensions")
    a, b = _inexact(a, b)   # JAX: int32 gives float32 (NumPy's: float64, below)
    dt = _lp.linalg_dtype(_result_type(a), _result_type(b))
    if rcond is None:
        rcond = np.finfo(dt).eps * max(n, m)
    rcond = _static_float(rcond, "rcond")
    a, b = jnp.astype(a, dt), jnp.astype(b, dt)
    u, s, vt = _decompositions.svd_p.bind(a, full_matrices=False, compute_uv=True, hermitian=False)
    if min(m, n):
        cutoff = rcond * jnp.max(s)
        large = s > cutoff
        s_inv = jnp.where(large, 1 / jnp.where(large, s, 1), 0)
        rank = jnp.astype(jnp.sum(large), np.int32)
    else:
        s_inv, rank = s, np.asarray(0, np.int32)
    uhb = jnp.matmul(_lp._H(u), b) * jnp.expand_dims(jnp.astype(s_inv, dt), -1)
    x = jnp.matmul(_lp._H(vt), uhb)
    r = b - jnp.matmul(a, x)
    resid = jnp.sum(jnp.real(r * jnp.conjugate(r)) if dt.kind == "c" else r * r, axis=0)
    if is_1d:
        x = jnp.squeeze(x, -1)
    return x, resid, rank, s


def tensorinv(a, ind=2):
    """Inverse of a tensor under ``tensordot(..., ind)``, as ``numpy.linalg.tensorinv``.

    >>> tensorinv(np.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    a = _asarray_like(a)
    old = _shape_of(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    inv_shape = old[ind:] + old[:ind]
    prod = int(np.prod(old[ind:], dtype=np.int64))
    return jnp.reshape(inv(jnp.reshape(a, (prod, -1))), inv_shape)


def tensorsolve(a, b, axes=None):
    """Solve ``tensordot(a, x, x.ndim) = b``, as ``numpy.linalg.tensorsolve``.

    >>> tensorsolve(np.eye(6).reshape(2, 3, 6), np.ones((2, 3))).shape
    (6,)
    """
    a, b = _asarray_like(a), _asarray_like(b)
    an = _ndim_of(a)
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = jnp.transpose(a, allaxes)
    old = _shape_of(a)[-(an - _ndim_of(b)):]
    prod = int(np.prod(old, dtype=np.int64))
    if int(np.prod(_shape_of(a), dtype=np.int64)) != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) "
                          "== prod(a.shape[:b.ndim])")
    return jnp.reshape(solve(jnp.reshape(a, (prod, prod)), jnp.ravel(b)), old)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
