"""Test configuration: a fast, deterministic hypothesis profile whose example
database and cache directory live in a temporary directory (never in the
repository)."""
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

_HOME = tempfile.mkdtemp(prefix="vmapx-hypothesis-")
set_hypothesis_home_dir(_HOME)

settings.register_profile(
    "vmapx",
    max_examples=40,
    deadline=None,
    database=DirectoryBasedExampleDatabase(_HOME + "/examples"),
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("vmapx")


import pytest  # noqa: E402

import vmapx  # noqa: E402


@pytest.fixture
def jit_backend():
    """Set ``vmapx_jit_backend`` for one test: ``jit_backend('numpy')``;
    the previous value comes back afterwards."""
    previous = vmapx.config.vmapx_jit_backend

    def use(name):
        vmapx.config.update("vmapx_jit_backend", name)

    yield use
    vmapx.config.update("vmapx_jit_backend", previous)
