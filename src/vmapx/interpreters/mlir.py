"""``vmapx.interpreters.mlir``: lowering rules (JAX's ``jax.interpreters.mlir``).
vmapx has no XLA to lower to: ``jit`` programs run each primitive's
implementation, so rules registered here are recorded and never called.

>>> import numpy as np
>>> from vmapx.extend.core import Primitive
>>> from vmapx.interpreters import mlir
>>> p = Primitive("noop")
>>> _ = mlir.register_lowering(p, lambda ctx, x: [x], platform="cpu")
>>> sorted(p.lowerings)
['cpu']
"""
from .._src.user_primitives import lower_fun, register_lowering  # noqa: F401

__all__ = ["lower_fun", "register_lowering"]
