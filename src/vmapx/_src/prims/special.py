"""Special-function primitives: elementwise rows whose NumPy implementation is
a ``scipy.special`` ufunc (``erf``, ``lgamma``, ``igamma``, ...), with JAX's
names (``lax.erf_inv``, ``lax.lgamma``, ``lax.bessel_i0e``) and derivative
rules.  The rows only ``jax.scipy.special`` exposes (``zeta``, ``hyp1f1``,
``sph_harm_y``, ...) are in ``special_scipy.py``.

They use the elementwise family of ``elementwise.py`` (broadcasting batching
rule, shape/dtype rule from the implementation, JVP from partial derivatives).
SciPy is imported on first use, so ``import vmapx`` does not import it.

>>> import numpy as np
>>> float(erf_p.bind(np.float64(0.5)))
0.5204998778130465
"""
from __future__ import annotations

import importlib

import numpy as np

from .elementwise import (B, add_p, divide_p, elementwise, exp_p, greater_p, log1p_p,
                          log_p, multiply_p, negative_p, reciprocal_p, sign_p, subtract_p,
                          where_p)
from ..core import get_aval, is_python_scalar


class _Scipy:
    """``scipy.special.<name>``, imported on the first call.  After that call
    the primitive's ``impl`` is the SciPy ufunc itself (no wrapper overhead)."""
    __slots__ = ("name", "prim", "fn")

    def __init__(self, name):
        self.name = name
        self.prim = None
        self.fn = None

    def __call__(self, *args, **params):
        fn = self.fn
        if fn is None:
            fn = self.fn = getattr(importlib.import_module("scipy.special"), self.name)
            if self.prim is not None:
                self.prim.impl = fn
        return fn(*args, **params)


def _row(name, scipy_name, partials):
    impl = _Scipy(scipy_name)
    prim = elementwise(name, impl, partials)
    impl.prim = prim
    return prim


_PY_SCALARS = (bool, int, float, complex)


def _binary_row(name, scipy_name, partials):
    """A two-operand row.  SciPy's ufuncs do not treat Python scalars as weak
    (``gammainc(1.0, float32)`` is float64), so a Python scalar operand is first
    made an array of NumPy's promoted dtype (float32 stays float32)."""
    ufunc = _Scipy(scipy_name)

    def impl(x, y):
        if type(x) in _PY_SCALARS:
            x = np.asarray(x, np.result_type(x, y))
        elif type(y) in _PY_SCALARS:
            y = np.asarray(y, np.result_type(x, y))
        return ufunc(x, y)
    return elementwise(name, impl, partials)


def _float_dtype(*xs):
    """The floating dtype of a float function of ``xs`` (NumPy's promotion,
    integers and bools to float64; Python scalars are weak)."""
    return np.result_type(*[x if is_python_scalar(x) else get_aval(x).dtype for x in xs], 0.0)


_TWO_OVER_SQRT_PI = float(2.0 / np.sqrt(np.pi))
_SQRT_PI_OVER_TWO = float(np.sqrt(np.pi) / 2.0)
_INV_SQRT_2PI = float(1.0 / np.sqrt(2.0 * np.pi))
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def _gauss(x):
    """``exp(-x**2)``."""
    return B(exp_p, B(negative_p, B(multiply_p, x, x)))


def _half_gauss(x):
    """``exp(-x**2 / 2)``."""
    return B(exp_p, B(multiply_p, -0.5, B(multiply_p, x, x)))


# ------------------------------------------------------------------- unary rows

erf_p = _row("erf", "erf", lambda x, y: [B(multiply_p, _TWO_OVER_SQRT_PI, _gauss(x))])
erfc_p = _row("erfc", "erfc", lambda x, y: [B(multiply_p, -_TWO_OVER_SQRT_PI, _gauss(x))])
erf_inv_p = _row("erf_inv", "erfinv", lambda x, y: [
    B(multiply_p, _SQRT_PI_OVER_TWO, B(exp_p, B(multiply_p, y, y)))])
ndtr_p = _row("ndtr", "ndtr", lambda x, y: [B(multiply_p, _INV_SQRT_2PI, _half_gauss(x))])
ndtri_p = _row("ndtri", "ndtri", lambda x, y: [
    B(multiply_p, _SQRT_2PI, B(exp_p, B(multiply_p, 0.5, B(multiply_p, y, y))))])
