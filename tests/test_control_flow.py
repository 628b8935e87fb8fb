"""Structured control flow: ``cond``/``switch``/``select``, ``while_loop``,
``fori_loop``, ``scan``, ``map``, ``associative_scan`` against Python loops
and closed forms; batched predicates and carries under ``vmap``; derivatives
(forward and reverse, under ``jit`` and ``vmap``); JAX's error messages."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx._src.prims import cond as cond_mod

RNG = np.random.default_rng(0)


def fd(f, x, eps=1e-6):
    """Central finite difference of a scalar function of a scalar."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


# ================================================================= cond


def test_cond_picks_the_branch_and_returns_arrays():
    out = lax.cond(True, lambda x: x + 1, lambda x: x - 1, np.float32(1.0))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out == 2.0
    assert lax.cond(0, lambda: 1.0, lambda: 2.0) == 2.0
    assert lax.cond(-1.5, lambda: 1.0, lambda: 2.0) == 1.0        # nonzero number is true
    assert lax.cond(np.array(True), lambda x, y: x + y, lambda x, y: x - y, 1.0, 2.0) == 3.0
    assert lax.cond(False, lambda x: x, lambda x: -x, operand=3.0) == -3.0


def test_cond_pytree_operands_and_outputs():
    ops = {"a": np.arange(3.0), "b": (np.ones(2), 2.0)}
    out = lax.cond(True, lambda d: (d["a"] * d["b"][1], d["b"][0]),
                   lambda d: (d["a"], d["b"][0] * 0), ops)
    np.testing.assert_allclose(out[0], 2 * np.arange(3.0))
    np.testing.assert_allclose(out[1], np.ones(2))


def test_cond_output_does_not_alias_the_operand():
    a = np.arange(3.0)
    out = lax.cond(True, lambda x: x, lambda x: x * 2, a)
    out[0] = 7.0
    assert a[0] == 0.0


def test_cond_weak_typed_branch_output_takes_the_other_branch_dtype():
    out = lax.cond(True, lambda x: 1.0, lambda x: x, np.float32(2.0))
    assert out.dtype == np.float32 and out == 1.0


def test_cond_errors_are_worded_as_jax():
    with pytest.raises(TypeError, match="(?s)cond branches must have equal output types but they "
                                        "differ.*true_fun is .*false_fun is .*The output of "
                                        r"true_fun has type float64\[\] but the corresponding "
                                        r"output of false_fun has type int32\[\], so the dtypes "
                                        "do not match"):
        lax.cond(True, lambda x: x, lambda x: x.astype(np.int32), 1.0)
    with pytest.raises(TypeError, match=r"so the shapes do not match"):
        lax.cond(True, lambda x: x, lambda x: jnp.stack([x, x]), 1.0)
    with pytest.raises(TypeError, match="(?s)cond branch outputs must have the same pytree "
                                        "structure"
                                        ".*true_fun output is a <class 'tuple'> but false_fun "
                                        "output is a pytree leaf, so their Python types differ"):
        lax.cond(True, lambda x: (x, x), lambda x: x, 1.0)
    with pytest.raises(TypeError, match=r"Pred must be a scalar, got \[ True False\] of shape "
                                        r"\(2,\)\."):
        lax.cond(np.array([True, False]), lambda x: x, lambda x: x, 1.0)
    with pytest.raises(TypeError, match="true_fun and false_fun arguments should be callable"):
        lax.cond(True, 1, lambda: 2.0)
    with pytest.raises(TypeError, match="if 'operand' keyword is passed then no positional"):
        lax.cond(True, lambda x: x, lambda x: x, 1.0, operand=2.0)


