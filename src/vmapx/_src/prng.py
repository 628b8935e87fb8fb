"""Typed PRNG key arrays (``vmapx.random.key``'s results): ``KeyArray``, its
dtype ``KeyDType`` (``key<fry>``) and JAX's dtype categories ``extended`` /
``prng_key``.

A key array is a pytree node with one child, its raw ``uint32[..., 2]`` key
data (a concrete ``vmapx.Array`` or a traced value), so every transform
(``vmap``, ``jit``, ``grad``, ``scan``, ``cond``, ``while_loop``...) carries it
as that data and rebuilds it on the way out.  What differs from a plain
pytree is where an axis points: the key's dimensions are the data's leading
ones, and ``vmap`` translates its ``in_axes`` / ``out_axes`` for key leaves
(``key_in_dims``, ``key_out_dims``) so that a negative axis never lands on the
trailing word axis.  docs/random.md, "Typed key arrays", has the design.

The methods compute with the data's own array methods (``reshape``,
``transpose``, indexing, ``==``), which concrete Arrays and traced values both
have, so this module needs nothing above the foundation layer.
"""
from __future__ import annotations

import math

import re

import numpy as np

from . import tree as tu
from .caches import LRUCache, register
from .core import Tracer

__all__ = ["KeyArray", "KeyDType", "KEY_DTYPE", "extended", "prng_key", "is_key_array"]

IMPL = "threefry2x32"
_U32 = np.dtype(np.uint32)


class extended(np.generic):  # noqa: N801  (JAX's name)
    """The category of JAX's extended dtypes (typed PRNG keys among them).

    No NumPy dtype is of this kind; a key array's dtype (``key<fry>``) is.

    >>> import numpy as np
    >>> from vmapx import dtypes, random
    >>> dtypes.issubdtype(np.uint32, dtypes.extended)
    False
    >>> dtypes.issubdtype(random.key(0).dtype, dtypes.extended)
    True
    """


class prng_key(extended):  # noqa: N801  (JAX's name)
    """The category of JAX's typed PRNG key dtypes: ``random.key``'s arrays are
    of it, ``random.PRNGKey``'s raw ``uint32[2]`` data is not.

    >>> from vmapx import dtypes, random
    >>> dtypes.issubdtype(random.key(0).dtype, dtypes.prng_key)
    True
    >>> dtypes.issubdtype(random.PRNGKey(0).dtype, dtypes.prng_key)
    False
    """


extended.__module__ = prng_key.__module__ = "vmapx.dtypes"


class KeyDType:
    """The key dtype of a PRNG implementation (JAX's ``key<fry>`` for threefry):
    the dtype of typed key arrays, and what ``key(seed, dtype=...)``,
    ``wrap_key_data(..., impl=...)`` and ``key_dtype(...)`` accept.  Two key
    dtypes are equal when their implementations are.  NumPy cannot interpret
    it (``np.dtype(k.dtype)`` is a TypeError, as in JAX).
    """

    __slots__ = ("impl",)
    _SHORT = {"threefry2x32": "fry"}

    def __init__(self, impl):
        self.impl = impl

    @property
    def name(self):
        return f"key<{self._SHORT[self.impl]}>"

    @property
    def itemsize(self):
        """Bytes of one key's data (two uint32 words)."""
        return 2 * _U32.itemsize

    @property
    def type(self):
        """The dtype category, as JAX's ``dtype.type``: ``dtypes.prng_key``."""
        return prng_key

    def __eq__(self, other):
        return isinstance(other, KeyDType) and other.impl == self.impl

    def __hash__(self):
        return hash((KeyDType, self.impl))

    def __repr__(self):
        return self.name

    __str__ = __repr__


KEY_DTYPE = KeyDType(IMPL)

_KEY_AVAL = re.compile(r"uint32\[([\d,]*)\]")
"""``uint32[...,2]`` in a data tracer's repr: the avals of key data."""

_NOT_NUMPY = ("vmapx array with PRNGKey dtype cannot be converted to a NumPy array. Use "
              "vmapx.random.key_data(arr) if you wish to extract the underlying integer array.")


def _dtype_name(x) -> str:
    """The dtype JAX names for ``x`` in its "does not accept dtypes" errors (x64)."""
    if type(x) is KeyArray:
        return KEY_DTYPE.name
    dt = getattr(x, "dtype", None)
    if dt is not None and not isinstance(x, type):
        return str(dt)
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int64"
    if isinstance(x, float):
        return "float64"
    if isinstance(x, complex):
        return "complex128"
    try:
        return str(np.asarray(x).dtype)
    except Exception:  # noqa: BLE001  (the name is only for the message)
        return type(x).__name__