# d log_ndtr / dx = pdf(x) / cdf(x) = exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi): no 0/0 in the tail.
log_ndtr_p = _row("log_ndtr", "log_ndtr", lambda x, y: [
    B(multiply_p, _INV_SQRT_2PI,
      B(exp_p, B(subtract_p, B(multiply_p, -0.5, B(multiply_p, x, x)), y)))])
_gammaln = _Scipy("gammaln")
_psi = _Scipy("psi")


def _keep_scalar(out, fixed):
    return fixed[()] if np.ndim(out) == 0 else fixed


def _lgamma(x):
    """``log|gamma(x)|``; ``+inf`` at ``-inf`` (C's ``lgamma``, as JAX; SciPy
    gives ``-inf``)."""
    out = _gammaln(x)
    bad = np.isneginf(x)
    return _keep_scalar(out, np.where(bad, np.asarray(np.inf, out.dtype), out)) \
        if bad.any() else out


def _digamma(x):
    """``digamma(x)``; NaN at the pole 0 as at the other poles (as JAX; SciPy
    gives ``-inf`` at ``+0`` and ``+inf`` at ``-0``)."""
    out = _psi(x)
    bad = np.equal(x, 0)
    return _keep_scalar(out, np.where(bad, np.asarray(np.nan, out.dtype), out)) \
        if bad.any() else out


lgamma_p = elementwise("lgamma", _lgamma, lambda x, y: [B(digamma_p, x)])
digamma_p = elementwise("digamma", _digamma, lambda x, y: [B(polygamma_p, 1, x)])
bessel_i0e_p = _row("bessel_i0e", "i0e", lambda x, y: [
    B(subtract_p, B(bessel_i1e_p, x), B(multiply_p, B(sign_p, x), y))])


def _i1e_partials(x, y):
    # d i1e / dx = i0e(x) - i1e(x) (sign(x) + 1/x), and 1/2 at x = 0 (as JAX).
    eps = float(np.finfo(_float_dtype(x)).eps)
    tiny = B(greater_p, eps, B(multiply_p, x, B(sign_p, x)))
    safe = B(where_p, tiny, eps, x)
    d = B(subtract_p, B(bessel_i0e_p, safe),
          B(multiply_p, y, B(add_p, B(sign_p, safe), B(reciprocal_p, safe))))
    return [B(where_p, tiny, 0.5, d)]


bessel_i1e_p = _row("bessel_i1e", "i1e", _i1e_partials)

# ------------------------------------------------------------------ binary rows


def _polygamma(m, x):
    """``polygamma(m, x)`` in the floating dtype of ``(m, x)`` (SciPy's
    ``polygamma`` is a Python function that always returns float64)."""
    sp = importlib.import_module("scipy.special")
    dt = np.result_type(m, x, 0.0)
    with np.errstate(invalid="ignore"):
        out = sp.polygamma(m, x)
        # at a pole (x a non-positive integer) an even order changes sign
        # across it: NaN (as JAX; SciPy gives -inf), odd orders are +inf
        pole = (np.less_equal(x, 0) & np.equal(np.floor(x), x) & np.equal(np.remainder(m, 2), 0))
    out = np.where(pole, np.nan, out).astype(dt, copy=False)
    return out if out.ndim else out[()]


def _polygamma_m_partial():
    raise ValueError("polygamma gradient with respect to m is not supported")


polygamma_p = elementwise("polygamma", _polygamma, lambda m, x, y: [
    _polygamma_m_partial, lambda: B(polygamma_p, B(add_p, m, 1), x)])


def _igamma_dx(a, x):
    """d igamma(a, x) / dx = exp(-x + (a - 1) log x - lgamma(a))."""
    return B(exp_p, B(subtract_p, B(subtract_p, B(multiply_p, B(subtract_p, a, 1), B(log_p, x)),
                                    x), B(lgamma_p, a)))


igamma_p = _binary_row("igamma", "gammainc", lambda a, x, y: [
    lambda: B(igamma_grad_a_p, a, x), lambda: _igamma_dx(a, x)])
igammac_p = _binary_row("igammac", "gammaincc", lambda a, x, y: [
    lambda: B(negative_p, B(igamma_grad_a_p, a, x)),
    lambda: B(negative_p, _igamma_dx(a, x))])
xlogy_p = _binary_row("xlogy", "xlogy", lambda x, y, o: [
    lambda: B(log_p, y), lambda: B(divide_p, x, y)])
