"""``vmapx.example_libraries.optimizers``: the first-order optimizers of JAX's
``jax.example_libraries.optimizers``, for programs written against them.

An optimizer is a triple ``(init_fun, update_fun, get_params)``:
``opt_state = init_fun(params)``, ``opt_state = update_fun(step, grads,
opt_state)``, ``params = get_params(opt_state)``, where ``params`` is any
pytree of arrays.  ``optimizer`` turns a triple written for one array into one
for pytrees; the state is an ``OptimizerState`` pytree (so it passes through
``jit``).  Step sizes are numbers or schedules (functions of the step).  The
update formulas are the published ones (SGD, momentum, Nesterov, AdaGrad,
RMSProp, Adam, Adamax, SM3), in JAX's order of operations, so the iterates are
JAX's.

>>> import numpy as np, vmapx
>>> from vmapx.example_libraries import optimizers
>>> init, update, get_params = optimizers.sgd(0.1)
>>> state = update(0, {"w": np.array([2.0])}, init({"w": np.array([1.0])}))
>>> get_params(state)
{'w': array([0.8])}
"""
from __future__ import annotations

import functools
import warnings
from collections import namedtuple
from typing import Any, Callable, NamedTuple

from .. import numpy as jnp, tree_util
from .._src.jnp.array import to_result

__all__ = ["JoinPoint", "Optimizer", "OptimizerState", "adagrad", "adam", "adamax",
           "clip_grads", "constant", "exponential_decay", "inverse_time_decay", "l2_norm",
           "make_schedule", "momentum", "nesterov", "optimizer", "pack_optimizer_state",
           "piecewise_constant", "polynomial_decay", "rmsprop", "rmsprop_momentum", "sgd",
           "sm3", "unpack_optimizer_state"]

OptimizerState = namedtuple("OptimizerState", ["packed_state", "tree_def", "subtree_defs"])
OptimizerState.__doc__ = """The state of an optimizer over a pytree of parameters: the
flattened per-leaf states, the parameters' tree structure and each leaf state's structure.
A pytree whose leaves are the arrays of ``packed_state``."""
with warnings.catch_warnings():  # optree notes that namedtuples have a default rule
    warnings.simplefilter("ignore", UserWarning)
    tree_util.register_pytree_node(
        OptimizerState,
        lambda s: ((s.packed_state,), (s.tree_def, s.subtree_defs)),
        lambda aux, children: OptimizerState(children[0], aux[0], aux[1]))


class Optimizer(NamedTuple):
    """``(init_fn, update_fn, params_fn)``: what an optimizer constructor returns."""
    init_fn: Callable
    update_fn: Callable
    params_fn: Callable


Schedule = Callable[[Any], Any]


def optimizer(opt_maker):
    """Decorator: from ``opt_maker(*args) -> (init, update, get_params)`` written for
    one array (its state any pytree), an optimizer for pytrees of parameters.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> @optimizers.optimizer
    ... def halve():
    ...     return (lambda x: x), (lambda i, g, x: x / 2), (lambda x: x)
    >>> init, update, get = halve()
    >>> get(update(0, [1.0, 1.0], init([np.array(4.0), np.array(2.0)])))
    [array(2.), array(1.)]
    """
    @functools.wraps(opt_maker)
    def make(*args, **kwargs):
        init, update, get_params = opt_maker(*args, **kwargs)

        @functools.wraps(init)
        def tree_init(params):
            leaves, tree = tree_util.tree_flatten(params)
            states = [tree_util.tree_flatten(init(x)) for x in leaves]
            states = [([to_result(v) for v in flat], sub) for flat, sub in states]
            return OptimizerState(tuple(s for s, _ in states), tree, tuple(d for _, d in states))

        @functools.wraps(update)
        def tree_update(i, grads, opt_state):
            flat_states, tree, subtrees = opt_state
            grad_leaves, grad_tree = tree_util.tree_flatten(grads)
            if grad_tree != tree:
                raise TypeError(
                    "optimizer update function was passed a gradient tree that did not "
                    "match the parameter tree structure with which it was initialized: "
                    f"parameter tree {tree} and grad tree {grad_tree}.")
            new_flat = []
            for g, flat, sub in zip(grad_leaves, flat_states, subtrees, strict=True):
                new_leaves, new_sub = tree_util.tree_flatten(
                    update(i, g, tree_util.tree_unflatten(sub, flat)))
                if new_sub != sub:
                    raise TypeError(
                        "optimizer update function produced an output structure that did "
                        f"not match its input structure: input {sub} and output {new_sub}.")
                new_flat.append([to_result(v) for v in new_leaves])
            return OptimizerState(tuple(new_flat), tree, subtrees)

        @functools.wraps(get_params)
        def tree_get_params(opt_state):
            flat_states, tree, subtrees = opt_state
            return tree_util.tree_unflatten(
                tree, [get_params(tree_util.tree_unflatten(sub, flat))
                       for flat, sub in zip(flat_states, subtrees, strict=True)])

        return Optimizer(tree_init, tree_update, tree_get_params)
    return make


