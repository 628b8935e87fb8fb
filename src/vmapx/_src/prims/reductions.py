"""Reductions (sum, prod, max, min, any, all, argmax, argmin), cumulative ops
and sorting.  Each takes static, non-negative per-example axes."""
from __future__ import annotations

import numpy as np

from ..core import dummy_of, get_aval, Primitive, ShapedArray
from .shapes import broadcast_in_dim_p, rev_p
from . import elementwise as ew
from .elementwise import convert_element_type_p, real_p
from .indexing import gather_p

_cache: dict = {}


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _reduction(name, fn):
    def impl(x, *, axes, keepdims=False, dtype=None):
        if dtype is None:
            return fn(x, axis=axes, keepdims=keepdims)
        return fn(x, axis=axes, keepdims=keepdims, dtype=dtype)

    def abstract(a, *, axes, keepdims=False, dtype=None):
        key = (name, a.dtype, a.weak_type, dtype)
        dt = _cache.get(key)
        if dt is None:
            d = np.zeros((1,), a.dtype) if not a.weak_type else np.asarray([dummy_of(a)])
            dt = _cache[key] = impl(d, axes=(0,), dtype=dtype).dtype
        return ShapedArray(_reduced_shape(a.shape, axes, keepdims), dt)

    prim = Primitive(name, impl, abstract=abstract)

    def batch(axis, vals, dims, *, axes, keepdims=False, dtype=None):
        (x,), (d,) = vals, dims
        full = tuple(a + (a >= d) for a in axes)
        out_d = d if keepdims else d - sum(1 for a in full if a < d)
        return prim.bind(x, axes=full, keepdims=keepdims, dtype=dtype), out_d

    prim.batch = batch
    return prim


reduce_sum_p = _reduction("reduce_sum", np.sum)
reduce_prod_p = _reduction("reduce_prod", np.prod)
reduce_max_p = _reduction("reduce_max", lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims))
reduce_min_p = _reduction("reduce_min", lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims))
reduce_any_p = _reduction("reduce_any", lambda x, axis, keepdims: np.any(x, axis, keepdims=keepdims))
reduce_all_p = _reduction("reduce_all", lambda x, axis, keepdims: np.all(x, axis, keepdims=keepdims))


# --------------------------------------------------- single-axis index reductions


def _arg_reduction(name, fn):
    prim = Primitive(
        name, lambda x, *, axis, keepdims=False: fn(x, axis=axis, keepdims=keepdims),
        abstract=lambda a, *, axis, keepdims=False: ShapedArray(
            _reduced_shape(a.shape, (axis,), keepdims), np.dtype(np.intp)))

    def batch(ax, vals, dims, *, axis, keepdims=False):
        (x,), (d,) = vals, dims
        full = axis + (axis >= d)
        out_d = d if keepdims or full > d else d - 1
        return prim.bind(x, axis=full, keepdims=keepdims), out_d

    prim.batch = batch
    return prim


argmax_p = _arg_reduction("argmax", np.argmax)
argmin_p = _arg_reduction("argmin", np.argmin)


# ------------------------------------------------- cumulative ops and sorting
# Shape-preserving along one axis: the batch axis stays where it is.


def _along_axis(name, fn, out_dtype=None):
    def abstract(a, *, axis, **params):
        if out_dtype is not None:
            return ShapedArray(a.shape, np.dtype(out_dtype))
        key = (name, a.dtype, a.weak_type, tuple(params.items()))
        dt = _cache.get(key)
        if dt is None:
            dt = _cache[key] = fn(np.zeros((1,), a.dtype), axis=0, **params).dtype
        return ShapedArray(a.shape, dt)

    prim = Primitive(name, fn, abstract=abstract)

    def batch(ax, vals, dims, *, axis, **params):
        (x,), (d,) = vals, dims
        return prim.bind(x, axis=axis + (axis >= d), **params), d

    prim.batch = batch
    return prim


