"""``vmapx.interpreters.ad``: differentiation rules of user-defined primitives
(JAX's ``jax.interpreters.ad``): ``primitive_jvps[p] = rule(primals,
tangents)``, ``defjvp(p, *per_input_rules)``, ``primitive_transposes[p] =
rule(ct, *args)`` with ``UndefinedPrimal`` marking linear inputs, and symbolic
zeros as ``Zero(aval)``.

>>> import numpy as np, vmapx
>>> from vmapx.extend.core import Primitive
>>> from vmapx.interpreters import ad
>>> sq_p = Primitive("sq")
>>> _ = sq_p.def_impl(np.square)
>>> ad.defjvp(sq_p, lambda t, x: 2 * x * t)
>>> vmapx.jvp(sq_p.bind, (3.0,), (1.0,))
(array(9.), array(6.))
"""
from .._src.autodiff import UndefinedPrimal  # noqa: F401
from .._src.user_primitives import (Zero, defjvp, deflinear2, instantiate_zeros,  # noqa: F401
                                    is_undefined_primal, primitive_jvps, primitive_transposes)

__all__ = ["UndefinedPrimal", "Zero", "defjvp", "deflinear2", "instantiate_zeros",
           "is_undefined_primal", "primitive_jvps", "primitive_transposes"]
