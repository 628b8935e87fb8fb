"""vmapx's primitives under the names JAX's ``jax.lax`` gives them (``lax.exp_p``,
``lax.mul_p``, ...), for programs that inspect jaxprs (custom interpreters
compare ``eqn.primitive`` with them) or bind primitives directly.

Only primitives whose meaning is JAX's are named: where vmapx's operands or
parameters differ (JAX's ``select_n`` orders its cases unlike vmapx's ``where``;
``round`` takes a rounding method), there is no alias. Parameters are vmapx's:
``eqn.primitive.bind(*invals, **eqn.params)`` works on any staged equation.

>>> import vmapx, vmapx.numpy as jnp
>>> from vmapx import lax
>>> closed = vmapx.make_jaxpr(lambda x: jnp.exp(jnp.tanh(x)))(1.0)
>>> [eqn.primitive is p for eqn, p in zip(closed.jaxpr.eqns, (lax.tanh_p, lax.exp_p))]
[True, True]
"""
from __future__ import annotations

from . import prims  # noqa: F401  (every primitive registered before its name is read)
from .core import primitives
from .ir import RENAMED as _RENAMED

# Named as in JAX already.
_SAME = (
    "abs", "add", "argmax", "argmin", "bessel_i0e", "bessel_i1e", "broadcast_in_dim", "cbrt",
    "ceil", "concatenate", "cond", "conv_general_dilated", "convert_element_type", "cos",
    "cosh", "cummax", "cummin", "cumprod", "cumsum", "digamma", "dot_general", "erf",
    "erf_inv", "erfc", "exp", "exp2", "expm1", "fft", "floor", "igamma", "igamma_grad_a",
    "igammac", "imag", "lgamma", "log", "log1p", "mulhi", "nextafter", "pad", "pmax", "pmin",
    "polygamma", "ppermute", "psum", "real", "reduce_max", "reduce_min", "reduce_precision",
    "reduce_prod", "reduce_sum", "reduce_window_max", "reduce_window_min",
    "reduce_window_sum", "reshape", "rev", "scan", "select_and_gather_add",
    "select_and_scatter_add", "sign", "sin", "sinh", "sort", "sqrt", "square", "squeeze",
    "stop_gradient", "tan", "tanh", "transpose", "while", "all_gather", "all_to_all",
    "axis_index", "zeta", "dce_sink",
)
# JAX names left out for want of a vmapx primitive of the same meaning: iota, slice,
# dynamic_slice, dynamic_update_slice, clamp, rsqrt, round, integer_pow, select_n,
# top_k, cumlogsumexp, reduce_xor, logistic, complex, copy, tile, split, stack,
# unstack, clz, shift_right_logical, reduce, reduce_window, optimization_barrier,
# sharding_constraint (composed from other primitives, or no-ops); scatter_add/
# mul/min/max/sub (one ``lax_scatter`` primitive with a ``kind``, aliased as
# ``scatter_p``); bitcast_convert_type (vmapx's ``bitcast`` takes a reshaped
# operand); approx_top_k, rng_bit_generator, rng_uniform, ragged_all_to_all and
# the token/effect ones (after_all, create_token, device_put).

ALIASES = {f"{jax_name}_p": primitives[name]
           for jax_name, name in [*_RENAMED.items(), *((n, n) for n in _SAME)]}
"""``lax``'s ``<name>_p`` attributes: JAX's name -> vmapx's primitive."""

globals().update(ALIASES)
__all__ = sorted(ALIASES)
