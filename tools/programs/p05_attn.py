import numpy as np
import jax, jax.numpy as jnp
from jax import random, grad, jit, vmap, value_and_grad
from jax.nn import initializers
import jax.tree_util as jtu

def init(key, d=16, h=2, vocab=20):
    ks = random.split(key, 6)
    glorot = initializers.glorot_normal()
    return {"emb": initializers.normal(0.02)(ks[0], (vocab, d)),
            "wq": glorot(ks[1], (d, d)), "wk": glorot(ks[2], (d, d)), "wv": glorot(ks[3], (d, d)),
            "wo": glorot(ks[4], (d, d)), "ln": {"g": jnp.ones(d), "b": jnp.zeros(d)},
            "out": initializers.lecun_normal()(ks[5], (d, vocab))}

def layernorm(x, p):
    m = x.mean(-1, keepdims=True); v = x.var(-1, keepdims=True)
    return (x - m) * jax.lax.rsqrt(v + 1e-5) * p["g"] + p["b"]

def model(p, tokens, h=2):
    x = p["emb"][tokens]
    T, d = x.shape
    q, k, v = (x @ p[n] for n in ("wq", "wk", "wv"))
    split = lambda a: a.reshape(T, h, d // h).transpose(1, 0, 2)
    q, k, v = map(split, (q, k, v))
    s = jnp.einsum("htd,hsd->hts", q, k) / jnp.sqrt(d // h)
    mask = jnp.tril(jnp.ones((T, T), bool))
    s = jnp.where(mask, s, -jnp.inf)
    a = jax.nn.softmax(s, axis=-1)
    o = jnp.einsum("hts,hsd->htd", a, v).transpose(1, 0, 2).reshape(T, d)
    x = layernorm(x + o @ p["wo"], p["ln"])
    return x @ p["out"]

def loss(p, tokens):
    logits = model(p, tokens[:-1])
    lp = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(lp, tokens[1:, None], axis=1))

key = random.PRNGKey(0)
p = init(key)
data = random.randint(random.PRNGKey(1), (8, 12), 0, 20)
batch_loss = lambda p, d: vmap(loss, (None, 0))(p, d).mean()
m = jtu.tree_map(jnp.zeros_like, p); v = jtu.tree_map(jnp.zeros_like, p)
@jit
def adam(p, m, v, t, d):
    l, g = value_and_grad(batch_loss)(p, d)
    m = jtu.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = jtu.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    p = jtu.tree_map(lambda p, m, v: p - 1e-2 * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-8), p, m, v)
    return p, m, v, l
for t in range(1, 31):
    p, m, v, l = adam(p, m, v, t, data)
print("loss %.6f" % l)
pe = vmap(grad(loss), (None, 0))(p, data)
print(jtu.tree_structure(pe) == jtu.tree_structure(p), pe["wq"].shape)
norms = jnp.sqrt(sum(jnp.sum(x.reshape(8, -1) ** 2, 1) for x in jtu.tree_leaves(pe)))
print(np.round(np.asarray(norms), 5))
print(sum(x.size for x in jtu.tree_leaves(p)))
