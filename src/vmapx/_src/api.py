"""User-facing transforms.  This module owns ``vmap``; the other transforms
live in their own modules and are re-exported by ``vmapx``."""
from __future__ import annotations

import collections
import contextvars
import functools
import inspect
import time
from typing import Callable, Hashable

import numpy as np
from numpy.exceptions import AxisError

from . import chunking, concrete, config as options, inputs, numpy_hooks, tree as tu
from . import prng, vmappables
from .tree_prefixes import flatten_axes, spec_leaves
from .batching import BatchTrace, BatchTracer, latest, matchaxis, refresh
from .caches import LRUCache, register
from .concrete import LoopFallback, SmallGroups, SplitState
from .inplace import Buffer
from .ragged import Masked, materialize_tree
from .core import (AxisData, current_trace, finish_output as _finish, get_aval, is_python_scalar,
                   set_trace, _state, Tracer, unaliased)
from .jnp.array import Array, plain
from .errors import api_boundary
from .prims.reductions import reduce_sum_p

_IN_AXES_MSG = ("vmap in_axes must be an int, None, or a tuple of entries corresponding "
                "to the positional arguments passed to the function")


def _check_spec_leaves(spec, what):
    if spec is None or type(spec) is int:
        return
    for leaf in spec_leaves(spec):
        if leaf is not None and type(leaf) is not int and not vmappables.is_spec(leaf):
            raise TypeError(f"vmap {what} must be an int, None, or (nested) container "
                            f"with those types as leaves, but got {spec}.")


def _is_array_like(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic, Tracer)) or is_python_scalar(x)


def _valid_leaf(x, what):
    if _is_array_like(x):
        return x
    if hasattr(x, "__array__") or (hasattr(x, "shape") and hasattr(x, "dtype")):
        return np.asarray(x)
    if what.startswith("Output"):  # JAX's two wordings
        raise TypeError(f"{what} {x!r} with type {type(x)} is not a valid JAX type")
    ty = type(x) if isinstance(x, str) else f"'{type(x)}'"
    raise TypeError(f"{what} '{x}' of type {ty} is not a valid JAX type")


def _input_leaf(x, d):
    """An argument leaf as vmap takes it: arrays JAX rejects raise its errors
    (see ``inputs``), ``np.matrix`` becomes a plain ndarray, other mapped
    leaves must be valid JAX types."""
    if isinstance(x, np.ndarray):
        if type(x) is not np.ndarray and type(x) is not Array:
            x = inputs.plain_input(x)
        if x.dtype.kind not in inputs.VALID_KINDS:
            inputs.reject_dtype(x.dtype)
        return x
    return x if d is None else _valid_leaf(x, "Argument")


def _arg_names(fun, args, kwargs):
    try:
        params = list(inspect.signature(fun).bind(*args, **kwargs).signature.parameters)
    except (TypeError, ValueError):
        params = None
    names = []
    for path, _ in tu.tree_flatten_with_path(args)[0]:
        i = path[0].idx
        if params is None or i >= len(params):
            names.append(f"args{tu.keystr(path)}")
        else:
            names.append(f"argument {params[i]}{tu.keystr(path[1:])}")
    for path, _ in tu.tree_flatten_with_path(kwargs)[0]:
        names.append(f"kwargs{tu.keystr(path)}")
    return names


