"""``jax.scipy.optimize``: ``minimize`` (BFGS, and JAX's experimental
L-BFGS) returning ``OptimizeResults``; runs under ``vmap`` and ``jit``.

>>> import vmapx, vmapx.numpy as jnp
>>> from vmapx.scipy.optimize import minimize
>>> solve = lambda c: minimize(lambda x: jnp.sum((x - c) ** 2), jnp.zeros(2), method="BFGS").x
>>> vmapx.vmap(solve)(jnp.array([[1.0, 2.0], [3.0, 4.0]]))
array([[1., 2.],
       [3., 4.]])
"""
from .._src.scipy_optimize import minimize, OptimizeResults  # noqa: F401
from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

__all__ = ["minimize", "OptimizeResults"]
_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
