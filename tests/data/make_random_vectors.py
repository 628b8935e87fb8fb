"""Regenerate ``random_vectors.json``: reference outputs of ``jax.random``.

Run once with a JAX installation (the vectors were made with JAX 0.10.2, CPU):

    python tests/data/make_random_vectors.py

Every case records the mode its reference was taken in:

* ``"x64"``: taken with ``jax_enable_x64=True``, the mode whose semantics and
  defaults vmapx follows.  A ``"dtype": null`` case calls both libraries
  without a dtype, so it pins vmapx's defaults (float64, int64) against JAX's;
  other cases pass explicit 64-bit dtypes or 64-bit NumPy parameters.
* ``"both"``: an explicit dtype of 32 bits or fewer, taken with
  ``jax_enable_x64`` and asserted equal (dtype and bits) in JAX's default mode
  (a case that overflows there, a Python int beyond int32, is marked ``"x64"``).

A case whose JAX call raises holds ``"error"`` (the exception's class name)
instead of ``"out"``.  Not a test module: it imports JAX only when run.
"""
import json
import os


def main():
    import numpy as np
    import jax
    import jax.numpy as jnp

    r = jax.random

    def set_mode(x64):
        jax.config.update("jax_enable_x64", x64)

    def enc(a):
        a = np.asarray(a)
        if a.dtype.kind == "c":  # stored as (re, im) pairs
            values = np.stack([a.real, a.imag], -1).ravel().tolist()
        else:
            values = a.ravel().tolist()
        return {"dtype": a.dtype.name, "shape": list(a.shape), "values": values}

    def run(mode, f):
        """``{"mode": mode, "out": ...}`` or ``{"mode": mode, "error": ...}``."""
        set_mode(True)
        try:
            a = np.asarray(f())
        except OverflowError as e:
            return {"mode": "x64", "error": type(e).__name__}
        if mode == "both":
            set_mode(False)
            try:
                b = np.asarray(f())
            except OverflowError:  # JAX's default mode reads Python ints as int32
                return {"mode": "x64", "out": enc(a)}
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), (a, b)
        return {"mode": mode, "out": enc(a)}

    def width_mode(dtype):
        """The mode for an explicit dtype: ``x64`` for 64-bit ones, else ``both``."""
        return "x64" if np.dtype(dtype).itemsize == 8 else "both"

    out = {"jax_version": jax.__version__}

    # --------------------------------------------------------------- keys
    seeds = [0, 1, 42, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 7, 2**40 + 5, 2**63 - 1,
             -1, -7, -2**31, -2**31 - 1, -2**40, -2**63, True,
             2**63, 2**64, -2**63 - 1]  # the last three overflow int64
    typed = [("int32", -1), ("int32", 12345), ("uint32", 2**32 - 1), ("int8", -3),
             ("uint8", 200), ("int16", -300), ("int64", 2**40), ("uint64", 2**63 + 1),
             ("int64", -5), ("int64", -1)]
    out["key"] = [{"seed": s, "seed_dtype": None,
                   **run("x64", lambda s=s: r.key_data(r.key(s)))} for s in seeds]
    out["key"] += [{"seed": s, "seed_dtype": dt,
                    **run(width_mode(dt), lambda dt=dt, s=s: r.PRNGKey(np.array(s).astype(dt)[()]))}
                   for dt, s in typed]
    for c in out["key"]:  # key() and PRNGKey() agree
        if c["seed_dtype"] is None and "out" in c:
            set_mode(True)
            assert np.asarray(r.PRNGKey(c["seed"])).tolist() == c["out"]["values"]

    keys = {0: [0, 0], 42: [0, 42], 7: [0, 7], "big": [123456789, 987654321]}

    def K(name):
        return jnp.array(keys[name], dtype=jnp.uint32)

    out["split"], out["fold_in"] = [], []
    for name in (0, 42, "big"):
        for num in (2, 3, 1, 0, [2, 3]):
            n = tuple(num) if isinstance(num, list) else num
            out["split"].append({"key": keys[name], "num": num,
                                 **run("both", lambda: r.split(K(name), n))})
        for data in (0, 1, 7, 2**31, 2**32 - 1):
            out["fold_in"].append({"key": keys[name], "data": data, "data_dtype": None,
                                   **run("both", lambda: r.fold_in(K(name), data))})
    for data, dt in ((-1, "int64"), (2**40 + 3, "uint64"), (2**40, "int64"), (-1, "int8"),
                     (-1, None), (2**32, None)):
        f = (lambda: r.fold_in(K(42), data if dt is None else np.array(data).astype(dt)[()]))
        out["fold_in"].append({"key": keys[42], "data": data, "data_dtype": dt,
                               **run("x64" if dt is None else "both", f)})

    # ---------------------------------------------------------- raw samplers
    out["bits"] = []
    for name in (0, 42):
        for shape in ([], [1], [7], [2, 3]):
            for dt in (None, "uint32", "uint8", "uint16", "uint64"):
                out["bits"].append({"key": keys[name], "shape": shape, "dtype": dt,
                                    **run("x64" if dt is None else width_mode(dt),
                                          lambda: r.bits(K(name), tuple(shape), dt))})
    out["uniform"] = []
    for name in (0, 42, "big"):
        for shape in ([], [7], [2, 3]):
            for lo, hi in ((0.0, 1.0), (-2.5, 3.0), (10.0, 10.5)):
                for dt in (None, "float32", "float64"):
                    out["uniform"].append({
                        "key": keys[name], "shape": shape, "dtype": dt, "minval": lo,
                        "maxval": hi, **run("x64" if dt is None else width_mode(dt),
                                            lambda: r.uniform(K(name), tuple(shape), dt, lo, hi))})
    for dt in (None, "float64"):
        out["uniform"].append({  # broadcast bounds
            "key": keys[0], "shape": [2, 3], "dtype": dt, "minval": [-1.0, 0.0, 1.0],
            "maxval": [[2.0], [3.0]],
            **run("x64" if dt is None else "x64",
                  lambda: r.uniform(K(0), (2, 3), dt, jnp.array([-1.0, 0.0, 1.0]),
                                    jnp.array([[2.0], [3.0]])))})
    out["uniform"].append({"key": keys[7], "shape": [6], "dtype": "float16", "minval": 0.0,
                           "maxval": 1.0, **run("both", lambda: r.uniform(K(7), (6,),
                                                                          jnp.float16))})

    # randint: Python-int bounds (errors where they overflow the dtype's range),
    # and int64 NumPy bounds.
    out["randint"] = []
    ranges = [(0, 10), (-5, 5), (3, 3), (5, 2), (0, 2**31 - 1), (-2**31, 2**31 - 1),
              (0, 1000003), (0, 2**31), (-2**31 - 1, 0)]
    for name in (0, 42):
        for lo, hi in ranges:
            for dt in (None, "int32", "int64"):
                f = (lambda lo=lo, hi=hi, dt=dt: r.randint(K(name), (7,), lo, hi, dt))
                out["randint"].append({"key": keys[name], "shape": [7], "minval": lo,
                                       "maxval": hi, "bounds_dtype": None, "dtype": dt,
                                       **run("x64" if dt is None else width_mode(dt), f)})
        for lo, hi, dt in ((0, 256, "uint8"), (-128, 128, "int8"), (-10, 10, "int8"),
                           (0, 300, "uint8"), (-1000, 1000, "int16"), (7, 2**31 - 1, "uint32"),
                           (0, 2**32, "uint32"), (-2**63, 2**63 - 1, "int64"),
                           (5, 2**62 + 3, "uint64")):
            f = (lambda lo=lo, hi=hi, dt=dt: r.randint(K(name), (7,), lo, hi, dt))
            out["randint"].append({"key": keys[name], "shape": [7], "minval": lo, "maxval": hi,
                                   "bounds_dtype": None, "dtype": dt,
                                   **run(width_mode(dt), f)})
        for lo, hi, dt in ((0, 2**31, "int32"), (-2**40, 2**40, "int32"), (0, 2**32, "uint32"),
                           (-5, 2**40, "uint8")):
            f = (lambda lo=lo, hi=hi, dt=dt: r.randint(K(name), (7,), np.int64(lo),
                                                       np.int64(hi), dt))
            out["randint"].append({"key": keys[name], "shape": [7], "minval": lo, "maxval": hi,
                                   "bounds_dtype": "int64", "dtype": dt, **run("x64", f)})
        out["randint"].append({"key": keys[name], "shape": [], "minval": 0, "maxval": 5,
                               "bounds_dtype": None, "dtype": None,
                               **run("x64", lambda: r.randint(K(name), (), 0, 5))})
        out["randint"].append({"key": keys[name], "shape": [2, 3], "minval": [0, 10, 100],
                               "maxval": [[5], [1000]], "bounds_dtype": None, "dtype": None,
                               **run("x64", lambda: r.randint(K(name), (2, 3),
                                                              jnp.array([0, 10, 100]),
                                                              jnp.array([[5], [1000]])))})

    out["normal"] = []
    for seed, shape in ((0, [5, 3, 4]), (1, [5, 4]), (42, [7]), (3, [])):
        k = np.asarray(r.PRNGKey(seed)).tolist()
        for dt in (None, "float32", "float64"):
            out["normal"].append({"key": k, "shape": shape, "dtype": dt,
                                  **run("x64" if dt is None else width_mode(dt),
                                        lambda: r.normal(jnp.array(k, jnp.uint32), tuple(shape),
                                                         dt))})
    for dt in ("complex64", "complex128"):
        out["normal"].append({"key": keys[42], "shape": [4], "dtype": dt,
                              **run("both" if dt == "complex64" else "x64",
                                    lambda: r.normal(K(42), (4,), dt))})

    # ------------------------------------------------------ derived samplers
    out["exponential"], out["bernoulli"], out["permutation"] = [], [], []
    out["choice"], out["categorical"] = [], []
    for name in (0, 42):
        for dt in (None, "float64"):
            out["exponential"].append({"key": keys[name], "shape": [6], "dtype": dt,
                                       **run("x64" if dt is None else "x64",
                                             lambda: r.exponential(K(name), (6,), dt))})
        # p: a Python float (float64 under x64), a float32 array, a float64 array
        out["bernoulli"].append({"key": keys[name], "shape": [8], "p": 0.3, "p_dtype": None,
                                 **run("x64", lambda: r.bernoulli(K(name), 0.3, (8,)))})
        out["bernoulli"].append({"key": keys[name], "shape": [8], "p": 0.3, "p_dtype": "float32",
                                 **run("both", lambda: r.bernoulli(K(name), np.float32(0.3),
                                                                   (8,)))})
        out["bernoulli"].append({"key": keys[name], "shape": [8], "p": 0.3, "p_dtype": "float64",
                                 **run("x64", lambda: r.bernoulli(K(name), np.float64(0.3),
                                                                  (8,)))})
        out["bernoulli"].append({"key": keys[name], "shape": None, "p": [0.1, 0.5, 0.9],
                                 "p_dtype": None,
                                 **run("x64", lambda: r.bernoulli(K(name),
                                                                  jnp.array([0.1, 0.5, 0.9])))})
        for x in (5, 10, 2000):
            out["permutation"].append({"key": keys[name], "x": x, "x_dtype": None,
                                       **run("x64", lambda: r.permutation(K(name), x))})
        out["permutation"].append({"key": keys[name], "x": list(range(7)), "x_dtype": "int64",
                                   **run("x64", lambda: r.permutation(K(name), jnp.arange(7)))})
        for a, shape, replace in ((10, [4], False), (10, [6], True), (3, [2, 2], True)):
            out["choice"].append({"key": keys[name], "a": a, "shape": shape, "replace": replace,
                                  "p": None, "p_dtype": None,
                                  **run("x64", lambda: r.choice(K(name), a, tuple(shape),
                                                                replace=replace))})
        for replace in (True, False):
            p = [0.1, 0.2, 0.3, 0.4]
            out["choice"].append({"key": keys[name], "a": 4, "shape": [3], "replace": replace,
                                  "p": p, "p_dtype": None,
                                  **run("x64", lambda: r.choice(K(name), 4, (3,), replace,
                                                                jnp.array(p)))})
            out["choice"].append({"key": keys[name], "a": 4, "shape": [3], "replace": replace,
                                  "p": p, "p_dtype": "float64",
                                  **run("x64", lambda: r.choice(K(name), 4, (3,), replace,
                                                                jnp.array(p, jnp.float64)))})
        logits = [0.1, 0.5, -1.0, 2.0]
        for dt, mode in ((None, "x64"), ("float32", "x64"), ("float64", "x64")):
            out["categorical"].append({
                "key": keys[name], "logits": logits, "logits_dtype": dt, "shape": [6],
                **run(mode, lambda: r.categorical(K(name), jnp.array(logits, dt), shape=(6,)))})

    # Further samplers: the test file holds the matching vmapx calls under the
    # same names (calls without a dtype first, then explicit float64 ones).
    f32, f64 = jnp.float32, jnp.float64
    p4 = [0.1, 0.2, 0.3, 0.4]
    p6 = [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]
    extra = {
        "choice_p": ("x64", lambda k: r.choice(k, 4, (8,), p=jnp.array(p4))),
        "choice_p_no_replace": ("x64", lambda k: r.choice(k, 6, (3,), replace=False,
                                                         p=jnp.array(p6))),
        "choice_array_axis1": ("x64", lambda k: r.choice(k, jnp.arange(12.0).reshape(3, 4), (2,),
                                                        axis=1)),
        "categorical_no_replace": ("x64", lambda k: r.categorical(k, jnp.zeros(6), shape=(3,),
                                                                 replace=False)),
        "categorical_axis0": ("x64", lambda k: r.categorical(
            k, jnp.log(jnp.array([[0.2, 0.8], [0.5, 0.5], [0.3, 0.7]])), axis=0, shape=(4, 2))),
        "permutation_axis1": ("x64", lambda k: r.permutation(k, jnp.arange(12).reshape(3, 4),
                                                            axis=1)),
        "permutation_independent": ("x64", lambda k: r.permutation(
            k, jnp.arange(12).reshape(3, 4), axis=1, independent=True)),
        "bernoulli_high": ("x64", lambda k: r.bernoulli(k, 0.3, (8,), mode="high")),
        "gumbel": ("x64", lambda k: r.gumbel(k, (4,))),
        "gumbel_high": ("x64", lambda k: r.gumbel(k, (4,), mode="high")),
        "cauchy": ("x64", lambda k: r.cauchy(k, (4,))),
        "laplace": ("x64", lambda k: r.laplace(k, (4,))),
        "logistic": ("x64", lambda k: r.logistic(k, (4,))),
        "truncated_normal": ("x64", lambda k: r.truncated_normal(k, -0.5, 1.5, (5,))),
        "multivariate_normal": ("x64", lambda k: r.multivariate_normal(
            k, jnp.array([1.0, -2.0]), jnp.array([[2.0, 0.6], [0.6, 1.0]]), (3,))),
        "choice_array_axis1_f64": ("x64", lambda k: r.choice(
            k, jnp.arange(12.0).reshape(3, 4), (2,), axis=1, p=jnp.array(p4[:4]))),
        "categorical_axis0_f64": ("x64", lambda k: r.categorical(
            k, jnp.log(jnp.array([[0.2, 0.8], [0.5, 0.5], [0.3, 0.7]], f64)), axis=0,
            shape=(4, 2))),
        "bernoulli_high_f64": ("x64", lambda k: r.bernoulli(k, np.float64(0.3), (8,),
                                                            mode="high")),
        "gumbel_f64": ("x64", lambda k: r.gumbel(k, (4,), f64)),
        "gumbel_high_f64": ("x64", lambda k: r.gumbel(k, (4,), f64, mode="high")),
        "cauchy_f64": ("x64", lambda k: r.cauchy(k, (4,), f64)),
        "laplace_f64": ("x64", lambda k: r.laplace(k, (4,), f64)),
        "logistic_f64": ("x64", lambda k: r.logistic(k, (4,), f64)),
        "truncated_normal_f64": ("x64", lambda k: r.truncated_normal(k, -0.5, 1.5, (5,), f64)),
        "uniform_f16": ("both", lambda k: r.uniform(k, (5,), jnp.float16, -1.0, 2.0)),
        "normal_f32_explicit": ("both", lambda k: r.normal(k, (5,), f32)),
    }
    out["extra"] = {name: {"key": keys[42], **run(mode, lambda f=f: f(K(42)))}
                    for name, (mode, f) in extra.items()}
    set_mode(False)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_vectors.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