def _mapped_axis_size(fun, args, kwargs, leaves, dims, axis_size):
    """The batch size, with JAX's errors for bad ranks and inconsistent sizes."""
    if not leaves and axis_size is None:
        raise ValueError(
            "vmap wrapped function must be passed at least one argument containing an "
            f"array or axis_size must be specified, got empty *args={args} and "
            f"**kwargs={kwargs}")
    sizes = []
    for x, d in zip(leaves, dims, strict=True):
        if d is None:
            sizes.append(None)
            continue
        shape = x.shape if isinstance(x, (np.ndarray, np.generic, Tracer)) else np.shape(x)
        if not -len(shape) <= d < len(shape):
            min_rank = d + 1 if d >= 0 else -d
            raise ValueError(
                f"vmap was requested to map its argument along axis {d}, which implies that "
                f"its rank should be at least {min_rank}, but is only {len(shape)} "
                f"(its shape is {tuple(shape)})")
        sizes.append(shape[d])
    distinct = {s for s in sizes if s is not None}
    if axis_size is not None:
        distinct.add(axis_size)
    if len(distinct) == 1:
        size = distinct.pop()
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 0:
            raise TypeError(f"vmap axis_size must be a non-negative int, got {size!r}")
        return size
    if not distinct:
        raise ValueError("vmap must have at least one non-None value in in_axes or "
                         "axis_size must be specified")
    names = _arg_names(fun, args, kwargs)
    msg = ["vmap got inconsistent sizes for array axes to be mapped:\n"]
    if axis_size is not None:
        msg.append(f"  * the `axis_size` argument was {axis_size};\n")
    counts = collections.Counter(s for s in sizes if s is not None).most_common()
    for k, (sz, ct) in enumerate(counts):
        i = sizes.index(sz)
        ex = f"{names[i]} of type {get_aval(leaves[i]).str_short()}"
        if ct == 1:
            msg.append(f"  * one axis had size {sz}: axis {dims[i]} of {ex};\n")
        else:
            lead = "most" if k == 0 else "some"
            msg.append(f"  * {lead} axes ({ct} of them) had size {sz}, e.g. axis {dims[i]} "
                       f"of {ex};\n")
    raise ValueError("".join(msg)[:-2])


