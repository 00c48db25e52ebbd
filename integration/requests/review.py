"""What the policy leaves to the merchant: the review queue, approve/deny on review, and inspections."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Decision, ReturnCase
from integration.domain.vocabulary import CONDITIONS, PARCEL_TIMINGS
from integration.policy.engine import decide_as_merchant
from integration.requests.evidence import with_stored_evidence
from integration.requests.inspection_preview import FeeLine, LineRefund, changes, preview_lines, request_fees
from integration.requests.review_choice import Offer, merchant_offer, parse_choice
from integration.orders.as_case import decision_case
from integration.requests.decide import (RequestError, decision_document, inspected_request, policy_decision,
                                          policy_for, record_decision, record_inspection, with_version_used)

WAITING = ("needs_review", "needs_evidence")
MERCHANT_OUTCOMES = {"approve": "approved", "deny": "denied"}
MAX_REASON = 1000
# An inspection releases these refunds (outbox/timing.py): after it, or before the parcel's step is reached.
INSPECTED_TIMINGS = ("after_inspection", *PARCEL_TIMINGS)
# The inspector's word on the claimed reason, as the form says it -> the case's request.reason_confirmed.
CONFIRMED = {"": None, "yes": True, "no": False}


def latest_decisions():
    """A subquery: each request's latest decision id (case_pk, latest)."""
    return (select(Decision.case_pk, func.max(Decision.id).label("latest"))
            .group_by(Decision.case_pk).subquery())


def _with_latest(shop_id: int, outcomes: tuple[str, ...]):
    latest = latest_decisions()
    return (select(ReturnCase, Decision)
            .join(latest, latest.c.case_pk == ReturnCase.id)
            .join(Decision, Decision.id == latest.c.latest)
            .where(ReturnCase.shop_id == shop_id, Decision.outcome.in_(outcomes)))


def review_queue(session: Session, shop: Shop) -> list[tuple[ReturnCase, Decision]]:
    """The shop's requests whose latest decision waits for review or evidence, oldest first."""
    query = _with_latest(shop.id, WAITING).order_by(ReturnCase.created_at, ReturnCase.id)
    return [(case, decision) for case, decision in session.execute(query)]


def awaiting_inspection(session: Session, shop: Shop) -> list[tuple[ReturnCase, Decision]]:
    """Approved returns whose refund waits for the inspection or the parcel, not yet inspected, oldest first."""
    query = _with_latest(shop.id, ("approved",)).where(
        Decision.document[("refund", "timing")].as_string().in_(INSPECTED_TIMINGS)
    ).order_by(ReturnCase.created_at, ReturnCase.id)
    return [(case, decision) for case, decision in session.execute(query) if not case.request.get("inspected")]


def _review_input(action: str, reason: str, reviewer: str) -> tuple[str, str, str]:
    errors = []
    if action not in MERCHANT_OUTCOMES:
        errors.append("decision: choose approve or deny")
    if not reason.strip():
        errors.append("reason: say why, in a few words (the customer sees it)")
    elif len(reason) > MAX_REASON:
        errors.append(f"reason: keep it under {MAX_REASON} characters")
    if not reviewer.strip():
        errors.append("reviewer: give your name, so the decision records who made it")
    if errors:
        raise RequestError(errors, 422)
    # decided_by is 100 characters: "merchant:" and the name
    return MERCHANT_OUTCOMES[action], reason.strip(), reviewer.strip()[:90]


def approve_offer(session: Session, shop: Shop, case: ReturnCase) -> Offer:
    """What approving this request may grant (review_choice.merchant_offer), for the approve form."""
    _, policy = policy_for(session, shop)
    return merchant_offer(policy, _contract_case(session, shop, case))


def _contract_case(session: Session, shop: Shop, case: ReturnCase):
    order = session.get(Order, case.order_pk)
    return load_case(decision_case(session, shop, order, case.request, case_id=str(case.id)))


