"""What makes many Huey consumers on many machines behave as one: periodic tasks once per tick across the
fleet, and a per-shop flag so a shop has at most one drain message waiting in the queue.

Huey's own `lock_task` is not enough for the first: it is a mutex held while a task body runs and
released when it returns, so the duplicate that a second scheduler queued for the same minute runs as
soon as the first has finished. Here the scheduler claims `(task, minute)` in the shared store before it
queues a periodic task, and a scheduler that loses the claim skips it: one message per tick, fleet-wide.
With Redis the claim is `SET NX PX`; with SqliteHuey it is an insert into the queue file's key table,
which every consumer on that one machine shares (SqliteHuey cannot span machines).
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from huey import RedisHuey, SqliteHuey

TICK_TTL = timedelta(hours=1)   # far longer than any clock skew between machines; then Redis forgets it


def _tick_key(prefix: str, stamp: datetime, task_name: str) -> str:
    return f"{prefix}.tick.{stamp:%Y%m%dT%H%M}.{task_name}"


class FleetPeriodic:
    """A Huey mixin: `read_periodic` returns only the tasks whose tick this scheduler claimed."""

    def read_periodic(self, timestamp=None):
        """The periodic tasks due now, minus those another scheduler already queued for this minute."""
        timestamp = timestamp or self._get_timestamp()
        return [task for task in super().read_periodic(timestamp) if self.claim_tick(task.name, timestamp)]

    def claim_tick(self, task_name: str, timestamp: datetime) -> bool:
        """True for exactly one caller per task and minute across every consumer sharing this store."""
        raise NotImplementedError

    def set_flag(self, name: str, ttl_seconds: float) -> bool:
        """Set a flag that lapses after ttl_seconds; False when it is already set."""
        raise NotImplementedError

    def clear_flag(self, name: str) -> None:
        """Clear a flag (a no-op when it is not set)."""
        self.storage.delete_data(f"{self.name}.flag.{name}")


class FleetRedisHuey(FleetPeriodic, RedisHuey):
    """RedisHuey whose ticks and flags are plain Redis keys with an expiry (works on any Redis version)."""

    def claim_tick(self, task_name, timestamp):
        key = _tick_key(self.name, timestamp, task_name)
        return bool(self.storage.conn.set(key, "1", nx=True, px=int(TICK_TTL.total_seconds() * 1000)))

    def set_flag(self, name, ttl_seconds):
        key = f"{self.name}.flag.{name}"
        return bool(self.storage.conn.set(key, "1", nx=True, px=max(int(ttl_seconds * 1000), 1)))

    def clear_flag(self, name):
        self.storage.conn.delete(f"{self.name}.flag.{name}")


class FleetSqliteHuey(FleetPeriodic, SqliteHuey):
    """SqliteHuey whose ticks and flags are rows of the queue file's key table (one machine only)."""

    def claim_tick(self, task_name, timestamp):
        with self.storage.db(commit=True) as cursor:   # forget ticks older than TICK_TTL, and lapsed flags
            cursor.execute("delete from kv where queue = ? and key like ? and key < ?",
                           (self.name, f"{self.name}.tick.%", _tick_key(self.name, timestamp - TICK_TTL, "")))
            cursor.execute("delete from kv where queue = ? and key like ? and cast(value as real) < ?",
                           (self.name, f"{self.name}.flag.%", time.time()))
        return self.storage.put_if_empty(_tick_key(self.name, timestamp, task_name), b"1")

    def set_flag(self, name, ttl_seconds):
        key = f"{self.name}.flag.{name}"
        if self.storage.put_if_empty(key, str(time.time() + ttl_seconds).encode()):
            return True
        expires = self.storage.peek_data(key)
        if isinstance(expires, (bytes, memoryview)) and float(bytes(expires)) < time.time():   # lapsed: take it over
            self.storage.delete_data(key)
            return self.storage.put_if_empty(key, str(time.time() + ttl_seconds).encode())
        return False
