"""The multivariate distributions of ``vmapx.scipy.stats``: ``multinomial``
(``logpmf``, ``pmf``), ``multivariate_normal`` (``logpdf``, ``pdf``) and
``dirichlet`` (``logpdf``, ``pdf``), with JAX's signatures, shape rules,
errors and out-of-support values, composed from ``numpy_api``, the
special-function primitives and ``lax.linalg`` so that they batch,
differentiate (through ``cholesky``, with respect to ``mean`` and ``cov``)
and stage.  Each function is defined as ``<distribution>_<name>`` and
re-exported as ``<name>`` by ``vmapx.scipy.stats.<distribution>``.

>>> from vmapx.scipy.stats import multivariate_normal
>>> multivariate_normal.logpdf(np.zeros(2), np.zeros(2), np.eye(2))
array(-1.83787707)
"""
from __future__ import annotations

import numpy as np

from . import inputs
from . import numpy_api as jnp
from .core import dtype_of, is_python_scalar, ndim_of, shape_of
from .jnp.base import asarray_like, astype
from .lax_linalg import cholesky, triangular_solve
from .scipy_special import _out, _promote_inexact, gammaln, xlogy
from .scipy_stats_support import _named, _quiet

_LOG_2PI = float(np.log(2 * np.pi))


# ------------------------------------------------------------ multinomial


@_named("logpmf")
def multinomial_logpmf(x, n, p):
    """Log of the multinomial probability mass function of the counts ``x``
    (integers, categories on the last axis) for ``n`` trials with category
    probabilities ``p``: ``gammaln(n + 1) + sum(xlogy(x, p) - gammaln(x +
    1))``, and ``-inf`` where the counts do not add up to ``n``.

    >>> from vmapx.scipy.stats import multinomial
    >>> multinomial.logpmf(np.array([1, 1]), 2, np.array([0.5, 0.5]))
    array(-0.69314718)
    """
    with _quiet():
        (p,) = _promote_inexact(p)
        x, n = asarray_like(x), asarray_like(n)
        counts_dtype = np.result_type(*[v if is_python_scalar(v) else dtype_of(v)
                                        for v in (x, n)])
        if inputs.kind(counts_dtype) not in "iu":
            raise ValueError(f"x and n must be of integer type; got x.dtype={counts_dtype}, "
                             f"n.dtype={counts_dtype}")
        x, n = [np.asarray(v, dtype_of(p)) if is_python_scalar(v) else astype(v, dtype_of(p))
                for v in (x, n)]
        logprobs = gammaln(n + 1) + jnp.sum(xlogy(x, p) - gammaln(x + 1), axis=-1)
        return _out(jnp.where(jnp.sum(x) == n, logprobs,
                              np.asarray(-np.inf, dtype_of(logprobs))))


@_named("pmf")
def multinomial_pmf(x, n, p):
    """The multinomial probability mass function, ``exp(logpmf)``.

    >>> from vmapx.scipy.stats import multinomial
    >>> multinomial.pmf(np.array([2, 0]), 2, np.array([0.5, 0.5]))
    array(0.25)
    """
    with _quiet():
        return _out(jnp.exp(multinomial_logpmf(x, n, p)))


# ----------------------------------------------------- multivariate_normal


def _lower_solve(factor, y):
    """``factor^-1 y`` over the broadcast batch axes of a lower-triangular
    ``factor`` (``(..., n, n)``) and vectors ``y`` (``(..., n)``)."""
    n = shape_of(y)[-1]
    batch = np.broadcast_shapes(shape_of(factor)[:-2], shape_of(y)[:-1])
    factor = jnp.broadcast_to(factor, batch + (n, n))
    y = jnp.broadcast_to(y, batch + (n,))
    return triangular_solve(factor, jnp.expand_dims(y, -1), left_side=True, lower=True)[..., 0]


