"""What the continuous distributions of ``vmapx.scipy.stats`` share: argument
promotion (``promote``: integers to float64, float32 stays float32, Python
scalars weak), the small compositions JAX takes from ``jax.scipy.special``
and ``jax.nn`` (``expit``, ``logit``, ``log1mexp``, ``log_diff``), and
``export``, which gives a public module (``vmapx.scipy.stats.cauchy``) its
distribution's functions under their short names (``logpdf``, ``cdf``, ...).

The implementations live in ``scipy_stats_loc_scale`` (no shape parameter),
``scipy_stats_shapes`` (shape parameters) and ``scipy_stats_bounded``
(``truncnorm`` and the circular distributions); their functions are named
``<distribution>_<function>`` (``cauchy_logpdf``).

>>> promote("demo", 1, np.float32(2.0))[0].dtype
dtype('float32')
"""
from __future__ import annotations

import functools

import numpy as np

from . import numpy_api as jnp
from .core import Tracer
from .jnp.array import returning_arrays
from .lax_ops import logistic
from .scipy_special import _out, _promote_inexact

_LOG_2 = float(np.log(2.0))


def promote(name, *xs):
    """``xs`` as arrays of their common floating dtype (NumPy's promotion, as
    JAX's ``promote_args_inexact`` with x64).  Arguments are arrays or scalars:
    a list or tuple is a ``TypeError`` with JAX's message (``name`` is the
    function's, ``cauchy.cdf``).

    >>> [a.dtype for a in promote("demo", 1, 2.0)]
    [dtype('float64'), dtype('float64')]
    """
    for position, x in enumerate(xs):
        if not isinstance(x, (np.ndarray, Tracer, np.generic, bool, int, float, complex)):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(x)} at "
                            f"position {position}.")
    return _promote_inexact(*xs)


def expit(x):
    """The logistic sigmoid, as ``jax.scipy.special.expit`` (``lax.logistic``).

    >>> expit(np.array([0.0]))
    array([0.5])
    """
    return logistic(x)


def logit(x):
    """``log(x / (1 - x))``, the inverse of ``expit``.

    >>> logit(np.array([0.5]))
    array([0.])
    """
    return jnp.log(x / (1 - x))


def log1mexp(x):
    """``log(1 - exp(-x))`` for ``x >= 0``: ``expm1`` below ``log 2``,
    ``log1p`` above (``jax.nn.log1mexp``).

    >>> log1mexp(np.array([1e-10, 50.0]))
    array([-2.30258509e+01, -1.92874985e-22])
    """
    return jnp.where(x < _LOG_2, jnp.log(-jnp.expm1(-x)), jnp.log1p(-jnp.exp(-x)))


def log_diff(x, y):
    """``log(exp(x) - exp(y))`` for ``x >= y``, relative to the larger term
    (JAX's ``logsumexp`` of ``[x, y]`` with signs ``[1, -1]``): ``-inf`` where
    they are equal, NaN where ``y > x``.

    >>> log_diff(np.array([0.0]), np.array([-1.0]))
    array([-0.45867515])
    """
    big = jnp.maximum(x, y)
    # shifting by the larger term (0 where it is infinite) keeps exp in range
    finite = jnp.where(jnp.isfinite(big), big, jnp.zeros_like(big))
    total = jnp.exp(x - finite) - jnp.exp(y - finite)
    return jnp.log(total) + finite


def quiet_errors():
    """NumPy's floating-point warnings off: the distributions compute both
    sides of their ``where``s (log of a negative value outside the support,
    ...) and keep the right one, and JAX warns about neither."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _quiet(fn):
    """``fn`` run under ``quiet_errors``."""
    @functools.wraps(fn)
    def quiet(*args, **kwargs):
        with quiet_errors():
            return fn(*args, **kwargs)
    return quiet


def export(namespace, implementation, distribution, names):
    """Bind ``implementation.<distribution>_<name>`` as ``name`` in a public
    module's ``namespace`` for each of ``names``: concrete results as
    ``vmapx.Array``s, NumPy's floating-point warnings off (``_quiet``), and the
    public module's name on each function.

    >>> from vmapx._src import scipy_stats_loc_scale
    >>> ns = {"__name__": "demo"}
    >>> export(ns, scipy_stats_loc_scale, "cauchy", ["pdf"])
    >>> ns["pdf"].__name__, ns["pdf"].__module__
    ('pdf', 'demo')
    """
    for name in names:
        fn = returning_arrays(_quiet(getattr(implementation, f"{distribution}_{name}")),
                              namespace)
        fn.__name__ = fn.__qualname__ = name
        fn.__module__ = namespace["__name__"]
        namespace[name] = fn


__all__ = ["promote", "expit", "logit", "log1mexp", "log_diff", "export", "_out"]
