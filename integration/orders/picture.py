"""Apply canonical events to a shop's order picture. Late or out-of-order events never move an order back."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.base import email_fingerprint
from integration.db.models import Shop
from integration.db.order_models import Fulfillment, Order, OrderLine, OrderRefund, ReturnRequest
from integration.domain import events as ev
from integration.orders.production import production_signalled
from integration.orders.signals import apply_order_facts


class OrderNotYetKnown(LookupError):
    """An event about an order we have not seen yet: retried until the order arrives."""


def find_order(session: Session, shop: Shop, order_id: str) -> Order | None:
    """The shop's order with this platform id (never another shop's)."""
    return session.scalar(select(Order).where(Order.shop_id == shop.id, Order.order_id == order_id))


def _require_order(session: Session, shop: Shop, order_id: str) -> Order:
    order = find_order(session, shop, order_id)
    if order is None:
        raise OrderNotYetKnown(f"order {order_id} is not known yet")
    return order


def _sync_lines(order: Order, lines: tuple[ev.OrderLine, ...]) -> None:
    existing = {line.line_id: line for line in order.lines}
    for position, line in enumerate(lines):
        row = existing.get(line.id) or OrderLine(line_id=line.id)
        row.position, row.title, row.quantity, row.unit_price = position, line.title, line.quantity, line.unit_price
        row.product_id, row.variant_id, row.sku = line.product_id, line.variant_id, line.sku
        row.requires_shipping, row.unit_tax = line.requires_shipping, line.unit_tax
        if row not in order.lines:
            order.lines.append(row)


def apply_order_seen(session: Session, shop: Shop, event: ev.OrderSeen) -> None:
    """Create or update the order, unless this event is older than what we hold."""
    order = find_order(session, shop, event.order_id)
    if order is not None and order.platform_updated_at > event.updated_at:
        return
    if order is None:
        order = Order(shop_id=shop.id, order_id=event.order_id, lines=[])
        session.add(order)
    order.number, order.currency, order.placed_at = event.number, event.currency, event.placed_at
    order.platform_updated_at, order.status, order.tags = event.updated_at, event.status, list(event.tags)
    order.is_gift, order.shipping_paid, order.deleted = event.is_gift, event.shipping_paid, False
    order.shipping_tax = event.shipping_tax
    if order.redacted_at is None:  # after customers/redact, no later update brings the customer back
        # A swept Shopify order carries no customer (read_customers is not granted): keep the one a webhook gave.
        order.destination_country = event.destination_country
        order.customer_ref = event.customer_ref or order.customer_ref
        order.customer_email_hash = email_fingerprint(event.customer_email) or order.customer_email_hash
        # Encrypted, for the customer's emails (notify); a payload's non-text value is no address.
        email = event.customer_email.strip() if isinstance(event.customer_email, str) else ""
        order.customer_email = email or order.customer_email
    # WooCommerce has no cancellation time (its edit time stands in): a later edit of a cancelled order keeps it.
    order.cancelled_at = (order.cancelled_at or event.cancelled_at) if event.cancelled_at else None
    _sync_lines(order, event.lines)
    if order.production_started_at is None and production_signalled(shop, event.production_signals):
        order.production_started_at = event.production_started_at or event.updated_at
    if event.delivered_at and order.delivered_at is None:
        order.delivered_at = event.delivered_at
    apply_order_facts(session, shop, order, event)
    session.flush()
    for refund in event.refunds:
        apply_refund(session, shop, refund)


def apply_order_deleted(session: Session, shop: Shop, event: ev.OrderDeleted) -> None:
    """Mark the order deleted (WooCommerce trash); a restore brings it back."""
    order = find_order(session, shop, event.order_id)
    if order is not None:
        order.deleted = True


def _mark_lines_delivered(order: Order, fulfillment: Fulfillment) -> None:
    lines = {q[0] for q in fulfillment.line_quantities} or {line.line_id for line in order.lines}
    for line in order.lines:
        if line.line_id in lines and (line.delivered_at is None or line.delivered_at > fulfillment.delivered_at):
            line.delivered_at = fulfillment.delivered_at


def apply_fulfillment(session: Session, shop: Shop, event: ev.FulfillmentSeen) -> None:
    """Record a shipment; shipping implies production had started; a confirmed delivery date is kept."""
    order = _require_order(session, shop, event.order_id)
    row = next((f for f in order.fulfillments if f.fulfillment_id == event.fulfillment_id), None)
    if row is None:
        row = Fulfillment(fulfillment_id=event.fulfillment_id, platform_updated_at=event.updated_at)
        order.fulfillments.append(row)
    elif row.platform_updated_at > event.updated_at:
        return
    row.platform_updated_at, row.status = event.updated_at, event.status or row.status
    row.shipment_status = event.shipment_status or row.shipment_status
    row.tracking_numbers = list(event.tracking_numbers) or row.tracking_numbers
    row.line_quantities = [list(q) for q in event.line_quantities] or row.line_quantities
    row.delivered_at = row.delivered_at or event.delivered_at
    order.production_started_at = order.production_started_at or event.updated_at
    # Its lines left when the shipment was created; a payload without that time tells when it was heard of.
    shipped = event.shipped_at or event.updated_at
    row.shipped_at = min(row.shipped_at or shipped, shipped)
    order.shipped_at = min(order.shipped_at or shipped, shipped)
    if row.delivered_at:
        _mark_lines_delivered(order, row)


def apply_shipment_event(session: Session, shop: Shop, event: ev.ShipmentEvent) -> None:
    """A carrier event: 'delivered' confirms delivery of the fulfillment's lines, at the carrier's own time."""
    order = _require_order(session, shop, event.order_id)
    row = next((f for f in order.fulfillments if f.fulfillment_id == event.fulfillment_id), None)
    if row is None:
        raise OrderNotYetKnown(f"fulfillment {event.fulfillment_id} of order {event.order_id} is not known yet")
    if row.delivered_at is None:  # once a carrier confirms delivery, later events do not undo it
        row.shipment_status = event.status
    # A time read off a fulfillment update is when the platform heard of it, never before the carrier's
    # happened_at: the earliest delivery time stands, whichever arrived first.
    if event.status == "delivered" and (row.delivered_at is None or event.happened_at < row.delivered_at):
        row.delivered_at = event.happened_at
        _mark_lines_delivered(order, row)


def apply_refund(session: Session, shop: Shop, event: ev.RefundRecorded) -> None:
    """Record a refund once; the order's refunded total is the sum of its refunds."""
    order = _require_order(session, shop, event.order_id)
    if any(r.refund_id == event.refund_id for r in order.refunds):
        return
    order.refunds.append(OrderRefund(refund_id=event.refund_id, amount=event.amount, created_at=event.created_at,
                                     line_quantities=[list(q) for q in event.line_quantities]))
    order.refunded_total = sum((r.amount for r in order.refunds), Decimal(0))


