"""``vmapx.scipy.fft``: JAX's ``jax.scipy.fft``, the type-2 discrete cosine
transforms ``dct``, ``dctn`` and their inverses ``idct``, ``idctn``, each one
complex FFT per axis (batched under ``vmap``, differentiable).

>>> import numpy as np
>>> from vmapx.scipy import fft
>>> np.round(fft.idct(fft.dct(np.array([1.0, 5.0, 2.0]), norm="ortho"), norm="ortho"), 6)
array([1., 5., 2.])
"""
from .._src.scipy_fft import dct, dctn, idct, idctn  # noqa: F401
from .._src.jnp.array import wrap_namespace as _wrap_namespace

__all__ = ["dct", "dctn", "idct", "idctn"]

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