@_named("logpdf")
def multivariate_normal_logpdf(x, mean, cov, allow_singular=None):
    """Log of the multivariate normal density at ``x`` (``(..., n)``) with
    ``mean`` (``(..., n)``) and covariance ``cov``: a matrix (``(..., n,
    n)``, factored by Cholesky, so a matrix that is not positive definite
    gives NaN), or a scalar (``cov * I``); with a scalar ``mean`` everything
    is elementwise (the univariate normal).  Batch axes broadcast.
    ``allow_singular`` is not implemented, as in JAX.

    >>> from vmapx.scipy.stats import multivariate_normal
    >>> cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> multivariate_normal.logpdf(np.array([[0.0, 0.0], [1.0, -1.0]]), np.zeros(2), cov)
    array([-2.11768496, -3.2605421 ])
    """
    if allow_singular is not None:
        raise NotImplementedError("allow_singular argument of multivariate_normal.logpdf")
    with _quiet():
        x, mean, cov = _promote_inexact(x, mean, cov)
        if not shape_of(mean):
            return _out(-0.5 * jnp.square(x - mean) / cov - 0.5 * (_LOG_2PI + jnp.log(cov)))
        n = shape_of(mean)[-1]
        y = x - mean
        if not shape_of(cov):
            return _out(-0.5 * jnp.sum(y * y, axis=-1) / cov - n / 2 * (_LOG_2PI + jnp.log(cov)))
        if ndim_of(cov) < 2 or shape_of(cov)[-2:] != (n, n):
            raise ValueError("multivariate_normal.logpdf got incompatible shapes")
        factor = cholesky(cov)
        z = _lower_solve(factor, y)
        log_det_half = jnp.sum(jnp.log(jnp.diagonal(factor, axis1=-1, axis2=-2)), axis=-1)
        return _out(-0.5 * jnp.sum(z * z, axis=-1) - n / 2 * _LOG_2PI - log_det_half)


@_named("pdf")
def multivariate_normal_pdf(x, mean, cov):
    """The multivariate normal density, ``exp(logpdf)``.

    >>> from vmapx.scipy.stats import multivariate_normal
    >>> multivariate_normal.pdf(np.array([0.0, 1.0]), np.zeros(2), 1.0)
    array(0.09653235)
    """
    with _quiet():
        return _out(jnp.exp(multivariate_normal_logpdf(x, mean, cov)))


# -------------------------------------------------------------- dirichlet


@_named("logpdf")
def dirichlet_logpdf(x, alpha):
    """Log of the Dirichlet density with concentrations ``alpha`` (1-D, ``K``
    entries) at ``x``, whose first axis holds the ``K`` coordinates (or
    ``K - 1``, the last being ``1 - sum``); ``-inf`` off the open simplex
    (a coordinate ``<= 0`` or a sum further than ``1e-6`` from 1).

    >>> from vmapx.scipy.stats import dirichlet
    >>> dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), np.array([1.0, 2.0, 3.0]))
    array(1.5040774)
    >>> dirichlet.logpdf(np.array([0.2, 0.3]), np.array([1.0, 2.0, 3.0]))
    array(1.5040774)
    """
    with _quiet():
        x, alpha = _promote_inexact(x, alpha)
        if ndim_of(alpha) != 1:
            raise ValueError(f"`alpha` must be one-dimensional; got alpha.shape={shape_of(alpha)}")
        if not ndim_of(x) or shape_of(x)[0] not in (shape_of(alpha)[0], shape_of(alpha)[0] - 1):
            raise ValueError("`x` must have either the same number of entries as `alpha` or one "
                             f"entry fewer; got x.shape={shape_of(x)}, "
                             f"alpha.shape={shape_of(alpha)}")
        one = np.ones((), dtype_of(x))
        if shape_of(x)[0] != shape_of(alpha)[0]:
            x = jnp.concatenate([x, one - jnp.sum(x, axis=0, keepdims=True)], axis=0)
        normalize = jnp.sum(gammaln(alpha)) - gammaln(jnp.sum(alpha))
        alpha = jnp.reshape(alpha, shape_of(alpha) + (1,) * (ndim_of(x) - 1))
        log_probs = jnp.sum(xlogy(alpha - one, x), axis=0) - normalize
        on_simplex = (jnp.all(x > 0, axis=0)
                      & (jnp.abs(jnp.sum(x, axis=0) - one) < np.asarray(1e-6, dtype_of(x))))
        return _out(jnp.where(on_simplex, log_probs, np.asarray(-np.inf, dtype_of(x))))


@_named("pdf")
def dirichlet_pdf(x, alpha):
    """The Dirichlet density, ``exp(logpdf)``.

    >>> from vmapx.scipy.stats import dirichlet
    >>> dirichlet.pdf(np.array([0.25, 0.75]), np.array([2.0, 1.0]))
    array(0.5)
    """
    with _quiet():
        return _out(jnp.exp(dirichlet_logpdf(x, alpha)))
