"""Structured control flow of ``vmapx.lax``: ``cond``, ``switch``, ``select``,
``while_loop``, ``fori_loop``, ``scan`` and ``associative_scan`` (``map``,
which vmaps its batches, is in ``lax_map.py``, above ``vmap``'s entry).

The functions stage their bodies to jaxprs (values of enclosing transforms
that a body closes over become operands), check the bodies' output types with
JAX's messages, and bind the primitives of ``prims.control_flow``.
``associative_scan`` needs no primitive: it is the parallel-prefix algorithm
written with slicing and concatenation.
"""
from __future__ import annotations

import inspect
import operator

import numpy as np

from . import inputs
from . import numpy_api as jnp, tree as tu
from .core import ShapedArray, Tracer, dummy_of, get_aval
from .errors import api_boundary
from .jnp.base import asarray_like
from .prims import control_flow as cf, elementwise as ew
from .staging import ClosedJaxpr, Jaxpr, abstractify, eval_jaxpr, trace_to_jaxpr

_NO_OPERAND = object()

# ------------------------------------------------------------------ helpers


def _fun_info(f):
    name = getattr(f, "__name__", type(f).__name__)
    code = getattr(f, "__code__", None)
    if code is None:
        return name
    return f"{name} at {code.co_filename}:{code.co_firstlineno}"


def _capitalize(s):
    return s[0].upper() + s[1:]


def _leaf(x):
    if isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex)):
        return x
    if hasattr(x, "__array__"):
        a = np.asarray(x)
        if a.dtype != object:
            return a
    raise TypeError(f"Argument '{x}' of type {type(x)} is not a valid JAX type")


def _out_leaves(out, fun, api):
    """The leaves of a traced function's output, checked (JAX's message names
    the function and the output component)."""
    leaves, tree = tu.tree_flatten(out)
    res = []
    for i, x in enumerate(leaves):
        try:
            res.append(_leaf(x))
        except TypeError:
            at = "" if tree.is_leaf() else \
                f" at output component {tu.keystr(tu.tree_flatten_with_path(out)[0][i][0])}"
            raise TypeError(f"function {_fun_info(fun)} traced for {api} returned a value of "
                            f"type {type(x)}{at}, which is not a valid JAX type") from None
    return res, tree


def _trace(fun, in_tree, avals, splat=True, api="cond"):
    """Stage ``fun`` (pytree in / pytree out) at ``avals``: ``(closed, out_tree)``.
    With ``splat`` the tree is a tuple of positional arguments, else the one argument.
    The branches of ``cond``/``switch`` also stage the work on values of enclosing
    transforms they close over (it runs only in the branch, and a batched
    predicate guards its derivatives); loop bodies leave it outside (hoisted)."""
    box = []

    def flat(*xs):
        args = tu.tree_unflatten(in_tree, xs)
        out = fun(*args) if splat else fun(args)
        leaves, tree = _out_leaves(out, fun, api)
        box.append(tree)
        return leaves

    closed = trace_to_jaxpr(flat, avals, stage_foreign=api in ("cond", "switch"))
    return closed, box[0]


def _mismatch_extra(a, b):
    m = []
    if a.dtype != b.dtype:
        m.append("the dtypes do not match")
    if tuple(a.shape) != tuple(b.shape):
        m.append("the shapes do not match")
    if not m:
        return ""
    return ", so " + (m[0] if len(m) == 1 else ", ".join(m[:-1]) + ", and " + m[-1])


def _typematch(a, b):
    return a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)


def _join_diffs(diffs):
    if len(diffs) == 1:
        return f"{_capitalize(diffs[0])}.\n"
    return "\n".join(f"  * {d};" for d in diffs[:-1]) + f"\n  * {diffs[-1]}.\n"


class _Leaf:
    def __repr__(self):
        return "pytree leaf"


