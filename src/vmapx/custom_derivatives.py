"""``vmapx.custom_derivatives``: user-defined derivative rules, as
``jax.custom_derivatives`` (``custom_jvp``, ``custom_vjp``, ``SymbolicZero``,
``CustomVJPPrimal``, ``zero_from_primal``, ``custom_gradient``, ``closure_convert``).

>>> import vmapx
>>> from vmapx.custom_derivatives import custom_jvp, SymbolicZero
>>> @custom_jvp
... def f(x, y):
...     return x * y
>>> @f.defjvp
... def f_jvp(primals, tangents):
...     return f(*primals), 7.0 * tangents[0]
>>> vmapx.jvp(lambda x: f(x, 2.0), (1.0,), (1.0,))[1]
array(7.)
"""
from ._src.custom_derivatives import (custom_jvp, custom_vjp, SymbolicZero,  # noqa: F401
                                      CustomVJPPrimal, zero_from_primal)
from ._src.misc_api import custom_gradient, closure_convert  # noqa: F401

__all__ = ["custom_jvp", "custom_vjp", "SymbolicZero", "CustomVJPPrimal", "zero_from_primal",
           "custom_gradient", "closure_convert"]
