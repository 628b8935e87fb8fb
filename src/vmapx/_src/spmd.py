"""``pmap``: JAX's parallel map (SPMD over devices), on vmapx's one device.

JAX's ``pmap`` compiles ``fun`` and runs one replica per device along the mapped
axis. vmapx has one device (the CPU, ``vmapx.local_device_count() == 1``), so
``pmap`` is ``jit`` of ``vmap`` with pmap's rules: the mapped axis may be no
larger than the number of devices (``devices=`` if given, else the local
count), at least one argument must be mapped, keyword arguments are mapped along
their leading axis, ``static_broadcasted_argnums`` are static (hashable)
arguments of the compiled program, and collectives over ``axis_name`` work as
under ``vmap``. Programs written for ``jax.pmap`` with a leading axis of
``jax.local_device_count()`` therefore run unchanged.
"""
from __future__ import annotations

import functools

import numpy as np

from . import tree as tu
from .api import vmap
from .caches import LRUCache, register
from .jit import jit
from .misc_api import local_device_count


def pmap(fun, axis_name=None, *, in_axes=0, out_axes=0, static_broadcasted_argnums=(),
         devices=None, backend=None, axis_size=None, donate_argnums=()):
    """Map ``fun`` over a leading axis of at most one example per device, compiled.

    The same results as ``jit(vmap(fun, in_axes, out_axes, axis_name=...))``
    on vmapx's single CPU device; a mapped axis longer than the number of
    devices raises ``ValueError``, as in JAX. ``backend`` and
    ``donate_argnums`` are accepted and ignored.

    >>> import numpy as np, vmapx
    >>> n = vmapx.local_device_count()
    >>> f = vmapx.pmap(lambda x: x / vmapx.lax.psum(x, "i"), axis_name="i")
    >>> f(np.full((n, 2), 4.0))
    array([[1., 1.]])
    """
    if not callable(fun):
        raise TypeError(f"pmap requires a callable, got {fun!r}")
    if isinstance(static_broadcasted_argnums, int):
        static_broadcasted_argnums = (static_broadcasted_argnums,)
    static = tuple(int(i) for i in static_broadcasted_argnums)
    compiled = register(LRUCache(64))

    @functools.wraps(fun)
    def pmapped(*args, **kwargs):
        n = len(args)
        for i in static:
            if not -n <= i < n:
                raise ValueError(f"pmapped function has static_broadcasted_argnums={static} "
                                 f"but was called with only {n} positional argument"
                                 f"{'' if n == 1 else 's'}. All static broadcasted arguments "
                                 f"must be passed positionally.")
        static_pos = tuple(sorted({i % n for i in static}))
        dynamic_pos = [i for i in range(n) if i not in static_pos]
        dyn = tuple(args[i] for i in dynamic_pos)
        dyn_axes = in_axes
        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != n:
                raise ValueError(f"pmap in_axes specification must be a tree prefix of the "
                                 f"corresponding value, got specification {in_axes} for value "
                                 f"tree of {n} positional arguments.")
            dyn_axes = tuple(in_axes[i] for i in dynamic_pos)
        elif static_pos and in_axes is None:
            dyn_axes = None
        size = _mapped_size(dyn, dyn_axes, kwargs)
        if size is None:
            raise ValueError("pmap requires at least one argument with a mapped axis.")
        available = len(devices) if devices is not None else local_device_count()
        if size > available:
            raise ValueError(
                f"pmap's mapped axis has size {size}, but only {available} device"
                f"{'' if available == 1 else 's'} {'is' if available == 1 else 'are'} available "
                f"(vmapx runs on one CPU device: map at most local_device_count() examples, "
                f"or use vmap)")
        statics = tuple(args[i] for i in static_pos)
        key = (n, static_pos, statics, _hashable(dyn_axes))
        run = compiled.lookup(key)
        if run is None:
            def with_statics(*dyn_vals, **kw):
                full = list(statics)
                for i, v in zip(dynamic_pos, dyn_vals, strict=True):
                    full.insert(i, v)
                return fun(*full, **kw)
            run = jit(vmap(with_statics, in_axes=dyn_axes, out_axes=out_axes,
                           axis_name=axis_name, axis_size=axis_size))
            compiled[key] = run
        return run(*dyn, **kwargs)

    return pmapped


def _mapped_size(dyn, dyn_axes, kwargs):
    """The size of the first mapped axis among the arguments (keyword
    arguments map their leading axis), or ``None`` if none is mapped."""
    axes = tu.flatten_axes("pmap in_axes", dyn, dyn_axes)
    leaves = tu.tree_leaves(dyn)
    pairs = list(zip(leaves, axes, strict=True)) + [(x, 0) for x in tu.tree_leaves(kwargs)]
    for leaf, axis in pairs:
        if axis is None:
            continue
        shape = np.shape(leaf)
        if -len(shape) <= axis < len(shape):
            return shape[axis]
    return None


def _hashable(spec):
    try:
        hash(spec)
        return spec
    except TypeError:
        leaves, tree = tu.tree_flatten(spec, is_leaf=lambda x: x is None)
        return (tree, tuple(leaves))
