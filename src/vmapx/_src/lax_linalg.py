"""``vmapx.lax.linalg``: JAX's ``lax.linalg`` signatures and output conventions
(``eigh`` returns ``(v, w)``, ``eig`` a list chosen by its flags, ``lu`` the
packed factors with pivots and permutation, ``triangular_solve`` with its
side/transpose/conjugate/unit-diagonal flags, ``tridiagonal_solve``), built on
the linear-algebra primitives (``prims/linalg*.py``, ``prims/lu.py``) and
``vmapx.numpy.linalg``, so all of them batch and differentiate.

``triangular_solve`` masks the unused triangle (and the diagonal when it is
unit) and solves with the general ``solve`` primitive: the same result, and
cotangents reach only the triangle that is read.  ``tridiagonal_solve``
assembles the dense matrix from its three diagonals and solves likewise
(``O(m^3)``; fine for the sizes vmapx targets).  ``eig``'s left eigenvectors
are the columns of ``inv(vr)^H``, each scaled to unit norm with its largest
component real (LAPACK's normalisation).
"""
from __future__ import annotations

import operator

import numpy as np

from .core import Tracer, get_aval
from .jnp.base import asarray_like
from .prims.lu import lu_p, lu_pivots_to_permutation_p
from . import numpy_api as jnp
from .jnp import linalg as _linalg

__all__ = ["cholesky", "cholesky_update", "eigh", "eig", "householder_product", "lu",
           "lu_pivots_to_permutation", "qr", "svd", "triangular_solve", "tridiagonal_solve"]


def _out(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def cholesky(x, *, symmetrize_input: bool = True):
    """The lower Cholesky factor ``L`` of a Hermitian positive-definite ``x``
    (``x = L @ L^H``).

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 0.],
           [1., 2.]])
    """
    return _out(_linalg.cholesky(asarray_like(x), symmetrize_input=symmetrize_input))


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True,
         sort_eigenvalues: bool = True, subset_by_index=None):
    """Eigenvectors and eigenvalues ``(v, w)`` of a Hermitian ``x`` (ascending
    ``w``), read from its lower (or upper) triangle; ``subset_by_index=(lo, hi)``
    keeps eigenpairs ``lo`` to ``hi - 1``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> v, w = linalg.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> w
    array([1., 3.])
    """
    w, v = _linalg.eigh(asarray_like(x), UPLO="L" if lower else "U",
                              symmetrize_input=symmetrize_input)
    if subset_by_index is not None:
        lo, hi = (operator.index(i) for i in subset_by_index)
        w, v = w[..., lo:hi], v[..., lo:hi]
    return _out(v), _out(w)


def _unit_columns_largest_real(v):
    big = jnp.argmax(jnp.abs(v), axis=-2, keepdims=True)
    lead = jnp.take_along_axis(v, big, axis=-2)
    phase = jnp.conj(lead) / jnp.abs(lead)
    v = v * phase
    return v / _linalg.norm(v, axis=-2, keepdims=True)


def eig(x, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
        **_ignored):
    """Eigenvalues of a general square ``x``, then its left eigenvectors
    (``vl^H x = w vl^H``) and right eigenvectors (``x vr = w vr``) as the flags
    ask, as a list (complex dtypes).

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> w, = linalg.eig(np.diag([2.0, 1.0]), compute_left_eigenvectors=False,
    ...                 compute_right_eigenvectors=False)
    >>> w
    array([2.+0.j, 1.+0.j])
    """
    w, vr = _linalg.eig(asarray_like(x))
    out = [_out(w)]
    if compute_left_eigenvectors:
        vl = jnp.conj(jnp.swapaxes(_linalg.inv(vr), -1, -2))
        out.append(_out(_unit_columns_largest_real(vl)))
    if compute_right_eigenvectors:
        out.append(_out(vr))
    return out


def lu(x):
    """LU decomposition with partial pivoting: ``(lu, pivots, permutation)`` with
    ``lu`` packing the unit lower ``L`` (below the diagonal) and ``U``, such that
    ``x[..., permutation, :] == L @ U``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> lu, pivots, perm = linalg.lu(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> lu
    array([[3.        , 4.        ],
           [0.33333333, 0.66666667]])
    >>> pivots, perm
    (array([1, 1], dtype=int32), array([1, 0], dtype=int32))
    """
    lu_, pivots, perm = lu_p.bind(asarray_like(x))
    return _out(lu_), _out(pivots), _out(perm)


def lu_pivots_to_permutation(pivots, permutation_size):
    """The row permutation that LAPACK-style ``pivots`` (row ``i`` swapped with
    row ``pivots[i]``, in order) make of ``range(permutation_size)``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.lu_pivots_to_permutation(np.array([2, 2, 2], np.int32), 4)
    array([2, 0, 1, 3], dtype=int32)
    """
    p = asarray_like(pivots)
    size = operator.index(permutation_size)
    lu_pivots_to_permutation_p.abstract(get_aval(p), permutation_size=size)
    return _out(lu_pivots_to_permutation_p.bind(p, permutation_size=size))


