"""Image resampling (``jax.image``): ``resize``, ``scale_and_translate`` and
``ResizeMethod``.

Every method except 'nearest' is separable: for each spatial axis a weight
matrix (input size x output size) is built from the method's kernel evaluated
at the distances between input pixel centres and the output samples mapped back
into the input (scaled when downsampling with ``antialias``, normalised to sum
to one, zero where a sample falls outside the input), and one ``einsum``
contracts the image with all of them.  The matrices are computed with
``vmapx.numpy``, so a traced ``scale`` / ``translation`` (``grad``, ``vmap``) works
as in JAX; no primitive is added.  'nearest' gathers rows at
``floor((i + 0.5) * in / out)``, computed in float32 as JAX does.

>>> resize(np.array([[0.0, 1.0], [2.0, 3.0]]), (2, 4), "linear")
array([[0.  , 0.25, 0.75, 1.  ],
       [2.  , 2.25, 2.75, 3.  ]])
"""
from __future__ import annotations

import enum
import operator

import numpy as np

from . import numpy_api as jnp
from .jnp.base import canonicalize_axis
from .lax_ops import Precision

__all__ = ["ResizeMethod", "resize", "scale_and_translate"]

# Normalised weights whose total is below this are zeroed (JAX's threshold).
_TINY_TOTAL = 1000.0 * float(np.finfo(np.float32).eps)


class ResizeMethod(enum.Enum):
    """The resampling methods of :func:`resize` and :func:`scale_and_translate`.

    ``NEAREST`` (nearest neighbour), ``LINEAR`` (triangle kernel), ``LANCZOS3``
    and ``LANCZOS5`` (Lanczos kernels of radius 3 and 5), ``CUBIC`` (Keys cubic,
    a = -0.5), ``CUBIC_PYTORCH`` (a = -0.75 with repeated edges when
    ``antialias=False``, else ``CUBIC``), ``AREA`` (the overlap of pixel areas).

    >>> ResizeMethod.from_string("bilinear")
    <ResizeMethod.LINEAR: 1>
    """
    NEAREST = 0
    LINEAR = 1
    LANCZOS3 = 2
    LANCZOS5 = 3
    CUBIC = 4
    CUBIC_PYTORCH = 5
    AREA = 6

    @staticmethod
    def from_string(s: str):
        """The method a name stands for (JAX's names and aliases).

        >>> ResizeMethod.from_string("tricubic")
        <ResizeMethod.CUBIC: 4>
        """
        if s in _NAMES:
            return _NAMES[s]
        raise ValueError(f'Unknown resize method "{s}"')


_NAMES = {
    "nearest": ResizeMethod.NEAREST,
    "linear": ResizeMethod.LINEAR, "bilinear": ResizeMethod.LINEAR,
    "trilinear": ResizeMethod.LINEAR, "triangle": ResizeMethod.LINEAR,
    "lanczos3": ResizeMethod.LANCZOS3, "lanczos5": ResizeMethod.LANCZOS5,
    "cubic": ResizeMethod.CUBIC, "bicubic": ResizeMethod.CUBIC, "tricubic": ResizeMethod.CUBIC,
    "cubic-pytorch": ResizeMethod.CUBIC_PYTORCH, "bicubic-pytorch": ResizeMethod.CUBIC_PYTORCH,
    "area": ResizeMethod.AREA,
}


# ------------------------------------------------------------------- kernels
# Each takes the (non-negative) distances, already divided by the kernel scale.


def _triangle(x):
    return jnp.maximum(0, 1 - jnp.abs(x))


def _lanczos(radius):
    def kernel(x):
        y = radius * jnp.sin(np.pi * x) * jnp.sin(np.pi * x / radius)
        # y / (pi x)^2, with its limit 1 near 0 (the guarded division keeps
        # the unused branch finite, so its derivative is too)
        ratio = jnp.divide(y, jnp.where(x != 0, np.pi ** 2 * x ** 2, 1))
        return jnp.where(x > radius, 0.0, jnp.where(x > 1e-3, ratio, 1))
    return kernel


def _keys_cubic(x):
    """Keys' cubic convolution kernel with a = -0.5 (Pillow's, TensorFlow's)."""
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return jnp.where(x >= 2.0, 0.0, jnp.where(x >= 1.0, far, near))


def _opencv_cubic(x):
    """The cubic kernel with a = -0.75 (OpenCV's, PyTorch's without antialiasing)."""
    a = -0.75
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return jnp.where(x >= 2.0, 0.0, jnp.where(x >= 1.0, far, near))


_AREA = object()  # marks the area method, whose weights are overlaps, not a kernel

