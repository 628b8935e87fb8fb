"""NumPy's ``LinAlgError`` in per-example NumPy code under ``vmap`` is raised for
the examples where NumPy raises it, and only those (the loop is the oracle);
``vmapx.numpy.linalg`` keeps JAX's inf/NaN for such an example
(``_src/numpy_linalg_errors.py``, docs/per-example-code.md)."""
import warnings

import numpy as np
import pytest

import vmapx
import vmapx.errors
import vmapx.numpy as jnp
from array_checks import loop_equals_vmap

RNG = np.random.default_rng(7)
M = RNG.normal(size=(8, 4, 4))
SINGULAR = M.copy()
SINGULAR[[2, 5]] = 0.0                      # NumPy: "Singular matrix"
NAN = M.copy()
NAN[3, 1, 0] = np.nan                        # LAPACK does not converge
SPD = M @ np.swapaxes(M, 1, 2) + 4 * np.eye(4)
NOT_PD = SPD.copy()
NOT_PD[6] = -NOT_PD[6]                       # "Matrix is not positive definite"


def _guarded(fn, fallback):
    def f(m):
        try:
            return fn(m)
        except np.linalg.LinAlgError:
            return fallback(m)
    return f


CASES = {
    "inv": (_guarded(np.linalg.inv, np.zeros_like), SINGULAR),
    "solve": (_guarded(lambda m: np.linalg.solve(m, np.arange(4.0)),
                       lambda m: np.full(4, -1.0)), SINGULAR),
    "tensorinv": (_guarded(lambda m: np.linalg.tensorinv(m.reshape(4, 2, 2), ind=1),
                           lambda m: np.zeros((2, 2, 4))), SINGULAR),
    "cholesky": (_guarded(np.linalg.cholesky, lambda m: np.eye(4)), NOT_PD),
    "svd": (_guarded(lambda m: np.linalg.svd(m)[1], lambda m: np.full(4, -1.0)), NAN),
    "pinv": (_guarded(np.linalg.pinv, np.zeros_like), NAN),
    "eigh": (_guarded(lambda m: np.linalg.eigh(m)[0], lambda m: np.full(4, -1.0)), NAN),
    "eigvals": (_guarded(lambda m: np.sort_complex(np.linalg.eigvals(m)),
                         lambda m: np.zeros(4, complex)), NAN),
    "lstsq": (_guarded(lambda m: np.linalg.lstsq(m[:, :3], m[:, 3], rcond=None)[0],
                       lambda m: np.full(3, -1.0)), NAN),
    "matrix_rank": (_guarded(np.linalg.matrix_rank, lambda m: np.int64(-1)), NAN),
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@pytest.mark.parametrize("name", CASES)
def test_caught_linalg_errors_take_the_except_branch_per_example(name):
    f, data = CASES[name]
    loop_equals_vmap(f, data, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", CASES)
def test_batches_without_failures_stay_batched_and_equal_the_loop(name):
    f, _ = CASES[name]
    data = SPD if name == "cholesky" else M
    with warnings.catch_warnings():
        warnings.simplefilter("error", vmapx.errors.VmapLoopWarning)
        loop_equals_vmap(f, data, rtol=1e-8, atol=1e-10)


def test_an_uncaught_error_is_numpys():
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        vmapx.vmap(np.linalg.inv)(SINGULAR)
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        vmapx.vmap(np.linalg.cholesky)(NOT_PD)


def test_vmapx_numpy_keeps_jaxs_inf_and_nan_for_the_bad_example_alone():
    inv = vmapx.vmap(jnp.linalg.inv)(SINGULAR)
    assert not np.isfinite(inv[2]).all() and np.allclose(inv[0], np.linalg.inv(M[0]))
    w, v = vmapx.vmap(jnp.linalg.eigh)(NAN)             # NumPy: the whole stack raises
    assert np.isnan(w[3]).all() and np.isnan(v[3]).all()
    sym = (M + np.swapaxes(M, 1, 2)) / 2
    np.testing.assert_allclose(w[0], np.linalg.eigvalsh(sym[0]))
    assert np.isnan(vmapx.vmap(jnp.linalg.eigvalsh)(NAN)[3]).all()
    # under jit there are no concrete values: NumPy's function gives JAX's answer
    staged = vmapx.jit(vmapx.vmap(np.linalg.inv))(SINGULAR)
    assert not np.isfinite(staged[2]).all() and np.allclose(staged[0], np.linalg.inv(M[0]))


def test_nested_vmap_and_grad():
    f, _ = CASES["inv"]
    both = np.stack([SINGULAR, M])
    got = vmapx.vmap(vmapx.vmap(f))(both)
    np.testing.assert_array_equal(got[0, 2], 0.0)
    np.testing.assert_allclose(got[1], np.linalg.inv(M))
    g = vmapx.vmap(vmapx.grad(lambda m: np.sum(f(m))))(SINGULAR)
    np.testing.assert_array_equal(g[2], 0.0)
    np.testing.assert_allclose(g[0], vmapx.grad(lambda m: jnp.sum(jnp.linalg.inv(m)))(M[0]))


@pytest.mark.parametrize("fn", [np.linalg.cholesky, lambda m: np.linalg.eigh(m)[0],
                                lambda m: np.abs(np.linalg.eigh(m, "U")[1]),
                                np.linalg.eigvalsh,
                                lambda m: np.linalg.cholesky(m.T, upper=True)],
                         ids=["cholesky", "eigh", "eigh_U", "eigvalsh", "cholesky_upper"])
def test_numpys_hermitian_functions_read_one_triangle_as_numpy(fn):
    # the other triangle holds garbage: NumPy never reads it (JAX symmetrizes)
    loop_equals_vmap(fn, SPD + np.triu(M, 1), rtol=1e-8, atol=1e-10)


def test_numpys_eig_and_eigvals_are_real_where_every_eigenvalue_is():
    sym = M + np.swapaxes(M, 1, 2)
    mixed = np.concatenate([sym[:4], M[4:]])     # real spectra, then complex ones
    loop_equals_vmap(lambda m: np.sort(np.linalg.eigvals(m)), sym)
    loop_equals_vmap(lambda m: np.sort_complex(np.linalg.eigvals(m)), mixed)
    loop_equals_vmap(lambda m: np.abs(np.linalg.eig(m).eigenvectors), sym)
    # vmapx.numpy (and NumPy's function under jit) stays complex, as JAX
    assert vmapx.vmap(jnp.linalg.eigvals)(sym).dtype == np.complex128
    assert vmapx.jit(vmapx.vmap(np.linalg.eigvals))(sym).dtype == np.complex128