def _structure_diffs(t1, t2, path=()):
    """``(path, thing1, thing2, explanation)`` for each structural difference
    of two pytrees whose leaves are ``_Leaf`` placeholders (JAX's wording)."""
    l1, l2 = isinstance(t1, _Leaf), isinstance(t2, _Leaf)
    if l1 and l2:
        return []
    if type(t1) is not type(t2):
        d1 = "pytree leaf" if l1 else str(type(t1))
        d2 = "pytree leaf" if l2 else str(type(t2))
        return [(path, d1, d2, "their Python types differ")]
    if isinstance(t1, (list, tuple)) and len(t1) != len(t2):
        return [(path, f"{type(t1).__name__} of length {len(t1)}",
                 f"{type(t2).__name__} of length {len(t2)}", "the lengths do not match")]
    if isinstance(t1, dict):
        if set(t1) != set(t2):
            diff = " ".join(repr(k) for k in set(t1) ^ set(t2))
            return [(path, f"{type(t1)} with {len(t1)} children",
                     f"{type(t2)} with {len(t2)} children",
                     f"the numbers of children do not match, with the symmetric difference "
                     f"of key sets: {{{diff}}}")]
        keys = sorted(t1)
        out = []
        for k in keys:
            out += _structure_diffs(t1[k], t2[k], path + (tu.DictKey(k),))
        return out
    if isinstance(t1, (list, tuple)):
        out = []
        fields = getattr(t1, "_fields", None)
        for i, (a, b) in enumerate(zip(t1, t2, strict=True)):
            key = tu.GetAttrKey(fields[i]) if fields else tu.SequenceKey(i)
            out += _structure_diffs(a, b, path + (key,))
        return out
    return [(path, str(type(t1)), str(type(t2)), "the pytree node metadata does not match")]


def _placeholder(tree):
    return tu.tree_unflatten(tree, [_Leaf() for _ in range(tree.num_leaves)])


def _paths(tree):
    return [p for p, _ in tu.tree_flatten_with_path(_placeholder(tree),
                                                    is_leaf=lambda x: isinstance(x, _Leaf))[0]]


def _finish_eager(outs):
    """Results computed eagerly are arrays (never NumPy or Python scalars)."""
    return [o if isinstance(o, (np.ndarray, Tracer)) else np.asarray(o) for o in outs]


def _convert(x, dtype, weak=False):
    dtype = np.dtype(dtype)
    if get_aval(x).dtype == dtype:
        return x
    if isinstance(x, Tracer):
        return ew.convert_element_type_p.bind(x, dtype=dtype)
    if weak and type(x) in (bool, int, float, complex):
        return x  # stays a weak Python scalar; NEP 50 promotes it as the output
    return np.asarray(x, dtype)


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
    if operand is not _NO_OPERAND:
        if operands:
            raise TypeError("if 'operand' keyword is passed then no positional operands can "
                            f"be passed, got operand={operand!r} and positional operands "
                            f"{operands!r}")
        operands = (operand,)
    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
    index = _pred_to_index(pred)
    return _branch(index, [false_fun, true_fun], operands, "cond",
                   [("true_fun", true_fun), ("false_fun", false_fun)], order=(1, 0))


@api_boundary
def switch(index, branches, *operands, operand=_NO_OPERAND):
    """``branches[index](*operands)``, with ``index`` clamped to the valid range.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.switch(5, [lambda x: x, lambda x: 2 * x, lambda x: 3 * x], np.array(1.0))
    array(3.)
    """
    if operand is not _NO_OPERAND:
        if operands:
            raise TypeError("if 'operand' keyword is passed then no positional operands can "
                            f"be passed, got operand={operand!r} and positional operands "
                            f"{operands!r}")
        operands = (operand,)
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


def _convert_leaf(x, dtype):
    if isinstance(x, Tracer):
        return ew.convert_element_type_p.bind(x, dtype=np.dtype(dtype))
    return np.asarray(x, dtype)


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


# ----------------------------------------------------------------- loops


def _carry_name(f):
    try:
        params = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        return None
    return params[0] if params else None


