"""``vmapx.scipy.special``: JAX's ``jax.scipy.special`` on NumPy arrays.

The functions take SciPy's names and JAX's signatures.  Integer inputs
promote to float64 and float32 stays float32 (NumPy's promotion); results are
arrays.  Each is a special-function primitive (evaluated by ``scipy.special``,
imported on first use) or a composition of primitives, so all of them batch
under ``vmap`` and differentiate.

>>> import numpy as np
>>> from vmapx.scipy import special
>>> special.logsumexp(np.array([0.0, np.log(3.0)]))
array(1.38629436)
"""
from __future__ import annotations

import numpy as np

from .._src import inputs
from .._src.core import Tracer, dtype_of, is_python_scalar, ndim_of
from .._src.jnp.base import asarray_like, astype, canonicalize_axes
from .._src.prims import special as _sp
from .._src.custom_jvp import custom_jvp
from ..lax import stop_gradient
import vmapx.numpy as jnp


def _jnp():
    return jnp


def _out(x):
    """Results outside any transform are arrays (never NumPy or Python scalars)."""
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


def _promote_inexact(*xs):
    """``xs`` converted to arrays of their common floating dtype (integers and
    bools to float64; Python scalars are weak, so float32 stays float32)."""
    xs = [asarray_like(x) for x in xs]
    dt = np.result_type(*[x if is_python_scalar(x) else dtype_of(x) for x in xs], 0.0)
    return [np.asarray(x, dt) if is_python_scalar(x) else x if dtype_of(x) == dt
            else astype(x, dt) for x in xs]


def _unary(prim, x):
    if type(x) is np.ndarray and inputs.kind(x.dtype) == "f" and x.ndim:
        return prim.impl(x)   # the common case, without promotion overhead
    (x,) = _promote_inexact(x)
    return _out(prim.bind(x))


def _binary(prim, x, y):
    x, y = _promote_inexact(x, y)
    return _out(prim.bind(x, y))


# -------------------------------------------------------------- primitives


def erf(x):
    """The error function, ``2/sqrt(pi) * integral_0^x exp(-t**2) dt``.

    >>> erf(np.array([0.0, 0.5], np.float32))
    array([0.       , 0.5204999], dtype=float32)
    """
    return _unary(_sp.erf_p, x)


def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate for large ``x``.

    >>> erfc(np.array([0.0, 1.0]))
    array([1.        , 0.15729921])
    """
    return _unary(_sp.erfc_p, x)


def erfinv(x):
    """The inverse of ``erf`` on ``(-1, 1)``.

    >>> erfinv(np.array([0.0, 0.5]))
    array([0.        , 0.47693628])
    """
    return _unary(_sp.erf_inv_p, x)


def gammaln(x):
    """``log(abs(gamma(x)))``.

    >>> gammaln(np.array([1.0, 5.0]))
    array([0.        , 3.17805383])
    """
    return _unary(_sp.lgamma_p, x)


def digamma(x):
    """The digamma function, the derivative of ``gammaln``.

    >>> digamma(np.array([1.0, 2.0]))
    array([-0.57721566,  0.42278434])
    """
    return _unary(_sp.digamma_p, x)


def polygamma(n, x):
    """The ``n``-th derivative of ``digamma``.  ``n`` must have an integer
    dtype (``ValueError`` otherwise, as JAX) and is not differentiable; the
    result has the floating dtype of ``x`` (float32 stays float32).

    >>> polygamma(1, np.array([1.0, 2.0]))
    array([1.64493407, 0.64493407])
    >>> polygamma(np.array([1, 2]), np.array([2.0, 2.0], np.float32))
    array([ 0.64493406, -0.4041138 ], dtype=float32)
    """
    n = asarray_like(n)
    n_dt = np.asarray(n).dtype if is_python_scalar(n) else dtype_of(n)
    if n_dt.kind not in "iub":
        raise ValueError(f"Argument `n` to polygamma must be of integer type. Got dtype {n_dt}.")
    (x,) = _promote_inexact(x)
    return _out(_sp.polygamma_p.bind(astype(n, dtype_of(x)), x))


def ndtr(x):
    """The standard normal cumulative distribution function.

    >>> ndtr(np.array([0.0, 1.0]))
    array([0.5       , 0.84134475])
    """
    return _unary(_sp.ndtr_p, x)


def ndtri(p):
    """The inverse of ``ndtr`` (the standard normal quantile function).

    >>> ndtri(np.array([0.5, 0.975]))
    array([0.       , 1.95996398])
    """
    return _unary(_sp.ndtri_p, p)


def log_ndtr(x):
    """``log(ndtr(x))``, accurate far into the lower tail.

    >>> log_ndtr(np.array([0.0, -20.0]))
    array([  -0.69314718, -203.91715537])
    """
    return _unary(_sp.log_ndtr_p, x)


def i0e(x):
    """The exponentially scaled modified Bessel function of order 0.

    >>> i0e(np.array([0.0, 1.0]))
    array([1.        , 0.46575961])
    """
    return _unary(_sp.bessel_i0e_p, x)


def i1e(x):
    """The exponentially scaled modified Bessel function of order 1.

    >>> i1e(np.array([0.0, 1.0]))
    array([0.        , 0.20791042])
    """
    return _unary(_sp.bessel_i1e_p, x)


def gammainc(a, x):
    """The regularized lower incomplete gamma function ``P(a, x)``;
    differentiable in both ``a`` and ``x``.

    >>> gammainc(np.array([1.0, 2.0]), 2.0)
    array([0.86466472, 0.59399415])
    """
    return _binary(_sp.igamma_p, a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> gammaincc(np.array([1.0, 2.0]), 2.0)
    array([0.13533528, 0.40600585])
    """
    return _binary(_sp.igammac_p, a, x)


