"""Conditionals of ``vmapx.lax`` (JAX's control-flow operators that choose):
``cond``, ``switch`` and the elementwise ``select``.

``cond`` and ``switch`` stage their branches to jaxprs (values of enclosing
transforms that a branch closes over are staged into it), check that the
branches return the same types with JAX's messages, give weakly typed outputs
the type the other branches agree on, and bind ``cond_p``; outputs that every
branch returns unchanged are the operands themselves.
"""
from __future__ import annotations

import numpy as np

from . import inputs
from . import tree as tu
from .core import Tracer, get_aval
from .errors import api_boundary
from .jnp.base import asarray_like
from .lax_control_common import (_convert_leaf, _finish_eager, _fun_info, _join_diffs, _leaf,
                                 _mismatch_extra, _paths, _placeholder, _structure_diffs, _trace,
                                 _typematch)
from .prims import control_flow as cf, elementwise as ew
from .staging import eval_jaxpr, trace_to_jaxpr
from .ir import ClosedJaxpr, Jaxpr
from .staging_api import abstractify

_NO_OPERAND = object()

# --------------------------------------------------------------- cond/switch


def _pred_to_index(pred):
    if not isinstance(pred, (np.ndarray, np.generic, Tracer, bool, int, float, complex)):
        if hasattr(pred, "__array__"):
            pred = np.asarray(pred)
        else:
            raise TypeError(f"Pred must be a scalar, got {pred} of type {type(pred)}")
    a = get_aval(pred)
    if a.shape != ():
        raise TypeError(f"Pred must be a scalar, got {pred} of shape {tuple(a.shape)}.")
    if inputs.kind(a.dtype) not in "biufc":
        raise TypeError(f"Pred type must be either boolean or number, got {a.dtype}.")
    if not isinstance(pred, Tracer):
        return np.int32(bool(pred != 0))
    if a.dtype.kind != "b":
        pred = ew.not_equal_p.bind(pred, 0)
    return ew.convert_element_type_p.bind(pred, dtype=np.dtype(np.int32))


@api_boundary
def cond(pred, true_fun, false_fun, *operands, operand=_NO_OPERAND):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``.

    Both branches are staged and must return the same types.  Under ``vmap``
    with a batched ``pred``, both run on the batch and the results are
    selected per element (or each runs only on its part of the batch, when
    that is cheaper).

    >>> import numpy as np, vmapx
    >>> from vmapx import lax
    >>> lax.cond(True, lambda x: x + 1, lambda x: x - 1, np.float32(1.0))
    array(2., dtype=float32)
    >>> vmapx.vmap(lambda p, x: lax.cond(p, np.sin, np.cos, x))(
    ...     np.array([True, False]), np.zeros(2))
    array([0., 1.])
    """
    operands = _with_operand(operands, operand)
    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
    index = _pred_to_index(pred)
    return _branch(index, [false_fun, true_fun], operands, "cond",
                   [("true_fun", true_fun), ("false_fun", false_fun)], order=(1, 0))


def _with_operand(operands, operand):
    """The operands, JAX's old ``operand=`` keyword included (not with positional ones)."""
    if operand is _NO_OPERAND:
        return operands
    if operands:
        raise TypeError("if 'operand' keyword is passed then no positional operands can "
                        f"be passed, got operand={operand!r} and positional operands "
                        f"{operands!r}")
    return (operand,)


