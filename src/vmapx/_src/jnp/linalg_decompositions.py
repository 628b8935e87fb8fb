"""``numpy.linalg``'s decompositions and matrix eigenvalues: ``cholesky``,
``qr``, ``svd``, ``svdvals``, ``eig``, ``eigh``, ``eigvals``, ``eigvalsh``
(primitives wrapping ``numpy.linalg``, ``_src/prims/linalg*.py``), and the
named tuples they return.  ``eig`` and ``eigvals`` always return complex
arrays, as in ``jax.numpy.linalg`` (NumPy returns real ones when the
eigenvalues happen to be real, a dtype that would depend on the data).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import Tracer, dtype_of as _dtype_of, shape_of as _shape_of
from ..errors import ConcretizationTypeError
from .array import wrap_namespace as _wrap_namespace
from .base import asarray_like as _asarray_like
from ..prims import (linalg as _lp, linalg_decompositions as _decompositions,
                     linalg_eigenvalues as _eigenvalues)
from . import basic_api as jnp
from . import dtypes as _dt
from .dtypes import result_type as _result_type

__all__ = ["cholesky", "eig", "eigh", "eigvals", "eigvalsh", "qr", "svd", "svdvals"]


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


def _inexact(*xs):
    """The operands of a linear-algebra function in the inexact dtype they
    promote to, as JAX (int32 gives float32; the primitives would compute in
    NumPy's float64); as they are when NumPy code runs on traced values."""
    xs = [_asarray_like(x) for x in xs]
    if _dt.numpy_semantics():
        return xs
    dt = _dt.to_inexact(_dt.promote(*[_dtype_of(x) for x in xs]))
    return [x if _dtype_of(x) == dt else jnp.astype(x, dt) for x in xs]


def _square_inexact(a):
    return _square(_inexact(a)[0])


def _static_float(x, what):
    if isinstance(x, Tracer):
        raise ConcretizationTypeError(
            f"vmapx.numpy.linalg: {what} must be a concrete number, not a traced value.")
    return float(x)


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
    a = _square_inexact(a)
    if symmetrize_input:
        a = _symmetrize(a)
    return _decompositions.cholesky_p.bind(a, upper=bool(upper))


def qr(a, mode="reduced"):
    """QR decomposition, as ``numpy.linalg.qr`` (modes 'reduced', 'complete', 'r').

    >>> q, r = qr(np.array([[3.0, 0.0], [4.0, 5.0]]))
    >>> np.allclose(q @ r, [[3.0, 0.0], [4.0, 5.0]])
    True
    """
    a = _inexact(a)[0]
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = _decompositions.qr_p.bind(a, mode="complete" if mode == "complete" else "reduced")
    return r if mode == "r" else QRResult(q, r)


def _hermitian_input(a, UPLO, symmetrize_input):
    """The square input of ``eigh`` / ``eigvalsh`` (its Hermitian part when
    ``symmetrize_input``) and the checked triangle to read."""
    a = _square_inexact(a)
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
    w, v = _eigenvalues.eigh_p.bind(a, UPLO=UPLO)
    return EighResult(w, v)


def eigvalsh(a, UPLO="L", *, symmetrize_input=True):
    """Eigenvalues of Hermitian matrices, ascending, as ``numpy.linalg.eigvalsh``
    (of the Hermitian part ``(a + a^H) / 2`` unless ``symmetrize_input=False``, as
    in JAX).

    >>> eigvalsh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    array([1., 3.])
    """
    a, UPLO = _hermitian_input(a, UPLO, symmetrize_input)
    return _eigenvalues.eigvalsh_p.bind(a, UPLO=UPLO)


def _real_if_all_real(a, w, *more):
    """NumPy's own ``eig`` / ``eigvals`` of real input return real arrays when
    every eigenvalue is real (a dtype decided by the values): under NumPy's
    semantics with concrete values (per-example code in an eager vmap, where the
    batch splits on it), the same; complex otherwise, as JAX."""
    if not (_dt.numpy_semantics() and _result_type(a).kind != "c") or \
            (isinstance(w, Tracer) and not w.is_concrete()):
        return (w,) + more
    if jnp.all(jnp.imag(w) == 0):
        return tuple(jnp.real(x) for x in (w,) + more)
    return (w,) + more


def eig(a):
    """Eigenvalues and right eigenvectors, as ``numpy.linalg.eig`` (always complex,
    as JAX).

    >>> eig(np.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    array([2.+0.j, 1.+0.j])
    """
    w, v = _eigenvalues.eig_p.bind(_square_inexact(a))
    return EigResult(*_real_if_all_real(a, w, v))


def eigvals(a):
    """Eigenvalues, as ``numpy.linalg.eigvals`` (always complex, as JAX).

    >>> eigvals(np.array([[0.0, -1.0], [1.0, 0.0]]))
    array([0.+1.j, 0.-1.j])
    """
    return _real_if_all_real(a, _eigenvalues.eigvals_p.bind(_square_inexact(a)))[0]


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition, as ``numpy.linalg.svd``.

    >>> svd(np.array([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
    array([4., 3.])
    """
    a = _inexact(a)[0]   # JAX: int32 gives float32
    if hermitian:  # factor the Hermitian part, as JAX does
        _lp.check_square(_shape_of(a))
        a = _symmetrize(a)
    out = _decompositions.svd_p.bind(a, full_matrices=bool(full_matrices),
                                     compute_uv=bool(compute_uv), hermitian=bool(hermitian))
    return SVDResult(*out) if compute_uv else out[0]


def svdvals(x, /):
    """Singular values, descending, as ``numpy.linalg.svdvals``.

    >>> svdvals(np.array([[0.0, 2.0], [1.0, 0.0]]))
    array([2., 1.])
    """
    return svd(x, compute_uv=False)


_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
