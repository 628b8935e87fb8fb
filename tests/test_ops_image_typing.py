"""``vmapx.ops`` (segment reductions), ``vmapx.image`` (resampling) and
``vmapx.typing`` (annotations).

References: NumPy loops over the rows / pixels (values), the loop over the
batch (``vmap(f)(xs)`` equals stacking ``f(x)``), central finite differences
(derivatives), and JAX 0.10.2 with x64 where it is installed.
"""
from __future__ import annotations

import typing

import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import image, ops
from vmapx.typing import ArrayLike, DTypeLike

RNG = np.random.default_rng(0)


def _check(got, want, rtol=1e-12, atol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.fixture
def jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


# =================================================================== vmapx.ops

SEGMENT_OPS = {"sum": ops.segment_sum, "prod": ops.segment_prod,
               "max": ops.segment_max, "min": ops.segment_min}


def _identity(op, dtype):
    if op == "sum":
        return 0
    if op == "prod":
        return 1
    if dtype == np.bool_:
        return op == "min"
    if dtype.kind in "iu":
        return np.iinfo(dtype).max if op == "min" else np.iinfo(dtype).min
    return np.inf if op == "min" else -np.inf


def _segment_loop(op, data, ids, num_segments, clip=False):
    """The reference: each row combined into its segment's running value."""
    data = np.asarray(data)
    combine = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}[op]
    out = np.full((num_segments,) + data.shape[1:], _identity(op, data.dtype), data.dtype)
    for row, i in zip(data, ids, strict=True):
        if clip:
            i = min(max(i, 0), num_segments - 1)
        if 0 <= i < num_segments:
            out[i] = combine(out[i], row)
    return out


IDS = np.array([0, 2, 2, -1, 5, 0, 3, 7, 2])  # a negative id and ids past 5 segments


@pytest.mark.parametrize("op", SEGMENT_OPS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.uint8])
def test_segment_reductions_equal_a_loop_over_rows_and_drop_out_of_range_ids(op, dtype):
    data = (RNG.normal(size=(IDS.size, 3)) * 3).astype(dtype)
    _check(SEGMENT_OPS[op](data, IDS, num_segments=5), _segment_loop(op, data, IDS, 5))


@pytest.mark.parametrize("op", ["max", "min"])
def test_segment_max_min_of_booleans_use_false_and_true_for_empty_segments(op):
    data = np.array([True, False, False, True])
    ids = np.array([0, 0, 1, 3])
    _check(SEGMENT_OPS[op](data, ids, 5), _segment_loop(op, data, ids, 5))


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_segment_reductions_clip_mode_clamps_out_of_range_ids(op):
    data = RNG.normal(size=IDS.size)
    _check(SEGMENT_OPS[op](data, IDS, 5, mode="clip"), _segment_loop(op, data, IDS, 5, clip=True))


@pytest.mark.parametrize("mode", [None, "drop", "fill", "promise_in_bounds",
                                  vmapx.lax.GatherScatterMode.FILL_OR_DROP])
def test_segment_sum_default_modes_drop_out_of_range_ids(mode):
    data = RNG.normal(size=IDS.size)
    _check(ops.segment_sum(data, IDS, 5, mode=mode), _segment_loop("sum", data, IDS, 5))


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_sorted_and_unique_hints_leave_segment_reductions_unchanged(op):
    ids = np.array([0, 1, 3, 4])
    data = RNG.normal(size=(4, 2))
    _check(SEGMENT_OPS[op](data, ids, 6, indices_are_sorted=True, unique_indices=True),
           _segment_loop(op, data, ids, 6))


def test_segment_sum_default_num_segments_is_the_largest_id_plus_one():
    data = np.arange(6.0)
    ids = np.array([3, 0, 1, 1, 3, 0])
    _check(ops.segment_sum(data, ids), _segment_loop("sum", data, ids, 4))


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_bucketed_segment_reductions_equal_unbucketed_ones(op):
    data = RNG.integers(-3, 4, size=(IDS.size, 2)).astype(np.int32)
    for bucket_size in (1, 2, 4, 100):
        _check(SEGMENT_OPS[op](data, IDS, 5, bucket_size=bucket_size),
               _segment_loop(op, data, IDS, 5))


