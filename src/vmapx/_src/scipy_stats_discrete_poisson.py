"""The Poisson distribution of ``vmapx.scipy.stats`` (``jax.scipy.stats.poisson``):
``logpmf``, ``pmf``, ``cdf`` and ``entropy`` with JAX's signatures, values and
out-of-support behaviour, composed from ``numpy_api`` and the special-function
primitives.  Each function is defined as ``poisson_<name>`` and re-exported
as ``<name>`` by ``vmapx.scipy.stats.poisson``.

``entropy`` follows JAX's three regimes: a sum of ``entr(pmf)`` over ``k <
mu + 20`` (35 terms) for ``mu < 10``, over ``k < mu + 10 sqrt(mu) + 20`` (250
terms) for ``mu < 100``, and the asymptotic ``log(2 pi e mu) / 2 - 1 / (12
mu)`` beyond; every regime is computed for every ``mu`` and one is selected,
so it batches and stages like any composition.

>>> from vmapx.scipy.stats import poisson
>>> poisson.pmf(np.array([0, 1, 2]), 2.0)
array([0.13533528, 0.27067057, 0.27067057])
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .core import dtype_of, shape_of
from .scipy_special import _out, _promote_inexact, gammaincc, gammaln, xlogy
from .scipy_stats_support import _named, _quiet


@_named("logpmf")
def poisson_logpmf(k, mu, loc=0):
    """Log of the Poisson probability mass function ``exp(-mu) mu**k / k!`` at
    ``k - loc``; ``-inf`` where ``k - loc < 0`` or ``k`` is not an integer.

    >>> from vmapx.scipy.stats import poisson
    >>> poisson.logpmf(np.array([-1.0, 0.0, 1.5, 2.0]), 2.0)
    array([       -inf, -2.        ,        -inf, -1.30685282])
    """
    with _quiet():
        k, mu, loc = _promote_inexact(k, mu, loc)
        x = k - loc
        log_probs = xlogy(x, mu) - gammaln(x + 1) - mu
        outside = jnp.logical_or(x < np.zeros((), dtype_of(x)), jnp.round(k) != k)
        return _out(jnp.where(outside, np.asarray(-np.inf, dtype_of(x)), log_probs))


@_named("pmf")
def poisson_pmf(k, mu, loc=0):
    """The Poisson probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import poisson
    >>> poisson.pmf(np.array([0.0, 1.0], np.float32), np.float32(1.0))
    array([0.36787942, 0.36787942], dtype=float32)
    """
    with _quiet():
        return _out(jnp.exp(poisson_logpmf(k, mu, loc)))


@_named("cdf")
def poisson_cdf(k, mu, loc=0):
    """The Poisson cumulative distribution function ``gammaincc(floor(k - loc)
    + 1, mu)``; 0 where ``k - loc < 0``.

    >>> from vmapx.scipy.stats import poisson
    >>> poisson.cdf(np.array([-1.0, 0.0, 1.5]), 1.0)
    array([0.        , 0.36787944, 0.73575888])
    """
    with _quiet():
        k, mu, loc = _promote_inexact(k, mu, loc)
        x = k - loc
        zero = np.zeros((), dtype_of(x))
        return _out(jnp.where(x < zero, zero, gammaincc(jnp.floor(1 + x), mu)))


def _entr(p):
    """``-p log p`` (0 at 0, ``-inf`` below 0)."""
    return jnp.where(p < 0, np.asarray(-np.inf, dtype_of(p)), -xlogy(p, p))


def _entropy_by_sum(mu, terms, upper):
    """``sum(entr(pmf(k, mu)))`` over ``k < upper`` (``upper`` per ``mu``,
    at most ``terms``).  The terms left out are replaced by probability 1,
    whose ``entr`` is 0 like JAX's zeros, but whose derivative is finite (no
    ``0 * inf`` reaches the gradient)."""
    k = jnp.arange(terms, dtype=dtype_of(mu))[:, None]
    probs = poisson_pmf(k, mu, 0)
    probs = jnp.where(k < jnp.ceil(upper)[None, :], probs, np.ones((), dtype_of(mu)))
    return jnp.sum(_entr(probs), axis=0)


@_named("entropy")
def poisson_entropy(mu, loc=0):
    """The Shannon entropy of the Poisson distribution of mean ``mu`` (``loc``
    is accepted as in SciPy and does not change it); 0 at ``mu == 0``.  The
    result has the broadcast shape of ``mu`` and ``loc``.

    >>> from vmapx.scipy.stats import poisson
    >>> poisson.entropy(np.array([1.0, 10.0, 100.0]))
    array([1.30484224, 2.56140994, 3.72069029])
    """
    with _quiet():
        mu, loc = _promote_inexact(mu, loc)
        shape = np.broadcast_shapes(shape_of(mu), shape_of(loc))
        flat = jnp.ravel(mu)
        # each regime sees a mu of its own range where it is not selected (a
        # finite value and derivative that the selection then drops)
        summed = jnp.where(flat == 0, jnp.ones_like(flat), flat)
        small = _entropy_by_sum(summed, 35, summed + 20)
        medium = _entropy_by_sum(summed, 250, summed + 10 * jnp.sqrt(summed) + 20)
        asymptotic = jnp.where(flat < 100, jnp.full_like(flat, 100), flat)
        large = 0.5 * jnp.log(2 * np.pi * np.e * asymptotic) - 1.0 / (12 * asymptotic)
        result = jnp.where(flat == 0, jnp.zeros_like(flat),
                           jnp.where(flat < 10, small, jnp.where(flat < 100, medium, large)))
        return _out(jnp.broadcast_to(jnp.reshape(result, shape_of(mu)), shape))
