"""The user-facing differentiation transforms: ``jvp``, ``linearize``, ``vjp``,
``grad``, ``value_and_grad``, ``linear_transpose`` and ``stop_gradient`` --
pytrees, argument selection, dtype checks and JAX's error messages around the
machinery of ``autodiff``.  Jacobians and the Hessian are in
``autodiff_jacobians``, ``checkpoint`` and its policies in
``autodiff_checkpoint``.
"""
from __future__ import annotations

import functools
import operator

import numpy as np

from . import inputs
from . import tree as tu
from .autodiff import (JVPTracer, float0, is_differentiable, jvp_traced, linearize_flat,
                       zeros_like_aval)
from .core import finish_output as _finish, get_aval, Tracer, unaliased
from .errors import api_boundary
from .ir import ClosedJaxpr
from .staging import eval_jaxpr
from .staging_api import abstractify
from .jnp.base import asarray_like
from .prims.elementwise import stop_gradient_p


def _check_callable(fun):
    if not callable(fun):
        raise TypeError(f"Expected a callable value, got {fun!r}")


def _fun_name(fun):
    return getattr(fun, "__name__", type(fun).__name__)




def _finish_ct(ct, aval):
    """A cotangent handed to the user: zeros if symbolic, an array if a scalar."""
    if ct is None:
        return zeros_like_aval(aval)
    if isinstance(ct, (bool, int, float, complex)):
        return np.asarray(ct, aval.dtype)
    return _finish(ct)


def _finish_tree(tree, sources=()):
    return tu.tree_map(_finish_from(sources), tree)


def _finish_from(sources):
    """``_finish`` for results handed to the caller that must not alias
    ``sources`` (the arrays the caller passed in): an output that is an input,
    or a view of one (``jvp(lambda x: x.T, ...)``), is copied, so writing into
    a result never changes the caller's arrays (JAX's results are new arrays)."""
    arrays = [a for a in sources if isinstance(a, np.ndarray)]
    if not arrays:
        return _finish

    def finish(x):
        if isinstance(x, np.ndarray):
            x = unaliased(x, arrays)
        return _finish(x)
    return finish


def _as_leaf(x, what):
    if isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex)):
        return x
    if hasattr(x, "__array__"):
        return np.asarray(x)
    if what == "argument":  # the differentiated arguments of grad & co (JAX's wording)
        raise TypeError(f"Argument '{x}' of type {type(x)} is not a valid JAX type.")
    raise TypeError(f"{what} {x!r} of type {type(x)} is not a valid JAX type")


def _flat_fun(fun, in_tree, out_store, has_aux=False, aux_store=None):
    """``fun`` on flat leaves, returning flat output leaves (the output tree
    goes to ``out_store``, aux output to ``aux_store``)."""
    def flat(leaves):
        args = tu.tree_unflatten(in_tree, leaves)
        out = fun(*args)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError("expected function with aux output to return a two-element "
                                f"tuple, but got type {type(out)} with value {out!r}")
            out, aux = out
            aux_store.append(aux)
        out_leaves, out_tree = tu.tree_flatten(out)
        out_store.append(out_tree)
        return [_as_leaf(o, "Output from differentiated function") for o in out_leaves]
    return flat


def _strip_aux(trace, aux):
    """Aux outputs carry no derivative: tracers of the differentiation are unboxed."""
    def strip(x):
        return x.primal if type(x) is JVPTracer and x._trace is trace else x
    return tu.tree_map(strip, aux)


def _tangent_dtype(aval):
    return aval.dtype if is_differentiable(aval.dtype) else float0


