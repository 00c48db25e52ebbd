"""The order picture's new anchors, from the platforms' payloads to the contract's `order`: each line's own
shipped_at and production start, event_at, milestones, amount_paid (a deposit) and the customer's tags and count."""
from __future__ import annotations

import pytest

from integration.contract.case_schema import load_case
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.orders.picture import find_order
from integration.db.base import utcnow
from tests.adapters.test_real_payloads import contract_order, process, replay, sample
from tests.helpers import contract_validator
from tests.orders.test_picture import replay as replay_fixtures
from tests.webhook_helpers import load_fixture, post

ORDER = "5550001"          # the demo shop's #1001: tees (line 9001) and a hoodie (line 9002), in America/Denver
TEES_SHIPPED = "2026-05-04T14:30:00+00:00"      # fulfillment 4440001 created 08:30 MDT
HOODIE_SHIPPED = "2026-05-06T21:10:00+00:00"    # fulfillment 4440002 created 15:10 MDT


def deliver(client, rt, queue, platform: str, topic: str, body: dict) -> list[str]:
    """Post one constructed body (signed), then process what was queued."""
    assert post(client, platform, topic, body).status_code == 200
    return process(rt, queue)


def settle(rt, shop_id: int, **settings) -> None:
    with transaction(rt.sessions) as session:
        session.get(Shop, shop_id).settings = settings


def as_case(order: dict, line_id: str):
    """The contract order (schema-checked) with a return of one unit of the line, loaded as the engine sees it."""
    case = {"request": {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "changed_mind",
                        "items": [{"line_item_id": line_id, "quantity": 1}]}, "order": order}
    contract_validator("case").validate(case)
    return load_case(case).order


def lines(order: dict) -> dict:
    return {item["id"]: item for item in order["line_items"]}


def shopify_order(body: dict | None = None, **changes) -> dict:
    """The demo order's orders/create body with some fields changed."""
    return {**(body or load_fixture("shopify", "orders_create")), **changes}


def test_one_line_shipped_and_one_not_each_has_its_own_shipped_at(client, rt, queue, shops):
    names = ["products_create", "products_create__hoodie", "orders_create", "fulfillments_create"]
    assert replay_fixtures(client, rt, queue, "shopify", names) == ["processed"] * 4
    order = contract_order(rt, shops["shopify"].id, ORDER)
    tee, hoodie = lines(order)["9001"], lines(order)["9002"]
    assert order["shipped_at"] == TEES_SHIPPED and "shipped_at" not in tee and hoodie["shipped_at"] is None
    seen = as_case(order, "9002")
    assert seen.shipped_at_for(seen.line("9001")).isoformat() == TEES_SHIPPED
    assert seen.shipped_at_for(seen.line("9002")) is None          # the engine sees the hoodie has not left
    assert replay_fixtures(client, rt, queue, "shopify", ["fulfillments_create__hoodie"]) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert lines(order)["9002"]["shipped_at"] == HOODIE_SHIPPED and "shipped_at" not in lines(order)["9001"]
    assert as_case(order, "9002").shipped_at_for(as_case(order, "9002").line("9002")).isoformat() == HOODIE_SHIPPED


def test_a_shipment_heard_of_late_still_dates_its_lines_by_its_creation(client, rt, queue, shops):
    # The real order embeds its fulfillment, created 2021-02-17 and last updated (delivered) 2021-02-22.
    assert replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"]) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, "2628173987889")
    assert order["shipped_at"] == "2021-02-17T22:19:33+00:00"
    assert all("shipped_at" not in item for item in order["line_items"])   # both lines left in that one parcel


