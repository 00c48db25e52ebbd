"""The planned refund's exact payload, when a refund is due, and the reason a platform return is declined with."""
import pytest

from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.outbox.plan import plan_actions
from integration.outbox.timing import refund_due

LINES = [{"line_item_id": "1", "quantity": 2, "outcome": "approved", "restock": True},
         {"line_item_id": "2", "quantity": 1, "outcome": "denied", "restock": True},
         {"line_item_id": "3", "quantity": 1, "outcome": "approved"}]
MONEY = {"total": "30.00", "currency": "CAD", "shipping": "5.00", "deductions": "2.00", "tax": "1.50",
         "method": "store_credit", "timing": "on_approval"}


def _decision(**overrides) -> dict:
    base = {"outcome": "approved", "resolution": "refund", "return_required": True, "return_shipping_paid_by": None,
            "refund": MONEY, "lines": LINES, "rules": ["r1"], "explanation": "Approved.", "deadline": None}
    return {**base, **overrides}


def _refund(platform: str, source: dict, decision: dict) -> dict | None:
    found = [a.payload for a in plan_actions(platform, "1001", source, decision) if a.kind == "refund"]
    assert len(found) <= 1
    return found[0] if found else None


def _expected(**changes) -> dict:
    fields = {"order_id": "1001", "amount": "30.00", "currency": "CAD", "shipping": "5.00", "lines": [["1", 2], ["3", 1]],
              "deductions": "2.00", "tax": "1.50", "method": "store_credit", "return_id": None,
              "return_marker": "returnkit-case-7", "restock": []}
    return payload_json(act.Refund(**{**fields, **changes}))


def test_a_return_from_our_api_is_refunded_with_every_figure_of_the_decision_and_the_marker_of_its_return():
    assert _refund("shopify", {"case_id": 7, "type": "return"}, _decision()) == _expected()


def test_units_go_back_on_sale_only_once_inspected_and_only_those_the_decision_restocks():
    inspected = {"case_id": 7, "type": "return", "inspected": True}
    assert _refund("shopify", inspected, _decision()) == _expected(restock=["1", "2"])


@pytest.mark.parametrize("platform, source, changes", [
    ("shopify", {"return_id": "55", "case_id": 7, "type": "return"}, {"return_id": "55", "return_marker": None}),
    ("woocommerce", {"case_id": 7, "type": "return"}, {"return_marker": None}),   # no platform returns
    ("shopify", {"case_id": 7, "type": "cancellation"}, {"return_marker": None}),
    ("shopify", {"type": "return"}, {"return_marker": None}),                     # no case: nothing to mark
])
def test_the_return_a_refund_settles(platform, source, changes):
    assert _refund(platform, source, _decision()) == _expected(**changes)


def test_nothing_comes_back_so_no_return_is_named():
    assert _refund("shopify", {"case_id": 7, "type": "return"}, _decision(return_required=False)) == _expected(
        return_marker=None)


def test_figures_the_decision_leaves_out_take_their_defaults():
    bare = {"total": "30.00", "currency": "CAD", "shipping": None, "timing": "on_approval"}
    assert _refund("woocommerce", {}, _decision(refund=bare, return_required=False)) == _expected(
        shipping=None, deductions="0", tax="0", method="original_payment", return_marker=None)


def test_a_store_credit_bonus_rides_with_the_refund():
    decision = _decision(credit={"bonus": "3.00"})
    assert _refund("woocommerce", {}, decision)["bonus"] == "3.00"


@pytest.mark.parametrize("total, planned", [("0.00", False), ("0", False), ("0.01", True), ("10.00", True)])
def test_a_refund_is_planned_only_for_money(total, planned):
    decision = _decision(refund={**MONEY, "total": total})
    assert (_refund("woocommerce", {}, decision) is not None) is planned


@pytest.mark.parametrize("timing, source, due", [
    ("on_approval", {}, True),
    ("after_inspection", {}, False), ("after_inspection", {"inspected": False}, False),
    ("after_inspection", {"inspected": True}, True),
    ("on_return_scan", {}, False), ("on_return_scan", {"parcel": "label_created"}, False),
    ("on_return_scan", {"parcel": "in_transit"}, True), ("on_return_scan", {"parcel": "delivered"}, True),
    ("on_return_delivered", {"parcel": "in_transit"}, False), ("on_return_delivered", {"parcel": "delivered"}, True),
    ("on_return_delivered", {"parcel": "in_transit", "inspected": True}, True),
    ("on_return_delivered", {"parcel": "expired"}, False),
    ("whenever", {"inspected": True}, False),
])
def test_when_a_refund_is_due(timing, source, due):
    assert refund_due(timing, source) is due


def test_a_decision_without_lines_is_declined_as_other():
    decision = {k: v for k, v in _decision(outcome="denied").items() if k != "lines"}
    [decline] = [a.payload for a in plan_actions("shopify", "1001", {"return_id": "55"}, decision)
                 if a.kind == "decline_return"]
    assert decline["reason"] == "OTHER"


@pytest.mark.parametrize("deadline, submitted, classes, reason", [
    ("2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", ["standard"], "RETURN_PERIOD_ENDED"),
    ("2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", ["final_sale"], "RETURN_PERIOD_ENDED"),
    ("2026-05-03T00:00:00Z", "2026-05-02T00:00:00Z", ["standard", "final_sale"], "FINAL_SALE"),
    ("2026-05-02T00:00:00Z", "2026-05-02T00:00:00Z", ["standard"], "OTHER"),   # on the deadline: in time
    (None, "2026-05-02T00:00:00Z", ["standard"], "OTHER"),
    ("2026-05-01T00:00:00Z", None, ["standard"], "OTHER"),
])
def test_a_denied_platform_return_is_declined_with_shopifys_reason_and_our_explanation(deadline, submitted, classes,
                                                                                         reason):
    lines = [{"line_item_id": str(n), "quantity": 1, "outcome": "denied", "item_class": c} for n, c in enumerate(classes)]
    source = {"return_id": "55", **({"submitted_at": submitted} if submitted else {})}
    actions = plan_actions("shopify", "1001", source, _decision(outcome="denied", lines=lines, deadline=deadline,
                                                                explanation="Outside the window."))
    assert [a.kind for a in actions] == ["decline_return", "order_note"]
    assert actions[0].payload == {"return_id": "55", "reason": reason, "note": "Outside the window."}
