"""XLA's general gather and scatter, as ``lax.gather`` and ``lax.scatter*`` expose them.

Two primitives:

* ``lax_gather(operand, indices)`` with ``dimension_numbers``
  (:class:`GatherDimensionNumbers`), ``slice_sizes``, ``mode``
  (:class:`GatherScatterMode`) and ``fill_value``;
* ``lax_scatter(operand, indices, updates)`` with ``dimension_numbers``
  (:class:`ScatterDimensionNumbers`), ``kind`` (``'set'``, ``'add'``,
  ``'mul'``, ``'min'``, ``'max'``) and ``mode``.

The index vector is always the last axis of ``indices`` (as in ``jax.lax``);
every other axis of ``indices`` is a batch axis of the operation.  The impls
build one integer index array per operand axis (start + window offset,
broadcast over batch and window) and do one NumPy fancy-index read, or one
unbuffered ``ufunc.at`` / assignment: no Python loop over positions.

Out-of-bounds starts: ``CLIP`` clamps them so the whole window is in bounds;
``FILL_OR_DROP`` makes gather return ``fill_value`` for the whole window and
makes scatter drop the whole window's update; ``PROMISE_IN_BOUNDS`` clamps in
gather and drops in scatter (what XLA does on CPU).

Batching never loops over the batch: a batched operand becomes a new leading
operand axis (a full-size window when only the operand is batched, an
``operand_batching_dims`` entry when the indices are batched too), batched
indices a new leading index batch axis.  The gather JVP is a gather of the
tangent (fill 0); its transpose is a scatter-add.  Scatter's JVP and transpose
follow the kind (the rules of the NumPy-indexing ``scatter`` primitive, written
with these two primitives).
"""
from __future__ import annotations

import enum
from typing import NamedTuple

import numpy as np

from .. import inputs
from ..autodiff import aval_of, is_undefined
from ..batching import bdim_to_front, broadcast_batched
from ..core import Primitive, ShapedArray, get_aval
from . import elementwise as ew


class GatherDimensionNumbers(NamedTuple):
    """How the axes of a gather's operand, indices and output correspond.

    ``offset_dims``: output axes holding the window (slice) axes, sorted;
    ``collapsed_slice_dims``: operand axes whose slice (size 1) is dropped;
    ``start_index_map``: operand axis that each entry of an index vector starts;
    ``operand_batching_dims`` / ``start_indices_batching_dims``: operand and
    indices axes that are batch axes of both (paired in order).

    >>> GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
    ...                        start_index_map=(0,)).operand_batching_dims
    ()
    """
    offset_dims: tuple
    collapsed_slice_dims: tuple
    start_index_map: tuple
    operand_batching_dims: tuple = ()
    start_indices_batching_dims: tuple = ()


class ScatterDimensionNumbers(NamedTuple):
    """How the axes of a scatter's operand, indices and updates correspond.

    ``update_window_dims``: axes of ``updates`` that are window axes, sorted;
    ``inserted_window_dims``: operand axes with a window of size 1 that
    ``updates`` lacks; ``scatter_dims_to_operand_dims``: operand axis that each
    entry of an index vector starts; ``operand_batching_dims`` /
    ``scatter_indices_batching_dims``: batch axes of both (paired in order).

    >>> ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                         scatter_dims_to_operand_dims=(0,)).inserted_window_dims
    (0,)
    """
    update_window_dims: tuple
    inserted_window_dims: tuple
    scatter_dims_to_operand_dims: tuple
    operand_batching_dims: tuple = ()
    scatter_indices_batching_dims: tuple = ()


class GatherScatterMode(enum.Enum):
    """What gather and scatter do with out-of-bounds indices.

    ``CLIP`` clamps each start so its window is in bounds; ``FILL_OR_DROP``
    fills out-of-bounds gathered windows with ``fill_value`` and drops
    out-of-bounds scattered windows; ``PROMISE_IN_BOUNDS`` promises there are
    none (here: gather clamps, scatter drops).

    >>> GatherScatterMode.from_any('clip')
    <GatherScatterMode.CLIP: 0>
    >>> GatherScatterMode.from_any(None)
    <GatherScatterMode.FILL_OR_DROP: 1>
    """
    CLIP = 0
    FILL_OR_DROP = 1
    PROMISE_IN_BOUNDS = 2
    ONE_HOT = 3

    @staticmethod
    def from_any(s):
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