def qr(x, *, pivoting: bool = False, full_matrices: bool = True, use_magma=None):
    """QR decomposition ``(q, r)``: complete (``q`` square) unless
    ``full_matrices=False``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> q, r = linalg.qr(np.ones((3, 2)), full_matrices=False)
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    if pivoting:
        raise NotImplementedError("lax.linalg.qr(pivoting=True) is not supported by vmapx")
    q, r = _linalg.qr(asarray_like(x), mode="complete" if full_matrices else "reduced")
    return _out(q), _out(r)


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True, subset_by_index=None,
        algorithm=None):
    """Singular value decomposition: ``(u, s, vh)`` with descending ``s``, or
    ``s`` alone when ``compute_uv=False``; ``subset_by_index=(lo, hi)`` keeps
    singular values ``lo`` to ``hi - 1``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.svd(np.diag([1.0, 3.0]), compute_uv=False)
    array([3., 1.])
    """
    x = asarray_like(x)
    if not compute_uv:
        s = _linalg.svd(x, compute_uv=False)
        if subset_by_index is not None:
            lo, hi = (operator.index(i) for i in subset_by_index)
            s = s[..., lo:hi]
        return _out(s)
    u, s, vh = _linalg.svd(x, full_matrices=full_matrices)
    if subset_by_index is not None:
        lo, hi = (operator.index(i) for i in subset_by_index)
        u, s, vh = u[..., lo:hi], s[..., lo:hi], vh[..., lo:hi, :]
    return _out(u), _out(s), _out(vh)


def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False,
                     transpose_a: bool = False, conjugate_a: bool = False,
                     unit_diagonal: bool = False):
    """Solve ``op(a) @ x = b`` (``left_side=True``) or ``x @ op(a) = b`` for a
    triangular ``a`` (only its ``lower`` or upper triangle is read; a unit
    diagonal is assumed with ``unit_diagonal``), ``op`` transposing and/or
    conjugating ``a`` as the flags say.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> a = np.array([[2.0, 0.0], [1.0, 4.0]])
    >>> linalg.triangular_solve(a, np.array([[2.0], [9.0]]), left_side=True, lower=True)
    array([[1.],
           [2.]])
    """
    a, b = asarray_like(a), asarray_like(b)
    m = get_aval(a).shape[-1]
    t = jnp.tril(a) if lower else jnp.triu(a)
    if unit_diagonal:
        eye = jnp.eye(m, dtype=get_aval(a).dtype)
        t = t * (1 - eye) + eye
    if conjugate_a:
        t = jnp.conj(t)
    if transpose_a:
        t = jnp.swapaxes(t, -1, -2)
    if left_side:
        return _out(_linalg.solve(t, b))
    # x @ t = b  <=>  t^T @ x^T = b^T
    xt = _linalg.solve(jnp.swapaxes(t, -1, -2), jnp.swapaxes(b, -1, -2))
    return _out(jnp.swapaxes(xt, -1, -2))


def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    """Solve ``A @ x = b`` for a tridiagonal ``A`` given by its diagonals:
    ``d`` the main one, ``dl[i] = A[i, i - 1]`` (``dl[0]`` unused) and
    ``du[i] = A[i, i + 1]`` (``du[-1]`` unused); ``b`` is ``(..., m, n)``.

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.tridiagonal_solve(np.array([0.0, 1.0, 1.0]), np.array([2.0, 2.0, 2.0]),
    ...                          np.array([1.0, 1.0, 0.0]), np.array([[3.0], [4.0], [3.0]]))
    array([[1.],
           [1.],
           [1.]])
    """
    dl, d, du, b = (asarray_like(v) for v in (dl, d, du, b))
    m = get_aval(d).shape[-1]
    dt = get_aval(d).dtype
    matrix = (d[..., :, None] * jnp.eye(m, dtype=dt)
              + dl[..., :, None] * jnp.eye(m, k=-1, dtype=dt)
              + du[..., :, None] * jnp.eye(m, k=1, dtype=dt))
    return _out(_linalg.solve(matrix, b))


def cholesky_update(r_matrix, w_vector):
    """The upper Cholesky factor of ``R^H R + w w^H`` given the upper factor
    ``R`` (a rank-one update; here refactored, which gives the same unique
    factor).

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.cholesky_update(np.eye(2), np.array([0.0, np.sqrt(3.0)]))
    array([[1., 0.],
           [0., 2.]])
    """
    r, w = asarray_like(r_matrix), asarray_like(w_vector)
    rr = jnp.triu(r)
    gram = jnp.matmul(jnp.conj(jnp.swapaxes(rr, -1, -2)), rr) \
        + w[..., :, None] * jnp.conj(w[..., None, :])
    return _out(_linalg.cholesky(gram, upper=True))


def householder_product(a, taus):
    """The first ``n`` columns of ``Q = H_1 ... H_k`` for the Householder
    reflectors ``H_i = I - taus[i] v_i v_i^H`` stored LAPACK-style below the
    diagonal of ``a`` (``(..., m, n)``; ``v_i`` has a 1 at ``i``, zeros above).

    >>> import numpy as np
    >>> from vmapx.lax import linalg
    >>> linalg.householder_product(np.array([[0.0], [1.0]]), np.array([1.0]))
    array([[ 0.],
           [-1.]])
    """
    a, taus = asarray_like(a), asarray_like(taus)
    m, n = get_aval(a).shape[-2:]
    k = get_aval(taus).shape[-1]
    dt = get_aval(a).dtype
    rows = np.arange(m)
    q = jnp.broadcast_to(jnp.eye(m, dtype=dt), tuple(get_aval(a).shape[:-2]) + (m, m))
    for i in range(k):  # the reflectors (static count), each a whole-stack update
        below = jnp.where(rows > i, a[..., :, i], 0)
        v = jnp.where(rows == i, jnp.ones((), dt), below)
        qv = jnp.matmul(q, v[..., :, None])
        q = q - taus[..., i, None, None] * qv * jnp.conj(v[..., None, :])
    return _out(q[..., :, :n])
