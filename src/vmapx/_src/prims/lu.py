"""LU decomposition with partial pivoting, as ``lax.linalg.lu`` returns it, and
``lu_pivots_to_permutation``.

``lu(a)`` (``(..., m, n)``) gives the packed factors (unit lower ``L`` below the
diagonal, ``U`` on and above it), the LAPACK-style pivots (row ``i`` was
swapped with row ``pivots[i]``, int32) and the resulting row permutation
(int32): ``a[..., perm, :] == L @ U``.  The impl is LAPACK's ``getrf``
through SciPy (``lu_factor`` takes a whole stack, so a vmap batch is one call),
the factorization JAX's CPU backend computes.

The JVP (square matrices) follows from ``P A = L U``: with
``F = L^-1 P dA U^-1``, ``dL = L tril(F, -1)`` and ``dU = triu(F) U``.
"""
from __future__ import annotations

import numpy as np

from ..core import ShapedArray
from ..jnp import basic_api as jnp, linalg
from ..jnp.matrices import tril, triu
from .linalg import _declare, linalg_dtype


def _lu(a):
    """``[lu, pivots, permutation]`` by LAPACK's getrf (SciPy's ``lu_factor``,
    which takes stacks of matrices): the pivots JAX's CPU backend computes."""
    from scipy.linalg import lu_factor  # SciPy is imported on first use
    a = np.asarray(a, linalg_dtype(np.asarray(a).dtype))
    *lead, m, n = a.shape
    lead = tuple(lead)
    if a.size == 0:
        return [a.copy(), np.zeros(lead + (min(m, n),), np.int32),
                np.broadcast_to(np.arange(m, dtype=np.int32), lead + (m,)).copy()]
    lu, piv = lu_factor(a, check_finite=False)
    piv = np.asarray(piv, np.int32)
    return [np.asarray(lu, a.dtype), piv, _pivots_to_permutation(piv, permutation_size=m)]


def _lu_abstract(a):
    if len(a.shape) < 2:
        raise ValueError(f"Argument to LU decomposition must have ndims >= 2, got shape "
                         f"{a.shape}")
    *lead, m, n = a.shape
    return [ShapedArray(a.shape, linalg_dtype(a.dtype)),
            ShapedArray(tuple(lead) + (min(m, n),), np.dtype(np.int32)),
            ShapedArray(tuple(lead) + (m,), np.dtype(np.int32))]


lu_p = _declare("lu", _lu, _lu_abstract, (2,), multiple_results=True)


def _lu_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    lu, pivots, perm = lu_p.bind(a)
    if da is None:
        return [lu, pivots, perm], [None, None, None]
    m, n = a.shape[-2:]
    if m != n:
        raise NotImplementedError("the derivative of lax.linalg.lu is implemented for square "
                                  "matrices only")
    eye = jnp.eye(m, dtype=lu.dtype)
    lower = tril(lu, -1) + eye
    upper = triu(lu)
    pda = jnp.take_along_axis(da, perm[..., :, None], axis=-2)
    left = linalg.solve(lower, pda)  # L^-1 P dA
    f = jnp.swapaxes(linalg.solve(jnp.swapaxes(upper, -1, -2),
                                      jnp.swapaxes(left, -1, -2)), -1, -2)  # ... U^-1
    dlu = jnp.matmul(lower, tril(f, -1)) + jnp.matmul(triu(f), upper)
    return [lu, pivots, perm], [dlu, None, None]


lu_p.jvp = _lu_jvp


def _pivots_to_permutation(pivots, *, permutation_size):
    pivots = np.asarray(pivots)
    *lead, k = pivots.shape
    perm = np.broadcast_to(np.arange(permutation_size, dtype=np.int32),
                           tuple(lead) + (permutation_size,)).copy()
    flat = perm.reshape((-1, permutation_size))
    fpiv = pivots.reshape((-1, k))
    rows = np.arange(flat.shape[0])
    for j in range(k):
        p = fpiv[:, j]
        a, b = flat[rows, j].copy(), flat[rows, p].copy()
        flat[rows, j], flat[rows, p] = b, a
    return flat.reshape(perm.shape)


def _pivots_abstract(p, *, permutation_size):
    if p.dtype.kind not in "iu":
        raise TypeError(f"pivots must have an integer dtype, got {p.dtype.name}")
    if not p.shape or p.shape[-1] > permutation_size:
        raise ValueError(f"Output permutation size {permutation_size} has to exceed the "
                         f"trailing dimension of the pivots. Got pivots size {p.shape}")
    return ShapedArray(tuple(p.shape[:-1]) + (permutation_size,), np.dtype(np.int32))


lu_pivots_to_permutation_p = _declare("lu_pivots_to_permutation", _pivots_to_permutation,
                                      _pivots_abstract, (1,))


def _pivots_jvp(primals, tangents, **params):
    return lu_pivots_to_permutation_p.bind(*primals, **params), None


lu_pivots_to_permutation_p.jvp = _pivots_jvp
