"""Staging functions of pytrees, and the public views of staging:
``make_jaxpr``, ``eval_shape`` and ``ShapeDtypeStruct`` (also what ``jit``
stages its functions with, ``flatten_fun_trace``, and ``abstractify``: the
aval of an argument leaf).
"""
from __future__ import annotations

import numpy as np

from . import tree as tu
from .core import ShapedArray, Tracer, get_aval
from .prng import KeyArray, KeyDType
from .errors import api_boundary
from .staging import trace_to_jaxpr


_LEAF_TYPES = (np.ndarray, np.generic, Tracer, bool, int, float, complex)


def flatten_fun_trace(fun, args, kwargs=None, *, origin=None):
    """Stage ``fun(*args, **kwargs)`` where the leaves of the arguments are
    arrays, scalars, ``ShapeDtypeStruct``s or tracers (their avals are used).
    ``origin`` is the user's function (named in errors; default ``fun``).
    Returns ``(closed_jaxpr, out_tree)``."""
    box = []
    origin = fun if origin is None else origin
    if not kwargs and all(isinstance(a, _LEAF_TYPES) for a in args):
        # common case: positional arrays, no pytree flattening of the inputs
        def flat(*xs):
            return _flatten_out(fun(*xs), box, origin)
        return trace_to_jaxpr(flat, [abstractify(x) for x in args]), box[0]
    kwargs = {} if kwargs is None else kwargs
    leaves, in_tree = tu.tree_flatten((args, kwargs))

    def flat(*xs):
        a, k = tu.tree_unflatten(in_tree, xs)
        return _flatten_out(fun(*a, **k), box, origin)

    return trace_to_jaxpr(flat, [abstractify(x) for x in leaves]), box[0]


_LEAF_TREE = tu.tree_structure(0)


def _flatten_out(out, box, origin):
    if isinstance(out, _LEAF_TYPES):
        box.append(_LEAF_TREE)
        return [out]
    leaves, tree = tu.tree_flatten(out)
    for i, x in enumerate(leaves):
        if not isinstance(x, _LEAF_TYPES) and not _array_like_output(x):
            _bad_output(out, tree, i, x, origin)
    box.append(tree)
    return leaves


def _array_like_output(x) -> bool:
    if type(x) is ShapeDtypeStruct:
        return False
    if hasattr(x, "__array__"):
        return np.asarray(x).dtype.kind not in "OUSV"
    return hasattr(x, "shape") and hasattr(x, "dtype")


def _bad_output(out, tree, i, x, origin):
    """JAX's error for a traced function returning something that is not an array."""
    name = getattr(origin, "__name__", type(origin).__name__)
    code = getattr(origin, "__code__", None)
    where = f"{name} at {code.co_filename}:{code.co_firstlineno}" if code else name
    at = ""
    if not tree.is_leaf():
        path = tu.tree_flatten_with_path(out)[0][i][0]
        at = f" at output component {tu.keystr(path)}"
    raise TypeError(f"function {where} traced for jit returned a value of type {type(x)}{at}, "
                    "which is not a valid JAX type")


def abstractify(x) -> ShapedArray:
    """The aval of an argument leaf (``ShapeDtypeStruct`` included)."""
    if type(x) is ShapeDtypeStruct:
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    if isinstance(x, (np.ndarray, np.generic, Tracer, bool, int, float, complex)):
        return get_aval(x)
    if hasattr(x, "__array__") or (hasattr(x, "shape") and hasattr(x, "dtype")):
        return get_aval(np.asarray(x))
    raise TypeError(f"Argument {x!r} of type {type(x)} is not a valid JAX type")


# ------------------------------------------------------------ public views


