"""``vmapx.example_libraries.stax``: the small neural-network library of JAX's
``jax.example_libraries.stax``, for programs written against it.

A layer is a pair ``(init_fun, apply_fun)``: ``init_fun(rng, input_shape)``
returns ``(output_shape, params)`` and ``apply_fun(params, inputs, **kwargs)``
the outputs (``rng=`` for layers that need randomness).  Layers compose with
``serial`` and ``parallel``.  Keys are split and parameters drawn in JAX's
order, with ``vmapx.nn.initializers``, so a model initialized from the same key
gets JAX's (x64) parameters.

>>> import numpy as np, vmapx
>>> from vmapx.example_libraries import stax
>>> init, apply = stax.serial(stax.Dense(4), stax.Relu, stax.Dense(2), stax.LogSoftmax)
>>> out_shape, params = init(vmapx.random.PRNGKey(0), (-1, 3))
>>> out_shape, apply(params, np.ones((5, 3))).shape
((-1, 2), (5, 2))
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .. import lax, numpy as jnp, random
from ..nn import (elu, gelu, leaky_relu, log_softmax, relu, selu, sigmoid, softmax,
                  softplus, standardize)
from ..nn.initializers import glorot_normal, normal, ones, zeros

__all__ = ["AvgPool", "BatchNorm", "Conv", "Conv1DTranspose", "ConvTranspose", "Dense",
           "Dropout", "Elu", "Exp", "FanInConcat", "FanInSum", "FanOut", "Flatten", "Gelu",
           "GeneralConv", "GeneralConvTranspose", "Identity", "LeakyRelu", "LogSoftmax",
           "MaxPool", "Relu", "Selu", "Sigmoid", "Softmax", "Softplus", "SumPool", "Tanh",
           "elementwise", "parallel", "serial", "shape_dependent", "glorot", "randn",
           "logsoftmax"]

glorot = glorot_normal
randn = normal
logsoftmax = log_softmax


def _no_params(rng, input_shape):
    return input_shape, ()


def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):  # noqa: N802,N803
    """A fully connected layer: ``inputs @ W + b``.

    >>> import vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.Dense(3)
    >>> shape, (W, b) = init(vmapx.random.PRNGKey(0), (2, 5))
    >>> shape, W.shape, b.shape
    ((2, 3), (5, 3), (3,))
    """
    def init_fun(rng, input_shape):
        k_w, k_b = random.split(rng)
        return (tuple(input_shape[:-1]) + (out_dim,),
                (W_init(k_w, (input_shape[-1], out_dim)), b_init(k_b, (out_dim,))))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return jnp.dot(inputs, W) + b
    return init_fun, apply_fun


def _kernel_shape(specs, out_chan, filter_shape, input_shape):
    lhs_spec, rhs_spec, _ = specs
    spatial = iter(filter_shape)
    return [out_chan if c == "O" else input_shape[lhs_spec.index("C")] if c == "I"
            else next(spatial) for c in rhs_spec]


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None,  # noqa: N802
                padding="VALID", W_init=None, b_init=normal(1e-6)):  # noqa: N803
    """A convolution layer with the given ``(lhs, rhs, out)`` dimension numbers.

    >>> import vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.Conv(8, (3, 3), padding="SAME")
    >>> init(vmapx.random.PRNGKey(0), (1, 5, 5, 2))[0]
    (1, 5, 5, 8)
    """
    _, rhs_spec, out_spec = dimension_numbers
    ones_ = (1,) * len(filter_shape)
    strides = strides or ones_
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))  # noqa: N806

    def init_fun(rng, input_shape):
        kernel_shape = _kernel_shape(dimension_numbers, out_chan, filter_shape, input_shape)
        out_shape = lax.conv_general_shape_tuple(input_shape, kernel_shape, strides, padding,
                                                 dimension_numbers)
        k_w, k_b = random.split(rng)
        return out_shape, (W_init(k_w, kernel_shape),
                           b_init(k_b, [out_chan if c == "C" else 1 for c in out_spec]))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return lax.conv_general_dilated(inputs, W, strides, padding, ones_, ones_,
                                        dimension_numbers=dimension_numbers) + b
    return init_fun, apply_fun


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None,  # noqa: N802
                         padding="VALID", W_init=None, b_init=normal(1e-6)):  # noqa: N803
    """A transposed-convolution layer with the given dimension numbers.

    >>> import vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.ConvTranspose(4, (2, 2), strides=(2, 2))
    >>> init(vmapx.random.PRNGKey(0), (1, 3, 3, 2))[0]
    (1, 6, 6, 4)
    """
    _, rhs_spec, out_spec = dimension_numbers
    strides = strides or (1,) * len(filter_shape)
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))  # noqa: N806

    def init_fun(rng, input_shape):
        kernel_shape = _kernel_shape(dimension_numbers, out_chan, filter_shape, input_shape)
        out_shape = lax.conv_transpose_shape_tuple(input_shape, kernel_shape, strides,
                                                   padding, dimension_numbers)
        k_w, k_b = random.split(rng)
        return out_shape, (W_init(k_w, kernel_shape),
                           b_init(k_b, [out_chan if c == "C" else 1 for c in out_spec]))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return lax.conv_transpose(inputs, W, strides, padding,
                                  dimension_numbers=dimension_numbers) + b
    return init_fun, apply_fun


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))


def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True,  # noqa: N802
              beta_init=zeros, gamma_init=ones):
    """Batch normalization over ``axis``, with a learned shift (``center``) and
    scale (``scale``) per remaining position.

    >>> import numpy as np, vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.BatchNorm(axis=(0,))
    >>> _, params = init(vmapx.random.PRNGKey(0), (4, 3))
    >>> np.round(apply(params, np.arange(12.0).reshape(4, 3)).std(0), 3)
    array([1., 1., 1.])
    """
    axis = (axis,) if np.isscalar(axis) else tuple(axis)

    def init_fun(rng, input_shape):
        shape = tuple(d for i, d in enumerate(input_shape) if i not in axis)
        k_beta, k_gamma = random.split(rng)
        beta = beta_init(k_beta, shape) if center else ()
        gamma = gamma_init(k_gamma, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        beta, gamma = params
        expand = tuple(None if i in axis else slice(None) for i in range(jnp.ndim(x)))
        z = standardize(x, axis, epsilon=epsilon)
        if scale:
            z = gamma[expand] * z
        if center:
            z = z + beta[expand]
        return z
    return init_fun, apply_fun


def elementwise(fun, **fun_kwargs):
    """A parameterless layer applying ``fun(inputs, **fun_kwargs)``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import stax
    >>> stax.elementwise(np.round, decimals=1)[1]((), np.array([-1.04, 2.26]))
    array([-1. ,  2.3])
    """
    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)
    return _no_params, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(log_softmax, axis=-1)
Softmax = elementwise(softmax, axis=-1)
Softplus = elementwise(softplus)
Sigmoid = elementwise(sigmoid)
Elu = elementwise(elu)
LeakyRelu = elementwise(leaky_relu)
Selu = elementwise(selu)
Gelu = elementwise(gelu)


def _with_unit_axes(values, positions):
    """``values`` with a 1 inserted at each of ``positions`` (in increasing order)."""
    values = tuple(values)
    for i in sorted(positions):
        values = values[:i] + (1,) + values[i:]
    return values


def _window_sizes(inputs, spec, window, strides, padding):
    """How many input elements each pooling window covers (for averages)."""
    non_spatial = (0, inputs.ndim - 1) if spec is None else (spec.index("N"), spec.index("C"))
    spatial = tuple(d for i, d in enumerate(inputs.shape) if i not in non_spatial)
    sizes = lax.reduce_window(jnp.ones(spatial, dtype=inputs.dtype), 0., lax.add, window,
                              strides, padding)
    for i in sorted(non_spatial):
        sizes = jnp.expand_dims(sizes, i)
    return sizes


def _pooling(reducer, init_val, average=False):
    def layer(window_shape, strides=None, padding="VALID", spec=None):
        strides = strides or (1,) * len(window_shape)
        spatial_window, spatial_strides = tuple(window_shape), tuple(strides)
        non_spatial = (0, len(window_shape) + 1) if spec is None else (
            spec.index("N"), spec.index("C"))
        window = _with_unit_axes(spatial_window, non_spatial)
        full_strides = _with_unit_axes(spatial_strides, non_spatial)

        def init_fun(rng, input_shape):
            pads = lax.padtype_to_pads(input_shape, window, full_strides, padding)
            unit = (1,) * len(window)
            return lax.reduce_window_shape_tuple(input_shape, window, full_strides, pads,
                                                 unit, unit), ()

        def apply_fun(params, inputs, **kwargs):
            out = lax.reduce_window(inputs, init_val, reducer, window, full_strides, padding)
            if average:
                out = out / _window_sizes(inputs, spec, spatial_window, spatial_strides,
                                          padding)
            return out
        return init_fun, apply_fun
    return layer


MaxPool = _pooling(lax.max, -np.inf)
MaxPool.__doc__ = """Max pooling over spatial windows (``spec`` names the layout, NHWC by default).

