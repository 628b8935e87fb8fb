"""Measure vmapx against JAX's own vmap tests, run unchanged through an import swap.

Not part of the test suite (pytest never collects ``tools/``). Nothing of JAX is
copied into this repository: the test files are read at run time from a local
JAX checkout (a git mirror at a tag, or a plain directory), written to a
temporary directory, and run twice with pytest:

* ``jax``:   as they are, against the real JAX installed in the interpreter;
* ``vmapx``: with the public-API imports swapped to vmapx (``import jax`` ->
  vmapx (seen as ``jax``), ``import jax.numpy as jnp`` -> ``import vmapx.numpy
  as jnp``, ``from jax import lax`` -> ``from vmapx import lax``, and likewise
  for every public submodule). ``jax._src`` (``test_util`` and friends) and the
  internal packages in ``KEEP_REAL`` stay the real JAX, except that the
  public transforms the tests reach through internal modules
  (``jax._src.api.vmap``, ``jax._src.custom_derivatives.SymbolicZero``,
  ``jtu.check_grads``; see ``PREFER_VMAPX``) are vmapx's. A public name that
  vmapx lacks is bound to a placeholder that raises ``AttributeError`` when
  used, so one missing name fails only the tests that use it.

The score of a file is the number of its tests that pass on vmapx among those
that pass on JAX. For the files in ``SELECTED_ONLY`` only the tests whose id
mentions ``vmap`` or ``batch`` are run. The failures are grouped by their
error message and written to ``--failures`` (default
``$TMPDIR/jax_suite_failures.txt``). The JAX outcomes are cached by file
contents (``--refresh-jax`` reruns them).

Usage::

    python tools/jax_suite.py --mirror JAX.git              # all seven files
    python tools/jax_suite.py --mirror JAX.git batching_test   # some of them
    python tools/jax_suite.py --jax-src /path/to/jax/tests   # a plain checkout
"""
from __future__ import annotations

import argparse
import ast
import collections
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = os.environ.get("JAX_GIT_DIR", "")
"""A git directory of JAX's repository (``--mirror`` or ``$JAX_GIT_DIR``)."""
DEFAULT_TAG = "jax-v0.10.2"
DEFAULT_FAILURES = str(Path(tempfile.gettempdir()) / "jax_suite_failures.txt")
CACHE_DIR = Path(tempfile.gettempdir()) / "vmapx_jax_suite_cache"

FILES = ["batching_test", "lax_vmap_test", "lax_vmap_op_test", "lax_numpy_vectorize_test",
         "api_test", "lax_control_flow_test", "custom_api_test"]
SELECTED_ONLY = {"api_test", "lax_control_flow_test", "custom_api_test"}
SELECT_WORDS = ("vmap", "batch")

# Internal modules through which the tests call public transforms: their public
# names that vmapx has are vmapx's, the rest stay the real JAX's.
# module -> (vmapx module, the names taken from it; None for every public name).
PREFER_VMAPX = {
    "jax._src.api": ("vmapx", None),
    "jax._src.custom_derivatives": ("vmapx.custom_derivatives", None),
    # jax.test_util's public checks, used through jtu (if vmapx has them)
    "jax._src.test_util": ("vmapx.test_util", ("check_grads", "check_jvp", "check_vjp")),
}

# Packages of JAX that are internals (or have no vmapx counterpart by design):
# imports from them keep the real JAX.
KEEP_REAL = ("jax._src", "jax.experimental", "jax.lib", "jax.stages", "jax.export",
             "jax.profiler")
# (``jax.interpreters``, ``jax.extend`` and ``jax.sharding`` are swapped: vmapx
# has them, so a program's import swap reaches them too.)