@api_boundary
def switch(index, branches, *operands, operand=_NO_OPERAND):
    """``branches[index](*operands)``, with ``index`` clamped to the valid range.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.switch(5, [lambda x: x, lambda x: 2 * x, lambda x: 3 * x], np.array(1.0))
    array(3.)
    """
    operands = _with_operand(operands, operand)
    branches = list(branches) if not callable(branches) else branches
    if not isinstance(branches, list) or not all(callable(b) for b in branches):
        raise TypeError("lax.switch: branches argument should be a sequence of callables.")
    if not branches:
        raise ValueError("Empty branch sequence")
    index = index if isinstance(index, (np.ndarray, np.generic, Tracer, bool, int, float,
                                        complex)) else np.asarray(index)
    a = get_aval(index)
    if a.shape != ():
        raise TypeError(f"Branch index must be scalar, got {index} of shape {tuple(a.shape)}.")
    if a.dtype.kind not in "iu":
        raise TypeError(f"Index type must be an integer, got {index} as {a.dtype}")
    if len(branches) == 1:
        return branches[0](*operands)
    n = len(branches)
    if isinstance(index, Tracer):
        index = ew.minimum_p.bind(ew.maximum_p.bind(index, 0), n - 1)
        index = ew.convert_element_type_p.bind(index, dtype=np.dtype(np.int32))
    else:
        index = np.int32(min(max(int(index), 0), n - 1))
    names = [(f"branch {i}" if i == 0 else f"branch{i}", b) for i, b in enumerate(branches)]
    return _branch(index, branches, operands, "switch", names, order=tuple(range(n)))


def _branch(index, funs, operands, api, names, order):
    leaves, in_tree = tu.tree_flatten(operands)
    leaves = [_leaf(x) for x in leaves]
    avals = [abstractify(x) for x in leaves]
    traced = [_trace(f, in_tree, avals, api=api) for f in funs]
    # checks in display order: the first named branch against each other one
    first = traced[order[0]]
    for k in order[1:]:
        _check_branch_outputs(api, names[0], first, names[order.index(k)], traced[k])
    closed = [c for c, _ in traced]
    out_tree = first[1]
    closed = _harmonize_weak(closed)
    forwarded = _forwarded_operands(closed)
    if any(j is not None for j in forwarded):
        closed = [ClosedJaxpr(Jaxpr(c.jaxpr.constvars, c.jaxpr.invars, c.jaxpr.eqns,
                                    [v for v, j in zip(c.jaxpr.outvars, forwarded, strict=True)
                                     if j is None]), c.consts) for c in closed]
    closed, extra = cf.join_branches(closed)
    computed = iter(cf.cond_p.bind(index, *extra, *leaves, branches=tuple(closed)))
    outs = [next(computed) if j is None else _forward(leaves[j]) for j in forwarded]
    if not any(isinstance(o, Tracer) for o in outs):
        outs = _finish_eager(outs)
    return tu.tree_unflatten(out_tree, outs)


def _forwarded_operands(closed):
    """Per output, the operand position that every branch returns unchanged (None
    if some branch computes it).  Such an output is the operand itself, not a
    result of the cond, so under vmap it stays unbatched when the operand is."""
    invars = [c.jaxpr.invars for c in closed]
    forwarded = []
    for k in range(len(closed[0].jaxpr.outvars)):
        positions = set()
        for c, ins in zip(closed, invars, strict=True):
            v = c.jaxpr.outvars[k]
            positions.add(next((j for j, w in enumerate(ins) if w is v), None))
        j = positions.pop() if len(positions) == 1 else None
        forwarded.append(j)
    return forwarded


def _forward(x):
    """A forwarded operand: a tracer as it is; a concrete array copied (results
    never alias operands: NumPy arrays are mutable)."""
    return x if isinstance(x, Tracer) else np.array(x)


