"""``checkpoint`` (``remat``) and ``checkpoint_policies``: accepted as in JAX,
with the same values and derivatives (vmapx keeps intermediates whatever the
policy: NumPy has no compiler to trade memory for recomputation).
"""
from __future__ import annotations

import functools
import types

from .autodiff_api import _check_callable


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=(), static_argnames=()):
    """``jax.checkpoint`` (``remat``): the same function, with the same values
    and derivatives.  JAX uses it to recompute intermediates in the backward
    pass instead of storing them; vmapx keeps them (NumPy has no compiler to
    trade memory for recomputation), so the arguments only shape the call.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> vmapx.grad(vmapx.checkpoint(lambda x: jnp.sin(x) ** 2))(np.float64(1.0))
    array(0.90929743)
    """
    _check_callable(fun)

    @functools.wraps(fun)
    def checkpointed(*args, **kwargs):
        return fun(*args, **kwargs)

    return checkpointed


remat = checkpoint


def _dot_saveable(prim, *avals, **params):
    return prim.name in ("dot_general", "conv_general_dilated")


def _dot_no_batch_saveable(prim, *avals, **params):
    if prim.name == "dot_general":
        (_, _), (lhs_batch, rhs_batch) = params["dimension_numbers"]
        return not lhs_batch and not rhs_batch
    return False


def _save_only_these_names(*names_which_can_be_saved):
    names = set(names_which_can_be_saved)
    return lambda prim, *avals, **params: prim.name == "name" and params.get("name") in names


def _save_anything_except_these_names(*names_not_to_save):
    names = set(names_not_to_save)
    return lambda prim, *avals, **params: not (prim.name == "name"
                                               and params.get("name") in names)


def _save_from_both_policies(policy_1, policy_2):
    return lambda prim, *avals, **params: bool(policy_1(prim, *avals, **params)
                                               or policy_2(prim, *avals, **params))


def _offload_dot_with_no_batch_dims(offload_src, offload_dst):
    return _dot_no_batch_saveable


def _save_and_offload_only_these_names(*, names_which_can_be_saved, names_which_can_be_offloaded,
                                       offload_src, offload_dst):
    return _save_only_these_names(*names_which_can_be_saved, *names_which_can_be_offloaded)


checkpoint_policies = types.SimpleNamespace(
    everything_saveable=lambda *_, **__: True,
    nothing_saveable=lambda *_, **__: False,
    dots_saveable=_dot_saveable,
    checkpoint_dots=_dot_saveable,
    dots_with_no_batch_dims_saveable=_dot_no_batch_saveable,
    checkpoint_dots_with_no_batch_dims=_dot_no_batch_saveable,
    save_only_these_names=_save_only_these_names,
    save_any_names_but_these=_save_anything_except_these_names,
    save_anything_except_these_names=_save_anything_except_these_names,
    save_from_both_policies=_save_from_both_policies,
    offload_dot_with_no_batch_dims=_offload_dot_with_no_batch_dims,
    save_and_offload_only_these_names=_save_and_offload_only_these_names,
)
"""``jax.checkpoint_policies``: the ``policy=`` values ``checkpoint`` accepts.

Each is JAX's predicate ``policy(prim, *avals, **params) -> bool`` (may this
primitive's output be saved for the backward pass).  vmapx saves every
intermediate whatever the policy, so they change no value.

>>> import vmapx, vmapx.numpy as jnp
>>> f = vmapx.checkpoint(jnp.sin, policy=vmapx.checkpoint_policies.nothing_saveable)
>>> vmapx.grad(f)(0.0)
array(1.)
"""
