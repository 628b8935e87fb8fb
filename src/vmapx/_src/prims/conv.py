"""Convolution: the ``conv_general_dilated`` primitive (``lax.conv_general_dilated``).

Parameters (all static, hashable):

* ``window_strides``, ``lhs_dilation``, ``rhs_dilation``: one int per spatial axis;
* ``padding``: explicit ``((lo, hi), ...)`` per spatial axis (negative crops);
* ``dimension_numbers``: a ``ConvDimensionNumbers(lhs_spec, rhs_spec, out_spec)``
  of permutations: ``lhs_spec`` lists the lhs axes holding (batch, feature,
  spatial...), ``rhs_spec`` the kernel's (out feature, in feature, spatial...),
  ``out_spec`` the output's (batch, feature, spatial...);
* ``feature_group_count``, ``batch_group_count`` (XLA's grouped convolutions);
* ``preferred_element_type``: ``None`` or the dtype to compute and return in.

The impl is im2col: the lhs is dilated and padded once, its windows taken as a
strided view, and one (batched over groups) matmul contracts them with the
kernel -- BLAS, no Python loop over batch or positions.  The batching rule
folds a mapped lhs axis into the conv's batch dimension, a mapped kernel axis
into its output features, and both at once into feature groups (as JAX).  The
convolution is bilinear; its transposes are convolutions too.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import dtype_of, Primitive, shape_of, ShapedArray
from .windowed import dilate_dim, dilate_pad, vjp_padding, window_view, windowed_shape
from .reductions import _to_dtype
from .shapes import reshape_p, rev_p, transpose_p


class ConvDimensionNumbers(NamedTuple):
    """Which axes of lhs, rhs (kernel) and output are batch/feature/spatial.

    ``lhs_spec``: (batch dimension, feature dimension, spatial dimensions...);
    ``rhs_spec``: (out feature dimension, in feature dimension, spatial...);
    ``out_spec``: (batch dimension, feature dimension, spatial dimensions...).

    >>> ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2)).rhs_spec
    (3, 2, 0, 1)
    """
    lhs_spec: tuple
    rhs_spec: tuple
    out_spec: tuple


def _prod(xs):
    return int(np.prod(xs, dtype=np.int64))


# ------------------------------------------------------------------ impl


def _conv(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
          feature_group_count, batch_group_count, preferred_element_type=None):
    lspec, rspec, ospec = dimension_numbers
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    dt = (np.dtype(preferred_element_type) if preferred_element_type is not None
          else np.result_type(lhs.dtype, rhs.dtype))
    nsp = lhs.ndim - 2
    # dilate and pad in the lhs's own layout (keeps its memory order), then view
    # it as (N, C, spatial...) and its windows as (N, C, P..., K...)
    dil, pads = [1] * lhs.ndim, [(0, 0)] * lhs.ndim
    for i, ax in enumerate(lspec[2:]):
        dil[ax], pads[ax] = lhs_dilation[i], padding[i]
    xp = np.transpose(dilate_pad(lhs.astype(dt, copy=False), 0, dil, pads, 0), lspec)
    w = np.transpose(rhs, rspec).astype(dt, copy=False)  # (O, I, kernel...)
    ksp = w.shape[2:]
    patches = window_view(xp, 2, ksp, window_strides, rhs_dilation)
    n, c = xp.shape[:2]
    o = w.shape[0]
    groups = feature_group_count * batch_group_count  # one of them is 1
    nb, cg, oq = n // batch_group_count, c // feature_group_count, o // groups
    out_sp = patches.shape[2:2 + nsp]
    p, k = _prod(out_sp), _prod(ksp)
    # (B, Nb, G, Cg, P..., K...) -> (B, G, Nb, P..., [Cg, K... | K..., Cg]) -> (B*G, Nb*P, Cg*K);
    # the im2col copy reads features innermost when they are the lhs's fastest axis
    pt = patches.reshape((batch_group_count, nb, feature_group_count, cg) + patches.shape[2:])
    sp_axes = tuple(range(4, 4 + nsp))
    k_axes = tuple(range(4 + nsp, 4 + 2 * nsp))
    wg = w.reshape((groups, oq, cg) + ksp)
    features_last = nsp > 0 and abs(xp.strides[1]) < abs(xp.strides[-1])
    if features_last:
        a = np.transpose(pt, (0, 2, 1) + sp_axes + k_axes + (3,))
        wg = np.transpose(wg, (0,) + tuple(range(3, 3 + nsp)) + (2, 1))  # (B*G, K..., Cg, Oq)
    else:
        a = np.transpose(pt, (0, 2, 1) + sp_axes + (3,) + k_axes)
        wg = np.transpose(wg, (0,) + (2,) + tuple(range(3, 3 + nsp)) + (1,))
    r = np.matmul(a.reshape(groups, nb * p, cg * k), wg.reshape(groups, cg * k, oq))
    r = r.reshape((groups, nb) + out_sp + (oq,))
    r = np.transpose(r, (1, 0, nsp + 2) + tuple(range(2, 2 + nsp))).reshape((nb, o) + out_sp)
    return np.transpose(r, np.argsort(ospec))


def conv_shape(lhs_shape, rhs_shape, *, window_strides, padding, lhs_dilation, rhs_dilation,
               dimension_numbers, feature_group_count, batch_group_count):
    """The output shape of a convolution, with JAX's checks and messages."""
    lspec, rspec, ospec = dimension_numbers
    if len(lhs_shape) != len(rhs_shape):
        raise ValueError("conv_general_dilated lhs and rhs must have the same number of "
                         f"dimensions, but got {tuple(lhs_shape)} and {tuple(rhs_shape)}.")
    if not feature_group_count > 0:
        raise ValueError("conv_general_dilated feature_group_count must be a positive "
                         f"integer, got {feature_group_count}.")
    lhs_c = lhs_shape[lspec[1]]
    quot, rem = divmod(lhs_c, feature_group_count)
    if rem:
        raise ValueError("conv_general_dilated feature_group_count must divide lhs feature "
                         f"dimension size, but {feature_group_count} does not divide {lhs_c}.")
    if quot != rhs_shape[rspec[1]]:
        raise ValueError("conv_general_dilated lhs feature dimension size divided by "
                         "feature_group_count must equal the rhs input feature dimension "
                         f"size, but {lhs_c} // {feature_group_count} != "
                         f"{rhs_shape[rspec[1]]}.")
    if rhs_shape[rspec[0]] % feature_group_count:
        raise ValueError("conv_general_dilated rhs output feature dimension size must be a "
                         f"multiple of feature_group_count, but {rhs_shape[rspec[0]]} is not a "
                         f"multiple of {feature_group_count}.")
    if not batch_group_count > 0:
        raise ValueError("conv_general_dilated batch_group_count must be a positive integer, "
                         f"got {batch_group_count}.")
    lhs_n = lhs_shape[lspec[0]]
    if batch_group_count > 1 and lhs_n % batch_group_count:
        raise ValueError("conv_general_dilated batch_group_count must divide lhs batch "
                         f"dimension size, but {batch_group_count} does not divide {lhs_n}.")
    if rhs_shape[rspec[0]] % batch_group_count:
        raise ValueError("conv_general_dilated rhs output feature dimension size must be a "
                         f"multiple of batch_group_count, but {rhs_shape[rspec[0]]} is not a "
                         f"multiple of {batch_group_count}.")
    if batch_group_count > 1 and feature_group_count > 1:
        raise ValueError("At most one of batch_group_count and feature_group_count may be > 1, "
                         f"got batch_group_count={batch_group_count} and "
                         f"feature_group_count={feature_group_count}")
    nsp = len(rspec) - 2
    if nsp != len(window_strides):
        raise ValueError("conv_general_dilated window and window_strides must have the same "
                         f"number of dimensions, but got {nsp} and {len(window_strides)}")
    if len(padding) != nsp:
        raise TypeError("Wrong number of explicit pads for convolution: expected "
                        f"{nsp}, got {len(padding)}.")
    lsp = [lhs_shape[i] for i in lspec[2:]]
    ksp = [rhs_shape[i] for i in rspec[2:]]
    spatial = windowed_shape(lsp, ksp, window_strides, padding, lhs_dilation, rhs_dilation,
                             what="conv_general_dilated")
    canon = (lhs_n // batch_group_count, rhs_shape[rspec[0]]) + spatial
    return tuple(canon[i] for i in np.argsort(ospec))


def _conv_abstract(la, ra, *, preferred_element_type=None, **params):
    shape = conv_shape(la.shape, ra.shape, **params)
    dt = (np.dtype(preferred_element_type) if preferred_element_type is not None
          else np.result_type(la.dtype, ra.dtype))
    return ShapedArray(shape, dt)


conv_general_dilated_p = Primitive("conv_general_dilated", _conv, abstract=_conv_abstract)

# -------------------------------------------------------------- batching


def _reshape_axis_into(src, dst, x):
    """Move axis ``src`` of ``x`` next to (before) the axis that is ``dst``
    once ``src`` is removed, and merge the two (``src`` major)."""
    shape = list(shape_of(x))
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    if perm != list(range(len(shape))):
        x = transpose_p.bind(x, perm=tuple(perm))
    new = [shape[i] for i in range(len(shape)) if i != src]
    new[dst] *= shape[src]
    return reshape_p.bind(x, new_sizes=tuple(new))


def _reshape_axis_out_of(src, size1, x):
    """Split axis ``src`` of ``x`` into ``(size1, rest)``."""
    shape = list(shape_of(x))
    shape[src:src + 1] = [size1, shape[src] // size1]
    return reshape_p.bind(x, new_sizes=tuple(shape))


def _conv_batch(axis, vals, dims, **params):
    (lhs, rhs), (ld, rd) = vals, dims
    lspec, rspec, ospec = params["dimension_numbers"]
    fgc, bgc = params["feature_group_count"], params["batch_group_count"]
    bind = conv_general_dilated_p.bind
    if axis.size == 0:
        lshape, rshape = list(shape_of(lhs)), list(shape_of(rhs))
        if ld is not None:
            lshape.pop(ld)
        if rd is not None:
            rshape.pop(rd)
        a = _conv_abstract(ShapedArray(tuple(lshape), np.dtype(_dtype(lhs))),
                           ShapedArray(tuple(rshape), np.dtype(_dtype(rhs))), **params)
        return np.zeros((0,) + a.shape, a.dtype), 0
    size = axis.size
    if ld is not None and rd is not None:
        if bgc > 1:
            new_lhs = _reshape_axis_into(ld, lspec[0], lhs)
            params = dict(params, batch_group_count=bgc * size)
        else:
            new_lhs = _reshape_axis_into(ld, lspec[1], lhs)
            params = dict(params, feature_group_count=fgc * size)
        new_rhs = _reshape_axis_into(rd, rspec[0], rhs)
        out = bind(new_lhs, new_rhs, **params)
        return _reshape_axis_out_of(ospec[1], size, out), ospec[1]
    if ld is not None:
        if bgc == 1:
            new_lhs = _reshape_axis_into(ld, lspec[0], lhs)
        else:
            # keep the batch groups outermost: N = (groups, vmap, N / groups)
            new_lhs = _reshape_axis_out_of(lspec[0] + int(ld <= lspec[0]), bgc, lhs)
            new_lhs = _reshape_axis_into(ld + int(lspec[0] < ld), lspec[0] + 1, new_lhs)
            new_lhs = _reshape_axis_into(lspec[0], lspec[0], new_lhs)
        out = bind(new_lhs, rhs, **params)
        return _reshape_axis_out_of(ospec[0], size, out), ospec[0]
    if fgc == 1 and bgc == 1:
        new_rhs = _reshape_axis_into(rd, rspec[0], rhs)
        out = bind(lhs, new_rhs, **params)
        return _reshape_axis_out_of(ospec[1], size, out), ospec[1]
    # groups outermost in the kernel's output features: O = (groups, vmap, O / groups)
    groups = fgc if fgc > 1 else bgc
    new_rhs = _reshape_axis_out_of(rspec[0] + int(rd <= rspec[0]), groups, rhs)
    new_rhs = _reshape_axis_into(rd + int(rspec[0] < rd), rspec[0] + 1, new_rhs)
    new_rhs = _reshape_axis_into(rspec[0], rspec[0], new_rhs)
    out = bind(lhs, new_rhs, **params)
    out = _reshape_axis_out_of(ospec[1], groups, out)
    out = _reshape_axis_out_of(ospec[1] + 1, size, out)
    return _reshape_axis_into(ospec[1], ospec[1] + 1, out), ospec[1]


def _dtype(x):
    return dtype_of(x)


conv_general_dilated_p.batch = _conv_batch

# --------------------------------------------------------- differentiation
# Bilinear: the JVP is conv(tx, y) + conv(x, ty).  The transposes are JAX's:
# ignoring space, the conv is [m, j] x [j, k] -> [m, k] (batch m, in feature
# j, out feature k); the lhs cotangent is [m, k] x [k, j] (the kernel with its
# feature axes swapped and space reversed), the rhs cotangent [j, m] x [m, k].
# Feature groups become batch groups in the rhs transpose and vice versa.

from ..autodiff import aval_of, is_undefined  # noqa: E402
from .products import bilinear_jvp  # noqa: E402


def _spec_transpose(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def _take(shape, idx):
    return tuple(shape[i] for i in idx)


def _rhs_vjp_padding(in_shape, window, strides, out_shape, padding, lhs_dilation,
                     rhs_dilation):
    pads = []
    for n, k, s, o, (lo, _), ld, rd in zip(in_shape, window, strides, out_shape, padding,
                                           lhs_dilation, rhs_dilation, strict=True):
        hi = (dilate_dim(o, s) - dilate_dim(n, ld)) + (dilate_dim(k, rd) - lo - 1)
        pads.append((lo, hi))
    return tuple(pads)


def _cast(x, dtype):
    return _to_dtype(x, dtype)


def _transpose_lhs(ct, lhs_aval, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type=None):
    lspec, rspec, ospec = dimension_numbers
    rhs_shape = aval_of(rhs).shape
    if feature_group_count > 1:
        rhs = _reshape_axis_out_of(rspec[0], feature_group_count, rhs)
        rhs = _reshape_axis_into(rspec[0], rspec[1], rhs)
    elif batch_group_count > 1:
        rhs = _reshape_axis_out_of(rspec[0], batch_group_count, rhs)
        rhs = _reshape_axis_into(rspec[0], rspec[1], rhs)
        feature_group_count = batch_group_count
    pads = vjp_padding(_take(lhs_aval.shape, lspec[2:]), _take(rhs_shape, rspec[2:]),
                            window_strides, _take(shape_of(ct), ospec[2:]), padding,
                            lhs_dilation, rhs_dilation)
    revd = rev_p.bind(rhs, axes=tuple(rspec[2:])) if len(rspec) > 2 else rhs
    revd = _cast(revd, np.dtype(_dtype(ct)))
    out = conv_general_dilated_p.bind(
        ct, revd, window_strides=tuple(lhs_dilation), padding=pads,
        lhs_dilation=tuple(window_strides), rhs_dilation=tuple(rhs_dilation),
        dimension_numbers=ConvDimensionNumbers(ospec, _spec_transpose(rspec), lspec),
        feature_group_count=feature_group_count, batch_group_count=1,
        preferred_element_type=preferred_element_type)
    out = _cast(out, lhs_aval.dtype)
    if batch_group_count > 1:
        out = _reshape_axis_out_of(lspec[1], batch_group_count, out)
        out = _reshape_axis_into(lspec[1], lspec[0], out)
    return out


def _transpose_rhs(ct, lhs, rhs_aval, *, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type=None):
    if _prod(shape_of(ct)) == 0:
        return np.zeros(rhs_aval.shape, rhs_aval.dtype)
    lspec, rspec, ospec = dimension_numbers
    if batch_group_count > 1:
        feature_group_count, batch_group_count = batch_group_count, 1
    elif feature_group_count > 1:
        feature_group_count, batch_group_count = 1, feature_group_count
    lhs_shape = aval_of(lhs).shape
    pads = _rhs_vjp_padding(_take(lhs_shape, lspec[2:]), _take(rhs_aval.shape, rspec[2:]),
                            window_strides, _take(shape_of(ct), ospec[2:]), padding,
                            lhs_dilation, rhs_dilation)
    lhs = _cast(lhs, np.dtype(_dtype(ct)))
    out = conv_general_dilated_p.bind(
        lhs, ct, window_strides=tuple(rhs_dilation), padding=pads,
        lhs_dilation=tuple(lhs_dilation), rhs_dilation=tuple(window_strides),
        dimension_numbers=ConvDimensionNumbers(_spec_transpose(lspec), _spec_transpose(ospec),
                                               _spec_transpose(rspec)),
        feature_group_count=feature_group_count, batch_group_count=batch_group_count,
        preferred_element_type=preferred_element_type)
    return _cast(out, rhs_aval.dtype)


def _conv_transpose_rule(ct, lhs, rhs, **params):
    if is_undefined(lhs) and is_undefined(rhs):
        raise ValueError("conv_general_dilated is not linear in both operands at once")
    if is_undefined(lhs):
        return [_transpose_lhs(ct, lhs.aval, rhs, **params), None]
    return [None, _transpose_rhs(ct, lhs, rhs.aval, **params)]


conv_general_dilated_p.jvp = bilinear_jvp(conv_general_dilated_p)
conv_general_dilated_p.transpose = _conv_transpose_rule
