"""``vmapx.numpy``: NumPy's API over vmapx primitives.

Every function accepts NumPy arrays, Python scalars and traced values, follows
NumPy's signature and dtype rules, and is batched (and differentiated) through
the primitives it is built from.

>>> import numpy as np, vmapx, vmapx.numpy as jnp
>>> vmapx.vmap(lambda x: jnp.sum(jnp.sin(x) ** 2 + jnp.cos(x) ** 2))(np.ones((3, 4)))
array([4., 4., 4.])
"""
import numpy as _np

from .._src.jnp.base import astype, finfo, iinfo  # noqa: F401
from .._src.jnp.creation import *  # noqa: F401,F403
from .._src.jnp.creation import array, asarray  # noqa: F401
from .._src.jnp.ufuncs import *  # noqa: F401,F403
from .._src.jnp.ufuncs import round, around  # noqa: F401,A004
from .._src.jnp.reductions import *  # noqa: F401,F403
from .._src.jnp.reductions import sum, max, min, any, all  # noqa: F401,A004
from .._src.jnp.shapes import *  # noqa: F401,F403
from .._src.jnp.products import *  # noqa: F401,F403
from .._src.jnp.indexing import (take, take_along_axis, diagonal, nonzero)  # noqa: F401
from .._src.jnp.indexing import getitem as _getitem  # noqa: F401
from .._src.jnp.advanced import IndexUpdateHelper as _IndexUpdateHelper  # noqa: F401
from .._src.jnp.extra import *  # noqa: F401,F403
from .._src.jnp.numerical import *  # noqa: F401,F403
from .._src.jnp.stats import *  # noqa: F401,F403
from .._src.jnp.setops import *  # noqa: F401,F403
from .._src.jnp.poly import *  # noqa: F401,F403

# dtypes and constants, as in NumPy
from numpy import (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,  # noqa: F401
                   float16, float32, float64, complex64, complex128, intp, uintp,
                   dtype, pi, e, inf, nan, euler_gamma, newaxis,
                   integer, floating, complexfloating, inexact, number, signedinteger,
                   unsignedinteger, generic, issubdtype, promote_types, ndarray)
from numpy import mgrid, ogrid, s_, index_exp  # noqa: F401,E402  (static index tricks)
bool = bool_  # noqa: A001
float_ = float64
int_ = int64
complex_ = complex128
from .._src.jnp.vectorize import vectorize  # noqa: F401,E402
from . import linalg, fft  # noqa: F401,E402
from .._src import interop as _interop  # noqa: E402
from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

# Concrete results of every function here are vmapx.Arrays, as JAX's are jax.Arrays.
_wrap_namespace(globals(), [_n for _n in list(globals()) if not _n.startswith("_")])
_interop._install()
del _np


def __getattr__(name):
    """``bfloat16`` and the other ml_dtypes types, when ml_dtypes is installed
    (NumPy has no bfloat16; JAX's come from ml_dtypes).  vmapx names them but
    does not compute with them: arrays of them raise a TypeError."""
    from .._src.inputs import ML_DTYPES
    if name in ML_DTYPES:
        try:
            import ml_dtypes
        except ImportError:
            raise AttributeError(f"vmapx.numpy.{name} needs the ml_dtypes package (pip "
                                 "install ml_dtypes), as NumPy has no such type") from None
        return getattr(ml_dtypes, name)
    raise AttributeError(f"module 'vmapx.numpy' has no attribute {name!r}")
