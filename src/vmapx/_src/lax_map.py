"""``lax.map``: ``f`` over the leading axis of its inputs, one slice at a time
(a ``scan``) or, with ``batch_size``, in batches through ``vmap(f)``.

The batched form is defined by ``vmap``, so this module sits above ``vmap``'s
entry (``api``), with the other functions built on it (docs/layers.md).
"""
from __future__ import annotations

from . import numpy_api as jnp, tree as tu
from .api import vmap
from .core import Tracer, get_aval
from .errors import api_boundary
from .lax_loops import scan


@api_boundary
def map(f, xs, *, batch_size=None):  # noqa: A001
    """``f`` applied to each slice of ``xs`` along its leading axis, stacked.

    Without ``batch_size`` a ``scan`` runs one slice at a time; with it the
    slices go through ``vmap(f)`` in batches of ``batch_size`` (bounded memory);
    ``batch_size=0`` is one full batch (``vmap(f)``), as in JAX.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.map(lambda x: x * 2, np.arange(5.0), batch_size=2)
    array([0., 2., 4., 6., 8.])
    """
    if batch_size is not None:
        if type(batch_size) is not int or batch_size < 0:
            raise ValueError(f"lax.map batch_size must be a non-negative int, got "
                             f"{batch_size!r}")
        if batch_size == 0:          # JAX: one full batch, i.e. vmap
            return vmap(f)(xs)
        return map_batched(f, xs, batch_size)
    _, ys = scan(lambda _, x: ((), f(x)), (), xs)
    return ys


def map_batched(f, xs, batch_size: int):
    """``lax.map(f, xs, batch_size=...)``: ``f`` over the leading axis of
    ``xs``, ``batch_size`` examples at a time through ``vmap(f)``.

    On concrete inputs the batches run one after the other into preallocated
    outputs; on traced inputs (inside ``jit`` or another transform) the full
    batches are a ``scan`` over ``vmap(f)`` and the remainder one more
    ``vmap(f)``, as in JAX.

    >>> import numpy as np
    >>> map_batched(lambda x: x ** 2, np.arange(5.0), 2)
    array([ 0.,  1.,  4.,  9., 16.])
    """
    leaves = tu.tree_leaves(xs)
    if not leaves:
        raise ValueError("lax.map got no values to map over")
    sizes = {get_aval(x).shape[0] if get_aval(x).shape else None for x in leaves}
    if None in sizes:
        raise ValueError("lax.map: every input needs a leading axis to map over")
    if len(sizes) > 1:
        raise ValueError(f"lax.map got values with different leading axis sizes: "
                         f"{', '.join(str(get_aval(x).shape[0]) for x in leaves)}.")
    (n,) = sizes
    if not any(isinstance(x, Tracer) for x in leaves):
        return vmap(f, chunk_size=batch_size)(xs)
    full = n // batch_size
    rem = n - full * batch_size
    ys = None
    if full:
        main = tu.tree_map(lambda x: jnp.reshape(x[:full * batch_size],
                                                 (full, batch_size) + tuple(x.shape[1:])), xs)
        _, ys = scan(lambda _, x: ((), vmap(f)(x)), (), main)
        ys = tu.tree_map(lambda y: jnp.reshape(y, (full * batch_size,) + tuple(y.shape[2:])), ys)
    if rem:
        rest = vmap(f)(tu.tree_map(lambda x: x[full * batch_size:], xs))
        ys = rest if ys is None else tu.tree_map(
            lambda a, b: jnp.concatenate([a, b], axis=0), ys, rest)
    return ys
