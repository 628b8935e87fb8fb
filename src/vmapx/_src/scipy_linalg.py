"""``jax.scipy.linalg``'s factorizations and solves on vmapx's linear-algebra
primitives: ``cholesky``, ``cho_factor`` / ``cho_solve``, ``lu`` /
``lu_factor`` / ``lu_solve``, ``qr`` / ``qr_multiply``, ``svd``, ``eigh``,
``eigh_tridiagonal``, ``polar``, ``inv``, ``det``, ``solve``,
``solve_triangular`` and ``block_diag``.  The public ``vmapx.scipy.linalg``
re-exports them (with the special matrices of ``scipy_linalg_matrices``, the
Schur-based functions of ``scipy_linalg_schur`` and ``expm`` of
``scipy_linalg_expm``).

Everything is composed from the primitives (``solve``, ``cholesky``, ``qr``,
``svd``, ``eigh``, ``inv``, ``det``, and ``lu``, LAPACK's getrf through
SciPy), so it batches under ``vmap``, differentiates in both modes and runs
under ``jit``, with leading batch axes accepted as in JAX.

* Triangular solves (``solve_triangular``, ``cho_solve``, ``lu_solve``) run
  as a general solve on the triangle (the other entries are masked out, so no
  derivative reaches them): O(n^3) rather than LAPACK's O(n^2) per right-hand
  side, with the values of a triangular solve up to rounding.
* ``cholesky`` and ``cho_factor`` read one triangle (as SciPy and JAX: no
  symmetrization) and return zeros in the other; their derivative is JAX's,
  with the whole perturbation (a custom JVP).
* ``polar`` computes both of JAX's methods from the SVD (for ``'qdwh'`` the
  iteration JAX runs converges to the same factors), so it is differentiable
  in both modes (JAX's ``'qdwh'`` is forward-mode only).
* ``qr(pivoting=True)``: the column order comes from LAPACK's geqp3 (SciPy)
  through the primitive ``qr_pivots`` (int32, no derivative; the impl loops
  over stacked matrices for that LAPACK call only), and ``q, r`` are the QR of
  the permuted columns, which is what geqp3 computes (the same Householder
  steps): so the pivoted factors differentiate like ``qr``'s, as in JAX.
* ``solve(assume_a='pos')`` solves with the Cholesky factor of one triangle
  and has JAX's derivative (``dx = a^-1 (db - da x)`` with the whole ``da``,
  by a custom JVP reusing the factor), as JAX's ``custom_linear_solve`` gives.
* ``eigh_tridiagonal`` assembles the dense symmetric matrix and takes its
  eigenvalues (and eigenvectors) with ``eigvalsh`` / ``eigh`` (O(n^3), where
  JAX bisects and runs inverse iteration): the same eigenvalues up to
  rounding, eigenvectors up to sign, and differentiable.
"""
from __future__ import annotations

import functools

import numpy as np

from . import numpy_api as jnp
from .core import ShapedArray, finish_output
from .custom_jvp import custom_jvp
from .jnp import linalg as _linalg
from .jnp.base import promote_args_inexact
from .prims.linalg import _declare, linalg_dtype
from .prims.lu import lu_p

__all__ = ["block_diag", "cho_factor", "cho_solve", "cholesky", "det", "eigh",
           "eigh_tridiagonal", "inv", "lu", "lu_factor", "lu_solve", "polar", "qr",
           "qr_multiply", "solve", "solve_triangular", "svd"]


def _inexact(x):
    """``x`` as an array of an inexact dtype (JAX's x64 rule: int32 and bool
    give float32, int64 float64)."""
    return _promote_inexact(x)[0]


def _promote_inexact(*xs):
    """The arrays in their common inexact dtype (JAX's ``promote_args_inexact``)."""
    return promote_args_inexact(*[jnp.asarray(x) for x in xs])


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
    if not isinstance(trans, (int, str)) or trans not in codes:
        raise ValueError(f"Invalid 'trans' value {trans}")
    return codes[trans]


def _triangle(a, lower, unit_diagonal):
    """The ``lower`` (else upper) triangle of ``a``; ones on the diagonal if
    ``unit_diagonal``.  Only these entries take part (and get derivatives)."""
    t = jnp.tril(a) if lower else jnp.triu(a)
    if unit_diagonal:
        eye = np.eye(a.shape[-1], dtype=bool)
        t = jnp.where(eye, jnp.ones((), a.dtype), t)
    return t