def _check_carry(name, body_fun, in_tree, in_avals, out_tree, out_avals):
    cname = _carry_name(body_fun)

    def component(p):
        if cname:
            return f"the input carry component {cname}{tu.keystr(p)}" if p else \
                f"the input carry {cname}"
        return f"the input carry at path {tu.keystr(p)}" if p else "the input carry"

    if in_tree != out_tree:
        diffs = [f"{component(p)} is a {a} but the corresponding component of the carry "
                 f"output is a {b}, so {e}"
                 for p, a, b, e in _structure_diffs(_placeholder(in_tree),
                                                    _placeholder(out_tree))]
        if not diffs:
            return
        differences = (f"{_capitalize(diffs[0])}.\n" if len(diffs) == 1 else
                       "\n".join(f"  * {d};\n" for d in diffs[:-1]) + f"  * {diffs[-1]}.\n")
        raise TypeError(f"{name} function carry input and carry output must have the same "
                        f"pytree structure, but they differ:\n\n{differences}\nRevise the "
                        "function so that the carry output has the same pytree structure as "
                        "the carry input.")
    diffs = [f"{component(p)} has type {a.str_short()} but the corresponding output carry "
             f"component has type {b.str_short()}{_mismatch_extra(a, b)}"
             for p, a, b in zip(_paths(in_tree), in_avals, out_avals, strict=True)
             if not _typematch(a, b)]
    if diffs:
        differences = (f"{_capitalize(diffs[0])}.\n" if len(diffs) == 1 else
                       "\n".join(f"  * {d};\n" for d in diffs[:-1]) + f"  * {diffs[-1]}.\n")
        raise TypeError(f"{name} function carry input and carry output must have equal "
                        f"types, but they differ:\n\n{differences}\nRevise the function so "
                        "that all output types match the corresponding input types.")


def _promote_weak(leaves, in_avals, out_avals):
    """Weakly typed initial carries take the type the body gives them (as JAX)."""
    changed = False
    new = []
    for x, a, b in zip(leaves, in_avals, out_avals, strict=True):
        if a.weak_type and a.dtype != b.dtype:
            dt = np.result_type(dummy_of(a), dummy_of(b))
            if dt != a.dtype:
                x = _convert_leaf(x, dt)
                changed = True
        new.append(x)
    return new, changed


class _AvalShown:
    """An aval in an error message: ``float32[]`` alone, ``ShapedArray(...)`` in a tree."""
    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    def __str__(self):
        return self.aval.str_short()

    def __repr__(self):
        return _aval_repr(self.aval)


def _aval_repr(a):
    weak = ", weak_type=True" if a.weak_type else ""
    return f"ShapedArray({a.str_short()}{weak})"


@api_boundary
def while_loop(cond_fun, body_fun, init_val):
    """``while cond_fun(val): val = body_fun(val)``, with ``val`` a pytree of
    arrays of fixed types.  Forward-mode differentiable.

    Under ``vmap`` with a predicate that differs per element, the loop runs
    until every element is done; finished elements keep their values.

    >>> import numpy as np, vmapx
    >>> from vmapx import lax
    >>> lax.while_loop(lambda x: x < 10, lambda x: x * 2, 1)
    array(16)
    >>> vmapx.vmap(lambda x: lax.while_loop(lambda v: v < 10, lambda v: v * 2, x))(
    ...     np.array([1, 3, 20]))
    array([16, 12, 20])
    """
    if not (callable(body_fun) and callable(cond_fun)):
        raise TypeError("lax.while_loop: body_fun and cond_fun arguments should be callable.")
    leaves, in_tree = tu.tree_flatten(init_val)
    leaves = [_leaf(x) for x in leaves]
    for _ in range(2):
        avals = [abstractify(x) for x in leaves]
        cond_j, cond_tree = _trace(cond_fun, in_tree, avals, splat=False, api="while_loop")
        outs = cond_j.out_avals
        if not cond_tree.is_leaf() or len(outs) != 1 or outs[0].shape != () or \
                outs[0].dtype != np.dtype(bool):
            raise TypeError("cond_fun must return a boolean scalar, but got output type(s) "
                            f"[{', '.join(_aval_repr(a) for a in outs)}].")
        body_j, body_tree = _trace(body_fun, in_tree, avals, splat=False, api="while_loop")
        if body_tree != in_tree:
            _check_carry("while_loop body", body_fun, in_tree, avals, body_tree,
                         body_j.out_avals)
        leaves, changed = _promote_weak(leaves, avals, body_j.out_avals)
        if not changed:
            break
    _check_carry("while_loop body", body_fun, in_tree, avals, body_tree, body_j.out_avals)
    cond_j, cc = cf.join_branches([cond_j])
    body_j, bc = cf.join_branches([body_j])
    outs = cf.while_p.bind(*cc, *bc, *leaves, cond_jaxpr=cond_j[0], body_jaxpr=body_j[0],
                           cond_nconsts=len(cc), body_nconsts=len(bc))
    if not any(isinstance(o, Tracer) for o in outs):
        outs = _finish_eager(outs)
    return tu.tree_unflatten(in_tree, outs)


