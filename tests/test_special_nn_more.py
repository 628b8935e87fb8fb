"""The ``vmapx.scipy.special`` and ``vmapx.nn`` functions of issue 10
(``beta`` ... ``hyp2f1``; ``dot_product_attention``, ``tanh``, ``log1mexp``).

References: SciPy and NumPy for values, the loop for ``vmap``, central finite
differences for derivatives, eager for ``jit``; JAX (x64) for values,
derivatives and edge conventions when it is installed.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as ss

import vmapx
from vmapx import nn
from vmapx.scipy import special

A = np.array([0.6, 1.3, 2.2, 3.7])
B = np.array([0.9, 1.7, 2.6, 1.1])
X = np.array([0.15, 0.4, 0.9, 1.8])
SMALL = np.array([-0.55, -0.1, 0.3, 0.6])


def _check(got, want, rtol=1e-12, atol=1e-14):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


# name, vmapx function, SciPy reference (None: no SciPy counterpart with the
# same semantics), arguments (inside the domain JAX supports)
CASES = [
    ("beta", special.beta, ss.beta, (A, B)),
    ("factorial", special.factorial, ss.factorial, (np.array([0.0, 1.0, 3.0, 4.5]),)),
    ("comb", special.comb, ss.comb, (np.array([5.0, 7.0, 10.0, 4.0]), np.array([2.0, 3.0, 0.0, 4.0]))),
    ("poch", special.poch, ss.poch, (A, B)),
    ("loggamma", special.loggamma, ss.loggamma, (A,)),
    ("i0", special.i0, ss.i0, (np.array([-2.0, 0.0, 0.5, 3.0]),)),
    ("i1", special.i1, ss.i1, (np.array([-2.0, 0.0, 0.5, 3.0]),)),
    ("rel_entr", special.rel_entr, ss.rel_entr, (A, B)),
    ("kl_div", special.kl_div, ss.kl_div, (A, B)),
    ("boxcox", special.boxcox, ss.boxcox, (A, np.array([0.0, 0.5, -1.2, 2.0]))),
    ("boxcox1p", special.boxcox1p, ss.boxcox1p, (SMALL, np.array([0.0, 0.5, -1.2, 2.0]))),
    ("erfcx", special.erfcx, ss.erfcx, (np.array([-1.5, 0.0, 2.0, 30.0]),)),
    ("dawsn", special.dawsn, ss.dawsn, (np.array([-1.5, 0.0, 2.0, 30.0]),)),
    ("expi", special.expi, ss.expi, (np.array([-2.0, -0.5, 0.5, 3.0]),)),
    ("expn", special.expn, ss.expn, (np.array([0, 1, 2, 5]), X)),
    ("exp1", special.exp1, ss.exp1, (X,)),
    ("spence", special.spence, ss.spence, (np.array([0.0, 0.3, 1.0, 2.5]),)),
    ("zeta", special.zeta, ss.zeta, (np.array([1.5, 2.0, 3.0, 4.5]), A)),
    ("owens_t", special.owens_t, ss.owens_t, (np.array([-1.0, 0.0, 0.5, 2.0]), B - 1)),
    ("hyp1f1", special.hyp1f1, ss.hyp1f1, (A, B + 0.5, SMALL * 3)),
    ("hyp2f1", special.hyp2f1, ss.hyp2f1, (A, B, B + 1.0, SMALL)),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name,fn,ref,args", CASES, ids=IDS)
def test_values_match_scipy_in_float64(name, fn, ref, args):
    _check(fn(*args), ref(*args))


@pytest.mark.parametrize("name,fn,ref,args", CASES, ids=IDS)
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # boxcox1p(-1) = -inf
def test_float32_stays_float32_and_int64_promotes_to_float64(name, fn, ref, args):
    f32 = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in args]
    out = fn(*f32)
    # float32 with an int64 operand (expn's order) stays float32, as in JAX's
    # lattice (NumPy would give float64)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref(*args), rtol=2e-5, atol=1e-6)
    ints = [np.round(a).astype(np.int64) for a in args]
    assert fn(*ints).dtype == np.float64


@pytest.mark.parametrize("name,fn,ref,args", CASES, ids=IDS)
def test_vmap_equals_the_loop(name, fn, ref, args):
    batched = [np.stack([a, a[::-1]]) for a in args]
    want = np.stack([fn(*[b[i] for b in batched]) for i in range(2)])
    got = vmapx.vmap(fn)(*batched)
    _check(got, want, rtol=0, atol=0)


@pytest.mark.parametrize("name,fn,ref,args", CASES, ids=IDS)
def test_jit_equals_eager(name, fn, ref, args):
    _check(vmapx.jit(fn)(*args), fn(*args), rtol=1e-15, atol=0)


def _float_argnums(args):
    return tuple(i for i, a in enumerate(args) if a.dtype.kind == "f")


# Away from kinks and from the points where JAX's rules are conventions (JAX,
# and so vmapx, differentiates i0 and i1 through |x|, giving 1 and 1/2 at 0,
# and boxcox through its lmbda == 0 branch, giving 0 in lmbda there).
_REPLACED = ("factorial", "comb", "spence", "i0", "i1", "boxcox", "boxcox1p")
GRAD_CASES = [c for c in CASES if c[0] not in _REPLACED] + [
    ("factorial", special.factorial, None, (np.array([0.5, 1.0, 3.0, 4.5]),)),
    ("comb", special.comb, None, (np.array([5.5, 7.0, 10.0, 4.2]),
                                  np.array([2.0, 3.5, 1.0, 4.0]))),
    ("spence", special.spence, None, (np.array([0.2, 0.7, 1.5, 2.5]),)),
    ("i0", special.i0, None, (np.array([-2.0, -0.3, 0.5, 3.0]),)),
    ("i1", special.i1, None, (np.array([-2.0, -0.3, 0.5, 3.0]),)),
    ("boxcox", special.boxcox, None, (A, np.array([0.3, 0.5, -1.2, 2.0]))),
    ("boxcox1p", special.boxcox1p, None, (SMALL, np.array([0.3, 0.5, -1.2, 2.0]))),
]

# Where JAX's derivative is NaN and vmapx's is the true one: spence on
# (1, 2] (a NaN from an unselected branch of JAX's piecewise formula) and
# expn at order 0 (JAX evaluates E_{-1}, which it defines as NaN).
JAX_NAN_DERIVATIVES = {"spence", "expn"}

# The functions with their own derivative rules (JAX's compilations of the
# others' gradients cost seconds each and check nothing new).
CUSTOM_RULES = {"poch", "erfcx", "dawsn", "expi", "expn", "exp1", "spence", "zeta", "owens_t",
                "hyp1f1", "hyp2f1"}


def _finite_difference(fn, args, i, h=1e-6):
    up, dn = list(args), list(args)
    up[i] = args[i] + h
    dn[i] = args[i] - h
    return (np.asarray(fn(*up)) - np.asarray(fn(*dn))) / (2 * h)


@pytest.mark.parametrize("name,fn,ref,args", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_elementwise_derivatives_match_finite_differences(name, fn, ref, args):
    for i in _float_argnums(args):
        got = vmapx.vmap(vmapx.grad(fn, argnums=i))(*args)
        np.testing.assert_allclose(got, _finite_difference(fn, args, i), rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name,fn,ref,args", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_values_and_derivatives_match_jax(name, fn, ref, args):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.special as jss
    jfn = getattr(jss, name)
    _check(fn(*args), np.asarray(jfn(*args)), rtol=1e-12, atol=1e-14)
    if name not in CUSTOM_RULES:
        return   # a composition of functions whose rules are checked: values only
    nums = _float_argnums(args)
    # elementwise functions: the gradient of the sum is the elementwise derivative
    wants = jax.grad(lambda *a: jfn(*a).sum(), argnums=nums)(*args)
    gots = vmapx.grad(lambda *a: fn(*a).sum(), argnums=nums)(*args)
    for i, got, want in zip(nums, gots, wants, strict=True):
        want, got = np.asarray(want), np.asarray(got)
        if name in JAX_NAN_DERIVATIVES:
            assert np.isnan(want).any() and np.isfinite(got).all()
            np.testing.assert_allclose(got, _finite_difference(fn, args, i), rtol=2e-6)
            got, want = got[~np.isnan(want)], want[~np.isnan(want)]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_second_derivatives_of_the_exponential_integrals_are_finite_and_exact():
    # d^2/dx^2 E_1(x) = exp(-x) (1 + x) / x^2 (JAX's own rule gives no second order).
    x = np.array([0.3, 1.0, 2.5])
    got = vmapx.vmap(vmapx.grad(vmapx.grad(special.exp1)))(x)
    _check(got, np.exp(-x) * (1 + x) / x ** 2, rtol=1e-12)
    got = vmapx.vmap(vmapx.grad(vmapx.grad(special.expi)))(x)
    _check(got, np.exp(x) / x - np.exp(x) / x ** 2, rtol=1e-12)


def test_zeta_derivative_in_s_is_minus_the_log_weighted_sum():
    # d/ds zeta(s, q) = -sum_k log(k + q) (k + q)^-s, summed directly here (s = 3
    # converges fast enough with a tail integral).
    s, q = 3.0, 1.5
    k = np.arange(200000) + q
    direct = -np.sum(np.log(k) * k ** -s)
    tail_start = 200000 + q
    tail = -(np.log(tail_start) / ((s - 1) * tail_start ** (s - 1))
             + 1 / ((s - 1) ** 2 * tail_start ** (s - 1)))
    got = vmapx.grad(special.zeta)(s, q)
    np.testing.assert_allclose(got, direct + tail, rtol=1e-9)


# ------------------------------------------------- JAX's edge conventions


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # logs of 0 and of negatives
def test_edge_values_follow_jax_conventions():
    _check(special.expi(np.array([0.0])), np.array([np.nan]))
    _check(special.spence(np.array([-1.0, 0.0, 1.0])), np.array([np.nan, np.pi ** 2 / 6, 0.0]))
    _check(special.hyp1f1(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 2.0]), 1.0),
           np.array([1.0, np.inf, np.e]))
    _check(special.loggamma(np.array([-1.5, 0.0, 1.0])), np.array([np.nan, np.nan, 0.0]))
    _check(special.factorial(np.array([-1.0, -0.5])), np.array([0.0, 0.0]))
    _check(special.comb(np.array([3.0, -1.0, 3.0]), np.array([4.0, 1.0, -1.0])),
           np.zeros(3))
    _check(special.comb(np.array([0.0, 3.0]), np.array([0.0, 0.0]), repetition=True),
           np.ones(2))
    _check(special.rel_entr(np.array([0.0, 0.0, 1.0, -1.0]), np.array([1.0, -1.0, 0.0, 1.0])),
           np.array([0.0, np.inf, np.inf, np.inf]))
    _check(special.boxcox(np.array([-1.0, 0.0]), 0.5), np.array([np.nan, -2.0]))
    _check(special.expn(np.array([0, 1, 2]), 0.0), np.array([np.inf, np.inf, 1.0]))


def test_large_and_infinite_arguments_keep_scipys_accurate_values():
    # JAX's series are wrong here (documented in docs/special-nn.md); SciPy's are not.
    _check(special.hyp1f1(2.0, 3.0, np.array([-150.0])), ss.hyp1f1(2.0, 3.0, np.array([-150.0])))
    # 1F1(2; 3; x) = 2 integral_0^1 t exp(x t) dt = 2 (1 + exp(x) (x - 1)) / x^2
    x = -150.0
    assert float(special.hyp1f1(2.0, 3.0, x)) == pytest.approx(
        2 * (1 + np.exp(x) * (x - 1)) / x ** 2, rel=1e-13)
    # 2F1(1, 1; 2; x) = -log(1 - x) / x, also outside the unit disc
    assert float(special.hyp2f1(1.0, 1.0, 2.0, -2.0)) == pytest.approx(np.log(3) / 2, rel=1e-14)
    _check(special.expi(np.array([-np.inf, np.inf])), np.array([-0.0, np.inf]))


def test_spence_derivative_is_zero_where_jax_takes_constants():
    got = vmapx.vmap(vmapx.grad(special.spence))(np.array([-1.0, 0.0, 1.0]))
    _check(got, np.zeros(3))


def test_expn_order_is_not_differentiated():
    assert vmapx.grad(lambda n: special.expn(n, 2.0))(1.0) == 0.0


def test_bernoulli_numbers_are_exact():
    out = special.bernoulli(12)
    assert out.shape == (13,) and out.dtype == np.float64
    exact = [Fraction(1), Fraction(-1, 2), Fraction(1, 6), 0, Fraction(-1, 30), 0,
             Fraction(1, 42), 0, Fraction(-1, 30), 0, Fraction(5, 66), 0, Fraction(-691, 2730)]
    np.testing.assert_allclose(out, [float(f) for f in exact], rtol=1e-15, atol=0)
    _check(special.bernoulli(1), np.array([1.0, -0.5]))
    _check(special.bernoulli(0), np.array([1.0]))


def test_argument_errors_match_jax():
    with pytest.raises(NotImplementedError, match="Riemann zeta function not implemented"):
        special.zeta(2.0)
    with pytest.raises(NotImplementedError, match="factorial with exact=True"):
        special.factorial(3, exact=True)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        special.bernoulli(-1)
    with pytest.raises(ValueError, match="beta does not support complex-valued inputs"):
        special.beta(np.array([1j]), 1.0)


def test_comb_under_vmap_keeps_gammaln_rounding_as_jax():
    # the float result of exp(gammaln) differences, not the exact integer
    got = special.comb(5.0, 2.0)
    want = math.exp(math.lgamma(6) - math.lgamma(3) - math.lgamma(4))
    assert float(got) == pytest.approx(want, rel=1e-15)


# --------------------------------------------------------------------- nn


def test_tanh_and_log1mexp_values_and_derivatives():
    x = np.array([1e-8, 0.3, np.log(2.0), 2.0, 40.0])
    _check(nn.tanh(x), np.tanh(x))
    want = np.where(x < np.log(2.0), np.log(-np.expm1(-x)), np.log1p(-np.exp(-x)))
    _check(nn.log1mexp(x), want)
    _check(vmapx.vmap(vmapx.grad(nn.log1mexp))(x), 1 / np.expm1(x))
    assert nn.log1mexp(np.float32(1.0)).dtype == np.float32
    assert nn.log1mexp(np.array([1, 2])).dtype == np.float64


def _attention_reference(q, k, v, bias=None, mask=None, scale=None, causal=False,
                         q_len=None, kv_len=None, window=None):
    """Attention one batch element and one head at a time, in float64."""
    b_, t_, n_, h_ = q.shape
    s_, kh = k.shape[1], k.shape[2]
    scale = 1 / np.sqrt(h_) if scale is None else scale
    out = np.zeros(q.shape)
    for b in range(b_):
        for n in range(n_):
            kv = n // (n_ // kh)
            logits = q[b, :, n].astype(np.float64) @ k[b, :, kv].T.astype(np.float64) * scale
            if bias is not None:
                logits = logits + bias[b % bias.shape[0], n % bias.shape[1]]
            keep = np.ones((t_, s_), bool)
            if mask is not None:
                keep &= mask[b % mask.shape[0], n % mask.shape[1]]
            if causal:
                keep &= np.tril(np.ones((t_, s_), bool))
            if window is not None:
                i, j = np.arange(t_)[:, None], np.arange(s_)[None, :]
                keep &= (i <= j + window[0]) & (i >= j - window[1])
            if q_len is not None:
                keep &= (np.arange(t_) < q_len[b])[:, None]
            if kv_len is not None:
                keep &= (np.arange(s_) < kv_len[b])[None, :]
            logits = np.where(keep, logits, -0.7 * np.finfo(np.float32).max)
            p = np.exp(logits - logits.max(-1, keepdims=True))
            out[b, :, n] = (p / p.sum(-1, keepdims=True)) @ v[b, :, kv]
            if q_len is not None:
                out[b, q_len[b]:, n] = 0
    return out


RNG = np.random.default_rng(3)
BATCH, T, S, N, K, H = 2, 4, 5, 4, 2, 3
Q = RNG.standard_normal((BATCH, T, N, H))
KEY = RNG.standard_normal((BATCH, S, K, H))
VAL = RNG.standard_normal((BATCH, S, K, H))
BIAS = RNG.standard_normal((1, N, T, S))
MASK = RNG.random((BATCH, 1, T, S)) > 0.3
QLEN = np.array([2, 4], np.int32)
KVLEN = np.array([5, 3], np.int32)
ATTENTION_OPTIONS = {
    "plain": ({}, {}),
    "bias": (dict(bias=BIAS), dict(bias=BIAS)),
    "mask": (dict(mask=MASK), dict(mask=MASK)),
    "causal": (dict(is_causal=True), dict(causal=True)),
    "window": (dict(local_window_size=1), dict(window=(1, 1))),
    "lengths": (dict(query_seq_lengths=QLEN, key_value_seq_lengths=KVLEN),
                dict(q_len=QLEN, kv_len=KVLEN)),
    "all": (dict(bias=BIAS, mask=MASK, scale=0.4, is_causal=True, local_window_size=(2, 0),
                 query_seq_lengths=QLEN),
            dict(bias=BIAS, mask=MASK, scale=0.4, causal=True, window=(2, 0), q_len=QLEN)),
}


@pytest.mark.parametrize("option", list(ATTENTION_OPTIONS))
def test_dot_product_attention_matches_the_per_head_loop(option):
    kw, ref_kw = ATTENTION_OPTIONS[option]
    got = nn.dot_product_attention(Q, KEY, VAL, **kw)
    want = _attention_reference(Q, KEY, VAL, **ref_kw)
    assert got.shape == Q.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)   # softmax in float32


@pytest.mark.parametrize("option", list(ATTENTION_OPTIONS))
def test_dot_product_attention_matches_jax(option):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    kw, _ = ATTENTION_OPTIONS[option]
    for dt in (np.float64, np.float32):
        args = [a.astype(dt) for a in (Q, KEY, VAL)]
        kw_dt = {k: (v.astype(dt) if k == "bias" else v) for k, v in kw.items()}
        got, lse = nn.dot_product_attention(*args, return_residual=True, **kw_dt)
        want, want_lse = jax.nn.dot_product_attention(*args, return_residual=True, **kw_dt)
        assert got.dtype == want.dtype and lse.shape == want_lse.shape
        np.testing.assert_allclose(got, np.asarray(want), rtol=2e-6, atol=2e-6)
        np.testing.assert_allclose(lse, np.asarray(want_lse), rtol=2e-6, atol=2e-6)
        if dt is np.float64:
            gq = vmapx.grad(lambda q: nn.dot_product_attention(q, *args[1:], **kw_dt).sum())(
                args[0])
            wq = jax.grad(lambda q: jax.nn.dot_product_attention(q, *args[1:], **kw_dt).sum())(
                args[0])
            np.testing.assert_allclose(gq, np.asarray(wq), rtol=1e-5, atol=1e-5)


def test_dot_product_attention_without_batch_axis_and_fully_masked_rows():
    q, k, v = Q[0], KEY[0], VAL[0]
    got = nn.dot_product_attention(q, k, v)
    assert got.shape == q.shape
    np.testing.assert_allclose(got, nn.dot_product_attention(Q, KEY, VAL)[0], rtol=0, atol=0)
    # a row that masks every key is the mean of the values (uniform), not NaN
    mask = np.ones((1, 1, T, S), bool)
    mask[..., 0, :] = False
    out = nn.dot_product_attention(Q, KEY, VAL, mask=mask)
    np.testing.assert_allclose(out[:, 0], np.repeat(VAL.mean(1), N // K, axis=1), rtol=1e-6)


def test_dot_product_attention_under_vmap_equals_the_loop_and_jit_equals_eager():
    def f(q, k, v, bias):
        return nn.dot_product_attention(q, k, v, bias, is_causal=True)
    biases = np.stack([BIAS, 2 * BIAS])
    qs = np.stack([Q, -Q])
    got = vmapx.vmap(f, in_axes=(0, None, None, 0))(qs, KEY, VAL, biases)
    want = np.stack([f(qs[i], KEY, VAL, biases[i]) for i in range(2)])
    _check(got, want, rtol=1e-15, atol=1e-15)
    _check(vmapx.jit(f)(Q, KEY, VAL, BIAS), f(Q, KEY, VAL, BIAS), rtol=1e-15, atol=1e-15)


def test_dot_product_attention_gradients_match_finite_differences():
    def loss(q, k, v, bias):
        return (nn.dot_product_attention(q, k, v, bias, is_causal=True) ** 2).sum()
    grads = vmapx.grad(loss, argnums=(0, 1, 2, 3))(Q, KEY, VAL, BIAS)
    args = [Q, KEY, VAL, BIAS]
    rng = np.random.default_rng(0)
    for i, g in enumerate(grads):
        d = rng.standard_normal(args[i].shape)
        up = list(args)
        dn = list(args)
        up[i], dn[i] = args[i] + 1e-4 * d, args[i] - 1e-4 * d
        fd = (loss(*up) - loss(*dn)) / 2e-4
        # the float32 softmax bounds the agreement
        np.testing.assert_allclose(np.sum(g * d), fd, rtol=2e-3, atol=2e-3)


def test_dot_product_attention_argument_errors_match_jax():
    with pytest.raises(ValueError, match="query_seq_lengths dtype should be int32, but got int64"):
        nn.dot_product_attention(Q, KEY, VAL, query_seq_lengths=np.array([1, 2]))
    with pytest.raises(ValueError, match="mask dtype should be bool"):
        nn.dot_product_attention(Q, KEY, VAL, mask=np.ones((1, 1, T, S)))
    with pytest.raises(ValueError, match="Unsupported implementation option: foo"):
        nn.dot_product_attention(Q, KEY, VAL, implementation="foo")
    with pytest.raises(ValueError, match="value shape should be"):
        nn.dot_product_attention(Q, KEY, VAL[:, :3])
    with pytest.raises(ValueError, match="multiple of key/value heads, but got 3 vs 2"):
        nn.dot_product_attention(Q[:, :, :3], KEY, VAL)
    with pytest.raises(NotImplementedError, match="cudnn"):
        nn.dot_product_attention(Q, KEY, VAL, implementation="cudnn")
    out = nn.dot_product_attention(Q, KEY, VAL, implementation="xla")
    _check(out, nn.dot_product_attention(Q, KEY, VAL))


# ---------------------------------------------------- sici and bessel_jn

Z = np.array([-2.0, 0.3, 1.0, 4.5, 12.0])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # Ci and Ci' at 0
def test_sici_values_derivatives_vmap_and_jit():
    si, ci = special.sici(Z)
    want_si, want_ci = ss.sici(Z)
    _check(si, want_si)
    _check(ci, want_ci)
    assert special.sici(Z.astype(np.float32))[0].dtype == np.float32
    d_si = vmapx.vmap(vmapx.grad(lambda x: special.sici(x)[0]))(np.append(Z, 0.0))
    _check(d_si, np.append(np.sin(Z) / Z, 1.0))
    d_ci = vmapx.vmap(vmapx.grad(lambda x: special.sici(x)[1]))(Z)
    _check(d_ci, np.cos(Z) / Z)
    batched = np.stack([Z, Z[::-1]])
    got = vmapx.vmap(special.sici)(batched)
    for k in range(2):
        _check(got[k], np.stack([special.sici(row)[k] for row in batched]), rtol=0, atol=0)
    _check(vmapx.jit(special.sici)(Z)[1], ci, rtol=0, atol=0)


def test_bessel_jn_stacks_the_orders_and_differentiates_in_z():
    out = special.bessel_jn(Z, v=3)
    _check(out, np.stack([ss.jv(k, Z) for k in range(4)]))
    assert special.bessel_jn(Z.astype(np.float32), v=1).dtype == np.float32
    assert special.bessel_jn(np.array(0.0), v=2).shape == (3,)
    d = vmapx.vmap(vmapx.grad(lambda z: special.bessel_jn(z, v=2)[2]))(Z)
    _check(d, 0.5 * (ss.jv(1, Z) - ss.jv(3, Z)))
    batched = np.stack([Z, 2 * Z])
    got = vmapx.vmap(lambda z: special.bessel_jn(z, v=2))(batched)
    _check(got, np.stack([special.bessel_jn(row, v=2) for row in batched]), rtol=0, atol=0)
    with pytest.raises(ValueError, match="non-negative"):
        special.bessel_jn(Z, v=-1)


def test_sici_and_bessel_jn_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.special as jss
    for got, want in zip(special.sici(Z), jss.sici(Z), strict=True):
        _check(got, np.asarray(want), rtol=1e-12)
    grads = vmapx.grad(lambda x: sum(v.sum() for v in special.sici(x)))(Z)
    want = jax.grad(lambda x: sum(v.sum() for v in jss.sici(x)))(Z)
    np.testing.assert_allclose(grads, np.asarray(want), rtol=1e-12)
    # where JAX's recurrence is accurate (0 < z well below n_iter / 2)
    z = np.abs(Z)
    _check(special.bessel_jn(z, v=3), np.asarray(jss.bessel_jn(z, v=3)), rtol=1e-12, atol=1e-14)


W = np.array([0.5 + 0.5j, -1.0 + 2.0j, 3.0 - 1.0j, 10.0 + 0.1j, -0.3 - 0.7j])


def test_wofz_values_dtypes_vmap_and_holomorphic_derivative():
    _check(special.wofz(W), ss.wofz(W))
    _check(special.wofz(np.array([1.0, 2.0])), ss.wofz(np.array([1.0, 2.0]) + 0j))
    assert special.wofz(np.float32(1.0)).dtype == np.complex64
    assert special.wofz(np.array([1, 2])).dtype == np.complex128
    batched = np.stack([W, W[::-1]])
    _check(vmapx.vmap(special.wofz)(batched), np.stack([special.wofz(r) for r in batched]),
           rtol=0, atol=0)
    _, tangent = vmapx.jvp(special.wofz, (W,), (np.ones_like(W),))
    _check(tangent, -2 * W * ss.wofz(W) + 2j / np.sqrt(np.pi))
    # a real input: the real part's derivative is the derivative's real part
    x = np.array([0.3, 1.0, 2.5])
    got = vmapx.vmap(vmapx.grad(lambda t: special.wofz(t).real))(x)
    _check(got, np.real(-2 * x * ss.wofz(x + 0j) + 2j / np.sqrt(np.pi)))


def test_wofz_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.special as jss
    _check(special.wofz(W), np.asarray(jss.wofz(W)), rtol=1e-12, atol=1e-14)
    _, want = jax.jvp(jss.wofz, (W,), (np.ones_like(W),))
    _, got = vmapx.jvp(special.wofz, (W,), (np.ones_like(W),))
    # -2 z w + 2i/sqrt(pi) cancels for large |z|: absolute agreement there
    _check(got, np.asarray(want), rtol=1e-12, atol=1e-12)


DEG = np.array([0, 1, 2, 3, 2, 3])
ORD = np.array([0, 1, -1, 2, 0, -3])
THETA = np.array([0.3, 0.7, 1.2, 2.0, 2.5, 1.0])
PHI = np.array([0.1, 1.0, 2.0, -1.0, 0.5, 0.3])


def test_sph_harm_y_values_vmap_and_derivatives():
    out = special.sph_harm_y(DEG, ORD, THETA, PHI)
    _check(out, ss.sph_harm_y(DEG, ORD, THETA, PHI))
    # degrees past n_max are clipped to it (as JAX)
    _check(special.sph_harm_y(np.array([5]), np.array([1]), THETA[:1], PHI[:1], n_max=2),
           ss.sph_harm_y(2, 1, THETA[:1], PHI[:1]))
    batched = np.stack([THETA, THETA[::-1]])
    got = vmapx.vmap(special.sph_harm_y, in_axes=(None, None, 0, None))(DEG, ORD, batched, PHI)
    _check(got, np.stack([special.sph_harm_y(DEG, ORD, t, PHI) for t in batched]),
           rtol=0, atol=0)
    for arg in (2, 3):
        for part in (np.real, np.imag):
            def f(theta, phi, part=part):
                return part(special.sph_harm_y(DEG, ORD, theta, phi)).sum()
            got = vmapx.grad(f, argnums=arg - 2)(THETA, PHI)
            args = [THETA, PHI]
            up, dn = list(args), list(args)
            fd = np.zeros(len(THETA))
            for i in range(len(THETA)):
                up[arg - 2] = args[arg - 2] + 1e-6 * np.eye(len(THETA))[i]
                dn[arg - 2] = args[arg - 2] - 1e-6 * np.eye(len(THETA))[i]
                fd[i] = (f(*up) - f(*dn)) / 2e-6
            np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)
    with pytest.raises(NotImplementedError, match="diff_n"):
        special.sph_harm_y(DEG, ORD, THETA, PHI, diff_n=1)


def test_sph_harm_y_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.special as jss
    _check(special.sph_harm_y(DEG, ORD, THETA, PHI),
           np.asarray(jss.sph_harm_y(DEG, ORD, THETA, PHI, n_max=3)), rtol=1e-12, atol=1e-14)
    for part in ("real", "imag"):
        want = jax.grad(lambda t, p: getattr(jss.sph_harm_y(DEG, ORD, t, p, n_max=3), part).sum(),
                        argnums=(0, 1))(THETA, PHI)
        got = vmapx.grad(lambda t, p: getattr(special.sph_harm_y(DEG, ORD, t, p), part).sum(),
                         argnums=(0, 1))(THETA, PHI)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, np.asarray(w), rtol=1e-12, atol=1e-13)


FRESNEL_X = np.array([-2.0, 0.0, 0.5, 1.3, 3.0, 40.0, 7.1])


def test_fresnel_values_vmap_and_derivatives_accurate_for_large_x():
    s, c = special.fresnel(FRESNEL_X)
    want_s, want_c = ss.fresnel(FRESNEL_X)
    _check(s, want_s)
    _check(c, want_c)
    assert special.fresnel(FRESNEL_X.astype(np.float32))[1].dtype == np.float32
    d_s = vmapx.vmap(vmapx.grad(lambda x: special.fresnel(x)[0]))(FRESNEL_X)
    d_c = vmapx.vmap(vmapx.grad(lambda x: special.fresnel(x)[1]))(FRESNEL_X)
    # x**2 / 2 is an integer at -2, 0, 40: exact zeros and ones, not sin(pi k) noise
    _check(d_s[[0, 1, 5]], np.zeros(3), rtol=0, atol=0)
    _check(np.abs(d_c[[0, 1, 5]]), np.ones(3), rtol=0, atol=0)
    _check(d_s, np.sin(np.pi * FRESNEL_X ** 2 / 2), rtol=1e-12, atol=1e-13)
    _check(d_c, np.cos(np.pi * FRESNEL_X ** 2 / 2), rtol=1e-12, atol=1e-13)
    second = vmapx.vmap(vmapx.grad(vmapx.grad(lambda x: special.fresnel(x)[0])))(FRESNEL_X)
    _check(second, np.pi * FRESNEL_X * np.cos(np.pi * FRESNEL_X ** 2 / 2), rtol=1e-11,
           atol=1e-11)
    batched = np.stack([FRESNEL_X, -FRESNEL_X])
    got = vmapx.vmap(special.fresnel)(batched)
    _check(got[0], np.stack([special.fresnel(r)[0] for r in batched]), rtol=0, atol=0)


def test_fresnel_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.special as jss
    for k in range(2):
        _check(special.fresnel(FRESNEL_X)[k], np.asarray(jss.fresnel(FRESNEL_X)[k]),
               rtol=1e-12, atol=1e-12)
        got = vmapx.vmap(vmapx.grad(lambda x: special.fresnel(x)[k]))(FRESNEL_X)
        want = jax.vmap(jax.grad(lambda x: jss.fresnel(x)[k]))(FRESNEL_X)
        _check(got, np.asarray(want), rtol=1e-14, atol=1e-15)
