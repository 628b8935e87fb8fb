"""``vmapx.random``'s counting samplers: ``poisson``, ``binomial`` and
``multinomial``, on JAX's key streams (x64 defaults).

All three are rejection or inversion loops run as one batched ``while_loop``
over the whole sample array, as JAX runs them: every iteration draws fresh
uniforms for every element from keys split off in JAX's order, and an element
keeps the first value it accepts.  Where JAX computes two algorithms and
selects per element (Knuth's product of uniforms or Hormann's transformed
rejection for ``poisson``; the geometric-sum inversion or BTRS for
``binomial``), so do these, with the same key, so that each element sees
JAX's uniforms.  The results are counts, so rounding differences in the
logarithms can change a value only where an acceptance test is decided by
the last bit.
"""
from __future__ import annotations

import numpy as _np

from .. import inputs as _inputs
from .. import numpy_api as _jnp
from ..core import dtype_of as _dtype_of, shape_of as _shape_of
from ..lax_loops import while_loop as _while_loop
from ..lax_special import lgamma as _lgamma
from .keys import (_FLOAT, _INT, _canonical_shape, _check_key, _check_shape, _default_typed,
                   _is_array, _out, _split, key)
from .uniform import _uniform

__all__ = ["poisson", "binomial", "multinomial"]

_F32 = _np.dtype(_np.float32)


def _quiet():
    """Logarithms of 0, infinities and NaN parameters are part of the algorithms."""
    return _np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _check_arraylike(name, *args):
    """JAX's rule: parameters are arrays or scalars, never lists or tuples."""
    for i, arg in enumerate(args):
        if not (_is_array(arg) or isinstance(arg, (int, float, complex, bool, _np.generic))):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(arg)} "
                            f"at position {i}.")


def _broadcast_param(x, shape):
    """``x`` broadcast to ``shape`` with JAX's errors: a target of lower rank,
    or sizes that differ and are not 1."""
    xshape = tuple(_shape_of(x))
    if len(xshape) > len(shape):
        raise ValueError("Cannot broadcast to shape with fewer dimensions: "
                         f"arr_shape={xshape} shape={tuple(shape)}")
    tail = tuple(shape[len(shape) - len(xshape):])
    if any(a != 1 and a != b for a, b in zip(xshape, tail, strict=True)):
        dtype = _dtype_of(x).name

        def typ(s):
            return f"{dtype}[{','.join(map(str, s))}]"
        raise ValueError("Incompatible types for broadcasting: input type="
                         f"{typ(xshape)} and requested type={typ(shape)}")
    return x if xshape == tuple(shape) else _jnp.broadcast_to(x, shape)


def _to_int(x, dtype):
    """Floats to ``dtype`` as XLA converts them: NaN to 0, out-of-range values
    (infinities included) saturated to the dtype's bounds."""
    info = _np.iinfo(dtype)
    too_big = _jnp.greater_equal(x, float(info.max))
    too_small = _jnp.less_equal(x, float(info.min))
    bad = _jnp.logical_or(_jnp.logical_or(too_big, too_small), _jnp.isnan(x))
    with _np.errstate(invalid="ignore"):
        out = _jnp.astype(_jnp.where(bad, _np.zeros((), _dtype_of(x)), x), dtype)
    out = _jnp.where(too_big, _np.asarray(info.max, dtype), out)
    return _jnp.where(too_small, _np.asarray(info.min, dtype), out)


def _any(x):
    return _jnp.any(x) if _shape_of(x) else x


# ------------------------------------------------------------------- poisson

