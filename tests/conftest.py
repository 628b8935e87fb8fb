"""Test configuration: a fast, deterministic hypothesis profile (derandomized:
the same examples on every run, so a failure reproduces; no example database)
whose cache directory lives in a temporary directory (never in the
repository)."""
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

_HOME = tempfile.mkdtemp(prefix="vmapx-hypothesis-")
set_hypothesis_home_dir(_HOME)

settings.register_profile(
    "vmapx",
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    derandomize=True,
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
