"""``vmapx.numpy.linalg`` (the public module re-exports this one): ``numpy.linalg``
over vmapx primitives.

The decompositions and solvers are primitives wrapping ``numpy.linalg``
(``_src/prims/linalg.py``); norms, ``lstsq``, ``matrix_rank``, ``cond``,
``matrix_power``, ``multi_dot`` and the tensor variants are composed from them.
Everything is batched under ``vmap`` and differentiable.

Differences from NumPy, all as in ``jax.numpy.linalg``: ``eig`` and
``eigvals`` always return complex arrays (NumPy returns real ones when the
eigenvalues happen to be real, a dtype that would depend on the data), and
``lstsq`` always returns the residuals ``|b - a x|^2`` (NumPy returns an empty
array unless ``a`` has full column rank and more rows than columns).

>>> import numpy as np, vmapx
>>> from vmapx.numpy import linalg
>>> vmapx.vmap(linalg.det)(np.stack([np.eye(2), 2 * np.eye(2)]))
array([1., 4.])
"""
from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np
from numpy.linalg import LinAlgError  # noqa: F401

from .. import inputs
from ..core import Tracer, ndim_of as _ndim_of, shape_of as _shape_of
from ..errors import ConcretizationTypeError
from .array import wrap_namespace as _wrap_namespace
from .base import asarray_like as _asarray_like, canonicalize_axis as _canonicalize_axis
from .static_args import scalar_like_numpy as _scalar_like_numpy
from ..prims import linalg as _lp
from . import basic_api as jnp
from .dtypes import result_type as _result_type

__all__ = ["LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh",
           "eigvals", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power",
           "matrix_rank", "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr",
           "slogdet", "solve", "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve",
           "trace", "vecdot", "vector_norm"]


# --------------------------------------------------------------- result types


class EigResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


class EighResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


class QRResult(NamedTuple):
    Q: object
    R: object


class SlogdetResult(NamedTuple):
    sign: object
    logabsdet: object


class SVDResult(NamedTuple):
    U: object
    S: object
    Vh: object


def _square(a):
    a = _asarray_like(a)
    _lp.check_square(_shape_of(a))
    return a


def _static_float(x, what):
    if isinstance(x, Tracer):
        raise ConcretizationTypeError(
            f"vmapx.numpy.linalg: {what} must be a concrete number, not a traced value.")
    return float(x)


# -------------------------------------------------------------- decompositions