def vmap(fun: Callable, in_axes=0, out_axes=0, axis_name: Hashable | None = None,
         axis_size: int | None = None, spmd_axis_name=None, sum_match: bool = False, *,
         kwargs_axes: dict | None = None, chunk_size: int | str | None = None,
         strict: bool | None = None) -> Callable:
    """Vectorizing map: ``fun`` written for one example runs on a whole batch.

    Same arguments and semantics as ``jax.vmap``; mapped values are traced and
    every operation runs once on the whole batch as a NumPy call.  Beyond JAX:

    * ``kwargs_axes``: per-keyword axis specs (``{'scale': None}``); keywords not
      named there are mapped at axis 0, as in JAX.
    * ``chunk_size``: run the batch in chunks of at most this many examples
      (bounded memory); ``'auto'``: the largest chunks whose intermediates fit
      ``vmapx.config.vmapx_memory_budget`` (docs/scale.md).  Results equal the
      unchunked ones up to floating-point reassociation: a matmul or reduction
      over a smaller batch may be blocked differently by BLAS/NumPy (about 1
      ulp); elementwise programs are bit-identical.
    * A ``dask.array.Array`` argument mapped along an axis gives a lazy Dask
      array, one task per block of that axis.
    * Per-example Python values: where ``fun`` needs one from a batched value
      (``if v > 0:``, ``float(v)``, ``range(n)``, ``np.asarray(x)``, ...), the
      batch is split by the value each example gives and each group goes on
      with it; results equal the loop ``np.stack([fun(x) for x in xs])``.
      ``strict=True`` (or the ``vmapx_strict_vmap`` option) raises JAX's
      errors there instead.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda W, x: W @ x, in_axes=(None, 0))(np.eye(2), np.arange(6.).reshape(3, 2))
    array([[0., 1.],
           [2., 3.],
           [4., 5.]])
    """
    if not callable(fun):
        raise TypeError(f"Expected a callable value, got {fun!r}")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if isinstance(in_axes, tuple) and type(in_axes) is not tuple:
        in_axes = tuple(in_axes)   # a namedtuple of axes, as JAX accepts
    if not (in_axes is None or type(in_axes) in (int, tuple) or vmappables.is_spec(in_axes)):
        raise TypeError(f"{_IN_AXES_MSG}, but got {in_axes}.")
    _check_spec_leaves(in_axes, "in_axes")
    _check_spec_leaves(out_axes, "out_axes")
    if kwargs_axes is not None:
        if not isinstance(kwargs_axes, dict):
            raise TypeError(f"vmap kwargs_axes must be a dict from keyword names to axis "
                            f"specs, but got {kwargs_axes!r}.")
        _check_spec_leaves(tuple(kwargs_axes.values()), "kwargs_axes")
    # A bad axis_size is reported at call time: as "inconsistent sizes" when an
    # argument is mapped (as JAX), else by _mapped_axis_size.
    bad_axis_size = axis_size is not None and (
        not isinstance(axis_size, (int, np.integer)) or isinstance(axis_size, bool)
        or axis_size < 0)
    if spmd_axis_name is not None:
        names = spmd_axis_name if isinstance(spmd_axis_name, tuple) else (spmd_axis_name,)
        for n in names:
            try:
                hash(n)
            except TypeError:
                raise TypeError(f"vmap spmd_axis_name must be hashable, got {n!r}") from None
        spmd_axis_name = names
    if axis_name is not None:
        try:
            hash(axis_name)
        except TypeError:
            raise TypeError(f"vmap axis_name must be hashable, got {axis_name!r}") from None
    if chunk_size is not None and not (type(chunk_size) is str and chunk_size == "auto") and (
            type(chunk_size) is not int or chunk_size < 1):
        raise ValueError(f"vmap chunk_size must be a positive int or 'auto', got "
                         f"{chunk_size!r}")
    if strict is not None and not isinstance(strict, bool):
        raise TypeError(f"vmap strict must be a bool or None, got {strict!r}")

    spec_owner = object()   # this function's entries in the shared _spec_cache

    # Flat per-argument axes when in_axes is an int or a tuple of ints/None: the
    # fast path for the common call (positional ndarrays, no keywords).
    flat_axes = in_axes if type(in_axes) is tuple and all(
        a is None or type(a) is int for a in in_axes) and not bad_axis_size else None
    int_axes = (in_axes if (type(in_axes) is int or in_axes is None) and not bad_axis_size
                else False)

    hooks_needed = []

    @api_boundary
    def vmap_f(*args, **kwargs):
        if strict or (strict is None and concrete.STRICT):
            return call(args, kwargs)
        nonlocal fun
        if not hooks_needed:   # found once per mapped function (numpy_hooks.needs)
            hooks_needed.append(numpy_hooks.needs(fun))
            if numpy_hooks.GENERATOR in hooks_needed[0] and not hasattr(fun, "_jaxprs"):
                fun = _drawing(fun)   # (a jitted function draws once, at trace time)
        hooks = hooks_needed[0]
        concrete.take_retry_request()   # a request another call left unanswered
        numpy_hooks.enter(hooks)  # np.asarray & co. keep traced values batched
        try:
            return call(args, kwargs)
        except numpy_hooks.RetryWithHooks:
            concrete.take_retry_request()
            hooks_needed[0] = numpy_hooks.ALL   # the scan missed a function: all, from now
        except Exception:
            if not concrete.take_retry_request():
                raise
            # the request was raised inside NumPy's C code, which reported its own error
            hooks_needed[0] = numpy_hooks.ALL
        finally:
            numpy_hooks.exit_(hooks)
        numpy_hooks.enter(numpy_hooks.ALL)
        try:
            with concrete.retrying():
                return call(args, kwargs)
        finally:
            numpy_hooks.exit_(numpy_hooks.ALL)

    def call(args, kwargs):
        chunk = chunk_size
        if chunk is None and options.AUTO_CHUNK:
            chunk = "auto"
        vm = vmappables.is_vmappable if vmappables.VMAPPABLES else None
        if not kwargs and args and (chunk is None or chunk == "auto") and vm is None:
            dims = flat_axes if flat_axes is not None and len(flat_axes) == len(args) else (
                (int_axes,) * len(args) if int_axes is not False else None)
            if dims is not None and (chunk is None or chunking.runs_whole(
                    lambda ls, ax: _vmap_flat(fun, tu.tree_structure((args, {})), ls, dims, ax,
                                              out_axes, sum_match, strict),
                    fun, args, dims, axis_name, spmd_axis_name, out_axes)):
                out = _vmap_fast(fun, args, dims, axis_name, axis_size, spmd_axis_name,
                                 out_axes, sum_match, strict)
                if out is not _SLOW:
                    return out
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(f"{_IN_AXES_MSG}, but got len(in_axes)={len(in_axes)}, "
                             f"len(args)={len(args)}")
        leaves, treedef = tu.tree_flatten((args, kwargs), is_leaf=vm)
        in_dims, keys = _spec_cache.get((spec_owner, treedef), _NO_SPEC)
        if in_dims is None:
            if kwargs_axes:
                unknown = set(kwargs_axes) - set(kwargs)
                kw_spec = {k: kwargs_axes.get(k, 0) for k in kwargs}
            else:
                kw_spec = 0
            in_dims = flatten_axes("vmap in_axes", (args, kwargs), (in_axes, kw_spec),
                                   kws_note=True, is_leaf=vm)
            keys = prng.key_mask((args, kwargs), vm)   # key arrays' axes are their keys'
            if not kwargs_axes or not unknown:
                _spec_cache[(spec_owner, treedef)] = (in_dims, keys)
        if keys is not None:
            in_dims = prng.key_in_dims(leaves, in_dims, keys)
        dask = chunking.has_dask(leaves)
        if not dask:
            leaves = [x if vm is not None and vm(x) else _input_leaf(x, d)
                      for x, d in zip(leaves, in_dims, strict=True)]
        # registered containers take the size given (axis_size) or the arrays'
        size_dims = in_dims if vm is None else [
            None if vm(x) else d for x, d in zip(leaves, in_dims, strict=True)]
        size = _mapped_axis_size(fun, args, kwargs, leaves, size_dims, axis_size)
        axis = AxisData(axis_name, int(size), spmd_axis_name)
        if chunk is not None or dask:  # in pieces: chunks or Dask blocks (chunking.py)
            out = chunking.run_pieces(
                lambda ls, ax: _vmap_flat(fun, treedef, ls, in_dims, ax, out_axes, sum_match,
                                          strict),
                fun, treedef, leaves, in_dims, axis, chunk, out_axes)
            if out is not chunking.WHOLE:
                return out
        return _vmap_flat(fun, treedef, leaves, in_dims, axis, out_axes, sum_match, strict)

    name = _fun_name(fun)
    _wraps(vmap_f, fun, name,
           f"Vectorized version of {name}. Takes similar arguments as {name} but with "
           f"additional array axes over which {name} is mapped."
           + (f"\n\nOriginal documentation:\n\n{fun.__doc__}" if fun.__doc__ else ""))
    return vmap_f


