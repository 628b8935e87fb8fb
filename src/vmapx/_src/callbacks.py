"""Host callbacks: ``vmapx.debug.print``, ``vmapx.debug.callback`` and
``vmapx.pure_callback``, and their primitives.

* ``debug_callback`` calls a Python function for its side effect and returns
  nothing.  It is *effectful*: ``jit`` keeps it (never dead code, never merged
  with an identical call), so it runs at every execution of a jitted function,
  not once at trace time.  Under ``vmap`` it is unrolled over the batch -- the
  callback sees one example at a time, as in JAX 0.10 -- and under
  differentiation it sees the primal values.
* ``pure_callback`` calls a Python function computing arrays of declared
  shapes and dtypes.  It is pure (it may be folded or dropped like any other
  operation); its batching follows ``vmap_method`` as JAX documents it.
* ``io_callback`` (``vmapx.experimental``) is both: results of declared
  shapes, and effectful like ``debug_callback`` (staged even on untraced
  operands, never dropped); under ``vmap`` it runs once per example in order.
"""
from __future__ import annotations

import functools
import string

import numpy as np

from . import inputs
from . import jit_program, tree as tu
from .core import shape_of, ShapedArray, Tracer
from .errors import api_boundary
from .batching import bdim_to_front, broadcast_batched
from .prims.shapes import broadcast_in_dim_p, concatenate_p, reshape_p, static_index_p
from .staging import EffectPrimitive


class _Flat:
    """A user callback on flat leaves (the pytree structure it is called
    with is kept here, and the static leaves: ``{position: value}`` of the
    leaves that are not arrays); a primitive parameter hashed by identity."""
    __slots__ = ("fn", "in_tree", "label", "static")

    def __init__(self, fn, in_tree, label, static=None):
        self.fn = fn
        self.in_tree = in_tree
        self.label = label
        self.static = static

    def __call__(self, *leaves):
        leaves = [np.asarray(x) for x in leaves]
        if self.static:
            dyn = iter(leaves)
            leaves = [self.static[i] if i in self.static else next(dyn)
                      for i in range(len(leaves) + len(self.static))]
        args, kwargs = tu.tree_unflatten(self.in_tree, leaves)
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return self.label


def _name(fn):
    return getattr(fn, "__name__", type(fn).__name__)


def _leaves_of(args, kwargs, what):
    leaves, tree = tu.tree_flatten((tuple(args), dict(kwargs)))
    for x in leaves:
        if isinstance(x, Tracer):
            continue
        if not (isinstance(x, (np.ndarray, np.generic, bool, int, float, complex))
                or hasattr(x, "__array__")) or inputs.kind(np.asarray(x).dtype) not in "biufc":
            raise TypeError(f"{what}: argument {x!r} of type {type(x)} is not a valid JAX "
                            "type (pass arrays or scalars; bind other values into the "
                            "callback with functools.partial)")
    return leaves, tree


def _is_array_like(x):
    return (isinstance(x, (Tracer, np.ndarray, np.generic, bool, int, float, complex))
            or hasattr(x, "__array__")) and (isinstance(x, Tracer)
                                             or inputs.kind(np.asarray(x).dtype) in "biufc")


def _split_static(args, kwargs):
    """The array leaves of ``(args, kwargs)`` (passed through the computation)
    and the others (strings, objects: kept with the callback and handed to it
    as they are), as JAX's debug callbacks split them."""
    leaves, tree = tu.tree_flatten((tuple(args), dict(kwargs)))
    dyn, static = [], {}
    for i, x in enumerate(leaves):
        if _is_array_like(x):
            dyn.append(x)
        else:
            static[i] = x
    return dyn, tree, static


def _slice(x, d, i):
    """Example ``i`` of ``x`` batched at ``d`` (with primitives: ``x`` may be a tracer)."""
    index = (("s", None, None, None),) * d + (int(i),)
    return static_index_p.bind(x, index=index)


# ----------------------------------------------------------- debug_callback


