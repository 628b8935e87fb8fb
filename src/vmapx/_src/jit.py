"""``jit``: trace once per input signature, then run a flat list of NumPy calls.

A jitted function is staged to a jaxpr the first time it sees an input
signature (pytree structure, shapes, dtypes, weak types, static argument
values); the jaxpr is cached in a bounded LRU cache.  Before running, the
jaxpr is simplified: nested ``jit`` calls are inlined, common subexpressions
are shared and dead equations removed (constants were already folded while
tracing), and intermediates are released after their last use.  The first
calls interpret the jaxpr; once a program has run often enough to pay for it
(``COMPILE_WORK``) it runs as generated Python source that calls each
primitive's NumPy implementation directly, with parameters bound as closure
constants.  Large temporaries of a compiled program are taken from the buffer
pool (``_src/pool.py``).  With the optional Numba backend (``_src/fused``,
option ``vmapx_jit_backend``), fusible regions and batched ``while`` loops are
swapped for native kernels (docs/fused-jit.md).

``jit`` is also a primitive, ``jit_p``, holding the ``ClosedJaxpr``: applied
to traced values it composes with the other transforms (its batching rule
batches the jaxpr once per batch dims and caches the result; its JVP rule
evaluates the jaxpr under the JVP trace, so reverse mode sees through it).
"""
from __future__ import annotations

import functools
import inspect
import threading
import weakref

import numpy as np

from . import fused, inputs, pool, stages, tree as tu
from .caches import LRUCache, register
from .core import Primitive, Tracer, unaliased
from .jnp.array import Array, plain
from .errors import ConcretizationTypeError, api_boundary
from .staging import (batch_jaxpr, ClosedJaxpr, Eqn, eval_jaxpr, flatten_fun_trace,
                      hoist_tracer_consts, Literal, ShapeDtypeStruct, Var)
from .autodiff import jvp_flat

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

EFFECTFUL: set = set()
"""Primitives run for their side effects (debug callbacks): their equations are
never removed as dead code nor merged as common subexpressions."""


# ----------------------------------------------------------------- jit_p


def _jit_impl(*args, jaxpr, name=None):
    return runner(jaxpr, name or "jitted")(*args)


def _jit_abstract(*avals, jaxpr, name=None):
    return jaxpr.out_avals


def _jit_batch(axis, vals, dims, *, jaxpr, name=None):
    batched, out_dims = batch_jaxpr(jaxpr, dims, axis)
    return jit_p.bind(*vals, jaxpr=batched, name=name), list(out_dims)


def _jit_jvp(primals, tangents, *, jaxpr, name=None):
    """Evaluate the jaxpr under a JVP trace: the primitives it holds are
    differentiated one by one, so reverse mode's partial evaluation and
    transposition see through ``jit``."""
    return jvp_flat(lambda xs: eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *xs), list(primals),
                    list(tangents))


jit_p = Primitive("jit", _jit_impl, abstract=_jit_abstract, batch=_jit_batch, jvp=_jit_jvp,
                  multiple_results=True)


# ------------------------------------------------------ simplification


