"""Requests in, decisions and their outbox of actions out, all in one transaction."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.db.models import PolicyVersion, Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain.actions import ActionKind
from integration.policy.engine import decide, decide_as_merchant
from integration.policy.merchant_choice import Choice
from integration.observability.metrics import count_decision
from integration.requests.evidence import (ValidFile, file_json, list_files, store_files, with_files_counted,
                                          with_stored_evidence)
from integration.requests.customer_access import public_slug
from integration.requests.customer_words import denial_reason
from integration.requests.edits import edit_refused
from integration.requests.next_steps import next_steps
from integration.requests.tracking import case_source, parcel_step, refund_planned
from integration.notify.announce import announce
from integration.notify.language import case_locale, request_locale, translator
from integration.orders.as_case import decision_case
from integration.outbox.plan import ReturnLogistics, plan_actions
from integration.shops.current_policy import policy_for  # noqa: F401  (its callers import it from here too)
from integration.shops.replacements import chosen_modes
from integration.shops.mode import action_state
from integration.shops.returns_setup import labels_ready, return_address_text
from integration.runtime import settings_of


class RequestError(ValueError):
    """A request that cannot be taken; `errors` are 'path: message' lines, `status` the HTTP status."""

    def __init__(self, errors: list[str], status: int = 422):
        super().__init__(errors[0])
        self.errors, self.status = errors, status


def find_case(session: Session, shop: Shop, source: str, source_ref: str) -> ReturnCase | None:
    """The shop's request from this source (a platform return id or a request key), if taken before."""
    return session.scalar(select(ReturnCase).where(ReturnCase.shop_id == shop.id, ReturnCase.source == source,
                                                   ReturnCase.source_ref == source_ref))


def submit_request(session: Session, shop: Shop, order: Order, request: dict, source: str, source_ref: str,
                   files: Sequence[ValidFile] = (), locale: str | None = None) -> tuple[ReturnCase, Decision]:
    """Take a request once (a repeat returns the first one's decision), store its evidence files, decide it.
    `locale`: the customer page's language, remembered for the customer's emails (else the shop's)."""
    existing = find_case(session, shop, source, source_ref)
    if existing is not None:
        return existing, existing.decisions[-1]
    if order.redacted_at is not None:
        raise RequestError(["order_id: this order's customer asked to be forgotten (customers/redact); it takes no "
                            "more requests"], 410)
    if refused := edit_refused(policy_for(session, shop)[1], request):
        raise RequestError([refused])
    contract_case = _checked_case(session, shop, order, with_files_counted(request, Counter(f.kind for f in files)))
    case = ReturnCase(shop_id=shop.id, order_pk=order.id, source=source, source_ref=source_ref, request=request)
    session.add(case)
    session.flush()
    store_files(session, case, files)
    announce(session, case, "request.received", {"type": request.get("type"), "source": source,
                                                  "locale": request_locale(shop, locale)})
    version, _, decided = decide_loaded(session, shop, case, replace(contract_case, id=str(case.id)))
    return case, record_decision(session, shop, case, order, version, decision_document(case, decided), "policy")


def _checked_case(session: Session, shop: Shop, order: Order, request: dict):
    """The request on the stored order as the engine's case; a RequestError naming each bad field."""
    try:
        return load_case(decision_case(session, shop, order, request))
    except InvalidCase as exc:
        raise RequestError([e if e.startswith("request") else f"order: {e}" for e in exc.errors]) from None


def merchant_review(case: ReturnCase) -> dict | None:
    """The merchant's decision on review that stands for this request (outcome, by, reason, at), if any."""
    latest = case.decisions[-1] if case.decisions else None
    return latest.document.get("review") if latest else None


def policy_decision(session: Session, shop: Shop, case: ReturnCase, order: Order, request: dict):
    """(version, policy, engine decision) for `request` on the case's order, nothing saved. Once the merchant
    has decided on review, their outcome stands: evidence or an inspection only changes its terms."""
    request = with_label_cost(case, order, request)
    return decide_loaded(session, shop, case, load_case(decision_case(session, shop, order, request, str(case.id))))


def with_label_cost(case: ReturnCase, order: Order, request: dict) -> dict:
    """The request with what the prepaid return label the shop bought for it cost (a fee's `base: label`), once
    bought and in the order's currency; as it was otherwise."""
    for decision in reversed(case.decisions):
        for action in decision.actions:
            result = action.result or {}
            if action.kind == "return_label" and action.state == "succeeded" and result.get("cost") \
                    and result.get("currency") == order.currency:
                return {**request, "return_label_cost": str(result["cost"])}
    return request


def decide_loaded(session: Session, shop: Shop, case: ReturnCase, contract_case):
    """(version, policy, engine decision) on a case already built; the merchant's review outcome stands."""
    version, policy = policy_for(session, shop)
    if review := merchant_review(case):
        return version, policy, decide_as_merchant(policy, contract_case, review["outcome"], review["reason"],
                                                   Choice.from_review(review))   # the resolution they chose
    return version, policy, decide(policy, contract_case)


def decide_case(session: Session, shop: Shop, case: ReturnCase, order: Order, decided_by: str = "policy") -> Decision:
    """Decide the request with the shop's current policy; record the version; plan the actions."""
    version, _, decided = policy_decision(session, shop, case, order, with_stored_evidence(session, case))
    return record_decision(session, shop, case, order, version, decision_document(case, decided), decided_by)


def decision_document(case: ReturnCase, decided) -> dict:
    """The engine's decision as stored: the contract's JSON, carrying the merchant's review forward."""
    review = merchant_review(case)
    return {**decision_json(decided), **({"review": review} if review else {})}


