"""POST /webhooks/easypost/<shop>: EasyPost's tracker Events for the return labels a shop bought.

Each merchant's own EasyPost account sends here, to the address with its shop's public name, signed with the
webhook secret the merchant gave EasyPost and returnkit (https://docs.easypost.com/docs/webhooks). As with a
platform's delivery: shop, body size, signature over the raw bytes, then JSON; nothing is written before the
signature holds; stored in the inbox (deduplicated by the Event's id), answered, then queued by row id.
"""
from __future__ import annotations

import logging

import orjson
from flask import Blueprint, current_app, request

from adapters.carriers import CARRIERS
from integration.inbox.store import Incoming
from integration.observability.metrics import count_delivery
from integration.requests.customer_access import shop_by_slug
from webhooks.receiver import ID_LIMIT, REF_LIMIT, Reply, _fitting, _read_body, _reply, answer, request_headers

log = logging.getLogger(__name__)
easypost_webhooks = Blueprint("easypost_webhooks", __name__, url_prefix="/webhooks/easypost")
CARRIER = CARRIERS["easypost"]


@easypost_webhooks.post("/<slug>")
def receive_tracking(slug: str):
    """Receive one EasyPost Event for the shop whose public name is `slug`."""
    ctx = current_app.extensions["returnkit"]
    reply = _receive(ctx, slug, request._get_current_object())
    topic = reply.topic if reply.topic in CARRIER.topics or reply.topic in CARRIER.ignored_topics else "other"
    count_delivery(CARRIER.name, topic, (reply.counted_as or reply.outcome).replace("-", "_"))
    return answer(ctx, reply)


def _shop(ctx, slug: str) -> tuple[int, str | None] | None:
    """(shop id, its EasyPost webhook secret) of the active shop with this public name."""
    with ctx.runtime.sessions() as session:
        shop = shop_by_slug(session, slug[:300])
        return (shop.id, shop.easypost_webhook_secret) if shop is not None else None


def _receive(ctx, slug: str, req) -> Reply:
    shop = _shop(ctx, slug)
    if shop is None:
        log.warning("webhook.unknown-shop: easypost")
        return _reply(404, "unknown-shop", error="no installed shop has this address; copy it from returnkit")
    shop_id, secret = shop
    limit = ctx.runtime.settings.webhook_max_body_bytes
    body = _read_body(req, limit)
    if body is None:
        return _reply(413, "too-large", error=f"body: over the webhook limit of {limit} bytes")
    headers = request_headers(req.environ)
    verdict = CARRIER.verify(headers, body, (secret,) if secret else ())
    if not verdict.ok:
        log.warning("webhook.rejected-signature: easypost shop %s: %s", shop_id, verdict.reason)
        error = (f"{CARRIER.signature_header}: {verdict.reason}; it must be hmac-sha256-hex= and the hex HMAC-SHA256 "
                 "of the raw body with the webhook secret set for this shop (returnkit shops set-returns "
                 "--easypost-webhook-secret)")
        return Reply(verdict.status, verdict.reason, {"error": error}, None, counted_as="rejected-signature")
    return _accept(ctx, shop_id, body)


def _event(body: bytes) -> tuple[dict | None, str | None]:
    """(the Event, None), or (None, what is wrong with it)."""
    try:
        event = orjson.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"body is not valid JSON: {exc}"
    if not isinstance(event, dict) or event.get("object") != "Event":
        return None, "body must be an EasyPost Event (object: Event)"
    for name, limit in (("id", ID_LIMIT), ("description", REF_LIMIT)):
        value = event.get(name)
        if not isinstance(value, str) or not 0 < len(value) <= limit or "\x00" in value:
            return None, f"{name}: the Event's {name} must be a string of 1 to {limit} characters (no NUL)"
    return event, None


def _accept(ctx, shop_id: int, body: bytes) -> Reply:
    event, problem = _event(body)
    if event is None:
        return _reply(400, "malformed-event", error=problem)
    topic = event["description"]
    known = topic in CARRIER.topics
    result = event.get("result") if isinstance(event.get("result"), dict) else {}
    tracker = _fitting(result.get("id"), REF_LIMIT) if isinstance(result.get("id"), str) else None
    incoming = Incoming(CARRIER.name, topic, f"event:{event['id']}", {}, body, "received" if known else "ignored",
                        event_id=event["id"], resource_id=tracker,
                        note=None if known else "an EasyPost event returnkit does not use")
    row_id = ctx.inbox.store(shop_id, incoming)
    if row_id is None:
        return _reply(200, "duplicate", topic)
    if not known:
        return _reply(200, "ignored", topic, delivery=row_id)
    return Reply(200, "accepted", {"delivery": row_id}, topic, counted_as="received", row_id=row_id)
