"""Tensor products: ``dot_general`` (reaches BLAS through matmul/tensordot) and
``einsum``.

``dot_general(lhs, rhs, dimension_numbers=((lc, rc), (lb, rb)))`` follows
``lax.dot_general``: contract ``lc`` with ``rc``, batch over ``lb``/``rb``;
output axes are (batch, lhs free, rhs free).
"""
from __future__ import annotations

import numpy as np

from .. import inputs
from ..core import Primitive, ShapedArray, shape_of
from ..errors import ShapeError
from .elementwise import add_p
from .reductions import _to_dtype
from .shapes import transpose_p


def _free(ndim, contract, batch):
    return [i for i in range(ndim) if i not in contract and i not in batch]


def _dot_general(lhs, rhs, *, dimension_numbers, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    lhs = np.asarray(lhs)
    rhs = np.asarray(rhs)
    if not lb:
        out = np.tensordot(lhs, rhs, axes=(lc, rc)) if (lc or lhs.ndim or rhs.ndim) else lhs * rhs
    else:
        lf = _free(lhs.ndim, lc, lb)
        rf = _free(rhs.ndim, rc, rb)
        ls, rs = lhs.shape, rhs.shape
        nb = int(np.prod([ls[i] for i in lb], dtype=np.int64))
        m = int(np.prod([ls[i] for i in lf], dtype=np.int64))
        n = int(np.prod([rs[i] for i in rf], dtype=np.int64))
        k = int(np.prod([ls[i] for i in lc], dtype=np.int64))
        a = np.transpose(lhs, list(lb) + lf + list(lc)).reshape(nb, m, k)
        b = np.transpose(rhs, list(rb) + list(rc) + rf).reshape(nb, k, n)
        out = np.matmul(a, b).reshape(
            tuple(ls[i] for i in lb) + tuple(ls[i] for i in lf) + tuple(rs[i] for i in rf))
    if preferred_element_type is not None:
        out = out.astype(preferred_element_type, copy=False)
    elif out.dtype != lhs.dtype and inputs.is_ml_float(lhs.dtype):
        # ml_dtypes' matmul loops accumulate and return float32: back to the
        # operands' type (bfloat16 @ bfloat16 is bfloat16, as in JAX)
        out = out.astype(np.result_type(lhs.dtype, rhs.dtype), copy=False)
    return out


def _dot_general_abstract(la, ra, *, dimension_numbers, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    for i, j in zip(lc, rc, strict=True):
        if la.shape[i] != ra.shape[j]:
            raise ShapeError(
                f"dot_general requires contracting dimensions to have the same shape, got "
                f"{la.shape} and {ra.shape} (contracting {lc} and {rc}).")
    shape = (tuple(la.shape[i] for i in lb) + tuple(la.shape[i] for i in _free(la.ndim, lc, lb))
             + tuple(ra.shape[i] for i in _free(ra.ndim, rc, rb)))
    dt = np.dtype(preferred_element_type) if preferred_element_type is not None else \
        np.result_type(la.dtype, ra.dtype)
    return ShapedArray(shape, dt)


dot_general_p = Primitive("dot_general", _dot_general, abstract=_dot_general_abstract)


def _dot_general_batch(axis, vals, dims, *, dimension_numbers, preferred_element_type=None):
    (lhs, rhs), (ld, rd) = vals, dims
    (lc, rc), (lb, rb) = dimension_numbers
    sh = lambda axes, d: tuple(a + (a >= d) for a in axes)  # noqa: E731
    if ld is not None and rd is not None:
        # Both mapped: the batch axis becomes a new leading dot batch dimension.
        dn = ((sh(lc, ld), sh(rc, rd)), ((ld,) + sh(lb, ld), (rd,) + sh(rb, rd)))
        return dot_general_p.bind(lhs, rhs, dimension_numbers=dn,
                                  preferred_element_type=preferred_element_type), 0
    if ld is not None:
        # Only lhs mapped: its batch axis is one more free lhs axis (a bigger matmul).
        lc2, lb2 = sh(lc, ld), sh(lb, ld)
        free = _free(len(shape_of(lhs)), lc2, lb2)
        out_d = len(lb) + free.index(ld)
        dn = ((lc2, rc), (lb2, rb))
    else:
        rc2, rb2 = sh(rc, rd), sh(rb, rd)
        free = _free(len(shape_of(rhs)), rc2, rb2)
        lhs_free = len(shape_of(lhs)) - len(lc) - len(lb)
        out_d = len(lb) + lhs_free + free.index(rd)
        dn = ((lc, rc2), (lb, rb2))
    return dot_general_p.bind(lhs, rhs, dimension_numbers=dn,
                              preferred_element_type=preferred_element_type), out_d


dot_general_p.batch = _dot_general_batch

# ----------------------------------------------------------------------- einsum
# ``spec`` is an explicit subscripts string "ab,bc->ac" (no ellipsis; the numpy
# layer expands ellipses).  The batching rule gives the batch axis a fresh letter.

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum(*operands, spec):
    dt = np.result_type(*operands)
    if inputs.is_ml_float(dt):  # NumPy's einsum has no loops for ml_dtypes' types
        wide = [np.asarray(o, np.float32) for o in operands]
        return np.einsum(spec, *wide, optimize=len(operands) > 2 or "greedy").astype(dt)
    return np.einsum(spec, *operands, optimize=len(operands) > 2 or "greedy")


def _einsum_abstract(*avals, spec):
    ins, out = spec.split("->")
    sizes = {}
    for sub, a in zip(ins.split(","), avals, strict=True):
        for ch, s in zip(sub, a.shape, strict=True):
            if sizes.get(ch, 1) == 1:
                sizes[ch] = s
    return ShapedArray(tuple(sizes[c] for c in out), np.result_type(*[a.dtype for a in avals]))


einsum_p = Primitive("einsum", _einsum, abstract=_einsum_abstract)


def _einsum_batch(axis, vals, dims, *, spec):
    ins, out = spec.split("->")
    subs = ins.split(",")
    fresh = next(c for c in _LETTERS if c not in spec)
    new_subs = []
    for s, d in zip(subs, dims, strict=True):
        new_subs.append(s if d is None else s[:d] + fresh + s[d:])
    return einsum_p.bind(*vals, spec=",".join(new_subs) + "->" + fresh + out), 0


einsum_p.batch = _einsum_batch

# --------------------------------------------------------- differentiation
# Both are multilinear: the JVP sums one product per tangent, and the
# transpose for one operand contracts the cotangent with the others.

from ..autodiff import aval_of, is_undefined  # noqa: E402


def _ranges_like(*xs):
    start = 0
    for x in xs:
        yield tuple(range(start, start + len(x)))
        start += len(x)


def bilinear_jvp(prim):
    """The JVP rule of a primitive linear in each of its two operands:
    ``d f(x, y) = f(tx, y) + f(x, ty)`` (a missing tangent drops its term)."""
    def jvp(primals, tangents, **params):
        (x, y), (tx, ty) = primals, tangents
        out = prim.bind(x, y, **params)
        tan = None
        if tx is not None:
            tan = prim.bind(tx, y, **params)
        if ty is not None:
            term = prim.bind(x, ty, **params)
            tan = term if tan is None else add_p.bind(tan, term)
        return out, tan
    return jvp


def _dot_transpose_lhs(ct, x_aval, y, dimension_numbers, preferred_element_type, swap_ans=False):
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    x_ndim = len(x_aval.shape)
    y_ndim = len(aval_of(y).shape)
    x_kept = _free(x_ndim, x_contract, x_batch)
    y_kept = _free(y_ndim, y_contract, y_batch)
    if swap_ans:
        ans_batch, ans_y, _ = _ranges_like(x_batch, y_kept, x_kept)
    else:
        ans_batch, _, ans_y = _ranges_like(x_batch, x_kept, y_kept)
    dims = ((ans_y, tuple(y_kept)), (ans_batch, tuple(y_batch)))
    x_contract_sorted_by_y = [x_contract[i] for i in np.argsort(y_contract)]
    out_axes = np.argsort(list(x_batch) + x_kept + x_contract_sorted_by_y)
    r = dot_general_p.bind(ct, y, dimension_numbers=dims,
                           preferred_element_type=preferred_element_type)
    perm = tuple(int(i) for i in out_axes)
    if perm != tuple(range(len(perm))):
        r = transpose_p.bind(r, perm=perm)
    return _cast(r, x_aval.dtype)


def _cast(r, dtype):
    return _to_dtype(r, dtype) if inputs.is_inexact(dtype) else r


def _dot_general_transpose(ct, x, y, *, dimension_numbers, preferred_element_type=None):
    if is_undefined(x) and is_undefined(y):
        raise ValueError("dot_general is not linear in both operands at once")
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.aval, y, dimension_numbers, preferred_element_type),
                None]
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    swapped = ((y_contract, x_contract), (y_batch, x_batch))
    return [None, _dot_transpose_lhs(ct, y.aval, x, swapped, preferred_element_type,
                                     swap_ans=True)]


