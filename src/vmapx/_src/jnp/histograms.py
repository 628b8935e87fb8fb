"""``vmapx.numpy``'s histograms: ``digitize``, ``bincount``, ``histogram``,
``histogram_bin_edges``, ``histogram2d`` and ``histogramdd``.

Where NumPy raises on data it only sees at run time (negative values for
``bincount``), concrete input raises as in NumPy and traced input gives JAX's
result (values clipped to 0).  ``bincount`` of traced values needs a static
``length``.

Counts follow JAX's dtypes (x64): ``histogram`` counts in the inexact dtype
``a`` and ``weights`` promote to; ``histogramdd`` / ``histogram2d`` counts
are ``int64`` without weights and the promoted inexact dtype with them.
NumPy's own functions called on traced values in per-example code keep
NumPy's dtypes (``int64`` counts from ``numpy.histogram``, ``float64`` from
``numpy.histogramdd``): ``NUMPY_SEMANTICS`` holds those variants for the
dispatch of ``numpy.histogram(tracer)``.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from ..prims.searching import bincount_p
from .base import asarray_like, concrete_size
from .searching import searchsorted_intp as searchsorted
from .static_args import concrete_or_error
from . import basic_api as jnp
from .numerical import diff

__all__ = ["digitize", "bincount", "histogram", "histogram_bin_edges", "histogram2d",
           "histogramdd"]


# ----------------------------------------------------------------- histograms


def digitize(x, bins, right=False):
    """Indices of the bins each value falls in, as ``numpy.digitize``.

    >>> digitize(np.array([0.5, 1.0, 2.5]), np.array([0.0, 1.0, 2.0]))
    array([1, 2, 3])
    """
    x, bins = asarray_like(x), asarray_like(bins)
    if dtype_of(x).kind == "c":
        raise TypeError("x may not be complex")
    if ndim_of(bins) != 1:
        raise ValueError("object too deep for desired array")
    side = "left" if right else "right"
    n = shape_of(bins)[0]
    if not isinstance(bins, Tracer):
        d = np.diff(np.asarray(bins))
        if np.all(d >= 0):
            return searchsorted(bins, x, side=side)
        if np.all(d <= 0):
            return n - searchsorted(bins[::-1], x, side=side)
        raise ValueError("bins must be monotonically increasing or decreasing")
    increasing = bins[-1] >= bins[0] if n else True
    return jnp.where(increasing, searchsorted(bins, x, side=side),
                     n - searchsorted(jnp.flip(bins), x, side=side))


def bincount(x, weights=None, minlength=0, *, length=None):
    """Count occurrences of each non-negative integer, as ``numpy.bincount``.

    Traced ``x`` needs ``length`` (the static result size; larger values are
    dropped, negative ones counted as 0, as in JAX).

    >>> bincount(np.array([0, 1, 1, 3]))
    array([1, 2, 0, 1])
    """
    x = asarray_like(x)
    if ndim_of(x) != 1:
        raise ValueError("object of too small depth for desired array" if ndim_of(x) == 0
                         else "object too deep for desired array")
    if dtype_of(x).kind not in "biu":
        raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') "
                        "according to the rule 'safe'")
    minlength = concrete_or_error(minlength, "bincount", "minlength must be concrete")
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    if isinstance(x, Tracer):
        if length is None:   # in eager vmap: examples grouped by their largest value
            top = concrete_size(jnp.max(x, initial=-1), "bincount", "the largest value sets "
                                "the output length; pass length=... for a static one")
            if top < -1 or bool(jnp.any(x < 0)):
                raise ValueError("'list' argument must have no negative elements")
            length = builtins.max(top + 1, minlength)
        x = jnp.maximum(x, 0)
    else:
        xa = np.asarray(x)
        if xa.size and xa.min() < 0:
            raise ValueError("'list' argument must have no negative elements")
        if length is None:
            length = builtins.max(int(xa.max()) + 1 if xa.size else 0, minlength)
    length = operator.index(length)
    if weights is None:
        return bincount_p.bind(x, length=length)
    weights = asarray_like(weights)
    if tuple(shape_of(weights)) != tuple(shape_of(x)):
        raise ValueError("The weights and list don't have the same length.")
    if dtype_of(weights).kind == "c":
        raise TypeError("Cannot cast array data from dtype('complex128') to dtype('float64') "
                        "according to the rule 'safe'")
    return bincount_p.bind(x, jnp.astype(weights, np.float64), length=length)


def _linspace_edges(first, last, num, dt):
    """``numpy.linspace(first, last, num + 1)`` in dtype ``dt``, NumPy's arithmetic."""
    first, last = jnp.astype(first, dt), jnp.astype(last, dt)
    step = (last - first) / num
    y = np.arange(0, num + 1, dtype=dt) * step + first
    return jnp.concatenate([y[:-1], jnp.reshape(last, (1,))])


