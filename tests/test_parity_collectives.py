"""``lax.all_to_all`` over several axis names equals ``all_to_all`` over one
name mapping the flattened axes (first name major), as JAX defines it."""
import itertools

import numpy as np
import pytest

import vmapx
from vmapx import lax


def _nested(x, names_sizes, split_axis, concat_axis, tiled):
    (n1, b1), (n2, b2) = names_sizes
    f = lambda v: lax.all_to_all(v, (n1, n2), split_axis, concat_axis, tiled=tiled)  # noqa: E731
    out = vmapx.vmap(vmapx.vmap(f, axis_name=n2), axis_name=n1)(
        x.reshape((b1, b2) + x.shape[1:]))
    return out.reshape((b1 * b2,) + out.shape[2:])


def _flat(x, split_axis, concat_axis, tiled):
    return vmapx.vmap(lambda v: lax.all_to_all(v, "k", split_axis, concat_axis, tiled=tiled),
                      axis_name="k")(x)


@pytest.mark.parametrize("split_axis, concat_axis", list(itertools.product([0, 1], [0, 1])))
def test_all_to_all_over_two_names_equals_one_flattened_name(split_axis, concat_axis):
    x = np.arange(6 * 6 * 6, dtype=np.float32).reshape(6, 6, 6)
    got = _nested(x, [("i", 2), ("j", 3)], split_axis, concat_axis, tiled=False)
    want = _flat(x, split_axis, concat_axis, tiled=False)
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("split_axis, concat_axis", list(itertools.product([0, 1], [0, 1])))
def test_tiled_all_to_all_over_two_names_equals_one_flattened_name(split_axis, concat_axis):
    x = np.arange(4 * 8 * 4).reshape(4, 8, 4)
    got = _nested(x, [("i", 2), ("j", 2)], split_axis, concat_axis, tiled=True)
    want = _flat(x, split_axis, concat_axis, tiled=True)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_all_to_all_over_two_names_checks_the_split_size():
    f = vmapx.vmap(vmapx.vmap(lambda v: lax.all_to_all(v, ("i", "j"), 0, 0), axis_name="j"),
                   axis_name="i")
    with pytest.raises(ValueError, match="all_to_all requires the size of the mapped axis"):
        f(np.zeros((2, 2, 3)))
