"""``vmapx.nn.initializers``: JAX's ``jax.nn.initializers``.

Every initializer is a function ``init(key, shape, dtype=...)`` (``zeros`` and
``ones`` are initializers themselves; the others are built by calling, e.g.
``glorot_normal()``).  They are composed from ``vmapx.random`` with JAX's
formulas, so for the same key they give JAX's values with ``jax_enable_x64``
(float64 by default): bit for bit for the constant, uniform, normal, truncated
normal and variance-scaling families, to the last bit of the QR factorization
for ``orthogonal`` and ``delta_orthogonal``.

>>> import vmapx
>>> from vmapx.nn import initializers
>>> init = initializers.glorot_uniform()
>>> w = init(vmapx.random.PRNGKey(0), (2, 3))
>>> w.shape, w.dtype
((2, 3), dtype('float64'))
"""
from __future__ import annotations

import math
import operator
from typing import Callable

import numpy as np

from .. import numpy as jnp, random
from .._src.core import finish_output

__all__ = ["Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform",
           "he_normal", "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal",
           "lecun_uniform", "normal", "ones", "orthogonal", "truncated_normal", "uniform",
           "variance_scaling", "xavier_normal", "xavier_uniform", "zeros"]

Initializer = Callable
"""The type of an initializer: ``init(key, shape, dtype) -> array``."""

_TRUNCATED_STD = .87962566103423978   # std of a standard normal truncated to (-2, 2)
_COMPLEX_TRUNCATED_STD = .95311164380491208  # the same for |z| < 2 in the complex plane


def _dtype(dtype):
    return np.dtype(np.float64 if dtype is None else dtype)


