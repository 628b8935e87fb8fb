"""``jax.experimental.ode.odeint``: adaptive Dormand-Prince (RK45)
integration of ``dy/dt = func(y, t, *args)`` for pytree states, with
reverse-mode derivatives by the adjoint method.

Steps follow JAX's choices so values agree to rounding: the initial step of
Hairer, Norsett and Wanner (*Solving ODEs I*, II.4), the Dormand-Prince
tableau with its embedded error estimate, the RMS error ratio against
``atol + rtol * max(|y0|, |y1|)``, the step-size controller (safety 0.9,
growth at most 10, shrink at least 0.2 after a rejected step, order 5), and
dense output at the requested times from the fourth-order polynomial through
the step's ends and midpoint.  The state is the pytree's leaves raveled into
one vector (``_Raveled``); each output time is one iteration of ``lax.scan``
over a ``lax.while_loop`` of steps, so ``odeint`` runs under ``vmap`` (each
example chooses its own steps) and ``jit``.

Gradients: ``_odeint`` is a ``custom_vjp`` whose backward pass integrates the
augmented system (state, its adjoint, the time and ``args`` cotangents)
backwards between consecutive output times (Chen et al. 2018, appendix C),
giving cotangents for ``y0``, every time in ``t`` and ``args``.  Values the
function closes over that may carry derivatives are hoisted into ``args``
by ``closure_convert``.
"""
from __future__ import annotations

import operator

import numpy as _np

from . import numpy_api as _jnp
from . import tree as _tree
from .autodiff_api import vjp as _vjp
from .core import dtype_of as _dtype_of, shape_of as _shape_of
from .custom_vjp import custom_vjp as _custom_vjp
from .jnp import linalg as _linalg
from .lax_loops import scan as _scan, while_loop as _while_loop
from .misc_api import closure_convert as _closure_convert

__all__ = ["odeint"]

# The Dormand-Prince tableau: stage times, stage weights (row i gives stage
# i + 1 from stages 0..i), the fifth-order solution and its error against the
# embedded fourth-order one.
_STAGE_TIMES = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
_STAGE_WEIGHTS = [
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_SOLUTION = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0]
_ERROR = [35 / 384 - 1951 / 21600, 0, 500 / 1113 - 22642 / 50085, 125 / 192 - 451 / 720,
          -2187 / 6784 - -12231 / 42400, 11 / 84 - 649 / 6300, -1.0 / 60.0]
# The solution at the step's midpoint, from the seven stages (Shampine 1986).
_MIDPOINT = [6025192743 / 30085553152 / 2, 0, 51252292925 / 65400821598 / 2,
             -2691868925 / 45128329728 / 2, 187940372067 / 1594534317056 / 2,
             -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2]


class _Raveled:
    """A pytree's leaves as one vector of their common dtype, and back."""

    def __init__(self, example):
        leaves, self.treedef = _tree.tree_flatten(example)
        self.shapes = [_shape_of(x) for x in leaves]
        self.dtypes = [_dtype_of(x) for x in leaves]
        self.sizes = [int(_np.prod(s, dtype=int)) for s in self.shapes]
        self.dtype = _jnp.result_type(*self.dtypes) if leaves else _np.dtype(_np.float64)

    def ravel(self, tree):
        return _ravel(tree, self.dtype)

    def unravel(self, flat):
        bounds = _np.cumsum(self.sizes)[:-1].tolist()
        pieces = _jnp.split(flat, bounds) if self.sizes else []
        leaves = [p.reshape(s).astype(d) for p, s, d in
                  zip(pieces, self.shapes, self.dtypes, strict=True)]
        return _tree.tree_unflatten(self.treedef, leaves)


def _ravel(tree, dtype=None):
    """The leaves of ``tree`` raveled and joined, in their common dtype."""
    leaves = _tree.tree_leaves(tree)
    if dtype is None:
        dtype = _jnp.result_type(*leaves) if leaves else _np.dtype(_np.float64)
    if not leaves:
        return _jnp.zeros((0,), dtype)
    return _jnp.concatenate([_jnp.ravel(x).astype(dtype) for x in leaves])


def _inexact(x):
    x = _jnp.asarray(x)
    return x if _jnp.issubdtype(x.dtype, _np.inexact) else x.astype(_np.float64)


def _initial_step(fun, t0, y0, order, rtol, atol, f0):
    """The first step size (Hairer, Norsett and Wanner, II.4)."""
    y0, f0 = _inexact(y0), _inexact(f0)
    dtype = _jnp.result_type(y0, f0)
    y0, f0 = y0.astype(dtype), f0.astype(dtype)
    scale = (atol + _jnp.abs(y0) * rtol).astype(dtype)
    d0 = _linalg.norm(y0 / scale)
    d1 = _linalg.norm(f0 / scale)
    h0 = _jnp.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / d1)
    f1 = fun(y0 + h0.astype(dtype) * f0, t0 + h0)
    d2 = _linalg.norm((f1 - f0) / scale) / h0
    h1 = _jnp.where((d1 <= 1e-15) & (d2 <= 1e-15), _jnp.maximum(1e-6, h0 * 1e-3),
                    (0.01 / _jnp.maximum(d1, d2)) ** (1.0 / (order + 1.0)))
    return _jnp.minimum(100.0 * h0, h1)


