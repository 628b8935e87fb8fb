"""Sample inputs for the special-function primitives (``prims/special.py``),
registered into ``samples.SAMPLES`` (imported at the end of ``samples.py``).

Values stay inside each function's domain and away from its poles, so the
finite-difference checks of the derivative harness are meaningful.
"""
from __future__ import annotations

import numpy as np

from samples import _unary_float, f32, f64, fl, it, sample


_unary = _unary_float  # float32/float64 values in [lo, hi), several shapes


for _names, _lo, _hi in [(("erf", "erfc", "ndtr", "log_ndtr", "bessel_i0e", "bessel_i1e"),
                          -2.5, 2.5),
                         (("erf_inv",), -0.9, 0.9),
                         (("ndtri",), 0.05, 0.95),
                         (("lgamma", "digamma"), 0.3, 4.0)]:
    sample(*_names)(_unary(_lo, _hi))


@sample("polygamma")
def _polygamma(rng):
    # m is an integer order (a Python int, or an integer array)
    return [((1, fl(rng, (3,), f32, 0.5, 3.0)), {}),
            ((2, fl(rng, (2, 3), f64, 0.5, 3.0)), {}),
            ((it(rng, (3,), lo=0, hi=3), fl(rng, (2, 3), f64, 0.5, 3.0)), {})]


@sample("igamma", "igammac", "igamma_grad_a")
def _igamma(rng):
    # both regimes: x below max(1, a) (series) and above it (continued fraction)
    return [((fl(rng, (3,), f32, 0.5, 3.0), fl(rng, (3,), f32, 0.2, 4.0)), {}),
            ((fl(rng, (2, 3), f64, 0.5, 3.0), fl(rng, (2, 3), f64, 0.2, 4.0)), {}),
            ((fl(rng, (3,), f64, 0.5, 3.0), fl(rng, (2, 3), f64, 2.0, 6.0)), {}),
            ((fl(rng, (), f64, 0.5, 3.0), 1.5), {})]


@sample("xlogy", "xlog1py")
def _xlogy(rng):
    return [((fl(rng, (3,), f32), fl(rng, (3,), f32, 0.3, 3.0)), {}),
            ((fl(rng, (2, 3)), fl(rng, (3,), f64, 0.3, 3.0)), {}),
            ((fl(rng, (2, 3)), 2.0), {})]


@sample("betainc")
def _betainc(rng):
    # a, b positive; x inside (0, 1)
    return [((fl(rng, (3,), f32, 0.5, 3.0), fl(rng, (3,), f32, 0.5, 3.0),
              fl(rng, (3,), f32, 0.1, 0.9)), {}),
            ((fl(rng, (2, 3), f64, 0.5, 3.0), fl(rng, (3,), f64, 0.5, 3.0),
              fl(rng, (2, 3), f64, 0.1, 0.9)), {}),
            ((2.0, fl(rng, (), f64, 0.5, 3.0), fl(rng, (2,), f64, 0.1, 0.9)), {})]


for _names, _lo, _hi in [(("erfcx", "dawsn"), -2.0, 3.0),
                         (("expi",), 0.2, 3.0),
                         (("spence",), 0.1, 3.0)]:
    sample(*_names)(_unary(_lo, _hi))


@sample("expn")
def _expn(rng):
    # n is a non-negative integer order (not differentiated); x > 0
    return [((it(rng, (3,), lo=1, hi=4), fl(rng, (3,), f32, 0.3, 3.0)), {}),
            ((2, fl(rng, (2, 3), f64, 0.3, 3.0)), {}),
            ((np.array([1, 2, 3]), fl(rng, (2, 3), f64, 0.3, 3.0)), {})]


@sample("zeta", "zeta_grad_s")
def _zeta(rng):
    # s > 1 (the series converges), q > 0
    return [((fl(rng, (3,), f32, 1.5, 4.0), fl(rng, (3,), f32, 0.5, 3.0)), {}),
            ((fl(rng, (2, 3), f64, 1.5, 4.0), fl(rng, (3,), f64, 0.5, 3.0)), {}),
            ((3.0, fl(rng, (2,), f64, 0.5, 3.0)), {})]


