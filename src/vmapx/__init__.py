"""vmapx: JAX's ``vmap`` and the transformations it composes with, on NumPy.

>>> import numpy as np, vmapx
>>> vmapx.vmap(lambda x, y: x @ y)(np.ones((3, 2, 2)), np.ones((3, 2)))
array([[2., 2.],
       [2., 2.],
       [2., 2.]])
"""
from ._src import prims as _prims  # noqa: F401  (registers the primitives; see prims/__init__)
from ._src import util as _util  # noqa: F401  (jax._src.util's helpers, for programs)
from ._src.api import vmap  # noqa: F401
from ._src.jnp.array import Array  # noqa: F401
from ._src.autodiff_api import (jvp, linearize, vjp, grad, value_and_grad,  # noqa: F401
                                float0, linear_transpose)
from ._src.autodiff_jacobians import jacfwd, jacrev, jacobian, hessian  # noqa: F401
from ._src.autodiff_checkpoint import checkpoint, remat, checkpoint_policies  # noqa: F401
from ._src.custom_derivatives import custom_jvp, custom_vjp  # noqa: F401
from ._src.jit import jit  # noqa: F401
from ._src.staging_api import make_jaxpr, eval_shape, ShapeDtypeStruct  # noqa: F401
from ._src.core import ShapedArray  # noqa: F401
from ._src.errors import (UnexpectedTracerError, ConcretizationTypeError,  # noqa: F401
                          TracerBoolConversionError, TracerIntegerConversionError,
                          TracerArrayConversionError, UnboundAxisNameError)
from . import numpy, lax, tree_util, tree, errors, core  # noqa: F401
from . import random, nn, scipy, dtypes, test_util, example_libraries  # noqa: F401,E402
from ._src.config import (config, numpy_rank_promotion, numpy_dtype_promotion,  # noqa: F401,E402
                          default_matmul_precision, legacy_prng_key, enable_checks,
                          debug_key_reuse, debug_nans, debug_infs, log_compiles,
                          default_device, enable_x64)
from ._src.misc_api import (Device, devices, local_devices, device_count,  # noqa: F401,E402
                            local_device_count, default_backend, process_index, process_count,
                            device_put, device_get, block_until_ready, disable_jit,
                            custom_gradient, named_call, named_scope, ensure_compile_time_eval,
                            typeof, clear_caches, print_environment_info, closure_convert,
                            live_arrays, effects_barrier, process_indices, host_id,
                            host_count, host_ids)
from ._src.callbacks import pure_callback  # noqa: F401,E402
from ._src.spmd import pmap  # noqa: F401,E402
from . import sharding  # noqa: F401,E402
from ._src.sharding import (NamedSharding, make_mesh, set_mesh, reshard,  # noqa: F401,E402
                            PartitionSpec as P)
from ._src.leaks import checking_leaks  # noqa: F401,E402
from . import debug  # noqa: F401,E402
from . import extend, interpreters, experimental, custom_batching, ad_checkpoint  # noqa: F401,E402
from . import custom_derivatives  # noqa: F401,E402
from . import ops, image, typing, flatten_util  # noqa: F401,E402
from . import profiler, monitoring, stages, dlpack  # noqa: F401,E402

from ._src.misc_api import __version__  # noqa: F401,E402
