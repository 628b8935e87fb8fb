"""The functions of ``vmapx.numpy`` that are defined by ``vmap``:
``vectorize`` and ``apply_along_axis``.

``vectorize`` is NumPy's (generalized-ufunc signatures, broadcasting of the
loop dimensions, ``excluded``) built on ``vmap``: the function runs once, on
whole batches, one ``vmap`` per loop dimension.  Where JAX's version diverges
from NumPy's, this follows NumPy: keyword arguments that are not excluded are
vectorized too.

This module sits above ``vmap``'s entry (``api``), so it is not part of
``_src/numpy_api.py``: ``vmapx.numpy`` adds its functions to that namespace
(docs/layers.md)."""
from __future__ import annotations

import functools
import re

import numpy as np

from ..api import vmap
from ..core import Tracer, get_aval, ndim_of
from ..errors import api_boundary
from .. import inputs, tree as tu
from .base import asarray_like, canonicalize_axis
from . import basic_api as jnp

__all__ = ["vectorize", "apply_along_axis"]

_DIMENSION_NAME = r"\w+"
_CORE_DIMENSION_LIST = "(?:{0:}(?:,{0:})*)?".format(_DIMENSION_NAME)
_ARGUMENT = r"\({}\)".format(_CORE_DIMENSION_LIST)
_ARGUMENT_LIST = "{0:}(?:,{0:})*".format(_ARGUMENT)
_SIGNATURE = "^{0:}->{0:}$".format(_ARGUMENT_LIST)


def _parse_signature(signature):
    """``'(m,n),(n)->(m)'`` -> ``([('m', 'n'), ('n',)], [('m',)])`` (whitespace ignored)."""
    sig = re.sub(r"\s+", "", signature)
    if not re.match(_SIGNATURE, sig):
        raise ValueError(f"not a valid gufunc signature: {signature}")
    return tuple([tuple(re.findall(_DIMENSION_NAME, arg))
                  for arg in re.findall(_ARGUMENT, arg_list)]
                 for arg_list in sig.split("->"))


def _update_dim_sizes(dim_sizes, shape, core_dims, context, *, is_input):
    nd = len(core_dims)
    if not is_input and len(shape) != nd:
        raise ValueError(f"output shape {tuple(shape)} does not match core dimensions "
                         f"{core_dims!r}{context}")
    if not nd:
        return
    if len(shape) < nd:
        raise ValueError(f"input with shape {tuple(shape)} does not have enough dimensions for "
                         f"all core dimensions {core_dims!r}{context}")
    for dim, size in zip(core_dims, shape[len(shape) - nd:], strict=True):
        if dim in dim_sizes:
            if size != dim_sizes[dim]:
                raise ValueError(f"inconsistent size for core dimension {dim!r}: {size} vs "
                                 f"{dim_sizes[dim]}{context}")
        else:
            dim_sizes[dim] = size


