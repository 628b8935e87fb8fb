"""``vmapx.numpy``'s mathematical functions beyond the ufuncs: ``divmod``,
``frexp``, ``modf``, ``bitwise_count`` and the Bessel function ``i0``.
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import dtype_of
from ..prims import bits
from .base import asarray_like
from . import basic_api as jnp
from .static_args import _ufunc_dtype

__all__ = ["divmod", "frexp", "modf", "bitwise_count", "i0"]


# ------------------------------------------------------------ elementwise extras


def divmod(x1, x2, /):  # noqa: A001 - NumPy's name
    """``(floor_divide, remainder)``, as ``numpy.divmod``.

    >>> divmod(np.array([7, -7]), 2)
    (array([ 3, -4]), array([1, 1]))
    """
    return jnp.floor_divide(x1, x2), jnp.remainder(x1, x2)


def frexp(x, /):
    """Mantissa in [0.5, 1) and integer exponent, as ``numpy.frexp``.

    >>> frexp(np.array([8.0, 0.75]))
    (array([0.5 , 0.75]), array([4, 0], dtype=int32))
    """
    m, e = bits.frexp_p.bind(asarray_like(x))
    return m, e


def modf(x, /):
    """Fractional and integral parts, both with the sign of ``x``, as ``numpy.modf``.

    >>> modf(np.array([-3.5, 2.25]))
    (array([-0.5 ,  0.25]), array([-3.,  2.]))
    """
    x = asarray_like(x)
    dt = _ufunc_dtype(np.modf, dtype_of(x))
    x = jnp.astype(x, dt)
    whole = jnp.trunc(x)
    frac = jnp.where(jnp.isinf(x), 0.0, x - whole)
    return jnp.copysign(frac, x), whole


def bitwise_count(x, /):
    """Number of 1 bits in ``abs(x)``, as ``numpy.bitwise_count``.

    >>> bitwise_count(np.array([0, 7, -1], dtype=np.int8))
    array([0, 3, 1], dtype=uint8)
    """
    return bits.bitwise_count_p.bind(asarray_like(x))


_I0_A = (
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16,
    1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14,
    -4.856446783111929e-13, 2.95505266312964e-12, -1.726826291441556e-11,
    9.675809035373237e-11, -5.189795601635263e-10, 2.6598237246823866e-09,
    -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07,
    1.1173875391201037e-06, -4.4167383584587505e-06, 1.6448448070728896e-05,
    -5.754195010082104e-05, 0.00018850288509584165, -0.0005763755745385824,
    0.0016394756169413357, -0.004324309995050576, 0.010546460394594998,
    -0.02373741480589947, 0.04930528423967071, -0.09490109704804764, 0.17162090152220877,
    -0.3046826723431984, 0.6767952744094761)
_I0_B = (
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17,
    3.461222867697461e-17, -2.8276239805165836e-16, -3.425485619677219e-16,
    1.7725601330565263e-15, 3.8116806693526224e-15, -9.554846698828307e-15,
    -4.150569347287222e-14, 1.5408653792935628e-14, 3.8527783827421426e-13,
    7.180124451383666e-13, -1.7941785315068062e-12, -1.3215811840447713e-11,
    -3.1499165279632416e-11, 1.1889147107846439e-11, 4.94060238822497e-10,
    3.3962320257083865e-09, 2.266668990498178e-08, 2.0489185894690638e-07,
    2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943,
    0.8044904110141088)


def _chbevl(x, coefs):
    b0, b1, b2 = coefs[0], 0.0, 0.0
    for c in coefs[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def i0(x):
    """Modified Bessel function of the first kind, order 0, as ``numpy.i0``.

    The same Chebyshev expansions as NumPy, so it is differentiable too.

    >>> i0(np.array([0.0, 1.0, 2.0]))
    array([1.        , 1.26606588, 2.2795853 ])
    """
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("i0 not supported for complex values")
    if inputs.kind(dtype_of(x)) != "f":
        x = jnp.astype(x, np.float64)
    x = jnp.abs(x)
    small = x <= 8.0
    xs = jnp.where(small, x, 0.0)   # each branch sees only its own domain,
    xb = jnp.where(small, 16.0, x)  # so neither produces inf/nan gradients
    lo = jnp.exp(xs) * _chbevl(xs / 2.0 - 2, _I0_A)
    hi = jnp.exp(xb) * _chbevl(32.0 / xb - 2.0, _I0_B) / jnp.sqrt(xb)
    return jnp.where(small, lo, hi)