def default_fill_value(dtype):
    """Gather's fill for out-of-bounds windows: NaN for inexact dtypes, the most
    negative value for signed integers, the largest for unsigned, True for bool."""
    dtype = np.dtype(dtype)
    if inputs.is_inexact(dtype):
        return np.array(np.nan, dtype)
    if dtype.kind == "i":
        return np.array(np.iinfo(dtype).min, dtype)
    if dtype.kind == "u":
        return np.array(np.iinfo(dtype).max, dtype)
    return np.array(True, dtype)


# ------------------------------------------------------------------ shared geometry


def _window_dims(ndim, dropped):
    return tuple(d for d in range(ndim) if d not in dropped)


def _index_arrays(x_shape, idx, start_map, batching, window_sizes, mode, drop_oob):
    """The start of every window along every operand axis, and which windows
    are in bounds.

    Returns ``starts`` (per operand axis: an int64 array broadcastable to the
    indices' batch shape, or a scalar 0) and ``mask`` (batch-shaped booleans,
    or None when every window is kept).  Starts read from the index vectors
    (``start_map``) are clamped so the window of ``window_sizes[d]`` fits; a
    window is out of bounds when its unclamped start does not fit, which
    matters for ``FILL_OR_DROP`` (and for ``PROMISE_IN_BOUNDS`` when
    ``drop_oob``, i.e. in scatter).  ``batching`` pairs operand axes with index
    batch axes: their start is the position along that index axis.
    """
    batch_shape = idx.shape[:-1]
    nb = len(batch_shape)
    starts = [np.zeros((), np.int64)] * len(x_shape)
    mask = None
    for k, d in enumerate(start_map):
        s = idx[..., k].astype(np.int64)
        hi = x_shape[d] - window_sizes[d]
        if mode is GatherScatterMode.FILL_OR_DROP or (
                drop_oob and mode is GatherScatterMode.PROMISE_IN_BOUNDS):
            ok = (s >= 0) & (s <= hi)
            mask = ok if mask is None else mask & ok
        starts[d] = np.clip(s, 0, max(hi, 0))
    for od, idim in batching:
        shape = [1] * nb
        shape[idim] = batch_shape[idim]
        starts[od] = np.arange(batch_shape[idim], dtype=np.int64).reshape(shape)
    return starts, mask


def _full_indices(x_shape, starts, window_axes, window_sizes, nb):
    """``starts`` (batch-shaped) plus the window offsets, one array per operand axis,
    all broadcastable to ``batch_shape + window_shape``."""
    nw = len(window_axes)
    out = []
    for d in range(len(x_shape)):
        s = np.asarray(starts[d])
        s = s.reshape(s.shape + (1,) * (nb + nw - s.ndim)) if s.ndim else s
        if d in window_axes:
            j = window_axes.index(d)
            shape = [1] * (nb + nw)
            shape[nb + j] = window_sizes[d]
            s = s + np.arange(window_sizes[d], dtype=np.int64).reshape(shape)
        out.append(s)
    return out


# ------------------------------------------------------------------------ gather


def _gather_geometry(x_shape, idx_shape, dnums):
    """The indices' batch shape and the operand axes that are window (offset) axes."""
    batch_shape = tuple(idx_shape[:-1])
    window_axes = _window_dims(len(x_shape), set(dnums.collapsed_slice_dims)
                               | set(dnums.operand_batching_dims))
    return batch_shape, window_axes


def _gather_out_perm(nb, offset_dims):
    """Permutation from ``batch + window`` order to the output order."""
    perm, b = [], 0
    for pos in range(nb + len(offset_dims)):
        if pos in offset_dims:
            perm.append(nb + offset_dims.index(pos))
        else:
            perm.append(b)
            b += 1
    return tuple(perm)