cumsum_p = _along_axis("cumsum", lambda x, *, axis, dtype=None: np.cumsum(x, axis, dtype=dtype))
cumprod_p = _along_axis("cumprod", lambda x, *, axis, dtype=None: np.cumprod(x, axis, dtype=dtype))
cummax_p = _along_axis("cummax", lambda x, *, axis: np.maximum.accumulate(x, axis))
cummin_p = _along_axis("cummin", lambda x, *, axis: np.minimum.accumulate(x, axis))
sort_p = _along_axis("sort", lambda x, *, axis: np.sort(x, axis, kind="stable"))
argsort_p = _along_axis("argsort", lambda x, *, axis: np.argsort(x, axis, kind="stable"),
                        out_dtype=np.intp)

# --------------------------------------------------------- differentiation

from ..autodiff import aval_of, linear_jvp, zero_jvp  # noqa: E402


def _bcast_back(r, shape, axes, keepdims):
    """A reduction's result broadcast back to the operand's ``shape``."""
    if keepdims:
        return broadcast_in_dim_p.bind(r, shape=tuple(shape), dims=tuple(range(len(shape))))
    dims = tuple(i for i in range(len(shape)) if i not in axes)
    return broadcast_in_dim_p.bind(r, shape=tuple(shape), dims=dims)


def _to_dtype(x, dtype):
    xd = get_aval(x).dtype
    if xd == dtype:
        return x
    if xd.kind == "c" and dtype.kind != "c":
        x = real_p.bind(x)
    return convert_element_type_p.bind(x, dtype=dtype)


def _reduce_sum_transpose(ct, x, *, axes, keepdims=False, dtype=None):
    a = aval_of(x)
    return [_to_dtype(_bcast_back(ct, a.shape, axes, keepdims), a.dtype)]


def _product_tangent(x, t, prod_p, sum_p, kw):
    """Tangent of a product reduction (``prod_p``, with ``sum_p`` its additive
    twin over the same ``kw``), exact where factors are zero: with no zero it is
    ``p * sum(t / x)``; with one zero, the product of the others times its tangent;
    with more, zero."""
    is0, xs, z, one, zero = _zero_split(x, sum_p.bind, kw)
    p = prod_p.bind(xs, **kw)
    none_zero = ew.multiply_p.bind(p, sum_p.bind(
        ew.divide_p.bind(ew.where_p.bind(is0, zero, t), xs), **kw))
    one_zero = ew.multiply_p.bind(p, sum_p.bind(ew.where_p.bind(is0, t, zero), **kw))
    return ew.where_p.bind(ew.equal_p.bind(z, 0), none_zero,
                           ew.where_p.bind(ew.equal_p.bind(z, 1), one_zero, zero))


def _zero_split(x, reduce, axes_kw):
    """The derivative of a (cumulative) product, exact where ``x`` has zeros:
    with ``z`` zeros so far and ``P`` the product of the nonzero factors,
    ``P * sum(t / x)`` if ``z == 0``, ``P * (t at the zero)`` if ``z == 1``,
    else 0.  ``reduce`` is the matching (cumulative) sum.  Returns the zero
    mask, ``x`` with zeros made ones, the zero counts, and scalar 1 and 0."""
    dt = get_aval(x).dtype
    one, zero = np.ones((), dt), np.zeros((), dt)
    is0 = ew.equal_p.bind(x, 0)
    xs = ew.where_p.bind(is0, one, x)
    z = reduce(ew.convert_element_type_p.bind(is0, dtype=np.dtype(np.int64)), **axes_kw)
    return is0, xs, z, one, zero


def _reduce_prod_jvp(primals, tangents, *, axes, keepdims=False, dtype=None):
    (x,), (t,) = primals, tangents
    out = reduce_prod_p.bind(x, axes=axes, keepdims=keepdims, dtype=dtype)
    if not axes:
        return out, _to_dtype(t, aval_of(out).dtype)
    tan = _product_tangent(x, t, reduce_prod_p, reduce_sum_p,
                           dict(axes=axes, keepdims=keepdims, dtype=None))
    return out, _to_dtype(tan, aval_of(out).dtype)


