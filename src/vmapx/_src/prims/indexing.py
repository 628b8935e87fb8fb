"""Indexing primitives: ``take`` (integer-array indexing along one axis), and the
gather/scatter pair behind NumPy advanced indexing and functional ``.at[]``
updates.

``gather`` and ``scatter`` take a static *index template*: a tuple with one
entry per item of an explicit NumPy index (Ellipsis already expanded):

* an ``int`` (a static integer index),
* ``None`` (a new axis),
* ``('s', start, stop, step)`` (a slice),
* ``('a', k)`` (the ``k``-th index array, passed positionally after the operand).

Semantics are exactly NumPy's ``x[idx]`` (and ``x[idx] = u`` / ``ufunc.at``),
including where the broadcast advanced-index dimensions land: in place when the
advanced entries (arrays, and ints when any array is present) are adjacent,
first otherwise.  Index values must be in range ``[-n, n)``; ``vmapx.numpy``
clamps or drops traced out-of-range indices (as JAX does) before binding.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ..autodiff import aval_of, is_undefined
from ..batching import bdim_to_front, broadcast_batched, moveaxis
from ..core import Primitive, ShapedArray, get_aval, ndim_of, shape_of
from . import elementwise as ew
from .shapes import broadcast_in_dim_p, reshape_p, transpose_p


def _take_abstract(x, idx, *, axis):
    return ShapedArray(x.shape[:axis] + idx.shape + x.shape[axis + 1:], x.dtype, x.weak_type)


take_p = Primitive("take", lambda x, idx, *, axis: np.take(x, idx, axis=axis),
                   abstract=_take_abstract)


def _take_batch(ax, vals, dims, *, axis):
    (x, idx), (xd, idd) = vals, dims
    if idd is None:
        full = axis + (axis >= xd)
        out_d = xd if xd < full else xd + ndim_of(idx) - 1
        return take_p.bind(x, idx, axis=full), out_d
    # Batched indices: x[b, ..., idx[b]] via one flat take on (B * n) rows.
    x = broadcast_batched(x, xd, ax.size)
    idx = bdim_to_front(idx, idd)
    n = shape_of(x)[axis + 1]
    x2 = moveaxis(x, axis + 1, 1)  # (B, n, rest...)
    rest = shape_of(x2)[2:]
    flat = reshape_p.bind(x2, new_sizes=(ax.size * n,) + tuple(rest))
    offs = np.arange(ax.size, dtype=np.intp).reshape((ax.size,) + (1,) * (ndim_of(idx) - 1)) * n
    gidx = ew.add_p.bind(ew.remainder_p.bind(idx, n) if n else idx, offs)
    out = take_p.bind(flat, gidx, axis=0)  # (B, idx..., rest...)
    k = ndim_of(idx) - 1
    # per example: x.shape[:axis] + idx.shape + x.shape[axis+1:]; we have idx dims first
    if axis:
        perm = [0] + list(range(1 + k, 1 + k + axis)) + list(range(1, 1 + k)) + \
            list(range(1 + k + axis, ndim_of(out)))
        out = transpose_p.bind(out, perm=tuple(perm))
    return out, 0


take_p.batch = _take_batch


def _take_jvp(primals, tangents, *, axis):
    (x, idx), (t, _) = primals, tangents
    out = take_p.bind(x, idx, axis=axis)
    return out, (None if t is None else take_p.bind(t, idx, axis=axis))


def _take_transpose(ct, x, idx, *, axis):
    # scatter-add of the cotangent into zeros along ``axis`` (repeats accumulate)
    if not is_undefined(x):
        return [None, None]
    a = aval_of(x)
    index = (("s", None, None, None),) * axis + (("a", 0),)
    return [scatter_p.bind(np.zeros(a.shape, a.dtype), ct, idx, index=index, mode="add"), None]


take_p.jvp = _take_jvp
take_p.transpose = _take_transpose

# ------------------------------------------------------------ index templates

FULL = ("s", None, None, None)


def _is_array_entry(e) -> bool:
    return type(e) is tuple and e[0] == "a"


def numpy_index(template, arrays) -> tuple:
    """The NumPy index a template stands for, given its index arrays.

    >>> numpy_index((None, ("s", 1, None, None), ("a", 0)), [np.array([2])])
    (None, slice(1, None, None), array([2]))
    """
    out = []
    for e in template:
        if type(e) is tuple:
            out.append(arrays[e[1]] if e[0] == "a" else slice(e[1], e[2], e[3]))
        else:
            out.append(e)
    return tuple(out)


class IndexLayout(NamedTuple):
    """Where NumPy puts the advanced-index dimensions of ``x[template]``.

    ``adv_shape`` is the broadcast shape of the advanced indices (``()`` if
    none); ``adjacent`` whether they stay in place; ``n_before`` how many result
    dims come before them when they do; ``first`` the template position of the
    first advanced entry and ``x_before`` the number of operand axes the
    entries before it consume.
    """
    has_adv: bool
    adv_shape: tuple
    adjacent: bool
    n_before: int
    first: int
    x_before: int

    @property
    def adv_pos(self) -> int:
        """Result position of the first advanced dim (the batch dim's spot)."""
        return self.n_before if self.adjacent else 0


_NO_ADV = IndexLayout(False, (), True, 0, 0, 0)


@functools.lru_cache(maxsize=4096)
def _index_layout(template, idx_shapes) -> IndexLayout:
    positions = [i for i, e in enumerate(template) if type(e) is int or _is_array_entry(e)]
    if not any(_is_array_entry(template[i]) for i in positions):
        return _NO_ADV  # ints alone are basic indices
    try:
        adv_shape = tuple(np.broadcast_shapes(*idx_shapes))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         "with shapes " + " ".join(str(tuple(s)) for s in idx_shapes)) from None
    first = positions[0]
    adjacent = positions[-1] - first == len(positions) - 1
    before = template[:first]
    n_before = len(before)  # only slices and None come before the first advanced entry
    x_before = sum(1 for e in before if e is not None)
    return IndexLayout(True, adv_shape, adjacent, n_before, first, x_before)


