"""``vmapx.experimental.checkify``: the messages of user, NaN, division and
index checks (JAX's wording, compared with JAX x64 where installed), the
error value under ``jit`` and ``vmap`` (a batched error reports each failing
example, ``throw`` the first), checks inside ``jit``, ``while_loop``,
``scan`` and ``cond`` bodies, and ``check`` outside ``checkify``."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax
from vmapx.experimental import checkify

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's NaN warnings


def indexed_sin(np_, ck):
    def f(x, i):
        ck.check(i >= 0, "index needs to be non-negative, got {i}", i=i)
        return np_.sin(x[i])
    return f


def loop_with_checks(np_, lax_, ck):
    def f(x):
        def body(c):
            ck.check(c[1] < 5.0, "too big {}", c[1])
            return c[0] + 1, np_.log(c[1] - 2.0)
        return lax_.while_loop(lambda c: c[0] < 3, body, (0, x))[1]
    return f


def loop_with_checked_predicate(np_, lax_, ck):
    def f(x):
        def cond(c):
            ck.check(c[1] < 100.0, "cond: too big {}", c[1])
            return np_.log(c[1]) < 4.7
        return lax_.while_loop(cond, lambda c: (c[0] + 1, c[1] * 3.0), (0, x))
    return f


def scan_with_checks(np_, lax_, ck):
    def f(xs):
        def body(c, x):
            ck.check(x < 3.0, "x too big {}", x)
            return c + np_.sqrt(x), c
        return lax_.scan(body, 0.0, xs)
    return f


def switch_with_checks(np_, lax_, ck):
    def f(i, x):
        def b0(v):
            ck.check(v > 0, "b0 {}", v)
            return v

        def b2(v):
            ck.check(v < 10, "b2 {}", v)
            return np_.log(v)
        return lax_.switch(i, [b0, np_.sqrt, b2], x)
    return f


CASES = [
    ("user check", lambda n, l, c: indexed_sin(n, c), "all", (np.ones(5), np.array(-2))),
    ("out of bounds", lambda n, l, c: indexed_sin(n, c), "all", (np.ones(5), np.array(7))),
    ("nan", lambda n, l, c: indexed_sin(n, c), "all", (np.array([np.inf, 1.0]), np.array(0))),
    ("no error", lambda n, l, c: indexed_sin(n, c), "all", (np.ones(5), np.array(2))),
    ("integer division", lambda n, l, c: (lambda a, b: a // b), "all",
     (np.arange(3), np.arange(3))),
    ("float division", lambda n, l, c: (lambda a, b: a / b), "float",
     (np.arange(3.0), np.zeros(3))),
    ("log of negative", lambda n, l, c: n.log, "nan", (np.array(-1.0),)),
    ("nan checks off", lambda n, l, c: n.log, "user", (np.array(-1.0),)),
    ("negative out of bounds", lambda n, l, c: indexed_sin(n, c), "index",
     (np.ones(5), np.array(-6))),
    ("first offending of several", lambda n, l, c: (lambda x, i: x[i]), "index",
     (np.ones(5), np.array([1, -7, 9]))),
    ("second axis", lambda n, l, c: (lambda x, i, j: x[i, j]), "index",
     (np.ones((2, 3)), np.array(1), np.array(4))),
    ("dynamic_slice past the end", lambda n, l, c: (lambda x, i: l.dynamic_slice(x, (i,), (2,))),
     "index", (np.ones(3), np.array(2))),
    ("dynamic_slice negative start", lambda n, l, c: (lambda x, i: l.dynamic_slice(x, (i,), (2,))),
     "index", (np.ones(3), np.array(-5))),
    ("dynamic_slice in bounds", lambda n, l, c: (lambda x, i: l.dynamic_slice(x, (i,), (2,))),
     "index", (np.ones(3), np.array(1))),
    ("dynamic_slice second axis",
     lambda n, l, c: (lambda x, i, j: l.dynamic_slice(x, (i, j), (1, 2))), "index",
     (np.ones((2, 3)), np.array(1), np.array(2))),
    ("dynamic_update_slice", lambda n, l, c: (lambda x, i: l.dynamic_update_slice(
        x, n.ones(2), (i,))), "index", (np.ones(3), np.array(2))),
    ("update out of bounds", lambda n, l, c: (lambda x, i: n.ones(3).at[i].set(x)), "index",
     (np.array(1.0), np.array(5))),
    ("while: first in program order", loop_with_checks, "all", (np.array(1.0),)),
    ("while: check", loop_with_checks, "all", (np.array(10.0),)),
    ("while: predicate checked on the initial carry", loop_with_checked_predicate, "all",
     (np.array(200.0),)),
    ("while: predicate checked after iterations", loop_with_checked_predicate, "all",
     (np.array(20.0),)),
    ("while: nan in the predicate", loop_with_checked_predicate, "all", (np.array(-1.0),)),
    ("while: predicate fine", loop_with_checked_predicate, "all", (np.array(1.0),)),
    ("scan", scan_with_checks, "all", (np.array([1.0, 4.0, -1.0]),)),
    ("scan: no error", scan_with_checks, "all", (np.array([1.0, 2.0]),)),
    ("switch 0", switch_with_checks, "all", (np.array(0), np.array(-1.0))),
    ("switch 1", switch_with_checks, "all", (np.array(1), np.array(-1.0))),
    ("switch 2", switch_with_checks, "all", (np.array(2), np.array(20.0))),
    ("switch: no error", switch_with_checks, "all", (np.array(2), np.array(3.0))),
]


def _error_set(module, name):
    return {"all": module.all_checks, "float": module.float_checks, "nan": module.nan_checks,
            "user": module.user_checks, "index": module.index_checks}[name]


def _jax_checkify():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.experimental import checkify as jax_checkify
    return jax, jax_checkify


@pytest.mark.parametrize("name,make,errors,args", CASES, ids=[c[0] for c in CASES])
def test_error_message_matches_jax(name, make, errors, args):
    jax, jax_checkify = _jax_checkify()
    ours, _ = checkify.checkify(make(jnp, lax, checkify), errors=_error_set(checkify, errors))(
        *args)
    theirs, _ = jax_checkify.checkify(make(jax.numpy, jax.lax, jax_checkify),
                                      errors=_error_set(jax_checkify, errors))(
        *[jax.numpy.asarray(a) for a in args])
    assert ours.get() == theirs.get()


@pytest.mark.parametrize("name,make,errors,args", CASES, ids=[c[0] for c in CASES])
def test_jit_of_checkify_equals_eager(name, make, errors, args):
    checked = checkify.checkify(make(jnp, lax, checkify), errors=_error_set(checkify, errors))
    eager_err, eager_out = checked(*args)
    jit_err, jit_out = vmapx.jit(checked)(*args)
    assert jit_err.get() == eager_err.get()
    for a, b in zip(vmapx.tree_util.tree_leaves(jit_out), vmapx.tree_util.tree_leaves(eager_out),
                    strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_user_check_message_and_exception_class():
    err, y = checkify.checkify(indexed_sin(jnp, checkify))(jnp.ones(5), jnp.array(-2))
    assert err.get() == "index needs to be non-negative, got -2 (`check` failed)"
    assert isinstance(err.get_exception(), checkify.FailedCheckError)
    assert isinstance(err.get_exception(), checkify.JaxException)
    with pytest.raises(checkify.JaxRuntimeError, match="non-negative, got -2"):
        err.throw()
    assert repr(err) == "Error(index needs to be non-negative, got -2 (`check` failed))"


def test_no_failure_gives_none_and_throw_does_nothing():
    err, y = checkify.checkify(indexed_sin(jnp, checkify),
                               errors=checkify.all_checks)(jnp.ones(5), jnp.array(2))
    assert err.get() is None and err.get_exception() is None
    err.throw()
    np.testing.assert_allclose(np.asarray(y), np.sin(1.0))
    assert repr(err) == "Error(None)"
    assert checkify.init_error().get() is None


def test_error_classes_per_check_kind():
    checked = checkify.checkify(indexed_sin(jnp, checkify), errors=checkify.all_checks)
    assert isinstance(checked(jnp.ones(5), jnp.array(9))[0].get_exception(), checkify.OOBError)
    assert isinstance(checked(jnp.array([np.inf]), jnp.array(0))[0].get_exception(),
                      checkify.NaNError)
    div = checkify.checkify(lambda a: 1 // a, errors=checkify.div_checks)(jnp.array(0))[0]
    assert isinstance(div.get_exception(), checkify.DivisionByZeroError)


def test_error_sets_are_unions_as_in_jax():
    assert checkify.float_checks == checkify.nan_checks | checkify.div_checks
    assert checkify.automatic_checks == checkify.float_checks | checkify.index_checks
    assert checkify.all_checks == checkify.automatic_checks | checkify.user_checks
    assert checkify.user_checks == frozenset({checkify.FailedCheckError})


def test_only_the_selected_checks_run():
    f = indexed_sin(jnp, checkify)
    assert checkify.checkify(f, errors=checkify.user_checks)(
        jnp.ones(5), jnp.array(9))[0].get() is None
    assert checkify.checkify(f, errors=checkify.index_checks)(
        jnp.ones(5), jnp.array(-1))[0].get() is None
    assert checkify.checkify(f, errors=checkify.index_checks)(
        jnp.ones(5), jnp.array(-6))[0].get().startswith("out-of-bounds indexing")


def test_vmap_of_checkify_reports_each_failing_example_and_throws_the_first():
    checked = checkify.checkify(indexed_sin(jnp, checkify), errors=checkify.all_checks)
    xs, idx = jnp.ones((3, 5)), jnp.array([-1, 2, 100])
    errs, out = vmapx.vmap(checked)(xs, idx)
    assert errs.get() == (
        "at mapped index 0: index needs to be non-negative, got -1 (`check` failed)\n"
        "at mapped index 2: out-of-bounds indexing for array of shape (5,): index 100 is out "
        "of bounds for axis 0 with size 5. ")
    with pytest.raises(checkify.JaxRuntimeError) as info:
        errs.throw()
    assert str(info.value) == "index needs to be non-negative, got -1 (`check` failed)"
    # the outputs are the loop's
    looped = np.stack([np.asarray(checked(x, i)[1]) for x, i in zip(xs, idx, strict=True)])
    np.testing.assert_array_equal(np.asarray(out), looped)
    # and so is each example's error
    for k, (x, i) in enumerate(zip(xs, idx, strict=True)):
        single = checked(x, i)[0].get()
        line = [ln for ln in (errs.get() or "").split("\n")
                if ln.startswith(f"at mapped index {k}: ")]
        assert (single is None and not line) or line == [f"at mapped index {k}: {single}"]


def test_checkify_of_vmap_gives_one_error_for_the_last_failing_example_as_jax():
    checked = checkify.checkify(vmapx.vmap(indexed_sin(jnp, checkify)),
                                errors=checkify.all_checks)
    err, _ = checked(jnp.ones((3, 5)), jnp.array([1, -2, 100]))
    assert err.get() == "index needs to be non-negative, got -2 (`check` failed)"

    def positive(x):
        checkify.check(x > 0, "not positive: {}", x)
        return x
    for run in (checkify.checkify(vmapx.vmap(positive)),
                vmapx.jit(checkify.checkify(vmapx.vmap(positive)))):
        err, _ = run(jnp.array([1.0, -2.0, -3.0, 5.0]))
        assert err.get() == "not positive: -3.0 (`check` failed)"


def test_vmap_of_checks_in_a_loop_equals_the_loop():
    checked = checkify.checkify(loop_with_checks(jnp, lax, checkify), errors=checkify.all_checks)
    xs = np.array([1.0, 10.0, 2.5, 3.5])
    errs, outs = vmapx.vmap(checked)(xs)
    lines = (errs.get() or "").split("\n")
    for k, x in enumerate(xs):
        single = checked(x)[0].get()
        assert (f"at mapped index {k}: {single}" in lines) == (single is not None)
    np.testing.assert_array_equal(np.asarray(outs), [np.asarray(checked(x)[1]) for x in xs])


def test_checks_inside_jit_are_seen():
    err, _ = checkify.checkify(vmapx.jit(indexed_sin(jnp, checkify)))(jnp.ones(5),
                                                                     jnp.array(-2))
    assert err.get() == "index needs to be non-negative, got -2 (`check` failed)"


def test_checkify_of_grad_checks_the_forward_pass():
    def g(x):
        checkify.check(x > 0, "x must be positive: {x}", x=x)
        return jnp.log(x)
    err, dx = checkify.checkify(vmapx.grad(g))(-1.0)
    assert err.get() == "x must be positive: -1.0 (`check` failed)"
    np.testing.assert_allclose(float(dx), -1.0)


def test_check_outside_checkify_raises_eagerly_and_under_vmap():
    checkify.check(jnp.array(True), "fine")
    with pytest.raises(checkify.JaxRuntimeError, match=r"^oops 3 \(`check` failed\)$"):
        checkify.check(jnp.array(False), "oops {}", jnp.array(3))

    def f(x):
        checkify.check(x > 0, "not positive: {}", x)
        return x
    with pytest.raises(checkify.JaxRuntimeError, match="not positive: -3.0"):   # the last, as JAX
        vmapx.vmap(f)(jnp.array([1.0, -2.0, -3.0, 5.0]))


def test_staging_a_check_without_checkify_is_an_error():
    with pytest.raises(ValueError, match="Cannot abstractly evaluate a checkify.check which "
                                         "was not functionalized"):
        vmapx.jit(lambda x: checkify.check(x > 0, "pos"))(1.0)


def test_check_argument_errors_match_jax():
    with pytest.raises(TypeError, match="check takes a scalar pred as argument"):
        checkify.check(jnp.array([True, False]), "oops")
    with pytest.raises(TypeError, match="Formatting arguments to checkify.check need to be "
                                        "PyTrees of arrays, but got 3 of type <class 'int'>"):
        checkify.check(jnp.array(True), "oops {}", 3)


def test_index_checks_leave_programs_traced_outside_checkify_unchanged():
    """The bounds checks are staged only while checkify traces."""
    jaxpr = str(vmapx.make_jaxpr(lambda x, i: x[i])(np.ones(3), 1))
    assert "check" not in jaxpr
    checked = checkify.checkify(lambda x, i: x[i], errors=checkify.index_checks)
    assert checked(np.ones(3), 5)[0].get() is not None
    assert "check" not in str(vmapx.make_jaxpr(lambda x, i: x[i])(np.ones(3), 1))


def test_error_is_a_pytree_that_crosses_jit():
    checked = vmapx.jit(checkify.checkify(indexed_sin(jnp, checkify)))
    err, _ = checked(jnp.ones(5), jnp.array(-3))
    leaves, tree = vmapx.tree_util.tree_flatten(err)
    assert [np.asarray(x).dtype for x in leaves[:2]] == [np.bool_, np.int64]
    rebuilt = vmapx.tree_util.tree_unflatten(tree, leaves)
    assert rebuilt.get() == err.get()


def custom_rules(np_, ck, custom_jvp, custom_vjp):
    @custom_jvp
    def f(x):
        ck.check(x > -5, "f: {}", x)
        return np_.log(x)
    f.defjvp(lambda p, t: (f(p[0]), t[0] / p[0]))

    @custom_vjp
    def g(x):
        return np_.sqrt(x)
    g.defvjp(lambda x: (g(x), x), lambda r, ct: (ct / r,))
    return lambda x: f(x) + g(x)


@pytest.mark.parametrize("x", [1.0, -1.0, -10.0])
def test_checks_inside_custom_jvp_and_custom_vjp_functions_match_jax(x):
    jax, jax_checkify = _jax_checkify()
    ours = checkify.checkify(custom_rules(jnp, checkify, vmapx.custom_jvp, vmapx.custom_vjp),
                             errors=checkify.all_checks)(x)[0]
    theirs = jax_checkify.checkify(custom_rules(jax.numpy, jax_checkify, jax.custom_jvp,
                                                jax.custom_vjp),
                                   errors=jax_checkify.all_checks)(x)[0]
    assert ours.get() == theirs.get()


def test_a_custom_rule_without_checks_is_kept():
    @vmapx.custom_jvp
    def double(x):
        return 2.0 * x
    double.defjvp(lambda p, t: (double(p[0]), 10.0 * t[0]))   # deliberately not 2
    checked = checkify.checkify(double)
    assert float(vmapx.grad(lambda x: checked(x)[1])(1.0)) == 10.0


def test_a_jitted_function_traced_before_gets_its_index_checks_inside_checkify():
    g = vmapx.jit(lambda x, i: x[i])
    assert float(g(np.ones(3), 1)) == 1.0
    err, _ = checkify.checkify(g, errors=checkify.index_checks)(np.ones(3), 5)
    assert err.get().startswith("out-of-bounds indexing for array of shape (3,): index 5")
    assert float(g(np.ones(3), 5)) == 1.0     # outside checkify: clamped, no error


def test_debug_check_does_nothing_outside_checkify_and_checks_inside():
    def f(x):
        checkify.debug_check(x > 0, "neg {}", x)
        return x * 2
    assert float(f(jnp.array(-1.0))) == -2.0
    assert float(vmapx.jit(f)(jnp.array(-1.0))) == -2.0
    np.testing.assert_array_equal(np.asarray(vmapx.vmap(f)(jnp.array([1.0, -1.0]))), [2.0, -2.0])
    assert checkify.checkify(f)(jnp.array(-1.0))[0].get() == "neg -1.0 (`check` failed)"


def test_check_error_raises_outside_checkify_and_merges_inside():
    def f(x):
        checkify.check(x > 0, "neg {}", x)
        return x * 2
    err, _ = checkify.checkify(f)(jnp.array(-1.0))
    with pytest.raises(checkify.JaxRuntimeError, match=r"neg -1.0 \(`check` failed\)"):
        checkify.check_error(err)
    checkify.check_error(checkify.checkify(f)(jnp.array(1.0))[0])   # nothing failed

    def g(x):
        inner_err, y = checkify.checkify(f)(x)
        checkify.check_error(inner_err)
        return jnp.log(y)
    outer = checkify.checkify(g, errors=checkify.all_checks)
    assert outer(jnp.array(-3.0))[0].get() == "neg -3.0 (`check` failed)"
    assert vmapx.jit(outer)(jnp.array(-3.0))[0].get() == "neg -3.0 (`check` failed)"
    assert outer(jnp.array(3.0))[0].get() is None
    errs, _ = vmapx.vmap(outer)(jnp.array([1.0, -2.0]))
    assert errs.get() == "at mapped index 1: neg -2.0 (`check` failed)"
    with pytest.raises(ValueError, match="Cannot abstractly evaluate a checkify.check"):
        vmapx.jit(g)(jnp.array(-3.0))
    with pytest.raises(TypeError, match="check_error takes an Error as argument"):
        checkify.check_error("not an error")


def test_the_nan_and_division_checks_name_registered_primitives():
    from vmapx._src import checkify as impl, core
    assert impl._NAN_PRIMITIVES <= set(core.primitives)
    assert impl._DIVISIONS <= impl._NAN_PRIMITIVES
