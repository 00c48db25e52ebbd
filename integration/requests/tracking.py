"""A return parcel's progress from its label service's tracker: each step recorded once and never undone, the
refund that waits for it released once, and the customer told (the notification hook, when installed)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from integration.db.base import utcnow
from integration.db.models import Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase, ReturnParcel
from integration.domain.actions import ActionKind
from integration.domain.parcels import STEPS, ParcelUpdate, step_index
from integration.domain.vocabulary import PARCEL_TIMINGS
from integration.orders.as_case import refunded_quantities
from integration.outbox.plan import plan_actions
from integration.outbox.plan_exchange import exchange_wants

log = logging.getLogger(__name__)
# The request's status once its parcel reaches a step (a closed or re-opened request keeps its own).
_MOVES_FROM = ("decided", "in_transit")


def _label_action(session: Session, shop: Shop, update: ParcelUpdate) -> Action | None:
    """The shop's bought return label this tracker follows (by shipment, else by tracker id)."""
    keys = [Action.result["tracker"].as_string() == update.tracker_id]
    if update.shipment_id:
        keys.append(Action.result["shipment"].as_string() == update.shipment_id)
    return session.scalar(select(Action).where(Action.shop_id == shop.id, Action.kind == "return_label",
                                               Action.state == "succeeded", or_(*keys)).order_by(Action.id))


def label_time(action: Action) -> datetime:
    """When the label was bought: its succeeded attempt's end, else when the action was planned."""
    done = [a.finished_at for a in action.attempt_log if a.status == "succeeded" and a.finished_at]
    return max(done) if done else action.created_at


def parcel_of_label(session: Session, action: Action) -> ReturnParcel:
    """The parcel row of a bought label, made on first use."""
    shipment = (action.result or {}).get("shipment") or f"action-{action.id}"
    parcel = session.scalar(select(ReturnParcel).where(ReturnParcel.shop_id == action.shop_id,
                                                       ReturnParcel.shipment_id == shipment).with_for_update())
    if parcel is None:
        case_pk = session.scalar(select(Decision.case_pk).where(Decision.id == action.decision_pk))
        parcel = ReturnParcel(shop_id=action.shop_id, case_pk=case_pk, action_pk=action.id, shipment_id=shipment,
                              tracker_id=(action.result or {}).get("tracker"), step="label_created",
                              tracking_code=(action.result or {}).get("tracking_code"), label_at=label_time(action))
        session.add(parcel)
        session.flush()
    return parcel


def _advance(parcel: ReturnParcel, update: ParcelUpdate) -> list[str]:
    """Record the steps this update reaches for the first time (a later scan never moves the parcel back)."""
    reached = []
    scanned_at = update.scanned_at or update.delivered_at
    if scanned_at is not None and parcel.in_transit_at is None:
        parcel.in_transit_at = scanned_at
        reached.append("in_transit")
    if update.delivered_at is not None and parcel.delivered_at is None:
        parcel.delivered_at = update.delivered_at
        reached.append("delivered")
    if reached and parcel.step != "expired" and step_index(reached[-1]) > step_index(parcel.step):
        parcel.step = reached[-1]
    now_at = "delivered" if update.delivered_at else "in_transit" if scanned_at else "label_created"
    if step_index(now_at) >= step_index(parcel.step):   # an older Event's status is not the parcel's latest
        parcel.carrier_status = update.status[:40]
    parcel.tracker_id = parcel.tracker_id or update.tracker_id
    return reached


def track_parcel(session: Session, shop: Shop, update: ParcelUpdate) -> list[str] | None:
    """Apply one tracker update to the shop's parcel; the steps newly reached (None for a tracker not ours)."""
    action = _label_action(session, shop, update)
    if action is None:
        log.info("tracking.unknown-tracker: shop %s tracker %s", shop.id, update.tracker_id)
        return None
    parcel = parcel_of_label(session, action)
    reached = _advance(parcel, update)
    case = session.get(ReturnCase, parcel.case_pk)
    moved = [step for step in reached if case.status in _MOVES_FROM]   # not a request closed since, nor re-opened
    for step in moved:
        case.status = step
        log.info("tracking.%s: shop %s case %s", step, shop.id, case.id)
        _announce(session, case, f"return.{step}", {"tracking_code": parcel.tracking_code,
                                                    "carrier_status": parcel.carrier_status})
    if moved:
        release_refund(session, shop, case, parcel.step)
    return reached


