import numpy as np
import jax, jax.numpy as jnp
from jax import jit, vmap, grad
def predict(W, x): return jnp.dot(W, x)
W = jnp.ones((3, 4)); xs = jnp.ones((5, 4))
try:
    predict(W, xs)
except TypeError as e:
    print("TypeError", str(e)[:80])
print(vmap(predict, (None, 0))(W, xs).shape)
try:
    vmap(lambda a, b: a + b)(jnp.ones(3), jnp.ones(4))
except ValueError as e:
    print("ValueError", str(e).splitlines()[0][:90])
try:
    jit(lambda x: x if x > 0 else -x)(1.)
except jax.errors.TracerBoolConversionError as e:
    print("TracerBoolConversionError")
try:
    grad(lambda x: x)(jnp.array([1., 2.]))
except TypeError as e:
    print("TypeError", str(e)[:70])
try:
    grad(lambda x: x ** 2)(1)
except TypeError as e:
    print("TypeError", str(e)[:70])
try:
    jnp.ones(3).reshape(4)
except TypeError as e:
    print("TypeError", str(e)[:60])
try:
    jnp.zeros(3)[jnp.array([1.5])]
except (TypeError, IndexError) as e:
    print(type(e).__name__, str(e)[:60])
try:
    jit(lambda x: jnp.zeros(x))(3)
except TypeError as e:
    print(type(e).__name__, str(e)[:40])
try:
    vmap(lambda x: x, in_axes=(0, 0))(jnp.ones(3))
except ValueError as e:
    print("ValueError", str(e)[:70])
try:
    jax.random.normal(jax.random.PRNGKey(0), (2,), dtype=jnp.int32)
except ValueError as e:
    print("ValueError", str(e)[:70])
x = jnp.arange(3.)
print(x[5] if False else x.at[5].get(mode="fill", fill_value=-1.), x.at[jnp.array([0, 7])].get(mode="clip"))
print(jnp.take(x, jnp.array([0, 9]), mode="fill", fill_value=np.nan))
print(vmap(lambda i: x[i])(jnp.array([0, 2, 5])))
