"""The Pareto distribution (``jax.scipy.stats.pareto``) with shape ``b``:
``logpdf``, ``pdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``, ``ppf``, as JAX's
(same arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import pareto
>>> pareto.sf(np.array([2.0]), 1.0)
array([0.5])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_export(globals(), _implementation, "pareto", __all__)
