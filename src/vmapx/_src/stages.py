"""Ahead-of-time stages of a jitted function: ``jit(f).trace(*args)`` gives a
``Traced``, ``.lower()`` a ``Lowered``, ``.compile()`` a ``Compiled`` (JAX's
``jax.stages``).

vmapx has one representation below Python: the staged program (a jaxpr of
vmapx's primitives) that ``jit`` runs as NumPy calls. So the three stages hold
the same program; lowering and compiling fix it to the argument types given
(shapes, dtypes and pytree structure; the static arguments' values are part of
the program) and ``Compiled`` checks every call against them, with JAX's
errors: another pytree structure or other shapes or dtypes raise ``TypeError``,
and so does a transformation's tracer (a compiled signature cannot be batched
or differentiated). Text forms are the program's jaxpr text: vmapx has no HLO.
"""
from __future__ import annotations

import inspect

import numpy as np

from . import tree as tu
from .core import Tracer, get_aval
from .staging_api import ShapeDtypeStruct


class _Stage:
    __slots__ = ("_fun", "_static", "fun_name", "jaxpr", "in_tree", "out_tree", "_run")

    def __init__(self, fun, static, fun_name, closed, in_tree, out_tree, run):
        self._fun = fun
        self._static = static      # the static positional arguments' positions
        self.fun_name = fun_name
        self.jaxpr = closed
        self.in_tree = in_tree
        self.out_tree = out_tree
        self._run = run

    @property
    def in_avals(self):
        """The pytree ``(args, kwargs)`` of the dynamic arguments' avals."""
        return tu.tree_unflatten(self.in_tree, self.jaxpr.in_avals)

    @property
    def out_info(self):
        """The outputs' shapes and dtypes, as a pytree of ``ShapeDtypeStruct``."""
        return tu.tree_unflatten(self.out_tree, [
            ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type)
            for a in self.jaxpr.out_avals])

    @property
    def donate_argnums(self):
        return ()

    def _next(self, cls):
        return cls(self._fun, self._static, self.fun_name, self.jaxpr, self.in_tree, self.out_tree, self._run)


class Traced(_Stage):
    """``fun`` traced for one signature: ``.jaxpr`` is its staged program.

    >>> import numpy as np, vmapx
    >>> traced = vmapx.jit(lambda x: x * 2.0).trace(np.ones(3))
    >>> traced.out_info
    ShapeDtypeStruct(shape=(3,), dtype=float64)
    >>> traced.lower().compile()(np.arange(3.0))
    array([0., 2., 4.])
    """
    __slots__ = ()

    def lower(self, *, lowering_platforms=None, _private_parameters=None) -> "Lowered":
        """The lowered stage (the same program; ``lowering_platforms`` may only
        name the CPU)."""
        if lowering_platforms is not None and any(p != "cpu" for p in lowering_platforms):
            raise ValueError(f"vmapx lowers for the CPU only; got lowering_platforms="
                             f"{tuple(lowering_platforms)}")
        return self._next(Lowered)

    def __call__(self, *args, **kwargs):
        return _call(self, args, kwargs)


class Lowered(_Stage):
    """A lowered computation, ready to compile.

    >>> import numpy as np, vmapx
    >>> lowered = vmapx.jit(lambda x, y: x * y).lower(np.ones(3), 2.0)
    >>> print(lowered.as_text())
    { lambda ; a:f64[3] b:f64[]. let
        c:f64[3] = mul a b
      in (c,) }
    >>> lowered.compile()(np.arange(3.0), 3.0)
    array([0., 3., 6.])
    """
    __slots__ = ()

    def compile(self, compiler_options=None) -> "Compiled":
        """The compiled stage: callable on arguments of the lowered types."""
        return self._next(Compiled)

    def as_text(self, dialect: str | None = None, *, debug_info: bool = False) -> str:
        """The program's text: its jaxpr (vmapx runs programs as NumPy calls, so
        there is no HLO or StableHLO to show)."""
        _check_dialect(dialect)
        return str(self.jaxpr)

    def compiler_ir(self, dialect: str | None = None):
        """The program itself (a ``ClosedJaxpr``)."""
        _check_dialect(dialect)
        return self.jaxpr

    def cost_analysis(self):
        """An estimate of the program's cost (``program_cost``)."""
        return program_cost(self.jaxpr)


