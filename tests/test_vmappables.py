"""Container types vmap maps as a whole (``vmapx.interpreters.batching.
register_vmappable``): a time series that carries its sampling period, mapped
along a spec that names the batch axis."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx.interpreters import batching


class Series:
    def __init__(self, values, period):
        self.values, self.period = values, period


class Along:
    """An axis spec for Series: the axis of ``values`` that holds the batch."""

    def __init__(self, axis):
        self.axis = axis


def to_elt(cont, size, series, spec):
    axis = spec.axis if isinstance(spec, Along) else spec
    return Series(cont(series.values, axis), series.period)


def from_elt(cont, size, series, spec):
    axis = spec.axis if isinstance(spec, Along) else spec
    return Series(cont(size, series.values, axis), series.period)


@pytest.fixture
def registered():
    batching.register_vmappable(Series, Along, int, to_elt, from_elt, None)
    yield
    batching.unregister_vmappable(Series)


def derivative(s):
    return Series(jnp.diff(s.values) / s.period, s.period)


def test_containers_map_along_their_spec_and_equal_the_loop(registered):
    values = np.arange(24.0).reshape(4, 6) ** 2
    out = vmapx.vmap(derivative, in_axes=Along(1), out_axes=Along(0), axis_size=6)(
        Series(values, 0.5))
    assert type(out) is Series and out.period == 0.5
    want = np.stack([np.diff(values[:, j]) / 0.5 for j in range(6)])
    np.testing.assert_allclose(out.values, want)
    # default axes (0), under jit (the container is made inside: it is no pytree)
    out0 = vmapx.jit(lambda v: vmapx.vmap(derivative, axis_size=4)(Series(v, 2.0)).values)(
        values)
    np.testing.assert_allclose(out0, np.diff(values, axis=1) / 2.0)


def test_element_functions_may_compute_while_the_batch_is_traced(registered):
    def shifted_from_elt(cont, size, series, spec):
        return Series(cont(size, series.values + 1.0, spec), series.period)

    batching.unregister_vmappable(Series)
    batching.register_vmappable(Series, Along, int, to_elt, shifted_from_elt, None)
    out = vmapx.vmap(lambda s: s, axis_size=3)(Series(np.arange(3.0), 1.0))
    np.testing.assert_allclose(out.values, np.arange(3.0) + 1.0)


def test_containers_mix_with_arrays_and_grad(registered):
    values = np.linspace(0.0, 1.0, 12).reshape(3, 4)
    scale = np.array([1.0, 2.0, 3.0])

    def energy(s, c):
        return jnp.sum((s.values * c) ** 2) / s.period

    g = vmapx.vmap(vmapx.grad(energy, argnums=1), in_axes=(0, 0))(Series(values, 2.0), scale)
    np.testing.assert_allclose(g, [np.sum(values[i] ** 2) * 2 * scale[i] / 2.0
                                   for i in range(3)])


def test_unregistered_types_and_specs_are_errors():
    with pytest.raises(TypeError, match="vmap in_axes must be an int, None, or a tuple"):
        vmapx.vmap(derivative, in_axes=Along(0))
    batching.register_vmappable(Series, Along, int, to_elt, from_elt, None)
    batching.unregister_vmappable(Series)
    with pytest.raises(KeyError):
        batching.unregister_vmappable(Series)
