"""The Schur-based functions of ``jax.scipy.linalg``: ``schur``,
``hessenberg``, ``rsf2csf``, ``sqrtm``, ``funm`` and ``solve_sylvester``.

vmapx has no Schur or Hessenberg decomposition elsewhere, so this module
declares two primitives, ``schur`` (params ``output='real'|'complex'``; results
``[t, z]``) and ``hessenberg`` (results ``[h, q]``).  Their impls call SciPy's
LAPACK wrappers (``gees``, ``gehrd``/``orghr``), which take one matrix at a
time: the impl loops over the stacked (leading) axes for that LAPACK call
only.  Batching moves the vmap axis to the front, where it is one more stacked
axis (``prims.linalg.stacked_batch``), so a vmapped call is one bind.  As in
JAX they have no derivative rules (``schur`` and ``hessenberg`` are not
differentiable, nor is what is computed from them, except as below).

The rest is composed from vmapx.numpy, so it batches and runs under ``jit``:

* ``rsf2csf`` applies SciPy's Givens rotations, one per subdiagonal entry (a
  static loop; an entry that needs none gets the identity under a mask).
* ``sqrtm`` is the complex Schur method of Björck and Hammarling: ``A = Z T
  Z^H``, the upper-triangular square root ``U`` of ``T`` one superdiagonal at
  a time (the recurrence's sums are a superdiagonal of ``U @ U``), ``X = Z U
  Z^H``.  It has a custom JVP: ``dX`` solves ``X dX + dX X = dA``, a
  triangular Sylvester equation in the Schur basis ``Z`` already computed, so
  ``sqrtm`` differentiates in both modes (JAX's does not).
* ``funm`` is Parlett's recurrence on the complex Schur form, one
  superdiagonal at a time (each from ``T F - F T``).
* ``solve_sylvester`` is Bartels-Stewart: complex Schur forms of ``A`` and
  ``B``, a triangular Sylvester solve column by column, and NaNs where
  eigenvalues of ``A`` and ``-B`` are within ``tol``, as in JAX.
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .core import ShapedArray
from .custom_jvp import custom_jvp
from .jnp import linalg as _linalg
from .prims.linalg import _declare, check_square, linalg_dtype, nan_for_nonfinite
from .scipy_linalg import _H, _inexact

__all__ = ["funm", "hessenberg", "rsf2csf", "schur", "solve_sylvester", "sqrtm"]


def _complex_dtype(dtype):
    return np.result_type(dtype, np.complex64)


# ------------------------------------------------------------------ primitives


def _each_matrix(a, compute, n_out):
    """``compute`` (one matrix -> ``n_out`` matrices) over the leading axes of
    a non-empty ``a``: the loop is over the LAPACK call only."""
    flat = a.reshape((-1,) + a.shape[-2:])
    results = [compute(m) for m in flat]
    return [np.stack([r[i] for r in results]).reshape(a.shape) for i in range(n_out)]


@nan_for_nonfinite
def _schur_impl(a, *, output):
    import scipy.linalg  # SciPy is a runtime dependency, imported on first use
    dtype = linalg_dtype(a.dtype)
    out_dtype = _complex_dtype(dtype) if output == "complex" else dtype
    a = np.asarray(a, out_dtype)
    if a.size == 0:
        return [np.zeros(a.shape, out_dtype), np.zeros(a.shape, out_dtype)]
    t, z = _each_matrix(a, lambda m: scipy.linalg.schur(m, output=output, check_finite=False),
                        2)
    return [t.astype(out_dtype), z.astype(out_dtype)]


def _schur_abstract(a, *, output):
    check_square(a.shape)
    dtype = linalg_dtype(a.dtype)
    dtype = _complex_dtype(dtype) if output == "complex" else dtype
    return [ShapedArray(a.shape, dtype), ShapedArray(a.shape, dtype)]


schur_p = _declare("schur", _schur_impl, _schur_abstract, (2,), multiple_results=True)


def _hessenberg_impl(a):
    import scipy.linalg  # SciPy is a runtime dependency, imported on first use
    dtype = linalg_dtype(a.dtype)
    a = np.asarray(a, dtype)
    if a.size == 0:
        return [np.zeros(a.shape, dtype), np.zeros(a.shape, dtype)]
    h, q = _each_matrix(a, lambda m: scipy.linalg.hessenberg(m, calc_q=True,
                                                              check_finite=False), 2)
    return [h.astype(dtype), q.astype(dtype)]


def _hessenberg_abstract(a):
    check_square(a.shape)
    dtype = linalg_dtype(a.dtype)
    return [ShapedArray(a.shape, dtype), ShapedArray(a.shape, dtype)]


hessenberg_p = _declare("hessenberg", _hessenberg_impl, _hessenberg_abstract, (2,),
                        multiple_results=True)


# ------------------------------------------------------------ decompositions


def _square(a, what="schur"):
    """``a`` (inexact) with JAX's errors for what is not a (stack of) square
    matrices; ``what`` is ``'schur'`` or ``'hessenberg'``."""
    a = _inexact(a)
    if jnp.ndim(a) < 2 and what == "schur":
        raise TypeError(f"Input 0 to schur must have rank at least 2, but got shape={a.shape}")
    if jnp.ndim(a) < 2 or a.shape[-1] != a.shape[-2]:
        if what == "hessenberg":
            raise ValueError(f"Argument to Hessenberg reduction must have shape [..., n, n], "
                             f"got shape {a.shape}")
        raise ValueError(f"The input to schur must be a square matrix. Got shape {a.shape}.")
    return a


def schur(a, output="real"):
    """The Schur decomposition ``(t, z)``: ``a = z @ t @ z^H`` with ``z`` unitary
    and ``t`` upper triangular (``output='complex'``) or quasi-triangular with
    2x2 blocks for complex eigenvalue pairs (``'real'``, for real ``a``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> t, z = linalg.schur(np.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> t
    array([[1., 2.],
           [0., 3.]])
    """
    if output not in ("real", "complex"):
        raise ValueError(f"Expected 'output' to be either 'real' or 'complex', got "
                         f"output={output!r}.")
    t, z = schur_p.bind(_square(a), output=output)
    return t, z


def hessenberg(a, *, calc_q=False, overwrite_a=False, check_finite=True):
    """The Hessenberg form ``h`` of ``a`` (zero below the first subdiagonal), and
    with ``calc_q`` the unitary ``q`` with ``a = q @ h @ q^H``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> h = linalg.hessenberg(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 0.0]]))
    >>> bool(np.all(np.tril(h, -2) == 0))
    True
    """
    h, q = hessenberg_p.bind(_square(a, "hessenberg"))
    return (h, q) if calc_q else h


# ------------------------------------------------------------------- rsf2csf


def _rotate_rows(x, m, g):
    """Rows ``m - 1`` and ``m`` of ``x`` replaced by ``g @`` those rows."""
    pair = jnp.matmul(g, x[..., m - 1:m + 1, :])
    return jnp.concatenate([x[..., :m - 1, :], pair, x[..., m + 1:, :]], axis=-2)


def _rotate_cols(x, m, g):
    """Columns ``m - 1`` and ``m`` of ``x`` replaced by those columns ``@ g^H``."""
    pair = jnp.matmul(x[..., :, m - 1:m + 1], _H(g))
    return jnp.concatenate([x[..., :, :m - 1], pair, x[..., :, m + 1:]], axis=-1)


def _first_eigenvalue_shift(t, m, real_input):
    """``mu = lambda - t[m, m]`` for the eigenvalue ``lambda`` of the 2x2 block at
    ``m - 1`` that LAPACK lists first (positive imaginary part for a real block)."""
    a, b = t[..., m - 1, m - 1], t[..., m - 1, m]
    c, d = t[..., m, m - 1], t[..., m, m]
    half = (a - d) / 2
    if real_input:
        disc = jnp.real(half * half + b * c)
        root = jnp.where(disc >= 0, jnp.sqrt(jnp.abs(disc)) + 0j,
                         1j * jnp.sqrt(jnp.abs(disc)))
        root = jnp.astype(root, t.dtype)
    else:
        root = jnp.sqrt(half * half + b * c)
    return half + root


def rsf2csf(T, Z, check_finite=True):
    """Convert a real Schur form ``(T, Z)`` (from ``schur(a)``) to the complex
    Schur form (``T`` upper triangular), as SciPy's Givens rotations do.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> t, z = linalg.rsf2csf(*linalg.schur(np.array([[0.0, 1.0], [-1.0, 0.0]])))
    >>> np.round(np.diag(t).imag, 12)
    array([ 1., -1.])
    """
    t, z = jnp.asarray(T), jnp.asarray(Z)
    if t.ndim < 2 or t.shape[-1] != t.shape[-2]:
        raise ValueError("Input 'T' must be square.")
    if z.ndim < 2 or z.shape[-1] != z.shape[-2]:
        raise ValueError("Input 'Z' must be square.")
    if t.shape[-1] != z.shape[-1]:
        raise ValueError(f"Input array shapes must match: Z: {z.shape} vs. T: {t.shape}")
    real_input = t.dtype.kind != "c"
    dtype = _complex_dtype(np.result_type(linalg_dtype(t.dtype), linalg_dtype(z.dtype)))
    t, z = jnp.astype(t, dtype), jnp.astype(z, dtype)
    lead = np.broadcast_shapes(t.shape[:-2], z.shape[:-2])
    n = t.shape[-1]
    t, z = jnp.broadcast_to(t, lead + (n, n)), jnp.broadcast_to(z, lead + (n, n))
    eps = np.finfo(dtype).eps
    below = np.zeros((n, n), dtype=bool)
    for m in range(n - 1, 0, -1):
        sub = t[..., m, m - 1]
        rotate = jnp.abs(sub) > eps * (jnp.abs(t[..., m - 1, m - 1]) + jnp.abs(t[..., m, m]))
        mu = _first_eigenvalue_shift(t, m, real_input)
        r = jnp.astype(jnp.sqrt(jnp.abs(mu) ** 2 + jnp.abs(sub) ** 2), dtype)
        safe_r = jnp.where(rotate, r, jnp.ones((), dtype))
        c = jnp.where(rotate, mu / safe_r, jnp.ones((), dtype))
        s = jnp.where(rotate, sub / safe_r, jnp.zeros((), dtype))
        g = jnp.stack([jnp.stack([jnp.conjugate(c), s], -1), jnp.stack([-s, c], -1)], -2)
        t = _rotate_cols(_rotate_rows(t, m, g), m, g)
        z = _rotate_cols(z, m, g)
        below[m, m - 1] = True
    return jnp.where(below, jnp.zeros((), dtype), t), z


# --------------------------------------------------------------------- sqrtm


def _triangular_sylvester(r, s, f):
    """``Y`` with ``r Y + Y s = f`` for upper-triangular ``r`` (m x m) and ``s``
    (n x n), column by column: ``(r + s[k, k] I) y_k = f_k - Y[:, :k] s[:k, k]``."""
    m, n = f.shape[-2], f.shape[-1]
    eye = np.eye(m, dtype=bool)
    cols = []
    for k in range(n):
        rhs = f[..., :, k]
        if k:
            done = jnp.stack(cols, axis=-1)
            rhs = rhs - jnp.squeeze(jnp.matmul(done, s[..., :k, k:k + 1]), -1)
        shifted = jnp.where(eye, r + jnp.expand_dims(s[..., k:k + 1, k], -1), r)
        cols.append(jnp.squeeze(_linalg.solve(shifted, jnp.expand_dims(rhs, -1)), -1))
    return jnp.stack(cols, axis=-1)


def _superdiagonal_setter(n, p):
    """A function placing a vector (one entry per row ``i < n - p``) on the
    ``p``-th superdiagonal of an ``n x n`` matrix (zeros elsewhere)."""
    rows = np.arange(n)
    on_diagonal = rows[None, :] - rows[:, None] == p
    take = np.clip(rows, 0, n - p - 1)

    def place(values):
        return jnp.where(on_diagonal, jnp.expand_dims(values[..., take], -1), 0)
    return place


def _sqrt_upper_triangular(t):
    """The upper-triangular ``U`` with ``U @ U = t`` (principal square roots on
    the diagonal), one superdiagonal at a time: ``U[i, j] (U[i, i] + U[j, j]) =
    t[i, j] - s`` with ``s`` the sum over ``i < k < j`` of ``U[i, k] U[k, j]``,
    which is entry ``(i, j)`` of ``U @ U`` while ``U[i, j]`` is still zero.  An
    entry whose numerator is zero is zero (so repeated zero eigenvalues give
    zeros, not 0/0), as JAX does."""
    n = t.shape[-1]
    diag = jnp.sqrt(jnp.diagonal(t, axis1=-2, axis2=-1))
    u = jnp.expand_dims(diag, -1) * np.eye(n, dtype=t.dtype)
    for p in range(1, n):
        s = jnp.diagonal(jnp.matmul(u, u), offset=p, axis1=-2, axis2=-1)
        target = jnp.diagonal(t, offset=p, axis1=-2, axis2=-1)
        den = diag[..., :-p] + diag[..., p:]
        same = target == s
        value = jnp.where(same, 0, (target - s) / jnp.where(same, 1, den))
        u = u + _superdiagonal_setter(n, p)(value)
    return u


def _sqrtm_parts(a):
    t, z = schur_p.bind(a, output="complex")
    with np.errstate(divide="ignore", invalid="ignore"):   # (no square root: NaN, as JAX)
        u = _sqrt_upper_triangular(t)
        return jnp.matmul(jnp.matmul(z, u), _H(z)), z, u


@custom_jvp
def _sqrtm(a):
    return _sqrtm_parts(a)[0]


@_sqrtm.defjvp
def _sqrtm_jvp(primals, tangents):
    """``X dX + dX X = dA``: with ``X = Z U Z^H``, ``dX = Z Y Z^H`` where
    ``U Y + Y U = Z^H dA Z`` (triangular)."""
    (a,), (da,) = primals, tangents
    x, z, u = _sqrtm_parts(a)
    y = _triangular_sylvester(u, u, jnp.matmul(jnp.matmul(_H(z), da), z))
    return x, jnp.matmul(jnp.matmul(z, y), _H(z))


def sqrtm(A, blocksize=1):
    """The principal matrix square root (complex, as in JAX): ``X @ X == A``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.sqrtm(np.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[2.+0.j, 0.+0.j],
           [0.+0.j, 3.+0.j]])
    """
    if blocksize > 1:
        raise NotImplementedError("Blocked version is not implemented yet.")
    a = _square(A)
    return _sqrtm(jnp.astype(a, _complex_dtype(a.dtype)))


# ---------------------------------------------------------------------- funm


def funm(A, func, disp=True):
    """``func`` applied to the square matrix ``A`` (Parlett's recurrence on its
    complex Schur form; ``func`` maps the eigenvalues elementwise).  With
    ``disp=False`` returns ``(F, err)``, SciPy's error estimate.

    >>> import numpy as np, vmapx.numpy as jnp
    >>> from vmapx.scipy import linalg
    >>> f = linalg.funm(np.array([[1.0, 1.0], [0.0, 2.0]]), jnp.exp)
    >>> np.round(f.real, 6)
    array([[2.718282, 4.670774],
           [0.      , 7.389056]])
    """
    a = jnp.asarray(A)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("expected square array_like input")
    t, z = rsf2csf(*schur(a))
    dtype = t.dtype
    n = t.shape[-1]
    d = jnp.diagonal(t)
    fd = jnp.asarray(func(d))
    f = jnp.expand_dims(jnp.astype(fd, dtype), -1) * np.eye(n, dtype=dtype)
    minden = jnp.abs(t[0, 0])
    for p in range(1, n):
        s = jnp.diagonal(jnp.matmul(t, f) - jnp.matmul(f, t), offset=p)
        den = d[p:] - d[:-p]
        value = jnp.where(den != 0, s / jnp.where(den != 0, den, 1), s)
        minden = jnp.minimum(minden, jnp.min(jnp.abs(den)))
        f = f + _superdiagonal_setter(n, p)(value)
    f = jnp.matmul(jnp.matmul(z, f), _H(z))
    if disp:
        return f
    tol = np.finfo(np.float32 if dtype == np.complex64 else np.float64).eps
    minden = jnp.where(minden == 0.0, tol, minden)
    off = jnp.max(jnp.sum(jnp.abs(jnp.triu(t, 1)), axis=0))
    err = jnp.where(jnp.any(jnp.isinf(f)), np.inf,
                    jnp.minimum(1, jnp.maximum(tol, (tol / minden) * off)))
    return f, err


# ----------------------------------------------------------- solve_sylvester


def solve_sylvester(A, B, C, *, method="schur", tol=1e-8):
    """``X`` with ``A @ X + X @ B == C`` (Bartels-Stewart on complex Schur
    forms); NaNs where an eigenvalue of ``A`` plus one of ``B`` is within
    ``tol`` of zero (no unique solution).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.solve_sylvester(np.array([[2.0]]), np.array([[3.0]]), np.array([[10.0]]))
    array([[2.]])
    """
    if method not in ("schur", "eigen"):
        raise ValueError(f'Unrecognized method {method}. The two valid methods are either '
                         f'"schur" or "eigen".')
    a, b, c = jnp.asarray(A), jnp.asarray(B), jnp.asarray(C)
    m, n = c.shape[-2:]
    if a.shape[-2:] != (m, m) or b.shape[-2:] != (n, n):
        raise ValueError(f"Incompatible shapes for Sylvester equation:\nA: {a.shape}\n"
                         f"B: {b.shape}\nC: {c.shape}")
    complex_c = c.dtype.kind == "c"
    dtype = _complex_dtype(np.result_type(linalg_dtype(a.dtype), linalg_dtype(b.dtype),
                                          linalg_dtype(c.dtype)))
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2], c.shape[:-2])
    a = jnp.broadcast_to(jnp.astype(a, dtype), lead + (m, m))
    b = jnp.broadcast_to(jnp.astype(b, dtype), lead + (n, n))
    c = jnp.broadcast_to(jnp.astype(c, dtype), lead + (m, n))
    r, u = schur_p.bind(a, output="complex")
    s, v = schur_p.bind(b, output="complex")
    y = _triangular_sylvester(r, s, jnp.matmul(jnp.matmul(_H(u), c), v))
    x = jnp.matmul(jnp.matmul(u, y), _H(v))
    if not complex_c:
        x = jnp.real(x)
    sums = (jnp.expand_dims(jnp.diagonal(r, axis1=-2, axis2=-1), -1)
            + jnp.expand_dims(jnp.diagonal(s, axis1=-2, axis2=-1), -2))
    singular = jnp.any(jnp.abs(sums) < tol, axis=(-2, -1))
    return jnp.where(jnp.expand_dims(singular, (-1, -2)), jnp.asarray(np.nan, x.dtype), x)