# method -> (kernel radius, kernel)
_KERNELS = {
    ResizeMethod.LINEAR: (1, _triangle),
    ResizeMethod.LANCZOS3: (3, _lanczos(3.0)),
    ResizeMethod.LANCZOS5: (5, _lanczos(5.0)),
    ResizeMethod.CUBIC: (2, _keys_cubic),
    ResizeMethod.CUBIC_PYTORCH: (2, _opencv_cubic),
    ResizeMethod.AREA: (1, _AREA),
}


def _normalized(weights):
    """Columns scaled to sum to one; columns of (almost) no weight become zero."""
    total = jnp.sum(weights, axis=0, keepdims=True)
    safe = jnp.divide(weights, jnp.where(total != 0, total, 1))
    return jnp.where(jnp.abs(total) > _TINY_TOTAL, safe, 0)


def _weight_matrix(in_size, out_size, scale, translation, kernel, antialias, edge_padding,
                   radius):
    """The (in_size, out_size) matrix resampling one axis."""
    dtype = jnp.result_type(scale, translation)
    inv_scale = 1.0 / scale
    # Downsampling widens the kernel (a low-pass filter) when antialiasing;
    # upsampling only interpolates.
    kernel_scale = jnp.maximum(inv_scale, 1.0) if antialias else 1.0
    # where each output pixel's centre falls in the input's pixel coordinates
    outputs = jnp.arange(out_size, dtype=dtype)
    sample = (outputs + 0.5) * inv_scale - translation * inv_scale - 0.5
    pad = radius if edge_padding else 0  # only reached without antialiasing
    inputs = jnp.arange(-pad, in_size + pad, dtype=dtype)
    if kernel is _AREA:
        # the overlap of output pixel [left, left + 1/scale) with input pixel [j, j + 1)
        left = outputs * inv_scale - translation * inv_scale
        right = left + inv_scale
        in_left = jnp.arange(in_size, dtype=dtype)
        weights = jnp.maximum(0.0, jnp.minimum(right[None, :], in_left[:, None] + 1.0)
                              - jnp.maximum(left[None, :], in_left[:, None]))
    else:
        weights = kernel(jnp.abs(sample[None, :] - inputs[:, None]) / kernel_scale)
    if edge_padding:
        # the weights of the pixels past the edges go to the edge pixels
        rows = jnp.clip(jnp.astype(inputs, np.int32), 0, in_size - 1)
        cols = jnp.broadcast_to(jnp.arange(out_size)[None, :], (inputs.shape[0], out_size))
        moved = jnp.zeros((in_size, out_size), dtype=dtype).at[rows[:, None], cols].add(weights)
        return _normalized(moved)
    weights = _normalized(weights)
    # samples outside the input get nothing (``sample`` has had the 0.5 taken off)
    inside = jnp.logical_and(sample >= -0.5, sample <= in_size - 0.5)
    return jnp.where(inside[None, :], weights, 0)


def _scale_and_translate(x, shape, spatial_dims, scale, translation, kernel, antialias,
                         precision, edge_padding, radius):
    if not spatial_dims:
        return x
    ndim = len(shape)
    operands = []
    out_axes = list(range(ndim))
    for i, d in enumerate(spatial_dims):
        d = canonicalize_axis(d, ndim)
        w = _weight_matrix(x.shape[d], shape[d], scale[i], translation[i], kernel, antialias,
                           edge_padding, radius)
        operands += [jnp.astype(w, x.dtype), [d, ndim + i]]
        out_axes[d] = ndim + i
    return jnp.einsum(x, list(range(ndim)), *operands, out_axes, precision=precision)


def _canonical_shape(shape, image):
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, "
                        f"got {shape}.") from None
    if len(shape) != image.ndim:
        raise ValueError("shape must have length equal to the number of dimensions of x; "
                         f" {shape} vs {image.shape}")
    return shape


def _method(method):
    return ResizeMethod.from_string(method) if isinstance(method, str) else method


