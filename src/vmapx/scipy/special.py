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

from .._src.core import Tracer, dtype_of, is_python_scalar, ndim_of
from .._src.jnp.base import asarray_like, astype, canonicalize_axes
from .._src.scipy_special import (_out, _promote_inexact, erf, erfc, erfinv,  # noqa: F401
                                  gammaln, digamma, polygamma, ndtr, ndtri, log_ndtr, i0e, i1e,
                                  gammainc, gammaincc, betainc, xlogy, xlog1py)
from .._src.custom_jvp import custom_jvp
from ..lax import stop_gradient
import vmapx.numpy as jnp


def _jnp():
    return jnp


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
