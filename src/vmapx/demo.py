"""``python -m vmapx.demo``: the seed examples (JAX documentation and user
questions about ``vmap``) run with vmapx, printing their results.

Each example is the user's JAX code with only the import lines changed
(``import vmapx as jax``, ``import vmapx.numpy as jnp``, ``from vmapx import lax, vmap``).
"""
from __future__ import annotations

import numpy as np

import vmapx as jax
import vmapx.numpy as jnp
from vmapx import lax, vmap


def section(title):
    print(f"\n=== {title}")


def jax_docs_examples():
    section("jax.vmap docstring: matrix products from a vector dot product")
    vv = lambda x, y: jnp.vdot(x, y)  # noqa: E731  ([a], [a]) -> []
    mv = vmap(vv, (0, None), 0)       # ([b,a], [a]) -> [b]
    mm = vmap(mv, (None, 1), 1)       # ([b,a], [a,c]) -> [b,c]
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    print("mm(a, b) =\n", mm(a, b))
    print("equals a @ b:", np.allclose(mm(a, b), a @ b))

    section("pytree in_axes: batch axes in different places")
    A, B, C, D = 2, 3, 4, 5

    def foo(tree_arg):
        x, (y, z) = tree_arg
        return jnp.dot(x, jnp.dot(y, z))

    x, y, z = jnp.ones((A, B)), jnp.ones((B, C)), jnp.ones((C, D))
    print(foo((x, (y, z))))
    K = 6
    tree = (jnp.ones((K, A, B)), (jnp.ones((B, K, C)), jnp.ones((C, D, K))))
    print(vmap(foo, in_axes=((0, (1, 2)),))(tree).shape)

    section("dict in_axes")
    dct = {'a': 0., 'b': jnp.arange(5.)}

    def foo2(dct, x):
        return dct['a'] + dct['b'] + x

    print(vmap(foo2, in_axes=({'a': None, 'b': 0}, None))(dct, 1.))

    section("mapped and unmapped outputs")
    print(vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=(0, None))(
        jnp.arange(2.), 4.))
    print(vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None), out_axes=0)(
        jnp.arange(2.), 4.))

    section("axis_name and a collective")
    xs = jnp.arange(3. * 4.).reshape(3, 4)
    print(vmap(lambda x: lax.psum(x, 'i'), axis_name='i')(xs))


def vmap_vs_vectorize():
    section("vmap maps one axis (seed 001)")

    def print_shape(x, y):
        print(f"x.shape = {x.shape}")
        print(f"y.shape = {y.shape}")
        return x + y

    _ = jax.vmap(print_shape)(jnp.zeros((20, 10)), jnp.zeros((20, 10)))
    x2 = jnp.arange(10)
    y2 = jnp.arange(20).reshape(20, 1)

    def add(x, y):
        assert x.shape == y.shape == ()
        return x + y

    try:
        jax.vmap(add)(x2, y2)
    except ValueError as e:
        print("ValueError:", e)
    print(jax.vmap(jax.vmap(add, in_axes=(None, 0)), in_axes=(0, None))(x2, y2[:, 0]).shape)


def grad_vs_vectorize():
    section("vmap(grad(f)) and vectorize(grad(f)) (seed 001)")

    def f(x):
        return jnp.exp(-x) * jnp.sin(x)

    gf = jax.grad(f)
    x = jnp.arange(0, 1, 0.1)
    print(jax.vmap(gf)(x))
    print(jnp.vectorize(gf)(x))
    x2 = jnp.arange(10)
    y2 = jnp.arange(20).reshape(20, 1)

    def add(x, y):
        assert x.shape == y.shape == ()
        return x + y

    print(jnp.vectorize(add)(x2, y2).shape)


def mlp_predict():
    section("per-example MLP prediction, in_axes=(None, 0) (seed 002)")

    def predict(params, input_vec):
        assert input_vec.ndim == 1
        activations = input_vec
        for W, b in params:
            outputs = jnp.dot(W, activations) + b
            activations = jnp.tanh(outputs)
        return outputs

    dims = [2, 3, 5]
    params = [(jnp.ones((o, i)), jnp.ones((o,))) for i, o in zip(dims, dims[1:])]
    print(vmap(predict, in_axes=(None, 0))(params, jnp.ones((2, 2))))


def in_out_axes_lesson():
    section("in_axes and out_axes (seed 003)")

    def dot_product(a, b):
        return jnp.sum(a * b)

    A = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    B = jnp.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
    print(jax.vmap(dot_product, in_axes=(0, 0))(A, B))

    def scale_and_add(x, scale, bias):
        return x * scale + bias

    X = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    print(jax.vmap(scale_and_add, in_axes=(0, None, None))(X, jnp.array(2.0),
                                                          jnp.array([0.1, 0.2])))

    def my_fn(x):
        return x ** 2

    print(jax.vmap(my_fn)(jnp.ones((5, 3))).shape)
    print(jax.vmap(my_fn, out_axes=1)(jnp.ones((5, 3))).shape)

    def h(x):
        return x ** 2, x ** 3

    try:
        jax.vmap(h, out_axes=(0, 1))(jnp.arange(10.))
    except ValueError as e:
        print("ValueError:", e)

    batched = jax.vmap(lambda x, y: x + y, in_axes=(0, 1))
    print(jax.eval_shape(batched, jnp.zeros((10, 3)), jnp.zeros((3, 10))))

    def matrix_vector_product(matrix, vector):
        return matrix @ vector

    batched_mv = jax.vmap(matrix_vector_product, in_axes=(0, 0))
    matrices = jax.random.normal(jax.random.PRNGKey(0), (5, 3, 4))
    vectors = jax.random.normal(jax.random.PRNGKey(1), (5, 4))
    print(batched_mv(matrices, vectors).shape)


def numpy_code():
    section("unmodified NumPy code, batched")

    def softmax(x):
        e = np.exp(x - x.max())
        return e / e.sum()

    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    print(jax.vmap(softmax)(logits))

    section("per-example NumPy code: if, while, np.asarray, buffers, masks")

    def newton_sqrt(a):                  # a Python while loop on a batched value
        x = a
        while abs(x * x - a) > 1e-12 * a:
            x = 0.5 * (x + a / x)
        return x

    def lorenz(s):                       # unpacking, a buffer filled element by element
        x, y, z = np.asarray(s, dtype=float)
        out = np.zeros(3)
        out[0] = 10.0 * (y - x)
        out[1] = x * (28.0 - z) - y
        out[2] = x * y - 8.0 / 3.0 * z
        return out

    def clip_and_count(v):
        v = v.copy()
        v[v < 0] = 0.0                   # mask assignment
        if v.sum() > 3:                  # a branch per example
            return v[v > 1].sum()        # a ragged selection, reduced
        return -1.0

    print(jax.vmap(newton_sqrt)(np.array([2.0, 9.0, 1e6])))
    print(jax.vmap(lorenz)(np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])))
    print(jax.vmap(clip_and_count)(np.array([[-1.0, 2.0, 3.0], [0.5, -2.0, 1.0]])))


def main():
    jax_docs_examples()
    vmap_vs_vectorize()
    grad_vs_vectorize()
    mlp_predict()
    in_out_axes_lesson()
    numpy_code()


if __name__ == "__main__":
    main()