def _minmax_jvp(prim):
    def jvp(primals, tangents, *, axes, keepdims=False, dtype=None):
        (x,), (t,) = primals, tangents
        out = prim.bind(x, axes=axes, keepdims=keepdims)
        a = aval_of(x)
        # the tangent at the extremum, averaged over ties (as JAX)
        loc = ew.convert_element_type_p.bind(
            ew.equal_p.bind(x, _bcast_back(out, a.shape, axes, keepdims)), dtype=a.dtype)
        count = reduce_sum_p.bind(loc, axes=axes, keepdims=keepdims, dtype=None)
        tan = reduce_sum_p.bind(ew.multiply_p.bind(t, loc), axes=axes, keepdims=keepdims,
                                dtype=None)
        return out, ew.divide_p.bind(tan, count)
    return jvp


reduce_sum_p.jvp = linear_jvp(reduce_sum_p)
reduce_sum_p.transpose = _reduce_sum_transpose
reduce_prod_p.jvp = _reduce_prod_jvp
reduce_max_p.jvp = _minmax_jvp(reduce_max_p)
reduce_min_p.jvp = _minmax_jvp(reduce_min_p)
for _p in (reduce_any_p, reduce_all_p, argmax_p, argmin_p, argsort_p):
    _p.jvp = zero_jvp(_p)


def _cumsum_transpose(ct, x, *, axis, dtype=None):
    r = rev_p.bind(cumsum_p.bind(rev_p.bind(ct, axes=(axis,)), axis=axis, dtype=None),
                   axes=(axis,))
    return [_to_dtype(r, aval_of(x).dtype)]


def _cumprod_jvp(primals, tangents, *, axis, dtype=None):
    (x,), (t,) = primals, tangents
    out = cumprod_p.bind(x, axis=axis, dtype=dtype)
    tan = _product_tangent(x, t, cumprod_p, cumsum_p, dict(axis=axis, dtype=None))
    return out, _to_dtype(tan, aval_of(out).dtype)


def take_along_axis(x, idx, axis):
    """``x`` gathered at ``idx`` (of ``x``'s shape) along ``axis``."""
    shape = aval_of(x).shape
    nd = len(shape)
    arrays = []
    for k in range(nd):
        if k == axis:
            arrays.append(idx)
        else:
            arrays.append(np.arange(shape[k], dtype=np.intp).reshape(
                tuple(shape[k] if i == k else 1 for i in range(nd))))
    return gather_p.bind(x, *arrays, index=tuple(("a", k) for k in range(nd)))


def _cum_extremum_jvp(prim):
    def jvp(primals, tangents, *, axis):
        (x,), (t,) = primals, tangents
        out = prim.bind(x, axis=axis)
        shape = aval_of(x).shape
        pos = np.arange(shape[axis], dtype=np.intp).reshape(
            tuple(shape[axis] if i == axis else 1 for i in range(len(shape))))
        # the latest position so far where x set the running extremum
        rec = ew.where_p.bind(ew.equal_p.bind(x, out), pos, np.intp(-1))
        src = cummax_p.bind(rec, axis=axis)
        return out, take_along_axis(t, src, axis)
    return jvp


def _sort_jvp(primals, tangents, *, axis):
    (x,), (t,) = primals, tangents
    perm = argsort_p.bind(x, axis=axis)
    return take_along_axis(x, perm, axis), take_along_axis(t, perm, axis)


cumsum_p.jvp = linear_jvp(cumsum_p)
cumsum_p.transpose = _cumsum_transpose
cumprod_p.jvp = _cumprod_jvp
cummax_p.jvp = _cum_extremum_jvp(cummax_p)
cummin_p.jvp = _cum_extremum_jvp(cummin_p)
sort_p.jvp = _sort_jvp
