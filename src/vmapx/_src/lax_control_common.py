"""What the structured control flow of ``vmapx.lax`` shares (``lax_conditionals``:
``cond``, ``switch``; ``lax_loops``: ``while_loop``, ``fori_loop``, ``scan``):
staging a user's function to a jaxpr, checking that its outputs are arrays, and
describing two pytrees' or two types' differences in JAX's wording.
"""
from __future__ import annotations

import numpy as np

from . import tree as tu
from .core import Tracer
from .prims import elementwise as ew
from .staging import trace_to_jaxpr

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


def _convert_leaf(x, dtype):
    if isinstance(x, Tracer):
        return ew.convert_element_type_p.bind(x, dtype=np.dtype(dtype))
    return np.asarray(x, dtype)
