"""Real WooCommerce samples: their events, the order picture they build, decisions under kinectr (the shop's)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from adapters.woocommerce.topics import TOPICS
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Product
from integration.domain import events as ev
from tests.adapters.test_real_payloads import contract_order, decide_on, replay, sample, stored, topic
from tests.webhook_helpers import post

COMPLETED = datetime(2017, 3, 21, 19, 54, 51, tzinfo=timezone.utc)   # order 723's date_completed_gmt


def parsed(name: str) -> list:
    """The events of one WooCommerce sample, parsed by its topic's parser."""
    return TOPICS[topic("woocommerce", name)](sample("woocommerce", name))


def paid(order: ev.OrderSeen) -> Decimal:
    """What the parsed order says the customer pays: lines and their tax, shipping and its tax."""
    return sum(((li.unit_price + li.unit_tax) * li.quantity for li in order.lines), Decimal(0)) + (
        order.shipping_paid + order.shipping_tax)


def cancellation(submitted_at: str) -> dict:
    return {"type": "cancellation", "submitted_at": submitted_at}


def test_the_real_cash_on_delivery_order_in_inr():
    [order] = parsed("real_order_created__wc333_74")
    assert (order.order_id, order.number, order.currency, order.status) == ("74", "74", "INR", "processing")
    assert order.placed_at == order.updated_at == datetime(2018, 3, 8, 12, 10, 4, tzinfo=timezone.utc)
    assert [(li.id, li.title, li.quantity, li.unit_price, li.unit_tax, li.product_id, li.variant_id)
            for li in order.lines] == [("80", "Marvel", 1, Decimal("499.00"), Decimal(0), "56", "56")]
    assert (order.shipping_paid, order.shipping_tax, order.destination_country) == (Decimal("150.00"), 0, "IN")
    assert paid(order) == Decimal(sample("woocommerce", "real_order_created__wc333_74")["total"]) == Decimal("649.00")
    assert (order.customer_ref, order.customer_email, order.refunds) == ("12", "tony@gmail.com", ())
    assert order.production_signals == ("processing",) and order.cancelled_at is None


def test_the_real_on_hold_orders_take_the_billing_country_when_nothing_ships():
    [tour] = parsed("real_order_updated__wc312_onhold_51384")
    assert (tour.order_id, tour.currency, tour.status, tour.destination_country, tour.customer_ref) == (
        "51384", "USD", "on-hold", "CL", None)   # guest checkout: customer_id 0
    assert [(li.id, li.unit_price, li.sku, li.variant_id) for li in tour.lines] == [
        ("3369", Decimal("1034.00"), "CO0102-2", "28762")]
    assert paid(tour) == Decimal("1034.00")
    # Meta set to "yes" is a signal a merchant could name; a blank value ("   ") is none.
    assert "_order_stock_reduced" in tour.production_signals and "referral_info" not in tour.production_signals
    [apples] = parsed("real_order_updated__wc380_956")
    assert (apples.order_id, apples.destination_country, apples.customer_ref) == ("956", "US", "2")
    # NJ Tax 6.625 %: 0.84 on 12.75.
    assert [(li.id, li.unit_price, li.unit_tax) for li in apples.lines] == [("81", Decimal("12.75"), Decimal("0.84"))]
    assert paid(apples) == Decimal(sample("woocommerce", "real_order_updated__wc380_956")["total"]) == Decimal("13.59")
    # Fixed: is_vat_exempt "no" read as set, a production-start signal for a merchant naming that key.
    assert apples.production_signals == ("on-hold",)


def test_the_documented_completed_order_with_two_refunds():
    order, shipment = parsed("docs_order_updated__723_completed_refunds")
    assert (order.order_id, order.currency, order.status, order.destination_country) == (
        "723", "USD", "completed", "BR")
    assert [(li.id, li.quantity, li.unit_price) for li in order.lines] == [
        ("311", 1, Decimal("9.00")), ("313", 1, Decimal("20.00"))]
    assert paid(order) == Decimal("39.00") and order.shipping_paid == Decimal("10.00")
    # The REST order embeds refunds as {id, reason, total} only: no lines, no dates (the order's edit stands in).
    assert [(r.refund_id, r.amount, r.created_at, r.line_quantities) for r in order.refunds] == [
        ("726", Decimal("10.00"), COMPLETED, ()), ("724", Decimal("9.00"), COMPLETED, ())]
    # Fixed: core's `completed` status was no shipment, so a store without a tracking plugin never shipped.
    assert shipment == ev.FulfillmentSeen(order_id="723", fulfillment_id="completed", updated_at=COMPLETED,
                                          status="success")


def test_the_documented_product():
    assert parsed("docs_product_created__794") == [ev.ProductSeen(
        product_id="794", title="Premium Quality", updated_at=datetime(2017, 3, 23, 20, 1, 14, tzinfo=timezone.utc),
        product_type="Clothing", tags=(), variants=(("794", None, True),),
        image_url="https://example.com/wp-content/uploads/2017/03/T_2_front-4.jpg")]


