"""Planning an exchange: its order waits for the return unless the policy's `exchange: {instant: true}` term sends it
at approval; `pay_difference` lets a dearer one through; the platform return we open carries the exchange."""
from datetime import datetime

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.outbox.plan import ReturnLogistics, plan_actions
from integration.policy.engine import decide
from integration.policy.loader import load_policy_text, resolve_policy_path
from tests.helpers import make_case

TRUSTED = """  - id: trusted-exchange
    clause: size-exchange
    when: {type: [exchange], reason: [ordered_wrong_variant, changed_mind], order: {tags: [trusted]},
           window: {return_window: inside}}
    decide: approve
    resolution: [exchange]
    return: {required: true, shipping_paid_by: customer}
    exchange: {instant: true, pay_difference: true}
"""


def _decision(exchange_terms=None) -> dict:
    out = {"outcome": "approved", "resolution": "exchange", "return_required": True, "return_shipping_paid_by":
           "customer", "explanation": "Approved.", "rules": ["size-exchange"], "deadline": None,
           "lines": [{"line_item_id": "7", "quantity": 1, "outcome": "approved", "item_class": "standard"}],
           "refund": {"total": "0.00", "currency": "USD", "shipping": "0.00", "timing": "none"}}
    return {**out, "exchange": exchange_terms} if exchange_terms else out


SOURCE = {"case_id": 12, "type": "exchange", "submitted_at": "2026-05-12T10:00:00-06:00",
          "exchanges": {"7": {"variant_id": "303"}}}


def _kinds(actions):
    return [a.kind.value for a in actions]


def test_an_exchange_waits_for_its_return_and_is_made_once_inspected():
    assert "create_exchange" not in _kinds(plan_actions("woocommerce", "1", SOURCE, _decision()))
    [made] = [a for a in plan_actions("woocommerce", "1", {**SOURCE, "inspected": True}, _decision())
              if a.kind.value == "create_exchange"]
    assert (made.payload["wants"], made.payload["lines"], made.payload["marker"], made.payload["pay_difference"]) == (
        [["7", "303", 1]], [["7", 1]], "returnkit-exchange-case-12", False)


def test_an_instant_exchange_is_made_at_approval_giving_back_no_lines_yet():
    actions = plan_actions("woocommerce", "1", SOURCE, _decision({"instant": True, "pay_difference": True}))
    [made] = [a for a in actions if a.kind.value == "create_exchange"]
    assert (made.payload["lines"], made.payload["pay_difference"]) == ([], True)
    assert not any("ship the exchange" in (a.payload.get("text") or "") for a in actions)


def test_on_shopify_the_return_we_open_carries_the_exchange_and_the_exchange_finds_it_by_marker():
    actions = plan_actions("shopify", "1", SOURCE, _decision({"instant": True, "pay_difference": False}),
                           logistics=ReturnLogistics())
    kinds = _kinds(actions)
    assert kinds.index("create_return") < kinds.index("create_exchange")   # the exchange rides on that return
    assert actions[0].payload["exchanges"] == [["303", 1]]
    made = actions[kinds.index("create_exchange")].payload
    assert (made["return_marker"], made["lines"]) == ("returnkit-case-12", [])


def test_without_a_wanted_variant_the_merchant_ships_the_exchange_by_a_note():
    actions = plan_actions("woocommerce", "1", {**SOURCE, "exchanges": {}, "inspected": True}, _decision())
    assert "create_exchange" not in _kinds(actions)
    assert any("ship the exchange for 1 x line 7" in (a.payload.get("text") or "") for a in actions)


def _decide(policy_text: str, tags: list[str]) -> dict:
    case = make_case(type="exchange", reason="ordered_wrong_variant", tags=tags)
    case["request"]["items"] = [{"line_item_id": case["order"]["line_items"][0]["id"], "quantity": 1,
                                 "exchange_for": {"variant_id": "303"}}]
    return decision_json(decide(load_policy_text(policy_text), load_case(case)))


def test_the_instant_term_is_in_the_decision_only_where_the_policy_trusts_the_customer():
    rule = "  - id: size-exchange\n"
    text = resolve_policy_path("kaolate").read_text().replace(rule, TRUSTED + rule)
    trusted, other = _decide(text, ["trusted"]), _decide(text, [])
    assert (trusted["rules"], trusted["exchange"]) == (["trusted-exchange"], {"instant": True,
                                                                              "pay_difference": True})
    assert other["rules"] == ["size-exchange"] and "exchange" not in other
    assert datetime.fromisoformat(trusted["deadline"])   # an ordinary approved exchange otherwise
