"""``vmapx.scipy``: JAX's ``jax.scipy`` on NumPy arrays (``special``, ``stats``,
``linalg``, ``sparse.linalg``, ``cluster.vq``, ``signal``, ``fft``, ``integrate``,
``interpolate``, ``ndimage``, ``spatial``; ``vmapx.scipy.optimize`` on import).

SciPy itself is imported only when a special function is first evaluated.

>>> import numpy as np
>>> from vmapx.scipy import special
>>> special.expit(np.array([0.0]))
array([0.5])
"""
from . import special, stats, linalg, sparse, cluster  # noqa: F401
from . import fft, integrate, interpolate, ndimage, signal, spatial  # noqa: F401
