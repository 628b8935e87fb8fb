"""``vmapx.dtypes``: JAX's ``jax.dtypes`` for vmapx's one dtype model.

vmapx behaves as JAX with ``jax_enable_x64=True``: float64 / int64 defaults,
weak Python scalars, and JAX's type-promotion lattice (``int32`` with
``float32`` is ``float32``, where NumPy gives ``float64``; ``int32`` with
``bfloat16`` is ``bfloat16``).  So ``canonicalize_dtype`` is the identity on
NumPy dtypes, ``result_type`` is the promotion vmapx's operations apply (traced
values by their dtype, weakly typed ones as the Python scalar they stand for),
and ``finfo`` / ``iinfo`` accept arrays and traced values.

What NumPy cannot represent:

* weak types live only on Python scalars and on traced values
  (``is_weakly_typed``): a concrete vmapx array is always strongly typed;
* ``extended`` and ``prng_key`` are the dtype categories of JAX's typed keys:
  NumPy has no such dtypes, so only typed key arrays (``random.key``'s, of
  dtype ``key<fry>``, which NumPy cannot interpret) are of these kinds;
* ``bfloat16`` is ``ml_dtypes.bfloat16`` when the ``ml_dtypes`` package is
  installed (it comes with JAX); without it, naming it raises an
  ``AttributeError`` that says so.

>>> import numpy as np
>>> from vmapx import dtypes
>>> dtypes.canonicalize_dtype(np.int64), dtypes.result_type(np.float32, 2.0)
(dtype('int64'), dtype('float32'))
>>> dtypes.issubdtype(np.float32, np.floating), dtypes.iinfo(np.int8).max
(True, 127)
"""
from __future__ import annotations

import numpy as np

from ._src.autodiff import float0
from ._src.core import Tracer, get_aval
from ._src.jnp.base import finfo as _finfo_of, iinfo as _iinfo_of
from ._src.inputs import ML_FLOATS as _ML_FLOATS
from ._src.prng import KeyArray as _KeyArray, KeyDType as _KeyDType
from ._src.prng import extended, prng_key, key_issubdtype as _key_issubdtype
from ._src.jnp.dtypes import result_weak_type as _result_weak_type

__all__ = ["bfloat16", "canonicalize_dtype", "dtype", "extended", "finfo", "float0", "iinfo",
           "is_weakly_typed", "issubdtype", "itemsize_bits", "prng_key", "result_type",
           "scalar_type_of", "TypePromotionError"]


class TypePromotionError(ValueError):
    """Raised where JAX's strict promotion would refuse a mix of dtypes.

    vmapx follows JAX's standard promotion, so it never raises this itself;
    it exists so that ``except dtypes.TypePromotionError`` works.

    >>> from vmapx import dtypes
    >>> issubclass(dtypes.TypePromotionError, ValueError)
    True
    """


def _bfloat16():
    try:
        import ml_dtypes
    except ImportError:
        raise AttributeError(
            "vmapx.dtypes.bfloat16 needs the ml_dtypes package (NumPy has no bfloat16 "
            "type): pip install ml_dtypes, or use float32.") from None
    return ml_dtypes.bfloat16


def __getattr__(name):
    if name == "bfloat16":
        return _bfloat16()
    raise AttributeError(f"module 'vmapx.dtypes' has no attribute {name!r}")


def _is_ml_float(x) -> bool:
    """Whether ``x`` (a dtype-like, an array or a traced value) is of one of
    ml_dtypes' floating types (``bfloat16``, the float8 family...)."""
    x = getattr(x, "dtype", x) if not isinstance(x, type) else x
    try:
        return np.dtype(x).name in _ML_FLOATS
    except TypeError:
        return False


def canonicalize_dtype(dtype, allow_extended_dtype=False):
    """The dtype vmapx computes in for ``dtype``: with x64 semantics, ``dtype`` itself.

    Python types map to their default dtypes (``float`` to float64).

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.canonicalize_dtype(np.float32), dtypes.canonicalize_dtype(float)
    (dtype('float32'), dtype('float64'))
    """
    if isinstance(dtype, _KeyDType) or isinstance(dtype, type) and issubclass(dtype, extended):
        if not allow_extended_dtype:
            raise ValueError(f"Internal: canonicalize_dtype called on extended dtype {dtype} "
                             "with allow_extended_dtype=False")
        return dtype
    return np.dtype(dtype)


