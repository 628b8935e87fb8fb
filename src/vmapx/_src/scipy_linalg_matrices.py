"""``jax.scipy.linalg``'s special matrices: ``toeplitz``, ``hankel``,
``circulant``, ``leslie``, ``companion``, ``fiedler``, ``fiedler_companion``,
``convolution_matrix`` (built from their arguments, batched over leading axes
as in JAX, so they vmap and differentiate with respect to those arguments) and
the fixed ones of a size ``n`` (``hilbert``, ``invhilbert``, ``pascal``,
``invpascal``, ``helmert``, ``hadamard``, ``dft``).

The entries of the fixed matrices are computed once with NumPy (their size is
static); ``pascal``, ``invpascal`` and ``invhilbert`` use exact integer
binomial coefficients, so they are exact wherever float64 represents the
entries (JAX goes through ``lgamma`` and computes ``pascal`` in float32; here
all three are float64, the default float with x64).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from . import numpy_api as jnp
from .core import finish_output
from .scipy_linalg import _inexact

__all__ = ["circulant", "companion", "convolution_matrix", "dft", "fiedler",
           "fiedler_companion", "hadamard", "hankel", "helmert", "hilbert", "invhilbert",
           "invpascal", "leslie", "pascal", "toeplitz"]


def _vector_arg(x):
    """``x`` as an array of at least one axis (the last one is the vector)."""
    return jnp.atleast_1d(jnp.asarray(x))


def _broadcast_pair(c, r):
    """``c`` and ``r`` with their leading (batch) axes broadcast together."""
    lead = np.broadcast_shapes(c.shape[:-1], r.shape[:-1])
    return jnp.broadcast_to(c, lead + c.shape[-1:]), jnp.broadcast_to(r, lead + r.shape[-1:])


def _common(*xs):
    dtype = jnp.result_type(*xs)
    return [x if x.dtype == dtype else jnp.astype(x, dtype) for x in xs]


def toeplitz(c, r=None):
    """The Toeplitz matrix with first column ``c`` and first row ``r`` (``r[0]``
    is ignored; ``r`` defaults to ``conj(c)``); leading axes are batch axes.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.toeplitz(np.array([1, 2, 3]), np.array([1, 4, 5]))
    array([[1, 4, 5],
           [2, 1, 4],
           [3, 2, 1]])
    """
    c = _vector_arg(c)
    r = jnp.conjugate(c) if r is None else _vector_arg(r)
    c, r = _common(*_broadcast_pair(c, r))
    m, n = c.shape[-1], r.shape[-1]
    if m == 0 or n == 0:
        return finish_output(np.empty(c.shape[:-1] + (m, n), c.dtype))
    # diagonal k = j - i: c[-k] below (k <= 0), r[k] above; one gather from the
    # concatenation [c reversed, r[1:]] at index (m - 1) + (j - i)
    values = jnp.concatenate([jnp.flip(c, -1), r[..., 1:]], axis=-1)
    index = (m - 1) + np.arange(n)[None, :] - np.arange(m)[:, None]
    return values[..., index]


def hankel(c, r=None):
    """The Hankel matrix with first column ``c`` and last row ``r`` (``r[0]`` is
    ignored; ``r`` defaults to zeros); leading axes are batch axes.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.hankel(np.array([1, 2, 3]))
    array([[1, 2, 3],
           [2, 3, 0],
           [3, 0, 0]])
    """
    c = jnp.asarray(c)
    r = jnp.zeros_like(c) if r is None else jnp.asarray(r)
    if c.ndim == 0:
        raise ValueError("hankel: c must be at least 1-dimensional, got a scalar.")
    if r.ndim == 0:
        raise ValueError("hankel: r must be at least 1-dimensional, got a scalar.")
    c, r = _common(*_broadcast_pair(c, r))
    m, n = c.shape[-1], r.shape[-1]
    if m == 0 or n == 0:
        return finish_output(np.empty(c.shape[:-1] + (m, n), c.dtype))
    values = jnp.concatenate([c, r[..., 1:]], axis=-1)
    return values[..., np.arange(m)[:, None] + np.arange(n)[None, :]]


def circulant(c):
    """The circulant matrix with first column ``c`` (``C[i, j] = c[(i - j) % n]``);
    leading axes are batch axes.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.circulant(np.array([1, 2, 3]))
    array([[1, 3, 2],
           [2, 1, 3],
           [3, 2, 1]])
    """
    c = _vector_arg(c)
    n = c.shape[-1]
    return c[..., (np.arange(n)[:, None] - np.arange(n)[None, :]) % n]


def leslie(f, s):
    """The Leslie matrix: fecundities ``f`` (length ``n >= 2``) in the first row,
    survival rates ``s`` (length ``n - 1``) on the subdiagonal.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.leslie(np.array([0.1, 2.0, 1.0]), np.array([0.5, 0.8]))
    array([[0.1, 2. , 1. ],
           [0.5, 0. , 0. ],
           [0. , 0.8, 0. ]])
    """
    f, s = _vector_arg(f), _vector_arg(s)
    n = f.shape[-1]
    if n < 2:
        raise ValueError(f"The length of f along the last axis must be at least 2; got shape "
                         f"{f.shape}.")
    if s.shape[-1] != n - 1:
        raise ValueError("Incorrect lengths for f and s. The length of s along the last axis "
                         f"must be one less than the length of f; got f shape {f.shape} and "
                         f"s shape {s.shape}.")
    f, s = _common(*_broadcast_pair(f, s))
    sub = jnp.expand_dims(s, -1) * np.eye(n - 1, n, dtype=s.dtype)   # s on the diagonal
    return jnp.concatenate([jnp.expand_dims(f, -2), sub], axis=-2)


def companion(a):
    """The companion matrix of the polynomial with coefficients ``a`` (highest
    degree first): first row ``-a[1:] / a[0]``, ones on the subdiagonal.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.companion(np.array([1.0, -3.0, 2.0]))
    array([[ 3., -2.],
           [ 1.,  0.]])
    """
    a = _inexact(jnp.atleast_1d(jnp.asarray(a)))
    n = a.shape[-1]
    if n < 2:
        raise ValueError(f"The length of `a` along the last axis must be at least 2; got shape "
                         f"{a.shape}.")
    first = -a[..., 1:] / a[..., :1]
    ones = np.broadcast_to(np.eye(n - 2, n - 1, dtype=a.dtype), a.shape[:-1] + (n - 2, n - 1))
    return jnp.concatenate([jnp.expand_dims(first, -2), ones], axis=-2)


def fiedler(a):
    """The symmetric Fiedler matrix ``|a[i] - a[j]|``; leading axes are batch axes.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.fiedler(np.array([1, 4, 2]))
    array([[0, 3, 1],
           [3, 0, 2],
           [1, 2, 0]])
    """
    a = _vector_arg(a)
    return jnp.abs(jnp.expand_dims(a, -1) - jnp.expand_dims(a, -2))


def _fiedler_companion_layout(n):
    """For the ``n x n`` Fiedler companion matrix: the coefficient index read
    by each entry (0 where the entry is a constant) and the constant entries
    (ones, zeros)."""
    index = np.zeros((n, n), dtype=np.intp)
    ones = np.zeros((n, n))
    index[0, 0] = 1
    if n > 1:
        ones[1, 0] = 1
    for i in range(0, n, 2):          # even rows: -a[i+2] right of the diagonal,
        if i + 1 < n:                 # a one two to the right, -a[i+1] to the left
            index[i, i + 1] = i + 2
        if i + 2 < n:
            ones[i, i + 2] = 1
        if i >= 2:
            index[i, i - 1] = i + 1
    for i in range(3, n, 2):          # odd rows from the fourth: a one two to the left
        ones[i, i - 2] = 1
    return index, ones


def fiedler_companion(a):
    """The Fiedler companion matrix (pentadiagonal, with the roots of the
    polynomial ``a``, highest degree first, as eigenvalues).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.fiedler_companion(np.array([1.0, -3.0, 2.0]))
    array([[ 3., -2.],
           [ 1.,  0.]])
    """
    a = _inexact(jnp.atleast_1d(jnp.asarray(a)))
    if a.shape[-1] == 0:
        raise ValueError("fiedler_companion requires the last axis of 'a' to have nonzero "
                         f"length, but got an array of shape {a.shape}.")
    n = a.shape[-1] - 1
    index, ones = _fiedler_companion_layout(n)
    coeffs = -a / a[..., :1]
    picked = coeffs[..., index] if n else jnp.zeros(a.shape[:-1] + (0, 0), a.dtype)
    return jnp.where(index > 0, picked, jnp.asarray(ones, a.dtype))


def convolution_matrix(a, n, mode="full"):
    """The matrix ``A`` with ``A @ v == numpy.convolve(a, v, mode)`` for ``v`` of
    length ``n`` (``mode``: ``'full'``, ``'same'`` or ``'valid'``).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.convolution_matrix(np.array([1, 2]), 3)
    array([[1, 0, 0],
           [2, 1, 0],
           [0, 2, 1],
           [0, 0, 2]])
    """
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"n must be a positive integer; got {n}.")
    a = jnp.asarray(a)
    if a.ndim == 0:
        raise ValueError("convolution_matrix: a must be at least 1-dimensional, got a scalar.")
    m = a.shape[-1]
    if m < 1:
        raise ValueError(f"len(a) must be at least 1; got shape {a.shape}.")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"mode must be one of 'full', 'valid', 'same'; got {mode!r}.")
    if mode == "full":
        first, rows = 0, m + n - 1
    elif mode == "same":
        first, rows = (min(n, m) - 1) // 2, max(m, n)
    else:
        first, rows = min(n, m) - 1, max(m, n) - min(m, n) + 1
    # row i of the full matrix holds a[i - j] in column j (zero outside 0..m-1)
    k = np.arange(first, first + rows)[:, None] - np.arange(n)[None, :]
    valid = (k >= 0) & (k < m)
    picked = a[..., np.clip(k, 0, m - 1)]
    return jnp.where(valid, picked, jnp.zeros((), a.dtype))


def hilbert(n):
    """The Hilbert matrix ``1 / (i + j + 1)`` of order ``n``.

    >>> from vmapx.scipy import linalg
    >>> linalg.hilbert(2)
    array([[1.        , 0.5       ],
           [0.5       , 0.33333333]])
    """
    i = np.arange(n, dtype=np.float64)
    return finish_output(1.0 / (i[:, None] + i[None, :] + 1.0))


def invhilbert(n):
    """The inverse of the Hilbert matrix of order ``n`` (exact integer entries,
    in float64).

    >>> from vmapx.scipy import linalg
    >>> linalg.invhilbert(2)
    array([[ 4., -6.],
           [-6., 12.]])
    """
    n = operator.index(n)
    out = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            s = i + j
            value = ((-1) ** s * (s + 1) * math.comb(n + i, n - j - 1)
                     * math.comb(n + j, n - i - 1) * math.comb(s, i) ** 2)
            out[i, j] = float(value)
    return finish_output(out)


def _check_kind(kind):
    kind = "symmetric" if kind is None else kind
    valid = ["symmetric", "lower", "upper"]
    if kind not in valid:
        raise ValueError(f"Expected kind to be one of: {valid}; got {kind}")
    return kind


def _binomials(n, sign):
    """The lower-triangular ``binom(i, j)`` (times ``(-1)^(i - j)`` if ``sign``)."""
    out = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1):
            out[i, j] = float(math.comb(i, j) * ((-1) ** (i - j) if sign else 1))
    return out


def pascal(n, kind=None):
    """The Pascal matrix of order ``n``: ``kind='lower'`` the binomial
    coefficients ``binom(i, j)``, ``'upper'`` their transpose, ``'symmetric'``
    (default) ``binom(i + j, i)``.

    >>> from vmapx.scipy import linalg
    >>> linalg.pascal(3)
    array([[1., 1., 1.],
           [1., 2., 3.],
           [1., 3., 6.]])
    """
    kind = _check_kind(kind)
    n = operator.index(n)
    lower = _binomials(n, sign=False)
    if kind == "lower":
        return finish_output(lower)
    if kind == "upper":
        return finish_output(np.ascontiguousarray(lower.T))
    out = np.empty((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            out[i, j] = float(math.comb(i + j, i))
    return finish_output(out)


def invpascal(n, kind=None):
    """The inverse of ``pascal(n, kind)``.

    >>> from vmapx.scipy import linalg
    >>> linalg.invpascal(3)
    array([[ 3., -3.,  1.],
           [-3.,  5., -2.],
           [ 1., -2.,  1.]])
    """
    kind = _check_kind(kind)
    n = operator.index(n)
    lower = _binomials(n, sign=True)
    if kind == "lower":
        return finish_output(lower)
    if kind == "upper":
        return finish_output(np.ascontiguousarray(lower.T))
    # symmetric = L U, so its inverse is U^-1 L^-1 (products of exact integers)
    exact = np.array([[math.comb(i, j) * (-1) ** (i - j) if j <= i else 0 for j in range(n)]
                      for i in range(n)], dtype=object)
    return finish_output(np.asarray(exact.T.dot(exact), dtype=np.float64).reshape(n, n))


def helmert(n, full=False):
    """The Helmert matrix: ``(n - 1) x n`` orthonormal contrasts (row ``k - 1`` is
    ``(1, ..., 1, -k, 0, ...) / sqrt(k (k + 1))``), with the row ``1 / sqrt(n)``
    first when ``full``.

    >>> from vmapx.scipy import linalg
    >>> linalg.helmert(2, full=True)
    array([[ 0.70710678,  0.70710678],
           [ 0.70710678, -0.70710678]])
    """
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}.")
    k = np.arange(1, n, dtype=np.float64)[:, None]
    j = np.arange(n)[None, :]
    denom = np.sqrt(k * (k + 1))
    h = np.where(j < k, 1.0 / denom, np.where(j == k, -k / denom, 0.0))
    if full:
        h = np.concatenate([np.full((1, n), 1.0 / np.sqrt(n)), h], axis=0)
    return finish_output(h)


def hadamard(n, dtype=int):
    """The ``n x n`` Hadamard matrix (Sylvester's construction; ``n`` a power of 2).

    >>> from vmapx.scipy import linalg
    >>> linalg.hadamard(2)
    array([[ 1,  1],
           [ 1, -1]])
    """
    n = operator.index(n)
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"n must be a positive power of 2; got {n}.")
    h = np.ones((1, 1), dtype=np.dtype(dtype))
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return finish_output(h)


def dft(n, scale=None, *, dtype=None):
    """The ``n x n`` discrete Fourier transform matrix ``exp(-2 pi i j k / n)``,
    scaled by ``1 / sqrt(n)`` (``scale='sqrtn'``) or ``1 / n`` (``'n'``).

    >>> from vmapx.scipy import linalg
    >>> np.round(linalg.dft(4).real, 12)
    array([[ 1.,  1.,  1.,  1.],
           [ 1.,  0., -1., -0.],
           [ 1., -1.,  1., -1.],
           [ 1., -0., -1.,  0.]])
    """
    if scale is not None and scale not in ("sqrtn", "n"):
        raise ValueError(f"scale must be None, 'sqrtn', or 'n'; got {scale!r}.")
    dtype = np.dtype(np.complex128 if dtype is None else dtype)
    if dtype.kind != "c":
        raise ValueError(f"dtype must be a complex floating-point type; got {dtype}.")
    n = operator.index(n)
    k = np.arange(n)
    # exact angles from (j k) mod n, so large n keeps full precision
    w = np.exp(-2j * np.pi * ((k[:, None] * k[None, :]) % max(n, 1)) / max(n, 1))
    if scale == "sqrtn":
        w = w / np.sqrt(n)
    elif scale == "n":
        w = w / n
    return finish_output(w.astype(dtype))
