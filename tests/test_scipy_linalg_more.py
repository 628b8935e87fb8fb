"""The rest of ``vmapx.scipy.linalg`` (special matrices, ``cholesky``,
``qr_multiply``, ``polar``, ``eigh_tridiagonal``, ``expm_frechet``, the Schur
family): SciPy's values, the loop as the oracle of ``vmap``, finite
differences for derivatives, ``jit`` equal to eager; and JAX (optional) for
its conventions, signatures and derivatives, also of ``scipy.sparse.linalg``
and ``scipy.cluster.vq`` (tested in test_scipy_sparse_linalg.py)."""
import inspect

import numpy as np
import pytest
import scipy.linalg as sl

import vmapx
from array_checks import jit_equals_eager, loop_equals_vmap, same
import vmapx.numpy as jnp
from vmapx.scipy import linalg
from vmapx.scipy.cluster.vq import vq
from vmapx.scipy.sparse import linalg as sparse
from vmapx.test_util import check_grads

RNG = np.random.default_rng(1)


def _same(got, want, rtol=1e-10, atol=1e-12):
    same(got, want, rtol, atol, exact_type=False)


def _loop_equals_vmap(f, *batched, rtol=1e-10, atol=1e-12):
    loop_equals_vmap(f, *batched, rtol=rtol, atol=atol)


def _jit_equals_eager(f, *args):
    jit_equals_eager(f, *args, atol=1e-13)
A = RNG.standard_normal((4, 4))
SPD = A @ A.T + 4 * np.eye(4)
GEN = A + 4 * np.eye(4)
b = RNG.standard_normal(4)


# ----------------------------------------------------------- special matrices

c3, r4 = np.array([1.0, 2.0, 3.0]), np.array([9.0, 5.0, 6.0, 7.0])
BUILT = [
    ("toeplitz", lambda: linalg.toeplitz(c3, r4), lambda: sl.toeplitz(c3, r4)),
    ("toeplitz_c_only", lambda: linalg.toeplitz(c3), lambda: sl.toeplitz(c3)),
    ("toeplitz_complex", lambda: linalg.toeplitz(c3 + 1j * c3), lambda: sl.toeplitz(c3 + 1j * c3)),
    ("toeplitz_ints", lambda: linalg.toeplitz(np.arange(3)), lambda: sl.toeplitz(np.arange(3))),
    ("hankel", lambda: linalg.hankel(c3, r4), lambda: sl.hankel(c3, r4)),
    ("hankel_c_only", lambda: linalg.hankel(c3), lambda: sl.hankel(c3)),
    ("circulant", lambda: linalg.circulant(r4), lambda: sl.circulant(r4)),
    ("leslie", lambda: linalg.leslie(r4, c3), lambda: sl.leslie(r4, c3)),
    ("companion", lambda: linalg.companion(r4), lambda: sl.companion(r4)),
    ("fiedler", lambda: linalg.fiedler(r4), lambda: sl.fiedler(r4)),
    ("hilbert", lambda: linalg.hilbert(5), lambda: sl.hilbert(5)),
    ("invhilbert", lambda: linalg.invhilbert(6), lambda: sl.invhilbert(6)),
    ("helmert", lambda: linalg.helmert(5), lambda: sl.helmert(5)),
    ("helmert_full", lambda: linalg.helmert(5, full=True), lambda: sl.helmert(5, full=True)),
    ("hadamard", lambda: linalg.hadamard(8), lambda: sl.hadamard(8)),
    ("hadamard_float", lambda: linalg.hadamard(4, np.float32),
     lambda: sl.hadamard(4, np.float32)),
]


@pytest.mark.parametrize("name, ours, theirs", BUILT, ids=[n for n, *_ in BUILT])
def test_special_matrix_equals_scipy(name, ours, theirs):
    _same(ours(), theirs())


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7])
def test_fiedler_companion_equals_scipy_for_every_size(n):
    a = RNG.standard_normal(n + 1)
    _same(linalg.fiedler_companion(a), sl.fiedler_companion(a), rtol=1e-12)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(linalg.fiedler_companion(a))),
                               np.sort_complex(np.roots(a)), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("m, n", [(3, 5), (5, 3), (4, 4), (1, 3)])
