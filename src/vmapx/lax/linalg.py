"""``vmapx.lax.linalg``: JAX's ``lax.linalg`` decompositions and solves
(``cholesky``, ``eigh``, ``eig``, ``lu``, ``lu_pivots_to_permutation``, ``qr``,
``svd``, ``triangular_solve``, ``tridiagonal_solve``) with JAX's signatures and
output conventions.

>>> import numpy as np, vmapx
>>> from vmapx.lax import linalg
>>> vmapx.vmap(lambda a: linalg.eigh(a)[1])(np.stack([np.eye(2), 2 * np.eye(2)]))
array([[1., 1.],
       [2., 2.]])
"""
from .._src.lax_linalg import *  # noqa: F401,F403
from .._src.lax_linalg import __all__  # noqa: F401