def _gather_impl(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value,
                 indices_are_sorted=False, unique_indices=False):
    x = np.asarray(operand)
    idx = np.asarray(indices)
    dn = dimension_numbers
    batch_shape, window_axes = _gather_geometry(x.shape, idx.shape, dn)
    nb = len(batch_shape)
    sizes = dict(enumerate(slice_sizes))
    starts, mask = _index_arrays(x.shape, idx, dn.start_index_map,
                                 list(zip(dn.operand_batching_dims,
                                          dn.start_indices_batching_dims, strict=True)),
                                 sizes, mode, drop_oob=False)
    full_shape = batch_shape + tuple(slice_sizes[d] for d in window_axes)
    if 0 in x.shape or 0 in full_shape:
        out = np.zeros(full_shape, x.dtype)
    else:
        full = _full_indices(x.shape, starts, window_axes, sizes, nb)
        out = np.broadcast_to(x[tuple(full)] if full else x, full_shape)
    if mask is not None:
        fill = default_fill_value(x.dtype) if fill_value is None else \
            np.asarray(fill_value).astype(x.dtype)
        out = np.where(mask.reshape(mask.shape + (1,) * len(window_axes)), out, fill)
    return np.ascontiguousarray(np.transpose(out, _gather_out_perm(nb, dn.offset_dims)))


def _gather_abstract(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value,
                     indices_are_sorted=False, unique_indices=False):
    dn = dimension_numbers
    if indices.dtype.kind not in "iu":
        raise TypeError("indices must have an integer type")
    if len(slice_sizes) != len(operand.shape):
        raise TypeError(f"Gather op must have one slice size for every input dimension; got: "
                        f"len(slice_sizes)={len(slice_sizes)}, input_shape.rank="
                        f"{len(operand.shape)}")
    if not indices.shape or indices.shape[-1] != len(dn.start_index_map):
        raise TypeError("Gather op has start_index_map of length "
                        f"{len(dn.start_index_map)}, which must match the last dimension of "
                        f"indices, shape {indices.shape}.")
    for d, (n, s) in enumerate(zip(operand.shape, slice_sizes, strict=True)):
        if not 0 <= s <= n:
            raise TypeError(f"Slice size at index {d} in gather op is out of range, must be "
                            f"within [0, {n} + 1), got {s}.")
        if (d in dn.collapsed_slice_dims or d in dn.operand_batching_dims) and s > 1:
            raise TypeError(f"Gather op can only collapse slice dims with bound 1, but bound "
                            f"is {s} for index {d} at position "
                            f"{(dn.collapsed_slice_dims + dn.operand_batching_dims).index(d)}.")
    batch_shape, window_axes = _gather_geometry(operand.shape, indices.shape, dn)
    if len(dn.offset_dims) != len(window_axes):
        raise TypeError(f"All components of the offset index in a gather op must either be a "
                        f"offset dimension or explicitly collapsed/batching; got "
                        f"len(slice_sizes)={len(slice_sizes)}, output_slice_sizes="
                        f"{tuple(slice_sizes[d] for d in window_axes)}, collapsed_slice_dims="
                        f"{dn.collapsed_slice_dims}, operand_batching_dims="
                        f"{dn.operand_batching_dims}.")
    full = batch_shape + tuple(slice_sizes[d] for d in window_axes)
    perm = _gather_out_perm(len(batch_shape), tuple(dn.offset_dims))
    return ShapedArray(tuple(full[p] for p in perm), operand.dtype, operand.weak_type)


lax_gather_p = Primitive("lax_gather", _gather_impl, abstract=_gather_abstract)


def _shift(dims, by=1):
    return tuple(d + by for d in dims)


def _gather_batch(axis, vals, dims, *, dimension_numbers, slice_sizes, **params):
    (x, idx), (xd, idd) = vals, dims
    dn = dimension_numbers
    if idd is None:  # the batch becomes a leading full-size window axis
        x = bdim_to_front(x, xd)
        new = GatherDimensionNumbers(
            offset_dims=(0,) + _shift(dn.offset_dims),
            collapsed_slice_dims=_shift(dn.collapsed_slice_dims),
            start_index_map=_shift(dn.start_index_map),
            operand_batching_dims=_shift(dn.operand_batching_dims),
            start_indices_batching_dims=dn.start_indices_batching_dims)
        sizes = (axis.size,) + tuple(slice_sizes)
    elif xd is None:  # the batch becomes a leading batch axis of the indices
        idx = bdim_to_front(idx, idd)
        new = dn._replace(offset_dims=_shift(dn.offset_dims),
                          start_indices_batching_dims=_shift(dn.start_indices_batching_dims))
        sizes = tuple(slice_sizes)
    else:  # both: a batching-dims pair
        x, idx = bdim_to_front(x, xd), bdim_to_front(idx, idd)
        new = GatherDimensionNumbers(
            offset_dims=_shift(dn.offset_dims),
            collapsed_slice_dims=_shift(dn.collapsed_slice_dims),
            start_index_map=_shift(dn.start_index_map),
            operand_batching_dims=(0,) + _shift(dn.operand_batching_dims),
            start_indices_batching_dims=(0,) + _shift(dn.start_indices_batching_dims))
        sizes = (1,) + tuple(slice_sizes)
    return lax_gather_p.bind(x, idx, dimension_numbers=new, slice_sizes=sizes, **params), 0