def _debug_callback_impl(*args, callback):
    callback(*args)
    return []


def _debug_callback_batch(axis, vals, dims, *, callback):
    for i in range(axis.size):
        debug_callback_p.bind(*[v if d is None else _slice(v, d, i)
                                for v, d in zip(vals, dims, strict=True)], callback=callback)
    return [], []


def _debug_callback_jvp(primals, tangents, *, callback):
    debug_callback_p.bind(*primals, callback=callback)
    return [], []


debug_callback_p = EffectPrimitive(
    "debug_callback", _debug_callback_impl, abstract=lambda *avals, callback: [],
    batch=_debug_callback_batch, jvp=_debug_callback_jvp, multiple_results=True)


def _register_effect():
    jit_program.EFFECTFUL.add(debug_callback_p)


_register_effect()


def debug_callback(callback=None, *args, ordered=False, partitioned=False, **kwargs):
    """Call ``callback(*args, **kwargs)`` for its side effect, also under
    transforms: at every execution of a ``jit``-ted function, once per
    example under ``vmap`` (the callback sees one example's NumPy arrays), on
    the primal values under ``grad``.  Returns ``None``.  Arguments that are
    not arrays (strings, objects) are handed to the callback as they are.
    With no ``callback`` it is JAX's two-call form:
    ``debug.callback(ordered=True)(callback, *args)``.

    >>> import numpy as np, vmapx
    >>> def f(x):
    ...     vmapx.debug.callback(lambda v: print("saw", v), x)
    ...     return x * 2
    >>> vmapx.vmap(f)(np.array([1.0, 2.0]))
    saw 1.0
    saw 2.0
    array([2., 4.])
    """
    if callback is None:
        if args or kwargs:
            raise TypeError("debug_callback received unexpected arguments in the two-call form:"
                            f" args={args!r} kwargs={kwargs!r}")
        return debug_callback
    if not callable(callback):
        raise TypeError(f"first argument to jax.debug.callback must be callable, but got an "
                        f"object of type {type(callback)}")
    leaves, tree, static = _split_static(args, kwargs)
    debug_callback_p.bind(*leaves, callback=_Flat(callback, tree, _name(callback), static))
    return None


class _FormatChecker(string.Formatter):
    """JAX's check of a ``debug.print`` format against its arguments, at the
    call: a missing argument raises as ``str.format`` does, an unused one
    raises ``ValueError``."""

    def format_field(self, value, format_spec):
        return ""

    def check_unused_args(self, used_args, args, kwargs):
        unused_args = [a for i, a in enumerate(args) if i not in used_args]
        unused_kwargs = [k for k in kwargs if k not in used_args]
        if unused_args:
            raise ValueError(f"Unused positional arguments to `jax.debug.print`: {unused_args}")
        if unused_kwargs:
            raise ValueError(
                f"Unused keyword arguments to `jax.debug.print`: {unused_kwargs}. You may be "
                "passing an f-string (i.e, `f\"{x}\"`) into `jax.debug.print` and instead "
                "should pass in a regular string.")


_FORMAT_CHECKER = _FormatChecker()


def _format_print(fmt, has_placeholders, printoptions):
    def show(*args, **kwargs):
        with np.printoptions(**printoptions):
            if has_placeholders:
                msg = fmt.format(*args, **kwargs)
            else:
                msg = " ".join((fmt, *(str(a) for a in args)))
        print(msg)
    show.__name__ = f"print({fmt!r})"
    return show


