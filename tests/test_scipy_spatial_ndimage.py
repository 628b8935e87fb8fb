"""``vmapx.scipy.ndimage``, ``vmapx.scipy.interpolate`` and
``vmapx.scipy.spatial.transform``: SciPy's values (JAX's where JAX differs
from SciPy, or when JAX is installed), pytrees through ``vmap`` / ``jit``,
batched as the loop, derivatives as finite differences."""
import itertools

import numpy as np
import pytest
import scipy.interpolate as sint
import scipy.ndimage as snd
from scipy.spatial.transform import Rotation as SciRotation, Slerp as SciSlerp

import vmapx
from array_checks import jit_equals_eager, loop_equals_vmap, same
import vmapx.numpy as jnp
from vmapx.scipy import ndimage
from vmapx.scipy.interpolate import RegularGridInterpolator
from vmapx.scipy.spatial.transform import Rotation, Slerp
from vmapx.test_util import check_grads

RNG = np.random.default_rng(1)


def _same(got, want, rtol=1e-9, atol=1e-10):
    same(got, want, rtol, atol)


_loop_equals_vmap, _jit_equals_eager = loop_equals_vmap, jit_equals_eager


# ------------------------------------------------------------ ndimage

IMAGE = RNG.standard_normal((4, 5))
COORDS = [RNG.uniform(-3, 7, 8), RNG.uniform(-3, 8, 8)]
INSIDE = [RNG.uniform(0, 3, 8), RNG.uniform(0, 4, 8)]
SCIPY_MODE = {"constant": "grid-constant", "nearest": "nearest", "wrap": "grid-wrap",
              "mirror": "mirror", "reflect": "reflect"}


@pytest.mark.parametrize("mode", list(SCIPY_MODE))
@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_equals_scipy_grid_modes(mode, order):
    # SciPy's 'grid-constant' / 'grid-wrap' are what JAX calls 'constant' / 'wrap'.
    coords = INSIDE if order == 0 else COORDS   # SciPy rounds half to even at order 0
    _same(ndimage.map_coordinates(IMAGE, coords, order, mode, cval=1.5),
          snd.map_coordinates(IMAGE, coords, order=order, mode=SCIPY_MODE[mode], cval=1.5))


def test_map_coordinates_dtypes_integer_coordinates_and_errors():
    image = np.arange(20).reshape(4, 5)
    out = ndimage.map_coordinates(image, [np.array([0.0, 1.0, 0.0]), np.array([0.5, 2.5, 0.4])], 1)
    assert out.dtype == image.dtype
    np.testing.assert_array_equal(out, [1, 8, 0])     # 0.5, 7.5 and 0.4 rounded half away
    assert ndimage.map_coordinates(IMAGE.astype(np.float32), COORDS, 1).dtype == np.float32
    _same(ndimage.map_coordinates(IMAGE, [np.array([0, 3, -1]), np.array([1, 4, 2])], 0, "wrap"),
          IMAGE[[0, 3, 3], [1, 4, 2]])
    with pytest.raises(ValueError, match="coordinates must be a sequence of length input.ndim"):
        ndimage.map_coordinates(IMAGE, COORDS[:1], 1)
    with pytest.raises(NotImplementedError, match="does not yet support mode"):
        ndimage.map_coordinates(IMAGE, COORDS, 1, mode="grid-mirror")
    with pytest.raises(NotImplementedError, match="order<=1"):
        ndimage.map_coordinates(IMAGE, COORDS, 3)


@pytest.mark.parametrize("mode", list(SCIPY_MODE))
def test_map_coordinates_vmap_grad_and_jit(mode):
    images = RNG.standard_normal((3, 4, 5))
    coords = np.stack([np.stack(INSIDE) + 0.01 * i for i in range(3)])
    f = lambda im, c: ndimage.map_coordinates(im, [c[0], c[1]], 1, mode)  # noqa: E731
    _loop_equals_vmap(f, images, coords)
    _loop_equals_vmap(f, images, coords[0], in_axes=(0, None))
    check_grads(f, (images[0], coords[0]), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, images[0], coords[0])


