"""Numba source for one fused region, and the on-disk kernel cache.

A region (see ``regions.py``) becomes a module holding one
``@numba.njit(cache=True)`` function ``kernel(in0, ..., out0, ..., n0, ...,
L0, ...)`` (inputs, outputs, loop sizes, scalar constants)
that loops over the region's iteration shape once, computing every member
per element in registers.  Only IEEE-754 correctly rounded operations are
emitted (no fastmath, ``error_model='numpy'``), so elementwise results are
bit-identical to NumPy's.  A sum over the last axis replays NumPy's pairwise
summation on a row buffer, so it is bit-identical too; other reductions
accumulate in loop order (equal within reassociation).

The source names no sizes and no constants (they are arguments), only ranks, dtypes and the
broadcasting pattern, so one kernel serves every size; its SHA-256 names the
file ``k_<hash>.py`` in the cache directory, and Numba caches the machine
code beside it: a new process that meets the region compiles nothing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading

import numpy as np

from ..staging import Literal, Var

# ------------------------------------------------------------- operations

_SUPPORTED = frozenset(np.dtype(t) for t in ("float32", "float64", "int32", "int64", "bool"))
_FLOATS = frozenset(np.dtype(t) for t in ("float32", "float64"))
_INTS = frozenset(np.dtype(t) for t in ("int32", "int64"))
_BOOL = np.dtype(bool)

# computed in the output dtype, operands cast to it
_ARITH = {
    "add": lambda a, b: f"({a} + {b})",
    "subtract": lambda a, b: f"({a} - {b})",
    "multiply": lambda a, b: f"({a} * {b})",
    "divide": lambda a, b: f"({a} / {b})",
    "maximum": lambda a, b: f"_max({a}, {b})",
    "minimum": lambda a, b: f"_min({a}, {b})",
    "negative": lambda a: f"(-{a})",
    "square": lambda a: f"({a} * {a})",
}
_FLOAT_ONLY = {
    "abs": lambda a: f"abs({a})",
    "sqrt": lambda a: f"np.sqrt({a})",
    "floor": lambda a: f"np.floor({a})",
    "ceil": lambda a: f"np.ceil({a})",
}
# operands cast to their common dtype, bool result
_COMPARE = {
    "less": "<", "less_equal": "<=", "greater": ">", "greater_equal": ">=",
    "equal": "==", "not_equal": "!=",
}
_FLOAT_TESTS = {"isnan": "np.isnan", "isinf": "np.isinf", "isfinite": "np.isfinite"}
# Computed by libm in a kernel, by NumPy's own (often SIMD) code otherwise:
# fused only for the dtypes where ``libm_matches_numpy`` finds them bit-identical.
_TRANSCENDENTAL = ("exp", "log", "sin", "cos", "tan", "tanh", "expm1", "log1p", "sinh",
                   "cosh", "arctan", "arcsin", "arccos", "exp2", "log2", "log10")
# bool operands only
_LOGICAL = {
    "logical_and": "&", "logical_or": "|", "logical_xor": "^",
    "bitwise_and": "&", "bitwise_or": "|", "bitwise_xor": "^",
}


def _operand_dtype(v):
    """dtype of an operand for NumPy 2's promotion (a Python scalar stays weak)."""
    if type(v) is Literal and type(v.val) in (bool, int, float):
        return v.val
    return v.aval.dtype


