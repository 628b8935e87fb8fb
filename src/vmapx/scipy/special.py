"""``vmapx.scipy.special``: JAX's ``jax.scipy.special`` on NumPy arrays.

The functions take SciPy's names and JAX's signatures.  Integer inputs
promote to float64 and float32 stays float32 (NumPy's promotion); results are
arrays.  Each is a special-function primitive (evaluated by ``scipy.special``,
imported on first use) or a composition of primitives, so all of them batch
under ``vmap`` and differentiate.

>>> import numpy as np
>>> from vmapx.scipy import special
>>> special.logsumexp(np.array([0.0, np.log(3.0)]))
array(1.38629436)
"""
from __future__ import annotations

import math
import operator
import threading
from fractions import Fraction

import numpy as np

from .._src.core import Tracer, dtype_of, is_python_scalar, ndim_of
from .._src.jnp.base import asarray_like, astype, canonicalize_axes
from .._src.scipy_special import (_out, _promote_inexact, erf, erfc, erfinv,  # noqa: F401
                                  gammaln, digamma, polygamma, ndtr, ndtri, log_ndtr, i0e, i1e,
                                  gammainc, gammaincc, betainc, xlogy, xlog1py, erfcx, dawsn,
                                  expi, expn, exp1, spence, zeta, owens_t, hyp1f1, hyp2f1,
                                  sici, bessel_jn, wofz, sph_harm_y, fresnel)
from .._src.custom_jvp import custom_jvp
from ..lax import stop_gradient
import vmapx.numpy as jnp


def _jnp():
    return jnp


# ------------------------------------------------------------ compositions


def gamma(x):
    """The gamma function, as ``sign * exp(gammaln(x))``.

    >>> gamma(np.array([5.0, 0.5, -1.5]))
    array([24.        ,  1.77245385,  2.3632718 ])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    return _out(gammasgn(x) * jnp.exp(gammaln(x)))


def gammasgn(x):
    """The sign of the gamma function: ``+1`` or ``-1``, ``+-1`` at ``+-0``, and
    NaN at the poles (negative integers), at ``-inf`` and at NaN.

    >>> gammasgn(np.array([2.5, -0.5, -1.5, -0.0, -2.0]))
    array([ 1., -1.,  1., -1., nan])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    dt = dtype_of(x)
    one = np.ones((), dt)
    fl = jnp.floor(x)
    even = jnp.remainder(jnp.where(jnp.isfinite(fl), fl, 0), 2) == 0
    neg = jnp.where(even, one, -one)
    at_int = jnp.where(x == 0, jnp.copysign(one, x), np.asarray(np.nan, dt))
    return _out(jnp.where(x > 0, one, jnp.where(fl == x, at_int,
                                                jnp.where(jnp.isnan(x), x, neg))))


