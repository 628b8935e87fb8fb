"""More of ``jax.lax``'s surface, composed from vmapx's existing operations:
``broadcast_to_rank``, ``index_take``, ``approx_max_k`` / ``approx_min_k``,
``conv_general_dilated_patches``, ``ragged_dot`` / ``ragged_dot_general``,
``rng_bit_generator``, and the types JAX's signatures name
(``DotDimensionNumbers``, ``ConvGeneralDilatedDimensionNumbers``,
``PrecisionLike``, ``DotAlgorithm``, ``DotAlgorithmPreset``,
``RaggedDotDimensionNumbers``, ``RandomAlgorithm``).

Nothing here is a new primitive: each function is written with ``vmapx.numpy``
and the lax operations (``top_k``, ``gather``, ``conv_general_dilated``,
``dot_general``, the ``threefry2x32`` cipher), so ``vmap``, ``jit`` and
derivatives go through them with the rules of those operations.
"""
from __future__ import annotations

import dataclasses
import enum
import math
import operator
from collections.abc import Sequence
from typing import NamedTuple, Union

import numpy as np

from . import lax_ops, numpy_api as jnp
from .core import dtype_of, shape_of
from .jnp.base import asarray_like, canonicalize_axis
from .lax_conv import ConvDimensionNumbers, conv_dimension_numbers, conv_general_dilated
from .lax_shapes import broadcast
from .lax_slicing import GatherDimensionNumbers, gather
from .prims.random_bits import threefry2x32_p

__all__ = ["DotDimensionNumbers", "ConvGeneralDilatedDimensionNumbers", "PrecisionLike",
           "DotAlgorithm", "DotAlgorithmPreset", "RaggedDotDimensionNumbers", "RandomAlgorithm",
           "broadcast_to_rank", "index_take", "approx_max_k", "approx_min_k",
           "conv_general_dilated_patches", "ragged_dot", "ragged_dot_general",
           "rng_bit_generator"]


# ------------------------------------------------------------------------ types

DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]],
                            tuple[Sequence[int], Sequence[int]]]
"""``((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))`` of ``dot_general``."""

ConvGeneralDilatedDimensionNumbers = Union[None, ConvDimensionNumbers, tuple[str, str, str]]
"""What ``conv_general_dilated`` accepts as ``dimension_numbers``."""


class DotAlgorithm(NamedTuple):
    """A dot-product algorithm request: operand precisions, accumulation type
    and component counts, as ``jax.lax.DotAlgorithm``.  Accepted wherever a
    ``precision`` is; NumPy computes at the operands' full precision anyway.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.DotAlgorithm(np.float32, np.float32, np.float32).accumulation_type
    <class 'numpy.float32'>
    """
    lhs_precision_type: object
    rhs_precision_type: object
    accumulation_type: object
    lhs_component_count: int = 1
    rhs_component_count: int = 1
    num_primitive_operations: int = 1
    allow_imprecise_accumulation: bool = False


class DotAlgorithmPreset(enum.Enum):
    """JAX's named dot algorithms (``LHS_RHS_ACCUMULATOR`` types), accepted as a
    ``precision``; vmapx computes every product at the operands' precision.

    >>> from vmapx import lax
    >>> lax.DotAlgorithmPreset.F32_F32_F32.name
    'F32_F32_F32'
    """
    DEFAULT = enum.auto()
    ANY_F8_ANY_F8_F32 = enum.auto()
    ANY_F8_ANY_F8_F32_FAST_ACCUM = enum.auto()
    ANY_F8_ANY_F8_ANY = enum.auto()
    ANY_F8_ANY_F8_ANY_FAST_ACCUM = enum.auto()
    F16_F16_F16 = enum.auto()
    F16_F16_F32 = enum.auto()
    BF16_BF16_BF16 = enum.auto()
    BF16_BF16_F32 = enum.auto()
    BF16_BF16_F32_X3 = enum.auto()
    BF16_BF16_F32_X6 = enum.auto()
    BF16_BF16_F32_X9 = enum.auto()
    TF32_TF32_F32 = enum.auto()
    TF32_TF32_F32_X3 = enum.auto()
    F32_F32_F32 = enum.auto()
    F64_F64_F64 = enum.auto()

    def __repr__(self):
        return self.name

    __str__ = __repr__