class ShapeDtypeStruct:
    """A shape and dtype standing for an array (what ``eval_shape`` returns and
    accepts).

    >>> ShapeDtypeStruct((3, 4), np.float32)
    ShapeDtypeStruct(shape=(3, 4), dtype=float32)
    """
    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, *, weak_type: bool = False, sharding=None):
        self.shape = tuple(int(s) for s in shape)
        self.dtype = dtype if isinstance(dtype, KeyDType) else np.dtype(dtype)
        self.weak_type = bool(weak_type)

    @classmethod
    def like(cls, x):
        """The shape and dtype of ``x`` (an array, a scalar or a tracer).

        >>> ShapeDtypeStruct.like(np.ones((2, 3), np.float32))
        ShapeDtypeStruct(shape=(2, 3), dtype=float32)
        """
        aval = abstractify(x)
        return cls(aval.shape, aval.dtype, weak_type=aval.weak_type)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return (type(other) is ShapeDtypeStruct and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def make_jaxpr(fun, static_argnums=(), *, return_shape: bool = False):
    """A function that returns the jaxpr ``fun`` stages to for its arguments.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> print(vmapx.make_jaxpr(lambda x: jnp.sin(x) * 2.0)(np.ones(3)))
    { lambda ; a:f64[3]. let b:f64[3] = sin a; c:f64[3] = mul b 2.0:f64[] in (c,) }
    """
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)
    static_argnums = tuple(static_argnums)

    @api_boundary
    def make_jaxpr_f(*args, **kwargs):
        nums = {i % len(args) if -len(args) <= i < len(args) else i for i in static_argnums}
        dyn = [a for i, a in enumerate(args) if i not in nums]

        def call(*dargs, **kw):
            it = iter(dargs)
            full = [args[i] if i in nums else next(it) for i in range(len(args))]
            return fun(*full, **kw)

        dyn, kwargs = _structs_as_keys((tuple(dyn), kwargs))
        closed, out_tree = flatten_fun_trace(call, dyn, kwargs, origin=fun)
        if return_shape:
            shapes = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)
                      for a in closed.out_avals]
            return closed, _keys_as_structs(tu.tree_unflatten(out_tree, shapes))
        return closed

    make_jaxpr_f.__name__ = f"make_jaxpr({getattr(fun, '__name__', 'fun')})"
    return make_jaxpr_f


_U32 = np.dtype(np.uint32)


def _is_key_struct(x) -> bool:
    return type(x) is ShapeDtypeStruct and isinstance(x.dtype, KeyDType)


def _structs_as_keys(tree):
    """``ShapeDtypeStruct``s of a key dtype as key arrays over their data's shape."""
    if not any(_is_key_struct(x) for x in tu.tree_leaves(tree)):
        return tree
    return tu.tree_map(lambda x: KeyArray(ShapeDtypeStruct(x.shape + (2,), _U32))
                       if _is_key_struct(x) else x, tree)


def _keys_as_structs(tree):
    """Key arrays over ``ShapeDtypeStruct``s (staged key data) as structs of the
    key dtype: ``ShapeDtypeStruct(shape=(), dtype=key<fry>)``, as JAX's."""
    def one(x):
        if type(x) is KeyArray and type(x._base) is ShapeDtypeStruct:
            return ShapeDtypeStruct(x._base.shape[:-1], x.dtype)
        return x
    return tu.tree_map(one, tree, is_leaf=lambda x: type(x) is KeyArray)


@api_boundary
def eval_shape(fun, *args, **kwargs):
    """Shapes and dtypes of ``fun(*args, **kwargs)``, computed without running it.

    Arguments may be arrays, scalars or ``ShapeDtypeStruct``s (in pytrees).

    >>> import numpy as np, vmapx
    >>> vmapx.eval_shape(lambda x, y: (x @ y, x.sum()),
    ...                  vmapx.ShapeDtypeStruct((3, 4), np.float32), np.ones((4, 5), np.float32))
    (ShapeDtypeStruct(shape=(3, 5), dtype=float32), ShapeDtypeStruct(shape=(), dtype=float32))
    """
    args, kwargs = _structs_as_keys((args, kwargs))
    closed, out_tree = flatten_fun_trace(fun, args, kwargs)
    shapes = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)
              for a in closed.out_avals]
    return _keys_as_structs(tu.tree_unflatten(out_tree, shapes))
