"""The normal distribution (``jax.scipy.stats.norm``): densities, distribution
functions and quantiles with ``loc`` and ``scale``, in the floating dtype of
the arguments (NumPy's promotion).

>>> import numpy as np
>>> from vmapx.scipy.stats import norm
>>> norm.ppf(np.array([0.5]), loc=2.0)
array([2.])
"""
from ..._src.scipy_norm import *  # noqa: F401,F403
from ..._src.scipy_norm import __all__  # noqa: F401
from ..._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
