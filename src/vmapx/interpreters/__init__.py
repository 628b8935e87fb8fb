"""``vmapx.interpreters``: the rule tables for user-defined primitives, as JAX's
``jax.interpreters``: ``ad`` (JVP and transpose rules), ``batching`` (vmap
rules) and ``mlir`` (lowering rules, recorded: vmapx runs implementations)."""
from . import ad, batching, mlir  # noqa: F401
