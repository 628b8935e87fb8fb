"""The gamma distribution (``jax.scipy.stats.gamma``) with shape ``a``:
``logpdf``, ``pdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``, as JAX's (same
arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import gamma
>>> gamma.cdf(np.array([1.0]), 1.0)
array([0.63212056])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]

_export(globals(), _implementation, "gamma", __all__)
