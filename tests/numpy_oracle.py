"""The loop oracle for ``vmapx.numpy`` functions (shared by the numpy-layer tests).

A *case* is a function name, a generator of the positional arguments of ONE
example (``make(rng)``; the structure of what it returns must not depend on
``rng``), keyword arguments, and which positional arguments are never mapped.
``check_vmap`` runs ``vmap`` over a batch of examples with the batch axis first,
last, or given negatively, for batch sizes 0, 1 and 3, and compares with
stacking the function applied to each example: the structure, then shape and
dtype, then values of every output leaf.  ``check_vmap_of_vmap`` does the same
for two nested vmaps.  ``check_numpy`` compares the function on concrete input
with NumPy's.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

import vmapx
from vmapx import tree_util


@dataclasses.dataclass
class Case:
    name: str
    make: Callable
    kw: dict = dataclasses.field(default_factory=dict)
    unmapped: tuple = ()          # positions never mapped (static-ish operands)
    numpy: bool = True            # compare with NumPy on concrete input
    module: str = ""              # "" for vmapx.numpy, else "linalg" / "fft"
    tol: float = 1e-9
    label: str = ""

    @property
    def id(self):
        return self.label or self.name

    def fn(self, namespace):
        mod = getattr(namespace, self.module) if self.module else namespace
        f = getattr(mod, self.name)
        return lambda *a: f(*a, **self.kw)


def _leaves(x):
    return tree_util.tree_leaves(x)


def assert_same(got, want, where, tol=1e-9):
    """Same structure, then per leaf: ndarray-ness, shape, dtype, values."""
    g_leaves, w_leaves = _leaves(got), _leaves(want)
    assert len(g_leaves) == len(w_leaves), f"{where}: {len(g_leaves)} leaves vs {len(w_leaves)}"
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        at = f"{where}, leaf {i}"
        assert g.shape == w.shape, f"{at}: shape {g.shape} != {w.shape}"
        assert g.dtype == w.dtype, f"{at}: dtype {g.dtype} != {w.dtype}"
        if w.dtype.kind in "fc":
            scale = 1e4 if w.dtype in (np.float32, np.complex64) else 1.0
            np.testing.assert_allclose(g, w, rtol=tol * scale, atol=tol * scale,
                                       equal_nan=True, err_msg=at)
        else:
            np.testing.assert_array_equal(g, w, err_msg=at)


def _is_array(x):
    return isinstance(x, np.ndarray)


def _examples(case, n, seed=0):
    return [case.make(np.random.default_rng(seed + k)) for k in range(max(n, 1))]


def _stack_outputs(outs, like, axis=0):
    """Stack per-example output trees leafwise; an empty batch from ``like``."""
    leaves_like, treedef = tree_util.tree_flatten(like)
    if outs:
        per = [tree_util.tree_leaves(o) for o in outs]
        stacked = [np.stack([np.asarray(p[i]) for p in per], axis=axis)
                   for i in range(len(leaves_like))]
    else:
        stacked = [np.moveaxis(np.empty((0,) + np.shape(l), np.asarray(l).dtype), 0, axis)
                   for l in leaves_like]
    return tree_util.tree_unflatten(treedef, stacked)


def _mapped(case, args):
    return [_is_array(a) and i not in case.unmapped for i, a in enumerate(args)]


def _dims(case, args, style):
    dims = []
    for a, m in zip(args, _mapped(case, args), strict=True):
        if not m:
            dims.append(None)
        elif style == "first":
            dims.append(0)
        elif style == "last":
            dims.append(a.ndim)
        else:  # negative
            dims.append(-1)
    return tuple(dims)


def _stack_arg(vals, d, like):
    if vals:
        return np.stack(vals, axis=d)
    return np.moveaxis(np.empty((0,) + like.shape, like.dtype), 0, d)


def check_vmap(case, namespace, styles=("first", "last", "negative"), sizes=(0, 1, 3)):
    f = case.fn(namespace)
    exs = _examples(case, max(sizes))
    first = exs[0]
    like = f(*first)
    for style in styles:
        dims = _dims(case, first, style)
        if all(d is None for d in dims):
            continue
        for size in sizes:
            batched = [a if d is None else _stack_arg([e[i] for e in exs[:size]], d, a)
                       for i, (a, d) in enumerate(zip(first, dims, strict=True))]
            with np.errstate(all="ignore"):
                got = vmapx.vmap(f, in_axes=dims)(*batched)
                want = _stack_outputs([f(*[a if d is None else e[i] for i, (a, d) in
                                           enumerate(zip(first, dims, strict=True))])
                                       for e in exs[:size]], like)
            assert_same(got, want, f"{case.id} in_axes={dims} size={size}", case.tol)


def check_vmap_of_vmap(case, namespace, outer=2, inner=3):
    f = case.fn(namespace)
    grid = [_examples(case, inner, seed=100 + 10 * i) for i in range(outer)]
    first = grid[0][0]
    dims = _dims(case, first, "first")
    if all(d is None for d in dims):
        return
    batched = []
    for i, (a, d) in enumerate(zip(first, dims, strict=True)):
        if d is None:
            batched.append(a)
        else:  # outer axis first, inner axis last
            batched.append(np.stack([np.stack([grid[o][k][i] for k in range(inner)], axis=-1)
                                     for o in range(outer)]))
    inner_dims = tuple(None if d is None else -1 for d in dims)
    with np.errstate(all="ignore"):
        got = vmapx.vmap(vmapx.vmap(f, in_axes=inner_dims), in_axes=dims)(*batched)
        rows = []
        for o in range(outer):
            outs = [f(*[a if d is None else grid[o][k][i] for i, (a, d) in
                        enumerate(zip(first, dims, strict=True))]) for k in range(inner)]
            rows.append(_stack_outputs(outs, f(*first)))
        want = _stack_outputs(rows, rows[0])
    assert_same(got, want, f"{case.id} vmap of vmap", case.tol)


def check_numpy(case, namespace):
    args = case.make(np.random.default_rng(0))
    with np.errstate(all="ignore"):
        got = case.fn(namespace)(*args)
        want = case.fn(np)(*args)
    assert_same(got, want, f"{case.id} against numpy", case.tol)