def test_switch_clamps_the_index_and_checks_it():
    branches = [lambda x: x, lambda x: 2 * x, lambda x: 3 * x]
    assert lax.switch(1, branches, 1.0) == 2.0
    assert lax.switch(7, branches, 1.0) == 3.0
    assert lax.switch(-3, branches, 1.0) == 1.0
    assert lax.switch(5, [lambda x: x + 1], 1.0) == 2.0
    with pytest.raises(TypeError, match="Index type must be an integer, got 1.7"):
        lax.switch(1.7, branches, 1.0)
    with pytest.raises(TypeError, match=r"Branch index must be scalar, got \[1\] of shape"):
        lax.switch(np.array([1]), branches, 1.0)
    with pytest.raises(ValueError, match="Empty branch sequence"):
        lax.switch(0, [], 1.0)
    with pytest.raises(TypeError, match="switch branches must have equal output types"):
        lax.switch(0, [lambda x: x, lambda x: x.astype(np.int32)], 1.0)


@pytest.mark.parametrize("size", [0, 1, 7])
def test_cond_with_batched_predicate_matches_loop(size):
    ps = RNG.integers(0, 2, size).astype(bool)
    xs = RNG.normal(size=(size, 3))
    f = lambda p, x: lax.cond(p, lambda v: jnp.sin(v) * 2, lambda v: v ** 2 + 1, x)  # noqa
    got = vmapx.vmap(f)(ps, xs)
    want = np.stack([np.sin(x) * 2 if p else x ** 2 + 1 for p, x in zip(ps, xs)]) \
        if size else np.zeros((0, 3))
    assert got.shape == (size, 3) and got.dtype == np.float64
    np.testing.assert_allclose(got, want)


def test_cond_batched_operand_unbatched_predicate_and_batch_axes():
    xs = RNG.normal(size=(3, 4))
    for p in (True, False):
        got = vmapx.vmap(lambda x: lax.cond(p, jnp.sin, jnp.cos, x), in_axes=1, out_axes=1)(xs)
        np.testing.assert_allclose(got, np.sin(xs) if p else np.cos(xs))


def test_cond_branch_closing_over_batched_value():
    ws = RNG.normal(size=5)
    ps = np.array([True, False, True, True, False])
    got = vmapx.vmap(lambda p, w: lax.cond(p, lambda x: x * w, lambda x: x - w, 2.0))(ps, ws)
    np.testing.assert_allclose(got, np.where(ps, 2 * ws, 2 - ws))


def test_switch_batched_index_and_vmap_of_vmap():
    idx = RNG.integers(-1, 4, size=(3, 4))
    xs = RNG.normal(size=(3, 4))
    brs = [lambda x: x, lambda x: x * 10, lambda x: -x]
    got = vmapx.vmap(vmapx.vmap(lambda i, x: lax.switch(i, brs, x)))(idx, xs)
    want = np.vectorize(lambda i, x: brs[min(max(i, 0), 2)](x))(idx, xs)
    np.testing.assert_allclose(got, want)


def _spy_partition(monkeypatch):
    calls = []
    real = cond_mod._cond_partition

    def spy(axis, index, ops, odims, branches):
        calls.append(np.bincount(np.clip(index, 0, len(branches) - 1),
                                 minlength=len(branches)).tolist())
        return real(axis, index, ops, odims, branches)
    monkeypatch.setattr(cond_mod, "_cond_partition", spy)
    return calls


def test_batched_cond_with_expensive_branches_runs_each_on_its_part(monkeypatch):
    """A while_loop in a branch makes partitioning the batch worthwhile: each
    branch runs only on its elements, and the result equals the loop."""
    calls = _spy_partition(monkeypatch)
    xs = np.linspace(0.5, 50.0, 200)
    ps = xs > 10

    def f(p, x):
        return lax.cond(p, lambda v: lax.while_loop(lambda c: c[0] > 1.0,
                                                    lambda c: (c[0] / 2, c[1] + 1), (v, 0.0))[1],
                        lambda v: -v, x)
    got = vmapx.vmap(f)(ps, xs)
    want = []
    for p, x in zip(ps, xs):
        if p:
            n = 0
            while x > 1.0:
                x, n = x / 2, n + 1
            want.append(float(n))
        else:
            want.append(-x)
    np.testing.assert_allclose(got, want)
    assert calls == [[int((~ps).sum()), int(ps.sum())]]


