"""``vmapx.numpy``'s I/O and printing: NumPy's own functions for concrete data
(``load``, ``save``, ``frombuffer``, print options...), ``array_repr`` /
``array_str`` and ``einsum_path``, which only look at shapes and values.
"""
from __future__ import annotations

import numpy as np
from numpy import (load, save, savez, frombuffer, fromfile, fromiter, fromstring,
                   from_dlpack, printoptions, get_printoptions, set_printoptions)  # noqa: F401

from ..core import Tracer, dtype_of, shape_of

__all__ = ["array_repr", "array_str", "einsum_path", "load", "save", "savez",
           "frombuffer", "fromfile", "fromiter", "fromstring", "from_dlpack",
           "printoptions", "get_printoptions", "set_printoptions"]


# ------------------------------------------------------------- NumPy helpers


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """As ``numpy.array_repr``; a traced value shows its shape and dtype.

    >>> array_repr(np.arange(2))
    'array([0, 1])'
    """
    if isinstance(arr, Tracer):
        return repr(arr)
    return np.array_repr(arr, max_line_width, precision, suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """As ``numpy.array_str``; a traced value shows its shape and dtype.

    >>> array_str(np.arange(2))
    '[0 1]'
    """
    if isinstance(a, Tracer):
        return repr(a)
    return np.array_str(a, max_line_width, precision, suppress_small)


def einsum_path(subscripts, *operands, optimize="greedy", einsum_call=False):
    """As ``numpy.einsum_path``; only the shapes of the operands are used.

    >>> einsum_path('ij,jk->ik', np.ones((2, 3)), np.ones((3, 4)))[0]
    ['einsum_path', (0, 1)]
    """
    stand_ins = [np.broadcast_to(np.zeros((), dtype_of(o)), shape_of(o)) for o in operands]
    return np.einsum_path(subscripts, *stand_ins, optimize=optimize, einsum_call=einsum_call)