def test_an_unshipped_cod_order_is_cancelled_for_its_whole_total(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", ["real_order_created__wc333_74"]) == ["processed"]
    picture = contract_order(rt, shops["woocommerce"].id, "74")
    assert (picture["currency"], picture["shipping_paid"], picture["shipped_at"], picture["production_started_at"]) == (
        "INR", "150.00", None, None)
    decision = decide_on(rt, shops["woocommerce"].id, "74", cancellation("2018-03-08T09:00:00-06:00"), "kinectr")
    assert (decision["outcome"], decision["rules"], decision["resolution"]) == (
        "approved", ["cancel-before-production"], "cancel_and_refund")
    assert (decision["refund"]["currency"], decision["refund"]["total"]) == ("INR", "649.00")   # the order's total


def test_the_on_hold_orders_are_cancelled_for_what_they_cost_tax_included(client, rt, queue, shops):
    names = ["real_order_updated__wc312_onhold_51384", "real_order_updated__wc380_956"]
    assert replay(client, rt, queue, "woocommerce", names) == ["processed", "processed"]
    for order_id, total, tax in (("51384", "1034.00", "0.00"), ("956", "13.59", "0.84")):
        request = cancellation("2019-12-01T10:00:00-06:00")
        decision = decide_on(rt, shops["woocommerce"].id, order_id, request, "kinectr")
        assert (decision["outcome"], decision["refund"]["tax"], decision["refund"]["total"]) == ("approved", tax, total)
    assert stored(rt, shops["woocommerce"].id, "956").lines[0].unit_tax == Decimal("0.84")


def test_a_no_in_a_meta_key_the_merchant_names_is_no_production_start(client, rt, queue, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["woocommerce"].id).settings = {"production_signals": ["is_vat_exempt"]}
    assert replay(client, rt, queue, "woocommerce", ["real_order_updated__wc380_956"]) == ["processed"]
    assert stored(rt, shops["woocommerce"].id, "956").production_started_at is None
    decision = decide_on(rt, shops["woocommerce"].id, "956", cancellation("2019-11-28T09:00:00-06:00"), "kinectr")
    assert (decision["outcome"], decision["rules"]) == ("approved", ["cancel-before-production"])


def test_a_completed_order_shipped_so_it_can_no_longer_be_cancelled(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", ["docs_order_updated__723_completed_refunds"]) == ["processed"]
    order = stored(rt, shops["woocommerce"].id, "723")
    [shipment] = order.fulfillments
    assert (shipment.fulfillment_id, shipment.status, shipment.platform_updated_at) == (
        "completed", "success", COMPLETED)
    assert (order.shipped_at, order.production_started_at, order.delivered_at) == (COMPLETED, COMPLETED, None)
    decision = decide_on(rt, shops["woocommerce"].id, "723", cancellation("2017-03-22T10:00:00-05:00"), "kinectr")
    assert (decision["outcome"], decision["rules"]) == ("denied", ["cancel-after-production"])
    claim = {"type": "return", "submitted_at": "2017-03-24T10:00:00-05:00", "reason": "defective",
             "items": [{"line_item_id": "313", "quantity": 1}], "evidence": {"photos": 1, "description": True}}
    decision = decide_on(rt, shops["woocommerce"].id, "723", claim, "kinectr")
    # Completed is shipped, not delivered: the carrier has not confirmed delivery.
    assert (decision["outcome"], decision["rules"], decision["resolution"]) == (
        "needs_review", ["delivery-unconfirmed"], "replacement")


def test_embedded_refunds_are_recorded_once_and_keep_the_date_first_seen(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", ["docs_order_updated__723_completed_refunds"]) == ["processed"]
    # The same order edited a day later (a note, say): its modified time moves, its refunds do not.
    later = {**sample("woocommerce", "docs_order_updated__723_completed_refunds"),
             "date_modified_gmt": "2017-03-22T19:54:51"}
    assert post(client, "woocommerce", "order.updated", later).status_code == 200
    assert replay(client, rt, queue, "woocommerce", []) == ["processed"]
    order = stored(rt, shops["woocommerce"].id, "723")
    assert [(r.refund_id, r.amount, r.created_at) for r in order.refunds] == [
        ("726", Decimal("10.00"), COMPLETED), ("724", Decimal("9.00"), COMPLETED)]
    assert order.refunded_total == Decimal("19.00") and order.platform_updated_at.day == 22


def test_the_documented_product_fills_the_catalog(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", ["docs_product_created__794"]) == ["processed"]
    with rt.sessions() as session:
        product = session.query(Product).filter_by(shop_id=shops["woocommerce"].id, product_id="794").one()
        assert (product.title, product.product_type, product.tags, product.variants) == (
            "Premium Quality", "Clothing", [], [["794", None, True]])
