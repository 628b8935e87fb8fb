"""``vmapx.test_util``: check derivatives against finite differences, as
``jax.test_util``.

``check_jvp`` and ``check_vjp`` compare a JVP / VJP with central differences
of step ``eps`` (``1e-4`` by default) along one random direction per argument,
drawn from ``numpy.random.RandomState(0)`` in each argument's dtype (so the
checks are cheap for any input size and repeatable).  ``check_vjp`` checks the
transpose through the inner-product identity ``<t, vjp(c)> == <jvp(t), c>``.
``check_grads`` checks up to ``order`` derivatives in the ``modes`` given:
forward mode recurses on ``jvp`` of the function, reverse mode on the VJP
applied to the function's own output as cotangent.

Tolerances follow JAX's: by default per dtype (float64 and complex128 ``1e-5``,
float32 ``2e-3``, complex64 ``1e-3``, float16 ``1e-2``), given as a number
or as a ``{dtype: tol}`` dict overriding some of them, and, as in JAX, scaled
by the number of elements of the values compared.

>>> import vmapx, vmapx.numpy as jnp
>>> from vmapx.test_util import check_grads
>>> check_grads(lambda x: jnp.sin(x) * x, (1.5,), order=2)
>>> wrong = vmapx.custom_jvp(jnp.sin)
>>> wrong.defjvps(lambda t, ans, x: 2.0 * t)              # not cos(x)
>>> check_grads(wrong, (1.0,), order=1)   # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AssertionError: ...
"""
from __future__ import annotations

import functools

import numpy as np

from ._src.autodiff import float0
from ._src.autodiff_api import jvp, vjp
from ._src.tree import tree_leaves, tree_map

__all__ = ["check_grads", "check_jvp", "check_vjp"]

EPS = 1e-4

_GRADIENT_TOLERANCE = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 2e-3,
                       np.dtype(np.float64): 1e-5, np.dtype(np.complex64): 1e-3,
                       np.dtype(np.complex128): 1e-5}
_PYTHON_SCALARS = (bool, int, float, complex)


def _is_python_scalar(x) -> bool:
    return type(x) in _PYTHON_SCALARS


def _dtype_of(x) -> np.dtype:
    if hasattr(x, "dtype"):
        return np.dtype(x.dtype)
    return np.asarray(x).dtype


def _like(x, value):
    """``value`` in ``x``'s dtype, as a Python scalar when ``x`` is one."""
    out = np.asarray(value, dtype=_dtype_of(x))
    return out.item() if _is_python_scalar(x) else out


def _random_direction(rng, x):
    shape, dtype = np.shape(x), _dtype_of(x)
    draw = np.asarray(rng.randn(*shape), dtype=dtype)
    if np.issubdtype(dtype, np.complexfloating):
        draw = draw + dtype.type(1j) * np.asarray(rng.randn(*shape), dtype=dtype)
    return draw.item() if _is_python_scalar(x) else draw


def _step(xs, ts, eps, sign):
    return tree_map(lambda x, t: _like(x, np.add(x, sign * eps * np.asarray(t))), xs, ts)


def _difference(a, b):
    """``a - b`` in ``a``'s dtype, with ``inf - inf == 0``."""
    dtype = _dtype_of(a)
    with np.errstate(invalid="ignore"):
        return np.where(np.equal(a, b), np.zeros((), dtype),
                        np.subtract(a, b, dtype=dtype))


def _finite_difference_jvp(f, primals, tangents, eps):
    """Central differences of ``f`` at ``primals`` along ``tangents``."""
    above = f(*_step(primals, tangents, eps, +1.0))
    below = f(*_step(primals, tangents, eps, -1.0))
    return tree_map(lambda a, b: _like(a, _difference(a, b) * (0.5 / eps)), above, below)


def _tolerance(tol, dtype) -> float:
    """The tolerance for ``dtype``: a number as given, else the dict's entry or
    the default for gradients (0 for exact dtypes)."""
    if tol is not None and not isinstance(tol, dict):
        return tol
    table = dict(_GRADIENT_TOLERANCE)
    table.update({np.dtype(k): v for k, v in (tol or {}).items()})
    return table.get(np.dtype(dtype), 0)


def _assert_close(x, y, atol, rtol, err_msg):
    x, y = np.asarray(x), np.asarray(y)
    assert x.shape == y.shape, f"{err_msg}: shapes differ, {x.shape} and {y.shape}"
    if x.dtype == float0 or y.dtype == float0:
        np.testing.assert_array_equal(x, y, err_msg=err_msg)
        return
    a = max(_tolerance(atol, x.dtype), _tolerance(atol, y.dtype))
    r = max(_tolerance(rtol, x.dtype), _tolerance(rtol, y.dtype))
    kw = {}
    if a:
        kw["atol"] = a * x.size
    if r:
        kw["rtol"] = r * y.size
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(x, y, err_msg=err_msg, **kw)


