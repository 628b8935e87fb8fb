"""``vmapx.scipy.linalg``: JAX's ``jax.scipy.linalg`` on vmapx's primitives.

Everything is composed from the linear-algebra primitives (``solve``,
``cholesky``, ``qr``, ``svd``, ``eigh``, ``inv``, ``det``, and ``lu``, which
wraps LAPACK's getrf through SciPy), so it is batched under ``vmap`` and
differentiable in both modes, with leading batch axes accepted as in JAX.

* Triangular solves (``solve_triangular``, ``cho_solve``, ``lu_solve``) run
  as a general solve on the triangle (the other entries are masked out, so no
  derivative reaches them): O(n^3) rather than LAPACK's O(n^2) per right-hand
  side, with the values of a triangular solve up to rounding.
* ``cho_factor`` returns zeros in the unused triangle, as JAX does (SciPy
  leaves whatever was there).
* ``expm`` is the [13/13] Padé approximant with scaling and squaring (Higham
  2005); when ``A`` is traced the number of squarings is data-dependent, so
  ``max_squarings`` of them are applied under a mask, as in JAX.
* ``eigh`` with ``b`` (the generalized problem) raises NotImplementedError, as
  in JAX.  ``sqrtm`` is not provided (it needs a Schur decomposition).

>>> import numpy as np, vmapx
>>> from vmapx.scipy import linalg
>>> a = np.array([[4.0, 2.0], [2.0, 3.0]])
>>> linalg.cho_solve(linalg.cho_factor(a), np.array([2.0, 1.0]))
array([0.5, 0. ])
>>> vmapx.vmap(linalg.det)(np.stack([a, 2 * a]))
array([ 8., 32.])
"""
from __future__ import annotations

import numpy as np

from .._src import inputs
from .. import lax, numpy as jnp
from .._src.core import Tracer, finish_output
from .._src.jnp.array import wrap_namespace as _wrap_namespace
from .._src.prims.lu import lu_p

__all__ = ["block_diag", "cho_factor", "cho_solve", "det", "eigh", "expm", "inv", "lu",
           "lu_factor", "lu_solve", "qr", "solve", "solve_triangular", "svd"]


def _inexact(x):
    x = jnp.asarray(x)
    return x if inputs.is_inexact(x.dtype) else jnp.astype(x, np.float64)


def _mT(x):
    return jnp.swapaxes(x, -1, -2)


def _H(x):
    x = _mT(x)
    return jnp.conjugate(x) if x.dtype.kind == "c" else x


def _as_matrix_rhs(b, a_ndim):
    """``b`` with a trailing column axis when it is a vector (one per matrix)."""
    vector = jnp.ndim(b) == a_ndim - 1
    return (jnp.expand_dims(b, -1) if vector else b), vector


def _trans_code(trans):
    codes = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}
    if trans not in codes:
        raise ValueError(f"Invalid 'trans' value {trans!r}: must be 0, 1, 2, 'N', 'T' or 'C'")
    return codes[trans]


def _triangle(a, lower, unit_diagonal):
    """The ``lower`` (else upper) triangle of ``a``; ones on the diagonal if
    ``unit_diagonal``.  Only these entries take part (and get derivatives)."""
    t = jnp.tril(a) if lower else jnp.triu(a)
    if unit_diagonal:
        n = a.shape[-1]
        eye = np.eye(n, dtype=bool)
        t = jnp.where(eye, jnp.ones((), a.dtype), t)
    return t