def _solve_tri(t, b, trans):
    """``op(t) x = b`` for the already-masked triangle ``t``; ``b`` a matrix."""
    if trans == 1:
        t = _mT(t)
    elif trans == 2:
        t = _H(t)
    return _linalg.solve(t, b)


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
    code = _trans_code(trans)
    a, b = _promote_inexact(a, b)
    t = _triangle(a, lower, unit_diagonal)
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(a))
    x = _solve_tri(t, rhs, code)
    return jnp.squeeze(x, -1) if vector else x


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of the Hermitian positive-definite ``a``: upper ``u``
    with ``a = u^H u`` (SciPy's default), or lower ``l`` with ``a = l l^H``.
    Only that triangle of ``a`` is read.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 1.],
           [0., 2.]])
    """
    return _cholesky(_inexact(a), bool(lower))


@functools.partial(custom_jvp, nondiff_argnums=(1,))
def _cholesky(a, lower):
    return _linalg.cholesky(a, upper=not lower, symmetrize_input=False)


@_cholesky.defjvp
def _cholesky_jvp(lower, primals, tangents):
    """JAX's rule, with the whole tangent (the primitive's own rule mirrors the
    tangent from the triangle it reads): for ``a = L L^H``,
    ``dL = L phi(L^-1 da L^-H)``, ``phi`` the lower triangle with half the
    diagonal; the upper factor is that of ``a^H``."""
    (a,), (da,) = primals, tangents
    factor = _cholesky(a, lower)
    low, d = (factor, da) if lower else (_H(factor), _H(da))
    inner = _H(_linalg.solve(low, _H(_linalg.solve(low, d))))     # L^-1 d L^-H
    phi = jnp.tril(inner, -1) + 0.5 * jnp.tril(jnp.triu(inner))
    d_low = jnp.matmul(low, phi)
    return factor, d_low if lower else _H(d_low)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)``: the Cholesky factor of the Hermitian positive-definite ``a``
    (lower or upper), zeros elsewhere, for ``cho_solve``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.cho_factor(np.array([[4.0, 2.0], [2.0, 3.0]]))
    (array([[2.        , 1.        ],
           [0.        , 1.41421356]]), False)
    """
    return cholesky(a, lower=lower), lower


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
    c, b = _promote_inexact(c, b)
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
    p = _mT(jnp.astype(jnp.equal(jnp.expand_dims(perm, -1), np.arange(m)), packed.dtype))
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
    trans = _trans_code(trans)
    packed, b = _promote_inexact(packed, b)
    m = packed.shape[-1]
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


def _qr_pivots_impl(a):
    import scipy.linalg  # SciPy is a runtime dependency, imported on first use
    *lead, m, n = a.shape
    flat = np.asarray(a, linalg_dtype(a.dtype)).reshape((-1, m, n))
    perms = [scipy.linalg.qr(x, mode="r", pivoting=True, check_finite=False)[1]
             for x in flat] if m and n else [np.arange(n)] * len(flat)
    return np.asarray(perms, np.int32).reshape(tuple(lead) + (n,))


def _qr_pivots_abstract(a):
    if len(a.shape) < 2:
        raise ValueError(f"qr requires a (batched) matrix, got shape {a.shape}")
    linalg_dtype(a.dtype)
    return ShapedArray(tuple(a.shape[:-2]) + (a.shape[-1],), np.dtype(np.int32))


qr_pivots_p = _declare("qr_pivots", _qr_pivots_impl, _qr_pivots_abstract, (2,))
qr_pivots_p.jvp = lambda primals, tangents: (qr_pivots_p.bind(*primals), None)


def _pivoted(a):
    """``(a[..., :, p], p)``: the columns in geqp3's order, and that order."""
    perm = qr_pivots_p.bind(a)
    return jnp.take_along_axis(a, jnp.expand_dims(perm, -2), axis=-1), finish_output(perm)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """QR decomposition, with SciPy's ``mode``: ``'full'`` (``(q, r)``, ``q``
    square), ``'economic'`` (``(q, r)``, reduced), ``'r'`` (``(r,)``, full ``r``);
    with ``pivoting`` also the column order ``p`` (``a[:, p] = q @ r``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> q, r = linalg.qr(np.array([[3.0, 1.0], [4.0, 2.0], [0.0, 1.0]]), mode="economic")
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    >>> linalg.qr(np.array([[1.0, 3.0], [0.0, 4.0]]), mode="r", pivoting=True)[1]
    array([1, 0], dtype=int32)
    """
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    a = _inexact(a)
    if pivoting:
        a, perm = _pivoted(a)
    q, r = _linalg.qr(a, mode="reduced" if mode == "economic" else "complete")
    out = (r,) if mode == "r" else (q, r)
    return out + (perm,) if pivoting else out


