"""``vmapx.scipy``: JAX's ``jax.scipy`` on NumPy arrays (``special``, ``stats``, ``linalg``,
``sparse.linalg``, ``cluster.vq``).

SciPy itself is imported only when a special function is first evaluated.

>>> import numpy as np
>>> from vmapx.scipy import special
>>> special.expit(np.array([0.0]))
array([0.5])
"""
from . import special, stats, linalg, sparse, cluster  # noqa: F401
