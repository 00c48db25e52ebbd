"""Whole plans, payload by payload: each outcome's actions, the return opened, the return shipping, the texts."""
import pytest

from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.outbox.plan import LABEL_NEEDED_TAG, REVIEW_TAG, ReturnLogistics, plan_actions

LINK = "https://returnkit.test/activity/9"
PAGE = "https://returnkit.test/r/shop"
NOTHING = {"total": "0.00", "currency": "CAD", "shipping": None, "timing": "on_approval"}


def _decision(outcome: str, **overrides) -> dict:
    base = {"outcome": outcome, "resolution": "refund", "return_required": False, "return_shipping_paid_by": None,
            "refund": NOTHING, "lines": [{"line_item_id": "1", "quantity": 2, "outcome": "approved"}],
            "rules": ["r1", "r2"], "explanation": "Because.", "deadline": None}
    return {**base, **overrides}


def _plan(platform, source, decision, **kwargs) -> list:
    return [(a.kind.value, a.payload) for a in plan_actions(platform, "1001", source, decision, **kwargs)]


def _p(payload) -> tuple:
    return (payload.kind.value, payload_json(payload))


def _staff(outcome: str, link: str | None = LINK) -> tuple:
    return _p(act.OrderNote("1001", f"returnkit: {outcome} (r1, r2). Because." + (f" {link}" if link else "")))


@pytest.mark.parametrize("platform, source, outcome, kwargs, expected", [
    ("shopify", {}, "needs_review", {"link": LINK},
     [_p(act.TagOrder("1001", REVIEW_TAG)), _staff("needs review")]),
    ("woocommerce", {}, "denied", {}, [_p(act.CustomerNote("1001", "Because.")), _staff("denied", None)]),
    ("shopify", {"return_id": "55"}, "denied", {"link": LINK},
     [_p(act.DeclineReturn("55", "OTHER", "Because.")), _staff("denied")]),
    ("woocommerce", {}, "needs_evidence", {"link": LINK, "request_page": PAGE},
     [_p(act.CustomerNote("1001", f"Because. Send it on {PAGE} (your order number and email open your request "
                                  "there).")), _staff("needs evidence")]),
    ("woocommerce", {}, "needs_evidence", {"link": LINK}, [_p(act.CustomerNote("1001", "Because.")),
                                                          _staff("needs evidence")]),
    ("shopify", {"return_id": "55"}, "needs_evidence", {"link": LINK}, [_staff("needs evidence")]),
])
def test_each_outcome_plans_exactly_these_actions(platform, source, outcome, kwargs, expected):
    assert _plan(platform, source, _decision(outcome), **kwargs) == expected


def test_a_cancellation_cancels_for_the_decisions_total_and_currency():
    decision = _decision("approved", resolution="cancel_and_refund",
                         refund={"total": "30.00", "currency": "CAD", "shipping": None, "timing": "on_approval"})
    assert _plan("shopify", {}, decision, link=LINK) == [_p(act.CancelOrder("1001", "30.00", "CAD")), _staff("approved")]


CANCEL_TWO = {"total": "30.00", "currency": "CAD", "shipping": "0", "timing": "on_approval", "tax": "0"}
PARTLY = [{"line_item_id": "1", "quantity": 2, "outcome": "approved"},
          {"line_item_id": "2", "quantity": 1, "outcome": "denied"}]
KEPT_NOTE = ("returnkit: cancelled 2 x line 1 at the customer's request and refunded them; the rest of the order "
             "stands: do not make or ship the cancelled units.")


@pytest.mark.parametrize("source, lines", [
    ({}, PARTLY),                                               # the policy keeps line 2 of a whole-order request
    ({"keeps_lines": True}, [{"line_item_id": "1", "quantity": 2, "outcome": "approved"}]),   # asked for line 1 only
])
def test_a_cancellation_that_keeps_lines_refunds_the_cancelled_ones_and_never_cancels_the_order(source, lines):
    decision = _decision("approved", resolution="cancel_and_refund", refund=CANCEL_TWO, lines=lines)
    assert _plan("shopify", source, decision, link=LINK) == [
        _p(act.Refund("1001", "30.00", "CAD", "0", [["1", 2]], "0", "0", "original_payment", None, None, [])),
        _p(act.OrderNote("1001", KEPT_NOTE)), _staff("approved")]


