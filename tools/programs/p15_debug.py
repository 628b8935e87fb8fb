import numpy as np
import jax, jax.numpy as jnp
from jax import lax, jit, vmap, grad
def f(x):
    jax.debug.print("x = {x}", x=x)
    y = jnp.sin(x)
    jax.debug.print("y={}", y)
    return y * 2
print(jit(f)(1.0))
print(vmap(f)(jnp.array([1., 2.])))
def cb(x):
    return np.cumsum(x)
g = lambda x: jax.pure_callback(cb, jax.ShapeDtypeStruct(x.shape, x.dtype), x, vmap_method="sequential")
print(vmap(g)(jnp.arange(6.).reshape(2, 3)))
print(jit(g)(jnp.arange(3.)))
print(grad(lambda x: jnp.sum(lax.stop_gradient(x) * x))(jnp.array([1., 2.])))
def safe(x): return jnp.where(x > 0, jnp.sqrt(jnp.where(x > 0, x, 1.)), 0.)
print(vmap(grad(safe))(jnp.array([-1., 0., 4.])))
print(grad(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.))(-1.))
print(jnp.linalg.qr(jnp.array([[1., 2.], [3., 4.], [5., 6.]]))[1])
print(jnp.linalg.lstsq(jnp.array([[1., 0.], [1., 1.], [1., 2.]]), jnp.array([1., 2., 2.9]))[0])
print(np.round(np.asarray(jnp.linalg.pinv(jnp.array([[1., 2.], [2., 4.]]))), 6))
w = jnp.linalg.eigvals(jnp.array([[0., 1.], [-2., -3.]])); print(jnp.sort_complex(w))
print(jnp.linalg.matrix_power(jnp.array([[1., 1.], [0., 1.]]), 5), jnp.linalg.cond(jnp.array([[1., 0.], [0., 2.]])))
z = jnp.exp(1j * jnp.linspace(0, jnp.pi, 4)); print(np.round(np.asarray(z), 6), jnp.angle(z).round(6), jnp.abs(z))
print(grad(lambda z: jnp.abs(z) ** 2)(1. + 2j), grad(lambda x: jnp.real(jnp.exp(1j * x)))(0.3))
sig = jnp.sin(jnp.arange(16.)); k = jnp.array([1., 2., 1.])
print(np.round(np.asarray(jnp.fft.irfft(jnp.fft.rfft(sig, 18) * jnp.fft.rfft(k, 18), 18)[:16]), 6))
print(np.round(np.asarray(jnp.einsum("i,i->", sig, sig, optimize=True)), 6), jnp.einsum("ii", jnp.eye(3)))
print(jax.nn.relu6(7.), jax.nn.hard_tanh(2.), jax.nn.elu(-1.), jax.nn.celu(-1.), jax.nn.selu(1.), jax.nn.leaky_relu(-2.), jax.nn.glu(jnp.arange(4.)), jax.nn.sparse_plus(0.5))
print(jax.nn.normalize(jnp.arange(4.)) if hasattr(jax.nn, "normalize") else jax.nn.standardize(jnp.arange(4.)))
print(jax.nn.softmax(jnp.array([1., 2., jnp.nan]) , where=jnp.array([True, True, False])))