def _first(state):
    return state[0]


@optimizer
def sgd(step_size):
    """Stochastic gradient descent: ``x - step_size(i) * g``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.sgd(0.5)
    >>> get(update(0, np.array(1.0), init(np.array(3.0))))
    array(2.5)
    """
    step_size = make_schedule(step_size)

    def update(i, g, x):
        return x - step_size(i) * g
    return (lambda x: x), update, (lambda x: x)


@optimizer
def momentum(step_size, mass):
    """Gradient descent with momentum: ``v = mass * v + g; x = x - step_size(i) * v``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.momentum(0.1, 0.9)
    >>> s = update(1, np.array(1.0), update(0, np.array(1.0), init(np.array(0.0))))
    >>> get(s)
    array(-0.29)
    """
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * velocity, velocity
    return (lambda x: (x, jnp.zeros_like(x))), update, _first


@optimizer
def nesterov(step_size, mass):
    """Nesterov's accelerated gradient: the momentum step taken from the look-ahead.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.nesterov(0.1, 0.9)
    >>> get(update(0, np.array(1.0), init(np.array(0.0))))
    array(-0.19)
    """
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * (mass * velocity + g), velocity
    return (lambda x: (x, jnp.zeros_like(x))), update, _first


@optimizer
def adagrad(step_size, momentum=0.9):
    """AdaGrad (Duchi et al., 2011), with momentum on the scaled gradient.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.adagrad(1.0)
    >>> get(update(0, np.array(2.0), init(np.array(0.0))))
    array(-0.1)
    """
    step_size = make_schedule(step_size)

    def init(x):
        return x, jnp.zeros_like(x), jnp.zeros_like(x)

    def update(i, g, state):
        x, g_sq, m = state
        g_sq = g_sq + jnp.square(g)
        inv_sqrt = jnp.where(g_sq > 0, 1. / jnp.sqrt(g_sq), 0.0)
        m = (1. - momentum) * (g * inv_sqrt) + momentum * m
        return x - step_size(i) * m, g_sq, m
    return init, update, _first


@optimizer
def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp: the gradient divided by a running root mean square of gradients.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.rmsprop(0.1)
    >>> round(float(get(update(0, np.array(1.0), init(np.array(0.0))))), 6)
    -0.316228
    """
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, avg_sq = state
        avg_sq = avg_sq * gamma + jnp.square(g) * (1. - gamma)
        return x - step_size(i) * g / jnp.sqrt(avg_sq + eps), avg_sq
    return (lambda x: (x, jnp.zeros_like(x))), update, _first


@optimizer
def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp with momentum on the scaled step.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.rmsprop_momentum(0.1)
    >>> round(float(get(update(0, np.array(1.0), init(np.array(0.0))))), 6)
    -0.316228
    """
    step_size = make_schedule(step_size)

    def init(x):
        return x, jnp.zeros_like(x), jnp.zeros_like(x)

    def update(i, g, state):
        x, avg_sq, mom = state
        avg_sq = avg_sq * gamma + jnp.square(g) * (1. - gamma)
        mom = momentum * mom + step_size(i) * g / jnp.sqrt(avg_sq + eps)
        return x - mom, avg_sq, mom
    return init, update, _first


