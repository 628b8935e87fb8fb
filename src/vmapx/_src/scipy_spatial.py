"""``vmapx.scipy.spatial.transform`` (``jax.scipy.spatial.transform``):
``Rotation`` and ``Slerp``, named tuples (so pytrees) of arrays, as in JAX.

A rotation is a unit quaternion ``(x, y, z, w)`` (scalar last) on the last
axis of ``quat``; leading axes hold several rotations.  Every conversion is
written on the last axis with broadcasting (components sliced out, results
stacked), so any number of leading axes works without ``vectorize``, and
everything is batched under ``vmap`` and differentiable.  The sequence of
Euler axes is static, so its branches are taken in Python.

* ``from_matrix`` picks, per rotation, the largest of the diagonal and the
  trace (Shepperd's method) with ``where`` over the four candidates.
* ``mean`` is the eigenvector of the largest eigenvalue of the weighted
  quaternion outer-product sum (``eigh``); its sign is whatever ``eigh``
  gives, as in JAX.
* ``Rotation.random(key, num)`` draws normal quaternions and normalises them
  (uniform on rotations, SciPy's method; JAX leaves it unimplemented).
  ``identity(num)`` accepts ``num`` (JAX asserts it is ``None``), and
  ``concatenate`` treats single rotations as one-element stacks (SciPy's
  rule).

>>> r = Rotation.from_rotvec(np.array([0.0, 0.0, np.pi / 2]))
>>> np.round(r.apply(np.array([1.0, 0.0, 0.0])), 6) + 0.0
array([0., 1., 0.])
"""
from __future__ import annotations

import re
import typing

import numpy as np

from .core import dtype_of, ndim_of, shape_of
from .jnp.base import asarray_like
from .jnp.linalg import eigh
from .random.continuous import normal
from . import numpy_api as jnp

__all__ = ["Rotation", "Slerp"]

_AXIS_INDEX = {"x": 0, "y": 1, "z": 2}


def _c(q, i):
    return q[..., i]


def _norm(v):
    return jnp.sqrt(jnp.sum(v * v, axis=-1))


def _normalize(quat):
    return quat / _norm(quat)[..., None]


def _compose(p, q):
    cross = jnp.cross(p[..., :3], q[..., :3])
    pw, qw = _c(p, 3), _c(q, 3)
    return jnp.stack([pw * _c(q, 0) + qw * _c(p, 0) + _c(cross, 0),
                      pw * _c(q, 1) + qw * _c(p, 1) + _c(cross, 1),
                      pw * _c(q, 2) + qw * _c(p, 2) + _c(cross, 2),
                      pw * qw - jnp.sum(p[..., :3] * q[..., :3], axis=-1)], axis=-1)


def _as_matrix(q):
    x, y, z, w = (_c(q, i) for i in range(4))
    rows = [[x * x - y * y - z * z + w * w, 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), -x * x + y * y - z * z + w * w, 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), -x * x - y * y + z * z + w * w]]
    return jnp.stack([jnp.stack(row, axis=-1) for row in rows], axis=-2)


def _from_matrix(m):
    m = asarray_like(m)
    d = [m[..., i, i] for i in range(3)]
    trace = d[0] + d[1] + d[2]
    choice = jnp.argmax(jnp.stack(d + [trace], axis=-1), axis=-1)
    quat = jnp.stack([m[..., 2, 1] - m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0],
                      m[..., 1, 0] - m[..., 0, 1], 1 + trace], axis=-1)
    for i in range(3):
        j, k = (i + 1) % 3, (i + 2) % 3
        parts = [None] * 4
        parts[i] = 1 - trace + 2 * m[..., i, i]
        parts[j] = m[..., j, i] + m[..., i, j]
        parts[k] = m[..., k, i] + m[..., i, k]
        parts[3] = m[..., k, j] - m[..., j, k]
        quat = jnp.where((choice == i)[..., None], jnp.stack(parts, axis=-1), quat)
    return _normalize(quat)


