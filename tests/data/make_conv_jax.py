"""Regenerate ``conv_jax.npz``: JAX's convolutions, transposed convolutions
and windowed reductions (values and the gradients of ``sum(sin(out))``) on
small random inputs, the reference data of ``tests/test_conv.py``.

Run once with a JAX installation (made with JAX 0.10.2, CPU, x64 mode):

    python tests/data/make_conv_jax.py

Not a test module: it imports JAX only when run.
"""
import json
import os

# name, function, keyword arguments (JSON-able), lhs shape, rhs shape (or None)
CONV_CASES = [
    ("conv_general_dilated", dict(window_strides=(1, 1), padding="VALID"), (1, 3, 5, 4),
     (4, 3, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(2, 3), padding="SAME"), (1, 3, 5, 4),
     (4, 3, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(2, 1), padding="SAME_LOWER"), (1, 3, 5, 4),
     (4, 3, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(1, 2), padding=[[2, 1], [-1, 3]],
                                  lhs_dilation=(2, 1), rhs_dilation=(1, 2)),
     (1, 3, 5, 4), (4, 3, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(1, 1), padding="SAME", feature_group_count=2),
     (1, 4, 5, 4), (6, 2, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(1, 1), padding="VALID", batch_group_count=2),
     (2, 2, 5, 4), (4, 2, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(1, 1), padding="SAME",
                                  dimension_numbers=["NHWC", "HWIO", "NHWC"]),
     (1, 5, 4, 3), (3, 2, 3, 4)),
    ("conv_general_dilated", dict(window_strides=(2, 1), padding="VALID", rhs_dilation=(2, 1),
                                  dimension_numbers=["NHCW", "HOWI", "CWNH"]),
     (1, 5, 2, 4), (3, 3, 2, 2)),
    ("conv_general_dilated", dict(window_strides=(2,), padding="SAME", rhs_dilation=(2,)),
     (2, 3, 9), (4, 3, 3)),
    ("conv_general_dilated", dict(window_strides=(1, 2, 1), padding="SAME"),
     (1, 2, 4, 3, 4), (2, 2, 2, 3, 2)),
    ("conv_general_dilated", dict(window_strides=(1,), padding=[[1, 1]], lhs_dilation=(3,),
                                  feature_group_count=4), (3, 4, 6), (4, 1, 3)),
    ("conv", dict(window_strides=(1, 1), padding="SAME"), (2, 3, 5, 5), (2, 3, 3, 3)),
    ("conv_with_general_padding", dict(window_strides=(2, 1), padding=[[1, 2], [0, 1]],
                                       lhs_dilation=(1, 2), rhs_dilation=(2, 1)),
     (1, 2, 6, 5), (3, 2, 2, 2)),
    ("conv_transpose", dict(strides=(2, 2), padding="SAME"), (1, 3, 4, 2), (3, 3, 2, 3)),
    ("conv_transpose", dict(strides=(2, 1), padding="VALID", transpose_kernel=True),
     (1, 3, 4, 2), (3, 2, 3, 2)),
    ("conv_transpose", dict(strides=(3,), padding=[[1, 2]]), (2, 4, 3), (3, 3, 2)),
    ("conv_transpose", dict(strides=(2, 2), padding=[[1, 1], [0, 1]], rhs_dilation=(1, 2),
                            use_consistent_padding=True, dimension_numbers=["NCHW", "OIHW",
                                                                            "NCHW"]),
     (1, 3, 4, 4), (2, 3, 3, 2)),
]

# computation, init, window, strides, padding, base_dilation, window_dilation, shape
WINDOW_CASES = [
    ("max", "-inf", (1, 1, 2, 2), (1, 1, 2, 2), "VALID", None, None, (1, 2, 6, 5)),
    ("max", "-inf", (1, 1, 3, 3), (1, 1, 2, 2), "SAME", None, None, (1, 2, 6, 5)),
    ("add", "0", (1, 3, 3, 1), (1, 1, 1, 1), "SAME", None, None, (1, 5, 4, 2)),
    ("min", "inf", (3, 2), (2, 1), [[1, 1], [0, 1]], (2, 1), None, (4, 5)),
    ("add", "0", (3,), (2,), [[2, -1]], None, (2,), (9,)),
    ("max", "-inf", (2, 3), (1, 2), [[1, 0], [1, 1]], (1, 2), None, (4, 5)),
]


def _draw(rng, shape):
    """Normal draws exactly representable in float32 (stored as float32)."""
    import numpy as np
    return rng.standard_normal(shape).astype(np.float32).astype(np.float64)


def main():
    import numpy as np
    import jax
    import jax.numpy as jnp
    from jax import lax
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(0)
    arrays, meta = {}, []

    def loss_grads(f, *args):
        vals = f(*args)
        grads = jax.grad(lambda *a: jnp.sum(jnp.sin(f(*a))), argnums=tuple(range(len(args))))(
            *args)
        return np.asarray(vals), [np.asarray(g) for g in grads]

    for k, (name, kw, ls, rs) in enumerate(CONV_CASES):
        x, w = _draw(rng, ls), _draw(rng, rs)
        jkw = {a: (tuple(map(tuple, v)) if a == "padding" and not isinstance(v, str) else
                   tuple(v) if a == "dimension_numbers" else v) for a, v in kw.items()}
        fn = getattr(lax, name)
        if name == "conv_with_general_padding":
            f = lambda x, w: fn(x, w, jkw["window_strides"], jkw["padding"],  # noqa: E731
                                jkw["lhs_dilation"], jkw["rhs_dilation"])
        else:
            f = lambda x, w: fn(x, w, **jkw)  # noqa: E731
        out, (gx, gw) = loss_grads(f, x, w)
        arrays.update({f"conv{k}_x": x.astype(np.float32), f"conv{k}_w": w.astype(np.float32),
                       f"conv{k}_out": out, f"conv{k}_gx": gx, f"conv{k}_gw": gw})
        meta.append({"kind": "conv", "key": f"conv{k}", "name": name, "kwargs": kw})
    for k, (comp, init, wd, ws, pad, bd, wdil, shape) in enumerate(WINDOW_CASES):
        x = _draw(rng, shape)
        jpad = pad if isinstance(pad, str) else tuple(map(tuple, pad))
        f = lambda x: lax.reduce_window(x, float(init), getattr(lax, comp), wd, ws,  # noqa: E731
                                        jpad, bd, wdil)
        out, (gx,) = loss_grads(f, x)
        arrays.update({f"win{k}_x": x.astype(np.float32), f"win{k}_out": out, f"win{k}_gx": gx})
        meta.append({"kind": "window", "key": f"win{k}", "computation": comp, "init": init,
                     "window_dimensions": wd, "window_strides": ws, "padding": pad,
                     "base_dilation": bd, "window_dilation": wdil})
    arrays["meta"] = np.array(json.dumps(meta))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_jax.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
