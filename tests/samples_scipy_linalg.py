"""Samples of the primitives of ``vmapx.scipy.linalg`` (``_src/scipy_linalg_schur``):
``schur`` (real and complex output) and ``hessenberg``, each a SciPy/LAPACK call
per matrix of the stack.  Neither has a derivative rule (as in JAX: listed in
``NO_JVP`` of test_autodiff_rules.py)."""

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
