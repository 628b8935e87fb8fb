"""``vmapx.example_libraries``: ``stax`` (layers) and ``optimizers``, as JAX's
``jax.example_libraries``, for programs written against them.

>>> from vmapx.example_libraries import stax, optimizers
>>> callable(stax.serial) and callable(optimizers.adam)
True
"""
from . import optimizers, stax  # noqa: F401
