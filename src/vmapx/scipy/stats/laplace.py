"""The Laplace distribution (``jax.scipy.stats.laplace``): ``logpdf``, ``pdf``,
``cdf``, as JAX's (same arguments, defaults and dtypes; concrete results are
``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import laplace
>>> laplace.cdf(np.array([0.0]))
array([0.5])
"""
from ..._src import scipy_stats_loc_scale as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf"]

_export(globals(), _implementation, "laplace", __all__)
