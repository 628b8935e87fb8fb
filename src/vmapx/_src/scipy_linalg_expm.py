"""``jax.scipy.linalg.expm`` and ``expm_frechet``.

``expm`` is the [13/13] Padé approximant with scaling and squaring (Higham
2005) for every input, where JAX picks a lower-order approximant for small
norms: the same values up to rounding.  When ``A`` is traced the number of
squarings is data-dependent, so ``max_squarings`` of them are applied under a
mask (a ``fori_loop``).  As in JAX, a matrix that would need more than
``max_squarings`` squarings (counted as JAX counts them) gives NaNs.

``expm_frechet(A, E)`` is the directional derivative of ``expm`` at ``A`` in
direction ``E``, computed as JAX does, by forward-mode differentiation of
``expm`` (``jvp``); hence this module sits in the layer built on the
transforms (docs/layers.md).
"""
from __future__ import annotations

import numpy as np

from . import lax_loops, numpy_api as jnp
from .autodiff_api import jvp
from .core import Tracer, finish_output
from .jnp import linalg as _linalg
from .scipy_linalg import _inexact

__all__ = ["expm", "expm_frechet"]

# Higham (2005): the [13/13] Padé coefficients and the largest 1-norm it handles.
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152
# JAX's scaling threshold for single precision (its float32 path stops at [7/7]):
# used only to decide, as JAX does, when more than max_squarings are needed.
_JAX_MAXNORM = {np.dtype(np.float32): 3.925724783138660,
                np.dtype(np.complex64): 3.925724783138660}


def _pade13(a):
    b = _PADE13
    eye = np.eye(a.shape[-1], dtype=a.dtype)
    a2 = jnp.matmul(a, a)
    a4 = jnp.matmul(a2, a2)
    a6 = jnp.matmul(a4, a2)
    u = jnp.matmul(a, jnp.matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
                   + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = (jnp.matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2)
         + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye)
    return _linalg.solve(v - u, v + u)


def _square_masked(squarings, r, i):
    """``r @ r`` where more than ``i`` squarings are needed, else ``r``."""
    return jnp.where(jnp.expand_dims(squarings > i, (-1, -2)), jnp.matmul(r, r), r)


def expm(A, *, upper_triangular=False, max_squarings=16):
    """The matrix exponential (Padé approximant with scaling and squaring).

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> linalg.expm(np.array([[0.0, 1.0], [0.0, 0.0]]))
    array([[1., 1.],
           [0., 1.]])
    """
    a = _inexact(A)
    if jnp.ndim(a) < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"Expected A to be a (batched) square matrix, got A.shape={a.shape}.")
    real = np.finfo(a.dtype).dtype
    norm = jnp.max(jnp.sum(jnp.abs(a), axis=-2), axis=-1)   # the 1-norm
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = jnp.ceil(jnp.log2(norm / _THETA13))
        jax_count = jnp.floor(jnp.log2(norm / _JAX_MAXNORM.get(a.dtype, _THETA13)))
    squarings = jnp.clip(jnp.where(jnp.isfinite(needed), needed, 0), 0, max_squarings)
    too_many = jax_count > max_squarings
    scale = jnp.exp2(-jnp.astype(squarings, real))
    r = _pade13(a * jnp.astype(jnp.expand_dims(scale, (-1, -2)), a.dtype))
    if isinstance(squarings, Tracer):
        r = lax_loops.fori_loop(0, max_squarings, lambda i, r: _square_masked(squarings, r, i),
                                r)
    else:
        for i in range(int(np.max(squarings, initial=0))):
            r = _square_masked(squarings, r, i)
    r = jnp.where(jnp.expand_dims(too_many, (-1, -2)), jnp.asarray(np.nan, a.dtype), r)
    return r if isinstance(r, Tracer) else finish_output(r)


def expm_frechet(A, E, *, method=None, compute_expm=True):
    """The Fréchet derivative of ``expm`` at ``A`` in direction ``E``;
    ``(expm(A), derivative)`` with ``compute_expm``.

    >>> import numpy as np
    >>> from vmapx.scipy import linalg
    >>> a = np.array([[0.0, 1.0], [0.0, 0.0]])
    >>> linalg.expm_frechet(a, np.eye(2), compute_expm=False)
    array([[1., 1.],
           [0., 1.]])
    """
    a, e = jnp.asarray(A), jnp.asarray(E)
    if jnp.ndim(a) < 2 or a.shape[-2] != a.shape[-1]:
        raise ValueError(f"expected A to be a (batched) square matrix, got A.shape={a.shape}")
    if jnp.ndim(e) < 2 or e.shape[-2] != e.shape[-1]:
        raise ValueError(f"expected E to be a (batched) square matrix, got E.shape={e.shape}")
    if a.shape != e.shape:
        raise ValueError(f"expected A and E to be the same shape, got A.shape={a.shape} "
                         f"E.shape={e.shape}")
    a = _inexact(a)
    e = jnp.astype(e, a.dtype) if e.dtype != a.dtype else e
    value, derivative = jvp(expm, (a,), (e,))
    return (value, derivative) if compute_expm else derivative
