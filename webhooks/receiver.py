"""POST /webhooks/<platform>: verify, store in the inbox, queue by row id, answer fast.

Order of checks: shop known and active, body size, signature over the raw bytes, then JSON.
Nothing is written before the signature holds. Every answer counts once in
returnkit_webhook_deliveries_total{platform, topic, status}.
"""
from __future__ import annotations

import logging
from typing import NamedTuple

import orjson
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from adapters.registry import ADAPTERS
from integration.observability.context import bind
from integration.observability.metrics import count_delivery
from integration.inbox.store import KEY_LIMIT, Incoming, kept_headers

log = logging.getLogger(__name__)
webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")


class Reply(NamedTuple):
    status: int
    outcome: str                 # the answer's "status" field
    fields: dict
    topic: str | None = None
    counted_as: str | None = None   # the metric's status, when it is not the outcome
    row_id: int | None = None       # a stored delivery to queue once the answer is out


def _reply(status: int, outcome: str, topic: str | None = None, **fields) -> Reply:
    return Reply(status, outcome, fields, topic)


def _topic_label(adapter, topic: str | None) -> str:
    """The topic as a metric label: only topics we know, so a sender cannot mint new time series."""
    return topic if topic in adapter.topics or topic in adapter.ignored_topics else "other"


def _classify(adapter, topic: str) -> tuple[str, str | None]:
    if topic in adapter.topics:
        return "received", None
    if topic in adapter.ignored_topics:
        return "ignored", "known topic that returnkit does not use"
    log.warning("webhook.unknown-topic: %s %s", adapter.name, topic)
    return "ignored", "unknown topic"


def _text(value: str | None) -> str | None:
    """A value read from the payload, storable as text everywhere (PostgreSQL text cannot hold NUL)."""
    return value.replace("\x00", "\\u0000") if value else value


# The inbox's column sizes (integration/db/models.py): PostgreSQL refuses a longer value, SQLite would keep it.
ID_LIMIT, REF_LIMIT = KEY_LIMIT, 100


def _fitting(value: str | None, limit: int) -> str | None:
    text = _text(value)
    return text if text is None or len(text) <= limit else None


