"""The published policy text, written from the policy: every clause quoted, windows in words."""
import pytest

from integration.policy.loader import load_policy_text, preset_names, resolve_policy_path
from integration.merchant.policy_text import published_sections, to_markdown, window_words
from tests.helpers import preset


def _markdown(policy) -> str:
    return to_markdown(policy, published_sections(policy))


@pytest.mark.parametrize("name", preset_names())
def test_a_presets_text_quotes_each_clause_and_states_its_windows(name):
    policy = preset(name)
    text = _markdown(policy)
    for clause in policy.clauses.values():
        assert f"> {clause.strip()}" in text
    for window in policy.windows.values():   # each window in words: "30 days from delivery", "until it ships"...
        assert window_words(window) in text


def test_kaolate_states_its_windows_shipping_and_evidence_in_words():
    text = _markdown(preset("kaolate"))
    assert "Return window: 30 days from delivery." in text
    assert "Cancel custom: 1 hour from purchase." in text and "Before production: until production starts." in text
    assert "We pay return shipping and send you a prepaid label." in text and "You pay return shipping." in text
    assert "Please send your order number and photos." in text


def test_fees_and_refund_terms_come_from_the_document():
    text = _markdown(preset("motion-hardware"))
    assert "Unused: up to 10% of the item price." in text and "Sealed: no fee." in text
    changed = load_policy_text(resolve_policy_path("motion-hardware").read_text().replace(
        "unused: {percent: 10, up_to: true}", "unused: {percent: 15}"))
    assert "Unused: 15% of the item price." in _markdown(changed)


def test_a_fallback_window_is_said_in_words():
    policy = load_policy_text("""
policy: t
name: T
timezone: America/Chicago
clauses: {c: "Our words."}
windows: {w: {from: delivery, days: 14, fallback: {from: purchase, days: 30}}}
rules:
  - {id: in, clause: c, decide: approve, resolution: [refund], when: {window: {w: inside}}}
""")
    assert window_words(policy.windows["w"]) == "14 days from delivery (30 days from purchase when the delivery date is not known)"
    assert "> Our words." in _markdown(policy) and "We offer a refund." in _markdown(policy)
