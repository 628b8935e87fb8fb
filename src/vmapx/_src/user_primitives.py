"""Primitives defined by users, with JAX's API for them (``jax.extend.core.Primitive``
and the rule tables of ``jax.interpreters.ad`` / ``batching`` / ``mlir``).

A JAX library that adds an operation declares a primitive, gives it an
implementation (``def_impl``) and a shape rule (``def_abstract_eval``), and
registers its rules in tables: ``ad.primitive_jvps[p]``, ``ad.defjvp``,
``ad.primitive_transposes[p]``, ``batching.primitive_batchers[p]``,
``mlir.register_lowering``. vmapx keeps one place per primitive for its rules
(the slots of ``core.Primitive``), so the tables here are views that install an
adapted rule into the primitive's slot when a rule is registered:

* JAX passes a zero tangent or cotangent as ``ad.Zero(aval)``; vmapx's
  machinery as ``None``. The adapters translate both ways.
* JAX's batching rule takes ``(batched_args, batch_dims, **params)``; vmapx's
  also the axis first, which the adapter drops. ``batching.not_mapped`` is
  ``None``, as in vmapx.
* Transpose rules receive ``ad.UndefinedPrimal`` (vmapx's own marker) for the
  linear inputs and return one cotangent (or ``None``) per input.
* Lowering rules are recorded and never called: vmapx runs ``jit`` programs by
  calling each primitive's implementation (``def_impl``), so there is no XLA
  to lower to.

A rule that is missing raises ``NotImplementedError`` with JAX's wording when
the transformation that needs it reaches the primitive. User primitives are not
entered in vmapx's registry of its own primitives (``core.primitives``), so any
name may be reused, as in JAX.
"""
from __future__ import annotations

import numpy as np

from .autodiff import UndefinedPrimal, is_undefined, zeros_like_aval
from .core import Primitive as _Primitive, ShapedArray, Tracer, get_aval
from .jnp.array import to_result


def _missing(message):
    def rule(*args, **params):
        raise NotImplementedError(message)
    return rule


class Primitive(_Primitive):
    """A primitive operation a user defines, as JAX's ``jax.extend.core.Primitive``.

    >>> import numpy as np, vmapx
    >>> from vmapx.extend.core import Primitive
    >>> from vmapx.interpreters import batching
    >>> twice_p = Primitive("twice")
    >>> _ = twice_p.def_impl(lambda x: np.multiply(x, 2))
    >>> _ = twice_p.def_abstract_eval(lambda x: x)
    >>> batching.primitive_batchers[twice_p] = lambda xs, dims: (twice_p.bind(*xs), dims[0])
    >>> vmapx.vmap(twice_p.bind)(np.arange(3.0))
    array([0., 2., 4.])
    """
    __slots__ = ("_user_abstract", "lowerings")

    def __init__(self, name: str):
        # Not entered in core.primitives: that registry holds vmapx's own
        # primitives by unique name; users may reuse names, as in JAX.
        self.name = name
        self.impl = _missing(f"Evaluation rule for '{name}' not implemented")
        self.abstract = _missing(f"Abstract evaluation for '{name}' not implemented")
        self._user_abstract = None
        self.batch = _missing(f"Batching rule for '{name}' not implemented")
        self.jvp = _missing(f"Differentiation rule for '{name}' not implemented")
        self.transpose = _missing(
            f"Transpose rule (for reverse-mode differentiation) for '{name}' not implemented")
        self.multiple_results = False
        self.samples = None
        self.elementwise = False
        self.lowerings = {}

    def bind(self, *args, **params):
        """Apply the primitive: to tracers, through their transformation; to
        concrete values, its implementation (results as ``vmapx.Array``)."""
        out = super().bind(*args, **params)
        if self.multiple_results:
            return [o if isinstance(o, Tracer) else to_result(np.asarray(o)) for o in out]
        return out if isinstance(out, Tracer) else to_result(np.asarray(out))

    def def_impl(self, impl):
        """Set the implementation, called with concrete (NumPy) arrays."""
        self.impl = impl
        return impl

    def def_abstract_eval(self, abstract_eval):
        """Set the shape rule: ``ShapedArray``s in, a ``ShapedArray`` (or a
        list of them for ``multiple_results``) out."""
        self._user_abstract = abstract_eval
        self.abstract = self._abstract
        return abstract_eval

    def def_effectful_abstract_eval(self, effectful_abstract_eval):
        """Set a shape rule that also returns effects (``(aval, effects)``);
        vmapx keeps no effects, so only the aval is used."""
        def abstract_eval(*avals, **params):
            return effectful_abstract_eval(*avals, **params)[0]
        return self.def_abstract_eval(abstract_eval)

    def _abstract(self, *avals, **params):
        out = self._user_abstract(*avals, **params)
        if self.multiple_results:
            return [_as_aval(a) for a in out]
        return _as_aval(out)


def _as_aval(a):
    if type(a) is ShapedArray:
        return a
    return ShapedArray(tuple(int(d) for d in a.shape), np.dtype(a.dtype),
                       bool(getattr(a, "weak_type", False)))


class Zero:
    """A symbolic zero (co)tangent of abstract value ``aval`` (JAX's ``ad.Zero``)."""
    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    @staticmethod
    def from_primal_value(x):
        return Zero(get_aval(x))

    def instantiate(self):
        return zeros_like_aval(self.aval)

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"


