"""Further ``vmapx.numpy`` functions, composed from the others: comparisons of
whole arrays, elementwise extras (``divmod``, ``frexp``, ``modf``, ``i0``...),
triangles and diagonals, grids and index arithmetic, insertion and deletion, selection
(``select``, ``piecewise``, ``choose``), functional forms of NumPy's in-place
functions (``put``, ``place``, ``fill_diagonal``, ``put_along_axis``), bit
packing, window functions, and NumPy's dtype classes and I/O helpers.

Functions whose result shape would depend on traced values (``compress``,
``extract`` and ``trim_zeros`` without a static size, ``delete`` with traced
indices...) raise ``ConcretizationTypeError`` on traced input and follow NumPy
on concrete input.  NumPy's in-place functions take ``inplace=False`` (as in
JAX) to return a new array instead; on traced arrays that is required.
"""
from __future__ import annotations

import builtins
import operator

import numpy as np
from numpy import (cdouble, csingle, double, single, character, flexible,  # noqa: F401
                   object_, uint, isdtype, load, save, savez, frombuffer, fromfile, fromiter,
                   fromstring, from_dlpack, printoptions, get_printoptions,
                   set_printoptions)

from ..core import Tracer, dtype_of, ndim_of, shape_of
from ..errors import ConcretizationTypeError
from ..prims import bits
from .base import asarray_like, canonicalize_axis, concrete_size, concrete_value
from .creation import _has_tracer
from .indexing import slice_along
from ..core import dummy_of

__all__ = [
    # dtype classes and NumPy's own helpers for concrete data
    "cdouble", "csingle", "double", "single", "character", "flexible", "object_", "uint",
    "isdtype", "load", "save", "savez", "frombuffer", "fromfile", "fromiter", "fromstring",
    "from_dlpack", "printoptions", "get_printoptions", "set_printoptions", "array_repr",
    "array_str", "einsum_path", "result_type", "can_cast",
    # whole-array predicates
    "allclose", "array_equal", "array_equiv", "count_nonzero", "isreal", "iscomplex",
    "isrealobj", "iscomplexobj", "isneginf", "isposinf", "isscalar", "iterable",
    # elementwise extras
    "divmod", "frexp", "modf", "bitwise_count", "i0",
    # triangles, diagonals, grids
    "tril", "triu", "tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from",
    "diag", "diagflat", "diag_indices", "diag_indices_from", "fill_diagonal", "mask_indices",
    "vander", "meshgrid", "indices", "ix_", "unravel_index", "ravel_multi_index",
    "fromfunction",
    # rearranging, inserting, deleting
    "rot90", "append", "insert", "delete", "block", "resize", "trim_zeros", "unstack",
    # selection and functional updates
    "select", "piecewise", "choose", "compress", "extract", "place", "put", "put_along_axis",
    "apply_along_axis", "apply_over_axes",
    # products, bits, windows
    "matvec", "vecmat", "packbits", "unpackbits", "bartlett", "blackman", "hamming",
    "hanning", "kaiser",
]


def _jnp():
    from .. import numpy_api as jnp
    return jnp


def concrete_or_error(x, name, why):
    """``x`` itself if it holds no traced value; its concrete value where it has
    one (in eager ``vmap``, which splits the batch on it: ``_src/concrete.py``);
    else ``ConcretizationTypeError``.

    >>> concrete_or_error(np.arange(2), "f", "the output shape depends on it")
    array([0, 1])
    """
    if _has_tracer(x):
        value = concrete_value(x)
        if value is not None:
            return value
        raise ConcretizationTypeError(
            f"Abstract tracer value encountered where concrete value is expected in "
            f"vmapx.numpy.{name}: {why}. The value depends on a traced (transformed) "
            "input, so it has no concrete value here.")
    return x


def scalar_like_numpy(x):
    """A 0-d NumPy result as the NumPy scalar NumPy's own function returns.

    >>> scalar_like_numpy(np.asarray(2.0))
    np.float64(2.0)
    """
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x[()]
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(scalar_like_numpy(e) for e in x)
    return x


def _ufunc_dtype(ufunc, dt):
    """The (first) output dtype NumPy's ``ufunc`` gives for input dtype ``dt``."""
    with np.errstate(all="ignore"):
        out = ufunc(np.zeros((), dt))
    return np.result_type(out[0] if isinstance(out, tuple) else out)


