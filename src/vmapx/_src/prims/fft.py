"""The discrete Fourier transform primitive.

``fft(x, kind, axes, norm, n)`` is ``numpy.fft.{fftn, ifftn, rfftn, irfftn}``
over the (non-negative, distinct) per-example ``axes``; for the real kinds the
real axis is ``axes[-1]`` and ``n`` is its length in the time domain (the
input length for ``rfft``, the output length for ``irfft``; ``None`` for the
complex kinds).  ``norm`` is NumPy's ('backward', 'ortho' or 'forward').  The
numpy layer pads or truncates inputs to the requested sizes first, so the
primitive never changes the length of a complex axis.

The transform is linear: its JVP is itself, and its transpose is another
transform (the DFT matrix is symmetric).  For the real kinds the transposes
follow JAX: ``rfft``'s is the real part of a full ``fft`` of the zero-padded
cotangent; ``irfft``'s is the conjugate of a weighted ``rfft`` with the
opposite normalisation.
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray
from . import elementwise as ew
from .shapes import pad_p

_IMPL = {"fft": np.fft.fftn, "ifft": np.fft.ifftn, "rfft": np.fft.rfftn, "irfft": np.fft.irfftn}
_SWAP_NORM = {"backward": "forward", "ortho": "ortho", "forward": "backward"}
_dtype_cache: dict = {}


def _fft(x, *, kind, axes, norm, n):
    if kind == "irfft":
        s = [np.shape(x)[a] for a in axes[:-1]] + [n]
        return np.fft.irfftn(x, s=s, axes=axes, norm=norm)
    return _IMPL[kind](x, axes=axes, norm=norm)


def _fft_abstract(a, *, kind, axes, norm, n):
    key = (kind, a.dtype)
    dt = _dtype_cache.get(key)
    if dt is None:
        probe = np.ones((2,), a.dtype)
        dt = _dtype_cache[key] = _fft(probe, kind=kind, axes=(0,), norm=norm, n=2).dtype
    shape = list(a.shape)
    if kind == "rfft":
        shape[axes[-1]] = n // 2 + 1
    elif kind == "irfft":
        shape[axes[-1]] = n
    return ShapedArray(tuple(shape), dt)


fft_p = Primitive("fft", _fft, abstract=_fft_abstract)


def _fft_batch(axis, vals, dims, *, kind, axes, norm, n):
    (x,), (d,) = vals, dims
    return fft_p.bind(x, kind=kind, axes=tuple(a + (a >= d) for a in axes), norm=norm, n=n), d


def _fft_jvp(primals, tangents, **params):
    (x,), (t,) = primals, tangents
    out = fft_p.bind(x, **params)
    return out, None if t is None else fft_p.bind(t, **params)


def _fft_transpose(ct, x, *, kind, axes, norm, n):
    if ct is None:
        return [None]
    if kind in ("fft", "ifft"):
        out = fft_p.bind(ct, kind=kind, axes=axes, norm=norm, n=None)
        return [ew.real_p.bind(out) if x.aval.dtype.kind != "c" else out]
    last = axes[-1]
    nd = len(ct.shape)
    if kind == "rfft":
        m = ct.shape[last]
        pw = tuple((0, n - m) if i == last else (0, 0) for i in range(nd))
        full = fft_p.bind(pad_p.bind(ct, pad_width=pw, value=0), kind="fft", axes=axes, norm=norm,
                          n=None)
        return [ew.real_p.bind(full)]
    # irfft: weight the rfft of the cotangent by how often each frequency
    # appears in the Hermitian-symmetric spectrum, then conjugate.
    x = fft_p.bind(ct, kind="rfft", axes=axes, norm=_SWAP_NORM[norm], n=n)
    m = n // 2 + 1
    mask = np.full(m, 2.0)
    mask[0] = 1.0
    if n % 2 == 0:
        mask[-1] = 1.0
    shape = [1] * nd
    shape[last] = m
    mask = mask.astype(np.finfo(x.dtype).dtype).reshape(shape)
    return [ew.conjugate_p.bind(ew.multiply_p.bind(x, mask))]


fft_p.batch = _fft_batch
fft_p.jvp = _fft_jvp
fft_p.transpose = _fft_transpose
