"""Student's t distribution (``jax.scipy.stats.t``) with ``df`` degrees of
freedom: ``logpdf``, ``pdf``, as JAX's (same arguments, defaults and dtypes;
concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import t
>>> t.pdf(np.array([0.0]), 1.0)
array([0.31830989])
"""
from ..._src import scipy_stats_shapes as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf"]

_export(globals(), _implementation, "t", __all__)