def _gather_jvp(primals, tangents, *, fill_value, **params):
    (x, idx), (t, _) = primals, tangents
    out = lax_gather_p.bind(x, idx, fill_value=fill_value, **params)
    if t is None:
        return out, None
    return out, lax_gather_p.bind(t, idx, fill_value=0, **params)


def _gather_transpose(ct, x, idx, *, dimension_numbers, slice_sizes, mode, fill_value,
                      indices_are_sorted=False, unique_indices=False):
    if not is_undefined(x) or ct is None:
        return [None, None]
    a = aval_of(x)
    dn = dimension_numbers
    sdn = ScatterDimensionNumbers(
        update_window_dims=dn.offset_dims, inserted_window_dims=dn.collapsed_slice_dims,
        scatter_dims_to_operand_dims=dn.start_index_map,
        operand_batching_dims=dn.operand_batching_dims,
        scatter_indices_batching_dims=dn.start_indices_batching_dims)
    zeros = np.zeros(a.shape, a.dtype)
    return [lax_scatter_p.bind(zeros, idx, ct, dimension_numbers=sdn, kind="add", mode=mode,
                               indices_are_sorted=indices_are_sorted,
                               unique_indices=unique_indices), None]


lax_gather_p.batch = _gather_batch
lax_gather_p.jvp = _gather_jvp
lax_gather_p.transpose = _gather_transpose

# ----------------------------------------------------------------------- scatter

_SCATTER_UFUNCS = {"add": np.add, "mul": np.multiply, "min": np.minimum, "max": np.maximum}
SCATTER_KINDS = ("set",) + tuple(_SCATTER_UFUNCS)


def _scatter_window(x_shape, u_shape, dn):
    """Operand window axes and the window size along every operand axis."""
    window_axes = _window_dims(len(x_shape), set(dn.inserted_window_dims)
                               | set(dn.operand_batching_dims))
    sizes = {d: 1 for d in range(len(x_shape))}
    for d, ud in zip(window_axes, dn.update_window_dims, strict=True):
        sizes[d] = u_shape[ud]
    return window_axes, sizes


def _scatter_impl(operand, indices, updates, *, dimension_numbers, kind, mode,
                  indices_are_sorted=False, unique_indices=False):
    x = np.array(operand, copy=True)
    idx = np.asarray(indices)
    u = np.asarray(updates)
    dn = dimension_numbers
    scatter_dims = tuple(d for d in range(u.ndim) if d not in dn.update_window_dims)
    u = np.transpose(u, scatter_dims + tuple(dn.update_window_dims))  # batch + window order
    window_axes, sizes = _scatter_window(x.shape, np.shape(updates), dn)
    nb = idx.ndim - 1
    starts, mask = _index_arrays(x.shape, idx, dn.scatter_dims_to_operand_dims,
                                 list(zip(dn.operand_batching_dims,
                                          dn.scatter_indices_batching_dims, strict=True)),
                                 sizes, mode, drop_oob=True)
    if u.size == 0 or x.size == 0:
        return x
    full = [np.broadcast_to(a, u.shape)
            for a in _full_indices(x.shape, starts, window_axes, sizes, nb)]
    if mask is not None:
        keep = np.broadcast_to(mask.reshape(mask.shape + (1,) * len(window_axes)), u.shape)
        full = [a[keep] for a in full]
        u = u[keep]
    index = tuple(full)
    if kind == "set":
        x[index] = u
    else:
        _SCATTER_UFUNCS[kind].at(x, index, u)  # unbuffered: duplicates accumulate
    return x