PrecisionLike = Union[None, str, lax_ops.Precision, tuple[str, str],
                      tuple[lax_ops.Precision, lax_ops.Precision], DotAlgorithm,
                      DotAlgorithmPreset]
"""What the ``precision`` arguments accept."""


class RandomAlgorithm(enum.IntEnum):
    """The bit generator ``rng_bit_generator`` is asked for (vmapx has one:
    threefry, whatever is requested).

    >>> from vmapx import lax
    >>> int(lax.RandomAlgorithm.RNG_THREE_FRY)
    1
    """
    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2

    def __str__(self):
        return self.name


@dataclasses.dataclass(frozen=True)
class RaggedDotDimensionNumbers:
    """The dimensions of ``ragged_dot_general``: ``dot_general``'s dimension
    numbers, the one ragged dimension of ``lhs`` and the group dimension of
    ``rhs`` (empty unless the ragged dimension is a free one).

    >>> from vmapx import lax
    >>> lax.RaggedDotDimensionNumbers((([1], [1]), ([], [])), [0], [0]).lhs_ragged_dimensions
    (0,)
    """
    dot_dimension_numbers: tuple
    lhs_ragged_dimensions: tuple
    rhs_group_dimensions: tuple

    def __init__(self, dot_dimension_numbers, lhs_ragged_dimensions, rhs_group_dimensions):
        dims = tuple(tuple(tuple(int(d) for d in part) for part in pair)
                     for pair in dot_dimension_numbers)
        object.__setattr__(self, "dot_dimension_numbers", dims)
        object.__setattr__(self, "lhs_ragged_dimensions",
                           tuple(int(d) for d in lhs_ragged_dimensions))
        object.__setattr__(self, "rhs_group_dimensions",
                           tuple(int(d) for d in rhs_group_dimensions))


# ------------------------------------------------------------------ small ones


def broadcast_to_rank(x, rank: int):
    """``x`` with leading dimensions of size 1 added up to rank ``rank`` (an
    array of that rank or more is returned as it is).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.broadcast_to_rank(np.arange(3), 3).shape
    (1, 1, 3)
    """
    x = asarray_like(x)
    ndim = len(shape_of(x))
    if ndim >= rank:
        return jnp.asarray(x)
    return broadcast(x, (1,) * (rank - ndim))


def index_take(src, idxs, axes: Sequence[int]):
    """``src`` indexed by one integer array per axis of ``axes`` (the arrays
    broadcast against each other; indices wrap modulo the axis size): the
    selected elements come first, then ``src``'s other axes.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.index_take(np.arange(12).reshape(3, 4), (np.array([0, 2, -1]), np.array([1, 5, 3])),
    ...                (0, 1))
    array([ 1,  9, 11])
    """
    src = asarray_like(src)
    shape = tuple(shape_of(src))
    axes = tuple(canonicalize_axis(a, len(shape)) for a in axes)
    if len(idxs) != len(axes):
        raise ValueError(f"index_take needs one index array per axis, got {len(idxs)} index "
                         f"arrays for axes {axes}")
    idxs = [jnp.asarray(i) for i in idxs]
    columns = jnp.broadcast_arrays(*idxs) if idxs else []
    indices = jnp.stack([jnp.remainder(i, shape[a]) for i, a in zip(columns, axes, strict=True)],
                        axis=-1)
    slice_sizes = tuple(1 if d in axes else n for d, n in enumerate(shape))
    batch_rank = len(shape_of(indices)) - 1
    dnums = GatherDimensionNumbers(
        offset_dims=tuple(range(batch_rank, batch_rank + len(shape) - len(axes))),
        collapsed_slice_dims=axes, start_index_map=axes)
    return gather(src, indices, dnums, slice_sizes)


