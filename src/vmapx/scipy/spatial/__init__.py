"""``vmapx.scipy.spatial``: JAX's ``jax.scipy.spatial`` (the ``transform``
submodule: ``Rotation``, ``Slerp``).

>>> import numpy as np
>>> from vmapx.scipy.spatial.transform import Rotation
>>> Rotation.identity().as_matrix().shape
(3, 3)
"""
from . import transform  # noqa: F401
