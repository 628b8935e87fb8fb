"""The breadth of ``vmapx.numpy``: coverage of the functions NumPy and
``jax.numpy`` share, every composed function checked against NumPy on concrete
input (shape, dtype, values) and against the loop under ``vmap`` (batch axis
first, last, negative; batch sizes 0, 1, 3; vmap of vmap), and the
ConcretizationTypeError of every function whose result shape would depend on
traced values.
"""
from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from numpy_oracle import Case, assert_same, check_numpy, check_vmap, check_vmap_of_vmap

DATA = os.path.join(os.path.dirname(__file__), "data", "numpy_jax_common_names.txt")


# ------------------------------------------------------------------- coverage


def test_covers_at_least_90_percent_of_the_numpy_and_jax_numpy_common_names():
    with open(DATA) as f:
        names = [line.strip() for line in f if line.strip()]
    assert len(names) > 300 and names == sorted(names)
    missing = [n for n in names if not hasattr(jnp, n)]
    covered = 1 - len(missing) / len(names)
    assert covered >= 0.9, f"{covered:.1%} covered; missing: {missing}"


def test_every_covered_name_is_callable():
    with open(DATA) as f:
        names = [line.strip() for line in f if line.strip()]
    assert all(callable(getattr(jnp, n)) for n in names if hasattr(jnp, n))


# ------------------------------------------------------------- argument makers


def fl(*shape, dt=np.float64, lo=-2.0, hi=2.0):
    return lambda rng: rng.uniform(lo, hi, shape).astype(dt)


def it(*shape, dt=np.int64, lo=0, hi=5):
    return lambda rng: rng.integers(lo, hi, shape).astype(dt)


def withnan(*shape, dt=np.float64):
    def make(rng):
        x = rng.uniform(-2, 2, shape)
        x[rng.uniform(size=shape) < 0.3] = np.nan
        return x.astype(dt)
    return make


def srt(*shape, dt=np.float64):
    return lambda rng: np.sort(rng.integers(-4, 5, shape), axis=-1).astype(dt)


class fixed:
    """A callable argument (a function passed through, not an argument maker)."""
    def __init__(self, value):
        self.value = value


def args(*makers):
    return lambda rng: tuple(m.value if isinstance(m, fixed) else m(rng) if callable(m) else m
                             for m in makers)


_serial = itertools.count()


def C(name, *makers, label="", **kw):
    """A case; keyword arguments given as makers are drawn once (never mapped)."""
    opts = {k: kw.pop(k) for k in ("unmapped", "numpy", "tol") if k in kw}
    kw = {k: v.value if isinstance(v, fixed) else v(np.random.default_rng(123))
          if callable(v) else v for k, v in kw.items()}
    return Case(name, args(*makers), kw, label=label or f"{name}-{next(_serial)}", **opts)


CASES: list = []
add = CASES.append

# whole-array predicates and elementwise extras
for c in [C("allclose", fl(3), fl(3)), C("array_equal", it(4), it(4)),
          C("array_equiv", it(3), it(2, 3)), C("count_nonzero", it(3, 4)),
          C("count_nonzero", it(3, 4), axis=1, keepdims=True), C("isreal", fl(3)),
          C("iscomplex", lambda r: r.normal(size=3) + 1j * (r.uniform(size=3) > 0.5)),
          C("isneginf", lambda r: np.where(r.uniform(size=4) > 0.5, -np.inf, r.normal(size=4))),
          C("isposinf", lambda r: np.where(r.uniform(size=4) > 0.5, np.inf, r.normal(size=4))),
          C("divmod", fl(4), 0.7), C("divmod", it(4, lo=-9, hi=9), 4),
          C("frexp", fl(2, 3, dt=np.float32, lo=-50, hi=50)), C("modf", fl(5, lo=-9, hi=9)),
          C("modf", it(3)), C("bitwise_count", it(4, lo=-300, hi=300)),
          C("i0", fl(5, lo=-12, hi=12)), C("i0", fl(3, dt=np.float32))]:
    add(c)

