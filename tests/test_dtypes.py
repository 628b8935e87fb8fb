"""``vmapx.dtypes``: JAX's ``jax.dtypes`` names, with vmapx's (x64) dtype model."""
import numpy as np
import pytest

import vmapx
from vmapx import dtypes, random

_DTYPES = [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64, np.uint64,
           np.float16, np.float32, np.float64, np.complex64, np.complex128]


@pytest.mark.parametrize("dt", _DTYPES, ids=lambda d: np.dtype(d).name)
def test_canonicalize_dtype_is_the_identity_with_x64_semantics(dt):
    assert dtypes.canonicalize_dtype(dt) == np.dtype(dt)


def test_canonicalize_dtype_matches_jax_with_x64():
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        for dt in _DTYPES + [int, float, complex, bool]:
            assert dtypes.canonicalize_dtype(dt) == jax.dtypes.canonicalize_dtype(dt), dt


def test_python_types_and_scalars_take_64_bit_dtypes():
    assert dtypes.canonicalize_dtype(float) == np.float64
    assert dtypes.canonicalize_dtype(int) == np.int64
    assert dtypes.dtype(1.0) == np.float64 and dtypes.dtype(1) == np.int64
    assert dtypes.dtype(True) == np.bool_ and dtypes.dtype(1j) == np.complex128


def test_result_type_is_the_promotion_vmapx_operations_apply():
    x32 = np.ones(2, np.float32)
    cases = [(x32, 2.0), (np.int8(1), 3), (np.uint8(1), np.int8(1)), (3, 2.0), (True, 1),
             (np.ones(2, np.int16), np.ones(2, np.float16))]
    for a, b in cases:
        want = np.asarray(vmapx.numpy.add(a, b)).dtype
        assert dtypes.result_type(a, b) == want, (a, b)


def test_result_type_weak_flag_and_traced_values():
    assert dtypes.result_type(1.0, 2, return_weak_type_flag=True) == (np.float64, True)
    assert dtypes.result_type(np.float32(1), 2.0, return_weak_type_flag=True) == (
        np.float32, False)
    seen = []
    vmapx.vmap(lambda x: seen.append(dtypes.result_type(x, 1.0)) or x)(np.ones(3, np.float32))
    assert seen == [np.float32]
    with pytest.raises(ValueError):
        dtypes.result_type()


def test_is_weakly_typed_for_python_scalars_and_traced_values():
    assert dtypes.is_weakly_typed(1.0) and dtypes.is_weakly_typed(3)
    assert not dtypes.is_weakly_typed(True)  # bool is never weak, as in JAX
    assert not dtypes.is_weakly_typed(np.float64(1.0))
    assert not dtypes.is_weakly_typed(np.ones(2))
    seen = []
    vmapx.grad(lambda x: seen.append(dtypes.is_weakly_typed(x)) or x * 2.0)(1.0)
    vmapx.grad(lambda x: seen.append(dtypes.is_weakly_typed(x)) or x * 2.0)(np.float64(1.0))
    assert seen == [True, False]


def test_issubdtype_hierarchy_and_extended_categories():
    assert dtypes.issubdtype(np.float32, np.floating)
    assert dtypes.issubdtype(np.int8, np.signedinteger)
    assert not dtypes.issubdtype(np.uint8, np.signedinteger)
    assert not dtypes.issubdtype(np.float64, dtypes.extended)
    assert dtypes.issubdtype(random.key(0).dtype, dtypes.prng_key)
    assert dtypes.issubdtype(random.key(0).dtype, dtypes.extended)
    assert not dtypes.issubdtype(random.key(0).dtype, np.integer)
    assert not dtypes.issubdtype(random.PRNGKey(0).dtype, dtypes.prng_key)
    assert dtypes.issubdtype(dtypes.prng_key, dtypes.extended)
    assert not dtypes.issubdtype(dtypes.extended, dtypes.prng_key)


def test_finfo_and_iinfo_accept_dtypes_arrays_and_traced_values():
    assert dtypes.finfo(np.float32).eps == np.finfo(np.float32).eps
    assert dtypes.finfo(np.ones(2)).bits == 64
    assert dtypes.iinfo(np.int8).min == -128
    assert dtypes.iinfo(np.arange(3, dtype=np.uint16)).max == 65535
    seen = []
    vmapx.vmap(lambda x: seen.append(dtypes.finfo(x).tiny) or x)(np.ones(3, np.float32))
    assert seen == [np.finfo(np.float32).tiny]


def test_scalar_type_of_and_itemsize_bits():
    assert dtypes.scalar_type_of(np.bool_(True)) is bool
    assert dtypes.scalar_type_of(np.int16(1)) is int
    assert dtypes.scalar_type_of(np.ones(2, np.float16)) is float
    assert dtypes.scalar_type_of(1j) is complex
    assert [dtypes.itemsize_bits(d) for d in (np.int8, np.float32, np.complex128)] == [8, 32, 128]


def test_float0_is_the_tangent_dtype_of_integer_inputs():
    assert dtypes.float0 is vmapx.float0
    _, vjp_fn = vmapx.vjp(lambda x, n: x * n, 2.0, 3)
    assert vjp_fn(1.0)[1].dtype == dtypes.float0


def test_bfloat16_is_ml_dtypes_bfloat16_when_installed():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    assert dtypes.bfloat16 is ml_dtypes.bfloat16
    assert dtypes.issubdtype(dtypes.bfloat16, np.floating)
    assert dtypes.finfo(dtypes.bfloat16).bits == 16
    assert dtypes.scalar_type_of(np.ones(2, dtypes.bfloat16)) is float


def test_bfloat16_without_ml_dtypes_says_what_to_install(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_ml_dtypes(name, *args, **kwargs):
        if name == "ml_dtypes":
            raise ImportError("no ml_dtypes")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ml_dtypes)
    with pytest.raises(AttributeError, match="needs the ml_dtypes package"):
        dtypes.bfloat16


def test_type_promotion_error_is_a_value_error():
    assert issubclass(dtypes.TypePromotionError, ValueError)


def test_jax_dtypes_names_are_all_present():
    jax = pytest.importorskip("jax")
    public = {n for n in dir(jax.dtypes) if not n.startswith("_")}
    assert public <= set(dir(dtypes)) | {"bfloat16"}
