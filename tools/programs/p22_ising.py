"""Checkerboard Metropolis for the 2-D Ising model: bernoulli/uniform draws,
roll, fori_loop under jit with static arguments, switch and cond, vmap over
temperatures, choice with probabilities, permutation."""
import functools
import jax, jax.numpy as jnp
from jax import random, lax


def energy(s):
    return -jnp.sum(s * (jnp.roll(s, 1, 0) + jnp.roll(s, 1, 1)))


@functools.partial(jax.jit, static_argnums=(2, 3))
def run(key, beta, n, steps):
    s = 2 * random.bernoulli(key, 0.5, (n, n)).astype(jnp.int32) - 1
    ii, jj = jnp.meshgrid(jnp.arange(n), jnp.arange(n), indexing="ij")
    masks = [((ii + jj) % 2 == c) for c in (0, 1)]

    def half(s, key, mask):
        nb = jnp.roll(s, 1, 0) + jnp.roll(s, -1, 0) + jnp.roll(s, 1, 1) + jnp.roll(s, -1, 1)
        dE = 2 * s * nb
        acc = random.uniform(key, s.shape) < jnp.exp(-beta * dE)
        return jnp.where(mask & acc, -s, s)

    def body(i, carry):
        s, key = carry
        key, k0, k1 = random.split(key, 3)
        s = half(s, k0, masks[0])
        s = half(s, k1, masks[1])
        return s, key

    s, _ = lax.fori_loop(0, steps, body, (s, key))
    m = jnp.abs(s.mean())
    kind = lax.switch(jnp.clip((m * 3).astype(jnp.int32), 0, 2),
                      [lambda: 0.0, lambda: 1.0, lambda: 2.0])
    e = lax.cond(m > 0.5, lambda: energy(s) / n ** 2, lambda: jnp.float64(0.0) + energy(s) / n ** 2)
    return m, e, kind


betas = jnp.array([0.2, 0.44, 0.8])
keys = random.split(random.PRNGKey(3), 3)
m, e, kind = jax.vmap(run, in_axes=(0, 0, None, None))(keys, betas, 12, 40)
print("m", m)
print("e", e)
print("kind", kind)
k = random.PRNGKey(9)
print(random.choice(k, 5, (6,), p=jnp.array([0.1, 0.2, 0.3, 0.2, 0.2])))
print(random.permutation(k, jnp.arange(8)))
print(random.randint(k, (4,), 0, 10), random.bernoulli(k, 0.3, (5,)))
