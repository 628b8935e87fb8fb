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
from .._src.jnp.vectorize import vectorize, apply_along_axis  # noqa: F401,E402  (built on vmap)
from .._src.jnp.ufuncs_api import ufunc, frompyfunc  # noqa: F401,E402  (built on vmap)
from . import linalg, fft  # noqa: F401,E402
from .._src import interop as _interop  # noqa: E402
from .._src.inputs import ML_DTYPES as _ML_DTYPES  # noqa: E402
from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402
import sys as _sys  # noqa: E402

from .._src.random import key_numpy as _key_numpy  # noqa: E402
_wrap_namespace(globals(), ["vectorize", "apply_along_axis", "frompyfunc"])
_key_numpy.install(globals())   # stack, where, reshape... of typed PRNG key arrays
_interop._install(_sys.modules[__name__], linalg, fft)


def __getattr__(name):
    """``bfloat16`` and the other ml_dtypes types, when ml_dtypes is installed
    (NumPy has no bfloat16; JAX's come from ml_dtypes).  vmapx computes with
    the floating ones; arrays of the narrow integers (int4...) raise a TypeError."""
    if name in _ML_DTYPES:
        try:
            import ml_dtypes
        except ImportError:
            raise AttributeError(f"vmapx.numpy.{name} needs the ml_dtypes package (pip "
                                 "install ml_dtypes), as NumPy has no such type") from None
        return getattr(ml_dtypes, name)
    raise AttributeError(f"module 'vmapx.numpy' has no attribute {name!r}")