def test_batched_cond_with_cheap_branches_selects(monkeypatch):
    calls = _spy_partition(monkeypatch)
    ps = np.array([True, False, True])
    got = vmapx.vmap(lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x))(ps, np.zeros(3))
    np.testing.assert_allclose(got, [0.0, 1.0, 0.0])
    assert calls == []


def test_select_and_its_errors():
    out = lax.select(np.array([True, False]), np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(out, [1.0, 4.0])
    np.testing.assert_allclose(lax.select(np.array([2, 0]), np.ones(2), np.zeros(2)), [1, 0])
    with pytest.raises(TypeError, match=r"select cases must have the same shapes, got "
                                        r"\[\(3,\), \(2,\)\]"):  # JAX: on_false first
        lax.select(True, np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="lax.select requires arguments to have the same dtypes"):
        lax.select(np.array([True, False]), np.ones(2), np.ones(2, np.int32))
    with pytest.raises(TypeError, match="select `which` must be scalar or have the same shape"):
        lax.select(np.array([True]), np.ones(2), np.ones(2))


def test_grad_of_cond_concrete_and_traced_predicate():
    f = lambda x: lax.cond(x > 0, lambda v: jnp.sin(v) * v, lambda v: v ** 3, x)  # noqa: E731
    fn = lambda x: np.sin(x) * x if x > 0 else x ** 3   # noqa: E731
    for x in (1.3, -0.7):
        want = fd(fn, x)
        np.testing.assert_allclose(vmapx.grad(f)(x), want, rtol=1e-6)
        np.testing.assert_allclose(vmapx.jit(vmapx.grad(f))(x), want, rtol=1e-6)
        np.testing.assert_allclose(vmapx.grad(vmapx.jit(f))(x), want, rtol=1e-6)
    xs = np.array([1.3, -0.7, 0.2])
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(f))(xs), [fd(fn, x) for x in xs], rtol=1e-6)
    np.testing.assert_allclose(vmapx.grad(lambda v: vmapx.vmap(f)(v).sum())(xs),
                               [fd(fn, x) for x in xs], rtol=1e-6)


def test_jvp_of_cond_with_traced_predicate_under_jit():
    f = vmapx.jit(lambda x: vmapx.jvp(lambda v: lax.cond(v.sum() > 0, jnp.exp, jnp.sin, v),
                                      (x,), (jnp.ones_like(x),)))
    x = np.array([0.5, 0.25])
    y, t = f(x)
    np.testing.assert_allclose(y, np.exp(x))
    np.testing.assert_allclose(t, np.exp(x))
    y, t = f(-x)
    np.testing.assert_allclose(t, np.cos(-x))


# ============================================================= while_loop


def test_while_loop_basic_and_tuple_carry():
    assert lax.while_loop(lambda x: x < 10, lambda x: x * 2, 1) == 16
    i, s = lax.while_loop(lambda c: c[0] < 5, lambda c: (c[0] + 1, c[1] + c[0]), (0, 0.0))
    assert (i, s) == (5, 10.0) and isinstance(s, np.ndarray)


def newton_sqrt(x):
    def cond(c):
        y, _ = c
        return jnp.abs(y * y - x) > 1e-10 * x

    def body(c):
        y, n = c
        return 0.5 * (y + x / y), n + 1
    return lax.while_loop(cond, body, (x, 0))


@pytest.mark.parametrize("size", [0, 1, 9])
def test_while_loop_batched_predicate_matches_loop(size):
    xs = RNG.uniform(0.1, 1000.0, size)
    ys, ns = vmapx.vmap(newton_sqrt)(xs)
    assert ys.shape == (size,) and ns.shape == (size,)
    want = [newton_sqrt(x) for x in xs]
    np.testing.assert_allclose(ys, [w[0] for w in want])
    np.testing.assert_array_equal(ns, [w[1] for w in want])
    if size > 1:
        assert len(set(ns.tolist())) > 1   # elements really stop at different iterations


