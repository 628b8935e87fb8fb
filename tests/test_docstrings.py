"""Every docstring example in vmapx runs and prints what it shows.

Modules are imported normally (as ``vmapx.…``) and checked with ``doctest``, so
each primitive is registered once.
"""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import vmapx

MODULES = sorted(m.name for m in pkgutil.walk_packages(vmapx.__path__, "vmapx.")
                 if not m.name.endswith(".demo"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={"np": np, **vars(module)}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_every_public_function_has_an_example():
    """Public callables of the public modules carry a runnable example."""
    missing = []
    for modname in ("vmapx", "vmapx.numpy", "vmapx.lax", "vmapx.tree_util", "vmapx.random",
                    "vmapx.numpy.linalg", "vmapx.numpy.fft", "vmapx.scipy.linalg",
                    "vmapx.scipy.sparse.linalg", "vmapx.scipy.cluster.vq"):
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        for attr in dir(mod):
            if attr.startswith("_"):
                continue
            obj = getattr(mod, attr)
            if not callable(obj) or isinstance(obj, type) or getattr(obj, "__module__", "") \
                    and not str(getattr(obj, "__module__", "")).startswith("vmapx"):
                continue
            if ">>>" not in (getattr(obj, "__doc__", "") or ""):
                missing.append(f"{modname}.{attr}")
    assert not missing, f"{len(missing)} public functions lack a docstring example: {missing}"
