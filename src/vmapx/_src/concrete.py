"""Concrete per-example values in eager ``vmap``: splitting the batch.

Ordinary per-example NumPy code asks for Python values: ``if v > 0:``,
``float(v)``, ``range(n)``, ``np.asarray(x)``.  Under an eager ``vmap`` every
batched value is concrete, so vmapx knows, example by example, what each of
those would return.  It uses that (see ``docs/per-example-code.md``):

* **Agreement**: when every example gives the same value, that value is the
  answer and the batch goes on as one.
* **Split**: otherwise the examples are grouped by the value they give.  The
  largest group goes on in the running call: the batch trace is narrowed to it
  (``BatchTrace.narrow``; earlier values are gathered lazily when next used).
  Every other group is *pending*: once the running call returns, the function
  runs again from the start on just that group's examples (a *replay*), which
  reach the same point with one value and go on (splitting again if they
  disagree later).  The groups' outputs are put back in batch order.
* **Loop**: when nearly every example gives its own value (many small groups),
  the call is abandoned (``LoopFallback``) and the function runs once per
  example, plainly: exactly the loop ``np.stack([f(x) for x in xs])``.  A
  ``VmapLoopWarning`` names the user's line, once per line.

Under ``jit`` values are abstract, ``to_concrete`` returns ``None``, and JAX's
errors stand; ``vmap(..., strict=True)`` or the ``vmapx_strict_vmap`` option
keep JAX's errors in eager ``vmap`` as well.
"""
from __future__ import annotations

import itertools
import os
import sys
import threading
import time
import warnings

import numpy as np

from . import inputs, prng
from . import tree as tu
from .tree import flatten_axes
from .autodiff import JVPTrace as _JVPTrace
from .batching import BatchTrace as _BatchTrace
from .core import Tracer, _state as _core_state
from .errors import PACKAGE_DIR
from .jnp.base import asarray_like
from .staging import StagingTrace as _StagingTrace
from .jnp.shapes import stack
from .prims.indexing import take_p
from .prims.shapes import concatenate_p

STRICT = os.environ.get("VMAPX_STRICT_VMAP", "").strip().lower() in ("1", "true", "yes", "on")
"""``True``: eager ``vmap`` raises JAX's errors instead of splitting the batch
(``vmapx.config.update('vmapx_strict_vmap', True)``, env ``VMAPX_STRICT_VMAP=1``,
or ``vmap(..., strict=True)`` for one function)."""

LOOP_MIN_GROUPS = 8
"""A split into more groups than this, averaging fewer than ``LOOP_GROUP_SIZE``
examples each, runs as a per-example loop instead."""
LOOP_GROUP_SIZE = 4


class VmapLoopWarning(UserWarning):
    """``vmap`` ran a function once per example (a Python loop), because each
    example needed its own Python value at the line the warning names."""


class LoopFallback(BaseException):
    """Abandon a batched call and run its examples one by one.

    A ``BaseException``, so that neither user code's ``except Exception`` nor
    NumPy's protocol probing swallows it on its way to the ``vmap`` call that
    owns ``split``."""

    def __init__(self, split, site, why=None, fix=None):
        super().__init__()
        self.split = split
        self.site = site
        self.why = why   # what the line does, when it is not a Python value per example
        self.fix = fix   # how to keep such code batched


class SmallGroups(BaseException):
    """A split left every group of the running call with fewer than
    ``LOOP_GROUP_SIZE`` examples: the call stops, all its groups are pending
    (``split.pending``), and the owning ``vmap`` runs the small ones as the loop
    and replays the others batched (a ``BaseException``, as ``LoopFallback``)."""

    def __init__(self, split, site):
        super().__init__()
        self.split = split
        self.site = site


HOOKS_ACTIVE: dict = {}
"""How many running calls use each table of ``numpy_hooks``' wrappers (kept here,
below the hooks, because a split consults it)."""


class RetryWithHooks(BaseException):
    """A batch is about to split for a data conversion while some of
    ``numpy_hooks``' wrappers are not installed (its code scan missed a
    function): the ``vmap`` call runs again with all of them, so that
    ``np.asarray`` & co. stay batched rather than split the batch."""


_retrying = threading.local()


def request_retry():
    """Ask the running ``vmap`` call for a retry with every wrapper: raises
    ``RetryWithHooks`` and also notes the request for this thread, since NumPy's
    C code (item assignment into an ndarray, ``np.array`` of a list) may turn
    the exception into its own ``ValueError``."""
    _retrying.wanted = True
    raise RetryWithHooks()