SHIM = '''\
"""Stand-ins for public JAX names that vmapx lacks (written by tools/jax_suite.py).

While pytest collects (module and class bodies run) a missing name is a lazy
placeholder, so that one missing name cannot hide a whole file; inside a test,
using it raises ``AttributeError('vmapx lacks jax.<name>')``.
"""
import importlib
import types

COLLECTING = True


class Missing:
    def __init__(self, name):
        self._name = name

    def _fail(self):
        raise AttributeError(f"vmapx lacks {self._name}")

    def __call__(self, *args, **kwargs):
        if COLLECTING:
            return Missing(self._name + "(...)")
        self._fail()

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if COLLECTING:
            return Missing(self._name + "." + attr)
        self._fail()

    def __repr__(self):
        return f"<missing {self._name}>"


class Module(types.ModuleType):
    """A vmapx module seen as the JAX module of the same name."""

    def __init__(self, real, jax_name):
        super().__init__(jax_name)
        object.__setattr__(self, "_real", real)

    def __getattr__(self, attr):
        real = object.__getattribute__(self, "_real")
        try:
            value = getattr(real, attr)
        except AttributeError:
            try:
                value = importlib.import_module(real.__name__ + "." + attr)
            except ImportError:
                if attr.startswith("__"):
                    raise AttributeError(attr) from None
                return Missing(self.__name__ + "." + attr)
        if isinstance(value, types.ModuleType) and value.__name__.startswith("vmapx"):
            return Module(value, "jax" + value.__name__[len("vmapx"):])
        return value

    def __setattr__(self, attr, value):
        setattr(object.__getattribute__(self, "_real"), attr, value)


def module(name):
    jax_name = "jax" + name[len("vmapx"):]
    try:
        return Module(importlib.import_module(name), jax_name)
    except ImportError:
        return Missing(jax_name)


class Preferring(types.ModuleType):
    """A real JAX internal module whose public transforms (``api.vmap``, ``api.jvp``)
    are vmapx's: tests call the public API through ``jax._src.api``."""

    def __init__(self, real_name, vmapx_name, only=None):
        super().__init__(real_name)
        object.__setattr__(self, "_real", importlib.import_module(real_name))
        try:
            vmapx = importlib.import_module(vmapx_name)
        except ImportError:
            vmapx = None
        object.__setattr__(self, "_vmapx", vmapx)
        object.__setattr__(self, "_only", only)

    def __getattr__(self, attr):
        vmapx = object.__getattribute__(self, "_vmapx")
        only = object.__getattribute__(self, "_only")
        if (vmapx is not None and not attr.startswith("_") and hasattr(vmapx, attr)
                and (only is None or attr in only)):
            return getattr(vmapx, attr)
        return getattr(object.__getattribute__(self, "_real"), attr)


def parse_flags_with_absl():
    """The test framework's flag parsing belongs to the real JAX (test_util uses it)."""
    import jax
    jax.config.parse_flags_with_absl()


def names(module_name, *wanted):
    mod = module(module_name)
    return tuple(getattr(mod, name) for name in wanted)
'''

CONFTEST = '''\
import _jax_suite_shim


def pytest_collection_finish(session):
    _jax_suite_shim.COLLECTING = False
'''


def _is_real(module_name: str) -> bool:
    return any(module_name == keep or module_name.startswith(keep + ".") for keep in KEEP_REAL)


def _swapped(module_name: str) -> str:
    return "vmapx" + module_name[len("jax"):]


def _rewrite_import(node: ast.stmt) -> str | None:
    """The replacement source of one import statement, or None to keep it."""
    if isinstance(node, ast.Import):
        parts = []
        for alias in node.names:
            name = alias.name
            if name != "jax" and not name.startswith("jax."):
                parts.append(f"import {name}" + (f" as {alias.asname}" if alias.asname else ""))
            elif _is_real(name):
                parts.append(f"import {name}" + (f" as {alias.asname}" if alias.asname else ""))
            elif alias.asname:
                parts.append(f"{alias.asname} = _jax_suite_shim.module({_swapped(name)!r})")
            else:
                # ``import jax.x`` binds ``jax``: bind it to vmapx and load the submodule.
                parts.append("jax = _jax_suite_shim.module('vmapx')")
                if name != "jax":
                    parts.append(f"_jax_suite_shim.module({_swapped(name)!r})")
        return "; ".join(parts)
    if isinstance(node, ast.ImportFrom):
        mod = node.module or ""
        preferred = [alias for alias in node.names if f"{mod}.{alias.name}" in PREFER_VMAPX]
        if preferred and len(preferred) == len(node.names):
            return "; ".join(f"{alias.asname or alias.name} = _jax_suite_shim.Preferring("
                             f"{mod + '.' + alias.name!r}, "
                             f"*{PREFER_VMAPX[mod + '.' + alias.name]!r})" for alias in preferred)
        if preferred:
            rest = [a for a in node.names if a not in preferred]
            return "; ".join(
                [f"from {mod} import " + ", ".join(
                    a.name + (f" as {a.asname}" if a.asname else "") for a in rest)]
                + [f"{a.asname or a.name} = _jax_suite_shim.Preferring("
                   f"{mod + '.' + a.name!r}, *{PREFER_VMAPX[mod + '.' + a.name]!r})"
                   for a in preferred])
        if node.level or not (mod == "jax" or mod.startswith("jax.")) or _is_real(mod):
            return None
        wanted = [alias.name for alias in node.names]
        bound = [alias.asname or alias.name for alias in node.names]
        if "*" in wanted:
            return f"from {_swapped(mod)} import *"
        target = ", ".join(bound) + ("," if len(bound) == 1 else "")
        args = ", ".join(repr(w) for w in wanted)
        return f"{target} = _jax_suite_shim.names({_swapped(mod)!r}, {args})"
    return None


