"""``vmapx.numpy``'s dtype functions and classes: ``result_type`` and
``can_cast`` (JAX's x64 promotion, weak Python scalars), ``isdtype`` and NumPy's
abstract and alias dtype classes (``double``, ``character``, ``uint``...).
"""
from __future__ import annotations

import numpy as np
from numpy import (cdouble, csingle, double, single, character, flexible, object_, uint,
                   isdtype)  # noqa: F401

from ..core import Tracer, dummy_of

__all__ = ["result_type", "can_cast", "cdouble", "csingle", "double", "single",
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
