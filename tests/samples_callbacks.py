"""Loop-oracle samples for ``pure_callback`` and ``io_callback`` (registered into
``samples.SAMPLES``).

The callback is elementwise in matching-shaped operands plus a reduction over
the last axis, so it is correct on one example and, as every ``vmap_method``
requires of it, on batched operands (leading batch axes, size-1 where unbatched
under ``expand_dims``).  ``debug_callback`` has no results to compare and is
listed in ``NOT_LOOPABLE``; it is pinned in ``test_misc_api.py``.
"""
import numpy as np

from samples import f32, f64, fl, sample
from vmapx._src.core import ShapedArray


def _pc_fun(x, y):
    return [np.sin(x) * y, np.sum(x * y, axis=-1)]


def _avals(shape, dt):
    return (ShapedArray(shape, dt), ShapedArray(shape[:-1], dt))


@sample("pure_callback")
def _pure_callback(rng):
    return [((fl(rng, (3,)), fl(rng, (3,))),
             {"callback": _pc_fun, "result_avals": _avals((3,), f64),
              "vmap_method": "sequential"}),
            ((fl(rng, (2, 3), f32), fl(rng, (2, 3), f32)),
             {"callback": _pc_fun, "result_avals": _avals((2, 3), f32),
              "vmap_method": "expand_dims"}),
            ((fl(rng, (4,)), fl(rng, (4,))),
             {"callback": _pc_fun, "result_avals": _avals((4,), f64),
              "vmap_method": "broadcast_all"})]


@sample("io_callback")
def _io_callback(rng):
    # unordered: vmapped as a loop over the examples, which the oracle is too
    return [((fl(rng, (3,)), fl(rng, (3,))),
             {"callback": _pc_fun, "result_avals": _avals((3,), f64), "ordered": False}),
            ((fl(rng, (2, 3), f32), fl(rng, (2, 3), f32)),
             {"callback": _pc_fun, "result_avals": _avals((2, 3), f32), "ordered": False})]