def take_retry_request() -> bool:
    """Whether a retry was requested in this thread since the last call (and
    forget the request)."""
    wanted = getattr(_retrying, "wanted", False)
    _retrying.wanted = False
    return wanted


def hooks_complete() -> bool:
    """Whether every table of wrappers that can be installed now is installed
    (or this thread already retries with all of them: no second retry)."""
    if getattr(_retrying, "depth", 0):
        return True
    return bool(HOOKS_ACTIVE.get("numpy")) and bool(HOOKS_ACTIVE.get("math")) and (
        bool(HOOKS_ACTIVE.get("norm")) or "scipy.stats" not in sys.modules)


class retrying:
    """``with retrying():`` -- the call retried with every wrapper installed, in
    which a split never asks for another retry."""
    __slots__ = ()

    def __enter__(self):
        _retrying.depth = getattr(_retrying, "depth", 0) + 1

    def __exit__(self, *exc):
        _retrying.depth -= 1
        return False


class SplitState:
    """What one batched run of an eager ``vmap`` call knows of its splits.

    ``positions`` maps the examples the run still computes to its own batch
    (``None`` until the first split); ``pending`` holds the index arrays (into
    the run's batch) of the groups to replay afterwards.
    """
    __slots__ = ("positions", "pending", "collective", "replay", "started")

    def __init__(self, replay=False):
        self.positions = None
        self.pending = []
        self.collective = False
        self.replay = replay
        self.started = time.perf_counter()   # its time weighs replays against the loop

    def note_collective(self, prim):
        """A collective over this batch's axis name: it needs the whole batch."""
        if self.positions is not None or self.replay:
            raise ValueError(
                f"vmapx.vmap split its batch on a per-example Python value (an `if`, "
                f"`float(x)`, `np.asarray(x)`, ...), so the collective '{prim.name}' over the "
                "named axis cannot see the whole batch. Compute the collective before the "
                "value-dependent Python code, use vmapx.numpy.where / lax.cond for the "
                "branch, or pass strict=True to vmap for JAX's error at the branch.")
        self.collective = True

    def split(self, trace, full: np.ndarray, aval, data=False):
        """Return the value ``full`` (the batch on axis 0) has in the examples
        that go on, splitting the batch where the examples disagree.  ``data``:
        the value is wanted as data (``np.asarray``, ``float``), which the
        ``numpy_hooks`` wrappers would have kept batched where installed."""
        n = full.shape[0]
        if n == 0:  # no example: the function runs once, on zeros, for the output shape
            return np.zeros(aval.shape, aval.dtype)
        groups = group_by_value(full, LOOP_MIN_GROUPS, LOOP_GROUP_SIZE)
        if groups is None:
            return full[0]
        if self.collective:
            raise ValueError(
                "vmapx.vmap cannot split this batch on a per-example Python value: a "
                "collective over the named axis was already computed on the whole batch. "
                "Use vmapx.numpy.where / lax.cond for the branch.")
        if data and not hooks_complete():
            request_retry()
        if groups is LOOP:
            raise LoopFallback(self, user_site())
        sizes = [len(g) for g in groups]
        pos = self.positions
        if max(sizes) < LOOP_GROUP_SIZE and len(self.pending) >= 2 and \
                trace.parent.parent is None:
            # Scalar-style code (a decision per element: ``min(a, b)`` in a dynamic
            # program) after two splits already, in a vmap with no transform around
            # it: batching has stopped paying; these examples run as the loop.
            self.pending.extend(g if pos is None else pos[g] for g in groups)
            raise SmallGroups(self, user_site())
        k = sizes.index(max(sizes))
        keep = groups[k]
        for i, g in enumerate(groups):
            if i != k:
                self.pending.append(g if pos is None else pos[g])
        self.positions = keep if pos is None else pos[keep]
        trace.narrow(keep)
        return full[keep[0]]


LOOP = object()


def eager_split():
    """The split state of the eager vmap running the current operation, or ``None``
    (no vmap, or a ``jit`` above or below it, whose trace runs the code once, as
    JAX's; ``grad``'s staged tangents do not count: its values run eagerly)."""
    t = _core_state.trace
    split = None
    while t is not None:
        if type(t) is _JVPTrace and type(t.parent) is _StagingTrace:
            t = t.parent
        elif type(t) is _StagingTrace:
            return None
        elif split is None and type(t) is _BatchTrace:
            split = t.split
        t = t.parent
    return split


DRAW_FIX = ("To keep it batched, draw for the whole batch outside the function and pass "
            "the numbers in, or use vmapx.random with a key per example.")
"""The advice for per-example draws from NumPy's random state or a ``Generator``."""


