"""``checkpoint`` (``remat``) and ``checkpoint_policies``: accepted as in JAX,
with the same values and derivatives (vmapx keeps intermediates whatever the
policy: NumPy has no compiler to trade memory for recomputation).
"""
from __future__ import annotations

import functools
import inspect
import types

import numpy as np

from . import tree as tu
from .autodiff import linearize_flat
from .autodiff_api import _check_callable
from .core import get_aval
from .staging import trace_to_jaxpr
from .ir import Literal, type_str


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


def checkpoint_name(x, name):
    """Name the value ``x`` for ``checkpoint_policies.save_only_these_names``
    and friends (``jax.ad_checkpoint.checkpoint_name``): ``x`` itself, since
    vmapx keeps every intermediate.

    >>> import vmapx, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import checkpoint_name
    >>> vmapx.grad(lambda x: jnp.sin(checkpoint_name(x * 2.0, "h")))(0.0)
    array(2.)
    """
    return x


def saved_residuals(f, *args, **kwargs) -> list:
    """The values reverse mode keeps from the forward pass of ``f`` at
    ``args``: a list of ``(aval, description)``, a description saying where
    each comes from (an argument by name, or the primitive computing it).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import saved_residuals
    >>> for aval, where in saved_residuals(lambda w, x: jnp.sin(w @ x), np.ones((2, 3)),
    ...                                    np.ones(3)):
    ...     print(aval.shape, where)
    (2, 3) from the argument w
    (3,) from the argument x
    (2,) output of cos
    """
    leaves, in_tree = tu.tree_flatten((args, kwargs))

    def flat_fun(xs):
        a, k = tu.tree_unflatten(in_tree, xs)
        out = f(*a, **k)
        return tu.tree_leaves(out)

    def residuals(*xs):
        _, lin, _ = linearize_flat(flat_fun, list(xs))
        return list(lin.consts)

    closed = trace_to_jaxpr(residuals, [get_aval(np.asarray(x) if not hasattr(x, "dtype")
                                                 else x) for x in leaves])
    jaxpr = closed.jaxpr
    names = _argument_names(f, args, kwargs)
    producer = {}
    for k, eqn in enumerate(jaxpr.eqns):
        for v in eqn.outvars:
            producer[v] = (k, eqn.prim.name)
    arguments, computed, constants, seen = [], [], [], set()
    for v in jaxpr.outvars:       # as JAX lists them: arguments, then in program order
        if type(v) is Literal or v in seen:
            continue
        seen.add(v)
        if v in jaxpr.invars:
            i = jaxpr.invars.index(v)
            arguments.append((i, (v.aval, f"from the argument {names[i]}")))
        elif v in producer:
            k, name = producer[v]
            computed.append((k, (v.aval, f"output of {name}")))
        else:
            constants.append((v.aval, "a constant"))
    found = [r for _, r in sorted(arguments, key=lambda p: p[0])]
    found += [r for _, r in sorted(computed, key=lambda p: p[0])]
    found += constants
    return found


def print_saved_residuals(f, *args, **kwargs):
    """Print ``saved_residuals(f, *args, **kwargs)``, one per line
    (``jax.ad_checkpoint.print_saved_residuals``).

    >>> import numpy as np, vmapx.numpy as jnp
    >>> from vmapx.ad_checkpoint import print_saved_residuals
    >>> print_saved_residuals(lambda x: jnp.exp(jnp.sin(x)), np.ones(3))
    f64[3] output of cos
    f64[3] output of exp
    """
    for aval, what in saved_residuals(f, *args, **kwargs):
        print(f"{type_str(aval)} {what}")


def _argument_names(f, args, kwargs):
    """A name per argument leaf: the parameter's name (with its path inside a
    pytree), else its position."""
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for path, _ in tu.tree_flatten_with_path((args, kwargs))[0]:
        head, first, rest = path[0], path[1], path[2:]
        if getattr(head, "idx", None) == 0:
            i = first.idx
            base = params[i] if i < len(params) else f"args[{i}]"
        else:
            base = str(getattr(first, "key", first))
        names.append(base + tu.keystr(rest))
    return names
