"""The functions of ``vmapx.scipy.special`` that are one special-function
primitive each (evaluated by ``scipy.special``, imported on first use), with
SciPy's names, JAX's signatures and NumPy's promotion (integers to float64,
float32 stays float32), and the promotion helpers the compositions share.

They sit in ``_src`` so that the internals (the normal distribution of
``scipy_stats``, which ``numpy_hooks`` maps SciPy's ``norm`` to) import them at
module level; ``vmapx.scipy.special`` re-exports them and adds the
compositions (``gamma``, ``logsumexp``, ``softmax``, ...).
"""
from __future__ import annotations

import operator

import numpy as np

from . import inputs
from .core import Tracer, dtype_of, is_python_scalar, ndim_of
from .jnp.base import asarray_like, astype, promote_args_inexact
from .prims import special as _sp, special_scipy as _sps
from .prims.elementwise import minimum_p


def _out(x):
    """Results outside any transform are arrays (never NumPy or Python scalars)."""
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def _promote_inexact(*xs):
    """``xs`` converted to arrays of their common inexact dtype, as JAX's
    ``promote_args_inexact`` (x64): int32 and bool give float32, int64 float64;
    Python scalars are weak, so float32 stays float32.

    >>> [a.dtype for a in _promote_inexact(np.arange(2, dtype=np.int32), np.float32(1))]
    [dtype('float32'), dtype('float32')]
    >>> [a.dtype for a in _promote_inexact(np.arange(2, dtype=np.int64), 1.0)]
    [dtype('float64'), dtype('float64')]
    """
    return promote_args_inexact(*xs)


def _unary(prim, x):
    if type(x) is np.ndarray and inputs.kind(x.dtype) == "f" and x.ndim:
        return prim.impl(x)   # the common case, without promotion overhead
    (x,) = _promote_inexact(x)
    return _out(prim.bind(x))


def _binary(prim, x, y):
    x, y = _promote_inexact(x, y)
    return _out(prim.bind(x, y))


# -------------------------------------------------------------- primitives


def erf(x):
    """The error function, ``2/sqrt(pi) * integral_0^x exp(-t**2) dt``.

    >>> erf(np.array([0.0, 0.5], np.float32))
    array([0.       , 0.5204999], dtype=float32)
    """
    return _unary(_sp.erf_p, x)


