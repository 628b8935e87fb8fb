"""Regenerate ``jax_dtypes.json``: the result dtypes of ``jax.numpy`` (x64 on)
for 90 functions over 13 dtypes and the weak Python scalars ``1``, ``1.0``,
``1j`` (11,700 cases), the table ``tests/test_jax_dtypes.py`` checks
``vmapx.numpy`` against.  Run once with a JAX installation (made with JAX
0.10.2, CPU; takes about 10 minutes, most of it compiling):

    python tests/data/make_jax_dtypes.py

A case holds the result's dtype name, or ``"ERR <exception class>"`` where
JAX raises.  The cases (``cases``, ``call``) are defined here and imported by
the test; this module imports JAX only when run.
"""
import json
import os

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "int64", "uint32", "uint64", "float16",
          "float32", "float64", "complex64", "complex128"]
SCALARS = (1, 1.0, 1j)
UNARY = ["sqrt", "exp", "sin", "log1p", "abs", "negative", "square", "reciprocal", "floor",
         "rint", "sign", "arctan", "deg2rad", "cbrt", "isnan", "mean_", "sum_", "prod_",
         "cumsum_", "var_", "std_", "median_", "linalg_norm_", "average_", "round_", "trace_",
         "dot1_", "einsum1_", "sort_", "exp2", "log2", "tanh", "spacing", "fix", "trunc",
         "ceil"]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
          "power", "arctan2", "hypot", "maximum", "minimum", "fmax", "logaddexp", "copysign",
          "nextafter", "equal", "less", "heaviside", "float_power", "fmod", "ldexp", "matmul",
          "dot", "where_", "concatenate_", "stack_", "inner", "outer", "cross_", "polyval_",
          "interp_", "kron", "convolve", "vdot", "tensordot_", "clip_", "einsum_", "gcd",
          "bitwise_and", "left_shift", "logical_and", "select_", "linalg_solve_", "take_",
          "append", "searchsorted", "isclose", "allclose_", "array_equal", "correlate",
          "polyadd", "polymul", "cov_"]


def call(jnp, name, a, b=None):
    """``name`` (a function of ``jnp``, or a composed case ending in ``_``) on ``a``
    (and ``b``)."""
    if name.endswith("_"):
        n = name[:-1]
        composed = {
            "where": lambda: jnp.where(True, a, b),
            "concatenate": lambda: jnp.concatenate([a, b]),
            "stack": lambda: jnp.stack([a, b]),
            "cross": lambda: jnp.cross(jnp.stack([a, a, a]), jnp.stack([b, b, b])),
            "polyval": lambda: jnp.polyval(a, b),
            "interp": lambda: jnp.interp(a, b, b),
            "tensordot": lambda: jnp.tensordot(a, b, 1),
            "clip": lambda: jnp.clip(a, b, b),
            "einsum": lambda: jnp.einsum("i,i->", a, b),
            "einsum1": lambda: jnp.einsum("i->", a),
            "select": lambda: jnp.select([jnp.array([True, False])], [a], b),
            "linalg_solve": lambda: jnp.linalg.solve(
                jnp.stack([a, a + 1]) + jnp.eye(2, dtype=a.dtype), b),
            "take": lambda: jnp.take(a, jnp.array([0])),
            "allclose": lambda: jnp.asarray(jnp.allclose(a, b)),
            "cov": lambda: jnp.cov(a, b),
            "dot1": lambda: jnp.dot(a, a),
            "linalg_norm": lambda: jnp.linalg.norm(a),
            "trace": lambda: jnp.trace(jnp.stack([a, a])),
        }
        if n in composed:
            return composed[n]()
        return getattr(jnp, n)(a)
    f = getattr(jnp, name)
    return f(a) if b is None else f(a, b)


def cases():
    """(key, name, first dtype, second dtype or Python scalar or None)."""
    for name in UNARY:
        for d in DTYPES:
            yield f"{name}({d})", name, d, None
    for name in BINARY:
        for d1 in DTYPES:
            for d2 in DTYPES:
                yield f"{name}({d1},{d2})", name, d1, d2
            for s in SCALARS:
                yield f"{name}({d1},{s!r})", name, d1, s


def result_dtype(jnp, name, d1, second):
    """The dtype name of the case's result, or ``ERR <class>``."""
    try:
        a = jnp.ones(2, d1)
        if second is None:
            r = call(jnp, name, a)
        else:
            r = call(jnp, name, a, second if type(second) in SCALARS_TYPES else
                     jnp.ones(2, second))
        return str(jnp.asarray(r).dtype)
    except Exception as e:   # noqa: BLE001 - the error class is the result
        return "ERR " + type(e).__name__


SCALARS_TYPES = (int, float, complex)


def main():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    table = {key: result_dtype(jnp, name, d1, d2) for key, name, d1, d2 in cases()}
    out = {"jax": jax.__version__, "x64": True, "dtypes": table}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jax_dtypes.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=0, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