def _solve_tri(t, b, trans):
    """``op(t) x = b`` for the already-masked triangle ``t``; ``b`` a matrix."""
    if trans == 1:
        t = _mT(t)
    elif trans == 2:
        t = _H(t)
    return jnp.linalg.solve(t, b)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     debug=None, check_finite=True):
    """Solve ``op(a) x = b`` for triangular ``a`` (``op`` from ``trans``: 0/'N'
    as is, 1/'T' transposed, 2/'C' conjugate-transposed).

    Only the ``lower`` (default upper) triangle of ``a`` is read.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.solve_triangular(np.array([[2.0, 9.0], [1.0, 4.0]]), np.array([4.0, 8.0]),
    ...                         lower=True)
    array([2. , 1.5])
    """
    a, b = _inexact(a), _inexact(b)
    t = _triangle(a, lower, unit_diagonal)
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(a))
    x = _solve_tri(t, rhs, _trans_code(trans))
    return jnp.squeeze(x, -1) if vector else x


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)``: the Cholesky factor of the Hermitian positive-definite ``a``
    (lower or upper), zeros elsewhere, for ``cho_solve``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.cho_factor(np.array([[4.0, 2.0], [2.0, 3.0]]))
    (array([[2.        , 1.        ],
           [0.        , 1.41421356]]), False)
    """
    a = _inexact(a)
    return jnp.linalg.cholesky(a, upper=not lower), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve ``a x = b`` from ``cho_factor(a)``'s ``(c, lower)``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> a = np.array([[4.0, 2.0], [2.0, 3.0]])
    >>> linalg.cho_solve(linalg.cho_factor(a, lower=True), np.array([[2.0], [1.0]]))
    array([[0.5],
           [0. ]])
    """
    c, lower = c_and_lower
    c, b = _inexact(c), _inexact(b)
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(c))
    t = _triangle(c, lower, False)
    if lower:  # a = L L^H
        x = _solve_tri(t, _solve_tri(t, rhs, 0), 2)
    else:      # a = U^H U
        x = _solve_tri(t, _solve_tri(t, rhs, 2), 0)
    return jnp.squeeze(x, -1) if vector else x


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``(lu, piv)``: LAPACK's LU factorization with partial pivoting (``L`` unit
    lower and ``U`` upper packed in ``lu``; row ``i`` was swapped with ``piv[i]``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> lu, piv = linalg.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> lu, piv
    (array([[3.        , 4.        ],
           [0.33333333, 0.66666667]]), array([1, 1], dtype=int32))
    """
    lu_, piv, _ = lu_p.bind(_inexact(a))
    return finish_output(lu_), finish_output(piv)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True):
    """``(p, l, u)`` with ``a = p @ l @ u`` (``p`` a permutation matrix, ``l``
    unit lower, ``u`` upper); ``(p @ l, u)`` when ``permute_l``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> p, l, u = linalg.lu(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> p
    array([[0., 1.],
           [1., 0.]])
    >>> bool(np.allclose(p @ l @ u, [[1.0, 2.0], [3.0, 4.0]]))
    True
    """
    a = _inexact(a)
    packed, _, perm = lu_p.bind(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    l_ = jnp.tril(packed[..., :, :k], -1) + np.eye(m, k, dtype=packed.dtype)
    u_ = jnp.triu(packed[..., :k, :])
    # a[perm] = L U, so a = P L U with P[perm[i], i] = 1.
    p = jnp.astype(jnp.equal(jnp.expand_dims(perm, -1), np.arange(m)), packed.dtype)
    p = _mT(p)
    p, l_, u_ = (finish_output(x) for x in (p, l_, u_))
    if permute_l:
        return finish_output(jnp.matmul(p, l_)), u_
    return p, l_, u_


def _permutation_from_pivots(piv, m):
    """The row order ``perm`` (``a[perm] = L U``) from LAPACK's sequential swaps."""
    piv = jnp.asarray(piv)
    lead = tuple(piv.shape[:-1])
    rows = np.arange(m)
    perm = jnp.broadcast_to(jnp.arange(m, dtype=np.int32), lead + (m,))
    for i in range(piv.shape[-1]):
        j = jnp.expand_dims(piv[..., i], -1)
        at_i = perm[..., i:i + 1]
        at_j = jnp.take_along_axis(perm, j, axis=-1)
        perm = jnp.where(rows == i, at_j, jnp.where(rows == j, at_i, perm))
    return perm


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """Solve ``op(a) x = b`` from ``lu_factor(a)`` (``trans``: 0 ``a``, 1 ``a.T``,
    2 ``a.conj().T``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> a = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> linalg.lu_solve(linalg.lu_factor(a), np.array([5.0, 6.0]))
    array([-4. ,  4.5])
    """
    packed, piv = lu_and_piv
    packed, b = _inexact(packed), _inexact(b)
    m = packed.shape[-1]
    trans = _trans_code(trans)
    perm = _permutation_from_pivots(piv, m)
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(packed))
    lower = _triangle(packed, True, True)
    upper = _triangle(packed, False, False)
    if trans == 0:   # L U x = b[perm]
        permuted = jnp.take_along_axis(rhs, jnp.expand_dims(perm, -1), axis=-2)
        x = _solve_tri(upper, _solve_tri(lower, permuted, 0), 0)
    else:            # op(U) op(L) y = b, then x[perm] = y
        y = _solve_tri(lower, _solve_tri(upper, rhs, trans), trans)
        inverse = jnp.argsort(perm, axis=-1)
        x = jnp.take_along_axis(y, jnp.expand_dims(inverse, -1), axis=-2)
    return jnp.squeeze(x, -1) if vector else x


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """QR decomposition, with SciPy's ``mode``: ``'full'`` (``(q, r)``, ``q``
    square), ``'economic'`` (``(q, r)``, reduced), ``'r'`` (``(r,)``, full ``r``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> q, r = linalg.qr(np.array([[3.0, 1.0], [4.0, 2.0], [0.0, 1.0]]), mode="economic")
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    if pivoting:
        raise NotImplementedError("The pivoting=True case of qr is not implemented.")
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = jnp.linalg.qr(_inexact(a), mode="reduced" if mode == "economic" else "complete")
    return (r,) if mode == "r" else (q, r)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    """Singular value decomposition ``(u, s, vh)`` (``s`` only, without ``compute_uv``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.svd(np.array([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False)
    array([3., 2.])
    """
    if lapack_driver not in ("gesdd", "gesvd"):
        raise ValueError(f"Unsupported lapack_driver '{lapack_driver}'")
    return jnp.linalg.svd(_inexact(a), full_matrices=full_matrices, compute_uv=compute_uv)


def eigh(a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         turbo=True, eigvals=None, type=1, check_finite=True):  # noqa: A002 (SciPy's name)
    """Eigenvalues (ascending) and eigenvectors of the Hermitian ``a``, from its
    ``lower`` (else upper) triangle; the eigenvalues only with ``eigvals_only``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]), eigvals_only=True)
    array([1., 3.])
    """
    if b is not None:
        raise NotImplementedError("Only the b=None case of eigh is implemented")
    if type != 1:
        raise NotImplementedError("Only the type=1 case of eigh is implemented.")
    if eigvals is not None:
        raise NotImplementedError("Only the eigvals=None case of eigh is implemented.")
    uplo = "L" if lower else "U"
    a = _inexact(a)
    if eigvals_only:
        return jnp.linalg.eigvalsh(a, UPLO=uplo)
    w, v = jnp.linalg.eigh(a, UPLO=uplo)
    return w, v


def inv(a, overwrite_a=False, check_finite=True):
    """The inverse of a square matrix.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return jnp.linalg.inv(_inexact(a))


