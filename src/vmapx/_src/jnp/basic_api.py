"""The sections of ``vmapx.numpy`` that the others are composed from, as one
namespace: array creation, elementwise functions (ufuncs), reductions, shape
manipulation, products and indexing.  The composed sections (``comparison``,
``matrices``, ``grids``, ``insertion``, ``selection``, ``numerical``,
``averages``, ``order_statistics``, ``setops``, ``poly``...) import it as
``jnp``; ``_src/numpy_api.py`` adds them on top.  Functions return
``vmapx.Array``s (``wrap_namespace``), the same objects ``vmapx.numpy`` exports.
"""
from .base import astype, finfo, iinfo  # noqa: F401
from .creation import *  # noqa: F401,F403
from .creation import array, asarray  # noqa: F401
from .ufuncs import *  # noqa: F401,F403
from .ufuncs import round, around  # noqa: F401,A004
from .reductions import *  # noqa: F401,F403
from .reductions import sum, max, min, any, all  # noqa: F401,A004
from .shapes import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .indexing import (take, take_along_axis, diagonal, nonzero)  # noqa: F401
from .indexing import getitem as _getitem  # noqa: F401
from .index_updates import IndexUpdateHelper as _IndexUpdateHelper  # noqa: F401
from numpy import (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,  # noqa: F401
                   float16, float32, float64, complex64, complex128, intp, uintp,
                   dtype, pi, e, inf, nan, euler_gamma, newaxis,
                   integer, floating, complexfloating, inexact, number, signedinteger,
                   unsignedinteger, generic, issubdtype, promote_types, ndarray)
from .array import wrap_namespace as _wrap_namespace

bool = bool_  # noqa: A001

_wrap_namespace(globals(), [_n for _n in list(globals()) if not _n.startswith("_")])