# Binary operators: (NumPy's name for a key with another value, lax's name and
# accepted kinds for two keys, as JAX's errors say them).
_BINARY = {
    "add": ("add", "add", "integer, floating, complexfloating"),
    "sub": ("subtract", "sub", "integer, floating, complexfloating"),
    "mul": ("multiply", "mul", "integer, floating, complexfloating"),
    "truediv": ("true_divide", "div", "integer, floating, complexfloating"),
    "floordiv": ("floor_divide", None, None), "mod": ("remainder", None, None),
    "pow": ("power", None, None), "and": ("bitwise_and", None, None),
    "or": ("bitwise_or", None, None), "xor": ("bitwise_xor", None, None),
    "lshift": ("left_shift", None, None), "rshift": ("right_shift", None, None),
    "matmul": ("matmul", None, None), "divmod": ("divmod", None, None),
    "lt": ("less", "lt", "integer, floating, bool"),
    "le": ("less_equal", "le", "integer, floating, bool"),
    "gt": ("greater", "gt", "integer, floating, bool"),
    "ge": ("greater_equal", "ge", "integer, floating, bool"),
}
_UNARY = {"neg": ("neg", "integer, floating, complexfloating"),
          "invert": ("not", "integer, bool"),
          "abs": ("abs", "floating, complexfloating, signedinteger")}


def _refuse_binary(op, reflected):
    np_name, lax_name, kinds = _BINARY[op]

    def method(self, other):
        if type(other) is KeyArray and lax_name is not None:
            raise TypeError(f"{lax_name} does not accept dtype key<fry> at position 0. "
                            f"Accepted dtypes at position 0 are subtypes of {kinds}.")
        names = (_dtype_name(other), KEY_DTYPE.name) if reflected else \
            (KEY_DTYPE.name, _dtype_name(other))
        raise TypeError(f"{np_name} does not accept dtypes {names[0]}, {names[1]}.")
    method.__name__ = f"__{'r' if reflected else ''}{op}__"
    return method


def _refuse_unary(op):
    name, kinds = _UNARY[op]

    def method(self):
        raise TypeError(f"{name} does not accept dtype key<fry>. Accepted dtypes are "
                        f"subtypes of {kinds}.")
    method.__name__ = f"__{op}__"
    return method


def _count_indices(idx) -> int:
    """How many key dimensions an index tuple consumes (``None`` and ``...``
    none, a boolean array its rank, anything else one)."""
    n = 0
    for i in idx:
        if i is None or i is Ellipsis:
            continue
        dt = getattr(i, "dtype", None)
        if dt is not None and dt == np.bool_ and not isinstance(i, np.generic):
            n += len(i.shape)
        else:
            n += 1
    return n