def request_loop(why, fix):
    """Run the current eager vmap call as the loop over its examples, because the
    user's line does something only the loop defines (``why``: what it does;
    ``fix``: how to keep it batched, for the warning); a no-op outside an eager
    vmap (the caller then does what it does there)."""
    split = eager_split()
    if split is not None:
        raise LoopFallback(split, user_site(), why, fix)


def group_by_value(full: np.ndarray, loop_min=None, loop_size=None):
    """Index arrays of the examples (axis 0) with bit-identical values, in
    order of first appearance; ``None`` when all examples agree, ``LOOP`` when
    there are more than ``loop_min`` groups of fewer than ``loop_size``
    examples on average."""
    n = full.shape[0]
    if full.dtype == np.bool_ and full.ndim == 1:
        first = bool(full[0])
        other = np.flatnonzero(full != first)
        if other.size == 0:
            return None
        return [np.flatnonzero(full == first), other]
    flat = np.ascontiguousarray(full).reshape(n, -1)
    width = flat.shape[1] * flat.dtype.itemsize
    if width == 0:
        return None
    if width in (1, 2, 4, 8):   # the bit pattern as an unsigned int: a fast exact sort
        keys = flat.view(np.dtype(f"u{width}")).ravel()
    else:
        keys = flat.view(np.dtype((np.void, width))).ravel()
    if (keys == keys[0]).all():
        return None
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    if loop_min is not None and len(counts) > loop_min and len(counts) * loop_size > n:
        return LOOP
    order = np.argsort(inverse, kind="stable")
    bounds = np.flatnonzero(np.diff(inverse[order])) + 1
    groups = np.split(order, bounds)
    groups.sort(key=lambda g: g[0])
    return groups


_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))
_SCIPY_DIR = os.path.join(os.path.dirname(_NUMPY_DIR), "scipy")


def user_site():
    """``(filename, lineno, module globals)`` of the innermost frame outside
    vmapx, NumPy and SciPy: the user's line that asked for a Python value."""
    f = sys._getframe(1)
    while f is not None:
        name = f.f_code.co_filename
        fn = os.path.abspath(name)
        if not fn.startswith((PACKAGE_DIR, _NUMPY_DIR, _SCIPY_DIR)):
            return name, f.f_lineno, f.f_globals
        f = f.f_back
    return "<unknown>", 0, {}


def warn_loop(site, n, fun_name, why=None, fix=None):
    filename, lineno, globs = site
    registry = globs.setdefault("__warningregistry__", {}) if globs else None
    where = f"the line {os.path.basename(filename)}:{lineno}"
    if why is not None:   # something only the loop defines (``request_loop``)
        text = f"{where} {why}, which the loop does once per example. {fix}"
    else:
        text = (f"{where} needs a Python value (an `if`, `float(x)`, `np.asarray(x)`, "
                "...) that differs in nearly every example. To keep it batched, keep the "
                "value an array: np.where(c, a, b) or lax.cond for a branch, "
                "x.astype(float) for float(x), NumPy functions called on the value itself "
                "instead of np.asarray(x).")
    warnings.warn_explicit(
        f"vmapx.vmap ran {fun_name} once per example (a Python loop over {n} examples): "
        + text,
        VmapLoopWarning, filename, lineno, registry=registry,
        module=globs.get("__name__", "<unknown>") if globs else "<unknown>")


# ----------------------------------------------------------- runs and merging


def take_examples(leaves, in_dims, positions):
    """The mapped leaves gathered at ``positions`` along their batch axes."""
    out = []
    for x, d in zip(leaves, in_dims, strict=True):
        if d is None:
            out.append(x)
        elif type(x) is np.ndarray:
            out.append(x.take(positions, axis=d))
        else:
            nd = len(x.shape)
            out.append(take_p.bind(x, positions, axis=d % nd))
    return out


def merge(results, groups, out_dims, out_tree):
    """Put the outputs of runs over ``groups`` of examples back in batch order.

    ``results`` are the runs' flat output leaves (``out_axes`` applied),
    ``groups`` the example positions each run computed, ``out_dims`` the
    output axis of each leaf (``None`` for unmapped outputs, which must agree).
    """
    order = np.concatenate(groups)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    merged = []
    for i, d in enumerate(out_dims):
        parts = [r[i] for r in results]
        if d is None:
            first = parts[0]
            for p in parts[1:]:
                if isinstance(p, Tracer) or isinstance(first, Tracer) or \
                        not np.array_equal(p, first, equal_nan=_has_nan_kind(first)):
                    raise ValueError(
                        "vmap out_axes is None for an output whose value depends on the "
                        "batch: the examples took different Python branches that gave "
                        "different values for it. Map that output (an int out_axes).")
            merged.append(first)
            continue
        shapes = {_shape(p)[:d] + _shape(p)[d + 1:] for p in parts}
        if len(shapes) > 1:
            raise ragged_error(shapes)
        merged.append(_concat_take(parts, d, inverse))
    return tu.tree_unflatten(out_tree, merged)


