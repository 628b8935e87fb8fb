"""``vmapx.extend``: what a library needs to extend vmapx (JAX's ``jax.extend``):
``vmapx.extend.core.Primitive`` to declare a new primitive operation."""
from . import core  # noqa: F401