def _outer_edges(a, range_, name):
    if range_ is not None:
        range_ = concrete_or_error(range_, name, "the range must be concrete")
        first, last = range_
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
        if first == last:
            first, last = first - 0.5, last + 0.5
        return first, last
    if int(np.prod(shape_of(a), dtype=np.int64)) == 0:
        return 0, 1
    first, last = jnp.min(a), jnp.max(a)
    if not isinstance(a, Tracer):
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
        if first == last:
            first, last = first - 0.5, last + 0.5
        return first, last
    same = first == last
    return jnp.where(same, first - 0.5, first), jnp.where(same, last + 0.5, last)


def _bin_edges(a, bins, range_, weights, name):
    """The bin edges for ``a``: from an estimator (concrete data only), a bin count, or
    given."""
    if isinstance(bins, str):
        a = concrete_or_error(a, name, "a bin estimator needs the data")
        return np.histogram_bin_edges(a, bins, range_, weights)
    if np.ndim(bins) == 0 and not isinstance(bins, Tracer):
        try:
            n = operator.index(bins)
        except TypeError as e:
            raise TypeError("`bins` must be an integer, a string, or an array") from e
        if n < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first, last = _outer_edges(a, range_, name)
        dt = np.result_type(*[f if type(f) in (int, float) else dtype_of(f)
                              for f in (first, last)], dtype_of(a))
        if dt.kind in "biu":
            dt = np.result_type(dt, float)
        return _linspace_edges(first, last, n, dt)
    bins = asarray_like(bins)
    if ndim_of(bins) != 1:
        raise ValueError("`bins` must be 1d, when an array")
    if not isinstance(bins, Tracer) and np.any(np.asarray(bins)[:-1] > np.asarray(bins)[1:]):
        raise ValueError("`bins` must increase monotonically, when an array")
    return bins


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002
    """The bin edges ``histogram`` would use, as ``numpy.histogram_bin_edges``.

    >>> histogram_bin_edges(np.array([0.0, 1.0, 2.0]), bins=2)
    array([0., 1., 2.])
    """
    a = jnp.ravel(asarray_like(a))
    return _bin_edges(a, bins, range, weights, "histogram_bin_edges")


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """Counts of ``a`` in bins, and the bin edges, as ``jax.numpy.histogram``.

    The number of bins is static; the edges may depend on traced data.
    Counts are in the floating dtype of ``a`` (and ``weights``), as JAX's.

    >>> histogram(np.array([0.0, 0.5, 1.0, 2.0]), bins=2)
    (array([2., 2.]), array([0., 1., 2.]))
    """
    return _histogram(a, bins, range, density, weights, numpy_dtypes=False)


def _histogram(a, bins, range, density, weights, numpy_dtypes):  # noqa: A002
    a = jnp.ravel(asarray_like(a))
    if not numpy_dtypes:
        a = jnp.astype(a, _inexact(a, weights))
    edges = _bin_edges(a, bins, range, weights, "histogram")
    nbins = shape_of(edges)[0] - 1
    idx = searchsorted(edges, a, side="right") - 1
    idx = jnp.where(a == edges[-1], nbins - 1, idx)
    inside = (a >= edges[0]) & (a <= edges[-1])
    idx = jnp.where(inside, idx, nbins)  # dropped by bincount
    if weights is None:
        counts = bincount_p.bind(idx, length=nbins)
        if not numpy_dtypes:
            counts = jnp.astype(counts, dtype_of(a))
    else:
        weights = jnp.ravel(asarray_like(weights))
        if shape_of(weights) != shape_of(a):
            raise ValueError("weights should have the same shape as a.")
        counts = bincount_p.bind(idx, jnp.astype(weights, np.float64), length=nbins)
        counts = jnp.astype(counts, dtype_of(weights) if numpy_dtypes else dtype_of(a))
    if density:
        db = jnp.astype(diff(edges), np.float64)
        return counts / db / jnp.sum(counts), edges
    return counts, edges


def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """Multidimensional histogram of ``(N, D)`` samples, as ``jax.numpy.histogramdd``
    (``int64`` counts without weights, as JAX's).

    >>> h, edges = histogramdd(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]), bins=2)
    >>> h
    array([[1, 0],
           [1, 1]])
    """
    return _histogramdd(sample, bins, range, density, weights, numpy_dtypes=False)


