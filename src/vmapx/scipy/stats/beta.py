"""The beta distribution (``jax.scipy.stats.beta``) with shape parameters ``a``,
``b`` on ``[loc, loc + scale]``: ``logpdf``, ``pdf``, ``cdf``, ``logcdf``,
``sf``, ``logsf``, as JAX's (same arguments, defaults and dtypes; concrete
results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import beta
>>> beta.cdf(np.array([0.5]), 2.0, 2.0)
array([0.5])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]

_export(globals(), _implementation, "beta", __all__)
