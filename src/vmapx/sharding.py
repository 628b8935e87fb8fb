"""``vmapx.sharding``: JAX's meshes and shardings, on vmapx's one device (the
host CPU). Programs that lay arrays out over a mesh run unchanged: every layout
over one device holds the whole array, so none changes a value.

>>> import numpy as np, vmapx
>>> from vmapx.sharding import NamedSharding, PartitionSpec as P
>>> mesh = vmapx.make_mesh((vmapx.device_count(),), ("batch",))
>>> vmapx.device_put(np.ones(2), NamedSharding(mesh, P("batch")))
array([1., 1.])
"""
from ._src.jnp.array import SingleDeviceSharding  # noqa: F401
from ._src.sharding import (AxisType, Mesh, NamedSharding, PartitionSpec,  # noqa: F401
                            get_abstract_mesh, get_mesh, reshard, set_mesh, use_mesh)

__all__ = ["AxisType", "Mesh", "NamedSharding", "PartitionSpec", "SingleDeviceSharding",
           "get_abstract_mesh", "get_mesh", "reshard", "set_mesh", "use_mesh"]
