"""``vmapx.nn.dot_product_attention`` (a private module of the public ``nn``
package, above every ``_src`` layer): scaled dot-product attention with JAX's
``[B]TNH`` layout, bias, boolean mask, causal and local-window masks,
per-batch sequence lengths and grouped key/value heads, numerically as JAX's
``implementation='xla'`` path (logits in ``promote(dtype, float32)``, the
softmax always in float32, masked logits replaced by a large finite negative
number so that a fully masked row is uniform rather than NaN).

It is a composition of ``vmapx.numpy`` operations, so it batches under
``vmap`` and differentiates.  The grouped heads are one extra einsum axis
(``N = K * G``) instead of JAX's inner ``vmap``; the arithmetic is the same.
"""
from __future__ import annotations

import numpy as np

from .. import numpy as jnp
from .._src.core import dtype_of, ndim_of, shape_of
from .._src.jnp.base import asarray_like
from ..lax import stop_gradient
from ..scipy.special import logsumexp


def _ensure_4d(t):
    t = jnp.asarray(t)
    missing = 4 - ndim_of(t)
    return jnp.expand_dims(t, tuple(range(missing))) if missing > 0 else t


def _check_shape_and_dtype(t, shape, dtype, name):
    """JAX's argument checks (and messages) for the attention operands."""
    if t is None:
        return
    if ndim_of(t) != len(shape):
        raise ValueError(f"{name} ndim should be {len(shape)}, but got {ndim_of(t)}")
    if dtype is not None and dtype_of(t) != dtype:
        raise ValueError(f"{name} dtype should be {dtype}, but got {dtype_of(t)}")
    for want, got in zip(shape, shape_of(t), strict=True):
        if want != -1 and want != got:
            raise ValueError(f"{name} shape should be {list(shape)}: but got {shape_of(t)}")


def _large_negative(dtype):
    """The value masked logits take: -0.7 times the largest finite value of
    ``dtype``, capped at float32's (the softmax runs in float32)."""
    biggest = min(float(np.finfo(dtype).max), float(np.finfo(np.float32).max))
    return np.asarray(-0.7 * biggest, dtype)


def _grouped(t, groups, heads):
    """A ``(B, N, T, S)`` bias or mask as ``(B, K, G, T, S)`` (a single head
    broadcasts over all of them)."""
    if t is None:
        return None
    tb, tn, tt, ts = shape_of(t)
    if tn == 1:
        return jnp.expand_dims(t, 2)
    if tn != heads * groups:
        raise ValueError(f"bias/mask head dimension should be 1 or {heads * groups}, "
                         f"but got {tn}")
    return jnp.reshape(t, (tb, heads, groups, tt, ts))


