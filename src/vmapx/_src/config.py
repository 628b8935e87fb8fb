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
* ``jax_debug_nans`` / ``jax_debug_infs``: an operation that makes a NaN (an
  infinity) raises ``FloatingPointError``, as in JAX; a ``jit`` program checks
  its results and reruns operation by operation to find the culprit
  (``_src/fperrors.py``).
* Scoped setters (``with vmapx.numpy_rank_promotion("raise"):`` and the
  others below) hold in their thread only, as JAX's context managers do;
  ``config.update`` sets the process-wide value.
* ``jax_numpy_rank_promotion``: ``'allow'`` (NumPy broadcasting, the
  default); ``'warn'`` / ``'raise'``: ``vmapx.numpy``'s broadcasting functions
  (binary ufuncs, ``where``, ``vectorize``; and so the operators of traced
  values) warn or raise ``ValueError`` on operands of different non-zero ranks,
  as JAX's do. NumPy's own operators on concrete arrays broadcast as NumPy does.
* ``vmapx_strict_vmap`` (default ``False``, or env ``VMAPX_STRICT_VMAP=1``): eager
  ``vmap`` raises JAX's errors where per-example code asks for a Python value
  from a batched value, instead of splitting the batch on it (``vmap(...,
  strict=True)`` does this for one function).
