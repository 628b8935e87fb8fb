"""``vmapx.scipy.spatial.transform``: JAX's ``jax.scipy.spatial.transform``,
``Rotation`` and ``Slerp`` (named tuples of arrays, so pytrees: they pass
through ``vmap``, ``jit`` and ``grad``).

>>> import numpy as np, vmapx
>>> from vmapx.scipy.spatial.transform import Rotation
>>> angles = np.array([[0.0], [np.pi / 2]])
>>> vmapx.vmap(lambda a: Rotation.from_euler("z", a).magnitude())(angles)
array([0.        , 1.57079633])
"""
from ..._src.scipy_spatial import Rotation, Slerp  # noqa: F401

__all__ = ["Rotation", "Slerp"]