class Compiled(_Stage):
    """A compiled computation: call it with arguments of the compiled types.

    Another pytree structure, other shapes or dtypes, or a transformation's
    tracer raise ``TypeError``, as in JAX.

    >>> import numpy as np, vmapx
    >>> f = vmapx.jit(lambda x: x + 4.0).lower(np.ones(2)).compile()
    >>> f(np.array([1.0, 2.0]))
    array([5., 6.])
    >>> f(np.ones(3))
    Traceback (most recent call last):
    ...
    TypeError: Argument types differ from the types for which this computation was compiled. The mismatches are:
    Argument 'x' compiled with float64[2] and called with float64[3]
    """
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        return _call(self, args, kwargs)

    def as_text(self) -> str:
        """The program's text (its jaxpr)."""
        return str(self.jaxpr)

    def cost_analysis(self):
        """An estimate of the program's cost (``program_cost``).

        >>> import numpy as np, vmapx
        >>> f = vmapx.jit(lambda a, b: a @ b).lower(np.ones((4, 5)), np.ones((5, 6))).compile()
        >>> f.cost_analysis()
        {'flops': 240.0, 'transcendentals': 0.0, 'bytes accessed': 592.0}
        """
        return program_cost(self.jaxpr)

    def memory_analysis(self):
        """Not available (returns ``None``)."""
        return None


_TRANSCENDENTAL = frozenset({
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "power", "pow", "sqrt", "cbrt", "rsqrt", "logistic", "erf", "erfc", "erf_inv", "lgamma",
    "digamma", "logaddexp", "logaddexp2"})


def program_cost(closed) -> dict:
    """Estimated cost of running ``closed`` as vmapx does, one NumPy call per
    equation (nothing is fused, so each equation reads its operands and writes
    its result): ``flops`` (one per element of an elementwise result, one per
    element reduced, ``2*M*N*K`` per matrix product), ``transcendentals`` (one
    per element of exp, log, sin, ...), ``bytes accessed`` (operands and
    results of every equation). Control flow and other structural equations
    count their memory traffic only."""
    flops = transcendentals = traffic = 0.0
    for eqn in closed.jaxpr.eqns:
        in_avals = [v.aval for v in eqn.invars]
        out_avals = [v.aval for v in eqn.outvars]
        traffic += sum(_nbytes(a) for a in in_avals) + sum(_nbytes(a) for a in out_avals)
        name = eqn.prim.name
        out_size = sum(_size(a) for a in out_avals)
        if name == "dot_general":
            (lc, _), _ = eqn.params["dimension_numbers"]
            contracted = int(np.prod([in_avals[0].shape[d] for d in lc], dtype=np.int64))
            flops += 2.0 * out_size * contracted
        elif name.startswith(("reduce_", "argmax", "argmin", "cum")):
            flops += float(sum(_size(a) for a in in_avals[:1]))
        elif eqn.prim.elementwise:
            flops += out_size
            if name in _TRANSCENDENTAL:
                transcendentals += out_size
    return {"flops": flops, "transcendentals": transcendentals, "bytes accessed": traffic}


def _size(aval) -> int:
    return int(np.prod(aval.shape, dtype=np.int64))


def _nbytes(aval) -> int:
    return _size(aval) * np.dtype(aval.dtype).itemsize


def _check_dialect(dialect):
    if dialect not in (None, "jaxpr"):
        if dialect in ("hlo", "stablehlo", "mhlo"):
            raise NotImplementedError(
                f"vmapx has no {dialect} form: it runs the staged program (a jaxpr) as NumPy "
                f"calls; as_text() gives that program")
        raise ValueError(f"unknown dialect: {dialect}")


