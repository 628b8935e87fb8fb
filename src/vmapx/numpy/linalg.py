"""``vmapx.numpy.linalg``: ``numpy.linalg`` over vmapx primitives, batched under
``vmap`` and differentiable (the implementation, and where it differs from NumPy
as ``jax.numpy.linalg`` does, is ``vmapx._src.jnp.linalg``).

>>> import numpy as np, vmapx
>>> from vmapx.numpy import linalg
>>> vmapx.vmap(linalg.det)(np.stack([np.eye(2), 2 * np.eye(2)]))
array([1., 4.])
"""
from .._src.jnp.linalg import *  # noqa: F401,F403
from .._src.jnp.linalg import (__all__, EigResult, EighResult, QRResult,  # noqa: F401
                               SlogdetResult, SVDResult)
