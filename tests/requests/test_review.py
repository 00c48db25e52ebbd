"""The merchant's decisions on review, and inspections previewed before they are recorded."""
from datetime import timedelta

import pytest

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.decide import RequestError, record_inspection
from integration.requests.review import (awaiting_inspection, decide_on_review, inspect_and_refund,
                                         preview_inspection, review_queue)
from tests.helpers import contract_validator
from tests.request_helpers import (DEFECTIVE_HOODIE, DEFECTIVE_NO_PHOTOS, UNLISTED_REASON, latest, shopify_story,
                                   submit, use_policy)


@pytest.fixture()
def shop_id(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    return shops["shopify"].id


def _review(rt, shop_id, case_id, action, reason="Loyal customer", reviewer="Sam Lee"):
    with transaction(rt.sessions) as session:
        decision = decide_on_review(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id),
                                    action, reason, reviewer)
        return decision.id


def _queue(rt, shop_id):
    with rt.sessions() as session:
        return [(case.id, decision.outcome) for case, decision in review_queue(session, session.get(Shop, shop_id))]


def test_the_queue_holds_requests_waiting_for_review_or_evidence_oldest_first(rt, shop_id, shops):
    review = submit(rt, shop_id, UNLISTED_REASON, "a")
    evidence = submit(rt, shop_id, DEFECTIVE_NO_PHOTOS, "b")
    submit(rt, shop_id, DEFECTIVE_HOODIE, "c")   # approved by the policy: not waiting
    assert _queue(rt, shop_id) == [(review, "needs_review"), (evidence, "needs_evidence")]
    assert _queue(rt, shops["woocommerce"].id) == []


def test_approving_records_who_when_and_why_and_plans_the_refund_the_policy_gives(rt, shop_id):
    use_policy(rt, shop_id, "kinectr")   # refunds on approval, when the customer prefers a refund
    case_id = submit(rt, shop_id, {**UNLISTED_REASON, "preferred_resolution": "refund"}, "a")
    suggested = latest(rt, case_id)["document"]
    before = utcnow()
    _review(rt, shop_id, case_id, "approve", "  Regular customer, goodwill  ", "Sam Lee")
    decided = latest(rt, case_id)
    doc = decided["document"]
    contract_validator("decision").validate(doc)
    assert (decided["outcome"], decided["decided_by"]) == ("approved", "merchant:Sam Lee")
    assert doc["review"]["reason"] == "Regular customer, goodwill" and doc["review"]["by"] == "Sam Lee"
    assert doc["review"]["suggested"] == {"outcome": "needs_review", "rules": suggested["rules"]}
    assert before <= decided["created_at"] <= utcnow() + timedelta(seconds=1)
    assert doc["explanation"].startswith("Approved by the merchant on review: Regular customer, goodwill.")
    assert [li["outcome"] for li in doc["lines"]] == ["approved"]
    refund = [payload for kind, _, payload in decided["actions"] if kind == "refund"]
    # One of the two tees asked for was already refunded (the story's refunds/create): only the other is.
    assert refund == [{"order_id": "5550001", "amount": "23.16", "currency": "USD", "shipping": "0.00",
                       "lines": [["9001", 1]], "deductions": "0.00", "tax": "0.66",
                       "method": "original_payment", "return_marker": "returnkit-case-1", "restock": []}]
    assert doc["refund"]["total"] == suggested["refund"]["total"] == "23.16"   # 22.50 and half its line's 1.31 tax
    assert _queue(rt, shop_id) == []


def test_denying_a_shopify_return_declines_it_on_shopify(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "7001", source="shopify_return")
    _review(rt, shop_id, case_id, "deny", "Worn, per the photos")
    decided = latest(rt, case_id)
    contract_validator("decision").validate(decided["document"])
    assert decided["outcome"] == "denied" and decided["document"]["refund"]["total"] == "0.00"
    assert [kind for kind, _, _ in decided["actions"]] == ["decline_return", "order_note"]
    assert decided["actions"][0][2]["return_id"] == "7001"
    assert "Worn, per the photos" in decided["actions"][0][2]["note"]


@pytest.mark.parametrize("action, reason, reviewer, field", [
    ("approve", "", "Sam", "reason"), ("deny", "why", " ", "reviewer"), ("refund", "why", "Sam", "decision")])
def test_a_merchant_decision_needs_a_choice_a_reason_and_a_name(rt, shop_id, action, reason, reviewer, field):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")
    with pytest.raises(RequestError) as caught:
        _review(rt, shop_id, case_id, action, reason, reviewer)
    assert caught.value.status == 422 and caught.value.errors[0].startswith(f"{field}:")
    assert latest(rt, case_id)["count"] == 1


def test_a_request_no_longer_waiting_cannot_be_reviewed(rt, shop_id):
    case_id = submit(rt, shop_id, DEFECTIVE_HOODIE, "a")
    with pytest.raises(RequestError) as caught:
        _review(rt, shop_id, case_id, "deny")
    assert caught.value.status == 409


def _inspect(rt, shop_id, case_id, conditions, preview_only=False):
    with transaction(rt.sessions) as session:
        shop, case = session.get(Shop, shop_id), session.get(ReturnCase, case_id)
        if preview_only:
            return preview_inspection(session, shop, case, conditions)
        return inspect_and_refund(session, shop, case, conditions, "Robin").document


def test_the_inspection_preview_is_what_the_inspection_then_decides(rt, shop_id):
    use_policy(rt, shop_id, "motion-hardware")
    case_id = submit(rt, shop_id, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                   "reason": "changed_mind", "items": [{"line_item_id": "9001", "quantity": 2}]}, "a")
    with rt.sessions() as session:
        assert [c.id for c, _ in awaiting_inspection(session, session.get(Shop, shop_id))] == [case_id]
    preview = _inspect(rt, shop_id, case_id, {"9001": "unused"}, preview_only=True)
    assert latest(rt, case_id)["count"] == 1   # a preview saves nothing
    [line] = preview.lines
    # The story's refunds/create already refunded one of the two tees: only the other is left to refund.
    assert (line.value, line.deduction, line.condition) == ("22.50", "2.25", "unused")
    recorded = _inspect(rt, shop_id, case_id, {"9001": "unused"})
    assert recorded == preview.document
    # Half the tees' 1.31 tax (the order's tax_lines), 0.66 half up, goes back with it; the fee is on the price before tax.
    assert (recorded["refund"]["deductions"], recorded["refund"]["tax"], recorded["refund"]["total"]) == (
        "2.25", "0.66", "20.91")
    assert latest(rt, case_id)["decided_by"] == "inspection:Robin"
    assert [kind for kind, _, _ in latest(rt, case_id)["actions"]] == ["refund", "order_note"]
    with pytest.raises(RequestError):   # inspected once
        _inspect(rt, shop_id, case_id, {"9001": "unused"})


def test_the_merchants_approval_stands_through_the_inspection(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")   # kaolate: after inspection
    _review(rt, shop_id, case_id, "approve")
    with transaction(rt.sessions) as session:
        record_inspection(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id), {"9001": "unused"}, "Robin")
    decided = latest(rt, case_id)
    assert decided["outcome"] == "approved" and decided["document"]["review"]["by"] == "Sam Lee"
    assert ("refund", "pending") in [(kind, state) for kind, state, _ in decided["actions"]]
