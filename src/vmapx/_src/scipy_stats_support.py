"""Helpers shared by the distributions and functions of ``vmapx.scipy.stats``
that are not the normal distribution: the ``_named`` decorator (a function
defined here as ``binom_logpmf`` carries ``logpmf`` as its name, the name it
has in its public module ``vmapx.scipy.stats.binom``), ``betaln`` and a stable
``logsumexp`` over one axis, both composed from ``numpy_api`` and
``scipy_special`` (the public ``vmapx.scipy.special`` sits above ``_src``).

>>> _betaln(np.array([2.0]), np.array([3.0]))
array([-2.48490665])
"""
from __future__ import annotations

import numpy as np

from . import numpy_api as jnp
from .core import dtype_of
from .prims.elementwise import stop_gradient_p
from .scipy_special import _out, _promote_inexact, gammaln
from .scipy_stats_common import quiet_errors as _quiet   # noqa: F401  (shared)


def _named(name):
    """Decorator: the function's ``__name__`` and ``__qualname__`` become
    ``name`` (its name in the public module that re-exports it)."""
    def rename(fn):
        fn.__name__ = fn.__qualname__ = name
        return fn
    return rename


def _betaln(a, b):
    """``log(abs(beta(a, b)))`` as ``gammaln(a) + gammaln(b) - gammaln(a + b)``."""
    a, b = _promote_inexact(a, b)
    return _out(gammaln(a) + gammaln(b) - gammaln(a + b))


def _logsumexp(a, axis):
    """``log(sum(exp(a), axis))``, shifted by the (gradient-stopped) finite
    maximum so that it neither overflows nor differentiates through the shift."""
    amax = jnp.max(a, axis=axis, keepdims=True)
    amax = stop_gradient_p.bind(jnp.where(jnp.isfinite(amax), amax, np.zeros((), dtype_of(a))))
    total = jnp.sum(jnp.exp(a - amax), axis=axis)
    return _out(jnp.log(total) + jnp.squeeze(amax, axis=axis))