def test_segment_sum_of_no_rows_is_the_identity_in_every_segment():
    _check(ops.segment_sum(np.ones((0, 2)), np.zeros(0, np.int64), 3), np.zeros((3, 2)))
    _check(ops.segment_max(np.ones((0,)), np.zeros(0, np.int64), 2), np.full(2, -np.inf))


def test_segment_reductions_return_arrays():
    assert type(ops.segment_sum(np.ones(2), np.array([0, 1]))) is vmapx.Array


@pytest.mark.parametrize("op", SEGMENT_OPS)
@pytest.mark.parametrize("in_axes", [(0, 0), (0, None), (None, 0), (1, 0)])
def test_vmapped_segment_reductions_equal_the_loop(op, in_axes):
    f = SEGMENT_OPS[op]
    data = RNG.normal(size=(4, 6, 2))
    ids = RNG.integers(-1, 5, size=(4, 6))
    d_rows = list(data) if in_axes[0] is not None else [data[0]] * 4
    i_rows = list(ids) if in_axes[1] is not None else [ids[0]] * 4
    d_arg = data[0] if in_axes[0] is None else np.moveaxis(data, 0, in_axes[0])
    i_arg = ids[0] if in_axes[1] is None else ids
    batched = vmapx.vmap(lambda d, i: f(d, i, 4), in_axes=in_axes)(d_arg, i_arg)
    want = np.stack([_segment_loop(op, d, i, 4) for d, i in zip(d_rows, i_rows, strict=True)])
    _check(batched, want)


def test_vmapped_segment_sum_with_data_unbatched_equals_the_loop():
    data = RNG.normal(size=6)
    ids = RNG.integers(0, 3, size=(3, 6))
    got = vmapx.vmap(lambda i: ops.segment_sum(data, i, 3))(ids)
    _check(got, np.stack([_segment_loop("sum", data, i, 3) for i in ids]))


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_jitted_segment_reductions_with_traced_ids_equal_eager_ones(op):
    f = SEGMENT_OPS[op]
    data = RNG.normal(size=(IDS.size, 2))
    jitted = vmapx.jit(f, static_argnums=2)
    _check(jitted(data, IDS, 5), f(data, IDS, 5))
    _check(vmapx.jit(lambda d, i: f(d, i, 5, mode="clip"))(data, IDS), f(data, IDS, 5, mode="clip"))


def test_traced_ids_without_num_segments_raise_jaxs_concretization_error():
    with pytest.raises(vmapx.errors.ConcretizationTypeError,
                       match="segment_sum\\(\\) `num_segments` argument"):
        vmapx.jit(ops.segment_sum)(np.ones(3), np.array([0, 1, 1]))
    with pytest.raises(vmapx.errors.ConcretizationTypeError, match="num_segments"):
        vmapx.jit(lambda d, i, n: ops.segment_max(d, i, n))(np.ones(3), np.array([0, 1, 1]), 2)
    with pytest.raises(vmapx.errors.ConcretizationTypeError, match="num_segments"):
        vmapx.vmap(ops.segment_sum)(np.ones((2, 3)), np.array([[0, 1, 1], [0, 0, 2]]))