def decide_on_review(session: Session, shop: Shop, case: ReturnCase, action: str, reason: str,
                     reviewer: str, resolution: str = "", amount: str = "") -> Decision:
    """The merchant approves or denies a request waiting for review: a new decision by "merchant:<name>", the
    policy's terms for that outcome, or the resolution or partial refund the merchant chose when approving, and
    its actions planned (queue them after commit)."""
    outcome, reason, reviewer = _review_input(action, reason, reviewer)
    previous = case.decisions[-1] if case.decisions else None
    if previous is None or previous.outcome not in WAITING:
        raise RequestError(["request: this request is not waiting for review any more"], 409)
    version, policy = policy_for(session, shop)
    contract_case = _contract_case(session, shop, case)
    choice = parse_choice(merchant_offer(policy, contract_case), resolution, amount) if outcome == "approved" else None
    decided = decide_as_merchant(policy, contract_case, outcome, reason, choice)
    if decided.outcome != outcome:
        raise RequestError(["request: none of its items is on the order, so nothing can be approved"], 422)
    review = {"outcome": outcome, "by": reviewer, "reason": reason, "at": utcnow().isoformat(),
              **(choice.json() if choice else {}),
              "suggested": {"outcome": previous.outcome, "rules": previous.document.get("rules", [])}}
    order = session.get(Order, case.order_pk)
    document = {**decision_json(decided), "review": review}
    return record_decision(session, shop, case, order, version, document, f"merchant:{reviewer}")


@dataclass(frozen=True)
class InspectionPreview:
    document: dict
    lines: list[LineRefund]
    fees: list[FeeLine]     # charged once on the request, not on one line
    changes: list[str]      # what changes against the approved decision, and the rule that now decides


def inspection_conditions(case: ReturnCase, form: dict) -> dict[str, str]:
    """Each returned line's inspected condition from the form (`condition-<line id>`); 422 naming the field."""
    conditions = {}
    for item in case.request.get("items", []):
        field = f"condition-{item['line_item_id']}"
        value = form.get(field, "")
        if value not in CONDITIONS:
            raise RequestError([f"{field}: choose one of {', '.join(CONDITIONS)}"], 422)
        conditions[item["line_item_id"]] = value
    return conditions


def inspection_confirmed(form) -> bool | None:
    """Whether the inspection confirmed the claimed reason (`reason_confirmed`: yes, no, or empty: not checked)."""
    word = form.get("reason_confirmed", "")
    if word not in CONFIRMED:
        raise RequestError(["reason_confirmed: choose yes, no or not checked"], 422)
    return CONFIRMED[word]


def api_confirmed(body: dict) -> bool | None:
    """The API's `reason_confirmed`: true, false, or null / left out when the reason was not checked."""
    value = body.get("reason_confirmed")
    if value is not None and not isinstance(value, bool):
        raise RequestError([f"reason_confirmed: send true, false or null (not checked), not {value!r}"], 422)
    return value


def with_confirmed(request: dict, confirmed: bool | None) -> dict:
    """The request carrying the inspection's word on its reason (not checked: none)."""
    out = {key: value for key, value in request.items() if key != "reason_confirmed"}
    return out if confirmed is None else {**out, "reason_confirmed": confirmed}


def preview_inspection(session: Session, shop: Shop, case: ReturnCase, conditions: dict[str, str],
                       confirmed: bool | None = None) -> InspectionPreview:
    """The refund the policy gives with these inspected conditions (and word on the reason), nothing saved: the
    decision, each line's fees with their rule and clause, and what changes against the approved decision."""
    order = session.get(Order, case.order_pk)
    inspected = with_confirmed(inspected_request(with_stored_evidence(session, case), conditions), confirmed)
    version, policy, decided = policy_decision(session, shop, case, order, inspected)
    document = with_version_used(decision_document(case, decided), version)   # as recording it would store it
    before = case.decisions[-1].document if case.decisions else None
    return InspectionPreview(document, preview_lines(policy, decided, before), request_fees(policy, decided),
                             changes(policy, decided, document, before))


def awaits_inspection(case: ReturnCase) -> bool:
    """True for an approved request whose refund waits for the inspection or the parcel, not yet inspected."""
    latest = case.decisions[-1] if case.decisions else None
    return (latest is not None and latest.outcome == "approved" and not case.request.get("inspected")
            and latest.document["refund"]["timing"] in INSPECTED_TIMINGS)


def inspect_and_refund(session: Session, shop: Shop, case: ReturnCase, conditions: dict[str, str], by: str,
                       confirmed: bool | None = None, notes: str | None = None) -> Decision:
    """Record the inspection (record_inspection) with its word on the reason for a request awaiting one; the
    refund is planned unless the parcel's step released it already (decide.record_decision plans it once)."""
    if not awaits_inspection(case):
        raise RequestError(["request: this request is not waiting for an inspection"], 409)
    if not by.strip():
        raise RequestError(["inspector: give your name, so the inspection records who did it"], 422)
    case.request = with_confirmed(case.request, confirmed)
    return record_inspection(session, shop, case, conditions, by.strip()[:80], notes)