def _from_rotvec(rotvec, degrees):
    rotvec = asarray_like(rotvec)
    if degrees:
        rotvec = jnp.deg2rad(rotvec)
    angle = _norm(rotvec)
    angle2 = angle * angle
    small = 0.5 - angle2 / 48 + angle2 * angle2 / 3840
    safe = jnp.where(angle <= 1e-3, jnp.ones_like(angle), angle)   # no 0 / 0 in the unused branch
    large = jnp.sin(safe / 2) / safe
    scale = jnp.where(angle <= 1e-3, small, large)
    return jnp.concatenate([scale[..., None] * rotvec, jnp.cos(angle / 2)[..., None]], axis=-1)


def _as_rotvec(q, degrees):
    q = jnp.where((_c(q, 3) < 0)[..., None], -q, q)   # w >= 0: the angle is in [0, pi]
    angle = 2 * jnp.arctan2(_norm(q[..., :3]), _c(q, 3))
    angle2 = angle * angle
    small = 2 + angle2 / 12 + 7 * angle2 * angle2 / 2880
    safe = jnp.where(angle <= 1e-3, jnp.ones_like(angle), angle)
    large = safe / jnp.sin(safe / 2)
    scale = jnp.where(angle <= 1e-3, small, large)
    if degrees:
        scale = jnp.rad2deg(scale)
    return scale[..., None] * q[..., :3]


def _from_mrp(mrp):
    mrp = asarray_like(mrp)
    s = jnp.sum(mrp * mrp, axis=-1)[..., None] + 1
    return jnp.concatenate([2 * mrp[..., :3], 2 - s], axis=-1) / s


def _as_mrp(q):
    sign = jnp.astype(jnp.where(_c(q, 3) < 0, -1.0, 1.0), dtype_of(q))
    return (sign / (1 + sign * _c(q, 3)))[..., None] * q[..., :3]


def _elementary(axis, angle):
    half = angle / 2
    zero = jnp.zeros_like(half)
    parts = [zero, zero, zero, jnp.cos(half)]
    parts[axis] = jnp.sin(half)
    return jnp.stack(parts, axis=-1)


def _check_seq(seq, lengths):
    if len(seq) not in lengths:
        raise ValueError(f"Expected axis specification to be a non-empty string of upto 3 "
                         f"characters, got {seq}")
    intrinsic = re.match(r"^[XYZ]{1,3}$", seq) is not None
    extrinsic = re.match(r"^[xyz]{1,3}$", seq) is not None
    if not (intrinsic or extrinsic):
        raise ValueError("Expected axes from `seq` to be from ['x', 'y', 'z'] or "
                         f"['X', 'Y', 'Z'], got {seq}")
    if any(seq[i] == seq[i + 1] for i in range(len(seq) - 1)):
        raise ValueError(f"Expected consecutive axes to be different, got {seq}")
    return [_AXIS_INDEX[a] for a in seq.lower()], intrinsic


def _euler_from_quat(q, axes, extrinsic, degrees):
    if not extrinsic:
        axes = axes[::-1]
    i, j, k = axes
    symmetric = i == k
    if symmetric:
        k = 3 - i - j
    sign = (i - j) * (j - k) * (k - i) // 2
    if symmetric:
        a, b, c, d = _c(q, 3), _c(q, i), _c(q, j), _c(q, k) * sign
    else:
        a, b = _c(q, 3) - _c(q, j), _c(q, i) + _c(q, k) * sign
        c, d = _c(q, j) + _c(q, 3), _c(q, k) * sign - _c(q, i)
    eps = 1e-7
    middle = 2 * jnp.arctan2(jnp.hypot(c, d), jnp.hypot(a, b))
    case = jnp.where(jnp.abs(middle - np.pi) <= eps, 2, 0)
    case = jnp.where(jnp.abs(middle) <= eps, 1, case)
    half_sum, half_diff = jnp.arctan2(b, a), jnp.arctan2(d, c)
    first = 0 if extrinsic else 2
    third = 2 if extrinsic else 0
    angles = [None, middle, jnp.zeros_like(middle)]
    angles[0] = jnp.where(case == 1, 2 * half_sum, 2 * half_diff * (-1 if extrinsic else 1))
    angles[first] = jnp.where(case == 0, half_sum - half_diff, angles[first])
    angles[third] = jnp.where(case == 0, half_sum + half_diff, angles[third])
    if not symmetric:
        angles[third] = angles[third] * sign
        angles[1] = angles[1] - np.pi / 2
    out = (jnp.stack(angles, axis=-1) + np.pi) % (2 * np.pi) - np.pi
    return jnp.rad2deg(out) if degrees else out


