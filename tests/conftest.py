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