>>> import numpy as np
>>> from vmapx.example_libraries import stax
>>> stax.MaxPool((2, 2), (2, 2))[1]((), np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
array([[ 5.,  7.],
       [13., 15.]])
"""
SumPool = _pooling(lax.add, 0.)
SumPool.__doc__ = """Sum pooling over spatial windows.

>>> import numpy as np
>>> from vmapx.example_libraries import stax
>>> stax.SumPool((2, 2), (2, 2))[1]((), np.ones((1, 4, 4, 1)))[0, :, :, 0]
array([[4., 4.],
       [4., 4.]])
"""
AvgPool = _pooling(lax.add, 0., average=True)
AvgPool.__doc__ = """Average pooling over spatial windows (padding excluded from the count).

>>> import numpy as np
>>> from vmapx.example_libraries import stax
>>> stax.AvgPool((2, 2), (1, 1), "SAME")[1]((), np.ones((1, 2, 2, 1)))[0, :, :, 0]
array([[1., 1.],
       [1., 1.]])
"""


def _flatten():
    """Flattens all axes but the first.

    >>> import numpy as np
    >>> from vmapx.example_libraries import stax
    >>> stax.Flatten[0](None, (2, 3, 4))[0]
    (2, 12)
    """
    def init_fun(rng, input_shape):
        return (input_shape[0], math.prod(input_shape[1:])), ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.reshape(inputs, (inputs.shape[0], -1))
    return init_fun, apply_fun


Flatten = _flatten()


def _identity():
    """Returns its inputs.

    >>> from vmapx.example_libraries import stax
    >>> stax.Identity[1]((), 3.0)
    3.0
    """
    return _no_params, lambda params, inputs, **kwargs: inputs


Identity = _identity()


def FanOut(num):  # noqa: N802
    """Repeats its input ``num`` times (for ``parallel`` branches).

    >>> from vmapx.example_libraries import stax
    >>> stax.FanOut(2)[1]((), 1.0)
    [1.0, 1.0]
    """
    def init_fun(rng, input_shape):
        return [input_shape] * num, ()
    return init_fun, lambda params, inputs, **kwargs: [inputs] * num


def _fan_in_sum():
    """Sums a list of inputs.

    >>> from vmapx.example_libraries import stax
    >>> stax.FanInSum[1]((), [1.0, 2.0])
    3.0
    """
    def init_fun(rng, input_shape):
        return input_shape[0], ()
    return init_fun, lambda params, inputs, **kwargs: sum(inputs)


FanInSum = _fan_in_sum()


def FanInConcat(axis=-1):  # noqa: N802
    """Concatenates a list of inputs along ``axis``.

    >>> import numpy as np
    >>> from vmapx.example_libraries import stax
    >>> stax.FanInConcat()[0](None, [(2, 3), (2, 4)])[0]
    (2, 7)
    """
    def init_fun(rng, input_shape):
        ax = axis % len(input_shape[0])
        size = sum(shape[ax] for shape in input_shape)
        first = tuple(input_shape[0])
        return first[:ax] + (size,) + first[ax + 1:], ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.concatenate(inputs, axis)
    return init_fun, apply_fun


def Dropout(rate, mode="train"):  # noqa: N802
    """Dropout; as in JAX's stax, ``rate`` is the probability of *keeping* a value
    (kept values are divided by it).  Needs ``rng=`` in training mode.

    >>> import numpy as np, vmapx
    >>> from vmapx.example_libraries import stax
    >>> stax.Dropout(0.5)[1]((), np.ones(4), rng=vmapx.random.PRNGKey(0))
    array([2., 2., 0., 0.])
    """
    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError(
                "Dropout layer requires apply_fun to be called with a PRNG key argument. "
                "That is, instead of `apply_fun(params, inputs)`, call it like "
                "`apply_fun(params, inputs, rng)` where `rng` is a PRNG key (e.g. from "
                "`vmapx.random.key`).")
        if mode != "train":
            return inputs
        keep = random.bernoulli(rng, rate, inputs.shape)
        return jnp.where(keep, inputs / rate, 0)
    return _no_params, apply_fun


def serial(*layers):
    """The layers one after the other (keys split once per layer, in order).

    >>> import numpy as np, vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.serial(stax.Dense(2), stax.Tanh)
    >>> shape, params = init(vmapx.random.PRNGKey(0), (3, 4))
    >>> shape, len(params)
    ((3, 2), 2)
    """
    init_funs = [layer[0] for layer in layers]
    apply_funs = [layer[1] for layer in layers]

    def init_fun(rng, input_shape):
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, p = init(layer_rng, input_shape)
            params.append(p)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else [None] * len(layers)
        for fun, p, r in zip(apply_funs, params, rngs, strict=True):
            inputs = fun(p, inputs, rng=r, **kwargs)
        return inputs
    return init_fun, apply_fun


def parallel(*layers):
    """The layers side by side: a list of inputs to a list of outputs (use with
    ``FanOut`` and ``FanInSum`` / ``FanInConcat``).

    >>> import numpy as np, vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.serial(stax.FanOut(2), stax.parallel(stax.Dense(3), stax.Identity),
    ...                           stax.FanInConcat())
    >>> init(vmapx.random.PRNGKey(0), (1, 2))[0]
    (1, 5)
    """
    init_funs = [layer[0] for layer in layers]
    apply_funs = [layer[1] for layer in layers]

    def init_fun(rng, input_shape):
        rngs = random.split(rng, len(layers))
        pairs = [init(r, shape) for init, r, shape in zip(init_funs, rngs, input_shape,
                                                          strict=True)]
        return tuple(s for s, _ in pairs), tuple(p for _, p in pairs)

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, len(layers)) if rng is not None else [None] * len(layers)
        return [f(p, x, rng=r, **kwargs)
                for f, p, x, r in zip(apply_funs, params, inputs, rngs, strict=True)]
    return init_fun, apply_fun


def shape_dependent(make_layer):
    """A layer built by ``make_layer(input_shape)`` once the input shape is known.

    >>> import numpy as np, vmapx
    >>> from vmapx.example_libraries import stax
    >>> init, apply = stax.shape_dependent(lambda shape: stax.Dense(shape[-1]))
    >>> init(vmapx.random.PRNGKey(0), (2, 6))[0]
    (2, 6)
    """
    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(inputs.shape)[1](params, inputs, **kwargs)
    return init_fun, apply_fun
