"""Samples of the ``custom_linear_solve`` primitive (``lax.custom_linear_solve``; its
auxiliary output is an integer, as solver diagnostics are, so finite differences
agree with its zero tangent):
its operands are the values its four staged functions close over, then the
right-hand side; the functions are staged once per signature (``_staged``),
so every draw of a case has the very same parameters."""

from samples import _sig, _staged, _wellcond, f32, f64, fl, sample


def _matvec(a, x):
    return [a @ x]


def _vecmat(a, x):
    return [a.T @ x]


def _solve(a, x):
    import vmapx.numpy as jnp
    return [jnp.linalg.solve(a, x)]


def _transpose_solve(a, x):
    import vmapx.numpy as jnp
    return [jnp.linalg.solve(a.T, x)]


def _solve_with_aux(a, x):
    import vmapx.numpy as jnp
    return [jnp.linalg.solve(a, x), jnp.sum(x > 0)]  # an iteration count, say


def _transpose_solve_with_aux(a, x):
    import vmapx.numpy as jnp
    return [jnp.linalg.solve(a.T, x), jnp.sum(x > 0)]


@sample("custom_linear_solve")
def _custom_linear_solve(rng):
    cases = []
    for dt, aux in ((f64, False), (f32, True)):
        a, b = _wellcond(rng, (3, 3), dt), fl(rng, (3,), dt)
        sig = _sig(a, b)
        solvers = (_solve_with_aux, _transpose_solve_with_aux) if aux else \
            (_solve, _transpose_solve)
        jaxprs = (_staged(_matvec, sig), _staged(_vecmat, sig), _staged(solvers[0], sig),
                  _staged(solvers[1], sig))
        cases.append(((a, b), {"jaxprs": jaxprs, "num_consts": 1}))
    return cases
