"""Linear-algebra primitives that solve, invert and take determinants (NumPy's
"Solving equations and inverting matrices" and the determinants of "Norms and
other numbers"): ``inv``, ``solve``, ``pinv``, ``det``, ``slogdet``.  Their
shared rules (dtype, batching, JVP helpers) are in ``linalg.py``.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..core import ShapedArray
from ..autodiff import is_undefined
from .elementwise import _unbroadcast
from ..jnp import basic_api as jnp
from .linalg import (_declare, _H, _hermitian_from, _mT, _mtrace, _square_abstract, _tangent,
                     check_square, linalg_dtype, nan_for_nonfinite, note_failure, real_dtype)

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
        note_failure()
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
        note_failure()
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise
    n = a.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=linalg_dtype(a.dtype)), a.shape)
    return _solve_stack(a, eye)


# -------------------------------------------------------------------------- inv

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

# ------------------------------------------------------------------------- pinv


def _pinv_abstract(a, *, rcond, hermitian):
    if len(a.shape) < 2:
        raise np.linalg.LinAlgError(f"{len(a.shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    return ShapedArray(a.shape[:-2] + (a.shape[-1], a.shape[-2]), linalg_dtype(a.dtype))


pinv_p = _declare("pinv", nan_for_nonfinite(lambda a, *, rcond, hermitian: np.linalg.pinv(
    a, rcond=rcond, hermitian=hermitian)), _pinv_abstract, (2,))


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
