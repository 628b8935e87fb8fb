"""``vmapx.scipy.fft`` (``jax.scipy.fft``): the type-2 discrete cosine
transforms ``dct``, ``dctn``, ``idct``, ``idctn``, and ``fft_axes``, the
Fourier transform the other SciPy modules of ``_src`` share:
``vmapx.numpy.fft`` is a public module, which ``_src`` does not import, so it
binds the ``fft`` primitive itself.

The DCT-II of length ``N`` is computed with one complex FFT of the same
length (Makhoul's reordering): the even-indexed samples followed by the
odd-indexed ones reversed, transformed, then rotated by ``exp(-i pi k / 2N)``.
The inverse runs the same steps backwards.  The reorderings are gathers with
constant indices, so everything is batched under ``vmap`` and differentiable
(the transform is linear).  Multidimensional transforms apply the 1-D one
along each axis in turn (the DCT is separable).

>>> np.round(dct(np.array([1.0, 2.0, 3.0])), 6) + 0.0
array([12.      , -3.464102,  0.      ])
"""
from __future__ import annotations

import operator

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp import dtypes as _dt
from .jnp.base import asarray_like, canonicalize_axis
from .prims.fft import fft_p
from . import lax_ops, numpy_api as jnp

__all__ = ["dct", "dctn", "idct", "idctn"]


# ------------------------------------------------------------ Fourier helpers


def resize_axis(a, axis, n):
    """``a`` truncated or zero-padded at the end to length ``n`` along ``axis``."""
    m = shape_of(a)[axis]
    if n < m:
        index = [slice(None)] * ndim_of(a)
        index[axis] = slice(0, n)
        return a[tuple(index)]
    if n > m:
        widths = [(0, 0)] * ndim_of(a)
        widths[axis] = (0, n - m)
        return jnp.pad(a, widths)
    return a


def fft_axes(a, kind, sizes, axes, norm="backward"):
    """NumPy's ``fftn`` / ``ifftn`` / ``rfftn`` / ``irfftn`` of ``a`` over
    ``axes`` with lengths ``sizes`` (for ``irfft`` the last one is the output
    length): resize, then one ``fft`` primitive."""
    a = asarray_like(a)
    nd = ndim_of(a)
    axes = tuple(canonicalize_axis(ax, nd) for ax in axes)
    sizes = list(sizes)
    inputs = list(sizes)
    if kind == "irfft":
        inputs[-1] = sizes[-1] // 2 + 1
    for n, ax in zip(inputs, axes, strict=True):
        a = resize_axis(a, ax, n)
    dt = dtype_of(a)
    if kind == "rfft":
        if dt.kind not in "f":
            a = jnp.astype(a, _real_dtype(dt))
    elif dt.kind != "c":
        a = jnp.astype(a, np.result_type(_real_dtype(dt), np.complex64))
    return fft_p.bind(a, kind=kind, axes=axes, norm=norm,
                      n=sizes[-1] if kind in ("rfft", "irfft") else None)


# ------------------------------------------------------------ DCT helpers


def _check(name, type, norm):
    if type != 2:
        raise NotImplementedError('Only DCT type 2 is implemented.')
    if norm is not None and norm not in ("backward", "ortho"):
        raise ValueError(f"jax.scipy.fft.{name}: norm={norm!r} is not implemented")


def _interleave_order(n):
    """Indices taking ``x`` to its even samples then its odd samples reversed."""
    return np.concatenate([np.arange(0, n, 2), np.arange(1, n, 2)[::-1]])


def _along(values, axis, nd):
    """A 1-D constant shaped to broadcast along ``axis`` of an ``nd``-array."""
    shape = [1] * nd
    shape[axis] = len(values)
    return np.reshape(values, shape)


def _ortho_factors(n, dtype):
    """The per-frequency factors taking the backward DCT-II to the orthonormal one."""
    f = np.full(n, np.sqrt(1.0 / (2 * n)))
    f[0] = np.sqrt(1.0 / (4 * n))
    return f.astype(dtype)


def _real_dtype(dt):
    """The float dtype a transform of ``dt`` data computes in (JAX's x64 rule:
    int32 and bool give float32, int64 float64)."""
    return _dt.to_inexact(dt) if dt.kind != "f" else dt


def _split_complex(fn, x, **kwargs):
    return lax_ops.complex(fn(jnp.real(x), **kwargs), fn(jnp.imag(x), **kwargs))


