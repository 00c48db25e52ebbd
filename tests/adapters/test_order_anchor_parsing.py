"""What the parsers read for the order anchors, from the real samples where they carry it, else constructed bodies:
named attributes and the default event date, line signals, totals and payments, the customer's tags and count."""
from __future__ import annotations

from decimal import Decimal

from adapters.shopify import parse as shopify
from adapters.woocommerce import parse as woo
from integration.domain import events as ev
from tests.adapters.test_real_payloads import sample


def test_the_real_shopify_orders_totals_and_payments():
    us = shopify.parse_order(sample("shopify", "real_orders_fulfilled__us_23301"))[0]
    assert (us.total_price, us.amount_paid) == (Decimal("53.63"), Decimal("53.63"))       # paid
    # The documented sample is voided: what is outstanding (414.95) is all of it; nothing was received.
    docs = shopify.parse_order(sample("shopify", "docs_orders_create"))[0]
    assert (docs.total_price, docs.amount_paid) == (Decimal("414.95"), Decimal("0"))


def test_a_partly_paid_shopify_order_received_its_total_less_what_is_outstanding():
    body = {**sample("shopify", "real_orders_fulfilled__us_23301"), "financial_status": "partially_paid",
            "total_outstanding": "40.00"}
    order = shopify.parse_order(body)[0]
    assert (order.total_price, order.amount_paid) == (Decimal("53.63"), Decimal("13.63"))
    without = {k: v for k, v in body.items() if k not in ("current_total_price", "total_price")}
    assert (shopify.parse_order(without)[0].total_price, shopify.parse_order(without)[0].amount_paid) == (None, None)


def test_the_real_shopify_customer_and_line_properties():
    us = shopify.parse_order(sample("shopify", "real_orders_fulfilled__us_23301"))[0]
    assert (us.customer_tags, us.customer_orders_count) == ((), None)    # tags "", no orders_count (2021 payload)
    # `_is_spiritapp_product` with an empty value: a property, and no signal.
    assert us.attributes == (("_is_spiritapp_product", ""), ("_is_spiritapp_product", ""))
    assert [li.signals for li in us.lines] == [(), ()] and us.event_date is None
    docs = shopify.parse_order(sample("shopify", "docs_orders_create"))[0]
    assert (docs.customer_tags, docs.attributes) == (None, ())            # its customer carries no tags field


def test_a_constructed_shopify_order_with_a_delivery_date_a_tagged_customer_and_a_line_in_production():
    body = sample("shopify", "real_orders_fulfilled__us_23301")
    body["note_attributes"] = [{"name": "Delivery-Date", "value": "2021/02/20"}, {"name": "gift", "value": None}]
    body["customer"] = {**body["customer"], "tags": "VIP, repeat", "orders_count": 12}
    body["line_items"][0]["properties"] = [{"name": "in-production", "value": "yes"}, {"name": "Rush", "value": "no"}]
    order = shopify.parse_order(body)[0]
    assert (order.event_date, order.customer_tags, order.customer_orders_count) == ("2021/02/20", ("VIP", "repeat"), 12)
    assert order.lines[0].signals == ("in-production", "yes") and order.lines[1].signals == ()
    body["customer"]["orders_count"] = "many"
    assert shopify.parse_order(body)[0].customer_orders_count is None   # an odd count does not refuse the order


def test_the_real_woocommerce_booking_date_and_line_meta():
    [order] = woo.parse_order(sample("woocommerce", "real_order_updated__wc312_onhold_51384"))
    assert ("Start Date", "04/03/19") in order.attributes    # line meta, after the order's own meta
    assert order.event_date == "2019-04-03"                        # Booking & Appointment's _wapbk_booking_date
    assert {"number-of-people", "2 people", "_wapbk_booking_status", "paid"} <= set(order.lines[0].signals)
    assert (order.total_price, order.amount_paid, order.customer_tags) == (Decimal("1034.00"), Decimal("1034.00"), None)


def test_woocommerce_payment_from_status_and_date_paid():
    body = sample("woocommerce", "real_order_created__wc333_74")
    assert woo.parse_order({**body, "status": "pending"})[0].amount_paid == Decimal(0)
    assert woo.parse_order({**body, "status": "pending", "date_paid_gmt": "2018-03-08T12:10:04"})[0].amount_paid == (
        Decimal("649.00"))


def test_attribute_names_match_without_case_dashes_underscores_or_spaces():
    pairs = (("pickup_DATE", "a"), ("Pickup Date", "b"), ("Event-Date", "c"))
    assert ev.attribute(pairs, ("Event date", "Pickup date")) == "c"
    assert ev.attribute(pairs, ("Pickup-Date",)) == "a" and ev.attribute(pairs, ("Delivery date",)) is None