def test_while_loop_unbatched_predicate_batched_carry_and_consts():
    ws = RNG.normal(size=4)
    def f(w):
        return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2 + w), (0, w))
    _, got = vmapx.vmap(f)(ws)
    want = []
    for w in ws:
        v = w
        for _ in range(3):
            v = v * 2 + w
        want.append(v)
    np.testing.assert_allclose(got, want)


def test_while_loop_vmap_of_vmap_and_jit():
    xs = RNG.uniform(1, 100, (3, 4))
    got = vmapx.jit(vmapx.vmap(vmapx.vmap(newton_sqrt)))(xs)[0]
    np.testing.assert_allclose(got, np.sqrt(xs))
    got = vmapx.vmap(vmapx.jit(newton_sqrt))(xs[0])[0]
    np.testing.assert_allclose(got, np.sqrt(xs[0]))


def test_while_loop_forward_mode_and_reverse_mode_error():
    f = lambda x: lax.while_loop(lambda c: c < 10, lambda c: c * 2, x)  # noqa: E731
    y, t = vmapx.jvp(f, (1.0,), (1.0,))
    assert (y, t) == (16.0, 16.0)
    np.testing.assert_allclose(vmapx.jacfwd(lambda x: newton_sqrt(x)[0])(np.array(4.0)), 0.25)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for "
                                         "lax.while_loop or lax.fori_loop with dynamic "
                                         "start/stop values"):
        vmapx.grad(f)(1.0)


def test_while_loop_errors_are_worded_as_jax():
    with pytest.raises(TypeError, match=r"cond_fun must return a boolean scalar, but got output "
                                        r"type\(s\) \[ShapedArray\(bool\[2\]\)\]"):
        lax.while_loop(lambda c: c < 3, lambda c: c + 1, np.zeros(2))
    with pytest.raises(TypeError, match="(?s)while_loop body function carry input and carry output "
                                        "must have equal types.*The input carry component "
                                        r"c\[1\] has type float64\[\] but the corresponding "
                                        r"output carry component has type int32\[\], so the "
                                        "dtypes do not match"):
        lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1].astype(np.int32)),
                       (0, 1.0))
    with pytest.raises(TypeError, match="(?s)must have the same pytree structure.*The input "
                                        "carry c "
                                        "is a tuple of length 2 but the corresponding component "
                                        "of the carry output is a tuple of length 1"):
        lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1,), (0, 1.0))
    with pytest.raises(TypeError, match="body_fun and cond_fun arguments should be callable"):
        lax.while_loop(1, lambda c: c, 0)


def test_while_loop_promotes_weak_initial_carry():
    out = lax.while_loop(lambda c: c < 3, lambda c: c + 1.5, 0)
    assert out.dtype == np.float64 and out == 3.0
    out = lax.while_loop(lambda c: c < 3, lambda c: c + np.float32(1), 0.0)
    assert out.dtype == np.float32


# ============================================================== fori_loop


def test_fori_loop_static_bounds_is_a_scan_and_differentiable():
    f = lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, x)  # noqa: E731
    assert "scan[" in str(vmapx.make_jaxpr(f)(2.0))
    np.testing.assert_allclose(f(2.0), 16.0)
    np.testing.assert_allclose(vmapx.grad(f)(2.0), 32.0)
    assert lax.fori_loop(0, 4, lambda i, x: x + i, 0.0) == 6.0
    assert lax.fori_loop(5, 2, lambda i, x: x + i, 1.0) == 1.0     # empty range


def test_fori_loop_traced_bounds_use_while():
    f = vmapx.jit(lambda n, x: lax.fori_loop(0, n, lambda i, c: c + i * x, 0.0))
    assert f(4, 2.0) == 12.0
    assert "while[" in str(vmapx.make_jaxpr(f)(4, 2.0))
    got = vmapx.vmap(lambda n: lax.fori_loop(0, n, lambda i, c: c + i, 0))(np.array([0, 3, 5]))
    np.testing.assert_array_equal(got, [0, 3, 10])