def fusible(eqn) -> bool:
    """Whether an elementwise equation can be emitted exactly."""
    name = eqn.prim.name
    out = eqn.outvars[0].aval.dtype if len(eqn.outvars) == 1 else None
    if out not in _SUPPORTED or any(v.aval.dtype not in _SUPPORTED for v in eqn.invars):
        return False
    ins = [v.aval.dtype for v in eqn.invars]
    if name in _ARITH and not eqn.params:
        if name == "divide":
            return out in _FLOATS
        return out in _FLOATS or (out in _INTS and name != "square")
    if name in _TRANSCENDENTAL and not eqn.params:
        return out in _FLOATS and ins[0] == out and name in libm_matches_numpy(out)
    if name in _FLOAT_ONLY and not eqn.params:
        return out in _FLOATS
    if name in _COMPARE and not eqn.params:
        return np.result_type(*[_operand_dtype(v) for v in eqn.invars]) in _SUPPORTED
    if name in _FLOAT_TESTS and not eqn.params:
        return ins[0] in _FLOATS
    if name in _LOGICAL or name == "logical_not":
        return not eqn.params and all(d == _BOOL for d in ins)
    if name == "where" and not eqn.params:
        return ins[0] == _BOOL
    if name == "power" and not eqn.params:
        e = eqn.invars[1]
        return (out in _FLOATS and type(e) is Literal and type(e.val) in (int, float)
                and e.val == 2)
    if name == "convert_element_type":
        to = np.dtype(eqn.params["dtype"])
        return to in _FLOATS and (ins[0] in _FLOATS or ins[0] in _INTS or ins[0] == _BOOL)
    return False


# ---------------------------------------------------------------- source

_HEADER = '''\
import numpy as np
import numba

_jit = numba.njit(cache={cache}, error_model="numpy", nogil=True)


@numba.njit(inline="always")
def _max(a, b):
    return a if (a > b or a != a) else b


@numba.njit(inline="always")
def _min(a, b):
    return a if (a < b or a != a) else b


@_jit
def _block(a, lo, n, zero):
    # NumPy's pairwise_sum for n <= 128: 8 accumulators, then the rest in order
    if n < 8:
        res = zero
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    m = n - n % 8
    i = 8
    while i < m:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@_jit
def _pairwise(a, lo, n, zero):
    # NumPy's recursive halving (at multiples of 8) with an explicit stack:
    # Numba's cache cannot hold recursive functions.
    if n <= 128:
        return _block(a, lo, n, zero)
    los = np.empty(128, np.int64)
    ns = np.empty(128, np.int64)
    combine = np.zeros(128, np.bool_)
    vals = np.empty(128, a.dtype)
    los[0] = lo
    ns[0] = n
    top = 1
    nv = 0
    while top > 0:
        top -= 1
        l = los[top]
        m = ns[top]
        if combine[top]:
            combine[top] = False
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]
        elif m <= 128:
            vals[nv] = _block(a, l, m, zero)
            nv += 1
        else:
            n2 = m // 2
            n2 -= n2 % 8
            combine[top] = True
            top += 1
            los[top] = l + n2
            ns[top] = m - n2
            top += 1
            los[top] = l
            ns[top] = n2
            top += 1
    return vals[0]
'''


class Kernel:
    """What the executor needs of one generated kernel."""
    __slots__ = ("source", "in_shapes", "out_specs", "iter_shape", "final_shapes", "literals")

    def __init__(self, source, in_shapes, out_specs, iter_shape, final_shapes, literals):
        self.source = source
        self.literals = literals        # values of the literal arguments L0, L1, ...
        self.in_shapes = in_shapes      # each input reshaped to the loop rank
        self.out_specs = out_specs      # (shape, dtype) the kernel writes
        self.iter_shape = iter_shape    # sizes passed as n0, n1, ...
        self.final_shapes = final_shapes  # shapes of the region's results


