"""The explanation names every fee with its line and clause, never grants what is pending, and reads naturally at
0 % and at 100 % (issue 18)."""
from integration.policy.fee_words import describe_fee
from tests.helpers import decide_json, make_case, policy_from_yaml
from tests.policy.test_fees import LINES, TIERS, _items, fees_policy

REVIEWED = """
policy: reviewed
name: Reviewed
timezone: America/Chicago
clauses: {returns: "Returns within 30 days.", used: "Used items are looked at one by one."}
fees: {restocking: {any: {percent: 15}}}
rules:
  - {id: used, clause: used, decide: review, when: {condition: [used]}, resolution: [refund],
     return: {required: false}, refund: {deductions: restocking}}
  - {id: photos, clause: returns, decide: approve, when: {condition: [damaged]}, evidence: [photos],
     resolution: [refund], return: {required: false}, refund: {deductions: restocking}}
"""


def test_a_multi_line_decision_names_each_lines_fee_and_its_clause():
    policy = fees_policy("""
        used: [{percent: 15, label: restocking}, {base: label}]
        unused: {amount: "2.00", per: unit, label: repacking}
    """)
    items = _items("used", ("2",)) + _items("unused", ("1",))
    case = make_case(items=items, lines=LINES)
    case["request"]["return_label_cost"] = "6.20"
    text = decide_json(policy, case)["explanation"]
    assert ('Fees: 15 % restocking fee on "Lamp": 45.00 (clause "returns"); 2.00 repacking fee per unit on "Mug": '
            '4.00 (clause "returns"); return label at cost: 6.20 (clause "returns").') in text
    assert "Refund: 268.80 USD (items 324.00, less 55.20 in fees)" in text


def test_a_decision_left_to_review_never_states_the_refund_as_granted():
    d = decide_json(policy_from_yaml(REVIEWED), make_case(items=_items("used", ("2",)), lines=LINES))
    assert d["outcome"] == "needs_review"
    assert "If approved, the refund would be 255.00 USD (items 300.00, less 45.00 in fees)" in d["explanation"]
    assert "Resolution if approved: a refund." in d["explanation"]
    assert "Refund:" not in d["explanation"] and "Resolution:" not in d["explanation"]


def test_a_decision_waiting_for_evidence_never_states_the_refund_as_granted():
    d = decide_json(policy_from_yaml(REVIEWED), make_case(items=_items("damaged", ("1",)), lines=LINES))
    assert d["outcome"] == "needs_evidence"
    assert "If approved, the refund would be 20.40 USD" in d["explanation"] and "Refund:" not in d["explanation"]


def test_a_zero_percent_fee_is_not_mentioned():
    d = decide_json(fees_policy("any: {percent: 0, label: restocking}"), make_case(items=_items("used"), lines=LINES))
    assert d["refund"]["deductions"] == "0.00" and [f["amount"] for f in d["refund"]["fees"]] == ["0.00"] * 3
    assert "in fees" not in d["explanation"] and "Fees:" not in d["explanation"]
    assert "Refund: 327.00 USD (items 327.00) to the original payment method" in d["explanation"]


def test_a_hundred_percent_cancellation_fee_reads_as_nothing_refunded():
    policy = fees_policy("any: {percent: 100, label: cancellation fee}")
    d = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, delivered_at=None))
    text = d["explanation"]
    assert d["refund"]["total"] == "0.00"
    assert "Cancelling the order: a 100 % cancellation fee applies, so nothing is refunded." in text
    assert "with a refund" not in text and "Refund: 0.00" not in text


def test_tiers_say_every_step_and_which_applies_now():
    policy = fees_policy(TIERS.format(unit="days"))
    d = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, delivered_at=None,
                                      submitted_at="2026-05-02T09:00:00-05:00"))
    assert ("Cancellation fee, by days since the purchase: no fee before day 3; a 50 % fee applies from day 3; "
            "100 % from day 6. This request is on day 4, so the 50 % fee applies.") in d["explanation"]
    early = decide_json(policy, make_case(type="cancellation", items=[], lines=LINES, delivered_at=None,
                                          submitted_at="2026-04-29T09:00:00-05:00"))
    assert "This request is on day 1, so no fee applies." in early["explanation"]
    assert "Fees:" not in early["explanation"]


def test_each_fee_of_a_schedule_in_words_for_the_published_policy():
    policy = fees_policy("""
        used: [{percent: 20, floor: "5.00", ceiling: "40.00"}, {base: label}]
        unused: {amount: "350.00", per: order, up_to: true}
        damaged: {percent: 10, base: items_and_shipping}
    """)
    words = {condition: describe_fee(fee) for condition, fee in policy.fees["f"].items()}
    assert words == {"used": "20 % of the item price (at least 5.00, at most 40.00) plus the return label at cost",
                     "unused": "up to 350.00 per order", "damaged": "10 % of the items and shipping"}
    tiers = fees_policy(TIERS.format(unit="business_days")).fees["f"]["any"]
    assert describe_fee(tiers) == ("by business days since the purchase: no fee before day 3; a 50 % fee applies "
                                   "from day 3; 100 % from day 6")
