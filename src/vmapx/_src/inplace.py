"""NumPy's in-place semantics for traced values inside an eager ``vmap``.

Per-example NumPy code writes into arrays: ``x[i] = v``, ``x[mask] = 0``,
``x[1:] += d``, ``row = x[0]; row[2] = v``.  A tracer is a box around a
(batched) value, so a write computes the updated value (``x.at[idx].set(v)``
with NumPy's bounds checks and casting) and swaps it into the same box
(``become``): every reference to ``x`` sees the update, as with a NumPy array.

Views: a tracer made by basic indexing of another (``x[0]``, ``x[1:, ::2]``)
is registered as a view of it while the ``vmap`` call runs.  A write into the
view is written through into its base, and a write into the base refreshes its
views, so ``row = x[0]; row[2] = v`` and ``x[0, 2] = v; row`` behave as in
NumPy.  Views that rearrange every element (``.T``, ``transpose``, ``swapaxes``,
and ``reshape`` / ``ravel`` of a value that is not itself a view, which NumPy
reshapes without copying) are linked the same way through a ``Bijection``.

Outside eager ``vmap`` (under ``jit``, ``grad`` alone, ``strict=True``) item
assignment keeps JAX's error.
"""
from __future__ import annotations

import threading
import weakref

import numpy as np

from . import numpy_api as jnp
from .batching import splittable
from .concrete import request_loop
from .core import Tracer
from .jnp.index_parsing import _parse
from .jnp.array import Array
from .jnp.base import StandIn
from .ragged import Masked

_local = threading.local()


def _registry():
    reg = getattr(_local, "views", None)
    if reg is None:
        # id(view) -> (weakref(view), base, idx): a live view keeps its base alive, as
        # in NumPy; id(base) -> (weakref(base), [(weakref(view), idx)]).  Entries go
        # when their object dies, so the links hold no dead value in memory.
        reg = _local.views = ({}, {})
    return reg


def clear_views():
    """Forget every view link (the outermost eager vmap call of this thread ended)."""
    if getattr(_local, "views", None) is not None:
        _local.views = None


def note_view(view, base, idx):
    """``view = base[idx]`` (basic indexing) inside an eager vmap call."""
    parents, children = _registry()
    vid, bid = id(view), id(base)
    parents[vid] = (weakref.ref(view, lambda _, vid=vid: parents.pop(vid, None)), base, idx)
    entry = children.get(bid)
    if entry is None:
        entry = children[bid] = (weakref.ref(base, lambda _, bid=bid: children.pop(bid, None)),
                                 [])
    entry[1].append((weakref.ref(view), idx))


def setitem(x, idx, value):
    """``x[idx] = value`` in place, through views and into their bases."""
    become(x, updated(x, idx, value))
    _propagate(x)


def _propagate(x, skip=None):
    parents, children = _registry()
    link = parents.get(id(x))
    if link is not None and link[0]() is x:
        _, base, bidx = link
        if base is not skip:
            become(base, _base_value(base, bidx, x))
            _refresh_views(base, skip=x)
            _propagate(base, skip=x)
    _refresh_views(x, skip=skip)


def _refresh_views(base, skip=None):
    _, children = _registry()
    entry = children.get(id(base))
    if entry is None or entry[0]() is not base:
        return
    for ref, vidx in list(entry[1]):
        view = ref()
        if view is not None and view is not skip:
            become(view, _view_value(base, vidx))
            _refresh_views(view, skip=base)


class Bijection:
    """The link of a view that NumPy makes without copying by rearranging all
    the elements (``.T``, ``transpose``, ``swapaxes``, a C-order ``reshape`` /
    ``ravel``): ``forward(base)`` is the view's value, ``backward(view)`` the
    base's (in place of an index for views made by basic indexing)."""
    __slots__ = ("forward", "backward")

    def __init__(self, forward, backward):
        self.forward = forward
        self.backward = backward


def is_view(x) -> bool:
    """Whether ``x`` was registered as a view of another value in this call."""
    link = _registry()[0].get(id(x))
    return link is not None and link[0]() is x


def _base_value(base, link, view):
    return link.backward(view) if type(link) is Bijection else updated(base, link, view)


def _view_value(base, link):
    return link.forward(base) if type(link) is Bijection else jnp._getitem(base, link)