def simplify(closed: ClosedJaxpr):
    """Inline nested ``jit`` calls, share common subexpressions, drop dead code.

    Returns the program ``(constvars, consts, invars, eqns, outvars)``.
    """
    constvars = list(closed.jaxpr.constvars)
    consts = list(closed.consts)
    eqns: list = []
    seen: dict = {}
    sub: dict = {}   # var -> var or literal it stands for (Literals hash by identity)

    def go(jaxpr, rename):
        for eqn in jaxpr.eqns:
            ins = [sub.get(v, v) for v in eqn.invars]
            prim = eqn.prim
            if prim is jit_p:
                inner = eqn.params["jaxpr"]
                for cv, c in zip(inner.jaxpr.constvars, inner.consts, strict=True):
                    nv = sub[cv] = Var(cv.aval)
                    constvars.append(nv)
                    consts.append(c)
                for iv, a in zip(inner.jaxpr.invars, ins, strict=True):
                    sub[iv] = a
                go(inner.jaxpr, True)
                for ov, io in zip(eqn.outvars, inner.jaxpr.outvars, strict=True):
                    sub[ov] = sub.get(io, io)
                continue
            key = [prim]
            for v in ins:
                key.append(("L", type(v.val), v.val) if type(v) is Literal else v)
            if eqn.params:
                key.extend(eqn.params.items())
            try:
                key = tuple(key)
                prev = seen.get(key) if prim not in EFFECTFUL else None
            except TypeError:
                key = prev = None
            if prev is not None:
                for ov, pv in zip(eqn.outvars, prev, strict=True):
                    sub[ov] = pv
                continue
            if rename:
                outs = [Var(v.aval) for v in eqn.outvars]
                for ov, nv in zip(eqn.outvars, outs, strict=True):
                    sub[ov] = nv
            else:
                outs = eqn.outvars
            if key is not None:
                seen[key] = outs
            eqns.append(Eqn(prim, ins, outs, eqn.params))

    go(closed.jaxpr, False)
    outvars = [sub.get(v, v) for v in closed.jaxpr.outvars]
    # dead code elimination
    live = {v for v in outvars if type(v) is Var}
    kept = []
    for eqn in reversed(eqns):
        for v in (eqn.outvars if eqn.prim not in EFFECTFUL else eqn.outvars + [None]):
            if v in live or v is None:
                kept.append(eqn)
                live.update(v for v in eqn.invars if type(v) is Var)
                break
    kept.reverse()
    used = [(cv, c) for cv, c in zip(constvars, consts, strict=True) if cv in live]
    return ([cv for cv, _ in used], [c for _, c in used], list(closed.jaxpr.invars), kept,
            outvars)


# ------------------------------------------------------------ execution

def _finish(x, sources):
    """A result handed to the user: a writeable ``vmapx.Array`` that shares memory with
    none of ``sources`` (the program's inputs and constants).  Views (``x.T``,
    ``x[0]``, reshapes, an input returned as is) are copied only when they do
    overlap a source; fresh arrays (``base`` is None) pass after an identity
    check, so the common case costs a few attribute reads."""
    return _fresh(x, sources).view(Array)


def _fresh(x, sources):
    if type(x) is not np.ndarray:
        if isinstance(x, np.ndarray):
            x = x.view(np.ndarray)
        else:
            return np.asarray(x)
    if not x.flags.writeable:
        return x.copy()
    return unaliased(x, sources)


def _view(x):
    """A fresh output array as a ``vmapx.Array`` (no copy)."""
    return x.view(Array)


def _needs_finish(outvars, invars, constvars, owned):
    """Per output: ``None`` (an array the program allocated: as is), ``'copy'``
    (an input or a constant: never hand it out) or ``'finish'`` (may be a NumPy
    scalar, a read-only array or a view of an input: see ``_finish``)."""
    need = []
    ins = set(invars) | set(constvars)
    for v in outvars:
        if type(v) is Literal:
            need.append("finish")
        elif v in ins:
            need.append("copy")
        elif v in owned:
            need.append(None)
        else:
            need.append("finish")
    return need


def _copy(x):
    return np.array(x, copy=True).view(Array)


def _dying(eqns, outvars):
    """Per equation, the intermediates used for the last time there (or never
    used): released right after it, so large temporaries do not pile up (as
    in hand-written NumPy code, where they die as expressions complete)."""
    keep = {v for v in outvars if type(v) is Var}
    last = {}
    for k, e in enumerate(eqns):
        for v in e.outvars:
            last[v] = k
        for v in e.invars:
            if type(v) is Var and v in last:
                last[v] = k
    dying = [[] for _ in eqns]
    for v, k in last.items():
        if v not in keep:
            dying[k].append(v)
    return dying


