"""``jax.experimental.checkify``: runtime checks (``check`` and automatic
NaN, division and index checks) returned as an ``Error`` value by
``checkify``, so checked functions run under ``jit`` and ``vmap``.

>>> import vmapx.numpy as jnp
>>> from vmapx.experimental import checkify
>>> err, y = checkify.checkify(lambda x: 1 // x, errors=checkify.div_checks)(jnp.array(0))
>>> err.get()
'division by zero'
"""
from .._src.checkify import *  # noqa: F401,F403
from .._src.checkify import __all__  # noqa: F401
