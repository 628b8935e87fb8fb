"""The top-level API a JAX script touches besides the transforms.

Devices and transfers (vmapx runs on the host CPU: one ``CpuDevice(id=0)``,
"transfers" are conversions to NumPy arrays, and nothing is asynchronous),
``disable_jit``, ``custom_gradient``, ``closure_convert``, naming helpers
(``named_call``, ``named_scope``), ``ensure_compile_time_eval``, ``typeof``,
``clear_caches``, ``live_arrays``, ``effects_barrier`` and
``print_environment_info``.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import platform
import sys
import warnings

import numpy as np

from . import inputs
from .autodiff import JVPTracer, is_differentiable
from .batching import BatchTracer
from . import caches, devices as devices_mod, jit as jit_mod, pool, sharding, staging, tree as tu
from .config import config
from . import core as core_mod
from .core import ShapedArray, Tracer, get_aval
from .custom_vjp import custom_vjp
from .jnp.base import asarray_like
from .staging import eval_jaxpr, trace_to_jaxpr

__version__ = "0.1.0"  # vmapx.__version__ (the version in pyproject.toml)

# ------------------------------------------------------------------ devices


Device = devices_mod.Device
_CPU = devices_mod.CPU


def _check_backend(backend):
    if backend is not None and str(backend).lower() != "cpu":
        raise RuntimeError(f"Unknown backend: '{backend}' requested, but no platforms that are "
                           f"instances of {backend} are present. Platforms present are: cpu")


def devices(backend=None) -> list:
    """The devices of ``backend`` (only ``'cpu'``): ``[CpuDevice(id=0)]``.

    >>> import vmapx
    >>> vmapx.devices()
    [CpuDevice(id=0)]
    """
    _check_backend(backend)
    return [_CPU]


def local_devices(process_index=None, backend=None, host_id=None) -> list:
    """The devices of this process: ``[CpuDevice(id=0)]``.

    >>> import vmapx
    >>> vmapx.local_devices()
    [CpuDevice(id=0)]
    """
    _check_backend(backend)
    if process_index not in (None, 0) or host_id not in (None, 0):
        raise ValueError(f"Unknown process_index {process_index if host_id is None else host_id}")
    return [_CPU]


def device_count(backend=None) -> int:
    """Number of devices: 1.

    >>> import vmapx
    >>> vmapx.device_count()
    1
    """
    _check_backend(backend)
    return 1


def local_device_count(backend=None) -> int:
    """Number of devices of this process: 1.

    >>> import vmapx
    >>> vmapx.local_device_count()
    1
    """
    _check_backend(backend)
    return 1


def default_backend() -> str:
    """The platform computations run on: ``'cpu'``.

    >>> import vmapx
    >>> vmapx.default_backend()
    'cpu'
    """
    return "cpu"


def process_index(backend=None) -> int:
    """Index of this process among those of a multi-process run: 0.

    >>> import vmapx
    >>> vmapx.process_index()
    0
    """
    _check_backend(backend)
    return 0


def process_count(backend=None) -> int:
    """Number of processes: 1.

    >>> import vmapx
    >>> vmapx.process_count()
    1
    """
    _check_backend(backend)
    return 1


def process_indices() -> list:
    """The indices of the processes of this run: ``[0]``.

    >>> import vmapx
    >>> vmapx.process_indices()
    [0]
    """
    return [0]


def _renamed(old, new):
    warnings.warn(f"vmapx.{old} is an old name of vmapx.{new} (as in JAX, where the alias "
                  f"is deprecated); please use vmapx.{new}.", UserWarning, stacklevel=3)


def host_id(backend=None) -> int:
    """The old name of ``process_index`` (0); warns, as JAX's alias does.

    >>> import warnings, vmapx
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     vmapx.host_id()
    0
    """
    _renamed("host_id", "process_index")
    return process_index(backend)


def host_count(backend=None) -> int:
    """The old name of ``process_count`` (1); warns, as JAX's alias does.

    >>> import warnings, vmapx
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     vmapx.host_count()
    1
    """
    _renamed("host_count", "process_count")
    return process_count(backend)


def host_ids(backend=None) -> list:
    """The old name of ``process_indices`` (``[0]``); warns, as JAX's alias does.

    >>> import warnings, vmapx
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     vmapx.host_ids()
    [0]
    """
    _renamed("host_ids", "process_indices")
    _check_backend(backend)
    return [0]


def _check_device(device):
    if device is None or isinstance(device, Device):
        return
    if isinstance(device, sharding.Sharding):   # a layout over the one device
        return
    raise ValueError("`device_put` only accepts `None`, a `Sharding`, a `Device` or a pytree "
                     f"of these values. Received invalid value: {device!r} (vmapx has one "
                     "device, vmapx.devices()[0], the CPU)")


def device_put(x, device=None, *, src=None, donate=False, may_alias=None):
    """``x`` (a pytree) with every leaf as an array on the CPU.

    Leaves become arrays as ``vmapx.numpy.asarray`` makes them, copied (as a
    transfer to a device would) unless ``may_alias=True``, so later in-place
    changes to a NumPy input do not show through.  Tracers pass through.

    >>> import numpy as np, vmapx
    >>> vmapx.device_put({'w': [1.0, 2.0], 'b': 3})
    {'b': array(3), 'w': [array(1.), array(2.)]}
    >>> x = np.zeros(2); y = vmapx.device_put(x); x[0] = 5.0; y
    array([0., 0.])
    """
    _check_device(device)
    _check_device(src)

    def put(leaf):
        if isinstance(leaf, Tracer):
            return leaf
        a = asarray_like(leaf)
        if isinstance(a, np.ndarray):
            if may_alias is not True and (a is leaf or np.shares_memory(a, leaf)):
                a = a.copy()
        else:
            a = np.asarray(a)
        return a
    return tu.tree_map(put, x)


def device_get(x):
    """``x`` (a pytree) with every array leaf as a NumPy array on the host;
    other leaves unchanged.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> vmapx.device_get({'a': jnp.ones(2), 'b': 1})
    {'a': array([1., 1.]), 'b': 1}
    """
    def get(leaf):
        if isinstance(leaf, Tracer) or hasattr(leaf, "__array__"):
            a = np.asarray(leaf)
            return a.view(np.ndarray) if type(a) is not np.ndarray else a
        return leaf
    return tu.tree_map(get, x)


def block_until_ready(x):
    """``x`` itself: vmapx computes synchronously, so every leaf is ready.

    >>> import numpy as np, vmapx
    >>> vmapx.block_until_ready({'a': np.ones(2)})
    {'a': array([1., 1.])}
    """
    return x


# -------------------------------------------------------------- disable_jit


@contextlib.contextmanager
def disable_jit(disable: bool = True):
    """Inside this context, ``jit``-decorated functions run their Python code
    on every call (on concrete values, so Python control flow on them works).

    As JAX's, the context applies to the calling thread only (other threads
    keep the process-wide config option ``jax_disable_jit``), and it nests.

    >>> import vmapx
    >>> @vmapx.jit
    ... def f(x):
    ...     print("running f")
    ...     return x if x > 0 else -x
    >>> with vmapx.disable_jit():
    ...     f(-2.0), f(3.0)
    running f
    running f
    (2.0, 3.0)
    """
    local = jit_mod._local
    prev = local.disabled
    local.disabled = bool(disable)
    try:
        yield
    finally:
        local.disabled = prev


# ---------------------------------------------------------- custom_gradient


def custom_gradient(fun):
    """A function whose reverse-mode derivative is given by the function itself.

    ``fun(*args)`` returns ``(value, vjp)`` where ``vjp(ct)`` gives the
    cotangents of the arguments (a tuple, one per argument; a single
    cotangent for a one-argument function).  Built on ``custom_vjp``: the
    ``vjp`` closure is traced once per call and what it closes over becomes
    the residuals, so this composes with ``vmap`` and ``jit`` like
    ``custom_vjp`` does.  Forward mode (``jvp``) is an error, as in JAX.

    >>> import vmapx, vmapx.numpy as jnp
    >>> @vmapx.custom_gradient
    ... def f(x):
    ...     return jnp.sin(x), lambda g: (g * 100.0,)
    >>> float(f(0.0)), float(vmapx.grad(f)(0.0))
    (0.0, 100.0)
    """

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        box = []

        def primal(*a, **k):
            return fun(*a, **k)[0]

        def fwd(*a, **k):
            ans, rule = fun(*a, **k)
            ans_leaves, ans_tree = tu.tree_flatten(ans)
            avals = [get_aval(x) for x in ans_leaves]
            shape = []

            def flat_rule(*cts):
                out = rule(tu.tree_unflatten(ans_tree, list(cts)))
                if not isinstance(out, (tuple, list)):
                    out = (out,)
                leaves, tree = tu.tree_flatten(tuple(out), is_leaf=lambda v: v is None)
                shape.append((tree, [v is None for v in leaves]))
                return [v for v in leaves if v is not None]

            closed = trace_to_jaxpr(flat_rule, avals)
            box.append((closed.jaxpr, shape[0]))
            return ans, list(closed.consts)

        def bwd(res, ct):
            jaxpr, (tree, none_at) = box[-1]
            vals = iter(eval_jaxpr(jaxpr, list(res), *tu.tree_leaves(ct)))
            return tu.tree_unflatten(tree, [None if n else next(vals) for n in none_at])

        f = custom_vjp(primal)
        f.defvjp(fwd, bwd)
        return f(*args, **kwargs)

    return wrapped


def _maybe_perturbed(x) -> bool:
    """Whether ``x`` may carry a derivative: a value being differentiated, or a
    floating-point value staged by ``jit`` (differentiable later); a batch of
    plain values is not (as JAX decides)."""
    if type(x) is JVPTracer:
        return True
    if type(x) is BatchTracer:
        return _maybe_perturbed(x.val)
    return isinstance(x, Tracer) and is_differentiable(x.aval.dtype)


def closure_convert(fun, *example_args):
    """``(converted, consts)``: ``fun`` with the values it closes over that
    may carry derivatives (floating-point values of enclosing transforms)
    hoisted out as extra trailing arguments, so that a ``custom_vjp`` or
    ``custom_jvp`` function taking ``converted`` can take ``consts`` as
    explicit (differentiable) arguments.  ``converted(*args, *consts)`` equals
    ``fun(*args)`` for arguments shaped as ``example_args``.  Concrete arrays
    and integer values stay inside ``converted``, as in JAX.

    >>> import numpy as np, vmapx
    >>> def scaled_sum(a):
    ...     f = lambda x: x * a
    ...     converted, consts = vmapx.closure_convert(f, 1.0)
    ...     assert len(consts) == 1          # ``a``, traced by grad
    ...     return converted(2.0, *consts).sum()
    >>> vmapx.grad(scaled_sum)(np.array([1.0, 3.0]))
    array([2., 2.])
    >>> vmapx.closure_convert(lambda x: x + np.ones(2), 1.0)[1]   # nothing to hoist
    []
    """
    flat_args, in_tree = tu.tree_flatten(example_args)
    avals = [typeof(x) for x in flat_args]
    out_trees = []

    def flat_fun(*xs):
        out = fun(*tu.tree_unflatten(in_tree, xs))
        leaves, out_tree = tu.tree_flatten(out)
        out_trees.append(out_tree)
        return leaves

    closed = trace_to_jaxpr(flat_fun, avals)
    out_tree = out_trees[0]
    hoist = [_maybe_perturbed(c) for c in closed.consts]
    hoisted = [c for c, h in zip(closed.consts, hoist, strict=True) if h]
    n_hoisted = len(hoisted)

    def converted(*args_and_consts):
        n_args = len(args_and_consts) - n_hoisted
        args, given = args_and_consts[:n_args], iter(args_and_consts[n_args:])
        leaves, tree = tu.tree_flatten(tuple(args))
        if tree != in_tree:
            raise TypeError("The inputs to the closure produced by closure_convert must have "
                            "the same Pytree structure as the example arguments passed when "
                            f"closure_convert was called. Expected {in_tree}, but got {tree}")
        consts = [next(given) if h else c for c, h in zip(closed.consts, hoist, strict=True)]
        outs = eval_jaxpr(closed.jaxpr, consts, *leaves)
        return tu.tree_unflatten(out_tree, [core_mod.finish_output(o) for o in outs])

    return converted, hoisted


# ------------------------------------------------------------------ naming


def named_call(fun, *, name=None):
    """``fun`` itself, for code that names its calls (vmapx keeps no name
    stack: jaxprs are printed without it).

    >>> import vmapx
    >>> vmapx.named_call(lambda x: x + 1, name="inc")(1.0)
    2.0
    """
    if not callable(fun):
        raise TypeError(f"named_call: expected a callable, got {fun!r}")
    if name is not None and not isinstance(name, str):
        raise TypeError("named_call name argument must be a string.")

    @functools.wraps(fun)
    def named(*args, **kwargs):
        return fun(*args, **kwargs)
    return named


@contextlib.contextmanager
def named_scope(name: str):
    """A context naming the operations inside it (accepted for JAX code; vmapx
    keeps no name stack).

    >>> import vmapx
    >>> with vmapx.named_scope("layer1"):
    ...     y = vmapx.numpy.sin(0.0)
    >>> float(y)
    0.0
    """
    if not isinstance(name, str):
        raise TypeError("named_scope name argument must be a string.")
    yield


@contextlib.contextmanager
def ensure_compile_time_eval():
    """A context in which operations on concrete values are evaluated at once,
    even while ``jit`` traces.  vmapx always does this (operations that touch
    no traced value are computed while tracing and folded into constants), so
    the context changes nothing; it is accepted for JAX code.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> @vmapx.jit
    ... def f(x):
    ...     with vmapx.ensure_compile_time_eval():
    ...         n = int(jnp.sum(jnp.arange(4)))   # concrete: usable in Python
    ...     return x * n
    >>> f(np.ones(2))
    array([6., 6.])
    """
    yield


# ------------------------------------------------------------- inspection


def typeof(x) -> ShapedArray:
    """The abstract value (shape, dtype, weak type) of an array, scalar or tracer.

    >>> import numpy as np, vmapx
    >>> vmapx.typeof(np.ones((2, 3), np.float32))
    ShapedArray(float32[2,3])
    >>> vmapx.typeof(1.0).weak_type
    True
    """
    if isinstance(x, Tracer):
        return x.aval
    try:
        aval = get_aval(x)
    except TypeError:
        aval = None
    if aval is None or inputs.kind(aval.dtype) not in "biufcV":
        raise TypeError(f"Argument '{x}' of type {type(x)} is not a valid JAX type")
    return aval


def clear_caches():
    """Empty the caches of every jitted function, of every vmapped function's
    argument structures and of shape inference, so the next calls trace again,
    and free the pooled temporary buffers.  Safe while other threads call or
    create transformed functions.

    >>> import numpy as np, vmapx
    >>> f = vmapx.jit(lambda x: x + 1)
    >>> _ = f(np.ones(2)); f._cache_size()
    1
    >>> vmapx.clear_caches(); f._cache_size()
    0
    """
    caches.clear_all()
    staging._aval_cache.clear()
    pool.clear()


def live_arrays(platform=None) -> list:
    """The ``vmapx.Array`` results still referenced in this process.

    vmapx's arrays live in host memory that Python frees by reference
    counting, and vmapx keeps no registry of them; this lists what the
    garbage collector can see: every ``vmapx.Array`` (the type of the results
    of ``vmapx.numpy`` and of transformed functions) alive now.  NumPy arrays a
    program made itself, and results some functions return as plain NumPy
    arrays, are not included.  ``platform`` may only be ``None`` or ``'cpu'``.

    >>> import vmapx, vmapx.numpy as jnp
    >>> x = jnp.arange(3.0)
    >>> any(a is x for a in vmapx.live_arrays())
    True
    """
    _check_backend(platform)
    array_type = core_mod.result_type
    return [o for o in gc.get_objects() if type(o) is array_type]


def effects_barrier() -> None:
    """Wait until every pending effect (callbacks, ``debug.print``) has run.
    vmapx runs them synchronously, in program order, so there is nothing to
    wait for.

    >>> import vmapx
    >>> vmapx.debug.print("x = {}", 1.0); vmapx.effects_barrier()
    x = 1.0
    """
    return None


def print_environment_info(return_string: bool = False):
    """Versions of vmapx and its dependencies, Python and the platform;
    printed, or returned with ``return_string=True``.

    >>> import vmapx
    >>> print(vmapx.print_environment_info(return_string=True))  # doctest: +ELLIPSIS
    vmapx:  ...
    numpy:  ...
    """
    lines = [f"vmapx:  {__version__}", f"numpy:  {np.__version__}"]
    for mod in ("optree", "scipy"):
        try:
            m = __import__(mod)
            lines.append(f"{mod}: {' ' * max(0, 6 - len(mod))}{m.__version__}")
        except ImportError:
            lines.append(f"{mod}: {' ' * max(0, 6 - len(mod))}not installed")
    lines.append(f"python: {sys.version}")
    lines.append("device info: cpu-1, 1 local devices")
    lines.append("process_count: 1")
    lines.append(f"platform: {platform.uname()}")
    text = "\n".join(lines) + "\n"
    if return_string:
        return text
    print(text)
    return None
