"""A merchant's webhook endpoints: add one (its secret made here), change its events, switch it off, send a test."""
from __future__ import annotations

import base64
import secrets
import uuid
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.store_urls import StoreUrlError, public_addresses, system_resolver
from integration.db.models import Shop
from integration.db.notify_models import Announcement, Message, WebhookEndpoint
from integration.notify.announce import webhook_message, webhook_payload
from integration.notify.events import WEBHOOK_EVENTS

TEST_EVENT = "webhook.test"
MAX_ENDPOINTS = 10
MAX_URL = 1000


class EndpointError(ValueError):
    """An endpoint that cannot be saved; `errors` are 'field: message' lines."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str, allow_private: bool, resolver=system_resolver) -> str:
    """The URL when returnkit may post to it (https, public addresses); EndpointError naming the fix."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if not text or len(text) > MAX_URL or any(ch.isspace() for ch in text):
        return _refuse(f"write the endpoint's address, at most {MAX_URL} characters, without spaces")
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return _refuse("use an https:// address")
    if not parts.hostname or "@" in parts.netloc:
        return _refuse("write a host name, without a user name or password")
    try:
        public_addresses(parts.hostname, resolver, allow_private)
    except StoreUrlError as exc:
        return _refuse(str(exc).split(" is refused: ", 1)[-1])
    return text


def _refuse(reason: str):
    raise EndpointError([f"url: {reason}"])


def check_events(events: list[str]) -> list[str]:
    """The chosen events, in our order; EndpointError when none is chosen or one is unknown."""
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown or not events:
        raise EndpointError([f"events: choose one or more of {', '.join(WEBHOOK_EVENTS)}"])
    return [e for e in WEBHOOK_EVENTS if e in events]


def add_endpoint(session: Session, shop: Shop, url: str, events: list[str], allow_private: bool) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (the caller shows it once; it can be revealed again later)."""
    count = len(endpoints_of(session, shop.id))
    if count >= MAX_ENDPOINTS:
        raise EndpointError([f"url: a shop has at most {MAX_ENDPOINTS} endpoints; delete one first"])
    endpoint = WebhookEndpoint(shop_id=shop.id, url=check_url(url, allow_private), events=check_events(events),
                               secret=new_secret(), active=True)
    session.add(endpoint)
    session.flush()
    return endpoint


def endpoints_of(session: Session, shop_id: int) -> list[WebhookEndpoint]:
    """The shop's endpoints, oldest first."""
    return list(session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.shop_id == shop_id)
                                .order_by(WebhookEndpoint.id)))


def send_test(session: Session, shop: Shop, endpoint: WebhookEndpoint) -> Message:
    """Record a `webhook.test` delivery to this endpoint (through the outbox, like every other)."""
    announcement = Announcement(shop_id=shop.id, case_pk=None, event=TEST_EVENT, step_key=uuid.uuid4().hex,
                                data={"test": True})
    session.add(announcement)
    session.flush()
    payload = webhook_payload(TEST_EVENT, announcement, shop, None, None, {"test": True})
    message = webhook_message(announcement, endpoint, TEST_EVENT, payload)
    session.add(message)
    session.flush()
    return message