def evaluate(closed: ClosedJaxpr, args, finish: bool = True):
    """Run ``closed`` on concrete arrays by walking its equations, with no
    set-up cost: this is how a program runs before it is compiled.  One
    backward pass finds the live equations (dead code is skipped) and the last
    use of each intermediate (released right after it)."""
    j = closed.jaxpr
    env = dict(zip(j.constvars, closed.consts, strict=True))
    env.update(zip(j.invars, args, strict=True))
    needed = set(j.outvars)
    live = []
    for e in reversed(j.eqns):
        for v in e.outvars:
            if v in needed:
                break
        else:
            if e.prim not in EFFECTFUL:
                continue
        dead = []
        for v in e.invars:
            if v not in needed and type(v) is Var:
                needed.add(v)
                dead.append(v)
        live.append((e, dead))
    for e, dead in reversed(live):
        vals = [env[v] if type(v) is Var else v.val for v in e.invars]
        prim = e.prim
        r = prim.impl(*vals, **e.params) if e.params else prim.impl(*vals)
        del vals
        if prim.multiple_results:
            env.update(zip(e.outvars, r, strict=True))
        else:
            env[e.outvars[0]] = r
        for v in dead:
            env[v] = None
    outs = [v.val if type(v) is Literal else env[v] for v in j.outvars]
    if not finish:
        return outs
    sources = (*args, *closed.consts)
    return [_finish(o, sources) for o in outs]


def _is_ufunc_eqn(eqn):
    return eqn.prim.elementwise and not eqn.params and isinstance(eqn.prim.impl, np.ufunc)


_NO_ALIAS_READERS = frozenset({"while", "scan"})
"""Primitives whose results never alias their operands (loops copy a carry
that comes back unchanged), so they may read pooled buffers."""


def _poolable_vars(eqns, outvars):
    """Intermediates that may live in a pooled buffer: big enough, not a
    result, and read only by ufuncs or fused kernels (which never return a
    view of an operand), so the buffer cannot outlive the value."""
    results = {v for v in outvars if type(v) is Var}
    readers_ok: dict = {}
    for e in eqns:
        ok = _is_ufunc_eqn(e) or getattr(e.prim, "accepts_out", False) or \
            e.prim.name in _NO_ALIAS_READERS
        for v in e.invars:
            if type(v) is Var:
                readers_ok[v] = readers_ok.get(v, True) and ok
    out = set()
    for e in eqns:
        if not (_is_ufunc_eqn(e) or getattr(e.prim, "accepts_out", False)):
            continue
        for v in e.outvars:
            a = v.aval
            if v not in results and readers_ok.get(v, True) and a.shape and \
                    pool.poolable(a.shape, a.dtype):
                out.add(v)
    return out


