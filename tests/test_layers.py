"""The package's layering, checked statically from its source (no import is
executed): the module-level imports among vmapx's internal modules form no
cycle and go from a layer to the same or a lower one (``LAYERS``, the order
written in docs/design.md, "## Layers"), and an import of a vmapx module
inside a function body appears only where ``FUNCTION_LEVEL_ALLOWED`` names
it with its reason."""
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
    ("foundation", ["vmapx._src", "errors", "caches", "devices", "inputs", "pool", "tree",
                    "core", "leaks", "jnp", "jnp.array"]),
    ("transform machinery", ["batching", "staging", "autodiff", "fused", "fused.*", "jit"]),
    ("primitives", ["prims", "prims.*"]),
    ("numpy sections", ["jnp.*", "ragged"]),
    ("primitives whose rules compute with numpy", ["prims.linalg", "prims.searching",
                                                   "prims.folds"]),
    ("numpy sections built on those primitives", ["jnp.linalg", "prims.lu", "jnp.searching",
                                                  "jnp.histograms", "jnp.numerical",
                                                  "jnp.setops", "jnp.tiling", "jnp.poly"]),
    ("eager-vmap machinery, options and the numpy namespace",
     ["concrete", "inplace", "callbacks", "config", "memory", "numpy_api"]),
    ("lax layer and the transforms built on it", ["lax_*", "numpy_hooks", "chunking",
                                                  "dask_backend", "custom_derivatives",
                                                  "custom_batching", "misc_api"]),
    ("entry points", ["interop", "api", "autodiff_api"]),
    ("built on vmap", ["random", "random.*"]),
]

# (importing module, imported module) -> why the import stays inside a function.
FUNCTION_LEVEL_ALLOWED = {
    ("vmapx._src.chunking", "vmapx._src.api"):
        "a chunked vmap calls vmap per chunk; vmap's entry (api) imports chunking",
    ("vmapx._src.chunking", "vmapx._src.dask_backend"):
        "the Dask backend, loaded when asked for: it imports Dask (optional, heavy)",
    ("vmapx._src.lax_control", "vmapx._src.api"):
        "lax.map with batch_size vmaps its chunks; vmap's entry sits above lax",
    ("vmapx._src.lax_control", "vmapx._src.chunking"):
        "lax.map with batch_size runs through chunking, which uses lax.scan",
    ("vmapx._src.jnp.selection", "vmapx._src.api"):
        "apply_along_axis is vmap of the function; vmap's entry sits above numpy",
    ("vmapx._src.jnp.vectorize", "vmapx._src.api"):
        "vectorize is vmap of the function; vmap's entry sits above numpy",
    ("vmapx._src.numpy_hooks", "vmapx.scipy.stats.norm"):
        "scipy.stats.norm calls in plain NumPy code map to vmapx.scipy (a public module)",
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
                else:
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


def test_function_level_imports_of_vmapx_modules_are_only_the_allowed_ones():
    found = function_level_imports(module_files())
    unexpected = [f"{m}:{line} imports {t}" for m, t, line in found
                  if (m, t) not in FUNCTION_LEVEL_ALLOWED]
    assert unexpected == []


def test_every_allowed_function_level_import_is_still_there_and_has_a_reason():
    found = {(m, t) for m, t, _ in function_level_imports(module_files())}
    for pair, reason in FUNCTION_LEVEL_ALLOWED.items():
        assert pair in found, pair
        assert reason.strip(), pair


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
