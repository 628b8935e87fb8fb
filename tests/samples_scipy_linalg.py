"""Samples of the primitives of ``vmapx.scipy.linalg``: ``schur`` (real and
complex output) and ``hessenberg`` (``_src/scipy_linalg_schur``), and
``qr_pivots`` (``_src/scipy_linalg``: geqp3's column order, int32), each a
SciPy/LAPACK call per matrix of the stack.  ``schur`` and ``hessenberg`` have
no derivative rule (as in JAX: listed in ``NO_JVP`` of test_autodiff_rules.py);
``qr_pivots`` has an integer result."""

import numpy as np

from samples import _wellcond, c128, cx, f32, f64, fl, sample


@sample("schur")
def _schur(rng):
    return [((_wellcond(rng, (3, 3)),), {"output": "real"}),
            ((_wellcond(rng, (2, 2), f32),), {"output": "complex"}),
            ((fl(rng, (2, 3, 3), f64),), {"output": "real"}),
            ((cx(rng, (3, 3), c128),), {"output": "complex"})]


@sample("hessenberg")
def _hessenberg(rng):
    return [((fl(rng, (4, 4)),), {}), ((_wellcond(rng, (3, 3), f32),), {}),
            ((fl(rng, (2, 3, 3)),), {}), ((cx(rng, (3, 3), c128),), {})]


@sample("qr_pivots")
def _qr_pivots(rng):
    # columns of clearly different norms, so the order is the same for every draw
    # up to the draw itself (only the values vary, not the structure)
    scale = np.array([1.0, 3.0, 9.0])
    return [((fl(rng, (4, 3)) * scale,), {}), ((fl(rng, (3, 3), f32) * scale,), {}),
            ((fl(rng, (2, 3, 3)) * scale,), {}), ((cx(rng, (3, 4), c128),), {})]
