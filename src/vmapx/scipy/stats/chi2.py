"""The chi-square distribution (``jax.scipy.stats.chi2``) with ``df`` degrees of
freedom: ``logpdf``, ``pdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``, as JAX's
(same arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import chi2
>>> chi2.sf(np.array([2.0]), 2.0)
array([0.36787944])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]

_export(globals(), _implementation, "chi2", __all__)
