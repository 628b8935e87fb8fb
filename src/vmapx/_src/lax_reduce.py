"""``lax``'s reductions: ``lax.reduce`` and ``lax.reduce_window`` with any
computation, over one operand or a pytree of operands (variadic); the named
reductions (``reduce_sum``, ``reduce_max``, ..., ``reduce_xor``), ``argmax`` /
``argmin``, and the cumulative reductions (``cumsum``, ..., ``cumlogsumexp``).

A single operand reduced with a recognised monoid (``lax.add``/``lax.mul``/
``lax.max``/``lax.min``, their ``vmapx.numpy``/NumPy/``operator`` forms, and
``lax.bitwise_and``/``bitwise_or`` on booleans) binds the matching reduction
primitive.  Anything else is a *generic fold*: the reduced elements are stacked
on a leading axis of length ``n`` and combined pairwise, neighbour with
neighbour (``x[0::2]`` with ``x[1::2]``), ``ceil(log2(n))`` calls of the
computation on whole arrays, then ``init`` is combined in once.  Like XLA, the
fold assumes the computation is associative (it keeps the order of the
operands, so it need not be commutative).  The computation is called on arrays
rather than scalars, so it must be elementwise (as XLA's reducers are); it is
written with ``vmapx.numpy``/``lax`` (or NumPy, via interop), so the result
batches and differentiates through those operations.

For ``reduce_window`` the stacked elements are the window offsets: each is
one strided ``lax.slice`` of the operand padded with ``init`` (``lax.pad``,
base dilation as interior padding), so there is no loop over output positions
or over a vmap batch.
"""
from __future__ import annotations

import operator

import numpy as np

from . import lax_ops, lax_shapes, lax_slicing, numpy_api as jnp, tree as tu
from .core import Tracer, get_aval
from .jnp.base import asarray_like, astype, canonicalize_axes, canonicalize_axis
from .lax_loops import associative_scan
from .lax_conv import monoid_kind, monoid_reduce_window, window_params
from .lax_ops import _aval
from .prims import reductions as red
from .prims.reductions import cummax_p, cummin_p
from .prims.windowed import windowed_shape

__all__ = ["reduce", "reduce_window", "reduce_xor", "reduce_sum", "reduce_prod", "reduce_max",
           "reduce_min", "reduce_and", "reduce_or", "argmax", "argmin", "cumsum", "cumprod",
           "cummax", "cummin", "cumlogsumexp"]


