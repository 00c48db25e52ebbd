"""The order picture's anchors as the contract's fields: each line's own shipping and production times, the
event date, the merchant's milestones, a deposit, and the customer's tags and order count."""
from __future__ import annotations

from datetime import datetime

from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine
from integration.money import format_amount

NOT_SHIPPED = frozenset({"cancelled", "error", "failure"})   # fulfillment statuses whose lines did not leave


def shop_milestones(shop: Shop) -> dict[str, str]:
    """The shop's stages and the signal that marks each: {name: tag, status or meta key}."""
    configured = (shop.settings or {}).get("milestones")
    if not isinstance(configured, dict):
        return {}
    return {name: signal for name, signal in configured.items()
            if isinstance(name, str) and name and isinstance(signal, str) and signal}


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def line_shipped_at(order: Order, line: OrderLine) -> datetime | None:
    """When the first shipment carrying this line was created (one naming no lines carries them all)."""
    times = [f.shipped_at or order.shipped_at for f in order.fulfillments if f.status not in NOT_SHIPPED
             and (not f.line_quantities or line.line_id in {str(q[0]) for q in f.line_quantities})]
    return min((t for t in times if t), default=None)


def line_anchors(order: Order) -> dict[str, dict]:
    """Per line id, the times that differ from the order's: shipped_at (null when it has not left while others
    have), production_started_at. Only a platform naming each shipment's lines gives a line its own shipped_at."""
    per_line = any(f.line_quantities for f in order.fulfillments)
    out: dict[str, dict] = {}
    for line in order.lines:
        item = out.setdefault(line.line_id, {})
        shipped = line_shipped_at(order, line) if per_line and line.requires_shipping is not False else order.shipped_at
        if shipped != order.shipped_at:
            item["shipped_at"] = _iso(shipped)
        if line.production_started_at and line.production_started_at != order.production_started_at:
            item["production_started_at"] = _iso(line.production_started_at)
    return out


def order_anchors(shop: Shop, order: Order) -> dict:
    """event_at, milestones and amount_paid (a deposit only: less than the order's total), where known."""
    out: dict = {}
    if order.event_at:
        out["event_at"] = _iso(order.event_at)
    # The shop's stages, reached or not (null), and any reached under a name the shop has since dropped.
    if milestones := {**dict.fromkeys(shop_milestones(shop)), **(order.milestones or {})}:
        out["milestones"] = milestones
    if order.amount_paid is not None and order.total_price is not None and order.amount_paid < order.total_price:
        out["amount_paid"] = format_amount(order.amount_paid, order.currency)
    return out


def customer_facts(order: Order) -> dict:
    """The customer's tags and order count as the platform gave them; nothing after the customer is redacted."""
    if order.redacted_at is not None:
        return {}
    out: dict = {}
    if order.customer_tags:
        out["tags"] = list(order.customer_tags)
    if order.customer_orders_count is not None:
        out["orders_count"] = order.customer_orders_count
    return out


def add_anchors(out: dict, shop: Shop, order: Order) -> None:
    """Add the anchors to a contract `order` object; the customer's facts join any `customer` already there."""
    out.update(order_anchors(shop, order))
    lines = line_anchors(order)
    for item in out["line_items"]:
        item.update(lines.get(item["id"], {}))
    if facts := customer_facts(order):
        out["customer"] = {**facts, **out.get("customer", {})}