def betaln(a, b):
    """``log(abs(beta(a, b)))`` as ``gammaln(a) + gammaln(b) - gammaln(a + b)``.

    >>> betaln(np.array([2.0]), np.array([3.0]))
    array([-2.48490665])
    """
    a, b = _promote_inexact(a, b)
    return _out(gammaln(a) + gammaln(b) - gammaln(a + b))


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension ``d`` (an int).

    >>> multigammaln(np.array([3.0, 4.0]), 2)
    array([1.55019499, 3.56509801])
    """
    jnp = _jnp()
    d = int(d)
    (a,) = _promote_inexact(a)
    dt = dtype_of(a)
    shifts = np.arange(d, dtype=dt) / 2
    lg = jnp.sum(gammaln(jnp.expand_dims(a, -1) - shifts), axis=-1)
    return _out(lg + np.asarray(d * (d - 1) / 4 * np.log(np.pi), dt))


def expit(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, without overflow.

    >>> expit(np.array([0.0, 2.0, 1000.0, -1000.0]))
    array([0.5       , 0.88079708, 1.        , 0.        ])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    e = jnp.exp(-jnp.abs(x))
    return _out(jnp.where(x >= 0, 1 / (1 + e), e / (1 + e)))


def logit(x):
    """The inverse of ``expit``, ``log(x / (1 - x))``.

    >>> logit(np.array([0.5, 0.75]))
    array([0.        , 1.09861229])
    """
    (x,) = _promote_inexact(x)
    if not isinstance(x, Tracer):   # concrete input: no derivative to customize
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.log(x / (1 - x)))
    return _logit(x)


def _logit_fun(x):
    jnp = _jnp()
    return jnp.log(x / (1 - x))


def _xlogx_fun(x):
    return xlogy(x, x)


_logit = _xlogx = _poch = None


def _custom_rules():
    """``logit`` and ``x log x`` with JAX's derivatives, ``1 / (x (1 - x))``
    and ``log(x) + 1`` (infinite, not NaN, at 0 and 1)."""
    global _logit, _xlogx, _poch
    jnp = _jnp()
    _poch = custom_jvp(_poch_fun)
    _poch.defjvps(
        lambda g, ans, z, m: g * (digamma(z + m) - digamma(z)) * _poch_fun(z, m),
        lambda g, ans, z, m: g * digamma(z + m) * _poch_fun(z, m))
    _logit = custom_jvp(_logit_fun)
    _logit.defjvps(lambda g, ans, x: g / (x * (1 - x)))
    _xlogx = custom_jvp(_xlogx_fun)
    _xlogx.defjvps(lambda g, ans, x: g * (jnp.log(x) + 1))


def entr(x):
    """Elementwise entropy ``-x log(x)``: 0 at 0 and ``-inf`` for ``x < 0``.

    >>> entr(np.array([-1.0, 0.0, 0.5]))
    array([       -inf, -0.        ,  0.34657359])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    xlogx = xlogy(x, x) if not isinstance(x, Tracer) else _xlogx(x)
    return _out(jnp.where(x < 0, -np.inf, -xlogx))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """``log(sum(b * exp(a), axis))``, computed stably (JAX's ``logsumexp``).

    With ``return_sign=True`` it returns ``(log(abs(s)), sign(s))`` of the sum
    ``s``; otherwise a negative sum gives NaN.  ``where`` masks the elements.

    >>> logsumexp(np.array([1.0, 2.0]), b=np.array([1.0, -1.0]), return_sign=True)
    (array(1.54132485), array(-1.))
    >>> logsumexp(np.array([[0.0, 0.0], [1.0, 1.0]]), axis=1)
    array([0.69314718, 1.69314718])
    """
    jnp = _jnp()
    if where is not None:
        a = jnp.where(where, a, 0)
    if b is not None:
        a, b = _promote_inexact(a, b)
        a = jnp.where(b != 0, a, -np.inf)
    else:
        (a,) = _promote_inexact(a)
    a = asarray_like(a) if not is_python_scalar(a) else np.asarray(a)
    dims = canonicalize_axes(axis, ndim_of(a))
    where_kw = {} if where is None else {"where": where}
    amax = jnp.max(jnp.real(a), axis=dims, keepdims=True, initial=-np.inf, **where_kw)
    amax = stop_gradient(jnp.where(jnp.isfinite(amax), amax, 0))
    exp_a = jnp.exp(a - astype(amax, dtype_of(a)))
    if b is not None:
        exp_a = exp_a * b
    sumexp = jnp.sum(exp_a, axis=dims, keepdims=keepdims, **where_kw)
    sign = jnp.sign(sumexp)
    if return_sign or dtype_of(a).kind != "c":
        sumexp = jnp.abs(sumexp)
    if not keepdims:
        amax = jnp.squeeze(amax, axis=dims)
    out = jnp.log(sumexp) + astype(amax, dtype_of(sumexp))
    if return_sign:
        return _out(out), _out(sign)
    if b is not None and dtype_of(out).kind != "c":
        out = jnp.where(sign < 0, np.asarray(np.nan, dtype_of(out)), out)
    return _out(out)


def softmax(x, /, *, axis=None):
    """``exp(x) / sum(exp(x), axis)``, computed stably; ``axis=None`` normalizes
    over all elements (as ``scipy.special.softmax``).

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    e = jnp.exp(x - stop_gradient(jnp.max(x, axis=axis, keepdims=True)))
    return _out(e / jnp.sum(e, axis=axis, keepdims=True))


def log_softmax(x, /, *, axis=None):
    """``log(softmax(x, axis=axis))``, computed stably.

    >>> log_softmax(np.array([0.0, np.log(3.0)]))
    array([-1.38629436, -0.28768207])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    shifted = x - stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    return _out(shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True)))


# ------------------------------------------- more compositions (issue 10)


def _real_only(name, x):
    if dtype_of(x).kind == "c":
        raise ValueError(f"{name} does not support complex-valued inputs.")


def beta(a, b):
    """The beta function ``gamma(a) gamma(b) / gamma(a + b)``, as the product
    of the three signs and ``exp(betaln(a, b))`` (as JAX; real inputs only).

    >>> beta(np.array([2.0, 0.5]), 3.0)
    array([0.08333333, 1.06666667])
    """
    jnp = _jnp()
    a, b = _promote_inexact(a, b)
    _real_only("beta", a)
    sign = gammasgn(a) * gammasgn(b) * gammasgn(a + b)
    return _out(sign * jnp.exp(betaln(a, b)))


