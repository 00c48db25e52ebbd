"""A policy's rules in the merchant's words, for every page and preview that names one (never its id)."""
from __future__ import annotations

from integration.policy.model import Policy

CATCH_ALL = "no rule of the policy fits this request"


def key_words(key: str | None) -> str:
    """A stored key as words: "return_window" → "return window", "change-of-mind" → "change of mind"."""
    return (key or "").replace("_", " ").replace("-", " ").strip()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def rule_text(rule) -> str:
    """A rule or adjustment as a sentence: its explanation, else its clause's name, else its name."""
    if rule.explain:
        return _sentence(rule.explain.strip())
    if rule.id == "otherwise":
        return _sentence(CATCH_ALL)
    return _sentence(f"the clause on {key_words(rule.clause)}" if rule.clause else f"the rule on {key_words(rule.id)}")


def rule_words(policy: Policy | None, rule_id: str) -> str:
    """The rule of that id in `policy` as `rule_text` says; a rule the policy no longer has, by its id in words."""
    rules = {r.id: r for r in (*policy.rules, *policy.adjustments, policy.otherwise)} if policy else {}
    if (rule := rules.get(rule_id)) is not None:
        return rule_text(rule)
    return _sentence(CATCH_ALL if rule_id == "otherwise" else f"the rule on {key_words(rule_id)}")
