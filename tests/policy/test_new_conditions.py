"""The value, customer, scope, packaging, placed_in and reason_confirmed conditions: facts, tests, errors, coverage."""
from dataclasses import replace

import pytest

from integration.contract.case_schema import load_case
from integration.policy.check import analyse, fact_space
from integration.policy.conditions.when import compile_when
from integration.policy.engine import decide
from integration.policy.facts import line_facts
from integration.policy.judge import requested_items
from integration.policy.loader import load_policy_text
from tests.helpers import make_case
from tests.policy.test_language import BASE, errors_of

# Every fact worked out, as for a policy whose rules name them all (a policy works out only the facts it names).
POLICY = replace(load_policy_text(BASE + "rules:\n  - {id: b, clause: c, decide: review, terms: cm}\n"),
                 facts_named=None)
LINES = [{"id": "1", "title": "Plate", "quantity": 3, "unit_price": "10.00", "refunded_quantity": 1},
         {"id": "2", "title": "Cup", "quantity": 1, "unit_price": "5.00"}]
CUSTOMER = {"tags": ["VIP"], "orders_count": 2, "requests_last_365_days": 3, "refunded_last_365_days": "200.00"}


def facts(items=None, **order):
    """The first requested line's facts on a two-line order (two plates still open, one refunded; a cup)."""
    case = load_case(make_case(items=items, lines=LINES, **order))
    item = requested_items(case)[0]
    return line_facts(POLICY, case, item, case.order.line(item.line_item_id))


def holds(when, **kwargs) -> bool:
    return compile_when(when)(facts(**kwargs))


@pytest.mark.parametrize("bound, expected", [
    ({"at_least": "20.00"}, True), ({"at_least": "20.01"}, False),
    ({"below": "20.00"}, False), ({"below": "20.01"}, True),
    ({"at_least": "19.99", "below": "20.01"}, True),
])
def test_line_value_is_the_requested_open_units_value_with_exact_bounds(bound, expected):
    # three plates asked for, but one is refunded already: 2 x 10.00
    items = [{"line_item_id": "1", "quantity": 3}]
    assert holds(load_when({"line_value": bound}), items=items) is expected


@pytest.mark.parametrize("bound, expected", [
    ({"at_least": "35.00"}, True), ({"at_least": "35.01"}, False),
    ({"below": "35.00"}, False), ({"below": "35.01"}, True),
])
def test_order_value_is_every_lines_goods_value(bound, expected):
    assert holds(load_when({"order": {"value": bound}})) is expected   # 3 x 10.00 + 5.00, refunds or not


def load_when(when: dict) -> dict:
    """`when` as the policy document loads it (thresholds become Threshold objects)."""
    text = BASE + "rules:\n  - {id: a, clause: c, decide: deny, when: %s}\n" % _flow(when)
    return load_policy_text(text).document["rules"][0]["when"]


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


@pytest.mark.parametrize("test, expected", [
    ({"requests_last_365_days": {"at_least": 3}}, True), ({"requests_last_365_days": {"at_least": 4}}, False),
    ({"requests_last_365_days": {"below": 3}}, False), ({"refunded_last_365_days": {"at_least": "200.00"}}, True),
    ({"refunded_last_365_days": {"below": "200.00"}}, False), ({"orders_count": {"at_least": 2}}, True),
    ({"orders_count": {"at_least": 2}, "requests_last_365_days": {"at_least": 4}}, False),
])
def test_customer_history_thresholds_are_exact(test, expected):
    assert holds(load_when({"order": {"customer": test}}), customer=CUSTOMER) is expected


@pytest.mark.parametrize("test", [
    {"requests_last_365_days": {"below": 3}}, {"refunded_last_365_days": {"below": "1.00"}},
    {"orders_count": {"at_least": 0}},
])
def test_a_customer_condition_is_false_without_a_customer_or_without_that_count(test):
    when = load_when({"order": {"customer": test}})
    assert holds(when) is False
    assert holds(when, customer={"tags": ["vip"]}) is False


def test_customer_tags_match_without_case_and_never_without_a_customer():
    assert holds({"order": {"customer_tags": ["vip", "wholesale"]}}, customer=CUSTOMER) is True
    assert holds({"order": {"customer_tags": ["wholesale"]}}, customer=CUSTOMER) is False
    assert holds({"order": {"customer_tags": ["vip"]}}) is False