# -------------------------------------------------------------- approximate top k


def _approx_k(operand, k, reduction_dimension, largest):
    """The exact top (``largest``) or bottom ``k`` with JAX's argument checks."""
    x = asarray_like(operand)
    shape = tuple(shape_of(x))
    k = operator.index(k)
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    if not shape:
        raise TypeError(f"approx_top_k operand must have >= 1 dimension, got {shape}")
    dim = canonicalize_axis(reduction_dimension, len(shape))
    if k > shape[dim]:
        raise ValueError(f"k must be smaller than the size of reduction_dim {shape[dim]}, got "
                         f"{k}")
    if dtype_of(x).kind != "f":
        raise ValueError("operand must be a floating type")
    if largest:
        values, indices = lax_ops.top_k(x, k, axis=dim)
        return [values, indices]
    values, indices = lax_ops.top_k(jnp.negative(x), k, axis=dim)
    return [jnp.negative(values), indices]


def approx_max_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The ``k`` largest values along ``reduction_dimension`` and their int32
    indices, as ``jax.lax.approx_max_k``.

    This is the exact top-k (``lax.top_k``): a recall of 1 meets every
    ``recall_target``, which is all JAX promises of the approximation; ties
    keep the lower index first.  ``aggregate_to_topk=False`` asks for a
    backend-sized unaggregated output: vmapx gives the ``k`` aggregated ones.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.approx_max_k(np.array([3.0, 1.0, 4.0, 1.0, 5.0]), 2)
    [array([5., 4.]), array([4, 2], dtype=int32)]
    """
    return _approx_k(operand, k, reduction_dimension, True)


def approx_min_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The ``k`` smallest values along ``reduction_dimension`` and their int32
    indices (exactly, as ``approx_max_k`` explains).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.approx_min_k(np.array([[3.0, 1.0, 4.0], [0.5, 2.0, 1.0]]), 1, reduction_dimension=0)
    [array([[0.5, 1. , 1. ]]), array([[1, 0, 1]], dtype=int32)]
    """
    return _approx_k(operand, k, reduction_dimension, False)


# --------------------------------------------------------------------- patches


def conv_general_dilated_patches(lhs, filter_shape: Sequence[int], window_strides, padding,
                                 lhs_dilation=None, rhs_dilation=None, dimension_numbers=None,
                                 precision=None, preferred_element_type=None):
    """The patches a convolution with a ``filter_shape`` window would see, laid out
    along the output's feature dimension (``C * prod(filter_shape)`` features,
    channel-major then window positions in C order), as
    ``jax.lax.conv_general_dilated_patches``.

    Computed as a grouped convolution (one group per input channel) with an
    identity kernel, so it batches and differentiates as the convolution does.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> x = np.arange(2 * 3 * 5 * 5.0).reshape(2, 3, 5, 5)
    >>> p = lax.conv_general_dilated_patches(x, (2, 2), (1, 1), "VALID")
    >>> p.shape, p[0, :4, 0, 0]
    ((2, 12, 4, 4), array([0., 1., 5., 6.]))
    """
    lhs = asarray_like(lhs)
    filter_shape = tuple(operator.index(d) for d in filter_shape)
    lhs_shape = tuple(shape_of(lhs))
    window = math.prod(filter_shape)
    specs = conv_dimension_numbers(lhs_shape, (1, 1) + filter_shape, dimension_numbers)
    channels = lhs_shape[specs.lhs_spec[1]]
    # Kernel in (out features, in features per group, *window) order: output
    # feature c * window + j of group c picks window position j.
    eye = np.eye(window, dtype=dtype_of(lhs)).reshape((window, 1) + filter_shape)
    kernel = np.tile(eye, (channels,) + (1,) * (eye.ndim - 1))
    kernel = np.transpose(kernel, np.argsort(specs.rhs_spec))
    return conv_general_dilated(lhs, kernel, window_strides, padding, lhs_dilation,
                                rhs_dilation, dimension_numbers, feature_group_count=channels,
                                precision=precision, preferred_element_type=preferred_element_type)


