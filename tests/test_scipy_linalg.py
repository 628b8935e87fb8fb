"""``vmapx.scipy.linalg``: SciPy's values (and JAX's conventions), batched under
``vmap`` as the loop, differentiable as finite differences say."""
import numpy as np
import pytest
import scipy.linalg as sl

import vmapx
from array_checks import same
from vmapx.scipy import linalg
from vmapx.test_util import check_grads

RNG = np.random.default_rng(0)
A = RNG.standard_normal((4, 4)) + 4 * np.eye(4)
SPD = A @ A.T
B = RNG.standard_normal((4, 2))
b = RNG.standard_normal(4)


def _same(got, want, rtol=1e-10):
    same(got, want, rtol, 1e-12)


@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular_equals_scipy(trans, lower, unit):
    for rhs in (B, b):
        _same(linalg.solve_triangular(A, rhs, trans=trans, lower=lower, unit_diagonal=unit),
              sl.solve_triangular(A, rhs, trans=trans, lower=lower, unit_diagonal=unit))


@pytest.mark.parametrize("lower", [True, False])
def test_cho_factor_and_cho_solve(lower):
    c, low = linalg.cho_factor(SPD, lower=lower)
    assert low is lower
    want = np.linalg.cholesky(SPD)
    _same(c, want if lower else want.T)   # zeros in the unused triangle, as JAX
    for rhs in (B, b):
        _same(linalg.cho_solve((c, lower), rhs), sl.cho_solve(sl.cho_factor(SPD, lower), rhs))


def test_lu_factor_lu_and_lu_solve_equal_scipy():
    lu_, piv = linalg.lu_factor(A)
    want_lu, want_piv = sl.lu_factor(A)
    _same((lu_, piv), (want_lu, want_piv.astype(np.int32)))
    _same(linalg.lu(A), sl.lu(A))
    _same(linalg.lu(A, permute_l=True), sl.lu(A, permute_l=True))
    for shape in ((3, 5), (5, 3)):
        m = RNG.standard_normal(shape)
        _same(linalg.lu(m), sl.lu(m))
    for trans in (0, 1, 2):
        for rhs in (B, b):
            _same(linalg.lu_solve((lu_, piv), rhs, trans=trans),
                  sl.lu_solve((want_lu, want_piv), rhs, trans=trans))


def test_decompositions_and_solvers_equal_scipy():
    tall = RNG.standard_normal((5, 3))
    q, r = linalg.qr(tall)
    assert q.shape == (5, 5) and r.shape == (5, 3)
    np.testing.assert_allclose(q @ r, tall, atol=1e-12)
    q, r = linalg.qr(tall, mode="economic")
    assert q.shape == (5, 3) and r.shape == (3, 3)
    r_only, = linalg.qr(tall, mode="r")
    np.testing.assert_allclose(np.abs(r_only), np.abs(sl.qr(tall, mode="r")[0]), atol=1e-12)
    _same(linalg.svd(A, compute_uv=False), sl.svd(A, compute_uv=False))
    _same(linalg.eigh(SPD, eigvals_only=True), sl.eigh(SPD, eigvals_only=True))
    w, v = linalg.eigh(SPD, lower=False)
    np.testing.assert_allclose(v @ np.diag(w) @ v.T, SPD, rtol=1e-10)
    _same(linalg.inv(A), sl.inv(A))
    _same(linalg.det(A), np.float64(sl.det(A)))
    _same(linalg.solve(A, b), sl.solve(A, b))
    _same(linalg.solve(SPD, B, assume_a="pos"), sl.solve(SPD, B, assume_a="pos"))
    _same(linalg.block_diag(np.ones((2, 2)), 3.0, np.arange(3.0)),
          sl.block_diag(np.ones((2, 2)), 3.0, np.arange(3.0)))


@pytest.mark.parametrize("scale", [0.01, 0.5, 3.0, 40.0])
def test_expm_equals_scipy_across_scalings(scale):
    _same(linalg.expm(A * scale), sl.expm(A * scale), rtol=1e-9)


def test_expm_of_a_stack_and_of_nilpotent_and_zero_matrices():
    stack = np.stack([A * 0.1, A * 5.0, np.zeros((4, 4))])
    _same(linalg.expm(stack), np.stack([sl.expm(m) for m in stack]), rtol=1e-9)
    _same(linalg.expm(np.array([[0.0, 1.0], [0.0, 0.0]])), np.array([[1.0, 1.0], [0.0, 1.0]]))


