"""``vmapx.scipy.signal``, ``vmapx.scipy.fft`` and ``vmapx.scipy.integrate``:
SciPy's values (JAX's where JAX differs or is installed), batched under
``vmap`` as the loop, derivatives as finite differences, ``jit`` as eager."""
import warnings

import numpy as np
import pytest
import scipy.fft as sf
import scipy.integrate as si
import scipy.signal as ss

import vmapx
from array_checks import jit_equals_eager, loop_equals_vmap, same
from vmapx.scipy import fft, integrate, signal
from vmapx.test_util import check_grads

RNG = np.random.default_rng(0)


def _same(got, want, rtol=1e-9, atol=1e-10):
    same(got, want, rtol, atol)


_loop_equals_vmap, _jit_equals_eager = loop_equals_vmap, jit_equals_eager


# ------------------------------------------------------------ convolutions

SHAPES_1D = [((6,), (3,)), ((3,), (6,)), ((4,), (4,)), ((1,), (3,))]
SHAPES_2D = [((4, 5), (2, 3)), ((2, 3), (4, 5)), ((3, 3), (3, 3)), ((4, 6), (3, 2))]


def _pair(a, b, complex_):
    x, y = RNG.standard_normal(a), RNG.standard_normal(b)
    if complex_:
        x, y = x + 1j * RNG.standard_normal(a), y - 1j * RNG.standard_normal(b)
    return x, y


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("complex_", [False, True])
def test_convolve_and_correlate_equal_scipy(mode, method, complex_):
    for a, b in SHAPES_1D + SHAPES_2D:
        x, y = _pair(a, b, complex_)
        _same(signal.convolve(x, y, mode, method=method), ss.convolve(x, y, mode, method=method))
        _same(signal.correlate(x, y, mode, method=method),
              ss.correlate(x, y, mode, method=method))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("complex_", [False, True])
def test_convolve2d_and_correlate2d_equal_scipy(mode, complex_):
    for a, b in SHAPES_2D:
        x, y = _pair(a, b, complex_)
        _same(signal.convolve2d(x, y, mode), ss.convolve2d(x, y, mode))
        _same(signal.correlate2d(x, y, mode), ss.correlate2d(x, y, mode))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_fftconvolve_over_some_axes_equals_scipy(mode):
    x, y = RNG.standard_normal((3, 7)), RNG.standard_normal((3, 4))
    for axes in (1, [-1], (1,)):
        _same(signal.fftconvolve(x, y, mode, axes=axes), ss.fftconvolve(x, y, mode, axes=axes))
    x3, y3 = RNG.standard_normal((5, 2, 6)), RNG.standard_normal((3, 2, 2))
    _same(signal.fftconvolve(x3, y3, mode, axes=(0, 2)),
          ss.fftconvolve(x3, y3, mode, axes=(0, 2)))


def test_convolution_dtypes_float32_stays_and_integers_become_float64():
    x32, k32 = np.arange(5, dtype=np.float32), np.ones(3, np.float32)
    for f in (signal.convolve, signal.correlate, signal.fftconvolve):
        assert f(x32, k32).dtype == np.float32
        assert f(np.arange(5), np.ones(3, int)).dtype == np.float64
    assert signal.convolve2d(np.eye(3, dtype=np.float32), np.ones((2, 2), np.float32)).dtype \
        == np.float32
    assert signal.convolve(x32.astype(np.complex64), k32).dtype == np.complex64


