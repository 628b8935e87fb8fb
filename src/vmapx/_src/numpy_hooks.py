"""NumPy's conversion functions, ``math`` and ``scipy.stats.norm`` on traced values.

``np.asarray``, ``np.array`` and ``math.sqrt`` have no dispatch hook: they
call ``__array__`` / ``__float__`` on a traced value, which must hand back a
concrete value.  Per-example code uses them on batched values all the time
(``np.asarray(x)``, ``np.array([w, x, y, z])``, ``math.sqrt(v)``), and a
concrete value per example would split the batch into single examples.

So, while at least one eager ``vmap`` call that may use them runs in the
process (``needs`` finds which), the module attributes ``numpy.asarray``,
``numpy.array``, ``numpy.zeros``, ... ``math.sqrt``, ... (and
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

import itertools
import linecache
import math
import sys
import threading

import numpy as np

from . import concrete, lax_special, numpy_api as jnp, numpy_linalg_errors, scipy_norm
from .inplace import Buffer, clear_views, resolve
from .caches import LRUCache, register
from .core import Tracer
from .errors import instruction_position
from .jnp import dtypes as _dt
from .jnp.array import Array

_lock = threading.Lock()
_active = concrete.HOOKS_ACTIVE   # table key -> the calls in the process using its wrappers


def _traced(x) -> bool:
    if isinstance(x, Tracer):
        return x.is_concrete()
    if type(x) is Buffer:
        return x.__dict__["_traced"] is not None
    if type(x) in (list, tuple):
        return any(_traced(v) for v in x)
    return False


# ------------------------------------------------------------------ wrappers


def _numpy_rules(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with NumPy's promotion (``dtypes.numpy_semantics``)."""
    token = _dt.numpy_semantics_on()
    try:
        return fn(*args, **kwargs)
    finally:
        _dt.numpy_semantics_off(token)


def _numpy_wrappers():
    orig_asarray, orig_array = np.asarray, np.array
    orig_asanyarray, orig_ascontig = np.asanyarray, np.ascontiguousarray
    orig_asfortran = np.asfortranarray

    # NumPy's functions, so NumPy's dtype rules (``np.array([x_f32, 2.0])`` is float64)
    def asarray(a, dtype=None, *args, **kwargs):
        if _traced(a) and _from_user("asarray"):
            return _numpy_rules(jnp.asarray, resolve(a), dtype=dtype)
        return orig_asarray(a, dtype, *args, **kwargs)

    def array(object, dtype=None, *args, **kwargs):  # noqa: A002
        if _traced(object) and _from_user("array"):
            return _numpy_rules(jnp.array, resolve(object), dtype=dtype,
                                ndmin=kwargs.get("ndmin", 0))
        return orig_array(object, dtype, *args, **kwargs)

    def same_layout(orig):
        def convert(a, dtype=None, *args, **kwargs):
            if _traced(a) and _from_user(orig.__name__):
                return _numpy_rules(jnp.asarray, resolve(a), dtype=dtype)
            return orig(a, dtype, *args, **kwargs)
        return convert

    def buffer(orig):
        def make(*args, **kwargs):
            out = orig(*args, **kwargs)
            # ``np.empty_like(traced)`` reaches vmapx.numpy through NumPy's dispatch
            # and comes back as a (per-example shaped) vmapx.Array
            if in_eager_vmap() and (type(out) is np.ndarray or type(out) is Array) \
                    and _from_user(orig.__name__):
                return out.view(Buffer)   # may be filled with traced values (inplace.Buffer)
            return out
        make.__name__ = orig.__name__
        make.__doc__ = orig.__doc__
        return make

    orig_fromiter = np.fromiter

    def fromiter(iter, dtype, count=-1, *args, **kwargs):  # noqa: A002
        # the items are read once: a list of them, stacked when one is traced
        items = list(iter) if count < 0 else list(itertools.islice(iter, count))
        if count >= 0 and len(items) < count:
            raise ValueError(f"iterator too short: Expected {count} but iterator had only "
                             f"{len(items)} items.")
        if _traced(items) and _from_user("fromiter"):
            return _numpy_rules(jnp.array, resolve(items), dtype=dtype)
        return orig_fromiter(items, dtype, count, *args, **kwargs)

    wrappers = {"asarray": asarray, "array": array, "fromiter": fromiter,
                "asanyarray": same_layout(orig_asanyarray),
                "ascontiguousarray": same_layout(orig_ascontig),
                "asfortranarray": same_layout(orig_asfortran),
                **{name: buffer(getattr(np, name)) for name in _BUFFER_MAKERS}}
    for name, w in wrappers.items():
        w.vmapx_original = getattr(np, name)   # for interop's dispatch table
    return wrappers


