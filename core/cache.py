"""A Redis cache that a Redis outage cannot take the portal down with.

Django's RedisCache raises whatever redis-py raises, so a page that reads the cache (the
situation picture's ``{% cache %}``) answers 500 for as long as Redis is away. The cache holds
nothing that is not in the database, so here a failed operation counts as a miss: ``get``
returns the default, ``set``/``add``/``delete`` report that nothing happened, ``incr`` raises
ValueError as for a missing key. Every such failure is counted (``cache_errors()``, shown by
/healthz/ready) and logged, at most once per ``LOG_INTERVAL_SECONDS``.

After a failure the cache is skipped for ``RETRY_AFTER_SECONDS``: a Redis that does not answer
(rather than refusing the connection) would otherwise cost every operation of a page its socket
timeout.

A ``delete`` is an invalidation (the row changed in the database). One that could not reach
Redis is remembered and sent again by the next operation of this process that does reach it: a
Redis that was unreachable rather than restarted would otherwise keep serving the old value (a
session that was logged out, a user whose access was withdrawn) until it expired. Sending a delete
late is always safe: at worst the next read is a miss.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60.0
RETRY_AFTER_SECONDS = 1.0

# Failures of the connection or of Redis itself; anything else (a bad key, a value that cannot
# be pickled) is a programming error and is raised as before.
UNAVAILABLE = (RedisError, OSError)

T = TypeVar("T")

_lock = threading.Lock()
_errors = 0
_last_error = ""
_last_logged = 0.0
# Per server list: the monotonic time until which the cache is not tried again.
_paused_until: dict[str, float] = {}
# Per server list: the (made) keys whose delete did not reach Redis, to be deleted again.
_pending_deletes: dict[str, set[str]] = {}


def pending_deletes() -> int:
    """How many invalidations wait for Redis to come back in this process."""
    return sum(len(keys) for keys in _pending_deletes.values())


def cache_errors() -> int:
    """How many cache operations fell back to a miss in this process since it started."""
    return _errors


def last_cache_error() -> str:
    """The class and message of the latest failure ("" when there was none)."""
    return _last_error


def _record(servers: str, exc: BaseException | None) -> None:
    global _errors, _last_error, _last_logged
    now = time.monotonic()
    with _lock:
        _errors += 1
        if exc is None:
            return
        _paused_until[servers] = now + RETRY_AFTER_SECONDS
        _last_error = f"{exc.__class__.__name__}: {exc}"
        if now - _last_logged < LOG_INTERVAL_SECONDS and _last_logged:
            return
        _last_logged = now
        count = _errors
    logger.warning(
        "Cache unavailable, reading without it (%s errors so far): %s", count, _last_error
    )


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool: Django builds a new one for
    every operation, and building one costs more than a cached read (its table of response
    callbacks). Django's caches are per thread, and so is this client."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations behave as a miss when Redis cannot be reached."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._servers_joined = ",".join(self._servers)

    def _servers_key(self) -> str:
        return self._servers_joined

    def _guard(self, operation: Callable[[], T], fallback: Callable[[], T]) -> T:
        servers = self._servers_key()
        if _paused_until.get(servers, 0.0) > time.monotonic():
            _record(servers, None)
            return fallback()
        try:
            result = operation()
        except UNAVAILABLE as exc:
            _record(servers, exc)
            return fallback()
        if _pending_deletes.get(servers):
            self._replay_deletes(servers)
        return result

    def _remember_deletes(self, keys, version) -> None:
        made = {self.make_and_validate_key(key, version=version) for key in keys}
        with _lock:
            _pending_deletes.setdefault(self._servers_key(), set()).update(made)

    def _replay_deletes(self, servers: str) -> None:
        with _lock:
            keys = _pending_deletes.pop(servers, set())
        if not keys:
            return
        try:
            self._cache.delete_many(list(keys))
        except UNAVAILABLE as exc:
            _record(servers, exc)
            with _lock:
                _pending_deletes.setdefault(servers, set()).update(keys)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: False,
        )

    def get(self, key, default=None, version=None) -> Any:
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key, version=None) -> bool:
        def unavailable() -> bool:
            self._remember_deletes([key], version)
            return False

        return self._guard(
            lambda: super(ResilientRedisCache, self).delete(key, version), unavailable
        )

    def get_many(self, keys, version=None) -> dict:
        return self._guard(
            lambda: super(ResilientRedisCache, self).get_many(keys, version), lambda: {}
        )

    def has_key(self, key, version=None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: False
        )

    def incr(self, key, delta=1, version=None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        # The keys that could not be stored, as BaseCache.set_many documents.
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys, version=None) -> None:
        keys = list(keys)
        self._guard(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._remember_deletes(keys, version),
        )

    def clear(self) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), lambda: False)
