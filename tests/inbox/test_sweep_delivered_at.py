"""The sweep reads Shopify's Fulfillment.deliveredAt: a delivery whose webhooks were missed starts the return window
at the carrier's delivery time, not at the fulfillment's last update."""
from datetime import datetime, timezone

from adapters.common import when
from adapters.shopify.reconcile import deliveries
from tests.emulators.shopify_orders_state import order_node
from tests.inbox.test_sweep import PRODUCTS, deliveries as stored, order_of, shopify, sweep  # noqa: F401
from tests.orders.test_picture import replay
from tests.webhook_helpers import load_fixture

DELIVERED = "2026-05-09T10:15:00-06:00"   # the carrier's time; the fulfillment was last updated 2026-05-10 11:30


def _node(delivered_at: str | None = DELIVERED) -> dict:
    """Order 5550001 with its hoodie (line 9002) delivered at `delivered_at` by Shopify's record."""
    order = load_fixture("shopify", "orders_updated__partially_refunded")
    hoodie = {**load_fixture("shopify", "fulfillments_update__hoodie_delivered"), "delivered_at": delivered_at}
    return order_node(order, fulfillments=[load_fixture("shopify", "fulfillments_update"), hoodie], refunds=[])


def _delivered_at(rt, shops):
    """When the order was delivered: its last line's delivery (line 9001's came on 2026-05-08)."""
    return when(order_of(rt, shops["shopify"].id)["delivered_at"])


def test_a_missed_delivery_is_swept_in_at_the_carriers_time(client, rt, queue, shops, shopify):
    replay(client, rt, queue, "shopify", PRODUCTS)
    shopify.state.add_order_node(_node())
    report = sweep(rt, shops)
    assert report.error is None and report.statuses == {"processed": len(report.new)}
    assert _delivered_at(rt, shops) == datetime(2026, 5, 9, 16, 15, tzinfo=timezone.utc)
    events = [r for r in stored(rt, shops["shopify"].id) if r.topic == "fulfillment_events/create"]
    assert len(events) == 1 and events[0].headers["x-returnkit-source"] == "reconcile"
    assert sweep(rt, shops).new == []   # swept again: the same delivery, stored once


def test_without_deliveredat_the_fulfillments_update_time_stands_in_as_before(client, rt, queue, shops, shopify):
    replay(client, rt, queue, "shopify", PRODUCTS)
    shopify.state.add_order_node(_node(None))
    sweep(rt, shops)
    assert _delivered_at(rt, shops) == datetime(2026, 5, 10, 17, 30, 4, tzinfo=timezone.utc)
    assert "fulfillment_events/create" not in [r.topic for r in stored(rt, shops["shopify"].id)]


def test_the_event_follows_its_fulfillment_and_carries_the_carriers_time():
    topics = [(topic, body.get("happened_at")) for topic, body, _ in deliveries(_node())]
    assert topics.index(("fulfillment_events/create", "2026-05-09T16:15:00Z")) > max(
        n for n, (topic, _) in enumerate(topics) if topic == "fulfillments/update")