def index_layout(template, idx_shapes) -> IndexLayout:
    """The :class:`IndexLayout` of ``x[template]`` with index arrays of ``idx_shapes``.

    >>> index_layout((FULL, ("a", 0), 1), [(2, 3)]).adv_pos  # adjacent: stays in place
    1
    >>> index_layout((("a", 0), FULL, 1), [(2, 3)]).adjacent  # split: goes first
    False
    """
    return _index_layout(template, tuple(map(tuple, idx_shapes)))


def gather_shape(x_shape, template, idx_shapes) -> tuple:
    """Shape of ``x[template]`` (NumPy's rules), without computing it.

    >>> gather_shape((3, 4, 5), (0, FULL, ("a", 0)), [(2,)])
    (2, 4)
    """
    return _gather_shape(tuple(x_shape), template, tuple(map(tuple, idx_shapes)))


@functools.lru_cache(maxsize=4096)
def _gather_shape(x_shape, template, idx_shapes) -> tuple:
    layout = _index_layout(template, idx_shapes)
    n_real = sum(1 for e in template if e is not None)
    if n_real > len(x_shape):
        raise IndexError(f"too many indices for array: array is {len(x_shape)}-dimensional, "
                         f"but {n_real} were indexed")
    basic = []
    k = 0
    for e in template:
        if e is None:
            basic.append(1)
            continue
        if type(e) is tuple and e[0] == "s":
            basic.append(len(range(*slice(e[1], e[2], e[3]).indices(x_shape[k]))))
        k += 1
    basic.extend(x_shape[k:])
    if not layout.has_adv:
        return tuple(basic)
    if layout.adjacent:
        nb = layout.n_before
        return tuple(basic[:nb]) + layout.adv_shape + tuple(basic[nb:])
    return layout.adv_shape + tuple(basic)


