"""Fees as an algebra (issue 18): lists, floors and ceilings, per-order fees, bases, deposits and tiers, to the
currency's minor unit (USD, JPY, KWD)."""
import textwrap

import pytest

from tests.helpers import decide_json, make_case, policy_from_yaml

RULES = """
rules:
  - {id: cancel, clause: cancel, decide: approve, when: {type: [cancellation]}, resolution: [cancel_and_refund],
     refund: {deductions: f}}
  - {id: ret, clause: returns, decide: approve, resolution: [refund], refund: {deductions: f},
     return: {required: true, shipping_paid_by: merchant}}
"""


def fees_policy(fees: str, extra: str = ""):
    """A policy approving returns and cancellations, both charging the schedule `f` written in `fees`."""
    return policy_from_yaml("policy: fees\nname: Fees\ntimezone: America/Chicago\n"
                            'clauses: {returns: "Returns within 30 days.", cancel: "Cancelling costs more each day."}\n'
                            "fees:\n  f:\n" + textwrap.indent(textwrap.dedent(fees).strip(), "    ") + "\n"
                            + RULES + extra)


LINES = [{"id": "1", "title": "Mug", "quantity": 2, "unit_price": "12.00", "tags": []},
         {"id": "2", "title": "Lamp", "quantity": 1, "unit_price": "300.00", "tags": []},
         {"id": "3", "title": "Card", "quantity": 1, "unit_price": "3.00", "tags": []}]


def _items(condition: str, ids=("1", "2", "3")) -> list[dict]:
    quantities = {li["id"]: li["quantity"] for li in LINES}
    return [{"line_item_id": i, "quantity": quantities[i], "condition": condition} for i in ids]


def _fees(decision: dict) -> list[tuple]:
    return [(f["line_item_id"], f["label"], f["amount"], f["clause"]) for f in decision["refund"]["fees"]]


def test_a_list_of_fees_each_with_floor_and_ceiling_and_the_label_once():
    policy = fees_policy("""
        used:
          - {percent: 20, floor: "5.00", ceiling: "40.00", label: restocking}
          - {base: label}
    """)
    case = make_case(items=_items("used"), lines=LINES)
    case["request"]["return_label_cost"] = "7.45"
    d = decide_json(policy, case)
    # Mug: 20 % of 12.00 is 2.40 a unit, raised to the 5.00 floor a unit; Lamp: 60.00 cut to the 40.00 ceiling;
    # Card: 0.60 raised to 5.00 but never more than its 3.00 price; the label at cost, once.
    assert _fees(d) == [("1", "restocking", "10.00", "returns"), ("2", "restocking", "40.00", "returns"),
                        ("3", "restocking", "3.00", "returns"), (None, "return label", "7.45", "returns")]
    assert (d["refund"]["items"], d["refund"]["deductions"], d["refund"]["total"]) == ("327.00", "60.45", "266.55")


def test_the_label_fee_waits_for_the_labels_cost_like_an_unknown_condition():
    policy = fees_policy("any: {base: label, label: return label}")
    d = decide_json(policy, make_case(items=_items("used", ("2",)), lines=LINES))
    assert d["refund"]["fees"] == [{"line_item_id": None, "label": "return label", "amount": "0.00",
                                    "clause": "returns", "pending": True}]
    assert d["refund"]["deductions_pending_inspection"] is True
    assert "The return label's cost is deducted once the label is bought." in d["explanation"]


@pytest.mark.parametrize("per, amounts, total", [
    ("unit", [("1", "10.00"), ("2", "5.00"), ("3", "3.00")], "18.00"),
    ("line", [("1", "5.00"), ("2", "5.00"), ("3", "3.00")], "13.00"),
    ("order", [(None, "5.00")], "5.00"),
])
def test_per_unit_line_or_order(per, amounts, total):
    d = decide_json(fees_policy(f'any: {{amount: "5.00", per: {per}}}'), make_case(items=_items("used"), lines=LINES))
    assert [(f["line_item_id"], f["amount"]) for f in d["refund"]["fees"]] == amounts
    assert d["refund"]["deductions"] == total


def test_a_per_order_fee_is_charged_once_whatever_the_conditions_that_chose_it():
    policy = fees_policy('any: {amount: "350.00", per: order, label: handling}')
    items = _items("used", ("1",)) + _items("damaged", ("2",))
    d = decide_json(policy, make_case(items=items, lines=LINES))
    assert _fees(d) == [(None, "handling", "324.00", "returns")]   # never more than the 324.00 it is charged on
    assert d["refund"]["total"] == "0.00"


def test_a_percentage_of_the_items_and_shipping_is_taken_once():
    policy = fees_policy("any: {percent: 10, base: items_and_shipping, label: of the order}")
    d = decide_json(policy, make_case(items=_items("unused", ("1", "2")), lines=LINES, shipping_paid="6.50"))
    assert _fees(d) == [(None, "of the order", "33.05", "returns")]   # 10 % of 324.00 + 6.50, rounded down


def test_a_deposit_is_kept_and_nothing_unpaid_is_refunded():
    policy = fees_policy("any: {percent: 30, base: order_total, per: order, label: non-refundable deposit}")
    full = make_case(type="cancellation", items=[], lines=LINES, shipping_paid="10.00")
    d = decide_json(policy, full)
    # 30 % of the order total 337.00 (327.00 of items and 10.00 of shipping), once.
    assert _fees(d) == [(None, "non-refundable deposit", "101.10", "cancel")]
    assert d["refund"]["total"] == "225.90" and "unpaid" not in d["refund"]
    deposit_only = make_case(type="cancellation", items=[], lines=LINES, shipping_paid="10.00", amount_paid="101.10")
    d = decide_json(policy, deposit_only)
    assert (d["refund"]["unpaid"], d["refund"]["deductions"], d["refund"]["total"]) == ("225.90", "327.00", "0.00")
    assert "Cancelling the order: a 30 % non-refundable deposit of the order total applies, and the rest is not paid " \
           "yet, so nothing is refunded." in d["explanation"]


