"""``vmapx.config``: JAX's configuration object, for the options a script sets.

``config.update(name, value)`` and attribute reads (``config.jax_enable_x64``)
work as in JAX for the options below; any other name raises JAX's
``AttributeError('Unrecognized config option: ...')``.

What each option means in vmapx:

* ``jax_enable_x64`` (default ``True``): vmapx always follows NumPy's dtypes
  (``float64`` stays ``float64``, ``int64`` stays ``int64``), which is JAX with
  x64 enabled.  Setting it to ``False`` is accepted -- the value is stored and
  read back -- but does **not** change any dtype: vmapx warns once (a
  ``UserWarning``) rather than silently computing in a precision the script
  did not ask for.  Pass ``float32`` arrays to compute in single precision.
* ``jax_platforms`` / ``jax_platform_name``: vmapx runs on the CPU only; empty,
  ``None`` or a list naming ``'cpu'`` is accepted, anything else raises JAX's
  "Unknown backend" ``RuntimeError``.
* ``jax_disable_jit``: the same switch as ``vmapx.disable_jit()``.
* ``jax_debug_nans`` / ``jax_debug_infs``: accepted and stored; vmapx does not
  check results for NaNs or infinities (a ``UserWarning`` says so once).
* ``jax_numpy_rank_promotion``: ``'allow'`` (NumPy broadcasting, the only
  mode); ``'warn'`` and ``'raise'`` raise ``NotImplementedError``.
* ``vmapx_jit_backend`` (default ``$VMAPX_JIT_BACKEND`` or ``'auto'``): how
  ``jit`` runs programs.  ``'numpy'``: NumPy calls only; ``'numba'``: fusible
  regions (elementwise chains and reductions over them) run as Numba kernels
  from the first call (needs ``vmapx[fast]``); ``'auto'``: only large programs
  are fused, compiled in a background thread (no Numba: as ``'numpy'``).  See
  docs/fused-jit.md.
* ``jax_default_matmul_precision``, ``jax_log_compiles``,
  ``jax_traceback_filtering``, ``jax_compilation_cache_dir``: accepted and
  stored, with no effect (there is no compiler and no accelerator).
"""
from __future__ import annotations

import warnings

from . import fused

_RANK_PROMOTION = ["allow", "warn", "raise"]
_TRACEBACK_FILTERING = ["off", "tracebackhide", "remove_frames", "quiet_remove_frames", "auto"]


def _bool(name, value):
    return bool(value)


def _platforms(name, value):
    if value is None or value == "":
        return value
    names = [p.strip().lower() for p in str(value).split(",")]
    if "cpu" not in names:
        raise RuntimeError(
            f"Unknown backend: '{value}' requested, but no platforms that are instances of "
            f"{value} are present. Platforms present are: cpu")
    return value


def _rank_promotion(name, value):
    if value not in _RANK_PROMOTION:
        raise ValueError(f"new enum value must be in {_RANK_PROMOTION}, got {value} of type "
                         f"{type(value)}.")
    if value != "allow":
        raise NotImplementedError(
            f"jax_numpy_rank_promotion={value!r} is not supported by vmapx: it always "
            "broadcasts ranks as NumPy does ('allow').")
    return value


def _traceback_filtering(name, value):
    if value not in _TRACEBACK_FILTERING:
        raise ValueError(f"new enum value must be in {_TRACEBACK_FILTERING}, got {value} of "
                         f"type {type(value)}.")
    return value


def _any(name, value):
    return value


_warned: set = set()


def _warn_once(key, message):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=4)


def _x64(name, value):
    value = bool(value)
    if not value:
        _warn_once("x64", "vmapx follows NumPy dtypes (as JAX with jax_enable_x64=True): "
                   "setting jax_enable_x64=False does not change any dtype. Pass float32 "
                   "arrays to compute in single precision.")
    return value


def _debug_check(name, value):
    value = bool(value)
    if value:
        _warn_once(name, f"{name}=True is accepted but vmapx does not check results for "
                   "NaNs or infinities.")
    return value


def _disable_jit(name, value):
    from . import jit
    value = bool(value)
    jit.DISABLED = value
    return value


def _jit_backend(name, value):
    if value not in fused.BACKENDS:
        raise ValueError(f"new enum value must be in {list(fused.BACKENDS)}, got {value} of "
                         f"type {type(value)}.")
    fused.BACKEND = value
    return value


# name -> (default, check-and-apply)
_OPTIONS = {
    "jax_enable_x64": (True, _x64),
    "jax_platforms": (None, _platforms),
    "jax_platform_name": ("", _platforms),
    "jax_disable_jit": (False, _disable_jit),
    "jax_debug_nans": (False, _debug_check),
    "jax_debug_infs": (False, _debug_check),
    "jax_numpy_rank_promotion": ("allow", _rank_promotion),
    "jax_default_matmul_precision": (None, _any),
    "jax_log_compiles": (False, _bool),
    "jax_traceback_filtering": ("auto", _traceback_filtering),
    "jax_compilation_cache_dir": (None, _any),
    "vmapx_jit_backend": (fused.BACKEND, _jit_backend),
}


class Config:
    """The configuration object (``vmapx.config``), as JAX's ``jax.config``.

    >>> import vmapx
    >>> vmapx.config.jax_enable_x64
    True
    >>> vmapx.config.update("jax_numpy_rank_promotion", "allow")
    >>> vmapx.config.values["jax_numpy_rank_promotion"]
    'allow'
    >>> vmapx.config.update("jax_no_such_option", 1)
    Traceback (most recent call last):
    ...
    AttributeError: Unrecognized config option: jax_no_such_option
    """

    def __init__(self):
        object.__setattr__(self, "_values", {k: d for k, (d, _) in _OPTIONS.items()})

    @property
    def values(self) -> dict:
        """The current value of every option, by name (a copy)."""
        return dict(self._values)

    def update(self, name, value):
        """Set option ``name`` to ``value`` (checked as JAX checks it).

        >>> import vmapx
        >>> vmapx.config.update("jax_platforms", "cpu")
        >>> vmapx.config.jax_platforms
        'cpu'
        """
        if name not in _OPTIONS:
            raise AttributeError(f"Unrecognized config option: {name}")
        self._values[name] = _OPTIONS[name][1](name, value)

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"'Config' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        raise AttributeError("set configuration options with config.update(name, value)")

    def __repr__(self):
        return f"<vmapx Config {self._values}>"


config = Config()
