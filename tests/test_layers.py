"""The package's layering, checked statically from its source (no import is
executed): the module-level imports among vmapx's internal modules form no
cycle and go from a layer to the same or a lower one (``LAYERS``, the order
written in docs/layers.md), and a vmapx module is imported inside a function
body only when it is one of ``OPTIONAL_DEPENDENCY_MODULES`` (modules that
import an optional or heavy third-party package), with its reason in a comment
at the import."""
import ast
import fnmatch
import os
from collections import defaultdict

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")
PACKAGE = "vmapx"

# The layers of ``vmapx._src``, lowest first: (name, module patterns).  A module
# named exactly in a layer belongs there, whatever pattern of a lower layer
# matches it too (``prims.linalg`` is not in ``prims.*``'s layer).
LAYERS = [
    ("foundation", ["vmapx._src", "fperrors", "util", "errors", "caches", "devices", "inputs", "pool",
                    "tree_keys", "tree_flattening", "tree_prefixes", "tree", "core", "leaks",
                    "jnp", "jnp.array", "prng", "sharding", "monitoring", "profiler"]),
    ("transform machinery", ["batching", "ir", "staging", "derived_jaxprs", "staging_api",
                             "autodiff", "fused", "fused.*", "jit_program", "stages", "jit",
                             "vmappables"]),
    ("primitives", ["prims", "prims.*"]),
    ("numpy sections", ["jnp.*", "ragged"]),
    ("primitives whose rules compute with numpy", ["prims.linalg", "prims.linalg_solve",
                                                   "prims.linalg_decompositions",
                                                   "prims.linalg_eigenvalues", "prims.searching",
                                                   "prims.folds"]),
    ("numpy sections built on those primitives", ["jnp.linalg", "jnp.linalg_decompositions",
                                                  "jnp.linalg_solve", "jnp.linalg_norms",
                                                  "jnp.linalg_products", "prims.lu",
                                                  "jnp.searching", "jnp.histograms",
                                                  "jnp.numerical", "jnp.setops", "jnp.tiling",
                                                  "jnp.poly"]),
    ("eager-vmap machinery, options and the numpy namespace",
     ["concrete", "inplace", "callbacks", "numpy_linalg_errors", "debugger", "config", "memory",
      "numpy_api"]),
    ("lax layer, SciPy's functions and the transforms built on them",
     ["lax_*", "scipy_*", "numpy_hooks", "chunking", "dask_backend", "custom_functions",
      "custom_jvp", "custom_vjp", "custom_derivatives", "custom_batching", "misc_api",
      "user_primitives", "segment_ops", "image"]),
    ("entry points", ["interop", "api", "autodiff_api", "autodiff_jacobians",
                      "autodiff_checkpoint", "spmd", "lax_implicit"]),
    ("built on vmap", ["jnp.vectorize", "jnp.ufuncs_api", "lax_map", "random", "random.*",
                       "scipy_stats_functions", "scipy_stats_functions_kde", "scipy_optimize",
                       "ode", "checkify", "scipy_linalg_expm", "scipy_sparse_linalg",
                       "scipy_spatial"]),
]

# The only vmapx modules that may be imported inside a function (on first use):
# module -> (the optional or heavy third-party package it imports at module level,
# why it is loaded on use).  Any other function-level import of a vmapx module
# fails ``test_function_level_imports_are_only_of_optional_dependency_modules``.
OPTIONAL_DEPENDENCY_MODULES = {
    "vmapx._src.dask_backend":
        ("dask", "the Dask backend: vmapping a Dask array loads it (and Dask) on first use"),
}


def module_files(root=SRC):
    """Every module of the package: dotted name -> file path."""
    modules = {}
    for directory, _, files in os.walk(os.path.join(root, PACKAGE)):
        for file in files:
            if not file.endswith(".py"):
                continue
            path = os.path.join(directory, file)
            name = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
            if name.endswith(".__init__"):
                name = name[:-len(".__init__")]
            modules[name] = path
    return modules


def _ancestors(name):
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def imported_modules(importer, node, modules):
    """The package's modules an import statement in ``importer`` executes:
    the named modules and the packages above them that ``importer`` does not
    already sit in (those are initialised before ``importer`` runs)."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        if node.level:
            parts = importer.split(".")
            if not modules[importer].endswith("__init__.py"):
                parts = parts[:-1]
            parts = parts[:len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        else:
            base = node.module
        named = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                 for alias in node.names]
    targets = set()
    for name in named:
        if name.split(".")[0] != PACKAGE:
            continue
        for module in _ancestors(name) | {name}:
            if module in modules and module not in _ancestors(importer) and module != importer:
                targets.add(module)
    return targets


def _import_module_call(node):
    """``importlib.import_module("vmapx.…")`` (a literal absolute name) as the
    ``import`` statement it amounts to; ``None`` for anything else."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__"):
        return None
    statement = ast.Import(names=[ast.alias(name=node.args[0].value)])
    return ast.copy_location(statement, node)


def _is_type_checking_block(node):
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_statements(modules):
    """(importer, statement node, inside a function?) for every import of the package."""
    found = []
    for importer, path in modules.items():
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read(), path)

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                if _is_type_checking_block(child):
                    continue
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    found.append((importer, child, in_function))
                    continue
                dynamic = _import_module_call(child)
                if dynamic is not None:
                    found.append((importer, dynamic, in_function))
                visit(child, in_function or isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
        visit(tree, False)
    return found


def module_level_graph(modules):
    graph = defaultdict(set)
    for importer, node, in_function in import_statements(modules):
        if not in_function:
            graph[importer] |= imported_modules(importer, node, modules)
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan),
    each as a sorted list, and self-imports."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return components


