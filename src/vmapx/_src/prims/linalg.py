"""Linear-algebra primitives: inv, solve, det, slogdet, cholesky, qr, eigh,
eigvalsh, eig, eigvals, svd, pinv.

Each wraps one ``numpy.linalg`` routine.  Those routines already loop over any
leading (stacked) axes in compiled code, so every batching rule is the same:
move the batch axis to the front, where it is one more stacked axis, and bind
the same primitive (``stacked_batch``).  Operands are matrices in their last
two axes (``solve``'s right-hand side is always a matrix here; the numpy layer
adds and removes the axis of a vector).

JVP rules are the standard matrix-calculus ones, written with ``vmapx.numpy``
functions so that they compose with every other transform (so this module sits
above the basic numpy sections, as JAX's ``lax.linalg`` uses ``jax.numpy``; see
docs/layers.md).  Routines that read
only one triangle of their input (``cholesky``, ``eigh``, ``eigvalsh``, ``svd``
and ``pinv`` with ``hermitian=True``) differentiate the Hermitian matrix they
actually see: the tangent is mirrored from the same triangle.
"""
from __future__ import annotations

import warnings
import numpy as np

from ..core import Primitive, ShapedArray, ndim_of
from ..autodiff import is_undefined
from ..batching import bdim_to_front
from .elementwise import _unbroadcast
from ..jnp import basic_api as jnp
from ..jnp.matrices import tril, triu
from .shapes import reshape_p

# ------------------------------------------------------------------ dtype rules


def linalg_dtype(*dtypes) -> np.dtype:
    """The dtype ``numpy.linalg`` computes in: integers and bools give float64.

    >>> linalg_dtype(np.dtype(np.int32)), linalg_dtype(np.dtype(np.float32))
    (dtype('float64'), dtype('float32'))
    """
    dt = np.result_type(*dtypes)
    if dt.kind in "biu":
        return np.dtype(np.float64)
    if dt not in (np.float32, np.float64, np.complex64, np.complex128):
        raise TypeError(f"array type {dt} is unsupported in linalg")
    return dt


def real_dtype(dt) -> np.dtype:
    return np.finfo(dt).dtype


def check_square(shape):
    """NumPy's errors for operands that are not (stacks of) square matrices.

    >>> check_square((2, 3, 3))
    """
    if len(shape) < 2:
        raise np.linalg.LinAlgError(f"{len(shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    if shape[-1] != shape[-2]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")


# --------------------------------------------------------------- batching rule


def stacked_batch(prim, core_ranks):
    """Batching rule for a routine that loops over leading axes.

    ``core_ranks[i]`` is the number of trailing (core) axes of operand ``i``.
    Mapped operands get their batch axis first and unit axes after it so that
    every operand has the same number of leading axes; unmapped operands have
    no more leading axes than that, so NumPy's right-aligned broadcasting never
    reaches the batch axis.
    """
    def rule(axis, vals, dims, **params):
        lead = max(ndim_of(v) - (d is not None) - k
                   for v, d, k in zip(vals, dims, core_ranks, strict=True))
        new = []
        for v, d, k in zip(vals, dims, core_ranks, strict=True):
            if d is not None:
                v = bdim_to_front(v, d)
                missing = lead - (ndim_of(v) - 1 - k)
                if missing:
                    s = v.shape
                    v = reshape_p.bind(v, new_sizes=(s[0],) + (1,) * missing + tuple(s[1:]))
            new.append(v)
        out = prim.bind(*new, **params)
        if prim.multiple_results:
            return out, [0] * len(out)
        return out, 0
    return rule


def _declare(name, impl, abstract, core_ranks, *, multiple_results=False):
    prim = Primitive(name, impl, abstract=abstract, multiple_results=multiple_results)
    prim.batch = stacked_batch(prim, core_ranks)
    return prim


# ---------------------------------------------------------- helpers for JVPs
# They run with the parent trace current, on values that may be tracers of
# outer traces, so they use vmapx.numpy (hence primitives) only.


def _H(x):
    x = jnp.swapaxes(x, -1, -2)
    return jnp.conjugate(x) if x.dtype.kind == "c" else x


def _mT(x):
    return jnp.swapaxes(x, -1, -2)


def _eye_like(n, dtype, ndim):
    return np.eye(n, dtype=dtype).reshape((1,) * (ndim - 2) + (n, n))


def _tangent(t, like):
    """A symbolic-zero tangent made concrete, in the dtype of ``like``."""
    if t is None:
        return np.zeros(like.shape, like.dtype)
    return jnp.astype(t, like.dtype) if t.dtype != like.dtype else t


