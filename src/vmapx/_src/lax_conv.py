"""Convolutions and windowed reductions of ``vmapx.lax`` (JAX's signatures and
semantics): ``conv_general_dilated``, ``conv``, ``conv_with_general_padding``,
``conv_transpose``, ``conv_dimension_numbers``, ``padtype_to_pads``, and the
window-argument checks and monoid path that ``lax.reduce_window``
(``lax_reduce.py``) uses.

They normalise their arguments (padding strings, dimension-number strings)
into the static parameters of the ``conv_general_dilated`` and
``reduce_window_*`` primitives, so all of them batch and differentiate.
"""
from __future__ import annotations

import operator

import numpy as np

from .core import Tracer, get_aval
from .jnp.base import asarray_like, astype
from .prims.conv import ConvDimensionNumbers, conv_general_dilated_p, conv_shape
from .prims.windowed import (dilate_dim, identity, reduce_window_max_p, reduce_window_min_p,
                             reduce_window_prod_p, reduce_window_sum_p, windowed_shape)
from . import lax_ops, numpy_api as jnp

__all__ = ["ConvDimensionNumbers", "conv_dimension_numbers", "conv_general_permutations",
           "padtype_to_pads", "conv_general_dilated", "conv", "conv_with_general_padding",
           "conv_transpose", "conv_shape_tuple", "conv_general_shape_tuple",
           "conv_transpose_shape_tuple", "reduce_window_shape_tuple"]


def _out(x):
    return x if isinstance(x, (np.ndarray, Tracer)) else np.asarray(x)


# ------------------------------------------------------------ dimension numbers


