"""A Redis cache that degrades instead of failing when Redis is down.

The cache holds nothing the portal cannot lose: allauth's rate-limit counters and its record of
used TOTP codes. With Redis unreachable, Django's `RedisCache` raises on every call and login
answers 500. Here an error is a miss: reads return the default, writes do nothing, `add` reports
success (allauth takes its lock and lets the request through). Rate limiting is off while Redis
is down — logged, at most once every `LOG_EVERY` seconds — and back as soon as Redis answers.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 60.0  # seconds between two warnings while Redis stays down
_last_warning = 0.0


def _degraded(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= LOG_EVERY:
        _last_warning = now
        logger.warning("cache unavailable (%s: %s); served as a miss", operation, exc)


class DegradingRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _degraded("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _degraded("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _degraded("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _degraded("add", exc)
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _degraded("set", exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _degraded("set_many", exc)
            return []

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _degraded("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _degraded("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            _degraded("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _degraded("incr", exc)
            raise ValueError(f"Key '{key}' not found") from exc  # what a miss does

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            _degraded("clear", exc)
            return False