_LIBRARIES = ("vmapx.", "numpy.", "scipy.")
"""The libraries whose functions ``needs`` does not scan."""

_LIBRARY_DIRS = ("site-packages", "dist-packages")
_USER_CODE: dict = {}   # code object -> whether it is the user's (bounded below)


def is_user_code(code, module) -> bool:
    """Whether a frame of ``code`` in ``module`` is the user's own code: not
    vmapx, NumPy, SciPy, the standard library or another installed package.
    Traced results and buffers go to the user's code only: libraries' own calls
    (whose C parts need real arrays, and whose Python code may compute wrong
    results on tracers) get NumPy's functions, so a traced value converts
    concretely there (the batch splits, or loops), which is always correct."""
    hit = _USER_CODE.get(code)
    if hit is None:
        top = module.partition(".")[0]
        hit = not (top in ("vmapx", "numpy", "scipy") or top in sys.stdlib_module_names
                   or any(d in code.co_filename for d in _LIBRARY_DIRS))
        if len(_USER_CODE) >= 4096:
            _USER_CODE.clear()
        _USER_CODE[code] = hit
    return hit


def _from_user(name, depth=2) -> bool:
    """Whether the caller of the wrapper of ``name`` (``depth`` frames up) is
    the user's code calling it directly (``calls``)."""
    f = sys._getframe(depth)
    return is_user_code(f.f_code, f.f_globals.get("__name__", "")) and calls(f, name)


def calls(frame, name) -> bool:
    """Whether the call ``frame`` is making names ``name`` (``np.asarray(x)``,
    ``isinstance(x, t)``): else a compiled function (a Cython extension's,
    which has no frame of its own) called from that line is the real caller,
    and it must get NumPy's arrays and types, not tracers (given a tracer
    that claims to be an ``ndarray`` it would read it as one and crash).
    ``True`` when the line's source is unknown (code run from a string)."""
    key = (frame.f_code, frame.f_lasti)
    callee = _CALLEES.get(key)
    if callee is None:
        callee = _callee_at(frame)
        if len(_CALLEES) >= 4096:
            _CALLEES.clear()
        _CALLEES[key] = callee
    return callee == "" or callee == name


_CALLEES: dict = {}   # (code, instruction) -> the name it calls, "" when unknown (bounded)


def _callee_at(frame) -> str:
    """The called name (last dotted part) of the call expression ``frame`` is
    executing, from its source's positions; "" if not known."""
    pos = instruction_position(frame)
    if pos is None:
        return ""
    line, end_line, col, end_col = pos
    lines = linecache.getlines(frame.f_code.co_filename, frame.f_globals)
    if not lines or end_line > len(lines):
        return ""
    parts = [ln.encode() for ln in lines[line - 1:end_line]]   # columns count UTF-8 bytes
    parts[-1] = parts[-1][:end_col]
    parts[0] = parts[0][col:]
    text = b"".join(parts).decode(errors="replace")
    head = text.split("(", 1)[0].strip()
    return head.rsplit(".", 1)[-1].strip() or "?"

_BUFFER_MAKERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                  "full_like")


def _as_double(x):
    x = jnp.asarray(x)
    return x.astype(np.float64) if x.dtype != np.float64 else x