def conv_general_permutations(dimension_numbers):
    """The axis permutations ``(lhs_perm, rhs_perm, out_perm)`` named by three
    spec strings such as ``('NHWC', 'HWIO', 'NHWC')``; spatial axes are ordered
    as they appear in the kernel spec.

    >>> conv_general_permutations(('NHWC', 'HWIO', 'NHWC'))
    ((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    """
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(charpairs):
        if not dimension_numbers[i].count(a) == dimension_numbers[i].count(b) == 1:
            raise TypeError(f"convolution dimension_numbers[{i}] must contain the characters "
                            f"'{a}' and '{b}' exactly once, got {dimension_numbers[i]}.")
        if len(dimension_numbers[i]) != len(set(dimension_numbers[i])):
            raise TypeError(f"convolution dimension_numbers[{i}] cannot have duplicate "
                            f"characters, got {dimension_numbers[i]}.")
    if not (set(lhs_spec) - {"N", "C"} == set(rhs_spec) - {"O", "I"}
            == set(out_spec) - {"N", "C"}):
        raise TypeError("convolution dimension_numbers elements must each have the same set "
                        f"of spatial characters, got {tuple(dimension_numbers)}.")

    def getperm(spec, pair):
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        if spec is not rhs_spec:
            spatial = sorted(spatial, key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(spatial)

    return tuple(getperm(s, p) for s, p in zip(dimension_numbers, charpairs, strict=True))


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers) -> ConvDimensionNumbers:
    """``dimension_numbers`` (``None``, a ``ConvDimensionNumbers`` or three spec
    strings) as a ``ConvDimensionNumbers`` of axis permutations.  ``None``
    means ``('NCHW', 'OIHW', 'NCHW')`` (and its 1-D / 3-D analogues).

    >>> conv_dimension_numbers((1, 5, 5, 3), (2, 2, 3, 8), ('NHWC', 'HWIO', 'NHWC'))
    ConvDimensionNumbers(lhs_spec=(0, 3, 1, 2), rhs_spec=(3, 2, 0, 1), out_spec=(0, 3, 1, 2))
    """
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError("convolution requires lhs and rhs ndim to be equal, got "
                        f"{len(lhs_shape)} and {len(rhs_shape)}.")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, (list, tuple)):
        if len(dimension_numbers) != 3:
            raise TypeError("convolution dimension_numbers list/tuple must be length 3, got "
                            f"{len(dimension_numbers)}.")
        if not all(isinstance(e, str) for e in dimension_numbers):
            raise TypeError("convolution dimension_numbers elements must be strings, got "
                            f"{tuple(map(type, dimension_numbers))}.")
        for i, e in enumerate(dimension_numbers):
            if len(e) != len(lhs_shape):
                raise TypeError(f"convolution dimension_numbers[{i}] must have len equal to "
                                f"the ndim of lhs and rhs, got {len(e)} for lhs and rhs shapes "
                                f"{tuple(lhs_shape)} and {tuple(rhs_shape)}.")
        return ConvDimensionNumbers(*conv_general_permutations(tuple(dimension_numbers)))
    raise TypeError("convolution dimension_numbers must be tuple/list or None, got "
                    f"{type(dimension_numbers)}.")


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """``'SAME'``, ``'SAME_LOWER'`` or ``'VALID'`` as explicit ``(low, high)``
    pairs per axis; for ``'SAME'`` an odd total puts the extra at the end.

    >>> padtype_to_pads((5, 6), (3, 2), (1, 2), 'SAME')
    [(1, 1), (0, 0)]
    >>> padtype_to_pads((4,), (2,), (1,), 'SAME_LOWER')
    [(1, 0)]
    """
    if not isinstance(padding, str):
        raise TypeError(f"Unknown padding type: {padding}.")
    kind = padding.upper()
    if kind not in ("SAME", "SAME_LOWER", "VALID"):
        raise RuntimeError("Unrecognized padding type: expected 'VALID', 'SAME', or "
                           f"'SAME_LOWER', got {padding}.")
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides, strict=True):
        out = -(-int(n) // int(s))
        total = max((out - 1) * int(s) + int(w) - int(n), 0)
        half = total // 2
        pads.append((half, total - half) if kind == "SAME" else (total - half, half))
    return pads


def _ints(xs, what):
    try:
        return tuple(operator.index(v) for v in xs)
    except TypeError:
        raise TypeError(f"{what} must be a sequence of integers, got {xs!r}") from None


def _check_positive(fun_name, arg_name, xs):
    """JAX's check that strides and window sizes are all >= 1."""
    if not all(v >= 1 for v in xs):
        raise TypeError(f"{fun_name} {arg_name} must have every element be strictly positive, "
                        f"got {xs}.")


def _check_dilations(xs):
    if not all(v > 0 for v in xs):
        raise TypeError(f"All dilations must be positive, got {xs}.")


# ------------------------------------------------------------- convolutions


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None,
                         rhs_dilation=None, dimension_numbers=None, feature_group_count=1,
                         batch_group_count=1, precision=None, preferred_element_type=None):
    """General n-dimensional convolution with strides, padding, dilations,
    feature and batch groups (``jax.lax.conv_general_dilated``).

    ``padding`` is ``'SAME'``, ``'SAME_LOWER'``, ``'VALID'`` or ``(low, high)``
    pairs per spatial axis; ``dimension_numbers`` is ``None`` (``NCHW``/``OIHW``),
    a ``ConvDimensionNumbers`` or three spec strings.  Like JAX (and unlike
    NumPy's ``convolve``) the kernel is not flipped: this is a correlation.
    ``precision`` is accepted and ignored (NumPy computes at full precision).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((1, 1, 2, 2))
    >>> lax.conv_general_dilated(x, w, (1, 1), 'VALID')[0, 0]
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> lax.conv_general_dilated(np.ones((2, 5, 5, 3)), np.ones((3, 3, 3, 8)), (2, 2), 'SAME',
    ...                          dimension_numbers=('NHWC', 'HWIO', 'NHWC')).shape
    (2, 3, 3, 8)
    """
    x, w = asarray_like(lhs), asarray_like(rhs)
    xa, wa = get_aval(x), get_aval(w)
    if xa.dtype != wa.dtype:
        raise TypeError("lax.conv_general_dilated requires arguments to have the same dtypes, "
                        f"got {xa.dtype.name}, {wa.dtype.name}.")
    dnums = conv_dimension_numbers(xa.shape, wa.shape, dimension_numbers)
    nsp = len(xa.shape) - 2
    window_strides = _ints(window_strides, "window_strides")
    if len(window_strides) != nsp:
        raise ValueError("conv_general_dilated window and window_strides must have the same "
                         f"number of dimensions, but got {nsp} and {len(window_strides)}")
    _check_positive("conv_general_dilated", "window_strides", window_strides)
    if lhs_dilation is None:
        lhs_dilation = (1,) * nsp
    elif isinstance(padding, str) and any(d != 1 for d in lhs_dilation):
        raise ValueError("String padding is not implemented for transposed convolution using "
                         "this op. Please either exactly specify the required padding or use "
                         "conv_transpose.")
    if rhs_dilation is None:
        rhs_dilation = (1,) * nsp
    lhs_dilation = _ints(lhs_dilation, "lhs_dilation")
    rhs_dilation = _ints(rhs_dilation, "rhs_dilation")
    _check_dilations(lhs_dilation)
    _check_dilations(rhs_dilation)
    if isinstance(padding, str):
        lsp = [xa.shape[i] for i in dnums.lhs_spec[2:]]
        ksp = [dilate_dim(wa.shape[i], r) for i, r in zip(dnums.rhs_spec[2:], rhs_dilation,
                                                          strict=True)]
        padding = padtype_to_pads(lsp, ksp, window_strides, padding)
    try:
        padding = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    except (ValueError, TypeError) as e:
        raise ValueError("padding argument to conv_general_dilated should be a string or a "
                         f"sequence of (low, high) pairs, got {padding}") from e
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    params = dict(window_strides=window_strides, padding=padding, lhs_dilation=lhs_dilation,
                  rhs_dilation=rhs_dilation, dimension_numbers=dnums,
                  feature_group_count=operator.index(feature_group_count),
                  batch_group_count=operator.index(batch_group_count))
    conv_shape(xa.shape, wa.shape, **params)  # JAX's shape checks and messages
    return _out(conv_general_dilated_p.bind(x, w, preferred_element_type=pet, **params))


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """Convolution of an ``NCHW`` input with an ``OIHW`` kernel (``jax.lax.conv``).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.conv(np.ones((1, 2, 4, 4)), np.ones((3, 2, 3, 3)), (1, 1), 'SAME')[0, 0]
    array([[ 8., 12., 12.,  8.],
           [12., 18., 18., 12.],
           [12., 18., 18., 12.],
           [ 8., 12., 12.,  8.]])
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                              precision=None, preferred_element_type=None):
    """``conv`` with explicit padding and lhs/rhs dilations
    (``jax.lax.conv_with_general_padding``).

    >>> import numpy as np
    >>> from vmapx import lax
    >>> x = np.arange(5.0).reshape(1, 1, 5)
    >>> lax.conv_with_general_padding(x, np.ones((1, 1, 2)), (1,), [(1, 0)], None, (2,))
    array([[[1., 2., 4., 6.]]])
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k, s, padding):
    """Low and high padding of one spatial axis of a transposed convolution."""
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = k - 1 if s > k - 1 else int(np.ceil(pad_len / 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        pad_a = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        pad_a = pads[0]
        pad_len = sum(pads)
    else:
        raise ValueError(f"Invalid padding mode: {padding}")
    return pad_a, pad_len - pad_a


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, precision=None, preferred_element_type=None,
                   use_consistent_padding=False):
    """The "transposed" (fractionally strided) convolution, computed directly
    (``jax.lax.conv_transpose``): the input is dilated by ``strides``.

    Dimension numbers default to TensorFlow's (``'NHWC', 'HWIO', 'NHWC'`` and
    analogues).  ``transpose_kernel=True`` flips the kernel's spatial axes and
    swaps its feature axes, making this the gradient of ``conv_general_dilated``
    with the same kernel.  String paddings (and tuples when
    ``use_consistent_padding``) are those of the forward convolution.

    >>> import numpy as np
    >>> from vmapx import lax
    >>> lax.conv_transpose(np.ones((1, 3, 1)), np.ones((2, 1, 1)), (2,), 'SAME')[0, :, 0]
    array([1., 1., 1., 1., 1., 1.])
    """
    xa, wa = get_aval(asarray_like(lhs)), get_aval(asarray_like(rhs))
    nd = len(xa.shape)
    if nd != len(wa.shape) or nd < 2:
        raise ValueError("conv_transpose requires lhs and rhs of equal rank >= 2, got shapes "
                         f"{tuple(xa.shape)} and {tuple(wa.shape)}")
    if dimension_numbers is None:
        defaults = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"),
                    4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}
        if nd not in defaults:
            raise ValueError("No 4+ dimensional dimension_number defaults.")
        dimension_numbers = defaults[nd]
    dn = conv_dimension_numbers(xa.shape, wa.shape, dimension_numbers)
    k_sdims = [wa.shape[i] for i in dn.rhs_spec[2:]]
    if rhs_dilation is None:
        rhs_dilation = (1,) * (nd - 2)
    if use_consistent_padding or (isinstance(padding, str) and padding in ("SAME", "VALID")):
        eff = [dilate_dim(k, r) for k, r in zip(k_sdims, rhs_dilation, strict=True)]
        rep = [padding] * len(strides) if isinstance(padding, str) else \
            [tuple(p) for p in padding]
        pads = tuple(_conv_transpose_padding(k, s, p)
                     for k, s, p in zip(eff, strides, rep, strict=True))
    else:
        pads = padding
    if transpose_kernel:
        rhs = jnp.flip(asarray_like(rhs), tuple(dn.rhs_spec[2:]))
        rhs = jnp.swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    return conv_general_dilated(lhs, rhs, (1,) * (nd - 2), pads, strides, rhs_dilation, dn,
                                precision=precision,
                                preferred_element_type=preferred_element_type)


