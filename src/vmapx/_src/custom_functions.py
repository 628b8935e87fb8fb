"""What ``custom_jvp``, ``custom_vjp`` (and ``custom_vmap``) share: the wrapped
user function (``_CustomFunction``: non-differentiable arguments, method
binding, the split of a call's arguments), symbolic zeros (``SymbolicZero``,
``zero_from_primal``, ``CustomVJPPrimal``), and flat user functions passed to
primitives as parameters (``_Named``), traced once per abstract signature.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from . import tree as tu
from .core import ShapedArray, Tracer, get_aval
from .staging import eval_jaxpr, trace_to_jaxpr
from .batching import matchaxis
from .jit_program import runner
from .autodiff import float0, is_differentiable, zeros_like_aval


def _resolve_args(fun, args, kwargs):
    """Keyword arguments moved to their positions (defaults filled in)."""
    if not kwargs:
        return tuple(args)
    try:
        ba = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{e}") from None
    ba.apply_defaults()
    if ba.kwargs:
        raise TypeError("keyword arguments could not be resolved to positions")
    return ba.args


def _nondiff_positions(fun, nondiff_argnums, nondiff_argnames):
    """``nondiff_argnums`` with the positions of ``nondiff_argnames`` added."""
    nums = set(int(i) for i in nondiff_argnums)
    if nondiff_argnames:
        params = list(inspect.signature(fun).parameters)
        for name in nondiff_argnames:
            if name not in params:
                raise ValueError(f"nondiff_argnames: {name!r} is not a parameter of "
                                 f"{_name(fun)}")
            nums.add(params.index(name))
    return tuple(sorted(nums))


class SymbolicZero:
    """A zero tangent or cotangent known to be zero without its values: what rules
    defined with ``symbolic_zeros=True`` receive (``jax.custom_derivatives.SymbolicZero``).

    >>> import numpy as np
    >>> from vmapx.custom_derivatives import SymbolicZero
    >>> z = SymbolicZero(ShapedArray((2,), np.dtype('float64')))
    >>> z.shape, z.dtype, z.instantiate()
    ((2,), dtype('float64'), array([0., 0.]))
    """

    def __init__(self, aval):
        self.aval = aval

    @property
    def shape(self):
        return tuple(self.aval.shape)

    @property
    def dtype(self):
        return self.aval.dtype

    def instantiate(self):
        """Explicit zeros of this shape and dtype."""
        return np.zeros(self.aval.shape, self.aval.dtype)

    def __repr__(self):
        return f"SymbolicZero({self.aval.str_short()})"


class CustomVJPPrimal:
    """A primal input as a ``custom_vjp`` fwd rule defined with
    ``symbolic_zeros=True`` receives it: ``value`` and whether it is
    ``perturbed`` (has a non-zero tangent).

    >>> CustomVJPPrimal(1.0, True)
    CustomVJPPrimal(value=1.0, perturbed=True)
    """

    def __init__(self, value, perturbed):
        self.value = value
        self.perturbed = perturbed

    def __repr__(self):
        return f"CustomVJPPrimal(value={self.value!r}, perturbed={self.perturbed!r})"


def _tangent_aval(x):
    a = get_aval(x)
    return ShapedArray(a.shape, a.dtype if is_differentiable(a.dtype) else np.dtype(float0))


def zero_from_primal(val, symbolic_zeros=False):
    """The zero tangent of the pytree ``val``: ``SymbolicZero``s with
    ``symbolic_zeros``, else explicit zeros (``float0`` for non-float leaves).

    >>> import numpy as np
    >>> z = zero_from_primal({'a': np.ones(2), 'n': 3})
    >>> z['a'], z['n'].dtype == float0
    (array([0., 0.]), True)
    >>> zero_from_primal(np.ones(2), symbolic_zeros=True)
    SymbolicZero(float64[2])
    """
    def zero(x):
        z = SymbolicZero(_tangent_aval(x))
        return z if symbolic_zeros else z.instantiate()
    return tu.tree_map(zero, val)


def _is_zero(x):
    return x is None or isinstance(x, SymbolicZero)


def _split_nondiff(args, nondiff_argnums):
    nondiff = {i: args[i] for i in nondiff_argnums}
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)
    return nondiff, dyn


def _merge(nondiff, dyn, n):
    it = iter(dyn)
    return tuple(nondiff[i] if i in nondiff else next(it) for i in range(n))


def _flat_user_fun(user_fun, in_tree, out_trees, nondiff=None, n=0):
    """``user_fun`` on flat leaves (the dynamic arguments' leaves, the static
    ``nondiff`` ones merged back at their positions): returns its output's
    leaves and appends the output's tree to ``out_trees``."""
    def flat_fun(*xs):
        args = tu.tree_unflatten(in_tree, xs)
        out = user_fun(*(args if nondiff is None else _merge(nondiff, args, n)))
        out_leaves, out_tree = tu.tree_flatten(out)
        out_trees.append(out_tree)
        return out_leaves
    return flat_fun


