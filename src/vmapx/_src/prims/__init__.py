"""Primitives, grouped by family.  Importing this package registers all of them."""
from . import elementwise, shapes, reductions, products  # noqa: F401
from . import indexing, collectives  # noqa: F401,E402
from . import random_bits  # noqa: F401,E402
from . import linalg, fft, searching, bits  # noqa: F401,E402
from . import control_flow  # noqa: F401,E402
from . import special  # noqa: F401,E402
from . import conv, windowed  # noqa: F401,E402
from . import gather_scatter  # noqa: F401,E402
from . import numerics  # noqa: F401,E402
from . import lu  # noqa: F401,E402
