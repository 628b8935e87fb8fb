"""``jax.scipy.sparse.linalg``'s Krylov solvers: ``cg``, ``bicgstab`` and
``gmres`` (``solve_method='batched'`` or ``'incremental'``).

``A`` (and the preconditioner ``M``) is a square matrix, a function computing
``A(x)``, or an object with ``@``; ``b`` and ``x0`` are arrays or pytrees of
arrays (the vector is all their leaves together), as in JAX.  Each solver is a
``lax.while_loop`` (so under ``vmap`` every example iterates until all of them
have converged, each keeping its own iterate once done; under ``jit`` it is
staged), wrapped in ``lax.custom_linear_solve``: derivatives are implicit (a
second solve with the transposed operator, which is the same solver), not
through the iterations.  This module imports ``custom_linear_solve`` from an
entry-point module, hence its place in the top layer (docs/layers.md).

The tolerance is SciPy's non-legacy one, ``norm(residual) <= max(tol *
norm(b), atol)``; ``maxiter`` defaults to ten times the size of ``b``.  As in
JAX, ``cg`` and ``bicgstab`` return ``info=None`` and ``gmres`` returns 0, or
-1 when the solution has NaNs.  GMRES orthogonalizes each Krylov vector by
classical Gram-Schmidt applied twice; ``'batched'`` builds the whole Krylov
basis of a restart and solves its small least-squares problem at the end,
``'incremental'`` keeps a QR factorization of it by Givens rotations and stops
a restart early once the residual estimate is small enough.
"""
from __future__ import annotations

import operator

import numpy as np

from . import lax_loops, numpy_api as jnp, tree as tu
from .core import Tracer
from .jnp import linalg as _linalg
from .lax_implicit import custom_linear_solve

__all__ = ["bicgstab", "cg", "gmres"]


# -------------------------------------------------------------- vector trees


def _add(x, y):
    return tu.tree_map(operator.add, x, y)


def _sub(x, y):
    return tu.tree_map(operator.sub, x, y)


def _scale(alpha, x):
    return tu.tree_map(lambda leaf: alpha * leaf, x)


def _vdot(x, y):
    """``sum(conj(x) * y)`` over all leaves."""
    return sum(jnp.vdot(a, b) for a, b in zip(tu.tree_leaves(x), tu.tree_leaves(y),
                                              strict=True))


def _vdot_real(x, y):
    """The real part of ``_vdot`` (for ``z^H M z`` with Hermitian ``M``, real)."""
    total = 0.0
    for a, b in zip(tu.tree_leaves(x), tu.tree_leaves(y), strict=True):
        total = total + jnp.vdot(jnp.real(a), jnp.real(b))
        if a.dtype.kind == "c" or b.dtype.kind == "c":
            total = total + jnp.vdot(jnp.imag(a), jnp.imag(b))
    return total


def _norm(x):
    return jnp.sqrt(_vdot_real(x, x))


def _dtype(tree):
    return np.result_type(*[leaf.dtype for leaf in tu.tree_leaves(tree)])


def _real_dtype(dtype):
    return np.finfo(dtype).dtype


def _identity(x):
    return x


def _operator(f):
    """``f`` as a function ``x -> f(x)``: a function as is, a matrix through
    ``dot``, another object through ``@``."""
    if isinstance(f, (np.ndarray, Tracer)):
        if jnp.ndim(f) != 2 or f.shape[0] != f.shape[1]:
            raise ValueError(f"linear operator must be a square matrix, but has shape: "
                             f"{f.shape}")
        return lambda x: jnp.dot(f, x)
    if callable(f):
        return f
    if hasattr(f, "__matmul__"):
        shape = getattr(f, "shape", None)
        if shape is not None and (len(shape) != 2 or shape[0] != shape[1]):
            raise ValueError(f"linear operator must be a square matrix, but has shape: "
                             f"{shape}")
        return lambda x: f @ x
    raise TypeError(f"linear operator must be either a function or ndarray: {f}")


