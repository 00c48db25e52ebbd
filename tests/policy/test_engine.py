"""Engine behaviour beyond the presets' tables: combining lines, resolutions, evidence, money, determinism."""
import json
from pathlib import Path

from tests.helpers import decide_json, make_case, policy_from_yaml, preset

POLICY = policy_from_yaml("""
policy: shop
name: Shop
timezone: America/Chicago
clauses: {window: "30 days from delivery.", custom: "Custom items are final.", damage: "Damaged items: photos please.",
          gift: "Gift refunds go to the original payment method.", cancel: "Cancel within 24 hours."}
item_classes: [{name: custom, match: {tags: [custom], skus: ["CUST-*"]}}]
windows: {w: {from: delivery, days: 30}, c: {from: purchase, hours: 24}}
fees: {cond: {unused: {percent: 10, up_to: true}, damaged: {amount: "5.00", per: unit}}}
defaults: {refund: {within_business_days: 7}}
terms:
  ours: {resolution: [replacement, refund, store_credit], if_out_of_stock: [refund, store_credit],
         return: {required: true, shipping_paid_by: merchant}, refund: {shipping: "yes"}}
rules:
  - {id: cancel, clause: cancel, decide: approve, when: {type: [cancellation], window: {c: inside}},
     resolution: [cancel_and_refund], return: {required: false}, refund: {shipping: whole_order, timing: on_approval}}
  - {id: cancel-late, clause: cancel, decide: deny, when: {type: [cancellation]}}
  - {id: custom-final, clause: custom, decide: deny, when: {item_class: [custom], reason: [changed_mind]}}
  - {id: damaged, clause: damage, decide: approve, evidence: [photos], terms: ours,
     when: {reason: [damaged_in_transit], window: {w: inside}}}
  - {id: exchange-only, clause: window, decide: approve, resolution: [exchange],
     return: {required: true, shipping_paid_by: customer}, when: {type: [exchange], window: {w: inside}}}
  - {id: change-of-mind, clause: window, decide: approve, resolution: [refund, exchange],
     return: {required: true, shipping_paid_by: customer}, refund: {deductions: cond},
     when: {type: [return], window: {w: inside}}}
adjustments:
  - {id: gift, clause: gift, when: {order: {gift: true}}, refund: {method: original_payment}, explain: Gift order}
""")
TWO_LINES = [{"id": "1", "title": "Lamp", "quantity": 2, "unit_price": "40.00", "tags": []},
             {"id": "2", "title": "Engraved plate", "quantity": 1, "unit_price": "20.00", "tags": ["custom"]}]


def test_mixed_return_goes_ahead_for_the_lines_the_policy_grants():
    case = make_case(reason="changed_mind", lines=TWO_LINES,
                     items=[{"line_item_id": "1", "quantity": 2, "condition": "sealed"},
                            {"line_item_id": "2", "quantity": 1}])
    d = decide_json(POLICY, case)
    assert (d["outcome"], d["rules"]) == ("approved", ["change-of-mind", "custom-final"])
    assert (d["refund"]["items"], d["refund"]["total"]) == ("80.00", "80.00")
    assert [(l["line_item_id"], l["outcome"]) for l in d["lines"]] == [("1", "approved"), ("2", "denied")]
    assert '"Engraved plate": denied, because the policy says "Custom items are final.".' in d["explanation"]
    assert "custom-final" not in d["explanation"]   # a rule without words is named by its clause


def test_whole_order_cancellation_refunds_everything_including_shipping():
    case = make_case(type="cancellation", items=[], lines=TWO_LINES, submitted_at="2026-04-28T20:00:00-05:00")
    d = decide_json(POLICY, case)
    assert (d["outcome"], d["resolution"], d["return_required"], d["return_shipping_paid_by"]) == \
        ("approved", "cancel_and_refund", False, None)
    assert (d["refund"]["items"], d["refund"]["shipping"], d["refund"]["total"]) == ("100.00", "6.50", "106.50")
    assert (d["refund"]["timing"], d["deadline"]) == ("on_approval", "2026-04-29T09:00:00-05:00")


