"""The von Mises distribution (``jax.scipy.stats.vonmises``) with concentration
``kappa`` (no ``loc`` or ``scale``, as JAX's): ``logpdf``, ``pdf``, as JAX's
(same arguments, defaults and dtypes; concrete results are ``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import vonmises
>>> vonmises.pdf(np.array([0.0]), 1.0)
array([0.34171049])
"""
from ..._src import scipy_stats_bounded as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf"]

_export(globals(), _implementation, "vonmises", __all__)
