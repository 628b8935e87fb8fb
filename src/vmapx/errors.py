"""``vmapx.errors``: the exceptions vmapx raises (subclasses of the built-in ones).

>>> import numpy as np, vmapx
>>> try:
...     vmapx.vmap(lambda x: 1 if x > 0 else 0, strict=True)(np.ones(2))
... except vmapx.errors.TracerBoolConversionError as e:
...     print(type(e).__mro__[2].__name__)
TypeError
>>> try:                       # shapes that do not fit: JAX's TypeError, NumPy's ValueError
...     vmapx.numpy.ones(3) + vmapx.numpy.ones(4)
... except TypeError as e:
...     print(isinstance(e, ValueError), e)
True add got incompatible shapes for broadcasting: (3,), (4,).

``VmapLoopWarning`` (a ``UserWarning``) says that ``vmap`` ran per-example code
as a loop over its examples, naming the line that needed it; silence it with
``warnings.simplefilter("ignore", vmapx.errors.VmapLoopWarning)``.
"""
from ._src.errors import (UnexpectedTracerError, UnboundAxisNameError,  # noqa: F401
                          ConcretizationTypeError, TracerBoolConversionError,
                          TracerIntegerConversionError, TracerArrayConversionError,
                          NonConcreteBooleanIndexError, ShapeError, IndexerTypeError)
from ._src.concrete import VmapLoopWarning  # noqa: F401,E402
