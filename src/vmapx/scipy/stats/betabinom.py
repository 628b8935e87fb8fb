"""The beta-binomial distribution (``jax.scipy.stats.betabinom``): ``logpmf``,
``pmf``, with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_discrete``.

>>> import numpy as np
>>> from vmapx.scipy.stats import betabinom
>>> betabinom.pmf(np.array([0, 1, 2]), 2, 2.0, 3.0)
array([0.4, 0.4, 0.2])
"""
from ..._src.scipy_stats_discrete import (  # noqa: F401
    betabinom_logpmf as logpmf,
    betabinom_pmf as pmf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
