"""Numba source for a whole loop: a ``while`` (batched or scalar predicate) or
a ``fori_loop``-style ``scan`` whose body is elementwise over one iteration
shape, run as one kernel exactly as the NumPy path runs it (see ``loop_shape``
for the loops that qualify).
"""
from __future__ import annotations

from ..ir import Literal, Var
from .codegen import _BOOL, _SUPPORTED, _Emitter, _index, Kernel, fusible_eqn


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
