"""The collectives of ``vmapx.lax``: pytree-aware wrappers over the primitives."""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp, tree as tu
from .batching import moveaxis
from .core import axis_names_of, dtype_of
from .errors import UnboundAxisNameError
from .prims import collectives as C, elementwise as ew
from .prims.shapes import reshape_p
from .jnp.base import asarray_like, astype
from .jnp.array import as_array


def _check_name(axis_name, what="psum"):
    if axis_name is None:  # no vmap binds None: JAX's unbound-name error
        raise UnboundAxisNameError(
            f"Found an unbound axis name: None. No enclosing vmap binds this name for "
            f"'{what}': pass the axis_name given to vmapx.vmap(..., axis_name=...).")
    return tuple(axis_name) if isinstance(axis_name, list) else axis_name


def _check_groups(axis_index_groups):
    if axis_index_groups is not None:
        raise NotImplementedError("axis_index_groups not supported in vmap collectives. "
                                  "Please open a feature request!")


def _int_if_bool(v):
    """``v``, with booleans as int32 (JAX's psum sums booleans as int32)."""
    v = asarray_like(v)
    return astype(v, np.int32) if dtype_of(v) == np.bool_ else v


def _gather_axis(axis, nd, tiled):
    """``all_gather``'s ``axis`` for an operand of rank ``nd``, checked and
    made non-negative (JAX's wording)."""
    rank = nd if tiled else nd + 1
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {rank}")
    return axis % rank


def psum(x, axis_name, *, axis_index_groups=None):
    """Sum of ``x`` over the named mapped axis (every element gets the total).

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: psum(x, 'i'), axis_name='i')(np.arange(3.0))
    array([3., 3., 3.])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name)
    return tu.tree_map(lambda v: C.psum_p.bind(_int_if_bool(v), axis_name=axis_name), x)


def pmax(x, axis_name, *, axis_index_groups=None):
    """Maximum over the named mapped axis.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: pmax(x, 'i'), axis_name='i')(np.array([1, 5, 2]))
    array([5, 5, 5])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "pmax")
    return tu.tree_map(lambda v: C.pmax_p.bind(asarray_like(v), axis_name=axis_name), x)


def pmin(x, axis_name, *, axis_index_groups=None):
    """Minimum over the named mapped axis.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: pmin(x, 'i'), axis_name='i')(np.array([1, 5, 2]))
    array([1, 1, 1])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "pmin")
    return tu.tree_map(lambda v: C.pmin_p.bind(asarray_like(v), axis_name=axis_name), x)


def axis_size(axis_name):
    """Size of the named mapped axis (product over a tuple of names).

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: x * 0 + axis_size('i'), axis_name='i')(np.zeros(3))
    array([3., 3., 3.])
    """
    return C.axis_size_p.bind(axis_name=_check_name(axis_name, "axis_size"))


def pmean(x, axis_name, *, axis_index_groups=None):
    """Mean over the named mapped axis (true division, as ``psum(x) / n`` in
    JAX: integer inputs give floats).

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: pmean(x, 'i'), axis_name='i')(np.array([1.0, 2.0, 6.0]))
    array([3., 3., 3.])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "pmean")
    n = axis_size(axis_name)

    def mean(v):
        return ew.divide_p.bind(C.psum_p.bind(_int_if_bool(v), axis_name=axis_name), n)
    return tu.tree_map(mean, x)


def axis_index(axis_name):
    """Position of each example along the named mapped axis (int32).

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: axis_index('i'), axis_name='i')(np.zeros(3))
    array([0, 1, 2], dtype=int32)
    """
    axis_name = _check_name(axis_name, "axis_index")
    names = axis_names_of(axis_name)
    if len(names) == 1:
        return C.axis_index_p.bind(axis_name=names[0])
    # row-major index over several names
    idx = C.axis_index_p.bind(axis_name=names[0])
    for n in names[1:]:
        idx = ew.add_p.bind(ew.multiply_p.bind(idx, C.axis_size_p.bind(axis_name=n)),
                            C.axis_index_p.bind(axis_name=n))
    return idx


