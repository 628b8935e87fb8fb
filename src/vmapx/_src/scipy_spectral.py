"""``vmapx.scipy.signal``'s spectral functions (``jax.scipy.signal``):
``stft``, ``istft``, ``csd`` and ``welch``.

* Segments are one gather with constant indices (segment starts plus
  offsets) along the signal axis, giving ``(..., segments, nperseg)``; each is
  detrended, windowed and transformed with one ``fft`` primitive.
* ``istft`` overlap-adds the inverse transforms with one scatter-add of
  constant indices, then divides by the overlap-added squared window where it
  exceeds 1e-10 (SciPy's and JAX's rule).
* Windows: ``'hann'`` is computed here (``sin(pi n / N) ** 2``); other names
  and ``(name, parameter)`` tuples come from ``scipy.signal.get_window``
  (loaded on first use); an array is used as given (it may be traced).
* The arguments that fix shapes (``nperseg``, ``noverlap``, ``nfft``,
  ``axis``) must be concrete, as in JAX.  ``fs`` may be traced.
* ``istft`` inverts with the FFT length it computed (``nfft``, or the one
  implied by the input and ``nperseg``), as SciPy does.

>>> f, t, z = stft(np.array([1.0, 2.0, 3.0, 2.0]), nperseg=4)
>>> z.shape
(3, 3)
"""
from __future__ import annotations

import operator
import warnings

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp.base import asarray_like, canonicalize_axis
from .jnp.static_args import concrete_or_error
from .scipy_fft import fft_axes
from .scipy_signal import detrend as _detrend
from .scipy_special import _promote_inexact
from . import numpy_api as jnp

__all__ = ["stft", "istft", "csd", "welch"]


def _concrete_int(x, what):
    return operator.index(concrete_or_error(x, what, "it fixes a shape"))


def _complex_dtype(dt):
    return np.result_type(dt, np.complex64)


def _hann(n, dtype):
    if n == 1:
        return np.ones(1, dtype)
    return (np.sin(np.linspace(0, np.pi, n, endpoint=False)) ** 2).astype(dtype)


def _named_window(window, n, dtype):
    if isinstance(window, str) and window == "hann":
        return _hann(n, dtype)
    import scipy.signal   # SciPy's window catalogue, loaded on first use
    return np.asarray(scipy.signal.get_window(window, n), dtype)


def _window_and_length(window, nperseg, length, dtype):
    """The window and the segment length, by SciPy's rules for a named window
    (default length: the whole signal) or an array window (its own length)."""
    if isinstance(window, (str, tuple)):
        n = length if nperseg is None else int(nperseg)
        if n > length:
            warnings.warn(f"nperseg={n} is greater than input_length={length}, "
                          f"using nperseg={length}")
            n = length
        return _named_window(window, n, dtype), n
    win = jnp.astype(asarray_like(window), dtype)
    size = shape_of(win)[0] if ndim_of(win) else 1
    n = size if nperseg is None else int(nperseg)
    if ndim_of(win) != 1:
        raise ValueError("window must be 1-D")
    if length < size:
        raise ValueError("window is longer than input signal")
    if n != size:
        raise ValueError("value specified for nperseg is different from length of window")
    return win, n


def _odd_extension(x, n):
    if n < 1:
        return x
    length = shape_of(x)[-1]
    if n > length - 1:
        raise ValueError(f"The extension length n ({n}) is too big. It must not exceed "
                         f"x.shape[axis]-1, which is {length - 1}.")
    left = 2 * x[..., :1] - jnp.flip(x[..., 1:n + 1], -1)
    right = 2 * x[..., -1:] - jnp.flip(x[..., -(n + 1):-1], -1)
    return jnp.concatenate([left, x, right], axis=-1)


def _extend(x, boundary, n):
    widths = [(0, 0)] * (ndim_of(x) - 1) + [(n, n)]
    if boundary == "even":
        return jnp.pad(x, widths, mode="reflect")
    if boundary == "odd":
        return _odd_extension(x, n)
    if boundary == "constant":
        return jnp.pad(x, widths, mode="edge")
    return jnp.pad(x, widths)


_BOUNDARIES = ("even", "odd", "constant", "zeros", None)


def _detrender(detrend):
    if isinstance(detrend, str):
        return lambda d: _detrend(d, axis=-1, type=detrend)
    if callable(detrend):
        return detrend
    if not detrend:
        return lambda d: d
    raise ValueError(f"Unsupported detrend type: {detrend}")


