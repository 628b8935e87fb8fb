"""``vmapx.random``'s samplers derived from the normal and gamma ones: ``t``,
``chisquare``, ``f``, ``generalized_normal`` and ``ball``.

Each is JAX's construction on JAX's key stream (the same splits, in the same
order, feeding the same normal / gamma / exponential / Rademacher draws), so a
key gives JAX's values up to the float rounding the underlying samplers
already carry (``normal``'s inverse error function, ``gamma``'s rejection
tests): about ``1e-14`` relative in float64, a few ulps in float32.  They
compose from ``vmapx.numpy`` and the gamma sampler's custom JVP, so ``vmap``,
``jit`` and derivatives with respect to the parameters go through them.
"""
from __future__ import annotations

import operator as _operator

import numpy as _np

from .. import inputs as _inputs
from .. import numpy_api as _jnp
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from .continuous import _normal, exponential
from .gamma import _loggamma_impl
from .keys import (_canonical_shape, _check_key, _check_shape, _default_typed, _float_dtype,
                   _out, _split)
from .uniform import rademacher

__all__ = ["t", "chisquare", "f", "generalized_normal", "ball"]


def _shape_for(name, shape, *params):
    """The sample shape: ``shape`` checked against the parameters' shapes, or
    their broadcast shape when ``shape`` is None (JAX's rule)."""
    param_shapes = [tuple(_shape_of(p)) for p in params]
    if shape is None:
        return tuple(_np.broadcast_shapes(*param_shapes)) if param_shapes else ()
    shape = _canonical_shape(shape)
    _check_shape(name, shape, *param_shapes)
    return shape


def _as_dtype(x, dtype):
    """A parameter (Python numbers take JAX's x64 types) converted to ``dtype``."""
    return _jnp.astype(_default_typed(x), dtype)


def _reciprocal(p, dtype):
    """``1 / p`` rounded to ``dtype``.  A Python number or integer ``p`` is
    inverted in float64 first (JAX divides the weakly typed value, then
    converts), a float array in its own dtype."""
    p = _default_typed(p)
    if _inputs.kind(_dtype_of(p)) not in "fc":
        p = _jnp.astype(p, _np.float64)
    return _jnp.astype(_jnp.divide(_np.ones((), _dtype_of(p)), p), dtype)


def _chisquare(key, df, shape, dtype):
    half_df = _jnp.divide(df, _np.asarray(2, dtype))
    log_g = _loggamma_impl(key, half_df, shape, dtype, True)
    return _jnp.multiply(_jnp.exp(log_g), _np.asarray(2, dtype))


def t(key, df, shape=None, dtype=None):
    """Student's t values with ``df`` degrees of freedom (default dtype ``float64``).

    ``normal * sqrt((df / 2) / gamma(df / 2))`` from two keys split off ``key``,
    as JAX; ``shape`` defaults to ``df``'s shape.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.t(random.PRNGKey(0), 3.0, (3,))
    array([ 1.40115888, -0.60724612,  1.12196326])
    >>> random.t(random.PRNGKey(0), np.array([1.0, 30.0])).shape
    (2,)
    """
    key = _check_key("t", key)
    dtype = _float_dtype("t", dtype)
    shape = _shape_for("t", shape, df)
    df = _as_dtype(df, dtype)
    key_n, key_g = _split(key)
    n = _normal(key_n, shape, dtype)
    half_df = _jnp.divide(df, _np.asarray(2, dtype))
    g = _loggamma_impl(key_g, half_df, shape, dtype, False)
    return _out(_jnp.multiply(n, _jnp.sqrt(_jnp.divide(half_df, g))))


def chisquare(key, df, shape=None, dtype=None):
    """Chi-square values with ``df`` degrees of freedom (default dtype ``float64``).

    ``2 * exp(loggamma(df / 2))``, as JAX; ``shape`` defaults to ``df``'s shape.

    >>> from vmapx import random
    >>> random.chisquare(random.PRNGKey(0), 4.0, (3,))
    array([2.70406159, 2.2487189 , 7.46480832])
    """
    key = _check_key("chisquare", key)
    dtype = _float_dtype("chisquare", dtype)
    shape = _shape_for("chisquare", shape, df)
    return _out(_chisquare(key, _as_dtype(df, dtype), shape, dtype))


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F-distribution values with ``dfnum`` and ``dfden`` degrees of freedom.

    ``(chisquare(dfnum) / dfnum) / (chisquare(dfden) / dfden)``, the
    denominator's key split off first, as JAX; ``shape`` defaults to the
    broadcast shape of the two parameters.

    >>> from vmapx import random
    >>> random.f(random.PRNGKey(0), 5.0, 10.0, (3,))
    array([1.43357298, 0.48259517, 0.19986508])
    """
    key = _check_key("f", key)
    dtype = _float_dtype("f", dtype)
    shape = _shape_for("f", shape, dfnum, dfden)
    dfnum, dfden = _as_dtype(dfnum, dtype), _as_dtype(dfden, dtype)
    key_dfd, key_dfn = _split(key)
    num = _jnp.divide(_chisquare(key_dfn, dfnum, shape, dtype), dfnum)
    den = _jnp.divide(_chisquare(key_dfd, dfden, shape, dtype), dfden)
    return _out(_jnp.divide(num, den))


def _generalized_normal(key, p, shape, dtype):
    k_gamma, k_sign = _split(key)
    inv_p = _reciprocal(p, dtype)
    g = _loggamma_impl(k_gamma, inv_p, shape, dtype, False)
    r = rademacher(k_sign, shape, dtype)
    return _jnp.multiply(r, _jnp.power(g, inv_p))


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal values, density proportional to ``exp(-|x|**p)`` for
    ``p > 0`` (``p = 2`` is a normal of variance 1/2, ``p = 1`` a Laplace).

    A random sign times ``gamma(1/p) ** (1/p)``, as JAX.

    >>> from vmapx import random
    >>> random.generalized_normal(random.PRNGKey(0), 1.5, (3,))
    array([ 1.00520642, -1.6840824 , -0.20287837])
    """
    key = _check_key("generalized_normal", key)
    dtype = _float_dtype("generalized_normal", dtype)
    shape = _canonical_shape(shape)
    return _out(_generalized_normal(key, p, shape, dtype))


def ball(key, d, p=2, shape=(), dtype=None):
    """Points uniform in the unit ``p``-norm ball of dimension ``d``, of shape
    ``shape + (d,)``.

    Barthe et al.'s construction, as JAX: generalized normal coordinates
    divided by ``(sum |g|**p + exponential) ** (1/p)``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.ball(random.PRNGKey(0), 3, shape=(4,))
    >>> x.shape, bool(np.all(np.linalg.norm(x, axis=-1) < 1))
    ((4, 3), True)
    """
    key = _check_key("ball", key)
    dtype = _float_dtype("ball", dtype)
    shape = _canonical_shape(shape)
    try:
        d = _operator.index(d)
    except TypeError:
        raise TypeError(f"ball's dimension d must be a concrete integer, got {d!r}. "
                        "The error occurred in vmapx.random.ball()") from None
    k_points, k_exp = _split(key)
    g = _generalized_normal(k_points, p, shape + _canonical_shape((d,)), dtype)
    e = exponential(k_exp, shape, dtype)
    norm_p = _jnp.add(_jnp.sum(_jnp.power(_jnp.abs(g), _as_dtype(p, dtype)), axis=-1), e)
    return _out(_jnp.divide(g, _jnp.expand_dims(_jnp.power(norm_p, _reciprocal(p, dtype)), -1)))
