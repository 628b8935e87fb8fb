"""The Poisson distribution (``jax.scipy.stats.poisson``): ``logpmf``, ``pmf``,
``cdf``, ``entropy``, with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_discrete_poisson``.

>>> import numpy as np
>>> from vmapx.scipy.stats import poisson
>>> poisson.cdf(np.array([0, 1]), 1.0)
array([0.36787944, 0.73575888])
"""
from ..._src.scipy_stats_discrete_poisson import (  # noqa: F401
    poisson_logpmf as logpmf,
    poisson_pmf as pmf,
    poisson_cdf as cdf,
    poisson_entropy as entropy)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf", "cdf", "entropy"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