def test_segment_reductions_raise_jaxs_errors():
    with pytest.raises(ValueError, match="^num_segments must be non-negative.$"):
        ops.segment_sum(np.ones(2), np.array([0, 1]), -1)
    with pytest.raises(TypeError, match="segment_sum requires ndarray or scalar arguments, got "
                                        "<class 'list'> at position 0."):
        ops.segment_sum([1.0, 2.0], np.array([0, 1]))
    with pytest.raises(TypeError, match="segment_min requires ndarray or scalar arguments, got "
                                        "<class 'list'> at position 1."):
        ops.segment_min(np.ones(2), [0, 1])
    with pytest.raises(TypeError, match="Indexer must have integer or boolean type, got indexer "
                                        "with type float64"):
        ops.segment_sum(np.ones(2), np.array([0.0, 1.0]), 2)
    with pytest.raises(ValueError, match='Unknown gather mode "bogus"'):
        ops.segment_sum(np.ones(2), np.array([0, 1]), 2, mode="bogus")
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        ops.segment_sum(np.ones(2), np.array([0, 1]), 2.0)
    with pytest.raises(TypeError, match="^add does not accept dtype bool at position 0"):
        ops.segment_sum(np.array([True, False]), np.array([0, 1]), 2)
    with pytest.raises(TypeError, match="^mul does not accept dtype bool at position 0"):
        ops.segment_prod(np.array([True, False]), np.array([0, 1]), 2)


def test_grad_of_segment_sum_gathers_the_cotangent_of_each_rows_segment():
    data = RNG.normal(size=IDS.size)
    weights = RNG.normal(size=5)
    g = vmapx.grad(lambda d: jnp.sum(weights * ops.segment_sum(d, IDS, 5)))(data)
    in_range = (IDS >= 0) & (IDS < 5)
    _check(g, np.where(in_range, weights[np.clip(IDS, 0, 4)], 0.0))


@pytest.mark.parametrize("op", ["sum", "max", "min", "prod"])
def test_grad_of_segment_reductions_matches_finite_differences(op):
    data = RNG.normal(size=(IDS.size, 2))  # distinct values: no ties
    weights = RNG.normal(size=(5, 2))

    def loss(d):
        out = SEGMENT_OPS[op](d, IDS, 5)
        return jnp.sum(jnp.where(jnp.isfinite(out), out, 0.0) * weights)

    g = np.asarray(vmapx.grad(loss)(data))
    eps = 1e-6
    fd = np.zeros_like(data)
    for idx in np.ndindex(data.shape):
        step = np.zeros_like(data)
        step[idx] = eps
        fd[idx] = (loss(data + step) - loss(data - step)) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_grad_of_segment_max_is_shared_among_tied_rows():
    data = np.array([1.0, 3.0, 3.0, 2.0, 2.0, 5.0])
    ids = np.array([0, 0, 0, 1, 1, 2])
    g = vmapx.grad(lambda d: jnp.sum(ops.segment_max(d, ids, 3)))(data)
    _check(g, np.array([0.0, 0.5, 0.5, 0.5, 0.5, 1.0]))


def test_per_example_gradients_of_segment_sum_equal_the_loop():
    data = RNG.normal(size=(3, 6))
    ids = np.array([0, 1, 1, 2, 2, 2])

    def loss(d):
        return jnp.sum(ops.segment_sum(d, ids, 3) ** 2)

    got = vmapx.vmap(vmapx.grad(loss))(data)
    _check(got, np.stack([np.asarray(vmapx.grad(loss)(d)) for d in data]))


@pytest.mark.parametrize("op", SEGMENT_OPS)
@pytest.mark.parametrize("kwargs", [{}, {"mode": "clip"}, {"bucket_size": 3}])
def test_segment_reductions_match_jax(jax, op, kwargs):
    data = RNG.normal(size=(IDS.size, 2))
    want = getattr(jax.ops, f"segment_{op}")(data, IDS, 5, **kwargs)
    _check(SEGMENT_OPS[op](data, IDS, 5, **kwargs), want, rtol=1e-14)
    small = np.arange(1, 7, dtype=np.int8)
    ids6 = np.array([0, 0, 1, -1, 3, 5])
    _check(SEGMENT_OPS[op](small, ids6, 5), getattr(jax.ops, f"segment_{op}")(small, ids6, 5))


