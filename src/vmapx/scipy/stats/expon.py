"""The exponential distribution (``jax.scipy.stats.expon``): ``logpdf``, ``pdf``,
``cdf``, ``logcdf``, ``sf``, ``logsf``, ``ppf``, as JAX's (same arguments,
defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import expon
>>> expon.ppf(np.array([0.5]))
array([0.69314718])
"""
from ..._src import scipy_stats_loc_scale as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_export(globals(), _implementation, "expon", __all__)
