"""Primitives, grouped by family.  Importing this package registers all of them
except the few whose rules compute with the numpy layer (``linalg``, ``lu``,
``searching``, ``folds``): those sit above the basic numpy sections and are
registered by the modules that use them (``vmapx`` imports them all; see
docs/layers.md)."""
from . import elementwise, shapes, reductions, products  # noqa: F401
from . import indexing, collectives  # noqa: F401,E402
from . import random_bits  # noqa: F401,E402
from . import fft, bits  # noqa: F401,E402
from . import control_flow  # noqa: F401,E402
from . import special, special_scipy  # noqa: F401,E402
from . import conv, windowed  # noqa: F401,E402
from . import gather_scatter  # noqa: F401,E402
from . import numerics  # noqa: F401,E402
