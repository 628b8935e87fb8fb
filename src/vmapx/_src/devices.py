"""The one device vmapx computes on: the host CPU (``vmapx.devices()``).

Kept apart so that the array type can name it without importing the
transforms."""


class Device:
    """The host CPU, the one device vmapx computes on.

    >>> import vmapx
    >>> d = vmapx.devices()[0]
    >>> d, str(d), d.platform, d.id
    (CpuDevice(id=0), 'cpu:0', 'cpu', 0)
    """
    __slots__ = ("id",)
    platform = "cpu"
    device_kind = "cpu"
    process_index = 0
    host_id = 0
    task_id = 0
    local_hardware_id = None

    def __init__(self, id: int = 0):
        self.id = id

    def __repr__(self):
        return f"CpuDevice(id={self.id})"

    def __str__(self):
        return f"cpu:{self.id}"

    def __eq__(self, other):
        return type(other) is Device and other.id == self.id

    def __hash__(self):
        return hash(("cpu", self.id))


Device.__module__ = "vmapx"
CPU = Device(0)
"""The one device."""
