"""``vmap`` over Dask arrays: a lazy Dask array, one task per block of the
mapped axis, each task the batched function on its block.

Imported only when a Dask array is seen (``chunking.has_dask``).  The graph
is built directly: per block, a task runs the ordinary vmap on the block
(under a ``PieceAxis``, so collectives combine across blocks in passes, as in
``_src/chunking.py``) and returns its flat outputs; each output leaf is a
Dask array of ``getitem`` tasks on those, with shape and dtype from staging
the whole call.  See docs/scale.md.
"""
from __future__ import annotations

import operator
import uuid

import dask.array as da
import numpy as np
from dask.highlevelgraph import HighLevelGraph

from . import numpy_hooks
from . import prng, tree as tu
from .tree_prefixes import flatten_axes
from .chunking import Partial, Passes, combine, piece_axis
from .core import AxisData, ShapedArray, get_aval
from .errors import (ConcretizationTypeError, NonConcreteBooleanIndexError,
                     TracerArrayConversionError)
from .staging import trace_to_jaxpr


def _is_dask(x) -> bool:
    return isinstance(x, da.Array)


def _slice(x, d, start, stop):
    return x[(slice(None),) * d + (slice(start, stop),)]


def _run_block(run_flat, axis: AxisData, offset, total, known, pass_index, leaves):
    """One block: its flat outputs, or (``pass_index`` set) its partial of
    that collective."""
    # Unnamed, no collective can see other blocks: a plain axis (so a jitted
    # body batched for one block is reused by the next of the same size).
    ax = axis if axis.name is None else piece_axis(axis, axis.size, offset, total,
                                                   Passes(known))
    numpy_hooks.enter()   # per-example code in the task keeps np.asarray & co. batched
    try:
        out = run_flat(list(leaves), ax)
    except Partial as p:
        if pass_index is None:  # pragma: no cover - counted beforehand
            raise AssertionError("a block met more collectives than were counted") from None
        return p.value
    finally:
        numpy_hooks.exit_()
    if pass_index is not None:  # pragma: no cover - counted beforehand
        raise AssertionError("a block met fewer collectives than were counted")
    return [np.asarray(o) for o in tu.tree_leaves(out)]


def _combine(kind, partials):
    return combine(kind, list(partials))


def vmap_dask(run_flat, treedef, leaves, in_dims, axis: AxisData, out_axes):
    """The lazy result of the vmap whose leaves include Dask arrays.

    ``run_flat(leaves, axis)`` is the ordinary vmap of flat leaves (returning
    the output pytree with ``out_axes`` applied)."""
    for x in leaves:
        if type(x).__module__.startswith("dask") and not _is_dask(x):
            raise TypeError(f"vmap maps over dask.array.Array values; got a "
                            f"{type(x).__module__}.{type(x).__name__} (convert it with "
                            f"to_dask_array() or compute it first)")
    dims = [None if d is None else d % len(np.shape(x)) for x, d in zip(leaves, in_dims,
                                                                         strict=True)]
    mapped = [i for i, (x, d) in enumerate(zip(leaves, dims, strict=True))
              if d is not None and _is_dask(x)]
    if not mapped:  # only unmapped Dask arrays: constants, computed here
        leaves = [np.asarray(x) if _is_dask(x) else x for x in leaves]
        return run_flat(leaves, axis)
    first = leaves[mapped[0]]
    bchunks = tuple(int(c) for c in first.chunks[dims[mapped[0]]])
    if any(np.isnan(c) for c in first.chunks[dims[mapped[0]]]):
        raise ValueError("vmap over a Dask array needs known chunk sizes along the mapped "
                         "axis (call compute_chunk_sizes() first)")
    bounds = np.cumsum((0,) + bchunks)
    starts = [int(s) for s in bounds[:-1]]
    stops = [int(s) for s in bounds[1:]]
    total = axis.size

    # Every leaf as graph keys (or literal values) per block.
    deps = []
    layer: dict = {}
    token = uuid.uuid4().hex
    per_block = []  # per leaf: a function of the block index giving its task argument
    for i, (x, d) in enumerate(zip(leaves, dims, strict=True)):
        if _is_dask(x):
            nd = x.ndim
            if d is None:
                x = x.rechunk((-1,) * nd)
                deps.append(x)
                key = (x.name,) + (0,) * nd
                per_block.append(lambda b, key=key: key)
            else:
                x = x.rechunk(tuple(bchunks if a == d else -1 for a in range(nd)))
                deps.append(x)
                per_block.append(lambda b, name=x.name, nd=nd, d=d:
                                 (name,) + tuple(b if a == d else 0 for a in range(nd)))
        else:
            key = f"vmapx-arg-{i}-{token}"
            layer[key] = x
            if d is None:
                per_block.append(lambda b, key=key: key)
            else:
                per_block.append(lambda b, key=key, d=d: (_slice, key, d, starts[b],
                                                          stops[b]))

    out_tree, out_avals, kinds = _stage(run_flat, leaves, dims, axis, bchunks[0], out_axes)
    out_dims = _out_dims(out_tree, out_avals, out_axes)

    def block_task(b, known_keys, pass_index):
        ax = AxisData(axis.name, stops[b] - starts[b], axis.spmd_name)
        return (_run_block, run_flat, ax, starts[b], total, list(known_keys), pass_index,
                [arg(b) for arg in per_block])

    known_keys = []
    for k, kind in enumerate(kinds):
        pname = f"vmapx-partial-{k}-{token}"
        for b in range(len(bchunks)):
            layer[(pname, b)] = block_task(b, known_keys, k)
        ckey = f"vmapx-combined-{k}-{token}"
        layer[ckey] = (_combine, kind, [(pname, b) for b in range(len(bchunks))])
        known_keys.append(ckey)
    bname = f"vmapx-block-{token}"
    for b in range(len(bchunks)):
        layer[(bname, b)] = block_task(b, known_keys, None)
    graph = HighLevelGraph.from_collections(bname, layer, dependencies=deps)

    outs = []
    for j, (aval, od) in enumerate(zip(out_avals, out_dims, strict=True)):
        name = f"vmapx-out-{j}-{token}"
        nd = len(aval.shape)
        if od is None:
            dsk = {(name,) + (0,) * nd: (operator.getitem, (bname, 0), j)}
            chunks = tuple((s,) for s in aval.shape)
        else:
            dsk = {(name,) + tuple(b if a == od else 0 for a in range(nd)):
                   (operator.getitem, (bname, b), j) for b in range(len(bchunks))}
            chunks = tuple(bchunks if a == od else (s,) for a, s in enumerate(aval.shape))
        g = HighLevelGraph.merge(graph, HighLevelGraph.from_collections(name, dsk, []))
        g = HighLevelGraph(dict(g.layers), {**g.dependencies, name: {bname}})
        outs.append(da.Array(g, name, chunks, dtype=aval.dtype,
                             meta=np.empty((0,) * nd, aval.dtype)))
    return tu.tree_unflatten(out_tree, outs)