def test_convolution_errors():
    with pytest.raises(ValueError, match="mode must be one of"):
        signal.convolve(np.ones(3), np.ones(2), "bad")
    with pytest.raises(ValueError, match="method="):
        signal.convolve(np.ones(3), np.ones(2), method="other")
    with pytest.raises(ValueError, match="same number of dimensions"):
        signal.convolve(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match="smaller than the other in every dimension"):
        signal.convolve(np.ones((2, 5)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="zero-size arrays"):
        signal.convolve(np.ones(3), np.ones(0))
    with pytest.raises(ValueError, match="at least as large as the other"):
        signal.fftconvolve(np.ones((2, 5)), np.ones((3, 2)), "valid")
    with pytest.raises(ValueError, match="mapped axes must have same shape"):
        signal.fftconvolve(np.ones((2, 5)), np.ones((3, 2)), axes=1)
    with pytest.raises(NotImplementedError, match="boundary='fill'"):
        signal.convolve2d(np.ones((2, 2)), np.ones((2, 2)), boundary="wrap")
    with pytest.raises(ValueError, match="2-dimensional"):
        signal.correlate2d(np.ones(3), np.ones(2))


CONV_FUNCTIONS = [
    ("convolve_full", lambda a, b: signal.convolve(a, b)),
    ("convolve_same", lambda a, b: signal.convolve(a, b, "same")),
    ("correlate_valid", lambda a, b: signal.correlate(a, b, "valid")),
    ("fftconvolve_same", lambda a, b: signal.fftconvolve(a, b, "same")),
    ("convolve_fft_valid", lambda a, b: signal.convolve(a, b, "valid", method="fft")),
]


@pytest.mark.parametrize("name, f", CONV_FUNCTIONS, ids=[n for n, _ in CONV_FUNCTIONS])
def test_convolutions_vmap_grad_and_jit(name, f):
    x, k = RNG.standard_normal((3, 7)), RNG.standard_normal((3, 3))
    _loop_equals_vmap(f, x, k)
    _loop_equals_vmap(f, x, k[0], in_axes=(0, None))
    _loop_equals_vmap(f, x[0], k, in_axes=(None, 0))
    check_grads(f, (x[0], k[0]), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, x[0], k[0])


def test_2d_convolutions_vmap_grad_and_jit():
    x, k = RNG.standard_normal((3, 4, 5)), RNG.standard_normal((3, 2, 3))
    for mode in ("full", "same", "valid"):
        for f in (lambda a, b: signal.convolve2d(a, b, mode),
                  lambda a, b: signal.correlate2d(a, b, mode)):
            _loop_equals_vmap(f, x, k)
            check_grads(f, (x[0], k[0]), order=1, modes=("rev",))
            _jit_equals_eager(f, x[0], k[0])


# ------------------------------------------------------------ detrend


@pytest.mark.parametrize("kind, bp", [("linear", 0), ("constant", 0), ("linear", [2, 5]),
                                      ("linear", 3)])
@pytest.mark.parametrize("axis", [0, -1])
def test_detrend_equals_scipy(kind, bp, axis):
    data = RNG.standard_normal((9, 8))
    _same(signal.detrend(data, axis=axis, type=kind, bp=bp),
          ss.detrend(data, axis=axis, type=kind, bp=bp))


def test_detrend_dtypes_errors_and_transforms():
    assert signal.detrend(np.arange(6)).dtype == np.float64
    assert signal.detrend(np.arange(6, dtype=np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="Trend type"):
        signal.detrend(np.ones(4), type="quadratic")
    with pytest.raises(ValueError, match="Breakpoints"):
        signal.detrend(np.ones(4), bp=7)
    with pytest.raises(NotImplementedError, match="overwrite_data"):
        signal.detrend(np.ones(4), overwrite_data=True)
    data = RNG.standard_normal((3, 8))
    f = lambda d: signal.detrend(d, bp=[3])  # noqa: E731
    _loop_equals_vmap(f, data)
    check_grads(f, (data[0],), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, data[0])


# ------------------------------------------------------------ spectral estimates

SIGNAL = RNG.standard_normal((3, 40))
OTHER = RNG.standard_normal((3, 40))
WELCH_CASES = [dict(), dict(nperseg=8), dict(nperseg=8, noverlap=2), dict(nperseg=8, nfft=12),
               dict(nperseg=7, window=("tukey", 0.3)), dict(nperseg=8, detrend="linear"),
               dict(nperseg=8, detrend=False), dict(nperseg=8, return_onesided=False),
               dict(nperseg=9, scaling="spectrum"), dict(nperseg=8, average="median"),
               dict(nperseg=8, fs=10.0), dict(window=np.hamming(10))]


@pytest.mark.filterwarnings("ignore:nperseg=256")   # SciPy's default, then the whole signal
@pytest.mark.parametrize("kw", WELCH_CASES, ids=[str(sorted(k)) for k in WELCH_CASES])
def test_welch_and_csd_equal_scipy(kw):
    _same(signal.welch(SIGNAL, **kw), ss.welch(SIGNAL, **kw))
    _same(signal.welch(SIGNAL.T, axis=0, **kw), ss.welch(SIGNAL.T, axis=0, **kw))
    _same(signal.csd(SIGNAL, OTHER, **kw), ss.csd(SIGNAL, OTHER, **kw))


STFT_CASES = [dict(nperseg=16), dict(nperseg=8, noverlap=6), dict(nperseg=8, nfft=10),
              dict(nperseg=16, boundary=None, padded=False), dict(nperseg=16, boundary="even"),
              dict(nperseg=16, boundary="odd"), dict(nperseg=16, boundary="constant"),
              dict(nperseg=7, window="hamming"), dict(nperseg=8, return_onesided=False),
              dict(nperseg=8, detrend="constant")]


@pytest.mark.parametrize("kw", STFT_CASES, ids=[str(sorted(k)) for k in STFT_CASES])
def test_stft_equals_scipy_and_istft_inverts_it(kw):
    _same(signal.stft(SIGNAL, **kw), ss.stft(SIGNAL, **kw))
    if kw.get("detrend") or kw.get("boundary", "zeros") != "zeros":
        return
    z = np.asarray(signal.stft(SIGNAL, **kw)[2])
    inverse = {k: v for k, v in kw.items() if k in ("nperseg", "noverlap", "nfft", "window")}
    inverse["input_onesided"] = kw.get("return_onesided", True)
    inverse["boundary"] = kw.get("boundary", "zeros") is not None
    _same(signal.istft(z, **inverse), ss.istft(z, **inverse))
    if inverse["boundary"]:
        t, x = signal.istft(z, **inverse)
        np.testing.assert_allclose(np.real(x[..., :40]), SIGNAL, atol=1e-12)


def test_a_callable_detrend_sees_each_segment_as_in_scipy():
    # JAX 0.10.2 moves the segment axis under the callable (its wrapper moves
    # the wrong way); SciPy's meaning stands.
    remove_mean = lambda d: d - jnp_mean(d)  # noqa: E731
    _same(signal.stft(SIGNAL, nperseg=8, detrend=remove_mean),
          ss.stft(SIGNAL, nperseg=8, detrend=remove_mean))
    _same(signal.welch(SIGNAL, nperseg=8, detrend=remove_mean),
          ss.welch(SIGNAL, nperseg=8, detrend=remove_mean))


def jnp_mean(d):
    return vmapx.numpy.mean(d, axis=-1, keepdims=True)


def test_istft_with_other_axes_and_float32():
    z = np.asarray(signal.stft(SIGNAL, nperseg=8)[2])           # (3, 5, segments)
    moved = np.moveaxis(z, 0, -1)                               # (5, segments, 3)
    _same(signal.istft(moved, nperseg=8, time_axis=1, freq_axis=0),
          ss.istft(moved, nperseg=8, time_axis=1, freq_axis=0))
    f, t, z32 = signal.stft(SIGNAL.astype(np.float32), nperseg=8)
    assert (f.dtype, t.dtype, z32.dtype) == (np.float32, np.float32, np.complex64)
    assert signal.istft(z32, nperseg=8)[1].dtype == np.float32
    assert signal.welch(np.arange(20), nperseg=8)[1].dtype == np.float64


def test_spectral_complex_input_is_two_sided_with_a_warning():
    x = SIGNAL + 1j * OTHER
    with pytest.warns(UserWarning, match="switching to return_onesided=False"):
        got = signal.welch(x, nperseg=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(got, ss.welch(x, nperseg=8))


def test_spectral_errors():
    with pytest.raises(ValueError, match="noverlap must be less than nperseg"):
        signal.welch(SIGNAL, nperseg=8, noverlap=8)
    with pytest.raises(ValueError, match="nfft must be greater than or equal to nperseg"):
        signal.welch(SIGNAL, nperseg=8, nfft=4)
    with pytest.raises(ValueError, match="Unknown scaling"):
        signal.welch(SIGNAL, nperseg=8, scaling="power")
    with pytest.raises(ValueError, match="average must be"):
        signal.welch(SIGNAL, nperseg=8, average="mode")
    with pytest.raises(ValueError, match="Unknown boundary option"):
        signal.stft(SIGNAL, nperseg=8, boundary="wrap")
    with pytest.raises(ValueError, match="at least 2d"):
        signal.istft(np.ones(4))
    with pytest.raises(ValueError, match="differing time and frequency axes"):
        signal.istft(np.ones((4, 4)), time_axis=0, freq_axis=0)
    with pytest.raises(vmapx.errors.ConcretizationTypeError):
        vmapx.jit(lambda x, n: signal.welch(x, nperseg=n))(SIGNAL[0], 8)


SPECTRAL_FUNCTIONS = [
    ("welch", lambda x: signal.welch(x, nperseg=8)[1]),
    ("welch_median", lambda x: signal.welch(x, nperseg=8, average="median")[1]),
    ("csd", lambda x: signal.csd(x, x[::-1], nperseg=8, detrend="linear")[1]),
    ("stft", lambda x: signal.stft(x, nperseg=8)[2]),
    ("istft_of_stft", lambda x: signal.istft(signal.stft(x, nperseg=8)[2] * 1.5, nperseg=8)[1]),
]


@pytest.mark.parametrize("name, f", SPECTRAL_FUNCTIONS, ids=[n for n, _ in SPECTRAL_FUNCTIONS])
def test_spectral_vmap_grad_and_jit(name, f):
    x = RNG.standard_normal((3, 24))
    _loop_equals_vmap(f, x)
    real = lambda v: vmapx.numpy.real(f(v)) + vmapx.numpy.imag(f(v))  # noqa: E731
    check_grads(real, (x[0],), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, x[0])


def test_sampling_frequency_and_array_windows_may_be_traced():
    x = SIGNAL[0]
    rates = np.array([1.0, 2.0, 4.0])
    freqs, power = vmapx.vmap(lambda fs: signal.welch(x, fs=fs, nperseg=8))(rates)
    times = vmapx.vmap(lambda fs: signal.stft(x, fs=fs, nperseg=8)[1])(rates)
    for i, fs in enumerate(rates):
        want_f, want_p = ss.welch(x, fs=fs, nperseg=8)
        np.testing.assert_allclose(freqs[i], want_f, rtol=1e-12)
        np.testing.assert_allclose(power[i], want_p, rtol=1e-12)
        np.testing.assert_allclose(times[i], ss.stft(x, fs=fs, nperseg=8)[1], rtol=1e-12)
    windows = np.stack([np.hanning(8), np.hamming(8), np.ones(8)])
    f = lambda w: signal.welch(x, window=w)[1]  # noqa: E731
    _loop_equals_vmap(f, windows)
    _same(f(windows[1]), ss.welch(x, window=windows[1])[1])
    check_grads(f, (windows[1],), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(lambda fs: signal.welch(x, fs=fs, nperseg=8)[1], 3.0)


def test_istft_vmaps_over_spectra_and_differentiates_in_them():
    z = np.asarray(signal.stft(RNG.standard_normal((3, 24)), nperseg=8)[2])
    f = lambda re, im: signal.istft(re + 1j * im, nperseg=8)[1]  # noqa: E731
    _loop_equals_vmap(f, z.real.copy(), z.imag.copy())
    check_grads(f, (z[0].real.copy(), z[0].imag.copy()), order=1, modes=("fwd", "rev"))


# ------------------------------------------------------------ DCT


@pytest.mark.parametrize("norm", [None, "backward", "ortho"])
def test_dct_and_idct_equal_scipy(norm):
    for shape, axis in [((5,), -1), ((4, 6), 0), ((3, 7), 1), ((1,), 0)]:
        x = RNG.standard_normal(shape)
        for n in (None, 3, 9):
            _same(fft.dct(x, n=n, axis=axis, norm=norm), sf.dct(x, n=n, axis=axis, norm=norm))
            _same(fft.idct(x, n=n, axis=axis, norm=norm), sf.idct(x, n=n, axis=axis, norm=norm))


@pytest.mark.parametrize("norm", [None, "ortho"])
def test_dctn_and_idctn_equal_scipy(norm):
    x = RNG.standard_normal((3, 4, 5))
    for s, axes in [(None, None), ([2], None), ([2, 6], (0, 2)), (None, (1,)), (None, (2, 0, 1)),
                    ([4, 4, 4], None)]:
        _same(fft.dctn(x, s=s, axes=axes, norm=norm), sf.dctn(x, s=s, axes=axes, norm=norm))
        _same(fft.idctn(x, s=s, axes=axes, norm=norm), sf.idctn(x, s=s, axes=axes, norm=norm))


def test_dct_dtypes_complex_input_and_errors():
    x = RNG.standard_normal(6)
    assert fft.dct(x.astype(np.float32)).dtype == np.float32
    assert fft.idctn(x.astype(np.float32)).dtype == np.float32
    assert fft.dct(np.arange(5)).dtype == np.float64
    assert fft.idct(np.arange(5)).dtype == np.float64
    z = x + 2j * RNG.standard_normal(6)
    _same(fft.dct(z), sf.dct(z))
    _same(fft.idctn(z, norm="ortho"), sf.idctn(z, norm="ortho"))
    with pytest.raises(NotImplementedError, match="Only DCT type 2"):
        fft.dct(x, type=3)
    with pytest.raises(ValueError, match="norm='forward' is not implemented"):
        fft.idct(x, norm="forward")
    with pytest.raises(ValueError, match="s must have at most"):
        fft.dctn(x, s=[2, 2])


DCT_FUNCTIONS = [
    ("dct", lambda x: fft.dct(x, axis=0)),
    ("dct_ortho_n", lambda x: fft.dct(x, n=7, norm="ortho")),
    ("idct", lambda x: fft.idct(x, n=3)),
    ("dctn", lambda x: fft.dctn(x)),
    ("idctn_ortho", lambda x: fft.idctn(x, norm="ortho")),
]


@pytest.mark.parametrize("name, f", DCT_FUNCTIONS, ids=[n for n, _ in DCT_FUNCTIONS])
def test_dct_vmap_grad_and_jit(name, f):
    x = RNG.standard_normal((3, 4, 5))
    _loop_equals_vmap(f, x)
    _loop_equals_vmap(f, x, in_axes=2)
    check_grads(f, (x[0],), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, x[0])


# ------------------------------------------------------------ integrate


def test_trapezoid_equals_scipy_batches_and_differentiates():
    y, x = RNG.standard_normal((3, 6)), np.cumsum(RNG.uniform(0.1, 1.0, 6))
    _same(integrate.trapezoid(y), si.trapezoid(y))
    _same(integrate.trapezoid(y, x=x, axis=1), si.trapezoid(y, x=x, axis=1))
    _same(integrate.trapezoid(y, dx=0.5, axis=0), si.trapezoid(y, dx=0.5, axis=0))
    assert integrate.trapezoid(np.arange(4)).dtype == np.float64
    assert integrate.trapezoid(np.ones(4, np.float32)).dtype == np.float32
    f = lambda v, s: integrate.trapezoid(v * s, x=s)  # noqa: E731
    _loop_equals_vmap(f, y, np.stack([x, 2 * x, x + 1]))
    check_grads(f, (y[0], x), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, y[0], x)


# ------------------------------------------------------------ JAX as an oracle


def test_signal_and_fft_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.fft as jf
    import jax.scipy.signal as js
    # SciPy is the main oracle (above); JAX compiles each case, so a few here.
    x, k = RNG.standard_normal((4, 6)), RNG.standard_normal((2, 3))
    _same(signal.convolve(x, k, "same"), js.convolve(x, k, "same"))
    _same(signal.fftconvolve(k, x, "valid"), js.fftconvolve(k, x, "valid"))
    _same(signal.correlate2d(k, x, "valid"), js.correlate2d(k, x, "valid"))
    _same(signal.correlate2d(x, k, "same"), js.correlate2d(x, k, "same"))
    _same(signal.convolve(np.arange(5), np.arange(3)), js.convolve(np.arange(5), np.arange(3)))
    _same(signal.welch(SIGNAL, nperseg=8), js.welch(SIGNAL, nperseg=8))
    z = np.asarray(signal.stft(SIGNAL, nperseg=8)[2])
    _same(signal.istft(z, nperseg=8), js.istft(z, nperseg=8))
    _same(fft.idct(x.astype(np.float32)), jf.idct(x.astype(np.float32)), rtol=1e-4, atol=1e-5)
