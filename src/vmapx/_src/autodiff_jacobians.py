"""Jacobians and the Hessian: ``jacrev`` (``jacobian``), ``jacfwd``, ``hessian``.

They map the machinery over a standard basis with ``vmap`` (no Python loop
over outputs): ``jacrev`` maps the VJP over output cotangents, ``jacfwd`` the
JVP over input tangents, and ``hessian`` is ``jacfwd(jacrev(f))``.  Argument
selection and dtype checks are ``grad``'s (``autodiff_api``).
"""
from __future__ import annotations

import functools

import numpy as np

from . import tree as tu
from .autodiff import jvp_traced, zeros_like_aval, instantiate
from .core import finish_output as _finish, get_aval
from .errors import api_boundary
from .api import vmap
from .prims.shapes import reshape_p, static_index_p
from .autodiff_api import (_as_leaf, _argnums_partial, _check_callable, _check_input_dtype,
                           _check_output_dtype, _finish_tree, _flat_fun, _strip_aux,
                           _vjp_at_argnums)


def _std_basis(avals):
    """One basis array per aval, stacked along a new leading axis of size N
    (the total size): together the rows of the N x N identity."""
    sizes = [a.size for a in avals]
    n = sum(sizes)
    out, off = [], 0
    for a, s in zip(avals, sizes, strict=True):
        b = np.zeros((n, s), a.dtype)
        b[np.arange(off, off + s), np.arange(s)] = 1
        out.append(b.reshape((n,) + tuple(a.shape)))
        off += s
    return out


def _split_rows(x, avals, axis, other_shape):
    """Split axis ``axis`` (0 or last) of ``x`` into one block per aval, each
    reshaped to that aval's shape, placed before (``axis=0``) or after
    ``other_shape``."""
    full = ("s", None, None, None)
    nd = len(get_aval(x).shape)
    blocks, off = [], 0
    for a in avals:
        s = a.size
        if len(avals) == 1:
            piece = x
        else:
            sl = ("s", off, off + s, None)
            index = (sl,) + (full,) * (nd - 1) if axis == 0 else (full,) * (nd - 1) + (sl,)
            piece = static_index_p.bind(x, index=index)
        shape = (tuple(a.shape) + tuple(other_shape) if axis == 0
                 else tuple(other_shape) + tuple(a.shape))
        blocks.append(reshape_p.bind(piece, new_sizes=shape))
        off += s
    return blocks


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Jacobian by reverse mode: the VJP mapped (with ``vmap``) over the
    standard basis of output cotangents.  The result has the output's tree
    with, at each leaf, the input's tree of arrays shaped ``out.shape + in.shape``.

    >>> import numpy as np, vmapx
    >>> vmapx.jacrev(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    _check_callable(fun)

    @api_boundary
    def jacfun(*args, **kwargs):
        diff, out, outs, lin, aux = _vjp_at_argnums(fun, args, kwargs, argnums, "jacrev",
                                                    has_aux, holomorphic, allow_int)
        for a in lin.out_avals:
            _check_output_dtype(a, "jacrev", holomorphic)

        def pull(cts):
            return [zeros_like_aval(av) if c is None else c
                    for c, av in zip(lin.transpose(list(cts)), lin.in_avals, strict=True)]

        in_cts = vmap(pull)(_std_basis(lin.out_avals))
        # in_cts[j]: (N_out,) + in_shape_j  ->  per output leaf k: out_shape_k + in_shape_j
        per_in = [_split_rows(c, lin.out_avals, 0, av.shape)
                  for c, av in zip(in_cts, lin.in_avals, strict=True)]
        in_tree = tu.tree_structure((diff,))
        out_tree = tu.tree_structure(out)
        jac = tu.tree_unflatten(out_tree, [
            tu.tree_unflatten(in_tree, [_finish(blocks[k]) for blocks in per_in])[0]
            for k in range(len(lin.out_avals))])
        return (jac, _finish_tree(aux)) if has_aux else jac

    functools.update_wrapper(jacfun, fun)
    return jacfun


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """Jacobian by forward mode: the JVP mapped (with ``vmap``) over the
    standard basis of input tangents.  Same result layout as ``jacrev``.

    >>> import numpy as np, vmapx
    >>> vmapx.jacfwd(lambda x: x[0] * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [2., 1.]])
    """
    _check_callable(fun)

    @api_boundary
    def jacfun(*args, **kwargs):
        dyn, f, single = _argnums_partial(fun, args, kwargs, argnums, "jacfwd")
        diff = dyn[0] if single else dyn
        leaves, in_tree = tu.tree_flatten((diff,))
        leaves = [_as_leaf(x, "argument") for x in leaves]
        for x in leaves:
            _check_input_dtype(x, "jacfwd", holomorphic, False)
        in_avals = [get_aval(x) for x in leaves]
        g_fun = (lambda d: f(d)) if single else (lambda d: f(*d))
        out_store, aux_store = [], []
        flat = _flat_fun(g_fun, in_tree, out_store, has_aux, aux_store)

        def pushfwd(tangents):
            outs, tans, trace = jvp_traced(flat, leaves, list(tangents))
            aux = _strip_aux(trace, aux_store[-1]) if has_aux else None
            return outs, [instantiate(t, p) for p, t in zip(outs, tans, strict=True)], aux

        outs, tans, aux = vmap(pushfwd, out_axes=(None, -1, None))(_std_basis(in_avals))
        out_tree = out_store[0]
        jac_leaves = []
        for o, t in zip(outs, tans, strict=True):
            blocks = _split_rows(t, in_avals, -1, get_aval(o).shape)
            jac_leaves.append(tu.tree_unflatten(in_tree, [_finish(b) for b in blocks])[0])
        jac = tu.tree_unflatten(out_tree, jac_leaves)
        return (jac, _finish_tree(aux)) if has_aux else jac

    functools.update_wrapper(jacfun, fun)
    return jacfun


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Hessian of a scalar-valued ``fun``: ``jacfwd(jacrev(fun))``.

    >>> import numpy as np, vmapx
    >>> vmapx.hessian(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)


jacobian = jacrev
