"""``vmapx.scipy.stats``: distributions and functions of ``jax.scipy.stats``.

>>> import numpy as np
>>> from vmapx.scipy.stats import norm
>>> norm.cdf(np.array([0.0]))
array([0.5])
"""
from . import norm  # noqa: F401
# discrete and multivariate distributions, mode / rankdata / sem / gaussian_kde
from . import bernoulli, betabinom, binom, geom, nbinom, poisson  # noqa: F401
from . import dirichlet, multinomial, multivariate_normal  # noqa: F401
from ..._src.jnp.array import wrap_namespace as _wrap_namespace
from ..._src.scipy_stats_functions import mode, rankdata, sem  # noqa: F401
from ..._src.scipy_stats_functions_kde import gaussian_kde  # noqa: F401

_wrap_namespace(globals(), ["mode", "rankdata", "sem"], own=True)  # results are vmapx.Arrays
