import numpy as np
import jax, jax.numpy as jnp
from jax import lax, grad, jit, vmap, jacfwd

def lotka(state, t, theta):
    x, y = state
    a, b, c, d = theta
    return jnp.array([a * x - b * x * y, d * x * y - c * y])

def rk4(f, y0, ts, *args):
    def step(y, tt):
        t0, t1 = tt
        h = t1 - t0
        k1 = f(y, t0, *args)
        k2 = f(y + h / 2 * k1, t0 + h / 2, *args)
        k3 = f(y + h / 2 * k2, t0 + h / 2, *args)
        k4 = f(y + h * k3, t1, *args)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return y, y
    _, ys = lax.scan(step, y0, (ts[:-1], ts[1:]))
    return jnp.concatenate([y0[None], ys])

ts = jnp.linspace(0., 10., 201)
theta = jnp.array([1.0, 0.1, 1.5, 0.075])
ys = rk4(lotka, jnp.array([10.0, 5.0]), ts, theta)
print(ys.shape, np.round(np.asarray(ys[-1]), 6))
data = ys + 0.0
loss = lambda th: jnp.mean((rk4(lotka, jnp.array([10.0, 5.0]), ts, th) - data * 1.01) ** 2)
print(np.round(np.asarray(jit(grad(loss))(theta)), 6))
print(np.round(np.asarray(jacfwd(lambda th: rk4(lotka, jnp.array([10.0, 5.0]), ts[:20], th)[-1])(theta)), 6))
y0s = jnp.stack([jnp.array([10.0, 5.0]), jnp.array([8.0, 4.0]), jnp.array([12.0, 6.0])])
print(np.round(np.asarray(vmap(rk4, in_axes=(None, 0, None, None))(lotka, y0s, ts, theta)[:, -1]), 6))