def test_a_cancellation_that_keeps_lines_with_nothing_to_refund_leaves_the_note_only():
    decision = _decision("approved", resolution="cancel_and_refund", refund=NOTHING, lines=PARTLY)
    assert _plan("woocommerce", {}, decision) == [_p(act.OrderNote("1001", KEPT_NOTE)), _staff("approved", None)]


def test_a_platform_return_is_approved_first():
    assert _plan("shopify", {"return_id": "55"}, _decision("approved"))[0] == _p(act.ApproveReturn("55"))


@pytest.mark.parametrize("source, opened", [
    ({"case_id": 7, "type": "return", "submitted_at": "2026-05-12"}, True),
    ({"case_id": 7, "type": "exchange", "submitted_at": "2026-05-12"}, True),
    ({"case_id": 7, "type": "warranty", "submitted_at": "2026-05-12"}, False),
    ({"case_id": 7, "type": "return", "submitted_at": "2026-05-12", "inspected": True}, False),
    ({"type": "return", "submitted_at": "2026-05-12"}, False),
    ({"case_id": 7, "return_id": "55", "type": "return", "submitted_at": "2026-05-12"}, False),   # Shopify's own
])
def test_a_return_from_our_api_opens_a_shopify_return_of_its_own(source, opened):
    plan = _plan("shopify", source, _decision("approved", return_required=True))
    created = [payload for kind, payload in plan if kind == "create_return"]
    assert created == ([payload_json(act.CreateReturn("1001", [["1", 2]], "returnkit-case-7", "2026-05-12"))]
                       if opened else [])
    assert not [k for k, _ in _plan("woocommerce", source, _decision("approved", return_required=True))
                if k == "create_return"]


@pytest.mark.parametrize("platform, source, logistics, expected", [
    ("shopify", {"case_id": 7, "type": "return"}, ReturnLogistics(labels=True),
     act.ReturnLabel("1001", None, [["1", 2]], "returnkit-case-7")),
    ("shopify", {"return_id": "55", "type": "return"}, ReturnLogistics(labels=True),
     act.ReturnLabel("1001", "55", [["1", 2]], None)),
    ("woocommerce", {"case_id": 7, "type": "return"}, ReturnLogistics(labels=True),
     act.ReturnLabel("1001", None, [["1", 2]], None)),
    ("woocommerce", {}, ReturnLogistics(), act.TagOrder("1001", LABEL_NEEDED_TAG)),
])
def test_the_merchant_pays_the_return_shipping(platform, source, logistics, expected):
    decision = _decision("approved", return_required=True, return_shipping_paid_by="merchant")
    assert _p(expected) in _plan(platform, source, decision, logistics=logistics)


@pytest.mark.parametrize("address, where", [
    ("1 Way, X, US", "to 1 Way, X, US"),
    (None, "to the return address the shop will send you (reply to your order email)"),
])
def test_the_customer_pays_the_return_shipping_and_is_told_where_to(address, where):
    decision = _decision("approved", return_required=True, return_shipping_paid_by="customer")
    text = (f"Please send the item(s) back {where}, at your own cost, with your order number 1001 inside the parcel, "
            "and keep the tracking number.")
    assert _plan("woocommerce", {}, decision, logistics=ReturnLogistics(address=address))[0] == _p(
        act.CustomerNote("1001", text))


def test_what_the_merchant_ships_by_hand_is_named_line_by_line():
    lines = [{"line_item_id": "1", "quantity": 2, "outcome": "approved"},
             {"line_item_id": "3", "quantity": 1, "outcome": "approved"}]
    decision = _decision("approved", resolution="repair", lines=lines)
    assert _p(act.OrderNote("1001", "returnkit: ship the repaired item for 2 x line 1, 1 x line 3.")) in _plan(
        "woocommerce", {}, decision)