@pytest.mark.parametrize("op", ["sum", "max", "min"])
def test_grad_of_segment_reductions_matches_jax_ties_included(jax, op):
    data = np.array([1.0, 3.0, 3.0, 2.0, 2.0, 5.0, 1.0])
    ids = np.array([0, 0, 0, 1, 1, 2, 7])

    def loss(module):
        f = getattr(module.ops, f"segment_{op}")
        return lambda d: (f(d, ids, 4)[:3] * np.array([1.0, 2.0, 3.0])).sum()

    _check(vmapx.grad(loss(vmapx))(data), jax.grad(loss(jax))(data))


# ================================================================= vmapx.image

METHODS = ["nearest", "linear", "cubic", "cubic-pytorch", "lanczos3", "lanczos5", "area"]
SHAPES = [(9, 4, 3), (2, 13, 3), (10, 14, 3), (1, 1, 3), (3, 7, 2), (0, 7, 3)]


def _nearest_loop(img, shape):
    """Each output pixel takes the input pixel holding its centre (float32 offsets)."""
    out = img
    for d, n in enumerate(shape):
        m = out.shape[d]
        if m == n:
            continue
        src = [int(np.floor((np.float32(i) + np.float32(0.5)) * np.float32(m) / np.float32(n)))
               for i in range(n)]
        out = np.stack([np.take(out, s, axis=d) for s in src], axis=d) if n else \
            np.take(out, np.zeros(0, np.int64), axis=d)
    return out


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_nearest_resize_takes_the_pixel_holding_each_output_centre(shape, dtype):
    img = RNG.integers(0, 100, size=(5, 7, 3)).astype(dtype)
    _check(image.resize(img, shape, "nearest"), _nearest_loop(img, shape))


def _linear_loop(x, n):
    """1-D linear upsampling by hand: sample at (i + 0.5) * m / n - 0.5, edges clamped."""
    m = x.size
    out = np.empty(n)
    for i in range(n):
        s = min(max((i + 0.5) * m / n - 0.5, 0.0), m - 1.0)
        lo = int(np.floor(s))
        hi = min(lo + 1, m - 1)
        out[i] = x[lo] * (1 - (s - lo)) + x[hi] * (s - lo)
    return out


def test_linear_upsampling_interpolates_between_neighbouring_pixels():
    x = RNG.normal(size=5)
    for n in (5, 8, 10, 17):
        _check(image.resize(x, (n,), "linear"), _linear_loop(x, n))


@pytest.mark.parametrize("method", METHODS)
def test_resize_to_the_same_shape_is_the_identity(method):
    img = RNG.normal(size=(4, 5))
    _check(image.resize(img, img.shape, method), img)


