"""``vmapx.scipy.cluster``: JAX's ``jax.scipy.cluster`` (the ``vq`` module).

>>> import numpy as np
>>> from vmapx.scipy.cluster import vq
>>> vq.vq(np.array([0.2, 2.9]), np.array([0.0, 3.0]))[0]
array([0, 1])
"""
from . import vq  # noqa: F401