def _hermitian_from(t, lower: bool):
    """The Hermitian matrix whose ``lower`` (else upper) triangle is that of ``t``."""
    if lower:
        return tril(t) + _H(tril(t, -1))
    return triu(t) + _H(triu(t, 1))


def _mtrace(x):
    return jnp.trace(x, axis1=-2, axis2=-1)


# -------------------------------------------------------------------------- inv


def _square_abstract(a, **params):
    check_square(a.shape)
    return ShapedArray(a.shape, linalg_dtype(a.dtype))


# ------------------------------------------------ one bad example, not the batch
# NumPy raises LinAlgError for a whole stack when one matrix is singular (inv,
# solve) or not positive definite (cholesky).  JAX returns, for that matrix
# only, what its LU or Cholesky factorization yields: inf/NaN from the zero
# pivot, or NaN in the factor's triangle.  The stacked NumPy call runs first
# (no cost for well-posed stacks); only when it raises are the failing
# matrices found and computed one by one.


def _lu_solve_each(a, b):
    """``solve(a[i], b[i])`` for a few (singular) matrices by LU with partial
    pivoting and no singularity check, as JAX computes it (inf/NaN from the zero
    pivot)."""
    import scipy.linalg   # optional at import time: only this fallback needs it
    out = np.empty(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:],
                   np.result_type(a.dtype, b.dtype))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        for i in range(len(a)):
            lu = scipy.linalg.lu_factor(a[i], check_finite=False)
            out[i] = scipy.linalg.lu_solve(lu, b[i], check_finite=False)
    return out


def _solve_stack(a, b):
    """``np.linalg.solve`` of stacks ``a (..., n, n)``, ``b (..., n, k)``; singular
    matrices give JAX's inf/NaN for their example instead of raising."""
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise
    n, k = a.shape[-1], b.shape[-1]
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    flat_a = np.broadcast_to(a, lead + (n, n)).reshape(-1, n, n)
    flat_b = np.broadcast_to(b, lead + (n, k)).reshape(-1, n, k)
    dt = linalg_dtype(a.dtype, b.dtype)
    out = np.empty(flat_b.shape, dt)
    with np.errstate(all="ignore"):
        bad = np.linalg.det(flat_a) == 0     # a zero pivot of LAPACK's LU
    good = ~bad
    if good.any():
        out[good] = np.linalg.solve(flat_a[good], flat_b[good])
    out[bad] = _lu_solve_each(flat_a[bad].astype(dt), flat_b[bad].astype(dt))
    return out.reshape(lead + (n, k))


