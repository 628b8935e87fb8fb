"""Regenerate ``jax_dtypes_libs.json``: the result dtypes of JAX's (x64 on)
``nn``, ``scipy.special``, ``scipy.stats``, ``scipy.linalg``, ``numpy.linalg``,
``numpy.fft`` and ``random`` functions on bool, integer and float32 inputs, the
table ``tests/test_jax_dtypes_libs.py`` checks vmapx against.  Run once with a
JAX installation (made with JAX 0.10.2, CPU; about a minute):

    python tests/data/make_jax_dtypes_libs.py

A case holds the result's dtype name, or ``"ERR <exception class>"`` where JAX
raises.  The cases are defined here (``cases``) and imported by the test; this
module imports JAX only when run.
"""
import json
import os
import warnings

import numpy as np

DTYPES = ["bool", "int8", "uint8", "int32", "int64", "float32"]
NN = ["relu", "relu6", "sigmoid", "softplus", "sparse_plus", "soft_sign", "silu", "log_sigmoid",
      "leaky_relu", "hard_sigmoid", "hard_silu", "hard_tanh", "elu", "celu", "selu", "gelu",
      "squareplus", "mish", "log_softmax", "softmax", "logsumexp", "standardize"]
SPECIAL1 = ["gammaln", "digamma", "erf", "erfc", "erfinv", "expit", "logit", "log_ndtr", "ndtr",
            "ndtri", "i0", "i0e", "i1", "i1e", "entr", "logsumexp", "spence", "factorial",
            "exp1", "expi"]
SPECIAL2 = ["xlogy", "xlog1py", "gammainc", "gammaincc", "betaln", "zeta", "kl_div",
            "rel_entr", "poch"]
# distribution: (functions, number of shape parameters after x)
STATS = {"norm": ("pdf logpdf cdf logcdf ppf sf", 0), "logistic": ("pdf logpdf cdf ppf sf isf", 0),
         "cauchy": ("pdf logpdf cdf", 0), "expon": ("pdf logpdf cdf", 0),
         "laplace": ("pdf logpdf cdf", 0), "t": ("pdf logpdf", 1), "gamma": ("pdf logpdf cdf", 1),
         "beta": ("pdf logpdf cdf", 2), "poisson": ("pmf logpmf cdf", 1),
         "bernoulli": ("pmf logpmf cdf", 1), "uniform": ("pdf logpdf cdf", 0),
         "chi2": ("pdf logpdf cdf", 1), "geom": ("pmf logpmf", 1), "nbinom": ("pmf logpmf", 2),
         "truncnorm": ("pdf logpdf cdf", 2)}
SCIPY_LINALG1 = ["det", "inv", "cholesky", "lu", "qr", "svd", "eigh", "expm", "sqrtm", "lu_factor",
                 "cho_factor"]
NUMPY_LINALG1 = ["det", "inv", "cholesky", "slogdet", "eigvalsh", "pinv", "norm", "matrix_rank",
                 "qr", "svd", "eigh", "eig", "eigvals", "cond"]


def _first(out):
    """The first array of a function's result (a tuple or named tuple of them)."""
    while isinstance(out, (tuple, list)):
        out = out[0]
    return out


