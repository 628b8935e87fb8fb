"""``vmapx.debug.breakpoint``: an interactive debugger that opens where the
computation reaches it, with the values it has there (JAX's
``jax.debug.breakpoint``).

The breakpoint captures the calling frame's local names when it is traced;
the array values among them (tracers under ``jit`` / ``vmap`` / ``grad``) travel
to run time through ``debug.callback``, so the debugger sees concrete NumPy
values at every execution (once per example under ``vmap``, as callbacks are
unrolled there; the primal values under ``grad``). Other locals are shown as
they were when traced. The prompt reads commands from ``sys.stdin``: ``p
expr`` / ``pp expr`` (or any expression or statement), ``l(ist)``, ``w(here)``,
``c(ontinue)`` and ``q(uit)`` (both resume), ``h(elp)``; end of input resumes.
"""
from __future__ import annotations

import cmd
import linecache
import pprint
import sys
import traceback

import numpy as np

from .callbacks import debug_callback
from .core import Tracer


class Debugger(cmd.Cmd):
    """The prompt of one breakpoint: ``env`` is the frame's names and values."""
    prompt = "(vmapx_debug) "
    use_rawinput = False

    def __init__(self, env, summary, stdin=None, stdout=None):
        super().__init__(stdin=stdin or sys.stdin, stdout=stdout or sys.stdout)
        self.env = env
        self.summary = summary

    def preloop(self):
        self._print(f"Entering vmapx_debug at {self.summary.filename}:{self.summary.lineno} "
                    f"({self.summary.name}).")

    def _print(self, text):
        self.stdout.write(f"{text}\n")

    def _eval(self, expr):
        return eval(expr, {}, self.env)  # noqa: S307 (the user's own debugging input)

    def do_p(self, arg):
        """p expr: print the value of expr."""
        try:
            self._print(repr(self._eval(arg)))
        except Exception as e:  # noqa: BLE001 (reported at the prompt, as pdb does)
            self._print(f"*** {type(e).__name__}: {e}")

    def do_pp(self, arg):
        """pp expr: pretty-print the value of expr."""
        try:
            self._print(pprint.pformat(self._eval(arg)))
        except Exception as e:  # noqa: BLE001
            self._print(f"*** {type(e).__name__}: {e}")

    def do_list(self, arg):
        """l(ist): the source around the breakpoint."""
        lineno = self.summary.lineno
        for n in range(max(lineno - 5, 1), lineno + 6):
            line = linecache.getline(self.summary.filename, n)
            if not line:
                continue
            marker = "->" if n == lineno else "  "
            self._print(f"{n:4d} {marker} {line.rstrip()}")

    do_l = do_list

    def do_where(self, arg):
        """w(here): the location of the breakpoint."""
        self._print("".join(traceback.format_list([self.summary])).rstrip())

    do_w = do_where

    def do_continue(self, arg):
        """c(ontinue): resume the computation."""
        return True

    do_c = do_cont = do_continue
    do_quit = do_q = do_continue

    def do_EOF(self, arg):
        """End of input: resume."""
        return True

    def default(self, line):
        """Anything else: an expression is printed, a statement executed."""
        try:
            try:
                code = compile(line, "<vmapx_debug>", "eval")
            except SyntaxError:
                exec(compile(line, "<vmapx_debug>", "exec"), {}, self.env)  # noqa: S102
                return
            value = eval(code, {}, self.env)  # noqa: S307
            if value is not None:
                self._print(repr(value))
        except Exception as e:  # noqa: BLE001
            self._print(f"*** {type(e).__name__}: {e}")

    def emptyline(self):
        return False


def _is_value(v) -> bool:
    return isinstance(v, (Tracer, np.ndarray, np.generic)) or type(v) in (int, float, complex,
                                                                          bool)


def breakpoint(*, backend=None, filter_frames=True, num_frames=None, ordered=False,
               token=None, **kwargs):
    """Open an interactive debugger here when the computation runs (JAX's
    ``jax.debug.breakpoint``), with this frame's values: concrete NumPy values
    at every execution, also under ``jit``, ``vmap`` (once per example) and
    ``grad``. Commands come from ``sys.stdin``: ``p expr``, ``l``, ``w``, ``c``;
    end of input continues.

    >>> import io, sys, numpy as np, vmapx
    >>> def f(x):
    ...     y = x * 2
    ...     vmapx.debug.breakpoint()
    ...     return y
    >>> sys.stdin = io.StringIO("p y\\nc\\n")
    >>> vmapx.jit(f)(np.float64(3.0))  # doctest: +ELLIPSIS
    Entering vmapx_debug at ...
    (vmapx_debug) array(6.)
    (vmapx_debug) array(6.)
    >>> sys.stdin = sys.__stdin__
    """
    frame = sys._getframe(1)
    summary = traceback.FrameSummary(frame.f_code.co_filename, frame.f_lineno,
                                     frame.f_code.co_name)
    names, values, others = [], [], {}
    for name, value in frame.f_locals.items():
        if _is_value(value):
            names.append(name)
            values.append(value)
        else:
            others[name] = value
    del frame

    def enter(*vals):
        env = dict(others)
        env.update(zip(names, vals, strict=True))
        Debugger(env, summary).cmdloop()

    debug_callback(enter, *values, ordered=ordered)
