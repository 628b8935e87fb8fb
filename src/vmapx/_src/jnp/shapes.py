"""Shape manipulation of ``vmapx.numpy``."""
from __future__ import annotations

import operator

import numpy as np

from ..core import Tracer, shape_of, ndim_of, dtype_of
from ..prims import shapes as sp
from .base import asarray_like, canonicalize_axes, canonicalize_axis
from ..errors import ConcretizationTypeError
from ..prims import elementwise as ew
from .base import astype
from .ufuncs import remainder, subtract


def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """As ``numpy.reshape`` (one ``-1`` allowed; ``order`` 'C' or 'F').

    >>> reshape(np.arange(6), (2, -1))
    array([[0, 1, 2],
           [3, 4, 5]])
    >>> reshape(np.arange(6), (2, 3), order="F")
    array([[0, 2, 4],
           [1, 3, 5]])
    """
    if shape is None:
        shape = newshape
    a = asarray_like(a)
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if order == "A":  # Fortran order only for a Fortran-contiguous NumPy array
        order = "F" if isinstance(a, np.ndarray) and np.isfortran(a) else "C"
    if order == "F":  # index the elements column-major: reverse the axes around a C reshape
        return transpose(reshape(transpose(a), shape[::-1]))
    if order != "C":
        raise ValueError("order must be one of 'C', 'F', 'A', or 'K' (got '%s')" % order)
    old = shape_of(a)
    traced = isinstance(a, Tracer)   # JAX's TypeErrors; NumPy's ValueErrors on arrays
    total = int(np.prod(old, dtype=np.int64))
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
        if traced and shape.count(-1) > 1:
            raise TypeError("can only specify one unknown axis size with a `-1` value, got "
                            f"{shape}")
        if traced and known and total % known:
            raise TypeError(f"cannot reshape array of shape {old} (size {total}) into shape "
                            f"{shape} because the product of specified axis sizes ({known}) "
                            f"does not evenly divide {total}")
        if shape.count(-1) > 1 or (known == 0 or total % known):
            raise ValueError(f"cannot reshape array of shape {old} (size {total}) into shape "
                             f"{shape}")
        shape = tuple(total // known if s == -1 else s for s in shape)
    size = int(np.prod(shape, dtype=np.int64))
    if size != total:
        if traced:
            raise TypeError(f"cannot reshape array of shape {old} (size {total}) into shape "
                            f"{shape} (size {size})")
        raise ValueError(f"cannot reshape array of shape {old} (size {total}) into shape "
                         f"{shape}")
    if tuple(old) == shape:
        return a
    return sp.reshape_p.bind(a, new_sizes=shape)


def ravel(a, order="C"):
    """As ``numpy.ravel``.

    >>> ravel(np.ones((2, 2)))
    array([1., 1., 1., 1.])
    """
    return reshape(a, (-1,), order)


def transpose(a, axes=None):
    """As ``numpy.transpose``.

    >>> transpose(np.zeros((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    a = asarray_like(a)
    nd = ndim_of(a)
    perm = tuple(range(nd))[::-1] if axes is None else tuple(
        canonicalize_axis(x, nd) for x in axes)
    if sorted(perm) != list(range(nd)):
        raise ValueError("axes don't match array")
    if perm == tuple(range(nd)):
        return a
    return sp.transpose_p.bind(a, perm=perm)


def permute_dims(a, axes):
    """Array API name of ``transpose``.

    >>> permute_dims(np.zeros((2, 3)), (1, 0)).shape
    (3, 2)
    """
    return transpose(a, axes)


def matrix_transpose(x):
    """Swap the last two axes.

    >>> matrix_transpose(np.zeros((4, 2, 3))).shape
    (4, 3, 2)
    """
    return swapaxes(x, -1, -2)


def swapaxes(a, axis1, axis2):
    """As ``numpy.swapaxes``.

    >>> swapaxes(np.zeros((2, 3)), 0, 1).shape
    (3, 2)
    """
    a = asarray_like(a)
    nd = ndim_of(a)
    perm = list(range(nd))
    i, j = canonicalize_axis(axis1, nd), canonicalize_axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a, source, destination):
    """As ``numpy.moveaxis``.

    >>> moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    a = asarray_like(a)
    nd = ndim_of(a)
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    src = [canonicalize_axis(s, nd) for s in src]
    dst = [canonicalize_axis(s, nd) for s in dst]
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of "
                         "elements")
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return transpose(a, order)


