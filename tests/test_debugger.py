"""``vmapx.debug.breakpoint``: the debugger opens at run time with the frame's
concrete values, under every transform."""
import io

import numpy as np

import vmapx
import vmapx.numpy as jnp


def run(monkeypatch, capsys, commands, fn, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(commands))
    out = fn(*args)
    return out, capsys.readouterr().out


def f(x):
    y = jnp.sin(x) * 2
    label = "scaled"
    vmapx.debug.breakpoint()
    return y + 1


def test_values_are_concrete_at_run_time_under_jit(monkeypatch, capsys):
    out, printed = run(monkeypatch, capsys, "p y\np label\nc\n", vmapx.jit(f), np.float64(0.5))
    assert float(out) == 2 * np.sin(0.5) + 1
    assert "(vmapx_debug) array(0.95885108)" in printed      # 2 sin(0.5), concrete
    assert "'scaled'" in printed and "Entering vmapx_debug at" in printed
    # a second execution of the compiled function opens it again
    _, again = run(monkeypatch, capsys, "c\n", vmapx.jit(f), np.float64(1.0))
    assert again.count("Entering vmapx_debug") == 1


def test_once_per_example_under_vmap_and_primal_under_grad(monkeypatch, capsys):
    xs = np.array([0.0, 1.0, 2.0])
    out, printed = run(monkeypatch, capsys, "p float(x)\nc\n" * 3, vmapx.vmap(f), xs)
    np.testing.assert_allclose(out, 2 * np.sin(xs) + 1)
    assert printed.count("Entering vmapx_debug") == 3
    assert "0.0" in printed and "1.0" in printed and "2.0" in printed
    g, printed = run(monkeypatch, capsys, "p x\n", vmapx.grad(f), 0.25)
    np.testing.assert_allclose(g, 2 * np.cos(0.25))
    assert "0.25" in printed


def test_commands_list_where_statements_and_end_of_input(monkeypatch, capsys):
    commands = "l\nw\nz = y * 10\np z\npp [1, 2]\nnot_defined\n"   # then end of input
    out, printed = run(monkeypatch, capsys, commands, f, np.float64(0.5))
    assert float(out) == 2 * np.sin(0.5) + 1
    assert "->     vmapx.debug.breakpoint()" in printed          # the list marks the line
    assert "in f" in printed                                      # where
    assert "9.588510" in printed                                  # z = y * 10
    assert "[1, 2]" in printed and "*** NameError" in printed


def test_breakpoint_in_a_cond_branch_only_when_taken(monkeypatch, capsys):
    def check(x):
        def true_fn(x):
            pass

        def false_fn(x):
            vmapx.debug.breakpoint()
        vmapx.lax.cond(jnp.isfinite(x).all(), true_fn, false_fn, x)
        return x

    g = vmapx.jit(lambda a, b: check(a / b))
    _, quiet = run(monkeypatch, capsys, "", g, 2.0, 1.0)
    assert "Entering" not in quiet
    _, loud = run(monkeypatch, capsys, "p x\nc\n", g, 2.0, 0.0)
    assert "Entering" in loud and "inf" in loud


def test_effects_inside_control_flow_survive_jit(capsys):
    def f(x):
        vmapx.lax.cond(x > 0, lambda x: vmapx.debug.print("pos {x}", x=x), lambda x: None, x)

        def body(c, _):
            vmapx.debug.print("scan {c}", c=c)
            return c, None
        vmapx.lax.scan(body, x, None, length=2)          # result unused
        return x

    vmapx.jit(f)(1.0)
    assert capsys.readouterr().out.split("\n")[:3] == ["pos 1.0", "scan 1.0", "scan 1.0"]
