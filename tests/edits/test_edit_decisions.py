"""Edit requests: the case's `request.edit`, the `edit_kind` condition, and decisions on an example policy."""
import json

import jsonschema
import pytest

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.policy.check import analyse
from integration.policy.engine import decide
from integration.policy.loader import load_policy_text
from tests.edits.policy_example import ADDRESS, EDITS_POLICY, case
from tests.helpers import CONTRACT
from tests.policy.test_language import BASE, errors_of

POLICY = load_policy_text(EDITS_POLICY)
CASE_SCHEMA = jsonschema.Draft202012Validator(json.loads((CONTRACT / "case.schema.json").read_text()))
DECISION_SCHEMA = jsonschema.Draft202012Validator(json.loads((CONTRACT / "decision.schema.json").read_text()))
FIRST_DAY, NEXT_WEEK = "2026-05-01T20:00:00-06:00", "2026-05-08T09:00:00-06:00"
VARIANT = {"kind": "variant", "line_item_id": "11", "variant_id": "44440009", "quantity": 1}
ENGRAVING = {"kind": "personalisation", "line_item_id": "12", "text": "A & J, 12.05.2026"}


def _errors(data: dict) -> list[str]:
    try:
        load_case(data)
    except InvalidCase as exc:
        return exc.errors
    return []


@pytest.mark.parametrize("edit", [{"kind": "address", "address": ADDRESS}, VARIANT, ENGRAVING])
def test_each_kind_of_edit_loads_and_the_json_schema_agrees(edit):
    data = case(edit, FIRST_DAY)
    loaded = load_case(data)
    assert loaded.request.edit.kind == edit["kind"]
    assert CASE_SCHEMA.is_valid(data)


@pytest.mark.parametrize("edit, error", [
    (None, "request.edit: is required for an edit request"),
    ({"kind": "variant", "line_item_id": "11"}, "request.edit.variant_id: is required for a variant edit"),
    ({"kind": "address", "address": {"address1": "1 Main", "country_code": "US"}},
     "request.edit.address.city: is required"),
    ({"kind": "address", "address": {**ADDRESS, "country_code": "usa"}}, "request.edit.address.country_code: 'usa'"),
    ({**ENGRAVING, "variant_id": "9"}, "request.edit.variant_id: is not part of a personalisation edit"),
    ({**ENGRAVING, "text": "x" * 501}, "request.edit.text: must be 1 to 500 characters"),
    ({"kind": "resize"}, "request.edit.kind: 'resize' is not a valid edit kind"),
])
def test_a_bad_edit_names_the_field_and_the_json_schema_refuses_it_too(edit, error):
    data = case(edit, FIRST_DAY)
    if edit is None:
        del data["request"]["edit"]
    assert _errors(data)[0].startswith(error)
    assert not CASE_SCHEMA.is_valid(data)


def test_only_an_edit_request_takes_an_edit_and_a_line_edit_names_only_its_line():
    data = case(ENGRAVING, FIRST_DAY)
    data["request"]["type"] = "return"
    assert _errors(data) == ["request.edit: only an edit request takes `edit` (this one is a return)"]
    assert not CASE_SCHEMA.is_valid(data)
    data = case(ENGRAVING, FIRST_DAY)
    data["request"]["items"] = [{"line_item_id": "11", "quantity": 1}]
    assert _errors(data) == ["request.items: an edit of line 12 names only that line"]


def test_a_line_edit_without_items_covers_that_line_only():
    assert [(i.line_item_id, i.quantity) for i in load_case(case(VARIANT, FIRST_DAY)).request.items] == [("11", 1)]
    whole = load_case(case({k: v for k, v in VARIANT.items() if k != "quantity"}, FIRST_DAY))
    assert [(i.line_item_id, i.quantity) for i in whole.request.items] == [("11", 2)]
    assert load_case(case({"kind": "address", "address": ADDRESS}, FIRST_DAY)).request.items == ()


def _decided(edit: dict, submitted_at: str, **order) -> dict:
    decision = decision_json(decide(POLICY, load_case(case(edit, submitted_at, **order))))
    assert DECISION_SCHEMA.is_valid(decision), list(DECISION_SCHEMA.iter_errors(decision))
    return decision


def test_an_address_change_on_the_first_day_is_approved_as_an_edit_with_no_money_and_nothing_returned():
    decision = _decided({"kind": "address", "address": ADDRESS}, FIRST_DAY)
    assert (decision["outcome"], decision["resolution"], decision["rules"]) == ("approved", "edit", ["edits-first-day"])
    assert decision["resolution_options"] == ["edit"]
    assert decision["return_required"] is False and decision["refund"]["total"] == "0.00"
    assert decision["refund"]["timing"] == "none"
    assert decision["deadline"] == "2026-05-02T10:00:00-06:00"   # 24 hours after purchase
    assert "Resolution: the change to your order." in decision["explanation"]
    assert "send the item back" not in decision["explanation"]


def test_after_24_hours_a_size_change_is_denied():
    decision = _decided(VARIANT, NEXT_WEEK)
    assert (decision["outcome"], decision["resolution"], decision["rules"]) == ("denied", "none", ["edits-too-late"])


def test_a_made_to_order_line_cannot_change_variant_even_on_the_first_day():
    decision = _decided({**VARIANT, "line_item_id": "12"}, FIRST_DAY)
    assert (decision["outcome"], decision["rules"]) == ("denied", ["custom-no-variant-change"])
    assert [line["line_item_id"] for line in decision["lines"]] == ["12"]


def test_personalisation_can_change_until_production_starts_whatever_the_day():
    assert _decided(ENGRAVING, NEXT_WEEK)["outcome"] == "approved"
    late = _decided(ENGRAVING, NEXT_WEEK, production_started_at="2026-05-05T08:00:00-06:00")
    assert (late["outcome"], late["rules"]) == ("denied", ["edits-too-late"])


def test_an_address_change_is_one_change_for_the_whole_order():
    # The ring went into production and cannot take a new address here; the T-shirt could: the order cannot.
    policy = load_policy_text(EDITS_POLICY.replace(
        "  - id: edits-first-day", "  - id: made-ones-stay\n    clause: personal\n    when: {type: [edit], "
        "item_class: [custom], window: {before_production: outside}}\n    decide: deny\n  - id: edits-first-day"))
    decided = decide(policy, load_case(case({"kind": "address", "address": ADDRESS}, FIRST_DAY,
                                            production_started_at="2026-05-01T12:00:00-06:00")))
    assert decided.outcome == "denied"


def test_edit_kind_is_a_condition_with_a_did_you_mean():
    errors = errors_of(BASE + "rules:\n  - {id: a, clause: c, decide: deny, when: {type: [edit], edit_kind: [size]}}\n")
    assert any(e.startswith("rules[0].when.edit_kind[0]: 'size' is not a valid edit kind") for e in errors), errors


def test_a_policy_that_names_no_edit_is_not_asked_to_cover_edits_and_one_that_does_is():
    no_edits = load_policy_text(BASE + "rules:\n  - {id: a, clause: c, decide: deny}\n")
    assert not analyse(no_edits).uncovered
    some = load_policy_text(BASE + "rules:\n  - {id: a, clause: c, decide: deny, when: {type: [return, exchange, "
                                   "cancellation, warranty]}}\n  - {id: e, clause: c, decide: deny, when: {type: [edit], "
                                   "edit_kind: [address]}}\n")
    assert [line.split(" · ")[0] for line in analyse(some).uncovered] == ["edit"]
