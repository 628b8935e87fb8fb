"""The Dirichlet distribution (``jax.scipy.stats.dirichlet``): ``logpdf``,
``pdf``, with JAX's signatures and values; defined in
``vmapx._src.scipy_stats_multivariate``.

>>> import numpy as np
>>> from vmapx.scipy.stats import dirichlet
>>> dirichlet.pdf(np.array([0.25, 0.75]), np.array([2.0, 1.0]))
array(0.5)
"""
from ..._src.scipy_stats_multivariate import (  # noqa: F401
    dirichlet_logpdf as logpdf,
    dirichlet_pdf as pdf)
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["logpdf", "pdf"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
