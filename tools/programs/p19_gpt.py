"""A small GPT-style language model: typed keys, vmap over a batch, attention with
a causal mask, value_and_grad, momentum with tree.map, jit with donated state,
sampling with fori_loop and categorical."""
import functools
import jax, jax.numpy as jnp
from jax import random, lax

V, D, T, H, L = 17, 16, 8, 2, 2

def init(key):
    ks = random.split(key, 3 + 4 * L)
    p = {"emb": random.normal(ks[0], (V, D)) * 0.1, "pos": random.normal(ks[1], (T, D)) * 0.1,
         "out": random.normal(ks[2], (D, V)) * 0.1, "layers": []}
    for l in range(L):
        k = ks[3 + 4 * l: 7 + 4 * l]
        p["layers"].append({"qkv": random.normal(k[0], (D, 3 * D)) / jnp.sqrt(D),
                            "proj": random.normal(k[1], (D, D)) / jnp.sqrt(D),
                            "w1": random.normal(k[2], (D, 4 * D)) / jnp.sqrt(D),
                            "w2": random.normal(k[3], (4 * D, D)) / jnp.sqrt(4 * D),
                            "ln1": jnp.ones(D), "ln2": jnp.ones(D)})
    return p

def layer_norm(x, g, eps=1e-5):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return g * (x - m) / jnp.sqrt(v + eps)

def attn(p, x):
    q, k, v = jnp.split(x @ p["qkv"], 3, axis=-1)
    q, k, v = (t.reshape(T, H, D // H).transpose(1, 0, 2) for t in (q, k, v))
    s = q @ k.transpose(0, 2, 1) / jnp.sqrt(D // H)
    mask = jnp.tril(jnp.ones((T, T), bool))
    s = jnp.where(mask, s, -1e9)
    o = jax.nn.softmax(s, axis=-1) @ v
    return o.transpose(1, 0, 2).reshape(T, D) @ p["proj"]

def forward(p, tokens):
    x = p["emb"][tokens] + p["pos"]
    for lp in p["layers"]:
        x = x + attn(lp, layer_norm(x, lp["ln1"]))
        x = x + jax.nn.gelu(layer_norm(x, lp["ln2"]) @ lp["w1"]) @ lp["w2"]
    return x @ p["out"]

def loss_fn(p, batch):
    logits = jax.vmap(forward, (None, 0))(p, batch[:, :-1])
    logp = jax.nn.log_softmax(logits)
    tgt = batch[:, 1:]
    return -jnp.take_along_axis(logp, tgt[..., None], -1).mean()

@functools.partial(jax.jit, donate_argnums=(0, 1))
def step(p, m, batch, lr=0.05):
    l, g = jax.value_and_grad(loss_fn)(p, batch)
    m = jax.tree.map(lambda a, b: 0.9 * a + b, m, g)
    p = jax.tree.map(lambda a, b: a - lr * b, p, m)
    return p, m, l

key = random.key(0)
p = init(key)
m = jax.tree.map(jnp.zeros_like, p)
data = random.randint(random.key(1), (64, T + 1), 0, V)
data = (jnp.arange(T + 1)[None] + data[:, :1]) % V      # learnable: counting sequences
for i in range(30):
    p, m, l = step(p, m, data[(i % 4) * 16:(i % 4 + 1) * 16])
    if i % 10 == 0: print(i, float(l))
def sample(p, key, prompt):
    toks = jnp.zeros(T, int).at[0].set(prompt)
    def body(i, c):
        toks, key = c
        key, sub = random.split(key)
        nxt = random.categorical(sub, forward(p, toks)[i] / 0.5)
        return toks.at[i + 1].set(nxt), key
    return lax.fori_loop(0, T - 1, body, (toks, key))[0]
print(sample(p, random.key(3), 5))
print(jax.tree.map(lambda x: x.shape, p["layers"][0]))
print(float(loss_fn(p, data)))
