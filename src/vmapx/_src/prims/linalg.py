"""What the linear-algebra primitives share (``linalg_solve``: inv, solve, det,
slogdet, pinv; ``linalg_decompositions``: cholesky, qr, svd;
``linalg_eigenvalues``: eigh, eigvalsh, eig, eigvals; and ``lu``).

Each primitive wraps one ``numpy.linalg`` routine.  Those routines already loop
over any leading (stacked) axes in compiled code, so every batching rule is the
same: move the batch axis to the front, where it is one more stacked axis, and
bind the same primitive (``stacked_batch``).  Operands are matrices in their
last two axes (``solve``'s right-hand side is always a matrix here; the numpy
layer adds and removes the axis of a vector).

JVP rules are the standard matrix-calculus ones, written with ``vmapx.numpy``
functions so that they compose with every other transform (so these modules
sit above the basic numpy sections, as JAX's ``lax.linalg`` uses ``jax.numpy``;
see docs/layers.md); their helpers are here.  Routines that read only one
triangle of their input (``cholesky``, ``eigh``, ``eigvalsh``, ``svd`` and
``pinv`` with ``hermitian=True``) differentiate the Hermitian matrix they
actually see: the tangent is mirrored from the same triangle.
"""
from __future__ import annotations

import contextvars

import numpy as np

from ..core import Primitive, ShapedArray, ndim_of
from ..batching import bdim_to_front
from ..jnp import basic_api as jnp
from ..jnp.matrices import tril, triu
from .shapes import reshape_p

# ------------------------------------------------------------------ dtype rules


def linalg_dtype(*dtypes) -> np.dtype:
    """The dtype ``numpy.linalg`` computes in: integers and bools give float64.

    >>> linalg_dtype(np.dtype(np.int32)), linalg_dtype(np.dtype(np.float32))
    (dtype('float64'), dtype('float32'))
    """
    dt = np.result_type(*dtypes)
    if dt.kind in "biu":
        return np.dtype(np.float64)
    if dt not in (np.float32, np.float64, np.complex64, np.complex128):
        raise TypeError(f"array type {dt} is unsupported in linalg")
    return dt


def real_dtype(dt) -> np.dtype:
    return np.finfo(dt).dtype


def check_square(shape):
    """NumPy's errors for operands that are not (stacks of) square matrices.

    >>> check_square((2, 3, 3))
    """
    if len(shape) < 2:
        raise np.linalg.LinAlgError(f"{len(shape)}-dimensional array given. Array must be at "
                                    "least two-dimensional")
    if shape[-1] != shape[-2]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")


# A stacked LAPACK call that raised LinAlgError, answered with JAX's inf/NaN for
# the failing matrices: told to whoever watches (``numpy_linalg_errors``, which
# then finds the examples where NumPy's own function would have raised).
_FAILURES = contextvars.ContextVar("vmapx_linalg_failures", default=None)


def note_failure():
    """Record that a stacked NumPy/LAPACK call of this context raised
    ``LinAlgError`` (and the primitive gave JAX's answer instead)."""
    seen = _FAILURES.get()
    if seen is not None:
        seen.append(True)


class watch_failures:
    """Record failures in this context while it is entered: ``with
    watch_failures() as record:`` leaves ``record`` (a list) non-empty after one.

    >>> with watch_failures() as record:
    ...     note_failure()
    >>> bool(record)
    True
    """
    __slots__ = ("record", "token")

    def __enter__(self):
        self.record = []
        self.token = _FAILURES.set(self.record)
        return self.record

    def __exit__(self, *exc):
        _FAILURES.reset(self.token)


