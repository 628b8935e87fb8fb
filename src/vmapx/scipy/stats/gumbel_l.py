"""The left-skewed Gumbel distribution (``jax.scipy.stats.gumbel_l``): ``logpdf``,
``pdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``, ``ppf``, as JAX's (same
arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import gumbel_l
>>> gumbel_l.cdf(np.array([0.0]))
array([0.63212056])
"""
from ..._src import scipy_stats_loc_scale as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_export(globals(), _implementation, "gumbel_l", __all__)
