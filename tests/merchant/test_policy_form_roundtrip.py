"""Saving from the settings form keeps the document's comments, key order and layout: only edited values change."""
import difflib

from integration.merchant.policy_form import apply_form, stale_clause_warnings
from integration.merchant.yaml_roundtrip import rewrite, same
from integration.policy.loader import load_policy_text
from tests.merchant.test_policy_form import KAOLATE, MOTION, _form


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_window_change_diffs_as_exactly_that_line():
    after = apply_form(KAOLATE, _form(KAOLATE, **{"window.return_window.length": "45"}))
    assert _changed(KAOLATE, after) == ["-  return_window: {from: delivery, days: 30}",
                                        "+  return_window: {from: delivery, days: 45}"]
    assert "within 45 days of receiving" in load_policy_text(after).clauses["window"]


def test_an_unchanged_form_changes_no_character():
    assert apply_form(KAOLATE, _form(KAOLATE)) == KAOLATE
    assert apply_form(MOTION, _form(MOTION)) == MOTION


def test_comments_survive_and_a_fee_change_is_one_line():
    after = apply_form(MOTION, _form(MOTION, **{"fee.by_condition.unused.value": "12.5"}))
    comments = [line for line in MOTION.splitlines() if "#" in line]
    assert comments and comments == [line for line in after.splitlines() if "#" in line]
    assert _changed(MOTION, after) == ["-    unused: {percent: 10, up_to: true}",
                                       "+    unused: {percent: '12.5', up_to: true}"]


def test_new_entries_are_written_in_the_documents_style():
    after = apply_form(KAOLATE, _form(KAOLATE, **{"window.new.name": "warranty", "window.new.from": "delivery",
                                                  "window.new.length": "1", "window.new.unit": "years"}))
    assert _changed(KAOLATE, after) == ["+  warranty: {from: delivery, years: 1}"]


def test_a_block_style_document_with_unindented_lists_keeps_its_layout():
    text = ("# mine\npolicy: x\nrules:\n- id: a   # first\n  when:\n    type:\n    - return\n"
            "windows:\n  w:\n    days: 3\n")
    old = {"policy": "x", "rules": [{"id": "a", "when": {"type": ["return"]}}], "windows": {"w": {"days": 3}}}
    new = {**old, "windows": {"w": {"days": 4}}, "rules": [{"id": "a", "when": {"type": ["return", "exchange"]}}]}
    expected = text.replace("days: 3", "days: 4").replace("- return\n", "- return\n    - exchange\n")
    assert rewrite(text, old, new) == expected


def test_numbers_written_as_text_count_as_those_numbers():
    assert same(5.0, "5.00") and same({"a": [1]}, {"a": [1]}) and not same(True, 1) and not same("no", False)


def test_a_clause_with_the_old_number_written_out_is_a_warning_on_save():
    literal = KAOLATE.replace("within {windows.return_window.days} days of receiving", "within 30 days of receiving")
    after = apply_form(literal, _form(literal, **{"window.return_window.length": "45"}))
    assert stale_clause_warnings(after) == ["clauses.window says 30 days but windows.return_window is 45 days; "
                                            "write {windows.return_window.days}"]
    assert stale_clause_warnings(literal) == [] and stale_clause_warnings("not: [valid") == []