def _shift_arrays(template, by: int) -> tuple:
    return tuple(("a", e[1] + by) if _is_array_entry(e) else e for e in template)


def _unbatched_shape(v, d) -> tuple:
    s = shape_of(v)
    return tuple(s) if d is None else tuple(s[:d]) + tuple(s[d + 1:])


# -------------------------------------------------------------------- gather


def _gather_impl(x, *idx, index):
    if not isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(x)
    return x[numpy_index(index, idx)]


def _gather_abstract(x, *idx, index):
    return ShapedArray(gather_shape(x.shape, index, [a.shape for a in idx]), x.dtype,
                       x.weak_type)


gather_p = Primitive("gather", _gather_impl, abstract=_gather_abstract)


def _batched_template(axis, x, xd, idx, idd, index, *, need_batched_x):
    """Turn a per-example gather/scatter into one whole-batch gather/scatter.

    Returns ``(x, idx, index, x_dim, r_dim)``: the new operand (batched at
    ``x_dim``, or unbatched with ``x_dim`` None), index arrays and template, and
    where the batch dim lands in the result of ``x[index]`` (``r_dim``): that
    result is the per-example result with the batch dim inserted at ``r_dim``.
    """
    layout = index_layout(index, [_unbatched_shape(v, d) for v, d in zip(idx, idd, strict=True)])
    if all(d is None for d in idd):
        # Only the operand is batched: a full slice over its (leading) batch axis.
        x = broadcast_batched(x, xd, axis.size) if need_batched_x else bdim_to_front(x, xd)
        r_dim = len(layout.adv_shape) if layout.has_adv and not layout.adjacent else 0
        return x, list(idx), (FULL,) + index, 0, r_dim
    # Batched index arrays: batch axis first, padded to the advanced rank.
    n_adv = len(layout.adv_shape)
    new_idx = []
    for v, d in zip(idx, idd, strict=True):
        if d is not None:
            v = bdim_to_front(v, d)
            s = shape_of(v)
            if len(s) - 1 < n_adv:
                v = reshape_p.bind(v, new_sizes=(s[0],) + (1,) * (n_adv - len(s) + 1) +
                                   tuple(s[1:]))
        new_idx.append(v)
    r_dim = layout.adv_pos
    if xd is None and not need_batched_x:
        # x[..., i_b, ...] with batched i puts the batch dim in the advanced block.
        return x, new_idx, index, None, r_dim
    # x[..., arange(B), i_b, ...] with x's batch axis just before the advanced block.
    x_dim = layout.x_before
    x = moveaxis(broadcast_batched(x, xd, axis.size), 0, x_dim)
    ar = np.arange(axis.size, dtype=np.intp).reshape((axis.size,) + (1,) * n_adv)
    tmpl = _shift_arrays(index, 1)
    tmpl = tmpl[:layout.first] + (("a", 0),) + tmpl[layout.first:]
    return x, [ar] + new_idx, tmpl, x_dim, r_dim


def _gather_batch(axis, vals, dims, *, index):
    x, *idx = vals
    xd, *idd = dims
    x, idx, tmpl, _, r_dim = _batched_template(axis, x, xd, idx, idd, index,
                                               need_batched_x=False)
    return gather_p.bind(x, *idx, index=tmpl), r_dim


def _gather_jvp(primals, tangents, *, index):
    x, *idx = primals
    out = gather_p.bind(x, *idx, index=index)
    t = tangents[0]
    return out, (None if t is None else gather_p.bind(t, *idx, index=index))


def _zeros(aval: ShapedArray):
    return np.zeros(aval.shape, aval.dtype)


def _gather_transpose(ct, x, *idx, index):
    if ct is None or not is_undefined(x):
        return [None] * (1 + len(idx))
    ct_x = scatter_p.bind(_zeros(x.aval), ct, *idx, index=index, mode="add")
    return [ct_x] + [None] * len(idx)


