import numpy as np
import jax, jax.numpy as jnp
from jax import tree_util, grad, jit, vmap
from jax.flatten_util import ravel_pytree
from typing import NamedTuple
import dataclasses

@tree_util.register_pytree_node_class
class Linear:
    def __init__(self, w, b): self.w, self.b = w, b
    def __call__(self, x): return x @ self.w + self.b
    def tree_flatten(self): return (self.w, self.b), None
    @classmethod
    def tree_unflatten(cls, aux, ch): return cls(*ch)
class State(NamedTuple):
    params: list
    step: int
@dataclasses.dataclass
class Cfg:
    lr: float
    n: int
layers = [Linear(jnp.ones((3, 4)) * 0.1, jnp.zeros(4)), Linear(jnp.ones((4, 2)) * 0.2, jnp.ones(2))]
def net(layers, x):
    for l in layers[:-1]:
        x = jnp.tanh(l(x))
    return layers[-1](x)
x = jnp.arange(6.).reshape(2, 3)
g = grad(lambda ls: jnp.sum(net(ls, x) ** 2))(layers)
print(type(g[0]).__name__, np.round(np.asarray(g[0].w), 6))
flat, unravel = ravel_pytree(layers)
print(flat.shape, type(unravel(flat)[1]).__name__)
s = State(layers, 0)
leaves, td = tree_util.tree_flatten(s)
print(len(leaves), td.num_leaves)
s2 = tree_util.tree_map(lambda a: a * 2, s)
print(type(s2).__name__, s2.step)
print(tree_util.tree_reduce(lambda a, b: a + b, [1, 2, (3, 4)]))
print([tree_util.keystr(k) for k, _ in tree_util.tree_flatten_with_path({"a": [1, 2], "b": (3,)})[0]])
print(jax.tree.map(lambda a, b: a + b, {"x": 1, "y": 2}, {"x": 10, "y": 20}))
print(jax.tree.leaves({"b": 1, "a": [2, None, 3]}), jax.tree.structure((1, [2])))
out = vmap(net, (None, 0))(layers, jnp.ones((5, 2, 3)))
print(out.shape)
print(jit(lambda s: tree_util.tree_map(jnp.sum, s))(s).params[0].w)