def test_downsampling_by_an_integer_factor_with_antialias_averages_boxes_for_area():
    img = RNG.normal(size=(6, 8))
    want = img.reshape(3, 2, 4, 2).mean(axis=(1, 3))
    _check(image.resize(img, (3, 4), "area"), want, rtol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_vmapped_resize_equals_the_loop(method):
    imgs = RNG.normal(size=(3, 5, 6))
    got = vmapx.vmap(lambda im: image.resize(im, (8, 4), method))(imgs)
    _check(got, np.stack([np.asarray(image.resize(im, (8, 4), method)) for im in imgs]))


@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3"])
def test_jitted_resize_equals_eager(method):
    img = RNG.normal(size=(5, 6))
    jitted = vmapx.jit(image.resize, static_argnums=(1, 2))
    _check(jitted(img, (7, 3), method), image.resize(img, (7, 3), method))


@pytest.mark.parametrize("dtype,want", [(np.float32, np.float32), (np.float16, np.float16),
                                        (np.int32, np.float32), (np.uint8, np.float32),
                                        (np.bool_, np.float32), (np.int64, np.float64)])
def test_resize_returns_jaxs_floating_dtype_and_nearest_keeps_the_dtype(dtype, want):
    img = np.ones((4, 4), dtype)
    assert image.resize(img, (2, 6), "linear").dtype == want
    assert image.resize(img, (2, 6), "nearest").dtype == dtype


def _finite_difference_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = eps
        g[idx] = (f(x + step) - f(x - step)) / (2 * eps)
    return g


@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "area"])
def test_grad_of_resize_matches_finite_differences(method):
    img = RNG.normal(size=(4, 5))
    weights = RNG.normal(size=(6, 3))

    def loss(x):
        return jnp.sum(image.resize(x, (6, 3), method) * weights)

    np.testing.assert_allclose(vmapx.grad(loss)(img), _finite_difference_grad(loss, img),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method", ["cubic", "lanczos3", "lanczos5"])
def test_grad_of_scale_and_translate_in_scale_and_translation_matches_finite_differences(
        method):
    img = RNG.normal(size=(5, 6))
    weights = RNG.normal(size=(7, 4))

    def loss(params):
        out = image.scale_and_translate(img, (7, 4), (0, 1), params[:2], params[2:], method)
        return jnp.sum(out * weights)

    params = np.array([1.37, 0.61, 0.23, -0.41])
    np.testing.assert_allclose(vmapx.grad(loss)(params), _finite_difference_grad(loss, params),
                               rtol=1e-5, atol=1e-7)


def test_vmapped_scale_and_translate_over_translations_equals_the_loop():
    img = RNG.normal(size=(5, 6))
    shifts = RNG.normal(size=(4, 2))

    def warp(t):
        return image.scale_and_translate(img, (5, 6), (0, 1), np.array([1.0, 1.0]), t, "cubic")

    _check(vmapx.vmap(warp)(shifts), np.stack([np.asarray(warp(t)) for t in shifts]))


def test_scale_and_translate_by_a_whole_pixel_shifts_and_zeroes_what_falls_outside():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    got = image.scale_and_translate(x, (4,), (0,), np.array([1.0]), np.array([1.0]), "linear")
    _check(got, np.array([0.0, 1.0, 2.0, 3.0]))


def test_resize_method_names_and_aliases():
    R = image.ResizeMethod
    for names, method in [(("nearest",), R.NEAREST),
                          (("linear", "bilinear", "trilinear", "triangle"), R.LINEAR),
                          (("cubic", "bicubic", "tricubic"), R.CUBIC),
                          (("cubic-pytorch", "bicubic-pytorch"), R.CUBIC_PYTORCH),
                          (("lanczos3",), R.LANCZOS3), (("lanczos5",), R.LANCZOS5),
                          (("area",), R.AREA)]:
        for name in names:
            assert R.from_string(name) is method
    img = RNG.normal(size=(3, 4))
    _check(image.resize(img, (5, 2), R.LANCZOS3), image.resize(img, (5, 2), "lanczos3"))


def test_resize_errors_use_jaxs_wording():
    img = np.ones((3, 4))
    with pytest.raises(ValueError, match='^Unknown resize method "spline"$'):
        image.resize(img, (2, 2), "spline")
    with pytest.raises(ValueError, match="shape must have length equal to the number of "
                                         "dimensions of x"):
        image.resize(img, (2, 2, 1), "linear")
    with pytest.raises(ValueError, match="Nearest neighbor resampling is not currently "
                                         "supported for scale_and_translate."):
        image.scale_and_translate(img, (2, 2), (0, 1), np.ones(2), np.zeros(2), "nearest")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_matches_jax(jax, method, antialias):
    img = RNG.normal(size=(5, 7, 3))  # upsampled along one axis, downsampled along another
    _check(image.resize(img, (9, 4, 3), method, antialias=antialias),
           jax.image.resize(img, (9, 4, 3), method, antialias=antialias))


@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int64])
def test_resize_of_other_dtypes_matches_jax(jax, dtype):
    img = (RNG.normal(size=(5, 7)) * 40 + 100).astype(dtype)
    for method in ("nearest", "lanczos3"):
        want = np.asarray(jax.image.resize(img, (3, 10), method))
        tol = 1e-12 if want.dtype == np.float64 else 2e-5
        _check(image.resize(img, (3, 10), method), want, rtol=tol, atol=tol * 100)


