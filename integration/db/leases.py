"""What every outbox shares (actions, emails, outbound webhooks): claim a due row by compare-and-set, back off.

A row of such a table has `id`, `state` (pending | running | succeeded | retrying | dead), `attempts`,
`next_attempt_at` and `lease_until`.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update

DUE_STATES = ("pending", "retrying")


def backoff(attempts: int, retry_after: float | None = None, first: float = 15.0) -> timedelta:
    """Exponential backoff from `first` seconds, capped at an hour; a longer Retry-After wins."""
    delay = min(first * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=max(delay, retry_after or 0))


def claim_due(session, model, row_id: int, now, lease: timedelta) -> bool:
    """Atomically take a due row (compare-and-set on its state): True for exactly one caller."""
    result = session.execute(update(model).where(
        model.id == row_id, model.state.in_(DUE_STATES), model.next_attempt_at <= now,
    ).values(state="running", lease_until=now + lease, attempts=model.attempts + 1))
    return result.rowcount == 1


def expired_leases(session, model, now) -> list:
    """The rows still running past their lease (their worker was killed)."""
    return list(session.scalars(select(model).where(model.state == "running", model.lease_until < now)))


def due_ids(session, model, now, *where, limit: int | None = None) -> list[int]:
    """The ids of the due rows matching `where`, oldest first (at most `limit`)."""
    return list(session.scalars(select(model.id).where(
        or_(*(model.state == s for s in DUE_STATES)), model.next_attempt_at <= now, *where).order_by(model.id)
        .limit(limit)))
