"""Helpers of the composed ``vmapx.numpy`` sections for arguments that must
be concrete (static): ``concrete_or_error`` (a concrete value or JAX's
``ConcretizationTypeError``), NumPy scalars for 0-d results, static integers,
and the functional forms of NumPy's in-place functions (``inplace=False``).
"""
from __future__ import annotations

import operator

import numpy as np

from ..core import Tracer
from ..errors import ConcretizationTypeError
from .base import concrete_value
from .creation import _has_tracer
from . import basic_api as jnp



def concrete_or_error(x, name, why):
    """``x`` itself if it holds no traced value; its concrete value where it has
    one (in eager ``vmap``, which splits the batch on it: ``_src/concrete.py``);
    else ``ConcretizationTypeError``.

    >>> concrete_or_error(np.arange(2), "f", "the output shape depends on it")
    array([0, 1])
    """
    if _has_tracer(x):
        value = concrete_value(x)
        if value is not None:
            return value
        raise ConcretizationTypeError(
            f"Abstract tracer value encountered where concrete value is expected in "
            f"vmapx.numpy.{name}: {why}. The value depends on a traced (transformed) "
            "input, so it has no concrete value here.")
    return x


def scalar_like_numpy(x):
    """A 0-d NumPy result as the NumPy scalar NumPy's own function returns.

    >>> scalar_like_numpy(np.asarray(2.0))
    np.float64(2.0)
    """
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x[()]
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(scalar_like_numpy(e) for e in x)
    return x


def _ufunc_dtype(ufunc, dt):
    """The (first) output dtype NumPy's ``ufunc`` gives for input dtype ``dt``."""
    with np.errstate(all="ignore"):
        out = ufunc(np.zeros((), dt))
    return np.result_type(out[0] if isinstance(out, tuple) else out)

def _static_int(n, name):
    n = concrete_or_error(n, name, "sizes must be concrete")
    return operator.index(n)

def _at(x):
    """``x.at`` for traced and concrete arrays alike."""
    return jnp._IndexUpdateHelper(x)


def _functional_only(name, a):
    if isinstance(a, Tracer):
        raise TypeError(
            f"vmapx.numpy.{name} modifies its argument in place, which traced arrays cannot "
            f"do: they are immutable. Pass inplace=False and use the returned array.")