def named_modules(importer, node, modules):
    """The package's modules an import statement names (not the packages above them)."""
    targets = imported_modules(importer, node, modules)
    return {t for t in targets if not any(o.startswith(t + ".") for o in targets)}


def function_level_imports(modules):
    found = []
    for importer, node, in_function in import_statements(modules):
        if in_function:
            for target in sorted(named_modules(importer, node, modules)):
                found.append((importer, target, node.lineno))
    return found


def layer_of(module):
    name = module[len(PACKAGE + "._src."):] if module != PACKAGE + "._src" else module
    for rank, (_, patterns) in enumerate(LAYERS):
        if name in patterns:
            return rank
    for rank, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            return rank
    return None


def test_module_level_imports_of_the_internals_form_no_cycle():
    modules = module_files()
    graph = module_level_graph(modules)
    internal = {m: {t for t in targets if t.startswith(PACKAGE + "._src")}
                for m, targets in graph.items() if m.startswith(PACKAGE + "._src")}
    assert cycles(internal) == []


def test_every_internal_module_has_a_layer():
    assert [m for m in module_files() if m.startswith(PACKAGE + "._src")
            and layer_of(m) is None] == []


def test_module_level_imports_go_to_the_same_or_a_lower_layer():
    graph = module_level_graph(module_files())
    upward = sorted(f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
                    for m, targets in graph.items() if m.startswith(PACKAGE + "._src")
                    for t in targets if t.startswith(PACKAGE + "._src")
                    and layer_of(t) > layer_of(m))
    assert upward == []


def test_internals_never_import_public_modules_at_module_level():
    graph = module_level_graph(module_files())
    upward = sorted((m, t) for m, targets in graph.items() if m.startswith(PACKAGE + "._src")
                    for t in targets if not t.startswith(PACKAGE + "._src"))
    assert upward == []


def disallowed_function_level_imports(modules, allowed=OPTIONAL_DEPENDENCY_MODULES):
    """``module:line imports target`` for each function-level import of a vmapx
    module that is not an optional-dependency module."""
    return [f"{m}:{line} imports {t}" for m, t, line in function_level_imports(modules)
            if t not in allowed]


def test_function_level_imports_are_only_of_optional_dependency_modules():
    assert disallowed_function_level_imports(module_files()) == []


def test_each_function_level_import_says_why_in_a_comment():
    modules = module_files()
    silent = []
    for importer, target, line in function_level_imports(modules):
        with open(modules[importer], encoding="utf-8") as file:
            lines = file.read().splitlines()
        around = lines[line - 2] + lines[line - 1]   # the line above and the import's own
        if "# optional dependency:" not in around:
            silent.append(f"{importer}:{line} imports {target}")
    assert silent == []


def test_optional_dependency_modules_import_their_package_at_module_level():
    """The reason holds: each such module imports its third-party package at
    module level, so importing it at module level would load that package."""
    modules = module_files()
    for module, (package, reason) in OPTIONAL_DEPENDENCY_MODULES.items():
        assert module in modules, module
        with open(modules[module], encoding="utf-8") as file:
            tree = ast.parse(file.read())
        top = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                top.add(node.module.split(".")[0])
        assert package in top, (module, package)
        assert reason.strip(), module


def test_no_internal_module_is_imported_only_from_functions_except_optional_ones():
    """Every internal module other than the optional-dependency ones is imported
    at module level from a public module (nothing is loaded lazily by accident)."""
    modules = module_files()
    graph = module_level_graph(modules)
    reached, todo = set(), [m for m in modules if not m.startswith(PACKAGE + "._src")]
    while todo:
        m = todo.pop()
        if m not in reached:
            reached.add(m)
            todo.extend(graph.get(m, ()))
    lazy = sorted(m for m in modules if m.startswith(PACKAGE + "._src") and m not in reached
                  and m not in OPTIONAL_DEPENDENCY_MODULES)
    assert lazy == []


def test_the_checker_finds_a_cycle_and_a_function_level_import(tmp_path):
    package = tmp_path / PACKAGE / "_src"
    package.mkdir(parents=True)
    (tmp_path / PACKAGE / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("from .a import x\n\ndef f():\n    from . import c\n")
    (package / "c.py").write_text("import numpy\n")
    modules = module_files(str(tmp_path))
    assert cycles(module_level_graph(modules)) == [[f"{PACKAGE}._src.a", f"{PACKAGE}._src.b"]]
    assert [(m, t) for m, t, _ in function_level_imports(modules)] == \
        [(f"{PACKAGE}._src.b", f"{PACKAGE}._src.c")]
    assert disallowed_function_level_imports(modules) == \
        [f"{PACKAGE}._src.b:4 imports {PACKAGE}._src.c"]
    assert disallowed_function_level_imports(modules, {f"{PACKAGE}._src.c": ("x", "y")}) == []


def test_the_checker_finds_imports_in_methods_and_by_import_module(tmp_path):
    package = tmp_path / PACKAGE / "_src"
    package.mkdir(parents=True)
    (tmp_path / PACKAGE / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from . import d\n"
        "class K:\n"
        "    def m(self):\n"
        "        from .b import x\n"
        "def f():\n"
        "    return importlib.import_module('vmapx._src.c')\n")
    for name in "bcd":
        (package / f"{name}.py").write_text("x = 1\n")
    modules = module_files(str(tmp_path))
    assert [(m, t) for m, t, _ in function_level_imports(modules)] == \
        [(f"{PACKAGE}._src.a", f"{PACKAGE}._src.b"), (f"{PACKAGE}._src.a", f"{PACKAGE}._src.c")]
    assert cycles(module_level_graph(modules)) == []
