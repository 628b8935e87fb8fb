"""The ``check`` primitive of ``vmapx.experimental.checkify`` and the switches
that ``checkify`` sets while it traces a function.

``check_p`` binds a scalar predicate and the arrays its message is formatted
with; its parameters hold the message (``error``: ``"user"`` for
``checkify.check``, ``"oob"`` for an index check added by the numpy indexing
code) and the pytree of the format arguments.  It is effectful, like
``debug_callback``: ``jit`` stages and keeps it.  ``checkify`` reads it out of
the traced program and turns it into its error value; anywhere else a failed
user check raises ``JaxRuntimeError`` when it runs (an index check does
nothing), and staging a user check outside ``checkify`` raises JAX's
"Cannot abstractly evaluate a checkify.check which was not functionalized."
"""
from __future__ import annotations

import threading

import numpy as np

from .. import jit_program
from ..staging import EffectPrimitive
from ..tree import tree_unflatten
from .shapes import static_index_p

__all__ = ["check_p", "JaxRuntimeError", "JaxException", "FailedCheckError", "NaNError",
           "OOBError", "DivisionByZeroError", "UserMessage", "OOBMessage", "FixedMessage",
           "functionalizing", "index_checks_on", "tracing"]


class JaxRuntimeError(RuntimeError):
    """The error that ``Error.throw`` raises (JAX's ``JaxRuntimeError``)."""


class JaxException(Exception):
    """What ``Error.get_exception`` returns: the failure of one check."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class FailedCheckError(JaxException):
    """A ``checkify.check`` whose predicate was false."""


class NaNError(JaxException):
    """A primitive produced a NaN."""


class OOBError(JaxException):
    """An index out of bounds."""


class DivisionByZeroError(JaxException):
    """A division by zero."""



class UserMessage:
    """The message of one ``check``: a format string and its arguments' tree."""

    def __init__(self, template: str, fmt_tree):
        self.template = template
        self.fmt_tree = fmt_tree

    def format_user(self, fmt_args) -> str:
        args, kwargs = tree_unflatten(self.fmt_tree, [np.asarray(a) for a in fmt_args])
        return f"{self.template.format(*args, **kwargs)} (`check` failed)"

    def exception(self, payload):
        return FailedCheckError(self.format_user(payload))

    def fail(self, payload):
        raise JaxRuntimeError(self.format_user(payload))


class OOBMessage:
    """The message of one index check: the shape indexed and the axis."""

    def __init__(self, shape, axis):
        self.shape = tuple(shape)
        self.axis = int(axis)

    def exception(self, payload):
        index = np.asarray(payload[0]).item()
        return OOBError(f"out-of-bounds indexing for array of shape {self.shape}: index "
                        f"{index} is out of bounds for axis {self.axis} with size "
                        f"{self.shape[self.axis]}. ")


class FixedMessage:
    def __init__(self, kind, text):
        self.kind = kind
        self.text = text

    def exception(self, payload):
        return self.kind(self.text)




class _Switches(threading.local):
    functionalizing = 0      # checkify is tracing: user checks may be staged
    index_checks = 0         # checkify with index_checks is tracing


for _cls in (JaxRuntimeError, JaxException, FailedCheckError, NaNError, OOBError,
             DivisionByZeroError):
    _cls.__module__ = "vmapx.experimental.checkify"   # where users import them from

_switches = _Switches()


def functionalizing() -> bool:
    return _switches.functionalizing > 0


def index_checks_on() -> bool:
    return _switches.index_checks > 0


class _Tracing:
    """While ``checkify`` traces: checks may be staged; with ``index_checks``
    the numpy indexing code adds its bounds checks."""

    def __init__(self, index_checks: bool):
        self.index_checks = index_checks

    def __enter__(self):
        _switches.functionalizing += 1
        _switches.index_checks += self.index_checks
        return self

    def __exit__(self, *exc):
        _switches.functionalizing -= 1
        _switches.index_checks -= self.index_checks


def tracing(index_checks: bool) -> _Tracing:
    return _Tracing(bool(index_checks))


class _CheckPrimitive(EffectPrimitive):
    """Staged even on untraced operands while ``jit`` traces (an effect, as
    callbacks are), so it runs at every execution; operands checked first."""
    __slots__ = ()

    def validate(self, avals, params):
        self.abstract(*avals, **params)


def _check_impl(pred, *fmt_args, error, message, fmt_tree):
    """A failed ``check`` (``error="user"``) or ``check_error`` (``"merge"``)
    raises; index checks (``"oob"``) and ``debug_check`` (``"debug"``) do
    nothing outside ``checkify``."""
    if error in ("user", "merge") and not bool(np.asarray(pred)):
        message.fail(fmt_args)
    return []


def _check_abstract(pred, *fmt_args, error, message, fmt_tree):
    if error in ("user", "merge") and not functionalizing():
        raise ValueError(
            "Cannot abstractly evaluate a checkify.check which was not functionalized. This "
            "probably means you tried to stage (jit/scan/pmap/...) a `check` without "
            "functionalizing it through `checkify.checkify`.")
    return []


def _check_batch(axis, vals, dims, *, error, message, fmt_tree):
    """One check per example, the last example first: as in JAX, a batched
    check reports its last failing example (eagerly it raises with it; under
    ``checkify`` the first failure met is kept)."""
    for i in reversed(range(axis.size)):
        check_p.bind(*[v if d is None else _example(v, d, i)
                       for v, d in zip(vals, dims, strict=True)],
                     error=error, message=message, fmt_tree=fmt_tree)
    return [], []


def _example(x, d, i):
    """Example ``i`` of ``x`` batched at ``d`` (with a primitive: ``x`` may be a tracer)."""
    return static_index_p.bind(x, index=(("s", None, None, None),) * d + (int(i),))


def _check_jvp(primals, tangents, **params):
    check_p.bind(*primals, **params)
    return [], []


check_p = _CheckPrimitive("check", _check_impl, abstract=_check_abstract, batch=_check_batch,
                          jvp=_check_jvp, multiple_results=True)
jit_program.EFFECTFUL.add(check_p)