def test_convolution_matrix_equals_scipy_and_convolves(mode, m, n):
    a, v = RNG.standard_normal(m), RNG.standard_normal(n)
    got = linalg.convolution_matrix(a, n, mode)
    _same(got, sl.convolution_matrix(a, n, mode))
    np.testing.assert_allclose(np.asarray(got) @ v, np.convolve(a, v, mode), atol=1e-12)


@pytest.mark.parametrize("kind", [None, "lower", "upper", "symmetric"])
def test_pascal_and_invpascal_are_exact_inverses(kind):
    n = 8
    p, q = linalg.pascal(n, kind), linalg.invpascal(n, kind)
    _same(p, sl.pascal(n, kind or "symmetric").astype(np.float64))
    _same(q, sl.invpascal(n, kind or "symmetric").astype(np.float64))
    np.testing.assert_array_equal(np.asarray(p) @ np.asarray(q), np.eye(n))


@pytest.mark.parametrize("scale", [None, "sqrtn", "n"])
def test_dft_equals_scipy_and_is_the_fft(scale):
    _same(linalg.dft(6, scale), sl.dft(6, scale), rtol=1e-12, atol=1e-13)
    x = RNG.standard_normal(16)
    np.testing.assert_allclose(np.asarray(linalg.dft(16)) @ x, np.fft.fft(x), atol=1e-12)
    assert linalg.dft(3, dtype=np.complex64).dtype == np.complex64


def test_special_matrices_batch_over_leading_axes_as_jax():
    cs, rs = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 5))
    _same(linalg.toeplitz(cs, rs), np.stack([sl.toeplitz(c, r) for c, r in zip(cs, rs)]))
    _same(linalg.hankel(cs, rs[0]), np.stack([sl.hankel(c, rs[0]) for c in cs]))
    _same(linalg.circulant(cs), np.stack([sl.circulant(c) for c in cs]))
    _same(linalg.companion(cs), np.stack([sl.companion(c) for c in cs]))
    _same(linalg.fiedler(cs), np.stack([sl.fiedler(c) for c in cs]))
    _same(linalg.leslie(cs, rs[:, :3]), np.stack([sl.leslie(f, s) for f, s in zip(cs, rs[:, :3])]))
    _same(linalg.convolution_matrix(cs, 3, "same"),
          np.stack([sl.convolution_matrix(c, 3, "same") for c in cs]))


MATRIX_BUILDERS = [
    ("toeplitz", lambda c, r: linalg.toeplitz(c, r)),
    ("hankel", lambda c, r: linalg.hankel(c, r)),
    ("circulant", lambda c, r: linalg.circulant(c) @ r[:4]),
    ("leslie", lambda c, r: linalg.leslie(c, r[:3])),
    ("companion", lambda c, r: linalg.companion(c)),
    ("fiedler", lambda c, r: linalg.fiedler(c * 1.5) + r[0]),
    ("fiedler_companion", lambda c, r: linalg.fiedler_companion(c)),
    ("convolution_matrix", lambda c, r: linalg.convolution_matrix(c, 3, "full")),
]


@pytest.mark.parametrize("name, f", MATRIX_BUILDERS, ids=[n for n, _ in MATRIX_BUILDERS])
def test_matrix_builders_vmap_jit_and_differentiate(name, f):
    cs = RNG.standard_normal((3, 4)) + np.array([3.0, 0, 0, 0])   # leading coefficient far from 0
    rs = RNG.standard_normal((3, 5))
    _loop_equals_vmap(f, cs, rs)
    _jit_equals_eager(f, cs[0], rs[0])
    check_grads(f, (cs[0], rs[0]), order=2, modes=("fwd", "rev"))


def test_special_matrix_errors():
    with pytest.raises(ValueError, match="power of 2"):
        linalg.hadamard(6)
    with pytest.raises(ValueError, match="positive integer"):
        linalg.helmert(0)
    with pytest.raises(ValueError, match="Expected kind"):
        linalg.pascal(3, "diagonal")
    with pytest.raises(ValueError, match="scale must be"):
        linalg.dft(3, "m")
    with pytest.raises(ValueError, match="complex"):
        linalg.dft(3, dtype=np.float64)
    with pytest.raises(ValueError, match="one less than the length of f"):
        linalg.leslie(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="at least 2"):
        linalg.companion(np.ones(1))
    with pytest.raises(ValueError, match="nonzero"):
        linalg.fiedler_companion(np.ones(0))
    with pytest.raises(ValueError, match="mode must be"):
        linalg.convolution_matrix(np.ones(3), 2, "wide")
    with pytest.raises(ValueError, match="positive integer"):
        linalg.convolution_matrix(np.ones(3), 0)
    with pytest.raises(ValueError, match="scalar"):
        linalg.hankel(1.0)


