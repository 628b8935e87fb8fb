"""Linear-algebra primitives for eigenvalues (NumPy's "Matrix eigenvalues"):
``eigh``, ``eigvalsh``, ``eig``, ``eigvals``.  Their shared rules (dtype,
batching, JVP helpers) are in ``linalg.py``; their JVPs solve with
``linalg_solve.solve_p``.
"""
from __future__ import annotations

import numpy as np

from ..core import ShapedArray
from ..jnp import basic_api as jnp
from .linalg import (_declare, _eye_like, _H, _hermitian_from, _tangent, check_square,
                     linalg_dtype, nan_for_nonfinite, real_dtype)
from .linalg_solve import solve_p

# ---------------------------------------------------------------- eigh, eigvalsh


def _eigh_abstract(a, *, UPLO):
    check_square(a.shape)
    dt = linalg_dtype(a.dtype)
    return [ShapedArray(a.shape[:-1], real_dtype(dt)), ShapedArray(a.shape, dt)]


# A matrix holding NaN or inf gives NaN for itself alone (NumPy: "Eigenvalues
# did not converge" for the whole stack)
eigh_p = _declare("eigh", nan_for_nonfinite(lambda a, *, UPLO: list(np.linalg.eigh(a, UPLO=UPLO))),
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


eigvalsh_p = _declare("eigvalsh",
                      nan_for_nonfinite(lambda a, *, UPLO: np.linalg.eigvalsh(a, UPLO=UPLO)),
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


@nan_for_nonfinite
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


@nan_for_nonfinite
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