def _poisson_knuth(key, lam, shape, dtype, max_iters):
    """Knuth's method: the count of float32 uniforms whose log-product stays
    above ``-lam``, less one."""
    neg_lam = _jnp.negative(lam)

    def cond(state):
        i, _, _, log_prod = state
        return _jnp.logical_and(_any(_jnp.greater(log_prod, neg_lam)),
                                _jnp.less(i, max_iters))

    def body(state):
        i, k, rng, log_prod = state
        pair = _split(rng)
        k = _jnp.where(_jnp.greater(log_prod, neg_lam), _jnp.add(k, _np.ones((), dtype)), k)
        log_u = _jnp.log(_uniform(pair[1], shape, _F32, 0.0, 1.0))
        return _jnp.add(i, 1), k, pair[0], _jnp.add(log_prod, log_u)

    init = (_np.asarray(0, _INT), _np.zeros(shape, dtype), key, _np.zeros(shape, _F32))
    k = _while_loop(cond, body, init)[1]
    return _jnp.subtract(k, _np.ones((), dtype))


def _poisson_rejection(key, lam, shape, dtype, max_iters):
    """Hormann's transformed rejection (PTRS), in float32."""
    def c(v):
        return _np.asarray(v, _F32)

    log_lam = _jnp.log(lam)
    b = _jnp.add(c(0.931), _jnp.multiply(c(2.53), _jnp.sqrt(lam)))
    a = _jnp.add(c(-0.059), _jnp.multiply(c(0.02483), b))
    inv_alpha = _jnp.add(c(1.1239), _jnp.divide(c(1.1328), _jnp.subtract(b, c(3.4))))
    v_r = _jnp.subtract(c(0.9277), _jnp.divide(c(3.6224), _jnp.subtract(b, c(2))))

    def cond(state):
        i, _, accepted, _ = state
        return _jnp.logical_and(_any(_jnp.logical_not(accepted)), _jnp.less(i, max_iters))

    def body(state):
        i, k_out, accepted, rng = state
        keys = _split(rng, (3,))
        u = _jnp.subtract(_uniform(keys[1], shape, _F32, 0.0, 1.0), c(0.5))
        v = _uniform(keys[2], shape, _F32, 0.0, 1.0)
        us = _jnp.subtract(c(0.5), _jnp.abs(u))
        k = _jnp.floor(_jnp.add(_jnp.add(_jnp.multiply(
            _jnp.add(_jnp.divide(_jnp.multiply(c(2), a), us), b), u), lam), c(0.43)))
        s = _jnp.log(_jnp.divide(_jnp.multiply(v, inv_alpha),
                                 _jnp.add(_jnp.divide(a, _jnp.multiply(us, us)), b)))
        t = _jnp.subtract(_jnp.add(_jnp.negative(lam), _jnp.multiply(k, log_lam)),
                          _lgamma(_jnp.add(k, c(1))))
        accept1 = _jnp.logical_and(_jnp.greater_equal(us, c(0.07)),
                                   _jnp.less_equal(v, v_r))
        reject = _jnp.logical_or(_jnp.less(k, c(0)), _jnp.logical_and(
            _jnp.less(us, c(0.013)), _jnp.greater(v, us)))
        accept = _jnp.logical_or(accept1, _jnp.logical_and(_jnp.logical_not(reject),
                                                           _jnp.less_equal(s, t)))
        return (_jnp.add(i, 1), _jnp.where(accept, k, k_out),
                _jnp.logical_or(accepted, accept), keys[0])

    init = (_np.asarray(0, _INT), _np.full(shape, -1, _F32), _np.zeros(shape, bool), key)
    return _to_int(_while_loop(cond, body, init)[1], dtype)


