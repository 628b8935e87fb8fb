"""NumPy's conversion functions, ``math`` and ``scipy.stats.norm`` on traced values.

``np.asarray``, ``np.array`` and ``math.sqrt`` have no dispatch hook: they
call ``__array__`` / ``__float__`` on a traced value, which must hand back a
concrete value.  Per-example code uses them on batched values all the time
(``np.asarray(x)``, ``np.array([w, x, y, z])``, ``math.sqrt(v)``), and a
concrete value per example would split the batch into single examples.

So, while at least one eager ``vmap`` call runs in the process, the module
attributes ``numpy.asarray``, ``numpy.array``, ... ``math.sqrt``, ... (and
``scipy.stats.norm``'s methods, where SciPy's stats are loaded) are replaced by
wrappers.  A wrapper called with a traced value of an eager transform returns
the ``vmapx.numpy`` result (still traced, still batched); called with anything
else, it calls the original with the same arguments, so NumPy's results are
bit-identical in every thread.  The originals are put back when the last such
call returns or raises (a reference count under a lock).  Trade-offs, chosen
knowingly (``docs/per-example-code.md``):

* Code that bound the function before the call (``from numpy import asarray``
  at import time) keeps the original; there the value converts concretely,
  which splits the batch (still correct).
* Other threads see the wrappers during the window: same results, a few
  hundred nanoseconds more per call, and ``np.asarray is`` identity checks
  fail there while it lasts.
* Under ``jit`` (abstract values) the wrappers pass the call on, so JAX's
  errors stand.
"""
from __future__ import annotations

import math
import sys
import threading

import numpy as np

from . import lax_special
from .inplace import Buffer, clear_views, resolve
from .core import Tracer

_lock = threading.Lock()
_active = 0
_installed: list = []   # (module or object, name, original, wrapper) while installed


def _traced(x) -> bool:
    if isinstance(x, Tracer):
        return x.is_concrete()
    if type(x) is Buffer:
        return x.__dict__["_traced"] is not None
    if type(x) in (list, tuple):
        return any(_traced(v) for v in x)
    return False


# ------------------------------------------------------------------ wrappers


def _jnp():
    import vmapx.numpy as jnp
    return jnp


def _numpy_wrappers():
    orig_asarray, orig_array = np.asarray, np.array
    orig_asanyarray, orig_ascontig = np.asanyarray, np.ascontiguousarray
    orig_asfortran = np.asfortranarray

    def asarray(a, dtype=None, *args, **kwargs):
        if _traced(a):
            return _jnp().asarray(resolve(a), dtype=dtype)
        return orig_asarray(a, dtype, *args, **kwargs)

    def array(object, dtype=None, *args, **kwargs):  # noqa: A002
        if _traced(object):
            return _jnp().array(resolve(object), dtype=dtype, ndmin=kwargs.get("ndmin", 0))
        return orig_array(object, dtype, *args, **kwargs)

    def same_layout(orig):
        def convert(a, dtype=None, *args, **kwargs):
            if _traced(a):
                return _jnp().asarray(resolve(a), dtype=dtype)
            return orig(a, dtype, *args, **kwargs)
        return convert

    def buffer(orig):
        def make(*args, **kwargs):
            out = orig(*args, **kwargs)
            if in_eager_vmap() and type(out) is np.ndarray and not sys._getframe(
                    1).f_globals.get("__name__", "").startswith(_LIBRARIES):
                return out.view(Buffer)   # may be filled with traced values (inplace.Buffer)
            return out
        make.__name__ = orig.__name__
        make.__doc__ = orig.__doc__
        return make

    return {"asarray": asarray, "array": array, "asanyarray": same_layout(orig_asanyarray),
            "ascontiguousarray": same_layout(orig_ascontig),
            "asfortranarray": same_layout(orig_asfortran),
            **{name: buffer(getattr(np, name)) for name in _BUFFER_MAKERS}}


_LIBRARIES = ("vmapx.", "numpy.", "scipy.")
"""Buffers go to the user's code only: these libraries' own calls get plain arrays."""

_BUFFER_MAKERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                  "full_like")


def _as_double(x):
    jnp = _jnp()
    x = jnp.asarray(x)
    return x.astype(np.float64) if x.dtype != np.float64 else x


