"""Uninstall and the privacy topics: data requests, customer redaction, shop redaction."""
from __future__ import annotations

import json

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import ComplianceExport, Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain import events as ev
from integration.outbox.run import REDACTED_ERROR
from integration.notify.send import forget_recipients
from integration.requests.evidence import delete_case_files


def apply_app_uninstalled(session: Session, shop: Shop, _event: ev.AppUninstalled) -> None:
    """Stop all outbound work; drop the API credentials; keep data until shop/redact."""
    if shop.status != "uninstalled":
        shop.status, shop.uninstalled_at = "uninstalled", utcnow()
    shop.api_token = shop.consumer_key = shop.consumer_secret = None


def _customer_orders(session: Session, shop: Shop, customer_ref: str, order_ids) -> list[Order]:
    return list(session.scalars(select(Order).where(
        Order.shop_id == shop.id, or_(Order.customer_ref == customer_ref, Order.order_id.in_(list(order_ids))))))


def apply_customer_data_request(session: Session, shop: Shop, event: ev.CustomerDataRequested) -> None:
    """Assemble what we hold about the customer for the merchant to hand over."""
    orders = _customer_orders(session, shop, event.customer_ref, event.order_ids)
    document = {"customer": event.customer_ref, "orders": [
        {"order_id": o.order_id, "number": o.number, "placed_at": o.placed_at.isoformat(),
         "destination_country": o.destination_country, "email": o.customer_email,
         "returns": [{"return_id": r.return_id, "status": r.status, "reason": r.reason, "note": r.note}
                     for r in o.returns],
         "requests": [{"request_id": c.id, "type": c.request.get("type"), "description": c.description}
                      for c in session.scalars(select(ReturnCase).where(ReturnCase.order_pk == o.id))]}
        for o in orders]}
    session.add(ComplianceExport(shop_id=shop.id, customer_ref=event.customer_ref, request_id=event.request_id,
                                 document=json.loads(json.dumps(document))))




def _stop_actions(session: Session, shop: Shop, order_pks: list[int]) -> None:
    """Actions not yet done for these orders never run: they would write to a customer who asked to be forgotten."""
    decisions = select(Decision.id).join(ReturnCase, Decision.case_pk == ReturnCase.id).where(
        ReturnCase.shop_id == shop.id, ReturnCase.order_pk.in_(order_pks))
    session.execute(update(Action).where(Action.shop_id == shop.id, Action.decision_pk.in_(decisions),
                                         Action.state.in_(("pending", "retrying"))).values(
        state="dead", last_error=REDACTED_ERROR))


def apply_customer_redacted(session: Session, shop: Shop, event: ev.CustomerRedacted) -> None:
    """Remove the customer's personal data everywhere, raw payloads included; keep anonymous order facts."""
    orders = _customer_orders(session, shop, event.customer_ref, event.order_ids)
    order_ids = [o.order_id for o in orders] + list(event.order_ids)
    for order in orders:
        order.customer_ref, order.destination_country, order.customer_email_hash = None, None, None
        order.customer_email = None
        order.customer_tags, order.customer_orders_count = None, None   # what the shop knew of them goes too
        order.redacted_at = utcnow()
        for ret in order.returns:
            ret.note = None
    _stop_actions(session, shop, [o.id for o in orders])
    forget_recipients(session, shop.id, [o.id for o in orders])
    session.execute(update(ReturnCase).where(ReturnCase.shop_id == shop.id,
                                             ReturnCase.order_pk.in_([o.id for o in orders])).values(description=None))
    session.execute(update(WebhookDelivery).where(
        WebhookDelivery.shop_id == shop.id,
        or_(WebhookDelivery.customer_ref == event.customer_ref, WebhookDelivery.resource_id.in_(order_ids)),
    ).values(body=None, customer_ref=None, headers={}))
    session.execute(delete(ComplianceExport).where(ComplianceExport.shop_id == shop.id,
                                                   ComplianceExport.customer_ref == event.customer_ref))
    # Their photos and videos go entirely: evidence is the customer's own, not an anonymous order fact.
    case_ids = session.scalars(select(ReturnCase.id).where(ReturnCase.shop_id == shop.id,
                                                           ReturnCase.order_pk.in_([o.id for o in orders])))
    delete_case_files(session, shop.id, list(case_ids))


def apply_shop_redacted(session: Session, shop: Shop, _event: ev.ShopRedacted) -> None:
    """Delete everything we hold for the shop (orders, products, deliveries, policies cascade)."""
    delete_case_files(session, shop.id)  # the largest rows: explicitly, not left to each backend's cascade
    # Requests first: their decisions hold the shop's policy versions, which PostgreSQL would otherwise
    # refuse to cascade-delete with the shop.
    session.execute(delete(ReturnCase).where(ReturnCase.shop_id == shop.id))
    session.delete(shop)


COMPLIANCE_HANDLERS = {
    ev.AppUninstalled: apply_app_uninstalled,
    ev.CustomerDataRequested: apply_customer_data_request,
    ev.CustomerRedacted: apply_customer_redacted,
    ev.ShopRedacted: apply_shop_redacted,
}
