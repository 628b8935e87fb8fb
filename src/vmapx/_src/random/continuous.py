"""``vmapx.random``'s continuous samplers: ``normal``, ``truncated_normal``,
``multivariate_normal``, ``exponential``, ``cauchy``, ``laplace``, ``logistic``,
``pareto``, ``weibull_min``, ``rayleigh``, ``maxwell``, ``lognormal``, ``wald``,
``triangular``, ``gumbel`` and ``orthogonal``, with the Cephes ``erf`` /
inverse ``erf`` they need.
"""
from __future__ import annotations

import operator as _operator

import numpy as _np

from .. import numpy_api as _jnp
from ..jnp import linalg as _linalg
from ..jnp.base import promote_args_inexact as _promote_args_inexact
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from .keys import (_canonical_shape, _check_key, _check_shape, _default_typed, _float_dtype, _is_array,
                   _out, _split, key)
from .uniform import _uniform, rademacher

__all__ = ["normal", "truncated_normal", "multivariate_normal", "gumbel", "exponential",
           "cauchy", "laplace", "logistic", "pareto", "weibull_min", "rayleigh",
           "maxwell", "double_sided_maxwell", "lognormal", "triangular", "wald",
           "orthogonal"]


# ------------------------------------------------ special functions (XLA's kernels)

_ERFINV32 = (  # Giles' single-precision erfinv (w = -log1p(-x*x)), as XLA / JAX
    (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
    (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682))
_ERFINV64 = (  # Giles' double-precision erfinv: w < 6.25, w < 16, w >= 16
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221))
# Cephes erf / erfc (double precision), as XLA's f64 kernels.
_ERF_T = (9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3,
          7.00332514112805075473E3, 5.55923013010394962768E4)
_ERF_U = (1.0, 3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3,
          2.26290000613890934246E4, 4.92673942608635921086E4)
_ERFC_P = (2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
           4.86371970985681366614E1, 1.96520832956077098242E2, 5.26445194995477358631E2,
           9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2)
_ERFC_Q = (1.0, 1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2,
           9.75708501743205489753E2, 1.82390916687909736289E3, 2.24633760818710981792E3,
           1.65666309194161350182E3, 5.57535340817727675546E2)
_ERFC_R = (5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
           6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0)
_ERFC_S = (1.0, 2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
           1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0)
_MAXLOG = 7.09782712893383996843E2


def _horner(x, coeffs):
    """``coeffs[0] * x**(n-1) + ... + coeffs[-1]`` in ``x``'s dtype."""
    p = _jnp.add(_jnp.multiply(x, coeffs[0]), coeffs[1])
    for c in coeffs[2:]:
        p = _jnp.add(_jnp.multiply(p, x), c)
    return p


def _erf_inv_tail(w, wide):
    """The erfinv polynomial beyond the central region (``w`` past its bound)."""
    sw = _jnp.sqrt(w)
    if wide:
        _, c2, c3 = _ERFINV64
        return _jnp.where(_jnp.less(w, 16.0), _horner(_jnp.subtract(sw, 3.25), c2),
                         _horner(_jnp.subtract(sw, 5.0), c3))
    return _horner(_jnp.subtract(sw, 3.0), _ERFINV32[1])


def _erf_inv(x):
    """Inverse error function (XLA's polynomial kernels; float32 math below 64 bits)."""
    dtype = _dtype_of(x)
    wide = dtype == _np.float64
    if not wide:
        x = _jnp.astype(x, _np.float32)
    bound, center, coeffs = (6.25, 3.125, _ERFINV64[0]) if wide else (5.0, 2.5, _ERFINV32[0])
    with _np.errstate(divide="ignore", invalid="ignore"):
        w = _jnp.negative(_jnp.log1p(_jnp.multiply(x, _jnp.negative(x))))
        p = _horner(_jnp.subtract(w, center), coeffs)
        if isinstance(w, _np.ndarray):
            # Concrete values: the tail polynomials only where they apply (|x| near 1);
            # the same elementwise operations as the traced branch below.
            p = _np.array(p)
            tail = _np.logical_not(_np.less(w, bound))
            if tail.any():
                p[tail] = _erf_inv_tail(w[tail], wide)
        else:
            # The tail is evaluated at w >= bound only, so that no infinite
            # derivative (sqrt at 0) meets the mask under differentiation.
            central = _jnp.less(w, bound)
            p = _jnp.where(central, p, _erf_inv_tail(_jnp.where(central, bound, w), wide))
        out = _jnp.where(_jnp.equal(_jnp.abs(x), 1.0), _jnp.multiply(_jnp.sign(x), _np.inf),
                        _jnp.multiply(p, x))
    return _jnp.astype(out, dtype)


