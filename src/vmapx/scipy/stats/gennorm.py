"""The generalized normal distribution (``jax.scipy.stats.gennorm``) with shape
``beta``, standard (no ``loc`` or ``scale``, as JAX's): ``logpdf``, ``pdf``,
``cdf``, as JAX's (same arguments, defaults and dtypes; concrete results are
``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import gennorm
>>> gennorm.cdf(np.array([0.0]), 2.0)
array([0.5])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf", "cdf"]

_export(globals(), _implementation, "gennorm", __all__)