class KeyArray:
    """An array of PRNG keys (``dtype`` ``key<fry>``), as JAX's typed key arrays.

    It holds the raw ``uint32[*shape, 2]`` key data and shows only the key
    dimensions: ``shape``, ``ndim``, ``size``, ``len``, indexing, ``reshape``,
    ``ravel``, ``T``, iteration, ``==`` / ``!=`` work on keys; arithmetic and
    conversion to NumPy raise JAX's TypeErrors.  Made by ``vmapx.random.key``,
    ``split``, ``fold_in``, ``wrap_key_data``...; ``vmapx.random.key_data``
    gives the data back.

    >>> from vmapx import random
    >>> ks = random.split(random.key(0), 6)
    >>> ks.shape, ks.reshape(2, 3)[1].shape, len(ks), str(ks.dtype)
    ((6,), (3,), 6, 'key<fry>')
    >>> ks[0]
    Array((), dtype=key<fry>) overlaying:
    [1797259609 2579123966]
    """

    __slots__ = ("_base",)
    __array_ufunc__ = None          # NumPy's operators defer to ours (which refuse)
    __array_priority__ = 2000

    def __init__(self, data):
        self._base = data           # unchecked: pytree unflattening passes anything

    # ------------------------------------------------------------ attributes
    @property
    def shape(self) -> tuple:
        return tuple(self._base.shape[:-1])

    @property
    def ndim(self) -> int:
        return len(self._base.shape) - 1

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> KeyDType:
        return KEY_DTYPE

    @property
    def itemsize(self) -> int:
        return KEY_DTYPE.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * KEY_DTYPE.itemsize

    @property
    def weak_type(self) -> bool:
        return False

    def __len__(self):
        if not self.ndim:
            raise TypeError("len() of unsized object")
        return self._base.shape[0]

    def __iter__(self):
        if not self.ndim:
            raise TypeError("iteration over a 0-d key array")
        return (self[i] for i in range(self._base.shape[0]))

    def __bool__(self):
        raise TypeError("key array cannot be converted to boolean.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(_NOT_NUMPY)

    __hash__ = None                 # unhashable, as JAX's arrays

    # ------------------------------------------------------------ indexing
    def __getitem__(self, idx):
        if not isinstance(idx, tuple):
            idx = (idx,)
        if type(idx) is not tuple:  # a namedtuple index is a plain tuple here
            idx = tuple(idx)
        n = _count_indices(idx)
        if n > self.ndim:
            raise IndexError(f"Too many indices: array is {self.ndim}-dimensional, but {n} "
                             "were indexed")
        if any(i is Ellipsis for i in idx):
            full = idx + (slice(None),)
        else:
            full = idx + (Ellipsis, slice(None))
        return KeyArray(self._base[full])

    # ------------------------------------------------------------ shapes
    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
            shape = shape[0]
        shape = tuple(int(d) for d in shape)
        if -1 not in shape and math.prod(shape) != self.size:
            raise TypeError(f"cannot reshape array of shape {self.shape} (size {self.size}) "
                            f"into shape {shape if len(shape) != 1 else shape[0]} "
                            f"(size {math.prod(shape)})")
        if order == "F":
            return self.T.reshape(shape[::-1]).T
        if order not in ("C", "A"):
            raise ValueError(f"Unexpected value for 'order' argument: {order}.")
        return KeyArray(self._base.reshape(shape + (2,)))

    def ravel(self, order="C"):
        return self.reshape((self.size,), order=order)

    def flatten(self, order="C"):
        return self.ravel(order)

    def transpose(self, *axes):
        nd = self.ndim
        if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
            axes = axes[0]
        if not axes:
            perm = tuple(range(nd))[::-1]
        else:
            perm = tuple(int(a) % nd if -nd <= int(a) < nd else int(a) for a in axes)
            if sorted(perm) != list(range(nd)):
                raise ValueError(f"axes {tuple(axes)} don't match array of {nd} dimensions")
        return KeyArray(self._base.transpose(perm + (nd,)))

    @property
    def T(self):  # noqa: N802  (NumPy's name)
        return self.transpose()

    @property
    def mT(self):  # noqa: N802
        if self.ndim < 2:
            raise ValueError("Matrix transpose with ndim < 2 is undefined. Use .T instead.")
        perm = list(range(self.ndim))
        perm[-2], perm[-1] = perm[-1], perm[-2]
        return self.transpose(perm)

    def swapaxes(self, axis1, axis2):
        perm = list(range(self.ndim))
        a, b = int(axis1) % max(self.ndim, 1), int(axis2) % max(self.ndim, 1)
        perm[a], perm[b] = perm[b], perm[a]
        return self.transpose(perm)

    def squeeze(self, axis=None):
        shape = self.shape
        if axis is None:
            keep = [d for d in shape if d != 1]
        else:
            axes = {int(a) % max(self.ndim, 1) for a in
                    (axis if isinstance(axis, (tuple, list)) else (axis,))}
            for a in axes:
                if shape[a] != 1:
                    raise ValueError("cannot select an axis to squeeze out which has size "
                                     "not equal to one")
            keep = [d for i, d in enumerate(shape) if i not in axes]
        return self.reshape(tuple(keep))

    def copy(self):
        return KeyArray(self._base.copy())

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __pos__(self):
        return self

    def block_until_ready(self):
        return self

    # ------------------------------------------------------------ comparison
    def _compare(self, other, name):
        if type(other) is not KeyArray:
            raise TypeError(f"{name} does not accept dtypes key<fry>, {_dtype_name(other)}.")
        try:
            np.broadcast_shapes(self.shape, other.shape)
        except ValueError:
            op = "eq" if name == "equal" else "ne"
            raise TypeError(f"{op} got incompatible shapes for broadcasting: "
                            f"{self.shape}, {other.shape}.") from None

    def __eq__(self, other):
        self._compare(other, "equal")
        return (self._base == other._base).all(axis=-1)

    def __ne__(self, other):
        self._compare(other, "not_equal")
        return (self._base != other._base).any(axis=-1)

    # ------------------------------------------------------------ printing
    def __repr__(self):
        data = self._base
        if isinstance(data, Tracer):
            # as JAX's tracers print (JitTracer(key<fry>[]), VmapTracer(aval=..., ...)):
            # the data tracer's repr with its trailing word axis read as the key dtype
            return _KEY_AVAL.sub(lambda m: f"key<fry>[{','.join(m.group(1).split(',')[:-1])}]",
                                 repr(data))
        if isinstance(data, np.ndarray):
            return (f"Array({self.shape}, dtype=key<fry>) overlaying:\n"
                    f"{np.asarray(data)}")
        return f"KeyArray({data!r})"

    __str__ = __repr__

    def __format__(self, spec):
        return format(repr(self), spec)


for _op in _BINARY:
    if _op != "divmod":
        setattr(KeyArray, f"__{_op}__", _refuse_binary(_op, False))
        if _op not in ("lt", "le", "gt", "ge"):
            setattr(KeyArray, f"__r{_op}__", _refuse_binary(_op, True))
KeyArray.__divmod__ = _refuse_binary("divmod", False)
KeyArray.__rdivmod__ = _refuse_binary("divmod", True)
for _op in _UNARY:
    setattr(KeyArray, f"__{_op}__", _refuse_unary(_op))
del _op


def is_key_array(x) -> bool:
    return type(x) is KeyArray


# A key array is a pytree node whose one child is its data: the transforms
# carry the data, and rebuild the key array around what comes out.
tu.register_pytree_node(KeyArray, lambda k: ((k._base,), None),
                        lambda _, children: KeyArray(children[0]))


# ------------------------------------------------------------ vmap's axes

_MASKS = register(LRUCache(1024))
"""treedef -> which of its leaves are key data (a tuple of bools), or None."""


def _key_or(is_leaf):
    if is_leaf is None:
        return is_key_array
    return lambda x: type(x) is KeyArray or is_leaf(x)


def key_mask(tree, is_leaf=None):
    """Which leaves of ``tree`` (flattened with ``is_leaf``) are key data: a
    tuple of bools, or None when there are none.  Each key array has exactly
    one leaf, so flattening with key arrays as leaves lines up with the data."""
    leaves = tu.tree_leaves(tree, is_leaf=_key_or(is_leaf))
    mask = tuple(type(x) is KeyArray for x in leaves)
    return mask if any(mask) else None


def treedef_key_mask(treedef):
    """``key_mask`` of any tree of structure ``treedef`` (cached by treedef)."""
    try:
        return _MASKS[treedef]
    except KeyError:
        pass
    except TypeError:       # unhashable node metadata
        return key_mask(tu.tree_unflatten(treedef, [0] * treedef.num_leaves))
    mask = key_mask(tu.tree_unflatten(treedef, [0] * treedef.num_leaves))
    _MASKS[treedef] = mask
    return mask


def key_in_dims(leaves, in_dims, mask):
    """``in_dims`` with each key leaf's axis read over the key's dimensions
    (JAX's error where it is out of range), made non-negative."""
    out = list(in_dims)
    for i, is_key in enumerate(mask):
        d = out[i]
        if not is_key or d is None:
            continue
        shape = tuple(leaves[i].shape[:-1])
        nd = len(shape)
        if not -nd <= d < nd:
            min_rank = d + 1 if d >= 0 else -d
            raise ValueError(
                f"vmap was requested to map its argument along axis {d}, which implies that "
                f"its rank should be at least {min_rank}, but is only {nd} "
                f"(its shape is {shape})")
        out[i] = d % nd
    return out


def key_out_dim(dst, data_rank):
    """An ``out_axes`` entry of a key output (``data_rank``: the rank of its
    batched data) as an axis of the data, with JAX's error out of range."""
    nd = data_rank - 1
    if not -nd <= dst < nd:
        raise np.exceptions.AxisError(f"axis {dst} is out of bounds for array of dimension {nd}")
    return dst % nd


def key_issubdtype(arg1, arg2):
    """``issubdtype`` where a key dtype or JAX's ``extended`` / ``prng_key``
    categories take part (a key dtype is of the ``prng_key`` kind); ``None``
    where neither argument is one of those (NumPy's hierarchy decides)."""
    if isinstance(arg1, KeyDType):
        arg1 = prng_key
    if isinstance(arg2, KeyDType):
        arg2 = prng_key
    for a in (arg1, arg2):
        if isinstance(a, type) and issubclass(a, extended):
            return isinstance(arg1, type) and isinstance(arg2, type) and issubclass(arg1, arg2)
    return None


def batched_out_dims(treedef, shapes, dims):
    """``out_axes`` entries ``dims`` of batched outputs of structure ``treedef``
    (``shapes``: their batched shapes) as non-negative axes of the arrays: a key
    array's entry counts its keys' dimensions (``key_out_dim``)."""
    keys = treedef_key_mask(treedef)
    return [None if d is None else
            key_out_dim(d, len(s)) if keys is not None and keys[i] else d % max(len(s), 1)
            for i, (s, d) in enumerate(zip(shapes, dims, strict=True))]
