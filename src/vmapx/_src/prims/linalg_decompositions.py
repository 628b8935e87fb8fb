"""Linear-algebra primitives that factor a matrix (NumPy's "Decompositions"):
``cholesky``, ``qr``, ``svd``.  Their shared rules (dtype, batching, JVP
helpers) are in ``linalg.py``; their JVPs solve with ``linalg_solve.solve_p``.
"""
from __future__ import annotations

import numpy as np

from ..core import ShapedArray
from ..jnp import basic_api as jnp
from ..jnp.matrices import tril, triu
from .linalg import (_declare, _eye_like, _H, _hermitian_from, _mT, _square_abstract, _tangent,
                     check_square, linalg_dtype, nan_for_nonfinite, note_failure, real_dtype)
from .linalg_solve import solve_p

# ------------------------------------------------------------------- cholesky
# As for inv and solve (linalg_solve.py), a matrix of a stack that is not
# positive definite gives JAX's result for that matrix alone instead of
# NumPy's LinAlgError for the whole stack.


def _cholesky_stack(a, *, upper):
    """``np.linalg.cholesky`` of a stack; a matrix that is not positive definite
    gives JAX's result for it: NaN in the factor's triangle, zeros elsewhere."""
    try:
        return np.linalg.cholesky(a, upper=upper)
    except np.linalg.LinAlgError:
        note_failure()
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    dt = linalg_dtype(a.dtype)
    out = np.empty(flat.shape, dt)
    nans = np.full((n, n), np.nan + 1j * np.nan if dt.kind == "c" else np.nan, dt)
    failed = np.triu(nans) if upper else np.tril(nans)
    for i in range(len(flat)):
        try:
            out[i] = np.linalg.cholesky(flat[i], upper=upper)
        except np.linalg.LinAlgError:
            out[i] = failed
    return out.reshape(a.shape)


cholesky_p = _declare("cholesky", _cholesky_stack, _square_abstract, (2,))


def _cholesky_jvp(primals, tangents, *, upper):
    """dL = L Phi(L^-1 dA L^-H), Phi = lower triangle with half the diagonal."""
    (a,), (da,) = primals, tangents
    c = cholesky_p.bind(a, upper=upper)
    if da is None:
        return c, None
    da = _hermitian_from(_tangent(da, c), lower=not upper)
    low = _H(c) if upper else c
    tmp = solve_p.bind(low, da)                    # L^-1 dA
    x = _H(solve_p.bind(low, _H(tmp)))             # L^-1 dA L^-H
    phi = tril(x, -1) + 0.5 * tril(triu(x))
    dl = jnp.matmul(low, phi)
    return c, _H(dl) if upper else dl


cholesky_p.jvp = _cholesky_jvp

# --------------------------------------------------------------------------- qr