def test_fori_loop_bound_types():
    with pytest.raises(TypeError, match="lower and upper arguments to fori_loop must have equal "
                                        "types, got float64 and int64"):
        lax.fori_loop(0.0, 3, lambda i, c: c, 0)
    assert lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, 0) == 3


# =================================================================== scan


def test_scan_cumsum_reverse_and_length_only():
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0))
    assert c == 6.0
    np.testing.assert_allclose(ys, [0, 0, 1, 3])
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0), reverse=True)
    np.testing.assert_allclose(ys, [6, 5, 3, 0])
    c, ys = lax.scan(lambda c, _: (c + 1, c * 2), 0, None, length=3)
    np.testing.assert_array_equal(ys, [0, 2, 4])
    c, ys = lax.scan(lambda c, x: (c + x, None), 0.0, np.arange(4.0), unroll=2)
    assert ys is None and c == 6.0


def test_scan_pytree_carry_and_xs():
    def step(c, x):
        return {"s": c["s"] + x["a"], "p": c["p"] * x["b"]}, (c["s"], x["a"] * 2)
    xs = {"a": np.arange(3.0), "b": np.array([1.0, 2.0, 3.0])}
    c, (ys0, ys1) = lax.scan(step, {"s": 0.0, "p": 1.0}, xs)
    assert c["s"] == 3.0 and c["p"] == 6.0
    np.testing.assert_allclose(ys0, [0, 0, 1])
    np.testing.assert_allclose(ys1, [0, 2, 4])


def test_scan_errors_are_worded_as_jax():
    with pytest.raises(ValueError, match="scan got values with different leading axis sizes: "
                                         "3, 4"):
        lax.scan(lambda c, x: (c, x), 0.0, (np.arange(3.0), np.arange(4.0)))
    with pytest.raises(ValueError, match="scan got `length` argument of 4 which disagrees with "
                                         r"leading axis sizes \[3\]"):
        lax.scan(lambda c, x: (c, x), 0.0, np.arange(3.0), length=4)
    with pytest.raises(ValueError, match="scan got no values to scan over and `length` not "
                                         "provided"):
        lax.scan(lambda c, x: (c, x), 0.0, None)
    with pytest.raises(ValueError, match="scan got value with no leading axis to scan over"):
        lax.scan(lambda c, x: (c, x), 0.0, 1.0)
    with pytest.raises(TypeError, match="scan body output must be a pair"):
        lax.scan(lambda c, x: c, 0.0, np.arange(3.0))
    with pytest.raises(TypeError, match="(?s)scan body function carry input and carry output must "
                                        "have equal types.*  \\* the input carry component "
                                        r"c\[0\].*;\n  \* the input carry component c\[1\]"):
        lax.scan(lambda c, x: ((c[0].astype(np.int32), jnp.stack([c[1]])), x), (1.0, 2.0),
                 np.arange(3.0))
    with pytest.raises(TypeError, match="lax.scan: f argument should be a callable"):
        lax.scan(1, 0, None, length=2)


def rnn(h, xs, w):
    def step(h, x):
        h = jnp.tanh(w * h + x)
        return h, h * h
    return lax.scan(step, h, xs)


def rnn_loop(h, xs, w):
    ys = []
    for x in xs:
        h = np.tanh(w * h + x)
        ys.append(h * h)
    return h, np.array(ys)


@pytest.mark.parametrize("in_axes", [(0, 0, 0), (None, 1, None), (0, None, None),
                                     (None, None, 0), (None, 0, None)])
def test_scan_under_vmap_matches_loop(in_axes):
    B, T = 5, 4
    full = {"h": RNG.normal(size=B), "xs": RNG.normal(size=(B, T)), "w": RNG.normal(size=B)}
    args = []
    for name, ax in zip(("h", "xs", "w"), in_axes):
        v = full[name]
        args.append(v[0] if ax is None else np.moveaxis(v, 0, ax))
    hs, ys = vmapx.vmap(rnn, in_axes=in_axes)(*args)
    for b in range(B):
        ex = [a if ax is None else np.take(a, b, axis=ax) for a, ax in zip(args, in_axes)]
        h, y = rnn_loop(*ex)
        np.testing.assert_allclose(hs[b], h)
        np.testing.assert_allclose(ys[b], y)