xlog1py_p = _binary_row("xlog1py", "xlog1py", lambda x, y, o: [
    lambda: B(log1p_p, y), lambda: B(divide_p, x, B(add_p, y, 1))])

# ------------------------------------------------- d igamma(a, x) / da
# NumPy port of XLA's ``IgammaGradA`` (Cephes' series for x <= max(1, a), the
# continued fraction of igammac otherwise, each carried with its derivative in
# ``a``), evaluated in float64 on whole arrays until every element converged.


def _igamma_series_grad(a, x, ax, on):
    eps = np.finfo(np.float64).eps
    r, c, ans = a.copy(), np.ones_like(a), np.ones_like(a)
    dc, dans = np.zeros_like(a), np.zeros_like(a)
    for _ in range(2000):
        if not on.any():
            break
        r1 = r + 1.0
        dc1 = dc * (x / r1) - (c * x) / (r1 * r1)
        dans1 = dans + dc1
        c1 = c * (x / r1)
        r, dc, dans = np.where(on, r1, r), np.where(on, dc1, dc), np.where(on, dans1, dans)
        ans, c = np.where(on, ans + c1, ans), np.where(on, c1, c)
        with np.errstate(divide="ignore", invalid="ignore"):
            on = on & (np.abs(dc1 / dans1) > eps)
    sp = importlib.import_module("scipy.special")
    return ax * (ans * (np.log(x) - sp.psi(a + 1.0)) + dans) / a


def _igammac_cf_grad(a, x, ax, on):
    eps = np.finfo(np.float64).eps
    y = 1.0 - a
    z = x + y + 1.0
    c = np.zeros_like(x)
    pkm2, qkm2, pkm1, qkm1 = np.ones_like(x), x.copy(), x + 1.0, z * x
    ans = pkm1 / qkm1
    dpkm2, dqkm2, dpkm1, dqkm1 = (np.zeros_like(x), np.zeros_like(x), np.zeros_like(x), -x)
    dans = (dpkm1 - ans * dqkm1) / qkm1
    for _ in range(2000):
        if not on.any():
            break
        c = c + 1.0
        y1, z1 = y + 1.0, z + 2.0
        yc = y1 * c
        pk, qk = pkm1 * z1 - pkm2 * yc, qkm1 * z1 - qkm2 * yc
        nz = qk != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ans1 = np.where(nz, pk / qk, ans)
            dpk = dpkm1 * z1 - pkm1 - dpkm2 * yc + pkm2 * c
            dqk = dqkm1 * z1 - qkm1 - dqkm2 * yc + qkm2 * c
            dans1 = np.where(nz, (dpk - ans1 * dqk) / qk, dans)
            cond = np.where(nz, np.abs(dans1 - dans), 1.0)
        rescale = np.abs(pk) > 1.0 / eps
        s = np.where(rescale, eps, 1.0)
        new = (pkm1 * s, qkm1 * s, pk * s, qk * s, dpkm1 * s, dqkm1 * s, dpk * s, dqk * s)
        old = (pkm2, qkm2, pkm1, qkm1, dpkm2, dqkm2, dpkm1, dqkm1)
        pkm2, qkm2, pkm1, qkm1, dpkm2, dqkm2, dpkm1, dqkm1 = (
            np.where(on, n, o) for n, o in zip(new, old, strict=True))
        y, z = np.where(on, y1, y), np.where(on, z1, z)
        ans, dans = np.where(on, ans1, ans), np.where(on, dans1, dans)
        on = on & (cond > eps)
    sp = importlib.import_module("scipy.special")
    return ax * (ans * (np.log(x) - sp.psi(a)) + dans)


