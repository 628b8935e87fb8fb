"""``vmapx.numpy``'s logic functions on whole arrays: ``allclose``,
``array_equal``, ``array_equiv``, type tests (``isreal``, ``iscomplexobj``...)
and ``isneginf`` / ``isposinf``, ``isscalar``, ``iterable``.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import inputs
from ..core import Tracer, dtype_of, ndim_of, shape_of
from .base import asarray_like
from . import basic_api as jnp

__all__ = ["allclose", "array_equal", "array_equiv", "isreal", "iscomplex", "isrealobj",
           "iscomplexobj", "isneginf", "isposinf", "isscalar", "iterable"]


# ---------------------------------------------------------- whole-array tests


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements are close, as ``numpy.allclose`` (a Python bool when concrete).

    >>> allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    True
    """
    res = jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    return res if isinstance(res, Tracer) else builtins.bool(res)


def array_equal(a1, a2, equal_nan=False):
    """Same shape and elements, as ``numpy.array_equal``.

    >>> array_equal(np.array([1, 2]), np.array([1, 2])), array_equal(np.ones(2), np.ones(3))
    (True, False)
    """
    a1, a2 = asarray_like(a1), asarray_like(a2)
    if tuple(shape_of(a1)) != tuple(shape_of(a2)):
        return False
    eq = jnp.equal(a1, a2)
    if equal_nan and builtins.all(inputs.is_inexact(dtype_of(a)) for a in (a1, a2)):
        eq = eq | (jnp.isnan(a1) & jnp.isnan(a2))
    res = jnp.all(eq)
    return res if isinstance(res, Tracer) else builtins.bool(res)


def array_equiv(a1, a2):
    """Equal after broadcasting, as ``numpy.array_equiv``.

    >>> array_equiv(np.array([1, 2]), np.array([[1, 2], [1, 2]]))
    True
    """
    a1, a2 = asarray_like(a1), asarray_like(a2)
    try:
        np.broadcast_shapes(shape_of(a1), shape_of(a2))
    except ValueError:
        return False
    res = jnp.all(jnp.equal(a1, a2))
    return res if isinstance(res, Tracer) else builtins.bool(res)

def isreal(x):
    """Elementwise: imaginary part zero, as ``numpy.isreal``.

    >>> isreal(np.array([1 + 1j, 2 + 0j]))
    array([False,  True])
    """
    return jnp.equal(jnp.imag(asarray_like(x)), 0)


def iscomplex(x):
    """Elementwise: nonzero imaginary part, as ``numpy.iscomplex``.

    >>> iscomplex(np.array([1 + 1j, 2 + 0j]))
    array([ True, False])
    """
    x = asarray_like(x)
    if dtype_of(x).kind != "c":
        return jnp.zeros_like(x, dtype=bool) if ndim_of(x) else np.False_
    return jnp.not_equal(jnp.imag(x), 0)


def iscomplexobj(x):
    """Whether the dtype of ``x`` is complex, as ``numpy.iscomplexobj``.

    >>> iscomplexobj(np.array([1j])), iscomplexobj(1.0)
    (True, False)
    """
    return dtype_of(asarray_like(x)).kind == "c"


def isrealobj(x):
    """Whether the dtype of ``x`` is not complex, as ``numpy.isrealobj``.

    >>> isrealobj(np.array([1.0]))
    True
    """
    return not iscomplexobj(x)


def isneginf(x, out=None):
    """Elementwise ``x == -inf``, as ``numpy.isneginf``.

    >>> isneginf(np.array([-np.inf, np.inf, 1.0]))
    array([ True, False, False])
    """
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("This operation is not supported for complex values because it "
                        "would be ambiguous.")
    return jnp.isinf(x) & jnp.signbit(x)


def isposinf(x, out=None):
    """Elementwise ``x == +inf``, as ``numpy.isposinf``.

    >>> isposinf(np.array([-np.inf, np.inf, 1.0]))
    array([False,  True, False])
    """
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("This operation is not supported for complex values because it "
                        "would be ambiguous.")
    return jnp.isinf(x) & ~jnp.signbit(x)


def isscalar(element):
    """As ``numpy.isscalar``: Python and NumPy scalars; arrays (traced ones too) are not.

    >>> isscalar(1.0), isscalar(np.array(1.0))
    (True, False)
    """
    return False if isinstance(element, Tracer) else np.isscalar(element)


def iterable(y):
    """As ``numpy.iterable``: a traced array is iterable unless it is 0-d.

    >>> iterable([1]), iterable(np.array(1))
    (True, False)
    """
    if isinstance(y, Tracer):
        return y.ndim > 0
    return np.iterable(y)
