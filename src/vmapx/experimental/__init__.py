"""``vmapx.experimental``: JAX's ``jax.experimental`` names vmapx provides:
``io_callback`` (host calls with effects and results).

>>> import numpy as np, vmapx
>>> from vmapx.experimental import io_callback
>>> io_callback(lambda: np.float64(7.0), vmapx.ShapeDtypeStruct((), np.float64))
array(7.)
"""
from .._src.callbacks import io_callback  # noqa: F401

__all__ = ["io_callback"]