def _fun_name(fun, default="<unnamed function>") -> str:
    """JAX's name of a callable: its ``__name__``, a partial's function's name,
    else ``default``."""
    name = getattr(fun, "__name__", None)
    if name is not None:
        return name
    if isinstance(fun, functools.partial):
        return _fun_name(fun.func, default)
    return default


def _wraps(wrapper, fun, name, doc):
    """Copy ``fun``'s metadata onto ``wrapper`` as ``jax``'s ``wraps`` does
    (``__name__`` also for partials and callable objects, ``__wrapped__``)."""
    try:
        wrapper.__dict__.update(getattr(fun, "__dict__", {}))
        wrapper.__annotations__ = getattr(fun, "__annotations__", {})
        wrapper.__name__ = name
        wrapper.__module__ = getattr(fun, "__module__", "<unknown module>")
        wrapper.__doc__ = doc
        wrapper.__qualname__ = getattr(fun, "__qualname__", name)
        wrapper.__wrapped__ = fun
    except Exception:  # noqa: BLE001  (as JAX: metadata is best effort)
        pass


SPEC_CACHE_SIZE = 4096
"""Argument structures (treedef -> flat in_axes) kept for all vmapped functions
together, least recently used dropped (``vmapx.clear_caches`` empties it)."""

_spec_cache = register(LRUCache(SPEC_CACHE_SIZE))

_SLOW = object()
_NO_SPEC = (None, None)
_VALID_KINDS = inputs.VALID_KINDS
_axis_data: dict = {}  # interned AxisData of the fast path (axis names are hashable)
_AXIS_DATA_MAX = 256


def _split_state(strict, replay=False):
    """A fresh ``SplitState`` for a batched run, or ``None`` for a strict vmap."""
    if strict or (strict is None and concrete.STRICT):
        return None
    return SplitState(replay)