def _canonical(q):
    neg, zero = q < 0, q == 0
    flip = (neg[..., 3] | (zero[..., 3] & neg[..., 0])
            | (zero[..., 3] & zero[..., 0] & neg[..., 1])
            | (zero[..., 3] & zero[..., 0] & zero[..., 1] & neg[..., 2]))
    return jnp.where(flip[..., None], -q, q)


class Rotation(typing.NamedTuple):
    """Rotations in 3 dimensions, as ``scipy.spatial.transform.Rotation``,
    held as unit quaternions ``quat`` (scalar last; leading axes for several).

    >>> r = Rotation.from_euler("z", 90, degrees=True)
    >>> np.round(r.as_rotvec(), 6) + 0.0
    array([0.      , 0.      , 1.570796])
    >>> np.round((r * r).as_matrix(), 6) + 0.0
    array([[-1.,  0.,  0.],
           [ 0., -1.,  0.],
           [ 0.,  0.,  1.]])
    """
    quat: typing.Any

    @classmethod
    def concatenate(cls, rotations):
        """One rotation stack of several rotations (singles count as one).

        >>> r = Rotation.concatenate([Rotation.identity(), Rotation.identity(2)])
        >>> len(r)
        3
        """
        return cls(jnp.concatenate([jnp.atleast_2d(r.quat) for r in rotations]))

    @classmethod
    def from_euler(cls, seq, angles, degrees=False):
        """From Euler angles about the axes of ``seq`` (up to 3 of ``xyz``,
        extrinsic, or ``XYZ``, intrinsic) on the last axis of ``angles``.

        >>> np.round(Rotation.from_euler("xy", np.array([90.0, 0.0]), degrees=True).quat, 6)
        array([0.707107, 0.      , 0.      , 0.707107])
        """
        axes, intrinsic = _check_seq(seq, (1, 2, 3))
        angles = jnp.atleast_1d(asarray_like(angles))
        if dtype_of(angles).kind != "f":
            angles = jnp.astype(angles, np.float64)
        if shape_of(angles)[-1] != len(axes):
            raise ValueError(f"Expected angles to have {len(axes)} values on the last axis "
                             f"for seq={seq!r}, got shape {shape_of(angles)}")
        if degrees:
            angles = jnp.deg2rad(angles)
        quat = _elementary(axes[0], angles[..., 0])
        for n in range(1, len(axes)):
            step = _elementary(axes[n], angles[..., n])
            quat = _compose(quat, step) if intrinsic else _compose(step, quat)
        return cls(quat)

    @classmethod
    def from_matrix(cls, matrix):
        """From rotation matrices ``(..., 3, 3)``.

        >>> Rotation.from_matrix(np.eye(3)).quat
        array([0., 0., 0., 1.])
        """
        return cls(_from_matrix(matrix))

    @classmethod
    def from_mrp(cls, mrp):
        """From modified Rodrigues parameters ``(..., 3)``.

        >>> Rotation.from_mrp(np.array([0.0, 0.0, 1.0])).quat
        array([0., 0., 1., 0.])
        """
        return cls(_from_mrp(mrp))

    @classmethod
    def from_quat(cls, quat):
        """From quaternions ``(..., 4)`` (scalar last), normalised.

        >>> Rotation.from_quat(np.array([0.0, 0.0, 0.0, 2.0])).quat
        array([0., 0., 0., 1.])
        """
        return cls(_normalize(asarray_like(quat)))

    @classmethod
    def from_rotvec(cls, rotvec, degrees=False):
        """From rotation vectors ``(..., 3)`` (axis times angle).

        >>> np.round(Rotation.from_rotvec(np.array([np.pi, 0.0, 0.0])).quat, 6) + 0.0
        array([1., 0., 0., 0.])
        """
        return cls(_from_rotvec(rotvec, degrees))

    @classmethod
    def identity(cls, num=None, dtype=float):
        """The identity rotation (``num`` of them if given).

        >>> Rotation.identity().quat
        array([0., 0., 0., 1.])
        """
        quat = np.array([0.0, 0.0, 0.0, 1.0], dtype=dtype)
        if num is not None:
            quat = np.tile(quat, (num, 1))
        return cls(jnp.asarray(quat))

    @classmethod
    def random(cls, random_key, num=None):
        """Rotations uniformly distributed (normalised normal quaternions).

        >>> from vmapx import random
        >>> Rotation.random(random.key(0), 5).quat.shape
        (5, 4)
        """
        shape = (4,) if num is None else (num, 4)
        return cls(_normalize(normal(random_key, shape)))

    def __getitem__(self, indexer):
        """The rotations at ``indexer`` of a stack.

        >>> Rotation.identity(3)[1:].quat.shape
        (2, 4)
        """
        if self.single:
            raise TypeError("Single rotation is not subscriptable.")
        return Rotation(self.quat[indexer])

    def __len__(self):
        """The number of rotations of a stack.

        >>> len(Rotation.identity(4))
        4
        """
        if self.single:
            raise TypeError("Single rotation has no len().")
        return shape_of(self.quat)[0]

    def __mul__(self, other):
        """The composition: ``other`` applied first, then ``self``.

        >>> r = Rotation.from_euler("x", 30, degrees=True)
        >>> np.round((r * r).as_euler("xyz", degrees=True), 6) + 0.0
        array([60.,  0.,  0.])
        """
        return Rotation.from_quat(_compose(self.quat, other.quat))

    def apply(self, vectors, inverse=False):
        """The rotated ``vectors`` (``(..., 3)``; the inverse rotation if ``inverse``).

        >>> r = Rotation.from_euler("z", 90, degrees=True)
        >>> np.round(r.apply(np.array([1.0, 0.0, 0.0]), inverse=True), 6) + 0.0
        array([ 0., -1.,  0.])
        """
        matrix = self.as_matrix()
        if inverse:
            matrix = jnp.swapaxes(matrix, -1, -2)
        return jnp.matmul(matrix, asarray_like(vectors)[..., None])[..., 0]

    def as_euler(self, seq, degrees=False):
        """Euler angles about the 3 axes of ``seq``.

        >>> np.round(Rotation.from_euler("zyx", np.array([10.0, 20.0, 30.0]), degrees=True)
        ...          .as_euler("zyx", degrees=True), 6)
        array([10., 20., 30.])
        """
        if len(seq) != 3:
            raise ValueError(f"Expected 3 axes, got {seq}.")
        axes, intrinsic = _check_seq(seq, (3,))
        return _euler_from_quat(self.quat, axes, not intrinsic, degrees)

    def as_matrix(self):
        """Rotation matrices ``(..., 3, 3)``.

        >>> Rotation.identity().as_matrix()
        array([[1., 0., 0.],
               [0., 1., 0.],
               [0., 0., 1.]])
        """
        return _as_matrix(self.quat)

    def as_mrp(self):
        """Modified Rodrigues parameters ``(..., 3)`` (of the rotation by at most pi).

        >>> Rotation.from_quat(np.array([0.0, 0.0, 1.0, 0.0])).as_mrp()
        array([0., 0., 1.])
        """
        return _as_mrp(self.quat)

    def as_rotvec(self, degrees=False):
        """Rotation vectors ``(..., 3)``, angles in ``[0, pi]``.

        >>> Rotation.from_quat(np.array([0.0, 0.0, 1.0, 0.0])).as_rotvec(degrees=True)
        array([  0.,   0., 180.])
        """
        return _as_rotvec(self.quat, degrees)

    def as_quat(self, canonical=False, scalar_first=False):
        """Quaternions ``(..., 4)``: ``canonical`` makes ``w >= 0`` (SciPy's rule
        for ties); ``scalar_first`` puts ``w`` first.

        >>> Rotation.from_quat(np.array([0.0, 0.0, 0.0, -1.0])).as_quat(canonical=True)
        array([-0., -0., -0.,  1.])
        """
        quat = _canonical(self.quat) if canonical else self.quat
        return jnp.roll(quat, 1, axis=-1) if scalar_first else quat

    def inv(self):
        """The inverse rotation(s).

        >>> Rotation.from_quat(np.array([0.0, 0.0, 1.0, 1.0])).inv().quat
        array([-0.        , -0.        , -0.70710678,  0.70710678])
        """
        return Rotation(self.quat * np.array([-1, -1, -1, 1], dtype_of(self.quat)))

    def magnitude(self):
        """The rotation angle(s), in ``[0, pi]``.

        >>> Rotation.from_euler("y", 45, degrees=True).magnitude() * 4
        array(3.14159265)
        """
        q = self.quat
        return 2 * jnp.arctan2(_norm(q[..., :3]), jnp.abs(_c(q, 3)))

    def mean(self, weights=None):
        """The (weighted) mean rotation of a stack (Markley's method).

        >>> r = Rotation.from_euler("z", np.array([[10.0], [30.0]]), degrees=True)
        >>> np.round(r.mean().as_euler("zyx", degrees=True), 6) + 0.0
        array([20.,  0.,  0.])
        """
        q = self.quat
        n = len(self)
        if weights is None:
            w = jnp.ones((n,), dtype_of(q))
        else:
            w = jnp.astype(asarray_like(weights), dtype_of(q))
        if ndim_of(w) != 1:
            raise ValueError(f"Expected `weights` to be 1 dimensional, got shape "
                             f"{shape_of(w)}.")
        if shape_of(w)[0] != n:
            raise ValueError("Expected `weights` to have number of values equal to number "
                             f"of rotations, got {shape_of(w)[0]} values and {n} rotations.")
        k = jnp.matmul(w[None, :] * jnp.swapaxes(q, 0, 1), q)
        _, vectors = eigh(k)
        return Rotation(vectors[:, -1])

    @property
    def single(self):
        """Whether this is one rotation (``quat`` is 1-D).

        >>> Rotation.identity().single
        True
        """
        return ndim_of(self.quat) == 1


