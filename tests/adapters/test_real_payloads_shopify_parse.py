"""Every real Shopify sample parses into the events its body states: ids, quantities, money, times."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from adapters.shopify import parse, reconcile
from adapters.shopify.topics import TOPICS
from integration.domain import events as ev
from tests.adapters.test_real_payloads import sample, topic
from tests.emulators.shopify_orders_state import order_node


def parsed(name: str) -> list:
    """The events of one Shopify sample, parsed by its topic's parser."""
    return TOPICS[topic("shopify", name)](sample("shopify", name))


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


DOCS_ORDER, DOCS_AT = "820982911946154508", at("2021-12-31T19:00:00-05:00")
DOCS_LINES = [("487817672276298554", "Aviator sunglasses", "89.99", "SKU2006-001"),
              ("789012345678901234", "Lens Protection Plan (2 Year)", "19.99", "LENS-PROTECT-2YR"),
              ("890123456789012345", "Premium Leather Case", "24.99", "CASE-LEATHER-PREM"),
              ("976318377106520349", "Mid-century lounger", "159.99", "SKU2006-020"),
              ("315789986012684393", "Coffee table", "119.99", "SKU2006-035")]


def test_the_documented_order_is_a_cancelled_voided_order_of_five_lines():
    for name in ("docs_orders_create", "docs_orders_fulfilled"):
        [order] = parsed(name)   # its `fulfillments` is empty
        assert (order.order_id, order.number, order.currency, order.status) == (DOCS_ORDER, "1234", "USD", "voided")
        assert order.placed_at == order.updated_at == order.cancelled_at == DOCS_AT
        assert [(li.id, li.title, li.unit_price, li.sku, li.quantity) for li in order.lines] == [
            (i, t, Decimal(p), s, 1) for i, t, p, s in DOCS_LINES]
        assert sum(li.unit_price for li in order.lines) == Decimal(sample("shopify", name)["total_line_items_price"])
        assert {li.unit_tax for li in order.lines} == {Decimal(0)} and order.shipping_tax == 0   # total_tax 0.00
        # The shipping line says 10.00 before its discount and 0.00 after: the customer paid 0.00.
        assert order.shipping_paid == Decimal("0.00")
        assert (order.tags, order.production_signals, order.is_gift) == (("tag1", "tag2"), ("tag1", "tag2"), False)
        assert (order.destination_country, order.customer_ref, order.customer_email) == (
            "US", "115310627314723954", "jon@example.com")


US_ORDER, US_SHIPMENT = "2628173987889", "2509059358769"
US_UPDATED = at("2021-02-22T14:47:22-08:00")
HOODIE, TEE = "5668979966001", "5668979998769"


def test_the_real_us_order_and_the_fulfillment_it_embeds():
    order, shipment = parsed("real_orders_fulfilled__us_23301")
    assert (order.order_id, order.number, order.currency, order.status) == (US_ORDER, "23301", "USD", "paid")
    assert (order.placed_at, order.updated_at, order.cancelled_at) == (
        at("2021-01-27T19:26:33-08:00"), US_UPDATED, None)
    assert [(li.id, li.quantity, li.unit_price, li.sku, li.product_id, li.requires_shipping) for li in order.lines] == [
        (HOODIE, 1, Decimal("28.00"), "18500B", "4806450217009", True),
        (TEE, 2, Decimal("11.00"), "5000B", "4806449037361", True)]
    # California State Tax: 2.03 on the hoodie, 1.60 on the two tees; none on the free shipping.
    assert [li.unit_tax for li in order.lines] == [Decimal("2.03"), Decimal("0.80")]
    assert (order.shipping_paid, order.shipping_tax) == (Decimal("0.00"), Decimal("0"))
    paid = sum((li.unit_price + li.unit_tax) * li.quantity for li in order.lines) + order.shipping_paid
    assert paid == Decimal(sample("shopify", "real_orders_fulfilled__us_23301")["total_price"]) == Decimal("53.63")
    assert (order.tags, order.destination_country, order.customer_ref) == ((), "US", "3633178509361")
    # Fixed: a fulfillment embedded in an orders/* body was dropped; it is the order's shipment, delivered.
    assert shipment == ev.FulfillmentSeen(
        order_id=US_ORDER, fulfillment_id=US_SHIPMENT, updated_at=US_UPDATED, line_quantities=((HOODIE, 1), (TEE, 2)),
        status="success", shipment_status="delivered", tracking_numbers=("9405511298370124989733",),
        delivered_at=US_UPDATED, shipped_at=at("2021-02-17T14:19:33-08:00"))   # its created_at: when it left


def test_with_taxes_included_the_price_before_tax_is_the_price_less_its_tax():
    # The US order as a tax-inclusive shop would send it (taxes_included true; Shopify's Order resource):
    # the price then holds the tax, and the contract's unit_price is before tax.
    body = {**sample("shopify", "real_orders_fulfilled__us_23301"), "taxes_included": True}
    order = parse.parse_order(body)[0]
    assert [(li.unit_price, li.unit_tax) for li in order.lines] == [(Decimal("25.97"), Decimal("2.03")),
                                                                    (Decimal("10.20"), Decimal("0.80"))]


def test_the_embedded_fulfillment_parses_as_the_same_fulfillment_sent_on_its_own():
    [alone] = parsed("real_fulfillments_update__us_23301_delivered")
    assert parsed("real_orders_fulfilled__us_23301")[1] == alone
    # The REST fulfillment has no delivery time: the update that says "delivered" stands in for it.
    assert alone.delivered_at == alone.updated_at == US_UPDATED


