"""``jax.experimental.ode``: ``odeint``, adaptive Dormand-Prince integration
of pytree states with adjoint-method gradients; runs under ``vmap`` and ``jit``.

>>> import vmapx, vmapx.numpy as jnp
>>> from vmapx.experimental.ode import odeint
>>> decay = lambda y0: odeint(lambda y, t: -y, y0, jnp.array([0.0, 1.0]))[-1]
>>> jnp.round(vmapx.grad(decay)(1.0), 6)
array(0.367879)
"""
from .._src.ode import odeint  # noqa: F401
from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

__all__ = ["odeint"]
_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
