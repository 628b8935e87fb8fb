"""Loops of ``vmapx.lax``: ``while_loop``, ``fori_loop``, ``scan`` and
``associative_scan`` (``map``, which vmaps its batches, is in ``lax_map.py``,
above ``vmap``'s entry).

The loops stage their bodies to jaxprs (values of enclosing transforms that a
body closes over become operands), check that the carry keeps its pytree
structure and types with JAX's messages (a weakly typed initial carry takes
the type the body gives it), and bind ``while_p`` / ``scan_p``.
``associative_scan`` needs no primitive: it is the parallel-prefix algorithm
written with slicing and concatenation.
"""
from __future__ import annotations

import inspect
import operator

import numpy as np

from . import numpy_api as jnp, tree as tu
from .core import ShapedArray, Tracer, dummy_of, get_aval
from .errors import api_boundary
from .jnp.base import asarray_like
from .lax_control_common import (_capitalize, _convert_leaf, _finish_eager, _leaf,
                                 _mismatch_extra, _out_leaves, _paths, _placeholder,
                                 _structure_diffs, _trace, _typematch)
from .prims import control_flow as cf
from .staging import trace_to_jaxpr
from .staging_api import abstractify


# ------------------------------------------------------------ carry checks


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