# --------------------------------------------------------------- factorizations


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_equals_scipy_and_reads_one_triangle(lower):
    _same(linalg.cholesky(SPD, lower=lower), sl.cholesky(SPD, lower=lower))
    garbage = np.triu(np.full((4, 4), 99.0), 1)
    noisy = SPD + (garbage if lower else garbage.T)   # the unread triangle is garbage
    _same(linalg.cholesky(noisy, lower=lower), sl.cholesky(SPD, lower=lower))
    _same(linalg.cholesky(SPD.astype(np.float32), lower=lower),
          sl.cholesky(SPD, lower=lower).astype(np.float32), rtol=1e-5, atol=1e-5)
    assert linalg.cholesky(np.array([[4, 2], [2, 3]])).dtype == np.float64   # ints -> float64


def test_cholesky_vmaps_jits_and_differentiates():
    def f(a):
        return linalg.cholesky(a @ a.T + 4 * np.eye(4))
    _loop_equals_vmap(f, RNG.standard_normal((3, 4, 4)))
    _jit_equals_eager(f, A)
    check_grads(f, (A,), order=2, modes=("fwd", "rev"))

    def solve_pos(a, y):
        return linalg.solve(a @ a.T + 4 * np.eye(4), y, assume_a="pos", lower=True)
    _loop_equals_vmap(solve_pos, RNG.standard_normal((3, 4, 4)), RNG.standard_normal((3, 4, 2)))
    _jit_equals_eager(solve_pos, A, b)
    check_grads(solve_pos, (A, b), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
@pytest.mark.parametrize("mode", ["left", "right"])
@pytest.mark.parametrize("conjugate", [False, True])
def test_qr_multiply_is_the_product_with_the_economic_q(shape, mode, conjugate):
    a = RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)
    m, n = shape
    k = min(m, n)
    q, r = np.linalg.qr(a)
    q = q.conj() if conjugate else q
    c = RNG.standard_normal((k, 2) if mode == "left" else (2, m))
    got_cq, got_r = linalg.qr_multiply(a, c, mode=mode, conjugate=conjugate)
    want = q @ c if mode == "left" else c @ q
    _same((got_cq, got_r), (want.astype(np.complex128), r))
    vector = RNG.standard_normal(k if mode == "left" else m)
    got_v, _ = linalg.qr_multiply(a, vector, mode=mode, conjugate=conjugate)
    _same(got_v, (q @ vector if mode == "left" else vector @ q).astype(np.complex128))


def test_qr_multiply_agrees_with_scipy_up_to_signs_and_differentiates():
    a = RNG.standard_normal((5, 3))
    c = RNG.standard_normal((2, 5))
    cq, r = linalg.qr_multiply(a, c)
    want_cq, want_r = sl.qr_multiply(a, c)
    signs = np.sign(np.diag(np.asarray(r))) * np.sign(np.diag(want_r))
    np.testing.assert_allclose(np.asarray(cq) * signs, want_cq, atol=1e-12)
    np.testing.assert_allclose(np.asarray(r) * signs[:, None], want_r, atol=1e-12)
    check_grads(lambda a, c: linalg.qr_multiply(a, c), (a, c), order=1, modes=("fwd", "rev"))
    _loop_equals_vmap(lambda a, c: linalg.qr_multiply(a, c), RNG.standard_normal((3, 5, 3)),
                      RNG.standard_normal((3, 2, 5)))
    with pytest.raises(ValueError, match="not compatible for c @ Q"):
        linalg.qr_multiply(a, np.ones((2, 4)))
    with pytest.raises(ValueError, match="not compatible for Q @ c"):
        linalg.qr_multiply(a, np.ones((5, 2)), mode="left")
    with pytest.raises(ValueError, match="mode must be"):
        linalg.qr_multiply(a, c, mode="up")


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
@pytest.mark.parametrize("mode", ["full", "economic", "r"])
def test_pivoted_qr_equals_scipy_and_differentiates(shape, mode):
    a = RNG.standard_normal(shape)
    want = sl.qr(a, mode=mode, pivoting=True)
    got = linalg.qr(a, mode=mode, pivoting=True)
    _same(got, want)
    _loop_equals_vmap(lambda a: linalg.qr(a, mode=mode, pivoting=True),
                      RNG.standard_normal((3,) + shape))
    _jit_equals_eager(lambda a: linalg.qr(a, mode=mode, pivoting=True), a)
    if mode != "full" or shape[0] <= shape[1]:   # (the extra columns of a full Q: no JVP)
        check_grads(lambda a: linalg.qr(a, mode=mode, pivoting=True)[:-1], (a,), order=1,
                    modes=("fwd", "rev"))


