"""Which inputs the transforms and ``vmapx.numpy`` accept, checked where values
enter (``vmap``, ``jit``, ``vmapx.numpy`` conversions and elementwise
functions), with JAX's exception types and wording.

Accepted: arrays of boolean, integer, floating and complex dtypes (ml_dtypes'
floating types such as ``bfloat16`` included, read as kind 'f' by ``kind``), NumPy
scalars, Python scalars that fit their 64-bit type.  ``np.matrix`` becomes a
plain 2-d ndarray (as JAX does).  Rejected: object, string, bytes, structured
(void), datetime/timedelta and ml_dtypes' narrow integer (int4...) arrays (``TypeError``), masked arrays
(``ValueError``: the mask would be dropped silently), Python ints outside
int64 (``OverflowError``).
"""
from __future__ import annotations

import operator
import threading
import warnings

import numpy as np

from .errors import ShapeError

VALID_KINDS = "biufc"
"""dtype kinds JAX arrays can have (bool, signed, unsigned, float, complex)."""

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

MASKED_MESSAGE = ("numpy masked arrays are not supported as direct inputs to JAX functions. "
                  "Use arr.filled() to convert the value to a standard numpy array.")


def invalid_dtype(dtype) -> TypeError:
    """JAX's error for an array whose dtype is not numeric."""
    return TypeError(f"Dtype {dtype} is not a valid JAX array type. Only arrays of numeric "
                     "types are supported by JAX.")


def int_overflow(x, path) -> OverflowError:
    """JAX's error for a Python int argument outside int64, at argument ``path``."""
    return OverflowError(
        "An overflow was encountered while parsing an argument to a jitted computation, "
        f"whose argument path is {path}. Got {type(x)} with value {x}")


def int_too_large(x) -> OverflowError:
    """JAX's error for converting a Python int outside int64 to an array."""
    return OverflowError(f"Python int {x} too large to convert to int64")


ML_DTYPES = frozenset((
    "bfloat16", "float8_e3m4", "float8_e4m3", "float8_e4m3fn", "float8_e4m3fnuz",
    "float8_e4m3b11fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "int2", "int4",
    "uint2", "uint4"))
"""ml_dtypes' types (NumPy sees most of them as kind 'V'); ``vmapx.numpy``
names them (``vmapx.numpy.bfloat16``)."""

ML_FLOATS = frozenset(n for n in ML_DTYPES if "float" in n)
"""ml_dtypes' floating types, which vmapx computes with: ml_dtypes gives NumPy
their ufunc loops and casts, and vmapx's dtype logic reads them as kind 'f'
(``kind``).  The narrow integer types (int2/int4/uint2/uint4) stay rejected."""


def kind(dtype) -> str:
    """``dtype.kind``, except 'f' for ml_dtypes' floating types (``bfloat16``,
    the float8 family...), which NumPy reports as kind 'V'.  Callers on hot
    paths test ``dtype.kind`` first and call this only for an unexpected kind.

    >>> kind(np.dtype(np.float32)), kind(np.dtype(np.int8))
    ('f', 'i')
    """
    k = dtype.kind
    if k == "V" and dtype.name in ML_FLOATS:
        return "f"
    return k


def is_ml_float(dtype) -> bool:
    """Whether ``dtype`` is one of ml_dtypes' floating types (by name: no import).

    >>> is_ml_float(np.dtype(np.float16))
    False
    """
    return dtype.name in ML_FLOATS


def is_inexact(dtype) -> bool:
    """Whether ``dtype`` is floating or complex, ml_dtypes' floats included.

    >>> is_inexact(np.dtype(np.complex64)), is_inexact(np.dtype(np.int32))
    (True, False)
    """
    return dtype.kind in "fc" or dtype.name in ML_FLOATS


