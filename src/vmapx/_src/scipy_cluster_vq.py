"""``jax.scipy.cluster.vq.vq``: the nearest code of a code book for each
observation (Euclidean distance), composed from vmapx.numpy so that it batches
and differentiates (the distances, with respect to observations and codes)."""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .scipy_linalg import _promote_inexact

__all__ = ["vq"]


def vq(obs, code_book, check_finite=True):
    """``(code, dist)``: for each row of ``obs`` the index of the nearest row of
    ``code_book`` and the distance to it (1-D inputs are length-1 vectors).

    >>> import numpy as np
    >>> from vmapx.scipy.cluster.vq import vq
    >>> vq(np.array([[1.0, 1.0], [4.0, 5.0]]), np.array([[0.0, 0.0], [4.0, 4.0]]))
    (array([0, 1]), array([1.41421356, 1.        ]))
    """
    obs, code_book = _promote_inexact(obs, code_book)
    if obs.ndim != code_book.ndim:
        raise ValueError("Observation and code_book should have the same rank")
    if obs.ndim == 1:
        obs, code_book = obs[:, None], code_book[:, None]
    if obs.ndim != 2:
        raise ValueError("ndim different than 1 or 2 are not supported")
    diff = jnp.expand_dims(obs, 1) - jnp.expand_dims(code_book, 0)      # (M, K, N)
    squared = jnp.sum(jnp.real(diff * jnp.conjugate(diff)), axis=-1)
    code = jnp.argmin(squared, axis=-1)
    nearest = jnp.take_along_axis(squared, jnp.expand_dims(code, -1), axis=-1)
    # the distance of the nearest code only: sqrt has no derivative at 0 elsewhere
    return code, jnp.sqrt(jnp.squeeze(nearest, -1))
