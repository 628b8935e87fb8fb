"""``vmapx.scipy.sparse.linalg`` (``cg``, ``bicgstab``, ``gmres``) and
``vmapx.scipy.cluster.vq``: the solution of the system (NumPy's solve), the
tolerance and ``maxiter``, matrices, functions, preconditioners, pytrees and
complex systems, the loop as the oracle of ``vmap``, ``jit`` equal to eager,
implicit derivatives against finite differences and ``A^-T``, JAX's errors;
``vq`` against SciPy.  (JAX parity of these: test_scipy_linalg_more.py.)"""
import numpy as np
import pytest
import scipy.cluster.vq as scipy_vq

import vmapx
import vmapx.numpy as jnp
from vmapx.scipy.cluster.vq import vq
from vmapx.scipy.sparse import linalg as sparse
from vmapx.test_util import check_grads
from test_scipy_linalg_more import NONSYM, POSDEF, RNG, _jit_equals_eager, _loop_equals_vmap, rhs5

# ------------------------------------------------------------ sparse.linalg

SOLVERS = [
    ("cg", lambda A, b, **kw: sparse.cg(A, b, **kw), POSDEF),
    ("bicgstab", lambda A, b, **kw: sparse.bicgstab(A, b, **kw), NONSYM),
    ("gmres_batched", lambda A, b, **kw: sparse.gmres(A, b, **kw), NONSYM),
    ("gmres_incremental",
     lambda A, b, **kw: sparse.gmres(A, b, solve_method="incremental", **kw), NONSYM),
    ("gmres_restart_2", lambda A, b, **kw: sparse.gmres(A, b, restart=2, **kw), NONSYM),
]
IDS = [n for n, *_ in SOLVERS]