# ------------------------------------------------------------------ ragged dot

_BASIC_RAGGED = RaggedDotDimensionNumbers((([1], [1]), ([], [])), [0], [0])


def ragged_dot(lhs, rhs, group_sizes, precision=None, preferred_element_type=None,
               group_offset=None):
    """Grouped matrix products: ``lhs`` ``(m, k)`` has its rows split into
    consecutive groups of ``group_sizes`` ``(g,)`` rows, and group ``i`` is
    multiplied by ``rhs[i]`` (``rhs`` is ``(g, k, n)``); rows past the last
    group give zeros.  The ``(m, n)`` result is ``jax.lax.ragged_dot``'s.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lhs = np.ones((4, 2))
    >>> rhs = np.stack([np.eye(2), 2 * np.eye(2), 3 * np.eye(2)])
    >>> lax.ragged_dot(lhs, rhs, np.array([1, 3, 0]))
    array([[1., 1.],
           [2., 2.],
           [2., 2.],
           [2., 2.]])
    """
    return ragged_dot_general(lhs, rhs, group_sizes, _BASIC_RAGGED, precision=precision,
                              preferred_element_type=preferred_element_type,
                              group_offset=group_offset)


def _remaining(n, *used):
    taken = set().union(*map(set, used))
    return [d for d in range(n) if d not in taken]


def _dense_groups(x, ragged_dim, group_sizes, prefix):
    """``x`` repeated once per group along a new leading axis, group ``i``
    keeping only the ``ragged_dim`` positions it owns (zeros elsewhere).

    ``group_sizes`` has shape ``[x.shape[d] for d in prefix] + [g]``: each
    position of the ``prefix`` dimensions has its own split of ``ragged_dim``
    into consecutive groups."""
    ends = jnp.cumsum(group_sizes, axis=-1)
    starts = jnp.subtract(ends, group_sizes)
    length = shape_of(x)[ragged_dim]
    position = jnp.arange(length, dtype=dtype_of(ends))
    # mask[..prefix.., g, length]: does group g own this position?
    mask = jnp.logical_and(jnp.less_equal(jnp.expand_dims(starts, -1), position),
                           jnp.less(position, jnp.expand_dims(ends, -1)))
    # Lay the mask out as (g,) + x's shape: its axes are the prefix dims of x,
    # then the groups (to the front), then the ragged dim; size 1 elsewhere.
    rank = len(shape_of(x))
    mask = jnp.moveaxis(mask, -2, 0)
    positions = [0] + [d + 1 for d in prefix] + [ragged_dim + 1]
    order = np.argsort(positions)
    mask = jnp.transpose(mask, tuple(int(i) for i in order))
    placed = sorted(positions)
    full = [shape_of(mask)[placed.index(d)] if d in placed else 1 for d in range(rank + 1)]
    mask = jnp.reshape(mask, tuple(full))
    return jnp.where(mask, jnp.expand_dims(x, 0), jnp.zeros((), dtype_of(x)))