def float_to_int(x, dtype):
    """A float (or complex: its real part) value cast to the integer ``dtype`` as
    XLA casts, so as JAX: truncated toward zero, saturating at the type's bounds,
    NaN to 0.  NumPy's own cast is undefined there (platform garbage and an
    "invalid value encountered in cast" warning).

    >>> float_to_int(np.array([np.nan, 1e10, -2.7, np.inf]), np.dtype(np.int32))
    array([          0,  2147483647,          -2,  2147483647], dtype=int32)
    """
    scalar = isinstance(x, np.generic)
    x = np.asarray(x)
    if x.dtype.kind == "c":
        x = x.real
    info = np.iinfo(dtype)
    lo, hi = x.dtype.type(info.min), x.dtype.type(info.max)
    with np.errstate(invalid="ignore", over="ignore"):
        out = x.astype(dtype)
        inside = (x > lo) & (x < hi)      # False for NaN and at / beyond the bounds
    if not inside.all():
        out = np.where(inside, out, np.where(x > 0, info.max, info.min)).astype(dtype)
        out[np.isnan(x)] = 0
    return out[()] if scalar else out


def reject_dtype(dtype):
    """Raise JAX's error for a dtype of kind outside ``VALID_KINDS``, unless it
    is one of ml_dtypes' floating types, which vmapx computes with (then it
    returns); for ml_dtypes' narrow integers, say that vmapx does not compute
    with them."""
    if dtype.name in ML_FLOATS:
        return
    if dtype.name in ML_DTYPES:
        raise TypeError(f"Dtype {dtype} is not supported by vmapx, which computes with "
                        "NumPy's own types and ml_dtypes' floating types: convert to int8 "
                        "(x.astype(np.int8)).")
    raise invalid_dtype(dtype)


def is_valid_dtype(dtype) -> bool:
    return dtype.kind in VALID_KINDS or dtype.name in ML_FLOATS


def fits_int64(x: int) -> bool:
    return INT64_MIN <= x <= INT64_MAX


def plain_input(x):
    """An ndarray subclass as the array JAX would see: ``np.matrix`` and other
    subclasses as a plain ndarray view; masked arrays raise (JAX's ValueError)."""
    if isinstance(x, np.ma.MaskedArray):
        raise ValueError(MASKED_MESSAGE)
    return x.view(np.ndarray)


def check_value(x, path="x"):
    """Raise JAX's error when ``x`` (an argument at ``path``) is not a valid
    input; return it, as a plain ndarray when it was an ndarray subclass."""
    t = type(x)
    if t is int:
        if not fits_int64(x):
            raise int_overflow(x, path)
        return x
    if isinstance(x, np.ndarray):
        if t is not np.ndarray:
            x = plain_input(x)
        if x.dtype.kind not in VALID_KINDS:
            reject_dtype(x.dtype)
        return x
    if isinstance(x, np.generic) and x.dtype.kind not in VALID_KINDS:
        reject_dtype(x.dtype)
    return x


def check_python_ints(obj):
    """Raise JAX's OverflowError for a Python int outside int64 anywhere in a
    (nested) list or tuple about to become an array."""
    if type(obj) is int:
        if not fits_int64(obj):
            raise OverflowError("Python int too large to convert to C long")
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            check_python_ints(o)


RANK_PROMOTION = ["allow"]
"""``jax_numpy_rank_promotion`` set with ``config.update``: ``'allow'``,
``'warn'`` or ``'raise'`` (a thread's ``numpy_rank_promotion(...)`` scope wins,
``RANK_SCOPE``)."""


class _RankScope(threading.local):
    mode = None          # this thread's scoped mode; None: the global one


RANK_SCOPE = _RankScope()
RANK_CHECK = [False]
"""Whether any rank check can apply: the global mode is not ``'allow'`` or some
thread is inside a scope. The numpy layer's functions read only this flag when
nobody asked for checks."""
_scopes_open = [0]
_scope_lock = threading.Lock()


def set_rank_promotion(mode):
    """Set the global mode (``config.update``)."""
    with _scope_lock:
        RANK_PROMOTION[0] = mode
        RANK_CHECK[0] = mode != "allow" or _scopes_open[0] > 0


def enter_rank_scope(mode):
    """This thread uses ``mode`` until ``exit_rank_scope(previous)``; returns
    the thread's previous scoped mode."""
    with _scope_lock:
        previous = RANK_SCOPE.mode
        RANK_SCOPE.mode = mode
        _scopes_open[0] += 1
        RANK_CHECK[0] = True
    return previous


def exit_rank_scope(previous):
    with _scope_lock:
        RANK_SCOPE.mode = previous
        _scopes_open[0] -= 1
        RANK_CHECK[0] = RANK_PROMOTION[0] != "allow" or _scopes_open[0] > 0