def test_scan_carry_becomes_batched_through_the_body():
    """Unbatched initial carry, batched xs: the carry is batched from step 1."""
    xs = RNG.normal(size=(3, 6))
    got = vmapx.vmap(lambda x: lax.scan(lambda c, v: (c * 0.5 + v, c), 0.0, x))(xs)
    for b in range(3):
        c, ys = 0.0, []
        for v in xs[b]:
            ys.append(c)
            c = c * 0.5 + v
        np.testing.assert_allclose(got[0][b], c)
        np.testing.assert_allclose(got[1][b], ys)


def test_scan_vmap_of_vmap():
    xs = RNG.normal(size=(2, 3, 4))
    got = vmapx.vmap(vmapx.vmap(lambda x: lax.scan(lambda c, v: (c + v, c * v), 1.0, x)))(xs)
    np.testing.assert_allclose(got[0], 1.0 + xs.sum(-1))


def test_scan_reverse_mode_matches_finite_differences():
    xs = RNG.normal(size=6)
    loss = lambda w, h: (lambda out: out[0] + out[1].sum())(rnn(h, xs, w))  # noqa: E731
    loss_np = lambda w, h: (lambda out: out[0] + out[1].sum())(rnn_loop(h, xs, w))  # noqa
    w, h = 0.7, 0.3
    gw, gh = vmapx.grad(loss, argnums=(0, 1))(w, h)
    np.testing.assert_allclose(gw, fd(lambda v: loss_np(v, h), w), rtol=1e-6)
    np.testing.assert_allclose(gh, fd(lambda v: loss_np(w, v), h), rtol=1e-6)
    np.testing.assert_allclose(vmapx.jit(vmapx.grad(loss))(w, h), gw, rtol=1e-12)
    ws = np.array([0.7, -0.2, 1.1])
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(loss), in_axes=(0, None))(ws, h),
                               [fd(lambda v: loss_np(v, h), x) for x in ws], rtol=1e-6)


def test_scan_reverse_mode_with_matrix_params_and_xs_gradients():
    W = RNG.normal(size=(3, 3)) * 0.5
    xs = RNG.normal(size=(5, 3))

    def loss(W, xs):
        h, ys = lax.scan(lambda h, x: (jnp.tanh(W @ h + x),) * 2, jnp.zeros(3), xs)
        return (ys ** 2).sum()

    def loss_np(W, xs):
        h, tot = np.zeros(3), 0.0
        for x in xs:
            h = np.tanh(W @ h + x)
            tot += (h ** 2).sum()
        return tot
    gW, gx = vmapx.grad(loss, argnums=(0, 1))(W, xs)
    eps = 1e-6
    for idx in [(0, 0), (1, 2), (2, 1)]:
        d = np.zeros_like(W)
        d[idx] = eps
        np.testing.assert_allclose(gW[idx], (loss_np(W + d, xs) - loss_np(W - d, xs)) / (2 * eps),
                                   rtol=1e-5)
        d = np.zeros_like(xs)
        d[idx[0] + 2, idx[1]] = eps
        np.testing.assert_allclose(gx[idx[0] + 2, idx[1]],
                                   (loss_np(W, xs + d) - loss_np(W, xs - d)) / (2 * eps),
                                   rtol=1e-5)


def test_scan_forward_mode_and_second_derivative():
    f = lambda x: lax.scan(lambda c, _: (c * x + 1.0, None), 1.0, None, length=3)[0]  # noqa
    # c3 = x^3 + x^2 + x + 1
    np.testing.assert_allclose(vmapx.jvp(f, (2.0,), (1.0,))[1], 3 * 4 + 2 * 2 + 1)
    np.testing.assert_allclose(vmapx.grad(vmapx.grad(f))(2.0), 6 * 2 + 2)
    np.testing.assert_allclose(vmapx.jacfwd(vmapx.grad(f))(2.0), 6 * 2 + 2)