def _vmap_fast(fun, args, dims, axis_name, axis_size, spmd_axis_name, out_axes, sum_match,
               strict):
    """``vmap`` of positional NumPy arrays with flat axes; ``_SLOW`` when the call
    needs the general path (other leaf types, errors to report, pytree outputs)."""
    size = axis_size
    boxed = list(args)
    i = 0
    for x in args:
        d = dims[i]
        if type(x) is np.ndarray:
            if x.dtype.kind not in _VALID_KINDS:
                return _SLOW  # the general path raises JAX's error
            shape = x.shape
        elif isinstance(x, Tracer):  # e.g. under jit: a value of an outer trace
            shape = x.aval.shape
        elif type(x) is Array:  # unmapped, it stays an Array (traced indexing, .at)
            if d is not None:
                x = boxed[i] = x.view(np.ndarray)
            shape = x.shape
        else:
            return _SLOW
        if d is not None:
            nd = len(shape)
            if not -nd <= d < nd:
                return _SLOW
            s = shape[d]
            if size is None:
                size = s
            elif s != size:
                return _SLOW
        i += 1
    if size is None:
        return _SLOW
    key = (axis_name, size, spmd_axis_name)
    axis = _axis_data.get(key)
    if axis is None:  # single atomic dict calls: safe with concurrent callers
        if len(_axis_data) >= _AXIS_DATA_MAX:
            _axis_data.clear()
        axis = _axis_data.setdefault(key, AxisData(axis_name, size, spmd_axis_name))
    st = _state
    prev = st.trace
    split = _split_state(strict)
    trace = BatchTrace(prev, axis, split)
    plain_args = list(boxed)
    i = 0
    for d in dims:
        if d is not None:
            x = boxed[i]
            boxed[i] = BatchTracer(trace, x, d if d >= 0 else d + len(x.shape))
        i += 1
    st.trace = trace
    try:
        out = _settle(fun(*boxed))
    except (LoopFallback, Exception) as e:
        st.trace = prev
        fallback = e if type(e) is LoopFallback else _library_failure(e, split, prev, axis)
        if fallback is None or fallback.split is not split:
            raise
        leaves, treedef = tu.tree_flatten((tuple(plain_args), {}))
        return _loop(fun, treedef, leaves, list(dims), axis, out_axes, fallback)
    except SmallGroups as e:
        st.trace = prev
        if e.split is not split:
            raise
        leaves, treedef = tu.tree_flatten((tuple(plain_args), {}))
        return _complete_split(fun, treedef, leaves, list(dims), axis, out_axes, sum_match,
                               strict, trace, None, e.site)
    finally:
        st.trace = prev
    if trace.successor is not None:
        leaves, treedef = tu.tree_flatten((tuple(plain_args), {}))
        return _complete_split(fun, treedef, leaves, list(dims), axis, out_axes, sum_match,
                               strict, trace, out)
    if type(out_axes) is int:
        if type(out) is BatchTracer and out._trace is trace:
            return _finish_own(_to_out_axis(out.val, out.bdim, out_axes, size), args)
        if type(out) is tuple and all(type(o) is BatchTracer and o._trace is trace
                                      for o in out):
            return tuple(_finish_own(_to_out_axis(o.val, o.bdim, out_axes, size), args)
                         for o in out)
    leaves, treedef = tu.tree_flatten(out)
    return _finish_outputs(leaves, treedef, out, trace, out_axes, sum_match, axis, args)


def _to_out_axis(val, src, dst, size):
    if src == dst:
        return val
    nd = val.ndim
    if not -nd <= dst < nd:
        raise AxisError(f"axis {dst} is out of bounds for array of dimension {nd}")
    return matchaxis(val, src, dst % nd, size)


