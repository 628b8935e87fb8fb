"""The array type that ``vmapx.numpy``'s constructors return.

``Array`` is a NumPy ``ndarray`` (it prints and computes like one) that adds what
JAX code expects of a ``jnp`` array: ``x.at[idx].set(v)`` (and the other
functional updates) and indexing with traced indices, so
``jnp.zeros(n).at[label].set(1.0)`` and ``jnp.eye(k)[labels]`` work inside
``vmap``, ``grad`` and ``jit``.  Results leaving a transform are plain
ndarrays; mixed with plain ndarrays, NumPy returns plain ndarrays.
"""
from __future__ import annotations

import numpy as np

from ..core import Tracer


def _has_tracer(index) -> bool:
    if isinstance(index, Tracer):
        return True
    if type(index) in (tuple, list):
        return any(_has_tracer(i) for i in index)
    if type(index) is slice:   # traced bounds: our indexing explains the error
        return any(isinstance(b, Tracer) for b in (index.start, index.stop, index.step))
    return False


class _ArrayMeta(type):
    """``isinstance(x, vmapx.Array)`` holds for every array value, as
    ``isinstance(x, jax.Array)`` does in JAX: NumPy arrays (what transforms
    return) and tracers (what a function sees inside one)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, (np.ndarray, Tracer))


class Array(np.ndarray, metaclass=_ArrayMeta):
    """A NumPy array with JAX's ``.at`` updates and traced indexing.

    As ``jax.Array`` is for JAX values, ``vmapx.Array`` is the type to check
    against: ``isinstance`` holds for every NumPy array and every tracer.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> jnp.zeros(3).at[1].set(5.0)
    array([0., 5., 0.])
    >>> vmapx.vmap(lambda y: jnp.zeros(4).at[y].set(1.0))(np.array([0, 3]))
    array([[1., 0., 0., 0.],
           [0., 0., 0., 1.]])
    >>> vmapx.vmap(lambda y: jnp.eye(3)[y])(np.array([2, 0]))
    array([[0., 0., 1.],
           [1., 0., 0.]])
    >>> isinstance(vmapx.vmap(lambda x: x * 2)(np.ones(2)), vmapx.Array)
    True
    """
    __array_priority__ = -1.0  # mixed with plain ndarrays, results are plain

    @property
    def at(self):
        from .advanced import IndexUpdateHelper
        return IndexUpdateHelper(self.view(np.ndarray))

    def __getitem__(self, index):
        if _has_tracer(index):
            from .indexing import getitem
            return getitem(self.view(np.ndarray), index)
        return np.ndarray.__getitem__(self, index)

    def __repr__(self):
        return repr(self.view(np.ndarray))

    def block_until_ready(self):
        """The array itself: vmapx computes synchronously.

        >>> import vmapx.numpy as jnp
        >>> jnp.ones(2).block_until_ready()
        array([1., 1.])
        """
        return self


Array.__module__ = "vmapx"


def as_array(x):
    """``x`` as an ``Array`` when it is a plain ndarray (no copy); else unchanged."""
    if type(x) is np.ndarray:
        return x.view(Array)
    return x


def plain(x):
    """An ``Array`` as a plain ndarray view; anything else unchanged."""
    return x.view(np.ndarray) if type(x) is Array else x