def updated(x, idx, value):
    """``x`` with ``x[idx] = value`` applied, as a new value (NumPy's semantics:
    bounds checked, ``value`` cast to ``x``'s dtype)."""
    value = resolve(value)      # a buffer (or a view of one) as the value it stands for
    items = idx if isinstance(idx, tuple) else (idx,)
    if len(items) == 1 and isinstance(items[0], Tracer) and items[0].dtype == np.bool_ \
            and items[0].ndim > 0:
        mask = items[0]
        if tuple(mask.shape) != tuple(x.shape[:mask.ndim]):
            raise IndexError(
                f"boolean index did not match indexed array along axis 0; size of axis is "
                f"{x.shape[0] if x.ndim else 0} but size of corresponding boolean axis is "
                f"{mask.shape[0]}")
        if type(value) is Masked and tuple(value.mask.shape) == (int(np.prod(mask.shape)),):
            value = jnp.reshape(value.data, x.shape)   # x[m] = y[m]: where(m, y, x)
        elif np.ndim(value) > x.ndim - mask.ndim:      # one value per selected element
            return updated(x, mask.to_concrete(True), value)   # the batch splits by mask
        m = jnp.reshape(mask, tuple(mask.shape) + (1,) * (x.ndim - mask.ndim))
        return jnp.where(m, jnp.asarray(value).astype(x.dtype), x)
    _check_bounds(x, idx)
    return x.at[idx].set(jnp.asarray(value).astype(x.dtype))


def _check_bounds(x, idx):
    """NumPy's IndexError for out-of-range indices (``.at`` would drop them); a
    traced index is checked per example (the batch splits where it is out of range)."""
    ix = _parse(x, idx)
    shape = tuple(ix.x.shape)
    for a, ax in zip(ix.arrays, ix.axes, strict=True):
        n = shape[ax]
        if isinstance(a, Tracer):
            if not ((a < -n) | (a >= n)).any():
                continue
            a = a.to_concrete()
        a = np.asarray(a)
        if a.size and (a.min() < -n or a.max() >= n):
            i = a[(a < -n) | (a >= n)].flat[0]
            raise IndexError(f"index {i} is out of bounds for axis {ax} with size {n}")


def become(x, new):
    """Give tracer ``x`` the value of ``new`` in place."""
    if type(new) is not type(x):
        raise TypeError(
            f"x[idx] = v inside vmapx.vmap: the value assigned depends on a transformation "
            f"that x does not ({type(new).__name__} into {type(x).__name__}); build a new "
            "array instead (x = x.at[idx].set(v)).")
    for cls in type(x).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot != "__weakref__" and hasattr(new, slot):
                setattr(x, slot, getattr(new, slot))


# ------------------------------------------------------------- NumPy buffers

_OWN = frozenset({"_traced", "_viewed", "_base", "_views", "__dict__", "__class__", "resolve",
                  "shape", "ndim", "dtype", "size", "itemsize"})


