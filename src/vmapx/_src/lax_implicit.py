"""Implicit differentiation: ``lax.custom_root`` and ``lax.custom_linear_solve``.

Both run a user's solver forward and define the derivative of its result by
the implicit function theorem at the solution, never by differentiating the
solver's iterations (which may be a ``while_loop``, not differentiable in
reverse mode).

* ``custom_linear_solve`` is a primitive, ``custom_linear_solve``, holding four
  staged functions -- ``matvec``, its transpose ``vecmat``, ``solve`` and
  ``transpose_solve`` -- that take the values they close over of enclosing
  transforms (hoisted, shared by the four) before the vector.  Its JVP solves
  ``A dx = db - dA x`` with the same primitive, which is linear in the
  right-hand side; its transpose rule solves the transposed system (swapping
  ``matvec``/``vecmat`` and ``solve``/``transpose_solve``); its batching rule
  batches all four functions at once with the vector always batched (so
  ``solve`` and ``matvec`` agree on which values carry the batch).
* ``custom_root`` is a ``custom_jvp_call`` (the primitive behind
  ``custom_jvp``) whose function runs ``solve`` and whose JVP rule computes
  ``du = -(d_u f)^-1 (d_params f)[dparams]`` at the solution, with the user's
  ``tangent_solve`` on ``f`` linearized there.  Reverse mode transposes that
  rule, so ``tangent_solve`` must be linear in its right-hand side (as JAX
  requires).
"""
from __future__ import annotations

import numpy as np

from . import tree as tu
from .autodiff import instantiate, is_undefined, jvp_flat
from .autodiff_api import linear_transpose, linearize
from .core import Primitive, finish_output, get_aval
from .custom_functions import _Named
from .custom_jvp import custom_jvp_call_p
from .derived_jaxprs import batch_jaxpr
from .errors import api_boundary
from .ir import ClosedJaxpr, Jaxpr, Var
from .lax_control_common import _leaf, _trace
from .batching import bdim_to_front, broadcast_batched
from .prims import elementwise as ew
from .prims.control_bodies import _dealias, _runner
from .staging import eval_jaxpr, hoist_tracer_consts
from .staging_api import abstractify

# ------------------------------------------------------------ the checks


def _check_shapes(func_name, expected_name, actual, expected):
    actual_shapes = [tuple(np.shape(x)) for x in actual]
    expected_shapes = [tuple(np.shape(x)) for x in expected]
    if actual_shapes != expected_shapes:
        raise ValueError(f"{func_name}() output shapes must match {expected_name}, "
                         f"got {actual_shapes} and {expected_shapes}")


def _result_tree(func_name, out_tree, has_aux):
    """The tree of the solution in ``out_tree`` (its first child with ``has_aux``)."""
    if not has_aux:
        return out_tree
    children = tu.treedef_children(out_tree)
    if len(children) != 2:
        raise ValueError(f"{func_name}() produced a pytree with structure {out_tree}, but a "
                         "pytree tuple with auxiliary output was expected because has_aux "
                         "was set to True.")
    return children[0]


def _check_tree(func_name, expected_name, actual_tree, expected_tree, has_aux=False):
    actual = _result_tree(func_name, actual_tree, has_aux)
    if actual != expected_tree:
        raise TypeError(f"{func_name}() output pytree structure must match {expected_name}, "
                        f"got {actual} and {expected_tree}.")


def _flat_leaves(tree):
    leaves, treedef = tu.tree_flatten(tree)
    return [_leaf(x) for x in leaves], treedef


def _share_consts(jaxprs):
    """Hoist the values of enclosing transforms the staged functions close over.

    Returns ``(new_jaxprs, consts)``: every new jaxpr takes all of ``consts``
    (each distinct value once, shared by the functions) before its own
    operands, so derivatives and batching with respect to them reach the
    primitive as operands."""
    hoisted = [hoist_tracer_consts(j) for j in jaxprs]
    consts, index = [], {}
    for _, tracers in hoisted:
        for t in tracers:
            if id(t) not in index:
                index[id(t)] = len(consts)
                consts.append(t)
    out = []
    for closed, tracers in hoisted:
        j = closed.jaxpr
        own = {index[id(t)]: v for t, v in zip(tracers, j.invars[:len(tracers)], strict=True)}
        lead = [own.get(k) or Var(get_aval(c)) for k, c in enumerate(consts)]
        out.append(ClosedJaxpr(Jaxpr(j.constvars, lead + j.invars[len(tracers):], j.eqns,
                                     j.outvars), closed.consts))
    return out, consts