def rank_mode() -> str:
    """This thread's rank promotion mode."""
    mode = RANK_SCOPE.mode
    return RANK_PROMOTION[0] if mode is None else mode


_RANK_DOC = "https://docs.jax.dev/en/latest/rank_promotion_warning.html"


def check_rank_promotion(fun_name, shapes):
    """JAX's ``jax_numpy_rank_promotion`` rule for ``fun_name`` on operands of
    ``shapes``: broadcasting operands of different non-zero ranks warns or
    raises ``ValueError`` (scalars broadcast freely). Called only when the
    option may not be ``'allow'`` (``RANK_CHECK``)."""
    ranks = {len(s) for s in shapes if len(s)}
    if len(ranks) < 2:
        return
    mode = rank_mode()
    shown = " ".join(str(tuple(s)) for s in shapes)
    if mode == "warn":
        warnings.warn(f"Following NumPy automatic rank promotion for {fun_name} on shapes "
                      f"{shown}. Set the jax_numpy_rank_promotion config option to 'allow' "
                      f"to disable this warning; for more information, see {_RANK_DOC}.",
                      stacklevel=3)
    elif mode == "raise":
        raise ValueError(f"Operands could not be broadcast together for {fun_name} on shapes "
                         f"{shown} and with the config option "
                         f"jax_numpy_rank_promotion='raise'. For more information, see "
                         f"{_RANK_DOC}.")


def check_vectorize_rank_promotion(shapes, core_ranks, signature):
    """The same rule for ``vectorize``: the loop (non-core) ranks of the
    non-scalar operands must agree."""
    ranks = {len(s) - c for s, c in zip(shapes, core_ranks, strict=True) if len(s)}
    if len(ranks) < 2:
        return
    message = (f"operands with shapes {[tuple(s) for s in shapes]} require rank promotion for "
               f"jnp.vectorize function with signature {signature}. Set the "
               f"jax_numpy_rank_promotion config option to 'allow' to disable this message; "
               f"for more information, see {_RANK_DOC}.")
    mode = rank_mode()
    if mode == "warn":
        warnings.warn(message, stacklevel=3)
    elif mode == "raise":
        raise ValueError(message)


def broadcast_shapes(name, *shapes) -> tuple:
    """The shape ``shapes`` broadcast to, or JAX's error for shapes that do not
    broadcast (a ``ShapeError``: JAX's ``TypeError`` and NumPy's ``ValueError``
    at once), naming the operation ``name``.

    >>> broadcast_shapes("add", (3, 1), (4,))
    (3, 4)
    """
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        if len({len(s) for s in shapes}) > 1:   # JAX's numpy layer, before rank promotion
            raise ShapeError("Incompatible shapes for broadcasting: shapes="
                             f"{[tuple(s) for s in shapes]}") from None
        raise ShapeError(f"{name} got incompatible shapes for broadcasting: "   # lax's
                         f"{', '.join(str(tuple(s)) for s in shapes)}.") from None


def reshape_target(old, given) -> tuple:
    """The shape ``reshape(a of shape old, given)`` makes (``-1`` resolved), or
    JAX's error for one it cannot (a ``ShapeError``: JAX's ``TypeError`` and
    NumPy's ``ValueError`` at once).  ``given`` is an int or a sequence, shown in
    the message as the caller gave it.

    >>> reshape_target((2, 3), (-1, 2))
    (3, 2)
    """
    shape = ((operator.index(given),) if np.ndim(given) == 0 else   # 6, np.int64(6), array(6)
             tuple(operator.index(s) for s in given))
    total = int(np.prod(old, dtype=np.int64))
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
        if shape.count(-1) > 1:
            raise ShapeError("can only specify one unknown axis size with a `-1` value, got "
                             f"{given}")
        if known == 0 or total % known:
            raise ShapeError(f"cannot reshape array of shape {tuple(old)} (size {total}) into "
                             f"shape {given} because the product of specified axis sizes "
                             f"({known}) does not evenly divide {total}")
        shape = tuple(total // known if s == -1 else s for s in shape)
    size = int(np.prod(shape, dtype=np.int64))
    if size != total:
        raise ShapeError(f"cannot reshape array of shape {tuple(old)} (size {total}) into shape "
                         f"{given} (size {size})")
    return shape
