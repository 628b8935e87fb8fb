"""Control-flow primitives: ``cond``, ``while``, ``scan``.

Each holds the ``ClosedJaxpr``s of its bodies (staged by ``vmapx.lax``; values
of enclosing transforms that a body closes over are passed as leading
operands).  The rules transform those bodies:

* impl: run the compiled bodies (``jit_program.runner``) in a Python loop, or
  pick a branch.
* batching: a batched ``cond`` predicate runs every branch on the batch and
  selects (or, on concrete values with expensive branches, runs each branch
  only on its part of the batch); a batched ``while`` predicate iterates until
  every element is done, freezing finished elements with a select; ``scan``
  carries become batched as far as the body makes them (a fixpoint).
* JVP: ``while`` carries tangents along (forward mode only).  ``cond`` on a
  concrete predicate differentiates the chosen branch inline; on a traced one,
  and ``scan`` always, split into a primal part that also returns residuals
  and a *linear* part from the residuals and the tangents, which is what
  reverse mode transposes (their transpose rules run the transposed bodies,
  a ``scan`` in the opposite direction).

The primitives are declared one per module: ``cond.py``, ``while_loop.py``,
``scan.py``; what their rules share (running, linearizing and transposing
bodies) is in ``control_bodies.py``.  This module gathers them.
"""
from .control_bodies import join_branches  # noqa: F401
from .cond import cond_p  # noqa: F401
from .while_loop import while_p  # noqa: F401
from .scan import scan_p  # noqa: F401