class _Emitter:
    """Names, typed literals and one line per equation of a kernel's body."""

    def __init__(self):
        self.consts: dict = {}
        self.names: dict = {}
        self.dtypes: dict = {}
        self.count = 0

    def literal(self, val, dtype):
        """A kernel argument holding ``val`` as ``dtype``: values are not part of
        the source, so one kernel serves every value of a constant."""
        key = (type(val), val, dtype)
        if key not in self.consts:
            self.consts[key] = f"L{len(self.consts)}"
        return self.consts[key]

    def bind(self, var, name):
        self.names[var] = name
        self.dtypes[var] = var.aval.dtype

    def value(self, v, dtype):
        """Expression for operand ``v`` as ``dtype``."""
        if type(v) is Literal:
            return self.literal(v.val, dtype)
        e = self.names[v]
        if self.dtypes[v] == dtype:
            return e
        return f"np.{dtype.name}({e})" if dtype != _BOOL else f"np.bool_({e})"

    def emit(self, e):
        """The line computing elementwise equation ``e`` (its output gets a name)."""
        value = self.value
        out = e.outvars[0]
        od = out.aval.dtype
        name = e.prim.name
        if name in _ARITH:
            expr = _ARITH[name](*[value(v, od) for v in e.invars])
        elif name in _TRANSCENDENTAL:
            expr = f"np.{name}({value(e.invars[0], od)})"
        elif name in _FLOAT_ONLY:
            expr = _FLOAT_ONLY[name](value(e.invars[0], od))
        elif name in _COMPARE:
            cd = np.result_type(*[_operand_dtype(v) for v in e.invars])
            a, b = (value(v, cd) for v in e.invars)
            expr = f"({a} {_COMPARE[name]} {b})"
        elif name in _FLOAT_TESTS:
            expr = f"{_FLOAT_TESTS[name]}({value(e.invars[0], e.invars[0].aval.dtype)})"
        elif name in _LOGICAL:
            a, b = (value(v, _BOOL) for v in e.invars)
            expr = f"({a} {_LOGICAL[name]} {b})"
        elif name == "logical_not":
            expr = f"(not {value(e.invars[0], _BOOL)})"
        elif name == "where":
            c, a, b = e.invars
            expr = f"({value(a, od)} if {value(c, _BOOL)} else {value(b, od)})"
        elif name == "power":
            a = value(e.invars[0], od)
            expr = f"({a} * {a})"
        elif name == "convert_element_type":
            expr = value(e.invars[0], od)
        else:  # pragma: no cover - fusible() admits nothing else
            raise NotImplementedError(name)
        t = f"t{self.count}"
        self.count += 1
        self.bind(out, t)
        return f"{t} = {expr}"

    def literal_params(self):
        return list(self.consts.values())

    def literal_values(self):
        return [dtype.type(val) for (_, val, dtype) in self.consts]


def _index(shape, rank):
    """Index expression of an operand of ``shape`` broadcast to the loop rank."""
    aligned = (1,) * (rank - len(shape)) + tuple(shape)
    return aligned, ", ".join("0" if aligned[d] == 1 else f"i{d}" for d in range(rank))


