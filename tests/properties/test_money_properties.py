"""Refund money over random policies and cases: exact to the minor unit, consistent, never more than was paid."""
import copy
import json
import re
from decimal import ROUND_DOWN, Decimal

import yaml
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from integration.money import exponent
from integration.policy.loader import parse_policy
from tests.helpers import decide_json, make_case, policy_from_yaml
from tests.properties.strategies import CONDITION_KEYS, FEE, PERCENT, cases, money, optional, paid, policy_docs
from tests.tiers import examples

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
@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(policy_docs(), cases(duplicates=True))
def test_refund_is_exact_consistent_and_deterministic(doc, case):
    decision = decide_json(parse_policy(doc), case)
    again = decide_json(parse_policy(copy.deepcopy(doc)), copy.deepcopy(case))
    assert json.dumps(again) == json.dumps(decision)
    check_format(decision, case["order"]["currency"])
    check_arithmetic(decision, case)
    check_denied(decision)


@pytest.mark.scaled
@settings(max_examples=examples(40), deadline=None)
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


@pytest.mark.scaled
@settings(max_examples=examples(150), deadline=None)
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
@pytest.mark.scaled
@settings(max_examples=examples(10), deadline=None)
@given(st.integers(27, 40))
def test_large_amounts_are_decided(digits):
    price = "1" + "0" * (digits - 1) + ".00"
    case = make_case(lines=_line(price, 3), shipping_paid="0", items=[{"line_item_id": "1", "quantity": 3}])
    decision = decide_json(policy_from_yaml(APPROVE_ALL), case)
    assert (decision["refund"]["items"], decision["refund"]["deductions"]) == ("3" + price[1:], "18" + price[2:])


# --- fees as an algebra (issue 18) ------------------------------------------------------------

BOUND = money("KWD", 10**5)
TIER_STEPS = st.lists(st.tuples(st.integers(0, 30), PERCENT), min_size=1, max_size=4).map(
    lambda steps: [{"from_day": d, "percent": p} for d, p in steps])


@st.composite
def fee_docs(draw) -> dict:
    """One fee: a percentage, an amount, tiers or a base alone; maybe a base, per, floor and ceiling, up_to."""
    kind = draw(st.sampled_from(["percent", "amount", "tiers", "base"]))
    doc: dict = {}
    if kind == "percent":
        doc["percent"] = draw(PERCENT)
    elif kind == "amount":
        doc["amount"] = draw(money("KWD", 5 * 10**5))
    elif kind == "tiers":
        doc["tiers"] = {"from": draw(st.sampled_from(["purchase", "delivery", "production_start"])),
                        "unit": draw(st.sampled_from(["days", "business_days"])), "steps": draw(TIER_STEPS)}
    if kind == "base" or (kind != "amount" and draw(st.booleans())):
        doc["base"] = draw(st.sampled_from(["items_and_shipping", "order_total", "label"]
                                           + (["items"] if kind != "base" else [])))
    if doc.get("base") not in ("items_and_shipping", "order_total", "label"):
        doc |= draw(optional("per", st.sampled_from(["unit", "line", "order"])))
    low, high = sorted(draw(st.lists(BOUND, min_size=2, max_size=2)), key=Decimal)
    doc |= draw(optional("floor", st.just(low))) | draw(optional("ceiling", st.just(high)))
    return doc | draw(optional("up_to", st.booleans()))


ENTRY = st.one_of(fee_docs(), st.lists(fee_docs(), min_size=1, max_size=3))


@st.composite
def algebra_setups(draw) -> tuple:
    """(policy, case): approve-all, random fee schedule of the algebra; maybe a label cost, maybe a deposit paid."""
    schedule = draw(st.dictionaries(st.sampled_from(CONDITION_KEYS), ENTRY, min_size=1, max_size=3))
    zone, shipping = draw(st.sampled_from(["UTC", "Asia/Tokyo"])), draw(st.sampled_from(["yes", "no"]))
    policy = parse_policy({"policy": "fees", "name": "Fees", "timezone": zone, "clauses": {"c": "Fees apply."},
                           "fees": {"s": schedule},
                           "rules": [{"id": "r", "clause": "c", "decide": "approve", "resolution": ["refund"],
                                      "refund": {"deductions": "s", "shipping": shipping}}]})
    case = draw(cases(duplicates=True))
    currency = case["order"]["currency"]
    case["request"] |= draw(optional("return_label_cost", money(currency, 10**5)))
    case["order"] |= draw(optional("amount_paid", money(currency, 10**6)))
    return policy, case


def _requested(decision: dict, case: dict) -> dict[str, Decimal]:
    """Line id -> the most any one requested entry of it is worth (price x its quantity)."""
    prices = {li["id"]: Decimal(li["unit_price"]) for li in case["order"]["line_items"]}
    out: dict[str, Decimal] = {}
    for line in decision["lines"]:
        if line["line_item_id"] in prices:
            worth = prices[line["line_item_id"]] * line["quantity"]
            out[line["line_item_id"]] = max(out.get(line["line_item_id"], Decimal(0)), worth)
    return out


@pytest.mark.scaled
@settings(max_examples=examples(250), deadline=None)
@given(algebra_setups())
def test_fees_never_make_money_negative_nor_above_what_was_paid(setup):
    policy, case = setup
    decision = decide_json(policy, case)
    check_format(decision, case["order"]["currency"])
    a, r = refund_amounts(decision), decision["refund"]
    fees = [Decimal(f["amount"]) for f in r["fees"]]
    unpaid = Decimal(r.get("unpaid", "0"))
    assert all(f >= 0 for f in fees) and unpaid >= 0 and a["total"] >= 0
    assert sum(fees, Decimal(0)) + unpaid == a["deductions"]
    assert sum(fees, Decimal(0)) <= a["items"] + a["shipping"]
    assert a["total"] <= paid(case)
    if "amount_paid" in case["order"]:
        assert a["total"] <= Decimal(case["order"]["amount_paid"])
    worth = _requested(decision, case)
    for fee in r["fees"]:   # a line's fee, floor or not, never more than the price of what it is charged on
        assert fee["line_item_id"] is None or Decimal(fee["amount"]) <= worth[fee["line_item_id"]]


@pytest.mark.scaled
@settings(max_examples=examples(100), deadline=None)
@given(cases(duplicates=True), money("KWD", 5 * 10**5))
def test_a_per_order_fee_is_charged_once_whatever_the_lines(case, amount):
    policy = policy_from_yaml(APPROVE_ALL.replace("{percent: 60, up_to: true}", f'{{amount: "{amount}", per: order}}'))
    decision = decide_json(policy, case)
    a, currency = refund_amounts(decision), case["order"]["currency"]
    charged = decision["refund"]["fees"]
    if a["items"] == 0 and decision["outcome"] == "denied":
        assert charged == []
        return
    assert [f["line_item_id"] for f in charged] == [None]
    assert Decimal(charged[0]["amount"]) == min(Decimal(amount).quantize(minor(currency), rounding=ROUND_DOWN),
                                                a["items"])
