"""``vmapx.scipy.cluster.vq``: JAX's ``jax.scipy.cluster.vq.vq``
(``vmapx._src.scipy_cluster_vq``).

>>> import numpy as np
>>> from vmapx.scipy.cluster.vq import vq
>>> code, dist = vq(np.array([[0.0, 1.0]]), np.array([[0.0, 0.0], [0.0, 2.0]]))
>>> code, dist
(array([0]), array([1.]))
"""
from ..._src.scipy_cluster_vq import *  # noqa: F401,F403
from ..._src.scipy_cluster_vq import __all__  # noqa: F401
from ..._src.jnp.array import wrap_namespace as _wrap_namespace

_wrap_namespace(globals(), __all__, own=True)  # concrete results are vmapx.Arrays