@pytest.mark.parametrize("placed_at, month", [
    ("2026-12-01T03:00:00+00:00", "nov"),   # 21:00 on Nov 30 in Chicago
    ("2026-12-01T06:00:00+00:00", "dec"),
    ("2027-01-01T05:59:59+00:00", "dec"),
])
def test_placed_in_is_the_month_in_the_shops_zone(placed_at, month):
    assert facts(placed_at=placed_at).placed_in == month
    assert holds({"order": {"placed_in": [month]}}, placed_at=placed_at) is True
    assert holds({"order": {"placed_in": ["jan"]}}, placed_at=placed_at) is False


@pytest.mark.parametrize("items, scope", [
    ([], "whole_order"),
    ([{"line_item_id": "1", "quantity": 2}, {"line_item_id": "2", "quantity": 1}], "whole_order"),  # every open unit
    ([{"line_item_id": "1", "quantity": 1}, {"line_item_id": "1", "quantity": 1}, {"line_item_id": "2", "quantity": 1}],
     "whole_order"),
    ([{"line_item_id": "1", "quantity": 2}], "some_lines"),
    ([{"line_item_id": "1", "quantity": 1}, {"line_item_id": "2", "quantity": 1}], "some_lines"),
])
def test_scope_is_whole_order_when_every_open_unit_is_asked_for(items, scope):
    assert facts(items=items).request_scope == scope
    assert holds({"scope": scope}, items=items) is True
    assert holds({"scope": "some_lines" if scope == "whole_order" else "whole_order"}, items=items) is False


@pytest.mark.parametrize("packaging, matches", [
    ("original", ["original"]), ("not_original", ["not_original"]), (None, ["unknown"]),
])
def test_packaging_of_the_item_or_unknown(packaging, matches):
    item = {"line_item_id": "1", "quantity": 1, **({"packaging": packaging} if packaging else {})}
    for value in ("original", "not_original", "unknown"):
        assert holds({"packaging": [value]}, items=[item]) is (value in matches)


@pytest.mark.parametrize("confirmed", [True, False, None])
def test_reason_confirmed_matches_only_the_inspections_word(confirmed):
    case = make_case()
    if confirmed is not None:
        case["request"]["reason_confirmed"] = confirmed
    loaded = load_case(case)
    found = line_facts(POLICY, loaded, loaded.request.items[0], loaded.order.line_items[0])
    assert compile_when({"reason_confirmed": True})(found) is (confirmed is True)
    assert compile_when({"reason_confirmed": False})(found) is (confirmed is False)


@pytest.mark.parametrize("when, message", [
    ("{line_value: {}}", "rules[0].when.line_value: write at_least, below or both"),
    ("{line_value: {at_least: 20}}", "rules[0].when.line_value.at_least: 20 is not a decimal string"),
    ('{line_value: {at_least: "20.00", below: "20.00"}}', "rules[0].when.line_value.below: must be more than at_least"),
    ('{order: {value: {above: "1.00"}}}', "rules[0].when.order.value.above: unknown field"),
    ("{order: {customer: {}}}", "rules[0].when.order.customer: name at least one of"),
    ("{order: {customer: {orders_count: {at_least: -1}}}}",
     "rules[0].when.order.customer.orders_count.at_least: must be"),
    ("{order: {placed_in: [novv]}}",
     "rules[0].when.order.placed_in[0]: 'novv' is not a valid month; did you mean 'nov'?"),
    ("{scope: whole}", "rules[0].when.scope: 'whole' is not a valid scope"),
    ("{packaging: [box]}", "rules[0].when.packaging[0]: 'box' is not a valid packaging"),
    ("{reason_confirmed: maybe}", "rules[0].when.reason_confirmed: must be true or false"),
])
def test_bad_values_name_the_path_and_the_fix(when, message):
    errors = errors_of(BASE + f"rules:\n  - {{id: a, clause: c, decide: deny, when: {when}}}\n")
    assert any(e.startswith(message) for e in errors), errors