def poisson(key, lam, shape=None, dtype=None):
    """Poisson(``lam``) counts (default dtype ``int64``): JAX's values for the key.

    As JAX: ``lam`` is taken in float32; Knuth's method (a product of uniforms)
    for ``lam < 10`` and Hormann's transformed rejection above, both run on the
    same key and selected per element; ``lam == 0`` gives 0 and a NaN or
    negative ``lam`` gives -1.  The float32 rejection test uses NumPy's float32
    ``log`` and vmapx's ``lgamma``, not XLA's kernels, so about one value in
    100,000 with ``lam >= 10`` differs from JAX's (measured).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.poisson(random.PRNGKey(0), 3.0, (6,))
    array([0, 0, 4, 4, 1, 2])
    >>> random.poisson(random.PRNGKey(1), np.array([2.0, 50.0]))
    array([ 4, 51])
    """
    key = _check_key("poisson", key)
    dtype = _np.dtype(_INT if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise ValueError(f"Invalid integer data type '{dtype.kind}'.")
    if not _is_array(lam) and not isinstance(lam, (int, float, bool, _np.generic)):
        raise TypeError(f"broadcast_to requires ndarray or scalar arguments, got {type(lam)} "
                        "at position 0.")
    lam = _default_typed(lam)
    shape = tuple(_shape_of(lam)) if shape is None else _canonical_shape(shape)
    lam = _jnp.astype(_broadcast_param(lam, shape), _F32)
    with _quiet():
        return _out(_poisson(key, lam, shape, dtype))


def _poisson(key, lam, shape, dtype):
    max_iters = _np.asarray(_np.iinfo(dtype).max, _INT)
    use_knuth = _jnp.logical_or(_jnp.isnan(lam), _jnp.less(lam, _np.float32(10)))
    lam_knuth = _jnp.where(use_knuth, lam, _np.float32(0))
    lam_rejection = _jnp.where(use_knuth, _np.float32(1e5), lam)
    knuth = _poisson_knuth(key, lam_knuth, shape, dtype, max_iters)
    rejection = _poisson_rejection(key, lam_rejection, shape, dtype, max_iters)
    result = _jnp.where(use_knuth, knuth, rejection)
    return _jnp.where(_jnp.equal(lam, 0), _np.zeros((), dtype), result)


# ------------------------------------------------------------------ binomial

_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)   # log(k!) - Stirling's formula, k = 0..9


def _stirling_tail(k):
    """The error of Stirling's approximation of ``log(k!)``: tabulated for
    ``k <= 9``, a series above."""
    dtype = _dtype_of(k)

    def c(v):
        return _np.asarray(v, dtype)

    small = _jnp.less_equal(k, c(9))
    kc = _jnp.clip(k, c(0), c(9))
    kp1 = _jnp.add(kc, c(1))
    kp1sq = _jnp.multiply(kp1, kp1)
    series = _jnp.divide(_jnp.subtract(c(1.0 / 12), _jnp.divide(
        _jnp.subtract(c(1.0 / 360), _jnp.divide(c(1.0 / 1260), kp1sq)), kp1sq)), kp1)
    table = _np.asarray(_STIRLING_TAIL, dtype)
    index = _to_int(_jnp.floor(kc), _np.int32)   # NaN to 0, as XLA
    return _jnp.where(small, _jnp.take(table, index), series)


def _binomial_inversion(key, count, prob, shape, dtype):
    """The number of geometric(``prob``) waiting times that fit in ``count``."""
    pdtype = _dtype_of(prob)
    log_q = _jnp.log1p(_jnp.negative(prob))
    one = _np.ones((), pdtype)

    def cond(state):
        return _any(_jnp.less_equal(state[2], count))

    def body(state):
        i, num_geom, geom_sum, rng = state
        pair = _split(rng)
        num_geom = _jnp.where(_jnp.less_equal(geom_sum, count), _jnp.add(num_geom, one), num_geom)
        u = _uniform(pair[0], shape, pdtype, 0.0, 1.0)
        geom = _jnp.ceil(_jnp.divide(_jnp.log(u), log_q))
        return _jnp.add(i, 1), num_geom, _jnp.add(geom_sum, geom), pair[1]

    init = (_np.asarray(0, _INT), _np.zeros(shape, pdtype), _np.zeros(shape, pdtype), key)
    k = _while_loop(cond, body, init)[1]
    return _jnp.astype(_jnp.subtract(k, one), dtype)