def _scatter_abstract(operand, indices, updates, *, dimension_numbers, kind, mode,
                      indices_are_sorted=False, unique_indices=False):
    dn = dimension_numbers
    if kind not in SCATTER_KINDS:
        raise ValueError(f"scatter kind must be one of {SCATTER_KINDS}, got {kind!r}")
    if indices.dtype.kind not in "iu":
        raise TypeError("indices must have an integer type")
    if operand.dtype != updates.dtype:
        raise TypeError(f"scatter operand and updates must have the same dtype, got "
                        f"{operand.dtype.name} and {updates.dtype.name}")
    if not indices.shape or indices.shape[-1] != len(dn.scatter_dims_to_operand_dims):
        raise TypeError("Scatter op has scatter_dims_to_operand_dims of length "
                        f"{len(dn.scatter_dims_to_operand_dims)}, which must match the last "
                        f"dimension of indices, shape {indices.shape}.")
    window_axes = _window_dims(len(operand.shape), set(dn.inserted_window_dims)
                               | set(dn.operand_batching_dims))
    if len(window_axes) != len(dn.update_window_dims):
        raise TypeError(f"Scatter op has window of size {len(dn.update_window_dims)}; doesn't "
                        f"match operand of rank {len(operand.shape)}.")
    scatter_dims = [d for d in range(len(updates.shape)) if d not in dn.update_window_dims]
    if [updates.shape[d] for d in scatter_dims] != list(indices.shape[:-1]):
        raise TypeError(f"Bounds of the scatter dimensions of updates must be the same as the "
                        f"bounds of the corresponding dimensions of scatter indices; updates "
                        f"shape {updates.shape}, indices shape {indices.shape}.")
    for d, ud in zip(window_axes, dn.update_window_dims, strict=True):
        if updates.shape[ud] > operand.shape[d]:
            raise TypeError(f"Bounds of the window dimensions of updates must not exceed the "
                            f"bounds of the corresponding dimensions of operand. For dimension "
                            f"{ud}, updates bound is {updates.shape[ud]}, operand bound is "
                            f"{operand.shape[d]}.")
    return ShapedArray(operand.shape, operand.dtype, operand.weak_type)


lax_scatter_p = Primitive("lax_scatter", _scatter_impl, abstract=_scatter_abstract)


def _scatter_batch(axis, vals, dims, *, dimension_numbers, **params):
    """Everything batched at the front; the batch is an operand/indices batching pair."""
    (x, idx, u), (xd, idd, ud) = vals, dims
    dn = dimension_numbers
    x = broadcast_batched(x, xd, axis.size)
    idx = broadcast_batched(idx, idd, axis.size)
    u = broadcast_batched(u, ud, axis.size)
    new = ScatterDimensionNumbers(
        update_window_dims=_shift(dn.update_window_dims),
        inserted_window_dims=_shift(dn.inserted_window_dims),
        scatter_dims_to_operand_dims=_shift(dn.scatter_dims_to_operand_dims),
        operand_batching_dims=(0,) + _shift(dn.operand_batching_dims),
        scatter_indices_batching_dims=(0,) + _shift(dn.scatter_indices_batching_dims))
    return lax_scatter_p.bind(x, idx, u, dimension_numbers=new, **params), 0


def gather_like_scatter(x, idx, updates_shape, *, dimension_numbers, mode, fill_value=0,
                        indices_are_sorted=False, unique_indices=False):
    """The gather reading, for each update element, the operand element it lands
    on (output shaped like the updates)."""
    dn = dimension_numbers
    x_shape = get_aval(x).shape
    _, sizes = _scatter_window(x_shape, updates_shape, dn)
    gdn = GatherDimensionNumbers(
        offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
        start_index_map=dn.scatter_dims_to_operand_dims,
        operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.scatter_indices_batching_dims)
    return lax_gather_p.bind(x, idx, dimension_numbers=gdn,
                             slice_sizes=tuple(sizes[d] for d in range(len(x_shape))),
                             mode=mode, fill_value=fill_value,
                             indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices)