def debug_print(fmt: str | None = None, *args, ordered=False, partitioned=False,
                skip_format_check=False, **kwargs):
    """``print(fmt.format(*args, **kwargs))`` with the values of ``args`` as
    they are when the computation runs (also under ``jit``, ``vmap`` --
    once per example, as in JAX -- and ``grad``).

    As in JAX: the format is checked against the arguments at the call (an
    unused argument raises ``ValueError``), NumPy's print options are those
    in force at the call, arguments that are not arrays are printed as they
    are, and with no ``fmt`` it is the two-call form
    ``debug.print(ordered=True)(fmt, *args)``.

    >>> import numpy as np, vmapx
    >>> @vmapx.jit
    ... def f(x):
    ...     vmapx.debug.print("x = {}, sum = {s}", x, s=x.sum())
    ...     return x + 1
    >>> _ = f(np.arange(3.0))
    x = [0. 1. 2.], sum = 3.0
    >>> _ = f(np.ones(2))
    x = [1. 1.], sum = 2.0
    """
    if fmt is None:
        if args or kwargs:
            raise TypeError("debug_print received unexpected arguments in the two-call form:"
                            f" args={args!r} kwargs={kwargs!r}")
        return functools.partial(debug_print, ordered=ordered, partitioned=partitioned,
                                 skip_format_check=skip_format_check)
    if not isinstance(fmt, str):
        raise TypeError(f"jax.debug.print expects a format string, got {type(fmt)}")
    if not skip_format_check:
        _FORMAT_CHECKER.format(fmt, *args, **kwargs)
    has_placeholders = any(field is not None for _, field, _, _ in string.Formatter().parse(fmt))
    debug_callback(_format_print(fmt, has_placeholders, np.get_printoptions()), *args, **kwargs)


# ------------------------------------------------------------ pure_callback

VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all",
                "legacy_vectorized")


def _check_results(outs, result_avals):
    outs = list(outs)
    if len(outs) != len(result_avals):
        raise RuntimeError(f"Incorrect number of return values: expected {len(result_avals)}, "
                           f"got {len(outs)}")
    res = []
    for k, (o, a) in enumerate(zip(outs, result_avals, strict=True)):
        o = np.asarray(o)
        if o.shape != tuple(a.shape):
            raise RuntimeError(f"Incorrect output shape for return value #{k}: Expected: "
                               f"{tuple(a.shape)}, Actual: {o.shape}")
        if o.dtype != a.dtype:
            raise RuntimeError(f"Incorrect output dtype for return value #{k}: Expected: "
                               f"{a.dtype}, Actual: {o.dtype}")
        res.append(o)
    return res


def _result_avals(result_shape_dtypes, what):
    """The avals of a callback's declared results, and their pytree structure."""
    spec_leaves, out_tree = tu.tree_flatten(result_shape_dtypes)
    result_avals = []
    for s in spec_leaves:
        if not (hasattr(s, "shape") and hasattr(s, "dtype")):
            raise TypeError(f"{what}: result_shape_dtypes leaves must have shape and "
                            f"dtype (ShapeDtypeStruct or arrays), got {s!r}")
        result_avals.append(ShapedArray(tuple(s.shape), np.dtype(s.dtype)))
    return result_avals, out_tree


def _pure_callback_impl(*args, callback, result_avals, vmap_method):
    return _check_results(tu.tree_leaves(callback(*args)), result_avals)


def _batched_avals(result_avals, size):
    return tuple(ShapedArray((size,) + tuple(a.shape), a.dtype, a.weak_type)
                 for a in result_avals)


def _pure_callback_batch(axis, vals, dims, *, callback, result_avals, vmap_method):
    size = axis.size
    if vmap_method is None:
        raise NotImplementedError(
            "vmap is only supported for the pure_callback primitive when vmap_method is one "
            "of 'sequential', 'sequential_unrolled', 'expand_dims', 'broadcast_all', or "
            "'legacy_vectorized'. Got vmap_method=None.")
    params = dict(callback=callback, vmap_method=vmap_method)
    if vmap_method in ("sequential", "sequential_unrolled"):
        return _sequential(pure_callback_p, size, vals, dims, result_avals,
                           dict(params, result_avals=result_avals))
    args = []
    for v, d in zip(vals, dims, strict=True):
        if d is not None:
            args.append(bdim_to_front(v, d))
        elif vmap_method == "broadcast_all":
            args.append(broadcast_batched(v, None, size))
        elif vmap_method == "expand_dims":
            args.append(reshape_p.bind(v, new_sizes=(1,) + tuple(shape_of(v))))
        else:  # legacy_vectorized: unmapped operands as they are
            args.append(v)
    outs = pure_callback_p.bind(*args, result_avals=_batched_avals(result_avals, size),
                                **params)
    return list(outs), [0] * len(outs)