@optimizer
def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma & Ba, 2015) with bias-corrected moment estimates.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.adam(0.1)
    >>> round(float(get(update(0, np.array(3.0), init(np.array(1.0))))), 6)
    0.9
    """
    step_size = make_schedule(step_size)

    def init(x):
        return x, jnp.zeros_like(x), jnp.zeros_like(x)

    def update(i, g, state):
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * jnp.square(g) + b2 * v
        m_hat = m / (1 - jnp.asarray(b1, m.dtype) ** (i + 1))
        v_hat = v / (1 - jnp.asarray(b2, m.dtype) ** (i + 1))
        return x - step_size(i) * m_hat / (jnp.sqrt(v_hat) + eps), m, v
    return init, update, _first


@optimizer
def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adamax: Adam with the infinity norm in place of the second moment.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.adamax(0.1)
    >>> round(float(get(update(0, np.array(3.0), init(np.array(1.0))))), 6)
    0.9
    """
    step_size = make_schedule(step_size)

    def init(x):
        return x, jnp.zeros_like(x), jnp.zeros_like(x)

    def update(i, g, state):
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = jnp.maximum(b2 * u, jnp.abs(g))
        x = x - (step_size(i) / (1 - jnp.asarray(b1, m.dtype) ** (i + 1))) * m / (u + eps)
        return x, m, u
    return init, update, _first


@optimizer
def sm3(step_size, momentum=0.9):
    """SM3 (Anil et al., 2019): AdaGrad with one accumulator per axis slice.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, update, get = optimizers.sm3(1.0)
    >>> get(update(0, np.array([[2.0, 1.0]]), init(np.zeros((1, 2)))))
    array([[-0.1, -0.1]])
    """
    step_size = make_schedule(step_size)

    def along(ndim, v, axis):
        index = [None] * ndim
        index[axis:axis + 1] = [slice(None)]   # appends for a 0-d gradient, as JAX
        return v[tuple(index)]

    def init(x0):
        shape = x0.shape
        x0 = jnp.atleast_1d(x0)
        return x0, jnp.zeros_like(x0), [jnp.zeros(n, dtype=x0.dtype) for n in x0.shape], shape

    def update(i, g, state):
        x, m, vs, shape = state
        accum = functools.reduce(jnp.minimum, [along(g.ndim, v, k) for k, v in enumerate(vs)])
        accum = accum + jnp.square(g)
        inv_sqrt = jnp.where(accum > 0, 1. / jnp.sqrt(accum), 0)
        m = (1. - momentum) * (g * inv_sqrt) + momentum * m
        x = x - step_size(i) * m
        vs = [accum.max(tuple(a for a in range(x.ndim) if a != k)) for k in range(x.ndim)]
        return x, m, vs, shape

    def get_params(state):
        x, _, _, shape = state
        return x.reshape(shape)
    return init, update, get_params


# ------------------------------------------------------------------ schedules


def constant(step_size):
    """The schedule that is always ``step_size``.

    >>> from vmapx.example_libraries import optimizers
    >>> optimizers.constant(0.1)(100)
    0.1
    """
    def schedule(i):
        return step_size
    return schedule


