import numpy as np
import jax, jax.numpy as jnp
from jax import vmap, grad, jit
from jax.scipy import signal, linalg, fft, ndimage, integrate
from jax.scipy.sparse.linalg import cg, gmres
from jax.scipy.interpolate import RegularGridInterpolator
from jax.scipy.spatial.transform import Rotation
from jax.flatten_util import ravel_pytree
x = jnp.sin(jnp.linspace(0, 6, 32))
k = jnp.array([0.25, 0.5, 0.25])
print(np.round(np.asarray(signal.convolve(x, k, mode="same")[:6]), 8))
print(np.round(np.asarray(signal.fftconvolve(x, k, mode="valid")[:4]), 8))
print(np.round(np.asarray(signal.correlate(x, k, mode="full")[:3]), 8))
f, p = signal.welch(x, nperseg=8)
print(np.round(np.asarray(f), 6), np.round(np.asarray(p[:3]), 8))
print(np.round(np.asarray(fft.dct(x[:5], norm="ortho")), 8))
A = jnp.array([[4., 1., 0.], [1., 3., 1.], [0., 1., 2.]])
print(np.round(np.asarray(linalg.cholesky(A)), 8))
print(np.round(np.asarray(linalg.cho_solve(linalg.cho_factor(A), jnp.ones(3))), 8))
print(np.round(np.asarray(linalg.expm(A / 4)), 8))
print(np.round(np.asarray(linalg.sqrtm(A)).real, 6))
print(np.round(np.asarray(linalg.solve_triangular(jnp.triu(A), jnp.ones(3))), 8))
print(np.round(np.asarray(linalg.eigh(A)[0]), 8), np.round(float(linalg.det(A)), 8))
print(np.round(np.asarray(cg(A, jnp.ones(3))[0]), 8), np.round(np.asarray(gmres(A, jnp.ones(3))[0]), 6))
print(np.round(np.asarray(vmap(lambda b: cg(A, b)[0])(jnp.eye(3))), 6))
print(np.round(np.asarray(grad(lambda a: jnp.sum(linalg.solve(a, jnp.ones(3))))(A)), 8))
img = jnp.arange(16.).reshape(4, 4)
print(np.round(np.asarray(ndimage.map_coordinates(img, [jnp.array([0.5, 2.2]), jnp.array([1.5, 3.0])], order=1)), 8))
g = RegularGridInterpolator((jnp.arange(4.), jnp.arange(4.)), img)
print(np.round(np.asarray(g(jnp.array([[0.5, 0.5], [2.5, 1.25]]))), 8))
print(np.round(float(integrate.trapezoid(x ** 2, dx=0.1)), 8))
r = Rotation.from_euler("xyz", jnp.array([0.1, 0.2, 0.3]))
print(np.round(np.asarray(r.as_quat()), 8), np.round(np.asarray(r.apply(jnp.array([1., 0., 0.]))), 8))
print(np.round(np.asarray((r * r.inv()).as_rotvec()), 8), np.round(float(r.magnitude()), 8))
flat, unravel = ravel_pytree({"w": A, "b": jnp.ones(2)})
print(flat.shape, unravel(flat)["w"].shape)
print(np.round(np.asarray(linalg.lu_factor(A)[0]), 8), linalg.lu_factor(A)[1])
print(np.round(np.asarray(linalg.toeplitz(jnp.array([1., 2., 3.]))), 3))
print(np.round(np.asarray(linalg.block_diag(jnp.eye(1), 2 * jnp.eye(2))), 3))