def _out(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def _flat_pair(operands, init_values, what):
    ops, tree = tu.tree_flatten(operands)
    inits, init_tree = tu.tree_flatten(init_values)
    if tree != init_tree:
        raise ValueError(f"Operands must have the same tree structure as init_values: {tree} "
                         f"vs. {init_tree}")
    if not ops:
        raise ValueError(f"{what} must have at least one operand.")
    ops = [asarray_like(x) for x in ops]
    inits = [asarray_like(v) for v in inits]
    for v in inits:
        if get_aval(v).shape != ():
            raise TypeError(f"{what} expected init_values to be scalars but init_values have "
                            f"shapes [{', '.join(str(get_aval(i).shape) for i in inits)}].")
    return ops, inits, tree


def _combine(computation, tree, a, b):
    out = computation(tu.tree_unflatten(tree, a), tu.tree_unflatten(tree, b))
    leaves, out_tree = tu.tree_flatten(out)
    if out_tree != tree:
        raise ValueError(f"reduction output must have the same tree structure as the "
                         f"operands {tree} vs. {out_tree}")
    return leaves


def fold_leading(computation, tree, stacked):
    """Combine the slices of every array in ``stacked`` along their leading
    axis, neighbours first: ``ceil(log2(n))`` calls of ``computation``."""
    n = get_aval(stacked[0]).shape[0]
    while n > 1:
        even = n - n % 2
        left = [lax_slicing.slice_in_dim(x, 0, even, 2) for x in stacked]
        right = [lax_slicing.slice_in_dim(x, 1, even, 2) for x in stacked]
        merged = _combine(computation, tree, left, right)
        if n % 2:
            merged = [lax_shapes.concatenate([m, lax_slicing.slice_in_dim(x, n - 1, n)], 0)
                      for m, x in zip(merged, stacked, strict=True)]
        stacked, n = merged, n // 2 + n % 2
    return [lax_shapes.squeeze(x, (0,)) for x in stacked]


def _with_init(computation, tree, inits, acc, dtypes):
    inits = [astype(v, dt) for v, dt in zip(inits, dtypes, strict=True)]
    return _combine(computation, tree, inits, acc)


_BOOL_KINDS = {"sum": "any", "max": "any", "prod": "all", "min": "all"}


def _monoid_reduce(x, init, kind, axes):
    dt = get_aval(x).dtype
    if dt == np.bool_:
        prim = red.reduce_any_p if _BOOL_KINDS[kind] == "any" else red.reduce_all_p
        out = prim.bind(x, axes=axes)
    elif kind in ("sum", "prod"):
        prim = red.reduce_sum_p if kind == "sum" else red.reduce_prod_p
        out = prim.bind(x, axes=axes, dtype=dt)
    else:
        out = (red.reduce_max_p if kind == "max" else red.reduce_min_p).bind(x, axes=axes)
    combine = {"sum": jnp.add, "max": jnp.maximum, "min": jnp.minimum,
               "prod": jnp.multiply}[kind]
    if dt == np.bool_:
        combine = jnp.logical_or if _BOOL_KINDS[kind] == "any" else jnp.logical_and
    return jnp.asarray(combine(out, astype(init, dt)), dt)


def _bool_kind(computation, dtype):
    if np.dtype(dtype) != np.bool_:
        return None
    if computation is lax_ops.bitwise_and:
        return "min"
    if computation is lax_ops.bitwise_or:
        return "max"
    return None


def reduce(operands, init_values, computation, dimensions):
    """Reduce ``operands`` (an array or a pytree of equally shaped arrays) over
    ``dimensions`` with ``computation``, starting from ``init_values`` (scalars,
    same structure).  ``computation(a, b)`` takes and returns that structure.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> x = np.arange(6.0).reshape(2, 3)
    >>> lax.reduce(x, 0.0, lax.add, (1,))
    array([ 3., 12.])
    >>> lax.reduce(x, -np.inf, lambda a, b: np.maximum(a, b) + 0.0, (0,))
    array([3., 4., 5.])
    >>> vals, idx = lax.reduce((x, np.array([[0, 1, 2], [0, 1, 2]])), (-np.inf, 0),
    ...                        lambda a, b: (np.maximum(a[0], b[0]),
    ...                                      np.where(a[0] >= b[0], a[1], b[1])), (1,))
    >>> idx
    array([2, 2])
    """
    ops, inits, tree = _flat_pair(operands, init_values, "reduce")
    shape = tuple(get_aval(ops[0]).shape)
    for x in ops:
        if tuple(get_aval(x).shape) != shape:
            raise ValueError(f"reduce operands must all have the same shape, got "
                             f"{[tuple(get_aval(o).shape) for o in ops]}")
    axes = canonicalize_axes(tuple(operator.index(d) for d in dimensions), len(shape))
    n = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    if len(ops) == 1 and n > 0:
        kind = monoid_kind(computation) or _bool_kind(computation, get_aval(ops[0]).dtype)
        if kind is not None:
            return _out(_monoid_reduce(ops[0], inits[0], kind, axes))
    kept = [d for d in range(len(shape)) if d not in axes]
    rest = tuple(shape[d] for d in kept)
    dtypes = [get_aval(x).dtype for x in ops]
    if n == 0:
        out = [jnp.broadcast_to(astype(v, dt), rest) for v, dt in zip(inits, dtypes,
                                                                      strict=True)]
    else:
        stacked = [lax_shapes.reshape(lax_shapes.transpose(x, tuple(axes) + tuple(kept)),
                                   (n,) + rest) for x in ops]
        acc = fold_leading(computation, tree, stacked)
        out = _with_init(computation, tree, inits, acc, dtypes)
    return tu.tree_unflatten(tree, [_out(o) for o in out])


def reduce_xor(operand, axes):
    """Bitwise (boolean: logical) exclusive or over the dimensions ``axes``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.reduce_xor(np.array([[1, 2, 3], [4, 4, 0]]), (1,))
    array([0, 0])
    """
    x = asarray_like(operand)
    return reduce(x, np.zeros((), get_aval(x).dtype), lax_ops.bitwise_xor, axes)


def reduce_window(operand, init_value, computation, window_dimensions, window_strides=None,
                  padding="VALID", base_dilation=None, window_dilation=None):
    """Reduce every window of ``operand`` (an array, or a pytree of equally
    shaped arrays) with ``computation``, starting from ``init_value``
    (``jax.lax.reduce_window``); pooling is built from it.

    Addition, maximum, minimum and multiplication of one operand use the
    windowed-reduction primitives (padding and base-dilation holes take no
    part); any other computation folds the window elements (padding and holes
    hold ``init_value``, as in XLA).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> lax.reduce_window(x, -np.inf, lax.max, (2, 2), (2, 2), 'VALID')  # max pool
    array([[ 5.,  7.],
           [13., 15.]])
    >>> lax.reduce_window(np.arange(5.0), 0.0, lax.add, (2,), (1,), 'VALID')
    array([1., 3., 5., 7.])
    >>> lax.reduce_window(np.arange(5.0), 0.0, lambda a, b: a + b, (2,), (2,), 'VALID')
    array([1., 5.])
    """
    ops, inits, tree = _flat_pair(operand, init_value, "reduce_window")
    shape = tuple(get_aval(ops[0]).shape)
    for x in ops:
        if tuple(get_aval(x).shape) != shape:
            raise TypeError(f"reduce_window operands must all have the same shape, got "
                            f"{[tuple(get_aval(o).shape) for o in ops]}")
    params = window_params(shape, window_dimensions, window_strides, padding, base_dilation,
                           window_dilation)
    if len(ops) == 1:
        kind = monoid_kind(computation)
        if kind is not None:
            return monoid_reduce_window(ops[0], inits[0], kind, params)
    dtypes = [get_aval(x).dtype for x in ops]
    out_shape = windowed_shape(shape, *params.values())
    config = [(lo, hi, bd - 1) for (lo, hi), bd in zip(params["padding"],
                                                         params["base_dilation"], strict=True)]
    padded = [lax_shapes.pad(x, astype(v, dt), config)
              for x, v, dt in zip(ops, inits, dtypes, strict=True)]
    strides = params["window_strides"]
    elements = [[] for _ in ops]
    for k in np.ndindex(*params["window_dimensions"]):
        start = [int(kk) * wd for kk, wd in zip(k, params["window_dilation"], strict=True)]
        limit = [s + (o - 1) * st + 1 if o else s
                 for s, o, st in zip(start, out_shape, strides, strict=True)]
        for acc, x in zip(elements, padded, strict=True):
            acc.append(lax_shapes.expand_dims(lax_slicing.slice(x, start, limit, strides), (0,)))
    if not elements[0]:  # an empty window: every output is init
        out = [jnp.broadcast_to(astype(v, dt), out_shape)
               for v, dt in zip(inits, dtypes, strict=True)]
    else:
        stacked = [lax_shapes.concatenate(e, 0) for e in elements]
        out = _with_init(computation, tree, inits, fold_leading(computation, tree, stacked),
                         dtypes)
    return tu.tree_unflatten(tree, [_out(o) for o in out])


# ---------------------------------- named, index and cumulative reductions


def _reducer(name, fn, example):
    def op(operand, axes):
        return _out(fn(asarray_like(operand), axis=tuple(operator.index(a) for a in axes)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` over the dimensions ``axes`` (``jax.lax.{name}``).\n\n"
                  f">>> import numpy as np\n>>> from vmapx import lax\n{example}\n")
    return op


def _populate_reducers():
    table = [
        ("reduce_sum", jnp.sum, ">>> lax.reduce_sum(np.ones((2, 3)), (1,))\narray([3., 3.])"),
        ("reduce_prod", jnp.prod,
         ">>> lax.reduce_prod(np.full((2, 2), 2.0), (0, 1))\narray(16.)"),
        ("reduce_max", jnp.max,
         ">>> lax.reduce_max(np.array([[1, 5], [3, 2]]), (0,))\narray([3, 5])"),
        ("reduce_min", jnp.min,
         ">>> lax.reduce_min(np.array([[1, 5], [3, 2]]), (1,))\narray([1, 2])"),
        ("reduce_and", jnp.all,
         ">>> lax.reduce_and(np.array([[True, False], [True, True]]), (1,))\n"
         "array([False,  True])"),
        ("reduce_or", jnp.any,
         ">>> lax.reduce_or(np.array([[True, False], [False, False]]), (1,))\n"
         "array([ True, False])"),
    ]
    return {name: _reducer(name, fn, ex) for name, fn, ex in table}


def argmax(operand, axis: int, index_dtype):
    """Index of the largest element along ``axis``, as ``index_dtype``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.argmax(np.array([[1, 3], [4, 2]]), 1, np.int32)
    array([1, 0], dtype=int32)
    """
    return _out(astype(jnp.argmax(asarray_like(operand), axis=axis), index_dtype))


def argmin(operand, axis: int, index_dtype):
    """Index of the smallest element along ``axis``, as ``index_dtype``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.argmin(np.array([[1, 3], [4, 2]]), 0, np.int32)
    array([0, 1], dtype=int32)
    """
    return _out(astype(jnp.argmin(asarray_like(operand), axis=axis), index_dtype))


def _cumulative(x, axis, reverse, fn):
    x = asarray_like(x)
    axis = canonicalize_axis(axis, len(_aval(x).shape))
    if reverse:
        return _out(jnp.flip(fn(jnp.flip(x, axis), axis), axis))
    return _out(fn(x, axis))


def cumsum(operand, axis: int = 0, reverse: bool = False):
    """Cumulative sum along ``axis`` (from the end with ``reverse``).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.cumsum(np.arange(4), reverse=True)
    array([6, 6, 5, 3])
    """
    return _cumulative(operand, axis, reverse, lambda x, a: jnp.cumsum(x, axis=a))


def cumprod(operand, axis: int = 0, reverse: bool = False):
    """Cumulative product along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.cumprod(np.array([1, 2, 3]))
    array([1, 2, 6])
    """
    return _cumulative(operand, axis, reverse, lambda x, a: jnp.cumprod(x, axis=a))


def cummax(operand, axis: int = 0, reverse: bool = False):
    """Running maximum along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.cummax(np.array([1, 3, 2, 5]), reverse=True)
    array([5, 5, 5, 5])
    """
    return _cumulative(operand, axis, reverse, lambda x, a: cummax_p.bind(x, axis=a))


def cummin(operand, axis: int = 0, reverse: bool = False):
    """Running minimum along ``axis``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.cummin(np.array([3, 1, 2, 0]))
    array([3, 1, 1, 0])
    """
    return _cumulative(operand, axis, reverse, lambda x, a: cummin_p.bind(x, axis=a))


def cumlogsumexp(operand, axis: int = 0, reverse: bool = False):
    """Running ``log(sum(exp(x)))`` along ``axis`` (computed stably).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.cumlogsumexp(np.log(np.array([1.0, 2.0, 3.0])))
    array([0.        , 1.09861229, 1.79175947])
    """
    x = asarray_like(operand)
    return _out(associative_scan(jnp.logaddexp, x, reverse=reverse, axis=axis))


globals().update(_populate_reducers())