def _tangent_zeros(x):
    return zeros_like_aval(get_aval(x))


def _trace_out_avals(fun, avals):
    """The output avals of ``fun`` at ``avals``; the jaxpr traced to find them is
    kept on ``fun`` so that evaluating the staged call does not run the user's
    Python function a second time (``jit`` of a custom function traces it once)."""
    closed = trace_to_jaxpr(lambda *xs: list(fun(*xs)), avals)
    if isinstance(fun, _Named) and not closed.has_tracer_consts():
        fun.staged = (tuple(avals), closed)
    return closed.out_avals


def _name(fun):
    return getattr(fun, "__name__", repr(fun))


class _Named:
    """A flat user function as a primitive parameter, printed by its role and
    the user function's name in jaxprs (hashed by identity)."""
    __slots__ = ("fn", "label", "staged")

    def __init__(self, fn, label):
        self.fn = fn
        self.label = label
        self.staged = None  # (avals, ClosedJaxpr) once traced by abstract evaluation

    def __call__(self, *args):
        """``fn(*args)``, or its staged jaxpr where abstract evaluation traced it at
        these avals (the user's Python function runs once per staging)."""
        staged = self.staged
        if staged is not None and staged[0] == tuple(get_aval(a) for a in args):
            if any(isinstance(a, Tracer) for a in args):
                return eval_jaxpr(staged[1].jaxpr, staged[1].consts, *args)
            return runner(staged[1], finish=False)(*args)
        return self.fn(*args)

    def __repr__(self):
        return self.label


def _label(fn):
    return fn.label if isinstance(fn, _Named) else _name(fn)


def _conform(x, src, dst, size):
    """``x`` with its batch axis moved (or an unmapped ``x`` broadcast) to ``dst``."""
    if src == dst or x is None:
        return x
    return matchaxis(x, src, dst, size)


class _CustomFunction:
    """What ``custom_jvp`` and ``custom_vjp`` share: the wrapped function, its
    non-differentiable positions, method binding, and the split of a call's
    arguments into non-differentiable values and flattened differentiable leaves."""

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_positions(fun, nondiff_argnums, nondiff_argnames)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __getattr__(self, name):
        """Other attributes are the wrapped function's (``custom_vjp(custom_vmap(f))``
        still has ``def_vmap``), as in JAX."""
        fun = self.__dict__.get("fun")
        if fun is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(fun, name)

    def _split_call(self, args, kwargs):
        """``(n_args, nondiff, dyn, leaves, in_tree, nondiff_values)`` of a call: ``dyn``
        the differentiable arguments, ``leaves`` and ``in_tree`` their flattening."""
        args = _resolve_args(self.fun, args, kwargs)
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tu.tree_flatten(dyn)
        nd_vals = tuple(nondiff[i] for i in sorted(nondiff))
        return len(args), nondiff, dyn, leaves, in_tree, nd_vals
