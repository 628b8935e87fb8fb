"""Arrays from other libraries through DLPack (``jax.dlpack``).

``from_dlpack`` takes any object with ``__dlpack__`` and ``__dlpack_device__``
(a NumPy array, a PyTorch CPU tensor, a CuPy host array, ...) and returns a
``vmapx.Array`` that shares its memory unless a copy is asked for, as in JAX.
vmapx has one device, the CPU: arrays on other devices are refused.

>>> import numpy as np
>>> from vmapx import dlpack
>>> dlpack.from_dlpack(np.arange(3.0))
array([0., 1., 2.])
"""
import numpy as np

from ._src.jnp.array import Array
from ._src.misc_api import _check_device

__all__ = ["from_dlpack", "is_supported_dtype"]

_KDL_CPU = 1   # DLPack's device type of host memory
_SUPPORTED = frozenset(np.dtype(name) for name in (
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128", "bool"))


def _bfloat16():
    try:
        import ml_dtypes   # not a vmapx module: NumPy's own extension types
    except ImportError:
        return None
    return np.dtype(ml_dtypes.bfloat16)


def is_supported_dtype(dtype) -> bool:
    """Whether DLPack exchange supports ``dtype`` (JAX's list: the integer,
    unsigned, floating (with ``bfloat16``), complex and bool dtypes).

    >>> is_supported_dtype("float32"), is_supported_dtype(np.str_)
    (True, False)
    """
    if dtype is None:
        raise TypeError(f"Expected a string or dtype-like object; got {dtype=}")
    dtype = np.dtype(dtype)
    return dtype in _SUPPORTED or dtype == _bfloat16()


def from_dlpack(external_array, device=None, copy=None):
    """A ``vmapx.Array`` of ``external_array``'s DLPack tensor.

    The result shares memory with ``external_array`` unless ``copy=True``
    (always copy); ``copy=False`` never copies and raises when the data cannot
    be shared; ``copy=None`` shares when it can.  ``device`` may be ``None``
    or vmapx's one device (the CPU), as ``vmapx.device_put`` takes it.

    >>> import numpy as np
    >>> x = np.zeros(2, np.float32)
    >>> y = from_dlpack(x)
    >>> x[0] = 5.0
    >>> y
    array([5., 0.], dtype=float32)
    >>> from_dlpack(x, copy=True) is x
    False
    """
    _check_device(device)
    if not hasattr(external_array, "__dlpack__") or \
            not hasattr(external_array, "__dlpack_device__"):
        raise TypeError("The array passed to from_dlpack must have __dlpack__ and "
                        "__dlpack_device__ methods.")
    device_type, _ = external_array.__dlpack_device__()
    if device_type != _KDL_CPU:
        raise TypeError("Array passed to from_dlpack is on unsupported device type "
                        f"(DLDeviceType: {device_type}, array: {external_array}); vmapx "
                        "arrays live in host memory")
    return np.from_dlpack(external_array, copy=copy).view(Array)
