"""User-defined derivative rules: ``custom_jvp`` and ``custom_vjp``.

A call of a decorated function binds one higher-order primitive whose
parameters are the flat user functions:

* ``custom_jvp_call(*args, fun, jvp)``: evaluation calls ``fun``; the JVP rule
  calls the user's ``jvp`` (reverse mode transposes what that rule staged, so
  the rule must be linear in the tangents, as in JAX).
* ``custom_vjp_call(*args, fun, fwd, bwd)``: evaluation calls ``fun``; the JVP
  rule runs ``fwd`` and emits ``custom_lin(*residuals, *tangents, bwd)``, a
  linear primitive that cannot be evaluated (forward mode over a custom_vjp
  function is an error, as in JAX) but whose transpose calls ``bwd``.

Under ``vmap`` both run through a ``BatchTrace`` rule (``batching.trace_rules``)
that re-enters the vmap's trace around each user function wherever it is
called, so rules may close over the vmap's tracers (as in JAX).

``custom_functions.py`` holds what both share; ``custom_jvp.py`` and
``custom_vjp.py`` one each.  This module gathers the names (for
``vmapx.custom_derivatives`` and the package root).
"""
from .custom_functions import CustomVJPPrimal, SymbolicZero, zero_from_primal  # noqa: F401
from .custom_jvp import custom_jvp, custom_jvp_call_p  # noqa: F401
from .custom_vjp import custom_lin_p, custom_vjp, custom_vjp_call_p  # noqa: F401

__all__ = ["custom_jvp", "custom_vjp", "SymbolicZero", "CustomVJPPrimal", "zero_from_primal", "custom_jvp_call_p", "custom_vjp_call_p", "custom_lin_p"]
