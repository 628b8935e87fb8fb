"""Which inputs the transforms and ``vmapx.numpy`` accept, checked where values
enter (``vmap``, ``jit``, ``vmapx.numpy`` conversions and elementwise
functions), with JAX's exception types and wording.

Accepted: arrays of boolean, integer, floating and complex dtypes, NumPy
scalars, Python scalars that fit their 64-bit type.  ``np.matrix`` becomes a
plain 2-d ndarray (as JAX does).  Rejected: object, string, bytes, structured
(void) and datetime/timedelta arrays (``TypeError``), masked arrays
(``ValueError``: the mask would be dropped silently), Python ints outside
int64 (``OverflowError``).
"""
from __future__ import annotations

import numpy as np

VALID_KINDS = "biufc"
"""dtype kinds JAX arrays can have (bool, signed, unsigned, float, complex)."""

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

MASKED_MESSAGE = ("numpy masked arrays are not supported as direct inputs to JAX functions. "
                  "Use arr.filled() to convert the value to a standard numpy array.")


def invalid_dtype(dtype) -> TypeError:
    """JAX's error for an array whose dtype is not numeric."""
    return TypeError(f"Dtype {dtype} is not a valid JAX array type. Only arrays of numeric "
                     "types are supported by JAX.")


def int_overflow(x, path) -> OverflowError:
    """JAX's error for a Python int argument outside int64, at argument ``path``."""
    return OverflowError(
        "An overflow was encountered while parsing an argument to a jitted computation, "
        f"whose argument path is {path}. Got {type(x)} with value {x}")


def int_too_large(x) -> OverflowError:
    """JAX's error for converting a Python int outside int64 to an array."""
    return OverflowError(f"Python int {x} too large to convert to int64")


ML_DTYPES = frozenset((
    "bfloat16", "float8_e3m4", "float8_e4m3", "float8_e4m3fn", "float8_e4m3fnuz",
    "float8_e4m3b11fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "int2", "int4", "uint2", "uint4"))
"""ml_dtypes' types (NumPy sees them as kind 'V'): vmapx names them
(``vmapx.numpy.bfloat16``) but does not compute with them (a clear TypeError)."""


def reject_dtype(dtype):
    """Raise JAX's error for a dtype of kind outside ``VALID_KINDS``; for
    ml_dtypes' types, say that vmapx does not compute with them."""
    if dtype.name in ML_DTYPES:
        raise TypeError(f"Dtype {dtype} is not supported by vmapx, which computes with "
                        "NumPy's own types: convert to float32 (x.astype(np.float32)).")
    raise invalid_dtype(dtype)


def is_valid_dtype(dtype) -> bool:
    return dtype.kind in VALID_KINDS


def fits_int64(x: int) -> bool:
    return INT64_MIN <= x <= INT64_MAX


def plain_input(x):
    """An ndarray subclass as the array JAX would see: ``np.matrix`` and other
    subclasses as a plain ndarray view; masked arrays raise (JAX's ValueError)."""
    if isinstance(x, np.ma.MaskedArray):
        raise ValueError(MASKED_MESSAGE)
    return x.view(np.ndarray)


def check_value(x, path="x"):
    """Raise JAX's error when ``x`` (an argument at ``path``) is not a valid
    input; return it, as a plain ndarray when it was an ndarray subclass."""
    t = type(x)
    if t is int:
        if not fits_int64(x):
            raise int_overflow(x, path)
        return x
    if isinstance(x, np.ndarray):
        if t is not np.ndarray:
            x = plain_input(x)
        if x.dtype.kind not in VALID_KINDS:
            reject_dtype(x.dtype)
        return x
    if isinstance(x, np.generic) and x.dtype.kind not in VALID_KINDS:
        reject_dtype(x.dtype)
    return x


def check_python_ints(obj):
    """Raise JAX's OverflowError for a Python int outside int64 anywhere in a
    (nested) list or tuple about to become an array."""
    if type(obj) is int:
        if not fits_int64(obj):
            raise OverflowError("Python int too large to convert to C long")
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            check_python_ints(o)
