"""``vmapx.numpy.linalg`` (the public module re-exports this one): ``numpy.linalg``
over vmapx primitives.

The decompositions and solvers are primitives wrapping ``numpy.linalg``
(``_src/prims/linalg*.py``); norms, ``lstsq``, ``matrix_rank``, ``cond``,
``matrix_power``, ``multi_dot`` and the tensor variants are composed from them.
Everything is batched under ``vmap`` and differentiable.

Differences from NumPy, all as in ``jax.numpy.linalg``: ``eig`` and
``eigvals`` always return complex arrays (NumPy returns real ones when the
eigenvalues happen to be real, a dtype that would depend on the data), and
``lstsq`` always returns the residuals ``|b - a x|^2`` (NumPy returns an empty
array unless ``a`` has full column rank and more rows than columns).

The functions live in one module per section of NumPy's ``numpy.linalg``
documentation: ``linalg_decompositions`` (decompositions, eigenvalues),
``linalg_solve`` (solving equations, inverting matrices), ``linalg_norms``
(norms and other numbers), ``linalg_products`` (matrix and vector products,
other matrix operations); this module gathers them.

>>> import numpy as np, vmapx
>>> from vmapx.numpy import linalg
>>> vmapx.vmap(linalg.det)(np.stack([np.eye(2), 2 * np.eye(2)]))
array([1., 4.])
"""
from numpy.linalg import LinAlgError  # noqa: F401

from .linalg_decompositions import (EigResult, EighResult, QRResult,  # noqa: F401
                                    SlogdetResult, SVDResult, cholesky, eig, eigh, eigvals,
                                    eigvalsh, qr, svd, svdvals)
from .linalg_solve import inv, lstsq, pinv, solve, tensorinv, tensorsolve  # noqa: F401
from .linalg_norms import (cond, det, matrix_norm, matrix_rank, norm, slogdet,  # noqa: F401
                           trace, vector_norm)
from .linalg_products import (cross, diagonal, matmul, matrix_power,  # noqa: F401
                              matrix_transpose, multi_dot, outer, tensordot, vecdot)

__all__ = ["LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh",
           "eigvals", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power",
           "matrix_rank", "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr",
           "slogdet", "solve", "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve",
           "trace", "vecdot", "vector_norm"]
