"""The array type that ``vmapx.numpy``'s constructors return.

``Array`` is a NumPy ``ndarray`` (it prints and computes like one) that adds what
JAX code expects of a ``jnp`` array: ``x.at[idx].set(v)`` (and the other
functional updates) and indexing with traced indices, so
``jnp.zeros(n).at[label].set(1.0)`` and ``jnp.eye(k)[labels]`` work inside
``vmap``, ``grad`` and ``jit``.  Every array vmapx hands out is an ``Array``:
results leaving a transform (``core.finish_output``), ``random``'s samples,
``vmapx.numpy``'s constructors.  NumPy's subclass propagation keeps it one:
``Array`` mixed with plain ndarrays in ufuncs, operators, methods and
reductions gives an ``Array`` (0-d for full reductions, as NumPy does for
subclasses).  Inside transforms, tracers hold plain ndarrays (the batching
trace drops the subclass), so the fast paths see only ``np.ndarray``.
"""
from __future__ import annotations

import functools
import types

import numpy as np

from .. import fperrors, inputs
from ..errors import ShapeError
from ..core import Tracer, register_result_type
from ..devices import CPU as _CPU


def _ddof(ddof, correction):
    if correction is np._NoValue:
        return ddof
    if ddof != 0:
        raise ValueError("ddof and correction can't be provided simultaneously.")
    return correction


