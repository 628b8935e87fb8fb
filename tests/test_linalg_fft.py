"""``vmapx.numpy.linalg`` and ``vmapx.numpy.fft``: every function against NumPy
on concrete input and against the loop under ``vmap`` (batch axis first, last,
negative; sizes 0, 1, 3; vmap of vmap), derivatives of the compositions
against finite differences, and the transposes of the real FFTs against JAX's
(``data/fft_transposes.json``, made by ``data/make_fft_transposes.py``).
"""
from __future__ import annotations

import itertools
import json
import os

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from numpy_oracle import Case, assert_same, check_numpy, check_vmap, check_vmap_of_vmap

_serial = itertools.count()


def fl(*shape, dt=np.float64):
    return lambda rng: rng.uniform(-1, 1, shape).astype(dt)


def cx(*shape, dt=np.complex128):
    return lambda rng: (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)).astype(dt)


def wellcond(*shape, dt=np.float64):
    return lambda rng: (rng.uniform(-1, 1, shape) + 3 * np.eye(shape[-1])).astype(dt)


def spd(*shape, dt=np.float64):
    def make(rng):
        a = rng.uniform(-1, 1, shape)
        return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dt)
    return make


def L(name, *makers, module="linalg", numpy=True, unmapped=(), tol=1e-9, **kw):
    make = lambda rng: tuple(m(rng) if callable(m) else m for m in makers)  # noqa: E731
    return Case(name, make, kw, unmapped=unmapped, numpy=numpy, module=module, tol=tol,
                label=f"{module}.{name}-{next(_serial)}")


def F(name, *makers, **kw):
    return L(name, *makers, module="fft", **kw)


LINALG = [
    L("inv", wellcond(3, 3)), L("inv", wellcond(2, 3, 3, dt=np.float32)),
    L("inv", lambda r: (r.normal(size=(2, 2)) + 3 * np.eye(2)) * (1 + 1j)),
    L("solve", wellcond(3, 3), fl(3)), L("solve", wellcond(3, 3), fl(3, 2)),
    L("solve", wellcond(2, 3, 3), fl(3, 1)), L("solve", wellcond(3, 3, dt=np.float32), fl(3)),
    L("det", wellcond(3, 3)), L("det", wellcond(2, 2, 2, dt=np.float32)),
    L("slogdet", wellcond(3, 3)), L("slogdet", cx(2, 2)),
    L("cholesky", spd(3, 3)), L("cholesky", spd(2, 3, 3, dt=np.float32), upper=True),
    L("qr", fl(4, 3)), L("qr", fl(3, 4), mode="complete"), L("qr", fl(2, 4, 3), mode="r"),
    L("eigh", spd(3, 3)), L("eigh", spd(3, 3), UPLO="U"), L("eigvalsh", spd(2, 3, 3)),
    L("eig", wellcond(3, 3), numpy=False), L("eigvals", wellcond(3, 3), numpy=False),
    L("svd", fl(4, 3)), L("svd", fl(3, 4), full_matrices=False),
    L("svd", fl(2, 3, 2), compute_uv=False), L("svd", spd(3, 3), hermitian=True,
                                               compute_uv=False),
    L("svdvals", fl(3, 4)), L("pinv", fl(4, 3)), L("pinv", fl(2, 3), rcond=1e-3),
    L("pinv", spd(3, 3), hermitian=True), L("pinv", fl(3, 2), rtol=1e-8),
    L("matrix_power", wellcond(3, 3), 3), L("matrix_power", wellcond(2, 2), -2),
    L("matrix_power", wellcond(2, 2), 0), L("matrix_power", wellcond(2, 2, 2), 5),
    L("multi_dot", lambda r: [r.normal(size=3), r.normal(size=(3, 4)), r.normal(size=(4, 2)),
                              r.normal(size=2)], unmapped=(0,)),
    L("matrix_rank", fl(3, 4)), L("matrix_rank",
                                  lambda r: np.outer(r.normal(size=3), r.normal(size=3))),
    L("matrix_rank", fl(2, 3, 3), tol=0.5), L("matrix_rank", spd(3, 3), hermitian=True),
    L("cond", wellcond(3, 3)), L("cond", wellcond(3, 3), p=-2),
    L("cond", wellcond(3, 3), p="fro"), L("cond", wellcond(3, 3), p=1),
    L("cond", wellcond(3, 3), p=-np.inf), L("cond", wellcond(3, 3), p="nuc"),
    L("tensorinv", lambda r: (r.normal(size=(4, 4)) + 4 * np.eye(4)).reshape(4, 2, 2), ind=1),
    L("tensorsolve", lambda r: (r.normal(size=(6, 6)) + 4 * np.eye(6)).reshape(2, 3, 6),
      fl(2, 3)),
    L("norm", fl(5)), L("norm", fl(3, 4)), L("norm", cx(4)), L("norm", fl(3, 4, dt=np.float32)),
    L("matrix_norm", fl(2, 3, 3)), L("matrix_norm", fl(3, 4), ord="nuc", keepdims=True),
    L("vector_norm", fl(2, 3), axis=(0, 1), ord=3), L("vector_norm", fl(2, 3), keepdims=True),
    L("vector_norm", fl(3, 4), axis=1, ord=-np.inf),
    L("matmul", fl(2, 3), fl(3)), L("tensordot", fl(2, 3), fl(3, 2), axes=1),
    L("vecdot", cx(3), cx(3)), L("outer", fl(2), fl(3)), L("cross", fl(2, 3), fl(3)),
    L("diagonal", fl(2, 3, 3), offset=1), L("trace", fl(3, 3)),
    L("matrix_transpose", fl(2, 3)),
]
for ord_, axis in [(None, None), (2, None), (1, 0), (-1, 1), (0, 1), (np.inf, None),
                   (-np.inf, 0), (3, 1), (0.5, 1), ("fro", (0, 1)), ("nuc", (1, 0)),
                   (1, (0, 1)), (-1, (1, 0)), (2, (0, 1)), (-2, (0, 1)), (np.inf, (1, 0)),
                   (-np.inf, (0, 1))]:
    for keepdims in (False, True):
        LINALG.append(L("norm", fl(3, 4), ord=ord_, axis=axis, keepdims=keepdims))
