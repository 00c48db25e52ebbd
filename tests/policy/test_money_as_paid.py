"""Money as paid: a refund carries the tax of the refunded units, and units already refunded cannot be asked again."""
from decimal import Decimal

from tests.helpers import decide_json, make_case, preset
from tests.policy.test_engine import POLICY

# A CAD order with GST on two lamps and on shipping (figures of the kind Shopify reports per line).
LINES = [{"id": "1", "title": "Lamp", "quantity": 2, "unit_price": "40.00", "unit_tax": "2.00", "tags": []},
         {"id": "2", "title": "Shade", "quantity": 1, "unit_price": "20.00", "unit_tax": "1.00", "tags": []}]


def _decide(items, lines=LINES, **order):
    case = make_case(reason="damaged_in_transit", items=items, lines=lines, evidence={"photos": 1},
                     preferred="refund", currency="CAD", shipping_paid="10.00", shipping_tax="0.50", **order)
    return decide_json(POLICY, case)


def test_the_refund_carries_the_tax_of_the_granted_units_and_of_shipping():
    decision = _decide([{"line_item_id": "1", "quantity": 2}])
    refund = decision["refund"]
    assert decision["outcome"] == "approved"
    assert (refund["items"], refund["shipping"], refund["tax"]) == ("80.00", "10.00", "4.50")
    assert refund["total"] == "94.50"


def test_deductions_are_taken_on_the_price_before_tax():
    case = make_case(reason="changed_mind", items=[{"line_item_id": "1", "quantity": 1, "condition": "unused"}],
                     lines=LINES, currency="CAD")
    refund = decide_json(POLICY, case)["refund"]
    assert (refund["items"], refund["tax"], refund["deductions"]) == ("40.00", "2.00", "4.00")
    assert refund["total"] == "38.00"


def test_units_already_refunded_cannot_be_asked_for_again():
    refunded = [{**LINES[0], "refunded_quantity": 2}, LINES[1]]
    decision = _decide([{"line_item_id": "1", "quantity": 1}], lines=refunded)
    assert decision["outcome"] == "denied"
    assert decision["rules"] == ["already-refunded"]
    assert "already refunded" in decision["explanation"]
    assert decision["refund"]["total"] == "0.00"


def test_only_the_units_still_open_are_granted():
    partly = [{**LINES[0], "refunded_quantity": 1}, LINES[1]]
    decision = _decide([{"line_item_id": "1", "quantity": 2}], lines=partly)
    assert decision["lines"][0]["quantity"] == 1
    assert (decision["refund"]["items"], decision["refund"]["tax"]) == ("40.00", "2.50")  # with shipping's


def test_a_request_naming_no_lines_asks_for_what_is_left():
    partly = [{**LINES[0], "refunded_quantity": 2}, LINES[1]]
    decision = _decide([], lines=partly)
    assert [(line["line_item_id"], line["quantity"]) for line in decision["lines"]] == [("2", 1)]


def test_a_line_in_production_on_its_own_date_counts_from_it():
    policy = preset("kaolate")
    late = [{"id": "1", "title": "Mug", "quantity": 1, "unit_price": "30.00", "tags": [],
             "production_started_at": "2026-05-01T09:00:00-05:00"}]
    cancel = make_case(type="cancellation", lines=late, production_started_at=None, delivered_at=None,
                       submitted_at="2026-05-02T09:00:00-05:00")
    decision = decide_json(policy, cancel)
    assert (decision["outcome"], decision["rules"][0]) == ("denied", "cancel-after-production")
    ordered_only = make_case(type="cancellation", lines=[{**late[0], "production_started_at": None}],
                             production_started_at="2026-05-01T09:00:00-05:00", delivered_at=None,
                             submitted_at="2026-05-02T09:00:00-05:00")
    assert decide_json(policy, ordered_only)["rules"][0] != "cancel-after-production"


def test_the_total_is_exact_to_the_currency():
    lines = [{"id": "1", "title": "Tea", "quantity": 3, "unit_price": "1000", "unit_tax": "100", "tags": []}]
    case = make_case(reason="damaged_in_transit", items=[{"line_item_id": "1", "quantity": 3}], lines=lines,
                     evidence={"photos": 1}, preferred="refund", currency="JPY", shipping_paid="0")
    refund = decide_json(POLICY, case)["refund"]
    assert (refund["tax"], refund["total"]) == ("300", "3300")
    assert Decimal(refund["total"]) == Decimal(refund["items"]) + Decimal(refund["tax"])