def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)`` (via
    ``scipy.special.betainc``); differentiable in ``x`` in closed form, and in
    ``a`` and ``b`` numerically.

    >>> betainc(2.0, 3.0, np.array([0.25, 0.5]))
    array([0.26171875, 0.6875    ])
    """
    a, b, x = _promote_inexact(a, b, x)
    return _out(_sp.betainc_p.bind(a, b, x))


def xlogy(x, y):
    """``x * log(y)``, and 0 where ``x == 0``.

    >>> xlogy(np.array([0.0, 2.0]), np.array([0.0, np.e]))
    array([0., 2.])
    """
    return _binary(_sp.xlogy_p, x, y)


def xlog1py(x, y):
    """``x * log1p(y)``, and 0 where ``x == 0``.

    >>> xlog1py(np.array([0.0, 2.0]), np.array([-1.0, np.e - 1]))
    array([0., 2.])
    """
    return _binary(_sp.xlog1py_p, x, y)


# ------------------------------------------------------------ compositions


def gamma(x):
    """The gamma function, as ``sign * exp(gammaln(x))``.

    >>> gamma(np.array([5.0, 0.5, -1.5]))
    array([24.        ,  1.77245385,  2.3632718 ])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    return _out(gammasgn(x) * jnp.exp(gammaln(x)))


def gammasgn(x):
    """The sign of the gamma function: ``+1`` or ``-1``, ``+-1`` at ``+-0``, and
    NaN at the poles (negative integers), at ``-inf`` and at NaN.

    >>> gammasgn(np.array([2.5, -0.5, -1.5, -0.0, -2.0]))
    array([ 1., -1.,  1., -1., nan])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    dt = dtype_of(x)
    one = np.ones((), dt)
    fl = jnp.floor(x)
    even = jnp.remainder(jnp.where(jnp.isfinite(fl), fl, 0), 2) == 0
    neg = jnp.where(even, one, -one)
    at_int = jnp.where(x == 0, jnp.copysign(one, x), np.asarray(np.nan, dt))
    return _out(jnp.where(x > 0, one, jnp.where(fl == x, at_int,
                                                jnp.where(jnp.isnan(x), x, neg))))


def betaln(a, b):
    """``log(abs(beta(a, b)))`` as ``gammaln(a) + gammaln(b) - gammaln(a + b)``.

    >>> betaln(np.array([2.0]), np.array([3.0]))
    array([-2.48490665])
    """
    a, b = _promote_inexact(a, b)
    return _out(gammaln(a) + gammaln(b) - gammaln(a + b))


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension ``d`` (an int).

    >>> multigammaln(np.array([3.0, 4.0]), 2)
    array([1.55019499, 3.56509801])
    """
    jnp = _jnp()
    d = int(d)
    (a,) = _promote_inexact(a)
    dt = dtype_of(a)
    shifts = np.arange(d, dtype=dt) / 2
    lg = jnp.sum(gammaln(jnp.expand_dims(a, -1) - shifts), axis=-1)
    return _out(lg + np.asarray(d * (d - 1) / 4 * np.log(np.pi), dt))


def expit(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, without overflow.

    >>> expit(np.array([0.0, 2.0, 1000.0, -1000.0]))
    array([0.5       , 0.88079708, 1.        , 0.        ])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    e = jnp.exp(-jnp.abs(x))
    return _out(jnp.where(x >= 0, 1 / (1 + e), e / (1 + e)))


def logit(x):
    """The inverse of ``expit``, ``log(x / (1 - x))``.

    >>> logit(np.array([0.5, 0.75]))
    array([0.        , 1.09861229])
    """
    (x,) = _promote_inexact(x)
    if not isinstance(x, Tracer):   # concrete input: no derivative to customize
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.log(x / (1 - x)))
    return _logit(x)