def _shape(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        return (operator.index(shape),)
    return tuple(operator.index(d) for d in shape)


def _no_sharding(out_sharding):
    if out_sharding is not None:
        raise NotImplementedError("vmapx runs on one host: out_sharding must be None")


def zeros(key, shape, dtype=None, out_sharding=None):
    """An array of zeros (``key`` is ignored).

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.zeros(vmapx.random.PRNGKey(0), (2, 2))
    array([[0., 0.],
           [0., 0.]])
    """
    _no_sharding(out_sharding)
    return jnp.zeros(_shape(shape), _dtype(dtype))


def ones(key, shape, dtype=None, out_sharding=None):
    """An array of ones (``key`` is ignored).

    >>> import numpy as np, vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.ones(vmapx.random.PRNGKey(0), (3,), np.float32)
    array([1., 1., 1.], dtype=float32)
    """
    _no_sharding(out_sharding)
    return jnp.ones(_shape(shape), _dtype(dtype))


def constant(value, dtype=None):
    """An initializer filling arrays with ``value``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.constant(-7)(vmapx.random.PRNGKey(0), (2,))
    array([-7., -7.])
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        return jnp.full(_shape(shape), value, dtype=_dtype(dtype))
    return init


def uniform(scale=1e-2, dtype=None):
    """An initializer drawing uniformly from ``[0, scale)``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.uniform(10.0)(vmapx.random.PRNGKey(0), (3,))
    array([4.18457112, 2.16295455, 9.65321461])
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        dtype = _dtype(dtype)
        return jnp.multiply(random.uniform(key, _shape(shape), dtype), np.asarray(scale, dtype))
    return init


def normal(stddev=1e-2, dtype=None):
    """An initializer drawing from a normal distribution with standard deviation
    ``stddev``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.normal(5.0)(vmapx.random.PRNGKey(0), (3,))
    array([-1.0292107 , -3.92382888,  9.08043336])
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        dtype = _dtype(dtype)
        return jnp.multiply(random.normal(key, _shape(shape), dtype), np.asarray(stddev, dtype))
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """An initializer drawing from a standard normal truncated to ``(lower,
    upper)``, then scaled by ``stddev`` (no correction of the standard deviation
    for the truncation, as in JAX).

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> x = initializers.truncated_normal(5.0)(vmapx.random.PRNGKey(0), (1000,))
    >>> bool(x.min() > -10.0 and x.max() < 10.0)
    True
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        dtype = _dtype(dtype)
        return jnp.multiply(random.truncated_normal(key, lower, upper, _shape(shape), dtype),
                            np.asarray(stddev, dtype))
    return init


def _size_of(shape, axes):
    if isinstance(axes, (int, np.integer)):
        return shape[axes]
    return math.prod(shape[a] for a in axes)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """``(fan_in, fan_out)``: the input and output sizes times the receptive field
    (every axis that is not an input, output or batch axis)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(
            f"Can't compute input and output sizes of a {len(shape)}-dimensional weights "
            "tensor with default in_axis. Must be at least 2D or specify in_axis explicitly.")
    in_size = _size_of(shape, in_axis)
    out_size = _size_of(shape, out_axis)
    batch_size = _size_of(shape, batch_axis)
    receptive_field = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field, out_size * receptive_field


def _real_dtype(dtype):
    return np.dtype(np.zeros((), dtype).real.dtype)


def _complex_dtype(real):
    return np.dtype(np.complex64 if real == np.float32 else np.complex128)


def _complex_polar(r, key_theta, shape, real):
    """``r * exp(i * theta)`` with ``theta`` uniform on ``[0, 2 pi)``."""
    cdtype = _complex_dtype(real)
    theta = jnp.multiply(2 * np.pi, jnp.astype(random.uniform(key_theta, shape, real), cdtype))
    return jnp.multiply(r, jnp.exp(jnp.multiply(1j, theta)))


def _complex_uniform(key, shape, dtype):
    """Uniform on the unit-variance disk of the complex plane."""
    key_r, key_theta = random.split(key)
    real = _real_dtype(dtype)
    r = jnp.astype(jnp.sqrt(jnp.multiply(2, random.uniform(key_r, shape, real))),
                   _complex_dtype(real))
    return _complex_polar(r, key_theta, shape, real)


def _complex_truncated_normal(key, upper, shape, dtype):
    """A unit-variance complex normal with its modulus truncated to ``upper``."""
    key_r, key_theta = random.split(key)
    real = _real_dtype(dtype)
    cdtype = _complex_dtype(real)
    mass = jnp.subtract(1, jnp.exp(np.asarray(-(upper ** 2), cdtype)))
    t = jnp.multiply(mass, jnp.astype(random.uniform(key_r, shape, real), cdtype))
    r = jnp.sqrt(jnp.negative(jnp.log(jnp.subtract(1, t))))
    return _complex_polar(r, key_theta, shape, real)


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(),
                     dtype=None):
    """An initializer whose variance is ``scale / n``, with ``n`` the fan of
    ``mode`` (``'fan_in'``, ``'fan_out'``, ``'fan_avg'`` or ``'fan_geo_avg'``)
    and ``distribution`` ``'truncated_normal'`` (at two standard deviations),
    ``'normal'`` or ``'uniform'`` (a disk for complex dtypes).  Axes that are
    not ``in_axis``, ``out_axis`` or ``batch_axis`` form the receptive field.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> init = initializers.variance_scaling(2.0, "fan_in", "normal")
    >>> w = init(vmapx.random.PRNGKey(0), (200, 300))
    >>> round(float(w.var()) * 200, 1)
    2.0
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        shape = _shape(shape)
        dtype = _dtype(dtype)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        if mode == "fan_in":
            denominator = fan_in
        elif mode == "fan_out":
            denominator = fan_out
        elif mode == "fan_avg":
            denominator = (fan_in + fan_out) / 2
        elif mode == "fan_geo_avg":
            denominator = (fan_in * fan_out) ** 0.5
        else:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
        variance = np.asarray(scale / denominator, dtype=dtype)
        floating = np.issubdtype(dtype, np.floating)
        if distribution == "truncated_normal":
            if floating:
                stddev = jnp.divide(jnp.sqrt(variance), np.asarray(_TRUNCATED_STD, dtype))
                return jnp.multiply(random.truncated_normal(key, -2, 2, shape, dtype), stddev)
            stddev = jnp.divide(jnp.sqrt(variance), np.asarray(_COMPLEX_TRUNCATED_STD, dtype))
            return jnp.multiply(_complex_truncated_normal(key, 2, shape, dtype), stddev)
        if distribution == "normal":
            return jnp.multiply(random.normal(key, shape, dtype), jnp.sqrt(variance))
        if distribution == "uniform":
            if floating:
                return jnp.multiply(random.uniform(key, shape, dtype, -1),
                                    jnp.sqrt(jnp.multiply(3, variance)))
            return jnp.multiply(_complex_uniform(key, shape, dtype), jnp.sqrt(variance))
        raise ValueError(
            f"invalid distribution for variance scaling initializer: {distribution}")
    return init


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot (Xavier) uniform: ``variance_scaling(1.0, 'fan_avg', 'uniform')``.

    >>> import numpy as np, vmapx
    >>> from vmapx.nn import initializers
    >>> w = initializers.glorot_uniform()(vmapx.random.PRNGKey(0), (3, 5))
    >>> bool(np.abs(w).max() <= np.sqrt(6 / 8))
    True
    """
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Glorot (Xavier) normal: ``variance_scaling(1.0, 'fan_avg', 'truncated_normal')``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.glorot_normal()(vmapx.random.PRNGKey(0), (3, 5)).shape
    (3, 5)
    """
    return variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis,
                            dtype)


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun uniform: ``variance_scaling(1.0, 'fan_in', 'uniform')``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.lecun_uniform()(vmapx.random.PRNGKey(0), (3, 5)).shape
    (3, 5)
    """
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """LeCun normal: ``variance_scaling(1.0, 'fan_in', 'truncated_normal')``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.lecun_normal()(vmapx.random.PRNGKey(0), (3, 5)).shape
    (3, 5)
    """
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis,
                            dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He (Kaiming) uniform: ``variance_scaling(2.0, 'fan_in', 'uniform')``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.he_uniform()(vmapx.random.PRNGKey(0), (3, 5)).shape
    (3, 5)
    """
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """He (Kaiming) normal: ``variance_scaling(2.0, 'fan_in', 'truncated_normal')``.

    >>> import vmapx
    >>> from vmapx.nn import initializers
    >>> initializers.he_normal()(vmapx.random.PRNGKey(0), (3, 5)).shape
    (3, 5)
    """
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis,
                            dtype)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """An initializer of (semi-)orthogonal matrices: the axis ``column_axis``
    holds orthonormal columns (or rows, whichever are fewer) of the matrix that
    the other axes, flattened, form; scaled by ``scale``.

    >>> import numpy as np, vmapx
    >>> from vmapx.nn import initializers
    >>> w = initializers.orthogonal()(vmapx.random.PRNGKey(0), (4, 3))
    >>> bool(np.allclose(w.T @ w, np.eye(3)))
    True
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        shape = _shape(shape)
        dtype = _dtype(dtype)
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        if any(d == 0 for d in shape):
            return jnp.zeros(shape, dtype)
        n_cols = shape[column_axis]
        n_rows = math.prod(shape) // n_cols
        q = random.orthogonal(key, n_rows, (), dtype, n_cols)
        q = jnp.reshape(q, tuple(np.delete(shape, column_axis)) + (n_cols,))
        q = jnp.moveaxis(q, -1, column_axis)
        return jnp.multiply(np.asarray(scale, dtype), q)
    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """An initializer of convolution kernels (3, 4 or 5 dimensions, spatial axes
    first) that are zero except at the spatial center, which holds an orthogonal
    ``(in, out)`` matrix (Xiao et al., 2018); needs ``in <= out``.

    >>> import numpy as np, vmapx
    >>> from vmapx.nn import initializers
    >>> w = initializers.delta_orthogonal()(vmapx.random.PRNGKey(0), (3, 2, 2))
    >>> bool(np.all(w[0] == 0) and np.all(w[2] == 0) and np.allclose(w[1] @ w[1].T, np.eye(2)))
    True
    """
    def init(key, shape, dtype=dtype, out_sharding=None):
        _no_sharding(out_sharding)
        shape = _shape(shape)
        dtype = _dtype(dtype)
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        center = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        index = tuple((k - 1) // 2 for k in shape[:-2])
        return finish_output(jnp.zeros(shape, dtype).at[index].set(center))
    return init