def all_gather(x, axis_name, *, axis_index_groups=None, axis=0, tiled=False):
    """Every example gets the stack (or, ``tiled``, the concatenation) of all
    examples' values, along ``axis``.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: all_gather(x, 'i'), axis_name='i')(np.arange(2.0))
    array([[0., 1.],
           [0., 1.]])

    With a tuple of names, the gather is over their product, major to minor
    in the order given (each example's value lands at ``axis_index(names)``):

    >>> g = vmapx.vmap(vmapx.vmap(lambda x: all_gather(x, ('i', 'j')), axis_name='j'),
    ...                axis_name='i')
    >>> g(np.arange(4.0).reshape(2, 2))[0, 0]
    array([0., 1., 2., 3.])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "all_gather")
    names = axis_names_of(axis_name)
    if len(names) > 1:
        return tu.tree_map(lambda v: as_array(_all_gather_names(v, names, axis, tiled)), x)
    size = axis_size(axis_name)

    def gather(v):
        v = asarray_like(v)
        nd = np.ndim(v) if not hasattr(v, "ndim") else v.ndim
        ax = _gather_axis(axis, nd, tiled)
        return as_array(C.all_gather_p.bind(
            v, axis_name=axis_name, axis=ax, tiled=tiled,
            size=int(size) if not hasattr(size, "aval") else size))
    # as_array: a result no vmap maps is a concrete array that traced indices
    # (``all_gather(x, 'i')[axis_index('i')]``) must still be able to index
    return tu.tree_map(gather, x)


def _all_gather_names(v, names, axis, tiled):
    """``all_gather`` over several axis names at once: over their product,
    major to minor in the order given (the example at combined index
    ``axis_index(names)`` lands at that position).  Gathers one name at a
    time, innermost first, each inserting its axis at ``axis`` (so the major
    names end up first), then merges the new axes (and, ``tiled``, the
    operand's own axis) with one reshape."""
    v = asarray_like(v)
    nd = v.ndim if hasattr(v, "ndim") else np.ndim(v)
    ax = _gather_axis(axis, nd, tiled)
    out = v
    for name in reversed(names):
        out = all_gather(out, name, axis=ax, tiled=False)
    shape = tuple(out.shape)
    k = len(names) + (1 if tiled and nd else 0)   # axes merged into one
    merged = int(np.prod(shape[ax:ax + k], dtype=np.int64))
    return reshape_p.bind(out, new_sizes=shape[:ax] + (merged,) + shape[ax + k:])


def ppermute(x, axis_name, perm):
    """Send each example's value to another position: ``perm`` is a list of
    ``(source, destination)`` pairs; destinations nobody sends to get zeros.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: ppermute(x, 'i', [(0, 1), (1, 2), (2, 0)]), axis_name='i')(np.arange(3.0))
    array([2., 0., 1.])
    """
    axis_name = _check_name(axis_name, "ppermute")
    perm = tuple((int(s), int(d)) for s, d in perm)
    srcs, dsts = [s for s, _ in perm], [d for _, d in perm]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute sources and destinations must be unique, got perm={perm}")
    return tu.tree_map(lambda v: C.ppermute_p.bind(asarray_like(v), axis_name=axis_name,
                                                   perm=perm), x)


def pshuffle(x, axis_name, perm):
    """Example ``i`` gets the value of example ``perm[i]``.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: pshuffle(x, 'i', [2, 0, 1]), axis_name='i')(np.arange(3.0))
    array([2., 0., 1.])
    """
    return ppermute(x, axis_name, [(int(s), d) for d, s in enumerate(perm)])


def all_to_all(x, axis_name, split_axis, concat_axis, *, axis_index_groups=None, tiled=False):
    """Split ``split_axis`` across the named axis and concatenate the received
    pieces along ``concat_axis``.  A tuple of names exchanges over all of them
    at once, as over one axis of their row-major flattening.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: all_to_all(x, 'i', 0, 0), axis_name='i')(np.arange(4.0).reshape(2, 2))
    array([[0., 2.],
           [1., 3.]])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "all_to_all")
    if isinstance(axis_name, tuple) and len(axis_name) > 1:
        return tu.tree_map(lambda v: _all_to_all_names(asarray_like(v), axis_name, split_axis,
                                                       concat_axis, tiled), x)
    if isinstance(axis_name, tuple):
        axis_name = axis_name[0]
    size = axis_size(axis_name)
    return tu.tree_map(lambda v: C.all_to_all_p.bind(
        asarray_like(v), axis_name=axis_name, split_axis=split_axis, concat_axis=concat_axis,
        tiled=tiled, size=size), x)


def _all_to_all_names(x, names, split_axis, concat_axis, tiled):
    """``all_to_all`` over several names at once: the combined axis is their
    row-major flattening (the first name major).  The split axis is cut into one
    sub-axis per name (plus the tile), each sub-axis is exchanged over its own
    name (source index replacing it in place), then the source sub-axes are
    flattened and moved to the concat axis."""
    sizes = [int(axis_size(n)) for n in names]
    total = int(np.prod(sizes))
    shape = tuple(x.shape)
    nd = len(shape)
    split_axis, concat_axis = split_axis % nd, concat_axis % nd
    n = shape[split_axis]
    if not tiled and n != total:
        raise ValueError(f"all_to_all requires the size of the mapped axis axis_name to equal "
                         f"x.shape[split_axis], but they are {total} and {n} respectively.")
    if tiled and n % total:
        raise ValueError(f"The size of all_to_all split_axis ({n}) has to be divisible by the "
                         f"size of the named axis {names} ({total})")
    tile = (n // total,) if tiled else ()
    y = jnp.reshape(x, shape[:split_axis] + tuple(sizes) + tile + shape[split_axis + 1:])
    for k, name in enumerate(names):
        pos = split_axis + k
        y = C.all_to_all_p.bind(y, axis_name=name, split_axis=pos, concat_axis=pos,
                                tiled=False, size=sizes[k])
    if not tiled:
        y = jnp.reshape(y, shape[:split_axis] + (total,) + shape[split_axis + 1:])
        return jnp.moveaxis(y, split_axis, concat_axis)
    # tiled: (sources, tile) at split_axis; the sources go just before the concat
    # axis (which sits one further on when it is after the split axis) and merge with it
    y = jnp.reshape(y, shape[:split_axis] + (total,) + tile + shape[split_axis + 1:])
    pc = concat_axis if concat_axis < split_axis else concat_axis + 1
    dst = pc - 1 if pc > split_axis else pc
    y = jnp.moveaxis(y, split_axis, dst)
    ys = tuple(y.shape)
    return jnp.reshape(y, ys[:dst] + (ys[dst] * ys[dst + 1],) + ys[dst + 2:])


def psum_scatter(x, axis_name, *, scatter_dimension=0, axis_index_groups=None, tiled=False):
    """Sum over the named axis, then give example ``i`` the ``i``-th piece of
    ``scatter_dimension``.

    >>> import numpy as np, vmapx
    >>> vmapx.vmap(lambda x: psum_scatter(x, 'i'), axis_name='i')(np.arange(4.0).reshape(2, 2))
    array([2., 4.])
    """
    _check_groups(axis_index_groups)
    axis_name = _check_name(axis_name, "psum_scatter")
    size = axis_size(axis_name)
    return tu.tree_map(lambda v: C.psum_scatter_p.bind(
        asarray_like(v), axis_name=axis_name, scatter_dimension=scatter_dimension,
        tiled=tiled, size=size), x)
