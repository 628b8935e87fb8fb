"""``vmapx.scipy.ndimage``: JAX's ``jax.scipy.ndimage`` (``map_coordinates``,
orders 0 and 1, JAX's boundary modes).

>>> import numpy as np
>>> from vmapx.scipy import ndimage
>>> ndimage.map_coordinates(np.array([0.0, 10.0]), [np.array([0.3])], order=1)
array([3.])
"""
from .._src.scipy_ndimage import map_coordinates  # noqa: F401
from .._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["map_coordinates"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