def generate(members, reduction, in_vars, out_vars, shape) -> Kernel:
    """Source of the kernel computing ``out_vars`` from ``in_vars``.

    ``members`` are elementwise equations of output shape ``shape`` in program
    order; ``reduction`` (or ``None``) reduces one of their values and is
    then the last member.
    """
    shape = tuple(shape)
    rank = max(len(shape), 1)
    loop_shape = shape if shape else (1,)
    em = _Emitter()
    literal, value = em.literal, em.value

    loads = []
    in_shapes = []
    for k, v in enumerate(in_vars):
        aligned, idx = _index(v.aval.shape, rank)
        in_shapes.append(aligned)
        em.bind(v, f"x{k}")
        loads.append(f"x{k} = in{k}[{idx}]")

    body = [em.emit(e) for e in members if e is not reduction]

    full_idx = ", ".join(f"i{d}" for d in range(rank))
    out_specs = []
    final_shapes = []
    stores = []
    red_out = None
    for k, v in enumerate(out_vars):
        if reduction is not None and v is reduction.outvars[0]:
            red_out = k
            axes = reduction.params["axes"]
            kept = tuple(s for d, s in enumerate(loop_shape) if d not in axes)
            out_specs.append((kept if kept else (1,), v.aval.dtype))
        else:
            out_specs.append((loop_shape, v.aval.dtype))
            stores.append(f"out{k}[{full_idx}] = {value(v, v.aval.dtype)}")
        final_shapes.append(tuple(v.aval.shape))

    lines = []
    ind = "    "
    params = [f"in{k}" for k in range(len(in_vars))] + \
        [f"out{k}" for k in range(len(out_vars))] + [f"n{d}" for d in range(rank)]
    lines.append("def kernel(PARAMS):")
    inner = loads + body + stores
    if reduction is not None and len(out_vars) == 1 and rank >= 2 and \
            reduction.prim.name == "reduce_sum" and \
            tuple(reduction.params["axes"]) == (rank - 1,):
        # Operands varying along both the row of outputs (axis K) and the summed
        # axis (R) are copied with K innermost, so the row loops read them
        # contiguously (a small copy: these operands are not broadcast).
        K, R = rank - 2, rank - 1
        perm = tuple(range(K)) + (R, K)
        loads = []
        for kk, aligned in enumerate(in_shapes):
            if aligned[K] != 1 and aligned[R] != 1:
                lines.append(f"    in{kk}t = np.ascontiguousarray(in{kk}.transpose({perm}))")
                idx = [("0" if aligned[d] == 1 else f"i{d}") for d in perm]
                loads.append(f"x{kk} = in{kk}t[{', '.join(idx)}]")
            else:
                idx = [("0" if aligned[d] == 1 else f"i{d}") for d in range(rank)]
                loads.append(f"x{kk} = in{kk}[{', '.join(idx)}]")
        lines += _blocked_last_axis_sum(loads + body, value(reduction.invars[0],
                                        reduction.outvars[0].aval.dtype),
                                        literal(0, reduction.outvars[0].aval.dtype),
                                        reduction.outvars[0].aval.dtype, rank)
    elif reduction is None:
        depth = 1
        for d in range(rank):
            lines.append(ind * depth + f"for i{d} in range(n{d}):")
            depth += 1
        lines += [ind * depth + s for s in inner]
    else:
        axes = tuple(sorted(reduction.params["axes"]))
        kind = reduction.prim.name
        x = reduction.invars[0]
        rd = reduction.outvars[0].aval.dtype
        zero = literal(0, rd)
        kept = [d for d in range(rank) if d not in axes]
        kept_idx = ", ".join(f"i{d}" for d in kept) if kept else "0"
        last_axis_sum = kind == "reduce_sum" and axes == (rank - 1,)
        depth = 1
        if last_axis_sum:
            lines.append(ind + f"row = np.empty(n{rank - 1}, np.{rd.name})")
        for d in kept:
            lines.append(ind * depth + f"for i{d} in range(n{d}):")
            depth += 1
        if kind == "reduce_sum" and not last_axis_sum:
            lines.append(ind * depth + f"acc = {zero}")
        elif kind != "reduce_sum":
            lines.append(ind * depth + "first = True")
            lines.append(ind * depth + f"acc = {zero}")
        for d in axes:
            lines.append(ind * depth + f"for i{d} in range(n{d}):")
            depth += 1
        lines += [ind * depth + s for s in inner]
        v = value(x, rd)
        if last_axis_sum:
            lines.append(ind * depth + f"row[i{rank - 1}] = {v}")
            depth -= 1
            lines.append(ind * depth + f"out{red_out}[{kept_idx}] = "
                         f"{zero} + _pairwise(row, 0, n{rank - 1}, {zero})")
        else:
            if kind == "reduce_sum":
                lines.append(ind * depth + f"acc += {v}")
            else:
                fn = "_max" if kind == "reduce_max" else "_min"
                lines.append(ind * depth + "if first:")
                lines.append(ind * (depth + 1) + f"acc = {v}")
                lines.append(ind * (depth + 1) + "first = False")
                lines.append(ind * depth + "else:")
                lines.append(ind * (depth + 1) + f"acc = {fn}(acc, {v})")
            depth = 1 + len(kept)
            lines.append(ind * depth + f"out{red_out}[{kept_idx}] = acc")
    lines[0] = f"def kernel({', '.join(params + em.literal_params())}):"
    source = "@_jit\n" + "\n".join(lines) + "\n"
    return Kernel(source, in_shapes, out_specs, loop_shape, final_shapes, em.literal_values())


# ------------------------------------------------------------ the cache

CACHE_ENTRIES = 1024
"""Kernels kept loaded in this process (by source hash)."""

_loaded: dict = {}
_lock = threading.Lock()


def cache_dir() -> str:
    """Where kernel sources (and Numba's machine code beside them) are kept."""
    d = os.environ.get("VMAPX_CACHE_DIR")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "vmapx")
    return os.path.join(d, "fused")


