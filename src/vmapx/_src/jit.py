"""``jit``: trace once per input signature, then run a flat list of NumPy calls.

A jitted function is staged to a jaxpr the first time it sees an input
signature (pytree structure, shapes, dtypes, weak types, static argument
values); the jaxpr is cached in a bounded LRU cache shared by every ``jit``
of the same function.  This module is the user-facing wrapper: the trace
cache, static arguments, JAX's argument checks and errors, and
``disable_jit``'s switch.  What runs a traced program (``jit_p``,
simplification, interpretation and compilation to Python source, the
native backend's hand-off) is in ``jit_program.py``.
"""
from __future__ import annotations

import functools
import inspect
import logging
import threading
import weakref

import numpy as np

from . import fperrors, inputs, monitoring, profiler, stages, tree as tu
from .caches import LRUCache, register
from .core import current_trace, EvalTrace, get_aval, Tracer
from .jnp.array import Array, plain
from .errors import ConcretizationTypeError, api_boundary, user_frame_summary
from .staging import hoist_tracer_consts
from .staging_api import flatten_fun_trace, ShapeDtypeStruct
from .jit_program import evaluate, jit_p, runner

CACHE_SIZE = 4096
"""Traced signatures kept per jitted function (least recently used dropped)."""

DISABLED = False
"""Process-wide: when true, jitted functions call the Python function directly
(config option ``jax_disable_jit``).  ``vmapx.disable_jit()`` overrides it in
its own thread only (``_local.disabled``), as JAX's context manager does."""


class _Local(threading.local):
    disabled = None   # this thread's ``disable_jit`` setting; None: use DISABLED


_local = _Local()


def jit_disabled() -> bool:
    """Whether jitted functions run their Python code in this thread."""
    d = _local.disabled
    return DISABLED if d is None else d


# ------------------------------------------------------------------ jit()


def _sig_of(leaves):
    """The signature part of a cache key, and whether a leaf is a tracer."""
    sig = []
    has_tracer = False
    for x in leaves:
        t = type(x)
        if t is np.ndarray:
            sig.append(x.shape)
            sig.append(x.dtype)
        elif t is float or t is int or t is bool or t is complex:
            sig.append(t)
        elif isinstance(x, Tracer):
            a = x.aval
            sig.append(a.shape)
            sig.append((a.dtype, a.weak_type))
            has_tracer = True
        elif isinstance(x, np.generic):
            sig.append(())
            sig.append(x.dtype)
        else:
            return None, False
    return sig, has_tracer


def _static_names(fun, static_argnums, static_argnames):
    try:
        sig = inspect.signature(fun)
    except (TypeError, ValueError):
        return static_argnums, static_argnames, None
    params = list(sig.parameters.values())
    _validate_argnames(params, static_argnames)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    has_var = any(p.kind == p.VAR_POSITIONAL for p in params)
    nums = set(static_argnums)
    names = set(static_argnames)
    if not has_var:
        _validate_argnums(positional, static_argnums)
        nums = {i % len(positional) for i in nums}   # resolved against the signature
    for i, p in enumerate(positional):
        if i in nums or i - len(positional) in nums:
            if p.kind == p.POSITIONAL_OR_KEYWORD:
                names.add(p.name)
        if p.name in names:
            nums.add(i)
    return tuple(sorted(nums)), tuple(sorted(names)), sig


def _validate_argnums(positional, argnums, what="static_argnums"):
    """JAX's check: argument numbers must be those of positional parameters."""
    for i in argnums:
        if not -len(positional) <= i < len(positional):
            raise ValueError(f"Jitted function has {what}={tuple(argnums)}, "
                             f"but only accepts {len(positional)} positional arguments.")


