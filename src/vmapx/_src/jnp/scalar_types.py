"""``vmapx.numpy``'s scalar types (``float32``, ``int8``, ``bool_``...), as
JAX's: calling one makes a 0-d (or n-d) array of that dtype, on traced values
too (``jnp.float32(x)`` is ``jnp.asarray(x, jnp.float32)``), rather than a
NumPy scalar; and the class still stands for its dtype wherever NumPy takes
one (``jnp.zeros(3, jnp.float32)``, ``x.astype(jnp.int8)``,
``np.dtype(jnp.float32)``, ``jnp.issubdtype(jnp.float32, jnp.floating)``),
compares and hashes equal to NumPy's type, and ``isinstance(v, jnp.float32)``
asks NumPy's type (a NumPy ``float32`` scalar is one; an array is not).

>>> import numpy as np
>>> float32(3.0), int8(3) + 1000, np.dtype(float32), float32 == np.float32
(array(3., dtype=float32), array(-21, dtype=int8), dtype('float32'), True)
"""
from __future__ import annotations

import numpy as np

from .array import to_result
from .creation import asarray


class _ScalarMeta(type):
    """The metaclass of the scalar types: a call converts, the class is a dtype."""

    def __call__(cls, x=0):
        return to_result(asarray(x, dtype=cls.dtype))

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls.numpy_type)

    def __subclasscheck__(cls, sub):
        return sub is cls or issubclass(sub, cls.numpy_type)

    def __eq__(cls, other):
        return other is cls or other is cls.numpy_type or (
            isinstance(other, _ScalarMeta) and other.numpy_type is cls.numpy_type)

    def __ne__(cls, other):
        return not cls.__eq__(other)

    def __hash__(cls):
        return hash(cls.numpy_type)

    def __repr__(cls):
        return f"<class 'vmapx.numpy.{cls.__name__}'>"


def _scalar_type(numpy_type, name=None):
    name = name or numpy_type.__name__
    return _ScalarMeta(name, (), {"dtype": np.dtype(numpy_type), "numpy_type": numpy_type,
                                  "__module__": "vmapx.numpy",
                                  "__doc__": f"A ``{np.dtype(numpy_type).name}`` array "
                                             "from a value (JAX's scalar type); also the "
                                             "dtype."})


bool_ = _scalar_type(np.bool_, "bool")
int8, int16, int32, int64 = (_scalar_type(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (_scalar_type(t)
                                 for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (_scalar_type(t) for t in (np.float16, np.float32, np.float64))
complex64, complex128 = _scalar_type(np.complex64), _scalar_type(np.complex128)
SCALAR_TYPES = {"bool_": bool_, "bool": bool_, "int8": int8, "int16": int16, "int32": int32,
                "int64": int64, "uint8": uint8, "uint16": uint16, "uint32": uint32,
                "uint64": uint64, "float16": float16, "float32": float32, "float64": float64,
                "complex64": complex64, "complex128": complex128, "intp": int64,
                "uintp": uint64, "float_": float64, "int_": int64, "complex_": complex128,
                "double": float64, "single": float32, "cdouble": complex128,
                "csingle": complex64, "half": float16}