# ------------------------------------------------------------- NumPy helpers


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """As ``numpy.array_repr``; a traced value shows its shape and dtype.

    >>> array_repr(np.arange(2))
    'array([0, 1])'
    """
    if isinstance(arr, Tracer):
        return repr(arr)
    return np.array_repr(arr, max_line_width, precision, suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """As ``numpy.array_str``; a traced value shows its shape and dtype.

    >>> array_str(np.arange(2))
    '[0 1]'
    """
    if isinstance(a, Tracer):
        return repr(a)
    return np.array_str(a, max_line_width, precision, suppress_small)


def einsum_path(subscripts, *operands, optimize="greedy", einsum_call=False):
    """As ``numpy.einsum_path``; only the shapes of the operands are used.

    >>> einsum_path('ij,jk->ik', np.ones((2, 3)), np.ones((3, 4)))[0]
    ['einsum_path', (0, 1)]
    """
    stand_ins = [np.broadcast_to(np.zeros((), dtype_of(o)), shape_of(o)) for o in operands]
    return np.einsum_path(subscripts, *stand_ins, optimize=optimize, einsum_call=einsum_call)


def _dtype_arg(x):
    """What NumPy's dtype functions see of ``x``: a traced value by its dtype (a
    weakly typed one as the Python scalar it stands for)."""
    if isinstance(x, Tracer):
        return dummy_of(x.aval) if x.aval.weak_type else x.dtype
    return x


def result_type(*arrays_and_dtypes):
    """The dtype NumPy's promotion gives, as ``numpy.result_type`` (traced values too).

    >>> result_type(np.zeros(2, np.float32), 1.0)
    dtype('float32')
    """
    return np.result_type(*[_dtype_arg(x) for x in arrays_and_dtypes])


def can_cast(from_, to, casting="safe"):
    """Whether a cast is allowed, as ``numpy.can_cast`` (traced values too).

    >>> can_cast(np.zeros(2, np.int32), np.float64)
    True
    """
    return np.can_cast(_dtype_arg(from_), to, casting)


# ---------------------------------------------------------- whole-array tests


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements are close, as ``numpy.allclose`` (a Python bool when concrete).

    >>> allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    True
    """
    jnp = _jnp()
    res = jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    return res if isinstance(res, Tracer) else builtins.bool(res)


def array_equal(a1, a2, equal_nan=False):
    """Same shape and elements, as ``numpy.array_equal``.

    >>> array_equal(np.array([1, 2]), np.array([1, 2])), array_equal(np.ones(2), np.ones(3))
    (True, False)
    """
    jnp = _jnp()
    a1, a2 = asarray_like(a1), asarray_like(a2)
    if tuple(shape_of(a1)) != tuple(shape_of(a2)):
        return False
    eq = jnp.equal(a1, a2)
    if equal_nan and builtins.all(dtype_of(a).kind in "fc" for a in (a1, a2)):
        eq = eq | (jnp.isnan(a1) & jnp.isnan(a2))
    res = jnp.all(eq)
    return res if isinstance(res, Tracer) else builtins.bool(res)


def array_equiv(a1, a2):
    """Equal after broadcasting, as ``numpy.array_equiv``.

    >>> array_equiv(np.array([1, 2]), np.array([[1, 2], [1, 2]]))
    True
    """
    jnp = _jnp()
    a1, a2 = asarray_like(a1), asarray_like(a2)
    try:
        np.broadcast_shapes(shape_of(a1), shape_of(a2))
    except ValueError:
        return False
    res = jnp.all(jnp.equal(a1, a2))
    return res if isinstance(res, Tracer) else builtins.bool(res)


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of nonzero elements, as ``numpy.count_nonzero``.

    >>> count_nonzero(np.array([[0, 1], [2, 3]]), axis=0)
    array([1, 2])
    """
    jnp = _jnp()
    a = asarray_like(a)
    return jnp.sum(jnp.not_equal(a, 0), axis=axis, keepdims=keepdims, dtype=np.intp)


def isreal(x):
    """Elementwise: imaginary part zero, as ``numpy.isreal``.

    >>> isreal(np.array([1 + 1j, 2 + 0j]))
    array([False,  True])
    """
    jnp = _jnp()
    return jnp.equal(jnp.imag(asarray_like(x)), 0)


def iscomplex(x):
    """Elementwise: nonzero imaginary part, as ``numpy.iscomplex``.

    >>> iscomplex(np.array([1 + 1j, 2 + 0j]))
    array([ True, False])
    """
    jnp = _jnp()
    x = asarray_like(x)
    if dtype_of(x).kind != "c":
        return jnp.zeros_like(x, dtype=bool) if ndim_of(x) else np.False_
    return jnp.not_equal(jnp.imag(x), 0)


def iscomplexobj(x):
    """Whether the dtype of ``x`` is complex, as ``numpy.iscomplexobj``.

    >>> iscomplexobj(np.array([1j])), iscomplexobj(1.0)
    (True, False)
    """
    return dtype_of(asarray_like(x)).kind == "c"


def isrealobj(x):
    """Whether the dtype of ``x`` is not complex, as ``numpy.isrealobj``.

    >>> isrealobj(np.array([1.0]))
    True
    """
    return not iscomplexobj(x)


def isneginf(x, out=None):
    """Elementwise ``x == -inf``, as ``numpy.isneginf``.

    >>> isneginf(np.array([-np.inf, np.inf, 1.0]))
    array([ True, False, False])
    """
    jnp = _jnp()
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("This operation is not supported for complex values because it "
                        "would be ambiguous.")
    return jnp.isinf(x) & jnp.signbit(x)


def isposinf(x, out=None):
    """Elementwise ``x == +inf``, as ``numpy.isposinf``.

    >>> isposinf(np.array([-np.inf, np.inf, 1.0]))
    array([False,  True, False])
    """
    jnp = _jnp()
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("This operation is not supported for complex values because it "
                        "would be ambiguous.")
    return jnp.isinf(x) & ~jnp.signbit(x)


def isscalar(element):
    """As ``numpy.isscalar``: Python and NumPy scalars; arrays (traced ones too) are not.

    >>> isscalar(1.0), isscalar(np.array(1.0))
    (True, False)
    """
    return False if isinstance(element, Tracer) else np.isscalar(element)


def iterable(y):
    """As ``numpy.iterable``: a traced array is iterable unless it is 0-d.

    >>> iterable([1]), iterable(np.array(1))
    (True, False)
    """
    if isinstance(y, Tracer):
        return y.ndim > 0
    return np.iterable(y)


# ------------------------------------------------------------ elementwise extras


def divmod(x1, x2, /):  # noqa: A001 - NumPy's name
    """``(floor_divide, remainder)``, as ``numpy.divmod``.

    >>> divmod(np.array([7, -7]), 2)
    (array([ 3, -4]), array([1, 1]))
    """
    jnp = _jnp()
    return jnp.floor_divide(x1, x2), jnp.remainder(x1, x2)


def frexp(x, /):
    """Mantissa in [0.5, 1) and integer exponent, as ``numpy.frexp``.

    >>> frexp(np.array([8.0, 0.75]))
    (array([0.5 , 0.75]), array([4, 0], dtype=int32))
    """
    m, e = bits.frexp_p.bind(asarray_like(x))
    return m, e


def modf(x, /):
    """Fractional and integral parts, both with the sign of ``x``, as ``numpy.modf``.

    >>> modf(np.array([-3.5, 2.25]))
    (array([-0.5 ,  0.25]), array([-3.,  2.]))
    """
    jnp = _jnp()
    x = asarray_like(x)
    dt = _ufunc_dtype(np.modf, dtype_of(x))
    x = jnp.astype(x, dt)
    whole = jnp.trunc(x)
    frac = jnp.where(jnp.isinf(x), 0.0, x - whole)
    return jnp.copysign(frac, x), whole


def bitwise_count(x, /):
    """Number of 1 bits in ``abs(x)``, as ``numpy.bitwise_count``.

    >>> bitwise_count(np.array([0, 7, -1], dtype=np.int8))
    array([0, 3, 1], dtype=uint8)
    """
    return bits.bitwise_count_p.bind(asarray_like(x))


_I0_A = (
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16,
    1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14,
    -4.856446783111929e-13, 2.95505266312964e-12, -1.726826291441556e-11,
    9.675809035373237e-11, -5.189795601635263e-10, 2.6598237246823866e-09,
    -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07,
    1.1173875391201037e-06, -4.4167383584587505e-06, 1.6448448070728896e-05,
    -5.754195010082104e-05, 0.00018850288509584165, -0.0005763755745385824,
    0.0016394756169413357, -0.004324309995050576, 0.010546460394594998,
    -0.02373741480589947, 0.04930528423967071, -0.09490109704804764, 0.17162090152220877,
    -0.3046826723431984, 0.6767952744094761)
_I0_B = (
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17,
    3.461222867697461e-17, -2.8276239805165836e-16, -3.425485619677219e-16,
    1.7725601330565263e-15, 3.8116806693526224e-15, -9.554846698828307e-15,
    -4.150569347287222e-14, 1.5408653792935628e-14, 3.8527783827421426e-13,
    7.180124451383666e-13, -1.7941785315068062e-12, -1.3215811840447713e-11,
    -3.1499165279632416e-11, 1.1889147107846439e-11, 4.94060238822497e-10,
    3.3962320257083865e-09, 2.266668990498178e-08, 2.0489185894690638e-07,
    2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943,
    0.8044904110141088)


def _chbevl(x, coefs):
    b0, b1, b2 = coefs[0], 0.0, 0.0
    for c in coefs[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def i0(x):
    """Modified Bessel function of the first kind, order 0, as ``numpy.i0``.

    The same Chebyshev expansions as NumPy, so it is differentiable too.

    >>> i0(np.array([0.0, 1.0, 2.0]))
    array([1.        , 1.26606588, 2.2795853 ])
    """
    jnp = _jnp()
    x = asarray_like(x)
    if dtype_of(x).kind == "c":
        raise TypeError("i0 not supported for complex values")
    if dtype_of(x).kind != "f":
        x = jnp.astype(x, np.float64)
    x = jnp.abs(x)
    small = x <= 8.0
    xs = jnp.where(small, x, 0.0)   # each branch sees only its own domain,
    xb = jnp.where(small, 16.0, x)  # so neither produces inf/nan gradients
    lo = jnp.exp(xs) * _chbevl(xs / 2.0 - 2, _I0_A)
    hi = jnp.exp(xb) * _chbevl(32.0 / xb - 2.0, _I0_B) / jnp.sqrt(xb)
    return jnp.where(small, lo, hi)


# ------------------------------------------------ triangles, diagonals, grids


def tril(m, k=0):
    """Lower triangle of the last two axes, as ``numpy.tril``.

    >>> tril(np.ones((3, 3), int))
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    jnp = _jnp()
    m = asarray_like(m)
    mask = np.tri(*shape_of(m)[-2:], k=k, dtype=bool)
    return jnp.where(mask, m, np.zeros(1, dtype_of(m)))


def triu(m, k=0):
    """Upper triangle of the last two axes, as ``numpy.triu``.

    >>> triu(np.ones((3, 3), int), 1)
    array([[0, 1, 1],
           [0, 0, 1],
           [0, 0, 0]])
    """
    jnp = _jnp()
    m = asarray_like(m)
    mask = np.tri(*shape_of(m)[-2:], k=k - 1, dtype=bool)
    return jnp.where(mask, np.zeros(1, dtype_of(m)), m)


def _static_int(n, name):
    n = concrete_or_error(n, name, "sizes must be concrete")
    return operator.index(n)


def tril_indices(n, k=0, m=None):
    """Indices of the lower triangle of an ``(n, m)`` array, as ``numpy.tril_indices``.

    >>> tril_indices(2)
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    return np.tril_indices(_static_int(n, "tril_indices"), k, m)


def triu_indices(n, k=0, m=None):
    """Indices of the upper triangle of an ``(n, m)`` array, as ``numpy.triu_indices``.

    >>> triu_indices(2)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return np.triu_indices(_static_int(n, "triu_indices"), k, m)


def tril_indices_from(arr, k=0):
    """``tril_indices`` for the shape of a 2-D ``arr``, as ``numpy.tril_indices_from``.

    >>> tril_indices_from(np.zeros((2, 3)))
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    if ndim_of(arr) != 2:
        raise ValueError("input array must be 2-d")
    return np.tril_indices(shape_of(arr)[-2], k=k, m=shape_of(arr)[-1])


def triu_indices_from(arr, k=0):
    """``triu_indices`` for the shape of a 2-D ``arr``, as ``numpy.triu_indices_from``.

    >>> triu_indices_from(np.zeros((2, 2)))
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    if ndim_of(arr) != 2:
        raise ValueError("input array must be 2-d")
    return np.triu_indices(shape_of(arr)[-2], k=k, m=shape_of(arr)[-1])


def diag(v, k=0):
    """Diagonal of a 2-D array, or a 2-D array with ``v`` on a diagonal, as ``numpy.diag``.

    >>> diag(np.array([1, 2]), 1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]])
    """
    jnp = _jnp()
    v = asarray_like(v)
    nd = ndim_of(v)
    if nd == 2:
        return jnp.diagonal(v, k)
    if nd != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = shape_of(v)[0]
    size = n + abs(k)
    src = np.full((size, size), n, dtype=np.intp)  # n points at an appended zero
    i = np.arange(n)
    src[i + builtins.max(-k, 0), i + builtins.max(k, 0)] = i
    return jnp.take(jnp.concatenate([v, np.zeros(1, dtype_of(v))]), src)


def diagflat(v, k=0):
    """``diag`` of the flattened input, as ``numpy.diagflat``.

    >>> diagflat(np.array([[1, 2]]))
    array([[1, 0],
           [0, 2]])
    """
    return diag(_jnp().ravel(asarray_like(v)), k)


def diag_indices(n, ndim=2):
    """Indices of the main diagonal of an ``n**ndim`` array, as ``numpy.diag_indices``.

    >>> diag_indices(2)
    (array([0, 1]), array([0, 1]))
    """
    return np.diag_indices(_static_int(n, "diag_indices"), ndim)


def diag_indices_from(arr):
    """``diag_indices`` for the shape of ``arr`` (all sides equal), as ``numpy.diag_indices_from``.

    >>> diag_indices_from(np.zeros((2, 2)))
    (array([0, 1]), array([0, 1]))
    """
    s = shape_of(arr)
    if len(s) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(s)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return np.diag_indices(s[0], len(s))


def _at(x):
    """``x.at`` for traced and concrete arrays alike."""
    return _jnp()._IndexUpdateHelper(x)


def _functional_only(name, a):
    if isinstance(a, Tracer):
        raise TypeError(
            f"vmapx.numpy.{name} modifies its argument in place, which traced arrays cannot "
            f"do: they are immutable. Pass inplace=False and use the returned array.")


def fill_diagonal(a, val, wrap=False, inplace=True):
    """Set the main diagonal, as ``numpy.fill_diagonal``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> fill_diagonal(np.zeros((2, 3)), 5.0, inplace=False)
    array([[5., 0., 0.],
           [0., 5., 0.]])
    """
    jnp = _jnp()
    if inplace:
        _functional_only("fill_diagonal", a)
        return np.fill_diagonal(a, val, wrap)
    a = asarray_like(a)
    s = shape_of(a)
    if len(s) < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if len(s) == 2:
        step = s[1] + 1
        if not wrap:
            end = s[1] * s[1]
    else:
        if len(set(s)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(s[:-1]).sum())
    size = int(np.prod(s, dtype=np.int64))
    positions = np.arange(size)[:end:step]
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    val = jnp.ravel(asarray_like(val))
    nval = shape_of(val)[0]
    if nval == 0:
        return a
    which = np.zeros(size, dtype=np.intp)
    which[positions] = np.arange(len(positions)) % nval
    vals = jnp.astype(jnp.take(val, which), dtype_of(a))
    return jnp.reshape(jnp.where(mask, vals, jnp.ravel(a)), s)


def mask_indices(n, mask_func, k=0):
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero, as ``numpy.mask_indices``.

    >>> mask_indices(2, triu)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    m = np.ones((_static_int(n, "mask_indices"),) * 2, int)
    return np.nonzero(np.asarray(mask_func(m, k)) != 0)


def vander(x, N=None, increasing=False):
    """Vandermonde matrix (successive products, as NumPy), as ``numpy.vander``.

    >>> vander(np.array([1, 2, 3]), 3)
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]])
    """
    jnp = _jnp()
    x = asarray_like(x)
    if ndim_of(x) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = shape_of(x)[0]
    N = n if N is None else operator.index(N)
    dt = np.promote_types(dtype_of(x), np.int_)
    cols = [jnp.ones((n, builtins.min(N, 1)), dt)]
    if N > 1:
        powers = jnp.cumprod(jnp.broadcast_to(jnp.astype(x, dt)[:, None], (n, N - 1)), axis=1)
        cols.append(powers)
    out = jnp.concatenate(cols, axis=1) if len(cols) > 1 else cols[0]
    return out if increasing else jnp.flip(out, axis=1)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors, as ``numpy.meshgrid``.

    >>> [g.tolist() for g in meshgrid(np.array([1, 2]), np.array([3, 4, 5]))]
    [[[1, 2], [1, 2], [1, 2]], [[3, 3], [4, 4], [5, 5]]]
    """
    jnp = _jnp()
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    nd = len(xi)
    out = []
    for i, x in enumerate(xi):
        shape = [1] * nd
        shape[i] = -1
        if indexing == "xy" and nd > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(jnp.reshape(asarray_like(x), tuple(shape)))
    if not sparse:
        out = jnp.broadcast_arrays(*out)
    return tuple(out)