def with_version_used(document: dict, version: PolicyVersion) -> dict:
    """The decision with `policy.version` the shop's stored version that decided it; the document's own `version:`
    key is kept as `policy.document_version`."""
    policy = dict(document.get("policy") or {})
    written = policy.get("document_version", policy.get("version"))
    return {**document, "policy": {**policy, "version": version.version, "document_version": written}}


def record_decision(session: Session, shop: Shop, case: ReturnCase, order: Order, version: PolicyVersion,
                    document: dict, decided_by: str) -> Decision:
    """Store a decision document on the request and plan its actions (queued by the caller after commit)."""
    document = with_version_used(document, version)
    decision = Decision(case_pk=case.id, policy_version_id=version.id, outcome=document["outcome"],
                        document=document, decided_by=decided_by)
    case.decisions.append(decision)
    count_decision(session, document["outcome"])
    case.status = "decided" if document["outcome"] in ("approved", "denied") else "open"
    session.flush()
    logistics = ReturnLogistics(labels_ready(shop), return_address_text(shop), chosen_modes(shop))
    base = settings_of(session).public_url   # the caller's runtime's address, not this process's environment
    link = f"{base}/app/activity/orders/{order.id}#decision-{decision.id}"
    planned_actions = plan_actions(shop.platform, order.order_id, case_source(case, parcel_step(session, case)),
                                   document, link=link, logistics=logistics,
                                   request_page=f"{base}/r/{public_slug(shop)}")
    if refund_planned(case, but=decision):   # the parcel's step (or an earlier decision) already planned it
        planned_actions = [p for p in planned_actions if p.kind != ActionKind.REFUND]
    for n, planned in enumerate(planned_actions):
        decision.actions.append(Action(shop_id=shop.id, kind=planned.kind.value, payload=planned.payload,
                                       idempotency_key=f"returnkit-{decision.id}-{n}-{planned.kind}",
                                       state=action_state(shop)))   # shadow mode: "would have done", never sent
    session.flush()   # the unit of work records the new actions; they are queued once it commits
    _announce_decision(session, shop, case, order, decision, f"{base}/r/{public_slug(shop)}")
    return decision


def _announce_decision(session: Session, shop: Shop, case: ReturnCase, order: Order, decision: Decision,
                       request_page: str) -> None:
    """request.decided, with what the customer reads: the reason, the next steps, where to send evidence."""
    document = decision.document
    reason = (document.get("review") or {}).get("reason") or document.get("explanation")
    data = {"decision_id": decision.id, "outcome": decision.outcome, "reason": reason,
            "rules": document.get("rules", []), "resolution": document.get("resolution"),
            "next_steps": next_steps(shop, order, case, decision)["steps"]}
    if decision.outcome == "needs_evidence":
        data |= {"link": request_page, "evidence": document.get("evidence_required", [])}
    locale = case_locale(session, case)   # the email's words in the customer's language; the webhook's stay English
    # The reason: the rule's or the reviewer's own words as written; our English explanation only in English.
    said = denial_reason(decision) or (reason if locale == "en" or document.get("review") else None)
    words = {"next_steps": next_steps(shop, order, case, decision, translator(locale), locale)["steps"], "reason": said}
    announce(session, case, "request.decided", data, words)


def add_evidence(session: Session, shop: Shop, case: ReturnCase, evidence: dict,
                 files: Sequence[ValidFile] = ()) -> Decision:
    """More photos, videos (counted, or as files) or a description: the request is decided again."""
    store_files(session, case, files)
    merged = {**case.request.get("evidence", {})}
    for kind in ("photos", "videos"):
        merged[kind] = merged.get(kind, 0) + int(evidence.get(kind) or 0)
    merged["description"] = bool(merged.get("description") or evidence.get("description"))
    case.request = {**case.request, "evidence": merged}
    return decide_case(session, shop, case, session.get(Order, case.order_pk), decided_by="evidence")


def record_inspection(session: Session, shop: Shop, case: ReturnCase, conditions: dict[str, str], by: str,
                      notes: str | None = None) -> Decision:
    """The merchant received and inspected the items: decided again with the inspected conditions
    (fees by condition apply), and an approved refund is issued; what the inspector noted is kept with it."""
    case.request = inspected_request(case.request, conditions)
    decision = decide_case(session, shop, case, session.get(Order, case.order_pk), decided_by=f"inspection:{by}")
    if notes and notes.strip():
        decision.document = {**decision.document, "inspection": {"by": by, "notes": notes.strip()[:2000]}}
    return decision


def inspected_request(request: dict, conditions: dict[str, str]) -> dict:
    """The request as inspected: each item's condition as found (line id -> condition), marked inspected."""
    items = [{**item, "condition": conditions.get(item["line_item_id"], item.get("condition", "unused"))}
             for item in request.get("items", [])]
    return {**request, "items": items, "inspected": True}


def case_json(case: ReturnCase) -> dict:
    """A request (with its stored evidence counted), its evidence files, its latest decision and its actions."""
    session = object_session(case)  # the caller's, which loaded the case
    latest = case.decisions[-1] if case.decisions else None
    return {"request_id": case.id, "status": case.status, "source": case.source,
            "request": with_stored_evidence(session, case),
            "evidence_files": [file_json(stored) for stored in list_files(session, case)],
            "decision": latest.document if latest else None,
            "policy_version_id": latest.policy_version_id if latest else None,
            "actions": [{"id": a.id, "kind": a.kind, "state": a.state, "attempts": a.attempts,
                         "last_error": a.last_error, "result": a.result if a.kind == "return_label" else None}
                        for a in (latest.actions if latest else [])]}
