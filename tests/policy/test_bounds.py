"""Every policy document is held to limits before any work, and the coverage analysis grows with what the rules
name or says what it did not analyse (issue 16, item 1)."""
import time

import pytest
import yaml

from integration.policy import bounds, check
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text, parse_policy, preset_names, resolve_policy_path
from tests.helpers import preset
from tests.policy.hostile import alias_fan, deep_any_of, deep_yaml, many, many_windows, repeated_alias


def _refusal(load, document) -> str:
    with pytest.raises(InvalidPolicy) as refused:
        load(document)
    return "\n".join(refused.value.errors)


@pytest.mark.parametrize("name", preset_names())
def test_the_presets_are_inside_every_limit(name):
    text = resolve_policy_path(name).read_text()
    assert len(text) <= bounds.MAX_CHARS and load_policy_text(text).id
    assert not analyse(preset(name)).not_analysed


def test_a_document_nested_thousands_deep_is_refused_naming_its_line_not_a_recursion_error():
    started = time.perf_counter()
    message = _refusal(load_policy_text, deep_yaml(5_000))
    assert message.startswith("line 6, column ") and f"nested more than {bounds.MAX_DEPTH} levels" in message
    assert time.perf_counter() - started < 1


def test_a_document_nested_deep_as_json_is_refused_before_validation():
    assert f"nested more than {bounds.MAX_DEPTH} levels" in _refusal(parse_policy, deep_any_of(400))


def test_a_long_document_is_refused_on_its_size_before_it_is_parsed():
    text = repeated_alias(40_000)
    assert len(text) > 200_000
    message = _refusal(load_policy_text, text)
    assert message.startswith("(document): ") and f"at most {bounds.MAX_CHARS:,}" in message


def test_aliases_are_counted_and_a_fan_of_them_is_refused_on_what_it_expands_to():
    assert f"more than {bounds.MAX_ALIASES} YAML aliases" in _refusal(load_policy_text, repeated_alias(60))
    fan = alias_fan(levels=4, width=10)   # 40 aliases, 11,110 lists once expanded: 111,110 values
    assert len(fan) < 1_000 and f"more than {bounds.MAX_VALUES:,} keys, values" in _refusal(load_policy_text, fan)
    assert "nested more than" in _refusal(load_policy_text, "notes: &a [*a]\n")   # refers to itself


@pytest.mark.parametrize("section, limit", [("windows", bounds.MAX_WINDOWS), ("rules", bounds.MAX_RULES)])
def test_too_many_windows_or_rules_are_refused_naming_the_section_and_the_fix(section, limit):
    parse_policy(many(section, limit))
    message = _refusal(parse_policy, many(section, limit + 1))
    assert message.startswith(f"{section}: {limit + 1} {section}; a policy may have at most {limit}, so ")


def test_coverage_over_too_many_windows_is_not_analysed_and_says_so():
    policy = load_policy_text(many_windows(16))
    started = time.perf_counter()
    report = analyse(policy)
    assert time.perf_counter() - started < 0.5
    [why] = report.not_analysed
    assert why.startswith("too many windows to analyse: the rules for return requests name 16 windows") and "`when`" in why
    assert report.findings and report.lines() == [f"not analysed: {why}"]


def test_windows_no_rule_names_cost_nothing():
    doc = yaml.safe_load(resolve_policy_path("kinectr").read_text())
    doc["windows"].update({f"spare{i}": {"from": "purchase", "days": i + 1} for i in range(16)})
    report = analyse(parse_policy(doc))
    assert report.not_analysed == [] and report.lines() == analyse(preset("kinectr")).lines()


def test_too_many_kinds_of_request_times_rules_is_not_analysed(monkeypatch):
    monkeypatch.setattr(check, "MAX_CHECKS", 1_000)
    [why] = analyse(preset("kinectr")).not_analysed
    assert why.startswith("too many kinds of request to analyse: 1,440 kinds times 11 rules")


def test_libyamls_reader_decodes_every_preset_as_the_pure_python_one_does():
    assert bounds._READER is bounds._BoundedCLoader   # the fast reader is the one in use (PyYAML with libyaml)
    for name in preset_names():
        text = resolve_policy_path(name).read_text(encoding="utf-8")
        slow = bounds._BoundedLoader(text)
        assert bounds.read_yaml(text) == slow.get_single_data(), name
        slow.dispose()


@pytest.mark.parametrize("depth", [21, 999, 1_000, 5_000])
def test_a_deep_document_is_refused_with_our_limit_at_any_depth(depth):
    # libyaml stops at 1,000 levels with its own error; ours names the limit and the fix either way
    with pytest.raises(InvalidPolicy, match="nested more than 20 levels deep"):
        bounds.read_yaml("policy: " + "[" * depth + "]" * depth)
