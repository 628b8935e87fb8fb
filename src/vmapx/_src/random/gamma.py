"""``vmapx.random``'s gamma family: ``gamma``, ``loggamma``, ``beta`` and
``dirichlet`` (Marsaglia-Tsang rejection per example, implicit-function
derivatives as JAX's).
"""
from __future__ import annotations

import math as _math

import numpy as _np

from .. import numpy_api as _jnp
from ..api import vmap as _vmap
from ..custom_jvp import custom_jvp as _custom_jvp
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from ..lax_loops import while_loop as _while_loop
from ..lax_special import igamma_grad_a as _igamma_grad_a, lgamma as _lgamma
from .continuous import _normal_real
from .keys import (_broadcast_to, _canonical_shape, _check_key, _check_shape, _float_dtype, _out, _split,
                   key)
from .uniform import _uniform

__all__ = ["gamma", "loggamma", "beta", "dirichlet"]


# -------------------------------------------------------------- gamma family

def _gamma_one(key, alpha, log_space):
    """One Gamma(alpha) sample (or its log) from one key, with JAX's stream:
    Marsaglia and Tsang's rejection method, each proposal drawn from keys split
    off in JAX's order (a normal redrawn while ``v <= 0``, then a uniform), and
    ``alpha < 1`` boosted to ``alpha + 1`` with a final uniform."""
    dtype = _dtype_of(alpha)
    zero, one = _np.zeros((), dtype), _np.ones((), dtype)
    third = _np.asarray(1.0 / 3.0, dtype)
    boost = _jnp.greater_equal(alpha, one)
    alpha_orig = alpha
    alpha = _jnp.where(boost, alpha, _jnp.add(alpha, one))
    d = _jnp.subtract(alpha, third)
    c = _jnp.divide(third, _jnp.sqrt(d))

    def rejected(state):
        _, X, V, U = state
        with _np.errstate(divide="ignore", invalid="ignore"):
            squeeze = _jnp.greater_equal(
                U, _jnp.subtract(one, _jnp.multiply(_np.asarray(0.0331, dtype),
                                                    _jnp.multiply(X, X))))
            full = _jnp.greater_equal(
                _jnp.log(U), _jnp.add(_jnp.multiply(X, _np.asarray(0.5, dtype)),
                                      _jnp.multiply(d, _jnp.add(_jnp.subtract(one, V),
                                                                _jnp.log(V)))))
        return _jnp.logical_and(squeeze, full)

    def next_normal(state):
        k = state[0]
        pair = _split(k)
        x = _normal_real(pair[1], (), dtype)
        return pair[0], x, _jnp.add(one, _jnp.multiply(x, c))

    def propose(state):
        keys = _split(state[0], (3,))
        _, x, v = _while_loop(lambda kxv: _jnp.less_equal(kxv[2], zero), next_normal,
                                  (keys[1], zero, -one))
        X = _jnp.multiply(x, x)
        V = _jnp.multiply(_jnp.multiply(v, v), v)
        return keys[0], X, V, _uniform(keys[2], (), dtype, 0.0, 1.0)

    pair = _split(key)
    _, _, V, _ = _while_loop(rejected, propose, (pair[0], zero, one, one + one))
    with _np.errstate(divide="ignore"):
        if log_space:
            u = _uniform(pair[1], (), dtype, 0.0, 1.0)
            log_samples = _jnp.log1p(_jnp.negative(u))      # -exponential(subkey)
            log_boost = _jnp.where(_jnp.logical_or(boost, _jnp.equal(log_samples, 0)), zero,
                                   _jnp.multiply(log_samples, _jnp.divide(one, alpha_orig)))
            return _jnp.add(_jnp.add(_jnp.log(d), _jnp.log(V)), log_boost)
        samples = _jnp.subtract(1, _uniform(pair[1], (), dtype, 0.0, 1.0))
        factor = _jnp.where(boost, one, _jnp.power(samples, _jnp.divide(one, alpha_orig)))
        return _jnp.multiply(_jnp.multiply(d, V), factor)


def _gamma_samples(key, a, log_space):
    """Samples for every element of ``a`` (already of its final shape and dtype),
    one key split off per element, as JAX."""
    shape = tuple(_shape_of(a))
    n = _math.prod(shape)
    keys = _split(key, (n,))
    flat = _vmap(lambda k, al: _gamma_one(k, al, log_space))(keys, _jnp.reshape(a, (n,)))
    return _jnp.reshape(flat, shape)