def _logit_fun(x):
    jnp = _jnp()
    return jnp.log(x / (1 - x))


def _xlogx_fun(x):
    return xlogy(x, x)


_logit = _xlogx = None


def _custom_rules():
    """``logit`` and ``x log x`` with JAX's derivatives, ``1 / (x (1 - x))``
    and ``log(x) + 1`` (infinite, not NaN, at 0 and 1)."""
    global _logit, _xlogx
    jnp = _jnp()
    _logit = custom_jvp(_logit_fun)
    _logit.defjvps(lambda g, ans, x: g / (x * (1 - x)))
    _xlogx = custom_jvp(_xlogx_fun)
    _xlogx.defjvps(lambda g, ans, x: g * (jnp.log(x) + 1))


def entr(x):
    """Elementwise entropy ``-x log(x)``: 0 at 0 and ``-inf`` for ``x < 0``.

    >>> entr(np.array([-1.0, 0.0, 0.5]))
    array([       -inf, -0.        ,  0.34657359])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    xlogx = xlogy(x, x) if not isinstance(x, Tracer) else _xlogx(x)
    return _out(jnp.where(x < 0, -np.inf, -xlogx))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """``log(sum(b * exp(a), axis))``, computed stably (JAX's ``logsumexp``).

    With ``return_sign=True`` it returns ``(log(abs(s)), sign(s))`` of the sum
    ``s``; otherwise a negative sum gives NaN.  ``where`` masks the elements.

    >>> logsumexp(np.array([1.0, 2.0]), b=np.array([1.0, -1.0]), return_sign=True)
    (array(1.54132485), array(-1.))
    >>> logsumexp(np.array([[0.0, 0.0], [1.0, 1.0]]), axis=1)
    array([0.69314718, 1.69314718])
    """
    jnp = _jnp()
    if where is not None:
        a = jnp.where(where, a, 0)
    if b is not None:
        a, b = _promote_inexact(a, b)
        a = jnp.where(b != 0, a, -np.inf)
    else:
        (a,) = _promote_inexact(a)
    a = asarray_like(a) if not is_python_scalar(a) else np.asarray(a)
    dims = canonicalize_axes(axis, ndim_of(a))
    where_kw = {} if where is None else {"where": where}
    amax = jnp.max(jnp.real(a), axis=dims, keepdims=True, initial=-np.inf, **where_kw)
    amax = stop_gradient(jnp.where(jnp.isfinite(amax), amax, 0))
    exp_a = jnp.exp(a - astype(amax, dtype_of(a)))
    if b is not None:
        exp_a = exp_a * b
    sumexp = jnp.sum(exp_a, axis=dims, keepdims=keepdims, **where_kw)
    sign = jnp.sign(sumexp)
    if return_sign or dtype_of(a).kind != "c":
        sumexp = jnp.abs(sumexp)
    if not keepdims:
        amax = jnp.squeeze(amax, axis=dims)
    out = jnp.log(sumexp) + astype(amax, dtype_of(sumexp))
    if return_sign:
        return _out(out), _out(sign)
    if b is not None and dtype_of(out).kind != "c":
        out = jnp.where(sign < 0, np.asarray(np.nan, dtype_of(out)), out)
    return _out(out)


def softmax(x, /, *, axis=None):
    """``exp(x) / sum(exp(x), axis)``, computed stably; ``axis=None`` normalizes
    over all elements (as ``scipy.special.softmax``).

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    e = jnp.exp(x - stop_gradient(jnp.max(x, axis=axis, keepdims=True)))
    return _out(e / jnp.sum(e, axis=axis, keepdims=True))


def log_softmax(x, /, *, axis=None):
    """``log(softmax(x, axis=axis))``, computed stably.

    >>> log_softmax(np.array([0.0, np.log(3.0)]))
    array([-1.38629436, -0.28768207])
    """
    jnp = _jnp()
    (x,) = _promote_inexact(x)
    shifted = x - stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    return _out(shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True)))


_custom_rules()

__all__ = ["erf", "erfc", "erfinv", "gammaln", "gamma", "gammasgn", "digamma", "polygamma",
           "betaln", "multigammaln", "logsumexp", "expit", "logit", "xlogy", "xlog1py", "entr", "ndtr",
           "ndtri", "log_ndtr", "softmax", "log_softmax", "i0e", "i1e", "gammainc", "gammaincc",
           "betainc"]


from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