@sample("owens_t")
def _owens_t(rng):
    return [((fl(rng, (3,), f32, -2.0, 2.0), fl(rng, (3,), f32, -2.0, 2.0)), {}),
            ((fl(rng, (2, 3), f64, -2.0, 2.0), fl(rng, (3,), f64, 0.2, 3.0)), {}),
            ((0.5, fl(rng, (2,), f64, -2.0, 2.0)), {})]


@sample("hyp1f1", "hyp1f1_grad_a", "hyp1f1_grad_b")
def _hyp1f1(rng):
    # positive parameters (the domain JAX supports), moderate x
    return [((fl(rng, (3,), f32, 0.5, 2.0), fl(rng, (3,), f32, 0.5, 3.0),
              fl(rng, (3,), f32, -1.0, 1.5)), {}),
            ((fl(rng, (2, 3), f64, 0.5, 2.0), fl(rng, (3,), f64, 0.5, 3.0),
              fl(rng, (2, 3), f64, -1.0, 1.5)), {}),
            ((1.5, fl(rng, (), f64, 0.5, 3.0), fl(rng, (2,), f64, 0.1, 1.0)), {})]


@sample("hyp2f1", "hyp2f1_grad_a", "hyp2f1_grad_b", "hyp2f1_grad_c")
def _hyp2f1(rng):
    # positive parameters, |x| < 0.8 (inside the disc where the series converges)
    return [((fl(rng, (3,), f32, 0.5, 2.0), fl(rng, (3,), f32, 0.5, 2.0),
              fl(rng, (3,), f32, 1.0, 3.0), fl(rng, (3,), f32, -0.6, 0.6)), {}),
            ((fl(rng, (2, 3), f64, 0.5, 2.0), fl(rng, (3,), f64, 0.5, 2.0),
              fl(rng, (2, 3), f64, 1.0, 3.0), fl(rng, (2, 3), f64, -0.6, 0.6)), {}),
            ((1.0, fl(rng, (), f64, 0.5, 2.0), 2.5, fl(rng, (2,), f64, -0.6, 0.6)), {})]


sample("si", "ci")(_unary(0.2, 5.0))


@sample("jv")
def _jv(rng):
    # v an integer order (not differentiated)
    return [((it(rng, (3,), lo=0, hi=4), fl(rng, (3,), f32, 0.2, 6.0)), {}),
            ((np.arange(3).reshape(3, 1), fl(rng, (2,), f64, -4.0, 6.0)), {}),
            ((1, fl(rng, (2, 3), f64, 0.2, 6.0)), {})]


@sample("wofz")
def _wofz(rng):
    # complex inputs in both half planes (w is holomorphic)
    def c(shape, dtype):
        return (fl(rng, shape, np.float64, -2.0, 2.0)
                + 1j * fl(rng, shape, np.float64, -1.0, 1.5)).astype(dtype)
    return [((c((3,), np.complex64),), {}), ((c((2, 3), np.complex128),), {}),
            ((c((), np.complex128),), {})]


@sample("sph_harm_y")
def _sph_harm_y(rng):
    # integer degree and order (|m| <= n), colatitude inside (0, pi)
    n = np.array([0, 1, 2, 3])
    m = np.array([0, -1, 2, 1])
    return [((n, m, fl(rng, (4,), f64, 0.3, 2.8), fl(rng, (4,), f64, -3.0, 3.0)), {}),
            ((2, 1, fl(rng, (2, 3), f64, 0.3, 2.8), fl(rng, (3,), f64, -3.0, 3.0)), {})]


sample("fresnel_s", "fresnel_c", "sin_half_pi_x2", "cos_half_pi_x2")(_unary(-2.5, 2.5))