def test_pivoted_qr_multiply_is_the_product_with_the_pivoted_q():
    a, c = RNG.standard_normal((5, 3)), RNG.standard_normal((2, 5))
    q, r, p = sl.qr(a, mode="economic", pivoting=True)
    _same(linalg.qr_multiply(a, c, pivoting=True), (c @ q, r, p))
    _same(linalg.qr_multiply(a, c.T[:3], mode="left", pivoting=True), (q @ c.T[:3], r, p))


@pytest.mark.parametrize("side, shape", [("right", (5, 3)), ("left", (3, 5)),
                                         ("right", (4, 4)), ("left", (4, 4))])
@pytest.mark.parametrize("method", ["qdwh", "svd"])
def test_polar_equals_scipy_and_differentiates(side, shape, method):
    a = RNG.standard_normal(shape)
    _same(linalg.polar(a, side, method=method), sl.polar(a, side), rtol=1e-9, atol=1e-11)
    check_grads(lambda a: linalg.polar(a, side, method=method), (a,), order=1,
                modes=("fwd", "rev"))
    _loop_equals_vmap(lambda a: linalg.polar(a, side, method=method),
                      RNG.standard_normal((3,) + shape))


def test_polar_errors_as_jax():
    with pytest.raises(NotImplementedError, match="qdwh"):
        linalg.polar(np.ones((2, 3)), "right")
    with pytest.raises(ValueError, match="side"):
        linalg.polar(np.eye(2), "up")
    with pytest.raises(ValueError, match="Unknown polar decomposition method"):
        linalg.polar(np.eye(2), method="newton")
    with pytest.raises(ValueError, match="2-D"):
        linalg.polar(np.ones(3))


def test_eigh_tridiagonal_equals_scipy_vmaps_and_differentiates():
    d, e = RNG.standard_normal(6), RNG.standard_normal(5)
    _same(linalg.eigh_tridiagonal(d, e, eigvals_only=True),
          sl.eigh_tridiagonal(d, e, eigvals_only=True))
    _same(linalg.eigh_tridiagonal(d, e, eigvals_only=True, select="i", select_range=(1, 3)),
          sl.eigh_tridiagonal(d, e, eigvals_only=True, select="i", select_range=(1, 3)))
    f32 = linalg.eigh_tridiagonal(d.astype(np.float32), e.astype(np.float32), eigvals_only=True)
    assert f32.dtype == np.float32
    _loop_equals_vmap(lambda d, e: linalg.eigh_tridiagonal(d, e, eigvals_only=True),
                      RNG.standard_normal((3, 6)), RNG.standard_normal((3, 5)))
    check_grads(lambda d, e: linalg.eigh_tridiagonal(d, e, eigvals_only=True), (d, e),
                order=1, modes=("fwd", "rev"))
    w, v = linalg.eigh_tridiagonal(d, e)
    want_w, want_v = sl.eigh_tridiagonal(d, e)
    _same(w, want_w)
    signs = np.sign(np.sum(np.asarray(v) * want_v, axis=0))      # (each up to sign)
    _same(v * signs, want_v, rtol=1e-9, atol=1e-10)
    w, v = linalg.eigh_tridiagonal(d, e, select="i", select_range=(2, 3))
    assert w.shape == (2,) and v.shape == (6, 2)
    dense = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
    np.testing.assert_allclose(dense @ np.asarray(v), np.asarray(v) * np.asarray(w),
                               atol=1e-12)
    spread = np.arange(6.0) * 2 + 0.1 * d      # well-separated eigenvalues
    check_grads(lambda d, e: linalg.eigh_tridiagonal(d, e)[1] ** 2, (spread, e), order=1,
                modes=("fwd", "rev"))
    with pytest.raises(NotImplementedError, match="select='v'"):
        linalg.eigh_tridiagonal(d, e, eigvals_only=True, select="v")
    with pytest.raises(TypeError, match="float32 and float64"):
        linalg.eigh_tridiagonal(np.arange(3), np.arange(2), eigvals_only=True)
    with pytest.raises(ValueError, match="select_range must be specified"):
        linalg.eigh_tridiagonal(d, e, eigvals_only=True, select="i")


