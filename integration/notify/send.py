"""Send outbox messages (emails, outbound webhooks) once each: claim with a lease, send, record every attempt.

The same life as an action (integration/db/leases.py): pending -> running -> succeeded; running -> retrying
(backoff) -> running ...; -> dead after RETURNKIT_MESSAGE_MAX_ATTEMPTS or a permanent error. A worker killed
mid-send leaves a lease that expires and `reap` hands the message back: a webhook keeps its webhook-id and an
email its Message-ID, so a receiver can drop the one twin such a crash can make.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.engine import transaction
from integration.db.leases import DUE_STATES, backoff, claim_due, due_ids, expired_leases
from integration.db.notify_models import Announcement, Message, MessageAttempt, WebhookEndpoint
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.notify.transports import Outgoing, SendError, send

log = logging.getLogger(__name__)
# Longer than an SMTP conversation or an HTTP call can take (each times out after RETURNKIT_HTTP_TIMEOUT).
LEASE = timedelta(seconds=120)
REDACTED = "the customer's data was erased (customers/redact): nothing more is sent about them"
Sender = Callable[[object, Outgoing], tuple[str, int | None]]   # (settings, outgoing) -> (transport, code)


def _redacted(session, message: Message) -> bool:
    return session.scalar(select(Order.redacted_at).join(ReturnCase, ReturnCase.order_pk == Order.id)
                          .join(Announcement, Announcement.case_pk == ReturnCase.id)
                          .where(Announcement.id == message.announcement_pk)) is not None


def _outgoing(session, message: Message) -> Outgoing | str:
    """What to send, or why it must not go (the shop left, the endpoint is off, the customer was erased)."""
    if not session.get(Shop, message.shop_id).active:
        return "the shop uninstalled returnkit"
    if message.channel == "email":
        if _redacted(session, message):
            return REDACTED
        return Outgoing("email", message.dedupe_key, message.body, message.recipient, message.subject)
    endpoint = session.get(WebhookEndpoint, message.endpoint_pk)
    if endpoint is None or not endpoint.active:
        return "the endpoint was switched off"
    return Outgoing("webhook", message.dedupe_key, message.body, url=endpoint.url, secret=endpoint.secret)


def send_message(rt, message_id: int, sender: Sender = send) -> str:
    """Send one message if it is due; returns its state afterwards."""
    started = utcnow()
    with transaction(rt.sessions) as session:
        if not claim_due(session, Message, message_id, started, LEASE):
            message = session.get(Message, message_id)
            return message.state if message else "gone"
        message = session.get(Message, message_id)
        out, channel = _outgoing(session, message), message.channel
    if isinstance(out, str):
        return _finish(rt, message_id, started, "dead", "failed", error=out)
    try:
        transport, code = sender(rt.settings, out)
    except SendError as exc:
        state = "retrying" if exc.retryable else "dead"
        log.warning("notify.%s: message %s (%s): %s", state, message_id, channel, exc)
        return _finish(rt, message_id, started, state, "retryable" if exc.retryable else "failed", error=str(exc),
                       code=exc.status, retry_after=exc.retry_after)
    log.info("notify.sent: message %s (%s) by %s", message_id, channel, transport)
    return _finish(rt, message_id, started, "succeeded", "succeeded", code=code, transport=transport)


def _finish(rt, message_id: int, started, state: str, status: str, error: str | None = None,
            code: int | None = None, retry_after: float | None = None, transport: str | None = None) -> str:
    with transaction(rt.sessions) as session:
        message = session.get(Message, message_id)
        if state == "retrying" and message.attempts >= rt.settings.message_max_attempts:
            state = "dead"
        message.state, message.lease_until, message.last_error = state, None, error
        message.response_code = code
        if state == "retrying":
            message.next_attempt_at = utcnow() + backoff(message.attempts, retry_after,
                                                          rt.settings.message_backoff_seconds)
        if state == "succeeded":
            message.sent_at, message.transport = utcnow(), transport
        message.attempt_log.append(MessageAttempt(started_at=started, finished_at=utcnow(), status=status,
                                                  response_code=code, error=error))
    return state


def reap(session, now) -> int:
    """Hand back messages whose lease expired (a killed worker); how many."""
    expired = expired_leases(session, Message, now)
    for message in expired:
        message.state, message.lease_until, message.next_attempt_at = "retrying", None, now
        message.attempt_log.append(MessageAttempt(started_at=now, finished_at=now, status="lease-expired"))
    session.flush()
    return len(expired)


def shops_with_due_messages(session, now) -> list[int]:
    """Every shop with at least one message due."""
    return list(session.scalars(select(Message.shop_id).where(
        Message.state.in_(DUE_STATES), Message.next_attempt_at <= now).distinct().order_by(Message.shop_id)))


def drain_messages(rt, shop_id: int, sender: Sender = send, max_seconds: float | None = None) -> int:
    """Send the shop's due messages for a bounded time (RETURNKIT_DRAIN_MAX_SECONDS); how many were tried."""
    deadline, tried = time.monotonic() + (max_seconds or rt.settings.drain_max_seconds), 0
    with rt.sessions() as session:
        batch = due_ids(session, Message, utcnow(), Message.shop_id == shop_id, limit=rt.settings.drain_max_actions)
    for message_id in batch:
        send_message(rt, message_id, sender)   # a claim lost to an overlapping drain is a no-op
        tried += 1
        if time.monotonic() >= deadline:
            break
    return tried


def retry_by_hand(session, message: Message) -> bool:
    """Give a dead message another go (the settings page); False when it is not dead."""
    if message.state != "dead":
        return False
    message.state, message.next_attempt_at, message.attempts = "retrying", utcnow(), 0
    return True


def forget_recipients(session, shop_id: int, order_pks: list[int]) -> None:
    """customers/redact: the customer's address leaves every email about these orders; unsent ones never go."""
    announcements = select(Announcement.id).join(ReturnCase, Announcement.case_pk == ReturnCase.id).where(
        ReturnCase.shop_id == shop_id, ReturnCase.order_pk.in_(order_pks))
    emails = (Message.shop_id == shop_id, Message.channel == "email", Message.announcement_pk.in_(announcements))
    session.execute(update(Message).where(*emails, Message.state.in_(DUE_STATES)).values(state="dead",
                                                                                       last_error=REDACTED))
    session.execute(update(Message).where(*emails).values(recipient=None))
