"""vmapx: JAX's ``vmap`` and the transformations it composes with, on NumPy.

>>> import numpy as np, vmapx
>>> vmapx.vmap(lambda x, y: x @ y)(np.ones((3, 2, 2)), np.ones((3, 2)))
array([[2., 2.],
       [2., 2.],
       [2., 2.]])
"""
from ._src import prims as _prims  # noqa: F401  (registers every primitive)
from ._src.api import vmap  # noqa: F401
from ._src.jnp.array import Array  # noqa: F401
from ._src.autodiff_api import (jvp, linearize, vjp, grad, value_and_grad, jacfwd,  # noqa: F401
                                jacrev, jacobian, hessian, float0, linear_transpose,
                                checkpoint, remat)
from ._src.custom_derivatives import custom_jvp, custom_vjp  # noqa: F401
from ._src.jit import jit  # noqa: F401
from ._src.staging import make_jaxpr, eval_shape, ShapeDtypeStruct  # noqa: F401
from ._src.core import ShapedArray  # noqa: F401
from ._src.errors import (UnexpectedTracerError, ConcretizationTypeError,  # noqa: F401
                          TracerBoolConversionError, TracerIntegerConversionError,
                          TracerArrayConversionError, UnboundAxisNameError)
from . import numpy, lax, tree_util, tree, errors  # noqa: F401
from . import random  # noqa: F401,E402

__version__ = "0.1.0"