class Buffer(StandIn):
    """An array made by ``np.zeros`` / ``np.empty`` / ... inside an eager ``vmap``
    call: a plain NumPy array until a traced value is written into it
    (``out[i] = v``); from then on it stands for that traced value, so the filled
    buffer stays batched.

    Views by basic indexing (``row = buf[i]``, ``buf[1:3]``) are tracked: a
    traced write into one (``buf[i] += v``, ``row[j] = v``) or into the buffer
    makes the buffer stand for the traced value of its contents and each tracked
    view stand for its region of it (linked as tracer views are), so the writes
    stay batched and every view sees every write. Once anything else was derived
    from the buffer (a copy, a reshape, a view of a view), a traced write goes
    the way it goes for any NumPy array: the value is made concrete (the batch
    splits on it), which is always correct.
    """

    def __array_finalize__(self, obj):
        d = self.__dict__
        d["_traced"] = None
        d["_base"] = None          # (buffer, index) of a tracked view
        d["_viewed"] = derived = type(obj) is Buffer
        if derived:   # a view or copy of a buffer: neither may stand for a traced value
            obj.__dict__["_viewed"] = True   # (unless __getitem__ tracks the view)

    def resolve(self):
        """The traced value it stands for, or itself as a plain array."""
        t = self.__dict__["_traced"]
        return self.view(np.ndarray) if t is None else t

    def __getattribute__(self, name):
        d = np.ndarray.__getattribute__(self, "__dict__")
        t = d.get("_traced")
        if t is not None and name not in _OWN:
            return getattr(t, name)
        return np.ndarray.__getattribute__(self, name)

    def __setitem__(self, idx, value):
        d = self.__dict__
        t = d["_traced"]
        if t is not None:
            setitem(t, idx, value)
            return
        if d["_viewed"] or not (_eager_traced(value) or _eager_traced(idx)):
            np.ndarray.__setitem__(self, idx, value)
            return
        if self.dtype.names is not None:   # a structured array: no traced counterpart
            request_loop("writes a traced value into a structured array",
                         "To keep it batched, keep the fields in separate arrays.")
        new = updated(self.view(np.ndarray).copy().view(Array), idx, value)
        if d["_base"] is not None:       # a tracked view: the write lifts its buffer
            _lift(d["_base"][0], self, new)
        else:
            _lift(self, None, new)

    def __getitem__(self, idx):
        d = self.__dict__
        t = d["_traced"]
        if t is not None:
            return t[idx]
        if _has_tracer(idx):
            return self.view(np.ndarray).view(Array)[idx]
        viewed = d["_viewed"]
        out = np.ndarray.__getitem__(self, idx)
        if type(out) is Buffer and not viewed and d["_base"] is None and _basic_index(idx):
            d["_viewed"] = False           # tracked below: writes through it are followed
            od = out.__dict__
            od["_viewed"] = False
            od["_base"] = (self, idx)      # a live view keeps its buffer alive, as in NumPy
            views = d.setdefault("_views", [])
            if len(views) >= 32 and len(views) & (len(views) - 1) == 0:
                # rows read in a loop: forget the views that died (amortized)
                views[:] = [(ref, i) for ref, i in views if ref() is not None]
            views.append((weakref.ref(out), idx))
        return out

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "at" and inputs[0] is self and any(
                isinstance(resolve(a), Tracer) for a in inputs):
            return ufunc_at(ufunc, self, *inputs[1:])   # a traced update of the buffer
        out = kwargs.pop("out", None)
        inputs = [resolve(a) for a in inputs]
        if out is None:
            return getattr(ufunc, method)(*inputs, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        if any(isinstance(a, Tracer) for a in inputs) or any(
                type(o) is Buffer and o.__dict__["_traced"] is not None for o in outs):
            if len(outs) != 1 or type(outs[0]) is not Buffer or outs[0].__dict__["_viewed"]:
                # into an untracked derivation of a buffer: as for any NumPy array,
                # the traced operands are made concrete (the batch splits on them)
                # and NumPy writes in place, which is always correct
                return _write_concretely(ufunc, method, inputs, out, outs, kwargs)
            buf = outs[0]
            res = getattr(ufunc, method)(*inputs, **kwargs)
            d = buf.__dict__
            t = d["_traced"]
            if t is not None:
                setitem(t, (), res)
                return buf
            new = updated(np.zeros(buf.shape, buf.dtype).view(Array), (), res)
            if d["_base"] is not None:    # ``buf[i] += v``: a tracked view lifts its buffer
                _lift(d["_base"][0], buf, new)
            else:
                _lift(buf, None, new)
            return buf
        plain = tuple(o.view(np.ndarray) if type(o) is Buffer else o for o in outs)
        getattr(ufunc, method)(*inputs, out=plain if isinstance(out, tuple) else plain[0],
                               **kwargs)
        return _out_result(out, outs)

    def __array_function__(self, func, types, args, kwargs):
        if not (_has_tracer(args) or _has_tracer(tuple(kwargs.values()))):
            return super().__array_function__(func, types, args, kwargs)
        write = IN_PLACE_FUNCTIONS.get(func)
        if write is not None and args and args[0] is self:   # a traced write into the buffer
            return write(*args, **kwargs)
        args = [resolve(a) for a in args]
        kwargs = {k: resolve(v) for k, v in kwargs.items()}
        return func(*args, **kwargs)

    def __repr__(self):
        t = self.__dict__["_traced"]
        return repr(self.view(np.ndarray)) if t is None else repr(t)

    def __bool__(self):
        return bool(self.resolve())

    def __float__(self):
        return float(self.resolve())

    def __int__(self):
        return int(self.resolve())

    def __index__(self):
        return self.resolve().__index__()

    def __iter__(self):
        return iter(self.resolve())

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.resolve(), dtype=dtype)


