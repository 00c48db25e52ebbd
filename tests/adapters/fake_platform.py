"""A third platform, written in the tests folder alone: what `adapters/base.py: PlatformAdapter` asks, no more.

Its webhooks carry `X-Fake-Topic`, `X-Fake-Shop` and an HMAC-SHA256 hex `X-Fake-Signature` of the body; its
shops are named `<name>.fakeshop.test`; its API is a list of calls kept in memory.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from decimal import Decimal

from adapters.base import ActionGateway, DeliveryHeaders, Verification
from adapters.common import lower_headers
from integration.domain import events as ev

NAME = "fakeshop"
CALLS: list[tuple[str, dict]] = []   # every call the platform's API received, in order


def sign(body: bytes, secret: str) -> str:
    """The signature the platform sends."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _order(payload: dict) -> list:
    when = datetime.fromisoformat(payload["updated_at"])
    lines = tuple(ev.OrderLine(id=str(li["id"]), title=li["title"], quantity=li["quantity"],
                               unit_price=Decimal(li["price"])) for li in payload["lines"])
    return [ev.OrderSeen(order_id=str(payload["id"]), updated_at=when, number=str(payload["number"]),
                         currency=payload["currency"], placed_at=datetime.fromisoformat(payload["placed_at"]),
                         lines=lines, customer_email=payload["email"],
                         delivered_at=datetime.fromisoformat(payload["delivered_at"]))]


class FakeClient:
    """The platform's API: records each call."""

    def call(self, name: str, **fields) -> dict:
        CALLS.append((name, fields))
        return {"ok": True}

    def fetch_product(self, product_id: str):
        return None


class FakeActions(ActionGateway):
    """Notes, tags and refunds; the platform has no returns and no customer channel."""

    platform = NAME
    unsupported = {kind: "FakeShop has no returns of its own: returnkit tracks the request itself"
                   for kind in ("approve_return", "create_return", "decline_return")} | {
        "customer_note": "FakeShop cannot message customers: tell them from your own mailbox",
        "cancel_order": "FakeShop orders cannot be cancelled through its API: cancel it in FakeShop",
        "return_label": "FakeShop cannot send labels: email the customer the label yourself"}

    def __init__(self, client: FakeClient, labels=None):
        self.client, self.labels = client, labels

    def do_order_note(self, payload, key: str) -> dict:
        return self.client.call("note", order=payload.order_id, text=payload.text, key=key)

    def do_tag_order(self, payload, key: str) -> dict:
        return self.client.call("tag", order=payload.order_id, tag=payload.tag, key=key)

    def do_refund(self, payload, key: str) -> dict:
        return self.client.call("refund", order=payload.order_id, amount=payload.amount, key=key)


class NoSweep:
    """The platform has no API to list changed orders: the sweep finds nothing."""

    def changed_orders(self, client, since):
        return iter(())

    def updated_at(self, resource: dict):
        return datetime.fromisoformat(resource["updated_at"])

    def deliveries(self, resource: dict):
        return []


class FakeAdapter:
    name, title = NAME, "FakeShop"
    topics = {"order/created": _order}
    ignored_topics = frozenset({"product/created"})
    compliance_topics = frozenset()
    signature_header = "x-fake-signature"
    credentials = ("api_token",)
    checks_store_url = False
    default_production_signals = ("workshop",)
    opens_returns = False
    actions = FakeActions
    sweep = NoSweep()

    def read_headers(self, headers):
        h = lower_headers(headers)
        return DeliveryHeaders(topic=h.get("x-fake-topic"), shop_key=h.get("x-fake-shop"),
                               delivery_id=h.get("x-fake-delivery"))

    def is_ping(self, headers, body: bytes) -> bool:
        return False

    def verify(self, headers, body: bytes, secrets) -> Verification:
        given = lower_headers(headers).get(self.signature_header, "")
        if any(hmac.compare_digest(given, sign(body, secret)) for secret in secrets):
            return Verification(True)
        return Verification(False, 401, "invalid-signature")

    def dedupe_key(self, meta: DeliveryHeaders, payload, body: bytes) -> str:
        return f"delivery:{meta.delivery_id}"

    def version_key(self, topic: str, payload) -> str | None:
        return None

    def delivery_refs(self, topic: str, payload):
        return (str(payload.get("id")) if isinstance(payload, dict) else None), None

    def sweep_headers(self, topic: str, happened):
        return {"x-fake-topic": topic}

    def prepare(self) -> None:
        """Process-wide setup at startup: none."""

    def normalize_domain(self, domain: str) -> str:
        value = domain.strip().lower()
        if not re.fullmatch(r"[a-z0-9-]+\.fakeshop\.test", value):
            raise ValueError(f"domain: {domain!r} is not a FakeShop shop; write e.g. 'mine.fakeshop.test'")
        return value

    def public_slug(self, domain: str) -> str:
        return domain

    def client(self, shop, timeout: float):
        return FakeClient() if shop.api_token else None

    def connect(self, shop, settings, sessions=None):
        return shop

    def refresh_credentials(self, rt) -> int:
        return 0

    def check_subscriptions(self, rt, shop):
        return {"order/created": "active"}, None


ADAPTER = FakeAdapter()