def cases(ns):
    """``{key: thunk}`` over the namespace ``ns`` (``jnp``, ``nn``, ``special``,
    ``stats``, ``scipy_linalg``, ``random``)."""
    jnp, nn, sp, st, sl, jr = ns["jnp"], ns["nn"], ns["special"], ns["stats"], \
        ns["scipy_linalg"], ns["random"]
    out = {}
    key = jr.PRNGKey(0)
    for dt in DTYPES:
        x = np.array([1, 2, 3]).astype(dt)
        y = np.array([0, 1, 1]).astype(dt)
        v = np.array([1, 2, 3, 4]).astype(dt)
        m = np.array([[4, 1], [1, 3]]).astype(dt)
        b = np.array([1, 2]).astype(dt)
        for n in NN:
            out[f"nn.{n}({dt})"] = (lambda f, x: lambda: f(x))(getattr(nn, n), x)
        out[f"nn.one_hot({dt})"] = lambda x=x: nn.one_hot(x, 4)
        out[f"nn.glu({dt})"] = lambda x=x, y=y: nn.glu(np.stack([x, x, y, y]))
        for n in SPECIAL1:
            out[f"special.{n}({dt})"] = (lambda f, x: lambda: f(x))(getattr(sp, n), x)
        for n in SPECIAL2:
            out[f"special.{n}({dt})"] = (lambda f, x: lambda: f(x, x))(getattr(sp, n), x)
        out[f"special.polygamma({dt})"] = lambda x=x, y=y: sp.polygamma(y, x)
        out[f"special.multigammaln({dt})"] = lambda x=x: sp.multigammaln(x + 2, 2)
        for dist, (fns, k) in STATS.items():
            for fn in fns.split():
                f = getattr(getattr(st, dist), fn)
                out[f"stats.{dist}.{fn}({dt})"] = (lambda f, k, x, y: lambda: f(y, *[x] * k))(f, k, x, y)
        out[f"stats.multivariate_normal.logpdf({dt})"] = \
            lambda b=b, m=m: st.multivariate_normal.logpdf(b, b, m)
        out[f"stats.vonmises.logpdf({dt})"] = lambda v=v: st.vonmises.logpdf(v, 1.0)
        for n in SCIPY_LINALG1:
            out[f"scipy.linalg.{n}({dt})"] = (lambda f, m: lambda: _first(f(m)))(getattr(sl, n), m)
        for n in ("solve", "solve_triangular"):
            out[f"scipy.linalg.{n}({dt})"] = (lambda f, m, b: lambda: f(m, b))(getattr(sl, n), m, b)
        for n in NUMPY_LINALG1:
            out[f"linalg.{n}({dt})"] = (lambda f, m: lambda: _first(f(m)))(getattr(jnp.linalg, n), m)
        out[f"linalg.matrix_power({dt})"] = lambda m=m: jnp.linalg.matrix_power(m, 2)
        out[f"linalg.solve({dt})"] = lambda m=m, b=b: jnp.linalg.solve(m, b)
        out[f"linalg.lstsq({dt})"] = lambda m=m, b=b: jnp.linalg.lstsq(m, b)[0]
        for n in ("fft", "ifft", "rfft", "fft2"):
            out[f"fft.{n}({dt})"] = (lambda f, m: lambda: f(m))(getattr(jnp.fft, n), m)
        out[f"random.bernoulli({dt})"] = lambda v=v: jr.bernoulli(key, v)
        out[f"random.categorical({dt})"] = lambda v=v: jr.categorical(key, v)
        out[f"random.poisson({dt})"] = lambda v=v: jr.poisson(key, v)
        out[f"random.gamma({dt})"] = lambda v=v: jr.gamma(key, v)
        out[f"random.beta({dt})"] = lambda v=v: jr.beta(key, v, v)
        out[f"random.dirichlet({dt})"] = lambda v=v: jr.dirichlet(key, v)
        out[f"random.choice({dt})"] = lambda v=v: jr.choice(key, v, (2,))
        out[f"random.permutation({dt})"] = lambda v=v: jr.permutation(key, v)
        out[f"random.multivariate_normal({dt})"] = \
            lambda b=b, m=m: jr.multivariate_normal(key, b, m)
    return out


def result_dtypes(ns):
    """``{key: dtype name or "ERR <class>"}`` for every case."""
    table = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, thunk in cases(ns).items():
            try:
                table[k] = str(np.dtype(ns["jnp"].asarray(thunk()).dtype))
            except Exception as e:  # noqa: BLE001 - the table records what JAX raises
                table[k] = "ERR " + type(e).__name__
    return table


def main():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import jax.nn as nn
    import jax.random as random
    import jax.scipy.linalg as scipy_linalg
    import jax.scipy.special as special
    import jax.scipy.stats as stats
    ns = dict(jnp=jnp, nn=nn, special=special, stats=stats, scipy_linalg=scipy_linalg,
              random=random)
    table = result_dtypes(ns)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jax_dtypes_libs.json")
    with open(path, "w") as fh:
        json.dump({"jax": jax.__version__, "x64": True, "dtypes": table}, fh, indent=0,
                  sort_keys=True)
    print(f"{len(table)} cases -> {path}")


if __name__ == "__main__":
    main()
