"""The multivariate normal distribution
(``jax.scipy.stats.multivariate_normal``): ``logpdf``, ``pdf``, with JAX's
signatures and values; defined in ``vmapx._src.scipy_stats_multivariate``.

>>> import numpy as np
>>> from vmapx.scipy.stats import multivariate_normal
>>> multivariate_normal.pdf(np.zeros(2), np.zeros(2), np.eye(2))
array(0.15915494)
"""
from ..._src.scipy_stats_multivariate import (  # noqa: F401
    multivariate_normal_logpdf as logpdf,
    multivariate_normal_pdf as pdf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpdf", "pdf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
