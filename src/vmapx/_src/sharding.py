"""Shardings and meshes (JAX's ``jax.sharding``), on vmapx's one device.

vmapx computes on one device, the host CPU. A JAX program that lays its arrays
out over a mesh still runs: ``make_mesh`` builds meshes whose size the device
count allows (a mesh of ``vmapx.device_count()`` devices, every axis of size
1 on one device, as in JAX), ``NamedSharding`` / ``PartitionSpec`` describe
layouts, ``device_put(x, sharding)``, ``reshard`` and
``lax.with_sharding_constraint`` accept them, and ``set_mesh`` /
``use_mesh`` set the current mesh. Every layout over one device holds the whole
array on the CPU, so none of them changes a value or a computation.
"""
from __future__ import annotations

import contextlib
import enum
import threading
from collections import OrderedDict

import numpy as np

from . import tree as tu
from .core import Tracer
from .devices import CPU, Device
from .jnp.array import SingleDeviceSharding, to_result


class AxisType(enum.Enum):
    """How a mesh axis is sharded by the compiler (JAX's ``AxisType``)."""
    Auto = enum.auto()
    Explicit = enum.auto()
    Manual = enum.auto()

    def __repr__(self):
        return self.name


class PartitionSpec(tuple):
    """Which mesh axes each array dimension is split over (``P`` in JAX).

    >>> from vmapx.sharding import PartitionSpec as P
    >>> P("batch", None)
    P('batch', None)
    """

    def __new__(cls, *partitions, unreduced=frozenset(), reduced=frozenset()):
        return super().__new__(cls, partitions)

    def __repr__(self):
        return "P(" + ", ".join(repr(p) for p in self) + ("," if len(self) == 1 else "") + ")"

    def __getnewargs__(self):
        return tuple(self)


class Mesh:
    """Devices arranged in named axes.

    >>> import numpy as np, vmapx
    >>> from vmapx.sharding import Mesh
    >>> Mesh(np.array(vmapx.devices()), ("batch",))
    Mesh('batch': 1, axis_types=(Auto,))
    """

    def __init__(self, devices, axis_names, axis_types=None):
        devices = np.asarray(devices, dtype=object)
        if isinstance(axis_names, str):
            axis_names = (axis_names,)
        axis_names = tuple(axis_names)
        if devices.ndim != len(axis_names):
            raise ValueError(f"Mesh requires the ndim of its first argument (`devices`) to equal "
                             f"the length of its second argument (`axis_names`), but got "
                             f"devices.ndim == {devices.ndim} and len(axis_names) == "
                             f"{len(axis_names)}.")
        for d in devices.flat:
            if not isinstance(d, Device):
                raise TypeError(f"Mesh devices must be vmapx devices, got {d!r}")
        if axis_types is None:
            axis_types = (AxisType.Auto,) * len(axis_names)
        elif isinstance(axis_types, AxisType):
            axis_types = (axis_types,) * len(axis_names)
        axis_types = tuple(axis_types)
        if len(axis_types) != len(axis_names):
            raise ValueError(f"Number of axis names {len(axis_names)} should match the number "
                             f"of axis_types {len(axis_types)}")
        self.devices = devices
        self.axis_names = axis_names
        self.axis_types = axis_types

    @property
    def shape(self):
        return OrderedDict(zip(self.axis_names, self.devices.shape, strict=True))

    @property
    def axis_sizes(self):
        return tuple(self.devices.shape)

    @property
    def size(self):
        return int(self.devices.size)

    @property
    def empty(self):
        return self.devices.size == 0

    @property
    def device_ids(self):
        return np.vectorize(lambda d: d.id, otypes=[int])(self.devices)

    @property
    def abstract_mesh(self):
        return self

    def __enter__(self):
        _local.meshes.append(self)
        return self

    def __exit__(self, *exc):
        _local.meshes.pop()
        return False

    def __eq__(self, other):
        return (isinstance(other, Mesh) and self.axis_names == other.axis_names
                and self.axis_types == other.axis_types
                and self.devices.shape == other.devices.shape
                and all(a == b for a, b in zip(self.devices.flat, other.devices.flat,
                                               strict=True)))

    def __hash__(self):
        return hash((self.axis_names, self.axis_types, self.devices.shape))

    def __repr__(self):
        axes = ", ".join(f"{n!r}: {s}" for n, s in self.shape.items())
        types = ", ".join(repr(t) for t in self.axis_types)
        return f"Mesh({axes}, axis_types=({types}{',' if len(self.axis_types) == 1 else ''}))"