# ------------------------------------------------------------- shape helpers


def _stride_dim(n, k, s):
    return (n - k) // s + 1 if n >= k else 0


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """Output shape of a convolution of canonical (``NC...``, ``OI...``) shapes;
    ``pads`` is a padding string or ``(low, high)`` pairs.

    >>> conv_shape_tuple((2, 3, 7, 6), (4, 3, 3, 2), (2, 1), 'SAME')
    (2, 4, 4, 6)
    """
    lhs_shape, rhs_shape = tuple(map(int, lhs_shape)), tuple(map(int, rhs_shape))
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError("Wrong number of explicit pads for convolution: expected "
                        f"{len(lhs_shape) - 2}, got {len(pads)}.")
    padded = [n + lo + hi for n, (lo, hi) in zip(lhs_shape[2:], pads, strict=True)]
    if any(p < 0 for p in padded):
        raise ValueError("Negative padding is larger than the size of the corresponding "
                         f"dimension: got padding={pads} for lhs_shape[2:]={lhs_shape[2:]}")
    space = tuple(_stride_dim(n, k, int(s))
                  for n, k, s in zip(padded, rhs_shape[2:], strides, strict=True))
    return (lhs_shape[0] // batch_group_count, rhs_shape[0]) + space


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """Output shape of a convolution with the given dimension-number specs.

    >>> conv_general_shape_tuple((2, 7, 6, 3), (3, 2, 3, 4), (2, 1), 'SAME',
    ...                          ('NHWC', 'HWIO', 'NHWC'))
    (2, 4, 6, 4)
    """
    lperm, rperm, operm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple([lhs_shape[i] for i in lperm], [rhs_shape[i] for i in rperm],
                           window_strides, padding)
    return tuple(out[i] for i in np.argsort(operm))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                               dimension_numbers):
    """Output shape of ``conv_transpose`` with the given dimension-number specs.

    >>> conv_transpose_shape_tuple((2, 7, 6, 3), (3, 2, 3, 4), (2, 1), 'SAME',
    ...                            ('NHWC', 'HWIO', 'NHWC'))
    (2, 14, 6, 4)
    """
    lperm, rperm, operm = conv_general_permutations(dimension_numbers)
    lt = [int(lhs_shape[i]) for i in lperm]
    rt = [int(rhs_shape[i]) for i in rperm]
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding)
                   for k, s in zip(rt[2:], window_strides, strict=True)]
    totals = [int(lo) + int(hi) for lo, hi in padding]
    space = [(i - 1) * s - k + 2 + p
             for i, k, s, p in zip(lt[2:], rt[2:], window_strides, totals, strict=True)]
    out = (lt[0], rt[0]) + tuple(space)
    return tuple(out[i] for i in np.argsort(operm))


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding,
                              base_dilation=None, window_dilation=None):
    """Output shape of ``reduce_window`` (explicit padding pairs).

    >>> reduce_window_shape_tuple((5, 6), (2, 2), (2, 1), ((1, 0), (0, 0)), (2, 1), (1, 2))
    (5, 4)
    """
    shape = [int(n) for n in operand_shape]
    if base_dilation is not None:
        shape = [dilate_dim(n, d) for n, d in zip(shape, base_dilation, strict=True)]
    window = [int(w) for w in window_dimensions]
    if window_dilation is not None:
        window = [dilate_dim(w, d) for w, d in zip(window, window_dilation, strict=True)]
    return tuple(_stride_dim(n + lo + hi, w, int(s))
                 for n, (lo, hi), w, s in zip(shape, padding, window, window_strides,
                                              strict=True))