def indices(dimensions, dtype=int, sparse=False):
    """Grid of indices of the given (concrete) shape, as ``numpy.indices``.

    >>> indices((2, 2))[0]
    array([[0, 0],
           [1, 1]])
    """
    dimensions = concrete_or_error(dimensions, "indices", "the dimensions are the output shape")
    return np.indices(tuple(dimensions), dtype=dtype, sparse=sparse)


def ix_(*args):
    """Open mesh for cross-indexing, as ``numpy.ix_`` (boolean masks must be concrete).

    >>> [a.shape for a in ix_(np.array([0, 1]), np.array([2, 3, 4]))]
    [(2, 1), (1, 3)]
    """
    jnp = _jnp()
    out = []
    nd = len(args)
    for k, a in enumerate(args):
        a = asarray_like(a)
        if ndim_of(a) != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if dtype_of(a) == np.bool_:
            a = concrete_or_error(a, "ix_", "a boolean mask's number of True entries is the "
                              "output shape")
            a = np.nonzero(a)[0]
        elif isinstance(a, np.ndarray) and a.size == 0:
            a = a.astype(np.intp)
        shape = [1] * nd
        shape[k] = shape_of(a)[0]
        out.append(jnp.reshape(a, tuple(shape)))
    return tuple(out)


def unravel_index(indices, shape, order="C"):
    """Coordinate arrays from flat indices, as ``numpy.unravel_index``.

    Concrete out-of-bounds indices raise; traced ones wrap around.

    >>> unravel_index(np.array([5, 7]), (3, 4))
    (array([1, 1]), array([1, 3]))
    """
    jnp = _jnp()
    indices = asarray_like(indices)
    if dtype_of(indices).kind not in "iu":
        raise TypeError("only int indices permitted")
    shape = (operator.index(shape),) if np.ndim(shape) == 0 else tuple(map(operator.index, shape))
    size = int(np.prod(shape, dtype=np.int64))
    if not isinstance(indices, Tracer):
        bad = (np.asarray(indices) < 0) | (np.asarray(indices) >= size)
        if np.any(bad):
            raise ValueError(f"index {np.asarray(indices)[bad].flat[0]} is out of bounds for "
                             f"array with size {size}")
    indices = jnp.astype(indices, np.intp)
    dims = shape if order == "C" else shape[::-1]
    out = []
    rest = jnp.remainder(indices, builtins.max(size, 1))
    for d in reversed(dims):
        out.append(jnp.remainder(rest, d) if d else rest)
        rest = jnp.floor_divide(rest, d) if d else rest
    out = out[::-1]
    return tuple(out if order == "C" else out[::-1])


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices from coordinate arrays, as ``numpy.ravel_multi_index``.

    ``mode='raise'`` checks concrete indices (traced ones are clipped).

    >>> ravel_multi_index((np.array([1, 2]), np.array([3, 0])), (3, 4))
    array([7, 8])
    """
    jnp = _jnp()
    dims = tuple(map(operator.index, dims))
    if len(multi_index) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    coords = []
    for i, (c, d, m) in enumerate(zip(multi_index, dims, modes, strict=True)):
        c = asarray_like(c)
        if dtype_of(c).kind not in "iu":
            raise TypeError("only int indices permitted")
        if m == "raise":
            if not isinstance(c, Tracer) and np.any((np.asarray(c) < 0) |
                                                    (np.asarray(c) >= d)):
                raise ValueError("invalid entry in coordinates array")
            c = jnp.clip(c, 0, d - 1)
        elif m == "wrap":
            c = jnp.remainder(c, d)
        elif m == "clip":
            c = jnp.clip(c, 0, d - 1)
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
        coords.append(jnp.astype(c, np.intp))
    if order == "F":
        coords, dims = coords[::-1], dims[::-1]
    out = coords[0]
    for c, d in zip(coords[1:], dims[1:], strict=True):
        out = out * d + c
    return out


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function`` applied to the index grids of ``shape``, as ``numpy.fromfunction``.

    >>> fromfunction(lambda i, j: i + 10 * j, (2, 2), dtype=int)
    array([[ 0, 10],
           [ 1, 11]])
    """
    return function(*indices(shape, dtype=dtype), **kwargs)


