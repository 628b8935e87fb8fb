"""The special functions of ``vmapx.lax`` (``jax.lax.erf``, ``lgamma``,
``igamma``, ``bessel_i0e``, ...): ``lax``'s dtype rules (floating operands
only, binary operands of one dtype; Python scalars are weak and adapt) over the
primitives of ``prims/special.py``.
"""
from __future__ import annotations

from . import inputs
from .lax_ops import _aval, _check_binary, _out
from .jnp.base import asarray_like
from .prims import special as sp, special_scipy
from . import numpy_api as jnp


def _check_float(name, args):
    for i, a in enumerate(args):
        dt = _aval(a).dtype
        if inputs.kind(dt) != "f":
            where = f" at position {i}" if len(args) > 1 else ""
            raise TypeError(f"{name} does not accept dtype {dt.name}{where}. Accepted dtypes"
                            f"{where} are subtypes of floating.")


def _unary(name, prim, doc, example):
    def op(x):
        _check_float(name, (x,))
        return _out(prim.bind(asarray_like(x)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"{doc} (``jax.lax.{name}``); floating inputs only.\n\n"
                  f">>> import numpy as np\n>>> from vmapx import lax\n{example}\n")
    return op


def _binary(name, prim, doc, example):
    def op(x, y):
        _check_float(name, (x, y))
        _check_binary(name, (x, y), tip=False)
        return _out(prim.bind(asarray_like(x), asarray_like(y)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"{doc} (``jax.lax.{name}``); floating operands of one dtype (Python "
                  f"scalars adapt).\n\n>>> import numpy as np\n>>> from vmapx import lax\n"
                  f"{example}\n")
    return op


erf = _unary("erf", sp.erf_p, "Elementwise error function",
             ">>> lax.erf(np.array([0.0, 1.0]))\narray([0.        , 0.84270079])")
erfc = _unary("erfc", sp.erfc_p, "Elementwise complementary error function ``1 - erf(x)``",
              ">>> lax.erfc(np.array([0.0, 1.0]))\narray([1.        , 0.15729921])")
erf_inv = _unary("erf_inv", sp.erf_inv_p, "Elementwise inverse error function",
                 ">>> lax.erf_inv(np.array([0.0, 0.5]))\narray([0.        , 0.47693628])")
lgamma = _unary("lgamma", sp.lgamma_p, "Elementwise log of the absolute value of the gamma "
                "function", ">>> lax.lgamma(np.array([1.0, 5.0]))\n"
                "array([0.        , 3.17805383])")
digamma = _unary("digamma", sp.digamma_p, "Elementwise digamma function ``d lgamma(x) / dx``",
                 ">>> lax.digamma(np.array([1.0]))\narray([-0.57721566])")
bessel_i0e = _unary("bessel_i0e", sp.bessel_i0e_p, "Exponentially scaled modified Bessel "
                    "function of order 0, ``exp(-|x|) i0(x)``",
                    ">>> lax.bessel_i0e(np.array([0.0, 1.0], np.float32))\n"
                    "array([1.       , 0.4657596], dtype=float32)")
bessel_i1e = _unary("bessel_i1e", sp.bessel_i1e_p, "Exponentially scaled modified Bessel "
                    "function of order 1, ``exp(-|x|) i1(x)``",
                    ">>> lax.bessel_i1e(np.array([0.0, 1.0]))\narray([0.        , 0.20791042])")
igamma = _binary("igamma", sp.igamma_p, "Regularized lower incomplete gamma function "
                 "``P(a, x)``", ">>> lax.igamma(np.array([1.0]), np.array([2.0]))\n"
                 "array([0.86466472])")
igammac = _binary("igammac", sp.igammac_p, "Regularized upper incomplete gamma function "
                  "``Q(a, x) = 1 - P(a, x)``",
                  ">>> lax.igammac(np.array([1.0]), np.array([2.0]))\narray([0.13533528])")
igamma_grad_a = _binary("igamma_grad_a", sp.igamma_grad_a_p, "Derivative of ``igamma(a, x)`` "
                        "with respect to ``a``",
                        ">>> lax.igamma_grad_a(np.array([1.0]), np.array([2.0]))\n"
                        "array([-0.22082543])")
polygamma = _binary("polygamma", sp.polygamma_p, "Elementwise polygamma function "
                    "``psi^(m)(x)`` (``m`` holds non-negative integer values)",
                    ">>> lax.polygamma(np.array([1.0]), np.array([1.0]))\n"
                    "array([1.64493407])")

zeta = _binary("zeta", special_scipy.zeta_p, "The Hurwitz zeta function "
               "``sum_k (k + q)**-x``", ">>> lax.zeta(np.array([2.0]), np.array([1.0]))\n"
               "array([1.64493407])")

__all__ = ["erf", "erfc", "erf_inv", "lgamma", "digamma", "bessel_i0e", "bessel_i1e", "igamma",
           "igammac", "igamma_grad_a", "polygamma", "zeta"]


def random_gamma_grad(a, x):
    """The derivative of a Gamma(``a``, 1) sample ``x`` with respect to ``a``
    at a fixed uniform draw (implicit reparameterization: the CDF ``igamma(a, x)``
    held constant), ``-(dP/da) / (dP/dx)``.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.random_gamma_grad(np.array([1.0]), np.array([0.5]))
    array([0.80697912])
    """
    _check_float("random_gamma_grad", (a, x))
    _check_binary("random_gamma_grad", (a, x), tip=False)
    a, x = asarray_like(a), asarray_like(x)
    log_density = (a - 1) * jnp.log(x) - x - sp.lgamma_p.bind(a)
    return _out(-sp.igamma_grad_a_p.bind(a, x) / jnp.exp(log_density))


__all__.append("random_gamma_grad")