def test_expm_frechet_equals_scipy_vmaps_and_differentiates():
    e = RNG.standard_normal((4, 4))
    value, frechet = sl.expm_frechet(A, e)
    _same(linalg.expm_frechet(A, e), (value, frechet), rtol=1e-9)
    _same(linalg.expm_frechet(3 * A, e, compute_expm=False),
          sl.expm_frechet(3 * A, e, compute_expm=False), rtol=1e-9)
    _loop_equals_vmap(lambda a, e: linalg.expm_frechet(a, e, compute_expm=False),
                      RNG.standard_normal((3, 4, 4)), RNG.standard_normal((3, 4, 4)),
                      rtol=1e-9)
    check_grads(lambda a, e: linalg.expm_frechet(a * 0.5, e, compute_expm=False), (A, e),
                order=1, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="same shape"):
        linalg.expm_frechet(A, np.eye(3))


def test_expm_gives_nans_past_max_squarings_as_jax():
    out = linalg.expm(A * 1e4, max_squarings=4)
    assert out.shape == (4, 4) and np.isnan(np.asarray(out)).all()
    _same(linalg.expm(A * 0.1, max_squarings=0), sl.expm(A * 0.1), rtol=1e-9)


def test_existing_signatures_follow_jax_errors():
    with pytest.raises(ValueError, match="Expected assume_a to be one of"):
        linalg.solve(SPD, b, assume_a="positive definite")
    _same(linalg.solve(SPD, b, assume_a="sym"), np.linalg.solve(SPD, b))


# ----------------------------------------------------------- the Schur family


@pytest.mark.parametrize("output", ["real", "complex"])
def test_schur_and_hessenberg_equal_scipy(output):
    for a in (A, A.astype(np.float32), A + 1j * RNG.standard_normal((4, 4))):
        tol = 1e-5 if a.dtype == np.float32 else 1e-12
        _same(linalg.schur(a, output), sl.schur(a, output), rtol=tol, atol=tol)
        _same(linalg.hessenberg(a, calc_q=True), sl.hessenberg(a, calc_q=True), rtol=tol,
              atol=tol)
        _same(linalg.hessenberg(a), sl.hessenberg(a), rtol=tol, atol=tol)
    stack = RNG.standard_normal((2, 3, 4, 4))
    t, z = linalg.schur(stack, output)
    assert t.shape == z.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(np.asarray(z @ t @ np.conj(np.swapaxes(z, -1, -2))), stack,
                               atol=1e-12)
    with pytest.raises(ValueError, match="Expected 'output' to be either"):
        linalg.schur(A, "quasi")
    with pytest.raises(ValueError, match="The input to schur must be a square matrix"):
        linalg.sqrtm(np.ones((2, 3)))
    with pytest.raises(TypeError, match="rank at least 2"):
        linalg.schur(np.ones(3))
    with pytest.raises(ValueError, match="Hessenberg reduction must have shape"):
        linalg.hessenberg(np.ones((2, 3)))


def test_schur_family_is_not_differentiable_as_in_jax():
    with pytest.raises(NotImplementedError, match="schur"):
        vmapx.grad(lambda a: linalg.schur(a)[0].sum())(A)
    with pytest.raises(NotImplementedError, match="hessenberg"):
        vmapx.grad(lambda a: linalg.hessenberg(a).sum())(A)


def test_rsf2csf_equals_scipy_and_batches():
    rotation = np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [0.0, 0.0, 3.0]])
    for a in (A, rotation, RNG.standard_normal((6, 6))):
        t, z = sl.schur(a)
        _same(linalg.rsf2csf(t, z), sl.rsf2csf(t, z), rtol=1e-10, atol=1e-12)
    stack = RNG.standard_normal((3, 5, 5))
    ts, zs = zip(*(sl.schur(m) for m in stack))
    ts, zs = np.stack(ts), np.stack(zs)
    _loop_equals_vmap(linalg.rsf2csf, ts, zs)
    _same(linalg.rsf2csf(ts, zs), tuple(np.stack(x) for x in
                                        zip(*(sl.rsf2csf(t, z) for t, z in zip(ts, zs)))))
    with pytest.raises(ValueError, match="must match"):
        linalg.rsf2csf(np.eye(2), np.eye(3))


