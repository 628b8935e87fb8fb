"""The discrete distributions of ``vmapx.scipy.stats`` other than Poisson
(``bernoulli``, ``betabinom``, ``binom``, ``geom``, ``nbinom``), with JAX's
functions, signatures and out-of-support values, composed from ``numpy_api``
and the special-function primitives so that they batch, differentiate and
stage.  Arguments promote as JAX's ``promote_args_inexact``: integers and
bools to float64, float32 stays float32, Python scalars are weak.

Each function is defined here as ``<distribution>_<name>`` and re-exported as
``<name>`` by its public module ``vmapx.scipy.stats.<distribution>``.

>>> from vmapx.scipy.stats import binom
>>> binom.pmf(np.array([0, 1, 2]), 2, 0.5)
array([0.25, 0.5 , 0.25])
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .core import dtype_of
from .scipy_special import _out, _promote_inexact, gammaln, xlog1py, xlogy
from .scipy_stats_support import _betaln, _named, _quiet


def _const(x, value):
    """``value`` as a 0-d array of ``x``'s dtype (JAX's ``_lax_const``)."""
    return np.asarray(value, dtype_of(x))


# --------------------------------------------------------------- bernoulli


@_named("logpmf")
def bernoulli_logpmf(k, p, loc=0):
    """Log of the Bernoulli probability mass function: ``log(p)`` at
    ``k - loc == 1``, ``log1p(-p)`` at 0, and ``-inf`` outside ``[0, 1]``.

    >>> from vmapx.scipy.stats import bernoulli
    >>> bernoulli.logpmf(np.array([0, 1, 2]), 0.25)
    array([-0.28768207, -1.38629436,        -inf])
    """
    with _quiet():
        k, p, loc = _promote_inexact(k, p, loc)
        x = k - loc
        log_probs = xlogy(x, p) + xlog1py(_const(x, 1) - x, -p)
        outside = jnp.logical_or(x < _const(x, 0), x > _const(x, 1))
        return _out(jnp.where(outside, _const(x, -np.inf), log_probs))


@_named("pmf")
def bernoulli_pmf(k, p, loc=0):
    """The Bernoulli probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import bernoulli
    >>> bernoulli.pmf(np.array([0.0, 1.0], np.float32), np.float32(0.25))
    array([0.75, 0.25], dtype=float32)
    """
    with _quiet():
        return _out(jnp.exp(bernoulli_logpmf(k, p, loc)))


@_named("cdf")
def bernoulli_cdf(k, p):
    """The Bernoulli cumulative distribution function: 0 below 0, ``1 - p`` on
    ``[0, 1)``, 1 from 1 on; NaN where ``k`` or ``p`` is NaN or ``p`` is
    outside ``[0, 1]``.

    >>> from vmapx.scipy.stats import bernoulli
    >>> bernoulli.cdf(np.array([-1.0, 0.5, 1.0]), 0.25)
    array([0.  , 0.75, 1.  ])
    """
    with _quiet():
        k, p = _promote_inexact(k, p)
        zero, one = _const(k, 0), _const(k, 1)
        invalid = jnp.isnan(k) | jnp.isnan(p) | (p < zero) | (p > one)
        return _out(jnp.where(invalid, _const(k, np.nan),
                              jnp.where(k < zero, zero, jnp.where(k < one, one - p, one))))


@_named("ppf")
def bernoulli_ppf(q, p):
    """The Bernoulli quantile function: 0 where ``q <= 1 - p``, else 1; NaN
    where ``q`` or ``p`` is NaN or outside ``[0, 1]``.

    >>> from vmapx.scipy.stats import bernoulli
    >>> bernoulli.ppf(np.array([0.5, 0.8, 1.5]), 0.25)
    array([ 0.,  1., nan])
    """
    with _quiet():
        q, p = _promote_inexact(q, p)
        zero, one = _const(q, 0), _const(q, 1)
        invalid = (jnp.isnan(q) | jnp.isnan(p) | (p < zero) | (p > one) | (q < zero)
                   | (q > one))
        return _out(jnp.where(invalid, _const(q, np.nan), jnp.where(q <= one - p, zero, one)))


# -------------------------------------------------------------- betabinom


@_named("logpmf")
def betabinom_logpmf(k, n, a, b, loc=0):
    """Log of the beta-binomial probability mass function
    ``comb(n, k) * beta(k + a, n - k + b) / beta(a, b)``, at ``floor(k) -
    loc``; ``-inf`` outside the support and NaN where ``n < 0``, ``a <= 0``
    or ``b <= 0``.

    >>> from vmapx.scipy.stats import betabinom
    >>> betabinom.logpmf(np.array([0, 1, 2, 3]), 2, 1.0, 1.0)
    array([-1.09861229, -1.09861229, -1.09861229,        -inf])
    """
    with _quiet():
        k, n, a, b, loc = _promote_inexact(k, n, a, b, loc)
        y = jnp.floor(k) - loc
        one, zero = _const(y, 1), _const(y, 0)
        log_comb = -(jnp.log1p(n) + _betaln(n - y + one, y + one))
        log_probs = log_comb + _betaln(y + a, n - y + b) - _betaln(a, b)
        log_probs = jnp.where((y == zero) & (n == zero), zero, log_probs)
        outside = (y < -loc) | (y > n) | (y + a <= zero)
        log_probs = jnp.where(outside, _const(y, -np.inf), log_probs)
        invalid = (n < zero) | (a <= zero) | (b <= zero)
        return _out(jnp.where(invalid, _const(y, np.nan), log_probs))


@_named("pmf")
def betabinom_pmf(k, n, a, b, loc=0):
    """The beta-binomial probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import betabinom
    >>> betabinom.pmf(np.array([0, 1, 2]), 2, 2.0, 3.0)
    array([0.4, 0.4, 0.2])
    """
    with _quiet():
        return _out(jnp.exp(betabinom_logpmf(k, n, a, b, loc)))


# ------------------------------------------------------------------ binom


@_named("logpmf")
def binom_logpmf(k, n, p, loc=0):
    """Log of the binomial probability mass function ``comb(n, k) * p**k *
    (1 - p)**(n - k)`` at ``k - loc``; ``-inf`` outside ``[loc, loc + n]``.

    >>> from vmapx.scipy.stats import binom
    >>> binom.logpmf(np.array([-1, 0, 3]), 3, 0.5)
    array([       -inf, -2.07944154, -2.07944154])
    """
    with _quiet():
        k, n, p, loc = _promote_inexact(k, n, p, loc)
        y = k - loc
        zero = _const(y, 0)
        log_comb = gammaln(n + 1) - (gammaln(y + 1) + gammaln(n - y + 1))
        log_linear = xlogy(y, p) + xlog1py(n - y, -p)
        log_probs = log_comb + log_linear
        certain = ((y == zero) & (n == zero)) | (log_linear == zero)
        log_probs = jnp.where(certain, zero, log_probs)
        inside = (k >= loc) & (k < loc + n + 1)
        return _out(jnp.where(inside, log_probs, _const(y, -np.inf)))


@_named("pmf")
def binom_pmf(k, n, p, loc=0):
    """The binomial probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import binom
    >>> binom.pmf(np.array([0, 1, 2]), 2, 0.5)
    array([0.25, 0.5 , 0.25])
    """
    with _quiet():
        return _out(jnp.exp(binom_logpmf(k, n, p, loc)))


# ------------------------------------------------------------------- geom


@_named("logpmf")
def geom_logpmf(k, p, loc=0):
    """Log of the geometric probability mass function ``(1 - p)**(k - 1) * p``
    at ``k - loc``; ``-inf`` where ``k - loc <= 0``.

    >>> from vmapx.scipy.stats import geom
    >>> geom.logpmf(np.array([0, 1, 2]), 0.5)
    array([       -inf, -0.69314718, -1.38629436])
    """
    with _quiet():
        k, p, loc = _promote_inexact(k, p, loc)
        x = k - loc
        log_probs = xlog1py(x - _const(x, 1), -p) + jnp.log(p)
        return _out(jnp.where(x <= _const(x, 0), _const(x, -np.inf), log_probs))


@_named("pmf")
def geom_pmf(k, p, loc=0):
    """The geometric probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import geom
    >>> geom.pmf(np.array([1, 2, 3]), 0.5)
    array([0.5  , 0.25 , 0.125])
    """
    with _quiet():
        return _out(jnp.exp(geom_logpmf(k, p, loc)))


# ----------------------------------------------------------------- nbinom


@_named("logpmf")
def nbinom_logpmf(k, n, p, loc=0):
    """Log of the negative-binomial probability mass function ``comb(k + n -
    1, n - 1) * p**n * (1 - p)**k`` at ``k - loc``; ``-inf`` where ``k <
    loc``.

    >>> from vmapx.scipy.stats import nbinom
    >>> nbinom.logpmf(np.array([-1, 0, 2]), 2, 0.5)
    array([       -inf, -1.38629436, -1.67397643])
    """
    with _quiet():
        k, n, p, loc = _promote_inexact(k, n, p, loc)
        one = _const(k, 1)
        y = k - loc
        log_comb = gammaln(y + n) - gammaln(n) - gammaln(y + one)
        log_linear = xlogy(n, p) + xlogy(y, one - p)
        return _out(jnp.where(k < loc, _const(k, -np.inf), log_comb + log_linear))


@_named("pmf")
def nbinom_pmf(k, n, p, loc=0):
    """The negative-binomial probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import nbinom
    >>> nbinom.pmf(np.array([0, 1, 2]), 1, 0.5)
    array([0.5  , 0.25 , 0.125])
    """
    with _quiet():
        return _out(jnp.exp(nbinom_logpmf(k, n, p, loc)))