def _inv_stack(a):
    """``np.linalg.inv`` of a stack; singular matrices give JAX's inf/NaN."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise
    n = a.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=linalg_dtype(a.dtype)), a.shape)
    return _solve_stack(a, eye)


def _cholesky_stack(a, *, upper):
    """``np.linalg.cholesky`` of a stack; a matrix that is not positive definite
    gives JAX's result for it: NaN in the factor's triangle, zeros elsewhere."""
    try:
        return np.linalg.cholesky(a, upper=upper)
    except np.linalg.LinAlgError:
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


inv_p = _declare("inv", _inv_stack, _square_abstract, (2,))


def _inv_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    out = inv_p.bind(a)
    if da is None:
        return out, None
    return out, jnp.negative(jnp.matmul(jnp.matmul(out, _tangent(da, out)), out))


inv_p.jvp = _inv_jvp

# ------------------------------------------------------------------------ solve


def _solve_abstract(a, b):
    check_square(a.shape)
    if len(b.shape) < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve: Input operand 1 has a mismatch in its core dimension 0, "
                         f"with gufunc signature (m,m),(m,n)->(m,n) (size {b.shape[-2:-1]} is "
                         f"different from {a.shape[-1]})")
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return ShapedArray(lead + b.shape[-2:], linalg_dtype(a.dtype, b.dtype))


solve_p = _declare("solve", _solve_stack, _solve_abstract, (2, 2))


def _solve_jvp(primals, tangents):
    (a, b), (da, db) = primals, tangents
    x = solve_p.bind(a, b)
    if da is None and db is None:
        return x, None
    rhs = None if db is None else _tangent(db, x)
    if da is not None:
        t = jnp.negative(jnp.matmul(_tangent(da, x), x))
        rhs = t if rhs is None else rhs + t
    if jnp.shape(rhs) != jnp.shape(x):
        rhs = jnp.broadcast_to(rhs, jnp.shape(x))
    return x, solve_p.bind(a, rhs)


def _solve_transpose(ct, a, b):
    """Linear in ``b`` only: ``b``'s cotangent is ``solve(A^T, ct)``, summed over the
    leading axes ``b`` was broadcast along."""
    if is_undefined(a):
        raise NotImplementedError("solve is linear in its right-hand side only")
    if ct is None:
        return [None, None]
    return [None, _unbroadcast(solve_p.bind(_mT(a), ct), b.aval.shape)]


solve_p.jvp = _solve_jvp
solve_p.transpose = _solve_transpose

# ---------------------------------------------------------------- det, slogdet


def _det_abstract(a):
    check_square(a.shape)
    return ShapedArray(a.shape[:-2], linalg_dtype(a.dtype))


det_p = _declare("det", lambda a: np.linalg.det(a), _det_abstract, (2,))


def _det_jvp(primals, tangents):
    """d det(A) = det(A) tr(A^-1 dA) (nonsingular A)."""
    (a,), (da,) = primals, tangents
    d = det_p.bind(a)
    if da is None:
        return d, None
    return d, d * _mtrace(solve_p.bind(a, _tangent(da, d)))


det_p.jvp = _det_jvp


def _slogdet_abstract(a):
    check_square(a.shape)
    dt = linalg_dtype(a.dtype)
    return [ShapedArray(a.shape[:-2], dt), ShapedArray(a.shape[:-2], real_dtype(dt))]


slogdet_p = _declare("slogdet", lambda a: list(np.linalg.slogdet(a)), _slogdet_abstract, (2,),
                     multiple_results=True)


def _slogdet_jvp(primals, tangents):
    """d log|det A| = Re tr(A^-1 dA); the sign (a phase) moves by i Im tr(A^-1 dA)."""
    (a,), (da,) = primals, tangents
    sign, logabs = slogdet_p.bind(a)
    if da is None:
        return [sign, logabs], [None, None]
    dt = linalg_dtype(a.dtype)
    tr = _mtrace(solve_p.bind(a, _tangent(da, np.zeros((), dt))))
    if dt.kind != "c":
        return [sign, logabs], [None, tr]
    return [sign, logabs], [sign * 1j * jnp.imag(tr), jnp.real(tr)]


slogdet_p.jvp = _slogdet_jvp

# --------------------------------------------------------------------- cholesky

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

# ---------------------------------------------------------------- eigh, eigvalsh


def _eigh_abstract(a, *, UPLO):
    check_square(a.shape)
    dt = linalg_dtype(a.dtype)
    return [ShapedArray(a.shape[:-1], real_dtype(dt)), ShapedArray(a.shape, dt)]


eigh_p = _declare("eigh", lambda a, *, UPLO: list(np.linalg.eigh(a, UPLO=UPLO)),
                  _eigh_abstract, (2,), multiple_results=True)


def _eigh_tangents(a, da, w, v, lower):
    da = _hermitian_from(_tangent(da, v), lower)
    vdv = jnp.matmul(jnp.matmul(_H(v), da), v)
    return jnp.real(jnp.diagonal(vdv, 0, -2, -1)), vdv


def _eigh_jvp(primals, tangents, *, UPLO):
    """dw = diag(V^H dA V); dV = V (F o V^H dA V), F_ij = 1 / (w_j - w_i) off the diagonal."""
    (a,), (da,) = primals, tangents
    w, v = eigh_p.bind(a, UPLO=UPLO)
    if da is None:
        return [w, v], [None, None]
    dw, vdv = _eigh_tangents(a, da, w, v, UPLO == "L")
    n = a.shape[-1]
    eye = _eye_like(n, v.dtype, v.ndim)
    wc = jnp.astype(w, v.dtype)
    f = jnp.reciprocal(eye + jnp.expand_dims(wc, -2) - jnp.expand_dims(wc, -1)) - eye
    return [w, v], [dw, jnp.matmul(v, f * vdv)]


eigh_p.jvp = _eigh_jvp


def _eigvalsh_abstract(a, *, UPLO):
    check_square(a.shape)
    return ShapedArray(a.shape[:-1], real_dtype(linalg_dtype(a.dtype)))


eigvalsh_p = _declare("eigvalsh", lambda a, *, UPLO: np.linalg.eigvalsh(a, UPLO=UPLO),
                      _eigvalsh_abstract, (2,))


def _eigvalsh_jvp(primals, tangents, *, UPLO):
    (a,), (da,) = primals, tangents
    if da is None:
        return eigvalsh_p.bind(a, UPLO=UPLO), None
    w, v = eigh_p.bind(a, UPLO=UPLO)
    dw, _ = _eigh_tangents(a, da, w, v, UPLO == "L")
    return w, dw


eigvalsh_p.jvp = _eigvalsh_jvp

# ------------------------------------------------------------------ eig, eigvals
# Results are always complex (NumPy returns real ones when every eigenvalue
# happens to be real: a dtype that would depend on the data).


def _complex_dtype(dt):
    return np.result_type(dt, np.complex64)


def _eig_abstract(a):
    check_square(a.shape)
    dt = _complex_dtype(linalg_dtype(a.dtype))
    return [ShapedArray(a.shape[:-1], dt), ShapedArray(a.shape, dt)]


def _eig(a):
    w, v = np.linalg.eig(a)
    dt = _complex_dtype(w.dtype)
    return [w.astype(dt, copy=False), v.astype(dt, copy=False)]


eig_p = _declare("eig", _eig, _eig_abstract, (2,), multiple_results=True)


def _eig_jvp(primals, tangents):
    """dw = diag(V^-1 dA V); dV = V (F o V^-1 dA V) (F as for ``eigh``), then moved
    into LAPACK's gauge: every eigenvector keeps unit norm and a real largest entry."""
    (a,), (da,) = primals, tangents
    w, v = eig_p.bind(a)
    if da is None:
        return [w, v], [None, None]
    vinv_da_v = jnp.matmul(solve_p.bind(v, _tangent(da, v)), v)
    dw = jnp.diagonal(vinv_da_v, 0, -2, -1)
    eye = _eye_like(a.shape[-1], v.dtype, v.ndim)
    f = jnp.reciprocal(eye + jnp.expand_dims(w, -2) - jnp.expand_dims(w, -1)) - eye
    dv = jnp.matmul(v, f * vinv_da_v)
    norm_fix = -jnp.real(jnp.sum(jnp.conjugate(v) * dv, axis=-2, keepdims=True))
    big = jnp.expand_dims(jnp.argmax(jnp.abs(v), axis=-2), -2)
    v_big = jnp.take_along_axis(v, big, axis=-2, mode="clip")
    dv_big = jnp.take_along_axis(dv, big, axis=-2, mode="clip")
    phase_fix = -jnp.imag(dv_big) / jnp.real(v_big)
    return [w, v], [dw, dv + v * (norm_fix + 1j * phase_fix)]


