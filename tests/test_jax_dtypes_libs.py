"""The result dtypes of ``vmapx.nn``, ``scipy.special``, ``scipy.stats``,
``scipy.linalg``, ``numpy.linalg``, ``numpy.fft`` and ``random`` are JAX's with
x64 on: int32 and bool inputs give float32, int64 float64, float32 stays
float32 (``docs/dtypes-and-results.md``).

The reference table ``data/jax_dtypes_libs.json`` was taken from JAX 0.10.2
(x64) by ``data/make_jax_dtypes_libs.py``; JAX is not needed to run these tests.
"""
import json
import os
import sys

import numpy as np
import pytest

import vmapx
import vmapx.nn as nn
import vmapx.numpy as jnp
import vmapx.random as random
import vmapx.scipy.linalg as scipy_linalg
import vmapx.scipy.special as special
import vmapx.scipy.stats as stats

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "data"))
import make_jax_dtypes_libs as cases_mod  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "data", "jax_dtypes_libs.json")) as _fh:
    JAX = json.load(_fh)["dtypes"]

NS = dict(jnp=jnp, nn=nn, special=special, stats=stats, scipy_linalg=scipy_linalg,
          random=random)

# Where vmapx knowingly differs: key -> why.
KNOWN = {
    "nn.mish(bool)": "JAX's softplus of a bool goes through a weak int (float64)",
}


def test_the_table_covers_the_cases():
    assert set(JAX) == set(cases_mod.cases(NS))


def test_result_dtypes_are_jax_x64s():
    got = cases_mod.result_dtypes(NS)
    wrong = []
    for key, want in JAX.items():
        have = got[key]
        if have == want or want.startswith("ERR") or key in KNOWN:
            # where JAX raises (sigmoid or ndtr of integers...) vmapx computes
            continue
        wrong.append(f"{key}: JAX {want}, vmapx {have}")
    assert not wrong, f"{len(wrong)} dtypes differ from JAX (x64):\n" + "\n".join(wrong[:40])


def test_where_jax_raises_vmapx_computes_in_the_inexact_dtype():
    got = cases_mod.result_dtypes(NS)
    for key, want in JAX.items():
        if key.startswith(("stats.norm.ppf", "stats.norm.isf")):
            continue   # float64 whatever the input, as JAX's
        if want.startswith("ERR") and "(int32)" in key and not got[key].startswith("ERR"):
            assert got[key] in ("float32", "complex64"), key


@pytest.mark.parametrize("f", [special.erf, nn.gelu, stats.norm.logpdf, special.gammaln,
                               lambda a: jnp.fft.rfft(a).real, jnp.linalg.pinv],
                         ids=["erf", "gelu", "norm.logpdf", "gammaln", "rfft", "pinv"])
def test_int32_batches_compute_in_float32_and_equal_the_loop(f):
    xs = np.arange(1, 13, dtype=np.int32).reshape(3, 2, 2)
    got = vmapx.vmap(f)(xs)
    want = np.stack([np.asarray(f(x)) for x in xs])
    assert got.dtype == want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # the values are the float32 ones: the function of the input cast to float32
    np.testing.assert_allclose(got, vmapx.vmap(f)(xs.astype(np.float32)), rtol=1e-6)


def test_norm_ppf_is_float64_as_jaxs():
    assert stats.norm.ppf(np.float32(0.25)).dtype == np.float64
    assert stats.norm.isf(np.array([0.25], np.float32)).dtype == np.float64


def test_multivariate_normal_draws_in_the_inputs_inexact_dtype():
    key = random.PRNGKey(0)
    mean, cov = np.zeros(2, np.float32), np.eye(2, dtype=np.float32)
    got = random.multivariate_normal(key, mean, cov)
    assert got.dtype == np.float32
    # the float32 draw of the standard normal under the factor (here, the identity)
    np.testing.assert_array_equal(got, random.normal(key, (2,), np.float32))
    assert random.multivariate_normal(key, mean.astype(np.int32), cov.astype(np.int32)).dtype \
        == np.float32
    assert random.multivariate_normal(key, mean, cov, dtype=np.float64).dtype == np.float64