BATCHED = [
    ("solve_triangular", lambda a, y: linalg.solve_triangular(a, y, lower=True)),
    ("cho_solve", lambda a, y: linalg.cho_solve(linalg.cho_factor(a @ a.T + 4 * np.eye(4)), y)),
    ("lu_solve", lambda a, y: linalg.lu_solve(linalg.lu_factor(a), y, trans=1)),
    ("lu", lambda a, y: linalg.lu(a)),
    ("expm", lambda a, y: linalg.expm(a * (1.0 + y[0] ** 2))),
    ("solve", lambda a, y: linalg.solve(a, y)),
    ("qr", lambda a, y: linalg.qr(a)),
    ("det", lambda a, y: linalg.det(a)),
]


@pytest.mark.parametrize("name, f", BATCHED, ids=[n for n, _ in BATCHED])
def test_vmap_equals_the_loop(name, f):
    mats = np.stack([A, A.T + np.eye(4), 2 * A])
    rhs = RNG.standard_normal((3, 4))
    batched = vmapx.vmap(f)(mats, rhs)
    looped = [f(m, y) for m, y in zip(mats, rhs, strict=True)]
    for got, parts in zip(batched if isinstance(batched, tuple) else (batched,),
                          zip(*looped) if isinstance(looped[0], tuple) else (looped,),
                          strict=True):
        want = np.stack(parts)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


GRADS = [
    ("solve_triangular", lambda a, y: linalg.solve_triangular(a, y, lower=True, trans=1)),
    ("lu_solve", lambda a, y: linalg.lu_solve(linalg.lu_factor(a), y)),
    ("lu", lambda a, y: linalg.lu(a)[1] @ y + linalg.lu(a)[2] @ y),
    ("cho_solve", lambda a, y: linalg.cho_solve(linalg.cho_factor(a @ a.T), y)),
    ("expm", lambda a, y: linalg.expm(a * 0.3) @ y),
    ("expm_squared", lambda a, y: linalg.expm(a * 3.0) @ y),
    ("solve_pos", lambda a, y: linalg.solve(a @ a.T, y, assume_a="pos")),
]


@pytest.mark.parametrize("name, f", GRADS, ids=[n for n, _ in GRADS])
def test_derivatives_match_finite_differences(name, f):
    check_grads(f, (A, b), order=1, modes=("fwd", "rev"))


def test_expm_derivatives_under_vmap_and_jit():
    mats = np.stack([A * 0.2, A * 2.0])
    g = vmapx.vmap(vmapx.grad(lambda m: linalg.expm(m).sum()))(mats)
    looped = np.stack([vmapx.grad(lambda m: linalg.expm(m).sum())(m) for m in mats])
    np.testing.assert_allclose(g, looped, rtol=1e-9)
    jitted = vmapx.jit(linalg.expm)
    _same(jitted(A * 2.0), sl.expm(A * 2.0), rtol=1e-9)


def test_errors():
    with pytest.raises(NotImplementedError, match="b=None"):
        linalg.eigh(SPD, SPD)
    with pytest.raises(ValueError, match="Unsupported QR decomposition mode"):
        linalg.qr(A, mode="raw")
    with pytest.raises(ValueError, match="Invalid 'trans'"):
        linalg.solve_triangular(A, b, trans=3)
    with pytest.raises(ValueError, match="square"):
        linalg.expm(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        linalg.block_diag(np.ones((2, 2, 2)))


def test_matches_jax_scipy_linalg():
    jax = pytest.importorskip("jax")
    J = jax.scipy.linalg
    with jax.enable_x64(True):
        cases = [
            (linalg.lu(A), J.lu(A)), (linalg.lu_factor(A), J.lu_factor(A)),
            (linalg.cho_factor(SPD)[0], J.cho_factor(SPD)[0]),
            (linalg.expm(A * 2.0), J.expm(A * 2.0)),
            (linalg.solve_triangular(A, B, trans=2), J.solve_triangular(A, B, trans=2)),
            (linalg.block_diag(1.0, np.ones((2, 3))), J.block_diag(1.0, np.ones((2, 3)))),
            (vmapx.grad(lambda m: linalg.expm(m).sum())(A * 0.5),
             jax.grad(lambda m: J.expm(m).sum())(A * 0.5)),
            (vmapx.grad(lambda m: linalg.lu(m)[2].sum())(A),
             jax.grad(lambda m: J.lu(m)[2].sum())(A)),
        ]
        for got, want in cases:
            _same(got, tuple(np.asarray(w) for w in want) if isinstance(want, tuple)
                  else np.asarray(want), rtol=1e-9)
