"""``vmapx.core``: the public names of JAX's ``jax.core`` that programs use: the
abstract value and tracer types, the staged program types, and ``eval_jaxpr``
(running a program from ``make_jaxpr`` under whatever transformations are
active).

>>> import vmapx, vmapx.core
>>> closed = vmapx.make_jaxpr(lambda x: x * 2.0 + 1.0)(3.0)
>>> vmapx.core.eval_jaxpr(closed.jaxpr, closed.consts, 5.0)
[array(11.)]
"""
from ._src.core import ShapedArray, Tracer  # noqa: F401
from ._src.misc_api import ensure_compile_time_eval  # noqa: F401
from ._src.jnp.array import to_result
from ._src.staging import eval_jaxpr as _eval_jaxpr  # noqa: F401
from ._src.ir import ClosedJaxpr, Jaxpr  # noqa: F401


def eval_jaxpr(jaxpr, consts, *args, propagate_source_info=True):
    """Run ``jaxpr`` (with its constants' values ``consts``) on ``args``; the
    list of its outputs. Each equation binds its primitive, so under ``vmap``,
    ``grad`` or ``jit`` the program is transformed.

    >>> import vmapx, vmapx.core, numpy as np
    >>> closed = vmapx.make_jaxpr(lambda x: x ** 2)(1.0)
    >>> vmapx.vmap(lambda x: vmapx.core.eval_jaxpr(closed.jaxpr, closed.consts, x)[0])(
    ...     np.arange(3.0))
    array([0., 1., 4.])
    """
    return to_result(_eval_jaxpr(jaxpr, consts, *args))


def jaxpr_as_fun(closed):
    """The function a ``ClosedJaxpr`` computes: arguments in, the list of its
    outputs out (``eval_jaxpr`` with the program's own constants).

    >>> import numpy as np, vmapx, vmapx.core
    >>> closed = vmapx.make_jaxpr(lambda x, y: x * y + 1.0)(2.0, 3.0)
    >>> vmapx.core.jaxpr_as_fun(closed)(np.float64(4.0), np.float64(0.5))
    [array(3.)]
    """
    def fun(*args):
        return eval_jaxpr(closed.jaxpr, closed.consts, *args)
    return fun

__all__ = ["ShapedArray", "Tracer", "ensure_compile_time_eval", "ClosedJaxpr", "Jaxpr",
           "eval_jaxpr", "jaxpr_as_fun"]
