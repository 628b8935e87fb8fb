"""Typed PRNG key arrays (``random.key``, ``split`` of a typed key, ``wrap_key_data``):
shapes, printing, errors, dtypes, the numpy functions on keys, and every
transform (vmap, jit, grad, scan, cond, while_loop, eval_shape).

Oracles: values recorded from JAX 0.10.2 with ``jax_enable_x64`` (the threefry
words of ``split`` / ``fold_in``, ``bits`` and ``uniform`` per key, printed
forms, error messages), the raw-key path (``PRNGKey`` data) bit for bit, and a
Python loop over the keys for ``vmap``.  JAX is not needed to run them.
"""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import dtypes, lax, random

KD = random.key_data

# ------------------------------------------------------------ JAX's values
# jax.random.key_data(jax.random.split(jax.random.key(0), 6))
SPLIT6 = np.array([[1797259609, 2579123966], [928981903, 3453687069],
                   [4146024105, 2718843009], [2467461003, 3840466878],
                   [2285895361, 433833334], [1524306142, 1887795613]], np.uint32)
# key_data(split(key(42), (2, 3)))
SPLIT23 = np.array([[[1832780943, 270669613], [64467757, 2916123636],
                     [2465931498, 255383827]],
                    [[3134548294, 894150801], [2954079971, 3276725750],
                     [2765691542, 824333390]]], np.uint32)
# key_data(fold_in(key(7), 3))
FOLD = np.array([276534068, 1641862660], np.uint32)
# vmap(lambda k: bits(k, (2,)))(split(key(0), 6))
BITS = np.array([[17892382483726427379, 5814079105949211768],
                 [1487257057961561871, 17043847706803357823],
                 [12025843004668546878, 16224745053961443719],
                 [13845552092833129775, 8847920473119263012],
                 [12770747148764392238, 9605607793510703320],
                 [11439106349306108407, 14582805893297414375]], np.uint64)
# vmap(lambda k: uniform(k))(split(key(0), 6))
UNIF = np.array([0.9699479979898888, 0.08062436666431605, 0.651922255581562,
                 0.750568882915545, 0.6923035901476706, 0.6201151977605204])
# scan(lambda c, x: (split(c)[0], bits(x)), key(0), split(key(0), 6)): the carry's data
SCAN_CARRY = np.array([1846506472, 1430574090], np.uint32)
# key_data(vmap(lambda kk: split(kk[1], 2), in_axes=-1, out_axes=-1)(split(key(0), (3, 4))))
VMAP_NEG = np.array([[[2973421278, 2523867950], [2663374494, 575560183],
                      [3329199190, 652188801], [865534001, 1242276491]],
                     [[2236479845, 1072554200], [3395324082, 1786192103],
                      [1388490277, 2025164619], [1515927632, 1211112401]]], np.uint32)