def test_map_coordinates_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.scipy.ndimage as jnd
    edge = [np.array([1.5, -0.5, 3.5, 0.0]), np.array([-0.5, 4.5, 2.0, 5.0])]
    coords = [np.concatenate([c, e]) for c, e in zip(COORDS, edge, strict=True)]
    for mode, order, dtype in itertools.product(SCIPY_MODE, [0, 1],
                                                [np.float64, np.float32, np.int64]):
        image = (IMAGE * 10).astype(dtype)
        _same(ndimage.map_coordinates(image, coords, order, mode, cval=2.0),
              jnd.map_coordinates(image, coords, order, mode, cval=2.0))


# ------------------------------------------------------------ interpolate

GRID = (np.array([0.0, 1.0, 2.5, 4.0]), np.array([-1.0, 0.0, 2.0]))
VALUES = RNG.standard_normal((4, 3))
POINTS = np.concatenate([RNG.uniform(-1, 5, (6, 2)), [[1.0, 0.0], [4.0, 2.0], [0.0, -1.0]]])


@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("fill_value", [np.nan, None, 0.5])
def test_regular_grid_interpolator_equals_scipy(method, fill_value):
    for values in (VALUES, RNG.standard_normal((4, 3, 2))):
        ours = RegularGridInterpolator(GRID, values, method, fill_value=fill_value)
        theirs = sint.RegularGridInterpolator(GRID, values, method, bounds_error=False,
                                              fill_value=fill_value)
        _same(ours(POINTS), theirs(POINTS))
        _same(ours((POINTS[:, 0], POINTS[:, 1])), theirs((POINTS[:, 0], POINTS[:, 1])))
        _same(ours(POINTS[:3].reshape(3, 1, 2)), theirs(POINTS[:3].reshape(3, 1, 2)))
    other = "nearest" if method == "linear" else "linear"
    _same(RegularGridInterpolator(GRID, VALUES, method)(POINTS, method=other),
          sint.RegularGridInterpolator(GRID, VALUES, other, bounds_error=False)(POINTS))


def test_regular_grid_interpolator_dtypes_and_errors():
    grid32 = tuple(g.astype(np.float32) for g in GRID)
    for fill in (np.nan, 0.5, None):
        assert RegularGridInterpolator(grid32, VALUES.astype(np.float32), fill_value=fill)(
            POINTS.astype(np.float32)).dtype == np.float32
    assert RegularGridInterpolator(GRID, VALUES.astype(np.float32))(
        POINTS.astype(np.float32)).dtype == np.float64   # a float64 grid promotes, as in JAX
    assert RegularGridInterpolator(GRID, np.arange(12).reshape(4, 3))(POINTS).dtype == np.float64
    with pytest.raises(ValueError, match="method 'cubic' is not defined"):
        RegularGridInterpolator(GRID, VALUES, "cubic")
    with pytest.raises(NotImplementedError, match="bounds_error"):
        RegularGridInterpolator(GRID, VALUES, bounds_error=True)
    with pytest.raises(ValueError, match="there are 3 point arrays"):
        RegularGridInterpolator(GRID + (GRID[0],), VALUES)
    with pytest.raises(ValueError, match="fill_value must be either 'None'"):
        RegularGridInterpolator(GRID, VALUES, fill_value=1j)
    with pytest.raises(ValueError, match="have dimension 3"):
        RegularGridInterpolator(GRID, VALUES)(np.ones((2, 3)))