LINALG.append(L("norm", fl(2, 3, 4), ord="fro", axis=(2, 0)))
LINALG.append(L("norm", fl(4), ord=2, keepdims=True))

FFT = []
for name in ("fft", "ifft"):
    FFT += [F(name, cx(6)), F(name, fl(3, 4), n=6, axis=0), F(name, cx(2, 5), n=3, norm="ortho"),
            F(name, fl(4, dt=np.float32), norm="forward")]
FFT += [F("rfft", fl(6)), F("rfft", fl(3, 5, dt=np.float32), axis=0, norm="ortho"),
        F("rfft", fl(2, 5), n=8), F("irfft", cx(4)), F("irfft", cx(3, 4), n=7, axis=0),
        F("irfft", fl(5), n=4, norm="forward"), F("hfft", cx(4)), F("hfft", cx(2, 3), n=5),
        F("ihfft", fl(6)), F("ihfft", fl(2, 5), norm="ortho")]
for name in ("fft2", "ifft2", "fftn", "ifftn"):
    FFT += [F(name, cx(3, 4)), F(name, fl(2, 3, 4), s=(4, 2), axes=(0, 2)),
            F(name, cx(2, 3, 4), axes=(-1, -2), norm="ortho")]
FFT += [F("fftn", cx(4, 3), axes=(0, 0))]
for name in ("rfft2", "rfftn"):
    FFT += [F(name, fl(3, 4)), F(name, fl(2, 3, 5), s=(4, 6), axes=(2, 0)),
            F(name, fl(4, 3, dt=np.float32), norm="forward")]
for name in ("irfft2", "irfftn"):
    FFT += [F(name, cx(3, 4)), F(name, cx(2, 3, 5), s=(4, 7), axes=(0, 2)),
            F(name, cx(4, 3), norm="ortho", axes=(1, 0))]
FFT += [F("fftshift", fl(5)), F("fftshift", fl(3, 4), axes=1), F("ifftshift", fl(4, 5)),
        F("ifftshift", fl(2, 3), axes=(0,)),
        F("fftfreq", 6, lambda r: r.uniform(0.5, 2.0)), F("fftfreq", 5),
        F("rfftfreq", 7, lambda r: r.uniform(0.5, 2.0)), F("rfftfreq", 4, 0.1)]
