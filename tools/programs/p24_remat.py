"""Gradient checkpointing as JAX users write it: a residual MLP trained with
per-layer jax.checkpoint under several policies, checkpoint_name, what reverse
mode keeps (print_saved_residuals), vmap of grad through checkpointed layers,
and a scan over layers with a checkpointed body."""
from functools import partial

import jax
import jax.numpy as jnp
from jax.ad_checkpoint import checkpoint_name, print_saved_residuals

key = jax.random.PRNGKey(0)
k1, k2, k3 = jax.random.split(key, 3)
WIDTH, DEPTH = 16, 4
params = [(jax.random.normal(k, (WIDTH, WIDTH)) / 4.0, jnp.zeros(WIDTH))
          for k in jax.random.split(k1, DEPTH)]
x = jax.random.normal(k2, (32, WIDTH))
y = jnp.sin(x.sum(axis=1, keepdims=True)) * jnp.ones(WIDTH)


def block(p, h):
    w, b = p
    z = checkpoint_name(h @ w + b, "pre")
    return h + jnp.tanh(z)


def make_loss(policy):
    layer = block if policy == "none" else jax.checkpoint(
        block, policy=None if policy == "nothing" else policy)

    def loss(params, x, y):
        h = x
        for p in params:
            h = layer(p, h)
        return jnp.mean((h - y) ** 2)
    return loss


P = jax.checkpoint_policies
policies = {"none": "none", "nothing": "nothing", "dots": P.dots_with_no_batch_dims_saveable,
            "names": P.save_only_these_names("pre")}
grads = {}
for name, pol in policies.items():
    loss = make_loss(pol)
    g = jax.grad(loss)(params, x, y)
    grads[name] = g
    print(name, "loss", float(loss(params, x, y)), "grad norm",
          float(sum(jnp.sum(w ** 2) + jnp.sum(b ** 2) for w, b in g)))
print("grads agree:", all(
    bool(jnp.allclose(a[0], b[0]) and jnp.allclose(a[1], b[1]))
    for name in policies for a, b in zip(grads[name], grads["none"])))

for name in ("nothing", "names"):   # (plain grad: what it keeps depends on each
    print("--", name)                  # primitive's derivative formula, e.g. tanh's)
    print_saved_residuals(make_loss(policies[name]), params[:2], x[:2], y[:2])


@jax.jit
def train_step(params, x, y):
    loss, g = jax.value_and_grad(make_loss(policies["dots"]))(params, x, y)
    return [(w - 0.1 * gw, b - 0.1 * gb) for (w, b), (gw, gb) in zip(params, g)], loss


for step in range(5):
    params, l = train_step(params, x, y)
    print("step", step, "loss", round(float(l), 10))

per_example = jax.vmap(jax.grad(make_loss(policies["nothing"])), in_axes=(None, 0, 0))
pg = per_example(params, x[:4, None], y[:4, None])
print("per-example grad shapes", [tuple(w.shape) for w, _ in pg][:2],
      "sum", float(sum(jnp.sum(w) for w, _ in pg)))

ws = jnp.stack([w for w, _ in params])
bs = jnp.stack([b for _, b in params])


@partial(jax.checkpoint, policy=P.dots_with_no_batch_dims_saveable)
def scan_body(h, wb):
    return block(wb, h), None


def scan_loss(ws, bs, x):
    h, _ = jax.lax.scan(scan_body, x, (ws, bs))
    return jnp.sum(h ** 2)


gs = jax.grad(scan_loss, argnums=(0, 1))(ws, bs, x)
print("scan grads", float(jnp.sum(gs[0])), float(jnp.sum(gs[1])))
print(jax.make_jaxpr(lambda v: jnp.tanh(v) * 2.0)(1.0))