# differences, integrals, convolution, interpolation
for c in [C("diff", fl(3, 5)), C("diff", it(3, 5), n=2, axis=0),
          C("diff", fl(4), prepend=0.0, append=fl(2)(np.random.default_rng(9))),
          C("diff", lambda r: r.uniform(size=5) > 0.5), C("ediff1d", fl(2, 3)),
          C("ediff1d", it(5), to_begin=-1, to_end=[7, 8]),
          C("gradient", fl(5)), C("gradient", fl(3, 4, dt=np.float32), 0.5, edge_order=2),
          C("gradient", fl(6), lambda r: np.cumsum(r.uniform(0.5, 1.5, 6)), unmapped=(1,)),
          C("gradient", fl(6), lambda r: np.cumsum(r.uniform(0.5, 1.5, 6)), edge_order=2),
          C("gradient", it(3, 4), axis=1),
          C("trapezoid", fl(2, 5)), C("trapezoid", fl(5), lambda r: np.cumsum(r.uniform(size=5))),
          C("trapezoid", fl(4), dx=0.5),
          C("convolve", fl(5), fl(3)), C("convolve", fl(3), fl(5), "same"),
          C("convolve", it(6), it(2), "valid", numpy=False),   # JAX: float64 (test_jax_dtypes)
          C("correlate", fl(5), lambda r: r.normal(size=3) + 1j * r.normal(size=3), "full"),
          C("correlate", fl(4), fl(4)), C("correlate", fl(2), fl(5), "same"),
          C("interp", fl(7, lo=-1, hi=5), np.array([0.0, 1.0, 2.0, 4.0]), fl(4), unmapped=(1,)),
          C("interp", fl(7, lo=-1, hi=5), srt(4), fl(4)),
          C("interp", fl(7, lo=-1, hi=5), np.array([0.0, 1.0, 3.0]), fl(3), left=-9.0,
            right=9.0, unmapped=(1,)),
          C("interp", fl(5, lo=-4, hi=4), np.array([0.0, 1.0, 2.0]),
            lambda r: r.normal(size=3) + 1j, period=3.0, unmapped=(1,)),
          C("unwrap", fl(6, lo=-7, hi=7)), C("unwrap", fl(2, 5, lo=-5, hi=5), axis=0)]:
    add(c)

# triangles, diagonals, grids, index arithmetic
for c in [C("tril", fl(3, 4)), C("triu", fl(2, 3, 3), k=1), C("tril", it(4), k=-1),
          C("diag", fl(3)), C("diag", fl(3), k=-2), C("diag", fl(3, 4), k=1),
          C("diagflat", fl(2, 2), k=1),
          C("fill_diagonal", fl(3, 3), fl(3), inplace=False, numpy=False),
          C("fill_diagonal", fl(5, 3), 7.0, wrap=True, inplace=False, numpy=False),
          C("vander", fl(4)), C("vander", it(3), N=5, increasing=True),
          C("vander", fl(3, dt=np.float32), 2),
          C("meshgrid", fl(2), fl(3)), C("meshgrid", fl(2), fl(3), fl(4), indexing="ij"),
          C("meshgrid", fl(2), fl(3), sparse=True),
          C("ix_", it(2), it(3)), C("unravel_index", it(5, hi=12), (3, 4)),
          C("unravel_index", it(5, hi=12), (3, 4), order="F"),
          C("ravel_multi_index", lambda r: (r.integers(0, 3, 4), r.integers(0, 4, 4)), (3, 4),
            numpy=False, label="ravel_multi_index-tuple"),
          C("ravel_multi_index", lambda r: (r.integers(-5, 9, 4), r.integers(0, 9, 4)), (3, 4),
            mode="wrap", numpy=False, label="ravel_multi_index-wrap"),
          C("rot90", fl(2, 3)), C("rot90", fl(2, 3, 4), k=3, axes=(2, 0)), C("rot90", it(2, 2), 2)]:
    add(c)

# rearranging, inserting, deleting
for c in [C("append", fl(2, 3), fl(1, 3), axis=0), C("append", it(3), fl(2)),
          C("insert", fl(5), 2, fl(3)), C("insert", fl(2, 3), [0, 2, 2], 9.5, axis=1),
          C("insert", it(2, 3), 1, it(2), axis=1), C("insert", fl(4), slice(1, 3), -1.0),
          C("delete", fl(5), [0, 3]), C("delete", fl(3, 4), 1, axis=1),
          C("delete", it(5), np.array([True, False, True, False, False]), unmapped=(1,)),
          C("block", lambda r: [[r.normal(size=(2, 2)), r.normal(size=(2, 1))],
                                [r.normal(size=(1, 3))]], numpy=False, label="block-nested"),
          C("resize", fl(3), (2, 4)), C("resize", it(2, 2), 7), C("unstack", fl(3, 2)),
          C("unstack", fl(2, 3), axis=1)]:
    add(c)