class _ArrayMeta(type):
    """``isinstance(x, vmapx.Array)`` holds for every array value, as
    ``isinstance(x, jax.Array)`` does in JAX: NumPy arrays (what transforms
    return) and tracers (what a function sees inside one)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, (np.ndarray, Tracer))


class Array(np.ndarray, metaclass=_ArrayMeta):
    """A NumPy array with JAX's ``.at`` updates and traced indexing.

    As ``jax.Array`` is for JAX values, ``vmapx.Array`` is the type to check
    against: ``isinstance`` holds for every NumPy array and every tracer.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> jnp.zeros(3).at[1].set(5.0)
    array([0., 5., 0.])
    >>> vmapx.vmap(lambda y: jnp.zeros(4).at[y].set(1.0))(np.array([0, 3]))
    array([[1., 0., 0., 0.],
           [0., 0., 0., 1.]])
    >>> vmapx.vmap(lambda y: jnp.eye(3)[y])(np.array([2, 0]))
    array([[0., 0., 1.],
           [1., 0., 0.]])
    >>> isinstance(vmapx.vmap(lambda x: x * 2)(np.ones(2)), vmapx.Array)
    True
    >>> x = vmapx.random.normal(vmapx.random.PRNGKey(0), (3,)) + np.ones(3)
    >>> type(x).__name__, x.at[0].set(0.0)
    ('Array', array([0.        , 0.21523422, 2.81608667]))
    >>> a = jnp.array([10, 20]); b = a; b += 10    # a new array, as in JAX
    >>> a, b
    (array([10, 20]), array([20, 30]))
    """
    # NumPy's default priority (0.0): mixed with plain ndarrays, the subclass wins.

    def __repr__(self):
        return repr(self.view(np.ndarray))

    # Augmented assignment makes a new array, as for JAX's immutable arrays:
    # ``y = x; y += 1`` leaves ``x`` as it was (JAX programs rely on it), and
    # the result takes the promoted dtype (``int`` array ``+= 0.5`` is a float
    # array). Item assignment (``x[i] = v``) still writes in place.
    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """As ``numpy.ndarray.astype``, except that floats cast to an integer type
        as in JAX: saturating at the type's bounds, NaN to 0 (NumPy's values
        there are undefined).

        >>> import numpy as np, vmapx.numpy as jnp
        >>> jnp.array([np.nan, 300.0, -2.5]).astype(np.int8)
        array([   0,  127,   -2], dtype=int8)
        """
        dt = np.dtype(dtype)
        if dt.kind in "iu" and casting == "unsafe" and inputs.kind(self.dtype) in "fc":
            return inputs.float_to_int(self.view(np.ndarray), dt).view(type(self))
        return super().astype(dtype, order=order, casting=casting, subok=subok, copy=copy)

    def __iadd__(self, other):
        return self + other

    def __isub__(self, other):
        return self - other

    def __imul__(self, other):
        return self * other

    def __itruediv__(self, other):
        return self / other

    def __ifloordiv__(self, other):
        return self // other

    def __imod__(self, other):
        return self % other

    def __ipow__(self, other):
        return self ** other

    def __imatmul__(self, other):
        return self @ other

    def __iand__(self, other):
        return self & other

    def __ior__(self, other):
        return self | other

    def __ixor__(self, other):
        return self ^ other

    def __ilshift__(self, other):
        return self << other

    def __irshift__(self, other):
        return self >> other

    def reshape(self, *shape, **kwargs):
        """As ``ndarray.reshape``; a shape that does not fit raises JAX's error
        (a ``ShapeError``: ``TypeError`` for JAX programs, ``ValueError`` for NumPy's).

        >>> import vmapx.numpy as jnp
        >>> jnp.arange(6).reshape(2, -1).shape
        (2, 3)
        """
        try:
            return np.ndarray.reshape(self, *shape, **kwargs)
        except ValueError:
            given = shape[0] if len(shape) == 1 else shape
            inputs.reshape_target(self.shape, given)   # raises JAX's error when it applies
            raise

    # JAX's extra keywords on ndarray methods; NumPy's own calls (np.argsort, np.var,
    # np.take, ... call these methods on subclasses) keep ndarray's behaviour.  The
    # methods computed with vmapx.numpy (``at``, traced ``[]``, ``argsort``,
    # ``nonzero``, ``take``) are attached by ``jnp/array_methods.py``, in the
    # numpy layer, when it is imported (always, by ``vmapx``).
    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
            mean=np._NoValue, correction=np._NoValue):
        """As ``ndarray.var``; ``correction`` is the array-API name of ``ddof``.

        >>> import vmapx.numpy as jnp
        >>> float(jnp.array([1.0, 3.0]).var(correction=1))
        2.0
        """
        ddof = _ddof(ddof, correction)
        kw = {} if mean is np._NoValue else {"mean": mean}
        return np.ndarray.var(self, axis, dtype, out, ddof, keepdims, where=where, **kw)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
            mean=np._NoValue, correction=np._NoValue):
        """As ``ndarray.std``; ``correction`` is the array-API name of ``ddof``.

        >>> import vmapx.numpy as jnp
        >>> float(jnp.array([1.0, 3.0]).std(correction=1) ** 2)
        2.0
        """
        ddof = _ddof(ddof, correction)
        kw = {} if mean is np._NoValue else {"mean": mean}
        return np.ndarray.std(self, axis, dtype, out, ddof, keepdims, where=where, **kw)

    def ptp(self, axis=None, out=None, keepdims=False):
        """Peak to peak (max - min) along ``axis``, as ``jax.Array.ptp``.

        >>> import vmapx.numpy as jnp
        >>> int(jnp.array([[1, 5], [2, 3]]).ptp())
        4
        """
        return as_array(np.ptp(self.view(np.ndarray), axis, out, keepdims))

    def devices(self):
        """The set of devices holding the array: vmapx's one CPU device.

        >>> import vmapx.numpy as jnp
        >>> jnp.ones(2).devices()
        {CpuDevice(id=0)}
        """
        return {_CPU}

    @property
    def sharding(self):
        """How the array is laid out over devices: all of it on the one CPU device.

        >>> import vmapx.numpy as jnp
        >>> jnp.ones(2).sharding
        SingleDeviceSharding(device=CpuDevice(id=0), memory_kind=device)
        """
        return SingleDeviceSharding(_CPU)

    def block_until_ready(self):
        """The array itself: vmapx computes synchronously.

        >>> import vmapx.numpy as jnp
        >>> jnp.ones(2).block_until_ready()
        array([1., 1.])
        """
        return self


class SingleDeviceSharding:
    """The layout of every vmapx array: one device holds all of it (JAX's name).

    >>> import vmapx
    >>> SingleDeviceSharding(vmapx.devices()[0]).device_set
    {CpuDevice(id=0)}
    """
    __slots__ = ("_device",)

    def __init__(self, device):
        self._device = device

    @property
    def device_set(self):
        return {self._device}

    @property
    def memory_kind(self):
        return "device"

    def __eq__(self, other):
        return isinstance(other, SingleDeviceSharding) and other._device == self._device

    def __hash__(self):
        return hash(self._device)

    def __repr__(self):
        return f"SingleDeviceSharding(device={self._device!r}, memory_kind=device)"


Array.__module__ = "vmapx"
register_result_type(Array)


def as_array(x):
    """``x`` as an ``Array`` when it is a plain ndarray (no copy); else unchanged."""
    if type(x) is np.ndarray:
        return x.view(Array)
    return x


def plain(x):
    """An ``Array`` as a plain ndarray view; anything else unchanged."""
    return x.view(np.ndarray) if type(x) is Array else x


def to_result(out):
    """A public function's concrete result as ``Array``s: an ndarray is viewed
    (no copy), a NumPy scalar becomes a 0-d ``Array``, tuples, lists and named
    tuples are converted item by item; tracers and other values pass."""
    t = type(out)
    if t is np.ndarray:
        return out.view(Array)
    if t is Array or isinstance(out, Tracer):
        return out
    if isinstance(out, np.generic):
        return np.asarray(out).view(Array)
    if t is tuple or t is list:
        return t(to_result(o) for o in out)
    if isinstance(out, tuple) and hasattr(out, "_fields"):
        return t(*(to_result(o) for o in out))
    return out


# Binary operators: NumPy's, with floating-point errors silent (``fperrors``, as
# JAX) and JAX's error for shapes that do not fit (a ``ShapeError``: JAX's
# ``TypeError``, NumPy's ``ValueError``).  ~0.5 µs over ndarray's own operator.
_OPERATOR_NAMES = {  # dunder -> the name JAX's message uses
    "add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "floordiv": "floor_divide",
    "mod": "rem", "pow": "pow", "and": "and", "or": "or", "xor": "xor",
    "lshift": "shift_left", "rshift": "shift_right_arithmetic", "lt": "lt", "le": "le",
    "gt": "gt", "ge": "ge", "eq": "eq", "ne": "ne", "matmul": "dot_general"}


def _shape_error(name, left, right):
    """Raise JAX's error when ``left`` and ``right`` (shapes) do not fit ``name``."""
    if name == "dot_general":
        if len(left) and len(right):
            k_l, k_r = left[-1], right[0 if len(right) == 1 else -2]
            if k_l != k_r:
                raise ShapeError("dot_general requires contracting dimensions to have the "
                                 f"same shape, got {(k_l,)} and {(k_r,)}.")
        return
    inputs.broadcast_shapes(name, left, right)


def _operator(dunder, name, reflected):
    base = getattr(np.ndarray, dunder)
    enter, leave = fperrors.enter, fperrors.leave

    def method(self, other):
        token = enter()
        try:
            return base(self, other)
        except ValueError:
            mine, theirs = self.shape, np.shape(other)
            _shape_error(name, *((theirs, mine) if reflected else (mine, theirs)))
            raise
        finally:
            leave(token)
    method.__name__ = method.__qualname__ = dunder
    return method


for _op, _name in _OPERATOR_NAMES.items():
    setattr(Array, f"__{_op}__", _operator(f"__{_op}__", _name, False))
    if _op not in ("lt", "le", "gt", "ge", "eq", "ne"):
        setattr(Array, f"__r{_op}__", _operator(f"__r{_op}__", _name, True))
del _op, _name


def returning_arrays(fn, namespace=None):
    """``fn`` with its concrete results handed out as ``Array``s (``to_result``),
    run with floating-point errors silent (``fperrors``).

    With ``namespace`` (a module's globals), the wrapper is a function of that
    module, so that tools that look for a module's own functions (``doctest``)
    still find it."""
    def make(wrapped, convert, enter, leave):
        def wrapper(*args, **kwargs):
            token = enter()   # silent floating-point errors, as JAX (``fperrors``)
            try:
                return convert(wrapped(*args, **kwargs))
            finally:
                leave(token)
        return wrapper
    wrapper = make(fn, to_result, fperrors.enter, fperrors.leave)
    if namespace is not None:
        wrapper = types.FunctionType(wrapper.__code__, namespace, fn.__name__, None,
                                     wrapper.__closure__)
    functools.update_wrapper(wrapper, fn)
    wrapper._returns_arrays = True
    return wrapper


def wrap_namespace(namespace: dict, names, own=False):
    """Replace each plain Python function among ``names`` in ``namespace`` (a
    public module's globals) by ``returning_arrays`` of it (``own``: as a
    function of that module).  Functions made by ``make_ufunc`` (marked
    ``_prim``) convert their own results; entry points (``api_boundary``)
    keep their own frame handling and error state."""
    for name in names:
        fn = namespace.get(name)
        if isinstance(fn, types.FunctionType) and not hasattr(fn, "_prim") \
                and not hasattr(fn, "_returns_arrays") and not hasattr(fn, "_api_boundary"):
            namespace[name] = returning_arrays(fn, namespace if own else None)
