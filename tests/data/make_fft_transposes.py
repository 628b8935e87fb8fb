"""Regenerate ``fft_transposes.json``: JAX's linear transposes (the cotangent
maps of reverse mode) of the real FFTs, whose complex convention vmapx follows.

Run once with a JAX installation (made with JAX 0.10.2, CPU, x64 mode):

    python tests/data/make_fft_transposes.py

Not a test module: it imports JAX only when run.
"""
import json
import os


def _pair(z):
    import numpy as np
    z = np.asarray(z)
    return {"re": np.real(z).tolist(), "im": np.imag(z).tolist()}


def main():
    import numpy as np
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(0)
    out = {"cases": []}
    for norm in ("backward", "ortho", "forward"):
        for name, kw, in_shape, in_dtype in [
                ("rfft", {"axis": -1}, (3, 4), float),
                ("rfft", {"n": 5, "axis": 0}, (4, 2), float),
                ("irfft", {"n": 5}, (2, 3), complex),
                ("irfft", {"n": 6}, (2, 4), complex),
                ("irfftn", {"s": (3, 4), "axes": (0, 1)}, (3, 3), complex),
                ("rfftn", {"axes": (1, 0)}, (4, 3), float)]:
            f = lambda x: getattr(jnp.fft, name)(x, norm=norm, **kw)  # noqa: E731
            primal = jnp.zeros(in_shape, in_dtype)
            out_aval = jax.eval_shape(f, primal)
            ct = rng.normal(size=out_aval.shape)
            if jnp.issubdtype(out_aval.dtype, jnp.complexfloating):
                ct = ct + 1j * rng.normal(size=out_aval.shape)
            (t,) = jax.linear_transpose(f, primal)(jnp.asarray(ct))
            out["cases"].append({"name": name, "kw": {k: list(v) if isinstance(v, tuple) else v
                                                      for k, v in kw.items()},
                                 "norm": norm, "in_shape": list(in_shape),
                                 "in_dtype": "complex" if in_dtype is complex else "float",
                                 "ct": _pair(ct), "transpose": _pair(t)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fft_transposes.json")
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
