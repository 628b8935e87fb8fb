"""``vmapx.numpy.fft``: ``numpy.fft`` over the ``fft`` primitive.

Every transform pads or truncates its input to the requested lengths (with
primitives) and binds one ``fft`` primitive over all of its axes, so it is
batched under ``vmap`` as one NumPy call and differentiable (linear, with
transposes).  ``hfft``/``ihfft`` are ``irfft``/``rfft`` of conjugates, as in
NumPy; the frequency helpers and shifts are compositions.

>>> import numpy as np, vmapx
>>> from vmapx.numpy import fft
>>> vmapx.vmap(fft.rfft)(np.ones((2, 4)))
array([[4.+0.j, 0.+0.j, 0.+0.j],
       [4.+0.j, 0.+0.j, 0.+0.j]])
"""
from __future__ import annotations

import numpy as np

from .._src.core import Tracer, ndim_of as _ndim_of, shape_of as _shape_of
from .._src.errors import ConcretizationTypeError
from .._src.jnp.array import wrap_namespace as _wrap_namespace
from .._src.jnp.base import (asarray_like as _asarray_like,
                              canonicalize_axis as _canonicalize_axis)
from .._src.scipy_fft import fft_axes as _fft_axes
from .._src import numpy_api as jnp

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
           "fftn", "ifftn", "rfftn", "irfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_NORMS = ("backward", "ortho", "forward")
_SWAP = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or '
                         '"forward".')
    return norm


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"vmapx.numpy.fft.{name}: the 'out' argument is not supported: traced "
                        "arrays are immutable; use the returned value.")


def _transform(a, kind, s, axes, norm):
    """Resize ``a`` along ``axes`` to ``s`` and bind one ``fft`` over them.

    ``s[-1]`` is the time-domain length for the real kinds.
    """
    a = _asarray_like(a)
    nd = _ndim_of(a)
    axes = [_canonicalize_axis(ax, nd) for ax in axes]
    if len(set(axes)) != len(axes):  # NumPy transforms a repeated axis repeatedly
        one = {"fft": fft, "ifft": ifft}[kind] if kind in ("fft", "ifft") else None
        if one is None:
            raise ValueError("repeated axes are not supported for real transforms")
        for n, ax in reversed(list(zip(s, axes, strict=True))):
            a = one(a, n, ax, norm)
        return a
    if kind in ("rfft", "irfft") and not axes:
        raise ValueError("at least 1 axis must be transformed")
    for n in s:
        if n < 1:
            raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    # resize, cast as JAX (x64: int32 data gives complex64), one fft primitive
    return _fft_axes(a, kind, s, axes, _norm(norm))


def _one(a, kind, n, axis, norm):
    a = _asarray_like(a)
    ax = _canonicalize_axis(axis, _ndim_of(a))
    if n is None:
        m = _shape_of(a)[ax]
        n = 2 * (m - 1) if kind == "irfft" else m
    return _transform(a, kind, [n], [ax], norm)


