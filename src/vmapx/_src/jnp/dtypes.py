"""``vmapx.numpy``'s dtype functions and classes, and the one place where
vmapx decides result dtypes: ``promote`` (JAX's type-promotion lattice with
weak Python scalars, x64 on) and ``to_inexact`` (JAX's rule for functions that
make integers inexact), with ``numpy_semantics`` (NumPy's own rules while NumPy
code runs on traced values).  Also ``result_type``, ``promote_types``,
``can_cast``, ``issubdtype`` (ml_dtypes' floats are floating), ``isdtype`` and
NumPy's abstract and alias dtype classes (``double``, ``character``, ``uint``...).

See docs/dtypes-and-results.md, "Promotion: JAX's lattice".
"""
from __future__ import annotations

import contextvars

import numpy as np
from numpy import (cdouble, csingle, double, single, character, flexible, object_, uint,
                   isdtype)  # noqa: F401

from .. import inputs
from ..batching import BatchTracer as _BatchTracer
from ..staging import StagingTracer as _StagingTracer
from ..core import Tracer, dummy_of
from .array import Array

__all__ = ["result_type", "promote_types", "can_cast", "issubdtype", "cdouble", "csingle",
           "double", "single", "character", "flexible", "object_", "uint", "isdtype"]

# ------------------------------------------------------------ NumPy's semantics

# True while NumPy's own functions run on traced values (``interop`` sets it
# around its dispatch): there the loop over NumPy is the oracle, so
# ``promote`` / ``to_inexact`` answer with NumPy's rules and the ufuncs cast
# nothing.  A context variable, so threads and tasks each have their own.
_NUMPY = contextvars.ContextVar("vmapx_numpy_semantics", default=False)
numpy_semantics = _NUMPY.get


def numpy_semantics_on():
    """Turn NumPy's promotion on; returns the token for ``numpy_semantics_off``."""
    return _NUMPY.set(True)


numpy_semantics_off = _NUMPY.reset

# ------------------------------------------------------------ JAX's lattice (x64)

# The nodes: NumPy dtypes for strongly typed values, and the Python types
# ``int`` / ``float`` / ``complex`` for weakly typed ones (Python scalars and
# traced values standing for them).  Each node lists the nodes just above it;
# the result of promoting several nodes is their least upper bound.  This is
# the lattice of JAX's type-promotion documentation (with x64 on, a weak
# result is the default type of its kind: int64, float64, complex128).
_D = np.dtype
_BF16 = "bfloat16"   # ml_dtypes' type, named: ml_dtypes is imported only if one is seen
_EDGES = {
    _D(bool): [int],
    int: [_D("uint8"), _D("int8")],
    _D("uint8"): [_D("int16"), _D("uint16")],
    _D("uint16"): [_D("int32"), _D("uint32")],
    _D("uint32"): [_D("int64"), _D("uint64")],
    _D("uint64"): [float],
    _D("int8"): [_D("int16")], _D("int16"): [_D("int32")], _D("int32"): [_D("int64")],
    _D("int64"): [float],
    float: [_BF16, _D("float16"), complex],
    _BF16: [_D("float32")], _D("float16"): [_D("float32")],
    _D("float32"): [_D("float64"), _D("complex64")],
    _D("float64"): [_D("complex128")],
    complex: [_D("complex64")],
    _D("complex64"): [_D("complex128")],
    _D("complex128"): [],
}
_WEAK_DEFAULT = {int: _D("int64"), float: _D("float64"), complex: _D("complex128")}


def is_weak_key(k) -> bool:
    """Whether a promotion key is weak (``int``, ``float``, ``complex``).  By
    identity: NumPy dtypes compare equal to Python types (``dtype('int64') == int``)."""
    return k is int or k is float or k is complex


def _uppers():
    out = {}

    def up(n):
        if n not in out:
            s = {n}
            for m in _EDGES[n]:
                s |= up(m)
            out[n] = frozenset(s)
        return out[n]
    for n in _EDGES:
        up(n)
    return out


_UP = _uppers()
_lub_cache: dict = {}


