"""Products of ``vmapx.numpy``: all lowered to ``dot_general`` (BLAS) or ``einsum``."""
from __future__ import annotations

import operator

import numpy as np

from ..core import shape_of, ndim_of, dtype_of
from ..errors import ShapeError
from ..prims import elementwise as ew
from ..prims.products import _LETTERS, dot_general_p, einsum_p
from .base import asarray_like, astype, canonicalize_axis, promote_args
from .indexing import diagonal
from .reductions import sum as _sum
from .shapes import (broadcast_to, concatenate, expand_dims, moveaxis, ravel, reshape,
                     slice_along, squeeze)


def _inputs(a, b, preferred_element_type):
    """The operands as arrays; with JAX's ``preferred_element_type``, converted to it so
    the product accumulates (and comes out) in that dtype."""
    a, b = promote_args(a, b)   # JAX's promotion (int32 with float32 is float32)
    if preferred_element_type is not None:
        a, b = astype(a, preferred_element_type), astype(b, preferred_element_type)
    return a, b


def _dg(a, b, lc, rc, lb=(), rb=()):
    sa, sb = shape_of(a), shape_of(b)
    left, right = tuple(sa[i] for i in lc), tuple(sb[j] for j in rc)
    if left != right:   # JAX's TypeError (its NN tutorial catches it)
        raise ShapeError("dot_general requires contracting dimensions to have the same shape, "
                         f"got {left} and {right}.")
    return dot_general_p.bind(a, b, dimension_numbers=((tuple(lc), tuple(rc)),
                                                       (tuple(lb), tuple(rb))))


def _type_str(x):
    """JAX's spelling of an array type: ``float64[2,3]``."""
    return f"{dtype_of(x).name}[{','.join(map(str, shape_of(x)))}]"


def _scalar_mul(a, b):
    return ew.multiply_p.bind(a, b)


def dot(a, b, out=None, *, precision=None, preferred_element_type=None):
    """As ``numpy.dot``.

    >>> dot(np.array([[1, 2], [3, 4]]), np.array([1, 1]))
    array([3, 7])
    """
    a, b = _inputs(a, b, preferred_element_type)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return _scalar_mul(a, b)
    return _dg(a, b, (na - 1,), (0 if nb == 1 else nb - 2,))


def matmul(a, b, out=None, *, precision=None, preferred_element_type=None):
    """As ``numpy.matmul`` (``@``), with broadcasting of leading axes.

    >>> matmul(np.ones((2, 3)), np.ones(3))
    array([3., 3.])
    """
    a, b = _inputs(a, b, preferred_element_type)
    na, nb = ndim_of(a), ndim_of(b)
    for i, n in enumerate((na, nb)):
        if n == 0:
            raise ValueError(f"matmul input operand {i} must have ndim at least 1, but it has "
                             "ndim 0")
    sa, sb = shape_of(a), shape_of(b)
    k_a, k_b = sa[-1], sb[0 if nb == 1 else -2]
    if k_a != k_b:
        raise ShapeError("dot_general requires contracting dimensions to have the same shape, "
                         f"got {(k_a,)} and {(k_b,)}.")
    if na <= 2 and nb <= 2:
        return _dg(a, b, (na - 1,), (0 if nb == 1 else nb - 2,))
    a2 = expand_dims(a, 0) if na == 1 else a
    b2 = expand_dims(b, -1) if nb == 1 else b
    try:
        batch = np.broadcast_shapes(shape_of(a2)[:-2], shape_of(b2)[:-2])
    except ValueError:
        raise ValueError(f"Incompatible types for matmul arguments: {_type_str(a)} and "
                         f"{_type_str(b)}") from None
    nbatch = len(batch)
    if nb <= 2 and na > 2:
        # (..., n, k) @ (k, m): fold the batch into the free axes of a (one BLAS call)
        out = _dg(a2, b2, (ndim_of(a2) - 1,), (0,))
        return squeeze(out, -1) if nb == 1 else out
    a2 = broadcast_to(a2, batch + shape_of(a2)[-2:])
    b2 = broadcast_to(b2, batch + shape_of(b2)[-2:])
    bd = tuple(range(nbatch))
    out = _dg(a2, b2, (nbatch + 1,), (nbatch,), bd, bd)
    if na == 1:
        out = squeeze(out, -2)
    if nb == 1:
        out = squeeze(out, -1)
    return out


