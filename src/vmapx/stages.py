"""The ahead-of-time stages of a jitted function (``jax.stages``).

``vmapx.jit(f).trace(*args)`` gives a ``Traced``, its ``.lower()`` a
``Lowered``, and that one's ``.compile()`` a ``Compiled``; all three hold the
same staged program (vmapx has no HLO).  ``Wrapped`` is the protocol of what
``vmapx.jit`` returns.  JAX's ``ArgInfo`` has no counterpart: vmapx's stages
describe their arguments with ``in_avals`` (``ShapedArray``s).

>>> import numpy as np, vmapx
>>> from vmapx import stages
>>> f = vmapx.jit(lambda x: x + 1.0)
>>> isinstance(f, stages.Wrapped)
True
>>> lowered = f.lower(np.ones(2))
>>> isinstance(lowered, stages.Lowered), isinstance(lowered.compile(), stages.Compiled)
(True, True)
"""
from typing import Protocol, Union, runtime_checkable

from ._src.stages import Traced, Lowered, Compiled  # noqa: F401

__all__ = ["Traced", "Lowered", "Compiled", "Wrapped", "CompilerOptions"]

CompilerOptions = dict[str, Union[str, bool]]
"""The type of ``Lowered.compile``'s ``compiler_options`` (accepted, unused)."""


@runtime_checkable
class Wrapped(Protocol):
    """A function ready to be traced, lowered and compiled: what ``vmapx.jit``
    returns.  Calling it traces (once per signature) and runs the program.

    >>> import numpy as np, vmapx
    >>> f = vmapx.jit(lambda x: x * 3.0)
    >>> isinstance(f, Wrapped), isinstance(lambda x: x, Wrapped)
    (True, False)
    >>> f.trace(np.ones(2)).out_info
    ShapeDtypeStruct(shape=(2,), dtype=float64)
    """

    def __call__(self, *args, **kwargs):
        """Run the function, tracing it first for a new signature."""
        ...

    def trace(self, *args, **kwargs) -> Traced:
        """The ``Traced`` stage for these arguments."""
        ...

    def lower(self, *args, **kwargs) -> Lowered:
        """The ``Lowered`` stage for these arguments."""
        ...

    def eval_shape(self, *args, **kwargs):
        """The outputs' shapes and dtypes for these arguments."""
        ...
