"""The per-host limit shared by every worker: at most `[queue] host_tasks` tasks fetch from one
host at a time, counted in Redis. Inside a task the collector's own per-host limit
(`[collect] per_host` requests) applies as on one machine, so one host never sees more than
host_tasks × per_host requests at once, however many workers run.

A slot is a Redis key (`NAMESPACE:host:HOST:N`) set only if absent, with a short expiry that a
thread of the holding process keeps renewing: a worker killed while it holds a slot frees it
within `SLOT_TTL` seconds instead of blocking the host for a whole task time limit.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

SLOT_TTL = 15.0  # seconds a slot outlives a holder that stopped renewing it

# Delete / renew a slot only while it still holds our token (it may have expired and been taken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"


class HostLimits:
    def __init__(self, url: str, namespace: str, limit: int, ttl: float = SLOT_TTL):
        self.client = redis.Redis.from_url(url, socket_timeout=10)
        self.namespace = namespace
        self.limit = limit
        self.ttl_ms = int(ttl * 1000)
        self._held: dict[str, str] = {}  # slot key → our token
        self._lock = threading.Lock()
        self._renewer: threading.Thread | None = None

    @contextmanager
    def hold(self, host: str) -> Iterator[bool]:
        """A slot of `host` for the block: yields True, or False when every slot is taken."""
        token = uuid.uuid4().hex
        key = None
        for n in range(self.limit):
            candidate = f"{self.namespace}:host:{host}:{n}"
            if self.client.set(candidate, token, nx=True, px=self.ttl_ms):
                key = candidate
                break
        if key is None:
            yield False
            return
        with self._lock:
            self._held[key] = token
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew, name="host-slots", daemon=True)
                self._renewer.start()
        try:
            yield True
        finally:
            with self._lock:
                self._held.pop(key, None)
            self.client.eval(_RELEASE, 1, key, token)

    def _renew(self) -> None:
        while True:
            threading.Event().wait(self.ttl_ms / 3000)
            with self._lock:
                held = list(self._held.items())
            for key, token in held:
                try:
                    self.client.eval(_RENEW, 1, key, token, self.ttl_ms)
                except redis.RedisError:
                    pass  # tried again next round; the slot expires if Redis stays away