# -------------------------------------------------- the linear solve primitive


def _split(args, num_consts):
    return list(args[:num_consts]), list(args[num_consts:])


def _transposed(jaxprs):
    matvec, vecmat, solve, transpose_solve = jaxprs
    return (vecmat, matvec, transpose_solve, solve)


def _linear_solve_impl(*args, jaxprs, num_consts):
    return _dealias(_runner(jaxprs[2])(*args), args)


def _linear_solve_abstract(*avals, jaxprs, num_consts):
    return list(jaxprs[2].out_avals)


def _minus(a, b):
    """``a - b`` for tangents, either of which may be a symbolic zero (None)."""
    if b is None:
        return a
    return ew.negative_p.bind(b) if a is None else ew.subtract_p.bind(a, b)


def _linear_solve_jvp(primals, tangents, *, jaxprs, num_consts):
    # A x = b  =>  dA x + A dx = db  =>  dx = A^-1 (db - dA x)
    consts, b = _split(primals, num_consts)
    consts_dot, b_dot = _split(tangents, num_consts)
    x = linear_solve_p.bind(*primals, jaxprs=jaxprs, num_consts=num_consts)
    n_b = len(b)
    n_aux = len(x) - n_b
    if all(t is None for t in tangents):
        return x, [None] * len(x)
    rhs = list(b_dot)
    if any(t is not None for t in consts_dot):
        matvec = jaxprs[0]
        _, dA_x = jvp_flat(lambda vals: eval_jaxpr(matvec.jaxpr, matvec.consts, *vals),
                           consts + list(x[:n_b]), consts_dot + [None] * n_b)
        rhs = [_minus(r, t) for r, t in zip(rhs, dA_x, strict=True)]
    rhs = [instantiate(r, p) for r, p in zip(rhs, b, strict=True)]
    x_dot = linear_solve_p.bind(*consts, *rhs, jaxprs=jaxprs, num_consts=num_consts)
    return x, list(x_dot[:n_b]) + [None] * n_aux


def _linear_solve_transpose(cts, *args, jaxprs, num_consts):
    if jaxprs[3] is None:
        raise TypeError("transpose_solve required for backwards mode automatic "
                        "differentiation of custom_linear_solve")
    consts, b = _split(args, num_consts)
    if any(is_undefined(c) for c in consts):
        raise NotImplementedError("custom_linear_solve is linear in its right-hand side "
                                  "only; it cannot be transposed with respect to the values "
                                  "its functions close over")
    n_b = len(b)
    if any(c is not None for c in cts[n_b:]):
        raise NotImplementedError("custom_linear_solve: the auxiliary outputs of solve have "
                                  "no cotangent")
    x_ct = [np.zeros(a.aval.shape, a.aval.dtype) if c is None else c
            for c, a in zip(cts[:n_b], b, strict=True)]
    ct_b = linear_solve_p.bind(*consts, *x_ct, jaxprs=_transposed(jaxprs),
                               num_consts=num_consts)
    return [None] * num_consts + list(ct_b[:n_b])


def _linear_solve_batch(axis, vals, dims, *, jaxprs, num_consts):
    # The vector is always batched (at 0): solve, matvec and their transposes then
    # agree on which of their inputs and outputs carry the batch.
    consts, b = _split(vals, num_consts)
    c_dims, b_dims = _split(dims, num_consts)
    consts = [c if d is None else bdim_to_front(c, d) for c, d in zip(consts, c_dims, strict=True)]
    c_dims = [None if d is None else 0 for d in c_dims]
    b = [broadcast_batched(v, d, axis.size) for v, d in zip(b, b_dims, strict=True)]
    in_dims = c_dims + [0] * len(b)
    batched = tuple(None if j is None else
                    batch_jaxpr(j, in_dims, axis, [0] * len(j.out_avals))[0] for j in jaxprs)
    outs = linear_solve_p.bind(*consts, *b, jaxprs=batched, num_consts=num_consts)
    return outs, [0] * len(outs)