# selection and functional updates
for c in [C("select", lambda r: r.uniform(size=(2, 4)) > 0.5, fl(2, 4)),
          C("select", [np.array([True, False, False]), np.array([True, True, False])],
            fl(2, 3), fl(3), label="select-traced-default"),
          C("choose", it(5, hi=3), lambda r: [r.normal(size=5), r.normal(size=5),
                                              r.normal(size=5)], numpy=False, label="choose"),
          C("choose", it(4, lo=-2, hi=5), lambda r: [r.normal(size=4), r.normal(size=4)],
            mode="wrap", numpy=False, label="choose-wrap"),
          C("compress", np.array([True, False, True]), fl(3, 2), axis=0, unmapped=(0,)),
          C("extract", np.array([1, 0, 1, 1]), fl(4), unmapped=(0,)),
          C("place", fl(5), lambda r: r.uniform(size=5) > 0.4, fl(2), inplace=False,
            numpy=False),
          C("put", fl(5), it(2, hi=5), fl(2), inplace=False, numpy=False),
          C("put", fl(4), it(3, lo=-6, hi=9), 1.0, mode="wrap", inplace=False, numpy=False),
          C("put_along_axis", fl(2, 3), it(2, 1, hi=3), fl(2, 1), 1, inplace=False,
            numpy=False),
          C("apply_along_axis", fixed(lambda v: v.max() - v), 1, fl(2, 3), unmapped=(1,),
            label="apply_along_axis"),
          C("apply_along_axis", fixed(lambda v: jnp.outer(v, v)), 0, fl(3, 2), unmapped=(1,),
            numpy=False, label="apply_along_axis-outer"),
          C("apply_over_axes", fixed(jnp.sum), fl(2, 3, 4), [0, 2], numpy=False),
          C("matvec", fl(2, 3), fl(3)), C("vecmat", lambda r: r.normal(size=2) + 1j, fl(2, 3)),
          C("packbits", it(2, 11, hi=2)), C("packbits", it(3, 5, hi=2), axis=1, bitorder="little"),
          C("unpackbits", it(2, 2, dt=np.uint8, hi=256)),
          C("unpackbits", it(2, 2, dt=np.uint8, hi=256), axis=1, count=-3),
          C("kaiser", 5, fl(dt=np.float64, lo=0.5, hi=8)), C("hanning", 4, numpy=True)]:
    add(c)

# statistics
for f in ("nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd",
          "nancumsum", "nancumprod", "nanmedian"):
    add(C(f, withnan(3, 4)))
    add(C(f, withnan(3, 4, dt=np.float32), axis=1))
add(C("nanvar", withnan(3, 5), axis=0, ddof=1, keepdims=True))
add(C("nanargmax", lambda r: np.where(np.eye(3, 4) > 0, np.nan, r.normal(size=(3, 4))), axis=1))
add(C("nanargmin", withnan(4, 3), axis=0, numpy=False))
for c in [C("ptp", fl(3, 4), axis=1), C("ptp", it(5)),
          C("average", fl(3, 4)), C("average", fl(3, 4), axis=1, weights=fl(4, lo=0.5, hi=1)),
          C("average", it(3, 4), axis=0, weights=it(3, lo=1, hi=4), returned=True),
          C("average", fl(2, 3), axis=(0, 1), keepdims=True),
          C("median", fl(5)), C("median", fl(4, 3), axis=0), C("median", withnan(3, 4), axis=1),
          C("median", it(3, 4), axis=(0, 1), keepdims=True),
          C("quantile", fl(7), 0.3), C("quantile", fl(3, 5, dt=np.float32), [0.1, 0.9], axis=1),
          C("quantile", withnan(3, 4), 0.5, axis=0),
          C("quantile", fl(3, 4), fl(2, lo=0, hi=1), axis=1, label="quantile-traced-q"),
          C("percentile", fl(6), [25, 75], method="nearest"),
          C("percentile", it(5), 40, method="midpoint"),
          C("percentile", fl(2, 6), 33.0, axis=1, method="hazen", keepdims=True),
          C("nanquantile", withnan(3, 5), [0.2, 0.8], axis=1),
          C("nanquantile", withnan(4, 3, dt=np.float32), 0.5, axis=0, method="weibull"),
          C("nanpercentile", withnan(6), 90.0, method="higher"),
          C("cov", fl(3, 5)), C("cov", fl(5, 2), rowvar=False, bias=True),
          C("cov", fl(2, 6), fl(6), fweights=it(6, lo=1, hi=4), unmapped=(2,)),
          C("cov", fl(2, 6), aweights=fl(6, lo=0.1, hi=1), ddof=0),
          C("corrcoef", fl(3, 6)), C("corrcoef", fl(5), fl(5)),
          # int32 indices, as JAX's (test_jax_dtypes); NumPy's values
          C("searchsorted", np.array([-1.0, 0.0, 0.0, 1.5]), fl(3, 2), unmapped=(0,),
            numpy=False),
          C("searchsorted", srt(6), fl(4, lo=-5, hi=5), side="right", numpy=False),
          C("searchsorted", srt(5, dt=np.int64), it(3, lo=-5, hi=5), label="searchsorted-int",
            numpy=False),
          C("digitize", fl(6), np.array([-1.0, 0.0, 1.0]), unmapped=(1,)),
          C("digitize", fl(6), np.array([1.0, 0.0, -1.0]), right=True, unmapped=(1,)),
          C("digitize", fl(6), srt(3), label="digitize-traced-bins"),
          C("bincount", it(8, hi=4), minlength=6, numpy=False, length=6),
          C("bincount", it(8, hi=5), fl(8), length=7, numpy=False),
          C("histogram_bin_edges", fl(9), bins=3)]:
    add(c)