def _prepare(A, b, x0, M, maxiter, check_shapes):
    b = tu.tree_map(jnp.asarray, b)
    x0 = tu.tree_map(jnp.zeros_like, b) if x0 is None else tu.tree_map(jnp.asarray, x0)
    if tu.tree_structure(x0) != tu.tree_structure(b):
        raise ValueError(f"x0 and b must have matching tree structure: "
                         f"{tu.tree_structure(x0)} vs {tu.tree_structure(b)}")
    if check_shapes:
        shapes_x0 = [np.shape(leaf) for leaf in tu.tree_leaves(x0)]
        shapes_b = [np.shape(leaf) for leaf in tu.tree_leaves(b)]
        if shapes_x0 != shapes_b:
            raise ValueError(f"arrays in x0 and b must have matching shapes: {shapes_x0} vs "
                             f"{shapes_b}")
    size = sum(int(np.size(leaf)) for leaf in tu.tree_leaves(b))
    if maxiter is None:
        maxiter = 10 * size
    matvec = _operator(A)
    precond = _identity if M is None else _operator(M)
    return matvec, b, x0, precond, maxiter, size


def _squared_tolerance(b, tol, atol):
    return jnp.maximum(jnp.square(tol) * _vdot_real(b, b), jnp.square(atol))


# ------------------------------------------------------------------------ cg


def _cg_iterations(matvec, b, x0, *, tol, atol, maxiter, M):
    """Preconditioned conjugate gradients from ``x0``."""
    limit = _squared_tolerance(b, tol, atol)
    r = _sub(b, matvec(x0))
    z = M(r)
    dtype = _dtype(z)
    rz = jnp.astype(_vdot_real(r, z), dtype)

    def not_done(state):
        _, r, rz, _, k = state
        size = jnp.real(rz) if M is _identity else _vdot_real(r, r)
        return (size > limit) & (k < maxiter)

    def step(state):
        x, r, rz, p, k = state
        ap = matvec(p)
        alpha = rz / jnp.astype(_vdot_real(p, ap), dtype)
        x = _add(x, _scale(alpha, p))
        r = _sub(r, _scale(alpha, ap))
        z = M(r)
        rz_next = jnp.astype(_vdot_real(r, z), dtype)
        p = _add(z, _scale(rz_next / rz, p))
        return x, r, rz_next, p, k + 1

    x, *_ = lax_loops.while_loop(not_done, step, (x0, r, rz, z, jnp.asarray(0)))
    return x


def _solve_implicitly(iterations, matvec, b, *, symmetric):
    return custom_linear_solve(matvec, b, solve=lambda mv, rhs: iterations(mv, rhs),
                               transpose_solve=lambda vm, rhs: iterations(vm, rhs),
                               symmetric=symmetric)