def _scatter_jvp(primals, tangents, *, kind, **params):
    x, idx, u = primals
    tx, _, tu = tangents
    scatter = lambda a, b, k=kind: lax_scatter_p.bind(a, idx, b, kind=k, **params)  # noqa: E731
    out = scatter(x, u)
    if tx is None and tu is None:
        return out, None
    xa, ua = get_aval(x), get_aval(u)
    zeros_x = np.zeros(xa.shape, xa.dtype)
    if kind == "add" and tu is None:
        return out, tx
    if kind in ("set", "add"):
        tx = zeros_x if tx is None else tx
        tu = np.zeros(ua.shape, ua.dtype) if tu is None else tu
        return out, scatter(tx, tu)
    gparams = {k: v for k, v in params.items() if k != "mode"}
    gather = lambda v, fill=0: gather_like_scatter(  # noqa: E731
        v, idx, ua.shape, mode=params["mode"], fill_value=fill, **gparams)
    scatter_add = lambda z: scatter(zeros_x, z, "add")  # noqa: E731
    one, zero = np.ones((), xa.dtype), np.zeros((), xa.dtype)
    if kind == "mul":
        # out[j] = x[j] * prod_i u_i over the updates landing on j.  d/du_i is
        # x[j] * prod_{i' != i} u_i', computed without dividing by zero: with Z_j
        # zeros among them and P_j the product of the nonzero ones, the product of
        # the others is P_j / u_i if Z_j == 0, P_j if u_i is the one zero, else 0.
        tan = None if tx is None else scatter(tx, u)
        if tu is not None:
            is0 = ew.equal_p.bind(u, zero)
            nz = ew.where_p.bind(is0, one, u)
            zj = gather(scatter_add(ew.where_p.bind(is0, one, zero)))
            pj = gather(scatter(np.ones(xa.shape, xa.dtype), nz, "mul"))
            others = ew.where_p.bind(
                is0, ew.where_p.bind(ew.equal_p.bind(zj, one), pj, zero),
                ew.where_p.bind(ew.equal_p.bind(zj, zero), ew.divide_p.bind(pj, nz), zero))
            term = ew.multiply_p.bind(x, scatter_add(ew.multiply_p.bind(others, tu)))
            tan = term if tan is None else ew.add_p.bind(tan, term)
        return out, tan
    # min / max: the tangent of whichever of x[j] and the updates attain the
    # extremum, averaged over ties.  Dropped updates gather NaN and never hit.
    hit_u = ew.where_p.bind(ew.equal_p.bind(u, gather(out, np.nan)), one, zero)
    kept_x = ew.where_p.bind(ew.equal_p.bind(x, out), one, zero)
    count = ew.add_p.bind(scatter_add(hit_u), kept_x)
    tan = None if tx is None else ew.multiply_p.bind(tx, kept_x)
    if tu is not None:
        term = scatter_add(ew.multiply_p.bind(tu, hit_u))
        tan = term if tan is None else ew.add_p.bind(tan, term)
    return out, ew.divide_p.bind(tan, count)


def _scatter_transpose(ct, x, idx, u, *, kind, **params):
    lin_x, lin_u = is_undefined(x), is_undefined(u)
    if ct is None:
        return [None, None, None]
    if kind == "mul":
        if lin_u:
            raise NotImplementedError("scatter_mul is not linear in its updates")
        return [lax_scatter_p.bind(ct, idx, u, kind="mul", **params) if lin_x else None,
                None, None]
    if kind not in ("add", "set"):
        raise NotImplementedError(f"scatter of kind {kind!r} is not linear")
    ua = aval_of(u)
    ct_x = ct_u = None
    if lin_x:
        ct_x = ct if kind == "add" else lax_scatter_p.bind(
            ct, idx, np.zeros(ua.shape, ua.dtype), kind="set", **params)
    if lin_u:
        gparams = {k: v for k, v in params.items() if k != "mode"}
        ct_u = gather_like_scatter(ct, idx, ua.shape, mode=params["mode"], fill_value=0,
                                   **gparams)
        if kind == "set":
            # Of duplicate indices only the update written last reaches the output.
            ids = np.arange(int(np.prod(ua.shape, dtype=np.int64)),
                            dtype=np.int64).reshape(ua.shape)
            won = lax_scatter_p.bind(np.full(aval_of(x).shape, -1, np.int64), idx, ids,
                                     kind="set", **params)
            back = gather_like_scatter(won, idx, ua.shape, mode=params["mode"], fill_value=-2,
                                       **gparams)
            ct_u = ew.where_p.bind(ew.equal_p.bind(back, ids), ct_u,
                                   np.zeros((), ua.dtype))
    return [ct_x, None, ct_u]


lax_scatter_p.batch = _scatter_batch
lax_scatter_p.jvp = _scatter_jvp
lax_scatter_p.transpose = _scatter_transpose