def _cook(a, s, axes, invreal=False):
    """NumPy's rules for ``s`` and ``axes`` of the n-dimensional transforms."""
    a = _asarray_like(a)
    shape = _shape_of(a)
    shapeless = s is None
    if s is None:
        s = list(shape) if axes is None else [shape[ax] for ax in axes]
    s = list(s)
    if axes is None:
        axes = list(range(-len(s), 0))
    axes = list(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (shape[axes[-1]] - 1) * 2
    s = [shape[ax] if n == -1 else n for n, ax in zip(s, axes, strict=True)]
    return a, s, axes


# ---------------------------------------------------------------- 1-D transforms


def fft(a, n=None, axis=-1, norm=None, out=None):
    """One-dimensional discrete Fourier transform, as ``numpy.fft.fft``.

    >>> fft(np.array([1.0, 0.0, 0.0, 0.0]))
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    _no_out(out, "fft")
    return _one(a, "fft", n, axis, norm)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """Inverse of ``fft``, as ``numpy.fft.ifft``.

    >>> ifft(np.array([4.0, 0.0, 0.0, 0.0]))
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    _no_out(out, "ifft")
    return _one(a, "ifft", n, axis, norm)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """Transform of real input (non-negative frequencies), as ``numpy.fft.rfft``.

    >>> rfft(np.array([1.0, 2.0, 3.0, 4.0]))
    array([10.+0.j, -2.+2.j, -2.+0.j])
    """
    _no_out(out, "rfft")
    return _one(a, "rfft", n, axis, norm)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """Inverse of ``rfft`` (``n`` output points, default ``2 * (m - 1)``), as ``numpy.fft.irfft``.

    >>> irfft(np.array([10.0, -2.0 + 2.0j, -2.0]))
    array([1., 2., 3., 4.])
    """
    _no_out(out, "irfft")
    return _one(a, "irfft", n, axis, norm)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """Transform of a Hermitian-symmetric signal, as ``numpy.fft.hfft``.

    >>> hfft(np.array([1.0, 0.0, 0.0]))
    array([1., 1., 1., 1.])
    """
    _no_out(out, "hfft")
    a = _asarray_like(a)
    ax = _canonicalize_axis(axis, _ndim_of(a))
    if n is None:
        n = 2 * (_shape_of(a)[ax] - 1)
    return irfft(jnp.conjugate(a), n, ax, _SWAP[_norm(norm)])


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """Inverse of ``hfft``, as ``numpy.fft.ihfft``.

    >>> ihfft(np.array([1.0, 1.0, 1.0, 1.0]))
    array([1.-0.j, 0.-0.j, 0.-0.j])
    """
    _no_out(out, "ihfft")
    return jnp.conjugate(rfft(a, n, axis, _SWAP[_norm(norm)]))


# ---------------------------------------------------------- n-D transforms


def fftn(a, s=None, axes=None, norm=None, out=None):
    """N-dimensional transform, as ``numpy.fft.fftn``.

    >>> fftn(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    _no_out(out, "fftn")
    a, s, axes = _cook(a, s, axes)
    return _transform(a, "fft", s, axes, norm)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """Inverse of ``fftn``, as ``numpy.fft.ifftn``.

    >>> ifftn(np.array([[4.0, 0.0], [0.0, 0.0]])).real
    array([[1., 1.],
           [1., 1.]])
    """
    _no_out(out, "ifftn")
    a, s, axes = _cook(a, s, axes)
    return _transform(a, "ifft", s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """N-dimensional transform of real input, as ``numpy.fft.rfftn``.

    >>> rfftn(np.ones((2, 4))).shape
    (2, 3)
    """
    _no_out(out, "rfftn")
    a, s, axes = _cook(a, s, axes)
    return _transform(a, "rfft", s, axes, norm)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """Inverse of ``rfftn``, as ``numpy.fft.irfftn``.

    >>> irfftn(np.fft.rfftn(np.ones((2, 4))))
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    """
    _no_out(out, "irfftn")
    a, s, axes = _cook(a, s, axes, invreal=True)
    return _transform(a, "irfft", s, axes, norm)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """Two-dimensional transform, as ``numpy.fft.fft2``.

    >>> fft2(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """Inverse of ``fft2``, as ``numpy.fft.ifft2``.

    >>> ifft2(np.array([[4.0, 0.0], [0.0, 0.0]])).real
    array([[1., 1.],
           [1., 1.]])
    """
    return ifftn(a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """Two-dimensional transform of real input, as ``numpy.fft.rfft2``.

    >>> rfft2(np.ones((2, 4))).shape
    (2, 3)
    """
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """Inverse of ``rfft2``, as ``numpy.fft.irfft2``.

    >>> irfft2(np.fft.rfft2(np.eye(2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return irfftn(a, s, axes, norm, out)


# ------------------------------------------------------- frequencies and shifts


def _check_n(n, name):
    if isinstance(n, Tracer):
        raise ConcretizationTypeError(
            f"vmapx.numpy.fft.{name}: the window length n must be concrete: it is the "
            "length of the result.")
    return int(n)


def fftfreq(n, d=1.0, *, device=None, dtype=None):
    """Sample frequencies of ``fft``, as ``numpy.fft.fftfreq`` (``d`` may be traced).

    >>> fftfreq(4, 0.5)
    array([ 0. ,  0.5, -1. , -0.5])
    """
    n = _check_n(n, "fftfreq")
    ints = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)])
    if isinstance(d, Tracer):
        out = ints * (1.0 / (n * d))
    else:
        out = np.fft.fftfreq(n, d)
    return jnp.astype(out, dtype) if dtype is not None else out


def rfftfreq(n, d=1.0, *, device=None, dtype=None):
    """Sample frequencies of ``rfft``, as ``numpy.fft.rfftfreq`` (``d`` may be traced).

    >>> rfftfreq(4, 0.5)
    array([0. , 0.5, 1. ])
    """
    n = _check_n(n, "rfftfreq")
    if isinstance(d, Tracer):
        out = np.arange(0, n // 2 + 1) * (1.0 / (n * d))
    else:
        out = np.fft.rfftfreq(n, d)
    return jnp.astype(out, dtype) if dtype is not None else out


def _shift(x, axes, sign):
    x = _asarray_like(x)
    nd = _ndim_of(x)
    if axes is None:
        axes = tuple(range(nd))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    shifts = [sign * (_shape_of(x)[_canonicalize_axis(ax, nd)] // 2) for ax in axes]
    return jnp.roll(x, shifts, axes) if axes else x


def fftshift(x, axes=None):
    """Move the zero frequency to the centre, as ``numpy.fft.fftshift``.

    >>> fftshift(np.fft.fftfreq(4))
    array([-0.5 , -0.25,  0.  ,  0.25])
    """
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """Inverse of ``fftshift``, as ``numpy.fft.ifftshift``.

    >>> ifftshift(np.array([-0.5, -0.25, 0.0, 0.25]))
    array([ 0.  ,  0.25, -0.5 , -0.25])
    """
    return _shift(x, axes, -1)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