# histograms: NumPy's values, JAX's dtypes (test_histogram_counts_... below)
HISTOGRAMS = [C("histogram", fl(20), bins=4, numpy=False),
              C("histogram", fl(20, dt=np.float32), bins=5, range=(-1, 1),
                weights=fl(20, lo=0, hi=1), numpy=False),
              C("histogram", fl(15), bins=np.array([-2.0, -0.5, 0.0, 2.0]), density=True,
                numpy=False),
              C("histogram", it(12), bins=3, numpy=False),
              C("histogram2d", fl(10), fl(10), bins=(2, 3), numpy=False),
              C("histogramdd", fl(12, 3), bins=2, density=True, tol=1e-6, numpy=False),
              C("histogramdd", fl(12, 2), bins=[np.array([-2.0, 0.0, 2.0]), 3],
                weights=fl(12, lo=0, hi=1), numpy=False)]
for c in HISTOGRAMS:
    add(c)

# set operations and sorting helpers
for c in [C("unique", it(8, hi=4), size=5, numpy=False),
          C("unique", fl(6), size=6, return_index=True, return_inverse=True,
            return_counts=True, numpy=False),
          C("unique", it(3, 4, hi=3), size=4, axis=1, return_counts=True, numpy=False),
          C("unique", withnan(6), size=7, fill_value=-1.0, numpy=False),
          C("unique_values", it(6, hi=3), size=4, numpy=False),
          C("unique_counts", it(6, hi=3), size=4, numpy=False),
          C("unique_inverse", it(2, 3, hi=3), size=3, numpy=False),
          C("unique_all", it(6, hi=4), size=4, numpy=False),
          C("union1d", it(4, hi=6), it(3, hi=6), size=7, numpy=False),
          C("intersect1d", it(5, hi=6), it(4, hi=6), size=4, return_indices=True, numpy=False),
          C("setdiff1d", it(6, hi=6), it(2, hi=6), size=6, numpy=False),
          C("setdiff1d", np.array([5, 1, 3, 2]), it(2, hi=6), size=4, assume_unique=True,
            numpy=False),
          C("setxor1d", it(4, hi=6), it(4, hi=6), size=8, numpy=False),
          C("isin", it(3, 4, hi=8), it(5, hi=8)), C("isin", withnan(5), fl(3), invert=True),
          C("lexsort", lambda r: (r.integers(0, 3, 6), r.integers(0, 3, 6)), numpy=False,
            label="lexsort-tuple"),
          C("lexsort", it(2, 3, 4, hi=3), axis=0), C("lexsort", it(3, 5, hi=2)),
          C("partition", fl(6), 2, numpy=False), C("argpartition", fl(2, 5), 1, numpy=False),
          C("sort_complex", fl(5)), C("sort_complex", it(4, dt=np.int16)),
          C("argwhere", it(3, 3, hi=2), size=9, numpy=False),
          C("flatnonzero", it(6, hi=2), size=6, fill_value=-1, numpy=False)]:
    add(c)

