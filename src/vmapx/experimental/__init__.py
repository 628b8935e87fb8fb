"""``vmapx.experimental``: JAX's ``jax.experimental`` names vmapx provides:
``io_callback`` (host calls with effects and results), and the x64 scopes
``enable_x64`` / ``disable_x64`` of earlier JAX versions (JAX 0.10 has
``jax.enable_x64`` at the top level, as ``vmapx.enable_x64``).

>>> import numpy as np, vmapx
>>> from vmapx.experimental import io_callback
>>> io_callback(lambda: np.float64(7.0), vmapx.ShapeDtypeStruct((), np.float64))
array(7.)
"""
from .._src.callbacks import io_callback  # noqa: F401
from .._src import config as _config


def enable_x64(new_val: bool = True):
    """A scope with 64-bit types enabled: vmapx always computes with them, so
    ``enable_x64()`` changes nothing; ``enable_x64(False)`` is ``disable_x64()``.

    >>> import vmapx, vmapx.numpy as jnp
    >>> from vmapx.experimental import enable_x64
    >>> with enable_x64():
    ...     jnp.arange(2).dtype
    dtype('int64')
    """
    return _config.enable_x64(bool(new_val))


def disable_x64():
    """A scope with 64-bit types disabled, which vmapx cannot give (it always
    computes with NumPy's 64-bit types): entering it raises
    ``NotImplementedError`` rather than silently computing in double precision
    code that asked for single.  Pass float32 arrays to compute in single
    precision.

    >>> from vmapx.experimental import disable_x64
    >>> with disable_x64():
    ...     pass
    Traceback (most recent call last):
    ...
    NotImplementedError: vmapx always computes with 64-bit types (JAX with jax_enable_x64=True) and cannot disable them in a scope; pass float32 arrays (or .astype(np.float32)) to compute in single precision.
    """
    return _config.enable_x64(False)


__all__ = ["io_callback", "enable_x64", "disable_x64"]