eig_p.jvp = _eig_jvp


def _eigvals_abstract(a):
    check_square(a.shape)
    return ShapedArray(a.shape[:-1], _complex_dtype(linalg_dtype(a.dtype)))


def _eigvals(a):
    w = np.linalg.eigvals(a)
    return w.astype(_complex_dtype(w.dtype), copy=False)


eigvals_p = _declare("eigvals", _eigvals, _eigvals_abstract, (2,))


def _eigvals_jvp(primals, tangents):
    """dw = diag(V^-1 dA V) (distinct eigenvalues)."""
    (a,), (da,) = primals, tangents
    if da is None:
        return eigvals_p.bind(a), None
    w, v = eig_p.bind(a)
    vinv_da_v = jnp.matmul(solve_p.bind(v, _tangent(da, v)), v)
    return w, jnp.diagonal(vinv_da_v, 0, -2, -1)


eigvals_p.jvp = _eigvals_jvp

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

# ------------------------------------------------------------------------- pinv


def _pinv_abstract(a, *, rcond, hermitian):
    if len(a.shape) < 2:
        raise np.linalg.LinAlgError(f"{len(a.shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    return ShapedArray(a.shape[:-2] + (a.shape[-1], a.shape[-2]), linalg_dtype(a.dtype))


pinv_p = _declare("pinv", lambda a, *, rcond, hermitian: np.linalg.pinv(
    a, rcond=rcond, hermitian=hermitian), _pinv_abstract, (2,))


def _pinv_jvp(primals, tangents, *, rcond, hermitian):
    """Golub & Pereyra (1973), as in JAX."""
    (a,), (da,) = primals, tangents
    p = pinv_p.bind(a, rcond=rcond, hermitian=hermitian)
    if da is None:
        return p, None
    mm = jnp.matmul
    da = _tangent(da, p)
    if hermitian:
        a = _hermitian_from(a, lower=True)
        da = _hermitian_from(da, lower=True)
    m, n = a.shape[-2:]
    if m >= n:
        s = mm(mm(p, _H(p)), _H(da))
        t = mm(mm(_H(da), _H(p)), p)
        dp = -mm(mm(p, da), p) + s - mm(mm(s, a), p) + t - mm(mm(p, a), t)
    else:
        s = mm(p, mm(_H(p), _H(da)))
        t = mm(_H(da), mm(_H(p), p))
        dp = -mm(p, mm(da, p)) + s - mm(s, mm(a, p)) + t - mm(p, mm(a, t))
    return p, dp


pinv_p.jvp = _pinv_jvp

# ------------------------------------------------------------------------ lu



LINALG = (inv_p, solve_p, det_p, slogdet_p, cholesky_p, qr_p, eigh_p, eigvalsh_p, eig_p,
          eigvals_p, svd_p, pinv_p)