def cg(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solve ``A x = b`` for Hermitian positive-definite ``A`` by (preconditioned)
    conjugate gradients; returns ``(x, None)``.

    >>> import numpy as np
    >>> from vmapx.scipy.sparse import linalg
    >>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
    >>> x, info = linalg.cg(A, np.array([1.0, 2.0]))
    >>> np.round(x, 6), info
    (array([0.090909, 0.636364]), None)
    """
    matvec, b, x0, M, maxiter, _ = _prepare(A, b, x0, M, maxiter, check_shapes=True)

    def iterations(mv, rhs):
        return _cg_iterations(mv, rhs, x0, tol=tol, atol=atol, maxiter=maxiter, M=M)
    real = all(leaf.dtype.kind != "c" for leaf in tu.tree_leaves(b))
    return _solve_implicitly(iterations, matvec, b, symmetric=real), None


# ------------------------------------------------------------------ bicgstab


def _bicgstab_iterations(matvec, b, x0, *, tol, atol, maxiter, M):
    """Preconditioned BiCGSTAB from ``x0``; a breakdown (``rho``, ``alpha`` or
    ``omega`` zero) stops the loop with a negative counter."""
    limit = _squared_tolerance(b, tol, atol)
    r = _sub(b, matvec(x0))
    one = jnp.ones((), _dtype(b))

    def not_done(state):
        _, r, *_, k = state
        return (_vdot_real(r, r) > limit) & (k < maxiter) & (k >= 0)

    def step(state):
        x, r, shadow, alpha, omega, rho, p, v, k = state
        rho_next = _vdot(shadow, r)
        beta = (rho_next / rho) * (alpha / omega)
        p = _add(r, _scale(beta, _sub(p, _scale(omega, v))))
        p_hat = M(p)
        v = matvec(p_hat)
        alpha = rho_next / _vdot(shadow, v)
        s = _sub(r, _scale(alpha, v))
        converged = _vdot_real(s, s) < limit
        s_hat = M(s)
        t = matvec(s_hat)
        omega = _vdot(t, s) / _vdot(t, t)
        half = _add(x, _scale(alpha, p_hat))
        x = tu.tree_map(lambda h, full: jnp.where(converged, h, full), half,
                        _add(half, _scale(omega, s_hat)))
        r = tu.tree_map(lambda s_, full: jnp.where(converged, s_, full), s,
                        _sub(s, _scale(omega, t)))
        k = jnp.where((omega == 0) | (alpha == 0), -11, k + 1)
        k = jnp.where(rho_next == 0, -10, k)
        return x, r, shadow, alpha, omega, rho_next, p, v, k

    state = (x0, r, r, one, one, one, r, r, jnp.asarray(0))
    x, *_ = lax_loops.while_loop(not_done, step, state)
    return x


def bicgstab(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solve ``A x = b`` for a general ``A`` by (preconditioned) BiCGSTAB;
    returns ``(x, None)``.

    >>> import numpy as np
    >>> from vmapx.scipy.sparse import linalg
    >>> A = np.array([[3.0, 1.0], [-1.0, 2.0]])
    >>> x, info = linalg.bicgstab(A, np.array([5.0, 0.0]))
    >>> np.round(x, 6)
    array([1.428571, 0.714286])
    """
    matvec, b, x0, M, maxiter, _ = _prepare(A, b, x0, M, maxiter, check_shapes=True)

    def iterations(mv, rhs):
        return _bicgstab_iterations(mv, rhs, x0, tol=tol, atol=atol, maxiter=maxiter, M=M)
    return _solve_implicitly(iterations, matvec, b, symmetric=False), None


# --------------------------------------------------------------------- gmres
# A Krylov basis is a tree like b whose leaves have a trailing axis of
# restart + 1 columns (zeros where not yet built).


def _basis_start(unit, restart):
    def leaf(u):
        return jnp.concatenate([jnp.expand_dims(u, -1),
                                jnp.zeros(u.shape + (restart,), u.dtype)], axis=-1)
    return tu.tree_map(leaf, unit)


def _column(basis, k):
    return tu.tree_map(lambda v: jnp.take(v, k, axis=-1), basis)


def _set_column(basis, k, vector):
    def leaf(v, x):
        at_k = jnp.arange(v.shape[-1]) == k
        return jnp.where(at_k, jnp.expand_dims(x, -1), v)
    return tu.tree_map(leaf, basis, vector)


def _project(basis, x):
    """``basis^H x``: one coefficient per column."""
    total = 0
    for v, leaf in zip(tu.tree_leaves(basis), tu.tree_leaves(x), strict=True):
        axes = list(range(leaf.ndim))
        total = total + jnp.tensordot(jnp.conjugate(v), leaf, axes=(axes, axes))
    return total


def _combine(basis, coefficients):
    """``basis @ coefficients``."""
    return tu.tree_map(lambda v: jnp.tensordot(v, coefficients, axes=1), basis)


def _normalized(x, threshold=None):
    """``(x / norm(x), norm(x))``, or zeros and 0 when the norm is at most
    ``threshold`` (machine epsilon by default)."""
    norm = _norm(x)
    threshold = np.finfo(norm.dtype).eps if threshold is None else threshold
    keep = norm > threshold
    safe = jnp.where(keep, norm, 1)
    unit = tu.tree_map(lambda leaf: jnp.where(keep, leaf / jnp.astype(safe, leaf.dtype), 0),
                       x)
    return unit, jnp.where(keep, norm, 0)


def _arnoldi_step(matvec, M, basis, k):
    """Column ``k + 1`` of the basis and column ``k`` of the Hessenberg matrix
    (``restart + 1`` entries), by classical Gram-Schmidt applied twice; the new
    vector is zero (a breakdown) when it is within rounding of the span."""
    w = M(matvec(_column(basis, k)))
    start_norm = _norm(w)
    h = _project(basis, w)
    w = _sub(w, _combine(basis, h))
    again = _project(basis, w)
    w = _sub(w, _combine(basis, again))
    h = h + again
    unit, norm = _normalized(w, np.finfo(start_norm.dtype).eps * start_norm)
    basis = _set_column(basis, k + 1, unit)
    h = jnp.where(jnp.arange(h.shape[-1]) == k + 1, jnp.astype(norm, h.dtype), h)
    return basis, h, norm == 0


def _gmres_cycle_batched(matvec, M, b, x, unit, beta, ptol, restart):
    dtype = _dtype(b)
    # the Hessenberg matrix by columns; columns never built stay those of the
    # identity so that the least-squares problem stays well posed
    columns = jnp.eye(restart, restart + 1, dtype=dtype)

    def not_done(state):
        _, _, broken, k = state
        return (k < restart) & ~broken

    def step(state):
        basis, columns, _, k = state
        basis, h, broken = _arnoldi_step(matvec, M, basis, k)
        columns = jnp.where(jnp.expand_dims(jnp.arange(restart) == k, -1), h, columns)
        return basis, columns, broken, k + 1

    state = (_basis_start(unit, restart), columns, jnp.asarray(False), jnp.asarray(0))
    basis, columns, _, _ = lax_loops.while_loop(not_done, step, state)
    hess = jnp.swapaxes(columns, -1, -2)            # (restart + 1, restart)
    rhs = jnp.where(jnp.arange(restart + 1) == 0, jnp.astype(beta, dtype), 0)
    gram = jnp.matmul(jnp.conjugate(jnp.swapaxes(hess, -1, -2)), hess)
    y = _linalg.solve(gram, jnp.matmul(jnp.conjugate(jnp.swapaxes(hess, -1, -2)), rhs))
    basis_r = tu.tree_map(lambda v: v[..., :restart], basis)
    return _add(x, _combine(basis_r, y))


def _rotation(a, b):
    """``(c, s)`` with ``[[conj c, conj s], [-s, c]] @ [a, b] = [r, 0]``."""
    r = jnp.sqrt(jnp.square(jnp.abs(a)) + jnp.square(jnp.abs(b)))
    zero = r == 0
    safe = jnp.astype(jnp.where(zero, 1, r), a.dtype)
    return jnp.where(zero, 1, a / safe), jnp.where(zero, 0, b / safe)


def _rotate(v, i, c, s):
    """Apply the rotation ``(c, s)`` to entries ``i`` and ``i + 1`` of ``v``."""
    x, y = v[..., i], v[..., i + 1]
    idx = jnp.arange(v.shape[-1])
    v = jnp.where(idx == i, jnp.conjugate(c) * x + jnp.conjugate(s) * y, v)
    return jnp.where(idx == i + 1, -s * x + c * y, v)


def _rotate_dynamic(v, k, c, s):
    x = jnp.take(v, k, axis=-1)
    y = jnp.take(v, k + 1, axis=-1)
    idx = jnp.arange(v.shape[-1])
    v = jnp.where(idx == k, jnp.conjugate(c) * x + jnp.conjugate(s) * y, v)
    return jnp.where(idx == k + 1, -s * x + c * y, v)


def _gmres_cycle_incremental(matvec, M, b, x, unit, beta, ptol, restart):
    dtype = _dtype(b)
    rows = jnp.eye(restart, restart + 1, dtype=dtype)   # R by columns, as built
    cs = jnp.ones((restart,), dtype)
    sn = jnp.zeros((restart,), dtype)
    g = jnp.where(jnp.arange(restart + 1) == 0, jnp.astype(beta, dtype), 0)

    def not_done(state):
        k, err, *_ = state
        return (k < restart) & (err > ptol)

    def step(state):
        k, _, basis, rows, g, cs, sn = state
        basis, h, _ = _arnoldi_step(matvec, M, basis, k)
        for i in range(restart):       # earlier rotations (later ones are identities)
            h = _rotate(h, i, cs[i], sn[i])
        c, s = _rotation(jnp.take(h, k), jnp.take(h, k + 1))
        h = _rotate_dynamic(h, k, c, s)
        at_k = jnp.arange(restart) == k
        cs, sn = jnp.where(at_k, c, cs), jnp.where(at_k, s, sn)
        rows = jnp.where(jnp.expand_dims(at_k, -1), h, rows)
        g = _rotate_dynamic(g, k, c, s)
        return k + 1, jnp.abs(jnp.take(g, k + 1)), basis, rows, g, cs, sn

    state = (jnp.asarray(0), beta, _basis_start(unit, restart), rows, g, cs, sn)
    k, _, basis, rows, g, _, _ = lax_loops.while_loop(not_done, step, state)
    upper = jnp.swapaxes(rows[:, :restart], -1, -2)
    built = jnp.arange(restart) < k
    y = _linalg.solve(upper, jnp.where(built, g[:restart], 0))
    basis_r = tu.tree_map(lambda v: v[..., :restart], basis)
    return _add(x, _combine(basis_r, y))


def _gmres_iterations(matvec, b, x0, *, atol, ptol, restart, maxiter, M, cycle):
    def residual(x):
        return _normalized(M(_sub(b, matvec(x))))

    def not_done(state):
        _, k, _, norm = state
        return (k < maxiter) & (norm > atol)

    def step(state):
        x, k, unit, norm = state
        x = cycle(matvec, M, b, x, unit, norm, ptol, restart)
        unit, norm = residual(x)
        return x, k + 1, unit, norm

    unit, norm = residual(x0)
    x, *_ = lax_loops.while_loop(not_done, step, (x0, jnp.asarray(0), unit, norm))
    return x


def gmres(A, b, x0=None, *, tol=1e-5, atol=0.0, restart=20, maxiter=None, M=None,
          solve_method="batched"):
    """Solve ``A x = b`` for a general ``A`` by restarted GMRES (Krylov spaces of
    dimension ``restart``, at most ``maxiter`` restarts); returns ``(x, info)``,
    ``info`` 0, or -1 if ``x`` has NaNs.

    >>> import numpy as np
    >>> from vmapx.scipy.sparse import linalg
    >>> A = np.array([[3.0, 1.0], [-1.0, 2.0]])
    >>> x, info = linalg.gmres(A, np.array([5.0, 0.0]))
    >>> np.round(x, 6), int(info)
    (array([1.428571, 0.714286]), 0)
    """
    if solve_method == "incremental":
        cycle = _gmres_cycle_incremental
    elif solve_method == "batched":
        cycle = _gmres_cycle_batched
    else:
        raise ValueError(f"invalid solve_method {solve_method}, must be either 'incremental' "
                         "or 'batched'")
    matvec, b, x0, M, maxiter, size = _prepare(A, b, x0, M, maxiter, check_shapes=False)
    restart = min(restart, size)
    b_norm = _norm(b)
    atol = jnp.maximum(tol * b_norm, atol)
    mb_norm = _norm(M(b))
    ptol = mb_norm * jnp.minimum(1.0, atol / b_norm)

    def iterations(mv, rhs):
        return _gmres_iterations(mv, rhs, x0, atol=atol, ptol=ptol, restart=restart,
                                 maxiter=maxiter, M=M, cycle=cycle)
    x = _solve_implicitly(iterations, matvec, b, symmetric=False)
    info = jnp.where(jnp.isnan(_norm(x)), -1, 0)
    return x, info