COVERED = BASE + """
rules:
  - {id: big-order, clause: c, decide: approve, terms: cm, when: {order: {value: {at_least: "150.00"}}}}
  - {id: cheap-line, clause: c, decide: deny, when: {line_value: {below: "20.00"}}}
  - {id: mid-line, clause: c, decide: approve, terms: cm, when: {line_value: {at_least: "20.00", below: "50.00"}}}
  - {id: regular, clause: c, decide: review, terms: cm,
     when: {order: {customer: {requests_last_365_days: {at_least: 3}}}}}
  - {id: vip-or-holiday, clause: c, decide: approve, terms: cm,
     when: {any_of: [{order: {customer_tags: [vip]}}, {order: {placed_in: [nov, dec]}, scope: whole_order}]}}
  - {id: not-original, clause: c, decide: review, terms: cm, when: {packaging: [not_original, unknown]}}
  - {id: confirmed, clause: c, decide: approve, terms: cm, when: {reason_confirmed: true}}
  - {id: unconfirmed, clause: c, decide: review, terms: cm, when: {reason_confirmed: false}}
  - {id: some-lines, clause: c, decide: review, terms: cm, when: {scope: some_lines}}
  # no catch-all: what is left is a whole order placed January to October, which this rule covers exactly
  - {id: whole-off-season, clause: c, decide: review, terms: cm,
     when: {scope: whole_order, order: {placed_in: [jan, feb, mar, apr, may, jun, jul, aug, sep, oct]}}}
adjustments:
  - {id: charge, clause: c, when: {reason_confirmed: false}, refund: {deductions: f}}
"""


def test_check_finds_no_false_gaps_or_dead_rules_with_the_new_conditions():
    report = analyse(load_policy_text(COVERED))
    assert report.uncovered_total == 0 and report.never_fire == [] and report.not_analysed == []


def test_check_finds_the_gap_an_unknown_customer_leaves_and_a_rule_cut_off_by_an_earlier_bound():
    policy = load_policy_text(BASE + """
rules:
  - {id: many, clause: c, decide: deny, when: {order: {customer: {requests_last_365_days: {at_least: 3}}}}}
  - {id: few, clause: c, decide: review, terms: cm, when: {order: {customer: {requests_last_365_days: {below: 3}}}}}
  - {id: over-20, clause: c, decide: deny, when: {line_value: {at_least: "20.00"}}}
  - {id: over-50, clause: c, decide: deny, when: {line_value: {at_least: "50.00"}}}
""")
    report = analyse(policy)
    assert report.uncovered_total > 0   # a case with no customer (or no count) matches neither `many` nor `few`
    assert [line.split()[0] for line in report.never_fire] == ["rules[3]"]


def test_coverage_tries_one_value_per_interval_the_written_bounds_cut():
    policy = load_policy_text(COVERED)
    assert sorted({f.line_value for f, _ in fact_space(policy)}) == [0, 20, 50]
    assert {f.customer_history.requests_last_365_days for f, _ in fact_space(policy)} == {None, 0, 3}
    assert {f.reason_confirmed for f, _ in fact_space(policy)} == {None, False, True}
    assert len({f.placed_in for f, _ in fact_space(policy)}) == 2   # nov-dec and the rest: no rule tells more apart


def test_a_policy_that_names_none_of_them_has_no_more_kinds_to_check():
    names = ("request_scope", "packaging", "reason_confirmed", "line_value", "order_value", "customer_tags",
             "customer_history", "placed_in")
    for name in names:
        assert len({getattr(f, name) for f, _ in fact_space(POLICY)}) == 1, name


def test_an_adjustment_on_reason_confirmed_false_charges_the_fee():
    policy = load_policy_text(COVERED)
    case = make_case(reason="defective", items=[{"line_item_id": "1", "quantity": 1, "condition": "unused"}],
                     lines=[{"id": "1", "title": "Lamp", "quantity": 1, "unit_price": "30.00"}])
    case["request"].update(inspected=True, reason_confirmed=False)
    refused = decide(policy, load_case(case))
    case["request"]["reason_confirmed"] = True
    confirmed = decide(policy, load_case(case))
    assert [li.rule.id for li in refused.lines] == ["mid-line"] and refused.lines[0].adjustments == ("charge",)
    assert confirmed.refund.deductions == 0 and refused.refund.deductions == 3   # f: 10 % of 30.00 when unused
