"""Hand committed work to the queue: the one way deliveries and actions reach it, on both backends.

Both go to the process's current queue (jobs/queue.py: the app factory's, else one built on first use).
"""
from __future__ import annotations

from integration.db.unit_of_work import EnqueueAction
from integration.jobs.queue import enqueue_action, enqueue_deliveries
from integration.runtime import Runtime


def action_queue(rt: Runtime) -> EnqueueAction:
    """What queues a committed action of this runtime's database: its shop's drain."""
    def queue(action_id: int) -> None:
        enqueue_action(action_id, rt)
    return queue


def send_deliveries(delivery_ids: list[int]) -> None:
    """Queue stored deliveries for processing (their inserts have committed)."""
    enqueue_deliveries(delivery_ids)
