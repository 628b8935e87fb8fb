"""``vmapx.scipy.signal`` (``jax.scipy.signal``), the convolution half:
``convolve``, ``convolve2d``, ``correlate``, ``correlate2d``, ``fftconvolve``
and ``detrend``.  The spectral half (``stft``, ``istft``, ``csd``, ``welch``)
is in ``scipy_spectral``.

* The direct method is one ``conv_general_dilated`` (a correlation, so the
  kernel is flipped) over the full zero-padded extent; ``'same'`` and
  ``'valid'`` are centred static slices of it, as SciPy centres them.  The
  smaller input is the kernel (inputs are swapped when the second is larger
  in every dimension, as in SciPy and JAX).
* ``fftconvolve`` multiplies real (or complex) FFTs of both inputs padded to
  the full size; with ``axes`` the other axes are matched elementwise (they
  must have equal sizes, as in JAX).
* ``detrend`` fits the linear trends by least squares on a fixed design
  matrix (per segment between breakpoints): the fit is a constant linear map
  (its pseudo-inverse), applied with ``einsum``.
* Integers and bools are computed in float64; float32 stays float32.

Everything is built from primitives, so it batches under ``vmap`` (as one
convolution with the batch folded in) and differentiates in both modes.

>>> convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]))
array([0. , 1. , 2.5, 4. , 1.5])
"""
from __future__ import annotations

import operator

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp.base import asarray_like, canonicalize_axis
from .lax_conv import conv_general_dilated
from .scipy_fft import fft_axes
from .scipy_special import _promote_inexact
from . import numpy_api as jnp

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "fftconvolve", "detrend"]

_MODES = ("full", "same", "valid")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError("mode must be one of ['full', 'same', 'valid']")


