"""``vmapx.scipy.interpolate``: JAX's ``jax.scipy.interpolate``
(``RegularGridInterpolator``, a pytree).

>>> import numpy as np
>>> from vmapx.scipy.interpolate import RegularGridInterpolator
>>> RegularGridInterpolator((np.array([0.0, 1.0]),), np.array([2.0, 4.0]))(np.array([0.25]))
array([2.5])
"""
from .._src.scipy_interpolate import RegularGridInterpolator  # noqa: F401

__all__ = ["RegularGridInterpolator"]
