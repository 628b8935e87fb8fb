"""``vmapx.scipy.stats``: distributions of ``jax.scipy.stats`` (``norm``).

>>> import numpy as np
>>> from vmapx.scipy.stats import norm
>>> norm.cdf(np.array([0.0]))
array([0.5])
"""
from . import norm  # noqa: F401
