"""vmap over Dask arrays on a real local cluster (2 worker processes): lazy
results, one task per block, equal to the NumPy path for mapped and unmapped
arguments, in_axes / out_axes, pytrees, collectives, and grad / jit inside."""
import numpy as np
import pytest

import vmapx
import vmapx.numpy as jnp
from vmapx import lax

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

cloudpickle.register_pickle_by_value(__import__(__name__))  # workers need not import tests/

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       memory_limit="1GB", dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def close(got, want, rtol=1e-13):
    got_l, want_l = vmapx.tree_util.tree_leaves(got), vmapx.tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l)
    for g, w in zip(got_l, want_l, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-12)


def mlp(params, x):
    h = jnp.tanh(params["W"] @ x + params["b"])
    return {"out": h @ h, "h": h}


PARAMS = {"W": RNG.normal(size=(5, 4)), "b": RNG.normal(size=5)}


def test_result_is_lazy_with_one_task_per_block(client):
    X = RNG.normal(size=(30, 4))
    dX = da.from_array(X, chunks=(7, 4))
    out = vmapx.vmap(mlp, in_axes=(None, 0))(PARAMS, dX)
    assert isinstance(out["h"], da.Array) and out["h"].chunks == ((7, 7, 7, 7, 2), (5,))
    assert out["out"].dtype == np.float64 and out["out"].shape == (30,)
    close(client.compute(out).result(), vmapx.vmap(mlp, in_axes=(None, 0))(PARAMS, X))


@pytest.mark.parametrize("in_axes,out_axes", [((None, 0), 0), ((None, 1), -1),
                                              ((None, 1), {"out": 0, "h": 1})])
def test_in_axes_and_out_axes(client, in_axes, out_axes):
    X = RNG.normal(size=(25, 4))
    if in_axes[1] == 1:
        X = X.T.copy()
    dX = da.from_array(X, chunks=(2, 6) if in_axes[1] == 1 else (6, 2))  # batch axis split
    f = vmapx.vmap(mlp, in_axes=in_axes, out_axes=out_axes)
    close(client.compute(f(PARAMS, dX)).result(), f(PARAMS, X))


def test_mapped_numpy_and_unmapped_dask_arguments(client):
    X = RNG.normal(size=(20, 4))
    Y = RNG.normal(size=(20, 4))
    W = RNG.normal(size=(4, 4))
    f = vmapx.vmap(lambda x, y, w: (w @ x) * y - 1.0, in_axes=(0, 0, None))
    got = f(da.from_array(X, chunks=(6, 4)), Y, da.from_array(W, chunks=2))
    close(client.compute(got).result(), f(X, Y, W))


def test_collectives_combine_across_blocks(client):
    def g(v):
        return {"centred": v - lax.pmean(v, "i"),
                "index": v * lax.axis_index("i"),
                "range": lax.pmax(v, "i") - lax.pmin(v, "i"),
                "gathered": lax.all_gather(v, "i").sum(0),
                "total": lax.psum(v, "i")}
    X = RNG.normal(size=(23, 3))
    f = vmapx.vmap(g, axis_name="i")
    close(client.compute(f(da.from_array(X, chunks=(5, 3)))).result(), f(X))


def test_grad_and_jit_inside_the_mapped_function(client):
    def loss(p, x, y):
        return (mlp(p, x)["out"] - y) ** 2
    X = RNG.normal(size=(40, 4))
    y = RNG.normal(size=40)
    per_example = vmapx.vmap(vmapx.jit(vmapx.grad(loss)), in_axes=(None, 0, 0))
    got = per_example(PARAMS, da.from_array(X, chunks=(16, 4)), da.from_array(y, chunks=16))
    close(client.compute(got).result(), per_example(PARAMS, X, y))


def test_unsupported_collective_raises_when_building_the_graph():
    dX = da.from_array(np.arange(8.0), chunks=4)
    with pytest.raises(NotImplementedError, match="ppermute"):
        vmapx.vmap(lambda v: lax.ppermute(v, "i", [(0, 1)]), axis_name="i")(dX)


def test_unbatched_outputs_and_keyword_arguments(client):
    X = RNG.normal(size=(12, 3))

    def f(x, *, scale):
        return {"y": x * scale, "const": jnp.ones(2) * 3.0, "n": lax.psum(1, "i")}
    g = vmapx.vmap(f, axis_name="i", out_axes={"y": 1, "const": None, "n": None})
    got = g(da.from_array(X, chunks=(5, 3)), scale=da.from_array(np.arange(12.0), chunks=5))
    assert got["const"].shape == (2,) and got["y"].shape == (3, 12)
    close(client.compute(got).result(), g(X, scale=np.arange(12.0)))


def test_other_dask_collections_are_rejected():
    import dask.bag
    bag = dask.bag.from_sequence([1.0, 2.0, 3.0], npartitions=2)
    with pytest.raises(TypeError, match="dask.array.Array"):
        vmapx.vmap(lambda v, w: v * w, in_axes=(0, None))(np.arange(3.0), bag)


def per_example(x):                 # plain NumPy, Python control flow, a buffer, a mask
    out = np.zeros(2)
    if x.sum() > 0:
        out[0] = np.asarray(x).max()
    else:
        out[0] = x.min()
    out[1] = x[x > 0].sum()
    return out


def test_per_example_numpy_code_on_blocks_equals_the_loop(client):
    X = RNG.normal(size=(40, 5))
    out = vmapx.vmap(per_example)(da.from_array(X, chunks=(10, 5)))
    assert isinstance(out, da.Array) and out.shape == (40, 2) and out.dtype == np.float64
    close(client.compute(out).result(), np.stack([per_example(x) for x in X]))
