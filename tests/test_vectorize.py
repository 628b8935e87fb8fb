"""``vmapx.numpy.vectorize`` against ``numpy.vectorize`` (the oracle): gufunc
signatures, broadcasting of loop dimensions, ``excluded``, vectorized
keyword arguments (NumPy's behaviour), and the errors."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp

RNG = np.random.default_rng(0)


def check(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            check(g, w)
        return
    got = np.asarray(got)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12)


# ---------------------------------------------------------------- the seed


def test_seed_vectorize_of_grad_equals_vmap():
    f = lambda x: jnp.exp(-x) * jnp.sin(x)  # noqa: E731
    gf = vmapx.grad(f)
    x = np.arange(0, 1, 0.1)
    want = np.exp(-x) * (np.cos(x) - np.sin(x))
    np.testing.assert_allclose(jnp.vectorize(gf)(x), want)
    np.testing.assert_allclose(vmapx.vmap(gf)(x), want)


def test_seed_vectorize_maps_every_axis_with_broadcasting():
    x2 = np.arange(10)
    y2 = np.arange(20).reshape(20, 1)

    def add(x, y):
        assert x.shape == y.shape == ()
        return x + y
    out = jnp.vectorize(add)(x2, y2)
    assert out.shape == (20, 10)
    np.testing.assert_array_equal(out, x2 + y2)
    nested = vmapx.vmap(vmapx.vmap(add, in_axes=(None, 0)), in_axes=(0, None))(x2, y2[:, 0])
    np.testing.assert_array_equal(nested.T, out)


# ----------------------------------------------------------- signatures


@pytest.mark.parametrize("sig,fun,shapes", [
    ("(n),(n)->()", np.dot, [(5, 4), (4,)]),
    ("(n),(n)->()", np.dot, [(2, 1, 3), (4, 3)]),
    ("(m,n),(n)->(m)", lambda a, b: a @ b, [(6, 2, 3), (3,)]),
    ("(m,n),(n)->(m)", lambda a, b: a @ b, [(2, 3), (4, 1, 3)]),
    ("()->(2)", lambda a: np.stack([a, 2 * a]) if isinstance(a, np.ndarray)
     else jnp.stack([a, 2 * a]), [(4, 3)]),
    ("(n)->(),(n)", lambda a: (a.sum(), a * 2), [(4, 3)]),
    ("(n),()->(n)", lambda a, s: a * s, [(2, 5), (3, 1)]),
    ("()->()", lambda a: a + 1, [()]),
])
def test_signatures_match_numpy_vectorize(sig, fun, shapes):
    args = [RNG.normal(size=s) for s in shapes]
    want = np.vectorize(fun, signature=sig)(*args)
    got = jnp.vectorize(fun, signature=sig)(*args)
    check(got, want)


def test_whitespace_in_signature_is_accepted():
    got = jnp.vectorize(lambda x, y: x @ y, signature=" (n) , (n) -> ( ) ")(np.ones((2, 3)),
                                                                            np.ones(3))
    np.testing.assert_allclose(got, [3.0, 3.0])


def test_no_signature_tuple_outputs():
    x = RNG.normal(size=(3, 2))
    got = jnp.vectorize(lambda v: (v, 2 * v))(x)
    check(got, np.vectorize(lambda v: (v, 2 * v))(x))


def test_function_sees_only_core_dimensions():
    seen = []

    def f(a, b):
        seen.append((a.shape, b.shape))
        return (a * b).sum()
    jnp.vectorize(f, signature="(n),(n)->()")(np.ones((7, 4, 3)), np.ones((4, 3)))
    assert seen == [((3,), (3,))]    # traced once, with per-example shapes


def test_vectorize_runs_under_jit_and_grad():
    dot = jnp.vectorize(lambda a, b: jnp.sum(a * b), signature="(n),(n)->()")
    a, b = RNG.normal(size=(5, 3)), RNG.normal(size=3)
    np.testing.assert_allclose(vmapx.jit(dot)(a, b), a @ b)
    np.testing.assert_allclose(vmapx.grad(lambda v: dot(a, v).sum())(b), a.sum(0))


# ---------------------------------------------------------- excluded, kwargs


def test_excluded_by_position_and_by_name():
    x = np.ones((2, 3))
    f = lambda v, seq: v * len(seq)  # noqa: E731
    np.testing.assert_allclose(jnp.vectorize(f, excluded={1})(x, [1, 2]), 2 * x)
    np.testing.assert_allclose(jnp.vectorize(f, excluded={"seq"})(x, seq=[1, 2]), 2 * x)


def test_keyword_arguments_are_vectorized_like_numpy():
    x, y = np.ones(3), np.arange(2.0).reshape(2, 1)
    want = np.vectorize(lambda x, y: x + y)(x, y=y)
    check(jnp.vectorize(lambda x, y: x + y)(x, y=y), want)
    want = np.vectorize(lambda a, b: a @ b, signature="(n),(n)->()")(np.ones((2, 3)), b=np.ones(3))
    check(jnp.vectorize(lambda a, b: a @ b, signature="(n),(n)->()")(np.ones((2, 3)),
                                                                     b=np.ones(3)), want)


def test_zero_size_loop_dimension():
    out = jnp.vectorize(lambda a: a.sum(), signature="(n)->()")(np.ones((0, 3)))
    assert out.shape == (0,)


# ----------------------------------------------------------------- errors

CTX = r" on vectorized function with excluded=frozenset\(\) and signature='\(n\),\(n\)->\(\)'"


def test_errors():
    dot = jnp.vectorize(np.dot, signature="(n),(n)->()")
    with pytest.raises(ValueError, match=r"not a valid gufunc signature: \(n\),\(n\)-\(\)"):
        jnp.vectorize(np.dot, signature="(n),(n)-()")
    with pytest.raises(TypeError, match="wrong number of positional arguments: expected 2, got 1"
                                        + CTX):
        dot(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"input with shape \(\) does not have enough dimensions "
                                         r"for all core dimensions \('n',\)" + CTX):
        dot(np.ones((3, 4)), 1.0)
    with pytest.raises(ValueError, match="inconsistent size for core dimension 'n': 5 vs 4" + CTX):
        dot(np.ones((3, 4)), np.ones(5))
    with pytest.raises(ValueError, match="operands could not be broadcast"):
        jnp.vectorize(lambda a, b: a + b)(np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match="wrong number of output arguments: expected 1, got 2"):
        jnp.vectorize(lambda x: (x, x), signature="()->()")(np.ones(3))
    with pytest.raises(TypeError, match="output must be a tuple when multiple outputs are "
                                        "expected"):
        jnp.vectorize(lambda x: x, signature="()->(),()")(np.ones(3))
    with pytest.raises(ValueError, match=r"output shape \(3,\) does not match core dimensions "
                                         r"\(\)"):
        jnp.vectorize(lambda x: jnp.ones(3) * x, signature="()->()")(np.ones(3))
    with pytest.raises(TypeError, match="can only exclude integer or string arguments"):
        jnp.vectorize(np.dot, excluded={1.5})
    with pytest.raises(ValueError, match="contains negative numbers"):
        jnp.vectorize(np.dot, excluded={-1})


def test_none_argument_is_passed_through_as_if_excluded():
    seen = []

    def f(x, y, scale=None):
        seen.append((y, scale))
        out = x if y is None else x + y
        return out if scale is None else out * scale

    x = np.arange(6.0).reshape(2, 3)
    got = jnp.vectorize(f)(x, None)
    assert got.shape == (2, 3) and got.dtype == np.float64
    np.testing.assert_array_equal(got, x)
    assert all(y is None and s is None for y, s in seen)
    np.testing.assert_array_equal(jnp.vectorize(f)(x, None, scale=None), x)
    np.testing.assert_array_equal(jnp.vectorize(f)(x, np.ones(3)), x + 1)


def test_none_argument_with_signature_is_an_error():
    f = jnp.vectorize(lambda x, y: x if y is None else x + y, signature="(k),(k)->(k)")
    with pytest.raises(ValueError, match=r"Cannot pass None at locations \{1\} with "
                                         r"signature='\(k\),\(k\)->\(k\)'"):
        f(np.arange(10), None)