def case_source(case: ReturnCase, parcel_step: str | None = None) -> dict:
    """The planner's view of the request, with how far its parcel came (decide.record_decision plans from it)."""
    source = {"submitted_at": case.request.get("submitted_at"), "inspected": case.request.get("inspected", False),
              "type": case.request.get("type"), "exchanges": exchange_wants(case.request), "parcel": parcel_step}
    if case.request.get("edit"):
        source["edit"] = case.request["edit"]   # an edit request's change (integration/outbox/plan_edit.py)
    if source["type"] == "cancellation" and _keeps_lines(case):
        source["keeps_lines"] = True   # a cancellation of some lines: never the platform's whole-order cancel
    if case.source == "shopify_return":
        source["return_id"] = case.source_ref
    else:
        source["case_id"] = case.id
    return source


def _keeps_lines(case: ReturnCase) -> bool:
    """Whether a cancellation names fewer units than the order still holds (units refunded before are gone)."""
    items = case.request.get("items") or []
    if not items:
        return False
    order = object_session(case).get(Order, case.order_pk)
    asked: dict[str, int] = {}
    for item in items:
        asked[str(item["line_item_id"])] = asked.get(str(item["line_item_id"]), 0) + int(item["quantity"])
    gone = refunded_quantities(order)
    return any(asked.get(line.line_id, 0) < line.quantity - gone.get(line.line_id, 0) for line in order.lines)


def parcel_step(session: Session, case: ReturnCase) -> str | None:
    """How far the request's latest return parcel has come (None: no label tracked yet)."""
    return session.scalar(select(ReturnParcel.step).where(ReturnParcel.case_pk == case.id)
                          .order_by(ReturnParcel.id.desc()).limit(1))


def refund_planned(case: ReturnCase, but: Decision | None = None) -> bool:
    """Whether any decision on the request (but `but`) has planned a refund: the parcel's release or a re-decision,
    whichever comes first, plans it, and the other never plans a second."""
    return any(a.kind == ActionKind.REFUND for d in case.decisions if d is not but for a in d.actions)


def release_refund(session: Session, shop: Shop, case: ReturnCase, parcel_step: str) -> Action | None:
    """Plan the refund its latest decision held back for this parcel step, once per request (the key is unique:
    a second worker's insert fails and its retry finds the refund planned)."""
    decision = case.decisions[-1] if case.decisions else None
    if decision is None or decision.outcome != "approved":
        return None
    doc = decision.document
    if doc["refund"]["timing"] not in PARCEL_TIMINGS or refund_planned(case):
        return None
    order = session.get(Order, case.order_pk)
    refunds = [p for p in plan_actions(shop.platform, order.order_id, case_source(case, parcel_step), doc)
               if p.kind == ActionKind.REFUND]
    if not refunds:
        return None
    action = Action(shop_id=shop.id, kind=refunds[0].kind.value, payload=refunds[0].payload,
                    idempotency_key=f"returnkit-{decision.id}-refund-released")
    decision.actions.append(action)
    session.flush()   # the unit of work records it; it is queued once the transaction commits
    log.info("tracking.refund-released: shop %s case %s at %s", shop.id, case.id, parcel_step)
    return action


def _announce(session: Session, case: ReturnCase, event: str, data: dict) -> None:
    """Tell the customer through the notification hook; skipped while that module is not installed."""
    try:
        from integration.notify.announce import announce
    except ImportError:
        return
    announce(session, case, event, data)


def apply_parcel_updates(session: Session, shop: Shop, row: WebhookDelivery, updates: list[ParcelUpdate]) -> str:
    """Process one stored tracking delivery: 'processed', or 'ignored' for a tracker that is not one of ours."""
    results = [track_parcel(session, shop, u) for u in updates] if shop.active else []
    known = [steps for steps in results if steps is not None]
    row.status = "processed" if known else "ignored"
    row.error = None if known else ("not a return label returnkit bought for this shop" if shop.active
                                    else "the shop uninstalled returnkit")
    row.processed_at, row.attempts = utcnow(), row.attempts + 1
    log.debug("tracking.processed: delivery %s steps %s", row.id, known)
    return row.status


def parcel_progress(session: Session, case: ReturnCase) -> dict | None:
    """The parcel's steps for the customer page, each with when it was reached (None: not yet); None: no label."""
    parcel = session.scalar(select(ReturnParcel).where(ReturnParcel.case_pk == case.id).order_by(ReturnParcel.id.desc()))
    if parcel is None:
        label = next((a for d in reversed(case.decisions) for a in d.actions
                      if a.kind == "return_label" and a.state == "succeeded"), None)
        if label is None:
            return None
        parcel = ReturnParcel(step="label_created", label_at=label_time(label),
                              tracking_code=(label.result or {}).get("tracking_code"))
    times = {"label_created": parcel.label_at, "in_transit": parcel.in_transit_at, "delivered": parcel.delivered_at}
    return {"step": parcel.step, "tracking_code": parcel.tracking_code, "expired_at": parcel.expired_at,
            "steps": [{"step": step, "at": times[step]} for step in STEPS]}