def _basic_index(idx) -> bool:
    """Integers, slices, ``...`` and ``None`` only: NumPy returns a view."""
    for i in (idx if type(idx) is tuple else (idx,)):
        if not (i is None or i is Ellipsis or type(i) is slice or type(i) is int
                or isinstance(i, np.integer)):
            return False
    return True


def _lift(buf, view, value):
    """A traced write reached the untraced buffer ``buf``: from now on it stands
    for a traced value, ``value`` when the write was into ``buf`` itself, else
    ``buf``'s contents with the tracked ``view``'s region set to ``value``; each
    live tracked view stands for its region of it (a tracer view linked to the
    buffer's value, so later writes through either reach both)."""
    if view is None:
        t = value
    else:
        contents = buf.view(np.ndarray).copy().view(Array)
        t = updated(contents, view.__dict__["_base"][1], value)
    buf.__dict__["_traced"] = t
    for ref, vidx in buf.__dict__.pop("_views", ()):
        v = ref()
        if v is not None:
            part = t[vidx]                 # linked to t (interop notes the view)
            if not isinstance(part, Tracer):
                part = jnp.asarray(part)
            v.__dict__["_traced"] = part


def _write_concretely(ufunc, method, inputs, out, outs, kwargs):
    concrete_inputs = []
    for a in inputs:
        if isinstance(a, Tracer):
            a = a.to_concrete(True)
            if a is None or any(type(o) is Buffer and o.__dict__["_traced"] is not None
                                for o in outs):
                raise TypeError(
                    f"numpy.{ufunc.__name__}(..., out=...) with a traced value inside "
                    "vmapx.vmap can only write into a whole array made inside the function "
                    "(np.zeros, np.empty, ...); use the returned value instead.")
        concrete_inputs.append(a)
    plain = tuple(o.view(np.ndarray) if type(o) is Buffer else o for o in outs)
    getattr(ufunc, method)(*concrete_inputs, out=plain if isinstance(out, tuple) else plain[0],
                           **kwargs)
    return _out_result(out, outs)


def _out_result(out, outs):
    """What a ufunc call with ``out=`` returns: the output array (the tuple when
    the ufunc has several outputs), as NumPy's own ufuncs do."""
    return outs[0] if len(outs) == 1 else out


# ------------------------------------------------ NumPy's functions that write in place
# ``np.fill_diagonal(D, v)``, ``np.put``, ``np.putmask``, ``np.place`` and
# ``np.copyto`` called in per-example code on a traced array, or on a buffer
# (``np.zeros``'s result, a copy): each is one item assignment ``a[...] = new``
# of the whole array (``new`` computed with vmapx.numpy), so the write follows
# the rules of ``x[i] = v`` (batched, through views; JAX's error under ``jit``).


def _cycled(values, n):
    """``values`` repeated (flat) to ``n`` entries, as NumPy's ``put`` and
    ``putmask`` repeat a short ``values``."""
    v = jnp.ravel(resolve(values))
    k = v.shape[0]
    if k == n or k == 1:
        return v if k == n else jnp.broadcast_to(v, (n,))
    if k == 0:
        raise ValueError("cannot write from an empty sequence of values")
    return jnp.take(v, np.arange(n) % k)