@api_boundary
def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode derivative: ``(fun(*primals), J(primals) @ tangents)``.

    ``primals`` and ``tangents`` are tuples (or lists) of matching pytrees.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> y, t = vmapx.jvp(jnp.sin, (np.array([0.0, 1.0]),), (np.array([1.0, 1.0]),))
    >>> t
    array([1.        , 0.54030231])
    """
    _check_callable(fun)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("primal and tangent arguments to jax.jvp must be tuples or lists; "
                        f"found {type(primals).__name__} and {type(tangents).__name__}.")
    p_leaves, p_tree = tu.tree_flatten(tuple(primals))
    t_leaves, t_tree = tu.tree_flatten(tuple(tangents))
    if p_tree != t_tree or type(primals) is not type(tangents):
        raise TypeError("primal and tangent arguments to jax.jvp must have the same tree "
                        f"structure; primals have tree structure {tu.tree_structure(primals)} "
                        f"whereas tangents have tree structure {tu.tree_structure(tangents)}.")
    p_leaves = [_as_leaf(p, "primal value") for p in p_leaves]
    tans = []
    for p, t in zip(p_leaves, t_leaves, strict=True):
        pa, ta = get_aval(p), get_aval(_as_leaf(t, "tangent value"))
        expected = _tangent_dtype(pa)
        if ta.dtype != expected and not (ta.weak_type and is_differentiable(expected)
                                         and inputs.is_inexact(ta.dtype)):
            raise TypeError(
                "primal and tangent arguments to jax.jvp do not match; dtypes must be equal, "
                "or in case of int/bool primal dtype the tangent dtype must be float0."
                f"Got primal dtype {pa.dtype} and so expected tangent dtype {expected}, but "
                f"got tangent dtype {ta.dtype} instead.")
        if tuple(pa.shape) != tuple(ta.shape):
            raise ValueError("jvp called with different primal and tangent shapes;"
                             f"Got primal shape {pa.shape} and tangent shape as {ta.shape}")
        tans.append(t if is_differentiable(pa.dtype) else None)
    out_store, aux_store = [], []
    flat = _flat_fun(fun, p_tree, out_store, has_aux, aux_store)
    outs, tans_out, trace = jvp_traced(flat, p_leaves, tans)
    finish = _finish_from(p_leaves + t_leaves)
    out_p = [finish(p) for p in outs]
    out_t = [zeros_like_aval(get_aval(p)) if t is None else finish(t)
             for p, t in zip(outs, tans_out, strict=True)]
    out_tree = out_store[0]
    res = (tu.tree_unflatten(out_tree, out_p), tu.tree_unflatten(out_tree, out_t))
    if has_aux:
        return res + (_finish_tree(_strip_aux(trace, aux_store[0]), p_leaves + t_leaves),)
    return res


@api_boundary
def linearize(fun, *primals, has_aux=False):
    """``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)`` evaluates the
    derivative at ``primals`` (the primal computation is done once).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> y, f_jvp = vmapx.linearize(jnp.sin, np.array([0.0, 1.0]))
    >>> f_jvp(np.array([2.0, 2.0]))
    array([2.        , 1.08060461])
    """
    _check_callable(fun)
    leaves, in_tree = tu.tree_flatten(primals)
    leaves = [_as_leaf(p, "primal value") for p in leaves]
    out_store, aux_store = [], []
    outs, lin, trace = linearize_flat(_flat_fun(fun, in_tree, out_store, has_aux, aux_store),
                                      leaves)
    out_tree = out_store[0]

    def f_jvp(*tangents):
        t_leaves, t_tree = tu.tree_flatten(tangents)
        if t_tree != in_tree:
            raise TypeError(f"linearized function called on tangent values inconsistent with "
                            f"the original primal values: got tangent tree {t_tree} for "
                            f"primal tree {in_tree}.")
        for t, a in zip(t_leaves, lin.in_avals, strict=True):
            ta = get_aval(t)
            if tuple(ta.shape) != tuple(a.shape):
                raise ValueError("linearized function called on tangent values inconsistent "
                                 "with the original primal values:\nGot tangent aval "
                                 f"{ta.str_short()} for primal aval {a.str_short()} but "
                                 f"expected {a.str_short()}.")
        finish_t = _finish_from(t_leaves)
        return tu.tree_unflatten(out_tree, [finish_t(t) for t in lin(list(t_leaves))])

    # the linear program, where JAX's linearized function keeps it (f_jvp.func.args[0])
    f_jvp.func = functools.partial(_eval_linear, ClosedJaxpr(lin.jaxpr, lin.consts))
    finish = _finish_from(leaves)
    res = (tu.tree_unflatten(out_tree, [finish(o) for o in outs]), f_jvp)
    if has_aux:
        return res + (_finish_tree(_strip_aux(trace, aux_store[0]), leaves),)
    return res


def _eval_linear(closed, *tangents):
    """The linear program of ``linearize`` on its nonzero input tangents (flat)."""
    return eval_jaxpr(closed.jaxpr, closed.consts, *tangents)


def _ct_type_error(ct, aval):
    return ValueError(
        "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got "
        f"{get_aval(ct).str_short()}, but expected {aval.str_short()} because the "
        f"corresponding output of the differentiated function had JAX type "
        f"{aval.str_short()}")


def _check_ct(ct, aval):
    ct = _as_leaf(ct, "cotangent value")
    ca = get_aval(ct)
    if not is_differentiable(aval.dtype):
        if ca.dtype != float0 or tuple(ca.shape) != tuple(aval.shape):
            raise _ct_type_error(ct, aval)
        return None
    if tuple(ca.shape) != tuple(aval.shape):
        raise _ct_type_error(ct, aval)
    if ca.dtype != aval.dtype and not (ca.weak_type and inputs.is_inexact(ca.dtype)):
        raise _ct_type_error(ct, aval)
    return ct


def _vjp(fun, primals, has_aux):
    leaves, in_tree = tu.tree_flatten(primals)
    leaves = [_as_leaf(p, "primal value") for p in leaves]
    out_store, aux_store = [], []
    outs, lin, trace = linearize_flat(_flat_fun(fun, in_tree, out_store, has_aux, aux_store),
                                      leaves)
    out_tree = out_store[0]
    name = _fun_name(fun)

    def pullback(cts_tree):
        ct_leaves, ct_tree = tu.tree_flatten(cts_tree)
        if ct_tree != out_tree:
            raise ValueError(
                "unexpected tree structure.\n\nThe argument to a VJP function returned by "
                f"`vmapx.vjp` must match the pytree structure of the differentiated function "
                f"{name}.\n\nBut the tree structures differ: expected {out_tree}, got "
                f"{ct_tree}.")
        cts = [_check_ct(c, a) for c, a in zip(ct_leaves, lin.out_avals, strict=True)]
        in_cts = lin.transpose(cts)
        res = [_finish_ct(c, a) for c, a in zip(in_cts, lin.in_avals, strict=True)]
        return tu.tree_unflatten(in_tree, res)

    aux = _strip_aux(trace, aux_store[0]) if has_aux else None
    return tu.tree_unflatten(out_tree, outs), outs, lin, pullback, aux


@api_boundary
def vjp(fun, *primals, has_aux=False, reduce_axes=()):
    """Reverse-mode derivative: ``(fun(*primals), vjp_fun)`` where
    ``vjp_fun(ct)`` returns the tuple of cotangents of ``primals``.

    >>> import numpy as np, vmapx
    >>> y, f_vjp = vmapx.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    >>> f_vjp(np.array([1.0, 1.0]))
    (array([3., 4.]), array([1., 2.]))
    """
    _check_callable(fun)
    out, _, _, pullback, aux = _vjp(fun, primals, has_aux)

    @api_boundary
    def vjp_fun(ct):
        return _finish_tree(pullback(ct), tu.tree_leaves(ct))

    sources = tu.tree_leaves(primals)
    out = _finish_tree(out, sources)
    return (out, vjp_fun, _finish_tree(aux, sources)) if has_aux else (out, vjp_fun)


def _argnums_partial(fun, args, kwargs, argnums, what):
    """``(dyn_args, f)``: the arguments at ``argnums`` (one value for an int,
    a tuple for a tuple) and ``f(dyn)`` calling ``fun`` with the others fixed."""
    n = len(args)
    if isinstance(argnums, (int, np.integer)):
        nums = (operator.index(argnums),)
    else:
        nums = tuple(argnums)
        if not nums:
            raise ValueError(f"{what} argnums must be a non-empty int or tuple of ints, "
                             f"got {argnums!r}")
    for a in nums:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
    if max(nums) >= n or min(nums) < -n:
        need = max(max(nums) + 1, -min(nums))
        raise TypeError(f"differentiating with respect to argnums={argnums} requires at least "
                        f"{need} positional arguments to be passed by the caller, but got only "
                        f"{n} positional arguments.")
    nums = tuple(a % n for a in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{what} argnums must not name an argument twice, got {argnums!r}")
    single = not isinstance(argnums, (tuple, list))

    def f(*dyn):
        full = list(args)
        for i, v in zip(nums, dyn, strict=True):
            full[i] = v
        return fun(*full, **kwargs)

    dyn = tuple(args[i] for i in nums)
    return dyn, f, single


_INPUT_MSG = {
    "grad": ("grad requires real- or complex-valued inputs (input dtype that is a sub-dtype "
             "of np.inexact), but got {dt}. If you want to use Boolean- or integer-valued "
             "inputs, use vjp or set allow_int to True."),
    "jacfwd": ("jacfwd requires real-valued inputs (input dtype that is a sub-dtype of "
               "np.floating), but got {dt}. For holomorphic differentiation, pass "
               "holomorphic=True. For differentiation of non-holomorphic functions involving "
               "complex inputs or integer inputs, use jax.jvp directly."),
}


def _check_input_dtype(x, what, holomorphic, allow_int):
    dt = get_aval(x).dtype
    if holomorphic:
        if dt.kind != "c":
            raise TypeError(f"{what} with holomorphic=True requires inputs with complex "
                            f"dtype, but got {dt.name}.")
        return
    if what == "jacfwd":
        if inputs.kind(dt) != "f" and not (allow_int and dt.kind in "iub"):
            raise TypeError(_INPUT_MSG["jacfwd"].format(dt=dt.name))
        return
    if not inputs.is_inexact(dt) and not (allow_int and dt.kind in "iub"):
        raise TypeError(_INPUT_MSG["grad"].format(dt=dt.name).replace("grad ", f"{what} ", 1))


def _check_output_dtype(aval, what, holomorphic):
    dt = aval.dtype
    if holomorphic:
        if dt.kind != "c":
            raise TypeError(f"{what} with holomorphic=True requires outputs with complex "
                            f"dtype, but got {dt.name}.")
        return
    if dt.kind == "c":
        raise TypeError(f"{what} requires real-valued outputs (output dtype that is a sub-dtype "
                        f"of np.floating), but got {dt.name}. For holomorphic differentiation, "
                        "pass holomorphic=True. For differentiation of non-holomorphic "
                        "functions involving complex outputs, use jax.vjp directly.")
    if inputs.kind(dt) != "f":
        raise TypeError(f"{what} requires real-valued outputs (output dtype that is a sub-dtype "
                        f"of np.floating), but got {dt.name}. For differentiation of functions "
                        "with integer outputs, use jax.vjp directly.")


def _vjp_at_argnums(fun, args, kwargs, argnums, what, has_aux, holomorphic, allow_int):
    """The VJP of ``fun`` in its arguments at ``argnums`` (their dtypes checked for
    ``what``): ``(diff, out, out_leaves, linear_fn, aux)``, ``diff`` being those
    arguments (one value for an int ``argnums``, a tuple for a tuple)."""
    dyn, f, single = _argnums_partial(fun, args, kwargs, argnums, what)
    diff = dyn[0] if single else dyn
    for x in tu.tree_leaves(diff):
        _check_input_dtype(_as_leaf(x, "argument"), what, holomorphic, allow_int)
    g_fun = (lambda d: f(d)) if single else (lambda d: f(*d))
    out, outs, lin, _, aux = _vjp(g_fun, (diff,), has_aux)
    return diff, out, outs, lin, aux


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False,
                   reduce_axes=()):
    """``fun`` and its gradient together: returns ``(value, grad)`` (or
    ``((value, aux), grad)`` with ``has_aux``).

    >>> import numpy as np, vmapx
    >>> vmapx.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """
    _check_callable(fun)

    @api_boundary
    def value_and_grad_f(*args, **kwargs):
        diff, out, outs, lin, aux = _vjp_at_argnums(fun, args, kwargs, argnums, "grad",
                                                    has_aux, holomorphic, allow_int)
        in_tree = tu.tree_structure((diff,))
        if len(outs) != 1 or not isinstance(out, (np.ndarray, np.generic, Tracer, float, int,
                                                  bool, complex)):
            raise TypeError(f"Gradient only defined for scalar-output functions. Output was "
                            f"{out!r}.")
        a = lin.out_avals[0]
        if a.shape != ():
            raise TypeError(f"Gradient only defined for scalar-output functions. Output had "
                            f"shape: {a.shape}.")
        _check_output_dtype(a, "grad", holomorphic)
        in_cts = lin.transpose([np.ones((), a.dtype)])
        (g,) = tu.tree_unflatten(in_tree, [
            _finish_ct(c, av) for c, av in zip(in_cts, lin.in_avals, strict=True)])
        finish = _finish_from(tu.tree_leaves((args, kwargs)))
        value = finish(out)
        if has_aux:
            return (value, _finish_tree(aux, tu.tree_leaves((args, kwargs)))), g
        return value, g

    functools.update_wrapper(value_and_grad_f, fun)
    return value_and_grad_f


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False, reduce_axes=()):
    """The gradient of a scalar-valued ``fun`` with respect to the arguments
    at ``argnums`` (an int, or a tuple of ints for a tuple of gradients).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> f = lambda x: jnp.exp(-x) * jnp.sin(x)
    >>> vmapx.vmap(vmapx.grad(f))(np.array([0.0, 0.5]))
    array([1.        , 0.24149444])
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int, reduce_axes)

    @api_boundary
    def grad_f(*args, **kwargs):
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    functools.update_wrapper(grad_f, fun)
    return grad_f