def test_regular_grid_interpolator_is_a_pytree_through_vmap_grad_and_jit():
    interp = RegularGridInterpolator(GRID, VALUES, fill_value=None)
    leaves, tree = vmapx.tree_util.tree_flatten(interp)
    assert len(leaves) == 3   # the two grid axes and the values (fill_value None is no leaf)
    rebuilt = vmapx.tree_util.tree_unflatten(tree, leaves)
    _same(rebuilt(POINTS), interp(POINTS))
    grids = [(GRID[0] * s, GRID[1] + s) for s in (1.0, 2.0, 3.0)]
    tables = [VALUES, 2 * VALUES, -VALUES]
    stacked = RegularGridInterpolator((np.stack([g[0] for g in grids]),
                                       np.stack([g[1] for g in grids])),
                                      np.stack(tables), fill_value=None)
    batched = vmapx.vmap(lambda r, p: r(p), in_axes=(0, None))(stacked, POINTS)
    want = np.stack([RegularGridInterpolator(g, v, fill_value=None)(POINTS)
                     for g, v in zip(grids, tables, strict=True)])
    np.testing.assert_allclose(batched, want, rtol=1e-12)
    np.testing.assert_allclose(vmapx.jit(lambda r, p: r(p))(interp, POINTS), interp(POINTS))
    f = lambda v, p: RegularGridInterpolator(GRID, v, fill_value=None)(p)  # noqa: E731
    points = RNG.uniform(0.1, 1.9, (3, 5, 2))
    _loop_equals_vmap(f, np.stack([VALUES, 2 * VALUES, -VALUES]), points)
    check_grads(f, (VALUES, points[0]), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, VALUES, points[0])


def test_regular_grid_interpolator_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.scipy.interpolate import RegularGridInterpolator as JaxInterpolator
    for method, fill, dtype in itertools.product(["linear", "nearest"], [np.nan, None, 0.5],
                                                 [np.float64, np.float32]):
        values = VALUES.astype(dtype)
        _same(RegularGridInterpolator(GRID, values, method, fill_value=fill)(POINTS),
              JaxInterpolator(GRID, values, method, fill_value=fill)(POINTS))


# ------------------------------------------------------------ spatial.transform

QUATS = np.concatenate([[[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0], [0.2, 0.1, 0.3, -0.9]],
                        RNG.standard_normal((5, 4))])
SEQS = ["xyz", "XYZ", "zyx", "ZYX", "xyx", "XZX", "zxz", "yzy", "YXY", "yxz"]


def _same_angles(got, want, atol=1e-8):
    """Euler angles equal up to a turn (JAX maps pi to -pi; SciPy keeps pi)."""
    assert type(got) is vmapx.Array and got.shape == np.shape(want) and got.dtype == want.dtype
    np.testing.assert_allclose(np.angle(np.exp(1j * (np.asarray(got) - want))), 0.0, atol=atol)


def _scipy(quats):
    return SciRotation.from_quat(quats)


@pytest.mark.filterwarnings("ignore:Gimbal lock")   # SciPy warns for the identity
def test_rotation_conversions_equal_scipy():
    r, s = Rotation.from_quat(QUATS), _scipy(QUATS)
    _same(r.as_quat(), QUATS / np.linalg.norm(QUATS, axis=-1, keepdims=True))
    _same(r.as_quat(canonical=True), s.as_quat(canonical=True))
    _same(r.as_quat(scalar_first=True), np.roll(r.as_quat(), 1, axis=-1))
    _same(r.as_matrix(), s.as_matrix())
    _same(r.as_rotvec(), s.as_rotvec())
    _same(r.as_rotvec(degrees=True), s.as_rotvec(degrees=True))
    _same(r.as_mrp(), s.as_mrp())
    _same(r.magnitude(), s.magnitude())
    _same(r.inv().as_matrix(), s.inv().as_matrix())
    for seq in SEQS:
        _same_angles(r.as_euler(seq), s.as_euler(seq))
    vectors = RNG.standard_normal((8, 3))
    _same(r.apply(vectors), s.apply(vectors))
    _same(r.apply(vectors, inverse=True), s.apply(vectors, inverse=True))
    _same(r[2].apply(vectors), s[2].apply(vectors))
    _same((r * r[::-1]).as_matrix(), (s * s[::-1]).as_matrix())
    _same(r.mean().as_matrix(), s.mean().as_matrix())
    weights = np.arange(1.0, 9.0)
    _same(r.mean(weights).as_matrix(), s.mean(weights).as_matrix())