def _math_wrappers():
    """``math`` functions on traced values: the matching ufunc, computed in double
    precision as ``math`` does (results ``float64``; ``floor``/``ceil``/``trunc``
    ``int64``; predicates ``bool``)."""
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


# NumPy's global random state: a draw inside an eager vmap would be made once
# for the whole batch, where the loop over the examples draws once per example
# from the advancing state (different numbers for each). So a draw there runs
# the function as that loop (``concrete.LoopFallback``), whose draws are exactly
# the loop's; under jit (one trace) the draw stays at trace time, as in JAX.
_RANDOM_FUNCTIONS = (
    "random", "random_sample", "ranf", "sample", "rand", "randn", "randint",
    "random_integers", "normal", "standard_normal", "uniform", "choice", "permutation",
    "shuffle", "exponential", "standard_exponential", "gamma", "standard_gamma", "beta",
    "binomial", "poisson", "multinomial", "multivariate_normal", "lognormal", "laplace",
    "logistic", "gumbel", "chisquare", "f", "geometric", "hypergeometric", "pareto", "power",
    "rayleigh", "triangular", "vonmises", "wald", "weibull", "zipf", "dirichlet", "bytes",
    "standard_cauchy", "standard_t", "negative_binomial", "noncentral_chisquare",
    "noncentral_f", "logseries")


def _random_wrappers():
    out = {}
    for name in _RANDOM_FUNCTIONS:
        orig = getattr(np.random, name, None)
        if orig is None:
            continue

        def w(*args, _orig=orig, **kwargs):
            concrete.request_loop("draws from NumPy's global random state", concrete.DRAW_FIX)
            return _orig(*args, **kwargs)
        w.__name__ = w.__qualname__ = name
        w.__doc__ = orig.__doc__
        out[name] = w
    return out


_NORM_METHODS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")


def _at_least_double(v):
    v = resolve(v)
    if isinstance(v, Tracer) or isinstance(v, np.ndarray):
        dt = np.promote_types(v.dtype, np.float64)
        return v if v.dtype == dt else jnp.astype(v, dt)
    return v


def _norm_wrappers(norm):
    out = {}
    for name in _NORM_METHODS:
        orig = getattr(norm, name)
        fn = getattr(scipy_norm, name)

        def w(x, *args, _orig=orig, _fn=fn, **kwargs):
            if _traced(x) or _traced(args) or _traced(tuple(kwargs.values())):
                # SciPy's distributions compute in (at least) float64
                return _fn(*[_at_least_double(v) for v in (x,) + args],
                           **{k: _at_least_double(v) for k, v in kwargs.items()})
            return _orig(x, *args, **kwargs)
        out[name] = w
    return out


# SciPy's Python functions that per-example code calls on traced values, with a
# vmapx counterpart of the same signature and results (``docs/per-example-code.md``):
# name -> the keyword arguments the counterpart takes.  Any other keyword (a newer
# SciPy's) leaves the call to SciPy (the value converts concretely: split or loop).
_CHECK = frozenset(("overwrite_a", "overwrite_b", "check_finite"))
_SCIPY_LINALG = {
    "inv": _CHECK, "det": _CHECK, "expm": frozenset(),
    "solve": _CHECK | {"lower", "assume_a"}, "cholesky": _CHECK | {"lower"},
    "cho_factor": _CHECK | {"lower"}, "cho_solve": _CHECK,
    "solve_triangular": _CHECK | {"trans", "lower", "unit_diagonal"},
    "lu_factor": _CHECK, "lu_solve": _CHECK | {"trans"},
}
_SCIPY_SPECIAL = {"logsumexp": frozenset(("axis", "b", "keepdims", "return_sign")),
                  "softmax": frozenset(("axis",)), "log_softmax": frozenset(("axis",))}
_ASSUME_A = {None: None, "gen": "gen", "general": "gen", "sym": "sym", "symmetric": "sym",
             "her": "her", "hermitian": "her", "pos": "pos", "positive definite": "pos"}


