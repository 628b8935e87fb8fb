"""NumPy's per-example ``LinAlgError`` in per-example NumPy code under ``vmap``.

``numpy.linalg.inv`` of a singular matrix raises ``LinAlgError``; so do
``solve``, ``cholesky`` of a matrix that is not positive definite, and the
SVD- and eigenvalue-based functions when LAPACK does not converge (a NaN
input). Per-example code catches it (``try: inv(m) except LinAlgError:``),
so the loop over the batch, the oracle of per-example code, takes the
``except`` branch for exactly those examples. vmapx's linear-algebra
primitives follow JAX instead (inf/NaN for that example, nothing raised),
which is right for ``vmapx.numpy`` but would be a wrong result here.

So when NumPy's own function reaches a traced value in an eager ``vmap``
(``interop``'s dispatch, ``call``), the batched primitive runs first; only
where its stacked LAPACK call failed (it says so: ``prims.linalg.note_failure``)
does ``raise_where_numpy_raises`` ask NumPy, on the concrete batch, which
examples raise (the function itself, example by example, for the exact
message), and turn the answer into a per-example code. ``int(code)`` splits
the batch on it (``concrete``): the examples where NumPy raises raise the same
``LinAlgError``, the others go on with the batched primitive's results. Under ``jit``
(no concrete values) nothing is checked, as in JAX.

>>> import numpy as np, vmapx
>>> def safe_inv(m):
...     try:
...         return np.linalg.inv(m)
...     except np.linalg.LinAlgError:
...         return np.zeros_like(m)
>>> vmapx.vmap(safe_inv)(np.stack([np.eye(2) * 2, np.zeros((2, 2))]))
array([[[0.5, 0. ],
        [0. , 0.5]],
<BLANKLINE>
       [[0. , 0. ],
        [0. , 0. ]]])
"""
from __future__ import annotations

import numpy as np

from .callbacks import pure_callback
from .core import Tracer, ndim_of
from .prims.elementwise import stop_gradient_p
from .prims.linalg import watch_failures
from .staging_api import ShapeDtypeStruct


# NumPy's functions that raise ``LinAlgError`` for some matrices of a stack.
_CHECKED = frozenset((np.linalg.inv, np.linalg.solve, np.linalg.cholesky, np.linalg.eig,
                      np.linalg.eigvals, np.linalg.eigh, np.linalg.eigvalsh, np.linalg.svd,
                      np.linalg.pinv, np.linalg.lstsq, np.linalg.matrix_rank,
                      np.linalg.tensorinv, np.linalg.tensorsolve))


def checked(func) -> bool:
    """Whether NumPy's ``func`` can raise ``LinAlgError`` for some examples only."""
    return func in _CHECKED


def _codes(func, positions, ex_ndims, args, kwargs, messages):
    """The callback: 0 for each example where ``func`` returns, ``k`` where it
    raises ``messages[k - 1]``; ``args``' operands at ``positions`` carry the
    examples on their leading axes (``ex_ndims``: each one's own rank).  It runs
    only after the batch's stacked call failed, so it asks ``func`` itself,
    example by example."""
    def callback(*ops):
        lead = np.broadcast_shapes(*[o.shape[:o.ndim - nd] for o, nd in zip(ops, ex_ndims)])
        flat = [np.broadcast_to(o, lead + o.shape[o.ndim - nd:]).reshape(
            (-1,) + o.shape[o.ndim - nd:]) for o, nd in zip(ops, ex_ndims)]
        n = flat[0].shape[0] if flat else 1
        out = np.zeros(n, np.int32)
        call = list(args)
        for i in range(n):
            for p, f in zip(positions, flat):
                call[p] = f[i]
            try:
                with np.errstate(all="ignore"):
                    func(*call, **kwargs)
            except np.linalg.LinAlgError as e:
                msg = str(e)
                if msg not in messages:
                    messages.append(msg)
                out[i] = messages.index(msg) + 1
        return out.reshape(lead)
    return callback


def call(func, fn, args, kwargs):
    """``fn(*args, **kwargs)``, vmapx's counterpart of NumPy's ``func``; where an
    eager ``vmap``'s stacked LAPACK call failed for some examples (the
    primitive answered inf/NaN for them, ``prims.linalg.note_failure``), the
    batch splits and those examples raise NumPy's ``LinAlgError`` (under an
    eager ``grad`` alone, the call raises it where NumPy would).  A batch
    where nothing failed pays one context-variable read."""
    with watch_failures() as record:
        out = fn(*args, **kwargs)
    if record:
        raise_where_numpy_raises(func, args, kwargs)
    return out


def raise_where_numpy_raises(func, args, kwargs):
    """Split an eager ``vmap``'s batch where NumPy's ``func`` raises
    ``LinAlgError`` on ``args`` and raise it in those examples (outside a
    ``vmap``, under an eager ``grad``, raise it where NumPy would); a no-op
    where the values are abstract (``jit``)."""
    positions = [i for i, a in enumerate(args) if isinstance(a, (Tracer, np.ndarray))]
    tracers = [args[i] for i in positions if isinstance(args[i], Tracer)]
    if not tracers or not all(t.is_concrete() for t in tracers):
        return   # under jit: no values to ask NumPy about (JAX's inf/NaN stand)
    ops = [stop_gradient_p.bind(args[i]) for i in positions]   # no derivative to carry
    messages: list = []
    callback = _codes(func, positions, [ndim_of(a) for a in ops], args, kwargs, messages)
    code = int(pure_callback(callback, ShapeDtypeStruct((), np.int32), *ops,
                             vmap_method="expand_dims"))
    if code:
        raise np.linalg.LinAlgError(messages[code - 1])