def _combined_mask(mask, is_causal, q_seqlen, kv_seqlen, window, T, S):
    """The conjunction of every mask in force, broadcastable to the logits'
    ``(B, K, G, T, S)``; ``None`` when there is none."""
    parts = [] if mask is None else [mask]
    q_pos = np.arange(T)[:, None]
    k_pos = np.arange(S)[None, :]
    if is_causal:
        parts.append(q_pos >= k_pos)
    if window is not None:
        left, right = window
        parts.append((q_pos <= k_pos + left) & (q_pos >= k_pos - right))
    if q_seqlen is not None:
        parts.append(jnp.reshape(jnp.arange(T)[None, :] < q_seqlen[:, None], (-1, 1, 1, T, 1)))
    if kv_seqlen is not None:
        parts.append(jnp.reshape(jnp.arange(S)[None, :] < kv_seqlen[:, None], (-1, 1, 1, 1, S)))
    if not parts:
        return None
    combined = parts[0]
    for p in parts[1:]:
        combined = jnp.logical_and(combined, p)
    return combined


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None,
                          is_causal=False, query_seq_lengths=None, key_value_seq_lengths=None,
                          local_window_size=None, implementation=None, return_residual=False):
    """Scaled dot-product attention ``softmax(Q K^T * scale + bias) V`` per head
    (``jax.nn.dot_product_attention``).

    ``query`` is ``[B]TNH``, ``key`` and ``value`` ``[B]SKH`` with ``N`` a
    multiple of ``K`` (grouped-query attention); ``bias`` and ``mask`` (boolean,
    True keeps) broadcast as ``[B]NTS``; ``scale`` defaults to
    ``1/sqrt(H)``.  ``is_causal``, ``local_window_size`` (an int or a
    ``(left, right)`` pair), and int32 ``query_seq_lengths`` /
    ``key_value_seq_lengths`` of shape ``(B,)`` add masks; query rows past
    their length are zero in the output.  As in JAX the softmax runs in
    float32.  ``implementation`` may be ``None`` or ``'xla'`` (``'cudnn'``
    raises: there is no GPU kernel here).  With ``return_residual=True`` it
    also returns the ``[B]TN`` log-sum-exp of the masked logits.

    >>> import numpy as np
    >>> q = np.ones((2, 1, 2))            # T=2, N=1, H=2 (no batch axis)
    >>> v = np.arange(4.0).reshape(2, 1, 2)
    >>> dot_product_attention(q, q, v, is_causal=True)
    array([[[0., 1.]],
    <BLANKLINE>
           [[1., 2.]]])
    """
    output_shape = shape_of(asarray_like(query))
    q, k, v = _ensure_4d(query), _ensure_4d(key), _ensure_4d(value)
    bias = None if bias is None else _ensure_4d(bias)
    mask = None if mask is None else _ensure_4d(mask)
    if query_seq_lengths is not None:
        query_seq_lengths = jnp.asarray(query_seq_lengths)
    if key_value_seq_lengths is not None:
        key_value_seq_lengths = jnp.asarray(key_value_seq_lengths)
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)

    B, S, K, H = shape_of(k)
    _check_shape_and_dtype(v, [B, S, K, H], dtype_of(k), "value")
    _check_shape_and_dtype(q, [B, -1, -1, H], dtype_of(k), "query")
    _check_shape_and_dtype(mask, [-1] * 4, np.dtype(bool), "mask")
    _check_shape_and_dtype(bias, [-1] * 4, None, "bias")
    _check_shape_and_dtype(query_seq_lengths, [B], np.dtype("int32"), "query_seq_lengths")
    _check_shape_and_dtype(key_value_seq_lengths, [B], np.dtype("int32"),
                           "key_value_seq_lengths")
    N = shape_of(q)[-2]
    if N % K != 0:
        raise ValueError("The number of query heads must be a multiple of key/value heads, "
                         f"but got {N} vs {K}")
    if implementation == "cudnn":
        raise NotImplementedError("implementation='cudnn' needs a GPU; vmapx provides the "
                                  "'xla' implementation only")
    if implementation not in (None, "xla"):
        raise ValueError(f"Unsupported implementation option: {implementation}")
    scale = (1.0 / np.sqrt(H)) if scale is None else scale

    T, G = shape_of(q)[1], N // K
    logits_dtype = np.promote_types(dtype_of(q), np.float32)
    grouped_q = jnp.reshape(q, (B, T, K, G, H))
    logits = jnp.einsum("btkgh,bskh->bkgts", grouped_q, k).astype(logits_dtype)
    logits = logits * np.asarray(scale, logits_dtype)
    bias = _grouped(bias, G, K)
    if bias is not None:
        logits = (logits + bias).astype(logits_dtype)
    combined = _combined_mask(_grouped(mask, G, K), is_causal, query_seq_lengths,
                              key_value_seq_lengths, local_window_size, T, S)
    if combined is not None:
        logits = jnp.where(combined, logits, _large_negative(logits_dtype))

    logits32 = logits.astype(np.float32)   # the softmax always in float32, as JAX
    shifted = logits32 - stop_gradient(jnp.max(logits32, axis=-1, keepdims=True))
    unnormalized = jnp.exp(shifted)
    probs = (unnormalized / jnp.sum(unnormalized, axis=-1, keepdims=True)).astype(dtype_of(k))
    encoded = jnp.einsum("bkgts,bskh->btkgh", probs, v)
    if query_seq_lengths is not None:
        rows = jnp.arange(T)[None, :] < query_seq_lengths[:, None]
        encoded = encoded * jnp.reshape(rows, (B, T, 1, 1, 1)).astype(dtype_of(encoded))
    out = jnp.reshape(jnp.reshape(encoded, (B, T, N, H)), output_shape)
    if not return_residual:
        return out
    lse = logsumexp(logits32, axis=-1).astype(dtype_of(k))          # (B, K, G, T)
    lse = jnp.reshape(jnp.transpose(lse, (0, 3, 1, 2)), (B, T, N))
    return out, jnp.reshape(stop_gradient(lse), output_shape[:-1])
