"""Shape manipulation of ``vmapx.numpy``."""
from __future__ import annotations

import operator

import numpy as np

from ..core import Tracer, shape_of, ndim_of, dtype_of
from .. import inputs
from ..errors import ConcretizationTypeError, ShapeError
from ..prims import shapes as sp
from . import dtypes as _dt
from .base import asarray_like, astype, canonicalize_axes, canonicalize_axis, promote_args


def slice_along(a, axis, start, stop, step=None):
    """``a`` sliced ``start:stop:step`` along ``axis``."""
    idx = [("s", None, None, None)] * ndim_of(a)
    idx[axis] = ("s", start, stop, step)
    return sp.static_index_p.bind(a, index=tuple(idx))


def _static_shape(shape, negative_ok=False):
    """``shape`` with its entries as Python ints: a traced entry gives its
    concrete value (per-example code under eager vmap) or JAX's error."""
    items = shape if isinstance(shape, (tuple, list)) else (shape,)
    traced = False
    for s in items:
        if isinstance(s, Tracer):
            traced = True
        elif isinstance(s, (int, np.integer)) and s < 0 and not negative_ok:
            raise ShapeError("broadcast_in_dim shape must have every element be nonnegative, "
                             f"got {tuple(items)}.")
    if not traced:
        return shape
    try:
        dims = tuple(operator.index(s) for s in items)
    except ConcretizationTypeError:
        raise TypeError(
            "Shapes must be 1D sequences of concrete values of integer type, got "
            f"{tuple(items)}.\nIf using `jit`, try using `static_argnums` or applying `jit` to "
            "smaller subfunctions.") from None
    return dims if isinstance(shape, (tuple, list)) else dims[0]


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
    shape = _static_shape(shape, negative_ok=True)   # a traced size: its value, or JAX's error
    given = shape   # JAX's messages show the shape as it was given
    if order == "A":  # Fortran order only for a Fortran-contiguous NumPy array
        order = "F" if isinstance(a, np.ndarray) and np.isfortran(a) else "C"
    if order == "F":  # index the elements column-major: reverse the axes around a C reshape
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
        return transpose(reshape(transpose(a), shape[::-1]))
    if order != "C":
        raise ValueError("order must be one of 'C', 'F', 'A', or 'K' (got '%s')" % order)
    old = shape_of(a)
    shape = inputs.reshape_target(old, given)   # JAX's errors (ShapeError)
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
        raise ShapeError("Cannot concatenate arrays with different numbers of dimensions: got "
                         f"{', '.join(map(str, shapes))}.")
    ax = canonicalize_axis(axis, nd)
    if any(s[:ax] + s[ax + 1:] != shapes[0][:ax] + shapes[0][ax + 1:] for s in shapes):
        raise ShapeError("Cannot concatenate arrays with shapes that differ in dimensions other "
                         f"than the one being concatenated: concatenating along dimension {ax} "
                         f"for shapes {', '.join(map(str, shapes))}.")
    if casting is not None:
        _check_casting(arrays, dtype, casting)
    if dtype is not None:
        arrays = [astype(a, dtype) for a in arrays]
    if len(arrays) == 1:
        return arrays[0]
    if dtype is None:
        arrays = promote_args(*arrays)   # JAX's promotion
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
    if dtype is None and not _dt.numpy_semantics():
        dtype = _dt.promote_values(*arrays)   # JAX's: Python scalars weak ([x_f32, 2.0]: f32)
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




__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
__all__.remove("slice_along")  # a helper of the other sections, not NumPy's