def _raise_where_nonfinite(arrays):
    """SciPy's ``check_finite``: the examples holding inf or NaN raise SciPy's
    ``ValueError`` (the batch splits on it), the others go on."""
    bad = False
    for a in arrays:
        if isinstance(a, Tracer) and _dt.to_inexact(a.dtype).kind in "fc":
            bad = jnp.logical_or(bad, jnp.logical_not(jnp.all(jnp.isfinite(a))))
    if bad is not False and bad:
        raise ValueError("array must not contain infs or NaNs")


SCIPY_COUNTERPARTS: dict = {}
"""``(SciPy module name, function name) -> vmapx's counterpart``, registered by
the public modules ``vmapx.scipy.linalg`` / ``vmapx.scipy.special`` when they
load (with ``import vmapx``): they sit above this layer."""


def register_scipy(module, namespace):
    """Register ``namespace``'s counterparts of SciPy's ``module`` functions that
    per-example code may call on traced values (the names of ``_SCIPY_LINALG`` /
    ``_SCIPY_SPECIAL``).

    >>> register_scipy("scipy.special", {})   # (vmapx.scipy.special registers itself)
    """
    names = _SCIPY_LINALG if module == "scipy.linalg" else _SCIPY_SPECIAL
    SCIPY_COUNTERPARTS.update({(module, n): namespace[n] for n in names if n in namespace})


def _counterpart_applies(orig, accepted, args, kwargs) -> bool:
    """Whether a SciPy wrapper gives the call to vmapx's counterpart: a traced
    argument, only keywords the counterpart takes, and the user's code calling
    ``orig`` itself (the wrapper's caller: three frames up from here)."""
    return ((_traced(args) or _traced(tuple(kwargs.values()))) and kwargs.keys() <= accepted
            and _from_user(orig.__name__, 3))


def _scipy_linalg_wrappers(linalg):
    def make(name, orig, fn, accepted):
        def w(*args, **kwargs):
            if not _counterpart_applies(orig, accepted, args, kwargs) \
                    or kwargs.get("assume_a") not in _ASSUME_A:
                return orig(*args, **kwargs)
            args = resolve(args)
            kwargs = {k: resolve(v) for k, v in kwargs.items()}
            assume_a = _ASSUME_A[kwargs.pop("assume_a", None)]
            if assume_a is not None:
                kwargs["assume_a"] = assume_a
            flat = [x for a in args for x in (a if type(a) is tuple else (a,))]
            if kwargs.get("check_finite", True):
                _raise_where_nonfinite(flat)
            if len(flat) > len(args):   # cho_solve / lu_solve: (factor, ...) never raise
                out = _numpy_rules(fn, *args, **kwargs)
            else:   # LinAlgError where SciPy raises it, per example
                out = _numpy_rules(numpy_linalg_errors.call, orig, fn, tuple(args), kwargs)
            if name == "cho_factor":   # SciPy leaves the other triangle as ``a`` had it
                (c, lower), a = out, jnp.asarray(args[0])
                other = jnp.triu(a, 1) if lower else jnp.tril(a, -1)
                out = ((jnp.tril(c) if lower else jnp.triu(c)) + jnp.astype(other, c.dtype),
                       lower)
            return out
        w.__name__, w.__doc__ = orig.__name__, orig.__doc__
        return w

    return {name: make(name, getattr(linalg, name), SCIPY_COUNTERPARTS[("scipy.linalg", name)],
                       accepted)
            for name, accepted in _SCIPY_LINALG.items()
            if ("scipy.linalg", name) in SCIPY_COUNTERPARTS and hasattr(linalg, name)}


