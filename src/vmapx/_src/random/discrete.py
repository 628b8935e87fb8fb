"""``vmapx.random``'s discrete samplers: ``geometric``, ``categorical``,
``permutation`` and ``choice`` (``bernoulli`` and ``rademacher`` are with the
raw samplers).
"""
from __future__ import annotations

import math as _math
import operator as _operator
from collections.abc import Sequence as _Sequence

import numpy as _np

from .. import inputs as _inputs
from .. import numpy_api as _jnp
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from ..jnp.base import canonicalize_axis as _canonicalize_axis
from .continuous import _gumbel, _gumbel_mode, _params_shape
from .keys import (_FLOAT, _INT, _INT32, _canonical_shape, _check_key, _check_shape, _default_typed,
                   _float_dtype, _out, _random_bits, _split, key)
from .uniform import _randint, _uniform

__all__ = ["categorical", "choice", "permutation", "geometric"]


def geometric(key, p, shape=None, dtype=None):
    """Geometric values: the number of trials up to the first success (int64).

    >>> from vmapx import random
    >>> random.geometric(random.PRNGKey(0), 0.3, (4,))
    array([3, 5, 1, 2])
    """
    key = _check_key("geometric", key)
    dtype = _np.dtype(_INT if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dtype}")
    p = _default_typed(p)
    if not _inputs.is_inexact(_dtype_of(p)):
        p = _jnp.astype(p, _FLOAT)
    shape = _params_shape("geometric", shape, p)
    u = _uniform(key, shape, _dtype_of(p), 0.0, 1.0)
    u = _jnp.where(_jnp.equal(u, 0), _np.asarray(1, _dtype_of(p)), u)
    g = _jnp.add(_jnp.floor(_jnp.divide(_jnp.log(u), _jnp.log1p(_jnp.negative(p)))), 1)
    return _out(_jnp.astype(g, dtype))

