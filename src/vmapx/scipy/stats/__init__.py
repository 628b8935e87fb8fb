"""``vmapx.scipy.stats``: distributions of ``jax.scipy.stats`` (``norm``).

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
