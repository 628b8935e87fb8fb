"""Bounded, thread-safe caches, and the registry ``vmapx.clear_caches`` empties.

Every cache that can grow with what the user does (traced signatures of a
jitted function, vmap's argument structures, derived jaxprs) is an
``LRUCache``: at most ``maxsize`` entries, least recently used dropped first.
Inserts, evictions and clears run under the cache's own lock; lookups are
single atomic OrderedDict calls (CPython's GIL), so concurrent calls and
``clear_caches()`` never see a half-updated table.  Caches that
``clear_caches`` must empty are ``register``-ed here (weakly: a cache dies with
its owner).  Small interning tables keyed by dtypes use plain dicts with single
atomic ``get``/``setdefault``/``clear`` calls and never iterate.
"""
from __future__ import annotations

import collections
import threading
import weakref

_MISSING = object()


class LRUCache(collections.OrderedDict):
    """A bounded least-recently-used map, safe under concurrent use.

    Inserts (with eviction) and clears hold the cache's lock.  Lookups take
    no lock: ``get`` and ``move_to_end`` are single atomic OrderedDict calls
    under CPython's GIL, and hot paths call them directly (``lookup`` is the
    convenient form): a key evicted or cleared by another thread between the
    two is simply not moved.  Snapshots (``list(cache.values())``) are atomic.

    >>> c = LRUCache(2)
    >>> c["a"] = 1; c["b"] = 2; _ = c.lookup("a"); c["c"] = 3
    >>> list(c), c.lookup("b")
    (['a', 'c'], None)
    """

    def __init__(self, maxsize: int):
        super().__init__()
        self._lock = threading.Lock()
        self.maxsize = maxsize

    def lookup(self, key, default=None):
        """The value at ``key``, now the most recently used; else ``default``."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            return default
        try:
            self.move_to_end(key)
        except KeyError:  # evicted or cleared meanwhile by another thread
            pass
        return value

    def __setitem__(self, key, value):
        with self._lock:
            super().__setitem__(key, value)
            super().move_to_end(key)
            while len(self) > self.maxsize:
                super().popitem(last=False)

    def clear(self):
        with self._lock:
            super().clear()

    def __reduce__(self):  # a cache is not state worth pickling or copying
        return (type(self), (self.maxsize,))

    __hash__ = object.__hash__  # identity: registered in a WeakSet
    __eq__ = object.__eq__


_registry: weakref.WeakSet = weakref.WeakSet()
_registry_lock = threading.Lock()


def register(cache: LRUCache) -> LRUCache:
    """Have ``clear_all`` (``vmapx.clear_caches``) empty ``cache``; returns it."""
    with _registry_lock:
        _registry.add(cache)
    return cache


def clear_all():
    """Empty every registered cache (a snapshot taken under the registry's lock,
    so caches registered meanwhile by other threads are simply left out)."""
    with _registry_lock:
        caches = list(_registry)
    for cache in caches:
        cache.clear()