def load(source: str):
    """The compiled ``kernel`` of ``source`` (a module written once to the cache dir)."""
    digest = hashlib.sha256((_HEADER + source).encode()).hexdigest()[:32]
    with _lock:
        fn = _loaded.get(digest)
        if fn is not None:
            return fn
        fn = _import(digest, source)
        if len(_loaded) >= CACHE_ENTRIES:
            _loaded.pop(next(iter(_loaded)))
        _loaded[digest] = fn
        return fn


def _import(digest, source):
    d = cache_dir()
    path = os.path.join(d, f"k_{digest}.py")
    text = _HEADER.format(cache=True) + source
    try:
        if not os.path.exists(path):
            os.makedirs(d, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.replace(tmp, path)
        modname = f"vmapx_fused_k_{digest}"
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[modname] = mod   # Numba's cache looks the module up by name
        spec.loader.exec_module(mod)
        return mod.kernel
    except OSError:
        ns: dict = {}
        exec(compile(_HEADER.format(cache=False) + source, f"<vmapx fused {digest}>", "exec"),
             ns)
        return ns["kernel"]


def _blocked_last_axis_sum(block, val, zero, dtype, rank):
    """Kernel body for a sum over the last axis whose only result is the sum:
    NumPy's pairwise order per output element, computed for a whole row of
    outputs (the last kept axis) at a time, so the inner loops run over
    independent outputs and vectorize (eight accumulators per output, as in
    NumPy's ``pairwise_sum``)."""
    ind = "    "
    K, R = rank - 2, rank - 1
    j, k = f"i{K}", f"i{R}"
    dt = f"np.{dtype.name}"
    outer = [f"for i{d} in range(n{d}):" for d in range(K)]
    out_idx = ", ".join(f"i{d}" for d in range(K + 1))

    def over_row(depth, tail):
        """``for j``: compute ``v`` for every output of the row, then ``tail``."""
        lines = [ind * depth + f"for {j} in range(n{K}):"]
        lines += [ind * (depth + 1) + s for s in block]
        lines.append(ind * (depth + 1) + f"v = {val}")
        lines += [ind * (depth + 1) + t for t in tail]
        return lines

    lines = [ind + f"acc = np.empty((8, n{K}), {dt})",
             ind + f"res = np.empty(n{K}, {dt})",
             ind + f"row = np.empty(n{R}, {dt})",
             ind + f"m8 = n{R} - n{R} % 8"]
    d = 1
    for o in outer:
        lines.append(ind * d + o)
        d += 1
    lines.append(ind * d + f"if n{R} < 8:")
    lines.append(ind * (d + 1) + f"res[:] = {zero}")
    lines.append(ind * (d + 1) + f"for {k} in range(n{R}):")
    lines += over_row(d + 2, [f"res[{j}] += v"])
    lines.append(ind * d + f"elif n{R} <= 128:")
    lines.append(ind * (d + 1) + f"for {k} in range(8):")
    lines += over_row(d + 2, [f"acc[{k}, {j}] = v"])
    lines.append(ind * (d + 1) + "base = 8")
    lines.append(ind * (d + 1) + "while base < m8:")
    lines.append(ind * (d + 2) + "for m in range(8):")
    lines.append(ind * (d + 3) + f"{k} = base + m")
    lines += over_row(d + 3, [f"acc[m, {j}] += v"])
    lines.append(ind * (d + 2) + "base += 8")
    lines.append(ind * (d + 1) + f"for {j} in range(n{K}):")
    lines.append(ind * (d + 2) + f"res[{j}] = ((acc[0, {j}] + acc[1, {j}]) + "
                 f"(acc[2, {j}] + acc[3, {j}])) + ((acc[4, {j}] + acc[5, {j}]) + "
                 f"(acc[6, {j}] + acc[7, {j}]))")
    lines.append(ind * (d + 1) + f"for {k} in range(m8, n{R}):")
    lines += over_row(d + 2, [f"res[{j}] += v"])
    lines.append(ind * d + "else:")
    lines.append(ind * (d + 1) + f"for {j} in range(n{K}):")
    lines.append(ind * (d + 2) + f"for {k} in range(n{R}):")
    lines += [ind * (d + 3) + s for s in block]
    lines.append(ind * (d + 3) + f"row[{k}] = {val}")
    lines.append(ind * (d + 2) + f"res[{j}] = _pairwise(row, 0, n{R}, {zero})")
    lines.append(ind * d + f"for {j} in range(n{K}):")
    lines.append(ind * (d + 1) + f"out0[{out_idx}] = {zero} + res[{j}]")
    return lines


# ------------------------------------------------- libm against NumPy

_PROBE_SIZE = 1 << 16
_matches: dict = {}


def _probe_values(dtype):
    """Inputs spanning each function's domain: wide and narrow ranges, random
    values, and the special ones (signed zeros, infinities, NaN, subnormals)."""
    rng = np.random.default_rng(20261207)
    finfo = np.finfo(dtype)
    parts = [np.linspace(-10, 10, _PROBE_SIZE // 4),
             np.linspace(-1, 1, _PROBE_SIZE // 4),
             rng.standard_normal(_PROBE_SIZE // 4) * 100.0,
             np.exp(rng.uniform(-80, 80, _PROBE_SIZE // 4)) * rng.choice([-1, 1],
                                                                        _PROBE_SIZE // 4),
             [0.0, -0.0, np.inf, -np.inf, np.nan, finfo.tiny, finfo.tiny / 4, finfo.max,
              -finfo.max, 1e-300, 710.0, -745.0, 88.7, -103.9]]
    with np.errstate(all="ignore"):
        return np.concatenate([np.asarray(p, np.float64) for p in parts]).astype(dtype)


def libm_matches_numpy(dtype) -> frozenset:
    """The transcendental functions whose kernel results (libm, as Numba calls
    it, with ``sin`` and ``cos`` of one value merged into ``sincos``) equal
    NumPy's bit for bit on a probe of inputs of ``dtype``.  Measured once per
    process by one kernel (cached on disk like the others): which functions
    agree depends on the NumPy build and the CPU (NumPy's SIMD code)."""
    dtype = np.dtype(dtype)
    hit = _matches.get(dtype)
    if hit is not None:
        return hit
    x = _probe_values(dtype)
    names = list(_TRANSCENDENTAL)
    params = ", ".join(f"o{k}" for k in range(len(names)))
    lines = [f"def kernel(x, {params}):", "    for i in range(x.shape[0]):",
             "        v = x[i]"]
    lines += [f"        o{k}[i] = np.{name}(v)" for k, name in enumerate(names)]
    fn = load("@_jit\n" + "\n".join(lines) + "\n")
    outs = [np.empty_like(x) for _ in names]
    fn(x, *outs)
    ok = set()
    with np.errstate(all="ignore"):
        for name, got in zip(names, outs, strict=True):
            want = getattr(np, name)(x)
            same_nan = np.isnan(want) == np.isnan(got)
            bits = np.where(np.isnan(want), 0, want.view(f"u{dtype.itemsize}")) == \
                np.where(np.isnan(got), 0, got.view(f"u{dtype.itemsize}"))
            if same_nan.all() and bits.all():
                ok.add(name)
    _matches[dtype] = result = frozenset(ok)
    return result


# ------------------------------------------------------------- loops


def fusible_eqn(e) -> bool:
    """An equation a kernel computes per element (elementwise, or a dtype
    conversion), exactly."""
    return (getattr(e.prim, "elementwise", False) or e.prim.name == "convert_element_type") \
        and len(e.outvars) == 1 and fusible(e)


_elementwise = fusible_eqn


def loop_shape(cond_prog, body_prog, nconsts_body):
    """The iteration shape ``S`` if a loop with these (simplified) programs
    runs as one kernel, else ``None``.  Carries have shape ``S`` or are scalars;
    the body is fusible elementwise equations (those of scalar output only
    read scalars); ``cond_prog`` is ``None`` (a ``scan`` with a fixed length),
    fusible scalar equations, or fusible elementwise equations ending in
    ``reduce_any`` over all of ``S`` (the form vmap gives a batched predicate)."""
    _, _, b_in, b_eqns, b_out = body_prog
    carries = b_in[nconsts_body:]
    shapes = {tuple(v.aval.shape) for v in carries} - {()}
    if len(shapes) != 1:
        return None
    (shape,) = shapes
    if any(v.aval.dtype not in _SUPPORTED for v in carries):
        return None
    if not all(_elementwise(e) for e in b_eqns):
        return None
    if len(b_out) != len(carries):
        return None
    for v, c in zip(b_out, carries, strict=True):
        if type(v) is Literal:
            if c.aval.shape:
                return None
        elif tuple(v.aval.shape) != tuple(c.aval.shape) or v.aval.dtype != c.aval.dtype:
            return None
    if cond_prog is None:
        return shape
    _, _, c_in, c_eqns, c_out = cond_prog
    if len(c_out) != 1 or type(c_out[0]) is not Var or c_out[0].aval.shape:
        return None
    if not c_eqns or c_out[0] is not c_eqns[-1].outvars[0]:
        return None
    last = c_eqns[-1]
    if last.prim.name == "reduce_any":
        if type(last.invars[0]) is not Var or tuple(last.invars[0].aval.shape) != shape or \
                tuple(sorted(last.params.get("axes", ()))) != tuple(range(len(shape))) or \
                last.params.get("keepdims"):
            return None
        return shape if all(_elementwise(e) for e in c_eqns[:-1]) else None
    if all(_elementwise(e) and not e.outvars[0].aval.shape for e in c_eqns):
        return shape     # a scalar predicate (``fori_loop`` with traced bounds)
    return None


def generate_loop(cond_prog, body_prog, ncc, nbc, shape, length=None) -> Kernel:
    """Source of one kernel running a loop exactly as the NumPy path does.

    Per iteration: the scalar part of the body runs once, then one pass over
    ``S`` computes every element's new carry (in place: the body is
    elementwise; it reads the old scalars) and, for a batched predicate, the
    predicate on the new carry; the loop goes on while any element's (or the
    scalar) predicate holds, or ``length`` times (``cond_prog`` ``None``).

    Kernel inputs: the cond program's constants and operands, the body's
    constants and operands, the initial carry; outputs: the final carry."""
    b_cvars, _, b_in, b_eqns, b_out = body_prog
    rank = len(shape)
    carries = b_in[nbc:]
    ncarry = len(carries)
    scalar = [not c.aval.shape for c in carries]
    em = _Emitter()
    in_shapes = []
    consts = []   # (var, input index, index expression) of every loop-invariant input
    cond_vars = [] if cond_prog is None else list(cond_prog[0]) + list(cond_prog[2][:ncc])
    for k, v in enumerate(cond_vars + list(b_cvars) + list(b_in[:nbc])):
        aligned, idx = _index(v.aval.shape, rank)
        in_shapes.append(aligned)
        consts.append((v, k, idx))
    first = len(in_shapes)
    for c in carries:
        in_shapes.append(_index(c.aval.shape, rank)[0])
    idx = ", ".join(f"i{d}" for d in range(rank))
    zero_idx = ", ".join("0" for _ in range(rank))
    ind = "    "

    def loops(depth):
        return [ind * (depth + d) + f"for i{d} in range(n{d}):" for d in range(rank)]

    def load_consts(used, at):
        out = []
        for v, j, ix in consts:
            if v in used:
                em.bind(v, f"x{j}")
                out.append(f"x{j} = in{j}[{ix if at is None else at}]")
        return out

    def cond_check(scalar_names, array_names):
        """Lines setting ``go`` (for a batched predicate: inside the element pass)."""
        if cond_prog is None:
            return ["go = it < n_iter"]
        _, _, c_in, c_eqns, _ = cond_prog
        batched = c_eqns[-1].prim.name == "reduce_any"
        used = {v for e in c_eqns for v in e.invars}
        lines = load_consts(used, None if batched else zero_idx)
        for v, is_s, sn, an in zip(c_in[ncc:], scalar, scalar_names, array_names, strict=True):
            em.bind(v, sn if is_s else an)
        body = c_eqns[:-1] if batched else c_eqns
        lines += [em.emit(e) for e in body]
        pred = em.value(c_eqns[-1].invars[0] if batched else c_eqns[-1].outvars[0], _BOOL)
        if batched:
            return lines + [f"if {pred}:", ind + "go = True"]
        return lines + [f"go = {pred}"]

    batched = cond_prog is not None and cond_prog[3][-1].prim.name == "reduce_any"
    s_names = [f"s{j}" for j in range(ncarry)]
    n_names = [f"n{j}_" for j in range(ncarry)]
    c_names = [f"c{j}" for j in range(ncarry)]
    d_names = [f"d{j}" for j in range(ncarry)]
    params = [f"in{j}" for j in range(len(in_shapes))] + \
        [f"out{j}" for j in range(ncarry)] + [f"n{d}" for d in range(rank)] + ["n_iter"]
    lines = ["def kernel(PARAMS):"]
    lines += loops(1)
    lines += [ind * (rank + 1) + f"out{j}[{idx}] = in{first + j}[{idx}]"
              for j in range(ncarry) if not scalar[j]]
    lines += [ind + f"s{j} = in{first + j}[{zero_idx}]" for j in range(ncarry) if scalar[j]]
    lines.append(ind + "it = 0")
    if batched:
        lines.append(ind + "go = False")
        lines += loops(1)
        check = [f"c{j} = out{j}[{idx}]" for j in range(ncarry) if not scalar[j]]
        check += cond_check(s_names, c_names)
        lines += [ind * (rank + 1) + t for t in check]
    else:
        lines += [ind + t for t in cond_check(s_names, c_names)]
    lines.append(ind + "while go:")
    # the scalar part of the body: once per iteration, from the old scalars
    used = {v for e in b_eqns for v in e.invars} | {v for v in b_out if type(v) is Var}
    for v, is_s, sn in zip(carries, scalar, s_names, strict=True):
        if is_s:
            em.bind(v, sn)
    scalar_eqns = [e for e in b_eqns if not e.outvars[0].aval.shape]
    array_eqns = [e for e in b_eqns if e.outvars[0].aval.shape]
    step = load_consts({v for e in scalar_eqns for v in e.invars}, zero_idx)
    step += [em.emit(e) for e in scalar_eqns]
    step += [f"n{j}_ = {em.value(v, c.aval.dtype)}"
             for j, (v, c) in enumerate(zip(b_out, carries, strict=True)) if scalar[j]]
    if batched:
        step.append("go = False")
    lines += [ind * 2 + t for t in step]
    lines += loops(2)
    elem = [f"c{j} = out{j}[{idx}]" for j in range(ncarry) if not scalar[j]]
    elem += load_consts(used, None)
    for v, is_s, cn in zip(carries, scalar, c_names, strict=True):
        if not is_s:
            em.bind(v, cn)
    elem += [em.emit(e) for e in array_eqns]
    elem += [f"d{j} = {em.value(v, c.aval.dtype)}"
             for j, (v, c) in enumerate(zip(b_out, carries, strict=True)) if not scalar[j]]
    elem += [f"out{j}[{idx}] = d{j}" for j in range(ncarry) if not scalar[j]]
    if batched:
        elem += cond_check(n_names, d_names)
    lines += [ind * (rank + 2) + t for t in elem]
    lines += [ind * 2 + f"s{j} = n{j}_" for j in range(ncarry) if scalar[j]]
    lines.append(ind * 2 + "it += 1")
    if not batched:
        lines += [ind * 2 + t for t in cond_check(s_names, c_names)]
    lines += [ind + f"out{j}[{zero_idx}] = s{j}" for j in range(ncarry) if scalar[j]]
    lines[0] = f"def kernel({', '.join(params + em.literal_params())}):"
    source = "@_jit\n" + "\n".join(lines) + "\n"
    out_specs = [(tuple(shape) if not sc else (1,) * rank, c.aval.dtype)
                 for c, sc in zip(carries, scalar, strict=True)]
    kernel = Kernel(source, in_shapes, out_specs, tuple(shape) + (length or 0,),
                    [tuple(c.aval.shape) for c in carries], em.literal_values())
    return kernel