for c in FFT:
    c.tol = 1e-9

CASES = {c.id: c for c in LINALG + FFT}


@pytest.mark.parametrize("cid", [c.id for c in LINALG + FFT if c.numpy])
def test_matches_numpy_on_concrete_input(cid):
    check_numpy(CASES[cid], jnp)


@pytest.mark.parametrize("cid", list(CASES))
def test_vmap_matches_loop(cid):
    check_vmap(CASES[cid], jnp)


@pytest.mark.parametrize("cid", list(CASES)[::4])
def test_vmap_of_vmap_matches_double_loop(cid):
    check_vmap_of_vmap(CASES[cid], jnp)


def test_eig_and_eigvals_are_numpys_values_always_complex():
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    w, v = jnp.linalg.eig(a)
    nw, nv = np.linalg.eig(a)
    assert w.dtype == v.dtype == np.complex128 and nw.dtype == np.float64
    np.testing.assert_allclose(w, nw)
    np.testing.assert_allclose(v, nv)
    np.testing.assert_allclose(jnp.linalg.eigvals(a), nw)


def test_lstsq_matches_numpy_and_always_returns_residuals():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    x, res, rank, s = jnp.linalg.lstsq(a, b)
    nx, nres, nrank, ns = np.linalg.lstsq(a, b)
    np.testing.assert_allclose(x, nx, rtol=1e-10)
    np.testing.assert_allclose(res, nres, rtol=1e-10)
    assert rank == nrank and rank.dtype == np.int32
    np.testing.assert_allclose(s, ns)
    # rank-deficient: NumPy returns no residuals, vmapx (as JAX) still does
    a[:, 2] = a[:, 1]
    x, res, rank, _ = jnp.linalg.lstsq(a, b[:, 0])
    np.testing.assert_allclose(x, np.linalg.lstsq(a, b[:, 0])[0], atol=1e-10)
    assert rank == 2 and res.shape == (1,)
    np.testing.assert_allclose(res, [np.sum((b[:, 0] - a @ x) ** 2)])
    xs, _, ranks, _ = vmapx.vmap(jnp.linalg.lstsq, in_axes=(None, 1))(a, b)
    np.testing.assert_allclose(xs, np.stack([np.linalg.lstsq(a, b[:, k])[0] for k in range(2)]),
                               atol=1e-10)
    np.testing.assert_array_equal(ranks, [2, 2])


def test_result_types_follow_numpy_linalg():
    i = np.eye(2, dtype=np.int32)
    assert jnp.linalg.inv(i).dtype == np.float32   # JAX (x64): int32 gives float32
    assert jnp.linalg.det(np.eye(2, dtype=np.float32)).dtype == np.float32
    assert jnp.linalg.eigvalsh(np.eye(2, dtype=np.complex64)).dtype == np.float32
    assert jnp.linalg.norm(np.ones(3, np.float32)).dtype == np.float32
    assert jnp.linalg.norm(np.ones(3, np.int64)).dtype == np.float64
    assert jnp.fft.fft(np.ones(4, np.float32)).dtype == np.complex64
    assert jnp.fft.irfft(np.ones(3, np.complex64)).dtype == np.float32
    with pytest.raises(TypeError, match="float16 is unsupported in linalg"):
        jnp.linalg.inv(np.eye(2, dtype=np.float16))


def test_errors_are_numpys():
    with pytest.raises(np.linalg.LinAlgError, match="must be square"):
        jnp.linalg.inv(np.ones((2, 3)))
    singular = vmapx.vmap(jnp.linalg.inv)(np.zeros((2, 2, 2)))   # as JAX: inf/NaN, no error
    assert singular.shape == (2, 2, 2) and not np.isfinite(singular).any()
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        jnp.linalg.norm(np.ones(3), "fro", axis=0)
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        jnp.fft.fft(np.ones(3), n=0)
    with pytest.raises(ValueError, match='Invalid norm value'):
        jnp.fft.fft(np.ones(3), norm="nope")
    with pytest.raises(vmapx.ConcretizationTypeError, match="fftfreq"):
        vmapx.vmap(lambda n: jnp.fft.fftfreq(n))(np.arange(1, 3))