def inv(a):
    """Matrix inverse over the last two axes, as ``numpy.linalg.inv``.

    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return _lp.inv_p.bind(_square(a))


def solve(a, b):
    """Solve ``a @ x = b``, as ``numpy.linalg.solve`` (``b`` a vector iff 1-D).

    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))
    array([1. , 0.5])
    """
    a, b = _square(a), _asarray_like(b)
    if _ndim_of(b) == 1:
        return jnp.squeeze(_lp.solve_p.bind(a, jnp.expand_dims(b, -1)), -1)
    return _lp.solve_p.bind(a, b)


def det(a):
    """Determinant, as ``numpy.linalg.det``.

    >>> det(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array(-2.)
    """
    return _lp.det_p.bind(_square(a))


def slogdet(a):
    """Sign and log of the absolute determinant, as ``numpy.linalg.slogdet``.

    >>> slogdet(np.array([[2.0, 0.0], [0.0, -3.0]]))
    SlogdetResult(sign=array(-1.), logabsdet=array(1.79175947))
    """
    return SlogdetResult(*_lp.slogdet_p.bind(_square(a)))


def _symmetrize(a):
    """``(a + a^H) / 2``: the Hermitian part JAX's Hermitian routines factor by default."""
    h = jnp.swapaxes(a, -1, -2)
    if _result_type(a).kind == "c":
        h = jnp.conjugate(h)
    return (a + h) / 2


def cholesky(a, /, *, upper=False, symmetrize_input=True):
    """Cholesky factor, as ``numpy.linalg.cholesky`` (lower unless ``upper``).

    As in JAX, the input is first replaced by its Hermitian part ``(a + a^H) / 2``
    (so derivatives are symmetric) unless ``symmetrize_input=False``, which reads
    the lower triangle only, as NumPy does.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    a = _square(a)
    if symmetrize_input:
        a = _symmetrize(a)
    return _lp.cholesky_p.bind(a, upper=bool(upper))


def qr(a, mode="reduced"):
    """QR decomposition, as ``numpy.linalg.qr`` (modes 'reduced', 'complete', 'r').

    >>> q, r = qr(np.array([[3.0, 0.0], [4.0, 5.0]]))
    >>> np.allclose(q @ r, [[3.0, 0.0], [4.0, 5.0]])
    True
    """
    a = _asarray_like(a)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = _lp.qr_p.bind(a, mode="complete" if mode == "complete" else "reduced")
    return r if mode == "r" else QRResult(q, r)


def _hermitian_input(a, UPLO, symmetrize_input):
    """The square input of ``eigh`` / ``eigvalsh`` (its Hermitian part when
    ``symmetrize_input``) and the checked triangle to read."""
    a = _square(a)
    if UPLO is None:
        UPLO = "L"
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return (_symmetrize(a) if symmetrize_input else a), UPLO


def eigh(a, UPLO=None, symmetrize_input=True):
    """Eigen-decomposition of Hermitian matrices, as ``numpy.linalg.eigh``.

    As in JAX, the input is first replaced by its Hermitian part ``(a + a^H) / 2``
    unless ``symmetrize_input=False``, which reads only the ``UPLO`` triangle
    (default 'L'), as NumPy does.

    >>> eigh(np.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    array([1., 2.])
    """
    a, UPLO = _hermitian_input(a, UPLO, symmetrize_input)
    w, v = _lp.eigh_p.bind(a, UPLO=UPLO)
    return EighResult(w, v)


def eigvalsh(a, UPLO="L", *, symmetrize_input=True):
    """Eigenvalues of Hermitian matrices, ascending, as ``numpy.linalg.eigvalsh``
    (of the Hermitian part ``(a + a^H) / 2`` unless ``symmetrize_input=False``, as
    in JAX).

    >>> eigvalsh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    array([1., 3.])
    """
    a, UPLO = _hermitian_input(a, UPLO, symmetrize_input)
    return _lp.eigvalsh_p.bind(a, UPLO=UPLO)


def eig(a):
    """Eigenvalues and right eigenvectors, as ``numpy.linalg.eig`` (always complex).

    >>> eig(np.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    array([2.+0.j, 1.+0.j])
    """
    w, v = _lp.eig_p.bind(_square(a))
    return EigResult(w, v)


def eigvals(a):
    """Eigenvalues, as ``numpy.linalg.eigvals`` (always complex).

    >>> eigvals(np.array([[0.0, -1.0], [1.0, 0.0]]))
    array([0.+1.j, 0.-1.j])
    """
    return _lp.eigvals_p.bind(_square(a))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition, as ``numpy.linalg.svd``.

    >>> svd(np.array([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
    array([4., 3.])
    """
    a = _asarray_like(a)
    if hermitian:  # factor the Hermitian part, as JAX does
        _lp.check_square(_shape_of(a))
        a = _symmetrize(a)
    out = _lp.svd_p.bind(a, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv),
                        hermitian=bool(hermitian))
    return SVDResult(*out) if compute_uv else out[0]


def svdvals(x, /):
    """Singular values, descending, as ``numpy.linalg.svdvals``.

    >>> svdvals(np.array([[0.0, 2.0], [1.0, 0.0]]))
    array([2., 1.])
    """
    return svd(x, compute_uv=False)


def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    """Moore-Penrose pseudo-inverse, as ``numpy.linalg.pinv`` (scalar ``rcond``).

    >>> pinv(np.array([[2.0, 0.0], [0.0, 0.0]]))
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    a = _asarray_like(a)
    if len(_shape_of(a)) < 2:
        raise LinAlgError(f"{len(_shape_of(a))}-dimensional array given. Array must be at "
                          "least two-dimensional")
    if rcond is not None and rtol is not None:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if rcond is None:
        rcond = rtol if rtol is not None else 1e-15
    if hermitian:  # invert the Hermitian part, as JAX does
        _lp.check_square(_shape_of(a))
        a = _symmetrize(a)
    return _lp.pinv_p.bind(a, rcond=_static_float(rcond, "rcond"), hermitian=bool(hermitian))


# ------------------------------------------------------------------ compositions


def matrix_power(a, n):
    """``a`` to the integer power ``n`` by repeated squaring, as ``numpy.linalg.matrix_power``.

    >>> matrix_power(np.array([[1, 1], [0, 1]]), 3)
    array([[1, 3],
           [0, 1]])
    """
    a = _square(a)
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        return jnp.broadcast_to(np.eye(_shape_of(a)[-1], dtype=_result_type(a)), _shape_of(a))
    if n < 0:
        a, n = inv(a), -n
    z = result = None
    while n > 0:
        z = a if z is None else jnp.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else jnp.matmul(result, z)
    return result


def _chain_order(shapes):
    """Optimal parenthesisation of a matrix chain (the textbook dynamic program)."""
    n = len(shapes)
    p = [s[0] for s in shapes] + [shapes[-1][1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(arrays, *, out=None):
    """Product of a chain of matrices in the cheapest order, as ``numpy.linalg.multi_dot``.

    >>> multi_dot([np.ones((2, 3)), np.ones((3, 4)), np.ones(4)])
    array([12., 12.])
    """
    if out is not None:
        raise TypeError("vmapx.numpy.linalg.multi_dot: the 'out' argument is not supported: "
                        "traced arrays are immutable; use the returned value.")
    arrays = [_asarray_like(a) for a in arrays]
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    if n == 2:
        return jnp.dot(arrays[0], arrays[1])
    first, last = _ndim_of(arrays[0]), _ndim_of(arrays[-1])
    if first == 1:
        arrays[0] = jnp.reshape(arrays[0], (1, -1))
    if last == 1:
        arrays[-1] = jnp.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if _ndim_of(a) != 2:
            raise LinAlgError(f"{_ndim_of(a)}-dimensional array given. Array must be "
                              "two-dimensional")
    split = _chain_order([_shape_of(a) for a in arrays])

    def prod(i, j):
        if i == j:
            return arrays[i]
        k = split[i][j]
        return jnp.dot(prod(i, k), prod(k + 1, j))

    result = prod(0, n - 1)
    if first == 1 and last == 1:
        return result[0, 0]
    if first == 1 or last == 1:
        return jnp.ravel(result)
    return result


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` via the SVD, as ``numpy.linalg.lstsq``.

    Returns ``(x, residuals, rank, s)``; the residuals ``|b - a x|^2`` are always
    computed (shape ``(k,)``, ``(1,)`` for a vector ``b``), as in JAX.

    >>> x, res, rank, s = lstsq(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
    ...                         np.array([1.0, 1.0, 2.0]))
    >>> x, rank
    (array([1., 1.]), array(2, dtype=int32))
    """
    a, b = _asarray_like(a), _asarray_like(b)
    is_1d = _ndim_of(b) == 1
    if is_1d:
        b = jnp.expand_dims(b, -1)
    if _ndim_of(a) != 2 or _ndim_of(b) != 2:
        raise LinAlgError(f"{max(_ndim_of(a), _ndim_of(b))}-dimensional array given. Array must "
                          "be two-dimensional")
    m, n = _shape_of(a)
    if _shape_of(b)[0] != m:
        raise LinAlgError("Incompatible dimensions")
    dt = _lp.linalg_dtype(_result_type(a), _result_type(b))
    if rcond is None:
        rcond = np.finfo(dt).eps * max(n, m)
    rcond = _static_float(rcond, "rcond")
    a, b = jnp.astype(a, dt), jnp.astype(b, dt)
    u, s, vt = _lp.svd_p.bind(a, full_matrices=False, compute_uv=True, hermitian=False)
    if min(m, n):
        cutoff = rcond * jnp.max(s)
        large = s > cutoff
        s_inv = jnp.where(large, 1 / jnp.where(large, s, 1), 0)
        rank = jnp.astype(jnp.sum(large), np.int32)
    else:
        s_inv, rank = s, np.asarray(0, np.int32)
    uhb = jnp.matmul(_lp._H(u), b) * jnp.expand_dims(jnp.astype(s_inv, dt), -1)
    x = jnp.matmul(_lp._H(vt), uhb)
    r = b - jnp.matmul(a, x)
    resid = jnp.sum(jnp.real(r * jnp.conjugate(r)) if dt.kind == "c" else r * r, axis=0)
    if is_1d:
        x = jnp.squeeze(x, -1)
    return x, resid, rank, s


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """Rank from the singular values, as ``numpy.linalg.matrix_rank``.

    >>> matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))
    array(1)
    """
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = _asarray_like(A)
    if _ndim_of(A) < 2:
        return jnp.astype(jnp.any(A != 0), np.int64)
    s = svd(A, compute_uv=False, hermitian=hermitian)
    smax = jnp.max(s, axis=-1, keepdims=True, initial=0)
    if tol is None:
        if rtol is None:
            rtol = max(_shape_of(A)[-2:]) * np.finfo(_result_type(s)).eps
        else:
            rtol = jnp.expand_dims(_asarray_like(rtol), -1)
        tol = smax * rtol
    else:
        tol = jnp.expand_dims(_asarray_like(tol), -1)
    return jnp.count_nonzero(s > tol, axis=-1)


def cond(x, p=None):
    """Condition number, as ``numpy.linalg.cond`` (``p`` in None, ±1, ±2, ±inf, 'fro', 'nuc').

    >>> cond(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array(2.)
    """
    x = _asarray_like(x)
    s = _shape_of(x)
    if len(s) >= 2 and s[-1] * s[-2] == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in (2, -2):
        sv = svd(x, compute_uv=False)
        r = sv[..., -1] / sv[..., 0] if p == -2 else sv[..., 0] / sv[..., -1]
    else:
        x = _square(x)
        r = norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))
        r = jnp.astype(r, _lp.real_dtype(_lp.linalg_dtype(_result_type(x))))
    nan_mask = jnp.isnan(r) & ~jnp.any(jnp.isnan(x), axis=(-2, -1))
    return _scalar_like_numpy(jnp.where(nan_mask, np.inf, r))


