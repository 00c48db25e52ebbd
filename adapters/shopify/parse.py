"""Shopify webhook bodies (REST resource shapes, unwrapped) -> canonical events.

Topic reference: https://shopify.dev/docs/api/webhooks
"""
from __future__ import annotations

from decimal import Decimal

from adapters.common import PayloadError, count, field, maybe_when, money, split_tags, text, text_id, when
from adapters.shopify.product_looks import rest_looks
from integration.domain import events as ev

# Where date-picker apps keep the customer's date: a note attribute (cart attribute) or a line item property, e.g.
# Zapiet's "Pickup-Date" / "Delivery-Date"; a shop names its own with the setting `event_date_field`.
EVENT_DATE_FIELDS = ("Event date", "Pickup date", "Delivery date")
# financial_status values of an order whose whole current total has been received (refunds come off that total).
PAID_IN_FULL = frozenset({"paid", "partially_refunded", "refunded"})
OFF_VALUES = frozenset({"", "0", "no", "false", "off"})


def _tax(item: dict, name: str) -> Decimal:
    """The tax on a line or shipping line: the sum of its tax_lines."""
    return sum((money(t.get("price", 0), f"{name}.tax_lines.price") for t in item.get("tax_lines") or ()), Decimal(0))


def _line(line: dict, taxes_included: bool) -> ev.OrderLine:
    units = max(count(line.get("quantity") or 1, "line_items.quantity"), 1)
    discount = sum((money(a.get("amount", 0)) for a in line.get("discount_allocations") or ()), Decimal(0))
    unit_tax = _tax(line, "line_items") / units
    unit_price = money(field(line, "price"), "line_items.price") - discount / units
    # With taxes_included (the Order resource) prices hold their tax; the contract's unit_price is before tax.
    unit_price -= unit_tax if taxes_included else 0
    return ev.OrderLine(
        id=text_id(field(line, "id")), title=line.get("title") or line.get("name") or "",
        quantity=count(field(line, "quantity"), "line_items.quantity"), unit_price=unit_price, unit_tax=unit_tax,
        product_id=text_id(line["product_id"]) if line.get("product_id") else None,
        variant_id=text_id(line["variant_id"]) if line.get("variant_id") else None,
        sku=line.get("sku") or None, requires_shipping=line.get("requires_shipping"),
        signals=_line_signals(_named(line.get("properties"))))


def _named(items) -> tuple[tuple[str, str], ...]:
    """note_attributes or line item properties ([{name, value}]) as (name, text value) pairs."""
    return tuple((item["name"], str(item["value"])) for item in items or ()
                 if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]
                 and isinstance(item.get("value"), (str, int, float)))


