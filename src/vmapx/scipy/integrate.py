"""``vmapx.scipy.integrate``: JAX's ``jax.scipy.integrate`` (``trapezoid``).

>>> import numpy as np
>>> from vmapx.scipy import integrate
>>> integrate.trapezoid(np.array([1.0, 2.0, 3.0]))
array(4.)
"""
from .._src import numpy_api as _jnp
from .._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["trapezoid"]


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the composite trapezoidal rule,
    at sample points ``x`` or with spacing ``dx``, as
    ``scipy.integrate.trapezoid``.

    >>> trapezoid(np.array([1.0, 2.0, 4.0]), x=np.array([0.0, 1.0, 3.0]))
    array(7.5)
    """
    return _jnp.trapezoid(y, x, dx, axis)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