def _sequential(prim, size, vals, dims, result_avals, params):
    """A callback primitive batched as a loop: bound once per example, in
    order, the results stacked along a new leading axis."""
    if size == 0:
        return [np.zeros((0,) + tuple(a.shape), a.dtype) for a in result_avals], \
            [0] * len(result_avals)
    rows = [prim.bind(*[v if d is None else _slice(v, d, i)
                        for v, d in zip(vals, dims, strict=True)], **params)
            for i in range(size)]
    outs = []
    for k, a in enumerate(result_avals):
        parts = [broadcast_in_dim_p.bind(r[k], shape=(1,) + tuple(a.shape),
                                         dims=tuple(range(1, len(a.shape) + 1)))
                 for r in rows]
        outs.append(parts[0] if size == 1 else concatenate_p.bind(*parts, axis=0))
    return outs, [0] * len(outs)


def _pure_callback_jvp(primals, tangents, **params):
    raise ValueError("Pure callbacks do not support JVP. Please use `vmapx.custom_jvp` to use "
                     "callbacks while taking gradients.")


# Staged under ``jit`` even with no traced operand (an ``EffectPrimitive``), so it
# runs at each execution, as JAX's; not in ``EFFECTFUL``: unused, it is dead code.
pure_callback_p = EffectPrimitive(
    "pure_callback", _pure_callback_impl,
    abstract=lambda *avals, callback, result_avals, vmap_method: list(result_avals),
    batch=_pure_callback_batch, jvp=_pure_callback_jvp, multiple_results=True)


@api_boundary
def pure_callback(callback, result_shape_dtypes, *args, sharding=None, vmap_method=None,
                  **kwargs):
    """Call the Python function ``callback(*args, **kwargs)`` on NumPy arrays
    from inside transformed code; it must return arrays of the shapes and
    dtypes of ``result_shape_dtypes`` (a pytree of ``ShapeDtypeStruct``s or
    arrays), else a ``RuntimeError`` names the first mismatch.

    Under ``vmap``, ``vmap_method`` says how: ``'sequential'`` calls
    ``callback`` once per example and stacks the results;
    ``'expand_dims'`` calls it once with batched operands at axis 0 and
    unbatched ones given a leading axis of size 1; ``'broadcast_all'`` with
    every operand broadcast to the batch size; with ``None`` (the default),
    ``vmap`` raises ``NotImplementedError``, as JAX 0.10 does.  The callback
    is not differentiable (use ``custom_jvp``).

    >>> import numpy as np, vmapx
    >>> spec = vmapx.ShapeDtypeStruct((), np.float64)
    >>> f = lambda x: vmapx.pure_callback(lambda v: np.float64(np.sum(v ** 2)), spec, x,
    ...                                   vmap_method="sequential")
    >>> f(np.arange(3.0))
    array(5.)
    >>> vmapx.vmap(f)(np.arange(6.0).reshape(2, 3))
    array([ 5., 50.])
    """
    if not callable(callback):
        raise TypeError(f"pure_callback: expected a callable, got {callback!r}")
    if vmap_method is not None and vmap_method not in VMAP_METHODS:
        raise ValueError(f"vmap_method must be on of the allowed methods "
                         f"{list(VMAP_METHODS) + [None]}, but got: {vmap_method}")
    result_avals, out_tree = _result_avals(result_shape_dtypes, "pure_callback")
    leaves, tree = _leaves_of(args, kwargs, "pure_callback")
    flat = _Flat(callback, tree, _name(callback))
    outs = pure_callback_p.bind(*leaves, callback=flat, result_avals=tuple(result_avals),
                                vmap_method=vmap_method)
    return tu.tree_unflatten(out_tree, list(outs))


