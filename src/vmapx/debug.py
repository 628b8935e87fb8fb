"""``vmapx.debug``: printing, callbacks and breakpoints that run with the
computation, also under ``jit``, ``vmap`` and ``grad`` (see
``vmapx._src.callbacks`` and ``vmapx._src.debugger``).

>>> import numpy as np, vmapx
>>> _ = vmapx.jit(lambda x: (vmapx.debug.print("x={x}", x=x), x)[1])(np.float64(2.0))
x=2.0
"""
from ._src.callbacks import debug_callback as callback, debug_print as print  # noqa: F401
from ._src.debugger import breakpoint  # noqa: F401

__all__ = ["breakpoint", "callback", "print"]