def vdot(a, b, *, precision=None, preferred_element_type=None):
    """As ``numpy.vdot`` (flattens; conjugates ``a``).

    >>> vdot(np.array([1, 2]), np.array([3, 4]))
    array(11)
    """
    a, b = (ravel(x) for x in _inputs(a, b, preferred_element_type))
    if dtype_of(a).kind == "c":
        a = ew.conjugate_p.bind(a)
    return _dg(a, b, (0,), (0,))


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    """Vector dot product along ``axis`` (conjugating ``x1``), as ``numpy.vecdot``.

    >>> vecdot(np.ones((2, 3)), np.ones(3))
    array([3., 3.])
    """
    x1, x2 = _inputs(x1, x2, preferred_element_type)
    for i, x in enumerate((x1, x2)):
        if ndim_of(x) == 0:
            raise ValueError(f"vecdot: Input operand {i} does not have enough dimensions (has "
                             "0, gufunc core with signature (n),(n)->() requires 1)")
    if dtype_of(x1).kind == "c":
        x1 = ew.conjugate_p.bind(x1)
    prod = ew.multiply_p.bind(x1, x2)
    return _sum(prod, axis=axis, dtype=dtype_of(prod))


def inner(a, b, *, precision=None, preferred_element_type=None):
    """As ``numpy.inner``.

    >>> inner(np.array([1, 2]), np.array([3, 4]))
    array(11)
    """
    a, b = _inputs(a, b, preferred_element_type)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return _scalar_mul(a, b)
    return _dg(a, b, (na - 1,), (nb - 1,))


