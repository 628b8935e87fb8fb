"""A batch run in pieces: ``vmap(..., chunk_size=n | 'auto')``,
``lax.map(..., batch_size=n)``, and the collectives across pieces that the
Dask backend shares.

The mapped inputs are sliced (as views) into chunks of at most ``n``
examples along their batch axes; each chunk runs batched, and its results are
written into outputs allocated once for the whole batch, so intermediates
never exist for more than one chunk at a time.  Results are identical to the
unchunked run (up to BLAS blocking of matmuls, see docs/scale.md).

With an ``axis_name``, each piece runs under a ``PieceAxis``, which the
batching rules of the collectives ask for their values: the multi-pass scheme
of docs/scale.md (pass ``k`` combines the ``k``-th collective's partials over
all pieces; a last pass computes the outputs).
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp, prng, tree as tu
from .tree import flatten_axes
from .core import AxisData, Tracer, get_aval
from .memory import ESTIMATES, is_top_level


# --------------------------------------------------- collectives over pieces


class PieceAxis(AxisData):
    """The axis of one piece of a batch: ``size`` is the piece's, ``total`` the
    whole batch's, ``offset`` the index of its first example; ``passes`` holds
    the collectives combined so far.  Compared by identity, so nothing staged
    under one piece (a jitted body) is reused by another."""
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


def piece_axis(axis: AxisData, size: int, offset: int, total: int, passes) -> PieceAxis:
    a = PieceAxis(axis.name, size, axis.spmd_name)
    a.offset, a.total, a.passes = offset, total, passes
    return a


class Partial(Exception):
    """Raised out of a piece when it has computed the partial value of the
    collective the pass is for (the rest of the piece is not needed)."""

    def __init__(self, kind, value):
        super().__init__(kind)
        self.kind, self.value = kind, value


_COMBINE = {"psum": np.add, "pmax": np.maximum, "pmin": np.minimum}
_SUPPORTED = ("psum", "pmax", "pmin", "all_gather", "axis_index", "axis_size")


class Passes:
    """The state of one pass over the pieces: the combined values of the
    collectives before this pass's one.  ``counting``: record the collectives
    met (kinds), computing them on the piece alone (for the abstract count)."""

    def __init__(self, known=(), counting=False):
        self.known = list(known)
        self.counting = counting
        self.met = 0
        self.kinds: list = []

    def collective(self, kind, axis: PieceAxis, x, d, rest, params):
        """The value and batch dim of a collective over a piece axis, or
        ``None`` (counting) to let the ordinary rule compute it on the piece."""
        if kind not in _SUPPORTED:
            raise NotImplementedError(
                f"{kind} over the axis {axis.name!r} of a batch run in pieces (a vmap with "
                "chunk_size, or over a Dask array) is not supported: only psum, pmean, pmax, "
                "pmin, all_gather, axis_index and axis_size combine across pieces.")
        if rest is not None:
            raise NotImplementedError(
                f"{kind} over several axis names at once, one of them the axis "
                f"{axis.name!r} of a batch run in pieces, is not supported.")
        if kind == "axis_index":
            return np.arange(axis.offset, axis.offset + axis.size, dtype=np.int32), 0
        if kind == "axis_size":
            return axis.total, None
        i = self.met
        self.met += 1
        if self.counting:
            self.kinds.append(kind)
            return None
        if i < len(self.known):
            return _finish_known(kind, self.known[i], params), None
        if isinstance(x, Tracer):
            raise NotImplementedError(
                f"{kind} over the axis {axis.name!r} of a batch run in pieces is not "
                "supported inside jit (or another staging transform) in the mapped "
                "function; call the function without jit, or do not chunk.")
        raise Partial(kind, _partial(kind, np.asarray(x), d, axis.size))


def _partial(kind, x, d, n):
    """A piece's contribution to a collective over its ``n`` examples."""
    if kind == "all_gather":
        return np.moveaxis(x, d, 0) if d is not None else np.broadcast_to(x, (n,) + x.shape)
    if d is None:
        return x * n if kind == "psum" else x
    if kind == "psum":
        return np.sum(x, axis=d, dtype=x.dtype)
    return np.max(x, axis=d) if kind == "pmax" else np.min(x, axis=d)


def combine(kind, partials):
    """The collective's value over the whole batch from its pieces' partials."""
    if kind == "all_gather":
        return np.concatenate(partials, axis=0)
    out = partials[0]
    for p in partials[1:]:
        out = _COMBINE[kind](out, p)
    return np.asarray(out)


def _finish_known(kind, value, params):
    if kind != "all_gather":
        return value
    out = np.moveaxis(value, 0, params["axis"])
    if params["tiled"]:
        ax = params["axis"]
        s = out.shape
        out = out.reshape(s[:ax] + (s[ax] * s[ax + 1],) + s[ax + 2:])
    return out


# ------------------------------------------------------------ chunked runs


def _slice_axis(x, d, start, stop):
    nd = len(get_aval(x).shape)
    d = d % nd
    return x[(slice(None),) * d + (slice(start, stop),)]


def has_dask(leaves) -> bool:
    """Whether a leaf is a Dask collection (checked without importing Dask)."""
    for x in leaves:
        if type(x).__module__.startswith("dask"):
            return True
    return False