def _eq(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert np.asarray(a).dtype == np.asarray(b).dtype


def _keys_equal(got, want_data):
    assert isinstance(got, random.KeyArray), type(got)
    _eq(KD(got), want_data)


# ------------------------------------------------------------ shapes


def test_key_is_a_typed_scalar_key_array():
    k = random.key(0)
    assert isinstance(k, random.KeyArray)
    assert k.shape == () and k.ndim == 0 and k.size == 1
    assert str(k.dtype) == repr(k.dtype) == k.dtype.name == "key<fry>"
    assert k.dtype == random.key_dtype() and k.dtype.itemsize == 8 and k.itemsize == 8
    _eq(KD(k), np.zeros(2, np.uint32))


def test_shapes_of_split_reshape_index_len_match_jax():
    ks = random.split(random.key(0), 6)
    assert ks.shape == (6,) and len(ks) == 6 and ks.nbytes == 48
    _keys_equal(ks, SPLIT6)
    assert ks.reshape(2, 3).shape == (2, 3) and ks.reshape((3, 2)).shape == (3, 2)
    assert ks.reshape(2, -1).shape == (2, 3)
    assert ks[1:3].shape == (2,) and ks[None].shape == (1, 6) and ks[:, None].shape == (6, 1)
    assert ks.reshape(6, 1)[..., 0].shape == (6,)
    _keys_equal(ks[2], SPLIT6[2])
    _keys_equal(ks[..., 0], SPLIT6[0])
    _keys_equal(ks[np.array([0, 2])], SPLIT6[[0, 2]])
    mask = np.array([True, False, True, True, False, False])
    _keys_equal(ks[mask], SPLIT6[mask])
    _keys_equal(ks.reshape(2, 3).T, SPLIT6.reshape(2, 3, 2).transpose(1, 0, 2))
    _keys_equal(ks.reshape(2, 3).transpose(1, 0), SPLIT6.reshape(2, 3, 2).transpose(1, 0, 2))
    _keys_equal(ks.reshape((2, 3), order="F"),
                SPLIT6.reshape(3, 2, 2).transpose(1, 0, 2))
    _keys_equal(ks.reshape(2, 3).ravel(), SPLIT6)
    _keys_equal(ks.reshape(1, 6, 1).squeeze(), SPLIT6)
    _keys_equal(ks.reshape(2, 3).swapaxes(0, 1), SPLIT6.reshape(2, 3, 2).transpose(1, 0, 2))
    rows = list(ks.reshape(2, 3))
    assert len(rows) == 2 and rows[1].shape == (3,)
    _keys_equal(rows[1], SPLIT6[3:])
    _keys_equal(ks.copy(), SPLIT6)


def test_split_with_a_shape_fold_in_clone_wrap_key_data_give_typed_keys():
    _keys_equal(random.split(random.key(42), (2, 3)), SPLIT23)
    _keys_equal(random.fold_in(random.key(7), 3), FOLD)
    _keys_equal(random.clone(random.key(7)), KD(random.key(7)))
    assert random.split(random.key(0), 0).shape == (0,)
    assert random.split(random.key(0), ()).shape == ()
    w = random.wrap_key_data(SPLIT6)
    _keys_equal(w, SPLIT6)
    assert KD(w) is not SPLIT6
    assert random.key_impl(w) == random.key_impl(SPLIT6) == "threefry2x32"
    assert KD(random.split(random.key(0), 6)).shape == (6, 2)
    assert KD(random.split(random.key(0), 6)).dtype == np.uint32


def test_raw_keys_stay_raw_and_give_the_same_bits():
    raw = random.PRNGKey(0)
    assert type(raw) is vmapx.Array and raw.shape == (2,)
    assert not dtypes.issubdtype(raw.dtype, dtypes.prng_key)
    assert type(random.split(raw, 6)) is vmapx.Array
    _eq(random.split(raw, 6), SPLIT6)
    assert type(random.fold_in(random.PRNGKey(7), 3)) is vmapx.Array
    _eq(random.fold_in(random.PRNGKey(7), 3), FOLD)
    assert type(random.clone(raw)) is vmapx.Array
    typed = random.key(0)
    for sample in (lambda k: random.normal(k, (3,)), lambda k: random.uniform(k, (2,)),
                   lambda k: random.bits(k, (4,)), lambda k: random.permutation(k, 7),
                   lambda k: random.gamma(k, 2.0, (3,)), lambda k: random.randint(k, (3,), 0, 9),
                   lambda k: random.choice(k, 5, (3,)), lambda k: random.bernoulli(k, 0.3, (4,)),
                   lambda k: random.categorical(k, np.zeros(4)), lambda k: random.t(k, 3.0),
                   lambda k: random.poisson(k, 3.0, (3,)), lambda k: random.orthogonal(k, 3),
                   lambda k: random.multivariate_normal(k, np.zeros(2), np.eye(2))):
        _eq(sample(typed), sample(raw))


def test_samplers_match_jax_per_key():
    ks = random.split(random.key(0), 6)
    _eq(np.stack([random.bits(k, (2,)) for k in ks]), BITS)
    _eq(np.stack([random.uniform(k) for k in ks]), UNIF)


def test_printing_matches_jax():
    assert repr(random.key(0)) == "Array((), dtype=key<fry>) overlaying:\n[0 0]"
    assert str(random.key(0)) == repr(random.key(0)) == f"{random.key(0)}"
    assert repr(random.split(random.key(1), (2, 2))) == (
        "Array((2, 2), dtype=key<fry>) overlaying:\n"
        "[[[ 507451445 1853169794]\n  [1948878966 4237131848]]\n\n"
        " [[2441914641 3819641963]\n  [3568232559 2761185182]]]")
    seen = []
    vmapx.vmap(lambda k: seen.append(repr(k)) or k)(random.split(random.key(0), 3))
    vmapx.jit(lambda k: seen.append(repr(k)) or k)(random.key(0))
    vmapx.jit(lambda k: seen.append(repr(k)) or k)(random.split(random.key(0), (2, 3)))
    assert seen == ["VmapTracer(aval=key<fry>[], batched=key<fry>[3])",   # JAX's forms
                    "JitTracer(key<fry>[])", "JitTracer(key<fry>[2,3])"]


# ------------------------------------------------------------ errors


@pytest.mark.parametrize("call, exc, match", [
    (lambda k, ks: k + 1, TypeError, r"^add does not accept dtypes key<fry>, int64\.$"),
    (lambda k, ks: 1 + k, TypeError, r"^add does not accept dtypes int64, key<fry>\.$"),
    (lambda k, ks: k * 2.5, TypeError, r"^multiply does not accept dtypes key<fry>, float64\.$"),
    (lambda k, ks: k - np.ones(3, np.int32), TypeError,
     r"^subtract does not accept dtypes key<fry>, int32\.$"),
    (lambda k, ks: np.ones(3) + k, TypeError, r"^add does not accept dtypes float64, key<fry>\.$"),
    (lambda k, ks: k + k, TypeError,
     r"^add does not accept dtype key<fry> at position 0\. Accepted dtypes at position 0 are "
     r"subtypes of integer, floating, complexfloating\.$"),
    (lambda k, ks: k < k, TypeError, r"^lt does not accept dtype key<fry> at position 0\."),
    (lambda k, ks: k < 1, TypeError, r"^less does not accept dtypes key<fry>, int64\.$"),
    (lambda k, ks: k // 1, TypeError, r"^floor_divide does not accept dtypes key<fry>, int64"),
    (lambda k, ks: k & 1, TypeError, r"^bitwise_and does not accept dtypes key<fry>, int64"),
    (lambda k, ks: -k, TypeError,
     r"^neg does not accept dtype key<fry>\. Accepted dtypes are subtypes of integer, "
     r"floating, complexfloating\.$"),
    (lambda k, ks: ~k, TypeError, r"^not does not accept dtype key<fry>"),
    (lambda k, ks: abs(k), TypeError, r"^abs does not accept dtype key<fry>"),
    (lambda k, ks: k == 1, TypeError, r"^equal does not accept dtypes key<fry>, int64\.$"),
    (lambda k, ks: k == random.PRNGKey(0), TypeError,
     r"^equal does not accept dtypes key<fry>, uint32\.$"),
    (lambda k, ks: ks == ks[:2], TypeError,
     r"^eq got incompatible shapes for broadcasting: \(6,\), \(2,\)\.$"),
    (lambda k, ks: np.asarray(k), TypeError,
     r"^vmapx array with PRNGKey dtype cannot be converted to a NumPy array\. Use "
     r"vmapx\.random\.key_data\(arr\) if you wish to extract the underlying integer array\.$"),
    (lambda k, ks: np.array(ks), TypeError, "cannot be converted to a NumPy array"),
    (lambda k, ks: len(k), TypeError, r"^len\(\) of unsized object$"),
    (lambda k, ks: k[0], IndexError,
     r"^Too many indices: array is 0-dimensional, but 1 were indexed$"),
    (lambda k, ks: ks[0, 0], IndexError,
     r"^Too many indices: array is 1-dimensional, but 2 were indexed$"),
    (lambda k, ks: iter(k), TypeError, r"^iteration over a 0-d key array$"),
    (lambda k, ks: hash(k), TypeError, "unhashable type"),
    (lambda k, ks: bool(k), TypeError, r"^key array cannot be converted to boolean\.$"),
    (lambda k, ks: float(k), TypeError, "float"),
    (lambda k, ks: ks.reshape(4), TypeError,
     r"^cannot reshape array of shape \(6,\) \(size 6\) into shape 4 \(size 4\)$"),
    (lambda k, ks: random.split(ks), ValueError,
     r"^split accepts a single key, but was given a key array of shape \(6,\) != \(\)\. "
     r"Use vmapx\.vmap for batching\.$"),
    (lambda k, ks: random.normal(ks), ValueError,
     r"^normal accepts a single key, but was given a key array of shape \(6,\) != \(\)"),
    (lambda k, ks: random.fold_in(ks, 1), ValueError, r"key array of shape \(6,\) != \(\)"),
    (lambda k, ks: random.wrap_key_data(k), TypeError,
     "expected key_data.dtype = uint32; got dtype=key<fry>"),
    (lambda k, ks: random.wrap_key_data(np.zeros(3, np.uint32)), TypeError,
     r"expected key_data.shape to end with \(2,\); got shape=\(3,\)"),
    (lambda k, ks: np.dtype(k.dtype), TypeError, "key<fry>"),
    (lambda k, ks: jnp.stack([k, random.PRNGKey(0)]), ValueError,
     "dtype=key<fry> is not a valid dtype"),
    (lambda k, ks: jnp.where(True, k, 1), ValueError, "dtype=key<fry> is not a valid dtype"),
    (lambda k, ks: jnp.asarray(ks, dtype=np.uint32), ValueError,
     "Cannot convert_element_type from key<fry> to uint32"),
    (lambda k, ks: vmapx.vmap(lambda kk: kk + 1)(ks), TypeError,
     r"^add does not accept dtypes key<fry>, int64\.$"),
    (lambda k, ks: vmapx.jit(lambda kk: kk + 1)(k), TypeError,
     r"^add does not accept dtypes key<fry>, int64\.$"),
])
def test_errors_are_jaxs(call, exc, match):
    with pytest.raises(exc, match=match):
        call(random.key(0), random.split(random.key(0), 6))


def test_equality_is_elementwise_over_keys():
    ks = random.split(random.key(0), 6)
    _eq(ks == ks, np.ones(6, bool))
    _eq(ks != ks, np.zeros(6, bool))
    _eq(ks == ks[2], np.arange(6) == 2)
    assert bool(random.key(3) == random.key(3)) and not bool(random.key(3) != random.key(3))
    assert +ks is ks


# ------------------------------------------------------------ dtypes


def test_dtype_categories():
    k = random.key(0)
    assert dtypes.issubdtype(k.dtype, dtypes.prng_key)
    assert dtypes.issubdtype(k.dtype, dtypes.extended)
    assert jnp.issubdtype(k.dtype, dtypes.prng_key)
    assert not dtypes.issubdtype(k.dtype, np.integer)
    assert not jnp.issubdtype(k.dtype, np.integer)
    assert jnp.issubdtype(np.float32, np.floating)
    assert k.dtype.type is dtypes.prng_key
    assert dtypes.dtype(k) == k.dtype
    assert dtypes.canonicalize_dtype(k.dtype, allow_extended_dtype=True) == k.dtype
    with pytest.raises(ValueError, match="extended dtype"):
        dtypes.canonicalize_dtype(k.dtype)


# ------------------------------------------------------------ numpy functions


def test_numpy_functions_on_keys():
    k, ks = random.key(0), random.split(random.key(0), 6)
    _keys_equal(jnp.stack([k, k]), np.zeros((2, 2), np.uint32))
    _keys_equal(jnp.stack([ks, ks], axis=1), np.stack([SPLIT6, SPLIT6], axis=1))
    _keys_equal(jnp.stack([ks, ks], axis=-1), np.stack([SPLIT6, SPLIT6], axis=1))
    _keys_equal(jnp.concatenate([ks, ks]), np.concatenate([SPLIT6, SPLIT6]))
    _keys_equal(jnp.concatenate([ks, ks[:2]], axis=0), np.concatenate([SPLIT6, SPLIT6[:2]]))
    _keys_equal(jnp.concatenate([ks.reshape(2, 3)] * 2, axis=None),
                np.concatenate([SPLIT6, SPLIT6]))
    c = np.array([True, False, True, True, False, False])
    other = random.split(random.key(1), 6)
    _keys_equal(jnp.where(c, ks, other), np.where(c[:, None], SPLIT6, KD(other)))
    _keys_equal(jnp.where(True, k, k), np.zeros(2, np.uint32))
    _keys_equal(jnp.asarray(ks), SPLIT6)
    _keys_equal(jnp.array(ks), SPLIT6)
    assert jnp.asarray(ks) is ks and jnp.array(ks) is not ks
    _keys_equal(jnp.array([k, k]), np.zeros((2, 2), np.uint32))
    _keys_equal(jnp.asarray([[k], [k]]), np.zeros((2, 1, 2), np.uint32))
    _keys_equal(jnp.reshape(ks, (2, 3)), SPLIT6.reshape(2, 3, 2))
    _keys_equal(jnp.broadcast_to(k, (3,)), np.zeros((3, 2), np.uint32))
    _keys_equal(jnp.expand_dims(k, 0), np.zeros((1, 2), np.uint32))
    _keys_equal(jnp.expand_dims(ks, -1), SPLIT6[:, None])
    _keys_equal(jnp.squeeze(ks[None]), SPLIT6)
    _keys_equal(jnp.take(ks, np.array([0, 1])), SPLIT6[:2])
    _keys_equal(jnp.take(ks.reshape(2, 3), np.array([2]), axis=1),
                SPLIT6.reshape(2, 3, 2)[:, [2]])
    _keys_equal(jnp.take(ks.reshape(2, 3), 4), SPLIT6[4])
    _keys_equal(vmapx.jit(lambda i: jnp.take(ks, i))(np.array([5, 0])), SPLIT6[[5, 0]])
    _keys_equal(jnp.ravel(ks.reshape(3, 2)), SPLIT6)
    _keys_equal(jnp.transpose(ks.reshape(2, 3)), SPLIT6.reshape(2, 3, 2).transpose(1, 0, 2))
    assert jnp.shape(ks) == np.shape(ks) == (6,) and jnp.ndim(ks) == 1
    # plain calls are unchanged
    _eq(jnp.stack([np.ones(2), np.zeros(2)]), np.stack([np.ones(2), np.zeros(2)]))
    _eq(jnp.asarray([1, 2]), np.array([1, 2]))


# ------------------------------------------------------------ transforms


def test_vmap_over_keys_equals_the_loop_and_the_raw_path():
    ks = random.split(random.key(0), 6)
    f = lambda kk: random.normal(kk, (3,))  # noqa: E731
    got = vmapx.vmap(f)(ks)
    _eq(got, np.stack([f(kk) for kk in ks]))
    _eq(got, vmapx.vmap(f)(SPLIT6))
    _eq(vmapx.vmap(lambda kk: random.bits(kk, (2,)))(ks), BITS)
    _eq(vmapx.vmap(lambda kk: random.uniform(kk))(ks), UNIF)
    # keys in and out: split per key
    out = vmapx.vmap(random.split)(ks)
    assert out.shape == (6, 2)
    _keys_equal(out, np.stack([KD(random.split(kk)) for kk in ks]))
    out = vmapx.vmap(lambda kk: random.split(kk, 3), out_axes=1)(ks)
    assert out.shape == (3, 6)
    _keys_equal(out, np.stack([KD(random.split(kk, 3)) for kk in ks], axis=1))
    out = vmapx.vmap(lambda kk, d: random.fold_in(kk, d))(ks, np.arange(6))
    _keys_equal(out, np.stack([KD(random.fold_in(kk, d)) for kk, d in zip(ks, range(6))]))
    # keys made from batched seeds, and from a traced seed under jit
    out = vmapx.vmap(random.key)(np.arange(4))
    _keys_equal(out, np.stack([KD(random.key(s)) for s in range(4)]))
    _keys_equal(vmapx.jit(random.key)(3), np.array([0, 3], np.uint32))
    out = vmapx.vmap(lambda i, kk: random.fold_in(kk, i), in_axes=(0, None))(np.arange(3), ks[0])
    _keys_equal(out, np.stack([KD(random.fold_in(ks[0], i)) for i in range(3)]))


def test_vmap_axes_count_key_dimensions():
    ks = random.split(random.key(0), (3, 6))
    ident = lambda kk: kk  # noqa: E731
    assert vmapx.vmap(ident, in_axes=-1)(ks).shape == (6, 3)
    assert vmapx.vmap(ident, in_axes=1)(ks).shape == (6, 3)
    assert vmapx.vmap(ident, in_axes=-2)(ks).shape == (3, 6)
    assert vmapx.vmap(ident, out_axes=-1)(ks).shape == (6, 3)
    assert vmapx.vmap(ident, out_axes=1)(ks).shape == (6, 3)
    _keys_equal(vmapx.vmap(ident, in_axes=-1)(ks), KD(ks).transpose(1, 0, 2))
    _keys_equal(vmapx.vmap(ident, out_axes=-1)(ks), KD(ks).transpose(1, 0, 2))
    out = vmapx.vmap(lambda kk: (kk, 1.0), out_axes=(-1, 0))(ks)
    assert out[0].shape == (6, 3) and out[1].shape == (3,)
    out = vmapx.vmap(lambda kk: random.split(kk[1], 2), in_axes=-1, out_axes=-1)(
        random.split(random.key(0), (3, 4)))
    _keys_equal(out, VMAP_NEG)
    # pytrees of keys, keyword arguments, unmapped keys, nested vmaps
    out = vmapx.vmap(lambda d: d["k"], in_axes=({"k": -1},))({"k": ks})
    assert out.shape == (6, 3)
    out = vmapx.vmap(lambda x, k: x + random.normal(k), in_axes=(0, None))(
        np.zeros(3), random.key(0))
    _eq(out, np.full(3, random.normal(random.key(0))))
    out = vmapx.vmap(lambda *, k: random.uniform(k))(k=ks[0])
    _eq(out, np.stack([random.uniform(kk) for kk in ks[0]]))
    out = vmapx.vmap(vmapx.vmap(lambda kk: random.bits(kk)))(ks)
    _eq(out, np.stack([[random.bits(kk) for kk in row] for row in ks]))
    out = vmapx.vmap(vmapx.vmap(lambda kk: random.bits(kk)), in_axes=1)(ks)
    _eq(out, np.stack([[random.bits(kk) for kk in row] for row in ks.T]))


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(in_axes=1), ValueError,
     r"vmap was requested to map its argument along axis 1, which implies that its rank "
     r"should be at least 2, but is only 1 \(its shape is \(6,\)\)"),
    (dict(in_axes=-2), ValueError,
     r"along axis -2, which implies that its rank should be at least 2, but is only 1 "
     r"\(its shape is \(6,\)\)"),
    (dict(out_axes=2), ValueError, r"^axis 2 is out of bounds for array of dimension 1$"),
    (dict(out_axes=-3), ValueError, r"^axis -3 is out of bounds for array of dimension 1$"),
    (dict(out_axes=1), ValueError, r"^axis 1 is out of bounds for array of dimension 1$"),
    (dict(out_axes=-2), ValueError, r"^axis -2 is out of bounds for array of dimension 1$"),
])
def test_vmap_axis_errors_for_keys(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        vmapx.vmap(lambda kk: kk, **kwargs)(random.split(random.key(0), 6))


def test_vmap_of_a_scalar_key_is_jaxs_error():
    with pytest.raises(ValueError, match=r"rank should be at least 1, but is only 0 "
                                         r"\(its shape is \(\)\)"):
        vmapx.vmap(lambda kk: kk)(random.key(0))


def test_jit_passes_keys_in_and_out():
    k, ks = random.key(0), random.split(random.key(0), 6)
    _keys_equal(vmapx.jit(lambda kk: kk)(k), np.zeros(2, np.uint32))
    _keys_equal(vmapx.jit(lambda kk: random.split(kk, 6))(k), SPLIT6)
    _keys_equal(vmapx.jit(lambda kk, i: kk[i])(ks, 2), SPLIT6[2])
    _eq(vmapx.jit(lambda kk: kk.shape[0])(ks), 6)
    _eq(vmapx.jit(vmapx.vmap(lambda kk: random.bits(kk, (2,))))(ks), BITS)
    _eq(vmapx.jit(lambda kk: random.normal(kk, (4,)))(k), random.normal(k, (4,)))
    f = vmapx.jit(lambda kk: random.uniform(random.split(kk)[1]))
    _eq(f(k), random.uniform(random.split(random.PRNGKey(0))[1]))
    _eq(f(random.key(1)), random.uniform(random.split(random.PRNGKey(1))[1]))


def test_grad_with_a_key_argument():
    g = vmapx.grad(lambda x, kk: x * random.normal(kk))(1.0, random.key(0))
    _eq(g, random.normal(random.PRNGKey(0)))
    v, g = vmapx.value_and_grad(lambda x, kk: (x ** 2 * random.uniform(kk)).sum())(
        np.ones(3), random.key(2))
    _eq(g, 2 * random.uniform(random.PRNGKey(2)) * np.ones(3))
    per = vmapx.vmap(vmapx.grad(lambda x, kk: x * random.normal(kk)), in_axes=(None, 0))(
        1.0, random.split(random.key(0), 6))
    _eq(per, np.stack([random.normal(kk) for kk in random.split(random.key(0), 6)]))


def test_scan_cond_while_fori_carry_keys():
    k, ks = random.key(0), random.split(random.key(0), 6)
    c, ys = lax.scan(lambda c, x: (random.split(c)[0], random.bits(x)), k, ks)
    _keys_equal(c, SCAN_CARRY)
    _eq(ys, BITS[:, 0])
    c, ys = lax.scan(lambda c, x: (c, random.normal(x)), 0.0, ks)
    _eq(ys, np.stack([random.normal(kk) for kk in ks]))
    c, _ = lax.scan(lambda c, _: (random.split(c)[0], None), k, None, length=3)
    raw = random.PRNGKey(0)
    for _ in range(3):
        raw = random.split(raw)[0]
    _keys_equal(c, raw)
    _keys_equal(lax.cond(True, lambda a: a, lambda a: random.split(a)[0], k), KD(k))
    _keys_equal(lax.cond(False, lambda a: a, lambda a: random.split(a)[0], k),
                random.split(random.PRNGKey(0))[0])
    out = lax.while_loop(lambda c: c[1] < 3, lambda c: (random.split(c[0])[0], c[1] + 1),
                         (k, 0))
    _keys_equal(out[0], raw)
    out = lax.fori_loop(0, 3, lambda i, c: random.split(c)[0], k)
    _keys_equal(out, raw)
    out = lax.switch(1, [lambda a: a, lambda a: random.fold_in(a, 3)], random.key(7))
    _keys_equal(out, FOLD)
    # a batched cond on keys
    out = vmapx.vmap(lambda p, kk: lax.cond(p, lambda a: a, lambda a: random.split(a)[1], kk))(
        np.array([True, False] * 3), ks)
    _keys_equal(out, np.stack([KD(kk) if i % 2 == 0 else KD(random.split(kk)[1])
                               for i, kk in enumerate(ks)]))
    out = lax.map(lambda kk: random.bits(kk, (2,)), ks)
    _eq(out, BITS)


def test_eval_shape_and_shape_dtype_struct_of_keys():
    k = random.key(0)
    assert repr(vmapx.eval_shape(lambda kk: kk, k)) == \
        "ShapeDtypeStruct(shape=(), dtype=key<fry>)"
    assert repr(vmapx.eval_shape(lambda kk: random.split(kk), k)) == \
        "ShapeDtypeStruct(shape=(2,), dtype=key<fry>)"
    s = vmapx.ShapeDtypeStruct((3,), k.dtype)
    assert repr(s) == "ShapeDtypeStruct(shape=(3,), dtype=key<fry>)"
    assert vmapx.eval_shape(lambda kk: kk, s) == s
    out = vmapx.eval_shape(vmapx.vmap(lambda kk: random.normal(kk, (2,))), s)
    assert out.shape == (3, 2) and out.dtype == np.float64


def test_tree_utilities_see_the_key_data():
    k = random.key(0)
    leaves = vmapx.tree_util.tree_leaves({"k": k, "x": 1.0})
    _eq(leaves[0], np.zeros(2, np.uint32))
    same = vmapx.tree_util.tree_map(lambda x: x, {"k": k})
    _keys_equal(same["k"], np.zeros(2, np.uint32))
    batched = vmapx.tree_util.tree_map(lambda *xs: jnp.stack(xs), k, random.key(1))
    _keys_equal(batched, np.stack([KD(k), KD(random.key(1))]))
    _keys_equal(lax.stop_gradient(k), np.zeros(2, np.uint32))


def test_example_library_style_key_threading():
    from vmapx.example_libraries import stax
    init, apply = stax.serial(stax.Dense(4), stax.Relu, stax.Dense(2))
    _, p_typed = init(random.key(0), (-1, 3))
    _, p_raw = init(random.PRNGKey(0), (-1, 3))
    for a, b in zip(vmapx.tree_util.tree_leaves(p_typed), vmapx.tree_util.tree_leaves(p_raw)):
        _eq(a, b)
    x = random.normal(random.key(1), (5, 3))
    _eq(apply(p_typed, x), apply(p_raw, x))
    w = vmapx.nn.initializers.glorot_normal()(random.key(3), (3, 4))
    _eq(w, vmapx.nn.initializers.glorot_normal()(random.PRNGKey(3), (3, 4)))


def test_vmap_of_per_example_code_chunks_and_loops_keep_key_axes():
    import warnings
    ks = random.split(random.key(0), 6)

    def f(p, k):
        if p > 0:        # per-example Python value: the batch splits by it
            return random.normal(k), random.split(k)
        return 0.0, random.split(k)
    ps = np.array([1, -1, 1, 1, -1, 1])
    loop = [f(p, k) for p, k in zip(ps, ks)]
    out = vmapx.vmap(f, out_axes=(0, -1))(ps, ks)
    _eq(out[0], np.array([o[0] for o in loop], float))
    _keys_equal(out[1], np.stack([KD(o[1]) for o in loop], axis=1))
    for chunk in (4, "auto"):
        out = vmapx.vmap(random.split, chunk_size=chunk, out_axes=-1)(ks)
        _keys_equal(out, np.stack([KD(random.split(k)) for k in ks], axis=1))

    def g(k):            # a per-example size: runs as a loop over the examples
        n = int(random.randint(k, (), 1, 4))
        return random.split(k, 3)[:n].shape[0], random.split(k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = vmapx.vmap(g, out_axes=(0, -1))(ks)
    _eq(out[0], np.array([g(k)[0] for k in ks]))
    _keys_equal(out[1], np.stack([KD(g(k)[1]) for k in ks], axis=1))
