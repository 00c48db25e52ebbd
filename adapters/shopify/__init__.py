"""Shopify: HMAC-signed webhooks (X-Shopify-*), REST-shaped bodies, the Admin GraphQL API."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from adapters.base import DeliveryHeaders, Verification
from adapters.common import lower_headers
from adapters.shopify import topics as topic_table
from adapters.shopify import client as api_client
from adapters.shopify import reconcile
from adapters.shopify import verify

_ORDER_TOPICS = ("orders/",)
_ORDER_ID_TOPICS = ("fulfillments/", "fulfillment_events/", "refunds/")


class ShopifyAdapter:
    name = "shopify"
    topics = topic_table.TOPICS
    ignored_topics = topic_table.IGNORED_TOPICS
    signature_header = verify.HMAC_HEADER
    compliance_topics = topic_table.COMPLIANCE_TOPICS

    def read_headers(self, headers: Mapping[str, str]) -> DeliveryHeaders:
        """Topic, shop domain, webhook id (one per delivery) and event id (one per merchant action)."""
        h = lower_headers(headers)
        return DeliveryHeaders(
            topic=h.get("x-shopify-topic") or h.get("shopify-topic"),
            shop_key=h.get("x-shopify-shop-domain") or h.get("shopify-shop-domain"),
            delivery_id=h.get("x-shopify-webhook-id"), event_id=h.get("x-shopify-event-id") or h.get("shopify-event-id"),
            extra={k: v for k, v in h.items() if k in ("x-shopify-api-version", "x-shopify-triggered-at")})

    def client(self, shop, timeout: float):
        """An API client for the shop, or None without credentials."""
        return api_client.client_for(shop, timeout)

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Shopify sends no unsigned pings."""
        return False

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
        """HMAC over the raw body, checked by Shopify's own package."""
        return verify.verify(headers, body, secrets)

    def dedupe_key(self, meta: DeliveryHeaders, payload: object, body: bytes) -> str:
        """X-Shopify-Webhook-Id, which identifies one delivery and stays the same on its retries (else the body's hash).

        Read off the headers, not the body: the receiver keys every delivery before it answers. Two deliveries
        of one version (two subscriptions, or a webhook and the sweep) meet later, on `version_key`.
        """
        if meta.delivery_id:
            return f"webhook:{meta.delivery_id}"
        return f"sha256:{hashlib.sha256((meta.topic or '').encode() + b'|' + body).hexdigest()}"

    def version_key(self, topic: str, payload: object) -> str | None:
        """Orders, fulfillments, refunds and returns: their version, shared with the reconciliation sweep."""
        return reconcile.version_key(topic, payload)

    def delivery_refs(self, topic: str, payload: object) -> tuple[str | None, str | None]:
        """(order id the delivery is about, customer id) so redaction can find the raw payload."""
        if not isinstance(payload, dict):
            return None, None
        customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
        if topic.startswith(_ORDER_TOPICS):
            return _id(payload.get("id")), _id(customer.get("id"))
        if topic.startswith(_ORDER_ID_TOPICS):
            return _id(payload.get("order_id")), None
        if topic.startswith("returns/"):
            order = payload.get("order") if isinstance(payload.get("order"), dict) else {}
            return _id(order.get("id") or payload.get("order_id")), None
        return None, _id(customer.get("id"))


def _id(value) -> str | None:
    return None if value is None else str(value).rsplit("/", 1)[-1]


ADAPTER = ShopifyAdapter()
