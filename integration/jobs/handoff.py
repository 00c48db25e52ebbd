"""Hand committed work to the queue: the one way deliveries and actions reach it, on both backends.

The queue module builds its Huey (and opens its storage) on import, so it is imported on first use.
"""
from __future__ import annotations

from integration.db.unit_of_work import EnqueueAction
from integration.runtime import Runtime


def action_queue(rt: Runtime) -> EnqueueAction:
    """What queues a committed action of this runtime's database: its shop's drain."""
    def queue(action_id: int) -> None:
        from integration.jobs.queue import enqueue_action
        enqueue_action(action_id, rt)
    return queue


def send_deliveries(delivery_ids: list[int]) -> None:
    """Queue stored deliveries for processing (their inserts have committed)."""
    from integration.jobs.queue import enqueue_deliveries
    enqueue_deliveries(delivery_ids)