def compile_program(program, name="jitted", finish=True):
    """Generate and exec Python source running ``program``: one line per equation."""
    constvars, consts, invars, eqns, outvars = program
    closure: dict = {}
    names: dict = {}
    by_id: dict = {}

    def const(val, prefix):
        k = (prefix, id(val))
        n = by_id.get(k)
        if n is None:
            n = by_id[k] = f"{prefix}{len(by_id)}"
            closure[n] = val
        return n

    def ref(v):
        if type(v) is Literal:
            return const(v.val, "l")
        return names[v]

    for i, v in enumerate(invars):
        names[v] = f"a{i}"
    for v, c in zip(constvars, consts, strict=True):
        names[v] = const(c, "c")
    lines = []
    k = 0
    owned = set()  # intermediates whose buffers the program allocated (ufunc results)
    pooled = set()  # intermediates written into a buffer of the pool (given back when dead)
    poolable = _poolable_vars(eqns, outvars)
    for eqn, dead in zip(eqns, _dying(eqns, outvars), strict=True):
        for v in eqn.outvars:
            names[v] = f"v{k}"
            k += 1
        fn = const(eqn.prim.impl, "f")
        args = [ref(v) for v in eqn.invars]
        args += [f"{p}={const(val, 'p')}" for p, val in eqn.params.items()]
        moved = None
        if _is_ufunc_eqn(eqn):
            out_var = eqn.outvars[0]
            out_aval = out_var.aval
            # Write into an operand's buffer when this is its last use and the
            # program owns it (a fresh ufunc result): XLA-style buffer reuse, which
            # saves an allocation and, for big arrays, the page faults of fresh memory.
            for v in dead:
                if v in owned and v in eqn.invars and v.aval.shape == out_aval.shape \
                        and v.aval.dtype == out_aval.dtype:
                    args.append(f"out={names[v]}")
                    moved = v
                    if v in pooled and out_var in poolable:
                        pooled.add(out_var)
                    break
            else:
                if out_var in poolable:   # a pooled buffer, mapped already
                    args.append(f"out=_take(*{const((out_aval.shape, out_aval.dtype), 'k')})")
                    pooled.add(out_var)
            if out_aval.shape:
                owned.add(out_var)
        elif getattr(eqn.prim, "accepts_out", False):
            bufs = []
            for v in eqn.outvars:
                if v in poolable:
                    bufs.append(f"_take(*{const((v.aval.shape, v.aval.dtype), 'k')})")
                    pooled.add(v)
                else:
                    bufs.append("None")
            if eqn.outvars and any(b != "None" for b in bufs):
                args.append(f"out=({', '.join(bufs)},)")
        lhs = ", ".join(names[v] for v in eqn.outvars)
        if eqn.prim.multiple_results:
            lhs = lhs + "," if eqn.outvars else "_"
        lines.append(f"        {lhs} = {fn}({', '.join(args)})")
        for v in dead:
            if v in pooled and v is not moved:
                lines.append(f"        _give({names[v]})")
        if dead:
            lines.append(f"        del {', '.join(names[v] for v in dead)}")
    outs = []
    sources = "(" + "".join(f"{names[v]}, " for v in invars) + "".join(
        f"{names[v]}, " for v, c in zip(constvars, consts, strict=True)
        if isinstance(c, np.ndarray)) + ")"
    for v, n in zip(outvars, _needs_finish(outvars, invars, constvars, owned), strict=True):
        if not finish:
            outs.append(ref(v))
        elif n is None:
            outs.append(f"_view({ref(v)})")
        elif n == "copy":
            outs.append(f"_copy({ref(v)})")
        else:
            outs.append(f"_finish({ref(v)}, {sources})")
    closure["_finish"] = _finish
    closure["_copy"] = _copy
    closure["_view"] = _view
    closure["_take"] = pool.take
    closure["_give"] = pool.give
    params = ", ".join(names[v] for v in invars)
    body = "\n".join(lines)
    src = (f"def _make({', '.join(closure)}):\n"
           f"    def {_identifier(name)}({params}):\n"
           f"{body}\n"
           f"        return [{', '.join(outs)}]\n"
           f"    return {_identifier(name)}\n")
    ns: dict = {}
    exec(compile(src, f"<vmapx.jit {name}>", "exec"), ns)
    fn = ns["_make"](**closure)
    fn.__source__ = src
    return fn


def _identifier(name):
    s = "".join(c if c.isalnum() or c == "_" else "_" for c in str(name))
    return s if s and not s[0].isdigit() else f"f_{s}"


COMPILE_AFTER = 2
COMPILE_WORK = 256
COMPILE_NOW_BYTES = 1 << 20
"""A program is interpreted for its first calls and compiled to Python source
once it has been called ``COMPILE_AFTER`` times and has evaluated about
``COMPILE_WORK`` equations (compiling costs about that many interpreted
equations, so short loop bodies run a few times are never compiled).  A
program with an array of ``COMPILE_NOW_BYTES`` or more is compiled at once."""


