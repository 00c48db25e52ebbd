"""Real webhook bodies (tests/fixtures/platform_samples) are accepted when signed; helpers to send and process them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.registry import ADAPTERS
from integration.db.models import Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.inbox.process import process_delivery
from integration.orders.as_case import decision_case, order_json
from integration.orders.picture import OrderNotYetKnown, find_order
from tests.helpers import NO_QUEUE, decide_json, preset
from tests.webhook_helpers import post, topic_of

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "platform_samples"
ALL = [(platform, path.stem) for platform in ("shopify", "woocommerce")
       for path in sorted((SAMPLES / platform).glob("*.json"))]


def topic(platform: str, name: str) -> str:
    """The topic a sample stands for: its name after the docs_/real_ source, as tests/webhook_helpers reads it."""
    return topic_of(platform, name.split("_", 1)[1])


def raw(platform: str, name: str) -> bytes:
    """The sample's exact bytes, as the platform sent them."""
    return (SAMPLES / platform / f"{name}.json").read_bytes()


def sample(platform: str, name: str) -> dict:
    """The sample's JSON body."""
    return json.loads(raw(platform, name))


def send(client, platform: str, name: str, **headers):
    """Sign and POST the sample's exact bytes under its topic; the response."""
    return post(client, platform, topic(platform, name), None, body=raw(platform, name), **headers)


def no_products(_shop, _product_id):
    """The platform API on a product-cache miss, here with nothing to give (the samples' stores are not ours)."""
    return None


def process(rt, queue) -> list[str]:
    """Process every queued delivery; "waiting" for one whose order is not known yet (it is retried)."""
    statuses = []
    for delivery_id in queue:
        try:
            statuses.append(process_delivery(rt, delivery_id, no_products, NO_QUEUE))
        except OrderNotYetKnown:
            statuses.append("waiting")
    queue.clear()
    return statuses


def replay(client, rt, queue, platform: str, names, **headers) -> list[str]:
    """Send each sample (each must be accepted), then process them in order; their statuses."""
    for name in names:
        response = send(client, platform, name, **headers)
        assert (response.status_code, response.json["status"]) == (200, "accepted"), name
    return process(rt, queue)


def stored(rt, shop_id: int, order_id: str) -> Order:
    """The stored order with its lines, shipments, refunds and returns loaded."""
    with rt.sessions() as session:
        order = find_order(session, session.get(Shop, shop_id), order_id)
        order.lines, order.fulfillments, order.refunds, order.returns  # load while the session is open
        return order


def contract_order(rt, shop_id: int, order_id: str) -> dict:
    """The stored order as the decision contract's `order`."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        return order_json(session, shop, find_order(session, shop, order_id))


def decide_on(rt, shop_id: int, order_id: str, request: dict, policy: str) -> dict:
    """The decision (contract JSON, schema-checked) on `request` for the stored order under a shipped preset."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        case = decision_case(session, shop, find_order(session, shop, order_id), request)
    return decide_json(preset(policy), case)


TOPICS = {
    ("shopify", "docs_orders_create"): "orders/create",
    ("shopify", "real_orders_fulfilled__us_23301"): "orders/fulfilled",
    ("shopify", "docs_fulfillment_events_create"): "fulfillment_events/create",
    ("shopify", "real_fulfillments_update__us_23301_delivered"): "fulfillments/update",
    ("shopify", "docs_customers_redact"): "customers/redact",
    ("shopify", "docs_app_uninstalled"): "app/uninstalled",
    ("shopify", "real_returns_request__1106_R2__remap23301"): "returns/request",
    ("woocommerce", "real_order_updated__wc380_956"): "order.updated",
    ("woocommerce", "real_order_created__wc333_74"): "order.created",
    ("woocommerce", "docs_product_created__794"): "product.created",
}


def test_a_samples_name_gives_its_topic_and_every_topic_is_one_we_handle():
    assert {key: topic(*key) for key in TOPICS} == TOPICS
    assert len(ALL) == 28 and all(topic(p, n) in ADAPTERS[p].topics for p, n in ALL)


def test_the_readme_names_every_sample_and_no_other():
    named = set(re.findall(r"`((?:docs|real)_[^`]+)\.json`", (SAMPLES / "README.md").read_text()))
    assert named == {name for _platform, name in ALL}


@pytest.mark.parametrize("platform, name", ALL, ids=[f"{p}:{n}" for p, n in ALL])
def test_every_sample_is_accepted_when_signed_and_stored_as_sent(client, rt, platform, name):
    response = send(client, platform, name)
    assert (response.status_code, response.json["status"]) == (200, "accepted")
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, response.json["delivery"])
        assert (row.platform, row.topic, row.status, bytes(row.body)) == (
            platform, topic(platform, name), "received", raw(platform, name))


@pytest.mark.parametrize("platform, name", [("shopify", "real_orders_fulfilled__us_23301"),
                                            ("woocommerce", "real_order_updated__wc380_956")])
def test_a_sample_signed_with_another_secret_is_refused(client, rt, queue, platform, name):
    response = post(client, platform, topic(platform, name), None, body=raw(platform, name), secret="not-the-secret")
    assert response.status_code == 401 and queue == []