def dtype(x, *, canonicalize=False):
    """The dtype of a value, array, traced value, Python scalar or dtype-like.

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.dtype(1.0), dtypes.dtype(np.arange(3, dtype=np.int8)), dtypes.dtype('float32')
    (dtype('float64'), dtype('int8'), dtype('float32'))
    """
    if isinstance(x, (np.ndarray, np.generic, Tracer, _KeyArray, _KeyDType)):
        return x if isinstance(x, _KeyDType) else x.dtype
    if isinstance(x, (bool, int, float, complex)):
        return get_aval(x).dtype
    if isinstance(x, type) and issubclass(x, extended):
        return x
    try:
        return np.dtype(x)
    except TypeError:
        return get_aval(x).dtype


def issubdtype(arg1, arg2):
    """Whether ``arg1`` is a sub-dtype of ``arg2`` (NumPy's hierarchy, plus JAX's
    ``extended`` / ``prng_key`` categories, of which only key dtypes are a part).

    >>> import numpy as np
    >>> from vmapx import dtypes, random
    >>> dtypes.issubdtype(np.int8, np.integer), dtypes.issubdtype('float64', np.complexfloating)
    (True, False)
    >>> dtypes.issubdtype(random.key(0).dtype, dtypes.prng_key)
    True
    """
    keyed = _key_issubdtype(arg1, arg2)
    if keyed is not None:
        return keyed
    if _is_ml_float(arg1) and arg2 in (np.floating, np.inexact, np.number, np.generic):
        return True
    return bool(np.issubdtype(arg1, arg2))


def result_type(*args, return_weak_type_flag=False):
    """The dtype an operation on ``args`` gives (values, traced values, dtypes,
    Python types); with ``return_weak_type_flag``, also whether it is weak (every
    argument a Python scalar or a weakly typed traced value).

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.result_type(np.int32, np.float32), dtypes.result_type(3, 2.0)
    (dtype('float32'), dtype('float64'))
    >>> dtypes.result_type(np.int8, 3.0, return_weak_type_flag=True)
    (dtype('float64'), True)
    """
    out, weak = _result_weak_type(*args)
    if return_weak_type_flag:
        return out, weak
    return out


def is_weakly_typed(x) -> bool:
    """Whether ``x`` is weakly typed: a Python scalar, or a traced value standing
    for one.  Concrete NumPy arrays and scalars are always strongly typed.

    >>> import numpy as np, vmapx
    >>> from vmapx import dtypes
    >>> dtypes.is_weakly_typed(1.0), dtypes.is_weakly_typed(np.float64(1.0))
    (True, False)
    >>> vmapx.grad(lambda x: (print(dtypes.is_weakly_typed(x)), x * 2)[1])(1.0)
    True
    array(2.)
    """
    if type(x) in (int, float, complex):
        return True
    if isinstance(x, Tracer):
        return bool(x.aval.weak_type)
    return False


def scalar_type_of(x):
    """The Python scalar type of ``x``'s dtype kind (``bool``, ``int``, ``float``
    or ``complex``).

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.scalar_type_of(np.uint8(3)), dtypes.scalar_type_of(np.ones(2, np.float32))
    (<class 'int'>, <class 'float'>)
    """
    kind = dtype(x).kind
    if kind == "b":
        return bool
    if kind in "iu":
        return int
    if kind == "f" or _is_ml_float(x):
        return float
    if kind == "c":
        return complex
    raise TypeError(f"Invalid scalar value {x}")


def itemsize_bits(dtype_like) -> int:
    """The size of one element of ``dtype_like`` in bits.

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.itemsize_bits(np.float32), dtypes.itemsize_bits(bool)
    (32, 8)
    """
    return np.dtype(dtype_like).itemsize * 8


def finfo(dtype_like):
    """Machine limits of a float dtype, as ``numpy.finfo`` (arrays, traced values
    and ``bfloat16`` too).

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> float(dtypes.finfo(np.float32).eps)
    1.1920928955078125e-07
    """
    if _is_ml_float(dtype_like):
        import ml_dtypes   # optional: only reached for an array or dtype of its types
        return ml_dtypes.finfo(getattr(dtype_like, "dtype", dtype_like))
    return _finfo_of(dtype_like)


def iinfo(int_type):
    """Machine limits of an integer dtype, as ``numpy.iinfo`` (arrays and traced
    values too).

    >>> import numpy as np
    >>> from vmapx import dtypes
    >>> dtypes.iinfo(np.uint16).max
    65535
    """
    return _iinfo_of(int_type)
