"""``vmapx.nn``: JAX's neural-network functions (``jax.nn``) on NumPy arrays.

Activations, ``softmax`` and friends, ``standardize``, ``one_hot`` and
``dot_product_attention`` (in ``_attention.py``), with
JAX's signatures, values and derivatives (``relu`` and ``relu6`` have
derivative 0 at their kinks, as in JAX).  They are written with
``vmapx.numpy``, so they batch under ``vmap`` and differentiate; float32 stays
float32, integers promote to float64.

>>> import numpy as np, vmapx
>>> from vmapx import nn
>>> vmapx.vmap(nn.softmax)(np.zeros((2, 2)))
array([[0.5, 0.5],
       [0.5, 0.5]])
"""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as jnp
from .._src.core import Tracer, dtype_of, ndim_of, shape_of
from .._src.custom_jvp import custom_jvp
from .._src.jnp.base import asarray_like, astype, canonicalize_axis
from ..lax import logistic as _logistic, stop_gradient
from ..scipy.special import erfc, logsumexp as _logsumexp, _out, _promote_inexact
from ._attention import dot_product_attention


def _inexact(x):
    return _promote_inexact(x)[0]


# ------------------------------------------------------------- rectifiers


@custom_jvp
def _relu(x):
    return jnp.maximum(x, 0)


_relu.defjvps(lambda g, ans, x: jnp.where(x > 0, g, jnp.zeros_like(g)))


@custom_jvp
def _relu6(x):
    return jnp.minimum(jnp.maximum(x, 0), 6.0)


_relu6.defjvps(lambda g, ans, x: jnp.where((x > 0) & (x < 6), g, jnp.zeros_like(g)))


def identity(x):
    """The identity activation.

    >>> identity(np.array([-1.0, 2.0]))
    array([-1.,  2.])
    """
    return _out(asarray_like(x))


def relu(x):
    """``max(x, 0)``, with derivative 0 at ``x == 0`` (as ``jax.nn.relu``).

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = asarray_like(x)
    if not isinstance(x, Tracer):   # concrete input: no derivative to customize
        return _out(np.maximum(x, 0))
    return _relu(x)


def relu6(x):
    """``min(max(x, 0), 6)``, with derivative 0 at 0 and at 6.

    >>> relu6(np.array([-1.0, 3.0, 8.0]))
    array([0., 3., 6.])
    """
    x = asarray_like(x)
    if not isinstance(x, Tracer):
        return _out(np.minimum(np.maximum(x, 0), 6.0))
    return _relu6(x)


def leaky_relu(x, negative_slope=1e-2):
    """``x`` where ``x >= 0``, else ``negative_slope * x``.

    >>> leaky_relu(np.array([-2.0, 3.0]))
    array([-0.02,  3.  ])
    """
    x = asarray_like(x)
    return _out(jnp.where(x >= 0, x, negative_slope * x))


def elu(x, alpha=1.0):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    >>> elu(np.array([-1.0, 2.0]))
    array([-0.63212056,  2.        ])
    """
    x = asarray_like(x)
    return _out(jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x))))


def celu(x, alpha=1.0):
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``.

    >>> celu(np.array([-1.0, 2.0]), alpha=2.0)
    array([-0.78693868,  2.        ])
    """
    x = asarray_like(x)
    return _out(jnp.maximum(x, 0.0) + alpha * jnp.expm1(jnp.minimum(x, 0.0) / alpha))


def selu(x):
    """Scaled ELU with the self-normalizing constants.

    >>> selu(np.array([-1.0, 1.0]))
    array([-1.11133074,  1.05070099])
    """
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return _out(scale * elu(x, alpha))


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``.

    >>> hard_tanh(np.array([-3.0, 0.5, 2.0]))
    array([-1. ,  0.5,  1. ])
    """
    x = asarray_like(x)
    return _out(jnp.where(x > 1, 1, jnp.where(x < -1, -1, x)))


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

    >>> squareplus(np.array([0.0, 3.0]), b=16)
    array([2., 4.])
    """
    x = asarray_like(x)
    return _out((x + jnp.sqrt(jnp.square(x) + b)) / 2)


def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between.

    >>> sparse_plus(np.array([-2.0, 0.0, 2.0]))
    array([0.  , 0.25, 2.  ])
    """
    x = asarray_like(x)
    return _out(jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4)))


# --------------------------------------------------------------- sigmoids


