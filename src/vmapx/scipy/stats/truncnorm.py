"""The truncated normal distribution (``jax.scipy.stats.truncnorm``), the normal
restricted to ``[loc + a scale, loc + b scale]``: ``logpdf``, ``pdf``, ``cdf``,
``logcdf``, ``sf``, ``logsf``, as JAX's (same arguments, defaults and dtypes;
concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import truncnorm
>>> truncnorm.cdf(np.array([0.0]), -1.0, 1.0)
array([0.5])
"""
from ..._src import scipy_stats_bounded as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]

_export(globals(), _implementation, "truncnorm", __all__)
