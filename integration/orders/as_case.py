"""The order picture as the decision contract's `order` object, so the engine sees what the platform said."""
from __future__ import annotations

from datetime import timedelta, timezone, tzinfo
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine, Product
from integration.db.request_models import ReturnCase
from integration.money import to_minor
from integration.orders.anchors import add_anchors
from integration.orders.customer_history import add_history
from integration.orders.refund_ids import refund_key
from integration.shops.current_policy import policy_for
from integration.shops.returns_setup import assumed_delivery_days


def contract_amount(value: Decimal, currency: str) -> str:
    """A decimal string with at least the currency's minor unit, and no less precision than stored."""
    minor = to_minor(value, currency)
    exact = minor if minor == value else value.normalize()
    return format(exact, "f")


def _requires_shipping(line: OrderLine, product: Product | None) -> bool | None:
    if line.requires_shipping is not None or product is None:
        return line.requires_shipping
    return next((v[2] for v in product.variants if v[0] == line.variant_id and v[2] is not None), None)


def _order_delivered_at(order: Order):
    if order.delivered_at:
        return order.delivered_at
    shipped = [line.delivered_at for line in order.lines if line.requires_shipping is not False]
    return max(shipped) if shipped and all(shipped) else None


def shop_zone(session: Session, shop: Shop) -> tzinfo:
    """The shop's time zone: its policy's (UTC before it has one)."""
    return policy_for(session, shop)[1].timezone if shop.policy_version_id else timezone.utc


def assumed_delivery(session: Session, shop: Shop, order: Order):
    """(shipped_at + N days in the shop's time zone, N) for a shipped order no carrier reported delivered, when
    the shop assumes delivery N days after shipping; else None."""
    days = assumed_delivery_days(shop)
    if not days or order.shipped_at is None:
        return None
    # Aware arithmetic in the zone keeps the local time of day across a DST change: N calendar days later.
    return order.shipped_at.astimezone(shop_zone(session, shop)) + timedelta(days=days), days


def refunded_quantities(order: Order) -> dict[str, int]:
    """Units of each line already refunded (a cancelled order's are all gone), by line id."""
    if order.cancelled_at is not None:
        return {line.line_id: line.quantity for line in order.lines}
    out: dict[str, int] = {}
    for refund in order.refunds:
        for line_id, quantity in refund.line_quantities:
            out[str(line_id)] = out.get(str(line_id), 0) + int(quantity)
    return out


SETTLING = ("refund", "cancel_order")


def _counted_by_platform(order: Order, decision) -> bool:
    """Whether the refunds this decision's actions made are among the order's refund records, with their lines.
    Until then (Shopify's refunds/create not yet here, or WooCommerce's order body listing refunds without lines)
    the request keeps holding its units, so a second request cannot be granted them again."""
    settled = [a for a in decision.actions if a.kind in SETTLING and a.state == "succeeded"]
    recorded = {refund_key(r.refund_id) for r in order.refunds if r.line_quantities}
    return bool(settled) and all(refund_key((a.result or {}).get("refund")) in recorded for a in settled)


def claimed_quantities(session: Session, order: Order, but: int | None = None) -> dict[str, int]:
    """Units other requests on the order hold and the platform has not yet refunded, by line id: granted ones
    and ones the merchant is reviewing (their refund or cancellation not yet done). A request still waiting
    for the customer's evidence holds nothing: a complete new request for the same units may go ahead."""
    out: dict[str, int] = {}
    cases = session.scalars(select(ReturnCase).where(ReturnCase.order_pk == order.id, ReturnCase.id != (but or 0)))
    for case in cases:
        latest = case.decisions[-1] if case.decisions else None
        if (case.request or {}).get("type") == "edit":
            continue   # an edit changes the order's units; it takes none back, so it holds none
        if latest is None or latest.outcome in ("denied", "needs_evidence") or _counted_by_platform(order, latest):
            continue   # nothing held, or the platform's own refund records now count it
        for line in latest.document.get("lines", ()):
            if line.get("outcome") != "denied":
                out[line["line_item_id"]] = out.get(line["line_item_id"], 0) + int(line["quantity"])
    return out


def _line_json(line: OrderLine, product: Product | None, currency: str, order_delivered, refunded: int) -> dict:
    item = {"id": line.line_id, "title": line.title, "quantity": line.quantity,
            "unit_price": contract_amount(line.unit_price, currency),
            "tags": list(product.tags) if product else []}
    if line.unit_tax:
        item["unit_tax"] = contract_amount(line.unit_tax, currency)
    if refunded:
        item["refunded_quantity"] = min(refunded, line.quantity)
    if line.sku:
        item["sku"] = line.sku
    if product and product.product_type:
        item["product_type"] = product.product_type
    if (ships := _requires_shipping(line, product)) is not None:
        item["requires_shipping"] = ships
    if line.delivered_at and line.delivered_at != order_delivered:
        item["delivered_at"] = line.delivered_at.isoformat()
    return item


def order_json(session: Session, shop: Shop, order: Order, case_pk: int | None = None) -> dict:
    """The contract's `order` object for a stored order, as request `case_pk` (or a new one) sees it: units
    refunded, or held by another open request, cannot be asked for."""
    ids = [line.product_id for line in order.lines if line.product_id]
    products = {p.product_id: p for p in session.scalars(
        select(Product).where(Product.shop_id == shop.id, Product.product_id.in_(ids)))}
    delivered, refunded = _order_delivered_at(order), refunded_quantities(order)
    assumed = None if delivered else assumed_delivery(session, shop, order)
    for line_id, held in claimed_quantities(session, order, case_pk).items():
        refunded[line_id] = refunded.get(line_id, 0) + held
    out = {"id": order.order_id, "currency": order.currency, "placed_at": order.placed_at.isoformat()}
    if country := (shop.settings or {}).get("country"):
        out["shop_country"] = country
    if order.destination_country:
        out["destination_country"] = order.destination_country
    out.update({
        "is_gift": order.is_gift, "shipping_paid": contract_amount(order.shipping_paid, order.currency),
        "shipping_tax": contract_amount(order.shipping_tax or Decimal(0), order.currency),
        "shipped_at": order.shipped_at.isoformat() if order.shipped_at else None,
        "production_started_at": order.production_started_at.isoformat() if order.production_started_at else None,
        "delivered_at": delivered.isoformat() if delivered else None, "tags": list(order.tags),
        "line_items": [_line_json(line, products.get(line.product_id), order.currency, delivered,
                                  refunded.get(line.line_id, 0)) for line in order.lines]})
    add_anchors(out, shop, order)   # lines' own shipping / production, event_at, milestones, deposit, customer
    if assumed:
        out["delivered_at"], out["delivery_assumed_after_days"] = assumed[0].isoformat(), assumed[1]
    return out


def decision_case(session: Session, shop: Shop, order: Order, request: dict, case_id: str | None = None) -> dict:
    """A full decision case: the given request on the stored order."""
    case = {"request": request, "order": order_json(session, shop, order, int(case_id) if case_id else None)}
    add_history(session, shop, order, case, int(case_id) if case_id else None)   # order.customer's counts
    return {"id": case_id, **case} if case_id else case