def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Indices drawn from ``softmax(logits, axis)``: Gumbel-max (``int64``), or
    Gumbel-top-k without replacement (``int32``, as JAX's), with Gumbel noise in
    ``logits``' dtype.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.categorical(random.PRNGKey(0), np.log([0.1, 0.2, 0.7]).astype(np.float32),
    ...                    shape=(5,))
    array([1, 2, 2, 1, 2])
    """
    key = _check_key("categorical", key)
    mode = _gumbel_mode(mode)
    logits = _jnp.asarray(_default_typed(logits))
    lshape = tuple(_shape_of(logits))
    ndim = len(lshape)
    axis = _canonicalize_axis(axis, ndim)
    batch_shape = lshape[:axis] + lshape[axis + 1:]
    if shape is None:
        shape = batch_shape
    else:
        shape = _canonical_shape(shape)
        _check_shape("categorical", shape, batch_shape)
    prefix = shape[:len(shape) - len(batch_shape)]
    dtype = _float_dtype("gumbel", _dtype_of(logits))
    if replace:
        full = list(shape[len(prefix):])
        full.insert(axis, lshape[axis])
        g = _gumbel(key, prefix + tuple(full), dtype, mode)
        return _out(_jnp.astype(_jnp.argmax(_jnp.add(g, logits), axis=len(prefix) + axis),
                                _INT))
    k = _math.prod(prefix)
    if k > lshape[axis]:
        raise ValueError(f"Number of samples without replacement ({k}) cannot exceed number "
                         f"of categories ({lshape[axis]}).")
    perturbed = _jnp.moveaxis(_jnp.add(logits, _gumbel(key, lshape, dtype, mode)), axis, -1)
    top = _jnp.argsort(_jnp.negative(perturbed), axis=-1)[..., :k]  # top-k, ties to low index
    # JAX's top-k gives int32 indices, even with x64.
    return _out(_jnp.astype(_jnp.reshape(_jnp.moveaxis(top, -1, 0), shape), _INT32))


def _shuffle(key, x, axis):
    # Sort by fresh 32-bit keys, enough rounds that ties are unlikely (JAX's rule).
    size = _math.prod(_shape_of(x))
    rounds = int(_np.ceil(3 * _np.log(max(1, size)) / _np.log(_np.iinfo(_np.uint32).max)))
    for _ in range(rounds):
        pair = _split(key)
        key, subkey = pair[0], pair[1]
        order = _jnp.argsort(_random_bits(subkey, 32, tuple(_shape_of(x))), axis=axis)
        x = _jnp.take_along_axis(x, order, axis=axis)  # a stable sort by the random keys
    return x


def permutation(key, x, axis=0, independent=False):
    """A random permutation of ``arange(x)`` (``int64``, for an int ``x``) or of
    ``x`` along ``axis`` (each slice independently when ``independent``).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.permutation(random.PRNGKey(0), 5)
    array([0, 1, 4, 3, 2])
    >>> random.permutation(random.PRNGKey(0), np.arange(10).reshape(5, 2))
    array([[0, 1],
           [2, 3],
           [8, 9],
           [6, 7],
           [4, 5]])
    """
    key = _check_key("permutation", key)
    if isinstance(x, (list, tuple)):
        x = _default_typed(x)
    ndim = len(_shape_of(x))
    if not ndim:
        if _dtype_of(x).kind not in "iu":
            raise TypeError("x must be an integer or at least 1-dimensional")
        return _out(_shuffle(key, _np.arange(_operator.index(x), dtype=_INT), 0))
    axis = _canonicalize_axis(axis, ndim)
    if independent or ndim == 1:
        return _out(_shuffle(key, x, axis))
    order = _shuffle(key, _np.arange(_shape_of(x)[axis]), 0)
    return _out(_jnp.take(x, order, axis=axis))


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """A random sample of ``a`` (an array, or ``int64`` ``arange(a)`` for an int)
    along ``axis``, uniform or with probabilities ``p``.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.choice(random.PRNGKey(0), 10, (3,), replace=False)
    array([0, 1, 8])
    >>> random.choice(random.PRNGKey(0), np.array([1.5, 2.5, 3.5]), (4,), p=[0.2, 0.3, 0.5])
    array([3.5, 3.5, 1.5, 2.5])
    """
    key = _check_key("choice", key)
    mode = _gumbel_mode(mode)
    if not isinstance(shape, _Sequence):
        raise TypeError("shape argument of vmapx.random.choice must be a sequence, "
                        f"got {shape}")
    shape = _canonical_shape(shape)
    arr = _jnp.asarray(_default_typed(a))
    ndim = len(_shape_of(arr))
    if ndim == 0:
        n_inputs = _operator.index(a)
    else:
        axis = _canonicalize_axis(axis, ndim)
        n_inputs = _shape_of(arr)[axis]
    n_draws = _math.prod(shape)
    if n_draws == 0:
        return _out(_np.zeros(shape, dtype=_dtype_of(arr)))
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = _randint(key, shape, 0, n_inputs, _INT)
            result = ind if ndim == 0 else _jnp.take(arr, ind, axis=axis)
        else:
            perm = permutation(key, n_inputs if ndim == 0 else arr, axis)
            index = (slice(None),) * (axis if ndim else 0) + (slice(n_draws),)
            result = perm[index]
    else:
        p = _jnp.asarray(_default_typed(p))
        pdtype = _dtype_of(p)
        if not _inputs.is_inexact(pdtype):
            p = _jnp.astype(p, _FLOAT if pdtype.itemsize == 8 else _np.float32)
        if tuple(_shape_of(p)) != (n_inputs,):
            raise ValueError(
                "p must be None or a 1D vector with the same size as a.shape[axis]. "
                f"p has shape {tuple(_shape_of(p))} and a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = _jnp.cumsum(p)
            r = _jnp.multiply(p_cuml[-1],
                             _jnp.subtract(1, _uniform(key, shape, _dtype_of(p_cuml), 0.0, 1.0)))
            ind = _jnp.astype(_jnp.searchsorted(p_cuml, r), _INT)
        else:
            g = _jnp.add(_gumbel(key, (n_inputs,), _dtype_of(p), mode), _jnp.log(p))
            ind = _jnp.astype(_jnp.argsort(_jnp.negative(g))[:n_draws], _INT)
        result = ind if ndim == 0 else _jnp.take(arr, ind, axis=axis)
    out_shape = shape if ndim == 0 else (
        tuple(_shape_of(arr))[:axis] + shape + tuple(_shape_of(arr))[axis + 1:])
    return _out(_jnp.reshape(result, out_shape))
