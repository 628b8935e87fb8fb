"""``ufunc_fold_p``: NumPy's own ``ufunc.reduce`` / ``ufunc.accumulate`` of a
binary ufunc along one axis (the ufuncs without a vmapx reduction, reached
through ``interop``), and ``left_fold``, the same fold computed left to right
with ``vmapx.numpy`` operations, whose derivative is the primitive's JVP.

The JVP is computed with the numpy layer, so this module sits above the basic
numpy sections (docs/layers.md), as JAX's ``lax.linalg`` rules use
``jax.numpy``; ``prims/__init__`` does not import it (``interop`` does)."""
from __future__ import annotations

import numpy as np

from ..autodiff import aval_of, jvp_flat
from ..core import dummy_of, Primitive, ShapedArray
from ..jnp import basic_api as jnp
from ..jnp.ufuncs import UFUNC_TO_FN
from .reductions import _reduced_shape
from .shapes import transpose_p

_cache: dict = {}


# ------------------------------------------- ufunc.reduce / ufunc.accumulate
# NumPy's own ``ufunc.reduce``/``accumulate`` of any binary ufunc along one
# axis, so the result is whatever NumPy computes (its evaluation order for
# non-reorderable ufuncs such as ``power`` differs between NumPy releases).
# ``batched`` counts the leading batch axes: a batched operand is made
# C-contiguous first, so every example has the layout of a fresh NumPy array
# (NumPy's order can depend on the memory layout).


def _ufunc_fold_impl(x, *, ufunc, method, axis, keepdims=False, initial=None, batched=0):
    x = np.asarray(x)
    if batched:
        x = np.ascontiguousarray(x)
    kw = {} if initial is None else {"initial": initial}
    if method == "reduce":
        return getattr(ufunc, method)(x, axis=axis, keepdims=keepdims, **kw)
    return getattr(ufunc, method)(x, axis=axis)


def _ufunc_fold_abstract(a, *, ufunc, method, axis, keepdims=False, initial=None, batched=0):
    key = ("ufunc_fold", ufunc, method, a.dtype, a.weak_type)  # ``initial`` is cast
    dt = _cache.get(key)
    if dt is None:
        d = np.ones((1,), a.dtype) if not a.weak_type else np.asarray([dummy_of(a)])
        dt = _cache[key] = _ufunc_fold_impl(d, ufunc=ufunc, method=method, axis=0).dtype
    if method == "accumulate":
        return ShapedArray(a.shape, dt)
    return ShapedArray(_reduced_shape(a.shape, (axis,), keepdims), dt)


ufunc_fold_p = Primitive("ufunc_fold", _ufunc_fold_impl, abstract=_ufunc_fold_abstract)


def _ufunc_fold_batch(ax, vals, dims, *, axis, batched=0, **params):
    (x,), (d,) = vals, dims
    if d != 0:  # the batch axis goes first (see ``batched`` above)
        nd = len(aval_of(x).shape)
        x = transpose_p.bind(x, perm=(d,) + tuple(i for i in range(nd) if i != d))
    return ufunc_fold_p.bind(x, axis=axis + 1, batched=batched + 1, **params), 0


def _ufunc_fold_jvp(primals, tangents, *, ufunc, method, axis, keepdims=False, initial=None,
                    batched=0):
    """The tangent is that of the left-to-right fold (``ufunc.reduce``'s
    definition), whatever order NumPy evaluates the primal in."""
    (x,), (t,) = primals, tangents
    out = ufunc_fold_p.bind(x, ufunc=ufunc, method=method, axis=axis, keepdims=keepdims,
                            initial=initial, batched=batched)
    _, (tan,) = jvp_flat(
        lambda xs: [left_fold(ufunc, method, xs[0], axis, keepdims, initial)], [x], [t])
    return out, tan


ufunc_fold_p.batch = _ufunc_fold_batch
ufunc_fold_p.jvp = _ufunc_fold_jvp


def left_fold(ufunc, method, x, axis, keepdims=False, initial=None):
    """``ufunc.reduce``/``accumulate`` along one axis by definition, folding
    left to right with ``vmapx.numpy`` operations (differentiable): the JVP of
    ``ufunc_fold_p``."""
    fn = UFUNC_TO_FN[ufunc]
    x = jnp.moveaxis(x, axis, 0)
    if initial is not None:
        x = jnp.concatenate([jnp.broadcast_to(jnp.astype(initial, x.dtype), (1,) + x.shape[1:]),
                             x])
    n = x.shape[0]
    if method == "accumulate":
        rows = [x[0]] if n else []
        for i in range(1, n):
            rows.append(fn(rows[-1], x[i]))
        return jnp.moveaxis(jnp.stack(rows), 0, axis) if rows else jnp.moveaxis(x, 0, axis)
    if n == 0:
        out = jnp.full(x.shape[1:], ufunc.identity, x.dtype)
    else:
        out = x[0]
        for i in range(1, n):
            out = fn(out, x[i])
    return jnp.expand_dims(out, axis) if keepdims else out
