"""Inbound truth the real samples expose: the carrier's delivery time, a cancellation time that stays, lineless returns."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from tests.adapters.test_real_payloads import contract_order, replay, sample, stored
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.webhook_helpers import post

US_ORDER, US_SHIPMENT = "2628173987889", "2509059358769"
HOODIE, TEE, DOCS_RETURN = "5668979966001", "5668979998769", "123134564567890"


@pytest.fixture()
def shopify_23301(rt, shops):
    """The shop's Admin API: order 23301 as shipped, and the documented return request holding its two lines."""
    emulator = ShopifyEmulator(token="shpat_inbound")
    served = Served(emulator.app)
    emulator.state.add_order(US_ORDER, [(HOODIE, 1, "28.00"), (TEE, 2, "11.00")])
    emulator.state.request_return(DOCS_RETURN, US_ORDER, [(HOODIE, 1, "damaged-or-defective", "The seam split"),
                                                          (TEE, 1, "too-small", None)])
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        shop.api_base_url, shop.api_token = served.url, "shpat_inbound"
    yield emulator
    served.stop()


def test_the_carriers_delivery_time_wins_over_the_fulfillments_update_time(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"])
    # The documented carrier event, pointed at order 23301's shipment and saying "delivered" three days earlier.
    event = {**sample("shopify", "docs_fulfillment_events_create"), "order_id": int(US_ORDER),
             "fulfillment_id": int(US_SHIPMENT), "status": "delivered", "happened_at": "2021-02-19T11:02:00-08:00"}
    assert post(client, "shopify", "fulfillment_events/create", event).status_code == 200
    assert replay(client, rt, queue, "shopify", []) == ["processed"]
    [shipment] = stored(rt, shops["shopify"].id, US_ORDER).fulfillments
    assert shipment.delivered_at == datetime(2021, 2, 19, 19, 2, tzinfo=timezone.utc)
    assert contract_order(rt, shops["shopify"].id, US_ORDER)["delivered_at"] == "2021-02-19T19:02:00+00:00"


def test_a_cancelled_woocommerce_orders_cancellation_time_does_not_move_with_later_edits(client, rt, queue, shops):
    # Order 956 as cancelled, then edited a day later (WooCommerce has no date_cancelled: the edit time stands in).
    cancelled = {**sample("woocommerce", "real_order_updated__wc380_956"), "status": "cancelled"}
    edited = {**cancelled, "date_modified_gmt": "2019-11-29T14:13:20"}
    for body in (cancelled, edited):
        assert post(client, "woocommerce", "order.updated", body).status_code == 200
    assert replay(client, rt, queue, "woocommerce", []) == ["processed", "processed"]
    order = stored(rt, shops["woocommerce"].id, "956")
    assert order.cancelled_at == datetime(2019, 11, 28, 14, 13, 20, tzinfo=timezone.utc)


def test_a_return_request_without_its_lines_is_decided_on_the_lines_shopify_holds(client, rt, queue, shops,
                                                                                   shopify_23301):
    replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"])
    assert sample("shopify", "docs_returns_request__remap23301")["total_return_line_items"] == 2
    assert replay(client, rt, queue, "shopify", ["docs_returns_request__remap23301"],
                  X_Shopify_Triggered_At="2021-03-01T18:00:00Z") == ["processed"]
    assert shopify_23301.calls == [("ReturnLines", {"id": f"gid://shopify/Return/{DOCS_RETURN}"})]
    with rt.sessions() as session:
        [case] = session.scalars(select(ReturnCase)).all()
        assert case.request["items"] == [{"line_item_id": HOODIE, "quantity": 1}, {"line_item_id": TEE, "quantity": 1}]
        # The first line's returnReasonDefinition handle, and the customer's note on it.
        assert (case.request["reason"], case.request["evidence"]["description"]) == ("defective", True)
    [request] = stored(rt, shops["shopify"].id, US_ORDER).returns
    assert (request.status, request.line_quantities) == ("requested", [[HOODIE, 1], [TEE, 1]])