# ------------------------------------------------------ rearranging and editing


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``, as ``numpy.rot90``.

    >>> rot90(np.array([[1, 2], [3, 4]]))
    array([[2, 4],
           [1, 3]])
    """
    jnp = _jnp()
    m = asarray_like(m)
    axes = tuple(axes)
    nd = ndim_of(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or builtins.abs(axes[0] - axes[1]) == nd:
        raise ValueError("Axes must be different.")
    if axes[0] >= nd or axes[0] < -nd or axes[1] >= nd or axes[1] < -nd:
        raise ValueError(f"Axes={axes} out of range for array of ndim={nd}.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return jnp.flip(jnp.flip(m, axes[0]), axes[1])
    perm = list(range(nd))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return jnp.transpose(jnp.flip(m, axes[1]), perm)
    return jnp.flip(jnp.transpose(m, perm), axes[1])


def append(arr, values, axis=None):
    """``values`` appended along ``axis`` (flattened when None), as ``numpy.append``.

    >>> append(np.array([1, 2]), [[3, 4]])
    array([1, 2, 3, 4])
    """
    jnp = _jnp()
    arr, values = asarray_like(arr), asarray_like(values)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        values = jnp.ravel(values)
        axis = ndim_of(arr) - 1
    return jnp.concatenate((arr, values), axis=axis)


def _static_positions(obj, n, name):
    obj = concrete_or_error(obj, name, "the positions determine the output shape")
    if isinstance(obj, slice):
        return np.arange(*obj.indices(n), dtype=np.intp), False
    idx = np.asarray(obj)
    if idx.dtype == bool:
        if idx.ndim != 1:
            raise ValueError(f"boolean array argument obj to {name} must be one dimensional")
        return np.flatnonzero(idx), False
    if idx.ndim > 1:
        raise ValueError(f"index array argument obj to {name} must be one dimensional or "
                         "scalar")
    if idx.size == 0:
        idx = idx.astype(np.intp)
    if idx.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return idx, idx.ndim == 0


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the (concrete) positions ``obj``, as ``numpy.insert``.

    >>> insert(np.array([1, 2, 3]), 1, [9, 8])
    array([1, 9, 8, 2, 3])
    """
    jnp = _jnp()
    arr = asarray_like(arr)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        axis = ndim_of(arr) - 1
    nd = ndim_of(arr)
    axis = canonicalize_axis(axis, nd)
    shape = list(shape_of(arr))
    n = shape[axis]
    idx, scalar = _static_positions(obj, n, "insert")
    values = asarray_like(values)
    if idx.size == 1:
        index = int(idx.reshape(()))
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        if index < 0:
            index += n
        vnd = ndim_of(values)
        if vnd < nd:
            values = jnp.reshape(values, (1,) * (nd - vnd) + tuple(shape_of(values)))
        if scalar:
            values = jnp.moveaxis(values, 0, axis)
        numnew = shape_of(values)[axis]
        positions = np.arange(index, index + numnew)
    else:
        idx = np.where(idx < 0, idx + n, idx)
        numnew = len(idx)
        order = np.argsort(idx, kind="stable")
        positions = idx.copy()
        positions[order] += np.arange(numnew)
    vshape = list(shape)
    vshape[axis] = numnew
    values = jnp.astype(jnp.broadcast_to(values, tuple(vshape)), dtype_of(arr))
    source = np.empty(n + numnew, dtype=np.intp)
    old = np.ones(n + numnew, dtype=bool)
    old[positions] = False
    source[old] = np.arange(n)
    source[positions] = n + np.arange(numnew)
    return jnp.take(jnp.concatenate([arr, values], axis=axis), source, axis=axis)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries at the (concrete) positions ``obj``, as ``numpy.delete``.

    >>> delete(np.array([1, 2, 3, 4]), [0, 2])
    array([2, 4])
    """
    jnp = _jnp()
    arr = asarray_like(arr)
    if axis is None:
        if ndim_of(arr) != 1:
            arr = jnp.ravel(arr)
        axis = ndim_of(arr) - 1
    axis = canonicalize_axis(axis, ndim_of(arr))
    n = shape_of(arr)[axis]
    if isinstance(obj, (bool, np.bool_)) or (isinstance(obj, np.ndarray) and
                                             obj.dtype == bool and obj.ndim == 1):
        obj = concrete_or_error(obj, "delete", "the positions determine the output shape")
        keep = ~np.asarray(obj)
        if keep.shape != (n,):
            raise ValueError(f"boolean array argument obj to delete must be one dimensional "
                             f"and match the axis length of {n}")
    else:
        idx, _ = _static_positions(obj, n, "delete")
        idx = idx.ravel()
        if np.any((idx < -n) | (idx >= n)):
            raise IndexError(f"index {idx[(idx < -n) | (idx >= n)][0]} is out of bounds for "
                             f"axis {axis} with size {n}")
        keep = np.ones(n, dtype=bool)
        keep[idx] = False
    return jnp.take(arr, np.flatnonzero(keep), axis=axis)


def _block_depth(x, path=()):
    if isinstance(x, tuple):
        raise TypeError(f"{list(path)} is a tuple. Only lists can be used to arrange blocks, "
                        "and np.block does not allow implicit conversion from tuple to "
                        "ndarray.")
    if isinstance(x, list):
        if not x:
            raise ValueError(f"List at {list(path)} cannot be empty")
        depths = {_block_depth(e, path + (i,)) for i, e in enumerate(x)}
        if len(depths) != 1:
            raise ValueError("List depths are mismatched.")
        return depths.pop() + 1
    return 0


def block(arrays):
    """Assemble an array from nested lists of blocks, as ``numpy.block``.

    >>> block([[np.eye(2), np.zeros((2, 1))], [np.ones((1, 2)), np.ones((1, 1))]])
    array([[1., 0., 0.],
           [0., 1., 0.],
           [1., 1., 1.]])
    """
    jnp = _jnp()
    depth = _block_depth(arrays)

    def max_ndim(x):
        return builtins.max(max_ndim(e) for e in x) if isinstance(x, list) else ndim_of(x)

    nd = builtins.max(depth, max_ndim(arrays))

    def assemble(x, level):
        if not isinstance(x, list):
            x = asarray_like(x)
            return jnp.reshape(x, (1,) * (nd - ndim_of(x)) + tuple(shape_of(x)))
        parts = [assemble(e, level + 1) for e in x]
        return jnp.concatenate(parts, axis=-(depth - level))

    return assemble(arrays, 0)


def resize(a, new_shape):
    """Repeat the flattened ``a`` cyclically to ``new_shape``, as ``numpy.resize``.

    >>> resize(np.array([1, 2, 3]), (2, 2))
    array([[1, 2],
           [3, 1]])
    """
    jnp = _jnp()
    a = jnp.ravel(asarray_like(a))
    new_shape = (operator.index(new_shape),) if np.ndim(new_shape) == 0 else \
        tuple(map(operator.index, new_shape))
    if builtins.any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    total = int(np.prod(new_shape, dtype=np.int64))
    n = shape_of(a)[0]
    if n == 0 or total == 0:
        return np.zeros(new_shape, dtype_of(a))
    return jnp.reshape(jnp.take(a, np.arange(total) % n), new_shape)


def trim_zeros(filt, trim="fb", axis=None):
    """Trim leading/trailing zeros of a concrete array, as ``numpy.trim_zeros``.

    >>> trim_zeros(np.array([0, 1, 2, 0]))
    array([1, 2])
    """
    filt = concrete_or_error(filt, "trim_zeros", "the number of zeros trimmed is the output shape")
    return np.trim_zeros(filt, trim, axis)


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple, as ``numpy.unstack``.

    >>> unstack(np.array([[1, 2], [3, 4]]))
    (array([1, 2]), array([3, 4]))
    """
    jnp = _jnp()
    x = asarray_like(x)
    if ndim_of(x) == 0:
        raise ValueError("Input array must be at least 1-d.")
    x = jnp.moveaxis(x, axis, 0)
    return tuple(x[i] for i in range(shape_of(x)[0]))


