"""``vmapx.nn``, ``vmapx.scipy.special``, ``vmapx.scipy.stats.norm`` and the
special functions of ``vmapx.lax``.

References are SciPy and NumPy (values), the loop (``vmap(f)(xs)`` equals
stacking ``f(x)``), and central finite differences (derivatives).  The
primitives themselves are also covered by the registry harness
(``samples_special.py``).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.special as ss
import scipy.stats as st

import vmapx
import vmapx.numpy as jnp
from vmapx import lax, nn
from vmapx.scipy import special
from vmapx.scipy.stats import norm

RNG = np.random.default_rng(0)
X = np.linspace(-3.0, 3.0, 13)
U = np.linspace(0.02, 0.98, 9)
POS = np.linspace(0.3, 5.0, 9)


def _check(got, want, rtol=1e-10, atol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


# ------------------------------------------------------- values vs SciPy

SCIPY_UNARY = [
    (special.erf, ss.erf, X), (special.erfc, ss.erfc, X), (special.erfinv, ss.erfinv, 2 * U - 1),
    (special.gammaln, ss.gammaln, POS), (special.digamma, ss.digamma, POS),
    (special.gamma, ss.gamma, np.array([-2.5, -1.5, -0.5, 0.5, 3.0, 4.5])),
    (special.ndtr, ss.ndtr, X), (special.ndtri, ss.ndtri, U), (special.log_ndtr, ss.log_ndtr, X),
    (special.i0e, ss.i0e, X), (special.i1e, ss.i1e, X), (special.expit, ss.expit, X),
    (special.logit, ss.logit, U), (special.entr, ss.entr, np.array([-1.0, 0.0, 0.5, 2.0])),
    (norm.pdf, st.norm.pdf, X), (norm.logpdf, st.norm.logpdf, X), (norm.cdf, st.norm.cdf, X),
    (norm.logcdf, st.norm.logcdf, X), (norm.sf, st.norm.sf, X), (norm.logsf, st.norm.logsf, X),
    (norm.ppf, st.norm.ppf, U), (norm.isf, st.norm.isf, U),
]


@pytest.mark.parametrize("ours,ref,x", SCIPY_UNARY, ids=lambda v: getattr(v, "__name__", ""))
def test_unary_special_functions_match_scipy(ours, ref, x):
    _check(ours(x), ref(x))


@pytest.mark.parametrize("ours,ref", [
    (special.gammainc, ss.gammainc), (special.gammaincc, ss.gammaincc),
    (special.xlogy, ss.xlogy), (special.xlog1py, ss.xlog1py), (special.betaln, ss.betaln)])
def test_binary_special_functions_match_scipy(ours, ref):
    a, x = POS[:, None], POS[None, :] - 0.2
    _check(ours(a, x), ref(a, x), rtol=1e-9)


def test_polygamma_and_multigammaln_match_scipy():
    _check(special.polygamma(2, POS), ss.polygamma(2, POS))
    _check(special.polygamma(np.array([0, 1, 3]), np.array([0.5, 1.5, 2.5])),
           ss.polygamma(np.array([0, 1, 3]), np.array([0.5, 1.5, 2.5])))
    _check(special.multigammaln(POS + 2, 3), ss.multigammaln(POS + 2, 3))


def test_norm_takes_loc_and_scale():
    _check(norm.logpdf(X, 0.5, 2.0), st.norm.logpdf(X, 0.5, 2.0))
    _check(norm.ppf(U, 0.5, 2.0), st.norm.ppf(U, 0.5, 2.0))


def test_log_ndtr_is_finite_far_in_the_lower_tail():
    _check(special.log_ndtr(np.array([-40.0])), ss.log_ndtr(np.array([-40.0])))
    g = vmapx.grad(lambda x: special.log_ndtr(x))(-40.0)
    assert np.isfinite(g) and abs(float(g) - 40.0249) < 1e-3   # ~ -x for x -> -inf


def test_softmax_and_log_softmax_match_numpy():
    x = RNG.normal(size=(3, 4)) * 50
    e = np.exp(x - x.max(-1, keepdims=True))
    want = e / e.sum(-1, keepdims=True)
    _check(nn.softmax(x), want)
    _check(nn.log_softmax(x), np.log(want))
    _check(special.softmax(x, axis=-1), want)
    e = np.exp(x - x.max())
    _check(special.log_softmax(x), np.log(e / e.sum()))


def test_softmax_where_gives_zero_and_log_softmax_minus_inf_outside_the_mask():
    x, w = np.array([1.0, 5.0, 1.0]), np.array([True, False, True])
    _check(nn.softmax(x, where=w), np.array([0.5, 0.0, 0.5]))
    _check(nn.log_softmax(x, where=w), np.array([np.log(0.5), -np.inf, np.log(0.5)]))


def test_logsumexp_with_b_and_return_sign():
    a, b = np.array([1.0, 2.0, 0.5]), np.array([1.0, -1.0, 2.0])
    s = np.sum(b * np.exp(a))
    out, sign = special.logsumexp(a, b=b, return_sign=True)
    _check(out, np.log(abs(s)))
    _check(sign, np.sign(s))
    _check(special.logsumexp(a, b=np.array([1.0, -1.0, 0.0])), np.array(np.nan))
    x = RNG.normal(size=(2, 3, 4))
    _check(nn.logsumexp(x, axis=(0, 2), keepdims=True), ss.logsumexp(x, axis=(0, 2),
                                                                      keepdims=True))
    with np.errstate(divide="ignore"):
        _check(special.logsumexp(np.array([-np.inf, -np.inf])), np.array(-np.inf))
    w = np.array([True, False, True])
    _check(special.logsumexp(a, where=w), ss.logsumexp(a[w]))


def test_one_hot_encodes_along_axis_and_zeros_out_of_range():
    x = np.array([0, 2, -1, 3])
    _check(nn.one_hot(x, 3), np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], np.float64))
    _check(nn.one_hot(x, 3, axis=0, dtype=np.float32),
           np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]], np.float32))


def test_one_hot_under_vmap_matches_the_loop():
    xs = RNG.integers(0, 4, size=(5, 3))
    for axis in (-1, 0):
        got = vmapx.vmap(lambda x: nn.one_hot(x, 4, axis=axis))(xs)
        _check(got, np.stack([nn.one_hot(x, 4, axis=axis) for x in xs]))


def test_one_hot_num_classes_must_be_a_concrete_integer():
    # JAX 0.10.2: operator.index's own message for a float
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        nn.one_hot(np.array([0]), 2.5)
    with pytest.raises(TypeError, match="The error arose in jax.nn.one_hot argument "
                                        "`num_classes`"):
        vmapx.jit(lambda n: nn.one_hot(np.array([0]), n))(3)


def test_standardize_matches_numpy_in_both_algorithms():
    x = RNG.normal(size=(3, 5)) + 4
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    _check(nn.standardize(x), want, rtol=1e-8)
    _check(nn.standardize(x, algorithm="stable"), want, rtol=1e-10)
    with pytest.raises(ValueError, match="Unknown algorithm 'bad'"):
        nn.standardize(x, algorithm="bad")


ACTIVATIONS = {
    "relu": (nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (nn.relu6, lambda x: np.clip(x, 0, 6)),
    "sigmoid": (nn.sigmoid, ss.expit),
    "log_sigmoid": (nn.log_sigmoid, lambda x: -np.logaddexp(0, -x)),
    "softplus": (nn.softplus, lambda x: np.logaddexp(x, 0)),
    "soft_sign": (nn.soft_sign, lambda x: x / (abs(x) + 1)),
    "silu": (nn.silu, lambda x: x * ss.expit(x)),
    "elu": (nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "celu": (nn.celu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "selu": (nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 *
                                                              np.expm1(x))),
    "leaky_relu": (nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x)),
    "hard_tanh": (nn.hard_tanh, lambda x: np.clip(x, -1, 1)),
    "hard_sigmoid": (nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    "hard_silu": (nn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "mish": (nn.mish, lambda x: x * np.tanh(np.logaddexp(x, 0))),
    "gelu": (nn.gelu, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) *
                                                       (x + 0.044715 * x ** 3)))),
    "gelu_exact": (lambda x: nn.gelu(x, approximate=False), lambda x: x * ss.ndtr(x)),
    "squareplus": (nn.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    "sparse_plus": (nn.sparse_plus, lambda x: np.where(x <= -1, 0, np.where(
        x >= 1, x, (x + 1) ** 2 / 4))),
    "sparse_sigmoid": (nn.sparse_sigmoid, lambda x: np.clip(x + 1, 0, 2) / 2),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_match_numpy(name):
    ours, ref = ACTIVATIONS[name]
    _check(ours(X), ref(X))


def test_glu_gates_the_first_half_with_the_second():
    x = RNG.normal(size=(2, 6))
    _check(nn.glu(x), x[:, :3] * ss.expit(x[:, 3:]))
    _check(nn.glu(x, axis=0), x[:1] * ss.expit(x[1:]))


# ------------------------------------------------------- dtype behaviour

FLOAT_FNS = [nn.relu, nn.sigmoid, nn.softplus, nn.silu, nn.gelu, nn.elu, nn.mish, nn.softmax,
             nn.log_softmax, nn.standardize, nn.hard_silu, special.erf, special.erfc,
             special.gammaln, special.digamma, special.ndtr, special.log_ndtr, special.i0e,
             special.i1e, special.expit, special.entr, special.gamma, special.logsumexp,
             lambda x: special.gammainc(x, 1.5), lambda x: special.xlogy(x, 2.0),
             lambda x: special.polygamma(1, x), lambda x: special.betaln(x, 2.0),
             lambda x: norm.logpdf(x, 0.5, 2.0), lambda x: lax.igamma(x, np.asarray(1.5, x.dtype)), lax.erf,
             lax.lgamma, lax.bessel_i1e]


@pytest.mark.parametrize("fn", FLOAT_FNS)
def test_float32_stays_float32_and_float64_stays_float64(fn):
    x = POS.astype(np.float32)
    assert fn(x).dtype == np.float32
    assert fn(POS).dtype == np.float64


def test_integer_inputs_promote_to_float64():
    for fn in (special.erf, special.gammaln, special.expit, nn.sigmoid, nn.gelu, nn.softmax):
        out = fn(np.array([1, 2, 3]))
        assert isinstance(out, np.ndarray) and out.dtype == np.float64


def test_scalar_inputs_give_arrays():
    for fn in (special.erf, special.ndtri, nn.relu, nn.sigmoid):
        out = fn(0.5)
        assert type(out) is vmapx.Array and out.shape == () and out.dtype == np.float64


def test_lax_special_functions_take_floats_of_one_dtype():
    with pytest.raises(TypeError, match="erf does not accept dtype int32. Accepted dtypes "
                                        "are subtypes of floating."):
        lax.erf(np.int32(1))
    with pytest.raises(TypeError, match="lax.igamma requires arguments to have the same "
                                        "dtypes, got float32, float64."):
        lax.igamma(np.float32(1), np.float64(1))
    with pytest.raises(TypeError, match="got float64, float32"):
        lax.igamma(1.0, np.array([2.0], np.float32))   # a Python float is float64
    assert lax.igamma(1.0, np.array([2.0])).dtype == np.float64


def test_polygamma_has_no_derivative_in_its_order():
    with pytest.raises(ValueError, match="polygamma gradient with respect to m"):
        vmapx.grad(lambda m: lax.polygamma(m, 2.0))(1.0)


def test_polygamma_order_must_be_an_integer_and_result_follows_x():
    # JAX 0.10.2: ValueError for a float n; polygamma(int, float32) is float32
    with pytest.raises(ValueError, match="Argument `n` to polygamma must be of integer type. "
                                         "Got dtype float64."):
        special.polygamma(np.array([1.0]), np.array([1.0]))
    out = special.polygamma(np.array([1, 2]), np.array([2.0, 3.0], np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ss.polygamma([1, 2], [2.0, 3.0]), rtol=1e-6)


def test_polygamma_digamma_and_lgamma_at_their_poles_match_jax():
    # values from JAX 0.10.2 (x64): digamma is NaN at every pole, 0 included;
    # even orders of polygamma are NaN at poles, odd ones +inf; lgamma(-inf) is +inf
    x = np.array([0.0, -0.0, -1.0, -np.inf, np.inf, 1e-300])
    _check(special.digamma(x), np.array([np.nan, np.nan, np.nan, np.nan, np.inf, -1e300]))
    _check(lax.digamma(x.astype(np.float32)),
           np.array([np.nan] * 4 + [np.inf, np.nan], np.float32))
    _check(special.gammaln(x), np.array([np.inf] * 5 + [690.7755278982137]))
    _check(special.polygamma(np.array([0, 1, -1, 2]), np.array([0.0, 0.0, 1.0, -2.0])),
           np.array([np.nan, np.inf, np.nan, np.nan]))
    _check(vmapx.vmap(vmapx.grad(special.gammaln))(np.array([0.0, -1.0, 2.0])),
           np.array([np.nan, np.nan, ss.digamma(2.0)]))


def test_gamma_signs_poles_and_infinities_match_jax():
    # JAX 0.10.2 (= scipy.special.gamma): -inf at -0.0, NaN at negative integers and -inf
    x = np.array([0.0, -0.0, -1.0, -3.0, -np.inf, np.inf, np.nan, -1.5, -2.5, 4.0])
    _check(special.gamma(x), ss.gamma(x), rtol=1e-12)
    _check(special.gamma(x.astype(np.float32)), ss.gamma(x).astype(np.float32), rtol=1e-5)
    _check(special.gammasgn(x), np.array([1, -1, np.nan, np.nan, np.nan, 1, np.nan, 1, -1, 1.0]))


def test_logit_and_entr_derivatives_are_infinite_at_the_ends_as_in_jax():
    # JAX's custom JVPs: logit' = 1 / (x (1 - x)), entr' = -(log x + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = vmapx.vmap(vmapx.grad(special.logit))(np.array([0.0, 0.5, 1.0]))
        _check(g, np.array([np.inf, 4.0, np.inf]))
        g = vmapx.vmap(vmapx.grad(special.entr))(np.array([0.0, np.e, np.inf]))
        _check(g, np.array([np.inf, -2.0, -np.inf]))
        g = vmapx.jit(vmapx.grad(special.logit))(np.float32(0.0))
    assert g.dtype == np.float32 and g == np.inf


# ---------------------------------------------------------- loop oracle

BATCHED = {
    "relu": nn.relu, "gelu": nn.gelu, "softmax": nn.softmax, "log_softmax": nn.log_softmax,
    "standardize": nn.standardize, "glu": nn.glu, "logsumexp": lambda x: nn.logsumexp(x),
    "logsumexp_b": lambda x: special.logsumexp(x, b=np.array([1.0, -0.5, 2.0, 1.0])),
    "softmax_where": lambda x: nn.softmax(x, where=np.array([True, False, True, True])),
    "erf": special.erf, "erfinv": lambda x: special.erfinv(special.expit(x) - 0.5),
    "gammaln": lambda x: special.gammaln(x * x + 0.5), "log_ndtr": special.log_ndtr,
    "ndtri": lambda x: special.ndtri(special.expit(x)), "i1e": special.i1e,
    "gammainc": lambda x: special.gammainc(x * x + 0.5, jnp.abs(x[::-1]) + 0.1),
    "xlogy": lambda x: special.xlogy(x, x * x + 1.0), "entr": lambda x: special.entr(x * x),
    "norm_logcdf": lambda x: norm.logcdf(x, 0.5, 2.0),
    "multigammaln": lambda x: special.multigammaln(x * x + 2.0, 2),
}


def _loop(f, xs, axis):
    outs = [f(x) for x in np.moveaxis(xs, axis, 0)]
    return np.stack(outs)


@pytest.mark.parametrize("name", sorted(BATCHED))
def test_vmap_matches_the_loop(name):
    f = BATCHED[name]
    for size in (1, 3):
        xs = RNG.normal(size=(size, 4))
        for axis in (0, 1, -1):
            xb = np.moveaxis(xs, 0, axis)
            _check(vmapx.vmap(f, in_axes=axis)(xb), _loop(f, xb, axis), rtol=1e-12)
    xss = RNG.normal(size=(2, 3, 4))
    _check(vmapx.vmap(vmapx.vmap(f))(xss), np.stack([_loop(f, x, 0) for x in xss]),
           rtol=1e-12)
    empty = vmapx.vmap(f)(np.zeros((0, 4)))
    want = np.asarray(f(np.zeros(4)))
    assert empty.shape == (0,) + want.shape and empty.dtype == want.dtype


# ---------------------------------------------------- derivatives vs FD

GRADS = {
    "relu": nn.relu, "relu6": nn.relu6, "sigmoid": nn.sigmoid, "softplus": nn.softplus,
    "log_sigmoid": nn.log_sigmoid, "silu": nn.silu, "mish": nn.mish, "elu": nn.elu,
    "celu": nn.celu, "selu": nn.selu, "gelu": nn.gelu,
    "gelu_exact": lambda x: nn.gelu(x, approximate=False), "soft_sign": nn.soft_sign,
    "squareplus": nn.squareplus, "leaky_relu": nn.leaky_relu,
    "softmax": lambda x: nn.softmax(x) * np.arange(1.0, 5.0),
    "log_softmax": lambda x: nn.log_softmax(x) * np.arange(1.0, 5.0),
    "standardize": lambda x: nn.standardize(x) * np.arange(1.0, 5.0),
    "logsumexp_b": lambda x: special.logsumexp(x, b=np.array([1.0, 0.5, 2.0, 1.0])),
    "erf": special.erf, "erfc": special.erfc, "ndtr": special.ndtr,
    "log_ndtr": special.log_ndtr, "i0e": special.i0e, "i1e": special.i1e,
    "erfinv": lambda x: special.erfinv(special.expit(x) - 0.5),
    "ndtri": lambda x: special.ndtri(special.expit(x)),
    "gamma": lambda x: special.gamma(x * x + 0.5), "digamma": lambda x: special.digamma(x * x + 1),
    "gammainc_a": lambda x: special.gammainc(x * x + 0.5, 1.5),
    "gammaincc_x": lambda x: special.gammaincc(1.7, x * x + 0.2),
    "xlog1py": lambda x: special.xlog1py(x, x * x), "logit": lambda x: special.logit(
        special.expit(x) * 0.5 + 0.25),
    "norm_logpdf": lambda x: norm.logpdf(x, 0.5, 2.0), "norm_ppf": lambda x: norm.ppf(
        special.expit(x), 0.5, 2.0),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradient_matches_finite_differences(name):
    f = GRADS[name]
    x = np.array([-1.7, -0.4, 0.3, 1.2])   # away from the kinks of relu & co.

    def loss(v):
        return jnp.sum(f(v))
    g = vmapx.grad(loss)(x)
    eps = 1e-6
    fd = np.array([(float(loss(x + eps * e)) - float(loss(x - eps * e))) / (2 * eps)
                   for e in np.eye(4)])
    _check(g, fd, rtol=1e-6, atol=1e-7)


def test_relu_and_relu6_have_zero_derivative_at_their_kinks():
    _check(vmapx.vmap(vmapx.grad(nn.relu))(np.array([-1.0, 0.0, 1.0])), np.array([0.0, 0.0, 1.]))
    _check(vmapx.vmap(vmapx.grad(nn.relu6))(np.array([0.0, 3.0, 6.0])), np.array([0.0, 1.0, 0.]))


def test_softmax_gradient_is_finite_for_huge_logits():
    g = vmapx.grad(lambda x: nn.softmax(x)[0])(np.array([1000.0, 0.0, -1000.0]))
    assert np.all(np.isfinite(g))


def test_second_derivative_of_gammaln_is_trigamma():
    d2 = vmapx.grad(vmapx.grad(lambda x: special.gammaln(x)))(2.5)
    _check(d2, np.asarray(ss.polygamma(1, 2.5)))


def test_igamma_derivative_in_a_matches_finite_differences_in_both_regimes():
    a = np.array([0.5, 2.0, 3.0, 0.8])
    x = np.array([0.3, 1.0, 6.0, 4.0])   # series (x small) and continued fraction (x > a, 1)
    got = lax.igamma_grad_a(a, x)
    h = 1e-6
    _check(got, (ss.gammainc(a + h, x) - ss.gammainc(a - h, x)) / (2 * h), rtol=1e-6)
    _check(lax.igamma_grad_a(np.array([0.0, 1.0]), np.array([1.0, 0.0])), np.array([np.nan, 0.]))


# -------------------------------------------------------------- packaging


def test_importing_vmapx_scipy_does_not_import_scipy():
    code = ("import sys, vmapx, vmapx.scipy.special, vmapx.scipy.stats, vmapx.nn; "
            "assert 'scipy' not in sys.modules; import numpy as np; "
            "vmapx.scipy.special.erf(np.ones(2)); assert 'scipy.special' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