def _fill_diagonal(a, val, wrap=False):
    shape = a.shape
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) == 2:
        step, end = shape[1] + 1, None if wrap else shape[1] * shape[1]
    else:
        if len(set(shape)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step, end = 1 + int(np.cumprod(shape[:-1]).sum()), None
    flat = np.arange(int(np.prod(shape)))[:end:step]
    a[np.unravel_index(flat, shape)] = _cycled(val, len(flat))


def _put(a, ind, v, mode="raise"):
    ind = np.asarray(resolve(ind)).ravel()   # positions are concrete (a traced one splits)
    size = int(np.prod(a.shape))
    if mode == "wrap":
        ind = ind % size
    elif mode == "clip":
        ind = np.clip(ind, 0, size - 1)
    elif ind.size and (ind.max() >= size or ind.min() < -size):
        bad = ind[(ind >= size) | (ind < -size)][0]
        raise IndexError(f"index {bad} is out of bounds for axis 0 with size {size}")
    if ind.size:
        a[np.unravel_index(ind % size, a.shape)] = _cycled(v, ind.size)


def _putmask(a, mask, values):
    n = int(np.prod(a.shape))
    full = jnp.reshape(_cycled(values, n), a.shape)   # values by flat position
    a[...] = jnp.where(resolve(mask), full, resolve(a))


def _place(arr, mask, vals):
    mask = jnp.asarray(resolve(mask))
    flat = jnp.ravel(mask)
    v = jnp.ravel(resolve(vals))
    if v.shape[0] == 0:
        if bool(jnp.any(flat)):
            raise ValueError("Cannot insert from an empty array!")
        return
    # the k-th True position takes vals[k % len(vals)]
    k = (jnp.cumsum(flat) - 1) % v.shape[0]
    full = jnp.reshape(jnp.take(v, k), arr.shape)
    arr[...] = jnp.where(mask, full, resolve(arr))


def _copyto(dst, src, casting="same_kind", where=True):
    src = resolve(src)
    if where is True:
        dst[...] = jnp.broadcast_to(src, dst.shape)
    else:
        dst[...] = jnp.where(resolve(where), src, resolve(dst))


def _put_along_axis(arr, indices, values, axis):
    arr[...] = jnp.put_along_axis(resolve(arr), resolve(indices), resolve(values), axis,
                                  inplace=False)


_AT_METHODS = {np.add: "add", np.multiply: "multiply", np.minimum: "min", np.maximum: "max"}


def ufunc_at(ufunc, a, indices, b=None):
    """``ufunc.at(a, indices, b)`` into a traced array or a buffer: NumPy's
    unbuffered update (repeated indices all apply) is ``.at[indices]``'s, then
    one item assignment of the whole array."""
    current = jnp.asarray(resolve(a))
    b = resolve(b)
    if ufunc is np.subtract:
        new = current.at[indices].add(jnp.negative(b))
    elif ufunc in _AT_METHODS:
        new = getattr(current.at[indices], _AT_METHODS[ufunc])(b)
    else:
        raise TypeError(f"numpy.{ufunc.__name__}.at on a traced array is not supported by "
                        "vmapx (add, subtract, multiply, minimum and maximum are)")
    a[...] = new


def write_outputs(outs, results):
    """``results`` written into the traced arrays / buffers ``outs`` (a ufunc's or
    a NumPy function's ``out=`` in per-example code), which are returned."""
    results = results if isinstance(results, tuple) else (results,)
    for o, r in zip(outs, results, strict=True):
        o[...] = r
    return outs if len(outs) > 1 else outs[0]


def is_box(x) -> bool:
    """A value per-example code may write into: a traced array of an eager vmap,
    or a buffer."""
    return type(x) is Buffer or (isinstance(x, Tracer) and splittable(x))


IN_PLACE_FUNCTIONS = {np.fill_diagonal: _fill_diagonal, np.put: _put, np.putmask: _putmask,
                      np.place: _place, np.copyto: _copyto, np.put_along_axis: _put_along_axis}
"""NumPy functions that write into their first argument, and how a traced
array or a buffer takes the write (``interop`` and ``Buffer`` dispatch here)."""


def resolve(x):
    """A ``Buffer`` as the value it stands for; anything else as it is (lists too)."""
    if type(x) is Buffer:
        return x.resolve()
    if type(x) in (list, tuple):
        return type(x)(resolve(v) for v in x)
    return x


def _eager_traced(x) -> bool:
    if isinstance(x, Tracer):
        return splittable(x)
    if type(x) is Buffer:
        return x.__dict__["_traced"] is not None
    if type(x) in (list, tuple):
        return any(_eager_traced(v) for v in x)
    return False


def _has_tracer(x) -> bool:
    if isinstance(x, Tracer):
        return True
    if type(x) is Buffer:
        return x.__dict__["_traced"] is not None
    if type(x) in (list, tuple):
        return any(_has_tracer(v) for v in x)
    return False
