"""Polynomials of ``vmapx.numpy`` (coefficient arrays, highest power first):
``polyval``, ``polyadd``, ``polysub``, ``polymul``, ``polydiv``, ``polyder``,
``polyint``, ``polyfit``, ``poly`` and ``roots``.

As in JAX, ``polydiv`` keeps leading zeros of the remainder unless asked to
trim them, ``roots`` strips zero coefficients only when they are concrete, and
``poly`` / ``roots`` return complex values whenever eigenvalues are involved.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import dtype_of, ndim_of, shape_of
from .base import asarray_like, promote_args
from .static_args import concrete_or_error
from . import basic_api as jnp, linalg as _linalg
from .matrices import vander
from .numerical import convolve

__all__ = ["polyval", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint",
           "polyfit", "poly", "roots"]


def _coeffs(p, name):
    p = jnp.atleast_1d(asarray_like(p))
    if ndim_of(p) != 1:
        raise ValueError(f"{name}: coefficients must be a 1-D array")
    return p


def polyval(p, x):
    """Evaluate the polynomial ``p`` at ``x`` (Horner's scheme), as ``numpy.polyval``.

    >>> polyval(np.array([1, 0, -1]), np.array([0.0, 2.0]))
    array([-1.,  3.])
    """
    p, x = promote_args(p, x)   # JAX's promotion (NumPy's: the operands as they are)
    y = jnp.zeros_like(x)
    for k in range(shape_of(p)[0]):
        y = y * x + p[k]
    return y


def _pad_front(a, n):
    return jnp.concatenate([jnp.zeros(n, dtype_of(a)), a]) if n else a


def polyadd(a1, a2):
    """Sum of two polynomials, as ``numpy.polyadd``.

    >>> polyadd([1, 2], [1, 0, 0])
    array([1, 1, 2])
    """
    a1, a2 = _coeffs(a1, "polyadd"), _coeffs(a2, "polyadd")
    d = shape_of(a2)[0] - shape_of(a1)[0]
    return _pad_front(a1, max(d, 0)) + _pad_front(a2, max(-d, 0))


def polysub(a1, a2):
    """Difference of two polynomials, as ``numpy.polysub``.

    >>> polysub([1, 2], [1, 0, 0])
    array([-1,  1,  2])
    """
    a1, a2 = _coeffs(a1, "polysub"), _coeffs(a2, "polysub")
    d = shape_of(a2)[0] - shape_of(a1)[0]
    return _pad_front(a1, max(d, 0)) - _pad_front(a2, max(-d, 0))


def polymul(a1, a2):
    """Product of two polynomials, as ``numpy.polymul``.

    >>> polymul([1, 1], [1, -1])   # inexact, as JAX's
    array([ 1.,  0., -1.])
    """
    return convolve(_coeffs(a1, "polymul"), _coeffs(a2, "polymul"))


def polydiv(u, v, *, trim_leading_zeros=False):
    """Quotient and remainder of polynomial division, as ``numpy.polydiv``.

    The remainder keeps its leading zeros (its length is the dividend's) unless
    ``trim_leading_zeros=True``, which needs concrete values.

    >>> polydiv(np.array([1.0, 3.0, 2.0]), np.array([1.0, 1.0]))
    (array([1., 2.]), array([0., 0., 0.]))
    """
    u = _coeffs(u, "polydiv") + 0.0
    v = _coeffs(v, "polydiv") + 0.0
    u, v = promote_args(u, v)
    dt = dtype_of(u)
    m, n = shape_of(u)[0] - 1, shape_of(v)[0] - 1
    scale = 1.0 / v[0]
    r = u
    q = []
    for k in range(m - n + 1):
        d = scale * r[k]
        q.append(d)
        r = r - jnp.concatenate([jnp.zeros(k, dt), d * v, jnp.zeros(m - n - k, dt)])
    q = jnp.stack(q) if q else jnp.zeros(1, dt)
    if trim_leading_zeros:
        r = concrete_or_error(r, "polydiv", "trimming leading zeros changes the output shape")
        while np.allclose(r[0], 0, rtol=1e-14) and r.shape[-1] > 1:
            r = r[1:]
    return q, r


def polyder(p, m=1):
    """``m``-th derivative of a polynomial, as ``numpy.polyder``.

    >>> polyder(np.array([1, 1, 1, 1]), 2)
    array([6, 2])
    """
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = asarray_like(p)
    for _ in range(m):
        n = shape_of(p)[0] - 1
        p = p[:-1] * np.arange(n, 0, -1)
    return p if m else jnp.asarray(p)


def polyint(p, m=1, k=None):
    """``m``-th antiderivative, with integration constants ``k``, as ``numpy.polyint``.

    >>> polyint(np.array([3.0, 2.0, 1.0]))
    array([1., 1., 1., 0.])
    """
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if k is None:
        k = np.zeros(m, float)
    k = jnp.atleast_1d(asarray_like(k))
    if shape_of(k)[0] == 1 and m > 1:
        k = k[0] * np.ones(m, float)
    if shape_of(k)[0] < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = asarray_like(p)
    for i in range(m):
        p = jnp.concatenate([p / np.arange(shape_of(p)[0], 0, -1), k[i:i + 1]])
    return p


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit, as ``numpy.polyfit``.

    >>> np.round(polyfit(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), 1), 6)
    array([2., 1.])
    """
    order = int(deg) + 1
    x = asarray_like(x) + 0.0
    y = asarray_like(y) + 0.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if ndim_of(x) != 1:
        raise TypeError("expected 1D vector for x")
    if shape_of(x)[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if ndim_of(y) < 1 or ndim_of(y) > 2:
        raise TypeError("expected 1D or 2D array for y")
    if shape_of(x)[0] != shape_of(y)[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = shape_of(x)[0] * np.finfo(dtype_of(x)).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = asarray_like(w) + 0.0
        if ndim_of(w) != 1:
            raise TypeError("expected a 1-d array for weights")
        if shape_of(w)[0] != shape_of(y)[0]:
            raise TypeError("expected w and y to have the same length")
        lhs = lhs * w[:, None]
        rhs = rhs * (w if ndim_of(rhs) == 1 else w[:, None])
    scale = jnp.sqrt(jnp.sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = _linalg.lstsq(lhs, rhs, rcond)
    c = jnp.transpose(jnp.transpose(c) / scale)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        vbase = _linalg.inv(jnp.dot(jnp.transpose(lhs), lhs)) / jnp.outer(scale, scale)
        if cov == "unscaled":
            fac = 1
        else:
            if shape_of(x)[0] <= order:
                raise ValueError("the number of data points must exceed order to scale the "
                                 "covariance matrix")
            fac = resids / (shape_of(x)[0] - order)
        if ndim_of(y) == 1:
            return c, vbase * fac
        return c, vbase[:, :, None] * fac
    return c


def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots (or the
    characteristic polynomial of a square matrix), as ``numpy.poly``.

    >>> poly(np.array([1.0, 2.0]))
    array([ 1., -3.,  2.])
    """
    z = asarray_like(seq_of_zeros)
    sh = shape_of(z)
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        z = _linalg.eigvals(z)
    elif len(sh) == 1:
        pass
    elif len(sh) == 0:
        z = jnp.reshape(z, (1,))
    else:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if not inputs.is_inexact(dtype_of(z)):
        z = jnp.astype(z, np.float64)
    dt = dtype_of(z)
    a = jnp.ones((1,), dt)
    for k in range(shape_of(z)[0]):
        a = convolve(a, jnp.stack([jnp.ones((), dt), -z[k]]))
    return a


def roots(p, *, strip_zeros=True):
    """Roots of a polynomial from the companion matrix's eigenvalues, as ``numpy.roots``
    (always complex).

    >>> roots(np.array([1.0, -3.0, 2.0]))
    array([2.+0.j, 1.+0.j])
    """
    p = jnp.atleast_1d(asarray_like(p))
    if ndim_of(p) != 1:
        raise ValueError("Input must be a rank-1 array.")
    trailing = 0
    if strip_zeros:
        p = concrete_or_error(p, "roots", "stripping zero coefficients changes the output shape; "
                          "pass strip_zeros=False")
        nz = np.nonzero(np.ravel(p))[0]
        if len(nz) == 0:
            return np.array([], dtype=np.complex128)
        trailing = len(p) - nz[-1] - 1
        p = p[int(nz[0]):int(nz[-1]) + 1]
    if not inputs.is_inexact(dtype_of(p)):
        p = jnp.astype(p, np.float64)
    n = shape_of(p)[0]
    cdt = np.result_type(dtype_of(p), np.complex64)
    if n > 1:
        companion = jnp.concatenate([jnp.reshape(-p[1:] / p[0], (1, n - 1)),
                                     np.eye(n - 2, n - 1, dtype=dtype_of(p))], axis=0)
        r = _linalg.eigvals(companion)
    else:
        r = np.zeros(0, cdt)
    return jnp.concatenate([r, np.zeros(trailing, cdt)]) if trailing else r