# -------------------------------------------------------------- io_callback


def _io_callback_impl(*args, callback, result_avals, ordered):
    return _check_results(tu.tree_leaves(callback(*args)), result_avals)


def _io_callback_batch(axis, vals, dims, *, callback, result_avals, ordered):
    if ordered:
        raise ValueError("Cannot `vmap` ordered IO callback.")
    return _sequential(io_callback_p, axis.size, vals, dims, result_avals,
                       dict(callback=callback, result_avals=result_avals, ordered=ordered))


def _io_callback_jvp(primals, tangents, **params):
    raise ValueError("IO callbacks do not support JVP.")


io_callback_p = EffectPrimitive(
    "io_callback", _io_callback_impl,
    abstract=lambda *avals, callback, result_avals, ordered: list(result_avals),
    batch=_io_callback_batch, jvp=_io_callback_jvp, multiple_results=True)
jit_program.EFFECTFUL.add(io_callback_p)


@api_boundary
def io_callback(callback, result_shape_dtypes, *args, sharding=None, ordered=False, **kwargs):
    """Call ``callback(*args, **kwargs)`` for its effect and its results (JAX's
    ``jax.experimental.io_callback``): arrays of the shapes and dtypes of
    ``result_shape_dtypes`` (a pytree of ``ShapeDtypeStruct``s, arrays or
    ``None``).

    It is effectful: under ``jit`` it runs at every execution (never dropped or
    merged), inside loops once per iteration. Under ``vmap`` it runs once per
    example, in order; ``ordered=True`` callbacks cannot be vmapped
    (``ValueError``, as in JAX), nor differentiated.

    >>> import numpy as np, vmapx
    >>> from vmapx.experimental import io_callback
    >>> seen = []
    >>> def log(x):
    ...     seen.append(float(x))
    ...     return np.float64(len(seen))
    >>> f = vmapx.jit(lambda x: io_callback(log, vmapx.ShapeDtypeStruct((), np.float64), x))
    >>> f(1.0), f(2.0), seen
    (array(1.), array(2.), [1.0, 2.0])
    >>> vmapx.vmap(f)(np.array([5.0, 6.0]))
    array([3., 4.])
    """
    if not callable(callback):
        raise TypeError(f"io_callback: expected a callable, got {callback!r}")
    result_avals, out_tree = _result_avals(result_shape_dtypes, "io_callback")
    leaves, tree = _leaves_of(args, kwargs, "io_callback")
    flat = _Flat(callback, tree, _name(callback))
    outs = io_callback_p.bind(*leaves, callback=flat, result_avals=tuple(result_avals),
                              ordered=bool(ordered))
    return tu.tree_unflatten(out_tree, list(outs))


# ---------------------------------------------------------------- dce_sink


def _dce_sink_batch(axis, vals, dims, **params):
    dce_sink_p.bind(*vals)         # one use of the batched values
    return [], []


def _dce_sink_jvp(primals, tangents, **params):
    dce_sink_p.bind(*primals)
    return [], []


dce_sink_p = EffectPrimitive("dce_sink", lambda *args: [], abstract=lambda *avals: [],
                              batch=_dce_sink_batch, jvp=_dce_sink_jvp,
                              multiple_results=True)
jit_program.EFFECTFUL.add(dce_sink_p)


def dce_sink(val, *, prevent_mlir_dce=False):
    """Use ``val`` (a pytree of arrays) so that computing it is never removed as
    dead code, as ``jax.lax.dce_sink``; returns ``None``.

    >>> import numpy as np, vmapx
    >>> def f(x):
    ...     vmapx.lax.dce_sink(x * 2.0)     # staged and kept, though unused
    ...     return x
    >>> "dce_sink" in str(vmapx.make_jaxpr(f)(1.0))
    True
    """
    dce_sink_p.bind(*tu.tree_leaves(val))
    return None