# ---------------------------------------------------------------- derivatives


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        g[idx] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


SCALAR_FUNCTIONS = {
    "logdet": lambda a: jnp.linalg.slogdet(a)[1],
    "det": lambda a: jnp.linalg.det(a),
    "inv": lambda a: jnp.sum(jnp.linalg.inv(a) ** 2),
    "solve": lambda a: jnp.sum(jnp.linalg.solve(a, jnp.arange(3.0)) ** 3),
    "cholesky": lambda a: jnp.sum(jnp.sin(jnp.linalg.cholesky(a @ a.T))),
    "eigh": lambda a: jnp.sum(jnp.linalg.eigh(a + a.T)[0] * jnp.arange(3.0)),
    "eigh-vectors": lambda a: jnp.sum(jnp.abs(jnp.linalg.eigh(a + a.T)[1][:, 0])),
    "qr": lambda a: jnp.sum(jnp.linalg.qr(a)[1] ** 2 + jnp.linalg.qr(a)[0]),
    "svd": lambda a: jnp.sum(jnp.linalg.svd(a, compute_uv=False) ** 3),
    "pinv": lambda a: jnp.sum(jnp.cos(jnp.linalg.pinv(a[:, :2]))),
    "norm-2": lambda a: jnp.linalg.norm(a, 2),
    "norm-nuc": lambda a: jnp.linalg.norm(a, "nuc"),
    "norm-1": lambda a: jnp.linalg.norm(a, 1),
    "cond": lambda a: jnp.linalg.cond(a),
    "lstsq": lambda a: jnp.sum(jnp.linalg.lstsq(a[:, :2], jnp.arange(3.0))[0] ** 2),
    "matrix_power": lambda a: jnp.sum(jnp.linalg.matrix_power(a, -3)),
    "eigvals": lambda a: jnp.sum(jnp.real(jnp.linalg.eigvals(a)) ** 2),
    "fft": lambda a: jnp.sum(jnp.abs(jnp.fft.fft2(a)) ** 2),
    "rfft-irfft": lambda a: jnp.sum(jnp.fft.irfft(jnp.fft.rfft(a, axis=0) ** 2, n=3, axis=0)),
    "hfft": lambda a: jnp.sum(jnp.fft.hfft(a[0], n=5) * jnp.arange(5.0)),
}


@pytest.mark.parametrize("name", list(SCALAR_FUNCTIONS))
def test_grad_matches_finite_differences(name):
    f = SCALAR_FUNCTIONS[name]
    a = np.array([[2.0, 0.3, -0.4], [0.1, 1.5, 0.2], [-0.3, 0.6, 2.5]])
    g = vmapx.grad(f)(a)
    np.testing.assert_allclose(g, _fd_grad(lambda x: float(f(x)), a), rtol=1e-5, atol=1e-6)
    batch = np.stack([a, a.T + 0.1, 1.1 * a])
    assert_same(vmapx.vmap(vmapx.grad(f))(batch), np.stack([vmapx.grad(f)(b) for b in batch]),
                f"vmap(grad({name}))", tol=1e-9)


def test_forward_and_reverse_mode_agree_through_linalg():
    a = np.array([[2.0, 0.3], [0.1, 1.5]])
    t = np.array([[0.3, -1.0], [0.5, 0.2]])
    f = lambda m: jnp.linalg.inv(m) @ jnp.linalg.eigh(m @ m.T)[1]  # noqa: E731
    y, jt = vmapx.jvp(f, (a,), (t,))
    ct = np.array([[1.0, 2.0], [-0.5, 0.25]])
    _, vjp = vmapx.vjp(f, a)
    np.testing.assert_allclose(np.sum(ct * jt), np.sum(vjp(ct)[0] * t), rtol=1e-10)


def _load_fft_transposes():
    path = os.path.join(os.path.dirname(__file__), "data", "fft_transposes.json")
    with open(path) as f:
        return json.load(f)["cases"]


def _c(pair):
    return np.asarray(pair["re"]) + 1j * np.asarray(pair["im"])


