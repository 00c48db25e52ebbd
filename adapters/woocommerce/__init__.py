"""WooCommerce: HMAC-signed webhooks (X-WC-Webhook-*), REST v3 bodies, the REST API."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from adapters.base import DeliveryHeaders, Verification
from adapters.common import lower_headers
from adapters.woocommerce import topics as topic_table
from adapters.woocommerce import client as api_client
from adapters.woocommerce import reconcile
from adapters.woocommerce import verify
from adapters.woocommerce import webhooks
from adapters.woocommerce.actions import WooCommerceActions


class WooCommerceAdapter:
    name = "woocommerce"
    topics = topic_table.TOPICS
    ignored_topics = topic_table.IGNORED_TOPICS
    signature_header = verify.SIGNATURE_HEADER
    compliance_topics = topic_table.COMPLIANCE_TOPICS
    title = "WooCommerce"
    credentials = ("consumer_key", "consumer_secret")
    checks_store_url = True   # the store URL a merchant types is checked against SSRF before it is kept
    # A custom order status or an order meta key set by the production workflow; a shop's settings override it.
    default_production_signals = ("production", "in-production", "printing", "_production_started")
    opens_returns = False     # WooCommerce has no returns of its own
    actions = WooCommerceActions
    sweep = reconcile         # changed_orders(client, since), updated_at(order), deliveries(order)

    def prepare(self) -> None:
        """Process-wide setup at startup: none."""

    def normalize_domain(self, domain: str) -> str:
        """The store URL: scheme, host and path, without a trailing slash; ValueError naming the field otherwise."""
        value = domain.strip().lower()
        try:
            parts = urlsplit(value if "://" in value else f"https://{value}")
        except ValueError:  # e.g. an unbalanced "[" (urlsplit reads it as an IPv6 host)
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"domain: {domain!r} is not a store URL; write e.g. 'https://shop.example.com'")
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"

    def public_slug(self, domain: str) -> str:
        """The shop's name in its public request page's address: the store's host and path, `/` as `~`."""
        parts = urlsplit(domain)
        return (parts.netloc + parts.path).replace("/", "~")

    def sweep_headers(self, topic: str, happened: str | None) -> dict[str, str]:
        """The headers a webhook of this topic would have carried, for a delivery the sweep stores."""
        return {"x-wc-webhook-topic": topic}

    def connect(self, shop, settings, sessions):
        """Consumer keys do not expire: the shop as it is."""
        return shop

    def check_subscriptions(self, rt, shop) -> tuple[dict[str, str], str | None]:
        """Reactivate disabled or paused webhooks; re-key them all when one is gone."""
        return webhooks.check_subscriptions(rt, shop)

    def refresh_credentials(self, rt) -> int:
        """Nothing to refresh."""
        return 0

    def read_headers(self, headers: Mapping[str, str]) -> DeliveryHeaders:
        """Topic, the store URL (X-WC-Webhook-Source), delivery id and webhook id."""
        h = lower_headers(headers)
        return DeliveryHeaders(
            topic=h.get("x-wc-webhook-topic"), shop_key=h.get("x-wc-webhook-source"),
            delivery_id=h.get("x-wc-webhook-delivery-id"), subscription_id=h.get("x-wc-webhook-id"),
            extra={k: v for k, v in h.items() if k in ("x-wc-webhook-id", "x-wc-webhook-resource", "x-wc-webhook-event")})

    def client(self, shop, timeout: float):
        """An API client for the shop, or None without credentials."""
        return api_client.client_for(shop, timeout)

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """The unsigned form post WooCommerce sends when a webhook is created or saved."""
        return "x-wc-webhook-signature" not in lower_headers(headers) and body.startswith(b"webhook_id=")

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
        """Base64 HMAC-SHA256 of the raw body."""
        return verify.verify(headers, body, secrets)

    def dedupe_key(self, meta: DeliveryHeaders, payload: object, body: bytes) -> str:
        """Resource id + modification time + topic, and a digest of the body.

        X-WC-Webhook-Delivery-ID hashes the webhook id with a time in whole seconds, so two deliveries
        in one second share it, and a redelivery of the same change gets a new one. What identifies a
        change is the resource, its date_modified_gmt and what the body says (two changes within one
        second share the time); a body without an id falls back to its hash. Deliveries of one order
        version under different topics, or from the sweep, meet later on `version_key`.
        """
        digest = hashlib.sha256((meta.topic or "").encode() + b"|" + body).hexdigest()
        if isinstance(payload, dict) and payload.get("id") is not None:
            modified = payload.get("date_modified_gmt") or ""
            return f"{meta.topic}:{payload['id']}:{modified}:{digest[:16]}"
        return f"sha256:{digest}"

    def version_key(self, topic: str, payload: object) -> str | None:
        """Orders: id, date_modified_gmt and a digest of what the order says, shared with the reconciliation sweep."""
        return reconcile.version_key(topic, payload)

    def delivery_refs(self, topic: str, payload: object) -> tuple[str | None, str | None]:
        """(order id, customer id) of an order delivery."""
        if not isinstance(payload, dict) or not topic.startswith("order."):
            return None, None
        customer = payload.get("customer_id")
        return (str(payload["id"]) if payload.get("id") is not None else None), (str(customer) if customer else None)


ADAPTER = WooCommerceAdapter()