def vectorize(pyfunc, *, excluded=frozenset(), signature=None):
    """Vectorize ``pyfunc`` like ``numpy.vectorize``, with ``vmap``.

    ``signature`` (e.g. ``'(n),(n)->()'``) names the core dimensions each
    argument and output has; all leading dimensions are loop dimensions,
    broadcast against each other.  Without it every argument is a scalar to
    ``pyfunc``.  ``excluded`` holds positions and names of arguments passed
    through unchanged, and so is an argument that is ``None`` (an error
    when there is a ``signature``, as in JAX).

    >>> import numpy as np, vmapx.numpy as jnp
    >>> dot = jnp.vectorize(np.dot, signature='(n),(n)->()')
    >>> dot(np.ones((3, 4)), np.arange(4.0))
    array([6., 6., 6.])
    >>> def add(x, y):
    ...     assert x.shape == y.shape == ()
    ...     return x + y
    >>> jnp.vectorize(add)(np.arange(10), np.arange(20).reshape(20, 1)).shape
    (20, 10)
    """
    if any(not isinstance(e, (int, str)) or isinstance(e, bool) for e in excluded):
        raise TypeError("jax.numpy.vectorize can only exclude integer or string arguments, "
                        f"but excluded={excluded!r}")
    if any(isinstance(e, int) and e < 0 for e in excluded):
        raise ValueError(f"excluded={excluded!r} contains negative numbers")
    excluded = frozenset(excluded)
    core = _parse_signature(signature) if signature is not None else None
    context = (f" on vectorized function with excluded={excluded!r} and "
               f"signature={signature!r}")

    @api_boundary
    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        n_pos = len(args)
        inds = [i for i in range(n_pos) if i not in excluded]
        none_args = {j for j, i in enumerate(inds) if args[i] is None}
        if none_args and signature is not None:
            raise ValueError(f"Cannot pass None at locations {none_args} with "
                             f"signature={signature!r}")
        # None is not an array: like JAX, pass it through as if excluded.
        inds = [i for i in inds if args[i] is not None]
        names = [k for k, v in kwargs.items() if k not in excluded and v is not None]
        fixed_args = list(args)
        fixed_kwargs = {k: v for k, v in kwargs.items() if k not in names}

        def call(*vargs):
            full = list(fixed_args)
            for j, i in enumerate(inds):
                full[i] = vargs[j]
            kw = dict(fixed_kwargs)
            kw.update(zip(names, vargs[len(inds):], strict=True))
            return pyfunc(*full, **kw)

        vargs = [asarray_like(args[i]) for i in inds] + [asarray_like(kwargs[k]) for k in names]
        if core is None:
            in_core, out_core = [()] * len(vargs), None
        else:
            in_core, out_core = core
            if len(in_core) != len(vargs):
                raise TypeError(f"wrong number of positional arguments: expected "
                                f"{len(in_core)}, got {len(vargs)}{context}")
        if inputs.RANK_CHECK[0]:
            inputs.check_vectorize_rank_promotion([get_aval(a).shape for a in vargs],
                                                  [len(cd) for cd in in_core], signature)
        dim_sizes: dict = {}
        for a, cd in zip(vargs, in_core, strict=True):
            _update_dim_sizes(dim_sizes, get_aval(a).shape, cd, context, is_input=True)
        loop_shapes = [tuple(get_aval(a).shape)[:len(get_aval(a).shape) - len(cd)]
                       for a, cd in zip(vargs, in_core, strict=True)]
        try:
            broadcast_shape = np.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        except ValueError:
            raise ValueError("operands could not be broadcast together with shapes "
                             f"{' '.join(str(s) for s in loop_shapes)}{context}") from None

        func = call
        if out_core is not None:
            func = _checked(call, dim_sizes, out_core, context)

        squeezed, rev_filled = [], []
        for a, shape in zip(vargs, loop_shapes, strict=True):
            filled = (1,) * (len(broadcast_shape) - len(shape)) + shape
            ones = tuple(i for i, s in enumerate(shape) if s == 1)
            if ones:
                a = jnp.squeeze(a, axis=ones)
            squeezed.append(a)
            rev_filled.append(filled[::-1])
        expand = []
        for negdim, sizes in enumerate(zip(*rev_filled)):
            in_axes = tuple(None if s == 1 else 0 for s in sizes)
            if all(ax is None for ax in in_axes):
                expand.append(len(broadcast_shape) - 1 - negdim)
            else:
                func = vmap(func, in_axes)
        result = func(*squeezed)
        if expand:
            expand = sorted(expand)
            result = tu.tree_map(lambda r: jnp.expand_dims(r, tuple(expand)), result)
        return result

    return wrapped


def _checked(call, in_dim_sizes, out_core, context):
    """``call`` with its outputs checked against the signature's output core dims."""
    def checked(*args):
        out = call(*args)
        if len(out_core) == 1:
            if isinstance(out, tuple):
                raise TypeError(f"wrong number of output arguments: expected 1, got "
                                f"{len(out)}{context}")
            outs = [out]
        else:
            if not isinstance(out, tuple):
                raise TypeError(f"output must be a tuple when multiple outputs are expected, "
                                f"got: {out!r}\n{context.lstrip()}")
            if len(out) != len(out_core):
                raise TypeError(f"wrong number of output arguments: expected "
                                f"{len(out_core)}, got {len(out)}{context}")
            outs = list(out)
        sizes = dict(in_dim_sizes)
        for o, cd in zip(outs, out_core, strict=True):
            shape = o.shape if isinstance(o, (np.ndarray, np.generic, Tracer)) else np.shape(o)
            _update_dim_sizes(sizes, shape, cd, context, is_input=False)
        return out
    return checked


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` applied to every 1-D slice along ``axis`` (batched with ``vmap``),
    as ``numpy.apply_along_axis``.

    >>> apply_along_axis(lambda v: v[::-1].sum() * v, 1, np.array([[1, 2], [3, 4]]))
    array([[ 3,  6],
           [21, 28]])
    """
    arr = asarray_like(arr)
    nd = ndim_of(arr)
    axis = canonicalize_axis(axis, nd)

    def one(x):
        return func1d(x, *args, **kwargs)

    f = one
    for _ in range(nd - 1):
        f = vmap(f)
    out = asarray_like(f(jnp.moveaxis(arr, axis, -1)))
    extra = ndim_of(out) - (nd - 1)
    return jnp.moveaxis(out, tuple(range(nd - 1, nd - 1 + extra)),
                        tuple(range(axis, axis + extra)))