def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False,
                overwrite_c=False):
    """``(q @ c, r)`` (``mode='left'``) or ``(c @ q, r)`` (``mode='right'``) for
    the economic QR decomposition ``a = q @ r`` (``conj(q)`` with ``conjugate``;
    with ``pivoting`` the column order ``p`` too, ``a[:, p] = q @ r``).  A vector
    ``c`` is a column (left) or a row (right), and the product is a vector.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> a = np.array([[3.0, 0.0], [4.0, 5.0]])
    >>> cq, r = linalg.qr_multiply(a, np.array([1.0, 0.0]))
    >>> cq, r
    (array([-0.6, -0.8]), array([[-5., -4.],
           [ 0.,  3.]]))
    """
    if mode not in ("right", "left"):
        raise ValueError(f"mode must be 'right' or 'left', got {mode!r}")
    a, c = _promote_inexact(a, c)
    vector = jnp.ndim(c) == 1
    if vector:
        c = c[:, None] if mode == "left" else c[None, :]
    m, n = a.shape[-2:]
    k = min(m, n)
    if mode == "left" and c.shape[-2] != k:
        raise ValueError(f"Array shapes are not compatible for Q @ c operation: a has shape "
                         f"{tuple(a.shape)} so Q has {k} columns, but c has {c.shape[-2]} rows "
                         f"(expected {k}).")
    if mode == "right" and c.shape[-1] != m:
        raise ValueError(f"Array shapes are not compatible for c @ Q operation: a has shape "
                         f"{tuple(a.shape)} so Q has {m} rows, but c has {c.shape[-1]} columns "
                         f"(expected {m}).")
    if pivoting:
        a, perm = _pivoted(a)
    q, r = _linalg.qr(a, mode="reduced")
    if conjugate:
        q = jnp.conjugate(q)
    cq = jnp.matmul(q, c) if mode == "left" else jnp.matmul(c, q)
    out = (jnp.ravel(cq) if vector else cq), r
    return out + (perm,) if pivoting else out


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    """Singular value decomposition ``(u, s, vh)`` (``s`` only, without ``compute_uv``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.svd(np.array([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False)
    array([3., 2.])
    """
    return _linalg.svd(_inexact(a), full_matrices=full_matrices, compute_uv=compute_uv)


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
        return _linalg.eigvalsh(a, UPLO=uplo)
    w, v = _linalg.eigh(a, UPLO=uplo)
    return w, v


def eigh_tridiagonal(d, e, *, eigvals_only=False, select="a", select_range=None, tol=None,
                     key=None):
    """Eigenvalues (ascending) of the real symmetric tridiagonal matrix with
    diagonal ``d`` and off-diagonal ``e``, and unless ``eigvals_only`` the unit
    eigenvectors (columns, each up to sign); ``select='i'`` keeps those of
    indices ``select_range[0]`` to ``select_range[1]`` (inclusive).  ``tol`` and
    ``key`` (JAX's bisection tolerance and inverse-iteration seed) are unused.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.eigh_tridiagonal(np.array([2.0, 2.0]), np.array([1.0]), eigvals_only=True)
    array([1., 3.])
    """
    d, e = jnp.asarray(d), jnp.asarray(e)
    if d.dtype != e.dtype:
        raise TypeError("diagonal and off-diagonal values must have same dtype, got "
                        f"{d.dtype} and {e.dtype}")
    if d.dtype not in (np.float32, np.float64):
        raise TypeError("Only float32 and float64 inputs are supported as inputs to "
                        f"jax.scipy.linalg.eigh_tridiagonal, got {d.dtype} and {e.dtype}")
    n = d.shape[-1]
    if e.shape[-1] != n - 1:
        raise ValueError(f"e must have length n - 1 = {n - 1}, got shape {e.shape}")
    if select == "a":
        lo, hi = 0, n - 1
    elif select == "i":
        if select_range is None:
            raise ValueError("for select='i', select_range must be specified.")
        lo, hi = (int(i) for i in select_range)
        if hi < lo:
            raise ValueError("Got empty index range in select_range.")
    elif select == "v":
        raise NotImplementedError("eigh_tridiagonal(..., select='v') is not implemented yet.")
    else:
        raise ValueError("'select must have a value in {'a', 'i', 'v'}.")
    off = jnp.expand_dims(e, -1) * np.eye(n - 1, n, 1, dtype=d.dtype)  # e on the superdiagonal
    upper = jnp.pad(off, [(0, 0)] * (off.ndim - 2) + [(0, 1), (0, 0)])
    dense = jnp.expand_dims(d, -1) * np.eye(n, dtype=d.dtype) + upper + _mT(upper)
    if eigvals_only:
        return _linalg.eigvalsh(dense)[..., lo:hi + 1]
    w, v = _linalg.eigh(dense)
    return w[..., lo:hi + 1], v[..., :, lo:hi + 1]


