"""``vmapx.errors``: the exceptions vmapx raises (subclasses of the built-in ones).

>>> import numpy as np, vmapx
>>> try:
...     vmapx.vmap(lambda x: 1 if x > 0 else 0, strict=True)(np.ones(2))
... except vmapx.errors.TracerBoolConversionError as e:
...     print(type(e).__mro__[2].__name__)
TypeError
"""
from ._src.errors import (UnexpectedTracerError, UnboundAxisNameError,  # noqa: F401
                          ConcretizationTypeError, TracerBoolConversionError,
                          TracerIntegerConversionError, TracerArrayConversionError,
                          NonConcreteBooleanIndexError)
