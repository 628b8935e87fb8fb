"""``gaussian_kde`` of ``vmapx.scipy.stats`` (``jax.scipy.stats.gaussian_kde``):
a Gaussian kernel density estimate, with JAX's constructor (``bw_method``
``'scott'``, ``'silverman'``, a scalar or a callable; optional ``weights``),
fields (``neff``, ``dataset``, ``weights``, ``covariance``, ``inv_cov``; ``d``
and ``n``), methods and errors.

The estimate is a frozen dataclass registered as a pytree whose five fields
are its children, so it is an argument or a result of ``jit``, ``vmap`` and
``grad`` like any container, and it can be built inside a transformed
function (shape checks read static shapes only).  Kernel sums are written by
broadcasting (an ``(m, n, d)`` difference), ``logpdf`` through a stable
log-sum-exp; ``resample`` draws with ``vmapx.random`` (``choice`` with the
weights, ``multivariate_normal`` with the kernel covariance), JAX's recipe.

>>> from vmapx.scipy.stats import gaussian_kde
>>> kde = gaussian_kde(np.array([0.0, 1.0, 3.0]))
>>> kde.evaluate(np.array([0.0, 1.0]))
array([0.19165564, 0.21489537])
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import inputs
from . import numpy_api as jnp
from .api import vmap
from .core import dtype_of, ndim_of, shape_of
from .jnp import linalg as _linalg
from .jnp.array import to_result
from .jnp.base import asarray_like
from .lax_linalg import cholesky, triangular_solve
from .random.continuous import multivariate_normal
from .random.discrete import choice
from .random.keys import split
from .scipy_special import _promote_inexact, ndtr
from .scipy_stats_support import _logsumexp, _quiet
from .tree import register_pytree_node_class

_LOG_2PI = float(np.log(2 * np.pi))


def _check_arraylike(name, x):
    if not (isinstance(x, (np.ndarray, np.generic, bool, int, float, complex))
            or hasattr(x, "shape") and hasattr(x, "dtype")):
        raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(x)} at "
                        "position 0.")


def _is_complex(x):
    return inputs.kind(dtype_of(asarray_like(x))) == "c"


def _cho_solve(lower, b):
    """``(lower lower^T)^-1 b`` for a lower Cholesky factor ``lower``."""
    y = triangular_solve(lower, b, left_side=True, lower=True)
    return triangular_solve(lower, y, left_side=True, lower=True, transpose_a=True)


def _kernel_sum(in_log, points, weights, xi, precision):
    """``sum_j weights_j N(xi_i; points_j, precision^-1)`` for each row of
    ``xi`` (``(m, d)``; ``points`` is ``(n, d)``), or its log."""
    points, weights, xi, precision = _promote_inexact(points, weights, xi, precision)
    d = shape_of(points)[1]
    if shape_of(xi)[1] != d:
        raise ValueError("points and xi must have same trailing dim")
    if shape_of(precision) != (d, d):
        raise ValueError("precision matrix must match data dims")
    whitening = cholesky(precision)
    points = jnp.matmul(points, whitening)
    xi = jnp.matmul(xi, whitening)
    log_norm = jnp.sum(jnp.log(jnp.diagonal(whitening))) - 0.5 * d * _LOG_2PI
    exponent = log_norm - 0.5 * jnp.sum(jnp.square(points[None, :, :] - xi[:, None, :]),
                                        axis=-1)
    if in_log:
        return _logsumexp(jnp.log(weights)[None, :] + exponent, axis=1)
    return jnp.sum(weights[None, :] * jnp.exp(exponent), axis=1)


def _kernel_convolve(lower, norm, target, weights, mean):
    """``norm * sum_j weights_j exp(-(t_j - mean)^T S^-1 (t_j - mean) / 2)``
    with ``S = lower lower^T``, over the columns ``t_j`` of ``target``."""
    diff = target - mean[:, None]
    arg = 0.5 * jnp.sum(diff * _cho_solve(lower, diff), axis=0)
    return norm * jnp.sum(jnp.exp(-arg) * weights)


@register_pytree_node_class
@dataclasses.dataclass(frozen=True, init=False, slots=True)
class gaussian_kde:
    """A Gaussian kernel density estimate of ``dataset`` (``(d, n)``: ``n``
    points of dimension ``d``; a 1-D array is ``d = 1``), optionally
    ``weights``-ed (normalised to sum 1).  The kernel covariance is the
    (weighted) data covariance times ``factor ** 2``, with ``factor``
    ``neff ** (-1 / (d + 4))`` for ``bw_method='scott'`` (the default),
    ``(neff * (d + 2) / 4) ** (-1 / (d + 4))`` for ``'silverman'``, the
    scalar given, or ``bw_method(self)`` for a callable.

    >>> from vmapx.scipy.stats import gaussian_kde
    >>> kde = gaussian_kde(np.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]]), bw_method=0.5)
    >>> kde.d, kde.n, kde.covariance.shape
    (2, 3, (2, 2))
    >>> kde(np.array([[0.0], [1.0]]))
    array([0.1838996])
    """
    neff: Any
    dataset: Any
    weights: Any
    covariance: Any
    inv_cov: Any

    def __init__(self, dataset, bw_method=None, weights=None):
        _check_arraylike("gaussian_kde", dataset)
        dataset = jnp.atleast_2d(asarray_like(dataset))
        if _is_complex(dataset):
            raise NotImplementedError("gaussian_kde does not support complex data")
        if not np.prod(shape_of(dataset)) > 1:
            raise ValueError("`dataset` input should have multiple elements.")
        d, n = shape_of(dataset)
        if weights is not None:
            _check_arraylike("gaussian_kde", weights)
            dataset, weights = _promote_inexact(dataset, weights)
            weights = jnp.atleast_1d(weights)
            weights = weights / jnp.sum(weights)
            if ndim_of(weights) != 1:
                raise ValueError("`weights` input should be one-dimensional.")
            if shape_of(weights)[0] != n:
                raise ValueError("`weights` input should be of length n")
        else:
            (dataset,) = _promote_inexact(dataset)
            weights = jnp.full(n, 1.0 / n, dtype=dtype_of(dataset))
        self._set("dataset", dataset)
        self._set("weights", weights)
        neff = self._set("neff", 1 / jnp.sum(weights ** 2))
        if bw_method is None or isinstance(bw_method, str) and bw_method == "scott":
            factor = jnp.power(neff, -1.0 / (d + 4))
        elif isinstance(bw_method, str) and bw_method == "silverman":
            factor = jnp.power(neff * (d + 2) / 4.0, -1.0 / (d + 4))
        elif (not isinstance(bw_method, str) and not callable(bw_method)
              and ndim_of(asarray_like(bw_method)) == 0):
            factor = bw_method
        elif callable(bw_method):
            factor = bw_method(self)
        else:
            raise ValueError(
                "`bw_method` should be 'scott', 'silverman', a scalar, or a callable.")
        # vmapx.numpy.cov computes in float64 whatever the input (NumPy's rule);
        # JAX's estimate keeps the data's dtype
        data_covariance = jnp.astype(jnp.atleast_2d(jnp.cov(dataset, rowvar=1, bias=False,
                                                            aweights=weights)),
                                     dtype_of(dataset))
        data_inv_cov = _linalg.inv(data_covariance)
        self._set("covariance", data_covariance * factor ** 2)
        self._set("inv_cov", data_inv_cov / factor ** 2)

    def _set(self, name, value):
        value = to_result(value)                 # concrete fields are vmapx.Arrays
        object.__setattr__(self, name, value)   # the dataclass is frozen
        return value

    def tree_flatten(self):
        return (self.neff, self.dataset, self.weights, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        del aux_data
        kde = cls.__new__(cls)
        for name, value in zip(("neff", "dataset", "weights", "covariance", "inv_cov"),
                               children, strict=True):
            kde._set(name, value)
        return kde

    @property
    def d(self):
        """The dimension of the data points."""
        return shape_of(self.dataset)[0]

    @property
    def n(self):
        """The number of data points."""
        return shape_of(self.dataset)[1]

    def _reshape_points(self, points):
        if _is_complex(points):
            raise NotImplementedError("gaussian_kde does not support complex coordinates")
        points = jnp.atleast_2d(asarray_like(points))
        d, m = shape_of(points)
        if d != self.d:
            if d == 1 and m == self.d:
                points = jnp.reshape(points, (self.d, 1))
            else:
                raise ValueError(f"points have dimension {d}, dataset has dimension {self.d}")
        return points

    def evaluate(self, points):
        """The estimated density at ``points`` (``(d, m)``; a 1-D array of
        ``d`` values is one point when ``d > 1``).

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).evaluate(np.array([0.5, 2.0]))
        array([0.21316576, 0.18421533])
        """
        _check_arraylike("evaluate", points)
        points = self._reshape_points(points)
        with _quiet():
            return to_result(_kernel_sum(False, self.dataset.T, self.weights,
                                         points.T, self.inv_cov))

    def __call__(self, points):
        """``evaluate(points)``.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0]))(np.array([0.5]))
        array([0.21316576])
        """
        return self.evaluate(points)

    def pdf(self, x):
        """``evaluate(x)``.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).pdf(np.array([0.5]))
        array([0.21316576])
        """
        return self.evaluate(x)

    def logpdf(self, x):
        """The log of the estimated density, summed in log space (accurate
        far from the data, where ``evaluate`` underflows to 0).

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).logpdf(np.array([0.5, 100.0]))
        array([-1.54568521e+00, -3.13107469e+03])
        """
        _check_arraylike("logpdf", x)
        x = self._reshape_points(x)
        with _quiet():
            return to_result(_kernel_sum(True, self.dataset.T, self.weights, x.T,
                                         self.inv_cov))

    def integrate_gaussian(self, mean, cov):
        """The integral of the product of the estimate and the normal density
        with ``mean`` (``d`` values) and covariance ``cov`` (``(d, d)``).

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).integrate_gaussian(0.0, 1.0)
        array(0.16680169)
        """
        mean = jnp.atleast_1d(jnp.squeeze(asarray_like(mean)))
        cov = jnp.atleast_2d(asarray_like(cov))
        if shape_of(mean) != (self.d,):
            raise ValueError(f"mean does not have dimension {self.d}")
        if shape_of(cov) != (self.d, self.d):
            raise ValueError(f"covariance does not have dimension {self.d}")
        with _quiet():
            lower = cholesky(self.covariance + cov)
            norm = 1.0 / (np.sqrt(2 * np.pi) ** self.d * jnp.prod(jnp.diagonal(lower)))
            return to_result(_kernel_convolve(lower, norm, self.dataset, self.weights, mean))

    def integrate_box_1d(self, low, high):
        """The probability mass of a one-dimensional estimate between the
        scalars ``low`` and ``high``.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).integrate_box_1d(0.0, 1.0)
        array(0.20981862)
        """
        if self.d != 1:
            raise ValueError("integrate_box_1d() only handles 1D pdfs")
        if np.ndim(low) != 0 or np.ndim(high) != 0:
            raise ValueError("the limits of integration in integrate_box_1d must be scalars")
        with _quiet():
            sigma = jnp.squeeze(jnp.sqrt(self.covariance))
            low = jnp.squeeze((low - self.dataset) / sigma)
            high = jnp.squeeze((high - self.dataset) / sigma)
            return to_result(jnp.sum(self.weights * (ndtr(high) - ndtr(low))))

    def integrate_kde(self, other):
        """The integral of the product of this estimate and ``other``.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> kde = gaussian_kde(np.array([0.0, 1.0, 3.0]))
        >>> kde.integrate_kde(gaussian_kde(np.array([1.0, 2.0])))
        array(0.19342973)
        """
        if other.d != self.d:
            raise ValueError("KDEs are not the same dimensionality")
        with _quiet():
            lower = cholesky(self.covariance + other.covariance)
            norm = 1.0 / (np.sqrt(2 * np.pi) ** self.d * jnp.prod(jnp.diagonal(lower)))
            small, large = (self, other) if self.n < other.n else (other, self)
            per_point = vmap(lambda m: _kernel_convolve(lower, norm, large.dataset,
                                                        large.weights, m),
                             in_axes=1)(small.dataset)
            return to_result(jnp.sum(per_point * small.weights))

    def resample(self, key, shape=()):
        """Random draws from the estimate: a data point chosen by weight plus
        kernel noise; ``(d,) + shape`` for a 1-D ``shape`` (JAX's layout: the
        noise of shape ``shape + (d,)`` is transposed whole).

        >>> from vmapx import random
        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0, 3.0])).resample(random.PRNGKey(0), (4,)).shape
        (1, 4)
        """
        shape = tuple(shape)
        index_key, noise_key = split(key)
        index = choice(index_key, self.n, shape=shape, p=self.weights)
        noise = multivariate_normal(noise_key,
                                    jnp.zeros(self.d, dtype_of(self.covariance)),
                                    self.covariance, shape=shape, dtype=dtype_of(self.dataset))
        return to_result(self.dataset[:, index] + noise.T)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        """Not implemented (as in JAX): only ``integrate_box_1d`` is.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0])).integrate_box(0.0, 1.0)
        Traceback (most recent call last):
        NotImplementedError: only 1D box integrations are supported; use `integrate_box_1d`
        """
        del low_bounds, high_bounds, maxpts
        raise NotImplementedError(
            "only 1D box integrations are supported; use `integrate_box_1d`")

    def set_bandwidth(self, bw_method=None):
        """Not implemented (as in JAX): the estimate is immutable.

        >>> from vmapx.scipy.stats import gaussian_kde
        >>> gaussian_kde(np.array([0.0, 1.0])).set_bandwidth("silverman")
        Traceback (most recent call last):
        NotImplementedError: dynamically changing the bandwidth method is not supported
        """
        del bw_method
        raise NotImplementedError("dynamically changing the bandwidth method is not supported")


__all__ = ["gaussian_kde"]