def _centered(x, full_shape, out_shape):
    """The centred ``out_shape`` block of ``x`` (of shape ``full_shape``)."""
    starts = [(f - o) // 2 for f, o in zip(full_shape, out_shape, strict=True)]
    index = tuple(slice(s, s + o) for s, o in zip(starts, out_shape, strict=True))
    return x[index]


def _swap_needed(shape1, shape2, message):
    """Whether the second input is the larger (SciPy's rule); an error when
    neither is at least as large as the other in every dimension."""
    larger = all(a >= b for a, b in zip(shape1, shape2, strict=True))
    smaller = all(a <= b for a, b in zip(shape1, shape2, strict=True))
    if not (larger or smaller):
        raise ValueError(message)
    return not larger


def _convolve_direct(in1, in2, mode):
    _check_mode(mode)
    in1, in2 = asarray_like(in1), asarray_like(in2)
    if ndim_of(in1) != ndim_of(in2):
        raise ValueError("in1 and in2 must have the same number of dimensions")
    s1, s2 = shape_of(in1), shape_of(in2)
    if 0 in s1 or 0 in s2:
        raise ValueError("zero-size arrays not supported in convolutions, got shapes "
                         f"{s1} and {s2}.")
    in1, in2 = _promote_inexact(in1, in2)
    if _swap_needed(s1, s2, "One input must be smaller than the other in every dimension."):
        in1, in2 = in2, in1
    big, small = shape_of(in1), shape_of(in2)
    nd = len(big)
    kernel = jnp.flip(in2)
    if mode == "valid":
        padding = [(0, 0)] * nd
    else:
        padding = [(k - 1, k - 1) for k in small]
    out = conv_general_dilated(in1[None, None], kernel[None, None], (1,) * nd, padding)[0, 0]
    if mode == "same":
        full = tuple(b + k - 1 for b, k in zip(big, small, strict=True))
        out = _centered(out, full, s1)
    return out


def _check_2d(name, in1, in2, boundary, fillvalue):
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError(f"{name}() only supports boundary='fill', fillvalue=0")
    if np.ndim(in1) != 2 or np.ndim(in2) != 2:
        raise ValueError(f"{name}() only supports 2-dimensional inputs.")


def fftconvolve(in1, in2, mode="full", axes=None):
    """The convolution of two N-dimensional arrays through FFTs, as
    ``scipy.signal.fftconvolve``; ``axes`` limits it to those axes (the
    others must match in size and are combined elementwise).

    >>> np.round(fftconvolve(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0]), "same"), 6)
    array([1., 3., 5.])
    """
    in1, in2 = _promote_inexact(asarray_like(in1), asarray_like(in2))
    nd = ndim_of(in1)
    if nd != ndim_of(in2):
        raise ValueError("in1 and in2 should have the same dimensionality")
    _check_mode(mode)
    s1, s2 = shape_of(in1), shape_of(in2)
    if axes is None:
        axes = tuple(range(nd))
    else:
        axes = (axes,) if isinstance(axes, int) else tuple(operator.index(a) for a in axes)
        axes = tuple(canonicalize_axis(a, nd) for a in axes)
    mapped = [a for a in range(nd) if a not in axes]
    if any(s1[a] != s2[a] for a in mapped):
        raise ValueError(f"mapped axes must have same shape; got in1.shape={s1} "
                         f"in2.shape={s2} axes={axes}")
    if mode == "valid":
        sub1, sub2 = [s1[a] for a in axes], [s2[a] for a in axes]
        if _swap_needed(sub1, sub2, "For 'valid' mode, One input must be at least as large "
                                    "as the other in every dimension."):
            in1, in2, s1, s2 = in2, in1, s2, s1
    full = [s1[a] + s2[a] - 1 if a in axes else s1[a] for a in range(nd)]
    sizes = [full[a] for a in axes]
    if dtype_of(in1).kind == "c":
        product = fft_axes(in1, "fft", sizes, axes) * fft_axes(in2, "fft", sizes, axes)
        conv = fft_axes(product, "ifft", sizes, axes)
    elif axes:
        product = fft_axes(in1, "rfft", sizes, axes) * fft_axes(in2, "rfft", sizes, axes)
        conv = fft_axes(product, "irfft", sizes, axes)
    else:
        conv = in1 * in2
    if mode == "full":
        return conv
    if mode == "same":
        out = s1
    else:
        out = [s1[a] - s2[a] + 1 if a in axes else s1[a] for a in range(nd)]
    return _centered(conv, full, out)


def convolve(in1, in2, mode="full", method="auto", precision=None):
    """The convolution of two N-dimensional arrays, as
    ``scipy.signal.convolve``: ``method`` is ``'auto'`` or ``'direct'`` (one
    convolution primitive) or ``'fft'`` (``fftconvolve``); ``precision`` is
    accepted and ignored.

    >>> convolve(np.array([1, 2, 3, 2, 1]), np.array([1, 1, 1]), mode="valid")
    array([6., 7., 6.])
    """
    if method == "fft":
        return fftconvolve(in1, in2, mode=mode)
    if method in ("direct", "auto"):
        return _convolve_direct(in1, in2, mode)
    raise ValueError(f"Got method={method!r}; expected 'auto', 'fft', or 'direct'.")


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The convolution of two 2-D arrays, as ``scipy.signal.convolve2d``
    (only ``boundary='fill'`` with ``fillvalue=0``, as in JAX).

    >>> convolve2d(np.array([[1, 2], [3, 4]]), np.array([[1, 1]]))
    array([[1., 3., 2.],
           [3., 7., 4.]])
    """
    _check_2d("convolve2d", in1, in2, boundary, fillvalue)
    return _convolve_direct(in1, in2, mode)


def correlate(in1, in2, mode="full", method="auto", precision=None):
    """The cross-correlation of two N-dimensional arrays, as
    ``scipy.signal.correlate``: the convolution with ``in2`` flipped and
    conjugated.

    >>> correlate(np.array([1, 2, 3, 2, 1]), np.array([2, 1, 1]))
    array([1., 3., 7., 9., 9., 5., 2.])
    """
    in2 = asarray_like(in2)
    return convolve(in1, jnp.flip(jnp.conjugate(in2)), mode, method=method, precision=precision)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The cross-correlation of two 2-D arrays, as ``scipy.signal.correlate2d``
    (only ``boundary='fill'`` with ``fillvalue=0``, as in JAX).  In ``'valid'``
    mode with a larger second input the roles swap and the result is flipped
    and conjugated, as SciPy's is; ``'same'`` centres on the first input.

    >>> correlate2d(np.array([[1, 2], [3, 4]]), np.array([[1, 1]]))
    array([[1., 3., 2.],
           [3., 7., 4.]])
    """
    _check_2d("correlate2d", in1, in2, boundary, fillvalue)
    in1, in2 = asarray_like(in1), asarray_like(in2)
    s1, s2 = shape_of(in1), shape_of(in2)
    if mode == "same":
        # SciPy centres the correlation itself (flipping the result of a
        # centred convolution of the flipped input).
        return jnp.flip(_convolve_direct(jnp.flip(in1), jnp.conjugate(in2), mode))
    if mode == "valid" and s1 != s2 and all(a <= b for a, b in zip(s1, s2, strict=True)):
        out = _convolve_direct(jnp.flip(in2), jnp.conjugate(in1), mode)
        return out
    return _convolve_direct(in1, jnp.flip(jnp.conjugate(in2)), mode)


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=None):
    """``data`` less its mean (``type='constant'``) or its least-squares line
    (``'linear'``, piecewise between the breakpoints ``bp``) along ``axis``,
    as ``scipy.signal.detrend``.

    >>> np.round(detrend(np.array([1.0, 4.0, 8.0, 8.0, 9.0])), 6) + 0.0
    array([-1.,  0.,  2.,  0., -1.])
    """
    if overwrite_data is not None:
        raise NotImplementedError("overwrite_data argument not implemented.")
    if type not in ("constant", "linear"):
        raise ValueError("Trend type must be 'linear' or 'constant'.")
    (x,) = _promote_inexact(asarray_like(data))
    if type == "constant":
        return x - jnp.mean(x, axis, keepdims=True)
    axis = canonicalize_axis(axis, ndim_of(x))
    n = shape_of(x)[axis]
    points = np.sort(np.unique(np.concatenate([[0], np.atleast_1d(bp), [n]])))
    if points[0] < 0 or points[-1] > n:
        raise ValueError("Breakpoints must be non-negative and less than length of data "
                         "along given axis.")
    # The fitted trend is a fixed linear map of the data: block-diagonal
    # projections onto span{1, t} of each segment.
    projection = np.zeros((n, n))
    for lo, hi in zip(points[:-1], points[1:], strict=True):
        m = hi - lo
        design = np.stack([np.ones(m), np.arange(1, m + 1) / m], axis=1)
        projection[lo:hi, lo:hi] = design @ np.linalg.pinv(design)
    rdt = np.finfo(dtype_of(x)).dtype
    residual = np.eye(n) - projection
    moved = jnp.moveaxis(x, axis, -1)
    out = jnp.einsum("...j,ij->...i", moved, residual.astype(rdt))
    return jnp.moveaxis(out, -1, axis)
