"""``vmapx.lax``: collectives over named vmap axes, structured control flow,
and JAX's ``lax`` array operations (``dynamic_slice``, ``dot_general``,
``gather`` / ``scatter``, ``reduce`` / ``reduce_window``, ``fft``, ...), with
``vmapx.lax.linalg`` for the decompositions.

>>> import numpy as np, vmapx
>>> from vmapx import lax
>>> vmapx.vmap(lambda x: lax.psum(x, 'i'), axis_name='i')(np.arange(3.0))
array([3., 3., 3.])
"""
from .._src.lax_collectives import (psum, pmean, pmax, pmin, all_gather, axis_index,  # noqa: F401
                                    axis_size, ppermute, pshuffle, all_to_all, psum_scatter)
from .._src.autodiff_api import stop_gradient  # noqa: F401,E402
from .._src.lax_conditionals import cond, switch, select  # noqa: F401,E402
from .._src.lax_loops import while_loop, fori_loop, scan, associative_scan  # noqa: F401,E402
from .._src.lax_map import map  # noqa: F401,E402
from .._src.lax_implicit import (custom_root, custom_linear_solve,  # noqa: F401,E402
                                  linear_solve_p)
from .._src.lax_ops import *  # noqa: F401,F403,E402
from .._src.lax_shapes import *  # noqa: F401,F403,E402
from .._src.lax_special import *  # noqa: F401,F403,E402
from .._src.lax_conv import *  # noqa: F401,F403,E402
from .._src.lax_slicing import *  # noqa: F401,F403,E402
from .._src.lax_reduce import *  # noqa: F401,F403,E402
from .._src.lax_misc import *  # noqa: F401,F403,E402
from .._src.lax_extras import *  # noqa: F401,F403,E402
from . import linalg  # noqa: F401,E402
from .._src.sharding import with_sharding_constraint  # noqa: F401,E402
from .._src.callbacks import dce_sink  # noqa: F401,E402
from .._src.lax_primitives import *  # noqa: F401,F403,E402  (JAX's names of the primitives)

from .._src.jnp.array import wrap_namespace as _wrap_namespace  # noqa: E402

# Concrete results of every function here are vmapx.Arrays, as JAX's are jax.Arrays.
_wrap_namespace(globals(), [_n for _n in list(globals()) if not _n.startswith("_")])
