"""The refund timings that wait for the return parcel, and the unused-label term, in the policy language, the
decision and the planner."""
import pytest

from integration.domain.actions import ActionKind
from integration.outbox.plan import plan_actions
from integration.outbox.timing import refund_due
from integration.policy.compiler import InvalidPolicy
from tests.helpers import decide_json, make_case, policy_from_yaml

POLICY = """
policy: shop
name: Shop
timezone: America/Chicago
clauses: {window: "30 days from delivery.", keep: "Broken items need not come back."}
windows: {w: {from: delivery, days: 30}}
defaults: {refund: {timing: %s}}
rules:
  - {id: broken, clause: keep, decide: approve, resolution: [refund], return: {required: false},
     when: {reason: [defective]}}
  - {id: change-of-mind, clause: window, decide: approve, resolution: [refund],
     return: {required: true, shipping_paid_by: merchant, label_expires_after_days: 21},
     when: {type: [return], window: {w: inside}}}
"""


@pytest.mark.parametrize("timing, source, due", [
    ("on_approval", {}, True),
    ("after_inspection", {}, False),
    ("after_inspection", {"inspected": True}, True),
    ("on_return_scan", {}, False),
    ("on_return_scan", {"parcel": "label_created"}, False),
    ("on_return_scan", {"parcel": "in_transit"}, True),
    ("on_return_scan", {"parcel": "delivered"}, True),
    ("on_return_delivered", {"parcel": "in_transit"}, False),
    ("on_return_delivered", {"parcel": "expired"}, False),
    ("on_return_delivered", {"parcel": "delivered"}, True),
    ("on_return_delivered", {"inspected": True}, True),
    ("none", {"parcel": "delivered", "inspected": True}, False),
])
def test_a_refund_is_due_when_its_timing_is_met(timing, source, due):
    assert refund_due(timing, source) is due


def test_the_policy_language_takes_the_parcel_timings_and_the_label_term():
    decision = decide_json(policy_from_yaml(POLICY % "on_return_delivered"), make_case(reason="changed_mind"))
    assert (decision["outcome"], decision["refund"]["timing"]) == ("approved", "on_return_delivered")
    assert decision["return_label_expires_after_days"] == 21
    assert "once your return parcel is delivered back to us" in decision["explanation"]


def test_with_nothing_to_send_back_a_parcel_timing_pays_on_approval():
    decision = decide_json(policy_from_yaml(POLICY % "on_return_scan"), make_case(reason="defective"))
    assert (decision["refund"]["timing"], decision["return_required"]) == ("on_approval", False)
    assert "return_label_expires_after_days" not in decision


@pytest.mark.parametrize("term, error", [
    ("timing: on_return_scanned", "refund timing"), ("label_expires_after_days: 0", "at least 1")])
def test_a_wrong_timing_or_label_term_is_refused_naming_it(term, error):
    text = POLICY % "on_approval"
    text = (text.replace("timing: on_approval", term) if term.startswith("timing")
            else text.replace("label_expires_after_days: 21", term))
    with pytest.raises(InvalidPolicy) as raised:
        policy_from_yaml(text)
    assert error in str(raised.value.errors)


def test_the_planner_holds_the_refund_until_the_parcel_arrives():
    decision = decide_json(policy_from_yaml(POLICY % "on_return_delivered"), make_case(reason="changed_mind"))
    source = {"case_id": 7, "type": "return"}
    kinds = [p.kind for p in plan_actions("woocommerce", "1001", source, decision)]
    assert ActionKind.REFUND not in kinds
    delivered = plan_actions("woocommerce", "1001", {**source, "parcel": "delivered"}, decision)
    [refund] = [p for p in delivered if p.kind == ActionKind.REFUND]
    assert refund.payload["amount"] == decision["refund"]["total"] == "49.00"
