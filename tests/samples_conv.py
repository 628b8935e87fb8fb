"""Sample inputs for the convolution and windowed-reduction primitives
(``prims/conv.py``, ``prims/windowed.py``), registered into
``samples.SAMPLES`` (imported at the end of ``samples.py``).

The cases cover strides, explicit (also negative) padding, lhs/rhs (base /
window) dilation, feature and batch groups, non-default dimension numbers,
1-D/2-D/3-D, and float32/float64/complex/integer dtypes.  Windowed max/min
samples keep every window at least partly inside the operand (a window made
only of padding gives an infinite result, useless for finite differences).
"""
from __future__ import annotations

from samples import c128, f32, f64, i32, i64, cx, fl, it, sample

from vmapx._src.prims.conv import ConvDimensionNumbers
from vmapx._src.prims.windowed import windowed_shape

_WINDOW_KEYS = ("window_dimensions", "window_strides", "padding", "base_dilation",
                "window_dilation")


def _dn(lhs, rhs, out):
    return ConvDimensionNumbers(tuple(lhs), tuple(rhs), tuple(out))


_NCHW = _dn((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))


def _conv_params(strides, padding, lhs_dilation, rhs_dilation, dn, fgc=1, bgc=1, pet=None):
    return dict(window_strides=strides, padding=padding, lhs_dilation=lhs_dilation,
                rhs_dilation=rhs_dilation, dimension_numbers=dn, feature_group_count=fgc,
                batch_group_count=bgc, preferred_element_type=pet)


@sample("conv_general_dilated")
def _conv(rng):
    return [
        ((fl(rng, (2, 3, 6, 5)), fl(rng, (4, 3, 3, 2))),
         _conv_params((1, 1), ((1, 1), (0, 1)), (1, 1), (1, 1), _NCHW)),
        # NHWC / HWIO, strided, rhs dilation, two feature groups
        ((fl(rng, (1, 5, 6, 4), f32), fl(rng, (3, 2, 2, 6), f32)),
         _conv_params((2, 1), ((1, 0), (1, 1)), (1, 1), (1, 2),
                      _dn((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2)), fgc=2)),
        # 1-D, lhs dilation, negative padding, two batch groups
        ((fl(rng, (4, 2, 5)), fl(rng, (6, 2, 3))),
         _conv_params((1,), ((2, -1),), (2,), (1,), _dn((0, 1, 2), (0, 1, 2), (0, 1, 2)), bgc=2)),
        # 3-D with an output layout different from the input's
        ((fl(rng, (1, 2, 4, 3, 4)), fl(rng, (2, 2, 2, 2, 2))),
         _conv_params((1, 2, 1), ((1, 0), (0, 0), (1, 1)), (1, 1, 1), (1, 1, 1),
                      _dn((0, 1, 2, 3, 4), (0, 1, 2, 3, 4), (4, 0, 1, 2, 3)))),
        ((cx(rng, (2, 2, 4)), cx(rng, (3, 2, 2))),
         _conv_params((1,), ((0, 1),), (1,), (1,), _dn((0, 1, 2), (0, 1, 2), (0, 1, 2)))),
        ((it(rng, (1, 2, 4, 3), i32), it(rng, (2, 2, 2, 2), i32)),
         _conv_params((1, 1), ((0, 0), (1, 0)), (1, 1), (1, 1), _NCHW)),
        # integers accumulated in a wider preferred_element_type
        ((it(rng, (1, 1, 4), i32), it(rng, (2, 1, 2), i32)),
         _conv_params((1,), ((0, 0),), (1,), (1,), _dn((0, 1, 2), (0, 1, 2), (0, 1, 2)),
                      pet=i64)),
    ]


def _window(dims, strides, padding, base=None, wdil=None):
    n = len(dims)
    return dict(window_dimensions=dims, window_strides=strides, padding=padding,
                base_dilation=base or (1,) * n, window_dilation=wdil or (1,) * n)


_WINDOWS = [
    ((5, 6), f64, _window((2, 2), (2, 2), ((0, 0), (0, 0)))),
    ((6, 5), f32, _window((3, 2), (1, 2), ((1, 1), (0, 1)))),
    ((4, 5), f64, _window((3, 2), (2, 1), ((1, 1), (0, 1)), (2, 1), (1, 2))),
    ((7,), f64, _window((3,), (2,), ((1, -1),), None, (2,))),
    ((2, 3, 4), f32, _window((1, 2, 2), (1, 1, 2), ((0, 0), (1, 0), (0, 1)))),
]


@sample("reduce_window_sum")
def _reduce_window_sum(rng):
    cases = [((fl(rng, s, dt),), p) for s, dt, p in _WINDOWS]
    cases.append(((it(rng, (4, 5)),), _WINDOWS[1][2]))
    cases.append(((cx(rng, (5,), c128),), _window((2,), (1,), ((1, 0),))))
    return cases


@sample("reduce_window_prod")
def _reduce_window_prod(rng):
    cases = [((fl(rng, s, dt),), p) for s, dt, p in _WINDOWS]
    x = fl(rng, (3, 4))
    x[1, 1] = 0.0  # windows with one zero (the exact-zero branch of the derivative)
    cases.append(((x,), _window((2, 2), (1, 1), ((0, 0), (0, 0)))))
    cases.append(((it(rng, (4, 5)),), _WINDOWS[1][2]))
    cases.append(((cx(rng, (5,), c128),), _window((2,), (1,), ((1, 0),))))
    return cases


@sample("reduce_window_max", "reduce_window_min")
def _reduce_window_extremum(rng):
    cases = [((fl(rng, s, dt),), p) for s, dt, p in _WINDOWS]
    cases.append(((it(rng, (4, 5), i32),), _WINDOWS[1][2]))
    return cases


def _select_cases(rng, gather):
    """``(operand, x)`` per window config: the operand has ``x``'s shape for
    the gather and the windowed (output) shape for the scatter."""
    cases = []
    for k, (s, dt, p) in enumerate(_WINDOWS[:4]):
        x = fl(rng, s, dt)
        shape = s if gather else windowed_shape(s, *(p[n] for n in _WINDOW_KEYS))
        cases.append(((fl(rng, shape, dt), x), dict(select="max" if k % 2 == 0 else "min",
                                                   **p)))
    return cases


@sample("select_and_gather_add")
def _select_and_gather_add(rng):
    return _select_cases(rng, True)


@sample("select_and_scatter_add")
def _select_and_scatter_add(rng):
    return _select_cases(rng, False)