def ragged_dot_general(lhs, rhs, group_sizes, ragged_dot_dimension_numbers, precision=None,
                       preferred_element_type=None, group_offset=None):
    """``dot_general`` with one ragged dimension of ``lhs`` split into
    consecutive groups of ``group_sizes``, as ``jax.lax.ragged_dot_general``.
    Three cases, by the kind of the ragged dimension:

    * a free dimension ``m``: ``rhs`` has a group dimension and each group of
      rows is contracted with its own ``rhs`` slice (``ragged_dot``);
    * a contracting dimension ``k``: each group contracts only its own ``k``
      positions, and the result gets a leading group dimension;
    * a batch dimension: the groups change nothing, this is ``dot_general``.

    ``group_sizes`` is ``(g,)``, or carries the batch dimensions and the
    dimensions of ``lhs`` outer to the ragged one in front of ``g`` (JAX's
    shapes).  ``group_offset`` is not supported (nor by JAX's reference
    implementation).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> dn = lax.RaggedDotDimensionNumbers((([1], [0]), ([], [])), [1], [])
    >>> lax.ragged_dot_general(np.ones((2, 3)), np.ones((3, 2)), np.array([1, 2]), dn)
    array([[[1., 1.],
            [1., 1.]],
    <BLANKLINE>
           [[2., 2.],
            [2., 2.]]])
    """
    if group_offset is not None:
        raise NotImplementedError("Unimplemented group_offset support.")
    dn = ragged_dot_dimension_numbers
    if not isinstance(dn, RaggedDotDimensionNumbers):
        raise TypeError("ragged_dot_general requires a RaggedDotDimensionNumbers, got "
                        f"{type(dn).__name__}")
    lhs, rhs, group_sizes = asarray_like(lhs), asarray_like(rhs), asarray_like(group_sizes)
    if dtype_of(group_sizes).kind not in "iu":
        raise TypeError("ragged_dot_general requires group_sizes to have an integer dtype, got "
                        f"{dtype_of(group_sizes)}")
    lhs_rank, rhs_rank = len(shape_of(lhs)), len(shape_of(rhs))
    (l_c, r_c), (l_b, r_b) = dn.dot_dimension_numbers
    l_contract, r_contract, l_batch, r_batch = map(list, (l_c, r_c, l_b, r_b))
    if len(dn.lhs_ragged_dimensions) != 1:
        raise ValueError("ragged_dot_general requires exactly one lhs ragged dimension, got "
                         f"{dn.lhs_ragged_dimensions}")
    ragged = dn.lhs_ragged_dimensions[0]
    l_free = _remaining(lhs_rank, l_contract, l_batch)
    dot = lambda a, b, dims: lax_ops.dot_general(  # noqa: E731
        a, b, dims, preferred_element_type=preferred_element_type)
    up = lambda dims: [d + 1 for d in dims]  # noqa: E731
    lhs_shape = tuple(shape_of(lhs))
    if ragged in l_batch:
        return dot(lhs, rhs, dn.dot_dimension_numbers)
    if ragged in l_free:
        if len(dn.rhs_group_dimensions) != 1:
            raise ValueError("ragged_dot_general with a ragged non-contracting dimension "
                             "requires one rhs group dimension, got "
                             f"{dn.rhs_group_dimensions}")
        prefix = l_batch + l_free[:l_free.index(ragged)]
        if len(shape_of(group_sizes)) == 1:
            group_sizes = broadcast(group_sizes, [lhs_shape[d] for d in prefix])
        dense = _dense_groups(lhs, ragged, group_sizes, prefix)
        return dot(dense, rhs, ((up(l_contract) + [0], r_contract + [dn.rhs_group_dimensions[0]]),
                                (up(l_batch), r_batch)))
    if ragged in l_contract:
        if dn.rhs_group_dimensions:
            raise ValueError("ragged_dot_general with a ragged contracting dimension takes no "
                             f"rhs group dimension, got {dn.rhs_group_dimensions}")
        rhs_ragged = r_contract[l_contract.index(ragged)]
        l_prefix = l_batch + l_contract[:l_contract.index(ragged)]
        r_prefix = r_batch + r_contract[:r_contract.index(rhs_ragged)]
        if len(shape_of(group_sizes)) == 1:
            group_sizes = broadcast(group_sizes, [lhs_shape[d] for d in l_prefix])
        dense_l = _dense_groups(lhs, ragged, group_sizes, l_prefix)
        dense_r = _dense_groups(rhs, rhs_ragged, group_sizes, r_prefix)
        return dot(dense_l, dense_r, ((up(l_contract), up(r_contract)),
                                      ([0] + up(l_batch), [0] + up(r_batch))))
    raise TypeError(f"lhs_ragged_dim {ragged} not found in lhs_noncontracting {l_free}, "
                    f"lhs_contracting {l_contract}, or lhs_batch {l_batch}.")