@pytest.mark.parametrize("name, solve, matrix", SOLVERS, ids=IDS)
def test_krylov_solution_with_a_matrix_a_function_and_a_preconditioner(name, solve, matrix):
    want = np.linalg.solve(matrix, rhs5)
    x, info = solve(matrix, rhs5, tol=1e-12)
    assert x.shape == (5,) and x.dtype == np.float64
    np.testing.assert_allclose(np.asarray(x), want, rtol=1e-9, atol=1e-10)
    x, _ = solve(lambda v: matrix @ v, rhs5, tol=1e-12, x0=np.ones(5))
    np.testing.assert_allclose(np.asarray(x), want, rtol=1e-9, atol=1e-10)
    jacobi = np.diag(1 / np.diag(matrix))
    x, _ = solve(matrix, rhs5, tol=1e-12, M=lambda v: jacobi @ v)
    np.testing.assert_allclose(np.asarray(x), want, rtol=1e-9, atol=1e-10)
    x32, _ = solve(matrix.astype(np.float32), rhs5.astype(np.float32))
    assert x32.dtype == np.float32
    np.testing.assert_allclose(np.asarray(x32), want, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name, solve, matrix", SOLVERS, ids=IDS)
def test_krylov_tolerance_and_maxiter_stop_early(name, solve, matrix):
    want = np.linalg.solve(matrix, rhs5)
    loose, _ = solve(matrix, rhs5, tol=1e-2)
    residual = np.linalg.norm(matrix @ np.asarray(loose) - rhs5)
    assert residual <= 1e-2 * np.linalg.norm(rhs5) * 1.0001
    one, _ = solve(matrix, rhs5, maxiter=1)
    if name in ("gmres_batched", "gmres_incremental"):
        # one restart of dimension 5 spans the whole space: solved to rounding
        np.testing.assert_allclose(np.asarray(one), want, rtol=1e-9, atol=1e-10)
    else:
        assert np.linalg.norm(np.asarray(one) - want) > 1e-8


@pytest.mark.parametrize("name, solve, matrix", SOLVERS, ids=IDS)
def test_krylov_vmap_equals_the_loop_and_jit_equals_eager(name, solve, matrix):
    mats = np.stack([matrix, matrix + np.eye(5), 2 * matrix])
    rhs = RNG.standard_normal((3, 5))
    _loop_equals_vmap(lambda m, y: solve(m, y, tol=1e-10)[0], mats, rhs, rtol=1e-8)
    _loop_equals_vmap(lambda y: solve(lambda v: matrix @ v, y)[0], rhs, rtol=1e-8)
    _jit_equals_eager(lambda m, y: solve(m, y)[0], matrix, rhs5)


@pytest.mark.parametrize("name, solve, matrix", SOLVERS, ids=IDS)
def test_krylov_derivatives_are_those_of_the_solution(name, solve, matrix):
    """Implicit differentiation (a second solve): the derivative of ``A^-1 b``."""
    def f(m, y):
        return solve(m, y, tol=1e-13)[0]
    check_grads(f, (matrix, rhs5), order=1, modes=("fwd", "rev"), atol=1e-5, rtol=1e-5)
    g = vmapx.grad(lambda y: jnp.sum(f(matrix, y)))(rhs5)
    np.testing.assert_allclose(np.asarray(g), np.linalg.solve(matrix.T, np.ones(5)),
                               rtol=1e-8)


@pytest.mark.parametrize("name, solve, matrix", SOLVERS, ids=IDS)
def test_krylov_solvers_take_pytrees(name, solve, matrix):
    half = {"a": rhs5[:2], "b": rhs5[2:].reshape(3, 1)}

    def operator(tree):
        v = jnp.concatenate([tree["a"], tree["b"].reshape(3)])
        out = jnp.matmul(matrix, v)
        return {"a": out[:2], "b": out[2:].reshape(3, 1)}
    x, _ = solve(operator, half, tol=1e-12)
    assert set(x) == {"a", "b"} and x["b"].shape == (3, 1)
    want = np.linalg.solve(matrix, rhs5)
    np.testing.assert_allclose(np.concatenate([np.asarray(x["a"]), np.asarray(x["b"])[:, 0]]),
                               want, rtol=1e-9, atol=1e-10)


def test_krylov_complex_systems():
    herm = POSDEF + 1j * (np.triu(np.ones((5, 5)), 1) - np.tril(np.ones((5, 5)), -1))
    y = rhs5 + 1j * RNG.standard_normal(5)
    want = np.linalg.solve(herm, y)
    for solve in (sparse.cg, sparse.bicgstab, sparse.gmres):
        x, _ = solve(herm, y, tol=1e-12)
        assert x.dtype == np.complex128
        np.testing.assert_allclose(np.asarray(x), want, rtol=1e-8, atol=1e-9)


def test_krylov_errors_and_info_as_jax():
    with pytest.raises(ValueError, match="matching tree structure"):
        sparse.cg(POSDEF, rhs5, x0=(rhs5,))
    with pytest.raises(ValueError, match="matching shapes"):
        sparse.cg(POSDEF, rhs5, x0=np.ones(4))
    with pytest.raises(ValueError, match="square matrix"):
        sparse.bicgstab(np.ones((5, 4)), rhs5)
    with pytest.raises(TypeError, match="either a function or ndarray"):
        sparse.cg("matrix", rhs5)
    with pytest.raises(ValueError, match="invalid solve_method"):
        sparse.gmres(NONSYM, rhs5, solve_method="lazy")
    _, info = sparse.gmres(NONSYM, rhs5)
    assert int(info) == 0
    x, info = sparse.gmres(NONSYM, rhs5, x0=np.full(5, np.nan))
    assert np.isnan(np.asarray(x)).all() and int(info) == -1
    assert sparse.cg(POSDEF, rhs5)[1] is None and sparse.bicgstab(NONSYM, rhs5)[1] is None


# ---------------------------------------------------------------- cluster.vq


def test_vq_equals_scipy_vmaps_and_differentiates():
    obs, book = RNG.standard_normal((7, 3)), RNG.standard_normal((4, 3))
    code, dist = vq(obs, book)
    want_code, want_dist = scipy_vq.vq(obs, book)
    assert code.dtype == np.int64 and dist.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(code), want_code)
    np.testing.assert_allclose(np.asarray(dist), want_dist, rtol=1e-12)
    code1, dist1 = vq(np.array([0.1, 2.6, 5.0]), np.array([0.0, 3.0]))
    np.testing.assert_array_equal(np.asarray(code1), [0, 1, 1])
    np.testing.assert_allclose(np.asarray(dist1), [0.1, 0.4, 2.0], rtol=1e-12)
    _loop_equals_vmap(vq, RNG.standard_normal((3, 7, 3)), RNG.standard_normal((3, 4, 3)))
    _jit_equals_eager(vq, obs, book)
    check_grads(lambda o, c: vq(o, c)[1], (obs, book), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="same rank"):
        vq(obs, book[0])
    with pytest.raises(ValueError, match="ndim different than 1 or 2"):
        vq(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