def det(a, overwrite_a=False, check_finite=True):
    """The determinant of a square matrix.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> float(linalg.det(np.array([[1.0, 2.0], [3.0, 4.0]])))
    -2.0000000000000004
    """
    return jnp.linalg.det(_inexact(a))


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, debug=False,
          check_finite=True, assume_a="gen"):
    """Solve ``a x = b``; ``assume_a='pos'`` uses a Cholesky factorization (from
    the ``lower`` or upper triangle), ``'gen'``, ``'sym'`` and ``'her'`` a general
    solve.  ``b`` may be a vector or a matrix.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.solve(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([9.0, 8.0]))
    array([2., 3.])
    """
    valid = {"gen", "sym", "her", "pos", "general", "symmetric", "hermitian",
             "positive definite"}
    if assume_a not in valid:
        raise ValueError(f"Expected assume_a to be one of {sorted(valid)}; got {assume_a!r}")
    a, b = _inexact(a), _inexact(b)
    if assume_a in ("pos", "positive definite"):
        return cho_solve(cho_factor(a, lower=lower), b)
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(a))
    x = jnp.linalg.solve(a, rhs)
    return jnp.squeeze(x, -1) if vector else x


def block_diag(*arrs):
    """A block-diagonal matrix of the given blocks (scalars and vectors are
    ``1 x 1`` and ``1 x n`` blocks).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.block_diag(np.ones((1, 2)), 3.0)
    array([[1., 1., 0.],
           [0., 0., 3.]])
    """
    if not arrs:
        return finish_output(np.zeros((1, 0)))
    blocks = [jnp.atleast_2d(a) for a in arrs]
    if any(jnp.ndim(b) != 2 for b in blocks):
        raise ValueError("Arguments to jax.scipy.linalg.block_diag must have at most 2 "
                         "dimensions")
    dtype = jnp.result_type(*blocks)
    total = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        width = b.shape[1]
        rows.append(jnp.pad(jnp.astype(b, dtype), ((0, 0), (start, total - start - width))))
        start += width
    return jnp.concatenate(rows, axis=0)


# Higham (2005): the [13/13] Padé coefficients and the largest 1-norm it handles.
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _pade13(a):
    b = _PADE13
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    a2 = jnp.matmul(a, a)
    a4 = jnp.matmul(a2, a2)
    a6 = jnp.matmul(a4, a2)
    u = jnp.matmul(a, jnp.matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
                   + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = (jnp.matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2)
         + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye)
    return jnp.linalg.solve(v - u, v + u)


def expm(A, *, upper_triangular=False, max_squarings=16):
    """The matrix exponential (Padé approximant with scaling and squaring).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.expm(np.array([[0.0, 1.0], [0.0, 0.0]]))
    array([[1., 1.],
           [0., 1.]])
    """
    a = _inexact(A)
    if jnp.ndim(a) < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"expected A to be a (batched) square matrix, got A.shape={a.shape}")
    norm = jnp.max(jnp.sum(jnp.abs(a), axis=-2), axis=-1)   # the 1-norm
    with np.errstate(divide="ignore"):
        needed = jnp.ceil(jnp.log2(norm / _THETA13))
    squarings = jnp.clip(jnp.where(jnp.isfinite(needed), needed, 0), 0, max_squarings)
    scale = jnp.exp2(-jnp.astype(squarings, a.real.dtype if a.dtype.kind == "c" else a.dtype))
    r = _pade13(a * jnp.expand_dims(jnp.expand_dims(scale, -1), -1))
    if not isinstance(squarings, Tracer):
        for _ in range(int(np.max(squarings, initial=0))):
            # Matrices that need fewer squarings keep their value.
            r = jnp.where(jnp.expand_dims(squarings > _, (-1, -2)), jnp.matmul(r, r), r)
        return finish_output(r) if not isinstance(r, Tracer) else r

    def square(i, r):
        return jnp.where(jnp.expand_dims(squarings > i, (-1, -2)), jnp.matmul(r, r), r)
    return lax.fori_loop(0, max_squarings, square, r)



_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
