"""``vmapx.scipy.linalg``: JAX's ``jax.scipy.linalg`` on vmapx's primitives.

The implementations live in ``vmapx._src``: ``scipy_linalg`` (factorizations
and solves), ``scipy_linalg_schur`` (``schur``, ``hessenberg``, ``rsf2csf``,
``sqrtm``, ``funm``, ``solve_sylvester``), ``scipy_linalg_expm`` (``expm``,
``expm_frechet``) and ``scipy_linalg_matrices`` (the special matrices).
Everything batches under ``vmap`` and runs under ``jit``; what JAX
differentiates differentiates here too (``sqrtm`` as well).  See
docs/scipy-linalg.md for the decisions.

>>> import numpy as np, vmapx
>>> from vmapx.scipy import linalg
>>> a = np.array([[4.0, 2.0], [2.0, 3.0]])
>>> linalg.cho_solve(linalg.cho_factor(a), np.array([2.0, 1.0]))
array([0.5, 0. ])
>>> vmapx.vmap(linalg.det)(np.stack([a, 2 * a]))
array([ 8., 32.])
"""
from .._src.scipy_linalg import *  # noqa: F401,F403
from .._src.scipy_linalg import __all__ as _factorizations
from .._src.scipy_linalg_expm import *  # noqa: F401,F403
from .._src.scipy_linalg_expm import __all__ as _expm
from .._src.scipy_linalg_matrices import *  # noqa: F401,F403
from .._src.scipy_linalg_matrices import __all__ as _matrices
from .._src.scipy_linalg_schur import *  # noqa: F401,F403
from .._src.scipy_linalg_schur import __all__ as _schur
from .._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = sorted(_factorizations + _expm + _matrices + _schur)

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays

from .._src import numpy_hooks as _numpy_hooks  # noqa: E402

# SciPy's own scipy.linalg functions called on traced values in per-example NumPy code
# run as these (docs/per-example-code.md)
_numpy_hooks.register_scipy("scipy.linalg", globals())