@pytest.mark.parametrize("method", METHODS[1:])
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate_matches_jax(jax, method, antialias):
    img = RNG.normal(size=(6, 5))
    scale, shift = np.array([0.4, 1.5]), np.array([1.0, 0.2])
    want = jax.jit(jax.image.scale_and_translate, static_argnums=(1, 2, 5, 6))(
        img, (7, 9), (0, 1), scale, shift, method, antialias)
    _check(image.scale_and_translate(img, (7, 9), (0, 1), scale, shift, method, antialias),
           want)


def test_grad_of_scale_and_translate_matches_jax(jax):
    img = RNG.normal(size=(5, 6))

    def loss(module):
        return lambda p: (module.image.scale_and_translate(
            img, (7, 4), (0, 1), p[:2], p[2:], "lanczos3") ** 2).sum()

    params = np.array([1.37, 0.61, 0.23, -0.41])
    _check(vmapx.grad(loss(vmapx))(params), jax.jit(jax.grad(loss(jax)))(params), rtol=1e-10)


# ================================================================ vmapx.typing

ARRAY_LIKE = [np.ones(2), vmapx.numpy.ones(2), np.float32(1.0), np.int8(3), np.bool_(True),
              1, 2.5, 1j, True]
NOT_ARRAY_LIKE = [[1.0, 2.0], (1,), "abc", None, {"a": 1}]


@pytest.mark.parametrize("value", ARRAY_LIKE, ids=lambda v: type(v).__name__)
def test_arrays_and_scalars_are_array_like(value):
    assert isinstance(value, ArrayLike)


@pytest.mark.parametrize("value", NOT_ARRAY_LIKE, ids=lambda v: type(v).__name__)
def test_sequences_strings_and_none_are_not_array_like(value):
    assert not isinstance(value, ArrayLike)


def test_traced_values_are_arrays_but_not_array_like_as_in_jax():
    seen = []

    def f(x):
        seen.append((isinstance(x, vmapx.Array), isinstance(x, ArrayLike)))
        return x

    vmapx.vmap(f)(np.ones(3))
    vmapx.jit(f)(np.ones(3))
    assert seen == [(True, False), (True, False)]


def test_dtype_like_is_a_union_of_names_types_dtypes_and_objects_with_a_dtype():
    members = typing.get_args(DTypeLike)
    assert str in members and np.dtype in members and type[typing.Any] in members
    supports = vmapx.typing.SupportsDType
    assert supports in members
    for value in (np.ones(2, np.float32), vmapx.numpy.zeros(2), np.float32(1.0)):
        assert isinstance(value, supports)
    for value in (3, "float32", None):
        assert not isinstance(value, supports)
    assert isinstance("float32", DTypeLike)


def test_typing_aliases_resolve_in_annotations():
    def center(x: ArrayLike, dtype: DTypeLike = None) -> vmapx.Array:
        return jnp.asarray(x, dtype) - jnp.mean(jnp.asarray(x, dtype))

    hints = typing.get_type_hints(center)
    assert hints["x"] is ArrayLike and hints["return"] is vmapx.Array
    assert typing.get_origin(ArrayLike) is typing.Union
    _check(center(np.array([1.0, 3.0])), np.array([-1.0, 1.0]))


def test_typing_aliases_accept_what_jaxs_accept(jax):
    import jax.typing as jt
    for value in ARRAY_LIKE[:1] + ARRAY_LIKE[2:] + NOT_ARRAY_LIKE:
        assert isinstance(value, ArrayLike) == isinstance(value, jt.ArrayLike), value
    assert isinstance("float32", DTypeLike) and isinstance("float32", jt.DTypeLike)
    for value in (float, np.dtype("int8"), 3):  # type[Any] in the union: isinstance refuses
        with pytest.raises(TypeError, match="parameterized generic"):
            isinstance(value, jt.DTypeLike)
        with pytest.raises(TypeError, match="parameterized generic"):
            isinstance(value, DTypeLike)
    assert sorted(n for n in dir(jt) if not n.startswith("_")) == sorted(vmapx.typing.__all__)