def _inexact_dtype(dtype):
    """JAX's floating dtype for ``dtype``: 64-bit integers become float64, the
    other integers and booleans float32; inexact dtypes stay."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return dtype
    return np.dtype(np.float64 if dtype.itemsize == 8 else np.float32)


def _inexact(x):
    """``x`` in its floating dtype (``_inexact_dtype``)."""
    x = jnp.asarray(x)
    dtype = _inexact_dtype(x.dtype)
    return x if x.dtype == dtype else jnp.astype(x, dtype)


def _kernel_of(method, antialias):
    """(kernel, radius, edge_padding) of a method other than NEAREST."""
    if method == ResizeMethod.CUBIC_PYTORCH and antialias:
        method = ResizeMethod.CUBIC
    radius, kernel = _KERNELS[method]
    return kernel, radius, method == ResizeMethod.CUBIC_PYTORCH


def scale_and_translate(image, shape, spatial_dims, scale, translation, method,
                        antialias=True, precision=Precision.HIGHEST):
    """Resample ``image`` to ``shape`` under a scale and a translation of the
    ``spatial_dims`` (``jax.image.scale_and_translate``).

    An input location ``y`` of axis ``spatial_dims[k]`` lands at
    ``y * scale[k] + translation[k]`` in the output (pixel centres at
    ``i + 0.5``); output pixels whose sample falls outside the input are 0.
    ``method``: a :class:`ResizeMethod` or its name, not 'nearest'.
    ``scale`` and ``translation`` may be traced (differentiated, batched).

    >>> scale_and_translate(np.array([1.0, 2.0, 3.0, 4.0]), (4,), (0,),
    ...                     np.array([1.0]), np.array([1.0]), "linear")
    array([0., 1., 2., 3.])
    """
    image = jnp.asarray(image)
    shape = _canonical_shape(shape, image)
    method = _method(method)
    if method == ResizeMethod.NEAREST:
        raise ValueError("Nearest neighbor resampling is not currently supported for "
                         "scale_and_translate.")
    kernel, radius, edge_padding = _kernel_of(method, antialias)
    image = _inexact(image)
    scale, translation = jnp.asarray(scale), jnp.asarray(translation)
    dtype = _inexact_dtype(jnp.result_type(scale, translation))
    scale, translation = jnp.astype(scale, dtype), jnp.astype(translation, dtype)
    spatial_dims = tuple(spatial_dims)
    if not len(spatial_dims) == len(scale) == len(translation):
        raise ValueError(f"spatial_dims, scale and translation must have the same length, got "
                         f"{len(spatial_dims)}, {len(scale)} and {len(translation)}")
    return _scale_and_translate(image, shape, spatial_dims, scale, translation, kernel,
                                antialias, precision, edge_padding, radius)


def _resize_nearest(x, shape):
    for d, (m, n) in enumerate(zip(x.shape, shape, strict=True)):
        if m == n:
            continue
        # float32, as JAX computes these offsets
        offsets = (np.arange(n, dtype=np.float32) + np.float32(0.5)) * np.float32(m) / np.float32(n)
        x = jnp.take(x, np.floor(offsets).astype(np.int32), axis=d)
    return x


def resize(image, shape, method, antialias=True, precision=Precision.HIGHEST):
    """Resample ``image`` to ``shape`` (``jax.image.resize``).

    ``shape`` lists every dimension, batch and channel ones included (keep them
    unchanged); only the axes whose size changes are resampled.  ``method``: a
    :class:`ResizeMethod` or its name: 'nearest' (keeps the dtype),
    'linear' / 'bilinear' / 'trilinear' / 'triangle', 'cubic' / 'bicubic' /
    'tricubic', 'cubic-pytorch', 'lanczos3', 'lanczos5', 'area'; the others
    return the image in its floating dtype (float32 for integers
    of up to 32 bits, as JAX).  ``antialias`` widens the kernel
    when downsampling; ``precision`` is accepted for JAX's signature (NumPy
    computes in the dtype's full precision).

    >>> image = np.arange(16.0).reshape(4, 4)
    >>> resize(image, (2, 2), "linear")
    array([[ 3.57142857,  5.14285714],
           [ 9.85714286, 11.42857143]])
    >>> resize(image, (2, 2), "nearest")
    array([[ 5.,  7.],
           [13., 15.]])
    """
    image = jnp.asarray(image)
    shape = _canonical_shape(shape, image)
    method = _method(method)
    if method == ResizeMethod.NEAREST:
        return _resize_nearest(image, shape)
    if not isinstance(method, ResizeMethod):
        raise ValueError(f'Unknown resize method "{method}"')
    image = _inexact(image)
    # Axes kept at their size are skipped: every kernel interpolates, so the
    # identity warp leaves them unchanged.
    spatial_dims = tuple(d for d in range(len(shape)) if image.shape[d] != shape[d])
    kernel, radius, edge_padding = _kernel_of(method, antialias)
    scale = [1.0 if shape[d] == 0 else shape[d] / image.shape[d] for d in spatial_dims]
    return _scale_and_translate(image, shape, spatial_dims, scale, [0.0] * len(spatial_dims),
                                kernel, antialias, precision, edge_padding, radius)