def test_a_woocommerce_order_has_no_per_line_shipping(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", ["docs_order_updated__723_completed_refunds"]) == ["processed"]
    order = contract_order(rt, shops["woocommerce"].id, "723")
    assert order["shipped_at"] == "2017-03-21T19:54:51+00:00"
    assert all("shipped_at" not in item for item in order["line_items"])


def test_a_deposit_a_pickup_date_and_the_customers_tags_from_a_shopify_order(client, rt, queue, shops):
    body = shopify_order(
        financial_status="partially_paid", total_outstanding="64.55", note_attributes=[
            {"name": "Checkout-Method", "value": "pickup"}, {"name": "Pickup-Date", "value": "2026-05-20"}],
        customer={**load_fixture("shopify", "orders_create")["customer"], "tags": "vip, wholesale",
                  "orders_count": 7})
    assert deliver(client, rt, queue, "shopify", "orders/create", body) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    # 2026-05-20 starts at 06:00 UTC in the shop's America/Denver (MDT).
    assert (order["event_at"], order["amount_paid"]) == ("2026-05-20T06:00:00+00:00", "50.00")
    assert order["customer"] == {"tags": ["vip", "wholesale"], "orders_count": 7}
    seen = as_case(order, "9001")
    assert (str(seen.amount_paid), seen.event_at.isoformat()) == ("50.00", "2026-05-20T06:00:00+00:00")
    # Paid in full later: no deposit any more; an update whose payload says nothing of them keeps the others.
    paid = shopify_order(body, financial_status="paid", total_outstanding="0.00",
                         updated_at="2026-05-02T08:00:00-06:00")
    assert deliver(client, rt, queue, "shopify", "orders/paid", paid) == ["processed"]
    bare = {k: v for k, v in paid.items() if k not in ("note_attributes", "customer", "current_total_price",
                                                        "total_price", "total_outstanding")}
    assert deliver(client, rt, queue, "shopify", "orders/updated",
                   {**bare, "updated_at": "2026-05-03T08:00:00-06:00"}) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert "amount_paid" not in order and order["event_at"] == "2026-05-20T06:00:00+00:00"
    assert order["customer"] == {"tags": ["vip", "wholesale"], "orders_count": 7}


def test_a_redacted_customer_brings_no_tags(client, rt, queue, shops):
    body = shopify_order(customer={**load_fixture("shopify", "orders_create")["customer"], "tags": "vip"})
    assert deliver(client, rt, queue, "shopify", "orders/create", body) == ["processed"]
    assert contract_order(rt, shops["shopify"].id, ORDER)["customer"] == {"tags": ["vip"]}
    with transaction(rt.sessions) as session:
        find_order(session, session.get(Shop, shops["shopify"].id), ORDER).redacted_at = utcnow()
    assert "customer" not in contract_order(rt, shops["shopify"].id, ORDER)


def test_a_line_property_the_shop_names_starts_that_lines_production(client, rt, queue, shops):
    body = load_fixture("shopify", "orders_create")
    tee, hoodie = body["line_items"]
    stage = {"name": "Stage", "value": "printing"}   # one of the demo shop's production signals
    body["line_items"] = [tee, {**hoodie, "properties": hoodie["properties"] + [stage]}]
    assert deliver(client, rt, queue, "shopify", "orders/create", body) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert order["production_started_at"] is None
    assert lines(order)["9002"]["production_started_at"] == "2026-05-01T16:15:02+00:00"   # the update's time
    assert "production_started_at" not in lines(order)["9001"]
    seen = as_case(order, "9002")
    assert seen.production_started_at_for(seen.line("9001")) is None
    # The order-wide tag a day later starts the rest; the hoodie keeps its own earlier start.
    assert replay_fixtures(client, rt, queue, "shopify", ["orders_updated__tagged_in_production"]) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert order["production_started_at"] == "2026-05-02T15:00:00+00:00"
    assert lines(order)["9002"]["production_started_at"] == "2026-05-01T16:15:02+00:00"


def test_a_woocommerce_line_meta_with_a_time_starts_that_lines_production(client, rt, queue, shops):
    body = sample("woocommerce", "real_order_updated__wc380_956")
    [line] = body["line_items"]
    body["line_items"] = [{**line, "meta_data": [{"id": 1, "key": "_production_started",
                                                  "value": "2019-11-28T10:00:00-06:00"}]}]
    assert deliver(client, rt, queue, "woocommerce", "order.updated", body) == ["processed"]
    order = contract_order(rt, shops["woocommerce"].id, "956")
    assert order["production_started_at"] is None
    assert lines(order)["81"]["production_started_at"] == "2019-11-28T16:00:00+00:00"


def test_milestones_are_dated_when_first_signalled_and_kept(client, rt, queue, shops):
    settle(rt, shops["shopify"].id, milestones={"proof_sent": "proof-sent", "proof_approved": "Proof-Approved"})
    body = shopify_order(tags="proof-sent")
    assert deliver(client, rt, queue, "shopify", "orders/create", body) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert order["milestones"] == {"proof_sent": "2026-05-01T16:15:02+00:00", "proof_approved": None}
    later = shopify_order(body, tags="proof-sent, proof-approved", updated_at="2026-05-03T09:00:00-06:00")
    assert deliver(client, rt, queue, "shopify", "orders/updated", later) == ["processed"]
    order = contract_order(rt, shops["shopify"].id, ORDER)
    assert order["milestones"] == {"proof_sent": "2026-05-01T16:15:02+00:00",
                                   "proof_approved": "2026-05-03T15:00:00+00:00"}
    seen = as_case(order, "9001")
    assert seen.milestone("proof_approved").isoformat() == "2026-05-03T15:00:00+00:00"


def test_a_woocommerce_status_is_a_milestone_signal_too(client, rt, queue, shops):
    settle(rt, shops["woocommerce"].id, milestones={"awaiting_payment": "on-hold"})
    assert replay(client, rt, queue, "woocommerce", ["real_order_updated__wc380_956"]) == ["processed"]
    modified = sample("woocommerce", "real_order_updated__wc380_956")["date_modified_gmt"]
    assert contract_order(rt, shops["woocommerce"].id, "956")["milestones"] == {
        "awaiting_payment": f"{modified}+00:00"}


def test_the_booking_plugins_date_of_the_real_order_is_its_event_date(client, rt, queue, shops):
    # Booking & Appointment's line meta `_wapbk_booking_date` "2019-04-03"; its "Start Date" 04/03/19 is ambiguous.
    assert replay(client, rt, queue, "woocommerce", ["real_order_updated__wc312_onhold_51384"]) == ["processed"]
    order = contract_order(rt, shops["woocommerce"].id, "51384")
    assert order["event_at"] == "2019-04-03T05:00:00+00:00"   # that day's start in kinectr's America/Chicago (CDT)
    assert "amount_paid" not in order   # on-hold is not read as unpaid: it also holds paid orders


def test_the_shops_own_event_date_field(client, rt, queue, shops):
    settle(rt, shops["woocommerce"].id, event_date_field="Event Date")
    body = sample("woocommerce", "real_order_updated__wc380_956")
    body["meta_data"] = body["meta_data"] + [{"id": 2, "key": "event_date", "value": "2019-12-24"},
                                             {"id": 3, "key": "Event Date", "value": "12/31/2019"}]
    assert deliver(client, rt, queue, "woocommerce", "order.updated", body) == ["processed"]
    # "event_date" is the same name written another way: the first of them in the payload wins.
    assert contract_order(rt, shops["woocommerce"].id, "956")["event_at"] == "2019-12-24T06:00:00+00:00"


@pytest.mark.parametrize("status, date_paid, paid", [("pending", None, "0.00"), ("processing", None, None),
                                                      ("pending", "2018-03-08T12:10:04", None)])
def test_a_pending_woocommerce_order_has_paid_nothing(client, rt, queue, shops, status, date_paid, paid):
    body = {**sample("woocommerce", "real_order_created__wc333_74"), "status": status, "date_paid_gmt": date_paid}
    assert deliver(client, rt, queue, "woocommerce", "order.created", body) == ["processed"]
    assert contract_order(rt, shops["woocommerce"].id, "74").get("amount_paid") == paid