def _line_signals(properties: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """A line's property names that are set (not empty, not a way of writing false), and their values."""
    on = [(name, value) for name, value in properties if value.strip().lower() not in OFF_VALUES]
    return tuple(name for name, _ in on) + tuple(value.strip() for _, value in on)


def _amounts(payload: dict) -> tuple[Decimal | None, Decimal | None]:
    """(the order's current total, what of it has been received); (None, None) when the payload does not say."""
    total = payload.get("current_total_price", payload.get("total_price"))
    if total is None:
        return None, None
    total = money(total, "current_total_price")
    if payload.get("financial_status") in PAID_IN_FULL:
        return total, total
    if payload.get("total_outstanding") is None:
        return None, None
    # A voided order's outstanding may exceed what is left of its total: nothing was received.
    received = total - money(payload["total_outstanding"], "total_outstanding")
    return total, min(max(received, Decimal(0)), total)


def _customer_facts(customer: dict) -> dict:
    """The customer's tags and order count, where the payload carries them."""
    if not isinstance(customer, dict) or not customer:
        return {}
    orders = customer.get("orders_count")
    out = {"customer_tags": split_tags(customer.get("tags")) if customer.get("tags") is not None else None}
    try:
        out["customer_orders_count"] = count(orders, "customer.orders_count") if orders is not None else None
    except PayloadError:
        out["customer_orders_count"] = None   # an odd count is no reason to refuse the order
    return out


def _shipping(payload: dict) -> tuple[Decimal, Decimal]:
    """What the customer paid for shipping, before tax, and the tax on it."""
    lines = payload.get("shipping_lines") or ()
    paid = sum((money(s.get("discounted_price", s.get("price", 0))) for s in lines), Decimal(0))
    tax = sum((_tax(s, "shipping_lines") for s in lines), Decimal(0))
    return (paid - tax if payload.get("taxes_included") else paid), tax


def parse_order(payload: dict) -> list:
    """orders/create, updated, paid, fulfilled, cancelled: the order as it now stands, and its shipments."""
    tags = split_tags(payload.get("tags"))
    address = payload.get("shipping_address") or {}
    customer = payload.get("customer") or {}
    shipping_paid, shipping_tax = _shipping(payload)
    attributes = _named(payload.get("note_attributes")) + tuple(
        pair for li in payload.get("line_items") or () if isinstance(li, dict) for pair in _named(li.get("properties")))
    total, received = _amounts(payload)
    return [ev.OrderSeen(
        order_id=text_id(field(payload, "id")), updated_at=when(field(payload, "updated_at"), "updated_at"),
        number=str(payload.get("order_number") or payload.get("name") or payload["id"]),
        currency=field(payload, "currency"), placed_at=when(field(payload, "created_at"), "created_at"),
        lines=tuple(_line(li, bool(payload.get("taxes_included"))) for li in field(payload, "line_items")),
        shipping_paid=shipping_paid, shipping_tax=shipping_tax,
        tags=tags, destination_country=address.get("country_code"), is_gift="gift" in {t.lower() for t in tags},
        customer_ref=text_id(customer["id"]) if customer.get("id") else None,
        customer_email=payload.get("email") or customer.get("email"),
        cancelled_at=maybe_when(payload.get("cancelled_at"), "cancelled_at"),
        status=payload.get("financial_status"), production_signals=tags,
        attributes=attributes, event_date=ev.attribute(attributes, EVENT_DATE_FIELDS),
        total_price=total, amount_paid=received, **_customer_facts(customer))] + _embedded_fulfillments(payload)


def _line_quantities(items, key: str = "id") -> tuple[tuple[str, int], ...]:
    return tuple((text_id(field(li, key)), count(li.get("quantity") or 1, "line_items.quantity")) for li in items or ())


def _fulfillment(payload: dict, order_id=None) -> ev.FulfillmentSeen:
    status = payload.get("shipment_status")
    updated = when(payload.get("updated_at") or field(payload, "created_at"), "updated_at")
    # A REST fulfillment has no delivery time of its own: the update that first says "delivered" stands in for it.
    return ev.FulfillmentSeen(
        order_id=text_id(order_id or field(payload, "order_id")), fulfillment_id=text_id(field(payload, "id")),
        updated_at=updated, line_quantities=_line_quantities(payload.get("line_items")),
        status=payload.get("status"), shipment_status=status,
        tracking_numbers=tuple(payload.get("tracking_numbers") or ()),
        delivered_at=updated if status == "delivered" else None,
        shipped_at=maybe_when(payload.get("created_at"), "created_at"))


def _embedded_fulfillments(order: dict) -> list:
    """The fulfillments an orders/* body carries (the REST Order's `fulfillments`), as their own events."""
    return [_fulfillment(f, order["id"]) for f in order.get("fulfillments") or ()]


def parse_fulfillment(payload: dict) -> list:
    """fulfillments/create and update: which lines shipped, tracking, and the shipment status."""
    return [_fulfillment(payload)]


def parse_fulfillment_event(payload: dict) -> list:
    """fulfillment_events/create: a carrier event (delivered, failure, attempted delivery...)."""
    return [ev.ShipmentEvent(
        order_id=text_id(field(payload, "order_id")), fulfillment_id=text_id(field(payload, "fulfillment_id")),
        status=field(payload, "status"),
        happened_at=when(payload.get("happened_at") or field(payload, "created_at"), "happened_at"))]


def parse_refund(payload: dict) -> list:
    """refunds/create: money back on an order (successful refund transactions)."""
    txs = [t for t in payload.get("transactions") or () if t.get("kind") == "refund" and t.get("status", "success") == "success"]
    amount = sum((money(t.get("amount", 0)) for t in txs), Decimal(0)) if txs else sum(
        (money(li.get("subtotal", 0)) + money(li.get("total_tax", 0)) for li in payload.get("refund_line_items") or ()),
        Decimal(0))
    return [ev.RefundRecorded(
        order_id=text_id(field(payload, "order_id")), refund_id=text_id(field(payload, "id")), amount=amount,
        created_at=when(field(payload, "created_at"), "created_at"),
        line_quantities=_line_quantities(payload.get("refund_line_items"), "line_item_id"))]


def _return_lines(payload: dict) -> tuple[tuple[str, int], ...]:
    out = []
    for item in payload.get("return_line_items") or ():
        line = ((item.get("fulfillment_line_item") or {}).get("line_item") or {}).get("id") or item.get("line_item_id")
        if line is not None:
            out.append((text_id(line).rsplit("/", 1)[-1], count(item.get("quantity") or 1, "return_line_items.quantity")))
    return tuple(out)


def _lines_known(payload: dict, lines: tuple) -> bool:
    """Whether the body carries every line of the return, each naming its order line."""
    # 2026-07's returns/request sample (shopify.dev/docs/api/webhooks) has `return_line_items: []` with
    # total_return_line_items 2: the lines are read over GraphQL instead (adapters/shopify/return_lines.py).
    items, total = payload.get("return_line_items") or (), payload.get("total_return_line_items")
    return bool(lines) and len(lines) == len(items) and (not isinstance(total, int) or len(items) >= total)


def _return_parser(default_status: str):
    def parse_return(payload: dict) -> list:
        """returns/*: a return request and its state."""
        # request/approve/decline carry {"order": {...}} (decline in 2026-07's sample), cancel/close a flat order_id;
        # a body with neither is found by its return id.
        order = (payload.get("order") or {}).get("id") or payload.get("order_id")
        items = payload.get("return_line_items") or [{}]
        lines = _return_lines(payload)
        # A decline's `decline` {reason, note} is the merchant's answer, not the customer's: it must not replace it.
        return [ev.ReturnSeen(
            order_id=text_id(order).rsplit("/", 1)[-1] if order else None, return_id=text_id(field(payload, "id")),
            status=(payload.get("status") or default_status).lower(),
            updated_at=maybe_when(payload.get("updated_at"), "updated_at"), line_quantities=lines,
            reason=text(items[0].get("return_reason") or None, "return_reason"), note=items[0].get("customer_note"),
            lines_known=_lines_known(payload, lines), exchange_items=_exchange_items(payload))]
    return parse_return


def _exchange_items(payload: dict) -> int:
    """How many exchange line items the return carries: like its lines, the body may list none of those it counts
    (`exchange_line_items: []` beside `total_exchange_line_items`), so they are read over GraphQL."""
    total = payload.get("total_exchange_line_items")
    return max(len(payload.get("exchange_line_items") or ()), total if isinstance(total, int) else 0)


def parse_product(payload: dict) -> list:
    """products/create and update: what the product cache needs (tags, type, variants, titles and pictures)."""
    image_url, looks = rest_looks(payload)
    return [ev.ProductSeen(
        product_id=text_id(field(payload, "id")), title=payload.get("title") or "",
        updated_at=maybe_when(payload.get("updated_at"), "updated_at"), product_type=payload.get("product_type") or None,
        tags=split_tags(payload.get("tags")),
        variants=tuple((text_id(v["id"]), v.get("sku") or None, v.get("requires_shipping"))
                       for v in payload.get("variants") or () if v.get("id") is not None),
        image_url=image_url, looks=looks)]


def parse_product_delete(payload: dict) -> list:
    """products/delete."""
    return [ev.ProductDeleted(text_id(field(payload, "id")))]


def parse_app_uninstalled(_payload: dict) -> list:
    """app/uninstalled: stop all work for the shop."""
    return [ev.AppUninstalled()]


def parse_customers_data_request(payload: dict) -> list:
    """customers/data_request (mandatory compliance topic)."""
    return [ev.CustomerDataRequested(
        text_id(field(field(payload, "customer"), "id")), tuple(text_id(o) for o in payload.get("orders_requested") or ()),
        text_id((payload.get("data_request") or {}).get("id", "")) or None)]


def parse_customers_redact(payload: dict) -> list:
    """customers/redact (mandatory compliance topic)."""
    return [ev.CustomerRedacted(text_id(field(field(payload, "customer"), "id")),
                                tuple(text_id(o) for o in payload.get("orders_to_redact") or ()))]


def parse_shop_redact(_payload: dict) -> list:
    """shop/redact (mandatory compliance topic)."""
    return [ev.ShopRedacted()]


RETURN_PARSERS = {f"returns/{action}": _return_parser(status) for action, status in
                  (("request", "requested"), ("approve", "open"), ("decline", "declined"),
                   ("cancel", "canceled"), ("close", "closed"))}
