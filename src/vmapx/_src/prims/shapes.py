"""Structural primitives: transpose, reshape, broadcast, squeeze, concatenate,
pad, static (basic) indexing, flip.  All are linear in their array operand."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..core import Primitive, primitives, ShapedArray, ndim_of, shape_of
from ..batching import bdim_to_front, broadcast_batched


def _front(vals, dims, size):
    """Every operand with its batch axis first (unmapped ones broadcast)."""
    return [broadcast_batched(v, d, size) for v, d in zip(vals, dims, strict=True)]


def _shift(axes, d):
    """Per-example axes -> axes of the batched array whose batch axis is ``d``."""
    return tuple(a + (a >= d) for a in axes)


# -------------------------------------------------------------------- transpose

transpose_p = Primitive(
    "transpose", lambda x, *, perm: np.transpose(x, perm),
    abstract=lambda a, *, perm: ShapedArray(tuple(a.shape[p] for p in perm), a.dtype, a.weak_type))


def _transpose_batch(axis, vals, dims, *, perm):
    (x,), (d,) = vals, dims
    full = [p + (p >= d) for p in perm]
    full.insert(d, d)
    return transpose_p.bind(x, perm=tuple(full)), d


transpose_p.batch = _transpose_batch

# ---------------------------------------------------------------------- reshape

reshape_p = Primitive(
    "reshape", lambda x, *, new_sizes: np.reshape(x, new_sizes),
    abstract=lambda a, *, new_sizes: ShapedArray(tuple(new_sizes), a.dtype, a.weak_type))


def _reshape_batch(axis, vals, dims, *, new_sizes):
    x = bdim_to_front(vals[0], dims[0])
    return reshape_p.bind(x, new_sizes=(shape_of(x)[0],) + tuple(new_sizes)), 0


reshape_p.batch = _reshape_batch

# ------------------------------------------------------------- broadcast_in_dim


def _broadcast_in_dim(x, *, shape, dims):
    xs = np.shape(x)
    if len(xs) != len(shape):
        expanded = [1] * len(shape)
        for i, dd in enumerate(dims):
            expanded[dd] = xs[i]
        x = np.reshape(x, expanded)
    return np.broadcast_to(x, shape)


broadcast_in_dim_p = Primitive(
    "broadcast_in_dim", _broadcast_in_dim,
    abstract=lambda a, *, shape, dims: ShapedArray(tuple(shape), a.dtype, a.weak_type))


def _bid_batch(axis, vals, dims_, *, shape, dims):
    x = bdim_to_front(vals[0], dims_[0])
    return broadcast_in_dim_p.bind(x, shape=(axis.size,) + tuple(shape),
                                   dims=(0,) + tuple(d + 1 for d in dims)), 0


broadcast_in_dim_p.batch = _bid_batch

# ---------------------------------------------------------------------- squeeze

squeeze_p = Primitive(
    "squeeze", lambda x, *, axes: np.squeeze(x, axes),
    abstract=lambda a, *, axes: ShapedArray(
        tuple(s for i, s in enumerate(a.shape) if i not in axes), a.dtype, a.weak_type))


def _squeeze_batch(axis, vals, dims, *, axes):
    (x,), (d,) = vals, dims
    full = _shift(axes, d)
    return squeeze_p.bind(x, axes=full), d - sum(1 for a in full if a < d)


squeeze_p.batch = _squeeze_batch

# ------------------------------------------------------------------ concatenate


def _concat_abstract(*avals, axis):
    shape = list(avals[0].shape)
    shape[axis] = sum(a.shape[axis] for a in avals)
    dtype = np.result_type(*[a.dtype for a in avals])
    return ShapedArray(tuple(shape), dtype, all(a.weak_type for a in avals))


concatenate_p = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis),
                          abstract=_concat_abstract)


def _concat_batch(ax, vals, dims, *, axis):
    return concatenate_p.bind(*_front(vals, dims, ax.size), axis=axis + 1), 0


concatenate_p.batch = _concat_batch

# -------------------------------------------------------------------------- pad


def _pad(x, *, pad_width, value):
    return np.pad(x, pad_width, mode="constant", constant_values=value)


pad_p = Primitive("pad", _pad, abstract=lambda a, *, pad_width, value: ShapedArray(
    tuple(s + lo + hi for s, (lo, hi) in zip(a.shape, pad_width, strict=True)),
    a.dtype, a.weak_type))


def _pad_batch(axis, vals, dims, *, pad_width, value):
    (x,), (d,) = vals, dims
    pw = list(pad_width)
    pw.insert(d, (0, 0))
    return pad_p.bind(x, pad_width=tuple(pw), value=value), d


pad_p.batch = _pad_batch

# ------------------------------------------------------------------------- flip

rev_p = Primitive("rev", lambda x, *, axes: np.flip(x, axes),
                  abstract=lambda a, *, axes: a)
rev_p.batch = lambda axis, vals, dims, *, axes: (
    rev_p.bind(vals[0], axes=_shift(axes, dims[0])), dims[0])

# -------------------------------------------------------------- basic indexing
# ``index`` is a tuple with one entry per item of a NumPy basic index, already
# made explicit (no Ellipsis): an int, None (new axis), or ('s', start, stop, step).


def to_numpy_index(index):
    return tuple(slice(i[1], i[2], i[3]) if type(i) is tuple else i for i in index)


def _static_index(x, *, index):
    return x[to_numpy_index(index)]


def _static_index_abstract(a, *, index):
    out = np.empty(a.shape, dtype=np.bool_) if a.size < 4096 else None
    if out is None:
        out = as_strided(np.zeros(1, np.bool_), a.shape, [0] * a.ndim)
    return ShapedArray(out[to_numpy_index(index)].shape, a.dtype, a.weak_type)


static_index_p = Primitive("static_index", _static_index, abstract=_static_index_abstract)


def _static_index_batch(axis, vals, dims, *, index):
    x = bdim_to_front(vals[0], dims[0])
    return static_index_p.bind(x, index=(("s", None, None, None),) + tuple(index)), 0


static_index_p.batch = _static_index_batch

LINEAR = (transpose_p, reshape_p, broadcast_in_dim_p, squeeze_p, concatenate_p, rev_p,
          static_index_p)

# --------------------------------------------------------- differentiation
# Every primitive here is linear in its array operand(s): the JVP applies the
# primitive to the tangents, and the transpose rules below undo the movement.

from ..autodiff import aval_of, is_undefined, linear_jvp  # noqa: E402

for _p in LINEAR:
    _p.jvp = linear_jvp(_p)


def _transpose_transpose(ct, x, *, perm):
    return [transpose_p.bind(ct, perm=tuple(int(i) for i in np.argsort(perm)))]


def _reshape_transpose(ct, x, *, new_sizes):
    return [reshape_p.bind(ct, new_sizes=tuple(aval_of(x).shape))]


def _bid_transpose(ct, x, *, shape, dims):
    xs = aval_of(x).shape
    expanded = [i for i, d in enumerate(dims) if xs[i] == 1 and shape[d] != 1]
    axes = tuple(sorted(set(range(len(shape))) - set(dims)) + [dims[i] for i in expanded])
    if axes:
        # reduce_sum is declared in prims/reductions, whose rules use this module
        ct = primitives["reduce_sum"].bind(ct, axes=tuple(sorted(axes)), keepdims=False,
                                           dtype=None)
    if tuple(shape_of(ct)) != tuple(xs):
        ct = reshape_p.bind(ct, new_sizes=tuple(xs))
    return [ct]


def _squeeze_transpose(ct, x, *, axes):
    return [reshape_p.bind(ct, new_sizes=tuple(aval_of(x).shape))]


def _slice_along(x, axis, start, stop):
    nd = ndim_of(x)
    index = tuple(("s", start, stop, None) if i == axis else ("s", None, None, None)
                  for i in range(nd))
    return static_index_p.bind(x, index=index)


def _concat_transpose(ct, *xs, axis):
    out, off = [], 0
    for x in xs:
        n = aval_of(x).shape[axis]
        out.append(_slice_along(ct, axis, off, off + n) if is_undefined(x) else None)
        off += n
    return out


def _pad_jvp(primals, tangents, *, pad_width, value):
    out = pad_p.bind(primals[0], pad_width=pad_width, value=value)
    t = tangents[0]
    return out, (None if t is None else pad_p.bind(t, pad_width=pad_width, value=0))


def _pad_transpose(ct, x, *, pad_width, value):
    xs = aval_of(x).shape
    if not any(lo or hi for lo, hi in pad_width):
        return [ct]
    index = tuple(("s", lo, lo + n, None) for (lo, _), n in zip(pad_width, xs, strict=True))
    return [static_index_p.bind(ct, index=index)]


def _static_index_transpose(ct, x, *, index):
    """Scatter ``ct`` back into zeros of ``x``'s shape with pads (and, for
    strided slices, an interleave of zeros), one operand axis at a time."""
    xs = aval_of(x).shape
    entries = [i for i in index if i is not None]
    entries += [("s", None, None, None)] * (len(xs) - len(entries))
    aligned, pads, steps = [], [], []
    for n, e in zip(xs, entries, strict=True):
        if type(e) is tuple:
            start, stop, step = slice(e[1], e[2], e[3]).indices(n)
            m = len(range(start, stop, step))
            if step < 0:  # the same positions, ascending
                start, step = (start + (m - 1) * step if m else 0), -step
            aligned.append(m)
            steps.append(step if m > 1 else 1)
            pads.append((start if m else n, n - start - (m - 1) * step - 1 if m else 0))
        else:
            i = e % n
            aligned.append(1)
            steps.append(1)
            pads.append((i, n - i - 1))
    ct = reshape_p.bind(ct, new_sizes=tuple(aligned))
    rev_axes = tuple(k for k, e in enumerate(entries)
                     if type(e) is tuple and e[3] is not None and e[3] < 0)
    if rev_axes:
        ct = rev_p.bind(ct, axes=rev_axes)
    for k, step in enumerate(steps):
        if step == 1:
            continue
        # interleave step - 1 zeros after each element, then drop the trailing ones
        s = shape_of(ct)
        m = s[k]
        ct = reshape_p.bind(ct, new_sizes=s[:k + 1] + (1,) + s[k + 1:])
        pw = tuple((0, step - 1) if a == k + 1 else (0, 0) for a in range(len(s) + 1))
        ct = pad_p.bind(ct, pad_width=pw, value=0)
        ct = reshape_p.bind(ct, new_sizes=s[:k] + (m * step,) + s[k + 1:])
        ct = _slice_along(ct, k, 0, (m - 1) * step + 1)
    if any(lo or hi for lo, hi in pads):
        ct = pad_p.bind(ct, pad_width=tuple(pads), value=0)
    return [ct]


transpose_p.transpose = _transpose_transpose
reshape_p.transpose = _reshape_transpose
broadcast_in_dim_p.transpose = _bid_transpose
squeeze_p.transpose = _squeeze_transpose
concatenate_p.transpose = _concat_transpose
pad_p.jvp = _pad_jvp
pad_p.transpose = _pad_transpose
rev_p.transpose = lambda ct, x, *, axes: [rev_p.bind(ct, axes=axes)]
static_index_p.transpose = _static_index_transpose
