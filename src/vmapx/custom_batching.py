"""``vmapx.custom_batching``: functions with their own batching rule
(``custom_vmap``) and functions batched by a loop (``sequential_vmap``), as
``jax.custom_batching``.

>>> import numpy as np, vmapx
>>> from vmapx.custom_batching import sequential_vmap
>>> vmapx.vmap(sequential_vmap(lambda x: x * 2))(np.arange(3))
array([0, 2, 4])
"""
from ._src.custom_batching import custom_vmap, sequential_vmap  # noqa: F401

__all__ = ["custom_vmap", "sequential_vmap"]
