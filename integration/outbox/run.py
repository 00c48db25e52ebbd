"""Run outbox actions exactly once: claim with a lease, call the platform, record every attempt.

States: pending -> running -> succeeded; running -> retrying (backoff) -> running ...; -> dead after
MAX_ATTEMPTS or a permanent error (visible, and retryable by hand). A worker killed mid-call leaves a
lease that expires; the reaper hands the action back (the platform call is idempotent by key). An action
planned while its shop was in shadow mode becomes `shadowed` ("would have done"), is never due and never sent.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select

from adapters.base import Ledger
from adapters.http import PlatformError
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.leases import backoff, claim_due
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, ActionAttempt, Decision, ReturnCase
from integration.observability.context import binds
from integration.observability.metrics import count_action
from integration.notify.steps import action_finished
from integration.outbox.locks import DatabaseOrderLocks
from integration.shops.mode import SHADOWED, planned_in_shadow

log = logging.getLogger(__name__)
# Why the actions of a customer whose data was erased (customers/redact) are dead, never sent.
REDACTED_ERROR = "the customer's data was erased (customers/redact): nothing more is sent about them"
MAX_ATTEMPTS = 8
# Longer than any platform call can take (the HTTP timeout is 10 s), so a live worker never loses it.
LEASE = timedelta(seconds=120)   # the default lease (RETURNKIT_ACTION_LEASE_SECONDS sets the runtime's)
Gateways = Callable[[Shop], object]   # shop -> object with perform(kind, payload, key, ledger, locks) -> dict


def claim(session, action_id: int, now, lease: timedelta = LEASE) -> bool:
    """Atomically take a due action (compare-and-set on its state): True for exactly one caller."""
    return claim_due(session, Action, action_id, now, lease)


def _redact(result: object) -> str:
    return json.dumps(result, default=str)[:2000]


def _finish(rt, action_id: int, started, state: str, status: str, result=None, error=None, retry_after=None,
            throttled=False):
    with transaction(rt.sessions) as session:
        action = session.get(Action, action_id)
        if throttled:  # a rate limit is not a failure: it neither counts as an attempt nor backs off
            action.attempts -= 1
        if state == "retrying" and action.attempts >= MAX_ATTEMPTS:
            state = "dead"
        action.state, action.lease_until, action.last_error = state, None, error
        action.result = result if state == "succeeded" else action.result
        if state == "retrying":
            delay = (timedelta(seconds=retry_after or 1) if throttled
                     else backoff(action.attempts, retry_after, rt.settings.action_backoff_seconds))
            action.next_attempt_at = utcnow() + delay
        action.attempt_log.append(ActionAttempt(started_at=started, finished_at=utcnow(), status=status,
                                                response=_redact(result if result is not None else error)))
        action_finished(session, action, state)   # its email and webhooks, in the same transaction
    count_action(action.kind, state)
    return state


class SavedLedger(Ledger):
    """The action's progress, written to its row as each step takes effect (it outlives a killed worker)."""

    def __init__(self, rt, action_id: int, progress: dict | None):
        super().__init__(progress)
        self.rt, self.action_id = rt, action_id

    def record(self, name: str, value) -> None:
        """Save the step in its own transaction before the action goes on."""
        super().record(name, value)
        with transaction(self.rt.sessions) as session:
            session.get(Action, self.action_id).progress = dict(self.progress)


def _order_redacted(session, action: Action) -> bool:
    return session.scalar(select(Order.redacted_at).join(ReturnCase, ReturnCase.order_pk == Order.id)
                          .join(Decision, Decision.case_pk == ReturnCase.id)
                          .where(Decision.id == action.decision_pk)) is not None


@binds("action_id")
def run_action(rt, action_id: int, gateways: Gateways) -> str:
    """Run one action if it is due; returns its state afterwards."""
    started = utcnow()
    with transaction(rt.sessions) as session:
        if not claim(session, action_id, started, timedelta(seconds=rt.settings.action_lease_seconds)):
            action = session.get(Action, action_id)
            return action.state if action else "gone"
        action = session.get(Action, action_id)
        shop = session.get(Shop, action.shop_id)
        if planned_in_shadow(shop, action.created_at):   # kept as "would have done": never sent, not even later
            action.state, action.lease_until, action.attempts = SHADOWED, None, action.attempts - 1
            return SHADOWED
        kind, payload, key = action.kind, dict(action.payload), action.idempotency_key
        ledger = SavedLedger(rt, action_id, action.progress)
        redacted = _order_redacted(session, action)
    if not shop.active:
        return _finish(rt, action_id, started, "dead", "failed", error="the shop uninstalled returnkit")
    if redacted:
        return _finish(rt, action_id, started, "dead", "failed", error=REDACTED_ERROR)
    try:
        result = gateways(shop).perform(kind, payload, key, ledger, DatabaseOrderLocks(rt, shop.id))
    except PlatformError as exc:
        state = "retrying" if exc.retryable else "dead"
        log.warning("actions.%s: action %s %s: %s", state, action_id, kind, exc)
        return _finish(rt, action_id, started, state, "throttled" if exc.throttled else
                       "retryable" if exc.retryable else "failed", error=str(exc),
                       retry_after=exc.retry_after, throttled=exc.throttled and exc.retryable)
    return _finish(rt, action_id, started, "succeeded", "succeeded", result=result)


def retry_by_hand(session, action_id: int) -> None:
    """Give a dead action another go (from the settings page or the CLI)."""
    action = session.get(Action, action_id)
    if action.state == "dead":
        action.state, action.next_attempt_at, action.attempts = "retrying", utcnow(), 0


def reap(session, now) -> list[int]:
    """Hand back actions whose lease expired (a killed worker), and list every due action to queue."""
    expired = list(session.scalars(select(Action).where(Action.state == "running", Action.lease_until < now)))
    for action in expired:
        action.state, action.lease_until, action.next_attempt_at = "retrying", None, now
        action.attempt_log.append(ActionAttempt(started_at=now, finished_at=now, status="lease-expired"))
    session.flush()
    return list(session.scalars(select(Action.id).where(
        or_(Action.state == "pending", Action.state == "retrying"), Action.next_attempt_at <= now).order_by(Action.id)))