def _histogramdd(sample, bins, range, density, weights, numpy_dtypes):  # noqa: A002
    if isinstance(sample, (list, tuple)) and not isinstance(sample, Tracer):
        sample = jnp.transpose(jnp.atleast_2d(jnp.stack([asarray_like(s) for s in sample])))
    else:
        sample = asarray_like(sample)
        if ndim_of(sample) < 2:
            sample = jnp.transpose(jnp.atleast_2d(sample))
    if not numpy_dtypes:
        sample = jnp.astype(sample, _inexact(sample, weights))
    N, D = shape_of(sample)
    if isinstance(bins, (list, tuple)) or (ndim_of(bins) == 1):
        if len(bins) != D:
            raise ValueError("The dimension of bins must be equal to the dimension of the "
                             "sample x.")
    else:
        bins = [bins] * D
    if range is None:
        range = (None,) * D
    elif len(range) != D:
        raise ValueError("range argument must have one entry per dimension")
    edges, nbin = [], []
    flat = None
    for i in builtins.range(D):
        col = sample[:, i]
        e = _bin_edges(col, bins[i], range[i], None, "histogramdd")
        if np.ndim(bins[i]) == 0:
            e = jnp.astype(e, np.result_type(dtype_of(e), np.float64)
                           if not inputs.is_inexact(dtype_of(e)) else dtype_of(e))
        edges.append(e)
        k = shape_of(e)[0] + 1  # with an outlier bin at each end
        nbin.append(k)
        pos = searchsorted(e, col, side="right")
        pos = jnp.where(col == e[-1], pos - 1, pos)
        flat = pos if flat is None else flat * k + pos
    total = int(np.prod(nbin, dtype=np.int64))
    if weights is None:
        hist = bincount_p.bind(flat, length=total)
    else:
        hist = bincount_p.bind(flat, jnp.astype(asarray_like(weights), np.float64), length=total)
        if not numpy_dtypes:
            hist = jnp.astype(hist, dtype_of(sample))
    if numpy_dtypes:
        hist = jnp.astype(hist, np.float64)
    hist = jnp.reshape(hist, tuple(nbin))[(slice(1, -1),) * D]
    if density:
        hist = jnp.astype(hist, dtype_of(sample) if not numpy_dtypes else np.float64)
        s = jnp.sum(hist)
        for i in builtins.range(D):
            shape = [1] * D
            shape[i] = nbin[i] - 2
            hist = hist / jnp.reshape(diff(edges[i]), tuple(shape))
        hist = hist / s
    return hist, edges


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """Two-dimensional histogram, as ``jax.numpy.histogram2d``.

    >>> histogram2d(np.array([0.0, 1.0]), np.array([0.0, 1.0]), bins=2)[0]
    array([[1, 0],
           [0, 1]])
    """
    return _histogram2d(x, y, bins, range, density, weights, numpy_dtypes=False)


def _histogram2d(x, y, bins, range, density, weights, numpy_dtypes):  # noqa: A002
    N = 1 if np.ndim(bins) == 0 or isinstance(bins, Tracer) else len(bins)
    if N != 1 and N != 2:
        bins = [bins, bins]
    hist, edges = _histogramdd([x, y], bins, range, density, weights, numpy_dtypes)
    return hist, edges[0], edges[1]


def _inexact(a, weights):
    """The inexact dtype ``a`` and ``weights`` promote to (JAX's rule)."""
    dtypes = [dtype_of(a)] + ([] if weights is None else [dtype_of(asarray_like(weights))])
    dt = np.result_type(*dtypes)
    return dt if inputs.is_inexact(dt) else np.result_type(dt, np.float64)


def _numpy_variant(fn, n_data, name):
    def variant(*args, **kwargs):
        data, rest = args[:n_data], args[n_data:]
        options = dict(zip(("bins", "range", "density", "weights"), rest))
        options.update(kwargs)
        return fn(*data, options.get("bins", 10), options.get("range"),
                  options.get("density"), options.get("weights"), numpy_dtypes=True)
    variant.__name__ = variant.__qualname__ = name
    return variant


# NumPy's own ``histogram`` family on traced values (per-example code): NumPy's dtypes
NUMPY_SEMANTICS = {"histogram": _numpy_variant(_histogram, 1, "histogram"),
                   "histogramdd": _numpy_variant(_histogramdd, 1, "histogramdd"),
                   "histogram2d": _numpy_variant(_histogram2d, 2, "histogram2d")}
