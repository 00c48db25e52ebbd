"""What an order's payload says beyond its lines and money: each line's own production start, the customer's
event date, the merchant's milestones, what was paid, and the customer's tags and order count.

Shop settings: `event_date_field` (a name, or a list of names, of the note attribute / meta key holding the event
date; default: the adapter's EVENT_DATE_FIELDS) and `milestones` ({stage: order tag, status or meta key})."""
from __future__ import annotations

from datetime import timezone

from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.domain import events as ev
from integration.orders.anchors import shop_milestones
from integration.orders.as_case import shop_zone
from integration.orders.event_dates import parse_event_date
from integration.orders.production import production_signalled


def apply_order_facts(session: Session, shop: Shop, order: Order, event: ev.OrderSeen) -> None:
    """Record the facts an order update carries; what a payload leaves out is kept as it was."""
    _line_production(shop, order, event)
    _event_date(session, shop, order, event)
    _milestones(shop, order, event)
    if event.amount_paid is not None:
        order.total_price, order.amount_paid = event.total_price, event.amount_paid
    if order.redacted_at is None:
        if event.customer_tags is not None:
            order.customer_tags = list(event.customer_tags)
        if event.customer_orders_count is not None:
            order.customer_orders_count = event.customer_orders_count


def _line_production(shop: Shop, order: Order, event: ev.OrderSeen) -> None:
    """A line whose own property / meta is one of the shop's production signals started then (kept once set)."""
    rows = {row.line_id: row for row in order.lines}
    for line in event.lines:
        row = rows.get(line.id)
        if row is not None and row.production_started_at is None and production_signalled(shop, line.signals):
            row.production_started_at = line.production_started_at or event.updated_at


def event_date_fields(shop: Shop) -> tuple[str, ...] | None:
    """The names the shop gave its event date under, or None for the platform's defaults."""
    configured = (shop.settings or {}).get("event_date_field")
    if isinstance(configured, str):
        configured = [configured]
    if not isinstance(configured, list):
        return None
    return tuple(n for n in configured if isinstance(n, str) and n) or None


def _event_date(session: Session, shop: Shop, order: Order, event: ev.OrderSeen) -> None:
    fields = event_date_fields(shop)
    raw = ev.attribute(event.attributes, fields) if fields else event.event_date
    if raw and (at := parse_event_date(raw, shop_zone(session, shop))):
        order.event_at = at


def _milestones(shop: Shop, order: Order, event: ev.OrderSeen) -> None:
    """A stage is reached when returnkit first sees its signal on the order; that time is kept."""
    seen = {s.lower() for s in event.production_signals}
    reached = dict(order.milestones or {})
    for name, signal in shop_milestones(shop).items():
        if name not in reached and signal.lower() in seen:
            reached[name] = event.updated_at.astimezone(timezone.utc).isoformat()
    if reached != (order.milestones or {}):
        order.milestones = reached   # a new dict: the JSON column sees the change