dot_general_p.jvp = bilinear_jvp(dot_general_p)
dot_general_p.transpose = _dot_general_transpose


def _einsum_jvp(primals, tangents, *, spec):
    out = einsum_p.bind(*primals, spec=spec)
    tan = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        ops = list(primals)
        ops[i] = t
        term = einsum_p.bind(*ops, spec=spec)
        tan = term if tan is None else add_p.bind(tan, term)
    return out, tan


def _einsum_transpose(ct, *operands, spec):
    """For the one linear operand ``i``: an einsum of the cotangent with the
    other operands, producing operand ``i``'s subscripts.  A letter repeated in
    them (a diagonal) gets fresh letters tied by identity matrices, and a letter
    found nowhere else (summed only in operand ``i``) is broadcast by ones."""
    ins, out = spec.split("->")
    subs = ins.split(",")
    lin = [i for i, o in enumerate(operands) if is_undefined(o)]
    if len(lin) != 1:
        raise ValueError("einsum is linear in one operand at a time")
    (i,) = lin
    sizes = {}
    for s, o in zip(subs, operands, strict=True):
        for ch, n in zip(s, aval_of(o).shape, strict=True):
            if sizes.get(ch, 1) == 1:
                sizes[ch] = n
    used = set(spec)
    fresh = (c for c in _LETTERS if c not in used)
    in_subs, in_ops = [], []
    for k, (s, o) in enumerate(zip(subs, operands, strict=True)):
        if k != i:
            in_subs.append(s)
            in_ops.append(o)
    in_subs.append(out)
    in_ops.append(ct)
    target, seen = [], set()
    for ch in subs[i]:
        if ch in seen:
            new = next(fresh)
            in_subs.append(ch + new)
            in_ops.append(np.eye(sizes[ch], dtype=aval_of(operands[i]).dtype))
            target.append(new)
        else:
            seen.add(ch)
            target.append(ch)
    present = set("".join(in_subs))
    for ch in dict.fromkeys(subs[i]):
        if ch not in present:
            in_subs.append(ch)
            in_ops.append(np.ones((sizes[ch],), aval_of(operands[i]).dtype))
    r = einsum_p.bind(*in_ops, spec=",".join(in_subs) + "->" + "".join(target))
    res = [None] * len(operands)
    res[i] = _cast(r, aval_of(operands[i]).dtype)
    return res


einsum_p.jvp = _einsum_jvp
einsum_p.transpose = _einsum_transpose
