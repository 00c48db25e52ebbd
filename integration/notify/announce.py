"""The one entry point for telling people a request moved: `announce` records, in the caller's transaction, the
customer's email and one outbound webhook per subscribed endpoint, once per step of the request."""
from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.notify_models import Announcement, Message, WebhookEndpoint
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.notify.emails import compose, platform_emails_decisions
from integration.notify.events import PLATFORM_SENT_STEPS, check_event, email_step, step_key
from integration.notify.language import case_locale
from integration.orders.as_case import shop_zone
from integration.shops.mode import SHADOW_REASON, in_shadow

log = logging.getLogger(__name__)
NO_ADDRESS = "the order carries no customer email address"
REDACTED = "the customer's data was erased (customers/redact)"
PLATFORM_SENDS = "the platform already emails the customer about this (settings: the platform's own emails)"


def announce(session: Session, case: ReturnCase, event: str, data: dict, words: dict | None = None) -> None:
    """Record this step's email and webhooks once: the same (case, event, step key) again records nothing.
    `words`: the customer's-language texts (next steps, reason) the email shows instead of the data's."""
    check_event(event)
    key = step_key(event, data)
    if session.scalar(select(Announcement.id).where(Announcement.case_pk == case.id, Announcement.event == event,
                                                    Announcement.step_key == key)) is not None:
        return
    # A concurrent twin fails its transaction on the unique constraint: never a second message.
    clean = json.loads(json.dumps(data, default=str))
    announcement = Announcement(shop_id=case.shop_id, case_pk=case.id, event=event, step_key=key, data=clean)
    session.add(announcement)
    session.flush()
    shop, order = session.get(Shop, case.shop_id), session.get(Order, case.order_pk)
    if (step := email_step(event, clean)) is not None:
        email = _email(session, case, announcement, step, {**clean, **(words or {})})
        session.add(held_in_shadow(shop, email))
    payload = webhook_payload(event, announcement, shop, case, order, clean)
    for endpoint in subscribed(session, shop.id, event):
        session.add(held_in_shadow(shop, webhook_message(announcement, endpoint, event, payload)))
    session.flush()
    log.info("notify.announced: case %s %s", case.id, event)


def _email(session: Session, case: ReturnCase, announcement: Announcement, step: str, data: dict) -> Message:
    """The step's email in the language the request remembers, dated in the shop's zone."""
    shop, order = session.get(Shop, case.shop_id), session.get(Order, case.order_pk)
    email = compose(shop, step, f"#{order.number or order.order_id}", data, locale=case_locale(session, case),
                    at=announcement.created_at, zone=shop_zone(session, shop))
    message = Message(shop_id=shop.id, announcement_pk=announcement.id, channel="email",
                      dedupe_key=f"email_{announcement.id}", step=step, subject=email.subject, body=email.body)
    reason = (REDACTED if order.redacted_at is not None else NO_ADDRESS if not order.customer_email
              else PLATFORM_SENDS if step in PLATFORM_SENT_STEPS and platform_emails_decisions(shop) else None)
    if reason:
        message.state, message.last_error = "skipped", reason
    else:
        message.recipient = order.customer_email
    return message


def held_in_shadow(shop: Shop, message: Message) -> Message:
    """The message, kept unsent (skipped, saying why) while the shop is in shadow mode."""
    if in_shadow(shop) and message.state != "skipped":
        message.state, message.last_error = "skipped", SHADOW_REASON
    return message


def subscribed(session: Session, shop_id: int, event: str) -> list[WebhookEndpoint]:
    """The shop's active endpoints that asked for this event."""
    endpoints = session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.shop_id == shop_id, WebhookEndpoint.active.is_(True)).order_by(WebhookEndpoint.id))
    return [e for e in endpoints if event in (e.events or [])]


def webhook_payload(event: str, announcement: Announcement, shop: Shop, case: ReturnCase | None, order: Order | None,
                    data: dict) -> str:
    """The Standard Webhooks body: type, timestamp and data (the request, its order, the step; no customer data)."""
    about = {"shop": shop.domain, "request_id": case.id if case else None,
             "order_id": order.order_id if order else None, "order_number": order.number if order else None}
    body = {"type": event, "timestamp": announcement.created_at.isoformat(), "data": {**about, **data}}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def webhook_message(announcement: Announcement, endpoint: WebhookEndpoint, event: str, payload: str) -> Message:
    """One delivery of the payload to one endpoint; its dedupe key is the webhook-id on every retry."""
    return Message(shop_id=endpoint.shop_id, announcement_pk=announcement.id, endpoint_pk=endpoint.id,
                   channel="webhook", dedupe_key=f"msg_{announcement.id}_{endpoint.id}", step=event, body=payload,
                   next_attempt_at=utcnow())
