"""An exchange out of stock as its order was about to be made falls back to what the policy says then: the request
is decided again with those items out of stock, and an approved refund or store credit is planned once through the
outbox, and the review tag the exchange put on the order comes off. Without such a fallback (or when it needs a
human) the platform's review tag and staff note stand."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain import actions as act
from integration.requests.decide import decision_document, policy_decision, record_decision
from integration.requests.evidence import with_stored_evidence

log = logging.getLogger(__name__)
BATCH = 200                                  # exchanges looked at per run; the rest wait for the next run
FALLBACKS = ("refund", "store_credit")       # resolutions that need no stock


def _unsettled(session: Session) -> list[Action]:
    """Exchanges the platform found out of stock whose fallback has not been looked at, in active shops."""
    return list(session.scalars(
        select(Action).join(Shop, Action.shop_id == Shop.id)
        .where(Action.kind == "create_exchange", Action.state == "succeeded", Shop.status == "active",
               Action.result["out_of_stock"].isnot(None), Action.result["fallback"].as_string().is_(None))
        .order_by(Action.id).limit(BATCH)))


def _numeric(variant) -> str:
    return str(variant).rsplit("/", 1)[-1]


def without_stock(request: dict, variants: list[str]) -> dict:
    """The request with each item whose wanted variant is one of `variants` marked out of stock."""
    short = {_numeric(v) for v in variants}
    return {**request, "items": [
        {**item, "exchange_in_stock": False} if _numeric((item.get("exchange_for") or {}).get("variant_id")) in short
        else item for item in request.get("items") or ()]}


def _fall_back(session: Session, action: Action) -> Decision | None:
    """Decide the action's request again without the stock; the new decision when the policy gives a fallback."""
    case = session.scalar(select(ReturnCase).join(Decision, Decision.case_pk == ReturnCase.id)
                          .where(Decision.id == action.decision_pk))
    if case.decisions[-1].id != action.decision_pk or not action.result["out_of_stock"]:
        return None   # decided again since (that one stands), or refused for its price, not its stock
    shop, order, short = session.get(Shop, case.shop_id), session.get(Order, case.order_pk), action.result["out_of_stock"]
    version, _, decided = policy_decision(session, shop, case, order,
                                          without_stock(with_stored_evidence(session, case), short))
    document = decision_document(case, decided)
    if document["outcome"] != "approved" or document["resolution"] not in FALLBACKS:
        return None
    case.request = without_stock(case.request, short)
    decision = record_decision(session, shop, case, order, version, document, "stock")
    _untag(shop, order, action, decision)
    return decision


def _untag(shop: Shop, order: Order, exchange: Action, decision: Decision) -> None:
    """The review tag the out-of-stock exchange put on the order comes off: the policy settled it, nobody need look."""
    tag = exchange.payload.get("review_tag")
    if tag:
        payload = act.TagOrder(order.order_id, tag, remove=True)
        decision.actions.append(Action(shop_id=shop.id, kind=payload.kind.value, payload=act.payload_json(payload),
                                       idempotency_key=f"returnkit-{decision.id}-untag-{payload.kind}"))


def fall_back_out_of_stock(session: Session) -> list[int]:
    """Look at each exchange found out of stock once: the ids of the requests decided again with a fallback."""
    decided = []
    for action in _unsettled(session):
        decision = _fall_back(session, action)
        action.result = {**action.result, "fallback": f"decision {decision.id}" if decision else "review"}
        if decision is not None:
            decided.append(decision.case_pk)
            log.info("exchange.out-of-stock-fallback: shop %s case %s %s", action.shop_id, decision.case_pk,
                     decision.document["resolution"])
    session.flush()
    return decided