def _vmap_flat(fun, treedef, leaves, in_dims, axis: AxisData, out_axes, sum_match,
               strict=None, replay=False):
    """Run ``fun`` on tracers of a fresh batch trace; return the output tree.

    The batch may split on per-example Python values (``concrete``): the
    running call goes on with one group, the others are replayed afterwards.
    """
    split = _split_state(strict, replay)
    prev = current_trace()
    trace = BatchTrace(prev, axis, split)
    boxed = []
    for x, d in zip(leaves, in_dims, strict=True):
        if type(x) in vmappables.VMAPPABLES:      # a registered container: its to_elt
            if d is not None:
                to_elt = vmappables.VMAPPABLES[type(x)][2]
                x = to_elt(vmappables.to_elt_cont(trace), axis.size, x, d)
        elif d is not None:
            d = d % len(x.shape if hasattr(x, "shape") else np.shape(x))
            x = BatchTracer(trace, plain(x), d)
        boxed.append(x)
    args, kwargs = tu.tree_unflatten(treedef, boxed)
    try:
        with set_trace(trace):
            out = _settle(fun(*args, **kwargs))
            if vmappables.VMAPPABLES:   # containers rebuilt while the trace is current
                out = vmappables.containers_from_elts(out, out_axes, trace, axis)
    except (LoopFallback, Exception) as e:
        fallback = e if type(e) is LoopFallback else \
            None if replay else _library_failure(e, split, prev, axis)
        if fallback is None or fallback.split is not split:
            raise
        return _loop(fun, treedef, leaves, in_dims, axis, out_axes, fallback)
    except SmallGroups as e:
        if e.split is not split:
            raise
        return _complete_split(fun, treedef, leaves, in_dims, axis, out_axes, sum_match,
                               strict, trace, None, e.site)
    if trace.successor is not None:
        return _complete_split(fun, treedef, leaves, in_dims, axis, out_axes, sum_match,
                               strict, trace, out)
    out_leaves, out_tree = tu.tree_flatten(out, is_leaf=vmappables.is_vmappable
                                           if vmappables.VMAPPABLES else None)
    return _finish_outputs(out_leaves, out_tree, out, trace, out_axes, sum_match, axis, leaves)


def _library_failure(e, split, prev, axis):
    """The loop fallback for exception ``e`` of an eager batched run (no
    transform around, not strict) when the user's code had called into a
    library (SciPy, an installed package, NumPy's Python code) that failed on
    the traced values it was given (it checks types with ``isinstance``, reads
    ``.base``, calls C code): the loop gives it NumPy's values, so the call runs
    as the loop, which raises again if the failure is the examples' own.
    ``None`` for failures of the user's code or of vmapx's, and where the loop
    cannot run (a named axis: collectives need the batch)."""
    if split is None or prev.parent is not None or axis.name is not None:
        return None
    frames = []
    tb = e.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    last = None
    for i, f in enumerate(frames):
        if numpy_hooks.is_user_code(f.f_code, f.f_globals.get("__name__", "")):
            last = i
    if last is None or last + 1 >= len(frames):
        return None
    callee = frames[last + 1]
    module = callee.f_globals.get("__name__", "")
    if module.partition(".")[0] == "vmapx":
        return None
    user = frames[last]
    return LoopFallback(
        split, (user.f_code.co_filename, user.f_lineno, user.f_globals),
        f"calls {module}.{callee.f_code.co_qualname} (it raised {type(e).__name__} on "
        "traced values)",
        "To keep it batched, use vmapx.numpy / vmapx.scipy functions for this step, or call "
        "the library on NumPy arrays outside the vmap.")


def _settle(out):
    """``fun``'s output with lazy per-example values (ragged selections) made
    batched values, while the batch trace is still current (this may split)."""
    t = type(out)
    if t is BatchTracer or t is np.ndarray:
        return out
    if t is tuple and all(type(o) is BatchTracer for o in out):
        return out
    leaves, tree = tu.tree_flatten(out)
    if not any(type(o) is Masked or type(o) is Buffer for o in leaves):
        return out
    return tu.tree_unflatten(tree, [o.resolve() if type(o) is Buffer else o
                                    for o in materialize_tree(leaves)])


# Each pending group of a split call is replayed batched or run as the loop,
# whichever is estimated cheaper per example (once a call splits into more than
# three groups, or a replay splits again): batched, what the running call took
# divided by its examples; the loop, one example's plain time, measured on the
# first example looped in the call and lowered by every later loop (shared by
# its replays).  Scalar-style code that decides per element (a dynamic
# program's ``min(a, b)``), where tracing overhead makes each batched example
# slower than a plain one, then runs as the loop (and once any run of the call
# stopped on ``SmallGroups``, all its groups do); a convergence loop over many
# examples, cheap per example batched, keeps replaying its groups.
_LOOP_COST = contextvars.ContextVar("vmapx_loop_cost", default=None)


