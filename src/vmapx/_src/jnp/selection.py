"""``vmapx.numpy``'s selection and functional updates: ``select``,
``piecewise``, ``choose``, ``compress``, ``extract``, ``place``, ``put``,
``put_along_axis`` and ``apply_over_axes`` (``apply_along_axis``, defined by
``vmap``, is in ``vectorize.py``).  NumPy's
in-place functions take ``inplace=False`` (as in JAX) to return a new array;
on traced arrays that is required.
"""
from __future__ import annotations

import numpy as np

from ..core import Tracer, dtype_of, ndim_of, shape_of
from . import dtypes as _dt
from .base import asarray_like, canonicalize_axis, concrete_size
from . import basic_api as jnp
from ..prims import shapes as sp
from .grids import indices
from .insertion import resize
from .reductions import count_nonzero
from .static_args import _at, _functional_only, concrete_or_error

__all__ = ["select", "piecewise", "choose", "compress", "extract", "place", "put",
           "put_along_axis", "apply_over_axes"]


# ------------------------------------------------ selection, functional updates


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, elementwise, as ``numpy.select``.

    >>> select([np.array([True, False, False]), np.array([True, True, False])], [1, 2], 0)
    array([1, 2, 0])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    choices = [c if type(c) in (int, float, complex) else asarray_like(c) for c in choicelist]
    fallback = default if type(default) in (int, float, complex) else asarray_like(default)
    dtype = _dt.promote_values(*choices, fallback)   # JAX's promotion
    conds = [asarray_like(c) for c in condlist]
    for i, c in enumerate(conds):
        if dtype_of(c) != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    shape = np.broadcast_shapes(*[shape_of(c) for c in conds],
                                *[shape_of(c) for c in choices + [fallback]])
    out = jnp.broadcast_to(jnp.astype(fallback, dtype), shape)
    for c, v in zip(conds[::-1], choices[::-1], strict=True):
        out = jnp.where(c, jnp.astype(v, dtype), out)
    return out


