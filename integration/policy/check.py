"""Static analysis of a policy: rules that can never fire, and kinds of request no rule covers.

Every value the rules cannot tell apart is folded into one representative, so the whole space of
distinguishable requests is enumerated and run through the real matchers.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from integration.policy.conditions.registry import CONDITIONS
from integration.policy.facts import Facts
from integration.policy.model import Policy


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


def fact_space(policy: Policy):
    """Yield (facts, {fact: the values folded into it}) for every kind of request the rules can tell apart."""
    whens = _when_docs(policy)
    spaces = [c.space(policy, [c.written_in(w) for w in whens]) for c in CONDITIONS]
    names = [c.fact for c in CONDITIONS]
    for combo in itertools.product(*spaces):
        yield (Facts(**{n: value for n, (value, _) in zip(names, combo)}),
               {n: members for n, (_, members) in zip(names, combo)})


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
    for facts, folded in fact_space(policy):
        index = next((i for i, r in enumerate(policy.rules) if r.matches(facts)), None)
        if index is None:
            kind = (facts.type, tuple(folded["reason"]), facts.item_class, tuple(folded["condition"]))
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