def swap_imports(source: str) -> str:
    """Rewrite the public JAX imports of a test file to vmapx's."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            new = _rewrite_import(node)
            if new is not None:
                edits.append((node.lineno, node.col_offset, node.end_lineno,
                              node.end_col_offset, new))
    for start, col, end, end_col, new in sorted(edits, reverse=True):
        head = lines[start - 1][:col]
        tail = lines[end - 1][end_col:]
        lines[start - 1:end] = [head + new + tail]
    out = "".join(lines)
    # Test-framework plumbing stays with the real JAX that test_util runs on.
    out = out.replace("jax.config.parse_flags_with_absl()",
                      "_jax_suite_shim.parse_flags_with_absl()")
    # The shim import goes after any ``from __future__`` import.
    future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    insert_at = max((n.end_lineno for n in future), default=0)
    out_lines = out.splitlines(keepends=True)
    # edits never touch __future__ lines, so their line numbers still hold
    out_lines.insert(insert_at, "import _jax_suite_shim\n")
    return "".join(out_lines)


def read_jax_test(name: str, args) -> str:
    if args.jax_src:
        return (Path(args.jax_src) / f"{name}.py").read_text()
    return subprocess.run(["git", f"--git-dir={args.mirror}", "show", f"{args.tag}:tests/{name}.py"],
                          check=True, capture_output=True, text=True).stdout


def _selected(test_id: str) -> bool:
    low = test_id.lower()
    return any(word in low for word in SELECT_WORDS)


def run_pytest(directory: Path, name: str, select: bool, pythonpath: str, timeout: int):
    """Run one test file; return {test id: (outcome, message)}."""
    xml_path = directory / f"{name}.xml"
    cmd = [sys.executable, "-m", "pytest", f"{name}.py", "-q", "-p", "no:randomly",
           "-p", "no:cacheprovider", "-c", str(directory / "pytest.ini"),
           "--rootdir", str(directory), f"--junitxml={xml_path}", "-o", "junit_family=xunit1"]
    if select:
        cmd += ["-k", " or ".join(SELECT_WORDS)]  # -k is case-insensitive
    env = dict(os.environ, PYTHONPATH=pythonpath, JAX_ENABLE_X64="1",
               JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    proc = None
    try:
        proc = subprocess.run(cmd, cwd=directory, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {name}: timed out after {timeout}s", file=sys.stderr)
    if proc is not None and proc.returncode not in (0, 1):
        # Collection errors, usage errors, no tests: say why instead of a silent 0 / 0
        # (a missing test dependency such as absl-py looks like this).
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        print(f"  {name}: pytest exited with {proc.returncode}:\n{tail}", file=sys.stderr)
    if not xml_path.exists():
        return {}
    results = {}
    for case in ElementTree.parse(xml_path).iter("testcase"):
        test_id = f"{case.get('classname', '').split('.')[-1]}::{case.get('name')}"
        if select and not _selected(test_id):
            continue
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                message = (child.get("message") or child.text or "").strip()
            elif child.tag == "skipped":
                outcome = "skipped"
        results[test_id] = (outcome, message)
    return results


def _message_key(message: str) -> str:
    first = next((line for line in message.splitlines() if line.strip()), "")
    first = first[:160]
    return re.sub(r"\d+", "#", first)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", default=FILES, help="test files (without .py)")
    parser.add_argument("--jax-src", help="a directory holding the JAX test files "
                                          "(instead of the git mirror)")
    parser.add_argument("--mirror", default=DEFAULT_MIRROR)
    parser.add_argument("--tag", default=DEFAULT_TAG)
    parser.add_argument("--failures", default=DEFAULT_FAILURES)
    parser.add_argument("--refresh-jax", action="store_true", help="rerun the JAX side")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per file and side")
    parser.add_argument("--warnings-as-errors", action="store_true",
                        help="run both sides with pytest's filterwarnings = error (JAX's own "
                             "pytest configuration does)")
    args = parser.parse_args(argv)
    if not args.jax_src and not args.mirror:
        parser.error("name JAX's tests: --jax-src DIR (a checkout's tests/), or --mirror GITDIR "
                     "(a git directory of JAX's repository, also $JAX_GIT_DIR) with --tag")

    vmapx_path = os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])
    CACHE_DIR.mkdir(exist_ok=True)
    table = []
    groups = collections.defaultdict(list)
    ini = "[pytest]\n" + ("filterwarnings =\n    error\n" if args.warnings_as_errors else "")
    with tempfile.TemporaryDirectory(prefix="jax_suite_") as tmp:
        tmp = Path(tmp)
        for side in ("jax", "vmapx"):
            (tmp / side).mkdir()
            (tmp / side / "pytest.ini").write_text(ini)
        (tmp / "vmapx" / "_jax_suite_shim.py").write_text(SHIM)
        (tmp / "vmapx" / "conftest.py").write_text(CONFTEST)
        for name in args.files:
            source = read_jax_test(name, args)
            select = name in SELECTED_ONLY
            digest = hashlib.sha256((source + str(select) + ini).encode()).hexdigest()[:16]
            cached = CACHE_DIR / f"{name}-{digest}.json"
            if cached.exists() and not args.refresh_jax:
                on_jax = {k: tuple(v) for k, v in json.loads(cached.read_text()).items()}
            else:
                (tmp / "jax" / f"{name}.py").write_text(source)
                on_jax = run_pytest(tmp / "jax", name, select, os.environ.get("PYTHONPATH", ""),
                                    args.timeout)
                if on_jax:
                    cached.write_text(json.dumps(on_jax))
            (tmp / "vmapx" / f"{name}.py").write_text(swap_imports(source))
            on_vmapx = run_pytest(tmp / "vmapx", name, select,
                                  f"{tmp / 'vmapx'}{os.pathsep}{vmapx_path}", args.timeout)
            passing_on_jax = [t for t, (outcome, _) in on_jax.items() if outcome == "passed"]
            passed = 0
            for test_id in passing_on_jax:
                outcome, message = on_vmapx.get(test_id, (
                    "missing", "absent on vmapx: test id not collected (its parameters are "
                               "built from a name vmapx lacks, or the file failed to import)"))
                if outcome == "passed":
                    passed += 1
                else:
                    groups[_message_key(message) or outcome].append(
                        (f"{name}::{test_id}", message))
            table.append((name, passed, len(passing_on_jax)))
            print(f"{name:28s} {passed:5d} / {len(passing_on_jax):5d}", flush=True)

    total_pass = sum(p for _, p, _ in table)
    total = sum(n for _, _, n in table)
    print("-" * 42)
    for name, passed, n in table:
        print(f"{name:28s} {passed:5d} / {n:5d}  {100 * passed / max(n, 1):5.1f}%")
    print(f"{'total':28s} {total_pass:5d} / {total:5d}  {100 * total_pass / max(total, 1):5.1f}%")

    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    with open(args.failures, "w") as out:
        out.write(f"# JAX suite failures (tools/jax_suite.py): {total_pass}/{total} pass on vmapx "
                  f"among those passing on JAX\n")
        for name, passed, n in table:
            out.write(f"# {name}: {passed}/{n}\n")
        for key, cases in ordered:
            out.write(f"\n## [{len(cases)}] {key}\n")
            example = cases[0][1].strip().splitlines()
            for line in example[:3]:
                out.write(f"   | {line[:200]}\n")
            for test_id, _ in cases:
                out.write("   " + " ".join(test_id.split()) + "\n")
    print(f"\n{len(ordered)} failure groups, written to {args.failures}")
    for key, cases in ordered[:25]:
        print(f"  [{len(cases):3d}] {key[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