def _stage(run_flat, leaves, dims, axis, block, out_axes):
    """Output tree and avals of the whole call, and the kinds of the
    collectives a block meets (in program order), by abstract staging."""
    avals = [ShapedArray(tuple(int(s) for s in np.shape(x)), np.result_type(x))
             if _is_dask(x) else None for x in leaves]
    avals = [a if a is not None else get_aval(x) for a, x in zip(avals, leaves, strict=True)]
    box = []

    def whole(*xs):
        out = run_flat(list(xs), axis)
        flat, tree = tu.tree_flatten(out)
        box.append(tree)
        return flat

    try:
        closed = trace_to_jaxpr(whole, avals)
    except (ConcretizationTypeError, TracerArrayConversionError,
            NonConcreteBooleanIndexError):
        # Per-example Python code (an `if` on a batched value, np.asarray, ...) has
        # no abstract form: run one example eagerly for the output's structure.
        if axis.name is not None:
            raise
        return _probe(run_flat, leaves, dims, axis, out_axes) + ([],)
    kinds = []
    if axis.name is not None:
        passes = Passes(counting=True)
        ax = piece_axis(axis, block, 0, axis.size, passes)
        block_avals = [a if d is None else ShapedArray(
            a.shape[:d] + (block,) + a.shape[d + 1:], a.dtype, a.weak_type)
            for a, d in zip(avals, dims, strict=True)]
        trace_to_jaxpr(lambda *xs: tu.tree_leaves(run_flat(list(xs), ax)), block_avals)
        kinds = passes.kinds
    return box[0], closed.out_avals, kinds


def _probe(run_flat, leaves, dims, axis, out_axes):
    """Output tree and whole-call avals from the first example run eagerly."""
    one = []
    for x, d in zip(leaves, dims, strict=True):
        if d is not None:
            x = _slice(x, d, 0, 1)
            if _is_dask(x):
                x = np.asarray(x.compute())
        one.append(x)
    out = run_flat(one, AxisData(None, 1, axis.spmd_name))
    flat, tree = tu.tree_flatten(out)
    probe_avals = [get_aval(o) for o in flat]
    dims_out = _out_dims(tree, probe_avals, out_axes)
    avals = []
    for a, d in zip(probe_avals, dims_out, strict=True):
        shape = a.shape if d is None else a.shape[:d] + (axis.size,) + a.shape[d + 1:]
        avals.append(ShapedArray(tuple(shape), a.dtype, a.weak_type))
    return tree, avals


def _out_dims(out_tree, out_avals, out_axes):
    dummy = tu.tree_unflatten(out_tree, [0] * len(out_avals))
    dims = flatten_axes("vmap out_axes", dummy, out_axes)
    return prng.batched_out_dims(out_tree, [a.shape for a in out_avals], dims)
