"""The multinomial distribution (``jax.scipy.stats.multinomial``): ``logpmf``,
``pmf``, with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_multivariate``.

>>> import numpy as np
>>> from vmapx.scipy.stats import multinomial
>>> multinomial.pmf(np.array([1, 1]), 2, np.array([0.5, 0.5]))
array(0.5)
"""
from ..._src.scipy_stats_multivariate import (  # noqa: F401
    multinomial_logpmf as logpmf,
    multinomial_pmf as pmf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
