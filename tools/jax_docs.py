"""Run the code cells of JAX's documentation pages with ``jax`` swapped for
vmapx and compare every cell's output with JAX's (x64 on).

Not part of the test suite (pytest never collects ``tools/``). Like
``jax_programs.py`` nothing of JAX enters the repo: the pages are read at run
time from a git mirror of JAX (``--mirror``, tag ``--tag``) or a docs folder
(``--docs``).

A page's ``{code-cell}`` blocks (MyST markdown) run in order in one namespace,
as Jupyter runs a notebook: a cell whose last statement is an expression shows
its ``repr`` (unless the cell ends with ``;``); a cell that raises shows the
exception's type and first line and the page goes on (JAX's pages mark such
cells ``raises-exception``). IPython
magics (``%timeit``, ``!pip``) are dropped. Each page runs twice in a fresh
interpreter, once on JAX (x64 on) and once with every ``jax`` import resolved
to ``vmapx``; the cells' outputs are compared as ``jax_programs.py`` compares
programs (numbers within ``--rtol``, array reprs normalized).

Usage::

    python tools/jax_docs.py --mirror /path/to/jax.git                # the default pages
    python tools/jax_docs.py --mirror /path/to/jax.git pytrees.md     # some of them
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from jax_programs import ALIAS, REPO, same

PAGES = [
    "automatic-vectorization.md", "automatic-differentiation.md", "advanced_autodiff.md",
    "control-flow.md", "key-concepts.md", "jit-compilation.md", "random-numbers.md",
    "pytrees.md", "custom_pytrees.md", "stateful-computations.md",
    "gradient-checkpointing.md", "debugging.md", "external-callbacks.md",
    "higher-order.md", "complex-differentiation.md", "jacobian-vector-products.md",
    "tracing.md", "default_dtypes.md", "jaxpr.md", "jax-primitives.md",
    "notebooks/autodiff_cookbook.md", "notebooks/thinking_in_jax.md",
    "notebooks/Common_Gotchas_in_JAX.md", "notebooks/vmapped_log_probs.md",
    "notebooks/Custom_derivative_rules_for_Python_code.md", "notebooks/convolutions.md",
    "notebooks/autodiff_remat.md", "notebooks/Writing_custom_interpreters_in_Jax.md",
]

RUNNER = ALIAS + r'''
import ast, json
import matplotlib
matplotlib.use("Agg")
cells = json.load(open(path))
ns = {"__name__": "__main__"}
for i, src in enumerate(cells):
    print(f"=== cell {i} ===", flush=True)
    try:
        tree = ast.parse(src)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if src.rstrip().endswith(";"):   # Jupyter shows nothing after a trailing semicolon
            last = None
        if last is not None:
            tree.body.pop()
        exec(compile(tree, f"<cell {i}>", "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), f"<cell {i}>", "eval"), ns)
            if value is not None:
                print(repr(value))
    except BaseException as e:
        line = (str(e).strip().splitlines() or [""])[0]
        print(f"!! {type(e).__name__}: {line}"[:300])
    sys.stdout.flush()
'''

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def cells_of(text: str) -> list[str]:
    """The code cells of a MyST page, with their option lines and magics removed."""
    out = []
    for body in _CELL.findall(text):
        lines = body.splitlines()
        if lines and lines[0].strip() == "---":           # a YAML options block
            end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0)
            lines = lines[end + 1:]
        lines = [ln for ln in lines if not ln.startswith(":")]
        if lines and lines[0].startswith("%%"):
            lines = lines[1:]
        lines = [ln for ln in lines if not ln.lstrip().startswith(("%", "!"))]
        src = "\n".join(lines).strip("\n")
        if src.strip():
            out.append(src)
    return out


def run(side: str, cells: list[str], timeout: int) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(cells, f)
    try:
        out = subprocess.run([sys.executable, "-c", RUNNER, side, f.name], capture_output=True,
                             text=True, timeout=timeout,
                             env={"PYTHONPATH": str(REPO / "src"), "JAX_PLATFORMS": "cpu",
                                  "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
        text = out.stdout
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode() + "\n!! timeout"
    finally:
        Path(f.name).unlink()
    parts = re.split(r"^=== cell \d+ ===\n", text, flags=re.M)[1:]
    return parts + ["!! not reached"] * (len(cells) - len(parts))


def read_page(args, page: str) -> str:
    if args.docs:
        return (Path(args.docs) / page).read_text()
    return subprocess.run(["git", "-C", args.mirror, "show", f"{args.tag}:docs/{page}"],
                          capture_output=True, text=True, check=True).stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="pages under docs/ (default: a fixed list)")
    parser.add_argument("--mirror", help="a git mirror of JAX")
    parser.add_argument("--tag", default="jax-v0.10.2")
    parser.add_argument("--docs", help="a folder holding JAX's docs/ instead of a mirror")
    parser.add_argument("--rtol", type=float, default=1e-6)
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("-v", "--verbose", action="store_true", help="show differing cells")
    args = parser.parse_args(argv)
    if not (args.mirror or args.docs):
        parser.error("give --mirror or --docs")
    total = matching = 0
    for page in args.pages or PAGES:
        cells = cells_of(read_page(args, page))
        a, b = run("jax", cells, args.timeout), run("vmapx", cells, args.timeout)
        bad = [i for i in range(len(cells)) if same(a[i], b[i], args.rtol)]
        total += len(cells)
        matching += len(cells) - len(bad)
        print(f"{page:<55} {len(cells) - len(bad):>3} of {len(cells):>3} cells match"
              + (f"   differ: {bad}" if bad else ""), flush=True)
        if args.verbose:
            for i in bad:
                print(f"--- cell {i}:\n{cells[i]}\n--- jax:\n{a[i]}--- vmapx:\n{b[i]}")
    print(f"{matching} of {total} cells print JAX's output")


if __name__ == "__main__":
    main()
