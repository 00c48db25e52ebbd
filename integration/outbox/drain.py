"""Per-shop drains: run one shop's due actions for a bounded time, so a busy shop never holds the queue.

The queue carries shop ids for drains, and each drain reads the due actions from the database (the
rows are the truth) and runs them one by one through `run_action`, whose claim (compare-and-set and a
lease) keeps each action to exactly one runner even when two drains of one shop overlap.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from integration.db.base import utcnow
from integration.db.request_models import Action
from integration.outbox.run import Gateways, run_action

DUE_STATES = ("pending", "retrying")


@dataclass
class DrainReport:
    ran: int
    more_due: bool                  # due actions remain: queue another drain at the tail
    next_due_at: datetime | None    # else the earliest retry still waiting out its backoff


def due_action_ids(session, shop_id: int, now, limit: int) -> list[int]:
    """The shop's due actions, oldest first."""
    return list(session.scalars(select(Action.id).where(
        Action.shop_id == shop_id, Action.state.in_(DUE_STATES), Action.next_attempt_at <= now,
    ).order_by(Action.id).limit(limit)))


def shops_with_due_actions(session, now) -> list[int]:
    """Every shop with at least one due action (what the reaper makes sure has a drain queued)."""
    return list(session.scalars(select(Action.shop_id).where(
        Action.state.in_(DUE_STATES), Action.next_attempt_at <= now).distinct().order_by(Action.shop_id)))


def _next_due_at(session, shop_id: int) -> datetime | None:
    return session.scalar(select(func.min(Action.next_attempt_at)).where(
        Action.shop_id == shop_id, Action.state.in_(DUE_STATES)))


def drain_shop(rt, shop_id: int, gateways: Gateways, max_actions: int | None = None,
               max_seconds: float | None = None) -> DrainReport:
    """Run the shop's due actions until none is left, max_actions ran or max_seconds passed (by default one
    drain's share of a worker thread: RETURNKIT_DRAIN_MAX_ACTIONS, RETURNKIT_DRAIN_MAX_SECONDS)."""
    max_actions = max_actions or rt.settings.drain_max_actions
    deadline, ran = time.monotonic() + (max_seconds or rt.settings.drain_max_seconds), 0
    while ran < max_actions and time.monotonic() < deadline:
        with rt.sessions() as session:
            batch = due_action_ids(session, shop_id, utcnow(), min(max_actions - ran, 20))
        if not batch:
            break
        for action_id in batch:
            run_action(rt, action_id, gateways)   # a claim lost to an overlapping drain is a no-op
            ran += 1
            if time.monotonic() >= deadline:
                break
    with rt.sessions() as session:
        more = bool(due_action_ids(session, shop_id, utcnow(), 1))
        return DrainReport(ran, more, None if more else _next_due_at(session, shop_id))