# --------------------------------------------------------------- bit generator

_U32 = np.dtype(np.uint32)
_BIT_DTYPES = {np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)}


def rng_bit_generator(key, shape, dtype=np.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT):
    """Stateless random bits: ``(new_key, bits)`` for a ``uint32[4]`` (or
    ``uint64[2]``) ``key``, bits of ``shape`` and an unsigned ``dtype``, as
    ``jax.lax.rng_bit_generator``.

    JAX leaves the values to the backend (they differ between CPU, GPU and TPU
    and between algorithms).  vmapx's are its own: key words 0-1 key the
    threefry cipher, words 2-3 are a 64-bit counter; the bits hash the counter
    with each element's index and the new key is the counter plus one.  So
    equal keys give equal bits, ``new_key`` gives fresh ones, and the function
    is pure (``vmap`` over keys, ``jit``).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> key = np.array([0, 42, 0, 0], np.uint32)
    >>> new_key, bits = lax.rng_bit_generator(key, (2, 3), np.uint8)
    >>> new_key, bits.shape, bits.dtype
    (array([ 0, 42,  0,  1], dtype=uint32), (2, 3), dtype('uint8'))
    """
    shape = tuple(operator.index(d) for d in shape)
    dtype = np.dtype(dtype)
    if dtype not in _BIT_DTYPES:
        raise TypeError(f"rng_bit_generator: unsupported dtype {dtype}")
    RandomAlgorithm(algorithm)
    key = asarray_like(key)
    key_dtype, key_shape = dtype_of(key), tuple(shape_of(key))
    if (key_dtype, key_shape) == (np.dtype(np.uint64), (2,)):
        words = jnp.stack([jnp.astype(jnp.right_shift(key, np.uint64(32)), _U32),
                           jnp.astype(key, _U32)], axis=-1)
        words = jnp.reshape(words, (4,))
    elif (key_dtype, key_shape) == (_U32, (4,)):
        words = key
    else:
        raise TypeError("rng_bit_generator requires a uint32[4] or uint64[2] key, got "
                        f"{key_dtype}{list(key_shape)}")
    k0, k1, c_hi, c_lo = words[0], words[1], words[2], words[3]
    # The element key: the cipher of the counter; then one cipher call per element.
    e0, e1 = threefry2x32_p.bind(k0, k1, c_hi, c_lo)
    count = np.arange(math.prod(shape), dtype=np.uint64).reshape(shape)
    hi, lo = (count >> np.uint64(32)).astype(_U32), count.astype(_U32)
    b0, b1 = threefry2x32_p.bind(e0, e1, hi, lo)
    if dtype.itemsize == 8:
        u64 = np.dtype(np.uint64)
        bits = jnp.bitwise_or(jnp.left_shift(jnp.astype(b0, u64), np.uint64(32)),
                              jnp.astype(b1, u64))
    else:
        bits = jnp.astype(jnp.bitwise_xor(b0, b1), dtype)
    # The new key: the 64-bit counter plus one (carrying into the high word).
    new_lo = jnp.add(c_lo, np.uint32(1))
    new_hi = jnp.where(jnp.equal(new_lo, np.uint32(0)), jnp.add(c_hi, np.uint32(1)), c_hi)
    new_words = jnp.stack([k0, k1, new_hi, new_lo])
    if key_dtype == np.dtype(np.uint64):
        pairs = jnp.astype(jnp.reshape(new_words, (2, 2)), np.uint64)
        new_key = jnp.bitwise_or(jnp.left_shift(pairs[:, 0], np.uint64(32)), pairs[:, 1])
    else:
        new_key = new_words
    return new_key, bits
