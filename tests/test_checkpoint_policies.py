"""``checkpoint`` keeps what its policy saves and recomputes the rest: the
residuals reverse mode holds, and values / derivatives equal to the plain
function under every composition of transforms."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.ad_checkpoint import checkpoint_name, saved_residuals

from thread_checks import errors_in_threads

P = vmapx.checkpoint_policies


def g(W, x):
    return jnp.sin(jnp.dot(W, x))


def chain(W1, W2, W3, x):
    return g(W3, g(W2, g(W1, x)))


def named_chain(W1, W2, W3, x):
    x = checkpoint_name(g(W1, x), "a")
    x = checkpoint_name(g(W2, x), "b")
    return checkpoint_name(g(W3, x), "c")


ARGS = (np.linspace(0.1, 1.0, 20).reshape(5, 4), np.linspace(-1, 1, 30).reshape(6, 5),
        np.linspace(0.2, 0.9, 42).reshape(7, 6), np.linspace(0, 1, 4))


def kept(f, *args):
    """The residuals as (shape, what), the source line dropped."""
    return [(a.shape, what.split(" from <")[0].split(" from /")[0])
            for a, what in saved_residuals(f, *args)]


ARGUMENTS = [((5, 4), "from the argument W1"), ((6, 5), "from the argument W2"),
             ((7, 6), "from the argument W3"), ((4,), "from the argument x")]


def test_without_checkpoint_every_intermediate_is_kept():
    assert kept(chain, *ARGS) == ARGUMENTS + [
        ((5,), "output of sin"), ((5,), "output of cos"), ((6,), "output of sin"),
        ((6,), "output of cos"), ((7,), "output of cos")]


def test_checkpointed_calls_keep_their_inputs_only():
    def f(W1, W2, W3, x):
        x = vmapx.checkpoint(g)(W1, x)
        x = vmapx.checkpoint(g)(W2, x)
        return vmapx.checkpoint(g)(W3, x)

    # each call's input: the arguments, and the outputs of the first two sines
    assert kept(f, *ARGS) == ARGUMENTS + [((5,), "output of sin"), ((6,), "output of sin")]


@pytest.mark.parametrize("policy, extra", [
    (None, []),
    (P.nothing_saveable, []),
    (P.dots_with_no_batch_dims_saveable,
     [((5,), "output of dot_general"), ((6,), "output of dot_general"),
      ((7,), "output of dot_general")]),
    (P.dots_saveable, [((5,), "output of dot_general"), ((6,), "output of dot_general"),
                       ((7,), "output of dot_general")]),
])
def test_a_policy_decides_which_values_are_kept(policy, extra):
    assert kept(vmapx.checkpoint(chain, policy=policy), *ARGS) == ARGUMENTS + extra


def test_everything_saveable_keeps_what_the_plain_function_keeps():
    assert kept(vmapx.checkpoint(chain, policy=P.everything_saveable), *ARGS) == \
        kept(chain, *ARGS)


@pytest.mark.parametrize("policy, names", [
    (P.save_only_these_names("a"), ["a"]),
    (P.save_only_these_names("a", "b"), ["a", "b"]),
    (P.save_any_names_but_these("b"), ["a"]),
    (P.save_from_both_policies(P.save_only_these_names("a"),
                               P.save_only_these_names("b")), ["a", "b"]),
])
def test_named_values_are_kept_by_name(policy, names):
    found = kept(vmapx.checkpoint(named_chain, policy=policy), *ARGS)
    assert found[:4] == ARGUMENTS
    assert [w for _, w in found[4:]] == [f"named '{n}'" for n in names]


def test_sites_name_the_users_line_even_for_recomputed_bodies():
    f = vmapx.checkpoint(named_chain, policy=P.save_only_these_names("a"))
    (_, what), = [r for r in saved_residuals(f, *ARGS) if "named" in r[1]]
    line = named_chain.__code__.co_firstlineno + 1
    assert what == f"named 'a' from {__file__}:{line}:8 (named_chain)"


POLICIES = [None, P.everything_saveable, P.dots_saveable, P.save_only_these_names("a")]


def loss(W1, W2, W3, x):
    return jnp.sum(named_chain(W1, W2, W3, x) ** 2)


@pytest.mark.parametrize("policy", POLICIES)
def test_derivatives_equal_the_plain_functions(policy):
    f = vmapx.checkpoint(loss, policy=policy)
    close = np.testing.assert_allclose
    for a, b in zip(vmapx.grad(f, argnums=(0, 1, 2, 3))(*ARGS),
                    vmapx.grad(loss, argnums=(0, 1, 2, 3))(*ARGS)):
        close(a, b, rtol=1e-12)
    close(vmapx.jit(vmapx.grad(f))(*ARGS), vmapx.grad(loss)(*ARGS), rtol=1e-12)
    close(vmapx.grad(vmapx.jit(f))(*ARGS), vmapx.grad(loss)(*ARGS), rtol=1e-12)
    close(vmapx.jacfwd(f, argnums=3)(*ARGS), vmapx.jacfwd(loss, argnums=3)(*ARGS), rtol=1e-12)
    close(vmapx.hessian(f, argnums=3)(*ARGS), vmapx.hessian(loss, argnums=3)(*ARGS),
          rtol=1e-10)
    xs = np.stack([ARGS[3], ARGS[3] * 0.5, ARGS[3] + 1])
    close(vmapx.vmap(vmapx.grad(f, argnums=3), (None, None, None, 0))(*ARGS[:3], xs),
          np.stack([vmapx.grad(loss, argnums=3)(*ARGS[:3], x) for x in xs]), rtol=1e-12)
    out, vjp = vmapx.vjp(vmapx.checkpoint(named_chain, policy=policy), *ARGS)
    out2, vjp2 = vmapx.vjp(named_chain, *ARGS)
    close(out, out2)
    for a, b in zip(vjp(np.ones(7)), vjp2(np.ones(7))):
        close(a, b, rtol=1e-12)


def test_grad_of_vmap_keeps_the_checkpoint_boundary():
    h = vmapx.checkpoint(lambda x: jnp.sin(jnp.sin(x)))
    f = lambda xs: jnp.sum(vmapx.vmap(h)(xs))  # noqa: E731
    assert kept(f, np.ones((3, 2))) == [((3, 2), "from the argument xs")]
    np.testing.assert_allclose(vmapx.grad(f)(np.ones((3, 2))),
                               np.cos(np.sin(1.0)) * np.cos(1.0) * np.ones((3, 2)))


def test_a_closed_over_derivative_input_is_differentiated():
    def f(w):
        return vmapx.checkpoint(lambda x: w * jnp.sin(x))(2.0)

    np.testing.assert_allclose(vmapx.grad(f)(3.0), np.sin(2.0))
    np.testing.assert_allclose(vmapx.grad(vmapx.grad(lambda w: f(w) * w))(3.0),
                               2 * np.sin(2.0))


def test_static_arguments_reach_the_function_as_given():
    def f(x, n, *, mode):
        for _ in range(n):
            x = jnp.sin(x) if mode == "sin" else jnp.cos(x)
        return x

    h = vmapx.checkpoint(f, static_argnums=(1,), static_argnames=("mode",))
    np.testing.assert_allclose(vmapx.grad(lambda x: h(x, 2, mode="sin"))(0.5),
                               np.cos(np.sin(0.5)) * np.cos(0.5))
    assert kept(lambda x: h(x, 3, mode="sin"), 0.5) == [((), "from the argument x")]


def test_plain_calls_run_the_function_and_jit_shows_the_call():
    calls = []

    def f(x):
        calls.append(1)
        return jnp.sin(x) * 2

    h = vmapx.checkpoint(f)
    np.testing.assert_allclose(h(np.ones(3)), 2 * np.sin(np.ones(3)))
    np.testing.assert_allclose(vmapx.vmap(h)(np.ones((2, 3))), 2 * np.sin(np.ones((2, 3))))
    assert len(calls) == 2
    jaxpr = vmapx.make_jaxpr(h)(np.ones(3))
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns] == ["checkpoint"]
    np.testing.assert_allclose(vmapx.jit(h)(np.ones(3)), 2 * np.sin(np.ones(3)))


def test_loops_inside_a_checkpoint_differentiate():
    def f(x):
        return vmapx.lax.fori_loop(0, 3, lambda i, c: jnp.sin(c) * 1.5, x)

    h = vmapx.checkpoint(f, policy=P.nothing_saveable)
    np.testing.assert_allclose(vmapx.grad(h)(0.3), vmapx.grad(f)(0.3), rtol=1e-12)
    np.testing.assert_allclose(vmapx.jacfwd(h)(np.ones(2) * 0.3),
                               vmapx.jacfwd(f)(np.ones(2) * 0.3), rtol=1e-12)


def test_residuals_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax._src.ad_checkpoint import saved_residuals as jax_saved
    from jax.ad_checkpoint import checkpoint_name as jname
    jnp_ = jax.numpy

    def jg(W, x):
        return jnp_.sin(jnp_.dot(W, x))

    def jchain(W1, W2, W3, x):
        x = jname(jg(W1, x), "a")
        x = jname(jg(W2, x), "b")
        return jname(jg(W3, x), "c")

    JP = jax.checkpoint_policies
    for ours, theirs in [(P.dots_saveable, JP.dots_saveable),
                         (P.save_only_these_names("b"), JP.save_only_these_names("b")),
                         (P.save_any_names_but_these("a"), JP.save_any_names_but_these("a")),
                         (None, None)]:
        got = [(a.shape, w.split(" from <")[0].split(" from /")[0])
               for a, w in saved_residuals(vmapx.checkpoint(named_chain, policy=ours), *ARGS)]
        want = [(a.shape, w.split(" from <")[0].split(" from /")[0])
                for a, w in jax_saved(jax.checkpoint(jchain, policy=theirs), *ARGS)]
        assert got == want


def test_two_operand_einsums_count_as_dots_for_the_dot_policies():
    def f(x, spec):
        x = jnp.sin(jnp.einsum(spec, x, x))
        return jnp.sin(jnp.einsum(spec, x, x))

    plain, batched = np.ones((2, 2)) * 0.3, np.ones((3, 2, 2)) * 0.3
    no_batch = P.dots_with_no_batch_dims_saveable
    h = vmapx.checkpoint(f, policy=no_batch, static_argnums=1)
    assert [w for _, w in kept(lambda x: h(x, "ij,jk->ik"), plain)] == \
        ["from the argument x", "output of einsum", "output of einsum"]
    # a letter in both operands and the output is a batch dimension: not saved
    assert [w for _, w in kept(lambda x: h(x, "nij,njk->nik"), batched)] == \
        ["from the argument x"]
    h = vmapx.checkpoint(f, policy=P.dots_saveable, static_argnums=1)
    assert len(kept(lambda x: h(x, "nij,njk->nik"), batched)) == 3


def test_checkpointed_grads_and_saved_residuals_in_threads():
    want = vmapx.grad(loss, argnums=(0, 1, 2, 3))(*ARGS)
    want_kept = kept(vmapx.checkpoint(named_chain, policy=P.save_only_these_names("a")), *ARGS)

    def work(k):
        for _ in range(5):
            f = vmapx.checkpoint(loss, policy=POLICIES[k % len(POLICIES)])
            for a, b in zip(vmapx.grad(f, argnums=(0, 1, 2, 3))(*ARGS), want):
                np.testing.assert_allclose(a, b, rtol=1e-12)
            assert kept(vmapx.checkpoint(named_chain, policy=P.save_only_these_names("a")),
                        *ARGS) == want_kept

    assert errors_in_threads(work) == []