def _math_wrappers():
    """``math`` functions on traced values: the matching ufunc, computed in double
    precision as ``math`` does (results ``float64``; ``floor``/``ceil``/``trunc``
    ``int64``; predicates ``bool``)."""
    jnp = _jnp()
    unary = {"sqrt": jnp.sqrt, "exp": jnp.exp, "expm1": jnp.expm1, "log10": jnp.log10,
             "log2": jnp.log2, "log1p": jnp.log1p, "sin": jnp.sin, "cos": jnp.cos,
             "tan": jnp.tan, "asin": jnp.arcsin, "acos": jnp.arccos, "atan": jnp.arctan,
             "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh, "asinh": jnp.arcsinh,
             "acosh": jnp.arccosh, "atanh": jnp.arctanh, "fabs": jnp.abs,
             "degrees": jnp.degrees, "radians": jnp.radians, "cbrt": jnp.cbrt,
             "exp2": jnp.exp2, "erf": lax_special.erf, "erfc": lax_special.erfc,
             "lgamma": lax_special.lgamma,
             "isnan": jnp.isnan, "isinf": jnp.isinf, "isfinite": jnp.isfinite}
    to_int = {"floor": jnp.floor, "ceil": jnp.ceil, "trunc": jnp.trunc}
    binary = {"atan2": jnp.arctan2, "pow": jnp.power, "copysign": jnp.copysign,
              "fmod": jnp.fmod, "remainder": None}
    out = {}

    def wrap_unary(name, fn):
        orig = getattr(math, name)

        def w(x):
            if _traced(x):
                return fn(_as_double(x))
            return orig(x)
        return w

    def wrap_int(name, fn):
        orig = getattr(math, name)

        def w(x):
            if _traced(x):
                return fn(_as_double(x)).astype(np.int64)
            return orig(x)
        return w

    def wrap_binary(name, fn):
        orig = getattr(math, name)

        def w(x, y):
            if _traced(x) or _traced(y):
                return fn(_as_double(x), _as_double(y))
            return orig(x, y)
        return w

    for name, fn in unary.items():
        if hasattr(math, name):
            out[name] = wrap_unary(name, fn)
    for name, fn in to_int.items():
        out[name] = wrap_int(name, fn)
    for name, fn in binary.items():
        if fn is not None:
            out[name] = wrap_binary(name, fn)

    orig_log, orig_hypot, orig_isclose = math.log, math.hypot, math.isclose

    def log(x, *base):
        if _traced(x) or _traced(base):
            r = jnp.log(_as_double(x))
            return r / jnp.log(_as_double(base[0])) if base else r
        return orig_log(x, *base)

    def hypot(*xs):
        if _traced(xs):
            return jnp.sqrt(sum(_as_double(x) ** 2 for x in xs))
        return orig_hypot(*xs)

    def isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0):
        if _traced(a) or _traced(b):
            a, b = _as_double(a), _as_double(b)
            tol = jnp.maximum(rel_tol * jnp.maximum(jnp.abs(a), jnp.abs(b)), abs_tol)
            return (a == b) | (jnp.abs(a - b) <= tol)
        return orig_isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)

    out.update(log=log, hypot=hypot, isclose=isclose)
    return out


_NORM_METHODS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")


def _norm_wrappers(norm):
    from ..scipy.stats import norm as ours
    out = {}
    for name in _NORM_METHODS:
        orig = getattr(norm, name)
        fn = getattr(ours, name)

        def w(x, *args, _orig=orig, _fn=fn, **kwargs):
            if _traced(x) or _traced(args) or _traced(tuple(kwargs.values())):
                return _fn(x, *args, **kwargs)
            return _orig(x, *args, **kwargs)
        out[name] = w
    return out


_tables = {}


def _targets():
    """``(namespace dict, wrappers, originals)`` for each target to patch now."""
    if not _tables:
        for key, obj, wrappers in (("numpy", np, _numpy_wrappers()),
                                   ("math", math, _math_wrappers())):
            _tables[key] = (obj.__dict__, wrappers, {k: obj.__dict__[k] for k in wrappers})
    targets = [_tables["numpy"], _tables["math"]]
    stats = sys.modules.get("scipy.stats")
    if stats is not None and hasattr(stats, "norm"):
        if "norm" not in _tables:
            norm = stats.norm   # an instance: its own attributes shadow the methods
            _tables["norm"] = (norm.__dict__, _norm_wrappers(norm),
                               {k: norm.__dict__[k] for k in _NORM_METHODS
                                if k in norm.__dict__})
        targets.append(_tables["norm"])
    return targets


_thread = threading.local()


def in_eager_vmap() -> bool:
    """Whether this thread runs inside an eager, non-strict vmap call."""
    return getattr(_thread, "depth", 0) > 0


def enter():
    """A traced call that may convert traced values begins: wrappers in place."""
    global _active
    _thread.depth = getattr(_thread, "depth", 0) + 1
    with _lock:
        if _active == 0:
            for ns, wrappers, _ in _targets():
                ns.update(wrappers)
                _installed.append((ns, wrappers))
        _active += 1


def exit_():
    """The call returned or raised: the last one out puts the originals back
    (unless somebody else replaced a function meanwhile)."""
    global _active
    _thread.depth -= 1
    if _thread.depth == 0:
        clear_views()
    with _lock:
        _active -= 1
        if _active == 0:
            for ns, wrappers in _installed:
                originals = next(t[2] for t in _tables.values() if t[1] is wrappers)
                for name, w in wrappers.items():
                    if ns.get(name) is w:
                        if name in originals:
                            ns[name] = originals[name]
                        else:
                            del ns[name]
            _installed.clear()