def _scipy_special_wrappers(special):
    def make(orig, fn, accepted):
        def w(*args, **kwargs):
            if not _counterpart_applies(orig, accepted, args, kwargs):
                return orig(*args, **kwargs)
            if len(args) == 2 and accepted == {"axis"}:   # softmax(x, 0): axis by position
                args, kwargs = args[:1], dict(kwargs, axis=args[1])
            return _numpy_rules(fn, *resolve(args), **{k: resolve(v) for k, v in kwargs.items()})
        w.__name__, w.__doc__ = orig.__name__, orig.__doc__
        return w

    return {name: make(getattr(special, name), SCIPY_COUNTERPARTS[("scipy.special", name)],
                       accepted)
            for name, accepted in _SCIPY_SPECIAL.items()
            if ("scipy.special", name) in SCIPY_COUNTERPARTS and hasattr(special, name)}


_tables = {}

_NUMPY_NAMES = frozenset(("asarray", "array", "asanyarray", "ascontiguousarray",
                          "asfortranarray", "fromiter") + _BUFFER_MAKERS)
_MATH_NAMES = frozenset(("math", "sqrt", "exp", "expm1", "log", "log10", "log2", "log1p",
                         "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh",
                         "tanh", "asinh", "acosh", "atanh", "fabs", "degrees", "radians",
                         "cbrt", "exp2", "erf", "erfc", "lgamma", "isnan", "isinf",
                         "isfinite", "floor", "ceil", "trunc", "pow", "copysign", "fmod",
                         "hypot", "isclose"))
_NORM_NAMES = frozenset(("norm", "stats"))
_RANDOM_NAMES = frozenset(_RANDOM_FUNCTIONS)
ALL = ("numpy", "math", "norm", "random")


def _table(obj, wrappers):
    """``(namespace dict, wrappers, originals, names only the wrappers define)``."""
    ns = obj.__dict__
    originals = {k: ns[k] for k in wrappers if k in ns}
    return ns, wrappers, originals, tuple(k for k in wrappers if k not in ns)


GENERATOR = "generator"
"""Not a table: ``needs`` says so when the function draws from a NumPy
``Generator`` / ``RandomState`` made outside it (a global or a closure value),
whose C methods cannot be wrapped: ``vmap`` then runs the call as the loop,
each example drawing from the advancing state as in the loop."""
_GENERATORS = (np.random.Generator, np.random.RandomState)


def _get_table(key):
    """The table ``key`` (built on first use), or ``None`` for SciPy's ``norm``
    while ``scipy.stats`` is not loaded (and for ``GENERATOR``)."""
    if key == GENERATOR:
        return None
    t = _tables.get(key)
    if t is None:
        if key == "numpy":
            t = _table(np, _numpy_wrappers())
        elif key == "math":
            t = _table(math, _math_wrappers())
        elif key == "random":
            t = _table(np.random, _random_wrappers())
        elif key in ("scipy_linalg", "scipy_special"):
            mod = sys.modules.get("scipy." + key[6:])
            if mod is None:
                return None
            make = _scipy_linalg_wrappers if key == "scipy_linalg" else _scipy_special_wrappers
            t = _table(mod, make(mod))
        else:
            stats = sys.modules.get("scipy.stats")
            if stats is None or not hasattr(stats, "norm"):
                return None
            t = _table(stats.norm, _norm_wrappers(stats.norm))  # an instance: own dict
        _tables[key] = t
    return t


