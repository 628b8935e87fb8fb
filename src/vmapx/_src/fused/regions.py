"""Partition a jit program into fusible regions (one pass, no dependency graph).

A region has one iteration shape ``S``: elementwise equations whose output
has shape ``S`` (see ``codegen.fusible``), optionally closed by one reduction
(``reduce_sum`` / ``reduce_max`` / ``reduce_min``) of one of their values.
Open regions are kept per shape; an equation that reads a value of an open
region it cannot join closes that region first, and a region runs where it
is closed -- after all its inputs, before all its readers -- so the
program's order is respected.  A region is kept only if it saves a
temporary (two members or more); otherwise its equations stay NumPy calls.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..ir import Eqn, Var
from . import codegen, kernel_cache

_REDUCTIONS = frozenset({"reduce_sum", "reduce_max", "reduce_min"})


class FusedRegion:
    """Stands in for a primitive in a rewritten program: ``impl`` runs the
    kernel; ``accepts_out`` tells the code generator of ``jit`` that it may
    pass ``out=`` (a buffer per result, or ``None``)."""
    multiple_results = True
    elementwise = False
    accepts_out = True
    name = "fused"

    def __init__(self, kernel: codegen.Kernel, fn):
        self.kernel = kernel
        spec = kernel

        def impl(*vals, out=None):
            args = [np.reshape(v, s) for v, s in zip(vals, spec.in_shapes, strict=True)]
            outs = []
            for k, (shape, dtype) in enumerate(spec.out_specs):
                buf = out[k] if out is not None else None   # (jit's pooled buffers)
                outs.append(np.empty(shape, dtype) if buf is None else buf.reshape(shape))
            fn(*args, *outs, *spec.iter_shape, *spec.literals)
            return [o if o.shape == s else o.reshape(s)
                    for o, s in zip(outs, spec.final_shapes, strict=True)]

        self.impl = impl

    def __repr__(self):
        return "fused"


class _Open:
    __slots__ = ("shape", "members", "reduction", "order")

    def __init__(self, shape, order):
        self.shape = shape
        self.members = []
        self.reduction = None
        self.order = order


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def partition(eqns, min_size=0):
    """Group ``eqns`` into regions.  Returns a list whose items are equations
    (kept as they are) or ``(members, reduction)`` pairs, in execution order."""
    out = []
    open_by_shape: dict = {}
    owner: dict = {}
    counter = [0]

    def close(g):
        if open_by_shape.get(g.shape) is g:
            del open_by_shape[g.shape]
        for e in g.members:
            for v in e.outvars:
                owner.pop(v, None)
        if len(g.members) >= 2:
            out.append((g.members, g.reduction))
        else:
            out.extend(g.members)

    for e in eqns:
        name = e.prim.name
        if codegen.fusible_eqn(e) and _size(e.outvars[0].aval.shape) >= max(min_size, 1):
            shape = tuple(e.outvars[0].aval.shape)
            for v in e.invars:
                g = owner.get(v)
                if g is not None and g.shape != shape:
                    close(g)
            g = open_by_shape.get(shape)
            if g is None:
                g = open_by_shape[shape] = _Open(shape, counter[0])
                counter[0] += 1
            g.members.append(e)
            owner[e.outvars[0]] = g
            continue
        if name in _REDUCTIONS and type(e.invars[0]) is Var and e.invars[0] in owner:
            g = owner[e.invars[0]]
            x = e.invars[0].aval
            rd = e.outvars[0].aval.dtype
            axes = e.params.get("axes", ())
            if (x.dtype == rd and inputs.kind(rd) == "f" and e.params.get("dtype") is None and axes
                    and all(x.shape[a] > 0 for a in axes)):
                g.members.append(e)
                g.reduction = e
                close(g)
                continue
        for v in e.invars:
            g = owner.get(v)
            if g is not None:
                close(g)
        out.append(e)
    for g in sorted(open_by_shape.values(), key=lambda g: g.order):
        close(g)
    return out


def fuse(program, min_size=0, load=None):
    """Rewrite ``program`` (``(constvars, consts, invars, eqns, outvars)``)
    with each region as one equation of a ``FusedRegion``; ``None`` if no
    region was found.  ``load(source)`` compiles a kernel (default:
    ``kernel_cache.load``)."""
    constvars, consts, invars, eqns, outvars = program
    items = partition(eqns, min_size)
    if all(isinstance(it, Eqn) for it in items):
        return None
    load = load or kernel_cache.load
    readers: dict = {}
    for it in items:
        for e in ([it] if isinstance(it, Eqn) else it[0]):
            for v in e.invars:
                if type(v) is Var:
                    readers.setdefault(v, set()).add(id(it))
    results = {v for v in outvars if type(v) is Var}
    new = []
    for it in items:
        if isinstance(it, Eqn):
            new.append(it)
            continue
        members, reduction = it
        produced = {v for e in members for v in e.outvars}
        in_vars = []
        for e in members:
            for v in e.invars:
                if type(v) is Var and v not in produced and v not in in_vars:
                    in_vars.append(v)
        out_vars = [v for e in members for v in e.outvars
                    if v in results or readers.get(v, set()) - {id(it)}]
        shape = members[0].outvars[0].aval.shape
        kernel = codegen.generate(members, reduction, in_vars, out_vars, shape)
        new.append(Eqn(FusedRegion(kernel, load(kernel.source)), in_vars, out_vars, {}))
    return constvars, consts, invars, new, outvars