def _complete_split(fun, treedef, leaves, in_dims, axis, out_axes, sum_match, strict, trace,
                    out, small_site=None):
    """Finish a run whose batch was split: its own output (for the examples it
    kept; none when it stopped on ``SmallGroups`` raised at ``small_site``), the
    pending groups replayed or run as the loop (``_LOOP_COST``; those of fewer
    than ``LOOP_GROUP_SIZE`` examples always as the loop), and all put back in
    batch order."""
    split = trace.split
    groups, results, here_tree, here = [], [], None, None
    if out is not None:
        final = latest(trace)
        out_leaves, out_tree = tu.tree_flatten(out)
        out_leaves = [refresh(o) if type(o) is BatchTracer and o._trace.successor is not None
                      else o for o in out_leaves]
        here = _finish_outputs(out_leaves, out_tree, out, final, out_axes, sum_match,
                               final.axis, leaves)
        here_leaves, here_tree = tu.tree_flatten(here)
        groups.append(split.positions)
        results.append(here_leaves)
    run_time = time.perf_counter() - split.started   # the running call, batched
    cost = _LOOP_COST.get()
    token = None
    if cost is None or not split.replay:   # one estimate per call, shared by its replays
        cost = [None, False]
        token = _LOOP_COST.set(cost)
    if small_site is not None:   # a run stopped on small groups: scalar-style code
        cost[1] = True
    looped = 0

    def loop(g):
        nonlocal looped
        t0 = time.perf_counter()
        res = _run_loop(fun, treedef, concrete.take_examples(leaves, in_dims, g), in_dims,
                        len(g), out_axes, None)
        per = (time.perf_counter() - t0) / len(g)
        cost[0] = per if cost[0] is None else min(cost[0], per)   # the least noisy
        looped += len(g)
        return res

    def replay(g):
        sub_axis = AxisData(axis.name, len(g), axis.spmd_name)
        return _vmap_flat(fun, treedef, concrete.take_examples(leaves, in_dims, g), in_dims,
                          sub_axis, out_axes, sum_match, strict, replay=True)

    # Under an enclosing transform (grad, an outer vmap) groups replay batched: the
    # loop would meet that transform's tracers in NumPy buffers.
    plain = current_trace().parent is None
    try:
        for g in split.pending:
            if axis.name is not None or not plain:   # collectives: never the loop
                parts = [(g, replay(g))]
            elif len(g) < concrete.LOOP_GROUP_SIZE:
                parts = [(g, loop(g))]
            elif len(split.pending) <= 2 and not split.replay:   # a branch or two: batched
                parts = [(g, replay(g))]
            else:
                parts = []
                if cost[0] is None:     # one example measures the loop
                    parts.append((g[:1], loop(g[:1])))
                    g = g[1:]
                # per example: the loop's plain time against the running call's
                # batched time (overhead-bound code is slow per example batched);
                # after a run stopped on small groups, the loop
                cheaper = cost[1] or cost[0] * axis.size < run_time
                parts.append((g, loop(g) if cheaper else replay(g)))
            for g, res in parts:
                res_leaves, res_tree = tu.tree_flatten(res)
                if here_tree is None:
                    here, here_tree = res, res_tree
                else:
                    concrete.check_same_structure(here_tree, res_tree)
                groups.append(g)
                results.append(res_leaves)
    finally:
        if token is not None:
            _LOOP_COST.reset(token)
    if small_site is not None and looped * 2 > axis.size and not split.replay:
        # scalar-style code ran mostly as the loop: say where, why
        concrete.warn_loop(small_site, looped, _fun_name(fun))
    dims = [out_axes] * len(results[0]) if type(out_axes) is int else \
        flatten_axes("vmap out_axes", here, out_axes)
    if sum_match and None in dims:
        raise ValueError("vmap(sum_match=True) with out_axes None cannot be combined with a "
                         "batch split on per-example Python values.")
    dims = prng.batched_out_dims(here_tree, [get_aval(o).shape for o in results[0]], dims)
    return concrete.merge(results, groups, dims, here_tree)