linear_solve_p = Primitive("custom_linear_solve", _linear_solve_impl,
                           abstract=_linear_solve_abstract, batch=_linear_solve_batch,
                           jvp=_linear_solve_jvp, transpose=_linear_solve_transpose,
                           multiple_results=True)


# ----------------------------------------------------------- public: solve


@api_boundary
def custom_linear_solve(matvec, b, solve, transpose_solve=None, symmetric=False,
                        has_aux=False):
    """Solve the linear system ``matvec(x) == b`` with ``solve(matvec, b)``,
    differentiated implicitly: the derivative solves the same system again
    (``dx = A^-1 (db - dA x)``) rather than differentiating ``solve``'s steps.

    ``b`` may be any pytree of arrays; ``matvec`` must be linear and return a
    tree of ``b``'s structure and shapes.  ``transpose_solve(vecmat, b)``
    (``vecmat`` being ``matvec``'s transpose, derived automatically) is needed
    for reverse mode unless ``symmetric=True``, which uses ``solve``.  With
    ``has_aux`` both solvers return ``(x, aux)`` (aux is not differentiated).

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx import lax
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> def solve_with(A, b):
    ...     return lax.custom_linear_solve(lambda x: A @ x, b,
    ...                                    lambda mv, r: jnp.linalg.solve(A, r),
    ...                                    symmetric=True)
    >>> solve_with(A, np.array([1.0, 2.0]))
    array([0.2, 0.6])
    >>> vmapx.grad(lambda b: solve_with(A, b).sum())(np.array([1.0, 2.0]))
    array([0.4, 0.2])
    """
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    b_leaves, tree = _flat_leaves(b)
    avals = [abstractify(x) for x in b_leaves]

    def shape_checked(fun, name, aux):
        def checked(x):
            out = fun(x)
            _check_shapes(name, "b", tu.tree_leaves(out[0] if aux else out), b_leaves)
            return out
        return checked

    api = "custom_linear_solve"
    matvec_j, out_tree = _trace(shape_checked(matvec, "matvec", False), tree, avals,
                                splat=False, api=api)
    _check_tree("matvec", "b", out_tree, tree)
    solve_j, solve_tree = _trace(shape_checked(lambda x: solve(matvec, x), "solve", has_aux),
                                 tree, avals, splat=False, api=api)
    _check_tree("solve", "b", solve_tree, tree, has_aux)
    vecmat_j = tsolve_j = None
    if transpose_solve is not None:
        if symmetric:
            vecmat, vecmat_j = matvec, matvec_j
        else:
            transposed = linear_transpose(matvec, b)

            def vecmat(x):
                return transposed(x)[0]
            vecmat_j, _ = _trace(vecmat, tree, avals, splat=False, api=api)
        tsolve_j, tsolve_tree = _trace(
            shape_checked(lambda x: transpose_solve(vecmat, x), "transpose_solve", has_aux),
            tree, avals, splat=False, api=api)
        _check_tree("transpose_solve", "b", tsolve_tree, tree, has_aux)
    present = [j for j in (matvec_j, vecmat_j, solve_j, tsolve_j) if j is not None]
    joined, extra = _share_consts(present)
    joined = iter(joined)
    jaxprs = tuple(None if j is None else next(joined)
                   for j in (matvec_j, vecmat_j, solve_j, tsolve_j))
    outs = linear_solve_p.bind(*extra, *b_leaves, jaxprs=jaxprs, num_consts=len(extra))
    return tu.tree_unflatten(solve_tree, [finish_output(o) for o in outs])


# ------------------------------------------------------------ public: root