def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``.

    >>> sigmoid(np.array([0.0, 2.0], np.float32))
    array([0.5     , 0.880797], dtype=float32)
    """
    return _out(_logistic(_inexact(x)))


def softplus(x):
    """``log(1 + exp(x))``, computed stably.

    >>> softplus(np.array([0.0, 100.0]))
    array([  0.69314718, 100.        ])
    """
    return _out(jnp.logaddexp(asarray_like(x), 0))


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``.

    >>> log_sigmoid(np.array([0.0, -100.0]))
    array([  -0.69314718, -100.        ])
    """
    return _out(-softplus(-asarray_like(x)))


def soft_sign(x):
    """``x / (|x| + 1)``.

    >>> soft_sign(np.array([-1.0, 3.0]))
    array([-0.5 ,  0.75])
    """
    x = asarray_like(x)
    return _out(x / (jnp.abs(x) + 1))


def silu(x):
    """``x * sigmoid(x)`` (also called ``swish``).

    >>> silu(np.array([0.0, 1.0]))
    array([0.        , 0.73105858])
    """
    x = _inexact(x)
    return _out(x * sigmoid(x))


swish = silu


def mish(x):
    """``x * tanh(softplus(x))``.

    >>> mish(np.array([0.0, 1.0]))
    array([0.        , 0.86509839])
    """
    x = _inexact(x)
    return _out(x * jnp.tanh(softplus(x)))


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``.

    >>> hard_sigmoid(np.array([-4.0, 0.0, 4.0]))
    array([0. , 0.5, 1. ])
    """
    return _out(relu6(asarray_like(x) + 3.0) / 6.0)


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called ``hard_swish``).

    >>> hard_silu(np.array([-4.0, 1.0, 4.0]))
    array([-0.        ,  0.66666667,  4.        ])
    """
    x = asarray_like(x)
    return _out(x * hard_sigmoid(x))


hard_swish = hard_silu


def sparse_sigmoid(x):
    """``clip(x + 1, 0, 2) / 2``.

    >>> sparse_sigmoid(np.array([-2.0, 0.0, 2.0]))
    array([0. , 0.5, 1. ])
    """
    return _out(0.5 * jnp.clip(asarray_like(x) + 1.0, 0.0, 2.0))