def needs(fun) -> tuple:
    """The tables (``'numpy'``, ``'math'``, ``'norm'``, ``'random'``, ``'scipy_linalg'``,
    ``'scipy_special'``, and per module the names bound there by ``from ...
    import``) ``fun`` may call into: the
    names used by its code and by the functions it reaches.  A miss is never
    wrong: the first data conversion it causes retries the call with every
    table (``concrete.RetryWithHooks``).  Skipping the tables a function does
    not use keeps ``vmapx.numpy`` code free of the patching cost."""
    code = getattr(fun, "__code__", None)
    if code is None:
        inner = getattr(fun, "func", None) or getattr(fun, "__func__", None)
        return needs(inner) if inner is not None and inner is not fun else ALL
    # Functions made anew for each call (a function defined in a loop, a lambda
    # per call) share their code: when what the scan reaches is fixed by the code
    # and its module (no closure, defaults or wrapped function, which differ
    # between functions of one code object: ``grad``'s wrapper, say), the answer
    # is remembered per code object and module.
    key = None
    if getattr(fun, "__closure__", None) is None and not getattr(fun, "__defaults__", None) \
            and not getattr(fun, "__kwdefaults__", None) \
            and getattr(fun, "__wrapped__", None) is None:
        key = (code, id(getattr(fun, "__globals__", None)))
        found = _NEEDS.get(key)
        if found is not None:
            return found
    names, mods, bound = set(), set(), {}
    try:
        _collect(fun, names, mods, set(), 0, bound)
    except Exception:  # noqa: BLE001  (an object that fails attribute lookups: assume all)
        return ALL
    found = [_bound_table(globs, frozenset(ns)) for globs, ns in bound.values()]
    found = [k for k in found if k is not None]
    if "numpy" in mods and names & _NUMPY_NAMES:
        found.append("numpy")
    if "math" in mods and names & _MATH_NAMES:
        found.append("math")
    if names & _NORM_NAMES:
        found.append("norm")
    if "numpy" in mods and "random" in names and names & _RANDOM_NAMES:
        found.append("random")
    if GENERATOR in mods:
        found.append(GENERATOR)
    if names & _SCIPY_LINALG.keys() and "scipy.linalg" in sys.modules:
        found.append("scipy_linalg")
    if names & _SCIPY_SPECIAL.keys() and "scipy.special" in sys.modules:
        found.append("scipy_special")
    found = tuple(found)
    if key is not None:
        _NEEDS[key] = found
    return found


_NEEDS = register(LRUCache(1024))


def _module_of(g):
    """``'numpy'`` / ``'math'`` for those modules and their functions."""
    if g is np or g is math:
        return g.__name__
    mod = getattr(g, "__module__", None) or ""
    if mod == "math":
        return "math"
    if (mod == "numpy" or mod.startswith("numpy.")) and not isinstance(g, type):
        return "numpy"
    return None


def _originals():
    """Every wrapped function (NumPy's, ``math``'s, ``numpy.random``'s, SciPy's
    once loaded) by identity: ``{id: (function, wrapper)}``."""
    if len(_ORIGINALS_FROM) < len(_BY_NAME):
        with _lock:
            for key in _BY_NAME:
                t = None if key in _ORIGINALS_FROM else _get_table(key)
                if t is None:
                    continue
                _ORIGINALS_FROM.add(key)
                for name, w in t[1].items():
                    f = t[2].get(name)
                    if f is not None:
                        _ORIGINALS[id(f)] = (f, w)
    return _ORIGINALS


_ORIGINALS: dict = {}
_ORIGINALS_FROM: set = set()
_BY_NAME = ("numpy", "math", "random", "scipy_linalg", "scipy_special")


def _bound_table(globs, names):
    """The key of a table that puts the wrappers in place of the names
    ``names`` of the module dict ``globs``, bound there by ``from numpy import
    asarray`` / ``from math import sqrt`` (module attributes alone would miss
    them); ``None`` past ``_BOUND_MAX`` such tables."""
    key = ("bound", id(globs), names)
    orig = _originals()   # (takes the lock itself while SciPy's tables are missing)
    with _lock:
        if key not in _tables:
            if len(_tables) >= _BOUND_MAX:
                return None
            wrappers = {n: orig[id(globs[n])][1] for n in names
                        if n in globs and id(globs[n]) in orig}
            _tables[key] = (globs, wrappers, {n: globs[n] for n in wrappers}, ())
    return key


_BOUND_MAX = 512


