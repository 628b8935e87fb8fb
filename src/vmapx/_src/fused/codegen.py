"""Numba source for one fused region: the operations a kernel computes exactly.

A region (see ``regions.py``) becomes a module holding one
``@numba.njit(cache=True)`` function ``kernel(in0, ..., out0, ..., n0, ...,
L0, ...)`` (inputs, outputs, loop sizes, scalar constants)
that loops over the region's iteration shape once, computing every member
per element in registers.  Only IEEE-754 correctly rounded operations are
emitted (no fastmath, ``error_model='numpy'``), so elementwise results are
bit-identical to NumPy's.  A sum over the last axis replays NumPy's pairwise
summation on a row buffer, so it is bit-identical too; other reductions
accumulate in loop order (equal within reassociation).  Transcendental
functions are fused only where libm matches NumPy bit for bit
(``libm_matches_numpy``).

Kernels are loaded through the on-disk cache (``kernel_cache.py``); whole
loops have their own generator (``loop_kernels.py``).
"""
from __future__ import annotations

import numpy as np

from ..ir import Literal
from .kernel_cache import load

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


def fusible_eqn(e) -> bool:
    """An equation a kernel computes per element (elementwise, or a dtype
    conversion), exactly."""
    return (getattr(e.prim, "elementwise", False) or e.prim.name == "convert_element_type") \
        and len(e.outvars) == 1 and fusible(e)


# ------------------------------------------------------- region kernels


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

