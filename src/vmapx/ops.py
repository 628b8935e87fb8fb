"""``vmapx.ops``: JAX's ``jax.ops`` segment reductions (``segment_sum``,
``segment_prod``, ``segment_max``, ``segment_min``), implemented in
``vmapx._src.segment_ops``.

>>> import numpy as np, vmapx
>>> vmapx.ops.segment_sum(np.ones(4), np.array([0, 1, 1, 3]))
array([1., 2., 0., 1.])
"""
from ._src.segment_ops import segment_sum, segment_prod, segment_max, segment_min  # noqa: F401

__all__ = ["segment_sum", "segment_prod", "segment_max", "segment_min"]