def outer(a, b, out=None):
    """As ``numpy.outer`` (flattens inputs).

    >>> outer(np.array([1, 2]), np.array([1, 10]))
    array([[ 1, 10],
           [ 2, 20]])
    """
    a, b = promote_args(a, b)
    return _dg(ravel(a), ravel(b), (), ())


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    """As ``numpy.tensordot``.

    >>> tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    a, b = _inputs(a, b, preferred_element_type)
    na, nb = ndim_of(a), ndim_of(b)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        lc, rc = tuple(range(na - n, na)), tuple(range(n))
    else:
        la, rb_ = axes
        la = (la,) if isinstance(la, (int, np.integer)) else tuple(la)
        rb_ = (rb_,) if isinstance(rb_, (int, np.integer)) else tuple(rb_)
        lc = tuple(canonicalize_axis(x, na) for x in la)
        rc = tuple(canonicalize_axis(x, nb) for x in rb_)
    return _dg(a, b, lc, rc)   # mismatched contracted sizes: JAX's error (a ShapeError)


def _expand_ellipsis(spec, operands):
    """Rewrite ``...`` in an einsum spec with explicit letters; add '->' if missing."""
    if "->" not in spec:
        ins = spec.replace(" ", "")
        counts = {}
        for c in ins.replace(",", "").replace(".", ""):
            counts[c] = counts.get(c, 0) + 1
        out = ("..." if "..." in ins else "") + "".join(sorted(c for c, k in counts.items()
                                                             if k == 1))
        spec = ins + "->" + out
    spec = spec.replace(" ", "")
    if "..." not in spec:
        return spec
    ins, out = spec.split("->")
    subs = ins.split(",")
    free = [c for c in _LETTERS if c not in spec]
    nell = 0
    for s, op in zip(subs, operands, strict=True):
        if "..." in s:
            nell = max(nell, ndim_of(op) - (len(s) - 3))
    ell = "".join(free[:nell])
    new = []
    for s, op in zip(subs, operands, strict=True):
        if "..." in s:
            k = ndim_of(op) - (len(s) - 3)
            s = s.replace("...", ell[nell - k:] if k else "")
        new.append(s)
    return ",".join(new) + "->" + out.replace("...", ell)


def einsum(subscripts, *operands, out=None, optimize=True, precision=None,
           preferred_element_type=None, **kwargs):
    """As ``numpy.einsum`` (explicit or implicit output, ellipses).

    >>> einsum('ij,j->i', np.ones((2, 3)), np.arange(3.0))
    array([3., 3.])
    """
    if not isinstance(subscripts, str):  # einsum(op0, sublist0, op1, sublist1, ..., [out])
        subscripts, operands = _sublists_to_subscripts((subscripts,) + operands)
    dtype = kwargs.pop("dtype", None)
    casting = kwargs.pop("casting", "safe")
    kwargs.pop("order", None)  # memory layout: no meaning for the result's values
    if kwargs:
        raise TypeError(f"einsum() got an unexpected keyword argument {next(iter(kwargs))!r}")
    ops = promote_args(*operands) if dtype is None else [asarray_like(o) for o in operands]
    if preferred_element_type is not None:
        ops = [astype(o, preferred_element_type) for o in ops]
    if dtype is not None:
        dtype = np.dtype(dtype)
        for o in ops:
            dt = np.result_type(o) if not hasattr(o, "dtype") else o.dtype
            if not np.can_cast(dt, dtype, casting):
                raise TypeError(f"Iterator operand dtype could not be cast from {dt!r} to "
                                f"{dtype!r} according to the rule {casting!r}")
        ops = [astype(o, dtype) for o in ops]
    ops = [np.asarray(o) if isinstance(o, (int, float, complex, bool)) else o for o in ops]
    spec = _expand_ellipsis(subscripts, ops)
    # size-1 broadcasting within a letter: broadcast operands up front
    sizes = {}
    for sub, op in zip(spec.split("->")[0].split(","), ops, strict=True):
        if len(sub) != ndim_of(op):
            raise ValueError(f"einstein sum subscripts string contains too many subscripts for "
                             f"operand")
        for c, s in zip(sub, shape_of(op)):
            if s != 1:
                if sizes.get(c, s) != s:
                    raise ValueError(f"operands could not be broadcast together for letter {c}")
                sizes[c] = s
    fixed = []
    for sub, op in zip(spec.split("->")[0].split(","), ops, strict=True):
        want = tuple(sizes.get(c, 1) for c in sub)
        fixed.append(broadcast_to(op, want) if want != tuple(shape_of(op)) else op)
    return einsum_p.bind(*fixed, spec=spec)


def _sublists_to_subscripts(args):
    """NumPy's ``einsum(op0, sublist0, op1, sublist1, ..., [sublist_out])`` as a subscripts
    string and the operands."""
    args = list(args)
    out = args.pop() if len(args) % 2 else None
    ops, subs = args[0::2], args[1::2]

    def letters(sub):
        parts = []
        for s in sub:
            if s is Ellipsis:
                parts.append("...")
            else:
                s = operator.index(s)
                if not 0 <= s < 52:
                    raise ValueError("subscript is not within the valid range [0, 52)")
                parts.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[s])
        return "".join(parts)

    spec = ",".join(letters(sub) for sub in subs)
    if out is not None:
        spec += "->" + letters(out)
    return spec, tuple(ops)


def kron(a, b):
    """As ``numpy.kron``.

    >>> kron(np.eye(2), np.ones((1, 2)))
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    a, b = promote_args(a, b)
    nd = max(ndim_of(a), ndim_of(b))
    a = reshape(a, (1,) * (nd - ndim_of(a)) + shape_of(a))
    b = reshape(b, (1,) * (nd - ndim_of(b)) + shape_of(b))
    sa, sb = shape_of(a), shape_of(b)
    ae = reshape(a, tuple(x for s in sa for x in (s, 1)))
    be = reshape(b, tuple(x for s in sb for x in (1, s)))
    prod = ew.multiply_p.bind(ae, be)
    return reshape(prod, tuple(x * y for x, y in zip(sa, sb, strict=True)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """As ``numpy.cross`` for 3-vectors.

    >>> cross(np.array([1.0, 0, 0]), np.array([0, 1.0, 0]))
    array([0., 0., 1.])
    """
    a, b = promote_args(a, b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    if shape_of(a)[-1] not in (2, 3) or shape_of(b)[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    m, s = ew.multiply_p.bind, ew.subtract_p.bind
    c = [slice_along(a, ndim_of(a) - 1, i, i + 1) for i in range(shape_of(a)[-1])]
    d = [slice_along(b, ndim_of(b) - 1, i, i + 1) for i in range(shape_of(b)[-1])]
    if len(c) == 2 and len(d) == 2:  # the z component, as a scalar per vector pair
        return squeeze(s(m(c[0], d[1]), m(c[1], d[0])), -1)
    zero = ew.multiply_p.bind(c[0], 0)
    c, d = c + [zero] * (3 - len(c)), d + [ew.multiply_p.bind(d[0], 0)] * (3 - len(d))
    out = [s(m(c[1], d[2]), m(c[2], d[1])), s(m(c[2], d[0]), m(c[0], d[2])),
           s(m(c[0], d[1]), m(c[1], d[0]))]
    res = concatenate(out, axis=-1)
    return moveaxis(res, -1, axisc)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """As ``numpy.trace``.

    >>> trace(np.eye(3))
    np.float64(3.0)
    """
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


__all__ = [_n for _n, _v in list(globals().items())
           if callable(_v) and not _n.startswith("_") and getattr(_v, "__module__", None) == __name__]
