"""Run JAX programs with ``jax`` swapped for vmapx and compare what they print
with what they print under JAX (x64 on): the "real programs" parity check.

Not part of the test suite (pytest never collects ``tools/``). The programs in
``tools/programs/`` are ours, written the way JAX users write them (GP
regression, HMC, ODE integration, molecular dynamics, a transformer block with
Adam, Kalman filtering, Monte Carlo, custom derivatives, cellular automata, GNN
message passing, pytrees, NumPy-style code, stax training, debugging and
errors, SciPy's distributions / optimizer / odeint, a GPT-style model with typed
keys, a RealNVP flow, a physics-informed network, Ising Metropolis, EM for a
Gaussian mixture, gradient checkpointing with policies); each prints its
results.

Each program runs twice in a fresh interpreter: once with JAX (x64 enabled)
and once with every ``jax`` / ``jax.*`` import resolved to ``vmapx`` /
``vmapx.*`` (a meta-path alias; the program text is unchanged). The outputs
are compared token by token: numbers within a relative tolerance (``--rtol``,
default 1e-6; XLA and NumPy round transcendental functions differently in the
last bits), the rest exactly after normalizing the array repr (``Array(...,
dtype=float64)`` vs ``array(...)``).

Usage::

    python tools/jax_programs.py                 # all programs
    python tools/jax_programs.py p05_attn p07_mc # some of them
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
REPO = HERE.parent

ALIAS = r'''
import importlib, importlib.abc, importlib.util, runpy, sys

class Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "jax" or name.startswith("jax."):
            return importlib.util.spec_from_loader(name, self)
        return None
    def create_module(self, spec):
        module = importlib.import_module("vmapx" + spec.name[3:])
        sys.modules[spec.name] = module
        return module
    def exec_module(self, module):
        pass

side, path = sys.argv[1], sys.argv[2]
if side == "vmapx":
    sys.meta_path.insert(0, Alias())
else:
    import jax
    jax.config.update("jax_enable_x64", True)
'''
"""The runners' prelude: ``jax`` imports resolved to vmapx (side ``vmapx``) or JAX
with x64 on (side ``jax``); ``side`` and ``path`` from the command line."""

RUNNER = ALIAS + r'''
sys.argv = [path]
runpy.run_path(path, run_name="__main__")
'''

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def run(side: str, program: Path, timeout: int) -> str:
    out = subprocess.run([sys.executable, "-c", RUNNER, side, str(program)],
                         capture_output=True, text=True, timeout=timeout, cwd=program.parent,
                         env={"PYTHONPATH": str(REPO / "src"), "JAX_PLATFORMS": "cpu",
                              "PATH": "/usr/bin:/bin"})
    return out.stdout + (f"\n[exit {out.returncode}] {out.stderr.strip().splitlines()[-1]}"
                         if out.returncode else "")


def normalize(text: str) -> str:
    """JAX's array repr to NumPy's: ``Array([1., 2.], dtype=float64)`` ->
    ``array([1., 2.])`` (the values are what is compared); JAX's typed Python
    scalars to plain ones; runs of blanks (column padding) to one."""
    text = re.sub(r",\s*dtype=(float64|int64|complex128|bool)(, weak_type=True)?\)", ")", text)
    text = re.sub(r",\s*shape=\(\d+(, \d+)*,?\)", "", text)   # NumPy 2's summarized repr
    text = re.sub(r", weak_type=True\)", ")", text)
    text = text.replace("Array(", "array(")
    text = re.sub(r"\b0x[0-9a-f]{6,}\b", "0x#", text)   # object addresses
    text = re.sub(r"TypedFloat\(([^,()]*)(, dtype=\w+)?\)", r"\1", text)  # JAX's typed scalars
    text = re.sub(r"\[\s+", "[", text)      # NumPy pads columns by the widest entry
    return re.sub(r"[ \t]+", " ", text)


def same(a: str, b: str, rtol: float) -> list:
    """The differing lines of the two outputs (numbers compared with ``rtol``)."""
    diffs = []
    la, lb = normalize(a).splitlines(), normalize(b).splitlines()
    if len(la) != len(lb):
        return [f"{len(la)} lines vs {len(lb)}"] + [x for x in la[-2:] + lb[-2:]]
    for x, y in zip(la, lb, strict=True):
        if _NUMBER.sub("#", x).replace("-#", "#") != _NUMBER.sub("#", y).replace("-#", "#"):
            diffs.append(f"  jax:   {x}\n  vmapx: {y}")
            continue
        nx, ny = _NUMBER.findall(x), _NUMBER.findall(y)
        for p, q in zip(nx, ny, strict=True):
            fp, fq = float(p), float(q)
            if fp != fq and not (fp != fp and fq != fq) and \
                    abs(fp - fq) > rtol * max(abs(fp), abs(fq), 1e-300) + 1e-12:
                diffs.append(f"  jax:   {x}\n  vmapx: {y}")
                break
    return diffs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", help="program names (default: all)")
    parser.add_argument("--rtol", type=float, default=1e-6)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    names = args.programs or sorted(p.stem for p in PROGRAMS.glob("p*.py"))
    matching = 0
    for name in names:
        program = PROGRAMS / f"{name}.py"
        diffs = same(run("jax", program, args.timeout), run("vmapx", program, args.timeout),
                     args.rtol)
        matching += not diffs
        print(f"{'same' if not diffs else 'DIFFERS':<8} {name}", flush=True)
        for d in diffs:
            print(d)
    print(f"{matching} of {len(names)} programs print JAX's results")


if __name__ == "__main__":
    main()
