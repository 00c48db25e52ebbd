"""The merchant's choice on review: every resolution offered, the chosen one decided, a partial refund with a reason.otherwise: {clause: other, decide: review}
"""
from decimal import Decimal

import pytest

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.policy.engine import decide_as_merchant
from integration.policy.merchant_choice import KEEP_ITEM, MERCHANTS_CHOICE, PARTIAL_LABEL, Choice, offered
from tests.helpers import contract_validator, make_case, policy_from_yaml

POLICY = """
policy: choice
name: Choice
timezone: America/Chicago
clauses: {returns: "Returns within 30 days.", other: "Anything else is up to us.", used: "Used items pay 20 %."}
fees: {worn: {used: {percent: 20, label: wear}}}
rules:
  - {id: ret, clause: returns, decide: approve, when: {reason: [changed_mind]}, resolution: [replacement, refund],
     refund: {timing: after_inspection, shipping: "no", deductions: worn}, return: {required: true, shipping_paid_by: customer}}
"""


def _decide(reason, choice=None, condition="unused"):
    case = load_case(make_case(reason=reason, items=[{"line_item_id": "1", "quantity": 1, "condition": condition}]))
    decided = decide_as_merchant(policy_from_yaml(POLICY), case, "approved", "Loyal customer", choice)
    document = decision_json(decided)
    contract_validator("decision").validate(document)
    return decided, document


def test_a_request_the_policy_left_open_offers_the_merchants_choice():
    decided, _ = _decide("other")
    assert offered("return", list(decided.lines)) == MERCHANTS_CHOICE
    assert "keep_item" in MERCHANTS_CHOICE and "store_credit" in MERCHANTS_CHOICE


def test_a_rule_with_resolutions_offers_exactly_those():
    decided, _ = _decide("changed_mind")
    assert offered("return", list(decided.lines)) == ("replacement", "refund")


@pytest.mark.parametrize("resolution, total, method", [
    ("refund", "49.00", "original_payment"), ("replacement", "0.00", None), ("exchange", "0.00", None),
    ("store_credit", "49.00", "store_credit")])
def test_each_resolution_chosen_is_the_decision(resolution, total, method):
    _, doc = _decide("other", Choice(resolution))
    assert (doc["resolution"], doc["refund"]["total"], doc["resolution_options"][0]) == (resolution, total, resolution)
    assert doc["refund"]["method"] in (method, None) and doc["return_required"] is True


def test_keep_the_item_refunds_at_once_and_nothing_is_sent_back():
    _, kept = _decide("changed_mind", Choice(KEEP_ITEM))
    assert (kept["resolution"], kept["return_required"], kept["return_shipping_paid_by"]) == ("refund", False, None)
    assert kept["refund"]["timing"] == "on_approval" and kept["refund"]["total"] == "49.00"
    assert "You do not need to send the item back." in kept["explanation"]


def test_a_partial_refund_keeps_the_policys_fees_and_names_the_rest_as_the_merchants():
    _, full = _decide("changed_mind", Choice("refund"), condition="used")
    assert full["refund"]["total"] == "39.20"   # 49.00 less the 20 % wear fee
    decided, doc = _decide("changed_mind", Choice("partial_refund", Decimal("12.00")), condition="used")
    refund = doc["refund"]
    assert (refund["total"], refund["deductions"], doc["resolution"]) == ("12.00", "37.00", "refund")
    assert [(f["label"], f["amount"], f["clause"]) for f in refund["fees"]] == [
        ("wear", "9.80", "returns"), (PARTIAL_LABEL, "27.20", None)]
    assert sum(Decimal(f["amount"]) for f in refund["fees"]) == Decimal(refund["deductions"])
    assert doc["explanation"] == ("Approved by the merchant on review: Loyal customer. Resolution: a partial refund of "
                                  "12.00 USD. Return shipping is yours to pay; we send the return address and "
                                  "instructions.")


def test_a_partial_refund_above_what_the_policy_refunds_replaces_its_fees():
    _, doc = _decide("changed_mind", Choice("partial_refund", Decimal("45.00")), condition="used")
    assert doc["refund"]["total"] == "45.00"
    assert [(f["label"], f["amount"]) for f in doc["refund"]["fees"]] == [(PARTIAL_LABEL, "4.00")]


def test_the_choice_round_trips_through_the_review_record():
    choice = Choice("partial_refund", Decimal("12.00"))
    assert Choice.from_review({"outcome": "approved", **choice.json()}) == choice
    assert Choice.from_review({"outcome": "approved"}) is None