def _btrs(key, count, prob, shape, dtype):
    """Hormann's transformed rejection with squeeze (BTRS)."""
    pdtype = _dtype_of(prob)

    def c(v):
        return _np.asarray(v, pdtype)

    q = _jnp.subtract(c(1), prob)
    stddev = _jnp.sqrt(_jnp.multiply(_jnp.multiply(count, prob), q))
    b = _jnp.add(c(1.15), _jnp.multiply(c(2.53), stddev))
    a = _jnp.add(_jnp.add(c(-0.0873), _jnp.multiply(c(0.0248), b)),
                 _jnp.multiply(c(0.01), prob))
    center = _jnp.add(_jnp.multiply(count, prob), c(0.5))
    v_r = _jnp.subtract(c(0.92), _jnp.divide(c(4.2), b))
    r = _jnp.divide(prob, q)
    alpha = _jnp.multiply(_jnp.add(c(2.83), _jnp.divide(c(5.1), b)), stddev)
    m = _jnp.floor(_jnp.multiply(_jnp.add(count, c(1)), prob))
    count_p1 = _jnp.add(count, c(1))
    n_m_p1 = _jnp.add(_jnp.subtract(count, m), c(1))
    bound_m = _jnp.multiply(_jnp.add(m, c(0.5)), _jnp.log(
        _jnp.divide(_jnp.add(m, c(1)), _jnp.multiply(r, n_m_p1))))

    def cond(state):
        return _any(_jnp.logical_not(state[2]))

    def body(state):
        i, k_out, accepted, rng = state
        keys = _split(rng, (3,))
        u = _uniform(keys[1], shape, pdtype, 0.0, 1.0)
        v = _uniform(keys[2], shape, pdtype, 0.0, 1.0)
        u = _jnp.subtract(u, c(0.5))
        us = _jnp.subtract(c(0.5), _jnp.abs(u))
        accept1 = _jnp.logical_and(_jnp.greater_equal(us, c(0.07)), _jnp.less_equal(v, v_r))
        k = _jnp.floor(_jnp.add(_jnp.multiply(
            _jnp.add(_jnp.divide(_jnp.multiply(c(2), a), us), b), u), center))
        reject = _jnp.logical_or(_jnp.less(k, c(0)), _jnp.greater(k, count))
        v = _jnp.log(_jnp.divide(_jnp.multiply(v, alpha),
                                 _jnp.add(_jnp.divide(a, _jnp.multiply(us, us)), b)))
        n_k_p1 = _jnp.add(_jnp.subtract(count, k), c(1))
        ub = _jnp.add(bound_m, _jnp.multiply(count_p1, _jnp.log(_jnp.divide(n_m_p1, n_k_p1))))
        ub = _jnp.add(ub, _jnp.multiply(_jnp.add(k, c(0.5)), _jnp.log(
            _jnp.divide(_jnp.multiply(r, n_k_p1), _jnp.add(k, c(1))))))
        ub = _jnp.add(ub, _stirling_tail(m))
        ub = _jnp.add(ub, _stirling_tail(_jnp.subtract(count, m)))
        ub = _jnp.subtract(ub, _stirling_tail(k))
        ub = _jnp.subtract(ub, _stirling_tail(_jnp.subtract(count, k)))
        accept = _jnp.logical_or(accept1, _jnp.logical_and(_jnp.logical_not(reject),
                                                           _jnp.less_equal(v, ub)))
        return (_jnp.add(i, 1), _jnp.where(accept, k, k_out),
                _jnp.logical_or(accepted, accept), keys[0])

    init = (_np.asarray(0, _INT), _np.full(shape, -1, pdtype), _np.zeros(shape, bool), key)
    return _jnp.astype(_while_loop(cond, body, init)[1], dtype)


