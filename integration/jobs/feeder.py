"""On the embedded defaults the worker feeds its queue from the inbox, so a web process only stores and answers.

With SQLite and SqliteHuey (one machine), a receiver's hand-off to the queue cost 5-10 % of a delivery's CPU
(a thread woken per batch, and a write to the queue's own SQLite file, under its own lock, from every web process).
Here the worker reads the rows stored since its last look and queues their ids in batches. SQLite hands
out row ids under its one write lock, so ids become visible in order and a reader that remembers the
highest id it has read misses none. A row that reuses the id of a newest row deleted since (shop/redact
deletes rows) is left to `requeue_lost_deliveries`. On PostgreSQL ids are not visible in order, so with
Redis (or PostgreSQL) the web processes queue their own ids (jobs/batcher.py). The same thread checkpoints
SQLite's write-ahead log every second, which a webhook request would otherwise do every so often.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from integration.db.models import WebhookDelivery

log = logging.getLogger(__name__)
INBOX = WebhookDelivery.__table__


class InboxFeeder:
    """Queue each delivery stored after the feeder's start point and still waiting, once, in id order."""

    def __init__(self, engine: Engine, send: Callable[[list[int]], None], interval: float = 0.05, batch: int = 100):
        self._engine, self._send, self._interval, self._batch = engine, send, interval, batch
        self._seen: int | None = None   # the highest id read so far

    def start_point(self) -> int:
        """Just below the oldest delivery still waiting (its message may be lost with a killed worker), else the newest."""
        with self._engine.connect() as conn:
            oldest = conn.scalar(select(func.min(INBOX.c.id)).where(INBOX.c.status == "received"))
            newest = conn.scalar(select(func.max(INBOX.c.id)))
        return oldest - 1 if oldest is not None else (newest or 0)

    def feed_once(self) -> int:
        """Queue the waiting deliveries stored since the last look (a page of them); how many rows were read."""
        if self._seen is None:
            self._seen = self.start_point()
        with self._engine.connect() as conn:
            rows = conn.execute(select(INBOX.c.id, INBOX.c.status).where(INBOX.c.id > self._seen)
                                .order_by(INBOX.c.id).limit(self._batch * 10)).all()
        waiting = [row_id for row_id, status in rows if status == "received"]
        for start in range(0, len(waiting), self._batch):
            self._send(waiting[start:start + self._batch])
        if rows:   # only once all are sent: a failed send is read and sent again at the next look
            self._seen = rows[-1][0]
        return len(rows)

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file here, so a webhook request seldom has to (db/engine.py)."""
        with self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")   # waits for no one: readers and writers go on

    def run(self, stop: threading.Event, checkpoint_every: float = 1.0) -> None:
        """Feed until `stop` is set: at once while pages come full, else every `interval` seconds; checkpoint too."""
        checkpointed = time.monotonic()
        while not stop.is_set():
            try:
                full = self.feed_once() == self._batch * 10
                if time.monotonic() - checkpointed >= checkpoint_every:
                    self.checkpoint()
                    checkpointed = time.monotonic()
            except Exception:   # the rows are safe in the inbox: the next look reads them again
                log.exception("queue.feed-failed: the inbox is read again in %.2f s", self._interval)
                full = False
            if not full:
                stop.wait(self._interval)

    def start(self) -> threading.Event:
        """Run in a daemon thread of this process; set the returned event to stop it."""
        stop = threading.Event()
        threading.Thread(target=self.run, args=(stop,), name="inbox-feeder", daemon=True).start()
        return stop