def test_sqrtm_equals_scipy_squares_back_and_batches():
    for a in (SPD, A, np.array([[1.0, 4.0], [0.0, 9.0]])):
        x = linalg.sqrtm(a)
        _same(x, sl.sqrtm(a).astype(np.complex128), rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(np.asarray(x @ x), a, atol=1e-10)
    assert linalg.sqrtm(SPD.astype(np.float32)).dtype == np.complex64
    _loop_equals_vmap(linalg.sqrtm, RNG.standard_normal((3, 4, 4)))
    _jit_equals_eager(linalg.sqrtm, A)
    with pytest.raises(NotImplementedError, match="Blocked"):
        linalg.sqrtm(A, blocksize=2)


def test_sqrtm_of_singular_matrices_as_jax():
    """A zero numerator gives a zero entry (not 0/0): repeated zero eigenvalues
    have the square root of their diagonal; a nilpotent Jordan block has none (NaN)."""
    _same(linalg.sqrtm(np.zeros((2, 2))), np.zeros((2, 2), np.complex128))
    _same(linalg.sqrtm(np.diag([0.0, 0.0, 4.0])), np.diag([0.0, 0.0, 2.0]).astype(complex))
    assert np.isnan(np.asarray(linalg.sqrtm(np.array([[0.0, 1.0], [0.0, 0.0]])))).all()


def test_sqrtm_is_differentiable_unlike_jax():
    """Its custom JVP solves ``X dX + dX X = dA``: first-order derivatives in both
    modes (JAX raises: schur has no derivative)."""
    def f(a):
        return jnp.real(linalg.sqrtm(a @ a.T + np.eye(4)))
    check_grads(f, (A,), order=1, modes=("fwd", "rev"))
    c = RNG.standard_normal((4, 4)) + 1j * RNG.standard_normal((4, 4))
    check_grads(lambda a: linalg.sqrtm(a + 5 * np.eye(4)), (c,), order=1, modes=("fwd",))
    g = vmapx.vmap(vmapx.grad(lambda a: jnp.sum(f(a))))(RNG.standard_normal((2, 4, 4)))
    assert g.shape == (2, 4, 4) and np.isfinite(np.asarray(g)).all()


def test_funm_equals_scipy_and_the_known_functions():
    for a in (A, SPD / 10):
        _same(linalg.funm(a, jnp.exp), sl.expm(a).astype(np.complex128), rtol=1e-8,
              atol=1e-10)
        _same(linalg.funm(a, jnp.sin), sl.funm(a, np.sin).astype(np.complex128), rtol=1e-8,
              atol=1e-10)
    f, err = linalg.funm(A, jnp.cos, disp=False)
    want_f, want_err = sl.funm(A, np.cos, disp=False)
    np.testing.assert_allclose(np.asarray(f), want_f, atol=1e-10)
    assert err.shape == () and 0 < float(err) < 1e-6
    _loop_equals_vmap(lambda a: linalg.funm(a, jnp.exp), RNG.standard_normal((3, 4, 4)))
    _jit_equals_eager(lambda a: linalg.funm(a, jnp.exp), A)
    with pytest.raises(ValueError, match="square"):
        linalg.funm(np.ones((2, 2, 2)), jnp.exp)


def test_solve_sylvester_equals_scipy_broadcasts_and_differentiates_in_c():
    a, bb, c = RNG.standard_normal((4, 4)), RNG.standard_normal((3, 3)), RNG.standard_normal((4, 3))
    _same(linalg.solve_sylvester(a, bb, c), sl.solve_sylvester(a, bb, c), rtol=1e-9)
    cc = c + 1j * RNG.standard_normal((4, 3))   # (SciPy gets real A, B with complex C wrong)
    x = linalg.solve_sylvester(a, bb, cc)
    assert x.dtype == np.complex128
    np.testing.assert_allclose(a @ np.asarray(x) + np.asarray(x) @ bb, cc, atol=1e-12)
    cs = RNG.standard_normal((2, 4, 3))
    _same(linalg.solve_sylvester(a, bb, cs),
          np.stack([sl.solve_sylvester(a, bb, x) for x in cs]), rtol=1e-9)
    _loop_equals_vmap(lambda a, c: linalg.solve_sylvester(a, bb, c),
                      RNG.standard_normal((3, 4, 4)), cs.repeat(2, 0)[:3], rtol=1e-9)
    check_grads(lambda c: linalg.solve_sylvester(a, bb, c), (c,), order=2,
                modes=("fwd", "rev"))
    singular = linalg.solve_sylvester(np.eye(2), -np.eye(2), np.ones((2, 2)))
    assert np.isnan(np.asarray(singular)).all()
    with pytest.raises(ValueError, match="Incompatible shapes"):
        linalg.solve_sylvester(a, bb, c.T)


# Krylov-solver systems (tests in test_scipy_sparse_linalg.py; JAX oracle below)
NONSYM = RNG.standard_normal((5, 5)) + 5 * np.eye(5)
POSDEF = NONSYM @ NONSYM.T
rhs5 = RNG.standard_normal(5)

# ------------------------------------------------------------- JAX as oracle


def _jax_linalg():
    jax = pytest.importorskip("jax")
    import jax.scipy.linalg  # noqa: F401
    import jax.scipy.sparse.linalg  # noqa: F401
    import jax.scipy.cluster.vq  # noqa: F401
    jax.config.update("jax_enable_x64", True)
    return jax


def test_public_names_and_signatures_are_jaxs():
    jax = _jax_linalg()
    pairs = [(linalg, jax.scipy.linalg), (sparse, jax.scipy.sparse.linalg),
             (vmapx.scipy.cluster.vq, jax.scipy.cluster.vq)]
    for ours, theirs in pairs:
        names = sorted(n for n in dir(theirs) if not n.startswith("_")
                       and callable(getattr(theirs, n)))
        missing = [n for n in names if not hasattr(ours, n)]
        assert not missing, f"{ours.__name__} lacks {missing}"
        for n in names:
            want = [(p.name, p.kind, p.default) for p in
                    inspect.signature(getattr(theirs, n)).parameters.values()]
            got = [(p.name, p.kind, p.default) for p in
                   inspect.signature(getattr(ours, n)).parameters.values()]
            assert got == want, f"{n}: {got} != {want}"


def test_values_and_dtypes_match_jax():
    """JAX's conventions where SciPy differs or has no say (complex results,
    Q factors, the error estimate, NaNs past max_squarings, Krylov iterates);
    the other values are compared with SciPy above (JAX compiles slowly)."""
    jax = _jax_linalg()
    J, S = jax.scipy.linalg, jax.scipy.sparse.linalg
    a4, e4 = A, RNG.standard_normal((4, 4))
    cases = [
        (linalg.sqrtm(a4), J.sqrtm(a4)),
        (linalg.sqrtm(a4.astype(np.float32)), J.sqrtm(a4.astype(np.float32))),
        (linalg.funm(a4, jnp.sin, disp=False), J.funm(a4, jax.numpy.sin, disp=False)),
        (linalg.schur(a4, "complex"), J.schur(a4, "complex")),
        (linalg.hessenberg(a4, calc_q=True), J.hessenberg(a4, calc_q=True)),
        (linalg.rsf2csf(*sl.schur(a4)), J.rsf2csf(*sl.schur(a4))),
        (linalg.polar(a4), J.polar(a4)),
        (linalg.qr(a4[:, :3], pivoting=True), J.qr(a4[:, :3], pivoting=True)),
        (linalg.toeplitz(np.arange(3)), J.toeplitz(np.arange(3))),
        (linalg.expm(a4 * 1e3, max_squarings=3), J.expm(a4 * 1e3, max_squarings=3)),
        (sparse.cg(POSDEF, rhs5)[0], S.cg(POSDEF, rhs5)[0]),
        (sparse.gmres(NONSYM, rhs5, restart=2), S.gmres(NONSYM, rhs5, restart=2)),
        (vq(a4, e4), jax.scipy.cluster.vq.vq(a4, e4)),
    ]
    for k, (got, want) in enumerate(cases):
        got = got if isinstance(got, tuple) else (got,)
        want = tuple(want) if isinstance(want, (tuple, list)) else (want,)   # (schur: a list)
        for g, w in zip(got, want, strict=True):
            w = np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (k, g.shape, w.shape, g.dtype,
                                                               w.dtype)
            tol = 1e-4 if w.dtype in (np.float32, np.complex64) else 1e-7
            np.testing.assert_allclose(np.asarray(g), w, rtol=tol, atol=tol, err_msg=str(k))


def test_derivatives_match_jax():
    jax = _jax_linalg()
    J, S = jax.scipy.linalg, jax.scipy.sparse.linalg
    pairs = [   # (the others are checked against finite differences above)
        (lambda a: jnp.sum(linalg.polar(a, method="svd")[1]),
         lambda a: jax.numpy.sum(J.polar(a, method="svd")[1])),
        (lambda a: jnp.sum(linalg.qr(a, mode="economic", pivoting=True)[1]),
         lambda a: jax.numpy.sum(J.qr(a, mode="economic", pivoting=True)[1])),
        (lambda a: jnp.sum(sparse.gmres(a + 4 * np.eye(4), b, tol=1e-13)[0]),
         lambda a: jax.numpy.sum(S.gmres(a + 4 * np.eye(4), b, tol=1e-13)[0])),
    ]
    # solve(assume_a='pos') reads one triangle but differentiates with the whole
    # matrix (JAX's custom_linear_solve): a non-symmetric input shows the difference
    unsym = SPD + 0.3 * np.triu(np.ones((4, 4)), 1)
    for lower in (False, True):
        g = vmapx.grad(lambda s: jnp.sum(linalg.solve(s, b, assume_a="pos", lower=lower) ** 2))
        want = jax.grad(lambda s: jax.numpy.sum(J.solve(s, b, assume_a="pos", lower=lower) ** 2))
        got = g(unsym)
        assert np.isfinite(np.asarray(got)).all()
        np.testing.assert_allclose(np.asarray(got), np.asarray(want(unsym)), rtol=1e-9,
                                   atol=1e-12)
        # cholesky: JAX's rule takes the whole perturbation too (also complex, also 2nd order)
        weights = RNG.standard_normal((4, 4))
        herm = SPD + 1j * (np.triu(weights, 1) - np.triu(weights, 1).T)
        for s in (unsym, herm):
            got = vmapx.grad(lambda s: jnp.sum(jnp.real(linalg.cholesky(s, lower) * weights)))(s)
            want = jax.grad(lambda s: jax.numpy.sum(jax.numpy.real(J.cholesky(s, lower)
                                                                   * weights)))(s)
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9,
                                       atol=1e-12)
        got = vmapx.hessian(lambda s: jnp.sum(linalg.cholesky(s, lower) * weights))(unsym)
        want = jax.hessian(lambda s: jax.numpy.sum(J.cholesky(s, lower) * weights))(unsym)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9, atol=1e-12)
    for ours, theirs in pairs:
        g = vmapx.grad(ours)(A)
        np.testing.assert_allclose(np.asarray(g), np.asarray(jax.grad(theirs)(A)), rtol=1e-7,
                                   atol=1e-9)