def _segment_spectra(x, win, detrend, nperseg, noverlap, nfft, twosided):
    """The windowed FFTs of the segments of ``x`` along its last axis:
    ``(..., segments, frequencies)``."""
    length = shape_of(x)[-1]
    step = nperseg - noverlap
    starts = np.arange(0, length - nperseg + 1, step)
    segments = jnp.take(x, starts[:, None] + np.arange(nperseg)[None, :], axis=-1)
    segments = detrend(segments)
    if dtype_of(win).kind == "c" and dtype_of(segments).kind != "c":
        segments = jnp.astype(segments, _complex_dtype(dtype_of(segments)))
    segments = win * segments
    if twosided:
        return fft_axes(segments, "fft", [nfft], [-1])
    return fft_axes(jnp.real(segments), "rfft", [nfft], [-1])


def _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
              scaling, axis, mode, boundary=None, padded=False):
    """SciPy's ``_spectral_helper`` (``y=None``: the auto-spectrum):
    ``(frequencies, times, result)`` with the frequencies before the segments
    in place of ``axis``."""
    if boundary not in _BOUNDARIES:
        raise ValueError(f"Unknown boundary option '{boundary}', must be one of: "
                         f"{list(_BOUNDARIES)}")
    axis = _concrete_int(axis, "axis of windowed-FFT")
    x = asarray_like(x)
    axis = canonicalize_axis(axis, ndim_of(x))
    if y is None:
        (x,) = _promote_inexact(x)
        other = tuple(s for i, s in enumerate(shape_of(x)) if i != axis)
    else:
        x, y = _promote_inexact(x, asarray_like(y))
        if ndim_of(x) != ndim_of(y):
            raise ValueError(f"two-arguments must have the same rank ({ndim_of(x)} vs "
                             f"{ndim_of(y)}).")
        try:
            other = np.broadcast_shapes(
                tuple(s for i, s in enumerate(shape_of(x)) if i != axis),
                tuple(s for i, s in enumerate(shape_of(y)) if i != axis))
        except ValueError as err:
            raise ValueError("x and y cannot be broadcast together.") from err
    result_dtype = _complex_dtype(dtype_of(x))
    freq_dtype = np.finfo(result_dtype).dtype
    if nperseg is not None:
        nperseg = _concrete_int(nperseg, "nperseg of windowed-FFT")
        if nperseg < 1:
            raise ValueError("nperseg must be a positive integer")
    win, nperseg = _window_and_length(window, nperseg, shape_of(x)[axis], dtype_of(x))
    noverlap = nperseg // 2 if noverlap is None else _concrete_int(noverlap,
                                                                    "noverlap of windowed-FFT")
    nfft = nperseg if nfft is None else _concrete_int(nfft, "nfft of windowed-FFT")
    sizes = [np.prod(shape_of(x))] + ([] if y is None else [np.prod(shape_of(y))])
    if 0 in sizes:
        length = shape_of(x)[axis] if y is None else min(shape_of(x)[axis], shape_of(y)[axis])
        shape = shape_of(x) if y is None else other[:axis] + (length,) + other[axis:]
        return (jnp.zeros(shape, freq_dtype), jnp.zeros(shape, freq_dtype),
                jnp.zeros(shape, result_dtype))
    x = jnp.moveaxis(x, axis, -1)
    if y is not None:
        y = jnp.moveaxis(y, axis, -1)
        lx, ly = shape_of(x)[-1], shape_of(y)[-1]
        if lx < ly:
            x = jnp.pad(x, [(0, 0)] * (ndim_of(x) - 1) + [(0, ly - lx)])
        elif ly < lx:
            y = jnp.pad(y, [(0, 0)] * (ndim_of(y) - 1) + [(0, lx - ly)])
    if nfft < nperseg:
        raise ValueError("nfft must be greater than or equal to nperseg.")
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    step = nperseg - noverlap
    signals = [x] if y is None else [x, y]
    if boundary is not None:
        signals = [_extend(s, boundary, nperseg // 2) for s in signals]
    if padded:
        extra = (-(shape_of(signals[0])[-1] - nperseg) % step) % nperseg
        signals = [jnp.pad(s, [(0, 0)] * (ndim_of(s) - 1) + [(0, extra)]) for s in signals]

    win_sum = jnp.sum(win)
    if scaling == "density":
        scale = 1.0 / (fs * jnp.sum(win * win))
    elif scaling == "spectrum":
        scale = 1.0 / win_sum ** 2
    else:
        raise ValueError(f"Unknown scaling: {scaling}")
    if mode == "stft":
        scale = jnp.sqrt(scale)

    twosided = not return_onesided
    if return_onesided and any(dtype_of(s).kind == "c" for s in signals):
        twosided = True
        warnings.warn("Input data is complex, switching to return_onesided=False")
    k = np.arange(nfft) if twosided else np.arange(nfft // 2 + 1)
    if twosided:
        k = np.where(k < (nfft + 1) // 2, k, k - nfft)
    freqs = jnp.astype(k / (nfft * (1 / asarray_like(fs))), freq_dtype)

    spectra = [_segment_spectra(s, win, _detrender(detrend), nperseg, noverlap, nfft, twosided)
               for s in signals]
    if y is not None:
        result = jnp.conjugate(spectra[0]) * spectra[1]
    elif mode == "psd":
        result = jnp.conjugate(spectra[0]) * spectra[0]
    else:
        result = spectra[0]
    result = result * jnp.astype(scale, result_dtype)
    if not twosided and mode == "psd":
        doubled = np.ones(shape_of(result)[-1])
        doubled[1:None if nfft % 2 else -1] = 2
        result = result * doubled
    length = shape_of(signals[0])[-1]
    times = jnp.astype(np.arange(nperseg / 2, length - nperseg / 2 + 1, step), freq_dtype) / fs
    if boundary is not None:
        times = times - (nperseg / 2) / fs
    times = jnp.astype(times, freq_dtype)
    result = jnp.astype(result, result_dtype)
    if y is None and mode != "stft":
        result = jnp.real(result)
    return freqs, times, jnp.moveaxis(result, -1, axis)


def stft(x, fs=1.0, window="hann", nperseg=256, noverlap=None, nfft=None, detrend=False,
         return_onesided=True, boundary="zeros", padded=True, axis=-1):
    """The short-time Fourier transform, as ``scipy.signal.stft``:
    ``(frequencies, segment times, Zxx)``.

    >>> f, t, z = stft(np.array([1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 1.0, 2.0]), nperseg=4)
    >>> f
    array([0.  , 0.25, 0.5 ])
    >>> np.round(z[0], 4)
    array([1. +0.j, 2.5+0.j, 1. +0.j, 1. +0.j, 0.5+0.j])
    """
    return _spectral(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
                     scaling="spectrum", axis=axis, mode="stft", boundary=boundary,
                     padded=padded)


def _median_bias(n):
    ii = np.arange(2.0, n, 2)
    return 1 + np.sum(1.0 / (ii + 1) - 1.0 / ii)


def csd(x, y, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
        detrend="constant", return_onesided=True, scaling="density", axis=-1, average="mean"):
    """The cross power spectral density of ``x`` and ``y`` by Welch's method,
    as ``scipy.signal.csd``: ``(frequencies, Pxy)``; ``y=None`` is the power
    spectral density of ``x`` (real).

    >>> f, p = csd(np.array([1.0, 2.0, 3.0, 2.0]), np.array([0.0, 1.0, 0.0, 1.0]), nperseg=2)
    >>> p
    array([-0.08333333+0.j, -0.08333333+0.j])
    """
    freqs, _, pxy = _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend,
                              return_onesided, scaling, axis, mode="psd")
    if y is not None:
        pxy = pxy + 0j if dtype_of(pxy).kind != "c" else pxy
    if ndim_of(pxy) >= 2 and np.prod(shape_of(pxy)) > 0:
        segments = shape_of(pxy)[-1]
        if segments > 1:
            if average == "median":
                bias = _median_bias(segments)
                if dtype_of(pxy).kind == "c":
                    pxy = jnp.median(jnp.real(pxy), axis=-1) + 1j * jnp.median(
                        jnp.imag(pxy), axis=-1)
                else:
                    pxy = jnp.median(pxy, axis=-1)
                pxy = pxy / np.asarray(bias, np.finfo(dtype_of(pxy)).dtype)
            elif average == "mean":
                pxy = jnp.mean(pxy, axis=-1)
            else:
                raise ValueError(f'average must be "median" or "mean", got {average}')
        else:
            pxy = jnp.reshape(pxy, shape_of(pxy)[:-1])
    return freqs, pxy


def welch(x, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
          detrend="constant", return_onesided=True, scaling="density", axis=-1,
          average="mean"):
    """The power spectral density of ``x`` by Welch's method, as
    ``scipy.signal.welch``: ``(frequencies, Pxx)``.

    >>> f, p = welch(np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0]), nperseg=4)
    >>> f
    array([0.  , 0.25, 0.5 ])
    >>> np.round(p, 6) + 0.0
    array([0.      , 1.333333, 2.666667])
    """
    freqs, pxx = csd(x, None, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                     nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                     scaling=scaling, axis=axis, average=average)
    return freqs, jnp.real(pxx)


def _overlap_add(frames, step):
    """Frames ``(..., n, length)`` added at offsets ``0, step, 2 step, ...``."""
    *batch, count, length = shape_of(frames)
    total = step * (count - 1) + length
    index = (np.arange(count)[:, None] * step + np.arange(length)[None, :])
    out = jnp.zeros((*batch, total), dtype_of(frames))
    return out.at[..., index].add(frames)


def istft(Zxx, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
          input_onesided=True, boundary=True, time_axis=-1, freq_axis=-2):
    """The inverse short-time Fourier transform, as ``scipy.signal.istft``:
    ``(times, x)``.

    >>> x = np.array([1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 1.0, 2.0])
    >>> t, y = istft(stft(x, nperseg=4)[2], nperseg=4)
    >>> np.round(y, 6) + 0.0
    array([1., 2., 3., 2., 1., 0., 1., 2.])
    """
    z = asarray_like(Zxx)
    nd = ndim_of(z)
    if nd < 2:
        raise ValueError("Input stft must be at least 2d!")
    freq_axis = canonicalize_axis(freq_axis, nd)
    time_axis = canonicalize_axis(time_axis, nd)
    if freq_axis == time_axis:
        raise ValueError("Must specify differing time and frequency axes!")
    cdt = _complex_dtype(dtype_of(z))
    z = jnp.astype(z, cdt) if dtype_of(z) != cdt else z
    nfreq = shape_of(z)[freq_axis]
    n_default = 2 * (nfreq - 1) if input_onesided else nfreq
    nperseg = _concrete_int(nperseg or n_default, "nperseg: segment length of STFT")
    if nperseg < 1:
        raise ValueError("nperseg must be a positive integer")
    if nfft is None:
        nfft = n_default + (1 if input_onesided and nperseg == n_default + 1 else 0)
    else:
        nfft = _concrete_int(nfft, "nfft of STFT")
    if nfft < nperseg:
        raise ValueError(f"FFT length ({nfft}) must be longer than nperseg ({nperseg}).")
    noverlap = _concrete_int(noverlap or nperseg // 2, "noverlap of STFT")
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    step = nperseg - noverlap
    if time_axis != nd - 1 or freq_axis != nd - 2:
        outer = tuple(i for i in range(nd) if i not in (time_axis, freq_axis))
        z = jnp.transpose(z, outer + (freq_axis, time_axis))
    # (..., time, freq): one inverse transform per segment along the last axis.
    z = jnp.swapaxes(z, -1, -2)
    if input_onesided:
        frames = fft_axes(z, "irfft", [nfft], [-1])
    else:
        frames = fft_axes(z, "ifft", [nfft], [-1])
    frames = frames[..., :nperseg]
    rdt = dtype_of(frames)
    if isinstance(window, (str, tuple)):
        win = _named_window(window, nperseg, np.finfo(rdt).dtype)
    else:
        win = asarray_like(window)
        if ndim_of(win) != 1:
            raise ValueError("window must be 1-D")
        if shape_of(win)[0] != nperseg:
            raise ValueError(f"window must have length of {nperseg}")
        win = jnp.astype(win, rdt)
    frames = frames * jnp.sum(win)   # undoes stft's 'spectrum' scaling
    x = _overlap_add(frames * win, step)
    count = shape_of(frames)[-2]
    norm = _overlap_add(jnp.broadcast_to(win * win, (count, nperseg)), step)
    if boundary:
        half = nperseg // 2
        x = x[..., half:-half]
        norm = norm[..., half:-half]
    x = x / jnp.where(norm > 1e-10, norm, jnp.ones((), dtype_of(norm)))
    if ndim_of(x) > 1 and time_axis != nd - 1:
        if freq_axis < time_axis:
            time_axis -= 1
        x = jnp.moveaxis(x, -1, time_axis)
    times = jnp.astype(np.arange(shape_of(x)[0]), np.finfo(dtype_of(x)).dtype) / fs
    return times, x