def gelu(x, approximate=True):
    """Gaussian error linear unit: the tanh approximation by default, the exact
    ``x/2 * erfc(-x/sqrt(2))`` with ``approximate=False``.

    >>> gelu(np.array([-1.0, 1.0]))
    array([-0.15880801,  0.84119199])
    >>> gelu(np.array([-1.0, 1.0]), approximate=False)
    array([-0.15865525,  0.84134475])
    """
    x = _inexact(x)
    if approximate:
        c = float(np.sqrt(2 / np.pi))
        cdf = 0.5 * (1.0 + jnp.tanh(c * (x + 0.044715 * (x ** 3))))
        return _out(x * cdf)
    return _out(astype(0.5 * x * erfc(-x * float(np.sqrt(0.5))), dtype_of(x)))


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves ``a, b`` of ``x``
    along ``axis`` (whose size must be even).

    >>> glu(np.array([2.0, 4.0, 0.0, 0.0]))
    array([1., 2.])
    """
    x = asarray_like(x)
    size = shape_of(x)[axis]
    if size % 2:
        raise AssertionError("axis size must be divisible by 2")
    x1, x2 = jnp.split(x, 2, axis)
    return _out(x1 * sigmoid(x2))


# --------------------------------------------------------- normalizations


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """``log(sum(b * exp(a), axis))``, computed stably (``jax.nn.logsumexp``,
    the same function as ``vmapx.scipy.special.logsumexp``).

    >>> logsumexp(np.array([0.0, 0.0]))
    array(0.69314718)
    """
    return _logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign,
                      where=where)


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """``log(mean(exp(x), axis))``, computed stably.

    >>> logmeanexp(np.array([0.0, np.log(3.0)]))
    array(0.69314718)
    """
    x = _inexact(x)
    lse = _logsumexp(x, axis=axis, where=where, keepdims=keepdims)
    ones = jnp.ones(shape_of(x), dtype_of(lse))
    count = jnp.sum(ones, axis=axis, keepdims=keepdims,
                    **({} if where is None else {"where": where}))
    return _out(lse - jnp.log(count))


def _masked_max(x, axis, where):
    kw = {} if where is None else {"where": where}
    return jnp.max(x, axis, keepdims=True, initial=-np.inf, **kw)


def softmax(x, axis=-1, where=None):
    """``exp(x) / sum(exp(x), axis)``, computed stably; masked-out elements
    (``where`` False) are 0.

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    >>> softmax(np.array([1.0, 5.0, 1.0]), where=np.array([True, False, True]))
    array([0.5, 0. , 0.5])
    """
    x = _inexact(x)
    x_max = stop_gradient(_masked_max(x, axis, where))
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    unnormalized = jnp.exp(x_safe - x_max)
    kw = {} if where is None else {"where": where}
    result = unnormalized / jnp.sum(unnormalized, axis, keepdims=True, **kw)
    if where is not None:
        result = jnp.where(where, result, 0)
    return _out(result)


def log_softmax(x, axis=-1, where=None):
    """``x - logsumexp(x, axis)``, computed stably; masked-out elements are
    ``-inf``.

    >>> log_softmax(np.array([0.0, np.log(3.0)]))
    array([-1.38629436, -0.28768207])
    """
    x = _inexact(x)
    x_max = _masked_max(x, axis, where)
    x_safe = x if where is None else jnp.where(where, x, -np.inf)
    shifted = x_safe - stop_gradient(x_max)
    kw = {} if where is None else {"where": where}
    result = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis, keepdims=True, **kw))
    if where is not None:
        result = jnp.where(where, result, -np.inf)
    return _out(result)


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *,
                algorithm="fast"):
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis``, the mean and
    variance computed from ``x`` unless given (``algorithm='fast'`` uses
    ``E[x^2] - E[x]^2``, ``'stable'`` the two-pass ``E[(x - E[x])^2]``).

    >>> standardize(np.array([1.0, 3.0]), epsilon=0.0)
    array([-1.,  1.])
    """
    x = asarray_like(x)
    kw = {} if where is None else {"where": where}
    if mean is None:
        mean = jnp.mean(x, axis, keepdims=True, **kw)
    if variance is None:
        if algorithm == "stable":
            variance = jnp.mean(jnp.square(jnp.subtract(x, mean)), axis, keepdims=True, **kw)
        elif algorithm == "fast":
            variance = jnp.mean(jnp.square(x), axis, keepdims=True, **kw) - jnp.square(mean)
            variance = jnp.clip(variance, 0)
        else:
            raise ValueError(f"Unknown algorithm '{algorithm}'. Expected 'fast' or 'stable'.")
    return _out(jnp.subtract(x, mean) / jnp.sqrt(variance + epsilon))


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """One-hot encode the integers ``x`` into ``num_classes`` classes along a new
    ``axis`` (out-of-range indices give all zeros); float64 by default.

    >>> one_hot(np.array([0, 2, -1]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    if isinstance(num_classes, Tracer):
        raise TypeError("The error arose in jax.nn.one_hot argument `num_classes`: "
                        f"expected a concrete integer, got {num_classes!r}.")
    num_classes = operator.index(num_classes)   # JAX's TypeError for a float
    x = asarray_like(x)
    dtype = np.dtype(np.float64 if dtype is None else dtype)
    nd = ndim_of(x) + 1
    pos = canonicalize_axis(axis, nd)
    shape = [1] * nd
    shape[pos] = num_classes
    classes = np.arange(num_classes, dtype=dtype_of(x)).reshape(shape)
    return _out(astype(jnp.expand_dims(x, pos) == classes, dtype))


def tanh(x):
    """The hyperbolic tangent (``jax.nn.tanh`` is ``jax.numpy.tanh``).

    >>> tanh(np.array([0.0, 1.0]))
    array([0.        , 0.76159416])
    """
    return _out(jnp.tanh(asarray_like(x)))


@custom_jvp
def _log1mexp(x):
    c = float(np.log(2.0))
    return jnp.where(x < c, jnp.log(-jnp.expm1(-x)), jnp.log1p(-jnp.exp(-x)))


_log1mexp.defjvps(lambda g, ans, x: g / jnp.expm1(x))


def log1mexp(x):
    """``log(1 - exp(-x))`` for ``x >= 0``, accurate at both ends (``-x``'s
    ``expm1`` below ``log 2``, ``log1p`` above), with JAX's derivative
    ``1 / expm1(x)``.

    >>> log1mexp(np.array([1e-10, 1.0, 50.0]))
    array([-2.30258509e+01, -4.58675145e-01, -1.92874985e-22])
    """
    return _out(_log1mexp(_inexact(x)))


__all__ = ["identity", "relu", "relu6", "leaky_relu", "elu", "celu", "selu", "hard_tanh",
           "squareplus", "sparse_plus", "sigmoid", "softplus", "log_sigmoid", "soft_sign", "silu",
           "swish", "mish", "hard_sigmoid", "hard_silu", "hard_swish", "sparse_sigmoid", "gelu",
           "glu", "logsumexp", "logmeanexp", "softmax", "log_softmax", "standardize", "one_hot",
           "tanh", "log1mexp", "dot_product_attention"]


from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays

from . import initializers  # noqa: E402,F401