def _gamma_tangent(a, sample, log_space):
    """d sample / d a by implicit differentiation of the CDF: ``-dF/da / dF/dx``
    with ``F = igamma(a, x)`` (in log space, divided by the sample)."""
    x = _jnp.exp(sample) if log_space else sample
    with _np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_pdf = _jnp.subtract(_jnp.subtract(_jnp.multiply(_jnp.subtract(a, 1), _jnp.log(x)), x),
                                _lgamma(a))
        dx = _jnp.negative(_jnp.divide(_igamma_grad_a(a, x), _jnp.exp(log_pdf)))
        return _jnp.divide(dx, x) if log_space else dx


def _make_gamma(log_space):
    @_custom_jvp
    def sample(key, a):
        return _gamma_samples(key, a, log_space)

    def jvp(primals, tangents):
        key, a = primals
        out = sample(key, a)
        return out, _jnp.multiply(_gamma_tangent(a, out, log_space), tangents[1])
    sample.defjvp(jvp)
    return sample


_gamma_sample = _make_gamma(False)
_loggamma_sample = _make_gamma(True)


def _loggamma_impl(key, a, shape, dtype, log_space):
    """Gamma(a) samples of ``shape`` (or their logs), JAX's values for the key."""
    a = _broadcast_to(_jnp.astype(a, dtype), shape)
    if _math.prod(shape) == 0:
        return _jnp.zeros(shape, dtype)
    return (_loggamma_sample if log_space else _gamma_sample)(key, a)


def _gamma_args(name, key, a, shape, dtype):
    key = _check_key(name, key)
    dtype = _float_dtype(name, dtype)
    if shape is None:
        shape = tuple(_shape_of(a))
    else:
        shape = _canonical_shape(shape)
        _check_shape(name, shape, _shape_of(a))
    return key, shape, dtype


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a, 1) values, for ``a > 0``: JAX's values for the key (Marsaglia and
    Tsang's method on JAX's key stream, all elements' rejection loops run as one
    batched ``while_loop``).

    Derivatives with respect to ``a`` are JAX's implicit reparameterization
    (``-dF/da / dF/dx`` of the CDF ``F = igamma(a, x)``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.gamma(random.PRNGKey(0), 3.0, (20000,))
    >>> bool(abs(x.mean() - 3.0) < 0.05)
    True
    """
    key, shape, dtype = _gamma_args("gamma", key, a, shape, dtype)
    return _out(_loggamma_impl(key, a, shape, dtype, log_space=False))


def loggamma(key, a, shape=None, dtype=None):
    """Logs of Gamma(a, 1) values, accurate for small ``a`` too.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.loggamma(random.PRNGKey(0), 0.01, (4,))
    >>> bool(np.all(np.isfinite(x)) and np.all(x < 0))
    True
    """
    key, shape, dtype = _gamma_args("loggamma", key, a, shape, dtype)
    return _out(_loggamma_impl(key, a, shape, dtype, log_space=True))


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) values, as ``Ga / (Ga + Gb)`` computed from log-gammas.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.beta(random.PRNGKey(0), 2.0, 6.0, (20000,))
    >>> bool(abs(x.mean() - 0.25) < 0.01)
    True
    """
    key = _check_key("beta", key)
    dtype = _float_dtype("beta", dtype)
    if shape is None:
        shape = tuple(_np.broadcast_shapes(_shape_of(a), _shape_of(b)))
    else:
        shape = _canonical_shape(shape)
        _check_shape("beta", shape, _shape_of(a), _shape_of(b))
    keys = _split(key)
    key_a, key_b = keys[0], keys[1]
    log_a = _loggamma_impl(key_a, a, shape, dtype, True)
    log_b = _loggamma_impl(key_b, b, shape, dtype, True)
    log_max = _jnp.maximum(log_a, log_b)
    ga = _jnp.exp(_jnp.subtract(log_a, log_max))
    gb = _jnp.exp(_jnp.subtract(log_b, log_max))
    return _out(_jnp.divide(ga, _jnp.add(ga, gb)))


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) values over the last axis of ``alpha``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> x = random.dirichlet(random.PRNGKey(0), np.array([1.0, 2.0, 3.0]), (5,))
    >>> x.shape, bool(np.allclose(x.sum(-1), 1.0))
    ((5, 3), True)
    """
    key = _check_key("dirichlet", key)
    dtype = _float_dtype("dirichlet", dtype)
    ashape = tuple(_shape_of(alpha))
    if len(ashape) < 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {len(ashape)}")
    if shape is None:
        shape = ashape[:-1]
    else:
        shape = _canonical_shape(shape)
        _check_shape("dirichlet", shape, ashape[:-1])
    logs = _loggamma_impl(key, alpha, shape + ashape[-1:], dtype, True)
    # softmax over the last axis
    e = _jnp.exp(_jnp.subtract(logs, _jnp.max(logs, axis=-1, keepdims=True)))
    return _out(_jnp.divide(e, _jnp.sum(e, axis=-1, keepdims=True)))