@pytest.mark.parametrize("case", _load_fft_transposes(),
                         ids=lambda c: f"{c['name']}-{c['norm']}-{c['in_shape']}")
def test_real_fft_transposes_match_jax(case):
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kw"].items()}
    f = lambda x: getattr(jnp.fft, case["name"])(x, norm=case["norm"], **kw)  # noqa: E731
    primal = np.zeros(case["in_shape"], complex if case["in_dtype"] == "complex" else float)
    ct = _c(case["ct"])
    out = f(primal)
    if np.asarray(out).dtype.kind != "c":
        ct = ct.real
    _, vjp = vmapx.vjp(f, primal)
    want = _c(case["transpose"])
    got = vjp(ct)[0]
    np.testing.assert_allclose(got, want if case["in_dtype"] == "complex" else want.real,
                               rtol=1e-12, atol=1e-12)


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-12)


def test_hermitian_routines_factor_the_hermitian_part_like_jax():
    la = jnp.linalg
    b = np.array([[2.0, 1.0], [0.0, 3.0]])   # not symmetric
    sym = (b + b.T) / 2
    # JAX 0.10.2's values: the input is symmetrized first.
    _same(la.eigvalsh(b), np.array([1.79289322, 3.20710678]))
    _same(la.eigvalsh(b, UPLO="U"), np.linalg.eigvalsh(sym))
    _same(la.eigh(b).eigenvalues, np.linalg.eigvalsh(sym))
    np.testing.assert_allclose(la.cholesky(b + 2 * np.eye(2)),
                               np.array([[2.0, 0.0], [0.25, 2.2220486]]), rtol=1e-7)
    np.testing.assert_allclose(la.pinv(b, hermitian=True),
                               np.array([[0.52173913, -0.08695652], [-0.08695652, 0.34782609]]),
                               rtol=1e-7)
    _same(la.svd(b, hermitian=True, compute_uv=False), np.linalg.svd(sym, compute_uv=False))
    # symmetrize_input=False reads one triangle only, as NumPy does
    _same(la.eigvalsh(b, symmetrize_input=False), np.linalg.eigvalsh(b))
    _same(la.eigh(b, "U", symmetrize_input=False).eigenvalues,
                np.linalg.eigvalsh(b, UPLO="U"))
    _same(la.cholesky(b + 2 * np.eye(2), symmetrize_input=False),
                np.linalg.cholesky(b + 2 * np.eye(2)))
    stack = np.stack([b, b.T, 2 * b])
    got = vmapx.vmap(la.eigvalsh, in_axes=2)(np.moveaxis(stack, 0, 2))
    _same(got, np.stack([la.eigvalsh(m) for m in stack]))


def test_gradients_of_hermitian_routines_are_symmetric_like_jax():
    la = jnp.linalg
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    w = np.array([[1.0, 0.0], [2.0, 3.0]])
    # JAX 0.10.2's gradient (symmetric: both triangles share the derivative)
    want = np.array([[0.18153338, 0.27386649], [0.27386649, 0.90453403]])
    np.testing.assert_allclose(vmapx.grad(lambda m: (la.cholesky(m) * w).sum())(a), want,
                               rtol=1e-7)
    np.testing.assert_allclose(
        vmapx.grad(lambda m: (la.cholesky(m, upper=True) * w.T).sum())(a), want, rtol=1e-7)
    # d(sum_k c_k w_k)/dA = V diag(c) V^T, closed form
    s = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 3.0]])
    c = np.array([1.0, -2.0, 0.5])
    _, v = np.linalg.eigh(s)
    closed = v @ np.diag(c) @ v.T
    _same(vmapx.grad(lambda m: (la.eigvalsh(m) * c).sum())(s), closed)
    _same(vmapx.grad(lambda m: (la.eigh(m)[0] * c).sum())(s), closed)
    batch = np.stack([s, s + np.eye(3)])
    got = vmapx.vmap(vmapx.grad(lambda m: (la.eigvalsh(m) * c).sum()))(batch)
    _same(got, np.stack([vmapx.grad(lambda m: (la.eigvalsh(m) * c).sum())(m)
                               for m in batch]))