def _qr_abstract(a, *, mode):
    if len(a.shape) < 2:
        raise np.linalg.LinAlgError(f"{len(a.shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    m, n = a.shape[-2:]
    k = min(m, n) if mode == "reduced" else m
    dt = linalg_dtype(a.dtype)
    lead = a.shape[:-2]
    return [ShapedArray(lead + (m, k), dt), ShapedArray(lead + (k, n), dt)]


qr_p = _declare("qr", lambda a, *, mode: list(np.linalg.qr(a, mode=mode)), _qr_abstract, (2,),
                multiple_results=True)


def _qr_tangents(q, r, da):
    """dQ, dR of A = QR with R square (JAX's rule): with C = Q^H dA R^-1 and
    Omega its skew-Hermitian part built from the strict lower triangle,
    dQ = Q (Omega - C) + dA R^-1 and dR = (C - Omega) R."""
    n = r.shape[-1]
    dx_rinv = _mT(solve_p.bind(_mT(r), _mT(da)))   # dA R^-1
    qt_dx_rinv = jnp.matmul(_H(q), dx_rinv)
    low = tril(qt_dx_rinv, -1)
    do = low - _H(low)
    if q.dtype.kind == "c":
        eye = _eye_like(n, q.dtype, q.ndim)
        do = do + eye * (qt_dx_rinv - jnp.real(qt_dx_rinv))
    dq = jnp.matmul(q, do - qt_dx_rinv) + dx_rinv
    dr = jnp.matmul(qt_dx_rinv - do, r)
    return dq, dr


def _qr_jvp(primals, tangents, *, mode):
    (a,), (da,) = primals, tangents
    q, r = qr_p.bind(a, mode=mode)
    if da is None:
        return [q, r], [None, None]
    m, n = a.shape[-2:]
    da = _tangent(da, q)
    if m < n:  # A = [X Y] = Q [R1 R2]: X = Q R1 is square, and R2 = Q^H Y
        dq, dr1 = _qr_tangents(q, r[..., :m], da[..., :m])
        y, dy = a[..., m:], da[..., m:]
        dr2 = jnp.matmul(_H(dq), jnp.astype(y, q.dtype)) + jnp.matmul(_H(q), dy)
        return [q, r], [dq, jnp.concatenate([dr1, dr2], axis=-1)]
    if mode != "complete" or m == n:
        return [q, r], list(_qr_tangents(q, r, da))
    # Complete Q of a tall matrix: the extra columns are fixed by LAPACK's Householder
    # construction; their tangent follows Roberts & Roberts (arXiv:2409.13374, eqs.
    # 32-33), as in JAX.
    q_mn, q_mp = q[..., :, :n], q[..., :, n:]
    dq_mn, dr_nn = _qr_tangents(q_mn, r[..., :n, :], da)
    q_nn, q_pn = q_mn[..., :n, :], q_mn[..., n:, :]
    dq_nn, dq_pn = dq_mn[..., :n, :], dq_mn[..., n:, :]
    z_pn_h = solve_p.bind(_H(q_nn - _eye_like(n, q.dtype, q.ndim)), _H(q_pn))
    z_pn = _H(z_pn_h)
    dq_mp = (jnp.matmul(dq_mn, z_pn_h)
             - jnp.matmul(q_mn + jnp.matmul(q_mp, z_pn), _H(dq_pn - jnp.matmul(z_pn, dq_nn))))
    dr = jnp.concatenate([dr_nn, jnp.zeros(dr_nn.shape[:-2] + (m - n, n), dr_nn.dtype)], axis=-2)
    return [q, r], [jnp.concatenate([dq_mn, dq_mp], axis=-1), dr]


qr_p.jvp = _qr_jvp

# -------------------------------------------------------------------------- svd


def _svd_abstract(a, *, full_matrices, compute_uv, hermitian):
    if len(a.shape) < 2:
        raise np.linalg.LinAlgError(f"{len(a.shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    if hermitian:
        check_square(a.shape)
    m, n = a.shape[-2:]
    k = min(m, n)
    dt = linalg_dtype(a.dtype)
    lead = a.shape[:-2]
    s = ShapedArray(lead + (k,), real_dtype(dt))
    if not compute_uv:
        return [s]
    um, vn = (m, n) if full_matrices else (k, k)
    return [ShapedArray(lead + (m, um), dt), s, ShapedArray(lead + (vn, n), dt)]


@nan_for_nonfinite
def _svd(a, *, full_matrices, compute_uv, hermitian):
    if not compute_uv:
        return [np.linalg.svd(a, compute_uv=False, hermitian=hermitian)]
    return list(np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian))


svd_p = _declare("svd", _svd, _svd_abstract, (2,), multiple_results=True)


def _svd_jvp(primals, tangents, *, full_matrices, compute_uv, hermitian):
    """JAX's SVD JVP (distinct nonzero singular values; reduced matrices)."""
    (a,), (da,) = primals, tangents
    out = svd_p.bind(a, full_matrices=full_matrices, compute_uv=compute_uv, hermitian=hermitian)
    if da is None:
        return out, [None] * len(out)
    m, n = a.shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError("Singular value decomposition JVP not implemented for full "
                                  "matrices")
    u, s, vt = svd_p.bind(a, full_matrices=False, compute_uv=True, hermitian=hermitian)
    dt = u.dtype
    da = _tangent(da, u)
    if hermitian:
        da = _hermitian_from(da, lower=True)
    ut, v = _H(u), _H(vt)
    s_dim = jnp.expand_dims(s, -2)
    ds_mat = jnp.matmul(jnp.matmul(ut, da), v)
    ds = jnp.real(jnp.diagonal(ds_mat, 0, -2, -1))
    if not compute_uv:
        return out, [ds]
    k = s.shape[-1]
    s_diffs = (s_dim + _mT(s_dim)) * (s_dim - _mT(s_dim))
    eye = _eye_like(k, s.dtype, s_diffs.ndim)
    f = 1 / (s_diffs + eye) - eye
    s_dim_c = jnp.astype(s_dim, dt)
    dss = s_dim_c * ds_mat
    sds = _mT(s_dim_c) * ds_mat
    s_zeros = jnp.astype(s == 0, s.dtype)
    s_inv = 1 / (s + s_zeros) - s_zeros
    s_inv_mat = jnp.expand_dims(s_inv, -1) * _eye_like(k, s.dtype, s.ndim + 1)
    dudv_diag = 0.5 * (ds_mat - _H(ds_mat)) * jnp.astype(s_inv_mat, dt)
    fc = jnp.astype(f, dt)
    du = jnp.matmul(u, fc * (dss + _H(dss)) + dudv_diag)
    dv = jnp.matmul(v, fc * (sds + _H(sds)))
    if m > n:
        dav = jnp.matmul(da, v)
        du = du + (dav - jnp.matmul(u, jnp.matmul(ut, dav))) / s_dim_c
    if n > m:
        dahu = jnp.matmul(_H(da), u)
        dv = dv + (dahu - jnp.matmul(v, jnp.matmul(vt, dahu))) / s_dim_c
    return out, [du, ds, _H(dv)]


svd_p.jvp = _svd_jvp