def test_what_was_paid_caps_the_refund_less_the_fees():
    policy = fees_policy("any: {percent: 10}")
    d = decide_json(policy, make_case(items=_items("used", ("2",)), lines=LINES, amount_paid="200.00"))
    assert (d["refund"]["deductions"], d["refund"]["unpaid"], d["refund"]["total"]) == ("130.00", "100.00", "170.00")


@pytest.mark.parametrize("currency, price, fee, expected", [
    ("JPY", "999", "{percent: 15}", "149"),                               # 149.85 rounded down to the yen
    ("JPY", "500", '{percent: 10, floor: "100"}', "100"),                 # 50 raised to the floor
    ("KWD", "10.005", "{percent: 12.5}", "1.250"),                        # 1.250625 to the fils
    ("KWD", "10.005", '{percent: 50, ceiling: "2.125"}', "2.125"),
    ("USD", "0.99", '{amount: "5.00", per: line}', "0.99"),               # never more than the price
])
def test_exact_to_the_minor_unit(currency, price, fee, expected):
    lines = [{"id": "1", "title": "Tea", "quantity": 1, "unit_price": price, "tags": []}]
    case = make_case(items=[{"line_item_id": "1", "quantity": 1}], lines=lines, currency=currency, shipping_paid="0")
    d = decide_json(fees_policy(f"any: {fee}"), case)
    assert d["refund"]["deductions"] == expected


TIERS = """
any:
  label: cancellation fee
  tiers:
    from: purchase
    unit: {unit}
    steps: [{{from_day: 0, percent: 0}}, {{from_day: 3, percent: 50}}, {{from_day: 6, percent: 100}}]
"""


@pytest.mark.parametrize("unit, submitted, day, step, deducted", [
    ("days", "2026-04-28T20:00:00-05:00", 0, 0, "0.00"),
    ("days", "2026-05-01T09:00:00-05:00", 3, 3, "163.50"),
    ("days", "2026-05-04T09:00:00-05:00", 6, 6, "327.00"),
    ("business_days", "2026-05-04T09:00:00-05:00", 4, 3, "163.50"),   # Apr 29, 30, May 1 and 4: weekdays
])
def test_tiers_by_days_since_the_anchor(unit, submitted, day, step, deducted):
    policy = fees_policy(TIERS.format(unit=unit))
    d = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, submitted_at=submitted,
                                      delivered_at=None))   # placed 2026-04-28 09:00 in Chicago: day 0
    assert {(f["day"], f["step"]["from_day"]) for f in d["refund"]["fees"]} == {(day, step)}
    assert d["refund"]["deductions"] == deducted


def test_tiers_wait_for_their_anchor():
    policy = fees_policy(TIERS.format(unit="days").replace("from: purchase", "from: delivery"))
    d = decide_json(policy, make_case(items=_items("used", ("2",)), lines=LINES, delivered_at=None))
    assert d["refund"]["fees"][0] == {"line_item_id": "2", "label": "cancellation fee", "amount": "0.00",
                                          "clause": "returns", "step": None, "day": None, "pending": True}
    assert d["refund"]["deductions_pending_inspection"] is True


def test_the_clause_is_the_one_of_the_adjustment_that_named_the_schedule():
    policy = policy_from_yaml("""
policy: bulk
name: Bulk
timezone: America/Chicago
clauses: {returns: "Returns within 30 days.", bulk: "Bulk orders pay 10 % restocking."}
fees: {bulk: {any: {percent: 10}}}
rules:
  - {id: ret, clause: returns, decide: approve, resolution: [refund], return: {required: false}}
adjustments:
  - {id: bulk-restocking, clause: bulk, when: {order: {min_units: 3}}, refund: {deductions: bulk}}
""")
    d = decide_json(policy, make_case(items=_items("used", ("1", "2")), lines=LINES))
    assert _fees(d) == [("1", "bulk", "2.40", "bulk"), ("2", "bulk", "30.00", "bulk")]


def test_business_day_tiers_skip_the_policys_holidays():
    policy = fees_policy(TIERS.format(unit="business_days"), extra="calendar: {holidays: ['2026-05-01']}\n")
    d = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, delivered_at=None,
                                      submitted_at="2026-05-04T09:00:00-05:00"))
    assert {f["day"] for f in d["refund"]["fees"]} == {3} and d["refund"]["deductions"] == "163.50"


@pytest.mark.parametrize("anchor, order, day", [
    ("shipment", {"shipped_at": "2026-04-30T15:00:00-05:00"}, 2),
    ("milestone.proof_sent", {"milestones": {"proof_sent": "2026-04-29T10:00:00-05:00"}}, 3),
])
def test_tiers_count_from_any_anchor_the_windows_know(anchor, order, day):
    policy = fees_policy(TIERS.format(unit="days").replace("from: purchase", f"from: {anchor}"))
    d = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, delivered_at=None,
                                      submitted_at="2026-05-02T09:00:00-05:00", **order))
    assert {f["day"] for f in d["refund"]["fees"]} == {day}