class NamedSharding:
    """An array's layout over a mesh: ``spec`` names the mesh axes each
    dimension is split over.

    >>> import vmapx
    >>> from vmapx.sharding import NamedSharding, PartitionSpec as P
    >>> mesh = vmapx.make_mesh((1,), ("batch",))
    >>> NamedSharding(mesh, P("batch"))
    NamedSharding(mesh=Mesh('batch': 1, axis_types=(Explicit,)), spec=P('batch',), memory_kind=device)
    """

    def __init__(self, mesh, spec=PartitionSpec(), *, memory_kind=None):
        if not isinstance(mesh, Mesh):
            raise TypeError(f"NamedSharding requires a Mesh, got {mesh!r}")
        if not isinstance(spec, PartitionSpec):
            if spec is None:
                spec = PartitionSpec()
            elif isinstance(spec, (tuple, list)):
                spec = PartitionSpec(*spec)
            else:
                raise TypeError(f"NamedSharding spec must be a PartitionSpec, got {spec!r}")
        for part in spec:
            for name in (part if isinstance(part, tuple) else (part,)):
                if name is not None and name not in mesh.axis_names:
                    raise ValueError(f"Resource axis: {name} of {spec} is not found in mesh: "
                                     f"{mesh.axis_names}.")
        self.mesh = mesh
        self.spec = spec
        self.memory_kind = memory_kind or "device"

    @property
    def device_set(self):
        return set(self.mesh.devices.flat)

    def is_fully_replicated(self):
        return True

    def __eq__(self, other):
        return (isinstance(other, NamedSharding) and self.mesh == other.mesh
                and tuple(self.spec) == tuple(other.spec))

    def __hash__(self):
        return hash((self.mesh, tuple(self.spec)))

    def __repr__(self):
        return f"NamedSharding(mesh={self.mesh!r}, spec={self.spec!r}, memory_kind={self.memory_kind})"


Sharding = (SingleDeviceSharding, NamedSharding)
"""The sharding types, for ``isinstance`` checks."""


def make_mesh(axis_shapes, axis_names, axis_types=None, *, devices=None):
    """A mesh of ``axis_shapes`` devices named ``axis_names``; axis types
    default to ``Explicit`` (as in JAX). The product of the shapes may not
    exceed the device count (one, on vmapx).

    >>> import vmapx
    >>> vmapx.make_mesh((1, 1), ("data", "model"))
    Mesh('data': 1, 'model': 1, axis_types=(Explicit, Explicit))
    >>> vmapx.make_mesh((2,), ("data",))
    Traceback (most recent call last):
    ...
    ValueError: Number of devices 1 must be >= the product of mesh_shape (2,)
    """
    axis_shapes = tuple(int(s) for s in axis_shapes)
    if isinstance(axis_names, str):
        axis_names = (axis_names,)
    if len(axis_shapes) != len(axis_names):
        raise ValueError(f"Mesh axis names {tuple(axis_names)} must have the same length as "
                         f"the mesh shape {axis_shapes}")
    available = list(devices) if devices is not None else [CPU]
    needed = int(np.prod(axis_shapes, dtype=np.int64))
    if len(available) < needed:
        raise ValueError(f"Number of devices {len(available)} must be >= the product of "
                         f"mesh_shape {axis_shapes}")
    if axis_types is None:
        axis_types = (AxisType.Explicit,) * len(axis_names)
    grid = np.empty(needed, dtype=object)
    for i, d in enumerate(available[:needed]):
        grid[i] = d
    return Mesh(grid.reshape(axis_shapes), axis_names, axis_types)


class _Local(threading.local):
    def __init__(self):
        self.meshes = []


_local = _Local()


@contextlib.contextmanager
def set_mesh(mesh):
    """Make ``mesh`` the current mesh inside a ``with`` block (``get_mesh``).

    >>> import vmapx
    >>> mesh = vmapx.make_mesh((1,), ("batch",))
    >>> with vmapx.set_mesh(mesh):
    ...     vmapx.sharding.get_mesh()
    Mesh('batch': 1, axis_types=(Explicit,))
    """
    if not isinstance(mesh, Mesh):
        raise TypeError(f"set_mesh requires a Mesh, got {mesh!r}")
    _local.meshes.append(mesh)
    try:
        yield mesh
    finally:
        _local.meshes.pop()


use_mesh = set_mesh


def get_mesh():
    """The current mesh (``set_mesh``), or an empty mesh outside one.

    >>> import vmapx
    >>> vmapx.sharding.get_mesh().empty
    True
    """
    return _local.meshes[-1] if _local.meshes else Mesh(np.empty((0,), dtype=object), ("_",))


get_abstract_mesh = get_mesh


def check_sharding(sharding, where):
    """``sharding`` must be a layout vmapx can honour: on its one device."""
    if isinstance(sharding, PartitionSpec):
        return
    if not isinstance(sharding, Sharding):
        raise TypeError(f"{where}: expected a sharding (NamedSharding, SingleDeviceSharding or "
                        f"PartitionSpec), got {sharding!r}")


def reshard(x, out_shardings):
    """``x`` laid out as ``out_shardings`` (a sharding or a pytree of them):
    on one device, the same values.

    >>> import numpy as np, vmapx
    >>> mesh = vmapx.make_mesh((1,), ("batch",))
    >>> vmapx.reshard(np.arange(3.0), vmapx.NamedSharding(mesh, vmapx.P()))
    array([0., 1., 2.])
    """
    for s in tu.tree_leaves(out_shardings, is_leaf=lambda s: isinstance(s, PartitionSpec)):
        check_sharding(s, "reshard")
    return tu.tree_map(lambda a: a if isinstance(a, Tracer) else to_result(np.asarray(a)), x)


def with_sharding_constraint(x, shardings):
    """``x`` constrained to the layout ``shardings`` (``lax.with_sharding_constraint``):
    on one device, ``x`` itself.

    >>> import numpy as np, vmapx
    >>> mesh = vmapx.make_mesh((1,), ("batch",))
    >>> vmapx.lax.with_sharding_constraint(np.ones(2), vmapx.NamedSharding(mesh, vmapx.P("batch")))
    array([1., 1.])
    """
    return reshard(x, shardings)
