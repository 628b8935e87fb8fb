"""Sample inputs for the special-function primitives (``prims/special.py``),
registered into ``samples.SAMPLES`` (imported at the end of ``samples.py``).

Values stay inside each function's domain and away from its poles, so the
finite-difference checks of the derivative harness are meaningful.
"""
from __future__ import annotations

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
