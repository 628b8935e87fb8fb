"""Special-function primitives: elementwise rows whose NumPy implementation is
a ``scipy.special`` ufunc (``erf``, ``lgamma``, ``igamma``, ``zeta``,
``hyp1f1``, ``sph_harm_y``, ...), with JAX's names (``lax.erf_inv``,
``lax.lgamma``, ``lax.bessel_i0e``) and derivative rules, and the helper rows
for derivatives without a closed form (``zeta_grad_s``, ``hyp1f1_grad_a``,
...; see docs/special-nn.md).

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

from .elementwise import (B, abs_p, add_p, convert_element_type_p, cos_p, divide_p,
                          elementwise, equal_p, exp_p, greater_p, log1p_p, log_p, maximum_p,
                          multiply_p, negative_p, reciprocal_p, sign_p, sin_p, sqrt_p,
                          subtract_p, where_p)
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

# ------------------------------------------- more SciPy-backed rows
# The functions JAX programs use beyond the lax set (``jax.scipy.special``'s
# erfcx, dawsn, expi, expn, spence, zeta, owens_t, hyp1f1, hyp2f1), with JAX's
# derivative rules and JAX's values where SciPy's differ at edge points.


def _fix_where(out, bad, value):
    """``out`` with ``value`` where ``bad`` (a scalar stays a scalar)."""
    if not np.any(bad):
        return out
    out = np.asarray(out)
    return _keep_scalar(out, np.where(bad, np.asarray(value, out.dtype), out))


def _with_dtype(fn):
    """``fn`` (a SciPy ufunc called on several operands) with NumPy's promotion
    of the operands first: a Python scalar is weak, float32 stays float32."""
    def impl(*args):
        dt = np.result_type(*args, 0.0)
        args = [np.asarray(a, dt) if type(a) in _PY_SCALARS else a for a in args]
        out = fn(*args)
        return out.astype(dt, copy=False) if isinstance(out, np.ndarray) else dt.type(out)
    return impl


erfcx_p = _row("erfcx", "erfcx", lambda x, y: [
    B(subtract_p, B(multiply_p, B(multiply_p, 2.0, x), y), _TWO_OVER_SQRT_PI)])
dawsn_p = _row("dawsn", "dawsn", lambda x, y: [
    B(subtract_p, 1.0, B(multiply_p, B(multiply_p, 2.0, x), y))])

_expi = _Scipy("expi")


def _expi_impl(x):
    """``Ei(x)``; NaN at 0 (as JAX; SciPy gives ``-inf``)."""
    return _fix_where(_expi(x), np.equal(x, 0), np.nan)


expi_p = elementwise("expi", _expi_impl, lambda x, y: [
    lambda: B(divide_p, B(exp_p, x), x)])

_expn = _Scipy("expn")


def _expn_impl(n, x):
    """``E_n(x)`` in the floating dtype of ``x`` (``n`` an integer or an
    integral float: SciPy truncates a float ``n``, silently here)."""
    dt = _float_dtype(x) if type(x) not in _PY_SCALARS else np.result_type(n, x, 0.0)
    with np.errstate(all="ignore"):
        n_int = np.asarray(n)
        if n_int.dtype.kind == "f":
            bad_n = ~np.isfinite(n_int)
            n_int = np.where(bad_n, -1, n_int).astype(np.int64)
        out = np.asarray(_expn(n_int, x), dt)
    return out if out.ndim else out[()]


def _expn_partials(n, x, y):
    # d E_n(x) / dx = -E_{n-1}(x); at n == 0 (where E_{-1} is NaN, as in JAX)
    # the closed form d/dx (exp(-x) / x) = -exp(-x) (1 + x) / x**2, so every
    # order of derivative of exp1 is finite (JAX cannot take the second).
    # n is not differentiable (zero tangent, as JAX).
    def dx():
        lower = B(negative_p, B(expn_p, B(where_p, B(greater_p, n, 0), B(subtract_p, n, 1), 0), x))
        at_zero = B(negative_p, B(divide_p, B(multiply_p, B(exp_p, B(negative_p, x)),
                                             B(add_p, x, 1.0)), B(multiply_p, x, x)))
        return B(where_p, B(greater_p, n, 0), lower, at_zero)
    return [None, dx]


expn_p = elementwise("expn", _expn_impl, _expn_partials)

_spence = _Scipy("spence")


def _spence_partial(x, y):
    # d spence / dx = log(x) / (1 - x); 0 at the points JAX takes as constants
    # (x <= 0 and x == 1), as JAX's derivative there.
    def d():
        inside = B(greater_p, x, 0.0)
        inside = B(where_p, B(equal_p, x, 1.0), False, inside)
        safe = B(where_p, inside, x, 0.5)
        return B(where_p, inside, B(divide_p, B(log_p, safe), B(subtract_p, 1.0, safe)), 0.0)
    return [d]


spence_p = _row("spence", "spence", _spence_partial)

# ------------------------------------------------------------------ zeta
_zeta = _Scipy("zeta")
zeta_p = elementwise("zeta", _with_dtype(_zeta), lambda s, q, y: [
    lambda: B(zeta_grad_s_p, s, q),
    lambda: B(negative_p, B(multiply_p, s, B(zeta_p, B(add_p, s, 1.0), q)))])


def _bernoulli_over_factorial(m):
    """``B_{2j} / (2j)!`` for ``j = 1 .. m`` (float64)."""
    sp = importlib.import_module("scipy.special")
    b = sp.bernoulli(2 * m)[2::2]
    return b / sp.factorial(np.arange(2, 2 * m + 1, 2))


_EM_TERMS = 16


def _zeta_euler_maclaurin(s, q):
    """Hurwitz zeta by Euler-Maclaurin summation with ``N = M = 16`` terms
    (complex ``s`` allowed, so the derivative in ``s`` is a complex step)."""
    n = m = _EM_TERMS
    k = np.arange(n)
    s_, q_ = s[..., None], q[..., None]
    head = np.sum((q_ + k) ** (-s_), axis=-1)
    qn = q + n
    tail_integral = qn ** (1 - s) / (s - 1)
    j = np.arange(2 * m)
    rising = np.cumprod((s_ + j) / qn[..., None], axis=-1)[..., ::2]   # (s)_{2j-1} / qn^(2j-1)
    corr = np.sum(rising * _bernoulli_over_factorial(m), axis=-1)
    return head + tail_integral + qn ** (-s) * (0.5 + corr)


def _zeta_grad_s(s, q):
    """d zeta(s, q) / ds (JAX differentiates its Euler-Maclaurin series; this
    is the same series differentiated exactly, by a complex step of 1e-30)."""
    dt = np.result_type(s, q, 0.0)
    s64, q64 = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    h = 1e-30
    with np.errstate(all="ignore"):
        out = np.imag(_zeta_euler_maclaurin(s64 + 1j * h, q64.astype(np.complex128))) / h
    out = np.asarray(out, dt)
    return out if out.ndim else out[()]


def _richardson(prim, args, i):
    """d prim(*args) / d args[i] by Richardson-extrapolated central differences
    (step ``1e-3 * max(1, |v|)`` scaled, error O(h^4)): the derivative of the
    derivative primitives, which have no closed form."""
    v = args[i]
    h = B(multiply_p, 1e-3, B(where_p, B(greater_p, B(abs_p, v), 1.0), B(abs_p, v), 1.0))

    def central(step):
        hi = list(args)
        lo = list(args)
        hi[i] = B(add_p, v, step)
        lo[i] = B(subtract_p, v, step)
        return B(divide_p, B(subtract_p, B(prim, *hi), B(prim, *lo)), B(multiply_p, step, 2.0))
    return B(divide_p, B(subtract_p, B(multiply_p, central(B(multiply_p, h, 0.5)), 4.0),
                         central(h)), 3.0)


def _numeric_partials(prim_getter, n_args):
    def partials(*args_and_out):
        args = args_and_out[:n_args]
        return [(lambda i=i: _richardson(prim_getter(), args, i)) for i in range(n_args)]
    return partials


zeta_grad_s_p = elementwise("zeta_grad_s", _zeta_grad_s,
                            _numeric_partials(lambda: zeta_grad_s_p, 2))

# --------------------------------------------------------------- owens_t
_owens_t = _Scipy("owens_t")
_INV_2PI = float(1.0 / (2.0 * np.pi))
_INV_2SQRT_2PI = float(1.0 / (2.0 * np.sqrt(2.0 * np.pi)))
_INV_SQRT2 = float(1.0 / np.sqrt(2.0))


def _owens_t_partials(h, a, y):
    # d T / dh = -exp(-h^2/2) erf(a h / sqrt 2) / (2 sqrt(2 pi));
    # d T / da = exp(-(1 + a^2) h^2 / 2) / (2 pi (1 + a^2))  (as JAX)
    def dh():
        return B(multiply_p, -_INV_2SQRT_2PI,
                 B(multiply_p, _half_gauss(h),
                   B(erf_p, B(multiply_p, _INV_SQRT2, B(multiply_p, a, h)))))

    def da():
        one_a2 = B(add_p, 1.0, B(multiply_p, a, a))
        return B(divide_p, B(multiply_p, _INV_2PI,
                             B(exp_p, B(multiply_p, -0.5, B(multiply_p, one_a2,
                                                           B(multiply_p, h, h))))), one_a2)
    return [dh, da]


owens_t_p = elementwise("owens_t", _with_dtype(_owens_t), _owens_t_partials)

# --------------------------------------------------------- hypergeometric
# Values from SciPy (JAX's conventions at a == b == 0 etc. applied); the
# derivatives in the parameters are JAX's series
#   sum_{k >= 1} t_k (psi(p + k) - psi(p)),  t_k the k-th term of the series,
# (with the sign flipped for a lower parameter), summed on whole arrays until
# every element's next term is below eps of the sum or 250 terms.
_hyp1f1 = _Scipy("hyp1f1")


def _hyp1f1_impl(a, b, x):
    """``1F1(a; b; x)`` with JAX's special cases: 1 at ``a == 0`` (also when
    ``b == 0``), ``exp(x)`` at ``a == b``, ``inf`` at ``b == 0``."""
    out = _with_dtype(_hyp1f1)(a, b, x)
    a_, b_ = np.asarray(a), np.asarray(b)
    out = _fix_where(out, (b_ == 0) & (a_ != 0), np.inf)
    if np.any((a_ == b_) & (a_ != 0)):
        out = np.asarray(out)
        out = _keep_scalar(out, np.where((a_ == b_) & (a_ != 0),
                                         np.exp(np.asarray(x, out.dtype)), out))
    return _fix_where(out, a_ == 0, 1.0)


def _param_series(upper, lower, x, which, dtype):
    """``sum_{k>=1} t_k (psi(p + k) - psi(p))`` for parameter ``which``
    (an index into ``upper + lower``; lower parameters flip the sign), where
    ``t_k = prod (u)_k / prod (l)_k * x^k / k!``."""
    sp = importlib.import_module("scipy.special")
    arrays = np.broadcast_arrays(*[np.asarray(v, np.float64) for v in (*upper, *lower, x)])
    ups, lows, x64 = arrays[:len(upper)], arrays[len(upper):-1], arrays[-1]
    p = (ups + lows)[which]
    sign = 1.0 if which < len(upper) else -1.0
    eps = np.finfo(dtype).eps
    with np.errstate(all="ignore"):
        term = np.prod(ups, axis=0) / np.prod(lows, axis=0) * x64
        total = np.zeros_like(x64)
        on = np.ones(x64.shape, bool)
        psi_p = sp.psi(p)
        for k in range(1, 250):
            total = np.where(on, total + sign * term * (sp.psi(p + k) - psi_p), total)
            ratio = np.prod([u + k for u in ups], axis=0) / np.prod([v + k for v in lows],
                                                                    axis=0)
            term = np.where(on, term * ratio * x64 / (k + 1), term)
            on = on & (np.abs(term) / np.abs(total) > eps)
            if not on.any():
                break
    out = np.asarray(total, dtype)
    return out if out.ndim else out[()]


def _param_grad(n_upper, n_lower, which):
    def impl(*args):
        dtype = np.result_type(*args, 0.0)
        return _param_series(args[:n_upper], args[n_upper:n_upper + n_lower], args[-1],
                             which, dtype)
    return impl


hyp1f1_grad_a_p = elementwise("hyp1f1_grad_a", _param_grad(1, 1, 0),
                              _numeric_partials(lambda: hyp1f1_grad_a_p, 3))
hyp1f1_grad_b_p = elementwise("hyp1f1_grad_b", _param_grad(1, 1, 1),
                              _numeric_partials(lambda: hyp1f1_grad_b_p, 3))
hyp1f1_p = elementwise("hyp1f1", _hyp1f1_impl, lambda a, b, x, y: [
    lambda: B(hyp1f1_grad_a_p, a, b, x), lambda: B(hyp1f1_grad_b_p, a, b, x),
    lambda: B(multiply_p, B(divide_p, a, b),
              B(hyp1f1_p, B(add_p, a, 1.0), B(add_p, b, 1.0), x))])

_hyp2f1 = _Scipy("hyp2f1")
hyp2f1_grad_a_p = elementwise("hyp2f1_grad_a", _param_grad(2, 1, 0),
                              _numeric_partials(lambda: hyp2f1_grad_a_p, 4))
hyp2f1_grad_b_p = elementwise("hyp2f1_grad_b", _param_grad(2, 1, 1),
                              _numeric_partials(lambda: hyp2f1_grad_b_p, 4))
hyp2f1_grad_c_p = elementwise("hyp2f1_grad_c", _param_grad(2, 1, 2),
                              _numeric_partials(lambda: hyp2f1_grad_c_p, 4))
hyp2f1_p = elementwise("hyp2f1", _with_dtype(_hyp2f1), lambda a, b, c, x, y: [
    lambda: B(hyp2f1_grad_a_p, a, b, c, x), lambda: B(hyp2f1_grad_b_p, a, b, c, x),
    lambda: B(hyp2f1_grad_c_p, a, b, c, x),
    lambda: B(multiply_p, B(divide_p, B(multiply_p, a, b), c),
              B(hyp2f1_p, B(add_p, a, 1.0), B(add_p, b, 1.0), B(add_p, c, 1.0), x))])

# ---------------------------------------------------------- sici, bessel jv
_sici = _Scipy("sici")


def _sici_part(which):
    def impl(x):
        return _sici(x)[which]
    return impl


def _si_partial(x, y):
    # d Si / dx = sin(x) / x, 1 at 0 (JAX's sinc(x / pi))
    def d():
        zero = B(equal_p, x, 0.0)
        safe = B(where_p, zero, 1.0, x)
        return B(where_p, zero, 1.0, B(divide_p, B(sin_p, safe), safe))
    return [d]


si_p = elementwise("si", _sici_part(0), _si_partial)
ci_p = elementwise("ci", _sici_part(1), lambda x, y: [
    lambda: B(divide_p, B(cos_p, x), x)])

_jv = _Scipy("jv")


def _jv_impl(v, z):
    """``J_v(z)`` in the floating dtype of ``z`` (the order ``v`` does not
    promote it)."""
    dt = _float_dtype(z) if type(z) not in _PY_SCALARS else np.result_type(v, z, 0.0)
    out = np.asarray(_jv(v, z), dt)
    return out if out.ndim else out[()]


# d J_v / dz = (J_{v-1}(z) - J_{v+1}(z)) / 2; the order is not differentiated.
jv_p = elementwise("jv", _jv_impl, lambda v, z, y: [
    None, lambda: B(multiply_p, 0.5, B(subtract_p, B(jv_p, B(subtract_p, v, 1), z),
                                       B(jv_p, B(add_p, v, 1), z)))])

# d w / dz = -2 z w(z) + 2 i / sqrt(pi) (holomorphic; as JAX)
_TWO_I_OVER_SQRT_PI = 2j / float(np.sqrt(np.pi))
wofz_p = _row("wofz", "wofz", lambda z, y: [
    lambda: B(add_p, B(multiply_p, -2.0, B(multiply_p, z, y)), _TWO_I_OVER_SQRT_PI)])

# -------------------------------------------------------------- fresnel
_fresnel = _Scipy("fresnel")


def _fresnel_part(which):
    def impl(x):
        return _fresnel(x)[which]
    return impl


def _sinpi(t):
    """``sin(pi t)`` for ``t`` in ``[0, 2)``, reduced to ``|pi u| <= pi/2`` so
    that it is exactly 0 at the integers."""
    u = np.where(t < 0.5, t, np.where(t > 1.5, t - 2.0, 1.0 - t))
    return np.sin(np.pi * u)


def _half_pi_x2(x):
    """``(x**2 / 2) mod 2`` without forming ``x**2`` for large ``x``: with
    ``s = |x| mod 2`` and ``|x| - s`` even, ``x**2 / 2 = s (|x| - s/2)`` mod 2."""
    a = np.abs(x)
    s = np.fmod(a, 2.0)
    return np.fmod(s * (a - 0.5 * s), 2.0)


def _sin_half_pi_x2(x):
    """``sin(pi x**2 / 2)``, accurate for large ``x`` (S's derivative)."""
    return _sinpi(_half_pi_x2(x))


def _cos_half_pi_x2(x):
    """``cos(pi x**2 / 2) = sin(pi (r + 1/2))`` (C's derivative)."""
    return _sinpi(np.fmod(_half_pi_x2(x) + 0.5, 2.0))


sin_half_pi_x2_p = elementwise("sin_half_pi_x2", _sin_half_pi_x2, lambda x, y: [
    lambda: B(multiply_p, B(multiply_p, float(np.pi), x), B(cos_half_pi_x2_p, x))])
cos_half_pi_x2_p = elementwise("cos_half_pi_x2", _cos_half_pi_x2, lambda x, y: [
    lambda: B(multiply_p, B(multiply_p, -float(np.pi), x), B(sin_half_pi_x2_p, x))])
fresnel_s_p = elementwise("fresnel_s", _fresnel_part(0), lambda x, y: [
    lambda: B(sin_half_pi_x2_p, x)])
fresnel_c_p = elementwise("fresnel_c", _fresnel_part(1), lambda x, y: [
    lambda: B(cos_half_pi_x2_p, x)])

# ------------------------------------------------------------- sph_harm_y
_sph_harm_y = _Scipy("sph_harm_y")


def _sph_harm_y_impl(n, m, theta, phi):
    """``Y_n^m(theta, phi)`` (SciPy's: colatitude ``theta``, longitude ``phi``,
    Condon-Shortley phase), complex128 as JAX's; 0 where ``|m| > n``."""
    with np.errstate(all="ignore"):
        out = np.asarray(_sph_harm_y(n, m, theta, phi), np.complex128)
        out = np.where(np.abs(m) > n, 0, out)
    return out if out.ndim else out[()]


def _sph_harm_y_partials(n, m, theta, phi, y):
    # d/dphi = i m Y;  d/dtheta = m cot(theta) Y + sqrt((n - m)(n + m + 1)) exp(-i phi) Y_n^{m+1}
    def dtheta():
        mf = convert_element_type_p.bind(m, dtype=np.dtype(np.float64))
        nf = convert_element_type_p.bind(n, dtype=np.dtype(np.float64))
        cot = B(divide_p, B(cos_p, theta), B(sin_p, theta))
        raise_ = B(sqrt_p, B(maximum_p, 0.0, B(multiply_p, B(subtract_p, nf, mf),
                                                B(add_p, B(add_p, nf, mf), 1.0))))
        phase = B(exp_p, B(multiply_p, -1j, phi))
        up = B(sph_harm_y_p, n, B(add_p, m, 1), theta, phi)
        return B(add_p, B(multiply_p, B(multiply_p, mf, cot), y),
                 B(multiply_p, B(multiply_p, raise_, phase), up))

    def dphi():
        mf = convert_element_type_p.bind(m, dtype=np.dtype(np.float64))
        return B(multiply_p, B(multiply_p, 1j, mf), y)
    return [None, None, dtheta, dphi]


sph_harm_y_p = elementwise("sph_harm_y", _sph_harm_y_impl, _sph_harm_y_partials)

SPECIAL = [fresnel_s_p, fresnel_c_p, sin_half_pi_x2_p, cos_half_pi_x2_p, sph_harm_y_p, wofz_p, si_p, ci_p, jv_p, erf_p, erfc_p, erf_inv_p, ndtr_p, ndtri_p, log_ndtr_p, lgamma_p, digamma_p,
           bessel_i0e_p, bessel_i1e_p, polygamma_p, igamma_p, igammac_p, igamma_grad_a_p,
           xlogy_p, xlog1py_p, betainc_p, erfcx_p, dawsn_p, expi_p, expn_p, spence_p, zeta_p,
           zeta_grad_s_p, owens_t_p, hyp1f1_p, hyp1f1_grad_a_p, hyp1f1_grad_b_p, hyp2f1_p,
           hyp2f1_grad_a_p, hyp2f1_grad_b_p, hyp2f1_grad_c_p]
"""Every primitive of this module."""