def _node(key):
    """The lattice node of a dtype or Python type (``None``: not in the lattice)."""
    if key in _UP:
        return key
    if getattr(key, "name", None) == _BF16:
        return _BF16
    return None


def _lub(nodes, keys):
    """(dtype, weak) of the least upper bound of ``nodes`` (those of ``keys``)."""
    common = None
    for k in nodes:
        common = _UP[k] if common is None else common & _UP[k]
    for c in common:
        if _UP[c] == common:
            break
    else:  # pragma: no cover - the lattice has a least upper bound for every pair
        raise TypeError(f"no promotion for {nodes}")
    if is_weak_key(c):
        return _WEAK_DEFAULT[c], True
    if c == _BF16:
        c = next(np.dtype(k) for k in keys if getattr(k, "name", None) == _BF16)
    return c, False


def promote_keys(*keys):
    """(dtype, weak): JAX's promotion of operands given as keys (``key_of``):
    NumPy dtypes (strong) and the Python types ``int``, ``float``, ``complex``
    (weak).  Cached; dtypes outside JAX's lattice (ml_dtypes' float8 types) are
    promoted by NumPy, strongly.

    >>> promote_keys(np.dtype('int32'), np.dtype('float32'))
    (dtype('float32'), False)
    >>> promote_keys(np.dtype('int8'), int), promote_keys(int, float)
    ((dtype('int8'), False), (dtype('float64'), True))
    """
    out = _lub_cache.get(keys)
    if out is None:
        nodes = [_node(k) for k in keys]
        if None in nodes:
            args = [{int: 0, float: 0.0, complex: 0j}.get(k, k) for k in keys]
            out = (np.result_type(*args), all(is_weak_key(k) for k in keys))
        else:
            out = _lub(nodes, keys)
        if len(_lub_cache) < 4096:
            _lub_cache[keys] = out
    return out


_WEAK_KIND = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def _aval_key(aval):
    if aval.weak_type:
        w = _WEAK_KIND.get(aval.dtype.kind)
        return _D(bool) if w is bool or w is None else w
    return aval.dtype


def key_of(x):
    """The promotion key of an operand: its dtype, or ``int`` / ``float`` /
    ``complex`` for a weakly typed one (a Python scalar, a weak traced value).
    A Python ``bool`` is strongly typed, as in JAX."""
    t = type(x)
    if t is np.ndarray or t is Array:
        return x.dtype
    if t is _BatchTracer:
        v = x.val
        if type(v) is np.ndarray:   # a batched value (never weak): no aval to build
            return v.dtype
        if type(v) is _StagingTracer:   # vmap under jit: the staged value's aval
            return _aval_key(v._aval)   # (same dtype and weakness), no aval to build
    if t is _StagingTracer:
        return _aval_key(x._aval)
    if t is int or t is float or t is complex:
        return t
    if t is bool:
        return _D(bool)
    if isinstance(x, Tracer):
        return _aval_key(x.aval)
    dt = getattr(x, "dtype", None)
    if isinstance(dt, np.dtype):
        return dt
    return np.asarray(x).dtype


def promote(*dtypes):
    """The dtype JAX (x64) promotes ``dtypes`` to, all strongly typed (NumPy's
    ``result_type`` while NumPy code runs on traced values).

    >>> promote(np.int32, np.float32), promote(np.uint64, np.int64)
    (dtype('float32'), dtype('float64'))
    """
    if _NUMPY.get():
        return np.result_type(*dtypes)
    return promote_keys(*[np.dtype(d) for d in dtypes])[0]


def promote_values(*values):
    """The dtype JAX (x64) promotes ``values`` (arrays, traced values, Python
    scalars, which are weak) to; NumPy's under ``numpy_semantics``.

    >>> promote_values(np.ones(2, np.int8), 3), promote_values(np.ones(2, np.int32), 1.5)
    (dtype('int8'), dtype('float64'))
    """
    if _NUMPY.get():
        return np.result_type(*[_dtype_arg(v) for v in values])
    return promote_keys(*[key_of(v) for v in values])[0]