def exponential_decay(step_size, decay_steps, decay_rate):
    """``step_size * decay_rate ** (i / decay_steps)``.

    >>> from vmapx.example_libraries import optimizers
    >>> optimizers.exponential_decay(1.0, 10, 0.5)(20)
    0.25
    """
    def schedule(i):
        return step_size * decay_rate ** (i / decay_steps)
    return schedule


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False):
    """``step_size / (1 + decay_rate * i / decay_steps)`` (``floor`` of the ratio with
    ``staircase``).

    >>> from vmapx.example_libraries import optimizers
    >>> optimizers.inverse_time_decay(1.0, 10, 1.0)(10)
    0.5
    """
    if staircase:
        def schedule(i):
            return step_size / (1 + decay_rate * jnp.floor(i / decay_steps))
    else:
        def schedule(i):
            return step_size / (1 + decay_rate * i / decay_steps)
    return schedule


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0):
    """From ``step_size`` to ``final_step_size`` over ``decay_steps`` steps along
    ``(1 - i / decay_steps) ** power``, then constant.

    >>> from vmapx.example_libraries import optimizers
    >>> float(optimizers.polynomial_decay(1.0, 10, 0.0)(5))
    0.5
    """
    def schedule(step_num):
        step_num = jnp.minimum(step_num, decay_steps)
        step_mult = (1 - step_num / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size
    return schedule


def piecewise_constant(boundaries, values):
    """``values[k]`` for steps after ``k`` of the ``boundaries``.

    >>> from vmapx.example_libraries import optimizers
    >>> s = optimizers.piecewise_constant([10, 20], [1.0, 0.5, 0.1])
    >>> float(s(5)), float(s(15)), float(s(25))
    (1.0, 0.5, 0.1)
    """
    boundaries = jnp.array(boundaries)
    values = jnp.array(values)
    if not boundaries.ndim == values.ndim == 1:
        raise ValueError("boundaries and values must be sequences")
    if not boundaries.shape[0] == values.shape[0] - 1:
        raise ValueError("boundaries length must be one shorter than values length")

    def schedule(i):
        return values[jnp.sum(i > boundaries)]
    return schedule


def make_schedule(scalar_or_schedule):
    """A schedule from a number (constant) or a schedule (returned as is).

    >>> from vmapx.example_libraries import optimizers
    >>> optimizers.make_schedule(0.3)(7)
    0.3
    """
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    if jnp.ndim(scalar_or_schedule) == 0:
        return constant(scalar_or_schedule)
    raise TypeError(type(scalar_or_schedule))


# ------------------------------------------------------------------ utilities


def l2_norm(tree):
    """The l2 norm of all the leaves of a pytree together.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> float(optimizers.l2_norm({"a": np.array([3.0]), "b": np.array([4.0])}))
    5.0
    """
    leaves = tree_util.tree_leaves(tree)
    return jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))


def clip_grads(grad_tree, max_norm):
    """The gradients scaled down so that their joint l2 norm is at most ``max_norm``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> optimizers.clip_grads([np.array([3.0, 4.0])], 1.0)
    [array([0.6, 0.8])]
    """
    norm = l2_norm(grad_tree)
    return tree_util.tree_map(
        lambda g: jnp.where(norm < max_norm, g, g * (max_norm / norm)), grad_tree)


class JoinPoint:
    """Marks where an outer pytree (the parameters') holds an inner one (a leaf's
    optimizer state), in ``unpack_optimizer_state``'s output.

    >>> from vmapx.example_libraries import optimizers
    >>> list(optimizers.JoinPoint([1, 2]))
    [[1, 2]]
    """

    def __init__(self, subtree):
        self.subtree = subtree

    def __iter__(self):
        yield self.subtree


def unpack_optimizer_state(opt_state):
    """The state as the parameters' pytree with ``JoinPoint`` leaves holding each
    leaf's state (for serialization).

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, _, _ = optimizers.momentum(0.1, 0.9)
    >>> marked = optimizers.unpack_optimizer_state(init({"w": np.ones(2)}))
    >>> marked["w"].subtree
    (array([1., 1.]), array([0., 0.]))
    """
    flat_states, tree, subtrees = opt_state
    return tree_util.tree_unflatten(
        tree, [JoinPoint(tree_util.tree_unflatten(sub, flat))
               for flat, sub in zip(flat_states, subtrees, strict=True)])


def pack_optimizer_state(marked_pytree):
    """The inverse of ``unpack_optimizer_state``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import optimizers
    >>> init, _, get = optimizers.adam(0.1)
    >>> state = init({"w": np.ones(2)})
    >>> again = optimizers.pack_optimizer_state(optimizers.unpack_optimizer_state(state))
    >>> get(again)
    {'w': array([1., 1.])}
    """
    marks, tree = tree_util.tree_flatten(marked_pytree)
    if not all(isinstance(m, JoinPoint) for m in marks):
        raise TypeError("pack_optimizer_state expects a pytree with JoinPoint leaves")
    flats = [tree_util.tree_flatten(m.subtree) for m in marks]
    return OptimizerState(tuple(f for f, _ in flats), tree, tuple(d for _, d in flats))
