import numpy as np
import jax, jax.numpy as jnp
from jax import lax, jit, vmap

def life_step(b):
    n = sum(jnp.roll(jnp.roll(b, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0))
    return (n == 3) | (b & (n == 2))
@jit
def run(b, steps):
    return lax.fori_loop(0, steps, lambda i, b: life_step(b), b)
rng = np.random.RandomState(0)
b = jnp.asarray(rng.rand(16, 16) < 0.3)
print(int(run(b, 10).sum()), int(run(b, 50).sum()))
bs = jnp.asarray(rng.rand(3, 16, 16) < 0.3)
print(np.asarray(vmap(lambda b: run(b, 20).sum())(bs)))
def until_stable(b):
    def cond(s):
        b, prev, i = s
        return jnp.any(b != prev) & (i < 200)
    def body(s):
        b, prev, i = s
        return life_step(b), b, i + 1
    return lax.while_loop(cond, body, (life_step(b), b, 1))[2]
print(np.asarray(vmap(until_stable)(bs)))
img = jnp.asarray(rng.rand(1, 1, 12, 12))
k = jnp.ones((1, 1, 3, 3)) / 9
out = lax.conv_general_dilated(img, k, (1, 1), "SAME")
print(out.shape, np.round(float(out.sum()), 6))
out2 = lax.conv(img, k, (2, 2), "VALID")
print(out2.shape, np.round(float(out2.mean()), 6))
pool = lax.reduce_window(img, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
print(pool.shape, np.round(float(pool.sum()), 6))
print(np.round(np.asarray(jnp.convolve(jnp.arange(5.), jnp.array([1., 0., -1.]), mode="same")), 6))
