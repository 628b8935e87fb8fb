"""``vmapx.interpreters.batching``: vmap rules of user-defined primitives (JAX's
``jax.interpreters.batching``): ``primitive_batchers[p] = rule(batched_args,
batch_dims, **params) -> (out, out_dim)``, with ``not_mapped`` (``None``) for an
operand without the batch axis.

>>> import numpy as np, vmapx
>>> from vmapx.extend.core import Primitive
>>> from vmapx.interpreters import batching
>>> neg_p = Primitive("neg")
>>> _ = neg_p.def_impl(np.negative)
>>> batching.defvectorized(neg_p)
>>> vmapx.vmap(neg_p.bind)(np.arange(3.0))
array([-0., -1., -2.])
"""
from .._src.user_primitives import defvectorized, primitive_batchers  # noqa: F401
from .._src.vmappables import register_vmappable, unregister_vmappable  # noqa: F401

not_mapped = None
"""The batch dimension of an operand that is not batched."""

__all__ = ["defvectorized", "not_mapped", "primitive_batchers", "register_vmappable",
           "unregister_vmappable"]
