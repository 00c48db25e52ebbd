"""Queue stored deliveries from a web process in batches, on a thread of its own, off the request path.

A receiver hands over a row id and answers at once; this thread sends one queue message per batch
of the ids that gathered within `linger` (20 ms) of the first one, so a busy process pays for one
queue write and one thread wake-up per batch rather than per delivery, and a lone delivery waits 20 ms.
The rows are already committed, so an id lost here (the process killed between the answer and the
send) is still in the inbox and `requeue_lost_deliveries` sends it again.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class DeliveryBatcher:
    """Collect row ids from request threads; send them in batches of at most `max_batch`."""

    def __init__(self, send: Callable[[list[int]], None], max_batch: int = 100, linger: float = 0.02):
        self._send, self._max_batch, self._linger = send, max_batch, linger
        self._cond = threading.Condition()   # guards the ids waiting and the count not sent yet
        self._waiting: list[int] = []
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def put(self, delivery_id: int) -> None:
        """Hand over one committed delivery's id."""
        self._ensure_thread()
        with self._cond:
            self._waiting.append(delivery_id)
            self._pending += 1
            # Only the first id of a batch wakes the thread: waking it for every id made it fight the
            # request thread for the GIL, and cost a web process a third of its time per delivery.
            if len(self._waiting) == 1:
                self._cond.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every id handed over so far has been sent; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def _ensure_thread(self) -> None:
        # A forked worker (gunicorn) inherits the object but not the thread: start one per process.
        if self._pid == os.getpid() and self._thread is not None:
            return
        with self._cond:
            if self._pid != os.getpid() or self._thread is None:
                self._waiting, self._pending = [], 0
                self._thread = threading.Thread(target=self._run, name="delivery-batcher", daemon=True)
                self._pid = os.getpid()
                self._thread.start()
                atexit.register(self.flush)

    def _take_batch(self) -> list[int]:
        with self._cond:
            self._cond.wait_for(lambda: self._waiting)
        time.sleep(self._linger)   # the ids of the next `linger` join this batch
        with self._cond:
            batch, self._waiting = self._waiting, []
        return batch

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            for start in range(0, len(batch), self._max_batch):
                chunk = batch[start:start + self._max_batch]
                try:
                    self._send(chunk)
                except Exception:  # the rows are safe in the inbox; the periodic re-queue sends them
                    log.exception("queue.batch-failed: %d deliveries left for the re-queue task", len(chunk))
            with self._cond:
                self._pending -= len(batch)
                self._cond.notify_all()
