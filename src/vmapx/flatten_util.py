"""``vmapx.flatten_util``: JAX's ``jax.flatten_util`` — ``ravel_pytree``, one
flat vector for a pytree of arrays and the function that gives the pytree back.

Optimizers written for vectors (``scipy.optimize``, hand-written Newton or
L-BFGS steps) use it on neural-network parameters.  Composed from ``vmapx.lax``,
so it traces under ``jit`` / ``vmap`` / ``grad`` like any other vmapx code.

>>> import numpy as np
>>> from vmapx.flatten_util import ravel_pytree
>>> flat, unravel = ravel_pytree({"b": np.zeros(2), "w": np.ones((2, 2))})
>>> flat
array([0., 0., 1., 1., 1., 1.])
>>> unravel(flat + 1.0)["w"]
array([[2., 2.],
       [2., 2.]])
"""
from __future__ import annotations

import functools

import numpy as np

from . import dtypes, lax
from . import tree_util

__all__ = ["ravel_pytree"]


def ravel_pytree(pytree):
    """Ravel a pytree of arrays and scalars to one 1-D array: ``(flat, unravel)``.

    ``flat`` holds the leaves in ``tree_util.tree_leaves`` order, each raveled,
    in the dtype the leaves promote to (JAX's promotion; an empty pytree gives
    an empty float32 vector, as JAX).  ``unravel(v)`` cuts a vector of the
    same length back into the pytree: leaves of one dtype keep ``v``'s dtype
    (so ``unravel`` works on vectors of another precision); leaves of mixed
    dtypes are cast back to their own, and ``v`` must then have ``flat``'s
    dtype (``TypeError`` otherwise, as JAX).

    >>> import numpy as np
    >>> flat, unravel = ravel_pytree((np.array([1, 2], np.int32), 3.5))
    >>> flat, flat.dtype
    (array([1. , 2. , 3.5]), dtype('float64'))
    >>> unravel(flat)
    (array([1, 2], dtype=int32), array(3.5))
    """
    leaves, treedef = tree_util.tree_flatten(pytree)
    flat, unravel_leaves = _ravel_leaves(leaves)
    return flat, functools.partial(_unravel_pytree, treedef, unravel_leaves)


def _unravel_pytree(treedef, unravel_leaves, flat):
    return tree_util.tree_unflatten(treedef, unravel_leaves(flat))


def _ravel_leaves(leaves):
    if not leaves:
        return lax.full((0,), 0, np.float32), _no_leaves
    from_dtypes = tuple(dtypes.dtype(leaf) for leaf in leaves)
    to_dtype = dtypes.result_type(*from_dtypes)
    sizes = tuple(int(np.size(leaf)) for leaf in leaves)
    shapes = tuple(tuple(np.shape(leaf)) for leaf in leaves)
    flat = lax.concatenate([lax.reshape(lax.convert_element_type(leaf, to_dtype), (size,))
                            for leaf, size in zip(leaves, sizes, strict=True)], 0)
    if all(d == to_dtype for d in from_dtypes):
        # one dtype: unravel keeps the vector's own dtype (dtype-polymorphic)
        return flat, functools.partial(_unravel_leaves, sizes, shapes, None)
    return flat, functools.partial(_unravel_leaves, sizes, shapes, (from_dtypes, to_dtype))


def _no_leaves(flat):
    return []


def _unravel_leaves(sizes, shapes, casts, flat):
    if np.ndim(flat) != 1 or np.shape(flat)[0] != sum(sizes):
        raise ValueError(f"The unravel function expected an array of shape ({sum(sizes)},), "
                         f"got shape {tuple(np.shape(flat))}.")
    if casts is not None:
        from_dtypes, to_dtype = casts
        if dtypes.dtype(flat) != to_dtype:
            raise TypeError(f"unravel function given array of dtype {dtypes.dtype(flat)}, "
                            f"but expected dtype {to_dtype}")
    pieces = lax.split(flat, sizes) if sizes else []
    leaves = [lax.reshape(piece, shape) for piece, shape in zip(pieces, shapes, strict=True)]
    if casts is None:
        return leaves
    return [_cast_back(leaf, dtype) for leaf, dtype in zip(leaves, from_dtypes, strict=True)]


def _cast_back(leaf, dtype):
    # a real leaf raveled into a complex vector comes back as its real part,
    # silently (JAX does not warn here, as ``lax.convert_element_type`` would)
    if dtypes.issubdtype(dtypes.dtype(leaf), np.complexfloating) and \
            not dtypes.issubdtype(dtype, np.complexfloating):
        leaf = lax.real(leaf)
    return lax.convert_element_type(leaf, dtype)
