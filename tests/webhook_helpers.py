"""Build and post signed deliveries the way each platform sends them."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

from adapters.shopify import verify as shopify_verify
from adapters.woocommerce import verify as woo_verify

FIXTURES = {"shopify": Path("adapters/shopify/fixtures"), "woocommerce": Path("adapters/woocommerce/fixtures")}
SHOPIFY_DOMAIN = "kaolate-demo.myshopify.com"
WOO_URL = "https://woo-demo.example.com"
SECRET = "whsec_test_1"


def topic_of(platform: str, fixture_name: str) -> str:
    """The topic a fixture file stands for: orders_create -> orders/create, order_updated__x -> order.updated."""
    base = fixture_name.split("__")[0]
    if platform == "woocommerce":
        return base.replace("_", ".", 1)
    for prefix in ("fulfillment_events", "customers", "app", "shop"):
        if base.startswith(prefix + "_"):
            return prefix + "/" + base[len(prefix) + 1:]
    return base.replace("_", "/", 1)


def signed_headers(platform: str, topic: str, body: bytes, secret: str = SECRET, **overrides) -> dict:
    """Headers of a genuine delivery of `body`."""
    if platform == "shopify":
        headers = {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": SHOPIFY_DOMAIN,
                   "X-Shopify-Hmac-Sha256": shopify_verify.sign(body, secret), "X-Shopify-API-Version": "2026-10",
                   "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Event-Id": str(uuid.uuid4())}
    else:
        headers = {"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Source": WOO_URL + "/",
                   "X-WC-Webhook-Signature": woo_verify.sign(body, secret), "X-WC-Webhook-ID": "12",
                   "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex}
    headers.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return {k: v for k, v in headers.items() if v is not None}


def post(client, platform: str, topic: str, payload, secret: str = SECRET, body: bytes | None = None, **overrides):
    """Sign and POST a delivery; returns the response."""
    body = body if body is not None else json.dumps(payload).encode()
    headers = signed_headers(platform, topic, body, secret, **overrides)
    return client.post(f"/webhooks/{platform}", data=body, headers=headers, content_type="application/json")


def load_fixture(platform: str, name: str) -> dict:
    """A fixture's JSON body."""
    return json.loads((FIXTURES[platform] / f"{name}.json").read_text())


def post_fixture(client, platform: str, name: str, **overrides):
    """Sign and POST a fixture under the topic its file name stands for."""
    return post(client, platform, topic_of(platform, name), load_fixture(platform, name), **overrides)
