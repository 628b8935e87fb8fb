"""Array creation of ``vmapx.numpy``.  Constructors build plain NumPy arrays;
``array``/``asarray`` of traced values stack them with primitives."""
from __future__ import annotations

import numpy as np

from ..core import copy_box, Tracer, shape_of, dtype_of
from . import dtypes as _dt
from .array import as_array
from .base import accepted_array, asarray_like, astype, stack_nested
from ..errors import ConcretizationTypeError
from ..prims import elementwise as ew
from .shapes import broadcast_to, expand_dims, moveaxis, _static_shape


def _has_tracer(obj):
    if isinstance(obj, Tracer):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_has_tracer(o) for o in obj)
    return False


def array(object, dtype=None, copy=True, order="K", ndmin=0):  # noqa: A002
    """As ``numpy.array``; nested lists may hold traced values.

    >>> array([1, 2], dtype=np.float32)
    array([1., 2.], dtype=float32)
    """
    if _has_tracer(object):
        if isinstance(object, Tracer):
            out = copy_box(object) if copy else object
        else:
            out = stack_nested(object, dtype)
        if dtype is not None:
            out = astype(out, dtype)
        while out.ndim < ndmin:
            out = expand_dims(out, 0)
        return out
    return _jax_list_dtype(object, accepted_array(
        object, np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin), dtype),
        dtype)


def asarray(a, dtype=None, order=None, *, copy=None):
    """As ``numpy.asarray``; a traced value stays traced.

    >>> asarray([1.0, 2.0])
    array([1., 2.])
    """
    if _has_tracer(a):
        return array(a, dtype=dtype)
    return _jax_list_dtype(
        a, accepted_array(a, np.asarray(a, dtype=dtype, order=order, copy=copy), dtype), dtype)


def _jax_list_dtype(obj, out, dtype):
    """``out`` (NumPy's conversion of the list ``obj``) in JAX's dtype when that
    differs: Python numbers in the list are weak (``[np.float32(1), 2.0]`` is
    float32, NumPy says float64), as they are beside traced values, so a list
    gives the same dtype whether its items are traced or not.  NumPy's own
    ``np.array`` on traced values (``numpy_semantics``) keeps NumPy's."""
    if dtype is not None or type(obj) not in (list, tuple) or _dt.numpy_semantics():
        return out
    keys = set()
    if not _collect_keys(obj, keys) or len(keys) < 2 or \
            all(type(k) is type for k in keys):   # Python numbers only: NumPy's = JAX's
        return out
    want = _dt.promote_keys(*keys)[0]
    return out if want == out.dtype else as_array(out.astype(want))


def _collect_keys(obj, keys) -> bool:
    """Add the promotion keys of the leaves of the nested list ``obj``; False
    for a leaf that is neither a number nor an array (NumPy's rule then)."""
    for v in obj:
        t = type(v)
        if t is int or t is float or t is complex:
            keys.add(t)
        elif t is list or t is tuple:
            if not _collect_keys(v, keys):
                return False
        elif isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind in "biufc":
            keys.add(v.dtype)
        elif t is bool:
            keys.add(np.dtype(bool))
        else:
            return False
    return True


def _like(name, npfn):
    def fn(a, dtype=None, shape=None, **kw):
        dt = dtype if dtype is not None else dtype_of(a)
        sh = shape_of(a) if shape is None else shape
        return as_array(npfn(sh, dtype=dt, **kw))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"As ``numpy.{name}`` (accepts traced values: only their shape and dtype "
                  f"are read).\n\n>>> {name}(np.zeros((2,), np.int32))\n"
                  f"{getattr(np, name)(np.zeros((2,), np.int32))!r}\n")
    return fn


zeros_like = _like("zeros_like", np.zeros)
ones_like = _like("ones_like", np.ones)
empty_like = _like("empty_like", np.zeros)


def full_like(a, fill_value, dtype=None, shape=None):
    """As ``numpy.full_like``; ``fill_value`` may be traced.

    >>> full_like(np.zeros(2), 7.0)
    array([7., 7.])
    """
    dt = dtype if dtype is not None else dtype_of(a)
    sh = shape_of(a) if shape is None else shape
    return full(sh, fill_value, dtype=dt)


def full(shape, fill_value, dtype=None, order="C"):
    """As ``numpy.full``; ``fill_value`` may be traced.

    >>> full((2,), 3)
    array([3, 3])
    """
    if isinstance(fill_value, Tracer):
        v = fill_value if dtype is None else astype(fill_value, dtype)
        sh = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        out = broadcast_to(v, sh)
        return out
    return as_array(np.full(_static_shape(shape), fill_value, dtype=dtype, order=order))


def zeros(shape, dtype=None, order="C"):
    """As ``numpy.zeros``.

    >>> zeros(2)
    array([0., 0.])
    """
    return as_array(np.zeros(_static_shape(shape), dtype=dtype, order=order))


