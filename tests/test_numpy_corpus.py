"""A corpus of per-example functions written the way NumPy projects write them
(filters, rotations, signal features, physics, finance, metrics, losses), run
unmodified under ``vmap``: each must equal the loop over its examples.
"""
import math
import warnings

import numpy as np
import pytest

import vmapx
from vmapx._src.concrete import VmapLoopWarning

RNG = np.random.default_rng(42)


# ----------------------------------------------------------------- filters


def kalman_1d(zs, q=1e-3, r=0.1):
    """Scalar Kalman filter over a measurement sequence."""
    zs = np.asarray(zs, dtype=float)
    x, p = 0.0, 1.0
    out = np.empty(len(zs))
    for k in range(len(zs)):
        p = p + q
        gain = p / (p + r)
        x = x + gain * (zs[k] - x)
        p = (1 - gain) * p
        out[k] = x
    return out


def kalman_cv(zs, dt=0.1):
    """Constant-velocity Kalman filter (2-state), matrices built per call."""
    F = np.array([[1.0, dt], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = 1e-3 * np.eye(2)
    R = np.array([[0.05]])
    x = np.zeros(2)
    P = np.eye(2)
    for z in zs:
        x = F @ x
        P = F @ P @ F.T + Q
        y = z - H @ x
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        x = x + (K @ y).ravel()
        P = (np.eye(2) - K @ H) @ P
    return x


# --------------------------------------------------------------- rotations


def quat_multiply(q1, q2):
    w1, x1, y1, z1 = q1
    w2, x2, y2, z2 = q2
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
                     w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def axis_angle_to_matrix(v):
    v = np.asarray(v, dtype=np.float64)
    theta = np.linalg.norm(v)
    if theta < 1e-12:
        return np.eye(3)
    k = v / theta
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(theta) * K + (1 - math.cos(theta)) * (K @ K)


def euler_from_quat(q):
    w, x, y, z = q / np.linalg.norm(q)
    roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
    s = 2 * (w * y - z * x)
    if abs(s) >= 1:
        pitch = math.copysign(math.pi / 2, s)
    else:
        pitch = math.asin(s)
    yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    return np.array([roll, pitch, yaw])


# ------------------------------------------------------------ audio / time series


def zero_crossing_rate(frame):
    signs = np.sign(frame)
    signs[signs == 0] = 1
    return np.mean(np.abs(np.diff(signs)) / 2)


def rms_db(frame, eps=1e-10):
    rms = np.sqrt(np.mean(np.square(frame)))
    return 20 * np.log10(max(rms, eps))


def spectral_centroid(frame, sr=16000):
    mag = np.abs(np.fft.rfft(frame * np.hanning(len(frame))))
    freqs = np.fft.rfftfreq(len(frame), 1.0 / sr)
    total = mag.sum()
    if total == 0:
        return 0.0
    return float((freqs * mag).sum() / total)


def moving_average(x, w=3):
    out = np.zeros(len(x) - w + 1)
    for i in range(len(out)):
        out[i] = x[i:i + w].mean()
    return out


def autocorr_peak(x):
    x = x - x.mean()
    ac = np.correlate(x, x, mode="full")[len(x) - 1:]
    ac = ac / ac[0]
    return int(np.argmax(ac[1:])) + 1


# ------------------------------------------------------------------ physics


def nbody_accel(pos, masses=np.array([1.0, 2.0, 0.5, 1.5]), eps=1e-3):
    pos = pos.reshape(-1, 3)
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            d = pos[j] - pos[i]
            r2 = np.dot(d, d) + eps ** 2
            acc[i] += masses[j] * d / r2 ** 1.5
    return acc


def sph_density(pos, h=1.0):
    pos = pos.reshape(-1, 2)
    rho = np.zeros(len(pos))
    for i in range(len(pos)):
        for j in range(len(pos)):
            r = np.linalg.norm(pos[i] - pos[j])
            if r < h:
                rho[i] += (h * h - r * r) ** 3
    return rho


def projectile_range(v):
    speed, angle = v[0], v[1]
    if speed <= 0:
        return 0.0
    return speed ** 2 * math.sin(2 * angle) / 9.81


# ------------------------------------------------------------------ finance


def black_scholes_call(p):
    S, K, T, r, sigma = p
    from scipy.stats import norm
    if T <= 0:
        return max(S - K, 0.0)
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)


def max_drawdown(prices):
    peak = prices[0]
    mdd = 0.0
    for p in prices:
        if p > peak:
            peak = p
        dd = (peak - p) / peak
        if dd > mdd:
            mdd = dd
    return mdd


# ------------------------------------------------------------------ metrics


def cosine_similarity(ab):
    a, b = ab[:4], ab[4:]
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def hamming(ab):
    a, b = ab[:4] > 0, ab[4:] > 0
    return np.count_nonzero(a != b) / len(a)


def dtw_distance(ab):
    a, b = ab[:4], ab[4:]
    n, m = len(a), len(b)
    D = np.full((n + 1, m + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = abs(a[i - 1] - b[j - 1])
            D[i, j] = cost + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]


# ---------------------------------------------------------------- losses


def huber(x, delta=1.0):
    a = np.abs(x)
    return np.where(a <= delta, 0.5 * x ** 2, delta * (a - 0.5 * delta)).sum()


def softmax_xent(z, label=2):
    z = z - np.max(z)
    logp = z - np.log(np.sum(np.exp(z)))
    return -logp[label]


def top_k_mean(x, k=3):
    return np.sort(x)[-k:].mean()


def clipped_relu_count(x):
    y = x.copy()
    y[y < 0] = 0
    y[y > 1] = 1
    return y, int((y > 0).sum())


CORPUS = {
    "kalman_1d": (kalman_1d, RNG.standard_normal((6, 10))),
    "kalman_cv": (kalman_cv, RNG.standard_normal((5, 8))),
    "quat_multiply": (lambda q: quat_multiply(q[:4], q[4:]), RNG.standard_normal((7, 8))),
    "axis_angle": (axis_angle_to_matrix, np.vstack([RNG.standard_normal((5, 3)),
                                                    np.zeros((1, 3))])),
    "euler_from_quat": (euler_from_quat, np.vstack([RNG.standard_normal((6, 4)),
                                                    [[1.0, 0.0, 1.0, 0.0]]])),
    "zero_crossing_rate": (zero_crossing_rate, np.round(RNG.standard_normal((6, 16)), 1)),
    "rms_db": (rms_db, np.vstack([RNG.standard_normal((5, 16)), np.zeros((1, 16))])),
    "spectral_centroid": (spectral_centroid, np.vstack([RNG.standard_normal((5, 32)),
                                                        np.zeros((1, 32))])),
    "moving_average": (moving_average, RNG.standard_normal((6, 9))),
    "autocorr_peak": (autocorr_peak, RNG.standard_normal((6, 12))),
    "nbody_accel": (nbody_accel, RNG.standard_normal((4, 12))),
    "sph_density": (sph_density, RNG.uniform(0, 2, (5, 10))),
    "projectile_range": (projectile_range, np.array([[10.0, 0.5], [-1.0, 0.3], [20.0, 1.0]])),
    "black_scholes": (black_scholes_call, np.array([[100.0, 95, 1, 0.05, 0.2],
                                                   [90.0, 100, 0.5, 0.01, 0.3],
                                                   [100.0, 100, 0.0, 0.05, 0.2]])),
    "max_drawdown": (max_drawdown, 100 + np.cumsum(RNG.standard_normal((6, 20)), axis=1)),
    "cosine_similarity": (cosine_similarity, np.vstack([RNG.standard_normal((5, 8)),
                                                        np.zeros((1, 8))])),
    "hamming": (hamming, RNG.standard_normal((6, 8))),
    "dtw_distance": (dtw_distance, RNG.standard_normal((5, 8))),
    "huber": (huber, RNG.standard_normal((6, 5)) * 2),
    "softmax_xent": (softmax_xent, RNG.standard_normal((6, 5))),
    "top_k_mean": (top_k_mean, RNG.standard_normal((6, 7))),
    "clipped_relu_count": (clipped_relu_count, RNG.standard_normal((6, 5))),
}


def _loop(f, xs):
    outs = [f(x.copy()) for x in xs]
    if isinstance(outs[0], tuple):
        return tuple(np.stack([np.asarray(o[i]) for o in outs]) for i in range(len(outs[0])))
    return np.stack([np.asarray(o) for o in outs])


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_function_equals_the_loop(name):
    f, xs = CORPUS[name]
    want = _loop(f, xs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VmapLoopWarning)
        got = vmapx.vmap(f)(xs)
    for g, w in zip(got if isinstance(want, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,), strict=True):
        g = np.asarray(g)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