def runner(closed: ClosedJaxpr, name="jitted", *, finish: bool = True):
    """The function running ``closed`` on concrete arrays (``list`` out).

    The jaxpr is interpreted as traced for its first calls; then (see
    ``COMPILE_WORK``) it is simplified (``simplify``) and compiled to Python
    source.  With
    ``finish`` (for results handed to the user) outputs are writeable arrays
    that alias no input; without it (bodies of loops) they are returned as is.
    """
    key = "run" if finish else "run_raw"
    run = closed.cache.get(key)
    if run is not None:
        return run
    count = [0]
    calls_needed = max(COMPILE_AFTER, -(-COMPILE_WORK // max(len(closed.jaxpr.eqns), 1)))
    if fused.largest_bytes(closed.jaxpr.eqns) >= COMPILE_NOW_BYTES:
        # Big arrays: compiling costs nothing next to the work, and the compiled
        # program takes its temporaries from the buffer pool (no fresh pages).
        return _install(closed, key, compile_program(simplify(closed), name, finish), name)

    def tiered(*args):
        count[0] += 1
        if count[0] >= calls_needed:
            run = compile_program(simplify(closed), name, finish)
            with fused.LOCK:   # unless the native program was swapped in meanwhile
                if closed.cache.get(key) is tiered:
                    closed.cache[key] = run
        return evaluate(closed, args, finish)

    return _install(closed, key, tiered, name)


def _install(closed, key, run, name):
    """Make ``run`` the runner of ``closed`` and offer the program to the
    native backend, which may replace it now or later (``fused.start``)."""
    finish = key == "run"

    def compile_native(min_size):
        program = fused.regions.fuse(simplify(closed), min_size)
        return None if program is None else compile_program(program, name, finish)

    closed.cache[key] = run
    native = fused.start(closed, key, compile_native)
    if native is not None:
        closed.cache[key] = native
        return native
    return run


def native_while(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    """The ``while`` loop as one fused native kernel (see ``fused.while_runner``)
    or ``None``: then it runs on the NumPy path."""
    return fused.while_runner(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts, simplify)


def native_scan(jaxpr, num_consts, num_carry, length, nxs):
    """A ``scan`` without ``xs`` or ``ys`` (``fori_loop``) as one fused native
    kernel (see ``fused.scan_runner``) or ``None``."""
    return fused.scan_runner(jaxpr, num_consts, num_carry, length, nxs, simplify)


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
        for i in static_argnums:
            if not -len(positional) <= i < len(positional):
                raise ValueError(f"Jitted function has static_argnums={tuple(static_argnums)}, "
                                 f"but only accepts {len(positional)} positional arguments.")
        nums = {i % len(positional) for i in nums}   # resolved against the signature
    for i, p in enumerate(positional):
        if i in nums or i - len(positional) in nums:
            if p.kind == p.POSITIONAL_OR_KEYWORD:
                names.add(p.name)
        if p.name in names:
            nums.add(i)
    return tuple(sorted(nums)), tuple(sorted(names)), sig


def _validate_argnames(params, argnames):
    """JAX's checks: static argnames must name parameters that can be passed
    by keyword (any name when the function takes ``**kwargs``)."""
    keyword = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    invalid = {p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL)}
    if bad := invalid & set(argnames):
        raise ValueError(f"Jitted function has invalid argnames {bad} in static_argnames. "
                         "These are positional-only")
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return
    if bad := set(argnames) - keyword:
        raise ValueError(f"Jitted function has invalid argnames {bad} in static_argnames. "
                         "Function does not take these args.")


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
    fname = getattr(fun, "__name__", type(fun).__name__)
    cache = _trace_cache(fun, (nums, names))
    fast = not nums and not names

    def trace(dyn_args, kwargs, static_vals):
        _validate_args(dyn_args, kwargs, fun)   # once per signature: not on cache hits

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
                    closed, out_tree = trace(args, {}, ())
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
                outs = (closed.cache.get("run") or runner(closed, fname))(*args)
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
            outs = runner(closed, fname)(*leaves)
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


def _validate_args(dyn_args, kwargs, fun):
    """JAX's errors for arguments it cannot trace: Python ints outside int64
    (OverflowError) and arrays of non-numeric dtypes (TypeError)."""
    leaves = tu.tree_leaves((dyn_args, kwargs))
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
