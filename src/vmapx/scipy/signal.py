"""``vmapx.scipy.signal``: JAX's ``jax.scipy.signal`` on vmapx's primitives.

Convolutions and correlations (direct: one ``conv_general_dilated``; or
through FFTs), ``detrend``, and the spectral estimates ``stft``, ``istft``,
``csd`` and ``welch``; batched under ``vmap`` and differentiable.  Design
notes: docs/scipy-signal-fft.md.

>>> import numpy as np, vmapx
>>> from vmapx.scipy import signal
>>> signal.convolve(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0]), mode="valid")
array([3., 5.])
>>> vmapx.vmap(signal.correlate, in_axes=(0, None))(np.eye(2), np.array([1.0, 2.0]))
array([[2., 1., 0.],
       [0., 2., 1.]])
"""
from .._src.scipy_signal import (convolve, convolve2d, correlate, correlate2d,  # noqa: F401
                                 detrend, fftconvolve)
from .._src.scipy_spectral import csd, istft, stft, welch  # noqa: F401
from .._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "csd", "detrend",
           "fftconvolve", "istft", "stft", "welch"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