def _erf(x):
    """Error function, computed in float64 (Cephes, as XLA's f64 kernel)."""
    dtype = _dtype_of(x)
    x = _jnp.astype(x, _np.float64)
    with _np.errstate(over="ignore", invalid="ignore"):
        ax = _jnp.abs(x)
        x2 = _jnp.multiply(x, x)
        small = _jnp.divide(_jnp.multiply(x, _horner(x2, _ERF_T)), _horner(x2, _ERF_U))
        ez = _jnp.exp(_jnp.negative(x2))
        erfc = _jnp.where(_jnp.less(ax, 8.0),
                         _jnp.divide(_jnp.multiply(ez, _horner(ax, _ERFC_P)), _horner(ax, _ERFC_Q)),
                         _jnp.divide(_jnp.multiply(ez, _horner(ax, _ERFC_R)), _horner(ax, _ERFC_S)))
        erfc = _jnp.where(_jnp.greater(x2, _MAXLOG), 0.0, erfc)
        large = _jnp.where(_jnp.less(x, 0.0), _jnp.subtract(erfc, 1.0), _jnp.subtract(1.0, erfc))
        out = _jnp.where(_jnp.less(ax, 1.0), small, large)
    return _jnp.astype(out, dtype)


# --------------------------------------------------------------- float samplers


def normal(key, shape=(), dtype=None):
    """Standard normal values (default dtype ``float64``; complex dtypes allowed).

    ``sqrt(2) * erfinv(u)`` for ``u`` uniform in ``(-1, 1)``, as in JAX.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.normal(random.PRNGKey(0), (3,))
    array([-0.20584214, -0.78476578,  1.81608667])
    >>> random.normal(random.PRNGKey(0), (2,), np.float64)
    array([-0.20584214, -0.78476578])
    """
    key = _check_key("normal", key)
    dtype = _float_dtype("normal", dtype, "fc", "a float or complex dtype")
    return _out(_normal(key, _canonical_shape(shape), dtype))


def _normal(key, shape, dtype):
    if dtype.kind == "c":
        real = _np.dtype(_np.float32 if dtype == _np.complex64 else _np.float64)
        k_re, k_im = _split(key)
        re = _jnp.astype(_normal_real(k_re, shape, real), dtype)
        im = _jnp.astype(_normal_real(k_im, shape, real), dtype)
        return _jnp.divide(_jnp.add(re, _jnp.multiply(im, _np.asarray(1j, dtype))),
                          _np.asarray(_np.sqrt(2), dtype))
    return _normal_real(key, shape, dtype)


