"""The programs a jitted function runs: ``jit_p``, simplification, and running
a ``ClosedJaxpr`` on concrete arrays (interpreted, then compiled to Python source).

Before running, a jaxpr is simplified: nested ``jit`` calls are inlined, common
subexpressions are shared and dead equations removed (constants were already
folded while tracing), and intermediates are released after their last use.
The first calls interpret the jaxpr; once a program has run often enough to
pay for it (``COMPILE_WORK``) it runs as generated Python source that calls
each primitive's NumPy implementation directly, with parameters bound as
closure constants.  Large temporaries of a compiled program are taken from the
buffer pool (``_src/pool.py``).  With the optional Numba backend
(``_src/fused``, option ``vmapx_jit_backend``), fusible regions and batched
``while`` loops are swapped for native kernels (docs/fused-jit.md).

``jit`` is also a primitive, ``jit_p``, holding the ``ClosedJaxpr``: applied
to traced values it composes with the other transforms (its batching rule
batches the jaxpr once per batch dims and caches the result; its JVP rule
evaluates the jaxpr under the JVP trace, so reverse mode sees through it).
The user-facing ``jit`` (trace cache, static arguments, argument checks) is
in ``jit.py``.
"""
from __future__ import annotations

import numpy as np

from . import fused, monitoring, pool
from .core import Primitive, unaliased
from .jnp.array import Array
from .staging import eval_jaxpr
from .derived_jaxprs import batch_jaxpr
from .ir import ClosedJaxpr, Eqn, Jaxpr, Literal, Var
from .autodiff import jvp_flat

EFFECTFUL: set = set()
"""Primitives run for their side effects (debug callbacks): their equations are
never removed as dead code nor merged as common subexpressions; nor are the
equations whose programs (a ``cond`` branch, a loop body, an inner ``jit``)
contain one (``has_effects``)."""


def has_effects(eqn) -> bool:
    """Whether running ``eqn`` has a side effect: an effectful primitive, or a
    program among its parameters that has one."""
    if eqn.prim in EFFECTFUL:
        return True
    if not eqn.params:
        return False
    for value in eqn.params.values():
        for p in (value if isinstance(value, (tuple, list)) else (value,)):
            if isinstance(p, ClosedJaxpr):
                found = p.cache.get("effects")
                if found is None:
                    found = p.cache["effects"] = any(has_effects(e) for e in p.jaxpr.eqns)
                if found:
                    return True
            elif isinstance(p, Jaxpr) and any(has_effects(e) for e in p.eqns):
                return True
    return False


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

INLINED: set = {jit_p}
"""Call primitives whose ``jaxpr`` parameter (no constants besides ``jit_p``'s)
``simplify`` inlines: ``jit`` and ``checkpoint``'s two."""

IDENTITIES: set = set()
"""Primitives that return their one operand (``checkpoint_name``): dropped."""


# ------------------------------------------------------ simplification


def simplify(closed: ClosedJaxpr):
    """Inline nested ``jit`` (and ``checkpoint``) calls, drop identities, share
    common subexpressions, drop dead code.

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
            if prim in IDENTITIES:
                sub[eqn.outvars[0]] = ins[0]
                continue
            if prim in INLINED:
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
                prev = seen.get(key) if not has_effects(eqn) else None
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
        for v in (eqn.outvars if not has_effects(eqn) else eqn.outvars + [None]):
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
            if not has_effects(e):
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
    if fused.largest(closed)[1] >= COMPILE_NOW_BYTES:
        # Big arrays: compiling costs nothing next to the work, and the compiled
        # program takes its temporaries from the buffer pool (no fresh pages).
        return _install(closed, key, _compile(closed, name, finish), name)

    def tiered(*args):
        count[0] += 1
        if count[0] >= calls_needed:
            run = _compile(closed, name, finish)
            with fused.LOCK:   # unless the native program was swapped in meanwhile
                if closed.cache.get(key) is tiered:
                    closed.cache[key] = run
        return evaluate(closed, args, finish)

    return _install(closed, key, tiered, name)


def _compile(closed, name, finish):
    """``compile_program`` of the simplified ``closed``; a program handed to the
    user (``finish``) records JAX's compile event for listeners (``monitoring``)."""
    if finish and monitoring.LISTENING:
        with monitoring.elapsed(monitoring.BACKEND_COMPILE_EVENT, f"jit({name})"):
            return compile_program(simplify(closed), name, finish)
    return compile_program(simplify(closed), name, finish)


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

