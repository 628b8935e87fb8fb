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
* ``jax_default_matmul_precision``, ``jax_log_compiles``,
  ``jax_traceback_filtering``, ``jax_compilation_cache_dir``: accepted and
  stored, with no effect (there is no compiler and no accelerator).
"""
from __future__ import annotations

import contextlib
import threading
import warnings

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


def _dtype_promotion(name, value):
    if value not in ("standard", "strict"):
        raise ValueError(f"new enum value must be in ['standard', 'strict'], got {value} of "
                         f"type {type(value)}.")
    if value != "standard":
        raise NotImplementedError(
            f"jax_numpy_dtype_promotion={value!r} is not supported by vmapx: it always "
            "promotes dtypes as JAX's 'standard' mode does.")
    return value


def _legacy_prng_key(name, value):
    if value not in ("allow", "warn", "error"):
        raise ValueError(f"new enum value must be in ['allow', 'warn', 'error'], got {value} "
                         f"of type {type(value)}.")
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
    "jax_numpy_dtype_promotion": ("standard", _dtype_promotion),
    "jax_legacy_prng_key": ("allow", _legacy_prng_key),
    "jax_enable_checks": (False, _bool),
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


_scope_lock = threading.Lock()


def _scoped(option: str, doc: str):
    """A JAX-style scoped setter: ``with name(value):`` or ``@name(value)``."""

    @contextlib.contextmanager
    def setter(value):
        with _scope_lock:
            previous = config._values[option]
            config.update(option, value)
        try:
            yield
        finally:
            with _scope_lock:
                config._values[option] = previous

    setter.__name__ = setter.__qualname__ = option[len("jax_"):]
    setter.__doc__ = doc
    return setter


numpy_rank_promotion = _scoped("jax_numpy_rank_promotion", """Set ``jax_numpy_rank_promotion`` within a scope (a context manager or a decorator).

vmapx always broadcasts ranks as NumPy does, so only ``'allow'`` is accepted.

>>> import vmapx
>>> with vmapx.numpy_rank_promotion("allow"):
...     vmapx.config.jax_numpy_rank_promotion
'allow'
""")

numpy_dtype_promotion = _scoped("jax_numpy_dtype_promotion", """Set ``jax_numpy_dtype_promotion`` within a scope (a context manager or a decorator).

vmapx always promotes as JAX's ``'standard'`` mode, the only value accepted.

>>> import vmapx
>>> with vmapx.numpy_dtype_promotion("standard"):
...     vmapx.config.jax_numpy_dtype_promotion
'standard'
""")

default_matmul_precision = _scoped("jax_default_matmul_precision", """Set ``jax_default_matmul_precision`` within a scope; no effect on NumPy's matmul.

>>> import vmapx
>>> @vmapx.default_matmul_precision("float32")
... def f():
...     return vmapx.config.jax_default_matmul_precision
>>> f()
'float32'
""")

legacy_prng_key = _scoped("jax_legacy_prng_key", """Set ``jax_legacy_prng_key`` within a scope; vmapx keys are always raw ``uint32`` arrays.

>>> import vmapx
>>> with vmapx.legacy_prng_key("allow"):
...     vmapx.config.jax_legacy_prng_key
'allow'
""")

enable_checks = _scoped("jax_enable_checks", """Set ``jax_enable_checks`` within a scope; stored, with no extra checks in vmapx.

>>> import vmapx
>>> with vmapx.enable_checks(True):
...     vmapx.config.jax_enable_checks
True
""")
