"""Queue stored deliveries from a web process in batches, on a thread of its own, off the request path.

A receiver hands over a row id and answers at once; this thread sends one queue message per batch
of the ids that gathered within `linger` (20 ms) of the first one, so a busy process pays for one
queue write per batch rather than per delivery, and a lone delivery waits at most 20 ms.
The rows are already committed, so an id lost here (the process killed between the answer and the
send) is still in the inbox and `requeue_lost_deliveries` sends it again.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class DeliveryBatcher:
    """Collect row ids from request threads; send them in batches of at most `max_batch`."""

    def __init__(self, send: Callable[[list[int]], None], max_batch: int = 100, linger: float = 0.02):
        self._send, self._max_batch, self._linger = send, max_batch, linger
        self._ids: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._pending = 0
        self._done = threading.Condition()

    def put(self, delivery_id: int) -> None:
        """Hand over one committed delivery's id."""
        self._ensure_thread()
        with self._done:
            self._pending += 1
        self._ids.put(delivery_id)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every id handed over so far has been sent; False on timeout."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def _ensure_thread(self) -> None:
        # A forked worker (gunicorn) inherits the object but not the thread: start one per process.
        if self._pid == os.getpid() and self._thread is not None:
            return
        with self._lock:
            if self._pid != os.getpid() or self._thread is None:
                self._ids, self._pending = queue.SimpleQueue(), 0
                self._thread = threading.Thread(target=self._run, name="delivery-batcher", daemon=True)
                self._pid = os.getpid()
                self._thread.start()
                atexit.register(self.flush)

    def _take_batch(self) -> list[int]:
        batch = [self._ids.get()]
        until = time.monotonic() + self._linger
        while len(batch) < self._max_batch:
            try:
                batch.append(self._ids.get(timeout=max(until - time.monotonic(), 0)))
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            try:
                if batch:
                    self._send(batch)
            except Exception:  # the rows are safe in the inbox; the periodic re-queue sends them
                log.exception("queue.batch-failed: %d deliveries left for the re-queue task", len(batch))
            with self._done:
                self._pending -= len(batch)
                self._done.notify_all()