def rollaxis(a, axis, start=0):
    """As ``numpy.rollaxis``.

    >>> rollaxis(np.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    nd = ndim_of(a)
    axis = canonicalize_axis(axis, nd)
    start = start + nd if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


def expand_dims(a, axis):
    """As ``numpy.expand_dims`` (int or tuple of axes).

    >>> expand_dims(np.zeros((2, 3)), (0, -1)).shape
    (1, 2, 3, 1)
    """
    a = asarray_like(a)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out_nd = ndim_of(a) + len(axes)
    axes = sorted(canonicalize_axis(x, out_nd) for x in axes)
    shape = list(shape_of(a))
    for x in axes:
        shape.insert(x, 1)
    return sp.reshape_p.bind(a, new_sizes=tuple(shape))


def squeeze(a, axis=None):
    """As ``numpy.squeeze``.

    >>> squeeze(np.zeros((1, 2, 1))).shape
    (2,)
    """
    a = asarray_like(a)
    shape = shape_of(a)
    if axis is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        axes = canonicalize_axes(axis, len(shape))
        for i in axes:
            if shape[i] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not "
                                 "equal to one")
    if not axes:
        return a
    return sp.squeeze_p.bind(a, axes=axes)


def broadcast_to(array, shape):
    """As ``numpy.broadcast_to`` (the result is read-only).

    >>> broadcast_to(np.arange(3), (2, 3))
    array([[0, 1, 2],
           [0, 1, 2]])
    """
    a = asarray_like(array)
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    old = tuple(shape_of(a))
    if old == shape:
        return a
    np.broadcast_shapes(old, shape)  # raises NumPy's error when incompatible
    if len(shape) < len(old) or np.broadcast_shapes(old, shape) != shape:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {old} and requested shape {shape}")
    lead = len(shape) - len(old)
    keep = [i for i, s in enumerate(old) if s == shape[lead + i]]
    if len(keep) != len(old):
        squeeze_axes = tuple(i for i, s in enumerate(old) if s != shape[lead + i])
        a = sp.squeeze_p.bind(a, axes=squeeze_axes)
    return sp.broadcast_in_dim_p.bind(a, shape=shape, dims=tuple(lead + i for i in keep))


def broadcast_arrays(*args):
    """As ``numpy.broadcast_arrays``.

    >>> [x.shape for x in broadcast_arrays(np.zeros(3), np.zeros((2, 1)))]
    [(2, 3), (2, 3)]
    """
    args = [asarray_like(a) for a in args]
    shape = np.broadcast_shapes(*[shape_of(a) for a in args])
    return [broadcast_to(a, shape) for a in args]


def broadcast_shapes(*shapes):
    """As ``numpy.broadcast_shapes``.

    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    return np.broadcast_shapes(*shapes)


def atleast_1d(*arys):
    """As ``numpy.atleast_1d``.

    >>> atleast_1d(1.0).shape
    (1,)
    """
    res = [reshape(a, (1,)) if ndim_of(a) == 0 else asarray_like(a) for a in arys]
    return res[0] if len(res) == 1 else res


def atleast_2d(*arys):
    """As ``numpy.atleast_2d``.

    >>> atleast_2d(np.arange(3)).shape
    (1, 3)
    """
    res = []
    for a in arys:
        a = asarray_like(a)
        res.append(a if ndim_of(a) >= 2 else reshape(a, (1,) * (2 - ndim_of(a)) + shape_of(a)))
    return res[0] if len(res) == 1 else res


