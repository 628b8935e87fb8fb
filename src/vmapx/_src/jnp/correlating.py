"""``vmapx.numpy``'s correlating functions of NumPy's "Statistics" section:
``cov`` (with frequency and analytic weights) and ``corrcoef``.
``correlate``, a sliding product like ``convolve``, is in ``numerical.py``.

Results follow NumPy's dtypes.
"""
from __future__ import annotations

import builtins

import numpy as np

from ..core import Tracer, dtype_of, ndim_of, shape_of
from .averages import average
from . import dtypes as _dt
from .base import asarray_like
from . import basic_api as jnp

__all__ = ["cov", "corrcoef"]


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """Covariance matrix of the rows (variables) of ``m``, as ``numpy.cov``.

    >>> cov(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = asarray_like(m)
    if ndim_of(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = asarray_like(y)
        if ndim_of(y) > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        dts = [dtype_of(m)] + ([dtype_of(y)] if y is not None else [])
        dtype = (np.result_type(*dts, np.float64) if _dt.numpy_semantics()
                 else _dt.to_inexact(_dt.promote(*dts)))   # JAX: int32 data gives float32
    X = jnp.astype(jnp.atleast_2d(m), dtype)
    if not rowvar and ndim_of(m) != 1:
        X = jnp.transpose(X)
    if shape_of(X)[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        Y = jnp.astype(jnp.atleast_2d(y), dtype)
        if not rowvar and shape_of(Y)[0] != 1:
            Y = jnp.transpose(Y)
        X = jnp.concatenate((X, Y), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    w = None
    if fweights is not None:
        fweights = asarray_like(fweights)
        if not isinstance(fweights, Tracer) and not np.all(fweights == np.around(fweights)):
            raise TypeError("fweights must be integer")
        if ndim_of(fweights) > 1:
            raise RuntimeError("cannot handle multidimensional fweights")
        if shape_of(fweights)[0] != shape_of(X)[1]:
            raise RuntimeError("incompatible numbers of samples and fweights")
        if not isinstance(fweights, Tracer) and np.any(fweights < 0):
            raise ValueError("fweights cannot be negative")
        w = jnp.astype(fweights, np.float64)
    if aweights is not None:
        aweights = jnp.astype(asarray_like(aweights), np.float64)
        if ndim_of(aweights) > 1:
            raise RuntimeError("cannot handle multidimensional aweights")
        if shape_of(aweights)[0] != shape_of(X)[1]:
            raise RuntimeError("incompatible numbers of samples and aweights")
        if not isinstance(aweights, Tracer) and np.any(aweights < 0):
            raise ValueError("aweights cannot be negative")
        w = aweights if w is None else w * aweights
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = shape_of(X)[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * jnp.sum(w * aweights) / w_sum
    if isinstance(fact, int):
        fact = builtins.max(fact, 0.0)
    else:
        fact = jnp.where(fact <= 0, 0.0, fact)
    X = X - avg[:, None]
    X_T = jnp.transpose(X) if w is None else jnp.transpose(X * w)
    c = jnp.dot(X, jnp.conjugate(X_T) if dtype_of(X_T).kind == "c" else X_T)
    c = jnp.astype(c * jnp.true_divide(1, fact), dtype_of(c))  # NumPy scales in place
    return jnp.squeeze(c)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients, as ``numpy.corrcoef``.

    >>> corrcoef(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]])).round(6)
    array([[ 1.      , -0.981981],
           [-0.981981,  1.      ]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if ndim_of(c) != 2:
        return c / c
    d = jnp.diagonal(c)
    stddev = jnp.sqrt(jnp.real(d))
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    if dtype_of(c).kind == "c":
        return jnp.clip(jnp.real(c), -1, 1) + 1j * jnp.clip(jnp.imag(c), -1, 1)
    return jnp.clip(c, -1, 1)