def _validate_argnames(params, argnames, what="static_argnames"):
    """JAX's checks: static (or donated) argnames must name parameters that can
    be passed by keyword (any name when the function takes ``**kwargs``)."""
    keyword = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    invalid = {p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL)}
    if bad := invalid & set(argnames):
        raise ValueError(f"Jitted function has invalid argnames {bad} in {what}. "
                         "These are positional-only")
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return
    if bad := set(argnames) - keyword:
        raise ValueError(f"Jitted function has invalid argnames {bad} in {what}. "
                         "Function does not take these args.")


def _validate_donation(fun, donate_argnums, donate_argnames):
    """``donate_argnums`` / ``donate_argnames`` checked as JAX checks them
    (vmapx never reuses an input's memory, so donation has no other effect)."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not any(p.kind == p.VAR_POSITIONAL for p in params):
        _validate_argnums(positional, donate_argnums, "donate_argnums")
    _validate_argnames(params, donate_argnames, "donate_argnames")


def _as_tuple(x, what):
    if x is None:
        return ()
    if isinstance(x, (int, str)):
        return (x,)
    return tuple(x)


def jit(fun=None, /, *, static_argnums=None, static_argnames=None, donate_argnums=None,
        donate_argnames=None, keep_unused=False, device=None, backend=None, inline=False,
        in_shardings=None, out_shardings=None, compiler_options=None):
    """Trace ``fun`` once per input signature and run it as a flat NumPy program.

    The signature is the arguments' pytree structure, shapes, dtypes and weak
    types plus the values of the static arguments (``static_argnums`` /
    ``static_argnames``, which must be hashable).  ``donate_argnums`` and the
    device options are accepted and ignored.  Usable as a decorator, also as
    ``@jit(static_argnums=...)``.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> @vmapx.jit
    ... def f(x, y):
    ...     return jnp.sin(x) * y + 1.0
    >>> f(np.zeros(3), 2.0)
    array([1., 1., 1.])
    >>> g = vmapx.jit(lambda x, n: x ** n, static_argnums=1)
    >>> g(np.arange(3.0), 2)
    array([0., 1., 4.])
    """
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate_argnums=donate_argnums,
                                 donate_argnames=donate_argnames, keep_unused=keep_unused,
                                 device=device, backend=backend, inline=inline)
    if not callable(fun):
        raise TypeError(f"Expected a callable value, got {fun!r}")
    nums = _as_tuple(static_argnums, "static_argnums")
    names = _as_tuple(static_argnames, "static_argnames")
    if nums or names:
        nums, names, _ = _static_names(fun, nums, names)
    if donate_argnums is not None or donate_argnames is not None:
        _validate_donation(fun, _as_tuple(donate_argnums, "donate_argnums"),
                           _as_tuple(donate_argnames, "donate_argnames"))
    fname = getattr(fun, "__name__", type(fun).__name__)
    cache = _trace_cache(fun, (nums, names))
    fast = not nums and not names

    def trace(dyn_args, kwargs, static_vals, flat=False):
        _validate_args(dyn_args, kwargs, fun, flat)   # once per signature: not on cache hits
        if EXPLAIN_CACHE_MISSES[0] and cache:
            _explain_miss(fun, fname, cache, dyn_args, kwargs, static_vals)

        def call(*a, **kw):
            if static_vals:
                it = iter(a)
                full = []
                pos_static = dict(static_vals[0])
                for i in range(len(a) + len(pos_static)):
                    full.append(pos_static[i] if i in pos_static else next(it))
                kw = dict(kw, **dict(static_vals[1]))
                return fun(*full, **kw)
            return fun(*a, **kw)
        try:
            if monitoring.LISTENING and type(current_trace()) is EvalTrace:
                # JAX's tracing event, outside any other transformation
                with monitoring.elapsed(monitoring.JAXPR_TRACE_EVENT, fname):
                    return flatten_fun_trace(call, dyn_args, kwargs, origin=fun)
            return flatten_fun_trace(call, dyn_args, kwargs, origin=fun)
        except ConcretizationTypeError as e:
            _add_tracing_note(e, fun, fname)
            raise

    @api_boundary
    def jitted(*args, **kwargs):
        if jit_disabled():   # (a module function: jitted functions stay picklable for Dask)
            return fun(*args, **kwargs)
        if fast and not kwargs:
            # Positional arrays and scalars only: the key needs no pytree flattening.
            key = [len(args)]
            views = False
            for x in args:
                t = type(x)
                if t is np.ndarray or t is Array:
                    key.append(x.shape)
                    key.append(x.dtype)
                    views = views or t is Array
                elif t is float or t is int or t is bool or t is complex:
                    key.append(t)
                elif isinstance(x, np.generic):  # same signature as a 0-d array
                    key.append(())
                    key.append(x.dtype)
                else:
                    break
            else:
                if views:  # vmapx.numpy's Array: the program sees plain ndarrays
                    args = tuple(plain(x) for x in args)
                key = tuple(key)
                entry = cache.get(key)
                if entry is None:
                    closed, out_tree = trace(args, {}, (), flat=True)
                    closed, extra = hoist_tracer_consts(closed)
                    if extra:
                        outs = jit_p.bind(*extra, *args, jaxpr=closed, name=fname)
                        return tu.tree_unflatten(out_tree, outs)
                    entry = (closed, None if out_tree.is_leaf() else out_tree)
                    cache[key] = entry
                else:
                    try:
                        cache.move_to_end(key)
                    except KeyError:  # cleared meanwhile by another thread
                        pass
                closed, out_tree = entry
                outs = _run(closed, fname, args)
                return outs[0] if out_tree is None else tu.tree_unflatten(out_tree, outs)
        if fast:
            dyn_args, static_vals = args, ()
        else:
            dyn_args, kwargs, static_vals = _split_static(args, kwargs, nums, names, fname)
        leaves, treedef = tu.tree_flatten((dyn_args, kwargs))
        sig, has_tracer = _sig_of(leaves)
        if sig is None:
            leaves = _check_leaves(leaves, treedef, dyn_args, kwargs, fun)
            sig, has_tracer = _sig_of(leaves)
        key = (treedef, static_vals, *sig)
        entry = cache.get(key)
        if entry is not None:
            try:
                cache.move_to_end(key)
            except KeyError:  # cleared meanwhile by another thread
                pass
            closed, out_tree = entry
            extra = ()
        else:
            closed, out_tree = trace(dyn_args, kwargs, static_vals)
            closed, extra = hoist_tracer_consts(closed)
            if not extra:
                cache[key] = (closed, out_tree)
        if extra or has_tracer:
            outs = jit_p.bind(*extra, *leaves, jaxpr=closed, name=fname)
        else:
            outs = _run(closed, fname, leaves)
        return tu.tree_unflatten(out_tree, outs)

    def stage(*args, **kwargs):
        """``jitted.trace(*args, **kwargs)``: the ahead-of-time ``Traced`` stage."""
        dyn_args, dyn_kwargs, static_vals = _split_static(args, kwargs, nums, names, fname)
        leaves, in_tree = tu.tree_flatten((dyn_args, dyn_kwargs))
        _check_leaves(leaves, in_tree, dyn_args, dyn_kwargs, fun, abstract_ok=True)
        closed, out_tree = trace(dyn_args, dyn_kwargs, static_vals)
        if closed.has_tracer_consts():
            raise TypeError(f"jit({fname}).trace/lower: the function closes over a traced "
                            f"value of an enclosing transformation; lower it outside that "
                            f"transformation")
        static = {i for i, _ in static_vals[0]}
        return stages.Traced(fun, static, fname, closed, in_tree, out_tree,
                             lambda *xs: runner(closed, fname)(*xs))

    functools.update_wrapper(jitted, fun)
    jitted.trace = stage
    jitted.lower = lambda *args, **kwargs: stage(*args, **kwargs).lower()
    jitted.eval_shape = lambda *args, **kwargs: stage(*args, **kwargs).out_info
    jitted._cache_size = lambda: len(cache)
    jitted._jaxprs = lambda: [entry[0] for entry in cache.values()]
    jitted.clear_cache = cache.clear
    jitted._fun = fun
    return jitted


_shared_caches: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


EXPLAIN_CACHE_MISSES = [False]
"""``jax_explain_cache_misses`` (set by ``config``): log why a jitted function
traces again."""
_miss_log = logging.getLogger("vmapx")


def _explain_miss(fun, fname, cache, dyn_args, kwargs, static_vals):
    """Log (WARNING, logger ``vmapx``) why ``fun`` traces again: the call site,
    where ``fun`` is defined, and its arguments' types or static values now and
    at the most recent trace, as JAX's ``jax_explain_cache_misses`` does."""
    closed, _ = next(reversed(cache.values()))
    leaves = tu.tree_leaves((dyn_args, kwargs))
    now = ", ".join(str(get_aval(x)) for x in leaves)
    before = ", ".join(str(a) for a in closed.in_avals)
    code = getattr(fun, "__code__", None)
    where = f"{code.co_filename}:{code.co_firstlineno}" if code is not None else "?"
    why = (f"argument types now ({now}), at the previous trace ({before})" if now != before
           else f"static arguments or the argument structure differ (static: {static_vals})")
    _miss_log.warning("TRACING CACHE MISS at %s (%s) because:\n  for %s defined at %s\n  %s "
                      "(%d earlier traces kept)", user_frame_summary(), fname, fname, where,
                      why, len(cache))