# ------------------------------------------------------- windowed reductions


def _monoids():
    """``computation`` callables recognised by ``reduce_window``, by kind."""
    table = {}
    for kind, fns in (("sum", (lax_ops.add, jnp.add, np.add, operator.add)),
                      ("max", (lax_ops.max, jnp.maximum, np.maximum, max)),
                      ("min", (lax_ops.min, jnp.minimum, np.minimum, min)),
                      ("prod", (lax_ops.mul, jnp.multiply, np.multiply, operator.mul))):
        for f in fns:
            table[f] = kind
    return table


_MONOIDS = None
_REDUCERS = {"sum": reduce_window_sum_p, "max": reduce_window_max_p, "min": reduce_window_min_p,
             "prod": reduce_window_prod_p}


def window_params(shape, window_dimensions, window_strides=None, padding="VALID",
                  base_dilation=None, window_dilation=None):
    """``reduce_window``'s window arguments checked (JAX's checks, order and
    messages) and normalised for an operand of ``shape``: a dict of tuples with
    explicit ``(lo, hi)`` padding."""
    nd = len(shape)
    window_dimensions = _ints(window_dimensions, "window_dimensions")
    window_strides = (1,) * nd if window_strides is None else _ints(window_strides,
                                                                     "window_strides")
    base_dilation = (1,) * nd if base_dilation is None else _ints(base_dilation,
                                                                  "base_dilation")
    window_dilation = (1,) * nd if window_dilation is None else _ints(window_dilation,
                                                                      "window_dilation")
    _check_positive("reduce_window", "window_dimensions", window_dimensions)
    _check_positive("reduce_window", "window_strides", window_strides)
    if len(window_dimensions) != nd:
        raise TypeError("reduce_window got the wrong number of window_dimensions for operand: "
                        f"got operand shape {tuple(shape)} with window_dimensions "
                        f"{window_dimensions}.")
    for name, v in (("window_strides", window_strides), ("base_dilation", base_dilation),
                    ("window_dilation", window_dilation)):
        if len(v) != nd:
            raise TypeError(f"reduce_window got inconsistent {name} and window_dimensions: got "
                            f"{name} {v} and window_dimensions {window_dimensions}.")
    _check_dilations(base_dilation)
    _check_dilations(window_dilation)
    if isinstance(padding, str):
        eff = [dilate_dim(w, d) for w, d in zip(window_dimensions, window_dilation, strict=True)]
        padding = padtype_to_pads(shape, eff, window_strides, padding)
    padding = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    if len(padding) != nd:
        raise TypeError(f"reduce_window got inconsistent padding and window_dimensions: got "
                        f"padding {padding} and window_dimensions {window_dimensions}.")
    params = dict(window_dimensions=window_dimensions, window_strides=window_strides,
                  padding=padding, base_dilation=base_dilation, window_dilation=window_dilation)
    windowed_shape(shape, *params.values())  # checks the padding
    return params


def monoid_kind(computation):
    """``'sum'``, ``'max'``, ``'min'`` or ``'prod'`` for the computations that
    the ``reduce_window_*`` primitives implement, else None."""
    global _MONOIDS
    if _MONOIDS is None:
        _MONOIDS = _monoids()
    # The public lax functions wrap _src's (their concrete results are Arrays).
    computation = getattr(computation, "__wrapped__", computation)
    try:
        return _MONOIDS.get(computation)
    except TypeError:  # unhashable callable
        return None


def monoid_reduce_window(x, init, kind, params):
    """``reduce_window`` of one operand with a recognised monoid ``kind``: the
    ``reduce_window_*`` primitive, then ``init`` combined once (when it is not
    the identity)."""
    xa = get_aval(x)
    out = _REDUCERS[kind].bind(x, **params)
    if not isinstance(init, Tracer) and np.all(np.asarray(init) == identity(kind, xa.dtype)):
        return _out(out)
    init = astype(init, xa.dtype)
    combine = {"sum": jnp.add, "max": jnp.maximum, "min": jnp.minimum, "prod": jnp.multiply}
    return _out(combine[kind](out, init))
