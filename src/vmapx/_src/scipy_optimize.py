"""``jax.scipy.optimize``: ``minimize`` with BFGS (and JAX's experimental
L-BFGS), the strong-Wolfe line search with its zoom phase, and the
``OptimizeResults`` they return.

The algorithms are those of Nocedal and Wright, *Numerical Optimization*
(1999): BFGS is algorithm 6.1, the line search algorithm 3.5 with zoom 3.6
(cubic, then quadratic, then bisection steps), L-BFGS the two-loop recursion
of algorithm 7.4.  They follow JAX's choices step for step (the first trial
step, the interpolation safeguards, the failure thresholds, the status codes,
the evaluation counts), so results agree with JAX's to rounding.  Every loop
is a ``lax.while_loop`` whose state holds only arrays and whose branches are
``where`` selections, so ``minimize`` runs under ``vmap`` (over ``x0`` or the
``args``) and ``jit``; gradients of ``fun`` come from ``value_and_grad``.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as _np

from . import numpy_api as _jnp
from .jnp import linalg as _linalg
from .autodiff_api import value_and_grad as _value_and_grad
from .lax_loops import fori_loop as _fori_loop, while_loop as _while_loop

__all__ = ["minimize", "OptimizeResults", "line_search"]


class OptimizeResults(NamedTuple):
    """What :func:`minimize` returns (a pytree, so it crosses ``vmap`` and
    ``jit``).

    ``x``: the solution found; ``success``: converged and no line search
    failed; ``status``: 0 converged, 1 ``maxiter`` reached, 3 the zoom
    failed, 5 the line search ran out of iterations (BFGS: ``2 +`` the line
    search's status; L-BFGS: 2 / 3 too many function / gradient evaluations,
    4 too little progress, 5 line search failed), -1 otherwise; ``fun``,
    ``jac``: value and gradient at ``x``; ``hess_inv``: BFGS's estimate of the
    inverse Hessian (``None`` for L-BFGS); ``nfev``, ``njev``: evaluations of
    the function and its gradient; ``nit``: iterations.

    >>> import vmapx.numpy as jnp
    >>> from vmapx.scipy.optimize import minimize
    >>> r = minimize(lambda x: jnp.sum((x - 3.0) ** 2), jnp.zeros(2), method="BFGS")
    >>> r._fields[:4]
    ('x', 'success', 'status', 'fun')
    """
    x: Any
    success: Any
    status: Any
    fun: Any
    jac: Any
    hess_inv: Any
    nfev: Any
    njev: Any
    nit: Any


def _is_double(dtype) -> bool:
    return _np.finfo(dtype).bits >= 64


def _inexact(dtype):
    """``dtype`` if floating or complex, else float64 (integers and booleans)."""
    return _np.dtype(dtype) if _np.issubdtype(dtype, _np.inexact) else _np.dtype(_np.float64)


def _pick(mask, new: dict, old: dict) -> dict:
    """``old`` with the entries of ``new`` taken where ``mask`` holds."""
    return {**old, **{key: _jnp.where(mask, value, old[key]) for key, value in new.items()}}


def _cubic_minimizer(a, fa, fpa, b, fb, c, fc):
    """The minimiser of the cubic through ``(a, fa)`` with slope ``fpa`` and
    through ``(b, fb)``, ``(c, fc)`` (NaN when it has none)."""
    db, dc = b - a, c - a
    denom = (db * dc) ** 2 * (db - dc)
    rb = fb - fa - fpa * db
    rc = fc - fa - fpa * dc
    cubic = (dc ** 2 * rb - db ** 2 * rc) / denom
    square = (-(dc ** 3) * rb + db ** 3 * rc) / denom
    radical = square * square - 3.0 * cubic * fpa
    return a + (-square + _jnp.sqrt(radical)) / (3.0 * cubic)


def _quadratic_minimizer(a, fa, fpa, b, fb):
    """The minimiser of the parabola through ``(a, fa)`` with slope ``fpa`` and
    through ``(b, fb)``."""
    db = b - a
    curvature = (fb - fa - fpa * db) / (db ** 2)
    return a - fpa / (2.0 * curvature)


def _zoom(evaluate, too_high, flat_enough, lo, hi, g_0, skip, dtype):
    """Algorithm 3.6: shrink the bracket ``[lo, hi]`` (dicts of ``a``, ``phi``,
    ``dphi``) until a step meets the strong Wolfe conditions; the loop does not
    run where ``skip`` holds.  Returns the final loop state."""
    floor = 1e-10 if _is_double(dtype) else 1e-5
    typed = lambda v: _jnp.asarray(v, dtype=dtype)   # noqa: E731
    state = dict(
        done=_jnp.asarray(False), failed=_jnp.asarray(False), j=_jnp.asarray(0),
        a_lo=lo["a"], phi_lo=lo["phi"], dphi_lo=lo["dphi"],
        a_hi=hi["a"], phi_hi=hi["phi"], dphi_hi=hi["dphi"],
        a_rec=(lo["a"] + hi["a"]) / 2.0, phi_rec=(lo["phi"] + hi["phi"]) / 2.0,
        a_star=typed(1.0), phi_star=lo["phi"], dphi_star=lo["dphi"], g_star=g_0,
        nfev=_jnp.asarray(0), ngev=_jnp.asarray(0))

    def step(s):
        width = s["a_hi"] - s["a_lo"]
        left = _jnp.minimum(s["a_hi"], s["a_lo"])
        right = _jnp.maximum(s["a_hi"], s["a_lo"])
        failed = s["failed"] | (width <= floor)
        # Interpolate (cubic once a third point is known, else quadratic) when
        # the minimiser falls well inside the bracket; bisect otherwise.
        cubic = _cubic_minimizer(s["a_lo"], s["phi_lo"], s["dphi_lo"], s["a_hi"], s["phi_hi"],
                                 s["a_rec"], s["phi_rec"])
        use_cubic = (s["j"] > 0) & (cubic > left + 0.2 * width) & (cubic < right - 0.2 * width)
        quadratic = _quadratic_minimizer(s["a_lo"], s["phi_lo"], s["dphi_lo"], s["a_hi"],
                                         s["phi_hi"])
        use_quadratic = (~use_cubic) & (quadratic > left + 0.1 * width) \
            & (quadratic < right - 0.1 * width)
        a_j = _jnp.where(use_cubic, cubic, s["a_rec"])
        a_j = _jnp.where(use_quadratic, quadratic, a_j)
        a_j = _jnp.where((~use_cubic) & (~use_quadratic), (s["a_lo"] + s["a_hi"]) / 2.0, a_j)

        phi_j, dphi_j, g_j = evaluate(a_j)
        phi_j = phi_j.astype(s["phi_lo"].dtype)
        dphi_j = dphi_j.astype(s["dphi_lo"].dtype)
        g_j = g_j.astype(s["g_star"].dtype)
        s = dict(s, failed=failed, nfev=s["nfev"] + 1, ngev=s["ngev"] + 1)

        new_hi = too_high(a_j, phi_j) | (phi_j >= s["phi_lo"])
        accept = flat_enough(dphi_j) & ~new_hi
        flip = (dphi_j * (s["a_hi"] - s["a_lo"]) >= 0.0) & ~new_hi & ~accept
        new_lo = ~new_hi & ~accept

        s = _pick(new_hi, dict(a_hi=a_j, phi_hi=phi_j, dphi_hi=dphi_j,
                               a_rec=s["a_hi"], phi_rec=s["phi_hi"]), s)
        s = _pick(accept, dict(a_star=a_j, phi_star=phi_j, dphi_star=dphi_j, g_star=g_j), s)
        s["done"] = accept | s["done"]
        s = _pick(flip, dict(a_hi=s["a_lo"], phi_hi=s["phi_lo"], dphi_hi=s["dphi_lo"],
                             a_rec=s["a_hi"], phi_rec=s["phi_hi"]), s)
        s = _pick(new_lo & ~flip, dict(a_rec=s["a_lo"], phi_rec=s["phi_lo"]), s)
        s = _pick(new_lo, dict(a_lo=a_j, phi_lo=phi_j, dphi_lo=dphi_j), s)
        s["j"] = s["j"] + 1
        s["failed"] = s["failed"] | (s["j"] >= 30)
        return s

    return _while_loop(lambda s: ~s["done"] & ~skip & ~s["failed"], step, state)


class _LineSearchResults(NamedTuple):
    failed: Any
    nit: Any
    nfev: Any
    ngev: Any
    k: Any
    a_k: Any
    f_k: Any
    g_k: Any
    status: Any


def line_search(f, xk, pk, old_fval=None, old_old_fval=None, gfk=None, c1=1e-4, c2=0.9,
                maxiter=20):
    """A step along the descent direction ``pk`` from ``xk`` meeting the
    strong Wolfe conditions (constants ``c1``, ``c2``; algorithm 3.5 of Nocedal
    and Wright, doubling the step as SciPy does), as JAX's internal
    ``line_search``.  Returns a named tuple with ``failed``, ``nit``,
    ``nfev``, ``ngev``, ``k``, ``a_k`` (the step), ``f_k``, ``g_k`` (value
    and gradient there) and ``status`` (0 done, 1 zoom failed, 3 too many
    iterations).

    >>> import vmapx.numpy as jnp
    >>> from vmapx._src.scipy_optimize import line_search
    >>> r = line_search(lambda x: jnp.sum(x ** 2), jnp.array([1.0]), jnp.array([-1.0]))
    >>> float(r.a_k), bool(r.failed)
    (1.0, False)
    """
    xk, pk = _jnp.asarray(xk), _jnp.asarray(pk)
    dtype = _inexact(_jnp.result_type(xk, pk))
    xk, pk = xk.astype(dtype), pk.astype(dtype)

    def evaluate(t):
        t = _jnp.asarray(t, dtype=dtype)
        phi, g = _value_and_grad(f)(xk + t * pk)
        return phi, _jnp.real(_jnp.dot(g, pk)), g

    fresh = old_fval is None or gfk is None
    if fresh:
        phi_0, dphi_0, gfk = evaluate(0)
    else:
        phi_0, dphi_0 = _jnp.asarray(old_fval), _jnp.real(_jnp.dot(gfk, pk))
    if old_old_fval is not None:
        guess = 1.01 * 2 * (phi_0 - old_old_fval) / dphi_0
        first = _jnp.where(guess > 1, 1.0, guess)
    else:
        first = _jnp.asarray(1.0, dtype=_np.finfo(dtype).dtype)

    def too_high(a, phi):   # the sufficient-decrease condition fails
        return phi > phi_0 + c1 * a * dphi_0

    def flat_enough(dphi):  # the curvature condition holds
        return _jnp.abs(dphi) <= -c2 * dphi_0

    zero = _jnp.zeros((), dtype=_jnp.result_type(first))
    state = dict(done=_jnp.asarray(False), failed=_jnp.asarray(False), i=_jnp.asarray(1),
                 a_prev=zero, phi_prev=phi_0, dphi_prev=dphi_0,
                 nfev=_jnp.asarray(1 if fresh else 0), ngev=_jnp.asarray(1 if fresh else 0),
                 a_star=zero, phi_star=phi_0, dphi_star=dphi_0, g_star=gfk)
    accepted = ("a_star", "phi_star", "dphi_star", "g_star")

    def step(s):
        a_i = _jnp.where(s["i"] == 1, first, s["a_prev"] * 2.0)
        phi_i, dphi_i, g_i = evaluate(a_i)
        s = dict(s, nfev=s["nfev"] + 1, ngev=s["ngev"] + 1)
        bracket_low = too_high(a_i, phi_i) | ((phi_i >= s["phi_prev"]) & (s["i"] > 1))
        take_i = flat_enough(dphi_i) & ~bracket_low
        bracket_high = (dphi_i >= 0.0) & ~bracket_low & ~take_i
        prev = dict(a=s["a_prev"], phi=s["phi_prev"], dphi=s["dphi_prev"])
        here = dict(a=a_i, phi=phi_i, dphi=dphi_i)
        # Both zooms are traced; the one not needed stops before its first step.
        zoom_low = _zoom(evaluate, too_high, flat_enough, prev, here, gfk, ~bracket_low, dtype)
        s = dict(s, nfev=s["nfev"] + zoom_low["nfev"], ngev=s["ngev"] + zoom_low["ngev"])
        zoom_high = _zoom(evaluate, too_high, flat_enough, here, prev, gfk, ~bracket_high,
                          dtype)
        s = dict(s, nfev=s["nfev"] + zoom_high["nfev"], ngev=s["ngev"] + zoom_high["ngev"])

        s = _pick(bracket_low, {k: zoom_low[k] for k in accepted}, s)
        s["done"] = bracket_low | s["done"]
        s["failed"] = (bracket_low & zoom_low["failed"]) | s["failed"]
        s = _pick(take_i, dict(a_star=a_i, phi_star=phi_i, dphi_star=dphi_i, g_star=g_i), s)
        s["done"] = take_i | s["done"]
        s = _pick(bracket_high, {k: zoom_high[k] for k in accepted}, s)
        s["done"] = bracket_high | s["done"]
        s["failed"] = (bracket_high & zoom_high["failed"]) | s["failed"]
        return dict(s, i=s["i"] + 1, a_prev=a_i, phi_prev=phi_i, dphi_prev=dphi_i)

    s = _while_loop(lambda s: ~s["done"] & (s["i"] <= maxiter) & ~s["failed"], step, state)
    status = _jnp.where(s["failed"], 1, _jnp.where(s["i"] > maxiter, 3, 0))
    step_size = _jnp.asarray(s["a_star"])
    if not _is_double(step_size.dtype):
        # Tiny steps stall single precision: keep them at least 1e-8 long.
        step_size = _jnp.where(_jnp.abs(step_size) < 1e-8, _jnp.sign(step_size) * 1e-8,
                               step_size)
    return _LineSearchResults(failed=s["failed"] | ~s["done"], nit=s["i"] - 1, nfev=s["nfev"],
                              ngev=s["ngev"], k=s["i"], a_k=step_size, f_k=s["phi_star"],
                              g_k=s["g_star"], status=status)


def _minimize_bfgs(fun, x0, maxiter=None, norm=_np.inf, gtol=1e-5, line_search_maxiter=10):
    """BFGS (algorithm 6.1) from ``x0``: the state after the last iteration,
    as a dict of arrays."""
    if maxiter is None:
        maxiter = _np.size(x0) * 200
    n = x0.shape[0]
    f_0, g_0 = _value_and_grad(fun)(x0)
    state = dict(converged=_linalg.norm(g_0, ord=norm) < gtol, failed=_jnp.asarray(False),
                 k=_jnp.asarray(0), nfev=_jnp.asarray(1), ngev=_jnp.asarray(1), x=x0, f=f_0,
                 g=g_0, H=_jnp.eye(n, dtype=x0.dtype),
                 f_before=f_0 + _linalg.norm(g_0) / 2, ls_status=_jnp.asarray(0))

    def iterate(s):
        direction = -_jnp.dot(s["H"], s["g"])
        found = line_search(fun, s["x"], direction, old_fval=s["f"], old_old_fval=s["f_before"],
                            gfk=s["g"], maxiter=line_search_maxiter)
        step = found.a_k * direction
        change = found.g_k - s["g"]
        rho = _jnp.reciprocal(_jnp.dot(change, step))
        # H' = (I - rho s y^T) H (I - rho y s^T) + rho s s^T, kept when rho is not finite.
        w = _jnp.eye(n, dtype=rho.dtype) - rho * (step[:, None] * change[None, :])
        updated = _jnp.einsum("ij,jk,lk", w, s["H"], w) + rho * step[:, None] * step[None, :]
        return dict(converged=_linalg.norm(found.g_k, ord=norm) < gtol,
                    failed=found.failed, k=s["k"] + 1, nfev=s["nfev"] + found.nfev,
                    ngev=s["ngev"] + found.ngev, x=s["x"] + step, f=found.f_k, g=found.g_k,
                    H=_jnp.where(_jnp.isfinite(rho), updated, s["H"]), f_before=s["f"],
                    ls_status=found.status)

    s = _while_loop(lambda s: ~s["converged"] & ~s["failed"] & (s["k"] < maxiter), iterate,
                    state)
    status = _jnp.where(s["converged"], 0, _jnp.where(
        s["k"] == maxiter, 1, _jnp.where(s["failed"], 2 + s["ls_status"], -1)))
    return dict(s, status=status)


def _two_loop_direction(s):
    """L-BFGS's search direction: minus the inverse-Hessian estimate of the
    stored pairs (oldest first in the history rows) times the gradient."""
    history = s["rho"].shape[0]
    dtype = s["rho"].dtype
    used = _jnp.where(s["k"] < history, s["k"], history)

    def newest_first(j, carry):
        q, alphas = carry
        i = history - 1 - j
        alpha = s["rho"][i] * _jnp.real(_jnp.dot(_jnp.conj(s["S"][i]), q)).astype(dtype)
        return q - alpha * _jnp.conj(s["Y"][i]), alphas.at[i].set(alpha)

    q, alphas = _fori_loop(0, used, newest_first,
                           (-_jnp.conj(s["g"]), _jnp.zeros_like(s["rho"])))
    q = s["gamma"] * q

    def oldest_first(j, q):
        i = history - used + j
        beta = s["rho"][i] * _jnp.real(_jnp.dot(s["Y"][i], q)).astype(dtype)
        return q + (alphas[i] - beta) * s["S"][i]

    return _fori_loop(0, used, oldest_first, q)


def _push(history, new):
    """The rows of ``history`` moved up by one, ``new`` as the last."""
    return _jnp.roll(history, -1, axis=0).at[-1].set(new)


def _minimize_lbfgs(fun, x0, maxiter=None, norm=_np.inf, maxcor=10, ftol=2.220446049250313e-09,
                    gtol=1e-05, maxfun=None, maxgrad=None, maxls=20):
    """L-BFGS with ``maxcor`` stored pairs (JAX's experimental method; complex
    ``x0`` as Sorber et al. 2012): the final state as a dict of arrays."""
    n = len(x0)
    dtype = _np.dtype(x0.dtype)
    if maxiter is None and maxfun is None and maxgrad is None:
        maxiter = n * 200
    limits = [_np.inf if v is None else v for v in (maxiter, maxfun, maxgrad)]
    maxiter, maxfun, maxgrad = limits
    f_0, g_0 = _value_and_grad(fun)(x0)
    state = dict(converged=_jnp.asarray(False), failed=_jnp.asarray(False), k=_jnp.asarray(0),
                 nfev=_jnp.asarray(1), ngev=_jnp.asarray(1), x=x0, f=f_0, g=g_0,
                 S=_jnp.zeros((maxcor, n), dtype=dtype), Y=_jnp.zeros((maxcor, n), dtype=dtype),
                 rho=_jnp.zeros((maxcor,), dtype=dtype),
                 gamma=_jnp.asarray(1.0, dtype=_jnp.result_type(dtype, 1.0)),
                 status=_jnp.asarray(0), ls_status=_jnp.asarray(0))

    def iterate(s):
        direction = _two_loop_direction(s)
        found = line_search(fun, s["x"], direction, old_fval=s["f"], gfk=s["g"], maxiter=maxls)
        step = _jnp.asarray(found.a_k).astype(direction.dtype) * direction
        change = found.g_k - s["g"]
        curvature = _jnp.real(_jnp.dot(change, step))
        rho = _jnp.reciprocal(curvature).astype(change.dtype)
        gamma = curvature / _jnp.real(_jnp.dot(_jnp.conj(change), change))
        status = _jnp.asarray(0)
        status = _jnp.where(s["f"] - found.f_k < ftol, 4, status)
        status = _jnp.where(s["ngev"] >= maxgrad, 3, status)
        status = _jnp.where(s["nfev"] >= maxfun, 2, status)
        status = _jnp.where(s["k"] >= maxiter, 1, status)
        status = _jnp.where(found.failed, 5, status)
        converged = _linalg.norm(found.g_k, ord=norm) < gtol
        return dict(converged=converged, failed=(status > 0) & ~converged, k=s["k"] + 1,
                    nfev=s["nfev"] + found.nfev, ngev=s["ngev"] + found.ngev,
                    x=(s["x"] + step).astype(s["x"].dtype), f=found.f_k.astype(s["f"].dtype),
                    g=found.g_k.astype(s["g"].dtype), S=_push(s["S"], step),
                    Y=_push(s["Y"], change), rho=_push(s["rho"], rho),
                    gamma=gamma.astype(s["gamma"].dtype),
                    status=_jnp.where(converged, 0, status), ls_status=found.status)

    return _while_loop(lambda s: ~s["converged"] & ~s["failed"], iterate, state)


_LBFGS = "l-bfgs-experimental-do-not-rely-on-this"


def minimize(fun, x0, args=(), *, method, tol=None, options=None):
    """Minimise ``fun(x, *args)`` (a real scalar) over a 1-D ``x`` from ``x0``,
    as ``jax.scipy.optimize.minimize``: ``method`` is ``"BFGS"`` or
    ``"l-bfgs-experimental-do-not-rely-on-this"`` (required, any case);
    ``options`` go to the method (BFGS: ``maxiter`` (default ``200 *
    x0.size``), ``norm`` (``inf``), ``gtol`` (``1e-5``),
    ``line_search_maxiter`` (10); L-BFGS also ``maxcor``, ``ftol``,
    ``maxfun``, ``maxgrad``, ``maxls``).  ``tol`` is accepted and, as in
    JAX, unused.  Gradients come from ``value_and_grad``; the loops are
    ``lax.while_loop``, so ``minimize`` runs under ``jit`` and ``vmap``
    (each example stops on its own).  Returns :class:`OptimizeResults`.

    >>> import vmapx.numpy as jnp
    >>> from vmapx.scipy.optimize import minimize
    >>> himmelblau = lambda p: (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2
    >>> r = minimize(himmelblau, jnp.ones(2), method="BFGS")
    >>> jnp.round(r.x, 5), bool(r.success), int(r.status), int(r.nit)
    (array([3., 2.]), True, 0, 8)
    """
    options = {} if options is None else dict(options)
    if not isinstance(args, tuple):
        raise TypeError("args argument to vmapx.scipy.optimize.minimize must be a tuple, "
                        f"got {args}")
    objective = lambda x: fun(x, *args)   # noqa: E731
    x0 = _jnp.asarray(x0)
    name = method.lower()
    if name not in ("bfgs", _LBFGS):
        raise ValueError(f"Method {method} not recognized")
    # The algorithms compute infinities on purpose (a curvature 1 / 0 is
    # detected and skipped), as JAX does silently: no NumPy warnings for them.
    with _np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if name == "bfgs":
            s = _minimize_bfgs(objective, x0, **options)
            hess_inv = s["H"]
        else:
            s = _minimize_lbfgs(objective, x0, **options)
            hess_inv = None
    return OptimizeResults(x=s["x"], success=s["converged"] & ~s["failed"], status=s["status"],
                           fun=s["f"], jac=s["g"], hess_inv=hess_inv, nfev=s["nfev"],
                           njev=s["ngev"], nit=s["k"])
