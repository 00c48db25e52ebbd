"""Shopify: HMAC-signed webhooks (X-Shopify-*), REST-shaped bodies, the Admin GraphQL API."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from adapters.base import DeliveryHeaders, Verification
from adapters.common import lower_headers
from adapters.http import PlatformError
from adapters.shopify import topics as topic_table
from adapters.shopify import client as api_client
from adapters.shopify import reconcile
from adapters.shopify import subscriptions
from adapters.shopify import tokens
from adapters.shopify import verify
from adapters.shopify.actions import ShopifyActions

_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_ORDER_TOPICS = ("orders/",)
_ORDER_ID_TOPICS = ("fulfillments/", "fulfillment_events/", "refunds/")


class ShopifyAdapter:
    name = "shopify"
    topics = topic_table.TOPICS
    ignored_topics = topic_table.IGNORED_TOPICS
    signature_header = verify.HMAC_HEADER
    compliance_topics = topic_table.COMPLIANCE_TOPICS
    title = "Shopify"
    credentials = ("api_token",)
    checks_store_url = False
    # An order tag set by the production workflow (the seed merchants' words); a shop's settings override it.
    default_production_signals = ("in-production", "production-started", "printing")
    opens_returns = True    # a request made through returnkit gets a Shopify return of its own (returnCreate)
    actions = ShopifyActions
    sweep = reconcile       # changed_orders(client, since), updated_at(node), deliveries(node)

    def prepare(self) -> None:
        """Process-wide setup at startup: shopifyapp's webhook check without its body redaction (see verify.py)."""
        verify.quiet_body_redaction()

    def normalize_domain(self, domain: str) -> str:
        """`x.myshopify.com`, from the domain or a URL on it; ValueError naming the field otherwise."""
        value = domain.strip().lower()
        value = urlsplit(value).netloc or value if "://" in value else value
        if not _DOMAIN.match(value):
            raise ValueError(f"domain: {domain!r} is not a Shopify shop domain; write e.g. 'my-shop.myshopify.com'")
        return value

    def public_slug(self, domain: str) -> str:
        """The shop's name in its public request page's address: its myshopify domain."""
        return domain

    def sweep_headers(self, topic: str, happened: str | None) -> dict[str, str]:
        """The headers a webhook of this topic would have carried, for a delivery the sweep stores."""
        return {"x-shopify-topic": topic, **({"x-shopify-triggered-at": happened} if happened else {})}

    def connect(self, shop, settings, sessions=None):
        """The shop as it can call the Admin API now: an expiring token that lapses within 5 minutes is refreshed
        (through `sessions`, else the process's own database)."""
        if not tokens.refresh_due(shop):
            return shop
        from integration.runtime import runtime
        try:
            return tokens.refresh_if_due(sessions or runtime().sessions, shop.id, settings)
        except tokens.TokenError as exc:   # 401: the merchant must open the app again; else a later try may work
            raise PlatformError(str(exc), exc.status, retryable=exc.status != 401) from None

    def check_subscriptions(self, rt, shop) -> tuple[dict[str, str], str | None]:
        """Recreate the webhook subscriptions that are missing."""
        return subscriptions.check_subscriptions(rt, shop)

    def refresh_credentials(self, rt) -> int:
        """Refresh the expiring offline tokens that lapse within five minutes."""
        return tokens.refresh_expiring(rt)

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