def _dormand_prince_step(fun, y0, f0, t0, dt):
    """One step: ``(y1, f1, error estimate, the seven stage slopes)``."""
    dtype = _dtype_of(f0)
    h = dt.astype(dtype)
    stages = [f0]
    for c, weights in zip(_STAGE_TIMES, _STAGE_WEIGHTS, strict=True):
        b = _jnp.asarray(weights, dtype=dtype)
        stages.append(fun(y0 + h * _jnp.dot(b, _jnp.stack(stages)),
                          t0 + dt * _jnp.asarray(c, dtype=_dtype_of(dt))))
    k = _jnp.stack(stages)
    y1 = h * _jnp.dot(_jnp.asarray(_SOLUTION, dtype=dtype), k) + y0
    error = h * _jnp.dot(_jnp.asarray(_ERROR, dtype=dtype), k)
    return y1, k[-1], error, k


def _dense_output(y0, y1, k, dt):
    """Coefficients (highest power first) of the quartic in the step's
    fraction through ``y0``, ``y1`` and the midpoint, with the end slopes."""
    dtype = _dtype_of(y0)
    h = dt.astype(dtype)
    mid = y0 + h * _jnp.dot(_jnp.asarray(_MIDPOINT, dtype=dtype), k)
    s0, s1 = h * k[0], h * k[-1]
    return _jnp.stack([
        -2.0 * s0 + 2.0 * s1 - 8.0 * y0 - 8.0 * y1 + 16.0 * mid,
        5.0 * s0 - 3.0 * s1 + 18.0 * y0 + 14.0 * y1 - 32.0 * mid,
        -4.0 * s0 + s1 - 11.0 * y0 - 5.0 * y1 + 16.0 * mid,
        s0,
        y0])


def _error_ratio(error, rtol, atol, y0, y1):
    tolerance = atol + rtol * _jnp.maximum(_jnp.abs(y0), _jnp.abs(y1))
    ratio = error / tolerance.astype(_dtype_of(error))
    squared = ratio.real ** 2 + ratio.imag ** 2 if _jnp.iscomplexobj(ratio) else ratio ** 2
    return _jnp.sqrt(_jnp.mean(squared))


def _next_step(last, ratio, safety=0.9, grow=10.0, shrink=0.2, order=5.0):
    """The step-size controller: grow by at most ``grow``; after a rejected
    step (``ratio >= 1``) shrink by at most ``shrink``."""
    dtype = _dtype_of(ratio)
    floor = _jnp.where(ratio < 1, _jnp.asarray(1.0, dtype), _jnp.asarray(shrink, dtype))
    factor = _jnp.minimum(grow, _jnp.maximum(ratio ** (-1.0 / order) * safety, floor))
    return _jnp.where(ratio == 0, last * grow, last * factor)


def _horner(coefficients, x):
    value = _jnp.zeros_like(coefficients[0])
    for i in range(coefficients.shape[0]):
        value = value * x + coefficients[i]
    return value


def _integrate(fun, rtol, atol, mxstep, hmax, y0, ts, *args):
    """The raveled solution at every time of ``ts`` (rows)."""
    rhs = lambda y, t: fun(y, t, *args)   # noqa: E731

    def to_next_time(carry, target):
        def more(state):
            i, _, _, t, dt, _, _ = state
            return (t < target) & (i < mxstep) & (dt > 0)

        def attempt(state):
            i, y, f, t, dt, t_prev, poly = state
            y_new, f_new, error, k = _dormand_prince_step(rhs, y, f, t, dt)
            ratio = _error_ratio(error, rtol, atol, y, y_new)
            poly_new = _dense_output(y, y_new, k, dt)
            dt_new = _jnp.clip(_next_step(dt, ratio), 0.0, hmax)
            accept = ratio <= 1.0
            taken = (y_new, f_new, t + dt, t)
            kept = (y, f, t, t_prev)
            y, f, t, t_prev = (_jnp.where(accept, a, b) for a, b in
                               zip(taken, kept, strict=True))
            return i + 1, y, f, t, dt_new, t_prev, _jnp.where(accept, poly_new, poly)

        _, y, f, t, dt, t_prev, poly = _while_loop(more, attempt, (0, *carry))
        fraction = (target - t_prev) / (t - t_prev)
        return (y, f, t, dt, t_prev, poly), _horner(poly, fraction.astype(_dtype_of(poly)))

    f0 = rhs(y0, ts[0])
    dt = _jnp.clip(_initial_step(rhs, ts[0], y0, 4, rtol, atol, f0), 0.0, hmax)
    start = (y0, f0, ts[0], dt, ts[0], _jnp.stack([y0] * 5))
    _, ys = _scan(to_next_time, start, ts[1:])
    return _jnp.concatenate((y0[None], ys))


