"""The ``vmapx.numpy`` namespace, assembled below the public package so that
the ``lax`` layer and the NumPy-interop modules of ``_src`` can use it with a
module-level import: every function of ``_src/jnp/*`` (each returning a
``vmapx.Array``, see ``wrap_namespace``) and NumPy's dtype and constant names.
``vmapx.numpy`` re-exports it and adds the ``linalg`` and ``fft`` submodules and
the functions defined by ``vmap`` (``vectorize``, ``apply_along_axis``: they sit
above ``vmap``'s entry, which this namespace is below).
"""
import numpy as _np

from .jnp.base import astype, finfo, iinfo  # noqa: F401
from .jnp.creation import *  # noqa: F401,F403
from .jnp.creation import array, asarray  # noqa: F401
from .jnp.ufuncs import *  # noqa: F401,F403
from .jnp.ufuncs import round, around  # noqa: F401,A004
from .jnp.reductions import *  # noqa: F401,F403
from .jnp.reductions import sum, max, min, any, all  # noqa: F401,A004
from .jnp.shapes import *  # noqa: F401,F403
from .jnp.products import *  # noqa: F401,F403
from .jnp.indexing import (take, take_along_axis, diagonal, nonzero)  # noqa: F401
from .jnp.indexing import getitem as _getitem  # noqa: F401
from .jnp.index_updates import IndexUpdateHelper as _IndexUpdateHelper  # noqa: F401
from .jnp.io import *  # noqa: F401,F403
from .jnp.dtypes import *  # noqa: F401,F403
from .jnp.comparison import *  # noqa: F401,F403
from .jnp.searching import *  # noqa: F401,F403
from .jnp.mathematical import *  # noqa: F401,F403
from .jnp.matrices import *  # noqa: F401,F403
from .jnp.grids import *  # noqa: F401,F403
from .jnp.insertion import *  # noqa: F401,F403
from .jnp.selection import *  # noqa: F401,F403
from .jnp.bits import *  # noqa: F401,F403
from .jnp.windows import *  # noqa: F401,F403
from .jnp.tiling import *  # noqa: F401,F403
from .jnp.numerical import *  # noqa: F401,F403
from .jnp.nan_reductions import *  # noqa: F401,F403
from .jnp.averages import *  # noqa: F401,F403
from .jnp.order_statistics import *  # noqa: F401,F403
from .jnp.correlating import *  # noqa: F401,F403
from .jnp.histograms import *  # noqa: F401,F403
from .jnp.setops import *  # noqa: F401,F403
from .jnp.poly import *  # noqa: F401,F403

from numpy import (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,  # noqa: F401
                   float16, float32, float64, complex64, complex128, intp, uintp,
                   dtype, pi, e, inf, nan, euler_gamma, newaxis,
                   integer, floating, complexfloating, inexact, number, signedinteger,
                   unsignedinteger, generic, ndarray)
from .jnp.dtypes import issubdtype, promote_types  # noqa: F401  (JAX's promotion)
from numpy import mgrid, ogrid, s_, index_exp  # noqa: F401,E402  (static index tricks)
from .jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402
from .jnp import array_methods as _array_methods  # noqa: F401,E402  (Array's methods)
from .jnp import scalar_types as _scalar_types  # noqa: E402

bool = bool_  # noqa: A001
float_ = float64
int_ = int64
complex_ = complex128
globals().update(_scalar_types.SCALAR_TYPES)   # JAX's scalar types: float32(x) is an array

_wrap_namespace(globals(), [_n for _n in list(globals()) if not _n.startswith("_")])
del _np
