"""``vmapx.ad_checkpoint``: JAX's ``jax.ad_checkpoint`` — ``checkpoint`` /
``remat``, ``checkpoint_policies``, ``checkpoint_name``, and
``print_saved_residuals`` to see what reverse mode keeps.

>>> import numpy as np, vmapx.numpy as jnp
>>> from vmapx.ad_checkpoint import print_saved_residuals
>>> print_saved_residuals(lambda x: jnp.sin(x) * x, np.ones(2))
f64[2] from the argument x
f64[2] output of sin from <doctest ...:1:32 (<lambda>)
f64[2] output of cos from <doctest ...:1:32 (<lambda>)
"""
from ._src.autodiff_checkpoint import (checkpoint, checkpoint_name,  # noqa: F401
                                       checkpoint_policies, print_saved_residuals, remat,
                                       saved_residuals)

__all__ = ["checkpoint", "checkpoint_name", "checkpoint_policies", "print_saved_residuals",
           "remat", "saved_residuals"]