def factorial(n, exact=False):
    """``n!`` as ``exp(gammaln(n + 1))`` in floating point, and 0 for ``n < 0``
    (as JAX; ``exact=True`` raises ``NotImplementedError``, as JAX).

    >>> factorial(np.array([-1, 0, 3, 5]))
    array([  0.,   1.,   6., 120.])
    """
    jnp = _jnp()
    if exact:
        raise NotImplementedError("factorial with exact=True")
    (n,) = _promote_inexact(n)
    return _out(jnp.where(n < 0, np.zeros((), dtype_of(n)), jnp.exp(gammaln(n + 1))))


def comb(N, k, *, repetition=False):
    """``N choose k`` in floating point, through ``gammaln`` (as JAX): 0 where
    ``N < 0``, ``k < 0`` or ``k > N``; with ``repetition=True`` the number of
    multisets, ``comb(N + k - 1, k)`` (1 at ``k == 0`` for ``N >= 0``).

    >>> comb(5, np.array([0, 2, 6]))
    array([ 1., 10.,  0.])
    >>> comb(3, 2, repetition=True)
    array(6.)
    """
    jnp = _jnp()
    N, k = _promote_inexact(N, k)
    dt = dtype_of(N)
    if repetition:
        multisets = comb(N + k - 1, k)
        return _out(jnp.where((k == 0) & (N >= 0), np.ones((), dt), multisets))
    inside = (k <= N) & (N >= 0) & (k >= 0)
    zero = np.zeros((), dt)
    safe_n, safe_k = jnp.where(inside, N, zero), jnp.where(inside, k, zero)
    log_c = gammaln(safe_n + 1) - gammaln(safe_k + 1) - gammaln(safe_n + 1 - safe_k)
    return _out(jnp.where(inside, jnp.exp(log_c), zero))


def poch(z, m):
    """The Pochhammer symbol ``(z)_m = gamma(z + m) / gamma(z)`` (1 at
    ``m == 0``), with JAX's derivatives ``(digamma(z + m) - digamma(z)) (z)_m``
    and ``digamma(z + m) (z)_m``.

    >>> poch(np.array([2.0, 3.0]), 3.0)
    array([24., 60.])
    """
    z, m = _promote_inexact(z, m)
    _real_only("poch", z)
    return _out(_poch(z, m))


def _poch_fun(z, m):
    jnp = _jnp()
    return jnp.where(m == 0, np.ones((), dtype_of(z)), gamma(z + m) / gamma(z))


def loggamma(x):
    """The principal branch of ``log(gamma(x))``: for real ``x``, ``gammaln(x)``
    where ``x > 0`` and NaN elsewhere (as JAX; complex inputs are not
    supported here).

    >>> loggamma(np.array([-1.5, 0.5, 3.0]))
    array([       nan, 0.57236494, 0.69314718])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    if dtype_of(x).kind == "c":
        raise NotImplementedError("vmapx.scipy.special.loggamma supports real inputs only")
    return _out(jnp.where(x > 0, gammaln(x), np.asarray(np.nan, dtype_of(x))))


def i0(x):
    """The modified Bessel function of order 0, ``exp(|x|) * i0e(x)``.

    >>> i0(np.array([0.0, 1.0]))
    array([1.        , 1.26606588])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    return _out(jnp.exp(jnp.abs(x)) * i0e(x))