def inv(a, overwrite_a=False, check_finite=True):
    """The inverse of a square matrix.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return _linalg.inv(_inexact(a))


def det(a, overwrite_a=False, check_finite=True):
    """The determinant of a square matrix.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> float(linalg.det(np.array([[1.0, 2.0], [3.0, 4.0]])))
    -2.0000000000000004
    """
    return _linalg.det(_inexact(a))


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
    valid = ["gen", "sym", "her", "pos"]
    if assume_a not in valid:
        raise ValueError(f"Expected assume_a to be one of {valid}; got {assume_a!r}")
    a, b = _promote_inexact(a, b)
    if assume_a == "pos":
        return _solve_pos(a, b, bool(lower))
    rhs, vector = _as_matrix_rhs(b, jnp.ndim(a))
    x = _linalg.solve(a, rhs)
    return jnp.squeeze(x, -1) if vector else x


def _solve_pos_value(a, b, lower):
    factors = cho_factor(a, lower=lower)
    return cho_solve(factors, b), factors


@functools.partial(custom_jvp, nondiff_argnums=(2,))
def _solve_pos(a, b, lower):
    return _solve_pos_value(a, b, lower)[0]


@_solve_pos.defjvp
def _solve_pos_jvp(lower, primals, tangents):
    """``dx = a^-1 (db - da x)`` with the factor of the primal solve."""
    (a, b), (da, db) = primals, tangents
    x, factors = _solve_pos_value(a, b, lower)
    rhs, vector = _as_matrix_rhs(x, jnp.ndim(a))
    change = jnp.matmul(da, rhs)
    change = jnp.squeeze(change, -1) if vector else change
    return x, cho_solve(factors, db - change)


def polar(a, side="right", *, method="qdwh", eps=None, max_iterations=None):
    """The polar decomposition ``(u, p)``: ``a = u @ p`` (``side='right'``) or
    ``a = p @ u`` (``'left'``), ``u`` with orthonormal columns (or rows) and ``p``
    Hermitian positive semi-definite.  Both methods compute it from the SVD.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> u, p = linalg.polar(np.array([[0.0, 2.0], [-3.0, 0.0]]))
    >>> u
    array([[ 0.,  1.],
           [-1.,  0.]])
    >>> p
    array([[3., 0.],
           [0., 2.]])
    """
    a = _inexact(a)
    if jnp.ndim(a) < 2:
        raise ValueError("The input `a` must be at least a 2-D array.")
    if side not in ("right", "left"):
        raise ValueError("The argument `side` must be either 'right' or 'left'.")
    if method not in ("qdwh", "svd"):
        raise ValueError(f"Unknown polar decomposition method {method}.")
    m, n = a.shape[-2:]
    if method == "qdwh" and ((side == "right" and m < n) or (side == "left" and m > n)):
        raise NotImplementedError("method='qdwh' only supports mxn matrices where m < n where "
                                  f"side='right' and m >= n side='left', got {a.shape} with "
                                  f"side={side!r}")
    u, s, vh = _linalg.svd(a, full_matrices=False)
    s = jnp.astype(s, u.dtype) if s.dtype != u.dtype else s
    unitary = jnp.matmul(u, vh)
    if side == "right":
        posdef = jnp.matmul(_H(vh) * jnp.expand_dims(s, -2), vh)
    else:
        posdef = jnp.matmul(u * jnp.expand_dims(s, -2), _H(u))
    return unitary, posdef


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
    bad = [i for i, a in enumerate(arrs) if jnp.ndim(a) > 2]
    if bad:
        raise ValueError("Arguments to jax.scipy.linalg.block_diag must have at most 2 "
                         f"dimensions, got {arrs[bad[0]]} at argument {bad[0]}.")
    blocks = [jnp.atleast_2d(a) for a in arrs]
    dtype = jnp.result_type(*blocks)
    total = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        width = b.shape[1]
        rows.append(jnp.pad(jnp.astype(b, dtype), ((0, 0), (start, total - start - width))))
        start += width
    return jnp.concatenate(rows, axis=0)
