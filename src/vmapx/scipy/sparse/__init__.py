"""``vmapx.scipy.sparse``: JAX's ``jax.scipy.sparse`` (its ``linalg`` Krylov
solvers, which take the operator as a matrix or a function).

>>> import numpy as np
>>> from vmapx.scipy.sparse import linalg
>>> x, _ = linalg.cg(np.eye(2), np.array([1.0, 2.0]))
>>> x
array([1., 2.])
"""
from . import linalg  # noqa: F401