def _return_order(session: Session, shop: Shop, event: ev.ReturnSeen) -> Order:
    if event.order_id is not None:
        return _require_order(session, shop, event.order_id)
    order = session.scalar(select(Order).join(ReturnRequest).where(
        Order.shop_id == shop.id, ReturnRequest.return_id == event.return_id))
    if order is None:
        raise OrderNotYetKnown(f"return {event.return_id} is not known yet")
    return order


def apply_return(session: Session, shop: Shop, event: ev.ReturnSeen) -> None:
    """Create or move a return request along (requested -> open -> closed, or declined / canceled)."""
    order = _return_order(session, shop, event)
    row = next((r for r in order.returns if r.return_id == event.return_id), None)
    if row is None:
        row = ReturnRequest(return_id=event.return_id, status=event.status)
        order.returns.append(row)
    elif event.updated_at and row.platform_updated_at and row.platform_updated_at > event.updated_at:
        return
    row.status, row.platform_updated_at = event.status, event.updated_at or row.platform_updated_at
    row.reason = event.reason or row.reason
    row.note = event.note or row.note
    row.line_quantities = [list(q) for q in event.line_quantities] or row.line_quantities


ORDER_HANDLERS: dict[type, Callable] = {
    ev.OrderSeen: apply_order_seen,
    ev.OrderDeleted: apply_order_deleted,
    ev.FulfillmentSeen: apply_fulfillment,
    ev.ShipmentEvent: apply_shipment_event,
    ev.RefundRecorded: apply_refund,
    ev.ReturnSeen: apply_return,
}