_TO_INEXACT = {_D(k): _D("float32") for k in
               ("bool", "int8", "uint8", "int16", "uint16", "int32", "uint32")}
_TO_INEXACT.update({_D("int64"): _D("float64"), _D("uint64"): _D("float64")})


def to_inexact(dtype, numpy_default=np.float64):
    """The inexact dtype a function that makes its input inexact (``sqrt``,
    ``mean``, ``divide``...) computes in, as JAX (x64): float and complex
    dtypes stay, bool and integers of up to 32 bits become float32, 64-bit
    integers float64.  Under ``numpy_semantics``, NumPy's promotion with
    ``numpy_default`` for non-inexact dtypes (float64 for ``mean``).

    >>> to_inexact(np.int32), to_inexact(np.int64), to_inexact(np.float16)
    (dtype('float32'), dtype('float64'), dtype('float16'))
    """
    dtype = np.dtype(dtype)
    out = _TO_INEXACT.get(dtype)
    if out is None:
        return dtype
    if _NUMPY.get():
        return np.promote_types(dtype, numpy_default)
    return out


# ------------------------------------------------------------ public functions


def _dtype_arg(x):
    """What NumPy's dtype functions see of ``x``: a traced value by its dtype (a
    weakly typed one as the Python scalar it stands for)."""
    if isinstance(x, Tracer):
        return dummy_of(x.aval) if x.aval.weak_type else x.dtype
    return x


def _result_key(x):
    """``key_of`` for ``result_type``'s arguments, which may also be dtypes,
    dtype names and types (the Python types ``int``, ``float``, ``complex`` are
    weak, as in JAX)."""
    if x is int or x is float or x is complex:
        return x
    if isinstance(x, (np.dtype, str, type)):
        return np.dtype(x)
    return key_of(x)


def result_weak_type(*arrays_and_dtypes):
    """(dtype, weak) of ``result_type``."""
    if not arrays_and_dtypes:
        raise ValueError("at least one array or dtype is required")
    if _NUMPY.get():
        return np.result_type(*[_dtype_arg(x) for x in arrays_and_dtypes]), False
    return promote_keys(*[_result_key(x) for x in arrays_and_dtypes])


def result_type(*arrays_and_dtypes):
    """The dtype JAX's promotion (x64) gives, as ``jax.numpy.result_type``:
    Python scalars and types are weak (traced values too, where weakly typed).

    >>> result_type(np.zeros(2, np.float32), 1.0), result_type(np.int32, np.float32)
    (dtype('float32'), dtype('float32'))
    """
    return result_weak_type(*arrays_and_dtypes)[0]


def promote_types(type1, type2):
    """The dtype two dtypes promote to, as ``jax.numpy.promote_types`` (both
    strongly typed; JAX's lattice, x64).

    >>> promote_types(np.int16, np.float16), promote_types(np.uint64, np.int8)
    (dtype('float16'), dtype('float64'))
    """
    return promote(np.dtype(type1), np.dtype(type2))


def can_cast(from_, to, casting="safe"):
    """Whether a cast is allowed, as ``numpy.can_cast`` (traced values too).

    >>> can_cast(np.zeros(2, np.int32), np.float64)
    True
    """
    return np.can_cast(_dtype_arg(from_), to, casting)


_ML_FLOAT_PARENTS = (np.floating, np.inexact, np.number, np.generic)


def issubdtype(arg1, arg2):
    """Whether ``arg1`` is a sub-dtype of ``arg2``, as ``numpy.issubdtype``, with
    ml_dtypes' floating types (``bfloat16``...) under ``np.floating`` as in JAX.

    >>> issubdtype(np.float32, np.floating), issubdtype(np.int8, np.floating)
    (True, False)
    """
    if arg2 in _ML_FLOAT_PARENTS and not isinstance(arg1, str):
        try:
            if inputs.is_ml_float(np.dtype(arg1)):
                return True
        except TypeError:
            pass
    return bool(np.issubdtype(arg1, arg2))