def test_qr_complete_of_tall_matrix_is_differentiable_like_jax():
    la = jnp.linalg
    a = np.array([[1.0, 0.3], [0.2, -0.8], [0.5, 0.4], [-0.7, 0.1]])
    f = lambda m: la.qr(m, "complete")  # noqa: E731
    jq, jr = vmapx.jacfwd(f)(a)
    assert jq.shape == (4, 4, 4, 2) and jr.shape == (4, 2, 4, 2)
    eps = 1e-6
    for i, j in itertools.product(range(4), range(2)):
        d = np.zeros_like(a)
        d[i, j] = eps
        qp, rp = np.linalg.qr(a + d, "complete")
        qm, rm = np.linalg.qr(a - d, "complete")
        np.testing.assert_allclose(jq[..., i, j], (qp - qm) / (2 * eps), atol=1e-7)
        np.testing.assert_allclose(jr[..., i, j], (rp - rm) / (2 * eps), atol=1e-7)
    jrev = vmapx.jacrev(f)(a)
    _same(jrev[0], jq)
    _same(jrev[1], jr)
    stack = np.stack([a, 2 * a[::-1], a + 0.1])
    got = vmapx.vmap(vmapx.jacfwd(lambda m: la.qr(m, "complete")[0]), in_axes=2)(
        np.moveaxis(stack, 0, 2))
    _same(got, np.stack([vmapx.jacfwd(lambda m: la.qr(m, "complete")[0])(m) for m in stack]))


# ------------------------------------------- one bad example does not sink the batch

GOOD = np.array([[2.0, 1.0], [1.0, 3.0]])
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
NOT_PD = np.array([[1.0, 2.0], [2.0, 1.0]])

BAD_EXAMPLES = {
    "inv": (lambda a: jnp.linalg.inv(a), (np.stack([GOOD, SINGULAR, 3 * GOOD]),)),
    "inv_f32": (lambda a: jnp.linalg.inv(a), (np.stack([GOOD, np.zeros((2, 2))]).astype(
        np.float32),)),
    "solve": (lambda a, b: jnp.linalg.solve(a, b), (np.stack([SINGULAR, GOOD]), np.ones((2, 2)))),
    "solve_matrix": (lambda a, b: jnp.linalg.solve(a, b),
                     (np.stack([GOOD, SINGULAR]), np.arange(8.0).reshape(2, 2, 2))),
    "cholesky": (lambda a: jnp.linalg.cholesky(a), (np.stack([GOOD, NOT_PD, 4 * GOOD]),)),
    "cholesky_upper": (lambda a: jnp.linalg.cholesky(a, upper=True), (np.stack([NOT_PD, GOOD]),)),
    "cholesky_complex": (lambda a: jnp.linalg.cholesky(a),
                         (np.stack([GOOD + 0j, np.array([[4.0, 2j], [-2j, -1.0]])]),)),
}


@pytest.mark.parametrize("name", BAD_EXAMPLES)
def test_a_bad_example_gives_inf_or_nan_for_itself_only(name):
    f, args = BAD_EXAMPLES[name]
    out = vmapx.vmap(f)(*args)
    per_example = [f(*ex) for ex in zip(*args, strict=True)]
    assert out.shape == (len(args[0]),) + per_example[0].shape
    assert out.dtype == per_example[0].dtype
    if name != "solve":                    # (a stacked solve reads b as matrices)
        stacked = f(*args)                 # NumPy-style stacked call, no vmap
        assert stacked.shape == out.shape and stacked.dtype == out.dtype
        np.testing.assert_array_equal(out, stacked)
    for got, want, ex in zip(out, per_example, zip(*args, strict=True), strict=True):
        np.testing.assert_array_equal(got, want)
        if np.isfinite(want).all():        # well-posed: NumPy's own answer
            ref = {"inv": np.linalg.inv, "solve": np.linalg.solve}.get(name.split("_")[0])
            if ref is not None:
                np.testing.assert_allclose(got, ref(*ex), rtol=1e-6)
        else:
            assert not np.isfinite(got).all()
    assert sum(not np.isfinite(o).all() for o in per_example) == 1
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jjnp
    jf = {"inv": jjnp.linalg.inv, "solve": jjnp.linalg.solve,
          "cholesky": jjnp.linalg.cholesky}[name.split("_")[0]]
    kw = {"upper": True} if name == "cholesky_upper" else {}
    want = np.asarray(jax.vmap(lambda *a: jf(*a, **kw))(*args))
    assert want.dtype == out.dtype
    np.testing.assert_allclose(out, want, rtol=1e-6, equal_nan=True)


