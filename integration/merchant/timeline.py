"""Activity: the shop's orders with something to show, and one order's timeline of what happened to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from integration.db.models import PolicyVersion, Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase, ReturnParcel
from adapters.registry import ADAPTERS
from integration.requests.evidence import with_stored_evidence
from integration.merchant.labels import ACTION_STATES, DELIVERY_STATES, RuleNamer, key_words, topic_words
from integration.merchant.review_queue import REASON_LABELS, TYPE_LABELS
from integration.merchant.shadow_words import would_have
from integration.shops.mode import SHADOWED

PAGE_SIZE = 25
# Within one instant, the order in which things happen: a delivery brings a request, which is decided, ...
_RANK = {"webhook": 0, "request": 1, "decision": 2, "action": 3, "attempt": 4, "parcel": 5,
         "exchange_return": 6}


@dataclass(frozen=True)
class Entry:
    """One thing that happened to an order: `kind` is webhook | request | decision | action | attempt | parcel
    | exchange_return."""
    at: datetime
    kind: str
    fields: dict = field(default_factory=dict)
    row_id: int | None = None


def _has_activity(shop_id: int):
    return or_(exists().where(ReturnCase.order_pk == Order.id),
               exists().where(WebhookDelivery.shop_id == shop_id, WebhookDelivery.resource_id == Order.order_id))


def _search(query, shop_id: int, number: str):
    query = query.where(Order.shop_id == shop_id, _has_activity(shop_id))
    if number := number.strip().lstrip("#"):
        query = query.where(or_(Order.number == number, Order.order_id == number))
    return query


def activity_orders(session: Session, shop: Shop, number: str = "", page: int = 1) -> tuple[list[dict], int]:
    """One page of the shop's orders that have requests or deliveries, newest first; and the page count."""
    total = session.scalar(_search(select(func.count()).select_from(Order), shop.id, number)) or 0
    requests = (select(func.count()).where(ReturnCase.order_pk == Order.id).correlate(Order).scalar_subquery())
    rows = session.execute(_search(select(Order, requests.label("requests")), shop.id, number)
                           .order_by(Order.placed_at.desc(), Order.id.desc())
                           .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return [{"order": order, "requests": count} for order, count in rows], max(1, -(-total // PAGE_SIZE))


def _deliveries(session: Session, shop: Shop, order: Order) -> list[Entry]:
    # Only the delivery's metadata: its body holds customer data and never reaches a page.
    rows = session.execute(select(WebhookDelivery.id, WebhookDelivery.topic, WebhookDelivery.received_at,
                                  WebhookDelivery.status).where(WebhookDelivery.shop_id == shop.id,
                                                                WebhookDelivery.resource_id == order.order_id))
    title = ADAPTERS[shop.platform].title
    return [Entry(received, "webhook", {"topic": topic, "event": topic_words(topic, title), "status": status,
                                        "status_words": DELIVERY_STATES.get(status, key_words(status))}, row_id)
            for row_id, topic, received, status in rows]


_DECIDERS = {"policy": "the policy", "stock": "the policy, the exchange being out of stock",
             "evidence": "the policy, with the evidence sent"}


def decided_by_words(decided_by: str) -> str:
    """Who decided, in words: 'the policy', 'Robin (owner) on review', 'Robin's inspection', 'Shopify admin'."""
    kind, _, who = decided_by.partition(":")
    if kind == "merchant":
        return who if who == "Shopify admin" else f"{who} on review"
    if kind == "inspection":
        return f"the inspection by {who}"
    return _DECIDERS.get(decided_by, decided_by.replace("_", " "))


def _decision_entries(decision: Decision, versions: dict[int, int], namer: RuleNamer) -> list[Entry]:
    doc = decision.document
    out = [Entry(decision.created_at, "decision", {
        "outcome": doc["outcome"], "rules": doc.get("rules", []), "explanation": doc.get("explanation", ""),
        "rule_words": [namer(rule, decision.policy_version_id) for rule in doc.get("rules", [])],
        "policy_version": versions.get(decision.policy_version_id), "decided_by": decided_by_words(decision.decided_by),
        "refund": doc.get("refund"), "review": doc.get("review"), "inspection": doc.get("inspection")}, decision.id)]
    for action in decision.actions:
        out.append(Entry(action.created_at, "action", {"action_kind": action.kind, "state": action.state,
                                                       "state_words": ACTION_STATES.get(action.state, action.state),
                                                       "attempts": action.attempts, "last_error": action.last_error,
                                                       "would_have": would_have(action.kind, action.payload)
                                                       if action.state == SHADOWED else None,
                                                       **by_hand(action)}, action.id))
        out += [Entry(attempt.finished_at or attempt.started_at, "attempt",
                      {"action_kind": action.kind, "status": attempt.status, "response": attempt.response,
                       "action_id": action.id}, attempt.id) for attempt in action.attempt_log]
    return out


def _parcel_entries(session: Session, shop: Shop, case_ids: list[int]) -> list[Entry]:
    """Each step of the requests' return parcels: in transit, delivered back, or closed unused."""
    parcels = session.scalars(select(ReturnParcel).where(ReturnParcel.shop_id == shop.id,
                                                         ReturnParcel.case_pk.in_(case_ids))) if case_ids else ()
    return [Entry(at, "parcel", {"step": step, "request": p.case_pk, "tracking_code": p.tracking_code,
                                 "carrier_status": p.carrier_status}, p.id)
            for p in parcels for step, at in (("in_transit", p.in_transit_at), ("delivered", p.delivered_at),
                                              ("expired", p.expired_at)) if at is not None]


def _exchange_return(session: Session, shop: Shop, case: ReturnCase) -> list[Entry]:
    """An instant exchange shipped before the return: open until its parcel is delivered or it is inspected."""
    instant = next((d for d in case.decisions if (d.document.get("exchange") or {}).get("instant")), None)
    if instant is None:
        return []
    delivered = session.scalar(select(func.min(ReturnParcel.delivered_at)).where(
        ReturnParcel.shop_id == shop.id, ReturnParcel.case_pk == case.id))
    inspected = bool(case.request.get("inspected"))
    state = "open" if delivered is None and not inspected else "closed"
    return [Entry(instant.created_at, "exchange_return", {"request": case.id, "state": state,
                                                          "delivered_at": delivered, "inspected": inspected}, case.id)]


def _source_words(source: str, shop: Shop) -> str:
    """Where a request came from: "the customer page or the API", "a Shopify return request"."""
    if source == "api":
        return "the customer page or the API"
    platform, _, kind = source.partition("_")
    return f"a {ADAPTERS[platform].title if platform in ADAPTERS else key_words(platform)} {kind} request"


def _item_words(order: Order, items: list[dict]) -> list[str]:
    """Each requested item by its title: "Organic tee × 2 (unused)"."""
    titles = {line.line_id: line.title for line in order.lines}
    return [f"{titles.get(str(item.get('line_item_id')), 'an item no longer on the order')} × {item.get('quantity')}"
            + (f" ({key_words(item['condition'])})" if item.get("condition") else "") for item in items]


def by_hand(action) -> dict:
    """A refund the platform recorded without paying it (an offline gateway): its amount, and when it was
    marked paid by the merchant."""
    result = action.result or {}
    if action.kind != "refund" or not result.get("refund_by_hand"):
        return {}
    amount = result.get("amount") or action.payload.get("amount")   # what the platform recorded, when it says
    return {"by_hand": f"{amount} {action.payload.get('currency')}",
            "paid_by_hand": result.get("paid_by_hand")}


def order_timeline(session: Session, shop: Shop, order: Order) -> list[Entry]:
    """Everything that happened to the order, oldest first: deliveries, requests, decisions, actions, attempts."""
    cases = session.scalars(select(ReturnCase).where(ReturnCase.shop_id == shop.id, ReturnCase.order_pk == order.id)
                            .options(selectinload(ReturnCase.decisions).selectinload(Decision.actions)
                                     .selectinload(Action.attempt_log))).all()
    versions = dict(session.execute(select(PolicyVersion.id, PolicyVersion.version)
                                    .where(PolicyVersion.shop_id == shop.id)).all())
    entries, namer = _deliveries(session, shop, order), RuleNamer(session, shop)
    for case in cases:
        request = with_stored_evidence(session, case)
        evidence = request.get("evidence") or {}
        entries.append(Entry(case.created_at, "request", {
            "type": TYPE_LABELS.get(request.get("type"), key_words(request.get("type"))),
            "reason": REASON_LABELS.get(request.get("reason"), key_words(request.get("reason"))),
            "source": _source_words(case.source, shop), "items": _item_words(order, request.get("items") or []),
            "photos": evidence.get("photos", 0), "videos": evidence.get("videos", 0)}, case.id))
        for decision in case.decisions:
            entries += _decision_entries(decision, versions, namer)
        entries += _exchange_return(session, shop, case)
    entries += _parcel_entries(session, shop, [case.id for case in cases])
    return sorted(entries, key=lambda e: (e.at, _RANK[e.kind], e.row_id or 0))
