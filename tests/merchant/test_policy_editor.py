"""The policy editor's checks: each loader error pointed at the line of the YAML its path names."""
from integration.policy.loader import resolve_policy_path
from integration.merchant.policy_editor import check_text, line_of, path_tokens
import yaml

KAOLATE = resolve_policy_path("kaolate").read_text()


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_paths_are_split_into_keys_and_indexes():
    assert path_tokens("rules[3].when.reason[0]") == ["rules", 3, "when", "reason", 0]
    assert path_tokens("fees.by_condition.unsed (the key)") == ["fees", "by_condition", "unsed"]


def test_a_typo_in_a_rule_points_at_its_line():
    text = KAOLATE.replace("reason: [defective, damaged_in_transit], window", "reason: [defective, damagd], window")
    policy, errors = check_text(text)
    assert policy is None
    [error] = errors
    assert error.path == "rules[15].when.reason[1]" and "did you mean 'damaged_in_transit'" in error.message
    assert error.line == _line(text, "damagd")
    assert str(error).startswith(f"line {error.line}: rules[15].when.reason[1]: ")


def test_a_missing_field_points_at_the_rule_and_a_bad_reference_at_its_key():
    text = KAOLATE.replace("    clause: cancel-custom\n    when: {type: [cancellation], item_class: [custom], window",
                           "    when: {type: [cancellation], item_class: [custom], window")
    [error] = check_text(text)[1]
    assert error.path == "rules[1].clause" and error.line == _line(text, "id: cancel-custom-within-hour")
    text = KAOLATE.replace("window: {before_production: outside}", "window: {before_prod: outside}")
    [error] = check_text(text)[1]
    assert error.path == "rules[0].when.window" and error.line == _line(text, "before_prod: outside")


def test_a_yaml_syntax_error_keeps_its_own_line():
    text = KAOLATE.replace("default_item_class: standard", "default_item_class: [standard")
    [error] = check_text(text)[1]
    assert error.line is not None and "not valid YAML" in error.message


def test_an_unknown_top_level_key_points_at_it():
    text = KAOLATE + "\nnotez: {}\n"
    [error] = check_text(text)[1]
    assert error.line == len(text.splitlines()) and line_of(yaml.compose(text), "notez") == error.line