# ------------------------------------------------ selection, functional updates


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, elementwise, as ``numpy.select``.

    >>> select([np.array([True, False, False]), np.array([True, True, False])], [1, 2], 0)
    array([1, 2, 0])
    """
    jnp = _jnp()
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    choices = [c if type(c) in (int, float, complex) else asarray_like(c) for c in choicelist]
    fallback = default if type(default) in (int, float, complex) else asarray_like(default)
    dtype = np.result_type(*[c if type(c) in (int, float, complex) else dtype_of(c)
                             for c in choices + [fallback]])
    conds = [asarray_like(c) for c in condlist]
    for i, c in enumerate(conds):
        if dtype_of(c) != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    shape = np.broadcast_shapes(*[shape_of(c) for c in conds],
                                *[shape_of(c) for c in choices + [fallback]])
    out = jnp.broadcast_to(jnp.astype(fallback, dtype), shape)
    for c, v in zip(conds[::-1], choices[::-1], strict=True):
        out = jnp.where(c, jnp.astype(v, dtype), out)
    return out


def piecewise(x, condlist, funclist, *args, **kw):
    """Evaluate ``funclist[i]`` where ``condlist[i]`` holds, as ``numpy.piecewise``.

    Each function is evaluated on all of ``x`` (then selected), so it must
    accept every element.

    >>> piecewise(np.array([-1.0, 0.5, 2.0]), [np.array([True, False, False])],
    ...           [lambda v: -v, lambda v: v * 10])
    array([ 1.,  5., 20.])
    """
    jnp = _jnp()
    x = asarray_like(x)
    n2 = len(funclist)
    if (np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray, Tracer))
                                  and ndim_of(x) != 0)):
        condlist = [condlist]
    if isinstance(condlist, (list, tuple)):
        conds = [jnp.astype(asarray_like(c), bool) for c in condlist]
    else:
        c = jnp.astype(asarray_like(condlist), bool)
        conds = [c[i] for i in range(shape_of(c)[0])]
    n = len(conds)
    if n == n2 - 1:
        other = conds[0]
        for c in conds[1:]:
            other = other | c
        conds.append(~other)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are "
                         "expected")
    dt = dtype_of(x)
    out = jnp.zeros_like(x)
    for c, f in zip(conds, funclist, strict=True):
        val = f(x, *args, **kw) if callable(f) else f
        out = jnp.where(c, jnp.astype(asarray_like(val), dt), out)
    return out


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` elementwise, as ``numpy.choose``.

    ``mode='raise'`` checks concrete indices (traced ones are clipped).

    >>> choose(np.array([0, 1, 0]), [np.array([1, 2, 3]), np.array([10, 20, 30])])
    array([ 1, 20,  3])
    """
    jnp = _jnp()
    if out is not None:
        raise TypeError("vmapx.numpy.choose: the 'out' argument is not supported: traced "
                        "arrays are immutable; use the returned value.")
    a = asarray_like(a)
    # NumPy's choose treats Python scalar choices as weak (NEP 50)
    kinds = [c if type(c) in (bool, int, float, complex) else None for c in choices]
    choices = [asarray_like(c) for c in choices]
    n = len(choices)
    if dtype_of(a).kind not in "iub":
        raise TypeError("Cannot cast array data from dtype('float64') to dtype('int64') "
                        "according to the rule 'safe'")
    if mode == "raise":
        if not isinstance(a, Tracer) and np.any((np.asarray(a) < 0) | (np.asarray(a) >= n)):
            raise ValueError("invalid entry in choice array")
        a = jnp.clip(a, 0, n - 1)
    elif mode == "wrap":
        a = jnp.remainder(a, n)
    elif mode == "clip":
        a = jnp.clip(a, 0, n - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    dtype = np.result_type(*[dtype_of(c) if k is None else k
                             for c, k in zip(choices, kinds, strict=True)])
    shape = np.broadcast_shapes(shape_of(a), *[shape_of(c) for c in choices])
    res = jnp.broadcast_to(jnp.astype(choices[0], dtype), shape)
    for k in range(1, n):
        res = jnp.where(a == k, jnp.astype(choices[k], dtype), res)
    return res


def compress(condition, a, axis=None, *, size=None, fill_value=0):
    """Slices of ``a`` where the (concrete) ``condition`` holds, as ``numpy.compress``.

    >>> compress([False, True, True], np.array([[1, 2, 3], [4, 5, 6]]), axis=1)
    array([[2, 3],
           [5, 6]])
    """
    jnp = _jnp()
    a = asarray_like(a)
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    condition = asarray_like(condition)
    if ndim_of(condition) != 1:
        raise ValueError("condition must be a 1-d array")
    n = shape_of(a)[axis]
    if size is None and isinstance(condition, Tracer):
        size = concrete_size(count_nonzero(condition[:n]), "compress", "the number of True "
                             "entries is the output shape; pass size=... for a static one")
    if size is None:
        condition = concrete_or_error(condition, "compress", "the number of True entries is the output "
                          "shape; pass size=... for a static one")
        idx = np.flatnonzero(np.asarray(condition))
        if len(idx) and idx[-1] >= n:
            raise IndexError(f"index {idx[-1]} is out of bounds for axis {axis} with size {n}")
        return jnp.take(a, idx, axis=axis)
    condition = jnp.astype(condition, bool)
    m = shape_of(condition)[0]
    condition = condition[:n] if m >= n else jnp.pad(condition, (0, n - m))
    (idx,) = jnp.nonzero(condition, size=size, fill_value=n)
    fill_shape = list(shape_of(a))
    fill_shape[axis] = 1
    padded = jnp.concatenate([a, jnp.full(tuple(fill_shape), fill_value, dtype_of(a))],
                             axis=axis)
    return jnp.take(padded, idx, axis=axis)


def extract(condition, arr, *, size=None, fill_value=0):
    """Elements of ``arr`` where ``condition`` is nonzero, as ``numpy.extract``.

    Traced input needs ``size`` (the result is padded with ``fill_value``).

    >>> extract(np.array([1, 0, 1]), np.array([7, 8, 9]))
    array([7, 9])
    """
    jnp = _jnp()
    cond = jnp.ravel(asarray_like(condition))
    arr = jnp.ravel(asarray_like(arr))
    if size is None and isinstance(cond, Tracer):
        size = concrete_size(count_nonzero(cond), "extract", "the number of nonzero entries "
                             "is the output shape; pass size=... for a static one")
    if size is None:
        cond = concrete_or_error(cond, "extract", "the number of nonzero entries is the output "
                          "shape; pass size=... for a static one")
        return jnp.take(arr, np.flatnonzero(cond))
    return compress(jnp.not_equal(cond, 0), arr, size=size, fill_value=fill_value)


def place(arr, mask, vals, *, inplace=True):
    """Put ``vals`` (cyclically) where ``mask`` holds, as ``numpy.place``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> place(np.zeros(4), np.array([True, False, True, True]), [1.0, 2.0], inplace=False)
    array([1., 0., 2., 1.])
    """
    jnp = _jnp()
    if inplace:
        _functional_only("place", arr)
        return np.place(arr, mask, vals)
    arr = asarray_like(arr)
    flat_mask = jnp.ravel(jnp.astype(asarray_like(mask), bool))
    vals = jnp.ravel(asarray_like(vals))
    nv = shape_of(vals)[0]
    if nv == 0:
        return arr
    which = jnp.remainder(jnp.cumsum(jnp.astype(flat_mask, np.intp)) - 1, nv)
    new = jnp.astype(jnp.take(vals, which), dtype_of(arr))
    return jnp.reshape(jnp.where(flat_mask, new, jnp.ravel(arr)), shape_of(arr))


def put(a, ind, v, mode="raise", *, inplace=True):
    """Set flat positions ``ind`` of ``a`` to ``v`` (cyclically), as ``numpy.put``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> put(np.zeros(4), [0, 2], [5.0, 6.0], inplace=False)
    array([5., 0., 6., 0.])
    """
    jnp = _jnp()
    if inplace:
        _functional_only("put", a)
        return np.put(a, ind, v, mode)
    a = asarray_like(a)
    size = int(np.prod(shape_of(a), dtype=np.int64))
    ind = jnp.ravel(asarray_like(ind))
    if mode == "raise":
        if not isinstance(ind, Tracer) and np.any((np.asarray(ind) < -size) |
                                                  (np.asarray(ind) >= size)):
            raise IndexError(f"index out of range for array of size {size}")
        ind = jnp.where(ind < 0, ind + size, ind)
    elif mode == "wrap":
        ind = jnp.remainder(ind, size)
    elif mode == "clip":
        ind = jnp.clip(ind, 0, size - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    vals = jnp.astype(resize(v, shape_of(ind)), dtype_of(a))
    return jnp.reshape(_at(jnp.ravel(a))[ind].set(vals), shape_of(a))


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """Set ``arr`` along ``axis`` at ``indices`` to ``values``, as ``numpy.put_along_axis``.

    With ``inplace=False`` (required for traced arrays) a new array is returned.

    >>> put_along_axis(np.zeros((2, 2)), np.array([[1], [0]]), 7.0, 1, inplace=False)
    array([[0., 7.],
           [7., 0.]])
    """
    jnp = _jnp()
    if inplace:
        _functional_only("put_along_axis", arr)
        return np.put_along_axis(arr, indices, values, axis)
    arr, indices = asarray_like(arr), asarray_like(indices)
    if axis is None:
        arr_shape = shape_of(arr)
        return jnp.reshape(put_along_axis(jnp.ravel(arr), indices, values, 0, inplace=False,
                                          mode=mode), arr_shape)
    nd = ndim_of(arr)
    if ndim_of(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = canonicalize_axis(axis, nd)
    index = []
    ishape = shape_of(indices)
    for d in range(nd):
        if d == axis:
            index.append(indices)
        else:
            shape = [1] * nd
            shape[d] = ishape[d]
            index.append(np.arange(ishape[d]).reshape(shape))
    return _at(arr)[tuple(index)].set(values, mode=mode)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` applied to every 1-D slice along ``axis`` (batched with ``vmap``),
    as ``numpy.apply_along_axis``.

    >>> apply_along_axis(lambda v: v[::-1].sum() * v, 1, np.array([[1, 2], [3, 4]]))
    array([[ 3,  6],
           [21, 28]])
    """
    jnp = _jnp()
    from ..api import vmap
    arr = asarray_like(arr)
    nd = ndim_of(arr)
    axis = canonicalize_axis(axis, nd)

    def one(x):
        return func1d(x, *args, **kwargs)

    f = one
    for _ in range(nd - 1):
        f = vmap(f)
    out = asarray_like(f(jnp.moveaxis(arr, axis, -1)))
    extra = ndim_of(out) - (nd - 1)
    return jnp.moveaxis(out, tuple(range(nd - 1, nd - 1 + extra)),
                        tuple(range(axis, axis + extra)))


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied axis after axis, keeping dimensions, as ``numpy.apply_over_axes``.

    >>> apply_over_axes(np.sum, np.arange(6).reshape(2, 3), [0, 1])
    array([[15]])
    """
    jnp = _jnp()
    val = asarray_like(a)
    nd = ndim_of(val)
    axes = (axes,) if np.ndim(axes) == 0 else tuple(axes)
    for axis in axes:
        if axis < 0:
            axis = nd + axis
        res = asarray_like(func(val, axis))
        if ndim_of(res) == ndim_of(val):
            val = res
        else:
            res = jnp.expand_dims(res, axis)
            if ndim_of(res) != ndim_of(val):
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val


# ------------------------------------------------------------- products, bits


def matvec(x1, x2, /):
    """Matrix-vector product over the last axes, as ``numpy.matvec``.

    >>> matvec(np.array([[1, 2], [3, 4]]), np.array([1, 1]))
    array([3, 7])
    """
    jnp = _jnp()
    return jnp.squeeze(jnp.matmul(x1, jnp.expand_dims(asarray_like(x2), -1)), -1)


def vecmat(x1, x2, /):
    """Vector-matrix product (conjugating the vector), as ``numpy.vecmat``.

    >>> vecmat(np.array([1, 1]), np.array([[1, 2], [3, 4]]))
    array([4, 6])
    """
    jnp = _jnp()
    x1 = asarray_like(x1)
    if dtype_of(x1).kind == "c":
        x1 = jnp.conjugate(x1)
    return jnp.squeeze(jnp.matmul(jnp.expand_dims(x1, -2), x2), -2)


def packbits(a, axis=None, bitorder="big"):
    """Pack the truth values of ``a`` into the bits of uint8, as ``numpy.packbits``.

    >>> packbits(np.array([1, 0, 1, 1, 0, 0, 0, 0, 1]))
    array([176, 128], dtype=uint8)
    """
    jnp = _jnp()
    a = asarray_like(a)
    if dtype_of(a).kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    bits_ = jnp.astype(jnp.not_equal(a, 0), np.uint8)
    n = shape_of(bits_)[axis]
    pad = (-n) % 8
    if pad:
        pw = [(0, 0)] * ndim_of(bits_)
        pw[axis] = (0, pad)
        bits_ = jnp.pad(bits_, pw)
    bits_ = jnp.moveaxis(bits_, axis, -1)
    s = shape_of(bits_)
    bits_ = jnp.reshape(bits_, s[:-1] + (s[-1] // 8, 8))
    weights = (1 << np.arange(8, dtype=np.uint8))
    if bitorder == "big":
        weights = weights[::-1].copy()
    packed = jnp.sum(bits_ * weights, axis=-1, dtype=np.uint8)
    return jnp.moveaxis(packed, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """Unpack the bits of a uint8 array, as ``numpy.unpackbits``.

    >>> unpackbits(np.array([176], dtype=np.uint8))
    array([1, 0, 1, 1, 0, 0, 0, 0], dtype=uint8)
    """
    jnp = _jnp()
    a = asarray_like(a)
    if dtype_of(a) != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if bitorder not in ("big", "little"):
        raise ValueError("'order' must be either 'little' or 'big'")
    if axis is None:
        a, axis = jnp.ravel(a), 0
    axis = canonicalize_axis(axis, ndim_of(a))
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    bits_ = jnp.bitwise_and(jnp.right_shift(jnp.expand_dims(a, -1), shifts), np.uint8(1))
    bits_ = jnp.moveaxis(bits_, ndim_of(a), axis + 1)
    s = shape_of(bits_)
    bits_ = jnp.reshape(bits_, s[:axis] + (s[axis] * 8,) + s[axis + 2:])
    if count is not None:
        total = shape_of(bits_)[axis]
        count = operator.index(count)
        if count < 0:
            count = builtins.max(total + count, 0)
        if count <= total:
            bits_ = slice_along(bits_, axis, 0, count)
        else:
            pw = [(0, 0)] * ndim_of(bits_)
            pw[axis] = (0, count - total)
            bits_ = jnp.pad(bits_, pw)
    return bits_


# ------------------------------------------------------------------- windows


def _window(name, fn):
    def window(M):
        return fn(_static_int(M, name))
    window.__name__ = window.__qualname__ = name
    window.__doc__ = (f"The {name.capitalize()} window of ``M`` points, as ``numpy.{name}``.\n\n"
                      f">>> {name}(3)\n{fn(3)!r}\n")
    return window


bartlett = _window("bartlett", np.bartlett)
blackman = _window("blackman", np.blackman)
hamming = _window("hamming", np.hamming)
hanning = _window("hanning", np.hanning)


def kaiser(M, beta):
    """The Kaiser window of ``M`` points (``beta`` may be traced), as ``numpy.kaiser``.

    >>> kaiser(3, 5.0)
    array([0.03671089, 1.        , 0.03671089])
    """
    M = _static_int(M, "kaiser")
    if M < 1:
        return np.array([])
    if M == 1:
        return np.ones(1)
    n = np.arange(0, M)
    alpha = (M - 1) / 2.0
    beta = asarray_like(beta)
    return i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / i0(beta)