@api_boundary
def fori_loop(lower, upper, body_fun, init_val, *, unroll=None):
    """``for i in range(lower, upper): val = body_fun(i, val)``.

    With concrete bounds it is a ``scan`` (so reverse-mode differentiable);
    with traced bounds a ``while_loop``.

    >>> from vmapx import lax
    >>> lax.fori_loop(0, 4, lambda i, x: x + i, 0.0)
    array(6.)
    """
    if not callable(body_fun):
        raise TypeError("lax.fori_loop: body_fun argument should be callable.")
    lower, upper = _leaf(lower), _leaf(upper)
    la, ua = get_aval(lower), get_aval(upper)
    dtype = la.dtype if la.dtype == ua.dtype else None
    if dtype is None and la.dtype.kind == "i" and ua.dtype.kind == "i":
        if la.weak_type and not ua.weak_type:
            dtype = ua.dtype
        elif ua.weak_type and not la.weak_type:
            dtype = la.dtype
    if dtype is None:
        raise TypeError("lower and upper arguments to fori_loop must have equal types, got "
                        f"{la.dtype.name} and {ua.dtype.name}")
    if not isinstance(lower, Tracer) and not isinstance(upper, Tracer):
        # As in JAX, concrete bounds become Python ints: the loop index is a
        # weakly typed default int whatever the bounds' dtype.
        lo, hi = int(lower), int(upper)
        i0 = lo

        def step(carry, _):
            i, x = carry
            return (i + 1, body_fun(i, x)), None

        (_, result), _ = scan(step, (i0, init_val), None, length=max(hi - lo, 0),
                              unroll=1 if unroll is None else unroll)
        return result
    if not la.weak_type or isinstance(lower, Tracer):
        lower = _convert_leaf(lower, dtype) if get_aval(lower).dtype != dtype else lower
    if not ua.weak_type or isinstance(upper, Tracer):
        upper = _convert_leaf(upper, dtype) if get_aval(upper).dtype != dtype else upper

    def wcond(c):
        return c[0] < c[1]

    def wbody(c):
        i, hi, x = c
        return i + 1, hi, body_fun(i, x)

    _, _, result = while_loop(wcond, wbody, (lower, upper, init_val))
    return result


