"""``vmapx.extend.core``: user-defined primitives and the staged program types
(JAX's ``jax.extend.core``). Rules are registered through
``vmapx.interpreters.ad`` / ``batching`` / ``mlir``.

>>> import numpy as np, vmapx
>>> from vmapx.extend.core import Primitive
>>> cube_p = Primitive("cube")
>>> _ = cube_p.def_impl(lambda x: np.power(x, 3))
>>> _ = cube_p.def_abstract_eval(lambda x: vmapx.core.ShapedArray(x.shape, x.dtype))
>>> vmapx.jit(cube_p.bind)(2.0)
array(8.)
"""
from .._src.core import ShapedArray  # noqa: F401
from .._src.ir import ClosedJaxpr, Jaxpr, Literal, Var  # noqa: F401
from .._src.user_primitives import Primitive  # noqa: F401
from ..core import eval_jaxpr, jaxpr_as_fun  # noqa: F401

__all__ = ["Primitive", "ShapedArray", "ClosedJaxpr", "Jaxpr", "Literal", "Var", "eval_jaxpr",
           "jaxpr_as_fun"]
