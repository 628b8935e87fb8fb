"""The Bernoulli distribution (``jax.scipy.stats.bernoulli``): ``logpmf``,
``pmf``, ``cdf``, ``ppf``, with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_discrete``.

>>> import numpy as np
>>> from vmapx.scipy.stats import bernoulli
>>> bernoulli.pmf(np.array([0, 1]), 0.25)
array([0.75, 0.25])
"""
from ..._src.scipy_stats_discrete import (  # noqa: F401
    bernoulli_logpmf as logpmf,
    bernoulli_pmf as pmf,
    bernoulli_cdf as cdf,
    bernoulli_ppf as ppf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf", "cdf", "ppf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
