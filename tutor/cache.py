"""A cache for things that are expensive to compute and identical for everyone (plots, worked examples).

In one process it is a bounded LRU; with REDIS_URL set it is shared by every app instance, so a class asking for the
same plot renders it once. It only ever holds recomputable values: losing it changes nothing but speed.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)
CACHE_VERSION = "1"  # bump when the engine's output for the same parameters changes


class MemoryCache:
    """A bounded least-recently-used map, safe across threads (values are kept as they are given)."""

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: Any, value: Any, ttl: int = 0) -> None:  # noqa: ARG002 - entries live until evicted
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)


class RedisCache:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> str | None:
        try:
            value = self.client.get(key)
        except Exception as exc:  # noqa: BLE001 - a cache outage must not break the page
            log.warning("cache get failed: %s", exc)
            return None
        return value.decode() if value is not None else None

    def set(self, key: str, value: str, ttl: int) -> None:
        try:
            self.client.set(key, value, ex=ttl)
        except Exception as exc:  # noqa: BLE001
            log.warning("cache set failed: %s", exc)


class Fragments:
    """Rendered pieces of pages that are the same for everyone (a lesson's conversation), kept in this process only:
    they are quicker to render again than to fetch from Redis. Bounded (least recently used out first); values are
    kept as Python objects, so callers must not change what they get."""

    def __init__(self, max_entries: int = 256):
        self._kept = MemoryCache(max_entries)

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        value = self._kept.get(key)
        if value is None:
            value = make()  # two threads may both render a new key once; both results are equal
            self._kept.set(key, value)
        return value


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["tutor_cache"] = RedisCache(url) if url else MemoryCache()
    app.extensions["tutor_fragments"] = Fragments()


def fragments() -> Fragments:
    """The current app's cache of rendered page fragments."""
    return current_app.extensions["tutor_fragments"]


def cache_key(namespace: str, params: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"tutor:{CACHE_VERSION}:{namespace}:{digest}"


class _KeyLocks:
    """One lock per key being computed, so threads of a worker asking for the same new value wait for the first
    one's result instead of computing it again (a class opening the same plot at once renders it once)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextlib.contextmanager
    def hold(self, key: str):
        with self._guard:
            lock, users = self._locks.get(key, (None, 0))
            lock = lock or threading.Lock()
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


_computing = _KeyLocks()


def cached_json(namespace: str, params: dict[str, Any], compute: Callable[[], Any], ttl: int = 86400) -> Any:
    """compute() once per distinct (namespace, params); later calls get the stored JSON value back. Threads of one
    process asking for the same missing value at once compute it once; other processes share it through Redis."""
    cache = current_app.extensions["tutor_cache"]
    key = cache_key(namespace, params)
    hit = cache.get(key)
    if hit is not None:
        return json.loads(hit)
    with _computing.hold(key):
        hit = cache.get(key)  # computed by another thread while this one waited
        if hit is not None:
            return json.loads(hit)
        value = compute()
        cache.set(key, json.dumps(value), ttl)
    return value