def ragged_error(shapes) -> ValueError:
    """The error for per-example outputs whose shapes differ."""
    return ValueError(
        "vmap got per-example outputs of different shapes "
        f"({', '.join(str(s) for s in sorted(shapes))}): they cannot be stacked into one "
        "batch (the loop np.stack([f(x) for x in xs]) fails the same way). Reduce the ragged "
        "part before returning it (x[mask].sum()), or give it a fixed size "
        "(np.nonzero(m, size=n) in vmapx.numpy, np.where(mask, x, fill)).")


def check_same_structure(first, other):
    """Outputs of runs over different groups of examples must share one pytree
    structure, as the loop's outputs must to be stacked."""
    if other != first:
        raise ValueError(
            "vmap got outputs of different structures from examples that took different "
            f"Python branches: {first} and {other}.")


def _has_nan_kind(x):
    return inputs.is_inexact(np.asarray(x).dtype)


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _concat_take(parts, d, inverse):
    if all(type(p) is np.ndarray for p in parts):
        return np.concatenate(parts, axis=d).take(inverse, axis=d)
    parts = [asarray_like(p) for p in parts]
    joined = parts[0] if len(parts) == 1 else concatenate_p.bind(*parts, axis=d)
    return take_p.bind(joined, inverse, axis=d)


def run_loop(fun, treedef, leaves, in_dims, n, out_axes, axis_name):
    """``fun`` called once per example (the mapped leaves indexed), outputs stacked
    along ``out_axes``: the loop that is the oracle of ``vmap``.

    Each mapped input is copied once, batch axis first, and the examples are its
    rows (so ``fun`` cannot write into the caller's array); with positional
    arguments and an array output the loop does nothing else per example.
    """
    if axis_name is not None:
        raise ValueError(
            f"vmapx.vmap(axis_name={axis_name!r}) needs a different Python value in nearly "
            "every example and would run as a per-example loop, where collectives over the "
            "named axis cannot run. Keep the value an array (np.where / lax.cond), or "
            "compute the collective outside the vmap.")
    columns = []
    for x, d in zip(leaves, in_dims, strict=True):
        if d is None:
            columns.append(itertools.repeat(x, n))
        elif type(x) is np.ndarray:
            columns.append(iter(np.moveaxis(x, d, 0).copy()))
        else:
            d = d % len(x.shape)
            columns.append(x[(slice(None),) * d + (i,)] for i in range(n))
    positional = treedef == tu.tree_structure((tuple(leaves), {}))
    outs = []
    if positional:
        for ex in zip(*columns):
            outs.append(fun(*ex))
    else:
        for ex in zip(*columns):
            args, kwargs = tu.tree_unflatten(treedef, list(ex))
            outs.append(fun(*args, **kwargs))
    return _stack_outputs(outs, out_axes)


def _stack_outputs(outs, out_axes):
    """Per-example outputs stacked along ``out_axes`` (as ``vmap`` returns them)."""
    first = outs[0]
    if isinstance(first, (np.ndarray, np.generic, float, int, complex, bool)) and \
            type(out_axes) is int:
        try:
            return np.stack(outs, axis=out_axes % (np.ndim(first) + 1))
        except ValueError:   # shapes differ: the message below names them
            pass
    flat = [tu.tree_flatten(o) for o in outs]
    out_tree = flat[0][1]
    for _, t in flat:
        check_same_structure(out_tree, t)
    dims = flatten_axes("vmap out_axes", first, out_axes)
    keys = prng.key_mask(first)      # out_axes of key arrays count their keys' dimensions
    stacked = []
    for j, d in enumerate(dims):
        col = [f[0][j] for f in flat]
        if d is None:
            stacked.append(col[0])
            continue
        shapes = {_shape(c) for c in col}
        if len(shapes) > 1:
            raise ragged_error(shapes)
        rank = len(shapes.pop()) + 1
        d = prng.key_out_dim(d, rank) if keys is not None and keys[j] else d % rank
        if any(isinstance(c, Tracer) for c in col):
            stacked.append(stack(col, axis=d))
        else:
            stacked.append(np.stack(col, axis=d))
    return tu.tree_unflatten(out_tree, stacked)