def piecewise(x, condlist, funclist, *args, **kw):
    """Evaluate ``funclist[i]`` where ``condlist[i]`` holds, as ``numpy.piecewise``.

    Each function is evaluated on all of ``x`` (then selected), so it must
    accept every element.

    >>> piecewise(np.array([-1.0, 0.5, 2.0]), [np.array([True, False, False])],
    ...           [lambda v: -v, lambda v: v * 10])
    array([ 1.,  5., 20.])
    """
    x = asarray_like(x)
    n2 = len(funclist)
    if (np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray, Tracer))
                                  and ndim_of(x) != 0)):
        condlist = [condlist]
    if isinstance(condlist, (list, tuple)):
        conds = [jnp.astype(asarray_like(c), bool) for c in condlist]
    else:
        c = jnp.astype(asarray_like(condlist), bool)
        conds = [c[i] for i in range(shape_of(c)[0])]
    n = len(conds)
    if n == n2 - 1:
        other = conds[0]
        for c in conds[1:]:
            other = other | c
        conds.append(~other)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are "
                         "expected")
    dt = dtype_of(x)
    out = jnp.zeros_like(x)
    for c, f in zip(conds, funclist, strict=True):
        val = f(x, *args, **kw) if callable(f) else f
        out = jnp.where(c, jnp.astype(asarray_like(val), dt), out)
    return out


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` elementwise, as ``numpy.choose``.

    ``mode='raise'`` checks concrete indices (traced ones are clipped).

    >>> choose(np.array([0, 1, 0]), [np.array([1, 2, 3]), np.array([10, 20, 30])])
    array([ 1, 20,  3])
    """
    if out is not None:
        raise TypeError("vmapx.numpy.choose: the 'out' argument is not supported: traced "
                        "arrays are immutable; use the returned value.")
    a = asarray_like(a)
    # NumPy's choose treats Python scalar choices as weak (NEP 50)
    kinds = [c if type(c) in (bool, int, float, complex) else None for c in choices]
    choices = [asarray_like(c) for c in choices]
    n = len(choices)
    if dtype_of(a).kind not in "iub":
        raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') "
                        "according to the rule 'safe'")
    if mode == "raise":
        if not isinstance(a, Tracer) and np.any((np.asarray(a) < 0) | (np.asarray(a) >= n)):
            raise ValueError("invalid entry in choice array")
        a = jnp.clip(a, 0, n - 1)
    elif mode == "wrap":
        a = jnp.remainder(a, n)
    elif mode == "clip":
        a = jnp.clip(a, 0, n - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    dtype = _dt.result_type(*[dtype_of(c) if k is None else k
                              for c, k in zip(choices, kinds, strict=True)])
    shape = np.broadcast_shapes(shape_of(a), *[shape_of(c) for c in choices])
    res = jnp.broadcast_to(jnp.astype(choices[0], dtype), shape)
    for k in range(1, n):
        res = jnp.where(a == k, jnp.astype(choices[k], dtype), res)
    return res


def compress(condition, a, axis=None, *, size=None, fill_value=0):
    """Slices of ``a`` where the (concrete) ``condition`` holds, as ``numpy.compress``.

    >>> compress([False, True, True], np.array([[1, 2, 3], [4, 5, 6]]), axis=1)
    array([[2, 3],
           [5, 6]])
    """
    a = asarray_like(a)
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    condition = asarray_like(condition)
    if ndim_of(condition) != 1:
        raise ValueError("condition must be a 1-d array")
    n = shape_of(a)[axis]
    if size is None and isinstance(condition, Tracer):
        size = concrete_size(count_nonzero(condition[:n]), "compress", "the number of True "
                             "entries is the output shape; pass size=... for a static one")
    if size is None:
        condition = concrete_or_error(condition, "compress", "the number of True entries is the output "
                          "shape; pass size=... for a static one")
        idx = np.flatnonzero(np.asarray(condition))
        if len(idx) and idx[-1] >= n:
            raise IndexError(f"index {idx[-1]} is out of bounds for axis {axis} with size {n}")
        return jnp.take(a, idx, axis=axis)
    condition = jnp.astype(condition, bool)
    m = shape_of(condition)[0]
    if m >= n:
        condition = condition[:n]
    else:
        condition = sp.pad_p.bind(condition, pad_width=((0, n - m),), value=0)
    (idx,) = jnp.nonzero(condition, size=size, fill_value=n)
    fill_shape = list(shape_of(a))
    fill_shape[axis] = 1
    padded = jnp.concatenate([a, jnp.full(tuple(fill_shape), fill_value, dtype_of(a))],
                             axis=axis)
    return jnp.take(padded, idx, axis=axis)


def extract(condition, arr, *, size=None, fill_value=0):
    """Elements of ``arr`` where ``condition`` is nonzero, as ``numpy.extract``.

    Traced input needs ``size`` (the result is padded with ``fill_value``).

    >>> extract(np.array([1, 0, 1]), np.array([7, 8, 9]))
    array([7, 9])
    """
    cond = jnp.ravel(asarray_like(condition))
    arr = jnp.ravel(asarray_like(arr))
    if size is None and isinstance(cond, Tracer):
        size = concrete_size(count_nonzero(cond), "extract", "the number of nonzero entries "
                             "is the output shape; pass size=... for a static one")
    if size is None:
        cond = concrete_or_error(cond, "extract", "the number of nonzero entries is the output "
                          "shape; pass size=... for a static one")
        return jnp.take(arr, np.flatnonzero(cond))
    return compress(jnp.not_equal(cond, 0), arr, size=size, fill_value=fill_value)


def place(arr, mask, vals, *, inplace=True):
    """Put ``vals`` (cyclically) where ``mask`` holds, as ``numpy.place``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> place(np.zeros(4), np.array([True, False, True, True]), [1.0, 2.0], inplace=False)
    array([1., 0., 2., 1.])
    """
    if inplace:
        _functional_only("place", arr)
        return np.place(arr, mask, vals)
    arr = asarray_like(arr)
    flat_mask = jnp.ravel(jnp.astype(asarray_like(mask), bool))
    vals = jnp.ravel(asarray_like(vals))
    nv = shape_of(vals)[0]
    if nv == 0:
        return arr
    which = jnp.remainder(jnp.cumsum(jnp.astype(flat_mask, np.intp)) - 1, nv)
    new = jnp.astype(jnp.take(vals, which), dtype_of(arr))
    return jnp.reshape(jnp.where(flat_mask, new, jnp.ravel(arr)), shape_of(arr))


def put(a, ind, v, mode="raise", *, inplace=True):
    """Set flat positions ``ind`` of ``a`` to ``v`` (cyclically), as ``numpy.put``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> put(np.zeros(4), [0, 2], [5.0, 6.0], inplace=False)
    array([5., 0., 6., 0.])
    """
    if inplace:
        _functional_only("put", a)
        return np.put(a, ind, v, mode)
    a = asarray_like(a)
    size = int(np.prod(shape_of(a), dtype=np.int64))
    ind = jnp.ravel(asarray_like(ind))
    if mode == "raise":
        if not isinstance(ind, Tracer) and np.any((np.asarray(ind) < -size) |
                                                  (np.asarray(ind) >= size)):
            raise IndexError(f"index out of range for array of size {size}")
        ind = jnp.where(ind < 0, ind + size, ind)
    elif mode == "wrap":
        ind = jnp.remainder(ind, size)
    elif mode == "clip":
        ind = jnp.clip(ind, 0, size - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    vals = jnp.astype(resize(v, shape_of(ind)), dtype_of(a))
    return jnp.reshape(_at(jnp.ravel(a))[ind].set(vals), shape_of(a))


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """Set ``arr`` along ``axis`` at ``indices`` to ``values``, as ``numpy.put_along_axis``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> put_along_axis(np.zeros((2, 2)), np.array([[1], [0]]), 7.0, 1, inplace=False)
    array([[0., 7.],
           [7., 0.]])
    """
    if inplace:
        _functional_only("put_along_axis", arr)
        return np.put_along_axis(arr, indices, values, axis)
    arr, indices = asarray_like(arr), asarray_like(indices)
    if axis is None:
        arr_shape = shape_of(arr)
        return jnp.reshape(put_along_axis(jnp.ravel(arr), indices, values, 0, inplace=False,
                                          mode=mode), arr_shape)
    nd = ndim_of(arr)
    if ndim_of(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = canonicalize_axis(axis, nd)
    index = []
    ishape = shape_of(indices)
    for d in range(nd):
        if d == axis:
            index.append(indices)
        else:
            shape = [1] * nd
            shape[d] = ishape[d]
            index.append(np.arange(ishape[d]).reshape(shape))
    return _at(arr)[tuple(index)].set(values, mode=mode)


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied axis after axis, keeping dimensions, as ``numpy.apply_over_axes``.

    >>> apply_over_axes(np.sum, np.arange(6).reshape(2, 3), [0, 1])
    array([[15]])
    """
    val = asarray_like(a)
    nd = ndim_of(val)
    axes = (axes,) if np.ndim(axes) == 0 else tuple(axes)
    for axis in axes:
        if axis < 0:
            axis = nd + axis
        res = asarray_like(func(val, axis))
        if ndim_of(res) == ndim_of(val):
            val = res
        else:
            res = jnp.expand_dims(res, axis)
            if ndim_of(res) != ndim_of(val):
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val
