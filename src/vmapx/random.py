"""``vmapx.random``: JAX's explicit-key pseudo-random numbers, on NumPy.

This module owns the public PRNG API: key construction (``key``, ``PRNGKey``),
key derivation (``split``, ``fold_in``) and the samplers.  Every random bit
comes from one primitive, ``threefry2x32`` (``_src/prims/random_bits.py``);
the samplers are built from it and the ordinary array primitives, so they work
under ``vmap`` (and every other transform) with no special case: a batch of
keys is a batch of cipher inputs, and the cipher runs once on the whole batch.

Compatibility with JAX (``jax_default_prng_impl='threefry2x32'`` and the
default ``jax_threefry_partitionable=True`` of JAX 0.10):

* ``key``/``PRNGKey``, ``split``, ``fold_in``, ``bits``, ``uniform``,
  ``randint``, ``bernoulli``, ``permutation``, ``choice`` without ``p``,
  ``binomial`` and ``multinomial`` give JAX's values bit for bit, and so does
  ``poisson`` but for about one value in 100,000 with ``lam >= 10`` (a
  float32 acceptance test decided by the last bit of XLA's own ``log`` or
  ``lgamma``); ``normal`` and the other float samplers (``gamma``, ``beta``,
  ``dirichlet`` included) agree to float rounding (the inverse error function
  is XLA's polynomial), so ``categorical`` and ``choice`` with ``p`` draw
  JAX's indices except where a last-bit difference decides.
* ``t``, ``chisquare``, ``f``, ``generalized_normal`` and ``ball`` are JAX's
  constructions on JAX's key splits, so they agree with JAX to the rounding of
  the normal and gamma draws they use (1e-12 relative in float64, a few ulps
  in float32; docs/random.md).  ``key_dtype()`` names the threefry
  implementation (``key<fry>``), the dtype of typed key arrays.
* Defaults are JAX's with ``jax_enable_x64=True``, vmapx's one dtype model:
  float samplers give ``float64``, ``randint`` and indices (``permutation`` of
  an int, ``choice``, ``categorical``, ``rademacher``, ``geometric``) give
  ``int64`` (``poisson`` too; ``binomial`` and ``multinomial`` count in
  float64, as JAX), ``bits`` gives ``uint64`` and raw keys are ``uint32``.  Python
  numbers, and lists of them, passed as parameters are int64, float64 or
  complex128.  A Python-int seed is a 64-bit seed, bit-cast to its two 32-bit
  words (``PRNGKey(-1)`` is ``[0xFFFFFFFF, 0xFFFFFFFF]``; an int outside the
  int64 range raises OverflowError).
* An explicit 32-bit dtype gives JAX's 32-bit values (the same in both of
  JAX's modes); NumPy arrays keep their dtype, so float32 parameters (``p``,
  ``logits``) sample in float32, and a narrower integer seed is sign-extended
  to 32 bits under a zero high word.

Keys come in JAX's two kinds.  ``key(seed)`` returns a typed key array
(``KeyArray``: shape ``()``, dtype ``key<fry>``; ``split`` of it has shape
``(num,)``, and it reshapes, indexes, stacks and passes through every
transform as JAX's, docs/random.md).  ``PRNGKey(seed)`` returns raw key data,
a ``uint32`` array of shape ``(2,)`` (JAX's legacy representation), and
``split`` of it has shape ``(num, 2)``.  ``key_data`` and ``wrap_key_data``
convert between the two; the samplers accept both and give the same bits.
Map over a batch of keys with ``vmap``:

>>> import numpy as np, vmapx
>>> from vmapx import random
>>> keys = random.split(random.key(0), 3)
>>> keys.shape
(3,)
>>> vmapx.vmap(lambda k: random.uniform(k, (2,)))(keys)
array([[0.969948  , 0.31518186],
       [0.08062437, 0.92394884],
       [0.65192226, 0.87954519]])
>>> random.uniform(random.split(random.PRNGKey(0), 3)[0], (2,), np.float32)
array([0.8423141 , 0.18237865], dtype=float32)
"""
from ._src.random.keys import *  # noqa: F401,F403
from ._src.random.uniform import *  # noqa: F401,F403
from ._src.random.continuous import *  # noqa: F401,F403
from ._src.random.discrete import *  # noqa: F401,F403
from ._src.random.gamma import *  # noqa: F401,F403
from ._src.random.counts import *  # noqa: F401,F403
from ._src.random.derived import *  # noqa: F401,F403
# kernels that tests check against SciPy and exact arithmetic
from ._src.random.continuous import _erf, _erf_inv  # noqa: F401
from ._src.random.uniform import _fma  # noqa: F401

__all__ = ["PRNGKey", "key", "key_data", "wrap_key_data", "key_impl", "clone", "split",
           "fold_in", "bits", "uniform", "randint", "normal", "truncated_normal",
           "multivariate_normal", "bernoulli", "categorical", "gumbel", "choice",
           "permutation", "exponential", "gamma", "loggamma", "beta", "dirichlet", "cauchy",
           "laplace", "logistic", "rademacher", "pareto", "weibull_min", "rayleigh", "maxwell",
           "double_sided_maxwell", "lognormal", "geometric", "triangular", "wald", "orthogonal",
           "poisson", "binomial", "multinomial", "t", "chisquare", "f", "generalized_normal",
           "ball", "key_dtype", "KeyArray"]