def _normal_real(key, shape, dtype):
    lo = _np.nextafter(_np.array(-1.0, dtype), _np.array(0.0, dtype))
    # 1 - lo rounds to 2: the scaling is exact, so no fused multiply-add is needed.
    u = _uniform(key, shape, dtype, lo, _np.array(1.0, dtype), fused=False)
    return _jnp.multiply(_np.asarray(_np.sqrt(2), dtype), _erf_inv(u))


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal values conditioned on ``lower < x < upper``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.truncated_normal(random.PRNGKey(0), -1.0, 2.0, (1000,))
    >>> bool(x.min() > -1.0 and x.max() < 2.0)
    True
    """
    key = _check_key("truncated_normal", key)
    dtype = _float_dtype("truncated_normal", dtype)
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(lower), _shape_of(upper)))
    else:
        shape = _canonical_shape(shape)
        _check_shape("truncated_normal", shape, _shape_of(lower), _shape_of(upper))
    sqrt2 = _np.asarray(_np.sqrt(2), dtype)
    lower, upper = _jnp.astype(lower, dtype), _jnp.astype(upper, dtype)
    a = _erf(_jnp.divide(lower, sqrt2))
    b = _erf(_jnp.divide(upper, sqrt2))
    u = _uniform(key, shape, dtype, a, b)
    out = _jnp.multiply(sqrt2, _erf_inv(u))
    # Keep rounding from reaching the bounds: clip into the open interval.
    return _out(_jnp.clip(out, _jnp.nextafter(lower, _np.asarray(_np.inf, dtype)),
                         _jnp.nextafter(upper, _np.asarray(-_np.inf, dtype))))


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Multivariate normal values with the given mean ``(..., n)`` and covariance
    ``(..., n, n)``; ``method`` factors ``cov`` ('cholesky', 'eigh' or 'svd').

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.multivariate_normal(random.PRNGKey(0), np.zeros(2), np.eye(2), (4,)).shape
    (4, 2)
    """
    key = _check_key("multivariate_normal", key)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    # JAX: the common inexact dtype of mean and cov (int32: float32), and that
    # is the draw's dtype unless ``dtype`` is given
    mean, cov = _promote_args_inexact(_default_typed(mean), _default_typed(cov))
    dtype = _float_dtype("multivariate_normal", _dtype_of(mean) if dtype is None else dtype)
    if len(_shape_of(mean)) < 1:
        raise ValueError("multivariate_normal requires mean.ndim >= 1, got mean.ndim == "
                         f"{len(_shape_of(mean))}")
    if len(_shape_of(cov)) < 2:
        raise ValueError("multivariate_normal requires cov.ndim >= 2, got cov.ndim == "
                         f"{len(_shape_of(cov))}")
    n = _shape_of(mean)[-1]
    if tuple(_shape_of(cov)[-2:]) != (n, n):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {tuple(_shape_of(cov))}.")
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(mean)[:-1], _shape_of(cov)[:-2]))
    else:
        shape = _canonical_shape(shape)
        _check_shape("normal", shape, _shape_of(mean)[:-1], _shape_of(cov)[:-2])
    if method == "svd":
        u, s, _ = _linalg.svd(cov)
        factor = _jnp.multiply(u, _jnp.expand_dims(_jnp.sqrt(s), -2))
    elif method == "eigh":
        w, v = _linalg.eigh(cov)
        factor = _jnp.multiply(v, _jnp.expand_dims(_jnp.sqrt(w), -2))
    else:
        factor = _linalg.cholesky(cov)
    z = _normal(key, shape + (n,), dtype)
    return _out(_jnp.add(mean, _jnp.squeeze(_jnp.matmul(factor, _jnp.expand_dims(z, -1)), -1)))