@api_boundary
def scan(f, init, xs=None, length=None, reverse=False, unroll=1, _split_transpose=False):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``,
    returning the final carry and the stacked ``y``s.  Differentiable in both
    modes; under ``vmap`` the carry is batched as far as the body makes it.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0))
    (array(6.), array([0., 0., 1., 3.]))
    """
    if not callable(f):
        raise TypeError("lax.scan: f argument should be a callable.")
    x_leaves, x_tree = tu.tree_flatten(xs)
    x_leaves = [_leaf(x) for x in x_leaves]
    lengths = []
    for x in x_leaves:
        s = get_aval(x).shape
        if not s:
            raise ValueError(f"scan got value with no leading axis to scan over: {x}.")
        lengths.append(s[0])
    if length is not None:
        try:
            length = operator.index(length)
        except TypeError:
            raise TypeError(f"length argument to scan must be an int, but got {length}") \
                from None
        if any(n != length for n in lengths):
            raise ValueError(f"scan got `length` argument of {length} which disagrees with "
                             f"leading axis sizes {sorted(set(lengths))}.")
    else:
        if not lengths:
            raise ValueError("scan got no values to scan over and `length` not provided.")
        if len(set(lengths)) > 1:
            raise ValueError("scan got values with different leading axis sizes: "
                             f"{', '.join(str(n) for n in lengths)}.")
        length = lengths[0]
    if isinstance(unroll, bool):
        unroll = length if unroll else 1
    c_leaves, c_tree = tu.tree_flatten(init)
    c_leaves = [_leaf(c) for c in c_leaves]
    x_avals = [ShapedArray(tuple(a.shape[1:]), a.dtype, a.weak_type)
               for a in [abstractify(x) for x in x_leaves]]
    for _ in range(2):
        c_avals = [abstractify(c) for c in c_leaves]
        trees = []

        def body(*args):
            out = f(*args)
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                shown = tu.tree_map(lambda o: _AvalShown(get_aval(_leaf(o))), out)
                raise TypeError(f"scan body output must be a pair, got {shown}.")
            _out_leaves(out, f, "scan")
            c_out, y_out = out
            c_l, ct = tu.tree_flatten(c_out)
            y_l, yt = tu.tree_flatten(y_out)
            trees.append((ct, yt, len(c_l)))
            return [_leaf(o) for o in c_l] + [_leaf(o) for o in y_l]

        closed = trace_to_jaxpr(
            lambda *a: body(tu.tree_unflatten(c_tree, a[:len(c_avals)]),
                            tu.tree_unflatten(x_tree, a[len(c_avals):])),
            c_avals + x_avals)
        c_out_tree, y_tree, n_c = trees[0]
        c_out_avals = closed.out_avals[:n_c]
        if c_out_tree != c_tree:
            _check_carry("scan body", f, c_tree, c_avals, c_out_tree, c_out_avals)
        c_leaves, changed = _promote_weak(c_leaves, c_avals, c_out_avals)
        if not changed:
            break
    _check_carry("scan body", f, c_tree, c_avals, c_out_tree, c_out_avals)
    (closed,), extra = cf.join_branches([closed])
    outs = cf.scan_p.bind(*extra, *c_leaves, *x_leaves, jaxpr=closed, num_consts=len(extra),
                          num_carry=len(c_leaves), length=length, reverse=bool(reverse),
                          unroll=int(unroll))
    if not any(isinstance(o, Tracer) for o in outs):
        outs = _finish_eager(outs)
    n_c = len(c_leaves)
    return tu.tree_unflatten(c_tree, outs[:n_c]), tu.tree_unflatten(y_tree, outs[n_c:])


@api_boundary
def associative_scan(fn, elems, reverse=False, axis=0):
    """All prefix combinations ``fn(...fn(fn(e0, e1), e2)..., ek)`` along
    ``axis`` for an associative ``fn`` (which must work elementwise on
    batches), by the parallel-prefix algorithm: ``O(log n)`` calls of ``fn``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.associative_scan(np.add, np.arange(5.0))
    array([ 0.,  1.,  3.,  6., 10.])
    """
    leaves, tree = tu.tree_flatten(elems)
    leaves = [asarray_like(x) for x in leaves]
    if not leaves:
        return elems
    nd = len(get_aval(leaves[0]).shape)
    ax = axis + nd if axis < 0 else axis
    if reverse:
        leaves = [jnp.flip(x, ax) for x in leaves]
    n = get_aval(leaves[0]).shape[ax]
    if not all(get_aval(x).shape[ax] == n for x in leaves[1:]):
        raise ValueError("Array inputs to associative_scan must have the same first "
                         f"dimension. (saw: {[tuple(get_aval(x).shape) for x in leaves]})")

    def sl(x, start, stop=None, step=None):
        idx = [slice(None)] * len(get_aval(x).shape)
        idx[ax] = slice(start, stop, step)
        return x[tuple(idx)]

    def combine(a, b):
        out = fn(tu.tree_unflatten(tree, a), tu.tree_unflatten(tree, b))
        return [asarray_like(o) for o in tu.tree_leaves(out)]

    def interleave(a, b):
        na, nb = get_aval(a).shape[ax], get_aval(b).shape[ax]
        last = None
        if na == nb + 1:
            a, last = sl(a, 0, -1), sl(a, -1)
        st = jnp.stack([a, b], axis=ax + 1)
        s = get_aval(st).shape
        out = jnp.reshape(st, s[:ax] + (s[ax] * 2,) + s[ax + 2:])
        return out if last is None else jnp.concatenate([out, last], axis=ax)

    def rec(es):
        k = get_aval(es[0]).shape[ax]
        if k < 2:
            return es
        reduced = combine([sl(e, 0, -1, 2) for e in es], [sl(e, 1, None, 2) for e in es])
        odd = rec(reduced)
        if k % 2 == 0:
            even = combine([sl(e, 0, -1) for e in odd], [sl(e, 2, None, 2) for e in es])
        else:
            even = combine(odd, [sl(e, 2, None, 2) for e in es])
        even = [jnp.concatenate([sl(e, 0, 1), r], axis=ax) for e, r in zip(es, even, strict=True)]
        return [interleave(e, o) for e, o in zip(even, odd, strict=True)]

    out = rec(leaves)
    if reverse:
        out = [jnp.flip(x, ax) for x in out]
    return tu.tree_unflatten(tree, out)