def _call(stage, args, kwargs):
    leaves, tree = tu.tree_flatten((args, kwargs))
    if tree != stage.in_tree:
        raise TypeError(
            "Function compiled with input pytree does not match the input pytree it was "
            "called with: " + _tree_mismatch(stage.in_tree, tree))
    for x in leaves:
        if isinstance(x, Tracer):
            raise TypeError(
                "Cannot apply JAX transformations to a function lowered and compiled for a "
                f"particular signature. Detected argument of Tracer type {type(x)}.")
    mismatches = []
    for i, (x, aval) in enumerate(zip(leaves, stage.jaxpr.in_avals, strict=True)):
        got = x if isinstance(x, ShapeDtypeStruct) else get_aval(
            x if hasattr(x, "dtype") else np.asarray(x))
        if tuple(got.shape) != tuple(aval.shape) or np.dtype(got.dtype) != aval.dtype:
            mismatches.append(
                f"Argument '{_arg_name(stage, i)}' compiled with {_short(aval)} and called "
                f"with {_short(got)}")
    if mismatches:
        raise TypeError("Argument types differ from the types for which this computation was "
                        "compiled. The mismatches are:\n" + "\n".join(mismatches))
    return tu.tree_unflatten(stage.out_tree, stage._run(*leaves))


def _tree_mismatch(expected, got) -> str:
    """Where two ``(args, kwargs)`` structures first differ, in words."""
    def walk(a, b, where):
        if type(a) is not type(b):
            return f"at {where}, seen {_node(a)} but now given {_node(b)}"
        if isinstance(a, (tuple, list)):
            if len(a) != len(b):
                return (f"at {where}, seen {type(a).__name__} of length {len(a)} but now given "
                        f"{type(b).__name__} of length {len(b)}, so the lengths do not match")
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                found = walk(x, y, f"{where}[{i}]")
                if found:
                    return found
        elif isinstance(a, dict):
            if sorted(map(repr, a)) != sorted(map(repr, b)):
                return (f"at {where}, seen dict with keys {sorted(a, key=repr)} but now given "
                        f"dict with keys {sorted(b, key=repr)}, so the keys do not match")
            for k in a:
                found = walk(a[k], b[k], f"{where}[{k!r}]")
                if found:
                    return found
        return None
    a = tu.tree_unflatten(expected, [0] * expected.num_leaves)
    b = tu.tree_unflatten(got, [0] * got.num_leaves)
    found = walk(a[0], b[0], "args") or walk(a[1], b[1], "kwargs")
    return found or f"compiled for {expected}, called with {got}"


def _node(x) -> str:
    return "an array leaf" if type(x) is int else f"a {type(x).__name__}"


def _short(aval) -> str:
    dims = ",".join(str(d) for d in aval.shape)
    return f"{np.dtype(aval.dtype).name}[{dims}]"


def _arg_name(stage, index) -> str:
    """The name of leaf ``index`` of the arguments: the parameter's name where
    the function's signature gives it, else its path (``args[0]``)."""
    paths = [p for p, _ in tu.tree_flatten_with_path(
        tu.tree_unflatten(stage.in_tree, range(stage.in_tree.num_leaves)))[0]]
    path = paths[index]
    head, rest = path[0], path[1:]
    if getattr(head, "idx", None) == 1:           # kwargs: the keyword names it
        return tu.keystr(rest, simple=True) if rest else "kwargs"
    try:
        params = [p.name for p in inspect.signature(stage._fun).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    dynamic = [name for i, name in enumerate(params) if i not in stage._static]
    position = getattr(rest[0], "idx", None) if rest else None
    if position is not None and position < len(dynamic):
        return dynamic[position] + tu.keystr(rest[1:])
    return "args" + tu.keystr(rest)