def _promote_inexact(*xs):
    """JAX's ``promote_dtypes_inexact``: the widest float dtype among the array
    parameters (integers promote to any float, unlike NumPy), float64 when none
    is a float array (Python numbers and integer arrays alone)."""
    floats = [_dtype_of(x) for x in xs if _is_array(x) and _inputs.kind(_dtype_of(x)) in "fc"]
    weak_complex = any(isinstance(x, complex) for x in xs)
    xs = [_default_typed(x) for x in xs]
    dtype = _np.result_type(*floats) if floats else _FLOAT
    if weak_complex and _inputs.kind(dtype) == "f":
        dtype = _np.result_type(dtype, _np.complex64)
    return [_jnp.astype(x, dtype) for x in xs]


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial(``n``, ``p``) counts as floats (default dtype ``float64``): JAX's
    values for the key.

    As JAX: computed in ``p``'s float dtype (float64 for Python numbers and
    integers); ``n`` is floored; the smaller of ``p`` and ``1 - p`` is sampled
    (by counting geometric waiting times where ``n * p <= 10``, by BTRS
    rejection above) and reflected; NaN ``p``, ``p < 0`` or NaN or negative
    ``n`` give NaN, an infinite ``n`` gives infinity.

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.binomial(random.PRNGKey(0), 10, 0.3, (6,))
    array([4., 1., 3., 4., 3., 2.])
    >>> random.binomial(random.PRNGKey(1), np.array([5.0, 1000.0]), 0.5)
    array([  4., 503.])
    """
    key = _check_key("binomial", key)
    _check_arraylike("binomial", n, p)
    dtype = _np.dtype(_FLOAT if dtype is None else dtype)
    if _inputs.kind(dtype) != "f":
        raise ValueError(f"dtype argument to `binomial` must be a float dtype, got {dtype}")
    if shape is not None:
        shape = _canonical_shape(shape)
    with _quiet():
        return _out(_binomial(key, n, p, shape, dtype))


def _binomial(key, count, prob, shape, dtype):
    cshape, pshape = tuple(_shape_of(count)), tuple(_shape_of(prob))
    shapes = ([] if shape is None else [shape]) + [cshape, pshape]
    try:
        broadcast = tuple(_np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None
    if shape is None:
        shape = broadcast
    else:
        _check_shape("binomial", shape, cshape, pshape)
    (prob,) = _promote_inexact(prob)
    pdtype = _dtype_of(prob)

    def c(v):
        return _np.asarray(v, pdtype)

    count = _jnp.broadcast_to(_jnp.astype(_default_typed(count), pdtype), shape)
    prob = _jnp.broadcast_to(prob, shape)
    p_lt_half = _jnp.less(prob, c(0.5))
    q = _jnp.where(p_lt_half, prob, _jnp.subtract(c(1), prob))
    count_nan_or_neg = _jnp.logical_or(_jnp.isnan(count), _jnp.less(count, c(0)))
    count_inf = _jnp.isinf(count)
    q_is_nan = _jnp.isnan(q)
    q_l_0 = _jnp.less(q, c(0))
    q = _jnp.where(_jnp.logical_or(q_is_nan, q_l_0), c(0.01), q)
    use_inversion = _jnp.logical_or(count_nan_or_neg,
                                    _jnp.less_equal(_jnp.multiply(count, q), c(10)))
    count = _jnp.floor(count)
    count_inv = _jnp.where(use_inversion, count, c(0))
    count_btrs = _jnp.where(use_inversion, c(1e4), count)
    q_btrs = _jnp.where(use_inversion, c(0.5), q)
    samples = _jnp.where(use_inversion,
                         _binomial_inversion(key, count_inv, q, shape, dtype),
                         _btrs(key, count_btrs, q_btrs, shape, dtype))
    invalid = _jnp.logical_or(_jnp.logical_or(q_l_0, q_is_nan), count_nan_or_neg)
    samples = _jnp.where(invalid, _np.asarray(_np.nan, dtype), samples)
    samples = _jnp.where(_jnp.logical_and(count_inf, _jnp.logical_not(invalid)),
                         _np.asarray(_np.inf, dtype), samples)
    keep = _jnp.logical_or(_jnp.logical_or(p_lt_half, count_nan_or_neg),
                           _jnp.logical_or(q_is_nan, count_inf))
    return _jnp.where(keep, samples, _jnp.subtract(_jnp.astype(count, dtype), samples))


# --------------------------------------------------------------- multinomial

def _remaining_sums(p):
    """``out[i] = p[i] + p[i+1] + ... + p[-1]`` along axis 0, each sum taken
    from ``p[i]`` onward as XLA's reduce-window evaluates JAX's reverse
    ``cumsum`` (for up to 17 categories; XLA rewrites longer ones into a
    tree)."""
    k = _shape_of(p)[0]
    rows = _jnp.reshape(_jnp.arange(k), (k,) + (1,) * (len(_shape_of(p)) - 1))
    zero = _np.zeros((), _dtype_of(p))
    acc = _jnp.zeros_like(p)
    for j in range(k):
        acc = _jnp.add(acc, _jnp.where(_jnp.less_equal(rows, j), p[j], zero))
    return acc


def multinomial(key, n, p, *, shape=None, dtype=None, unroll=1):
    """Multinomial(``n``, ``p``) counts over the last axis of ``p`` (default dtype
    ``float64``): JAX's values for the key.

    As JAX: each category in turn takes a binomial share of the trials left,
    with probability ``p[i]`` over the probability left (so ``p`` need not sum
    to 1), each from its own key split off ``key``.  ``shape`` is the whole
    result shape, last axis included (``p.shape`` by default); ``unroll`` is
    accepted for JAX's signature (the loop over categories is unrolled).

    >>> import numpy as np
    >>> from vmapx import random
    >>> random.multinomial(random.PRNGKey(0), 10, np.array([0.2, 0.3, 0.5]))
    array([1., 4., 5.])
    >>> random.multinomial(random.PRNGKey(0), 100, np.array([0.5, 0.5]), shape=(3, 2),
    ...                    dtype=np.int64)
    array([[47, 53],
           [46, 54],
           [60, 40]])
    """
    key = _check_key("multinomial", key)
    _check_arraylike("multinomial", n, p)
    n, p = _promote_inexact(n, p)
    pshape = tuple(_shape_of(p))
    shape = pshape if shape is None else _canonical_shape(shape)
    if not shape:
        raise ValueError(f"axis -1 is out of bounds for array of dimension {len(pshape)}")
    n = _broadcast_param(n, shape[:-1])
    p = _broadcast_param(p, shape)
    with _quiet():
        counts = _multinomial(key, n, p)
    out_dtype = _np.dtype(_FLOAT if dtype is None else dtype)
    if _inputs.kind(out_dtype) in "iu":
        return _out(_to_int(counts, out_dtype))
    return _out(_jnp.astype(counts, out_dtype))


def _multinomial(key, n, p):
    p = _jnp.moveaxis(p, -1, 0)
    dtype = _dtype_of(p)
    remaining = _remaining_sums(p)
    ratios = _jnp.divide(p, _jnp.where(_jnp.equal(remaining, 0), _np.ones((), dtype), remaining))
    ratios = _jnp.clip(ratios, _np.zeros((), dtype), _np.ones((), dtype))
    k = _shape_of(p)[0]
    if k == 0:
        return _jnp.moveaxis(p, 0, -1)    # no categories, no counts
    keys = _split(key, (k,))
    remainder, counts = n, []
    for i in range(k):
        count = _binomial(keys[i], remainder, ratios[i], None, dtype)
        counts.append(count)
        remainder = _jnp.subtract(remainder, count)
    return _jnp.moveaxis(_jnp.stack(counts), 0, -1)