def test_rotation_constructors_equal_scipy():
    s = _scipy(QUATS)
    for seq in SEQS:
        angles = RNG.uniform(-3, 3, (8, 3))
        _same(Rotation.from_euler(seq, angles).as_matrix(),
              SciRotation.from_euler(seq, angles).as_matrix())
        _same(Rotation.from_euler(seq, angles * 50, degrees=True).as_matrix(),
              SciRotation.from_euler(seq, angles * 50, degrees=True).as_matrix())
    for seq in ["x", "Y", "xz", "ZX"]:
        angles = RNG.uniform(-3, 3, len(seq))
        _same(Rotation.from_euler(seq, angles).as_matrix(),
              SciRotation.from_euler(seq, angles).as_matrix())
    _same(Rotation.from_euler("z", 0.3).as_matrix(), SciRotation.from_euler("z", 0.3).as_matrix())
    _same(Rotation.from_matrix(s.as_matrix()).as_matrix(), s.as_matrix())
    _same(Rotation.from_rotvec(s.as_rotvec()).as_matrix(), s.as_matrix())
    _same(Rotation.from_rotvec(s.as_rotvec(degrees=True), degrees=True).as_matrix(),
          s.as_matrix())
    _same(Rotation.from_mrp(s.as_mrp()).as_matrix(), s.as_matrix())
    _same(Rotation.identity().as_matrix(), np.eye(3))
    _same(Rotation.identity(3).as_quat(), SciRotation.identity(3).as_quat())
    both = Rotation.concatenate([Rotation.identity(), Rotation.from_quat(QUATS)])
    assert len(both) == 9 and not both.single and Rotation.identity().single


def test_rotation_euler_degenerate_cases_equal_scipy():
    for seq in ["xyz", "XYZ", "zxz", "ZXZ"]:
        if seq[0] == seq[2]:
            angles = np.array([[0.3, 0.0, 0.2], [0.3, np.pi, 0.2], [0.1, 1e-9, 0.4]])
        else:
            angles = np.array([[0.3, np.pi / 2, 0.2], [0.1, -np.pi / 2, 0.4]])
        quats = SciRotation.from_euler(seq, angles).as_quat()
        with pytest.warns(UserWarning, match="Gimbal lock"):
            want = SciRotation.from_quat(quats).as_euler(seq)
        _same_angles(Rotation.from_quat(quats).as_euler(seq), want, atol=1e-6)


def test_rotation_random_is_uniform_unit_quaternions():
    r = Rotation.random(vmapx.random.key(0), 4000)
    np.testing.assert_allclose(np.linalg.norm(r.as_quat(), axis=-1), 1.0)
    # The rotation angle of a uniform rotation has density (1 - cos t) / pi on [0, pi].
    mean_angle = float(np.mean(r.magnitude()))
    assert abs(mean_angle - (np.pi / 2 + 2 / np.pi)) < 0.03
    assert Rotation.random(vmapx.random.key(1)).single


def test_rotation_errors():
    r = Rotation.from_quat(QUATS)
    with pytest.raises(ValueError, match="Expected axes from `seq`"):
        Rotation.from_euler("xYz", np.zeros(3))
    with pytest.raises(ValueError, match="Expected consecutive axes to be different"):
        Rotation.from_euler("xxz", np.zeros(3))
    with pytest.raises(ValueError, match="Expected 3 axes"):
        r.as_euler("xy")
    with pytest.raises(TypeError, match="not subscriptable"):
        Rotation.identity()[0]
    with pytest.raises(TypeError, match="has no len"):
        len(Rotation.identity())
    with pytest.raises(ValueError, match="number of rotations"):
        r.mean(np.ones(3))
    with pytest.raises(ValueError, match="at least 2 rotations"):
        Slerp.init(np.array([0.0]), r[:1])
    with pytest.raises(TypeError, match="must be a `Rotation` instance"):
        Slerp.init(np.array([0.0, 1.0]), QUATS[:2])


