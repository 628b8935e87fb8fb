"""``vmapx.image``: JAX's ``jax.image`` resampling (``resize``,
``scale_and_translate``, ``ResizeMethod``), implemented in ``vmapx._src.image``.

>>> import numpy as np, vmapx
>>> vmapx.image.resize(np.array([0.0, 1.0]), (4,), "linear")
array([0.  , 0.25, 0.75, 1.  ])
"""
from .._src.image import ResizeMethod, resize, scale_and_translate  # noqa: F401

__all__ = ["ResizeMethod", "resize", "scale_and_translate"]