def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate for large ``x``.

    >>> erfc(np.array([0.0, 1.0]))
    array([1.        , 0.15729921])
    """
    return _unary(_sp.erfc_p, x)


def erfinv(x):
    """The inverse of ``erf`` on ``(-1, 1)``.

    >>> erfinv(np.array([0.0, 0.5]))
    array([0.        , 0.47693628])
    """
    return _unary(_sp.erf_inv_p, x)


def gammaln(x):
    """``log(abs(gamma(x)))``.

    >>> gammaln(np.array([1.0, 5.0]))
    array([0.        , 3.17805383])
    """
    return _unary(_sp.lgamma_p, x)


def digamma(x):
    """The digamma function, the derivative of ``gammaln``.

    >>> digamma(np.array([1.0, 2.0]))
    array([-0.57721566,  0.42278434])
    """
    return _unary(_sp.digamma_p, x)


def polygamma(n, x):
    """The ``n``-th derivative of ``digamma``.  ``n`` must have an integer
    dtype (``ValueError`` otherwise, as JAX) and is not differentiable; the
    result has the floating dtype of ``x`` (float32 stays float32).

    >>> polygamma(1, np.array([1.0, 2.0]))
    array([1.64493407, 0.64493407])
    >>> polygamma(np.array([1, 2]), np.array([2.0, 2.0], np.float32))
    array([ 0.64493406, -0.4041138 ], dtype=float32)
    """
    n = asarray_like(n)
    n_dt = np.asarray(n).dtype if is_python_scalar(n) else dtype_of(n)
    if n_dt.kind not in "iub":
        raise ValueError(f"Argument `n` to polygamma must be of integer type. Got dtype {n_dt}.")
    (x,) = _promote_inexact(x)
    return _out(_sp.polygamma_p.bind(astype(n, dtype_of(x)), x))


def ndtr(x):
    """The standard normal cumulative distribution function.

    >>> ndtr(np.array([0.0, 1.0]))
    array([0.5       , 0.84134475])
    """
    return _unary(_sp.ndtr_p, x)


def ndtri(p):
    """The inverse of ``ndtr`` (the standard normal quantile function).

    >>> ndtri(np.array([0.5, 0.975]))
    array([0.       , 1.95996398])
    """
    return _unary(_sp.ndtri_p, p)


def log_ndtr(x):
    """``log(ndtr(x))``, accurate far into the lower tail.

    >>> log_ndtr(np.array([0.0, -20.0]))
    array([  -0.69314718, -203.91715537])
    """
    return _unary(_sp.log_ndtr_p, x)


def i0e(x):
    """The exponentially scaled modified Bessel function of order 0.

    >>> i0e(np.array([0.0, 1.0]))
    array([1.        , 0.46575961])
    """
    return _unary(_sp.bessel_i0e_p, x)


def i1e(x):
    """The exponentially scaled modified Bessel function of order 1.

    >>> i1e(np.array([0.0, 1.0]))
    array([0.        , 0.20791042])
    """
    return _unary(_sp.bessel_i1e_p, x)


def gammainc(a, x):
    """The regularized lower incomplete gamma function ``P(a, x)``;
    differentiable in both ``a`` and ``x``.

    >>> gammainc(np.array([1.0, 2.0]), 2.0)
    array([0.86466472, 0.59399415])
    """
    return _binary(_sp.igamma_p, a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> gammaincc(np.array([1.0, 2.0]), 2.0)
    array([0.13533528, 0.40600585])
    """
    return _binary(_sp.igammac_p, a, x)