def ones(shape, dtype=None, order="C"):
    """As ``numpy.ones``.

    >>> ones(2, dtype=int)
    array([1, 1])
    """
    return as_array(np.ones(_static_shape(shape), dtype=dtype, order=order))


def empty(shape, dtype=None, order="C"):
    """As ``numpy.empty``, but zero-filled (deterministic).

    >>> empty(2)
    array([0., 0.])
    """
    return as_array(np.zeros(_static_shape(shape), dtype=dtype, order=order))


def _concrete(x, what):
    if isinstance(x, Tracer):
        raise ConcretizationTypeError(
            f"vmapx.numpy.{what} needs concrete (non-traced) arguments: the output shape "
            "depends on them.")
    return x


def arange(start=None, stop=None, step=None, dtype=None):
    """As ``numpy.arange`` (concrete arguments).

    >>> arange(3)
    array([0, 1, 2])
    """
    for v in (start, stop, step):
        _concrete(v, "arange")
    if start is None:  # arange(stop=n)
        start, stop = (0, stop) if stop is not None else (None, None)
        if start is None:
            raise TypeError("arange() requires stop to be specified.")
    if stop is None and step is None:
        return as_array(np.arange(start, dtype=dtype))
    return as_array(np.arange(start, stop, step if step is not None else 1, dtype=dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """As ``numpy.linspace``; ``start``/``stop`` may be traced.

    >>> linspace(0.0, 1.0, 3)
    array([0. , 0.5, 1. ])
    """
    _concrete(num, "linspace")
    if not (_has_tracer(start) or _has_tracer(stop)):
        out = np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
        return out if retstep else as_array(out)
    start, stop = asarray_like(start), asarray_like(stop)
    div = (num - 1) if endpoint else num
    # NumPy's computation dtype: start, stop (Python scalars weak) and a float
    calc = np.result_type(*(dtype_of(v) if isinstance(v, (Tracer, np.ndarray, np.generic))
                            else v for v in (start, stop)), 1.0)
    t = (np.arange(num, dtype=calc) / div if div > 0 else np.zeros(num)).astype(calc)
    nd = max(np.ndim(start) if not isinstance(start, Tracer) else start.ndim,
             np.ndim(stop) if not isinstance(stop, Tracer) else stop.ndim)
    t = t.reshape((num,) + (1,) * nd)
    delta = ew.subtract_p.bind(stop, start)
    out = ew.add_p.bind(start, ew.multiply_p.bind(t, delta))
    if endpoint and num > 1:  # the last point is exactly ``stop``, as in NumPy
        last = (np.arange(num) == num - 1).reshape((num,) + (1,) * nd)
        out = ew.where_p.bind(last, stop, out)
    if axis != 0:
        out = moveaxis(out, 0, axis)
    if dtype is not None:
        if np.dtype(dtype).kind in "iu":  # NumPy floors before an integer cast
            out = ew.floor_p.bind(out)
        out = astype(out, dtype)
    if retstep:
        return out, ew.divide_p.bind(delta, div)
    return out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """As ``numpy.logspace``.

    >>> logspace(0.0, 2.0, 3)
    array([  1.,  10., 100.])
    """
    y = linspace(start, stop, num, endpoint, axis=axis)
    out = ew.power_p.bind(base, y)
    return astype(out, dtype) if dtype is not None else out


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """As ``numpy.geomspace`` (concrete arguments).

    >>> geomspace(1.0, 100.0, 3)
    array([  1.,  10., 100.])
    """
    _concrete(start, "geomspace")
    _concrete(stop, "geomspace")
    return np.geomspace(start, stop, num, endpoint, dtype, axis)


def eye(N, M=None, k=0, dtype=float, order="C"):
    """As ``numpy.eye``.

    >>> eye(2)
    array([[1., 0.],
           [0., 1.]])
    """
    return as_array(np.eye(N, M, k, dtype=dtype, order=order))


def identity(n, dtype=None):
    """As ``numpy.identity``.

    >>> identity(2, dtype=int)
    array([[1, 0],
           [0, 1]])
    """
    return as_array(np.identity(n, dtype=dtype))


def tri(N, M=None, k=0, dtype=float):
    """As ``numpy.tri``.

    >>> tri(2)
    array([[1., 0.],
           [1., 1.]])
    """
    return as_array(np.tri(N, M, k, dtype=dtype))


def copy(a, order="K"):
    """As ``numpy.copy`` (a traced value gets a new box holding the same value,
    so that item assignment into the copy leaves ``a`` unchanged).

    >>> copy(np.arange(2))
    array([0, 1])
    """
    if isinstance(a, Tracer):
        return copy_box(a)
    return np.array(a, order=order, copy=True)


__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
