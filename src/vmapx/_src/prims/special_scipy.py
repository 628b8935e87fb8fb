"""The special-function primitives that only ``jax.scipy.special`` exposes
(not ``lax``): ``erfcx``, ``dawsn``, ``expi``, ``expn``, ``spence``, ``zeta``,
``owens_t``, ``hyp1f1``, ``hyp2f1``, ``si`` / ``ci``, ``jv``, ``fresnel_s`` /
``fresnel_c``, ``wofz``, ``sph_harm_y``, and the helper rows for derivatives
without a closed form (``zeta_grad_s``, ``hyp1f1_grad_a``, ...).  SciPy
evaluates them (imported on first use); the partials are JAX's derivative rules
(see docs/special-nn.md).

>>> import numpy as np
>>> float(erfcx_p.bind(np.float64(1.0)))
0.427583576155807
"""
from __future__ import annotations

import importlib

import numpy as np

from .elementwise import (B, abs_p, add_p, convert_element_type_p, cos_p, divide_p,
                          elementwise, equal_p, exp_p, greater_p, log_p, maximum_p, multiply_p,
                          negative_p, sin_p, sqrt_p, subtract_p, where_p)
from .special import (_PY_SCALARS, _TWO_OVER_SQRT_PI, _Scipy, _float_dtype, _half_gauss,
                      _keep_scalar, _row, erf_p)


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


SCIPY_SPECIAL = [erfcx_p, dawsn_p, expi_p, expn_p, spence_p, zeta_p, zeta_grad_s_p, owens_t_p,
                 hyp1f1_p, hyp1f1_grad_a_p, hyp1f1_grad_b_p, hyp2f1_p, hyp2f1_grad_a_p,
                 hyp2f1_grad_b_p, hyp2f1_grad_c_p, si_p, ci_p, jv_p, fresnel_s_p, fresnel_c_p,
                 sin_half_pi_x2_p, cos_half_pi_x2_p, wofz_p, sph_harm_y_p]
"""Every primitive of this module."""