def i1(x):
    """The modified Bessel function of order 1, ``exp(|x|) * i1e(x)``.

    >>> i1(np.array([0.0, 1.0]))
    array([0.       , 0.5651591])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    return _out(jnp.exp(jnp.abs(x)) * i1e(x))


def rel_entr(p, q):
    """Elementwise relative entropy: ``p log(p / q)`` for ``p, q > 0``, 0 at
    ``p == 0, q >= 0``, ``inf`` elsewhere (as JAX; real inputs only).

    >>> rel_entr(np.array([0.5, 0.0, 1.0]), np.array([0.25, 1.0, 0.0]))
    array([0.34657359, 0.        ,        inf])
    """
    jnp = _jnp()
    p, q = _promote_inexact(p, q)
    _real_only("rel_entr", p)
    dt = dtype_of(p)
    both = (p > 0) & (q > 0)
    p_zero = (p == 0) & (q >= 0)
    one = np.ones((), dt)
    safe_p, safe_q = jnp.where(both, p, one), jnp.where(both, q, one)
    xlogx = _xlogx(safe_p) if isinstance(safe_p, Tracer) else xlogy(safe_p, safe_p)
    val = xlogx - xlogy(safe_p, safe_q)
    return _out(jnp.where(both, val, jnp.where(p_zero, np.zeros((), dt),
                                                np.asarray(np.inf, dt))))


def kl_div(p, q):
    """Elementwise Kullback-Leibler divergence ``rel_entr(p, q) - p + q``.

    >>> kl_div(np.array([0.5, 0.0]), np.array([0.25, 1.0]))
    array([0.09657359, 1.        ])
    """
    p, q = _promote_inexact(p, q)
    _real_only("kl_div", p)
    return _out(rel_entr(p, q) - p + q)


def boxcox(x, lmbda):
    """The Box-Cox transformation ``(x**lmbda - 1) / lmbda``, ``log(x)`` at
    ``lmbda == 0``; NaN for ``x <= 0`` (except ``log(0) = -inf``).

    >>> boxcox(np.array([1.0, 4.0]), np.array([0.0, 0.5]))
    array([0., 2.])
    """
    return _boxcox(x, lmbda, log1p=False)


def boxcox1p(x, lmbda):
    """The Box-Cox transformation of ``1 + x``, accurate for small ``x``.

    >>> boxcox1p(np.array([0.0, 3.0]), np.array([0.0, 0.5]))
    array([0., 2.])
    """
    return _boxcox(x, lmbda, log1p=True)


def _boxcox(x, lmbda, log1p):
    jnp = _jnp()
    x, lmbda = _promote_inexact(x, lmbda)
    at_zero = lmbda == 0
    safe = jnp.where(at_zero, np.ones((), dtype_of(lmbda)), lmbda)
    log_x = jnp.log1p(x) if log1p else jnp.log(x)
    return _out(jnp.where(at_zero, log_x, jnp.expm1(safe * log_x) / safe))


def bernoulli(n):
    """The first ``n + 1`` Bernoulli numbers ``B_0 .. B_n`` (``B_1 = -1/2``), as
    a float64 array; ``n`` must be a concrete non-negative integer.  The values
    are the exact rationals rounded once (JAX's series approximation is off by
    up to about 1e-6 relative, at ``B_4``; SciPy's by about 1e-12);
    ``+-inf`` once they pass float64's range (``n > 258``).

    >>> bernoulli(4)
    array([ 1.        , -0.5       ,  0.16666667,  0.        , -0.03333333])
    """
    n = operator.index(n)
    if n < 0:
        raise ValueError("n must be a non-negative integer.")
    return _out(np.array(_bernoulli_exact(n), np.float64))


_BERNOULLI_LOCK = threading.Lock()
_BERNOULLI = [Fraction(1)]   # the exact numbers computed so far (grows, never shrinks)
_BERNOULLI_FINITE = 260      # B_m for larger m is +-inf in float64 (or 0 for odd m)


def _bernoulli_exact(n):
    """``B_0 .. B_n`` as floats, from the exact recurrence
    ``sum_{k <= m} C(m + 1, k) B_k = 0`` (rationals, extended under a lock)."""
    beyond = [0.0 if m % 2 else (math.inf if (m // 2) % 2 else -math.inf)
              for m in range(_BERNOULLI_FINITE + 1, n + 1)]   # past float64's range
    n = min(n, _BERNOULLI_FINITE)
    with _BERNOULLI_LOCK:
        for m in range(len(_BERNOULLI), n + 1):
            if m > 1 and m % 2:
                _BERNOULLI.append(Fraction(0))
                continue
            total = sum(math.comb(m + 1, k) * _BERNOULLI[k] for k in range(m))
            _BERNOULLI.append(-total / (m + 1))
        exact = _BERNOULLI[:n + 1]

    def to_float(f):
        try:
            return float(f)
        except OverflowError:
            return math.inf if f > 0 else -math.inf
    return [to_float(f) for f in exact] + beyond


_custom_rules()

__all__ = ["erf", "erfc", "erfinv", "gammaln", "gamma", "gammasgn", "digamma", "polygamma",
           "betaln", "multigammaln", "logsumexp", "expit", "logit", "xlogy", "xlog1py", "entr", "ndtr",
           "ndtri", "log_ndtr", "softmax", "log_softmax", "i0e", "i1e", "gammainc", "gammaincc",
           "betainc", "beta", "factorial", "comb", "poch", "loggamma", "i0", "i1", "rel_entr",
           "kl_div", "boxcox", "boxcox1p", "bernoulli", "erfcx", "dawsn", "expi", "expn", "exp1",
           "spence", "zeta", "owens_t", "hyp1f1", "hyp2f1", "sici", "bessel_jn", "wofz", "sph_harm_y", "fresnel"]


from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays

from .._src import numpy_hooks as _numpy_hooks  # noqa: E402

# SciPy's own scipy.special functions called on traced values in per-example NumPy code
# run as these (docs/per-example-code.md)
_numpy_hooks.register_scipy("scipy.special", globals())