WHOLE = object()
"""What ``run_pieces`` returns when the batch should run whole."""


def run_pieces(run_flat, fun, treedef, leaves, in_dims, axis: AxisData, chunk_size, out_axes):
    """The vmap of ``fun`` on the general path when ``chunk_size`` is set or an
    argument is a Dask array; ``WHOLE`` when it should just run whole.
    ``run_flat(leaves, axis)`` is the unchunked vmap of the leaves."""
    if has_dask(leaves):
        # optional dependency: the Dask backend imports Dask, so it is loaded on first use
        from .dask_backend import vmap_dask
        return vmap_dask(run_flat, treedef, leaves, in_dims, axis, out_axes)
    if chunk_size == "auto":
        if not is_top_level(leaves):
            return WHOLE
        chunk_size = ESTIMATES.chunk_size(
            lambda ls, ax: tu.tree_leaves(run_flat(ls, ax)), (fun, treedef, _spec_key(out_axes)),
            leaves, in_dims, axis)
        if chunk_size is None:
            return WHOLE
    if axis.size <= chunk_size:
        return WHOLE
    return run_chunked(run_flat, leaves, in_dims, axis, chunk_size, out_axes)


def runs_whole(stage, fun, args, dims, axis_name, spmd_name, out_axes) -> bool:
    """For the fast path of ``vmap_f`` (positional arrays, flat axes) with
    ``chunk_size='auto'``: whether the batch runs whole (the budget does not
    bind, or the vmap is inside another transform).  ``False`` sends the call
    to the general path (which chunks, or reports errors)."""
    size = None
    for x, d in zip(args, dims, strict=True):
        if type(x) is not np.ndarray:
            return isinstance(x, Tracer)  # inside a transform: whole; else general
        if d is not None and size is None:
            if not -x.ndim <= d < x.ndim:
                return False
            size = x.shape[d]
    if size is None:
        return False
    treedef = _flat_trees.get(len(args))
    if treedef is None:
        treedef = _flat_trees[len(args)] = tu.tree_structure((tuple(range(len(args))), {}))
    chunk = ESTIMATES.chunk_size(
        lambda ls, ax: tu.tree_leaves(stage(ls, ax)), (fun, treedef, _spec_key(out_axes)),
        args, dims, AxisData(axis_name, size, spmd_name))
    return chunk is None


_flat_trees: dict = {}  # the input tree of n positional arrays, by n (a few entries)


def _spec_key(spec):
    """A hashable form of an axis spec (the same for equal specs)."""
    if spec is None or type(spec) is int:
        return spec
    leaves, tree = tu.tree_flatten(spec, is_leaf=lambda v: v is None)
    return tree, tuple(leaves)


def run_chunked(run_one, leaves, in_dims, axis: AxisData, chunk_size: int, out_axes):
    """Run ``run_one`` (the unchunked vmap: ``run_one(leaves, axis)`` returns
    the output pytree with ``out_axes`` applied) chunk by chunk; with a named
    axis, collectives combine across chunks in passes.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: x.sum(), chunk_size=2)(np.arange(10.0).reshape(5, 2))
    array([ 1.,  5.,  9., 13., 17.])
    """
    size = axis.size
    bounds = [(start, min(start + chunk_size, size)) for start in range(0, size, chunk_size)]

    def chunk_of(start, stop):
        return [x if d is None else _slice_axis(x, d, start, stop)
                for x, d in zip(leaves, in_dims, strict=True)]

    if axis.name is None:
        def run(start, stop):
            return run_one(chunk_of(start, stop), AxisData(axis.name, stop - start,
                                                           axis.spmd_name))
        return _write_chunks(run, bounds, size, out_axes)

    known = []  # the combined values of the collectives, in program order

    def run(start, stop):
        return run_one(chunk_of(start, stop),
                       piece_axis(axis, stop - start, start, size, Passes(known)))

    while True:
        try:
            first = run(*bounds[0])
        except Partial as p:
            partials = [p.value]
            for start, stop in bounds[1:]:
                try:
                    run(start, stop)
                except Partial as q:
                    partials.append(q.value)
                else:  # pragma: no cover - every piece meets the same collectives
                    raise AssertionError("a piece met fewer collectives than the first")
            known.append(combine(p.kind, partials))
            continue
        return _write_chunks(run, bounds, size, out_axes, first)


def _write_chunks(run, bounds, size, out_axes, first=None):
    """Outputs of every chunk written into whole-batch outputs (concatenated
    instead when they are tracers)."""
    outs = None
    parts = None
    for start, stop in bounds:
        out = first if first is not None and start == 0 else run(start, stop)
        out_leaves, out_tree = tu.tree_flatten(out)
        if outs is None:
            dims = flatten_axes("vmap out_axes", out, out_axes)
            dims = prng.batched_out_dims(out_tree, [get_aval(o).shape for o in out_leaves],
                                         dims)
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
        outs = [p[0] if d is None else jnp.concatenate(p, axis=d)
                for p, d in zip(parts, dims, strict=True)]
    return tu.tree_unflatten(out_tree, outs)


def _allocate(o, d, size):
    a = get_aval(o)
    shape = list(a.shape)
    shape[d] = size
    return np.empty(tuple(shape), a.dtype)
