"""``vmapx.numpy.linalg``: ``numpy.linalg`` over vmapx primitives.

The decompositions and solvers are primitives wrapping ``numpy.linalg``
(``_src/prims/linalg.py``); norms, ``lstsq``, ``matrix_rank``, ``cond``,
``matrix_power``, ``multi_dot`` and the tensor variants are composed from them.
Everything is batched under ``vmap`` and differentiable.

Differences from NumPy, all as in ``jax.numpy.linalg``: ``eig`` and
``eigvals`` always return complex arrays (NumPy returns real ones when the
eigenvalues happen to be real, a dtype that would depend on the data), and
``lstsq`` always returns the residuals ``|b - a x|^2`` (NumPy returns an empty
array unless ``a`` has full column rank and more rows than columns).

>>> import numpy as np, vmapx
>>> from vmapx.numpy import linalg
>>> vmapx.vmap(linalg.det)(np.stack([np.eye(2), 2 * np.eye(2)]))
array([1., 4.])
"""
from .._src.jnp.linalg import *  # noqa: F401,F403
from .._src.jnp.linalg import (__all__, EigResult, EighResult, QRResult,  # noqa: F401
                               SlogdetResult, SVDResult)
