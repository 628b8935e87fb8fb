"""Tensor products: ``dot_general`` (reaches BLAS through matmul/tensordot) and
``einsum``.

``dot_general(lhs, rhs, dimension_numbers=((lc, rc), (lb, rb)))`` follows
``lax.dot_general``: contract ``lc`` with ``rc``, batch over ``lb``/``rb``;
output axes are (batch, lhs free, rhs free).
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray, shape_of


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
    return out


def _dot_general_abstract(la, ra, *, dimension_numbers, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    for i, j in zip(lc, rc, strict=True):
        if la.shape[i] != ra.shape[j]:
            raise TypeError(
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