FLOAT32 = [
    ("cholesky", lambda a: linalg.cholesky(a @ a.T + 4 * np.eye(4, dtype=np.float32)),
     np.float32),
    ("polar", lambda a: linalg.polar(a)[1], np.float32),
    ("qr_multiply", lambda a: linalg.qr_multiply(a, a)[0], np.float32),
    ("expm_frechet", lambda a: linalg.expm_frechet(a, a, compute_expm=False), np.float32),
    ("solve_sylvester", lambda a: linalg.solve_sylvester(a, a.T, a), np.float32),
    ("funm", lambda a: linalg.funm(a, jnp.exp), np.complex64),
    ("rsf2csf", lambda a: (lambda t, z: z @ t @ jnp.conj(z.T))(*linalg.rsf2csf(*linalg.schur(a))),
     np.complex64),
    ("hessenberg", lambda a: linalg.hessenberg(a), np.float32),
    ("toeplitz", lambda a: linalg.toeplitz(a[0], a[1]), np.float32),
    ("companion", lambda a: linalg.companion(a[0] + 3), np.float32),
    ("vq", lambda a: vq(a, a[:2])[1], np.float32),
    ("gmres", lambda a: sparse.gmres(a + 4 * np.eye(4, dtype=np.float32), a[0])[0], np.float32),
]


@pytest.mark.parametrize("name, f, dtype", FLOAT32, ids=[n for n, *_ in FLOAT32])
def test_float32_stays_single_precision(name, f, dtype):
    a = A.astype(np.float32)
    out = f(a)
    assert out.dtype == dtype
    np.testing.assert_allclose(np.asarray(out), np.asarray(f(A)), rtol=2e-3, atol=2e-3)
