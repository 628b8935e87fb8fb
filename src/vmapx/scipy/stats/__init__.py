"""``vmapx.scipy.stats``: the distributions and functions of ``jax.scipy.stats``
(``norm``, 16 continuous, 6 discrete and 3 multivariate distributions, ``mode``,
``rankdata``, ``sem``, ``gaussian_kde``).

>>> import numpy as np
>>> from vmapx.scipy.stats import norm
>>> norm.cdf(np.array([0.0]))
array([0.5])
"""
from . import norm  # noqa: F401
# continuous distributions
from . import beta  # noqa: F401
from . import cauchy  # noqa: F401
from . import chi2  # noqa: F401
from . import expon  # noqa: F401
from . import gamma  # noqa: F401
from . import gennorm  # noqa: F401
from . import gumbel_l  # noqa: F401
from . import gumbel_r  # noqa: F401
from . import laplace  # noqa: F401
from . import logistic  # noqa: F401
from . import pareto  # noqa: F401
from . import t  # noqa: F401
from . import truncnorm  # noqa: F401
from . import uniform  # noqa: F401
from . import vonmises  # noqa: F401
from . import wrapcauchy  # noqa: F401
# discrete and multivariate distributions, mode / rankdata / sem / gaussian_kde
from . import bernoulli, betabinom, binom, geom, nbinom, poisson  # noqa: F401
from . import dirichlet, multinomial, multivariate_normal  # noqa: F401
from ..._src.jnp.array import wrap_namespace as _wrap_namespace
from ..._src.scipy_stats_functions import mode, rankdata, sem  # noqa: F401
from ..._src.scipy_stats_functions_kde import gaussian_kde  # noqa: F401

_wrap_namespace(globals(), ["mode", "rankdata", "sem"], own=True)  # results are vmapx.Arrays