class Slerp(typing.NamedTuple):
    """Spherical linear interpolation of rotations, as
    ``scipy.spatial.transform.Slerp``; build it with ``Slerp.init(times,
    rotations)`` (as in JAX) and call it with times.

    >>> rots = Rotation.from_euler("z", np.array([[0.0], [90.0]]), degrees=True)
    >>> s = Slerp.init(np.array([0.0, 1.0]), rots)
    >>> np.round(s(0.5).as_euler("zyx", degrees=True), 6) + 0.0
    array([45.,  0.,  0.])
    """
    times: typing.Any
    timedelta: typing.Any
    rotations: Rotation
    rotvecs: typing.Any

    @classmethod
    def init(cls, times, rotations):
        """The interpolator through ``rotations`` at increasing ``times``.

        >>> Slerp.init(np.array([0.0, 2.0]), Rotation.identity(2)).timedelta
        array([2.])
        """
        if not isinstance(rotations, Rotation):
            raise TypeError("`rotations` must be a `Rotation` instance.")
        if rotations.single or len(rotations) == 1:
            raise ValueError("`rotations` must be a sequence of at least 2 rotations.")
        times = jnp.astype(asarray_like(times), dtype_of(rotations.quat))
        if ndim_of(times) != 1:
            raise ValueError("Expected times to be specified in a 1 dimensional array, got "
                             f"{ndim_of(times)} dimensions.")
        if shape_of(times)[0] != len(rotations):
            raise ValueError("Expected number of rotations to be equal to number of "
                             f"timestamps given, got {len(rotations)} rotations and "
                             f"{shape_of(times)[0]} timestamps.")
        quat = rotations.as_quat()
        starts = Rotation(quat[:-1])
        rotvecs = (starts.inv() * Rotation(quat[1:])).as_rotvec()
        return cls(times=times, timedelta=jnp.diff(times), rotations=starts, rotvecs=rotvecs)

    def __call__(self, times):
        """The interpolated rotation(s) at ``times`` (a scalar or 1-D).

        >>> s = Slerp.init(np.array([0.0, 1.0]), Rotation.identity(2))
        >>> s(np.array([0.25, 0.75])).quat.shape
        (2, 4)
        """
        at = jnp.astype(asarray_like(times), dtype_of(self.times))
        if ndim_of(at) > 1:
            raise ValueError("`times` must be at most 1-dimensional.")
        single = ndim_of(at) == 0
        at = jnp.atleast_1d(at)
        index = jnp.maximum(jnp.searchsorted(self.times, at) - 1, 0)
        alpha = (at - self.times[index]) / self.timedelta[index]
        result = self.rotations[index] * Rotation.from_rotvec(
            self.rotvecs[index] * alpha[:, None])
        return result[0] if single else result