def _drawing(fun):
    """``fun``, which draws from a NumPy ``Generator`` made outside it: in an
    eager vmap the call runs as the loop, each example drawing from the
    advancing state as the loop does (once at trace time under ``jit`` or
    ``strict``, as JAX)."""
    @functools.wraps(fun)
    def run(*args, **kwargs):
        concrete.request_loop("draws from a NumPy Generator made outside the function",
                              concrete.DRAW_FIX)
        return fun(*args, **kwargs)
    return run


def _run_loop(fun, treedef, leaves, in_dims, n, out_axes, axis_name):
    """``concrete.run_loop``; at NumPy's speed where no trace is around it."""
    if current_trace().parent is None:   # the evaluation trace: plain NumPy values
        with numpy_hooks.plain_thread():
            return concrete.run_loop(fun, treedef, leaves, in_dims, n, out_axes, axis_name)
    return concrete.run_loop(fun, treedef, leaves, in_dims, n, out_axes, axis_name)


def _loop(fun, treedef, leaves, in_dims, axis, out_axes, fallback):
    """The per-example loop a run fell back to (``concrete.LoopFallback``)."""
    concrete.warn_loop(fallback.site, axis.size, _fun_name(fun), fallback.why, fallback.fix)
    out = _run_loop(fun, treedef, leaves, in_dims, axis.size, out_axes, axis.name)
    out_leaves, out_tree = tu.tree_flatten(out)
    return tu.tree_unflatten(out_tree, [_finish(o) for o in out_leaves])


def _finish_own(x, sources):
    """``_finish`` of a result that must not alias the call's inputs."""
    if type(x) is np.ndarray:
        x = unaliased(x, sources)
    return _finish(x)


def _finish_outputs(out_leaves, out_tree, out, trace, out_axes, sum_match, axis, sources=()):
    """Move (or broadcast) each output leaf's batch axis to its ``out_axes`` entry."""
    vm = vmappables.VMAPPABLES
    if type(out_axes) is int:
        out_dims = [out_axes] * len(out_leaves)
    else:
        out_dims = flatten_axes("vmap out_axes", out, out_axes,
                                is_leaf=vmappables.is_vmappable if vm else None)
    # out_axes of key arrays count their keys' dimensions (0 and None need nothing)
    keys = None if out_axes is None or (type(out_axes) is int and out_axes == 0) else \
        prng.treedef_key_mask(out_tree)
    results = []
    for i, (leaf, dst) in enumerate(zip(out_leaves, out_dims, strict=True)):
        if vm and type(leaf) in vm:      # a container, rebuilt by its from_elt already
            results.append(leaf)
            continue
        if keys is not None and keys[i] and dst is not None:   # an axis of the key's data
            dst = prng.key_out_dim(dst, len(get_aval(leaf).shape) + 1)
        if type(leaf) is BatchTracer and leaf._trace is trace:
            val, src = leaf.val, leaf.bdim
            if src == dst:
                results.append(_finish_own(val, sources))
                continue
        else:
            val, src = _valid_leaf(leaf, "Output from batched function"), None
        if dst is None:
            if src is not None:
                if sum_match:
                    results.append(reduce_sum_p.bind(val, axes=(src,), keepdims=False))
                    continue
                if axis.name is not None:
                    raise ValueError(f"vmap has mapped output (axis_name={axis.name}) but "
                                     f"out_axes is None")
                paths = tu.tree_flatten_with_path(
                    tu.tree_unflatten(out_tree, [0] * out_tree.num_leaves))[0]
                raise ValueError(f"at vmap out_axes{tu.keystr(paths[i][0])}, got axis spec "
                                 f"None but output was batched on axis {src}")
            results.append(_finish_own(val, sources))
            continue
        nd = len(get_aval(val).shape) + (src is None)
        if not -nd <= dst < nd:
            raise AxisError(f"axis {dst} is out of bounds for array of dimension {nd}")
        results.append(_finish_own(matchaxis(val, src, dst % nd, axis.size), sources))
    return tu.tree_unflatten(out_tree, results)