def tensorinv(a, ind=2):
    """Inverse of a tensor under ``tensordot(..., ind)``, as ``numpy.linalg.tensorinv``.

    >>> tensorinv(np.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    a = _asarray_like(a)
    old = _shape_of(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    inv_shape = old[ind:] + old[:ind]
    prod = int(np.prod(old[ind:], dtype=np.int64))
    return jnp.reshape(inv(jnp.reshape(a, (prod, -1))), inv_shape)


def tensorsolve(a, b, axes=None):
    """Solve ``tensordot(a, x, x.ndim) = b``, as ``numpy.linalg.tensorsolve``.

    >>> tensorsolve(np.eye(6).reshape(2, 3, 6), np.ones((2, 3))).shape
    (6,)
    """
    a, b = _asarray_like(a), _asarray_like(b)
    an = _ndim_of(a)
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = jnp.transpose(a, allaxes)
    old = _shape_of(a)[-(an - _ndim_of(b)):]
    prod = int(np.prod(old, dtype=np.int64))
    if int(np.prod(_shape_of(a), dtype=np.int64)) != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) "
                          "== prod(a.shape[:b.ndim])")
    return jnp.reshape(solve(jnp.reshape(a, (prod, prod)), jnp.ravel(b)), old)


# ------------------------------------------------------------------------ norms


def _as_inexact(x):
    return x if inputs.is_inexact(_result_type(x)) else jnp.astype(x, np.float64)


def _abs2(x):
    if _result_type(x).kind == "c":
        re, im = jnp.real(x), jnp.imag(x)
        return re * re + im * im
    return x * x


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm`` (every ``ord`` NumPy accepts).

    >>> norm(np.array([3.0, 4.0])), norm(np.eye(2), 'nuc'), norm(np.arange(4.0), 1)
    (array(5.), array(2.), array(6.))
    """
    x = _as_inexact(_asarray_like(x))
    nd = _ndim_of(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            ret = jnp.sqrt(jnp.sum(_abs2(jnp.ravel(x))))
            return jnp.reshape(ret, (1,) * nd) if keepdims else ret
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        ax = axis
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        if ord == np.inf:
            return jnp.max(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord == -np.inf:
            return jnp.min(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord == 0:
            return jnp.sum(jnp.astype(x != 0, _result_type(jnp.real(x))), axis=ax,
                           keepdims=keepdims)
        if ord == 1:
            return jnp.sum(jnp.abs(x), axis=ax, keepdims=keepdims)
        if ord is None or ord == 2:
            return jnp.sqrt(jnp.sum(_abs2(x), axis=ax, keepdims=keepdims))
        ret = jnp.sum(jnp.abs(x) ** ord, axis=ax, keepdims=keepdims)
        return ret ** (1.0 / ord)
    if len(axis) == 2:
        row, col = (_canonicalize_axis(a, nd) for a in axis)
        if row == col:
            raise ValueError("Duplicate axes given.")
        if ord in (2, -2, "nuc"):
            sv = svd(jnp.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
            ret = (jnp.max(sv, axis=-1) if ord == 2 else
                   jnp.min(sv, axis=-1) if ord == -2 else jnp.sum(sv, axis=-1))
        elif ord in (1, -1):
            c = col - 1 if col > row else col
            s = jnp.sum(jnp.abs(x), axis=row)
            ret = jnp.max(s, axis=c) if ord == 1 else jnp.min(s, axis=c)
        elif ord in (np.inf, -np.inf):
            r = row - 1 if row > col else row
            s = jnp.sum(jnp.abs(x), axis=col)
            ret = jnp.max(s, axis=r) if ord == np.inf else jnp.min(s, axis=r)
        elif ord in (None, "fro", "f"):
            ret = jnp.sqrt(jnp.sum(_abs2(x), axis=(row, col)))
        else:
            raise ValueError("Invalid norm order for matrices.")
        if keepdims:
            s = list(_shape_of(x))
            s[row] = s[col] = 1
            ret = jnp.reshape(ret, tuple(s))
        return ret
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over ``axis`` (all axes when None), as ``numpy.linalg.vector_norm``.

    >>> vector_norm(np.ones((2, 2)))
    array(2.)
    """
    x = _asarray_like(x)
    shape = list(_shape_of(x))
    nd = len(shape)
    if axis is None:
        res = norm(jnp.ravel(x), ord=ord, axis=0)
        axes = tuple(range(nd))
    elif isinstance(axis, tuple):
        axes = tuple(_canonicalize_axis(a, nd) for a in axis)
        rest = tuple(i for i in range(nd) if i not in axes)
        y = jnp.transpose(x, axes + rest)
        y = jnp.reshape(y, (int(np.prod([shape[i] for i in axes], dtype=np.int64)),)
                        + tuple(shape[i] for i in rest))
        res = norm(y, ord=ord, axis=0)
    else:
        axes = (_canonicalize_axis(axis, nd),)
        res = norm(x, ord=ord, axis=axes[0])
    if keepdims:
        for a in axes:
            shape[a] = 1
        res = jnp.reshape(res, tuple(shape))
    return res


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm over the last two axes, as ``numpy.linalg.matrix_norm``.

    >>> matrix_norm(np.eye(3), ord=1)
    array(1.)
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


# ------------------------------------------------------- array-API style helpers


def matmul(x1, x2, /):
    """As ``numpy.linalg.matmul``.

    >>> matmul(np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    return jnp.matmul(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """As ``numpy.linalg.tensordot``.

    >>> tensordot(np.ones((2, 3)), np.ones((3, 2)), axes=1)
    array([[3., 3.],
           [3., 3.]])
    """
    return jnp.tensordot(x1, x2, axes=axes)


def vecdot(x1, x2, /, *, axis=-1):
    """As ``numpy.linalg.vecdot``.

    >>> vecdot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    array(11.)
    """
    return jnp.vecdot(x1, x2, axis=axis)


def matrix_transpose(x, /):
    """As ``numpy.linalg.matrix_transpose``.

    >>> matrix_transpose(np.zeros((2, 3))).shape
    (3, 2)
    """
    return jnp.matrix_transpose(x)


def outer(x1, x2, /):
    """Outer product of two vectors, as ``numpy.linalg.outer``.

    >>> outer(np.array([1, 2]), np.array([3, 4]))
    array([[3, 4],
           [6, 8]])
    """
    if _ndim_of(x1) != 1 or _ndim_of(x2) != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={_ndim_of(x1)} and x2.ndim={_ndim_of(x2)}.")
    return jnp.outer(x1, x2)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors, as ``numpy.linalg.cross``.

    >>> cross(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    array([1., 0., 0.])
    """
    s1, s2 = _shape_of(x1), _shape_of(x2)
    if s1[axis] != 3 or s2[axis] != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but "
                         f"they are {s1[axis]} and {s2[axis]} dimensional instead.")
    return jnp.cross(x1, x2, axis=axis)


def diagonal(x, /, *, offset=0):
    """Diagonals of the last two axes, as ``numpy.linalg.diagonal``.

    >>> diagonal(np.arange(4).reshape(2, 2))
    array([0, 3])
    """
    return jnp.diagonal(x, offset, -2, -1)


def trace(x, /, *, offset=0, dtype=None):
    """Traces of the last two axes, as ``numpy.linalg.trace``.

    >>> trace(np.ones((2, 3, 3)))
    array([3., 3.])
    """
    return jnp.trace(x, offset, -2, -1, dtype=dtype)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
