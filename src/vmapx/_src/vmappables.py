"""Types ``vmap`` maps as a whole (JAX's ``batching.register_vmappable``).

A library registers a container type (say, an array with named axes) with the
type of the axis specs that address it (``in_axes=NamedMapSpec('i', 0)``) and
two functions: ``to_elt(cont, axis_size, value, spec)`` gives the per-example
element of a container (calling ``cont(array, axis)`` to map an array along an
axis, as vmap maps an array leaf), and ``from_elt(cont, axis_size, elt, spec)``
rebuilds a container from a per-example output (``cont(axis_size, array, axis)``
puts the batch axis of an output array at ``axis``). ``vmap`` then treats values
of the registered type as leaves of its arguments and outputs (even if the type
is also a pytree), and spec-type values as leaves of ``in_axes`` / ``out_axes``.
"""
from __future__ import annotations

import threading

from . import tree as tu
from .batching import BatchTracer, matchaxis
from .core import Tracer, get_aval
from .jnp.array import plain
from .tree_prefixes import flatten_axes

VMAPPABLES: dict = {}
"""data type -> (spec type, axis-size type, to_elt, from_elt, make_iota)."""

_lock = threading.Lock()


def register_vmappable(data_type, spec_type, axis_size_type, to_elt, from_elt, make_iota):
    """Let ``vmap`` map values of ``data_type`` with specs of ``spec_type``
    through ``to_elt`` / ``from_elt`` (``make_iota`` is accepted and unused)."""
    with _lock:
        VMAPPABLES[data_type] = (spec_type, axis_size_type, to_elt, from_elt, make_iota)


def unregister_vmappable(data_type):
    """Forget ``data_type`` (``KeyError`` if it was not registered)."""
    with _lock:
        del VMAPPABLES[data_type]


def is_vmappable(x) -> bool:
    return type(x) in VMAPPABLES


def is_spec(x) -> bool:
    """Whether ``x`` is an axis spec of a registered type."""
    return any(isinstance(x, entry[0]) for entry in list(VMAPPABLES.values()))


def to_elt_cont(trace):
    """``cont(array, axis)`` for a container's ``to_elt``: the array mapped along
    ``axis`` (``None``: not mapped), as vmap maps an array argument."""
    def cont(x, d):
        if d is None:
            return x
        x = plain(x) if not isinstance(x, Tracer) else x
        return BatchTracer(trace, x, d % len(get_aval(x).shape))
    return cont


def containers_from_elts(out, out_axes, trace, axis):
    """``out`` with each registered container rebuilt by its ``from_elt`` for
    its ``out_axes`` spec (JAX calls it while the batch trace is current, so
    the function may compute with the per-example element)."""
    leaves, tree = tu.tree_flatten(out, is_leaf=is_vmappable)
    if not any(type(x) in VMAPPABLES for x in leaves):
        return out
    dims = [out_axes] * len(leaves) if type(out_axes) is int else flatten_axes(
        "vmap out_axes", out, out_axes, is_leaf=is_vmappable)
    cont = from_elt_cont(trace)
    return tu.tree_unflatten(tree, [
        VMAPPABLES[type(x)][3](cont, axis.size, x, d)
        if type(x) in VMAPPABLES else x
        for x, d in zip(leaves, dims, strict=True)])


def from_elt_cont(trace):
    """``cont(axis_size, elt, axis)`` for a container's ``from_elt``: the output
    array ``elt`` with its batch axis at ``axis`` (broadcast if unbatched)."""
    def cont(size, x, d):
        if type(x) is BatchTracer and x._trace is trace:
            val, src = x.val, x.bdim
        else:
            val, src = x, None
        if d is None:
            if src is not None:
                raise ValueError(f"vmap has mapped output but out_axes is None (a "
                                 f"container's from_elt asked for axis {d})")
            return val
        nd = len(get_aval(val).shape) + (src is None)
        return matchaxis(val, src, d % nd, size)
    return cont
