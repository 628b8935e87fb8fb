"""``vmapx.numpy``: NumPy's API over vmapx primitives.

Every function accepts NumPy arrays, Python scalars and traced values, follows
NumPy's signature and dtype rules, and is batched (and differentiated) through
the primitives it is built from.

>>> import numpy as np, vmapx, vmapx.numpy as jnp
>>> vmapx.vmap(lambda x: jnp.sum(jnp.sin(x) ** 2 + jnp.cos(x) ** 2))(np.ones((3, 4)))
array([4., 4., 4.])
"""
from .._src.numpy_api import *  # noqa: F401,F403
from .._src.numpy_api import (_getitem, _IndexUpdateHelper, sum, max, min, any, all,  # noqa: F401
                              round, bool)  # noqa: A004
from . import linalg, fft  # noqa: F401,E402
from .._src import interop as _interop  # noqa: E402

_interop._install(linalg, fft)
