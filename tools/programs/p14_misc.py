import numpy as np
import jax, jax.numpy as jnp
from jax import lax, jit, vmap, grad
from functools import partial
print(jax.devices()[0].platform, jax.device_count(), jax.default_backend())
x = jnp.arange(10.)
@partial(jit, static_argnames=["n"])
def f(x, n): return x[:n].sum()
print(f(x, n=3), f(x, n=5))
print(jax.eval_shape(lambda x: x @ x.T, jax.ShapeDtypeStruct((3, 4), jnp.float32)))
print(jax.make_jaxpr(lambda x: jnp.sin(x) + 1)(1.0))
y = jax.device_put(x); print(y.shape, jax.device_get(y).dtype)
print(jnp.asarray(x).block_until_ready().sum())
print(lax.cond(x.sum() > 3, lambda: 1., lambda: 2.), lax.switch(2, [lambda a: a, lambda a: 2 * a, lambda a: 3 * a], 2.))
print(lax.select(x > 4, x, -x)[:6], lax.clamp(2., x, 5.)[:8])
print(lax.dynamic_slice(x, (2,), (3,)), lax.dynamic_update_slice(x, jnp.zeros(2), (8,)))
print(lax.associative_scan(jnp.add, x), lax.cummax(jnp.array([1, 3, 2, 5])))
print(lax.map(lambda v: v ** 2, x[:4]), lax.reduce(x, 0., lax.add, (0,)))
print(jnp.vectorize(lambda a, b: a @ b, signature="(n),(n)->()")(jnp.ones((3, 4)), jnp.ones(4)))
print(jax.nn.gelu(1.0), jax.nn.softplus(jnp.array([-1., 0., 1.])), jax.nn.logsumexp(x))
print(jax.random.key_data(jax.random.key(0)), jax.random.fold_in(jax.random.PRNGKey(0), 3))
k = jax.random.key(1)
print(jax.random.normal(k, (2,)), jax.random.split(k).shape, jax.random.randint(k, (3,), 0, 10))
print(jax.tree.map(lambda a: a.shape, {"a": jnp.ones((2, 3))}))
@jax.named_call
def g(x): return x * 2
print(g(3.), jax.jit(g).lower(3.).compile()(4.))
with jax.disable_jit():
    print(jit(lambda a: a + 1)(1.))
print(jnp.zeros(3).at[1].set(2).at[jnp.array([0, 2])].add(jnp.array([1., 1.])))
print(jax.lax.fori_loop(0, 5, lambda i, c: c + i, 0), jax.lax.while_loop(lambda c: c < 10, lambda c: c * 2, 1))
print(jax.lax.scan(lambda c, x: (c + x, c * x), 0., jnp.arange(4.)))
print(jax.jacfwd(lambda x: jnp.array([x[0] ** 2, x[0] * x[1]]))(jnp.array([2., 3.])))
print(jax.hessian(lambda x: jnp.sum(x ** 3))(jnp.array([1., 2.])))
print(jnp.iinfo(jnp.int32).max, jnp.finfo(jnp.float32).eps, jnp.float32(1) / 3, jnp.int8(127) + jnp.int8(1))
print(jax.dtypes.canonicalize_dtype(np.float64), jnp.issubdtype(jnp.float32, jnp.floating), jnp.promote_types(jnp.int32, jnp.float32))
print(jnp.array([1, 2, 3]).astype(jnp.bfloat16) * 1.5)
