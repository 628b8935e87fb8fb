"""``vmapx.numpy``'s dtype functions and classes: ``result_type`` and
``can_cast`` (JAX's x64 promotion, weak Python scalars), ``issubdtype``
(ml_dtypes' floats are floating), ``isdtype`` and NumPy's
abstract and alias dtype classes (``double``, ``character``, ``uint``...).
"""
from __future__ import annotations

import numpy as np
from numpy import (cdouble, csingle, double, single, character, flexible, object_, uint,
                   isdtype)  # noqa: F401

from .. import inputs
from ..core import Tracer, dummy_of

__all__ = ["result_type", "can_cast", "issubdtype", "cdouble", "csingle", "double", "single",
           "character", "flexible", "object_", "uint", "isdtype"]


def _dtype_arg(x):
    """What NumPy's dtype functions see of ``x``: a traced value by its dtype (a
    weakly typed one as the Python scalar it stands for)."""
    if isinstance(x, Tracer):
        return dummy_of(x.aval) if x.aval.weak_type else x.dtype
    return x


def result_type(*arrays_and_dtypes):
    """The dtype NumPy's promotion gives, as ``numpy.result_type`` (traced values too).

    >>> result_type(np.zeros(2, np.float32), 1.0)
    dtype('float32')
    """
    return np.result_type(*[_dtype_arg(x) for x in arrays_and_dtypes])


def can_cast(from_, to, casting="safe"):
    """Whether a cast is allowed, as ``numpy.can_cast`` (traced values too).

    >>> can_cast(np.zeros(2, np.int32), np.float64)
    True
    """
    return np.can_cast(_dtype_arg(from_), to, casting)


_ML_FLOAT_PARENTS = (np.floating, np.inexact, np.number, np.generic)


def issubdtype(arg1, arg2):
    """Whether ``arg1`` is a sub-dtype of ``arg2``, as ``numpy.issubdtype``, with
    ml_dtypes' floating types (``bfloat16``...) under ``np.floating`` as in JAX.

    >>> issubdtype(np.float32, np.floating), issubdtype(np.int8, np.floating)
    (True, False)
    """
    if arg2 in _ML_FLOAT_PARENTS and not isinstance(arg1, str):
        try:
            if inputs.is_ml_float(np.dtype(arg1)):
                return True
        except TypeError:
            pass
    return bool(np.issubdtype(arg1, arg2))
