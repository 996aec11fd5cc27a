"""Django's Redis cache, made optional: when Redis cannot be reached, every read is a miss and
every write is dropped, so the site gets slower rather than failing. After an error the backend
leaves Redis alone for RETRY seconds (no timeout paid on each call), then tries again by itself.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY = 5.0  # seconds without trying Redis after it failed
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Short socket timeouts: an unreachable host costs half a second once, not a hung request. A
# pooled connection that died with the server is opened again once before the call fails.
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    "retry_on_error": [RedisConnectionError],
}


class OptionalRedisCache(RedisCache):
    # Until when each server is left alone, shared by the threads of a process (Django makes
    # one backend per thread).
    _down_until: dict[str, float] = {}

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._where = str(server)

    def _call(self, fallback, method, *args, **kwargs):
        down_until = self._down_until.get(self._where, 0.0)
        if down_until and time.monotonic() < down_until:
            return fallback
        try:
            result = method(*args, **kwargs)
        except UNREACHABLE as exc:
            if not down_until:
                logger.warning("Cache unreachable, working without it: %s", exc)
            self._down_until[self._where] = time.monotonic() + RETRY
            return fallback
        if down_until:
            logger.warning("Cache reachable again")
            self._down_until.pop(self._where, None)
        return result

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: whoever asked (a build lock) goes ahead as if it were the only one.
        return self._call(True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        # A counter nobody can read is missing: the caller handles that already.
        value = self._call(None, super().incr, key, delta, version)
        if value is None:
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return value

    def clear(self):
        return self._call(False, super().clear)
