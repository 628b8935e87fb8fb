"""The binomial distribution (``jax.scipy.stats.binom``): ``logpmf``, ``pmf``,
with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_discrete``.

>>> import numpy as np
>>> from vmapx.scipy.stats import binom
>>> binom.pmf(np.array([0, 1, 2]), 2, 0.5)
array([0.25, 0.5 , 0.25])
"""
from ..._src.scipy_stats_discrete import (  # noqa: F401
    binom_logpmf as logpmf,
    binom_pmf as pmf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
