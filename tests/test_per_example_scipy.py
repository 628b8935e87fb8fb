"""SciPy's own functions in per-example NumPy code on traced values: the
``scipy.linalg`` factorizations and solves, ``expm``, ``scipy.special``'s
``logsumexp`` / ``softmax`` / ``log_softmax`` and ``scipy.stats.norm`` run
batched as vmapx's counterparts, with SciPy's results: the loop is the oracle,
down to SciPy's errors per example (``numpy_hooks``' SciPy tables,
docs/per-example-code.md)."""
import warnings

import numpy as np
import pytest
import scipy.linalg
import scipy.special
import scipy.stats
from scipy.linalg import cho_factor, cho_solve, expm
from scipy.special import logsumexp

import vmapx
import vmapx.errors
from array_checks import loop_equals_vmap
from thread_checks import errors_in_threads

RNG = np.random.default_rng(11)
M = RNG.standard_normal((10, 4, 4))
SPD = M @ np.swapaxes(M, 1, 2) + 4 * np.eye(4)
X = RNG.standard_normal((10, 6))


def _gp_log_likelihood(s):
    c = cho_factor(s, lower=True)
    y = np.arange(4.0)
    return -0.5 * y @ cho_solve(c, y) - np.log(np.diag(c[0])).sum()


CASES = {
    "cho_factor + cho_solve": (_gp_log_likelihood, SPD),
    "cho_factor's other triangle": (lambda s: cho_factor(s)[0], SPD),
    "expm": (lambda m: expm(0.1 * m), M),
    "solve": (lambda m: scipy.linalg.solve(m, np.ones(4)), M),
    "solve assume_a=pos": (lambda s: scipy.linalg.solve(s, np.ones(4), assume_a="pos"), SPD),
    "inv and det": (lambda m: (scipy.linalg.inv(m), scipy.linalg.det(m)), M),
    "cholesky": (lambda s: scipy.linalg.cholesky(s), SPD),
    "solve_triangular": (lambda m: scipy.linalg.solve_triangular(
        np.triu(m) + 5 * np.eye(4), np.ones(4), trans="T"), M),
    "lu_factor + lu_solve": (lambda m: scipy.linalg.lu_solve(scipy.linalg.lu_factor(m),
                                                             np.ones(4)), M),
    "logsumexp / softmax": (lambda x: (logsumexp(x), scipy.special.logsumexp(x, b=np.arange(6.0)),
                                       scipy.special.softmax(x),
                                       scipy.special.log_softmax(x)), X),
    "logsumexp return_sign": (lambda x: scipy.special.logsumexp(x, b=x, return_sign=True), X),
    "norm of float32": (lambda x: (scipy.stats.norm.pdf(x.astype(np.float32)),
                                   scipy.stats.norm.cdf(x.astype(np.float32), loc=1.0)), X),
}


@pytest.mark.parametrize("name", CASES)
def test_scipy_functions_stay_batched_and_equal_the_loop(name):
    f, data = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", vmapx.errors.VmapLoopWarning)
        loop_equals_vmap(f, data, rtol=1e-9, atol=1e-10)


def _guarded(fn, errors, fallback):
    def f(m):
        try:
            return fn(m)
        except errors:
            return fallback
    return f


def test_scipys_errors_are_raised_per_example():
    singular = M.copy()
    singular[[3, 7]] = 0.0
    loop_equals_vmap(_guarded(scipy.linalg.inv, np.linalg.LinAlgError, np.zeros((4, 4))),
                     singular)
    loop_equals_vmap(_guarded(lambda m: scipy.linalg.solve(m, np.ones(4)),
                              np.linalg.LinAlgError, -np.ones(4)), singular)
    not_pd = SPD.copy()
    not_pd[2] = -not_pd[2]
    loop_equals_vmap(_guarded(lambda s: cho_factor(s)[0], np.linalg.LinAlgError, np.eye(4)),
                     not_pd)
    nan = M.copy()
    nan[5, 0, 0] = np.nan                  # check_finite: SciPy's ValueError
    loop_equals_vmap(_guarded(scipy.linalg.inv, ValueError, np.full((4, 4), 7.0)), nan)
    got = vmapx.vmap(lambda m: scipy.linalg.det(m, check_finite=False))(nan)
    assert np.isnan(got[5]) and np.allclose(got[0], np.linalg.det(M[0]))
    with pytest.raises(np.linalg.LinAlgError):
        vmapx.vmap(scipy.linalg.inv)(singular)


def test_unknown_keywords_and_untraced_calls_go_to_scipy():
    # a keyword vmapx's counterpart lacks: SciPy runs it (on concrete values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", vmapx.errors.VmapLoopWarning)
        loop_equals_vmap(lambda m: scipy.linalg.solve(m, np.ones(4), transposed=True), M)
    # nothing traced: SciPy's own result, untouched
    assert vmapx.vmap(lambda x: x + scipy.linalg.det(np.eye(2) * 2))(X).shape == X.shape
    assert scipy.linalg.inv.__module__.startswith("scipy")   # put back after the calls


def test_a_library_failing_on_traced_values_runs_as_the_loop():
    import scipy.sparse
    xs = np.random.default_rng(0).normal(size=(4, 6))

    def f(x):   # SciPy checks the diagonal's elements with isinstance: it needs NumPy's values
        return scipy.sparse.diags(4 + np.abs(x)).toarray().sum(0)

    with pytest.warns(vmapx.errors.VmapLoopWarning, match="scipy.sparse"):
        got = vmapx.vmap(f)(xs)
    np.testing.assert_allclose(got, np.stack([f(x) for x in xs]))
    # a failure of the examples themselves is raised, as by the loop
    with pytest.raises(ValueError, match="Different number of diagonals and offsets"):
        vmapx.vmap(lambda x: scipy.sparse.diags([x, x], 0))(xs)

    def own(x):
        raise KeyError("the user's own error")
    with pytest.raises(KeyError, match="the user's own error"):
        vmapx.vmap(own)(xs)


def test_compiled_library_code_gets_numpys_arrays_and_types():
    import scipy.spatial
    pts = np.random.default_rng(1).normal(size=(5, 10, 2))
    # ConvexHull's Cython code converts and type-checks its input: it must see
    # NumPy's arrays, never a tracer claiming to be an ndarray (that crashed)
    got = vmapx.vmap(lambda p: scipy.spatial.ConvexHull(p).volume)(pts)
    np.testing.assert_allclose(got, [scipy.spatial.ConvexHull(p).volume for p in pts])


def test_library_fallbacks_and_compiled_callers_under_threads():
    import scipy.sparse
    import scipy.spatial
    rng = np.random.default_rng(2)
    xs, pts = rng.normal(size=(4, 6)), rng.normal(size=(4, 8, 2))
    cases = [(lambda x: scipy.sparse.diags(4 + np.abs(x)).toarray().sum(0), xs),
             (lambda p: scipy.spatial.ConvexHull(p).volume, pts)]
    wants = [np.stack([f(x) for x in data]) for f, data in cases]

    def work(k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(5):
                for (f, data), want in zip(cases, wants):
                    np.testing.assert_allclose(vmapx.vmap(f)(data), want)

    assert errors_in_threads(work, 4) == []