def test_whole_order_cancellation_goes_ahead_for_the_lines_that_may_be_cancelled():
    # Issue 18: it grants what each line's rules grant and says which lines are kept (it was denied outright).
    policy = preset("kaolate")
    lines = [{"id": "1", "title": "Tee", "quantity": 1, "unit_price": "25.00", "tags": []},
             {"id": "2", "title": "Custom tee", "quantity": 1, "unit_price": "35.00", "tags": ["custom"]}]
    case = make_case(type="cancellation", items=[], lines=lines, placed_at="2026-05-01T09:00:00-06:00",
                     submitted_at="2026-05-01T12:00:00-06:00", delivered_at=None)
    d = decide_json(policy, case)
    assert (d["outcome"], d["rules"]) == ("approved", ["cancel-within-day", "cancel-custom-too-late"])
    assert [(l["line_item_id"], l["outcome"]) for l in d["lines"]] == [("1", "approved"), ("2", "denied")]
    assert (d["refund"]["items"], d["refund"]["shipping"], d["refund"]["total"]) == ("25.00", "0.00", "25.00")
    assert '"Custom tee" stays on the order: the cancellation covers only the other lines.' in d["explanation"]


def test_partial_cancellation_keeps_the_shipping():
    case = make_case(type="cancellation", items=[{"line_item_id": "1", "quantity": 1}], lines=TWO_LINES,
                     submitted_at="2026-04-28T20:00:00-05:00")
    d = decide_json(POLICY, case)
    assert (d["refund"]["items"], d["refund"]["shipping"]) == ("40.00", "0.00")


def test_unknown_line_and_excess_quantity():
    case = make_case(reason="changed_mind", lines=TWO_LINES,
                     items=[{"line_item_id": "1", "quantity": 5, "condition": "sealed"},
                            {"line_item_id": "99", "quantity": 1}])
    d = decide_json(POLICY, case)
    assert d["lines"][0]["quantity"] == 2 and d["refund"]["items"] == "80.00"
    assert (d["lines"][1]["outcome"], d["lines"][1]["rule"]) == ("denied", "unknown-line-item")
    only_unknown = make_case(reason="changed_mind", items=[{"line_item_id": "99", "quantity": 1}])
    assert decide_json(POLICY, only_unknown)["outcome"] == "denied"


def test_the_customers_preferred_resolution_wins_when_offered():
    base = dict(reason="damaged_in_transit", evidence={"photos": 1})
    assert decide_json(POLICY, make_case(**base))["resolution"] == "replacement"
    d = decide_json(POLICY, make_case(**base, preferred="store_credit"))
    assert (d["resolution"], d["refund"]["method"]) == ("store_credit", "store_credit")
    assert decide_json(POLICY, make_case(**base, preferred="exchange"))["resolution"] == "replacement"


def test_out_of_stock_swaps_in_the_policys_alternatives_or_asks_the_merchant():
    items = [{"line_item_id": "1", "quantity": 1, "exchange_in_stock": False}]
    d = decide_json(POLICY, make_case(reason="damaged_in_transit", evidence={"photos": 1}, items=items))
    assert (d["outcome"], d["resolution"], d["resolution_options"]) == ("approved", "refund", ["refund", "store_credit"])
    d = decide_json(POLICY, make_case(type="exchange", reason="ordered_wrong_variant", items=items))
    assert (d["outcome"], d["resolution"], d["resolution_options"]) == ("needs_review", "none", [])


def test_missing_evidence_asks_for_exactly_what_is_missing_and_a_video_counts_as_photos():
    d = decide_json(POLICY, make_case(reason="damaged_in_transit"))
    assert (d["outcome"], d["evidence_required"], d["evidence_missing"]) == ("needs_evidence", ["photos"], ["photos"])
    assert "Please send photos" in d["explanation"]
    assert decide_json(POLICY, make_case(reason="damaged_in_transit", evidence={"videos": 1}))["outcome"] == "approved"


