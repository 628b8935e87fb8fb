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