@api_boundary
def custom_root(f, initial_guess, solve, tangent_solve, has_aux=False):
    """Find a root of ``f`` with ``solve(f, initial_guess)``, differentiated
    implicitly: derivatives with respect to the values ``f`` closes over come
    from the implicit function theorem at the solution (``du = -(df/du)^-1
    df/dparams``), computed with ``tangent_solve(g, y)``, which must return
    ``x`` with ``g(x) == y`` for the linear function ``g`` (``f`` linearized at
    the root).  The iterations of ``solve`` are never differentiated.

    ``f`` maps a tree of arrays to a tree of the same structure; with
    ``has_aux`` ``solve`` returns ``(solution, aux)`` (aux is not
    differentiated).  For a scalar root, ``tangent_solve`` can be
    ``lambda g, y: y / g(1.0)``.

    >>> import numpy as np, vmapx, vmapx.numpy as jnp
    >>> from vmapx import lax
    >>> def newton(f, x0):
    ...     return lax.fori_loop(0, 20, lambda i, x: x - f(x) / vmapx.grad(f)(x), x0)
    >>> def sqrt(a):    # the root of x**2 - a
    ...     return lax.custom_root(lambda x: x ** 2 - a, 1.0, newton,
    ...                            lambda g, y: y / g(1.0))
    >>> float(sqrt(2.0)), float(vmapx.grad(sqrt)(2.0))   # d sqrt(a)/da = 1/(2 sqrt(a))
    (1.414213562373095, 0.3535533905932738)
    >>> vmapx.vmap(sqrt)(np.array([4.0, 9.0]))
    array([2., 3.])
    """
    guess, tree = _flat_leaves(initial_guess)
    avals = [abstractify(x) for x in guess]
    api = "custom_root"
    f_j, f_tree = _trace(f, tree, avals, splat=False, api=api)
    _check_tree("f", "initial_guess", f_tree, tree)
    solve_j, solve_tree = _trace(lambda x: solve(f, x), tree, avals, splat=False, api=api)
    _check_tree("solve", "initial_guess", solve_tree, tree, has_aux)

    def linearize_and_solve(x, rhs):
        _, f_jvp = linearize(f, x)
        return tangent_solve(f_jvp, rhs)

    pair_tree = tu.tree_structure((initial_guess, initial_guess))
    ls_j, ls_tree = _trace(linearize_and_solve, pair_tree, avals + avals, splat=True, api=api)
    _check_tree("tangent_solve", "x", ls_tree, tree)
    (f_j, solve_j, ls_j), extra = _share_consts([f_j, solve_j, ls_j])
    n_consts, n_x = len(extra), len(guess)
    outs = _root_call(f_j, solve_j, ls_j, n_consts, n_x, extra, guess)
    return tu.tree_unflatten(solve_tree, [finish_output(o) for o in outs])


def _evaluate(closed: ClosedJaxpr, *args):
    return eval_jaxpr(closed.jaxpr, closed.consts, *args)


def _root_call(f_j, solve_j, ls_j, n_consts, n_x, consts, guess):
    def run_solve(*args):
        return _evaluate(solve_j, *args)

    def root_jvp(primals, tangents):
        # f(params, u*(params)) = 0  =>  du* = -(d_u f)^-1 [d_params f . dparams]
        params = list(primals[:n_consts])
        params_dot = list(tangents[:n_consts])
        outs = list(run_solve(*primals))
        solution = outs[:n_x]
        n_aux = len(outs) - n_x
        if all(t is None for t in params_dot):
            return outs, [None] * len(outs)
        _, f_dot = jvp_flat(lambda ps: _evaluate(f_j, *ps, *solution), params, params_dot)
        f_dot = [instantiate(t, s) for t, s in zip(f_dot, solution, strict=True)]
        du = _evaluate(ls_j, *params, *solution, *f_dot)
        return outs, [ew.negative_p.bind(t) for t in du] + [None] * n_aux

    return custom_jvp_call_p.bind(*consts, *guess,
                                  fun=_Named(run_solve, "custom_root_solve"),
                                  jvp=_Named(root_jvp, "custom_root_jvp"))
