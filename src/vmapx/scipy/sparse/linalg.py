"""``vmapx.scipy.sparse.linalg``: JAX's Krylov solvers ``cg``, ``bicgstab`` and
``gmres`` (``vmapx._src.scipy_sparse_linalg``): ``A`` a matrix or a function,
``b`` an array or a pytree, batched by ``vmap``, staged by ``jit``, and
differentiated implicitly through ``lax.custom_linear_solve``.

>>> import numpy as np, vmapx
>>> from vmapx.scipy.sparse import linalg
>>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
>>> vmapx.vmap(lambda b: linalg.cg(lambda x: A @ x, b)[0])(np.eye(2))
array([[ 0.27272727, -0.09090909],
       [-0.09090909,  0.36363636]])
"""
from ..._src.scipy_sparse_linalg import *  # noqa: F401,F403
from ..._src.scipy_sparse_linalg import __all__  # noqa: F401
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
