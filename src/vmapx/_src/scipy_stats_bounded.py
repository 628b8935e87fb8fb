"""Continuous distributions of ``vmapx.scipy.stats`` on bounded supports: the
truncated normal ``truncnorm`` (bounds ``a``, ``b`` in standard units) and the
circular ``vonmises`` and ``wrapcauchy``, with JAX's function sets, formulas
and conventions (NaN for ``a >= b``, a non-positive ``kappa``, a ``c`` outside
``(0, 1)``).

The truncated normal's mass between two bounds is computed in the tail that
keeps it accurate, as JAX does: from ``log_ndtr`` differences when both bounds
lie on one side of 0, from ``ndtr`` of the two outer tails otherwise.  Each
function is ``<distribution>_<function>``; the public modules export them
under their short names.

>>> from vmapx.scipy.stats import truncnorm
>>> truncnorm.cdf(np.array([-2.0, 1.0]), -1.0, 1.0)
array([0., 1.])
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .scipy_norm import logpdf as _norm_logpdf
from .scipy_special import i0e, log_ndtr, ndtr
from .scipy_stats_common import _out, log_diff, promote

_LOG_2PI = float(np.log(2 * np.pi))


# --------------------------------------------------------------- truncnorm


def _log_gauss_mass(a, b):
    """``log(ndtr(b) - ndtr(a))`` for ``a <= b``: by ``log_ndtr`` differences
    in a tail (both bounds on one side of 0, reflected to the left one), by
    the two outer tails when ``a < 0 < b``."""
    a, b = jnp.broadcast_arrays(a, b)
    right = a > 0
    central = ~((b <= 0) | right)
    low = jnp.where(right, -b, a)
    high = jnp.where(right, -a, b)
    mass_tail = log_diff(log_ndtr(high), log_ndtr(low))
    mass_central = jnp.log1p(-ndtr(a) - ndtr(-b))
    return jnp.where(central, mass_central, mass_tail)


def truncnorm_logpdf(x, a, b, loc=0, scale=1):
    """Log of the normal density truncated to ``[loc + a scale, loc + b scale]``:
    ``-inf`` outside, NaN where ``a >= b``.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.logpdf(np.array([-2.0, 0.0, 0.5]), -1.0, 1.0)
    array([       -inf, -0.53722339, -0.66222339])
    """
    x, a, b, loc, scale = promote("truncnorm.logpdf", x, a, b, loc, scale)
    value = _norm_logpdf(x, loc, scale) - _log_gauss_mass(a, b)
    z = (x - loc) / scale
    value = jnp.where((z < a) | (z > b), -np.inf, value)
    return _out(jnp.where(a >= b, np.nan, value))


def truncnorm_pdf(x, a, b, loc=0, scale=1):
    """The truncated normal density.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.pdf(np.array([0.0]), 0.0, np.inf)
    array([0.79788456])
    """
    return _out(jnp.exp(truncnorm_logpdf(x, a, b, loc, scale)))


def truncnorm_logcdf(x, a, b, loc=0, scale=1):
    """Log of the truncated normal distribution function: ``-inf`` at and
    below ``a``, 0 at and above ``b``; near 1 (log above -0.1) it is
    ``log1p(-sf)``, so the upper tail keeps its digits.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.logcdf(np.array([-1.0, 0.0, 1.0]), -1.0, 1.0)
    array([       -inf, -0.69314718,  0.        ])
    """
    x, a, b, loc, scale = promote("truncnorm.logcdf", x, a, b, loc, scale)
    x, a, b = jnp.broadcast_arrays(x, a, b)
    z = (x - loc) / scale
    log_mass = _log_gauss_mass(a, b)
    log_cdf = _log_gauss_mass(a, z) - log_mass
    log_sf = _log_gauss_mass(z, b) - log_mass
    result = jnp.select([z >= b, z <= a, log_cdf > -0.1, z > a],
                        [0.0, -np.inf, jnp.log1p(-jnp.exp(log_sf)), log_cdf])
    return _out(jnp.where(a >= b, np.nan, result))


def truncnorm_cdf(x, a, b, loc=0, scale=1):
    """The truncated normal distribution function.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.cdf(np.array([0.0, 0.5]), -1.0, 1.0)
    array([0.5       , 0.78045321])
    """
    return _out(jnp.exp(truncnorm_logcdf(x, a, b, loc, scale)))


def truncnorm_logsf(x, a, b, loc=0, scale=1):
    """Log of the truncated normal survival function, the ``logcdf`` of the
    reflected distribution.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.logsf(np.array([0.0]), -1.0, 1.0)
    array([-0.69314718])
    """
    x, a, b, loc, scale = promote("truncnorm.logsf", x, a, b, loc, scale)
    return truncnorm_logcdf(-x, -b, -a, -loc, scale)


def truncnorm_sf(x, a, b, loc=0, scale=1):
    """The truncated normal survival function.

    >>> from vmapx.scipy.stats import truncnorm
    >>> truncnorm.sf(np.array([0.5]), -1.0, 1.0)
    array([0.21954679])
    """
    return _out(jnp.exp(truncnorm_logsf(x, a, b, loc, scale)))


# ---------------------------------------------------------------- vonmises


def vonmises_logpdf(x, kappa):
    """Log of the von Mises density ``exp(kappa cos(x)) / (2 pi I0(kappa))``,
    through the scaled ``i0e`` (no overflow for large ``kappa``); NaN where
    ``kappa <= 0``.  Not reduced modulo ``2 pi``, as JAX's.

    >>> from vmapx.scipy.stats import vonmises
    >>> vonmises.logpdf(np.array([0.0, np.pi]), 2.0)
    array([-0.66187061, -4.66187061])
    """
    x, kappa = promote("vonmises.logpdf", x, kappa)
    value = kappa * (jnp.cos(x) - 1) - jnp.log(2 * float(np.pi) * i0e(kappa))
    return _out(jnp.where(kappa > 0, value, np.nan))


def vonmises_pdf(x, kappa):
    """The von Mises density.

    >>> from vmapx.scipy.stats import vonmises
    >>> vonmises.pdf(np.array([0.0]), 1.0)
    array([0.34171049])
    """
    return _out(jnp.exp(vonmises_logpdf(x, kappa)))


# -------------------------------------------------------------- wrapcauchy


def wrapcauchy_logpdf(x, c):
    """Log of the wrapped Cauchy density ``(1 - c**2) / (2 pi (1 + c**2 - 2 c
    cos(x)))`` on ``[0, 2 pi]`` (``-inf`` outside); NaN unless ``0 < c < 1``.

    >>> from vmapx.scipy.stats import wrapcauchy
    >>> wrapcauchy.logpdf(np.array([-1.0, 0.0, np.pi]), 0.5)
    array([       -inf, -0.73926478, -2.93648936])
    """
    x, c = promote("wrapcauchy.logpdf", x, c)
    value = jnp.log(1 - c * c) - _LOG_2PI - jnp.log(1 + c * c - 2 * c * jnp.cos(x))
    inside = (x >= 0) & (x <= 2 * float(np.pi))
    return _out(jnp.where((c > 0) & (c < 1), jnp.where(inside, value, -np.inf), np.nan))


def wrapcauchy_pdf(x, c):
    """The wrapped Cauchy density.

    >>> from vmapx.scipy.stats import wrapcauchy
    >>> wrapcauchy.pdf(np.array([0.0]), 0.5)
    array([0.47746483])
    """
    return _out(jnp.exp(wrapcauchy_logpdf(x, c)))