# polynomials
for c in [C("polyval", fl(4), fl(5)), C("polyval", it(3), it(4)), C("polyval", fl(3), 0.5),
          C("polyadd", fl(3), fl(5)), C("polysub", it(4), fl(2)), C("polymul", fl(3), fl(2)),
          C("polyder", fl(5), 2), C("polyint", fl(3), 2, fl(2)), C("polyint", it(4)),
          C("polydiv", fl(5, lo=1, hi=2), fl(3, lo=1, hi=2), numpy=False),
          C("polyfit", np.linspace(0.0, 1.0, 8), fl(8), 2, unmapped=(0,)),
          C("polyfit", fl(8), fl(8, 2), 1, w=fl(8, lo=0.5, hi=1)),
          C("poly", fl(3)), C("poly", it(2)),
          C("roots", fl(4, lo=1, hi=2), strip_zeros=False, numpy=False)]:
    add(c)

BY_ID = {c.id: c for c in CASES}


@pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning")  # all-NaN slices
@pytest.mark.parametrize("cid", [c.id for c in CASES if c.numpy])
def test_matches_numpy_on_concrete_input(cid):
    check_numpy(BY_ID[cid], jnp)


@pytest.mark.parametrize("cid", list(BY_ID))
def test_vmap_matches_loop(cid):
    check_vmap(BY_ID[cid], jnp)


@pytest.mark.parametrize("cid", list(BY_ID)[::3])
def test_vmap_of_vmap_matches_double_loop(cid):
    check_vmap_of_vmap(BY_ID[cid], jnp)


# --------------------------------------------- results that differ from NumPy


@pytest.mark.parametrize("case", HISTOGRAMS, ids=lambda c: c.id)
def test_histogram_counts_have_numpys_values_and_jaxs_dtypes(case):
    """``vmapx.numpy.histogram*`` count in JAX's dtypes (x64): the floating dtype
    of the data and weights for ``histogram``, int64 (no weights) for
    ``histogramdd`` / ``histogram2d``; the values are NumPy's."""
    args = case.make(np.random.default_rng(0))
    got, want = case.fn(jnp)(*args), case.fn(np)(*args)
    data = np.result_type(*args[:1 if case.name != "histogram2d" else 2])
    weights = case.kw.get("weights")
    inexact = np.result_type(data, *([] if weights is None else [weights.dtype]))
    inexact = inexact if inexact.kind in "fc" else np.dtype(np.float64)
    if case.name == "histogram" or case.kw.get("density") or weights is not None:
        expected = inexact
    else:
        expected = np.dtype(np.int64)
    assert got[0].dtype == expected
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)


def test_numpys_own_histogram_on_traced_values_keeps_numpys_dtypes():
    """Per-example NumPy code: ``np.histogram`` of a traced value counts in
    int64 and ``np.histogramdd`` in float64, as the loop over NumPy does."""
    xs = np.random.default_rng(0).normal(size=(3, 10))
    for f in (lambda x: np.histogram(x, 3)[0], lambda x: np.histogram(x, 3, None, True)[0],
              lambda x: np.histogramdd(np.stack([x, x], 1), 3)[0],
              lambda x: np.histogram2d(x, x, bins=2, weights=x)[0]):
        got, want = vmapx.vmap(f)(xs), np.stack([f(x) for x in xs])
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want)