def _run(closed, fname, args):
    """Run the program silently (floating-point errors give NaN / inf, as in
    JAX); under ``debug_nans`` / ``debug_infs`` check the results and rerun
    operation by operation to raise at the culprit (``fperrors``).  While a
    profiler trace is active, the run is one of its events (``jit(f)``)."""
    session = profiler.SESSION
    if session is None and not fperrors.any_checks():
        # the common case: the entry point (api_boundary) made errors silent
        return (closed.cache.get("run") or runner(closed, fname))(*args)
    start = session.now() if session is not None else 0
    token = fperrors.enter_quiet()
    try:
        outs = (closed.cache.get("run") or runner(closed, fname))(*args)
    finally:
        fperrors.leave(token)
        if session is not None:
            session.add(f"jit({fname})", start, None)
    if fperrors.any_checks():
        fperrors.check_results(outs, lambda: evaluate(closed, args), f"jit({fname})")
    return outs


def _trace_cache(fun, options) -> collections.OrderedDict:
    """The trace cache of ``fun`` jitted with ``options``: shared by every ``jit``
    wrapper of the same function (``jit(f)`` written twice traces once, as in
    JAX), and dropped with the function.  A function that cannot be weakly
    referenced gets a cache of its own wrapper."""
    try:
        with _shared_lock:
            per_fun = _shared_caches.get(fun)
            if per_fun is None:
                per_fun = _shared_caches[fun] = {}
            cache = per_fun.get(options)
            if cache is None:   # bounded; vmapx.clear_caches empties it
                cache = per_fun[options] = register(LRUCache(CACHE_SIZE))
            return cache
    except TypeError:  # not hashable or not weakly referenceable
        return register(LRUCache(CACHE_SIZE))


