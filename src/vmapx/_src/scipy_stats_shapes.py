"""Continuous distributions of ``vmapx.scipy.stats`` with shape parameters:
``beta``, ``chi2``, ``gamma``, ``gennorm``, ``pareto`` and ``t``, with JAX's
function sets, formulas and conventions outside the support.

The distribution functions are the regularized incomplete gamma and beta
functions of ``scipy_special`` (SciPy's values, differentiable in every
argument: in the shape parameters too, where JAX's ``betainc`` raises).
Each function is ``<distribution>_<function>``; the public modules export
them under their short names.

>>> float(gamma_cdf(np.array(1.0), 1.0))
0.6321205588285577
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .scipy_special import betainc, gammainc, gammaincc, gammaln, xlog1py, xlogy
from .scipy_stats_common import _out, promote


def _clamp(low, y, high):
    """``y`` clipped to ``[low, high]`` (NaN stays NaN) with ``lax.clamp``'s
    derivative: 1 strictly inside, 0 at and beyond the bounds."""
    keep = ((y > low) & (y < high)) | jnp.isnan(y)
    return jnp.where(keep, y, jnp.where(y <= low, jnp.full_like(y, low), jnp.full_like(y, high)))


def _unit_interval(x, loc, scale):
    """``(x - loc) / scale`` clamped to ``[0, 1]``."""
    return _clamp(0.0, (x - loc) / scale, 1.0)


# -------------------------------------------------------------------- beta


def beta_logpdf(x, a, b, loc=0, scale=1):
    """Log of the beta density ``y**(a-1) (1-y)**(b-1) / (B(a, b) scale)``,
    ``y = (x - loc) / scale``: ``-inf`` outside ``[loc, loc + scale]``, NaN
    where ``a``, ``b`` or ``scale`` is not positive.

    >>> from vmapx.scipy.stats import beta
    >>> beta.logpdf(np.array([0.25, 0.5, 2.0]), 2.0, 3.0)
    array([0.52324814, 0.40546511,       -inf])
    """
    x, a, b, loc, scale = promote("beta.logpdf", x, a, b, loc, scale)
    y = (x - loc) / scale
    log_kernel = xlogy(a - 1, y) + xlog1py(b - 1, -y)
    gammas = gammaln(a) + gammaln(b) - gammaln(a + b)
    log_probs = log_kernel - gammas - jnp.log(scale)
    outside = (x > loc + scale) | (x < loc)
    result = jnp.where(outside, -np.inf, log_probs)
    return _out(jnp.where((a <= 0) | (b <= 0) | (scale <= 0), np.nan, result))


def beta_pdf(x, a, b, loc=0, scale=1):
    """The beta density.

    >>> from vmapx.scipy.stats import beta
    >>> beta.pdf(np.array([0.5]), 2.0, 2.0)
    array([1.5])
    """
    return _out(jnp.exp(beta_logpdf(x, a, b, loc, scale)))


def beta_cdf(x, a, b, loc=0, scale=1):
    """The beta distribution function ``betainc(a, b, y)``, ``y`` clamped to ``[0, 1]``.

    >>> from vmapx.scipy.stats import beta
    >>> beta.cdf(np.array([-1.0, 0.5, 2.0]), 2.0, 3.0)
    array([0.    , 0.6875, 1.    ])
    """
    x, a, b, loc, scale = promote("beta.cdf", x, a, b, loc, scale)
    return _out(betainc(a, b, _unit_interval(x, loc, scale)))


def beta_logcdf(x, a, b, loc=0, scale=1):
    """Log of the beta distribution function.

    >>> from vmapx.scipy.stats import beta
    >>> beta.logcdf(np.array([0.5]), 2.0, 3.0)
    array([-0.37469345])
    """
    return _out(jnp.log(beta_cdf(x, a, b, loc, scale)))


def beta_sf(x, a, b, loc=0, scale=1):
    """The beta survival function ``betainc(b, a, 1 - y)``.

    >>> from vmapx.scipy.stats import beta
    >>> beta.sf(np.array([0.5]), 2.0, 3.0)
    array([0.3125])
    """
    x, a, b, loc, scale = promote("beta.sf", x, a, b, loc, scale)
    return _out(betainc(b, a, 1 - _unit_interval(x, loc, scale)))


def beta_logsf(x, a, b, loc=0, scale=1):
    """Log of the beta survival function.

    >>> from vmapx.scipy.stats import beta
    >>> beta.logsf(np.array([0.5]), 2.0, 3.0)
    array([-1.16315081])
    """
    return _out(jnp.log(beta_sf(x, a, b, loc, scale)))


# -------------------------------------------------------------------- chi2


def chi2_logpdf(x, df, loc=0, scale=1):
    """Log of the chi-square density with ``df`` degrees of freedom,
    ``y**(df/2 - 1) exp(-y/2) / (2**(df/2) Gamma(df/2) scale)``; ``-inf`` below ``loc``.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.logpdf(np.array([-1.0, 1.0, 3.0]), 3.0)
    array([       -inf, -1.41893853, -1.86963239])
    """
    x, df, loc, scale = promote("chi2.logpdf", x, df, loc, scale)
    y = (x - loc) / scale
    half_df = df / 2
    kernel = (half_df - 1) * jnp.log(y) - y / 2
    normalizer = -(gammaln(half_df) + float(np.log(2.0)) * df / 2)
    log_probs = normalizer - jnp.log(scale) + kernel
    return _out(jnp.where(x < loc, -np.inf, log_probs))


def chi2_pdf(x, df, loc=0, scale=1):
    """The chi-square density.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.pdf(np.array([1.0]), 2.0)
    array([0.30326533])
    """
    return _out(jnp.exp(chi2_logpdf(x, df, loc, scale)))


def _half_positive(x, loc, scale):
    """``(x - loc) / (2 scale)`` clamped to ``[0, inf]``."""
    return _clamp(0.0, (x - loc) / (scale * 2), np.inf)


def chi2_cdf(x, df, loc=0, scale=1):
    """The chi-square distribution function ``gammainc(df / 2, y / 2)``.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.cdf(np.array([-1.0, 3.84145882]), 1.0)
    array([0.  , 0.95])
    """
    x, df, loc, scale = promote("chi2.cdf", x, df, loc, scale)
    return _out(gammainc(df / 2, _half_positive(x, loc, scale)))


def chi2_logcdf(x, df, loc=0, scale=1):
    """Log of the chi-square distribution function.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.logcdf(np.array([2.0]), 2.0)
    array([-0.45867515])
    """
    return _out(jnp.log(chi2_cdf(x, df, loc, scale)))


def chi2_sf(x, df, loc=0, scale=1):
    """The chi-square survival function ``gammaincc(df / 2, y / 2)``.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.sf(np.array([3.84145882]), 1.0)
    array([0.05])
    """
    x, df, loc, scale = promote("chi2.sf", x, df, loc, scale)
    return _out(gammaincc(df / 2, _half_positive(x, loc, scale)))


def chi2_logsf(x, df, loc=0, scale=1):
    """Log of the chi-square survival function.

    >>> from vmapx.scipy.stats import chi2
    >>> chi2.logsf(np.array([2.0]), 2.0)
    array([-1.])
    """
    return _out(jnp.log(chi2_sf(x, df, loc, scale)))


# ------------------------------------------------------------------- gamma


def gamma_logpdf(x, a, loc=0, scale=1):
    """Log of the gamma density ``y**(a-1) exp(-y) / (Gamma(a) scale)``;
    ``-inf`` below ``loc``.

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.logpdf(np.array([-1.0, 0.0, 2.0]), 2.0)
    array([       -inf,        -inf, -1.30685282])
    """
    x, a, loc, scale = promote("gamma.logpdf", x, a, loc, scale)
    inside = x >= loc
    y = jnp.where(inside, (x - loc) / scale, jnp.ones_like(x))
    log_probs = xlogy(a - 1, y) - y - (gammaln(a) + jnp.log(scale))
    return _out(jnp.where(inside, log_probs, -np.inf))


def gamma_pdf(x, a, loc=0, scale=1):
    """The gamma density.

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.pdf(np.array([1.0]), 1.0)
    array([0.36787944])
    """
    return _out(jnp.exp(gamma_logpdf(x, a, loc, scale)))


def gamma_cdf(x, a, loc=0, scale=1):
    """The gamma distribution function ``gammainc(a, y)``, ``y`` clamped to ``[0, inf]``.

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.cdf(np.array([-1.0, 2.0]), 2.0)
    array([0.        , 0.59399415])
    """
    x, a, loc, scale = promote("gamma.cdf", x, a, loc, scale)
    return _out(gammainc(a, _clamp(0.0, (x - loc) / scale, np.inf)))


def gamma_logcdf(x, a, loc=0, scale=1):
    """Log of the gamma distribution function.

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.logcdf(np.array([2.0]), 2.0)
    array([-0.52088581])
    """
    return _out(jnp.log(gamma_cdf(x, a, loc, scale)))


def gamma_sf(x, a, loc=0, scale=1):
    """The gamma survival function ``gammaincc(a, y)`` (1 below ``loc``).

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.sf(np.array([-1.0, 2.0]), 2.0)
    array([1.        , 0.40600585])
    """
    x, a, loc, scale = promote("gamma.sf", x, a, loc, scale)
    y = (x - loc) / scale
    return _out(jnp.where(y < 0, 1, gammaincc(a, y)))


def gamma_logsf(x, a, loc=0, scale=1):
    """Log of the gamma survival function.

    >>> from vmapx.scipy.stats import gamma
    >>> gamma.logsf(np.array([2.0]), 2.0)
    array([-0.90138771])
    """
    return _out(jnp.log(gamma_sf(x, a, loc, scale)))


# ----------------------------------------------------------------- gennorm


def gennorm_logpdf(x, beta):
    """Log of the generalized normal density ``beta exp(-|x|**beta) / (2 Gamma(1/beta))``
    (no ``loc`` or ``scale``, as JAX's).

    >>> from vmapx.scipy.stats import gennorm
    >>> gennorm.logpdf(np.array([0.0, 1.0]), 2.0)
    array([-0.57236494, -1.57236494])
    """
    x, beta = promote("gennorm.logpdf", x, beta)
    return _out(jnp.log(0.5 * beta) - gammaln(1 / beta) - jnp.abs(x) ** beta)


def gennorm_pdf(x, beta):
    """The generalized normal density.

    >>> from vmapx.scipy.stats import gennorm
    >>> gennorm.pdf(np.array([0.0]), 1.0)
    array([0.5])
    """
    return _out(jnp.exp(gennorm_logpdf(x, beta)))


def gennorm_cdf(x, beta):
    """The generalized normal distribution function
    ``(1 + sign(x) gammainc(1/beta, |x|**beta)) / 2``.

    >>> from vmapx.scipy.stats import gennorm
    >>> gennorm.cdf(np.array([-1.0, 0.0, 1.0]), 1.0)
    array([0.18393972, 0.5       , 0.81606028])
    """
    x, beta = promote("gennorm.cdf", x, beta)
    return _out(0.5 * (1 + jnp.sign(x) * gammainc(1 / beta, jnp.abs(x) ** beta)))


# ------------------------------------------------------------------ pareto


def pareto_logpdf(x, b, loc=0, scale=1):
    """Log of the Pareto density ``b / (scale y**(b+1))`` for ``y >= 1``
    (``-inf`` below ``loc + scale``).

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.logpdf(np.array([0.5, 1.0, 2.0]), 3.0)
    array([       -inf,  1.09861229, -1.67397643])
    """
    x, b, loc, scale = promote("pareto.logpdf", x, b, loc, scale)
    y = (x - loc) / scale
    log_probs = -(jnp.log(scale / b) + (b + 1) * jnp.log(y))
    return _out(jnp.where(x < loc + scale, -np.inf, log_probs))


def pareto_pdf(x, b, loc=0, scale=1):
    """The Pareto density.

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.pdf(np.array([2.0]), 1.0)
    array([0.25])
    """
    return _out(jnp.exp(pareto_logpdf(x, b, loc, scale)))


def pareto_cdf(x, b, loc=0, scale=1):
    """The Pareto distribution function ``1 - y**-b`` (0 below ``loc + scale``).

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.cdf(np.array([0.5, 2.0]), 1.0)
    array([0. , 0.5])
    """
    x, b, loc, scale = promote("pareto.cdf", x, b, loc, scale)
    y = (x - loc) / scale
    return _out(jnp.where(x < loc + scale, 0.0, 1 - y ** -b))


def pareto_logcdf(x, b, loc=0, scale=1):
    """Log of the Pareto distribution function, ``log1p(-y**-b)``.

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.logcdf(np.array([0.5, 2.0]), 1.0)
    array([       -inf, -0.69314718])
    """
    x, b, loc, scale = promote("pareto.logcdf", x, b, loc, scale)
    y = (x - loc) / scale
    return _out(jnp.where(x < loc + scale, -np.inf, jnp.log1p(-(y ** -b))))


def pareto_logsf(x, b, loc=0, scale=1):
    """Log of the Pareto survival function, ``-b log(y)`` (0 below ``loc + scale``).

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.logsf(np.array([0.5, 2.0]), 1.0)
    array([ 0.        , -0.69314718])
    """
    x, b, loc, scale = promote("pareto.logsf", x, b, loc, scale)
    y = (x - loc) / scale
    return _out(jnp.where(x < loc + scale, 0.0, -(b * jnp.log(y))))


def pareto_sf(x, b, loc=0, scale=1):
    """The Pareto survival function ``y**-b``.

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.sf(np.array([2.0]), 2.0)
    array([0.25])
    """
    return _out(jnp.exp(pareto_logsf(x, b, loc, scale)))


def pareto_ppf(q, b, loc=0, scale=1):
    """The Pareto quantile function ``loc + scale (1 - q)**(-1/b)``; NaN for
    ``q`` outside ``[0, 1]``.

    >>> from vmapx.scipy.stats import pareto
    >>> pareto.ppf(np.array([0.0, 0.75, 2.0]), 2.0)
    array([ 1.,  2., nan])
    """
    q, b, loc, scale = promote("pareto.ppf", q, b, loc, scale)
    quantile = loc + scale * (1 - q) ** -(1 / b)
    return _out(jnp.where(jnp.isnan(q) | (q < 0) | (q > 1), np.nan, quantile))


# ----------------------------------------------------------------------- t


def t_logpdf(x, df, loc=0, scale=1):
    """Log of Student's t density with ``df`` degrees of freedom.

    >>> from vmapx.scipy.stats import t
    >>> t.logpdf(np.array([0.0, 2.0]), 3.0)
    array([-1.00088885, -2.69548457])
    """
    x, df, loc, scale = promote("t.logpdf", x, df, loc, scale)
    z = (x - loc) / scale
    half_df = df / 2
    half_df_plus = half_df + 0.5
    log_norm = (gammaln(half_df) + jnp.log(scale * scale * float(np.pi) * df) / 2
                - gammaln(half_df_plus))
    return _out(-(log_norm + half_df_plus * jnp.log1p(z * z / df)))


def t_pdf(x, df, loc=0, scale=1):
    """Student's t density.

    >>> from vmapx.scipy.stats import t
    >>> t.pdf(np.array([0.0]), 1.0)
    array([0.31830989])
    """
    return _out(jnp.exp(t_logpdf(x, df, loc, scale)))