NAN_M = np.full((2, 2), np.nan)
INF_M = np.array([[np.inf, 1.0], [1.0, 1.0]])
NONFINITE = {
    # JAX (x64) gives NaN results for the non-finite matrix, the exact values for
    # the others; NumPy's LAPACK calls refuse the whole stack (LinAlgError)
    "svd": lambda a: jnp.linalg.svd(a)[1],
    "svdvals": lambda a: jnp.linalg.svd(a, compute_uv=False),
    "pinv": jnp.linalg.pinv,
    "norm2": lambda a: jnp.linalg.norm(a, 2),
    "cond": jnp.linalg.cond,
    "lstsq": lambda a: jnp.linalg.lstsq(a, np.ones(2))[0],
    "eigvals": jnp.linalg.eigvals,
    "eig_vectors": lambda a: jnp.linalg.eig(a)[1],
    "sqrtm": lambda a: vmapx.scipy.linalg.sqrtm(a),
    "schur": lambda a: jnp.diagonal(vmapx.scipy.linalg.schur(a)[0]),   # (T is triangular)
}


# with an inf entry JAX's pinv / lstsq give zeros (no singular value passes the
# NaN cutoff) and its cond NaN: those are checked for NaN matrices only
_INF_TOO = [n for n in NONFINITE if n not in ("pinv", "lstsq", "cond")]


@pytest.mark.parametrize("name, bad", [(n, "nan") for n in NONFINITE] +
                         [(n, "inf") for n in _INF_TOO])
def test_a_nan_or_inf_matrix_gives_nan_for_itself_only(name, bad):
    f = NONFINITE[name]
    stack = np.stack([GOOD, NAN_M if bad == "nan" else INF_M, 3 * GOOD])
    for out in (vmapx.vmap(f)(stack), vmapx.jit(vmapx.vmap(f))(stack)):
        assert np.isnan(out[1]).all()
        for i in (0, 2):
            np.testing.assert_allclose(out[i], f(stack[i]), rtol=1e-12)
    assert np.isnan(f(stack[1])).all()       # alone, too (JAX's NaN, not LinAlgError)


def test_matrix_rank_of_a_nan_matrix_is_zero_as_jax():
    stack = np.stack([GOOD, NAN_M, SINGULAR])
    np.testing.assert_array_equal(vmapx.vmap(jnp.linalg.matrix_rank)(stack), [2, 0, 1])


def test_well_conditioned_stacks_take_numpys_stacked_call(monkeypatch):
    calls = []
    real_inv = np.linalg.inv
    monkeypatch.setattr(np.linalg, "inv", lambda a: (calls.append(a.shape), real_inv(a))[1])
    out = vmapx.vmap(jnp.linalg.inv)(np.stack([GOOD] * 5))
    np.testing.assert_allclose(out, np.stack([real_inv(GOOD)] * 5))
    assert calls == [(5, 2, 2)]            # one stacked call, no per-example loop


def test_take_inside_a_transform_fills_out_of_range_as_jax():
    xs = np.arange(10.0).reshape(2, 5)
    out = vmapx.vmap(lambda x: x.take(np.array([1, 9, -1, -7])))(xs)
    assert out.shape == (2, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1, np.nan, 4, np.nan], [6, np.nan, 9, np.nan]])
    ints = vmapx.vmap(lambda x: jnp.take(x, np.array([7])))(np.arange(10).reshape(2, 5))
    np.testing.assert_array_equal(ints, np.full((2, 1), np.iinfo(np.int64).min))
    # concrete operands fill too (as JAX), so vmap equals the loop; mode="raise" raises
    np.testing.assert_array_equal(jnp.take(np.arange(5.0), np.array([7])), [np.nan])
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        jnp.take(np.arange(5.0), np.array([7]), mode="raise")