def test_condition_fees_are_the_most_the_policy_allows_and_marked_waivable():
    case = make_case(reason="changed_mind", items=[{"line_item_id": "1", "quantity": 1, "condition": "unused"}])
    r = decide_json(POLICY, case)["refund"]
    assert (r["deductions"], r["total"], r["deductions_waivable"]) == ("4.90", "44.10", True)
    case["request"]["items"][0]["condition"] = "damaged"
    r = decide_json(POLICY, case)["refund"]
    assert (r["deductions"], r["deductions_waivable"]) == ("5.00", False)
    del case["request"]["items"][0]["condition"]
    r = decide_json(POLICY, case)["refund"]
    assert (r["deductions"], r["deductions_pending_inspection"]) == ("0.00", True)


def test_adjustments_apply_and_are_cited():
    d = decide_json(POLICY, make_case(reason="damaged_in_transit", evidence={"photos": 1}, is_gift=True, preferred="refund"))
    assert d["rules"] == ["damaged", "gift"]
    assert d["refund"]["method"] == "original_payment"
    assert 'Gift order ("Gift refunds go to the original payment method.")' in d["explanation"]


def test_minor_units_follow_the_currency():
    jpy = make_case(reason="changed_mind", currency="JPY", shipping_paid="500",
                    lines=[{"id": "1", "title": "Kit", "quantity": 1, "unit_price": "4999"}],
                    items=[{"line_item_id": "1", "quantity": 1, "condition": "unused"}])
    r = decide_json(POLICY, jpy)["refund"]
    assert (r["items"], r["deductions"], r["total"]) == ("4999", "499", "4500")
    kwd = make_case(reason="damaged_in_transit", evidence={"photos": 1}, preferred="refund", currency="KWD",
                    shipping_paid="1.250", lines=[{"id": "1", "title": "Kit", "quantity": 3, "unit_price": "2.105"}],
                    items=[{"line_item_id": "1", "quantity": 3}])
    r = decide_json(POLICY, kwd)["refund"]
    assert (r["items"], r["shipping"], r["total"]) == ("6.315", "1.250", "7.565")


def test_deadline_and_explanation_name_the_window_in_the_shop_zone():
    d = decide_json(POLICY, make_case(reason="changed_mind", submitted_at="2026-06-02T10:00:00-05:00"))
    assert (d["outcome"], d["deadline"]) == ("needs_review", None)  # outside: nothing covers it, the merchant decides
    d = decide_json(POLICY, make_case(reason="changed_mind"))
    assert d["deadline"] == "2026-06-01T23:59:59-05:00"
    assert "The window closes on 1 Jun 2026, 23:59 (America/Chicago)." in d["explanation"]


def test_the_same_policy_and_case_always_give_the_same_decision():
    case = make_case(reason="changed_mind", lines=TWO_LINES)
    first = json.dumps(decide_json(POLICY, case))
    assert all(json.dumps(decide_json(POLICY, case)) == first for _ in range(5))


def test_contract_example_decides_as_the_contract_shows_with_kainamo():
    example = json.loads(Path("tests/contract/example_case.json").read_text())
    d = decide_json(preset("kainamo"), example)
    expected = json.loads(Path("tests/contract/example_decision.json").read_text())
    for key in ("outcome", "resolution", "resolution_options", "return_required", "return_shipping_paid_by"):
        assert d[key] == expected[key], key
    assert {k: d["refund"][k] for k in ("items", "shipping", "deductions", "total", "method", "timing",
                                        "due_within_business_days")} == \
        {k: expected["refund"][k] for k in ("items", "shipping", "deductions", "total", "method", "timing",
                                            "due_within_business_days")}
