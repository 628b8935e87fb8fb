"""``vmapx.numpy``'s searching in sorted arrays: ``searchsorted`` (the
``searchsorted`` primitive; ``count_nonzero`` is with the reductions).
"""
from __future__ import annotations

import numpy as np

from ..core import dtype_of, ndim_of
from . import dtypes as _dt
from .base import asarray_like
from ..prims.searching import searchsorted_p
from . import basic_api as jnp

__all__ = ["searchsorted"]


def searchsorted(a, v, side="left", sorter=None, *, method=None):
    """Insertion indices of ``v`` into the sorted 1-D ``a``, as ``numpy.searchsorted``,
    int32 as JAX's (also with x64; NumPy's intp when NumPy code calls it).

    >>> searchsorted(np.array([1, 3, 5]), np.array([0, 3, 6]), side="right")
    array([0, 2, 3], dtype=int32)
    """
    out = searchsorted_intp(a, v, side, sorter, method=method)
    return out if _dt.numpy_semantics() else jnp.astype(out, np.int32)


def searchsorted_intp(a, v, side="left", sorter=None, *, method=None):
    """``searchsorted`` with intp indices, for the numpy layer's own use
    (``unique``'s counts, ``interp``, histograms: int64 there, as in JAX)."""
    a, v = asarray_like(a), asarray_like(v)
    if ndim_of(a) != 1:
        raise ValueError("object too deep for desired array")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    if method not in (None, "compare_all", "scan", "scan_unrolled", "sort"):
        raise ValueError(f"invalid argument method={method!r}, expected one of "
                         "['compare_all', 'scan', 'scan_unrolled', 'sort']")
    if sorter is not None:
        a = jnp.take(a, sorter)
    dt = _dt.promote(dtype_of(a), dtype_of(v))
    return searchsorted_p.bind(jnp.astype(a, dt), jnp.astype(v, dt), side=side)
