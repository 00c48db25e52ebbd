"""Static analysis of a policy: rules that can never fire, and kinds of request no rule covers.

Every value the rules cannot tell apart is folded into one representative, so the whole space of
distinguishable requests is enumerated and run through the real matchers.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from integration.domain import vocabulary as vocab
from integration.policy.conditions import values_named
from integration.policy.facts import Facts
from integration.policy.model import Policy, Window


@dataclass
class Report:
    never_fire: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    uncovered_total: int = 0

    @property
    def findings(self) -> bool:
        """True when anything is worth the merchant's attention."""
        return bool(self.never_fire or self.uncovered)

    def lines(self) -> list[str]:
        """Human-readable findings, one per line."""
        out = [f"never fires: {line}" for line in self.never_fire]
        out += [f"not covered by any rule: {line}" for line in self.uncovered]
        if self.uncovered_total > len(self.uncovered):
            out.append(f"not covered by any rule: ... and {self.uncovered_total - len(self.uncovered)} more kinds")
        return out


def _when_docs(policy: Policy) -> list[dict]:
    docs = policy.document
    return [r["when"] for r in docs.get("rules", [])] + [a["when"] for a in docs.get("adjustments", [])]


def _groups(universe, whens: list[dict], key: str) -> dict[object, list]:
    """Representative value -> every value the rules treat the same way."""
    lists = [set(values_named(w, key)) for w in whens if values_named(w, key)]
    groups: dict[tuple, list] = {}
    for value in universe:
        groups.setdefault(tuple(value in s for s in lists), []).append(value)
    return {members[0]: members for members in groups.values()}


def _window_states(window: Window) -> tuple[str, ...]:
    if window.until or window.fallback or window.anchor == "purchase":
        return ("inside", "outside")
    return ("inside", "outside", "unknown")


def _feasible(policy: Policy, states: dict[str, str]) -> bool:
    """Windows on the same anchor and unit nest: a longer one is open while a shorter one is."""
    for a, b in itertools.permutations(policy.windows.values(), 2):
        if a.anchor and a.anchor == b.anchor and not a.fallback and not b.fallback:
            if (states[a.name] == "unknown") != (states[b.name] == "unknown"):
                return False
            if a.unit == b.unit and a.length <= b.length and states[a.name] == "inside" != states[b.name]:
                return False
    return True


def _order_values(whens: list[dict]) -> dict[str, list]:
    orders = [w.get("order", {}) for w in whens] + [o.get("order", {}) for w in whens for o in w.get("any_of", [])]
    used = {k for o in orders for k in o}
    return {
        "gift": [False, True] if "gift" in used else [False],
        "international": [False, True] if "international" in used else [False],
        "units": sorted({1} | {o["min_units"] for o in orders if "min_units" in o}),
        "order_tags": [frozenset()] + [frozenset([t.lower()]) for o in orders for t in o.get("tags", [])],
        "destination_country": [None] + [c for o in orders for c in o.get("destination_country", [])],
    }


def fact_space(policy: Policy):
    """Yield (facts, reasons folded into facts.reason, conditions folded into facts.condition)."""
    whens = _when_docs(policy)
    reasons = _groups(vocab.REASONS, whens, "reason")
    conditions = _groups(vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION,), whens, "condition")
    names = list(policy.windows)
    window_combos = [dict(zip(names, combo)) for combo in
                     itertools.product(*(_window_states(policy.windows[n]) for n in names))]
    window_combos = [c for c in window_combos if _feasible(policy, c)]
    order = _order_values(whens)
    for t, r, cls, cond, win, oos, insp, *rest in itertools.product(
            vocab.REQUEST_TYPES, reasons, policy.class_names, conditions, window_combos,
            (False, True), (False, True), *order.values()):
        facts = Facts(t, r, cls, cond, win, oos, insp, *rest)
        yield facts, reasons[r], conditions[cond]


def _describe(kind: tuple, windows: list[dict]) -> str:
    """One line per uncovered kind; only windows whose state matters to it are named."""
    t, reasons, cls, conditions = kind
    fixed = [f"{name} {states.pop()}" for name in windows[0]
             if len(states := {w[name] for w in windows}) == 1]
    return (f"{t} · reason {'/'.join(reasons)} · class {cls} · condition {'/'.join(conditions)}"
            + (" · " + ", ".join(fixed) if fixed else ""))


def analyse(policy: Policy, max_uncovered: int = 12) -> Report:
    """Find rules and adjustments that never fire, and summarise the requests no rule covers."""
    fired = [False] * len(policy.rules)
    adjusted = [False] * len(policy.adjustments)
    uncovered: dict[tuple, list[dict]] = {}
    for facts, reasons, conditions in fact_space(policy):
        index = next((i for i, r in enumerate(policy.rules) if r.matches(facts)), None)
        if index is None:
            kind = (facts.type, tuple(reasons), facts.item_class, tuple(conditions))
            uncovered.setdefault(kind, []).append(dict(facts.windows))
        else:
            fired[index] = True
        for i, adj in enumerate(policy.adjustments):
            adjusted[i] = adjusted[i] or adj.matches(facts)
    report = Report(uncovered=[_describe(k, w) for k, w in list(uncovered.items())[:max_uncovered]],
                    uncovered_total=len(uncovered))
    report.never_fire = [f"rules[{i}] {r.id!r}: every request it matches is decided by an earlier rule, "
                         "or its conditions cannot all hold" for i, r in enumerate(policy.rules) if not fired[i]]
    report.never_fire += [f"adjustments[{i}] {a.id!r}: its conditions cannot all hold"
                          for i, a in enumerate(policy.adjustments) if not adjusted[i]]
    return report