def _igamma_grad_a(a, x):
    """d igamma(a, x) / da (JAX's ``lax.igamma_grad_a``), in the floating dtype
    of ``(a, x)``."""
    sp = importlib.import_module("scipy.special")
    dt = np.result_type(a, x, 0.0)
    a64, x64 = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    a64, x64 = a64.copy(), x64.copy()
    nan = np.isnan(a64) | np.isnan(x64)
    bad = (x64 < 0) | (a64 <= 0)
    zero = x64 == 0
    ok = ~(nan | bad | zero)
    a_s, x_s = np.where(ok, a64, 1.0), np.where(ok, x64, 1.0)
    with np.errstate(all="ignore"):
        logax = a_s * np.log(x_s) - x_s - sp.gammaln(a_s)
        under = logax < -np.log(np.finfo(np.float64).max)
        ax = np.exp(logax)
        on = ok & ~under
        use_cf = (x_s > 1.0) & (x_s > a_s)
        out = np.where(use_cf, -_igammac_cf_grad(a_s, x_s, ax, on & use_cf),
                       _igamma_series_grad(a_s, x_s, ax, on & ~use_cf))
    out = np.where(on, out, 0.0)
    out = np.where(nan | bad, np.nan, out)
    out = out.astype(dt, copy=False)
    return out if out.ndim else out[()]


def _igamma_grad_a_partials(a, x, g):
    """d/da by Richardson-extrapolated central differences of ``igamma_grad_a``
    itself (no closed form; JAX has no rule for it at all); d/dx in closed form:
    d/dx dP/da = d/da dP/dx = dP/dx (log x - digamma(a))."""
    def da():
        h = B(multiply_p, 1e-3, B(where_p, B(greater_p, a, 1.0), 1.0, a))
        h2 = B(multiply_p, h, 0.5)

        def central(step):
            return B(divide_p, B(subtract_p, B(igamma_grad_a_p, B(add_p, a, step), x),
                                 B(igamma_grad_a_p, B(subtract_p, a, step), x)),
                     B(multiply_p, step, 2.0))
        return B(divide_p, B(subtract_p, B(multiply_p, central(h2), 4.0), central(h)), 3.0)

    def dx():
        return B(multiply_p, _igamma_dx(a, x),
                 B(subtract_p, B(log_p, x), B(digamma_p, a)))
    return [da, dx]


igamma_grad_a_p = elementwise("igamma_grad_a", _igamma_grad_a, _igamma_grad_a_partials)


# ------------------------------------------------------------------- betainc
# Regularized incomplete beta I_x(a, b) through scipy.special.betainc.  d/dx in
# closed form, x^(a-1) (1-x)^(b-1) / B(a, b) (xlogy keeps 0 * log 0 at 0);
# d/da and d/db (which JAX does not provide) by Richardson-extrapolated central
# differences of betainc itself, as igamma_grad_a's d/da.
_betainc = _Scipy("betainc")


def _betainc_impl(a, b, x):
    if any(type(v) in _PY_SCALARS for v in (a, b, x)):
        dt = np.result_type(a, b, x)
        a, b, x = (np.asarray(v, dt) if type(v) in _PY_SCALARS else v for v in (a, b, x))
    return _betainc(a, b, x)


def _betainc_partials(a, b, x, y):
    def numeric(which):
        def d():
            v = (a, b)[which]
            h = B(multiply_p, 1e-3, B(where_p, B(greater_p, v, 1.0), 1.0, v))

            def central(step):
                lo, hi = B(subtract_p, v, step), B(add_p, v, step)
                args_hi = (hi, b, x) if which == 0 else (a, hi, x)
                args_lo = (lo, b, x) if which == 0 else (a, lo, x)
                return B(divide_p, B(subtract_p, B(betainc_p, *args_hi), B(betainc_p, *args_lo)),
                         B(multiply_p, step, 2.0))
            return B(divide_p, B(subtract_p, B(multiply_p, central(B(multiply_p, h, 0.5)), 4.0),
                                 central(h)), 3.0)
        return d

    def dx():
        log_beta = B(subtract_p, B(add_p, B(lgamma_p, a), B(lgamma_p, b)),
                     B(lgamma_p, B(add_p, a, b)))
        log_pdf = B(add_p, B(xlogy_p, B(subtract_p, a, 1.0), x),
                    B(xlog1py_p, B(subtract_p, b, 1.0), B(negative_p, x)))
        return B(exp_p, B(subtract_p, log_pdf, log_beta))
    return [numeric(0), numeric(1), dx]


betainc_p = elementwise("betainc", _betainc_impl, _betainc_partials)

SPECIAL = [erf_p, erfc_p, erf_inv_p, ndtr_p, ndtri_p, log_ndtr_p, lgamma_p, digamma_p,
           bessel_i0e_p, bessel_i1e_p, polygamma_p, igamma_p, igammac_p, igamma_grad_a_p,
           xlogy_p, xlog1py_p, betainc_p]
"""Every primitive of this module."""
