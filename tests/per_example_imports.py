"""Per-example functions of a user module that imports NumPy's and ``math``'s
functions by name (``from math import sqrt``), for ``test_per_example_code``."""
from math import atan2, exp, sqrt

import numpy as np
from numpy import asarray, zeros


def radius(p):
    return sqrt(p[0] ** 2 + p[1] ** 2) + exp(-p[2] ** 2) + atan2(p[1], p[0])


def fill(p):
    out = zeros(3)
    q = asarray(p)
    out[0] = q[0] * 2
    out[1:] = q[1:]
    return out


def calls_a_helper(p):
    return radius(p) * 2 + np.tanh(p[0])