def _split_static(args, kwargs, nums, names, fname):
    pos_static = []
    dyn = []
    n = len(args)
    for i, a in enumerate(args):
        if i in nums or i - n in nums:
            _check_hashable(a)
            pos_static.append((i, a))
        else:
            dyn.append(a)
    kw_static = []
    if names and kwargs:
        kw = {}
        for k, v in kwargs.items():
            if k in names:
                _check_hashable(v)
                kw_static.append((k, v))
            else:
                kw[k] = v
        kwargs = kw
    return tuple(dyn), kwargs, (tuple(pos_static), tuple(sorted(kw_static)))


def _check_hashable(x):
    try:
        hash(x)
    except TypeError as e:
        raise ValueError(
            "Non-hashable static arguments are not supported. An error occurred while trying "
            f"to hash an object of type {type(x)}, {x}. The error was:\n"
            f"TypeError: {e}\n") from None


def _validate_args(dyn_args, kwargs, fun, flat=False):
    """JAX's errors for arguments it cannot trace: Python ints outside int64
    (OverflowError) and arrays of non-numeric dtypes (TypeError).  ``flat``:
    ``dyn_args`` are already leaves (arrays and scalars) and there are no kwargs."""
    leaves = dyn_args if flat else tu.tree_leaves((dyn_args, kwargs))
    for i, x in enumerate(leaves):
        t = type(x)
        if t is int:
            if inputs.fits_int64(x):
                continue
        elif not isinstance(x, (np.ndarray, np.generic)) or \
                x.dtype.kind in inputs.VALID_KINDS or inputs.is_ml_float(x.dtype):
            continue
        if t is not int and x.dtype.name in inputs.ML_DTYPES:
            inputs.reject_dtype(x.dtype)   # ml_dtypes' narrow integers: say so
        path = tu.tree_flatten_with_path((dyn_args, kwargs))[0][i][0]
        where = _path_name(path, fun)
        if t is int:
            raise inputs.int_overflow(x, where)
        raise TypeError(_not_an_array(fun, x, where))


