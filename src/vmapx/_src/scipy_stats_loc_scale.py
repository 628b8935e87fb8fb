"""Continuous distributions of ``vmapx.scipy.stats`` with only ``loc`` and
``scale`` parameters: ``cauchy``, ``expon``, ``gumbel_l``, ``gumbel_r``,
``laplace``, ``logistic`` and ``uniform``, with JAX's function sets, formulas
and conventions outside the support (``-inf`` log densities, NaN for a
non-positive ``scale`` where JAX checks it, NaN quantiles outside ``[0, 1]``).

Each function is ``<distribution>_<function>``; the public modules
(``vmapx.scipy.stats.cauchy``, ...) export them under their short names.
Every function is composed from ``vmapx.numpy``, so it batches under ``vmap``,
differentiates, and stages under ``jit``.

>>> float(cauchy_cdf(np.array(1.0)))
0.75
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .core import dtype_of
from .scipy_stats_common import _out, expit, log1mexp, logit, promote

_PI = float(np.pi)


def _standard(x, loc, scale):
    return (x - loc) / scale


# ------------------------------------------------------------------ cauchy


def cauchy_logpdf(x, loc=0, scale=1):
    """Log of the Cauchy density ``1 / (pi scale (1 + z**2))``, ``z = (x - loc) / scale``.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.logpdf(np.array([0.0, 1.0]))
    array([-1.14472989, -1.83787707])
    """
    x, loc, scale = promote("cauchy.logpdf", x, loc, scale)
    z = _standard(x, loc, scale)
    return _out(-(jnp.log(_PI * scale) + jnp.log1p(z * z)))


def cauchy_pdf(x, loc=0, scale=1):
    """The Cauchy density.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.pdf(np.array([0.0, 2.0]), loc=1.0, scale=2.0)
    array([0.12732395, 0.12732395])
    """
    return _out(jnp.exp(cauchy_logpdf(x, loc, scale)))


def cauchy_cdf(x, loc=0, scale=1):
    """The Cauchy distribution function ``1/2 + arctan(z) / pi``.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.cdf(np.array([-1.0, 0.0, 1.0]))
    array([0.25, 0.5 , 0.75])
    """
    x, loc, scale = promote("cauchy.cdf", x, loc, scale)
    return _out(0.5 + (1 / _PI) * jnp.arctan(_standard(x, loc, scale)))


def cauchy_logcdf(x, loc=0, scale=1):
    """Log of the Cauchy distribution function.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.logcdf(np.array([0.0]))
    array([-0.69314718])
    """
    return _out(jnp.log(cauchy_cdf(x, loc, scale)))


def cauchy_sf(x, loc=0, scale=1):
    """The Cauchy survival function ``1 - cdf``, as ``cdf`` reflected about ``loc``.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.sf(np.array([1.0]))
    array([0.25])
    """
    x, loc, scale = promote("cauchy.sf", x, loc, scale)
    return cauchy_cdf(-x, -loc, scale)


def cauchy_logsf(x, loc=0, scale=1):
    """Log of the Cauchy survival function.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.logsf(np.array([1.0]))
    array([-1.38629436])
    """
    x, loc, scale = promote("cauchy.logsf", x, loc, scale)
    return cauchy_logcdf(-x, -loc, scale)


def cauchy_ppf(q, loc=0, scale=1):
    """The Cauchy quantile function ``loc + scale tan(pi (q - 1/2))``.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.ppf(np.array([0.5, 0.75]), loc=1.0)
    array([1., 2.])
    """
    q, loc, scale = promote("cauchy.ppf", q, loc, scale)
    return _out(jnp.tan(_PI * q - _PI / 2) * scale + loc)


def cauchy_isf(q, loc=0, scale=1):
    """The inverse of the Cauchy survival function, ``loc + scale tan(pi (1/2 - q))``.

    >>> from vmapx.scipy.stats import cauchy
    >>> cauchy.isf(np.array([0.25]))
    array([1.])
    """
    q, loc, scale = promote("cauchy.isf", q, loc, scale)
    return _out(jnp.tan(_PI / 2 - _PI * q) * scale + loc)


# ------------------------------------------------------------------- expon


def expon_logpdf(x, loc=0, scale=1):
    """Log of the exponential density ``exp(-z) / scale`` for ``x >= loc``
    (``-inf`` below).

    >>> from vmapx.scipy.stats import expon
    >>> expon.logpdf(np.array([-1.0, 0.0, 2.0]), scale=2.0)
    array([       -inf, -0.69314718, -1.69314718])
    """
    x, loc, scale = promote("expon.logpdf", x, loc, scale)
    log_probs = -(_standard(x, loc, scale) + jnp.log(scale))
    return _out(jnp.where(x < loc, -np.inf, log_probs))


def expon_pdf(x, loc=0, scale=1):
    """The exponential density.

    >>> from vmapx.scipy.stats import expon
    >>> expon.pdf(np.array([0.0, 1.0]))
    array([1.        , 0.36787944])
    """
    return _out(jnp.exp(expon_logpdf(x, loc, scale)))


def expon_cdf(x, loc=0, scale=1):
    """The exponential distribution function ``-expm1(-z)`` (0 below ``loc``).

    >>> from vmapx.scipy.stats import expon
    >>> expon.cdf(np.array([-1.0, 1.0]))
    array([0.        , 0.63212056])
    """
    x, loc, scale = promote("expon.cdf", x, loc, scale)
    neg_z = (loc - x) / scale
    return _out(jnp.where(x < loc, jnp.zeros_like(neg_z), -jnp.expm1(neg_z)))


def expon_logsf(x, loc=0, scale=1):
    """Log of the exponential survival function, ``-z`` (0 below ``loc``).

    >>> from vmapx.scipy.stats import expon
    >>> expon.logsf(np.array([-1.0, 3.0]))
    array([ 0., -3.])
    """
    x, loc, scale = promote("expon.logsf", x, loc, scale)
    neg_z = (loc - x) / scale
    return _out(jnp.where(x < loc, jnp.zeros_like(neg_z), neg_z))


def expon_sf(x, loc=0, scale=1):
    """The exponential survival function ``exp(-z)``.

    >>> from vmapx.scipy.stats import expon
    >>> expon.sf(np.array([1.0]))
    array([0.36787944])
    """
    return _out(jnp.exp(expon_logsf(x, loc, scale)))


def expon_logcdf(x, loc=0, scale=1):
    """Log of the exponential distribution function, ``log1p(-sf)``.

    >>> from vmapx.scipy.stats import expon
    >>> expon.logcdf(np.array([1.0]))
    array([-0.45867515])
    """
    return _out(jnp.log1p(-expon_sf(x, loc, scale)))


def expon_ppf(q, loc=0, scale=1):
    """The exponential quantile function ``loc - scale log1p(-q)``; NaN for
    ``q`` outside ``[0, 1]``.

    >>> from vmapx.scipy.stats import expon
    >>> expon.ppf(np.array([0.0, 0.5, 2.0]))
    array([0.        , 0.69314718,        nan])
    """
    q, loc, scale = promote("expon.ppf", q, loc, scale)
    bad = jnp.isnan(q) | (q < 0) | (q > 1)
    return _out(jnp.where(bad, np.nan, loc - scale * jnp.log1p(-q)))


# ---------------------------------------------------------------- gumbel_l


def _gumbel_checked(scale, value):
    """``value`` where ``scale > 0``, NaN elsewhere (JAX's Gumbel convention)."""
    return _out(jnp.where(scale > 0, value, np.nan))


def gumbel_l_logpdf(x, loc=0, scale=1):
    """Log of the left-skewed Gumbel density ``exp(z - exp(z)) / scale``;
    NaN where ``scale <= 0``.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.logpdf(np.array([0.0, 1.0]))
    array([-1.        , -1.71828183])
    """
    x, loc, scale = promote("gumbel_l.logpdf", x, loc, scale)
    z = _standard(x, loc, scale)
    return _gumbel_checked(scale, -jnp.log(scale) + (z - jnp.exp(z)))


def gumbel_l_pdf(x, loc=0, scale=1):
    """The left-skewed Gumbel density.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.pdf(np.array([0.0]))
    array([0.36787944])
    """
    return _out(jnp.exp(gumbel_l_logpdf(x, loc, scale)))


def gumbel_l_logcdf(x, loc=0, scale=1):
    """Log of the left-skewed Gumbel distribution function ``1 - exp(-exp(z))``.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.logcdf(np.array([-2.0, 0.0]))
    array([-2.06690461, -0.45867515])
    """
    x, loc, scale = promote("gumbel_l.logcdf", x, loc, scale)
    z = _standard(x, loc, scale)
    return _gumbel_checked(scale, jnp.log(-jnp.expm1(-jnp.exp(z))))


def gumbel_l_cdf(x, loc=0, scale=1):
    """The left-skewed Gumbel distribution function.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.cdf(np.array([0.0]))
    array([0.63212056])
    """
    return _out(jnp.exp(gumbel_l_logcdf(x, loc, scale)))


def gumbel_l_logsf(x, loc=0, scale=1):
    """Log of the left-skewed Gumbel survival function, ``-exp(z)``.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.logsf(np.array([0.0, 1.0]))
    array([-1.        , -2.71828183])
    """
    x, loc, scale = promote("gumbel_l.logsf", x, loc, scale)
    return _gumbel_checked(scale, -jnp.exp(_standard(x, loc, scale)))


def gumbel_l_sf(x, loc=0, scale=1):
    """The left-skewed Gumbel survival function ``exp(-exp(z))``.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.sf(np.array([0.0]))
    array([0.36787944])
    """
    return _out(jnp.exp(gumbel_l_logsf(x, loc, scale)))


def gumbel_l_ppf(p, loc=0, scale=1):
    """The left-skewed Gumbel quantile function ``loc + scale log(-log1p(-p))``;
    NaN outside ``(0, 1)``.

    >>> from vmapx.scipy.stats import gumbel_l
    >>> gumbel_l.ppf(np.array([0.0, 0.5, 0.9]))
    array([        nan, -0.36651292,  0.83403245])
    """
    p, loc, scale = promote("gumbel_l.ppf", p, loc, scale)
    quantile = loc + scale * jnp.log(-jnp.log1p(-p))
    return _out(jnp.where((p > 0) & (p < 1), quantile, np.nan))


# ---------------------------------------------------------------- gumbel_r


def gumbel_r_logpdf(x, loc=0, scale=1):
    """Log of the right-skewed Gumbel density ``exp(-z - exp(-z)) / scale``;
    NaN where ``scale <= 0``.

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.logpdf(np.array([0.0, 1.0]))
    array([-1.        , -1.36787944])
    """
    x, loc, scale = promote("gumbel_r.logpdf", x, loc, scale)
    z = _standard(x, loc, scale)
    return _gumbel_checked(scale, -jnp.log(scale) - (z + jnp.exp(-z)))


def gumbel_r_pdf(x, loc=0, scale=1):
    """The right-skewed Gumbel density.

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.pdf(np.array([0.0]))
    array([0.36787944])
    """
    return _out(jnp.exp(gumbel_r_logpdf(x, loc, scale)))


def gumbel_r_logcdf(x, loc=0, scale=1):
    """Log of the right-skewed Gumbel distribution function, ``-exp(-z)``.

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.logcdf(np.array([0.0, 1.0]))
    array([-1.        , -0.36787944])
    """
    x, loc, scale = promote("gumbel_r.logcdf", x, loc, scale)
    return _gumbel_checked(scale, -jnp.exp(-_standard(x, loc, scale)))


def gumbel_r_cdf(x, loc=0, scale=1):
    """The right-skewed Gumbel distribution function ``exp(-exp(-z))``.

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.cdf(np.array([0.0]))
    array([0.36787944])
    """
    return _out(jnp.exp(gumbel_r_logcdf(x, loc, scale)))


def gumbel_r_sf(x, loc=0, scale=1):
    """The right-skewed Gumbel survival function ``1 - exp(-exp(-z))`` (as
    JAX computes it: it loses relative accuracy far in the upper tail).

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.sf(np.array([0.0, 2.0]))
    array([0.63212056, 0.12657698])
    """
    x, loc, scale = promote("gumbel_r.sf", x, loc, scale)
    neg_z = (loc - x) / scale
    return _gumbel_checked(scale, 1 - jnp.exp(-jnp.exp(neg_z)))


def gumbel_r_logsf(x, loc=0, scale=1):
    """Log of the right-skewed Gumbel survival function, ``log1mexp(exp(-z))``
    (accurate in both tails).

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.logsf(np.array([0.0, 40.0]))
    array([ -0.45867515, -40.        ])
    """
    x, loc, scale = promote("gumbel_r.logsf", x, loc, scale)
    neg_z = (loc - x) / scale
    return _gumbel_checked(scale, log1mexp(jnp.exp(neg_z)))


def gumbel_r_ppf(p, loc=0, scale=1):
    """The right-skewed Gumbel quantile function ``loc - scale log(-log(p))``;
    NaN outside ``(0, 1)``.

    >>> from vmapx.scipy.stats import gumbel_r
    >>> gumbel_r.ppf(np.array([0.5, 1.0]))
    array([0.36651292,        nan])
    """
    p, loc, scale = promote("gumbel_r.ppf", p, loc, scale)
    quantile = loc - scale * jnp.log(-jnp.log(p))
    return _out(jnp.where((p > 0) & (p < 1), quantile, np.nan))


# ----------------------------------------------------------------- laplace


def laplace_logpdf(x, loc=0, scale=1):
    """Log of the Laplace density ``exp(-|z|) / (2 scale)``.

    >>> from vmapx.scipy.stats import laplace
    >>> laplace.logpdf(np.array([0.0, -1.0]))
    array([-0.69314718, -1.69314718])
    """
    x, loc, scale = promote("laplace.logpdf", x, loc, scale)
    return _out(-(jnp.abs(x - loc) / scale + jnp.log(2 * scale)))


def laplace_pdf(x, loc=0, scale=1):
    """The Laplace density.

    >>> from vmapx.scipy.stats import laplace
    >>> laplace.pdf(np.array([0.0]), scale=0.5)
    array([1.])
    """
    return _out(jnp.exp(laplace_logpdf(x, loc, scale)))


def laplace_cdf(x, loc=0, scale=1):
    """The Laplace distribution function: ``exp(z) / 2`` for ``z <= 0``,
    ``1 - exp(-z) / 2`` above.

    >>> from vmapx.scipy.stats import laplace
    >>> laplace.cdf(np.array([-1.0, 0.0, 1.0]))
    array([0.18393972, 0.5       , 0.81606028])
    """
    x, loc, scale = promote("laplace.cdf", x, loc, scale)
    z = _standard(x, loc, scale)
    return _out(jnp.where(z <= 0, 0.5 * jnp.exp(z), 1 - 0.5 * jnp.exp(-z)))


# ---------------------------------------------------------------- logistic


def logistic_logpdf(x, loc=0, scale=1):
    """Log of the logistic density ``1 / (scale (e**(z/2) + e**(-z/2))**2)``.

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.logpdf(np.array([0.0, 100.0]))
    array([  -1.38629436, -100.        ])
    """
    x, loc, scale = promote("logistic.logpdf", x, loc, scale)
    half_z = _standard(x, loc, scale) / 2
    return _out(-2 * jnp.logaddexp(half_z, -half_z) - jnp.log(scale))


def logistic_pdf(x, loc=0, scale=1):
    """The logistic density.

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.pdf(np.array([0.0]))
    array([0.25])
    """
    return _out(jnp.exp(logistic_logpdf(x, loc, scale)))


def logistic_cdf(x, loc=0, scale=1):
    """The logistic distribution function ``expit(z)``.

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.cdf(np.array([0.0, 2.0]))
    array([0.5       , 0.88079708])
    """
    x, loc, scale = promote("logistic.cdf", x, loc, scale)
    return _out(expit(_standard(x, loc, scale)))


def logistic_sf(x, loc=0, scale=1):
    """The logistic survival function ``expit(-z)``.

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.sf(np.array([2.0]))
    array([0.11920292])
    """
    x, loc, scale = promote("logistic.sf", x, loc, scale)
    return _out(expit(-_standard(x, loc, scale)))


def logistic_ppf(x, loc=0, scale=1):
    """The logistic quantile function ``loc + scale logit(x)`` (the argument
    is named ``x``, as JAX's).

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.ppf(np.array([0.5, 0.75]))
    array([0.        , 1.09861229])
    """
    x, loc, scale = promote("logistic.ppf", x, loc, scale)
    return _out(logit(x) * scale + loc)


def logistic_isf(x, loc=0, scale=1):
    """The inverse of the logistic survival function, ``loc - scale logit(x)``.

    >>> from vmapx.scipy.stats import logistic
    >>> logistic.isf(np.array([0.25]))
    array([1.09861229])
    """
    x, loc, scale = promote("logistic.isf", x, loc, scale)
    return _out(-logit(x) * scale + loc)


# ----------------------------------------------------------------- uniform


def uniform_logpdf(x, loc=0, scale=1):
    """Log of the uniform density on ``[loc, loc + scale]``: ``-log(scale)``
    inside, ``-inf`` outside.

    >>> from vmapx.scipy.stats import uniform
    >>> uniform.logpdf(np.array([-0.5, 0.5, 1.0]), scale=2.0)
    array([       -inf, -0.69314718, -0.69314718])
    """
    x, loc, scale = promote("uniform.logpdf", x, loc, scale)
    outside = (x > loc + scale) | (x < loc)
    return _out(jnp.where(outside, -np.inf, -jnp.log(scale)))


def uniform_pdf(x, loc=0, scale=1):
    """The uniform density.

    >>> from vmapx.scipy.stats import uniform
    >>> uniform.pdf(np.array([0.5, 2.0]))
    array([1., 0.])
    """
    return _out(jnp.exp(uniform_logpdf(x, loc, scale)))


def uniform_cdf(x, loc=0, scale=1):
    """The uniform distribution function: 0 below ``loc``, 1 above
    ``loc + scale``, ``(x - loc) / scale`` between.

    >>> from vmapx.scipy.stats import uniform
    >>> uniform.cdf(np.array([-1.0, 0.25, 3.0]))
    array([0.  , 0.25, 1.  ])
    """
    x, loc, scale = promote("uniform.cdf", x, loc, scale)
    high = loc + scale
    below, above = x < loc, x > high
    zero, one = np.zeros((), dtype_of(x)), np.ones((), dtype_of(x))
    return _out(jnp.select([below, above, (x >= loc) & (x <= high)],
                           [zero, one, _standard(x, loc, scale)]))


def uniform_ppf(q, loc=0, scale=1):
    """The uniform quantile function ``loc + scale q``; NaN for ``q`` outside
    ``[0, 1]``.

    >>> from vmapx.scipy.stats import uniform
    >>> uniform.ppf(np.array([0.25, 1.5]), loc=1.0, scale=2.0)
    array([1.5, nan])
    """
    q, loc, scale = promote("uniform.ppf", q, loc, scale)
    bad = jnp.isnan(q) | (q < 0) | (q > 1)
    return _out(jnp.where(bad, np.nan, loc + scale * q))