def exponential(key, shape=(), dtype=None):
    """Exponential values with rate 1 (``-log1p(-u)``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.exponential(random.PRNGKey(0), (3,))
    array([0.54207056, 0.24372319, 3.36163426])
    """
    key = _check_key("exponential", key)
    dtype = _float_dtype("exponential", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, 0.0, 1.0)
    return _out(_jnp.negative(_jnp.log1p(_jnp.negative(u))))


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy values (``tan(pi * (u - 1/2))``).

    >>> from vmapx import random
    >>> random.cauchy(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("cauchy", key)
    dtype = _float_dtype("cauchy", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, _np.finfo(dtype).eps, 1.0)
    return _out(_jnp.tan(_jnp.multiply(_jnp.subtract(u, 0.5), _np.asarray(_np.pi, dtype))))


def laplace(key, shape=(), dtype=None):
    """Standard Laplace values (density ``exp(-|x|) / 2``).

    >>> from vmapx import random
    >>> random.laplace(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("laplace", key)
    dtype = _float_dtype("laplace", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, -1.0 + _np.finfo(dtype).epsneg, 1.0)
    return _out(_jnp.multiply(_jnp.sign(u), _jnp.log1p(_jnp.negative(_jnp.abs(u)))))


def logistic(key, shape=(), dtype=None):
    """Standard logistic values (``log(u / (1 - u))``).

    >>> from vmapx import random
    >>> random.logistic(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("logistic", key)
    dtype = _float_dtype("logistic", dtype)
    x = _uniform(key, _canonical_shape(shape), dtype, _np.finfo(dtype).tiny, 1.0)
    return _out(_jnp.subtract(_jnp.log(x), _jnp.log1p(_jnp.negative(x))))


def _param(x, dtype):
    """A distribution parameter (JAX's default types for Python numbers) as ``dtype``."""
    return _jnp.astype(_default_typed(x), dtype)


def _params_shape(name, shape, *params):
    shapes = [tuple(_shape_of(p)) for p in params]
    if shape is None:
        return tuple(_np.broadcast_shapes(*shapes))
    shape = _canonical_shape(shape)
    _check_shape(name, shape, *shapes)
    return shape


def pareto(key, b, shape=None, dtype=None):
    """Pareto values with shape parameter ``b`` (``exp(exponential / b)``).

    >>> from vmapx import random
    >>> random.pareto(random.PRNGKey(0), 2.0, (2,))
    array([1.31132133, 1.12959775])
    """
    key = _check_key("pareto", key)
    dtype = _float_dtype("pareto", dtype)
    b = _param(b, dtype)
    shape = _params_shape("pareto", shape, b)
    return _out(_jnp.exp(_jnp.divide(exponential(key, shape, dtype), b)))


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull values (inverse CDF of a uniform draw).

    >>> from vmapx import random
    >>> random.weibull_min(random.PRNGKey(0), 2.0, 1.5, (2,))
    array([1.32963939, 0.78035921])
    """
    key = _check_key("weibull_min", key)
    dtype = _float_dtype("weibull_min", dtype)
    u = _uniform(key, _canonical_shape(shape), dtype, 0.0, 1.0)
    scale = _param(scale, dtype)
    concentration = _param(concentration, dtype)
    return _out(_jnp.multiply(_jnp.power(_jnp.negative(_jnp.log1p(_jnp.negative(u))),
                                         _jnp.divide(1.0, concentration)), scale))


def rayleigh(key, scale, shape=None, dtype=None):
    """Rayleigh values (``scale * sqrt(-2 log u)``).

    >>> from vmapx import random
    >>> random.rayleigh(random.PRNGKey(0), 2.0, (2,))
    array([2.63997102, 3.49983995])
    """
    key = _check_key("rayleigh", key)
    dtype = _float_dtype("rayleigh", dtype)
    scale = _param(scale, dtype)
    shape = _params_shape("rayleigh", shape, scale)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    return _out(_jnp.multiply(scale, _jnp.sqrt(_jnp.multiply(_jnp.log(u),
                                                            _np.asarray(-2, dtype)))))


def maxwell(key, shape=(), dtype=None):
    """Maxwell values: the length of a standard normal 3-vector.

    >>> from vmapx import random
    >>> random.maxwell(random.PRNGKey(0), (2,))
    array([1.98906991, 0.42460738])
    """
    key = _check_key("maxwell", key)
    dtype = _float_dtype("maxwell", dtype)
    z = _normal(key, _canonical_shape(shape) + (3,), dtype)
    return _out(_jnp.sqrt(_jnp.sum(_jnp.multiply(z, z), axis=-1)))


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Maxwell values with a random sign, scaled and shifted.

    >>> from vmapx import random
    >>> random.double_sided_maxwell(random.PRNGKey(0), 1.0, 2.0, (2,))
    array([ 4.96922408, -3.9564148 ])
    """
    key = _check_key("double_sided_maxwell", key)
    dtype = _float_dtype("double_sided_maxwell", dtype)
    params = tuple(_np.broadcast_shapes(_np.shape(loc), _np.shape(scale))) \
        if not (_is_array(loc) or _is_array(scale)) else tuple(
            _np.broadcast_shapes(tuple(_shape_of(loc)), tuple(_shape_of(scale))))
    shape = _canonical_shape(shape)
    shape = (shape or params) + params
    k1, k2 = _split(key)
    rvs = maxwell(k1, shape, dtype)
    sign = rademacher(k2, shape, dtype)
    return _out(_jnp.add(_jnp.multiply(_jnp.multiply(sign, rvs), _default_typed(scale)),
                         _default_typed(loc)))


def lognormal(key, sigma=1.0, shape=None, dtype=None):
    """Log-normal values (``exp(sigma * normal)``).

    >>> from vmapx import random
    >>> random.lognormal(random.PRNGKey(0), 0.5, (2,))
    array([0.90219818, 0.67544544])
    """
    key = _check_key("lognormal", key)
    dtype = _float_dtype("lognormal", dtype, "fc", "a float or complex dtype")
    sigma = _param(sigma, dtype)
    shape = _params_shape("lognormal", shape, sigma)
    return _out(_jnp.exp(_jnp.multiply(_normal(key, shape, dtype), sigma)))

def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular values on ``[left, right]`` peaking at ``mode``.

    >>> from vmapx import random
    >>> random.triangular(random.PRNGKey(0), 0.0, 0.5, 1.0, (2,))
    array([0.45741508, 0.32885822])
    """
    key = _check_key("triangular", key)
    dtype = _float_dtype("triangular", dtype)
    left, mode, right = (_param(v, dtype) for v in (left, mode, right))
    shape = _params_shape("triangular", shape, left, mode, right)
    left, mode, right = (_jnp.broadcast_to(v, shape) for v in (left, mode, right))
    width = _jnp.subtract(right, left)
    fc = _jnp.divide(_jnp.subtract(mode, left), width)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    out1 = _jnp.add(left, _jnp.sqrt(_jnp.multiply(_jnp.multiply(u, width),
                                                  _jnp.subtract(mode, left))))
    out2 = _jnp.subtract(right, _jnp.sqrt(_jnp.multiply(_jnp.multiply(
        _jnp.subtract(1, u), width), _jnp.subtract(right, mode))))
    return _out(_jnp.where(_jnp.less(u, fc), out1, out2))


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian) values with the given ``mean``.

    >>> from vmapx import random
    >>> random.wald(random.PRNGKey(0), 1.0, (2,))
    array([0.18700294, 1.61073217])
    """
    key = _check_key("wald", key)
    dtype = _float_dtype("wald", dtype)
    mean = _param(mean, dtype)
    shape = _params_shape("wald", shape, mean)
    k1, k2 = _split(key)
    mean = _jnp.broadcast_to(mean, shape)
    v = _normal(k1, shape, dtype)
    z = _uniform(k2, shape, dtype, 0.0, 1.0)
    y = _jnp.multiply(v, v)
    y_sq = _jnp.multiply(y, y)
    mean_sq = _jnp.multiply(mean, mean)
    sqrt_term = _jnp.sqrt(_jnp.add(_jnp.multiply(_jnp.multiply(4, mean), y),
                                   _jnp.multiply(mean_sq, y_sq)))
    x = _jnp.subtract(_jnp.add(mean, _jnp.divide(_jnp.multiply(mean_sq, y), 2)),
                      _jnp.multiply(_jnp.divide(mean, 2), sqrt_term))
    return _out(_jnp.where(_jnp.less_equal(z, _jnp.divide(mean, _jnp.add(mean, x))), x,
                           _jnp.divide(mean_sq, x)))


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel values; ``mode='high'`` spends twice the bits for a wider range.

    >>> from vmapx import random
    >>> random.gumbel(random.PRNGKey(0), (2,)).shape
    (2,)
    """
    key = _check_key("gumbel", key)
    dtype = _float_dtype("gumbel", dtype)
    return _out(_gumbel(key, _canonical_shape(shape), dtype, _gumbel_mode(mode)))


def _gumbel_mode(mode):
    if mode is None:
        return "low"
    if mode not in ("high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    return mode


def _gumbel(key, shape, dtype, mode):
    finfo = _np.finfo(dtype)
    if mode == "high":
        u = _uniform(key, (2,) + shape, dtype, 0.0, 1.0)
        high, low = u[0], u[1]
        x = _jnp.where(_jnp.greater_equal(high, 0.5), high,
                      _jnp.add(_jnp.add(high, _jnp.multiply(low, 2.0 ** -int(finfo.nmant))),
                              _np.asarray(finfo.tiny, dtype)))
        return _jnp.negative(_jnp.log(_jnp.negative(_jnp.log1p(_jnp.negative(x)))))
    u = _uniform(key, shape, dtype, finfo.tiny, 1.0)
    return _jnp.negative(_jnp.log(_jnp.negative(_jnp.log(u))))

def orthogonal(key, n, shape=(), dtype=None, m=None):
    """A random ``n x m`` matrix (``m`` defaults to ``n``) with orthonormal rows or
    columns, whichever are fewer, uniform over the orthogonal (unitary, for a
    complex dtype) group; ``shape`` gives batch dimensions in front.

    As JAX: the Q factor of a normal matrix, its columns' signs fixed by the
    diagonal of R (Mezzadri's method).

    >>> import numpy as np
    >>> from vmapx import random
    >>> q = random.orthogonal(random.PRNGKey(0), 3)
    >>> q.shape, bool(np.allclose(q @ q.T, np.eye(3)))
    ((3, 3), True)
    """
    key = _check_key("orthogonal", key)
    dtype = _float_dtype("orthogonal", dtype, "fc", "a float or complex dtype")
    shape = _canonical_shape(shape)
    n = _operator.index(n)
    m = n if m is None else _operator.index(m)
    z = _normal(key, shape + (max(n, m), min(n, m)), dtype)
    q, r = _linalg.qr(z)
    signs = _jnp.sign(_jnp.diagonal(r, axis1=-2, axis2=-1))
    x = _jnp.multiply(q, _jnp.expand_dims(signs, -2))
    return _out(_jnp.swapaxes(x, -1, -2) if n < m else x)
