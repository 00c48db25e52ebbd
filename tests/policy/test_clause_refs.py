"""Clause references: `{windows.return_window.days}` rendered from the document, bad paths refused at load,
and the lint for numbers a clause writes out that its rules no longer use."""
import pytest

from integration.policy.check import analyse
from integration.policy.clause_refs import render, resolve, stale_numbers
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_file, load_policy_text, resolve_policy_path
from tests.helpers import decide_json, make_case

KAOLATE = resolve_policy_path("kaolate").read_text()
MOTION = resolve_policy_path("motion-hardware").read_text()
SEED_PRESETS = ("kaolate", "kinectr", "kainamo", "motion-hardware")
DOC = {"windows": {"return_window": {"from_": "delivery", "days": 30}}, "items": [{"name": "a"}, {"name": "b"}],
       "flag": True, "long": "x" * 81}


def _with_clause(text: str, clause: str) -> str:
    """Kaolate with its `window` clause written as given (block scalar, so braces need no quoting)."""
    start = text.index("  window: >-\n")
    end = text.index("  late-defective:")
    return text[:start] + f"  window: >-\n    {clause}\n" + text[end:]


def test_a_reference_renders_the_scalar_at_its_path():
    assert render("within {windows.return_window.days} days from {windows.return_window.from}", DOC) == \
        "within 30 days from delivery"
    assert render("{items.1.name} {flag}", DOC) == "b true"
    assert render("{{literal}} and {{ {windows.return_window.days} }}", DOC) == "{literal} and { 30 }"
    assert render("a lone { or } stays", DOC) == "a lone { or } stays"


@pytest.mark.parametrize("path, words", [
    ("windows.return_windw.days", "windows has no 'return_windw'; did you mean 'return_window'?"),
    ("windows.return_window", "windows.return_window is a mapping; name one of its values: from, days"),
    ("items.7.name", "items is a list of 2; write an index from 0 to 1"),
    ("windows.return_window.days.more", "windows.return_window.days is a value, not a mapping"),
    ("long", "long is 81 characters; a reference names a value of at most 80"),
])
def test_a_path_that_names_no_value_says_why(path, words):
    value, why = resolve(DOC, path)
    assert value is None and words in why


def test_an_unknown_reference_is_a_load_error_naming_the_clause_and_the_path():
    text = _with_clause(KAOLATE, "Requests must be made within {windows.return_windw.days} days.")
    with pytest.raises(InvalidPolicy) as info:
        load_policy_text(text)
    assert info.value.errors == [
        "clauses.window: {windows.return_windw.days}: windows has no 'return_windw'; did you mean 'return_window'? "
        "(write a path of the document, e.g. {windows.return_window.days}, or {{ and }} for literal braces)"]


def test_fees_and_defaults_render_as_written():
    policy = load_policy_file("motion-hardware")
    assert "we will charge up to 10% payment" in policy.clauses["condition-fees"]
    assert "we may charge up to 90%." in policy.clauses["condition-fees"]
    assert "we provide 1-year warranty" in policy.clauses["warranty"]
    assert "around 2 business days after" in policy.clauses["inspection"]


@pytest.mark.parametrize("name", SEED_PRESETS)
def test_the_seed_presets_refer_to_their_numbers_and_read_as_before(name):
    policy = load_policy_file(name)
    assert any("{windows." in text for text in policy.document["clauses"].values())
    assert not any("{" in text or "}" in text for text in policy.clauses.values())
    assert stale_numbers(policy) == [] and not analyse(policy).stale_clauses


def test_kaolate_reads_exactly_as_its_merchant_wrote_it():
    clauses = load_policy_file("kaolate").clauses
    assert clauses["window"] == (
        "Requests for returns or exchanges must be submitted within 30 days of receiving the product. The 30-day "
        "period starts from the day the order status is marked as \"Delivered\" in the tracking system.")
    assert clauses["cancel-custom"] == \
        "Custom Orders: Can be canceled within 1 hour of purchase if production has not started."


def test_a_changed_number_changes_the_rendered_clause():
    policy = load_policy_text(KAOLATE.replace("return_window: {from: delivery, days: 30}",
                                              "return_window: {from: delivery, days: 45}"))
    assert "within 45 days of receiving" in policy.clauses["window"] and "The 45-day period" in policy.clauses["window"]


def test_a_number_written_out_that_the_window_no_longer_has_is_flagged():
    literal = _with_clause(KAOLATE, "Requests must be made within 30 days of delivery (a 30-day window).")
    assert stale_numbers(load_policy_text(literal)) == []
    policy = load_policy_text(literal.replace("return_window: {from: delivery, days: 30}",
                                              "return_window: {from: delivery, days: 45}"))
    assert stale_numbers(policy) == ["clauses.window says 30 days but windows.return_window is 45 days; "
                                     "write {windows.return_window.days}"]
    report = analyse(policy)
    assert report.findings and "clause out of date: clauses.window says 30 days" in "\n".join(report.lines())


def test_the_lint_compares_like_units_and_ignores_references():
    text = _with_clause(KAOLATE, "Within {windows.return_window.days} days; refunds take 5 business days or 48 hours.")
    policy = load_policy_text(text.replace("days: 30}", "days: 45}", 1))
    assert stale_numbers(policy) == []   # business days and hours: no window of the rules citing it counts in them


def test_a_percentage_the_fee_schedule_no_longer_has_is_flagged():
    literal = MOTION.replace("{fees.by_condition.unused.percent}%", "10%").replace(
        "unused: {percent: 10, up_to: true}", "unused: {percent: 15, up_to: true}")
    rule_cites = literal.replace("clause: change-of-mind\n    when", "clause: condition-fees\n    when", 1)
    assert "clause: condition-fees" in rule_cites
    assert stale_numbers(load_policy_text(rule_cites)) == [
        "clauses.condition-fees says 10 % but fees.by_condition.sealed is 0 % and fees.by_condition.unused is 15 % and "
        "fees.by_condition.used is 90 %; write {fees.by_condition.sealed.percent} or "
        "{fees.by_condition.unused.percent} or {fees.by_condition.used.percent}"]


def test_a_decisions_explanation_quotes_the_rendered_words():
    policy = load_policy_text(KAOLATE.replace("return_window: {from: delivery, days: 30}",
                                              "return_window: {from: delivery, days: 45}"))
    late = decide_json(policy, make_case(type="exchange", reason="ordered_wrong_variant",
                                         submitted_at="2026-07-01T12:00:00-05:00"))
    assert late["outcome"] == "denied" and "outside-window" in late["rules"]
    assert "requests must be made within 45 days of delivery" in late["explanation"]
    assert "within 45 days of receiving the product" in late["explanation"] and "30 days" not in late["explanation"]