def atleast_3d(*arys):
    """As ``numpy.atleast_3d``.

    >>> atleast_3d(np.arange(3)).shape
    (1, 3, 1)
    """
    res = []
    for a in arys:
        a = asarray_like(a)
        nd = ndim_of(a)
        if nd == 0:
            a = reshape(a, (1, 1, 1))
        elif nd == 1:
            a = reshape(a, (1,) + shape_of(a) + (1,))
        elif nd == 2:
            a = reshape(a, shape_of(a) + (1,))
        res.append(a)
    return res[0] if len(res) == 1 else res


def concatenate(arrays, axis=0, out=None, dtype=None, casting=None):
    """As ``numpy.concatenate`` (``axis=None`` flattens first).  ``casting`` checks
    the cast to ``dtype`` as NumPy does when given; without it ``dtype`` casts as in
    JAX (unchecked).

    >>> concatenate([np.zeros(2), np.ones(1)])
    array([0., 0., 1.])
    """
    arrays = [asarray_like(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    nd = ndim_of(arrays[0])
    if nd == 0:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    shapes = [tuple(shape_of(a)) for a in arrays]
    if any(len(s) != nd for s in shapes):   # JAX's TypeErrors
        raise TypeError("Cannot concatenate arrays with different numbers of dimensions: got "
                        f"{', '.join(map(str, shapes))}.")
    ax = canonicalize_axis(axis, nd)
    if any(s[:ax] + s[ax + 1:] != shapes[0][:ax] + shapes[0][ax + 1:] for s in shapes):
        raise TypeError("Cannot concatenate arrays with shapes that differ in dimensions other "
                        f"than the one being concatenated: concatenating along dimension {ax} "
                        f"for shapes {', '.join(map(str, shapes))}.")
    if casting is not None:
        _check_casting(arrays, dtype, casting)
    if dtype is not None:
        arrays = [astype(a, dtype) for a in arrays]
    if len(arrays) == 1:
        return arrays[0]
    arrays = [np.asarray(a) if isinstance(a, (bool, int, float, complex)) else a for a in arrays]
    return sp.concatenate_p.bind(*arrays, axis=ax)


concat = concatenate

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _check_casting(arrays, dtype, casting):
    if casting not in _CASTINGS:
        raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', "
                         f"'unsafe' (got {casting!r})")
    if dtype is None:
        return
    to = np.dtype(dtype)
    for a in arrays:
        frm = np.dtype(dtype_of(a))
        if not np.can_cast(frm, to, casting):
            raise TypeError(f"Cannot cast array data from dtype('{frm}') to dtype('{to}') "
                            f"according to the rule '{casting}'")


def stack(arrays, axis=0, out=None, dtype=None, casting=None):
    """As ``numpy.stack``.

    >>> stack([np.zeros(2), np.ones(2)], axis=1).shape
    (2, 2)
    """
    arrays = [asarray_like(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {tuple(shape_of(a)) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    ax = canonicalize_axis(axis, ndim_of(arrays[0]) + 1)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax, dtype=dtype,
                       casting=casting)


def vstack(tup, *, dtype=None, casting=None):
    """As ``numpy.vstack``.

    >>> vstack([np.zeros(2), np.ones(2)]).shape
    (2, 2)
    """
    return concatenate([atleast_2d(a) for a in tup], axis=0, dtype=dtype, casting=casting)


row_stack = vstack


def hstack(tup, *, dtype=None, casting=None):
    """As ``numpy.hstack``.

    >>> hstack([np.zeros(2), np.ones(3)]).shape
    (5,)
    """
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, axis=0 if ndim_of(arrs[0]) == 1 else 1, dtype=dtype,
                       casting=casting)


def dstack(tup, *, dtype=None):
    """As ``numpy.dstack``.

    >>> dstack([np.zeros(2), np.ones(2)]).shape
    (1, 2, 2)
    """
    return concatenate([atleast_3d(a) for a in tup], axis=2, dtype=dtype)


def column_stack(tup):
    """As ``numpy.column_stack``.

    >>> column_stack([np.zeros(2), np.ones(2)]).shape
    (2, 2)
    """
    arrs = []
    for a in tup:
        a = asarray_like(a)
        arrs.append(reshape(a, (-1, 1)) if ndim_of(a) < 2 else a)
    return concatenate(arrs, axis=1)


def _split_points(n, indices_or_sections, strict):
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if strict and n % k:
            raise ValueError("array split does not result in an equal division")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
        return list(np.cumsum([0] + sizes))
    pts = [0] + [int(i) for i in indices_or_sections] + [n]
    return [min(max(p if p >= 0 else p + n, 0), n) for p in pts]


def split(ary, indices_or_sections, axis=0):
    """As ``numpy.split``.

    >>> [p.tolist() for p in split(np.arange(6), 3)]
    [[0, 1], [2, 3], [4, 5]]
    """
    return _split(ary, indices_or_sections, axis, strict=True)


def array_split(ary, indices_or_sections, axis=0):
    """As ``numpy.array_split``.

    >>> [p.shape for p in array_split(np.arange(5), 2)]
    [(3,), (2,)]
    """
    return _split(ary, indices_or_sections, axis, strict=False)


def _split(ary, ios, axis, strict):
    from .indexing import slice_along
    a = asarray_like(ary)
    ax = canonicalize_axis(axis, ndim_of(a))
    pts = _split_points(shape_of(a)[ax], ios, strict)
    return [slice_along(a, ax, pts[i], _max2(pts[i], pts[i + 1]))
            for i in range(len(pts) - 1)]


def _max2(a, b):
    return a if a > b else b


def hsplit(ary, indices_or_sections):
    """As ``numpy.hsplit``.

    >>> [p.shape for p in hsplit(np.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    return split(ary, indices_or_sections, axis=1 if ndim_of(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """As ``numpy.vsplit``.

    >>> [p.shape for p in vsplit(np.zeros((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    if ndim_of(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    """As ``numpy.dsplit``.

    >>> [p.shape for p in dsplit(np.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return split(ary, indices_or_sections, axis=2)


def flip(m, axis=None):
    """As ``numpy.flip``.

    >>> flip(np.arange(3))
    array([2, 1, 0])
    """
    m = asarray_like(m)
    axes = canonicalize_axes(axis, ndim_of(m))
    return sp.rev_p.bind(m, axes=axes) if axes else m


def fliplr(m):
    """As ``numpy.fliplr``.

    >>> fliplr(np.array([[1, 2]]))
    array([[2, 1]])
    """
    return flip(m, 1)


def flipud(m):
    """As ``numpy.flipud``.

    >>> flipud(np.array([[1], [2]]))
    array([[2],
           [1]])
    """
    return flip(m, 0)


def tile(A, reps):
    """As ``numpy.tile``.

    >>> tile(np.array([1, 2]), 2)
    array([1, 2, 1, 2])
    """
    A = asarray_like(A)
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    nd = _max2(ndim_of(A), len(reps))
    shape = (1,) * (nd - ndim_of(A)) + tuple(shape_of(A))
    reps = (1,) * (nd - len(reps)) + reps
    A = reshape(A, shape)
    # interleave: (r0, s0, r1, s1, ...) then merge
    expanded = reshape(A, tuple(x for s in shape for x in (1, s)))
    b = broadcast_to(expanded, tuple(x for r, s in zip(reps, shape, strict=True) for x in (r, s)))
    return reshape(b, tuple(r * s for r, s in zip(reps, shape, strict=True)))


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """As ``numpy.repeat``. ``repeats`` must be concrete unless JAX's
    ``total_repeat_length`` fixes the output length: the result is then cut to that
    length, or padded with the last element of ``a`` along ``axis`` (as JAX does).

    >>> repeat(np.array([1, 2]), 2)
    array([1, 1, 2, 2])
    >>> repeat(np.array([1, 2]), 2, total_repeat_length=5)
    array([1, 1, 2, 2, 2])
    """
    from .indexing import take
    a = asarray_like(a)
    if axis is None:
        a = ravel(a)
        axis = 0
    ax = canonicalize_axis(axis, ndim_of(a))
    n = shape_of(a)[ax]
    if isinstance(repeats, Tracer):
        if total_repeat_length is None:
            raise ConcretizationTypeError(
                "vmapx.numpy.repeat needs concrete repeats: the output shape depends on "
                "them. Pass a NumPy array or Python int for 'repeats', or give "
                "total_repeat_length=... to fix the output length.")
        from . import reductions, stats
        reps = broadcast_to(repeats, (n,)) if ndim_of(repeats) == 0 else repeats
        ends = reductions.cumsum(reps)
        idx = stats.searchsorted(ends, np.arange(total_repeat_length), side="right")
        return take(a, ew.minimum_p.bind(idx, max(n - 1, 0)), axis=ax)
    rep = np.asarray(repeats)
    if rep.ndim == 0 and total_repeat_length is None:
        r = int(rep)
        s = shape_of(a)
        e = expand_dims(a, ax + 1)
        b = broadcast_to(e, s[:ax + 1] + (r,) + s[ax + 1:])
        return reshape(b, s[:ax] + (s[ax] * r,) + s[ax + 1:])
    idx = np.repeat(np.arange(n), rep)
    if total_repeat_length is not None:
        length = operator.index(total_repeat_length)
        idx = idx[:length]
        if len(idx) < length:  # JAX pads with the array's last element
            idx = np.concatenate([idx, np.full(length - len(idx), max(n - 1, 0), idx.dtype)])
    return take(a, idx, axis=ax)


def roll(a, shift, axis=None):
    """As ``numpy.roll``; a traced ``shift`` (as JAX allows) becomes a gather.

    >>> roll(np.arange(4), 1)
    array([3, 0, 1, 2])
    >>> import vmapx
    >>> vmapx.vmap(roll)(np.arange(6).reshape(2, 3), np.array([1, -1]))
    array([[2, 0, 1],
           [4, 5, 3]])
    """
    a = asarray_like(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    if isinstance(shift, Tracer) or (type(shift) in (tuple, list)
                                     and any(isinstance(s, Tracer) for s in shift)):
        return _roll_traced(a, shift, axis)
    shifts = (shift,) if isinstance(shift, (int, np.integer)) else tuple(shift)
    from .indexing import slice_along
    for s, ax, n in _roll_steps(a, shifts, axis):
        s = int(s) % n
        if s:
            a = concatenate([slice_along(a, ax, n - s, n), slice_along(a, ax, 0, n - s)], ax)
    return a


def _roll_traced(a, shift, axis):
    """``roll`` with traced shifts: gather ``(arange(n) - shift) % n`` along each axis."""
    from .indexing import take
    if isinstance(shift, Tracer):
        if ndim_of(shift) > 1:
            raise ValueError("roll: shift must be a scalar or 1D sequence")
        shifts = [shift] if ndim_of(shift) == 0 else [shift[i] for i in range(shape_of(shift)[0])]
    else:
        shifts = list(shift)
    for s, ax, n in _roll_steps(a, shifts, axis):
        idx = remainder(subtract(np.arange(n), s), n)
        a = take(a, idx, axis=ax, mode="clip")
    return a


def _roll_steps(a, shifts, axis):
    """``(shift, axis, length)`` per rolled axis of ``a`` (one shift for several axes
    applies to each; empty axes are skipped)."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = tuple(shifts) * len(axes)
    for s, ax in zip(shifts, axes, strict=True):
        ax = canonicalize_axis(ax, ndim_of(a))
        n = shape_of(a)[ax]
        if n:
            yield s, ax, n


_PAD_KWARGS = {"constant": {"constant_values"}, "empty": set(), "edge": set(), "wrap": set(),
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
               "linear_ramp": {"end_values"}, "maximum": {"stat_length"},
               "minimum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"}}


def _as_pairs(x, nd, as_index=False):
    """NumPy's ``_as_pairs``: ``x`` broadcast to one ``(before, after)`` pair per axis.

    Scalars may be traced; sequences must be concrete."""
    if x is None:
        return ((None, None),) * nd
    if isinstance(x, Tracer):
        if ndim_of(x) != 0:
            raise ValueError("vmapx.numpy.pad: a traced pad value must be a scalar")
        return ((x, x),) * nd
    x = np.array(x)
    if as_index:
        if x.dtype.kind not in "iu":
            raise TypeError("`pad_width` must be of integral type.")
        x = x.astype(np.intp)
        if x.size and x.min() < 0:
            raise ValueError("index can't contain negative values")
    if x.ndim < 3:
        if x.size == 1:
            x = x.ravel()
            return ((x[0], x[0]),) * nd
        if x.size == 2 and x.shape != (2, 1):
            x = x.ravel()
            return ((x[0], x[1]),) * nd
    return tuple(tuple(p) for p in np.broadcast_to(x, (nd, 2)))


def _pad_block(a, ax, width, value):
    """``value`` (broadcastable) filling ``width`` positions along ``ax``, in ``a``'s dtype."""
    shape_ = list(shape_of(a))
    shape_[ax] = width
    return broadcast_to(astype(value, dtype_of(a)), tuple(shape_))


def _join(a, ax, left, right):
    parts = [p for p in (left, a, right) if p is not None]
    return concatenate(parts, ax) if len(parts) > 1 else a


def _pad_odd_reflection(a, ax, lo, hi, mode):
    """Odd reflection is linear in the values: NumPy's pad of the identity gives, for each
    output position, the (few) input positions and integer weights it combines."""
    from .indexing import take
    n = shape_of(a)[ax]
    weights = np.pad(np.eye(n, dtype=np.int64), ((lo, hi), (0, 0)), mode=mode,
                     reflect_type="odd")
    k = int(np.max(np.count_nonzero(weights, axis=1)))
    order = np.argsort(weights == 0, axis=1, kind="stable")[:, :k]
    coef = np.take_along_axis(weights, order, axis=1)
    bshape = [1] * ndim_of(a)
    bshape[ax] = lo + n + hi
    out = None
    for j in range(k):
        c = coef[:, j].astype(dtype_of(a)).reshape(bshape)
        term = ew.multiply_p.bind(take(a, order[:, j], axis=ax), c)
        term = ew.where_p.bind((coef[:, j] != 0).reshape(bshape), term, np.zeros((), c.dtype))
        out = term if out is None else ew.add_p.bind(out, term)
    return out


def pad(array, pad_width, mode="constant", **kwargs):
    """As ``numpy.pad``: every NumPy mode ('constant', 'edge', 'wrap', 'reflect' and
    'symmetric' with ``reflect_type``, 'linear_ramp', 'maximum', 'minimum', 'mean',
    'median'; 'empty' pads with zeros). Widths are concrete; a constant value may be
    traced.

    >>> pad(np.array([1, 2]), 1)
    array([0, 1, 2, 0])
    >>> pad(np.array([1.0, 2.0, 4.0]), 2, mode="linear_ramp")
    array([0. , 0.5, 1. , 2. , 4. , 2. , 0. ])
    """
    from .indexing import slice_along, take
    a = asarray_like(array)
    if callable(mode):
        raise NotImplementedError("vmapx.numpy.pad: a callable mode is not supported; "
                                  "pad with a named mode and adjust the border instead")
    if mode not in _PAD_KWARGS:
        raise ValueError(f"mode {mode!r} is not supported")
    unsupported = set(kwargs) - _PAD_KWARGS[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode {mode!r}: {unsupported}")
    nd = ndim_of(a)
    pw = tuple((int(lo), int(hi)) for lo, hi in _as_pairs(pad_width, nd, as_index=True))
    if nd == 0 or not any(lo or hi for lo, hi in pw):
        return a
    if mode in ("constant", "empty"):
        cv = _as_pairs(kwargs.get("constant_values", 0), nd)
        value = cv[0][0]
        if not isinstance(value, Tracer) and all(p == (value, value) for p in cv):
            return sp.pad_p.bind(a, pad_width=pw, value=np.asarray(value).item())
        for ax, ((lo, hi), (vlo, vhi)) in enumerate(zip(pw, cv, strict=True)):
            a = _join(a, ax, _pad_block(a, ax, lo, vlo) if lo else None,
                      _pad_block(a, ax, hi, vhi) if hi else None)
        return a
    for ax, (lo, hi) in enumerate(pw):
        if shape_of(a)[ax] == 0 and (lo or hi):
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
    if mode in ("reflect", "symmetric") and kwargs.get("reflect_type", "even") == "odd":
        for ax, (lo, hi) in enumerate(pw):
            if lo or hi:
                a = _pad_odd_reflection(a, ax, lo, hi, mode)
        return a
    if mode in ("edge", "wrap", "reflect", "symmetric"):
        if kwargs.get("reflect_type", "even") != "even":
            raise ValueError(f"reflect_type must be 'even' or 'odd', got "
                             f"{kwargs['reflect_type']!r}")
        for ax, (lo, hi) in enumerate(pw):
            if lo or hi:
                idx = np.pad(np.arange(shape_of(a)[ax]), (lo, hi), mode=mode)
                a = take(a, idx, axis=ax)
        return a
    from . import reductions, stats
    dt = dtype_of(a)
    if mode == "linear_ramp":
        ends = _as_pairs(kwargs.get("end_values", 0), nd)
        calc = np.result_type(dt, 1.0)
        for ax, ((lo, hi), (elo, ehi)) in enumerate(zip(pw, ends, strict=True)):
            n = shape_of(a)[ax]
            ramps = []
            for width, end, edge_at, reverse in ((lo, elo, 0, False), (hi, ehi, n - 1, True)):
                if not width:
                    ramps.append(None)
                    continue
                edge = astype(slice_along(a, ax, edge_at, edge_at + 1), calc)
                end = astype(end, calc)
                t = np.arange(width, dtype=calc).reshape(
                    (1,) * ax + (width,) + (1,) * (nd - ax - 1))
                step = ew.divide_p.bind(ew.subtract_p.bind(edge, end), width)
                ramp = ew.add_p.bind(ew.multiply_p.bind(t, step), end)
                if dt.kind in "iub":
                    ramp = ew.floor_p.bind(ramp)
                ramp = astype(ramp, dt)
                ramps.append(sp.rev_p.bind(ramp, axes=(ax,)) if reverse else ramp)
            a = _join(a, ax, *ramps)
        return a
    stat = {"maximum": reductions.max, "minimum": reductions.min, "mean": reductions.mean,
            "median": stats.median}[mode]
    lengths = _as_pairs(kwargs.get("stat_length"), nd, as_index=True)
    for ax, ((lo, hi), (llo, lhi)) in enumerate(zip(pw, lengths, strict=True)):
        if not (lo or hi):
            continue
        n = shape_of(a)[ax]
        llo = n if llo is None or llo > n else int(llo)
        lhi = n if lhi is None or lhi > n else int(lhi)
        if (llo == 0 or lhi == 0) and mode in ("maximum", "minimum"):
            raise ValueError("stat_length of 0 yields no value for padding")
        blocks = []
        for width, (start, stop) in ((lo, (0, llo)), (hi, (n - lhi, n))):
            if not width:
                blocks.append(None)
                continue
            v = stat(slice_along(a, ax, start, stop), axis=ax, keepdims=True)
            if dt.kind in "iu" and dtype_of(v).kind == "f":
                v = ew.rint_p.bind(v)
            blocks.append(_pad_block(a, ax, width, v))
        a = _join(a, ax, *blocks)
    return a


def shape(a):
    """As ``numpy.shape``.

    >>> shape(np.zeros((2, 3)))
    (2, 3)
    """
    return tuple(shape_of(a))


def ndim(a):
    """As ``numpy.ndim``.

    >>> ndim(np.zeros((2, 3)))
    2
    """
    return ndim_of(a)


def size(a, axis=None):
    """As ``numpy.size``.

    >>> size(np.zeros((2, 3)))
    6
    """
    s = shape_of(a)
    return int(np.prod(s, dtype=np.int64)) if axis is None else s[axis]


class _AxisConcatenator:
    """NumPy's (and JAX's) ``r_`` / ``c_``: index syntax for concatenation along an axis.

    Slices become ranges (``a:b:s``) or ``linspace`` (an imaginary step ``a:b:nj`` gives
    ``n`` points); arrays, traced values and scalars are joined along ``axis`` after being
    given at least ``ndmin`` dimensions (the 1-d ones laid along ``trans1d``). A leading
    string ``'axis'`` or ``'axis,ndmin[,trans1d]'`` overrides the defaults.

    >>> r_[np.array([1, 2]), 0, 5:7]
    array([1, 2, 0, 5, 6])
    >>> r_["0,2", [1, 2], [3, 4]]
    array([[1, 2],
           [3, 4]])
    >>> c_[np.array([1, 2]), np.array([3, 4])]
    array([[1, 3],
           [2, 4]])
    """
    __slots__ = ("axis", "ndmin", "trans1d")

    def __init__(self, axis=0, ndmin=1, trans1d=-1):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        from .creation import linspace
        if not isinstance(key, tuple):
            key = (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs, kinds = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    raise NotImplementedError(f"the {item!r} directive (a NumPy matrix) is not "
                                              "supported: vmapx has no matrix type")
                try:
                    parts = [int(v) for v in item.split(",")]
                except ValueError:
                    raise ValueError(f"unknown special directive {item!r}") from None
                axis = parts[0]
                if len(parts) > 1:
                    ndmin = parts[1]
                if len(parts) > 2:
                    trans1d = parts[2]
                continue
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                if isinstance(step, (complex, np.complexfloating)):
                    obj = linspace(start, item.stop, num=int(abs(step)))
                else:
                    obj = np.arange(start, item.stop, step)
                kinds.append(dtype_of(obj))
            elif type(item) in (bool, int, float, complex):
                obj = item
                kinds.append(item)  # a weak scalar in the result dtype
            else:
                obj = asarray_like(item)
                kinds.append(dtype_of(obj))
            nd = ndim_of(obj)
            if nd < ndmin:
                obj = reshape(obj, (1,) * (ndmin - nd) + tuple(shape_of(obj)))
                if trans1d != -1 and not isinstance(item, slice):
                    k2, k1 = ndmin - nd, trans1d
                    if k1 < 0:
                        k1 += k2 + 1
                    order = list(range(ndmin))
                    obj = transpose(obj, order[:k1] + order[k2:] + order[k1:k2])
                elif trans1d != -1 and isinstance(item, slice):
                    obj = swapaxes(obj, -1, trans1d)
            objs.append(obj)
        if not objs:
            raise ValueError("need at least one array to concatenate")
        dt = np.result_type(*kinds)
        return concatenate([astype(o, dt) for o in objs], axis=axis)

    def __len__(self):
        return 0


r_ = _AxisConcatenator()
c_ = _AxisConcatenator(-1, ndmin=2, trans1d=0)


__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
__all__ += ["r_", "c_"]