def _not_an_array(fun, x, where):
    return (f"Error interpreting argument to {fun} as an abstract array. The problematic "
            f"value is of type {type(x)} and was passed to the function at path {where}.\n"
            "This typically means that a jit-wrapped function was called with a non-array "
            "argument, and this argument was not marked as static using the static_argnums "
            "or static_argnames parameters of jax.jit.")


def _check_leaves(leaves, treedef, dyn_args, kwargs, fun, abstract_ok=False):
    out = []
    paths = None
    for i, x in enumerate(leaves):
        if isinstance(x, np.ndarray) and type(x) is not np.ndarray:
            # vmapx.Array (jnp constructors' results), np.matrix; masked arrays raise
            x = inputs.plain_input(x)
        if isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex)) or (
                abstract_ok and type(x) is ShapeDtypeStruct):
            out.append(x)
            continue
        if hasattr(x, "__array__"):
            a = np.asarray(x)
            if a.dtype != object:
                out.append(a)
                continue
        if paths is None:
            paths = [p for p, _ in tu.tree_flatten_with_path((dyn_args, kwargs))[0]]
        raise TypeError(_not_an_array(fun, x, _path_name(paths[i], fun)))
    return out


def _path_name(path, fun):
    try:
        signature = inspect.signature(fun)
    except (TypeError, ValueError):
        signature = None
    kind, rest = path[0].idx, path[1:]
    if kind == 1:  # kwargs
        return f"{rest[0].key}{tu.keystr(rest[1:])}"
    i = rest[0].idx
    if signature is not None:
        params = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if i < len(params):
            return f"{params[i].name}{tu.keystr(rest[1:])}"
    return f"args{tu.keystr(rest)}"


def _add_tracing_note(e, fun, fname):
    if getattr(e, "_vmapx_jit_note", False):
        return
    try:
        code = fun.__code__
        where = f"{fname} at {code.co_filename}:{code.co_firstlineno}"
    except AttributeError:
        where = fname
    note = (f"\nThe error occurred while tracing the function {where} for jit. This "
            "concrete value was not available in Python because it depends on the value of "
            "an argument. Mark arguments that control Python-level behaviour as static "
            "(static_argnums / static_argnames), or use vmapx.lax control flow.")
    if e.args and isinstance(e.args[0], str):
        e.args = (e.args[0] + note,) + e.args[1:]
    e._vmapx_jit_note = True
