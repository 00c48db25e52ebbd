"""Close requests whose prepaid return label was never used: no carrier scan within the policy's
`label_expires_after_days` of the purchase. The customer gets a note (through the outbox) and the order's
timeline shows the parcel expired."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.requests.customer_access import public_slug
from integration.requests.tracking import label_time, parcel_of_label
from integration.runtime import settings_of

log = logging.getLogger(__name__)
BATCH = 500   # labels looked at per run; the rest wait for the next run


def _waiting_labels(session: Session) -> list[Action]:
    """Bought labels of approved requests still waiting for their parcel, in active shops."""
    return list(session.scalars(
        select(Action).join(Decision, Action.decision_pk == Decision.id)
        .join(ReturnCase, Decision.case_pk == ReturnCase.id).join(Shop, Action.shop_id == Shop.id)
        .where(Action.kind == "return_label", Action.state == "succeeded", ReturnCase.status == "decided",
               Shop.status == "active", Decision.document["return_label_expires_after_days"].as_integer() > 0)
        .order_by(Action.id).limit(BATCH)))


def _expiry_days(case: ReturnCase) -> int | None:
    """The days the standing decision gives its label; None when it sets none or the request has moved on."""
    latest = case.decisions[-1]
    if latest.outcome != "approved" or case.request.get("inspected"):
        return None
    return latest.document.get("return_label_expires_after_days")


def _customer_text(session: Session, shop: Shop, order: Order, days: int) -> str:
    page = f"{settings_of(session).public_url}/r/{public_slug(shop)}"
    return (f"Your prepaid return label for order {order.number or order.order_id} was not used within {days} days, "
            f"so this return request is now closed. To return the item after all, start a new request on {page}.")


def _expire(session: Session, action: Action, case: ReturnCase, days: int, now: datetime) -> bool:
    parcel = parcel_of_label(session, action)
    if parcel.step != "label_created" or parcel.label_at + timedelta(days=days) > now:
        return False
    parcel.step, parcel.expired_at, case.status = "expired", now, "closed"
    shop, order = session.get(Shop, case.shop_id), session.get(Order, case.order_pk)
    latest = case.decisions[-1]
    note = act.CustomerNote(order.order_id, _customer_text(session, shop, order, days))
    latest.actions.append(Action(shop_id=shop.id, kind=note.kind.value, payload=payload_json(note),
                                 idempotency_key=f"returnkit-{latest.id}-label-expired"))
    log.info("tracking.label-expired: shop %s case %s after %s days", shop.id, case.id, days)
    return True


def expire_unused_labels(session: Session, now: datetime) -> list[int]:
    """Close each request whose label is past its policy's days without a scan; the ids of those closed."""
    closed = []
    for action in _waiting_labels(session):
        case = session.get(ReturnCase, session.get(Decision, action.decision_pk).case_pk)
        days = _expiry_days(case)
        if days and label_time(action) + timedelta(days=days) <= now and _expire(session, action, case, days, now):
            closed.append(case.id)
    session.flush()
    return closed
