"""The normal distribution of ``vmapx.scipy.stats`` (``jax.scipy.stats.norm``):
densities, distribution functions and quantiles with ``loc`` and ``scale``, in
the floating dtype of the arguments (NumPy's promotion).

In ``_src`` so that ``numpy_hooks`` (SciPy's ``norm`` called on traced values in
plain NumPy code) imports it at module level; ``vmapx.scipy.stats.norm``
re-exports it, with concrete results as ``vmapx.Array``s.

>>> cdf(np.array([0.0]), loc=0.0)
array([0.5])
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .scipy_special import _out, _promote_inexact, log_ndtr, ndtr, ndtri

_LOG_2PI = float(np.log(2 * np.pi))


def logpdf(x, loc=0, scale=1):
    """Log of the normal density.

    >>> logpdf(np.array([0.0, 1.0]))
    array([-0.91893853, -1.41893853])
    """
    x, loc, scale = _promote_inexact(x, loc, scale)
    s2 = jnp.square(scale)
    return _out((jnp.log(s2 * (2 * np.pi)) + jnp.square(x - loc) / s2) / -2)


def pdf(x, loc=0, scale=1):
    """The normal density.

    >>> pdf(np.array([0.0]), scale=2.0)
    array([0.19947114])
    """
    return _out(jnp.exp(logpdf(x, loc, scale)))


def cdf(x, loc=0, scale=1):
    """The normal cumulative distribution function.

    >>> cdf(np.array([0.0, 1.96]))
    array([0.5       , 0.9750021])
    """
    x, loc, scale = _promote_inexact(x, loc, scale)
    return ndtr((x - loc) / scale)


def logcdf(x, loc=0, scale=1):
    """Log of ``cdf``, accurate far into the lower tail.

    >>> logcdf(np.array([-10.0]))
    array([-53.23128515])
    """
    x, loc, scale = _promote_inexact(x, loc, scale)
    return log_ndtr((x - loc) / scale)


def sf(x, loc=0, scale=1):
    """The survival function ``1 - cdf``, accurate in the upper tail.

    >>> sf(np.array([0.0, 10.0]))
    array([5.00000000e-01, 7.61985302e-24])
    """
    x, loc, scale = _promote_inexact(x, loc, scale)
    return cdf(-x, -loc, scale)


def logsf(x, loc=0, scale=1):
    """Log of the survival function.

    >>> logsf(np.array([10.0]))
    array([-53.23128515])
    """
    x, loc, scale = _promote_inexact(x, loc, scale)
    return logcdf(-x, -loc, scale)


def ppf(q, loc=0, scale=1):
    """The quantile function, the inverse of ``cdf``; float64 whatever the
    input's float type, as JAX's (x64) ``norm.ppf``.

    >>> ppf(np.array([0.5, 0.975]), loc=1.0, scale=2.0)
    array([1.        , 4.91992797])
    >>> ppf(np.float32(0.5)).dtype
    dtype('float64')
    """
    q, loc, scale = _promote_inexact(q, loc, scale)
    return _out(jnp.astype(ndtri(q) * scale + loc, np.float64))


def isf(q, loc=0, scale=1):
    """The inverse of the survival function, ``ppf(1 - q)``.

    >>> isf(np.array([0.025]))
    array([1.95996398])
    """
    q, loc, scale = _promote_inexact(q, loc, scale)
    return ppf(1 - q, loc, scale)


__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]
