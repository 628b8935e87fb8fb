"""The geometric distribution (``jax.scipy.stats.geom``): ``logpmf``, ``pmf``,
with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_discrete``.

>>> import numpy as np
>>> from vmapx.scipy.stats import geom
>>> geom.pmf(np.array([1, 2]), 0.5)
array([0.5 , 0.25])
"""
from ..._src.scipy_stats_discrete import (  # noqa: F401
    geom_logpmf as logpmf,
    geom_pmf as pmf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpmf", "pmf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