gather_p.batch = _gather_batch
gather_p.jvp = _gather_jvp
gather_p.transpose = _gather_transpose

# ------------------------------------------------------------------- scatter

_SCATTER_UFUNCS = {"add": np.add, "mul": np.multiply, "min": np.minimum, "max": np.maximum}
SCATTER_MODES = ("set",) + tuple(_SCATTER_UFUNCS)


def _scatter_impl(x, updates, *idx, index, mode):
    out = np.array(x, copy=True)
    ni = numpy_index(index, idx)
    if mode == "set":
        out[ni] = updates
    elif idx:
        _SCATTER_UFUNCS[mode].at(out, ni, updates)  # unbuffered: duplicates accumulate
    else:
        out[ni] = _SCATTER_UFUNCS[mode](out[ni], updates)  # basic index: no duplicates
    return out


def _scatter_abstract(x, updates, *idx, index, mode):
    if mode not in SCATTER_MODES:
        raise ValueError(f"scatter mode must be one of {SCATTER_MODES}, got {mode!r}")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


scatter_p = Primitive("scatter", _scatter_impl, abstract=_scatter_abstract)


def _broadcast_updates(u, ud, g_shape, size):
    """Updates (batched at ``ud`` or unmapped) as an array of shape ``(B, *g_shape)``."""
    g = len(g_shape)
    if ud is None:
        r = ndim_of(u)
        dims = tuple(range(1 + g - r, 1 + g))
    else:
        u = bdim_to_front(u, ud)
        r = ndim_of(u) - 1
        dims = (0,) + tuple(range(1 + g - r, 1 + g))
    return broadcast_in_dim_p.bind(u, shape=(size,) + tuple(g_shape), dims=dims)


def _scatter_batch(axis, vals, dims, *, index, mode):
    x, u, *idx = vals
    xd, ud, *idd = dims
    g_shape = gather_shape(_unbatched_shape(x, xd), index,
                           [_unbatched_shape(v, d) for v, d in zip(idx, idd, strict=True)])
    x, idx, tmpl, x_dim, r_dim = _batched_template(axis, x, xd, idx, idd, index,
                                                   need_batched_x=True)
    u = moveaxis(_broadcast_updates(u, ud, g_shape, axis.size), 0, r_dim)
    return scatter_p.bind(x, u, *idx, index=tmpl, mode=mode), x_dim


def _gathered_updates(u, x_shape, idx, index):
    """``u`` broadcast to the shape of ``x[index]``."""
    g = gather_shape(tuple(x_shape), index, [shape_of(v) for v in idx])
    r = ndim_of(u)
    if tuple(shape_of(u)) == g:
        return u
    return broadcast_in_dim_p.bind(u, shape=g, dims=tuple(range(len(g) - r, len(g))))


