"""Collectives over a named vmap axis: psum, pmax, pmin, all_gather, ppermute,
all_to_all, psum_scatter, axis_index, axis_size.

Each is an ``AxisPrimitive``: the batch trace whose ``axis_name`` is among the
primitive's names handles it (an inner vmap of the same name shadows an outer
one), reducing or permuting along its batch axis; names it does not bind are
passed on to the traces below.  With no enclosing vmap binding the name, the
evaluation trace raises the "unbound axis name" error.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import AxisPrimitive, ShapedArray, axis_names_of, dtype_of, ndim_of, shape_of
from ..batching import broadcast_batched, moveaxis
from . import elementwise, reductions
from .indexing import take_p
from .shapes import reshape_p, transpose_p


def _split_names(axis, axis_name):
    names = axis_names_of(axis_name)
    rest = tuple(n for n in names if n != axis.name)
    mine = len(rest) != len(names)
    return mine, (rest if len(rest) != 1 else rest[0]) if rest else None


def _over_pieces(kind, ax, x=None, d=None, rest=None, **params):
    """A collective over an axis whose batch runs in pieces (a ``PieceAxis`` of
    ``_src/chunking.py``: chunked or Dask-blocked): its value and batch dim,
    from the passes over all pieces; ``None`` for an ordinary axis."""
    passes = getattr(ax, "passes", None)
    if passes is None:
        return None
    return passes.collective(kind, ax, x, d, rest, params)


def _front(x, d, size):
    return broadcast_batched(x, d, size)


# -------------------------------------------------------------- reductions


def _reducing(name, reduce_prim_name, scale_unmapped):
    def impl(x, *, axis_name):  # reached only when the name is unbound
        raise AssertionError("unreachable: the evaluation trace reports unbound names")

    prim = AxisPrimitive(name, impl, abstract=lambda a, *, axis_name: a)

    def batch(axis, vals, dims, *, axis_name):
        (x,), (d,) = vals, dims
        mine, rest = _split_names(axis, axis_name)
        if not mine:
            return prim.bind(x, axis_name=axis_name), d
        got = _over_pieces(name, axis, x, d, rest)
        if got is not None:
            return got
        if d is None:
            out = elementwise.multiply_p.bind(x, axis.size) if scale_unmapped else x
        elif axis.size == 0 and not scale_unmapped:
            # max/min over no examples: the reduction's identity (as XLA's)
            dt = dtype_of(x)
            ident = (-np.inf if reduce_prim_name == "reduce_max_p" else np.inf) \
                if inputs.is_inexact(dt) else (np.iinfo(dt).min if reduce_prim_name ==
                                         "reduce_max_p" else np.iinfo(dt).max) \
                if dt.kind in "iu" else reduce_prim_name == "reduce_min_p"
            s = shape_of(x)
            out = np.full(s[:d] + s[d + 1:], ident, dtype=dt)
        else:
            red = getattr(reductions, reduce_prim_name)
            params = dict(axes=(d,), keepdims=False)
            if reduce_prim_name == "reduce_sum_p":
                params["dtype"] = dtype_of(x)  # a psum keeps its operand's dtype
            out = red.bind(x, **params)
        if rest is not None:
            out = prim.bind(out, axis_name=rest)
        return out, None

    prim.batch = batch
    return prim


psum_p = _reducing("psum", "reduce_sum_p", True)
pmax_p = _reducing("pmax", "reduce_max_p", False)
pmin_p = _reducing("pmin", "reduce_min_p", False)

# --------------------------------------------------------- axis_index / size

axis_index_p = AxisPrimitive("axis_index", lambda *, axis_name: None,
                             abstract=lambda *, axis_name: ShapedArray((), np.dtype(np.int32)))


def _axis_index_batch(axis, vals, dims, *, axis_name):
    got = _over_pieces("axis_index", axis)
    if got is not None:
        return got
    return np.arange(axis.size, dtype=np.int32), 0


axis_index_p.batch = _axis_index_batch

axis_size_p = AxisPrimitive("axis_size", lambda *, axis_name: None,
                            abstract=lambda *, axis_name: ShapedArray((), np.dtype(np.int64)))


def _axis_size_batch(axis, vals, dims, *, axis_name):
    mine, rest = _split_names(axis, axis_name)
    got = _over_pieces("axis_size", axis, rest=rest)
    if got is not None:
        return got
    size = axis.size
    if rest is not None:
        size = size * axis_size_p.bind(axis_name=rest)
    return size, None


axis_size_p.batch = _axis_size_batch

# --------------------------------------------------------------- all_gather


def _all_gather_abstract(a, *, axis_name, axis, tiled, size):
    shape = list(a.shape)
    if tiled:
        shape[axis] *= size
    else:
        shape.insert(axis, size)
    return ShapedArray(tuple(shape), a.dtype, a.weak_type)


all_gather_p = AxisPrimitive("all_gather", None, abstract=_all_gather_abstract)


def _all_gather_batch(ax, vals, dims, *, axis_name, axis, tiled, size):
    (x,), (d,) = vals, dims
    mine, rest = _split_names(ax, axis_name)
    if not mine:
        # An outer vmap gathers; this vmap's batch axis ``d`` is one more operand
        # axis, shifted by the new axis when that is inserted before it.
        out = all_gather_p.bind(x, axis_name=axis_name, axis=axis + (axis >= d), tiled=tiled,
                                size=size)
        return out, d + (not tiled and axis < d)
    got = _over_pieces("all_gather", ax, x, d, rest, axis=axis, tiled=tiled)
    if got is not None:
        return got
    if rest is not None:
        raise NotImplementedError("all_gather over several axis names at once")
    x = _front(x, d, ax.size)
    out = moveaxis(x, 0, axis)
    if tiled:
        s = shape_of(out)
        out = reshape_p.bind(out, new_sizes=s[:axis] + (s[axis] * s[axis + 1],) + s[axis + 2:])
    return out, None


all_gather_p.batch = _all_gather_batch

# ----------------------------------------------------------------- ppermute

ppermute_p = AxisPrimitive("ppermute", None, abstract=lambda a, *, axis_name, perm: a)


def _ppermute_batch(ax, vals, dims, *, axis_name, perm):
    (x,), (d,) = vals, dims
    mine, rest = _split_names(ax, axis_name)
    if not mine:
        return ppermute_p.bind(x, axis_name=axis_name, perm=perm), d
    _over_pieces("ppermute", ax, rest=rest)
    if rest is not None:
        raise NotImplementedError("ppermute over several axis names at once")
    for s, t in perm:
        if not (0 <= s < ax.size and 0 <= t < ax.size):
            raise ValueError(f"ppermute perm entry ({s}, {t}) is out of range for the axis "
                             f"{ax.name!r} of size {ax.size}")
    x = _front(x, d, ax.size)
    src = np.zeros(ax.size, dtype=np.intp)
    hit = np.zeros(ax.size, dtype=bool)
    for s, t in perm:
        src[t] = s
        hit[t] = True
    out = take_p.bind(x, src, axis=0)
    if not hit.all():
        mask = hit.reshape((ax.size,) + (1,) * (ndim_of(x) - 1))
        out = elementwise.where_p.bind(mask, out, np.zeros((), dtype=x.dtype))
    return out, 0


ppermute_p.batch = _ppermute_batch

# --------------------------------------------------------------- all_to_all


def _all_to_all_abstract(a, *, axis_name, split_axis, concat_axis, tiled, size):
    shape = list(a.shape)
    if tiled:
        shape[split_axis] //= size
        shape[concat_axis] *= size
    else:
        shape.pop(split_axis)
        shape.insert(concat_axis, size)
    return ShapedArray(tuple(shape), a.dtype, a.weak_type)


all_to_all_p = AxisPrimitive("all_to_all", None, abstract=_all_to_all_abstract)


def _all_to_all_batch(ax, vals, dims, *, axis_name, split_axis, concat_axis, tiled, size):
    (x,), (d,) = vals, dims
    mine, rest = _split_names(ax, axis_name)
    if not mine:
        # An outer vmap exchanges; this vmap's batch axis ``d`` rides along.  Untiled,
        # the split axis is removed (moving ``d`` down if before it) and the concat
        # axis inserted (moving ``d`` up if at or before it).
        s2 = split_axis + (split_axis >= d)
        if tiled:
            return all_to_all_p.bind(x, axis_name=axis_name, split_axis=s2,
                                     concat_axis=concat_axis + (concat_axis >= d), tiled=tiled,
                                     size=size), d
        d_mid = d - (s2 < d)
        c2 = concat_axis + (concat_axis >= d_mid)
        return all_to_all_p.bind(x, axis_name=axis_name, split_axis=s2, concat_axis=c2,
                                 tiled=tiled, size=size), d_mid + (c2 <= d_mid)
    _over_pieces("all_to_all", ax, rest=rest)
    if rest is not None:
        raise NotImplementedError("all_to_all over several axis names at once")
    x = _front(x, d, ax.size)  # (j, per-example...)
    B = ax.size
    s = shape_of(x)
    n = len(s) - 1
    if not tiled:
        if s[split_axis + 1] != B:
            raise ValueError(f"all_to_all requires the size of the mapped axis axis_name to "
                             f"equal x.shape[split_axis], but they are {B} and "
                             f"{s[split_axis + 1]} respectively.")
        rest_axes = [k + 1 for k in range(n) if k != split_axis]
        rest_axes.insert(concat_axis, 0)
        return transpose_p.bind(x, perm=(split_axis + 1,) + tuple(rest_axes)), 0
    k = s[split_axis + 1] // B
    if k * B != s[split_axis + 1]:
        raise ValueError(f"The size of all_to_all split_axis ({s[split_axis + 1]}) has to be "
                         f"divisible by the size of the named axis {ax.name} ({B})")
    # (j, ..., i, k, ...): the i axis is at split_axis + 1, k after it
    x = reshape_p.bind(x, new_sizes=s[:split_axis + 1] + (B, k) + s[split_axis + 2:])
    per = [a + 1 for a in range(n + 1) if a != split_axis]  # per-example axes, with k
    per = [a if a <= split_axis + 1 else a + 0 for a in per]
    # positions (in x) of the per-example axes after the split: split axis -> k at split+2
    pos = []
    for a in range(n):
        pos.append(a + 1 if a < split_axis else (split_axis + 2 if a == split_axis else a + 2))
    order = [split_axis + 1] + pos[:concat_axis] + [0] + pos[concat_axis:]
    y = transpose_p.bind(x, perm=tuple(order))
    ys = shape_of(y)
    c = concat_axis + 1  # j sits at c, the concat axis right after it
    y = reshape_p.bind(y, new_sizes=ys[:c] + (ys[c] * ys[c + 1],) + ys[c + 2:])
    return y, 0


all_to_all_p.batch = _all_to_all_batch

# ------------------------------------------------------------ psum_scatter


def _psum_scatter_abstract(a, *, axis_name, scatter_dimension, tiled, size):
    shape = list(a.shape)
    if tiled:
        shape[scatter_dimension] //= size
    else:
        shape.pop(scatter_dimension)
    return ShapedArray(tuple(shape), a.dtype, a.weak_type)


psum_scatter_p = AxisPrimitive("psum_scatter", None, abstract=_psum_scatter_abstract)


def _psum_scatter_batch(ax, vals, dims, *, axis_name, scatter_dimension, tiled, size):
    (x,), (d,) = vals, dims
    mine, rest = _split_names(ax, axis_name)
    if not mine:
        sd = scatter_dimension + (scatter_dimension >= d) if d is not None else scatter_dimension
        return psum_scatter_p.bind(x, axis_name=axis_name, scatter_dimension=sd, tiled=tiled,
                                   size=size), d - (not tiled and sd < d)
    _over_pieces("psum_scatter", ax, rest=rest)
    if rest is not None:
        raise NotImplementedError("psum_scatter over several axis names at once")
    s, _ = psum_p.batch(ax, [x], [d], axis_name=ax.name)  # summed, unmapped
    B = ax.size
    shp = shape_of(s)
    if shp[scatter_dimension] % B if tiled else shp[scatter_dimension] != B:
        raise ValueError(f"psum_scatter: scatter dimension of size {shp[scatter_dimension]} "
                         f"does not match the axis size {B}")
    if tiled:
        k = shp[scatter_dimension] // B
        s = reshape_p.bind(s, new_sizes=shp[:scatter_dimension] + (B, k) +
                           shp[scatter_dimension + 1:])
    return s, scatter_dimension


psum_scatter_p.batch = _psum_scatter_batch

# --------------------------------------------------------- differentiation
# The linear collectives, with JAX's transposes under vmap: psum's is psum
# (each example's cotangent flows to every example), all_gather's is
# psum_scatter and back, ppermute's the inverse permutation, all_to_all's the
# swapped exchange.  pmax and pmin have no rule, as in JAX.

from ..autodiff import linear_jvp  # noqa: E402

for _p in (psum_p, all_gather_p, ppermute_p, all_to_all_p, psum_scatter_p):
    _p.jvp = linear_jvp(_p)

psum_p.transpose = lambda ct, x, *, axis_name: [psum_p.bind(ct, axis_name=axis_name)]
all_gather_p.transpose = lambda ct, x, *, axis_name, axis, tiled, size: [
    psum_scatter_p.bind(ct, axis_name=axis_name, scatter_dimension=axis, tiled=tiled,
                        size=size)]
psum_scatter_p.transpose = lambda ct, x, *, axis_name, scatter_dimension, tiled, size: [
    all_gather_p.bind(ct, axis_name=axis_name, axis=scatter_dimension, tiled=tiled, size=size)]
ppermute_p.transpose = lambda ct, x, *, axis_name, perm: [
    ppermute_p.bind(ct, axis_name=axis_name, perm=tuple((t, s) for s, t in perm))]
all_to_all_p.transpose = lambda ct, x, *, axis_name, split_axis, concat_axis, tiled, size: [
    all_to_all_p.bind(ct, axis_name=axis_name, split_axis=concat_axis, concat_axis=split_axis,
                      tiled=tiled, size=size)]