def _collect(fun, names, mods, seen, depth, bound=None):
    """Add the names ``fun`` and what it reaches use: its code's names, the
    functions of its module those names are bound to, and its closure's
    functions; of vmapx's own wrappers (``grad(f)``, ``jit(f)``, ...) only the
    closure, where the user's function is.  ``bound`` collects, per module
    dict, the names bound there to a wrapped function itself (``from math
    import sqrt``)."""
    code = getattr(fun, "__code__", None)
    if code is None or code in seen or depth > 6 or len(seen) > 256:
        return
    originals = _originals() if bound is not None else {}
    seen.add(code)
    if not (getattr(fun, "__module__", None) or "").startswith("vmapx"):
        globs = getattr(fun, "__globals__", {})
        todo = [code]
        while todo:
            c = todo.pop()
            names.update(c.co_names)
            todo.extend(k for k in c.co_consts if hasattr(k, "co_names"))
            for n in c.co_names:
                g = globs.get(n)
                if type(g) in _GENERATORS:
                    mods.add(GENERATOR)
                o = originals.get(id(g))
                if o is not None and o[0] is g:
                    bound.setdefault(id(globs), (globs, set()))[1].add(n)
                m = _module_of(g)
                if m is not None:
                    mods.add(m)
                elif hasattr(g, "__code__") and not (
                        getattr(g, "__module__", None) or "").startswith(_LIBRARIES):
                    _collect(g, names, mods, seen, depth + 1, bound)
    reached = [getattr(fun, "__wrapped__", None)]
    reached += [_cell_value(c) for c in getattr(fun, "__closure__", None) or ()]
    reached += list(getattr(fun, "__defaults__", None) or ())
    reached += list((getattr(fun, "__kwdefaults__", None) or {}).values())
    for v in reached:
        if type(v) in _GENERATORS:
            mods.add(GENERATOR)
        m = _module_of(v)
        if m is not None:
            mods.add(m)
        elif hasattr(v, "__code__"):
            _collect(v, names, mods, seen, depth + 1, bound)
        elif hasattr(v, "func"):   # functools.partial
            _collect(v.func, names, mods, seen, depth + 1, bound)


def _cell_value(cell):
    try:
        return cell.cell_contents
    except ValueError:   # an empty cell
        return None


_thread = threading.local()


RetryWithHooks = concrete.RetryWithHooks


def in_eager_vmap() -> bool:
    """Whether this thread runs inside an eager, non-strict vmap call."""
    return getattr(_thread, "depth", 0) > 0


class plain_thread:
    """While the loop over a vmap's examples runs with no trace around it, this
    thread is not in an eager vmap: NumPy's buffer makers give plain arrays
    (not ``inplace.Buffer``s, whose every index checks for tracers), so the
    loop runs at NumPy's speed."""

    def __enter__(self):
        self.depth = getattr(_thread, "depth", 0)
        _thread.depth = 0

    def __exit__(self, *exc):
        _thread.depth = self.depth


def enter(keys=ALL):
    """A traced call that may convert traced values begins: the wrappers of the
    tables ``keys`` in place (``needs(fun)`` says which)."""
    _thread.depth = getattr(_thread, "depth", 0) + 1
    if keys:
        with _lock:
            for key in keys:
                n = _active.get(key, 0)
                if n == 0:
                    t = _get_table(key)
                    if t is None:
                        continue
                    t[0].update(t[1])
                _active[key] = n + 1


def exit_(keys=ALL):
    """The call returned or raised: the last one out of a table puts its
    originals back (a name somebody else replaced meanwhile is left as set)."""
    depth = _thread.depth = _thread.depth - 1
    if depth == 0:
        clear_views()
    if keys:
        with _lock:
            for key in keys:
                n = _active.get(key, 0)
                if n == 0:
                    continue   # never installed (SciPy's stats were not loaded)
                _active[key] = n - 1
                if n == 1:
                    _uninstall(_tables[key])


def _uninstall(table):
    ns, wrappers, originals, added = table
    if ns.items() >= wrappers.items():   # all still ours: the common case
        ns.update(originals)
        for k in added:
            del ns[k]
        return
    for name, w in wrappers.items():
        if ns.get(name) is w:
            if name in originals:
                ns[name] = originals[name]
            else:
                del ns[name]
