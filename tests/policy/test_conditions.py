"""Each rule condition is one module in one registry: schema, fact, test, coverage and lint come from it."""
import dataclasses
from decimal import Decimal

import pytest

from integration.contract.case_schema import load_case
from integration.policy.check import fact_space
from integration.policy.conditions.customer import History
from integration.policy.conditions.registry import CONDITIONS
from integration.policy.conditions.when import OrderConditionSchema, WhenSchema, compile_when
from integration.policy.facts import Facts, line_facts
from integration.policy.loader import load_policy_text
from tests.helpers import make_case
from tests.policy.test_language import BASE, errors_of

# Every fact worked out, as for a policy naming them all (a policy works out only the facts its rules name).
POLICY = dataclasses.replace(load_policy_text(BASE + """
item_classes: [{name: custom, match: {tags: [engraved]}}]
rules:
  - {id: a, clause: c, decide: deny, when: {order: {gift: true}}}
  - {id: b, clause: c, decide: review, terms: cm}
"""), facts_named=None)

CASE = load_case(make_case(
    type="exchange", reason="defective", submitted_at="2026-05-30T12:00:00-05:00",
    items=[{"line_item_id": "1", "quantity": 1, "condition": "damaged", "exchange_in_stock": False}],
    lines=[{"id": "1", "title": "Plate", "quantity": 3, "unit_price": "20.00", "tags": ["Engraved"]}],
    tags=["VIP", "Gift"], is_gift=True, destination_country="CA", shop_country="CA"))
# What each condition must read from CASE, by its key: a condition reading the wrong field fails here.
EXPECTED = {"type": "exchange", "reason": "defective", "item_class": "custom", "condition": "damaged",
            "out_of_stock": True, "inspected": False, "gift": True, "international": False, "min_units": 3,
            "tags": frozenset({"vip", "gift"}), "destination_country": "CA"}
EXPECTED.update({"scope": "some_lines", "packaging": "unknown", "reason_confirmed": None,
                 "line_value": Decimal("20.00"), "value": Decimal("60.00"), "customer_tags": frozenset(),
                 "customer": History(), "placed_in": "apr"})
EXPECTED.update({"edit_kind": None})   # CASE is an exchange, not an edit (tests/edits read an edit's kind)


def test_the_registry_is_the_schema_and_the_facts():
    assert set(WhenSchema().fields) == {c.key for c in CONDITIONS if c.scope == "line"} | {"order", "any_of"}
    assert set(OrderConditionSchema().fields) == {c.key for c in CONDITIONS if c.scope == "order"}
    assert [f.name for f in dataclasses.fields(Facts)] == [c.fact for c in CONDITIONS]


@pytest.mark.parametrize("condition", CONDITIONS, ids=[c.key for c in CONDITIONS])
def test_each_condition_reads_its_fact_from_the_case(condition):
    facts = line_facts(POLICY, CASE, CASE.request.items[0], CASE.order.line_items[0])
    if condition.key == "window":
        assert facts.windows["w"] == "outside"  # delivered 2026-05-02, asked 28 days later, 14-day window
    else:
        assert getattr(facts, condition.fact) == EXPECTED[condition.key]


@pytest.mark.parametrize("when, holds", [
    ({"type": ["exchange"], "reason": ["defective", "wrong_item"]}, True),
    ({"type": ["return"]}, False),
    ({"window": {"w": "outside"}, "condition": ["damaged"]}, True),
    ({"window": {"w": "inside"}}, False),
    ({"order": {"min_units": 3, "tags": ["VIP"], "destination_country": ["CA"], "international": False}}, True),
    ({"order": {"min_units": 4}}, False),
    ({"order": {"gift": False}}, False),
    ({"out_of_stock": True, "inspected": False, "item_class": ["custom"]}, True),
    ({"any_of": [{"reason": ["changed_mind"]}, {"order": {"tags": ["gift"]}}]}, True),
    ({"any_of": [{"reason": ["changed_mind"]}, {"inspected": True}]}, False),
])
def test_a_when_holds_when_every_condition_it_names_holds(when, holds):
    facts = line_facts(POLICY, CASE, CASE.request.items[0], CASE.order.line_items[0])
    assert compile_when(when)(facts) is holds


def test_a_condition_inside_any_of_is_linted_at_its_own_path():
    errors = errors_of(BASE + "rules:\n  - {id: a, clause: c, decide: deny, when: {any_of: [{reason: [defective]}, "
                              "{window: {v: inside}}]}}")
    assert any(e.startswith("rules[0].when.any_of[1].window: 'v' is not a defined window") for e in errors), errors


def test_coverage_tries_values_written_in_nested_any_of():
    policy = load_policy_text(BASE + "rules:\n  - {id: a, clause: c, decide: deny, when: {any_of: [{reason: [defective]},"
                                     " {any_of: [{order: {min_units: 5}}]}]}}\n  - {id: b, clause: c, decide: review, terms: cm}")
    assert {facts.units for facts, _ in fact_space(policy)} == {1, 5}
    assert {facts.gift for facts, _ in fact_space(POLICY)} == {False, True}
