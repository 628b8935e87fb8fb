"""The wrapped Cauchy distribution (``jax.scipy.stats.wrapcauchy``) on ``[0, 2
pi]`` with shape ``c`` (no ``loc`` or ``scale``, as JAX's): ``logpdf``,
``pdf``, as JAX's (same arguments, defaults and dtypes; concrete results are
``vmapx.Array``s).

>>> import numpy as np
>>> from vmapx.scipy.stats import wrapcauchy
>>> wrapcauchy.pdf(np.array([0.0]), 0.5)
array([0.47746483])
"""
from ..._src import scipy_stats_bounded as _implementation
from ..._src.scipy_stats_common import export as _export

__all__ = ["logpdf", "pdf"]

_export(globals(), _implementation, "wrapcauchy", __all__)
