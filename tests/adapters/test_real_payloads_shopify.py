"""Real Shopify samples through receiver, inbox and order picture, and decided under kaolate (the shop's preset)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from integration.db.models import Shop, WebhookDelivery
from integration.db.request_models import ReturnCase
from tests.adapters.test_real_payloads import contract_order, decide_on, replay, stored

US_ORDER, HOODIE, TEE, RETURN = "2628173987889", "5668979966001", "5668979998769", "3547267221"
DELIVERED = datetime(2021, 2, 22, 22, 47, 22, tzinfo=timezone.utc)   # the fulfillment's update saying "delivered"
DOCS_ORDER = "820982911946154508"
DOCS_STORY = ["docs_products_create", "docs_orders_create", "docs_fulfillments_create",
              "docs_fulfillment_events_create", "docs_refunds_create"]


def claim(submitted_at: str, line: str, reason: str = "defective", quantity: int = 1) -> dict:
    return {"type": "return", "submitted_at": submitted_at, "reason": reason, "evidence": {"photos": 2},
            "items": [{"line_item_id": line, "quantity": quantity}]}


def test_the_us_order_alone_builds_its_picture_with_the_delivered_shipment_it_embeds(client, rt, queue, shops):
    assert replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"]) == ["processed"]
    order = stored(rt, shops["shopify"].id, US_ORDER)
    assert (order.number, order.currency, order.status, order.destination_country) == ("23301", "USD", "paid", "US")
    assert order.placed_at == datetime(2021, 1, 28, 3, 26, 33, tzinfo=timezone.utc) and order.cancelled_at is None
    assert [(li.line_id, li.quantity, li.unit_price, li.sku) for li in order.lines] == [
        (HOODIE, 1, Decimal("28.00"), "18500B"), (TEE, 2, Decimal("11.00"), "5000B")]
    assert (order.shipping_paid, order.refunded_total, order.tags) == (Decimal("0.00"), Decimal("0"), [])
    # Fixed: the embedded fulfillment was ignored, so this order never shipped nor arrived.
    [shipment] = order.fulfillments
    assert (shipment.fulfillment_id, shipment.status, shipment.shipment_status, shipment.tracking_numbers) == (
        "2509059358769", "success", "delivered", ["9405511298370124989733"])
    assert shipment.line_quantities == [[HOODIE, 1], [TEE, 2]] and shipment.delivered_at == DELIVERED
    assert [li.delivered_at for li in order.lines] == [DELIVERED, DELIVERED]
    picture = contract_order(rt, shops["shopify"].id, US_ORDER)
    assert picture["delivered_at"] == "2021-02-22T22:47:22+00:00" and picture["production_started_at"] is not None
    assert [(li["id"], li["quantity"], li["unit_price"], li["unit_tax"]) for li in picture["line_items"]] == [
        (HOODIE, 1, "28.00", "2.03"), (TEE, 2, "11.00", "0.80")]


def test_the_same_fulfillment_sent_on_its_own_changes_nothing(client, rt, queue, shops):
    names = ["real_orders_fulfilled__us_23301", "real_fulfillments_update__us_23301_delivered"]
    assert replay(client, rt, queue, "shopify", names) == ["processed", "processed"]
    order = stored(rt, shops["shopify"].id, US_ORDER)
    assert [(f.fulfillment_id, f.delivered_at) for f in order.fulfillments] == [("2509059358769", DELIVERED)]


def test_a_defect_claim_on_the_us_order_counts_30_days_from_its_delivery(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"])
    # Delivered on 22 February (Denver): day 30 is 24 March, day 31 is 25 March.
    inside = decide_on(rt, shops["shopify"].id, US_ORDER, claim("2021-03-24T12:00:00-06:00", HOODIE), "kaolate")
    assert (inside["outcome"], inside["rules"], inside["resolution"]) == ("approved", ["our-error-claim"], "refund")
    # The hoodie's price and the 2.03 California tax paid on it.
    assert {k: inside["refund"][k] for k in ("currency", "items", "shipping", "tax", "total")} == {
        "currency": "USD", "items": "28.00", "shipping": "0.00", "tax": "2.03", "total": "30.03"}
    late = decide_on(rt, shops["shopify"].id, US_ORDER, claim("2021-03-25T12:00:00-06:00", TEE, quantity=2), "kaolate")
    assert (late["outcome"], late["rules"]) == ("needs_review", ["late-defect-case-by-case"])
    assert (late["refund"]["items"], late["refund"]["tax"], late["refund"]["total"]) == ("22.00", "1.60", "23.60")


def test_a_real_return_request_on_the_us_order_is_decided_and_a_decline_keeps_the_customers_reason(
        client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"])
    names = ["real_returns_request__1106_R2__remap23301"]
    assert replay(client, rt, queue, "shopify", names, X_Shopify_Triggered_At="2021-03-01T18:00:00Z") == ["processed"]
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        assert (case.source, case.source_ref) == ("shopify_return", RETURN)
        assert case.request["items"] == [{"line_item_id": HOODIE, "quantity": 1}]
        assert (case.request["reason"], case.request["submitted_at"]) == ("changed_mind", "2021-03-01T18:00:00+00:00")
        document = case.decisions[-1].document
    # Kaolate takes returns only for defective, damaged or incorrect items.
    assert (document["outcome"], document["rules"]) == ("denied", ["customer-reason-return"])
    assert replay(client, rt, queue, "shopify", ["docs_returns_decline__remap23301"]) == ["processed"]
    [declined] = stored(rt, shops["shopify"].id, US_ORDER).returns
    # Fixed: the merchant's "return_period_ended" and note replaced the customer's reason.
    assert (declined.return_id, declined.status, declined.reason, declined.note) == (
        RETURN, "declined", "unwanted", None)
    assert declined.line_quantities == [[HOODIE, 1]]


def test_an_approved_return_closes_keeping_its_lines_and_reason(client, rt, queue, shops):
    names = ["real_orders_fulfilled__us_23301", "real_returns_request__1106_R2__remap23301",
             "docs_returns_approve__remap23301", "docs_returns_close__remap23301"]
    assert replay(client, rt, queue, "shopify", names) == ["processed"] * 4
    [closed] = stored(rt, shops["shopify"].id, US_ORDER).returns
    assert (closed.status, closed.reason, closed.line_quantities) == ("closed", "unwanted", [[HOODIE, 1]])


def test_the_documented_story_builds_a_cancelled_refunded_order_in_transit(client, rt, queue, shops):
    assert replay(client, rt, queue, "shopify", DOCS_STORY) == ["processed"] * len(DOCS_STORY)
    # orders/fulfilled's documented body is orders/create's: the same version, applied once.
    assert replay(client, rt, queue, "shopify", ["docs_orders_fulfilled"]) == ["ignored"]
    order = stored(rt, shops["shopify"].id, DOCS_ORDER)
    cancelled = datetime(2022, 1, 1, 0, 0, tzinfo=timezone.utc)   # 2021-12-31T19:00:00-05:00
    assert (order.status, order.cancelled_at, order.placed_at, order.tags) == ("voided", cancelled, cancelled,
                                                                             ["tag1", "tag2"])
    [shipment] = order.fulfillments
    assert (shipment.fulfillment_id, shipment.status, shipment.shipment_status, shipment.delivered_at) == (
        "123456", "pending", "in_transit", None)
    [refund] = order.refunds
    assert (refund.refund_id, refund.amount, order.refunded_total) == ("890088186047892319", Decimal("85.00"),
                                                                      Decimal("85.00"))
    assert len(refund.line_quantities) == 5
    picture = contract_order(rt, shops["shopify"].id, DOCS_ORDER)
    # Three lines are the documented product 788032119674292922; two name no product.
    assert [(li["unit_price"], li["tags"], li.get("product_type")) for li in picture["line_items"]] == [
        ("89.99", ["example", "mens", "t-shirt"], "Shirts"), ("19.99", [], None), ("24.99", [], None),
        ("159.99", ["example", "mens", "t-shirt"], "Shirts"), ("119.99", ["example", "mens", "t-shirt"], "Shirts")]
    assert picture["delivered_at"] is None and picture["shipping_paid"] == "0.00"
    # A cancelled order's units are all gone: nothing is left to return.
    assert {li["refunded_quantity"] for li in picture["line_items"]} == {1}
    decision = decide_on(rt, shops["shopify"].id, DOCS_ORDER, claim("2022-01-10T10:00:00-07:00", "487817672276298554"),
                         "kaolate")
    assert (decision["outcome"], decision["rules"], decision["refund"]["total"]) == (
        "denied", ["already-refunded"], "0.00")


def test_the_real_indian_order_is_cancelled_within_a_day_for_what_was_paid(client, rt, queue, shops):
    assert replay(client, rt, queue, "shopify", ["real_orders_updated__in_1085"]) == ["processed"]
    picture = contract_order(rt, shops["shopify"].id, "5159806763157")
    assert (picture["currency"], picture["destination_country"], picture["placed_at"]) == (
        "INR", "IN", "2023-09-22T12:14:46+00:00")
    assert [(li["id"], li["quantity"], li["unit_price"]) for li in picture["line_items"]] == [
        ("12623712354453", 1, "30.00")]
    request = {"type": "cancellation", "submitted_at": "2023-09-22T10:00:00-04:00"}
    decision = decide_on(rt, shops["shopify"].id, "5159806763157", request, "kaolate")
    assert (decision["outcome"], decision["rules"], decision["resolution"]) == (
        "approved", ["cancel-within-day"], "cancel_and_refund")
    assert (decision["refund"]["currency"], decision["refund"]["total"]) == ("INR", "30.00")   # its total_price


def test_events_on_orders_we_never_saw_wait_for_them(client, rt, queue, shops):
    names = ["real_refunds_create__pos_cad", "real_returns_request__1106_R2", "docs_returns_request",
             "docs_returns_approve", "docs_returns_decline", "docs_returns_close"]
    assert replay(client, rt, queue, "shopify", names) == ["waiting"] * 6
    with rt.sessions() as session:
        rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [(r.status, r.attempts) for r in rows] == [("received", 1)] * 6
        assert [r.error for r in rows] == [f"OrderNotYetKnown: order {o} is not known yet"
                                           for o in ("6022498320664", "5196695273621") + ("4783296544821",) * 4]


def test_the_compliance_samples_name_another_shop_and_change_nothing_here(client, rt, queue, shops):
    """Shopify's documented samples are for {shop}.myshopify.com (shop 954889): sent to our shop, a topic check
    refuses them (issue 16: a signed body replayed under another topic or shop acts on nothing)."""
    shop_id = shops["shopify"].id
    assert replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"]) == ["processed"]
    names = ["docs_customers_redact", "docs_app_uninstalled", "docs_shop_redact"]
    assert replay(client, rt, queue, "shopify", names) == ["refused"] * 3
    assert stored(rt, shop_id, US_ORDER).customer_ref == "3633178509361"   # the customer is still there
    with rt.sessions() as session:
        assert session.get(Shop, shop_id) is not None