def nan_for_nonfinite(impl):
    """``impl`` (a stack of matrices -> an array or a list of arrays, one entry
    per matrix along the leading axes) with JAX's answer for matrices holding
    NaN or inf: NaN results for that matrix alone.  LAPACK refuses them (NumPy's
    ``LinAlgError`` "SVD did not converge", "Array must not contain infs or
    NaNs", SciPy's "Schur form not found"), which would fail the whole stack.
    Only when the stacked call raises are the non-finite matrices found; they
    are replaced by zeros for one more stacked call, and their results set to NaN.

    >>> _svd_values = nan_for_nonfinite(lambda a: np.linalg.svd(a, compute_uv=False))
    >>> _svd_values(np.stack([np.eye(2), np.full((2, 2), np.nan)]))
    array([[ 1.,  1.],
           [nan, nan]])
    """
    def run(a, **params):
        try:
            return impl(a, **params)
        except np.linalg.LinAlgError:
            note_failure()
            a = np.asarray(a)
            if a.ndim < 2:
                raise
            bad = ~np.isfinite(a).all(axis=(-2, -1))
            if not bad.any():
                raise
        out = impl(np.where(bad[..., None, None], 0, a), **params)

        def fill(o):
            o = np.array(o)
            o[bad] = np.nan + 1j * np.nan if o.dtype.kind == "c" else np.nan
            return o
        return [fill(o) for o in out] if isinstance(out, list) else fill(out)
    run.__name__ = getattr(impl, "__name__", "impl")
    return run


# --------------------------------------------------------------- batching rule


def stacked_batch(prim, core_ranks):
    """Batching rule for a routine that loops over leading axes.

    ``core_ranks[i]`` is the number of trailing (core) axes of operand ``i``.
    Mapped operands get their batch axis first and unit axes after it so that
    every operand has the same number of leading axes; unmapped operands have
    no more leading axes than that, so NumPy's right-aligned broadcasting never
    reaches the batch axis.
    """
    def rule(axis, vals, dims, **params):
        lead = max(ndim_of(v) - (d is not None) - k
                   for v, d, k in zip(vals, dims, core_ranks, strict=True))
        new = []
        for v, d, k in zip(vals, dims, core_ranks, strict=True):
            if d is not None:
                v = bdim_to_front(v, d)
                missing = lead - (ndim_of(v) - 1 - k)
                if missing:
                    s = v.shape
                    v = reshape_p.bind(v, new_sizes=(s[0],) + (1,) * missing + tuple(s[1:]))
            new.append(v)
        out = prim.bind(*new, **params)
        if prim.multiple_results:
            return out, [0] * len(out)
        return out, 0
    return rule


def _declare(name, impl, abstract, core_ranks, *, multiple_results=False):
    prim = Primitive(name, impl, abstract=abstract, multiple_results=multiple_results)
    prim.batch = stacked_batch(prim, core_ranks)
    return prim


# ---------------------------------------------------------- helpers for JVPs
# They run with the parent trace current, on values that may be tracers of
# outer traces, so they use vmapx.numpy (hence primitives) only.


def _H(x):
    x = jnp.swapaxes(x, -1, -2)
    return jnp.conjugate(x) if x.dtype.kind == "c" else x


def _mT(x):
    return jnp.swapaxes(x, -1, -2)


def _eye_like(n, dtype, ndim):
    return np.eye(n, dtype=dtype).reshape((1,) * (ndim - 2) + (n, n))


def _tangent(t, like):
    """A symbolic-zero tangent made concrete, in the dtype of ``like``."""
    if t is None:
        return np.zeros(like.shape, like.dtype)
    return jnp.astype(t, like.dtype) if t.dtype != like.dtype else t


def _hermitian_from(t, lower: bool):
    """The Hermitian matrix whose ``lower`` (else upper) triangle is that of ``t``."""
    if lower:
        return tril(t) + _H(tril(t, -1))
    return triu(t) + _H(triu(t, 1))


def _mtrace(x):
    return jnp.trace(x, axis1=-2, axis2=-1)


# ------------------------------------------------------------ square operands


def _square_abstract(a, **params):
    check_square(a.shape)
    return ShapedArray(a.shape, linalg_dtype(a.dtype))