def _integrate_fwd(fun, rtol, atol, mxstep, hmax, y0, ts, *args):
    ys = _integrate(fun, rtol, atol, mxstep, hmax, y0, ts, *args)
    return ys, (ys, ts, args)


def _integrate_bwd(fun, rtol, atol, mxstep, hmax, residuals, g):
    """The adjoint method: integrate (y, y's adjoint, t0's and args'
    cotangents) backwards from each output time to the one before, in negated
    time so that time still increases."""
    ys, ts, args = residuals
    ys, ts, g = _jnp.asarray(ys), _jnp.asarray(ts), _jnp.asarray(g)   # indexed by traced i

    def augmented(state, minus_t, *args):
        y, y_bar = state[0], state[1]
        y_dot, pullback = _vjp(fun, y, -minus_t, *args)
        return (-y_dot, *pullback(y_bar))

    def back_one_interval(carry, i):
        y_bar, t0_bar, args_bar = carry
        t_bar = _jnp.dot(fun(ys[i], ts[i], *args), g[i]).real
        t0_bar = t0_bar - t_bar
        _, y_bar, t0_bar, args_bar = odeint(
            augmented, (ys[i], y_bar, t0_bar, args_bar), _jnp.stack([-ts[i], -ts[i - 1]]),
            *args, rtol=rtol, atol=atol, mxstep=mxstep, hmax=hmax)
        y_bar, t0_bar, args_bar = _tree.tree_map(operator.itemgetter(1),
                                                 (y_bar, t0_bar, args_bar))
        return (y_bar + g[i - 1], t0_bar, args_bar), t_bar

    start = (g[-1], _jnp.zeros((), _dtype_of(ts)), _tree.tree_map(_jnp.zeros_like, args))
    (y_bar, t0_bar, args_bar), ts_bar_reversed = _scan(
        back_one_interval, start, _jnp.arange(len(ts) - 1, 0, -1))
    ts_bar = _jnp.concatenate([_jnp.reshape(t0_bar, (1,)), ts_bar_reversed[::-1]])
    return (y_bar, ts_bar, *args_bar)


_odeint = _custom_vjp(_integrate, nondiff_argnums=(0, 1, 2, 3, 4))
_odeint.defvjp(_integrate_fwd, _integrate_bwd)


def _is_array_like(x) -> bool:
    try:
        _jnp.asarray(x)
    except (TypeError, ValueError):
        return False
    return not isinstance(x, (str, bytes)) and _jnp.asarray(x).dtype != object


def odeint(func, y0, t, *args, rtol=1.4e-8, atol=1.4e-8, mxstep=_np.inf, hmax=_np.inf):
    """Solve ``dy/dt = func(y, t, *args)`` from ``y0`` at ``t[0]`` and return
    ``y`` at every time of ``t`` (strictly increasing floats), as
    ``jax.experimental.ode.odeint``: adaptive Dormand-Prince steps within
    ``rtol`` / ``atol``, at most ``mxstep`` steps between output times and no
    step longer than ``hmax``.  ``y0`` may be a pytree of arrays (the result
    has its structure, each leaf with a leading axis of ``len(t)``); ``args``
    are arrays or pytrees of them.  Differentiable in reverse mode (``grad``,
    ``vjp``) with respect to ``y0``, ``t`` and ``args`` by the adjoint method,
    and runs under ``vmap`` and ``jit``.

    >>> import vmapx.numpy as jnp
    >>> from vmapx.experimental.ode import odeint
    >>> ys = odeint(lambda y, t, k: -k * y, jnp.array([1.0]), jnp.array([0.0, 1.0]), 2.0)
    >>> jnp.round(ys[:, 0], 6)
    array([1.      , 0.135335])
    """
    for arg in _tree.tree_leaves(args):
        if not _is_array_like(arg):
            raise TypeError(
                f"The contents of odeint *args must be arrays or scalars, but got {arg}.")
    t = _jnp.asarray(t)
    if not _jnp.issubdtype(t.dtype, _np.floating):
        raise TypeError(f"t must be an array of floats, but got {t}.")
    converted, consts = _closure_convert(func, y0, t[0], *args)
    raveled = _Raveled(y0)

    def flat_func(y_flat, t, *rest):
        return _ravel(converted(raveled.unravel(y_flat), t, *rest))

    ys = _odeint(flat_func, rtol, atol, mxstep, hmax, raveled.ravel(y0), t, *args, *consts)
    return _unravel_rows(raveled, ys)


def _unravel_rows(raveled, ys):
    """The solution rows as the state's pytree, each leaf with a leading time axis."""
    n = _shape_of(ys)[0]
    leaves, bounds = [], _np.cumsum([0] + raveled.sizes).tolist()
    for lo, hi, shape, dtype in zip(bounds[:-1], bounds[1:], raveled.shapes, raveled.dtypes,
                                    strict=True):
        leaves.append(ys[:, lo:hi].reshape((n, *shape)).astype(dtype))
    return _tree.tree_unflatten(raveled.treedef, leaves)