def test_sized_unique_pads_with_the_first_value_and_counts_zero():
    vals, idx, inv, cnt = jnp.unique(np.array([3, 1, 1, 5]), size=5, return_index=True,
                                     return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(vals, [1, 3, 5, 1, 1])   # as jax.numpy.unique
    np.testing.assert_array_equal(idx, [1, 0, 3, 1, 1])
    np.testing.assert_array_equal(inv, [1, 0, 0, 2])
    np.testing.assert_array_equal(cnt, [2, 1, 1, 0, 0])


def test_partition_is_a_valid_partition():
    x = np.random.default_rng(1).normal(size=9)
    for k in (0, 4, 8):
        p = jnp.partition(x, k)
        assert p[k] == np.sort(x)[k]
        assert np.all(p[:k] <= p[k]) and np.all(p[k + 1:] >= p[k])
        np.testing.assert_array_equal(np.sort(p), np.sort(x))
        np.testing.assert_array_equal(x[jnp.argpartition(x, k)], p)


def test_polydiv_keeps_leading_zeros_unless_trimmed():
    q, r = jnp.polydiv(np.array([1.0, 3.0, 3.0]), np.array([2.0, 1.0]))
    nq, nr = np.polydiv(np.array([1.0, 3.0, 3.0]), np.array([2.0, 1.0]))
    np.testing.assert_allclose(q, nq)
    np.testing.assert_allclose(r, [0.0, 0.0, 1.75])
    _, rt = jnp.polydiv(np.array([1.0, 3.0, 3.0]), np.array([2.0, 1.0]), trim_leading_zeros=True)
    np.testing.assert_allclose(rt, nr)


def test_roots_are_complex_and_strip_concrete_zeros():
    r = jnp.roots(np.array([0.0, 1.0, -3.0, 2.0, 0.0]))
    assert r.dtype == np.complex128
    np.testing.assert_allclose(np.sort_complex(r), np.sort_complex(np.roots([0, 1, -3, 2, 0])))


def test_in_place_functions_modify_concrete_arrays_as_numpy_does():
    a, b = np.zeros((3, 3)), np.zeros((3, 3))
    assert jnp.fill_diagonal(a, [1.0, 2.0]) is None
    np.fill_diagonal(b, [1.0, 2.0])
    np.testing.assert_array_equal(a, b)
    a, b = np.arange(5.0), np.arange(5.0)
    jnp.place(a, a > 2, [9.0])
    np.place(b, b > 2, [9.0])
    np.testing.assert_array_equal(a, b)


def test_in_place_functions_on_traced_arrays_ask_for_inplace_false():
    for f in (lambda x: jnp.fill_diagonal(x, 1.0), lambda x: jnp.put(x, [0], 1.0),
              lambda x: jnp.place(x, x > 0, [1.0]),
              lambda x: jnp.put_along_axis(x, np.zeros((3, 1), int), 1.0, 1)):
        with pytest.raises(TypeError, match="inplace=False"):
            vmapx.vmap(f)(np.ones((2, 3, 3)))


def test_nanargmax_of_an_all_nan_slice_raises_concrete_and_gives_minus_one_traced():
    x = np.array([[np.nan, np.nan], [1.0, np.nan]])
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        jnp.nanargmax(x, axis=1)
    np.testing.assert_array_equal(vmapx.vmap(jnp.nanargmax)(x), [-1, 0])


def test_traced_bincount_clips_negative_values_and_drops_large_ones():
    out = vmapx.vmap(lambda x: jnp.bincount(x, length=3))(np.array([[-1, 0, 5, 2]]))
    np.testing.assert_array_equal(out, [[2, 0, 1]])   # as jax.numpy.bincount
    with pytest.raises(ValueError, match="no negative elements"):
        jnp.bincount(np.array([-1, 0]))


# ----------------------------------------------------------- dtype semantics


@pytest.mark.parametrize("name,args", [
    ("median", (np.ones(4, np.float32),)), ("nanmean", (np.ones(4, np.float32),)),
    ("nanvar", (np.ones(4, np.float32),)), ("quantile", (np.ones(4, np.float32), 0.5)),
    ("average", (np.ones(4, np.float32),)), ("ptp", (np.ones(4, np.float32),)),
    ("trapezoid", (np.ones(4, np.float32),)), ("gradient", (np.ones(4, np.float32),)),
    ("diff", (np.ones(4, np.float32),)), ("i0", (np.ones(4, np.float32),)),
    ("interp", (np.ones(2, np.float32), [0.0, 1.0], [0.0, 1.0])),
    ("median", (np.arange(4),)),
    ("polyval", (np.ones(2, np.float32), np.ones(3, np.float32))),
])
def test_dtypes_follow_numpy(name, args):
    got, want = getattr(jnp, name)(*args), getattr(np, name)(*args)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    traced = vmapx.vmap(lambda a: getattr(jnp, name)(a, *args[1:]))(np.stack([args[0]] * 2))
    assert np.asarray(traced).dtype == np.asarray(want).dtype


# ------------------------------------------- data-dependent output shapes


_DATA_DEPENDENT = [
    lambda x: jnp.unique(x), lambda x: jnp.unique_values(x), lambda x: jnp.argwhere(x),
    lambda x: jnp.flatnonzero(x), lambda x: jnp.extract(x > 0, x),
    lambda x: jnp.compress(x > 0, x), lambda x: jnp.trim_zeros(x),
    lambda x: jnp.bincount(jnp.astype(x, int)), lambda x: jnp.union1d(x, x),
    lambda x: jnp.intersect1d(x, x), lambda x: jnp.setdiff1d(x, x),
    lambda x: jnp.setxor1d(x, x), lambda x: jnp.delete(x, jnp.astype(x[:1], int)),
    lambda x: jnp.insert(x, jnp.astype(x[0], int), 1.0), lambda x: jnp.ix_(x > 0),
    lambda x: jnp.roots(x), lambda x: jnp.polydiv(x, x, trim_leading_zeros=True),
    lambda x: jnp.histogram(x, bins="auto"), lambda x: jnp.tril_indices(jnp.astype(x[0], int)),
]
_DATA_DEPENDENT_IDS = [
    "unique", "unique_values", "argwhere", "flatnonzero", "extract", "compress", "trim_zeros",
    "bincount", "union1d", "intersect1d", "setdiff1d", "setxor1d", "delete", "insert", "ix_",
    "roots", "polydiv", "histogram-auto", "tril_indices"]


@pytest.mark.parametrize("fn", _DATA_DEPENDENT, ids=_DATA_DEPENDENT_IDS)
def test_data_dependent_shapes_raise_concretization_error_when_traced(fn):
    xs = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 1.0]])
    for mapped in (vmapx.vmap(fn, strict=True), vmapx.jit(vmapx.vmap(fn))):
        with pytest.raises(vmapx.ConcretizationTypeError) as info, np.errstate(all="ignore"):
            mapped(xs)
        assert "concrete" in str(info.value)