def _dct1(x, n, axis, norm):
    nd = ndim_of(x)
    axis = canonicalize_axis(axis, nd)
    if n is not None:
        x = resize_axis(x, axis, operator.index(n))
    size = shape_of(x)[axis]
    v = jnp.take(x, _interleave_order(size), axis=axis)
    spectrum = fft_axes(v, "fft", [size], [axis])
    rdt = _real_dtype(dtype_of(x))
    k = np.arange(size)
    twiddle = np.exp(-0.5j * np.pi * k / size).astype(np.result_type(rdt, np.complex64))
    out = 2 * jnp.real(spectrum * _along(twiddle, axis, nd))
    if norm == "ortho":
        out = out * _along(_ortho_factors(size, rdt), axis, nd)
    return out


def _idct1(x, n, axis, norm):
    nd = ndim_of(x)
    axis = canonicalize_axis(axis, nd)
    if n is not None:
        x = resize_axis(x, axis, operator.index(n))
    size = shape_of(x)[axis]
    rdt = _real_dtype(dtype_of(x))
    x = jnp.astype(x, rdt) if dtype_of(x) != rdt else x
    if norm == "ortho":
        x = x / _along(_ortho_factors(size, rdt), axis, nd)
    # X_k - i X_{N-k} (with X_N = 0), rotated back by exp(i pi k / 2N), is
    # twice the FFT of the reordered signal.
    k = np.arange(size)
    mirror = jnp.take(x, (size - k) % size, axis=axis) * _along((k > 0).astype(rdt), axis, nd)
    cdt = np.result_type(rdt, np.complex64)
    twiddle = np.exp(0.5j * np.pi * k / size).astype(cdt)
    spectrum = lax_ops.complex(x, -mirror) * _along(twiddle / 2, axis, nd)
    v = jnp.real(fft_axes(spectrum, "ifft", [size], [axis]))
    return jnp.take(v, np.argsort(_interleave_order(size)), axis=axis)


def _axes_and_sizes(x, s, axes):
    nd = ndim_of(x)
    if s is not None:
        try:
            s = [operator.index(v) for v in s]
        except TypeError:
            s = [operator.index(s)]
        if len(s) > nd:
            raise ValueError(f"s must have at most x.ndim ({nd}) elements, got {len(s)}")
    if axes is None:
        axes = range(nd - len(s), nd) if s is not None else range(nd)
    elif isinstance(axes, int):
        axes = (axes,)
    axes = tuple(canonicalize_axis(ax, nd) for ax in axes)
    sizes = [None] * len(axes) if s is None else s
    return axes, sizes


# ------------------------------------------------------------ public functions


def dct(x, type=2, n=None, axis=-1, norm=None):
    """The discrete cosine transform (type 2) along ``axis``, as
    ``scipy.fft.dct``; ``n`` pads or truncates, ``norm`` is ``None``
    ('backward') or ``'ortho'``.  Complex input transforms its real and
    imaginary parts.

    >>> np.round(dct(np.array([1.0, 2.0, 3.0]), norm="ortho"), 6) + 0.0
    array([ 3.464102, -1.414214,  0.      ])
    """
    _check("dct", type, norm)
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        return _split_complex(dct, x, n=n, axis=axis, norm=norm)
    return _dct1(x, n, axis, norm)


def dctn(x, type=2, s=None, axes=None, norm=None):
    """The multidimensional discrete cosine transform (type 2) over ``axes``
    (all, or the last ``len(s)``), each padded or truncated to ``s``, as
    ``scipy.fft.dctn``.

    >>> np.round(dctn(np.array([[1.0, 2.0], [3.0, 4.0]])), 6) + 0.0
    array([[ 40.      ,  -5.656854],
           [-11.313708,   0.      ]])
    """
    _check("dctn", type, norm)
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        return _split_complex(dctn, x, s=s, axes=axes, norm=norm)
    axes, sizes = _axes_and_sizes(x, s, axes)
    for n, ax in zip(sizes, axes, strict=True):
        x = _dct1(x, n, ax, norm)
    return x


def idct(x, type=2, n=None, axis=-1, norm=None):
    """The inverse of ``dct`` (type 2) along ``axis``, as ``scipy.fft.idct``.

    >>> np.round(idct(dct(np.array([1.0, 2.0, 3.0]))), 6)
    array([1., 2., 3.])
    """
    _check("idct", type, norm)
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        return _split_complex(idct, x, n=n, axis=axis, norm=norm)
    return _idct1(x, n, axis, norm)


def idctn(x, type=2, s=None, axes=None, norm=None):
    """The inverse of ``dctn`` (type 2), as ``scipy.fft.idctn``.

    >>> np.round(idctn(dctn(np.array([[1.0, 2.0], [3.0, 4.0]]))), 6)
    array([[1., 2.],
           [3., 4.]])
    """
    _check("idctn", type, norm)
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        return _split_complex(idctn, x, s=s, axes=axes, norm=norm)
    axes, sizes = _axes_and_sizes(x, s, axes)
    for n, ax in zip(sizes, axes, strict=True):
        x = _idct1(x, n, ax, norm)
    return x
