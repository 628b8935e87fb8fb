"""The loop oracle, generated from the primitive registry.

For every registered (non-collective) primitive with samples (``samples.py``),
``vmap(prim.bind)`` over a batch must equal stacking ``prim.impl`` applied to
each example, under every choice of batch dims (None, 0, last, negative,
middle), batch sizes 0, 1 and 3, ``out_axes`` 0 and -1, nothing mapped with
``axis_size``, and vmap of vmap.  Shape and dtype are asserted before values.
The abstract (shape/dtype) rule is checked against the implementation too.

A meta-test fails when a primitive lacks a batching rule, an abstract rule or
samples, unless it is listed with a reason in ``KNOWN_GAPS``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import vmapx
from vmapx._src import batching, core
from samples import SAMPLES

# Primitives (key "name") or single sample cases (key "name[k]", case k of
# SAMPLES[name]) that fail the harness because of a bug outside this test
# suite, with the reason.  They are skipped by the checks, printed by the
# meta-test, and case entries are re-run by test_known_gap_cases_still_fail so
# that a fix is noticed.  Every entry needs its owner's fix.
KNOWN_GAPS: dict[str, str] = {}

# Primitives that by design have no per-example evaluation to loop over; their
# batching is covered where they arise (named test modules).
NOT_LOOPABLE: dict[str, str] = {
    "dce_sink": "no results to compare: it only keeps its operands alive (pinned in "
                "test_io_callback.py)",
    "debug_callback": "effect only, no results to compare; unrolled over the batch by design "
                      "(as in JAX): pinned in test_misc_api.py",
    "check": "no results: it raises (or, under checkify, becomes the error value); unrolled "
             "over the batch so the first failing example is reported (pinned in "
             "test_checkify.py)",
    "custom_lin": "linear placeholder of custom_vjp under JVP: its impl and batching rule "
                  "raise by design (forward mode over custom_vjp is an error, as in JAX); "
                  "its transpose is exercised by the autodiff tests",
}

BATCH_SIZES = (0, 1, 3)
NESTED_SIZES = (2, 3)
MAX_CONFIGS = 10  # in_dims choices per case (keeps the harness fast)


def _generic_prims():
    return sorted(n for n, p in core.primitives.items() if not isinstance(p, core.AxisPrimitive))


def _sampled():
    return [n for n in _generic_prims()
            if n in SAMPLES and n not in KNOWN_GAPS and n not in NOT_LOOPABLE]


# ------------------------------------------------------------------ utilities


def _is_array(x):
    return isinstance(x, (np.ndarray, np.generic))


def _examples(name, n, seed0=0):
    """``n`` independent draws of the case list of ``name`` (one per example)."""
    draws = [SAMPLES[name](np.random.default_rng(seed0 + k)) for k in range(max(n, 1))]
    ref = draws[0]
    for d in draws[1:]:
        assert len(d) == len(ref), f"samples for {name!r}: case count depends on rng"
        for (a, p), (a0, p0) in zip(d, ref, strict=True):
            assert p == p0, f"samples for {name!r}: params depend on rng"
            assert [(np.shape(x), np.result_type(x)) for x in a] == \
                [(np.shape(x), np.result_type(x)) for x in a0], \
                f"samples for {name!r}: shapes/dtypes depend on rng"
    return draws


def _stack(values, axis, like):
    """Stack per-example ``values`` along ``axis``; for an empty batch, an
    empty array shaped as ``like`` stacked."""
    if values:
        return np.stack([np.asarray(v) for v in values], axis=axis)
    like = np.asarray(like)
    return np.moveaxis(np.empty((0,) + like.shape, like.dtype), 0, axis)


def _impl(prim, args, params):
    with np.errstate(all="ignore"):
        out = prim.impl(*args, **params)
    return list(out) if prim.multiple_results else [out]


def _as_list(prim, out):
    return list(out) if prim.multiple_results else [out]


def _tol(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":
        return None
    return (2e-5, 2e-6) if dtype in (np.float32, np.complex64) else (1e-11, 1e-12)


def _compare(got, want, where):
    """Shape, then dtype, then values (NaN-aware, dtype-dependent tolerance)."""
    assert isinstance(got, np.ndarray), f"{where}: result is {type(got).__name__}, not ndarray"
    assert got.shape == want.shape, f"{where}: shape {got.shape} != loop's {want.shape}"
    assert got.dtype == want.dtype, f"{where}: dtype {got.dtype} != loop's {want.dtype}"
    tol = _tol(want.dtype)
    if tol is None:
        np.testing.assert_array_equal(got, want, err_msg=where)
    else:
        np.testing.assert_allclose(got, want, rtol=tol[0], atol=tol[1], equal_nan=True,
                                   err_msg=where)


def _in_dims_choices(args):
    """Batch-dim choices for the array operands: all 0, all last (positive),
    all -1, a middle axis, alternating 0 / -1, and each operand alone unmapped
    or alone mapped (at its last axis).  Python scalars are never mapped."""
    arr = [i for i, a in enumerate(args) if _is_array(a)]
    nd = [np.ndim(a) for a in args]

    def make(pick):
        return tuple(pick(i) if i in arr else None for i in range(len(args)))

    choices = [make(lambda i: 0), make(lambda i: nd[i]), make(lambda i: -1),
               make(lambda i: (nd[i] + 1) // 2),
               make(lambda i: 0 if arr.index(i) % 2 == 0 else -1)]
    if len(arr) > 1:
        for j in arr:
            choices.append(make(lambda i: None if i == j else 0))
            choices.append(make(lambda i: nd[i] if i == j else None))
    seen, out = set(), []
    for c in choices:
        if c not in seen and any(d is not None for d in c):
            seen.add(c)
            out.append(c)
    return out[:MAX_CONFIGS]


def _batched_args(examples, k, dims, size):
    """Operand tuple for a batch of ``size`` examples of case ``k``: mapped
    operands stacked along their dim, unmapped ones taken from example 0."""
    first = examples[0][k][0]
    out = []
    for i, d in enumerate(dims):
        if d is None:
            out.append(first[i])
        else:
            out.append(_stack([examples[b][k][0][i] for b in range(size)], d, first[i]))
    return tuple(out)


def _effective(examples, k, dims, b):
    """The operands example ``b`` of the batch sees (unmapped -> example 0)."""
    return tuple(a if d is None else examples[b][k][0][i]
                 for i, (a, d) in enumerate(zip(examples[0][k][0], dims, strict=True)))


def _expected(prim, examples, k, dims, size, out_axis=0, unmapped_size=None):
    params = examples[0][k][1]
    n = size if unmapped_size is None else unmapped_size
    per = [_impl(prim, _effective(examples, k, dims, b), params) for b in range(n)]
    like = _impl(prim, examples[0][k][0], params)
    return [_stack([p[r] for p in per], out_axis, like[r]) for r in range(len(like))]


def _vmapped(prim, params, **vmap_kwargs):
    return vmapx.vmap(lambda *a: prim.bind(*a, **params), **vmap_kwargs)


def _check_case(prim, examples, k, dims, size, out_axis=0, via_pytree=False):
    """Compare one vmap call with the loop.  ``via_pytree`` passes the operands
    as one tuple argument (the general pytree path of ``vmap`` rather than its
    flat positional-array path)."""
    args, params = examples[0][k]
    where = (f"{prim.name} case {k} (shapes {[np.shape(a) for a in args]}, params {params}), "
             f"in_axes={dims}, batch size {size}, out_axes={out_axis}"
             + (", operands as one pytree" if via_pytree else ""))
    batched = _batched_args(examples, k, dims, size)
    with np.errstate(all="ignore"):
        if via_pytree:
            got = vmapx.vmap(lambda t: prim.bind(*t, **params), in_axes=(dims,),
                             out_axes=out_axis)(batched)
        else:
            got = _vmapped(prim, params, in_axes=dims, out_axes=out_axis)(*batched)
    want = _expected(prim, examples, k, dims, size, out_axis)
    got = _as_list(prim, got)
    assert len(got) == len(want), f"{where}: {len(got)} results, loop gives {len(want)}"
    for r, (g, w) in enumerate(zip(got, want, strict=True)):
        _compare(g, w, f"{where}, result {r}")


# ------------------------------------------------------------ per-case checks
# Each runs every check of one kind for case ``k`` of a primitive's samples.


def _check_abstract(prim, k, args, params):
    want = _impl(prim, args, params)
    got = prim.abstract(*[core.get_aval(a) for a in args], **params)
    got = list(got) if prim.multiple_results else [got]
    assert len(got) == len(want), f"{prim.name} case {k}: abstract gives {len(got)} results"
    for g, w in zip(got, want, strict=True):
        w = np.asarray(w)
        assert tuple(g.shape) == w.shape, f"{prim.name} case {k}: abstract shape {g.shape}, " \
            f"impl {w.shape}"
        assert np.dtype(g.dtype) == w.dtype, f"{prim.name} case {k}: abstract dtype {g.dtype}, " \
            f"impl {w.dtype}"


def _check_loop(prim, examples, k):
    """Every in_dims choice x batch size (0, 1, 3); out_axes -1; operands as one
    pytree argument; nothing mapped with ``axis_size``."""
    args, params = examples[0][k]
    choices = _in_dims_choices(args)
    for dims, size in itertools.product(choices, BATCH_SIZES):
        _check_case(prim, examples, k, dims, size)
    for dims in choices:
        _check_case(prim, examples, k, dims, 3, via_pytree=True)
    _check_case(prim, examples, k, choices[0], 3, out_axis=-1)
    dims = (None,) * len(args)
    got = _as_list(prim, _vmapped(prim, params, in_axes=dims, axis_size=2)(*args))
    want = _expected(prim, examples, k, dims, 0, unmapped_size=2)
    for g, w in zip(got, want, strict=True):
        _compare(g, w, f"{prim.name} case {k}, nothing mapped, axis_size=2")


def _nested_choices(args):
    """(outer, inner) dims per operand for vmap of vmap."""
    arr = [i for i, a in enumerate(args) if _is_array(a)]
    nd = [np.ndim(a) for a in args]

    def make(pick):
        return tuple(pick(i) if i in arr else (None, None) for i in range(len(args)))

    choices = [make(lambda i: (0, 0)), make(lambda i: (-1, nd[i])), make(lambda i: (1, -1))]
    if arr:
        j = arr[0]
        choices.append(make(lambda i: (None, 0) if i == j else (0, 0)))
        choices.append(make(lambda i: (0, None) if i == j else (-1, 0)))
    return choices


def _check_nested(prim, grid, k):
    """vmap(vmap(prim, inner), outer) against the double loop over ``grid``
    (examples by outer, inner index), with operands mapped by both, only the
    outer, or only the inner vmap."""
    no, ni = len(grid), len(grid[0])
    args, params = grid[0][0][k]
    for dims in _nested_choices(args):
        outer = tuple(o for o, _ in dims)
        inner = tuple(n for _, n in dims)
        if all(d is None for d in outer) or all(d is None for d in inner):
            continue
        batched = []
        for a, (do, di) in enumerate(dims):
            if do is None and di is None:
                batched.append(args[a])
                continue
            per_outer = []
            for i in (range(no) if do is not None else [0]):
                if di is None:
                    per_outer.append(grid[i][0][k][0][a])
                else:
                    per_outer.append(np.stack([grid[i][j][k][0][a] for j in range(ni)], di))
            batched.append(per_outer[0] if do is None else np.stack(per_outer, do))
        f = vmapx.vmap(vmapx.vmap(lambda *xs: prim.bind(*xs, **params), in_axes=inner),
                       in_axes=outer)
        with np.errstate(all="ignore"):
            got = _as_list(prim, f(*batched))
        rows = [[_impl(prim, tuple(
                    a if do is None and di is None else
                    grid[i if do is not None else 0][j if di is not None else 0][k][0][n]
                    for n, (a, (do, di)) in enumerate(zip(args, dims, strict=True))), params)
                 for j in range(ni)] for i in range(no)]
        where = f"{prim.name} case {k}, vmap(vmap(in_axes={inner}), in_axes={outer})"
        assert len(got) == len(rows[0][0]), f"{where}: {len(got)} results"
        for r in range(len(got)):
            want = np.stack([np.stack([np.asarray(rows[i][j][r]) for j in range(ni)])
                             for i in range(no)])
            _compare(got[r], want, where)


def _nested_grid(name):
    no, ni = NESTED_SIZES
    examples = _examples(name, no * ni, seed0=7)
    return [[examples[i * ni + j] for j in range(ni)] for i in range(no)]


def _live_cases(name, cases):
    """``(k, case)`` for the cases of ``name`` not listed in KNOWN_GAPS."""
    return [(k, c) for k, c in enumerate(cases) if f"{name}[{k}]" not in KNOWN_GAPS]


# ---------------------------------------------------------------- meta-test


def _gap_name(key):
    return key.split("[")[0]


def test_every_primitive_has_rules_and_samples():
    """Every registered primitive has a batching rule and an abstract rule,
    and every non-collective one has samples here (or a KNOWN_GAPS entry)."""
    for title, table in (("KNOWN_GAPS", KNOWN_GAPS), ("NOT_LOOPABLE", NOT_LOOPABLE)):
        if table:
            print(f"{title} (not checked by the loop oracle):")
            for name, why in sorted(table.items()):
                print(f"  {name}: {why}")
    missing = []
    for name, prim in sorted(core.primitives.items()):
        if name in KNOWN_GAPS:
            continue
        if prim.batch is None and prim not in batching.trace_rules:
            missing.append(f"{name}: no batching rule")
        if prim.abstract is None:
            missing.append(f"{name}: no abstract rule")
        if not isinstance(prim, core.AxisPrimitive) and name not in SAMPLES \
                and name not in NOT_LOOPABLE:
            missing.append(f"{name}: no samples in tests/samples.py")
    stale = sorted(set(SAMPLES) - set(core.primitives))
    assert not stale, f"samples for unregistered primitives: {stale}"
    stale_gaps = sorted({_gap_name(k) for k in (*KNOWN_GAPS, *NOT_LOOPABLE)}
                        - set(core.primitives))
    assert not stale_gaps, f"KNOWN_GAPS lists unregistered primitives: {stale_gaps}"
    assert not missing, "primitives not covered:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("key", sorted(k for k in KNOWN_GAPS if "[" in k))
def test_known_gap_cases_still_fail(key):
    """A case listed in KNOWN_GAPS must still fail one of the checks; once its
    owner fixes it, this test fails so that the entry is removed."""
    name = _gap_name(key)
    k = int(key.split("[")[1].rstrip("]"))
    prim = core.primitives[name]
    examples = _examples(name, max(BATCH_SIZES))
    failures = []
    for check in (lambda: _check_abstract(prim, k, *examples[0][k]),
                  lambda: _check_loop(prim, examples, k),
                  lambda: _check_nested(prim, _nested_grid(name), k)):
        try:
            check()
        except Exception as e:  # noqa: BLE001 - any failure keeps the gap open
            failures.append(e)
    assert failures, f"{key} passes every check now: remove it from KNOWN_GAPS"


def test_samples_structure_is_independent_of_rng():
    """The harness relies on every draw of a sample generator having the same
    cases, shapes, dtypes and params."""
    for name in _sampled():
        _examples(name, 3, seed0=100)


# ------------------------------------------------------------- loop oracle


@pytest.mark.parametrize("name", _sampled())
def test_abstract_rule_matches_impl(name):
    prim = core.primitives[name]
    for k, (args, params) in _live_cases(name, SAMPLES[name](np.random.default_rng(0))):
        _check_abstract(prim, k, args, params)


@pytest.mark.parametrize("name", _sampled())
def test_vmap_matches_loop(name):
    """Every case x in_dims choice x batch size (0, 1, 3); out_axes -1; the
    operands passed as one pytree argument; nothing mapped with axis_size."""
    prim = core.primitives[name]
    examples = _examples(name, max(BATCH_SIZES))
    for k, _ in _live_cases(name, examples[0]):
        _check_loop(prim, examples, k)


@pytest.mark.parametrize("name", _sampled())
def test_vmap_of_vmap_matches_loop(name):
    """Operands mapped by both vmaps, only the outer, or only the inner one."""
    prim = core.primitives[name]
    grid = _nested_grid(name)
    for k, _ in _live_cases(name, grid[0][0]):
        _check_nested(prim, grid, k)


@given(data=st.data())
def test_random_batch_dims_match_loop(data):
    """Hypothesis draws a primitive, a case, per-operand dims among None / any
    in-range positive or negative axis, and a batch size."""
    name = data.draw(st.sampled_from(_sampled()), label="primitive")
    prim = core.primitives[name]
    size = data.draw(st.integers(0, 4), label="size")
    examples = _examples(name, max(size, 1), seed0=data.draw(st.integers(0, 1000)))
    live = [k for k, _ in _live_cases(name, examples[0])]
    k = data.draw(st.sampled_from(live), label="case")
    args = examples[0][k][0]
    dims = []
    for a in args:
        if _is_array(a):
            r = np.ndim(a) + 1
            dims.append(data.draw(st.one_of(st.none(), st.integers(-r, r - 1))))
        else:
            dims.append(None)
    if all(d is None for d in dims):
        first = next((i for i, a in enumerate(args) if _is_array(a)), None)
        if first is None:
            return
        dims[first] = 0
    out_axis = data.draw(st.sampled_from([0, -1]), label="out_axes")
    _check_case(prim, examples, k, tuple(dims), size, out_axis)