@pytest.mark.parametrize("fn", _DATA_DEPENDENT, ids=_DATA_DEPENDENT_IDS)
def test_data_dependent_shapes_in_eager_vmap_equal_the_loop(fn):
    # Rows with different values; where the loop's shapes agree, vmap gives the
    # loop's result, else it raises the ragged-output error the loop's stack would.
    xs = np.array([[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 1.0, 2.0]])
    with np.errstate(all="ignore"):
        want = [fn(x) for x in xs]
        flat = [vmapx.tree_util.tree_leaves(w) for w in want]
        shapes = {tuple(np.shape(leaf) for leaf in f) for f in flat}
        if len(shapes) > 1:
            with pytest.raises(ValueError, match="different shapes"):
                vmapx.vmap(fn)(xs)
            return
        got = vmapx.tree_util.tree_leaves(vmapx.vmap(fn)(xs))
    for j, g in enumerate(got):
        w = np.stack([np.asarray(f[j]) for f in flat])
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_sized_variants_work_where_the_unsized_ones_raise():
    xs = np.array([[0.0, 1.0, 1.0, 3.0], [2.0, 0.0, 2.0, 2.0]])
    np.testing.assert_array_equal(vmapx.vmap(lambda x: jnp.unique(x, size=3))(xs),
                                  [[0.0, 1.0, 3.0], [0.0, 2.0, 0.0]])
    np.testing.assert_array_equal(vmapx.vmap(lambda x: jnp.flatnonzero(x, size=3))(xs),
                                  [[1, 2, 3], [0, 2, 3]])
    np.testing.assert_array_equal(vmapx.vmap(lambda x: jnp.extract(x > 1, x, size=2))(xs),
                                  [[3.0, 0.0], [2.0, 2.0]])


def test_functions_compose_with_grad():
    x = np.array([0.3, -1.2, 2.5, 0.7])
    g = vmapx.grad(lambda v: jnp.sum(jnp.i0(v)) + jnp.trapezoid(v ** 2) + jnp.median(v))(x)
    eps = 1e-6
    fd = [(float(jnp.sum(jnp.i0(x + eps * e)) + jnp.trapezoid((x + eps * e) ** 2) +
                 jnp.median(x + eps * e)) -
           float(jnp.sum(jnp.i0(x - eps * e)) + jnp.trapezoid((x - eps * e) ** 2) +
                 jnp.median(x - eps * e))) / (2 * eps) for e in np.eye(4)]
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6)
    assert_same(vmapx.vmap(vmapx.grad(lambda v: jnp.nanmean(v ** 2)))(np.ones((2, 3))),
                np.full((2, 3), 2.0 / 3.0), "vmap(grad(nanmean))")