def instantiate_zeros(t):
    """``t`` with a symbolic zero made concrete."""
    return t.instantiate() if type(t) is Zero else t


def is_undefined_primal(x) -> bool:
    """Whether a transpose rule's argument is a linear input (``UndefinedPrimal``)."""
    return is_undefined(x)


def _from_zero(t):
    return None if t is None or type(t) is Zero else _array(t)


def _array(x):
    """A rule's operand or result as JAX gives them: an array (``vmapx.Array``)
    or a tracer, never a Python scalar; markers pass."""
    if isinstance(x, (Tracer, UndefinedPrimal, Zero)) or x is None:
        return x
    return to_result(np.asarray(x))


def adapt_jvp(prim, rule):
    """vmapx's JVP slot for JAX's rule ``(primals, tangents, **params)``."""
    def jvp(primals, tangents, **params):
        primals = [_array(p) for p in primals]
        tangents = [Zero(get_aval(p)) if t is None else _array(t)
                    for p, t in zip(primals, tangents, strict=True)]
        out, tangent_out = rule(primals, tangents, **params)
        if prim.multiple_results:
            return out, [_from_zero(t) for t in tangent_out]
        return out, _from_zero(tangent_out)
    return jvp


def adapt_defjvp(prim, rules):
    """vmapx's JVP slot from one rule per input ``(tangent, *primals, **params)``
    (``None``: the output does not depend on that input), summed."""
    def jvp(primals, tangents, **params):
        primals = [_array(p) for p in primals]
        out = prim.bind(*primals, **params)
        total = None
        for rule, t in zip(rules, tangents, strict=True):
            if rule is None or t is None:
                continue
            term = rule(_array(t), *primals, **params)
            total = term if total is None else total + term
        return out, _from_zero(total)
    return jvp


def adapt_transpose(rule):
    """vmapx's transpose slot for JAX's rule ``(ct, *args, **params)``."""
    def transpose(ct, *args, **params):
        args = [_array(a) for a in args]
        return [_from_zero(c) for c in rule(_array(ct), *args, **params)]
    return transpose


def adapt_batch(rule):
    """vmapx's batching slot for JAX's rule ``(batched_args, batch_dims, **params)``."""
    def batch(axis, vals, dims, **params):
        return rule([_array(v) for v in vals], list(dims), **params)
    return batch


class RuleTable(dict):
    """A table of one kind of rule, by primitive (JAX's ``ad.primitive_jvps``
    and friends): setting an entry installs the adapted rule in the
    primitive's own slot."""

    def __init__(self, slot, adapt):
        super().__init__()
        self._slot = slot
        self._adapt = adapt

    def __setitem__(self, prim, rule):
        self.install(prim, rule, self._adapt(prim, rule))

    def install(self, prim, rule, slot_rule):
        """Record ``rule`` for ``prim`` and put ``slot_rule`` (vmapx's form of
        it) in the primitive's slot."""
        if not isinstance(prim, _Primitive):
            raise TypeError(f"expected a Primitive, got {prim!r}")
        setattr(prim, self._slot, slot_rule)
        super().__setitem__(prim, rule)


primitive_jvps = RuleTable("jvp", adapt_jvp)
primitive_transposes = RuleTable("transpose", lambda prim, rule: adapt_transpose(rule))
primitive_batchers = RuleTable("batch", lambda prim, rule: adapt_batch(rule))


def defjvp(prim, *rules):
    """Give ``prim`` a JVP from one rule per input, ``rule(tangent, *primals,
    **params)`` (``None`` for an input the output does not depend on)."""
    primitive_jvps.install(prim, rules, adapt_defjvp(prim, rules))


def deflinear2(prim, transpose_rule):
    """Declare ``prim`` linear in all its inputs, with ``transpose_rule(ct,
    *args, **params)``: its JVP applies ``prim`` to the tangents."""
    def jvp(primals, tangents, **params):
        ts = [Zero(get_aval(p)).instantiate() if type(t) is Zero else t
              for p, t in zip(primals, tangents, strict=True)]
        return prim.bind(*primals, **params), prim.bind(*ts, **params)
    primitive_jvps[prim] = jvp
    primitive_transposes[prim] = transpose_rule


def defvectorized(prim):
    """Batch ``prim`` by applying it to the batched operands as they are
    (one operand, any axis: elementwise operations)."""
    def rule(vals, dims, **params):
        return prim.bind(*vals, **params), dims[0]
    primitive_batchers[prim] = rule


def register_lowering(prim, rule, platform=None):
    """Record a lowering rule (never called: vmapx runs primitives by their
    implementation, under ``jit`` too)."""
    if isinstance(prim, Primitive):
        prim.lowerings[platform] = rule
    return rule


def lower_fun(fun, multiple_results=True):
    """A lowering rule made from ``fun`` (recorded only, as ``register_lowering``)."""
    return fun


__all__ = ["Primitive", "Zero", "UndefinedPrimal", "instantiate_zeros", "is_undefined_primal",
           "primitive_jvps", "primitive_transposes", "primitive_batchers", "defjvp",
           "deflinear2", "defvectorized", "register_lowering", "lower_fun"]