def test_grad_of_fori_loop_under_vmap_and_jit():
    f = lambda x: lax.fori_loop(0, 4, lambda i, c: jnp.sin(c) + x, x)  # noqa: E731

    def fn(x):
        c = x
        for _ in range(4):
            c = np.sin(c) + x
        return c
    xs = np.array([0.1, 0.5, -1.0])
    want = [fd(fn, x) for x in xs]
    np.testing.assert_allclose(vmapx.vmap(vmapx.grad(f))(xs), want, rtol=1e-6)
    np.testing.assert_allclose(vmapx.jit(vmapx.vmap(vmapx.grad(f)))(xs), want, rtol=1e-6)


# ============================================================ map, assoc scan


def test_map_with_and_without_batch_size():
    xs = RNG.normal(size=(7, 3))
    f = lambda x: (jnp.sum(x ** 2), x[::-1])  # noqa: E731
    want = ((xs ** 2).sum(1), xs[:, ::-1])
    for bs in (None, 1, 3, 7, 10):
        got = lax.map(f, xs, batch_size=bs)
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_allclose(got[1], want[1])
    got = vmapx.jit(lambda v: lax.map(f, v, batch_size=3))(xs)
    np.testing.assert_allclose(got[0], want[0])
    got = lax.map(f, xs, batch_size=0)          # JAX: batch_size=0 is one full batch
    np.testing.assert_allclose(got[0], want[0])
    with pytest.raises(ValueError, match="batch_size must be a non-negative int"):
        lax.map(f, xs, batch_size=-1)


@pytest.mark.parametrize("op,ref", [(np.add, np.cumsum), (np.multiply, np.cumprod),
                                    (np.maximum, np.maximum.accumulate)])
@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
def test_associative_scan_matches_accumulate(op, ref, n):
    x = RNG.uniform(0.5, 1.5, n)
    np.testing.assert_allclose(lax.associative_scan(op, x), ref(x), rtol=1e-12)
    np.testing.assert_allclose(lax.associative_scan(op, x, reverse=True),
                               ref(x[::-1])[::-1], rtol=1e-12)


def test_associative_scan_axis_pytree_and_vmap():
    x = RNG.normal(size=(3, 6))
    np.testing.assert_allclose(lax.associative_scan(jnp.add, x, axis=1), np.cumsum(x, 1))
    np.testing.assert_allclose(lax.associative_scan(jnp.add, x, axis=-2), np.cumsum(x, 0))
    # linear recurrence h_t = a_t h_{t-1} + b_t as a scan over (a, b) pairs
    a, b = RNG.uniform(0, 1, 7), RNG.normal(size=7)

    def comb(l, r):
        return l[0] * r[0], r[0] * l[1] + r[1]
    _, h = lax.associative_scan(comb, (a, b))
    hh, want = 0.0, []
    for at, bt in zip(a, b):
        hh = at * hh + bt
        want.append(hh)
    np.testing.assert_allclose(h, want)
    got = vmapx.vmap(lambda v: lax.associative_scan(jnp.add, v))(x)
    np.testing.assert_allclose(got, np.cumsum(x, 1))
    with pytest.raises(ValueError, match="Array inputs to associative_scan must have the same "
                                         "first dimension"):
        lax.associative_scan(jnp.add, (np.arange(5.0), np.arange(4.0)))


def test_errors_inside_bodies_name_the_users_line():
    import traceback

    def body(c):
        return c + undefined_name  # noqa: F821  (the offending line)
    with pytest.raises(NameError) as info:
        lax.while_loop(lambda c: c < 3, body, 0.0)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].filename == __file__ and "undefined_name" in frames[-1].line
    assert all("vmapx" not in f.filename for f in frames)
