"""Refund money over random policies and cases: exact to the minor unit, consistent, never more than was paid."""
import copy
import json
import re
from decimal import ROUND_DOWN, Decimal

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from integration.money import exponent
from integration.policy.loader import parse_policy
from tests.helpers import decide_json, make_case, policy_from_yaml
from tests.properties.strategies import CONDITION_KEYS, FEE, cases, paid, policy_docs

AMOUNTS = ("items", "shipping", "deductions", "total")
APPROVE_ALL = """
policy: approve-all
name: Approve all
timezone: America/Chicago
clauses: {c: "We refund everything."}
fees: {f: {any: {percent: 60, up_to: true}}}
rules:
  - {id: refund, clause: c, decide: approve, resolution: [refund], refund: {shipping: "no", deductions: f}}
"""


def _line(price: str, quantity: int = 1) -> list[dict]:
    """One order line, id '1', at this unit price."""
    return [{"id": "1", "title": "Widget", "quantity": quantity, "unit_price": price}]


def refund_amounts(decision: dict) -> dict[str, Decimal]:
    """The refund's amounts as Decimals."""
    return {k: Decimal(decision["refund"][k]) for k in AMOUNTS}


def minor(currency: str) -> Decimal:
    """The currency's minor unit."""
    return Decimal(1).scaleb(-exponent(currency))


def check_format(decision: dict, currency: str) -> None:
    """Every amount is a plain decimal string with exactly the currency's decimals."""
    places = exponent(currency)
    shape = r"\d+" + (rf"\.\d{{{places}}}" if places else "")
    assert decision["refund"]["currency"] == currency
    for key in AMOUNTS:
        assert re.fullmatch(shape, decision["refund"][key]), (key, decision["refund"][key])


def named_value(case: dict) -> Decimal:
    """What was paid for the lines the request names (every line when it names none)."""
    named = {i["line_item_id"] for i in case["request"].get("items", ())}
    return sum((Decimal(li["unit_price"]) * li["quantity"] for li in case["order"]["line_items"]
                if not named or li["id"] in named), Decimal(0))


def check_arithmetic(decision: dict, case: dict) -> None:
    """total = items + shipping - deductions (0 when negative), within 0..paid; deductions <= items + shipping."""
    a = refund_amounts(decision)
    assert a["total"] == max(a["items"] + a["shipping"] - a["deductions"], Decimal(0))
    assert a["total"] >= 0 and a["deductions"] >= 0
    assert a["deductions"] <= a["items"] + a["shipping"]
    assert a["total"] <= paid(case)
    assert a["items"] <= named_value(case)


def check_denied(decision: dict) -> None:
    """A denied request refunds nothing and resolves nothing."""
    if decision["outcome"] == "denied":
        assert set(refund_amounts(decision).values()) == {Decimal(0)}
        assert decision["refund"]["timing"] == "none"
        assert decision["resolution"] == "none"


# Regressions: a line named twice was refunded (and charged fees) twice; a sub-minor price rounded up past paid.
@example(doc=yaml.safe_load(APPROVE_ALL), case=make_case(lines=_line("10.00"), shipping_paid="0.00", items=[
    {"line_item_id": "1", "quantity": 1}, {"line_item_id": "1", "quantity": 1}]))
@example(doc=yaml.safe_load(APPROVE_ALL), case=make_case(lines=_line("0.005"), shipping_paid="0"))
@settings(max_examples=300, deadline=None)
@given(policy_docs(), cases(duplicates=True))
def test_refund_is_exact_consistent_and_deterministic(doc, case):
    decision = decide_json(parse_policy(doc), case)
    again = decide_json(parse_policy(copy.deepcopy(doc)), copy.deepcopy(case))
    assert json.dumps(again) == json.dumps(decision)
    check_format(decision, case["order"]["currency"])
    check_arithmetic(decision, case)
    check_denied(decision)


@settings(max_examples=40, deadline=None)
@given(policy_docs(), cases())
def test_the_policy_written_as_yaml_decides_the_same(doc, case):
    as_yaml = policy_from_yaml(yaml.safe_dump(doc, sort_keys=False))
    assert json.dumps(decide_json(as_yaml, case)) == json.dumps(decide_json(parse_policy(doc), case))


@st.composite
def fee_setups(draw):
    """(policy, case, fee): an approve-all refund policy with a random fee schedule, one requested line."""
    schedule = draw(st.dictionaries(st.sampled_from(CONDITION_KEYS), FEE, min_size=1, max_size=4))
    policy = parse_policy({"policy": "fees", "name": "Fees", "timezone": "UTC", "clauses": {"c": "Fees apply."},
                           "fees": {"s": schedule}, "rules": [{"id": "r", "clause": "c", "decide": "approve",
                                                               "resolution": ["refund"], "refund": {"deductions": "s"}}]})
    case = draw(cases())
    line = draw(st.sampled_from(case["order"]["line_items"]))
    item = {"line_item_id": line["id"], "quantity": draw(st.integers(1, line["quantity"]))}
    condition = draw(st.none() | st.sampled_from(CONDITION_KEYS[:-2]))
    if condition:
        item["condition"] = condition
    case["request"]["items"] = [item]
    fee = schedule.get(condition or "unknown", schedule.get("any"))
    return policy, case, fee, Decimal(line["unit_price"]) * item["quantity"], item["quantity"]


@settings(max_examples=150, deadline=None)
@given(fee_setups())
def test_fee_is_the_largest_allowed_rounded_down(setup):
    policy, case, fee, value, quantity = setup
    decision = decide_json(policy, case)
    currency = case["order"]["currency"]
    items, deducted = refund_amounts(decision)["items"], refund_amounts(decision)["deductions"]
    check_format(decision, currency)
    assert items == value.quantize(minor(currency), rounding=ROUND_DOWN)  # never more than was paid
    if fee is None:
        assert deducted == 0
    elif "percent" in fee:
        allowed = items * Decimal(fee["percent"]) / 100
        assert deducted <= allowed and allowed - deducted < minor(currency)
    else:
        times = quantity if fee.get("per", "unit") == "unit" else 1
        allowed = min(Decimal(fee["amount"]) * times, items)
        assert deducted == allowed.quantize(minor(currency), rounding=ROUND_DOWN)


@example(digits=27)  # regression: 27+ digits overflowed the default 28-digit decimal context
@settings(max_examples=10, deadline=None)
@given(st.integers(27, 40))
def test_large_amounts_are_decided(digits):
    price = "1" + "0" * (digits - 1) + ".00"
    case = make_case(lines=_line(price, 3), shipping_paid="0", items=[{"line_item_id": "1", "quantity": 3}])
    decision = decide_json(policy_from_yaml(APPROVE_ALL), case)
    assert (decision["refund"]["items"], decision["refund"]["deductions"]) == ("3" + price[1:], "18" + price[2:])
