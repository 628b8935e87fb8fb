"""A physics-informed network for u'' = -pi^2 sin(pi x) on [0, 1]: hessian and
jacfwd(grad) per collocation point under vmap, stax + optimizers, fori_loop."""
import jax, jax.numpy as jnp
from jax import random, lax
from jax.example_libraries import stax, optimizers

init_fn, net = stax.serial(stax.Dense(16), stax.Tanh, stax.Dense(16), stax.Tanh, stax.Dense(1))
_, params = init_fn(random.PRNGKey(0), (-1, 1))


def u(params, x):
    return net(params, jnp.reshape(x, (1, 1)))[0, 0]


def residual(params, x):
    uxx = jax.hessian(u, argnums=1)(params, x)
    return uxx + jnp.pi ** 2 * jnp.sin(jnp.pi * x)


def loss(params, xs):
    r = jax.vmap(residual, in_axes=(None, 0))(params, xs)
    bc = u(params, 0.0) ** 2 + u(params, 1.0) ** 2
    return jnp.mean(r ** 2) + 10.0 * bc


opt_init, opt_update, get_params = optimizers.adam(1e-3)
xs = jnp.linspace(0.0, 1.0, 32)


@jax.jit
def train(opt_state):
    def body(i, s):
        g = jax.grad(loss)(get_params(s), xs)
        return opt_update(i, g, s)
    return lax.fori_loop(0, 50, body, opt_state)


opt_state = opt_init(params)
print("initial", loss(params, xs))
opt_state = train(opt_state)
p = get_params(opt_state)
print("after", loss(p, xs))
d2 = jax.vmap(jax.jacfwd(jax.grad(u, argnums=1), argnums=1), in_axes=(None, 0))(p, xs[:4])
print("uxx", d2)
print("u", jax.vmap(u, in_axes=(None, 0))(p, jnp.array([0.25, 0.5])))
