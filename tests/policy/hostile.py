"""Policy documents written to cost work: the shapes issue 16 measured, for the policy, API, page and proving tests."""
from __future__ import annotations

import yaml

BASE = {"policy": "hostile", "name": "Hostile", "timezone": "UTC", "clauses": {"c": "Our policy."}}
_HEAD = "policy: hostile\nname: Hostile\ntimezone: UTC\nclauses: {c: Our policy.}\n"


def many_windows(n: int = 16) -> str:
    """A valid policy whose rules name n windows, any state of each possible with any other's (coverage enumerated
    2^n combinations of window states, times the other conditions: seconds at 16)."""
    windows = {f"w{i}": {"from": "delivery", "days": i + 1, "fallback": {"from": "purchase", "days": i + 31}}
               for i in range(n)}
    rules = [{"id": f"r{i}", "clause": "c", "when": {"window": {f"w{i}": "inside"}}, "decide": "deny"}
             for i in range(n)]
    return yaml.safe_dump({**BASE, "windows": windows, "rules": rules}, sort_keys=False)


def repeated_alias(n: int = 40_000) -> str:
    """One rule, then n aliases of it (200 KB at 40,000: 5 s to validate 40,001 rules)."""
    return _HEAD + "rules:\n  - &r {id: same, clause: c, decide: deny}\n" + "  - *r\n" * n


def alias_fan(levels: int = 4, width: int = 10) -> str:
    """Few aliases that expand to width**levels values (a 'billion laughs' held under the alias limit)."""
    lines = [_HEAD, "rules: [{id: r, clause: c, decide: deny}]\nnotes:\n",
             f"  a0: &a0 [{', '.join(['x'] * width)}]\n"]
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]\n" for i in range(1, levels + 1)]
    return "".join(lines)


def deep_yaml(levels: int = 5_000) -> str:
    """A policy whose notes are lists nested `levels` deep (a RecursionError and 211 KB of traceback at 5,000)."""
    return _HEAD + "rules: [{id: r, clause: c, decide: deny}]\nnotes: {deep: " + "[" * levels + "]" * levels + "}\n"


def deep_any_of(levels: int = 400) -> dict:
    """A policy document (as JSON would carry it) whose first rule nests `any_of` `levels` deep."""
    when: dict = {"type": ["return"]}
    for _ in range(levels):
        when = {"any_of": [when]}
    return {**BASE, "rules": [{"id": "r", "clause": "c", "when": when, "decide": "deny"}]}


def many(section: str, n: int) -> dict:
    """A policy document with n windows or n rules."""
    if section == "windows":
        return {**BASE, "windows": {f"w{i}": {"from": "delivery", "days": i + 1} for i in range(n)},
                "rules": [{"id": "r", "clause": "c", "decide": "deny"}]}
    return {**BASE, "rules": [{"id": f"r{i}", "clause": "c", "decide": "deny"} for i in range(n)]}
