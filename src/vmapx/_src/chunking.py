"""Memory-bounded batches: ``vmap(..., chunk_size=n)`` and ``lax.map(...,
batch_size=n)``.

The mapped inputs are sliced (as views) into chunks of at most ``n``
examples along their batch axes; each chunk runs batched, and its results are
written into outputs allocated once for the whole batch, so intermediates
never exist for more than one chunk at a time.  Results are identical to the
unchunked run.
"""
from __future__ import annotations

import numpy as np

from . import tree as tu
from .core import AxisData, Tracer, get_aval


def _slice_axis(x, d, start, stop):
    nd = len(get_aval(x).shape)
    d = d % nd
    return x[(slice(None),) * d + (slice(start, stop),)]


def run_chunked(run_one, leaves, in_dims, axis: AxisData, chunk_size: int, out_axes):
    """Run ``run_one`` (the unchunked vmap: ``run_one(leaves, axis)`` returns
    the output pytree with ``out_axes`` applied) chunk by chunk.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: x.sum(), chunk_size=2)(np.arange(10.0).reshape(5, 2))
    array([ 1.,  5.,  9., 13., 17.])
    """
    from .api import flatten_axes
    if axis.name is not None:
        raise ValueError(
            f"vmap with chunk_size={chunk_size} cannot also name its axis "
            f"(axis_name={axis.name!r}): collectives over the named axis would only see one "
            "chunk at a time. Drop chunk_size, or compute the collective outside the chunked "
            "vmap.")
    size = axis.size
    starts = list(range(0, size, chunk_size))
    outs = None
    parts = None
    for start in starts:
        stop = min(start + chunk_size, size)
        chunk = [x if d is None else _slice_axis(x, d, start, stop)
                 for x, d in zip(leaves, in_dims, strict=True)]
        out = run_one(chunk, AxisData(axis.name, stop - start, axis.spmd_name))
        out_leaves, out_tree = tu.tree_flatten(out)
        if outs is None:
            dims = flatten_axes("vmap out_axes", out, out_axes)
            dims = [None if d is None else d % max(len(get_aval(o).shape), 1)
                    for o, d in zip(out_leaves, dims, strict=True)]
            traced = any(isinstance(o, Tracer) for o in out_leaves)
            if traced:
                parts = [[o] for o in out_leaves]
                outs = out_leaves
            else:
                outs = [o if d is None else _allocate(o, d, size)
                        for o, d in zip(out_leaves, dims, strict=True)]
        if parts is not None:
            if start:
                for p, o in zip(parts, out_leaves, strict=True):
                    p.append(o)
            continue
        for buf, o, d in zip(outs, out_leaves, dims, strict=True):
            if d is not None:
                buf[(slice(None),) * d + (slice(start, stop),)] = o
    if parts is not None:
        import vmapx.numpy as jnp
        outs = [p[0] if d is None else jnp.concatenate(p, axis=d)
                for p, d in zip(parts, dims, strict=True)]
    return tu.tree_unflatten(out_tree, outs)


def _allocate(o, d, size):
    a = get_aval(o)
    shape = list(a.shape)
    shape[d] = size
    return np.empty(tuple(shape), a.dtype)


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
    from .api import vmap
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
    import vmapx.numpy as jnp
    from .lax_control import scan
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