def _scatter_jvp(primals, tangents, *, index, mode):
    x, u, *idx = primals
    tx, tu = tangents[0], tangents[1]
    out = scatter_p.bind(x, u, *idx, index=index, mode=mode)
    if tx is None and tu is None:
        return out, None
    xa = get_aval(x)
    if mode == "add" and tu is None:
        return out, tx
    if mode in ("set", "add"):
        tx = _zeros(xa) if tx is None else tx
        tu = np.zeros((), xa.dtype) if tu is None else tu
        return out, scatter_p.bind(tx, tu, *idx, index=index, mode=mode)
    gather = lambda v: gather_p.bind(v, *idx, index=index)  # noqa: E731
    scatter_add = lambda z: scatter_p.bind(_zeros(xa), z, *idx, index=index, mode="add")  # noqa
    one, zero = np.ones((), xa.dtype), np.zeros((), xa.dtype)
    ug = _gathered_updates(u, xa.shape, idx, index)
    if mode == "mul":
        # out[j] = x[j] * prod_i u_i (over the updates i landing on j); the derivative
        # in u_i is x[j] * prod_{i' != i} u_i', computed without dividing by zero:
        # with Z_j zeros among them and P_j the product of the nonzero ones,
        # prod_{i' != i} = P_j / u_i if Z_j == 0, P_j if u_i is the one zero, else 0.
        tan = None if tx is None else scatter_p.bind(tx, u, *idx, index=index, mode="mul")
        if tu is not None:
            is0 = ew.equal_p.bind(ug, 0)
            nz = ew.where_p.bind(is0, one, ug)
            zj = gather(scatter_add(ew.where_p.bind(is0, one, zero)))
            pj = gather(scatter_p.bind(np.ones(xa.shape, xa.dtype), nz, *idx, index=index,
                                       mode="mul"))
            others = ew.where_p.bind(
                is0, ew.where_p.bind(ew.equal_p.bind(zj, 1), pj, zero),
                ew.where_p.bind(ew.equal_p.bind(zj, 0), ew.divide_p.bind(pj, nz), zero))
            tug = _gathered_updates(tu, xa.shape, idx, index)
            term = ew.multiply_p.bind(x, scatter_add(ew.multiply_p.bind(others, tug)))
            tan = term if tan is None else ew.add_p.bind(tan, term)
        return out, tan
    # min / max: the tangent of whichever of x[j] and the updates attain the
    # extremum, averaged over ties (as JAX does).
    hit_u = ew.where_p.bind(ew.equal_p.bind(ug, gather(out)), one, zero)
    kept_x = ew.where_p.bind(ew.equal_p.bind(x, out), one, zero)
    count = ew.add_p.bind(scatter_add(hit_u), kept_x)
    tan = None
    if tx is not None:
        tan = ew.multiply_p.bind(tx, kept_x)
    if tu is not None:
        tug = _gathered_updates(tu, xa.shape, idx, index)
        term = scatter_add(ew.multiply_p.bind(tug, hit_u))
        tan = term if tan is None else ew.add_p.bind(tan, term)
    return out, ew.divide_p.bind(tan, count)


def _scatter_transpose(ct, x, u, *idx, index, mode):
    lin_x, lin_u = is_undefined(x), is_undefined(u)
    none = [None] * len(idx)
    if ct is None:
        return [None, None] + none
    if mode == "mul":
        if lin_u:
            raise NotImplementedError("scatter with mode='mul' is not linear in its updates")
        return [scatter_p.bind(ct, u, *idx, index=index, mode="mul") if lin_x else None,
                None] + none
    if mode not in ("add", "set"):
        raise NotImplementedError(f"scatter with mode={mode!r} is not linear")
    ct_x = ct_u = None
    if lin_x:
        ct_x = ct if mode == "add" else scatter_p.bind(
            ct, np.zeros((), aval_of(x).dtype), *idx, index=index, mode="set")
    if lin_u:
        ct_u = gather_p.bind(ct, *idx, index=index)
        if mode == "set":
            # Of duplicate indices only the update written last reaches the output.
            x_shape = aval_of(x).shape
            g = gather_shape(tuple(x_shape), index, [shape_of(v) for v in idx])
            ids = np.arange(int(np.prod(g, dtype=np.int64)), dtype=np.intp).reshape(g)
            won = scatter_p.bind(np.full(x_shape, -1, np.intp), ids, *idx, index=index,
                                 mode="set")
            ct_u = ew.where_p.bind(ew.equal_p.bind(gather_p.bind(won, *idx, index=index), ids),
                                   ct_u, np.zeros((), aval_of(ct_u).dtype))
        ct_u = ew._unbroadcast(ct_u, aval_of(u).shape)
    return [ct_x, ct_u] + none


scatter_p.batch = _scatter_batch
scatter_p.jvp = _scatter_jvp
scatter_p.transpose = _scatter_transpose
