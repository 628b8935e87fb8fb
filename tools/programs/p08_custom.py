import numpy as np
import jax, jax.numpy as jnp
from jax import custom_jvp, custom_vjp, grad, vmap, jit
from functools import partial

@custom_jvp
def safe_log1pexp(x):
    return jnp.logaddexp(x, 0.)
@safe_log1pexp.defjvp
def _(primals, tangents):
    x, = primals; t, = tangents
    return safe_log1pexp(x), t * jax.nn.sigmoid(x)

@partial(custom_vjp, nondiff_argnums=(0,))
def clip_grad(lo_hi, x):
    return x
def fwd(lo_hi, x): return x, None
def bwd(lo_hi, res, g):
    lo, hi = lo_hi
    return (jnp.clip(g, lo, hi),)
clip_grad.defvjp(fwd, bwd)

xs = jnp.linspace(-50., 50., 7)
print(np.round(np.asarray(vmap(grad(safe_log1pexp))(xs)), 8))
print(np.round(np.asarray(jit(vmap(jax.hessian(safe_log1pexp)))(xs)), 8))
f = lambda x: jnp.sum(clip_grad((-1., 1.), x) ** 3)
print(np.asarray(grad(f)(jnp.array([0.1, 2., -3.]))))
@jax.checkpoint
def block(x):
    return jnp.sin(jnp.cos(x) * 2.)
print(np.round(np.asarray(grad(lambda x: jnp.sum(block(block(x))))(xs)), 8))
def newton_sqrt(a):
    x = a
    for _ in range(20):
        x = 0.5 * (x + a / x)
    return x
print(np.round(np.asarray(vmap(grad(newton_sqrt))(jnp.array([1., 4., 9.]))), 8))
print(jax.make_jaxpr(lambda x: safe_log1pexp(x) * 2)(1.0).out_avals if hasattr(jax.make_jaxpr(lambda x: x)(1.0), 'out_avals') else 'na')
@jax.custom_gradient
def f2(x):
    return x ** 2, lambda g: (g * 10 * x,)
print(float(grad(f2)(3.)))
y, vjp = jax.vjp(lambda a, b: (a * b, jnp.sin(a)), 2., 3.)
print(vjp((1., 1.)))
print(jax.jvp(jnp.tanh, (0.5,), (1.,)))
print(jax.linearize(jnp.exp, 1.0)[1](2.0))
print(jax.value_and_grad(lambda x, y: (x * y, x), has_aux=True)(2., 4.))
print(jax.grad(lambda x: x ** 2, holomorphic=True)(1. + 1j))
print(jax.jacrev(lambda d: {"a": d["x"] * d["y"]})({"x": 2., "y": jnp.array([1., 2.])}))
