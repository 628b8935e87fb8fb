"""Convolutions and windowed reductions (``lax.conv_general_dilated`` and
friends, ``lax.reduce_window``, pooling).

Oracles: a naive loop-over-positions convolution written here, JAX's values
and gradients on committed data (``data/conv_jax.npz``, made by
``data/make_conv_jax.py``), and the loop over examples for vmap (per-example
CNN gradients).  The per-primitive loop/derivative harnesses cover the
primitives themselves (``samples_conv.py``).
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src.prims.conv import conv_general_dilated_p

DATA = os.path.join(os.path.dirname(__file__), "data", "conv_jax.npz")


# ------------------------------------------------------------- naive reference


def _naive_conv(x, w, strides, padding, lhs_dilation, rhs_dilation, fgc=1, bgc=1):
    """NC... x OI... -> NO..., by a loop over output positions and groups."""
    n, c = x.shape[:2]
    o, i = w.shape[:2]
    nsp = x.ndim - 2
    # dilate and pad the input by hand
    dil = [(s - 1) * d + 1 for s, d in zip(x.shape[2:], lhs_dilation)]
    xd = np.zeros((n, c) + tuple(dil), x.dtype)
    xd[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in lhs_dilation)] = x
    for ax, (lo, hi) in enumerate(padding):
        a = ax + 2
        if lo < 0:
            xd = np.take(xd, range(-lo, xd.shape[a]), axis=a)
        if hi < 0:
            xd = np.take(xd, range(0, xd.shape[a] + hi), axis=a)
        widths = [(0, 0)] * xd.ndim
        widths[a] = (max(lo, 0), max(hi, 0))
        xd = np.pad(xd, widths)
    k = w.shape[2:]
    span = [(kk - 1) * d + 1 for kk, d in zip(k, rhs_dilation)]
    out_sp = [max(0, (s - e) // st + 1) if s >= e else 0
              for s, e, st in zip(xd.shape[2:], span, strides)]
    nb, og = n // bgc, o // (fgc * bgc)
    out = np.zeros((nb, o) + tuple(out_sp), np.result_type(x, w))
    for pos in np.ndindex(*out_sp):
        sl = tuple(slice(p * st, p * st + e, d)
                   for p, st, e, d in zip(pos, strides, span, rhs_dilation))
        patch = xd[(slice(None), slice(None)) + sl]  # (n, c, k...)
        for g in range(fgc * bgc):
            if fgc > 1:
                xs, cs = slice(None), slice(g * i, (g + 1) * i)
            else:
                xs, cs = slice(g * nb, (g + 1) * nb), slice(None)
            wg = w[g * og:(g + 1) * og]  # (og, i, k...)
            out[(slice(None), slice(g * og, (g + 1) * og)) + pos] = np.tensordot(
                patch[xs][:, cs], wg, axes=(list(range(1, 2 + nsp)), list(range(1, 2 + nsp))))
    return out


@pytest.mark.parametrize("case", [
    dict(xs=(2, 3, 6, 5), ws=(4, 3, 3, 2), strides=(1, 1), padding=((0, 0), (0, 0))),
    dict(xs=(2, 3, 6, 5), ws=(4, 3, 3, 2), strides=(2, 3), padding=((1, 2), (2, 0))),
    dict(xs=(1, 2, 5, 6), ws=(2, 2, 2, 3), strides=(1, 2), padding=((1, -1), (0, 2)),
         lhs_dilation=(2, 1), rhs_dilation=(1, 2)),
    dict(xs=(2, 4, 5, 5), ws=(6, 2, 3, 3), strides=(1, 1), padding=((1, 1), (1, 1)), fgc=2),
    dict(xs=(4, 3, 5, 4), ws=(6, 3, 2, 2), strides=(1, 1), padding=((0, 0), (0, 1)), bgc=2),
    dict(xs=(2, 3, 9), ws=(4, 3, 3), strides=(2,), padding=((2, 1),), rhs_dilation=(3,)),
    dict(xs=(1, 2, 4, 3, 4), ws=(3, 2, 2, 2, 3), strides=(1, 2, 1),
         padding=((1, 0), (0, 0), (1, 1))),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_general_dilated_matches_naive_loop(case, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(case["xs"]).astype(dtype)
    w = rng.standard_normal(case["ws"]).astype(dtype)
    nsp = x.ndim - 2
    ld = case.get("lhs_dilation", (1,) * nsp)
    rd = case.get("rhs_dilation", (1,) * nsp)
    got = lax.conv_general_dilated(x, w, case["strides"], case["padding"], ld, rd,
                                   feature_group_count=case.get("fgc", 1),
                                   batch_group_count=case.get("bgc", 1))
    want = _naive_conv(x, w, case["strides"], case["padding"], ld, rd, case.get("fgc", 1),
                       case.get("bgc", 1))
    assert got.shape == want.shape and got.dtype == np.dtype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_random_1d_and_2d_convolutions_match_naive_loop(data):
    nsp = data.draw(st.integers(1, 2), label="spatial dims")
    groups = data.draw(st.sampled_from([(1, 1), (2, 1), (1, 2)]), label="(fgc, bgc)")
    fgc, bgc = groups
    n, cg, og = bgc * data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)), \
        data.draw(st.integers(1, 2))
    sp = [data.draw(st.integers(1, 6)) for _ in range(nsp)]
    k = [data.draw(st.integers(1, 3)) for _ in range(nsp)]
    strides = tuple(data.draw(st.integers(1, 3)) for _ in range(nsp))
    ld = tuple(data.draw(st.integers(1, 2)) for _ in range(nsp))
    rd = tuple(data.draw(st.integers(1, 2)) for _ in range(nsp))
    pads = tuple((data.draw(st.integers(-1, 2)), data.draw(st.integers(-1, 2)))
                 for _ in range(nsp))
    for s, d, (lo, hi) in zip(sp, ld, pads):
        if (s - 1) * d + 1 + lo + hi < 0:
            return
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    x = rng.standard_normal((n, cg * fgc) + tuple(sp))
    w = rng.standard_normal((og * fgc * bgc, cg) + tuple(k))
    got = lax.conv_general_dilated(x, w, strides, pads, ld, rd, feature_group_count=fgc,
                                   batch_group_count=bgc)
    want = _naive_conv(x, w, strides, pads, ld, rd, fgc, bgc)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- JAX's data


def _jax_cases():
    with np.load(DATA) as d:
        meta = json.loads(str(d["meta"]))
        arrays = {k: d[k] for k in d.files if k != "meta"}
    return meta, arrays


_META, _ARRAYS = _jax_cases()


def _jax_call(entry):
    if entry["kind"] == "conv":
        kw = dict(entry["kwargs"])
        if not isinstance(kw.get("padding", "VALID"), str):
            kw["padding"] = [tuple(p) for p in kw["padding"]]
        fn = getattr(lax, entry["name"])
        if entry["name"] == "conv_with_general_padding":
            return lambda x, w: fn(x, w, kw["window_strides"], kw["padding"],
                                   kw["lhs_dilation"], kw["rhs_dilation"])
        return lambda x, w: fn(x, w, **kw)
    comp = getattr(lax, entry["computation"])
    pad = entry["padding"] if isinstance(entry["padding"], str) else \
        [tuple(p) for p in entry["padding"]]
    return lambda x: lax.reduce_window(x, float(entry["init"]), comp,
                                       entry["window_dimensions"], entry["window_strides"], pad,
                                       entry["base_dilation"], entry["window_dilation"])


@pytest.mark.parametrize("entry", _META, ids=[m["key"] for m in _META])
def test_values_and_gradients_match_jax(entry):
    key = entry["key"]
    f = _jax_call(entry)
    names = ("x", "w") if entry["kind"] == "conv" else ("x",)
    args = [_ARRAYS[f"{key}_{n}"].astype(np.float64) for n in names]
    out = f(*args)
    want = _ARRAYS[f"{key}_out"]
    assert out.shape == want.shape and out.dtype == np.float64
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-10)
    grads = vmapx.grad(lambda *a: jnp.sum(jnp.sin(f(*a))), argnums=tuple(range(len(args))))(
        *args)
    for n, g in zip(names, grads, strict=True):
        np.testing.assert_allclose(g, _ARRAYS[f"{key}_g{n}"], rtol=1e-9, atol=1e-10,
                                   err_msg=f"gradient wrt {n}")


# ------------------------------------------------------------- transforms


def _init_cnn(rng, dtype=np.float64):
    return {"c1": rng.standard_normal((3, 3, 1, 4)).astype(dtype) * 0.5,
            "b1": rng.standard_normal((4,)).astype(dtype) * 0.1,
            "c2": rng.standard_normal((3, 3, 4, 6)).astype(dtype) * 0.3,
            "dense": rng.standard_normal((6 * 2 * 2, 3)).astype(dtype) * 0.2}


def _cnn_loss(params, image, label):
    """conv -> relu -> max pool -> conv (strided) -> tanh -> avg pool -> dense -> xent."""
    x = image[None]  # (1, H, W, 1)
    dn = ("NHWC", "HWIO", "NHWC")
    h = lax.conv_general_dilated(x, params["c1"], (1, 1), "SAME", dimension_numbers=dn)
    h = jnp.maximum(h + params["b1"], 0.0)
    h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    h = lax.conv_general_dilated(h, params["c2"], (2, 2), "SAME", dimension_numbers=dn)
    h = jnp.tanh(h)
    h = lax.reduce_window(h, 0.0, lax.add, (1, 2, 2, 1), (1, 1, 1, 1), "SAME") / 4.0
    logits = h.reshape(-1) @ params["dense"]
    return jnp.log(jnp.sum(jnp.exp(logits))) - logits[label]


def test_per_example_cnn_gradients_equal_the_loop():
    rng = np.random.default_rng(0)
    params = _init_cnn(rng)
    images = rng.standard_normal((5, 8, 8, 1))
    labels = rng.integers(0, 3, size=5)
    got = vmapx.vmap(vmapx.grad(_cnn_loss), in_axes=(None, 0, 0))(params, images, labels)
    loop = [vmapx.grad(_cnn_loss)(params, images[b], labels[b]) for b in range(5)]
    for k in params:
        want = np.stack([g[k] for g in loop])
        assert got[k].shape == (5,) + params[k].shape and got[k].dtype == np.float64
        np.testing.assert_allclose(got[k], want, rtol=1e-10, atol=1e-12, err_msg=k)


def test_per_example_cnn_gradients_keep_float32():
    rng = np.random.default_rng(1)
    params = _init_cnn(rng, np.float32)
    images = rng.standard_normal((3, 8, 8, 1)).astype(np.float32)
    labels = np.array([0, 2, 1])
    got = vmapx.vmap(vmapx.grad(_cnn_loss), in_axes=(None, 0, 0))(params, images, labels)
    for k in params:
        assert got[k].dtype == np.float32, k
        want = np.stack([vmapx.grad(_cnn_loss)(params, images[b], labels[b])[k]
                         for b in range(3)])
        np.testing.assert_allclose(got[k], want, rtol=1e-4, atol=1e-5, err_msg=k)


def test_cnn_gradient_of_a_batch_mean_equals_mean_of_per_example_gradients():
    rng = np.random.default_rng(2)
    params = _init_cnn(rng)
    images = rng.standard_normal((4, 8, 8, 1))
    labels = rng.integers(0, 3, size=4)

    def batch_loss(p):
        return jnp.mean(vmapx.vmap(_cnn_loss, in_axes=(None, 0, 0))(p, images, labels))

    g = vmapx.grad(batch_loss)(params)
    per = vmapx.vmap(vmapx.grad(_cnn_loss), in_axes=(None, 0, 0))(params, images, labels)
    for k in params:
        np.testing.assert_allclose(g[k], per[k].mean(0), rtol=1e-10, atol=1e-12, err_msg=k)


def test_jacfwd_and_jacrev_of_a_strided_grouped_conv_agree():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 4, 5, 4))
    w = rng.standard_normal((4, 2, 2, 3))

    def f(x, w):
        return lax.conv_general_dilated(x, w, (2, 1), ((1, 0), (1, 1)), (1, 1), (1, 2),
                                        feature_group_count=2)

    for argnum in (0, 1):
        jf = vmapx.jacfwd(f, argnums=argnum)(x, w)
        jr = vmapx.jacrev(f, argnums=argnum)(x, w)
        assert jf.shape == f(x, w).shape + (x, w)[argnum].shape
        np.testing.assert_allclose(jf, jr, rtol=1e-12, atol=1e-12)


def test_hessian_of_a_conv_loss_is_symmetric_and_matches_vmap_of_grad_of_grad():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 1, 4, 4))
    w = rng.standard_normal((2, 1, 2, 2))

    def loss(w):
        return jnp.sum(jnp.tanh(lax.conv(x, w, (1, 1), "SAME")) ** 2)

    h = vmapx.hessian(loss)(w)
    np.testing.assert_allclose(h.reshape(8, 8), h.reshape(8, 8).T, rtol=1e-10, atol=1e-12)
    rows = vmapx.vmap(lambda e: vmapx.jvp(vmapx.grad(loss), (w,), (e,))[1])(
        np.eye(8).reshape(8, 2, 1, 2, 2))
    np.testing.assert_allclose(rows.reshape(8, 8), h.reshape(8, 8), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("in_axes", [(0, None), (None, 0), (0, 0), (3, -1)])
def test_vmap_of_conv_with_nhwc_specs_matches_loop(in_axes):
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((3, 2, 6, 5, 4)).astype(np.float32)
    ws = rng.standard_normal((3, 3, 2, 2, 6)).astype(np.float32)

    def f(x, w):
        return lax.conv_general_dilated(x, w, (1, 2), "SAME",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                        feature_group_count=2)

    X = xs if in_axes[0] is not None else xs[0]
    W = ws if in_axes[1] is not None else ws[0]
    if in_axes[0] == 3:
        X = np.moveaxis(xs, 0, 3)
        W = np.moveaxis(ws, 0, -1)
    got = vmapx.vmap(f, in_axes=in_axes)(X, W)
    want = np.stack([f(xs[b] if in_axes[0] is not None else xs[0],
                       ws[b] if in_axes[1] is not None else ws[0]) for b in range(3)])
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_batched_conv_is_one_whole_batch_call(monkeypatch):
    """vmap of conv (lhs, rhs or both mapped) evaluates the primitive once."""
    calls = []
    impl = conv_general_dilated_p.impl

    def counting(*a, **k):
        calls.append(1)
        return impl(*a, **k)

    monkeypatch.setattr(conv_general_dilated_p, "impl", counting)
    xs = np.ones((16, 1, 2, 5, 5))
    ws = np.ones((16, 3, 2, 3, 3))
    for in_axes in ((0, None), (None, 0), (0, 0)):
        calls.clear()
        vmapx.vmap(lambda x, w: lax.conv(x, w, (1, 1), "SAME"), in_axes=in_axes)(
            xs if in_axes[0] == 0 else xs[0], ws if in_axes[1] == 0 else ws[0])
        assert len(calls) == 1, in_axes


def test_jit_of_conv_and_pooling_matches_eager():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 6, 6))
    w = rng.standard_normal((4, 3, 3, 3))

    def f(x, w):
        y = lax.conv(x, w, (1, 1), "SAME")
        return lax.reduce_window(y, -np.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    np.testing.assert_allclose(vmapx.jit(f)(x, w), f(x, w), rtol=1e-12)
    assert vmapx.eval_shape(f, x, w).shape == (2, 4, 3, 3)


# ---------------------------------------------------------------- pooling


def _max_pool(x):
    return lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (2, 2), "SAME")


def _avg_pool(x):
    return lax.reduce_window(x, 0.0, lax.add, (3, 3), (1, 1), "SAME") / 9.0


@pytest.mark.parametrize("pool", [_max_pool, _avg_pool])
def test_pooling_under_vmap_and_grad_matches_loop(pool):
    rng = np.random.default_rng(7)
    xs = rng.standard_normal((4, 5, 7)).astype(np.float32)
    got = vmapx.vmap(pool, in_axes=1, out_axes=-1)(np.moveaxis(xs, 0, 1))
    want = np.stack([pool(x) for x in xs], -1)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)

    def loss(x):
        return jnp.sum(jnp.sin(pool(x)))

    g = vmapx.vmap(vmapx.grad(loss))(xs)
    want = np.stack([vmapx.grad(loss)(x) for x in xs])
    assert g.shape == xs.shape and g.dtype == np.float32
    np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-7)


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = np.zeros((4, 4))
    x[0, 1] = x[1, 0] = 1.0
    g = vmapx.grad(lambda x: jnp.sum(lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (1, 1),
                                                       "VALID")))(x)
    np.testing.assert_array_equal(g, [[0, 2, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0]])


def test_reduce_window_with_non_identity_init_combines_it_once():
    x = np.arange(5.0)
    # as JAX: padding and base-dilation holes take no part; init joins each window once
    np.testing.assert_array_equal(
        lax.reduce_window(x, 1.0, lax.add, (2,), (1,), ((1, 1),), base_dilation=(2,)),
        [1., 1., 2., 2., 3., 3., 4., 4., 5., 5.])
    np.testing.assert_array_equal(lax.reduce_window(x, 2.5, lax.max, (2,), (2,), "VALID"),
                                  [2.5, 3.])
    np.testing.assert_array_equal(lax.reduce_window(x, -1.0, jnp.minimum, (3,), (1,), "SAME"),
                                  [-1., -1., -1., -1., -1.])


def test_reduce_window_product_and_its_gradient_through_zeros():
    x = np.array([1.5, -2.0, 0.0, 3.0, -1.0, 2.0])
    got = lax.reduce_window(x, 1.0, lax.mul, (2,), (1,), "VALID")
    np.testing.assert_array_equal(got, [-3.0, -0.0, 0.0, -3.0, -2.0])
    g = vmapx.grad(lambda x: jnp.sum(lax.reduce_window(x, 1.0, lax.mul, (3,), (1,), "VALID")))(
        np.array([2.0, 0.0, 3.0, 0.0, 5.0]))
    # windows (2,0,3), (0,3,0), (3,0,5): only windows with a single zero pass a gradient
    np.testing.assert_array_equal(g, [0.0, 6.0, 0.0, 15.0, 0.0])


def test_reduce_window_keeps_integer_dtypes():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    got = lax.reduce_window(x, np.iinfo(np.int32).min, lax.max, (2, 2), (1, 2), "VALID")
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [[5, 7], [9, 11]])
    s = lax.reduce_window(x, 0, lax.add, (3, 1), (1, 1), "VALID")
    assert s.dtype == np.int32
    np.testing.assert_array_equal(s, [[12, 15, 18, 21]])


# ------------------------------------------------------------ conv_transpose


def test_conv_transpose_with_transpose_kernel_is_the_gradient_of_conv():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 7, 7, 3))
    w = rng.standard_normal((3, 3, 3, 5))  # HWIO
    dn = ("NHWC", "HWIO", "NHWC")

    def fwd(x):
        return lax.conv_general_dilated(x, w, (2, 2), "SAME", dimension_numbers=dn)

    y, vjp = vmapx.vjp(fwd, x)
    ct = rng.standard_normal(y.shape)
    (want,) = vjp(ct)
    got = lax.conv_transpose(ct, w, (2, 2), ((1, 1), (1, 1)), dimension_numbers=dn,
                             transpose_kernel=True, use_consistent_padding=True)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ errors


def test_unknown_padding_string_raises_like_jax():
    with pytest.raises(RuntimeError, match="Unrecognized padding type: expected 'VALID', "
                                           "'SAME', or 'SAME_LOWER', got FOO."):
        lax.conv(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), (1, 1), "FOO")


def test_feature_mismatch_raises_like_jax():
    with pytest.raises(ValueError, match=r"conv_general_dilated lhs feature dimension size "
                                         r"divided by feature_group_count must equal the rhs "
                                         r"input feature dimension size, but 2 // 1 != 1\."):
        lax.conv(np.ones((1, 2, 5, 5)), np.ones((3, 1, 2, 2)), (1, 1), "VALID")


def test_string_padding_with_lhs_dilation_is_rejected():
    with pytest.raises(ValueError, match="String padding is not implemented for transposed"):
        lax.conv_general_dilated(np.ones((1, 1, 3)), np.ones((1, 1, 2)), (1,), "SAME",
                                 lhs_dilation=(2,))


def test_bad_dimension_numbers_raise_like_jax():
    with pytest.raises(TypeError, match=r"convolution dimension_numbers\[1\] must contain the "
                                        r"characters 'O' and 'I' exactly once, got HWIX\."):
        lax.conv_general_dilated(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), (1, 1),
                                 "VALID", dimension_numbers=("NHWC", "HWIX", "NHWC"))


def test_reduce_window_with_an_arbitrary_callable_folds_the_window():
    x = np.arange(6.0)
    got = lax.reduce_window(x, 0.0, lambda a, b: a + b, (2,), (1,), "VALID")
    assert got.shape == (5,) and got.dtype == np.float64
    np.testing.assert_array_equal(got, lax.reduce_window(x, 0.0, lax.add, (2,), (1,), "VALID"))


# ------------------------------------------------------------ shape helpers


def test_shape_helpers_match_jax():
    """Values printed by JAX 0.10.2 for the same calls."""
    assert lax.conv_shape_tuple((2, 3, 7, 6), (4, 3, 3, 2), (2, 1), "SAME") == (2, 4, 4, 6)
    dn = ("NHWC", "HWIO", "NHWC")
    assert lax.conv_general_shape_tuple((2, 7, 6, 3), (3, 2, 3, 4), (2, 1), "SAME", dn) == \
        (2, 4, 6, 4)
    assert lax.conv_transpose_shape_tuple((2, 7, 6, 3), (3, 2, 3, 4), (2, 1), "SAME", dn) == \
        (2, 14, 6, 4)
    assert lax.conv_transpose_shape_tuple((2, 7, 6, 3), (3, 2, 3, 4), (2, 1),
                                          ((1, 1), (0, 2)), dn) == (2, 13, 7, 4)
    assert lax.reduce_window_shape_tuple((5, 6), (2, 2), (2, 1), ((1, 0), (0, 0)), (2, 1),
                                         (1, 2)) == (5, 4)


def test_conv_transpose_output_shape_matches_its_shape_tuple():
    x, w = np.ones((2, 7, 6, 3)), np.ones((3, 2, 3, 4))
    dn = ("NHWC", "HWIO", "NHWC")
    for padding in ("SAME", "VALID", ((1, 1), (0, 2))):
        got = lax.conv_transpose(x, w, (2, 1), padding, dimension_numbers=dn)
        assert got.shape == lax.conv_transpose_shape_tuple(x.shape, w.shape, (2, 1), padding,
                                                           dn)


def test_reduce_window_rejects_parameters_of_the_wrong_length():
    # JAX 0.10.2's messages
    with pytest.raises(TypeError, match=r"reduce_window got inconsistent window_strides and "
                                        r"window_dimensions: got window_strides \(1,\) and "
                                        r"window_dimensions \(2, 2\)\."):
        lax.reduce_window(np.ones((3, 3)), 0.0, lax.add, (2, 2), (1,), "VALID")
    with pytest.raises(TypeError, match=r"reduce_window got the wrong number of window_dimensions "
                                        r"for operand: got operand shape \(2, 7, 6, 3\) with "
                                        r"window_dimensions \(2, 2\)\."):
        lax.reduce_window(np.ones((2, 7, 6, 3)), 0.0, lax.add, (2, 2), (1, 1), "VALID")


@pytest.mark.parametrize("kwargs,message", [
    (dict(window_dimensions=(1, 0), window_strides=(1, 1)),
     r"reduce_window window_dimensions must have every element be strictly positive, "
     r"got \(1, 0\)\."),
    (dict(window_dimensions=(1, 2), window_strides=(1, 0)),
     r"reduce_window window_strides must have every element be strictly positive, "
     r"got \(1, 0\)\."),
    (dict(window_dimensions=(1, 2), window_strides=(1, 1), window_dilation=(1, 0)),
     r"All dilations must be positive, got \(1, 0\)\."),
    (dict(window_dimensions=(1, 2), window_strides=(1, 1), base_dilation=(0, 1)),
     r"All dilations must be positive, got \(0, 1\)\."),
])
def test_reduce_window_rejects_zero_sizes_strides_and_dilations_as_jax(kwargs, message):
    # these used to divide by zero or silently return a result
    with pytest.raises(TypeError, match=message):
        lax.reduce_window(np.ones((3, 4)), 0.0, lax.add, padding="VALID", **kwargs)


def test_reduce_window_requires_a_scalar_init_value():
    with pytest.raises(TypeError, match=r"reduce_window expected init_values to be scalars but "
                                        r"init_values have shapes \[\(2,\)\]\."):
        lax.reduce_window(np.ones((3, 4)), np.zeros(2), lax.add, (2, 2), (1, 1), "VALID")


def test_conv_rejects_mixed_dtypes_as_jax():
    with pytest.raises(TypeError, match="lax.conv_general_dilated requires arguments to have the "
                                        "same dtypes, got float32, float64."):
        lax.conv_general_dilated(np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 2, 2)),
                                 (1, 1), "SAME")


def test_conv_checks_strides_and_dilations_before_resolving_string_padding():
    x, w = np.ones((2, 3, 7, 6)), np.ones((4, 3, 3, 2))
    with pytest.raises(ValueError, match="conv_general_dilated window and window_strides must "
                                         "have the same number of dimensions, but got 2 and 1"):
        lax.conv_general_dilated(x, w, (1,), "SAME")   # was a bare zip() error
    with pytest.raises(TypeError, match=r"conv_general_dilated window_strides must have every "
                                        r"element be strictly positive, got \(0, 1\)\."):
        lax.conv_general_dilated(x, w, (0, 1), "VALID")   # was ZeroDivisionError
    with pytest.raises(TypeError, match=r"All dilations must be positive, got \(0, 1\)\."):
        lax.conv_general_dilated(x, w, (1, 1), "VALID", rhs_dilation=(0, 1))
    with pytest.raises(TypeError, match=r"All dilations must be positive, got \(1, 0\)\."):
        lax.conv_general_dilated(x, w, (1, 1), [(0, 0), (0, 0)], lhs_dilation=(1, 0))