def _read_body(req, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than the limit (a chunked body is read up to limit + 1 bytes)."""
    length = req.content_length
    if length is not None and length > limit:
        return None
    # The stream's read(n) zero-fills an n-byte buffer first: asking for the cap (2 MB) cost a 2 MB memset per
    # delivery, flushing the CPU's caches. With a Content-Length the stream holds exactly that many bytes.
    stream = req.stream
    body = stream.read(length) if length is not None else b""
    if length is not None and len(body) == length:
        return body
    return _read_rest(stream, body, limit if length is None else length)


CHUNK = 64 * 1024


def _read_rest(stream, head: bytes, want: int) -> bytes | None:
    """`head` and what the stream still holds, read in pieces (a chunked body's reads return a part each);
    None once it passes `want` bytes."""
    parts, size = [head], len(head)
    while size <= want:
        part = stream.read(min(CHUNK, want + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return None if size > want else b"".join(parts)


_BODY_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def request_headers(environ) -> dict[str, str]:
    """The request's headers keyed in lower case, read from the WSGI environ as werkzeug's Headers view reads them."""
    # Built here rather than from request.headers: that view re-spells every environ key on each pass, per delivery.
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
               if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH")}
    headers.update((name, environ[key]) for key, name in _BODY_HEADERS.items() if environ.get(key))
    return headers


@webhooks.post("/<platform>")
def receive(platform: str):
    """Receive one webhook delivery from a platform."""
    adapter = ADAPTERS.get(platform)
    if adapter is None:
        error = f"no platform {platform!r}; use one of: {', '.join(ADAPTERS)}"
        return jsonify(status="unknown-platform", error=error), 404
    ctx = current_app.extensions["returnkit"]
    reply = _receive(ctx, adapter, request._get_current_object())   # the request itself, not its proxy, from here on
    count_delivery(platform, _topic_label(adapter, reply.topic), (reply.counted_as or reply.outcome).replace("-", "_"))
    return answer(ctx, reply)


def answer(ctx, reply: Reply):
    """The delivery's JSON answer; a stored row is queued once the answer is out."""
    # orjson, not jsonify: the answer is a few strings and ids, and this runs for every delivery.
    response = current_app.response_class(orjson.dumps({"status": reply.outcome, **reply.fields}), reply.status,
                                          mimetype="application/json")
    if reply.row_id is not None and ctx.enqueue is not None:
        # Queued once the answer is out: the row is already committed, and if this process dies
        # first, the periodic re-queue task picks the row up. (No enqueue: the worker reads the inbox.)
        row_id = reply.row_id
        response.call_on_close(lambda: ctx.enqueue(row_id))
    return response


def _receive(ctx, adapter, req) -> Reply:
    platform = adapter.name
    limit = ctx.runtime.settings.webhook_max_body_bytes
    body = _read_body(req, limit)
    headers = request_headers(req.environ)  # once: the adapters and the inbox read plain dicts
    if body is not None and adapter.is_ping(headers, body):
        return _reply(200, "pong")
    meta = adapter.read_headers(headers)
    topic = meta.topic
    shop_key = (req.args.get("shop") if req.query_string else None) or meta.shop_key
    shop = ctx.shops.lookup(platform, shop_key)
    if shop is None:
        log.warning("webhook.unknown-shop: %s", platform)
        return _reply(404, "unknown-shop", topic, error="no installed shop matches this delivery's shop header")
    if not shop.active and topic not in adapter.compliance_topics:
        return _reply(410, "shop-uninstalled", topic, error="returnkit is uninstalled for this shop")
    if body is None:
        mib = limit / 1048576
        return _reply(413, "too-large", topic, error=f"body: over the webhook limit of {limit} bytes ({mib:g} MiB); "
                                                     "RETURNKIT_WEBHOOK_MAX_BODY_BYTES sets it")
    verdict = adapter.verify(headers, body, shop.secrets_for(meta.subscription_id))
    fresh = None if verdict.ok else ctx.shops.recheck(platform, shop_key, shop)
    if fresh is not None:
        shop, verdict = fresh, adapter.verify(headers, body, fresh.secrets_for(meta.subscription_id))
    if not verdict.ok:
        log.warning("webhook.rejected-signature: %s shop %s: %s", platform, shop.id, verdict.reason)
        error = (f"{adapter.signature_header}: {verdict.reason}; it must be the base64 HMAC-SHA256 of the raw UTF-8 "
                 "body with this shop's webhook secret")
        return Reply(verdict.status, verdict.reason, {"error": error}, topic, counted_as="rejected-signature")
    return _accept(ctx, adapter, shop, meta, headers, body)


def _accept(ctx, adapter, shop, meta, headers: dict, body: bytes) -> Reply:
    try:
        payload = orjson.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _reply(400, "malformed-json", meta.topic, error=f"body is not valid JSON: {exc}")
    if not isinstance(payload, dict):
        return _reply(400, "malformed-json", meta.topic, error="body must be a JSON object")
    if not meta.topic:
        return _reply(400, "missing-topic", error="the topic header is missing")
    kept = kept_headers(headers)
    if bad := next((name for name, value in kept.items() if "\x00" in value), None):
        # PostgreSQL text cannot hold NUL: refused here, not a 500 from the inbox insert.
        return _reply(400, "bad-header", meta.topic, error=f"{bad}: contains a NUL character")
    if max(len(meta.delivery_id or ""), len(meta.event_id or "")) > ID_LIMIT:
        return _reply(400, "bad-header", meta.topic, error=f"the delivery or event id header is over {ID_LIMIT} characters")
    if len(meta.topic) > REF_LIMIT:
        return _reply(400, "bad-header", error=f"the topic header is over {REF_LIMIT} characters")
    status, note = _classify(adapter, meta.topic)
    # An id that cannot be one (an object where the order id goes) is not kept for the redaction lookups; the
    # worker fails such a payload with its reason. A long dedupe key is kept as its digest.
    resource_id, customer_ref = (_fitting(ref, REF_LIMIT) for ref in adapter.delivery_refs(meta.topic, payload))
    incoming = Incoming(adapter.name, meta.topic, adapter.dedupe_key(meta, payload, body), kept,
                        body, status, meta.delivery_id, meta.event_id, resource_id, customer_ref, note)
    try:
        row_id = ctx.inbox.store(shop.id, incoming)
    except IntegrityError:
        # Only the shop's foreign key can fail (duplicates are skipped): shop/redact deleted it since the
        # snapshot was taken.
        log.warning("webhook.shop-gone: %s shop %s", adapter.name, shop.id)
        return _reply(404, "unknown-shop", meta.topic, error="the shop this delivery names was removed from returnkit")
    if row_id is None:
        return _reply(200, "duplicate", meta.topic)
    bind(delivery_id=row_id)
    # DEBUG: the inbox row and the deliveries counter record every delivery; at INFO this line was about a
    # twentieth of a delivery's CPU. What needs a look (rejected, unknown shop or topic) is logged as a warning.
    log.debug("webhook.%s: %s %s shop %s delivery %s", status, adapter.name, meta.topic, shop.id, row_id)
    if status == "received":
        return Reply(200, "accepted", {"delivery": row_id}, meta.topic, counted_as="received", row_id=row_id)
    return _reply(200, "ignored", meta.topic, delivery=row_id)