def linear_transpose(fun, *primals, reduce_axes=()):
    """The transpose of the linear function ``fun``: a function taking a
    cotangent of ``fun``'s output and returning the tuple of cotangents of its
    inputs.  ``primals`` (arrays or ``ShapeDtypeStruct``s) give the input
    shapes and dtypes; ``fun`` must be linear in them.

    >>> import numpy as np, vmapx
    >>> f_t = vmapx.linear_transpose(lambda x, y: (2 * x + y, y), 1.0, 2.0)
    >>> f_t((1.0, 1.0))
    (array(2.), array(2.))
    """
    _check_callable(fun)
    zeros = tu.tree_map(lambda p: np.zeros(abstractify(p).shape, abstractify(p).dtype),
                        primals)
    _, pullback = vjp(fun, *zeros)

    @api_boundary
    def transposed_fun(out_cotangent):
        return pullback(out_cotangent)

    return transposed_fun


# ------------------------------------------------------------- stop_gradient


def stop_gradient(x):
    """``x`` as it is, but with a zero derivative (applied leafwise to a pytree).

    >>> import vmapx
    >>> vmapx.grad(lambda x: vmapx.lax.stop_gradient(x) * x)(3.0)
    array(3.)
    """

    def stop(v):
        v = asarray_like(v)
        if not is_differentiable(get_aval(v).dtype):
            return v
        return stop_gradient_p.bind(v)
    return tu.tree_map(stop, x)