def _check_close(xs, ys, atol, rtol, err_msg):
    tree_map(lambda x, y: _assert_close(x, y, atol, rtol, err_msg), xs, ys)


def _assert_same_dtypes(xs, ys, what):
    def check(x, y):
        assert _dtype_of(x) == _dtype_of(y), (
            f"{what}: dtypes differ, {_dtype_of(x)} and {_dtype_of(y)}")
    tree_map(check, xs, ys)


def _inner_product(xs, ys):
    total = 0.0
    for x, y in zip(tree_leaves(xs), tree_leaves(ys), strict=True):
        total = total + np.real(np.dot(np.conj(np.ravel(x)), np.ravel(y)))
    return total


def _conj(xs):
    return tree_map(lambda x: _like(x, np.conj(x)), xs)


def _label(err_msg, what):
    return f"{err_msg} {what}" if err_msg else what


def check_jvp(f, f_jvp, args, atol=None, rtol=None, eps=EPS, err_msg=""):
    """Check ``f_jvp`` (usually ``functools.partial(vmapx.jvp, f)``) at ``args``
    against central differences of ``f`` along one random direction.

    Raises ``AssertionError`` when the primal or tangent output differs.

    >>> import functools, vmapx, vmapx.numpy as jnp
    >>> from vmapx.test_util import check_jvp
    >>> f = lambda x, y: jnp.exp(x) * y
    >>> check_jvp(f, functools.partial(vmapx.jvp, f), (0.5, jnp.arange(3.0)))
    """
    args = tuple(args)
    rng = np.random.RandomState(0)
    tangents = tree_map(functools.partial(_random_direction, rng), args)
    out, tangent_out = f_jvp(args, tangents)
    _assert_same_dtypes(out, tangent_out, _label(err_msg, "tangent"))
    expected = f(*args)
    _assert_same_dtypes(out, expected, _label(err_msg, "primal"))
    expected_tangent = _finite_difference_jvp(f, args, tangents, eps)
    _check_close(out, expected, atol, rtol, _label(err_msg, "primal"))
    _check_close(tangent_out, expected_tangent, atol, rtol, _label(err_msg, "tangent"))


def check_vjp(f, f_vjp, args, atol=None, rtol=None, eps=EPS, err_msg=""):
    """Check ``f_vjp`` (usually ``functools.partial(vmapx.vjp, f)``) at ``args``:
    the projection of a random cotangent must match central differences of ``f``
    along a random direction (``<t, vjp(c)> == <jvp(t), c>``).

    >>> import functools, vmapx, vmapx.numpy as jnp
    >>> from vmapx.test_util import check_vjp
    >>> f = lambda x: jnp.tanh(x) @ x
    >>> check_vjp(f, functools.partial(vmapx.vjp, f), (jnp.arange(4.0),))
    """
    args = tuple(args)
    rng = np.random.RandomState(0)
    out, pullback = f_vjp(*args)
    _check_close(out, f(*args), atol, rtol, _label(err_msg, "primal"))
    tangents = tree_map(functools.partial(_random_direction, rng), args)
    tangent_out = _finite_difference_jvp(f, args, tangents, eps)
    cotangent = tree_map(functools.partial(_random_direction, rng), out)
    cotangent_out = _conj(pullback(_conj(cotangent)))
    _check_close(_inner_product(tangents, cotangent_out),
                 _inner_product(tangent_out, cotangent), atol, rtol,
                 _label(err_msg, "cotangent projection"))


def check_grads(f, args, order, modes=("fwd", "rev"), atol=None, rtol=None, eps=None):
    """Check derivatives of ``f`` at ``args`` up to ``order`` against finite
    differences, in forward mode (``'fwd'``), reverse mode (``'rev'``) or both.

    >>> import vmapx.numpy as jnp
    >>> from vmapx.test_util import check_grads
    >>> check_grads(lambda x, y: jnp.sum(x * jnp.sin(y)), (jnp.ones(3), jnp.arange(3.0)),
    ...             order=2, modes=["rev"])
    """
    eps = eps or EPS
    if isinstance(modes, str):
        modes = (modes,)

    def check(fun, fun_args, k, err_msg):
        if "fwd" in modes:
            msg = f"JVP of {err_msg}" if err_msg else "JVP"
            check_jvp(fun, functools.partial(jvp, fun), fun_args, atol, rtol, eps, msg)
            if k > 1:
                check(functools.partial(jvp, fun), (fun_args, fun_args), k - 1, msg)
        if "rev" in modes:
            msg = f"VJP of {err_msg}" if err_msg else "VJP"
            check_vjp(fun, functools.partial(vjp, fun), fun_args, atol, rtol, eps, msg)
            if k > 1:
                def pulled_back(*a):
                    out, pullback = vjp(fun, *a)
                    return pullback(out)
                check(pulled_back, fun_args, k - 1, msg)

    check(f, tuple(args), order, "")
