"""The uniform distribution on ``[loc, loc + scale]``
(``jax.scipy.stats.uniform``): ``logpdf``, ``pdf``, ``cdf``, ``ppf``, as JAX's
(same arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import uniform
>>> uniform.cdf(np.array([0.5]))
array([0.5])
"""
from ..._src import scipy_stats_loc_scale as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "ppf"]

_export(globals(), _implementation, "uniform", __all__)