def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)`` (via
    ``scipy.special.betainc``); differentiable in ``x`` in closed form, and in
    ``a`` and ``b`` numerically.

    >>> betainc(2.0, 3.0, np.array([0.25, 0.5]))
    array([0.26171875, 0.6875    ])
    """
    a, b, x = _promote_inexact(a, b, x)
    return _out(_sp.betainc_p.bind(a, b, x))


def xlogy(x, y):
    """``x * log(y)``, and 0 where ``x == 0``.

    >>> xlogy(np.array([0.0, 2.0]), np.array([0.0, np.e]))
    array([0., 2.])
    """
    return _binary(_sp.xlogy_p, x, y)


def xlog1py(x, y):
    """``x * log1p(y)``, and 0 where ``x == 0``.

    >>> xlog1py(np.array([0.0, 2.0]), np.array([-1.0, np.e - 1]))
    array([0., 2.])
    """
    return _binary(_sp.xlog1py_p, x, y)


def _ternary(prim, *xs):
    return _out(prim.bind(*_promote_inexact(*xs)))


def erfcx(x):
    """The scaled complementary error function ``exp(x**2) * erfc(x)``, without
    the overflow of that product; derivative ``2 x erfcx(x) - 2 / sqrt(pi)``.

    >>> erfcx(np.array([0.0, 1.0, 30.0]))
    array([1.        , 0.42758358, 0.01879589])
    """
    return _unary(_sps.erfcx_p, x)


def dawsn(x):
    """Dawson's integral ``exp(-x**2) * integral_0^x exp(t**2) dt``; derivative
    ``1 - 2 x dawsn(x)``.

    >>> dawsn(np.array([0.0, 1.0]))
    array([0.        , 0.53807951])
    """
    return _unary(_sps.dawsn_p, x)


def expi(x):
    """The exponential integral ``Ei(x)``: NaN at 0 (as JAX); derivative
    ``exp(x) / x``.

    >>> expi(np.array([-1.0, 1.0]))
    array([-0.21938393,  1.89511782])
    """
    return _unary(_sps.expi_p, x)


def expn(n, x):
    """The generalized exponential integral ``E_n(x) = integral_1^inf
    exp(-x t) / t**n dt`` for integers ``n >= 0``; differentiable in ``x``
    (``-E_{n-1}(x)``), not in ``n`` (zero tangent, as JAX).

    >>> expn(np.array([0, 1, 2]), 1.0)
    array([0.36787944, 0.21938393, 0.14849551])
    """
    n, x = _promote_inexact(n, x)
    return _out(_sps.expn_p.bind(n, x))


def exp1(x):
    """The exponential integral ``E_1(x) = expn(1, x)``.

    >>> exp1(np.array([0.5, 1.0]))
    array([0.55977359, 0.21938393])
    """
    (x,) = _promote_inexact(x)
    return _out(_sps.expn_p.bind(np.ones((), dtype_of(x)), x))


def spence(x):
    """Spence's function ``integral_1^x log(t) / (1 - t) dt`` for ``x >= 0``
    (NaN below 0); derivative ``log(x) / (1 - x)`` (0 at ``x == 1`` and
    ``x <= 0``, as JAX).

    >>> spence(np.array([0.0, 0.5, 1.0]))
    array([1.64493407, 0.58224053, 0.        ])
    """
    return _unary(_sps.spence_p, x)


def zeta(x, q=None):
    """The Hurwitz zeta function ``sum_k (k + q)**-x``.  As in JAX, ``q`` is
    required (``NotImplementedError`` without it); differentiable in both
    arguments (``d/dq = -x zeta(x + 1, q)``; ``d/dx`` from the Euler-Maclaurin
    series, as JAX).

    >>> zeta(2.0, np.array([1.0, 2.0]))
    array([1.64493407, 0.64493407])
    """
    if q is None:
        raise NotImplementedError("Riemann zeta function not implemented; pass q != None to "
                                  "compute the Hurwitz Zeta function.")
    return _binary(_sps.zeta_p, x, q)


def owens_t(h, a):
    """Owen's T function ``T(h, a) = 1/(2 pi) integral_0^a exp(-h**2 (1 + x**2)
    / 2) / (1 + x**2) dx``, differentiable in both arguments in closed form.

    >>> owens_t(np.array([0.0, 0.5]), 2.0)
    array([0.17620819, 0.1415806 ])
    """
    return _binary(_sps.owens_t_p, h, a)


def hyp1f1(a, b, x):
    """Kummer's confluent hypergeometric function ``1F1(a; b; x)`` (values by
    SciPy; JAX's conventions: 1 at ``a == 0``, ``exp(x)`` at ``a == b``,
    ``inf`` at ``b == 0``).  Differentiable in ``x`` in closed form and in
    ``a`` and ``b`` by JAX's series.

    >>> hyp1f1(1.0, 2.0, np.array([0.0, 1.0]))
    array([1.        , 1.71828183])
    """
    return _ternary(_sps.hyp1f1_p, a, b, x)


def hyp2f1(a, b, c, x):
    """The Gauss hypergeometric function ``2F1(a, b; c; x)`` (values by SciPy),
    differentiable in ``x`` in closed form and in ``a``, ``b``, ``c`` by JAX's
    series.

    >>> hyp2f1(1.0, 1.0, 2.0, np.array([0.0, 0.5]))
    array([1.        , 1.38629436])
    """
    return _ternary(_sps.hyp2f1_p, a, b, c, x)


def sici(x):
    """The sine and cosine integrals ``(Si(x), Ci(x))``: ``Si(x) = integral_0^x
    sin(t)/t dt``, ``Ci(x) = gamma + log|x| + integral_0^x (cos(t) - 1)/t dt``
    (``Ci`` even, ``-inf`` at 0); derivatives ``sin(x)/x`` and ``cos(x)/x``.

    >>> si, ci = sici(np.array([0.5, 3.0]))
    >>> si, ci
    (array([0.49310742, 1.84865253]), array([-0.17778408,  0.11962979]))
    """
    (x,) = _promote_inexact(x)
    return _out(_sps.si_p.bind(x)), _out(_sps.ci_p.bind(x))


def bessel_jn(z, *, v, n_iter=50):
    """The Bessel functions of the first kind ``J_0(z) .. J_v(z)``, stacked on
    a new leading axis (shape ``(v + 1,) + z.shape``); differentiable in ``z``
    (``(J_{k-1} - J_{k+1}) / 2``).  Values are SciPy's ``jv``: exact where
    JAX's recurrence is (``n_iter`` is accepted and unused; JAX's values are
    NaN at ``z == 0`` and lose accuracy for ``z`` beyond about ``n_iter / 2``).

    >>> bessel_jn(np.array([0.0, 1.0]), v=2)
    array([[1.        , 0.76519769],
           [0.        , 0.44005059],
           [0.        , 0.11490348]])
    """
    v = operator.index(v)
    if v < 0:
        raise ValueError(f"bessel_jn order v must be non-negative, got {v}")
    (z,) = _promote_inexact(z)
    orders = np.arange(v + 1).reshape((v + 1,) + (1,) * ndim_of(z))
    return _out(_sps.jv_p.bind(orders, z))


def wofz(z):
    """The Faddeeva function ``w(z) = exp(-z**2) erfc(-i z)``.  Real inputs
    become complex as in JAX (float32 to complex64, others to complex128); the
    derivative is ``-2 z w(z) + 2 i / sqrt(pi)``.

    >>> wofz(np.array([1.0, 0.5 + 0.5j]))
    array([0.36787944+0.60715771j, 0.53315671+0.23048823j])
    """
    z = asarray_like(z)
    dt = np.asarray(z).dtype if is_python_scalar(z) else dtype_of(z)
    want = dt if dt.kind == "c" else np.dtype(np.complex64 if dt == np.float32
                                               else np.complex128)
    z = np.asarray(z, want) if is_python_scalar(z) else z if dt == want else astype(z, want)
    return _out(_sps.wofz_p.bind(z))


def sph_harm_y(n, m, theta, phi, diff_n=None, n_max=None):
    """The spherical harmonics ``Y_n^m(theta, phi)`` (``theta`` the colatitude,
    ``phi`` the longitude, orthonormal, Condon-Shortley phase), complex128 as
    JAX's.  ``n`` and ``m`` are integer arrays (not differentiated); with
    ``n_max`` the degrees are clipped to it, as JAX's.  Differentiable in
    ``theta`` and ``phi`` (``d/dphi = i m Y``).  ``diff_n`` is unsupported
    (``NotImplementedError``, as JAX).

    >>> sph_harm_y(np.array([1]), np.array([0]), np.array([0.0]), np.array([0.0]))
    array([0.48860251+0.j])
    """
    if diff_n is not None:
        raise NotImplementedError(
            "The 'diff_n' argument to jax.scipy.special.sph_harm_y is not supported.")
    n, m = asarray_like(n), asarray_like(m)
    if n_max is not None:
        n = _out(minimum_p.bind(n, operator.index(n_max)))
    theta, phi = _promote_inexact(theta, phi)
    return _out(_sps.sph_harm_y_p.bind(n, m, theta, phi))


def fresnel(x):
    """The Fresnel integrals ``(S(x), C(x))``, ``S(x) = integral_0^x
    sin(pi t**2 / 2) dt`` and ``C(x)`` with ``cos``; derivatives
    ``sin(pi x**2 / 2)`` and ``cos(pi x**2 / 2)``, reduced modulo 2 first so
    they stay accurate for large ``x`` (as JAX's).

    >>> s, c = fresnel(np.array([0.5, 1.0]))
    >>> s, c
    (array([0.06473243, 0.43825915]), array([0.49234423, 0.7798934 ]))
    """
    (x,) = _promote_inexact(x)
    return _out(_sps.fresnel_s_p.bind(x)), _out(_sps.fresnel_c_p.bind(x))