def _check_branch_outputs(api, n1, t1, n2, t2):
    (name1, f1), (name2, f2) = n1, n2
    (c1, tree1), (c2, tree2) = t1, t2
    info = f"{name1} is {_fun_info(f1)}\n{name2} is {_fun_info(f2)}\n\n"
    if tree1 != tree2:
        diffs = [f"{name1} output{' at path ' + tu.keystr(p) if p else ''} is a {a} but "
                 f"{name2} output{' at path ' + tu.keystr(p) if p else ''} is a {b}, so {e}"
                 for p, a, b, e in _structure_diffs(_placeholder(tree1), _placeholder(tree2))]
        if not diffs:
            return
        differences = (f"{diffs[0]}.\n" if len(diffs) == 1 else
                       "\n".join(f"  * {d};\n" for d in diffs[:-1]) + f"  * {diffs[-1]}.\n")
        raise TypeError(f"{api} branch outputs must have the same pytree structure, but they "
                        f"differ:\n\n{info}{differences}\nRevise {name1} and/or {name2} so "
                        "that they have the same pytree structure.")
    paths = _paths(tree1)
    diffs = []
    for p, a, b in zip(paths, c1.out_avals, c2.out_avals, strict=True):
        if _typematch(a, b) or _weak_compatible(a, b):
            continue
        at = f" at path {tu.keystr(p)}" if p else ""
        diffs.append(f"the output of {name1}{at} has type {a.str_short()} but the corresponding "
                     f"output of {name2} has type {b.str_short()}{_mismatch_extra(a, b)}")
    if diffs:
        raise TypeError(f"{api} branches must have equal output types but they differ.\n\n"
                        f"{info}{_join_diffs(diffs)}\nRevise {name1} and/or {name2} so that "
                        "all output types match.")


def _weak_compatible(a, b):
    """Same shape, and one is a weak type of the same kind as the other."""
    return (tuple(a.shape) == tuple(b.shape) and a.dtype.kind == b.dtype.kind
            and (a.weak_type or b.weak_type))


def _harmonize_weak(closed):
    """Convert weakly typed branch outputs to the dtype the others agree on."""
    n_out = len(closed[0].out_avals)
    target = []
    for k in range(n_out):
        avs = [c.out_avals[k] for c in closed]
        strong = [a for a in avs if not a.weak_type]
        target.append(strong[0].dtype if strong else avs[0].dtype)
    out = []
    for c in closed:
        need = [a.dtype != t for a, t in zip(c.out_avals, target, strict=True)]
        if not any(need):
            out.append(c)
            continue

        def fun(*args, c=c):
            res = eval_jaxpr(c.jaxpr, c.consts, *args)
            return [_convert_leaf(r, t) if nd else r
                    for r, t, nd in zip(res, target, need, strict=True)]
        out.append(trace_to_jaxpr(fun, c.in_avals))
    return out


@api_boundary
def select(pred, on_true, on_false):
    """Elementwise ``on_true`` where ``pred`` else ``on_false`` (no type promotion).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.select(np.array([True, False]), np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    array([1., 4.])
    """
    pred, on_true, on_false = (asarray_like(pred), asarray_like(on_true),
                               asarray_like(on_false))
    pa, ta, fa = get_aval(pred), get_aval(on_true), get_aval(on_false)
    if tuple(ta.shape) != tuple(fa.shape):
        raise TypeError(f"select cases must have the same shapes, got "
                        f"[{tuple(fa.shape)}, {tuple(ta.shape)}].")
    if ta.dtype != fa.dtype and not (ta.weak_type or fa.weak_type):
        raise TypeError(f"lax.select requires arguments to have the same dtypes, got "
                        f"{fa.dtype}, {ta.dtype}. (Tip: jnp.where is a similar function that "
                        "does automatic type promotion on inputs).")
    if pa.shape != () and tuple(pa.shape) != tuple(ta.shape):
        raise TypeError(f"select `which` must be scalar or have the same shape as cases, got "
                        f"`which` shape {tuple(pa.shape)} but case shape {tuple(ta.shape)}.")
    if pa.dtype.kind not in "biu":
        raise TypeError(f"select `which` must be boolean or integer type, got {pa.dtype}.")
    if pa.dtype.kind != "b":
        pred = ew.not_equal_p.bind(pred, 0)
    out = ew.where_p.bind(pred, on_true, on_false)
    return out if isinstance(out, Tracer) else np.asarray(out)