def test_the_real_indian_order():
    [order] = parsed("real_orders_updated__in_1085")
    assert (order.order_id, order.number, order.currency, order.destination_country) == (
        "5159806763157", "1085", "INR", "IN")
    assert [(li.id, li.title, li.quantity, li.unit_price, li.sku, li.variant_id) for li in order.lines] == [
        ("12623712354453", "Adania Pant", 1, Decimal("30.00"), None, "43453026762901")]
    assert (order.shipping_paid, order.customer_email, order.status) == (Decimal("0.00"), "tom@gmail.com", "paid")
    assert order.lines[0].unit_tax + order.shipping_tax == Decimal(sample("shopify", "real_orders_updated__in_1085")[
        "total_tax"]) == 0
    assert order.updated_at == at("2023-09-22T08:14:47-04:00")


def test_the_documented_fulfillment_and_its_carrier_event():
    [shipment] = parsed("docs_fulfillments_create")
    assert (shipment.order_id, shipment.fulfillment_id, shipment.status, shipment.tracking_numbers) == (
        DOCS_ORDER, "123456", "pending", ("1z827wk74630",))
    assert shipment.line_quantities == tuple((i, 1) for i, *_ in DOCS_LINES) and shipment.delivered_at is None
    assert parsed("docs_fulfillment_events_create") == [ev.ShipmentEvent(DOCS_ORDER, "123456", "in_transit", DOCS_AT)]


def test_the_documented_refund_is_the_sum_of_its_two_refund_transactions():
    [refund] = parsed("docs_refunds_create")
    assert (refund.order_id, refund.refund_id, refund.amount, refund.created_at) == (
        DOCS_ORDER, "890088186047892319", Decimal("75.00") + Decimal("10.00"), DOCS_AT)
    assert refund.line_quantities == tuple((i, 1) for i, *_ in DOCS_LINES)


def test_the_real_point_of_sale_refund_in_cad_carries_its_tax():
    body = sample("shopify", "real_refunds_create__pos_cad")
    [refund] = parsed("real_refunds_create__pos_cad")
    assert (refund.order_id, refund.refund_id, refund.line_quantities) == (
        "6022498320664", "975224602904", (("15075349889304", 4),))
    # 4 units at 39.99 less a 15.99 allocation: 143.97, with 7.20 GST and 10.08 RST: 161.25, Shopify's suggestion.
    [line] = body["refund_line_items"]
    assert Decimal(str(line["subtotal"])) + Decimal(str(line["total_tax"])) == refund.amount == Decimal("161.25")
    assert refund.created_at == at("2024-09-09T12:36:31-05:00")


def test_a_real_return_request_names_its_line_and_the_customers_reason():
    for name, order, line in (("real_returns_request__1106_R2", "5196695273621", "12695210000533"),
                              ("real_returns_request__1106_R2__remap23301", US_ORDER, HOODIE)):
        assert parsed(name) == [ev.ReturnSeen(order_id=order, return_id="3547267221", status="requested",
                                              line_quantities=((line, 1),), reason="unwanted", note=None)]


def test_the_documented_returns_move_through_their_states():
    states = {name: parsed(name)[0] for name in
              ("docs_returns_request", "docs_returns_approve", "docs_returns_decline", "docs_returns_close")}
    assert {n: (r.order_id, r.return_id, r.status) for n, r in states.items()} == {
        "docs_returns_request": ("4783296544821", "123134564567890", "requested"),
        "docs_returns_approve": ("4783296544821", "123134564567890", "open"),
        "docs_returns_decline": ("4783296544821", "123134564567890", "declined"),
        "docs_returns_close": ("4783296544821", "123134564567890", "closed")}
    # The documented request names 2 lines it does not carry (they are read over GraphQL): none are invented.
    assert sample("shopify", "docs_returns_request")["total_return_line_items"] == 2
    assert states["docs_returns_request"].line_quantities == ()


def test_a_decline_keeps_the_merchants_words_out_of_the_customers_reason_and_note():
    # Fixed: the decline's reason and note (the merchant's) were read as the customer's.
    for name in ("docs_returns_decline", "docs_returns_decline__remap23301"):
        [declined] = parsed(name)
        assert sample("shopify", name)["decline"]["reason"] == "return_period_ended"
        assert (declined.status, declined.reason, declined.note) == ("declined", None, None)


def test_the_documented_product_and_compliance_topics():
    [product] = parsed("docs_products_create")
    assert (product.product_id, product.title, product.product_type, product.tags) == (
        "788032119674292922", "Example T-Shirt", "Shirts", ("example", "mens", "t-shirt"))
    assert product.variants == (("642667041472713922", None, None), ("757650484644203962", None, None))
    assert parsed("docs_customers_redact") == [ev.CustomerRedacted("191167", ("299938", "280263", "220458"))]
    assert parsed("docs_shop_redact") == [ev.ShopRedacted()]
    assert parsed("docs_app_uninstalled") == [ev.AppUninstalled()]


def test_the_sweep_reads_each_real_order_as_its_webhook_does():
    # The sweep's GraphQL order, mapped back to a webhook body: the same events (taxes and shipments too) and
    # the same version, so a webhook and a sweep of one change are applied once.
    for name in ("docs_orders_create", "real_orders_fulfilled__us_23301", "real_orders_updated__in_1085"):
        rest, mapped = sample("shopify", name), reconcile.order_payload(order_node(sample("shopify", name)))
        [swept, *swept_shipments], [delivered, *shipments] = parse.parse_order(mapped), parsed(name)
        assert swept == replace(delivered, customer_ref=None, customer_tags=None) and swept_shipments == shipments
        assert reconcile.version_key("orders/updated", mapped) == reconcile.version_key(topic("shopify", name), rest)
