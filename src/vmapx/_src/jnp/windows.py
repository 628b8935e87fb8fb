"""``vmapx.numpy``'s window functions: ``bartlett``, ``blackman``,
``hamming``, ``hanning`` and ``kaiser``.
"""
from __future__ import annotations

import numpy as np

from .base import asarray_like
from .mathematical import i0
from .static_args import _static_int

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]


# ------------------------------------------------------------------- windows


def _window(name, fn):
    def window(M):
        return fn(_static_int(M, name))
    window.__name__ = window.__qualname__ = name
    window.__doc__ = (f"The {name.capitalize()} window of ``M`` points, as ``numpy.{name}``.\n\n"
                      f">>> {name}(3)\n{fn(3)!r}\n")
    return window


bartlett = _window("bartlett", np.bartlett)
blackman = _window("blackman", np.blackman)
hamming = _window("hamming", np.hamming)
hanning = _window("hanning", np.hanning)


def kaiser(M, beta):
    """The Kaiser window of ``M`` points (``beta`` may be traced), as ``numpy.kaiser``.

    >>> kaiser(3, 5.0)
    array([0.03671089, 1.        , 0.03671089])
    """
    M = _static_int(M, "kaiser")
    if M < 1:
        return np.array([])
    if M == 1:
        return np.ones(1)
    n = np.arange(0, M)
    alpha = (M - 1) / 2.0
    beta = asarray_like(beta)
    return i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / i0(beta)