def test_slerp_equals_scipy():
    times = np.array([0.0, 1.0, 3.0, 4.0, 6.0])
    rotations = Rotation.from_quat(QUATS[3:])
    ours = Slerp.init(times, rotations)
    theirs = SciSlerp(times, _scipy(QUATS[3:]))
    at = np.array([0.0, 0.5, 2.0, 3.9, 6.0])
    _same(ours(at).as_matrix(), theirs(at).as_matrix())
    _same(ours(2.5).as_matrix(), theirs(2.5).as_matrix())


ROTATION_FUNCTIONS = [
    ("apply", lambda v, w: Rotation.from_rotvec(v).apply(w)),
    ("apply_inverse", lambda v, w: Rotation.from_rotvec(v).apply(w, inverse=True)),
    ("as_euler", lambda v, w: Rotation.from_rotvec(v).as_euler("zyx") + w),
    ("from_euler", lambda v, w: Rotation.from_euler("XZX", v).as_quat() * w[0]),
    ("from_matrix", lambda v, w: Rotation.from_matrix(Rotation.from_rotvec(v).as_matrix())
     .as_rotvec() * w),
    ("mrp", lambda v, w: Rotation.from_mrp(0.3 * v).as_mrp() * w),
    ("compose", lambda v, w: (Rotation.from_rotvec(v) * Rotation.from_rotvec(w)).as_quat()),
    ("magnitude", lambda v, w: Rotation.from_rotvec(v).magnitude() * w),
    ("slerp", lambda v, w: Slerp.init(np.array([0.0, 1.0]), Rotation.from_rotvec(
        jnp.stack([v, w])))(np.array([0.25, 0.75])).as_rotvec()),
]


@pytest.mark.parametrize("name, f", ROTATION_FUNCTIONS, ids=[n for n, _ in ROTATION_FUNCTIONS])
def test_rotation_vmap_grad_and_jit(name, f):
    v, w = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    _loop_equals_vmap(f, v, w)
    _loop_equals_vmap(f, v, w[0], in_axes=(0, None))
    check_grads(f, (v[0], w[0]), order=1, modes=("fwd", "rev"))
    _jit_equals_eager(f, v[0], w[0])


def test_rotation_is_a_pytree_through_vmap_and_jit():
    r = Rotation.from_rotvec(RNG.standard_normal((4, 3)))
    assert vmapx.tree_util.tree_structure(r).num_leaves == 1
    _same(vmapx.vmap(lambda rot: rot.magnitude())(r), r.magnitude())
    inverted = vmapx.jit(lambda rot: rot.inv())(r)
    assert isinstance(inverted, Rotation)
    _same(inverted.as_quat(), r.inv().as_quat())
    mean_quat = lambda q: jnp.abs(Rotation.from_quat(q).mean().as_quat())  # noqa: E731
    _loop_equals_vmap(mean_quat, RNG.standard_normal((3, 4, 4)))


def test_rotation_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.scipy.spatial.transform import Rotation as JR
    # SciPy is the main oracle (above, float64); JAX is slow to dispatch, so a
    # few float32 conversions here (their dtypes and JAX's choice of -pi).
    q = QUATS.astype(np.float32)
    r, j = Rotation.from_quat(q), JR.from_quat(q)
    for ours, theirs in [(r.as_rotvec(), j.as_rotvec()), (r.as_mrp(), j.as_mrp()),
                         (r.as_quat(True, True), j.as_quat(True, True)),
                         (r.as_euler("ZXZ"), j.as_euler("ZXZ"))]:
        _same(ours, theirs, rtol=1e-5, atol=2e-5)
    angles = RNG.uniform(-3, 3, (8, 3))
    _same(Rotation.from_euler("xyz", angles).as_quat(), JR.from_euler("xyz", angles).as_quat())