* ``vmapx_memory_budget`` (vmapx's own): the bytes a ``vmap`` call may allocate
  when it chunks automatically (``chunk_size='auto'``): an int or a string
  such as ``'2GB'`` / ``'512MiB'``; ``None`` (the default, unless the
  environment variable ``VMAPX_MEMORY_BUDGET`` is set) is half the memory
  available when first needed.  See docs/scale.md.
* ``vmapx_auto_chunk`` (vmapx's own, default ``False``): when true, a ``vmap``
  without ``chunk_size`` (and the ``vmap`` over a basis of ``jacfwd`` /
  ``jacrev``) chunks as ``chunk_size='auto'``.
* ``vmapx_jit_backend`` (default ``$VMAPX_JIT_BACKEND`` or ``'auto'``): how
  ``jit`` runs programs.  ``'numpy'``: NumPy calls only; ``'numba'``: fusible
  regions (elementwise chains and reductions over them) run as Numba kernels
  from the first call (needs ``vmapx[fast]``); ``'auto'``: only large programs
  are fused, compiled in a background thread (no Numba: as ``'numpy'``).  See
  docs/fused-jit.md.
* ``jax_default_device``: ``None``, the CPU device or ``'cpu'`` (the one device
  vmapx has); any other platform name or device raises ``ValueError``.
* ``vmapx.enable_x64(False)`` (the scoped setter) raises ``NotImplementedError``:
  a scope asks for 32-bit results in a block of code, which vmapx cannot give,
  while ``config.update('jax_enable_x64', False)`` (set once by a script) only
  warns.  ``vmapx.enable_x64()`` / ``enable_x64(True)`` is a no-op scope.
* ``jax_check_tracer_leaks``: each outermost transformation call (``jit``,
  ``vmap``, ``grad``, a ``lax`` loop...) runs inside ``checking_leaks()``, so a
  traced value kept beyond its transformation raises ``UnexpectedTracerError``
  when the call returns (slow: a garbage collection per call, as a debug mode).
* ``jax_traceback_filtering``: "off" keeps vmapx's own frames in the
  tracebacks of errors raised through its API (any other value filters them).
* ``jax_default_matmul_precision``, ``jax_log_compiles``,
  ``jax_compilation_cache_dir``: accepted and
  stored, with no effect (there is no compiler and no accelerator).
* Options JAX programs set for XLA, its persistent cache or devices —
  ``jax_enable_compilation_cache``, ``jax_persistent_cache_min_compile_time_secs``,
  ``jax_persistent_cache_min_entry_size_bytes``, ``jax_use_shardy_partitioner``,
  ``jax_memory_fitting_level``, ``jax_cpu_enable_async_dispatch``,
  ``jax_captured_constants_warn_bytes``, ``jax_transfer_guard`` (no device
  transfers happen), ``jax_softmax_custom_jvp`` (vmapx's softmax derivative is
  exact either way): checked as JAX checks them, stored, with no effect.
* ``jax_explain_cache_misses``: a jitted function that traces again logs why
  (logger ``vmapx``, WARNING): the call site, where the function is defined,
  and its argument types now and at the previous trace.
* ``jax_threefry_partitionable``: ``True`` (JAX's default, the key stream vmapx
  implements); ``False`` (JAX's older stream) raises ``NotImplementedError``.
  ``jax_default_prng_impl``: ``'threefry2x32'`` only, likewise.
  ``jax_num_cpu_devices``: ``-1`` or ``1`` (vmapx has one device); more raises
  ``ValueError``.
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
import warnings

from . import caches, concrete, devices, errors, fperrors, fused, inputs, jit, leaks

AUTO_CHUNK = False
"""``config.vmapx_auto_chunk``: a vmap without ``chunk_size`` chunks as 'auto'
(read by ``api`` on every vmap call: a module global, not the options dict)."""

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


def _enum(*choices):
    """A checker for an option whose value is one of ``choices`` (JAX's message)."""
    def check(name, value):
        if value not in choices:
            raise ValueError(f"new enum value must be in {list(choices)}, got {value} of "
                             f"type {type(value)}.")
        return value
    return check


_rank_promotion_value = _enum(*_RANK_PROMOTION)


def _rank_promotion(name, value):
    inputs.set_rank_promotion(_rank_promotion_value(name, value))
    return value


def _check_tracer_leaks(name, value):
    value = bool(value)
    errors.LEAK_CHECK[0] = leaks.checking_leaks if value else None
    return value


_traceback_filtering_value = _enum(*_TRACEBACK_FILTERING)


def _traceback_filtering(name, value):
    value = _traceback_filtering_value(name, value)
    errors.FILTERING[0] = value    # "off": errors keep vmapx's own frames, as JAX's
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
    fperrors.set_global(name, value)
    return value


def _debug_scope_value(name, value):
    return bool(value)


def _x64_scope_value(name, value):
    if not value:
        raise NotImplementedError(
            "vmapx always computes with 64-bit types (JAX with jax_enable_x64=True) and "
            "cannot disable them in a scope; pass float32 arrays (or .astype(np.float32)) "
            "to compute in single precision.")
    return True


def _default_device(name, value):
    if value is None or (isinstance(value, str) and value.lower() == "cpu"):
        return value
    if isinstance(value, devices.Device):
        return value
    raise ValueError("default_device must be passed either a Device object (e.g. "
                     "`vmapx.devices('cpu')[0]`) or the platform name 'cpu' (vmapx runs on "
                     f"the CPU only), got: {value!r}")


def _strict_vmap(name, value):
    value = bool(value)
    concrete.STRICT = value
    return value


def _disable_jit(name, value):
    value = bool(value)
    jit.DISABLED = value
    return value


_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9,
          "gb": 10**9, "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
          "tib": 2**40}


def parse_bytes(name, value):
    """A byte count from an int or a string such as ``'2GB'`` or ``'512 MiB'``;
    ``None`` stays ``None`` (the default budget).

    >>> parse_bytes('vmapx_memory_budget', '2GB'), parse_bytes('b', '1.5 KiB')
    (2000000000, 1536)
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][0-9]+)?)\s*([a-zA-Z]*)\s*", value)
        if m is None or m.group(2).lower() not in _UNITS:
            raise ValueError(f"{name}: cannot read {value!r} as a number of bytes "
                             "(examples: 1000000, '512MB', '2GiB')")
        n = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    else:
        raise TypeError(f"{name} must be a number of bytes or a string such as '2GB', "
                        f"got {value!r}")
    if n <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return n


def _auto_chunk(name, value):
    global AUTO_CHUNK
    AUTO_CHUNK = value = bool(value)
    return value


def _dtype_promotion(name, value):
    if _enum("standard", "strict")(name, value) != "standard":
        raise NotImplementedError(
            f"jax_numpy_dtype_promotion={value!r} is not supported by vmapx: it always "
            "promotes dtypes as JAX's 'standard' mode does.")
    return value


_legacy_prng_key = _enum("allow", "warn", "error")


def _only(*allowed, error=NotImplementedError, why=""):
    """A checker accepting only ``allowed`` values (what vmapx implements)."""
    def check(name, value):
        if value not in allowed:
            raise error(f"{name}={value!r} is not supported by vmapx{why}; accepted: "
                        f"{', '.join(map(repr, allowed))}.")
        return value
    return check


def _number(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return value


def _explain_cache_misses(name, value):
    jit.EXPLAIN_CACHE_MISSES[0] = bool(value)
    return bool(value)


def _jit_backend(name, value):
    if _enum(*fused.BACKENDS)(name, value) != fused.BACKEND:
        fused.BACKEND = value
        caches.clear_all()   # traced programs compile again, for the new backend
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
    "jax_check_tracer_leaks": (False, _check_tracer_leaks),
    "jax_default_device": (None, _default_device),
    "jax_traceback_filtering": ("auto", _traceback_filtering),
    "jax_compilation_cache_dir": (None, _any),
    "vmapx_strict_vmap": (concrete.STRICT, _strict_vmap),
    "vmapx_memory_budget": (parse_bytes("VMAPX_MEMORY_BUDGET",
                                        os.environ.get("VMAPX_MEMORY_BUDGET") or None),
                            parse_bytes),
    "vmapx_auto_chunk": (False, _auto_chunk),
    "jax_numpy_dtype_promotion": ("standard", _dtype_promotion),
    "jax_legacy_prng_key": ("allow", _legacy_prng_key),
    "jax_enable_checks": (False, _bool),
    "jax_debug_key_reuse": (False, _bool),
    "vmapx_jit_backend": (fused.BACKEND, _jit_backend),
    # XLA, cache and device options: accepted, no effect (see the module docstring)
    "jax_enable_compilation_cache": (True, _bool),
    "jax_persistent_cache_min_compile_time_secs": (1.0, _number),
    "jax_persistent_cache_min_entry_size_bytes": (0, _number),
    "jax_use_shardy_partitioner": (True, _bool),
    "jax_memory_fitting_level": ("O2", _any),
    "jax_cpu_enable_async_dispatch": (True, _bool),
    "jax_captured_constants_warn_bytes": (2_000_000_000, _number),
    "jax_transfer_guard": (None, _enum(None, "allow", "log", "disallow", "log_explicit",
                                       "disallow_explicit")),
    "jax_softmax_custom_jvp": (False, _bool),
    "jax_explain_cache_misses": (False, _explain_cache_misses),
    # what vmapx implements, and only that
    "jax_threefry_partitionable": (True, _only(True, why=" (its key stream is JAX's "
                                                    "partitionable threefry)")),
    "jax_default_prng_impl": ("threefry2x32", _only("threefry2x32")),
    "jax_num_cpu_devices": (-1, _only(-1, 1, error=ValueError, why=" (one CPU device)")),
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
        """The current value of every option in this thread, by name (a copy)."""
        values = dict(self._values)
        values.update(_scopes.values)
        return values

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
        if name == "jax_disable_jit":  # this thread's disable_jit() context wins
            return jit.jit_disabled()
        scoped = _scopes.values
        if name in scoped:        # this thread's scoped setting wins
            return scoped[name]
        if name in values:
            return values[name]
        raise AttributeError(f"'Config' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        raise AttributeError("set configuration options with config.update(name, value)")

    def __repr__(self):
        return f"<vmapx Config {self._values}>"


config = Config()


class _Scopes(threading.local):
    def __init__(self):
        self.values = {}   # option -> this thread's scoped value


_scopes = _Scopes()

# Options whose scoped value also steers a switch read on hot paths: how to check
# a value without setting the global switch, and how to set this thread's switch.
_SCOPED_SWITCHES = {
    "jax_numpy_rank_promotion": (_rank_promotion_value, inputs.enter_rank_scope,
                                 inputs.exit_rank_scope),
    "jax_enable_x64": (_x64_scope_value, None, None),
    "jax_debug_nans": (_debug_scope_value,
                       lambda v: fperrors.enter_scope("jax_debug_nans", v), fperrors.exit_scope),
    "jax_debug_infs": (_debug_scope_value,
                       lambda v: fperrors.enter_scope("jax_debug_infs", v), fperrors.exit_scope),
}

_NO_VALUE = object()


def _scoped(option: str, doc: str):
    """A JAX-style scoped setter: ``with name(value):`` or ``@name(value)``; the
    value holds in this thread only, as JAX's context managers do.  A boolean
    option's setter called with no value sets it to ``True``."""

    @contextlib.contextmanager
    def setter(value=_NO_VALUE):
        if value is _NO_VALUE:
            if not isinstance(_OPTIONS[option][0], bool):
                raise TypeError(f"Context manager for {option} config option requires an "
                                "argument representing the new value for the config option.")
            value = True
        check, enter, leave = _SCOPED_SWITCHES.get(option, (_OPTIONS[option][1], None, None))
        value = check(option, value)
        values = _scopes.values
        had, previous = option in values, values.get(option)
        values[option] = value
        switch = enter(value) if enter is not None else None
        try:
            yield
        finally:
            if leave is not None:
                leave(switch)
            if had:
                values[option] = previous
            else:
                values.pop(option, None)

    setter.__name__ = setter.__qualname__ = option[len("jax_"):]
    setter.__doc__ = doc
    return setter


numpy_rank_promotion = _scoped("jax_numpy_rank_promotion", """Set ``jax_numpy_rank_promotion`` within a scope (a context manager or a decorator).

``'raise'`` makes broadcasting of operands of different non-zero ranks an error
in ``vmapx.numpy``'s functions (``'warn'`` a warning), as in JAX.

>>> import numpy as np, vmapx, vmapx.numpy as jnp
>>> with vmapx.numpy_rank_promotion("raise"):
...     jnp.add(np.ones(3), np.ones((2, 3)))
Traceback (most recent call last):
...
ValueError: Operands could not be broadcast together for add on shapes (3,) (2, 3) and with the config option jax_numpy_rank_promotion='raise'. For more information, see https://docs.jax.dev/en/latest/rank_promotion_warning.html.
>>> vmapx.config.jax_numpy_rank_promotion
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

legacy_prng_key = _scoped("jax_legacy_prng_key", """Set ``jax_legacy_prng_key`` within a scope; stored (``PRNGKey``'s raw ``uint32`` keys are always accepted).

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

debug_key_reuse = _scoped("jax_debug_key_reuse", """Set ``jax_debug_key_reuse`` within a scope; stored: vmapx's keys are raw ``uint32`` arrays, and reusing one is not checked.

>>> import vmapx
>>> with vmapx.debug_key_reuse(False):
...     vmapx.config.jax_debug_key_reuse
False
""")

debug_nans = _scoped("jax_debug_nans", """Set ``jax_debug_nans`` within a scope (this thread): an operation that makes a NaN raises ``FloatingPointError``, as in JAX.

>>> import vmapx, vmapx.numpy as jnp
>>> with vmapx.debug_nans(True):
...     jnp.log(-1.0)
Traceback (most recent call last):
...
FloatingPointError: invalid value encountered in log
>>> float(jnp.log(-1.0))   # outside: NaN, silently
nan
""")

debug_infs = _scoped("jax_debug_infs", """Set ``jax_debug_infs`` within a scope (this thread): an operation that makes an infinity (division by zero, overflow) raises ``FloatingPointError``, as in JAX.

>>> import vmapx
>>> with vmapx.debug_infs(False):
...     vmapx.config.jax_debug_infs
False
""")

log_compiles = _scoped("jax_log_compiles", """Set ``jax_log_compiles`` within a scope; stored: vmapx has no compiler to log.

>>> import vmapx
>>> with vmapx.log_compiles():
...     vmapx.config.jax_log_compiles
True
""")

default_device = _scoped("jax_default_device", """Set the default device within a scope: ``None``, ``'cpu'`` or the CPU device (vmapx's only device); others raise ``ValueError``.

>>> import vmapx
>>> with vmapx.default_device(vmapx.devices()[0]):
...     vmapx.numpy.ones(2).devices()
{CpuDevice(id=0)}
""")

enable_x64 = _scoped("jax_enable_x64", """Set ``jax_enable_x64`` within a scope.  vmapx always computes with 64-bit types, so ``enable_x64()`` / ``enable_x64(True)`` changes nothing, and ``enable_x64(False)`` raises ``NotImplementedError`` (vmapx cannot give the block 32-bit defaults; pass float32 arrays to compute in single precision).

>>> import vmapx, vmapx.numpy as jnp
>>> with vmapx.enable_x64(True):
...     jnp.ones(2).dtype
dtype('float64')
>>> with vmapx.enable_x64(False):
...     pass
Traceback (most recent call last):
...
NotImplementedError: vmapx always computes with 64-bit types (JAX with jax_enable_x64=True) and cannot disable them in a scope; pass float32 arrays (or .astype(np.float32)) to compute in single precision.
""")
