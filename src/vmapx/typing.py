"""``vmapx.typing``: the annotations of ``jax.typing``.

- ``ArrayLike``: any value that converts implicitly to an array: a
  ``vmapx.Array`` (traced values included), a ``numpy.ndarray``, a NumPy
  scalar, or a Python ``bool`` / ``int`` / ``float`` / ``complex``.  Lists and
  tuples are not array-like (as in JAX).
- ``DTypeLike``: anything that names a dtype: a string (``'float32'``), a
  scalar type (``float``, ``np.int32``), a ``numpy.dtype``, or an object with a
  ``dtype`` attribute (:class:`SupportsDType`).

Both are ``typing.Union``s, usable in annotations and, on Python 3.10 or newer,
in ``isinstance`` checks.  Annotate outputs with ``vmapx.Array``.  As in JAX,
a traced value inside a transform is an instance of ``vmapx.Array`` but not of
the ``ArrayLike`` union (``Union``'s check asks its type, not the metaclass).

>>> import numpy as np, vmapx
>>> from vmapx.typing import ArrayLike
>>> def center(x: ArrayLike) -> vmapx.Array:
...     x = vmapx.numpy.asarray(x)
...     return x - x.mean()
>>> center(np.array([1.0, 2.0, 3.0]))
array([-1.,  0.,  1.])
>>> isinstance(2.0, ArrayLike), isinstance([2.0], ArrayLike)
(True, False)
"""
from __future__ import annotations

import typing
from typing import Any, Protocol, Union

import numpy as np

from ._src.jnp.array import Array

__all__ = ["ArrayLike", "DTypeLike"]


@typing.runtime_checkable
class SupportsDType(Protocol):
    """An object with a ``dtype`` attribute (``vmapx.numpy.float32``, an array)."""

    @property
    def dtype(self, /) -> np.dtype: ...


StaticScalar = Union[np.bool_, np.number, bool, int, float, complex]
"""Scalars that convert to arrays: NumPy scalars and Python numbers."""

ArrayLike = Union[Array, np.ndarray, StaticScalar]
"""Values that convert implicitly to a ``vmapx.Array``."""

DTypeLike = Union[str, type[Any], np.dtype, SupportsDType]
"""Values that name a dtype."""
